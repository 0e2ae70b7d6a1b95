/*
 * Observe one machine type: start it paused (-S) and read the property
 * values of every object it has (qom-list / qom-get, HMP `info qtree` for
 * what qom-get cannot read), the CPU models (query-cpu-model-expansion, which
 * applies the machine's compat properties), then start it again with probe
 * devices (harvest_recipes.c) for the types the board does not create.
 *
 * Probes are packed into runs by the PCI slots they take; when QEMU refuses
 * a run, the probe its error message names is taken out and retried alone
 * later (e.g. qxl-vga must be the first display device), and when no probe
 * is named the run is split in halves.  A probe that fails alone is recorded
 * with QEMU's message.
 */
#include "machine-types/harvest_internal.h"
#include "common/error_internal.h"
#include "vmcompat/models.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOT_BUDGET 24
#define GROUP_MAX 40
#define WALK_DEPTH_MAX 16
#define VARIANTS_MAX 4

static const char *const base_args[] = { "-accel", "tcg", "-nodefaults", "-no-user-config",
                                         "-display", "none", "-S", NULL };

typedef struct probe_item {
    const char *type;
    hv_recipe recipes[VARIANTS_MAX];
    size_t n_recipes, variant;
    char *id;
    GPtrArray *tokens;       /* expanded command-line tokens (char*) */
    char *path;              /* QOM path of the probed object */
    char *error;
    bool done;
} probe_item;

typedef struct probe_ctx {
    const hv_cmd *c;
    const hv_info *info;
    hv_machine_obs *out;
    const char *machine;
    GHashTable *cpu_props;
    hv_qtree *qtree;         /* of the current run */
    GHashTable *board_buses; /* bus types of the board run */
    GHashTable *userset;     /* id -> set of property names given on the command line */
    unsigned next_id, next_num;
    hv_note_fn note;
    void *opaque;
    bool fatal;              /* QEMU died under us: the machine type failed */
    char *fatal_msg;
} probe_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void object_free(void *p)
{
    hv_object *o = p;
    if (o) {
        g_free(o->path);
        g_free(o->type);
        g_free(o->source);
        json_object_put(o->props);
        json_object_put(o->ptypes);
        g_free(o);
    }
}

static void failure_free(void *p)
{
    hv_probe_failure *f = p;
    if (f) {
        g_free(f->type);
        g_free(f->error);
        g_free(f);
    }
}

void hv_machine_obs_clear(hv_machine_obs *o)
{
    if (!o) {
        return;
    }
    g_free(o->name);
    g_free(o->qom_type);
    g_free(o->error);
    g_free(o->dump_error);
    if (o->by_type) {
        g_hash_table_destroy(o->by_type);
    }
    if (o->objects) {
        g_ptr_array_free(o->objects, TRUE);
    }
    if (o->failures) {
        g_ptr_array_free(o->failures, TRUE);
    }
    if (o->log) {
        g_ptr_array_free(o->log, TRUE);
    }
    memset(o, 0, sizeof(*o));
}

static void add_failure(probe_ctx *x, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_failure(probe_ctx *x, const char *type, const char *fmt, ...)
{
    hv_probe_failure *f = g_new0(hv_probe_failure, 1);
    f->type = g_strdup(type);
    va_list ap;
    va_start(ap, fmt);
    f->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(x->out->failures, f);
}

static void set_fatal(probe_ctx *x, const char *what)
{
    if (x->fatal) {
        return;
    }
    char buf[VMC_ERROR_TEXT_MAX];
    vmc_error_format(vmc_error_last(), buf, sizeof(buf));
    x->fatal = true;
    x->fatal_msg = g_strdup_printf("%s: %s", what, buf);
}

/* ---- reading objects ------------------------------------------------------ */

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v) : NULL;
}

static bool skip_child_type(const char *t)
{
    return strstr(t, "memory-region") || strcmp(t, "irq") == 0 || strstr(t, ":irq");
}

/* qom-get path.prop; 0 ok, 1 QEMU refused, -1 connection lost */
static int qom_get(probe_ctx *x, vmc_qmp *q, const char *path, const char *prop, json_object **v)
{
    json_object *args = json_object_new_object();
    json_object_object_add(args, "path", json_object_new_string(path));
    json_object_object_add(args, "property", json_object_new_string(prop));
    int rc = vmc_qmp_execute(q, "qom-get", args, v);
    json_object_put(args);
    if (rc == 0) {
        return 0;
    }
    if (vmc_qmp_closed(q)) {
        set_fatal(x, "qom-get");
        return -1;
    }
    return 1;
}

static const hv_qtree_dev *qtree_find(const probe_ctx *x, const char *path, const char *type)
{
    if (!x->qtree) {
        return NULL;
    }
    const char *id = NULL;
    if (g_str_has_prefix(path, "/machine/peripheral/")) {
        id = path + strlen("/machine/peripheral/");
        if (strchr(id, '/')) {
            id = NULL;
        }
    }
    const hv_qtree_dev *found = NULL;
    size_t n = 0;
    for (guint i = 0; i < x->qtree->devs->len; i++) {
        const hv_qtree_dev *d = g_ptr_array_index(x->qtree->devs, i);
        if (strcmp(d->type, type) != 0) {
            continue;
        }
        if (id && strcmp(d->id, id) == 0) {
            return d;
        }
        found = d;
        n++;
    }
    return !id && n == 1 ? found : NULL;
}

static bool have_type(const probe_ctx *x, const char *type)
{
    return g_hash_table_contains(x->out->by_type, type);
}

static void add_object(probe_ctx *x, const char *path, const char *type, const char *source,
                       json_object *props, json_object *ptypes)
{
    hv_object *o = g_new0(hv_object, 1);
    o->path = g_strdup(path);
    o->type = g_strdup(type);
    o->source = g_strdup(source);
    o->props = props;
    o->ptypes = ptypes;
    g_ptr_array_add(x->out->objects, o);
    g_hash_table_insert(x->out->by_type, o->type, o);
}

/* The id of a /machine/peripheral/ID or /objects/ID path, else NULL. */
static const char *path_id(const char *path)
{
    const char *id = NULL;
    if (g_str_has_prefix(path, "/machine/peripheral/")) {
        id = path + strlen("/machine/peripheral/");
    } else if (g_str_has_prefix(path, "/objects/")) {
        id = path + strlen("/objects/");
    }
    return id && !strchr(id, '/') ? id : NULL;
}

/*
 * Read the object at path (when its type is new) and walk its children.
 * Returns 0, or -1 when QEMU is gone; *found tells whether path existed.
 */
static int read_tree(probe_ctx *x, vmc_qmp *q, const char *path, const char *source, int depth,
                     bool *found)
{
    json_object *list = NULL;
    json_object *args = json_object_new_object();
    json_object_object_add(args, "path", json_object_new_string(path));
    int rc = vmc_qmp_execute(q, "qom-list", args, &list);
    json_object_put(args);
    if (rc) {
        if (vmc_qmp_closed(q)) {
            set_fatal(x, "qom-list");
            return -1;
        }
        return 0;
    }
    if (found) {
        *found = true;
    }
    json_object *tv = NULL;
    char *type = NULL;
    if (qom_get(x, q, path, "type", &tv) < 0) {
        json_object_put(list);
        return -1;
    }
    if (tv && json_object_is_type(tv, json_type_string)) {
        type = g_strdup(json_object_get_string(tv));
    }
    json_object_put(tv);
    bool read = type && !have_type(x, type) && strcmp(type, "container") != 0 &&
                !skip_child_type(type);
    json_object *props = read ? json_object_new_object() : NULL;
    json_object *ptypes = read ? json_object_new_object() : NULL;
    GHashTable *userset = NULL;
    const char *id = path_id(path);
    if (id && x->userset) {
        userset = g_hash_table_lookup(x->userset, id);
    }
    const hv_qtree_dev *qd = NULL;
    bool qd_looked = false;
    size_t n = json_object_array_length(list);
    for (size_t i = 0; read && i < n; i++) {
        json_object *e = json_object_array_get_idx(list, i);
        const char *name = jstr(e, "name"), *pt = jstr(e, "type");
        if (!name || !pt || g_str_has_prefix(pt, "child<") || g_str_has_prefix(pt, "link<")) {
            continue;
        }
        if (userset && g_hash_table_contains(userset, name)) {
            continue;   /* set by the probe's command line, not a default */
        }
        json_object *v = NULL;
        int g = qom_get(x, q, path, name, &v);
        if (g < 0) {
            json_object_put(list);
            json_object_put(props);
            json_object_put(ptypes);
            g_free(type);
            return -1;
        }
        if (g > 0) {
            if (!qd_looked) {
                qd = qtree_find(x, path, type);
                qd_looked = true;
            }
            const char *text = qd ? g_hash_table_lookup(qd->props, name) : NULL;
            v = text ? hv_qtree_value(text, pt) : NULL;
            if (!v) {
                continue;
            }
            x->out->from_qtree++;
        }
        json_object_object_add(props, name, v);
        json_object_object_add(ptypes, name, json_object_new_string(pt));
        x->out->values++;
    }
    if (read) {
        add_object(x, path, type, source, props, ptypes);
    }
    g_free(type);
    /* children */
    for (size_t i = 0; depth < WALK_DEPTH_MAX && i < n; i++) {
        json_object *e = json_object_array_get_idx(list, i);
        const char *name = jstr(e, "name"), *pt = jstr(e, "type");
        if (!name || !pt || !g_str_has_prefix(pt, "child<")) {
            continue;
        }
        char *ct = g_strndup(pt + 6, strlen(pt + 6) - (g_str_has_suffix(pt, ">") ? 1 : 0));
        bool skip = skip_child_type(ct);
        g_free(ct);
        if (skip) {
            continue;
        }
        char *cp = strcmp(path, "/") == 0 ? g_strconcat("/", name, NULL)
                                          : g_strconcat(path, "/", name, NULL);
        int r = read_tree(x, q, cp, source, depth + 1, NULL);
        g_free(cp);
        if (r < 0) {
            json_object_put(list);
            return -1;
        }
    }
    json_object_put(list);
    return 0;
}

static void load_qtree(probe_ctx *x, vmc_qmp *q)
{
    hv_qtree_free(x->qtree);
    x->qtree = NULL;
    char *text = NULL;
    if (vmc_qmp_hmp(q, "info qtree", &text) == 0) {
        x->qtree = hv_parse_qtree(text);
    }
    g_free(text);
}

static const char *json_kind(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return "bool";
    case json_type_int:
        return "int";
    case json_type_double:
        return "number";
    case json_type_string:
        return "string";
    default:
        return "any";
    }
}

/* query-cpu-model-expansion of the CPU types in scope the board does not have. */
static int expand_cpus(probe_ctx *x, vmc_qmp *q, GHashTable *scope)
{
    GList *keys = g_hash_table_get_keys(scope);
    keys = g_list_sort(keys, (GCompareFunc)strcmp);
    int rc = 0;
    for (GList *l = keys; l; l = l->next) {
        const char *type = l->data;
        const char *model = g_hash_table_lookup(x->info->cpu_models, type);
        if (!model || have_type(x, type)) {
            continue;
        }
        char *args = g_strdup_printf("{\"type\": \"full\", \"model\": {\"name\": \"%s\"}}", model);
        json_object *r = NULL;
        int e = vmc_qmp_execute_json(q, "query-cpu-model-expansion", args, &r);
        g_free(args);
        if (e) {
            if (vmc_qmp_closed(q)) {
                set_fatal(x, "query-cpu-model-expansion");
                rc = -1;
                break;
            }
            add_failure(x, type, "query-cpu-model-expansion: %s", vmc_qmp_error_desc(q));
            continue;
        }
        json_object *m, *props;
        if (!json_object_object_get_ex(r, "model", &m) ||
            !json_object_object_get_ex(m, "props", &props)) {
            json_object_put(r);
            continue;
        }
        /* property types from qom-list-properties where known */
        GHashTable *qt = g_hash_table_new(g_str_hash, g_str_equal);
        json_object *qlp = g_hash_table_lookup(x->info->qlp, type);
        for (size_t i = 0; qlp && i < json_object_array_length(qlp); i++) {
            json_object *p = json_object_array_get_idx(qlp, i);
            if (jstr(p, "name") && jstr(p, "type")) {
                g_hash_table_insert(qt, (gpointer)jstr(p, "name"), (gpointer)jstr(p, "type"));
            }
        }
        json_object *vals = json_object_new_object(), *types = json_object_new_object();
        json_object_object_foreach(props, k, v) {
            if (x->cpu_props && !g_hash_table_contains(x->cpu_props, k)) {
                continue;
            }
            const char *t = g_hash_table_lookup(qt, k);
            json_object_object_add(vals, k, json_object_get(v));
            json_object_object_add(types, k, json_object_new_string(t ? t : json_kind(v)));
            x->out->values++;
        }
        g_hash_table_destroy(qt);
        char *path = g_strdup_printf("cpu-model-expansion:%s", model);
        add_object(x, path, type, "cpu-model-expansion", vals, types);
        g_free(path);
        json_object_put(r);
    }
    g_list_free(keys);
    return rc;
}


/*
 * The `migration` object is not in the QOM tree: its compat properties show
 * in the stream it writes.  Let the machine run a moment and stop it (a
 * "paused" machine sends the globalstate section only when
 * store-global-state is on), migrate to a file, and read: a configuration
 * section (send-configuration), section footers (send-section-footer), a
 * globalstate section (store-global-state).
 */
static void observe_migration(probe_ctx *x, vmc_qmp *q)
{
    const char *err = NULL;
    char *inside = NULL, *path = hv_cmd_path(x->c, "stream.mig", &inside);
    char *uri = g_strdup_printf("{\"uri\": \"exec:cat > %s\"}", inside);
    json_object *r = NULL;
    if (vmc_qmp_execute(q, "cont", NULL, NULL) || (usleep(20000), 0) ||
        vmc_qmp_execute(q, "stop", NULL, NULL)) {
        err = "cont/stop";
    } else {
        vmc_qmp_execute_json(q, "migrate-set-parameters", "{\"max-bandwidth\": 10000000000}", NULL);
        if (vmc_qmp_execute_json(q, "migrate", uri, NULL)) {
            err = "migrate";
        }
    }
    char status[32] = "";
    for (int i = 0; !err && i < 20000; i++) {
        json_object *st;
        if (vmc_qmp_execute(q, "query-migrate", NULL, &r)) {
            err = "query-migrate";
            break;
        }
        if (json_object_object_get_ex(r, "status", &st)) {
            snprintf(status, sizeof(status), "%s", json_object_get_string(st));
        }
        json_object_put(r);
        r = NULL;
        if (strcmp(status, "completed") == 0) {
            break;
        }
        if (strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0) {
            err = "migration failed";
            break;
        }
        if (i * 5 > (int)x->c->timeout_ms) {
            err = "migration timed out";
            break;
        }
        usleep(5000);
    }
    if (err) {
        if (vmc_qmp_closed(q)) {
            set_fatal(x, err);
        } else {
            add_failure(x, "migration", "not observed: %s: %s", err, vmc_error_last()->message);
        }
        goto out;
    }
    /* "completed" is reported before cat has the last bytes: wait for EOF.
     * A stream the reader cannot follow to the end (streams without a
     * vmdesc trailer are decoded with the built-in models) still shows the
     * configuration section and the footers of the first sections. */
    bool config = false, global = false, eof = false, done = false, footer = false;
    char *why = NULL;
    for (int tries = 0; tries < 200 && !eof; tries++) {
        vmc_source *src = NULL;
        vmc_reader *rd = NULL;
        config = global = done = footer = false;
        g_free(why);
        why = NULL;
        /* machine types up to 2.2 suppress the vmdesc trailer: decode with the models */
        vmc_reader_options ro = { .lookup = vmc_models_lookup };
        if (vmc_source_open_path(&src, path) == 0 && vmc_reader_new(&rd, src, &ro) == 0) {
            vmc_event ev;
            int n;
            while ((n = vmc_reader_next(rd, &ev)) > 0) {
                if (ev.kind == VMC_EV_CONFIGURATION) {
                    config = true;
                } else if (ev.kind == VMC_EV_SECTION && ev.u.section.idstr &&
                           strcmp(ev.u.section.idstr, "globalstate") == 0) {
                    global = true;
                } else if (ev.kind == VMC_EV_SECTION_DONE && !done) {
                    done = true;
                    footer = ev.u.done.footer;
                } else if (ev.kind == VMC_EV_EOF) {
                    eof = true;
                }
            }
            if (n < 0) {
                why = g_strdup(vmc_error_last()->message);
            }
        } else {
            why = g_strdup(vmc_error_last()->message);
        }
        vmc_reader_free(rd);
        vmc_source_free(src);
        if (!eof && !why) {
            usleep(10000);   /* not complete yet */
        } else if (!eof) {
            break;
        }
    }
    if (eof || done) {
        json_object *props = json_object_new_object(), *types = json_object_new_object();
        json_object_object_add(props, "send-configuration", json_object_new_boolean(config));
        json_object_object_add(props, "send-section-footer", json_object_new_boolean(footer));
        if (eof || global) {
            json_object_object_add(props, "store-global-state", json_object_new_boolean(global));
        }
        json_object_object_foreach(props, k, v) {
            (void)v;
            json_object_object_add(types, k, json_object_new_string("bool"));
            x->out->values++;
        }
        add_object(x, "migration-stream", "migration", "migration-stream", props, types);
    }
    if (!eof) {
        add_failure(x, "migration", "%s: the stream QEMU wrote does not parse to the end: %s",
                    done ? "store-global-state not observed" : "not observed",
                    why ? why : "incomplete");
    }
    g_free(why);
out:
    json_object_put(r);
    unlink(path);
    g_free(path);
    g_free(inside);
    g_free(uri);
}

/* ---- runs ---------------------------------------------------------------- */

static GPtrArray *run_args(probe_ctx *x)
{
    GPtrArray *a = g_ptr_array_new();
    for (const char *const *p = base_args; *p; p++) {
        g_ptr_array_add(a, (gpointer)*p);
    }
    g_ptr_array_add(a, (gpointer)"-machine");
    g_ptr_array_add(a, (gpointer)x->machine);
    return a;
}

static int board_run(probe_ctx *x, GHashTable *scope)
{
    GPtrArray *a = run_args(x);
    g_ptr_array_add(a, NULL);
    hv_qemu *qemu;
    x->out->runs++;
    int rc = hv_qemu_start(&qemu, x->c, (const char *const *)a->pdata);
    g_ptr_array_free(a, TRUE);
    if (rc) {
        char buf[VMC_ERROR_TEXT_MAX];
        vmc_error_format(vmc_error_last(), buf, sizeof(buf));
        x->fatal = true;
        x->fatal_msg = g_strdup_printf("QEMU refused the machine type: %s", buf);
        x->out->refused = true;
        return -1;
    }
    vmc_qmp *q = hv_qemu_qmp(qemu);
    load_qtree(x, q);
    x->board_buses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (x->qtree) {
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, x->qtree->bus_types);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            g_hash_table_add(x->board_buses, g_strdup(k));
        }
    }
    rc = read_tree(x, q, "/machine", "board", 0, NULL);
    if (!rc) {
        rc = read_tree(x, q, "/objects", "object", 0, NULL);
    }
    if (!rc) {
        rc = expand_cpus(x, q, scope);
    }
    if (!rc && g_hash_table_contains(scope, "migration") && !have_type(x, "migration")) {
        observe_migration(x, q);
        rc = x->fatal ? -1 : 0;
    }
    hv_qemu_stop(qemu);
    return rc;
}

static void item_free(void *p)
{
    probe_item *it = p;
    if (it) {
        g_free(it->id);
        if (it->tokens) {
            g_ptr_array_free(it->tokens, TRUE);
        }
        g_free(it->path);
        g_free(it->error);
        g_free(it);
    }
}

static char *expand(probe_ctx *x, const char *tmpl, const char *type, const char *id)
{
    GString *s = g_string_new(NULL);
    for (const char *p = tmpl; *p; p++) {
        if (*p != '@') {
            g_string_append_c(s, *p);
            continue;
        }
        if (p[1] == '#') {
            g_string_append_printf(s, "%u", x->next_num++);
            p++;
        } else if (p[1] == 'T') {
            g_string_append(s, type);
            p++;
        } else if (p[1] == 'D') {
            g_string_append(s, x->c->workdir_in);
            p++;
        } else {
            g_string_append(s, id);
        }
    }
    return g_string_free(s, FALSE);
}

/* Record the properties each -device / -object option sets, by id. */
static void note_userset(probe_ctx *x, const char *opt, const char *value)
{
    if (strcmp(opt, "-device") != 0 && strcmp(opt, "-object") != 0) {
        return;
    }
    char **kv = g_strsplit(value, ",", -1);
    const char *id = NULL;
    GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (char **p = kv + (kv[0] ? 1 : 0); *p; p++) {
        char *eq = strchr(*p, '=');
        if (!eq) {
            continue;
        }
        *eq = '\0';
        if (strcmp(*p, "id") == 0) {
            id = eq + 1;
        } else {
            g_hash_table_add(keys, g_strdup(*p));
        }
    }
    if (id) {
        g_hash_table_replace(x->userset, g_strdup(id), keys);
    } else {
        g_hash_table_destroy(keys);
    }
    g_strfreev(kv);
}

static void item_prepare(probe_ctx *x, probe_item *it)
{
    const hv_recipe *r = &it->recipes[it->variant];
    g_free(it->id);
    g_free(it->path);
    g_free(it->error);
    it->error = NULL;
    if (it->tokens) {
        g_ptr_array_free(it->tokens, TRUE);
    }
    it->id = g_strdup_printf("p%u", x->next_id++);
    it->tokens = g_ptr_array_new_with_free_func(g_free);
    char **toks = g_strsplit(r->args, " ", -1);
    for (char **t = toks; *t; t++) {
        if (**t) {
            g_ptr_array_add(it->tokens, expand(x, *t, it->type, it->id));
        }
    }
    g_strfreev(toks);
    it->path = r->path ? expand(x, r->path, it->type, it->id)
                       : g_strdup_printf("/machine/peripheral/%s", it->id);
}

/* The item whose option values QEMU's error message names, or NULL. */
static bool item_named(const probe_item *it, const char *err)
{
    for (guint k = 0; k + 1 < it->tokens->len; k++) {
        const char *opt = g_ptr_array_index(it->tokens, k);
        const char *val = g_ptr_array_index(it->tokens, k + 1);
        if (opt[0] == '-' && strchr(val, '=') && strstr(err, val)) {
            return true;
        }
    }
    return false;
}

/* Error text after "OPTION VALUE: " in QEMU's message, for the record. */
static char *item_error(const char *err)
{
    return g_strdup(err);
}

static int run_group(probe_ctx *x, GPtrArray *items, GPtrArray *alone, int *runno);

static int run_split(probe_ctx *x, GPtrArray *items, GPtrArray *alone, int *runno)
{
    guint half = items->len / 2;
    GPtrArray *a = g_ptr_array_new(), *b = g_ptr_array_new();
    for (guint i = 0; i < items->len; i++) {
        g_ptr_array_add(i < half ? a : b, g_ptr_array_index(items, i));
    }
    int rc = run_group(x, a, alone, runno);
    if (!rc) {
        rc = run_group(x, b, alone, runno);
    }
    g_ptr_array_free(a, TRUE);
    g_ptr_array_free(b, TRUE);
    return rc;
}

static int run_group(probe_ctx *x, GPtrArray *items, GPtrArray *alone, int *runno)
{
    if (items->len == 0 || x->fatal) {
        return x->fatal ? -1 : 0;
    }
    GPtrArray *a = run_args(x);
    g_hash_table_remove_all(x->userset);
    for (guint i = 0; i < items->len; i++) {
        probe_item *it = g_ptr_array_index(items, i);
        for (guint k = 0; k < it->tokens->len; k++) {
            const char *t = g_ptr_array_index(it->tokens, k);
            g_ptr_array_add(a, (gpointer)t);
            if (k + 1 < it->tokens->len && t[0] == '-') {
                note_userset(x, t, g_ptr_array_index(it->tokens, k + 1));
            }
        }
    }
    g_ptr_array_add(a, NULL);
    (*runno)++;
    if (x->note) {
        x->note(x->opaque, "probe run %d (%u device%s)", *runno, items->len,
                items->len == 1 ? "" : "s");
    }
    hv_qemu *qemu;
    x->out->runs++;
    int rc = hv_qemu_start(&qemu, x->c, (const char *const *)a->pdata);
    g_ptr_array_free(a, TRUE);
    {
        GString *l = g_string_new(NULL);
        g_string_append_printf(l, "probe run %d:", *runno);
        for (guint i = 0; i < items->len; i++) {
            g_string_append_printf(l, " %s", ((probe_item *)g_ptr_array_index(items, i))->type);
        }
        g_string_append_printf(l, ": %s", rc ? vmc_error_last()->message : "started");
        g_ptr_array_add(x->out->log, g_string_free(l, FALSE));
    }
    if (rc) {
        const char *err = vmc_error_last()->message;
        if (rc == VMC_ELIMIT) {
            /* a hang is not a refusal: give up on these probes */
            for (guint i = 0; i < items->len; i++) {
                probe_item *it = g_ptr_array_index(items, i);
                it->error = g_strdup_printf("QEMU timed out: %s", err);
            }
            return 0;
        }
        if (items->len == 1) {
            probe_item *it = g_ptr_array_index(items, 0);
            it->error = item_error(err);
            return 0;
        }
        GPtrArray *rest = g_ptr_array_new();
        size_t named = 0;
        for (guint i = 0; i < items->len; i++) {
            probe_item *it = g_ptr_array_index(items, i);
            if (item_named(it, err)) {
                g_ptr_array_add(alone, it);   /* retried in a run of its own */
                named++;
            } else {
                g_ptr_array_add(rest, it);
            }
        }
        if (named) {
            rc = run_group(x, rest, alone, runno);
        } else {
            rc = run_split(x, items, alone, runno);
        }
        g_ptr_array_free(rest, TRUE);
        return rc;
    }
    vmc_qmp *q = hv_qemu_qmp(qemu);
    load_qtree(x, q);
    for (guint i = 0; i < items->len && !x->fatal; i++) {
        probe_item *it = g_ptr_array_index(items, i);
        bool found = false;
        if (read_tree(x, q, it->path, "probe", 0, &found) < 0) {
            break;
        }
        if (found) {
            it->done = true;
        } else {
            it->error = g_strdup_printf("QEMU started but has no object %s", it->path);
        }
    }
    if (!x->fatal) {
        read_tree(x, q, "/machine/peripheral", "probe", 0, NULL);
    }
    if (!x->fatal) {
        read_tree(x, q, "/objects", "object", 0, NULL);
    }
    hv_qemu_stop(qemu);
    return x->fatal ? -1 : 0;
}

static bool needs_met(const probe_ctx *x, unsigned flags, const char **missing)
{
    GHashTable *bt = x->board_buses;
    bool pci = bt && (g_hash_table_contains(bt, "PCI") || g_hash_table_contains(bt, "PCIE"));
    if ((flags & HV_NEEDS_PCI) && !pci) {
        *missing = "PCI bus";
        return false;
    }
    if ((flags & HV_NEEDS_PCIE) && !(bt && g_hash_table_contains(bt, "PCIE"))) {
        *missing = "PCIe root bus";
        return false;
    }
    if ((flags & HV_NEEDS_ISA) && !(bt && g_hash_table_contains(bt, "ISA"))) {
        *missing = "ISA bus";
        return false;
    }
    if ((flags & HV_NEEDS_IDE) && !(bt && g_hash_table_contains(bt, "IDE"))) {
        *missing = "IDE bus";
        return false;
    }
    return true;
}

/* Make the items for the scope types not seen on the board; record skips. */
static GPtrArray *make_items(probe_ctx *x, GHashTable *scope)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
    GList *keys = g_hash_table_get_keys(scope);
    keys = g_list_sort(keys, (GCompareFunc)strcmp);
    for (GList *l = keys; l; l = l->next) {
        const char *type = l->data;
        if (have_type(x, type) || g_hash_table_contains(x->info->abstract, type) ||
            !g_hash_table_contains(x->info->parent, type) ||
            g_hash_table_contains(x->info->cpu_models, type)) {
            continue;
        }
        const char *bus = g_hash_table_lookup(x->info->device_bus, type);
        probe_item *it = g_new0(probe_item, 1);
        it->type = type;
        it->n_recipes = hv_recipes_for(type, bus, it->recipes, VARIANTS_MAX);
        if (it->n_recipes == 0) {
            item_free(it);
            continue;   /* not user-creatable: only the board can have it */
        }
        if (it->recipes[0].flags & HV_SKIP) {
            add_failure(x, type, "not probed: %s", it->recipes[0].why);
            item_free(it);
            continue;
        }
        const char *missing = NULL;
        while (it->variant < it->n_recipes && !needs_met(x, it->recipes[it->variant].flags, &missing)) {
            it->variant++;
        }
        if (it->variant == it->n_recipes) {
            add_failure(x, type, "not probed: the machine type has no %s", missing);
            item_free(it);
            continue;
        }
        item_prepare(x, it);
        g_ptr_array_add(items, it);
    }
    g_list_free(keys);
    return items;
}

static int probe_runs(probe_ctx *x, GHashTable *scope)
{
    GPtrArray *items = make_items(x, scope);
    int runno = 0, rc = 0;
    GPtrArray *pending = g_ptr_array_new();
    for (guint i = 0; i < items->len; i++) {
        g_ptr_array_add(pending, g_ptr_array_index(items, i));
    }
    while (pending->len && !rc) {
        GPtrArray *alone = g_ptr_array_new();
        /* pack: runs of their own for HV_ALONE, else by slots */
        GPtrArray *group = g_ptr_array_new();
        unsigned slots = 0;
        for (guint i = 0; i < pending->len && !rc; i++) {
            probe_item *it = g_ptr_array_index(pending, i);
            if (have_type(x, it->type)) {
                it->done = true;   /* a previous run's probe brought it along */
                continue;
            }
            const hv_recipe *r = &it->recipes[it->variant];
            if (r->flags & HV_ALONE) {
                GPtrArray *one = g_ptr_array_new();
                g_ptr_array_add(one, it);
                rc = run_group(x, one, alone, &runno);
                g_ptr_array_free(one, TRUE);
                continue;
            }
            if (group->len && (slots + r->slots > SLOT_BUDGET || group->len >= GROUP_MAX)) {
                rc = run_group(x, group, alone, &runno);
                g_ptr_array_set_size(group, 0);
                slots = 0;
            }
            g_ptr_array_add(group, it);
            slots += r->slots;
        }
        if (!rc) {
            rc = run_group(x, group, alone, &runno);
        }
        g_ptr_array_free(group, TRUE);
        /* named culprits: one run each */
        for (guint i = 0; i < alone->len && !rc; i++) {
            probe_item *it = g_ptr_array_index(alone, i);
            if (have_type(x, it->type)) {
                it->done = true;
                continue;
            }
            GPtrArray *one = g_ptr_array_new();
            g_ptr_array_add(one, it);
            rc = run_group(x, one, alone, &runno);
            g_ptr_array_free(one, TRUE);
        }
        g_ptr_array_free(alone, TRUE);
        /* failed items with another recipe variant go round again */
        g_ptr_array_set_size(pending, 0);
        for (guint i = 0; i < items->len && !rc; i++) {
            probe_item *it = g_ptr_array_index(items, i);
            if (it->done || !it->error || have_type(x, it->type)) {
                continue;
            }
            const char *missing = NULL;
            size_t v = it->variant + 1;
            while (v < it->n_recipes && !needs_met(x, it->recipes[v].flags, &missing)) {
                v++;
            }
            if (v < it->n_recipes) {
                char *prev = it->error;
                it->error = NULL;
                it->variant = v;
                item_prepare(x, it);
                g_free(prev);
                g_ptr_array_add(pending, it);
            }
        }
    }
    for (guint i = 0; i < items->len; i++) {
        probe_item *it = g_ptr_array_index(items, i);
        if (!it->done && !have_type(x, it->type)) {
            add_failure(x, it->type, "%s", it->error ? it->error : "not probed");
        }
    }
    g_ptr_array_free(pending, TRUE);
    g_ptr_array_free(items, TRUE);
    return rc;
}

void hv_observe_machine(hv_machine_obs *out, const hv_cmd *c, const hv_info *info,
                        const char *machine, GHashTable *scope, GHashTable *cpu_props,
                        hv_note_fn note, void *opaque)
{
    double t0 = now_s();
    memset(out, 0, sizeof(*out));
    out->name = g_strdup(machine);
    out->objects = g_ptr_array_new_with_free_func(object_free);
    out->by_type = g_hash_table_new(g_str_hash, g_str_equal);
    out->failures = g_ptr_array_new_with_free_func(failure_free);
    out->log = g_ptr_array_new_with_free_func(g_free);
    probe_ctx x = { .c = c, .info = info, .out = out, .machine = machine, .cpu_props = cpu_props,
                    .next_id = 1, .next_num = 10, .note = note, .opaque = opaque };
    x.userset = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)g_hash_table_destroy);
    if (note) {
        note(opaque, "board run");
    }
    int rc = board_run(&x, scope);
    if (!rc) {
        for (guint i = 0; i < out->objects->len; i++) {
            hv_object *o = g_ptr_array_index(out->objects, i);
            if (strcmp(o->path, "/machine") == 0) {
                out->qom_type = g_strdup(o->type);
            }
        }
        rc = probe_runs(&x, scope);
    }
    out->ok = rc == 0 && !x.fatal;
    if (!out->ok) {
        out->error = g_strdup(x.fatal_msg ? x.fatal_msg : "failed");
    }
    g_free(x.fatal_msg);
    hv_qtree_free(x.qtree);
    if (x.board_buses) {
        g_hash_table_destroy(x.board_buses);
    }
    g_hash_table_destroy(x.userset);
    out->seconds = now_s() - t0;
}
