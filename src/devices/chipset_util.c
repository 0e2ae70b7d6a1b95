/* Helpers for the chipset descriptors; see chipset_util.h. */
#include "devices/chipset_util.h"
#include "vmstate/value_internal.h"

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
