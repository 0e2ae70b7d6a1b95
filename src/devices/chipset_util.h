/*
 * Helpers shared by the chipset descriptors (board_q35.c, board_i440fx.c,
 * acpi_common.c, ide_common.c): reading decoded values from hooks, and
 * recognising what may follow a field on the wire when a hook must infer a
 * device property from the bytes (the machine model does not exist yet).
 *
 * "Section end" means what QEMU 7.2 writes after the last byte of a FULL
 * section: the footer (0x7E), the next FULL section (0x04, streams without
 * footers), or EOF (0x00) followed by the vmdesc (0x06) or nothing.  A
 * decode whose cursor stops exactly at the end of the payload (len == 0)
 * also counts.
 */
#ifndef VMC_DEVICES_CHIPSET_UTIL_H
#define VMC_DEVICES_CHIPSET_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmstate/hooks.h"

/* Could the bytes at p be what follows the last field of a top-level section? */
bool vmc_chipset_section_end_ok(const uint8_t *p, size_t len);

/*
 * If p starts a subsection (0x05, length, name, be32 version) whose name
 * equals `name` (exact) or, with prefix = true, starts with `name`, the
 * number of header bytes (2 + length + 4); else 0.
 */
size_t vmc_chipset_subsection_at(const uint8_t *p, size_t len, const char *name, bool prefix);

/* Does p hold a QEMU-written bool (0 or 1)? */
static inline bool vmc_chipset_is_bool(uint8_t b)
{
    return b <= 1;
}

/* Continuation test used by the scanners below. */
typedef bool (*vmc_chipset_cont_fn)(const uint8_t *p, size_t len, const void *opaque);

/*
 * ACPI hot-plug device arrays (memory and CPU hot-plug status) are
 * `count` entries of {bool, bool, u32, u32} (10 bytes) whose count QEMU
 * keeps off the wire.  Return the smallest count n <= max_count such that
 * every entry's two bools are 0/1 and cont() accepts the bytes after the
 * n entries; -1 when none does.
 */
int64_t vmc_chipset_scan_hp_array(const uint8_t *p, size_t len, int64_t max_count,
                                  vmc_chipset_cont_fn cont, const void *opaque);

/* Size of one ACPI hot-plug status entry on the wire. */
#define VMC_ACPI_HP_ENTRY_SIZE 10

/* ---- hook helpers ------------------------------------------------------ */

/* The struct being decoded (innermost scope), or NULL. */
const vmc_value *vmc_chipset_self(const vmc_hook_ctx *ctx);

/* The top-level section value (outermost scope), or NULL. */
const vmc_value *vmc_chipset_top(const vmc_hook_ctx *ctx);

/* Has the innermost struct already decoded a field of exactly this name? */
bool vmc_chipset_self_has(const vmc_hook_ctx *ctx, const char *field);

/*
 * Integer field `field` as a needed() hook sees it: in the innermost struct
 * when that struct is the subsection `sub` itself, else in its subsection
 * `sub`, else in the innermost struct, else anywhere up the scope chain.
 * Returns false when the field is nowhere.
 */
bool vmc_chipset_sub_int(const vmc_hook_ctx *ctx, const char *sub, const char *field,
                         int64_t *out);

/* ---- the machine model behind a hook ----------------------------------- */

/*
 * When a machine model drives the engine (vmcompat write, preflight), hooks
 * get the owning device in ctx->device; these read what the model knows.
 * Without a model they return NULL / dflt, and hooks fall back to
 * inferring from the bytes or to QEMU 7.2's default for the newest machine.
 */
struct vmc_model;
struct vmc_model *vmc_chipset_machine(const vmc_hook_ctx *ctx);
/* A MachineClass field (JSON text, e.g. "true") or NULL. */
const char *vmc_chipset_class_field(const vmc_hook_ctx *ctx, const char *key);
/* A boolean device property (on/off/true/false), dflt when unknown. */
bool vmc_chipset_prop_bool(const vmc_hook_ctx *ctx, const char *prop, bool dflt);
/*
 * A needed() hook whose condition is the boolean property `prop`: the
 * model's value when there is a model, else (decoding a stream without
 * one) whether the tree holds subsection `sub`.
 */
bool vmc_chipset_prop_or_present(const vmc_hook_ctx *ctx, const char *prop, bool dflt,
                                 const char *sub);
/* -smp maxcpus (or cpus) and -m slots of the machine; -1 without a model. */
int64_t vmc_chipset_max_cpus(const vmc_hook_ctx *ctx);
int64_t vmc_chipset_ram_slots(const vmc_hook_ctx *ctx);

#endif
