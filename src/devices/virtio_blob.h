/*
 * The opaque `virtio` field of every virtio device section (virtio_save()
 * with the virtio-pci transport), decoded into its parts:
 *
 *   pci_dev        PCIDevice state: int32 version_id, config (256/4096), irq_state
 *   msix           MSI-X table + PBA            (only with an MSI-X capability)
 *   config_vector  be16                          (only with MSI-X)
 *   status, isr, queue_sel, guest_features (low 32 bits), config_len, config
 *   num_queues     queues with a ring, then per queue: num, desc, last_avail_idx,
 *                  vector (with MSI-X)
 *   device_save    what the device's save() hook writes (virtio-blk requests,
 *                  virtio-serial ports ...)
 *   <device vmsd>  e.g. virtio-net-device, at the local version
 *   subsections    of the `virtio` vmsd: virtio/64bit_features, virtio/virtqueues,
 *                  virtio/extra_state (virtio_pci/modern_state) ...
 */
#ifndef VMC_VIRTIO_BLOB_H
#define VMC_VIRTIO_BLOB_H

#include "vmstate/decode.h"

/* What differs per virtio device. */
typedef struct vmc_virtio_device_def {
    const char *vmsd_name;          /* outer vmsd: "virtio-net", "virtio-blk" ... */
    const vmc_vmsd *device_vmsd;    /* the device's own vmsd (vdc->vmsd), or NULL */
    /* Decode what vdc->save writes into `into`; NULL when the device has no save hook. */
    int (*decode_save)(vmc_decode_ctx *dc, vmc_value *into);
    /* Decode device_vmsd by hand (field types the engine lacks, e.g. gtree);
     * NULL = the engine decodes it. */
    int (*decode_vmsd)(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version, vmc_value **out);
} vmc_virtio_device_def;

/* Table of known devices, terminated by vmsd_name == NULL (virtio_devices.c). */
extern const vmc_virtio_device_def vmc_virtio_devices[];

/* The core descriptors of hw/virtio (virtio_vmsd.c). */
extern const vmc_vmsd vmc_vmsd_virtio;
extern const vmc_vmsd vmc_vmsd_virtio_pci;

/*
 * Decode a virtio blob at the cursor.  size is the blob's byte count from
 * the vmdesc, or UINT64_MAX when unknown (built-in models).  Returns
 * VMC_EUNSUPPORTED when the device is not known well enough to decode.
 */
int vmc_virtio_blob_decode(vmc_decode_ctx *dc, const char *name, const char *outer_vmsd,
                           uint64_t size, vmc_value **out);

/*
 * Decode a VirtQueueElement as qemu_put_virtqueue_element() writes it:
 * [be32 ndescs when the ring is packed] + the 49168-byte host-layout struct.
 */
int vmc_virtio_decode_element(vmc_decode_ctx *dc, const char *name, bool packed,
                              vmc_value **out);

/*
 * Does the element at the cursor start with the be32 `ndescs` of a packed
 * ring (host feature VIRTIO_F_RING_PACKED, property "packed")?  Not on the
 * wire before the element: a model says it through dc->device (TODO: no
 * model context yet); otherwise the element's header tells, since a split
 * element starts with small little-endian counts and a packed one with a
 * big-endian count.
 */
bool vmc_virtio_element_is_packed(const vmc_decode_ctx *dc);

/*
 * Run a custom-info decoder fn.  With a known size (vmdesc) a failure is
 * reported as a warning and the bytes are kept as one leaf, as for the
 * virtio blob; without one (built-in model) the error is returned.
 */
int vmc_virtio_custom_guarded(vmc_decode_ctx *dc, const char *name, const char *type,
                              uint64_t size,
                              int (*fn)(vmc_decode_ctx *, const char *, uint64_t, vmc_value **),
                              vmc_value **out);

/* ---- helpers for the per-device decoders --------------------------------- */

/* A leaf of `size` bytes of VMStateInfo `type`, appended to into. */
int vmc_virtio_add_leaf(vmc_decode_ctx *dc, vmc_value *into, const char *name, const char *type,
                        uint64_t size, vmc_value **out);
/* A STRUCT or ARRAY node starting at the cursor (not yet attached). */
vmc_value *vmc_virtio_node(vmc_decode_ctx *dc, vmc_value_kind kind, const char *name,
                           const char *type);
/* Set node's size from the cursor and append it to parent. */
int vmc_virtio_attach(vmc_decode_ctx *dc, vmc_value *parent, vmc_value *node);
/* Append child to parent (an error when out of memory). */
int vmc_virtio_add(vmc_decode_ctx *dc, vmc_value *parent, vmc_value *child);
/* The integer value of a field already decoded in this blob (the blob's
 * "num_queues", "guest_features" ...); dflt when absent. */
int64_t vmc_virtio_blob_int(const vmc_decode_ctx *dc, const char *name, int64_t dflt);

#endif
