/*
 * The machine-type tables (include/vmcompat/machine.h) against the real
 * QEMU 7.2 binary.  QEMU must be installed: these tests fail, never skip,
 * without it.
 *
 *  - the machine list and aliases equal `qemu-system-x86_64 -machine help`;
 *  - effective property values of devices instantiated on many machine types
 *    (-S -nodefaults -machine TYPE -device DRIVER,id=d0, read with qom-get)
 *    equal what the tables predict, and a value worked out by hand from
 *    QEMU's hw_compat/pc_compat arrays;
 *  - `machines compare pc-q35-6.0 pc-q35-7.2` lists exactly the properties
 *    whose values differ: every property of every object the compat chains
 *    between the two name is read on both machine types and compared.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcompat/machine.h"

static vmc_machine_types *tables(void)
{
    vmc_machine_types *set = NULL;
    if (vmc_machine_types_load_builtin(&set) != 0) {
        fail_msg("built-in tables: %s", vmc_error_last()->message);
    }
    return set;
}

static qr_qemu *start(const char *machine, const char *const *args)
{
    qr_config cfg = { .machine = machine, .args = args };
    qr_qemu *q = NULL;
    if (qr_start(&q, &cfg) != 0) {
        fail_msg("starting QEMU -M %s: %s", machine, vmc_error_last()->message);
    }
    return q;
}

/* qom-get as a new reference; NULL when QEMU refuses (error kept). */
static json_object *qom_get(qr_qemu *q, const char *path, const char *prop)
{
    json_object *args = json_object_new_object();
    json_object_object_add(args, "path", json_object_new_string(path));
    json_object_object_add(args, "property", json_object_new_string(prop));
    json_object *ret = NULL;
    int rc = vmc_qmp_execute(qr_qmp(q), "qom-get", args, &ret);
    json_object_put(args);
    return rc == 0 ? ret : NULL;
}

static json_object *qom_list(qr_qemu *q, const char *path)
{
    json_object *args = json_object_new_object();
    json_object_object_add(args, "path", json_object_new_string(path));
    json_object *ret = NULL;
    if (vmc_qmp_execute(qr_qmp(q), "qom-list", args, &ret) != 0) {
        fail_msg("qom-list %s: %s", path, vmc_error_last()->message);
    }
    json_object_put(args);
    return ret;
}

/* Path of the first object of exactly this QOM type under /machine. */
static char *find_type(qr_qemu *q, const char *path, const char *type, int depth)
{
    if (depth > 10) {
        return NULL;
    }
    json_object *l = qom_list(q, path);
    char *found = NULL;
    for (size_t i = 0; i < json_object_array_length(l) && !found; i++) {
        json_object *p = json_object_array_get_idx(l, i), *t, *n;
        json_object_object_get_ex(p, "type", &t);
        json_object_object_get_ex(p, "name", &n);
        const char *ts = json_object_get_string(t);
        if (strncmp(ts, "child<", 6) != 0) {
            continue;
        }
        char *child = g_strdup_printf("%s/%s", path, json_object_get_string(n));
        if (strlen(ts) == strlen(type) + 7 && strncmp(ts + 6, type, strlen(type)) == 0) {
            found = child;
        } else {
            found = find_type(q, child, type, depth + 1);
            g_free(child);
        }
    }
    json_object_put(l);
    return found;
}

/* QEMU's JSON value in the tables' canonical form. */
static char *canon(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return g_strdup(json_object_get_boolean(v) ? "true" : "false");
    case json_type_string:
        return g_strdup(json_object_get_string(v));
    case json_type_null:
        return g_strdup("null");
    default:
        return g_strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    }
}

/* What the tables predict QEMU reports: the realized value when there is one. */
static char *predict(vmc_machine_types *set, const char *machine, const char *const *globals,
                     const char *driver, const char *prop)
{
    const vmc_machine_type *mt;
    vmc_machine_setup *s;
    assert_int_equal(vmc_machine_type_find(&mt, set, machine), 0);
    assert_int_equal(vmc_machine_setup_new(&s, mt, "tcg"), 0);
    for (size_t i = 0; globals && globals[i]; i++) {
        assert_int_equal(vmc_machine_setup_add_global(s, globals[i]), 0);
    }
    vmc_prop_value v;
    assert_int_equal(vmc_machine_setup_value(s, driver, prop, &v), 0);
    if (v.status != VMC_PROP_OK) {
        fail_msg("%s %s.%s: status %s", machine, driver, prop, vmc_prop_status_name(v.status));
    }
    char *r = g_strdup(v.realized ? v.realized : v.value ? v.value : "null");
    vmc_machine_setup_free(s);
    return r;
}

/* ---- the machine list -------------------------------------------------------- */

static void test_list_equals_machine_help(void **state)
{
    (void)state;
    const char *qemu = qr_qemu_binary();
    assert_non_null(qemu);
    char *cmd = g_strdup_printf("'%s' -machine help", qemu);
    FILE *p = popen(cmd, "r");
    g_free(cmd);
    assert_non_null(p);
    GPtrArray *got = g_ptr_array_new_with_free_func(g_free);
    char line[512];
    bool header = false;
    while (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, "Supported machines are:") == 0) {
            header = true;
            continue;
        }
        /* "%-20s %s": the name, then from column 21 the description */
        assert_true(strlen(line) > 21);
        g_ptr_array_add(got, g_strdup(line));
    }
    assert_int_equal(pclose(p), 0);
    assert_true(header);

    vmc_machine_types *set = tables();
    GPtrArray *want = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < vmc_machine_types_count(set); i++) {
        const vmc_machine_info *in = vmc_machine_type_info(vmc_machine_types_get(set, i));
        if (in->alias) {
            g_ptr_array_add(want, g_strdup_printf("%-20s %s (alias of %s)", in->alias, in->desc,
                                                  in->name));
        }
        g_ptr_array_add(want, g_strdup_printf("%-20s %s%s%s", in->name, in->desc,
                                              in->is_default ? " (default)" : "",
                                              in->deprecation_reason ? " (deprecated)" : ""));
    }
    for (size_t i = 0; i < got->len || i < want->len; i++) {
        const char *g = i < got->len ? got->pdata[i] : "(nothing)";
        const char *w = i < want->len ? want->pdata[i] : "(nothing)";
        if (strcmp(g, w) != 0) {
            fail_msg("line %zu of -machine help: QEMU \"%s\", tables \"%s\"", i + 1, g, w);
        }
    }
    /* the pc family is complete: 31 i440fx, 24 q35 types, two aliases */
    size_t piix = 0, q35 = 0;
    for (size_t i = 0; i < vmc_machine_types_count(set); i++) {
        const vmc_machine_info *in = vmc_machine_type_info(vmc_machine_types_get(set, i));
        piix += strncmp(in->name, "pc-i440fx-", 10) == 0;
        q35 += strncmp(in->name, "pc-q35-", 7) == 0;
    }
    assert_int_equal(piix, 31);
    assert_int_equal(q35, 24);
    g_ptr_array_free(got, TRUE);
    g_ptr_array_free(want, TRUE);
    vmc_machine_types_free(set);
}

/* ---- effective values of instantiated devices ---------------------------------- */

#define MAXARGS 16
typedef struct triple {
    const char *machine;
    const char *driver;        /* the (driver, property) asked from the tables */
    const char *property;
    const char *args[MAXARGS]; /* QEMU arguments creating the object */
    const char *where;         /* "d0", "d0/virtio-backend", "type:ICH9-LPC" */
    const char *globals[4];    /* -global options (also given to QEMU) */
    const char *expect;        /* worked out by hand from QEMU's source */
} triple;

#define DEV(x) { "-device", x }
#define BLK "-blockdev", "null-co,node-name=b0"

static const triple triples[] = {
    /* pc_compat_6_0 turns ACPI PCI hotplug of bridges off, and keeps slot hotplug */
    { "pc-q35-6.0", "ICH9-LPC", "acpi-pci-hotplug-with-bridge-support", { NULL }, "type:ICH9-LPC",
      { NULL }, "false" },
    { "pc-q35-6.1", "ICH9-LPC", "acpi-pci-hotplug-with-bridge-support", { NULL }, "type:ICH9-LPC",
      { NULL }, "true" },
    /* pc_compat_6_1 sets it false, pc_compat_6_0 (applied later) true again */
    { "pc-q35-6.0", "ICH9-LPC", "x-keep-pci-slot-hpc", { NULL }, "type:ICH9-LPC", { NULL },
      "true" },
    { "pc-q35-6.1", "ICH9-LPC", "x-keep-pci-slot-hpc", { NULL }, "type:ICH9-LPC", { NULL },
      "false" },
    { "pc-q35-7.2", "ICH9-LPC", "x-keep-pci-slot-hpc", { NULL }, "type:ICH9-LPC", { NULL },
      "true" },
    /* pc_q35_init registers pcie-slot.x-native-hotplug=false when hotplug is ACPI's */
    { "pc-q35-6.1", "pcie-root-port", "x-native-hotplug", DEV("pcie-root-port,id=d0"), "d0",
      { NULL }, "false" },
    { "pc-q35-6.2", "pcie-root-port", "x-native-hotplug", DEV("pcie-root-port,id=d0"), "d0",
      { NULL }, "true" },
    { "pc-q35-6.0", "pcie-root-port", "x-native-hotplug", DEV("pcie-root-port,id=d0"), "d0",
      { "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=on", "ICH9-LPC.x-keep-pci-slot-hpc=off",
        NULL }, "false" },
    /* hw_compat_5_2 on the abstract virtio-net-pci-base; 6.0 leaves it to realize */
    { "pc-q35-5.2", "virtio-net-pci", "vectors", DEV("virtio-net-pci,id=d0"), "d0", { NULL },
      "3" },
    { "pc-q35-6.0", "virtio-net-pci", "vectors", DEV("virtio-net-pci,id=d0"), "d0", { NULL },
      "4" },
    { "pc-q35-5.2", "virtio-net-pci", "vectors", DEV("virtio-net-pci,id=d0"), "d0",
      { "virtio-net-pci.vectors=7", NULL }, "7" },
    /* hw_compat_3_1 */
    { "pc-q35-3.1", "pcie-root-port", "x-speed", DEV("pcie-root-port,id=d0"), "d0", { NULL },
      "2_5" },
    { "pc-q35-3.1", "pcie-root-port", "x-width", DEV("pcie-root-port,id=d0"), "d0", { NULL },
      "1" },
    { "pc-q35-4.0", "pcie-root-port", "x-speed", DEV("pcie-root-port,id=d0"), "d0", { NULL },
      "16" },
    { "pc-q35-4.0.1", "pcie-root-port", "x-width", DEV("pcie-root-port,id=d0"), "d0", { NULL },
      "32" },
    /* hw_compat_2_9 turns shpc off; on 2.8 hw_compat_2_8, applied after it, on again */
    { "pc-q35-2.8", "pci-bridge", "shpc", DEV("pci-bridge,chassis_nr=1,id=d0"), "d0", { NULL },
      "true" },
    { "pc-q35-2.9", "pci-bridge", "shpc", DEV("pci-bridge,chassis_nr=1,id=d0"), "d0", { NULL },
      "false" },
    { "pc-i440fx-2.8", "pci-bridge", "shpc", DEV("pci-bridge,chassis_nr=1,id=d0"), "d0", { NULL },
      "true" },
    /* hw_compat_7_1; realize picks 2 vectors */
    { "pc-q35-7.1", "virtio-rng-pci", "vectors", DEV("virtio-rng-pci,id=d0"), "d0", { NULL },
      "0" },
    { "pc-q35-7.2", "virtio-rng-pci", "vectors", DEV("virtio-rng-pci,id=d0"), "d0", { NULL },
      "2" },
    { "pc-q35-7.1", "virtio-rng-device", "queue_reset", DEV("virtio-rng-pci,id=d0"),
      "d0/virtio-backend", { NULL }, "false" },
    /* hw_compat_4_2 on virtio-blk-device (the proxy's child) */
    { "pc-q35-4.2", "virtio-blk-device", "queue-size",
      { BLK, "-device", "virtio-blk-pci,drive=b0,id=d0" }, "d0/virtio-backend", { NULL }, "128" },
    { "pc-q35-5.0", "virtio-blk-device", "queue-size",
      { BLK, "-device", "virtio-blk-pci,drive=b0,id=d0" }, "d0/virtio-backend", { NULL }, "256" },
    /* pc_compat_1_6 sets 1, pc_compat_1_5 (later) 0 */
    { "pc-i440fx-1.6", "i440FX-pcihost", "short_root_bus", { NULL }, "type:i440FX-pcihost",
      { NULL }, "1" },
    { "pc-i440fx-1.5", "i440FX-pcihost", "short_root_bus", { NULL }, "type:i440FX-pcihost",
      { NULL }, "0" },
    /* pc_compat_1_7; otherwise the board chooses */
    { "pc-i440fx-1.7", "hpet", "hpet-intcap", { NULL }, "type:hpet", { NULL }, "4" },
    { "pc-q35-7.2", "hpet", "hpet-intcap", { NULL }, "type:hpet", { NULL }, "16711940" },
    { "pc-i440fx-7.2", "hpet", "hpet-intcap", { NULL }, "type:hpet", { NULL }, "4" },
    /* CPU: pc_compat_6_0 on qemu64, pc_compat_6_1 and the model-id of pc_compat_2_4 */
    { "pc-q35-6.0", "qemu64-x86_64-cpu", "family", { NULL }, "type:qemu64-x86_64-cpu", { NULL },
      "6" },
    { "pc-q35-6.1", "qemu64-x86_64-cpu", "family", { NULL }, "type:qemu64-x86_64-cpu", { NULL },
      "15" },
    { "pc-i440fx-6.1", "qemu64-x86_64-cpu", "hv-version-id-build", { NULL },
      "type:qemu64-x86_64-cpu", { NULL }, "7100" },
    { "pc-i440fx-2.4", "qemu64-x86_64-cpu", "model-id", { NULL }, "type:qemu64-x86_64-cpu",
      { NULL }, "QEMU Virtual CPU version 2.4.0" },
    /* hw_compat_6_2 and pc_compat_2_0 on the i440fx power management device */
    { "pc-i440fx-6.2", "PIIX4_PM", "x-not-migrate-acpi-index", { NULL }, "type:PIIX4_PM",
      { NULL }, "true" },
    { "pc-i440fx-7.0", "PIIX4_PM", "x-not-migrate-acpi-index", { NULL }, "type:PIIX4_PM",
      { NULL }, "false" },
    { "pc-i440fx-2.0", "PIIX4_PM", "memory-hotplug-support", { NULL }, "type:PIIX4_PM",
      { NULL }, "false" },
    /* hw_compat_2_7 on ioapic, pc_compat_2_6 on apic-common (the TCG apic is one) */
    { "pc-i440fx-2.7", "ioapic", "version", { NULL }, "type:ioapic", { NULL }, "17" },
    { "pc-i440fx-2.6", "apic", "legacy-instance-id", { NULL }, "type:apic", { NULL }, "true" },
    /* hw_compat_6_0 on i8042, pc_compat_2_9 and pc_compat_4_2 on mch */
    { "pc-q35-6.0", "i8042", "extended-state", { NULL }, "type:i8042", { NULL }, "false" },
    { "pc-q35-2.9", "mch", "extended-tseg-mbytes", { NULL }, "type:mch", { NULL }, "0" },
    { "pc-q35-2.10", "mch", "extended-tseg-mbytes", { NULL }, "type:mch", { NULL }, "16" },
    { "pc-q35-4.2", "mch", "smbase-smram", { NULL }, "type:mch", { NULL }, "false" },
    /* NIC ROMs and mitigation, pc_compat_1_4 / 1_6 */
    { "pc-i440fx-1.4", "e1000", "romfile", DEV("e1000,id=d0"), "d0", { NULL }, "pxe-e1000.rom" },
    { "pc-i440fx-1.6", "e1000", "mitigation", DEV("e1000,id=d0"), "d0", { NULL }, "false" },
    { "pc-i440fx-1.7", "e1000", "mitigation", DEV("e1000,id=d0"), "d0", { NULL }, "true" },
    /* hw_compat_3_1 and hw_compat_2_1 on USB HID devices */
    { "pc-q35-3.1", "usb-kbd", "serial",
      { "-device", "qemu-xhci,id=u0", "-device", "usb-kbd,bus=u0.0,id=d0" }, "d0", { NULL },
      "42" },
    { "pc-i440fx-2.1", "usb-mouse", "usb_version",
      { "-device", "qemu-xhci,id=u0", "-device", "usb-mouse,bus=u0.0,id=d0" }, "d0", { NULL },
      "1" },
    /* hw_compat_2_6: optional virtio-pci properties */
    { "pc-i440fx-2.6", "virtio-net-pci", "disable-modern", DEV("virtio-net-pci,id=d0"), "d0",
      { NULL }, "true" },
    { "pc-i440fx-2.6", "virtio-net-pci", "disable-legacy", DEV("virtio-net-pci,id=d0"), "d0",
      { NULL }, "off" },
    /* hw_compat_2_8 on the abstract pci-device, seen on an e1000e */
    { "pc-q35-2.8", "e1000e", "x-pcie-extcap-init", DEV("e1000e,id=d0"), "d0", { NULL },
      "false" },
    /* hw_compat_6_1 on nvme-ns (kept with a subsystem) */
    { "pc-q35-6.1", "nvme-ns", "shared",
      { BLK, "-device", "nvme-subsys,id=ss0", "-device", "nvme,serial=vmc0,subsys=ss0,id=n0",
        "-device", "nvme-ns,drive=b0,bus=n0,id=d0" }, "d0", { NULL }, "false" },
};

static void check_triple(vmc_machine_types *set, const triple *t)
{
    const char *args[MAXARGS + 16];
    size_t n = 0;
    for (size_t i = 0; i < MAXARGS && t->args[i]; i++) {
        args[n++] = t->args[i];
    }
    for (size_t i = 0; t->globals[i]; i++) {
        args[n++] = "-global";
        args[n++] = t->globals[i];
    }
    args[n] = NULL;
    char *want = predict(set, t->machine, t->globals, t->driver, t->property);
    if (strcmp(want, t->expect) != 0) {
        fail_msg("%s %s.%s: tables give %s, QEMU's source %s", t->machine, t->driver, t->property,
                 want, t->expect);
    }
    qr_qemu *q = start(t->machine, args);
    char *path;
    if (strncmp(t->where, "type:", 5) == 0) {
        path = find_type(q, "/machine", t->where + 5, 0);
        if (!path) {
            fail_msg("%s: no %s in the QOM tree", t->machine, t->where + 5);
        }
    } else {
        path = g_strdup_printf("/machine/peripheral/%s", t->where);
    }
    vmc_error_clear();
    json_object *v = qom_get(q, path, t->property);
    if (!v && vmc_error_last()->code) {
        fail_msg("%s qom-get %s %s: %s", t->machine, path, t->property,
                 vmc_error_last()->message);
    }
    char *got = canon(v);
    if (strcmp(got, want) != 0) {
        fail_msg("%s %s.%s: QEMU reports %s, the tables predict %s", t->machine, t->driver,
                 t->property, got, want);
    }
    json_object_put(v);
    g_free(got);
    g_free(path);
    g_free(want);
    qr_stop(q);
    qr_free(q);
}

static void test_effective_values(void **state)
{
    (void)state;
    vmc_machine_types *set = tables();
    for (size_t i = 0; i < sizeof(triples) / sizeof(triples[0]); i++) {
        vmc_error_clear();
        check_triple(set, &triples[i]);
    }
    vmc_machine_types_free(set);
}

/*
 * migration send-configuration / store-global-state: compat properties of
 * the "migration" object, which is not in the QOM tree: seen in the stream.
 * The globalstate section is sent anyway for a never-started (prelaunch)
 * machine, so the guest runs a moment first (paused: sent only when
 * store-global-state is on).
 */
static void stream_flags(const char *machine, bool *configuration, bool *globalstate)
{
    qr_qemu *q = start(machine, NULL);
    if (qr_run_ms(q, 20) != 0) {
        fail_msg("%s: cont/stop: %s", machine, vmc_error_last()->message);
    }
    char *file = g_strdup_printf("%s/m.mig", qr_tmpdir(q));
    if (qr_migrate_to_file(q, file, NULL) != 0) {
        fail_msg("%s: migrate: %s", machine, vmc_error_last()->message);
    }
    size_t len;
    uint8_t *b = tu_read_file(file, &len);
    assert_true(len > 9);
    /* magic, version 3, then QEMU_VM_CONFIGURATION (7) when sent */
    assert_memory_equal(b, "QEVM\0\0\0\3", 8);
    *configuration = b[8] == 0x07;
    *globalstate = memmem(b, len, "globalstate", 11) != NULL;
    free(b);
    g_free(file);
    qr_stop(q);
    qr_free(q);
}

static void test_migration_object(void **state)
{
    (void)state;
    vmc_machine_types *set = tables();
    static const char *const machines[] = { "pc-i440fx-2.3", "pc-i440fx-2.4", "pc-q35-2.4" };
    static const bool expect[] = { false, true, true };   /* hw_compat_2_3 */
    for (size_t i = 0; i < 3; i++) {
        char *conf = predict(set, machines[i], NULL, "migration", "send-configuration");
        char *gs = predict(set, machines[i], NULL, "migration", "store-global-state");
        assert_string_equal(conf, expect[i] ? "true" : "false");
        assert_string_equal(gs, expect[i] ? "true" : "false");
        bool c, g;
        stream_flags(machines[i], &c, &g);
        if (c != expect[i] || g != expect[i]) {
            fail_msg("%s: configuration section %d, globalstate %d in QEMU's stream; tables %s %s",
                     machines[i], c, g, conf, gs);
        }
        g_free(conf);
        g_free(gs);
    }
    /* the Xen accelerator turns all three off (accel compat, before machine compat) */
    const vmc_machine_type *mt;
    vmc_machine_setup *s;
    assert_int_equal(vmc_machine_type_find(&mt, set, "pc-i440fx-7.2"), 0);
    assert_int_equal(vmc_machine_setup_new(&s, mt, "xen"), 0);
    vmc_prop_value v;
    assert_int_equal(vmc_machine_setup_value(s, "migration", "send-section-footer", &v), 0);
    assert_string_equal(v.value, "false");
    assert_int_equal(v.origin, VMC_ORIGIN_ACCEL);
    vmc_machine_setup_free(s);
    vmc_machine_types_free(set);
}

/* ---- compare pc-q35-6.0 pc-q35-7.2 against the binary --------------------------- */

/* An object the compare test reads completely on both machine types. */
typedef struct probe {
    const char *name;      /* label */
    const char *where;     /* "d0" style peripheral id path, or "type:X" */
    const char *alt_machine_a, *alt_machine_b;  /* other machines for this object, or NULL */
} probe;

/*
 * Drivers the compat chains between pc-q35-6.0 and pc-q35-7.2 name, and how
 * they are observed.  Not instantiable on the binary (checked below, also
 * documented in docs/machine-types.md):
 *   arm-gicv3-common         not in qemu-system-x86_64
 *   vhost-user-vsock-device  needs a vhost-user back end
 *   vhost-vsock-device       needs /dev/vhost-vsock
 *   gpex-pcihost             only microvm creates it (not user-creatable)
 * PIIX4_PM exists on the i440fx board only: read on pc-i440fx-6.0 and
 * pc-i440fx-7.2, which apply the same hw_compat sets.
 */
static const char *const not_instantiable[] = { "arm-gicv3-common", "vhost-user-vsock-device",
                                                "vhost-vsock-device", "gpex-pcihost", NULL };

static const char *const q35_args[] = {
    "-m", "128M,maxmem=1G,slots=1",
    "-device", "virtio-rng-pci,id=rng0",
    "-device", "virtio-rng-pci-transitional,id=rng1",
    "-device", "virtio-rng-pci-non-transitional,id=rng2",
    "-blockdev", "null-co,node-name=b0",
    "-device", "nvme-subsys,id=ss0",
    "-device", "nvme,serial=vmc0,subsys=ss0,id=nvme0",
    "-device", "nvme-ns,drive=b0,bus=nvme0,id=ns0",
    "-object", "memory-backend-ram,id=mem0,size=128M",
    "-device", "virtio-mem-pci,memdev=mem0,id=vmem0",
    "-device", "e1000,id=e0",
    "-device", "e1000e,id=e1",
    "-device", "pcie-root-port,id=rp0",
    NULL,
};

static const probe probes[] = {
    { "virtio-rng-pci", "rng0", NULL, NULL },
    { "virtio-rng-device", "rng0/virtio-backend", NULL, NULL },
    { "virtio-rng-pci-transitional", "rng1", NULL, NULL },
    { "virtio-rng-pci-non-transitional", "rng2", NULL, NULL },
    { "nvme-ns", "ns0", NULL, NULL },
    { "virtio-mem", "vmem0/virtio-backend", NULL, NULL },
    { "e1000", "e0", NULL, NULL },
    { "e1000e", "e1", NULL, NULL },
    { "pcie-root-port", "rp0", NULL, NULL },
    { "ICH9-LPC", "type:ICH9-LPC", NULL, NULL },
    { "i8042", "type:i8042", NULL, NULL },
    { "qemu64-x86_64-cpu", "type:qemu64-x86_64-cpu", NULL, NULL },
    { "PIIX4_PM", "type:PIIX4_PM", "pc-i440fx-6.0", "pc-i440fx-7.2" },
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

/*
 * Read-only properties that exist only when a compat property enables the
 * feature (ICH9-LPC's ACPI PCI hotplug I/O range).  They are consequences of
 * acpi-pci-hotplug-with-bridge-support, not settable properties.
 */
static const char *const derived[] = { "ICH9-LPC.acpi-pcihp-io-base", "ICH9-LPC.acpi-pcihp-io-len",
                                       NULL };

typedef struct observed {
    char *type;            /* QOM type of the object */
    GHashTable *props;     /* property -> canonical value */
} observed;

static void read_all(qr_qemu *q, const probe *p, observed *o)
{
    char *path = strncmp(p->where, "type:", 5) == 0
                     ? find_type(q, "/machine", p->where + 5, 0)
                     : g_strdup_printf("/machine/peripheral/%s", p->where);
    if (!path) {
        fail_msg("%s: not found in the QOM tree", p->name);
    }
    json_object *t = qom_get(q, path, "type");
    assert_non_null(t);
    o->type = g_strdup(json_object_get_string(t));
    json_object_put(t);
    o->props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    json_object *l = qom_list(q, path);
    for (size_t i = 0; i < json_object_array_length(l); i++) {
        json_object *e = json_object_array_get_idx(l, i), *n, *ty;
        json_object_object_get_ex(e, "name", &n);
        json_object_object_get_ex(e, "type", &ty);
        const char *ts = json_object_get_string(ty);
        if (strncmp(ts, "child<", 6) == 0 || strncmp(ts, "link<", 5) == 0) {
            continue;
        }
        vmc_error_clear();
        json_object *v = qom_get(q, path, json_object_get_string(n));
        if (!v && vmc_error_last()->code) {
            continue;   /* write-only or unreadable properties */
        }
        g_hash_table_insert(o->props, g_strdup(json_object_get_string(n)), canon(v));
        json_object_put(v);
    }
    json_object_put(l);
    g_free(path);
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++) {
        if (strcmp(*list, s) == 0) {
            return true;
        }
    }
    return false;
}

static void test_compare_q35_6_0_vs_7_2(void **state)
{
    (void)state;
    const char *ma = "pc-q35-6.0", *mb = "pc-q35-7.2";
    vmc_machine_types *set = tables();
    const vmc_machine_type *ta, *tb;
    vmc_machine_setup *sa, *sb;
    vmc_machine_diff *d;
    assert_int_equal(vmc_machine_type_find(&ta, set, ma), 0);
    assert_int_equal(vmc_machine_type_find(&tb, set, mb), 0);
    assert_int_equal(vmc_machine_setup_new(&sa, ta, NULL), 0);
    assert_int_equal(vmc_machine_setup_new(&sb, tb, NULL), 0);
    assert_int_equal(vmc_machine_compare(&d, sa, sb), 0);

    /* every driver the chains name must be probed or documented */
    for (size_t i = 0; i < vmc_machine_setup_count(sa); i++) {
        const char *drv = vmc_machine_setup_get(sa, i)->driver;
        bool covered = in_list(not_instantiable, drv);
        for (size_t k = 0; k < NPROBES && !covered; k++) {
            covered = vmc_machine_types_is_a(set, probes[k].name, drv);
        }
        if (!covered) {
            fail_msg("driver %s of %s's chain is neither probed nor documented", drv, ma);
        }
    }

    observed oa[NPROBES], ob[NPROBES];
    memset(oa, 0, sizeof(oa));
    memset(ob, 0, sizeof(ob));
    for (int side = 0; side < 2; side++) {
        qr_qemu *q = start(side ? mb : ma, q35_args);
        for (size_t k = 0; k < NPROBES; k++) {
            if (!probes[k].alt_machine_a) {
                read_all(q, &probes[k], side ? &ob[k] : &oa[k]);
            }
        }
        qr_stop(q);
        qr_free(q);
    }
    for (size_t k = 0; k < NPROBES; k++) {
        if (probes[k].alt_machine_a) {
            for (int side = 0; side < 2; side++) {
                qr_qemu *q = start(side ? probes[k].alt_machine_b : probes[k].alt_machine_a, NULL);
                read_all(q, &probes[k], side ? &ob[k] : &oa[k]);
                qr_stop(q);
                qr_free(q);
            }
        }
    }

    /* 1. every difference QEMU shows is a row of the comparison */
    size_t observed_diffs = 0;
    for (size_t k = 0; k < NPROBES; k++) {
        GHashTableIter it;
        gpointer key, va;
        GHashTable *all = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_iter_init(&it, oa[k].props);
        while (g_hash_table_iter_next(&it, &key, &va)) {
            g_hash_table_add(all, key);
        }
        g_hash_table_iter_init(&it, ob[k].props);
        while (g_hash_table_iter_next(&it, &key, &va)) {
            g_hash_table_add(all, key);
        }
        g_hash_table_iter_init(&it, all);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            const char *prop = key;
            const char *a = g_hash_table_lookup(oa[k].props, prop);
            const char *b = g_hash_table_lookup(ob[k].props, prop);
            if (a && b && strcmp(a, b) == 0) {
                continue;
            }
            char *full = g_strdup_printf("%s.%s", probes[k].name, prop);
            if (!a || !b) {
                if (!in_list(derived, full)) {
                    fail_msg("%s exists on only one of %s / %s", full, ma, mb);
                }
                g_free(full);
                continue;
            }
            g_free(full);
            observed_diffs++;
            bool explained = false;
            for (size_t i = 0; i < vmc_machine_diff_prop_count(d) && !explained; i++) {
                const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, i);
                bool is_a = vmc_machine_types_is_a(set, oa[k].type, x->driver) ||
                            vmc_machine_types_is_a(set, probes[k].name, x->driver);
                /* a virtio proxy shows its back end's properties as aliases */
                if (!is_a && strstr(probes[k].name, "virtio-rng-pci")) {
                    is_a = vmc_machine_types_is_a(set, "virtio-rng-device", x->driver);
                }
                explained = is_a && strcmp(x->property, prop) == 0 && x->available &&
                            !x->realized_equal;
            }
            if (!explained) {
                fail_msg("QEMU: %s.%s is %s on %s and %s on %s; the comparison does not list it",
                         oa[k].type, prop, a, ma, b, mb);
            }
        }
        g_hash_table_destroy(all);
    }

    /* 2. every row is a difference QEMU shows, with the predicted values */
    size_t rows = 0, documented = 0;
    for (size_t i = 0; i < vmc_machine_diff_prop_count(d); i++) {
        const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, i);
        if (!x->available || in_list(not_instantiable, x->driver)) {
            assert_true(in_list(not_instantiable, x->driver));
            documented++;
            continue;
        }
        rows++;
        bool seen = false;
        for (size_t k = 0; k < NPROBES; k++) {
            if (!vmc_machine_types_is_a(set, probes[k].name, x->driver)) {
                continue;
            }
            const char *a = g_hash_table_lookup(oa[k].props, x->property);
            const char *b = g_hash_table_lookup(ob[k].props, x->property);
            if (!a || !b) {
                fail_msg("%s has no property %s on the binary", probes[k].name, x->property);
            }
            const char *pa = x->a.realized ? x->a.realized : x->a.value;
            const char *pb = x->b.realized ? x->b.realized : x->b.value;
            if (strcmp(a, pa) != 0 || strcmp(b, pb) != 0) {
                fail_msg("%s.%s: QEMU %s / %s, tables %s / %s", probes[k].name, x->property, a,
                         b, pa, pb);
            }
            if (x->realized_equal) {
                assert_string_equal(a, b);
            } else if (strcmp(a, b) == 0) {
                fail_msg("%s.%s listed as different but QEMU shows %s on both", probes[k].name,
                         x->property, a);
            }
            seen = true;
        }
        if (!seen) {
            fail_msg("row %s.%s: no probed object is a %s", x->driver, x->property, x->driver);
        }
    }
    /* the numbers of the report */
    print_message("compare %s %s: %zu rows checked on the binary, %zu documented as not "
                  "instantiable, %zu object properties differing\n",
                  ma, mb, rows, documented, observed_diffs);
    assert_true(rows >= 15);

    for (size_t k = 0; k < NPROBES; k++) {
        g_free(oa[k].type);
        g_free(ob[k].type);
        g_hash_table_destroy(oa[k].props);
        g_hash_table_destroy(ob[k].props);
    }
    vmc_machine_diff_free(d);
    vmc_machine_setup_free(sa);
    vmc_machine_setup_free(sb);
    vmc_machine_types_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_equals_machine_help),
        cmocka_unit_test(test_effective_values),
        cmocka_unit_test(test_migration_object),
        cmocka_unit_test(test_compare_q35_6_0_vs_7_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
