/*
 * Parse the vmdesc JSON trailer QEMU appends after QEMU_VM_EOF:
 *   {"page_size": N, "devices": [ {"name", "instance_id", "vmsd_name",
 *    "version", "fields": [...], "subsections": [...]}, ... ]}
 * Everything is validated: wrong types, missing keys and absurd numbers are
 * format errors naming the JSON path.
 */
#include "vmstate/vmdesc_internal.h"
#include "common/error_internal.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_NESTING 64

struct ctx {
    vmc_arena *a;
    char path[512];
};

static int bad(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmc_error_setv(VMC_EFORMAT, -1, NULL, c->path, fmt, ap);
    va_end(ap);
    return VMC_EFORMAT;
}

static int get_u64(struct ctx *c, json_object *o, const char *key, bool required, uint64_t *out,
                   bool *present)
{
    json_object *v;
    if (present) {
        *present = false;
    }
    if (!json_object_object_get_ex(o, key, &v)) {
        if (required) {
            return bad(c, "vmdesc: missing key '%s'", key);
        }
        return 0;
    }
    if (!json_object_is_type(v, json_type_int)) {
        return bad(c, "vmdesc: '%s' is not an integer", key);
    }
    int64_t i = json_object_get_int64(v);
    if (i < 0) {
        /* json-c keeps large unsigned values distinct. */
        uint64_t u = json_object_get_uint64(v);
        if (u <= INT64_MAX) {
            return bad(c, "vmdesc: '%s' is negative", key);
        }
        *out = u;
    } else {
        *out = (uint64_t)i;
    }
    if (present) {
        *present = true;
    }
    return 0;
}

static const char *get_str(struct ctx *c, json_object *o, const char *key, bool required, int *rc)
{
    json_object *v;
    *rc = 0;
    if (!json_object_object_get_ex(o, key, &v)) {
        if (required) {
            *rc = bad(c, "vmdesc: missing key '%s'", key);
        }
        return NULL;
    }
    if (!json_object_is_type(v, json_type_string)) {
        *rc = bad(c, "vmdesc: '%s' is not a string", key);
        return NULL;
    }
    const char *s = vmc_arena_strndup(c->a, json_object_get_string(v),
                                      (size_t)json_object_get_string_len(v));
    if (!s) {
        *rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    return s;
}

static int parse_struct(struct ctx *c, json_object *o, vmc_vd_struct *s, int depth);

static int parse_field(struct ctx *c, json_object *o, vmc_vd_field *f, int depth)
{
    int rc;
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, "vmdesc: %s is not an object", "field");
    }
    f->name = get_str(c, o, "name", true, &rc);
    if (rc) {
        return rc;
    }
    size_t plen = strlen(c->path);
    snprintf(c->path + plen, sizeof(c->path) - plen, "%s%s", plen ? "." : "", f->name);
    f->type = get_str(c, o, "type", true, &rc);
    if (rc) {
        return rc;
    }
    uint64_t u;
    bool present;
    f->index = -1;
    if ((rc = get_u64(c, o, "index", false, &u, &present))) {
        return rc;
    }
    if (present) {
        if (u > UINT32_MAX) {
            return bad(c, "vmdesc: '%s' out of range", "index");
        }
        f->index = (int64_t)u;
    }
    if ((rc = get_u64(c, o, "array_len", false, &f->array_len, NULL))) {
        return rc;
    }
    if ((rc = get_u64(c, o, "size", true, &f->size, NULL))) {
        return rc;
    }
    json_object *st;
    if (json_object_object_get_ex(o, "struct", &st)) {
        f->nested = vmc_arena_alloc(c->a, sizeof(*f->nested));
        if (!f->nested) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        if ((rc = parse_struct(c, st, f->nested, depth + 1))) {
            return rc;
        }
    } else if (json_object_object_get_ex(o, "fields", &st)) {
        /* tmp, vstruct, qtailq ...: the nested vmsd is written inline */
        f->nested = vmc_arena_alloc(c->a, sizeof(*f->nested));
        if (!f->nested) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        if ((rc = parse_struct(c, o, f->nested, depth + 1))) {
            return rc;
        }
    }
    c->path[plen] = '\0';
    return 0;
}

static int parse_struct(struct ctx *c, json_object *o, vmc_vd_struct *s, int depth)
{
    int rc;
    if (depth > MAX_NESTING) {
        return bad(c, "vmdesc: nesting deeper than %s levels", "64");
    }
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, "vmdesc: %s is not an object", "struct");
    }
    s->vmsd_name = get_str(c, o, "vmsd_name", false, &rc);
    if (rc) {
        return rc;
    }
    uint64_t u;
    bool present;
    s->version = -1;
    if ((rc = get_u64(c, o, "version", false, &u, &present))) {
        return rc;
    }
    if (present) {
        if (u > INT32_MAX) {
            return bad(c, "vmdesc: '%s' out of range", "version");
        }
        s->version = (int64_t)u;
    }
    json_object *fields;
    if (json_object_object_get_ex(o, "fields", &fields)) {
        if (!json_object_is_type(fields, json_type_array)) {
            return bad(c, "vmdesc: '%s' is not an array", "fields");
        }
        size_t n = json_object_array_length(fields);
        s->fields = vmc_arena_alloc(c->a, (n ? n : 1) * sizeof(*s->fields));
        if (!s->fields) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            if ((rc = parse_field(c, json_object_array_get_idx(fields, i), &s->fields[i],
                                  depth))) {
                return rc;
            }
        }
        s->nfields = n;
    }
    json_object *subs;
    if (json_object_object_get_ex(o, "subsections", &subs)) {
        if (!json_object_is_type(subs, json_type_array)) {
            return bad(c, "vmdesc: '%s' is not an array", "subsections");
        }
        size_t n = json_object_array_length(subs);
        s->subsections = vmc_arena_alloc(c->a, (n ? n : 1) * sizeof(*s->subsections));
        if (!s->subsections) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            vmc_vd_struct *sub = vmc_arena_alloc(c->a, sizeof(*sub));
            if (!sub) {
                return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            }
            if ((rc = parse_struct(c, json_object_array_get_idx(subs, i), sub, depth + 1))) {
                return rc;
            }
            if (!sub->vmsd_name) {
                return bad(c, "vmdesc: subsection without '%s'", "vmsd_name");
            }
            s->subsections[i] = sub;
        }
        s->nsubsections = n;
    }
    return 0;
}

int vmc_vmdesc_parse(vmc_vmdesc **out, const char *json, size_t len)
{
    *out = NULL;
    if (len > INT32_MAX) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "vmdesc of %zu bytes is too large", len);
    }
    json_tokener *tok = json_tokener_new_ex(MAX_NESTING * 4);
    if (!tok) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        if (root) {
            json_object_put(root);
        }
        return vmc_error_set(VMC_EFORMAT, (int64_t)used, NULL, NULL,
                             "vmdesc is not valid JSON: %s (at JSON byte %zu)",
                             jerr == json_tokener_continue ? "unexpected end"
                                                           : json_tokener_error_desc(jerr),
                             used);
    }
    if (used != len) {
        json_object_put(root);
        return vmc_error_set(VMC_EFORMAT, (int64_t)used, NULL, NULL,
                             "vmdesc has %zu bytes after the JSON value", len - used);
    }
    vmc_vmdesc *d = calloc(1, sizeof(*d));
    struct ctx c = { 0 };
    int rc = 0;
    if (!d || !(d->arena = vmc_arena_new())) {
        free(d);
        json_object_put(root);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    c.a = d->arena;
    if (!json_object_is_type(root, json_type_object)) {
        rc = bad(&c, "vmdesc: %s is not a JSON object", "the trailer");
        goto out;
    }
    uint64_t ps;
    if ((rc = get_u64(&c, root, "page_size", true, &ps, NULL))) {
        goto out;
    }
    if (ps < 512 || ps > (1u << 24) || (ps & (ps - 1))) {
        rc = bad(&c, "vmdesc: implausible %s", "page_size");
        goto out;
    }
    d->page_size = (uint32_t)ps;
    json_object *devs;
    if (!json_object_object_get_ex(root, "devices", &devs) ||
        !json_object_is_type(devs, json_type_array)) {
        rc = bad(&c, "vmdesc: '%s' missing or not an array", "devices");
        goto out;
    }
    size_t n = json_object_array_length(devs);
    d->devices = vmc_arena_alloc(d->arena, (n ? n : 1) * sizeof(*d->devices));
    if (!d->devices) {
        rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(devs, i);
        vmc_vd_device *dev = &d->devices[i];
        snprintf(c.path, sizeof(c.path), "devices[%zu]", i);
        if (!json_object_is_type(o, json_type_object)) {
            rc = bad(&c, "vmdesc: %s is not an object", "device");
            goto out;
        }
        dev->name = get_str(&c, o, "name", true, &rc);
        if (rc) {
            goto out;
        }
        snprintf(c.path, sizeof(c.path), "%s", dev->name);
        uint64_t inst;
        if ((rc = get_u64(&c, o, "instance_id", true, &inst, NULL))) {
            goto out;
        }
        if (inst > UINT32_MAX) {
            rc = bad(&c, "vmdesc: '%s' out of range", "instance_id");
            goto out;
        }
        dev->instance_id = (uint32_t)inst;
        bool has_size;
        if ((rc = get_u64(&c, o, "size", false, &dev->size, &has_size))) {
            goto out;
        }
        dev->old_style = has_size && !json_object_object_get_ex(o, "vmsd_name", NULL);
        c.path[0] = '\0';
        if ((rc = parse_struct(&c, o, &dev->desc, 0))) {
            vmc_error_add_context(dev->name, NULL);
            goto out;
        }
    }
    d->ndevices = n;
out:
    json_object_put(root);
    if (rc) {
        vmc_vmdesc_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void vmc_vmdesc_free(vmc_vmdesc *d)
{
    if (d) {
        vmc_arena_free(d->arena);
        free(d);
    }
}

uint32_t vmc_vmdesc_page_size(const vmc_vmdesc *d) { return d->page_size; }
size_t vmc_vmdesc_device_count(const vmc_vmdesc *d) { return d->ndevices; }

const char *vmc_vmdesc_device_name(const vmc_vmdesc *d, size_t i)
{
    return i < d->ndevices ? d->devices[i].name : NULL;
}

uint32_t vmc_vmdesc_device_instance(const vmc_vmdesc *d, size_t i)
{
    return i < d->ndevices ? d->devices[i].instance_id : 0;
}

const char *vmc_vmdesc_device_vmsd(const vmc_vmdesc *d, size_t i)
{
    if (i >= d->ndevices) {
        return NULL;
    }
    return d->devices[i].desc.vmsd_name ? d->devices[i].desc.vmsd_name : "";
}

int vmc_vmdesc_device_version(const vmc_vmdesc *d, size_t i)
{
    return i < d->ndevices ? (int)d->devices[i].desc.version : -1;
}
