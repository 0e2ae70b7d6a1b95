/*
 * Dirty-bitmap payload ("dirty-bitmap", capability `dirty-bitmaps`).
 * Each record: flags (1 byte; QEMU 7.2 reads more bytes while bit 0x80 is
 * set), [counted device name], [counted bitmap name], then per kind:
 * START be32 granularity + 1 flag byte; BITS be64 first sector, be32 sector
 * count and, unless ZEROES, be64 size + data; COMPLETE nothing.  EOS ends.
 */
#include "migrate-stream/reader_internal.h"
#include "common/error_internal.h"

#define DBM_EOS 0x01
#define DBM_ZEROES 0x02
#define DBM_BITMAP_NAME 0x04
#define DBM_DEVICE_NAME 0x08
#define DBM_START 0x10
#define DBM_COMPLETE 0x20
#define DBM_BITS 0x40
#define DBM_EXTRA_FLAGS 0x80
#define DBM_CHUNK (1u << 10)

int vmc_bitmap_next(vmc_reader *r, vmc_event *ev, bool *payload_done)
{
    int rc;
    uint8_t b;
    if ((rc = vmc_source_get_u8(r->src, &b, "dirty bitmap flags"))) {
        return rc;
    }
    uint32_t flags = b;
    /* QEMU 7.2 keeps the flags in a uint8_t, so extension bytes replace it. */
    if (flags & DBM_EXTRA_FLAGS) {
        if ((rc = vmc_source_get_u8(r->src, &b, "dirty bitmap flags"))) {
            return rc;
        }
        flags = b;
        if (flags & DBM_EXTRA_FLAGS) {
            uint16_t w;
            if ((rc = vmc_source_get_be16(r->src, &w, "dirty bitmap flags"))) {
                return rc;
            }
            flags = w & 0xff;
        }
    }
    ev->kind = VMC_EV_BITMAP_RECORD;
    ev->u.bitmap.flags = flags;
    if (flags & DBM_DEVICE_NAME) {
        int len = vmc_read_counted(r->src, r->bm_dev, "bitmap device name");
        if (len < 0) {
            return len;
        }
    }
    if (flags & DBM_BITMAP_NAME) {
        int len = vmc_read_counted(r->src, r->bm_name, "bitmap name");
        if (len < 0) {
            return len;
        }
    }
    ev->u.bitmap.device = r->bm_dev;
    ev->u.bitmap.bitmap = r->bm_name;
    if (flags & DBM_START) {
        uint32_t gran;
        uint8_t sflags;
        if ((rc = vmc_source_get_be32(r->src, &gran, "bitmap granularity")) ||
            (rc = vmc_source_get_u8(r->src, &sflags, "bitmap start flags"))) {
            return rc;
        }
        if (sflags & 0xf8) {
            return vmc_error_set(VMC_EFORMAT, vmc_source_tell(r->src) - 1, "dirty-bitmap",
                                 "flags", "Unknown flags in migrated dirty bitmap header: %x",
                                 sflags);
        }
        ev->u.bitmap.granularity = gran;
    } else if (flags & DBM_COMPLETE) {
        /* nothing follows */
    } else if (flags & DBM_BITS) {
        uint64_t first;
        uint32_t nr;
        if ((rc = vmc_source_get_be64(r->src, &first, "bitmap first sector")) ||
            (rc = vmc_source_get_be32(r->src, &nr, "bitmap sector count"))) {
            return rc;
        }
        ev->u.bitmap.first_sector = first;
        ev->u.bitmap.nr_sectors = nr;
        if (!(flags & DBM_ZEROES)) {
            uint64_t size;
            if ((rc = vmc_source_get_be64(r->src, &size, "bitmap data size"))) {
                return rc;
            }
            if (size > 10 * DBM_CHUNK) {
                return vmc_error_set(VMC_EFORMAT, vmc_source_tell(r->src) - 8, "dirty-bitmap",
                                     "size", "Bitmap migration stream buffer allocation "
                                     "request is too large (%llu bytes)",
                                     (unsigned long long)size);
            }
            if ((rc = vmc_source_skip(r->src, size, "bitmap data"))) {
                return rc;
            }
            ev->u.bitmap.data_len = size;
        }
    }
    if (flags & DBM_EOS) {
        *payload_done = true;
    }
    ev->length = vmc_source_tell(r->src) - ev->offset;
    return 1;
}
