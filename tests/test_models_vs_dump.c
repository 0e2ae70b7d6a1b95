/*
 * Built-in descriptors against QEMU 7.2's own -dump-vmstate output
 * (corpus vmstate/pc-q35-7.2.json.gz and pc-i440fx-7.2.json.gz): for every
 * built-in top-level vmsd that QEMU dumps (devices with a qdev class), the
 * versions, the field list (names, order, version_id, whether a
 * field_exists test is present, static sizes of scalar fields), nested
 * struct descriptions and the subsection list must agree.  This covers the
 * parts of a descriptor that no corpus stream exercises (subsections never
 * sent, fields of old versions).
 */
#include "testutil.h"

#include "devices/registry.h"
#include "vmstate/info.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static char why[2048];

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static bool compare_vmsd(const vmc_vmsd *m, json_object *d, const char *path);

static bool compare_fields(const vmc_vmsd *m, json_object *fields, const char *path)
{
    size_t nd = fields ? json_object_array_length(fields) : 0;
    size_t k = 0;
    for (size_t i = 0; m->fields && m->fields[i].name; i++) {
        const vmc_field *f = &m->fields[i];
        if (f->flags & VMC_F_MUST_EXIST) {
            continue;   /* QEMU's dump leaves VMSTATE_VALIDATE-style fields out */
        }
        if (k >= nd) {
            snprintf(why, sizeof(why), "%s: field '%s' is not in QEMU's dump", path, f->name);
            return false;
        }
        json_object *df = json_object_array_get_idx(fields, k++);
        const char *dname = json_object_get_string(get(df, "field"));
        char p[1024];
        snprintf(p, sizeof(p), "%s.%s", path, f->name);
        if (strcmp(dname, f->name) != 0) {
            snprintf(why, sizeof(why), "%s: field %zu is '%s' in QEMU's dump", p, k - 1, dname);
            return false;
        }
        if (json_object_get_int(get(df, "version_id")) != f->version_id) {
            snprintf(why, sizeof(why), "%s: version_id %d, QEMU %d", p, f->version_id,
                     json_object_get_int(get(df, "version_id")));
            return false;
        }
        if (json_object_get_boolean(get(df, "field_exists")) != (f->exists != NULL)) {
            snprintf(why, sizeof(why), "%s: field_exists %s, QEMU %s", p,
                     f->exists ? "set" : "unset",
                     json_object_get_boolean(get(df, "field_exists")) ? "set" : "unset");
            return false;
        }
        const vmc_info *info = vmc_info_find(f->info);
        bool nested = (f->flags & (VMC_F_STRUCT | VMC_F_VSTRUCT)) ||
                      (f->info && strcmp(f->info, "tmp") == 0);
        if (!nested && info && info->width && !(f->flags & VMC_F_VBUFFER) &&
            json_object_get_int64(get(df, "size")) != (int64_t)f->size) {
            snprintf(why, sizeof(why), "%s: size %u, QEMU %lld", p, f->size,
                     (long long)json_object_get_int64(get(df, "size")));
            return false;
        }
        json_object *desc = get(df, "Description");
        if (nested && f->vmsd && f->vmsd != &vmc_vmsd_pci_device) {
            if (!desc) {
                snprintf(why, sizeof(why), "%s: nested vmsd '%s' but QEMU dumps none", p,
                         f->vmsd->name);
                return false;
            }
            if (!compare_vmsd(f->vmsd, desc, p)) {
                return false;
            }
        }
    }
    if (k != nd) {
        snprintf(why, sizeof(why), "%s: QEMU's dump has %zu fields, the model %zu (next: '%s')",
                 path, nd, k, json_object_get_string(get(json_object_array_get_idx(fields, k),
                                                         "field")));
        return false;
    }
    return true;
}

static bool compare_vmsd(const vmc_vmsd *m, json_object *d, const char *path)
{
    const char *dname = json_object_get_string(get(d, "name"));
    if (!dname || strcmp(dname, m->name) != 0) {
        snprintf(why, sizeof(why), "%s: vmsd '%s', QEMU '%s'", path, m->name,
                 dname ? dname : "?");
        return false;
    }
    if (json_object_get_int(get(d, "version_id")) != m->version_id ||
        json_object_get_int(get(d, "minimum_version_id")) != m->minimum_version_id) {
        snprintf(why, sizeof(why), "%s (%s): version %d/%d, QEMU %d/%d", path, m->name,
                 m->version_id, m->minimum_version_id,
                 json_object_get_int(get(d, "version_id")),
                 json_object_get_int(get(d, "minimum_version_id")));
        return false;
    }
    if (!compare_fields(m, get(d, "Fields"), path)) {
        return false;
    }
    json_object *subs = get(d, "Subsections");
    size_t ns = subs ? json_object_array_length(subs) : 0, k = 0;
    for (size_t i = 0; m->subsections && m->subsections[i]; i++, k++) {
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s", path, m->subsections[i]->name);
        if (k >= ns) {
            snprintf(why, sizeof(why), "%s: subsection not in QEMU's dump", p);
            return false;
        }
        if (!compare_vmsd(m->subsections[i], json_object_array_get_idx(subs, k), p)) {
            return false;
        }
    }
    if (k != ns) {
        snprintf(why, sizeof(why), "%s: QEMU has %zu subsections, the model %zu", path, ns, k);
        return false;
    }
    return true;
}

static void test_dump(void **state)
{
    const char *dumps[] = { "vmstate/pc-q35-7.2.json.gz", "vmstate/pc-i440fx-7.2.json.gz" };
    json_object *d[2];
    for (int i = 0; i < 2; i++) {
        d[i] = tu_corpus_json(dumps[i]);
    }
    size_t compared = 0, failed = 0, absent = 0;
    for (size_t i = 0; i < vmc_devices_vmsd_count(); i++) {
        const vmc_vmsd *m = vmc_devices_vmsd_at(i);
        /* Several device classes may dump a vmsd of the same name (e.g. the
         * "serial" of isa-serial wraps another "serial"): any may match. */
        bool found = false, matched = false;
        char first_why[2048] = "";
        for (int k = 0; k < 2 && !matched; k++) {
            json_object_object_foreach(d[k], key, val) {
                json_object *dd = get(val, "Description");
                (void)key;
                if (!dd || !json_object_get_string(get(dd, "name")) ||
                    strcmp(json_object_get_string(get(dd, "name")), m->name) != 0) {
                    continue;
                }
                found = true;
                if (compare_vmsd(m, dd, m->name)) {
                    matched = true;
                    break;
                }
                if (!first_why[0]) {
                    snprintf(first_why, sizeof(first_why), "%s", why);
                }
            }
        }
        if (!found) {
            absent++;   /* registered without a qdev class: not in -dump-vmstate */
            continue;
        }
        compared++;
        if (!matched) {
            fprintf(stderr, "%s\n", first_why);
            failed++;
        }
    }
    fprintf(stderr, "dump: %zu vmsds compared, %zu differ, %zu not dumped by QEMU\n", compared,
            failed, absent);
    for (int i = 0; i < 2; i++) {
        json_object_put(d[i]);
    }
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
