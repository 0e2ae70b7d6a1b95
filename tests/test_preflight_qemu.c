/*
 * Pre-flight against the real QEMU 7.2, live: for each scenario a source
 * QEMU is started (and optionally changed at run time: guest run, device
 * hotplug), migrated to a file, and the file is both checked by
 * vmc_preflight_stream against the destination's command line and loaded by
 * a real destination QEMU.  The verdicts must agree, and when QEMU refuses,
 * the first error we predict must be one of the lines QEMU printed.
 *
 * The expected result is whatever QEMU does at test time; nothing here is
 * copied from our own output.  QEMU must be installed: the test fails (never
 * skips) without it.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcompat/model.h"
#include "vmcompat/preflight.h"
#include "vmcompat/source.h"

typedef struct scenario {
    const char *name;
    const char *src_machine;
    const char *src_args;       /* space-separated tokens */
    const char *dst_machine;
    const char *dst_args;
    int run_ms;                 /* let the source guest run before migrating */
    const char *hotplug;        /* QMP device_add arguments (JSON) on the source */
} scenario;

static const scenario scenarios[] = {
    { "same-q35-rootport-rng", "pc-q35-7.2",
      "-m 64 -device pcie-root-port,id=rp1,chassis=1,slot=1 -device virtio-rng-pci,bus=rp1",
      "pc-q35-7.2",
      "-m 64 -device pcie-root-port,id=rp1,chassis=1,slot=1 -device virtio-rng-pci,bus=rp1",
      0, NULL },
    { "same-i440fx-ran", "pc-i440fx-7.2", "-m 48 -device e1000,netdev=n0 -netdev user,id=n0",
      "pc-i440fx-7.2", "-m 48 -device e1000,netdev=n0 -netdev user,id=n0", 700, NULL },
    { "ram-size-differs", "pc-i440fx-7.2", "-m 64", "pc-i440fx-7.2", "-m 96", 0, NULL },
    { "device-missing-on-dest", "pc-q35-7.2", "-m 64 -device virtio-rng-pci", "pc-q35-7.2",
      "-m 64", 0, NULL },
    { "isa-serial-missing-on-dest", "pc-i440fx-7.2",
      "-m 64 -chardev null,id=c0 -device isa-serial,chardev=c0", "pc-i440fx-7.2", "-m 64",
      0, NULL },
    { "board-differs", "pc-i440fx-7.2", "-m 64", "pc-q35-7.2", "-m 64", 0, NULL },
    { "older-machine-to-newer", "pc-q35-6.2", "-m 64", "pc-q35-7.2", "-m 64", 0, NULL },
    { "hotplug-to-missing", "pc-q35-7.2",
      "-m 64 -device pcie-root-port,id=rp1,chassis=1,slot=1", "pc-q35-7.2",
      "-m 64 -device pcie-root-port,id=rp1,chassis=1,slot=1", 0,
      "{\"driver\": \"virtio-rng-pci\", \"bus\": \"rp1\", \"id\": \"rng0\"}" },
    { "hotplug-to-cold", "pc-q35-7.2",
      "-m 64 -device pcie-root-port,id=rp1,chassis=1,slot=1", "pc-q35-7.2",
      "-m 64 -device pcie-root-port,id=rp1,chassis=1,slot=1 -device virtio-rng-pci,bus=rp1,id=rng0",
      0, "{\"driver\": \"virtio-rng-pci\", \"bus\": \"rp1\", \"id\": \"rng0\"}" },
    { "extra-device-on-dest", "pc-i440fx-7.2", "-m 64", "pc-i440fx-7.2",
      "-m 64 -device i6300esb", 0, NULL },
    { "nic-model-differs", "pc-i440fx-7.2", "-m 64 -device e1000,addr=5", "pc-i440fx-7.2",
      "-m 64 -device rtl8139,addr=5", 0, NULL },
    { "smp-differs", "pc-q35-7.2", "-m 64 -smp 2", "pc-q35-7.2", "-m 64 -smp 1", 0, NULL },
    { "same-smp2-ran", "pc-q35-7.2", "-m 64 -smp 2 -device qemu-xhci -device ich9-intel-hda",
      "pc-q35-7.2", "-m 64 -smp 2 -device qemu-xhci -device ich9-intel-hda", 500, NULL },
    { "unmigratable-on-dest", "pc-q35-7.2", "-m 64", "pc-q35-7.2",
      "-m 64 -device nvme,serial=vmc0", 0, NULL },
    { "xhci-ports-differ", "pc-q35-7.2", "-m 64 -device qemu-xhci,p2=8,p3=8", "pc-q35-7.2",
      "-m 64 -device qemu-xhci,p2=4,p3=4", 0, NULL },
};

static char **split_args(const char *text, size_t *n)
{
    char *copy = strdup(text);
    char **argv = calloc(64, sizeof *argv);
    size_t k = 0;
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && k < 63;
         t = strtok_r(NULL, " ", &save)) {
        argv[k++] = strdup(t);
    }
    free(copy);
    *n = k;
    return argv;
}

static void free_args(char **argv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(argv[i]);
    }
    free(argv);
}

/* Start the source, apply the run-time changes, migrate to file. */
static void make_stream(const scenario *s, const char *file)
{
    size_t n;
    char **argv = split_args(s->src_args, &n);
    qr_config cfg = { .machine = s->src_machine, .args = (const char *const *)argv };
    qr_qemu *q = NULL;
    int rc = qr_start(&q, &cfg);
    if (rc < 0) {
        fail_msg("%s: starting the source QEMU: %s", s->name, vmc_error_last()->message);
    }
    if (s->hotplug) {
        json_object *ret = NULL;
        rc = qr_qmp_json(q, "device_add", s->hotplug, &ret);
        json_object_put(ret);
        if (rc < 0) {
            fail_msg("%s: device_add: %s", s->name, vmc_error_last()->message);
        }
    }
    if (s->run_ms > 0) {
        assert_int_equal(qr_run_ms(q, s->run_ms), 0);
    }
    rc = qr_migrate_to_file(q, file, NULL);
    if (rc < 0) {
        fail_msg("%s: migrating the source: %s", s->name, vmc_error_last()->message);
    }
    qr_free(q);
    free_args(argv, n);
}

/* Returns true when preflight and QEMU agree (diagnostics on stderr otherwise). */
static bool check_scenario(const scenario *s, const char *dir)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s.mig", dir, s->name);
    make_stream(s, file);

    /* QEMU's verdict */
    size_t n;
    char **argv = split_args(s->dst_args, &n);
    qr_config cfg = { .machine = s->dst_machine, .args = (const char *const *)argv };
    qr_load_result res;
    int rc = qr_load_file(&cfg, file, &res);
    if (rc < 0) {
        fail_msg("%s: running the destination QEMU: %s", s->name, vmc_error_last()->message);
    }

    /* ours, from the same command line (the runner adds -nodefaults) */
    char cmdline[1024];
    snprintf(cmdline, sizeof cmdline, "-M %s -nodefaults %s", s->dst_machine, s->dst_args);
    vmc_model *dest = NULL;
    if (vmc_model_build_shell(&dest, cmdline, NULL) < 0) {
        fail_msg("%s: building the destination model: %s", s->name, vmc_error_last()->message);
    }
    vmc_source *src = NULL;
    assert_int_equal(vmc_source_open_path(&src, file), 0);
    vmc_preflight *p = NULL;
    if (vmc_preflight_stream(&p, src, dest, NULL) < 0) {
        fail_msg("%s: preflight: %s", s->name, vmc_error_last()->message);
    }

    bool agree = true;
    bool ours = vmc_preflight_compatible(p);
    const vmc_preflight_finding *first = vmc_preflight_first_error(p);
    if (ours != (res.ok != 0)) {
        fprintf(stderr, "%s: QEMU %s (%s), preflight says %s (%s)\n", s->name,
                res.ok ? "loaded the stream" : "refused it",
                res.n_error ? res.error_lines[0] : res.status,
                ours ? "compatible" : "incompatible", first ? first->message : "no error");
        agree = false;
    }
    if (agree && !res.ok) {
        assert_non_null(first);
        assert_non_null(first->qemu_error);
        bool seen = false;
        for (size_t i = 0; i < res.n_error; i++) {
            seen |= strcmp(res.error_lines[i], first->qemu_error) == 0;
        }
        if (!seen) {
            for (size_t i = 0; i < res.n_error; i++) {
                fprintf(stderr, "%s: QEMU: %s\n", s->name, res.error_lines[i]);
            }
            fprintf(stderr, "%s: predicted error line not printed by QEMU: %s\n", s->name,
                    first->qemu_error);
            agree = false;
        }
    }
    if (agree) {
        printf("%-28s QEMU %-8s preflight agrees%s%s\n", s->name,
               res.ok ? "loads" : "refuses", first ? ": " : "", first ? first->qemu_error : "");
    }

    vmc_preflight_free(p);
    vmc_source_free(src);
    vmc_model_free(dest);
    qr_load_result_free(&res);
    free_args(argv, n);
    unlink(file);
    return agree;
}

static void test_scenarios(void **state)
{
    (void)state;
    char dir[] = "/tmp/vmc-preflight-qemu-XXXXXX";
    assert_non_null(mkdtemp(dir));
    size_t bad = 0, total = sizeof scenarios / sizeof scenarios[0];
    for (size_t i = 0; i < total; i++) {
        bad += !check_scenario(&scenarios[i], dir);
    }
    rmdir(dir);
    if (bad) {
        fail_msg("preflight disagrees with QEMU in %zu of %zu scenarios", bad, total);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
