/* Internals of the machine model (include/vmcompat/model.h). */
#ifndef VMC_MODEL_INTERNAL_H
#define VMC_MODEL_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/pci_build.h"
#include "vmcompat/cmdline.h"
#include "vmcompat/machine.h"
#include "vmcompat/model.h"

typedef struct vmc_mdev vmc_mdev;
typedef struct vmc_mbus vmc_mbus;

typedef enum vmc_bus_kind {
    VMC_BUS_SYSTEM = 0,
    VMC_BUS_PCI,        /* conventional PCI bus (pci.0, a pci-bridge's bus) */
    VMC_BUS_PCIE,       /* PCI Express bus (pcie.0, a port's secondary bus) */
    VMC_BUS_ISA,
    VMC_BUS_I2C,
    VMC_BUS_IDE,
    VMC_BUS_USB,
    VMC_BUS_SCSI,
    VMC_BUS_HDA,
    VMC_BUS_VIRTIO,
    VMC_BUS_VIRTIO_SERIAL,
} vmc_bus_kind;

struct vmc_mbus {
    char *name;              /* "pcie.0", "pci.0", "rp1", "ide.0", "xhci1.0" ... */
    vmc_bus_kind kind;
    vmc_mdev *parent;        /* NULL for the machine's root buses */
    char *pci_root_path;     /* root PCI buses: "0000:00" */
    vmc_mdev *children[256]; /* PCI buses: by devfn */
    int next_port;           /* USB/SCSI/HDA/virtio-serial: next free address */
};

struct vmc_mdev {
    vmc_model *m;
    char *type;              /* QOM type */
    char *id;                /* -device id= (NULL for board devices) */
    const vmc_qopts *opts;   /* -device options (NULL for board devices) */
    vmc_mbus *bus;           /* parent bus */
    int devfn;               /* PCI: slot << 3 | function; -1 otherwise */
    char *path;              /* qdev_get_dev_path(), or NULL */
    vmc_pci_config *pci;     /* modelled PCI config space, or NULL */
    GPtrArray *buses;        /* child buses */
};

typedef struct vmc_mentry {
    vmc_model_entry pub;
    bool has_compat;
    vmc_mdev *dev;               /* owning device, or NULL */
} vmc_mentry;

/* The vCPU model after -cpu, compat properties and -global (model_cpu.c). */
typedef struct vmc_model_cpu {
    const char *name;                /* -cpu model name, e.g. "Skylake-Client" */
    const char *type;                /* its QOM type, e.g. "Skylake-Client-x86_64-cpu" */
    int64_t family, model, stepping; /* CPUID.1:EAX */
    bool apic, mce, mca, monitor;    /* CPUID.1 feature bits */
    bool kvmclock;                   /* the kvmclock paravirt feature (KVM) */
} vmc_model_cpu;

struct vmc_model {
    vmc_machine_types *types;
    const vmc_machine_type *mt;
    vmc_machine_setup *setup;
    vmc_cmdline *cl;
    char *firmware_dir;
    bool q35;                        /* board: q35 or i440fx */
    uint32_t next_section_id;
    GPtrArray *entries;              /* vmc_mentry*, registration order */
    GPtrArray *sections;             /* vmc_model_entry*, stream order (built at the end) */
    GPtrArray *devices;              /* vmc_mdev* */
    GPtrArray *buses;                /* vmc_mbus* (all) */
    GArray *ram;                     /* vmc_model_ram_block */
    GPtrArray *pci;                  /* vmc_model_pci* */
    GStringChunk *strings;
    uint64_t ram_size;               /* -m */
    const vmc_qopts *ram_backend;    /* -machine memory-backend=ID's -object, else NULL */
    GPtrArray *numa_backends;        /* -numa node,memdev= objects (-object order), or NULL */
    unsigned smp_cpus, max_cpus;
    vmc_model_cpu cpu;               /* -cpu */
    bool send_configuration, send_section_footer, suppress_vmdesc, store_global_state;
    bool acpi_blobs;                 /* the board builds ACPI tables (fw_cfg ROM blobs) */
    GPtrArray *blockers;             /* char*: migration blockers devices add (source side) */
};

/* Strings owned by the model. */
const char *vmc_model_str(vmc_model *m, const char *s);

/* Effective property of a device: -device option, then globals/compat/default. */
const char *vmc_mdev_prop(vmc_mdev *d, const char *prop);
bool vmc_mdev_prop_bool(vmc_mdev *d, const char *prop, bool dflt);
int64_t vmc_mdev_prop_int(vmc_mdev *d, const char *prop, int64_t dflt);
/* Effective value of driver.property on this machine (no device instance). */
const char *vmc_model_prop(vmc_model *m, const char *driver, const char *prop);
bool vmc_model_prop_bool(vmc_model *m, const char *driver, const char *prop, bool dflt);
/* Resolve -cpu into m->cpu; QEMU's error for unknown models/properties. */
int vmc_model_resolve_cpu(vmc_model *m);
/* QEMU's boolean property spellings (on/off, true/false, yes/no, 1/0); dflt otherwise */
bool vmc_model_parse_bool(const char *s, bool dflt);
/* A machine-class field (JSON text) or NULL. */
const char *vmc_model_class_field(vmc_model *m, const char *key);

/* Devices and buses. */
vmc_mdev *vmc_model_new_device(vmc_model *m, const char *type, const char *id,
                               const vmc_qopts *opts, vmc_mbus *bus);
vmc_mbus *vmc_model_new_bus(vmc_model *m, vmc_mdev *parent, const char *name, vmc_bus_kind kind);
vmc_mbus *vmc_model_find_bus(vmc_model *m, const char *name);

/*
 * Register a vmstate entry the way vmstate_register_with_alias_id() does:
 * a device with a dev path gets idstr "<path>/<vmsd name>", instance 0 and
 * a compat record; otherwise instance_id (or the next free one for -1).
 * vmsd may be NULL when only the name and version are known.
 */
vmc_model_entry *vmc_model_register(vmc_model *m, vmc_mdev *dev, const char *vmsd_name,
                                    int version_id, int instance_id, int alias_id,
                                    int priority, bool sent);
/* An entry registered without a device (timer, ram, slirp ...). */
vmc_model_entry *vmc_model_register_plain(vmc_model *m, const char *idstr, int version_id,
                                          int instance_id, bool iterative, bool sent);

void vmc_model_add_ram_block(vmc_model *m, const char *name, uint64_t used, uint64_t max,
                             bool resizeable, const char *contents_file);
/* A migration blocker (migrate_add_blocker): this machine cannot be the
 * source of a migration; reason is QEMU's message. */
void vmc_model_add_blocker(vmc_model *m, const char *reason);

/* Say that the fresh contents of RAM block `name` are not modelled, and why. */
void vmc_model_ram_block_unmodelled(vmc_model *m, const char *name, const char *why);
/* Size of a firmware file rounded up as QEMU does for option ROMs, 0 if absent. */
/* -object memory-backend-*,id=ID and its size= in bytes (0 when absent or
 * malformed); NULL when there is no memory backend with that id. */
const vmc_qopts *vmc_model_memory_backend(vmc_model *m, const char *id, uint64_t *size);
/* The RAM block name (RAMBlock idstr) QEMU gives that backend's memory. */
const char *vmc_model_ram_block_name(vmc_model *m, const vmc_qopts *backend);
uint64_t vmc_model_rom_file_size(vmc_model *m, const char *file, bool pow2, char **path_out);

/* The PC boards (board_pc.c). */
int vmc_board_pc_build(vmc_model *m);
/* -device devices (devmodels). */
int vmc_model_add_cli_device(vmc_model *m, const vmc_qopts *opts);

#endif
