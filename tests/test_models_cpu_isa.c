/*
 * The built-in models of the groups cpu, core and isa (src/devices/cpu_x86.c,
 * core.c, isa*.c) on real QEMU 7.2 streams: values decoded with the models
 * alone must show what the x86 architecture and QEMU's reset code put
 * there, the needed() hooks must agree with the subsections QEMU actually
 * sent, and hand-made payloads exercise the paths no 7.2 stream takes
 * (old versions, bad counts).  Expected values come from the Intel SDM
 * (reset state), the PC/AT CMOS layout and QEMU 7.2's source, cited at each
 * check.  Streams with -smp 2, -icount and ISA options are made with the
 * installed QEMU (tests/qemu_runner.h).
 */
#include "testutil.h"
#include "qemu_runner.h"

#include "devices/registry.h"
#include "vmstate/decode.h"
#include "vmstate/hooks.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- decoding a stream with the models ---------------------------------- */

typedef struct msec {
    char idstr[256];
    uint32_t instance_id;
    const vmc_vmsd *vmsd;
    vmc_value *value;
} msec;

typedef struct mstream {
    vmc_arena *arena;
    uint8_t *data;           /* the stream; values point into it */
    vmc_source *src;
    vmc_reader *r;
    msec secs[256];
    size_t n;
} mstream;

static bool in_group(const vmc_vmsd *const *group, const vmc_vmsd *vmsd)
{
    for (size_t i = 0; group[i]; i++) {
        if (group[i] == vmsd) {
            return true;
        }
    }
    return false;
}

/* Is this one of the vmsds under test (groups cpu, core, isa)? */
static bool ours(const vmc_vmsd *vmsd)
{
    return vmsd && (in_group(vmc_vmsds_cpu, vmsd) || in_group(vmc_vmsds_core, vmsd) ||
                    in_group(vmc_vmsds_isa, vmsd));
}

/*
 * Decode every section of ours with the model; each must use all its bytes.
 * Takes data (malloc'd); everything lives until free_stream().
 */
static void decode_stream(uint8_t *data, size_t len, const char *name, mstream *ms)
{
    memset(ms, 0, sizeof(*ms));
    ms->arena = vmc_arena_new();
    assert_non_null(ms->arena);
    ms->data = data;
    assert_int_equal(vmc_source_open_memory(&ms->src, data, len, name), 0);
    assert_int_equal(vmc_reader_new(&ms->r, ms->src, NULL), 0);
    vmc_reader *r = ms->r;
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE) {
            continue;
        }
        const vmc_vmsd *vmsd =
            vmc_devices_find_vmsd(vmc_devices_vmsd_name_of(ev.u.state.idstr));
        if (!ours(vmsd)) {
            continue;
        }
        assert_true(ms->n < sizeof(ms->secs) / sizeof(ms->secs[0]));
        vmc_decode_ctx dc = {
            .arena = ms->arena,
            .cur = { .base = ev.u.state.payload, .len = ev.u.state.payload_len,
                     .abs = ev.offset },
            .section = ev.u.state.idstr,
        };
        msec *s = &ms->secs[ms->n++];
        snprintf(s->idstr, sizeof(s->idstr), "%s", ev.u.state.idstr);
        s->instance_id = ev.u.state.instance_id;
        s->vmsd = vmsd;
        if (vmc_engine_decode(&dc, vmsd, (int)ev.u.state.version_id, s->idstr, &s->value)) {
            char buf[2048];
            fail_msg("%s: %s: %s", name, s->idstr,
                     vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
        }
        if (dc.cur.pos != ev.u.state.payload_len) {
            fail_msg("%s: %s: model used %zu of %zu bytes", name, s->idstr, dc.cur.pos,
                     ev.u.state.payload_len);
        }
    }
    if (rc < 0) {
        char buf[2048];
        fail_msg("%s: %s", name, vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
}

static void decode_corpus(const char *id, mstream *ms)
{
    size_t len;
    uint8_t *data = tu_corpus_stream(id, &len);
    decode_stream(data, len, id, ms);
}

static void free_stream(mstream *ms)
{
    vmc_arena_free(ms->arena);
    vmc_reader_free(ms->r);
    vmc_source_free(ms->src);
    free(ms->data);
}

/* The k-th section (0-based) named idstr. */
static const vmc_value *section(const mstream *ms, const char *idstr, int k)
{
    for (size_t i = 0; i < ms->n; i++) {
        if (strcmp(ms->secs[i].idstr, idstr) == 0 && k-- == 0) {
            return ms->secs[i].value;
        }
    }
    fail_msg("no section '%s'", idstr);
    return NULL;
}

static uint32_t instance_of(const mstream *ms, const char *idstr, int k)
{
    for (size_t i = 0; i < ms->n; i++) {
        if (strcmp(ms->secs[i].idstr, idstr) == 0 && k-- == 0) {
            return ms->secs[i].instance_id;
        }
    }
    fail_msg("no section '%s'", idstr);
    return 0;
}

static const vmc_value *node(const vmc_value *v, const char *path)
{
    const vmc_value *n = vmc_value_get(v, path);
    if (!n) {
        fail_msg("no value at '%s'", path);
    }
    return n;
}

static uint64_t u(const vmc_value *v, const char *path)
{
    return vmc_value_uint(node(v, path));
}

static const vmc_value *subsection(const vmc_value *v, const char *name)
{
    for (size_t i = 0; i < vmc_value_subsection_count(v); i++) {
        if (strcmp(vmc_value_name(vmc_value_subsection(v, i)), name) == 0) {
            return vmc_value_subsection(v, i);
        }
    }
    return NULL;
}

static const uint8_t *cmos(const vmc_value *rtc)
{
    size_t n;
    const uint8_t *p = vmc_value_bytes(node(rtc, "cmos_data"), &n);
    assert_int_equal(n, 128);
    return p;
}

/* ---- x86 reset state of a never-started CPU ----------------------------- */

/* Intel SDM vol. 3, table 9-1 "IA-32 and Intel 64 processor states following
 * power-up, reset, or INIT", as QEMU's x86_cpu_reset() implements it. */
static void check_reset_cpu(const vmc_value *cpu)
{
    assert_int_equal(u(cpu, "env.eip"), 0xfff0);
    assert_int_equal(u(cpu, "env.eflags"), 0x2);
    /* CS: selector F000, base FFFF0000, limit FFFF (segs: ES CS SS DS FS GS) */
    assert_int_equal(u(cpu, "env.segs[1].selector"), 0xf000);
    assert_int_equal(u(cpu, "env.segs[1].base"), 0xffff0000);
    assert_int_equal(u(cpu, "env.segs[1].limit"), 0xffff);
    for (int s = 0; s < 6; s++) {
        char p[64];
        if (s == 1) {
            continue;
        }
        snprintf(p, sizeof(p), "env.segs[%d].base", s);
        assert_int_equal(u(cpu, p), 0);
        snprintf(p, sizeof(p), "env.segs[%d].limit", s);
        assert_int_equal(u(cpu, p), 0xffff);
    }
    assert_int_equal(u(cpu, "env.gdt.limit"), 0xffff);
    assert_int_equal(u(cpu, "env.idt.limit"), 0xffff);
    assert_int_equal(u(cpu, "env.cr[0]"), 0x60000010);   /* CD | NW | ET */
    assert_int_equal(u(cpu, "env.cr[2]"), 0);
    assert_int_equal(u(cpu, "env.cr[3]"), 0);
    assert_int_equal(u(cpu, "env.cr[4]"), 0);
    assert_int_equal(u(cpu, "env.dr[6]"), 0xffff0ff0);
    assert_int_equal(u(cpu, "env.dr[7]"), 0x400);
    assert_int_equal(u(cpu, "env.efer"), 0);
    assert_int_equal(u(cpu, "env.mxcsr"), 0x1f80);
    assert_int_equal(u(cpu, "env.fpuc"), 0x37f);        /* x87 FCW after FINIT */
    assert_int_equal(u(cpu, "env.fptag_vmstate"), 0);   /* every x87 register empty */
    assert_int_equal(u(cpu, "env.fpregs_format_vmstate"), 0);
    assert_int_equal(u(cpu, "env.pat"), 0x0007040600070406ull);
    assert_int_equal(u(cpu, "env.smbase"), 0x30000);
    assert_int_equal(vmc_value_int(node(cpu, "env.a20_mask")), -1);   /* A20 not masked */
    assert_int_equal(u(cpu, "env.xcr0") & 1, 1);        /* XCR0.x87 is always set */
    /* 16 general registers, 16 XMM and 16 YMM-high halves, all shown */
    assert_int_equal(vmc_value_count(node(cpu, "env.regs")), 16);
    assert_int_equal(vmc_value_count(node(cpu, "env.xmm_regs[0]")), 16);
    assert_int_equal(vmc_value_count(node(cpu, "env.xmm_regs[1]")), 16);
    assert_int_equal(vmc_value_count(node(cpu, "env.mce_banks")), 40);
    /* TCG never sets MSR_KVM_POLL_CONTROL (KVM resets it to 1), so QEMU sends it */
    const vmc_value *pc = subsection(cpu, "cpu/poll_control_msr");
    assert_non_null(pc);
    assert_int_equal(u(pc, "env.poll_control_msr"), 0);
}

/* What pc_cmos_init() and the MC146818 realize put into a 128 MiB PC. */
static void check_rtc_128m(const vmc_value *rtc)
{
    const uint8_t *c = cmos(rtc);
    assert_int_equal(c[0x0a], 0x26);   /* register A: 32.768 kHz base, 1024 Hz rate */
    assert_int_equal(c[0x0b] & 0x06, 0x02);   /* register B: 24-hour, BCD */
    assert_int_equal(c[0x0d], 0x80);   /* register D: RAM and time valid */
    /* BCD time and date: seconds, minutes, hours, day, month, year */
    static const int bcd[] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09 };
    for (size_t i = 0; i < sizeof(bcd) / sizeof(bcd[0]); i++) {
        assert_true((c[bcd[i]] & 0x0f) <= 9 && (c[bcd[i]] >> 4) <= 9);
    }
    assert_true(c[0x00] < 0x60 && c[0x02] < 0x60 && c[0x04] < 0x24);
    assert_int_equal(c[0x32], 0x20);   /* century, BCD */
    assert_int_equal(c[0x15] | c[0x16] << 8, 640);          /* base memory, KiB */
    assert_int_equal(c[0x17] | c[0x18] << 8, 0xffff);       /* extended memory, capped */
    assert_int_equal(c[0x30] | c[0x31] << 8, 0xffff);
    assert_int_equal(c[0x34] | c[0x35] << 8, (128 - 16) * 16);   /* 64 KiB units above 16 MiB */
    assert_int_equal(c[0x5b] | c[0x5c] << 8 | c[0x5d] << 16, 0); /* nothing above 4 GiB */
    assert_int_equal(c[0x14] & 0x06, 0x06);                  /* equipment: FPU, PS/2 mouse */
}

/* Sections every PC board has, with the reset values QEMU's models set. */
static void check_fresh_board(const mstream *ms)
{
    check_reset_cpu(section(ms, "cpu", 0));
    /* cpu 0 is the bootstrap processor: running, not halted (x86_cpu_reset) */
    assert_int_equal(u(section(ms, "cpu_common", 0), "halted"), 0);

    const vmc_value *apic = section(ms, "apic", 0);
    assert_int_equal(instance_of(ms, "apic", 0), u(apic, "id"));
    assert_int_equal(u(apic, "id"), 0);
    /* IA32_APIC_BASE: FEE00000, global enable (bit 11), BSP (bit 8) */
    assert_int_equal(u(apic, "apicbase"), 0xfee00900);
    assert_int_equal(u(apic, "spurious_vec"), 0xff);
    assert_null(subsection(apic, "apic_sipi"));   /* the BSP does not wait for a SIPI */

    /* fw_cfg, as in stream-format.md section 9.5: version 2 with both subsections */
    const vmc_value *fw = section(ms, "fw_cfg", 0);
    assert_int_equal(vmc_value_version(fw), 2);
    assert_int_equal(u(fw, "cur_entry"), 0);
    assert_int_equal(u(fw, "cur_offset[1]"), 0);
    assert_null(vmc_value_get(fw, "cur_offset[0]"));   /* the version 1 encoding */
    assert_int_equal(vmc_value_subsection_count(fw), 2);
    const vmc_value *dma = vmc_value_subsection(fw, 0);
    const vmc_value *acpi = vmc_value_subsection(fw, 1);
    assert_string_equal(vmc_value_name(dma), "fw_cfg/dma");
    assert_int_equal(vmc_value_version(dma), 0);
    assert_int_equal(u(dma, "dma_addr"), 0);
    assert_string_equal(vmc_value_name(acpi), "fw_cfg/acpi_mr");
    assert_int_equal(vmc_value_version(acpi), 1);
    /* sent because the ACPI blobs are not all page-sized (fw_cfg_acpi_mr_restore) */
    assert_true(u(acpi, "table_mr_size") % 4096 || u(acpi, "linker_mr_size") % 4096 ||
                u(acpi, "rsdp_mr_size") % 4096);
    assert_true(u(acpi, "table_mr_size") > 0 && u(acpi, "rsdp_mr_size") > 0);

    check_rtc_128m(section(ms, "mc146818rtc", 0));

    /* PIT after pit_reset_common: mode 3, full count, gate low on channel 2 only */
    const vmc_value *pit = section(ms, "i8254", 0);
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof(p), "channels[%d].mode", i);
        assert_int_equal(u(pit, p), 3);
        snprintf(p, sizeof(p), "channels[%d].count", i);
        assert_int_equal(u(pit, p), 0x10000);
        snprintf(p, sizeof(p), "channels[%d].gate", i);
        assert_int_equal(u(pit, p), i != 2);
    }

    /* Two i8257: the first moves bytes, the second 16-bit words */
    assert_int_equal(u(section(ms, "dma", 0), "dshift"), 0);
    assert_int_equal(u(section(ms, "dma", 1), "dshift"), 1);

    /* I/O APIC: all 24 redirection entries masked after reset */
    const vmc_value *ioapic = section(ms, "ioapic", 0);
    assert_int_equal(vmc_value_count(node(ioapic, "ioredtbl")), 24);
    for (int i = 0; i < 24; i++) {
        char p[32];
        snprintf(p, sizeof(p), "ioredtbl[%d]", i);
        assert_true(u(ioapic, p) & (1u << 16));
    }

    /* HPET: 3 timers (default "timers"), numbered, disabled */
    const vmc_value *hpet = section(ms, "hpet", 0);
    assert_int_equal(u(hpet, "num_timers"), 3);
    assert_int_equal(vmc_value_count(node(hpet, "timer")), 3);
    for (int i = 0; i < 3; i++) {
        char p[32];
        snprintf(p, sizeof(p), "timer[%d].tn", i);
        assert_int_equal(u(hpet, p), i);
    }
    assert_int_equal(u(hpet, "config") & 1, 0);

    /* i8042 after kbd_reset: both interrupts on, status CMD | UNLOCKED */
    const vmc_value *kbd = section(ms, "pckbd", 0);
    assert_int_equal(u(kbd, "kbd.mode"), 0x03);
    assert_int_equal(u(kbd, "kbd.status"), 0x18);
    assert_non_null(vmc_value_get(kbd, "kbd.pckbd/extended_state"));   /* 7.2 default */
    assert_null(vmc_value_get(kbd, "kbd.pckbd_outport"));   /* outport at its default */

    assert_int_equal(vmc_value_int(node(section(ms, "vmmouse", 0), "queue_size")), 1024);
    assert_int_equal(u(section(ms, "kvm-tpr-opt", 0), "state"), 0);   /* VAPIC inactive */
    assert_int_equal(u(section(ms, "ps2kbd", 0), "scancode_set"), 2);
}

/* The run state QEMU wrote into globalstate equals the one the corpus recorded. */
static void check_globalstate(const mstream *ms, const char *runstate)
{
    const vmc_value *g = section(ms, "globalstate", 0);
    size_t n;
    const uint8_t *p = vmc_value_bytes(node(g, "runstate"), &n);
    assert_int_equal(n, 100);
    assert_int_equal(u(g, "size"), strlen(runstate) + 1);
    assert_memory_equal(p, runstate, strlen(runstate) + 1);
    for (size_t i = strlen(runstate); i < n; i++) {
        assert_int_equal(p[i], 0);
    }
}

static void test_fresh_q35(void **state)
{
    (void)state;
    mstream ms;
    decode_corpus("s-pc-q35-7.2--vga--fresh", &ms);
    check_fresh_board(&ms);
    check_globalstate(&ms, "prelaunch");
    free_stream(&ms);
}

static void test_fresh_i440fx(void **state)
{
    (void)state;
    mstream ms;
    decode_corpus("s-pc-i440fx-7.2--vga--fresh", &ms);
    check_fresh_board(&ms);
    check_globalstate(&ms, "prelaunch");
    /* isa-fdc: two drive slots (MAX_FD), a 512-byte FIFO, media_rate always sent */
    const vmc_value *fdc = section(&ms, "fdc", 0);
    assert_int_equal(vmc_value_count(node(fdc, "state.fifo")), 512);
    assert_int_equal(vmc_value_count(node(fdc, "state.drives")), 2);
    assert_non_null(vmc_value_get(fdc, "state.drives[0].fdrive/media_rate"));
    assert_non_null(vmc_value_get(fdc, "state.drives[1].fdrive/media_rate"));
    free_stream(&ms);
}

/* After SeaBIOS ran: the PIT is the 18.2 Hz tick (mode 2, count 65536). */
static void test_after_firmware(void **state)
{
    (void)state;
    mstream ms;
    decode_corpus("s-pc-q35-7.2--vga--run1000", &ms);
    const vmc_value *pit = section(&ms, "i8254", 0);
    assert_int_equal(u(pit, "channels[0].mode"), 2);
    assert_int_equal(u(pit, "channels[0].count"), 0x10000);
    check_globalstate(&ms, "paused");
    /* the CPU left the reset vector */
    const vmc_value *cpu = section(&ms, "cpu", 0);
    assert_int_not_equal(u(cpu, "env.eip"), 0xfff0);
    free_stream(&ms);
}

/* isa-serial never written by a guest: the 16550 reset state (serial_reset). */
static void test_isa_serial_fresh(void **state)
{
    (void)state;
    mstream ms;
    decode_corpus("s-pc-q35-4.2--isa-serial--fresh", &ms);
    const vmc_value *ser = section(&ms, "serial", 0);
    assert_int_equal(u(ser, "state.divider"), 0x0c);   /* 9600 baud */
    assert_int_equal(u(ser, "state.iir"), 0x01);       /* no interrupt pending */
    assert_int_equal(u(ser, "state.lsr"), 0x60);       /* THRE | TEMT */
    assert_int_equal(u(ser, "state.mcr"), 0x08);       /* OUT2 */
    assert_int_equal(u(ser, "state.ier"), 0);
    free_stream(&ms);
}

/* ---- needed() hooks against the subsections QEMU sent ------------------- */

static size_t hooks_checked;
static char hook_failure[1024];

static bool check_needed(const vmc_vmsd *vmsd, const vmc_value *v, const vmc_value **scope,
                         int n, const char *where);

static bool check_children(const vmc_vmsd *vmsd, const vmc_value *v, const vmc_value **scope,
                           int n, const char *where)
{
    for (size_t i = 0; i < vmc_value_count(v); i++) {
        const vmc_value *c = vmc_value_at(v, i);
        size_t ne = vmc_value_kind_of(c) == VMC_VALUE_ARRAY ? vmc_value_count(c) : 1;
        for (size_t e = 0; e < ne; e++) {
            const vmc_value *x = vmc_value_kind_of(c) == VMC_VALUE_ARRAY ? vmc_value_at(c, e) : c;
            const char *vn = vmc_value_vmsd_name(x);
            if (vmc_value_kind_of(x) != VMC_VALUE_STRUCT || !vn) {
                continue;
            }
            for (size_t f = 0; vmsd->fields && vmsd->fields[f].name; f++) {
                const vmc_vmsd *fv = vmsd->fields[f].vmsd;
                if (fv && strcmp(fv->name, vn) == 0) {
                    if (!check_needed(fv, x, scope, n, where)) {
                        return false;
                    }
                    break;
                }
            }
        }
    }
    return true;
}

/*
 * For each subsection of vmsd: its hook, run on the tree, must say "needed"
 * exactly when QEMU sent it -- seen from the parent, and (when sent) also
 * with the subsection node itself in scope.  Subsections without a hook
 * must always be there.
 */
static bool check_needed(const vmc_vmsd *vmsd, const vmc_value *v, const vmc_value **scope,
                         int n, const char *where)
{
    if (n + 2 >= VMC_SCOPE_MAX) {
        return true;
    }
    scope[n] = v;
    for (size_t i = 0; vmsd->subsections && vmsd->subsections[i]; i++) {
        const vmc_vmsd *sub = vmsd->subsections[i];
        const vmc_value *sv = subsection(v, sub->name);
        if (!sub->needed) {
            if (!sv) {
                snprintf(hook_failure, sizeof(hook_failure), "%s: %s has no hook but was "
                         "not sent", where, sub->name);
                return false;
            }
        } else {
            const vmc_hook_def *h = vmc_hook_find(sub->needed, VMC_HOOK_NEEDED);
            if (!h) {
                snprintf(hook_failure, sizeof(hook_failure), "%s: hook %s missing", where,
                         sub->needed);
                return false;
            }
            vmc_hook_ctx ctx = { .scope = scope, .nscope = n + 1 };
            bool got = h->test(&ctx, sub->version_id);
            hooks_checked++;
            if (got != (sv != NULL)) {
                snprintf(hook_failure, sizeof(hook_failure), "%s: %s says %d, QEMU %s it",
                         where, sub->needed, got, sv ? "sent" : "did not send");
                return false;
            }
            if (sv) {
                scope[n + 1] = sv;
                ctx.nscope = n + 2;
                if (!h->test(&ctx, sub->version_id)) {
                    snprintf(hook_failure, sizeof(hook_failure), "%s: %s false on the "
                             "subsection's own node", where, sub->needed);
                    return false;
                }
            }
        }
        if (sv && !check_needed(sub, sv, scope, n + 1, where)) {
            return false;
        }
    }
    return check_children(vmsd, v, scope, n + 1, where);
}

static void check_stream_hooks(const mstream *ms, const char *name, size_t *failed)
{
    for (size_t i = 0; i < ms->n; i++) {
        const vmc_value *scope[VMC_SCOPE_MAX];
        char where[512];
        snprintf(where, sizeof(where), "%s: %s/%u", name, ms->secs[i].idstr,
                 ms->secs[i].instance_id);
        if (!check_needed(ms->secs[i].vmsd, ms->secs[i].value, scope, 0, where)) {
            fprintf(stderr, "%s\n", hook_failure);
            (*failed)++;
        }
    }
}

static void test_needed_hooks_corpus(void **state)
{
    (void)state;
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    size_t failed = 0, nstreams = 0;
    hooks_checked = 0;
    for (size_t s = 0; s < json_object_array_length(streams); s++) {
        json_object *e = json_object_array_get_idx(streams, s);
        const char *id = json_object_get_string(json_object_object_get(e, "id"));
        mstream ms;
        decode_corpus(id, &ms);
        check_stream_hooks(&ms, id, &failed);
        /* every stream: apic instance = APIC id; globalstate = recorded run state */
        for (size_t i = 0; i < ms.n; i++) {
            if (strcmp(ms.secs[i].idstr, "apic") == 0) {
                assert_int_equal(ms.secs[i].instance_id, u(ms.secs[i].value, "id"));
            }
        }
        json_object *rs = json_object_object_get(e, "runstate_at_save");
        for (size_t i = 0; rs && i < ms.n; i++) {
            if (strcmp(ms.secs[i].idstr, "globalstate") == 0) {
                check_globalstate(&ms, json_object_get_string(rs));
            }
        }
        free_stream(&ms);
        nstreams++;
    }
    fprintf(stderr, "needed hooks: %zu evaluations on %zu streams, %zu wrong\n",
            hooks_checked, nstreams, failed);
    assert_true(hooks_checked > 1000);
    assert_int_equal(failed, 0);
    json_object_put(m);
}

/* ---- streams made with the installed QEMU -------------------------------- */

static void make_stream(const char *machine, const char *const *args, int run_ms,
                        const char *name, mstream *ms)
{
    qr_config cfg = { .machine = machine, .args = args };
    qr_qemu *q;
    assert_non_null(qr_qemu_binary());
    if (qr_start(&q, &cfg)) {
        fail_msg("qr_start: %s", vmc_error_last()->message);
    }
    if (run_ms > 0 && qr_run_ms(q, run_ms)) {
        fail_msg("run: %s", vmc_error_last()->message);
    }
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.mig", qr_tmpdir(q), name);
    if (qr_migrate_to_file(q, path, NULL)) {
        fail_msg("migrate: %s", vmc_error_last()->message);
    }
    size_t len;
    uint8_t *data = tu_read_file(path, &len);
    qr_stop(q);
    qr_free(q);
    decode_stream(data, len, name, ms);
}

/* -smp 2: the application processor waits for a SIPI (x86_cpu_reset, apic_init_reset). */
static void test_live_smp2(void **state)
{
    (void)state;
    const char *const args[] = { "-smp", "2", "-m", "128", NULL };
    mstream ms;
    make_stream("pc-q35-7.2", args, 0, "smp2", &ms);
    size_t failed = 0;
    check_stream_hooks(&ms, "smp2", &failed);
    assert_int_equal(failed, 0);

    check_reset_cpu(section(&ms, "cpu", 0));
    check_reset_cpu(section(&ms, "cpu", 1));
    assert_int_equal(instance_of(&ms, "cpu", 1), 1);
    assert_int_equal(instance_of(&ms, "cpu_common", 1), 1);
    assert_int_equal(u(section(&ms, "cpu_common", 0), "halted"), 0);
    assert_int_equal(u(section(&ms, "cpu_common", 1), "halted"), 1);

    const vmc_value *bsp = section(&ms, "apic", 0);
    const vmc_value *ap = section(&ms, "apic", 1);
    assert_int_equal(instance_of(&ms, "apic", 0), u(bsp, "id"));
    assert_int_equal(instance_of(&ms, "apic", 1), u(ap, "id"));
    assert_int_equal(u(ap, "id"), 1);
    assert_int_equal(u(bsp, "apicbase") & 0x100, 0x100);   /* BSP flag */
    assert_int_equal(u(ap, "apicbase") & 0x100, 0);
    assert_null(subsection(bsp, "apic_sipi"));
    const vmc_value *sipi = subsection(ap, "apic_sipi");
    assert_non_null(sipi);
    assert_int_equal(u(sipi, "wait_for_sipi"), 1);

    /* one VAPIC for the machine */
    assert_non_null(section(&ms, "kvm-tpr-opt", 0));
    for (size_t i = 0; i < ms.n; i++) {
        if (strcmp(ms.secs[i].idstr, "kvm-tpr-opt") == 0) {
            assert_int_equal(ms.secs[i].instance_id, 0);
        }
    }
    free_stream(&ms);
}

/*
 * -icount shift=auto sends timer/icount with its warp, realtime and shift
 * subsections (cpu-timers.c); floppy, parallel port and a pvpanic /
 * debugcon device (no vmsd) on i440fx.
 */
static void test_live_icount_isa(void **state)
{
    (void)state;
    char img[512];
    snprintf(img, sizeof(img), "%s/vmc-cpuisa-%d.img",
             getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp", (int)getpid());
    FILE *f = fopen(img, "wb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 1474560 - 1, SEEK_SET), 0);
    assert_int_equal(fputc(0, f), 0);
    fclose(f);
    char drive[600];
    snprintf(drive, sizeof(drive), "if=floppy,format=raw,file=%s", img);
    const char *const args[] = {
        "-m", "128", "-icount", "shift=auto", "-drive", drive,
        "-chardev", "null,id=p0", "-device", "isa-parallel,chardev=p0",
        "-chardev", "null,id=d0", "-device", "isa-debugcon,chardev=d0",
        "-device", "pvpanic", NULL,
    };
    mstream ms;
    make_stream("pc-i440fx-7.2", args, 500, "icount", &ms);
    remove(img);
    size_t failed = 0;
    check_stream_hooks(&ms, "icount", &failed);
    assert_int_equal(failed, 0);

    const vmc_value *t = section(&ms, "timer", 0);
    const vmc_value *ic = subsection(t, "timer/icount");
    assert_non_null(ic);
    assert_non_null(subsection(ic, "timer/icount/warp_timer"));
    assert_non_null(subsection(ic, "timer/icount/timers"));
    const vmc_value *shift = subsection(ic, "timer/icount/shift");
    assert_non_null(shift);
    assert_int_equal(vmc_value_version(shift), 2);
    /* shift=auto adapts the shift within 0..MAX_ICOUNT_SHIFT (10) */
    assert_true(vmc_value_int(node(shift, "icount_time_shift")) >= 0 &&
                vmc_value_int(node(shift, "icount_time_shift")) <= 10);
    assert_true(vmc_value_int(node(ic, "qemu_icount")) > 0);   /* instructions ran */

    const vmc_value *par = section(&ms, "parallel_isa", 0);
    assert_non_null(par);
    /* isa-pvpanic and isa-debugcon have no vmsd: no section of theirs */
    for (size_t i = 0; i < ms.n; i++) {
        assert_null(strstr(ms.secs[i].idstr, "pvpanic"));
        assert_null(strstr(ms.secs[i].idstr, "debugcon"));
    }
    free_stream(&ms);
}

/* ---- hand-made payloads -------------------------------------------------- */

static int decode_bytes(const char *vmsd_name, int version, const uint8_t *p, size_t n,
                        vmc_arena *a, vmc_value **out, size_t *used)
{
    const vmc_vmsd *vmsd = vmc_devices_find_vmsd(vmsd_name);
    assert_non_null(vmsd);
    vmc_decode_ctx dc = {
        .arena = a, .cur = { .base = p, .len = n, .abs = 0 }, .section = vmsd_name,
    };
    int rc = vmc_engine_decode(&dc, vmsd, version, vmsd_name, out);
    *used = dc.cur.pos;
    return rc;
}

static size_t put_be(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        int shift = 8 * (bytes - 1 - i);
        p[i] = shift < 64 ? (uint8_t)(v >> shift) : 0;   /* wider fields: zero-extended */
    }
    return (size_t)bytes;
}

/* hpet timer: tn u8, config/cmp/fsb/period u64, wrap_flag u8, timer be64 */
static size_t put_hpet_timer(uint8_t *p, int tn)
{
    size_t k = 0;
    k += put_be(p + k, (uint64_t)tn, 1);
    for (int i = 0; i < 4; i++) {
        k += put_be(p + k, 0x1000u * (uint64_t)(tn + 1) + (uint64_t)i, 8);
    }
    k += put_be(p + k, 0, 1);
    k += put_be(p + k, UINT64_MAX, 8);
    return k;
}

static void test_hpet_versions(void **state)
{
    (void)state;
    uint8_t buf[2048];
    vmc_arena *a = vmc_arena_new();
    vmc_value *v;
    size_t used, k;

    /* version 1: no num_timers, always 3 timers: 24 + 3 * 42 bytes */
    k = 0;
    k += put_be(buf + k, 1, 8);
    k += put_be(buf + k, 0, 8);
    k += put_be(buf + k, 0x1234, 8);
    for (int t = 0; t < 3; t++) {
        k += put_hpet_timer(buf + k, t);
    }
    assert_int_equal(k, 150);
    assert_int_equal(decode_bytes("hpet", 1, buf, k, a, &v, &used), 0);
    assert_int_equal(used, 150);
    assert_null(vmc_value_get(v, "num_timers"));
    assert_int_equal(vmc_value_count(vmc_value_get(v, "timer")), 3);
    assert_int_equal(vmc_value_uint(vmc_value_get(v, "timer[2].cmp")), 0x3001);
    assert_int_equal(vmc_value_int(vmc_value_get(v, "timer[1].qemu_timer")), -1);

    /* version 2 with 4 timers */
    k = 0;
    k += put_be(buf + k, 0, 24);
    k += put_be(buf + k, 4, 1);
    for (int t = 0; t < 4; t++) {
        k += put_hpet_timer(buf + k, t);
    }
    assert_int_equal(decode_bytes("hpet", 2, buf, k, a, &v, &used), 0);
    assert_int_equal(used, k);
    assert_int_equal(vmc_value_count(vmc_value_get(v, "timer")), 4);

    /* num_timers outside 3..32 fails QEMU's VMSTATE_VALIDATE */
    const uint8_t bad[] = { 2, 33, 0 };
    for (size_t b = 0; b < sizeof(bad); b++) {
        memset(buf, 0, 24);
        buf[24] = bad[b];
        /* the check runs before any timer byte is read */
        assert_int_not_equal(decode_bytes("hpet", 2, buf, 25, a, &v, &used), 0);
        assert_non_null(strstr(vmc_error_last()->message, "num_timers in range"));
    }
    vmc_arena_free(a);
}

static void test_fw_cfg_version1(void **state)
{
    (void)state;
    vmc_arena *a = vmc_arena_new();
    vmc_value *v;
    size_t used;
    /* version 1: cur_entry be16, cur_offset as be16 ("int32_as_uint16") */
    const uint8_t v1[] = { 0x00, 0x19, 0x01, 0x02 };
    assert_int_equal(decode_bytes("fw_cfg", 1, v1, sizeof(v1), a, &v, &used), 0);
    assert_int_equal(used, 4);
    assert_int_equal(vmc_value_uint(vmc_value_get(v, "cur_entry")), 0x19);
    assert_int_equal(vmc_value_uint(vmc_value_get(v, "cur_offset[0]")), 0x102);
    assert_string_equal(vmc_value_type(vmc_value_get(v, "cur_offset[0]")), "int32_as_uint16");
    assert_null(vmc_value_get(v, "cur_offset[1]"));

    /* version 2 with the section 9.5 example's subsections */
    const uint8_t v2[] = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x05, 0x0a, 'f', 'w', '_', 'c', 'f', 'g', '/', 'd', 'm', 'a', 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        0x05, 0x0e, 'f', 'w', '_', 'c', 'f', 'g', '/', 'a', 'c', 'p', 'i', '_', 'm', 'r',
        0, 0, 0, 1,
        0, 0, 0, 0, 0, 2, 0, 0,  0, 0, 0, 0, 0, 0, 0x10, 0,  0, 0, 0, 0, 0, 0, 0, 0x24,
    };
    assert_int_equal(decode_bytes("fw_cfg", 2, v2, sizeof(v2), a, &v, &used), 0);
    assert_int_equal(used, sizeof(v2));
    assert_int_equal(vmc_value_subsection_count(v), 2);
    assert_int_equal(vmc_value_uint(vmc_value_get(v, "fw_cfg/acpi_mr.rsdp_mr_size")), 0x24);

    /* a version 3 stream is too new, version 0 too old */
    assert_int_not_equal(decode_bytes("fw_cfg", 3, v2, sizeof(v2), a, &v, &used), 0);
    assert_non_null(strstr(vmc_error_last()->message, "too new"));
    assert_int_not_equal(decode_bytes("fw_cfg", 0, v2, sizeof(v2), a, &v, &used), 0);
    assert_non_null(strstr(vmc_error_last()->message, "too old"));
    vmc_arena_free(a);
}

/* A truncated cpu section is a clear error, not a crash. */
static void test_truncated_cpu(void **state)
{
    (void)state;
    mstream ms;
    decode_corpus("s-pc-q35-7.2--vga--fresh", &ms);
    const vmc_value *cpu = section(&ms, "cpu", 0);
    size_t n;
    const uint8_t *raw = vmc_value_raw(cpu, &n);
    assert_non_null(raw);
    n = vmc_value_size(cpu);
    vmc_arena *a = vmc_arena_new();
    for (size_t cut = 0; cut < n; cut += 97) {
        vmc_value *v;
        size_t used;
        assert_int_not_equal(decode_bytes("cpu", 12, raw, cut, a, &v, &used), 0);
    }
    vmc_arena_free(a);
    free_stream(&ms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_q35),
        cmocka_unit_test(test_fresh_i440fx),
        cmocka_unit_test(test_after_firmware),
        cmocka_unit_test(test_isa_serial_fresh),
        cmocka_unit_test(test_needed_hooks_corpus),
        cmocka_unit_test(test_live_smp2),
        cmocka_unit_test(test_live_icount_isa),
        cmocka_unit_test(test_hpet_versions),
        cmocka_unit_test(test_fw_cfg_version1),
        cmocka_unit_test(test_truncated_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
