/*
 * The PC boards (hw/i386/pc_q35.c, pc_piix.c, pc.c) as far as migration
 * sees them: which devices exist, in which order they register vmstate
 * (that order gives the section ids), their idstrs and instance ids, which
 * entries a fresh machine sends, and the RAM blocks.
 *
 * The order was read from QEMU 7.2's init code and checked against the
 * section ids of real streams (tests/test_model_sections.c).
 */
#include "machine-types/model_internal.h"
#include "machine-types/board_defaults.h"
#include "devices/devmodel.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

/* The version a built-in vmsd registers with (its version_id). */
static int vmsd_version(const char *name, int fallback)
{
    const vmc_vmsd *v = vmc_devices_find_vmsd(name);
    return v ? v->version_id : fallback;
}

static bool machine_opt_bool(vmc_model *m, const char *key, bool dflt)
{
    const char *v = vmc_qopts_get(vmc_cmdline_machine(m->cl), key);
    if (!v) {
        return dflt;
    }
    return !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "auto");
}

static bool class_bool(vmc_model *m, const char *key, bool dflt)
{
    const char *v = vmc_model_class_field(m, key);
    if (!v) {
        return dflt;
    }
    return strcmp(v, "true") == 0;
}

/* A board PCI function on the root bus. */
static vmc_mdev *root_pci_device(vmc_model *m, vmc_mbus *root, const char *type, int devfn)
{
    vmc_mdev *d = vmc_model_new_device(m, type, NULL, NULL, root);
    d->devfn = devfn;
    d->path = g_strdup_printf("%s:%02x.%x", root->pci_root_path, devfn >> 3, devfn & 7);
    root->children[devfn] = d;
    return d;
}

/*
 * kvmclock_create (hw/i386/kvm/clock.c), after the CPUs: under KVM, on
 * types that always create it, else when the CPU has the kvmclock feature.
 */
static void register_kvmclock(vmc_model *m)
{
    const char *accel = vmc_cmdline_accel(m->cl);
    /* -accel kvm, or a list kvm:tcg whose first choice is kvm */
    if (!accel || strncmp(accel, "kvm", 3) != 0 || (accel[3] && accel[3] != ':') ||
        !class_bool(m, "kvmclock_enabled", true)) {
        return;
    }
    if (class_bool(m, "kvmclock_create_always", true) || m->cpu.kvmclock) {
        vmc_model_register(m, NULL, "kvmclock", 1, -1, -1, VMC_PRI_DEFAULT, true);
    }
}

static void register_cpus(vmc_model *m)
{
    for (unsigned i = 0; i < m->smp_cpus; i++) {
        vmc_model_register(m, NULL, "cpu_common", 1, (int)i, -1, VMC_PRI_DEFAULT, true);
        vmc_model_register(m, NULL, "cpu", vmsd_version("cpu", 12), (int)i, -1,
                           VMC_PRI_DEFAULT, true);
        if (i == 0) {
            /* the VAPIC ROM helper comes with the first local APIC */
            vmc_model_register(m, NULL, "kvm-tpr-opt", 1, 0, -1, VMC_PRI_DEFAULT, true);
        }
        /* with the default topology the APIC id is the CPU index */
        vmc_model_register(m, NULL, "apic", vmsd_version("apic", 3), (int)i, -1,
                           VMC_PRI_DEFAULT, true);
    }
}

static void register_pci_host(vmc_model *m, const char *host_type)
{
    bool mig = vmc_model_prop_bool(m, host_type, "x-config-reg-migration-enabled", true);
    vmc_model_register(m, NULL, "PCIHost", 1, -1, -1, VMC_PRI_DEFAULT, mig);
}

/* ISA and system devices both boards create (pc_basic_device_init & co). */
static int register_isa_devices(vmc_model *m, bool fdc)
{
    int rc;
    vmc_model_register(m, NULL, "i8259", vmsd_version("i8259", 1), -1, -1, VMC_PRI_DEFAULT, true);
    vmc_model_register(m, NULL, "i8259", vmsd_version("i8259", 1), -1, -1, VMC_PRI_DEFAULT, true);
    vmc_model_register(m, NULL, "ioapic", vmsd_version("ioapic", 3), 0, -1, VMC_PRI_DEFAULT, true);
    if (!m->q35 && (rc = vmc_board_defaults_vga(m))) {   /* pc_vga_init (i440fx) */
        return rc;
    }
    if (machine_opt_bool(m, "hpet", true)) {
        vmc_model_register(m, NULL, "hpet", vmsd_version("hpet", 2), 0, -1, VMC_PRI_DEFAULT, true);
    }
    /* the RTC registers with instance 0 and alias 0x70 (its I/O base) */
    vmc_model_register(m, NULL, "mc146818rtc", vmsd_version("mc146818rtc", 3), 0, 0x70,
                       VMC_PRI_DEFAULT, true);
    if (machine_opt_bool(m, "pit", true)) {
        vmc_model_register(m, NULL, "i8254", vmsd_version("i8254", 3), -1, -1, VMC_PRI_DEFAULT,
                           true);
    }
    bool pcspk_mig = vmc_model_prop_bool(m, "isa-pcspk", "migrate", true);
    vmc_model_register(m, NULL, "pcspk", 1, -1, -1, VMC_PRI_DEFAULT, pcspk_mig);
    if ((rc = vmc_board_defaults_superio(m))) {   /* serial and parallel ports */
        return rc;
    }
    if (fdc) {
        vmc_model_register(m, NULL, "fdc", vmsd_version("fdc", 2), -1, -1, VMC_PRI_DEFAULT, true);
    }
    vmc_model_register(m, NULL, "ps2kbd", vmsd_version("ps2kbd", 3), -1, -1, VMC_PRI_DEFAULT, true);
    vmc_model_register(m, NULL, "ps2mouse", vmsd_version("ps2mouse", 2), -1, -1, VMC_PRI_DEFAULT,
                       true);
    vmc_model_register(m, NULL, "pckbd", vmsd_version("pckbd", 3), -1, -1, VMC_PRI_DEFAULT, true);
    if (machine_opt_bool(m, "vmport", true)) {
        vmc_model_register(m, NULL, "vmmouse", 0, -1, -1, VMC_PRI_DEFAULT, true);
    }
    vmc_model_register(m, NULL, "port92", 1, -1, -1, VMC_PRI_DEFAULT, true);
    return 0;
}

static void register_smbus(vmc_model *m)
{
    /* eight SPD EEPROMs: registered, sent only once a guest read them */
    for (int i = 0; i < 8; i++) {
        vmc_model_register(m, NULL, "smbus-eeprom", 1, -1, -1, VMC_PRI_DEFAULT, false);
    }
}

static void add_board_ram(vmc_model *m, bool acpi)
{
    if (m->numa_backends) {
        /* the NUMA nodes' memory backends */
        for (guint i = 0; i < m->numa_backends->len; i++) {
            const vmc_qopts *b = g_ptr_array_index(m->numa_backends, i);
            uint64_t size;
            vmc_model_memory_backend(m, vmc_qopts_get(b, "id"), &size);
            vmc_model_add_ram_block(m, vmc_model_ram_block_name(m, b), size, size, false, NULL);
        }
    } else {
        /* default_ram_id "pc.ram", or the machine's memory-backend */
        const char *ram = m->ram_backend ? vmc_model_ram_block_name(m, m->ram_backend)
                                         : "pc.ram";
        vmc_model_add_ram_block(m, ram, m->ram_size, m->ram_size, false, NULL);
    }
    /* firmware= of the machine options (bios-256k.bin since 1.x), else bios.bin */
    const char *fw = vmc_qopts_get(vmc_cmdline_machine(m->cl), "firmware");
    if (!fw && vmc_machine_type_option(m->mt, "firmware", &fw) != 0) {
        fw = NULL;
    }
    char *bios_path = NULL;
    uint64_t bios = vmc_model_rom_file_size(m, fw ? fw : "bios.bin", false, &bios_path);
    vmc_model_add_ram_block(m, "pc.bios", bios ? bios : 0x40000, 0, false, bios_path);
    g_free(bios_path);
    vmc_model_add_ram_block(m, "pc.rom", 0x20000, 0, false, NULL);
    /* the APIC's vapic option ROM: a RAM block where option ROMs get a
     * memory region (pc-i440fx-1.7 only) */
    const char *orm = vmc_model_class_field(m, "option_rom_has_mr");
    const char *rfm = vmc_model_class_field(m, "rom_file_has_mr");
    if (orm && strcmp(orm, "true") == 0 && (!rfm || strcmp(rfm, "false") != 0)) {
        char *vapic_path = NULL;
        uint64_t n = vmc_model_rom_file_size(m, "kvmvapic.bin", false, &vapic_path);
        if (n) {
            n = (n + 4095) & ~(uint64_t)4095;
            vmc_model_add_ram_block(m, "/rom@genroms/kvmvapic.bin", n, n, true, vapic_path);
        }
        g_free(vapic_path);
    }
    /* the ACPI blobs come at machine done, after the -device devices */
    m->acpi_blobs = acpi;
}

/* The host bridge's short_root_bus (pc_compat_1_6): its bus path is "0000",
 * so device paths read "0000:01.0" */
static bool short_root_bus(vmc_model *m, const char *host)
{
    const char *v = vmc_model_prop(m, host, "short_root_bus");
    return v && strcmp(v, "0") != 0;
}

static int build_q35(vmc_model *m)
{
    /* acpi=off: acpi_setup() builds no tables */
    bool acpi = !vmc_qopts_get(vmc_cmdline_machine(m->cl), "acpi") ||
                machine_opt_bool(m, "acpi", true);
    add_board_ram(m, acpi && class_bool(m, "has_acpi_build", true));   /* pc_memory_init */
    register_cpus(m);
    register_kvmclock(m);
    vmc_model_register(m, NULL, "fw_cfg", vmsd_version("fw_cfg", 2), 0, -1, VMC_PRI_DEFAULT, true);
    vmc_mbus *root = vmc_model_new_bus(m, NULL, "pcie.0", VMC_BUS_PCIE);
    root->pci_root_path = g_strdup(short_root_bus(m, "q35-pcihost") ? "0000" : "0000:00");
    vmc_mdev *mch = root_pci_device(m, root, "mch", 0);
    vmc_model_entry *e = vmc_model_register(m, mch, "mch", vmsd_version("mch", 1), 0, -1,
                                            VMC_PRI_DEFAULT, true);
    int rc = vmc_devmodel_realize_board(m, mch, e->idstr);
    if (rc) {
        return rc;
    }
    register_pci_host(m, "q35-pcihost");
    vmc_model_register(m, NULL, "PCIBUS", 1, -1, -1, VMC_PRI_DEFAULT, true);
    vmc_model_register(m, NULL, "dma", 1, -1, -1, VMC_PRI_DEFAULT, true);
    vmc_model_register(m, NULL, "dma", 1, -1, -1, VMC_PRI_DEFAULT, true);
    vmc_mdev *lpc = root_pci_device(m, root, "ICH9-LPC", 0x1f << 3);
    e = vmc_model_register(m, lpc, "ICH9LPC", vmsd_version("ICH9LPC", 1), 0, -1,
                           VMC_PRI_DEFAULT, true);
    if ((rc = vmc_devmodel_realize_board(m, lpc, e->idstr))) {
        return rc;
    }
    vmc_model_new_bus(m, lpc, "isa.0", VMC_BUS_ISA);
    if ((rc = register_isa_devices(m, false))) {
        return rc;
    }
    if (machine_opt_bool(m, "sata", true)) {
        vmc_mdev *ahci = root_pci_device(m, root, "ich9-ahci", (0x1f << 3) | 2);
        e = vmc_model_register(m, ahci, "ich9_ahci", vmsd_version("ich9_ahci", 1), 0, -1,
                               VMC_PRI_DEFAULT, true);
        if ((rc = vmc_devmodel_realize_board(m, ahci, e->idstr))) {
            return rc;
        }
        for (int i = 0; i < 6; i++) {
            char name[16];
            snprintf(name, sizeof(name), "ide.%d", i);
            vmc_model_new_bus(m, ahci, name, VMC_BUS_IDE);
        }
    }
    if ((rc = vmc_board_defaults_ide(m)) || (rc = vmc_board_defaults_usb(m))) {
        return rc;
    }
    if (machine_opt_bool(m, "smbus", true)) {
        vmc_model_register(m, NULL, "i2c_bus", 1, -1, -1, VMC_PRI_DEFAULT, true);
        vmc_mdev *smb = root_pci_device(m, root, "ICH9-SMB", (0x1f << 3) | 3);
        e = vmc_model_register(m, smb, "ich9_smb", vmsd_version("ich9_smb", 1), 0, -1,
                               VMC_PRI_DEFAULT, true);
        if ((rc = vmc_devmodel_realize_board(m, smb, e->idstr))) {
            return rc;
        }
        register_smbus(m);
    }
    if ((rc = vmc_board_defaults_vga(m)) || (rc = vmc_board_defaults_nics(m))) {
        return rc;
    }
    return 0;
}

static int build_i440fx(vmc_model *m)
{
    bool acpi = !vmc_qopts_get(vmc_cmdline_machine(m->cl), "acpi") ||
                machine_opt_bool(m, "acpi", true);
    add_board_ram(m, acpi && class_bool(m, "has_acpi_build", true));   /* pc_memory_init */
    register_cpus(m);
    register_kvmclock(m);
    vmc_model_register(m, NULL, "fw_cfg", vmsd_version("fw_cfg", 2), 0, -1, VMC_PRI_DEFAULT, true);
    vmc_mbus *root = vmc_model_new_bus(m, NULL, "pci.0", VMC_BUS_PCI);
    root->pci_root_path = g_strdup(short_root_bus(m, "i440FX-pcihost") ? "0000" : "0000:00");
    register_pci_host(m, "i440FX-pcihost");
    vmc_model_register(m, NULL, "PCIBUS", 1, -1, -1, VMC_PRI_DEFAULT, true);
    vmc_mdev *host = root_pci_device(m, root, "i440FX", 0);
    vmc_model_entry *e = vmc_model_register(m, host, "I440FX", vmsd_version("I440FX", 3), 0, -1,
                                            VMC_PRI_DEFAULT, true);
    int rc = vmc_devmodel_realize_board(m, host, e->idstr);
    if (rc) {
        return rc;
    }
    vmc_model_register(m, NULL, "dma", 1, -1, -1, VMC_PRI_DEFAULT, true);
    vmc_model_register(m, NULL, "dma", 1, -1, -1, VMC_PRI_DEFAULT, true);
    vmc_mdev *piix3 = root_pci_device(m, root, "PIIX3", 1 << 3);
    e = vmc_model_register(m, piix3, "PIIX3", vmsd_version("PIIX3", 3), 0, -1, VMC_PRI_DEFAULT,
                           true);
    if ((rc = vmc_devmodel_realize_board(m, piix3, e->idstr))) {
        return rc;
    }
    vmc_model_new_bus(m, piix3, "isa.0", VMC_BUS_ISA);
    if ((rc = register_isa_devices(m, true)) || (rc = vmc_board_defaults_nics(m))) {
        return rc;
    }
    vmc_mdev *ide = root_pci_device(m, root, "piix3-ide", (1 << 3) | 1);
    e = vmc_model_register(m, ide, "ide", vmsd_version("ide", 3), 0, -1, VMC_PRI_DEFAULT, true);
    if ((rc = vmc_devmodel_realize_board(m, ide, e->idstr))) {
        return rc;
    }
    vmc_model_new_bus(m, ide, "ide.0", VMC_BUS_IDE);
    vmc_model_new_bus(m, ide, "ide.1", VMC_BUS_IDE);
    if ((rc = vmc_board_defaults_ide(m)) || (rc = vmc_board_defaults_usb(m))) {
        return rc;
    }
    if (acpi) {
        vmc_model_register(m, NULL, "i2c_bus", 1, -1, -1, VMC_PRI_DEFAULT, true);
        vmc_mdev *pm = root_pci_device(m, root, "PIIX4_PM", (1 << 3) | 3);
        e = vmc_model_register(m, pm, "piix4_pm", vmsd_version("piix4_pm", 3), 0, -1,
                               VMC_PRI_DEFAULT, true);
        if ((rc = vmc_devmodel_realize_board(m, pm, e->idstr))) {
            return rc;
        }
        register_smbus(m);
    }
    return 0;
}

int vmc_board_pc_build(vmc_model *m)
{
    /* default devices and legacy device options: board_defaults.c */
    int rc = vmc_board_defaults_early(m);
    if (!rc) {
        rc = m->q35 ? build_q35(m) : build_i440fx(m);
    }
    return rc ? rc : vmc_board_defaults_usbdevices(m);
}
