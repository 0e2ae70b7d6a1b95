/*
 * Machines under KVM (-accel kvm): the kvmclock section QEMU adds after the
 * CPUs (kvmclock_create), checked against streams real QEMU 7.2 wrote with
 * KVM (tests/data/README.md), so the test runs where there is no /dev/kvm.
 */
#include "testutil.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcompat/vmcompat.h"

static char *data_path(const char *name)
{
    return g_strdup_printf("%s/tests/data/%s", tu_source_dir(), name);
}

/* The stream's START/FULL sections as "idstr/instance/version" lines. */
static GPtrArray *stream_sections(const char *name)
{
    char *path = data_path(name);
    size_t len;
    uint8_t *bytes = tu_read_file(path, &len);
    assert_non_null(bytes);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, bytes, len, name), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) == 1) {
        if (ev.kind == VMC_EV_SECTION &&
            (ev.u.section.type == VMC_SEC_START || ev.u.section.type == VMC_SEC_FULL)) {
            g_ptr_array_add(out, g_strdup_printf("%s/%u/%u", ev.u.section.idstr,
                                                 ev.u.section.instance_id,
                                                 ev.u.section.version_id));
        }
    }
    assert_int_equal(rc, 0);
    vmc_reader_free(r);
    vmc_source_free(src);
    free(bytes);
    g_free(path);
    return out;
}

static vmc_model *model(const char *const *argv, int argc)
{
    vmc_model *m = NULL;
    if (vmc_model_build(&m, argc, argv, NULL)) {
        fail_msg("model: %s", vmc_error_last()->message);
    }
    return m;
}

/* The model's fresh sections equal the ones QEMU wrote, kvmclock included. */
static void check_sections(const char *stream, const char *const *argv, int argc,
                           bool want_kvmclock)
{
    GPtrArray *want = stream_sections(stream);
    vmc_model *m = model(argv, argc);
    bool kvmclock = false;
    assert_int_equal(vmc_model_section_count(m), want->len);
    for (size_t i = 0; i < want->len; i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        char *got = g_strdup_printf("%s/%u/%u", e->idstr, e->instance_id, e->version_id);
        if (strcmp(got, want->pdata[i]) != 0) {
            fail_msg("%s: section %zu is %s, QEMU wrote %s", stream, i, got,
                     (char *)want->pdata[i]);
        }
        kvmclock |= strcmp(e->idstr, "kvmclock") == 0;
        g_free(got);
    }
    assert_int_equal(kvmclock, want_kvmclock);
    vmc_model_free(m);
    g_ptr_array_free(want, TRUE);
}

static void test_sections(void **state)
{
    (void)state;
    static const char *const q72[] = { "-M", "pc-q35-7.2", "-nodefaults", "-m", "64",
                                       "-accel", "kvm" };
    check_sections("kvm-pc-q35-7.2.mig.gz", q72, 7, true);
    /* pc-q35-4.0 creates kvmclock only for a CPU with the feature */
    static const char *const q40[] = { "-M", "pc-q35-4.0", "-nodefaults", "-m", "64",
                                       "-accel", "kvm", "-cpu", "qemu64,kvmclock=off" };
    check_sections("kvm-pc-q35-4.0-no-kvmclock.mig.gz", q40, 9, false);
    /* the same machine under TCG has no kvmclock */
    static const char *const tcg[] = { "-M", "pc-q35-7.2", "-nodefaults", "-m", "64" };
    vmc_model *m = model(tcg, 5);
    for (size_t i = 0; i < vmc_model_section_count(m); i++) {
        assert_string_not_equal(vmc_model_section_at(m, i)->idstr, "kvmclock");
    }
    vmc_model_free(m);
}

static vmc_preflight *preflight(const char *stream, const char *const *argv, int argc)
{
    char *path = data_path(stream);
    size_t len;
    uint8_t *bytes = tu_read_file(path, &len);
    vmc_source *src;
    assert_int_equal(vmc_source_open_memory(&src, bytes, len, stream), 0);
    vmc_model *dest = model(argv, argc);
    vmc_preflight *p = NULL;
    assert_int_equal(vmc_preflight_stream(&p, src, dest, NULL), 0);
    vmc_model_free(dest);
    vmc_source_free(src);
    free(bytes);
    g_free(path);
    return p;
}

static void test_preflight(void **state)
{
    (void)state;
    static const char *const kvm[] = { "-M", "pc-q35-7.2", "-nodefaults", "-m", "64",
                                       "-accel", "kvm" };
    vmc_preflight *p = preflight("kvm-pc-q35-7.2.mig.gz", kvm, 7);
    assert_true(vmc_preflight_compatible(p));
    vmc_preflight_free(p);
    /* QEMU 7.2 under TCG refuses it with this line (tests/data/README.md) */
    static const char *const tcg[] = { "-M", "pc-q35-7.2", "-nodefaults", "-m", "64" };
    p = preflight("kvm-pc-q35-7.2.mig.gz", tcg, 5);
    assert_false(vmc_preflight_compatible(p));
    const vmc_preflight_finding *e = vmc_preflight_first_error(p);
    assert_non_null(e);
    assert_string_equal(e->qemu_error,
                        "Unknown savevm section or instance 'kvmclock' 0. Make sure that your "
                        "current VM setup matches your saved VM setup, including any hotplugged "
                        "devices");
    vmc_preflight_free(p);
}

/* write does not model a KVM vCPU and kvmclock: a refusal, not a wrong stream */
static void test_write_refused(void **state)
{
    (void)state;
    static const char *const kvm[] = { "-M", "pc-q35-7.2", "-nodefaults", "-m", "64",
                                       "-accel", "kvm" };
    vmc_model *m = model(kvm, 7);
    vmc_sink *s;
    assert_int_equal(vmc_sink_open_memory(&s), 0);
    assert_int_equal(vmc_model_write(m, s, NULL), VMC_EUNSUPPORTED);
    assert_non_null(strstr(vmc_error_last()->message, "not modelled"));
    vmc_sink_free(s);
    vmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_preflight),
        cmocka_unit_test(test_write_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
