/*
 * Group "media" (display, audio, USB): the descriptors and hook functions
 * each file of the group exports to media_usb.c, which lists them.
 */
#ifndef VMC_DEVICES_MEDIA_USB_H
#define VMC_DEVICES_MEDIA_USB_H

#include <stdbool.h>
#include <stdint.h>

#include "vmcompat/vmstate.h"
#include "vmstate/hooks.h"

/* display_vga.c */
extern const vmc_vmsd vmc_vmsd_vga_common;    /* "vga": VGACommonState (isa-vga's section) */
extern const vmc_vmsd vmc_vmsd_vga_pci;       /* "vga": VGA, secondary-vga */
extern const vmc_vmsd vmc_vmsd_cirrus_core;   /* "cirrus_vga": core (isa-cirrus-vga's section) */
extern const vmc_vmsd vmc_vmsd_cirrus_pci;    /* "cirrus_vga": cirrus-vga */
extern const vmc_vmsd vmc_vmsd_bochs_display; /* "bochs-display" */
extern const vmc_vmsd vmc_vmsd_qxl;           /* "qxl": qxl, qxl-vga */
bool vmc_media_vga_endian_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_media_qxl_monitors_config_needed(const vmc_hook_ctx *ctx, int version_id);

/* audio_hda.c */
extern const vmc_vmsd vmc_vmsd_intel_hda;     /* "intel-hda": intel-hda, ich9-intel-hda */
extern const vmc_vmsd vmc_vmsd_hda_audio;     /* "hda-audio": hda-duplex/-output/-micro */
bool vmc_media_hda_stream_buf_needed(const vmc_hook_ctx *ctx, int version_id);

/* usb_hosts.c */
extern const vmc_vmsd vmc_vmsd_uhci;          /* "uhci" */
extern const vmc_vmsd vmc_vmsd_ehci_pci;      /* "ehci": usb-ehci, ich9-usb-ehciN */
extern const vmc_vmsd vmc_vmsd_xhci_pci;      /* "xhci": nec-usb-xhci, qemu-xhci */
bool vmc_media_xhci_is_pcie(const vmc_hook_ctx *ctx, int version_id);
bool vmc_media_xhci_is_not_pcie(const vmc_hook_ctx *ctx, int version_id);
bool vmc_media_xhci_er_full(const vmc_hook_ctx *ctx, int version_id);
int64_t vmc_media_xhci_numports(const vmc_hook_ctx *ctx);
int64_t vmc_media_xhci_numslots(const vmc_hook_ctx *ctx);
int64_t vmc_media_xhci_numintrs(const vmc_hook_ctx *ctx);

/* usb_devices.c */
extern const vmc_vmsd vmc_vmsd_usb_device;    /* "USBDevice" (embedded) */
extern const vmc_vmsd vmc_vmsd_usb_ptr;       /* "usb-ptr": usb-tablet, usb-mouse */
extern const vmc_vmsd vmc_vmsd_usb_kbd;       /* "usb-kbd" */
extern const vmc_vmsd vmc_vmsd_usb_storage;   /* "usb-storage" */
extern const vmc_vmsd vmc_vmsd_usb_hub;       /* "usb-hub" */
bool vmc_media_usb_hub_port_timer_needed(const vmc_hook_ctx *ctx, int version_id);

#endif
