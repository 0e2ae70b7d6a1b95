/*
 * Decode a section with the stream's own vmdesc entry.
 *
 * The vmdesc lists exactly the fields and subsections QEMU wrote, with the
 * wire size of each element, so decoding is a walk; every nested size is
 * checked against what its contents consumed, and a subsection must appear
 * where the description says, so a lying vmdesc is caught at the field
 * where it stops matching the bytes.
 */
#include "vmstate/decode.h"
#include "vmstate/info.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64
/* Elements of 0 bytes cost no input, so a vmdesc could ask for 2^64 of them
 * (also nested): at most this many per device section. */
#define MAX_EMPTY_ELEMENTS (1u << 16)

static _Thread_local uint64_t empty_left;

static int decode_struct(vmc_decode_ctx *dc, const vmc_vd_struct *s, vmc_value *into);

static int oom(vmc_decode_ctx *dc)
{
    return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
}

/* One element of a field. */
static int decode_elem(vmc_decode_ctx *dc, const vmc_vd_struct *owner, const vmc_vd_field *f,
                       const char *name, vmc_value **out)
{
    int rc;
    if ((rc = vmc_decode_need(dc, f->size, f->type))) {
        return rc;
    }
    if (f->size == 0) {
        if (empty_left == 0) {
            return vmc_decode_fail(dc, VMC_ELIMIT, "vmdesc describes more than %u elements "
                                   "of 0 bytes", MAX_EMPTY_ELEMENTS);
        }
        empty_left--;
    }
    const vmc_info *info = vmc_info_find(f->type);
    /* A NULL element of a VMS_ARRAY_OF_POINTER field is the one byte 0x30 and
     * keeps the field's type in the vmdesc (size 1 where an element of the
     * type cannot have 1 byte). */
    if (f->size == 1 && dc->cur.base[dc->cur.pos] == 0x30 &&
        (f->nested || (info && info->width > 1))) {
        return vmc_decode_leaf(dc, name, "nullptr", 1, out);
    }
    if (f->nested && (!info || info->cls == VMC_INFO_STRUCT)) {
        size_t start = dc->cur.pos;
        vmc_value *v = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, name, f->type);
        if (!v) {
            return oom(dc);
        }
        v->offset = vmc_cursor_abs(&dc->cur);
        v->raw = dc->cur.base + start;
        v->vmsd_name = f->nested->vmsd_name;
        v->version = (int)f->nested->version;
        /* Confine the nested walk to the element's bytes. */
        size_t saved_len = dc->cur.len;
        dc->cur.len = start + (size_t)f->size;
        rc = decode_struct(dc, f->nested, v);
        dc->cur.len = saved_len;
        if (rc) {
            return rc;
        }
        if (dc->cur.pos - start != f->size) {
            return vmc_decode_fail(dc, VMC_EFORMAT,
                                   "vmdesc says this %s has %llu bytes but its fields use %zu",
                                   f->type, (unsigned long long)f->size, dc->cur.pos - start);
        }
        v->size = f->size;
        *out = v;
        return 0;
    }
    if (info && info->cls == VMC_INFO_CUSTOM) {
        size_t start = dc->cur.pos;
        size_t saved_len = dc->cur.len;
        dc->cur.len = start + (size_t)f->size;
        rc = vmc_decode_custom(dc, name, f->type, owner ? owner->vmsd_name : NULL, f->size, out);
        dc->cur.len = saved_len;
        if (rc) {
            return rc;
        }
        if (dc->cur.pos - start != f->size) {
            return vmc_decode_fail(dc, VMC_EFORMAT, "%s decoder used %zu of %llu bytes",
                                   f->type, dc->cur.pos - start, (unsigned long long)f->size);
        }
        return 0;
    }
    if (!info) {
        vmc_decode_warn(dc, "unknown field type '%s'; kept as bytes", f->type);
    }
    return vmc_decode_leaf(dc, name, f->type, f->size, out);
}

static int decode_field(vmc_decode_ctx *dc, const vmc_vd_struct *s, const vmc_vd_field *f,
                        vmc_value *into)
{
    int rc;
    size_t old = vmc_decode_path_push(dc, f->name, false);
    if (f->array_len > 0) {
        if (f->size && f->array_len > vmc_cursor_left(&dc->cur) / f->size) {
            rc = vmc_decode_fail(dc, VMC_EFORMAT,
                                 "vmdesc array of %llu x %llu bytes exceeds the %zu bytes left",
                                 (unsigned long long)f->array_len, (unsigned long long)f->size,
                                 vmc_cursor_left(&dc->cur));
            vmc_decode_path_pop(dc, old);
            return rc;
        }
        vmc_value *arr = vmc_value_new(dc->arena, VMC_VALUE_ARRAY, f->name, f->type);
        if (!arr) {
            return oom(dc);
        }
        arr->compressible = true;
        arr->field_array = true;
        arr->offset = vmc_cursor_abs(&dc->cur);
        arr->raw = dc->cur.base + dc->cur.pos;
        size_t start = dc->cur.pos;
        for (uint64_t i = 0; i < f->array_len; i++) {
            size_t o2 = vmc_decode_path_push_index(dc, i);
            vmc_value *e;
            rc = decode_elem(dc, s, f, NULL, &e);
            vmc_decode_path_pop(dc, o2);
            if (rc) {
                return rc;
            }
            if (vmc_value_add(dc->arena, arr, e)) {
                return oom(dc);
            }
        }
        arr->size = dc->cur.pos - start;
        if (vmc_value_add(dc->arena, into, arr)) {
            return oom(dc);
        }
    } else if (f->index >= 0) {
        /* One element of a non-compressible array: append to the array value. */
        vmc_value *arr = into->nchild ? into->child[into->nchild - 1] : NULL;
        if (!arr || arr->kind != VMC_VALUE_ARRAY || arr->compressible ||
            strcmp(arr->name, f->name) != 0) {
            if (f->index != 0) {
                rc = vmc_decode_fail(dc, VMC_EFORMAT, "vmdesc element index %lld without "
                                     "the elements before it", (long long)f->index);
                vmc_decode_path_pop(dc, old);
                return rc;
            }
            arr = vmc_value_new(dc->arena, VMC_VALUE_ARRAY, f->name, f->type);
            if (!arr || vmc_value_add(dc->arena, into, arr)) {
                return oom(dc);
            }
            arr->offset = vmc_cursor_abs(&dc->cur);
            arr->raw = dc->cur.base + dc->cur.pos;
            arr->field_array = true;
        } else if ((uint64_t)f->index != arr->nchild) {
            rc = vmc_decode_fail(dc, VMC_EFORMAT, "vmdesc element index %lld out of order "
                                 "(expected %zu)", (long long)f->index, arr->nchild);
            vmc_decode_path_pop(dc, old);
            return rc;
        }
        size_t o2 = vmc_decode_path_push_index(dc, (uint64_t)f->index);
        vmc_value *e;
        rc = decode_elem(dc, s, f, NULL, &e);
        vmc_decode_path_pop(dc, o2);
        if (rc) {
            return rc;
        }
        if (vmc_value_add(dc->arena, arr, e)) {
            return oom(dc);
        }
        arr->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - arr->offset);
    } else {
        vmc_value *e;
        if ((rc = decode_elem(dc, s, f, f->name, &e))) {
            return rc;
        }
        if (vmc_value_add(dc->arena, into, e)) {
            return oom(dc);
        }
    }
    vmc_decode_path_pop(dc, old);
    return 0;
}

/* 0x05, counted name, be32 version, then the subsection's own fields. */
static int decode_subsection(vmc_decode_ctx *dc, const vmc_vd_struct *sub, vmc_value *into)
{
    int rc;
    const char *name = sub->vmsd_name;
    size_t nlen = strlen(name);
    size_t old = vmc_decode_path_push(dc, name, false);
    const uint8_t *p = dc->cur.base + dc->cur.pos;
    size_t left = vmc_cursor_left(&dc->cur);
    if (left < 1 || p[0] != 0x05) {
        rc = vmc_decode_fail(dc, VMC_EFORMAT,
                             "vmdesc lists subsection '%s' but the stream has %s here", name,
                             left ? "no subsection marker (0x05)" : "no more data");
        goto out;
    }
    if (left < 2 + nlen + 4 || p[1] != nlen || memcmp(p + 2, name, nlen) != 0) {
        char found[256] = "";
        if (left >= 2) {
            size_t fl = p[1] < left - 2 ? p[1] : left - 2;
            snprintf(found, sizeof(found), "%.*s", (int)fl, (const char *)p + 2);
        }
        rc = vmc_decode_fail(dc, VMC_EFORMAT,
                             "vmdesc lists subsection '%s' but the stream has '%s' here", name,
                             found);
        goto out;
    }
    vmc_value *v = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, name, "subsection");
    if (!v) {
        return oom(dc);
    }
    v->offset = vmc_cursor_abs(&dc->cur);
    v->raw = p;
    v->vmsd_name = name;
    uint32_t ver = (uint32_t)p[2 + nlen] << 24 | (uint32_t)p[3 + nlen] << 16 |
                   (uint32_t)p[4 + nlen] << 8 | p[5 + nlen];
    v->version = (int)ver;   /* as sent; QEMU's loader keeps only the low 8 bits */
    if (sub->version >= 0 && (int64_t)ver != sub->version) {
        vmc_decode_warn(dc, "subsection '%s' has version %u, vmdesc says %lld", name, ver,
                        (long long)sub->version);
    }
    dc->cur.pos += 2 + nlen + 4;
    if ((rc = decode_struct(dc, sub, v))) {
        goto out;
    }
    v->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - v->offset);
    if (vmc_value_add_subsection(dc->arena, into, v)) {
        return oom(dc);
    }
    rc = 0;
out:
    vmc_decode_path_pop(dc, old);
    return rc;
}

static int decode_struct(vmc_decode_ctx *dc, const vmc_vd_struct *s, vmc_value *into)
{
    int rc;
    if (++dc->depth > MAX_DEPTH) {
        return vmc_decode_fail(dc, VMC_ELIMIT, "structs nested more than %d deep", MAX_DEPTH);
    }
    if (dc->nscope < VMC_SCOPE_MAX) {
        dc->scope[dc->nscope++] = into;
    }
    for (size_t i = 0; i < s->nfields; i++) {
        if ((rc = decode_field(dc, s, &s->fields[i], into))) {
            return rc;
        }
    }
    for (size_t i = 0; i < s->nsubsections; i++) {
        if ((rc = decode_subsection(dc, s->subsections[i], into))) {
            return rc;
        }
    }
    /* QEMU would try to load any further subsection with our prefix. */
    const uint8_t *p = dc->cur.base + dc->cur.pos;
    size_t left = vmc_cursor_left(&dc->cur);
    if (s->vmsd_name && left >= 2 && p[0] == 0x05) {
        size_t plen = strlen(s->vmsd_name);
        if (p[1] >= plen + 1 && left >= 2 + (size_t)p[1] &&
            memcmp(p + 2, s->vmsd_name, plen) == 0) {
            return vmc_decode_fail(dc, VMC_EFORMAT,
                                   "subsection '%.*s' is not in the vmdesc of '%s'", (int)p[1],
                                   (const char *)p + 2, s->vmsd_name);
        }
    }
    dc->nscope--;
    dc->depth--;
    return 0;
}

int vmc_vd_decode_device(vmc_decode_ctx *dc, const vmc_vd_device *dev, vmc_value **out)
{
    vmc_value *v = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, dev->name, "struct");
    if (!v) {
        return oom(dc);
    }
    v->offset = vmc_cursor_abs(&dc->cur);
    v->raw = dc->cur.base + dc->cur.pos;
    v->vmsd_name = dev->desc.vmsd_name;
    v->version = (int)dev->desc.version;
    dc->path[0] = '\0';
    dc->depth = 0;
    dc->nscope = 0;
    empty_left = MAX_EMPTY_ELEMENTS;
    int rc = decode_struct(dc, &dev->desc, v);
    if (rc) {
        return rc;
    }
    v->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - v->offset);
    if (dev->old_style && v->size != dev->size) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "vmdesc says %llu bytes, fields use %llu",
                               (unsigned long long)dev->size, (unsigned long long)v->size);
    }
    *out = v;
    return 0;
}
