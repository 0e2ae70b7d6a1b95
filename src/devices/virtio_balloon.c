/*
 * virtio-balloon (hw/virtio/virtio-balloon.c, QEMU 7.2): outer vmsd
 * "virtio-balloon" and device vmsd "virtio-balloon-device" with two
 * subsections that follow the negotiated features.
 */
#include "devices/virtio_models.h"

#define VIRTIO_BALLOON_F_FREE_PAGE_HINT 3
#define VIRTIO_BALLOON_F_PAGE_POISON 4

/* Both tests are on the guest features; the blob carries their low 32 bits. */
bool vmc_virtio_balloon_free_page_support(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_virtio_guest_feature(ctx, VIRTIO_BALLOON_F_FREE_PAGE_HINT);
}

bool vmc_virtio_balloon_page_poison_support(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_virtio_guest_feature(ctx, VIRTIO_BALLOON_F_PAGE_POISON);
}

static const vmc_field free_page_hint_fields[] = {
    VMC_UINT32("free_page_hint_cmd_id"),
    VMC_UINT32("free_page_hint_status"),
    VMC_END,
};
static const vmc_vmsd vmsd_free_page_hint = {
    .name = "virtio-balloon-device/free-page-report", .version_id = 1,
    .minimum_version_id = 1, .fields = free_page_hint_fields,
    .needed = "virtio_balloon_free_page_support",
};

static const vmc_field page_poison_fields[] = { VMC_UINT32("poison_val"), VMC_END };
static const vmc_vmsd vmsd_page_poison = {
    .name = "virtio-balloon-device/page-poison", .version_id = 1, .minimum_version_id = 1,
    .fields = page_poison_fields, .needed = "virtio_balloon_page_poison_support",
};

static const vmc_vmsd *const device_subsections[] = {
    &vmsd_free_page_hint,
    &vmsd_page_poison,
    NULL,
};

static const vmc_field device_fields[] = {
    VMC_UINT32("num_pages"),
    VMC_UINT32("actual"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_virtio_balloon_device = {
    .name = "virtio-balloon-device", .version_id = 1, .minimum_version_id = 1,
    .fields = device_fields, .subsections = device_subsections,
};

static const vmc_field outer_fields[] = { VMC_VIRTIO_FIELD, VMC_END };

const vmc_vmsd vmc_vmsd_virtio_balloon = {
    .name = "virtio-balloon", .version_id = 1, .minimum_version_id = 1,
    .fields = outer_fields,
};
