/*
 * vmcompat pci-diff (vmcompat/pcidiff.h and the CLI verb).
 *
 * Expected values come from the PCI / PCI Express specifications (register
 * offsets and bit positions worked out by hand), from the masks QEMU 7.2
 * documents in its own refusal lines (../shared/docs/pci-config-compat.md,
 * the corpus scenarios), and from QEMU's "Bad config data" lines of the
 * corpus scenarios it refused: for each of them pci-diff of the scenario's
 * stream against the destination's arguments must list that byte as
 * refused, with QEMU's values and masks, and name the right register.
 */
#include "testutil.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcompat/model.h"
#include "vmcompat/pcidiff.h"
#include "vmcompat/source.h"

/* ---- helpers ------------------------------------------------------------------- */

static const vmc_model_pci *find_pci(const vmc_model *m, const char *type)
{
    for (size_t i = 0; i < vmc_model_pci_count(m); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, i);
        if (strcmp(p->type, type) == 0) {
            return p;
        }
    }
    fail_msg("no %s in the model", type);
    return NULL;
}

static vmc_model *build(const char *const *argv)
{
    int argc = 0;
    while (argv[argc]) {
        argc++;
    }
    vmc_model *m;
    if (vmc_model_build(&m, argc, argv, NULL)) {
        fail_msg("model: %s", vmc_error_last()->message);
    }
    return m;
}

static const vmc_pci_diff_byte *byte_at(const vmc_pci_diff_device *dev, unsigned off)
{
    for (size_t i = 0; i < dev->ndiff; i++) {
        if (dev->diffs[i].offset == off) {
            return &dev->diffs[i];
        }
    }
    return NULL;
}

/* Diff of the model's config of type with a copy where byte off is xor'ed with x. */
static vmc_pci_diff *flip(const vmc_model_pci *p, unsigned off, uint8_t x)
{
    uint8_t *a = g_memdup2(p->config, p->config_size);
    a[off] ^= x;
    vmc_pci_diff *d;
    assert_int_equal(vmc_pci_diff_config(&d, "s", p->type, a, p->config, p->config_size,
                                         p->cmask, p->wmask, p->w1cmask), 0);
    g_free(a);
    assert_int_equal(vmc_pci_diff_device_count(d), 1);
    return d;
}

/* ---- pcie-root-port: Slot Status Presence Detect State -------------------------- */

static void test_root_port_pds(void **state)
{
    (void)state;
    const char *argv[] = { "-M", "pc-q35-7.2", "-nodefaults", "-device",
                           "pcie-root-port,id=rp1,chassis=1,port=18,bus=pcie.0,addr=0x12", NULL };
    vmc_model *m = build(argv);
    const vmc_model_pci *p = find_pci(m, "pcie-root-port");
    /* the PCI Express capability of pcie-root-port sits at 0x54: Slot Status = 0x54 + 0x1a */
    vmc_pci_diff *d = flip(p, 0x6e, 0x40);
    const vmc_pci_diff_device *dev = vmc_pci_diff_device_at(d, 0);
    assert_int_equal(dev->verdict, VMC_PCI_DIFF_REFUSED);
    assert_int_equal(vmc_pci_diff_verdict_of(d), VMC_PCI_DIFF_REFUSED);
    assert_int_equal(dev->ndiff, 1);
    const vmc_pci_diff_byte *b = byte_at(dev, 0x6e);
    assert_non_null(b);
    assert_string_equal(b->reg, "Slot Status");
    assert_string_equal(b->capability, "PCI Express");
    assert_int_equal(b->cap_offset, 0x54);
    assert_int_equal(b->reg_offset, 0x6e);
    assert_string_equal(b->location, "PCIe Slot Status @0x6e (cap 0x54 + 0x1a)");
    /* QEMU 7.2's own line for this byte: cmask: ff wmask: 0 w1cmask:19 */
    assert_true(b->masks_known);
    assert_int_equal(b->cmask, 0xff);
    assert_int_equal(b->wmask, 0x00);
    assert_int_equal(b->w1cmask, 0x19);
    assert_int_equal(b->checked_bits, 0x40);
    assert_int_equal(b->nbits, 1);
    assert_int_equal(b->bits[0].bit, 6);
    assert_string_equal(b->bits[0].name, "SLTSTA_PDS");
    assert_string_equal(b->bits[0].description, "Presence Detect State");
    assert_int_equal(b->bits[0].verdict, VMC_PCI_BIT_REFUSED);
    assert_true(b->bits[0].false_incompatibility);
    vmc_pci_diff_free(d);

    /* Presence Detect Changed (bit 3) is w1c: ignored */
    d = flip(p, 0x6e, 0x08);
    b = byte_at(vmc_pci_diff_device_at(d, 0), 0x6e);
    assert_string_equal(b->bits[0].name, "SLTSTA_PDC");
    assert_int_equal(b->bits[0].verdict, VMC_PCI_BIT_IGNORED_W1C);
    assert_false(b->bits[0].false_incompatibility);
    assert_int_equal(vmc_pci_diff_verdict_of(d), VMC_PCI_DIFF_ACCEPTED);
    vmc_pci_diff_free(d);

    /* Command bit 2, Bus Master Enable: writable (wmask 0x0507) */
    d = flip(p, 0x04, 0x04);
    b = byte_at(vmc_pci_diff_device_at(d, 0), 0x04);
    assert_string_equal(b->reg, "Command");
    assert_null(b->capability);
    assert_string_equal(b->location, "Command @0x04");
    assert_string_equal(b->bits[0].name, "COMMAND_MASTER");
    assert_int_equal(b->bits[0].verdict, VMC_PCI_BIT_IGNORED_WRITABLE);
    assert_int_equal(b->checked_bits, 0);
    assert_int_equal(vmc_pci_diff_verdict_of(d), VMC_PCI_DIFF_ACCEPTED);
    vmc_pci_diff_free(d);

    /* type 1 header: Bridge Control (0x3e) bit 6 Secondary Bus Reset is writable;
     * byte 0x3f bit 2 = bit 10 Discard Timer Status is w1c (0x0400) */
    d = flip(p, 0x3e, 0x40);
    b = byte_at(vmc_pci_diff_device_at(d, 0), 0x3e);
    assert_string_equal(b->reg, "Bridge Control");
    assert_string_equal(b->bits[0].name, "BRIDGE_CONTROL_BUS_RESET");
    assert_int_equal(b->bits[0].verdict, VMC_PCI_BIT_IGNORED_WRITABLE);
    vmc_pci_diff_free(d);
    d = flip(p, 0x3f, 0x04);
    b = byte_at(vmc_pci_diff_device_at(d, 0), 0x3f);
    assert_string_equal(b->location, "byte 1 of Bridge Control @0x3e");
    assert_string_equal(b->bits[0].name, "BRIDGE_CONTROL_DISCARD_STATUS");
    assert_int_equal(b->bits[0].verdict, VMC_PCI_BIT_IGNORED_W1C);
    vmc_pci_diff_free(d);

    /* type 1 header: Secondary Bus Number (0x19) is writable */
    d = flip(p, 0x19, 0x01);
    b = byte_at(vmc_pci_diff_device_at(d, 0), 0x19);
    assert_string_equal(b->reg, "Secondary Bus Number");
    assert_int_equal(b->bits[0].verdict, VMC_PCI_BIT_IGNORED_WRITABLE);
    vmc_pci_diff_free(d);

    /* Vendor ID is checked and read-only */
    d = flip(p, 0x00, 0x01);
    b = byte_at(vmc_pci_diff_device_at(d, 0), 0x00);
    assert_string_equal(b->reg, "Vendor ID");
    assert_string_equal(b->bits[0].name, "VENDOR_ID[0]");
    assert_int_equal(b->bits[0].verdict, VMC_PCI_BIT_REFUSED);
    assert_false(b->bits[0].false_incompatibility);
    vmc_pci_diff_free(d);
    vmc_model_free(m);
}

/* ---- hand-built config spaces (no masks) ------------------------------------------ */

static void put16(uint8_t *c, unsigned off, uint16_t v)
{
    c[off] = (uint8_t)v;
    c[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *c, unsigned off, uint32_t v)
{
    put16(c, off, (uint16_t)v);
    put16(c, off + 2, (uint16_t)(v >> 16));
}

/*
 * A PCIe endpoint: PM at 0x40 -> PCI Express at 0x50 -> MSI (64-bit) at
 * 0x90 -> MSI-X at 0xa0; extended: AER at 0x100 -> ARI at 0x148 -> ACS at
 * 0x150 -> SR-IOV at 0x160.
 */
static void endpoint(uint8_t *c)
{
    memset(c, 0, 4096);
    put16(c, 0x00, 0x8086);
    put16(c, 0x02, 0x10d3);
    put16(c, 0x06, 0x0010);        /* capabilities list */
    c[0x34] = 0x40;
    c[0x40] = 0x01; c[0x41] = 0x50; put16(c, 0x42, 0x0003);
    c[0x50] = 0x10; c[0x51] = 0x90; put16(c, 0x52, 0x0002);  /* v2 endpoint */
    c[0x90] = 0x05; c[0x91] = 0xa0; put16(c, 0x92, 0x0080);  /* 64-bit MSI */
    c[0xa0] = 0x11; c[0xa1] = 0x00; put16(c, 0xa2, 0x0004);  /* 5 vectors */
    put32(c, 0x100, 0x0001 | 2u << 16 | 0x148u << 20);
    put32(c, 0x148, 0x000e | 1u << 16 | 0x150u << 20);
    put32(c, 0x150, 0x000d | 1u << 16 | 0x160u << 20);
    put32(c, 0x160, 0x0010 | 1u << 16 | 0x000u << 20);
}

static const vmc_pci_diff_byte *diff1(vmc_pci_diff **d, const uint8_t *a, const uint8_t *b,
                                      unsigned off)
{
    assert_int_equal(vmc_pci_diff_config(d, NULL, NULL, a, b, 4096, NULL, NULL, NULL), 0);
    const vmc_pci_diff_device *dev = vmc_pci_diff_device_at(*d, 0);
    assert_int_equal(dev->ndiff, 1);
    assert_int_equal(dev->verdict, VMC_PCI_DIFF_DIFFER);
    assert_int_equal(dev->diffs[0].offset, off);
    assert_false(dev->diffs[0].masks_known);
    return &dev->diffs[0];
}

typedef struct named {
    unsigned off;
    uint8_t x;
    const char *reg, *cap, *location;
    unsigned bit;
    const char *bit_name;
} named;

static void test_capability_names(void **state)
{
    (void)state;
    static const named cases[] = {
        /* MSI-X Message Control @0xa2: bit 15 (byte 1 bit 7) Enable, bits 10:0 Table Size */
        { 0xa3, 0x80, "Message Control", "MSI-X", "byte 1 of MSI-X Message Control @0xa2 "
          "(cap 0xa0 + 0x02)", 7, "MSIX_FLAGS_ENABLE" },
        { 0xa3, 0x40, "Message Control", "MSI-X", NULL, 6, "MSIX_FLAGS_MASKALL" },
        { 0xa2, 0x04, "Message Control", "MSI-X", "MSI-X Message Control @0xa2 (cap 0xa0 + "
          "0x02)", 2, "MSIX_FLAGS_QSIZE[2]" },
        /* MSI-X Table Offset/BIR @0xa4: bits 2:0 BIR */
        { 0xa4, 0x01, "Table Offset/BIR", "MSI-X", NULL, 0, "MSIX_TABLE_BIR[0]" },
        /* 64-bit MSI: data at +0x0c */
        { 0x92, 0x01, "Message Control", "MSI", NULL, 0, "MSI_FLAGS_ENABLE" },
        { 0x9c, 0x01, "Message Data", "MSI", NULL, 0, "MSI_DATA_64[0]" },
        /* PM Control/Status @0x44: bits 1:0 PowerState, bit 3 No_Soft_Reset, bit 15 PME_Status */
        { 0x44, 0x08, "Power Management Control/Status", "Power Management", NULL, 3,
          "PM_CTRL_NO_SOFT_RESET" },
        { 0x45, 0x80, "Power Management Control/Status", "Power Management", NULL, 7,
          "PM_CTRL_PME_STATUS" },
        /* PCI Express @0x50: DevCap +4 bit 28 FLR = byte 0x57 bit 4; DevCtl +8; DevSta +0xa */
        { 0x57, 0x10, "Device Capabilities", "PCI Express", "byte 3 of PCIe Device Capabilities "
          "@0x54 (cap 0x50 + 0x04)", 4, "DEVCAP_FLR" },
        { 0x58, 0x01, "Device Control", "PCI Express", NULL, 0, "DEVCTL_CERE" },
        { 0x5a, 0x04, "Device Status", "PCI Express", NULL, 2, "DEVSTA_FED" },
        /* LnkCap +0xc, LnkCtl +0x10 bit 4 Link Disable, LnkSta +0x12 bit 13 DLLLA */
        { 0x5c, 0x01, "Link Capabilities", "PCI Express", NULL, 0, "LNKCAP_SLS[0]" },
        { 0x60, 0x10, "Link Control", "PCI Express", NULL, 4, "LNKCTL_LD" },
        { 0x63, 0x20, "Link Status", "PCI Express", NULL, 5, "LNKSTA_DLLLA" },
        /* SltCap +0x14 bit 6 HPC, SltCtl +0x18 bit 10 PCC, SltSta +0x1a bit 8 DLLSC, bit 0 ABP */
        { 0x64, 0x40, "Slot Capabilities", "PCI Express", NULL, 6, "SLTCAP_HPC" },
        { 0x69, 0x04, "Slot Control", "PCI Express", NULL, 2, "SLTCTL_PCC" },
        { 0x6b, 0x01, "Slot Status", "PCI Express", NULL, 0, "SLTSTA_DLLSC" },
        { 0x6a, 0x01, "Slot Status", "PCI Express", NULL, 0, "SLTSTA_ABP" },
        /* RootCtl +0x1c bit 3 PME Interrupt Enable */
        { 0x6c, 0x08, "Root Control", "PCI Express", NULL, 3, "RTCTL_PMEIE" },
        /* DevCap2 +0x24 bit 5 ARI Forwarding; DevCtl2 +0x28 bit 5; LnkCtl2 +0x30 bits 3:0 */
        { 0x74, 0x20, "Device Capabilities 2", "PCI Express", NULL, 5, "DEVCAP2_ARI" },
        { 0x78, 0x20, "Device Control 2", "PCI Express", NULL, 5, "DEVCTL2_ARI" },
        { 0x80, 0x02, "Link Control 2", "PCI Express", NULL, 1, "LNKCTL2_TLS[1]" },
        /* AER @0x100: Uncorrectable Mask +8 bit 22 = byte 0x10a bit 6 */
        { 0x10a, 0x40, "Uncorrectable Error Mask", "Advanced Error Reporting",
          "byte 2 of AER Uncorrectable Error Mask @0x108 (cap 0x100 + 0x08)", 6,
          "ERR_UNCOR_MASK_INTN" },
        /* ARI @0x148: ARI Capability +4, bits 15:8 next function = byte 0x14d */
        { 0x14d, 0x01, "ARI Capability", "Alternative Routing-ID Interpretation", NULL, 0,
          "ARI_CAP_NFN[0]" },
        /* ACS @0x150: control +6 bit 0 Source Validation */
        { 0x156, 0x01, "ACS Control", "Access Control Services", NULL, 0, "ACS_CTRL_SV" },
        /* SR-IOV @0x160: control +8 bit 0 VF Enable, NumVFs +0x10 */
        { 0x168, 0x01, "SR-IOV Control", "Single Root I/O Virtualization", NULL, 0,
          "SRIOV_CTRL_VFE" },
        { 0x170, 0x02, "NumVFs", "Single Root I/O Virtualization", NULL, 1, "SRIOV_NUM_VF[1]" },
        /* header: Interrupt Line / Pin, Status bit 4 */
        { 0x3d, 0x01, "Interrupt Pin", NULL, "Interrupt Pin @0x3d", 0, "INTERRUPT_PIN[0]" },
        { 0x06, 0x10, "Status", NULL, NULL, 4, "STATUS_CAP_LIST" },
        { 0x07, 0x20, "Status", NULL, NULL, 5, "STATUS_REC_MASTER_ABORT" },
        /* a memory BAR's low byte: bit 3 prefetchable */
        { 0x10, 0x08, "Base Address Register 0", NULL, NULL, 3, "BAR0_MEM_PREFETCH" },
    };
    uint8_t *a = g_malloc(4096), *b = g_malloc(4096);
    endpoint(b);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const named *n = &cases[i];
        memcpy(a, b, 4096);
        a[n->off] ^= n->x;
        vmc_pci_diff *d;
        const vmc_pci_diff_byte *db = diff1(&d, a, b, n->off);
        if (strcmp(db->reg, n->reg) != 0 || (n->cap ? !db->capability ||
                                             strcmp(db->capability, n->cap) != 0
                                                    : db->capability != NULL)) {
            fail_msg("0x%x: %s / %s, expected %s / %s", n->off, db->reg,
                     db->capability ? db->capability : "header", n->reg,
                     n->cap ? n->cap : "header");
        }
        if (n->location) {
            assert_string_equal(db->location, n->location);
        }
        assert_int_equal(db->nbits, 1);
        assert_int_equal(db->bits[0].bit, n->bit);
        assert_string_equal(db->bits[0].name, n->bit_name);
        assert_int_equal(db->bits[0].verdict, VMC_PCI_BIT_UNKNOWN);
        vmc_pci_diff_free(d);
    }
    /* a capability only one side has is named from that side's layout */
    memcpy(a, b, 4096);
    a[0xa1] = 0xc0;   /* MSI-X -> vendor specific at 0xc0 on side a only */
    a[0xc0] = 0x09; a[0xc2] = 0x08;
    vmc_pci_diff *d;
    assert_int_equal(vmc_pci_diff_config(&d, NULL, NULL, a, b, 4096, NULL, NULL, NULL), 0);
    const vmc_pci_diff_byte *db = byte_at(vmc_pci_diff_device_at(d, 0), 0xc0);
    assert_non_null(db);
    assert_string_equal(db->capability, "Vendor Specific");
    assert_string_equal(db->reg, "Capability ID");
    vmc_pci_diff_free(d);
    g_free(a);
    g_free(b);
}

/* Looping and out-of-range capability lists end the walk; no crash, no hang. */
static void test_bad_lists(void **state)
{
    (void)state;
    uint8_t *a = g_malloc0(4096), *b = g_malloc0(4096);
    put16(b, 0x06, 0x10);
    b[0x34] = 0x40;
    b[0x40] = 0x10; b[0x41] = 0x40;              /* points at itself */
    put32(b, 0x100, 0x0001 | 0x100u << 20);      /* extended loop */
    memcpy(a, b, 4096);
    a[0xfe] ^= 1;
    a[0xffc] ^= 1;
    a[0x150] ^= 1;
    vmc_pci_diff *d;
    assert_int_equal(vmc_pci_diff_config(&d, NULL, NULL, a, b, 4096, NULL, NULL, NULL), 0);
    const vmc_pci_diff_device *dev = vmc_pci_diff_device_at(d, 0);
    assert_int_equal(dev->ndiff, 3);
    assert_string_equal(byte_at(dev, 0xfe)->reg, "device-specific");
    assert_string_equal(byte_at(dev, 0xffc)->reg, "device-specific");
    vmc_pci_diff_free(d);
    /* bad sizes are usage errors */
    assert_int_equal(vmc_pci_diff_config(&d, NULL, NULL, a, b, 100, NULL, NULL, NULL),
                     VMC_EUSAGE);
    g_free(a);
    g_free(b);
}

/* ---- two streams ------------------------------------------------------------------ */

static vmc_source *corpus_source(const char *id, uint8_t **keep)
{
    size_t len;
    *keep = tu_corpus_stream(id, &len);
    vmc_source *src;
    assert_int_equal(vmc_source_open_memory(&src, *keep, len, id), 0);
    return src;
}

/*
 * The root port at 00:12.0 in two q35-6.0 streams: QEMU read Slot Status 0x18
 * from the first ("read: 18" in its refusal) and 0x40 from the second ("read: 40").
 */
static void test_two_streams(void **state)
{
    (void)state;
    for (int with_masks = 0; with_masks < 2; with_masks++) {
        uint8_t *ka, *kb;
        vmc_source *a = corpus_source("pds-guest-poweroff-to-cold-q35-6.0", &ka);
        vmc_source *b = corpus_source("missing-rp-xhci-q35-6.0", &kb);
        const char *argv[] = { "-M", "pc-q35-6.0", "-nodefaults", "-device",
                               "pcie-root-port,port=18,chassis=19,id=rp18,bus=pcie.0,addr=0x12",
                               NULL };
        vmc_model *m = with_masks ? build(argv) : NULL;
        vmc_pci_diff *d;
        assert_int_equal(vmc_pci_diff_streams(&d, a, b, m, NULL), 0);
        assert_int_equal(vmc_pci_diff_masks_known(d), with_masks);
        const vmc_pci_diff_device *rp = NULL;
        for (size_t i = 0; i < vmc_pci_diff_device_count(d); i++) {
            const vmc_pci_diff_device *x = vmc_pci_diff_device_at(d, i);
            if (strcmp(x->section, "0000:00:12.0/pcie-root-port") == 0) {
                rp = x;
            }
        }
        assert_non_null(rp);
        assert_string_equal(rp->bdf, "0000:00:12.0");
        const vmc_pci_diff_byte *sb = byte_at(rp, 0x6e);
        assert_non_null(sb);
        assert_int_equal(sb->a, 0x18);
        assert_int_equal(sb->b, 0x40);
        assert_string_equal(sb->reg, "Slot Status");
        const vmc_pci_diff_bit *pds = NULL;
        for (size_t k = 0; k < sb->nbits; k++) {
            if (sb->bits[k].bit == 6) {
                pds = &sb->bits[k];
            }
        }
        assert_non_null(pds);
        assert_string_equal(pds->name, "SLTSTA_PDS");
        if (with_masks) {
            assert_int_equal(pds->verdict, VMC_PCI_BIT_REFUSED);
            assert_true(pds->false_incompatibility);
            assert_int_equal(sb->checked_bits, 0x40);
            assert_int_equal(rp->verdict, VMC_PCI_DIFF_REFUSED);
            assert_int_equal(vmc_pci_diff_verdict_of(d), VMC_PCI_DIFF_REFUSED);
        } else {
            assert_int_equal(pds->verdict, VMC_PCI_BIT_UNKNOWN);
            assert_false(sb->masks_known);
            assert_int_equal(rp->verdict, VMC_PCI_DIFF_DIFFER);
            assert_int_equal(vmc_pci_diff_verdict_of(d), VMC_PCI_DIFF_DIFFER);
        }
        vmc_pci_diff_free(d);
        vmc_model_free(m);
        vmc_source_free(a);
        vmc_source_free(b);
        free(ka);
        free(kb);
    }
}

/* ---- CLI usage ------------------------------------------------------------------ */

static void test_cli_usage(void **state)
{
    (void)state;
    const char *none[] = { "vmcompat", "pci-diff", NULL };
    const char *one[] = { "vmcompat", "pci-diff", "x.mig", NULL };
    const char *three[] = { "vmcompat", "pci-diff", "a", "b", "c", NULL };
    const char *fmt[] = { "vmcompat", "pci-diff", "--format", "xml", "a", "b", NULL };
    const char *col[] = { "vmcompat", "pci-diff", "--color", "sometimes", "a", "b", NULL };
    const char *const *cases[] = { none, one, three, fmt, col };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL, *err = NULL;
        assert_int_equal(tu_run_cli(cases[i], NULL, 0, &out, NULL, &err), 2);
        assert_non_null(strstr(err, "pci-diff"));
        free(out);
        free(err);
    }
}

/* ---- CLI JSON against schemas/pci-diff.schema.json (python3-jsonschema) ---------------- */

static void validate(const char *args, const char *stdin_gz)
{
    char *cmd = g_strdup_printf("/usr/bin/python3 %s/tests/validate_json_schema.py "
                                "%s/schemas/pci-diff.schema.json %s pci-diff --format json %s "
                                "--stdin %s", tu_source_dir(), tu_source_dir(), tu_cli(), args,
                                stdin_gz);
    int rc = system(cmd);
    if (rc != 0) {
        fail_msg("schema validation failed (%d): %s", rc, cmd);
    }
    g_free(cmd);
}

static void test_cli_json_schema(void **state)
{
    (void)state;
    char *gz = g_strdup(tu_corpus_path("streams/pds-guest-poweroff-to-cold-q35-6.0.mig.gz"));
    /* stream against a destination: refused, with masks */
    validate("- -- -M pc-q35-6.0 -nodefaults -m 128 -device "
             "pcie-root-port,port=18,chassis=19,id=rp18,bus=pcie.0,addr=0x12 -device "
             "nec-usb-xhci,p2=4,p3=4,id=xhci0,bus=rp18,addr=0x0", gz);
    /* two streams without masks (nulls), with devices on one side only */
    size_t len;
    uint8_t *other = tu_corpus_stream("prop-hda-msi-q35-7.2", &len);
    char *path = tu_temp_file(other, len, ".mig");
    char *args = g_strdup_printf("- %s", path);
    validate(args, gz);
    /* and with masks from QEMU arguments */
    g_free(args);
    args = g_strdup_printf("- %s -- -M pc-q35-6.0 -nodefaults -device "
                           "pcie-root-port,port=18,chassis=19,id=rp18,bus=pcie.0,addr=0x12",
                           path);
    validate(args, gz);
    unlink(path);
    free(path);
    g_free(args);
    free(other);
    g_free(gz);
}

/* ---- corpus scenarios QEMU refused with "Bad config data" --------------------------- */

/* The register (and capability) QEMU's failing byte is in, worked out by hand from the
 * device's capability layout (pci-config-compat.md, device-config-facts) and the spec. */
static const struct {
    const char *id;
    const char *reg, *cap;
    const char *bit;            /* a refused bit expected among the differences, or NULL */
} expected_regs[] = {
    { "extra-rp-xhci-q35-5.2-run", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "missing-balloon-q35-6.0-run", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "missing-rp-xhci-q35-6.0", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "mut-flip-vendor-id-q35-6.0", "Vendor ID", NULL, "VENDOR_ID[0]" },
    { "pds-empty-to-extra-q35-7.2-native", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "pds-guest-poweroff-to-cold-q35-6.0", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "pds-guest-poweroff-to-cold-q35-7.2-native", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "pds-ioh3420-empty-to-extra-q35-6.0", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "pds-xio3130-empty-to-extra-q35-6.0", "Slot Status", "PCI Express", "SLTSTA_PDS" },
    { "prop-hda-msi-q35-7.2", "Status", NULL, "STATUS_CAP_LIST" },
    /* 0x7b vs 0x1b in Slot Capabilities byte 0: bits 5 (HPS) and 6 (HPC) */
    { "prop-rp-hotplug-off-q35-6.0", "Slot Capabilities", "PCI Express", "SLTCAP_HPC" },
    /* MSI-X at 0x98: Message Control byte 0 = Table Size bits 7:0 (1 vs 4: bits 0, 2) */
    { "prop-virtio-blk-queues-q35-7.2", "Message Control", "MSI-X", "MSIX_FLAGS_QSIZE[0]" },
    /* Device ID 0x1041 (modern virtio-net) vs 0x1000 (transitional) */
    { "prop-virtio-net-legacy-q35-7.2", "Device ID", NULL, "DEVICE_ID[0]" },
    /* 3 vs 9 vectors - 1: Table Size bits 1 and 3 */
    { "prop-virtio-net-mq-pc-7.2", "Message Control", "MSI-X", "MSIX_FLAGS_QSIZE[3]" },
};

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static char tmpdir[] = "/tmp/vmc-pcidiff-XXXXXX";

/* -M machine -nodefaults -m N -device ... extra_args..., NULL-terminated */
static GPtrArray *dest_argv(json_object *dst)
{
    GPtrArray *a = tu_scenario_args(dst, tmpdir);
    g_ptr_array_insert(a, 0, g_strdup("-nodefaults"));
    g_ptr_array_insert(a, 0, g_strdup(jstr(dst, "machine")));
    g_ptr_array_insert(a, 0, g_strdup("-M"));
    return a;
}

static void check_scenario(json_object *sc, const char *line, const char *where)
{
    const char *id = jstr(sc, "id");
    unsigned off, rd, dv, cm, wm, w1;
    if (sscanf(line, "get_pci_config_device: Bad config data: i=0x%x read: %x device: %x "
               "cmask: %x wmask: %x w1cmask:%x", &off, &rd, &dv, &cm, &wm, &w1) != 6) {
        fail_msg("%s: cannot parse '%s'", id, line);
    }
    /* "error while loading state for instance 0x0 of device '<idstr>'" */
    char section[256] = "";
    unsigned inst = 0;
    if (!where || sscanf(where, "error while loading state for instance 0x%x of device '%255[^']'",
                         &inst, section) != 2) {
        fail_msg("%s: no device named in QEMU's lines", id);
    }
    GPtrArray *argv = dest_argv(json_object_object_get(sc, "dst"));
    vmc_model *m = build((const char *const *)argv->pdata);
    const char *base = strrchr(jstr(sc, "stream"), '/') + 1;
    char *sid = g_strndup(base, strlen(base) - strlen(".mig.gz"));
    size_t len;
    uint8_t *bytes = tu_corpus_stream(sid, &len);
    g_free(sid);
    vmc_source *src;
    assert_int_equal(vmc_source_open_memory(&src, bytes, len, id), 0);
    vmc_pci_diff *d;
    if (vmc_pci_diff_stream_model(&d, src, m, NULL)) {
        fail_msg("%s: pci-diff: %s", id, vmc_error_last()->message);
    }
    assert_int_equal(vmc_pci_diff_verdict_of(d), VMC_PCI_DIFF_REFUSED);
    const vmc_pci_diff_device *dev = NULL;
    for (size_t i = 0; i < vmc_pci_diff_device_count(d); i++) {
        const vmc_pci_diff_device *x = vmc_pci_diff_device_at(d, i);
        if (strcmp(x->section, section) == 0 && x->instance_id == inst) {
            dev = x;
        }
    }
    if (!dev) {
        fail_msg("%s: device %s not in the diff", id, section);
    }
    assert_int_equal(dev->verdict, VMC_PCI_DIFF_REFUSED);
    const vmc_pci_diff_byte *b = byte_at(dev, off);
    if (!b) {
        fail_msg("%s: byte 0x%x not listed", id, off);
    }
    /* QEMU's values and masks */
    if (b->a != rd || b->b != dv || b->cmask != cm || b->wmask != wm || b->w1cmask != w1) {
        fail_msg("%s: 0x%x: ours a %x b %x cmask %x wmask %x w1c %x; QEMU: %s", id, off, b->a,
                 b->b, b->cmask, b->wmask, b->w1cmask, line);
    }
    assert_int_equal(b->checked_bits, (rd ^ dv) & cm & ~wm & ~w1);
    assert_true(b->checked_bits != 0);
    /* refused bits exactly the checked ones */
    for (size_t k = 0; k < b->nbits; k++) {
        bool checked = b->checked_bits & (1u << b->bits[k].bit);
        assert_int_equal(b->bits[k].verdict == VMC_PCI_BIT_REFUSED, checked);
    }
    size_t n = sizeof(expected_regs) / sizeof(expected_regs[0]), i;
    for (i = 0; i < n && strcmp(expected_regs[i].id, id) != 0; i++) {
    }
    if (i == n) {
        fail_msg("%s: new corpus scenario: add its register to expected_regs (byte 0x%x is %s)",
                 id, off, b->location);
    }
    if (strcmp(b->reg, expected_regs[i].reg) != 0 ||
        (expected_regs[i].cap ? !b->capability || strcmp(b->capability, expected_regs[i].cap)
                              : b->capability != NULL)) {
        fail_msg("%s: byte 0x%x named %s, expected %s (%s)", id, off, b->location,
                 expected_regs[i].reg, expected_regs[i].cap ? expected_regs[i].cap : "header");
    }
    bool found = false;
    for (size_t k = 0; k < b->nbits; k++) {
        if (strcmp(b->bits[k].name, expected_regs[i].bit) == 0) {
            found = b->bits[k].verdict == VMC_PCI_BIT_REFUSED;
            /* only PDS is a false incompatibility */
            assert_int_equal(b->bits[k].false_incompatibility,
                             strcmp(b->bits[k].name, "SLTSTA_PDS") == 0);
        }
    }
    if (!found) {
        fail_msg("%s: bit %s not refused at 0x%x", id, expected_regs[i].bit, off);
    }
    vmc_pci_diff_free(d);
    vmc_source_free(src);
    free(bytes);
    vmc_model_free(m);
    g_ptr_array_free(argv, TRUE);
}

static void test_corpus_scenarios(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(tmpdir));
    char *dir = g_strdup_printf("%s/scenarios", tu_corpus_dir());
    GDir *gd = g_dir_open(dir, 0, NULL);
    assert_non_null(gd);
    const char *name;
    size_t checked = 0;
    while ((name = g_dir_read_name(gd))) {
        if (!g_str_has_suffix(name, ".json")) {
            continue;
        }
        char *rel = g_strdup_printf("scenarios/%s", name);
        json_object *sc = tu_corpus_json(rel);
        g_free(rel);
        json_object *verdict = json_object_object_get(sc, "verdict");
        json_object *lines = verdict ? json_object_object_get(verdict, "error_lines") : NULL;
        const char *bad = NULL, *where = NULL;
        for (size_t k = 0; lines && k < json_object_array_length(lines); k++) {
            const char *l = json_object_get_string(json_object_array_get_idx(lines, k));
            if (!bad && strstr(l, "Bad config data: i=0x")) {
                bad = l;
            }
            if (!where && g_str_has_prefix(l, "error while loading state for instance")) {
                where = l;
            }
        }
        if (bad) {
            check_scenario(sc, bad, where);
            checked++;
        }
        json_object_put(sc);
    }
    g_dir_close(gd);
    g_free(dir);
    char *rm = g_strdup_printf("rm -rf %s", tmpdir);
    assert_int_equal(system(rm), 0);
    g_free(rm);
    /* 14 scenarios in the corpus today */
    assert_true(checked >= 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_port_pds),
        cmocka_unit_test(test_capability_names),
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test(test_two_streams),
        cmocka_unit_test(test_cli_usage),
        cmocka_unit_test(test_cli_json_schema),
        cmocka_unit_test(test_corpus_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
