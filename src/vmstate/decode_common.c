/* Pieces shared by both decoders: errors with context, leaves, custom infos. */
#include "vmstate/decode.h"
#include "vmstate/info.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int vmc_decode_fail(vmc_decode_ctx *dc, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmc_error_setv(code, vmc_cursor_abs(&dc->cur), dc->section, dc->path, fmt, ap);
    va_end(ap);
    return code;
}

void vmc_decode_warn(vmc_decode_ctx *dc, const char *fmt, ...)
{
    if (!dc->warn) {
        return;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(msg)) {
        snprintf(msg + n, sizeof(msg) - (size_t)n, " (at byte offset 0x%llx, section '%s'%s%s%s)",
                 (unsigned long long)vmc_cursor_abs(&dc->cur), dc->section ? dc->section : "",
                 dc->path[0] ? ", field '" : "", dc->path, dc->path[0] ? "'" : "");
    }
    dc->warn(dc->warn_opaque, msg);
}

size_t vmc_decode_path_push(vmc_decode_ctx *dc, const char *component, bool index)
{
    size_t old = strlen(dc->path);
    size_t pos = old;
    if (old && !index && pos + 1 < sizeof(dc->path)) {
        dc->path[pos++] = '.';
    }
    if (!component) {
        component = "";
    }
    size_t n = strlen(component);
    if (n > sizeof(dc->path) - 1 - pos) {
        n = sizeof(dc->path) - 1 - pos;   /* keep the path bounded */
    }
    memcpy(dc->path + pos, component, n);
    dc->path[pos + n] = '\0';
    return old;
}

size_t vmc_decode_path_push_index(vmc_decode_ctx *dc, uint64_t index)
{
    /* "[N]" by hand: this runs once per array element, and snprintf was a
     * quarter of the cost of decoding a machine's device sections */
    char digits[24], idx[28];
    size_t nd = 0, n = 0;
    do {
        digits[nd++] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    idx[n++] = '[';
    while (nd) {
        idx[n++] = digits[--nd];
    }
    idx[n++] = ']';
    idx[n] = '\0';
    return vmc_decode_path_push(dc, idx, true);
}

void vmc_decode_path_pop(vmc_decode_ctx *dc, size_t oldlen)
{
    dc->path[oldlen] = '\0';
}

int vmc_decode_need(vmc_decode_ctx *dc, uint64_t n, const char *what)
{
    if (dc->build && n > vmc_cursor_left(&dc->cur)) {
        int rc = vmc_build_supply(dc, what, n, false);
        if (rc) {
            return rc;
        }
    }
    if (n > vmc_cursor_left(&dc->cur)) {
        return vmc_decode_fail(dc, VMC_ETRUNC,
                               "section data ends early: %s needs %llu bytes, %zu left",
                               what ? what : "field", (unsigned long long)n,
                               vmc_cursor_left(&dc->cur));
    }
    return 0;
}

static vmc_value *leaf_new(vmc_decode_ctx *dc, vmc_value_kind kind, const char *name,
                           const char *type, uint64_t size)
{
    vmc_value *v = vmc_value_new(dc->arena, kind, name, type);
    if (v) {
        v->offset = vmc_cursor_abs(&dc->cur);
        v->size = size;
        v->raw = dc->cur.base + dc->cur.pos;
    }
    return v;
}

int vmc_decode_leaf(vmc_decode_ctx *dc, const char *name, const char *type, uint64_t size,
                    vmc_value **out)
{
    int rc = dc->build ? vmc_build_supply(dc, type, size, true) : 0;
    if (!rc) {
        rc = vmc_decode_need(dc, size, type);
    }
    if (rc) {
        return rc;
    }
    const vmc_info *info = vmc_info_find(type);
    const uint8_t *p = dc->cur.base + dc->cur.pos;
    vmc_value *v = NULL;
    vmc_info_class cls = info ? info->cls : VMC_INFO_OPAQUE;
    if (info && info->width && size != info->width &&
        (cls == VMC_INFO_BOOL || cls == VMC_INFO_SINT || cls == VMC_INFO_UINT ||
         cls == VMC_INFO_DOUBLE || cls == VMC_INFO_TIMER)) {
        vmc_decode_warn(dc, "field of type '%s' has %llu bytes, expected %u; kept as bytes",
                        type, (unsigned long long)size, info->width);
        cls = VMC_INFO_OPAQUE;
    }
    switch (cls) {
    case VMC_INFO_BOOL:
        v = leaf_new(dc, VMC_VALUE_BOOL, name, type, size);
        if (v) {
            v->v.b = p[0] != 0;
            v->width = 1;
        }
        break;
    case VMC_INFO_SINT:
    case VMC_INFO_TIMER:
    case VMC_INFO_UINT: {
        uint64_t u = 0;
        for (uint64_t i = 0; i < size; i++) {
            u = (u << 8) | p[i];
        }
        bool is_signed = cls != VMC_INFO_UINT;
        v = leaf_new(dc, is_signed ? VMC_VALUE_INT : VMC_VALUE_UINT, name, type, size);
        if (v) {
            v->width = (unsigned)size;
            if (is_signed) {
                unsigned shift = 64 - 8 * (unsigned)size;
                v->v.i = shift ? ((int64_t)(u << shift)) >> shift : (int64_t)u;
            } else {
                v->v.u = u;
            }
        }
        break;
    }
    case VMC_INFO_DOUBLE: {
        uint64_t u = vmc_be64(p);
        double d;
        memcpy(&d, &u, sizeof(d));
        v = leaf_new(dc, VMC_VALUE_DOUBLE, name, type, size);
        if (v) {
            v->v.d = d;
            v->width = 8;
        }
        break;
    }
    default:
        v = leaf_new(dc, VMC_VALUE_BYTES, name, type, size);
        if (v) {
            v->v.bytes.p = p;
            v->v.bytes.n = (size_t)size;
        }
        break;
    }
    if (!v) {
        return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
    }
    dc->cur.pos += (size_t)size;
    *out = v;
    return 0;
}

