/* XBZRLE and zlib page codecs; see include/vmcompat/ram.h. */
#include "vmcompat/ram.h"
#include "common/error_internal.h"

#include <string.h>
#include <zlib.h>

/* A count of 1 or 2 bytes: 7 bits, then (with bit 7 set) 7 more bits. */
static int get_count(const uint8_t *p, size_t avail, uint32_t *n)
{
    if (avail < 1) {
        return -1;
    }
    if (!(p[0] & 0x80)) {
        *n = p[0];
        return 1;
    }
    if (avail < 2 || (p[1] & 0x80)) {
        return -1;   /* more than 14 bits */
    }
    *n = (uint32_t)(p[0] & 0x7f) | ((uint32_t)p[1] << 7);
    return 2;
}

int vmc_xbzrle_decode(const uint8_t *delta, size_t len, uint8_t *page, size_t page_size)
{
    size_t i = 0, d = 0;
    while (i < len) {
        uint32_t skip, run;
        if (len - i < 2) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "Failed to load XBZRLE page - decode error! (input ends "
                                 "before an unchanged-run count)");
        }
        int used = get_count(delta + i, len - i, &skip);
        if (used < 0 || (i && !skip)) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "Failed to load XBZRLE page - decode error! (bad unchanged-run "
                                 "count at delta byte %zu)", i);
        }
        i += (size_t)used;
        d += skip;
        if (d > page_size) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "Failed to load XBZRLE page - decode error! (runs pass the end "
                                 "of the page)");
        }
        if (len - i < 2) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "Failed to load XBZRLE page - decode error! (input ends "
                                 "before a changed-run count)");
        }
        used = get_count(delta + i, len - i, &run);
        if (used < 0 || !run) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "Failed to load XBZRLE page - decode error! (bad changed-run "
                                 "count at delta byte %zu)", i);
        }
        i += (size_t)used;
        if (d + run > page_size || i + run > len) {
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "Failed to load XBZRLE page - decode error! (changed run of "
                                 "%u bytes overflows)", run);
        }
        memcpy(page + d, delta + i, run);
        d += run;
        i += run;
    }
    return 0;
}

static size_t put_count(uint8_t *p, uint32_t n)
{
    if (n < 0x80) {
        p[0] = (uint8_t)n;
        return 1;
    }
    p[0] = (uint8_t)((n & 0x7f) | 0x80);
    p[1] = (uint8_t)(n >> 7);
    return 2;
}

long vmc_xbzrle_encode(const uint8_t *old, const uint8_t *cur, size_t page_size, uint8_t *out,
                       size_t out_cap)
{
    size_t i = 0, o = 0;
    while (i < page_size) {
        size_t start = i;
        while (i < page_size && old[i] == cur[i]) {
            i++;
        }
        if (i == page_size) {
            break;   /* the final unchanged run is not written */
        }
        uint32_t skip = (uint32_t)(i - start);
        size_t nz = i;
        while (nz < page_size && old[nz] != cur[nz]) {
            nz++;
        }
        uint32_t run = (uint32_t)(nz - i);
        if (o + 4 + run > out_cap) {
            return -1;
        }
        o += put_count(out + o, skip);
        o += put_count(out + o, run);
        memcpy(out + o, cur + i, run);
        o += run;
        i = nz;
    }
    return (long)o;
}

int vmc_page_inflate(const uint8_t *z, size_t len, uint8_t *page, size_t page_size)
{
    z_stream s;
    memset(&s, 0, sizeof(s));
    if (inflateInit(&s) != Z_OK) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "zlib initialisation failed");
    }
    s.next_in = (Bytef *)z;
    s.avail_in = (uInt)len;
    s.next_out = page;
    s.avail_out = (uInt)page_size;
    int zr = inflate(&s, Z_FINISH);
    size_t out = page_size - s.avail_out;
    inflateEnd(&s);
    if (zr != Z_STREAM_END || out != page_size) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "decompress data failed: the compressed page %s",
                             zr == Z_STREAM_END ? "does not inflate to one page"
                             : zr == Z_DATA_ERROR ? "is not valid zlib data"
                                                  : "is incomplete or too large");
    }
    return 0;
}
