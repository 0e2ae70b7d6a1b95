/*
 * Built-in models of the display, audio and USB devices (group "media")
 * decoding real QEMU 7.2 corpus streams: the decoded values must be what
 * QEMU puts there.  Expected values come from docs/device-config-facts.md
 * (ids, capabilities, BARs), the VGA mode 3 parameter table of the IBM VGA
 * reference, and the reset / realize code of QEMU 7.2 (vga.c, cirrus_vga.c,
 * qxl.c, intel-hda.c, hda-codec.c, hcd-uhci.c, hcd-xhci*.c, hid.c, usb
 * core); none is taken from our own output.
 */
#include "testutil.h"

#include "devices/registry.h"
#include "vmstate/decode.h"
#include "vmstate/hooks.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------------- */

/* One device section decoded with its built-in model only. */
typedef struct section {
    uint8_t *payload;      /* copy of the payload (the tree points into it) */
    size_t len;
    uint32_t version;
    vmc_arena *arena;
    const vmc_value *v;
} section;

static void section_free(section *s)
{
    vmc_arena_free(s->arena);
    free(s->payload);
}

/* Decode the first `avail` bytes of s->payload with the model named by idstr. */
static int decode_payload(section *s, const char *idstr, size_t avail, size_t *used)
{
    const vmc_vmsd *vmsd = vmc_devices_find_vmsd(vmc_devices_vmsd_name_of(idstr));
    if (!vmsd) {
        fail_msg("%s: no built-in model", idstr);
    }
    s->arena = vmc_arena_new();
    vmc_decode_ctx dc = {
        .arena = s->arena,
        .cur = { .base = s->payload, .len = avail },
        .section = idstr,
    };
    vmc_value *v = NULL;
    int rc = vmc_engine_decode(&dc, vmsd, (int)s->version, idstr, &v);
    s->v = v;
    *used = dc.cur.pos;
    return rc;
}

/* Copy the payload of section idstr (instance `inst`) of a corpus stream. */
static section fetch(const char *stream_id, const char *idstr, uint32_t inst)
{
    size_t len;
    uint8_t *data = tu_corpus_stream(stream_id, &len);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, data, len, stream_id), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    section s = { 0 };
    vmc_event ev;
    while (vmc_reader_next(r, &ev) > 0) {
        if (ev.kind == VMC_EV_DEVICE_STATE && strcmp(ev.u.state.idstr, idstr) == 0 &&
            ev.u.state.instance_id == inst) {
            s.len = ev.u.state.payload_len;
            s.payload = malloc(s.len + 1);
            memcpy(s.payload, ev.u.state.payload, s.len);
            s.version = ev.u.state.version_id;
            break;
        }
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    free(data);
    if (!s.payload) {
        fail_msg("%s: section %s not found", stream_id, idstr);
    }
    return s;
}

/* Section idstr of a corpus stream, decoded with the model, which must use
 * exactly the section's bytes. */
static section load(const char *stream_id, const char *idstr)
{
    section s = fetch(stream_id, idstr, 0);
    size_t used;
    if (decode_payload(&s, idstr, s.len, &used)) {
        char buf[2048];
        fail_msg("%s: %s: %s", stream_id, idstr,
                 vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
    assert_int_equal(used, s.len);
    return s;
}

static const vmc_value *get(const vmc_value *v, const char *path)
{
    const vmc_value *r = vmc_value_get(v, path);
    if (!r) {
        fail_msg("no value at '%s'", path);
    }
    return r;
}

static uint64_t uget(const vmc_value *v, const char *path)
{
    return vmc_value_uint(get(v, path));
}

static const uint8_t *bytes(const vmc_value *v, const char *path, size_t want)
{
    size_t n;
    const uint8_t *p = vmc_value_bytes(get(v, path), &n);
    assert_non_null(p);
    assert_int_equal(n, want);
    return p;
}

static unsigned le16(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

/* Offset of capability `id` in a config space (0 when absent). */
static unsigned find_cap(const uint8_t *cfg, unsigned id)
{
    if (!(cfg[0x06] & 0x10)) {
        return 0;
    }
    unsigned off = cfg[0x34] & 0xfc;
    for (int hops = 0; off >= 0x40 && off < 0x100 && hops < 48; hops++) {
        if (cfg[off] == id) {
            return off;
        }
        off = cfg[off + 1] & 0xfc;
    }
    return 0;
}

/* Vendor, device, revision and class code of a 256/4096-byte config. */
static void check_ids(const uint8_t *cfg, unsigned ven, unsigned dev, unsigned rev,
                      unsigned class24)
{
    assert_int_equal(le16(cfg + 0x00), ven);
    assert_int_equal(le16(cfg + 0x02), dev);
    assert_int_equal(cfg[0x08], rev);
    assert_int_equal(cfg[0x09] | (cfg[0x0a] << 8) | (cfg[0x0b] << 16), class24);
}

/* The subsection named `name` of a struct value, or NULL. */
static const vmc_value *subsection(const vmc_value *v, const char *name)
{
    for (size_t i = 0; i < vmc_value_subsection_count(v); i++) {
        if (strcmp(vmc_value_name(vmc_value_subsection(v, i)), name) == 0) {
            return vmc_value_subsection(v, i);
        }
    }
    return NULL;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Evaluate a needed() hook with `v` as the innermost struct. */
static bool needed(const char *hook, const vmc_value *v)
{
    const vmc_hook_def *h = vmc_hook_find(hook, VMC_HOOK_NEEDED);
    if (!h) {
        fail_msg("needed hook %s not registered", hook);
    }
    const vmc_value *scope[1] = { v };
    vmc_hook_ctx ctx = { .scope = scope, .nscope = 1 };
    return h->test(&ctx, 1);
}

/* ---- VGA -------------------------------------------------------------------- */

/*
 * vga_common_reset(): every register cleared, the bochs VBE id register
 * set to VBE_DISPI_ID5 (0xb0c5), the 64 KiB bank mask from the VRAM size
 * (vgamem_mb = 16 -> 255).  Firmware never ran in the "fresh" streams.
 */
static void check_vga_core_reset(const vmc_value *vga, uint32_t bank_mask)
{
    assert_true(all_zero(bytes(vga, "sr", 8), 8));
    assert_true(all_zero(bytes(vga, "gr", 16), 16));
    assert_true(all_zero(bytes(vga, "ar", 21), 21));
    assert_true(all_zero(bytes(vga, "cr", 256), 256));
    assert_true(all_zero(bytes(vga, "palette", 768), 768));
    assert_int_equal(uget(vga, "msr"), 0);
    assert_int_equal(uget(vga, "ar_flip_flop"), 0);
    assert_int_equal(uget(vga, "is_vbe_vmstate"), 1);
    assert_int_equal(uget(vga, "vbe_regs[0]"), 0xb0c5);
    for (int i = 1; i < 10; i++) {
        char p[32];
        snprintf(p, sizeof(p), "vbe_regs[%d]", i);
        assert_int_equal(uget(vga, p), 0);
    }
    assert_int_equal(uget(vga, "vbe_bank_mask"), bank_mask);
    /* x86 frame buffers are little-endian by default: no "vga.endian" */
    assert_int_equal(vmc_value_subsection_count(vga), 0);
    assert_false(needed("vga_endian_state_needed", vga));
}

static void test_vga_fresh(void **state)
{
    const char *ids[] = { "s-pc-q35-7.2--vga--fresh", "s-pc-i440fx-7.2--vga--fresh",
                          "s-pc-i440fx-1.4--vga--fresh" };
    const char *idstr[] = { "0000:00:01.0/vga", "0000:00:02.0/vga", "0000:00:02.0/vga" };
    /* revision 2 comes with qemu-extended-regs, off for machine types <= 2.1 */
    const unsigned rev[] = { 0x02, 0x02, 0x00 };
    for (int k = 0; k < 3; k++) {
        section s = load(ids[k], idstr[k]);
        assert_int_equal(s.version, 2);
        const uint8_t *cfg = bytes(s.v, "dev.config[0]", 256);
        check_ids(cfg, 0x1234, 0x1111, rev[k], 0x030000);
        assert_int_equal(le16(cfg + 0x2c), 0x1af4);       /* default subsystem */
        assert_int_equal(le16(cfg + 0x2e), 0x1100);
        assert_int_equal(cfg[0x10] & 0x0f, 0x08);          /* BAR0: mem32 prefetchable */
        assert_int_equal(cfg[0x18] & 0x0f, 0x00);          /* BAR2: mem32 MMIO */
        assert_int_equal(find_cap(cfg, 0x05), 0);          /* no capabilities */
        check_vga_core_reset(get(s.v, "vga"), 0xff);
        section_free(&s);
    }
}

/* Standard VGA text mode 3 (80x25, 16 colours) as the IBM VGA parameter
 * table gives it; SeaVGABIOS sets it before the boot attempt. */
static void check_mode3(const vmc_value *vga)
{
    static const uint8_t ar[21] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
                                    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
                                    0x0c, 0x00, 0x0f, 0x08, 0x00 };
    static const uint8_t crtc_lo[14] = { 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf,
                                         0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00 };
    static const uint8_t crtc_hi[9] = { 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff };
    static const uint8_t seq[4] = { 0x00, 0x03, 0x00, 0x02 };   /* SR1..SR4 */
    assert_int_equal(uget(vga, "msr"), 0x67);
    assert_memory_equal(bytes(vga, "sr", 8) + 1, seq, 4);
    const uint8_t *gr = bytes(vga, "gr", 16);
    assert_int_equal(gr[5], 0x10);
    assert_int_equal(gr[6], 0x0e);
    assert_int_equal(gr[8], 0xff);
    assert_memory_equal(bytes(vga, "ar", 21), ar, 21);
    const uint8_t *cr = bytes(vga, "cr", 256);
    assert_memory_equal(cr, crtc_lo, 14);
    assert_memory_equal(cr + 0x10, crtc_hi, 9);
    /* DAC entries 0..63: the EGA palette, 6-bit rgbRGB -> 0x2a / 0x15 */
    const uint8_t *pal = bytes(vga, "palette", 768);
    for (int i = 0; i < 64; i++) {
        uint8_t r = ((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15;
        uint8_t g = ((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15;
        uint8_t b = ((i >> 0) & 1) * 0x2a + ((i >> 3) & 1) * 0x15;
        assert_int_equal(pal[3 * i], r);
        assert_int_equal(pal[3 * i + 1], g);
        assert_int_equal(pal[3 * i + 2], b);
    }
}

static void test_vga_after_firmware(void **state)
{
    section s = load("s-pc-q35-7.2--vga--run1000", "0000:00:01.0/vga");
    const vmc_value *vga = get(s.v, "vga");
    check_mode3(vga);
    assert_int_equal(uget(vga, "vbe_regs[0]"), 0xb0c5);
    assert_int_equal(uget(vga, "vbe_bank_mask"), 0xff);
    section_free(&s);
}

static void test_cirrus_fresh(void **state)
{
    const char *ids[] = { "s-pc-q35-7.2--cirrus--fresh", "s-pc-i440fx-7.2--cirrus--fresh" };
    const char *idstr[] = { "0000:00:01.0/cirrus_vga", "0000:00:02.0/cirrus_vga" };
    for (int k = 0; k < 2; k++) {
        section s = load(ids[k], idstr[k]);
        const uint8_t *cfg = bytes(s.v, "dev.config[0]", 256);
        check_ids(cfg, 0x1013, 0x00b8, 0x00, 0x030000);
        assert_int_equal(cfg[0x10] & 0x0f, 0x08);          /* BAR0 prefetchable */
        const vmc_value *c = get(s.v, "cirrus_vga");
        assert_int_equal(vmc_value_version(c), 2);
        /* cirrus_reset() for the CL-GD5446 (the PCI model) */
        const uint8_t *sr = bytes(c, "vga.sr", 256);
        assert_int_equal(sr[0x06], 0x0f);
        assert_int_equal(sr[0x0f], 0x98);
        assert_int_equal(sr[0x15], 0x04);   /* 4 MiB */
        assert_int_equal(sr[0x17], 0x20);
        assert_int_equal(sr[0x1f], 0x2d);
        /* graphics registers travel from index 2 on: gr[0x18] is byte 0x16 */
        const uint8_t *gr = bytes(c, "vga.gr", 254);
        assert_int_equal(gr[0x18 - 2], 0x0f);
        assert_int_equal(bytes(c, "vga.cr", 256)[0x27], 0xb8);   /* chip id */
        assert_int_equal(uget(c, "cirrus_hidden_dac_lockindex"), 5);
        assert_int_equal(uget(c, "cirrus_hidden_dac_data"), 0);
        section_free(&s);
    }
}

static void test_cirrus_after_firmware(void **state)
{
    section s = load("s-pc-q35-7.2--cirrus--run1000", "0000:00:01.0/cirrus_vga");
    const vmc_value *c = get(s.v, "cirrus_vga");
    assert_int_equal(uget(c, "vga.msr"), 0x67);
    static const uint8_t crtc_lo[10] = { 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf,
                                         0x1f, 0x00, 0x4f };
    assert_memory_equal(bytes(c, "vga.cr", 256), crtc_lo, 10);
    section_free(&s);
}

/* ---- QXL -------------------------------------------------------------------- */

static void check_qxl(const section *s)
{
    const uint8_t *cfg = bytes(s->v, "pci.config[0]", 256);
    check_ids(cfg, 0x1b36, 0x0100, 0x05, 0x030000);   /* revision 5 from 5.0 on */
    assert_int_equal(cfg[0x1c] & 0x01, 0x01);          /* BAR3 is I/O */
    assert_int_equal(uget(s->v, "num_memslots"), 8);   /* NUM_MEMSLOTS */
    assert_int_equal(vmc_value_count(get(s->v, "guest_slots")), 8);
    /* "surfaces" property default: 1024 surface commands */
    assert_int_equal(uget(s->v, "ssd.num_surfaces"), 1024);
    const vmc_value *cmds = get(s->v, "guest_surfaces.cmds");
    assert_int_equal(vmc_value_count(cmds), 1024);
    /* the primary (qxl-vga) enters VGA mode at reset: QXL_MODE_VGA = 1 */
    assert_int_equal(uget(s->v, "mode"), 1);
    /* no guest driver: no monitors configuration */
    assert_null(subsection(s->v, "qxl/monitors-config"));
    assert_false(needed("qxl_monitors_config_needed", s->v));
}

static void test_qxl(void **state)
{
    section s = load("s-pc-q35-7.2--qxl--fresh", "0000:00:01.0/qxl");
    assert_int_equal(s.version, 21);
    check_qxl(&s);
    for (int i = 0; i < 8; i++) {
        char p[64];
        snprintf(p, sizeof(p), "guest_slots[%d].active", i);
        assert_int_equal(uget(s.v, p), 0);
    }
    const vmc_value *cmds = get(s.v, "guest_surfaces.cmds");
    for (size_t i = 0; i < vmc_value_count(cmds); i++) {
        assert_int_equal(vmc_value_uint(vmc_value_at(cmds, i)), 0);
    }
    section_free(&s);

    /* after SeaBIOS + the QXL VGA BIOS set text mode 3 */
    s = load("s-pc-i440fx-7.2--qxl--run1000", "0000:00:02.0/qxl");
    check_qxl(&s);
    check_mode3(get(s.v, "vga"));
    section_free(&s);
}

/* ---- Intel HDA ------------------------------------------------------------------- */

static void check_hda_controller(const section *s, unsigned dev, unsigned rev)
{
    const uint8_t *cfg = bytes(s->v, "pci.config[0]", 256);
    check_ids(cfg, 0x8086, dev, rev, 0x040300);
    assert_int_equal(cfg[0x40], 0x01);                 /* HDCTL: HDA signalling */
    unsigned msi = find_cap(cfg, 0x05);
    assert_int_equal(msi, 0x60);
    assert_int_equal(cfg[msi + 2] & 0x80, 0x80);       /* 64-bit */
    assert_int_equal(cfg[msi + 2] & 0x0e, 0x00);       /* one vector */
    /* intel_hda_regs_reset() + one codec at address 0 */
    assert_int_equal(uget(s->v, "corb_size"), 0x42);
    assert_int_equal(uget(s->v, "rirb_size"), 0x42);
    assert_int_equal(uget(s->v, "state_sts"), 0x1);
    const vmc_value *st = get(s->v, "st");
    assert_int_equal(vmc_value_count(st), 8);
    for (size_t i = 0; i < 8; i++) {
        /* stream status byte (CTL bits 31:24): FIFO ready */
        assert_int_equal(uget(vmc_value_at(st, i), "ctl"), 0x20000000);
    }
}

/*
 * hda-duplex with the mixer (default): one DAC in stream slot 0 and one
 * ADC in slot 1 (hda-codec-common.h).  hda_audio_init() gives both the
 * format PCM 16-bit stereo (0x0011); the DAC is unmuted at full gain
 * (QEMU_HDA_AMP_STEPS = 0x4a) with its compat buffer position at the end
 * (256).  Slots 2 and 3 are unused.  With use-timer (default) the used
 * slots carry the "hda-audio-stream/buffer" subsection.
 */
static void check_hda_duplex(const section *s)
{
    const vmc_value *st = get(s->v, "st");
    assert_int_equal(vmc_value_count(st), 4);
    const vmc_value *dac = vmc_value_at(st, 0), *adc = vmc_value_at(st, 1);
    assert_int_equal(uget(dac, "format"), 0x0011);
    assert_int_equal(uget(dac, "gain_left"), 0x4a);
    assert_int_equal(uget(dac, "gain_right"), 0x4a);
    assert_int_equal(uget(dac, "compat_bpos"), 256);
    assert_false(vmc_value_bool(get(dac, "mute_left")));
    assert_int_equal(uget(adc, "format"), 0x0011);
    assert_int_equal(uget(adc, "gain_left"), 0);
    assert_int_equal(uget(adc, "compat_bpos"), 0);
    for (size_t i = 0; i < 4; i++) {
        const vmc_value *e = vmc_value_at(st, i);
        bool used = i < 2;
        if (!used) {
            assert_int_equal(uget(e, "format"), 0);
        }
        assert_int_equal(subsection(e, "hda-audio-stream/buffer") != NULL, used);
        assert_int_equal(needed("vmstate_hda_audio_stream_buf_needed", e), used);
    }
    const vmc_value *buf = subsection(dac, "hda-audio-stream/buffer");
    assert_int_equal(vmc_value_size(get(buf, "buf")), 8192);
    const vmc_value *run = get(s->v, "running_real");
    assert_int_equal(vmc_value_count(run), 32);
    for (size_t i = 0; i < 32; i++) {
        assert_false(vmc_value_bool(vmc_value_at(run, i)));
    }
}

static void test_intel_hda(void **state)
{
    section s = load("s-pc-q35-7.2--intel-hda--fresh", "0000:00:01.0/intel-hda");
    assert_int_equal(s.version, 1);
    check_hda_controller(&s, 0x2668, 0x01);     /* ICH6 */
    section_free(&s);
    s = load("s-pc-q35-7.2--intel-hda--fresh", "hda-audio");
    assert_int_equal(s.version, 2);
    check_hda_duplex(&s);
    section_free(&s);

    /* ich9-intel-hda at 00:1b.0 in the full q35 machine */
    s = load("s-pc-q35-7.2--full-q35--run1500", "0000:00:1b.0/intel-hda");
    check_hda_controller(&s, 0x293e, 0x03);
    section_free(&s);
    s = load("s-pc-q35-7.2--full-q35--run1500", "hda-audio");
    check_hda_duplex(&s);
    section_free(&s);
}

/* ---- UHCI + usb-tablet --------------------------------------------------------- */

static void test_uhci_tablet(void **state)
{
    const char *ids[] = { "same-pc-i440fx-7.2-full-pc-run0",
                          "s-pc-i440fx-2.12--uhci-tablet--fresh" };
    const char *idstr[] = { "0000:00:06.0/uhci", "0000:00:02.0/uhci" };
    const char *ptr[] = { "0000:00:06.0/1/usb-ptr", "0000:00:02.0/1/usb-ptr" };
    for (int k = 0; k < 2; k++) {
        section s = load(ids[k], idstr[k]);
        assert_int_equal(s.version, 3);
        const uint8_t *cfg = bytes(s.v, "dev.config[0]", 256);
        check_ids(cfg, 0x8086, 0x7020, 0x01, 0x0c0300);   /* PIIX3 USB */
        assert_int_equal(cfg[0x3d], 4);                    /* INTD */
        assert_int_equal(cfg[0x60], 0x10);                 /* USB release 1.0 */
        assert_int_equal(cfg[0x6a], 0x01);                 /* USB clock */
        /* uhci_reset() */
        assert_int_equal(uget(s.v, "num_ports_vmstate"), 2);
        assert_int_equal(uget(s.v, "cmd"), 0);
        assert_int_equal(uget(s.v, "status"), 0x20);      /* HC halted */
        assert_int_equal(uget(s.v, "intr"), 0);
        assert_int_equal(uget(s.v, "fl_base_addr"), 0);
        assert_int_equal(uget(s.v, "sof_timing"), 64);
        /* port 1 holds the tablet: reserved bit 7 + connect status + change */
        assert_int_equal(uget(s.v, "ports[0].ctrl"), 0x0083);
        assert_int_equal(uget(s.v, "ports[1].ctrl"), 0x0080);
        section_free(&s);

        /* the port reset left the tablet in the default state, HID reset */
        s = load(ids[k], ptr[k]);
        assert_int_equal(uget(s.v, "dev.addr"), 0);
        assert_int_equal(uget(s.v, "dev.state"), 3);       /* USB_STATE_DEFAULT */
        assert_int_equal(uget(s.v, "dev.remote_wakeup"), 0);
        assert_int_equal(vmc_value_count(get(s.v, "hid.ptr.queue")), 16);
        assert_int_equal(uget(s.v, "hid.head"), 0);
        assert_int_equal(uget(s.v, "hid.n"), 0);
        assert_int_equal(uget(s.v, "hid.protocol"), 1);   /* report protocol */
        section_free(&s);
    }
}

/* ---- xHCI -------------------------------------------------------------------- */

/* PORTSC after xhci_reset(): port power, connect-status change, link
 * state RxDetect (5) when empty; with a high-speed device also connect
 * status, speed 3 and link state Polling (7). */
#define PORTSC_EMPTY 0x000202a0u
#define PORTSC_HS_DEVICE 0x00020ee1u

static void check_xhci_core(const vmc_value *x, unsigned nports, int hs_port)
{
    const vmc_value *ports = get(x, "ports"), *slots = get(x, "slots"), *intr = get(x, "intr");
    assert_int_equal(vmc_value_count(ports), nports);
    assert_int_equal(vmc_value_count(slots), 64);
    assert_int_equal(vmc_value_count(intr), 16);
    for (unsigned i = 0; i < nports; i++) {
        uint32_t want = (int)i == hs_port ? PORTSC_HS_DEVICE : PORTSC_EMPTY;
        assert_int_equal(uget(vmc_value_at(ports, i), "portsc"), want);
    }
    for (unsigned i = 0; i < 64; i++) {
        assert_false(vmc_value_bool(get(vmc_value_at(slots, i), "enabled")));
    }
    for (unsigned i = 0; i < 16; i++) {
        const vmc_value *e = vmc_value_at(intr, i);
        assert_int_equal(uget(e, "iman"), 0);
        assert_true(vmc_value_bool(get(e, "er_pcs")));
        assert_false(vmc_value_bool(get(e, "msix_used")));
    }
    assert_int_equal(uget(x, "usbcmd"), 0);
    assert_int_equal(uget(x, "usbsts"), 1);   /* HCHalted */
}

/* The xHCI config space: PCIDevice is the first field, MSI-X state the second. */
static const uint8_t *xhci_config(const section *s)
{
    const vmc_value *pci = vmc_value_at(s->v, 0);
    assert_string_equal(vmc_value_vmsd_name(pci), "PCIDevice");
    /* QEMU flags every xHCI as Express: 4096 bytes even on a PCI bus */
    return bytes(pci, "config[1]", 4096);
}

static void check_msix_reset(const section *s, unsigned vectors)
{
    const vmc_value *m = get(vmc_value_at(s->v, 1), "msix");
    const vmc_value *table = get(m, "table");
    assert_int_equal(vmc_value_count(table), vectors);
    for (unsigned i = 0; i < vectors; i++) {
        assert_int_equal(uget(vmc_value_at(table, i), "vector_control"), 1);   /* masked */
    }
}

static void test_qemu_xhci(void **state)
{
    const char *ids[] = { "s-pc-q35-7.2--xhci-tablet--fresh", "s-pc-i440fx-7.2--xhci-tablet--fresh",
                          "s-pc-i440fx-1.4--xhci-tablet--fresh" };
    const char *idstr[] = { "0000:00:01.0/xhci", "0000:00:02.0/xhci", "0000:00:02.0/xhci" };
    bool express_bus[] = { true, false, false };
    for (int k = 0; k < 3; k++) {
        section s = load(ids[k], idstr[k]);
        const uint8_t *cfg = xhci_config(&s);
        check_ids(cfg, 0x1b36, 0x000d, 0x01, 0x0c0330);
        assert_int_equal(cfg[0x0c], 0x00);      /* realize sets 0x10, PCI reset clears it */
        assert_int_equal(cfg[0x60], 0x30);      /* USB 3.0 release number */
        assert_int_equal(cfg[0x10] & 0x07, 0x04);   /* BAR0 mem64 */
        unsigned msix = find_cap(cfg, 0x11);
        assert_int_equal(msix, 0x90);
        assert_int_equal((le16(cfg + msix + 2) & 0x7ff) + 1, 16);
        assert_int_equal(find_cap(cfg, 0x05), 0);   /* qemu-xhci: msi off */
        assert_int_equal(find_cap(cfg, 0x10), express_bus[k] ? 0xa0 : 0);
        check_msix_reset(&s, 16);
        /* p2 = p3 = 4, USB 3 ports first: the tablet (high speed) sits on the
         * first USB 2 port, ports[4] */
        check_xhci_core(get(s.v, "xhci"), 8, 4);
        section_free(&s);
    }
}

static void test_nec_xhci(void **state)
{
    /* nec-usb-xhci,p2=4,p3=4 behind a root port, no USB device */
    section s = load("prop-xhci-ports-pc-q35-6.0", "0000:00:12.0:00.0/xhci");
    const uint8_t *cfg = xhci_config(&s);
    check_ids(cfg, 0x1033, 0x0194, 0x03, 0x0c0330);
    unsigned msi = find_cap(cfg, 0x05);
    assert_int_equal(msi, 0x70);
    assert_int_equal(cfg[msi + 2] & 0x80, 0x80);           /* 64-bit */
    assert_int_equal((cfg[msi + 2] >> 1) & 7, 4);          /* 16 vectors */
    assert_int_equal(cfg[msi + 3] & 0x01, 0);              /* no per-vector mask */
    assert_int_equal(find_cap(cfg, 0x11), 0x90);
    assert_int_equal(find_cap(cfg, 0x10), 0xa0);
    check_msix_reset(&s, 16);
    check_xhci_core(get(s.v, "xhci"), 8, -1);
    section_free(&s);
}

/*
 * The xHCI array sizes are not on the wire; without a device model they are
 * inferred from the bytes.  A truncated section must give an error, never a
 * crash or a read past the end, whatever the inference concludes.
 */
static void test_xhci_truncated(void **state)
{
    section s = fetch("s-pc-q35-7.2--xhci-tablet--fresh", "0000:00:01.0/xhci", 0);
    size_t full = s.len, accepted = 0, tried = 0;
    for (size_t cut = 0; cut < full; cut += (cut < 4400 ? 97 : 1)) {
        section t = { .payload = malloc(cut + 1), .len = cut, .version = s.version };
        memcpy(t.payload, s.payload, cut);
        size_t used;
        int rc = decode_payload(&t, "0000:00:01.0/xhci", cut, &used);
        /* a shorter geometry may end at the cut or just before a byte that
         * looks like a footer / EOF marker; anything else must fail */
        if (rc == 0) {
            assert_true(used <= cut);
            accepted++;
        }
        section_free(&t);
        tried++;
    }
    /* only cuts right after an element of a shorter array can be taken
     * for a whole section */
    assert_true(accepted * 10 < tried);
    section_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vga_fresh),
        cmocka_unit_test(test_vga_after_firmware),
        cmocka_unit_test(test_cirrus_fresh),
        cmocka_unit_test(test_cirrus_after_firmware),
        cmocka_unit_test(test_qxl),
        cmocka_unit_test(test_intel_hda),
        cmocka_unit_test(test_uhci_tablet),
        cmocka_unit_test(test_qemu_xhci),
        cmocka_unit_test(test_nec_xhci),
        cmocka_unit_test(test_xhci_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
