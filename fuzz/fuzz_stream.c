/*
 * libFuzzer target: the migration stream reader.
 *
 * The input is a stream.  It is read to the end twice, once from memory and
 * once through a file descriptor (memfd: the buffered fd path of the source,
 * with its own slurp and skip code), with the built-in device models as the
 * fallback descriptor provider.  Every event and every value is touched with
 * the public accessors.  Both runs must produce the same events and the same
 * error, every error must name a byte offset inside the input, events must
 * stay inside the input in increasing order, and the number of events is
 * bounded by the input size (no livelock).
 */
#include "fuzz_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct trace {
    uint64_t hash;          /* of (kind, offset, length) of every event */
    size_t events;
    int rc;                 /* final result: 0 or the error */
    int err_code;
    int64_t err_offset;
    char err_section[256];
} trace;

static void mix(trace *t, uint64_t v)
{
    t->hash = (t->hash ^ v) * 0x100000001b3ull;
}

static void touch_event(const vmc_event *ev)
{
    switch (ev->kind) {
    case VMC_EV_CONFIGURATION: {
        const vmc_configuration *c = ev->u.configuration;
        if (!c) {
            fz_fail("configuration event without data");
        }
        fz_touch_str(c->machine);
        if (c->n_capabilities > 16) {
            fz_fail("%zu capabilities", c->n_capabilities);
        }
        for (size_t i = 0; i < c->n_capabilities; i++) {
            fz_touch_str(c->capabilities[i]);
        }
        break;
    }
    case VMC_EV_COMMAND:
        fz_touch(ev->u.command.data, ev->u.command.len);
        break;
    case VMC_EV_SECTION:
        fz_touch_str(ev->u.section.idstr);
        break;
    case VMC_EV_RAM_BLOCK:
        fz_touch_str(ev->u.ram_block.name);
        break;
    case VMC_EV_RAM_PAGE:
        fz_touch_str(ev->u.page.block);
        fz_touch(ev->u.page.data, ev->u.page.len);
        break;
    case VMC_EV_BLOCK_RECORD:
        fz_touch_str(ev->u.block.device);
        /* data is documented as NULL when the bytes were passed by */
        if (ev->u.block.data) {
            fz_touch(ev->u.block.data, ev->u.block.len);
        }
        break;
    case VMC_EV_BITMAP_RECORD:
        fz_touch_str(ev->u.bitmap.device);
        fz_touch_str(ev->u.bitmap.bitmap);
        break;
    case VMC_EV_DEVICE_STATE:
        fz_touch_str(ev->u.state.idstr);
        fz_touch_str(ev->u.state.described_by);
        fz_touch(ev->u.state.payload, ev->u.state.payload_len);
        fz_walk_value(ev->u.state.value, 0);
        break;
    case VMC_EV_VMDESC:
        fz_touch(ev->u.vmdesc.json, ev->u.vmdesc.len);
        break;
    default:
        break;
    }
}

static void run(vmc_source *src, size_t size, trace *t)
{
    memset(t, 0, sizeof(*t));
    vmc_reader_options opts = { .lookup = vmc_models_lookup };
    vmc_reader *r;
    if (vmc_reader_new(&r, src, &opts) != 0) {
        fz_fail("vmc_reader_new failed");
    }
    const size_t max_events = 4 * size + 64;
    int64_t last_off = 0;
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        if (++t->events > max_events) {
            fz_fail("more than %zu events from %zu bytes", max_events, size);
        }
        if (ev.offset < last_off || ev.length < 0 || ev.offset + ev.length > (int64_t)size) {
            fz_fail("event %d at [%lld, +%lld) outside the input of %zu bytes or before %lld",
                    (int)ev.kind, (long long)ev.offset, (long long)ev.length, size,
                    (long long)last_off);
        }
        last_off = ev.offset;
        mix(t, (uint64_t)ev.kind);
        mix(t, (uint64_t)ev.offset);
        mix(t, (uint64_t)ev.length);
        touch_event(&ev);
        if (ev.kind == VMC_EV_END) {
            break;
        }
    }
    int64_t tell = vmc_reader_tell(r);
    if (tell < 0 || tell > (int64_t)size) {
        fz_fail("reader position %lld outside the input of %zu bytes", (long long)tell, size);
    }
    if (rc < 0) {
        fz_check_error(rc, (int64_t)size, 1);
        fz_verbose_error();
        const vmc_error *e = vmc_error_last();
        t->rc = rc;
        t->err_code = e->code;
        t->err_offset = e->offset;
        snprintf(t->err_section, sizeof(t->err_section), "%s", e->section);
        /* Calling again after an error must not crash. */
        vmc_event again;
        vmc_reader_next(r, &again);
    } else {
        /* After the end the reader keeps saying so. */
        if (vmc_reader_next(r, &ev) != 0) {
            fz_fail("vmc_reader_next after VMC_EV_END did not return 0");
        }
    }
    for (size_t i = 0; i < vmc_reader_warning_count(r); i++) {
        fz_touch_str(vmc_reader_warning(r, i));
    }
    fz_touch_str(vmc_reader_warning(r, vmc_reader_warning_count(r)));
    fz_walk_vmdesc(vmc_reader_vmdesc(r));
    (void)vmc_reader_has_footers(r);
    vmc_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trace tm, tf;
    vmc_source *src;
    if (vmc_source_open_memory(&src, data, size, "fuzz") != 0) {
        fz_fail("vmc_source_open_memory failed");
    }
    run(src, size, &tm);
    vmc_source_free(src);

    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return 0;
        }
        off += (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    if (vmc_source_open_fd(&src, fd, 1, "fuzz-fd") != 0) {
        fz_fail("vmc_source_open_fd failed");
    }
    run(src, size, &tf);
    vmc_source_free(src);

    if (tm.hash != tf.hash || tm.events != tf.events || tm.rc != tf.rc ||
        tm.err_offset != tf.err_offset || strcmp(tm.err_section, tf.err_section) != 0) {
        fz_fail("memory and fd sources disagree: %zu/%zu events, rc %d/%d, error offset "
                "%lld/%lld, section '%s'/'%s'", tm.events, tf.events, tm.rc, tf.rc,
                (long long)tm.err_offset, (long long)tf.err_offset, tm.err_section,
                tf.err_section);
    }
    vmc_error_clear();
    return 0;
}
