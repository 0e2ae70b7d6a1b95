/*
 * `vmcompat write` for every x86 PC machine type of QEMU 7.2, board only
 * (-m 64) and with -smp 2, against the real QEMU (issue 3's acceptance):
 *
 *  1. QEMU started with the same arguments loads our stream (-incoming);
 *  2. our stream equals QEMU's own stream of the never-started machine
 *     record for record (tests/stream_equiv.h: only the cut of RAM into
 *     PART sections may differ) -- vmdesc included -- once the fields that
 *     derive from the wall clock at start-up are set to QEMU's values;
 *  3. those clock fields are exactly the ones two QEMU runs differ in
 *     (docs/write.md): the RTC's base_rtc, last_update, update_timer,
 *     next_alarm_time, and the time/date bytes of its CMOS memory; every
 *     other CMOS byte must already be equal.
 *
 * usage: test_write_machines [SHARD NSHARDS]   (machine types i % NSHARDS == SHARD)
 * QEMU must be installed: the test fails (never skips) without it.
 */
#include "testutil.h"
#include "qemu_runner.h"
#include "stream_equiv.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcompat/machine.h"
#include "vmcompat/model.h"
#include "vmcompat/models.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"
#include "vmcompat/write.h"

static int shard, nshards = 1;
static char tmpdir[] = "/tmp/vmc-write-machines-XXXXXX";

/* CMOS bytes the RTC derives from the host clock: seconds, minutes, hours,
 * day of week, day of month, month, year (0x00-0x09 with the alarm bytes
 * QEMU leaves at 0) and the century (0x32). */
static bool cmos_clock_byte(size_t i)
{
    return i == 0x00 || i == 0x02 || i == 0x04 || i == 0x06 || i == 0x07 || i == 0x08 ||
           i == 0x09 || i == 0x32;
}

typedef struct rtc_clock {
    bool found;
    int64_t base_rtc, last_update, update_timer, next_alarm_time;
    uint8_t cmos[128];
} rtc_clock;

static int64_t field_int(const vmc_value *v, const char *path)
{
    const vmc_value *f = vmc_value_get(v, path);
    if (!f) {
        fail_msg("mc146818rtc has no field %s", path);
    }
    return vmc_value_int(f);
}

/* The RTC's clock fields of a stream. */
static void read_rtc(const char *file, rtc_clock *out)
{
    memset(out, 0, sizeof(*out));
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_path(&src, file), 0);
    /* old types send no vmdesc: the built-in models delimit their sections */
    vmc_reader_options ro = { .lookup = vmc_models_lookup };
    assert_int_equal(vmc_reader_new(&r, src, &ro), 0);
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) == 1) {
        if (ev.kind == VMC_EV_DEVICE_STATE && strcmp(ev.u.state.idstr, "mc146818rtc") == 0) {
            const vmc_value *v = ev.u.state.value;
            assert_non_null(v);
            out->found = true;
            out->base_rtc = field_int(v, "base_rtc");
            out->last_update = field_int(v, "last_update");
            out->update_timer = field_int(v, "update_timer");
            out->next_alarm_time = field_int(v, "next_alarm_time");
            size_t n;
            const uint8_t *b = vmc_value_bytes(vmc_value_get(v, "cmos_data"), &n);
            assert_int_equal(n, 128);
            memcpy(out->cmos, b, 128);
        }
    }
    if (rc < 0) {
        fail_msg("%s: %s", file, vmc_error_last()->message);
    }
    vmc_reader_free(r);
    vmc_source_free(src);
}

/* Write our stream of machine+args, with QEMU's clock fields when rtc is given. */
static void write_ours(const char *machine, const char *args, const rtc_clock *rtc,
                       const char *file)
{
    char cmdline[512];
    snprintf(cmdline, sizeof(cmdline), "-M %s -nodefaults %s", machine, args);
    vmc_model *m;
    if (vmc_model_build_shell(&m, cmdline, NULL)) {
        fail_msg("%s: model: %s", cmdline, vmc_error_last()->message);
    }
    char *state = NULL;
    if (rtc) {
        GString *g = g_string_new("{\"sections\": [{\"idstr\": \"mc146818rtc\", "
                                  "\"instance_id\": 0, \"state\": {\"fields\": [");
        g_string_append_printf(g, "{\"name\": \"base_rtc\", \"value\": %lld}, "
                                  "{\"name\": \"last_update\", \"value\": %lld}, "
                                  "{\"name\": \"update_timer\", \"value\": %lld}, "
                                  "{\"name\": \"next_alarm_time\", \"value\": %lld}, "
                                  "{\"name\": \"cmos_data\", \"value\": \"",
                               (long long)rtc->base_rtc, (long long)rtc->last_update,
                               (long long)rtc->update_timer, (long long)rtc->next_alarm_time);
        for (int i = 0; i < 128; i++) {
            g_string_append_printf(g, "%02x", rtc->cmos[i]);
        }
        g_string_append(g, "\"}]}}]}");
        state = g_string_free(g, FALSE);
    }
    vmc_sink *s;
    assert_int_equal(vmc_sink_open_path(&s, file), 0);
    vmc_write_options o = { .state_json = state, .state_len = state ? strlen(state) : 0 };
    int rc = vmc_model_write(m, s, &o);
    if (!rc) {
        rc = vmc_sink_commit(s);
    }
    if (rc) {
        fail_msg("%s: write: %s", cmdline, vmc_error_last()->message);
    }
    vmc_sink_free(s);
    g_free(state);
    vmc_model_free(m);
}

static char **split(const char *text)
{
    return g_strsplit(text, " ", -1);
}

static void check_machine(const char *machine, const char *args)
{
    char qemu_file[600], fresh[600], clocked[600];
    snprintf(qemu_file, sizeof(qemu_file), "%s/%s-qemu.mig", tmpdir, machine);
    snprintf(fresh, sizeof(fresh), "%s/%s-fresh.mig", tmpdir, machine);
    snprintf(clocked, sizeof(clocked), "%s/%s-clocked.mig", tmpdir, machine);

    char **argv = split(args);
    qr_config cfg = { .machine = machine, .args = (const char *const *)argv };
    qr_qemu *q;
    if (qr_start(&q, &cfg) < 0 || qr_migrate_to_file(q, qemu_file, NULL) < 0) {
        fail_msg("-M %s %s: QEMU: %s", machine, args, vmc_error_last()->message);
    }
    qr_free(q);

    /* 1. QEMU loads the stream as we write it */
    write_ours(machine, args, NULL, fresh);
    qr_load_result res;
    assert_int_equal(qr_load_file(&cfg, fresh, &res), 0);
    if (!res.ok) {
        fail_msg("-M %s %s: QEMU does not load our stream: %s", machine, args,
                 res.n_error ? res.error_lines[0] : res.status);
    }
    qr_load_result_free(&res);

    /* 3. clock fields aside, the RTC's CMOS memory is QEMU's */
    rtc_clock theirs, ours;
    read_rtc(qemu_file, &theirs);
    read_rtc(fresh, &ours);
    assert_true(theirs.found && ours.found);
    for (size_t i = 0; i < 128; i++) {
        if (!cmos_clock_byte(i) && theirs.cmos[i] != ours.cmos[i]) {
            fail_msg("-M %s %s: CMOS byte 0x%02zx is 0x%02x, QEMU has 0x%02x", machine, args, i,
                     ours.cmos[i], theirs.cmos[i]);
        }
    }

    /* 2. with QEMU's clock, QEMU's stream */
    write_ours(machine, args, &theirs, clocked);
    char why[1024];
    if (se_compare_files(qemu_file, clocked, why, sizeof(why)) != 0) {
        fail_msg("-M %s %s: our stream differs from QEMU's beyond the clock fields: %s", machine,
                 args, why);
    }
    unlink(qemu_file);
    unlink(fresh);
    unlink(clocked);
    g_strfreev(argv);
}

static void test_all_machine_types(void **state)
{
    (void)state;
    vmc_machine_types *set;
    assert_int_equal(vmc_machine_types_load_builtin(&set), 0);
    size_t k = 0, checked = 0;
    for (size_t i = 0; i < vmc_machine_types_count(set); i++) {
        const char *name = vmc_machine_type_info(vmc_machine_types_get(set, i))->name;
        if (strncmp(name, "pc-i440fx-", 10) != 0 && strncmp(name, "pc-q35-", 7) != 0) {
            continue;
        }
        if ((int)(k++ % (size_t)nshards) != shard) {
            continue;
        }
        check_machine(name, "-m 64");
        check_machine(name, "-m 128 -smp 2");
        printf("%-16s -m 64, -m 128 -smp 2: loads; equal to QEMU's stream but for the clock\n",
               name);
        checked++;
    }
    assert_true(checked > 0);
    vmc_machine_types_free(set);
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

int main(int argc, char **argv)
{
    if (argc == 3) {
        shard = atoi(argv[1]);
        nshards = atoi(argv[2]);
        if (nshards < 1 || shard < 0 || shard >= nshards) {
            fprintf(stderr, "usage: %s [SHARD NSHARDS]\n", argv[0]);
            return 2;
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_machine_types),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
