/* The RTC's clock-derived state of a stream (rtc_clock.h). */
#include "rtc_clock.h"

#include <glib.h>
#include <string.h>

#include "common/error_internal.h"
#include "vmcompat/models.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"
#include "vmcompat/vmstate.h"

static bool field_int(const vmc_value *v, const char *path, int64_t *out)
{
    const vmc_value *f = vmc_value_get(v, path);
    if (f) {
        *out = vmc_value_int(f);
    }
    return f != NULL;
}

int tu_rtc_read(const char *file, tu_rtc_clock *out)
{
    memset(out, 0, sizeof(*out));
    vmc_source *src;
    vmc_reader *r;
    if (vmc_source_open_path(&src, file)) {
        return -1;
    }
    /* old types send no vmdesc: the built-in models delimit their sections */
    vmc_reader_options ro = { .lookup = vmc_models_lookup };
    if (vmc_reader_new(&r, src, &ro)) {
        vmc_source_free(src);
        return -1;
    }
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) == 1) {
        if (ev.kind != VMC_EV_DEVICE_STATE || strcmp(ev.u.state.idstr, "mc146818rtc") != 0) {
            continue;
        }
        const vmc_value *v = ev.u.state.value;
        size_t n = 0;
        const uint8_t *b = v ? vmc_value_bytes(vmc_value_get(v, "cmos_data"), &n) : NULL;
        if (!v || !field_int(v, "base_rtc", &out->base_rtc) ||
            !field_int(v, "last_update", &out->last_update) ||
            !field_int(v, "update_timer", &out->update_timer) ||
            !field_int(v, "next_alarm_time", &out->next_alarm_time) || !b || n != 128) {
            vmc_error_set(VMC_EFORMAT, ev.offset, "mc146818rtc", NULL,
                          "%s: the RTC section lacks its clock fields", file);
            rc = -1;
            break;
        }
        memcpy(out->cmos, b, 128);
        out->found = true;
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    return rc < 0 ? -1 : 0;
}

bool tu_rtc_cmos_clock_byte(size_t i)
{
    return i == 0x00 || i == 0x02 || i == 0x04 || i == 0x06 || i == 0x07 || i == 0x08 ||
           i == 0x09 || i == 0x32;
}

char *tu_rtc_state_json(const tu_rtc_clock *c)
{
    GString *g = g_string_new(NULL);
    g_string_append_printf(g, "{\"sections\": [{\"idstr\": \"mc146818rtc\", "
                              "\"instance_id\": 0, \"state\": {\"fields\": ["
                              "{\"name\": \"base_rtc\", \"value\": %lld}, "
                              "{\"name\": \"last_update\", \"value\": %lld}, "
                              "{\"name\": \"update_timer\", \"value\": %lld}, "
                              "{\"name\": \"next_alarm_time\", \"value\": %lld}, "
                              "{\"name\": \"cmos_data\", \"value\": \"",
                           (long long)c->base_rtc, (long long)c->last_update,
                           (long long)c->update_timer, (long long)c->next_alarm_time);
    for (int i = 0; i < 128; i++) {
        g_string_append_printf(g, "%02x", c->cmos[i]);
    }
    g_string_append(g, "\"}]}}]}");
    return g_string_free(g, FALSE);
}
