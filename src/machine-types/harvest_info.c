/*
 * The information run of the harvest: what the binary is and has, asked on
 * machine `none` (every QEMU version has it): query-version, query-target,
 * query-machines (with compat-props on QEMU 9.1+), qom-list-types,
 * query-cpu-definitions, `-machine help`, `-device help`, and
 * qom-list-properties of the types the tables will describe.
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

static const char *const base_args[] = { "-accel", "tcg", "-nodefaults", "-no-user-config",
                                         "-display", "none", NULL };

static void machine_info_free(void *p)
{
    hv_machine_info *m = p;
    if (m) {
        g_free(m->name);
        g_free(m->alias);
        g_free(m->desc);
        g_free(m->default_cpu_type);
        g_free(m->default_ram_id);
        g_free(m->family);
        json_object_put(m->compat_props);
        g_free(m);
    }
}

void hv_info_free(hv_info *i)
{
    if (!i) {
        return;
    }
    g_free(i->version);
    g_free(i->package);
    g_free(i->target);
    g_free(i->binary);
    g_free(i->default_machine);
    if (i->machines) {
        g_ptr_array_free(i->machines, TRUE);
    }
    if (i->parent) {
        g_hash_table_destroy(i->parent);
    }
    if (i->abstract) {
        g_hash_table_destroy(i->abstract);
    }
    if (i->device_bus) {
        g_hash_table_destroy(i->device_bus);
    }
    if (i->cpu_models) {
        g_hash_table_destroy(i->cpu_models);
    }
    json_object_put(i->cpu_model_table);
    if (i->qlp) {
        g_hash_table_destroy(i->qlp);
    }
    if (i->qlp_failed) {
        g_ptr_array_free(i->qlp_failed, TRUE);
    }
    g_free(i);
}

/* base_args + more (NULL-terminated) as a new NULL-terminated array */
static const char **args_with(const char *const *more)
{
    GPtrArray *a = g_ptr_array_new();
    for (const char *const *p = base_args; *p; p++) {
        g_ptr_array_add(a, (gpointer)*p);
    }
    for (const char *const *p = more; p && *p; p++) {
        g_ptr_array_add(a, (gpointer)*p);
    }
    g_ptr_array_add(a, NULL);
    return (const char **)g_ptr_array_free(a, FALSE);
}

static int run_text(const hv_cmd *c, const char *const *more, char **text, const char *what)
{
    const char **args = args_with(more);
    hv_run_result r;
    int rc = hv_run(c, args, &r);
    g_free(args);
    if (rc) {
        return rc;
    }
    if (r.timed_out || r.status != 0) {
        char *sum = hv_stderr_summary(r.err);
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "%s: QEMU %s%s%s", what,
                           r.timed_out ? "timed out" : "failed",
                           *sum ? ": " : "", sum);
        g_free(sum);
        hv_run_result_free(&r);
        return rc;
    }
    *text = r.out;
    r.out = NULL;
    hv_run_result_free(&r);
    return 0;
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v) : NULL;
}

static int jbool(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean)
               ? json_object_get_boolean(v) : -1;
}

static int qmp_fail(vmc_qmp *q, const char *what)
{
    (void)q;
    char buf[VMC_ERROR_TEXT_MAX];
    vmc_error_format(vmc_error_last(), buf, sizeof(buf));
    return vmc_error_set(VMC_EIO, -1, NULL, NULL, "%s: %s", what, buf);
}

static int query_machines(hv_info *i, vmc_qmp *q, json_object **list)
{
    json_object *args = json_object_new_object();
    json_object_object_add(args, "compat-props", json_object_new_boolean(1));
    int rc = vmc_qmp_execute(q, "query-machines", args, list);
    json_object_put(args);
    if (rc == 0) {
        i->has_compat_props = true;
        return 0;
    }
    if (vmc_qmp_closed(q)) {
        return qmp_fail(q, "query-machines");
    }
    rc = vmc_qmp_execute(q, "query-machines", NULL, list);
    return rc ? qmp_fail(q, "query-machines") : 0;
}

static void fill_machines(hv_info *i, json_object *list, GPtrArray *help)
{
    GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
    size_t n = json_object_array_length(list);
    for (size_t k = 0; k < n; k++) {
        json_object *m = json_object_array_get_idx(list, k);
        if (jstr(m, "name")) {
            g_hash_table_insert(by_name, (gpointer)jstr(m, "name"), m);
        }
    }
    GHashTable *done = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *desc = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *order = g_ptr_array_new();
    for (guint k = 0; help && k < help->len; k++) {
        hv_help_machine *h = g_ptr_array_index(help, k);
        if (h->alias_of) {
            continue;
        }
        g_hash_table_insert(desc, h->name, h->desc);
        if (g_hash_table_lookup(by_name, h->name) && !g_hash_table_contains(done, h->name)) {
            g_ptr_array_add(order, g_hash_table_lookup(by_name, h->name));
            g_hash_table_add(done, h->name);
        }
    }
    for (size_t k = 0; k < n; k++) {
        json_object *m = json_object_array_get_idx(list, k);
        const char *name = jstr(m, "name");
        if (name && !g_hash_table_contains(done, name)) {
            g_ptr_array_add(order, m);
            g_hash_table_add(done, (gpointer)name);
        }
    }
    for (guint k = 0; k < order->len; k++) {
        json_object *m = g_ptr_array_index(order, k);
        hv_machine_info *mi = g_new0(hv_machine_info, 1);
        mi->name = g_strdup(jstr(m, "name"));
        mi->alias = g_strdup(jstr(m, "alias"));
        const char *d = g_hash_table_lookup(desc, mi->name);
        mi->desc = g_strdup(d ? d : "");
        mi->is_default = jbool(m, "is-default") == 1;
        mi->deprecated = jbool(m, "deprecated") == 1;
        json_object *v;
        if (json_object_object_get_ex(m, "cpu-max", &v) && json_object_is_type(v, json_type_int)) {
            mi->has_cpu_max = true;
            mi->cpu_max = json_object_get_int64(v);
        }
        mi->hotpluggable_cpus = jbool(m, "hotpluggable-cpus");
        mi->numa_mem_supported = jbool(m, "numa-mem-supported");
        mi->default_cpu_type = g_strdup(jstr(m, "default-cpu-type"));
        mi->default_ram_id = g_strdup(jstr(m, "default-ram-id"));
        if (json_object_object_get_ex(m, "compat-props", &v) &&
            json_object_is_type(v, json_type_array)) {
            mi->compat_props = json_object_get(v);
        }
        mi->family = hv_machine_family(mi->name);
        if (mi->is_default) {
            g_free(i->default_machine);
            i->default_machine = g_strdup(mi->name);
        }
        g_ptr_array_add(i->machines, mi);
    }
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(done);
    g_hash_table_destroy(desc);
    g_hash_table_destroy(by_name);
}

static int cmp_strp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The properties of a CPU model that shape the state of a freshly reset
 * vCPU (fresh_cpu.c, board_pc.c): CPUID family/model/stepping and the
 * feature bits that decide its local APIC, machine-check banks and MWAIT. */
static const char *const cpu_model_props[] = { "family", "model", "stepping", "apic", "mce",
                                               "mca", "monitor", NULL };

/*
 * "cpu_models" of the tables: every model of query-cpu-definitions with
 * what query-cpu-model-expansion (full) reports for cpu_model_props (the
 * model as this QEMU's default CPU version resolves it), and the property
 * names a -cpu option may set (qom-list-properties of the "max" model's
 * type: features with their alias spellings, family, ...).  NULL when the
 * binary has no CPU models to expand.
 */
static json_object *cpu_model_table(vmc_qmp *q, json_object *defs)
{
    json_object *models = json_object_new_object();
    const char *max_type = NULL;
    for (size_t k = 0; k < json_object_array_length(defs); k++) {
        json_object *d = json_object_array_get_idx(defs, k);
        const char *name = jstr(d, "name");
        if (!name) {
            continue;
        }
        if (strcmp(name, "max") == 0) {
            max_type = jstr(d, "typename");
        }
        json_object *args = json_object_new_object(), *model = json_object_new_object();
        json_object_object_add(model, "name", json_object_new_string(name));
        json_object_object_add(args, "type", json_object_new_string("full"));
        json_object_object_add(args, "model", model);
        json_object *r = NULL;
        int e = vmc_qmp_execute(q, "query-cpu-model-expansion", args, &r);
        json_object_put(args);
        json_object *m, *props;
        if (e || !json_object_object_get_ex(r, "model", &m) ||
            !json_object_object_get_ex(m, "props", &props)) {
            json_object_put(r);   /* e.g. "host" without KVM */
            if (e && vmc_qmp_closed(q)) {
                break;
            }
            vmc_error_clear();
            continue;
        }
        json_object *entry = json_object_new_object();
        const char *alias = jstr(d, "alias-of");
        if (alias) {
            json_object_object_add(entry, "alias_of", json_object_new_string(alias));
        }
        for (size_t p = 0; cpu_model_props[p]; p++) {
            json_object *v;
            if (json_object_object_get_ex(props, cpu_model_props[p], &v)) {
                json_object_object_add(entry, cpu_model_props[p], json_object_get(v));
            }
        }
        json_object_object_add(models, name, entry);
        json_object_put(r);
    }
    if (json_object_object_length(models) == 0) {
        json_object_put(models);
        return NULL;
    }
    json_object *names = json_object_new_array();
    if (max_type) {
        json_object *args = json_object_new_object(), *r = NULL;
        json_object_object_add(args, "typename", json_object_new_string(max_type));
        if (vmc_qmp_execute(q, "qom-list-properties", args, &r) == 0) {
            GPtrArray *sorted = g_ptr_array_new();
            for (size_t k = 0; k < json_object_array_length(r); k++) {
                const char *n = jstr(json_object_array_get_idx(r, k), "name");
                if (n) {
                    g_ptr_array_add(sorted, (gpointer)n);
                }
            }
            g_ptr_array_sort(sorted, cmp_strp);
            for (guint k = 0; k < sorted->len; k++) {
                json_object_array_add(names, json_object_new_string(sorted->pdata[k]));
            }
            g_ptr_array_free(sorted, TRUE);
        } else {
            vmc_error_clear();
        }
        json_object_put(args);
        json_object_put(r);
    }
    json_object *t = json_object_new_object();
    json_object_object_add(t, "models", models);
    json_object_object_add(t, "properties", names);
    return t;
}

int hv_info_collect(hv_info **out, const hv_cmd *c)
{
    *out = NULL;
    hv_info *i = g_new0(hv_info, 1);
    i->machines = g_ptr_array_new_with_free_func(machine_info_free);
    i->parent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    i->abstract = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    i->cpu_models = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    i->qlp = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                   jput);
    const char *b = c->argc > 1 ? c->argv[c->argc - 1] : c->exe;
    i->binary = g_path_get_basename(b);

    char *help_text = NULL, *dev_text = NULL;
    static const char *const mhelp[] = { "-machine", "help", NULL };
    static const char *const dhelp[] = { "-machine", "none", "-device", "help", NULL };
    int rc = run_text(c, mhelp, &help_text, "-machine help");
    if (!rc) {
        rc = run_text(c, dhelp, &dev_text, "-device help");
    }
    if (rc) {
        g_free(help_text);
        hv_info_free(i);
        return rc;
    }
    GPtrArray *help = hv_parse_machine_help(help_text);
    i->device_bus = hv_parse_device_help(dev_text);
    g_free(help_text);
    g_free(dev_text);

    static const char *const none[] = { "-machine", "none", "-S", NULL };
    const char **args = args_with(none);
    hv_qemu *qemu;
    rc = hv_qemu_start(&qemu, c, args);
    g_free(args);
    if (rc) {
        char buf[VMC_ERROR_TEXT_MAX];
        vmc_error_format(vmc_error_last(), buf, sizeof(buf));
        rc = vmc_error_set(rc, -1, NULL, NULL, "cannot start QEMU (%s): %s", c->exe, buf);
        g_ptr_array_free(help, TRUE);
        hv_info_free(i);
        return rc;
    }
    vmc_qmp *q = hv_qemu_qmp(qemu);
    json_object *r = NULL, *machines = NULL, *types = NULL, *cpus = NULL;
    if ((rc = vmc_qmp_execute(q, "query-version", NULL, &r))) {
        rc = qmp_fail(q, "query-version");
        goto out;
    }
    json_object *qv;
    if (json_object_object_get_ex(r, "qemu", &qv)) {
        json_object *x;
        i->major = json_object_object_get_ex(qv, "major", &x) ? json_object_get_int(x) : 0;
        i->minor = json_object_object_get_ex(qv, "minor", &x) ? json_object_get_int(x) : 0;
        i->micro = json_object_object_get_ex(qv, "micro", &x) ? json_object_get_int(x) : 0;
    }
    i->version = g_strdup_printf("%d.%d.%d", i->major, i->minor, i->micro);
    const char *pkg = jstr(r, "package");
    if (pkg) {
        char *p = g_strstrip(g_strdup(pkg));
        size_t n = strlen(p);
        if (n >= 2 && p[0] == '(' && p[n - 1] == ')') {
            memmove(p, p + 1, n - 2);
            p[n - 2] = '\0';
        }
        i->package = *p ? p : (g_free(p), NULL);
    }
    json_object_put(r);
    r = NULL;
    if (vmc_qmp_execute(q, "query-target", NULL, &r) == 0 && jstr(r, "arch")) {
        i->target = g_strdup(jstr(r, "arch"));
    }
    json_object_put(r);
    r = NULL;
    if ((rc = query_machines(i, q, &machines))) {
        goto out;
    }
    fill_machines(i, machines, help);
    if ((rc = vmc_qmp_execute_json(q, "qom-list-types", "{\"abstract\": true}", &types))) {
        rc = qmp_fail(q, "qom-list-types");
        goto out;
    }
    for (size_t k = 0; k < json_object_array_length(types); k++) {
        json_object *t = json_object_array_get_idx(types, k);
        const char *name = jstr(t, "name");
        if (!name) {
            continue;
        }
        const char *par = jstr(t, "parent");
        g_hash_table_replace(i->parent, g_strdup(name), g_strdup(par ? par : ""));
        if (jbool(t, "abstract") == 1) {
            g_hash_table_add(i->abstract, g_strdup(name));
        }
    }
    if (vmc_qmp_execute(q, "query-cpu-definitions", NULL, &cpus) == 0) {
        for (size_t k = 0; k < json_object_array_length(cpus); k++) {
            json_object *d = json_object_array_get_idx(cpus, k);
            const char *name = jstr(d, "name"), *tn = jstr(d, "typename");
            if (!name) {
                continue;
            }
            char *type = tn ? g_strdup(tn)
                            : g_strdup_printf("%s-%s-cpu", name, i->target ? i->target : "x86_64");
            g_hash_table_replace(i->cpu_models, type, g_strdup(name));
        }
        i->cpu_model_table = cpu_model_table(q, cpus);
    }
    rc = 0;
out:
    json_object_put(r);
    json_object_put(machines);
    json_object_put(types);
    json_object_put(cpus);
    hv_qemu_stop(qemu);
    g_ptr_array_free(help, TRUE);
    if (rc) {
        hv_info_free(i);
        return rc;
    }
    if (i->machines->len == 0) {
        hv_info_free(i);
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "QEMU reports no machine types");
    }
    *out = i;
    return 0;
}

/* qom-list-properties (+ device-list-properties for devices) of one type;
 * NULL when QEMU died on it. */
static json_object *fetch_one(hv_info *i, vmc_qmp *q, const char *type)
{
    json_object *args = json_object_new_object(), *r = NULL, *d = NULL;
    json_object_object_add(args, "typename", json_object_new_string(type));
    if (vmc_qmp_execute(q, "qom-list-properties", args, &r) != 0) {
        if (vmc_qmp_closed(q)) {
            json_object_put(args);
            return NULL;
        }
        r = json_object_new_array();
    }
    /* devices: device-list-properties has the defaults (default-value) */
    if (!g_hash_table_contains(i->abstract, type) && hv_info_is_a(i, type, "device")) {
        if (vmc_qmp_execute(q, "device-list-properties", args, &d) != 0) {
            d = NULL;
            if (vmc_qmp_closed(q)) {
                json_object_put(args);
                json_object_put(r);
                return NULL;
            }
        }
        for (size_t j = 0; d && j < json_object_array_length(d); j++) {
            json_object *p = json_object_array_get_idx(d, j), *dv;
            const char *name = jstr(p, "name");
            if (!name || !json_object_object_get_ex(p, "default-value", &dv)) {
                continue;
            }
            bool merged = false;
            for (size_t m = 0; m < json_object_array_length(r) && !merged; m++) {
                json_object *x = json_object_array_get_idx(r, m);
                if (jstr(x, "name") && strcmp(jstr(x, "name"), name) == 0) {
                    json_object_object_add(x, "default-value", json_object_get(dv));
                    merged = true;
                }
            }
            if (!merged) {
                json_object_array_add(r, json_object_get(p));
            }
        }
        json_object_put(d);
    }
    json_object_put(args);
    return r;
}

int hv_info_fetch_props(hv_info *i, const hv_cmd *c, const char *const *types, size_t n)
{
    static const char *const none[] = { "-machine", "none", "-S", NULL };
    const char **args = args_with(none);
    hv_qemu *qemu = NULL;
    int rc = 0, restarts = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        if (g_hash_table_contains(i->qlp, types[k]) ||
            !g_hash_table_contains(i->parent, types[k])) {
            continue;
        }
        if (!qemu && (rc = hv_qemu_start(&qemu, c, args))) {
            break;
        }
        json_object *r = fetch_one(i, hv_qemu_qmp(qemu), types[k]);
        if (!r) {
            /* some types crash QEMU when it creates one to list its properties */
            hv_qemu_stop(qemu);
            qemu = NULL;
            if (++restarts > 32) {
                rc = vmc_error_set(VMC_EIO, -1, NULL, NULL,
                                   "qom-list-properties: QEMU died %d times", restarts);
                break;
            }
            r = json_object_new_array();
            if (!i->qlp_failed) {
                i->qlp_failed = g_ptr_array_new_with_free_func(g_free);
            }
            g_ptr_array_add(i->qlp_failed, g_strdup(types[k]));
        }
        g_hash_table_replace(i->qlp, g_strdup(types[k]), r);
    }
    g_free(args);
    hv_qemu_stop(qemu);
    return rc;
}

bool hv_info_is_a(const hv_info *i, const char *type, const char *ancestor)
{
    const char *t = type;
    for (int guard = 0; t && *t && guard < 64; guard++) {
        if (strcmp(t, ancestor) == 0) {
            return true;
        }
        t = g_hash_table_lookup(i->parent, t);
    }
    return false;
}

size_t hv_info_depth(const hv_info *i, const char *type)
{
    size_t d = 0;
    const char *t = g_hash_table_lookup(i->parent, type);
    while (t && *t && d < 64) {
        d++;
        t = g_hash_table_lookup(i->parent, t);
    }
    return d;
}

const hv_machine_info *hv_info_machine(const hv_info *i, const char *name)
{
    for (guint k = 0; k < i->machines->len; k++) {
        const hv_machine_info *m = g_ptr_array_index(i->machines, k);
        if (strcmp(m->name, name) == 0) {
            return m;
        }
    }
    for (guint k = 0; k < i->machines->len; k++) {
        const hv_machine_info *m = g_ptr_array_index(i->machines, k);
        if (m->alias && strcmp(m->alias, name) == 0) {
            return m;
        }
    }
    return NULL;
}
