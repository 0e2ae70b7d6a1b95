/*
 * Built-in descriptors: group "media" (QEMU 7.2): display, audio and USB
 * devices.  The tables live in display_vga.c, audio_hda.c, usb_hosts.c and
 * usb_devices.c; this file lists the section vmsds and the named hooks.
 * See registry.h.
 */
#include "devices/media_usb.h"
#include "devices/registry.h"

const vmc_vmsd *const vmc_vmsds_media[] = {
    &vmc_vmsd_vga_pci,
    &vmc_vmsd_cirrus_pci,
    &vmc_vmsd_qxl,
    &vmc_vmsd_bochs_display,
    &vmc_vmsd_intel_hda,
    &vmc_vmsd_hda_audio,
    &vmc_vmsd_uhci,
    &vmc_vmsd_ehci_pci,
    &vmc_vmsd_xhci_pci,
    &vmc_vmsd_usb_ptr,
    &vmc_vmsd_usb_kbd,
    &vmc_vmsd_usb_storage,
    &vmc_vmsd_usb_hub,
    NULL,
};

const vmc_hook_def vmc_hooks_media[] = {
    /* subsection needed() hooks, named after QEMU's functions */
    { "vga_endian_state_needed", VMC_HOOK_NEEDED, vmc_media_vga_endian_needed, NULL },
    { "qxl_monitors_config_needed", VMC_HOOK_NEEDED, vmc_media_qxl_monitors_config_needed,
      NULL },
    { "vmstate_hda_audio_stream_buf_needed", VMC_HOOK_NEEDED, vmc_media_hda_stream_buf_needed,
      NULL },
    { "usb_hub_port_timer_needed", VMC_HOOK_NEEDED, vmc_media_usb_hub_port_timer_needed,
      NULL },
    /* xHCI */
    { "xhci_migrate_is_pcie", VMC_HOOK_EXISTS, vmc_media_xhci_is_pcie, NULL },
    { "xhci_migrate_is_not_pcie", VMC_HOOK_EXISTS, vmc_media_xhci_is_not_pcie, NULL },
    { "xhci_er_full", VMC_HOOK_EXISTS, vmc_media_xhci_er_full, NULL },
    { "xhci_numports", VMC_HOOK_COUNT, NULL, vmc_media_xhci_numports },
    { "xhci_numslots", VMC_HOOK_COUNT, NULL, vmc_media_xhci_numslots },
    { "xhci_numintrs", VMC_HOOK_COUNT, NULL, vmc_media_xhci_numintrs },
    { NULL, 0, NULL, NULL },
};
