/*
 * Built-in descriptors of QEMU 7.2 devices, found by top-level vmsd name.
 *
 * Each device group contributes a NULL-terminated array of top-level
 * vmsds (the ones that appear as sections); registry.c lists the groups.
 */
#ifndef VMC_DEVICES_REGISTRY_H
#define VMC_DEVICES_REGISTRY_H

#include "vmcompat/vmstate.h"

/* The built-in top-level vmsd with this name, or NULL. */
const vmc_vmsd *vmc_devices_find_vmsd(const char *vmsd_name);

/* Iterate over every built-in top-level vmsd. */
size_t vmc_devices_vmsd_count(void);
const vmc_vmsd *vmc_devices_vmsd_at(size_t i);

/* vmsd name of a section idstr: the part after the last '/' ("0000:00:1f.0/ICH9LPC"). */
const char *vmc_devices_vmsd_name_of(const char *idstr);

/* Groups (one file each under src/devices/), NULL-terminated. */
extern const vmc_vmsd *const vmc_vmsds_core[];    /* core.c: timer, globalstate, acpi_build ... */
extern const vmc_vmsd *const vmc_vmsds_pci[];     /* pci_core.c: PCIBUS, PCIHost */
extern const vmc_vmsd *const vmc_vmsds_cpu[];     /* cpu_x86.c: cpu, cpu_common, apic, kvm-tpr-opt */
extern const vmc_vmsd *const vmc_vmsds_q35[];     /* board_q35.c: mch, ICH9LPC, ich9_ahci, ich9_smb */
extern const vmc_vmsd *const vmc_vmsds_i440fx[];  /* board_i440fx.c: I440FX, PIIX3, piix4_pm, ide */
extern const vmc_vmsd *const vmc_vmsds_isa[];     /* isa.c: i8259, ioapic, hpet, rtc, pit, ps2 ... */
extern const vmc_vmsd *const vmc_vmsds_virtio[];  /* virtio_devices.c: virtio-net, virtio-blk ... */

extern const vmc_vmsd *const vmc_vmsds_bridges[]; /* pci_bridges.c: root ports, bridges, switches */
extern const vmc_vmsd *const vmc_vmsds_pcidev[];  /* pci_devices.c: NICs, watchdog, ivshmem ... */
extern const vmc_vmsd *const vmc_vmsds_media[];   /* media_usb.c: display, audio, USB */
extern const vmc_vmsd *const vmc_vmsds_net[];     /* net_slirp.c: slirp (-netdev user) */

/* Shared building blocks (pci_core.c). */
extern const vmc_vmsd vmc_vmsd_pci_device;        /* "PCIDevice": use as VMC_STRUCT field */
extern const vmc_vmsd vmc_vmsd_msix;              /* "msix" (VMSTATE_MSIX) */
extern const vmc_vmsd vmc_vmsd_pcie_aer_log;      /* "PCIE_AER_ERROR_LOG" */

#endif
