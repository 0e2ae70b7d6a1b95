/* Hook registry and scope helpers; see hooks.h. */
#include "vmstate/hooks.h"
#include "vmstate/value_internal.h"

#include <string.h>

/* Generic hooks that depend on no particular device. */
static bool always_false(const vmc_hook_ctx *ctx, int version_id)
{
    return false;
}

static bool always_true(const vmc_hook_ctx *ctx, int version_id)
{
    return true;
}

/* QEMU's vmstate_test_... "is version 1" tests (old layouts kept for v1 streams). */
static bool is_version_1(const vmc_hook_ctx *ctx, int version_id)
{
    return version_id == 1;
}

const vmc_hook_def vmc_hooks_core[] = {
    { "never", VMC_HOOK_EXISTS, always_false, NULL },
    { "always", VMC_HOOK_EXISTS, always_true, NULL },
    { "never", VMC_HOOK_NEEDED, always_false, NULL },
    { "always", VMC_HOOK_NEEDED, always_true, NULL },
    { "is_version_1", VMC_HOOK_EXISTS, is_version_1, NULL },
    { NULL, 0, NULL, NULL },
};

static const vmc_hook_def *const registry[] = {
    vmc_hooks_core,
    vmc_hooks_virtio,
    vmc_hooks_pci,
    vmc_hooks_cpu,
    vmc_hooks_q35,
    vmc_hooks_i440fx,
    vmc_hooks_isa,
    vmc_hooks_pcidev,
    vmc_hooks_bridges,
    vmc_hooks_media,
    vmc_hooks_net,
};

const vmc_hook_def *vmc_hook_find(const char *name, vmc_hook_kind kind)
{
    if (!name) {
        return NULL;
    }
    for (size_t t = 0; t < sizeof(registry) / sizeof(registry[0]); t++) {
        for (const vmc_hook_def *h = registry[t]; h->name; h++) {
            if (h->kind == kind && strcmp(h->name, name) == 0) {
                return h;
            }
        }
    }
    return NULL;
}

const char *vmc_hook_device_prop(const vmc_hook_ctx *ctx, const char *prop)
{
    return ctx->device && ctx->device_prop ? ctx->device_prop(ctx->device, prop) : NULL;
}

const vmc_value *vmc_hook_lookup(const vmc_hook_ctx *ctx, const char *name)
{
    for (int i = ctx->nscope - 1; i >= 0; i--) {
        const vmc_value *v = vmc_value_get(ctx->scope[i], name);
        if (v) {
            return v;
        }
    }
    return NULL;
}

int64_t vmc_hook_int(const vmc_hook_ctx *ctx, const char *name, int64_t dflt)
{
    const vmc_value *v = vmc_hook_lookup(ctx, name);
    if (!v) {
        return dflt;
    }
    switch (v->kind) {
    case VMC_VALUE_INT:
    case VMC_VALUE_UINT:
    case VMC_VALUE_BOOL:
        return vmc_value_int(v);
    default:
        return dflt;
    }
}
