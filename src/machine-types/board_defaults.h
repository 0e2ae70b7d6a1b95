/*
 * The devices a PC board creates from QEMU's default devices (no
 * -nodefaults) and from the legacy options that ask for devices (-vga,
 * -serial, -parallel, -net nic, -nic, -cdrom, -usb, -usbdevice), as
 * QEMU 7.2's softmmu/vl.c, net/net.c and hw/i386/pc*.c create them.
 *
 * board_pc.c calls the hooks at the points of the board's init where QEMU
 * creates those devices, since the registration order gives section ids.
 * The devices are the usual device models (devmodel.c), created from
 * options the board makes up; anything outside what is modelled is
 * refused with a "not modelled" error.
 */
#ifndef VMC_BOARD_DEFAULTS_H
#define VMC_BOARD_DEFAULTS_H

#include "machine-types/model_internal.h"

/* Before the board: refuse the legacy options and -drive interfaces that
 * are not modelled; register "slirp" for each -nic user / -net user (after
 * the -netdev ones, as net_init_clients does). */
int vmc_board_defaults_early(vmc_model *m);
/* pc_vga_init: the -vga device, or the machine's default display. */
int vmc_board_defaults_vga(vmc_model *m);
/* pc_superio_init: the ISA serial and parallel ports. */
int vmc_board_defaults_superio(vmc_model *m);
/* pc_nic_init: the -nic / -net nic NICs (and the default NIC). */
int vmc_board_defaults_nics(vmc_model *m);
/* The IDE drives of the board's controller (piix3-ide / ich9-ahci): the
 * default CD-ROM and -cdrom. */
int vmc_board_defaults_ide(vmc_model *m);
/* machine_usb(): piix3-usb-uhci (i440fx) or EHCI with UHCI companions (q35). */
int vmc_board_defaults_usb(vmc_model *m);
/* -usbdevice devices (qemu_create_cli_devices, before the -device devices). */
int vmc_board_defaults_usbdevices(vmc_model *m);

/*
 * The board floppy controller's drives (i440fx): the CMOS drive type
 * (cmos_get_fd_drive_type: 0 none, 2 1.2M, 4 1.44M, 5 2.88M) of unit 0
 * and 1.  Without -nodefaults QEMU gives unit 0 an empty drive whose type
 * is the controller's "fallback" (2.88M, 1.44M up to hw_compat_2_5).
 * Returns the number of drives.
 */
int vmc_board_defaults_floppy_types(vmc_model *m, int types[2]);

/* Whether d is a device the board created (not a -device device). */
bool vmc_board_defaults_is_board_device(vmc_model *m, const vmc_mdev *d);

/* cmdline.c: options the model made up, owned (and freed) by the command
 * line, so devices can point at them; and whether o is one of them. */
void vmc_cmdline_adopt_qopts(vmc_cmdline *c, vmc_qopts *o);
bool vmc_cmdline_adopted_qopts(const vmc_cmdline *c, const vmc_qopts *o);

#endif
