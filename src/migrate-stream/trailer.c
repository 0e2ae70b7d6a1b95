/*
 * Finding the vmdesc trailer exactly.
 *
 * QEMU writes  ... QEMU_VM_EOF(0x00) 0x06 be32(len) JSON[len]  at the very
 * end.  QEMU's JSON never contains a raw byte below 0x20 (control
 * characters are escaped), so a candidate at i must satisfy: byte i-1 is
 * 0x00, byte i is 0x06, the JSON starts with '{' at i+5, holds no byte below
 * 0x20, and parses as a vmdesc.  Candidates are tried from the end of the
 * stream backwards, preferring one whose JSON ends exactly at the end of the
 * stream.  Unlike analyze-migration.py this never mistakes a 0x7b inside the
 * length field for the start of the JSON.  The reader later checks that the
 * sequential parse arrives at the same offset.
 */
#include "migrate-stream/reader_internal.h"
#include "common/error_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PARSE_ATTEMPTS 16

/*
 * Lazy mode: accept the trailer that ends exactly at the end of the input
 * without parsing it (its JSON holds no control byte and is braced); the
 * JSON is kept for vmc_reader_vmdesc_ensure().  False when there is none.
 */
static bool locate_exact(vmc_reader *r, const uint8_t *d, size_t len, int64_t base)
{
    if (d[len - 1] != '}') {
        return false;
    }
    size_t nc = len;   /* lowest index holding a control byte, from the end */
    for (size_t i = len; i-- > 0;) {
        if (d[i] < 0x20) {
            nc = i;
            break;
        }
    }
    /* d[i] = 0x06 is a control byte and the JSON after d[i + 4] holds none:
     * i lies in [nc - 4, nc] */
    for (size_t i = nc >= 4 ? nc - 4 : 0; i <= nc && i + 5 < len; i++) {
        if (i < 1 || d[i] != VMC_SEC_VMDESC || d[i - 1] != VMC_SEC_EOF || d[i + 5] != '{') {
            continue;
        }
        uint64_t jl = vmc_be32(d + i + 1);
        if (i + 5 + jl != len || nc > i + 4) {
            continue;
        }
        r->vmdesc_pending = g_memdup2(d + i + 5, (gsize)jl);
        r->vmdesc_pending_len = (size_t)jl;
        r->trailer_offset = base + (int64_t)i;
        r->trailer_end = base + (int64_t)len;
        return true;
    }
    return false;
}

int vmc_reader_vmdesc_ensure(vmc_reader *r)
{
    if (!r->vmdesc_pending) {
        return 0;
    }
    char *json = r->vmdesc_pending;
    size_t len = r->vmdesc_pending_len;
    r->vmdesc_pending = NULL;
    vmc_vmdesc *vd;
    int rc = vmc_vmdesc_parse(&vd, json, len);
    g_free(json);
    if (rc) {
        char buf[VMC_ERROR_TEXT_MAX + 64];
        vmc_reader_warn(r, "vmdesc trailer is not usable: %s",
                        vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
        vmc_error_clear();
        return 0;
    }
    r->vmdesc = vd;
    r->vmdesc_used = calloc(vd->ndevices ? vd->ndevices : 1, sizeof(bool));
    if (!r->vmdesc_used) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    /* the sections the decoder read take their entries, in order */
    for (guint k = 0; r->decoder_sections && k < r->decoder_sections->len; k++) {
        const char *key = g_ptr_array_index(r->decoder_sections, k);
        for (size_t i = r->vmdesc_next; i < vd->ndevices; i++) {
            char *ek = g_strdup_printf("%s\x1f%u", vd->devices[i].name,
                                       (unsigned)vd->devices[i].instance_id);
            bool same = strcmp(ek, key) == 0;
            g_free(ek);
            if (same && !r->vmdesc_used[i]) {
                r->vmdesc_used[i] = true;
                r->vmdesc_next = i + 1;
                break;
            }
        }
    }
    if (vd->page_size != r->page_size) {
        vmc_reader_warn(r, "vmdesc page_size %u differs from the stream's page size %u",
                        vd->page_size, r->page_size);
    }
    return 0;
}

int vmc_reader_find_trailer(vmc_reader *r)
{
    const uint8_t *d;
    size_t len;
    int64_t base = vmc_source_tell(r->src);
    int rc = vmc_source_slurp(r->src, r->opts.max_device_state, &d, &len);
    if (rc) {
        return rc;
    }
    r->vmdesc_tried = true;
    if (len < 7) {
        return 0;
    }
    if (r->vmdesc_lazy && locate_exact(r, d, len, base)) {
        return 0;
    }
    /* nc: smallest index >= i + 5 holding a byte < 0x20 (len if none). */
    size_t nc = len;
    size_t best = SIZE_MAX;         /* exact match */
    size_t fallback = SIZE_MAX;     /* valid but followed by extra bytes */
    int attempts = 0;
    vmc_vmdesc *found = NULL;
    for (size_t i = len - 6; i > 0 && attempts < MAX_PARSE_ATTEMPTS; i--) {
        if (d[i + 5] < 0x20) {
            nc = i + 5;
        }
        if (d[i] != VMC_SEC_VMDESC || d[i - 1] != VMC_SEC_EOF || d[i + 5] != '{') {
            continue;
        }
        uint64_t jl = vmc_be32(d + i + 1);
        if (i + 5 + jl > len || nc < i + 5 + jl) {
            continue;
        }
        bool exact = i + 5 + jl == len;
        if (!exact && fallback != SIZE_MAX) {
            continue;
        }
        attempts++;
        vmc_vmdesc *vd;
        if (vmc_vmdesc_parse(&vd, (const char *)d + i + 5, (size_t)jl) != 0) {
            continue;
        }
        if (exact) {
            vmc_vmdesc_free(found);
            found = vd;
            best = i;
            break;
        }
        found = vd;
        fallback = i;
    }
    vmc_error_clear();
    size_t at = best != SIZE_MAX ? best : fallback;
    if (!found) {
        vmc_reader_warn(r, "no vmdesc trailer found after 0x%llx; device sections are decoded "
                        "only where a built-in model exists", (unsigned long long)base);
        return 0;
    }
    r->vmdesc = found;
    r->vmdesc_used = calloc(found->ndevices ? found->ndevices : 1, sizeof(bool));
    if (!r->vmdesc_used) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    r->trailer_offset = base + (int64_t)at;
    r->trailer_end = base + (int64_t)at + 5 + (int64_t)vmc_be32(d + at + 1);
    if (found->page_size != r->page_size) {
        vmc_reader_warn(r, "vmdesc page_size %u differs from the stream's page size %u",
                        found->page_size, r->page_size);
    }
    return 0;
}
