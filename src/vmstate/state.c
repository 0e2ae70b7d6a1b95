/* Field values by path for building device state (include/vmcompat/state.h). */
#include "vmstate/state_internal.h"
#include "common/error_internal.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

typedef enum { V_UINT, V_INT, V_DOUBLE, V_BYTES, V_SUB } vkind;

typedef struct sval {
    vkind kind;
    union {
        uint64_t u;
        int64_t i;
        double d;
        bool sent;
    } v;
    uint8_t *bytes;
    size_t n;
    bool used;
} sval;

struct vmc_state {
    GHashTable *values;      /* path -> sval (subsections: "parent\x01name") */
    GHashTable *exclusive;   /* struct paths whose subsections are listed exactly */
};

static void sval_free(gpointer p)
{
    sval *v = p;
    g_free(v->bytes);
    g_free(v);
}

int vmc_state_new(vmc_state **out)
{
    vmc_state *s = g_new0(vmc_state, 1);
    s->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, sval_free);
    s->exclusive = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    *out = s;
    return 0;
}

void vmc_state_free(vmc_state *s)
{
    if (!s) {
        return;
    }
    g_hash_table_destroy(s->values);
    g_hash_table_destroy(s->exclusive);
    g_free(s);
}

static int put(vmc_state *s, const char *path, sval *v)
{
    if (!path) {
        sval_free(v);
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "state value without a path");
    }
    g_hash_table_replace(s->values, g_strdup(path), v);
    return 0;
}

int vmc_state_set_uint(vmc_state *s, const char *path, uint64_t u)
{
    sval *v = g_new0(sval, 1);
    v->kind = V_UINT;
    v->v.u = u;
    return put(s, path, v);
}

int vmc_state_set_int(vmc_state *s, const char *path, int64_t i)
{
    sval *v = g_new0(sval, 1);
    v->kind = V_INT;
    v->v.i = i;
    return put(s, path, v);
}

int vmc_state_set_double(vmc_state *s, const char *path, double d)
{
    sval *v = g_new0(sval, 1);
    v->kind = V_DOUBLE;
    v->v.d = d;
    return put(s, path, v);
}

int vmc_state_set_bytes(vmc_state *s, const char *path, const void *p, size_t n)
{
    sval *v = g_new0(sval, 1);
    v->kind = V_BYTES;
    v->bytes = g_memdup2(p, n ? n : 1);
    v->n = n;
    return put(s, path, v);
}

static char *sub_key(const char *parent, const char *name)
{
    return g_strconcat(parent ? parent : "", "\x01", name, NULL);
}

int vmc_state_set_subsection(vmc_state *s, const char *path, bool sent)
{
    /* path is "<parent>.<name>" or "<name>"; the name is a vmsd name, which
     * has no '.', so the split is at the last '.' */
    const char *dot = strrchr(path, '.');
    char *parent = dot ? g_strndup(path, (size_t)(dot - path)) : g_strdup("");
    sval *v = g_new0(sval, 1);
    v->kind = V_SUB;
    v->v.sent = sent;
    char *key = sub_key(parent, dot ? dot + 1 : path);
    g_hash_table_replace(s->values, key, v);
    g_free(parent);
    return 0;
}

bool vmc_state_get_uint(const vmc_state *s, const char *path, uint64_t *out)
{
    sval *v = g_hash_table_lookup(s->values, path);
    if (!v || (v->kind != V_UINT && v->kind != V_INT)) {
        return false;
    }
    *out = v->kind == V_UINT ? v->v.u : (uint64_t)v->v.i;
    return true;
}

size_t vmc_state_count(const vmc_state *s)
{
    return g_hash_table_size(s->values);
}

bool vmc_state_unused(const vmc_state *s, const char **path)
{
    GHashTableIter it;
    gpointer k, val;
    g_hash_table_iter_init(&it, s->values);
    while (g_hash_table_iter_next(&it, &k, &val)) {
        sval *v = val;
        if (!v->used) {
            *path = k;
            return true;
        }
    }
    return false;
}

static bool fits_unsigned(uint64_t u, uint64_t n)
{
    return n >= 8 || u >> (8 * n) == 0;
}

static bool fits_signed(int64_t i, uint64_t n)
{
    if (n >= 8) {
        return true;
    }
    int64_t lo = -((int64_t)1 << (8 * n - 1)), hi = ((int64_t)1 << (8 * n - 1)) - 1;
    /* also accept the unsigned spelling of the same bits (0xff for int8 -1) */
    return (i >= lo && i <= hi) || (i >= 0 && (uint64_t)i >> (8 * n) == 0);
}

/* Integers go big-endian like QEMU's qemu_put_be*, except the guest-layout
 * values our custom decoders show with type "le" (MSI-X table entries). */
static void put_int(uint8_t *dst, uint64_t u, uint64_t n, const char *type)
{
    bool le = type && strcmp(type, "le") == 0;
    for (uint64_t k = 0; k < n; k++) {
        dst[le ? k : n - 1 - k] = (uint8_t)(u >> (8 * k));
    }
}

int vmc_state_fill(vmc_state *s, const char *path, const char *type, uint8_t *dst, uint64_t n,
                   uint64_t max, uint64_t *produced, bool *found)
{
    *found = false;
    if (produced) {
        *produced = n;
    }
    sval *v = g_hash_table_lookup(s->values, path);
    if (!v || v->kind == V_SUB) {
        return 0;
    }
    v->used = true;
    *found = true;
    switch (v->kind) {
    case V_UINT:
        if (n > 8 || !fits_unsigned(v->v.u, n)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, path,
                                 "value %llu does not fit the %llu-byte field (%s)",
                                 (unsigned long long)v->v.u, (unsigned long long)n, type);
        }
        put_int(dst, v->v.u, n, type);
        return 0;
    case V_INT:
        if (n > 8 || !fits_signed(v->v.i, n)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, path,
                                 "value %lld does not fit the %llu-byte field (%s)",
                                 (long long)v->v.i, (unsigned long long)n, type);
        }
        put_int(dst, (uint64_t)v->v.i, n, type);
        return 0;
    case V_DOUBLE: {
        if (n != 8) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, path,
                                 "a floating-point value for a %llu-byte field (%s)",
                                 (unsigned long long)n, type);
        }
        uint64_t bits;
        memcpy(&bits, &v->v.d, 8);
        put_int(dst, bits, 8, NULL);
        return 0;
    }
    case V_BYTES:
        if (v->n > n && v->n <= max && produced) {
            memcpy(dst, v->bytes, v->n);
            *produced = v->n;
            return 0;
        }
        if (v->n != n) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, path,
                                 "%zu bytes given for a %llu-byte field (%s)", v->n,
                                 (unsigned long long)n, type);
        }
        memcpy(dst, v->bytes, n);
        return 0;
    default:
        return 0;
    }
}

void vmc_state_touch(vmc_state *s, const char *path)
{
    sval *v = g_hash_table_lookup(s->values, path);
    if (v) {
        v->used = true;
    }
}

void vmc_state_touch_subsection(vmc_state *s, const char *parent, const char *name)
{
    char *key = sub_key(parent, name);
    vmc_state_touch(s, key);
    g_free(key);
}

int vmc_state_subsection(vmc_state *s, const char *parent, const char *name)
{
    char *key = sub_key(parent, name);
    sval *v = g_hash_table_lookup(s->values, key);
    g_free(key);
    if (v) {
        v->used = true;
        return v->v.sent ? 1 : 0;
    }
    if (g_hash_table_contains(s->exclusive, parent ? parent : "")) {
        return 0;
    }
    return -1;
}

/* ---- JSON (inspect --format json "state" objects) ------------------------ */

#define MAX_JSON_DEPTH 64

static char *join(const char *parent, const char *name, bool index)
{
    if (!parent[0] || index) {
        return g_strconcat(parent, name, NULL);
    }
    return g_strconcat(parent, ".", name, NULL);
}

static int hex_bytes(const char *hex, uint8_t **out, size_t *n)
{
    size_t len = strlen(hex);
    if (len % 2) {
        return -1;
    }
    uint8_t *b = g_malloc(len / 2 + 1);
    for (size_t i = 0; i < len / 2; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            g_free(b);
            return -1;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = b;
    *n = len / 2;
    return 0;
}

static int set_scalar(vmc_state *s, const char *path, json_object *val)
{
    switch (json_object_get_type(val)) {
    case json_type_boolean:
        return vmc_state_set_uint(s, path, json_object_get_boolean(val) ? 1 : 0);
    case json_type_int: {
        /* json-c keeps big positive numbers as uint64 */
        int64_t i = json_object_get_int64(val);
        if (i == INT64_MAX) {
            return vmc_state_set_uint(s, path, json_object_get_uint64(val));
        }
        return i < 0 ? vmc_state_set_int(s, path, i) : vmc_state_set_uint(s, path, (uint64_t)i);
    }
    case json_type_double:
        return vmc_state_set_double(s, path, json_object_get_double(val));
    case json_type_string: {
        uint8_t *b;
        size_t n;
        if (hex_bytes(json_object_get_string(val), &b, &n)) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, path,
                                 "state: value is a string but not hex bytes");
        }
        sval *v = g_new0(sval, 1);
        v->kind = V_BYTES;
        v->bytes = b;
        v->n = n;
        return put(s, path, v);
    }
    case json_type_null:
        return 0;
    default:
        return vmc_error_set(VMC_EFORMAT, -1, NULL, path,
                             "state: value must be a number, boolean or hex string");
    }
}

static int merge_node(vmc_state *s, const char *path, json_object *o, int depth);

static int merge_list(vmc_state *s, const char *path, json_object *arr, const char *what,
                      int depth)
{
    if (!json_object_is_type(arr, json_type_array)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, path, "state: \"%s\" must be an array",
                             what);
    }
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        char idx[32];
        snprintf(idx, sizeof(idx), "[%zu]", i);
        char *p = join(path, idx, true);
        int rc = strcmp(what, "value") == 0 ? set_scalar(s, p, e) : merge_node(s, p, e, depth + 1);
        g_free(p);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static int merge_named(vmc_state *s, const char *path, json_object *arr, bool subsections,
                       int depth)
{
    if (!json_object_is_type(arr, json_type_array)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, path, "state: \"%s\" must be an array",
                             subsections ? "subsections" : "fields");
    }
    if (subsections) {
        g_hash_table_add(s->exclusive, g_strdup(path));
    }
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i), *name;
        if (!json_object_is_type(e, json_type_object) ||
            !json_object_object_get_ex(e, "name", &name) ||
            !json_object_is_type(name, json_type_string)) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, path,
                                 "state: %s entry %zu has no \"name\"",
                                 subsections ? "subsection" : "field", i);
        }
        const char *nm = json_object_get_string(name);
        char *p = join(path, nm, false);
        int rc = 0;
        if (subsections) {
            char *key = sub_key(path, nm);
            sval *v = g_new0(sval, 1);
            v->kind = V_SUB;
            v->v.sent = true;
            g_hash_table_replace(s->values, key, v);
        }
        rc = merge_node(s, p, e, depth + 1);
        g_free(p);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static int merge_node(vmc_state *s, const char *path, json_object *o, int depth)
{
    if (depth > MAX_JSON_DEPTH) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, path, "state: nested more than %d deep",
                             MAX_JSON_DEPTH);
    }
    if (!json_object_is_type(o, json_type_object)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, path, "state: expected an object");
    }
    json_object *x;
    int rc;
    if (json_object_object_get_ex(o, "fields", &x) && (rc = merge_named(s, path, x, false, depth))) {
        return rc;
    }
    if (json_object_object_get_ex(o, "subsections", &x) &&
        (rc = merge_named(s, path, x, true, depth))) {
        return rc;
    }
    if (json_object_object_get_ex(o, "elements", &x)) {
        return merge_list(s, path, x, "elements", depth);
    }
    if (json_object_object_get_ex(o, "value", &x)) {
        if (json_object_is_type(x, json_type_array)) {
            return merge_list(s, path, x, "value", depth);
        }
        if (!path[0]) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL, "state: a value at the top");
        }
        return set_scalar(s, path, x);
    }
    return 0;
}

int vmc_state_merge_object(vmc_state *s, json_object *state)
{
    return merge_node(s, "", state, 0);
}

int vmc_state_merge_json(vmc_state *s, const char *json, size_t len)
{
    if (len > INT32_MAX) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "state: %zu bytes of JSON", len);
    }
    json_tokener *tok = json_tokener_new_ex(MAX_JSON_DEPTH * 3);
    if (!tok) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_object *o = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        json_object_put(o);
        return vmc_error_set(VMC_EFORMAT, (int64_t)end, NULL, NULL, "state: invalid JSON: %s",
                             json_tokener_error_desc(jerr));
    }
    int rc = merge_node(s, "", o, 0);
    json_object_put(o);
    return rc;
}
