/*
 * The built-in vmstate engine: decode bytes with a vmc_vmsd exactly as
 * QEMU 7.2's vmstate_load_state() would read them.
 *
 *  - version checks ("too new" / "too old", same wording as QEMU);
 *  - a field is read when its field_exists hook says so, or, without a
 *    hook, when its version_id <= the version being loaded;
 *  - element count from ARRAY / VARRAY_* (an earlier field, or a COUNT
 *    hook for counts QEMU keeps off the wire) and MULTIPLY_ELEMENTS;
 *  - element size from VBUFFER (int32 field) and MULTIPLY;
 *  - STRUCT recurses at the sub-vmsd's *own* version, VSTRUCT at
 *    struct_version_id, "tmp" at the field's version_id;
 *  - subsections: peek 0x05, length, name; stop when the name does not
 *    start with the vmsd name; an unknown name with the prefix is an error;
 *    the be32 version is truncated to 8 bits.
 * Field names are de-duplicated the way the vmdesc writer does, so trees
 * from this engine and from a vmdesc have the same shape.
 */
#include "vmstate/decode.h"
#include "vmstate/hooks.h"
#include "vmstate/info.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_ELEMENTS (1u << 24)

static int oom(vmc_decode_ctx *dc)
{
    return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
}

static vmc_hook_ctx hook_ctx(vmc_decode_ctx *dc)
{
    vmc_hook_ctx h = { .scope = dc->scope, .nscope = dc->nscope, .device = dc->device,
                       .device_prop = dc->device_prop,
                       .next = dc->cur.base + dc->cur.pos, .next_len = vmc_cursor_left(&dc->cur) };
    if (dc->build) {
        /* nothing to infer from: the bytes are being made */
        h.next = NULL;
        h.next_len = 0;
    }
    return h;
}

/* Name under which field i is shown: "name" or "name[k]" when repeated. */
static const char *field_display_name(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, size_t i)
{
    const char *name = vmsd->fields[i].name;
    size_t total = 0, before = 0;
    for (size_t k = 0; vmsd->fields[k].name; k++) {
        if (strcmp(vmsd->fields[k].name, name) == 0) {
            if (k < i) {
                before++;
            }
            total++;
        }
    }
    if (total <= 1) {
        return name;
    }
    char buf[300];
    snprintf(buf, sizeof(buf), "%s[%zu]", name, before);
    return vmc_arena_strdup(dc->arena, buf);
}

/* QEMU's vmsd_can_compress(): may the vmdesc write this array as one entry? */
static bool can_compress(const vmc_field *f)
{
    if (f->exists) {
        return false;
    }
    if ((f->flags & (VMC_F_STRUCT | VMC_F_VSTRUCT)) && f->vmsd) {
        if (f->flags & VMC_F_STRUCT) {
            for (size_t i = 0; f->vmsd->fields && f->vmsd->fields[i].name; i++) {
                if (!can_compress(&f->vmsd->fields[i])) {
                    return false;
                }
            }
            if (f->vmsd->subsections) {
                return false;
            }
        }
    }
    return true;
}

static int field_present(vmc_decode_ctx *dc, const vmc_field *f, int version, bool *present)
{
    if (f->exists) {
        const vmc_hook_def *h = vmc_hook_find(f->exists, VMC_HOOK_EXISTS);
        if (!h) {
            return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "field_exists hook '%s' is not "
                                   "implemented", f->exists);
        }
        vmc_hook_ctx hc = hook_ctx(dc);
        *present = h->test(&hc, version);
        return 0;
    }
    *present = f->version_id <= version;
    return 0;
}

/* Count or size taken from an earlier field, or from a COUNT hook ("@name"). */
static int lookup_number(vmc_decode_ctx *dc, const vmc_value *self, const char *ref,
                         int64_t *out)
{
    if (ref[0] == '@') {
        const vmc_hook_def *h = vmc_hook_find(ref + 1, VMC_HOOK_COUNT);
        if (!h) {
            return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "count hook '%s' is not implemented",
                                   ref + 1);
        }
        vmc_hook_ctx hc = hook_ctx(dc);
        *out = h->count(&hc);
        if (*out < 0) {
            return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "count hook '%s' cannot tell the "
                                   "value for this device", ref + 1);
        }
        return 0;
    }
    const vmc_value *v = vmc_value_child(self, ref);
    if (!v || (v->kind != VMC_VALUE_INT && v->kind != VMC_VALUE_UINT)) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "count field '%s' was not decoded before", ref);
    }
    *out = vmc_value_int(v);
    return 0;
}

/* libslirp's state (net_slirp.c) */
int vmc_slirp_state_decode(vmc_decode_ctx *dc, const char *name, int version, vmc_value **out);

static int decode_one(vmc_decode_ctx *dc, const vmc_vmsd *owner, const vmc_field *f,
                      const char *name, uint64_t size, vmc_value **out)
{
    if (f->flags & VMC_F_VSTRUCT) {
        int rc = vmc_engine_decode(dc, f->vmsd, f->struct_version_id, name, out);
        if (!rc) {
            (*out)->type = "vstruct";
        }
        return rc;
    }
    if (f->flags & VMC_F_STRUCT) {
        return vmc_engine_decode(dc, f->vmsd, f->vmsd->version_id, name, out);
    }
    if (f->info && strcmp(f->info, "tmp") == 0) {
        int rc = vmc_engine_decode(dc, f->vmsd, f->version_id, name, out);
        if (!rc) {
            (*out)->type = "tmp";
        }
        return rc;
    }
    const vmc_info *info = vmc_info_find(f->info);
    if (!info) {
        return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "unknown VMStateInfo '%s'",
                               f->info ? f->info : "(none)");
    }
    if (strcmp(f->info, "slirp-state") == 0) {
        return vmc_slirp_state_decode(dc, name, dc->section_version, out);
    }
    if (info->cls == VMC_INFO_CUSTOM) {
        uint64_t csize = size ? size : UINT64_MAX;
        if (strcmp(f->info, "virtio") == 0 || strcmp(f->info, "msix state") == 0 ||
            strcmp(f->info, "virtqueue_extra_state") == 0) {
            csize = UINT64_MAX;
        }
        return vmc_decode_custom(dc, name, f->info, owner->name, csize, out);
    }
    uint64_t wire = info->width ? info->width : size;
    if (strcmp(f->info, "bitmap") == 0) {
        /* VMSTATE_BITMAP: the size is a bit count; the wire has be64 words */
        wire = (size + 63) / 64 * 8;
    }
    return vmc_decode_leaf(dc, name, f->info, wire, out);
}

static int decode_fields(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version, vmc_value *self)
{
    int rc;
    for (size_t i = 0; vmsd->fields && vmsd->fields[i].name; i++) {
        const vmc_field *f = &vmsd->fields[i];
        bool present = false;
        if ((rc = field_present(dc, f, version, &present))) {
            return rc;
        }
        if (!present) {
            if (f->flags & VMC_F_MUST_EXIST) {
                return vmc_decode_fail(dc, VMC_EFORMAT, "Input validation failed: %s/%s",
                                       vmsd->name, f->name);
            }
            continue;
        }
        int64_t n = 1;
        if (f->flags & VMC_F_ARRAY) {
            n = f->num;
        } else if (f->flags & (VMC_F_VARRAY_INT32 | VMC_F_VARRAY_UINT32 | VMC_F_VARRAY_UINT16 |
                               VMC_F_VARRAY_UINT8)) {
            if (!f->num_field) {
                return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "VARRAY field '%s' without a "
                                       "count field", f->name);
            }
            if ((rc = lookup_number(dc, self, f->num_field, &n))) {
                return rc;
            }
            if (f->flags & VMC_F_VARRAY_INT32) {
                n = (int32_t)n;
            } else if (f->flags & VMC_F_VARRAY_UINT16) {
                n = (uint16_t)n;
            } else if (f->flags & VMC_F_VARRAY_UINT8) {
                n = (uint8_t)n;
            } else {
                n = (uint32_t)n;
            }
        }
        if (f->flags & VMC_F_MULTIPLY_ELEMENTS) {
            n *= f->num;
        }
        if (n < 0 || n > MAX_ELEMENTS) {
            return vmc_decode_fail(dc, VMC_EFORMAT, "field '%s' has %lld elements", f->name,
                                   (long long)n);
        }
        uint64_t size = f->size;
        if (f->flags & VMC_F_VBUFFER) {
            int64_t s;
            if (!f->size_field) {
                return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "VBUFFER field '%s' without a "
                                       "size field", f->name);
            }
            if ((rc = lookup_number(dc, self, f->size_field, &s))) {
                return rc;
            }
            s = (int32_t)s;
            if (f->flags & VMC_F_MULTIPLY) {
                s *= f->size;
            }
            if (s < 0) {
                return vmc_decode_fail(dc, VMC_EFORMAT, "buffer '%s' has negative size %lld",
                                       f->name, (long long)s);
            }
            size = (uint64_t)s;
        }
        if (n == 0) {
            continue;   /* no bytes, and no vmdesc entry */
        }
        const char *name = field_display_name(dc, vmsd, i);
        size_t old = vmc_decode_path_push(dc, name, false);
        if (n == 1) {
            vmc_value *v;
            if ((rc = decode_one(dc, vmsd, f, name, size, &v))) {
                return rc;
            }
            if (vmc_value_add(dc->arena, self, v)) {
                return oom(dc);
            }
        } else {
            vmc_value *arr = vmc_value_new(dc->arena, VMC_VALUE_ARRAY, name,
                                           (f->flags & VMC_F_VSTRUCT) ? "vstruct"
                                           : (f->flags & VMC_F_STRUCT) ? "struct"
                                                                       : f->info);
            if (!arr || vmc_value_add(dc->arena, self, arr)) {
                return oom(dc);
            }
            arr->offset = vmc_cursor_abs(&dc->cur);
            arr->raw = dc->cur.base + dc->cur.pos;
            arr->compressible = can_compress(f);
            arr->field_array = true;
            for (int64_t k = 0; k < n; k++) {
                size_t o2 = vmc_decode_path_push_index(dc, (uint64_t)k);
                vmc_value *e;
                if ((rc = decode_one(dc, vmsd, f, NULL, size, &e))) {
                    return rc;
                }
                vmc_decode_path_pop(dc, o2);
                if (vmc_value_add(dc->arena, arr, e)) {
                    return oom(dc);
                }
            }
            arr->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - arr->offset);
        }
        vmc_decode_path_pop(dc, old);
    }
    return 0;
}

static const vmc_vmsd *find_subsection(const vmc_vmsd *vmsd, const char *name, size_t len)
{
    for (size_t i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        const char *sn = vmsd->subsections[i]->name;
        if (strlen(sn) == len && memcmp(sn, name, len) == 0) {
            return vmsd->subsections[i];
        }
    }
    return NULL;
}

/* Build mode: append the subsections QEMU's saver would send, in the
 * vmsd's order, each then read back by decode_subsections(). */
static int build_subsection_header(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, size_t *next_index,
                                   bool *appended)
{
    *appended = false;
    for (; vmsd->subsections && vmsd->subsections[*next_index]; (*next_index)++) {
        const vmc_vmsd *sub = vmsd->subsections[*next_index];
        int want = dc->build->prov && dc->build->prov->subsection
                       ? dc->build->prov->subsection(dc->build->prov->opaque, dc->path,
                                                     sub->name)
                       : -1;
        if (want < 0) {
            if (!sub->needed) {
                want = 1;   /* no needed() callback: always sent */
            } else {
                const vmc_hook_def *h = vmc_hook_find(sub->needed, VMC_HOOK_NEEDED);
                if (!h) {
                    return vmc_decode_fail(dc, VMC_EUNSUPPORTED,
                                           "needed hook '%s' of subsection '%s' is not "
                                           "implemented; say in the state whether it is sent",
                                           sub->needed, sub->name);
                }
                vmc_hook_ctx hc = hook_ctx(dc);
                want = h->test(&hc, sub->version_id);
            }
        }
        if (!want) {
            continue;
        }
        size_t n = strlen(sub->name);
        if (n > 255) {
            return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "subsection name '%s' too long",
                                   sub->name);
        }
        uint8_t hdr[2 + 255 + 4];
        hdr[0] = 0x05;
        hdr[1] = (uint8_t)n;
        memcpy(hdr + 2, sub->name, n);
        uint32_t ver = (uint32_t)sub->version_id;
        hdr[2 + n] = (uint8_t)(ver >> 24);
        hdr[3 + n] = (uint8_t)(ver >> 16);
        hdr[4 + n] = (uint8_t)(ver >> 8);
        hdr[5 + n] = (uint8_t)ver;
        if (dc->cur.pos != dc->cur.len) {
            return vmc_decode_fail(dc, VMC_EUSAGE, "build: subsection not at the end of the data");
        }
        if (dc->cur.len + n + 6 > dc->build->cap) {
            return vmc_decode_fail(dc, VMC_ELIMIT, "device state larger than %zu bytes",
                                   dc->build->cap);
        }
        memcpy(dc->build->buf + dc->cur.len, hdr, n + 6);
        dc->cur.len += n + 6;
        (*next_index)++;
        *appended = true;
        return 0;
    }
    return 0;
}

static int decode_subsections(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, vmc_value *self)
{
    size_t build_index = 0;
    size_t plen = strlen(vmsd->name);
    for (;;) {
        if (dc->build && vmc_cursor_left(&dc->cur) == 0) {
            bool appended;
            int brc = build_subsection_header(dc, vmsd, &build_index, &appended);
            if (brc || !appended) {
                return brc;
            }
        }
        const uint8_t *p = dc->cur.base + dc->cur.pos;
        size_t left = vmc_cursor_left(&dc->cur);
        if (left < 1 || p[0] != 0x05) {
            return 0;
        }
        if (left < 2 || p[1] < plen + 1) {
            return 0;
        }
        size_t len = p[1];
        if (left < 2 + len) {
            return 0;
        }
        if (memcmp(p + 2, vmsd->name, plen) != 0) {
            return 0;
        }
        const vmc_vmsd *sub = find_subsection(vmsd, (const char *)p + 2, len);
        if (!sub) {
            return vmc_decode_fail(dc, VMC_ENOTFOUND,
                                   "unknown subsection '%.*s' of '%s' (QEMU fails with ENOENT)",
                                   (int)len, (const char *)p + 2, vmsd->name);
        }
        int64_t start = vmc_cursor_abs(&dc->cur);
        const uint8_t *raw = p;
        dc->cur.pos += 2 + len;
        int rc = vmc_decode_need(dc, 4, "subsection version");
        if (rc) {
            return rc;
        }
        uint32_t ver32 = vmc_be32(dc->cur.base + dc->cur.pos);
        dc->cur.pos += 4;
        int version = (int)(uint8_t)ver32;   /* QEMU reads it into a uint8_t */
        size_t old = vmc_decode_path_push(dc, sub->name, false);
        vmc_value *v;
        rc = vmc_engine_decode(dc, sub, version, sub->name, &v);
        vmc_decode_path_pop(dc, old);
        if (rc) {
            return rc;
        }
        v->type = "subsection";
        v->version = (int)ver32;   /* as sent (the load used the low 8 bits) */
        v->offset = start;
        v->raw = raw;
        v->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - start);
        if (vmc_value_add_subsection(dc->arena, self, v)) {
            return oom(dc);
        }
    }
}

int vmc_engine_decode(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version, const char *name,
                      vmc_value **out)
{
    int rc;
    if (!vmsd) {
        return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "no descriptor");
    }
    if (version > vmsd->version_id) {
        return vmc_decode_fail(dc, VMC_EFORMAT,
                               "%s: incoming version_id %d is too new for local version_id %d",
                               vmsd->name, version, vmsd->version_id);
    }
    if (version < vmsd->minimum_version_id) {
        return vmc_decode_fail(dc, VMC_EFORMAT,
                               "%s: incoming version_id %d is too old for local minimum "
                               "version_id  %d",
                               vmsd->name, version, vmsd->minimum_version_id);
    }
    if (dc->depth == 0) {
        dc->section_version = version;
    }
    if (++dc->depth > MAX_DEPTH) {
        return vmc_decode_fail(dc, VMC_ELIMIT, "structs nested more than %d deep", MAX_DEPTH);
    }
    vmc_value *self = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, name, "struct");
    if (!self) {
        return oom(dc);
    }
    self->offset = vmc_cursor_abs(&dc->cur);
    self->raw = dc->cur.base + dc->cur.pos;
    self->vmsd_name = vmsd->old_style ? NULL : vmsd->name;
    self->version = vmsd->old_style ? -1 : version;
    int saved_scope = dc->nscope;
    if (dc->nscope < VMC_SCOPE_MAX) {
        dc->scope[dc->nscope++] = self;
    }
    rc = decode_fields(dc, vmsd, version, self);
    if (!rc) {
        rc = decode_subsections(dc, vmsd, self);
    }
    dc->nscope = saved_scope;
    dc->depth--;
    if (rc) {
        return rc;
    }
    self->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - self->offset);
    *out = self;
    return 0;
}
