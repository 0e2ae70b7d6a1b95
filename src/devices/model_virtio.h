/*
 * Device models of the virtio-pci devices (QEMU 7.2, x86): what the
 * destination's virtio devices expect when a stream is loaded, for
 * preflight.
 *
 * The machine model builds every virtio-pci proxy (virtio-net-pci,
 * virtio-blk-pci, ... and their -transitional / -non-transitional types,
 * virtio-gpu-pci, virtio-vga, virtio-keyboard/mouse/tablet-pci,
 * virtio-iommu-pci) with model_virtio.c.  This header gives what a virtio
 * device holds besides its PCI config: the host features, queues, MSI-X
 * vectors and, for virtio-serial, the ports, all computed from the device's
 * effective properties (-device options, -global, machine-type compat
 * properties, QEMU 7.2 defaults) and the command line's back ends.
 *
 * What QEMU 7.2's virtio_load() (hw/virtio/virtio.c) checks against these,
 * in stream order, for the section "<pci path>/<vmsd name>":
 *
 *  1. PCIDevice config (the usual cmask rule; config_size bytes: 4096 when
 *     the proxy is a PCIe endpoint behind a port, else 256).
 *  2. MSI-X: present in the blob only when the destination has MSI-X
 *     (nvectors > 0): the table and PBA (not checked), then the be16
 *     config_vector.  A vector other than 0xffff must be < nvectors, else
 *     -EINVAL without a line of its own: QEMU prints only
 *     "Failed to load <vmsd>:virtio".  Same for every queue's be16 vector.
 *  3. queue_sel >= 1024: refused (no message).
 *  4. num (queues in the stream) > 1024: "Invalid number of virtqueues: 0x%x".
 *     Fewer or more queues than the destination has are NOT refused by the
 *     core (virtio-net's pre_load_queues re-sizes its queue list).
 *  5. device part: virtio-serial compares its ports map word by word (the
 *     destination reads DIV_ROUND_UP(max_nr_ports, 32) words) and refuses
 *     when a word differs; then every active port id in the stream must be
 *     a port of the destination (vmc_virtio_model_check_serial()).
 *     virtio-net's vmsd compares max_queue_pairs ("uint16 equal") when the
 *     destination's max_queue_pairs > 1.
 *  6. guest features: the low 32 bits in the blob, or the 64-bit value of
 *     the virtio/64bit_features subsection when the destination's
 *     host_features >> 32 != 0 and the subsection is in the stream, must be
 *     a subset of host_features: "Features 0x%x unsupported. Allowed
 *     features: 0x%lx" (vmc_virtio_model_check_features()).
 *  Between 4 and 5, virtio_load() notifies "no vector": without MSI-X
 *  enabled in the loaded config that sets the INTx level through the
 *  loaded interrupt pin, and a pin outside 1..4 makes QEMU 7.2 abort
 *  (assertion in pci_irq_handler; measured) although the config check
 *  ignores the byte (vmc_virtio_model_check_intx()).
 *
 * Which of the blob's optional parts exist follows the destination too:
 * virtio/64bit_features (host_features >> 32), virtio/virtqueues
 * (VIRTIO_F_VERSION_1 in host_features), virtio/packed_virtqueues
 * (VIRTIO_F_RING_PACKED, property "packed"), virtio/extra_state
 * (migrate_extra: the proxy's "migrate-extra", off on <= 2.4 machines) with
 * virtio_pci/modern_state when modern.
 */
#ifndef VMC_MODEL_VIRTIO_H
#define VMC_MODEL_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine-types/model_internal.h"

#define VMC_VIRTIO_QUEUE_MAX 1024
/* virtio-serial: max_ports is at most VIRTIO_QUEUE_MAX / 2 - 1 = 511 */
#define VMC_VIRTIO_SERIAL_MAP_WORDS 16

/* Feature bits (virtio spec) used by callers. */
enum {
    VMC_VIRTIO_F_NOTIFY_ON_EMPTY = 24,
    VMC_VIRTIO_F_ANY_LAYOUT = 27,
    VMC_VIRTIO_RING_F_INDIRECT_DESC = 28,
    VMC_VIRTIO_RING_F_EVENT_IDX = 29,
    VMC_VIRTIO_F_BAD_FEATURE = 30,
    VMC_VIRTIO_F_VERSION_1 = 32,
    VMC_VIRTIO_F_IOMMU_PLATFORM = 33,
    VMC_VIRTIO_F_RING_PACKED = 34,
    VMC_VIRTIO_F_RING_RESET = 40,
};

typedef struct vmc_virtio_model_info {
    const char *proxy_type;      /* QOM type of the proxy, "virtio-net-pci-transitional" */
    const char *vdev_type;       /* QOM type of the virtio device, "virtio-net-device" */
    const char *vmsd_name;       /* the section's vmsd, "virtio-net" */
    uint16_t virtio_id;          /* VIRTIO_ID_*: 1 net, 2 blk, 3 console ... */

    /* transport (virtio-pci) */
    bool legacy;                 /* legacy I/O BAR0, legacy ids (transitional) */
    bool modern;                 /* virtio 1.0 capabilities, VERSION_1 */
    unsigned config_size;        /* PCI config bytes migrated: 256 or 4096 */
    unsigned nvectors;           /* MSI-X table size; 0 = no MSI-X (no vector fields) */
    uint8_t msix_cap;            /* MSI-X capability offset, 0 = none */
    bool migrate_extra;          /* virtio/extra_state subsection exists */

    /* device */
    uint64_t host_features;      /* what virtio_load() accepts guest features against */
    uint32_t config_len;         /* vdev->config_len; 0 when not modelled (virtio-input) */
    unsigned num_queues;         /* queues with a ring after realize (a fresh stream's num) */
    /*
     * Queues the device can have: num_queues, except virtio-net with
     * max_queue_pairs > 1, which the guest grows to 2 * max_queue_pairs + 1
     * (rx/tx pairs of queue_size[0] / [1], the control queue of 64 last).
     */
    unsigned max_queues;
    uint16_t queue_size[VMC_VIRTIO_QUEUE_MAX];   /* num_default of queue i < num_queues,
                                                  * in the realized order */

    unsigned max_queue_pairs;    /* virtio-net: datapath queue pairs (1 unless mq back end) */
    uint8_t mac[6];              /* virtio-net: "mac", else QEMU's default 52:54:00:12:34:NN */

    /* virtio-serial (virtio_id 3) */
    uint32_t max_nr_ports;       /* "max_ports" */
    uint32_t ports_map[VMC_VIRTIO_SERIAL_MAP_WORDS];   /* QEMU's ports_map: port ids in use,
                                                        * bit 0 always (reserved) */
    uint32_t ports[VMC_VIRTIO_SERIAL_MAP_WORDS];       /* ids of the ports that exist */
    unsigned nr_ports;           /* virtconsole / virtserialport devices on its bus */

    /*
     * NULL when everything above follows from the command line; otherwise
     * what had to be assumed (host features that depend on the network
     * back end's capabilities: tap vnet_hdr/UFO, vhost).
     */
    const char *assumption;
} vmc_virtio_model_info;

/*
 * The virtio facts of a modelled device.  d is the proxy (the PCI function;
 * its section idstr is "<d->path>/<vmsd_name>").  Returns 0, or
 * VMC_ENOTFOUND when d is not a virtio-pci proxy of this model.
 */
int vmc_virtio_model_get(vmc_mdev *d, vmc_virtio_model_info *out);

/* Host features of a virtio-pci proxy's device, 0 when d is none. */
uint64_t vmc_virtio_model_host_features(vmc_mdev *d);

/*
 * Effective value of a property of a virtio-pci proxy or of its virtio
 * device (the proxy aliases the device's properties): -device option, then
 * -global / compat / default of the proxy type, the device type and their
 * QOM parents (virtio-device, virtio-pci, pci-device), which also covers
 * proxy types the machine-type tables do not list (virtio-keyboard-pci,
 * virtio-iommu-pci ...).  NULL when nothing sets it (the QEMU default then
 * applies: see the families in model_virtio.c).  For d not a virtio proxy,
 * vmc_mdev_prop().  Suitable as the decoder's device_prop callback.
 */
const char *vmc_virtio_model_prop(vmc_mdev *d, const char *prop);

/* The virtio-pci proxy whose virtio section is idstr, or NULL. */
vmc_mdev *vmc_virtio_model_find(vmc_model *m, const char *idstr);

/*
 * The guest-feature check of virtio_load(): low32 = the blob's
 * guest_features, has64/guest64 = the virtio/64bit_features subsection when
 * the stream has it.  Returns true when QEMU accepts; otherwise false and,
 * when msg is not NULL, QEMU's error line (without the program prefix).
 */
bool vmc_virtio_model_check_features(const vmc_virtio_model_info *info, uint32_t low32,
                                     bool has64, uint64_t guest64, char *msg, size_t len);

/*
 * The INTx notification of virtio_load() survives the stream's PCI config
 * (len bytes, already accepted by the config check): true when MSI-X is
 * enabled in it or its interrupt pin (byte 0x3d) is 1..4; false when QEMU
 * aborts.
 */
bool vmc_virtio_model_check_intx(const vmc_virtio_model_info *info, const uint8_t *config,
                                 size_t len);

/* A config or queue vector from the stream is accepted (0xffff = none). */
bool vmc_virtio_model_check_vector(const vmc_virtio_model_info *info, uint16_t vector);

/*
 * virtio-serial's load check: map = the stream's ports map words (as many
 * as the destination reads: (max_nr_ports + 31) / 32), ids = the active
 * port ids the stream lists.  Returns -1 when accepted, else the index of
 * the first differing map word (0..) or, for an unknown port id,
 * VMC_VIRTIO_SERIAL_MAP_WORDS + the index in ids.
 */
int vmc_virtio_model_check_serial(const vmc_virtio_model_info *info, const uint32_t *map,
                                  size_t nmap, const uint32_t *ids, size_t nids);

#endif
