/*
 * Built-in device models against QEMU's own description: every device
 * section of every corpus stream that has a built-in model is decoded a
 * second time with the model alone (as if the stream had no vmdesc
 * trailer).  The two value trees must be identical: same fields, names,
 * types, offsets, sizes and values.  The vmdesc is written by QEMU 7.2, so
 * this checks each model against the real binary.
 *
 * VMC_TEST_VERBOSE=1 lists the vmsds that have no model yet.
 */
#include "testutil.h"

#include "devices/registry.h"
#include "vmstate/decode.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char mismatch[2048];

static bool same(const vmc_value *a, const vmc_value *b, const char *path)
{
#define DIFF(...) do { snprintf(mismatch, sizeof(mismatch), __VA_ARGS__); return false; } while (0)
    if (a->kind != b->kind) {
        DIFF("%s: kind %d (vmdesc) vs %d (model)", path, a->kind, b->kind);
    }
    if (strcmp(vmc_value_name(a), vmc_value_name(b)) != 0) {
        DIFF("%s: name '%s' (vmdesc) vs '%s' (model)", path, vmc_value_name(a),
             vmc_value_name(b));
    }
    if (strcmp(vmc_value_type(a), vmc_value_type(b)) != 0) {
        DIFF("%s: type '%s' (vmdesc) vs '%s' (model)", path, vmc_value_type(a),
             vmc_value_type(b));
    }
    if (a->offset != b->offset || a->size != b->size) {
        DIFF("%s: offset/size 0x%llx/%llu (vmdesc) vs 0x%llx/%llu (model)", path,
             (unsigned long long)a->offset, (unsigned long long)a->size,
             (unsigned long long)b->offset, (unsigned long long)b->size);
    }
    switch (a->kind) {
    case VMC_VALUE_BOOL:
    case VMC_VALUE_INT:
    case VMC_VALUE_UINT:
        if (vmc_value_uint(a) != vmc_value_uint(b)) {
            DIFF("%s: value %llu vs %llu", path, (unsigned long long)vmc_value_uint(a),
                 (unsigned long long)vmc_value_uint(b));
        }
        break;
    case VMC_VALUE_BYTES:
        if (a->v.bytes.n != b->v.bytes.n || memcmp(a->v.bytes.p, b->v.bytes.p, a->v.bytes.n)) {
            DIFF("%s: bytes differ", path);
        }
        break;
    default:
        break;
    }
    if (vmc_value_count(a) != vmc_value_count(b)) {
        DIFF("%s: %zu children (vmdesc) vs %zu (model)", path, vmc_value_count(a),
             vmc_value_count(b));
    }
    for (size_t i = 0; i < vmc_value_count(a); i++) {
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s[%zu]", path, vmc_value_name(vmc_value_at(a, i)), i);
        if (!same(vmc_value_at(a, i), vmc_value_at(b, i), p)) {
            return false;
        }
    }
    if (vmc_value_subsection_count(a) != vmc_value_subsection_count(b)) {
        DIFF("%s: %zu subsections (vmdesc) vs %zu (model)", path,
             vmc_value_subsection_count(a), vmc_value_subsection_count(b));
    }
    for (size_t i = 0; i < vmc_value_subsection_count(a); i++) {
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s", path, vmc_value_name(vmc_value_subsection(a, i)));
        if (!same(vmc_value_subsection(a, i), vmc_value_subsection(b, i), p)) {
            return false;
        }
    }
    return true;
#undef DIFF
}

static void test_models(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    GHashTable *missing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t checked = 0, failed = 0;
    for (size_t s = 0; s < json_object_array_length(streams); s++) {
        const char *id = json_object_get_string(
            json_object_object_get(json_object_array_get_idx(streams, s), "id"));
        size_t len;
        uint8_t *data = tu_corpus_stream(id, &len);
        vmc_source *src;
        vmc_reader *r;
        assert_int_equal(vmc_source_open_memory(&src, data, len, id), 0);
        assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
        vmc_event ev;
        int rc;
        while ((rc = vmc_reader_next(r, &ev)) > 0) {
            if (ev.kind != VMC_EV_DEVICE_STATE || !ev.u.state.value) {
                continue;
            }
            const char *vname = vmc_devices_vmsd_name_of(ev.u.state.idstr);
            const vmc_vmsd *vmsd = vmc_devices_find_vmsd(vname);
            if (!vmsd) {
                g_hash_table_add(missing, g_strdup(vname));
                continue;
            }
            vmc_arena *arena = vmc_arena_new();
            vmc_decode_ctx dc = {
                .arena = arena,
                .cur = { .base = ev.u.state.payload, .len = ev.u.state.payload_len,
                         .abs = ev.offset },
                .section = ev.u.state.idstr,
            };
            vmc_value *v = NULL;
            checked++;
            int drc = vmc_engine_decode(&dc, vmsd, (int)ev.u.state.version_id,
                                        ev.u.state.idstr, &v);
            if (drc) {
                char buf[2048];
                fprintf(stderr, "%s: %s: model decode failed: %s\n", id, ev.u.state.idstr,
                        vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
                failed++;
            } else if (dc.cur.pos != ev.u.state.payload_len) {
                fprintf(stderr, "%s: %s: model used %zu of %zu bytes\n", id, ev.u.state.idstr,
                        dc.cur.pos, ev.u.state.payload_len);
                failed++;
            } else if (!same(ev.u.state.value, v, ev.u.state.idstr)) {
                fprintf(stderr, "%s: %s\n", id, mismatch);
                failed++;
            }
            vmc_arena_free(arena);
        }
        if (rc < 0) {
            char buf[2048];
            fail_msg("%s: %s", id, vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
        }
        vmc_reader_free(r);
        vmc_source_free(src);
        free(data);
    }
    fprintf(stderr, "models: %zu sections checked, %zu mismatched, %u vmsds without a model\n",
            checked, failed, g_hash_table_size(missing));
    if (getenv("VMC_TEST_VERBOSE")) {
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, missing);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            fprintf(stderr, "  no model: %s\n", (const char *)key);
        }
    }
    g_hash_table_destroy(missing);
    json_object_put(m);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
