/*
 * A harvest of the installed QEMU 7.2 (compat-tests/CMakeLists.txt runs
 * `vmcompat harvest --machine ...` into a directory first; argv[1] or
 * $VMC_HARVEST_DIR names it) against the built-in 7.2 tables:
 *
 *  - every property value QEMU showed (properties/M.json: qom-get on the
 *    board's objects and on probe devices, query-cpu-model-expansion) that
 *    the built-in tables can answer equals their answer (the value QEMU
 *    reports: the realized value where the tables give one);
 *  - for every (driver, property) named by a global property of the
 *    built-in tables, the harvested tables give the same value on every
 *    harvested machine type, or cannot answer (a pair no probe can show);
 *  - `machines compare pc-q35-6.0 pc-q35-7.2` gives the same rows with both
 *    tables, except the rows of pairs a harvest cannot observe (listed);
 *  - class fields QMP reports (alias, default, cpu-max, ...) agree;
 *  - the harvested tables load, `machines list/compare --tables` and
 *    `schema-diff` work on the harvested files, and the harvested dumps
 *    equal the corpus' dumps of the same binary.
 *
 * A disagreement is either a defect of the built-in tables or a limit of
 * harvesting: each known one is listed below with its reason, and the test
 * fails on any other (and on a listed one that no longer occurs).
 */
#include "testutil.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcompat/machine.h"
#include "vmcompat/schema.h"

static const char *harvest_dir;
static const char **machines;   /* every machine type harvest.json lists as ok */

/* The machine types compat-tests/CMakeLists.txt harvests (plus the newest
 * of each family, which the harvest adds as reference).  The checks run on
 * every machine type the harvest has (a full harvest works too). */
static const char *const required[] = {
    "pc-i440fx-1.4", "pc-i440fx-2.3", "pc-i440fx-5.2", "pc-i440fx-7.2",
    "pc-q35-2.4", "pc-q35-4.0", "pc-q35-6.0", "pc-q35-7.2", "isapc", NULL,
};

/*
 * Known disagreements "MACHINE DRIVER.PROPERTY" (MACHINE "*": all) with
 * their reason.  Kind: "limit" (the harvest cannot see it) or "builtin" (a
 * defect of schemas/machine-types/qemu-7.2.json).
 */
typedef struct known {
    const char *key;
    const char *kind;
    const char *why;
    int hits;
} known;

#define GPU_V1 "virtio-gpu forces virtio 1.0 at realize (virtio_pci_force_virtio_1), over " \
               "hw_compat_2_6's disable-modern=on / disable-legacy=off; the built-in tables " \
               "model realize only for default values"
#define SERIAL_VEC "pc_compat_1_4 sets vectors to 0xFFFFFFFF (unspecified), which realize " \
                   "turns into max_nr_ports + 1 = 32; the built-in tables model realize only " \
                   "for default values"
#define BLK_LAYOUT "virtio_blk_get_features clears ANY_LAYOUT for a legacy-only device " \
                   "(hw_compat_2_6 disable-modern=on); the built-in tables model realize " \
                   "only for default values"
#define IO_RESERVE "the board turns native hotplug off on pc-q35-6.1 (pcie-slot " \
                   "x-native-hotplug=false), and pcie-root-port's realize then reserves 4 KiB " \
                   "of I/O for ACPI hotplug; the built-in tables' realized values do not " \
                   "depend on other properties"
#define REMOTE_VEC "x-remote's PCI host has no MSI-X, so realize leaves vectors 0; the " \
                   "built-in realized values are those of the PC boards (x-remote is only " \
                   "listed there)"
#define CPU_VERSION "microvm resolves CPU model aliases to their latest version " \
                    "(default_cpu_version), the PC boards to v1; the built-in CPU defaults are " \
                    "the v1 expansions"

static known known_raw[] = {
    { "* virtio-gpu-pci.disable-legacy", "builtin", GPU_V1, 0 },
    { "* virtio-gpu-pci.disable-modern", "builtin", GPU_V1, 0 },
    { "* virtio-vga.disable-legacy", "builtin", GPU_V1, 0 },
    { "* virtio-vga.disable-modern", "builtin", GPU_V1, 0 },
    { "pc-i440fx-1.4 virtio-serial-pci.vectors", "builtin", SERIAL_VEC, 0 },
    { "pc-*-2.? virtio-blk-pci.any_layout", "builtin", BLK_LAYOUT, 0 },
    { "pc-q35-6.1 pcie-root-port.io-reserve", "builtin", IO_RESERVE, 0 },
    { "x-remote virtio-*.vectors", "builtin", REMOTE_VEC, 0 },
    { "microvm Haswell-x86_64-cpu.stepping", "builtin", CPU_VERSION, 0 },
    { "microvm Skylake-Server-x86_64-cpu.clflushopt", "builtin", CPU_VERSION, 0 },
    { NULL, NULL, NULL, 0 },
};

static known known_tables[] = {
    { "pc-i440fx-1.4 virtio-serial-pci.vectors", "builtin", SERIAL_VEC, 0 },
    { "pc-*-2.? virtio-blk-pci.any_layout", "builtin", BLK_LAYOUT, 0 },
    { "pc-q35-6.1 pcie-root-port.io-reserve", "builtin", IO_RESERVE, 0 },
    { "x-remote virtio-*.vectors", "builtin", REMOTE_VEC, 0 },
    { "microvm Haswell-x86_64-cpu.stepping", "builtin", CPU_VERSION, 0 },
    { "microvm Skylake-Server-x86_64-cpu.clflushopt", "builtin", CPU_VERSION, 0 },
    { NULL, NULL, NULL, 0 },
};

/* compare pc-q35-6.0 pc-q35-7.2 rows the harvested tables cannot have */
static known known_compare[] = {
    { "* PIIX4_PM.x-not-migrate-acpi-index", "limit",
      "PIIX4_PM exists only on the i440fx board; it cannot be created on a q35 machine", 0 },
    { "* gpex-pcihost.allow-unmapped-accesses", "limit",
      "gpex-pcihost is created only by microvm with pcie=on; not instantiable on q35", 0 },
    { "* vhost-user-vsock-device.seqpacket", "limit", "needs a vhost-user back-end process", 0 },
    { "* vhost-vsock-device.seqpacket", "limit", "needs /dev/vhost-vsock", 0 },
    { "* virtio-mem.unplugged-inaccessible", "limit",
      "configured off vs auto, but realize turns auto into off on x86: qom-get shows off on both", 0 },
    { "* arm-gicv3-common.force-8-bit-prio", "limit",
      "driver absent from qemu-system-x86_64: nothing to observe", 0 },
    { NULL, NULL, NULL, 0 },
};

/* Keys are glob patterns (g_pattern_match_simple) over "MACHINE DRIVER.PROPERTY". */
static known *known_find(known *list, const char *machine, const char *pair)
{
    char *subject = g_strdup_printf("%s %s", machine, pair);
    known *found = NULL;
    for (known *k = list; k->key && !found; k++) {
        if (g_pattern_match_simple(k->key, subject)) {
            found = k;
        }
    }
    g_free(subject);
    return found;
}

/* ---- helpers ---------------------------------------------------------------- */

static char *hpath(const char *rel)
{
    return g_build_filename(harvest_dir, rel, NULL);
}

static vmc_machine_types *load_builtin(void)
{
    vmc_machine_types *set = NULL;
    if (vmc_machine_types_load_builtin(&set)) {
        fail_msg("built-in tables: %s", vmc_error_last()->message);
    }
    return set;
}

static vmc_machine_types *load_harvested(void)
{
    char *p = hpath("machine-types.json");
    vmc_machine_types *set = NULL;
    if (vmc_machine_types_load_file(&set, p)) {
        fail_msg("%s: %s", p, vmc_error_last()->message);
    }
    g_free(p);
    return set;
}

static vmc_machine_setup *setup(const vmc_machine_types *set, const char *name)
{
    const vmc_machine_type *mt;
    vmc_machine_setup *s;
    if (vmc_machine_type_find(&mt, set, name)) {
        fail_msg("%s: %s", name, vmc_error_last()->message);
    }
    assert_int_equal(vmc_machine_setup_new(&s, mt, "tcg"), 0);
    return s;
}

/* What QEMU reports per the tables: the realized value when given. */
static const char *reported(const vmc_prop_value *v)
{
    return v->realized ? v->realized : v->value;
}

static char *json_text(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return g_strdup(json_object_get_boolean(v) ? "true" : "false");
    case json_type_int:
        return json_object_get_int64(v) < 0
                   ? g_strdup_printf("%lld", (long long)json_object_get_int64(v))
                   : g_strdup_printf("%llu", (unsigned long long)json_object_get_uint64(v));
    case json_type_string:
        return g_strdup(json_object_get_string(v));
    default:
        return NULL;
    }
}

static json_object *read_json(const char *rel)
{
    char *p = hpath(rel);
    json_object *o = json_object_from_file(p);
    if (!o) {
        fail_msg("cannot read %s (run the harvest_setup test first)", p);
    }
    g_free(p);
    return o;
}

static void report(const char *title, GPtrArray *lines)
{
    fprintf(stderr, "%s: %u\n", title, lines->len);
    for (guint i = 0; i < lines->len; i++) {
        fprintf(stderr, "  %s\n", (char *)g_ptr_array_index(lines, i));
    }
}

/* Some harvested machine type matches the glob. */
static bool harvested(const char *glob)
{
    for (const char **x = machines; *x; x++) {
        if (g_pattern_match_simple(glob, *x)) {
            return true;
        }
    }
    return false;
}

/* Every known entry of a harvested machine type must have been hit (a stale
 * list is a defect too). */
static void check_known(known *list, const char *what)
{
    for (known *k = list; k->key; k++) {
        const char *sp = strchr(k->key, ' ');
        char *m = g_strndup(k->key, (size_t)(sp - k->key));
        bool applies = harvested(m);
        g_free(m);
        if (applies && !k->hits) {
            fail_msg("%s: listed disagreement %s no longer occurs", what, k->key);
        }
    }
}

/* ---- tests ------------------------------------------------------------------ */

static void test_files(void **state)
{
    (void)state;
    json_object *rep = read_json("harvest.json"), *ms, *q, *v;
    assert_true(json_object_object_get_ex(rep, "qemu", &q));
    assert_true(json_object_object_get_ex(q, "version", &v));
    assert_true(g_str_has_prefix(json_object_get_string(v), "7.2."));
    assert_true(json_object_object_get_ex(rep, "machines", &ms));
    for (const char *const *m = required; *m; m++) {
        bool found = false;
        for (size_t i = 0; i < json_object_array_length(ms); i++) {
            json_object *e = json_object_array_get_idx(ms, i), *n, *st;
            json_object_object_get_ex(e, "name", &n);
            json_object_object_get_ex(e, "status", &st);
            if (strcmp(json_object_get_string(n), *m) == 0) {
                found = true;
                assert_string_equal(json_object_get_string(st), "ok");
            }
        }
        if (!found) {
            fail_msg("harvest.json lacks %s", *m);
        }
        char *rel = g_strdup_printf("dumps/%s.json", *m);
        char *p = hpath(rel);
        assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
        g_free(p);
        g_free(rel);
        rel = g_strdup_printf("properties/%s.json", *m);
        json_object_put(read_json(rel));
        g_free(rel);
    }
    json_object_put(rep);
    vmc_machine_types *h = load_harvested();
    assert_string_equal(vmc_machine_types_qemu_version(h), "7.2.22");
    assert_string_equal(vmc_machine_types_target(h), "x86_64");
    vmc_machine_types_free(h);
}

static void test_raw_values(void **state)
{
    (void)state;
    vmc_machine_types *b = load_builtin();
    GPtrArray *bad = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *lim = g_ptr_array_new_with_free_func(g_free);
    size_t checked = 0;
    for (const char **m = machines; *m; m++) {
        char *rel = g_strdup_printf("properties/%s.json", *m);
        json_object *pj = read_json(rel), *objs;
        g_free(rel);
        vmc_machine_setup *s = setup(b, *m);
        assert_true(json_object_object_get_ex(pj, "objects", &objs));
        for (size_t i = 0; i < json_object_array_length(objs); i++) {
            json_object *o = json_object_array_get_idx(objs, i), *t, *props;
            json_object_object_get_ex(o, "type", &t);
            json_object_object_get_ex(o, "properties", &props);
            const char *type = json_object_get_string(t);
            json_object_object_foreach(props, p, val) {
                vmc_prop_value v;
                vmc_machine_setup_value(s, type, p, &v);
                if (v.status != VMC_PROP_OK || !reported(&v)) {
                    continue;
                }
                char *text = json_text(val);
                char buf[512];
                const char *obs = text ? vmc_prop_canonical(v.type, text, buf, sizeof(buf)) : NULL;
                if (!obs) {
                    obs = text;
                }
                checked++;
                if (obs && strcmp(obs, reported(&v)) == 0) {
                    g_free(text);
                    continue;
                }
                char pair[300];
                snprintf(pair, sizeof(pair), "%s.%s", type, p);
                known *k = known_find(known_raw, *m, pair);
                char *line = g_strdup_printf("%s %s: built-in %s (%s), QEMU %s%s%s", *m, pair,
                                             reported(&v), v.origin_name, obs ? obs : "?",
                                             k ? " -- known: " : "", k ? k->why : "");
                g_ptr_array_add(k ? lim : bad, line);
                if (k) {
                    k->hits++;
                }
                g_free(text);
            }
        }
        vmc_machine_setup_free(s);
        json_object_put(pj);
    }
    fprintf(stderr, "raw values compared with the built-in tables: %zu\n", checked);
    report("known disagreements", lim);
    report("unexpected disagreements", bad);
    assert_true(checked > 1000);
    assert_int_equal(bad->len, 0);
    check_known(known_raw, "raw values");
    g_ptr_array_free(bad, TRUE);
    g_ptr_array_free(lim, TRUE);
    vmc_machine_types_free(b);
}

/* "DRIVER.PROPERTY" pairs harvest.json says nothing showed on machine m. */
static GHashTable *unobserved_on(const char *m)
{
    json_object *rep = read_json("harvest.json"), *ms, *un;
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    assert_true(json_object_object_get_ex(rep, "machines", &ms));
    for (size_t i = 0; i < json_object_array_length(ms); i++) {
        json_object *e = json_object_array_get_idx(ms, i), *n;
        json_object_object_get_ex(e, "name", &n);
        if (strcmp(json_object_get_string(n), m) != 0) {
            continue;
        }
        assert_true(json_object_object_get_ex(e, "unobserved_pairs", &un));
        for (size_t k = 0; k < json_object_array_length(un); k++) {
            g_hash_table_add(h, g_strdup(json_object_get_string(json_object_array_get_idx(un, k))));
        }
    }
    json_object_put(rep);
    return h;
}

static void test_table_values(void **state)
{
    (void)state;
    vmc_machine_types *b = load_builtin(), *h = load_harvested();
    size_t not_here = 0;
    GPtrArray *bad = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *lim = g_ptr_array_new_with_free_func(g_free);
    GHashTable *cannot = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t checked = 0;
    for (const char **m = machines; *m; m++) {
        vmc_machine_setup *sb = setup(b, *m), *sh = setup(h, *m);
        GHashTable *unobs = unobserved_on(*m);
        /* the pairs any built-in machine type names */
        for (size_t mi = 0; mi < vmc_machine_types_count(b); mi++) {
            vmc_machine_setup *any;
            assert_int_equal(vmc_machine_setup_new(&any, vmc_machine_types_get(b, mi), "tcg"), 0);
            for (size_t k = 0; k < vmc_machine_setup_count(any); k++) {
                const vmc_compat_prop *cp = vmc_machine_setup_get(any, k);
                vmc_prop_value vb, vh;
                vmc_machine_setup_value(sb, cp->driver, cp->property, &vb);
                vmc_machine_setup_value(sh, cp->driver, cp->property, &vh);
                char pair[300];
                snprintf(pair, sizeof(pair), "%s.%s", cp->driver, cp->property);
                if (vb.status != VMC_PROP_OK || !reported(&vb)) {
                    continue;
                }
                if (vh.status != VMC_PROP_OK || !reported(&vh)) {
                    g_hash_table_add(cannot, g_strdup(pair));
                    continue;
                }
                char key[400];
                snprintf(key, sizeof(key), "%s %s", *m, pair);
                if (g_hash_table_contains(cannot, key)) {
                    continue;
                }
                g_hash_table_add(cannot, g_strdup(key));   /* once per machine and pair */
                if (g_hash_table_contains(unobs, pair)) {
                    /* e.g. ICH9-LPC on an i440fx machine: the tables give the default */
                    not_here++;
                    continue;
                }
                checked++;
                if (strcmp(reported(&vb), reported(&vh)) == 0) {
                    continue;
                }
                known *kn = known_find(known_tables, *m, pair);
                char *line = g_strdup_printf("%s %s: built-in %s (%s), harvested %s (%s)%s%s", *m,
                                             pair, reported(&vb), vb.origin_name, reported(&vh),
                                             vh.origin_name, kn ? " -- known: " : "",
                                             kn ? kn->why : "");
                g_ptr_array_add(kn ? lim : bad, line);
                if (kn) {
                    kn->hits++;
                }
            }
            vmc_machine_setup_free(any);
        }
        g_hash_table_destroy(unobs);
        vmc_machine_setup_free(sb);
        vmc_machine_setup_free(sh);
    }
    fprintf(stderr, "(machine, driver, property) values compared: %zu; not observable on that "
            "machine type: %zu\n", checked, not_here);
    GPtrArray *un = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, cannot);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!strchr(key, ' ')) {
            g_ptr_array_add(un, key);
        }
    }
    g_ptr_array_sort(un, (GCompareFunc)g_strcmp0);
    fprintf(stderr, "pairs the harvested tables cannot answer: %u\n", un->len);
    for (guint i = 0; i < un->len; i++) {
        fprintf(stderr, "  %s\n", *(char **)&g_ptr_array_index(un, i));
    }
    g_ptr_array_free(un, TRUE);
    report("known disagreements", lim);
    report("unexpected disagreements", bad);
    assert_true(checked > 500);
    assert_int_equal(bad->len, 0);
    check_known(known_tables, "table values");
    g_hash_table_destroy(cannot);
    g_ptr_array_free(bad, TRUE);
    g_ptr_array_free(lim, TRUE);
    vmc_machine_types_free(b);
    vmc_machine_types_free(h);
}

static vmc_machine_diff *compare(const vmc_machine_types *set, const char *a, const char *b)
{
    vmc_machine_setup *sa = setup(set, a), *sb = setup(set, b);
    vmc_machine_diff *d;
    assert_int_equal(vmc_machine_compare(&d, sa, sb), 0);
    vmc_machine_setup_free(sa);
    vmc_machine_setup_free(sb);
    return d;
}

static const vmc_machine_prop_diff *row(const vmc_machine_diff *d, const char *driver,
                                        const char *prop)
{
    for (size_t i = 0; i < vmc_machine_diff_prop_count(d); i++) {
        const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, i);
        if (strcmp(x->driver, driver) == 0 && strcmp(x->property, prop) == 0) {
            return x;
        }
    }
    return NULL;
}

static void test_compare_q35(void **state)
{
    (void)state;
    vmc_machine_types *b = load_builtin(), *h = load_harvested();
    vmc_machine_diff *db = compare(b, "pc-q35-6.0", "pc-q35-7.2");
    vmc_machine_diff *dh = compare(h, "pc-q35-6.0", "pc-q35-7.2");
    size_t same = 0;
    for (size_t i = 0; i < vmc_machine_diff_prop_count(db); i++) {
        const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(db, i);
        const vmc_machine_prop_diff *y = row(dh, x->driver, x->property);
        char pair[300];
        snprintf(pair, sizeof(pair), "%s.%s", x->driver, x->property);
        known *k = known_find(known_compare, "pc-q35-6.0", pair);
        if (!y) {
            if (!k) {
                fail_msg("compare: built-in row %s missing from the harvested tables", pair);
            }
            k->hits++;
            fprintf(stderr, "compare: %s only in the built-in tables -- %s\n", pair, k->why);
            continue;
        }
        if (k) {
            fail_msg("compare: %s is listed as unobservable but the harvest has it", pair);
        }
        assert_string_equal(x->a.value, y->a.value);
        assert_string_equal(x->b.value, y->b.value);
        assert_string_equal(reported(&x->a), reported(&y->a));
        assert_string_equal(reported(&x->b), reported(&y->b));
        assert_int_equal(x->available, y->available);
        same++;
    }
    for (size_t i = 0; i < vmc_machine_diff_prop_count(dh); i++) {
        const vmc_machine_prop_diff *y = vmc_machine_diff_prop_get(dh, i);
        if (!row(db, y->driver, y->property)) {
            fail_msg("compare: harvested row %s.%s not in the built-in tables", y->driver,
                     y->property);
        }
    }
    fprintf(stderr, "compare pc-q35-6.0 pc-q35-7.2: %zu rows equal, %zu built-in rows "
            "unobservable\n", same, vmc_machine_diff_prop_count(db) - same);
    assert_int_equal(same, 16);
    check_known(known_compare, "compare");
    vmc_machine_diff_free(db);
    vmc_machine_diff_free(dh);
    vmc_machine_types_free(b);
    vmc_machine_types_free(h);
}

static void test_class_fields(void **state)
{
    (void)state;
    static const char *const keys[] = { "desc", "alias", "is_default", "max_cpus",
                                        "has_hotpluggable_cpus", "numa_mem_supported",
                                        "default_cpu_type", "default_ram_id", NULL };
    vmc_machine_types *b = load_builtin(), *h = load_harvested();
    for (const char **m = machines; *m; m++) {
        const vmc_machine_type *mb, *mh;
        assert_int_equal(vmc_machine_type_find(&mb, b, *m), 0);
        assert_int_equal(vmc_machine_type_find(&mh, h, *m), 0);
        for (const char *const *k = keys; *k; k++) {
            const vmc_machine_class_field *fb = vmc_machine_type_class_find(mb, *k);
            const vmc_machine_class_field *fh = vmc_machine_type_class_find(mh, *k);
            if (!fb) {
                continue;   /* none, x-remote: the built-in tables list few fields */
            }
            if (!fh) {
                fail_msg("%s: class field %s missing from the harvested tables", *m, *k);
            }
            if (strcmp(fb->value, fh->value) != 0) {
                fail_msg("%s: class field %s: built-in %s, harvested %s", *m, *k, fb->value,
                         fh->value);
            }
        }
        const vmc_machine_info *ib = vmc_machine_type_info(mb), *ih = vmc_machine_type_info(mh);
        assert_int_equal(ib->deprecation_reason != NULL, ih->deprecation_reason != NULL);
        assert_string_equal(ib->qom_type, ih->qom_type);
        /* QMP does not report the family: the harvest derives it from versioned names */
        if (ih->family || strchr(*m, '.')) {
            assert_string_equal(ib->family ? ib->family : "-", ih->family ? ih->family : "-");
        }
    }
    /* aliases resolve the same way */
    const vmc_machine_type *x, *y;
    assert_int_equal(vmc_machine_type_find(&x, h, "q35"), 0);
    assert_string_equal(vmc_machine_type_info(x)->name, "pc-q35-7.2");
    assert_int_equal(vmc_machine_type_find(&y, h, "pc"), 0);
    assert_string_equal(vmc_machine_type_info(y)->name, "pc-i440fx-7.2");
    assert_ptr_equal(vmc_machine_types_default(h), y);
    vmc_machine_types_free(b);
    vmc_machine_types_free(h);
}

static void test_cli_on_harvest(void **state)
{
    (void)state;
    char *tables = hpath("machine-types.json");
    char *out = NULL, *err = NULL;
    const char *a1[] = { "vmcompat", "machines", "list", "--tables", tables, NULL };
    assert_int_equal(tu_run_cli(a1, NULL, 0, &out, NULL, &err), 0);
    for (const char **m = machines; *m; m++) {
        assert_non_null(strstr(out, *m));
    }
    free(out);
    free(err);
    const char *a2[] = { "vmcompat", "machines", "compare", "pc-q35-6.0", "pc-q35-7.2", "--tables",
                         tables, "--format", "json", NULL };
    assert_int_equal(tu_run_cli(a2, NULL, 0, &out, NULL, &err), 0);
    json_object *j = json_tokener_parse(out), *props;
    assert_non_null(j);
    assert_true(json_object_object_get_ex(j, "properties", &props));
    assert_int_equal(json_object_array_length(props), 16);
    json_object_put(j);
    free(out);
    free(err);
    const char *a3[] = { "vmcompat", "machines", "show", "pc-i440fx-2.3", "--tables", tables, NULL };
    assert_int_equal(tu_run_cli(a3, NULL, 0, &out, NULL, &err), 0);
    assert_non_null(strstr(out, "pc-i440fx-2.3"));
    free(out);
    free(err);
    g_free(tables);
}

/* The CPU models the binary reports equal the built-in "cpu_models". */
static void test_cpu_models(void **state)
{
    (void)state;
    vmc_machine_types *b = load_builtin(), *h = load_harvested();
    size_t n = vmc_machine_types_cpu_model_count(h);
    assert_int_equal(n, vmc_machine_types_cpu_model_count(b));
    for (size_t i = 0; i < n; i++) {
        const vmc_cpu_model *x = vmc_machine_types_cpu_model_at(h, i);
        const vmc_cpu_model *y = vmc_machine_types_cpu_model(b, x->name);
        if (!y || x->family != y->family || x->model != y->model || x->stepping != y->stepping ||
            x->apic != y->apic || x->mce != y->mce || x->mca != y->mca ||
            x->monitor != y->monitor || g_strcmp0(x->alias_of, y->alias_of) != 0) {
            fail_msg("CPU model %s: the binary and the built-in tables disagree", x->name);
        }
    }
    static const char *const some[] = { "sse4.1", "sse4_1", "monitor", "family", "enforce",
                                        "check", "apic", NULL };
    for (size_t i = 0; some[i]; i++) {
        assert_true(vmc_machine_types_cpu_property(h, some[i]));
        assert_true(vmc_machine_types_cpu_property(b, some[i]));
    }
    /* and its -device names */
    static const char *const devs[] = { "vmcoreinfo", "vfio-pci", "e1000", "qxl-vga", NULL };
    for (size_t i = 0; devs[i]; i++) {
        assert_int_equal(vmc_machine_types_device_known(h, devs[i]), 1);
        assert_int_equal(vmc_machine_types_device_known(b, devs[i]), 1);
    }
    assert_int_equal(vmc_machine_types_device_known(h, "igb"), 0);
    assert_int_equal(vmc_machine_types_device_known(b, "igb"), 0);
    printf("%zu CPU models agree\n", n);
    vmc_machine_types_free(b);
    vmc_machine_types_free(h);
}

static void test_schema_diff_on_dumps(void **state)
{
    (void)state;
    char *d60 = hpath("dumps/pc-q35-6.0.json"), *d72 = hpath("dumps/pc-q35-7.2.json");
    char *out = NULL, *err = NULL;
    const char *a1[] = { "vmcompat", "schema-diff", "--format", "json", d60, d72, NULL };
    int rc = tu_run_cli(a1, NULL, 0, &out, NULL, &err);
    assert_true(rc == 0 || rc == 1);
    json_object *j = json_tokener_parse(out), *src, *m;
    assert_non_null(j);
    assert_true(json_object_object_get_ex(j, "source", &src));
    assert_true(json_object_object_get_ex(src, "machine", &m));
    assert_string_equal(json_object_get_string(m), "pc-q35-6.0");
    json_object_put(j);
    free(out);
    free(err);
    /* the harvested dumps are the binary's -dump-vmstate: the corpus has the
     * same binary's dumps, so the library sees no difference that matters */
    vmc_dump *a = NULL, *b = NULL;
    vmc_findings *f = NULL;
    assert_int_equal(vmc_dump_load(&a, tu_corpus_path("vmstate/pc-q35-7.2.json.gz")), 0);
    assert_int_equal(vmc_dump_load(&b, d72), 0);
    vmc_schema_diff_opts o = { 0 };
    assert_int_equal(vmc_schema_diff(&f, a, b, &o), 0);
    assert_int_equal(vmc_findings_count_severity(f, VMC_SEV_ERROR), 0);
    assert_int_equal(vmc_findings_count_severity(f, VMC_SEV_WARNING), 0);
    vmc_findings_free(f);
    vmc_dump_free(a);
    vmc_dump_free(b);
    g_free(d60);
    g_free(d72);
}

int main(int argc, char **argv)
{
    harvest_dir = argc > 1 ? argv[1] : getenv("VMC_HARVEST_DIR");
    if (!harvest_dir) {
        fprintf(stderr, "usage: %s HARVEST_DIR (or set VMC_HARVEST_DIR)\n", argv[0]);
        return 2;
    }
    char *rp = g_build_filename(harvest_dir, "harvest.json", NULL);
    json_object *rep = json_object_from_file(rp), *ms;
    if (!rep || !json_object_object_get_ex(rep, "machines", &ms)) {
        fprintf(stderr, "%s: cannot read %s (run the compat_harvest_setup test first)\n",
                argv[0], rp);
        return 1;
    }
    g_free(rp);
    machines = calloc(json_object_array_length(ms) + 1, sizeof(*machines));
    size_t n = 0;
    for (size_t i = 0; i < json_object_array_length(ms); i++) {
        json_object *e = json_object_array_get_idx(ms, i), *nm, *st;
        if (json_object_object_get_ex(e, "name", &nm) && json_object_object_get_ex(e, "status", &st) &&
            strcmp(json_object_get_string(st), "ok") == 0) {
            machines[n++] = g_strdup(json_object_get_string(nm));
        }
    }
    json_object_put(rep);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_raw_values),
        cmocka_unit_test(test_table_values),
        cmocka_unit_test(test_compare_q35),
        cmocka_unit_test(test_class_fields),
        cmocka_unit_test(test_cli_on_harvest),
        cmocka_unit_test(test_schema_diff_on_dumps),
        cmocka_unit_test(test_cpu_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
