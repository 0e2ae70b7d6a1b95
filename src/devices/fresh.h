/*
 * Fresh device state: the values a device's vmsd fields hold in a machine
 * QEMU 7.2 started with -S and never ran (after realize and system reset),
 * which is what `vmcompat write` puts on the wire.
 *
 * Each vmsd that appears as a section has a vmc_fresh_def.  Its fn sets, in
 * a vmc_state (include/vmcompat/state.h), every field whose fresh value is
 * not zero, and chooses subsections its needed() hook cannot decide from
 * the fields (the writer evaluates needed hooks on the built state first).
 * Fields of type "pci config" default to the device's modelled config
 * space, so PCI devices only set what differs from it (normally nothing).
 * A def with fn == NULL says "every field is zero".  A vmsd without a def
 * makes the writer fail with "fresh state of ... is not modelled".
 *
 * Values that derive from the wall clock at start-up (the RTC's CMOS time,
 * its next alarm/update timers) cannot match a given QEMU run; fns take
 * them from vmc_fresh_ctx.clock_ns so that two writes are reproducible.
 */
#ifndef VMC_DEVICES_FRESH_H
#define VMC_DEVICES_FRESH_H

#include <stdint.h>

#include "machine-types/model_internal.h"
#include "vmcompat/state.h"

typedef struct vmc_fresh_ctx {
    vmc_model *m;                    /* machine (props, RAM size, smp ...) */
    const vmc_model_entry *entry;    /* the section: idstr, instance_id, version_id */
    vmc_mdev *dev;                   /* owning device, NULL for board-level entries */
    const vmc_model_pci *pci;        /* the PCI function behind the section, or NULL */
    int64_t clock_ns;                /* QEMU_CLOCK_HOST/REALTIME at "start", ns since the epoch */
} vmc_fresh_ctx;

typedef int (*vmc_fresh_fn)(const vmc_fresh_ctx *fc, vmc_state *st);

typedef struct vmc_fresh_def {
    const char *vmsd;                /* top-level vmsd name */
    vmc_fresh_fn fn;                 /* NULL: all fields zero */
} vmc_fresh_def;

/*
 * RAM blocks a device fills itself at realize or reset (qxl's ROM BAR and
 * RAM header ...).  fn gets the block and returns its contents: *data
 * (g_malloc'd) of *len bytes from offset 0, the rest zero.
 */
typedef int (*vmc_fresh_ram_fn)(vmc_model *m, vmc_mdev *dev, const vmc_model_ram_block *b,
                                uint8_t **data, size_t *len);

typedef struct vmc_fresh_ram_def {
    const char *device;              /* QOM type of the owning device */
    const char *block_suffix;        /* the block name ends with it, e.g. "qxl.vrom" */
    vmc_fresh_ram_fn fn;
} vmc_fresh_ram_def;

/* Contents of a device-filled RAM block: 1 with *data and *len when a def
 * handles it, 0 when none does, negative on error. */
int vmc_fresh_ram_contents(vmc_model *m, const vmc_model_ram_block *b, uint8_t **data,
                           size_t *len);

extern const vmc_fresh_ram_def vmc_fresh_ram_defs[];   /* fresh_ram.c, { NULL } terminated */

/* The def for a top-level vmsd, or NULL when its fresh state is not modelled. */
const vmc_fresh_def *vmc_fresh_find(const char *vmsd_name);

/* Groups, each a table terminated by { NULL, NULL } (fresh_registry.c lists them). */
extern const vmc_fresh_def vmc_fresh_board[];    /* core, cpu, chipsets, ISA devices */
extern const vmc_fresh_def vmc_fresh_pcidevs[];  /* -device PCI devices, bridges, virtio */

#endif
