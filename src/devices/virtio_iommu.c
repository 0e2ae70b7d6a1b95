/*
 * virtio-iommu (hw/virtio/virtio-iommu.c, QEMU 7.2): outer vmsd
 * "virtio-iommu" (priority IOMMU) and device vmsd "virtio-iommu-device",
 * whose state is a GTree of domains, each with a GTree of mappings and a
 * QLIST of endpoints.
 *
 * Wire forms (migration/vmstate-types.c):
 *   gtree: be32 nnodes, then per node: byte 1, key, value; then byte 0.
 *          A direct key (no key vmsd) is a be64; key and value vmsds are
 *          read at the *field's* version_id.
 *   qlist: per element: byte 1, element vmsd (at the field's version_id);
 *          then byte 0.
 * The engine has no gtree/qlist decoder, so this file walks these vmsds.
 */
#include "devices/virtio_models.h"
#include "common/error_internal.h"
#include "common/source_internal.h"
#include "vmstate/info.h"

#include <stdio.h>
#include <string.h>

#define MAX_NODES (1u << 20)

static const vmc_field interval_fields[] = { VMC_UINT64("low"), VMC_UINT64("high"), VMC_END };
static const vmc_vmsd vmsd_interval = {
    .name = "interval", .version_id = 1, .minimum_version_id = 1, .fields = interval_fields,
};

static const vmc_field mapping_fields[] = {
    VMC_UINT64("phys_addr"),
    VMC_UINT32("flags"),
    VMC_END,
};
static const vmc_vmsd vmsd_mapping = {
    .name = "mapping", .version_id = 1, .minimum_version_id = 1, .fields = mapping_fields,
};

static const vmc_field endpoint_fields[] = { VMC_UINT32("id"), VMC_END };
static const vmc_vmsd vmsd_endpoint = {
    .name = "endpoint", .version_id = 1, .minimum_version_id = 1, .fields = endpoint_fields,
};

static const vmc_field domain_fields[] = {
    VMC_UINT32("id"),
    /* GTree interval -> mapping (VMSTATE_GTREE_V: key vmsd "interval") */
    { .name = "mappings", .info = "gtree", .version_id = 1, .vmsd = &vmsd_mapping },
    { .name = "endpoint_list", .info = "qlist", .version_id = 1, .vmsd = &vmsd_endpoint },
    VMC_BOOL_V("bypass", 2),
    VMC_END,
};
static const vmc_vmsd vmsd_domain = {
    .name = "domain", .version_id = 2, .minimum_version_id = 2, .fields = domain_fields,
};

static const vmc_field device_fields[] = {
    /* GTree domain id (direct key) -> domain */
    { .name = "domains", .info = "gtree", .version_id = 2, .vmsd = &vmsd_domain },
    VMC_UINT8_V("config.bypass", 2),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_virtio_iommu_device = {
    .name = "virtio-iommu-device", .version_id = 2, .minimum_version_id = 2,
    .fields = device_fields,
};

static const vmc_field outer_fields[] = { VMC_VIRTIO_FIELD, VMC_END };

const vmc_vmsd vmc_vmsd_virtio_iommu = {
    .name = "virtio-iommu", .version_id = 2, .minimum_version_id = 2,
    .priority = VMC_PRI_IOMMU, .fields = outer_fields,
};

/* Key vmsd of a gtree field; NULL = direct key (VMSTATE_GTREE_DIRECT_KEY_V). */
static const vmc_vmsd *gtree_key_vmsd(const vmc_field *f)
{
    return f == &domain_fields[1] ? &vmsd_interval : NULL;
}

static int decode_vmsd(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version, const char *name,
                       vmc_value **out);

/* A nested vmsd: the engine when it can, else this file's walker. */
static int decode_nested(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version,
                         const char *name, vmc_value **out)
{
    for (size_t i = 0; vmsd->fields[i].name; i++) {
        const char *info = vmsd->fields[i].info;
        if (info && (strcmp(info, "gtree") == 0 || strcmp(info, "qlist") == 0)) {
            return decode_vmsd(dc, vmsd, version, name, out);
        }
    }
    return vmc_engine_decode(dc, vmsd, version, name, out);
}

static int decode_marker(vmc_decode_ctx *dc, vmc_value *into, const char *name, bool *more)
{
    vmc_value *m;
    int rc = vmc_virtio_add_leaf(dc, into, name, "bool", 1, &m);
    if (!rc) {
        *more = m->v.b;
    }
    return rc;
}

static int decode_gtree(vmc_decode_ctx *dc, const vmc_field *f, vmc_value **out)
{
    int rc;
    const vmc_vmsd *key_vmsd = gtree_key_vmsd(f);
    vmc_value *t = vmc_virtio_node(dc, VMC_VALUE_STRUCT, f->name, "gtree");
    if (!t) {
        return VMC_ENOMEM;
    }
    vmc_value *nn, *nodes;
    if ((rc = vmc_virtio_add_leaf(dc, t, "nnodes", "uint32", 4, &nn))) {
        return rc;
    }
    if (nn->v.u > MAX_NODES) {
        return vmc_decode_fail(dc, VMC_ELIMIT, "%s: gtree with %llu nodes", f->name,
                               (unsigned long long)nn->v.u);
    }
    if (!(nodes = vmc_virtio_node(dc, VMC_VALUE_ARRAY, "nodes", "struct"))) {
        return VMC_ENOMEM;
    }
    size_t old = vmc_decode_path_push(dc, "nodes", false);
    uint64_t count = 0;
    for (;;) {
        int64_t at = vmc_cursor_abs(&dc->cur);
        if ((rc = vmc_decode_need(dc, 1, "gtree marker"))) {
            return rc;
        }
        if (dc->cur.base[dc->cur.pos] == 0) {
            break;
        }
        if (++count > nn->v.u) {
            return vmc_decode_fail(dc, VMC_EFORMAT, "%s inconsistent stream when loading the "
                                   "gtree (more than %llu nodes)", f->name,
                                   (unsigned long long)nn->v.u);
        }
        char idx[24];
        snprintf(idx, sizeof(idx), "[%llu]", (unsigned long long)(count - 1));
        size_t o2 = vmc_decode_path_push(dc, idx, true);
        vmc_value *node = vmc_virtio_node(dc, VMC_VALUE_STRUCT, NULL, "struct");
        bool more;
        if (!node) {
            return VMC_ENOMEM;
        }
        if ((rc = decode_marker(dc, node, "more", &more))) {
            return rc;
        }
        vmc_value *k, *v;
        if (key_vmsd) {
            size_t o3 = vmc_decode_path_push(dc, "key", false);
            rc = decode_nested(dc, key_vmsd, f->version_id, "key", &k);
            vmc_decode_path_pop(dc, o3);
            if (rc || (rc = vmc_virtio_add(dc, node, k))) {
                return rc;
            }
        } else if ((rc = vmc_virtio_add_leaf(dc, node, "key", "uint64", 8, NULL))) {
            return rc;
        }
        size_t o3 = vmc_decode_path_push(dc, "value", false);
        rc = decode_nested(dc, f->vmsd, f->version_id, "value", &v);
        vmc_decode_path_pop(dc, o3);
        if (rc || (rc = vmc_virtio_add(dc, node, v)) ||
            (rc = vmc_virtio_attach(dc, nodes, node))) {
            return rc;
        }
        vmc_decode_path_pop(dc, o2);
        if (vmc_cursor_abs(&dc->cur) == at) {
            return vmc_decode_fail(dc, VMC_EFORMAT, "gtree node of no bytes");
        }
    }
    vmc_decode_path_pop(dc, old);
    bool more;
    if ((rc = vmc_virtio_attach(dc, t, nodes)) || (rc = decode_marker(dc, t, "end", &more))) {
        return rc;
    }
    if (count != nn->v.u) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "%s inconsistent stream when loading the gtree "
                               "(%llu of %llu nodes)", f->name, (unsigned long long)count,
                               (unsigned long long)nn->v.u);
    }
    t->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - t->offset);
    *out = t;
    return 0;
}

static int decode_qlist(vmc_decode_ctx *dc, const vmc_field *f, vmc_value **out)
{
    int rc;
    vmc_value *l = vmc_virtio_node(dc, VMC_VALUE_STRUCT, f->name, "qlist");
    vmc_value *items = l ? vmc_virtio_node(dc, VMC_VALUE_ARRAY, "elements", "struct") : NULL;
    if (!items) {
        return VMC_ENOMEM;
    }
    size_t old = vmc_decode_path_push(dc, "elements", false);
    for (unsigned i = 0;; i++) {
        if ((rc = vmc_decode_need(dc, 1, "qlist marker"))) {
            return rc;
        }
        if (dc->cur.base[dc->cur.pos] == 0) {
            break;
        }
        char idx[16];
        snprintf(idx, sizeof(idx), "[%u]", i);
        size_t o2 = vmc_decode_path_push(dc, idx, true);
        vmc_value *el = vmc_virtio_node(dc, VMC_VALUE_STRUCT, NULL, "struct"), *v;
        bool more;
        if (!el) {
            return VMC_ENOMEM;
        }
        if ((rc = decode_marker(dc, el, "more", &more))) {
            return rc;
        }
        rc = decode_nested(dc, f->vmsd, f->version_id, "value", &v);
        if (rc || (rc = vmc_virtio_add(dc, el, v)) || (rc = vmc_virtio_attach(dc, items, el))) {
            return rc;
        }
        vmc_decode_path_pop(dc, o2);
    }
    vmc_decode_path_pop(dc, old);
    bool more;
    if ((rc = vmc_virtio_attach(dc, l, items)) || (rc = decode_marker(dc, l, "end", &more))) {
        return rc;
    }
    l->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - l->offset);
    *out = l;
    return 0;
}

/* Walk a vmsd of scalar, gtree and qlist fields (no subsections, no hooks). */
static int decode_vmsd(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version, const char *name,
                       vmc_value **out)
{
    int rc;
    if (version > vmsd->version_id || version < vmsd->minimum_version_id) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "%s: incoming version_id %d is outside %d..%d",
                               vmsd->name, version, vmsd->minimum_version_id,
                               vmsd->version_id);
    }
    if (++dc->depth > 16) {
        return vmc_decode_fail(dc, VMC_ELIMIT, "virtio-iommu state nested too deep");
    }
    vmc_value *self = vmc_virtio_node(dc, VMC_VALUE_STRUCT, name, "struct");
    if (!self) {
        return VMC_ENOMEM;
    }
    self->vmsd_name = vmsd->name;
    self->version = version;
    for (size_t i = 0; vmsd->fields[i].name; i++) {
        const vmc_field *f = &vmsd->fields[i];
        if (f->version_id > version) {
            continue;
        }
        vmc_value *v;
        size_t old = vmc_decode_path_push(dc, f->name, false);
        if (strcmp(f->info, "gtree") == 0) {
            rc = decode_gtree(dc, f, &v);
        } else if (strcmp(f->info, "qlist") == 0) {
            rc = decode_qlist(dc, f, &v);
        } else {
            const vmc_info *info = vmc_info_find(f->info);
            rc = vmc_decode_leaf(dc, f->name, f->info, info && info->width ? info->width : f->size,
                                 &v);
        }
        vmc_decode_path_pop(dc, old);
        if (rc || (rc = vmc_virtio_add(dc, self, v))) {
            return rc;
        }
    }
    dc->depth--;
    self->size = (uint64_t)(vmc_cursor_abs(&dc->cur) - self->offset);
    *out = self;
    return 0;
}

int vmc_virtio_iommu_decode_vmsd(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version,
                                 vmc_value **out)
{
    return decode_vmsd(dc, vmsd, version, vmsd->name, out);
}
