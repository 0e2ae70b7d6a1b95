/*
 * `vmcompat write` against the real QEMU 7.2.
 *
 * Round trip: QEMU writes the stream of a machine started with -S; we
 * inspect it (--format json), write the same machine from its arguments
 * with --state set to that JSON, and require QEMU's records exactly: header,
 * configuration, RAM block list and every page (firmware and option ROM
 * files), every device section rebuilt from its field values with our
 * descriptors, and the vmdesc.  Only the cut of RAM into PART sections may
 * differ (QEMU cuts by elapsed time; tests/stream_equiv.h).  Then QEMU must
 * load our stream.  Expected bytes come
 * from QEMU at test time.
 *
 * Errors: what cannot be written right is refused with exit 1 and a
 * "not modelled" message, usage errors give exit 2, and no output file is
 * left behind either way.
 *
 * QEMU must be installed: the test fails (never skips) without it.
 */
#include "testutil.h"
#include "qemu_runner.h"
#include "stream_equiv.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/vmc-write-qemu-XXXXXX";

static char **split(const char *text, size_t *n)
{
    char *copy = strdup(text);
    char **v = calloc(64, sizeof(*v));
    size_t k = 0;
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && k < 63;
         t = strtok_r(NULL, " ", &save)) {
        v[k++] = strdup(t);
    }
    free(copy);
    *n = k;
    return v;
}

static void free_split(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

/* QEMU's stream of the machine (args without -M) into file. */
static void qemu_stream(const char *machine, const char *args, const char *file)
{
    size_t n;
    char **v = split(args, &n);
    qr_config cfg = { .machine = machine, .args = (const char *const *)v };
    qr_qemu *q = NULL;
    if (qr_start(&q, &cfg) < 0) {
        fail_msg("starting QEMU -M %s %s: %s", machine, args, vmc_error_last()->message);
    }
    if (qr_migrate_to_file(q, file, NULL) < 0) {
        fail_msg("migrating -M %s %s: %s", machine, args, vmc_error_last()->message);
    }
    qr_free(q);
    free_split(v, n);
}

/* vmcompat write [extra...] -o out -- -M machine -nodefaults args; returns the exit code. */
static int run_write(const char *machine, const char *args, const char *const *extra,
                     const char *out, char **err)
{
    size_t n;
    char **v = split(args, &n);
    const char *argv[96];
    size_t k = 0;
    argv[k++] = "vmcompat";
    argv[k++] = "write";
    for (size_t i = 0; extra && extra[i]; i++) {
        argv[k++] = extra[i];
    }
    argv[k++] = "-q";
    argv[k++] = "-o";
    argv[k++] = out;
    argv[k++] = "--";
    argv[k++] = "-M";
    argv[k++] = machine;
    argv[k++] = "-nodefaults";
    for (size_t i = 0; i < n; i++) {
        argv[k++] = v[i];
    }
    argv[k] = NULL;
    char *o = NULL;
    int code = tu_run_cli(argv, NULL, 0, &o, NULL, err);
    free(o);
    free_split(v, n);
    return code;
}

static char *inspect_json(const char *file)
{
    const char *argv[] = { "vmcompat", "inspect", "--format", "json", file, NULL };
    char *out = NULL, *err = NULL;
    int code = tu_run_cli(argv, NULL, 0, &out, NULL, &err);
    if (code != 0) {
        fail_msg("inspect %s: exit %d: %s", file, code, err);
    }
    free(err);
    return out;
}

typedef struct machine_case {
    const char *machine;
    const char *args;
} machine_case;

/* acpi=off: the ACPI tables of the other machines are not part of this test */
static const machine_case roundtrip_cases[] = {
    { "pc-i440fx-7.2,acpi=off", "-m 64" },
    { "pc-i440fx-2.0,acpi=off", "-m 32 -smp 2" },
    { "pc-q35-7.2,acpi=off",
      "-m 64 -device pcie-root-port,id=rp1,chassis=1 -device virtio-net-pci,bus=rp1,netdev=n0 "
      "-netdev user,id=n0 -device e1000e -device qemu-xhci -device usb-tablet" },
    { "pc-q35-4.2,acpi=off",
      "-m 128 -smp 2 -device virtio-rng-pci -device ich9-intel-hda -device hda-duplex "
      "-device i6300esb -device VGA" },
};

static void test_roundtrip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(roundtrip_cases) / sizeof(roundtrip_cases[0]); i++) {
        const machine_case *c = &roundtrip_cases[i];
        char qfile[600], ours[600], sfile[600];
        snprintf(qfile, sizeof(qfile), "%s/qemu-%zu.mig", tmpdir, i);
        snprintf(ours, sizeof(ours), "%s/ours-%zu.mig", tmpdir, i);
        snprintf(sfile, sizeof(sfile), "%s/state-%zu.json", tmpdir, i);
        qemu_stream(c->machine, c->args, qfile);
        char *json = inspect_json(qfile);
        FILE *f = fopen(sfile, "w");
        assert_non_null(f);
        fputs(json, f);
        fclose(f);
        free(json);

        const char *extra[] = { "--state", sfile, NULL };
        char *err = NULL;
        int code = run_write(c->machine, c->args, extra, ours, &err);
        if (code != 0) {
            fail_msg("-M %s %s: write exit %d: %s", c->machine, c->args, code, err);
        }
        free(err);
        /* equal up to where QEMU's time-sliced RAM iterations cut PART sections */
        char why[1024];
        int eq = se_compare_files(qfile, ours, why, sizeof(why));
        if (eq != 0) {
            fail_msg("-M %s %s: our stream differs from QEMU's: %s", c->machine, c->args, why);
        }
        /* and QEMU loads it */
        size_t n;
        char **v = split(c->args, &n);
        qr_config cfg = { .machine = c->machine, .args = (const char *const *)v };
        qr_load_result res;
        assert_int_equal(qr_load_file(&cfg, ours, &res), 0);
        if (!res.ok) {
            fail_msg("-M %s %s: QEMU did not load our stream: %s", c->machine, c->args,
                     res.n_error ? res.error_lines[0] : res.status);
        }
        qr_load_result_free(&res);
        free_split(v, n);
        unlink(qfile);
        unlink(ours);
        unlink(sfile);
        printf("%-24s %s: same records as QEMU's stream, loads\n", c->machine, c->args);
    }
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void expect_refusal(const char *machine, const char *args, const char *const *extra,
                           int exit_code, const char *needle)
{
    char out[600];
    snprintf(out, sizeof(out), "%s/refused.mig", tmpdir);
    char *err = NULL;
    int code = run_write(machine, args, extra, out, &err);
    if (code != exit_code || !strstr(err, needle)) {
        fail_msg("-M %s %s: expected exit %d with '%s', got exit %d: %s", machine, args,
                 exit_code, needle, code, err);
    }
    assert_false(exists(out));
    free(err);
}

/* The full state of QEMU's stream of -M pc-i440fx-7.2,acpi=off -m 64, parsed. */
static json_object *full_state(void)
{
    char qfile[600];
    snprintf(qfile, sizeof(qfile), "%s/qemu-full.mig", tmpdir);
    qemu_stream("pc-i440fx-7.2,acpi=off", "-m 64", qfile);
    char *json = inspect_json(qfile);
    unlink(qfile);
    json_object *o = json_tokener_parse(json);
    free(json);
    assert_non_null(o);
    return o;
}

static void write_json(const char *path, json_object *o)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), f);
    fclose(f);
}

static json_object *section_named(json_object *doc, const char *idstr)
{
    json_object *secs = json_object_object_get(doc, "sections");
    for (size_t i = 0; i < json_object_array_length(secs); i++) {
        json_object *s = json_object_array_get_idx(secs, i);
        if (strcmp(json_object_get_string(json_object_object_get(s, "idstr")), idstr) == 0) {
            return s;
        }
    }
    fail_msg("no section %s", idstr);
    return NULL;
}

static void test_refusals(void **state)
{
    (void)state;
    char sfile[600];
    snprintf(sfile, sizeof(sfile), "%s/state.json", tmpdir);
    const char *with_state[] = { "--state", sfile, NULL };

    /* a field the section does not have */
    json_object *doc = full_state();
    json_object *fields =
        json_object_object_get(json_object_object_get(section_named(doc, "port92"), "state"),
                               "fields");
    json_object *bogus = json_object_new_object();
    json_object_object_add(bogus, "name", json_object_new_string("no_such_field"));
    json_object_object_add(bogus, "value", json_object_new_int(2));
    json_object_array_add(fields, bogus);
    write_json(sfile, doc);
    expect_refusal("pc-i440fx-7.2,acpi=off", "-m 64", with_state, 1, "no_such_field");
    json_object_put(doc);

    /* a value that does not fit its field (port92.outport is a uint8) */
    doc = full_state();
    json_object *outport = json_object_array_get_idx(
        json_object_object_get(json_object_object_get(section_named(doc, "port92"), "state"),
                               "fields"), 0);
    json_object_object_add(outport, "value", json_object_new_int(300));
    write_json(sfile, doc);
    expect_refusal("pc-i440fx-7.2,acpi=off", "-m 64", with_state, 1, "does not fit");
    json_object_put(doc);

    /* a section the machine does not have */
    FILE *f = fopen(sfile, "w");
    fputs("{\"sections\": [{\"idstr\": \"serial\", \"instance_id\": 0, \"state\": "
          "{\"fields\": []}}]}", f);
    fclose(f);
    expect_refusal("pc-i440fx-7.2,acpi=off", "-m 64", with_state, 1, "no section 'serial'");

    /* broken JSON */
    f = fopen(sfile, "w");
    fputs("{\"sections\": [{\"idstr\": ", f);
    fclose(f);
    expect_refusal("pc-i440fx-7.2,acpi=off", "-m 64", with_state, 1, "invalid JSON");
    unlink(sfile);

    /* what QEMU itself refuses: usage errors */
    expect_refusal("pc-q35-9.9", "-m 64", NULL, 2, "pc-q35-9.9");
    expect_refusal("pc-q35-7.2", "-m 64 -device no-such-device", NULL, 2, "no-such-device");
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rmdir(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
