/*
 * libFuzzer target: the vmdesc trailer parser and the vmdesc-driven decoder.
 *
 * Input: JSON text, optionally followed by a NUL byte and payload bytes.
 * The JSON goes to vmc_vmdesc_parse(); every accessor of the result is
 * touched.  When a payload follows, it is decoded device by device with the
 * parsed description (as the reader does for a stream's FULL sections), so
 * a lying or absurd description meets real bytes: every error must name an
 * offset inside the payload, and every value is walked.
 */
#include "fuzz_walk.h"
#include "vmstate/decode.h"

#include <stdlib.h>
#include <string.h>

static void warn_cb(void *opaque, const char *msg)
{
    fz_touch_str(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
    size_t jlen = nul ? (size_t)(nul - data) : size;
    vmc_vmdesc *d;
    int rc = vmc_vmdesc_parse(&d, (const char *)data, jlen);
    if (rc < 0) {
        if (d) {
            fz_fail("vmc_vmdesc_parse failed but returned a description");
        }
        fz_check_error(rc, (int64_t)jlen, 0);
        fz_verbose_error();
        const vmc_error *e = vmc_error_last();
        if (e->offset > (int64_t)jlen) {
            fz_fail("vmdesc error offset %lld beyond the %zu bytes of JSON",
                    (long long)e->offset, jlen);
        }
        vmc_error_clear();
        return 0;
    }
    fz_walk_vmdesc(d);
    if (nul) {
        const uint8_t *payload = nul + 1;
        size_t plen = size - jlen - 1;
        vmc_arena *arena = vmc_arena_new();
        if (!arena) {
            fz_fail("vmc_arena_new failed");
        }
        size_t pos = 0;
        for (size_t i = 0; i < d->ndevices; i++) {
            vmc_decode_ctx dc = {
                .arena = arena,
                .cur = { .base = payload, .len = plen, .pos = pos, .abs = 0 },
                .section = d->devices[i].name,
                .warn = warn_cb,
            };
            vmc_value *v = NULL;
            rc = vmc_vd_decode_device(&dc, &d->devices[i], &v);
            if (rc < 0) {
                fz_check_error(rc, (int64_t)plen, 1);
                fz_verbose_error();
                break;
            }
            if (!v) {
                fz_fail("decode succeeded without a value");
            }
            if (dc.cur.pos < pos || dc.cur.pos > plen) {
                fz_fail("decode moved the cursor from %zu to %zu of %zu", pos, dc.cur.pos, plen);
            }
            pos = dc.cur.pos;
            fz_walk_value(v, 0);
        }
        vmc_arena_free(arena);
    }
    vmc_vmdesc_free(d);
    vmc_error_clear();
    return 0;
}
