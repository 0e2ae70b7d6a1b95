/*
 * Value tree -> bytes, and value tree -> vmdesc JSON.
 *
 * A tree holds everything the wire needs: nodes in wire order, integer
 * widths and signedness, the byte order of guest-layout data ("le"), and
 * subsections with their versions.  Encoding a decoded tree gives back the
 * bytes it was decoded from; encoding a built tree (a device model's fresh
 * state) gives the bytes QEMU would write for that state.
 *
 * The vmdesc follows QEMU 7.2's vmstate_save_state_v()/vmsd_desc_field_*:
 * one object per field (or per element of an array that cannot be
 * compressed, with "index"; compressible arrays get one object with
 * "array_len" describing the first element), "struct" objects for nested
 * vmsds, the nested description written inline for tmp/vstruct, and
 * "subsections" only when some were sent.
 */
#include "vmstate/value_internal.h"
#include "vmstate/info.h"
#include "vmcompat/json.h"
#include "common/error_internal.h"

#include <string.h>

static int put_uint(vmc_sink *s, uint64_t u, unsigned width, bool le)
{
    uint8_t b[8];
    if (width > 8) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "integer of %u bytes", width);
    }
    for (unsigned i = 0; i < width; i++) {
        unsigned shift = le ? 8 * i : 8 * (width - 1 - i);
        b[i] = (uint8_t)(u >> shift);
    }
    return vmc_sink_write(s, b, width);
}

static int encode_node(const vmc_value *v, vmc_sink *s, int depth);

static int encode_children(const vmc_value *v, vmc_sink *s, int depth)
{
    int rc;
    for (size_t i = 0; i < v->nchild; i++) {
        if ((rc = encode_node(v->child[i], s, depth + 1))) {
            return rc;
        }
    }
    for (size_t i = 0; i < v->nsub; i++) {
        const vmc_value *sub = v->sub[i];
        size_t n = sub->name ? strlen(sub->name) : 0;
        if (n == 0 || n > 255) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, sub->name,
                                 "subsection name of %zu bytes cannot be encoded", n);
        }
        uint8_t hdr[2] = { 0x05, (uint8_t)n };
        if ((rc = vmc_sink_write(s, hdr, 2)) || (rc = vmc_sink_write(s, sub->name, n)) ||
            (rc = vmc_sink_put_be32(s, (uint32_t)(sub->version < 0 ? 0 : sub->version))) ||
            (rc = encode_children(sub, s, depth + 1))) {
            return rc;
        }
    }
    return 0;
}

static int encode_node(const vmc_value *v, vmc_sink *s, int depth)
{
    if (depth > 128) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, v->name, "value tree nested too deeply");
    }
    bool le = v->type && strcmp(v->type, "le") == 0;
    switch (v->kind) {
    case VMC_VALUE_BOOL: {
        uint8_t b = v->v.b ? 1 : 0;
        return vmc_sink_write(s, &b, 1);
    }
    case VMC_VALUE_INT:
        return put_uint(s, (uint64_t)v->v.i, v->width ? v->width : (unsigned)v->size, le);
    case VMC_VALUE_UINT:
        return put_uint(s, v->v.u, v->width ? v->width : (unsigned)v->size, le);
    case VMC_VALUE_DOUBLE: {
        uint64_t u;
        memcpy(&u, &v->v.d, sizeof(u));
        return put_uint(s, u, 8, false);
    }
    case VMC_VALUE_BYTES:
        return vmc_sink_write(s, v->v.bytes.p, v->v.bytes.n);
    case VMC_VALUE_STRUCT:
    case VMC_VALUE_ARRAY:
        return encode_children(v, s, depth);
    default:
        return vmc_error_set(VMC_EUSAGE, -1, NULL, v->name, "value of unknown kind");
    }
}

int vmc_value_encode(const vmc_value *v, vmc_sink *s)
{
    return encode_node(v, s, 0);
}

/* ---- vmdesc ----------------------------------------------------------------- */

static void vd_fields(const vmc_value *st, vmc_json *j);

/* "vmsd_name", "version", "fields" and maybe "subsections" of a struct node. */
static void vd_body(const vmc_value *st, vmc_json *j)
{
    vmc_json_key(j, "vmsd_name");
    vmc_json_string(j, st->vmsd_name ? st->vmsd_name : "");
    vmc_json_key(j, "version");
    vmc_json_int(j, st->version < 0 ? 0 : st->version);
    vmc_json_key(j, "fields");
    vd_fields(st, j);
    if (st->nsub) {
        vmc_json_key(j, "subsections");
        vmc_json_begin_array(j);
        for (size_t i = 0; i < st->nsub; i++) {
            vmc_json_begin_object(j);
            vd_body(st->sub[i], j);
            vmc_json_end_object(j);
        }
        vmc_json_end_array(j);
    }
}

/* One field object: name, [array_len | index], type, [nested], size. */
static void vd_entry(const char *name, const vmc_value *elem, const char *extra_key,
                     uint64_t extra, vmc_json *j)
{
    vmc_json_begin_object(j);
    vmc_json_key(j, "name");
    vmc_json_string(j, name);
    if (extra_key) {
        vmc_json_key(j, extra_key);
        vmc_json_uint(j, extra);
    }
    const char *type = elem->type ? elem->type : "unknown";
    vmc_json_key(j, "type");
    vmc_json_string(j, type);
    if (elem->kind == VMC_VALUE_STRUCT) {
        if (strcmp(type, "struct") == 0) {
            vmc_json_key(j, "struct");
            vmc_json_begin_object(j);
            vd_body(elem, j);
            vmc_json_end_object(j);
        } else if (strcmp(type, "tmp") == 0 || strcmp(type, "vstruct") == 0) {
            vd_body(elem, j);
        }
    }
    vmc_json_key(j, "size");
    vmc_json_uint(j, elem->size);
    vmc_json_end_object(j);
}

static void vd_fields(const vmc_value *st, vmc_json *j)
{
    vmc_json_begin_array(j);
    for (size_t i = 0; i < st->nchild; i++) {
        const vmc_value *f = st->child[i];
        const char *name = f->name ? f->name : "";
        if (f->kind == VMC_VALUE_ARRAY && f->field_array) {
            if (f->nchild == 0) {
                continue;
            }
            if (f->nchild == 1) {
                vd_entry(name, f->child[0], NULL, 0, j);
            } else if (f->compressible) {
                vd_entry(name, f->child[0], "array_len", f->nchild, j);
            } else {
                for (size_t k = 0; k < f->nchild; k++) {
                    vd_entry(name, f->child[k], "index", k, j);
                }
            }
        } else {
            vd_entry(name, f, NULL, 0, j);
        }
    }
    vmc_json_end_array(j);
}

void vmc_value_write_vmdesc(const vmc_value *v, const char *idstr, uint32_t instance_id,
                            vmc_json *j)
{
    vmc_json_begin_object(j);
    vmc_json_key(j, "name");
    vmc_json_string(j, idstr);
    vmc_json_key(j, "instance_id");
    vmc_json_uint(j, instance_id);
    if (!v->vmsd_name) {
        /* old-style save_state handler: one opaque "data" buffer */
        vmc_json_key(j, "size");
        vmc_json_uint(j, v->size);
        vmc_json_key(j, "fields");
        vmc_json_begin_array(j);
        vmc_json_begin_object(j);
        vmc_json_key(j, "name");
        vmc_json_string(j, "data");
        vmc_json_key(j, "size");
        vmc_json_uint(j, v->size);
        vmc_json_key(j, "type");
        vmc_json_string(j, "buffer");
        vmc_json_end_object(j);
        vmc_json_end_array(j);
    } else {
        vd_body(v, j);
    }
    vmc_json_end_object(j);
}
