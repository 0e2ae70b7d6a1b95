/*
 * Named behaviour hooks referenced by descriptor tables.
 *
 * Tables name their field_exists / needed / count hooks by string; the
 * engine resolves the names here.  A hook sees the values decoded so far
 * (innermost struct last in scope[]) and an optional device context set by a
 * machine model, and answers like QEMU's C callback would for that state.
 */
#ifndef VMC_HOOKS_H
#define VMC_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmcompat/vmstate.h"

typedef struct vmc_hook_ctx {
    const vmc_value *const *scope;   /* enclosing structs, outermost first */
    int nscope;
    void *device;                    /* model context, may be NULL */
    /* Property of the device being decoded per the machine model, or NULL. */
    const char *(*device_prop)(void *device, const char *prop);
    /* Decoding only: the bytes at the current position (the field's own
     * bytes when a field_exists hook runs), for hooks that must infer a
     * device property from the data when no model says it. */
    const uint8_t *next;
    size_t next_len;
} vmc_hook_ctx;

typedef enum vmc_hook_kind {
    VMC_HOOK_EXISTS = 1,   /* bool fn(ctx, version): field_exists */
    VMC_HOOK_NEEDED,       /* bool fn(ctx, version): subsection needed (saving) */
    VMC_HOOK_COUNT,        /* int64 fn(ctx): element count or size not on the wire */
} vmc_hook_kind;

typedef struct vmc_hook_def {
    const char *name;
    vmc_hook_kind kind;
    bool (*test)(const vmc_hook_ctx *ctx, int version_id);   /* EXISTS, NEEDED */
    int64_t (*count)(const vmc_hook_ctx *ctx);                /* COUNT; <0 = unknown */
} vmc_hook_def;

/* Resolve a hook by name and kind; NULL when not registered. */
const vmc_hook_def *vmc_hook_find(const char *name, vmc_hook_kind kind);

/*
 * A property of the device whose state is decoded (-device option, global,
 * machine-type compat property or default), when a machine model is behind
 * the decode; NULL otherwise (then hooks infer from the data).
 */
const char *vmc_hook_device_prop(const vmc_hook_ctx *ctx, const char *prop);

/* Helpers for hooks: the nearest value named `name` in the scope chain. */
const vmc_value *vmc_hook_lookup(const vmc_hook_ctx *ctx, const char *name);
/* Integer value of the nearest `name`, or dflt when absent. */
int64_t vmc_hook_int(const vmc_hook_ctx *ctx, const char *name, int64_t dflt);

/* Registry: every module contributes a NULL-terminated (name == NULL) table. */
extern const vmc_hook_def vmc_hooks_core[];
extern const vmc_hook_def vmc_hooks_virtio[];
extern const vmc_hook_def vmc_hooks_pci[];
extern const vmc_hook_def vmc_hooks_cpu[];
extern const vmc_hook_def vmc_hooks_q35[];
extern const vmc_hook_def vmc_hooks_i440fx[];
extern const vmc_hook_def vmc_hooks_isa[];
extern const vmc_hook_def vmc_hooks_pcidev[];
extern const vmc_hook_def vmc_hooks_bridges[];
extern const vmc_hook_def vmc_hooks_media[];
extern const vmc_hook_def vmc_hooks_net[];

#endif
