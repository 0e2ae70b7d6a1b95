/*
 * Waivers for schema-diff: a JSON file
 *   {"waivers": [ {"kind": K, "section": P, "description": P, "field": P,
 *                  "old": NAME, "new": NAME, "reason": TEXT}, ... ]}
 * (see schema.h).  Validated like every other input: errors name the JSON
 * path.
 */
#include "vmstate/dump_internal.h"
#include "common/error_internal.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WAIVERS 10000
#define MAX_WAIVER_BYTES (16u << 20)

static int str_member(json_object *o, const char *key, vmc_arena *a, const char *file, size_t i,
                      const char **out)
{
    json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex(o, key, &v)) {
        return 0;
    }
    if (!json_object_is_type(v, json_type_string)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "%s: expected a string at $.waivers[%zu].%s", file, i, key);
    }
    const char *s = json_object_get_string(v);
    size_t n = (size_t)json_object_get_string_len(v);
    if (memchr(s, '\0', n)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "%s: string contains a NUL character at $.waivers[%zu].%s", file, i,
                             key);
    }
    if (!(*out = vmc_arena_strndup(a, s, n))) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    return 0;
}

static bool is_rename_kind(const char *k)
{
    return strcmp(k, "field-renamed") == 0 || strcmp(k, "section-renamed") == 0 ||
           strcmp(k, "description-renamed") == 0;
}

static int parse_entry(json_object *o, vmc_arena *a, const char *file, size_t i, vmc_waiver *w)
{
    int rc;
    if (!json_object_is_type(o, json_type_object)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL, "%s: expected an object at $.waivers[%zu]",
                             file, i);
    }
    if ((rc = str_member(o, "kind", a, file, i, &w->kind)) ||
        (rc = str_member(o, "section", a, file, i, &w->section)) ||
        (rc = str_member(o, "description", a, file, i, &w->description)) ||
        (rc = str_member(o, "field", a, file, i, &w->field)) ||
        (rc = str_member(o, "old", a, file, i, &w->old_name)) ||
        (rc = str_member(o, "new", a, file, i, &w->new_name)) ||
        (rc = str_member(o, "reason", a, file, i, &w->reason))) {
        return rc;
    }
    if (!w->kind) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL, "%s: missing key \"kind\" at $.waivers[%zu]",
                             file, i);
    }
    if (!vmc_schema_kind_known(w->kind)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "%s: unknown finding kind \"%s\" at $.waivers[%zu].kind", file, w->kind,
                             i);
    }
    if ((w->old_name == NULL) != (w->new_name == NULL)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "%s: \"old\" and \"new\" go together at $.waivers[%zu]", file, i);
    }
    if (w->old_name && !is_rename_kind(w->kind)) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "%s: \"old\"/\"new\" only apply to the kinds field-renamed, "
                             "description-renamed and section-renamed at $.waivers[%zu]",
                             file, i);
    }
    if (!w->reason) {
        w->reason = "waived";
    }
    return 0;
}

int vmc_waivers_parse(vmc_waivers **out, const char *json, size_t len, const char *name)
{
    *out = NULL;
    if (!name) {
        name = "<waivers>";
    }
    if (len > MAX_WAIVER_BYTES) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "%s: %zu bytes exceed the limit of %u",
                             name, len, MAX_WAIVER_BYTES);
    }
    json_tokener *tok = json_tokener_new_ex(16);
    if (!tok) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    while (root && used < len && strchr(" \t\r\n", json[used]) && json[used]) {
        used++;
    }
    if (!root || jerr != json_tokener_success || used != len) {
        json_object_put(root);
        return vmc_error_set(VMC_EFORMAT, (int64_t)used, NULL, NULL,
                             "%s: not valid JSON: %s (at byte %zu)", name,
                             !root && jerr != json_tokener_success &&
                                     jerr != json_tokener_continue
                                 ? json_tokener_error_desc(jerr)
                                 : root ? "unexpected data after the value"
                                        : "unexpected end of input",
                             used);
    }
    json_object *arr;
    if (!json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "waivers", &arr) ||
        !json_object_is_type(arr, json_type_array)) {
        json_object_put(root);
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "%s: expected an object with an array \"waivers\" at $", name);
    }
    size_t n = json_object_array_length(arr);
    if (n > MAX_WAIVERS) {
        json_object_put(root);
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "%s: more than %d waivers", name,
                             MAX_WAIVERS);
    }
    vmc_waivers *w = calloc(1, sizeof(*w));
    int rc = 0;
    if (!w || !(w->arena = vmc_arena_new()) ||
        !(w->w = vmc_arena_alloc(w->arena, (n ? n : 1) * sizeof(*w->w)))) {
        rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; !rc && i < n; i++) {
        rc = parse_entry(json_object_array_get_idx(arr, i), w->arena, name, i, &w->w[i]);
    }
    json_object_put(root);
    if (rc) {
        vmc_waivers_free(w);
        return rc;
    }
    w->n = n;
    *out = w;
    return 0;
}

int vmc_waivers_load(vmc_waivers **out, const char *path)
{
    char *buf;
    size_t len;
    *out = NULL;
    int rc = vmc_dump_read_file(path, MAX_WAIVER_BYTES, &buf, &len);
    if (rc) {
        return rc;
    }
    rc = vmc_waivers_parse(out, buf, len, path);
    free(buf);
    return rc;
}

void vmc_waivers_free(vmc_waivers *w)
{
    if (w) {
        vmc_arena_free(w->arena);
        free(w);
    }
}

size_t vmc_waivers_count(const vmc_waivers *w)
{
    return w ? w->n : 0;
}
