/*
 * virtio-gpu (hw/display/virtio-gpu.c, QEMU 7.2, 2D device): the outer vmsd
 * "virtio-gpu" has the usual blob field `virtio` and a second field
 * `virtio-gpu` of its own VMStateInfo, written after the blob:
 *
 *   per resource: be32 resource_id (!= 0), width, height, format, iov_cnt,
 *                 iov_cnt x (be64 addr, be32 len), then the image:
 *                 stride * height bytes (every 2D format has 4 bytes per
 *                 pixel, so stride = 4 * width)
 *   be32 0
 *   vmsd "virtio-gpu-scanouts" at its own version
 */
#include "devices/virtio_models.h"
#include "devices/media_usb.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <stdio.h>

#define MAX_RESOURCES 65536

static const vmc_field scanout_fields[] = {
    VMC_UINT32("resource_id"),
    VMC_UINT32("width"),
    VMC_UINT32("height"),
    VMC_INT32("x"),
    VMC_INT32("y"),
    VMC_UINT32("cursor.resource_id"),
    VMC_UINT32("cursor.hot_x"),
    VMC_UINT32("cursor.hot_y"),
    VMC_UINT32("cursor.pos.x"),
    VMC_UINT32("cursor.pos.y"),
    VMC_END,
};
static const vmc_vmsd vmsd_scanout = {
    .name = "virtio-gpu-one-scanout", .version_id = 1, .minimum_version_id = 0,
    .fields = scanout_fields,
};

static const vmc_field scanouts_fields[] = {
    VMC_INT32("parent_obj.enable"),
    { .name = "parent_obj.conf.max_outputs", .info = "uint32 equal", .size = 4 },
    { .name = "parent_obj.scanout", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT32,
      .num_field = "parent_obj.conf.max_outputs", .version_id = 1, .vmsd = &vmsd_scanout },
    VMC_END,
};
static const vmc_vmsd vmsd_scanouts = {
    .name = "virtio-gpu-scanouts", .version_id = 1, .minimum_version_id = 0,
    .fields = scanouts_fields,
};

static const vmc_field outer_fields[] = {
    VMC_VIRTIO_FIELD,
    { .name = "virtio-gpu", .info = "virtio-gpu", .flags = VMC_F_SINGLE },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_virtio_gpu = {
    .name = "virtio-gpu", .version_id = 1, .minimum_version_id = 1,
    .fields = outer_fields,
};

/*
 * virtio-vga (hw/display/virtio-vga.c): the PCI proxy of a virtio-gpu with
 * VGA compatibility has its own section with the VGA state only; the
 * virtio-gpu inside has the "virtio-gpu" section above.
 */
static const vmc_field virtio_vga_fields[] = {
    VMC_STRUCT("vga", vmc_vmsd_vga_common),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_virtio_vga = {
    .name = "virtio-vga", .version_id = 2, .minimum_version_id = 2,
    .fields = virtio_vga_fields,
};

/* virtio_gpu_get_pixman_format(): the formats a 2D resource may have. */
static bool known_format(uint32_t f)
{
    switch (f) {
    case 1: case 2: case 3: case 4:       /* B8G8R8A8 B8G8R8X8 A8R8G8B8 X8R8G8B8 */
    case 67: case 68: case 121: case 134: /* R8G8B8A8 X8B8G8R8 A8B8G8R8 R8G8B8X8 */
        return true;
    default:
        return false;
    }
}

static int decode_resource(vmc_decode_ctx *dc, vmc_value *res)
{
    int rc;
    vmc_value *w, *h, *fmt, *cnt;
    if ((rc = vmc_virtio_add_leaf(dc, res, "resource_id", "uint32", 4, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, res, "width", "uint32", 4, &w)) ||
        (rc = vmc_virtio_add_leaf(dc, res, "height", "uint32", 4, &h)) ||
        (rc = vmc_virtio_add_leaf(dc, res, "format", "uint32", 4, &fmt)) ||
        (rc = vmc_virtio_add_leaf(dc, res, "iov_cnt", "uint32", 4, &cnt))) {
        return rc;
    }
    if (!known_format((uint32_t)fmt->v.u)) {
        /* QEMU's loader fails with EINVAL before reading further */
        return vmc_decode_fail(dc, VMC_EFORMAT, "virtio-gpu resource format %llu is unknown",
                               (unsigned long long)fmt->v.u);
    }
    if ((rc = vmc_decode_need(dc, cnt->v.u * 12, "virtio-gpu resource iovecs"))) {
        return rc;
    }
    vmc_value *iov = vmc_virtio_node(dc, VMC_VALUE_ARRAY, "iov", "struct");
    if (!iov) {
        return VMC_ENOMEM;
    }
    for (uint64_t i = 0; i < cnt->v.u; i++) {
        vmc_value *e = vmc_virtio_node(dc, VMC_VALUE_STRUCT, NULL, "struct");
        if (!e) {
            return VMC_ENOMEM;
        }
        if ((rc = vmc_virtio_add_leaf(dc, e, "addr", "uint64", 8, NULL)) ||
            (rc = vmc_virtio_add_leaf(dc, e, "len", "uint32", 4, NULL)) ||
            (rc = vmc_virtio_attach(dc, iov, e))) {
            return rc;
        }
    }
    if ((rc = vmc_virtio_attach(dc, res, iov))) {
        return rc;
    }
    if (h->v.u && w->v.u > UINT64_MAX / 4 / h->v.u) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "virtio-gpu resource of %llux%llu pixels",
                               (unsigned long long)w->v.u, (unsigned long long)h->v.u);
    }
    uint64_t bytes = 4 * w->v.u * h->v.u;
    if ((rc = vmc_decode_need(dc, bytes, "virtio-gpu resource image"))) {
        return rc;
    }
    return vmc_virtio_add_leaf(dc, res, "image", "buffer", bytes, NULL);
}

static int decode_gpu(vmc_decode_ctx *dc, const char *name, uint64_t size, vmc_value **out)
{
    int rc;
    size_t start = dc->cur.pos;
    vmc_value *g = vmc_virtio_node(dc, VMC_VALUE_STRUCT, name, "virtio-gpu");
    vmc_value *list = g ? vmc_virtio_node(dc, VMC_VALUE_ARRAY, "reslist", "struct") : NULL;
    if (!list) {
        return VMC_ENOMEM;
    }
    size_t old = vmc_decode_path_push(dc, "reslist", false);
    for (unsigned i = 0;; i++) {
        if ((rc = vmc_decode_need(dc, 4, "virtio-gpu resource id"))) {
            return rc;
        }
        if (vmc_be32(dc->cur.base + dc->cur.pos) == 0) {
            break;
        }
        if (i >= MAX_RESOURCES) {
            return vmc_decode_fail(dc, VMC_ELIMIT, "more than %d virtio-gpu resources",
                                   MAX_RESOURCES);
        }
        char idx[16];
        snprintf(idx, sizeof(idx), "[%u]", i);
        size_t o2 = vmc_decode_path_push(dc, idx, true);
        vmc_value *res = vmc_virtio_node(dc, VMC_VALUE_STRUCT, NULL, "struct");
        if (!res) {
            return VMC_ENOMEM;
        }
        if ((rc = decode_resource(dc, res)) || (rc = vmc_virtio_attach(dc, list, res))) {
            return rc;
        }
        vmc_decode_path_pop(dc, o2);
    }
    vmc_decode_path_pop(dc, old);
    if ((rc = vmc_virtio_attach(dc, g, list)) ||
        (rc = vmc_virtio_add_leaf(dc, g, "end", "uint32", 4, NULL))) {
        return rc;
    }
    vmc_value *sc;
    old = vmc_decode_path_push(dc, "scanouts", false);
    rc = vmc_engine_decode(dc, &vmsd_scanouts, vmsd_scanouts.version_id, "scanouts", &sc);
    vmc_decode_path_pop(dc, old);
    if (rc || (rc = vmc_virtio_add(dc, g, sc))) {
        return rc;
    }
    g->size = dc->cur.pos - start;
    if (size != UINT64_MAX && g->size != size) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "virtio-gpu state decodes to %llu bytes but the "
                               "vmdesc says %llu", (unsigned long long)g->size,
                               (unsigned long long)size);
    }
    *out = g;
    return 0;
}

int vmc_virtio_gpu_decode(vmc_decode_ctx *dc, const char *name, uint64_t size, vmc_value **out)
{
    return vmc_virtio_custom_guarded(dc, name, "virtio-gpu", size, decode_gpu, out);
}
