/*
 * The e1000 family, QEMU 7.2: e1000 (hw/net/e1000.c; the e1000-82544gc and
 * e1000-82545em types use the same vmsd) and e1000e (hw/net/e1000e.c).
 */
#include "devices/pci_models.h"
#include "devices/registry.h"
#include "vmstate/vmsd_macros.h"

/* ---- e1000 ----------------------------------------------------------------- */

#define E1000_MAC_REGS 0x8000   /* mac_reg[] length, in uint32 */

/*
 * Subsection conditions are device properties (compat flags), not state:
 * e1000_mit_state_needed = "mitigation", e1000_full_mac_needed =
 * "extra_mac_registers", e1000_tso_state_needed = "migrate_tso_props".
 * All three default to on in 7.2 and are turned off by old machine types.
 */
static const vmc_field e1000_mit_state_fields[] = {
    VMC_UINT32("mac_reg[RDTR]"),
    VMC_UINT32("mac_reg[RADV]"),
    VMC_UINT32("mac_reg[TADV]"),
    VMC_UINT32("mac_reg[ITR]"),
    VMC_BOOL("mit_irq_level"),
    VMC_END,
};

static const vmc_vmsd vmsd_e1000_mit_state = {
    .name = "e1000/mit_state", .version_id = 1, .minimum_version_id = 1,
    .fields = e1000_mit_state_fields, .needed = "e1000_mit_state_needed",
};

static const vmc_field e1000_full_mac_fields[] = {
    VMC_UINT32_ARRAY("mac_reg", E1000_MAC_REGS),
    VMC_END,
};

static const vmc_vmsd vmsd_e1000_full_mac_state = {
    .name = "e1000/full_mac_state", .version_id = 1, .minimum_version_id = 1,
    .fields = e1000_full_mac_fields, .needed = "e1000_full_mac_needed",
};

static const vmc_field e1000_tx_tso_fields[] = {
    VMC_UINT8("tx.tso_props.ipcss"),
    VMC_UINT8("tx.tso_props.ipcso"),
    VMC_UINT16("tx.tso_props.ipcse"),
    VMC_UINT8("tx.tso_props.tucss"),
    VMC_UINT8("tx.tso_props.tucso"),
    VMC_UINT16("tx.tso_props.tucse"),
    VMC_UINT32("tx.tso_props.paylen"),
    VMC_UINT8("tx.tso_props.hdr_len"),
    VMC_UINT16("tx.tso_props.mss"),
    VMC_INT8("tx.tso_props.ip"),
    VMC_INT8("tx.tso_props.tcp"),
    VMC_END,
};

static const vmc_vmsd vmsd_e1000_tx_tso_state = {
    .name = "e1000/tx_tso_state", .version_id = 1, .minimum_version_id = 1,
    .fields = e1000_tx_tso_fields, .needed = "e1000_tso_state_needed",
};

static const vmc_vmsd *const e1000_subsections[] = {
    &vmsd_e1000_mit_state,
    &vmsd_e1000_full_mac_state,
    &vmsd_e1000_tx_tso_state,
    NULL,
};

static const vmc_field e1000_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    { .name = "unused", .info = "unused_buffer", .flags = VMC_F_BUFFER, .size = 4,
      .exists = "is_version_1" },
    { .name = "unused", .info = "unused_buffer", .flags = VMC_F_BUFFER, .size = 4 },
    VMC_UINT32("rxbuf_size"),
    VMC_UINT32("rxbuf_min_shift"),
    VMC_UINT32("eecd_state.val_in"),
    VMC_UINT16("eecd_state.bitnum_in"),
    VMC_UINT16("eecd_state.bitnum_out"),
    VMC_UINT16("eecd_state.reading"),
    VMC_UINT32("eecd_state.old_eecd"),
    VMC_UINT8("mig_props.ipcss"),
    VMC_UINT8("mig_props.ipcso"),
    VMC_UINT16("mig_props.ipcse"),
    VMC_UINT8("mig_props.tucss"),
    VMC_UINT8("mig_props.tucso"),
    VMC_UINT16("mig_props.tucse"),
    VMC_UINT32("mig_props.paylen"),
    VMC_UINT8("mig_props.hdr_len"),
    VMC_UINT16("mig_props.mss"),
    VMC_UINT16("tx.size"),
    VMC_UINT16("tx.tso_frames"),
    VMC_UINT8("tx.sum_needed"),
    VMC_INT8("mig_props.ip"),
    VMC_INT8("mig_props.tcp"),
    VMC_BUFFER("tx.header", 256),
    VMC_BUFFER("tx.data", 0x10000),
    VMC_UINT16_ARRAY("eeprom_data", 64),
    VMC_UINT16_ARRAY("phy_reg", 0x20),
    VMC_UINT32("mac_reg[CTRL]"),
    VMC_UINT32("mac_reg[EECD]"),
    VMC_UINT32("mac_reg[EERD]"),
    VMC_UINT32("mac_reg[GPRC]"),
    VMC_UINT32("mac_reg[GPTC]"),
    VMC_UINT32("mac_reg[ICR]"),
    VMC_UINT32("mac_reg[ICS]"),
    VMC_UINT32("mac_reg[IMC]"),
    VMC_UINT32("mac_reg[IMS]"),
    VMC_UINT32("mac_reg[LEDCTL]"),
    VMC_UINT32("mac_reg[MANC]"),
    VMC_UINT32("mac_reg[MDIC]"),
    VMC_UINT32("mac_reg[MPC]"),
    VMC_UINT32("mac_reg[PBA]"),
    VMC_UINT32("mac_reg[RCTL]"),
    VMC_UINT32("mac_reg[RDBAH]"),
    VMC_UINT32("mac_reg[RDBAL]"),
    VMC_UINT32("mac_reg[RDH]"),
    VMC_UINT32("mac_reg[RDLEN]"),
    VMC_UINT32("mac_reg[RDT]"),
    VMC_UINT32("mac_reg[STATUS]"),
    VMC_UINT32("mac_reg[SWSM]"),
    VMC_UINT32("mac_reg[TCTL]"),
    VMC_UINT32("mac_reg[TDBAH]"),
    VMC_UINT32("mac_reg[TDBAL]"),
    VMC_UINT32("mac_reg[TDH]"),
    VMC_UINT32("mac_reg[TDLEN]"),
    VMC_UINT32("mac_reg[TDT]"),
    VMC_UINT32("mac_reg[TORH]"),
    VMC_UINT32("mac_reg[TORL]"),
    VMC_UINT32("mac_reg[TOTH]"),
    VMC_UINT32("mac_reg[TOTL]"),
    VMC_UINT32("mac_reg[TPR]"),
    VMC_UINT32("mac_reg[TPT]"),
    VMC_UINT32("mac_reg[TXDCTL]"),
    VMC_UINT32("mac_reg[WUFC]"),
    VMC_UINT32("mac_reg[VET]"),
    /* three slices of mac_reg[]: receive addresses, multicast table, VLAN filter */
    VMC_UINT32_ARRAY("mac_reg", 32),
    VMC_UINT32_ARRAY("mac_reg", 128),
    VMC_UINT32_ARRAY("mac_reg", 128),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_e1000 = {
    .name = "e1000", .version_id = 2, .minimum_version_id = 1,
    .fields = e1000_fields, .subsections = e1000_subsections,
};

/* ---- e1000e ---------------------------------------------------------------- */

#define E1000E_EEPROM_WORDS 64
#define E1000E_PHY_PAGES 7
#define E1000E_PHY_PAGE_WORDS 0x20
#define E1000E_MSIX_VECTORS 5
#define E1000E_QUEUES 2
#define E1000E_RX_BUFS_PER_DESC 4
#define ETH_ALEN 6

static const vmc_field e1000e_tx_fields[] = {
    VMC_UINT8("sum_needed"),
    VMC_UINT8("props.ipcss"),
    VMC_UINT8("props.ipcso"),
    VMC_UINT16("props.ipcse"),
    VMC_UINT8("props.tucss"),
    VMC_UINT8("props.tucso"),
    VMC_UINT16("props.tucse"),
    VMC_UINT8("props.hdr_len"),
    VMC_UINT16("props.mss"),
    VMC_UINT32("props.paylen"),
    VMC_INT8("props.ip"),
    VMC_INT8("props.tcp"),
    VMC_BOOL("props.tse"),
    VMC_BOOL("cptse"),
    VMC_BOOL("skip_cp"),
    VMC_END,
};

static const vmc_vmsd vmsd_e1000e_tx = {
    .name = "e1000e-tx", .version_id = 1, .minimum_version_id = 1,
    .fields = e1000e_tx_fields,
};

static const vmc_field e1000e_intr_timer_fields[] = {
    { .name = "timer", .info = "timer", .flags = VMC_F_POINTER, .size = 8 },
    VMC_BOOL("running"),
    VMC_END,
};

static const vmc_vmsd vmsd_e1000e_intr_timer = {
    .name = "e1000e-intr-timer", .version_id = 1, .minimum_version_id = 1,
    .fields = e1000e_intr_timer_fields,
};

static const vmc_field e1000e_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_STRUCT("parent_obj", vmc_vmsd_msix),
    VMC_UINT32("ioaddr"),
    VMC_UINT32("core.rxbuf_min_shift"),
    VMC_UINT8("core.rx_desc_len"),
    VMC_UINT32_ARRAY("core.rxbuf_sizes", E1000E_RX_BUFS_PER_DESC),
    VMC_UINT32("core.rx_desc_buf_size"),
    VMC_UINT16_ARRAY("core.eeprom", E1000E_EEPROM_WORDS),
    VMC_UINT16_ARRAY("core.phy", E1000E_PHY_PAGES * E1000E_PHY_PAGE_WORDS),
    VMC_UINT32_ARRAY("core.mac", E1000_MAC_REGS),
    VMC_UINT8_ARRAY("core.permanent_mac", ETH_ALEN),
    VMC_UINT32("core.delayed_causes"),
    VMC_UINT16("subsys"),
    VMC_UINT16("subsys_ven"),
    VMC_STRUCT("core.rdtr", vmsd_e1000e_intr_timer),
    VMC_STRUCT("core.radv", vmsd_e1000e_intr_timer),
    VMC_STRUCT("core.raid", vmsd_e1000e_intr_timer),
    VMC_STRUCT("core.tadv", vmsd_e1000e_intr_timer),
    VMC_STRUCT("core.tidv", vmsd_e1000e_intr_timer),
    VMC_STRUCT("core.itr", vmsd_e1000e_intr_timer),
    VMC_BOOL("core.itr_intr_pending"),
    VMC_STRUCT_ARRAY("core.eitr", E1000E_MSIX_VECTORS, vmsd_e1000e_intr_timer),
    VMC_BOOL_ARRAY("core.eitr_intr_pending", E1000E_MSIX_VECTORS),
    VMC_UINT32("core.itr_guest_value"),
    VMC_UINT32_ARRAY("core.eitr_guest_value", E1000E_MSIX_VECTORS),
    VMC_UINT16("core.vet"),
    VMC_STRUCT_ARRAY("core.tx", E1000E_QUEUES, vmsd_e1000e_tx),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_e1000e = {
    .name = "e1000e", .version_id = 1, .minimum_version_id = 1,
    .fields = e1000e_fields,
};
