/*
 * Fresh state of the PC chipsets' sections (QEMU 7.2): the i440FX/PIIX3/
 * PIIX4 and q35 (MCH, ICH9 LPC, AHCI, SMBus) functions, PCI buses, the
 * IDE and AHCI controllers with their drives, fw_cfg and the global state.
 * PCI config spaces come from the machine model.
 */
#include "devices/fresh_internal.h"
#include "devices/fresh_util.h"

#include <stdio.h>
#include <string.h>

/* ---- PCI host and root bus --------------------------------------------- */

#define PIIX_NUM_PIRQS 4
#define ICH9_LPC_NB_PIRQS 8

/*
 * Every PCI bus registers "PCIBUS" (pci_bus_realize), the root bus first.
 * Only the root bus has IRQ lines of its own (pci_bus_irqs(): the PIRQs of
 * PIIX3 or the ICH9 LPC); bridges' and ports' secondary buses route
 * through their bridge and keep nirq 0.
 */
int vmc_fresh_pcibus(const vmc_fresh_ctx *fc, vmc_state *st)
{
    for (size_t i = 0; i < fc->m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(fc->m->devices, i);
        if (g_str_has_prefix(d->type, "pxb")) {
            return vmc_fresh_unsupported(fc, "the PCI buses of expander bridges (pxb)");
        }
    }
    if (fc->entry->instance_id == 0) {
        vmc_fresh_i(st, fc->m->q35 ? ICH9_LPC_NB_PIRQS : PIIX_NUM_PIRQS, "nirq");
    }
    return 0;
}

int vmc_fresh_mch(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "parent_obj");
    return 0;
}

/* I440FX, PIIX3 */
int vmc_fresh_i440fx(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "parent_obj");
    return 0;
}

int vmc_fresh_piix3(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "dev");
    return 0;
}

/* ---- ACPI power management --------------------------------------------- */

#define ACPI_BITMASK_TIMER_STATUS 0x0001
#define ACPI_BITMASK_SCI_ENABLE 0x0001
#define ICH9_PMIO_SMI_EN_APMC_EN (1u << 5)

/*
 * The PM timer is stopped with overflow_time 0, so the reset's SCI update
 * (acpi_pm1_evt_get_sts at QEMU_CLOCK_VIRTUAL 0) latches TMR_STS.
 */
static void acpi_regs(const vmc_fresh_ctx *fc, vmc_state *st, const char *prefix)
{
    vmc_fresh_u(st, ACPI_BITMASK_TIMER_STATUS, "%s.pm1.evt.sts", prefix);
    /* acpi_pm1_cnt_reset(): without SMM the chipset is in ACPI mode already */
    if (!vmc_fresh_smm_enabled(fc)) {
        vmc_fresh_u(st, ACPI_BITMASK_SCI_ENABLE, "%s.pm1.cnt.cnt", prefix);
    }
    vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "%s.tmr.timer", prefix);
}

/* pm_smbus_reset(); PIIX4 forces the auxiliary block mode (AUX_BLK). */
static void pmsmb(vmc_state *st, const char *prefix, bool aux_blk)
{
    vmc_fresh_u(st, 1, "%s.op_done", prefix);
    if (aux_blk) {
        vmc_fresh_u(st, 0x02, "%s.smb_auxctl", prefix);
    }
}

/* Chipset configuration registers (RCRB) after ich9_cc_reset(). */
#define ICH9_CC_SIZE (16 * 1024)
#define ICH9_CC_DIR_DEFAULT 0x3210     /* INTA..D -> PIRQA..D */
#define ICH9_CC_GCS 0x3410
#define ICH9_CC_GCS_DEFAULT 0x20

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void ich9_chip_config(vmc_state *st)
{
    uint8_t *cc = g_malloc0(ICH9_CC_SIZE);
    /* D31IR..D25IR as 32-bit writes in this order; the 16-bit registers
     * overlap, so later writes clear the upper halves of earlier ones */
    static const struct { uint16_t off; uint32_t val; } w[] = {
        { 0x3140, ICH9_CC_DIR_DEFAULT }, { 0x3142, 0 },   /* D31IR, D30IR */
        { 0x3144, ICH9_CC_DIR_DEFAULT }, { 0x3146, ICH9_CC_DIR_DEFAULT },
        { 0x3148, ICH9_CC_DIR_DEFAULT }, { 0x314c, ICH9_CC_DIR_DEFAULT },
        { 0x3150, ICH9_CC_DIR_DEFAULT }, { ICH9_CC_GCS, ICH9_CC_GCS_DEFAULT },
    };
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        put_le32(cc + w[i].off, w[i].val);
    }
    for (int i = 0; i < ICH9_CC_SIZE; i++) {
        if (cc[i]) {
            vmc_fresh_u(st, cc[i], "chip_config[%d]", i);
        }
    }
    g_free(cc);
}

int vmc_fresh_ich9_lpc(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "d");
    ich9_chip_config(st);
    acpi_regs(fc, st, "pm.acpi_regs");
    /* ich9_pm_reset(): without SMM, APM writes must not raise an SMI */
    if (!vmc_fresh_smm_enabled(fc)) {
        vmc_fresh_u(st, ICH9_PMIO_SMI_EN_APMC_EN, "pm.smi_en");
    }
    /* the subsections' needed hooks read ICH9-LPC's properties; the TCO
     * registers keep acpi_pm_tco_init()'s defaults */
    if (vmc_fresh_prop_bool(fc, NULL, "enable_tco", true)) {
        const char *tco = "pm.ich9_pm/tco.tco_regs";
        vmc_fresh_u(st, 0x0008, "%s.tco.cnt2", tco);
        vmc_fresh_u(st, 0x0004, "%s.tco.tmr", tco);
        vmc_fresh_u(st, 0x03, "%s.sw_irq_gen", tco);
        vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "%s.tco_timer", tco);
        vmc_fresh_i(st, -1, "%s.expire_time", tco);
    }
    return 0;
}

int vmc_fresh_piix4_pm(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "parent_obj");
    acpi_regs(fc, st, "ar");
    if (!vmc_fresh_class_true(fc, "smbus_no_migration_support")) {
        pmsmb(st, "smb", true);
    }
    return 0;
}

int vmc_fresh_ich9_smb(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "dev");
    if (!vmc_fresh_class_true(fc, "smbus_no_migration_support")) {
        pmsmb(st, "smb", false);
    }
    return 0;
}

int vmc_fresh_i2c_bus(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    /* i2c_bus_pre_save(): no transfer in progress */
    vmc_fresh_u(st, 0xff, "saved_address");
    return 0;
}

/* ---- IDE and AHCI without drives --------------------------------------- */

/* The controller's IDE buses in order (ide.0, ide.1 ...). */
static const vmc_mbus *ide_bus(const vmc_fresh_ctx *fc, int i)
{
    if (!fc->dev || !fc->dev->buses || (unsigned)i >= fc->dev->buses->len) {
        return NULL;
    }
    return g_ptr_array_index(fc->dev->buses, i);
}

/* piix3-ide / piix4-ide ("ide"): two buses of two interfaces. */
int vmc_fresh_ide(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "parent_obj");
    for (int b = 0; b < 2; b++) {
        vmc_fresh_ide_drive units[2];
        const vmc_mbus *bus = ide_bus(fc, b);
        if (!bus || vmc_fresh_ide_bus_drives(fc->m, bus, units, 2) != 0) {
            return vmc_fresh_unsupported(fc, "this IDE bus (devices other than ide-hd/ide-cd)");
        }
        for (int i = 0; i < 2; i++) {
            char p[32];
            snprintf(p, sizeof(p), "bus[%d].ifs[%d]", b, i);
            vmc_fresh_ide_if(st, p, units[i].kind);
        }
    }
    return 0;
}

#define AHCI_PORTS 6
#define AHCI_NUM_COMMAND_SLOTS 31     /* the CAP field: slots - 1 */
#define AHCI_SUPPORTED_SPEED_GEN1 (1u << 20)
#define HOST_CAP_AHCI (1u << 18)
#define HOST_CAP_NCQ (1u << 30)
#define HOST_CAP_64 (1u << 31)
#define HOST_CTL_AHCI_EN (1u << 31)
#define AHCI_VERSION_1_0 0x10000
#define PORT_CMD_SPIN_UP (1u << 1)
#define PORT_CMD_POWER_ON (1u << 2)
#define SEEK_STAT 0x10
#define WRERR_STAT 0x20
#define READY_STAT 0x40

/* AHCIState below `prefix` ("ahci") after ahci_reset(): ports whose drive
 * reset left the SATA signature in the task file (the guest has not set
 * up a FIS area, so the port registers keep their reset values). */
int vmc_fresh_ahci(const vmc_fresh_ctx *fc, vmc_state *st, const char *prefix, int ports)
{
    for (int i = 0; i < ports; i++) {
        vmc_fresh_ide_drive unit;
        const vmc_mbus *bus = ide_bus(fc, i);
        if (!bus || vmc_fresh_ide_bus_drives(fc->m, bus, &unit, 1) != 0) {
            return vmc_fresh_unsupported(fc, "this AHCI port (devices other than ide-hd/ide-cd)");
        }
        char p[64];
        snprintf(p, sizeof(p), "%s.dev[%d].port.ifs[0]", prefix, i);
        vmc_fresh_ide_if(st, p, unit.kind);
        if (unit.kind) {
            vmc_fresh_u(st, 1, "%s.error", p);
            vmc_fresh_u(st, SEEK_STAT | WRERR_STAT | (unit.kind == VMC_IDE_CD ? READY_STAT : 0),
                        "%s.status", p);
        }
        vmc_fresh_u(st, PORT_CMD_SPIN_UP | PORT_CMD_POWER_ON, "%s.dev[%d].port_regs.cmd",
                    prefix, i);
        vmc_fresh_u(st, 0x7f, "%s.dev[%d].port_regs.tfdata", prefix, i);
        vmc_fresh_u(st, 0xffffffff, "%s.dev[%d].port_regs.sig", prefix, i);
        vmc_fresh_i(st, -1, "%s.dev[%d].busy_slot", prefix, i);
    }
    vmc_fresh_u(st, HOST_CAP_64 | HOST_CAP_NCQ | HOST_CAP_AHCI | AHCI_SUPPORTED_SPEED_GEN1 |
                AHCI_NUM_COMMAND_SLOTS << 8 | (uint32_t)(ports - 1),
                "%s.control_regs.cap", prefix);
    vmc_fresh_u(st, HOST_CTL_AHCI_EN, "%s.control_regs.ghc", prefix);
    vmc_fresh_u(st, (1u << ports) - 1, "%s.control_regs.impl", prefix);
    vmc_fresh_u(st, AHCI_VERSION_1_0, "%s.control_regs.version", prefix);
    vmc_fresh_i(st, ports, "%s.ports", prefix);
    return 0;
}

int vmc_fresh_ich9_ahci(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "parent_obj");
    return vmc_fresh_ahci(fc, st, "ahci", AHCI_PORTS);
}

/* ---- fw_cfg, global state ---------------------------------------------- */

#define HOST_PAGE_SIZE 4096u
#define ACPI_RSDP_V1_LEN 20

static uint64_t ram_block_used(vmc_model *m, const char *name)
{
    for (size_t i = 0; i < vmc_model_ram_block_count(m); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
        if (strcmp(b->name, name) == 0) {
            return b->used_length;
        }
    }
    return 0;
}

int vmc_fresh_fw_cfg(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_sub(st, vmc_fresh_prop_bool(fc, "fw_cfg_io", "dma_enabled", true), "fw_cfg/dma");
    /*
     * fw_cfg_acpi_mr_save(): the sizes of the ACPI blobs' memory regions.
     * The tables blob is padded to 128 KiB multiples and the loader to
     * 4 KiB, so both equal their RAM blocks; the RSDP (ACPI 1.0) has 20
     * bytes.  Sent only when some size is not host-page aligned.
     */
    uint64_t tables = ram_block_used(fc->m, "/rom@etc/acpi/tables");
    uint64_t loader = ram_block_used(fc->m, "/rom@etc/table-loader");
    uint64_t rsdp = ram_block_used(fc->m, "/rom@etc/acpi/rsdp") ? ACPI_RSDP_V1_LEN : 0;
    bool aligned = tables % HOST_PAGE_SIZE == 0 && loader % HOST_PAGE_SIZE == 0 &&
                   rsdp % HOST_PAGE_SIZE == 0;
    bool sent = vmc_fresh_prop_bool(fc, "fw_cfg_io", "acpi-mr-restore", true) && !aligned;
    vmc_fresh_sub(st, sent, "fw_cfg/acpi_mr");
    if (sent) {
        vmc_fresh_u(st, tables, "fw_cfg/acpi_mr.table_mr_size");
        vmc_fresh_u(st, loader, "fw_cfg/acpi_mr.linker_mr_size");
        vmc_fresh_u(st, rsdp, "fw_cfg/acpi_mr.rsdp_mr_size");
    }
    return 0;
}

#define RUNSTATE_LEN 100

int vmc_fresh_globalstate(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    /* global_state_store(): the run state of a machine started with -S */
    uint8_t buf[RUNSTATE_LEN] = { 0 };
    const char *rs = "prelaunch";
    memcpy(buf, rs, strlen(rs));
    vmc_fresh_u(st, strlen(rs) + 1, "size");
    vmc_fresh_bytes(st, buf, sizeof(buf), "runstate");
    return 0;
}
