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

/* Decode a VirtQueueElement as qemu_put_virtqueue_element() writes it. */
int vmc_virtio_decode_element(vmc_decode_ctx *dc, const char *name, bool packed,
                              vmc_value **out);

#endif
