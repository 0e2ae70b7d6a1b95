/* Fresh-state functions and helpers of the -device devices (fresh_pcidevs*.c). */
#ifndef VMC_DEVICES_FRESH_PCIDEVS_H
#define VMC_DEVICES_FRESH_PCIDEVS_H

#include "devices/fresh.h"

#include <stddef.h>
#include <stdint.h>

/* MSI-X vectors of the section's PCI function (its config space), 0 without MSI-X. */
int vmc_fresh_msix_vectors(const vmc_fresh_ctx *fc);
/* msix_reset(): every vector masked; prefix is the "msix state" field. */
void vmc_fresh_msix_masked(vmc_state *st, const char *prefix, int vectors);
/* serial_reset() of a UART ("serial" vmsd) below prefix. */
void vmc_fresh_uart(vmc_state *st, const char *prefix);

/* fresh_net.c: the MAC address QEMU gives this NIC (mac= or the next default). */
int vmc_fresh_nic_mac(const vmc_fresh_ctx *fc, uint8_t mac[6]);
void vmc_fresh_e1000x_eeprom(uint16_t *eeprom, const uint16_t *image, size_t words,
                             uint16_t dev_id, const uint8_t mac[6]);
void vmc_fresh_e1000x_ra(const uint8_t mac[6], uint32_t *ral, uint32_t *rah);
int vmc_fresh_e1000(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_rtl8139(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_e1000e(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_virtio.c */
int vmc_fresh_virtio_plain(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_virtio_net(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_virtio_serial(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_display.c */
int vmc_fresh_vga_pci(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_virtio_vga(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_cirrus_vga(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_qxl(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_usb.c */
int vmc_fresh_xhci(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_uhci(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_usb_hid(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ehci(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_usb_storage(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_usb_hub(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_audio.c */
int vmc_fresh_intel_hda(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_hda_audio(const vmc_fresh_ctx *fc, vmc_state *st);

int vmc_fresh_virtio_gpu(const vmc_fresh_ctx *fc, vmc_state *st);

int vmc_fresh_pcie_slot(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pcie_upstream(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pci_parent_obj(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pci_dev(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pci_pci(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pci_serial(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_parallel(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_scsi_disk(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pci_bridge(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pcie_pci_bridge(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pcie_root_port(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_i6300esb(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ivshmem(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_isa_serial(const vmc_fresh_ctx *fc, vmc_state *st);

#endif
