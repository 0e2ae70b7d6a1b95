/* JSON output of value trees: typed (ours) and analyze-migration.py's shape. */
#include "vmstate/value_internal.h"
#include "vmstate/info.h"
#include "vmcompat/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Extra decoded views of custom types (custom_infos.c). */
void vmc_custom_info_annotate(const vmc_value *v, vmc_json *j);

static bool is_scalar(const vmc_value *v)
{
    return v->kind == VMC_VALUE_BOOL || v->kind == VMC_VALUE_INT || v->kind == VMC_VALUE_UINT ||
           v->kind == VMC_VALUE_DOUBLE || v->kind == VMC_VALUE_BYTES;
}

static void write_scalar(const vmc_value *v, vmc_json *j)
{
    switch (v->kind) {
    case VMC_VALUE_BOOL:
        vmc_json_bool(j, v->v.b);
        break;
    case VMC_VALUE_INT:
        vmc_json_int(j, v->v.i);
        break;
    case VMC_VALUE_UINT:
        vmc_json_uint(j, v->v.u);
        break;
    case VMC_VALUE_DOUBLE:
        vmc_json_double(j, v->v.d);
        break;
    case VMC_VALUE_BYTES:
        vmc_json_hex(j, v->v.bytes.p, v->v.bytes.n, "");
        break;
    default:
        vmc_json_null(j);
    }
}

static void write_node(const vmc_value *v, vmc_json *j, bool with_name)
{
    vmc_json_begin_object(j);
    if (with_name && v->name) {
        vmc_json_key(j, "name");
        vmc_json_string(j, v->name);
    }
    vmc_json_key(j, "type");
    vmc_json_string(j, v->type ? v->type : "");
    vmc_json_key(j, "offset");
    vmc_json_int(j, v->offset);
    vmc_json_key(j, "size");
    vmc_json_uint(j, v->size);
    switch (v->kind) {
    case VMC_VALUE_STRUCT:
        if (v->vmsd_name) {
            vmc_json_key(j, "vmsd_name");
            vmc_json_string(j, v->vmsd_name);
        }
        if (v->version >= 0) {
            vmc_json_key(j, "version");
            vmc_json_int(j, v->version);
        }
        vmc_json_key(j, "fields");
        vmc_json_begin_array(j);
        for (size_t i = 0; i < v->nchild; i++) {
            write_node(v->child[i], j, true);
        }
        vmc_json_end_array(j);
        if (v->nsub) {
            vmc_json_key(j, "subsections");
            vmc_json_begin_array(j);
            for (size_t i = 0; i < v->nsub; i++) {
                write_node(v->sub[i], j, true);
            }
            vmc_json_end_array(j);
        }
        break;
    case VMC_VALUE_ARRAY: {
        bool scalars = true;
        for (size_t i = 0; i < v->nchild && scalars; i++) {
            scalars = is_scalar(v->child[i]);
        }
        vmc_json_key(j, "array_len");
        vmc_json_uint(j, v->nchild);
        if (scalars) {
            vmc_json_key(j, "value");
            vmc_json_begin_array(j);
            for (size_t i = 0; i < v->nchild; i++) {
                write_scalar(v->child[i], j);
            }
            vmc_json_end_array(j);
        } else {
            vmc_json_key(j, "elements");
            vmc_json_begin_array(j);
            for (size_t i = 0; i < v->nchild; i++) {
                write_node(v->child[i], j, false);
            }
            vmc_json_end_array(j);
        }
        break;
    }
    default:
        vmc_json_key(j, "value");
        write_scalar(v, j);
        break;
    }
    vmc_custom_info_annotate(v, j);
    vmc_json_end_object(j);
}

void vmc_value_write_json(const vmc_value *v, vmc_json *j)
{
    write_node(v, j, true);
}

/* ---- analyze-migration.py shape ------------------------------------------ */

static void analyze_hex(const vmc_value *v, vmc_json *j)
{
    vmc_json_hex(j, v->raw, v->raw ? (size_t)v->size : 0, " ");
}

static void analyze_int(const vmc_value *v, vmc_json *j, bool is_signed)
{
    unsigned w = v->width ? v->width : (unsigned)v->size;
    uint64_t u = v->kind == VMC_VALUE_INT ? (uint64_t)v->v.i : v->v.u;
    if (w < 8) {
        u &= (UINT64_C(1) << (8 * w)) - 1;
    }
    int64_t sv = (int64_t)u;
    if (w < 8 && (u >> (8 * w - 1)) & 1) {
        sv = (int64_t)(u | ~((UINT64_C(1) << (8 * w)) - 1));
    }
    if (is_signed && sv < 0) {
        vmc_json_stringf(j, "0x%0*" PRIx64 " (%" PRId64 ")", (int)(2 * w), u, sv);
    } else {
        vmc_json_stringf(j, "0x%0*" PRIx64, (int)(2 * w), u);
    }
}

static void analyze_struct(const vmc_value *v, vmc_json *j);

static void analyze_value(const vmc_value *v, vmc_json *j)
{
    if (v->kind == VMC_VALUE_ARRAY && v->field_array) {
        vmc_json_begin_array(j);
        for (size_t i = 0; i < v->nchild; i++) {
            analyze_value(v->child[i], j);
        }
        vmc_json_end_array(j);
        return;
    }
    char style = vmc_info_analyze_style(v->type ? v->type : "");
    if (v->kind == VMC_VALUE_STRUCT && style == 'S') {
        analyze_struct(v, j);
    } else if (style == 'b' && v->kind == VMC_VALUE_BOOL) {
        vmc_json_bool(j, v->v.b);
    } else if ((style == 's' || style == 'u') &&
               (v->kind == VMC_VALUE_INT || v->kind == VMC_VALUE_UINT)) {
        analyze_int(v, j, style == 's');
    } else {
        analyze_hex(v, j);
    }
}

static void analyze_struct(const vmc_value *v, vmc_json *j)
{
    vmc_json_begin_object(j);
    for (size_t i = 0; i < v->nchild; i++) {
        vmc_json_key(j, v->child[i]->name ? v->child[i]->name : "");
        /* A field shown as an array in the vmdesc is a list even with one element. */
        analyze_value(v->child[i], j);
    }
    for (size_t i = 0; i < v->nsub; i++) {
        vmc_json_key(j, v->sub[i]->name ? v->sub[i]->name : "");
        analyze_struct(v->sub[i], j);
    }
    vmc_json_end_object(j);
}

void vmc_value_write_analyze(const vmc_value *v, vmc_json *j)
{
    if (v->kind == VMC_VALUE_STRUCT) {
        analyze_struct(v, j);
    } else {
        analyze_value(v, j);
    }
}
