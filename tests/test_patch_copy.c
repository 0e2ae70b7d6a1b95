/* vmc_stream_copy_patched: only the masked bits change, everything else is copied. */
#include "testutil.h"

#include "vmcompat/rewrite.h"

#include <stdlib.h>
#include <string.h>

static void test_patches(void **state)
{
    size_t n = 200000;   /* spans several copy chunks */
    uint8_t *in = malloc(n);
    for (size_t i = 0; i < n; i++) {
        in[i] = (uint8_t)(i * 7);
    }
    vmc_source *src;
    vmc_sink *out;
    assert_int_equal(vmc_source_open_memory(&src, in, n, "in"), 0);
    assert_int_equal(vmc_sink_open_memory(&out), 0);
    /* out of order, one at a chunk boundary, one clearing bit 6 (0x40) */
    vmc_patch p[] = {
        { 131072, 0xff, 0x11 },
        { 10, 0x40, 0x00 },
        { 65535, 0x0f, 0xa5 },
    };
    assert_int_equal(vmc_stream_copy_patched(src, out, p, 3), 0);
    size_t len;
    const uint8_t *got = vmc_sink_memory(out, &len);
    assert_int_equal(len, n);
    uint8_t *want = malloc(n);
    memcpy(want, in, n);
    want[131072] = 0x11;
    want[10] = (uint8_t)(in[10] & ~0x40);
    want[65535] = (uint8_t)((in[65535] & 0xf0) | 0x05);
    assert_memory_equal(got, want, n);
    vmc_sink_free(out);
    vmc_source_free(src);
    /* a patch past the end is an error */
    assert_int_equal(vmc_source_open_memory(&src, in, 16, "in"), 0);
    assert_int_equal(vmc_sink_open_memory(&out), 0);
    vmc_patch far = { 16, 0xff, 0 };
    assert_int_equal(vmc_stream_copy_patched(src, out, &far, 1), VMC_EUSAGE);
    vmc_sink_free(out);
    vmc_source_free(src);
    free(in);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
