/*
 * Per-device parts of virtio blobs (QEMU 7.2): the device's own vmsd
 * (vdc->vmsd) and what its save hook (vdc->save) writes.
 */
#include "devices/virtio_blob.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

const vmc_virtio_device_def vmc_virtio_devices[] = {
    /* virtio-rng: neither a device vmsd nor a save hook */
    { .vmsd_name = "virtio-rng" },
    { .vmsd_name = NULL },
};

const vmc_hook_def vmc_hooks_virtio[] = {
    { NULL, 0, NULL, NULL },
};

/* Top-level (outer) virtio vmsds: each holds the single `virtio` field. */
const vmc_vmsd *const vmc_vmsds_virtio[] = {
    NULL,
};
