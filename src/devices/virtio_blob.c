/*
 * Decoder of the virtio blob (see virtio_blob.h for its parts).
 *
 * The blob is not described by the vmdesc: QEMU writes it by hand in
 * virtio_save().  The common parts are self-describing enough to walk: the
 * PCI config says whether it is 4096 bytes (PCI Express capability) and
 * whether MSI-X state and vectors follow (MSI-X capability, table size).
 * The device part needs the device's descriptor (vmc_virtio_devices[]).
 */
#include "devices/virtio_blob.h"
#include "devices/pci_config.h"
#include "devices/registry.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <stdio.h>
#include <string.h>

#define VIRTIO_QUEUE_MAX 1024
#define VIRTIO_QUEUE_MAX_SIZE 1024   /* VIRTQUEUE_MAX_SIZE: entries of VirtQueueElementOld */
#define VIRTIO_CONFIG_MAX 4096   /* no virtio device has more config space */

static int oom(vmc_decode_ctx *dc)
{
    return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
}

int vmc_virtio_add_leaf(vmc_decode_ctx *dc, vmc_value *into, const char *name, const char *type,
                        uint64_t size, vmc_value **out)
{
    vmc_value *v;
    size_t old = vmc_decode_path_push(dc, name, false);
    int rc = vmc_decode_leaf(dc, name, type, size, &v);
    vmc_decode_path_pop(dc, old);
    if (rc) {
        return rc;
    }
    if (vmc_value_add(dc->arena, into, v)) {
        return oom(dc);
    }
    if (out) {
        *out = v;
    }
    return 0;
}

#define add_leaf vmc_virtio_add_leaf

vmc_value *vmc_virtio_node(vmc_decode_ctx *dc, vmc_value_kind kind, const char *name,
                           const char *type)
{
    vmc_value *v = vmc_value_new(dc->arena, kind, name, type);
    if (!v) {
        oom(dc);
        return NULL;
    }
    v->offset = vmc_cursor_abs(&dc->cur);
    v->raw = dc->cur.base + dc->cur.pos;
    return v;
}

int vmc_virtio_attach(vmc_decode_ctx *dc, vmc_value *parent, vmc_value *node)
{
    node->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - node->offset);
    return vmc_virtio_add(dc, parent, node);
}

int vmc_virtio_add(vmc_decode_ctx *dc, vmc_value *parent, vmc_value *child)
{
    if (vmc_value_add(dc->arena, parent, child)) {
        return oom(dc);
    }
    return 0;
}

int64_t vmc_virtio_blob_int(const vmc_decode_ctx *dc, const char *name, int64_t dflt)
{
    for (int i = dc->nscope - 1; i >= 0; i--) {
        const vmc_value *b = dc->scope[i];
        if (b->vmsd_name && strcmp(b->vmsd_name, "virtio") == 0 && b->type &&
            strcmp(b->type, "virtio") == 0) {
            const vmc_value *v = vmc_value_child(b, name);
            if (v && (v->kind == VMC_VALUE_UINT || v->kind == VMC_VALUE_INT)) {
                return vmc_value_int(v);
            }
            return dflt;
        }
    }
    return dflt;
}

static const vmc_virtio_device_def *find_device(const char *outer)
{
    if (!outer) {
        return NULL;
    }
    for (const vmc_virtio_device_def *d = vmc_virtio_devices; d->vmsd_name; d++) {
        if (strcmp(d->vmsd_name, outer) == 0) {
            return d;
        }
    }
    return NULL;
}

/* PCIDevice state as pci_device_save() writes it (no vmdesc, no subsections). */
static int decode_pci_dev(vmc_decode_ctx *dc, vmc_value *blob, unsigned *msix_vectors)
{
    /* when building, each leaf below is produced on its own (vmstate/build.c) */
    int rc = dc->build ? 0 : vmc_decode_need(dc, 4 + 256, "PCIDevice state");
    if (rc) {
        return rc;
    }
    vmc_value *pci = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, "pci_dev", "struct");
    if (!pci) {
        return oom(dc);
    }
    pci->vmsd_name = "PCIDevice";
    pci->version = 2;
    pci->offset = vmc_cursor_abs(&dc->cur);
    pci->raw = dc->cur.base + dc->cur.pos;
    size_t old = vmc_decode_path_push(dc, "pci_dev", false);
    vmc_value *ver = NULL;
    if ((rc = add_leaf(dc, pci, "version_id", "int32 le", 4, &ver))) {
        return rc;
    }
    if (ver->v.i < 0 || ver->v.i > 2) {
        return vmc_decode_fail(dc, VMC_EFORMAT,
                               "PCIDevice version_id %lld (QEMU accepts 0..2)",
                               (long long)ver->v.i);
    }
    const uint8_t *cfg = dc->cur.base + dc->cur.pos;
    /* 4096 bytes when the device is PCI Express, which QEMU marks with the
     * Express capability. */
    size_t cfg_size = vmc_pci_find_cap(cfg, 256, VMC_PCI_CAP_ID_EXP) ? 4096 : 256;
    if (dc->build) {
        /* nothing to look at yet: the model says */
        const char *express = dc->device_prop ? dc->device_prop(dc->device, "@pci-express")
                                              : NULL;
        cfg_size = express && strcmp(express, "on") == 0 ? 4096 : 256;
    }
    const char *cfg_name = cfg_size == 4096 ? "config[1]" : "config[0]";
    if ((rc = add_leaf(dc, pci, cfg_name, "pci config", cfg_size, NULL))) {
        return rc;
    }
    *msix_vectors = vmc_pci_msix_vectors(cfg, cfg_size);
    if (ver->v.i >= 2) {
        vmc_value *irq;
        size_t o2 = vmc_decode_path_push(dc, "irq_state", false);
        rc = vmc_decode_custom(dc, "irq_state", "pci irq state", "PCIDevice", 16, &irq);
        vmc_decode_path_pop(dc, o2);
        if (rc) {
            return rc;
        }
        if (vmc_value_add(dc->arena, pci, irq)) {
            return oom(dc);
        }
    }
    vmc_decode_path_pop(dc, old);
    pci->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - pci->offset);
    if (vmc_value_add(dc->arena, blob, pci)) {
        return oom(dc);
    }
    return 0;
}

static int decode_queues(vmc_decode_ctx *dc, vmc_value *blob, uint32_t num, bool msix)
{
    vmc_value *arr = vmc_value_new(dc->arena, VMC_VALUE_ARRAY, "vq", "struct");
    if (!arr || vmc_value_add(dc->arena, blob, arr)) {
        return oom(dc);
    }
    arr->offset = vmc_cursor_abs(&dc->cur);
    arr->raw = dc->cur.base + dc->cur.pos;
    size_t old = vmc_decode_path_push(dc, "vq", false);
    for (uint32_t i = 0; i < num; i++) {
        char idx[16];
        snprintf(idx, sizeof(idx), "[%u]", i);
        size_t o2 = vmc_decode_path_push(dc, idx, true);
        vmc_value *q = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, NULL, "struct");
        if (!q) {
            return oom(dc);
        }
        q->offset = vmc_cursor_abs(&dc->cur);
        q->raw = dc->cur.base + dc->cur.pos;
        int rc;
        vmc_value *ring;
        if ((rc = add_leaf(dc, q, "vring.num", "uint32", 4, &ring)) ||
            (rc = add_leaf(dc, q, "vring.desc", "uint64", 8, NULL)) ||
            (rc = add_leaf(dc, q, "last_avail_idx", "uint16", 2, NULL))) {
            return rc;
        }
        if (msix && (rc = add_leaf(dc, q, "vector", "uint16", 2, NULL))) {
            return rc;
        }
        q->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - q->offset);
        if (vmc_value_add(dc->arena, arr, q)) {
            return oom(dc);
        }
        vmc_decode_path_pop(dc, o2);
    }
    vmc_decode_path_pop(dc, old);
    arr->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - arr->offset);
    return 0;
}

/*
 * Where the `virtio` vmsd's subsections start: the first "05 len virtio/<known>"
 * at or after pos.  Used to delimit an undecodable device part when the
 * blob size is known.
 */
static size_t find_virtio_subsections(const vmc_cursor *c, size_t from)
{
    for (size_t p = from; p + 2 < c->len; p++) {
        if (c->base[p] != 0x05) {
            continue;
        }
        size_t len = c->base[p + 1];
        if (p + 2 + len + 4 > c->len || len < 8 || memcmp(c->base + p + 2, "virtio/", 7) != 0) {
            continue;
        }
        for (size_t i = 0; vmc_vmsd_virtio.subsections[i]; i++) {
            const char *n = vmc_vmsd_virtio.subsections[i]->name;
            if (strlen(n) == len && memcmp(n, c->base + p + 2, len) == 0) {
                return p;
            }
        }
    }
    return c->len;
}

int vmc_virtio_blob_decode(vmc_decode_ctx *dc, const char *name, const char *outer_vmsd,
                           uint64_t size, vmc_value **out)
{
    int rc;
    size_t start = dc->cur.pos;
    if (size != UINT64_MAX && size > vmc_cursor_left(&dc->cur)) {
        return vmc_decode_need(dc, size, "virtio");
    }
    const vmc_virtio_device_def *def = find_device(outer_vmsd);
    if (!def && size == UINT64_MAX) {
        return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "virtio device '%s' is not modelled",
                               outer_vmsd ? outer_vmsd : "?");
    }
    vmc_value *blob = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, name, "virtio");
    if (!blob) {
        return oom(dc);
    }
    blob->offset = vmc_cursor_abs(&dc->cur);
    blob->raw = dc->cur.base + start;
    blob->vmsd_name = "virtio";
    int saved_scope = dc->nscope;
    if (dc->nscope < VMC_SCOPE_MAX) {
        dc->scope[dc->nscope++] = blob;
    }

    /* transport config (virtio_pci_save_config) */
    unsigned nvec = 0;
    if ((rc = decode_pci_dev(dc, blob, &nvec))) {
        return rc;
    }
    if (nvec) {
        vmc_value *m;
        size_t old = vmc_decode_path_push(dc, "msix", false);
        rc = vmc_decode_msix(dc, "msix", nvec, &m);
        vmc_decode_path_pop(dc, old);
        if (rc) {
            return rc;
        }
        if (vmc_value_add(dc->arena, blob, m)) {
            return oom(dc);
        }
        if ((rc = add_leaf(dc, blob, "config_vector", "uint16", 2, NULL))) {
            return rc;
        }
    }
    vmc_value *config_len = NULL, *num = NULL;
    if ((rc = add_leaf(dc, blob, "status", "uint8", 1, NULL)) ||
        (rc = add_leaf(dc, blob, "isr", "uint8", 1, NULL)) ||
        (rc = add_leaf(dc, blob, "queue_sel", "uint16", 2, NULL)) ||
        (rc = add_leaf(dc, blob, "guest_features", "uint32", 4, NULL)) ||
        (rc = add_leaf(dc, blob, "config_len", "uint32", 4, &config_len))) {
        return rc;
    }
    if (config_len->v.u > VIRTIO_CONFIG_MAX) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "virtio config_len %llu is implausible",
                               (unsigned long long)config_len->v.u);
    }
    if ((rc = add_leaf(dc, blob, "config", "buffer", config_len->v.u, NULL)) ||
        (rc = add_leaf(dc, blob, "num_queues", "uint32", 4, &num))) {
        return rc;
    }
    if (num->v.u > VIRTIO_QUEUE_MAX) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "Invalid number of virtqueues: 0x%llx",
                               (unsigned long long)num->v.u);
    }
    if ((rc = decode_queues(dc, blob, (uint32_t)num->v.u, nvec != 0))) {
        return rc;
    }

    if (def) {
        if (def->decode_save) {
            vmc_value *ds = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, "device_save", "struct");
            if (!ds) {
                return oom(dc);
            }
            ds->offset = vmc_cursor_abs(&dc->cur);
            ds->raw = dc->cur.base + dc->cur.pos;
            size_t old = vmc_decode_path_push(dc, "device_save", false);
            rc = def->decode_save(dc, ds);
            vmc_decode_path_pop(dc, old);
            if (rc) {
                return rc;
            }
            ds->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - ds->offset);
            if (vmc_value_add(dc->arena, blob, ds)) {
                return oom(dc);
            }
        }
        if (def->device_vmsd) {
            /* virtio_load() loads vdc->vmsd at the version of the outer vmsd
             * (the destination's own), not at the device vmsd's version. */
            const vmc_vmsd *outer = vmc_devices_find_vmsd(outer_vmsd);
            int version = outer ? outer->version_id : def->device_vmsd->version_id;
            vmc_value *dv;
            size_t old = vmc_decode_path_push(dc, def->device_vmsd->name, false);
            if (def->decode_vmsd) {
                rc = def->decode_vmsd(dc, def->device_vmsd, version, &dv);
            } else {
                rc = vmc_engine_decode(dc, def->device_vmsd, version, def->device_vmsd->name,
                                       &dv);
            }
            vmc_decode_path_pop(dc, old);
            if (rc) {
                return rc;
            }
            if (vmc_value_add(dc->arena, blob, dv)) {
                return oom(dc);
            }
        }
    } else {
        /* Unknown device: keep its part as bytes up to the virtio subsections. */
        size_t end = find_virtio_subsections(&dc->cur, dc->cur.pos);
        size_t limit = start + (size_t)size;
        if (end > limit) {
            end = limit;
        }
        if (end > dc->cur.pos &&
            (rc = add_leaf(dc, blob, "device", "buffer", end - dc->cur.pos, NULL))) {
            return rc;
        }
        vmc_decode_warn(dc, "virtio device '%s' is not modelled; its own state is kept as "
                        "bytes", outer_vmsd ? outer_vmsd : "?");
    }

    /* the `virtio` vmsd: only subsections */
    vmc_value *vv;
    if ((rc = vmc_engine_decode(dc, &vmc_vmsd_virtio, 1, "virtio", &vv))) {
        return rc;
    }
    for (size_t i = 0; i < vv->nsub; i++) {
        if (vmc_value_add_subsection(dc->arena, blob, vv->sub[i])) {
            return oom(dc);
        }
    }
    dc->nscope = saved_scope;
    blob->size = dc->cur.pos - start;
    if (size != UINT64_MAX && blob->size != size) {
        return vmc_decode_fail(dc, VMC_EFORMAT,
                               "virtio blob decodes to %llu bytes but the vmdesc says %llu",
                               (unsigned long long)blob->size, (unsigned long long)size);
    }
    *out = blob;
    return 0;
}

/* Bounds of a VirtQueueElementOld header that QEMU could have written. */
static bool plausible_element_header(const uint8_t *p)
{
    uint32_t index = vmc_le32(p), out_num = vmc_le32(p + 4), in_num = vmc_le32(p + 8);
    uint32_t pad = vmc_le32(p + 12);
    return index < VIRTIO_QUEUE_MAX_SIZE && out_num <= VIRTIO_QUEUE_MAX_SIZE &&
           in_num <= VIRTIO_QUEUE_MAX_SIZE && out_num + in_num > 0 && pad == 0;
}

bool vmc_virtio_element_is_packed(const vmc_decode_ctx *dc)
{
    /* TODO: when dc->device is set, take the device's "packed" property. */
    size_t left = vmc_cursor_left(&dc->cur);
    const uint8_t *p = dc->cur.base + dc->cur.pos;
    if (left < 20) {
        return false;
    }
    bool split = plausible_element_header(p);
    uint32_t ndescs = vmc_be32(p);
    bool packed = ndescs >= 1 && ndescs <= VIRTIO_QUEUE_MAX_SIZE &&
                  plausible_element_header(p + 4);
    return packed && !split;
}

/*
 * qemu_put_virtqueue_element(): [be32 ndescs when the ring is packed], then
 * a host-layout VirtQueueElementOld: u32 index, out_num, in_num, 4 bytes of
 * padding, in_addr[1024], out_addr[1024] (u64), in_sg[1024], out_sg[1024]
 * ({u64 base, u64 len}), little-endian on x86 hosts: 49168 bytes.
 * (QEMU's loader reads ndescs *after* the struct; the saver writes it
 * before.  This decodes what the saver writes.)
 */
int vmc_virtio_decode_element(vmc_decode_ctx *dc, const char *name, bool packed,
                              vmc_value **out)
{
    int rc;
    vmc_value *e = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, name, "struct");
    if (!e) {
        return oom(dc);
    }
    e->offset = vmc_cursor_abs(&dc->cur);
    e->raw = dc->cur.base + dc->cur.pos;
    if (packed) {
        if ((rc = add_leaf(dc, e, "ndescs", "uint32", 4, NULL))) {
            return rc;
        }
        /* seen on real 7.2 streams: loading them fails with "virtio:
         * unexpected memory split" */
        vmc_decode_warn(dc, "in-flight element of a packed virtqueue: QEMU 7.2 writes ndescs "
                        "before the element but reads it after, so it cannot load this");
    }
    const uint64_t body = 16 + 2 * VIRTIO_QUEUE_MAX_SIZE * 8 + 2 * VIRTIO_QUEUE_MAX_SIZE * 16;
    if ((rc = vmc_decode_need(dc, body, "VirtQueueElement"))) {
        return rc;
    }
    const uint8_t *p = dc->cur.base + dc->cur.pos;
    static const char *hdr[] = { "index", "out_num", "in_num" };
    for (int i = 0; i < 3; i++) {
        vmc_value *v = vmc_value_new(dc->arena, VMC_VALUE_UINT, hdr[i], "le");
        if (!v || vmc_value_add(dc->arena, e, v)) {
            return oom(dc);
        }
        v->v.u = vmc_le32(p + 4 * i);
        v->width = 4;
        v->size = 4;
        v->offset = vmc_cursor_abs(&dc->cur) + 4 * i;
        v->raw = p + 4 * i;
    }
    if (vmc_le32(p + 4) > VIRTIO_QUEUE_MAX_SIZE || vmc_le32(p + 8) > VIRTIO_QUEUE_MAX_SIZE) {
        /* QEMU's loader asserts on this. */
        vmc_decode_warn(dc, "VirtQueueElement with out_num %u / in_num %u (max %u)",
                        vmc_le32(p + 4), vmc_le32(p + 8), VIRTIO_QUEUE_MAX_SIZE);
    }
    dc->cur.pos += 16;
    /* host-endian arrays, kept as bytes: in_addr, out_addr (u64), in_sg, out_sg
     * ({u64 base (always 0), u64 len}) */
    if ((rc = add_leaf(dc, e, "in_addr", "buffer", VIRTIO_QUEUE_MAX_SIZE * 8, NULL)) ||
        (rc = add_leaf(dc, e, "out_addr", "buffer", VIRTIO_QUEUE_MAX_SIZE * 8, NULL)) ||
        (rc = add_leaf(dc, e, "in_sg", "buffer", VIRTIO_QUEUE_MAX_SIZE * 16, NULL)) ||
        (rc = add_leaf(dc, e, "out_sg", "buffer", VIRTIO_QUEUE_MAX_SIZE * 16, NULL))) {
        return rc;
    }
    e->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - e->offset);
    *out = e;
    return 0;
}

int vmc_virtio_custom_guarded(vmc_decode_ctx *dc, const char *name, const char *type,
                              uint64_t size,
                              int (*fn)(vmc_decode_ctx *, const char *, uint64_t, vmc_value **),
                              vmc_value **out)
{
    if (size == UINT64_MAX) {
        return fn(dc, name, size, out);
    }
    size_t start = dc->cur.pos;
    int saved_scope = dc->nscope, saved_depth = dc->depth;
    char saved_path[VMC_PATH_MAX];
    memcpy(saved_path, dc->path, sizeof(saved_path));
    int rc = fn(dc, name, size, out);
    if (rc == 0) {
        return 0;
    }
    char buf[VMC_ERROR_TEXT_MAX + 64];
    vmc_error_format(vmc_error_last(), buf, sizeof(buf));
    dc->cur.pos = start;
    dc->nscope = saved_scope;
    dc->depth = saved_depth;
    memcpy(dc->path, saved_path, sizeof(saved_path));
    vmc_decode_warn(dc, "%s not decoded: %s", type, buf);
    return vmc_decode_leaf(dc, name, type, size, out);
}
