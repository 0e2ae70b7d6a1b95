/*
 * vmc_harvest(): the information run, then per machine type (in parallel
 * worker threads) -dump-vmstate and the observation runs, then the tables;
 * everything is written into a temporary sibling of the output directory
 * that is renamed into place at the end.  See include/vmcompat/harvest.h.
 */
#include "machine-types/harvest_internal.h"
#include "machine-types/mt_internal.h"
#include "common/error_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct hctx {
    const vmc_harvest_opts *o;
    hv_cmd cmd;
    hv_info *info;
    GHashTable *scope;          /* types to probe */
    GHashTable *cpu_props;      /* property names kept from CPU expansions */
    GPtrArray *machines;        /* char*: names to harvest, in -machine help order */
    GHashTable *requested;      /* names the user asked for (NULL: all) */
    hv_machine_obs *obs;        /* one per machine */
    char *tmpdir;
    volatile gint next;
    GMutex lock;                /* progress output */
} hctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(hctx *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(hctx *h, const char *fmt, ...)
{
    if (!h->o->progress) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_mutex_lock(&h->lock);
    h->o->progress(h->o->progress_opaque, s);
    g_mutex_unlock(&h->lock);
    g_free(s);
}

typedef struct note_ctx {
    hctx *h;
    size_t index;
    const char *name;
} note_ctx;

static void note(void *opaque, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(void *opaque, const char *fmt, ...)
{
    note_ctx *n = opaque;
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    progress(n->h, "[%zu/%u] %s: %s", n->index + 1, n->h->machines->len, n->name, s);
    g_free(s);
}

static void remove_tree(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    if (d) {
        const char *n;
        while ((n = g_dir_read_name(d))) {
            char *p = g_build_filename(path, n, NULL);
            if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK)) {
                remove_tree(p);
            } else {
                unlink(p);
            }
            g_free(p);
        }
        g_dir_close(d);
    }
    rmdir(path);
}

static int write_json(const char *path, json_object *o)
{
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_SPACED |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE);
    GError *e = NULL;
    char *t = g_strconcat(text, "\n", NULL);
    gboolean ok = g_file_set_contents(path, t, -1, &e);
    g_free(t);
    if (!ok) {
        int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot write %s: %s", path, e->message);
        g_error_free(e);
        return rc;
    }
    return 0;
}

/* Move a file QEMU wrote into the output (rename, else copy). */
static int move_file(const char *from, const char *to)
{
    if (rename(from, to) == 0) {
        return 0;
    }
    char *text = NULL;
    gsize len = 0;
    GError *e = NULL;
    if (!g_file_get_contents(from, &text, &len, &e) || !g_file_set_contents(to, text, (gssize)len, &e)) {
        int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot copy %s: %s", from,
                               e ? e->message : "error");
        if (e) {
            g_error_free(e);
        }
        g_free(text);
        return rc;
    }
    g_free(text);
    unlink(from);
    return 0;
}

/* ---- one machine type ------------------------------------------------------- */

static char *dump_machine(hctx *h, const char *name, note_ctx *n)
{
    note(n, "dump-vmstate");
    char *inside = NULL;
    char *path = hv_cmd_path(&h->cmd, "dump.json", &inside);
    const char *args[] = { "-accel", "tcg", "-nodefaults", "-no-user-config", "-display", "none",
                           "-machine", name, "-dump-vmstate", inside, NULL };
    hv_run_result r;
    char *err = NULL;
    if (hv_run(&h->cmd, args, &r) != 0) {
        err = g_strdup(vmc_error_last()->message);
    } else {
        struct stat st;
        if (r.timed_out || r.status != 0 || stat(path, &st) != 0 || st.st_size == 0) {
            char *sum = hv_stderr_summary(r.err);
            err = g_strdup_printf("-dump-vmstate %s%s%s",
                                  r.timed_out ? "timed out" : "failed", *sum ? ": " : "", sum);
            g_free(sum);
        } else {
            char *dst = g_build_filename(h->tmpdir, "dumps", NULL);
            char *file = g_strconcat(name, ".json", NULL);
            char *to = g_build_filename(dst, file, NULL);
            if (move_file(path, to) != 0) {
                err = g_strdup(vmc_error_last()->message);
            }
            g_free(dst);
            g_free(file);
            g_free(to);
        }
        hv_run_result_free(&r);
    }
    unlink(path);
    g_free(path);
    g_free(inside);
    return err;
}

static json_object *properties_json(const hctx *h, const hv_machine_obs *o)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "format", json_object_new_string("vmcompat-harvest-properties"));
    json_object_object_add(d, "format_version", json_object_new_int(1));
    json_object_object_add(d, "qemu_version", json_object_new_string(h->info->version));
    json_object_object_add(d, "machine", json_object_new_string(o->name));
    json_object_object_add(d, "qom_type", o->qom_type ? json_object_new_string(o->qom_type) : NULL);
    json_object *objs = json_object_new_array();
    for (guint i = 0; i < o->objects->len; i++) {
        const hv_object *ob = g_ptr_array_index(o->objects, i);
        json_object *e = json_object_new_object();
        json_object_object_add(e, "path", json_object_new_string(ob->path));
        json_object_object_add(e, "type", json_object_new_string(ob->type));
        json_object_object_add(e, "source", json_object_new_string(ob->source));
        json_object_object_add(e, "properties", json_object_get(ob->props));
        json_object_object_add(e, "property_types", json_object_get(ob->ptypes));
        json_object_array_add(objs, e);
    }
    json_object_object_add(d, "objects", objs);
    json_object *f = json_object_new_array();
    for (guint i = 0; i < o->failures->len; i++) {
        const hv_probe_failure *x = g_ptr_array_index(o->failures, i);
        json_object *e = json_object_new_object();
        json_object_object_add(e, "type", json_object_new_string(x->type));
        json_object_object_add(e, "error", json_object_new_string(x->error));
        json_object_array_add(f, e);
    }
    json_object_object_add(d, "probe_failures", f);
    return d;
}

static gpointer worker(gpointer data)
{
    hctx *h = data;
    for (;;) {
        gint i = g_atomic_int_add(&h->next, 1);
        if (i >= (gint)h->machines->len) {
            break;
        }
        const char *name = g_ptr_array_index(h->machines, i);
        note_ctx n = { h, (size_t)i, name };
        hv_machine_obs *o = &h->obs[i];
        double t0 = now_s();
        char *dump_err = h->o->no_dumps ? NULL : dump_machine(h, name, &n);
        hv_observe_machine(o, &h->cmd, h->info, name, h->scope, h->cpu_props, note, &n);
        o->dump_error = dump_err;
        if (dump_err && o->ok) {
            o->ok = false;
            g_free(o->error);
            o->error = g_strdup(dump_err);
        }
        if (!o->ok && o->refused && !h->requested) {
            /* e.g. xenfv and xenpv need the Xen accelerator: not harvestable here */
            o->skipped = true;
            char *file = g_strconcat(name, ".json", NULL);
            char *path = g_build_filename(h->tmpdir, "dumps", file, NULL);
            unlink(path);
            g_free(path);
            g_free(file);
        }
        if (o->ok) {
            json_object *pj = properties_json(h, o);
            char *file = g_strconcat(name, ".json", NULL);
            char *path = g_build_filename(h->tmpdir, "properties", file, NULL);
            if (write_json(path, pj) != 0) {
                o->ok = false;
                o->error = g_strdup(vmc_error_last()->message);
            }
            g_free(file);
            g_free(path);
            json_object_put(pj);
        }
        o->seconds = now_s() - t0;
        if (o->ok) {
            note(&n, "done in %.1f s: %zu run%s, %u objects, %zu values, %u probe failure%s",
                 o->seconds, o->runs, o->runs == 1 ? "" : "s", o->objects->len, o->values,
                 o->failures->len, o->failures->len == 1 ? "" : "s");
        } else if (o->skipped) {
            note(&n, "skipped: %s", o->error);
        } else {
            note(&n, "FAILED: %s", o->error);
        }
    }
    return NULL;
}

/* ---- setup ------------------------------------------------------------------ */

static int pick_machines(hctx *h)
{
    const vmc_harvest_opts *o = h->o;
    h->machines = g_ptr_array_new_with_free_func(g_free);
    GHashTable *want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < o->n_machines; i++) {
        const hv_machine_info *m = hv_info_machine(h->info, o->machines[i]);
        if (!m) {
            GString *names = g_string_new(NULL);
            for (guint k = 0; k < h->info->machines->len && k < 80; k++) {
                const hv_machine_info *x = g_ptr_array_index(h->info->machines, k);
                g_string_append_printf(names, "%s%s", k ? " " : "", x->name);
            }
            int rc = vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                                   "QEMU %s has no machine type '%s' (it has: %s)",
                                   h->info->version, o->machines[i], names->str);
            g_string_free(names, TRUE);
            g_hash_table_destroy(want);
            return rc;
        }
        g_hash_table_add(want, g_strdup(m->name));
    }
    if (o->n_machines) {
        h->requested = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, want);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            g_hash_table_add(h->requested, g_strdup(key));
        }
        /* the newest machine type of each family is the reference for the others */
        GHashTable *newest = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint k = 0; k < h->info->machines->len; k++) {
            const hv_machine_info *m = g_ptr_array_index(h->info->machines, k);
            const char *cur = m->family ? g_hash_table_lookup(newest, m->family) : NULL;
            if (m->family && (!cur || hv_machine_version_cmp(m->name, cur) > 0)) {
                g_hash_table_replace(newest, m->family, m->name);
            }
        }
        for (guint k = 0; k < h->info->machines->len; k++) {
            const hv_machine_info *m = g_ptr_array_index(h->info->machines, k);
            if (g_hash_table_contains(h->requested, m->name) && m->family) {
                const char *nw = g_hash_table_lookup(newest, m->family);
                if (nw && !g_hash_table_contains(want, nw)) {
                    g_hash_table_add(want, g_strdup(nw));
                    progress(h, "adding %s, the reference for %s machine types", nw,
                             m->family);
                }
            }
        }
        g_hash_table_destroy(newest);
    }
    for (guint k = 0; k < h->info->machines->len; k++) {
        const hv_machine_info *m = g_ptr_array_index(h->info->machines, k);
        if (!o->n_machines || g_hash_table_contains(want, m->name)) {
            g_ptr_array_add(h->machines, g_strdup(m->name));
        }
    }
    g_hash_table_destroy(want);
    return 0;
}

/* Types the reference tables list, and the universe drivers, as probe scope. */
static void make_scope(hctx *h, const vmc_machine_types *ref, GPtrArray *universe)
{
    h->scope = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    h->cpu_props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < ref->n_types; i++) {
        g_hash_table_add(h->scope, g_strdup(ref->types[i].name));
    }
    for (guint i = 0; i < universe->len; i++) {
        const hv_pair *p = g_ptr_array_index(universe, i);
        g_hash_table_add(h->scope, g_strdup(p->driver));
        g_hash_table_add(h->cpu_props, g_strdup(p->property));
    }
}

/*
 * Virtio back ends (virtio-mem, virtio-mouse-device) exist only inside their
 * proxies: probe the PCI proxy of every back end in scope.
 */
static void add_proxies(hctx *h)
{
    GPtrArray *add = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, h->scope);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        const char *t = k;
        if (!hv_info_is_a(h->info, t, "virtio-device")) {
            continue;
        }
        char *cand[2] = { g_strconcat(t, "-pci", NULL), NULL };
        if (g_str_has_suffix(t, "-device")) {
            cand[1] = g_strdup_printf("%.*s-pci", (int)(strlen(t) - 7), t);
        }
        for (int i = 0; i < 2; i++) {
            if (cand[i] && g_hash_table_contains(h->info->device_bus, cand[i]) &&
                !g_hash_table_contains(h->scope, cand[i])) {
                g_ptr_array_add(add, cand[i]);
                cand[i] = NULL;
            }
            g_free(cand[i]);
        }
    }
    for (guint i = 0; i < add->len; i++) {
        g_hash_table_add(h->scope, g_strdup(g_ptr_array_index(add, i)));
    }
    g_ptr_array_free(add, TRUE);
}

/* qom-list-properties of the given types and their ancestors not fetched yet. */
static int fetch_props(hctx *h, GHashTable *types)
{
    GHashTable *all = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, types);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        const char *t = k;
        for (int guard = 0; t && *t && guard < 64; guard++) {
            if (!g_hash_table_contains(h->info->parent, t)) {
                break;
            }
            if (!g_hash_table_contains(h->info->qlp, t)) {
                g_hash_table_add(all, (gpointer)t);
            }
            t = g_hash_table_lookup(h->info->parent, t);
        }
    }
    GPtrArray *list = g_ptr_array_new();
    g_hash_table_iter_init(&it, all);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        g_ptr_array_add(list, k);
    }
    int rc = list->len ? hv_info_fetch_props(h->info, &h->cmd, (const char *const *)list->pdata,
                                             list->len)
                       : 0;
    g_ptr_array_free(list, TRUE);
    g_hash_table_destroy(all);
    return rc;
}

static json_object *report_json(hctx *h, const hv_build_result *br, double seconds,
                                size_t jobs)
{
    const hv_info *i = h->info;
    json_object *d = json_object_new_object();
    json_object_object_add(d, "format", json_object_new_string("vmcompat-harvest-report"));
    json_object_object_add(d, "format_version", json_object_new_int(1));
    json_object *q = json_object_new_object();
    json_object_object_add(q, "version", json_object_new_string(i->version));
    json_object_object_add(q, "package", i->package ? json_object_new_string(i->package) : NULL);
    json_object_object_add(q, "binary", json_object_new_string(i->binary));
    json_object_object_add(q, "target", i->target ? json_object_new_string(i->target) : NULL);
    json_object *cmd = json_object_new_array();
    for (int k = 0; k < h->cmd.argc; k++) {
        json_object_array_add(cmd, json_object_new_string(h->cmd.argv[k]));
    }
    json_object_object_add(q, "command", cmd);
    json_object_object_add(q, "root", h->cmd.root ? json_object_new_string(h->cmd.root) : NULL);
    json_object_object_add(d, "qemu", q);
    json_object_object_add(d, "reference",
                           json_object_new_string(h->o->reference ? h->o->reference : "built-in"));
    json_object_object_add(d, "compat_props_source",
                           json_object_new_string(i->has_compat_props ? "query-machines"
                                                                      : "derived"));
    json_object_object_add(d, "seconds", json_object_new_double(seconds));
    json_object_object_add(d, "jobs", json_object_new_int64((int64_t)jobs));
    json_object_object_add(d, "qemu_runs", json_object_new_int64((int64_t)hv_runs_started()));
    json_object *ms = json_object_new_array();
    for (guint k = 0; k < h->machines->len; k++) {
        const hv_machine_obs *o = &h->obs[k];
        json_object *e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(o->name));
        json_object_object_add(e, "status", json_object_new_string(o->ok        ? "ok"
                                                                   : o->skipped ? "skipped"
                                                                                : "failed"));
        if (!o->ok) {
            json_object_object_add(e, "error", json_object_new_string(o->error ? o->error : ""));
        }
        json_object_object_add(e, "requested",
                               json_object_new_boolean(!h->requested ||
                                                       g_hash_table_contains(h->requested, o->name)));
        json_object_object_add(e, "seconds", json_object_new_double(o->seconds));
        json_object_object_add(e, "runs", json_object_new_int64((int64_t)o->runs));
        json_object_object_add(e, "objects", json_object_new_int64(o->objects ? o->objects->len : 0));
        json_object_object_add(e, "values", json_object_new_int64((int64_t)o->values));
        json_object_object_add(e, "values_from_qtree", json_object_new_int64((int64_t)o->from_qtree));
        if (o->ok) {
            char *f = g_strconcat("properties/", o->name, ".json", NULL);
            json_object_object_add(e, "properties", json_object_new_string(f));
            g_free(f);
            if (!h->o->no_dumps) {
                f = g_strconcat("dumps/", o->name, ".json", NULL);
                json_object_object_add(e, "dump", json_object_new_string(f));
                g_free(f);
            }
        }
        json_object *r;
        if (br && br->report && json_object_object_get_ex(br->report, o->name, &r)) {
            json_object_object_foreach(r, key, val) {
                json_object_object_add(e, key, json_object_get(val));
            }
        }
        json_object *f = json_object_new_array();
        for (guint j = 0; o->failures && j < o->failures->len; j++) {
            const hv_probe_failure *x = g_ptr_array_index(o->failures, j);
            json_object *fe = json_object_new_object();
            json_object_object_add(fe, "type", json_object_new_string(x->type));
            json_object_object_add(fe, "error", json_object_new_string(x->error));
            json_object_array_add(f, fe);
        }
        json_object_object_add(e, "probe_failures", f);
        json_object *lg = json_object_new_array();
        for (guint j = 0; o->log && j < o->log->len; j++) {
            json_object_array_add(lg, json_object_new_string(g_ptr_array_index(o->log, j)));
        }
        json_object_object_add(e, "runs_log", lg);
        json_object_array_add(ms, e);
    }
    json_object_object_add(d, "machines", ms);
    json_object_object_add(d, "unobserved_pairs",
                           br && br->unobserved ? json_object_get(br->unobserved)
                                                : json_object_new_array());
    json_object *qf = json_object_new_array();
    for (guint k = 0; i->qlp_failed && k < i->qlp_failed->len; k++) {
        json_object_array_add(qf, json_object_new_string(g_ptr_array_index(i->qlp_failed, k)));
    }
    json_object_object_add(d, "types_qemu_died_on", qf);
    json_object_object_add(d, "absent_drivers",
                           br && br->absent ? json_object_get(br->absent) : json_object_new_array());
    return d;
}

static int install(const char *tmp, const char *out, bool force)
{
    char *old = NULL;
    if (g_file_test(out, G_FILE_TEST_EXISTS)) {
        if (!force) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "%s exists (use --force to replace it)",
                                 out);
        }
        old = g_strdup_printf("%s.old-%ld", out, (long)getpid());
        if (rename(out, old) != 0) {
            int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot move %s aside: %s", out,
                                   strerror(errno));
            g_free(old);
            return rc;
        }
    }
    if (rename(tmp, out) != 0) {
        int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot rename %s to %s: %s", tmp, out,
                               strerror(errno));
        if (old) {
            rename(old, out);
            g_free(old);
        }
        return rc;
    }
    if (old) {
        remove_tree(old);
        g_free(old);
    }
    return 0;
}

int vmc_harvest(const vmc_harvest_opts *o, vmc_harvest_summary *sum)
{
    vmc_harvest_summary dummy;
    if (!sum) {
        sum = &dummy;
    }
    memset(sum, 0, sizeof(*sum));
    if (!o || !o->out_dir || !*o->out_dir) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "harvest: no output directory");
    }
    if (o->jobs > VMC_HARVEST_MAX_JOBS) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "harvest: at most %d jobs",
                             VMC_HARVEST_MAX_JOBS);
    }
    if (g_file_test(o->out_dir, G_FILE_TEST_EXISTS) && !o->force) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "%s exists (use --force to replace it)",
                             o->out_dir);
    }
    double t0 = now_s();
    size_t runs0 = hv_runs_started();
    hctx h;
    memset(&h, 0, sizeof(h));
    h.o = o;
    g_mutex_init(&h.lock);
    vmc_machine_types *ref = NULL;
    GPtrArray *universe = NULL;
    hv_build_result br;
    memset(&br, 0, sizeof(br));
    int rc = o->reference ? vmc_machine_types_load_file(&ref, o->reference)
                          : vmc_machine_types_load_builtin(&ref);
    if (rc) {
        goto out;
    }
    universe = hv_universe_from_tables(ref);
    make_scope(&h, ref, universe);
    if ((rc = hv_cmd_init(&h.cmd, o->qemu, o->root, o->timeout_ms))) {
        goto out;
    }
    {
        char *cmdline = g_strjoinv(" ", h.cmd.argv);
        progress(&h, "asking %s what it has", cmdline);
        g_free(cmdline);
    }
    if ((rc = hv_info_collect(&h.info, &h.cmd))) {
        goto out;
    }
    snprintf(sum->qemu_version, sizeof(sum->qemu_version), "%s", h.info->version);
    progress(&h, "QEMU %s%s%s%s, %u machine types, compat properties %s", h.info->version,
             h.info->package ? " (" : "", h.info->package ? h.info->package : "",
             h.info->package ? ")" : "", h.info->machines->len,
             h.info->has_compat_props ? "from query-machines" : "derived from observed values");
    if ((rc = pick_machines(&h))) {
        goto out;
    }
    add_proxies(&h);
    if ((rc = fetch_props(&h, h.scope))) {
        goto out;
    }
    /* the output: a temporary sibling renamed into place at the end */
    {
        char *parent = g_path_get_dirname(o->out_dir);
        char *base = g_path_get_basename(o->out_dir);
        char *name = g_strdup_printf(".%s.tmp-XXXXXX", base);
        h.tmpdir = g_build_filename(parent, name, NULL);
        g_free(parent);
        g_free(base);
        g_free(name);
        if (!g_mkdtemp_full(h.tmpdir, 0755)) {
            rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot create %s: %s", h.tmpdir,
                               strerror(errno));
            g_free(h.tmpdir);
            h.tmpdir = NULL;
            goto out;
        }
        char *d1 = g_build_filename(h.tmpdir, "dumps", NULL);
        char *d2 = g_build_filename(h.tmpdir, "properties", NULL);
        g_mkdir_with_parents(d1, 0755);
        g_mkdir_with_parents(d2, 0755);
        g_free(d1);
        g_free(d2);
    }
    h.obs = g_new0(hv_machine_obs, h.machines->len);
    size_t jobs = o->jobs ? o->jobs : 1;
    if (jobs > h.machines->len) {
        jobs = h.machines->len;
    }
    progress(&h, "%u machine type%s, %zu in parallel", h.machines->len,
             h.machines->len == 1 ? "" : "s", jobs);
    {
        GThread **th = g_new0(GThread *, jobs);
        for (size_t i = 0; i < jobs; i++) {
            th[i] = g_thread_new("harvest", worker, &h);
        }
        for (size_t i = 0; i < jobs; i++) {
            g_thread_join(th[i]);
        }
        g_free(th);
    }
    GPtrArray *ok = g_ptr_array_new();
    const hv_machine_obs *first_bad = NULL;
    for (guint i = 0; i < h.machines->len; i++) {
        if (h.obs[i].ok) {
            g_ptr_array_add(ok, &h.obs[i]);
        } else if (h.obs[i].skipped) {
            sum->machines_skipped++;
        } else {
            sum->machines_failed++;
            if (!first_bad) {
                first_bad = &h.obs[i];
            }
        }
        sum->objects += h.obs[i].objects ? h.obs[i].objects->len : 0;
        sum->values += h.obs[i].values;
        sum->probe_failures += h.obs[i].failures ? h.obs[i].failures->len : 0;
    }
    if (!first_bad && ok->len == 0) {
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "QEMU started none of the machine types");
        g_ptr_array_free(ok, TRUE);
        goto out;
    }
    if (first_bad && (!o->keep_going || ok->len == 0)) {
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "%zu machine type%s failed, first %s: %s",
                           sum->machines_failed, sum->machines_failed == 1 ? "" : "s",
                           first_bad->name, first_bad->error ? first_bad->error : "?");
        g_ptr_array_free(ok, TRUE);
        goto out;
    }
    /* property types and defaults of everything observed */
    {
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < ok->len; i++) {
            const hv_machine_obs *x = g_ptr_array_index(ok, i);
            for (guint k = 0; k < x->objects->len; k++) {
                g_hash_table_add(seen, ((hv_object *)g_ptr_array_index(x->objects, k))->type);
            }
        }
        rc = fetch_props(&h, seen);
        g_hash_table_destroy(seen);
    }
    if (!rc) {
        progress(&h, "building the tables");
        rc = hv_build_tables(&br, h.info, universe, ok);
    }
    g_ptr_array_free(ok, TRUE);
    if (rc) {
        goto out;
    }
    {
        char *p = g_build_filename(h.tmpdir, "machine-types.json", NULL);
        rc = write_json(p, br.tables);
        g_free(p);
        if (rc) {
            goto out;
        }
        sum->seconds = now_s() - t0;
        json_object *rep = report_json(&h, &br, sum->seconds, jobs);
        p = g_build_filename(h.tmpdir, "harvest.json", NULL);
        rc = write_json(p, rep);
        g_free(p);
        json_object_put(rep);
        if (rc) {
            goto out;
        }
    }
    if ((rc = install(h.tmpdir, o->out_dir, o->force))) {
        goto out;
    }
    g_free(h.tmpdir);
    h.tmpdir = NULL;
    sum->machines = h.machines->len - sum->machines_failed - sum->machines_skipped;
    sum->compat_props = br.compat_props;
    sum->mismatches = br.mismatches;
    sum->unobserved_pairs = br.unobserved ? json_object_array_length(br.unobserved) : 0;
    if (sum->machines_failed) {
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "%zu machine type%s failed (left out)",
                           sum->machines_failed, sum->machines_failed == 1 ? "" : "s");
    }
out:
    sum->qemu_runs = hv_runs_started() - runs0;
    sum->seconds = now_s() - t0;
    if (h.tmpdir) {
        remove_tree(h.tmpdir);
        g_free(h.tmpdir);
    }
    if (h.obs) {
        for (guint i = 0; i < h.machines->len; i++) {
            hv_machine_obs_clear(&h.obs[i]);
        }
        g_free(h.obs);
    }
    hv_build_result_clear(&br);
    if (h.machines) {
        g_ptr_array_free(h.machines, TRUE);
    }
    if (h.requested) {
        g_hash_table_destroy(h.requested);
    }
    if (h.scope) {
        g_hash_table_destroy(h.scope);
    }
    if (h.cpu_props) {
        g_hash_table_destroy(h.cpu_props);
    }
    if (universe) {
        g_ptr_array_free(universe, TRUE);
    }
    hv_info_free(h.info);
    hv_cmd_free(&h.cmd);
    vmc_machine_types_free(ref);
    g_mutex_clear(&h.lock);
    return rc;
}
