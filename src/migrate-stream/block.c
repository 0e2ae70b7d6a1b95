/*
 * Block-migration payload ("block", capability `block`): be64 records of
 * (sector << 9) | flags, DEVICE_BLOCK records carry a counted device name and
 * 1 MiB of data unless ZERO_BLOCK, PROGRESS carries a percentage, EOS ends.
 */
#include "migrate-stream/reader_internal.h"
#include "common/error_internal.h"

#define BLK_FLAG_DEVICE_BLOCK 0x01
#define BLK_FLAG_EOS 0x02
#define BLK_FLAG_PROGRESS 0x04
#define BLK_FLAG_ZERO_BLOCK 0x08
#define BLK_BLOCK_SIZE (1u << 20)

int vmc_block_next(vmc_reader *r, vmc_event *ev, bool *payload_done)
{
    int rc;
    uint64_t h;
    if ((rc = vmc_source_get_be64(r->src, &h, "block record header"))) {
        return rc;
    }
    uint32_t flags = (uint32_t)(h & 511);
    uint64_t sector = h >> 9;
    ev->kind = VMC_EV_BLOCK_RECORD;
    ev->u.block.sector = sector;
    ev->u.block.flags = flags;
    if (flags & BLK_FLAG_DEVICE_BLOCK) {
        int len = vmc_read_counted(r->src, r->blk_dev, "block device name");
        if (len < 0) {
            return len;
        }
        ev->u.block.device = r->blk_dev;
        if (!(flags & BLK_FLAG_ZERO_BLOCK)) {
            /* 1 MiB does not fit a peek: pass it by, counting. */
            if ((rc = vmc_source_skip(r->src, BLK_BLOCK_SIZE, "block data"))) {
                return rc;
            }
            ev->u.block.len = BLK_BLOCK_SIZE;
        }
    } else if (flags & BLK_FLAG_PROGRESS) {
        /* the percentage is in the sector bits */
    } else if (!(flags & BLK_FLAG_EOS)) {
        return vmc_error_set(VMC_EFORMAT, ev->offset, "block", "flags",
                             "Unknown block migration flags: 0x%x", flags);
    }
    if (flags & BLK_FLAG_EOS) {
        *payload_done = true;
    }
    ev->length = vmc_source_tell(r->src) - ev->offset;
    return 1;
}
