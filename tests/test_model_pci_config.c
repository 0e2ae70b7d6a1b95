/*
 * PCI config space of the machine model against QEMU 7.2: for every fresh
 * (never started) corpus machine that the model can build, each PCI
 * function whose config space is modelled must have exactly the config
 * bytes QEMU wrote into that device's section (the PCIDevice state, also
 * inside virtio blobs).  The masks are checked against QEMU's load check
 * in tests/test_pci_build.c and the per-family tests.
 */
#include "testutil.h"

#include "vmcompat/model.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first "pci config" value of a section (depth-first). */
static const vmc_value *find_config(const vmc_value *v, int depth)
{
    if (!v || depth > 8) {
        return NULL;
    }
    if (vmc_value_kind_of(v) == VMC_VALUE_BYTES && strcmp(vmc_value_type(v), "pci config") == 0) {
        return v;
    }
    for (size_t i = 0; i < vmc_value_count(v); i++) {
        const vmc_value *c = find_config(vmc_value_at(v, i), depth + 1);
        if (c) {
            return c;
        }
    }
    return NULL;
}

static int build_for(json_object *cfg, vmc_model **out)
{
    const char *argv[256];
    int argc = 0;
    char ram[32];
    argv[argc++] = "-M";
    argv[argc++] = json_object_get_string(json_object_object_get(cfg, "machine"));
    json_object *r = json_object_object_get(cfg, "ram_mb");
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

static void test_config_bytes(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    size_t compared = 0, differ = 0, unmodelled = 0;
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        json_object *s = json_object_array_get_idx(streams, i);
        const char *id = json_object_get_string(json_object_object_get(s, "id"));
        if (strncmp(json_object_get_string(json_object_object_get(s, "category")), "fresh", 5)) {
            continue;
        }
        vmc_model *model;
        if (build_for(json_object_object_get(s, "config"), &model) != 0) {
            continue;
        }
        size_t len;
        uint8_t *data = tu_corpus_stream(id, &len);
        vmc_source *src;
        vmc_reader *rd;
        assert_int_equal(vmc_source_open_memory(&src, data, len, id), 0);
        assert_int_equal(vmc_reader_new(&rd, src, NULL), 0);
        vmc_event ev;
        while (vmc_reader_next(rd, &ev) > 0) {
            if (ev.kind != VMC_EV_DEVICE_STATE || !ev.u.state.value) {
                continue;
            }
            for (size_t k = 0; k < vmc_model_pci_count(model); k++) {
                const vmc_model_pci *p = vmc_model_pci_at(model, k);
                if (!p->section_idstr || strcmp(p->section_idstr, ev.u.state.idstr)) {
                    continue;
                }
                if (!p->config_size) {
                    unmodelled++;
                    continue;
                }
                const vmc_value *cfg = find_config(ev.u.state.value, 0);
                assert_non_null(cfg);
                size_t n;
                const uint8_t *b = vmc_value_bytes(cfg, &n);
                compared++;
                if (n != p->config_size) {
                    fprintf(stderr, "%s: %s: config of %zu bytes, model %u\n", id, p->path, n,
                            p->config_size);
                    differ++;
                    continue;
                }
                for (size_t o = 0; o < n; o++) {
                    if (b[o] != p->config[o]) {
                        fprintf(stderr, "%s: %s (%s): config byte 0x%zx: QEMU 0x%02x, model "
                                "0x%02x\n", id, p->path, p->type, o, b[o], p->config[o]);
                        differ++;
                        break;
                    }
                }
            }
        }
        vmc_reader_free(rd);
        vmc_source_free(src);
        free(data);
        vmc_model_free(model);
    }
    fprintf(stderr, "model config: %zu PCI functions compared, %zu differ, %zu not modelled yet\n",
            compared, differ, unmodelled);
    json_object_put(m);
    assert_int_equal(differ, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
