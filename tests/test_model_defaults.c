/*
 * The default devices (no -nodefaults) and the legacy device options of the
 * PC boards in the machine model (board_defaults.c).
 *
 * The expected sections, RAM blocks and PCI functions were worked out from
 * QEMU 7.2's source (softmmu/vl.c qemu_disable_default_devices /
 * qemu_create_default_devices, net/net.c net_init_clients, hw/i386/pc.c
 * pc_vga_init / pc_basic_device_init / pc_superio_init / pc_nic_init,
 * pc_piix.c pc_init1, pc_q35.c pc_q35_init) and then checked against the
 * streams of the installed qemu-system-x86_64 7.2 started with the same
 * arguments plus -display none -S (section ids, idstrs, instance ids,
 * versions, RAM block names and lengths).
 */
#include "testutil.h"

#include "machine-types/board_defaults.h"
#include "vmcompat/model.h"

#include <stdio.h>
#include <string.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static vmc_model *build(const char *const *argv)
{
    int argc = 0;
    while (argv[argc]) {
        argc++;
    }
    vmc_model *m = NULL;
    int rc = vmc_model_build(&m, argc, argv, NULL);
    if (rc) {
        fail_msg("model: %s", vmc_error_last()->message);
    }
    return m;
}

typedef struct {
    uint32_t id;
    const char *idstr;
    uint32_t instance;
    uint32_t version;
} want_section;

static void check_sections(vmc_model *m, const want_section *want, size_t n)
{
    for (size_t i = 0; i < n && i < vmc_model_section_count(m); i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        if (e->section_id != want[i].id || strcmp(e->idstr, want[i].idstr) ||
            e->instance_id != want[i].instance || e->version_id != want[i].version) {
            fail_msg("section %zu: model %u %s/%u v%u, want %u %s/%u v%u", i, e->section_id,
                     e->idstr, e->instance_id, e->version_id, want[i].id, want[i].idstr,
                     want[i].instance, want[i].version);
        }
    }
    assert_int_equal(vmc_model_section_count(m), n);
}

typedef struct {
    const char *name;
    uint64_t used;
} want_ram;

static void check_ram(vmc_model *m, const want_ram *want, size_t n)
{
    for (size_t i = 0; i < n && i < vmc_model_ram_block_count(m); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
        if (strcmp(b->name, want[i].name) || b->used_length != want[i].used) {
            fail_msg("RAM block %zu: model %s 0x%llx, want %s 0x%llx", i, b->name,
                     (unsigned long long)b->used_length, want[i].name,
                     (unsigned long long)want[i].used);
        }
    }
    assert_int_equal(vmc_model_ram_block_count(m), n);
}

/* The PCI function at devfn of the root bus has this type (NULL: none). */
static void check_pci(vmc_model *m, int devfn, const char *type)
{
    const vmc_model_pci *found = NULL;
    for (size_t i = 0; i < vmc_model_pci_count(m); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, i);
        if (p->bus_number_depth == 0 && p->devfn == devfn) {
            found = p;
        }
    }
    if (!type) {
        if (found) {
            fail_msg("devfn %02x.%x: %s, want none", devfn >> 3, devfn & 7, found->type);
        }
        return;
    }
    if (!found || strcmp(found->type, type) != 0) {
        fail_msg("devfn %02x.%x: %s, want %s", devfn >> 3, devfn & 7,
                 found ? found->type : "(none)", type);
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* pc-i440fx-7.2 without -nodefaults: VGA after the IOAPIC (pc_vga_init
 * precedes pc_basic_device_init), serial, parallel before the fdc, the
 * default e1000 after port92 and before the IDE controller; one slirp. */
static void test_i440fx_defaults(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-i440fx-7.2"));
    static const want_section want[] = {
        { 2, "ram", 0, 4 }, { 0, "timer", 0, 2 }, { 4, "slirp", 0, 4 },
        { 5, "cpu_common", 0, 1 }, { 6, "cpu", 0, 12 }, { 7, "kvm-tpr-opt", 0, 1 },
        { 8, "apic", 0, 3 }, { 9, "fw_cfg", 0, 2 }, { 10, "PCIHost", 0, 1 },
        { 11, "PCIBUS", 0, 1 }, { 12, "0000:00:00.0/I440FX", 0, 3 }, { 13, "dma", 0, 1 },
        { 14, "dma", 1, 1 }, { 15, "0000:00:01.0/PIIX3", 0, 3 }, { 16, "i8259", 0, 1 },
        { 17, "i8259", 1, 1 }, { 18, "ioapic", 0, 3 }, { 19, "0000:00:02.0/vga", 0, 2 },
        { 20, "hpet", 0, 2 }, { 21, "mc146818rtc", 0, 3 }, { 22, "i8254", 0, 3 },
        { 23, "pcspk", 0, 1 }, { 24, "serial", 0, 3 }, { 25, "parallel_isa", 0, 1 },
        { 26, "fdc", 0, 2 }, { 27, "ps2kbd", 0, 3 }, { 28, "ps2mouse", 0, 2 },
        { 29, "pckbd", 0, 3 }, { 30, "vmmouse", 0, 0 }, { 31, "port92", 0, 1 },
        { 32, "0000:00:03.0/e1000", 0, 2 }, { 33, "0000:00:01.1/ide", 0, 3 },
        { 34, "i2c_bus", 0, 1 }, { 35, "0000:00:01.3/piix4_pm", 0, 3 },
        { 44, "acpi_build", 0, 1 }, { 45, "globalstate", 0, 1 },
    };
    check_sections(m, want, N(want));
    static const want_ram ram[] = {
        { "pc.ram", 0x8000000 }, { "0000:00:02.0/vga.vram", 0x1000000 },
        { "/rom@etc/acpi/tables", 0x20000 }, { "pc.bios", 0x40000 },
        { "0000:00:03.0/e1000.rom", 0x40000 }, { "pc.rom", 0x20000 },
        { "0000:00:02.0/vga.rom", 0x10000 }, { "/rom@etc/table-loader", 0x1000 },
        { "/rom@etc/acpi/rsdp", 0x1000 },
    };
    check_ram(m, ram, N(ram));
    check_pci(m, 2 << 3, "VGA");
    check_pci(m, 3 << 3, "e1000");
    check_pci(m, 4 << 3, NULL);
    /* the empty default floppy drive: a 2.88M drive (fallback 288) */
    int types[2];
    assert_int_equal(vmc_board_defaults_floppy_types(m, types), 1);
    assert_int_equal(types[0], 5);
    assert_int_equal(types[1], 0);
    vmc_model_free(m);
}

/* pc-q35-7.2: VGA and the e1000e come after the SMBus (pc_q35_init creates
 * them last), so they take slots 1 and 2; no floppy (no_floppy). */
static void test_q35_defaults(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-q35-7.2"));
    static const want_section want[] = {
        { 2, "ram", 0, 4 }, { 0, "timer", 0, 2 }, { 4, "slirp", 0, 4 },
        { 5, "cpu_common", 0, 1 }, { 6, "cpu", 0, 12 }, { 7, "kvm-tpr-opt", 0, 1 },
        { 8, "apic", 0, 3 }, { 9, "fw_cfg", 0, 2 }, { 10, "0000:00:00.0/mch", 0, 1 },
        { 11, "PCIHost", 0, 1 }, { 12, "PCIBUS", 0, 1 }, { 13, "dma", 0, 1 },
        { 14, "dma", 1, 1 }, { 15, "0000:00:1f.0/ICH9LPC", 0, 1 }, { 16, "i8259", 0, 1 },
        { 17, "i8259", 1, 1 }, { 18, "ioapic", 0, 3 }, { 19, "hpet", 0, 2 },
        { 20, "mc146818rtc", 0, 3 }, { 21, "i8254", 0, 3 }, { 22, "pcspk", 0, 1 },
        { 23, "serial", 0, 3 }, { 24, "parallel_isa", 0, 1 }, { 25, "ps2kbd", 0, 3 },
        { 26, "ps2mouse", 0, 2 }, { 27, "pckbd", 0, 3 }, { 28, "vmmouse", 0, 0 },
        { 29, "port92", 0, 1 }, { 30, "0000:00:1f.2/ich9_ahci", 0, 1 },
        { 31, "i2c_bus", 0, 1 }, { 32, "0000:00:1f.3/ich9_smb", 0, 1 },
        { 41, "0000:00:01.0/vga", 0, 2 }, { 42, "0000:00:02.0/e1000e", 0, 1 },
        { 43, "acpi_build", 0, 1 }, { 44, "globalstate", 0, 1 },
    };
    check_sections(m, want, N(want));
    static const want_ram ram[] = {
        { "pc.ram", 0x8000000 }, { "0000:00:01.0/vga.vram", 0x1000000 },
        { "/rom@etc/acpi/tables", 0x20000 }, { "pc.bios", 0x40000 },
        { "0000:00:02.0/e1000e.rom", 0x40000 }, { "pc.rom", 0x20000 },
        { "0000:00:01.0/vga.rom", 0x10000 }, { "/rom@etc/table-loader", 0x1000 },
        { "/rom@etc/acpi/rsdp", 0x1000 },
    };
    check_ram(m, ram, N(ram));
    check_pci(m, 1 << 3, "VGA");
    check_pci(m, 2 << 3, "e1000e");
    int types[2];
    assert_int_equal(vmc_board_defaults_floppy_types(m, types), 0);
    vmc_model_free(m);
}

/* pc-i440fx-1.7: no default_display (cirrus), pcspk and PCIHost not sent,
 * the cirrus VRAM block without a device path (8 MiB), 1.44M floppy
 * (hw_compat_2_5: isa-fdc fallback=144). */
static void test_i440fx_17_defaults(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-i440fx-1.7"));
    static const want_section want[] = {
        { 2, "ram", 0, 4 }, { 0, "timer", 0, 2 }, { 4, "slirp", 0, 4 },
        { 5, "cpu_common", 0, 1 }, { 6, "cpu", 0, 12 }, { 7, "kvm-tpr-opt", 0, 1 },
        { 8, "apic", 0, 3 }, { 9, "fw_cfg", 0, 2 }, { 11, "PCIBUS", 0, 1 },
        { 12, "0000:00:00.0/I440FX", 0, 3 }, { 13, "dma", 0, 1 }, { 14, "dma", 1, 1 },
        { 15, "0000:00:01.0/PIIX3", 0, 3 }, { 16, "i8259", 0, 1 }, { 17, "i8259", 1, 1 },
        { 18, "ioapic", 0, 3 }, { 19, "0000:00:02.0/cirrus_vga", 0, 2 }, { 20, "hpet", 0, 2 },
        { 21, "mc146818rtc", 0, 3 }, { 22, "i8254", 0, 3 }, { 24, "serial", 0, 3 },
        { 25, "parallel_isa", 0, 1 }, { 26, "fdc", 0, 2 }, { 27, "ps2kbd", 0, 3 },
        { 28, "ps2mouse", 0, 2 }, { 29, "pckbd", 0, 3 }, { 30, "vmmouse", 0, 0 },
        { 31, "port92", 0, 1 }, { 32, "0000:00:03.0/e1000", 0, 2 },
        { 33, "0000:00:01.1/ide", 0, 3 }, { 34, "i2c_bus", 0, 1 },
        { 35, "0000:00:01.3/piix4_pm", 0, 3 }, { 44, "acpi_build", 0, 1 },
        { 45, "globalstate", 0, 1 },
    };
    check_sections(m, want, N(want));
    bool vram = false;
    for (size_t i = 0; i < vmc_model_ram_block_count(m); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
        vram = vram || (!strcmp(b->name, "vga.vram") && b->used_length == 0x800000);
    }
    assert_true(vram);
    int types[2];
    assert_int_equal(vmc_board_defaults_floppy_types(m, types), 1);
    assert_int_equal(types[0], 4);
    vmc_model_free(m);
}

/* Legacy options on q35: -vga none, a -nic NIC, the second serial port
 * only, no parallel port, -usb (EHCI at 1d.7 and its UHCI companions at
 * 1d.0-2, before the SMBus) and a -usbdevice tablet after the board; the
 * NIC comes after the SMBus, in the first free slot (1). */
static void test_q35_legacy(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-q35-7.2", "-vga", "none", "-nic", "user,model=rtl8139",
                              "-serial", "none", "-serial", "null", "-parallel", "none", "-usb",
                              "-usbdevice", "tablet"));
    static const want_section want[] = {
        { 2, "ram", 0, 4 }, { 0, "timer", 0, 2 }, { 4, "slirp", 0, 4 },
        { 5, "cpu_common", 0, 1 }, { 6, "cpu", 0, 12 }, { 7, "kvm-tpr-opt", 0, 1 },
        { 8, "apic", 0, 3 }, { 9, "fw_cfg", 0, 2 }, { 10, "0000:00:00.0/mch", 0, 1 },
        { 11, "PCIHost", 0, 1 }, { 12, "PCIBUS", 0, 1 }, { 13, "dma", 0, 1 },
        { 14, "dma", 1, 1 }, { 15, "0000:00:1f.0/ICH9LPC", 0, 1 }, { 16, "i8259", 0, 1 },
        { 17, "i8259", 1, 1 }, { 18, "ioapic", 0, 3 }, { 19, "hpet", 0, 2 },
        { 20, "mc146818rtc", 0, 3 }, { 21, "i8254", 0, 3 }, { 22, "pcspk", 0, 1 },
        { 23, "serial", 0, 3 }, { 24, "ps2kbd", 0, 3 }, { 25, "ps2mouse", 0, 2 },
        { 26, "pckbd", 0, 3 }, { 27, "vmmouse", 0, 0 }, { 28, "port92", 0, 1 },
        { 29, "0000:00:1f.2/ich9_ahci", 0, 1 }, { 30, "0000:00:1d.7/ehci", 0, 2 },
        { 31, "0000:00:1d.0/uhci", 0, 3 }, { 32, "0000:00:1d.1/uhci", 0, 3 },
        { 33, "0000:00:1d.2/uhci", 0, 3 }, { 34, "i2c_bus", 0, 1 },
        { 35, "0000:00:1f.3/ich9_smb", 0, 1 }, { 44, "0000:00:01.0/rtl8139", 0, 5 },
        { 45, "0000:00:1d.7/1/usb-ptr", 0, 1 }, { 46, "acpi_build", 0, 1 },
        { 47, "globalstate", 0, 1 },
    };
    check_sections(m, want, N(want));
    /* the serial port is COM2: legacy instance id = its I/O base */
    for (size_t i = 0; i < vmc_model_section_count(m); i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        if (!strcmp(e->idstr, "serial")) {
            assert_int_equal(e->alias_id, 0x2f8);
        }
    }
    check_pci(m, 1 << 3, "rtl8139");
    check_pci(m, 0x1d << 3 | 7, "ich9-usb-ehci1");
    check_pci(m, 0x1d << 3 | 2, "ich9-usb-uhci3");
    vmc_model_free(m);
}

/* -device / -netdev of a default's kind turn that default off, not the
 * others: -device VGA (after the board's NIC) and -netdev (no default NIC,
 * no second slirp); -net nic,model=.. -net user: the NIC and one slirp. */
static void test_defaults_turned_off(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-q35-7.2", "-device", "VGA"));
    check_pci(m, 1 << 3, "e1000e");
    check_pci(m, 2 << 3, "VGA");
    check_pci(m, 3 << 3, NULL);
    vmc_model_free(m);

    m = build(ARGS("-M", "pc-i440fx-7.2", "-netdev", "user,id=n0", "-vga", "none",
                   "-serial", "none", "-parallel", "none"));
    size_t slirps = 0;
    for (size_t i = 0; i < vmc_model_section_count(m); i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        slirps += !strcmp(e->idstr, "slirp");
        assert_true(strcmp(e->idstr, "serial") && strcmp(e->idstr, "parallel_isa"));
    }
    assert_int_equal(slirps, 1);
    check_pci(m, 2 << 3, NULL);   /* neither VGA nor NIC */
    vmc_model_free(m);

    m = build(ARGS("-M", "pc-i440fx-2.12", "-net", "nic,model=rtl8139", "-net", "nic",
                   "-net", "user"));
    check_pci(m, 3 << 3, "rtl8139");
    check_pci(m, 4 << 3, "e1000");
    vmc_model_free(m);

    /* -nodefaults: nothing from the defaults, the legacy options still count */
    m = build(ARGS("-M", "pc-i440fx-7.2", "-nodefaults", "-vga", "cirrus", "-usb"));
    check_pci(m, 2 << 3, "cirrus-vga");
    check_pci(m, 1 << 3 | 2, "piix3-usb-uhci");
    check_pci(m, 3 << 3, NULL);
    int types[2];
    assert_int_equal(vmc_board_defaults_floppy_types(m, types), 0);
    vmc_model_free(m);
}

/* -hda / -cdrom are -drive options with QEMU's ids; the CD-ROM sits at
 * index 2 (i440fx: secondary master; q35: AHCI port 2). */
static void test_legacy_drives(void **state)
{
    (void)state;
    vmc_cmdline *c;
    assert_int_equal(vmc_cmdline_parse(&c, 4, ARGS("-hda", "a,b.raw", "-cdrom", "x.iso")), 0);
    assert_int_equal(vmc_cmdline_backend_count(c), 2);
    const vmc_qopts *o = vmc_cmdline_backend(c, 0);
    assert_string_equal(vmc_cmdline_backend_kind(c, 0), "drive");
    assert_string_equal(vmc_qopts_get(o, "file"), "a,b.raw");
    assert_string_equal(vmc_qopts_get(o, "index"), "0");
    assert_string_equal(vmc_qopts_get(o, "media"), "disk");
    assert_string_equal(vmc_qopts_get(o, "id"), "ide0-hd0");
    o = vmc_cmdline_backend(c, 1);
    assert_string_equal(vmc_qopts_get(o, "index"), "2");
    assert_string_equal(vmc_qopts_get(o, "media"), "cdrom");
    assert_string_equal(vmc_qopts_get(o, "id"), "ide1-cd0");
    vmc_cmdline_free(c);
}

static void expect_refusal(const char *const *argv, const char *what)
{
    int argc = 0;
    while (argv[argc]) {
        argc++;
    }
    vmc_model *m = NULL;
    int rc = vmc_model_build(&m, argc, argv, NULL);
    assert_int_equal(rc, VMC_EUNSUPPORTED);
    assert_null(m);
    if (!strstr(vmc_error_last()->message, what)) {
        fail_msg("refusal '%s' does not say '%s'", vmc_error_last()->message, what);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    expect_refusal(ARGS("-M", "pc-i440fx-7.2", "-fda", "f.img"), "not modelled");
    expect_refusal(ARGS("-M", "pc-q35-7.2", "-net", "nic", "-net", "tap"), "not modelled");
    expect_refusal(ARGS("-M", "pc-q35-7.2", "-nic", "tap"), "not modelled");
    expect_refusal(ARGS("-M", "pc-i440fx-7.2", "-vga", "xenfb"), "not modelled");
    expect_refusal(ARGS("-M", "pc-q35-7.2", "-drive", "file=x,if=virtio,id=a"), "not modelled");
    expect_refusal(ARGS("-M", "pc-q35-7.2", "-drive", "file=x"), "not modelled");
    expect_refusal(ARGS("-M", "pc-q35-7.2", "-usbdevice", "braille"), "not modelled");
}

/* QEMU's words for a drive no controller takes (drive_check_orphaned) and
 * for a -net nic option it does not know (checked against
 * qemu-system-x86_64 7.2) */
static void test_usage_errors(void **state)
{
    (void)state;
    const struct { const char *const *argv; const char *msg; } cases[] = {
        { ARGS("-M", "pc-q35-7.2,sata=off", "-cdrom", "x.iso"),
          "qemu-system-x86_64: machine type does not support if=ide,bus=2,unit=0" },
        { ARGS("-M", "pc-i440fx-7.2", "-drive", "if=ide,id=a,file=d.raw,index=5"),
          "qemu-system-x86_64: machine type does not support if=ide,bus=2,unit=1" },
        { ARGS("-M", "pc-q35-7.2", "-net", "nic,mac=52:54:00:12:34:57"),
          "qemu-system-x86_64: -net nic,mac=52:54:00:12:34:57: Invalid parameter 'mac'" },
    };
    for (size_t i = 0; i < N(cases); i++) {
        int argc = 0;
        while (cases[i].argv[argc]) {
            argc++;
        }
        vmc_model *m = NULL;
        assert_int_equal(vmc_model_build(&m, argc, cases[i].argv, NULL), VMC_EUSAGE);
        assert_string_equal(vmc_error_last()->message, cases[i].msg);
    }
    /* the default CD-ROM without a controller is no error */
    vmc_model *m = build(ARGS("-M", "pc-q35-7.2,sata=off"));
    vmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i440fx_defaults),
        cmocka_unit_test(test_q35_defaults),
        cmocka_unit_test(test_i440fx_17_defaults),
        cmocka_unit_test(test_q35_legacy),
        cmocka_unit_test(test_defaults_turned_off),
        cmocka_unit_test(test_legacy_drives),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
