/*
 * SCSI devices (hw/scsi/scsi-bus.c, scsi-disk.c, QEMU 7.2): "SCSIDevice"
 * (scsi-generic's own vmsd, and nested as `qdev` in "scsi-disk", the vmsd
 * of scsi-hd, scsi-cd and scsi-block).  Its field `requests` has its own
 * VMStateInfo "scsi-requests" (put_scsi_requests):
 *
 *   per request in flight:
 *     int8 1 (retry) or 2, cmd.buf[16], be32 tag, be32 lun,
 *     the HBA's save_request   virtio-scsi: be32 queue (n), element
 *                              lsi, megasas, esp, pvscsi: nothing
 *     the request's save_request (scsi-disk READ/WRITE requests):
 *        be64 sector, be32 sector_count, be32 buflen, and when buflen != 0:
 *        data-out: MIN(sector_count * 512, buflen) bytes;
 *        other, not retried: be32 len + len bytes
 *   int8 0
 */
#include "devices/virtio_models.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <stdio.h>
#include <string.h>

#define SCSI_SENSE_BUF_SIZE_OLD 96
#define SCSI_SENSE_BUF_SIZE 252
#define SCSI_CMD_BUF_SIZE 16
#define MAX_REQUESTS 65536

bool vmc_scsi_sense_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_hook_int(ctx, "sense_len", 0) > SCSI_SENSE_BUF_SIZE_OLD;
}

static const vmc_field sense_fields[] = {
    /* VMSTATE_UINT8_SUB_ARRAY(sense, ..., 96, 156): the tail of the buffer */
    VMC_UINT8_ARRAY("sense", SCSI_SENSE_BUF_SIZE - SCSI_SENSE_BUF_SIZE_OLD),
    VMC_END,
};
static const vmc_vmsd vmsd_sense_state = {
    .name = "SCSIDevice/sense", .version_id = 1, .minimum_version_id = 1,
    .fields = sense_fields, .needed = "scsi_sense_state_needed",
};
static const vmc_vmsd *const scsi_device_subsections[] = { &vmsd_sense_state, NULL };

static const vmc_field scsi_device_fields[] = {
    VMC_UINT8("unit_attention.key"),
    VMC_UINT8("unit_attention.asc"),
    VMC_UINT8("unit_attention.ascq"),
    VMC_BOOL("sense_is_ua"),
    VMC_UINT8_ARRAY("sense", SCSI_SENSE_BUF_SIZE_OLD),
    VMC_UINT32("sense_len"),
    { .name = "requests", .info = "scsi-requests", .flags = VMC_F_SINGLE },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_scsi_device = {
    .name = "SCSIDevice", .version_id = 1, .minimum_version_id = 1,
    .fields = scsi_device_fields, .subsections = scsi_device_subsections,
};

static const vmc_field scsi_disk_fields[] = {
    VMC_STRUCT("qdev", vmc_vmsd_scsi_device),
    VMC_BOOL("media_changed"),
    VMC_BOOL("media_event"),
    VMC_BOOL("eject_request"),
    VMC_BOOL("tray_open"),
    VMC_BOOL("tray_locked"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_scsi_disk = {
    .name = "scsi-disk", .version_id = 1, .minimum_version_id = 1,
    .fields = scsi_disk_fields,
};

/* ---- scsi-requests -------------------------------------------------------- */

/* Opcodes that scsi-disk serves with its DMA request ops (the only scsi-disk
 * ops with a save_request). */
static bool disk_dma_opcode(uint8_t op)
{
    switch (op) {
    case 0x08: case 0x28: case 0xa8: case 0x88:   /* READ_6/10/12/16 */
    case 0x0a: case 0x2a: case 0xaa: case 0x8a:   /* WRITE_6/10/12/16 */
    case 0x2e: case 0xae: case 0x8e:              /* WRITE_VERIFY_10/12/16 */
        return true;
    default:
        return false;
    }
}

/* scsi_cmd_xfer_mode() for the DMA opcodes: data-out, or none when the
 * CDB's transfer length is 0 (READ_6/WRITE_6: 0 means 256 blocks). */
static bool dma_write(const uint8_t *cdb)
{
    switch (cdb[0]) {
    case 0x0a: case 0x2a: case 0xaa: case 0x8a: case 0x2e: case 0xae: case 0x8e:
        break;
    default:
        return false;
    }
    uint32_t len;
    switch (cdb[0] >> 5) {
    case 0:
        return true;
    case 1:
        len = vmc_be16(cdb + 7);
        break;
    case 4:
        len = vmc_be32(cdb + 10);
        break;
    default:
        len = vmc_be32(cdb + 6);
        break;
    }
    return len != 0;
}

static bool plausible_elem(const uint8_t *p)
{
    uint32_t idx = vmc_le32(p), out = vmc_le32(p + 4), in = vmc_le32(p + 8);
    return idx < 1024 && out <= 1024 && in <= 1024 && out + in > 0 && vmc_le32(p + 12) == 0;
}

/*
 * Is the SCSI bus a virtio-scsi bus?  The HBA is not named in the section
 * (the idstr has only its PCI path).  TODO: dc->device.  Otherwise the
 * bytes after the request header tell: virtio-scsi writes a small be32
 * queue number and then a VirtQueueElement, whose header is recognisable.
 */
static bool virtio_scsi_request(const vmc_decode_ctx *dc)
{
    size_t left = vmc_cursor_left(&dc->cur);
    const uint8_t *p = dc->cur.base + dc->cur.pos;
    if (left < 4 + 4 + 16 + 4) {
        return false;
    }
    if (vmc_be32(p) >= 1024) {
        return false;
    }
    return plausible_elem(p + 4) || (vmc_be32(p + 4) - 1 < 1024 && plausible_elem(p + 8));
}

/* The SCSIDevice is a scsi-disk (not scsi-generic): an enclosing struct was
 * decoded with the "scsi-disk" vmsd. */
static bool in_scsi_disk(const vmc_decode_ctx *dc)
{
    for (int i = dc->nscope - 1; i >= 0; i--) {
        const char *n = dc->scope[i]->vmsd_name;
        if (n && strcmp(n, "scsi-disk") == 0) {
            return true;
        }
    }
    return false;
}

static int decode_disk_part(vmc_decode_ctx *dc, vmc_value *req, const uint8_t *cdb, bool retry)
{
    int rc;
    vmc_value *count, *buflen;
    if ((rc = vmc_virtio_add_leaf(dc, req, "sector", "uint64", 8, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, req, "sector_count", "uint32", 4, &count)) ||
        (rc = vmc_virtio_add_leaf(dc, req, "buflen", "uint32", 4, &buflen))) {
        return rc;
    }
    if (buflen->v.u == 0) {
        return 0;
    }
    if (dma_write(cdb)) {
        uint64_t n = count->v.u * 512;
        if (n > buflen->v.u) {
            n = buflen->v.u;
        }
        return vmc_virtio_add_leaf(dc, req, "data", "buffer", n, NULL);
    }
    if (!retry) {
        vmc_value *len;
        if ((rc = vmc_virtio_add_leaf(dc, req, "len", "uint32", 4, &len))) {
            return rc;
        }
        if (len->v.u > buflen->v.u) {
            vmc_decode_warn(dc, "scsi-disk request data of %llu bytes exceeds buflen %llu "
                            "(QEMU asserts)", (unsigned long long)len->v.u,
                            (unsigned long long)buflen->v.u);
        }
        return vmc_virtio_add_leaf(dc, req, "data", "buffer", len->v.u, NULL);
    }
    return 0;
}

static int decode_request(vmc_decode_ctx *dc, vmc_value *req, bool disk)
{
    int rc;
    vmc_value *marker, *cdb;
    if ((rc = vmc_virtio_add_leaf(dc, req, "retry", "int8", 1, &marker)) ||
        (rc = vmc_virtio_add_leaf(dc, req, "cmd.buf", "buffer", SCSI_CMD_BUF_SIZE, &cdb)) ||
        (rc = vmc_virtio_add_leaf(dc, req, "tag", "uint32", 4, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, req, "lun", "uint32", 4, NULL))) {
        return rc;
    }
    if (virtio_scsi_request(dc)) {
        vmc_value *elem;
        if ((rc = vmc_virtio_add_leaf(dc, req, "virtio_scsi.n", "uint32", 4, NULL))) {
            return rc;
        }
        size_t old = vmc_decode_path_push(dc, "elem", false);
        rc = vmc_virtio_decode_element(dc, "elem", vmc_virtio_element_is_packed(dc), &elem);
        vmc_decode_path_pop(dc, old);
        if (rc || (rc = vmc_virtio_add(dc, req, elem))) {
            return rc;
        }
    }
    const uint8_t *buf = cdb->v.bytes.p;
    if (disk) {
        if (disk_dma_opcode(buf[0])) {
            return decode_disk_part(dc, req, buf, marker->v.i == 1);
        }
        return 0;
    }
    /* scsi-generic: be32 buflen, and for data-out the CDB's transfer
     * length in bytes, which needs the device's block size. */
    vmc_value *buflen;
    if ((rc = vmc_virtio_add_leaf(dc, req, "buflen", "int32", 4, &buflen))) {
        return rc;
    }
    if (buflen->v.i && dma_write(buf)) {
        return vmc_decode_fail(dc, VMC_EUNSUPPORTED, "scsi-generic data-out request in flight "
                               "(its length depends on the host device)");
    }
    return 0;
}

static int decode_requests(vmc_decode_ctx *dc, const char *name, uint64_t size, vmc_value **out)
{
    int rc;
    size_t start = dc->cur.pos;
    bool disk = in_scsi_disk(dc);
    vmc_value *r = vmc_virtio_node(dc, VMC_VALUE_STRUCT, name, "scsi-requests");
    vmc_value *list = r ? vmc_virtio_node(dc, VMC_VALUE_ARRAY, "requests", "struct") : NULL;
    if (!list) {
        return VMC_ENOMEM;
    }
    size_t old = vmc_decode_path_push(dc, "requests", false);
    for (unsigned i = 0;; i++) {
        if ((rc = vmc_decode_need(dc, 1, "scsi request marker"))) {
            return rc;
        }
        /* the loader continues while the signed byte is > 0 */
        if ((int8_t)dc->cur.base[dc->cur.pos] <= 0) {
            break;
        }
        if (i >= MAX_REQUESTS) {
            return vmc_decode_fail(dc, VMC_ELIMIT, "more than %d SCSI requests",
                                   MAX_REQUESTS);
        }
        char idx[16];
        snprintf(idx, sizeof(idx), "[%u]", i);
        size_t o2 = vmc_decode_path_push(dc, idx, true);
        vmc_value *req = vmc_virtio_node(dc, VMC_VALUE_STRUCT, NULL, "struct");
        if (!req) {
            return VMC_ENOMEM;
        }
        if ((rc = decode_request(dc, req, disk)) || (rc = vmc_virtio_attach(dc, list, req))) {
            return rc;
        }
        vmc_decode_path_pop(dc, o2);
    }
    vmc_decode_path_pop(dc, old);
    if ((rc = vmc_virtio_attach(dc, r, list)) ||
        (rc = vmc_virtio_add_leaf(dc, r, "end", "int8", 1, NULL))) {
        return rc;
    }
    r->size = dc->cur.pos - start;
    if (size != UINT64_MAX && r->size != size) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "scsi-requests decode to %llu bytes but the "
                               "vmdesc says %llu", (unsigned long long)r->size,
                               (unsigned long long)size);
    }
    *out = r;
    return 0;
}

int vmc_scsi_requests_decode(vmc_decode_ctx *dc, const char *name, uint64_t size,
                             vmc_value **out)
{
    return vmc_virtio_custom_guarded(dc, name, "scsi-requests", size, decode_requests, out);
}
