/*
 * ACPI fw_cfg blobs of the machine model against QEMU 7.2: the RAM blocks
 * "/rom@etc/acpi/tables", "/rom@etc/table-loader" and "/rom@etc/acpi/rsdp"
 * of a freshly started (-S) QEMU must equal, byte for byte, what
 * vmc_acpi_build() makes from vmc_model_build() of the same command line
 * (padded with zeros to the block's used_length, which must be the blob
 * length rounded up to 4 KiB).
 *
 * Oracles: the installed qemu-system-x86_64 (every PC machine type, board
 * only, and a set of device configurations; the test fails when QEMU is
 * missing) and the fresh streams of the shared corpus.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include "machine-types/acpi_build.h"
#include "vmcompat/model.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { B_TABLES, B_LOADER, B_RSDP, B_COUNT };
static const char *const block_names[B_COUNT] = {
    "/rom@etc/acpi/tables", "/rom@etc/table-loader", "/rom@etc/acpi/rsdp",
};

typedef struct stream_blobs {
    uint8_t *data[B_COUNT];    /* NULL: no such RAM block */
    size_t len[B_COUNT];       /* used_length */
} stream_blobs;

static void stream_blobs_free(stream_blobs *s)
{
    for (int i = 0; i < B_COUNT; i++) {
        free(s->data[i]);
    }
    memset(s, 0, sizeof(*s));
}

/* The three RAM blocks of a stream (RAM comes before the device state). */
static int extract_blobs(const uint8_t *stream, size_t len, stream_blobs *out, char *err,
                         size_t errlen)
{
    memset(out, 0, sizeof(*out));
    vmc_source *src;
    vmc_reader *rd;
    if (vmc_source_open_memory(&src, stream, len, "stream") ||
        vmc_reader_new(&rd, src, NULL)) {
        snprintf(err, errlen, "cannot read the stream");
        return -1;
    }
    vmc_event ev;
    int rc, ret = 0;
    while ((rc = vmc_reader_next(rd, &ev)) > 0 && ev.kind != VMC_EV_DEVICE_STATE) {
        if (ev.kind == VMC_EV_RAM_BLOCK) {
            for (int i = 0; i < B_COUNT; i++) {
                if (!strcmp(ev.u.ram_block.name, block_names[i]) && !out->data[i]) {
                    out->len[i] = ev.u.ram_block.used_length;
                    out->data[i] = calloc(1, out->len[i] ? out->len[i] : 1);
                }
            }
        } else if (ev.kind == VMC_EV_RAM_PAGE) {
            for (int i = 0; i < B_COUNT; i++) {
                if (!out->data[i] || strcmp(ev.u.page.block, block_names[i])) {
                    continue;
                }
                if (ev.u.page.addr + 4096 > out->len[i] ||
                    (ev.u.page.kind != VMC_PAGE_ZERO && ev.u.page.kind != VMC_PAGE_NORMAL)) {
                    snprintf(err, errlen, "unexpected page in %s", block_names[i]);
                    ret = -1;
                } else if (ev.u.page.kind == VMC_PAGE_ZERO) {
                    memset(out->data[i] + ev.u.page.addr, ev.u.page.fill, 4096);
                } else {
                    memcpy(out->data[i] + ev.u.page.addr, ev.u.page.data, 4096);
                }
            }
        }
    }
    if (rc < 0 && !ret) {
        snprintf(err, errlen, "stream error: %.200s", vmc_error_last()->message);
        ret = -1;
    }
    vmc_reader_free(rd);
    vmc_source_free(src);
    if (ret) {
        stream_blobs_free(out);
    }
    return ret;
}

/* Signature of the table holding offset off of a tables blob. */
static void table_at(const uint8_t *t, size_t len, size_t off, char *sig, size_t *start)
{
    size_t o = 0;
    snprintf(sig, 8, "(none)");
    *start = 0;
    while (o + 8 <= len) {
        uint32_t l = (uint32_t)t[o + 4] | (uint32_t)t[o + 5] << 8 | (uint32_t)t[o + 6] << 16 |
                     (uint32_t)t[o + 7] << 24;
        if (!l || !memcmp(t + o, "\0\0\0\0", 4)) {
            return;
        }
        if (off < o + l) {
            memcpy(sig, t + o, 4);
            sig[4] = 0;
            *start = o;
            return;
        }
        o += l;
    }
}

/* 1 when our blob matches QEMU's block; prints the first difference otherwise. */
static int same_blob(const char *label, int which, const uint8_t *qemu, size_t qlen,
                     const uint8_t *ours, size_t olen)
{
    if (!qemu) {
        fprintf(stderr, "%s: QEMU has no %s block, we built %zu bytes\n", label,
                block_names[which], olen);
        return 0;
    }
    if (qlen != vmc_acpi_ram_block_size(olen)) {
        fprintf(stderr, "%s: %s used_length 0x%zx, our blob 0x%zx bytes\n", label,
                block_names[which], qlen, olen);
        return 0;
    }
    for (size_t i = 0; i < qlen; i++) {
        uint8_t o = i < olen ? ours[i] : 0;
        if (qemu[i] != o) {
            char sig[8] = "";
            size_t start = 0;
            if (which == B_TABLES) {
                table_at(qemu, qlen, i, sig, &start);
            }
            fprintf(stderr, "%s: %s differs first at offset 0x%zx%s%s (+0x%zx): QEMU 0x%02x, "
                    "ours 0x%02x\n", label, block_names[which], i, which == B_TABLES ? " in " : "",
                    which == B_TABLES ? sig : "", i - start, qemu[i], o);
            return 0;
        }
    }
    return 1;
}

typedef enum { R_MATCH, R_DIFFER, R_UNSUPPORTED, R_NO_MODEL } result;

/* Compare a stream's blobs with the model of argv (which holds -nodefaults). */
static result compare(const char *label, const stream_blobs *q, int argc, const char **argv)
{
    vmc_model *m;
    if (vmc_model_build(&m, argc, argv, NULL) != 0) {
        fprintf(stderr, "%s: no model: %s\n", label, vmc_error_last()->message);
        return R_NO_MODEL;
    }
    vmc_acpi_blobs b;
    int rc = vmc_acpi_build(m, &b);
    vmc_model_free(m);
    if (rc == VMC_EUNSUPPORTED) {
        fprintf(stderr, "%s: unsupported: %s\n", label, vmc_error_last()->message);
        /* a machine without ACPI blobs is reported as unsupported: that is right */
        return q->data[B_TABLES] ? R_UNSUPPORTED : R_MATCH;
    }
    if (rc) {
        fprintf(stderr, "%s: vmc_acpi_build failed: %s\n", label, vmc_error_last()->message);
        return R_DIFFER;
    }
    int ok = same_blob(label, B_TABLES, q->data[B_TABLES], q->len[B_TABLES], b.tables,
                       b.tables_len) &&
             same_blob(label, B_LOADER, q->data[B_LOADER], q->len[B_LOADER], b.loader,
                       b.loader_len);
    if (ok && b.rsdp_is_ram_block) {
        ok = same_blob(label, B_RSDP, q->data[B_RSDP], q->len[B_RSDP], b.rsdp, b.rsdp_len);
    } else if (ok && q->data[B_RSDP]) {
        fprintf(stderr, "%s: QEMU has an RSDP RAM block, we said it has none\n", label);
        ok = 0;
    }
    if (ok && (b.rsdp_len < 20 || memcmp(b.rsdp, "RSD PTR ", 8) != 0)) {
        ok = 0;
    }
    vmc_acpi_blobs_free(&b);
    return ok ? R_MATCH : R_DIFFER;
}

/* ---- the corpus ---- */

static void test_corpus_fresh(void **state)
{
    (void)state;
    json_object *man = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(man, "streams");
    size_t match = 0, differ = 0, unsupported = 0, nomodel = 0;
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        json_object *s = json_object_array_get_idx(streams, i);
        json_object *cfg = json_object_object_get(s, "config");
        json_object *v;
        if ((json_object_object_get_ex(cfg, "run_ms", &v) && json_object_get_int(v) != 0) ||
            (json_object_object_get_ex(cfg, "hotplug", &v) && json_object_array_length(v)) ||
            (json_object_object_get_ex(cfg, "unplug", &v) && json_object_array_length(v)) ||
            (json_object_object_get_ex(cfg, "pci_writes", &v) && json_object_array_length(v))) {
            continue;   /* the guest or QMP changed the tables' inputs */
        }
        const char *id = json_object_get_string(json_object_object_get(s, "id"));
        const char *argv[256];
        char ram[32];
        char *owned[256];
        int argc = 0, nowned = 0;
        argv[argc++] = "-M";
        argv[argc++] = json_object_get_string(json_object_object_get(cfg, "machine"));
        json_object *r = json_object_object_get(cfg, "ram_mb");
        snprintf(ram, sizeof(ram), "%d", r ? json_object_get_int(r) : 128);
        argv[argc++] = "-m";
        argv[argc++] = ram;
        argv[argc++] = "-nodefaults";
        json_object *devs = json_object_object_get(cfg, "devices");
        for (size_t k = 0; devs && k < json_object_array_length(devs) && argc < 250; k++) {
            argv[argc++] = "-device";
            argv[argc++] = json_object_get_string(json_object_array_get_idx(devs, k));
        }
        json_object *extra = json_object_object_get(cfg, "extra_args");
        for (size_t k = 0; extra && k < json_object_array_length(extra) && argc < 254; k++) {
            const char *a = json_object_get_string(json_object_array_get_idx(extra, k));
            const char *t = strstr(a, "{tmp}");
            if (t) {
                char *x = g_strdup_printf("%.*s/tmp%s", (int)(t - a), a, t + 5);
                owned[nowned++] = x;
                a = x;
            }
            argv[argc++] = a;
        }
        size_t len;
        uint8_t *data = tu_corpus_stream(id, &len);
        stream_blobs q;
        char err[256];
        if (extract_blobs(data, len, &q, err, sizeof(err)) != 0) {
            fprintf(stderr, "%s: %s\n", id, err);
            differ++;
        } else {
            switch (compare(id, &q, argc, argv)) {
            case R_MATCH: match++; break;
            case R_DIFFER: differ++; break;
            case R_UNSUPPORTED: unsupported++; break;
            case R_NO_MODEL: nomodel++; break;
            }
            stream_blobs_free(&q);
        }
        free(data);
        for (int k = 0; k < nowned; k++) {
            g_free(owned[k]);
        }
    }
    json_object_put(man);
    fprintf(stderr, "corpus fresh streams: %zu byte-exact, %zu differ, %zu unsupported, "
            "%zu without a model\n", match, differ, unsupported, nomodel);
    assert_int_equal(differ, 0);
    assert_int_equal(unsupported, 0);
    assert_true(match >= 40);
}

/* ---- the installed QEMU ---- */

typedef struct qcase {
    const char *machine;
    const char *args;          /* space-separated, after -M */
} qcase;

/*
 * Run QEMU for every case (a few at a time, in child processes) and
 * migrate each to <dir>/<i>.mig; a failure leaves <dir>/<i>.err.
 */
static void run_qemus(const qcase *cases, size_t n, const char *dir)
{
    const int workers = 4;
    pid_t pids[4];
    for (int w = 0; w < workers; w++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            for (size_t i = (size_t)w; i < n; i += workers) {
                gchar **toks = g_strsplit(cases[i].args, " ", -1);
                const char *args[128];
                int na = 0;
                for (int k = 0; toks[k] && na < 127; k++) {
                    if (*toks[k]) {
                        args[na++] = toks[k];
                    }
                }
                args[na] = NULL;
                qr_config cfg = { .machine = cases[i].machine, .args = args };
                qr_qemu *q = NULL;
                char path[1024];
                snprintf(path, sizeof(path), "%s/%zu.mig", dir, i);
                int rc = qr_start(&q, &cfg);
                if (!rc) {
                    rc = qr_migrate_to_file(q, path, NULL);
                }
                if (rc) {
                    char ep[1024];
                    snprintf(ep, sizeof(ep), "%s/%zu.err", dir, i);
                    FILE *f = fopen(ep, "w");
                    if (f) {
                        fprintf(f, "%s\n", vmc_error_last()->message);
                        fclose(f);
                    }
                }
                if (q) {
                    qr_stop(q);
                    qr_free(q);
                }
                g_strfreev(toks);
            }
            _exit(0);
        }
        pids[w] = pid;
    }
    for (int w = 0; w < workers; w++) {
        int st;
        waitpid(pids[w], &st, 0);
    }
}

static void check_cases(const qcase *cases, size_t n, size_t *unsupported_out)
{
    assert_non_null(qr_qemu_binary());   /* QEMU is required: fail, never skip */
    char tmpl[] = "/tmp/vmc-acpi-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    run_qemus(cases, n, dir);
    size_t match = 0, differ = 0, unsupported = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        char label[512], path[1024];
        snprintf(label, sizeof(label), "-M %s %s", cases[i].machine, cases[i].args);
        snprintf(path, sizeof(path), "%s/%zu.err", dir, i);
        struct stat st;
        if (stat(path, &st) == 0) {
            size_t l;
            uint8_t *e = tu_read_file(path, &l);
            fprintf(stderr, "%s: QEMU run failed: %.*s", label, (int)l, (const char *)e);
            free(e);
            unlink(path);
            failed++;
            continue;
        }
        snprintf(path, sizeof(path), "%s/%zu.mig", dir, i);
        size_t len;
        uint8_t *data = tu_read_file(path, &len);
        unlink(path);
        stream_blobs q;
        char err[256];
        if (extract_blobs(data, len, &q, err, sizeof(err)) != 0) {
            fprintf(stderr, "%s: %s\n", label, err);
            free(data);
            differ++;
            continue;
        }
        free(data);
        gchar **toks = g_strsplit(cases[i].args, " ", -1);
        const char *argv[130];
        int argc = 0;
        argv[argc++] = "-M";
        argv[argc++] = cases[i].machine;
        argv[argc++] = "-nodefaults";
        for (int k = 0; toks[k] && argc < 128; k++) {
            if (*toks[k]) {
                argv[argc++] = toks[k];
            }
        }
        switch (compare(label, &q, argc, argv)) {
        case R_MATCH: match++; break;
        case R_UNSUPPORTED: unsupported++; break;
        default: differ++; break;
        }
        g_strfreev(toks);
        stream_blobs_free(&q);
    }
    rmdir(dir);
    fprintf(stderr, "%zu command lines: %zu byte-exact, %zu differ, %zu unsupported, %zu QEMU "
            "failures\n", n, match, differ, unsupported, failed);
    assert_int_equal(failed, 0);
    assert_int_equal(differ, 0);
    if (unsupported_out) {
        *unsupported_out = unsupported;
    } else {
        assert_int_equal(unsupported, 0);
    }
}

static const char *const machine_types[] = {
    "pc-i440fx-1.4", "pc-i440fx-1.5", "pc-i440fx-1.6", "pc-i440fx-1.7", "pc-i440fx-2.0",
    "pc-i440fx-2.1", "pc-i440fx-2.2", "pc-i440fx-2.3", "pc-i440fx-2.4", "pc-i440fx-2.5",
    "pc-i440fx-2.6", "pc-i440fx-2.7", "pc-i440fx-2.8", "pc-i440fx-2.9", "pc-i440fx-2.10",
    "pc-i440fx-2.11", "pc-i440fx-2.12", "pc-i440fx-3.0", "pc-i440fx-3.1", "pc-i440fx-4.0",
    "pc-i440fx-4.1", "pc-i440fx-4.2", "pc-i440fx-5.0", "pc-i440fx-5.1", "pc-i440fx-5.2",
    "pc-i440fx-6.0", "pc-i440fx-6.1", "pc-i440fx-6.2", "pc-i440fx-7.0", "pc-i440fx-7.1",
    "pc-i440fx-7.2", "pc-q35-2.4", "pc-q35-2.5", "pc-q35-2.6", "pc-q35-2.7", "pc-q35-2.8",
    "pc-q35-2.9", "pc-q35-2.10", "pc-q35-2.11", "pc-q35-2.12", "pc-q35-3.0", "pc-q35-3.1",
    "pc-q35-4.0", "pc-q35-4.0.1", "pc-q35-4.1", "pc-q35-4.2", "pc-q35-5.0", "pc-q35-5.1",
    "pc-q35-5.2", "pc-q35-6.0", "pc-q35-6.1", "pc-q35-6.2", "pc-q35-7.0", "pc-q35-7.1",
    "pc-q35-7.2",
};

/* Every PC machine type, board only; the three board configurations rotate. */
static void test_board_all_types(void **state)
{
    (void)state;
    static const char *const boards[] = { "-m 64", "-m 128 -smp 2", "-smp 4,maxcpus=8" };
    size_t n = sizeof(machine_types) / sizeof(machine_types[0]);
    qcase cases[64];
    for (size_t i = 0; i < n; i++) {
        cases[i].machine = machine_types[i];
        cases[i].args = boards[i % 3];
    }
    check_cases(cases, n, NULL);
}

/* Board variants and the devices that change the DSDT. */
static void test_devices(void **state)
{
    (void)state;
    static const qcase cases[] = {
        /* board variants */
        { "pc-i440fx-7.2", "-m 4G -smp 2,sockets=2,cores=3,maxcpus=6" },
        { "pc-q35-7.2", "-m 4G -smp 12" },
        { "pc-q35-6.0", "-m 64 -smp 3,maxcpus=6 -machine hpet=off,smm=off" },
        { "pc-i440fx-2.0", "-m 3G -smp 4,maxcpus=16" },
        { "pc-i440fx-1.7", "-m 64 -smp 2" },
        { "pc-i440fx-2.6", "-m 64 -smp 3,maxcpus=5" },
        { "pc-i440fx-7.2", "-m 64 -global PIIX4_PM.acpi-pci-hotplug-with-bridge-support=off "
                           "-global PIIX4_PM.acpi-root-pci-hotplug=off" },
        { "pc-i440fx-7.2", "-m 64 -global PIIX4_PM.disable_s3=1 -global PIIX4_PM.s4_val=3" },
        /* PCI Express ports and switches */
        { "pc-q35-7.2", "-m 64 -device pcie-root-port,id=rp1,chassis=1 "
                        "-device pcie-root-port,id=rp2,chassis=2 -device virtio-net-pci,bus=rp1" },
        { "pc-q35-7.2", "-m 64 -device pcie-root-port,id=rp1,chassis=1 "
                        "-device x3130-upstream,bus=rp1,id=up1 "
                        "-device xio3130-downstream,bus=up1,id=dn1,chassis=5 "
                        "-device xio3130-downstream,bus=up1,id=dn2,chassis=6,addr=1.0 "
                        "-device e1000e,bus=dn1" },
        { "pc-q35-5.2", "-m 64 -device pcie-root-port,id=rp1,chassis=1 "
                        "-device virtio-rng-pci,bus=rp1" },
        { "pc-q35-7.2", "-m 64 -device pcie-root-port,id=rp1,chassis=1 "
                        "-device pcie-pci-bridge,bus=rp1,id=pb "
                        "-device pci-bridge,bus=pb,addr=1,chassis_nr=3,id=b3 "
                        "-device e1000,bus=b3,addr=2" },
        { "pc-q35-7.2", "-m 64 -device i82801b11-bridge,id=dmi "
                        "-device pci-bridge,bus=dmi,chassis_nr=2 -device ioh3420,chassis=3" },
        /* conventional PCI bridges, multifunction */
        { "pc-i440fx-7.2", "-m 64 -device pci-bridge,chassis_nr=1,id=br1 "
                           "-device pci-bridge,chassis_nr=2,id=br2,bus=br1,addr=4 "
                           "-device e1000,bus=br2,addr=3" },
        { "pc-i440fx-7.2", "-m 64 -device e1000,addr=5.0,multifunction=on "
                           "-device e1000,addr=5.1 -device pci-bridge,chassis_nr=1,addr=5.2" },
        { "pc-i440fx-2.0", "-m 64 -smp 2 -device pci-bridge,chassis_nr=1,id=br1" },
        { "pc-i440fx-5.0", "-m 64 -device pci-bridge,chassis_nr=1 -device i82801b11-bridge" },
        /* devices with AML of their own */
        { "pc-i440fx-7.2", "-m 64 -device VGA -device secondary-vga -device isa-serial "
                           "-device isa-serial,index=3" },
        { "pc-q35-7.2", "-m 64 -device VGA -device isa-serial,index=1 -device isa-serial" },
        /* devices without ACPI effect */
        { "pc-q35-7.2", "-m 64 -device ich9-intel-hda -device qemu-xhci -device i6300esb "
                        "-device qxl-vga" },
    };
    check_cases(cases, sizeof(cases) / sizeof(cases[0]), NULL);
}

/* What is not modelled is refused with VMC_EUNSUPPORTED naming it, never built. */
static void test_unsupported(void **state)
{
    (void)state;
    static const struct {
        const char *args;
        const char *says;
    } cases[] = {
        { "-M pc-i440fx-1.6", "no ACPI tables" },
        { "-M pc-i440fx-7.2 -machine acpi=off", "no ACPI tables" },
        { "-M pc-q35-7.2 -m 1G,slots=2,maxmem=4G", "memory hotplug" },
        { "-M pc-q35-7.2 -machine max-ram-below-4g=1G", "max-ram-below-4g" },
        { "-M pc-q35-7.2 -machine x-oem-id=ABCDEF", "x-oem-id" },
        { "-M pc-q35-7.2 -machine nvdimm=on", "nvdimm" },
        { "-M pc-q35-7.2 -smp 300", "-smp" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gchar **argv = g_strsplit(cases[i].args, " ", -1);
        int argc = (int)g_strv_length(argv);
        const char *full[32];
        for (int k = 0; k < argc; k++) {
            full[k] = argv[k];
        }
        full[argc++] = "-nodefaults";
        vmc_model *m = NULL;
        int rc = vmc_model_build(&m, argc, full, NULL);
        if (rc == 0) {
            vmc_acpi_blobs b;
            rc = vmc_acpi_build(m, &b);
            assert_null(b.tables);
            vmc_model_free(m);
            if (rc != VMC_EUNSUPPORTED || !strstr(vmc_error_last()->message, cases[i].says)) {
                fprintf(stderr, "%s: rc %d, '%s'\n", cases[i].args, rc,
                        vmc_error_last()->message);
            }
            assert_int_equal(rc, VMC_EUNSUPPORTED);
            assert_non_null(strstr(vmc_error_last()->message, cases[i].says));
        } else {
            /* the model itself refuses: also never wrong bytes */
            assert_true(rc < 0);
        }
        g_strfreev(argv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_corpus_fresh),
        cmocka_unit_test(test_board_all_types),
        cmocka_unit_test(test_devices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
