/*
 * Read a -dump-vmstate JSON file into the model of dump_internal.h.
 *
 * The input is untrusted: the text is bounded (VMC_DUMP_MAX_BYTES), the JSON
 * nesting is bounded by the tokener and the Description nesting by
 * VMC_DUMP_MAX_NESTING, numbers are range-checked, strings with NUL bytes are
 * refused.  Every error names the JSON path, e.g.
 * `$["e1000"].Description.Fields[3].size`.  Keys this version does not know
 * are ignored, so dumps of newer QEMU versions load.
 */
#include "vmstate/dump_internal.h"
#include "common/error_internal.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PATH_MAX_LEN 1024

struct ctx {
    vmc_arena *a;
    const char *file;
    char path[PATH_MAX_LEN];
    bool has_num;
};

static int bad(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct ctx *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL, "%s: %s at %s", c->file, msg, c->path);
}

static int oom(void)
{
    return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
}

/* Append ".key" or "[i]" to the path; returns the old length to restore. */
static size_t path_key(struct ctx *c, const char *key)
{
    size_t len = strlen(c->path);
    snprintf(c->path + len, sizeof(c->path) - len, ".%s", key);
    return len;
}

static size_t path_index(struct ctx *c, size_t i)
{
    size_t len = strlen(c->path);
    snprintf(c->path + len, sizeof(c->path) - len, "[%zu]", i);
    return len;
}

static size_t path_name(struct ctx *c, const char *name)
{
    size_t len = strlen(c->path);
    snprintf(c->path + len, sizeof(c->path) - len, "[\"%s\"]", name);
    return len;
}

static const char *type_name(json_object *v)
{
    return json_type_to_name(json_object_get_type(v));
}

static int get_string(struct ctx *c, json_object *o, const char *key, bool required,
                      const char **out)
{
    json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex(o, key, &v)) {
        return required ? bad(c, "missing key \"%s\"", key) : 0;
    }
    size_t len = path_key(c, key);
    int rc = 0;
    if (!json_object_is_type(v, json_type_string)) {
        rc = bad(c, "expected a string, got %s", type_name(v));
    } else {
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        if (memchr(s, '\0', n)) {
            rc = bad(c, "string contains a NUL character");
        } else if (!(*out = vmc_arena_strndup(c->a, s, n))) {
            rc = oom();
        }
    }
    c->path[len] = '\0';
    return rc;
}

/* An integer in [lo, hi]; *present tells whether the key was there. */
static int get_int(struct ctx *c, json_object *o, const char *key, bool required, int64_t lo,
                   int64_t hi, int64_t *out, bool *present)
{
    json_object *v;
    if (present) {
        *present = false;
    }
    if (!json_object_object_get_ex(o, key, &v)) {
        return required ? bad(c, "missing key \"%s\"", key) : 0;
    }
    size_t len = path_key(c, key);
    int rc = 0;
    if (!json_object_is_type(v, json_type_int)) {
        rc = bad(c, "expected an integer, got %s", type_name(v));
    } else {
        int64_t i = json_object_get_int64(v);
        /* json-c saturates values beyond int64; a huge unsigned value is out of range too */
        if (i < lo || i > hi || (i == INT64_MAX && json_object_get_uint64(v) != INT64_MAX)) {
            rc = bad(c, "integer %s out of range [%lld, %lld]", json_object_get_string(v),
                     (long long)lo, (long long)hi);
        } else {
            *out = i;
            if (present) {
                *present = true;
            }
        }
    }
    c->path[len] = '\0';
    return rc;
}

static int get_array(struct ctx *c, json_object *o, const char *key, json_object **out)
{
    *out = NULL;
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v)) {
        return 0;
    }
    if (!json_object_is_type(v, json_type_array)) {
        size_t len = path_key(c, key);
        int rc = bad(c, "expected an array, got %s", type_name(v));
        c->path[len] = '\0';
        return rc;
    }
    *out = v;
    return 0;
}

static int parse_desc(struct ctx *c, json_object *o, vmc_dd_desc *d, int depth);

static int parse_field(struct ctx *c, json_object *o, vmc_dd_field *f, int depth)
{
    int rc;
    int64_t v;
    bool present;
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, "expected an object, got %s", type_name(o));
    }
    if ((rc = get_string(c, o, "field", true, &f->name))) {
        return rc;
    }
    if ((rc = get_int(c, o, "version_id", true, INT32_MIN, INT32_MAX, &v, NULL))) {
        return rc;
    }
    f->version_id = (int32_t)v;
    json_object *b;
    if (json_object_object_get_ex(o, "field_exists", &b)) {
        if (!json_object_is_type(b, json_type_boolean)) {
            size_t len = path_key(c, "field_exists");
            rc = bad(c, "expected a boolean, got %s", type_name(b));
            c->path[len] = '\0';
            return rc;
        }
        f->field_exists = json_object_get_boolean(b);
    }
    if ((rc = get_int(c, o, "size", true, 0, INT64_MAX, &v, NULL))) {
        return rc;
    }
    f->size = (uint64_t)v;
    f->num = -1;
    if ((rc = get_int(c, o, "num", false, 0, INT32_MAX, &v, &present))) {
        return rc;
    }
    if (present) {
        f->num = v;
        c->has_num = true;
    }
    json_object *d;
    if (json_object_object_get_ex(o, "Description", &d)) {
        if (!(f->desc = vmc_arena_alloc(c->a, sizeof(*f->desc)))) {
            return oom();
        }
        size_t len = path_key(c, "Description");
        if ((rc = parse_desc(c, d, f->desc, depth + 1))) {
            return rc;
        }
        c->path[len] = '\0';
    }
    return 0;
}

static int parse_desc(struct ctx *c, json_object *o, vmc_dd_desc *d, int depth)
{
    int rc;
    int64_t v;
    bool present;
    if (depth > VMC_DUMP_MAX_NESTING) {
        return bad(c, "Description nesting deeper than %d levels", VMC_DUMP_MAX_NESTING);
    }
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, "expected an object, got %s", type_name(o));
    }
    if ((rc = get_string(c, o, "name", true, &d->name))) {
        return rc;
    }
    if ((rc = get_int(c, o, "version_id", true, INT32_MIN, INT32_MAX, &v, NULL))) {
        return rc;
    }
    d->version_id = (int32_t)v;
    if ((rc = get_int(c, o, "minimum_version_id", false, INT32_MIN, INT32_MAX, &v, &present))) {
        return rc;
    }
    d->has_min = present;
    d->minimum_version_id = present ? (int32_t)v : 0;

    json_object *arr;
    if ((rc = get_array(c, o, "Fields", &arr))) {
        return rc;
    }
    if (arr) {
        size_t n = json_object_array_length(arr);
        d->has_fields = true;
        if (!(d->fields = vmc_arena_alloc(c->a, (n ? n : 1) * sizeof(*d->fields)))) {
            return oom();
        }
        size_t len = path_key(c, "Fields");
        for (size_t i = 0; i < n; i++) {
            path_index(c, i);
            if ((rc = parse_field(c, json_object_array_get_idx(arr, i), &d->fields[i], depth))) {
                return rc;
            }
            c->path[len + strlen(".Fields")] = '\0';
        }
        c->path[len] = '\0';
        d->nfields = n;
    }
    if ((rc = get_array(c, o, "Subsections", &arr))) {
        return rc;
    }
    if (arr) {
        size_t n = json_object_array_length(arr);
        d->has_subsections = true;
        if (!(d->subs = vmc_arena_alloc(c->a, (n ? n : 1) * sizeof(*d->subs)))) {
            return oom();
        }
        size_t len = path_key(c, "Subsections");
        for (size_t i = 0; i < n; i++) {
            path_index(c, i);
            if ((rc = parse_desc(c, json_object_array_get_idx(arr, i), &d->subs[i], depth + 1))) {
                return rc;
            }
            c->path[len + strlen(".Subsections")] = '\0';
        }
        c->path[len] = '\0';
        d->nsubs = n;
    }
    return 0;
}

static int parse_section(struct ctx *c, json_object *o, vmc_dd_section *s)
{
    int rc;
    int64_t v;
    bool present;
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, "expected an object, got %s", type_name(o));
    }
    if ((rc = get_int(c, o, "version_id", true, INT32_MIN, INT32_MAX, &v, NULL))) {
        return rc;
    }
    s->version_id = (int32_t)v;
    if ((rc = get_int(c, o, "minimum_version_id", false, INT32_MIN, INT32_MAX, &v, &present))) {
        return rc;
    }
    s->has_min = present;
    s->minimum_version_id = present ? (int32_t)v : 0;
    json_object *d;
    if (json_object_object_get_ex(o, "Description", &d)) {
        if (!(s->desc = vmc_arena_alloc(c->a, sizeof(*s->desc)))) {
            return oom();
        }
        size_t len = path_key(c, "Description");
        if ((rc = parse_desc(c, d, s->desc, 1))) {
            return rc;
        }
        c->path[len] = '\0';
    }
    return 0;
}

static int cmp_section(const void *a, const void *b)
{
    const vmc_dd_section *x = *(const vmc_dd_section *const *)a;
    const vmc_dd_section *y = *(const vmc_dd_section *const *)b;
    return strcmp(x->name, y->name);
}

const vmc_dd_section *vmc_dump_find(const vmc_dump *d, const char *name)
{
    size_t lo = 0, hi = d->nsections;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(name, d->by_name[mid]->name);
        if (r == 0) {
            return d->by_name[mid];
        }
        if (r < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

static int parse_root(struct ctx *c, vmc_dump *d, json_object *root)
{
    int rc;
    snprintf(c->path, sizeof(c->path), "$");
    if (!json_object_is_type(root, json_type_object)) {
        return bad(c, "expected an object, got %s", type_name(root));
    }
    size_t n = (size_t)json_object_object_length(root);
    if (!(d->sections = vmc_arena_alloc(c->a, (n ? n : 1) * sizeof(*d->sections))) ||
        !(d->by_name = vmc_arena_alloc(c->a, (n ? n : 1) * sizeof(*d->by_name)))) {
        return oom();
    }
    json_object_object_foreach(root, key, val)
    {
        snprintf(c->path, sizeof(c->path), "$");
        path_name(c, key);
        if (strcmp(key, "vmschkmachine") == 0) {
            if (!json_object_is_type(val, json_type_object)) {
                return bad(c, "expected an object, got %s", type_name(val));
            }
            if ((rc = get_string(c, val, "Name", true, &d->machine))) {
                return rc;
            }
            continue;
        }
        vmc_dd_section *s = &d->sections[d->nsections];
        if (!(s->name = vmc_arena_strdup(c->a, key))) {
            return oom();
        }
        if ((rc = parse_section(c, val, s))) {
            vmc_error_add_context(key, NULL);
            return rc;
        }
        d->by_name[d->nsections] = s;
        d->nsections++;
    }
    /* json-c keeps the last of duplicate keys, so names are unique */
    qsort(d->by_name, d->nsections, sizeof(*d->by_name), cmp_section);
    d->has_num = c->has_num;
    return 0;
}

int vmc_dump_parse(vmc_dump **out, const char *json, size_t len, const char *name)
{
    *out = NULL;
    if (!name) {
        name = "<dump>";
    }
    if (len > VMC_DUMP_MAX_BYTES) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "%s: %zu bytes exceed the limit of %u",
                             name, len, VMC_DUMP_MAX_BYTES);
    }
    json_tokener *tok = json_tokener_new_ex(VMC_DUMP_MAX_NESTING * 4 + 8);
    if (!tok) {
        return oom();
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        json_object_put(root);
        return vmc_error_set(VMC_EFORMAT, (int64_t)used, NULL, NULL,
                             "%s: not valid JSON: %s (at byte %zu)", name,
                             jerr == json_tokener_continue || jerr == json_tokener_success
                                 ? "unexpected end of input"
                                 : json_tokener_error_desc(jerr),
                             used);
    }
    while (used < len && (json[used] == ' ' || json[used] == '\n' || json[used] == '\r' ||
                          json[used] == '\t')) {
        used++;
    }
    if (used != len) {
        json_object_put(root);
        return vmc_error_set(VMC_EFORMAT, (int64_t)used, NULL, NULL,
                             "%s: unexpected data after the JSON value (at byte %zu)", name, used);
    }
    vmc_dump *d = calloc(1, sizeof(*d));
    if (!d || !(d->arena = vmc_arena_new())) {
        free(d);
        json_object_put(root);
        return oom();
    }
    struct ctx c = { .a = d->arena, .file = name };
    int rc = 0;
    if (!(d->name = vmc_arena_strdup(d->arena, name))) {
        rc = oom();
    } else {
        rc = parse_root(&c, d, root);
    }
    json_object_put(root);
    if (rc) {
        vmc_dump_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

int vmc_dump_read_file(const char *path, size_t max, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    gzFile gz = strcmp(path, "-") == 0 ? gzdopen(0, "rb") : gzopen(path, "rb");
    if (!gz) {
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "%s: cannot open: %m", path);
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    int rc = 0;
    while (b) {
        if (n == cap) {
            if (cap > max) {
                rc = vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                   "%s: larger than the limit of %zu bytes", path, max);
                break;
            }
            char *nb = realloc(b, cap * 2 + 1);
            if (!nb) {
                break;
            }
            b = nb;
            cap *= 2;
        }
        int r = gzread(gz, b + n, (unsigned)(cap - n));
        if (r < 0) {
            int errnum;
            const char *msg = gzerror(gz, &errnum);
            rc = vmc_error_set(errnum == Z_ERRNO ? VMC_EIO : VMC_EFORMAT, (int64_t)n, NULL, NULL,
                               "%s: read failed: %s", path, errnum == Z_ERRNO ? "I/O error" : msg);
            break;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    gzclose(gz);
    if (!b) {
        return oom();
    }
    if (!rc && n > max) {
        rc = vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "%s: larger than the limit of %zu bytes",
                           path, max);
    }
    if (rc) {
        free(b);
        return rc;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

int vmc_dump_load(vmc_dump **out, const char *path)
{
    char *buf;
    size_t len;
    *out = NULL;
    int rc = vmc_dump_read_file(path, VMC_DUMP_MAX_BYTES, &buf, &len);
    if (rc) {
        return rc;
    }
    rc = vmc_dump_parse(out, buf, len, strcmp(path, "-") == 0 ? "<stdin>" : path);
    free(buf);
    return rc;
}

void vmc_dump_free(vmc_dump *d)
{
    if (d) {
        vmc_arena_free(d->arena);
        free(d);
    }
}

const char *vmc_dump_machine(const vmc_dump *d) { return d->machine; }
size_t vmc_dump_section_count(const vmc_dump *d) { return d->nsections; }
bool vmc_dump_has_array_lengths(const vmc_dump *d) { return d->has_num; }

const char *vmc_dump_section_name(const vmc_dump *d, size_t i)
{
    return i < d->nsections ? d->sections[i].name : NULL;
}
