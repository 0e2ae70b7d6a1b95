/*
 * RAM section payload ("ram", version 4): the block list (MEM_SIZE) and
 * page records (ZERO, PAGE, COMPRESS_PAGE, XBZRLE, CONTINUE, EOS; 8.0's
 * MULTIFD_FLUSH is recognised and flagged).  The checks mirror
 * ram_load_precopy() of QEMU 7.2 wherever the stream alone can tell.
 */
#include "migrate-stream/reader_internal.h"
#include "common/error_internal.h"

#include <stdarg.h>

#include <string.h>

#define COMPRESS_BOUND_4K 4110   /* compressBound(4096) of zlib */

static int ram_fail(vmc_reader *r, int code, int64_t off, const char *field, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));

static int ram_fail(vmc_reader *r, int code, int64_t off, const char *field, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmc_error_setv(code, off, r->cur ? r->cur->idstr : "ram", field, fmt, ap);
    va_end(ap);
    return code;
}

/* One entry of the block list. */
static int read_block_entry(vmc_reader *r, vmc_event *ev)
{
    int rc;
    int len = vmc_read_counted(r->src, r->name_buf, "RAM block name");
    if (len < 0) {
        return len;
    }
    if (len == 0) {
        return ram_fail(r, VMC_EFORMAT, ev->offset, "block list",
                        "empty RAM block name in the block list (%llu bytes still expected)",
                        (unsigned long long)r->mem_size_left);
    }
    uint64_t used;
    if ((rc = vmc_source_get_be64(r->src, &used, "RAM block length"))) {
        return rc;
    }
    ev->u.ram_block.page_size = 0;
    ev->u.ram_block.gpa = UINT64_MAX;
    /* Only sent with postcopy-ram when the block's page size differs from the
     * host's; its first byte is then 0, which no block name length can be. */
    if (r->postcopy_ram && r->postcopy_page_summary != r->page_size) {
        const uint8_t *p;
        int64_t got = vmc_source_peek(r->src, 1, &p);
        if (got < 0) {
            return (int)got;
        }
        if (got == 1 && p[0] == 0 && used < r->mem_size_left) {
            if ((rc = vmc_source_get_be64(r->src, &ev->u.ram_block.page_size,
                                          "RAM block page size"))) {
                return rc;
            }
        }
    }
    if (r->ignore_shared) {
        if ((rc = vmc_source_get_be64(r->src, &ev->u.ram_block.gpa, "RAM block address"))) {
            return rc;
        }
    }
    if (used > r->mem_size_left) {
        return ram_fail(r, VMC_EFORMAT, ev->offset, "block list",
                        "RAM block '%s' of 0x%llx bytes exceeds the 0x%llx bytes the block "
                        "list announced", r->name_buf, (unsigned long long)used,
                        (unsigned long long)r->mem_size_left);
    }
    r->mem_size_left -= used;
    if (g_hash_table_size(r->block_len) < 4096) {
        uint64_t *lenp = g_new(uint64_t, 1);
        *lenp = used;
        g_hash_table_replace(r->block_len, g_strdup(r->name_buf), lenp);
    }
    if (r->mem_size_left == 0) {
        r->in_mem_size = false;
    }
    ev->kind = VMC_EV_RAM_BLOCK;
    ev->length = vmc_source_tell(r->src) - ev->offset;
    ev->u.ram_block.name = r->name_buf;
    ev->u.ram_block.used_length = used;
    return 1;
}

int vmc_ram_next(vmc_reader *r, vmc_event *ev, bool *payload_done)
{
    int rc;
    for (;;) {
        ev->offset = vmc_source_tell(r->src);
        if (r->in_mem_size) {
            return read_block_entry(r, ev);
        }
        uint64_t h;
        if ((rc = vmc_source_get_be64(r->src, &h, "RAM record header"))) {
            return rc;
        }
        uint32_t flags = (uint32_t)(h & r->page_mask);
        uint64_t addr = h & ~r->page_mask;
        uint32_t kind_flags = flags & ~(uint32_t)VMC_RAM_CONTINUE;

        switch (kind_flags) {
        case VMC_RAM_EOS:
            if (flags != VMC_RAM_EOS) {
                break;
            }
            *payload_done = true;
            return 0;
        case VMC_RAM_MEM_SIZE:
            if (addr == 0) {
                continue;   /* empty list */
            }
            r->mem_size_left = addr;
            r->in_mem_size = true;
            r->have_last_block = false;
            r->last_block_len = NULL;
            continue;
        case VMC_RAM_MULTIFD_FLUSH:
            vmc_reader_warn(r, "RAM record at 0x%llx has MULTIFD_FLUSH (0x200), which QEMU 8.0+ "
                            "writes; QEMU 7.2 refuses it (Unknown combination of migration "
                            "flags: 0x%x)", (unsigned long long)ev->offset, flags);
            ev->kind = VMC_EV_RAM_FLUSH;
            ev->length = 8;
            ev->u.page.flags = flags;
            return 1;
        case VMC_RAM_ZERO:
        case VMC_RAM_PAGE:
        case VMC_RAM_COMPRESS_PAGE:
        case VMC_RAM_XBZRLE: {
            if (!(flags & VMC_RAM_CONTINUE)) {
                int len = vmc_read_counted(r->src, r->last_block, "RAM block id");
                if (len < 0) {
                    return len;
                }
                r->have_last_block = true;
                r->last_block_len = g_hash_table_lookup(r->block_len, r->last_block);
                if (!r->last_block_len && g_hash_table_size(r->block_len)) {
                    vmc_reader_warn(r, "page record at 0x%llx for RAM block '%s', which the "
                                    "block list does not contain",
                                    (unsigned long long)ev->offset, r->last_block);
                }
            } else if (!r->have_last_block) {
                return ram_fail(r, VMC_EFORMAT, ev->offset, "flags",
                                "Ack, bad migration stream! CONTINUE page record without a "
                                "previous block (Illegal RAM offset %llx)",
                                (unsigned long long)addr);
            }
            const uint64_t *blen = r->last_block_len;
            if (blen && addr >= *blen) {
                return ram_fail(r, VMC_EFORMAT, ev->offset, "offset",
                                "Illegal RAM offset %llx: block '%s' has 0x%llx bytes",
                                (unsigned long long)addr, r->last_block,
                                (unsigned long long)*blen);
            }
            ev->kind = VMC_EV_RAM_PAGE;
            ev->u.page.block = r->last_block;
            ev->u.page.addr = addr;
            ev->u.page.flags = flags;
            if (kind_flags == VMC_RAM_ZERO) {
                uint8_t fill;
                if ((rc = vmc_source_get_u8(r->src, &fill, "zero page fill byte"))) {
                    return rc;
                }
                ev->u.page.kind = VMC_PAGE_ZERO;
                ev->u.page.fill = fill;
            } else if (kind_flags == VMC_RAM_PAGE) {
                const uint8_t *p;
                int64_t got = vmc_source_peek(r->src, r->page_size, &p);
                if (got < 0) {
                    return (int)got;
                }
                if (got < r->page_size) {
                    return ram_fail(r, VMC_ETRUNC, vmc_source_tell(r->src), "page",
                                    "stream ends inside the page at 0x%llx of block '%s' "
                                    "(%lld of %u bytes)", (unsigned long long)addr,
                                    r->last_block, (long long)got, r->page_size);
                }
                ev->u.page.kind = VMC_PAGE_NORMAL;
                ev->u.page.data = p;
                ev->u.page.len = r->page_size;
                vmc_source_consume(r->src, r->page_size);
            } else if (kind_flags == VMC_RAM_COMPRESS_PAGE) {
                uint32_t len;
                if ((rc = vmc_source_get_be32(r->src, &len, "compressed page length"))) {
                    return rc;
                }
                if (len > COMPRESS_BOUND_4K) {
                    return ram_fail(r, VMC_EFORMAT, vmc_source_tell(r->src) - 4, "length",
                                    "Invalid compressed data length: %d", (int)len);
                }
                const uint8_t *p;
                int64_t got = vmc_source_peek(r->src, len, &p);
                if (got < 0) {
                    return (int)got;
                }
                if (got < len) {
                    return ram_fail(r, VMC_ETRUNC, vmc_source_tell(r->src), "page",
                                    "stream ends inside a compressed page");
                }
                ev->u.page.kind = VMC_PAGE_COMPRESSED;
                ev->u.page.data = p;
                ev->u.page.len = len;
                vmc_source_consume(r->src, len);
            } else {
                uint8_t enc;
                uint16_t len;
                if ((rc = vmc_source_get_u8(r->src, &enc, "XBZRLE encoding")) ||
                    (rc = vmc_source_get_be16(r->src, &len, "XBZRLE length"))) {
                    return rc;
                }
                if (enc != 0x01) {
                    return ram_fail(r, VMC_EFORMAT, vmc_source_tell(r->src) - 3, "encoding",
                                    "Failed to load XBZRLE page - wrong compression!");
                }
                if (len > r->page_size) {
                    return ram_fail(r, VMC_EFORMAT, vmc_source_tell(r->src) - 2, "length",
                                    "Failed to load XBZRLE page - len overflow!");
                }
                const uint8_t *p;
                int64_t got = vmc_source_peek(r->src, len, &p);
                if (got < 0) {
                    return (int)got;
                }
                if (got < len) {
                    return ram_fail(r, VMC_ETRUNC, vmc_source_tell(r->src), "page",
                                    "stream ends inside an XBZRLE page");
                }
                ev->u.page.kind = VMC_PAGE_XBZRLE;
                ev->u.page.data = p;
                ev->u.page.len = len;
                vmc_source_consume(r->src, len);
            }
            ev->length = vmc_source_tell(r->src) - ev->offset;
            return 1;
        }
        default:
            break;
        }
        if (flags & VMC_RAM_HOOK) {
            return ram_fail(r, VMC_EFORMAT, ev->offset, "flags",
                            "RAM_SAVE_FLAG_HOOK (0x%x) is only valid over RDMA", flags);
        }
        return ram_fail(r, VMC_EFORMAT, ev->offset, "flags",
                        "Unknown combination of migration flags: 0x%x", flags);
    }
}
