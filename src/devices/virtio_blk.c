/*
 * virtio-blk (hw/block/virtio-blk.c, QEMU 7.2): no device vmsd; its save
 * hook writes the requests in flight (kept on s->rq, e.g. after an I/O
 * error with werror/rerror=stop):
 *
 *   per request: int8 1, [be32 queue index when num-queues > 1], element
 *   then int8 0
 */
#include "devices/virtio_models.h"
#include "common/error_internal.h"

#include <stdio.h>

#define MAX_REQUESTS 1024   /* bounded by the queues' sizes in QEMU */

static const vmc_field outer_fields[] = { VMC_VIRTIO_FIELD, VMC_END };

const vmc_vmsd vmc_vmsd_virtio_blk = {
    .name = "virtio-blk", .version_id = 2, .minimum_version_id = 2,
    .fields = outer_fields,
};

/*
 * s->conf.num_queues (property "num-queues") decides whether a queue index
 * precedes each element.  TODO: take it from dc->device when a model
 * provides it.  Without a model the blob tells: virtio-blk creates all its
 * queues at realize with a non-zero ring size, so the blob's num_queues
 * equals the property.
 */
static bool multiqueue(const vmc_decode_ctx *dc)
{
    return vmc_virtio_blob_int(dc, "num_queues", 1) > 1;
}

int vmc_virtio_blk_decode_save(vmc_decode_ctx *dc, vmc_value *into)
{
    int rc;
    int64_t nq = vmc_virtio_blob_int(dc, "num_queues", 1);
    vmc_value *reqs = vmc_virtio_node(dc, VMC_VALUE_ARRAY, "rq", "struct");
    if (!reqs) {
        return VMC_ENOMEM;
    }
    size_t old = vmc_decode_path_push(dc, "rq", false);
    for (unsigned i = 0;; i++) {
        if ((rc = vmc_decode_need(dc, 1, "virtio-blk request marker"))) {
            return rc;
        }
        if (dc->cur.base[dc->cur.pos] == 0) {
            break;
        }
        if (i >= MAX_REQUESTS) {
            return vmc_decode_fail(dc, VMC_EFORMAT, "more than %d virtio-blk requests",
                                   MAX_REQUESTS);
        }
        char idx[16];
        snprintf(idx, sizeof(idx), "[%u]", i);
        size_t o2 = vmc_decode_path_push(dc, idx, true);
        vmc_value *req = vmc_virtio_node(dc, VMC_VALUE_STRUCT, NULL, "struct");
        if (!req) {
            return VMC_ENOMEM;
        }
        vmc_value *qi = NULL, *elem;
        /* QEMU's loader continues on any non-zero byte; the saver writes 1 */
        if ((rc = vmc_virtio_add_leaf(dc, req, "more", "int8", 1, NULL))) {
            return rc;
        }
        if (multiqueue(dc)) {
            if ((rc = vmc_virtio_add_leaf(dc, req, "vq_index", "uint32", 4, &qi))) {
                return rc;
            }
            if (qi->v.u >= (uint64_t)nq) {
                vmc_decode_warn(dc, "Invalid virtqueue index in request list: %#llx "
                                "(QEMU refuses it)", (unsigned long long)qi->v.u);
            }
        }
        size_t o3 = vmc_decode_path_push(dc, "elem", false);
        rc = vmc_virtio_decode_element(dc, "elem", vmc_virtio_element_is_packed(dc), &elem);
        vmc_decode_path_pop(dc, o3);
        if (rc) {
            return rc;
        }
        if ((rc = vmc_virtio_add(dc, req, elem)) || (rc = vmc_virtio_attach(dc, reqs, req))) {
            return rc;
        }
        vmc_decode_path_pop(dc, o2);
    }
    vmc_decode_path_pop(dc, old);
    if ((rc = vmc_virtio_attach(dc, into, reqs))) {
        return rc;
    }
    return vmc_virtio_add_leaf(dc, into, "end", "int8", 1, NULL);
}
