/*
 * The machine model against QEMU: for every corpus stream, the model built
 * from the stream's command line must list exactly the START/FULL sections
 * QEMU 7.2 sent (manifest qemu_sections: section id, idstr, instance id,
 * version, in stream order) and the RAM blocks of the stream's block list
 * (names, lengths, order).
 * Streams whose devices are not modelled yet must fail with "not modelled",
 * never produce a different model.
 */
#include "testutil.h"

#include "vmcompat/model.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int build_for(json_object *cfg, vmc_model **out)
{
    const char *argv[256];
    int argc = 0;
    char ram[32];
    argv[argc++] = "-M";
    argv[argc++] = json_object_get_string(json_object_object_get(cfg, "machine"));
    json_object *r = json_object_object_get(cfg, "ram_mb");
    if (!r) {
        r = json_object_object_get(cfg, "ram");
    }
    snprintf(ram, sizeof(ram), "%d", r ? json_object_get_int(r) : 128);
    argv[argc++] = "-m";
    argv[argc++] = ram;
    argv[argc++] = "-nodefaults";
    json_object *devs = json_object_object_get(cfg, "devices");
    for (size_t i = 0; devs && i < json_object_array_length(devs) && argc < 250; i++) {
        argv[argc++] = "-device";
        argv[argc++] = json_object_get_string(json_object_array_get_idx(devs, i));
    }
    json_object *extra = json_object_object_get(cfg, "extra_args");
    for (size_t i = 0; extra && i < json_object_array_length(extra) && argc < 254; i++) {
        argv[argc++] = json_object_get_string(json_object_array_get_idx(extra, i));
    }
    return vmc_model_build(out, argc, argv, NULL);
}

static void test_sections(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    size_t matched = 0, unmodelled = 0, failed = 0;
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        json_object *s = json_object_array_get_idx(streams, i);
        const char *id = json_object_get_string(json_object_object_get(s, "id"));
        const char *cat = json_object_get_string(json_object_object_get(s, "category"));
        if (strncmp(cat, "fresh", 5) != 0) {
            continue;   /* firmware runs may make more entries send (SPD EEPROMs ...) */
        }
        vmc_model *model;
        int rc = build_for(json_object_object_get(s, "config"), &model);
        if (rc == VMC_EUNSUPPORTED) {
            unmodelled++;
            continue;
        }
        if (rc) {
            char buf[2048];
            fprintf(stderr, "%s: %s\n", id, vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
            failed++;
            continue;
        }
        json_object *want = json_object_object_get(s, "qemu_sections");
        size_t n = json_object_array_length(want);
        bool ok = n == vmc_model_section_count(model);
        for (size_t k = 0; ok && k < n; k++) {
            json_object *w = json_object_array_get_idx(want, k);
            const vmc_model_entry *e = vmc_model_section_at(model, k);
            if (json_object_get_int64(json_object_object_get(w, "section_id")) != e->section_id ||
                strcmp(json_object_get_string(json_object_object_get(w, "idstr")), e->idstr) ||
                json_object_get_int64(json_object_object_get(w, "instance_id")) != e->instance_id ||
                json_object_get_int64(json_object_object_get(w, "version_id")) != e->version_id) {
                fprintf(stderr, "%s: section %zu: model %u %s/%u v%u, QEMU %s\n", id, k,
                        e->section_id, e->idstr, e->instance_id, e->version_id,
                        json_object_to_json_string(w));
                ok = false;
            }
        }
        if (n != vmc_model_section_count(model)) {
            fprintf(stderr, "%s: model has %zu sections, QEMU sent %zu\n", id,
                    vmc_model_section_count(model), n);
        }
        /* RAM blocks: the stream's block list, in order, with lengths */
        size_t len;
        uint8_t *data = tu_corpus_stream(id, &len);
        vmc_source *src;
        vmc_reader *rd;
        assert_int_equal(vmc_source_open_memory(&src, data, len, id), 0);
        assert_int_equal(vmc_reader_new(&rd, src, NULL), 0);
        vmc_event ev;
        size_t nb = 0;
        while (vmc_reader_next(rd, &ev) > 0 && ev.kind != VMC_EV_DEVICE_STATE) {
            if (ev.kind != VMC_EV_RAM_BLOCK) {
                continue;
            }
            const vmc_model_ram_block *b = vmc_model_ram_block_at(model, nb++);
            if (!b || strcmp(b->name, ev.u.ram_block.name) ||
                b->used_length != ev.u.ram_block.used_length) {
                fprintf(stderr, "%s: RAM block %zu: model %s 0x%llx, stream %s 0x%llx\n", id,
                        nb - 1, b ? b->name : "(none)",
                        b ? (unsigned long long)b->used_length : 0ULL, ev.u.ram_block.name,
                        (unsigned long long)ev.u.ram_block.used_length);
                ok = false;
            }
        }
        if (nb != vmc_model_ram_block_count(model)) {
            fprintf(stderr, "%s: model has %zu RAM blocks, the stream %zu\n", id,
                    vmc_model_ram_block_count(model), nb);
            ok = false;
        }
        vmc_reader_free(rd);
        vmc_source_free(src);
        free(data);
        if (ok) {
            matched++;
        } else {
            failed++;
        }
        vmc_model_free(model);
    }
    fprintf(stderr, "model sections: %zu streams match QEMU, %zu differ, %zu not modelled\n",
            matched, failed, unmodelled);
    json_object_put(m);
    assert_int_equal(failed, 0);
    assert_true(matched >= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
