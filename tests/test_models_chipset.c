/*
 * Chipset descriptors (board_q35.c, board_i440fx.c, acpi_common.c,
 * ide_common.c) on real QEMU 7.2 streams of the corpus.
 *
 * Sections are decoded with the built-in models alone, as for a stream
 * without a vmdesc trailer, and the decoded values are checked against
 * facts from QEMU's source and the PCI/ICH9/PIIX/AHCI/ATA specifications
 * (IDs, register reset values, port counts, which fields each machine type
 * sends).  The order of nested loads and subsections is checked against
 * QEMU's own field traces; the inference of counts that QEMU keeps off the
 * wire is checked on sections extended with hand-made subsections.
 */
#include "testutil.h"

#include "devices/registry.h"
#include "vmstate/decode.h"
#include "vmstate/hooks.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- finding and decoding sections -------------------------------------- */

typedef struct sect {
    uint8_t *data;          /* whole stream */
    size_t len;
    size_t off, plen;       /* payload */
    uint32_t version, instance;
    char idstr[256];
} sect;

/* The nth FULL section (0-based) of vmsd `vmsd` in corpus stream `id`. */
static bool find_section(const char *id, const char *vmsd, int nth, sect *out)
{
    memset(out, 0, sizeof(*out));
    out->data = tu_corpus_stream(id, &out->len);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, out->data, out->len, id), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    vmc_event ev;
    bool found = false;
    while (!found && vmc_reader_next(r, &ev) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE ||
            strcmp(vmc_devices_vmsd_name_of(ev.u.state.idstr), vmsd) != 0 || nth-- > 0) {
            continue;
        }
        out->off = (size_t)ev.offset;
        out->plen = ev.u.state.payload_len;
        out->version = ev.u.state.version_id;
        out->instance = ev.u.state.instance_id;
        snprintf(out->idstr, sizeof(out->idstr), "%s", ev.u.state.idstr);
        assert_memory_equal(out->data + out->off, ev.u.state.payload, out->plen);
        found = true;
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    if (!found) {
        free(out->data);
        out->data = NULL;
    }
    return found;
}

/*
 * Decode bytes with the built-in model of `vmsd`.  `len` may extend past
 * the payload (as in a stream read without a vmdesc); *used gets the bytes
 * consumed.  Returns NULL on a decode error.
 */
static vmc_value *decode_bytes(vmc_arena *a, const char *vmsd, const uint8_t *p, size_t len,
                               int version, size_t *used)
{
    const vmc_vmsd *m = vmc_devices_find_vmsd(vmsd);
    assert_non_null(m);
    vmc_decode_ctx dc = { .arena = a, .cur = { .base = p, .len = len, .abs = 0 },
                          .section = vmsd };
    vmc_value *v = NULL;
    if (vmc_engine_decode(&dc, m, version, vmsd, &v)) {
        return NULL;
    }
    *used = dc.cur.pos;
    return v;
}

/* Decode a found section both ways (exact payload and open-ended); both must agree. */
static vmc_value *decode_section(vmc_arena *a, const sect *s)
{
    const char *vmsd = vmc_devices_vmsd_name_of(s->idstr);
    size_t used = 0;
    vmc_value *v = decode_bytes(a, vmsd, s->data + s->off, s->plen, (int)s->version, &used);
    if (!v) {
        char buf[1024];
        fail_msg("%s: %s", s->idstr, vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
    assert_int_equal(used, s->plen);
    vmc_value *w = decode_bytes(a, vmsd, s->data + s->off, s->len - s->off, (int)s->version,
                                &used);
    assert_non_null(w);
    assert_int_equal(used, s->plen);
    return v;
}

/* Decode the nth section of `vmsd` in stream `id`; fails the test when absent. */
static vmc_value *model_of(vmc_arena *a, const char *id, const char *vmsd, int nth, sect *s)
{
    if (!find_section(id, vmsd, nth, s)) {
        fail_msg("%s: no section %s #%d", id, vmsd, nth);
    }
    return decode_section(a, s);
}

static const vmc_value *get(const vmc_value *v, const char *path)
{
    const vmc_value *r = vmc_value_get(v, path);
    if (!r) {
        fail_msg("no '%s' in %s", path, vmc_value_name(v));
    }
    return r;
}

static uint64_t uval(const vmc_value *v, const char *path)
{
    return vmc_value_uint(get(v, path));
}

/* PCI config bytes of the PCIDevice struct at `path` ("parent_obj", "d", "dev"). */
static const uint8_t *pci_config(const vmc_value *v, const char *path)
{
    char p[128];
    snprintf(p, sizeof(p), "%s.config[0]", path);
    size_t n;
    const uint8_t *c = vmc_value_bytes(get(v, p), &n);
    assert_int_equal(n, 256);
    return c;
}

static unsigned le16(const uint8_t *p)
{
    return p[0] | (unsigned)p[1] << 8;
}

/* Vendor, device, revision, class code (24 bits) and header type. */
static void check_pci_id(const uint8_t *c, unsigned vendor, unsigned device, int revision,
                         unsigned class_code, int header_type)
{
    assert_int_equal(le16(c + 0x00), vendor);
    assert_int_equal(le16(c + 0x02), device);
    if (revision >= 0) {
        assert_int_equal(c[0x08], revision);
    }
    assert_int_equal(c[0x09] | c[0x0a] << 8 | c[0x0b] << 16, class_code);
    if (header_type >= 0) {
        assert_int_equal(c[0x0e], header_type);
    }
}

static bool has_sub(const vmc_value *v, const char *name)
{
    for (size_t i = 0; i < vmc_value_subsection_count(v); i++) {
        if (strcmp(vmc_value_name(vmc_value_subsection(v, i)), name) == 0) {
            return true;
        }
    }
    return false;
}

static bool has_field(const vmc_value *v, const char *name)
{
    for (size_t i = 0; i < vmc_value_count(v); i++) {
        if (strcmp(vmc_value_name(vmc_value_at(v, i)), name) == 0) {
            return true;
        }
    }
    return false;
}

/* ATA IDENTIFY model string: words 27..46, two characters per word, high byte first. */
static void identify_model(const uint8_t *id, char *out)
{
    for (int i = 0; i < 40; i++) {
        out[i] = (char)id[54 + (i ^ 1)];
    }
    out[40] = '\0';
    for (int i = 39; i >= 0 && out[i] == ' '; i--) {
        out[i] = '\0';
    }
}

static const uint8_t *identify_data(const vmc_value *drive)
{
    size_t n;
    const uint8_t *id = vmc_value_bytes(get(drive, "identify_data"), &n);
    assert_int_equal(n, 512);
    return id;
}

/* ---- q35 ---------------------------------------------------------------- */

/* mch: 8086:29c0 host bridge; SMRAM (0x9d) resets to 0x02 per the Q35 MCH datasheet. */
static void test_mch(void **state)
{
    const char *ids[] = { "s-pc-q35-2.12--none--fresh", "s-pc-q35-7.2--vga--fresh" };
    for (size_t i = 0; i < 2; i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, ids[i], "mch", 0, &s);
        assert_string_equal(s.idstr, "0000:00:00.0/mch");
        const uint8_t *c = pci_config(v, "parent_obj");
        check_pci_id(c, 0x8086, 0x29c0, 0, 0x060000, 0x00);
        assert_int_equal(c[0x9d], 0x02);
        assert_int_equal(vmc_value_size(get(v, "unused")), 1);
        vmc_arena_free(a);
        free(s.data);
    }
}

/*
 * ICH9LPC: 8086:2918 ISA bridge, multi-function; 16 KiB of chipset
 * configuration registers; ich9_pm with 16-byte GPE0 blocks, memory
 * hot-plug (machine types >= 2.1, no slots: 0 entries), TCO, and ACPI PCI
 * hot-plug for 256 buses only where it is on by default (pc-q35 >= 6.1).
 */
static void test_ich9_lpc(void **state)
{
    static const struct { const char *id; bool pcihp; } cases[] = {
        { "s-pc-q35-2.12--none--fresh", false },
        { "s-pc-q35-6.0--none--fresh", false },
        { "s-pc-q35-7.2--vga--fresh", true },
        { "s-pc-q35-7.2--full-q35--run1500", true },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, cases[i].id, "ICH9LPC", 0, &s);
        assert_string_equal(s.idstr, "0000:00:1f.0/ICH9LPC");
        check_pci_id(pci_config(v, "d"), 0x8086, 0x2918, 2, 0x060100, 0x80);
        assert_int_equal(vmc_value_count(get(v, "chip_config")), 16 * 1024);
        const vmc_value *pm = get(v, "pm");
        assert_string_equal(vmc_value_vmsd_name(pm), "ich9_pm");
        assert_int_equal(vmc_value_count(get(pm, "acpi_regs.gpe.sts")), 16);
        assert_int_equal(vmc_value_count(get(pm, "acpi_regs.gpe.en")), 16);
        assert_true(has_sub(pm, "ich9_pm/memhp"));
        assert_false(has_field(get(pm, "ich9_pm/memhp.acpi_memory_hotplug"), "devs"));
        assert_true(has_sub(pm, "ich9_pm/tco"));
        assert_false(has_sub(pm, "ich9_pm/cpuhp"));   /* SeaBIOS keeps legacy CPU hot-plug */
        assert_int_equal(has_sub(pm, "ich9_pm/pcihp"), cases[i].pcihp);
        if (cases[i].pcihp) {
            assert_int_equal(vmc_value_count(get(pm, "ich9_pm/pcihp.acpi_pci_hotplug."
                                                     "acpi_pcihp_pci_status")), 256);
        }
        assert_false(has_sub(v, "ICH9LPC/rst_cnt"));
        vmc_arena_free(a);
        free(s.data);
    }
}

/*
 * ich9_ahci: 8086:2922 SATA AHCI controller with six ports (CAP.NP = 5,
 * PI = 0x3f, VS = 1.0 per the AHCI 1.0 spec); built in at 00:1f.2 on q35
 * and added with -device on i440fx.  After SeaBIOS probed the disk on port
 * 0, PxSIG holds the ATA disk signature 0x101 and the drive's IDENTIFY
 * data says "fixed disk" (word 0 = 0x0040) and "QEMU HARDDISK".
 */
static void test_ich9_ahci(void **state)
{
    static const struct { const char *id; const char *idstr; } cases[] = {
        { "s-pc-q35-7.2--ide-disk--run1000", "0000:00:1f.2/ich9_ahci" },
        { "s-pc-i440fx-7.2--ahci-disk--run1000", "0000:00:02.0/ich9_ahci" },
    };
    for (size_t i = 0; i < 2; i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, cases[i].id, "ich9_ahci", 0, &s);
        assert_string_equal(s.idstr, cases[i].idstr);
        check_pci_id(pci_config(v, "parent_obj"), 0x8086, 0x2922, 2, 0x010601, -1);
        const vmc_value *ahci = get(v, "ahci");
        assert_int_equal(vmc_value_count(get(ahci, "dev")), 6);
        assert_int_equal(uval(ahci, "ports"), 6);
        assert_int_equal(uval(ahci, "control_regs.cap") & 0x1f, 5);
        assert_int_equal(uval(ahci, "control_regs.impl"), 0x3f);
        assert_int_equal(uval(ahci, "control_regs.version"), 0x10000);
        const vmc_value *port0 = get(ahci, "dev[0]");
        assert_int_equal(uval(port0, "port_regs.sig"), 0x101);
        assert_int_equal(vmc_value_count(get(port0, "ncq_tfs")), 32);
        const vmc_value *drive = get(port0, "port.ifs[0]");
        assert_int_not_equal(uval(drive, "identify_set"), 0);
        const uint8_t *id = identify_data(drive);
        char model[41];
        identify_model(id, model);
        assert_int_equal(le16(id), 0x0040);
        assert_string_equal(model, "QEMU HARDDISK");
        /* Ports without a device never got IDENTIFY data. */
        for (int p = 1; p < 6; p++) {
            char path[32];
            snprintf(path, sizeof(path), "dev[%d].port.ifs[0]", p);
            assert_int_equal(uval(get(ahci, path), "identify_set"), 0);
            assert_false(has_field(get(ahci, path), "identify_data"));
        }
        vmc_arena_free(a);
        free(s.data);
    }
}

/*
 * ich9_smb: 8086:2930 SMBus controller.  Machine types up to 3.1 set
 * smbus_no_migration_support, so irq_enabled and the PM SMBus registers
 * (32-byte block buffer) are only sent from pc-q35-4.0 on.
 */
static void test_ich9_smb(void **state)
{
    static const struct { const char *id; bool smb; } cases[] = {
        { "s-pc-q35-2.12--none--fresh", false },
        { "s-pc-q35-4.2--e1000--fresh", true },
        { "s-pc-q35-7.2--vga--fresh", true },
    };
    for (size_t i = 0; i < 3; i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, cases[i].id, "ich9_smb", 0, &s);
        assert_string_equal(s.idstr, "0000:00:1f.3/ich9_smb");
        check_pci_id(pci_config(v, "dev"), 0x8086, 0x2930, 2, 0x0c0500, 0x80);
        assert_int_equal(has_field(v, "irq_enabled"), cases[i].smb);
        assert_int_equal(has_field(v, "smb"), cases[i].smb);
        if (cases[i].smb) {
            assert_int_equal(vmc_value_count(get(v, "smb.smb_data")), 32);
        }
        vmc_arena_free(a);
        free(s.data);
    }
}

/* ---- i440fx ------------------------------------------------------------- */

/* I440FX: 8086:1237 rev 2 host bridge; SMRAM (0x72) resets to 0x02 (82441FX datasheet). */
static void test_i440fx(void **state)
{
    const char *ids[] = { "s-pc-i440fx-1.4--none--fresh", "s-pc-i440fx-7.2--vga--fresh" };
    for (size_t i = 0; i < 2; i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, ids[i], "I440FX", 0, &s);
        assert_string_equal(s.idstr, "0000:00:00.0/I440FX");
        const uint8_t *c = pci_config(v, "parent_obj");
        check_pci_id(c, 0x8086, 0x1237, 2, 0x060000, 0x00);
        assert_int_equal(c[0x72], 0x02);
        vmc_arena_free(a);
        free(s.data);
    }
}

/*
 * PIIX3: 8086:7000 ISA bridge, multi-function; the PIRQ route registers
 * 0x60..0x63 reset to 0x80 (routing disabled, 82371SB datasheet) and stay
 * so while no firmware ran; four PIRQ levels.
 */
static void test_piix3(void **state)
{
    const char *ids[] = { "s-pc-i440fx-1.4--none--fresh", "s-pc-i440fx-7.2--vga--fresh" };
    for (size_t i = 0; i < 2; i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, ids[i], "PIIX3", 0, &s);
        assert_string_equal(s.idstr, "0000:00:01.0/PIIX3");
        const uint8_t *c = pci_config(v, "dev");
        check_pci_id(c, 0x8086, 0x7000, 0, 0x060100, 0x80);
        for (int k = 0; k < 4; k++) {
            assert_int_equal(c[0x60 + k], 0x80);
        }
        assert_int_equal(vmc_value_count(get(v, "pci_irq_levels_vmstate")), 4);
        assert_false(has_sub(v, "PIIX3/rcr"));
        vmc_arena_free(a);
        free(s.data);
    }
}

/*
 * piix4_pm: 8086:7113 rev 3 power management function; PMBA bit 0 is the
 * read-only I/O space indicator (82371AB datasheet).  What QEMU sends
 * depends on the machine type: ACPI bridge hot-plug is off up to 1.7 (one
 * 8-byte bus status instead of 256), the SMBus registers are sent from
 * 4.0 on, acpi_index only from 7.0 on (x-not-migrate-acpi-index, hw_compat_6_2),
 * memory hot-plug state from 2.1 on (pc_compat_2_0).
 */
static void test_piix4_pm(void **state)
{
    static const struct {
        const char *id;
        bool bridge, smb, acpi_index, memhp;
    } cases[] = {
        { "s-pc-i440fx-1.4--none--fresh", false, false, false, false },
        { "s-pc-i440fx-2.12--e1000--fresh", true, false, false, true },
        { "s-pc-i440fx-4.2--none--fresh", true, true, false, true },
        { "s-pc-i440fx-6.0--vga--fresh", true, true, false, true },
        { "s-pc-i440fx-7.2--vga--fresh", true, true, true, true },
        { "s-pc-i440fx-7.2--full-pc--run1500", true, true, true, true },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, cases[i].id, "piix4_pm", 0, &s);
        assert_string_equal(s.idstr, "0000:00:01.3/piix4_pm");
        const uint8_t *c = pci_config(v, "parent_obj");
        check_pci_id(c, 0x8086, 0x7113, 3, 0x068000, 0x00);
        assert_int_equal(c[0x40] & 1, 1);
        assert_int_equal(has_field(v, "acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]"),
                         !cases[i].bridge);
        assert_int_equal(has_field(v, "acpi_pci_hotplug.hotplug_select"), cases[i].bridge);
        if (cases[i].bridge) {
            assert_int_equal(vmc_value_count(get(v, "acpi_pci_hotplug.acpi_pcihp_pci_status")),
                             256);
        }
        assert_int_equal(has_field(v, "smb"), cases[i].smb);
        assert_int_equal(has_field(v, "acpi_pci_hotplug.acpi_index"), cases[i].acpi_index);
        assert_int_equal(has_sub(v, "piix4_pm/memhp"), cases[i].memhp);
        assert_false(has_sub(v, "piix4_pm/cpuhp"));
        vmc_arena_free(a);
        free(s.data);
    }
}

/*
 * ide (piix3-ide): 8086:7010 IDE controller (class 010180: bus-master,
 * legacy mode); two bus-master DMA channels, two buses, two drives each.
 * In the full-pc streams ide-hd is master of bus 0 and ide-cd master of
 * bus 1: after SeaBIOS ran, their IDENTIFY data say fixed disk (word 0 =
 * 0x0040) "QEMU HARDDISK" and ATAPI CD-ROM (word 0 = 0x85c0: ATAPI, type
 * 5, removable, 50us DRQ) "QEMU DVD-ROM".
 */
static void test_ide(void **state)
{
    const char *ids[] = { "s-pc-i440fx-1.4--full-pc--run1500",
                          "s-pc-i440fx-7.2--full-pc--run1500" };
    for (size_t i = 0; i < 2; i++) {
        vmc_arena *a = vmc_arena_new();
        sect s;
        vmc_value *v = model_of(a, ids[i], "ide", 0, &s);
        assert_string_equal(s.idstr, "0000:00:01.1/ide");
        check_pci_id(pci_config(v, "parent_obj"), 0x8086, 0x7010, 0, 0x010180, 0x00);
        assert_int_equal(vmc_value_count(get(v, "bmdma")), 2);
        assert_int_equal(vmc_value_count(get(v, "bus")), 2);
        assert_int_equal(vmc_value_count(get(v, "bus[0].ifs")), 2);
        assert_int_equal(vmc_value_count(get(v, "bus[1].ifs")), 2);
        char model[41];
        const uint8_t *hd = identify_data(get(v, "bus[0].ifs[0]"));
        identify_model(hd, model);
        assert_int_equal(le16(hd), 0x0040);
        assert_string_equal(model, "QEMU HARDDISK");
        const uint8_t *cd = identify_data(get(v, "bus[1].ifs[0]"));
        identify_model(cd, model);
        assert_int_equal(le16(cd), 0x85c0);
        assert_string_equal(model, "QEMU DVD-ROM");
        assert_false(has_field(get(v, "bus[0].ifs[1]"), "identify_data"));
        assert_false(has_field(get(v, "bus[1].ifs[1]"), "identify_data"));
        vmc_arena_free(a);
        free(s.data);
    }
}

/* ---- QEMU's field traces ------------------------------------------------ */

static const char *const chipset_vmsds[] = {
    "mch", "ICH9LPC", "ich9_ahci", "ich9_smb", "I440FX", "PIIX3", "piix4_pm", "ide",
    "sysbus-ahci", NULL,
};

static bool is_chipset(const char *vmsd)
{
    for (size_t i = 0; chipset_vmsds[i]; i++) {
        if (strcmp(chipset_vmsds[i], vmsd) == 0) {
            return true;
        }
    }
    return false;
}

/* All chipset sections of a stream, in stream order; they share one copy of the stream. */
static size_t collect_sections(const char *id, sect **out)
{
    size_t len;
    uint8_t *data = tu_corpus_stream(id, &len);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, data, len, id), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    vmc_event ev;
    size_t n = 0;
    *out = NULL;
    while (vmc_reader_next(r, &ev) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE ||
            !is_chipset(vmc_devices_vmsd_name_of(ev.u.state.idstr))) {
            continue;
        }
        *out = realloc(*out, (n + 1) * sizeof(**out));
        sect *s = &(*out)[n++];
        memset(s, 0, sizeof(*s));
        s->data = data;
        s->len = len;
        s->off = (size_t)ev.offset;
        s->plen = ev.u.state.payload_len;
        s->version = ev.u.state.version_id;
        s->instance = ev.u.state.instance_id;
        snprintf(s->idstr, sizeof(s->idstr), "%s", ev.u.state.idstr);
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    if (n == 0) {
        free(data);
    }
    return n;
}

static void free_sections(sect *s, size_t n)
{
    if (n) {
        free(s[0].data);
    }
    free(s);
}

static const char *display_name(const vmc_vmsd *m, size_t i, char *buf, size_t n)
{
    size_t total = 0, before = 0;
    for (size_t k = 0; m->fields[k].name; k++) {
        if (strcmp(m->fields[k].name, m->fields[i].name) == 0) {
            total += 1;
            before += k < i;
        }
    }
    if (total <= 1) {
        return m->fields[i].name;
    }
    snprintf(buf, n, "%s[%zu]", m->fields[i].name, before);
    return buf;
}

/*
 * The loads QEMU's loader traces for this value: "L vmsd version" when it
 * enters a vmsd (structs, array elements, subsections) and "F vmsd:field"
 * for every field it considers, present or not.
 */
static void emit_trace(const vmc_value *v, const vmc_vmsd *m, GPtrArray *out)
{
    g_ptr_array_add(out, g_strdup_printf("L %s %d", m->name, vmc_value_version(v)));
    size_t ci = 0;
    for (size_t i = 0; m->fields && m->fields[i].name; i++) {
        const vmc_field *f = &m->fields[i];
        g_ptr_array_add(out, g_strdup_printf("F %s:%s", m->name, f->name));
        char buf[300];
        const char *dn = display_name(m, i, buf, sizeof(buf));
        if (ci >= vmc_value_count(v) || strcmp(vmc_value_name(vmc_value_at(v, ci)), dn) != 0) {
            continue;
        }
        const vmc_value *c = vmc_value_at(v, ci++);
        if (!(f->flags & (VMC_F_STRUCT | VMC_F_VSTRUCT))) {
            continue;
        }
        if (vmc_value_kind_of(c) == VMC_VALUE_ARRAY) {
            for (size_t k = 0; k < vmc_value_count(c); k++) {
                emit_trace(vmc_value_at(c, k), f->vmsd, out);
            }
        } else {
            emit_trace(c, f->vmsd, out);
        }
    }
    for (size_t i = 0; i < vmc_value_subsection_count(v); i++) {
        const vmc_value *s = vmc_value_subsection(v, i);
        const vmc_vmsd *sm = NULL;
        for (size_t k = 0; m->subsections && m->subsections[k]; k++) {
            if (strcmp(m->subsections[k]->name, vmc_value_vmsd_name(s)) == 0) {
                sm = m->subsections[k];
            }
        }
        assert_non_null(sm);
        emit_trace(s, sm, out);
    }
}

/* The L/F events of QEMU's trace of section `idstr` (instance) in stream `id`. */
static GPtrArray *qemu_trace(const char *id, const char *idstr, uint32_t instance)
{
    char rel[512];
    snprintf(rel, sizeof(rel), "streams/%s.fieldtrace.txt.gz", id);
    size_t len;
    char *text = (char *)tu_read_file(tu_corpus_path(rel), &len);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    char want[400];
    snprintf(want, sizeof(want), "(%s) %u ", idstr, instance);
    bool in = false;
    char *save = NULL;
    text = realloc(text, len + 1);
    text[len] = '\0';
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "qemu_loadvm_state_section", 25) == 0) {
            in = strstr(line, "startfull") && strstr(line, want);
            continue;
        }
        if (!in) {
            continue;
        }
        if (strncmp(line, "vmstate_load_state_field ", 25) == 0) {
            g_ptr_array_add(out, g_strdup_printf("F %s", line + 25));
        } else if (strncmp(line, "vmstate_load_state ", 19) == 0) {
            char *name = line + 19;
            char *sp = strrchr(name, ' ');
            assert_non_null(sp);
            *sp = '\0';
            assert_true(sp[1] == 'v');
            g_ptr_array_add(out, g_strdup_printf("L %s %s", name, sp + 2));
        }
    }
    free(text);
    return out;
}

/*
 * Every chipset section of every corpus stream: the nested loads, field
 * order and subsections our model decodes must be exactly the ones QEMU
 * traced while loading that stream (ide-disk / ahci-disk streams included).
 */
static void test_field_traces(void **state)
{
    json_object *m = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(m, "streams");
    size_t checked = 0;
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t k = 0; k < json_object_array_length(streams); k++) {
        const char *id = json_object_get_string(
            json_object_object_get(json_object_array_get_idx(streams, k), "id"));
        sect *all;
        size_t n = collect_sections(id, &all);
        for (size_t j = 0; j < n; j++) {
            const sect *s = &all[j];
            const char *vmsd = vmc_devices_vmsd_name_of(s->idstr);
            vmc_arena *a = vmc_arena_new();
            vmc_value *v = decode_section(a, s);
            GPtrArray *mine = g_ptr_array_new_with_free_func(g_free);
            emit_trace(v, vmc_devices_find_vmsd(vmsd), mine);
            GPtrArray *qemu = qemu_trace(id, s->idstr, s->instance);
            for (size_t i = 0; i < mine->len || i < qemu->len; i++) {
                const char *x = i < mine->len ? mine->pdata[i] : "(end)";
                const char *y = i < qemu->len ? qemu->pdata[i] : "(end)";
                if (strcmp(x, y) != 0) {
                    fail_msg("%s %s: event %zu: model '%s', QEMU '%s'", id, s->idstr, i, x, y);
                }
            }
            g_hash_table_add(seen, g_strdup(vmsd));
            checked++;
            g_ptr_array_free(mine, TRUE);
            g_ptr_array_free(qemu, TRUE);
            vmc_arena_free(a);
        }
        free_sections(all, n);
    }
    fprintf(stderr, "field traces: %zu chipset sections match QEMU's load order\n", checked);
    /* All chipset vmsds but sysbus-ahci (not on PC boards) occur in the corpus. */
    assert_int_equal(g_hash_table_size(seen), 8);
    g_hash_table_destroy(seen);
    json_object_put(m);
}

/* ---- counts QEMU keeps off the wire ------------------------------------ */

static size_t put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return 4;
}

/* A subsection header: 0x05, name length, name, be32 version 1. */
static size_t put_sub(uint8_t *p, const char *name)
{
    size_t n = strlen(name);
    p[0] = 0x05;
    p[1] = (uint8_t)n;
    memcpy(p + 2, name, n);
    return 2 + n + put_be32(p + 2 + n, 1);
}

/* n hot-plug status entries {bool, bool, be32, be32}; the first bool set to `b0`. */
static size_t put_entries(uint8_t *p, int n, uint8_t b0)
{
    for (int i = 0; i < n; i++) {
        memset(p + i * 10, 0, 10);
        p[i * 10] = b0;
        p[i * 10 + 9] = (uint8_t)i;   /* ost_status: distinguishes the entries */
    }
    return (size_t)n * 10;
}

/* The bytes a stream with footers has after a section: footer, then the next FULL section. */
static size_t put_after(uint8_t *p)
{
    static const uint8_t tail[] = { 0x7e, 0, 0, 0, 0x1c, 0x04, 0, 0, 0, 0x1d, 0x07, 'i', '2',
                                    'c', '_', 'b', 'u', 's', 0, 0, 0, 0, 0, 0, 0, 1, 0x00 };
    memcpy(p, tail, sizeof(tail));
    return sizeof(tail);
}

static const vmc_value *sub_of(const vmc_value *v, const char *name)
{
    for (size_t i = 0; i < vmc_value_subsection_count(v); i++) {
        if (strcmp(vmc_value_name(vmc_value_subsection(v, i)), name) == 0) {
            return vmc_value_subsection(v, i);
        }
    }
    fail_msg("no subsection %s", name);
    return NULL;
}

/* Decode `p` both exactly and followed by stream bytes; both must use plen bytes. */
static const vmc_value *decode_both(vmc_arena *a, const char *vmsd, uint8_t *p, size_t plen,
                                    int version)
{
    size_t used = 0;
    const vmc_value *v = decode_bytes(a, vmsd, p, plen, version, &used);
    assert_non_null(v);
    assert_int_equal(used, plen);
    size_t extra = put_after(p + plen);
    const vmc_value *w = decode_bytes(a, vmsd, p, plen + extra, version, &used);
    assert_non_null(w);
    assert_int_equal(used, plen);
    return v;
}

/*
 * piix4_pm with memory hot-plug slots (-m slots=2) and the modern CPU
 * hot-plug interface (3 possible CPUs): the entry counts are machine
 * properties, inferred from the bytes.  Built from a real pc-i440fx-7.2
 * section whose memhp subsection (no slots) is replaced by hand-made ones.
 */
static void test_piix4_hotplug_counts(void **state)
{
    sect s;
    assert_true(find_section("s-pc-i440fx-7.2--vga--fresh", "piix4_pm", 0, &s));
    uint8_t memhp0[24];
    size_t h = put_sub(memhp0, "piix4_pm/memhp");
    h += put_be32(memhp0 + h, 0);   /* selector */
    assert_int_equal(h, sizeof(memhp0));
    assert_memory_equal(s.data + s.off + s.plen - 24, memhp0, 24);
    size_t base = s.plen - 24;
    uint8_t *p = calloc(1, s.plen + 512);
    memcpy(p, s.data + s.off, base);
    size_t n = base;
    n += put_sub(p + n, "piix4_pm/memhp");
    n += put_be32(p + n, 0);
    n += put_entries(p + n, 2, 1);
    n += put_sub(p + n, "piix4_pm/cpuhp");
    n += put_be32(p + n, 0);
    p[n++] = 0;   /* command */
    n += put_entries(p + n, 3, 0);
    vmc_arena *a = vmc_arena_new();
    const vmc_value *v = decode_both(a, "piix4_pm", p, n, 3);
    assert_int_equal(vmc_value_count(get(sub_of(v, "piix4_pm/memhp"),
                                         "acpi_memory_hotplug.devs")), 2);
    assert_int_equal(uval(sub_of(v, "piix4_pm/memhp"), "acpi_memory_hotplug.devs[1].ost_status"),
                     1);
    assert_int_equal(vmc_value_count(get(sub_of(v, "piix4_pm/cpuhp"), "cpuhp_state.devs")), 3);
    /* The CPU hot-plug subsection alone, one possible CPU. */
    n = base;
    n += put_sub(p + n, "piix4_pm/cpuhp");
    n += put_be32(p + n, 0);
    p[n++] = 0;
    n += put_entries(p + n, 1, 1);
    v = decode_both(a, "piix4_pm", p, n, 3);
    assert_false(has_sub(v, "piix4_pm/memhp"));
    /* One element: a single struct, as QEMU's vmdesc shows it. */
    const vmc_value *one = get(sub_of(v, "piix4_pm/cpuhp"), "cpuhp_state.devs");
    assert_int_equal(vmc_value_kind_of(one), VMC_VALUE_STRUCT);
    assert_string_equal(vmc_value_vmsd_name(one), "CPU hotplug device state");
    assert_int_equal(vmc_value_size(sub_of(v, "piix4_pm/cpuhp")), 2 + 14 + 4 + 5 + 10);
    vmc_arena_free(a);
    free(p);
    free(s.data);
}

/*
 * ICH9LPC: the CPU hot-plug array of ich9_pm followed by the pcihp
 * subsection (pc-q35-7.2) or directly by ICH9LPC's own chip_config
 * (pc-q35-6.0, no ACPI bridge hot-plug): 4 possible CPUs either way.
 */
static void test_ich9_cpuhp_counts(void **state)
{
    static const char *ids[] = { "s-pc-q35-6.0--none--fresh", "s-pc-q35-7.2--vga--fresh" };
    for (size_t i = 0; i < 2; i++) {
        sect s;
        assert_true(find_section(ids[i], "ICH9LPC", 0, &s));
        vmc_arena *a = vmc_arena_new();
        size_t used;
        const vmc_value *orig = decode_bytes(a, "ICH9LPC", s.data + s.off, s.plen, 1, &used);
        assert_non_null(orig);
        /* Insert after the tco subsection: the end of memhp + tco inside "pm". */
        const vmc_value *tco = sub_of(get(orig, "pm"), "ich9_pm/tco");
        size_t at = (size_t)(vmc_value_offset(tco) + (int64_t)vmc_value_size(tco));
        uint8_t *p = calloc(1, s.plen + 512);
        memcpy(p, s.data + s.off, at);
        size_t n = at;
        n += put_sub(p + n, "ich9_pm/cpuhp");
        n += put_be32(p + n, 0);
        p[n++] = 0;
        n += put_entries(p + n, 4, 0);
        memcpy(p + n, s.data + s.off + at, s.plen - at);
        n += s.plen - at;
        const vmc_value *v = decode_both(a, "ICH9LPC", p, n, 1);
        const vmc_value *cpuhp = sub_of(get(v, "pm"), "ich9_pm/cpuhp");
        assert_int_equal(vmc_value_count(get(cpuhp, "cpuhp_state.devs")), 4);
        assert_int_equal(uval(cpuhp, "cpuhp_state.devs[3].ost_status"), 3);
        assert_int_equal(vmc_value_count(get(v, "chip_config")), 16 * 1024);
        vmc_arena_free(a);
        free(p);
        free(s.data);
    }
}

/* ---- needed() hooks and bad input --------------------------------------- */

static int64_t hook_checks;

/* Registered needed hooks must say "needed" exactly for the subsections QEMU sent. */
static void check_needed(const vmc_value *v, const vmc_vmsd *m, const vmc_value **scope,
                         int depth)
{
    assert_true(depth < 32);
    scope[depth] = v;
    for (size_t k = 0; m->subsections && m->subsections[k]; k++) {
        const vmc_vmsd *sm = m->subsections[k];
        const vmc_hook_def *h = vmc_hook_find(sm->needed, VMC_HOOK_NEEDED);
        if (!h) {
            continue;
        }
        vmc_hook_ctx ctx = { .scope = scope, .nscope = depth + 1 };
        if (h->test(&ctx, sm->version_id) != has_sub(v, sm->name)) {
            fail_msg("%s: needed hook %s disagrees with the stream", vmc_value_name(scope[0]),
                     sm->needed);
        }
        hook_checks++;
    }
    size_t ci = 0;
    for (size_t i = 0; m->fields && m->fields[i].name; i++) {
        const vmc_field *f = &m->fields[i];
        char buf[300];
        const char *dn = display_name(m, i, buf, sizeof(buf));
        if (ci >= vmc_value_count(v) || strcmp(vmc_value_name(vmc_value_at(v, ci)), dn) != 0) {
            continue;
        }
        const vmc_value *c = vmc_value_at(v, ci++);
        if (!(f->flags & (VMC_F_STRUCT | VMC_F_VSTRUCT))) {
            continue;
        }
        if (vmc_value_kind_of(c) == VMC_VALUE_ARRAY) {
            for (size_t e = 0; e < vmc_value_count(c); e++) {
                check_needed(vmc_value_at(c, e), f->vmsd, scope, depth + 1);
            }
        } else {
            check_needed(c, f->vmsd, scope, depth + 1);
        }
    }
    for (size_t i = 0; i < vmc_value_subsection_count(v); i++) {
        const vmc_value *s = vmc_value_subsection(v, i);
        for (size_t k = 0; m->subsections && m->subsections[k]; k++) {
            if (strcmp(m->subsections[k]->name, vmc_value_vmsd_name(s)) == 0) {
                check_needed(s, m->subsections[k], scope, depth + 1);
            }
        }
    }
}

static void test_needed_hooks(void **state)
{
    const char *ids[] = { "s-pc-q35-7.2--full-q35--run1500", "s-pc-q35-2.12--none--fresh",
                          "s-pc-i440fx-7.2--full-pc--run1500",
                          "s-pc-i440fx-1.4--full-pc--run1500",
                          "s-pc-i440fx-7.2--ahci-disk--run1000" };
    hook_checks = 0;
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        sect *all;
        size_t n = collect_sections(ids[i], &all);
        for (size_t j = 0; j < n; j++) {
            vmc_arena *a = vmc_arena_new();
            vmc_value *v = decode_section(a, &all[j]);
            const vmc_value *scope[32];
            check_needed(v, vmc_devices_find_vmsd(vmc_devices_vmsd_name_of(all[j].idstr)),
                         scope, 0);
            vmc_arena_free(a);
        }
        free_sections(all, n);
    }
    /* rst_cnt, smi_feat, bus error, drive pio/tray/gesn, bmdma x2, rcr: hundreds of checks. */
    assert_true(hook_checks > 100);
}

/* Truncated or corrupted chipset sections give an error or a tree, never a crash. */
static void test_bad_input(void **state)
{
    const struct { const char *id; const char *vmsd; } cases[] = {
        { "s-pc-q35-7.2--full-q35--run1500", "ICH9LPC" },
        { "s-pc-q35-7.2--ide-disk--run1000", "ich9_ahci" },
        { "s-pc-q35-7.2--vga--fresh", "ich9_smb" },
        { "s-pc-i440fx-7.2--full-pc--run1500", "piix4_pm" },
        { "s-pc-i440fx-7.2--full-pc--run1500", "ide" },
        { "s-pc-i440fx-1.4--none--fresh", "piix4_pm" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sect s;
        assert_true(find_section(cases[i].id, cases[i].vmsd, 0, &s));
        uint8_t *p = malloc(s.plen);
        for (size_t cut = 0; cut < s.plen; cut += 1 + cut / 16) {
            vmc_arena *a = vmc_arena_new();
            size_t used = 0;
            memcpy(p, s.data + s.off, cut);
            vmc_value *v = decode_bytes(a, cases[i].vmsd, p, cut, (int)s.version, &used);
            /* A prefix may be a valid shorter section (optional fields and
             * subsections), but never one without the whole PCIDevice. */
            if (cut < 276) {
                assert_null(v);
            } else if (v) {
                assert_true(used <= cut);
            }
            vmc_arena_free(a);
        }
        srand(7);
        for (int round = 0; round < 200; round++) {
            memcpy(p, s.data + s.off, s.plen);
            for (int k = 0; k < 8; k++) {
                p[(size_t)rand() % s.plen] = (uint8_t)rand();
            }
            vmc_arena *a = vmc_arena_new();
            size_t used = 0;
            if (decode_bytes(a, cases[i].vmsd, p, s.plen, (int)s.version, &used)) {
                assert_true(used <= s.plen);
            }
            vmc_arena_free(a);
        }
        free(p);
        free(s.data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mch),
        cmocka_unit_test(test_ich9_lpc),
        cmocka_unit_test(test_ich9_ahci),
        cmocka_unit_test(test_ich9_smb),
        cmocka_unit_test(test_i440fx),
        cmocka_unit_test(test_piix3),
        cmocka_unit_test(test_piix4_pm),
        cmocka_unit_test(test_ide),
        cmocka_unit_test(test_field_traces),
        cmocka_unit_test(test_piix4_hotplug_counts),
        cmocka_unit_test(test_ich9_cpuhp_counts),
        cmocka_unit_test(test_needed_hooks),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
