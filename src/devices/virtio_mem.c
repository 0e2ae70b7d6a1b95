/*
 * virtio-mem (hw/virtio/virtio-mem.c, QEMU 7.2): outer vmsd "virtio-mem"
 * and device vmsd "virtio-mem-device": a tmp with the properties the
 * destination must match, the sizes, and the plugged-block bitmap.
 */
#include "devices/virtio_models.h"
#include "common/error_internal.h"

#define MAX_BITMAP_BITS (1ull << 32)

static const vmc_field sanity_fields[] = {
    VMC_UINT64("addr"),
    VMC_UINT64("region_size"),
    VMC_UINT64("block_size"),
    VMC_UINT32("node"),
    VMC_END,
};
static const vmc_vmsd vmsd_sanity_checks = {
    .name = "virtio-mem-device/sanity-checks", .version_id = 0, .minimum_version_id = 0,
    .fields = sanity_fields,
};

/*
 * bitmap_size: number of blocks = memdev size / block-size.  Both are
 * properties, and the saver puts both into the sanity-check tmp just
 * before (tmp.region_size, tmp.block_size).  TODO: dc->device.
 */
int64_t vmc_virtio_mem_bitmap_size(const vmc_hook_ctx *ctx)
{
    int64_t region = vmc_hook_int(ctx, "tmp.region_size", -1);
    int64_t block = vmc_hook_int(ctx, "tmp.block_size", -1);
    if (region < 0 || block <= 0 || (uint64_t)(region / block) > MAX_BITMAP_BITS) {
        return -1;
    }
    return region / block;
}

static const vmc_field device_fields[] = {
    VMC_TMP("tmp", vmsd_sanity_checks),
    VMC_UINT64("usable_region_size"),
    VMC_UINT64("size"),
    VMC_UINT64("requested_size"),
    /* VMSTATE_BITMAP: bitmap_size bits as be64 words */
    { .name = "bitmap", .info = "bitmap", .flags = VMC_F_VBUFFER | VMC_F_POINTER,
      .size_field = "@virtio_mem_bitmap_size" },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_virtio_mem_device = {
    .name = "virtio-mem-device", .version_id = 1, .minimum_version_id = 1,
    .priority = VMC_PRI_VIRTIO_MEM, .fields = device_fields,
};

static const vmc_field outer_fields[] = { VMC_VIRTIO_FIELD, VMC_END };

const vmc_vmsd vmc_vmsd_virtio_mem = {
    .name = "virtio-mem", .version_id = 1, .minimum_version_id = 1,
    .fields = outer_fields,
};

/*
 * The engine reads a VBUFFER of `size` bytes, but the "bitmap" info takes
 * `size` as a number of bits and writes ceil(size / 64) be64 words; so this
 * vmsd is walked here: the tmp and the sizes with the engine's leaf and
 * struct decoders, the bitmap by its real length.
 */
int vmc_virtio_mem_decode_vmsd(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version,
                               vmc_value **out)
{
    int rc;
    if (version > vmsd->version_id || version < vmsd->minimum_version_id) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "%s: incoming version_id %d is outside %d..%d",
                               vmsd->name, version, vmsd->minimum_version_id,
                               vmsd->version_id);
    }
    vmc_value *self = vmc_virtio_node(dc, VMC_VALUE_STRUCT, vmsd->name, "struct");
    if (!self) {
        return VMC_ENOMEM;
    }
    self->vmsd_name = vmsd->name;
    self->version = version;
    vmc_value *tmp;
    size_t old = vmc_decode_path_push(dc, "tmp", false);
    rc = vmc_engine_decode(dc, &vmsd_sanity_checks, 0, "tmp", &tmp);
    vmc_decode_path_pop(dc, old);
    if (rc) {
        return rc;
    }
    tmp->type = "tmp";
    if ((rc = vmc_virtio_add(dc, self, tmp)) ||
        (rc = vmc_virtio_add_leaf(dc, self, "usable_region_size", "uint64", 8, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, self, "size", "uint64", 8, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, self, "requested_size", "uint64", 8, NULL))) {
        return rc;
    }
    const vmc_value *scope[] = { self };
    vmc_hook_ctx hc = { .scope = scope, .nscope = 1, .device = dc->device };
    int64_t bits = vmc_virtio_mem_bitmap_size(&hc);
    if (bits < 0) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "virtio-mem: no plausible bitmap size from "
                               "region_size / block_size");
    }
    if ((rc = vmc_virtio_add_leaf(dc, self, "bitmap", "bitmap", (uint64_t)(bits + 63) / 64 * 8,
                                  NULL))) {
        return rc;
    }
    self->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - self->offset);
    *out = self;
    return 0;
}
