/*
 * The fresh state `vmcompat write` gives each device section equals what
 * QEMU 7.2 migrates for the same command line started with -S.
 *
 * For each command line below the real QEMU (tests/qemu_runner.h) writes a
 * stream; the test reads it with the public reader and, section by
 * section, builds our payload from the machine model and the fresh-state
 * functions (src/devices/fresh*.c) the way the writer does, then requires
 * the two payloads to be equal byte for byte.  The one exception is the
 * RTC, whose clock-derived fields (documented in fresh_rtc.c) are built
 * from QEMU's own start time (its last_update) and compared with a
 * tolerance for the microseconds between QEMU's clock reads.
 *
 * The set of sections must match too.  QEMU runs in parallel (forked
 * children, a few at a time) so that every machine type fits the budget.
 * Without QEMU the test fails.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include "devices/fresh.h"
#include "devices/registry.h"
#include "machine-types/model_internal.h"
#include "vmcompat/stream.h"
#include "vmstate/build.h"
#include "vmstate/state_internal.h"
#include "vmstate/value_internal.h"

#include <json-c/json.h>

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 96
#define PARALLEL 3

typedef struct fcase {
    char *args[MAX_ARGS];   /* QEMU arguments after the runner's fixed ones */
    int nargs;
    char *file;             /* QEMU's stream */
    bool corpus;            /* file is a corpus stream, not written by this test */
} fcase;

static GPtrArray *cases;
static char tmpdir[] = "/tmp/vmc-fresh-XXXXXX";

static char *subst_tmp(const char *a)
{
    GString *s = g_string_new(NULL);
    for (const char *p = a; *p;) {
        if (g_str_has_prefix(p, "{tmp}")) {
            g_string_append(s, tmpdir);
            p += 5;
        } else {
            g_string_append_c(s, *p++);
        }
    }
    return g_string_free(s, FALSE);
}

static fcase *add_case(const char *machine, const char *extra)
{
    fcase *c = g_new0(fcase, 1);
    c->args[c->nargs++] = g_strdup("-M");
    c->args[c->nargs++] = g_strdup(machine);
    gchar **v = g_strsplit(extra, " ", -1);
    for (int i = 0; v[i]; i++) {
        assert_true(c->nargs < MAX_ARGS - 2);
        if (v[i][0]) {
            c->args[c->nargs++] = subst_tmp(v[i]);
        }
    }
    g_strfreev(v);
    g_ptr_array_add(cases, c);
    return c;
}

static char *case_label(const fcase *c)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < c->nargs; i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "", c->args[i]);
    }
    return g_string_free(s, FALSE);
}

/* ---- QEMU's streams ----------------------------------------------------- */

/* Child: run QEMU for case c and migrate to c->file; exit status 0 on success. */
static void run_qemu_child(const fcase *c)
{
    const char *argv[MAX_ARGS + 1] = { 0 };
    for (int i = 0; i < c->nargs; i++) {
        argv[i] = c->args[i];
    }
    qr_config cfg = { .args = argv };
    qr_qemu *q = NULL;
    int rc = qr_start(&q, &cfg);
    if (!rc) {
        rc = qr_migrate_to_file(q, c->file, NULL);
    }
    if (rc) {
        FILE *f = fopen(c->file, "w");   /* leave the reason where the stream should be */
        if (f) {
            fprintf(f, "ERROR %s\n", vmc_error_last()->message);
            fclose(f);
        }
    }
    if (q) {
        qr_stop(q);
        qr_free(q);
    }
    _exit(rc ? 1 : 0);
}

static void make_streams(const char *dir)
{
    size_t next = 0, running = 0;
    while (next < cases->len || running) {
        while (next < cases->len && running < PARALLEL) {
            fcase *c = g_ptr_array_index(cases, next);
            if (c->corpus) {
                next++;
                continue;
            }
            c->file = g_strdup_printf("%s/case%zu.mig", dir, next);
            fflush(NULL);
            pid_t pid = fork();
            assert_true(pid >= 0);
            if (pid == 0) {
                run_qemu_child(c);
            }
            next++;
            running++;
        }
        if (!running) {
            break;
        }
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR) {
            continue;
        }
        assert_true(pid > 0);
        running--;
    }
}

typedef struct qsection {
    char *idstr;
    uint32_t instance_id, version_id;
    uint8_t *payload;
    size_t len;
    bool matched;
} qsection;

static const vmc_vmsd *lookup_vmsd(void *opaque, const char *idstr, uint32_t instance_id,
                                   uint32_t version_id)
{
    (void)opaque;
    (void)instance_id;
    (void)version_id;
    return vmc_devices_find_vmsd(vmc_devices_vmsd_name_of(idstr));
}

static GPtrArray *read_qemu_sections(const char *file)
{
    size_t len;
    uint8_t *data = tu_read_file(file, &len);
    if (len > 6 && memcmp(data, "ERROR ", 6) == 0) {
        fail_msg("QEMU failed: %.*s", (int)len, (const char *)data);
    }
    vmc_source *src;
    assert_int_equal(vmc_source_open_memory(&src, data, len, file), 0);
    vmc_reader_options ro = { .lookup = lookup_vmsd };
    vmc_reader *r;
    assert_int_equal(vmc_reader_new(&r, src, &ro), 0);
    GPtrArray *out = g_ptr_array_new();
    for (;;) {
        vmc_event ev;
        int rc = vmc_reader_next(r, &ev);
        if (rc < 0) {
            fail_msg("%s: %s", file, vmc_error_last()->message);
        }
        if (rc == 0 || ev.kind == VMC_EV_END) {
            break;
        }
        if (ev.kind != VMC_EV_DEVICE_STATE || strcmp(ev.u.state.idstr, "ram") == 0) {
            continue;
        }
        qsection *s = g_new0(qsection, 1);
        s->idstr = g_strdup(ev.u.state.idstr);
        s->instance_id = ev.u.state.instance_id;
        s->version_id = ev.u.state.version_id;
        s->payload = g_memdup2(ev.u.state.payload, ev.u.state.payload_len);
        s->len = ev.u.state.payload_len;
        g_ptr_array_add(out, s);
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    free(data);
    return out;
}

/* ---- our payloads (the writer's providers, without --state) ------------- */

typedef struct job {
    vmc_state *fresh;
    const vmc_model_pci *pci;
    const char *base;   /* custom-typed field being composed */
} job;

static int leaf_cb(void *opaque, const char *relpath, const char *type, uint8_t *dst,
                   uint64_t n, bool *found)
{
    job *j = opaque;
    char *path = relpath[0] == '[' || !j->base[0] ? g_strconcat(j->base, relpath, NULL)
                                                  : g_strconcat(j->base, ".", relpath, NULL);
    int rc = vmc_state_fill(j->fresh, path, type, dst, n, n, NULL, found);
    g_free(path);
    return rc;
}

static int fill_cb(void *opaque, const char *path, const char *type, uint8_t *dst, uint64_t n,
                   uint64_t max, uint64_t *produced)
{
    job *j = opaque;
    bool found = false;
    int rc = vmc_state_fill(j->fresh, path, type, dst, n, max, produced, &found);
    if (rc || found) {
        return rc;
    }
    if (strcmp(type, "pci irq state") == 0 || strcmp(type, "msix state") == 0) {
        j->base = path;
        return vmc_build_compose_custom(type, dst, n, leaf_cb, j, &found);
    }
    if (strcmp(type, "pci config") == 0 && j->pci && j->pci->config_size == n) {
        memcpy(dst, j->pci->config, n);
    }
    return 0;
}

static int subsection_cb(void *opaque, const char *parent, const char *name)
{
    return vmc_state_subsection(((job *)opaque)->fresh, parent, name);
}

static const char *prop_cb(void *device, const char *prop)
{
    vmc_mdev *d = device;
    if (strcmp(prop, "@pci-express") == 0) {
        return d->pci ? (d->pci->express ? "on" : "off") : NULL;
    }
    return vmc_mdev_prop(d, prop);
}

static const vmc_model_pci *pci_of(vmc_model *m, const char *idstr)
{
    for (size_t i = 0; i < vmc_model_pci_count(m); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, i);
        if (p->section_idstr && strcmp(p->section_idstr, idstr) == 0) {
            return p;
        }
    }
    return NULL;
}

/* Build our payload of entry e; NULL with *why set when that fails. */
static bool build_ours(vmc_model *m, const vmc_model_entry *e, int64_t clock_ns, vmc_built *b,
                       char **why)
{
    const vmc_mentry *me = (const vmc_mentry *)e;
    const vmc_fresh_def *def = e->vmsd ? vmc_fresh_find(e->vmsd->name) : NULL;
    if (!def) {
        *why = g_strdup_printf("no fresh state for vmsd '%s'",
                               e->vmsd ? e->vmsd->name : "(none)");
        return false;
    }
    job j = { .pci = pci_of(m, e->idstr) };
    vmc_state_new(&j.fresh);
    bool ok = true;
    if (def->fn) {
        vmc_fresh_ctx fc = { .m = m, .entry = e, .dev = me->dev, .pci = j.pci,
                             .clock_ns = clock_ns };
        if (def->fn(&fc, j.fresh)) {
            *why = g_strdup_printf("fresh fn: %s", vmc_error_last()->message);
            ok = false;
        }
    }
    if (ok) {
        vmc_build_provider prov = { .fill = fill_cb, .subsection = subsection_cb, .opaque = &j };
        vmc_build_args a = { .vmsd = e->vmsd, .version = (int)e->version_id,
                             .section = e->idstr, .device = me->dev,
                             .device_prop = me->dev ? prop_cb : NULL, .prov = &prov };
        if (vmc_build_state(&a, b)) {
            *why = g_strdup_printf("build: %s", vmc_error_last()->message);
            ok = false;
        }
    }
    const char *unused;
    if (ok && vmc_state_unused(j.fresh, &unused)) {
        *why = g_strdup_printf("the fresh state sets '%s', which the vmsd does not have",
                               unused);
        vmc_built_release(b);
        ok = false;
    }
    vmc_state_free(j.fresh);
    return ok;
}

/* Path of the leaf of our tree holding payload byte `off`. */
static bool leaf_at(const vmc_value *v, const char *path, int64_t off, GString *out)
{
    if (off < v->offset || off >= v->offset + (int64_t)v->size) {
        return false;
    }
    if (v->kind == VMC_VALUE_STRUCT) {
        for (size_t i = 0; i < v->nchild + v->nsub; i++) {
            const vmc_value *c = i < v->nchild ? v->child[i] : v->sub[i - v->nchild];
            char *p = g_strdup_printf("%s%s%s", path, path[0] ? "." : "",
                                      i < v->nchild ? c->name : c->vmsd_name);
            bool hit = leaf_at(c, p, off, out);
            g_free(p);
            if (hit) {
                return true;
            }
        }
    } else if (v->kind == VMC_VALUE_ARRAY) {
        for (size_t i = 0; i < v->nchild; i++) {
            char *p = g_strdup_printf("%s[%zu]", path, i);
            bool hit = leaf_at(v->child[i], p, off, out);
            g_free(p);
            if (hit) {
                return true;
            }
        }
    }
    g_string_assign(out, path);
    return true;
}

/* ---- the RTC's clock-derived fields ------------------------------------- */

/* mc146818rtc v3 layout: cmos_data[128], cmos_index, 28 unused bytes, ... */
#define RTC_PAYLOAD_LEN 245
#define RTC_LAST_UPDATE 213
#define RTC_UPDATE_TIMER 229
#define RTC_NEXT_ALARM 237
#define RTC_REG_C 12
#define REG_C_UF 0x10
#define RTC_CLOCK_SLACK_NS 50000000   /* between QEMU's clock reads at start */

static int64_t be64_at(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return (int64_t)v;
}

/*
 * Compare an RTC payload built from QEMU's last_update.  QEMU reads the
 * host clock again for each timer computation, so update_timer and
 * next_alarm_time may be a few microseconds later than ours.  When more
 * than a second passed between start and save, the update timer fired
 * (REG_C.UF): the CMOS clock, REG_C and both timers then moved on, and only
 * the other bytes are compared.
 */
static bool rtc_equal(const uint8_t *q, const uint8_t *o, size_t len, char *why, size_t whylen)
{
    if (len != RTC_PAYLOAD_LEN) {
        snprintf(why, whylen, "unexpected RTC payload of %zu bytes", len);
        return false;
    }
    bool ticked = (q[RTC_REG_C] & REG_C_UF) != 0;
    static const int clock_bytes[] = { 0, 2, 4, 6, 7, 8, 9, RTC_REG_C, 0x32 };
    for (size_t i = 0; i < len; i++) {
        bool skip = false;
        for (size_t k = 0; ticked && k < sizeof(clock_bytes) / sizeof(clock_bytes[0]); k++) {
            skip |= (int)i == clock_bytes[k];
        }
        if ((i >= RTC_UPDATE_TIMER && i < RTC_UPDATE_TIMER + 8) ||
            (i >= RTC_NEXT_ALARM && i < RTC_NEXT_ALARM + 8)) {
            skip = true;
        }
        if (!skip && q[i] != o[i]) {
            snprintf(why, whylen, "RTC byte %zu: QEMU 0x%02x, ours 0x%02x", i, q[i], o[i]);
            return false;
        }
    }
    if (ticked) {
        return true;
    }
    static const int timers[] = { RTC_UPDATE_TIMER, RTC_NEXT_ALARM };
    for (int k = 0; k < 2; k++) {
        int64_t d = be64_at(q + timers[k]) - be64_at(o + timers[k]);
        if (d < 0 || d > RTC_CLOCK_SLACK_NS) {
            snprintf(why, whylen, "RTC %s: QEMU %lld, ours %lld",
                     k ? "next_alarm_time" : "update_timer", (long long)be64_at(q + timers[k]),
                     (long long)be64_at(o + timers[k]));
            return false;
        }
    }
    return true;
}

/* ---- comparison --------------------------------------------------------- */

static size_t total_sections, exact_sections, failures;

static void compare_case(const fcase *c)
{
    char *label = case_label(c);
    GPtrArray *qs = read_qemu_sections(c->file);
    const char *argv[MAX_ARGS + 1];
    int argc = 0;
    for (int i = 0; i < c->nargs; i++) {
        argv[argc++] = c->args[i];
    }
    argv[argc++] = "-nodefaults";
    vmc_model *m = NULL;
    if (vmc_model_build(&m, argc, argv, NULL)) {
        fail_msg("%s: model: %s", label, vmc_error_last()->message);
    }
    /* QEMU's start time as the RTC saw it */
    int64_t clock_ns = 0;
    for (size_t i = 0; i < qs->len; i++) {
        qsection *s = g_ptr_array_index(qs, i);
        if (strcmp(s->idstr, "mc146818rtc") == 0 && s->len == RTC_PAYLOAD_LEN) {
            clock_ns = be64_at(s->payload + RTC_LAST_UPDATE);
        }
    }
    assert_true(clock_ns > 0);

    for (size_t i = 0; i < vmc_model_section_count(m); i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        if (e->iterative) {
            continue;
        }
        qsection *q = NULL;
        for (size_t k = 0; k < qs->len && !q; k++) {
            qsection *s = g_ptr_array_index(qs, k);
            if (!s->matched && strcmp(s->idstr, e->idstr) == 0 &&
                s->instance_id == e->instance_id) {
                q = s;
            }
        }
        total_sections++;
        if (!q) {
            print_message("MISMATCH %s: section %s/%u is not in QEMU's stream\n", label,
                          e->idstr, e->instance_id);
            failures++;
            continue;
        }
        q->matched = true;
        vmc_built b;
        char *why = NULL;
        if (!build_ours(m, e, clock_ns, &b, &why)) {
            print_message("MISMATCH %s: %s/%u: %s\n", label, e->idstr, e->instance_id, why);
            g_free(why);
            failures++;
            continue;
        }
        char msg[300] = "";
        bool same;
        if (strcmp(e->idstr, "mc146818rtc") == 0) {
            same = rtc_equal(q->payload, b.bytes, q->len == b.len ? q->len : 0, msg,
                             sizeof(msg));
        } else {
            same = q->len == b.len && memcmp(q->payload, b.bytes, b.len) == 0;
            if (!same) {
                size_t off = 0;
                while (off < q->len && off < b.len && q->payload[off] == b.bytes[off]) {
                    off++;
                }
                GString *p = g_string_new("?");
                leaf_at(b.tree, "", b.tree->offset + (int64_t)off, p);
                snprintf(msg, sizeof(msg), "%zu bytes from QEMU, %zu ours; first difference "
                         "at byte %zu (%s)", q->len, b.len, off, p->str);
                g_string_free(p, TRUE);
            }
        }
        if (same) {
            exact_sections++;
        } else {
            print_message("MISMATCH %s: %s/%u: %s\n", label, e->idstr, e->instance_id, msg);
            failures++;
        }
        vmc_built_release(&b);
    }
    for (size_t k = 0; k < qs->len; k++) {
        qsection *s = g_ptr_array_index(qs, k);
        if (!s->matched) {
            print_message("MISMATCH %s: QEMU sent %s/%u, the model has no such section\n",
                          label, s->idstr, s->instance_id);
            failures++;
            total_sections++;
        }
        g_free(s->idstr);
        g_free(s->payload);
        g_free(s);
    }
    g_ptr_array_free(qs, TRUE);
    vmc_model_free(m);
    g_free(label);
}

/* ---- the command lines -------------------------------------------------- */

static void add_board_cases(void)
{
    /* every versioned PC machine type with nothing but the board */
    vmc_machine_types *set;
    assert_int_equal(vmc_machine_types_load_builtin(&set), 0);
    for (size_t i = 0; i < vmc_machine_types_count(set); i++) {
        const vmc_machine_info *info = vmc_machine_type_info(vmc_machine_types_get(set, i));
        if (g_str_has_prefix(info->name, "pc-i440fx-") || g_str_has_prefix(info->name, "pc-q35-")) {
            add_case(info->name, "-m 64");
        }
    }
    vmc_machine_types_free(set);
    /* CPUs (apic ids, halted APs, CMOS CPU count) and RAM above 4 GiB (CMOS) */
    add_case("pc-q35-7.2", "-m 64 -smp 2");
    add_case("pc-i440fx-7.2", "-m 64 -smp 4,maxcpus=8");
    add_case("pc-q35-5.2", "-m 128 -smp 3");
    add_case("pc-q35-7.2", "-m 4G");
    add_case("pc-i440fx-7.2", "-m 4G");
    add_case("pc-i440fx-1.7", "-m 4G");
    add_case("pc-q35-7.2", "-m 3G -machine max-ram-below-4g=2G");
    add_case("pc-q35-7.2", "-m 128,slots=2,maxmem=1G -smp 2,maxcpus=4");
    /* machine options: SMM off (ACPI mode at reset), no HPET (no APIC poll
     * request), no ACPI, no vmport */
    add_case("pc-q35-7.2,smm=off", "-m 64");
    add_case("pc-i440fx-7.2,smm=off,vmport=off", "-m 64 -smp 2");
    add_case("pc-q35-7.2,hpet=off", "-m 64 -smp 2");
    add_case("pc-i440fx-4.2,hpet=off,acpi=off", "-m 64");
    add_case("pc-q35-6.2,acpi=off", "-m 64");
}

/*
 * -device devices: NICs (default MAC numbering), virtio (transitional,
 * non-transitional, multi-queue blk with -smp), bridges and ports with
 * devices behind them (SHPC slots, secondary PCIBUS), USB HID devices on
 * xHCI and UHCI, HDA codecs, displays, serial ports, IDE/AHCI disks and
 * CD-ROMs with their CMOS geometry (raw and qcow2 images).
 */
static void add_device_cases(void)
{
    add_case("pc-q35-7.2", "-m 128 -device ide-cd,bus=ide.0,id=cd0 -device ide-hd,drive=d1,"
             "bus=ide.1 -drive if=none,id=d1,file={tmp}/d1.raw,format=raw");
    add_case("pc-i440fx-7.2", "-m 128 -device ide-cd,bus=ide.0 -device ide-hd,drive=d0,"
             "bus=ide.0,unit=1 -device ide-hd,drive=d1,bus=ide.1 -drive if=none,id=d0,"
             "file={tmp}/d0b.qcow2,format=qcow2 -drive if=none,id=d1,file={tmp}/big.raw,"
             "format=raw");
    add_case("pc-q35-7.2", "-m 128 -device qemu-xhci,id=x -device usb-kbd,bus=x.0 -device "
             "usb-mouse,bus=x.0,usb_version=1 -device piix3-usb-uhci,id=u -device "
             "usb-tablet,bus=u.0,port=2 -device usb-kbd,bus=u.0,port=1");
    add_case("pc-q35-7.2", "-m 128 -device pcie-pci-bridge,id=pb -device e1000,bus=pb,addr=0x2,"
             "netdev=n0 -netdev user,id=n0 -device virtio-net-pci,netdev=n1,"
             "mac=52:54:00:12:34:56 -netdev user,id=n1");
    add_case("pc-q35-7.2", "-m 128 -device ich9-intel-hda,id=h -device hda-output,bus=h.0,"
             "audiodev=a -device hda-micro,bus=h.0,cad=3,audiodev=a -audiodev none,id=a");
    add_case("pc-q35-7.2", "-m 128 -smp 4 -device virtio-blk-pci,drive=d0 -drive if=none,id=d0,"
             "file={tmp}/d0.qcow2,format=qcow2 -device virtio-net-pci-non-transitional,"
             "netdev=n0 -netdev user,id=n0 -device virtio-rng-pci-transitional -device "
             "virtio-balloon-pci -device virtio-serial-pci,id=vs -device virtconsole,"
             "chardev=c0,bus=vs.0 -chardev null,id=c0");
    add_case("pc-i440fx-7.2", "-m 128 -device isa-serial,chardev=c0 -device isa-serial,"
             "chardev=c1 -chardev null,id=c0 -chardev null,id=c1 -device i6300esb "
             "-device ivshmem-plain,memdev=m0,master=on -object memory-backend-ram,id=m0,size=1M");
    add_case("pc-i440fx-5.2", "-m 128 -device nec-usb-xhci,id=x -device usb-tablet,bus=x.0 "
             "-device VGA,vgamem_mb=32 -device secondary-vga -device cirrus-vga");
    add_case("pc-q35-7.2", "-m 128 -device pcie-root-port,id=rp1,chassis=1 -device "
             "pcie-root-port,id=rp2,chassis=2,aer_log_max=4 -device virtio-net-pci,bus=rp1,"
             "netdev=n0 -netdev user,id=n0 -device e1000e,bus=rp2,netdev=n1 -netdev user,"
             "id=n1 -device pci-bridge,chassis_nr=3,id=br -device rtl8139,bus=br,addr=5,"
             "netdev=n2 -netdev user,id=n2 -device qxl-vga");
    add_case("pc-i440fx-2.4", "-m 128 -device virtio-net-pci,netdev=n0 -netdev user,id=n0 "
             "-device virtio-blk-pci,drive=d0 -drive if=none,id=d0,file={tmp}/d0c.qcow2,"
             "format=qcow2 -device e1000,netdev=n1 -netdev user,id=n1 -device intel-hda,id=h "
             "-device hda-duplex,bus=h.0,audiodev=a -audiodev none,id=a");
    add_case("pc-q35-7.2", "-m 128 -device ioh3420,id=p1,chassis=1 -device x3130-upstream,"
             "id=up,bus=p1 -device xio3130-downstream,id=dn,bus=up,chassis=2 -device "
             "i82801b11-bridge -device pci-serial,chardev=c0 -chardev null,id=c0 -device "
             "isa-parallel,chardev=c3 -chardev null,id=c3 -device e1000,bus=dn,netdev=n0 "
             "-netdev user,id=n0");
    add_case("pc-q35-7.2", "-m 128 -device virtio-scsi-pci,id=vs -device scsi-hd,drive=s1,"
             "bus=vs.0 -drive if=none,id=s1,file={tmp}/s1.raw,format=raw -device scsi-cd,"
             "bus=vs.0 -device virtio-gpu-pci");
    add_case("pc-i440fx-7.2", "-m 128 -device usb-ehci,id=e -device usb-storage,drive=s1,"
             "bus=e.0 -drive if=none,id=s1,file={tmp}/s2.raw,format=raw -device bochs-display "
             "-device pvpanic-pci -device qemu-xhci,id=x -device usb-hub,bus=x.0 -device "
             "usb-kbd,bus=x.0,port=1.1");
}

/* The corpus' streams of machines that never ran, with their command lines. */
static void add_corpus_cases(void)
{
    struct json_object *man = tu_corpus_json("manifest.json"), *streams;
    assert_true(json_object_object_get_ex(man, "streams", &streams));
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        struct json_object *s = json_object_array_get_idx(streams, i), *cfg, *v;
        assert_true(json_object_object_get_ex(s, "config", &cfg));
        bool fresh = !json_object_object_get_ex(cfg, "run_ms", &v) || !json_object_get_int(v);
        static const char *const changes[] = { "hotplug", "unplug", "pci_writes" };
        for (int k = 0; k < 3; k++) {
            if (json_object_object_get_ex(cfg, changes[k], &v) &&
                json_object_array_length(v) > 0) {
                fresh = false;
            }
        }
        if (!fresh) {
            continue;
        }
        GString *a = g_string_new(NULL);
        if (json_object_object_get_ex(cfg, "ram_mb", &v)) {
            g_string_append_printf(a, "-m %d", json_object_get_int(v));
        }
        if (json_object_object_get_ex(cfg, "devices", &v)) {
            for (size_t k = 0; k < json_object_array_length(v); k++) {
                g_string_append_printf(a, " -device %s",
                                       json_object_get_string(json_object_array_get_idx(v, k)));
            }
        }
        if (json_object_object_get_ex(cfg, "extra_args", &v)) {
            for (size_t k = 0; k < json_object_array_length(v); k++) {
                g_string_append_printf(a, " %s",
                                       json_object_get_string(json_object_array_get_idx(v, k)));
            }
        }
        assert_true(json_object_object_get_ex(cfg, "machine", &v));
        fcase *c = add_case(json_object_get_string(v), a->str);
        g_string_free(a, TRUE);
        assert_true(json_object_object_get_ex(s, "file", &v));
        c->file = g_strdup(tu_corpus_path(json_object_get_string(v)));
        c->corpus = true;
    }
    json_object_put(man);
}

/* Disk images the command lines use (the corpus' ones and ours); QEMUs
 * run in parallel, so no two command lines share an image (image locks). */
static void make_images(void)
{
    static const struct { const char *name; long long size; } raw[] = {
        { "d1.raw", 1 << 20 }, { "big.raw", 600ll << 20 }, { "s1.raw", 4 << 20 },
        { "s2.raw", 4 << 20 },
    };
    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
        char *p = g_strdup_printf("%s/%s", tmpdir, raw[i].name);
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        assert_int_equal(ftruncate(fileno(f), raw[i].size), 0);
        fclose(f);
        g_free(p);
    }
    static const char *const qcow2[] = { "d0.qcow2", "d0b.qcow2", "d0c.qcow2" };
    for (size_t i = 0; i < 3; i++) {
        char *cmd = g_strdup_printf("qemu-img create -q -f qcow2 %s/%s 16M", tmpdir, qcow2[i]);
        assert_int_equal(system(cmd), 0);
        g_free(cmd);
    }
}

static void run_cases(void (*add)(void), size_t min_cases)
{
    if (!qr_qemu_binary()) {
        fail_msg("qemu-system-x86_64 not found (set VMC_QEMU): this test needs QEMU 7.2");
    }
    cases = g_ptr_array_new();
    total_sections = exact_sections = failures = 0;
    strcpy(tmpdir, "/tmp/vmc-fresh-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    make_images();
    add();
    assert_true(cases->len >= min_cases);
    make_streams(tmpdir);
    for (size_t i = 0; i < cases->len; i++) {
        fcase *c = g_ptr_array_index(cases, i);
        compare_case(c);
        if (!c->corpus) {
            unlink(c->file);
        }
    }
    char *cmd = g_strdup_printf("rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
    print_message("%u command lines, %zu sections, %zu byte-exact\n", cases->len,
                  total_sections, exact_sections);
    assert_int_equal(failures, 0);
    assert_true(exact_sections > 0);
}

static void test_board_all_machine_types(void **state)
{
    (void)state;
    run_cases(add_board_cases, 50);
}

static void test_devices(void **state)
{
    (void)state;
    run_cases(add_device_cases, 13);
}

static void test_corpus_fresh_streams(void **state)
{
    (void)state;
    run_cases(add_corpus_cases, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_all_machine_types),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_corpus_fresh_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
