/*
 * The ACPI tables of the PC machines as QEMU 7.2's acpi_setup() builds them
 * at machine-done time (before the first reset, so before the firmware
 * programmed anything): FACS, DSDT, FACP, APIC, HPET, WAET, RSDT in the
 * etc/acpi/tables blob, the RSDP in etc/acpi/rsdp and the linker/loader
 * commands.  Tables keep a zero checksum (the firmware computes it) and
 * pointer fields hold the offset of their target inside the blob.
 *
 * What the tables depend on is gathered first into a vmc_acpi_info from
 * the machine model; anything this file does not model makes the build
 * fail with VMC_EUNSUPPORTED rather than produce different bytes.
 */
#include "machine-types/acpi_build.h"
#include "common/error_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_BLOB_ALIGN 0x20000u     /* tables blob size step (2.1+) */
#define LOADER_ALIGN 0x1000u
#define LEGACY_CPU_AML_SIZE 97u       /* per APIC id, pc-i440fx-1.7/2.0 sizing */
#define APIC_DEFAULT_ADDRESS 0xfee00000u
#define IOAPIC_ADDRESS 0xfec00000u
#define HPET_BASE 0xfed00000u
#define RTC_CENTURY 0x32
#define SMI_CMD_PORT 0xb2
#define RESET_PORT 0xcf9

uint64_t vmc_acpi_ram_block_size(size_t blob_len)
{
    return ((uint64_t)blob_len + 0xfff) & ~(uint64_t)0xfff;
}

void vmc_acpi_blobs_free(vmc_acpi_blobs *b)
{
    if (!b) {
        return;
    }
    g_free(b->tables);
    g_free(b->loader);
    g_free(b->rsdp);
    memset(b, 0, sizeof(*b));
}

/* ---- table header ---- */

size_t vmc_acpi_table_begin(GByteArray *b, const char *sig, uint8_t rev)
{
    size_t off = b->len;
    g_byte_array_append(b, (const guint8 *)sig, 4);
    vmc_acpi_append_le(b, 0, 4);             /* length, patched at the end */
    vmc_acpi_append_le(b, rev, 1);
    vmc_acpi_append_le(b, 0, 1);             /* checksum (firmware) */
    g_byte_array_append(b, (const guint8 *)"BOCHS ", 6);
    g_byte_array_append(b, (const guint8 *)"BXPC    ", 8);
    vmc_acpi_append_le(b, 1, 4);             /* OEM revision */
    g_byte_array_append(b, (const guint8 *)"BXPC", 4);
    vmc_acpi_append_le(b, 1, 4);             /* creator revision */
    return off;
}

void vmc_acpi_table_end(GByteArray *b, vmc_acpi_linker *l, size_t offset)
{
    uint32_t len = (uint32_t)(b->len - offset);
    for (int i = 0; i < 4; i++) {
        b->data[offset + 4 + i] = (uint8_t)(len >> (8 * i));
    }
    vmc_acpi_linker_checksum(l, VMC_ACPI_TABLE_FILE, (uint32_t)offset, len,
                             (uint32_t)offset + 9);
}

/* Generic Address Structure. */
static void append_gas(GByteArray *b, uint8_t space, uint8_t bit_width, uint64_t addr)
{
    vmc_acpi_append_le(b, space, 1);
    vmc_acpi_append_le(b, bit_width, 1);
    vmc_acpi_append_le(b, 0, 1);  /* bit offset */
    vmc_acpi_append_le(b, 0, 1);  /* access size */
    vmc_acpi_append_le(b, addr, 8);
}

/* ---- gathering ---- */

static const char *machine_opt(vmc_model *m, const char *key)
{
    return vmc_qopts_get(vmc_cmdline_machine(m->cl), key);
}

static bool str_bool(const char *v, bool dflt)
{
    if (!v) {
        return dflt;
    }
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1")) {
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0")) {
        return false;
    }
    return dflt;
}

/*
 * driver.prop on this machine: the last matching -global, else the model's
 * value (compat properties, defaults); the model's tables only know the
 * properties QEMU's type introspection listed, -global reaches the others.
 */
const char *vmc_acpi_global(vmc_model *m, const char *driver, const char *prop)
{
    for (size_t i = vmc_cmdline_global_count(m->cl); i-- > 0;) {
        const char *d, *p, *v;
        vmc_cmdline_global(m->cl, i, &d, &p, &v);
        if (!strcmp(d, driver) && !strcmp(p, prop)) {
            return v;
        }
    }
    return vmc_model_prop(m, driver, prop);
}

const char *vmc_acpi_dev_prop(vmc_mdev *d, const char *prop)
{
    const char *v = d->opts ? vmc_qopts_get(d->opts, prop) : NULL;
    return v ? v : vmc_acpi_global(d->m, d->type, prop);
}

static bool class_bool(vmc_model *m, const char *key, bool dflt)
{
    return str_bool(vmc_model_class_field(m, key), dflt);
}

static uint64_t class_uint(vmc_model *m, const char *key, uint64_t dflt)
{
    const char *v = vmc_model_class_field(m, key);
    return v ? strtoull(v, NULL, 0) : dflt;
}

static uint64_t dev_uint(vmc_mdev *d, const char *prop, uint64_t dflt)
{
    const char *v = vmc_acpi_dev_prop(d, prop);
    if (!v) {
        return dflt;
    }
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    return (errno || *end) ? dflt : n;
}

static unsigned bits_for(unsigned count)
{
    unsigned bits = 0;
    while (count > 1 && (1u << bits) < count) {
        bits++;
    }
    return bits;
}

static unsigned smp_opt(vmc_model *m, const char *key)
{
    const char *v = vmc_qopts_get(vmc_cmdline_smp(m->cl), key);
    return v ? (unsigned)strtoul(v, NULL, 10) : 0;
}

/* The -smp topology (machine_parse_smp_config) and the APIC id of each CPU index. */
static int gather_cpus(vmc_acpi_info *in)
{
    vmc_model *m = in->m;
    unsigned cpus = smp_opt(m, "cpus"), maxcpus = smp_opt(m, "maxcpus");
    unsigned sockets = smp_opt(m, "sockets"), dies = smp_opt(m, "dies");
    unsigned cores = smp_opt(m, "cores"), threads = smp_opt(m, "threads");
    if (smp_opt(m, "clusters") > 1 || smp_opt(m, "books") > 1 || smp_opt(m, "drawers") > 1) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-smp",
                             "ACPI tables: this -smp topology is not modelled");
    }
    bool prefer_sockets = class_bool(m, "smp_prefer_sockets", false);
    dies = dies ? dies : 1;
    if (!cpus && !maxcpus) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        if (prefer_sockets) {
            if (!sockets) {
                cores = cores ? cores : 1;
                threads = threads ? threads : 1;
                sockets = maxcpus / (dies * cores * threads);
            } else if (!cores) {
                threads = threads ? threads : 1;
                cores = maxcpus / (sockets * dies * threads);
            }
        } else {
            if (!cores) {
                sockets = sockets ? sockets : 1;
                threads = threads ? threads : 1;
                cores = maxcpus / (sockets * dies * threads);
            } else if (!sockets) {
                threads = threads ? threads : 1;
                sockets = maxcpus / (dies * cores * threads);
            }
        }
        if (!threads) {
            threads = maxcpus / (sockets * dies * cores);
        }
    }
    maxcpus = maxcpus ? maxcpus : sockets * dies * cores * threads;
    cpus = cpus ? cpus : maxcpus;
    if (!sockets || !cores || !threads || sockets * dies * cores * threads != maxcpus ||
        cpus > maxcpus || maxcpus > 255) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-smp",
                             "ACPI tables: -smp topology not modelled (invalid, or more "
                             "than 255 CPUs)");
    }
    in->cpus = cpus;
    in->max_cpus = maxcpus;
    in->apic_ids = g_new0(uint32_t, maxcpus);
    unsigned tbits = bits_for(threads), cbits = bits_for(cores), dbits = bits_for(dies);
    for (unsigned i = 0; i < maxcpus; i++) {
        unsigned thread = i % threads;
        unsigned core = (i / threads) % cores;
        unsigned die = (i / (threads * cores)) % dies;
        unsigned pkg = i / (threads * cores * dies);
        in->apic_ids[i] = pkg << (tbits + cbits + dbits) | die << (tbits + cbits) |
                          core << tbits | thread;
    }
    in->apic_id_limit = in->apic_ids[maxcpus - 1] + 1;
    if (in->apic_id_limit > 255) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-smp",
                             "ACPI tables: APIC ids above 254 (x2APIC entries) are not "
                             "modelled");
    }
    return 0;
}

static int gather_memory(vmc_acpi_info *in)
{
    vmc_model *m = in->m;
    const vmc_qopts *mem = vmc_cmdline_memory(m->cl);
    for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_legacy_option(m->cl, i), "numa") == 0) {
            return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-numa",
                                 "ACPI tables: NUMA (SRAT, SLIT, the CPUs' _PXM) is not "
                                 "modelled");
        }
    }
    if (vmc_qopts_get(mem, "slots") || vmc_qopts_get(mem, "maxmem")) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-m",
                             "ACPI tables: memory hotplug (-m slots=/maxmem=) is not modelled");
    }
    if (machine_opt(m, "max-ram-below-4g")) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                             "ACPI tables: max-ram-below-4g is not modelled");
    }
    uint64_t ram = m->ram_size, lowmem;
    if (in->q35) {
        lowmem = ram >= 0xb0000000ull ? 0x80000000ull : 0xb0000000ull;
    } else {
        lowmem = 0xe0000000ull;
        if (ram >= lowmem && class_bool(m, "gigabyte_align", true)) {
            lowmem = 0xc0000000ull;
        }
    }
    if (ram >= lowmem) {
        in->below_4g = lowmem;
        in->above_4g = ram - lowmem;
    } else {
        in->below_4g = ram;
        in->above_4g = 0;
    }
    /*
     * 32-bit hole: i440fx sets it at init (end of low RAM to the IOAPIC);
     * the MCH sets it only at reset, so a fresh q35 reports [0, 1).
     */
    if (in->q35) {
        in->hole_start = 0;
        in->hole_end = 1;
    } else {
        in->hole_start = in->below_4g;
        in->hole_end = IOAPIC_ADDRESS;
    }
    /* 64-bit hole: no 64-bit BARs are mapped yet, so it starts after RAM above 4G */
    const char *host = in->q35 ? "q35-pcihost" : "i440FX-pcihost";
    bool fix = str_bool(vmc_acpi_global(m, host, "x-pci-hole64-fix"), true);
    if (fix) {
        uint64_t size = in->q35 ? 1ull << 35 : 1ull << 31;
        const char *sz = vmc_acpi_global(m, host, "pci-hole64-size");
        if (sz) {
            char *end;
            size = strtoull(sz, &end, 0);
            if (*end) {
                return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "pci-hole64-size",
                                     "ACPI tables: pci-hole64-size '%s' not understood", sz);
            }
        }
        uint64_t start = (1ull << 32) + in->above_4g;
        start = (start + (1ull << 30) - 1) & ~((1ull << 30) - 1);
        in->hole64_start = start;
        in->hole64_end = (start + size + (1ull << 30) - 1) & ~((1ull << 30) - 1);
    } else {
        in->hole64_start = in->hole64_end = 0;
    }
    /* near 1 TiB QEMU may move RAM above the AMD HyperTransport hole */
    if (in->above_4g + (1ull << 32) >= 0xfd00000000ull || in->hole64_end >= 0xfd00000000ull) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-m",
                             "ACPI tables: RAM or PCI hole near the AMD 1 TiB hole is not "
                             "modelled");
    }
    return 0;
}

static int gather_pm(vmc_acpi_info *in)
{
    vmc_model *m = in->m;
    const char *pm_type = in->q35 ? "ICH9-LPC" : "PIIX4_PM";
    in->root = vmc_model_find_bus(m, in->q35 ? "pcie.0" : "pci.0");
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        if (!strcmp(d->type, pm_type)) {
            in->pm = d;
        }
    }
    if (!in->pm || !in->root) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                             "ACPI tables: the machine has no %s", pm_type);
    }
    vmc_mdev *pm = in->pm;
    in->pcihp_bridge_en =
        str_bool(vmc_acpi_dev_prop(pm, "acpi-pci-hotplug-with-bridge-support"), true);
    if (in->q35) {
        in->pcihp_root_en = false;
        in->cpu_hp_io_base = 0x0cd8;
        in->gpe0_addr = 0x20;  /* PM base (0 until the firmware sets it) + GPE0_STS */
        in->gpe0_len = 16;
        if (in->pcihp_bridge_en) {
            in->pcihp_io_base = 0x0cc0;
            in->pcihp_io_len = 0x18;
        }
    } else {
        in->pcihp_root_en = str_bool(vmc_acpi_dev_prop(pm, "acpi-root-pci-hotplug"), true);
        in->cpu_hp_io_base = 0xaf00;
        in->gpe0_addr = 0xafe0;
        in->gpe0_len = 4;
        if (in->pcihp_bridge_en || in->pcihp_root_en) {
            in->pcihp_io_base = 0xae00;
            in->pcihp_io_len = 0x18;
        }
    }
    in->s3_disabled = dev_uint(pm, "disable_s3", 0) != 0;
    in->s4_disabled = dev_uint(pm, "disable_s4", 0) != 0;
    in->s4_val = (uint8_t)dev_uint(pm, "s4_val", 2);
    /* SMM: on with TCG unless -machine smm=off; smm-compat forces the old FADT values */
    const char *smm = machine_opt(m, "smm");
    in->smm = !smm || !strcmp(smm, "auto") || str_bool(smm, true);
    if (str_bool(vmc_acpi_dev_prop(pm, "smm-compat"), false)) {
        in->smm = true;
    }
    return 0;
}

/* Devices whose ACPI description we do not model. */
static int check_devices(vmc_acpi_info *in)
{
    vmc_model *m = in->m;
    /* machine options that change the tables in ways not modelled here */
    static const char *const machine_opts[] = {
        "nvdimm", "sgx-epc", "cxl", "cxl-fmw", "hmat", "x-oem-id", "x-oem-table-id", NULL,
    };
    for (int i = 0; machine_opts[i]; i++) {
        const char *v = machine_opt(m, machine_opts[i]);
        if (v && (strcmp(machine_opts[i], "nvdimm") || str_bool(v, true))) {
            return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                                 "ACPI tables: -machine %s= is not modelled", machine_opts[i]);
        }
    }
    /* devices the board adds or drops on request (USB controller, i8042) */
    if (!str_bool(machine_opt(m, "i8042"), true)) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                             "ACPI tables: -machine i8042=off is not modelled");
    }
    const char *acpi = machine_opt(m, "acpi");
    if (acpi && !str_bool(acpi, true) && strcmp(acpi, "auto")) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                             "acpi=off: the machine has no ACPI blobs");
    }
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        if (!d->opts) {
            continue;   /* board device */
        }
        vmc_bus_kind k = d->bus ? d->bus->kind : VMC_BUS_SYSTEM;
        switch (k) {
        case VMC_BUS_PCI:
        case VMC_BUS_PCIE:
            if (!d->bus->parent && d->bus != vmc_model_find_bus(m, in->q35 ? "pcie.0" : "pci.0")) {
                return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                                     "ACPI tables: PCI expander buses are not modelled");
            }
            break;
        case VMC_BUS_ISA:
            if (strcmp(d->type, "isa-serial") != 0 && strcmp(d->type, "isa-parallel") != 0 &&
                strcmp(d->type, "pvpanic") != 0) {
                return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                                     "ACPI tables: the AML of ISA device '%s' is not modelled",
                                     d->type);
            }
            break;
        case VMC_BUS_USB:
        case VMC_BUS_SCSI:
        case VMC_BUS_IDE:
        case VMC_BUS_HDA:
        case VMC_BUS_VIRTIO:
        case VMC_BUS_VIRTIO_SERIAL:
            break;      /* no ACPI description in QEMU 7.2 */
        default:
            return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                                 "ACPI tables: the ACPI effect of device '%s' is not modelled",
                                 d->type);
        }
    }
    return 0;
}

static int gather(vmc_model *m, vmc_acpi_info *in)
{
    int rc;
    memset(in, 0, sizeof(*in));
    in->m = m;
    in->q35 = m->q35;
    if (!class_bool(m, "has_acpi_build", true) || !m->acpi_blobs) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                             "machine '%s' builds no ACPI tables (no ACPI build in this "
                             "machine type, or acpi=off)", vmc_model_machine(m));
    }
    in->pci_root_uid = (unsigned)class_uint(m, "pci_root_uid", 0);
    in->legacy_cpu_hotplug = class_bool(m, "legacy_cpu_hotplug", false);
    in->rsdp_in_ram = class_bool(m, "rsdp_in_ram", true);
    in->legacy_acpi_table_size = class_uint(m, "legacy_acpi_table_size", 0);
    /* the fw_cfg device property (hw_compat_2_4 turns it off), not the class flag */
    in->fw_cfg_dma = str_bool(vmc_acpi_global(m, "fw_cfg_io", "dma_enabled"), true);
    in->hpet = str_bool(machine_opt(m, "hpet"), true);
    if ((rc = check_devices(in)) || (rc = gather_pm(in)) || (rc = gather_cpus(in)) ||
        (rc = gather_memory(in))) {
        return rc;
    }
    return 0;
}

/* ---- fixed tables ---- */

static void build_facs(GByteArray *t)
{
    g_byte_array_append(t, (const guint8 *)"FACS", 4);
    vmc_acpi_append_le(t, 64, 4);
    for (int i = 0; i < 56; i++) {
        vmc_acpi_append_le(t, 0, 1);
    }
}

static void build_fadt(const vmc_acpi_info *in, GByteArray *t, vmc_acpi_linker *l,
                       uint32_t facs, uint32_t dsdt)
{
    uint8_t rev = in->q35 ? 3 : 1;
    uint32_t flags = 1 << 0 |   /* WBINVD */
                     1 << 2 |   /* C1 supported */
                     1 << 5 |   /* sleep button is a control method */
                     1 << 7 |   /* RTC wakes from S4 */
                     1 << 15;   /* use platform clock */
    if (in->max_cpus > 8) {
        flags |= 1 << 18;       /* force APIC cluster model */
    }
    if (in->q35) {
        flags |= 1 << 10;       /* reset register supported */
    }
    size_t off = vmc_acpi_table_begin(t, "FACP", rev);
    vmc_acpi_append_le(t, 0, 4);
    vmc_acpi_linker_pointer(l, VMC_ACPI_TABLE_FILE, t->len - 4, 4, VMC_ACPI_TABLE_FILE, facs);
    vmc_acpi_append_le(t, 0, 4);
    vmc_acpi_linker_pointer(l, VMC_ACPI_TABLE_FILE, t->len - 4, 4, VMC_ACPI_TABLE_FILE, dsdt);
    vmc_acpi_append_le(t, 1, 1);                     /* INT_MODEL: multiple APIC */
    vmc_acpi_append_le(t, 0, 1);                     /* PM profile */
    vmc_acpi_append_le(t, 9, 2);                     /* SCI_INT */
    vmc_acpi_append_le(t, in->smm ? SMI_CMD_PORT : 0, 4);
    uint8_t en = in->q35 ? 0x02 : 0xf1, dis = in->q35 ? 0x03 : 0xf0;
    vmc_acpi_append_le(t, in->smm ? en : 0, 1);
    vmc_acpi_append_le(t, in->smm ? dis : 0, 1);
    vmc_acpi_append_le(t, 0, 1);                     /* S4BIOS_REQ */
    vmc_acpi_append_le(t, 0, 1);                     /* PSTATE_CNT */
    uint32_t pm_base = 0;                            /* not yet set by the firmware */
    vmc_acpi_append_le(t, pm_base, 4);               /* PM1a_EVT_BLK */
    vmc_acpi_append_le(t, 0, 4);
    vmc_acpi_append_le(t, pm_base + 4, 4);           /* PM1a_CNT_BLK */
    vmc_acpi_append_le(t, 0, 4);
    vmc_acpi_append_le(t, 0, 4);
    vmc_acpi_append_le(t, pm_base + 8, 4);           /* PM_TMR_BLK */
    vmc_acpi_append_le(t, in->gpe0_addr, 4);
    vmc_acpi_append_le(t, 0, 4);
    vmc_acpi_append_le(t, 4, 1);                     /* PM1_EVT_LEN */
    vmc_acpi_append_le(t, 2, 1);                     /* PM1_CNT_LEN */
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 4, 1);                     /* PM_TMR_LEN */
    vmc_acpi_append_le(t, in->gpe0_len, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0xfff, 2);                 /* C2 latency: none */
    vmc_acpi_append_le(t, 0xfff, 2);                 /* C3 latency: none */
    vmc_acpi_append_le(t, 0, 2);
    vmc_acpi_append_le(t, 0, 2);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, RTC_CENTURY, 1);
    vmc_acpi_append_le(t, rev == 1 ? 0 : 2, 2);      /* IAPC_BOOT_ARCH: 8042 */
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, flags, 4);
    if (rev > 1) {
        append_gas(t, 1, 8, RESET_PORT);             /* RESET_REG */
        vmc_acpi_append_le(t, 0xf, 1);
        vmc_acpi_append_le(t, 0, 3);
        vmc_acpi_append_le(t, 0, 8);                 /* X_FIRMWARE_CTRL */
        vmc_acpi_append_le(t, 0, 8);                 /* X_DSDT */
        vmc_acpi_linker_pointer(l, VMC_ACPI_TABLE_FILE, t->len - 8, 8, VMC_ACPI_TABLE_FILE,
                                dsdt);
        append_gas(t, 1, 32, pm_base);
        append_gas(t, 0, 0, 0);
        append_gas(t, 1, 16, pm_base + 4);
        append_gas(t, 0, 0, 0);
        append_gas(t, 0, 0, 0);
        append_gas(t, 1, 32, pm_base + 8);
        append_gas(t, 1, (uint8_t)(in->gpe0_len * 8), in->gpe0_addr);
        append_gas(t, 0, 0, 0);
    }
    vmc_acpi_table_end(t, l, off);
}

void vmc_acpi_madt_cpu(GByteArray *b, unsigned uid, uint32_t apic_id, bool enabled)
{
    vmc_acpi_append_le(b, 0, 1);        /* processor local APIC */
    vmc_acpi_append_le(b, 8, 1);
    vmc_acpi_append_le(b, uid, 1);
    vmc_acpi_append_le(b, apic_id, 1);
    vmc_acpi_append_le(b, enabled ? 1 : 0, 4);
}

static void build_madt(const vmc_acpi_info *in, GByteArray *t, vmc_acpi_linker *l)
{
    size_t off = vmc_acpi_table_begin(t, "APIC", 1);
    vmc_acpi_append_le(t, APIC_DEFAULT_ADDRESS, 4);
    vmc_acpi_append_le(t, 1, 4);        /* PC-AT compatible 8259s */
    for (unsigned i = 0; i < in->max_cpus; i++) {
        vmc_acpi_madt_cpu(t, i, in->apic_ids[i], i < in->cpus);
    }
    /* I/O APIC id 0 at its default address, GSI base 0 */
    vmc_acpi_append_le(t, 1, 1);
    vmc_acpi_append_le(t, 12, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, IOAPIC_ADDRESS, 4);
    vmc_acpi_append_le(t, 0, 4);
    /* ISA IRQ 0 -> GSI 2, then level/high overrides for the PCI IRQs 5, 9, 10, 11 */
    static const uint8_t level_irqs[] = {5, 9, 10, 11};
    for (int i = -1; i < 4; i++) {
        uint8_t src = i < 0 ? 0 : level_irqs[i];
        vmc_acpi_append_le(t, 2, 1);
        vmc_acpi_append_le(t, 10, 1);
        vmc_acpi_append_le(t, 0, 1);
        vmc_acpi_append_le(t, src, 1);
        vmc_acpi_append_le(t, i < 0 ? 2 : src, 4);
        vmc_acpi_append_le(t, i < 0 ? 0 : 0xd, 2);
    }
    /* local APIC NMI on LINT1 for all processors */
    vmc_acpi_append_le(t, 4, 1);
    vmc_acpi_append_le(t, 6, 1);
    vmc_acpi_append_le(t, 0xff, 1);
    vmc_acpi_append_le(t, 0, 2);
    vmc_acpi_append_le(t, 1, 1);
    vmc_acpi_table_end(t, l, off);
}

static void build_hpet(GByteArray *t, vmc_acpi_linker *l)
{
    size_t off = vmc_acpi_table_begin(t, "HPET", 1);
    vmc_acpi_append_le(t, 0x8086a201, 4);     /* event timer block id */
    append_gas(t, 0, 0, HPET_BASE);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_append_le(t, 0, 2);
    vmc_acpi_append_le(t, 0, 1);
    vmc_acpi_table_end(t, l, off);
}

static void build_waet(GByteArray *t, vmc_acpi_linker *l)
{
    size_t off = vmc_acpi_table_begin(t, "WAET", 1);
    vmc_acpi_append_le(t, 1 << 1, 4);         /* ACPI PM timer good */
    vmc_acpi_table_end(t, l, off);
}

static void build_rsdt(GByteArray *t, vmc_acpi_linker *l, const GArray *offsets)
{
    size_t off = vmc_acpi_table_begin(t, "RSDT", 1);
    for (guint i = 0; i < offsets->len; i++) {
        vmc_acpi_append_le(t, 0, 4);
        vmc_acpi_linker_pointer(l, VMC_ACPI_TABLE_FILE, t->len - 4, 4, VMC_ACPI_TABLE_FILE,
                                g_array_index(offsets, uint32_t, i));
    }
    vmc_acpi_table_end(t, l, off);
}

static void build_rsdp(GByteArray *r, vmc_acpi_linker *l, uint32_t rsdt)
{
    vmc_acpi_linker_alloc(l, VMC_ACPI_RSDP_FILE, r, 16, true);
    g_byte_array_append(r, (const guint8 *)"RSD PTR ", 8);
    vmc_acpi_append_le(r, 0, 1);
    g_byte_array_append(r, (const guint8 *)"BOCHS ", 6);
    vmc_acpi_append_le(r, 0, 1);              /* revision 0 (ACPI 1.0) */
    vmc_acpi_append_le(r, 0, 4);
    vmc_acpi_linker_pointer(l, VMC_ACPI_RSDP_FILE, 16, 4, VMC_ACPI_TABLE_FILE, rsdt);
    vmc_acpi_linker_checksum(l, VMC_ACPI_RSDP_FILE, 0, 20, 8);
}

static void add_table(GArray *offsets, GByteArray *t)
{
    uint32_t o = t->len;
    g_array_append_val(offsets, o);
}

int vmc_acpi_build(vmc_model *m, vmc_acpi_blobs *out)
{
    memset(out, 0, sizeof(*out));
    vmc_acpi_info in;
    int rc = gather(m, &in);
    if (rc) {
        g_free(in.apic_ids);
        return rc;
    }
    GByteArray *t = g_byte_array_new();
    GByteArray *r = g_byte_array_new();
    GArray *offsets = g_array_new(FALSE, TRUE, sizeof(uint32_t));
    vmc_acpi_linker *l = vmc_acpi_linker_new();

    vmc_acpi_linker_alloc(l, VMC_ACPI_TABLE_FILE, t, 64, false);
    uint32_t facs = t->len;
    build_facs(t);
    uint32_t dsdt = t->len;
    rc = vmc_acpi_build_dsdt(&in, t, l);
    if (!rc) {
        size_t aml_len = t->len - dsdt;
        uint32_t fadt = t->len;
        add_table(offsets, t);
        build_fadt(&in, t, l, facs, dsdt);
        aml_len += t->len - fadt;
        add_table(offsets, t);
        build_madt(&in, t, l);
        if (in.hpet) {
            add_table(offsets, t);
            build_hpet(t, l);
        }
        add_table(offsets, t);
        build_waet(t, l);
        uint32_t rsdt = t->len;
        build_rsdt(t, l, offsets);
        build_rsdp(r, l, rsdt);
        if (!in.rsdp_in_ram) {
            /* 2.2 and older kept 16 unused bytes after the revision-0 RSDP */
            for (int i = 0; i < 16; i++) {
                vmc_acpi_append_le(r, 0, 1);
            }
        }
        size_t size;
        if (in.legacy_acpi_table_size) {
            /* pc-i440fx-1.7/2.0: fixed tables plus the AML size QEMU 2.0 had */
            size_t legacy_aml = in.legacy_acpi_table_size +
                                (size_t)LEGACY_CPU_AML_SIZE * in.apic_id_limit;
            size = (t->len - aml_len + legacy_aml + 0xfff) & ~(size_t)0xfff;
            if (t->len > size) {
                rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                                   "ACPI tables of %u bytes exceed the legacy size %zu of "
                                   "this machine type", t->len, size);
            }
        } else {
            size = (t->len + TABLE_BLOB_ALIGN - 1) & ~(size_t)(TABLE_BLOB_ALIGN - 1);
        }
        if (!rc) {
            guint old = t->len;
            g_byte_array_set_size(t, (guint)size);
            memset(t->data + old, 0, size - old);
        }
    }
    if (!rc) {
        GByteArray *cmds = vmc_acpi_linker_commands(l);
        size_t n = cmds->len;
        size_t padded = (n + LOADER_ALIGN - 1) & ~(size_t)(LOADER_ALIGN - 1);
        out->loader = g_malloc0(padded ? padded : LOADER_ALIGN);
        memcpy(out->loader, cmds->data, n);
        out->loader_len = padded;
        out->tables_len = t->len;
        out->tables = g_byte_array_free(t, FALSE);
        t = NULL;
        out->rsdp_len = r->len;
        out->rsdp = g_byte_array_free(r, FALSE);
        r = NULL;
        out->rsdp_is_ram_block = in.rsdp_in_ram;
    }
    if (t) {
        g_byte_array_free(t, TRUE);
    }
    if (r) {
        g_byte_array_free(r, TRUE);
    }
    g_array_free(offsets, TRUE);
    vmc_acpi_linker_free(l);
    g_free(in.apic_ids);
    return rc;
}
