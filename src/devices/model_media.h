/*
 * Device models of the "media" group: display (model_media_display.c),
 * audio (model_media_audio.c) and USB (model_media_usb.c), with the PCI
 * and bus helpers they share (model_media.c).  Internal to src/devices.
 */
#ifndef VMC_MODEL_MEDIA_H
#define VMC_MODEL_MEDIA_H

#include "devices/devmodel.h"

/* Realize functions (one per family; they switch on d->type). */
int vmc_media_realize_vga(vmc_model *m, vmc_mdev *d);       /* VGA, secondary-vga */
int vmc_media_realize_bochs(vmc_model *m, vmc_mdev *d);     /* bochs-display */
int vmc_media_realize_cirrus(vmc_model *m, vmc_mdev *d);    /* cirrus-vga */
int vmc_media_realize_qxl(vmc_model *m, vmc_mdev *d);       /* qxl-vga, qxl */
int vmc_media_realize_hda(vmc_model *m, vmc_mdev *d);       /* intel-hda, ich9-intel-hda */
int vmc_media_realize_codec(vmc_model *m, vmc_mdev *d);     /* hda-duplex/-output/-micro */
int vmc_media_realize_uhci(vmc_model *m, vmc_mdev *d);      /* piix3/piix4/ich9 UHCI */
int vmc_media_realize_ehci(vmc_model *m, vmc_mdev *d);      /* usb-ehci, ich9-usb-ehci1/2 */
int vmc_media_realize_xhci(vmc_model *m, vmc_mdev *d);      /* nec-usb-xhci, qemu-xhci */
int vmc_media_realize_usbdev(vmc_model *m, vmc_mdev *d);    /* HID devices, usb-storage, usb-hub */

/* ---- PCI helpers -------------------------------------------------------- */

/* The bus is PCI Express / a root bus (pcie.0, pci.0). */
bool vmc_media_bus_express(const vmc_mbus *b);
bool vmc_media_bus_root(const vmc_mbus *b);

/*
 * The start of pci_qdev_realize + do_pci_register_device: romsize must be
 * a power of two, the multifunction rules of pci_init_multifunction, then
 * d->pci is allocated and initialised with the class identity.  express
 * is the QEMU_PCI_CAP_EXPRESS flag at registration time.
 */
int vmc_media_pci_begin(vmc_model *m, vmc_mdev *d, const vmc_pci_ident *id, bool express);


/* Register the device's vmsd (after everything its realize registered), reset, publish. */
vmc_model_entry *vmc_media_pci_finish(vmc_model *m, vmc_mdev *d, const char *vmsd_name);

/* ---- bus helpers ---------------------------------------------------------- */

/*
 * A bus created by a device the way qbus_init names it when QEMU is given
 * no name: "<id>.<n>" (n = the device's child-bus count) when the device
 * has an id, else "<bus type>.<k>" with a per-type counter (usb-bus.0,
 * hda.0, scsi.0).
 */
vmc_mbus *vmc_media_new_bus(vmc_model *m, vmc_mdev *d, vmc_bus_kind kind,
                            const char *type_prefix);

/*
 * The bus of a device plugged into a bus of `kind`: bus= names it (and it
 * must be of that kind), else QEMU's qbus_find_recursive from the system
 * bus, where a bus lists its newest child first.  Moves d to that bus.
 */
int vmc_media_place_on_bus(vmc_model *m, vmc_mdev *d, vmc_bus_kind kind, const char *bus_type);

/* ---- properties ------------------------------------------------------------- */

/* Integer property as QEMU parses it (decimal or 0x hex), with a clear error. */
int vmc_media_prop_uint(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t max,
                        uint64_t *out);
/* Size property (qemu_strtosz: "16M", "0x1000000", "1.5G"). */
int vmc_media_prop_size(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t *out);
/* OnOffAuto property: 1 on, 0 off, -1 auto; error for other values. */
int vmc_media_prop_onoffauto(vmc_mdev *d, const char *prop, int dflt, int *out);

#endif
