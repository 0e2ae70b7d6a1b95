/*
 * The media device models (display, audio, USB; src/devices/model_media*.c)
 * in the machine model against the installed QEMU 7.2:
 *
 *  1. Configurations the corpus lacks (machine types from pc-i440fx-1.4 to
 *     7.2, device properties, USB topologies with companions, hubs and
 *     usb-storage) are started with -S and migrated to a file; the model
 *     built from the same command line must give exactly QEMU's sections
 *     (section id, idstr, instance id, version, in stream order), RAM
 *     blocks (name, length, order) and, for every PCI function of these
 *     models, the config bytes QEMU wrote.
 *  2. The model's masks against QEMU's own load check: single bits of a
 *     device's config are flipped in a fresh stream, the stream is loaded
 *     into QEMU started with the same command line, and QEMU must refuse it
 *     ("Bad config data: i=0x..", with our cmask/wmask/w1cmask for that
 *     byte) exactly when (received ^ config) & cmask & ~wmask & ~w1cmask
 *     is not zero.  A bounded sample runs by default; VMC_MEDIA_SWEEP=<n>
 *     runs n random bits, VMC_MEDIA_SWEEP=all every bit of 0x00..0xff of
 *     every device (and 0x100..0x10f of the express ones); VMC_MEDIA_JOBS
 *     sets the QEMU instances loading in parallel (default 4).
 *
 * The expected values are QEMU's: nothing here is copied from our output.
 * QEMU must be installed: the test fails, never skips, without it.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include "devices/pci_build.h"
#include "vmcompat/model.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

typedef struct combo {
    const char *name;
    const char *machine;
    const char *const *args;
    int media_pci;           /* PCI functions of the media models in it */
} combo;

/* ---- streams ---------------------------------------------------------------- */

typedef struct stream {
    uint8_t *data;
    size_t len;
} stream;

static stream qemu_stream(const char *machine, const char *const *args)
{
    stream s;
    s.data = qr_fresh_stream(machine, args, &s.len);
    if (!s.data) {
        fail_msg("QEMU -M %s: %s", machine, vmc_error_last()->message);
    }
    return s;
}

static vmc_model *build_model(const char *machine, const char *const *args)
{
    const char *argv[128];
    int argc = 0;
    argv[argc++] = "-M";
    argv[argc++] = machine;
    argv[argc++] = "-accel";
    argv[argc++] = "tcg";
    argv[argc++] = "-nodefaults";
    for (size_t i = 0; args[i] && argc < 126; i++) {
        argv[argc++] = args[i];
    }
    vmc_model *m = NULL;
    if (vmc_model_build(&m, argc, argv, NULL) != 0) {
        char buf[1024];
        fail_msg("model -M %s: %s", machine, vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
    return m;
}

static bool media_type(const char *t)
{
    static const char *const types[] = {
        "VGA", "secondary-vga", "bochs-display", "cirrus-vga", "qxl-vga", "qxl", "intel-hda",
        "ich9-intel-hda", "piix3-usb-uhci", "piix4-usb-uhci", "ich9-usb-uhci1", "ich9-usb-uhci2",
        "ich9-usb-uhci3", "ich9-usb-uhci4", "ich9-usb-uhci5", "ich9-usb-uhci6", "usb-ehci",
        "ich9-usb-ehci1", "ich9-usb-ehci2", "nec-usb-xhci", "qemu-xhci",
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!strcmp(types[i], t)) {
            return true;
        }
    }
    return false;
}

/* First "pci config" value below v. */
static const vmc_value *find_config(const vmc_value *v, int depth)
{
    if (!v || depth > 8) {
        return NULL;
    }
    if (vmc_value_kind_of(v) == VMC_VALUE_BYTES && vmc_value_type(v) &&
        strcmp(vmc_value_type(v), "pci config") == 0) {
        return v;
    }
    for (size_t i = 0; i < vmc_value_count(v); i++) {
        const vmc_value *c = find_config(vmc_value_at(v, i), depth + 1);
        if (c) {
            return c;
        }
    }
    return NULL;
}

typedef struct totals {
    size_t sections, blocks, pci, media_pci, differ, other_differ;
} totals;

/* Sections, RAM blocks and config bytes of the model against the stream. */
static void compare(const combo *c, const stream *s, const vmc_model *m, totals *t)
{
    vmc_source *src;
    vmc_reader *rd;
    assert_int_equal(vmc_source_open_memory(&src, s->data, s->len, c->name), 0);
    /* streams of old machine types have no vmdesc: decode with the model's vmsds */
    vmc_reader_options ro = { .lookup = vmc_model_lookup, .lookup_opaque = (void *)m };
    assert_int_equal(vmc_reader_new(&rd, src, &ro), 0);
    vmc_event ev;
    size_t nsec = 0, nblk = 0, bad = 0;
    int media = 0;
    while (vmc_reader_next(rd, &ev) > 0) {
        if (ev.kind == VMC_EV_RAM_BLOCK) {
            const vmc_model_ram_block *b = vmc_model_ram_block_at(m, nblk++);
            if (!b || strcmp(b->name, ev.u.ram_block.name) ||
                b->used_length != ev.u.ram_block.used_length) {
                print_message("%s: RAM block %zu: model %s 0x%llx, QEMU %s 0x%llx\n", c->name,
                              nblk - 1, b ? b->name : "(none)",
                              b ? (unsigned long long)b->used_length : 0ULL,
                              ev.u.ram_block.name, (unsigned long long)ev.u.ram_block.used_length);
                bad++;
            }
        } else if (ev.kind == VMC_EV_SECTION &&
                   (ev.u.section.type == 1 || ev.u.section.type == 4)) {   /* START, FULL */
            const vmc_model_entry *e = vmc_model_section_at(m, nsec++);
            if (!e || e->section_id != ev.u.section.section_id ||
                strcmp(e->idstr, ev.u.section.idstr) ||
                e->instance_id != ev.u.section.instance_id ||
                e->version_id != ev.u.section.version_id) {
                print_message("%s: section %zu: model %u %s/%u v%u, QEMU %u %s/%u v%u\n",
                              c->name, nsec - 1, e ? e->section_id : 0, e ? e->idstr : "(none)",
                              e ? e->instance_id : 0, e ? e->version_id : 0,
                              ev.u.section.section_id, ev.u.section.idstr,
                              ev.u.section.instance_id, ev.u.section.version_id);
                bad++;
            }
        } else if (ev.kind == VMC_EV_DEVICE_STATE && ev.u.state.value) {
            for (size_t k = 0; k < vmc_model_pci_count(m); k++) {
                const vmc_model_pci *p = vmc_model_pci_at(m, k);
                if (!p->section_idstr || strcmp(p->section_idstr, ev.u.state.idstr) ||
                    !p->config_size) {
                    continue;
                }
                const vmc_value *cfg = find_config(ev.u.state.value, 0);
                assert_non_null(cfg);
                size_t n;
                const uint8_t *b = vmc_value_bytes(cfg, &n);
                bool mine = media_type(p->type);
                t->pci++;
                media += mine;
                bool same = n == p->config_size;
                for (size_t o = 0; same && o < n; o++) {
                    if (b[o] != p->config[o]) {
                        print_message("%s: %s (%s): config[0x%03zx] QEMU %02x, model %02x%s\n",
                                      c->name, p->path, p->type, o, b[o], p->config[o],
                                      mine ? "" : " (not a media model: not counted)");
                        same = false;
                    }
                }
                if (n != p->config_size) {
                    print_message("%s: %s (%s): config of %zu bytes, model %u\n", c->name,
                                  p->path, p->type, n, p->config_size);
                }
                /* functions of other groups are their tests' business */
                bad += !same && mine;
                t->other_differ += !same && !mine;
            }
        }
    }
    vmc_reader_free(rd);
    vmc_source_free(src);
    if (nsec != vmc_model_section_count(m)) {
        print_message("%s: QEMU sent %zu sections, the model has %zu\n", c->name, nsec,
                      vmc_model_section_count(m));
        bad++;
    }
    if (nblk != vmc_model_ram_block_count(m)) {
        print_message("%s: QEMU has %zu RAM blocks, the model %zu\n", c->name, nblk,
                      vmc_model_ram_block_count(m));
        bad++;
    }
    if (media != c->media_pci) {
        print_message("%s: %d media PCI functions compared, expected %d\n", c->name, media,
                      c->media_pci);
        bad++;
    }
    t->sections += nsec;
    t->blocks += nblk;
    t->media_pci += (size_t)media;
    t->differ += bad;
}

/* ---- 1. configurations the corpus lacks ------------------------------------- */

static const combo combos[] = {
    /* std VGA with 8 MiB, secondary-vga, bochs-display on pcie.0 (RC endpoint) and
     * behind a root port (endpoint), VGA without MMIO BAR, cirrus 16 MiB */
    { "q35-7.2-display", "pc-q35-7.2",
      ARGS("-device", "VGA,id=v0,vgamem_mb=8", "-device", "secondary-vga,id=v1,vgamem_mb=32",
           "-device", "bochs-display,id=b0,vgamem=8M",
           "-device", "pcie-root-port,id=rp1,chassis=1,addr=0x10",
           "-device", "bochs-display,bus=rp1,edid=off"),
      4 },
    { "q35-6.0-vga-mmio-off", "pc-q35-6.0",
      ARGS("-device", "VGA,mmio=off,romfile=", "-device", "cirrus-vga,vgamem_mb=16,addr=0x9",
           "-device", "secondary-vga,qemu-extended-regs=off"),
      3 },
    { "i440fx-7.2-rom", "pc-i440fx-7.2",
      ARGS("-device", "VGA,rombar=0", "-device", "cirrus-vga,romsize=0x20000"), 2 },
    /* global-vmstate (<= 2.12), qemu-extended-regs off and old_msi_addr (<= 2.1),
     * two codecs without -audiodev (the legacy audio state registers here) */
    { "i440fx-1.4-vga-hda", "pc-i440fx-1.4",
      ARGS("-device", "VGA", "-device", "intel-hda,id=hda0", "-device",
           "hda-output,bus=hda0.0", "-device", "hda-micro"),
      2 },
    /* usb_version 1 HID devices (<= 2.1); nec-usb-xhci ignores globals of its own
     * properties (they are copied at instance init, before globals apply) */
    { "i440fx-1.4-xhci-hid", "pc-i440fx-1.4",
      ARGS("-global", "nec-usb-xhci.force-pcie-endcap=on", "-global", "nec-usb-xhci.intrs=4",
           "-device", "nec-usb-xhci,id=x0", "-device", "usb-kbd", "-device", "usb-mouse",
           "-device", "ich9-intel-hda,id=h9", "-device", "hda-duplex,audiodev=a0",
           "-audiodev", "none,id=a0"),
      2 },
    /* qxl revision 4 (<= 4.2), primary and secondary */
    { "q35-4.2-qxl", "pc-q35-4.2", ARGS("-device", "qxl-vga", "-device", "qxl"), 2 },
    /* qxl-vga with global-vmstate */
    { "i440fx-2.12-qxl", "pc-i440fx-2.12", ARGS("-device", "qxl-vga,id=q0"), 1 },
    { "q35-7.2-qxl-sizes", "pc-q35-7.2",
      ARGS("-device", "qxl-vga,ram_size_mb=16,vgamem_mb=32,vram_size_mb=8,vram64_size_mb=32",
           "-device", "qxl,revision=2,ram_size=0x1000000,vram_size=0x400000",
           "-device", "qxl,revision=1"),
      3 },
    /* EHCI with UHCI companions on q35 (00:1d.*), devices on companion ports */
    { "q35-7.2-ehci-companions", "pc-q35-7.2",
      ARGS("-device", "ich9-usb-ehci1,id=ehci,addr=1d.7,multifunction=on",
           "-device", "ich9-usb-uhci1,masterbus=ehci.0,firstport=0,addr=1d.0,multifunction=on",
           "-device", "ich9-usb-uhci2,masterbus=ehci.0,firstport=2,addr=1d.1",
           "-device", "ich9-usb-uhci3,masterbus=ehci.0,firstport=4,addr=1d.2",
           "-device", "usb-kbd,bus=ehci.0,usb_version=1", "-device", "usb-tablet,bus=ehci.0",
           "-blockdev", "driver=null-co,node-name=nd0",
           "-device", "usb-storage,bus=ehci.0,drive=nd0,id=stick",
           "-device", "usb-mouse,usb_version=1,port=6"),
      4 },
    /* usb-ehci, piix3 UHCI filling up (auto hub), hub ports, usb-storage cdrom */
    { "i440fx-7.2-usb-topology", "pc-i440fx-7.2",
      ARGS("-device", "usb-ehci,id=e0", "-device", "usb-tablet,bus=e0.0",
           "-drive", "if=none,id=cd0,media=cdrom", "-device", "usb-storage,bus=e0.0,drive=cd0",
           "-device", "piix3-usb-uhci,id=u0", "-device", "usb-kbd,bus=u0.0",
           "-device", "usb-mouse,bus=u0.0", "-device", "usb-tablet,bus=u0.0,port=2.4",
           "-device", "usb-tablet,bus=u0.0", "-device", "piix4-usb-uhci",
           "-device", "usb-hub,port=1", "-device", "usb-kbd,port=1.8"),
      3 },
    /* xHCI port counts, msi/msix off, a hub forced by a one-port controller,
     * the default USB bus (the newest controller) */
    { "q35-7.2-xhci-ports", "pc-q35-7.2",
      ARGS("-device", "nec-usb-xhci,id=n0,p2=2,p3=6,msi=off",
           "-device", "nec-usb-xhci,id=n1,msix=off,p2=15,p3=0",
           "-device", "qemu-xhci,id=q0,p2=1,p3=1", "-device", "usb-tablet,bus=q0.0",
           "-device", "usb-kbd,bus=q0.0", "-device", "usb-tablet,bus=n0.0",
           "-device", "usb-mouse,bus=n1.0,port=15",
           "-blockdev", "driver=null-co,node-name=nd1", "-device", "usb-storage,drive=nd1",
           "-device", "usb-kbd"),
      3 },
    /* xHCI behind a root port and a pci-bridge (no PCIe capability there) */
    { "q35-6.0-xhci-behind", "pc-q35-6.0",
      ARGS("-device", "pcie-root-port,id=rp1,chassis=1,addr=0x8",
           "-device", "qemu-xhci,bus=rp1", "-device", "pci-bridge,id=br,chassis_nr=2,addr=0x9",
           "-device", "nec-usb-xhci,bus=br,addr=0x3", "-device", "usb-tablet"),
      2 },
    /* HDA: msi=off, ich9 variant, codec addresses */
    { "q35-7.2-hda", "pc-q35-7.2",
      ARGS("-audiodev", "none,id=a0", "-device", "intel-hda,id=h0,msi=off",
           "-device", "hda-duplex,cad=3,audiodev=a0", "-device", "hda-micro,audiodev=a0",
           "-device", "ich9-intel-hda,id=h1,addr=0x1b", "-device", "hda-output,bus=h1.0"),
      2 },
    /* cirrus 8 MiB (<= 2.8) and global-vmstate */
    { "i440fx-2.8-cirrus", "pc-i440fx-2.8", ARGS("-device", "cirrus-vga"), 1 },
};

static void test_fresh_streams(void **state)
{
    (void)state;
    totals t = { 0 };
    time_t t0 = time(NULL);
    for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
        const combo *c = &combos[i];
        stream s = qemu_stream(c->machine, c->args);
        vmc_model *m = build_model(c->machine, c->args);
        size_t before = t.differ;
        compare(c, &s, m, &t);
        if (getenv("VMC_TEST_VERBOSE") || t.differ != before) {
            print_message("%s: %s\n", c->name, t.differ == before ? "same" : "DIFFERS");
        }
        vmc_model_free(m);
        free(s.data);
    }
    print_message("media combinations: %zu, %zu sections, %zu RAM blocks, %zu PCI functions "
                  "(%zu media) compared, %zu differences (+%zu in other groups' functions), "
                  "%ld s\n",
                  sizeof(combos) / sizeof(combos[0]), t.sections, t.blocks, t.pci, t.media_pci,
                  t.differ, t.other_differ, (long)(time(NULL) - t0));
    assert_int_equal(t.differ, 0);
    assert_true(t.media_pci >= 30);
}

/* ---- errors QEMU reports at start-up --------------------------------------------- */

static void expect_model_error(const char *machine, const char *const *args, const char *text)
{
    const char *argv[64];
    int argc = 0;
    argv[argc++] = "-M";
    argv[argc++] = machine;
    argv[argc++] = "-nodefaults";
    for (size_t i = 0; args[i] && argc < 62; i++) {
        argv[argc++] = args[i];
    }
    vmc_model *m = NULL;
    int rc = vmc_model_build(&m, argc, argv, NULL);
    if (rc == 0) {
        vmc_model_free(m);
        fail_msg("%s: the model accepted a command line QEMU refuses (%s)", machine, text);
    }
    if (!strstr(vmc_error_last()->message, text)) {
        fail_msg("%s: error '%s', expected '%s'", machine, vmc_error_last()->message, text);
    }
}

static void test_refused(void **state)
{
    (void)state;
    /* messages as QEMU 7.2 prints them for these command lines */
    expect_model_error("pc-q35-7.2", ARGS("-device", "cirrus-vga,vgamem_mb=2"),
                       "Invalid cirrus_vga ram size '2'");
    expect_model_error("pc-q35-7.2", ARGS("-device", "VGA", "-device", "qxl-vga"),
                       "primary qxl-vga device must be console 0");
    expect_model_error("pc-i440fx-2.12", ARGS("-device", "VGA", "-device", "cirrus-vga"),
                       "Only one global VGA device can be used at a time");
    expect_model_error("pc-q35-7.2", ARGS("-device", "bochs-display,vgamem=1M"),
                       "video memory too small");
    expect_model_error("pc-q35-7.2", ARGS("-device", "usb-ehci,id=e", "-device",
                                          "usb-kbd,usb_version=1,bus=e.0"),
                       "speed mismatch");
    expect_model_error("pc-q35-7.2", ARGS("-device", "usb-ehci,id=e", "-device",
                                          "ich9-usb-uhci1,masterbus=e.0"),
                       "doesn't support companion controllers");
    expect_model_error("pc-q35-7.2", ARGS("-device", "piix3-usb-uhci", "-device",
                                          "usb-tablet,port=3"),
                       "usb port 3 (bus usb-bus.0) not found");
    expect_model_error("pc-q35-7.2", ARGS("-device", "qemu-xhci", "-device", "usb-storage"),
                       "drive property not set");
    expect_model_error("pc-q35-7.2", ARGS("-device", "intel-hda,msi=maybe"),
                       "does not accept value 'maybe'");
    expect_model_error("pc-q35-7.2", ARGS("-device", "VGA,romsize=3000"),
                       "ROM size 3000 is not a power of two");
    expect_model_error("pc-q35-7.2", ARGS("-device", "qxl-vga,revision=6"),
                       "Invalid revision 6 for qxl device");
}

/* ---- corpus scenarios: QEMU's verdicts from the models of both sides ------------- */

/* Model of a scenario side ({"machine", "devices", "extra_args"}). */
static vmc_model *scenario_model(json_object *cfg)
{
    const char *argv[128];
    int argc = 0;
    argv[argc++] = "-M";
    argv[argc++] = json_object_get_string(json_object_object_get(cfg, "machine"));
    argv[argc++] = "-nodefaults";
    json_object *devs = json_object_object_get(cfg, "devices");
    for (size_t i = 0; i < json_object_array_length(devs) && argc < 120; i++) {
        argv[argc++] = "-device";
        argv[argc++] = json_object_get_string(json_object_array_get_idx(devs, i));
    }
    json_object *extra = json_object_object_get(cfg, "extra_args");
    for (size_t i = 0; extra && i < json_object_array_length(extra) && argc < 126; i++) {
        argv[argc++] = json_object_get_string(json_object_array_get_idx(extra, i));
    }
    vmc_model *m = NULL;
    if (vmc_model_build(&m, argc, argv, NULL) != 0) {
        fail_msg("scenario model: %s", vmc_error_last()->message);
    }
    return m;
}

static const vmc_model_pci *model_pci(const vmc_model *m, const char *idstr)
{
    for (size_t k = 0; k < vmc_model_pci_count(m); k++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, k);
        if (p->section_idstr && !strcmp(p->section_idstr, idstr)) {
            return p;
        }
    }
    return NULL;
}

/*
 * Load the scenario's stream "against" the destination model: the first
 * section the destination does not know, else the first config byte its
 * load check refuses ("idstr@0xNN"), else "" (loads).  *sent_ok tells
 * whether every config the source sent equals the source model's.
 */
static void scenario_verdict(const char *name, char *out, size_t len, bool *src_ok)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "scenarios/%s.json", name);
    json_object *sc = tu_corpus_json(rel);
    vmc_model *src = scenario_model(json_object_object_get(sc, "src"));
    vmc_model *dst = scenario_model(json_object_object_get(sc, "dst"));
    size_t n;
    uint8_t *data = tu_read_file(tu_corpus_path(json_object_get_string(
                                     json_object_object_get(sc, "stream"))), &n);
    vmc_source *s;
    vmc_reader *rd;
    assert_int_equal(vmc_source_open_memory(&s, data, n, name), 0);
    assert_int_equal(vmc_reader_new(&rd, s, NULL), 0);
    vmc_event ev;
    out[0] = '\0';
    *src_ok = true;
    while (!out[0] && vmc_reader_next(rd, &ev) > 0) {
        if (ev.kind == VMC_EV_SECTION && (ev.u.section.type == 1 || ev.u.section.type == 4) &&
            !vmc_model_find_entry(dst, ev.u.section.idstr, ev.u.section.instance_id)) {
            snprintf(out, len, "unknown %s/%u", ev.u.section.idstr, ev.u.section.instance_id);
        }
        if (ev.kind != VMC_EV_DEVICE_STATE || !ev.u.state.value) {
            continue;
        }
        const vmc_model_pci *ps = model_pci(src, ev.u.state.idstr);
        const vmc_model_pci *pd = model_pci(dst, ev.u.state.idstr);
        const vmc_value *c = find_config(ev.u.state.value, 0);
        if (!c || !ps || !pd || !ps->config_size || !pd->config_size) {
            continue;
        }
        size_t cn;
        const uint8_t *b = vmc_value_bytes(c, &cn);
        *src_ok &= cn == ps->config_size && !memcmp(b, ps->config, cn);
        vmc_pci_config p;
        memset(&p, 0, sizeof(p));
        p.size = pd->config_size;
        memcpy(p.config, pd->config, p.size);
        memcpy(p.wmask, pd->wmask, p.size);
        memcpy(p.w1cmask, pd->w1cmask, p.size);
        memcpy(p.cmask, pd->cmask, p.size);
        int first;
        if (cn == p.size && vmc_pci_config_load_check(&p, b, cn, &first) > 0) {
            snprintf(out, len, "%s@0x%x read %x device %x cmask %x wmask %x w1cmask %x",
                     ev.u.state.idstr, first, b[first], p.config[first], p.cmask[first],
                     p.wmask[first], p.w1cmask[first]);
        }
    }
    vmc_reader_free(rd);
    vmc_source_free(s);
    free(data);
    vmc_model_free(src);
    vmc_model_free(dst);
    json_object_put(sc);
}

static void test_corpus_scenarios(void **state)
{
    (void)state;
    char v[512];
    bool src_ok;
    /* QEMU: "Bad config data: i=0x6 read: 10 device: 0 cmask: 10 wmask: 0 w1cmask:0" */
    scenario_verdict("prop-hda-msi-q35-7.2", v, sizeof(v), &src_ok);
    assert_true(src_ok);
    assert_string_equal(v, "0000:00:01.0/intel-hda@0x6 read 10 device 0 cmask 10 wmask 0 "
                           "w1cmask 0");
    /* QEMU: "Unknown savevm section or instance '0000:00:06.0/1/usb-ptr' 0" */
    scenario_verdict("missing-usb-tablet-pc-7.2", v, sizeof(v), &src_ok);
    assert_true(src_ok);
    assert_string_equal(v, "unknown 0000:00:06.0/1/usb-ptr/0");
    /* QEMU: "Unknown savevm section or instance 'hda-audio' 0" */
    scenario_verdict("missing-hda-codec-q35-7.2", v, sizeof(v), &src_ok);
    assert_string_equal(v, "unknown hda-audio/0");
    /* QEMU loads these */
    scenario_verdict("prop-usb-tablet-to-mouse-pc-7.2", v, sizeof(v), &src_ok);
    assert_true(src_ok);
    assert_string_equal(v, "");
    scenario_verdict("same-pc-q35-5.2-qxl-run1000", v, sizeof(v), &src_ok);
    assert_string_equal(v, "");
    /* QEMU: "Size mismatch: 0000:00:01.0/vga.vram: 0x4000000 != 0x8000000" */
    json_object *sc = tu_corpus_json("scenarios/prop-qxl-ram-q35-7.2.json");
    vmc_model *src = scenario_model(json_object_object_get(sc, "src"));
    vmc_model *dst = scenario_model(json_object_object_get(sc, "dst"));
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < vmc_model_ram_block_count(src); i++) {
        if (!strcmp(vmc_model_ram_block_at(src, i)->name, "0000:00:01.0/vga.vram")) {
            a = vmc_model_ram_block_at(src, i)->used_length;
        }
    }
    for (size_t i = 0; i < vmc_model_ram_block_count(dst); i++) {
        if (!strcmp(vmc_model_ram_block_at(dst, i)->name, "0000:00:01.0/vga.vram")) {
            b = vmc_model_ram_block_at(dst, i)->used_length;
        }
    }
    assert_int_equal(a, 0x4000000);
    assert_int_equal(b, 0x8000000);
    vmc_model_free(src);
    vmc_model_free(dst);
    json_object_put(sc);
}

/* ---- 2. masks against QEMU's load check ----------------------------------------- */

static const char *const MASK_ARGS[] = {
    "-m", "64",
    "-device", "VGA,addr=0x2",
    "-device", "qxl,addr=0x3",
    "-device", "bochs-display,addr=0x4",
    "-device", "intel-hda,addr=0x5",
    "-device", "ich9-usb-ehci1,id=ehci,addr=1d.7,multifunction=on",
    "-device", "ich9-usb-uhci1,masterbus=ehci.0,firstport=0,addr=1d.0,multifunction=on",
    "-device", "nec-usb-xhci,addr=0x6",
    "-device", "cirrus-vga,addr=0x7",
    NULL,
};

typedef struct target {
    const char *idstr;
    vmc_pci_config p;        /* model config and masks */
    int64_t offset;          /* of config[0] in the stream */
} target;

typedef struct sample {
    int t;
    unsigned off, bit;
} sample;

typedef qr_verdict outcome;

static unsigned long long rng_state = 0x5eedull;

static unsigned rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng_state >> 33);
}

static void run_one(const stream *s, const target *t, const sample *sm, int idx, outcome *o)
{
    qr_config cfg = { .machine = "pc-q35-7.2", .args = MASK_ARGS };
    size_t at = (size_t)t->offset + sm->off;
    uint8_t flipped = (uint8_t)(s->data[at] ^ (1u << sm->bit));
    qr_load_patched(&cfg, s->data, s->len, at, &flipped, 1, idx, o);
}

typedef struct samples_job {
    const stream *s;
    const target *t;
    const sample *sm;
} samples_job;

static void samples_job_run(size_t i, void *rec, void *ctx)
{
    const samples_job *j = ctx;
    run_one(j->s, &j->t[j->sm[i].t], &j->sm[i], (int)i, rec);
}

static void run_samples(const stream *s, const target *t, const sample *sm, size_t n, int jobs,
                        outcome *out)
{
    samples_job job = { s, t, sm };
    bool *lost = calloc(n ? n : 1, sizeof(*lost));
    tu_run_forked(n, jobs, sizeof(*out), out, samples_job_run, &job, lost);
    for (size_t i = 0; i < n; i++) {
        if (lost[i]) {
            out[i].ok = -1;
        }
    }
    free(lost);
}

/* The model's config and masks of a section's PCI function, and where it is in the stream. */
static void load_target(const vmc_model *m, const stream *s, target *t)
{
    const vmc_model_pci *mp = NULL;
    for (size_t k = 0; k < vmc_model_pci_count(m); k++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, k);
        if (p->section_idstr && !strcmp(p->section_idstr, t->idstr)) {
            mp = p;
        }
    }
    if (!mp || !mp->config_size) {
        fail_msg("%s: no modelled PCI function", t->idstr);
    }
    memset(&t->p, 0, sizeof(t->p));
    t->p.size = mp->config_size;
    memcpy(t->p.config, mp->config, mp->config_size);
    memcpy(t->p.wmask, mp->wmask, mp->config_size);
    memcpy(t->p.w1cmask, mp->w1cmask, mp->config_size);
    memcpy(t->p.cmask, mp->cmask, mp->config_size);
    vmc_source *src;
    vmc_reader *rd;
    assert_int_equal(vmc_source_open_memory(&src, s->data, s->len, t->idstr), 0);
    assert_int_equal(vmc_reader_new(&rd, src, NULL), 0);
    vmc_event ev;
    t->offset = -1;
    while (t->offset < 0 && vmc_reader_next(rd, &ev) > 0) {
        if (ev.kind == VMC_EV_DEVICE_STATE && ev.u.state.value &&
            !strcmp(ev.u.state.idstr, t->idstr)) {
            const vmc_value *c = find_config(ev.u.state.value, 0);
            size_t n;
            const uint8_t *b = vmc_value_bytes(c, &n);
            assert_int_equal(n, mp->config_size);
            /* the unmutated stream must equal the model, else predictions mean nothing */
            assert_memory_equal(b, mp->config, n);
            t->offset = vmc_value_offset(c);
        }
    }
    vmc_reader_free(rd);
    vmc_source_free(src);
    assert_true(t->offset > 0);
}

static void add_sample(sample *v, size_t *n, size_t cap, int t, unsigned off, unsigned bit)
{
    if (*n < cap) {
        v[(*n)++] = (sample){ .t = t, .off = off, .bit = bit };
    }
}

static void test_load_check_sample(void **state)
{
    (void)state;
    stream s = qemu_stream("pc-q35-7.2", MASK_ARGS);
    vmc_model *m = build_model("pc-q35-7.2", MASK_ARGS);
    static target t[] = {
        { "0000:00:02.0/vga", { 0 }, 0 },           /* 0 */
        { "0000:00:03.0/qxl", { 0 }, 0 },           /* 1 */
        { "0000:00:04.0/bochs-display", { 0 }, 0 }, /* 2: express, RC endpoint */
        { "0000:00:05.0/intel-hda", { 0 }, 0 },     /* 3 */
        { "0000:00:1d.7/ehci", { 0 }, 0 },          /* 4 */
        { "0000:00:1d.0/uhci", { 0 }, 0 },          /* 5 */
        { "0000:00:06.0/xhci", { 0 }, 0 },          /* 6: express, MSI + MSI-X */
        { "0000:00:07.0/cirrus_vga", { 0 }, 0 },    /* 7 */
    };
    enum { NT = sizeof(t) / sizeof(t[0]) };
    for (int i = 0; i < NT; i++) {
        load_target(m, &s, &t[i]);
    }
    const char *sweep = getenv("VMC_MEDIA_SWEEP");
    size_t cap = 64, n = 0;
    sample *v;
    if (sweep && !strcmp(sweep, "all")) {
        cap = 0;
        for (int i = 0; i < NT; i++) {
            cap += (t[i].p.size > 256 ? 0x110 : 0x100) * 8;
        }
        v = calloc(cap, sizeof(*v));
        for (int i = 0; i < NT; i++) {
            for (unsigned off = 0; off < (t[i].p.size > 256 ? 0x110u : 0x100u); off++) {
                for (unsigned b = 0; b < 8; b++) {
                    add_sample(v, &n, cap, i, off, b);
                }
            }
        }
    } else {
        if (sweep && atoi(sweep) > 0) {
            cap = (size_t)atoi(sweep);
            rng_state = (unsigned long long)time(NULL);
        }
        v = calloc(cap, sizeof(*v));
        /* registers whose verdict follows from QEMU's rules (worked out by hand) */
        static const struct { int t; unsigned off, bit; } pick[] = {
            { 0, 0x10, 3 },   /* VGA BAR0 prefetchable type bit: checked -> refused */
            { 0, 0x13, 0 },   /* VGA BAR0 bit 24 of a 16 MiB BAR: writable -> loads */
            { 0, 0x12, 7 },   /* VGA BAR0 bit 23: read-only, checked */
            { 0, 0x08, 1 },   /* revision: checked */
            { 0, 0x30, 0 },   /* ROM enable: writable */
            { 0, 0x32, 0 },   /* ROM bit 16 of a 64 KiB ROM: writable */
            { 0, 0x31, 7 },   /* ROM bit 15: checked */
            { 0, 0x3c, 5 },   /* interrupt line: writable */
            { 1, 0x1c, 3 },   /* qxl BAR3 (32-byte I/O) bit 3: checked */
            { 1, 0x1c, 5 },   /* qxl BAR3 bit 5: writable */
            { 1, 0x3d, 0 },   /* interrupt pin: not checked */
            { 2, 0x82, 0 },   /* bochs PCIe capability flags: checked */
            { 2, 0x34, 4 },   /* capability pointer: checked */
            { 3, 0x62, 0 },   /* intel-hda MSI enable: writable */
            { 3, 0x60, 1 },   /* MSI capability id: checked */
            { 3, 0x40, 0 },   /* HDCTL (device specific): not checked */
            { 3, 0x06, 4 },   /* status CAP_LIST: checked */
            { 3, 0x3d, 0 },   /* interrupt pin: unchecked, but pin 0 trips intel-hda's post_load */
            { 4, 0x11, 3 },   /* ehci BAR0 bit 11 of a 4 KiB BAR: checked */
            { 4, 0x11, 4 },   /* ehci BAR0 bit 12: writable */
            { 4, 0x0e, 7 },   /* header type multifunction bit: checked */
            { 5, 0x20, 5 },   /* uhci BAR4 (32-byte I/O) bit 5: writable */
            { 5, 0x20, 4 },   /* uhci BAR4 bit 4: checked */
            { 5, 0x6a, 0 },   /* uhci USB clock (device specific): not checked */
            { 6, 0x72, 4 },   /* xhci MSI multiple message enable: writable */
            { 6, 0x72, 1 },   /* xhci MSI multiple message capable: checked */
            { 6, 0x93, 7 },   /* xhci MSI-X enable: writable */
            { 6, 0xa2, 0 },   /* xhci PCIe capability flags: checked */
            { 6, 0x100, 0 },  /* NULL extended capability header: not checked */
            { 7, 0x13, 1 },   /* cirrus BAR0 bit 25 of 32 MiB: writable */
            { 7, 0x13, 0 },   /* cirrus BAR0 bit 24: checked */
            { 7, 0x02, 0 },   /* device id: checked */
        };
        for (size_t i = 0; i < sizeof(pick) / sizeof(pick[0]) && !(sweep && atoi(sweep) > 0);
             i++) {
            add_sample(v, &n, cap, pick[i].t, pick[i].off, pick[i].bit);
        }
        while (n < cap) {
            int ti = (int)(rng() % NT);
            add_sample(v, &n, cap, ti, rng() % (t[ti].p.size > 256 ? 0x110 : 0x100), rng() % 8);
        }
    }
    const char *js = getenv("VMC_MEDIA_JOBS");
    int jobs = js && atoi(js) > 0 ? atoi(js) : 4;
    outcome *out = calloc(n, sizeof(*out));
    time_t t0 = time(NULL);
    run_samples(&s, t, v, n, jobs, out);
    size_t refused = 0, loaded = 0, wrong = 0, later = 0;
    for (size_t i = 0; i < n; i++) {
        const target *tg = &t[v[i].t];
        uint8_t mutated[VMC_PCIE_CONFIG_SPACE];
        memcpy(mutated, tg->p.config, tg->p.size);
        mutated[v[i].off] ^= (uint8_t)(1u << v[i].bit);
        int first;
        int nbad = vmc_pci_config_load_check(&tg->p, mutated, tg->p.size, &first);
        assert_true(nbad >= 0);
        const outcome *o = &out[i];
        bool good;
        if (nbad) {
            unsigned f = (unsigned)first;
            good = o->ok == 0 && o->bad_off == first && o->cmask == tg->p.cmask[f] &&
                   o->wmask == tg->p.wmask[f] && o->w1cmask == tg->p.w1cmask[f];
            refused++;
        } else {
            /*
             * The config check passes; QEMU may still fail later in the load
             * (intel-hda's post_load raises its INTx: an interrupt pin byte
             * out of 1..4 trips an assertion in pci_irq_handler).
             */
            good = o->ok == 1 || (o->ok == 0 && o->bad_off < 0 &&
                                  !strstr(o->line, "Bad config data"));
            later += o->ok == 0 && good;
            loaded++;
        }
        if (!good) {
            wrong++;
        }
        if (!good || getenv("VMC_TEST_VERBOSE") || (o->ok == 0 && !nbad)) {
            print_message("%s config[0x%03x] bit %u: predicted %s, QEMU %s (%s)\n", tg->idstr,
                          v[i].off, v[i].bit, nbad ? "refusal" : "load",
                          o->ok < 0 ? "did not run" : o->ok ? "loaded" : "refused", o->line);
        }
    }
    print_message("media load-check sample: %zu bits, %zu predicted refusals, %zu predicted "
                  "loads (%zu of them failing after the config check), %zu wrong, %ld s with "
                  "%d jobs\n",
                  n, refused, loaded, later, wrong, (long)(time(NULL) - t0), jobs);
    assert_true(refused > 0 && loaded > 0);
    assert_int_equal(wrong, 0);
    free(out);
    free(v);
    vmc_model_free(m);
    free(s.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_streams),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_corpus_scenarios),
        cmocka_unit_test(test_load_check_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
