/*
 * The RTC's clock-derived state (docs/write.md): what two never-started
 * QEMUs, or QEMU and vmcompat write, differ in.  Tests read it from QEMU's
 * stream and give it to `vmcompat write --state` to compare the rest.
 */
#ifndef VMC_TEST_RTC_CLOCK_H
#define VMC_TEST_RTC_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tu_rtc_clock {
    bool found;
    int64_t base_rtc, last_update, update_timer, next_alarm_time;
    uint8_t cmos[128];
} tu_rtc_clock;

/* The mc146818rtc clock fields of a stream file (decoded with the stream's
 * vmdesc, else the built-in models).  0, or -1 with vmc_error_last(). */
int tu_rtc_read(const char *file, tu_rtc_clock *out);

/* CMOS bytes the RTC derives from the host clock: seconds, minutes, hours,
 * day of week, day of month, month, year and the century (0x32). */
bool tu_rtc_cmos_clock_byte(size_t i);

/* `--state` JSON that sets these fields in the mc146818rtc section (g_free). */
char *tu_rtc_state_json(const tu_rtc_clock *c);

#endif
