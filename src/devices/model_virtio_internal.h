/*
 * Shared internals of the virtio device models (model_virtio*.c).
 */
#ifndef VMC_MODEL_VIRTIO_INTERNAL_H
#define VMC_MODEL_VIRTIO_INTERNAL_H

#include "devices/model_virtio.h"

/* Device families: one VirtIODevice type each. */
typedef enum vmc_vfam_id {
    VMC_VF_NET,
    VMC_VF_BLK,
    VMC_VF_BALLOON,
    VMC_VF_SERIAL,
    VMC_VF_SCSI,
    VMC_VF_RNG,
    VMC_VF_GPU,
    VMC_VF_VGA,
    VMC_VF_KEYBOARD,
    VMC_VF_MOUSE,
    VMC_VF_TABLET,
    VMC_VF_IOMMU,
} vmc_vfam_id;

typedef struct vmc_vfamily {
    vmc_vfam_id id;
    const char *vdev_type;       /* VirtIODevice QOM type */
    const char *vdev_parent;     /* its QOM parent below virtio-device, or NULL */
    const char *vmsd;            /* the VirtIODevice's vmsd (section name) */
    uint16_t virtio_id;
    uint16_t legacy_device_id;   /* PCI device id of legacy/transitional; 0: modern only */
    uint16_t class_id;           /* PCIDeviceClass class_id */
    /* "vectors" property: VMC_VEC_* or a fixed default */
    int64_t vectors_default;
    const char *romfile;         /* class ROM file */
    bool force_virtio_1;         /* k->realize forces disable-legacy=on, disable-modern=off */
    vmc_bus_kind child_bus;      /* bus the device provides, VMC_BUS_SYSTEM: none */
} vmc_vfamily;

#define VMC_VEC_NONE (-1)               /* no "vectors" property: no MSI-X */
#define VMC_VEC_UNSPECIFIED 0xffffffffll /* DEV_NVECTORS_UNSPECIFIED */

typedef enum vmc_vvariant {
    VMC_VV_GENERIC,              /* "virtio-net-pci": disable-legacy / disable-modern props */
    VMC_VV_TRANSITIONAL,         /* legacy + modern, fixed */
    VMC_VV_NON_TRANSITIONAL,     /* modern only, fixed */
} vmc_vvariant;

typedef struct vmc_vtype {
    const char *type;
    const vmc_vfamily *fam;
    vmc_vvariant variant;
} vmc_vtype;

const vmc_vtype *vmc_vtype_find(const char *type);

/* Effective property of the proxy (virtio-pci / pci-device properties). */
const char *vmc_vproxy_prop(vmc_mdev *d, const char *prop);
bool vmc_vproxy_bool(vmc_mdev *d, const char *prop, bool dflt);
int64_t vmc_vproxy_int(vmc_mdev *d, const char *prop, int64_t dflt);
/* Effective property of the proxy's VirtIODevice (aliased on the proxy). */
const char *vmc_vdev_prop(vmc_mdev *d, const vmc_vfamily *f, const char *prop);
bool vmc_vdev_bool(vmc_mdev *d, const vmc_vfamily *f, const char *prop, bool dflt);
int64_t vmc_vdev_int(vmc_mdev *d, const vmc_vfamily *f, const char *prop, int64_t dflt);

/* The transport as virtio_pci_realize() + virtio_pci_device_plugged() settle it. */
typedef struct vmc_vtransport {
    bool pcie_port;              /* on a PCIe bus that is not a root bus */
    bool express;                /* PCIe endpoint (4096-byte config, EXP cap) */
    bool legacy, modern;
    bool page_per_vq, modern_pio, migrate_extra;
    bool ats, ats_page_aligned, aer, deverr, lnkctl, pm, flr;
    bool extcap_init, multifunction;
    unsigned nvectors;
    uint16_t class_code;         /* proxy "class" override, 0: none */
} vmc_vtransport;

/* Settle the transport; an error (QEMU's message) when QEMU refuses. */
int vmc_vtransport_resolve(vmc_mdev *d, const vmc_vtype *t, vmc_vtransport *out);

/* The device facts behind vmc_virtio_model_get() (model_virtio_features.c). */
int vmc_vdev_facts(vmc_mdev *d, const vmc_vtype *t, const vmc_vtransport *tr,
                   vmc_virtio_model_info *out);

/* Queue count behind the defaults (blk/scsi num-queues auto, net peer queues). */
unsigned vmc_vdev_num_queues(vmc_mdev *d, const vmc_vfamily *f);
/* "vectors" when unspecified (DEV_NVECTORS_UNSPECIFIED), per family. */
unsigned vmc_vdev_default_vectors(vmc_mdev *d, const vmc_vfamily *f);
/* virtio-serial port ids up to `stop` (NULL: all); fills max_nr_ports,
 * ports_map, ports, nr_ports of o; *stop_id gets stop's id. */
int vmc_vserial_ports(vmc_mdev *proxy, vmc_mdev *stop, vmc_virtio_model_info *o,
                      uint32_t *stop_id);

/* virtio-pci config space + masks (model_virtio_pci.c). */
typedef struct vmc_vpci_params {
    const vmc_vfamily *fam;
    const vmc_vtransport *tr;
    uint8_t devfn;
    uint32_t config_len;         /* device config bytes (legacy BAR size) */
    uint64_t rom_size;           /* ROM BAR, 0: none */
    uint64_t vga_vram;           /* virtio-vga BAR0, 0: not virtio-vga */
} vmc_vpci_params;
int vmc_vpci_build(vmc_pci_config *p, const vmc_vpci_params *pp);

#endif
