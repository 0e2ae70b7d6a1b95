/*
 * Round trips against QEMU's own bytes, on every corpus stream:
 *  - encoding each decoded device section gives back exactly the payload
 *    QEMU wrote;
 *  - writing the vmdesc of all decoded sections (with QEMU's JSON
 *    formatting) gives back exactly the trailer QEMU wrote, byte for byte.
 */
#include "testutil.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(const char *id, size_t *sections)
{
    size_t len;
    uint8_t *data = tu_corpus_stream(id, &len);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, data, len, id), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    vmc_sink *desc_sink;
    vmc_json *j;
    assert_int_equal(vmc_sink_open_memory(&desc_sink), 0);
    assert_int_equal(vmc_json_new_sink(&j, desc_sink, VMC_JSON_QEMU, 0), 0);
    vmc_json_begin_object(j);
    vmc_json_key(j, "page_size");
    vmc_json_int(j, 4096);
    vmc_json_key(j, "devices");
    vmc_json_begin_array(j);
    const char *trailer = NULL;
    size_t trailer_len = 0;
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        if (ev.kind == VMC_EV_DEVICE_STATE) {
            assert_non_null(ev.u.state.value);
            vmc_sink *s;
            assert_int_equal(vmc_sink_open_memory(&s), 0);
            assert_int_equal(vmc_value_encode(ev.u.state.value, s), 0);
            size_t n;
            const uint8_t *bytes = vmc_sink_memory(s, &n);
            if (n != ev.u.state.payload_len || memcmp(bytes, ev.u.state.payload, n) != 0) {
                size_t k = 0;
                while (k < n && k < ev.u.state.payload_len && bytes[k] == ev.u.state.payload[k]) {
                    k++;
                }
                fail_msg("%s: %s re-encodes to %zu bytes (QEMU wrote %zu), first difference at "
                         "payload byte %zu", id, ev.u.state.idstr, n, ev.u.state.payload_len, k);
            }
            vmc_sink_free(s);
            vmc_value_write_vmdesc(ev.u.state.value, ev.u.state.idstr, ev.u.state.instance_id, j);
            (*sections)++;
        } else if (ev.kind == VMC_EV_VMDESC) {
            trailer = ev.u.vmdesc.json;
            trailer_len = ev.u.vmdesc.len;
            break;
        }
    }
    assert_true(rc > 0);
    vmc_json_end_array(j);
    vmc_json_end_object(j);
    assert_int_equal(vmc_json_finish(j), 0);
    size_t n;
    const uint8_t *got = vmc_sink_memory(desc_sink, &n);
    assert_non_null(trailer);
    if (n != trailer_len || memcmp(got, trailer, n) != 0) {
        size_t k = 0;
        while (k < n && k < trailer_len && got[k] == (uint8_t)trailer[k]) {
            k++;
        }
        fail_msg("%s: vmdesc differs from QEMU's at byte %zu:\n  QEMU: %.120s\n  ours: %.120s", id,
                 k, trailer + (k > 40 ? k - 40 : 0), (const char *)got + (k > 40 ? k - 40 : 0));
    }
    vmc_json_free(j);
    vmc_sink_free(desc_sink);
    vmc_reader_free(r);
    vmc_source_free(src);
    free(data);
}

static void test_round_trips(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    size_t sections = 0;
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        json_object *s = json_object_array_get_idx(streams, i);
        check(json_object_get_string(json_object_object_get(s, "id")), &sections);
    }
    fprintf(stderr, "round trips: %zu sections re-encoded, %zu vmdescs reproduced\n", sections,
            json_object_array_length(streams));
    json_object_put(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
