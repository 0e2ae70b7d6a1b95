/*
 * Device models (machine model side): group "board", the chipset PCI
 * functions of the PC boards.  See devmodel.h.
 *
 * q35: mch (00:00.0), ICH9-LPC (1f.0), ich9-ahci (1f.2), ICH9-SMB (1f.3);
 * i440fx: i440FX (00.0), PIIX3 (01.0), piix3-ide (01.1), PIIX4_PM (01.3).
 * board_pc.c creates them, registers their sections and calls these
 * realize functions to build the config space (QEMU's realize, then the
 * device reset, then the PCI bus reset, which is the order a fresh
 * machine's system reset runs them in).  ich9-ahci and piix3-ide /
 * piix4-ide can also be added with -device; then the model registers the
 * section and the IDE buses itself.
 *
 * Device-specific registers are written from the QEMU 7.2 sources
 * (hw/pci-host/q35.c, hw/isa/lpc_ich9.c, hw/ide/ich.c, hw/i2c/smbus_ich9.c,
 * hw/pci-host/i440fx.c, hw/isa/piix3.c, hw/ide/piix.c, hw/acpi/piix4.c);
 * they are all in the unchecked device area (cmask 0).
 */
#include "devices/model_common.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

/* The section entry board_pc.c registered for d, or NULL. */
static const vmc_model_entry *board_entry(vmc_model *m, vmc_mdev *d)
{
    const vmc_model_entry *found = NULL;
    for (size_t i = 0; i < m->entries->len; i++) {
        const vmc_mentry *e = g_ptr_array_index(m->entries, i);
        if (e->dev == d) {
            found = &e->pub;
        }
    }
    return found;
}

static vmc_mdev *find_board_device(vmc_model *m, const char *type)
{
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        if (!d->opts && !strcmp(d->type, type)) {
            return d;
        }
    }
    return NULL;
}

static int publish_board(vmc_model *m, vmc_mdev *d)
{
    vmc_dm_publish(m, d, board_entry(m, d));
    return 0;
}

/* ---- q35: mch ------------------------------------------------------------- */

enum {
    MCH_EXT_TSEG_MBYTES = 0x50,
    MCH_PCIEXBAR = 0x60,
    MCH_PCIEXBAR_DEFAULT = 0xb0000000u,
    MCH_F_SMBASE = 0x9c,
    MCH_SMRAM = 0x9d,
    MCH_SMRAM_DEFAULT = 0x02,      /* C_BASE_SEG hardwired to 010b */
    MCH_SMRAM_WMASK = 0x78,        /* D_OPEN D_CLS D_LCK G_SMRAME */
    MCH_ESMRAMC = 0x9e,
    MCH_ESMRAMC_DEFAULT = 0x38,    /* SM_CACHE SM_L1 SM_L2 */
    MCH_ESMRAMC_WMASK = 0x87,      /* H_SMRAME TSEG_SZ T_EN */
    MCH_EXT_TSEG_MAX = 0xfff,
};

static int mch_realize(vmc_model *m, vmc_mdev *d)
{
    if (d->opts) {
        return vmc_dm_not_user_creatable(d);
    }
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x29c0,
                                      .class_id = 0x0600 };
    int64_t tseg = vmc_mdev_prop_int(d, "extended-tseg-mbytes", 16);
    if (tseg < 0 || tseg > MCH_EXT_TSEG_MAX) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: invalid extended-tseg-mbytes value: %lld",
                             (long long)tseg);
    }
    int rc = vmc_dm_pci_init(m, d, &id, false, 0);
    if (rc) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    /* mch_reset + mch_update */
    vmc_pci_set_quad(p->config + MCH_PCIEXBAR, MCH_PCIEXBAR_DEFAULT);
    p->config[MCH_SMRAM] = MCH_SMRAM_DEFAULT;
    p->config[MCH_ESMRAMC] = MCH_ESMRAMC_DEFAULT;
    p->wmask[MCH_SMRAM] = MCH_SMRAM_WMASK;
    p->wmask[MCH_ESMRAMC] = MCH_ESMRAMC_WMASK;
    if (tseg > 0) {
        /* reset writes the query value, the update answers it */
        vmc_pci_set_word(p->config + MCH_EXT_TSEG_MBYTES, (uint16_t)tseg);
    }
    p->config[MCH_F_SMBASE] = 0;
    p->wmask[MCH_F_SMBASE] = 0xff;
    vmc_pci_reset(p);
    return publish_board(m, d);
}

/* ---- q35: ICH9-LPC ------------------------------------------------------------ */

enum {
    LPC_PMBASE = 0x40,
    LPC_PMBASE_WMASK = 0x0000ff80u,    /* base address bits 15:7 */
    LPC_ACPI_CTRL_WMASK = 0x87,        /* ACPI_EN | SCI_IRQ_SEL (QEMU writes it at PMBASE) */
    LPC_ACPI_CTRL = 0x44,
    LPC_PIRQA_ROUT = 0x60,
    LPC_PIRQE_ROUT = 0x68,
    LPC_PIRQ_ROUT_DEFAULT = 0x80,
    LPC_COM_DEC = 0x82,                /* legacy decode ranges noted at machine ready */
    LPC_RCBA = 0xf0,
};

static int lpc_realize(vmc_model *m, vmc_mdev *d)
{
    if (d->opts) {
        return vmc_dm_not_user_creatable(d);
    }
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x2918, .revision = 2,
                                      .class_id = 0x0601 };
    int rc = vmc_dm_pci_init(m, d, &id, false, 1);
    if (rc) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    vmc_pci_set_long(p->wmask + LPC_PMBASE, LPC_PMBASE_WMASK);
    p->wmask[LPC_PMBASE] = LPC_ACPI_CTRL_WMASK;
    /* ich9_lpc_reset */
    for (int i = 0; i < 4; i++) {
        p->config[LPC_PIRQA_ROUT + i] = LPC_PIRQ_ROUT_DEFAULT;
        p->config[LPC_PIRQE_ROUT + i] = LPC_PIRQ_ROUT_DEFAULT;
    }
    p->config[LPC_ACPI_CTRL] = 0;
    vmc_pci_set_long(p->config + LPC_PMBASE, 0x00000001);   /* RTE: I/O space */
    vmc_pci_set_long(p->config + LPC_RCBA, 0);
    vmc_pci_reset(p);
    return publish_board(m, d);
}

/* ---- q35: ich9-ahci (also -device) ------------------------------------------------ */

enum {
    AHCI_IDP_BAR = 4,
    AHCI_MEM_BAR = 5,
    AHCI_MSI_OFFSET = 0x80,
    AHCI_SATA_CAP_OFFSET = 0xa8,
    AHCI_SATA_CAP_SIZE = 8,
    AHCI_CAP_ID_SATA = 0x12,
    AHCI_MAP = 0x90,
    AHCI_PORTS = 6,
};

/* Name of the next IDE bus QEMU creates for a device without id ("ide.N"). */
static char *ide_bus_name(vmc_model *m, vmc_mdev *d, int i)
{
    if (d->id && *d->id) {
        return g_strdup_printf("%s.%d", d->id, i);
    }
    int n = 0;
    for (size_t k = 0; k < m->buses->len; k++) {
        vmc_mbus *b = g_ptr_array_index(m->buses, k);
        if (b->kind == VMC_BUS_IDE && !strncmp(b->name, "ide.", 4)) {
            n++;
        }
    }
    return g_strdup_printf("ide.%d", n);
}

static int ahci_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x2922, .revision = 2,
                                      .class_id = 0x0106 };
    bool board = !d->opts;
    int rc = vmc_dm_pci_init(m, d, &id, false, board ? 1 : -1);
    if (rc) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_CLASS_PROG] = 0x01;          /* AHCI 1.0 */
    p->config[VMC_PCI_CACHE_LINE_SIZE] = 0x08;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    p->config[AHCI_MAP] = 0x40;                    /* address map: AHCI mode */
    if ((rc = vmc_pci_register_bar(p, AHCI_IDP_BAR, VMC_PCI_BAR_IO, 32)) < 0 ||
        (rc = vmc_pci_register_bar(p, AHCI_MEM_BAR, VMC_PCI_BAR_MEM32, 0x1000)) < 0) {
        return rc;
    }
    int cap = vmc_pci_add_capability(p, AHCI_CAP_ID_SATA, AHCI_SATA_CAP_OFFSET,
                                     AHCI_SATA_CAP_SIZE);
    if (cap < 0) {
        return cap;
    }
    vmc_pci_set_word(p->config + cap + 2, 0x10);                    /* revision 1.0 */
    vmc_pci_set_long(p->config + cap + 4, (AHCI_IDP_BAR + 4) | (4 << 4));  /* BAR, index log2 */
    if ((rc = vmc_msi_init(p, AHCI_MSI_OFFSET, 1, true, false)) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    if (board) {
        return publish_board(m, d);   /* board_pc.c creates the section and buses */
    }
    vmc_model_entry *e = vmc_dm_register(m, d, "ich9_ahci");
    for (int i = 0; i < AHCI_PORTS; i++) {
        char *name = ide_bus_name(m, d, i);
        vmc_model_new_bus(m, d, name, VMC_BUS_IDE);
        g_free(name);
    }
    vmc_dm_publish(m, d, e);
    return 0;
}

/* ---- q35: ICH9-SMB ----------------------------------------------------------------- */

static int smb_realize(vmc_model *m, vmc_mdev *d)
{
    if (d->opts) {
        return vmc_dm_not_user_creatable(d);
    }
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x2930, .revision = 2,
                                      .class_id = 0x0c05 };
    int rc = vmc_dm_pci_init(m, d, &id, false, 1);
    if (rc) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    p->config[0x40] = 0;                           /* host configuration */
    if ((rc = vmc_pci_register_bar(p, 4, VMC_PCI_BAR_IO, 64)) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    return publish_board(m, d);
}

/* ---- i440fx: i440FX ------------------------------------------------------------------ */

enum {
    I440FX_RAM_SIZE = 0x57,        /* RAM size in 8 MiB units (capped at 255) */
    I440FX_SMRAM = 0x72,
};

static int i440fx_realize(vmc_model *m, vmc_mdev *d)
{
    if (d->opts) {
        return vmc_dm_not_user_creatable(d);
    }
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x1237, .revision = 2,
                                      .class_id = 0x0600 };
    int rc = vmc_dm_pci_init(m, d, &id, false, 0);
    if (rc) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[I440FX_SMRAM] = 0x02;
    uint64_t units = m->ram_size / 8 / 1024 / 1024;
    p->config[I440FX_RAM_SIZE] = (uint8_t)(units > 255 ? 255 : units);
    vmc_pci_reset(p);
    return publish_board(m, d);
}

/* ---- i440fx: PIIX3 ---------------------------------------------------------------------- */

static int piix3_realize(vmc_model *m, vmc_mdev *d)
{
    if (d->opts) {
        return vmc_dm_not_user_creatable(d);
    }
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x7000,
                                      .class_id = 0x0601 };
    int rc = vmc_dm_pci_init(m, d, &id, false, 1);
    if (rc) {
        return rc;
    }
    uint8_t *c = d->pci->config;
    /* piix3_reset (runs before the bus clears the writable command bits) */
    static const struct { uint8_t off, val; } regs[] = {
        { 0x04, 0x07 }, { 0x05, 0x00 }, { 0x06, 0x00 }, { 0x07, 0x02 }, { 0x4c, 0x4d },
        { 0x4e, 0x03 }, { 0x4f, 0x00 }, { 0x60, 0x80 }, { 0x61, 0x80 }, { 0x62, 0x80 },
        { 0x63, 0x80 }, { 0x69, 0x02 }, { 0x70, 0x80 }, { 0x76, 0x0c }, { 0x77, 0x0c },
        { 0x78, 0x02 }, { 0x79, 0x00 }, { 0x80, 0x00 }, { 0x82, 0x00 }, { 0xa0, 0x08 },
        { 0xa2, 0x00 }, { 0xa3, 0x00 }, { 0xa4, 0x00 }, { 0xa5, 0x00 }, { 0xa6, 0x00 },
        { 0xa7, 0x00 }, { 0xa8, 0x0f }, { 0xaa, 0x00 }, { 0xab, 0x00 }, { 0xac, 0x00 },
        { 0xae, 0x00 },
    };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        c[regs[i].off] = regs[i].val;
    }
    vmc_pci_reset(d->pci);
    return publish_board(m, d);
}

/* ---- i440fx: piix3-ide, piix4-ide (also -device) ----------------------------------------- */

static int piix_ide_realize(vmc_model *m, vmc_mdev *d)
{
    bool piix4 = !strcmp(d->type, "piix4-ide");
    vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = piix4 ? 0x7111 : 0x7010,
                         .class_id = 0x0101 };
    bool board = !d->opts;
    int rc = vmc_dm_pci_init(m, d, &id, false, board ? 0 : -1);
    if (rc) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_CLASS_PROG] = 0x80;          /* legacy ATA, bus-master capable */
    if ((rc = vmc_pci_register_bar(p, 4, VMC_PCI_BAR_IO, 16)) < 0) {
        return rc;
    }
    /* piix_ide_reset: command 0, status devsel medium + fast back-to-back, BMIBA */
    vmc_pci_set_word(p->config + VMC_PCI_COMMAND, 0);
    vmc_pci_set_word(p->config + VMC_PCI_STATUS, 0x0280);
    vmc_pci_set_long(p->config + 0x20, 0x1);
    vmc_pci_reset(p);
    if (board) {
        return publish_board(m, d);
    }
    /* the "ide" vmsd is registered by realize itself, with instance 0 */
    vmc_model_entry *e = vmc_dm_register(m, d, "ide");
    for (int i = 0; i < 2; i++) {
        char *name = ide_bus_name(m, d, i);
        vmc_model_new_bus(m, d, name, VMC_BUS_IDE);
        g_free(name);
    }
    vmc_dm_publish(m, d, e);
    return 0;
}

/* ---- i440fx: PIIX4_PM --------------------------------------------------------------------- */

enum {
    PM_SMB_IO_BASE = 0xb100,       /* pc_piix.c sets smb_io_base */
    PM_SMM_INIT = 0x5b,            /* bit 1: SMM already initialised */
    PM_DEV_RES_B = 0x5f,
    PM_DEV_RES_D = 0x63,
    PM_DEV_RES_F = 0x67,
};

static bool smm_enabled(vmc_model *m)
{
    /* x86_machine_is_smm_enabled with TCG: on unless smm=off */
    const char *v = vmc_qopts_get(vmc_cmdline_machine(m->cl), "smm");
    return !v || strcmp(v, "off") != 0;
}

static int piix4_pm_realize(vmc_model *m, vmc_mdev *d)
{
    if (d->opts) {
        return vmc_dm_not_user_creatable(d);
    }
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x7113, .revision = 3,
                                      .class_id = 0x0680 };
    int rc = vmc_dm_pci_init(m, d, &id, false, 0);
    if (rc) {
        return rc;
    }
    uint8_t *c = d->pci->config;
    bool smm = smm_enabled(m);
    int smb = PM_SMB_IO_BASE;   /* set by the board, over any global */
    /* realize */
    c[0x06] = 0x80;
    c[0x07] = 0x02;
    c[0x09] = 0x00;
    c[VMC_PCI_INTERRUPT_PIN] = 1;
    if (!smm) {
        c[PM_SMM_INIT] = 0x02;
    }
    c[0x90] = (uint8_t)(smb | 1);
    c[0x91] = (uint8_t)(smb >> 8);
    c[0xd2] = 0x09;
    /* piix4_pm_reset */
    c[0x58] = c[0x59] = c[0x5a] = c[0x5b] = 0;
    c[0x40] = 0x01;
    c[0x80] = 0;
    if (!smm) {
        c[PM_SMM_INIT] = 0x02;
    }
    vmc_pci_reset(d->pci);
    vmc_dm_board_machine_ready(m);
    return publish_board(m, d);
}

/* ---- machine ready ---------------------------------------------------------------------------- */

void vmc_dm_board_machine_ready(vmc_model *m)
{
    vmc_mdev *lpc = find_board_device(m, "ICH9-LPC");
    if (lpc && lpc->pci) {
        uint8_t v = 0;
        v |= vmc_dm_isa_port_present(m, 0x3f8) ? 0x01 : 0;   /* COM1 */
        v |= vmc_dm_isa_port_present(m, 0x2f8) ? 0x02 : 0;   /* COM2 */
        v |= vmc_dm_isa_port_present(m, 0x378) ? 0x04 : 0;   /* LPT */
        v |= vmc_dm_isa_port_present(m, 0x3f2) ? 0x08 : 0;   /* floppy */
        lpc->pci->config[LPC_COM_DEC] = v;
    }
    vmc_mdev *pm = find_board_device(m, "PIIX4_PM");
    if (pm && pm->pci) {
        uint8_t *c = pm->pci->config;
        c[PM_DEV_RES_B] = (uint8_t)(0x10 | (vmc_dm_isa_port_present(m, 0x378) ? 0x80 : 0));
        c[PM_DEV_RES_D] = 0x60;
        c[PM_DEV_RES_F] = (uint8_t)((vmc_dm_isa_port_present(m, 0x3f8) ? 0x08 : 0) |
                                    (vmc_dm_isa_port_present(m, 0x2f8) ? 0x90 : 0));
    }
}

const vmc_devmodel vmc_devmodels_board[] = {
    { "mch", VMC_BUS_PCIE, mch_realize },
    { "ICH9-LPC", VMC_BUS_PCIE, lpc_realize },
    { "ich9-ahci", VMC_BUS_PCI, ahci_realize },
    { "ICH9-SMB", VMC_BUS_PCIE, smb_realize },
    { "i440FX", VMC_BUS_PCI, i440fx_realize },
    { "PIIX3", VMC_BUS_PCI, piix3_realize },
    { "piix3-ide", VMC_BUS_PCI, piix_ide_realize },
    { "piix4-ide", VMC_BUS_PCI, piix_ide_realize },
    { "PIIX4_PM", VMC_BUS_PCI, piix4_pm_realize },
    { NULL, 0, NULL },
};
