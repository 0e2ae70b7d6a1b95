/*
 * Fresh state of the MC146818 RTC (QEMU 7.2, hw/rtc/mc146818rtc.c) with the
 * CMOS contents pc_cmos_init() writes (hw/i386/pc.c).
 *
 * Clock-derived fields (they differ between any two QEMU runs): QEMU reads
 * QEMU_CLOCK_HOST (gettimeofday, microseconds) when the RTC is realized
 * and again at the system reset; the section is saved a moment later.  We
 * take all of these to be the same instant H = vmc_fresh_ctx.clock_ns
 * rounded down to the microsecond:
 *   base_rtc        = H / 10^9 (seconds, UTC)
 *   last_update     = H
 *   update_timer    = H + 10^9 (check_update_timer: the next second tick;
 *                     the guest time's sub-second part is 0 at H)
 *   next_alarm_time = H + s * 10^9, s = seconds from base_rtc's time of
 *                     day to the next 00:00:00 (1..86400): the alarm
 *                     registers are 0, i.e. an alarm at midnight
 *   cmos_data[0, 2, 4, 6, 7, 8, 9, 0x32] = base_rtc as BCD seconds,
 *                     minutes, hours (24h), weekday (1 = Sunday), day,
 *                     month, year % 100 and century.
 * QEMU computes update_timer and next_alarm_time from later clock reads
 * than last_update, so its values are a few microseconds above these.  Its
 * values differ more when its reads straddle a second boundary, or when
 * more than a second passes between start and save (the update timer then
 * fires: REG_C gets UF, update_timer becomes the alarm time and the CMOS
 * clock moves on).  Nothing else in a fresh PC depends on the wall clock:
 * every other timer is QEMU_CLOCK_VIRTUAL, which stays 0 until the guest
 * first runs.
 */
#include "devices/fresh_internal.h"
#include "machine-types/board_defaults.h"
#include "devices/fresh_util.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_SEC 1000000000ll
#define SEC_PER_DAY 86400
#define CMOS_SIZE 128
#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

enum {
    RTC_SECONDS = 0, RTC_MINUTES = 2, RTC_HOURS = 4, RTC_DAY_OF_WEEK = 6,
    RTC_DAY_OF_MONTH = 7, RTC_MONTH = 8, RTC_YEAR = 9,
    RTC_REG_A = 10, RTC_REG_B = 11, RTC_REG_C = 12, RTC_REG_D = 13,
    RTC_CENTURY = 0x32,
    REG_EQUIPMENT_BYTE = 0x14,
};

static uint8_t bcd(int v)
{
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* A size as QEMU's qemu_strtosz() reads it (integer with optional suffix). */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s) {
        return false;
    }
    uint64_t mul = 1;
    switch (*end) {
    case '\0': case 'B': case 'b': mul = 1; break;
    case 'K': case 'k': mul = KiB; break;
    case 'M': case 'm': mul = MiB; break;
    case 'G': case 'g': mul = GiB; break;
    case 'T': case 't': mul = GiB * 1024; break;
    default: return false;
    }
    if (*end && end[1]) {
        return false;
    }
    *out = v * mul;
    return true;
}

/* below_4g_mem_size as pc_init1() / pc_q35_init() split -m. */
static int below_4g(const vmc_fresh_ctx *fc, uint64_t *below, uint64_t *above)
{
    uint64_t ram = fc->m->ram_size, lowmem, max_below = 0;
    const char *mb = vmc_qopts_get(vmc_cmdline_machine(fc->m->cl), "max-ram-below-4g");
    if (mb && !parse_size(mb, &max_below)) {
        return vmc_fresh_unsupported(fc, "this -machine max-ram-below-4g value");
    }
    if (fc->m->q35) {
        lowmem = ram >= 0xb0000000ull ? 0x80000000ull : 0xb0000000ull;
        if (!max_below) {
            max_below = 4 * GiB;
        }
        if (lowmem > max_below) {
            lowmem = max_below;
        }
    } else {
        if (!max_below) {
            max_below = 0xe0000000ull;
        }
        lowmem = max_below;
        const char *ga = vmc_model_class_field(fc->m, "gigabyte_align");
        bool gigabyte_align = !ga || strcmp(ga, "false") != 0;
        if (ram >= max_below && gigabyte_align && lowmem > 0xc0000000ull) {
            lowmem = 0xc0000000ull;
        }
    }
    if (ram >= lowmem) {
        *below = lowmem;
        *above = ram - lowmem;
    } else {
        *below = ram;
        *above = 0;
    }
    return 0;
}

static int cmos_memory(const vmc_fresh_ctx *fc, uint8_t *c)
{
    uint64_t below = 0, above = 0;
    int rc = below_4g(fc, &below, &above);
    if (rc) {
        return rc;
    }
    /* base memory (first MiB), extended memory (next 64 MiB), 16 MiB..4 GiB */
    uint64_t v = below / KiB < 640 ? below / KiB : 640;
    c[0x15] = (uint8_t)v;
    c[0x16] = (uint8_t)(v >> 8);
    v = below > MiB ? (below - MiB) / KiB : 0;
    v = v > 65535 ? 65535 : v;
    c[0x17] = c[0x30] = (uint8_t)v;
    c[0x18] = c[0x31] = (uint8_t)(v >> 8);
    v = below > 16 * MiB ? (below - 16 * MiB) / (64 * KiB) : 0;
    v = v > 65535 ? 65535 : v;
    c[0x34] = (uint8_t)v;
    c[0x35] = (uint8_t)(v >> 8);
    v = above / 65536;
    c[0x5b] = (uint8_t)v;
    c[0x5c] = (uint8_t)(v >> 8);
    c[0x5d] = (uint8_t)(v >> 16);

    /* boot order "cad" (no -boot is modelled): hard disk, floppy, CD-ROM;
     * 0x38 bit 0 = !fd_bootchk */
    c[0x3d] = 0x1 << 4 | 0x2;
    c[0x38] = 0x3 << 4;
    /* FPU and PS/2 mouse; the board's floppy drives (pc_cmos_init_floppy) */
    int fd[2];
    int nfd = vmc_board_defaults_floppy_types(fc->m, fd);
    c[0x10] = (uint8_t)(fd[0] << 4 | fd[1]);
    c[REG_EQUIPMENT_BYTE] = 0x02 | 0x04 | (nfd ? 0x01 | (nfd - 1) << 6 : 0);
    /* number of CPUs at boot - 1 (x86_rtc_set_cpus_count) */
    c[0x5f] = fc->m->smp_cpus > 0xff ? 0 : (uint8_t)(fc->m->smp_cpus - 1);
    return 0;
}

/* Why the command line is outside what this models, or NULL. */
static const char *unmodelled_option(const vmc_fresh_ctx *fc)
{
    const vmc_cmdline *cl = fc->m->cl;
    for (size_t i = 0; i < vmc_cmdline_legacy_count(cl); i++) {
        const char *o = vmc_cmdline_legacy_option(cl, i);
        if (!strcmp(o, "fda") || !strcmp(o, "fdb")) {
            return "the CMOS entries of -fda/-fdb";
        }
    }
    for (size_t i = 0; i < vmc_cmdline_device_count(cl); i++) {
        const char *drv = vmc_qopts_get(vmc_cmdline_device(cl, i), "driver");
        if (drv && (!strcmp(drv, "ide-drive") || !strcmp(drv, "floppy"))) {
            return "the CMOS entries of floppy and ide-drive devices";
        }
    }
    return NULL;
}

static void cmos_hd(uint8_t *c, int type_ofs, int info_ofs, int cyls, int heads, int secs)
{
    c[type_ofs] = 47;                       /* user-defined type */
    c[info_ofs] = (uint8_t)cyls;
    c[info_ofs + 1] = (uint8_t)(cyls >> 8);
    c[info_ofs + 2] = (uint8_t)heads;
    c[info_ofs + 3] = 0xff;                 /* write precompensation: none */
    c[info_ofs + 4] = 0xff;
    c[info_ofs + 5] = (uint8_t)(0xc0 | (heads > 8) << 3);
    c[info_ofs + 6] = (uint8_t)cyls;        /* landing zone */
    c[info_ofs + 7] = (uint8_t)(cyls >> 8);
    c[info_ofs + 8] = (uint8_t)secs;
}

/*
 * pc_cmos_init_late(): the hard disks on the board controller's first two
 * IDE buses (PIIX IDE primary/secondary; q35: AHCI ports 0 and 1).
 */
static int cmos_disks(const vmc_fresh_ctx *fc, uint8_t *c)
{
    vmc_mdev *hcd = NULL;
    for (size_t i = 0; i < fc->m->devices->len && !hcd; i++) {
        vmc_mdev *d = g_ptr_array_index(fc->m->devices, i);
        if (!d->id && (!strcmp(d->type, fc->m->q35 ? "ich9-ahci" : "piix3-ide") ||
                       !strcmp(d->type, "piix4-ide"))) {
            hcd = d;
        }
    }
    if (!hcd || !hcd->buses || hcd->buses->len < 2) {
        return 0;
    }
    int nunits = fc->m->q35 ? 1 : 2;
    uint8_t hdinfo = 0, trans_bits = 0;
    for (int b = 0; b < 2; b++) {
        vmc_fresh_ide_drive units[2];
        if (vmc_fresh_ide_bus_drives(fc->m, g_ptr_array_index(hcd->buses, b), units,
                                     nunits) != 0) {
            return vmc_fresh_unsupported(fc, "the CMOS entries of these IDE devices");
        }
        for (int u = 0; u < nunits; u++) {
            if (units[u].kind != VMC_IDE_HD) {
                continue;
            }
            int cyls, heads, secs, trans;
            if (vmc_fresh_hd_geometry(fc->m, units[u].dev, &cyls, &heads, &secs, &trans)) {
                return vmc_fresh_unsupported(fc, "the CMOS geometry of this disk (only raw "
                                             "images and unallocated qcow2 images without a "
                                             "partition table, or cyls/heads/secs)");
            }
            if (b == 0) {
                cmos_hd(c, u ? 0x1a : 0x19, u ? 0x24 : 0x1b, cyls, heads, secs);
                hdinfo |= u ? 0x0f : 0xf0;
            }
            trans_bits |= (uint8_t)(trans << (2 * (2 * b + u)));
        }
    }
    c[0x12] = hdinfo;
    c[0x39] = trans_bits;
    return 0;
}

/*
 * -rtc base=utc|localtime|DATE, clock=host|rt|vm (softmmu/rtc.c): the
 * guest's date at start is the host's (or DATE), read through gmtime or
 * localtime; last_update and the timers are on the RTC's clock: the host
 * clock, the host's monotonic clock (QEMU_CLOCK_REALTIME), or the virtual
 * clock, which is 0 in a machine that never ran.
 */
typedef struct rtc_clock {
    time_t guest_sec;       /* the guest's time at start, seconds since the epoch */
    bool localtime;
    int64_t clock_ns;       /* the RTC clock at start (microseconds precision) */
} rtc_clock;

static int rtc_options(const vmc_fresh_ctx *fc, rtc_clock *out)
{
    int64_t host = fc->clock_ns - fc->clock_ns % 1000;
    out->guest_sec = (time_t)(host / NS_PER_SEC);
    out->localtime = false;
    out->clock_ns = host;
    const char *base = NULL, *clock = NULL;
    const vmc_cmdline *cl = fc->m->cl;
    for (size_t i = 0; i < vmc_cmdline_legacy_count(cl); i++) {
        if (strcmp(vmc_cmdline_legacy_option(cl, i), "rtc") != 0) {
            continue;
        }
        vmc_qopts *o;
        if (vmc_qopts_parse(&o, vmc_cmdline_legacy_arg(cl, i), "base")) {
            return vmc_fresh_unsupported(fc, "an -rtc argument that does not parse");
        }
        /* later -rtc options override earlier ones, key by key */
        const char *b = vmc_qopts_get(o, "base"), *c = vmc_qopts_get(o, "clock");
        if (b) {
            base = vmc_model_str(fc->m, b);
        }
        if (c) {
            clock = vmc_model_str(fc->m, c);
        }
        vmc_qopts_free(o);
    }
    if (base && !strcmp(base, "localtime")) {
        out->localtime = true;
    } else if (base && strcmp(base, "utc") != 0) {
        struct tm tm = { 0 };
        int n = sscanf(base, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                       &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
        if (n != 6 && n != 3) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-rtc",
                                 "qemu-system-x86_64: invalid datetime format\n"
                                 "valid formats: '2006-06-17T16:01:21' or '2006-06-17'");
        }
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        out->guest_sec = timegm(&tm);
    }
    if (clock && !strcmp(clock, "vm")) {
        out->clock_ns = 0;
    } else if (clock && !strcmp(clock, "rt")) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t rt = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
        out->clock_ns = rt - rt % 1000;
    }
    return 0;
}

int vmc_fresh_rtc(const vmc_fresh_ctx *fc, vmc_state *st)
{
    const char *why = unmodelled_option(fc);
    if (why) {
        return vmc_fresh_unsupported(fc, why);
    }
    uint8_t c[CMOS_SIZE] = { 0 };
    int rc = cmos_memory(fc, c);
    if (rc || (rc = cmos_disks(fc, c))) {
        return rc;
    }
    c[RTC_REG_A] = 0x26;
    c[RTC_REG_B] = 0x02;   /* 24-hour, BCD */
    c[RTC_REG_D] = 0x80;

    rtc_clock rc_;
    if ((rc = rtc_options(fc, &rc_))) {
        return rc;
    }
    struct tm tm;
    if (rc_.localtime) {
        tzset();   /* localtime_r need not read TZ itself */
        localtime_r(&rc_.guest_sec, &tm);
    } else {
        gmtime_r(&rc_.guest_sec, &tm);
    }
    /* rtc_set_date_from_host: base_rtc is the guest's date taken as UTC */
    time_t sec = timegm(&tm);
    int64_t host = rc_.clock_ns;
    /* the PC passes base_year 2000, which rtc_realizefn turns into 0 */
    int year = tm.tm_year + 1900;
    c[RTC_SECONDS] = bcd(tm.tm_sec);
    c[RTC_MINUTES] = bcd(tm.tm_min);
    c[RTC_HOURS] = bcd(tm.tm_hour);
    c[RTC_DAY_OF_WEEK] = bcd(tm.tm_wday + 1);
    c[RTC_DAY_OF_MONTH] = bcd(tm.tm_mday);
    c[RTC_MONTH] = bcd(tm.tm_mon + 1);
    c[RTC_YEAR] = bcd(year % 100);
    c[RTC_CENTURY] = bcd(year / 100);
    vmc_fresh_bytes(st, c, sizeof(c), "cmos_data");

    int tod = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    int to_alarm = SEC_PER_DAY - tod;   /* 1..86400: the alarm is 00:00:00 */
    vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "periodic_timer");
    vmc_fresh_u(st, (uint64_t)sec, "base_rtc");
    vmc_fresh_u(st, (uint64_t)host, "last_update");
    vmc_fresh_i(st, host + NS_PER_SEC, "update_timer");
    vmc_fresh_u(st, (uint64_t)(host + (int64_t)to_alarm * NS_PER_SEC), "next_alarm_time");
    return 0;
}
