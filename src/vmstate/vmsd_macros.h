/*
 * Shorthands for writing vmc_vmsd field tables.  Each mirrors the wire
 * effect of the QEMU VMSTATE_* macro of the same shape; the names say what
 * goes on the wire, not how QEMU lays out its C structs.
 *
 *   VMC_F(name, info, size)            one element of a VMStateInfo type
 *   VMC_UINT8(name) ... VMC_INT64(name), VMC_BOOL(name), VMC_TIMER(name)
 *   ..._V(name, version)               present from stream version `version`
 *   ..._ARRAY(name, n)                 n elements
 *   VMC_BUFFER(name, n)                n raw bytes
 *   VMC_UNUSED(n)                      n zero bytes named "unused"
 *   VMC_STRUCT(name, vmsd)             nested vmsd (at its own version)
 *   VMC_STRUCT_ARRAY(name, n, vmsd)    n nested structs
 *   VMC_TMP(name, vmsd)                VMSTATE_WITH_TMP
 *   VMC_END                            end of list
 * Conditions and counts that QEMU computes are given with designated
 * initializers: .exists = "hook", .num_field = "field" / "@hook".
 */
#ifndef VMC_VMSD_MACROS_H
#define VMC_VMSD_MACROS_H

#include "vmcompat/vmstate.h"

#define VMC_F(n, i, s) { .name = (n), .info = (i), .size = (s) }
#define VMC_F_V(n, i, s, v) { .name = (n), .info = (i), .size = (s), .version_id = (v) }
#define VMC_F_ARR(n, i, s, c) \
    { .name = (n), .info = (i), .size = (s), .num = (c), .flags = VMC_F_ARRAY }
#define VMC_F_ARR_V(n, i, s, c, v) \
    { .name = (n), .info = (i), .size = (s), .num = (c), .flags = VMC_F_ARRAY, .version_id = (v) }

#define VMC_BOOL(n) VMC_F(n, "bool", 1)
#define VMC_UINT8(n) VMC_F(n, "uint8", 1)
#define VMC_UINT16(n) VMC_F(n, "uint16", 2)
#define VMC_UINT32(n) VMC_F(n, "uint32", 4)
#define VMC_UINT64(n) VMC_F(n, "uint64", 8)
#define VMC_INT8(n) VMC_F(n, "int8", 1)
#define VMC_INT16(n) VMC_F(n, "int16", 2)
#define VMC_INT32(n) VMC_F(n, "int32", 4)
#define VMC_INT64(n) VMC_F(n, "int64", 8)
#define VMC_TIMER(n) VMC_F(n, "timer", 8)

#define VMC_BOOL_V(n, v) VMC_F_V(n, "bool", 1, v)
#define VMC_UINT8_V(n, v) VMC_F_V(n, "uint8", 1, v)
#define VMC_UINT16_V(n, v) VMC_F_V(n, "uint16", 2, v)
#define VMC_UINT32_V(n, v) VMC_F_V(n, "uint32", 4, v)
#define VMC_UINT64_V(n, v) VMC_F_V(n, "uint64", 8, v)
#define VMC_INT32_V(n, v) VMC_F_V(n, "int32", 4, v)
#define VMC_INT64_V(n, v) VMC_F_V(n, "int64", 8, v)

#define VMC_BOOL_ARRAY(n, c) VMC_F_ARR(n, "bool", 1, c)
#define VMC_UINT8_ARRAY(n, c) VMC_F_ARR(n, "uint8", 1, c)
#define VMC_UINT16_ARRAY(n, c) VMC_F_ARR(n, "uint16", 2, c)
#define VMC_UINT32_ARRAY(n, c) VMC_F_ARR(n, "uint32", 4, c)
#define VMC_UINT64_ARRAY(n, c) VMC_F_ARR(n, "uint64", 8, c)
#define VMC_INT32_ARRAY(n, c) VMC_F_ARR(n, "int32", 4, c)

#define VMC_BUFFER(n, s) VMC_F(n, "buffer", s)
#define VMC_BUFFER_V(n, s, v) VMC_F_V(n, "buffer", s, v)
#define VMC_UNUSED(s) VMC_F("unused", "unused_buffer", s)
#define VMC_UNUSED_V(s, v) VMC_F_V("unused", "unused_buffer", s, v)

#define VMC_STRUCT(n, vm) { .name = (n), .flags = VMC_F_STRUCT, .vmsd = &(vm) }
#define VMC_STRUCT_V(n, vm, v) \
    { .name = (n), .flags = VMC_F_STRUCT, .vmsd = &(vm), .version_id = (v) }
#define VMC_STRUCT_ARRAY(n, c, vm) \
    { .name = (n), .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = (c), .vmsd = &(vm) }
#define VMC_TMP(n, vm) { .name = (n), .info = "tmp", .vmsd = &(vm) }

#define VMC_END { .name = NULL }

#endif
