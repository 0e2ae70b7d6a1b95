/*
 * Machine-type tables (include/vmcompat/machine.h) and `vmcompat machines`
 * without QEMU: loading, lookup, class fields, compat property order, QOM
 * inheritance, -global and accelerator handling, compare, hostile table
 * files, the CLI and its JSON Schema.  Expected values are worked out by
 * hand from QEMU 7.2's hw/core/machine.c, hw/i386/pc.c, pc_piix.c and
 * pc_q35.c (test_machines_qemu.c checks the same tables against the binary).
 */
#include "testutil.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "vmcompat/machine.h"

static vmc_machine_types *builtin(void)
{
    vmc_machine_types *set = NULL;
    if (vmc_machine_types_load_builtin(&set) != 0) {
        fail_msg("built-in tables: %s", vmc_error_last()->message);
    }
    return set;
}

static const vmc_machine_type *find(const vmc_machine_types *set, const char *name)
{
    const vmc_machine_type *mt = NULL;
    if (vmc_machine_type_find(&mt, set, name) != 0) {
        fail_msg("%s: %s", name, vmc_error_last()->message);
    }
    return mt;
}

static const char *field(const vmc_machine_types *set, const char *machine, const char *key)
{
    const vmc_machine_class_field *f = vmc_machine_type_class_find(find(set, machine), key);
    if (!f) {
        fail_msg("%s has no class field %s", machine, key);
    }
    return f->value;
}

/* Effective value (canonical) with optional -global options; the result is
 * copied (the setup is freed). */
static char *value_of(const vmc_machine_types *set, const char *machine, const char *accel,
                      const char *const *globals, const char *driver, const char *prop,
                      vmc_prop_value *out)
{
    vmc_machine_setup *s;
    assert_int_equal(vmc_machine_setup_new(&s, find(set, machine), accel), 0);
    for (size_t i = 0; globals && globals[i]; i++) {
        if (vmc_machine_setup_add_global(s, globals[i]) != 0) {
            fail_msg("-global %s: %s", globals[i], vmc_error_last()->message);
        }
    }
    vmc_prop_value v;
    assert_int_equal(vmc_machine_setup_value(s, driver, prop, &v), 0);
    char *r = v.value ? g_strdup(v.value) : NULL;
    if (out) {
        *out = v;
        out->value = out->raw = NULL;   /* owned by the setup; the rest by the set */
    }
    vmc_machine_setup_free(s);
    return r;
}

static void expect_eff(const vmc_machine_types *set, const char *machine, const char *driver,
                         const char *prop, const char *want)
{
    char *got = value_of(set, machine, NULL, NULL, driver, prop, NULL);
    if (!got || strcmp(got, want) != 0) {
        fail_msg("%s %s.%s: %s, expected %s", machine, driver, prop, got ? got : "(null)", want);
    }
    g_free(got);
}

/* ---- loading and lookup ----------------------------------------------------- */

static void test_builtin(void **state)
{
    (void)state;
    if (!vmc_machine_types_builtin_embedded()) {
        fail_msg("the built-in tables were not embedded: the top-level CMakeLists.txt must "
                 "include(src/machine-types/embed.cmake) after add_library(vmcompat)");
    }
    vmc_machine_types *set = builtin();
    assert_string_equal(vmc_machine_types_qemu_version(set), "7.2.22");
    assert_string_equal(vmc_machine_types_target(set), "x86_64");
    assert_string_equal(vmc_machine_types_source(set), "built-in");
    /* 31 i440fx + 24 q35 + microvm, isapc, none, x-remote */
    assert_int_equal(vmc_machine_types_count(set), 59);
    assert_string_equal(vmc_machine_type_info(find(set, "q35"))->name, "pc-q35-7.2");
    assert_string_equal(vmc_machine_type_info(find(set, "pc"))->name, "pc-i440fx-7.2");
    assert_string_equal(vmc_machine_type_info(vmc_machine_types_default(set))->name,
                        "pc-i440fx-7.2");
    const vmc_machine_info *in = vmc_machine_type_info(find(set, "pc-q35-4.0.1"));
    assert_string_equal(in->qom_type, "pc-q35-4.0.1-machine");
    assert_string_equal(in->family, "pc_q35");
    assert_null(in->alias);
    assert_null(in->deprecation_reason);
    assert_non_null(vmc_machine_type_info(find(set, "pc-i440fx-1.7"))->deprecation_reason);
    assert_null(vmc_machine_type_info(find(set, "pc-i440fx-2.0"))->deprecation_reason);
    /* abstract entries and unknown names are not machine types */
    const vmc_machine_type *mt = (const vmc_machine_type *)1;
    assert_int_equal(vmc_machine_type_find(&mt, set, "generic-pc-machine"), VMC_ENOTFOUND);
    assert_null(mt);
    assert_int_equal(vmc_machine_type_find(&mt, set, "pc-q35-1.4"), VMC_ENOTFOUND);
    assert_non_null(strstr(vmc_error_last()->message, "pc-q35-1.4"));
    /* -machine help order: families, versions descending by QOM type name */
    assert_string_equal(vmc_machine_type_info(vmc_machine_types_get(set, 0))->name, "microvm");
    assert_string_equal(vmc_machine_type_info(vmc_machine_types_get(set, 1))->name,
                        "pc-i440fx-7.2");
    assert_string_equal(vmc_machine_type_info(vmc_machine_types_get(set, 58))->name, "x-remote");
    assert_null(vmc_machine_types_get(set, 59));
    /* CPU models: QEMU 7.2's query-cpu-definitions has 132 under TCG */
    assert_int_equal(vmc_machine_types_cpu_model_count(set), 132);
    /* target/i386/cpu.c: Skylake-Client is family 6, model 94, stepping 3 */
    const vmc_cpu_model *cm = vmc_machine_types_cpu_model(set, "Skylake-Client");
    assert_non_null(cm);
    assert_string_equal(cm->alias_of, "Skylake-Client-v1");
    assert_true(cm->family == 6 && cm->model == 94 && cm->stepping == 3);
    assert_true(cm->apic && cm->mce && cm->mca && !cm->monitor);
    /* the 486 has no local APIC and no machine-check architecture */
    cm = vmc_machine_types_cpu_model(set, "486");
    assert_true(cm && !cm->apic && !cm->mce && cm->family == 4);
    assert_null(vmc_machine_types_cpu_model(set, "Skylake"));
    assert_true(vmc_machine_types_cpu_property(set, "sse4.1"));
    assert_true(vmc_machine_types_cpu_property(set, "sse4-1"));
    assert_false(vmc_machine_types_cpu_property(set, "sse9"));
    /* -device names of QEMU 7.2 (its -device help): vmcoreinfo and vfio-pci
     * exist; igb came with 8.0 (QEMU 7.2 refuses it, corpus xver) */
    assert_int_equal(vmc_machine_types_device_known(set, "vmcoreinfo"), 1);
    assert_int_equal(vmc_machine_types_device_known(set, "vfio-pci"), 1);
    assert_int_equal(vmc_machine_types_device_known(set, "igb"), 0);
    vmc_machine_types_free(set);
}

static void test_class_fields(void **state)
{
    (void)state;
    vmc_machine_types *set = builtin();
    /* pc_q35_2_7_machine_options: max_cpus 255; 2.8 and later keep 288 */
    assert_string_equal(field(set, "pc-q35-2.7", "max_cpus"), "255");
    assert_string_equal(field(set, "pc-q35-2.8", "max_cpus"), "288");
    assert_string_equal(field(set, "pc-i440fx-7.2", "max_cpus"), "255");
    /* default NIC: e1000 up to q35 2.11 */
    assert_string_equal(field(set, "pc-q35-2.11", "default_nic_model"), "\"e1000\"");
    assert_string_equal(field(set, "pc-q35-2.12", "default_nic_model"), "\"e1000e\"");
    /* 4.0 alone uses a split irqchip */
    assert_string_equal(field(set, "pc-q35-4.0", "default_kernel_irqchip_split"), "true");
    assert_string_equal(field(set, "pc-q35-4.0.1", "default_kernel_irqchip_split"), "false");
    assert_string_equal(field(set, "pc-q35-3.1", "default_kernel_irqchip_split"), "false");
    assert_string_equal(field(set, "pc-q35-4.0.1", "default_cpu_version"), "\"legacy\"");
    assert_string_equal(field(set, "pc-q35-4.1", "default_cpu_version"), "1");
    /* legacy i440fx flags */
    assert_string_equal(field(set, "pc-i440fx-1.7", "gigabyte_align"), "false");
    assert_string_equal(field(set, "pc-i440fx-2.0", "gigabyte_align"), "true");
    assert_string_equal(field(set, "pc-i440fx-2.0", "has_reserved_memory"), "false");
    assert_string_equal(field(set, "pc-i440fx-2.1", "has_reserved_memory"), "true");
    assert_string_equal(field(set, "pc-i440fx-2.2", "rsdp_in_ram"), "false");
    assert_string_equal(field(set, "pc-i440fx-2.3", "rsdp_in_ram"), "true");
    assert_string_equal(field(set, "pc-i440fx-2.1", "enforce_aligned_dimm"), "false");
    assert_string_equal(field(set, "pc-i440fx-2.0", "legacy_acpi_table_size"), "6652");
    assert_string_equal(field(set, "pc-i440fx-1.7", "legacy_acpi_table_size"), "6414");
    assert_string_equal(field(set, "pc-i440fx-1.6", "has_acpi_build"), "false");
    assert_string_equal(field(set, "pc-i440fx-2.4", "hw_version"), "\"2.4.0\"");
    assert_string_equal(field(set, "pc-i440fx-2.5", "hw_version"), "\"2.5+\"");
    assert_string_equal(field(set, "pc-q35-5.1", "pci_root_uid"), "1");
    assert_string_equal(field(set, "pc-q35-5.2", "pci_root_uid"), "0");
    assert_string_equal(field(set, "pc-i440fx-7.0", "enforce_amd_1tb_hole"), "false");
    assert_string_equal(field(set, "pc-i440fx-7.1", "enforce_amd_1tb_hole"), "true");
    assert_string_equal(field(set, "isapc", "pci_enabled"), "false");
    assert_string_equal(field(set, "isapc", "default_cpu_type"), "\"486-x86_64-cpu\"");
    /* the set_by of an inherited field names the entry that set it */
    assert_string_equal(vmc_machine_type_class_find(find(set, "pc-q35-2.4"), "max_cpus")->set_by,
                        "pc-q35-2.7");
    /* machine options: suppress-vmdesc from pc-i440fx-2.2 down to 1.7 (1.7 clears them) */
    const char *v;
    assert_int_equal(vmc_machine_type_option(find(set, "pc-i440fx-2.2"), "suppress-vmdesc", &v), 0);
    assert_string_equal(v, "on");
    assert_int_equal(vmc_machine_type_option(find(set, "pc-i440fx-2.0"), "firmware", &v), 0);
    assert_string_equal(v, "bios-256k.bin");
    assert_int_equal(vmc_machine_type_option(find(set, "pc-i440fx-2.3"), "suppress-vmdesc", &v),
                     VMC_ENOTFOUND);
    assert_int_equal(vmc_machine_type_option(find(set, "pc-i440fx-1.7"), "firmware", &v),
                     VMC_ENOTFOUND);
    vmc_machine_types_free(set);
}

static void test_compat_chain(void **state)
{
    (void)state;
    vmc_machine_types *set = builtin();
    const vmc_machine_type *mt = find(set, "pc-q35-7.2");
    assert_int_equal(vmc_machine_type_compat_count(mt), 0);
    /* hw_compat_7_1 (4 entries) then pc_compat_7_1 (none) */
    mt = find(set, "pc-q35-7.1");
    assert_int_equal(vmc_machine_type_compat_count(mt), 4);
    assert_string_equal(vmc_machine_type_compat_get(mt, 0)->origin, "hw_compat_7_1");
    assert_string_equal(vmc_machine_type_compat_get(mt, 0)->driver, "virtio-device");
    /* 4.0 adds nothing to 4.0.1, which applies the 4.0 sets */
    assert_int_equal(vmc_machine_type_compat_count(find(set, "pc-q35-4.0")),
                     vmc_machine_type_compat_count(find(set, "pc-q35-4.0.1")));
    assert_int_equal(vmc_machine_type_compat_count(find(set, "pc-q35-4.0.1")),
                     vmc_machine_type_compat_count(find(set, "pc-q35-4.1")) + 8);
    /* the order is newest first, and a later (older) entry overrides */
    mt = find(set, "pc-q35-6.0");
    size_t n = vmc_machine_type_compat_count(mt);
    size_t keep61 = n, keep60 = n;
    for (size_t i = 0; i < n; i++) {
        const vmc_compat_prop *p = vmc_machine_type_compat_get(mt, i);
        if (strcmp(p->property, "x-keep-pci-slot-hpc") == 0) {
            if (strcmp(p->origin, "pc_compat_6_1") == 0) {
                keep61 = i;
                assert_true(p->overridden);
            } else {
                assert_string_equal(p->origin, "pc_compat_6_0");
                keep60 = i;
                assert_false(p->overridden);
            }
        }
    }
    assert_true(keep61 < keep60 && keep60 < n);
    /* i440fx 2.0 has pc_compat_2_0 but no hw_compat_2_0 */
    mt = find(set, "pc-i440fx-2.0");
    assert_int_equal(vmc_machine_type_compat_count(mt),
                     vmc_machine_type_compat_count(find(set, "pc-i440fx-2.1")) + 13);
    assert_string_equal(vmc_machine_type_compat_get(mt, vmc_machine_type_compat_count(mt) - 1)
                            ->origin, "pc_compat_2_0");
    /* PC_CPU_MODEL_IDS expands into three model-id entries */
    assert_string_equal(vmc_machine_type_compat_get(mt, vmc_machine_type_compat_count(mt) - 13)
                            ->value, "QEMU Virtual CPU version 2.0.0");
    /* drivers the binary lacks are marked */
    mt = find(set, "pc-q35-7.0");
    assert_int_equal(vmc_machine_type_compat_get(mt, 4)->driver_status, VMC_DRIVER_ABSENT);
    assert_string_equal(vmc_machine_type_compat_get(mt, 4)->driver, "arm-gicv3-common");
    vmc_machine_types_free(set);
}

static void test_effective_inheritance(void **state)
{
    (void)state;
    vmc_machine_types *set = builtin();
    vmc_prop_value v;
    /* hw_compat_5_2 on virtio-net-pci-base reaches all three flavours */
    expect_eff(set, "pc-q35-5.2", "virtio-net-pci", "vectors", "3");
    expect_eff(set, "pc-q35-5.2", "virtio-net-pci-transitional", "vectors", "3");
    expect_eff(set, "pc-q35-5.2", "virtio-net-pci-base", "vectors", "3");
    char *s = value_of(set, "pc-q35-6.0", NULL, NULL, "virtio-net-pci", "vectors", &v);
    assert_string_equal(s, "4294967295");   /* DEV_NVECTORS_UNSPECIFIED */
    assert_int_equal(v.origin, VMC_ORIGIN_DEFAULT);
    g_free(s);
    /* hw_compat_2_8 on the abstract pci-device */
    expect_eff(set, "pc-q35-2.8", "e1000e", "x-pcie-extcap-init", "false");
    expect_eff(set, "pc-q35-2.9", "e1000e", "x-pcie-extcap-init", "true");
    /* hw_compat_2_7 ioapic version "0x11" is 17 */
    expect_eff(set, "pc-i440fx-2.7", "ioapic", "version", "17");
    /* virtio-serial-pci vectors 0xFFFFFFFF (pc_compat_1_4) */
    expect_eff(set, "pc-i440fx-1.4", "virtio-serial-pci", "vectors", "4294967295");
    /* short_root_bus: pc_compat_1_6 says 1, pc_compat_1_5 (applied later) 0 */
    expect_eff(set, "pc-i440fx-1.6", "i440FX-pcihost", "short_root_bus", "1");
    expect_eff(set, "pc-i440fx-1.5", "i440FX-pcihost", "short_root_bus", "0");
    /* the CPU model values of pc_compat_6_0 hit qemu64 only */
    expect_eff(set, "pc-q35-6.0", "qemu64-x86_64-cpu", "family", "6");
    expect_eff(set, "pc-q35-6.0", "qemu32-x86_64-cpu", "hv-version-id-build", "7100");
    /* optional entries skip objects without the property (hw_compat_2_6) */
    expect_eff(set, "pc-i440fx-2.6", "virtio-net-pci", "disable-modern", "true");
    s = value_of(set, "pc-i440fx-2.6", NULL, NULL, "virtio-net-pci-transitional",
                 "disable-modern", &v);
    assert_null(s);
    assert_int_equal(v.status, VMC_PROP_NO_PROPERTY);
    /* absent and unknown drivers */
    s = value_of(set, "pc-q35-7.0", NULL, NULL, "arm-gicv3-common", "force-8-bit-prio", &v);
    assert_string_equal(s, "on");
    assert_int_equal(v.status, VMC_PROP_ABSENT_DRIVER);
    g_free(s);
    s = value_of(set, "pc-q35-7.2", NULL, NULL, "no-such-device", "x", &v);
    assert_null(s);
    assert_int_equal(v.status, VMC_PROP_UNKNOWN_DRIVER);
    /* no default known: the CPU models disagree */
    s = value_of(set, "pc-q35-7.2", NULL, NULL, "x86_64-cpu", "pmu", &v);
    assert_null(s);
    assert_int_equal(v.status, VMC_PROP_NO_DEFAULT);
    assert_string_equal(vmc_prop_status_name(v.status), "no-default");
    /* realized values per machine family */
    s = value_of(set, "pc-q35-7.2", NULL, NULL, "hpet", "hpet-intcap", &v);
    assert_string_equal(s, "0");
    g_free(s);
    vmc_machine_setup *st;
    assert_int_equal(vmc_machine_setup_new(&st, find(set, "pc-q35-7.2"), NULL), 0);
    assert_int_equal(vmc_machine_setup_value(st, "hpet", "hpet-intcap", &v), 0);
    assert_string_equal(v.realized, "16711940");
    vmc_machine_setup_free(st);
    assert_int_equal(vmc_machine_setup_new(&st, find(set, "pc-i440fx-1.7"), NULL), 0);
    assert_int_equal(vmc_machine_setup_value(st, "hpet", "hpet-intcap", &v), 0);
    assert_string_equal(v.value, "4");
    assert_null(v.realized);
    assert_string_equal(v.origin_name, "pc_compat_1_7");
    vmc_machine_setup_free(st);
    /* QOM parents */
    assert_string_equal(vmc_machine_types_parent(set, "virtio-net-pci"), "virtio-net-pci-base");
    assert_true(vmc_machine_types_is_a(set, "pcie-root-port", "pcie-slot"));
    assert_true(vmc_machine_types_is_a(set, "pcie-root-port", "pci-device"));
    assert_false(vmc_machine_types_is_a(set, "pci-bridge", "pcie-slot"));
    vmc_machine_types_free(set);
}

static void test_globals_accel_board(void **state)
{
    (void)state;
    vmc_machine_types *set = builtin();
    vmc_prop_value v;
    /* -global comes after machine compat */
    const char *g1[] = { "virtio-net-pci.vectors=7", NULL };
    char *s = value_of(set, "pc-q35-5.2", NULL, g1, "virtio-net-pci", "vectors", &v);
    assert_string_equal(s, "7");
    assert_int_equal(v.origin, VMC_ORIGIN_GLOBAL);
    g_free(s);
    /* the keyword spelling, the last one wins, on a parent type */
    const char *g2[] = { "driver=virtio-pci,property=x-pcie-pm-init,value=off",
                         "virtio-pci.x-pcie-pm-init=on", NULL };
    s = value_of(set, "pc-q35-2.8", NULL, g2, "virtio-rng-pci", "x-pcie-pm-init", NULL);
    assert_string_equal(s, "true");
    g_free(s);
    /* board entry: pc-q35-6.1 registers pcie-slot.x-native-hotplug=false */
    s = value_of(set, "pc-q35-6.1", NULL, NULL, "pcie-root-port", "x-native-hotplug", &v);
    assert_string_equal(s, "false");
    assert_int_equal(v.origin, VMC_ORIGIN_BOARD);
    g_free(s);
    expect_eff(set, "pc-q35-6.0", "pcie-root-port", "x-native-hotplug", "true");
    expect_eff(set, "pc-q35-7.2", "pcie-root-port", "x-native-hotplug", "true");
    /* ... and on 7.2 when -global makes its conditions hold; pci-bridge is no pcie-slot */
    const char *g3[] = { "ICH9-LPC.x-keep-pci-slot-hpc=off", NULL };
    s = value_of(set, "pc-q35-7.2", NULL, g3, "xio3130-downstream", "x-native-hotplug", NULL);
    assert_string_equal(s, "false");
    g_free(s);
    s = value_of(set, "pc-q35-7.2", NULL, g3, "pci-bridge", "x-native-hotplug", &v);
    assert_int_equal(v.status, VMC_PROP_NO_PROPERTY);
    g_free(s);
    /* a -global for the slot itself wins over the board entry */
    const char *g4[] = { "pcie-root-port.x-native-hotplug=on", NULL };
    expect_eff(set, "pc-i440fx-7.2", "pcie-root-port", "x-native-hotplug", "true");
    s = value_of(set, "pc-q35-6.1", NULL, g4, "pcie-root-port", "x-native-hotplug", NULL);
    assert_string_equal(s, "true");
    g_free(s);
    /* accelerator compat comes first: the machine's compat wins over it */
    s = value_of(set, "pc-i440fx-7.2", "xen", NULL, "migration", "send-configuration", &v);
    assert_string_equal(s, "false");
    assert_string_equal(v.origin_name, "accel xen");
    g_free(s);
    s = value_of(set, "pc-i440fx-7.2", "kvm", NULL, "migration", "send-configuration", NULL);
    assert_string_equal(s, "true");
    g_free(s);
    vmc_machine_setup *st;
    assert_int_equal(vmc_machine_setup_new(&st, find(set, "pc"), "hvf-none"), VMC_ENOTFOUND);
    assert_int_equal(vmc_machine_setup_new(&st, find(set, "pc"), NULL), 0);
    assert_string_equal(vmc_machine_setup_accel(st), "tcg");
    static const char *const bad[] = { "novalue", ".prop=1", "drv.=1", "drv.prop", "=x",
                                       "driver=a,property=b", "driver=a,property=b,value=c,x=y",
                                       "" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (vmc_machine_setup_add_global(st, bad[i]) != VMC_EUSAGE) {
            fail_msg("-global '%s' accepted", bad[i]);
        }
    }
    assert_int_equal(vmc_machine_setup_add_global(st, "e1000.romfile=x.rom,y"), 0);
    assert_int_equal(vmc_machine_setup_count(st), 1);
    assert_string_equal(vmc_machine_setup_get(st, 0)->value, "x.rom,y");
    vmc_machine_setup_free(st);
    vmc_machine_types_free(set);
}

static void test_canonical(void **state)
{
    (void)state;
    char b[64];
    static const struct {
        const char *type, *in, *out;
    } cases[] = {
        { "bool", "on", "true" },       { "bool", "yes", "true" },   { "bool", "y", "true" },
        { "bool", "off", "false" },     { "bool", "no", "false" },   { "bool", "n", "false" },
        { "bool", "false", "false" },   { "bool", "On", NULL },      { "bool", "1", NULL },
        { "uint8", "0x11", "17" },      { "uint8", "256", NULL },    { "uint32", "0xFFFFFFFF",
                                                                       "4294967295" },
        { "uint32", "0x100000000", NULL }, { "uint16", "0x0006", "6" }, { "uint32", "x", NULL },
        { "uint32", "", NULL },         { "int32", "-1", "-1" },     { "int", "15", "15" },
        { "size", "4K", "4096" },       { "size", "1M", "1048576" }, { "size", "0x10", "16" },
        { "size", "2X", NULL },         { "uint64", "-1", "18446744073709551615" },
        { "uint32", "-1", NULL },       { "OnOffAuto", "auto", "auto" },
        { "str", "pxe-e1000.rom", "pxe-e1000.rom" }, { NULL, "anything", "anything" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *r = vmc_prop_canonical(cases[i].type, cases[i].in, b, sizeof(b));
        if ((r == NULL) != (cases[i].out == NULL) || (r && strcmp(r, cases[i].out) != 0)) {
            fail_msg("canonical(%s, \"%s\") = %s, expected %s", cases[i].type, cases[i].in,
                     r ? r : "NULL", cases[i].out ? cases[i].out : "NULL");
        }
    }
}

static void test_compare(void **state)
{
    (void)state;
    vmc_machine_types *set = builtin();
    vmc_machine_setup *a, *b;
    vmc_machine_diff *d;
    assert_int_equal(vmc_machine_setup_new(&a, find(set, "pc-q35-6.1"), NULL), 0);
    assert_int_equal(vmc_machine_setup_new(&b, find(set, "pc-q35-6.2"), NULL), 0);
    assert_int_equal(vmc_machine_compare(&d, a, b), 0);
    /* hw_compat_6_1 + pc_compat_6_1 + the board entry they enable, sorted */
    static const char *const want[] = {
        "ICH9-LPC.x-keep-pci-slot-hpc",          "nvme-ns.shared",
        "pcie-slot.x-native-hotplug",            "vhost-user-vsock-device.seqpacket",
        "x86_64-cpu.hv-version-id-build",        "x86_64-cpu.hv-version-id-major",
        "x86_64-cpu.hv-version-id-minor",
    };
    assert_int_equal(vmc_machine_diff_prop_count(d), sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < vmc_machine_diff_prop_count(d); i++) {
        const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, i);
        char *k = g_strdup_printf("%s.%s", x->driver, x->property);
        assert_string_equal(k, want[i]);
        g_free(k);
        assert_true(x->available);
    }
    const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, 4);
    assert_string_equal(x->a.value, "7100");
    assert_string_equal(x->a.raw, "0x1bbc");
    assert_string_equal(x->b.value, "14393");
    assert_int_equal(x->b.origin, VMC_ORIGIN_DEFAULT);
    assert_int_equal(vmc_machine_diff_class_count(d), 1);
    assert_string_equal(vmc_machine_diff_class_get(d, 0)->key, "smp_prefer_sockets");
    assert_string_equal(vmc_machine_diff_class_get(d, 0)->a, "true");
    vmc_machine_diff_free(d);   /* outlives nothing: free before the setups */
    vmc_machine_setup_free(b);
    /* the same machine under two names: nothing differs */
    assert_int_equal(vmc_machine_setup_new(&b, find(set, "pc-q35-6.1"), NULL), 0);
    assert_int_equal(vmc_machine_compare(&d, a, b), 0);
    assert_int_equal(vmc_machine_diff_prop_count(d), 0);
    assert_int_equal(vmc_machine_diff_class_count(d), 0);
    vmc_machine_diff_free(d);
    vmc_machine_setup_free(a);
    vmc_machine_setup_free(b);
    /* the diff keeps its strings after the setups and the set are gone */
    assert_int_equal(vmc_machine_setup_new(&a, find(set, "pc-i440fx-2.0"), NULL), 0);
    assert_int_equal(vmc_machine_setup_new(&b, find(set, "pc"), NULL), 0);
    assert_int_equal(vmc_machine_compare(&d, a, b), 0);
    vmc_machine_setup_free(a);
    vmc_machine_setup_free(b);
    vmc_machine_types_free(set);
    bool found = false;
    for (size_t i = 0; i < vmc_machine_diff_prop_count(d); i++) {
        x = vmc_machine_diff_prop_get(d, i);
        if (strcmp(x->driver, "PIIX4_PM") == 0 && strcmp(x->property,
                                                          "memory-hotplug-support") == 0) {
            assert_string_equal(x->a.value, "false");
            assert_string_equal(x->a.origin_name, "pc_compat_2_0");
            found = true;
        }
    }
    assert_true(found);
    bool gig = false;
    for (size_t i = 0; i < vmc_machine_diff_class_count(d); i++) {
        gig |= strcmp(vmc_machine_diff_class_get(d, i)->key, "has_reserved_memory") == 0;
    }
    assert_true(gig);
    vmc_machine_diff_free(d);
}

/* ---- table files ----------------------------------------------------------- */

static int parse_text(const char *json, vmc_machine_types **out)
{
    return vmc_machine_types_parse(out, json, strlen(json), "test.json");
}

#define HEAD "{\"format\": \"vmcompat-machine-types\", \"format_version\": 1, "

static void test_small_tables(void **state)
{
    (void)state;
    /* a flat table as a harvest may write it: inline compat entries, no base */
    const char *json =
        HEAD "\"qemu\": {\"version\": \"9.9.0\"},"
        "\"machines\": ["
        " {\"name\": \"m-2\", \"class\": {\"alias\": \"m\", \"family\": \"f\","
        "   \"is_default\": true, \"desc\": \"new\"}},"
        " {\"name\": \"m-1\", \"class\": {\"family\": \"f\"}, \"compat_props\": ["
        "   {\"driver\": \"dev\", \"property\": \"p\", \"value\": \"off\"},"
        "   {\"driver\": \"base\", \"property\": \"q\", \"value\": \"0x10\"}]}],"
        "\"types\": {\"base\": {\"parent\": null, \"abstract\": true, \"properties\": {"
        "   \"q\": {\"type\": \"uint32\", \"default\": 1}}},"
        " \"dev\": {\"parent\": \"base\", \"properties\": {\"p\": {\"type\": \"bool\","
        "   \"default\": true}}}}}";
    vmc_machine_types *set;
    if (parse_text(json, &set) != 0) {
        fail_msg("%s", vmc_error_last()->message);
    }
    assert_int_equal(vmc_machine_types_count(set), 2);
    assert_string_equal(vmc_machine_type_info(vmc_machine_types_get(set, 0))->name, "m-2");
    expect_eff(set, "m", "dev", "q", "1");
    expect_eff(set, "m-1", "dev", "q", "16");
    expect_eff(set, "m-1", "dev", "p", "false");
    vmc_machine_setup *a, *b;
    vmc_machine_diff *d;
    assert_int_equal(vmc_machine_setup_new(&a, find(set, "m-1"), NULL), 0);
    assert_int_equal(vmc_machine_setup_new(&b, find(set, "m"), "anything"), 0);  /* no accels */
    assert_int_equal(vmc_machine_compare(&d, a, b), 0);
    assert_int_equal(vmc_machine_diff_prop_count(d), 2);
    vmc_machine_diff_free(d);
    vmc_machine_setup_free(a);
    vmc_machine_setup_free(b);
    vmc_machine_types_free(set);
}

static void expect_bad(const char *json, int code, const char *needle)
{
    vmc_machine_types *set = (vmc_machine_types *)1;
    int rc = parse_text(json, &set);
    if (rc != code) {
        fail_msg("%d instead of %d for %s (%s)", rc, code, json, vmc_error_last()->message);
    }
    assert_null(set);
    if (needle && !strstr(vmc_error_last()->message, needle)) {
        fail_msg("\"%s\" not in \"%s\"", needle, vmc_error_last()->message);
    }
}

/* A device QEMU has but vmcompat does not model is "not modelled", never
 * QEMU's "not a valid device model name" (which is for names it lacks). */
static void test_device_names(void **state)
{
    (void)state;
    const char *known[] = { "-M", "pc-q35-7.2", "-nodefaults", "-device", "vmcoreinfo" };
    vmc_model *m = NULL;
    assert_int_equal(vmc_model_build(&m, 5, known, NULL), VMC_EUNSUPPORTED);
    assert_non_null(strstr(vmc_error_last()->message, "not modelled"));
    const char *unknown[] = { "-M", "pc-q35-7.2", "-nodefaults", "-device", "igb,netdev=n0" };
    assert_int_equal(vmc_model_build(&m, 5, unknown, NULL), VMC_EUSAGE);
    assert_string_equal(vmc_error_last()->message,
                        "qemu-system-x86_64: -device igb,netdev=n0: 'igb' is not a valid device "
                        "model name");
}

static void test_bad_tables(void **state)
{
    (void)state;
    expect_bad("", VMC_EFORMAT, "invalid JSON");
    expect_bad("[]", VMC_EFORMAT, "expected an object");
    expect_bad("{\"format\": \"x\", \"format_version\": 1, \"machines\": []}", VMC_EFORMAT,
               "$.format");
    expect_bad("{\"format\": \"vmcompat-machine-types\", \"format_version\": 2, \"machines\": []}",
               VMC_EUNSUPPORTED, "format_version 2");
    expect_bad(HEAD "\"machines\": []} x", VMC_EFORMAT, "JSON");
    expect_bad(HEAD "\"machinez\": []}", VMC_EFORMAT, "unknown member \"machinez\"");
    expect_bad(HEAD "\"qemu\": {}}", VMC_EFORMAT, "missing member \"machines\"");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\", \"base\": \"b\"},"
               "{\"name\": \"b\", \"base\": \"a\"}]}", VMC_EFORMAT, "loops");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\", \"base\": \"zz\"}]}", VMC_EFORMAT,
               "base \"zz\"");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\", \"compat_props\": [\"hw_compat_9_9\"]}]}",
               VMC_EFORMAT, "unknown compat set");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", VMC_EFORMAT,
               "duplicate");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\"}, {\"name\": \"b\", \"class\": "
               "{\"alias\": \"a\"}}]}", VMC_EFORMAT, "alias");
    expect_bad(HEAD "\"machines\": [{\"name\": \"\"}]}", VMC_EFORMAT, "$.machines[0].name");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\\u0000b\"}]}", VMC_EFORMAT, "NUL");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\", \"class\": {\"alias\": 3}}]}", VMC_EFORMAT,
               "$.machines[0].class.alias");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\", \"modelled\": \"most\"}]}", VMC_EFORMAT,
               "modelled");
    expect_bad(HEAD "\"machines\": [{\"name\": \"a\", \"compat_props\": [{\"driver\": \"d\","
               "\"property\": \"p\", \"value\": 1}]}]}", VMC_EFORMAT,
               "$.machines[0].compat_props[0].value");
    expect_bad(HEAD "\"compat_sets\": {\"s\": [{\"driver\": \"d\"}]}, \"machines\": [{\"name\":"
               " \"a\", \"compat_props\": [\"s\"]}]}", VMC_EFORMAT, "$.compat_sets[\"s\"][0]");
    expect_bad(HEAD "\"machines\": [], \"types\": {\"a\": {\"parent\": \"b\"}, \"b\": "
               "{\"parent\": \"a\"}}}", VMC_EFORMAT, "parent chain loops");
    expect_bad(HEAD "\"machines\": [], \"types\": {\"a\": {\"properties\": {\"p\": "
               "{\"default\": [1]}}}}}", VMC_EFORMAT, "scalar");
    expect_bad(HEAD "\"machines\": [], \"accel_compat_props\": {\"tcg\": {}}}", VMC_EFORMAT,
               "$.accel_compat_props[\"tcg\"]");
    expect_bad(HEAD "\"machines\": [], \"cpu_models\": {\"models\": {}}}", VMC_EFORMAT,
               "$.cpu_models.properties");
    expect_bad(HEAD "\"machines\": [], \"cpu_models\": {\"models\": {\"m\": {\"family\": "
               "\"6\"}}, \"properties\": []}}", VMC_EFORMAT,
               "integer at $.cpu_models.models[\"m\"].family");
    expect_bad(HEAD "\"machines\": [], \"cpu_models\": {\"models\": {\"m\": {\"family\": 6, "
               "\"model\": 1, \"stepping\": 1, \"apic\": true, \"mce\": 1}}, \"properties\": "
               "[]}}", VMC_EFORMAT, "true or false at $.cpu_models.models[\"m\"].mce");
    expect_bad(HEAD "\"machines\": [], \"cpu_models\": {\"models\": {\"m\": {\"cpuid\": 1}},"
               " \"properties\": []}}", VMC_EFORMAT, "unknown member \"cpuid\"");
    /* deep nesting is refused by the parser, not by the stack */
    GString *deep = g_string_new(HEAD "\"provenance\": ");
    for (int i = 0; i < 100000; i++) {
        g_string_append_c(deep, '[');
    }
    expect_bad(deep->str, VMC_EFORMAT, "invalid JSON");
    g_string_free(deep, TRUE);
    /* too large: refused before parsing */
    vmc_machine_types *set;
    assert_int_equal(vmc_machine_types_parse(&set, "{", VMC_MACHINE_TABLES_MAX_BYTES + 1u, "big"),
                     VMC_ELIMIT);
    /* a missing base chain element does not loop: 300 entries deep */
    GString *chain = g_string_new(HEAD "\"machines\": [");
    for (int i = 0; i < 300; i++) {
        g_string_append_printf(chain, "%s{\"name\": \"m%d\"%s", i ? "," : "", i,
                               i < 299 ? "" : "}");
        if (i < 299) {
            g_string_append_printf(chain, ", \"base\": \"m%d\"}", i + 1);
        }
    }
    g_string_append(chain, "]}");
    expect_bad(chain->str, VMC_EFORMAT, "base chain longer");
    g_string_free(chain, TRUE);
    /* QOM chains are bounded too (lookups walk them) */
    GString *types = g_string_new(HEAD "\"machines\": [], \"types\": {");
    for (int i = 0; i < 100; i++) {
        g_string_append_printf(types, "%s\"t%d\": {\"parent\": \"t%d\"}", i ? "," : "", i, i + 1);
    }
    g_string_append(types, "}}");
    expect_bad(types->str, VMC_EFORMAT, "parent chain longer");
    g_string_free(types, TRUE);
    /* inheritance multiplies lists: their sizes are bounded */
    GString *fields = g_string_new(HEAD "\"machines\": [{\"name\": \"a\", \"class\": {");
    for (int i = 0; i < 600; i++) {
        g_string_append_printf(fields, "%s\"f%d\": %d", i ? "," : "", i, i);
    }
    g_string_append(fields, "}}]}");
    expect_bad(fields->str, VMC_EFORMAT, "more than 512 class fields");
    g_string_free(fields, TRUE);
    GString *refs = g_string_new(HEAD "\"compat_sets\": {\"s\": [");
    for (int i = 0; i < 100; i++) {
        g_string_append_printf(refs, "%s{\"driver\": \"d\", \"property\": \"p%d\", "
                               "\"value\": \"1\"}", i ? "," : "", i);
    }
    g_string_append(refs, "]}, \"machines\": [{\"name\": \"a\", \"compat_props\": [");
    for (int i = 0; i < 50; i++) {
        g_string_append_printf(refs, "%s\"s\"", i ? "," : "");
    }
    g_string_append(refs, "]}]}");
    expect_bad(refs->str, VMC_EFORMAT, "more than 4096 compat properties");
    g_string_free(refs, TRUE);
}

/* Every truncation of the built-in text fails cleanly. */
static void test_truncated_builtin(void **state)
{
    (void)state;
    char *path = g_build_filename(tu_source_dir(), "schemas", "machine-types", "qemu-7.2.json",
                                  NULL);
    size_t len;
    uint8_t *text = tu_read_file(path, &len);
    for (size_t cut = 0; cut < len; cut += 1 + cut / 50) {
        vmc_machine_types *set = NULL;
        int rc = vmc_machine_types_parse(&set, (const char *)text, cut, "cut");
        if (rc != VMC_EFORMAT) {
            fail_msg("cut at %zu: %d", cut, rc);
        }
    }
    vmc_machine_types *set;
    assert_int_equal(vmc_machine_types_parse(&set, (const char *)text, len, "full"), 0);
    vmc_machine_types_free(set);
    /* the file and the embedded copy are the same tables */
    assert_int_equal(vmc_machine_types_load_file(&set, path), 0);
    assert_int_equal(vmc_machine_types_count(set), 59);
    assert_string_equal(vmc_machine_types_source(set), path);
    vmc_machine_types_free(set);
    /* gzip is accepted */
    char *gz = tu_temp_file("", 0, ".json.gz");
    gzFile f = gzopen(gz, "wb");
    assert_non_null(f);
    assert_int_equal(gzwrite(f, text, (unsigned)len), (int)len);
    gzclose(f);
    assert_int_equal(vmc_machine_types_load_file(&set, gz), 0);
    vmc_machine_types_free(set);
    unlink(gz);
    free(gz);
    assert_int_equal(vmc_machine_types_load_file(&set, "/nonexistent/t.json"), VMC_EIO);
    free(text);
    g_free(path);
}

/* ---- the CLI --------------------------------------------------------------- */

static int cli(const char *const *argv, char **out, char **err)
{
    size_t len;
    return tu_run_cli(argv, NULL, 0, out, &len, err);
}

static void test_cli(void **state)
{
    (void)state;
    char *out, *err;
    const char *list[] = { "vmcompat", "machines", NULL };
    assert_int_equal(cli(list, &out, &err), 0);
    assert_non_null(strstr(out, "pc-q35-4.0.1"));
    assert_non_null(strstr(out, "(default)"));
    free(out);
    free(err);

    const char *csv[] = { "vmcompat", "machines", "compare", "pc-q35-6.0", "pc-q35-7.2",
                          "--format", "csv", NULL };
    assert_int_equal(cli(csv, &out, &err), 0);
    assert_non_null(strstr(out, "property,e1000,init-vet,true,false,true,hw_compat_6_0,default"));
    assert_non_null(strstr(out, "property,arm-gicv3-common,force-8-bit-prio,false,on,,"));
    assert_non_null(strstr(out, "class,,enforce_amd_1tb_hole,true,false,true"));
    free(out);
    free(err);

    const char *show[] = { "vmcompat", "machines", "show", "q35", "--format=json", "--global",
                           "ICH9-LPC.x-keep-pci-slot-hpc=false", NULL };
    assert_int_equal(cli(show, &out, &err), 0);
    json_object *j = json_tokener_parse(out);
    assert_non_null(j);
    json_object *m, *name, *props;
    assert_true(json_object_object_get_ex(j, "machine", &m));
    assert_true(json_object_object_get_ex(m, "name", &name));
    assert_string_equal(json_object_get_string(name), "pc-q35-7.2");
    assert_true(json_object_object_get_ex(j, "global_properties", &props));
    /* board entry (now active) and the -global */
    assert_int_equal(json_object_array_length(props), 2);
    json_object *p0 = json_object_array_get_idx(props, 0), *active;
    assert_true(json_object_object_get_ex(p0, "active", &active));
    assert_true(json_object_get_boolean(active));
    json_object_put(j);
    free(out);
    free(err);

    static const struct {
        const char *argv[8];
        int code;
        const char *msg;
    } bad[] = {
        { { "vmcompat", "machines", "show", "pc-q35-9.0", NULL }, 2, "unsupported machine type" },
        { { "vmcompat", "machines", "show", NULL }, 2, "expects 1 machine type" },
        { { "vmcompat", "machines", "compare", "pc", NULL }, 2, "expects 2 machine types" },
        { { "vmcompat", "machines", "frobnicate", NULL }, 2, "unknown command" },
        { { "vmcompat", "machines", "--format", "xml", NULL }, 2, "unknown format" },
        { { "vmcompat", "machines", "--format", NULL }, 2, "needs an argument" },
        { { "vmcompat", "machines", "--bogus", NULL }, 2, "unknown option" },
        { { "vmcompat", "machines", "--tables", "/nonexistent.json", NULL }, 1, "cannot open" },
        { { "vmcompat", "machines", "show", "pc", "--global", "junk", NULL }, 2,
          "invalid -global" },
        { { "vmcompat", "machines", "show", "pc", "--accel", "hvf", NULL }, 2, "accelerator" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = cli(bad[i].argv, &out, &err);
        if (rc != bad[i].code || !strstr(err, bad[i].msg)) {
            fail_msg("case %zu: exit %d, stderr \"%s\"", i, rc, err);
        }
        free(out);
        free(err);
    }
    /* warnings for -global options QEMU would warn about */
    const char *warn[] = { "vmcompat", "machines", "show", "pc", "--global", "nodev.x=1",
                           "--global", "e1000.nothing=1", "--global", "e1000.mitigation=maybe",
                           NULL };
    assert_int_equal(cli(warn, &out, &err), 0);
    assert_non_null(strstr(err, "global nodev.x has an unknown class name"));
    assert_non_null(strstr(err, "e1000 has no property 'nothing'"));
    assert_non_null(strstr(err, "'maybe' is not a valid bool"));
    free(out);
    free(err);
}

/* The JSON the CLI prints and the built-in tables validate against their schemas. */
static void test_json_schemas(void **state)
{
    (void)state;
    const char *src = tu_source_dir();
    char *validator = g_build_filename(src, "tests", "validate_json_schema.py", NULL);
    char *out_schema = g_build_filename(src, "schemas", "machines.schema.json", NULL);
    char *data_schema = g_build_filename(src, "schemas", "machine-types.schema.json", NULL);
    char *data = g_build_filename(src, "schemas", "machine-types", "qemu-7.2.json", NULL);
    const char *python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char *cmd = g_strdup_printf("'%s' '%s' '%s' /bin/cat '%s'", python, validator, data_schema,
                                data);
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
    static const char *const runs[] = { "list", "show pc-i440fx-2.0", "show q35 --accel xen",
                                        "compare pc-q35-6.0 pc-q35-7.2",
                                        "compare pc-i440fx-1.4 isapc" };
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        cmd = g_strdup_printf("'%s' '%s' '%s' '%s' machines %s --format json", python, validator,
                              out_schema, tu_cli(), runs[i]);
        if (system(cmd) != 0) {
            fail_msg("schema validation failed: %s", cmd);
        }
        g_free(cmd);
    }
    g_free(validator);
    g_free(out_schema);
    g_free(data_schema);
    g_free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_device_names),
        cmocka_unit_test(test_class_fields),
        cmocka_unit_test(test_compat_chain),
        cmocka_unit_test(test_effective_inheritance),
        cmocka_unit_test(test_globals_accel_board),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_small_tables),
        cmocka_unit_test(test_bad_tables),
        cmocka_unit_test(test_truncated_builtin),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_json_schemas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
