/*
 * Pieces shared by the "pcidev" group files (pci_devices.c, pci_e1000.c,
 * pci_serial.c): their top-level vmsds and the hook functions that
 * pci_devices.c registers in vmc_hooks_pcidev.
 */
#ifndef VMC_DEVICES_PCI_MODELS_H
#define VMC_DEVICES_PCI_MODELS_H

#include "vmstate/hooks.h"

/* pci_e1000.c: the e1000 family (hw/net/e1000.c, hw/net/e1000e.c) */
extern const vmc_vmsd vmc_vmsd_e1000;
extern const vmc_vmsd vmc_vmsd_e1000e;

/* pci_serial.c: pci-serial, pci-serial-2x/-4x (hw/char/serial-pci*.c) */
extern const vmc_vmsd vmc_vmsd_pci_serial;
extern const vmc_vmsd vmc_vmsd_pci_serial_multi;
int64_t vmc_serial_fifo_capacity(const vmc_hook_ctx *ctx);
bool vmc_serial_thr_ipending_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_serial_tsr_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_serial_recv_fifo_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_serial_xmit_fifo_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_serial_fifo_timeout_timer_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_serial_timeout_ipending_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_serial_poll_needed(const vmc_hook_ctx *ctx, int version_id);

#endif
