/*
 * Every stream of the shared corpus decodes completely, and the START/FULL
 * sections our reader finds are exactly the ones QEMU 7.2 read
 * (manifest.json "qemu_sections", from QEMU's own trace).
 */
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_stream(json_object *s)
{
    const char *id = json_object_get_string(json_object_object_get(s, "id"));
    size_t len;
    uint8_t *data = tu_corpus_stream(id, &len);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, data, len, id), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);

    json_object *exp = json_object_object_get(s, "qemu_sections");
    size_t n = json_object_array_length(exp), k = 0;
    vmc_event ev;
    int rc;
    bool saw_eof = false;
    size_t undecoded = 0;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        if (ev.kind == VMC_EV_SECTION &&
            (ev.u.section.type == VMC_SEC_START || ev.u.section.type == VMC_SEC_FULL)) {
            if (k >= n) {
                fail_msg("%s: extra section %s at 0x%llx", id, ev.u.section.idstr,
                         (unsigned long long)ev.offset);
            }
            json_object *e = json_object_array_get_idx(exp, k++);
            const char *want = json_object_get_string(json_object_object_get(e, "idstr"));
            if (strcmp(want, ev.u.section.idstr) != 0 ||
                json_object_get_int64(json_object_object_get(e, "section_id")) !=
                    ev.u.section.section_id ||
                json_object_get_int64(json_object_object_get(e, "instance_id")) !=
                    ev.u.section.instance_id ||
                json_object_get_int64(json_object_object_get(e, "version_id")) !=
                    ev.u.section.version_id) {
                fail_msg("%s: section %zu is %u/%s/%u/%u, QEMU read %s", id, k - 1,
                         ev.u.section.section_id, ev.u.section.idstr,
                         ev.u.section.instance_id, ev.u.section.version_id,
                         json_object_to_json_string(e));
            }
        }
        if (ev.kind == VMC_EV_DEVICE_STATE && !ev.u.state.value) {
            undecoded++;
        }
        if (ev.kind == VMC_EV_EOF) {
            saw_eof = true;
        }
    }
    if (rc < 0) {
        char buf[2048];
        fail_msg("%s: %s", id, vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
    assert_true(saw_eof);
    if (k != n) {
        fail_msg("%s: found %zu sections, QEMU read %zu", id, k, n);
    }
    if (undecoded) {
        fail_msg("%s: %zu device sections left undecoded", id, undecoded);
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    free(data);
}

static void test_all_streams(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    size_t n = json_object_array_length(streams);
    assert_true(n > 100);
    for (size_t i = 0; i < n; i++) {
        check_stream(json_object_array_get_idx(streams, i));
    }
    json_object_put(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
