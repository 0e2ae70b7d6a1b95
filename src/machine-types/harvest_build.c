/*
 * From observations to machine-type tables (docs/machine-types.md,
 * "Harvested tables").
 *
 * The (driver, property) pairs the tables speak about come from the
 * reference tables' global properties (and, on QEMU 9.1+, from the binary's
 * own compat-props).  An observed object of type T answers for the pair of
 * the nearest QOM ancestor-or-self D of T the universe names with that
 * property (the driver a -global or compat property on D would reach it
 * through).
 *
 * types: property defaults from qom-list-properties (class); without one,
 * the value on the reference machine (the default machine type, else the
 * newest of a family) as "instance" (or "cpu-model-expansion"); abstract
 * types from their subtypes.  "realized" per family: what the newest
 * machine type of the family shows when it differs from the default (it has
 * no compat properties, so realize made the difference).
 *
 * machines: where query-machines gives compat-props (9.1+), exactly those.
 * Otherwise a compat property (D, P, value) for every pair whose observers
 * on that machine type show a value the tables would not predict without
 * it; then every observation is checked against the tables (the library's
 * own evaluation) and a value still not reproduced gets an entry on its
 * concrete type.  What remains is reported as a mismatch.
 */
#include "machine-types/harvest_internal.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void jput(void *p)
{
    json_object_put(p);
}

#define KEYSEP "\x1f"

typedef struct bctx {
    const hv_info *info;
    GPtrArray *obs;             /* hv_machine_obs* */
    GHashTable *u_set;          /* "D\x1fP" */
    GPtrArray *u_list;          /* hv_pair*, deduplicated */
    GHashTable *newest;         /* family -> machine name */
    GHashTable *scope;          /* types in the types section */
    json_object *types;         /* the types section */
    bool exact;                 /* compat-props from QEMU */
} bctx;

void hv_pair_free(void *p)
{
    hv_pair *x = p;
    if (x) {
        g_free(x->driver);
        g_free(x->property);
        g_free(x);
    }
}

static char *pkey(const char *d, const char *p)
{
    return g_strconcat(d, KEYSEP, p, NULL);
}

GPtrArray *hv_universe_from_tables(const vmc_machine_types *set)
{
    GPtrArray *u = g_ptr_array_new_with_free_func(hv_pair_free);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < vmc_machine_types_count(set); i++) {
        vmc_machine_setup *s = NULL;
        if (vmc_machine_setup_new(&s, vmc_machine_types_get(set, i), "tcg") &&
            vmc_machine_setup_new(&s, vmc_machine_types_get(set, i), NULL)) {
            continue;
        }
        for (size_t k = 0; k < vmc_machine_setup_count(s); k++) {
            const vmc_compat_prop *p = vmc_machine_setup_get(s, k);
            char *key = pkey(p->driver, p->property);
            if (g_hash_table_contains(seen, key)) {
                g_free(key);
                continue;
            }
            g_hash_table_add(seen, key);
            hv_pair *x = g_new0(hv_pair, 1);
            x->driver = g_strdup(p->driver);
            x->property = g_strdup(p->property);
            g_ptr_array_add(u, x);
        }
        vmc_machine_setup_free(s);
    }
    g_hash_table_destroy(seen);
    return u;
}

void hv_build_result_clear(hv_build_result *r)
{
    json_object_put(r->tables);
    json_object_put(r->report);
    json_object_put(r->unobserved);
    json_object_put(r->absent);
    memset(r, 0, sizeof(*r));
}

/* ---- helpers ---------------------------------------------------------------- */

static const char *parent_of(const bctx *b, const char *t)
{
    const char *p = g_hash_table_lookup(b->info->parent, t);
    return p && *p ? p : NULL;
}

/* The universe driver an object of type t answers for property p, or NULL. */
static const char *nearest(const bctx *b, const char *t, const char *p)
{
    char key[512];
    for (int guard = 0; t && guard < 64; guard++, t = parent_of(b, t)) {
        snprintf(key, sizeof(key), "%s" KEYSEP "%s", t, p);
        if (g_hash_table_contains(b->u_set, key)) {
            return t;
        }
    }
    return NULL;
}

static bool is_abstract(const bctx *b, const char *t)
{
    return g_hash_table_contains(b->info->abstract, t);
}

static json_object *qlp_entry(const bctx *b, const char *t, const char *p)
{
    json_object *arr = g_hash_table_lookup(b->info->qlp, t);
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *e = json_object_array_get_idx(arr, i), *n;
        if (json_object_object_get_ex(e, "name", &n) && strcmp(json_object_get_string(n), p) == 0) {
            return e;
        }
    }
    return NULL;
}

static const char *qlp_type(const bctx *b, const char *t, const char *p)
{
    json_object *e = qlp_entry(b, t, p), *v;
    return e && json_object_object_get_ex(e, "type", &v) ? json_object_get_string(v) : NULL;
}

static json_object *qlp_default(const bctx *b, const char *t, const char *p)
{
    json_object *e = qlp_entry(b, t, p), *v;
    return e && json_object_object_get_ex(e, "default-value", &v) ? v : NULL;
}

static bool is_scalar(json_object *v)
{
    json_type t = json_object_get_type(v);
    return t == json_type_boolean || t == json_type_int || t == json_type_double ||
           t == json_type_string;
}

static const hv_object *obs_object(const hv_machine_obs *o, const char *type)
{
    return g_hash_table_lookup(o->by_type, type);
}

static json_object *obs_value(const hv_object *ob, const char *p)
{
    json_object *v;
    return ob && json_object_object_get_ex(ob->props, p, &v) && is_scalar(v) ? v : NULL;
}

static const char *obs_ptype(const hv_object *ob, const char *p)
{
    json_object *v;
    return ob && json_object_object_get_ex(ob->ptypes, p, &v) ? json_object_get_string(v) : NULL;
}

static const hv_machine_info *minfo(const bctx *b, const char *name)
{
    return hv_info_machine(b->info, name);
}

static const hv_machine_obs *obs_named(const bctx *b, const char *name)
{
    for (guint i = 0; i < b->obs->len; i++) {
        const hv_machine_obs *o = g_ptr_array_index(b->obs, i);
        if (strcmp(o->name, name) == 0) {
            return o;
        }
    }
    return NULL;
}

/* Text of a value as the tables' canonical form (NULL when not scalar). */
static char *canon(json_object *v, const char *type)
{
    return v && is_scalar(v) ? hv_value_text(v, type) : NULL;
}

static bool same_value(json_object *a, json_object *b2, const char *type)
{
    char *x = canon(a, type), *y = canon(b2, type);
    bool eq = x && y && strcmp(x, y) == 0;
    g_free(x);
    g_free(y);
    return eq;
}

/* ---- scope and types --------------------------------------------------------- */

static void add_with_ancestors(bctx *b, const char *t)
{
    for (int guard = 0; t && guard < 64; guard++, t = parent_of(b, t)) {
        if (!g_hash_table_contains(b->info->parent, t) || g_hash_table_contains(b->scope, t)) {
            return;
        }
        g_hash_table_add(b->scope, g_strdup(t));
    }
}

/* The machine whose value stands for an instance default of type t. */
static const hv_object *reference_object(const bctx *b, const char *t)
{
    const char *dm = b->info->default_machine;
    const hv_machine_obs *o = dm ? obs_named(b, dm) : NULL;
    if (o && obs_object(o, t)) {
        return obs_object(o, t);
    }
    for (guint i = 0; i < b->info->machines->len; i++) {
        const hv_machine_info *m = g_ptr_array_index(b->info->machines, i);
        const char *nw = m->family ? g_hash_table_lookup(b->newest, m->family) : NULL;
        if (nw && strcmp(nw, m->name) == 0 && (o = obs_named(b, m->name)) && obs_object(o, t)) {
            return obs_object(o, t);
        }
    }
    for (guint i = 0; i < b->info->machines->len; i++) {
        const hv_machine_info *m = g_ptr_array_index(b->info->machines, i);
        if ((o = obs_named(b, m->name)) && obs_object(o, t)) {
            return obs_object(o, t);
        }
    }
    return NULL;
}

static bool observed_anywhere(const bctx *b, const char *t, const char *p)
{
    for (guint i = 0; i < b->obs->len; i++) {
        if (obs_value(obs_object(g_ptr_array_index(b->obs, i), t), p)) {
            return true;
        }
    }
    return false;
}

/* Specification of property p of a concrete type t (NULL: not a property). */
static json_object *concrete_spec(const bctx *b, const char *t, const char *p)
{
    const hv_object *ref = reference_object(b, t);
    const char *type = qlp_type(b, t, p);
    if (!type) {
        type = obs_ptype(ref, p);
    }
    for (guint i = 0; !type && i < b->obs->len; i++) {
        type = obs_ptype(obs_object(g_ptr_array_index(b->obs, i), t), p);
    }
    if (!type) {
        return NULL;
    }
    json_object *spec = json_object_new_object();
    json_object_object_add(spec, "type", json_object_new_string(type));
    bool seen = observed_anywhere(b, t, p);
    if (!seen && !b->exact) {
        /* never observed: its value per machine type is unknown */
        return spec;
    }
    json_object *def = qlp_default(b, t, p);
    const char *from = "class";
    if (g_hash_table_contains(b->info->cpu_models, t) && obs_value(ref, p)) {
        /* CPU models: the expansion (features fill in min-level, xlevel ...) */
        def = NULL;
    }
    if (!def && obs_value(ref, p)) {
        def = obs_value(ref, p);
        from = strcmp(ref->source, "cpu-model-expansion") == 0 ? "cpu-model-expansion" : "instance";
    }
    if (!def) {
        return spec;
    }
    json_object_object_add(spec, "default", json_object_get(def));
    json_object_object_add(spec, "default_from", json_object_new_string(from));
    /* realized values: the newest machine type of each family */
    json_object *fam = json_object_new_object();
    size_t nfam = 0, ndiff = 0;
    char *first = NULL;
    bool all_same = true;
    GList *fams = g_hash_table_get_keys(b->newest);
    fams = g_list_sort(fams, (GCompareFunc)strcmp);
    for (GList *l = fams; l; l = l->next) {
        const hv_machine_obs *o = obs_named(b, g_hash_table_lookup(b->newest, l->data));
        json_object *v = o ? obs_value(obs_object(o, t), p) : NULL;
        if (!v) {
            continue;
        }
        nfam++;
        char *c = canon(v, type);
        if (!same_value(v, def, type)) {
            ndiff++;
            json_object_object_add(fam, l->data, json_object_get(v));
            if (!first) {
                first = g_strdup(c);
            } else if (!c || strcmp(first, c) != 0) {
                all_same = false;
            }
        }
        g_free(c);
    }
    g_list_free(fams);
    if (ndiff && ndiff == nfam && all_same) {
        json_object_iter it;
        json_object_object_foreachC(fam, it) {
            json_object_object_add(spec, "realized", json_object_get(it.val));
            break;
        }
        json_object_put(fam);
    } else if (ndiff) {
        json_object_object_add(spec, "realized", fam);
    } else {
        json_object_put(fam);
    }
    g_free(first);
    return spec;
}

/* Abstract types: class default, else the concrete subtypes' defaults. */
static json_object *abstract_spec(const bctx *b, const char *t, const char *p, GHashTable *specs)
{
    const char *type = qlp_type(b, t, p);
    json_object *def = qlp_default(b, t, p);
    GPtrArray *vals = g_ptr_array_new();
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, specs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *sub = k;
        json_object *ps = v, *sp, *d;
        if (is_abstract(b, sub) || !hv_info_is_a(b->info, sub, t) ||
            !json_object_object_get_ex(ps, p, &sp)) {
            continue;
        }
        if (!type) {
            json_object *ty;
            if (json_object_object_get_ex(sp, "type", &ty)) {
                type = json_object_get_string(ty);
            }
        }
        if (json_object_object_get_ex(sp, "default", &d)) {
            g_ptr_array_add(vals, d);
        }
    }
    if (!type) {
        g_ptr_array_free(vals, TRUE);
        return NULL;
    }
    json_object *spec = json_object_new_object();
    json_object_object_add(spec, "type", json_object_new_string(type));
    if (def) {
        json_object_object_add(spec, "default", json_object_get(def));
        json_object_object_add(spec, "default_from", json_object_new_string("class"));
    } else if (vals->len) {
        GPtrArray *uniq = g_ptr_array_new();
        for (guint i = 0; i < vals->len; i++) {
            bool dup = false;
            for (guint j = 0; j < uniq->len && !dup; j++) {
                dup = json_object_equal(g_ptr_array_index(uniq, j), g_ptr_array_index(vals, i));
            }
            if (!dup) {
                g_ptr_array_add(uniq, g_ptr_array_index(vals, i));
            }
        }
        if (uniq->len == 1) {
            json_object_object_add(spec, "default", json_object_get(g_ptr_array_index(uniq, 0)));
            json_object_object_add(spec, "default_from", json_object_new_string("subtypes"));
        } else {
            json_object *arr = json_object_new_array();
            for (guint j = 0; j < uniq->len; j++) {
                json_object_array_add(arr, json_object_get(g_ptr_array_index(uniq, j)));
            }
            json_object_object_add(spec, "varies", arr);
        }
        g_ptr_array_free(uniq, TRUE);
    }
    g_ptr_array_free(vals, TRUE);
    return spec;
}

static gint cmp_depth(gconstpointer a, gconstpointer c, gpointer data)
{
    const bctx *b = data;
    const char *x = *(const char *const *)a, *y = *(const char *const *)c;
    size_t dx = hv_info_depth(b->info, x), dy = hv_info_depth(b->info, y);
    return dx != dy ? (dx < dy ? -1 : 1) : strcmp(x, y);
}

static gint cmp_ci(gconstpointer a, gconstpointer c)
{
    int r = g_ascii_strcasecmp(*(const char *const *)a, *(const char *const *)c);
    return r ? r : strcmp(*(const char *const *)a, *(const char *const *)c);
}

/* Relevant property names of type t: named by the universe on t or an ancestor. */
static GPtrArray *relevant_props(const bctx *b, const char *t)
{
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    json_object *arr = g_hash_table_lookup(b->info->qlp, t);
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        json_object *n;
        if (json_object_object_get_ex(json_object_array_get_idx(arr, i), "name", &n)) {
            g_hash_table_add(names, (gpointer)json_object_get_string(n));
        }
    }
    for (guint i = 0; i < b->obs->len; i++) {
        const hv_object *ob = obs_object(g_ptr_array_index(b->obs, i), t);
        if (ob) {
            json_object_object_foreach(ob->props, k, v) {
                (void)v;
                g_hash_table_add(names, k);
            }
        }
    }
    /* the universe's own pairs on t (abstract types list none themselves) */
    for (guint i = 0; i < b->u_list->len; i++) {
        const hv_pair *p = g_ptr_array_index(b->u_list, i);
        if (strcmp(p->driver, t) == 0) {
            g_hash_table_add(names, p->property);
        }
    }
    GPtrArray *out = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, names);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        if (nearest(b, t, k)) {
            g_ptr_array_add(out, k);
        }
    }
    g_hash_table_destroy(names);
    g_ptr_array_sort(out, (GCompareFunc)cmp_ci);
    return out;
}

static void build_types(bctx *b)
{
    /* scope: universe drivers, observed types with relevant properties, ancestors */
    for (guint i = 0; i < b->u_list->len; i++) {
        add_with_ancestors(b, ((hv_pair *)g_ptr_array_index(b->u_list, i))->driver);
    }
    for (guint i = 0; i < b->obs->len; i++) {
        const hv_machine_obs *o = g_ptr_array_index(b->obs, i);
        for (guint k = 0; k < o->objects->len; k++) {
            const hv_object *ob = g_ptr_array_index(o->objects, k);
            bool rel = false;
            json_object_object_foreach(ob->props, name, v) {
                (void)v;
                if (!rel && nearest(b, ob->type, name)) {
                    rel = true;
                }
            }
            if (rel) {
                add_with_ancestors(b, ob->type);
            }
        }
    }
    GPtrArray *order = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, b->scope);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        g_ptr_array_add(order, k);
    }
    /* concrete types first (abstract ones summarize them), then by depth */
    GHashTable *specs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                              jput);
    for (guint i = 0; i < order->len; i++) {
        const char *t = g_ptr_array_index(order, i);
        if (is_abstract(b, t)) {
            continue;
        }
        json_object *ps = json_object_new_object();
        GPtrArray *props = relevant_props(b, t);
        for (guint j = 0; j < props->len; j++) {
            json_object *s = concrete_spec(b, t, g_ptr_array_index(props, j));
            if (s) {
                json_object_object_add(ps, g_ptr_array_index(props, j), s);
            }
        }
        g_ptr_array_free(props, TRUE);
        g_hash_table_insert(specs, (gpointer)t, ps);
    }
    for (guint i = 0; i < order->len; i++) {
        const char *t = g_ptr_array_index(order, i);
        if (!is_abstract(b, t)) {
            continue;
        }
        json_object *ps = json_object_new_object();
        GPtrArray *props = relevant_props(b, t);
        for (guint j = 0; j < props->len; j++) {
            json_object *s = abstract_spec(b, t, g_ptr_array_index(props, j), specs);
            if (s) {
                json_object_object_add(ps, g_ptr_array_index(props, j), s);
            }
        }
        g_ptr_array_free(props, TRUE);
        g_hash_table_insert(specs, (gpointer)t, ps);
    }
    /* drop what a type inherits unchanged, ancestors first */
    g_ptr_array_sort_with_data(order, cmp_depth, b);
    GHashTable *final = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < order->len; i++) {
        const char *t = g_ptr_array_index(order, i);
        json_object *ps = g_hash_table_lookup(specs, t);
        json_object *keep = json_object_new_object();
        json_object_object_foreach(ps, p, s) {
            json_object *inh = NULL;
            for (const char *a = parent_of(b, t); a && !inh; a = parent_of(b, a)) {
                json_object *fa = g_hash_table_lookup(final, a), *x;
                if (fa && json_object_object_get_ex(fa, p, &x)) {
                    inh = x;
                }
            }
            if (inh && json_object_equal(inh, s)) {
                continue;
            }
            json_object_object_add(keep, p, json_object_get(s));
        }
        g_hash_table_insert(final, (gpointer)t, keep);
    }
    g_ptr_array_sort(order, (GCompareFunc)cmp_ci);
    b->types = json_object_new_object();
    for (guint i = 0; i < order->len; i++) {
        const char *t = g_ptr_array_index(order, i);
        json_object *e = json_object_new_object();
        const char *par = parent_of(b, t);
        json_object_object_add(e, "parent", par ? json_object_new_string(par) : NULL);
        if (is_abstract(b, t)) {
            json_object_object_add(e, "abstract", json_object_new_boolean(1));
        }
        json_object *keep = g_hash_table_lookup(final, t);
        if (json_object_object_length(keep)) {
            json_object_object_add(e, "properties", json_object_get(keep));
        }
        json_object_object_add(b->types, t, e);
    }
    GHashTableIter fi;
    gpointer fv;
    g_hash_table_iter_init(&fi, final);
    while (g_hash_table_iter_next(&fi, NULL, &fv)) {
        json_object_put(fv);
    }
    g_hash_table_destroy(final);
    g_hash_table_destroy(specs);
    g_ptr_array_free(order, TRUE);
}

/* ---- machines ---------------------------------------------------------------- */

static json_object *class_fields(const hv_machine_info *m)
{
    json_object *c = json_object_new_object();
    json_object_object_add(c, "desc", json_object_new_string(m->desc ? m->desc : ""));
    json_object_object_add(c, "family", m->family ? json_object_new_string(m->family) : NULL);
    json_object_object_add(c, "alias", m->alias ? json_object_new_string(m->alias) : NULL);
    json_object_object_add(c, "is_default", json_object_new_boolean(m->is_default));
    json_object_object_add(c, "deprecation_reason",
                           m->deprecated
                               ? json_object_new_string("deprecated (QEMU does not report the reason)")
                               : NULL);
    if (m->has_cpu_max && m->cpu_max >= 1) {
        json_object_object_add(c, "max_cpus", json_object_new_int64(m->cpu_max));
    }
    if (m->hotpluggable_cpus >= 0) {
        json_object_object_add(c, "has_hotpluggable_cpus",
                               json_object_new_boolean(m->hotpluggable_cpus));
    }
    if (m->numa_mem_supported >= 0) {
        json_object_object_add(c, "numa_mem_supported",
                               json_object_new_boolean(m->numa_mem_supported));
    }
    json_object_object_add(c, "default_cpu_type",
                           m->default_cpu_type ? json_object_new_string(m->default_cpu_type) : NULL);
    if (m->default_ram_id) {
        json_object_object_add(c, "default_ram_id", json_object_new_string(m->default_ram_id));
    }
    return c;
}

static json_object *entry(const char *d, const char *p, const char *v)
{
    json_object *e = json_object_new_object();
    json_object_object_add(e, "driver", json_object_new_string(d));
    json_object_object_add(e, "property", json_object_new_string(p));
    json_object_object_add(e, "value", json_object_new_string(v));
    return e;
}

static json_object *make_doc(const bctx *b, GHashTable *entries /* name -> json array */)
{
    const hv_info *i = b->info;
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "format", json_object_new_string("vmcompat-machine-types"));
    json_object_object_add(doc, "format_version", json_object_new_int(1));
    json_object *q = json_object_new_object();
    json_object_object_add(q, "version", json_object_new_string(i->version));
    json_object_object_add(q, "package", i->package ? json_object_new_string(i->package) : NULL);
    json_object_object_add(q, "binary", json_object_new_string(i->binary));
    json_object_object_add(q, "target", i->target ? json_object_new_string(i->target) : NULL);
    json_object_object_add(doc, "qemu", q);
    json_object *prov = json_object_new_array();
    json_object_array_add(prov, json_object_new_string(
        "harvested by vmcompat harvest with -accel tcg -nodefaults from the binary itself"));
    json_object_array_add(prov, json_object_new_string(
        b->exact ? "machines: query-machines (names, aliases, default, deprecated, cpu-max, "
                   "compat-props in QEMU's order), -machine help (descriptions)"
                 : "machines: query-machines (names, aliases, default, deprecated, cpu-max), "
                   "-machine help (descriptions); compat_props derived from the property values "
                   "observed on each machine type (qom-get, query-cpu-model-expansion, info "
                   "qtree) for the (driver, property) pairs of the reference tables; this QEMU "
                   "does not report compat properties (query-machines compat-props: 9.1+)"));
    json_object_array_add(prov, json_object_new_string(
        "types: qom-list-types (parents), qom-list-properties (types, class defaults), values "
        "observed on the default or newest machine type (instance defaults), the newest machine "
        "type of each family (realized values)"));
    json_object_object_add(doc, "provenance", prov);
    json_object_object_add(doc, "compat_sets", json_object_new_object());
    json_object *acc = json_object_new_object();
    json_object_object_add(acc, "tcg", json_object_new_array());
    json_object_object_add(doc, "accel_compat_props", acc);
    json_object *ms = json_object_new_array();
    for (guint k = 0; k < i->machines->len; k++) {
        const hv_machine_info *m = g_ptr_array_index(i->machines, k);
        const hv_machine_obs *o = obs_named(b, m->name);
        if (!o) {
            continue;
        }
        json_object *e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(m->name));
        char *qt = o->qom_type ? g_strdup(o->qom_type) : g_strconcat(m->name, "-machine", NULL);
        json_object_object_add(e, "qom_type", json_object_new_string(qt));
        g_free(qt);
        json_object_object_add(e, "modelled", json_object_new_string("partial"));
        json_object *cp = entries ? g_hash_table_lookup(entries, m->name) : NULL;
        json_object_object_add(e, "compat_props", cp ? json_object_get(cp) : json_object_new_array());
        json_object_object_add(e, "class", class_fields(m));
        json_object_array_add(ms, e);
    }
    json_object_object_add(doc, "machines", ms);
    json_object_object_add(doc, "types", json_object_get(b->types));
    json_object *abs = json_object_new_array();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint k = 0; k < b->u_list->len; k++) {
        const hv_pair *p = g_ptr_array_index(b->u_list, k);
        if (!g_hash_table_contains(i->parent, p->driver) && !g_hash_table_contains(seen, p->driver)) {
            g_hash_table_add(seen, p->driver);
            json_object_array_add(abs, json_object_new_string(p->driver));
        }
    }
    g_hash_table_destroy(seen);
    json_object_object_add(doc, "absent_types", abs);
    if (i->cpu_model_table) {
        json_object_object_add(doc, "cpu_models", json_object_get(i->cpu_model_table));
    }
    if (i->device_bus && g_hash_table_size(i->device_bus)) {
        /* every -device name of the binary (`-device help`), sorted */
        GList *names = g_list_sort(g_hash_table_get_keys(i->device_bus), (GCompareFunc)strcmp);
        json_object *dt = json_object_new_array();
        for (GList *l = names; l; l = l->next) {
            json_object_array_add(dt, json_object_new_string(l->data));
        }
        g_list_free(names);
        json_object_object_add(doc, "device_types", dt);
    }
    return doc;
}

static int parse_doc(vmc_machine_types **set, json_object *doc)
{
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE);
    return vmc_machine_types_parse(set, text, strlen(text), "harvested tables");
}

/* What the tables say QEMU reports for t.p on machine s (NULL when unknown). */
static const char *predicted(vmc_machine_setup *s, const char *t, const char *p)
{
    vmc_prop_value v;
    if (vmc_machine_setup_value(s, t, p, &v) != 0) {
        return NULL;
    }
    return v.realized ? v.realized : v.value;
}

/* One observation of a relevant pair on a machine. */
typedef struct obsv {
    const char *type;
    const char *prop;
    char *text;        /* canonical observed value */
} obsv;

static void obsv_free(void *p)
{
    obsv *o = p;
    g_free(o->text);
    g_free(o);
}

/* Observations of machine o grouped by "D\x1fP" (nearest universe driver). */
static GHashTable *group_obs(const bctx *b, const hv_machine_obs *o)
{
    GHashTable *g = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)g_ptr_array_unref);
    for (guint k = 0; k < o->objects->len; k++) {
        const hv_object *ob = g_ptr_array_index(o->objects, k);
        json_object_object_foreach(ob->props, p, v) {
            const char *d = nearest(b, ob->type, p);
            if (!d || !is_scalar(v)) {
                continue;
            }
            const char *pt = obs_ptype(ob, p);
            const char *qt = qlp_type(b, ob->type, p);
            obsv *x = g_new0(obsv, 1);
            x->type = ob->type;
            x->prop = p;
            x->text = canon(v, qt ? qt : pt);
            if (!x->text) {
                g_free(x);
                continue;
            }
            char *key = pkey(d, p);
            GPtrArray *arr = g_hash_table_lookup(g, key);
            if (!arr) {
                arr = g_ptr_array_new_with_free_func(obsv_free);
                g_hash_table_insert(g, key, arr);
            } else {
                g_free(key);
            }
            g_ptr_array_add(arr, x);
        }
    }
    return g;
}

static gint cmp_pairs(gconstpointer a, gconstpointer c, gpointer data)
{
    const bctx *b = data;
    const hv_pair *x = *(const hv_pair *const *)a, *y = *(const hv_pair *const *)c;
    size_t dx = hv_info_depth(b->info, x->driver), dy = hv_info_depth(b->info, y->driver);
    if (dx != dy) {
        return dx < dy ? -1 : 1;
    }
    int r = strcmp(x->driver, y->driver);
    return r ? r : strcmp(x->property, y->property);
}

/* Derived compat properties of one machine against the baseline tables. */
static json_object *derive_entries(const bctx *b, const hv_machine_obs *o, vmc_machine_setup *s,
                                   GHashTable *groups)
{
    json_object *arr = json_object_new_array();
    for (guint k = 0; k < b->u_list->len; k++) {
        const hv_pair *pr = g_ptr_array_index(b->u_list, k);
        char *key = pkey(pr->driver, pr->property);
        GPtrArray *ob = g_hash_table_lookup(groups, key);
        g_free(key);
        if (!ob) {
            continue;
        }
        /* the value most observers show, and whether the tables already give it to them */
        size_t ndiff = 0, best = 0;
        const char *vm = NULL;
        bool vm_differs = false;
        for (guint i = 0; i < ob->len; i++) {
            const obsv *x = g_ptr_array_index(ob, i);
            const char *pv = predicted(s, x->type, x->prop);
            bool differs = !pv || strcmp(pv, x->text) != 0;
            ndiff += differs;
            size_t cnt = 0;
            bool all_differ = true;
            for (guint j = 0; j < ob->len; j++) {
                const obsv *y = g_ptr_array_index(ob, j);
                if (strcmp(y->text, x->text) == 0) {
                    const char *py = predicted(s, y->type, y->prop);
                    cnt++;
                    all_differ = all_differ && (!py || strcmp(py, y->text) != 0);
                }
            }
            /* ties: keep what the tables already give */
            if (cnt > best || (cnt == best && vm_differs && !all_differ)) {
                best = cnt;
                vm = x->text;
                vm_differs = all_differ;
            }
        }
        if (!ndiff) {
            continue;
        }
        if (best == ob->len || vm_differs) {
            /* all observers agree, or the value most show is new to all of them:
             * one entry on the universe driver; the verification pass gives
             * observers that show another value an entry of their own */
            json_object_array_add(arr, entry(pr->driver, pr->property, vm));
            continue;
        }
        for (guint i = 0; i < ob->len; i++) {
            const obsv *x = g_ptr_array_index(ob, i);
            const char *pv = predicted(s, x->type, x->prop);
            if (!pv || strcmp(pv, x->text) != 0) {
                json_object_array_add(arr, entry(x->type, x->prop, x->text));
            }
        }
    }
    (void)o;
    return arr;
}

/* Observations the tables do not reproduce: array of {driver, property, observed, predicted}. */
static json_object *verify(const bctx *b, vmc_machine_setup *s, GHashTable *groups)
{
    json_object *mm = json_object_new_array();
    GList *keys = g_hash_table_get_keys(groups);
    keys = g_list_sort(keys, (GCompareFunc)strcmp);
    for (GList *l = keys; l; l = l->next) {
        GPtrArray *ob = g_hash_table_lookup(groups, l->data);
        for (guint i = 0; i < ob->len; i++) {
            const obsv *x = g_ptr_array_index(ob, i);
            const char *pv = predicted(s, x->type, x->prop);
            if (pv && strcmp(pv, x->text) == 0) {
                continue;
            }
            json_object *e = json_object_new_object();
            json_object_object_add(e, "driver", json_object_new_string(x->type));
            json_object_object_add(e, "property", json_object_new_string(x->prop));
            json_object_object_add(e, "observed", json_object_new_string(x->text));
            json_object_object_add(e, "predicted", pv ? json_object_new_string(pv) : NULL);
            json_object_array_add(mm, e);
        }
    }
    g_list_free(keys);
    (void)b;
    return mm;
}

static int setup_for(vmc_machine_setup **s, const vmc_machine_types *set, const char *name)
{
    const vmc_machine_type *mt;
    int rc = vmc_machine_type_find(&mt, set, name);
    return rc ? rc : vmc_machine_setup_new(s, mt, "tcg");
}

/* Non-universe properties whose value differs from the family's newest machine. */
static json_object *other_differences(const bctx *b, const hv_machine_obs *o)
{
    static const char *const identity[] = { "addr", "mac", "chassis", "slot", "port", "serial",
                                            "hotplugged", "realized", "bootindex", NULL };
    json_object *arr = json_object_new_array();
    const hv_machine_info *m = minfo(b, o->name);
    const char *nw = m && m->family ? g_hash_table_lookup(b->newest, m->family) : NULL;
    const hv_machine_obs *ref = nw && strcmp(nw, o->name) != 0 ? obs_named(b, nw) : NULL;
    if (!ref) {
        return arr;
    }
    for (guint k = 0; k < o->objects->len; k++) {
        const hv_object *ob = g_ptr_array_index(o->objects, k);
        const hv_object *rb = obs_object(ref, ob->type);
        if (!rb || strcmp(ob->path, "/machine") == 0) {
            continue;
        }
        json_object_object_foreach(ob->props, p, v) {
            bool id = false;
            for (const char *const *n = identity; *n && !id; n++) {
                id = strcmp(*n, p) == 0;
            }
            json_object *rv = obs_value(rb, p);
            if (id || nearest(b, ob->type, p) || !is_scalar(v) || !rv) {
                continue;
            }
            const char *pt = obs_ptype(ob, p);
            if (same_value(v, rv, pt)) {
                continue;
            }
            json_object *e = json_object_new_object();
            char *a = canon(v, pt), *c = canon(rv, pt);
            json_object_object_add(e, "type", json_object_new_string(ob->type));
            json_object_object_add(e, "property", json_object_new_string(p));
            json_object_object_add(e, "value", json_object_new_string(a ? a : ""));
            json_object_object_add(e, "newest", json_object_new_string(c ? c : ""));
            g_free(a);
            g_free(c);
            json_object_array_add(arr, e);
        }
    }
    return arr;
}

int hv_build_tables(hv_build_result *out, const hv_info *info, GPtrArray *universe, GPtrArray *obs)
{
    memset(out, 0, sizeof(*out));
    bctx b = { .info = info, .obs = obs, .exact = info->has_compat_props };
    b.u_set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    b.u_list = g_ptr_array_new_with_free_func(hv_pair_free);
    b.newest = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    b.scope = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int rc = 0;

    /* universe: reference pairs, plus QEMU's own compat properties */
    GPtrArray *all = g_ptr_array_new();
    for (guint i = 0; universe && i < universe->len; i++) {
        g_ptr_array_add(all, g_ptr_array_index(universe, i));
    }
    GPtrArray *own = g_ptr_array_new_with_free_func(hv_pair_free);
    for (guint i = 0; i < info->machines->len; i++) {
        const hv_machine_info *m = g_ptr_array_index(info->machines, i);
        for (size_t k = 0; m->compat_props && k < json_object_array_length(m->compat_props); k++) {
            json_object *e = json_object_array_get_idx(m->compat_props, k), *d, *p;
            if (json_object_object_get_ex(e, "qom-type", &d) &&
                json_object_object_get_ex(e, "property", &p)) {
                hv_pair *x = g_new0(hv_pair, 1);
                x->driver = g_strdup(json_object_get_string(d));
                x->property = g_strdup(json_object_get_string(p));
                g_ptr_array_add(own, x);
                g_ptr_array_add(all, x);
            }
        }
    }
    for (guint i = 0; i < all->len; i++) {
        const hv_pair *p = g_ptr_array_index(all, i);
        char *key = pkey(p->driver, p->property);
        if (g_hash_table_contains(b.u_set, key)) {
            g_free(key);
            continue;
        }
        g_hash_table_add(b.u_set, key);
        hv_pair *x = g_new0(hv_pair, 1);
        x->driver = g_strdup(p->driver);
        x->property = g_strdup(p->property);
        g_ptr_array_add(b.u_list, x);
    }
    g_ptr_array_free(all, TRUE);
    g_ptr_array_free(own, TRUE);
    g_ptr_array_sort_with_data(b.u_list, cmp_pairs, &b);

    /* newest harvested machine type of each family */
    for (guint i = 0; i < obs->len; i++) {
        const hv_machine_obs *o = g_ptr_array_index(obs, i);
        const hv_machine_info *m = minfo(&b, o->name);
        if (!m || !m->family) {
            continue;
        }
        const char *cur = g_hash_table_lookup(b.newest, m->family);
        if (!cur || hv_machine_version_cmp(o->name, cur) > 0) {
            g_hash_table_replace(b.newest, g_strdup(m->family), g_strdup(o->name));
        }
    }

    build_types(&b);

    GHashTable *entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                jput);
    vmc_machine_types *base = NULL, *set = NULL;
    out->report = json_object_new_object();
    if (b.exact) {
        for (guint i = 0; i < obs->len; i++) {
            const hv_machine_obs *o = g_ptr_array_index(obs, i);
            const hv_machine_info *m = minfo(&b, o->name);
            json_object *arr = json_object_new_array();
            for (size_t k = 0; m && m->compat_props && k < json_object_array_length(m->compat_props);
                 k++) {
                json_object *e = json_object_array_get_idx(m->compat_props, k), *d, *p, *v;
                if (json_object_object_get_ex(e, "qom-type", &d) &&
                    json_object_object_get_ex(e, "property", &p) &&
                    json_object_object_get_ex(e, "value", &v)) {
                    json_object_array_add(arr, entry(json_object_get_string(d),
                                                     json_object_get_string(p),
                                                     json_object_get_string(v)));
                }
            }
            g_hash_table_replace(entries, g_strdup(o->name), arr);
        }
    } else {
        json_object *doc = make_doc(&b, NULL);
        rc = parse_doc(&base, doc);
        json_object_put(doc);
        if (rc) {
            goto out;
        }
        for (guint i = 0; i < obs->len; i++) {
            const hv_machine_obs *o = g_ptr_array_index(obs, i);
            vmc_machine_setup *s = NULL;
            if ((rc = setup_for(&s, base, o->name))) {
                goto out;
            }
            GHashTable *groups = group_obs(&b, o);
            g_hash_table_replace(entries, g_strdup(o->name), derive_entries(&b, o, s, groups));
            g_hash_table_destroy(groups);
            vmc_machine_setup_free(s);
        }
        /* values still not reproduced get an entry on their own type */
        json_object *doc2 = make_doc(&b, entries);
        rc = parse_doc(&set, doc2);
        json_object_put(doc2);
        if (rc) {
            goto out;
        }
        for (guint i = 0; i < obs->len; i++) {
            const hv_machine_obs *o = g_ptr_array_index(obs, i);
            vmc_machine_setup *s = NULL;
            if ((rc = setup_for(&s, set, o->name))) {
                goto out;
            }
            GHashTable *groups = group_obs(&b, o);
            json_object *mm = verify(&b, s, groups);
            json_object *arr = g_hash_table_lookup(entries, o->name);
            for (size_t k = 0; k < json_object_array_length(mm); k++) {
                json_object *e = json_object_array_get_idx(mm, k), *d, *p, *v;
                json_object_object_get_ex(e, "driver", &d);
                json_object_object_get_ex(e, "property", &p);
                json_object_object_get_ex(e, "observed", &v);
                json_object_array_add(arr, entry(json_object_get_string(d),
                                                 json_object_get_string(p),
                                                 json_object_get_string(v)));
            }
            json_object_put(mm);
            g_hash_table_destroy(groups);
            vmc_machine_setup_free(s);
        }
        vmc_machine_types_free(set);
        set = NULL;
    }
    out->tables = make_doc(&b, entries);
    if ((rc = parse_doc(&set, out->tables))) {
        goto out;
    }
    /* final check and the report */
    for (guint i = 0; i < obs->len; i++) {
        const hv_machine_obs *o = g_ptr_array_index(obs, i);
        vmc_machine_setup *s = NULL;
        if ((rc = setup_for(&s, set, o->name))) {
            goto out;
        }
        GHashTable *groups = group_obs(&b, o);
        json_object *mm = verify(&b, s, groups);
        json_object *r = json_object_new_object();
        json_object *arr = g_hash_table_lookup(entries, o->name);
        size_t ncp = arr ? json_object_array_length(arr) : 0;
        out->compat_props += ncp;
        out->mismatches += json_object_array_length(mm);
        json_object_object_add(r, "compat_props", json_object_new_int64((int64_t)ncp));
        json_object_object_add(r, "observed_pairs",
                               json_object_new_int64((int64_t)g_hash_table_size(groups)));
        /* pairs of drivers this binary has that nothing on this machine type showed */
        json_object *un = json_object_new_array();
        for (guint k = 0; k < b.u_list->len; k++) {
            const hv_pair *p = g_ptr_array_index(b.u_list, k);
            char *key = pkey(p->driver, p->property);
            if (g_hash_table_contains(info->parent, p->driver) && !g_hash_table_contains(groups, key)) {
                json_object_array_add(un, json_object_new_string(g_strdelimit(key, KEYSEP, '.')));
            }
            g_free(key);
        }
        json_object_object_add(r, "unobserved_pairs", un);
        json_object_object_add(r, "mismatches", mm);
        json_object_object_add(r, "other_differences", other_differences(&b, o));
        json_object_object_add(out->report, o->name, r);
        g_hash_table_destroy(groups);
        vmc_machine_setup_free(s);
    }
    /* pairs no machine type showed */
    out->unobserved = json_object_new_array();
    out->absent = json_object_new_array();
    for (guint k = 0; k < b.u_list->len; k++) {
        const hv_pair *p = g_ptr_array_index(b.u_list, k);
        if (!g_hash_table_contains(info->parent, p->driver)) {
            continue;
        }
        bool seen = false;
        for (guint i = 0; i < obs->len && !seen; i++) {
            const hv_machine_obs *o = g_ptr_array_index(obs, i);
            for (guint j = 0; j < o->objects->len && !seen; j++) {
                const hv_object *ob = g_ptr_array_index(o->objects, j);
                const char *d = obs_value(ob, p->property) ? nearest(&b, ob->type, p->property)
                                                           : NULL;
                seen = d && strcmp(d, p->driver) == 0;
            }
        }
        if (!seen) {
            json_object *e = json_object_new_object();
            json_object_object_add(e, "driver", json_object_new_string(p->driver));
            json_object_object_add(e, "property", json_object_new_string(p->property));
            /* does the binary have the property at all (on the driver or a subtype)? */
            bool exists = qlp_type(&b, p->driver, p->property) != NULL, known = false;
            GHashTableIter qi;
            gpointer qk;
            g_hash_table_iter_init(&qi, info->qlp);
            while (!exists && g_hash_table_iter_next(&qi, &qk, NULL)) {
                if (hv_info_is_a(info, qk, p->driver)) {
                    known = known || json_object_array_length(g_hash_table_lookup(info->qlp, qk));
                    exists = qlp_type(&b, qk, p->property) != NULL;
                }
            }
            json_object_object_add(e, "reason",
                                   json_object_new_string(exists ? "no object showed it"
                                                          : known ? "property absent from this binary"
                                                                  : "no instance could be made"));
            json_object_array_add(out->unobserved, e);
        }
    }
    json_object *abs;
    if (json_object_object_get_ex(out->tables, "absent_types", &abs)) {
        for (size_t k = 0; k < json_object_array_length(abs); k++) {
            json_object_array_add(out->absent, json_object_get(json_object_array_get_idx(abs, k)));
        }
    }
out:
    vmc_machine_types_free(base);
    vmc_machine_types_free(set);
    g_hash_table_destroy(entries);
    g_hash_table_destroy(b.u_set);
    g_ptr_array_free(b.u_list, TRUE);
    g_hash_table_destroy(b.newest);
    g_hash_table_destroy(b.scope);
    json_object_put(b.types);
    if (rc) {
        hv_build_result_clear(out);
    }
    return rc;
}
