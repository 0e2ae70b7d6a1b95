/*
 * Small helpers shared by the hooks of the cpu, core and isa groups
 * (cpu_hooks.c, isa_hooks.c).
 *
 * A needed() hook of QEMU reads the device struct, which holds the fields
 * of the vmsd and of all its subsections.  In a value tree the fields of a
 * subsection live in the subsection node, so a hook looks a field up
 *   1. in the subsection node itself when that node is in scope (the
 *      writer evaluating the subsection with its own values),
 *   2. as "<subsection>.<field>" below an enclosing struct (the parent
 *      holding the subsection), and
 *   3. optionally by plain name in the enclosing structs (fields of the
 *      parent vmsd, or a flat state tree).
 */
#ifndef VMC_DEVICES_CPU_ISA_HOOKS_H
#define VMC_DEVICES_CPU_ISA_HOOKS_H

#include "vmstate/hooks.h"

#include <stdio.h>
#include <string.h>

/* The value of `name` belonging to subsection `sub`; see above. */
static inline const vmc_value *ci_sub_field(const vmc_hook_ctx *ctx, const char *sub,
                                            const char *name, bool plain_fallback)
{
    for (int i = ctx->nscope - 1; i >= 0; i--) {
        const char *vn = vmc_value_vmsd_name(ctx->scope[i]);
        if (vn && strcmp(vn, sub) == 0) {
            const vmc_value *v = vmc_value_get(ctx->scope[i], name);
            if (v) {
                return v;
            }
        }
    }
    char path[256];
    snprintf(path, sizeof(path), "%s.%s", sub, name);
    const vmc_value *v = vmc_hook_lookup(ctx, path);
    if (!v && plain_fallback) {
        v = vmc_hook_lookup(ctx, name);
    }
    return v;
}

static inline bool ci_is_int(const vmc_value *v)
{
    vmc_value_kind k = v ? vmc_value_kind_of(v) : 0;
    return k == VMC_VALUE_INT || k == VMC_VALUE_UINT || k == VMC_VALUE_BOOL;
}

/* Integer value of a subsection field, or dflt when it is not in the tree. */
static inline int64_t ci_sub_int(const vmc_hook_ctx *ctx, const char *sub, const char *name,
                                 int64_t dflt)
{
    const vmc_value *v = ci_sub_field(ctx, sub, name, true);
    return ci_is_int(v) ? vmc_value_int(v) : dflt;
}

/* Integer value of a field of the enclosing structs, or dflt. */
static inline int64_t ci_int(const vmc_hook_ctx *ctx, const char *name, int64_t dflt)
{
    return vmc_hook_int(ctx, name, dflt);
}

/* Is any integer or byte below v non-zero? */
static inline bool ci_any_nonzero(const vmc_value *v)
{
    if (!v) {
        return false;
    }
    switch (vmc_value_kind_of(v)) {
    case VMC_VALUE_INT:
    case VMC_VALUE_UINT:
    case VMC_VALUE_BOOL:
        return vmc_value_uint(v) != 0;
    case VMC_VALUE_BYTES: {
        size_t n;
        const uint8_t *p = vmc_value_bytes(v, &n);
        for (size_t i = 0; p && i < n; i++) {
            if (p[i]) {
                return true;
            }
        }
        return false;
    }
    case VMC_VALUE_STRUCT:
    case VMC_VALUE_ARRAY:
        for (size_t i = 0; i < vmc_value_count(v); i++) {
            if (ci_any_nonzero(vmc_value_at(v, i))) {
                return true;
            }
        }
        return false;
    default:
        return false;
    }
}

/* Is any of the named subsection fields non-zero?  (NULL-terminated list) */
static inline bool ci_sub_any_nonzero(const vmc_hook_ctx *ctx, const char *sub,
                                      const char *const *names, bool plain_fallback)
{
    for (size_t i = 0; names[i]; i++) {
        if (ci_any_nonzero(ci_sub_field(ctx, sub, names[i], plain_fallback))) {
            return true;
        }
    }
    return false;
}

/*
 * Is the subsection itself in the tree?  Used where QEMU's condition is
 * state that no stream carries (a CPUID feature, an internal flag): a
 * tree decoded from a real stream holds exactly the subsections QEMU
 * found needed.
 */
static inline bool ci_sub_present(const vmc_hook_ctx *ctx, const char *sub)
{
    for (int i = ctx->nscope - 1; i >= 0; i--) {
        const char *vn = vmc_value_vmsd_name(ctx->scope[i]);
        if (vn && strcmp(vn, sub) == 0) {
            return true;
        }
    }
    return vmc_hook_lookup(ctx, sub) != NULL;
}

#endif
