/* Stream copy with byte patches; see include/vmcompat/rewrite.h. */
#include "vmcompat/rewrite.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <stdlib.h>
#include <string.h>

static int by_offset(const void *a, const void *b)
{
    const vmc_patch *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int vmc_stream_copy_patched(vmc_source *in, vmc_sink *out, const vmc_patch *patches, size_t n)
{
    vmc_patch *sorted = NULL;
    if (n) {
        sorted = malloc(n * sizeof(*sorted));
        if (!sorted) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        memcpy(sorted, patches, n * sizeof(*sorted));
        qsort(sorted, n, sizeof(*sorted), by_offset);
    }
    size_t next = 0;
    int rc = 0;
    uint8_t buf[65536];
    for (;;) {
        const uint8_t *p;
        int64_t got = vmc_source_peek(in, sizeof(buf), &p);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        if (got == 0) {
            break;
        }
        int64_t start = vmc_source_tell(in);
        memcpy(buf, p, (size_t)got);
        while (next < n && sorted[next].offset < start + got) {
            if (sorted[next].offset >= start) {
                uint8_t *b = &buf[sorted[next].offset - start];
                *b = (uint8_t)((*b & ~sorted[next].mask) | (sorted[next].value & sorted[next].mask));
            }
            next++;
        }
        vmc_source_consume(in, (size_t)got);
        if ((rc = vmc_sink_write(out, buf, (size_t)got))) {
            break;
        }
    }
    if (!rc && next < n) {
        rc = vmc_error_set(VMC_EUSAGE, sorted[next].offset, NULL, NULL,
                           "patch at offset 0x%llx is beyond the end of the stream",
                           (unsigned long long)sorted[next].offset);
    }
    free(sorted);
    return rc;
}
