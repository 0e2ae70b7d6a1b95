/*
 * Built-in models of the PCI topology and PCI endpoint devices (groups
 * "bridges" and "pcidev") decoding real QEMU 7.2 corpus streams: the
 * decoded values must be what QEMU puts there.  Expected values come from
 * the PCI / PCIe specifications, from how QEMU 7.2 initialises each device
 * (docs/device-config-facts.md, the QEMU sources) and from each stream's
 * command line in the corpus manifest (MAC addresses, port numbers); none
 * is taken from our own output.
 */
#include "testutil.h"

#include "devices/registry.h"
#include "vmstate/decode.h"

#include <stdlib.h>
#include <string.h>

/* One device section decoded with its built-in model only. */
typedef struct section {
    uint8_t *payload;      /* copy of the payload (the tree points into it) */
    size_t len;
    vmc_arena *arena;
    const vmc_value *v;
} section;

static void section_free(section *s)
{
    vmc_arena_free(s->arena);
    free(s->payload);
}

/* Decode bytes [0, len) of a payload with the model named by idstr.  The
 * decoder sees `avail` bytes (>= len) so hooks can look past the end. */
static int decode_bytes(section *s, const char *idstr, uint32_t version, size_t avail,
                        size_t *used)
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
    int rc = vmc_engine_decode(&dc, vmsd, (int)version, idstr, &v);
    s->v = v;
    *used = dc.cur.pos;
    return rc;
}

/* Find section idstr in a corpus stream and decode it with the model. */
static section load(const char *stream_id, const char *idstr, uint32_t *version_out)
{
    size_t len;
    uint8_t *data = tu_corpus_stream(stream_id, &len);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, data, len, stream_id), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    section s = { 0 };
    uint32_t version = 0;
    vmc_event ev;
    while (vmc_reader_next(r, &ev) > 0) {
        if (ev.kind == VMC_EV_DEVICE_STATE && strcmp(ev.u.state.idstr, idstr) == 0) {
            s.len = ev.u.state.payload_len;
            s.payload = malloc(s.len + 1);
            memcpy(s.payload, ev.u.state.payload, s.len);
            version = ev.u.state.version_id;
            break;
        }
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    free(data);
    if (!s.payload) {
        fail_msg("%s: section %s not found", stream_id, idstr);
    }
    size_t used;
    if (decode_bytes(&s, idstr, version, s.len, &used)) {
        char buf[2048];
        fail_msg("%s: %s: %s", stream_id, idstr,
                 vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    }
    assert_int_equal(used, s.len);
    if (version_out) {
        *version_out = version;
    }
    return s;
}

static const vmc_value *get(const section *s, const char *path)
{
    const vmc_value *v = vmc_value_get(s->v, path);
    if (!v) {
        fail_msg("no value at '%s'", path);
    }
    return v;
}

static uint64_t uget(const section *s, const char *path)
{
    return vmc_value_uint(get(s, path));
}

static const uint8_t *bytes(const section *s, const char *path, size_t want)
{
    size_t n;
    const uint8_t *p = vmc_value_bytes(get(s, path), &n);
    assert_non_null(p);
    assert_int_equal(n, want);
    return p;
}

static unsigned le16(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* Header: vendor, device, revision, class code (base, sub, prog-if), type. */
static void check_header(const uint8_t *c, unsigned ven, unsigned dev, unsigned rev,
                         uint32_t class_code, unsigned hdr_type)
{
    assert_int_equal(le16(c + 0x00), ven);
    assert_int_equal(le16(c + 0x02), dev);
    assert_int_equal(c[0x08], rev);
    assert_int_equal(c[0x09] | (c[0x0a] << 8) | (c[0x0b] << 16), class_code);
    assert_int_equal(c[0x0e], hdr_type);
}

/* Capability chain from 0x34: ids[i] at offs[i], then the end (0). */
static void check_caps(const uint8_t *c, const uint8_t *ids, const uint8_t *offs, int n)
{
    assert_true(c[0x06] & 0x10);   /* status: capabilities list */
    unsigned off = c[0x34];
    for (int i = 0; i < n; i++) {
        assert_int_equal(off, offs[i]);
        assert_int_equal(c[off], ids[i]);
        off = c[off + 1];
    }
    assert_int_equal(off, 0);
}

/* ---- pcie-root-port ---------------------------------------------------------- */

/* pc-q35-7.2, port=18, nec-usb-xhci at devfn 0, never started. */
static void test_root_port_fresh(void **state)
{
    uint32_t ver;
    section s = load("s-pc-q35-7.2--rp-xhci--fresh", "0000:00:12.0/pcie-root-port", &ver);
    assert_int_equal(ver, 1);
    const uint8_t *c = bytes(&s, "parent_obj.parent_obj.parent_obj.config[1]", 4096);
    check_header(c, 0x1b36, 0x000c, 0x00, 0x060400, 0x01);
    static const uint8_t ids[] = { 0x10, 0x11, 0x0d };
    static const uint8_t offs[] = { 0x54, 0x48, 0x40 };
    check_caps(c, ids, offs, 3);
    assert_int_equal(c[0x3d], 1);                   /* interrupt pin A */
    assert_int_equal(le16(c + 0x44), 0x1b36);       /* SSVID: Red Hat */
    /* three fields: PCIDevice, AER log, MSI-X state */
    assert_int_equal(vmc_value_count(s.v), 3);
    assert_int_equal(s.len, 4 + 4096 + 16 + 4 + 17);
    section_free(&s);
}

/* Registers of the same port (docs/device-config-facts.md, PCIe spec layout). */
static void test_root_port_registers(void **state)
{
    section s = load("s-pc-q35-7.2--rp-xhci--fresh", "0000:00:12.0/pcie-root-port", NULL);
    const uint8_t *c = bytes(&s, "parent_obj.parent_obj.parent_obj.config[1]", 4096);
    /* EXP flags: version 2, type 4 (root port), slot implemented (bit 8). */
    assert_int_equal(le16(c + 0x56), 0x0142);
    /* LNKCAP: port 18 in 31:24, 16 GT/s x32 defaults of 4.0+ machine types. */
    assert_int_equal(le32(c + 0x60), 0x12300604);
    /* SLTCAP: ABP PCP AIP PIP HPS HPC EIP, physical slot 0. */
    assert_int_equal(le32(c + 0x68), 0x0002007b);
    /* SLTCTL of a port with a device at devfn 0: powered, power indicator on. */
    assert_int_equal(le16(c + 0x6c), 0x01c0);
    /* AER (id 1, version 2) at 0x100, next ACS (id 0x0d) at 0x148. */
    assert_int_equal(le32(c + 0x100), 0x14820001);
    assert_int_equal(le16(c + 0x148), 0x000d);
    /* MSI-X: one vector, table and PBA in BAR0 at 0 and 0x800. */
    assert_int_equal(le16(c + 0x4a) & 0x7ff, 0);
    assert_int_equal(le32(c + 0x4c), 0x00000000);
    assert_int_equal(le32(c + 0x50), 0x00000800);
    /* irq_state: all pins low. */
    const vmc_value *irq = get(&s, "parent_obj.parent_obj.parent_obj.irq_state");
    assert_int_equal(vmc_value_count(irq), 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(vmc_value_int(vmc_value_at(irq, i)), 0);
    }
    /* AER log: empty, capacity aer_log_max (default 8). */
    assert_int_equal(uget(&s, "parent_obj.parent_obj.parent_obj.exp.aer_log.log_num"), 0);
    assert_int_equal(uget(&s, "parent_obj.parent_obj.parent_obj.exp.aer_log.log_max"), 8);
    /* MSI-X state (x-migrate-msix on): one entry, masked after reset. */
    const vmc_value *msix = get(&s, "parent_obj.parent_obj.parent_obj.parent_obj.msix");
    assert_int_equal(vmc_value_size(msix), 16 + 1);
    const vmc_value *table = vmc_value_get(msix, "table");
    assert_non_null(table);
    assert_int_equal(vmc_value_count(table), 1);
    assert_int_equal(vmc_value_uint(vmc_value_get(vmc_value_at(table, 0), "vector_control")) & 1,
                     1);
    section_free(&s);
}

/* An empty root port (pc-q35-6.0): slot powered off, indicators off. */
static void test_root_port_empty(void **state)
{
    section s = load("s-pc-q35-6.0--rp-empty--fresh", "0000:00:12.0/pcie-root-port", NULL);
    const uint8_t *c = bytes(&s, "parent_obj.parent_obj.parent_obj.config[1]", 4096);
    check_header(c, 0x1b36, 0x000c, 0x00, 0x060400, 0x01);
    assert_int_equal(le16(c + 0x6c), 0x07c0);
    assert_int_equal(le32(c + 0x60) >> 24, 18);     /* port=18 */
    section_free(&s);
}

/* pc-q35-2.12 (<= 3.1): x-speed=2_5, x-width=1 and disable-acs=true. */
static void test_root_port_old_machine(void **state)
{
    section s = load("s-pc-q35-2.12--full-q35--run1500", "0000:00:02.1/pcie-root-port", NULL);
    const uint8_t *c = bytes(&s, "parent_obj.parent_obj.parent_obj.config[1]", 4096);
    check_header(c, 0x1b36, 0x000c, 0x00, 0x060400, 0x01);
    /* port 17, ASPM L0s, x1, 2.5 GT/s */
    assert_int_equal(le32(c + 0x60), 0x11000411);
    /* AER is the last extended capability: no ACS */
    assert_int_equal(le32(c + 0x100), 0x00020001);
    /* 2.12 > 2.9: the MSI-X state is migrated */
    assert_non_null(vmc_value_get(s.v, "parent_obj.parent_obj.parent_obj.parent_obj"));
    section_free(&s);
}

/*
 * x-migrate-msix=off (machine types <= 2.9): the section ends after the
 * AER log.  Rebuilt by hand from a real section: the first 4096 + 20 + 4
 * bytes (PCIDevice + AER log) followed by a section footer (0x7e + be32
 * section id).  The field_exists hook must see that no MSI-X state follows;
 * with the MSI-X bytes in place it must see them.
 */
static void test_root_port_msix_test(void **state)
{
    section full = load("s-pc-q35-7.2--rp-xhci--fresh", "0000:00:12.0/pcie-root-port", NULL);
    const size_t head = 4 + 4096 + 16 + 4;
    assert_int_equal(full.len, head + 17);
    static const uint8_t footer[5] = { 0x7e, 0x00, 0x00, 0x00, 0x2a };

    /* without MSI-X: head + footer */
    section s = { .payload = malloc(head + 5) };
    memcpy(s.payload, full.payload, head);
    memcpy(s.payload + head, footer, 5);
    size_t used;
    assert_int_equal(decode_bytes(&s, "0000:00:12.0/pcie-root-port", 1, head + 5, &used), 0);
    assert_int_equal(used, head);
    assert_int_equal(vmc_value_count(s.v), 2);
    section_free(&s);

    /* without MSI-X, the payload bounded exactly */
    s = (section){ .payload = malloc(head) };
    memcpy(s.payload, full.payload, head);
    assert_int_equal(decode_bytes(&s, "0000:00:12.0/pcie-root-port", 1, head, &used), 0);
    assert_int_equal(used, head);
    assert_int_equal(vmc_value_count(s.v), 2);
    section_free(&s);

    /* with MSI-X: head + 17 + footer */
    s = (section){ .payload = malloc(full.len + 5) };
    memcpy(s.payload, full.payload, full.len);
    memcpy(s.payload + full.len, footer, 5);
    assert_int_equal(decode_bytes(&s, "0000:00:12.0/pcie-root-port", 1, full.len + 5, &used), 0);
    assert_int_equal(used, full.len);
    assert_int_equal(vmc_value_count(s.v), 3);
    section_free(&s);
    section_free(&full);
}

/* ---- pcie-pci-bridge, pci-bridge --------------------------------------------- */

/* SHPC register file: 31 slots starting at device 1, 33 MHz slots = 31. */
static void check_shpc(const uint8_t *shpc)
{
    assert_int_equal(le32(shpc + 0x04), 31);   /* SLOTS_33 */
    assert_int_equal(shpc[0x0c], 31);          /* NSLOTS */
    assert_int_equal(shpc[0x0d], 1);           /* FIRST_DEV */
}

static void test_pcie_pci_bridge(void **state)
{
    section s = load("s-pc-q35-7.2--full-q35--run1500", "0000:00:02.7:00.0/pcie-pci-bridge",
                     NULL);
    const uint8_t *c = bytes(&s, "parent_obj.config[1]", 4096);
    check_header(c, 0x1b36, 0x000e, 0x00, 0x060400, 0x01);
    static const uint8_t ids[] = { 0x05, 0x01, 0x10, 0x0c };
    static const uint8_t offs[] = { 0x8c, 0x84, 0x48, 0x40 };
    check_caps(c, ids, offs, 4);
    assert_int_equal(le16(c + 0x4a) & 0xff, 0x72);  /* EXP v2, PCIe-to-PCI bridge */
    assert_int_equal(le16(c + 0x100), 0x0001);      /* AER */
    check_shpc(bytes(&s, "shpc", 0x24 + 4 * 31));
    section_free(&s);
}

/* pc-i440fx-7.2: pci-bridge,chassis_nr=1 with an e1000 (default MAC) behind it. */
static void test_pci_bridge(void **state)
{
    section s = load("s-pc-i440fx-7.2--pci-bridge--fresh", "0000:00:02.0/pci_bridge", NULL);
    const uint8_t *c = bytes(&s, "parent_obj.config[0]", 256);
    check_header(c, 0x1b36, 0x0001, 0x00, 0x060400, 0x01);
    static const uint8_t ids[] = { 0x05, 0x04, 0x0c };
    static const uint8_t offs[] = { 0x4c, 0x48, 0x40 };
    check_caps(c, ids, offs, 3);
    assert_int_equal(c[0x48 + 3], 1);               /* slot id: chassis_nr=1 */
    assert_int_equal(c[0x10] & 0x07, 0x04);         /* BAR0: 64-bit memory (SHPC) */
    check_shpc(bytes(&s, "shpc", 160));
    section_free(&s);
}

/* ---- e1000 ------------------------------------------------------------------- */

static void test_e1000_default_mac(void **state)
{
    uint32_t ver;
    section s = load("s-pc-i440fx-7.2--pci-bridge--fresh", "0000:00:02.0:03.0/e1000", &ver);
    assert_int_equal(ver, 2);
    const uint8_t *c = bytes(&s, "parent_obj.config[0]", 256);
    check_header(c, 0x8086, 0x100e, 0x03, 0x020000, 0x00);
    assert_false(c[0x06] & 0x10);                   /* no capabilities */
    /* QEMU's first default MAC is 52:54:00:12:34:56: RAL0/RAH0 with AV. */
    const vmc_value *ra = get(&s, "mac_reg[0]");
    assert_int_equal(vmc_value_count(ra), 32);
    assert_int_equal(vmc_value_uint(vmc_value_at(ra, 0)), 0x12005452);
    assert_int_equal(vmc_value_uint(vmc_value_at(ra, 1)), 0x80005634);
    assert_int_equal(vmc_value_count(get(&s, "mac_reg[1]")), 128);   /* MTA */
    assert_int_equal(vmc_value_count(get(&s, "mac_reg[2]")), 128);   /* VFTA */
    /* EEPROM: MAC in words 0-2, device id in 11 and 13, Intel checksum 0xbaba. */
    const vmc_value *ee = get(&s, "eeprom_data");
    assert_int_equal(vmc_value_count(ee), 64);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 0)), 0x5452);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 1)), 0x1200);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 2)), 0x5634);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 11)), 0x100e);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 13)), 0x100e);
    unsigned sum = 0;
    for (int i = 0; i < 64; i++) {
        sum += (unsigned)vmc_value_uint(vmc_value_at(ee, i));
    }
    assert_int_equal(sum & 0xffff, 0xbaba);
    /* PHY: Marvell 88E1011, id 0x0141 / 0x0c20 */
    const vmc_value *phy = get(&s, "phy_reg");
    assert_int_equal(vmc_value_uint(vmc_value_at(phy, 2)), 0x0141);
    assert_int_equal(vmc_value_uint(vmc_value_at(phy, 3)), 0x0c20);
    /* all three compat subsections are on for pc-i440fx-7.2 */
    assert_int_equal(vmc_value_subsection_count(s.v), 3);
    assert_string_equal(vmc_value_name(vmc_value_subsection(s.v, 0)), "e1000/mit_state");
    assert_string_equal(vmc_value_name(vmc_value_subsection(s.v, 1)), "e1000/full_mac_state");
    assert_string_equal(vmc_value_name(vmc_value_subsection(s.v, 2)), "e1000/tx_tso_state");
    /* the full register file agrees with the RA slice: RA is at 0x5400 */
    const vmc_value *full = get(&s, "e1000/full_mac_state.mac_reg");
    assert_int_equal(vmc_value_count(full), 0x8000);
    assert_int_equal(vmc_value_uint(vmc_value_at(full, 0x5400 / 4)), 0x12005452);
    assert_int_equal(vmc_value_uint(vmc_value_at(full, 0x5404 / 4)), 0x80005634);
    section_free(&s);
}

/* A given MAC (52:54:00:aa:bb:01) after the firmware ran. */
static void test_e1000_given_mac(void **state)
{
    section s = load("s-pc-i440fx-7.2--e1000--run1000", "0000:00:02.0/e1000", NULL);
    const vmc_value *ee = get(&s, "eeprom_data");
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 0)), 0x5452);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 1)), 0xaa00);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 2)), 0x01bb);
    section_free(&s);
}

/*
 * Section version 1 (QEMU before 0.14) still had the 4-byte instance id
 * after the PCI device; version 2 drops it (is_version_1).  Built by hand
 * from a real version-2 section by inserting those 4 bytes.
 */
static void test_e1000_version_1(void **state)
{
    section v2 = load("s-pc-i440fx-7.2--e1000--run1000", "0000:00:02.0/e1000", NULL);
    const size_t pci = 4 + 256 + 16;
    section s = { .payload = malloc(v2.len + 4) };
    memcpy(s.payload, v2.payload, pci);
    memset(s.payload + pci, 0xee, 4);
    memcpy(s.payload + pci + 4, v2.payload + pci, v2.len - pci);
    size_t used;
    assert_int_equal(decode_bytes(&s, "0000:00:02.0/e1000", 1, v2.len + 4, &used), 0);
    assert_int_equal(used, v2.len + 4);
    /* both unused fields, then the same values as in version 2 */
    assert_int_equal(vmc_value_size(vmc_value_get(s.v, "unused[0]")), 4);
    assert_int_equal(vmc_value_size(vmc_value_get(s.v, "unused[1]")), 4);
    assert_int_equal(uget(&s, "rxbuf_size"), uget(&v2, "rxbuf_size"));
    assert_int_equal(vmc_value_count(s.v), vmc_value_count(v2.v) + 1);
    section_free(&s);
    /* version 2 has no instance id */
    assert_null(vmc_value_get(v2.v, "unused[0]"));
    section_free(&v2);
}

/* ---- e1000e ------------------------------------------------------------------ */

static void test_e1000e(void **state)
{
    section s = load("s-pc-q35-7.2--e1000e--fresh", "0000:00:01.0/e1000e", NULL);
    const uint8_t *c = bytes(&s, "parent_obj[0].config[1]", 4096);
    check_header(c, 0x8086, 0x10d3, 0x00, 0x020000, 0x00);
    assert_int_equal(le16(c + 0x2c), 0x8086);       /* subsystem vendor */
    assert_int_equal(le16(c + 0x2e), 0x0000);       /* subsystem id */
    static const uint8_t ids[] = { 0x01, 0x05, 0x10, 0x11 };
    static const uint8_t offs[] = { 0xc8, 0xd0, 0xe0, 0xa0 };
    check_caps(c, ids, offs, 4);
    /* EXP version 1; on the root bus QEMU makes it a root-complex integrated
     * endpoint (type 9) instead of an endpoint (type 0) */
    assert_int_equal(le16(c + 0xe2) & 0xff, 0x91);
    assert_int_equal(le16(c + 0xa2) & 0x7ff, 4);    /* MSI-X: 5 vectors */
    assert_int_equal(le16(c + 0x100), 0x0001);      /* AER */
    assert_int_equal(le16(c + 0x140), 0x0003);      /* DSN */
    /* MSI-X state: 5 entries + 1 PBA byte */
    const vmc_value *msix = get(&s, "parent_obj[1].msix");
    assert_int_equal(vmc_value_size(msix), 5 * 16 + 1);
    /* permanent MAC and RAL0/RAH0 (+AV) from mac=52:54:00:aa:bb:02 */
    const vmc_value *pm = get(&s, "core.permanent_mac");
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x02 };
    assert_int_equal(vmc_value_count(pm), 6);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(vmc_value_uint(vmc_value_at(pm, i)), mac[i]);
    }
    const vmc_value *regs = get(&s, "core.mac");
    assert_int_equal(vmc_value_count(regs), 0x8000);
    assert_int_equal(vmc_value_uint(vmc_value_at(regs, 0x5400 / 4)), 0xaa005452);
    assert_int_equal(vmc_value_uint(vmc_value_at(regs, 0x5404 / 4)), 0x800002bb);
    /* subsys/subsys_ven properties: 0 / Intel */
    assert_int_equal(uget(&s, "subsys"), 0);
    assert_int_equal(uget(&s, "subsys_ven"), 0x8086);
    /* 7 pages of 32 PHY registers, 5 EITR timers, 2 TX queues */
    assert_int_equal(vmc_value_count(get(&s, "core.phy")), 7 * 32);
    assert_int_equal(vmc_value_count(get(&s, "core.eitr")), 5);
    assert_int_equal(vmc_value_count(get(&s, "core.tx")), 2);
    /* never started: no interrupt delay timer armed (expiry -1) */
    assert_int_equal(vmc_value_int(get(&s, "core.itr.timer")), -1);
    assert_false(vmc_value_bool(get(&s, "core.itr.running")));
    section_free(&s);
}

/* The same device behind a root port (pc-q35-7.2 full, rp7): a plain endpoint. */
static void test_e1000e_behind_port(void **state)
{
    section s = load("s-pc-q35-7.2--full-q35--run1500", "0000:00:02.6:00.0/e1000e", NULL);
    const uint8_t *c = bytes(&s, "parent_obj[0].config[1]", 4096);
    check_header(c, 0x8086, 0x10d3, 0x00, 0x020000, 0x00);
    assert_int_equal(le16(c + 0xe2) & 0xff, 0x01);  /* EXP version 1, type 0 */
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x02 };
    const vmc_value *pm = get(&s, "core.permanent_mac");
    for (int i = 0; i < 6; i++) {
        assert_int_equal(vmc_value_uint(vmc_value_at(pm, i)), mac[i]);
    }
    section_free(&s);
}

/* ---- rtl8139, i6300esb, ivshmem ------------------------------------------------ */

static void test_rtl8139(void **state)
{
    uint32_t ver;
    section s = load("s-pc-i440fx-7.2--rtl8139--fresh", "0000:00:02.0/rtl8139", &ver);
    assert_int_equal(ver, 5);
    const uint8_t *c = bytes(&s, "parent_obj.config[0]", 256);
    check_header(c, 0x10ec, 0x8139, 0x20, 0x020000, 0x00);
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x03 };
    assert_memory_equal(bytes(&s, "conf.macaddr", 6), mac, 6);
    assert_memory_equal(bytes(&s, "phys", 6), mac, 6);
    /* 93C46 EEPROM: signature 0x8129, ids, MAC in words 7-9 */
    const vmc_value *ee = get(&s, "eeprom.contents");
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 0)), 0x8129);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 1)), 0x10ec);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 2)), 0x8139);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 7)), 0x5452);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 8)), 0xaa00);
    assert_int_equal(vmc_value_uint(vmc_value_at(ee, 9)), 0x03bb);
    /* version 5 carries RxOkMul and cplus_enabled; not hot-plugged: no marker */
    assert_non_null(vmc_value_get(s.v, "tally_counters.RxOkMul"));
    assert_non_null(vmc_value_get(s.v, "cplus_enabled"));
    assert_int_equal(vmc_value_subsection_count(s.v), 0);
    section_free(&s);
}

static void test_i6300esb(void **state)
{
    uint32_t ver;
    section s = load("s-pc-q35-7.2--i6300esb--fresh", "0000:00:01.0/i6300esb_wdt", &ver);
    assert_int_equal(ver, 10000);
    const uint8_t *c = bytes(&s, "dev.config[0]", 256);
    check_header(c, 0x8086, 0x25ab, 0x00, 0x088000, 0x00);
    /* reset state: reboot on expiry, 1 kHz clock, IRQ, stage 1, 0xfffff preloads */
    assert_int_equal(uget(&s, "reboot_enabled"), 1);
    assert_int_equal(uget(&s, "clock_scale"), 0);
    assert_int_equal(uget(&s, "int_type"), 0);
    assert_int_equal(uget(&s, "enabled"), 0);
    assert_int_equal(uget(&s, "locked"), 0);
    assert_int_equal(uget(&s, "timer1_preload"), 0xfffff);
    assert_int_equal(uget(&s, "timer2_preload"), 0xfffff);
    assert_int_equal(uget(&s, "stage"), 1);
    assert_int_equal(vmc_value_int(get(&s, "timer")), -1);
    section_free(&s);
}

static void test_ivshmem_plain(void **state)
{
    section s = load("s-pc-q35-7.2--ivshmem--fresh", "0000:00:01.0/ivshmem-plain", NULL);
    const uint8_t *c = bytes(&s, "parent_obj.config[0]", 256);
    check_header(c, 0x1af4, 0x1110, 0x01, 0x050000, 0x00);
    assert_false(c[0x06] & 0x10);                   /* plain: no MSI-X */
    assert_int_equal(c[0x18] & 0x0f, 0x0c);         /* BAR2: 64-bit prefetchable */
    assert_int_equal(uget(&s, "intrstatus"), 0);
    assert_int_equal(uget(&s, "intrmask"), 0);
    assert_int_equal(s.len, 4 + 256 + 16 + 4 + 4);
    section_free(&s);
}

/* ---- descriptors that never reach the wire -------------------------------------- */

static void test_unmigratable_and_absent(void **state)
{
    const vmc_vmsd *nvme = vmc_devices_find_vmsd("nvme");
    assert_non_null(nvme);
    assert_true(nvme->unmigratable);
    /* QEMU 7.2 gives pci-testdev no vmsd; only migratable devices are listed */
    assert_null(vmc_devices_find_vmsd("pci-testdev"));
    /* one vmsd serves pci-serial-2x and -4x */
    assert_non_null(vmc_devices_find_vmsd("pci-serial-multi"));
    assert_null(vmc_devices_find_vmsd("pci-serial-2x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_port_fresh),
        cmocka_unit_test(test_root_port_registers),
        cmocka_unit_test(test_root_port_empty),
        cmocka_unit_test(test_root_port_old_machine),
        cmocka_unit_test(test_root_port_msix_test),
        cmocka_unit_test(test_pcie_pci_bridge),
        cmocka_unit_test(test_pci_bridge),
        cmocka_unit_test(test_e1000_default_mac),
        cmocka_unit_test(test_e1000_given_mac),
        cmocka_unit_test(test_e1000_version_1),
        cmocka_unit_test(test_e1000e),
        cmocka_unit_test(test_e1000e_behind_port),
        cmocka_unit_test(test_rtl8139),
        cmocka_unit_test(test_i6300esb),
        cmocka_unit_test(test_ivshmem_plain),
        cmocka_unit_test(test_unmigratable_and_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
