/*
 * Device models for the machine model: what a device does when QEMU
 * realizes it, as far as migration sees it.
 *
 * A device model registers its vmstate entries (in QEMU's order), creates
 * the buses it provides, adds its RAM blocks (option ROM, VGA memory ...)
 * and, for PCI functions, builds the configuration space and masks with
 * pci_build.h.  Models are found by QOM type; a type that has none is "not
 * modelled" and the machine model refuses it instead of guessing.
 */
#ifndef VMC_DEVMODEL_H
#define VMC_DEVMODEL_H

#include "machine-types/model_internal.h"

typedef struct vmc_devmodel {
    const char *type;                   /* QOM type name */
    vmc_bus_kind bus;                   /* the kind of bus it plugs into */
    /* Realize d (already on its bus; PCI devices have devfn and path set). */
    int (*realize)(vmc_model *m, vmc_mdev *d);
} vmc_devmodel;

/* The model of a QOM type, or NULL. */
const vmc_devmodel *vmc_devmodel_find(const char *type);

/*
 * Model groups, each a NULL-terminated (type == NULL) table, searched in
 * this order; the table-driven generic models are the fallback.
 */
extern const vmc_devmodel vmc_devmodels_board[];    /* model_board.c: chipset PCI functions */
extern const vmc_devmodel vmc_devmodels_bridges[];  /* model_bridges.c: ports, bridges, switches */
extern const vmc_devmodel vmc_devmodels_pcidev[];   /* model_pcidev.c: NICs, watchdog, ivshmem ... */
extern const vmc_devmodel vmc_devmodels_virtio[];   /* model_virtio.c: virtio-pci devices */
extern const vmc_devmodel vmc_devmodels_media[];    /* model_media.c: display, audio, USB */

/*
 * Board devices (created by board_pc.c, not by -device): build their PCI
 * config space and publish them when their model exists.  d has devfn and
 * path; its vmstate entry is already registered.
 */
int vmc_devmodel_realize_board(vmc_model *m, vmc_mdev *d, const char *section_idstr);

/* Helpers for models. */

/* Register the device's own vmsd entry (with its dev path when it has one). */
vmc_model_entry *vmc_devmodel_register(vmc_model *m, vmc_mdev *d, const char *vmsd_name,
                                       int priority);
/* Option ROM RAM block "<path>/<name>.rom" from the romfile/romsize/rombar properties. */
/*
 * Name of a PCI device's option ROM RAM block: "<dev path>/<base>.rom",
 * where QEMU builds "<base>.rom" in a 32-byte buffer, so it is cut to 31
 * characters ("virtio-net-pci-non-transitional" loses its ".rom").
 */
char *vmc_devmodel_rom_block_name(const char *dev_path, const char *base);

/*
 * pci_add_option_rom without the BAR: romfile (the class default when
 * unset), rombar, romsize.  With a ROM BAR, the "<path>/<rom_name>.rom" RAM
 * block, and *bar_size (may be NULL) = the BAR's size; with rombar=0 the
 * fw_cfg copy, a "/rom@..." block only on types whose option ROMs have
 * memory regions (pc-i440fx-1.7), and *bar_size = 0.
 */
int vmc_devmodel_add_option_rom(vmc_model *m, vmc_mdev *d, const char *rom_name,
                                const char *class_romfile, uint64_t *bar_size);
/* Record the device's PCI function in the model (after its config is built, if it is). */
void vmc_devmodel_publish_pci(vmc_model *m, vmc_mdev *d, const char *section_idstr);

#endif
