/*
 * Copying a migration stream with a few bytes changed.  Everything but the
 * patched bits is copied byte for byte; the output is written to a
 * temporary file and renamed into place only when complete.
 */
#ifndef VMCOMPAT_REWRITE_H
#define VMCOMPAT_REWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "vmcompat/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_patch {
    int64_t offset;     /* absolute stream offset of the byte */
    uint8_t mask;       /* bits to replace */
    uint8_t value;      /* their new value (only bits in mask count) */
} vmc_patch;

/*
 * Copy in to out applying patches (any order; offsets beyond the input are
 * an error).  Returns 0 or a negative error; out is not committed.
 */
int vmc_stream_copy_patched(vmc_source *in, vmc_sink *out, const vmc_patch *patches, size_t n);

#ifdef __cplusplus
}
#endif
#endif
