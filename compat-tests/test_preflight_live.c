/*
 * Pre-flight against the real QEMU 7.2, live: for each scenario a source
 * QEMU is started (and optionally changed at run time: guest run, device
 * hotplug and unplug, guest-like PCI config writes such as slot power-off
 * through ports 0xcf8/0xcfc), migrated to a file, and the file is both
 * checked by vmc_preflight_stream against the destination's command line
 * and loaded by a real destination QEMU.  The verdicts must agree, and when
 * QEMU refuses, the first error we predict must be one of the lines QEMU
 * printed.
 *
 * Before migrating, the running source is also captured (QMP
 * xen-save-devices-state, no RAM: vmcompat capture) and the capture checked
 * with its command line read from the process (preflight --qmp): that
 * verdict must agree with what QEMU then did with the real migration.
 *
 * The expected result is whatever QEMU does at test time; nothing here is
 * copied from our own output.  QEMU must be installed: the test fails (never
 * skips) without it.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcompat/capture.h"
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
    const char *unplug;         /* device_del of this id on the source, after the hotplug */
    const char *pci_writes;     /* "BB:DD.F OFF SIZE VALUE;..." through 0xcf8/0xcfc */
} scenario;

#define RP3 "-device pcie-root-port,id=rp3,chassis=3,slot=3,addr=3"
#define RNG_IN_RP3 "{\"driver\": \"virtio-rng-pci\", \"bus\": \"rp3\", \"id\": \"rng0\"}"

#define NUMA2 "-object memory-backend-ram,id=m0,size=32M -object memory-backend-ram,id=m1," \
              "size=32M -numa node,memdev=m0,cpus=0 -numa node,memdev=m1,cpus=1"

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
    /* NUMA nodes' memory backends are the RAM blocks */
    { "numa-same", "pc-q35-7.2", "-m 64 -smp 2 " NUMA2, "pc-q35-7.2", "-m 64 -smp 2 " NUMA2,
      0, NULL },
    { "numa-to-flat", "pc-q35-7.2", "-m 64 -smp 2 " NUMA2, "pc-q35-7.2", "-m 64 -smp 2", 0,
      NULL },
    { "same-smp2-ran", "pc-q35-7.2", "-m 64 -smp 2 -device qemu-xhci -device ich9-intel-hda",
      "pc-q35-7.2", "-m 64 -smp 2 -device qemu-xhci -device ich9-intel-hda", 500, NULL },
    { "unmigratable-on-dest", "pc-q35-7.2", "-m 64", "pc-q35-7.2",
      "-m 64 -device nvme,serial=vmc0", 0, NULL },
    /* PCIe slot power sequences (the guest's writes to Slot Control at 0x6c) */
    { "rp-hotplug-poweroff-to-cold", "pc-q35-7.2", "-m 64 " RP3, "pc-q35-7.2",
      "-m 64 " RP3 " -device virtio-rng-pci,bus=rp3,id=rng0", 0, RNG_IN_RP3, NULL,
      "00:03.0 0x6c 2 0x07c0" },
    { "rp-hotplug-poweroff-to-missing", "pc-q35-7.2", "-m 64 " RP3, "pc-q35-7.2",
      "-m 64 " RP3, 0, RNG_IN_RP3, NULL, "00:03.0 0x6c 2 0x07c0" },
    { "rp-unplug-pending-to-cold", "pc-q35-6.0", "-m 64 " RP3, "pc-q35-6.0",
      "-m 64 " RP3 " -device virtio-rng-pci,bus=rp3,id=rng0", 0, RNG_IN_RP3, "rng0", NULL },
    { "rp-unplug-ack-to-missing", "pc-q35-7.2", "-m 64 " RP3, "pc-q35-7.2", "-m 64 " RP3, 0,
      RNG_IN_RP3, "rng0", "00:03.0 0x6c 2 0x07c0" },
    { "rp-empty-to-device", "pc-q35-6.0", "-m 64 " RP3, "pc-q35-6.0",
      "-m 64 " RP3 " -device e1000e,bus=rp3", 0, NULL, NULL, NULL },
    { "ioh3420-poweroff-empty", "pc-q35-7.2",
      "-m 64 -device ioh3420,id=p1,chassis=1,slot=1,addr=4", "pc-q35-7.2",
      "-m 64 -device ioh3420,id=p1,chassis=1,slot=1,addr=4", 0, NULL, NULL,
      "00:04.0 0x6c 2 0x07c0" },
    /* 'equal' fields: compared with the destination's own value */
    { "aer-log-max-differs", "pc-q35-7.2", "-m 64 -device pcie-root-port,id=rp1,chassis=1,"
      "aer_log_max=4", "pc-q35-7.2", "-m 64 -device pcie-root-port,id=rp1,chassis=1", 0, NULL,
      NULL, NULL },
    { "gpu-outputs-differ", "pc-i440fx-7.2", "-m 64 -device virtio-gpu-pci,max_outputs=2",
      "pc-i440fx-7.2", "-m 64 -device virtio-gpu-pci", 0, NULL, NULL, NULL },
    { "xhci-ports-differ", "pc-q35-7.2", "-m 64 -device qemu-xhci,p2=8,p3=8", "pc-q35-7.2",
      "-m 64 -device qemu-xhci,p2=4,p3=4", 0, NULL },
};

static char **split_args(const char *text, size_t *n)
{
    char *copy = strdup(text);
    char **argv = calloc(66, sizeof *argv);   /* room for two more */
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

/* Guest-like config writes: address to 0xcf8, data to 0xcfc (HMP "o"). */
static void pci_writes(qr_qemu *q, const scenario *s)
{
    gchar **w = g_strsplit(s->pci_writes, ";", -1);
    for (int i = 0; w[i]; i++) {
        unsigned bus, dev, fn, off, size, value;
        if (sscanf(w[i], "%x:%x.%x %x %u %x", &bus, &dev, &fn, &off, &size, &value) != 6) {
            fail_msg("%s: bad pci write '%s'", s->name, w[i]);
        }
        uint32_t addr = 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
        char args[200];
        snprintf(args, sizeof(args), "{\"command-line\": \"o /l 0xcf8 0x%x\"}", addr);
        json_object *ret = NULL;
        assert_int_equal(qr_qmp_json(q, "human-monitor-command", args, &ret), 0);
        json_object_put(ret);
        snprintf(args, sizeof(args), "{\"command-line\": \"o /%c 0x%x 0x%x\"}",
                 size == 1 ? 'b' : size == 2 ? 'w' : 'l', 0xcfc + (off & 3), value);
        assert_int_equal(qr_qmp_json(q, "human-monitor-command", args, &ret), 0);
        json_object_put(ret);
    }
    g_strfreev(w);
}

/*
 * Start the source, apply the run-time changes, capture its device state
 * (capture_file) and its command line (*cmdline), then migrate it to file.
 */
static void make_stream(const scenario *s, const char *dir, const char *file,
                        const char *capture_file, char **cmdline)
{
    size_t n;
    char **argv = split_args(s->src_args, &n);
    /* a second QMP monitor for the capture (the runner's is in use) */
    char qmparg[600];
    snprintf(qmparg, sizeof(qmparg), "unix:%s/%s.qmp,server=on,wait=off", dir, s->name);
    argv[n] = strdup("-qmp");
    argv[n + 1] = strdup(qmparg);
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
    if (s->unplug) {
        char args[200];
        snprintf(args, sizeof(args), "{\"id\": \"%s\"}", s->unplug);
        json_object *ret = NULL;
        if (qr_qmp_json(q, "device_del", args, &ret) < 0) {
            fail_msg("%s: device_del: %s", s->name, vmc_error_last()->message);
        }
        json_object_put(ret);
    }
    if (s->pci_writes) {
        pci_writes(q, s);
    }
    if (s->run_ms > 0) {
        assert_int_equal(qr_run_ms(q, s->run_ms), 0);
    }
    char sock[600];
    snprintf(sock, sizeof(sock), "%s/%s.qmp", dir, s->name);
    if (vmc_capture_device_state(sock, capture_file, cmdline, 30000) < 0) {
        fail_msg("%s: capture: %s", s->name, vmc_error_last()->message);
    }
    rc = qr_migrate_to_file(q, file, NULL);
    if (rc < 0) {
        fail_msg("%s: migrating the source: %s", s->name, vmc_error_last()->message);
    }
    qr_free(q);
    free_args(argv, n + 2);
}

/* Returns true when preflight and QEMU agree (diagnostics on stderr otherwise). */
static bool check_scenario(const scenario *s, const char *dir)
{
    char file[512], capture[512];
    snprintf(file, sizeof file, "%s/%s.mig", dir, s->name);
    snprintf(capture, sizeof capture, "%s/%s.capture", dir, s->name);
    char *src_cmdline = NULL;
    make_stream(s, dir, file, capture, &src_cmdline);

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
        printf("%-30s QEMU %-8s preflight (stream and capture) agrees%s%s\n", s->name,
               res.ok ? "loads" : "refuses", first ? ": " : "", first ? first->qemu_error : "");
    }

    /* the capture of the running source, with its command line */
    if (!src_cmdline) {
        fail_msg("%s: the source's command line could not be read", s->name);
    }
    vmc_model *source = NULL;
    if (vmc_model_build_shell(&source, src_cmdline, NULL) < 0) {
        fail_msg("%s: source model from '%s': %s", s->name, src_cmdline,
                 vmc_error_last()->message);
    }
    vmc_source *cap = NULL;
    assert_int_equal(vmc_source_open_path(&cap, capture), 0);
    vmc_preflight *pc = NULL;
    if (vmc_preflight_capture(&pc, cap, source, dest, NULL) < 0) {
        fail_msg("%s: preflight of the capture: %s", s->name, vmc_error_last()->message);
    }
    bool cap_ok = vmc_preflight_compatible(pc);
    if (cap_ok != (res.ok != 0)) {
        const vmc_preflight_finding *ce = vmc_preflight_first_error(pc);
        fprintf(stderr, "%s: QEMU %s the real migration, preflight of the capture says %s "
                        "(%s)\n", s->name, res.ok ? "loaded" : "refused",
                cap_ok ? "compatible" : "incompatible", ce ? ce->message : "no error");
        agree = false;
    }
    vmc_preflight_free(pc);
    vmc_source_free(cap);
    vmc_model_free(source);
    free(src_cmdline);
    unlink(capture);

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
