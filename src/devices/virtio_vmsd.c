/*
 * Descriptors of the virtio core (hw/virtio/virtio.c, virtio-pci.c), QEMU 7.2.
 *
 * needed() hooks of the `virtio` subsections: those that only test the
 * value the subsection carries (started, broken, disabled, device_endian,
 * ringsize) are implemented on a state tree (the subsection value under
 * the blob); the others depend on the device's host features or on the
 * transport (virtio_64bit_features_needed, virtio_virtqueue_needed,
 * virtio_packed_virtqueue_needed, virtio_extra_state_needed,
 * virtio_pci_modern_state_needed) and are only named.
 */
#include "devices/virtio_models.h"
#include "vmstate/vmsd_macros.h"

#include <stdio.h>

#define VIRTIO_DEVICE_ENDIAN_LITTLE 1

/* The value `field` of subsection `sub`, searched from the hook's scope. */
static const vmc_value *sub_field(const vmc_hook_ctx *ctx, const char *sub, const char *field)
{
    char path[128];
    snprintf(path, sizeof(path), "%s.%s", sub, field);
    const vmc_value *v = vmc_hook_lookup(ctx, path);
    return v ? v : vmc_hook_lookup(ctx, field);
}

static bool flag_needed(const vmc_hook_ctx *ctx, const char *sub, const char *field)
{
    const vmc_value *v = sub_field(ctx, sub, field);
    return v && vmc_value_int(v) != 0;
}

bool vmc_virtio_started_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return flag_needed(ctx, "virtio/started", "started");
}

bool vmc_virtio_broken_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return flag_needed(ctx, "virtio/broken", "broken");
}

bool vmc_virtio_disabled_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return flag_needed(ctx, "virtio/disabled", "disabled");
}

/* On x86 the default endianness is little, and VERSION_1 devices are always
 * little-endian: the subsection is needed only for another value. */
bool vmc_virtio_device_endian_needed(const vmc_hook_ctx *ctx, int version_id)
{
    const vmc_value *v = sub_field(ctx, "virtio/device_endian", "device_endian");
    return v && vmc_value_int(v) != VIRTIO_DEVICE_ENDIAN_LITTLE;
}

/* Some queue's ring size differs from its default (num_default is only in
 * this subsection; the sizes of the queues in use are in the blob). */
bool vmc_virtio_ringsize_needed(const vmc_hook_ctx *ctx, int version_id)
{
    const vmc_value *defaults = vmc_hook_lookup(ctx, "virtio/ringsize.vq");
    const vmc_value *queues = vmc_hook_lookup(ctx, "vq");
    if (!defaults) {
        return false;
    }
    size_t nq = queues ? vmc_value_count(queues) : 0;
    for (size_t i = 0; i < vmc_value_count(defaults); i++) {
        const vmc_value *d = vmc_value_get(vmc_value_at(defaults, i), "vring.num_default");
        const vmc_value *n = i < nq ? vmc_value_get(vmc_value_at(queues, i), "vring.num") : NULL;
        uint64_t num = n ? vmc_value_uint(n) : 0;
        if (d && vmc_value_uint(d) != num) {
            return true;
        }
    }
    return false;
}

#define VIRTIO_QUEUE_MAX 1024

static const vmc_field virtqueue_fields[] = {
    VMC_UINT64("vring.avail"),
    VMC_UINT64("vring.used"),
    VMC_END,
};
static const vmc_vmsd vmsd_virtqueue = {
    .name = "virtqueue_state", .version_id = 1, .minimum_version_id = 1,
    .fields = virtqueue_fields,
};

static const vmc_field packed_virtqueue_fields[] = {
    VMC_UINT16("last_avail_idx"),
    VMC_BOOL("last_avail_wrap_counter"),
    VMC_UINT16("used_idx"),
    VMC_BOOL("used_wrap_counter"),
    VMC_UINT32("inuse"),
    VMC_END,
};
static const vmc_vmsd vmsd_packed_virtqueue = {
    .name = "packed_virtqueue_state", .version_id = 1, .minimum_version_id = 1,
    .fields = packed_virtqueue_fields,
};

static const vmc_field ringsize_fields[] = {
    VMC_UINT32("vring.num_default"),
    VMC_END,
};
static const vmc_vmsd vmsd_ringsize = {
    .name = "ringsize_state", .version_id = 1, .minimum_version_id = 1,
    .fields = ringsize_fields,
};

static const vmc_field virtqueues_fields[] = {
    { .name = "vq", .flags = VMC_F_STRUCT | VMC_F_ARRAY | VMC_F_POINTER,
      .num = VIRTIO_QUEUE_MAX, .vmsd = &vmsd_virtqueue },
    VMC_END,
};
static const vmc_vmsd vmsd_virtio_virtqueues = {
    .name = "virtio/virtqueues", .version_id = 1, .minimum_version_id = 1,
    .fields = virtqueues_fields, .needed = "virtio_virtqueue_needed",
};

static const vmc_field packed_virtqueues_fields[] = {
    { .name = "vq", .flags = VMC_F_STRUCT | VMC_F_ARRAY | VMC_F_POINTER,
      .num = VIRTIO_QUEUE_MAX, .vmsd = &vmsd_packed_virtqueue },
    VMC_END,
};
static const vmc_vmsd vmsd_virtio_packed_virtqueues = {
    .name = "virtio/packed_virtqueues", .version_id = 1, .minimum_version_id = 1,
    .fields = packed_virtqueues_fields, .needed = "virtio_packed_virtqueue_needed",
};

static const vmc_field virtio_ringsize_fields[] = {
    { .name = "vq", .flags = VMC_F_STRUCT | VMC_F_ARRAY | VMC_F_POINTER,
      .num = VIRTIO_QUEUE_MAX, .vmsd = &vmsd_ringsize },
    VMC_END,
};
static const vmc_vmsd vmsd_virtio_ringsize = {
    .name = "virtio/ringsize", .version_id = 1, .minimum_version_id = 1,
    .fields = virtio_ringsize_fields, .needed = "virtio_ringsize_needed",
};

static const vmc_field extra_state_fields[] = {
    { .name = "extra_state", .info = "virtqueue_extra_state", .flags = VMC_F_SINGLE },
    VMC_END,
};
static const vmc_vmsd vmsd_virtio_extra_state = {
    .name = "virtio/extra_state", .version_id = 1, .minimum_version_id = 1,
    .fields = extra_state_fields, .needed = "virtio_extra_state_needed",
};

static const vmc_field device_endian_fields[] = { VMC_UINT8("device_endian"), VMC_END };
static const vmc_vmsd vmsd_virtio_device_endian = {
    .name = "virtio/device_endian", .version_id = 1, .minimum_version_id = 1,
    .fields = device_endian_fields, .needed = "virtio_device_endian_needed",
};

static const vmc_field features64_fields[] = { VMC_UINT64("guest_features"), VMC_END };
static const vmc_vmsd vmsd_virtio_64bit_features = {
    .name = "virtio/64bit_features", .version_id = 1, .minimum_version_id = 1,
    .fields = features64_fields, .needed = "virtio_64bit_features_needed",
};

static const vmc_field broken_fields[] = { VMC_BOOL("broken"), VMC_END };
static const vmc_vmsd vmsd_virtio_broken = {
    .name = "virtio/broken", .version_id = 1, .minimum_version_id = 1,
    .fields = broken_fields, .needed = "virtio_broken_needed",
};

static const vmc_field started_fields[] = { VMC_BOOL("started"), VMC_END };
static const vmc_vmsd vmsd_virtio_started = {
    .name = "virtio/started", .version_id = 1, .minimum_version_id = 1,
    .fields = started_fields, .needed = "virtio_started_needed",
};

static const vmc_field disabled_fields[] = { VMC_BOOL("disabled"), VMC_END };
static const vmc_vmsd vmsd_virtio_disabled = {
    .name = "virtio/disabled", .version_id = 1, .minimum_version_id = 1,
    .fields = disabled_fields, .needed = "virtio_disabled_needed",
};

static const vmc_field no_fields[] = { VMC_END };

static const vmc_vmsd *const virtio_subsections[] = {
    &vmsd_virtio_device_endian,
    &vmsd_virtio_64bit_features,
    &vmsd_virtio_virtqueues,
    &vmsd_virtio_ringsize,
    &vmsd_virtio_broken,
    &vmsd_virtio_extra_state,
    &vmsd_virtio_started,
    &vmsd_virtio_packed_virtqueues,
    &vmsd_virtio_disabled,
    NULL,
};

const vmc_vmsd vmc_vmsd_virtio = {
    .name = "virtio", .version_id = 1, .minimum_version_id = 1,
    .fields = no_fields, .subsections = virtio_subsections,
};

/* virtio-pci transport extra state */

static const vmc_field modern_queue_fields[] = {
    VMC_UINT16("num"),
    VMC_UNUSED(1),
    VMC_BOOL("enabled"),
    VMC_UINT32_ARRAY("desc", 2),
    VMC_UINT32_ARRAY("avail", 2),
    VMC_UINT32_ARRAY("used", 2),
    VMC_END,
};
static const vmc_vmsd vmsd_modern_queue_state = {
    .name = "virtio_pci/modern_queue_state", .version_id = 1, .minimum_version_id = 1,
    .fields = modern_queue_fields,
};

static const vmc_field modern_state_fields[] = {
    VMC_UINT32("dfselect"),
    VMC_UINT32("gfselect"),
    VMC_UINT32_ARRAY("guest_features", 2),
    VMC_STRUCT_ARRAY("vqs", VIRTIO_QUEUE_MAX, vmsd_modern_queue_state),
    VMC_END,
};
static const vmc_vmsd vmsd_modern_state = {
    .name = "virtio_pci/modern_state", .version_id = 1, .minimum_version_id = 1,
    .fields = modern_state_fields, .needed = "virtio_pci_modern_state_needed",
};

static const vmc_vmsd *const virtio_pci_subsections[] = { &vmsd_modern_state, NULL };

const vmc_vmsd vmc_vmsd_virtio_pci = {
    .name = "virtio_pci", .version_id = 1, .minimum_version_id = 1,
    .fields = no_fields, .subsections = virtio_pci_subsections,
};
