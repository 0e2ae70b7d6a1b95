/*
 * Loading machine-type tables (docs/machine-types.md) into a
 * vmc_machine_types set: parse and check the JSON, resolve each machine's
 * "base" chain into flat class fields and compat property lists, and sort the
 * machine types the way `-machine help` prints them.
 *
 * The input is untrusted: size and nesting are bounded, every member is
 * type-checked, unknown members are errors (format_version guards
 * evolution), and every error names its JSON path.
 */
#include "mt_internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/error_internal.h"

#define MT_FORMAT "vmcompat-machine-types"
#define MT_FORMAT_VERSION 1
#define MT_JSON_DEPTH 64

typedef struct mt_ctx {
    vmc_machine_types *set;
    const char *name;
    size_t total_compat;   /* resolved compat properties so far */
} mt_ctx;

static int bad(mt_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(mt_ctx *c, const char *path, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vmc_error_set(VMC_EFORMAT, -1, NULL, path, "%s: %s at %s", c->name, msg, path);
}

/* buf = base + parts..., truncated to len.  Paths are built for every
 * entry read (they name the place of an error), so no printf here. */
static char *path_cat(char *buf, size_t len, const char *base, const char *a, const char *b,
                      const char *z)
{
    const char *parts[4] = { base, a, b, z };
    size_t n = 0;
    for (size_t i = 0; i < 4 && len; i++) {
        size_t l = parts[i] ? strlen(parts[i]) : 0;
        if (l > len - 1 - n) {
            l = len - 1 - n;
        }
        memcpy(buf + n, parts[i] ? parts[i] : "", l);
        n += l;
    }
    if (len) {
        buf[n] = '\0';
    }
    return buf;
}

static char *path_key(char *buf, size_t len, const char *base, const char *key)
{
    return path_cat(buf, len, base, ".", key, NULL);
}

static char *path_index(char *buf, size_t len, const char *base, size_t i)
{
    char digits[24], num[24];
    size_t nd = 0, n = 0;
    do {
        digits[nd++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    while (nd) {
        num[n++] = digits[--nd];
    }
    num[n] = '\0';
    return path_cat(buf, len, base, "[", num, "]");
}

static char *path_name(char *buf, size_t len, const char *base, const char *key)
{
    path_cat(buf, len, base, "[\"", key, "\"]");
    return buf;
}

/* A JSON string without embedded NUL bytes, copied into the arena. */
static int get_string(mt_ctx *c, json_object *o, const char *path, bool nullable,
                      const char **out)
{
    if (nullable && o == NULL) {
        *out = NULL;
        return 0;
    }
    if (!json_object_is_type(o, json_type_string)) {
        return bad(c, path, "expected a string%s", nullable ? " or null" : "");
    }
    const char *s = json_object_get_string(o);
    size_t n = (size_t)json_object_get_string_len(o);
    if (strlen(s) != n) {
        return bad(c, path, "string contains a NUL character");
    }
    *out = vmc_arena_strndup(c->set->arena, s, n);
    return *out ? 0 : vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
}

static int get_name(mt_ctx *c, json_object *o, const char *path, const char **out)
{
    int rc = get_string(c, o, path, false, out);
    if (rc == 0 && (*out)[0] == '\0') {
        return bad(c, path, "empty name");
    }
    return rc;
}

static int get_bool(mt_ctx *c, json_object *o, const char *path, bool *out)
{
    if (!json_object_is_type(o, json_type_boolean)) {
        return bad(c, path, "expected true or false");
    }
    *out = json_object_get_boolean(o);
    return 0;
}

/* JSON text of any value (json-c keeps 64-bit integers exact). */
static const char *json_text(mt_ctx *c, json_object *o)
{
    if (o == NULL) {
        return "null";
    }
    return vmc_arena_strdup(c->set->arena,
                            json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Canonical text of a scalar JSON default for a property type. */
static int scalar_canon(mt_ctx *c, json_object *o, const char *type, const char *path,
                        const char **out)
{
    char buf[128];
    *out = NULL;
    switch (json_object_get_type(o)) {
    case json_type_null:
        return 0;
    case json_type_boolean:
        *out = json_object_get_boolean(o) ? "true" : "false";
        return 0;
    case json_type_int:
    case json_type_double:
        *out = json_text(c, o);
        return *out ? 0 : vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    case json_type_string: {
        const char *s;
        int rc = get_string(c, o, path, false, &s);
        if (rc) {
            return rc;
        }
        if (vmc_prop_canonical(type, s, buf, sizeof(buf)) && strlen(buf) < sizeof(buf) - 1) {
            *out = vmc_arena_strdup(c->set->arena, buf);
        } else {
            *out = s;
        }
        return 0;
    }
    default:
        return bad(c, path, "expected a scalar value");
    }
}

/* Allowed members of an object; anything else is an error. */
static int check_members(mt_ctx *c, json_object *o, const char *path, const char *const *allowed)
{
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, path, "expected an object");
    }
    json_object_object_foreach(o, key, val) {
        (void)val;
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, key) == 0) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            return bad(c, path, "unknown member \"%s\"", key);
        }
    }
    return 0;
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool has_member(json_object *o, const char *key)
{
    return json_object_object_get_ex(o, key, NULL);
}

/* {"driver", "property", "value", "optional"?} (plus "when"/"origin" for board entries). */
static int parse_entry(mt_ctx *c, json_object *o, const char *path, bool board, mt_entry *e)
{
    static const char *const plain[] = { "driver", "property", "value", "optional", NULL };
    static const char *const boardk[] = { "driver", "property", "value", "optional", "when",
                                          "origin", NULL };
    char p[512];
    int rc = check_members(c, o, path, board ? boardk : plain);
    if (rc) {
        return rc;
    }
    memset(e, 0, sizeof(*e));
    if ((rc = get_name(c, member(o, "driver"), path_key(p, sizeof(p), path, "driver"),
                       &e->pub.driver)) ||
        (rc = get_name(c, member(o, "property"), path_key(p, sizeof(p), path, "property"),
                       &e->pub.property)) ||
        (rc = get_string(c, member(o, "value"), path_key(p, sizeof(p), path, "value"), false,
                         &e->pub.value))) {
        return rc;
    }
    if (has_member(o, "optional") &&
        (rc = get_bool(c, member(o, "optional"), path_key(p, sizeof(p), path, "optional"),
                       &e->pub.optional))) {
        return rc;
    }
    e->pub.active = true;
    if (!board) {
        return 0;
    }
    if (has_member(o, "origin") &&
        (rc = get_name(c, member(o, "origin"), path_key(p, sizeof(p), path, "origin"),
                       &e->pub.origin))) {
        return rc;
    }
    json_object *when = member(o, "when");
    if (!when) {
        return 0;
    }
    path_key(p, sizeof(p), path, "when");
    if (!json_object_is_type(when, json_type_array)) {
        return bad(c, p, "expected an array");
    }
    size_t n = json_object_array_length(when);
    if (n > VMC_MACHINE_CONDS_MAX) {
        return bad(c, p, "more than %d conditions", VMC_MACHINE_CONDS_MAX);
    }
    mt_cond *conds = vmc_arena_alloc(c->set->arena, (n ? n : 1) * sizeof(*conds));
    if (!conds) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    GString *text = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        static const char *const condk[] = { "driver", "property", "value", NULL };
        char q[512], r[600];
        json_object *co = json_object_array_get_idx(when, i);
        path_index(q, sizeof(q), p, i);
        if ((rc = check_members(c, co, q, condk)) ||
            (rc = get_name(c, member(co, "driver"), path_key(r, sizeof(r), q, "driver"),
                           &conds[i].driver)) ||
            (rc = get_name(c, member(co, "property"), path_key(r, sizeof(r), q, "property"),
                           &conds[i].property)) ||
            (rc = get_string(c, member(co, "value"), path_key(r, sizeof(r), q, "value"), false,
                             &conds[i].value))) {
            g_string_free(text, TRUE);
            return rc;
        }
        g_string_append_printf(text, "%s%s.%s=%s", i ? " && " : "", conds[i].driver,
                               conds[i].property, conds[i].value);
    }
    e->conds = conds;
    e->n_conds = n;
    e->pub.condition = vmc_arena_strdup(c->set->arena, text->str);
    g_string_free(text, TRUE);
    return 0;
}

static int parse_entry_array(mt_ctx *c, json_object *arr, const char *path, vmc_prop_origin kind,
                             const char *origin, mt_entry **out, size_t *n_out)
{
    if (!json_object_is_type(arr, json_type_array)) {
        return bad(c, path, "expected an array");
    }
    size_t n = json_object_array_length(arr);
    mt_entry *es = vmc_arena_alloc(c->set->arena, (n ? n : 1) * sizeof(*es));
    if (!es) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        char p[512];
        int rc = parse_entry(c, json_object_array_get_idx(arr, i),
                             path_index(p, sizeof(p), path, i), kind == VMC_ORIGIN_BOARD, &es[i]);
        if (rc) {
            return rc;
        }
        es[i].pub.kind = kind;
        if (!es[i].pub.origin) {
            es[i].pub.origin = origin;
        }
    }
    *out = es;
    *n_out = n;
    return 0;
}

/* ---- types ---------------------------------------------------------------- */

static int parse_propdef(mt_ctx *c, const char *name, json_object *o, const char *path,
                         mt_propdef *d)
{
    static const char *const keys[] = { "type", "default", "default_from", "realized", "varies",
                                        NULL };
    char p[512];
    int rc = check_members(c, o, path, keys);
    if (rc) {
        return rc;
    }
    memset(d, 0, sizeof(*d));
    d->name = vmc_arena_strdup(c->set->arena, name);
    if (has_member(o, "type") &&
        (rc = get_name(c, member(o, "type"), path_key(p, sizeof(p), path, "type"), &d->type))) {
        return rc;
    }
    if (has_member(o, "default_from")) {
        const char *from;
        if ((rc = get_string(c, member(o, "default_from"), path_key(p, sizeof(p), path,
                                                                  "default_from"), false, &from))) {
            return rc;
        }
    }
    if (has_member(o, "default")) {
        json_object *def = member(o, "default");
        d->has_default = true;
        d->def_json = json_text(c, def);
        if ((rc = scalar_canon(c, def, d->type, path_key(p, sizeof(p), path, "default"),
                               &d->def_canon))) {
            return rc;
        }
    }
    json_object *real = member(o, "realized");
    if (real && json_object_is_type(real, json_type_object)) {
        size_t n = (size_t)json_object_object_length(real);
        d->realized_family = vmc_arena_alloc(c->set->arena, (2 * n + 1) * sizeof(char *));
        if (!d->realized_family) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        json_object_object_foreach(real, fam, val) {
            char q[600];
            const char *v;
            path_key(p, sizeof(p), path, "realized");
            if ((rc = scalar_canon(c, val, d->type, path_name(q, sizeof(q), p, fam), &v))) {
                return rc;
            }
            if (!v) {
                return bad(c, q, "a realized value cannot be null");
            }
            d->realized_family[2 * d->n_realized_family] = vmc_arena_strdup(c->set->arena, fam);
            d->realized_family[2 * d->n_realized_family + 1] = v;
            d->n_realized_family++;
        }
    } else if (real) {
        if ((rc = scalar_canon(c, real, d->type, path_key(p, sizeof(p), path, "realized"),
                               &d->realized))) {
            return rc;
        }
    }
    json_object *var = member(o, "varies");
    if (var) {
        path_key(p, sizeof(p), path, "varies");
        if (!json_object_is_type(var, json_type_array)) {
            return bad(c, p, "expected an array");
        }
        GString *t = g_string_new(NULL);
        for (size_t i = 0; i < json_object_array_length(var); i++) {
            const char *v;
            char q[600];
            if ((rc = scalar_canon(c, json_object_array_get_idx(var, i), d->type,
                                   path_index(q, sizeof(q), p, i), &v))) {
                g_string_free(t, TRUE);
                return rc;
            }
            g_string_append_printf(t, "%s%s", i ? ", " : "", v ? v : "null");
        }
        d->varies = vmc_arena_strdup(c->set->arena, t->str);
        g_string_free(t, TRUE);
    }
    return 0;
}

static int parse_types(mt_ctx *c, json_object *types)
{
    const char *path = "$.types";
    if (!json_object_is_type(types, json_type_object)) {
        return bad(c, path, "expected an object");
    }
    vmc_machine_types *set = c->set;
    size_t n = (size_t)json_object_object_length(types);
    set->types = vmc_arena_alloc(set->arena, (n ? n : 1) * sizeof(*set->types));
    if (!set->types) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_object_object_foreach(types, name, o) {
        static const char *const keys[] = { "parent", "abstract", "properties", NULL };
        char p[512], q[600];
        mt_type *t = &set->types[set->n_types];
        int rc;
        path_name(p, sizeof(p), path, name);
        if (name[0] == '\0') {
            return bad(c, p, "empty type name");
        }
        if ((rc = check_members(c, o, p, keys))) {
            return rc;
        }
        t->name = vmc_arena_strdup(set->arena, name);
        if ((rc = get_string(c, member(o, "parent"), path_key(q, sizeof(q), p, "parent"), true,
                             &t->parent))) {
            return rc;
        }
        if (has_member(o, "abstract") &&
            (rc = get_bool(c, member(o, "abstract"), path_key(q, sizeof(q), p, "abstract"),
                           &t->abstract))) {
            return rc;
        }
        json_object *props = member(o, "properties");
        if (props) {
            path_key(q, sizeof(q), p, "properties");
            if (!json_object_is_type(props, json_type_object)) {
                return bad(c, q, "expected an object");
            }
            size_t np = (size_t)json_object_object_length(props);
            t->props = vmc_arena_alloc(set->arena, (np ? np : 1) * sizeof(*t->props));
            if (!t->props) {
                return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            }
            json_object_object_foreach(props, pname, po) {
                char r[800];
                if ((rc = parse_propdef(c, pname, po, path_name(r, sizeof(r), q, pname),
                                        &t->props[t->n_props]))) {
                    return rc;
                }
                t->n_props++;
            }
        }
        g_hash_table_insert(set->type_by_name, (gpointer)t->name, t);
        set->n_types++;
    }
    for (size_t i = 0; i < set->n_types; i++) {
        mt_type *t = &set->types[i];
        if (t->parent) {
            t->parent_t = g_hash_table_lookup(set->type_by_name, t->parent);
        }
    }
    /* A parent cycle would make every lookup loop. */
    for (size_t i = 0; i < set->n_types; i++) {
        const mt_type *slow = &set->types[i], *fast = slow;
        while (fast && fast->parent_t) {
            fast = fast->parent_t->parent_t;
            slow = slow->parent_t;
            if (fast && fast == slow) {
                char p[512];
                return bad(c, path_name(p, sizeof(p), path, set->types[i].name),
                           "the parent chain loops");
            }
        }
        int depth = 0;
        for (const mt_type *t = &set->types[i]; t; t = t->parent_t) {
            if (++depth > VMC_MACHINE_QOM_DEPTH_MAX) {
                char p[512];
                return bad(c, path_name(p, sizeof(p), path, set->types[i].name),
                           "parent chain longer than %d types", VMC_MACHINE_QOM_DEPTH_MAX);
            }
        }
    }
    return 0;
}

/* ---- machines ------------------------------------------------------------- */

static int parse_class(mt_ctx *c, vmc_machine_type *m, json_object *o, const char *path)
{
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, path, "expected an object");
    }
    size_t n = (size_t)json_object_object_length(o);
    m->own_fields = vmc_arena_alloc(c->set->arena, (n ? n : 1) * sizeof(*m->own_fields));
    if (!m->own_fields) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_object_object_foreach(o, key, val) {
        char p[512];
        path_key(p, sizeof(p), path, key);
        /* The fields vmcompat itself interprets must have the right type. */
        static const char *const strings[] = { "desc", "family", "alias", "deprecation_reason",
                                               "default_machine_opts", NULL };
        for (const char *const *s = strings; *s; s++) {
            if (strcmp(*s, key) == 0 && val && !json_object_is_type(val, json_type_string)) {
                return bad(c, p, "expected a string or null");
            }
        }
        if (strcmp(key, "is_default") == 0 && !json_object_is_type(val, json_type_boolean)) {
            return bad(c, p, "expected true or false");
        }
        if (val && json_object_is_type(val, json_type_string)) {
            const char *s;
            int rc = get_string(c, val, p, false, &s);
            if (rc) {
                return rc;
            }
        }
        vmc_machine_class_field *f = &m->own_fields[m->n_own_fields++];
        f->key = vmc_arena_strdup(c->set->arena, key);
        f->value = json_text(c, val);
        f->set_by = m->info.name;
        if (!f->key || !f->value) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
    }
    return 0;
}

static int parse_machine_compat(mt_ctx *c, vmc_machine_type *m, json_object *arr, const char *path,
                                json_object *sets)
{
    if (!json_object_is_type(arr, json_type_array)) {
        return bad(c, path, "expected an array");
    }
    /* Count first: set references expand to their entries. */
    size_t total = 0, n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        char p[512];
        json_object *it = json_object_array_get_idx(arr, i);
        path_index(p, sizeof(p), path, i);
        if (json_object_is_type(it, json_type_string)) {
            json_object *s = sets ? member(sets, json_object_get_string(it)) : NULL;
            if (!s) {
                return bad(c, p, "unknown compat set \"%s\"", json_object_get_string(it));
            }
            total += json_object_array_length(s);
        } else if (json_object_is_type(it, json_type_object)) {
            total++;
        } else {
            return bad(c, p, "expected a compat set name or a property object");
        }
    }
    if (total > VMC_MACHINE_COMPAT_MAX) {
        return bad(c, path, "more than %d compat properties", VMC_MACHINE_COMPAT_MAX);
    }
    m->own_compat = vmc_arena_alloc(c->set->arena, (total ? total : 1) * sizeof(*m->own_compat));
    if (!m->own_compat) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        char p[512];
        json_object *it = json_object_array_get_idx(arr, i);
        path_index(p, sizeof(p), path, i);
        int rc;
        if (json_object_is_type(it, json_type_string)) {
            const char *setname = json_object_get_string(it);
            json_object *s = member(sets, setname);
            char sp[512];
            path_name(sp, sizeof(sp), "$.compat_sets", setname);
            const char *origin = vmc_arena_strdup(c->set->arena, setname);
            for (size_t k = 0; k < json_object_array_length(s); k++) {
                char q[600];
                if ((rc = parse_entry(c, json_object_array_get_idx(s, k),
                                      path_index(q, sizeof(q), sp, k), false,
                                      &m->own_compat[m->n_own_compat]))) {
                    return rc;
                }
                m->own_compat[m->n_own_compat].pub.kind = VMC_ORIGIN_MACHINE;
                m->own_compat[m->n_own_compat].pub.origin = origin;
                m->n_own_compat++;
            }
        } else {
            if ((rc = parse_entry(c, it, p, false, &m->own_compat[m->n_own_compat]))) {
                return rc;
            }
            m->own_compat[m->n_own_compat].pub.kind = VMC_ORIGIN_MACHINE;
            m->own_compat[m->n_own_compat].pub.origin = m->info.name;
            m->n_own_compat++;
        }
    }
    return 0;
}

static int parse_machine(mt_ctx *c, vmc_machine_type *m, json_object *o, const char *path,
                         json_object *sets)
{
    static const char *const keys[] = { "name", "abstract", "base", "qom_type", "modelled",
                                        "compat_props", "board_props", "class", NULL };
    char p[512];
    int rc = check_members(c, o, path, keys);
    if (rc) {
        return rc;
    }
    if ((rc = get_name(c, member(o, "name"), path_key(p, sizeof(p), path, "name"),
                       &m->info.name))) {
        return rc;
    }
    if (has_member(o, "abstract") &&
        (rc = get_bool(c, member(o, "abstract"), path_key(p, sizeof(p), path, "abstract"),
                       &m->abstract))) {
        return rc;
    }
    if (has_member(o, "base") &&
        (rc = get_name(c, member(o, "base"), path_key(p, sizeof(p), path, "base"),
                       &m->info.base))) {
        return rc;
    }
    if (has_member(o, "qom_type")) {
        if ((rc = get_name(c, member(o, "qom_type"), path_key(p, sizeof(p), path, "qom_type"),
                           &m->info.qom_type))) {
            return rc;
        }
    } else {
        char *t = g_strdup_printf("%s-machine", m->info.name);
        m->info.qom_type = vmc_arena_strdup(c->set->arena, t);
        g_free(t);
    }
    m->info.modelled = "full";
    if (has_member(o, "modelled")) {
        path_key(p, sizeof(p), path, "modelled");
        if ((rc = get_name(c, member(o, "modelled"), p, &m->info.modelled))) {
            return rc;
        }
        if (strcmp(m->info.modelled, "full") != 0 && strcmp(m->info.modelled, "partial") != 0 &&
            strcmp(m->info.modelled, "listed") != 0) {
            return bad(c, p, "expected \"full\", \"partial\" or \"listed\"");
        }
    }
    if (has_member(o, "compat_props") &&
        (rc = parse_machine_compat(c, m, member(o, "compat_props"),
                                   path_key(p, sizeof(p), path, "compat_props"), sets))) {
        return rc;
    }
    if (has_member(o, "board_props") &&
        (rc = parse_entry_array(c, member(o, "board_props"),
                                path_key(p, sizeof(p), path, "board_props"), VMC_ORIGIN_BOARD,
                                m->info.name, &m->own_board, &m->n_own_board))) {
        return rc;
    }
    if (has_member(o, "class") &&
        (rc = parse_class(c, m, member(o, "class"), path_key(p, sizeof(p), path, "class")))) {
        return rc;
    }
    return 0;
}

static const char *field_value(const vmc_machine_type *m, const char *key)
{
    for (size_t i = 0; i < m->n_fields; i++) {
        if (strcmp(m->fields[i].key, key) == 0) {
            return m->fields[i].value;
        }
    }
    return NULL;
}

/* A class field that is a JSON string, decoded; NULL for null or absent. */
static const char *field_string(mt_ctx *c, const vmc_machine_type *m, const char *key)
{
    const char *v = field_value(m, key);
    if (!v || v[0] != '"') {
        return NULL;
    }
    json_object *o = json_tokener_parse(v);
    const char *s = o ? vmc_arena_strdup(c->set->arena, json_object_get_string(o)) : NULL;
    json_object_put(o);
    return s;
}

static int split_machine_opts(mt_ctx *c, vmc_machine_type *m)
{
    const char *opts = field_string(c, m, "default_machine_opts");
    if (!opts) {
        return 0;
    }
    gchar **parts = g_strsplit(opts, ",", -1);
    size_t n = g_strv_length(parts);
    m->opts = vmc_arena_alloc(c->set->arena, (2 * n + 1) * sizeof(char *));
    if (!m->opts) {
        g_strfreev(parts);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (parts[i][0] == '\0') {
            continue;
        }
        char *eq = strchr(parts[i], '=');
        m->opts[2 * m->n_opts] = vmc_arena_strndup(c->set->arena, parts[i],
                                                   eq ? (size_t)(eq - parts[i]) : strlen(parts[i]));
        m->opts[2 * m->n_opts + 1] = vmc_arena_strdup(c->set->arena, eq ? eq + 1 : "on");
        m->n_opts++;
    }
    g_strfreev(parts);
    return 0;
}

/* bad() at "$.machines[i]" of m; the path is only formatted on failure */
#define bad_machine(c, p, cap, m, ...) \
    (path_index((p), (cap), "$.machines", (m)->index), bad((c), (p), __VA_ARGS__))

static int resolve(mt_ctx *c, vmc_machine_type *m, int depth)
{
    char p[512];
    if (m->resolving == 2) {
        return 0;
    }
    if (m->resolving == 1) {
        return bad_machine(c, p, sizeof(p), m, "the base chain of \"%s\" loops", m->info.name);
    }
    if (depth > VMC_MACHINE_BASE_DEPTH_MAX) {
        return bad_machine(c, p, sizeof(p), m, "base chain longer than %d entries",
                           VMC_MACHINE_BASE_DEPTH_MAX);
    }
    m->resolving = 1;
    vmc_machine_type *base = NULL;
    if (m->info.base) {
        base = g_hash_table_lookup(c->set->by_name, m->info.base);
        if (!base) {
            return bad_machine(c, p, sizeof(p), m, "base \"%s\" is not a table entry",
                               m->info.base);
        }
        int rc = resolve(c, base, depth + 1);
        if (rc) {
            return rc;
        }
    }
    vmc_arena *a = c->set->arena;
    size_t nb_f = base ? base->n_fields : 0, nb_c = base ? base->n_compat : 0;
    size_t nb_b = base ? base->n_board : 0;
    /* Bound what inheritance multiplies: every entry copies its base's lists. */
    if (nb_f + m->n_own_fields > VMC_MACHINE_CLASS_FIELDS_MAX) {
        return bad_machine(c, p, sizeof(p), m, "more than %d class fields",
                           VMC_MACHINE_CLASS_FIELDS_MAX);
    }
    if (nb_c + m->n_own_compat > VMC_MACHINE_COMPAT_MAX) {
        return bad_machine(c, p, sizeof(p), m, "more than %d compat properties",
                           VMC_MACHINE_COMPAT_MAX);
    }
    if (nb_b + m->n_own_board > VMC_MACHINE_BOARD_MAX) {
        return bad_machine(c, p, sizeof(p), m, "more than %d board properties",
                           VMC_MACHINE_BOARD_MAX);
    }
    c->total_compat += nb_c + m->n_own_compat;
    if (c->total_compat > VMC_MACHINE_COMPAT_TOTAL_MAX) {
        return bad_machine(c, p, sizeof(p), m, "more than %u compat properties in all machines",
                           VMC_MACHINE_COMPAT_TOTAL_MAX);
    }
    m->fields = vmc_arena_alloc(a, (nb_f + m->n_own_fields + 1) * sizeof(*m->fields));
    if (!m->fields) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    if (base) {
        memcpy(m->fields, base->fields, nb_f * sizeof(*m->fields));
    }
    m->n_fields = nb_f;
    for (size_t i = 0; i < m->n_own_fields; i++) {
        size_t k;
        for (k = 0; k < m->n_fields; k++) {
            if (strcmp(m->fields[k].key, m->own_fields[i].key) == 0) {
                break;
            }
        }
        m->fields[k] = m->own_fields[i];
        if (k == m->n_fields) {
            m->n_fields++;
        }
    }
    /* the compat and board lists themselves: mt_props_ensure() */
    m->base = base;
    m->n_compat = nb_c + m->n_own_compat;
    m->n_board = nb_b + m->n_own_board;

    m->info.desc = field_string(c, m, "desc");
    m->info.family = field_string(c, m, "family");
    m->info.alias = field_string(c, m, "alias");
    m->info.deprecation_reason = field_string(c, m, "deprecation_reason");
    const char *def = field_value(m, "is_default");
    m->info.is_default = def && strcmp(def, "true") == 0;
    if (!m->info.desc) {
        m->info.desc = "";
    }
    int rc = split_machine_opts(c, m);
    if (rc) {
        return rc;
    }
    m->resolving = 2;
    return 0;
}

/* QEMU's machine_class_cmp: families first (ascending), names descending
 * within a family, standalone types last (ascending). */
static int machine_order(const void *pa, const void *pb)
{
    const vmc_machine_type *a = *(vmc_machine_type *const *)pa;
    const vmc_machine_type *b = *(vmc_machine_type *const *)pb;
    if (!a->info.family || !b->info.family) {
        if (!a->info.family && !b->info.family) {
            return strcmp(a->info.qom_type, b->info.qom_type);
        }
        return a->info.family ? -1 : 1;
    }
    int r = strcmp(a->info.family, b->info.family);
    return r ? r : strcmp(b->info.qom_type, a->info.qom_type);
}

/* Concatenate the own lists of mt's chain, root first.  Caller holds the lock. */
static bool flatten_props(vmc_machine_type *m)
{
    vmc_arena *a = m->set->arena;
    mt_entry *compat = vmc_arena_alloc(a, (m->n_compat + 1) * sizeof(*compat));
    mt_entry *board = vmc_arena_alloc(a, (m->n_board + 1) * sizeof(*board));
    if (!compat || !board) {
        return false;
    }
    /* walk from m to the root, filling each list from its end */
    size_t nc = m->n_compat, nb = m->n_board;
    for (const vmc_machine_type *t = m; t; t = t->base) {
        if (t->n_own_compat) {
            nc -= t->n_own_compat;
            memcpy(compat + nc, t->own_compat, t->n_own_compat * sizeof(*compat));
        }
        if (t->n_own_board) {
            nb -= t->n_own_board;
            memcpy(board + nb, t->own_board, t->n_own_board * sizeof(*board));
        }
    }
    for (size_t i = 0; i < m->n_compat; i++) {
        compat[i].pub.driver_status = mt_driver_status(m->set, compat[i].pub.driver);
    }
    for (size_t i = 0; i < m->n_board; i++) {
        board[i].pub.driver_status = mt_driver_status(m->set, board[i].pub.driver);
    }
    mt_mark_overridden(compat, m->n_compat);
    m->compat = compat;
    m->board = board;
    return true;
}

bool mt_props_ensure(const vmc_machine_type *cmt)
{
    if (!cmt) {
        return false;
    }
    /* Logically const: the lists are a cache of what the table says. */
    vmc_machine_type *m = (vmc_machine_type *)cmt;
    bool ok = true;
    g_mutex_lock(&m->set->props_lock);
    if (!m->props_done) {
        ok = m->props_done = flatten_props(m);
    }
    g_mutex_unlock(&m->set->props_lock);
    return ok;
}

static int parse_machines(mt_ctx *c, json_object *arr, json_object *sets)
{
    const char *path = "$.machines";
    vmc_machine_types *set = c->set;
    if (!json_object_is_type(arr, json_type_array)) {
        return bad(c, path, "expected an array");
    }
    size_t n = json_object_array_length(arr);
    if (n > VMC_MACHINE_ENTRIES_MAX) {
        return bad(c, path, "more than %d entries", VMC_MACHINE_ENTRIES_MAX);
    }
    set->entries = vmc_arena_alloc(set->arena, (n ? n : 1) * sizeof(*set->entries));
    set->concrete = vmc_arena_alloc(set->arena, (n ? n : 1) * sizeof(*set->concrete));
    if (!set->entries || !set->concrete) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        char p[512];
        vmc_machine_type *m = &set->entries[i];
        m->set = set;
        m->index = i;
        path_index(p, sizeof(p), path, i);
        int rc = parse_machine(c, m, json_object_array_get_idx(arr, i), p, sets);
        if (rc) {
            return rc;
        }
        if (g_hash_table_contains(set->by_name, m->info.name)) {
            return bad(c, p, "duplicate machine entry \"%s\"", m->info.name);
        }
        g_hash_table_insert(set->by_name, (gpointer)m->info.name, m);
        set->n_entries++;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = resolve(c, &set->entries[i], 0);
        if (rc) {
            return rc;
        }
    }
    for (size_t i = 0; i < n; i++) {
        vmc_machine_type *m = &set->entries[i];
        if (m->abstract) {
            continue;
        }
        set->concrete[set->n_concrete++] = m;
        if (m->info.alias) {
            char p[512];
            path_index(p, sizeof(p), path, i);
            if (g_hash_table_contains(set->by_alias, m->info.alias) ||
                (g_hash_table_contains(set->by_name, m->info.alias))) {
                return bad(c, p, "alias \"%s\" of \"%s\" is already a name or an alias",
                           m->info.alias, m->info.name);
            }
            g_hash_table_insert(set->by_alias, (gpointer)m->info.alias, m);
        }
    }
    qsort(set->concrete, set->n_concrete, sizeof(*set->concrete), machine_order);
    return 0;
}

static int parse_accels(mt_ctx *c, json_object *o)
{
    const char *path = "$.accel_compat_props";
    if (!json_object_is_type(o, json_type_object)) {
        return bad(c, path, "expected an object");
    }
    vmc_machine_types *set = c->set;
    size_t n = (size_t)json_object_object_length(o);
    set->accels = vmc_arena_alloc(set->arena, (n ? n : 1) * sizeof(*set->accels));
    if (!set->accels) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_object_object_foreach(o, name, arr) {
        char p[512];
        mt_accel *ac = &set->accels[set->n_accels];
        ac->name = vmc_arena_strdup(set->arena, name);
        char *origin = g_strdup_printf("accel %s", name);
        const char *org = vmc_arena_strdup(set->arena, origin);
        g_free(origin);
        int rc = parse_entry_array(c, arr, path_name(p, sizeof(p), path, name), VMC_ORIGIN_ACCEL,
                                   org, &ac->entries, &ac->n);
        if (rc) {
            return rc;
        }
        set->n_accels++;
    }
    return 0;
}

static int get_int(mt_ctx *c, json_object *o, const char *path, int64_t *out)
{
    if (!o || !json_object_is_type(o, json_type_int)) {
        return bad(c, path, "expected an integer");
    }
    *out = json_object_get_int64(o);
    return 0;
}

/* "cpu_models": {"models": {NAME: {alias_of?, family, model, stepping, apic,
 * mce, mca, monitor}}, "properties": [NAME...]} (harvest_info.c writes it). */
static int parse_cpu_models(mt_ctx *c, json_object *o)
{
    static const char *const keys[] = { "models", "properties", NULL };
    static const char *const mkeys[] = { "alias_of", "family", "model", "stepping", "apic", "mce",
                                         "mca", "monitor", NULL };
    vmc_machine_types *set = c->set;
    int rc = check_members(c, o, "$.cpu_models", keys);
    if (rc) {
        return rc;
    }
    json_object *models = member(o, "models"), *props = member(o, "properties");
    if (!models || !json_object_is_type(models, json_type_object)) {
        return bad(c, "$.cpu_models.models", "expected an object");
    }
    if (!props || !json_object_is_type(props, json_type_array)) {
        return bad(c, "$.cpu_models.properties", "expected an array");
    }
    set->cpu_models = g_hash_table_new(g_str_hash, g_str_equal);
    set->cpu_model_list = g_ptr_array_new();
    set->cpu_props = g_hash_table_new(g_str_hash, g_str_equal);
    json_object_object_foreach(models, name, m) {
        char p[512], q[512];
        path_name(p, sizeof(p), "$.cpu_models.models", name);
        if ((rc = check_members(c, m, p, mkeys))) {
            return rc;
        }
        vmc_cpu_model *cm = vmc_arena_alloc(set->arena, sizeof(*cm));
        if (!cm) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        cm->name = vmc_arena_strdup(set->arena, name);
        json_object *alias = member(m, "alias_of");
        if ((alias && (rc = get_name(c, alias, path_key(q, sizeof(q), p, "alias_of"),
                                     &cm->alias_of))) ||
            (rc = get_int(c, member(m, "family"), path_key(q, sizeof(q), p, "family"),
                          &cm->family)) ||
            (rc = get_int(c, member(m, "model"), path_key(q, sizeof(q), p, "model"),
                          &cm->model)) ||
            (rc = get_int(c, member(m, "stepping"), path_key(q, sizeof(q), p, "stepping"),
                          &cm->stepping)) ||
            (rc = get_bool(c, member(m, "apic"), path_key(q, sizeof(q), p, "apic"), &cm->apic)) ||
            (rc = get_bool(c, member(m, "mce"), path_key(q, sizeof(q), p, "mce"), &cm->mce)) ||
            (rc = get_bool(c, member(m, "mca"), path_key(q, sizeof(q), p, "mca"), &cm->mca)) ||
            (rc = get_bool(c, member(m, "monitor"), path_key(q, sizeof(q), p, "monitor"),
                           &cm->monitor))) {
            return rc;
        }
        g_hash_table_insert(set->cpu_models, (gpointer)cm->name, cm);
        g_ptr_array_add(set->cpu_model_list, cm);
    }
    for (size_t i = 0; i < json_object_array_length(props); i++) {
        char p[512];
        const char *s;
        if ((rc = get_name(c, json_object_array_get_idx(props, i),
                           path_index(p, sizeof(p), "$.cpu_models.properties", i), &s))) {
            return rc;
        }
        g_hash_table_add(set->cpu_props, (gpointer)s);
    }
    return 0;
}

bool vmc_machine_types_has_cpu_models(const vmc_machine_types *set)
{
    return set && set->cpu_models;
}

const vmc_cpu_model *vmc_machine_types_cpu_model(const vmc_machine_types *set, const char *name)
{
    return set && set->cpu_models && name ? g_hash_table_lookup(set->cpu_models, name) : NULL;
}

size_t vmc_machine_types_cpu_model_count(const vmc_machine_types *set)
{
    return set && set->cpu_model_list ? set->cpu_model_list->len : 0;
}

const vmc_cpu_model *vmc_machine_types_cpu_model_at(const vmc_machine_types *set, size_t i)
{
    return i < vmc_machine_types_cpu_model_count(set) ? set->cpu_model_list->pdata[i] : NULL;
}

int vmc_machine_types_device_known(const vmc_machine_types *set, const char *name)
{
    if (!set || !set->device_types || !name) {
        return -1;
    }
    return g_hash_table_contains(set->device_types, name) ? 1 : 0;
}

bool vmc_machine_types_cpu_property(const vmc_machine_types *set, const char *name)
{
    return set && set->cpu_props && name && g_hash_table_contains(set->cpu_props, name);
}

static int parse_root(mt_ctx *c, json_object *root)
{
    static const char *const keys[] = { "$schema", "format", "format_version", "qemu",
                                        "provenance", "compat_sets", "accel_compat_props",
                                        "machines", "types", "absent_types", "cpu_models",
                                        "device_types", NULL };
    vmc_machine_types *set = c->set;
    int rc = check_members(c, root, "$", keys);
    if (rc) {
        return rc;
    }
    json_object *fmt = member(root, "format");
    if (!fmt || !json_object_is_type(fmt, json_type_string) ||
        strcmp(json_object_get_string(fmt), MT_FORMAT) != 0) {
        return bad(c, "$.format", "not a machine-type table file (format must be \"%s\")",
                   MT_FORMAT);
    }
    json_object *ver = member(root, "format_version");
    if (!ver || !json_object_is_type(ver, json_type_int)) {
        return bad(c, "$.format_version", "expected an integer");
    }
    if (json_object_get_int64(ver) != MT_FORMAT_VERSION) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "$.format_version",
                             "%s: format_version %lld is not supported (this vmcompat reads %d)",
                             c->name, (long long)json_object_get_int64(ver), MT_FORMAT_VERSION);
    }
    json_object *q = member(root, "qemu");
    if (q) {
        static const char *const qk[] = { "version", "package", "binary", "target", NULL };
        if ((rc = check_members(c, q, "$.qemu", qk)) ||
            (rc = get_string(c, member(q, "version"), "$.qemu.version", true, &set->version)) ||
            (rc = get_string(c, member(q, "package"), "$.qemu.package", true, &set->package)) ||
            (rc = get_string(c, member(q, "binary"), "$.qemu.binary", true, &set->binary)) ||
            (rc = get_string(c, member(q, "target"), "$.qemu.target", true, &set->target))) {
            return rc;
        }
    }
    json_object *sets = member(root, "compat_sets");
    if (sets) {
        if (!json_object_is_type(sets, json_type_object)) {
            return bad(c, "$.compat_sets", "expected an object");
        }
        json_object_object_foreach(sets, sname, arr) {
            char p[512];
            path_name(p, sizeof(p), "$.compat_sets", sname);
            if (!json_object_is_type(arr, json_type_array)) {
                return bad(c, p, "expected an array");
            }
        }
    }
    json_object *absent = member(root, "absent_types");
    if (absent) {
        if (!json_object_is_type(absent, json_type_array)) {
            return bad(c, "$.absent_types", "expected an array");
        }
        for (size_t i = 0; i < json_object_array_length(absent); i++) {
            char p[512];
            const char *s;
            if ((rc = get_name(c, json_object_array_get_idx(absent, i),
                               path_index(p, sizeof(p), "$.absent_types", i), &s))) {
                return rc;
            }
            g_hash_table_insert(set->absent, (gpointer)s, (gpointer)s);
        }
    }
    json_object *types = member(root, "types");
    if (types && (rc = parse_types(c, types))) {
        return rc;
    }
    json_object *cpus = member(root, "cpu_models");
    if (cpus && (rc = parse_cpu_models(c, cpus))) {
        return rc;
    }
    json_object *devs = member(root, "device_types");
    if (devs) {
        if (!json_object_is_type(devs, json_type_array)) {
            return bad(c, "$.device_types", "expected an array");
        }
        set->device_types = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t i = 0; i < json_object_array_length(devs); i++) {
            char p[512];
            const char *s;
            if ((rc = get_name(c, json_object_array_get_idx(devs, i),
                               path_index(p, sizeof(p), "$.device_types", i), &s))) {
                return rc;
            }
            g_hash_table_add(set->device_types, (gpointer)s);
        }
    }
    json_object *accels = member(root, "accel_compat_props");
    if (accels && (rc = parse_accels(c, accels))) {
        return rc;
    }
    json_object *machines = member(root, "machines");
    if (!machines) {
        return bad(c, "$", "missing member \"machines\"");
    }
    return parse_machines(c, machines, sets);
}

static vmc_machine_types *set_new(const char *source)
{
    vmc_machine_types *set = calloc(1, sizeof(*set));
    if (!set) {
        return NULL;
    }
    g_mutex_init(&set->props_lock);
    set->arena = vmc_arena_new();
    set->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    set->by_alias = g_hash_table_new(g_str_hash, g_str_equal);
    set->type_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    set->absent = g_hash_table_new(g_str_hash, g_str_equal);
    if (!set->arena) {
        vmc_machine_types_free(set);
        return NULL;
    }
    set->source = vmc_arena_strdup(set->arena, source);
    return set;
}

void vmc_machine_types_free(vmc_machine_types *set)
{
    if (!set) {
        return;
    }
    if (set->by_name) {
        g_hash_table_destroy(set->by_name);
    }
    if (set->by_alias) {
        g_hash_table_destroy(set->by_alias);
    }
    if (set->type_by_name) {
        g_hash_table_destroy(set->type_by_name);
    }
    if (set->absent) {
        g_hash_table_destroy(set->absent);
    }
    if (set->cpu_models) {
        g_hash_table_destroy(set->cpu_models);
    }
    if (set->cpu_props) {
        g_hash_table_destroy(set->cpu_props);
    }
    if (set->cpu_model_list) {
        g_ptr_array_free(set->cpu_model_list, TRUE);
    }
    if (set->device_types) {
        g_hash_table_destroy(set->device_types);
    }
    vmc_arena_free(set->arena);
    g_mutex_clear(&set->props_lock);
    free(set);
}

int vmc_machine_types_parse(vmc_machine_types **out, const char *json, size_t len,
                            const char *name)
{
    if (!out || (!json && len)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_machine_types_parse: bad argument");
    }
    *out = NULL;
    if (!name) {
        name = "machine-type tables";
    }
    if (len > VMC_MACHINE_TABLES_MAX_BYTES) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "%s: %zu bytes exceed the limit of %u",
                             name, len, VMC_MACHINE_TABLES_MAX_BYTES);
    }
    json_tokener *tok = json_tokener_new_ex(MT_JSON_DEPTH);
    if (!tok) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *root = json_tokener_parse_ex(tok, json ? json : "", (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        json_object_put(root);
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL, "%s: invalid JSON at byte %zu: %s", name,
                             used,
                             jerr == json_tokener_continue || jerr == json_tokener_success
                                 ? "unexpected end of input"
                                 : json_tokener_error_desc(jerr));
    }
    for (size_t i = used; i < len; i++) {
        if (json[i] != ' ' && json[i] != '\n' && json[i] != '\r' && json[i] != '\t') {
            json_object_put(root);
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "%s: trailing data after the JSON document at byte %zu", name, i);
        }
    }
    vmc_machine_types *set = set_new(name);
    if (!set) {
        json_object_put(root);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    mt_ctx c = { .set = set, .name = name };
    int rc = parse_root(&c, root);
    json_object_put(root);
    if (rc) {
        vmc_machine_types_free(set);
        return rc;
    }
    *out = set;
    return 0;
}

/* Read a whole file (gzip or plain, "-" = stdin) up to max bytes. */
static int read_file(const char *path, size_t max, char **buf, size_t *len)
{
    gzFile f = strcmp(path, "-") == 0 ? gzdopen(0, "rb") : gzopen(path, "rb");
    if (!f) {
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot open %s: %s", path,
                             errno ? strerror(errno) : "out of memory");
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    if (!b) {
        gzclose(f);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(b);
                gzclose(f);
                return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                     "%s: larger than the limit of %zu bytes", path, max);
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                gzclose(f);
                return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            }
            b = nb;
            cap *= 2;
        }
        int r = gzread(f, b + n, (unsigned)(cap - n));
        if (r < 0) {
            int zerr;
            const char *msg = gzerror(f, &zerr);
            char tmp[256];
            snprintf(tmp, sizeof(tmp), "%s", zerr == Z_ERRNO ? strerror(errno) : msg);
            free(b);
            gzclose(f);
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot read %s: %s", path, tmp);
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    gzclose(f);
    if (n > max) {
        free(b);
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "%s: larger than the limit of %zu bytes",
                             path, max);
    }
    *buf = b;
    *len = n;
    return 0;
}

int vmc_machine_types_load_file(vmc_machine_types **out, const char *path)
{
    if (!out || !path) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "vmc_machine_types_load_file: bad argument");
    }
    *out = NULL;
    char *buf;
    size_t len;
    int rc = read_file(path, VMC_MACHINE_TABLES_MAX_BYTES, &buf, &len);
    if (rc) {
        return rc;
    }
    rc = vmc_machine_types_parse(out, buf, len, strcmp(path, "-") == 0 ? "<stdin>" : path);
    free(buf);
    return rc;
}

int vmc_machine_types_load_builtin(vmc_machine_types **out)
{
    if (!out) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "vmc_machine_types_load_builtin: bad argument");
    }
    *out = NULL;
    const char *text;
    size_t len;
    bool embedded;
    char *to_free = NULL;
    int rc = mt_builtin_text(&text, &len, &embedded, &to_free);
    if (rc) {
        return rc;
    }
    rc = vmc_machine_types_parse(out, text, len, "built-in");
    free(to_free);
    return rc;
}
