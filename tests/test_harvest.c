/*
 * `vmcompat harvest` without a real QEMU: the parsers of QEMU's help and
 * `info qtree` text (samples copied from QEMU 7.2.22's output), machine type
 * versions and families, probe recipes, building tables from hand-made
 * observations (expected compat properties and defaults worked out by
 * hand), and the command line: usage errors, a missing binary, a "QEMU"
 * that hangs (killed after --timeout), one that fails, atomic output.
 * compat-tests/test_harvest_builtin.c runs the harvest on the real binary.
 */
#include "testutil.h"

#include <errno.h>
#include <glib.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "machine-types/harvest_internal.h"
#include "vmcompat/harvest.h"
#include "vmcompat/machine.h"

/* ---- parsers ------------------------------------------------------------------ */

static void test_machine_help(void **state)
{
    (void)state;
    static const char text[] =
        "Supported machines are:\n"
        "microvm              microvm (i386)\n"
        "pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)\n"
        "pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\n"
        "pc-i440fx-1.4        Standard PC (i440FX + PIIX, 1996) (deprecated)\n"
        "q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)\n"
        "pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)\n"
        "x-remote             Experimental remote machine\n";
    GPtrArray *m = hv_parse_machine_help(text);
    assert_int_equal(m->len, 7);
    hv_help_machine *x = g_ptr_array_index(m, 0);
    assert_string_equal(x->name, "microvm");
    assert_string_equal(x->desc, "microvm (i386)");
    assert_null(x->alias_of);
    x = g_ptr_array_index(m, 1);
    assert_string_equal(x->name, "pc");
    assert_string_equal(x->alias_of, "pc-i440fx-7.2");
    assert_string_equal(x->desc, "Standard PC (i440FX + PIIX, 1996)");
    x = g_ptr_array_index(m, 2);
    assert_true(x->is_default);
    assert_false(x->deprecated);
    assert_string_equal(x->desc, "Standard PC (i440FX + PIIX, 1996)");
    x = g_ptr_array_index(m, 3);
    assert_true(x->deprecated);
    assert_false(x->is_default);
    x = g_ptr_array_index(m, 6);
    assert_string_equal(x->name, "x-remote");
    assert_string_equal(x->desc, "Experimental remote machine");
    g_ptr_array_free(m, TRUE);
    /* nothing but the header, or nothing at all */
    m = hv_parse_machine_help("Supported machines are:\n");
    assert_int_equal(m->len, 0);
    g_ptr_array_free(m, TRUE);
    m = hv_parse_machine_help(NULL);
    assert_int_equal(m->len, 0);
    g_ptr_array_free(m, TRUE);
}

static void test_device_help(void **state)
{
    (void)state;
    static const char text[] =
        "Controller/Bridge/Hub devices:\n"
        "name \"pcie-root-port\", bus PCI, desc \"PCI Express Root Port\"\n"
        "name \"usb-host\", bus usb-bus\n"
        "name \"virtio-net-pci\", bus PCI, alias \"virtio-net\"\n"
        "name \"isa-serial\", bus ISA\n"
        "name \"loader\", desc \"Generic Loader\"\n"
        "\n"
        "name \"broken\n";
    GHashTable *h = hv_parse_device_help(text);
    assert_int_equal(g_hash_table_size(h), 5);
    assert_string_equal(g_hash_table_lookup(h, "pcie-root-port"), "PCI");
    assert_string_equal(g_hash_table_lookup(h, "usb-host"), "usb-bus");
    assert_string_equal(g_hash_table_lookup(h, "virtio-net-pci"), "PCI");
    assert_string_equal(g_hash_table_lookup(h, "isa-serial"), "ISA");
    assert_string_equal(g_hash_table_lookup(h, "loader"), "");
    g_hash_table_destroy(h);
}

/* `info qtree` as human-monitor-command returns it (\r\n line ends). */
static const char qtree_text[] =
    "bus: main-system-bus\r\n"
    "  type System\r\n"
    "  dev: hpet, id \"\"\r\n"
    "    gpio-in \"\" 2\r\n"
    "    timers = 3 (0x3)\r\n"
    "    msi = false\r\n"
    "    hpet-intcap = 16711940 (0xff0104)\r\n"
    "    mmio 00000000fed00000/0000000000000400\r\n"
    "  dev: q35-pcihost, id \"\"\r\n"
    "    pci-hole64-size = 34359738368 (32 GiB)\r\n"
    "    bus: pcie.0\r\n"
    "      type PCIE\r\n"
    "      dev: virtio-rng-pci, id \"r0\"\r\n"
    "        romfile = \"efi-virtio.rom\"\r\n"
    "        addr = 02.0\r\n"
    "        vectors = 2 (0x2)\r\n"
    "        bus: virtio-bus\r\n"
    "          type virtio-pci-bus\r\n"
    "          dev: virtio-rng-device, id \"\"\r\n"
    "            max-bytes = 9223372036854775807 (0x7fffffffffffffff)\r\n"
    "      dev: ICH9-LPC, id \"\"\r\n"
    "        noreboot = true\r\n"
    "        bus: isa.0\r\n"
    "          type ISA\r\n";

static const hv_qtree_dev *qdev(const hv_qtree *t, const char *type)
{
    for (guint i = 0; i < t->devs->len; i++) {
        const hv_qtree_dev *d = g_ptr_array_index(t->devs, i);
        if (strcmp(d->type, type) == 0) {
            return d;
        }
    }
    fail_msg("no %s in qtree", type);
    return NULL;
}

static void test_qtree(void **state)
{
    (void)state;
    hv_qtree *t = hv_parse_qtree(qtree_text);
    assert_int_equal(t->devs->len, 5);
    assert_true(g_hash_table_contains(t->bus_types, "System"));
    assert_true(g_hash_table_contains(t->bus_types, "PCIE"));
    assert_true(g_hash_table_contains(t->bus_types, "ISA"));
    assert_true(g_hash_table_contains(t->bus_types, "virtio-pci-bus"));
    assert_false(g_hash_table_contains(t->bus_types, "PCI"));
    const hv_qtree_dev *d = qdev(t, "hpet");
    assert_string_equal(d->id, "");
    assert_string_equal(d->bus_type, "System");
    assert_string_equal(g_hash_table_lookup(d->props, "hpet-intcap"), "16711940 (0xff0104)");
    assert_null(g_hash_table_lookup(d->props, "gpio-in \"\" 2"));
    d = qdev(t, "virtio-rng-pci");
    assert_string_equal(d->id, "r0");
    assert_string_equal(d->bus_type, "PCIE");
    assert_string_equal(g_hash_table_lookup(d->props, "vectors"), "2 (0x2)");
    /* a property line after a nested bus belongs to the device again */
    d = qdev(t, "virtio-rng-device");
    assert_string_equal(d->bus_type, "virtio-pci-bus");
    assert_non_null(g_hash_table_lookup(d->props, "max-bytes"));
    d = qdev(t, "ICH9-LPC");
    assert_string_equal(d->bus_type, "PCIE");
    assert_string_equal(g_hash_table_lookup(d->props, "noreboot"), "true");
    hv_qtree_free(t);
    /* garbage does not crash */
    t = hv_parse_qtree("  dev: x\n    = 1\nbus:\n type\n\n");
    hv_qtree_free(t);
}

static void test_qtree_value(void **state)
{
    (void)state;
    json_object *v = hv_qtree_value("2 (0x2)", "uint32");
    assert_int_equal(json_object_get_int64(v), 2);
    json_object_put(v);
    v = hv_qtree_value("34359738368 (32 GiB)", "size");
    assert_int_equal(json_object_get_int64(v), 34359738368LL);
    json_object_put(v);
    v = hv_qtree_value("-1 (0xffffffffffffffff)", "int64");
    assert_int_equal(json_object_get_int64(v), -1);
    json_object_put(v);
    v = hv_qtree_value("18446744073709551615", "uint64");
    assert_true(json_object_get_uint64(v) == UINT64_MAX);
    json_object_put(v);
    v = hv_qtree_value("false", "bool");
    assert_true(json_object_is_type(v, json_type_boolean));
    assert_false(json_object_get_boolean(v));
    json_object_put(v);
    v = hv_qtree_value("\"efi-virtio.rom\"", "str");
    assert_string_equal(json_object_get_string(v), "efi-virtio.rom");
    json_object_put(v);
    v = hv_qtree_value("02.0", "int32");
    assert_null(v);
    assert_null(hv_qtree_value("maybe", "bool"));
    assert_null(hv_qtree_value(NULL, "bool"));
    v = hv_qtree_value("auto", "OnOffAuto");
    assert_string_equal(json_object_get_string(v), "auto");
    json_object_put(v);
}

static void test_versions(void **state)
{
    (void)state;
    char *prefix = NULL;
    int v[4];
    size_t n = 0;
    assert_true(hv_machine_version("pc-q35-4.0.1", &prefix, v, 4, &n));
    assert_string_equal(prefix, "pc-q35");
    assert_int_equal(n, 3);
    assert_int_equal(v[0], 4);
    assert_int_equal(v[1], 0);
    assert_int_equal(v[2], 1);
    g_free(prefix);
    assert_false(hv_machine_version("microvm", NULL, v, 4, NULL));
    assert_false(hv_machine_version("x-remote", NULL, v, 4, NULL));
    assert_false(hv_machine_version("pc-q35-7", NULL, v, 4, NULL));
    assert_false(hv_machine_version("pc-q35-7.", NULL, v, 4, NULL));
    assert_false(hv_machine_version("-7.2", NULL, v, 4, NULL));
    assert_true(hv_machine_version_cmp("pc-i440fx-2.10", "pc-i440fx-2.9") > 0);
    assert_true(hv_machine_version_cmp("pc-q35-4.0.1", "pc-q35-4.0") > 0);
    assert_true(hv_machine_version_cmp("pc-q35-4.0", "pc-q35-4.0.1") < 0);
    assert_int_equal(hv_machine_version_cmp("pc-q35-7.2", "pc-q35-7.2"), 0);
    assert_true(hv_machine_version_cmp("isapc", "pc-q35-1.0") < 0);
    char *f = hv_machine_family("pc-q35-6.0");
    assert_string_equal(f, "pc_q35");
    g_free(f);
    f = hv_machine_family("pc-i440fx-1.4");
    assert_string_equal(f, "pc_piix");
    g_free(f);
    f = hv_machine_family("virt-rhel-9.2");
    assert_string_equal(f, "virt_rhel");
    g_free(f);
    assert_null(hv_machine_family("isapc"));
}

static void test_value_text(void **state)
{
    (void)state;
    json_object *v = json_object_new_boolean(1);
    char *t = hv_value_text(v, "bool");
    assert_string_equal(t, "true");
    g_free(t);
    json_object_put(v);
    v = json_object_new_uint64(UINT64_MAX);
    t = hv_value_text(v, "uint64");
    assert_string_equal(t, "18446744073709551615");
    g_free(t);
    json_object_put(v);
    v = json_object_new_int64(-5);
    t = hv_value_text(v, NULL);
    assert_string_equal(t, "-5");
    g_free(t);
    json_object_put(v);
    /* strings take the canonical form of their type: "on" is a bool true */
    v = json_object_new_string("on");
    t = hv_value_text(v, "bool");
    assert_string_equal(t, "true");
    g_free(t);
    json_object_put(v);
    v = json_object_new_string("efi-e1000.rom");
    t = hv_value_text(v, "str");
    assert_string_equal(t, "efi-e1000.rom");
    g_free(t);
    json_object_put(v);
    v = json_object_new_array();
    assert_null(hv_value_text(v, NULL));
    json_object_put(v);
    assert_null(hv_value_text(NULL, NULL));
}

static void test_recipes(void **state)
{
    (void)state;
    hv_recipe r[4];
    /* generic by bus */
    assert_int_equal(hv_recipes_for("e1000", "PCI", r, 4), 1);
    assert_string_equal(r[0].args, "-device @T,id=@");
    assert_true(r[0].flags & HV_NEEDS_PCI);
    assert_int_equal(r[0].slots, 1);
    assert_int_equal(hv_recipes_for("isa-serial", "ISA", r, 4), 1);
    assert_true(r[0].flags & HV_NEEDS_ISA);
    assert_int_equal(r[0].slots, 0);
    assert_int_equal(hv_recipes_for("usb-kbd", "usb-bus", r, 4), 1);
    assert_non_null(strstr(r[0].args, "qemu-xhci"));
    /* back ends and non-user-creatable types: none */
    assert_int_equal(hv_recipes_for("virtio-net-device", "virtio-bus", r, 4), 0);
    assert_int_equal(hv_recipes_for("ICH9-LPC", NULL, r, 4), 0);
    /* explicit recipes win, in order of preference */
    assert_int_equal(hv_recipes_for("nvme-ns", "nvme-bus", r, 4), 2);
    assert_non_null(strstr(r[0].args, "nvme-subsys"));
    assert_null(strstr(r[1].args, "nvme-subsys"));
    assert_int_equal(hv_recipes_for("virtio-mem-pci", "PCI", r, 4), 1);
    assert_true(r[0].flags & HV_ALONE);
    assert_int_equal(hv_recipes_for("memory-backend-ram", NULL, r, 4), 1);
    assert_string_equal(r[0].path, "/objects/@");
    /* skipped with a reason */
    assert_int_equal(hv_recipes_for("vhost-vsock-device", "virtio-bus", r, 4), 1);
    assert_true(r[0].flags & HV_SKIP);
    assert_non_null(strstr(r[0].why, "vhost-vsock"));
    /* max bounds the output */
    assert_int_equal(hv_recipes_for("nvme-ns", "nvme-bus", r, 1), 1);
}

/* ---- building tables from hand-made observations -------------------------- */

typedef struct fake {
    hv_info *info;
    GPtrArray *universe;
    GPtrArray *obs;          /* hv_machine_obs* */
} fake;

static void add_type(hv_info *i, const char *t, const char *parent, bool abstract)
{
    g_hash_table_replace(i->parent, g_strdup(t), g_strdup(parent ? parent : ""));
    if (abstract) {
        g_hash_table_add(i->abstract, g_strdup(t));
    }
}

static void add_machine(hv_info *i, const char *name, bool is_default, const char *compat_json)
{
    hv_machine_info *m = g_new0(hv_machine_info, 1);
    m->name = g_strdup(name);
    m->desc = g_strdup("Test machine");
    m->is_default = is_default;
    m->hotpluggable_cpus = -1;
    m->numa_mem_supported = -1;
    m->family = hv_machine_family(name);
    if (compat_json) {
        m->compat_props = json_tokener_parse(compat_json);
    }
    if (is_default) {
        i->default_machine = g_strdup(name);
    }
    g_ptr_array_add(i->machines, m);
}

static void machine_info_free(void *p)
{
    hv_machine_info *m = p;
    g_free(m->name);
    g_free(m->alias);
    g_free(m->desc);
    g_free(m->family);
    g_free(m->default_cpu_type);
    g_free(m->default_ram_id);
    json_object_put(m->compat_props);
    g_free(m);
}

static void jput(void *p)
{
    json_object_put(p);
}

static void add_pair(fake *f, const char *d, const char *p)
{
    hv_pair *x = g_new0(hv_pair, 1);
    x->driver = g_strdup(d);
    x->property = g_strdup(p);
    g_ptr_array_add(f->universe, x);
}

static void object_free(void *p)
{
    hv_object *o = p;
    g_free(o->path);
    g_free(o->type);
    g_free(o->source);
    json_object_put(o->props);
    json_object_put(o->ptypes);
    g_free(o);
}

static hv_machine_obs *add_obs(fake *f, const char *name)
{
    hv_machine_obs *o = g_new0(hv_machine_obs, 1);
    o->name = g_strdup(name);
    o->ok = true;
    o->objects = g_ptr_array_new_with_free_func(object_free);
    o->by_type = g_hash_table_new(g_str_hash, g_str_equal);
    o->failures = g_ptr_array_new();
    g_ptr_array_add(f->obs, o);
    return o;
}

/* An observed object: props_json like {"vectors": 2}, types_json {"vectors": "uint32"}. */
static void add_object(hv_machine_obs *o, const char *type, const char *props_json,
                       const char *types_json)
{
    hv_object *ob = g_new0(hv_object, 1);
    ob->path = g_strdup_printf("/machine/peripheral/%s", type);
    ob->type = g_strdup(type);
    ob->source = g_strdup("probe");
    ob->props = json_tokener_parse(props_json);
    ob->ptypes = json_tokener_parse(types_json);
    assert_non_null(ob->props);
    assert_non_null(ob->ptypes);
    g_ptr_array_add(o->objects, ob);
    g_hash_table_insert(o->by_type, ob->type, ob);
}

static void set_qlp(hv_info *i, const char *type, const char *json)
{
    json_object *o = json_tokener_parse(json);
    assert_non_null(o);
    g_hash_table_replace(i->qlp, g_strdup(type), o);
}

/*
 * A small QOM world: virtio-rng-pci (PCI proxy) with its back end
 * virtio-rng-device, and a virtio-net-pci whose back end has a different
 * nearest universe driver for queue_reset.  Machine types t-2.0 (older)
 * and t-3.0 (newest, default).
 */
static fake *fake_new(bool exact)
{
    fake *f = g_new0(fake, 1);
    hv_info *i = f->info = g_new0(hv_info, 1);
    i->version = g_strdup("9.9.9");
    i->binary = g_strdup("qemu-system-test");
    i->target = g_strdup("x86_64");
    i->machines = g_ptr_array_new_with_free_func(machine_info_free);
    i->parent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    i->abstract = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    i->device_bus = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    i->cpu_models = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    i->qlp = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, jput);
    i->has_compat_props = exact;
    add_type(i, "object", NULL, true);
    add_type(i, "device", "object", true);
    add_type(i, "pci-device", "device", true);
    add_type(i, "virtio-pci", "pci-device", true);
    add_type(i, "virtio-rng-pci", "virtio-pci", false);
    add_type(i, "virtio-net-pci", "virtio-pci", false);
    add_type(i, "virtio-device", "device", true);
    add_type(i, "virtio-rng-device", "virtio-device", false);
    add_type(i, "virtio-net-device", "virtio-device", false);
    set_qlp(i, "virtio-rng-pci", "[{\"name\": \"vectors\", \"type\": \"uint32\", "
                                 "\"default-value\": 4294967295}]");
    set_qlp(i, "virtio-net-pci", "[{\"name\": \"vectors\", \"type\": \"uint32\", "
                                 "\"default-value\": 4294967295}]");
    set_qlp(i, "virtio-rng-device", "[{\"name\": \"queue_reset\", \"type\": \"bool\", "
                                    "\"default-value\": true}]");
    set_qlp(i, "virtio-net-device", "[{\"name\": \"queue_reset\", \"type\": \"bool\", "
                                    "\"default-value\": true}, {\"name\": \"mq\", "
                                    "\"type\": \"bool\"}]");
    f->universe = g_ptr_array_new_with_free_func(hv_pair_free);
    f->obs = g_ptr_array_new();
    return f;
}

static void fake_free(fake *f)
{
    for (guint k = 0; k < f->obs->len; k++) {
        hv_machine_obs *o = g_ptr_array_index(f->obs, k);
        g_free(o->name);
        g_ptr_array_free(o->objects, TRUE);
        g_hash_table_destroy(o->by_type);
        g_ptr_array_free(o->failures, TRUE);
        g_free(o);
    }
    g_ptr_array_free(f->obs, TRUE);
    g_ptr_array_free(f->universe, TRUE);
    hv_info_free(f->info);
    g_free(f);
}

static vmc_machine_types *load_built(const hv_build_result *r)
{
    const char *text = json_object_to_json_string(r->tables);
    vmc_machine_types *set = NULL;
    if (vmc_machine_types_parse(&set, text, strlen(text), "test") != 0) {
        fail_msg("harvested tables do not load: %s", vmc_error_last()->message);
    }
    return set;
}

static json_object *machine_entry(json_object *tables, const char *name)
{
    json_object *ms;
    assert_true(json_object_object_get_ex(tables, "machines", &ms));
    for (size_t k = 0; k < json_object_array_length(ms); k++) {
        json_object *m = json_object_array_get_idx(ms, k), *n;
        json_object_object_get_ex(m, "name", &n);
        if (strcmp(json_object_get_string(n), name) == 0) {
            return m;
        }
    }
    fail_msg("no machine %s", name);
    return NULL;
}

static const char *compat_text(json_object *tables, const char *name)
{
    json_object *cp;
    assert_true(json_object_object_get_ex(machine_entry(tables, name), "compat_props", &cp));
    return json_object_to_json_string_ext(cp, JSON_C_TO_STRING_PLAIN);
}

static void value_is(vmc_machine_types *set, const char *machine, const char *d, const char *p,
                     const char *value, const char *realized)
{
    const vmc_machine_type *mt;
    vmc_machine_setup *s;
    vmc_prop_value v;
    assert_int_equal(vmc_machine_type_find(&mt, set, machine), 0);
    assert_int_equal(vmc_machine_setup_new(&s, mt, "tcg"), 0);
    assert_int_equal(vmc_machine_setup_value(s, d, p, &v), 0);
    if (value) {
        assert_int_equal(v.status, VMC_PROP_OK);
        assert_non_null(v.value);
        assert_string_equal(v.value, value);
    } else {
        assert_int_not_equal(v.status, VMC_PROP_OK);
    }
    if (realized) {
        assert_non_null(v.realized);
        assert_string_equal(v.realized, realized);
    } else {
        assert_null(v.realized);
    }
    vmc_machine_setup_free(s);
}

static void test_build_derived(void **state)
{
    (void)state;
    fake *f = fake_new(false);
    add_machine(f->info, "t-3.0", true, NULL);
    add_machine(f->info, "t-2.0", false, NULL);
    add_pair(f, "virtio-device", "queue_reset");
    add_pair(f, "virtio-rng-pci", "vectors");
    add_pair(f, "virtio-net-pci", "vectors");
    add_pair(f, "virtio-net-device", "mq");          /* never observed */
    add_pair(f, "arm-gicv3-common", "force-8-bit-prio");  /* not in this binary */
    /* newest: realize turned vectors 0xffffffff into 2 (rng) and 3 (net) */
    hv_machine_obs *n = add_obs(f, "t-3.0");
    add_object(n, "virtio-rng-pci", "{\"vectors\": 2}", "{\"vectors\": \"uint32\"}");
    add_object(n, "virtio-net-pci", "{\"vectors\": 3}", "{\"vectors\": \"uint32\"}");
    add_object(n, "virtio-rng-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    add_object(n, "virtio-net-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    /* older: a compat property set queue_reset off for every virtio device and
     * vectors 0 on virtio-rng-pci only; virtio-net-pci shows its realized 3 */
    hv_machine_obs *o = add_obs(f, "t-2.0");
    add_object(o, "virtio-rng-pci", "{\"vectors\": 0}", "{\"vectors\": \"uint32\"}");
    add_object(o, "virtio-net-pci", "{\"vectors\": 3}", "{\"vectors\": \"uint32\"}");
    add_object(o, "virtio-rng-device", "{\"queue_reset\": false}", "{\"queue_reset\": \"bool\"}");
    add_object(o, "virtio-net-device", "{\"queue_reset\": false}", "{\"queue_reset\": \"bool\"}");
    hv_build_result r;
    assert_int_equal(hv_build_tables(&r, f->info, f->universe, f->obs), 0);
    /* queue_reset: both observers agree, so one entry on the universe driver */
    assert_string_equal(compat_text(r.tables, "t-2.0"),
                        "[{\"driver\":\"virtio-device\",\"property\":\"queue_reset\",\"value\":"
                        "\"false\"},{\"driver\":\"virtio-rng-pci\",\"property\":\"vectors\","
                        "\"value\":\"0\"}]");
    assert_string_equal(compat_text(r.tables, "t-3.0"), "[]");
    assert_int_equal(r.compat_props, 2);
    assert_int_equal(r.mismatches, 0);
    vmc_machine_types *set = load_built(&r);
    value_is(set, "t-3.0", "virtio-rng-pci", "vectors", "4294967295", "2");
    value_is(set, "t-2.0", "virtio-rng-pci", "vectors", "0", NULL);
    value_is(set, "t-2.0", "virtio-net-pci", "vectors", "4294967295", "3");
    value_is(set, "t-2.0", "virtio-rng-device", "queue_reset", "false", NULL);
    value_is(set, "t-3.0", "virtio-device", "queue_reset", "true", NULL);
    /* mq was never observed: the tables do not claim a value */
    value_is(set, "t-2.0", "virtio-net-device", "mq", NULL, NULL);
    /* the absent driver is listed as such, and the unobserved pair is reported */
    json_object *abs;
    assert_true(json_object_object_get_ex(r.tables, "absent_types", &abs));
    assert_string_equal(json_object_to_json_string_ext(abs, JSON_C_TO_STRING_PLAIN),
                        "[\"arm-gicv3-common\"]");
    assert_string_equal(json_object_to_json_string_ext(r.unobserved, JSON_C_TO_STRING_PLAIN),
                        "[{\"driver\":\"virtio-net-device\",\"property\":\"mq\","
                        "\"reason\":\"no object showed it\"}]");
    /* compare lists exactly the two differing observed pairs */
    const vmc_machine_type *ma, *mb;
    vmc_machine_setup *sa, *sb;
    vmc_machine_diff *d;
    assert_int_equal(vmc_machine_type_find(&ma, set, "t-2.0"), 0);
    assert_int_equal(vmc_machine_type_find(&mb, set, "t-3.0"), 0);
    assert_int_equal(vmc_machine_setup_new(&sa, ma, NULL), 0);
    assert_int_equal(vmc_machine_setup_new(&sb, mb, NULL), 0);
    assert_int_equal(vmc_machine_compare(&d, sa, sb), 0);
    assert_int_equal(vmc_machine_diff_prop_count(d), 2);
    assert_string_equal(vmc_machine_diff_prop_get(d, 0)->driver, "virtio-device");
    assert_string_equal(vmc_machine_diff_prop_get(d, 1)->driver, "virtio-rng-pci");
    vmc_machine_diff_free(d);
    vmc_machine_setup_free(sa);
    vmc_machine_setup_free(sb);
    vmc_machine_types_free(set);
    hv_build_result_clear(&r);
    fake_free(f);
}

static void test_build_conflict(void **state)
{
    (void)state;
    /* observers of one universe driver disagree: entries on their own types */
    fake *f = fake_new(false);
    add_machine(f->info, "t-3.0", true, NULL);
    add_machine(f->info, "t-2.0", false, NULL);
    add_pair(f, "virtio-device", "queue_reset");
    hv_machine_obs *n = add_obs(f, "t-3.0");
    add_object(n, "virtio-rng-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    add_object(n, "virtio-net-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    hv_machine_obs *o = add_obs(f, "t-2.0");
    add_object(o, "virtio-rng-device", "{\"queue_reset\": false}", "{\"queue_reset\": \"bool\"}");
    add_object(o, "virtio-net-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    hv_build_result r;
    assert_int_equal(hv_build_tables(&r, f->info, f->universe, f->obs), 0);
    assert_string_equal(compat_text(r.tables, "t-2.0"),
                        "[{\"driver\":\"virtio-rng-device\",\"property\":\"queue_reset\","
                        "\"value\":\"false\"}]");
    assert_int_equal(r.mismatches, 0);
    vmc_machine_types *set = load_built(&r);
    value_is(set, "t-2.0", "virtio-net-device", "queue_reset", "true", NULL);
    value_is(set, "t-2.0", "virtio-rng-device", "queue_reset", "false", NULL);
    vmc_machine_types_free(set);
    hv_build_result_clear(&r);
    fake_free(f);
}

static void test_build_majority(void **state)
{
    (void)state;
    /* two observers show the compat value, a third keeps its default because
     * its realize forces it (virtio-gpu and virtio 1.0): one entry on the
     * universe driver, one on the exception */
    fake *f = fake_new(false);
    add_type(f->info, "virtio-gpu-device", "virtio-device", false);
    set_qlp(f->info, "virtio-gpu-device", "[{\"name\": \"queue_reset\", \"type\": \"bool\", "
                                          "\"default-value\": true}]");
    add_machine(f->info, "t-3.0", true, NULL);
    add_machine(f->info, "t-2.0", false, NULL);
    add_pair(f, "virtio-device", "queue_reset");
    hv_machine_obs *n = add_obs(f, "t-3.0");
    add_object(n, "virtio-rng-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    add_object(n, "virtio-net-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    add_object(n, "virtio-gpu-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    hv_machine_obs *o = add_obs(f, "t-2.0");
    add_object(o, "virtio-rng-device", "{\"queue_reset\": false}", "{\"queue_reset\": \"bool\"}");
    add_object(o, "virtio-net-device", "{\"queue_reset\": false}", "{\"queue_reset\": \"bool\"}");
    add_object(o, "virtio-gpu-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    hv_build_result r;
    assert_int_equal(hv_build_tables(&r, f->info, f->universe, f->obs), 0);
    assert_string_equal(compat_text(r.tables, "t-2.0"),
                        "[{\"driver\":\"virtio-device\",\"property\":\"queue_reset\",\"value\":"
                        "\"false\"},{\"driver\":\"virtio-gpu-device\",\"property\":\"queue_reset\","
                        "\"value\":\"true\"}]");
    assert_int_equal(r.mismatches, 0);
    vmc_machine_types *set = load_built(&r);
    value_is(set, "t-2.0", "virtio-net-device", "queue_reset", "false", NULL);
    value_is(set, "t-2.0", "virtio-gpu-device", "queue_reset", "true", NULL);
    value_is(set, "t-3.0", "virtio-gpu-device", "queue_reset", "true", NULL);
    vmc_machine_types_free(set);
    hv_build_result_clear(&r);
    fake_free(f);
}

static void test_build_exact(void **state)
{
    (void)state;
    /* QEMU 9.1+: compat-props from query-machines are taken as they are; an
     * observation they do not explain is reported, not patched */
    fake *f = fake_new(true);
    add_machine(f->info, "t-3.0", true, "[]");
    add_machine(f->info, "t-2.0", false,
                "[{\"qom-type\": \"virtio-device\", \"property\": \"queue_reset\", "
                "\"value\": \"off\"}, {\"qom-type\": \"virtio-rng-pci\", \"property\": "
                "\"vectors\", \"value\": \"0\"}]");
    hv_machine_obs *n = add_obs(f, "t-3.0");
    add_object(n, "virtio-rng-pci", "{\"vectors\": 2}", "{\"vectors\": \"uint32\"}");
    add_object(n, "virtio-rng-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    hv_machine_obs *o = add_obs(f, "t-2.0");
    add_object(o, "virtio-rng-pci", "{\"vectors\": 0}", "{\"vectors\": \"uint32\"}");
    add_object(o, "virtio-rng-device", "{\"queue_reset\": true}", "{\"queue_reset\": \"bool\"}");
    hv_build_result r;
    assert_int_equal(hv_build_tables(&r, f->info, f->universe, f->obs), 0);
    assert_string_equal(compat_text(r.tables, "t-2.0"),
                        "[{\"driver\":\"virtio-device\",\"property\":\"queue_reset\",\"value\":"
                        "\"off\"},{\"driver\":\"virtio-rng-pci\",\"property\":\"vectors\","
                        "\"value\":\"0\"}]");
    assert_int_equal(r.mismatches, 1);
    json_object *m, *mm;
    assert_true(json_object_object_get_ex(r.report, "t-2.0", &m));
    assert_true(json_object_object_get_ex(m, "mismatches", &mm));
    assert_string_equal(json_object_to_json_string_ext(mm, JSON_C_TO_STRING_PLAIN),
                        "[{\"driver\":\"virtio-rng-device\",\"property\":\"queue_reset\","
                        "\"observed\":\"true\",\"predicted\":\"false\"}]");
    hv_build_result_clear(&r);
    fake_free(f);
}

/* ---- the command line ------------------------------------------------------ */

static int run(const char *const *argv, char **out, char **err)
{
    return tu_run_cli(argv, NULL, 0, out, NULL, err);
}

static void test_cli_usage(void **state)
{
    (void)state;
    char *out, *err;
    const char *a1[] = { "vmcompat", "harvest", NULL };
    assert_int_equal(run(a1, &out, &err), 2);
    assert_non_null(strstr(err, "-o DIR"));
    free(out);
    free(err);
    const char *a2[] = { "vmcompat", "harvest", "-o", "/tmp/x", "--jobs", "0", NULL };
    assert_int_equal(run(a2, &out, &err), 2);
    free(out);
    free(err);
    const char *a3[] = { "vmcompat", "harvest", "-o", "/tmp/x", "--bogus", NULL };
    assert_int_equal(run(a3, &out, &err), 2);
    assert_non_null(strstr(err, "unknown option"));
    free(out);
    free(err);
    const char *a4[] = { "vmcompat", "harvest", "--timeout", "x", "-o", "/tmp/x", NULL };
    assert_int_equal(run(a4, &out, &err), 2);
    free(out);
    free(err);
    const char *a5[] = { "vmcompat", "harvest", "--help", NULL };
    assert_int_equal(run(a5, &out, &err), 0);
    assert_non_null(strstr(out, "--machine"));
    free(out);
    free(err);
    /* the verb is listed */
    const char *a6[] = { "vmcompat", "--help", NULL };
    run(a6, &out, &err);
    assert_non_null(strstr(out, "harvest"));
    free(out);
    free(err);
}

static char *temp_dir(void)
{
    char *d = g_build_filename(g_get_tmp_dir(), "vmc-test-harvest-XXXXXX", NULL);
    assert_non_null(g_mkdtemp(d));
    return d;
}

static void rm_rf(const char *path)
{
    char *cmd = g_strdup_printf("rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
}

/* A fake QEMU: a shell script. */
static char *script(const char *dir, const char *name, const char *body)
{
    char *p = g_build_filename(dir, name, NULL);
    char *text = g_strdup_printf("#!/bin/sh\n%s\n", body);
    assert_true(g_file_set_contents(p, text, -1, NULL));
    assert_int_equal(chmod(p, 0755), 0);
    g_free(text);
    return p;
}

static int dir_entries(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    int n = 0;
    while (d && g_dir_read_name(d)) {
        n++;
    }
    if (d) {
        g_dir_close(d);
    }
    return n;
}

static void test_cli_missing_qemu(void **state)
{
    (void)state;
    char *dir = temp_dir(), *outdir = g_build_filename(dir, "out", NULL);
    char *out, *err;
    const char *a[] = { "vmcompat", "harvest", "--qemu", "/nonexistent/qemu-system-x86_64", "-o",
                        outdir, NULL };
    assert_int_equal(run(a, &out, &err), 1);
    assert_non_null(strstr(err, "not found"));
    assert_false(g_file_test(outdir, G_FILE_TEST_EXISTS));
    free(out);
    free(err);
    /* an unparsable command line is a usage error */
    const char *b[] = { "vmcompat", "harvest", "--qemu", "qemu 'unterminated", "-o", outdir, NULL };
    assert_int_equal(run(b, &out, &err), 2);
    free(out);
    free(err);
    /* an existing output directory needs --force */
    assert_int_equal(mkdir(outdir, 0755), 0);
    const char *c[] = { "vmcompat", "harvest", "-o", outdir, NULL };
    assert_int_equal(run(c, &out, &err), 2);
    assert_non_null(strstr(err, "--force"));
    free(out);
    free(err);
    rm_rf(dir);
    g_free(dir);
    g_free(outdir);
}

static void test_cli_hang_killed(void **state)
{
    (void)state;
    char *dir = temp_dir(), *outdir = g_build_filename(dir, "out", NULL);
    char *pidfile = g_build_filename(dir, "pid", NULL);
    char *body = g_strdup_printf("echo $$ > '%s'\nexec sleep 600", pidfile);
    char *q = script(dir, "hang", body);
    char *out, *err;
    const char *a[] = { "vmcompat", "harvest", "--qemu", q, "--timeout", "1", "-q", "-o", outdir,
                        NULL };
    time_t t0 = time(NULL);
    assert_int_equal(run(a, &out, &err), 1);
    assert_true(time(NULL) - t0 < 20);
    assert_non_null(strstr(err, "timed out"));
    /* the hanging process is gone, and no output or temporary directory is left */
    char *pid_text = NULL;
    assert_true(g_file_get_contents(pidfile, &pid_text, NULL, NULL));
    pid_t pid = (pid_t)atoi(pid_text);
    assert_true(pid > 0);
    assert_int_equal(kill(pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    assert_false(g_file_test(outdir, G_FILE_TEST_EXISTS));
    assert_int_equal(dir_entries(dir), 2);   /* the script and its pid file */
    g_free(pid_text);
    free(out);
    free(err);
    rm_rf(dir);
    g_free(dir);
    g_free(outdir);
    g_free(pidfile);
    g_free(body);
    g_free(q);
}

static void test_cli_qemu_fails(void **state)
{
    (void)state;
    char *dir = temp_dir(), *outdir = g_build_filename(dir, "out", NULL);
    /* prints help-like text, then refuses to start a machine */
    char *q = script(dir, "bad",
                     "case \"$*\" in\n"
                     "*'-machine help'*) echo 'Supported machines are:'; echo 'pc  Standard PC';"
                     " exit 0;;\n"
                     "*'-device help'*) echo 'name \"e1000\", bus PCI'; exit 0;;\n"
                     "esac\n"
                     "echo 'qemu-system-x86_64: could not load PC BIOS' >&2\nexit 1");
    char *out, *err;
    const char *a[] = { "vmcompat", "harvest", "--qemu", q, "-q", "-o", outdir, NULL };
    assert_int_equal(run(a, &out, &err), 1);
    assert_non_null(strstr(err, "could not load PC BIOS"));
    assert_false(g_file_test(outdir, G_FILE_TEST_EXISTS));
    assert_int_equal(dir_entries(dir), 1);
    free(out);
    free(err);
    rm_rf(dir);
    g_free(dir);
    g_free(outdir);
    g_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_machine_help),
        cmocka_unit_test(test_device_help),
        cmocka_unit_test(test_qtree),
        cmocka_unit_test(test_qtree_value),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_value_text),
        cmocka_unit_test(test_recipes),
        cmocka_unit_test(test_build_derived),
        cmocka_unit_test(test_build_conflict),
        cmocka_unit_test(test_build_majority),
        cmocka_unit_test(test_build_exact),
        cmocka_unit_test(test_cli_usage),
        cmocka_unit_test(test_cli_missing_qemu),
        cmocka_unit_test(test_cli_hang_killed),
        cmocka_unit_test(test_cli_qemu_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
