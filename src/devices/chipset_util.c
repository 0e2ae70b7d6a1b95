/* Helpers for the chipset descriptors; see chipset_util.h. */
#include "devices/chipset_util.h"
#include "machine-types/model_internal.h"
#include "vmstate/value_internal.h"

#include <stdlib.h>

#include <string.h>

bool vmc_chipset_section_end_ok(const uint8_t *p, size_t len)
{
    if (len == 0) {
        return true;
    }
    switch (p[0]) {
    case 0x7e:   /* section footer: be32 section id follows */
        return len >= 5;
    case 0x04:   /* next FULL section (no footers): be32 id, counted idstr */
        return len >= 6 && p[5] != 0;
    case 0x00:   /* EOF, then the vmdesc or nothing */
        return len == 1 || p[1] == 0x06;
    default:
        return false;
    }
}

size_t vmc_chipset_subsection_at(const uint8_t *p, size_t len, const char *name, bool prefix)
{
    size_t nlen = strlen(name);
    if (len < 2 || p[0] != 0x05) {
        return 0;
    }
    size_t l = p[1];
    if (len < 2 + l + 4) {
        return 0;
    }
    if (prefix ? (l <= nlen || memcmp(p + 2, name, nlen) != 0)
               : (l != nlen || memcmp(p + 2, name, nlen) != 0)) {
        return 0;
    }
    return 2 + l + 4;
}

int64_t vmc_chipset_scan_hp_array(const uint8_t *p, size_t len, int64_t max_count,
                                  vmc_chipset_cont_fn cont, const void *opaque)
{
    for (int64_t n = 0; n <= max_count; n++) {
        size_t off = (size_t)n * VMC_ACPI_HP_ENTRY_SIZE;
        if (off > len) {
            return -1;
        }
        if (cont(p + off, len - off, opaque)) {
            return n;
        }
        /* Entry n must exist and look like one for n + 1 to be a candidate. */
        if (len - off < VMC_ACPI_HP_ENTRY_SIZE || !vmc_chipset_is_bool(p[off]) ||
            !vmc_chipset_is_bool(p[off + 1])) {
            return -1;
        }
    }
    return -1;
}

const vmc_value *vmc_chipset_self(const vmc_hook_ctx *ctx)
{
    return ctx->nscope > 0 ? ctx->scope[ctx->nscope - 1] : NULL;
}

const vmc_value *vmc_chipset_top(const vmc_hook_ctx *ctx)
{
    return ctx->nscope > 0 ? ctx->scope[0] : NULL;
}

bool vmc_chipset_self_has(const vmc_hook_ctx *ctx, const char *field)
{
    return vmc_value_child(vmc_chipset_self(ctx), field) != NULL;
}

static bool int_of(const vmc_value *v, int64_t *out)
{
    if (!v) {
        return false;
    }
    switch (v->kind) {
    case VMC_VALUE_INT:
    case VMC_VALUE_UINT:
    case VMC_VALUE_BOOL:
        *out = vmc_value_int(v);
        return true;
    default:
        return false;
    }
}

bool vmc_chipset_sub_int(const vmc_hook_ctx *ctx, const char *sub, const char *field,
                         int64_t *out)
{
    const vmc_value *self = vmc_chipset_self(ctx);
    if (self && self->kind == VMC_VALUE_STRUCT) {
        if (self->vmsd_name && strcmp(self->vmsd_name, sub) == 0) {
            return int_of(vmc_value_child(self, field), out);
        }
        for (size_t i = 0; i < self->nsub; i++) {
            const vmc_value *s = self->sub[i];
            if (s->vmsd_name && strcmp(s->vmsd_name, sub) == 0) {
                return int_of(vmc_value_child(s, field), out);
            }
        }
        if (int_of(vmc_value_child(self, field), out)) {
            return true;
        }
    }
    return int_of(vmc_hook_lookup(ctx, field), out);
}

/* ---- the machine model behind a hook ----------------------------------- */

struct vmc_model *vmc_chipset_machine(const vmc_hook_ctx *ctx)
{
    /* the writer and preflight pass the owning vmc_mdev with a prop getter */
    if (!ctx->device || !ctx->device_prop) {
        return NULL;
    }
    return ((vmc_mdev *)ctx->device)->m;
}

const char *vmc_chipset_class_field(const vmc_hook_ctx *ctx, const char *key)
{
    vmc_model *m = vmc_chipset_machine(ctx);
    return m ? vmc_model_class_field(m, key) : NULL;
}

bool vmc_chipset_prop_bool(const vmc_hook_ctx *ctx, const char *prop, bool dflt)
{
    const char *v = vmc_hook_device_prop(ctx, prop);
    if (!v) {
        return dflt;
    }
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        return false;
    }
    return dflt;
}

bool vmc_chipset_prop_or_present(const vmc_hook_ctx *ctx, const char *prop, bool dflt,
                                 const char *sub)
{
    if (vmc_chipset_machine(ctx)) {
        return vmc_chipset_prop_bool(ctx, prop, dflt);
    }
    for (int i = ctx->nscope - 1; i >= 0; i--) {
        const char *vn = ctx->scope[i]->vmsd_name;
        if (vn && strcmp(vn, sub) == 0) {
            return true;
        }
        for (size_t k = 0; k < ctx->scope[i]->nsub; k++) {
            const char *sn = ctx->scope[i]->sub[k]->vmsd_name;
            if (sn && strcmp(sn, sub) == 0) {
                return true;
            }
        }
    }
    return false;
}

int64_t vmc_chipset_max_cpus(const vmc_hook_ctx *ctx)
{
    vmc_model *m = vmc_chipset_machine(ctx);
    return m ? (int64_t)m->max_cpus : -1;
}

int64_t vmc_chipset_ram_slots(const vmc_hook_ctx *ctx)
{
    vmc_model *m = vmc_chipset_machine(ctx);
    if (!m) {
        return -1;
    }
    const char *v = vmc_qopts_get(vmc_cmdline_memory(m->cl), "slots");
    return v ? strtoll(v, NULL, 0) : 0;
}
