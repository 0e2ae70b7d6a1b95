/*
 * RAM page encodings of the migration stream (stream-format.md section 11).
 */
#ifndef VMCOMPAT_RAM_H
#define VMCOMPAT_RAM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Apply an XBZRLE delta (RAM_SAVE_FLAG_XBZRLE payload after the encoding
 * byte and length) to page, which holds the destination's current contents.
 * The grammar is runs of (uleb128 unchanged-count, uleb128 changed-count,
 * changed bytes); the checks are QEMU's: at least 2 input bytes before each
 * count, a zero unchanged-count only first, no zero changed-count, no write
 * past the page.  Returns 0, or VMC_EFORMAT with QEMU's error wording.
 */
int vmc_xbzrle_decode(const uint8_t *delta, size_t len, uint8_t *page, size_t page_size);

/*
 * Encode the difference old -> cur as QEMU's sender does (runs of unchanged
 * and changed bytes; the trailing unchanged run is omitted).  Returns the
 * encoded length, 0 when the pages are equal, or -1 when the encoding would
 * not fit in out_cap bytes (QEMU then sends a normal page).
 */
long vmc_xbzrle_encode(const uint8_t *old, const uint8_t *cur, size_t page_size, uint8_t *out,
                       size_t out_cap);

/*
 * Inflate a RAM_SAVE_FLAG_COMPRESS_PAGE payload (one complete zlib stream)
 * into exactly page_size bytes.  Returns 0, or VMC_EFORMAT when the data is
 * not a zlib stream or does not inflate to exactly one page.
 */
int vmc_page_inflate(const uint8_t *z, size_t len, uint8_t *page, size_t page_size);

#ifdef __cplusplus
}
#endif
#endif
