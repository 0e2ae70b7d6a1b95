/*
 * Outer vmsds of the virtio devices whose blob has no device part (no
 * vdc->vmsd, no save hook), and of the vhost-user devices that block
 * migration (QEMU 7.2).
 */
#include "devices/virtio_models.h"

static const vmc_field virtio_only[] = { VMC_VIRTIO_FIELD, VMC_END };

#define OUTER(var, nm, ver) \
    const vmc_vmsd var = { .name = nm, .version_id = ver, .minimum_version_id = ver, \
                           .fields = virtio_only }
#define UNMIGRATABLE(var, nm) \
    const vmc_vmsd var = { .name = nm, .unmigratable = true }

OUTER(vmc_vmsd_virtio_rng, "virtio-rng", 1);            /* hw/virtio/virtio-rng.c */
/* virtio-scsi keeps its requests in the SCSI devices' "scsi-requests"
 * (scsi_disk.c); vhost-user-scsi uses the same vmsd name and layout. */
OUTER(vmc_vmsd_virtio_scsi, "virtio-scsi", 1);          /* hw/scsi/virtio-scsi.c */
/* keyboard, mouse, tablet and the generic input-hid devices */
OUTER(vmc_vmsd_virtio_input, "virtio-input", 1);        /* hw/input/virtio-input.c */
OUTER(vmc_vmsd_virtio_9p, "virtio-9p", 1);              /* hw/9pfs/virtio-9p-device.c */
OUTER(vmc_vmsd_virtio_vhost_scsi, "virtio-vhost_scsi", 1);   /* hw/scsi/vhost-scsi.c */
OUTER(vmc_vmsd_virtio_vhost_vsock, "virtio-vhost_vsock", 0); /* hw/virtio/vhost-vsock.c */
OUTER(vmc_vmsd_vhost_user_blk, "vhost-user-blk", 1);    /* hw/block/vhost-user-blk.c */

/* virtio-crypto has the blob field but refuses migration. */
const vmc_vmsd vmc_vmsd_virtio_crypto = {
    .name = "virtio-crypto", .version_id = 1, .minimum_version_id = 1,
    .fields = virtio_only, .unmigratable = true,
};

UNMIGRATABLE(vmc_vmsd_vhost_user_fs, "vhost-user-fs");
UNMIGRATABLE(vmc_vmsd_vhost_user_vsock, "vhost-user-vsock");
UNMIGRATABLE(vmc_vmsd_vhost_user_rng, "vhost-user-rng");
UNMIGRATABLE(vmc_vmsd_vhost_user_i2c, "vhost-user-i2c");
UNMIGRATABLE(vmc_vmsd_vhost_user_gpio, "vhost-user-gpio");
UNMIGRATABLE(vmc_vmsd_vhost_user_input, "vhost-user-input");
UNMIGRATABLE(vmc_vmsd_virtio_input_host, "virtio-input-host");
