/* Internal byte-source primitives used by the stream parser. */
#ifndef VMC_SOURCE_INTERNAL_H
#define VMC_SOURCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmcompat/source.h"

/*
 * Make at least n bytes available and point *p at them (zero-copy).  Returns
 * the number of bytes available, which is < n only at end of input (then it
 * is what is left), or a negative error.  n must not exceed
 * VMC_SOURCE_MAX_PEEK unless the source is memory-backed.  The pointer is
 * valid until the next call on the source.
 */
#define VMC_SOURCE_MAX_PEEK (1u << 20)
int64_t vmc_source_peek(vmc_source *src, size_t n, const uint8_t **p);

/* Consume n bytes that were peeked (n <= the available count). */
void vmc_source_consume(vmc_source *src, size_t n);

/* Read exactly n bytes or fail with VMC_ETRUNC (error names what/offset). */
int vmc_source_read(vmc_source *src, void *dst, size_t n, const char *what);

/* Skip n bytes; fails with VMC_ETRUNC if the input ends first. */
int vmc_source_skip(vmc_source *src, uint64_t n, const char *what);

int vmc_source_get_u8(vmc_source *src, uint8_t *v, const char *what);
int vmc_source_get_be16(vmc_source *src, uint16_t *v, const char *what);
int vmc_source_get_be32(vmc_source *src, uint32_t *v, const char *what);
int vmc_source_get_be64(vmc_source *src, uint64_t *v, const char *what);

/* True when no byte is left (may read to find out). */
bool vmc_source_at_end(vmc_source *src);

/*
 * Read everything that is left (at most max bytes, else VMC_ELIMIT) into
 * memory owned by the source and continue serving reads from there.  Offsets
 * keep counting.  Afterwards data and len describe the remaining bytes and stay
 * valid until the source is freed.
 */
int vmc_source_slurp(vmc_source *src, uint64_t max, const uint8_t **data, size_t *len);

/* If the source is fully memory-backed: pointer to the byte at absolute offset. */
const uint8_t *vmc_source_memory_at(const vmc_source *src, int64_t offset, size_t *avail);

/* Whether the current data comes from memory (after slurp or open_memory). */
bool vmc_source_is_memory(const vmc_source *src);

static inline uint16_t vmc_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t vmc_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t vmc_be64(const uint8_t *p)
{
    return ((uint64_t)vmc_be32(p) << 32) | vmc_be32(p + 4);
}
static inline uint16_t vmc_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t vmc_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif
