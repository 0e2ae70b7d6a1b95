/*
 * The model of a machine QEMU 7.2 would create for a command line: what it
 * registers for migration (sections with their ids, idstrs, instance ids,
 * versions, priorities and descriptors), its RAM blocks, and for each PCI
 * function its configuration space with wmask, w1cmask and cmask.
 *
 * Built with vmc_model_build() from the arguments a user gives
 * qemu-system-x86_64.  Devices that vmcompat does not model yet make the
 * build fail with VMC_EUNSUPPORTED ("not modelled") rather than produce a
 * wrong model.
 */
#ifndef VMCOMPAT_MODEL_H
#define VMCOMPAT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcompat/vmstate.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_model vmc_model;

typedef struct vmc_model_options {
    const char *tables_path;     /* machine-type tables file, NULL = built-in 7.2 */
    const char *firmware_dir;    /* where ROM files are read, NULL = /usr/share/qemu */
} vmc_model_options;

/* Build the model for QEMU arguments (without the program name). */
int vmc_model_build(vmc_model **out, int argc, const char *const *argv,
                    const vmc_model_options *opts);
/* Same, from a shell-quoted command line (as copied from ps or a libvirt log). */
int vmc_model_build_shell(vmc_model **out, const char *cmdline, const vmc_model_options *opts);
void vmc_model_free(vmc_model *m);

/* The machine class name, e.g. "pc-q35-7.2" for "-M q35". */
const char *vmc_model_machine(const vmc_model *m);

/* Migration properties of the machine (send-configuration, send-section-footer,
 * store-global-state, suppress-vmdesc). */
bool vmc_model_send_configuration(const vmc_model *m);
bool vmc_model_send_section_footer(const vmc_model *m);
bool vmc_model_suppress_vmdesc(const vmc_model *m);

typedef struct vmc_model_entry {
    uint32_t section_id;         /* registration number (with gaps for entries not sent) */
    const char *idstr;
    uint32_t instance_id;
    uint32_t version_id;
    int priority;                /* VMC_PRI_* */
    bool iterative;              /* ram, block, dirty-bitmap: START/PART/END */
    bool sent;                   /* appears in a precopy stream of the fresh machine */
    const vmc_vmsd *vmsd;        /* NULL for live handlers and unmodelled vmsds */
    const char *device;          /* QOM type of the owning device, or NULL */
    const char *device_id;       /* -device id=, or NULL */
    const char *compat_idstr;    /* the compat record (bare vmsd name) of device entries */
    uint32_t compat_instance_id;
    int alias_id;                /* -1 none */
} vmc_model_entry;

/* Entries in registration order. */
size_t vmc_model_entry_count(const vmc_model *m);
const vmc_model_entry *vmc_model_entry_at(const vmc_model *m, size_t i);

/* The sections a fresh precopy stream carries, in stream order: START of the
 * iterative handlers, then FULL of the device entries by priority. */
size_t vmc_model_section_count(const vmc_model *m);
const vmc_model_entry *vmc_model_section_at(const vmc_model *m, size_t i);

/* The entry QEMU's loader would pick for a received (idstr, instance):
 * exact idstr match, alias ids, then compat records (find_se()). */
const vmc_model_entry *vmc_model_find_entry(const vmc_model *m, const char *idstr,
                                            uint32_t instance_id);

typedef struct vmc_model_ram_block {
    const char *name;
    uint64_t used_length;
    uint64_t max_length;
    bool resizeable;
    const char *contents_file;   /* firmware file loaded into it, or NULL */
    /* Why its fresh contents are not known (the device fills it at realize
     * or reset in a way vmcompat does not model), or NULL: then it is zero
     * or contents_file. */
    const char *contents_unmodelled;
} vmc_model_ram_block;

/* RAM blocks in QEMU's RAM-list order (largest max_length first). */
size_t vmc_model_ram_block_count(const vmc_model *m);
const vmc_model_ram_block *vmc_model_ram_block_at(const vmc_model *m, size_t i);

typedef struct vmc_model_pci {
    const char *path;            /* "0000:00:02.0:00.0" */
    const char *type;            /* QOM type */
    const char *id;              /* -device id=, or NULL */
    uint8_t bus_number_depth;    /* 0 on the root bus */
    uint8_t devfn;
    unsigned config_size;        /* 256 or 4096; 0 when the config is not modelled */
    const uint8_t *config, *wmask, *w1cmask, *cmask;
    const char *section_idstr;   /* section holding its PCIDevice state, or NULL */
} vmc_model_pci;

size_t vmc_model_pci_count(const vmc_model *m);
const vmc_model_pci *vmc_model_pci_at(const vmc_model *m, size_t i);

/* Migration blockers the devices add (QEMU's migrate_add_blocker): such a
 * machine cannot be a migration source.  Each is QEMU's message. */
size_t vmc_model_blocker_count(const vmc_model *m);
const char *vmc_model_blocker_at(const vmc_model *m, size_t i);

/* A vmc_vmsd_lookup_fn (stream.h) that answers with this model's descriptors. */
const vmc_vmsd *vmc_model_lookup(void *model, const char *idstr, uint32_t instance_id,
                                 uint32_t version_id);

#ifdef __cplusplus
}
#endif
#endif
