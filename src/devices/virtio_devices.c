/*
 * Per-device parts of virtio blobs (QEMU 7.2): for each outer virtio vmsd,
 * the device's own vmsd (vdc->vmsd) and the decoder of what its save hook
 * (vdc->save) writes; the top-level vmsds of the virtio devices and of the
 * SCSI devices on a virtio-scsi bus; and the hooks their tables name.
 * The descriptors live in virtio_<device>.c and scsi_disk.c.
 */
#include "devices/virtio_models.h"
#include "devices/registry.h"

const vmc_virtio_device_def vmc_virtio_devices[] = {
    { .vmsd_name = "virtio-net", .device_vmsd = &vmc_vmsd_virtio_net_device },
    { .vmsd_name = "virtio-blk", .decode_save = vmc_virtio_blk_decode_save },
    { .vmsd_name = "virtio-console", .decode_save = vmc_virtio_serial_decode_save },
    { .vmsd_name = "virtio-balloon", .device_vmsd = &vmc_vmsd_virtio_balloon_device },
    { .vmsd_name = "virtio-iommu", .device_vmsd = &vmc_vmsd_virtio_iommu_device,
      .decode_vmsd = vmc_virtio_iommu_decode_vmsd },
    { .vmsd_name = "virtio-mem", .device_vmsd = &vmc_vmsd_virtio_mem_device,
      .decode_vmsd = vmc_virtio_mem_decode_vmsd },
    /* no device vmsd and no save hook: the blob has only the common parts */
    { .vmsd_name = "virtio-rng" },
    { .vmsd_name = "virtio-scsi" },
    { .vmsd_name = "virtio-input" },
    { .vmsd_name = "virtio-gpu" },        /* its own state is the next field */
    { .vmsd_name = "virtio-9p" },
    { .vmsd_name = "virtio-crypto" },
    { .vmsd_name = "virtio-vhost_scsi" },
    { .vmsd_name = "virtio-vhost_vsock" },
    { .vmsd_name = "vhost-user-blk" },
    { .vmsd_name = NULL },
};

const vmc_hook_def vmc_hooks_virtio[] = {
    VMC_VIRTIO_CORE_HOOKS
    VMC_VIRTIO_NET_HOOKS
    VMC_VIRTIO_BALLOON_HOOKS
    VMC_VIRTIO_MEM_HOOKS
    VMC_SCSI_HOOKS
    { NULL, 0, NULL, NULL },
};

/* Top-level vmsds: the outer virtio vmsds (each holds the `virtio` field)
 * and the SCSI devices' vmsds. */
const vmc_vmsd *const vmc_vmsds_virtio[] = {
    &vmc_vmsd_virtio_net,
    &vmc_vmsd_virtio_blk,
    &vmc_vmsd_virtio_console,
    &vmc_vmsd_virtio_balloon,
    &vmc_vmsd_virtio_rng,
    &vmc_vmsd_virtio_scsi,
    &vmc_vmsd_virtio_iommu,
    &vmc_vmsd_virtio_input,
    &vmc_vmsd_virtio_gpu,
    &vmc_vmsd_virtio_vga,
    &vmc_vmsd_virtio_mem,
    &vmc_vmsd_virtio_9p,
    &vmc_vmsd_virtio_crypto,
    &vmc_vmsd_virtio_vhost_scsi,
    &vmc_vmsd_virtio_vhost_vsock,
    &vmc_vmsd_vhost_user_blk,
    &vmc_vmsd_vhost_user_fs,
    &vmc_vmsd_vhost_user_vsock,
    &vmc_vmsd_vhost_user_rng,
    &vmc_vmsd_vhost_user_i2c,
    &vmc_vmsd_vhost_user_gpio,
    &vmc_vmsd_vhost_user_input,
    &vmc_vmsd_virtio_input_host,
    &vmc_vmsd_scsi_disk,
    &vmc_vmsd_scsi_device,
    NULL,
};
