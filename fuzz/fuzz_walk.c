/* Shared helpers of the fuzz targets; see fuzz_walk.h. */
#include "fuzz_walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile uint64_t fz_sum;

void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz invariant violated: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

void fz_touch(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t s = fz_sum;
    if (!b) {
        if (n) {
            fz_fail("NULL pointer with length %zu", n);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        s = s * 31 + b[i];
    }
    fz_sum = s;
}

void fz_touch_str(const char *s)
{
    if (s) {
        fz_touch(s, strlen(s));
    }
}

void fz_walk_value(const vmc_value *v, int depth)
{
    if (!v) {
        return;
    }
    if (depth > 256) {
        fz_fail("value tree deeper than 256 levels");
    }
    vmc_value_kind k = vmc_value_kind_of(v);
    if (k < VMC_VALUE_BOOL || k > VMC_VALUE_ARRAY) {
        fz_fail("value kind %d out of range", (int)k);
    }
    fz_touch_str(vmc_value_name(v));
    fz_touch_str(vmc_value_type(v));
    fz_touch_str(vmc_value_vmsd_name(v));
    uint64_t acc = (uint64_t)vmc_value_offset(v) + vmc_value_size(v) +
                   (uint64_t)vmc_value_version(v) + vmc_value_width(v);
    size_t rawlen;
    const uint8_t *raw = vmc_value_raw(v, &rawlen);
    fz_touch(raw, rawlen);
    acc += vmc_value_bool(v) + (uint64_t)vmc_value_int(v) + vmc_value_uint(v);
    double d = vmc_value_double(v);
    acc += d == d ? 1 : 0;
    size_t blen;
    const uint8_t *b = vmc_value_bytes(v, &blen);
    fz_touch(b, blen);
    fz_touch(&acc, sizeof(acc));
    size_t n = vmc_value_count(v);
    for (size_t i = 0; i < n; i++) {
        const vmc_value *c = vmc_value_at(v, i);
        if (!c) {
            fz_fail("vmc_value_at(%zu) of %zu is NULL", i, n);
        }
        fz_walk_value(c, depth + 1);
    }
    if (vmc_value_at(v, n)) {
        fz_fail("vmc_value_at past the end is not NULL");
    }
    size_t ns = vmc_value_subsection_count(v);
    for (size_t i = 0; i < ns; i++) {
        const vmc_value *s = vmc_value_subsection(v, i);
        if (!s) {
            fz_fail("vmc_value_subsection(%zu) of %zu is NULL", i, ns);
        }
        fz_walk_value(s, depth + 1);
    }
    /* Path lookup of the first child by its own name must find something. */
    if (n && k == VMC_VALUE_STRUCT) {
        const char *cn = vmc_value_name(vmc_value_at(v, 0));
        if (cn[0]) {
            const vmc_value *g = vmc_value_get(v, cn);
            fz_touch(&g, sizeof(g));
        }
        fz_touch(vmc_value_get(v, "[0].x"), 0);
    }
}

void fz_walk_vmdesc(const vmc_vmdesc *d)
{
    if (!d) {
        return;
    }
    uint64_t acc = vmc_vmdesc_page_size(d);
    size_t n = vmc_vmdesc_device_count(d);
    for (size_t i = 0; i <= n; i++) {
        const char *name = vmc_vmdesc_device_name(d, i);
        const char *vmsd = vmc_vmdesc_device_vmsd(d, i);
        if (i < n && (!name || !vmsd)) {
            fz_fail("vmdesc device %zu has no name or vmsd", i);
        }
        if (i == n && (name || vmsd)) {
            fz_fail("vmdesc accessors past the end are not NULL");
        }
        fz_touch_str(name);
        fz_touch_str(vmsd);
        acc += vmc_vmdesc_device_instance(d, i) + (uint64_t)vmc_vmdesc_device_version(d, i);
    }
    fz_touch(&acc, sizeof(acc));
}

void fz_check_error(int rc, int64_t input_len, int offset_required)
{
    const vmc_error *e = vmc_error_last();
    if (rc >= 0) {
        return;
    }
    if (rc == VMC_ENOMEM) {
        return;   /* allocation failures carry no offset */
    }
    if (e->code != rc) {
        fz_fail("call returned %d (%s) but the last error says %d (%s): %s", rc,
                vmc_error_code_name(rc), e->code, vmc_error_code_name(e->code), e->message);
    }
    if (!e->message[0]) {
        fz_fail("error %d without a message", rc);
    }
    if (offset_required && (e->offset < 0 || e->offset > input_len)) {
        fz_fail("error offset %lld outside the input of %lld bytes: %s",
                (long long)e->offset, (long long)input_len, e->message);
    }
    if (memchr(e->section, '\0', sizeof(e->section)) == NULL ||
        memchr(e->field, '\0', sizeof(e->field)) == NULL) {
        fz_fail("error section/field not NUL-terminated");
    }
    char buf[2048], small[16];
    vmc_error_format(e, buf, sizeof(buf));
    vmc_error_format(e, small, sizeof(small));
    vmc_error_format(e, small, 1);
    fz_touch_str(buf);
    fz_touch_str(small);
}

void fz_verbose_error(void)
{
    static int verbose = -1;
    if (verbose < 0) {
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    }
    if (verbose) {
        char buf[2048];
        fprintf(stderr, "error: %s\n", vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
}
