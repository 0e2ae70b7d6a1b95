/*
 * Built-in descriptors: group "pcidev", PCI endpoint devices (QEMU 7.2).
 * See registry.h.
 *
 * The small devices live here; the e1000 family is in pci_e1000.c and the
 * PCI UARTs in pci_serial.c.  pci-testdev has no vmsd in 7.2: it sends no
 * section and needs no model.
 */
#include "devices/pci_models.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* ---- rtl8139 (hw/net/rtl8139.c) ---------------------------------------------- */

#define EEPROM_9346_WORDS 64

/* Empty marker subsection, sent when the machine was modified (hot-plug):
 * rtl8139_hotplug_ready_needed is qdev_machine_modified(), not device state. */
static const vmc_field rtl8139_hotplug_ready_fields[] = {
    VMC_END,
};

static const vmc_vmsd vmsd_rtl8139_hotplug_ready = {
    .name = "rtl8139/hotplug_ready", .version_id = 1, .minimum_version_id = 1,
    .fields = rtl8139_hotplug_ready_fields, .needed = "rtl8139_hotplug_ready_needed",
};

static const vmc_vmsd *const rtl8139_subsections[] = {
    &vmsd_rtl8139_hotplug_ready,
    NULL,
};

static const vmc_field rtl8139_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_BUFFER("phys", 6),
    VMC_BUFFER("mult", 8),
    VMC_UINT32_ARRAY("TxStatus", 4),
    VMC_UINT32_ARRAY("TxAddr", 4),
    VMC_UINT32("RxBuf"),
    VMC_UINT32("RxBufferSize"),
    VMC_UINT32("RxBufPtr"),
    VMC_UINT32("RxBufAddr"),
    VMC_UINT16("IntrStatus"),
    VMC_UINT16("IntrMask"),
    VMC_UINT32("TxConfig"),
    VMC_UINT32("RxConfig"),
    VMC_UINT32("RxMissed"),
    VMC_UINT16("CSCR"),
    VMC_UINT8("Cfg9346"),
    VMC_UINT8("Config0"),
    VMC_UINT8("Config1"),
    VMC_UINT8("Config3"),
    VMC_UINT8("Config4"),
    VMC_UINT8("Config5"),
    VMC_UINT8("clock_enabled"),
    VMC_UINT8("bChipCmdState"),
    VMC_UINT16("MultiIntr"),
    VMC_UINT16("BasicModeCtrl"),
    VMC_UINT16("BasicModeStatus"),
    VMC_UINT16("NWayAdvert"),
    VMC_UINT16("NWayLPAR"),
    VMC_UINT16("NWayExpansion"),
    VMC_UINT16("CpCmd"),
    VMC_UINT8("TxThresh"),
    VMC_UNUSED(4),
    VMC_BUFFER("conf.macaddr", 6),
    VMC_INT32("rtl8139_mmio_io_addr_dummy"),
    VMC_UINT32("currTxDesc"),
    VMC_UINT32("currCPlusRxDesc"),
    VMC_UINT32("currCPlusTxDesc"),
    VMC_UINT32("RxRingAddrLO"),
    VMC_UINT32("RxRingAddrHI"),
    VMC_UINT16_ARRAY("eeprom.contents", EEPROM_9346_WORDS),
    VMC_INT32("eeprom.mode"),
    VMC_UINT32("eeprom.tick"),
    VMC_UINT8("eeprom.address"),
    VMC_UINT16("eeprom.input"),
    VMC_UINT16("eeprom.output"),
    VMC_UINT8("eeprom.eecs"),
    VMC_UINT8("eeprom.eesk"),
    VMC_UINT8("eeprom.eedi"),
    VMC_UINT8("eeprom.eedo"),
    VMC_UINT32("TCTR"),
    VMC_UINT32("TimerInt"),
    VMC_INT64("TCTR_base"),
    VMC_UINT64("tally_counters.TxOk"),
    VMC_UINT64("tally_counters.RxOk"),
    VMC_UINT64("tally_counters.TxERR"),
    VMC_UINT32("tally_counters.RxERR"),
    VMC_UINT16("tally_counters.MissPkt"),
    VMC_UINT16("tally_counters.FAE"),
    VMC_UINT32("tally_counters.Tx1Col"),
    VMC_UINT32("tally_counters.TxMCol"),
    VMC_UINT64("tally_counters.RxOkPhy"),
    VMC_UINT64("tally_counters.RxOkBrd"),
    VMC_UINT32_V("tally_counters.RxOkMul", 5),
    VMC_UINT16("tally_counters.TxAbt"),
    VMC_UINT16("tally_counters.TxUndrn"),
    VMC_UINT32_V("cplus_enabled", 4),
    VMC_END,
};

static const vmc_vmsd vmsd_rtl8139 = {
    .name = "rtl8139", .version_id = 5, .minimum_version_id = 3,
    .fields = rtl8139_fields, .subsections = rtl8139_subsections,
};

/* ---- i6300esb (hw/watchdog/wdt_i6300esb.c) ----------------------------------- */

static const vmc_field i6300esb_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_INT32("reboot_enabled"),
    VMC_INT32("clock_scale"),
    VMC_INT32("int_type"),
    VMC_INT32("free_run"),
    VMC_INT32("locked"),
    VMC_INT32("enabled"),
    { .name = "timer", .info = "timer", .flags = VMC_F_POINTER, .size = 8 },
    VMC_UINT32("timer1_preload"),
    VMC_UINT32("timer2_preload"),
    VMC_INT32("stage"),
    VMC_INT32("unlock_state"),
    VMC_INT32("previous_reboot_flag"),
    VMC_END,
};

/* The version is deliberately huge: it was once sizeof(state) (see QEMU). */
static const vmc_vmsd vmsd_i6300esb = {
    .name = "i6300esb_wdt", .version_id = 10000, .minimum_version_id = 1,
    .fields = i6300esb_fields,
};

/* ---- ivshmem (hw/misc/ivshmem.c) ---------------------------------------------- */

/* ivshmem-plain: no interrupts besides INTx registers. */
static const vmc_field ivshmem_plain_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_UINT32("intrstatus"),
    VMC_UINT32("intrmask"),
    VMC_END,
};

static const vmc_vmsd vmsd_ivshmem_plain = {
    .name = "ivshmem-plain", .version_id = 0, .minimum_version_id = 0,
    .fields = ivshmem_plain_fields,
};

/* ivshmem-doorbell: MSI-X state with `vectors` entries (read from the
 * MSI-X capability in config by the msix state decoder). */
static const vmc_field ivshmem_doorbell_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_STRUCT("parent_obj", vmc_vmsd_msix),
    VMC_UINT32("intrstatus"),
    VMC_UINT32("intrmask"),
    VMC_END,
};

static const vmc_vmsd vmsd_ivshmem_doorbell = {
    .name = "ivshmem-doorbell", .version_id = 0, .minimum_version_id = 0,
    .fields = ivshmem_doorbell_fields,
};

/* ---- pvpanic-pci (hw/misc/pvpanic-pci.c) ----------------------------------- */

static const vmc_field pvpanic_pci_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_END,
};

static const vmc_vmsd vmsd_pvpanic_pci = {
    .name = "pvpanic-pci", .version_id = 1, .minimum_version_id = 1,
    .fields = pvpanic_pci_fields,
};

/* ---- nvme (hw/nvme/ctrl.c) ----------------------------------------------------- */

/* Declared unmigratable: a VM with an nvme controller cannot migrate. */
static const vmc_vmsd vmsd_nvme = {
    .name = "nvme", .version_id = 0, .minimum_version_id = 0,
    .unmigratable = true,
};

/* ---- registry -------------------------------------------------------------------- */

const vmc_vmsd *const vmc_vmsds_pcidev[] = {
    &vmc_vmsd_e1000,
    &vmc_vmsd_e1000e,
    &vmsd_rtl8139,
    &vmsd_i6300esb,
    &vmsd_ivshmem_plain,
    &vmsd_ivshmem_doorbell,
    &vmc_vmsd_pci_serial,
    &vmc_vmsd_pci_serial_multi,
    &vmsd_pvpanic_pci,
    &vmsd_nvme,
    NULL,
};

/*
 * Hooks.  Named in the tables but not registered, because they depend on
 * device properties or machine state rather than on migrated values:
 * e1000_mit_state_needed ("mitigation"), e1000_full_mac_needed
 * ("extra_mac_registers"), e1000_tso_state_needed ("migrate_tso_props"),
 * rtl8139_hotplug_ready_needed (qdev_machine_modified()).
 */
const vmc_hook_def vmc_hooks_pcidev[] = {
    { "serial_fifo_capacity", VMC_HOOK_COUNT, NULL, vmc_serial_fifo_capacity },
    { "serial_thr_ipending_needed", VMC_HOOK_NEEDED, vmc_serial_thr_ipending_needed, NULL },
    { "serial_tsr_needed", VMC_HOOK_NEEDED, vmc_serial_tsr_needed, NULL },
    { "serial_recv_fifo_needed", VMC_HOOK_NEEDED, vmc_serial_recv_fifo_needed, NULL },
    { "serial_xmit_fifo_needed", VMC_HOOK_NEEDED, vmc_serial_xmit_fifo_needed, NULL },
    { "serial_fifo_timeout_timer_needed", VMC_HOOK_NEEDED,
      vmc_serial_fifo_timeout_timer_needed, NULL },
    { "serial_timeout_ipending_needed", VMC_HOOK_NEEDED, vmc_serial_timeout_ipending_needed,
      NULL },
    { "serial_poll_needed", VMC_HOOK_NEEDED, vmc_serial_poll_needed, NULL },
    { NULL, 0, NULL, NULL },
};
