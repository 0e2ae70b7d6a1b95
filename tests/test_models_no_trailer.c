/*
 * Streams without their vmdesc trailer (issue 3's "reading without the
 * trailer"): every corpus stream is cut right after QEMU_VM_EOF and read
 * again with the built-in models.  Every section must decode, and to the
 * same value tree as with QEMU's trailer.
 */
#include "testutil.h"

#include "vmstate/value_internal.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const vmc_value *v[4096];
    char idstr[4096][64];
    size_t n;
} trees;

static bool same(const vmc_value *a, const vmc_value *b, char *why, size_t wl, const char *path)
{
    if (a->kind != b->kind || strcmp(vmc_value_type(a), vmc_value_type(b)) ||
        strcmp(vmc_value_name(a), vmc_value_name(b)) || a->offset != b->offset ||
        a->size != b->size || vmc_value_count(a) != vmc_value_count(b) ||
        vmc_value_subsection_count(a) != vmc_value_subsection_count(b) ||
        (a->raw && b->raw && memcmp(a->raw, b->raw, a->size))) {
        snprintf(why, wl, "%s/%s: differs (%s %s at 0x%llx+%llu vs %s %s at 0x%llx+%llu)", path,
                 vmc_value_name(a), vmc_value_type(a), vmc_value_name(a),
                 (unsigned long long)a->offset, (unsigned long long)a->size, vmc_value_type(b),
                 vmc_value_name(b), (unsigned long long)b->offset, (unsigned long long)b->size);
        return false;
    }
    for (size_t i = 0; i < vmc_value_count(a); i++) {
        if (!same(vmc_value_at(a, i), vmc_value_at(b, i), why, wl, vmc_value_name(a))) {
            return false;
        }
    }
    for (size_t i = 0; i < vmc_value_subsection_count(a); i++) {
        if (!same(vmc_value_subsection(a, i), vmc_value_subsection(b, i), why, wl,
                  vmc_value_name(a))) {
            return false;
        }
    }
    return true;
}

static void read_all(const uint8_t *data, size_t len, bool models, trees *t, vmc_reader **rout,
                     vmc_source **sout, const char *id, int64_t *eof_off)
{
    vmc_reader_options ro = { 0 };
    if (models) {
        ro.lookup = vmc_models_lookup;
    }
    assert_int_equal(vmc_source_open_memory(sout, data, len, id), 0);
    assert_int_equal(vmc_reader_new(rout, *sout, &ro), 0);
    vmc_event ev;
    int rc;
    t->n = 0;
    while ((rc = vmc_reader_next(*rout, &ev)) > 0) {
        if (ev.kind == VMC_EV_DEVICE_STATE) {
            assert_true(t->n < 4096);
            t->v[t->n] = ev.u.state.value;
            snprintf(t->idstr[t->n], 64, "%s", ev.u.state.idstr);
            t->n++;
        } else if (ev.kind == VMC_EV_EOF && eof_off) {
            *eof_off = ev.offset;
        }
    }
    if (rc < 0) {
        char buf[2048];
        fail_msg("%s%s: %s", id, models ? " (without trailer)" : "",
                 vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
}

static void test_no_trailer(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    static trees with, without;
    size_t sections = 0, failed = 0;
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        const char *id = json_object_get_string(
            json_object_object_get(json_object_array_get_idx(streams, i), "id"));
        size_t len;
        uint8_t *data = tu_corpus_stream(id, &len);
        vmc_reader *r1, *r2;
        vmc_source *s1, *s2;
        int64_t eof = -1;
        read_all(data, len, false, &with, &r1, &s1, id, &eof);
        assert_true(eof > 0);
        read_all(data, (size_t)eof + 1, true, &without, &r2, &s2, id, NULL);
        assert_int_equal(with.n, without.n);
        for (size_t k = 0; k < with.n; k++) {
            char why[1024] = "";
            sections++;
            if (!without.v[k]) {
                fprintf(stderr, "%s: %s not decoded without the trailer\n", id, with.idstr[k]);
                failed++;
            } else if (!same(with.v[k], without.v[k], why, sizeof(why), with.idstr[k])) {
                fprintf(stderr, "%s: %s\n", id, why);
                failed++;
            }
        }
        vmc_reader_free(r1);
        vmc_reader_free(r2);
        vmc_source_free(s1);
        vmc_source_free(s2);
        free(data);
    }
    fprintf(stderr, "no trailer: %zu sections compared, %zu differ\n", sections, failed);
    json_object_put(m);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_trailer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
