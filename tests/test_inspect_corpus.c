/*
 * `vmcompat inspect` on the real QEMU corpus, through a pipe (stdin):
 *  - --format analyze-migration equals what QEMU 7.2.0's own
 *    scripts/analyze-migration.py printed (expected/<id>.state.json.gz,
 *    compared as parsed JSON) for every stream the script could parse, and
 *    succeeds on the streams it could not (compressed and XBZRLE pages,
 *    configuration subsections, a vmdesc length containing 0x7b);
 *  - --format json lists, in "sections", exactly the START/FULL sections
 *    QEMU read (manifest qemu_sections) and validates as "ok".
 */
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *parse(const char *text, size_t len, const char *what)
{
    json_tokener *tok = json_tokener_new_ex(1024);
    json_object *o = json_tokener_parse_ex(tok, text, (int)len);
    if (!o || json_tokener_get_error(tok) != json_tokener_success) {
        fail_msg("%s: output is not JSON", what);
    }
    json_tokener_free(tok);
    return o;
}

static void test_analyze_migration(void **state)
{
    json_object *index = tu_corpus_json("expected/index.json");
    size_t compared = 0, script_failed = 0;
    json_object_object_foreach(index, id, info) {
        size_t len;
        uint8_t *data = tu_corpus_stream(id, &len);
        const char *argv[] = { "vmcompat", "inspect", "--format", "analyze-migration", "-q", "-",
                               NULL };
        char *out, *err;
        size_t out_len;
        int rc = tu_run_cli(argv, data, len, &out, &out_len, &err);
        if (rc != 0) {
            fail_msg("%s: exit %d: %s", id, rc, err);
        }
        if (json_object_get_boolean(json_object_object_get(info, "ok"))) {
            char rel[512];
            snprintf(rel, sizeof(rel), "expected/%s.state.json.gz", id);
            json_object *want = tu_corpus_json(rel);
            json_object *got = parse(out, out_len, id);
            if (!json_object_equal(want, got)) {
                fail_msg("%s: output differs from analyze-migration.py's", id);
            }
            json_object_put(want);
            json_object_put(got);
            compared++;
        } else {
            json_object *got = parse(out, out_len, id);
            assert_true(json_object_is_type(got, json_type_object));
            json_object_put(got);
            script_failed++;
        }
        free(out);
        free(err);
        free(data);
    }
    fprintf(stderr, "analyze-migration: %zu outputs equal the script's; %zu streams the script "
            "could not parse decoded\n", compared, script_failed);
    assert_true(compared >= 100);
    assert_true(script_failed >= 6);
    json_object_put(index);
}

static void test_json_sections(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        json_object *s = json_object_array_get_idx(streams, i);
        const char *id = json_object_get_string(json_object_object_get(s, "id"));
        size_t len;
        uint8_t *data = tu_corpus_stream(id, &len);
        const char *argv[] = { "vmcompat", "inspect", "--format", "json", "-q", "-", NULL };
        char *out, *err;
        size_t out_len;
        int rc = tu_run_cli(argv, data, len, &out, &out_len, &err);
        if (rc != 0) {
            fail_msg("%s: exit %d: %s", id, rc, err);
        }
        json_object *doc = parse(out, out_len, id);
        assert_string_equal(json_object_get_string(json_object_object_get(doc, "result")), "ok");
        json_object *got = json_object_object_get(doc, "sections");
        json_object *want = json_object_object_get(s, "qemu_sections");
        size_t n = json_object_array_length(want);
        if (json_object_array_length(got) != n) {
            fail_msg("%s: %zu sections, QEMU read %zu", id, json_object_array_length(got), n);
        }
        static const char *keys[] = { "section_id", "idstr", "instance_id", "version_id" };
        for (size_t k = 0; k < n; k++) {
            json_object *g = json_object_array_get_idx(got, k);
            json_object *w = json_object_array_get_idx(want, k);
            for (int q = 0; q < 4; q++) {
                if (!json_object_equal(json_object_object_get(g, keys[q]),
                                       json_object_object_get(w, keys[q]))) {
                    fail_msg("%s: section %zu %s: %s, QEMU %s", id, k, keys[q],
                             json_object_to_json_string(json_object_object_get(g, keys[q])),
                             json_object_to_json_string(json_object_object_get(w, keys[q])));
                }
            }
            assert_non_null(json_object_object_get(g, "offset"));
        }
        json_object_put(doc);
        free(out);
        free(err);
        free(data);
    }
    json_object_put(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyze_migration),
        cmocka_unit_test(test_json_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
