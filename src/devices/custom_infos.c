/*
 * Custom VMStateInfo decoders: "pci irq state", "msix state", "virtio",
 * "virtqueue_extra_state".  They know PCI and virtio, so they live with the
 * device models; the vmstate walkers call vmc_decode_custom().
 */
#include "vmstate/decode.h"
#include "devices/virtio_blob.h"
#include "devices/virtio_models.h"
#include "devices/pci_config.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- pci irq state: 4 x be32, each 0 or 1 -------------------------------- */

static int decode_irq_state(vmc_decode_ctx *dc, const char *name, uint64_t size, vmc_value **out)
{
    if (size == UINT64_MAX) {
        size = 16;
    }
    if (size != 16) {
        return vmc_decode_leaf(dc, name, "pci irq state", size, out);
    }
    int rc = vmc_decode_need(dc, 16, "pci irq state");
    if (rc) {
        return rc;
    }
    vmc_value *arr = vmc_value_new(dc->arena, VMC_VALUE_ARRAY, name, "pci irq state");
    if (!arr) {
        return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
    }
    arr->offset = vmc_cursor_abs(&dc->cur);
    arr->size = 16;
    arr->raw = dc->cur.base + dc->cur.pos;
    for (int i = 0; i < 4; i++) {
        vmc_value *e;
        if ((rc = vmc_decode_leaf(dc, NULL, "int32", 4, &e))) {
            return rc;
        }
        if (e->v.i != 0 && e->v.i != 1) {
            vmc_decode_warn(dc, "irq state %lld: must be 0 or 1 (QEMU refuses to load it)",
                            (long long)e->v.i);
        }
        if (vmc_value_add(dc->arena, arr, e)) {
            return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
        }
    }
    *out = arr;
    return 0;
}

/* ---- msix state: N x 16-byte table entries (LE) + ceil(N/8) PBA bytes ---- */

/* Solve 16 N + ceil(N / 8) = size; returns -1 when no N fits. */
static int64_t msix_vectors_for_size(uint64_t size)
{
    uint64_t n = size / 16;
    for (uint64_t c = n > 2 ? n - 2 : 0; c <= n + 1; c++) {
        if (16 * c + (c + 7) / 8 == size) {
            return (int64_t)c;
        }
    }
    return -1;
}

int vmc_decode_msix(vmc_decode_ctx *dc, const char *name, uint64_t nvectors, vmc_value **out)
{
    uint64_t size = 16 * nvectors + (nvectors + 7) / 8;
    int rc = vmc_decode_need(dc, size, "msix state");
    if (rc) {
        return rc;
    }
    vmc_value *s = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, name, "msix state");
    vmc_value *table = vmc_value_new(dc->arena, VMC_VALUE_ARRAY, "table", "msix table");
    if (!s || !table) {
        return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
    }
    s->offset = table->offset = vmc_cursor_abs(&dc->cur);
    s->size = size;
    s->raw = table->raw = dc->cur.base + dc->cur.pos;
    table->size = 16 * nvectors;
    for (uint64_t i = 0; i < nvectors; i++) {
        const uint8_t *p = dc->cur.base + dc->cur.pos;
        vmc_value *e = vmc_value_new(dc->arena, VMC_VALUE_STRUCT, NULL, "msix entry");
        if (!e) {
            return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
        }
        e->offset = vmc_cursor_abs(&dc->cur);
        e->size = 16;
        e->raw = p;
        static const char *names[] = { "addr", "data", "vector_control" };
        for (int k = 0; k < 3; k++) {
            vmc_value *f = vmc_value_new(dc->arena, VMC_VALUE_UINT, names[k], "le");
            if (!f) {
                return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
            }
            if (k == 0) {
                f->v.u = (uint64_t)vmc_le32(p) | ((uint64_t)vmc_le32(p + 4) << 32);
                f->width = 8;
                f->size = 8;
                f->offset = e->offset;
                f->raw = p;
            } else {
                f->v.u = vmc_le32(p + 4 + 4 * k);
                f->width = 4;
                f->size = 4;
                f->offset = e->offset + 4 + 4 * k;
                f->raw = p + 4 + 4 * k;
            }
            if (vmc_value_add(dc->arena, e, f)) {
                return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
            }
        }
        if (vmc_value_add(dc->arena, table, e)) {
            return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
        }
        dc->cur.pos += 16;
    }
    vmc_value *pba;
    if (vmc_value_add(dc->arena, s, table) ||
        (rc = vmc_decode_leaf(dc, "pba", "buffer", (nvectors + 7) / 8, &pba)) ||
        vmc_value_add(dc->arena, s, pba)) {
        return rc ? rc : vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
    }
    *out = s;
    return 0;
}

/* The device's PCI config decoded earlier in this section (nearest scope first). */
static const vmc_value *find_pci_config(const vmc_value *v, int depth)
{
    if (!v || depth > 4) {
        return NULL;
    }
    if (v->type && strcmp(v->type, "pci config") == 0 && v->kind == VMC_VALUE_BYTES) {
        return v;
    }
    for (size_t i = 0; i < v->nchild; i++) {
        const vmc_value *c = find_pci_config(v->child[i], depth + 1);
        if (c) {
            return c;
        }
    }
    return NULL;
}

static int decode_msix_state(vmc_decode_ctx *dc, const char *name, uint64_t size,
                             vmc_value **out)
{
    int64_t n = size == UINT64_MAX ? -1 : msix_vectors_for_size(size);
    if (size == UINT64_MAX) {
        for (int i = dc->nscope - 1; i >= 0 && n < 0; i--) {
            const vmc_value *cfg = find_pci_config(dc->scope[i], 0);
            if (cfg) {
                n = vmc_pci_msix_vectors(cfg->v.bytes.p, cfg->v.bytes.n);
            }
        }
    }
    if (n < 0) {
        if (size == UINT64_MAX) {
            return vmc_decode_fail(dc, VMC_EUNSUPPORTED,
                                   "msix state needs the device's vector count");
        }
        vmc_decode_warn(dc, "msix state of %llu bytes matches no vector count; kept as bytes",
                        (unsigned long long)size);
        return vmc_decode_leaf(dc, name, "msix state", size, out);
    }
    return vmc_decode_msix(dc, name, (uint64_t)n, out);
}

int vmc_decode_custom(vmc_decode_ctx *dc, const char *name, const char *type,
                      const char *outer_vmsd, uint64_t size, vmc_value **out)
{
    if (strcmp(type, "pci irq state") == 0) {
        return decode_irq_state(dc, name, size, out);
    }
    if (strcmp(type, "msix state") == 0) {
        return decode_msix_state(dc, name, size, out);
    }
    if (strcmp(type, "virtio") == 0 && size != UINT64_MAX) {
        size_t start = dc->cur.pos;
        int saved_scope = dc->nscope, saved_depth = dc->depth;
        char saved_path[VMC_PATH_MAX];
        memcpy(saved_path, dc->path, sizeof(saved_path));
        int rc = vmc_virtio_blob_decode(dc, name, outer_vmsd, size, out);
        dc->nscope = saved_scope;
        dc->depth = saved_depth;
        memcpy(dc->path, saved_path, sizeof(saved_path));
        if (rc == 0) {
            return 0;
        }
        if (rc != VMC_EUNSUPPORTED) {
            /* Keep the error text as a warning; show the blob as bytes. */
            char buf[VMC_ERROR_TEXT_MAX + 64];
            vmc_error_format(vmc_error_last(), buf, sizeof(buf));
            dc->cur.pos = start;
            vmc_decode_warn(dc, "virtio blob not decoded: %s", buf);
        } else {
            dc->cur.pos = start;
        }
        return vmc_decode_leaf(dc, name, type, size, out);
    }
    if (strcmp(type, "virtio-gpu") == 0) {
        return vmc_virtio_gpu_decode(dc, name, size, out);
    }
    if (strcmp(type, "scsi-requests") == 0) {
        return vmc_scsi_requests_decode(dc, name, size, out);
    }
    if (strcmp(type, "virtqueue_extra_state") == 0) {
        /* virtio-pci's load_extra_state: the virtio_pci vmsd at version 1 */
        size_t start = dc->cur.pos;
        int rc = vmc_engine_decode(dc, &vmc_vmsd_virtio_pci, 1, name, out);
        if (rc == 0 && (size == UINT64_MAX || dc->cur.pos - start == size)) {
            (*out)->type = type;
            return 0;
        }
        if (size == UINT64_MAX) {
            return rc;
        }
        dc->cur.pos = start;
        return vmc_decode_leaf(dc, name, type, size, out);
    }
    if (strcmp(type, "virtio") == 0 && size == UINT64_MAX) {
        return vmc_virtio_blob_decode(dc, name, outer_vmsd, size, out);
    }
    if (size == UINT64_MAX) {
        return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "no decoder for '%s' without a size", type);
    }
    /* pci config, shpc, virtqueue_extra_state without model ...: bytes. */
    return vmc_decode_leaf(dc, name, type, size, out);
}

/* ---- decoded views for JSON output ------------------------------------------ */

#include "vmcompat/json.h"

static void json_hex16(vmc_json *j, const char *key, unsigned v, int digits)
{
    vmc_json_key(j, key);
    vmc_json_stringf(j, "0x%0*x", digits, v);
}

/* A summary of a config space: ids, class, header and the capability chains. */
static void annotate_pci_config(const uint8_t *c, size_t n, vmc_json *j)
{
    if (n < 64) {
        return;
    }
    vmc_json_key(j, "pci");
    vmc_json_begin_object(j);
    json_hex16(j, "vendor_id", vmc_le16(c), 4);
    json_hex16(j, "device_id", vmc_le16(c + 2), 4);
    json_hex16(j, "command", vmc_le16(c + 4), 4);
    json_hex16(j, "status", vmc_le16(c + 6), 4);
    json_hex16(j, "revision", c[8], 2);
    json_hex16(j, "class", (unsigned)(c[0x0b] << 16 | c[0x0a] << 8 | c[9]), 6);
    json_hex16(j, "header_type", c[0x0e], 2);
    if ((c[0x0e] & 0x7f) == 0) {
        json_hex16(j, "subsystem_vendor_id", vmc_le16(c + 0x2c), 4);
        json_hex16(j, "subsystem_id", vmc_le16(c + 0x2e), 4);
    }
    json_hex16(j, "interrupt_pin", c[0x3d], 2);
    vmc_json_key(j, "capabilities");
    vmc_json_begin_array(j);
    if (c[6] & 0x10) {
        unsigned off = c[0x34] & 0xfc;
        for (int hops = 0; off >= 0x40 && off + 1 < n && off < 0x100 && hops < 48; hops++) {
            vmc_json_begin_object(j);
            json_hex16(j, "offset", off, 2);
            json_hex16(j, "id", c[off], 2);
            const char *nm = vmc_pci_cap_name(c[off]);
            vmc_json_key(j, "name");
            vmc_json_string(j, nm ? nm : "unknown");
            vmc_json_end_object(j);
            off = c[off + 1] & 0xfc;
        }
    }
    vmc_json_end_array(j);
    if (n >= 4096) {
        vmc_json_key(j, "extended_capabilities");
        vmc_json_begin_array(j);
        unsigned off = 0x100;
        for (int hops = 0; off >= 0x100 && off + 4 <= n && hops < 960; hops++) {
            uint32_t hdr = vmc_le32(c + off);
            if (hdr == 0 || hdr == 0xffffffff) {
                break;
            }
            vmc_json_begin_object(j);
            json_hex16(j, "offset", off, 3);
            json_hex16(j, "id", hdr & 0xffff, 4);
            const char *nm = vmc_pci_ext_cap_name(hdr & 0xffff);
            vmc_json_key(j, "name");
            vmc_json_string(j, nm ? nm : "unknown");
            vmc_json_key(j, "version");
            vmc_json_uint(j, (hdr >> 16) & 0xf);
            vmc_json_end_object(j);
            off = (hdr >> 20) & 0xffc;
        }
        vmc_json_end_array(j);
    }
    vmc_json_end_object(j);
}

void vmc_custom_info_annotate(const vmc_value *v, vmc_json *j)
{
    if (v->type && strcmp(v->type, "pci config") == 0 && v->kind == VMC_VALUE_BYTES) {
        annotate_pci_config(v->v.bytes.p, v->v.bytes.n, j);
    }
}
