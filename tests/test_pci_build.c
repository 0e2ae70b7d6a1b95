/*
 * The PCI config-space builder (src/devices/pci_build.h) against QEMU 7.2.
 *
 *  1. Masks worked out by hand from the QEMU 7.2 rules written down in
 *     shared/docs/pci-config-compat.md section 1 (header defaults, BAR
 *     sizing, capability chain, MSI / MSI-X, the root port's slot, link,
 *     AER and ACS registers), and bad input.
 *  2. Config bytes: the test builds real devices by calling the API in the
 *     order their QEMU realize functions do (generic pcie-root-port,
 *     ioh3420, e1000, nec-usb-xhci behind a root port) and compares every
 *     byte with the PCIDevice config of never-started QEMU 7.2 machines:
 *     corpus streams, and streams the installed QEMU writes here (q35 7.2,
 *     6.1 and 6.0, the last with native PCIe hot-plug).
 *  3. The masks against QEMU's own load check: single bits of a device's
 *     config are flipped inside a fresh stream, the stream is loaded into
 *     QEMU started with the same command line, and QEMU must refuse the
 *     load ("Bad config data: i=0x..") exactly when
 *     (received ^ local) & cmask & ~wmask & ~w1cmask != 0.  A bounded sample
 *     runs by default; VMC_PCI_SWEEP=all (every bit of the interesting
 *     ranges; VMC_PCI_SWEEP_DEV=<idstr part> limits it to one device) or
 *     VMC_PCI_SWEEP=<n> (n random bits) run more; VMC_PCI_JOBS sets the
 *     number of QEMU instances loading in parallel (default 4).
 *
 * QEMU must be installed: the QEMU parts fail, never skip, without it.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/pci_build.h"

#define OK(expr)                                                                   \
    do {                                                                           \
        int rc_ = (expr);                                                          \
        if (rc_ < 0) {                                                             \
            fail_msg("%s failed: %s", #expr, vmc_error_last()->message);           \
        }                                                                          \
    } while (0)

static void expect_bytes(const uint8_t *got, const char *want_hex, const char *what)
{
    size_t n = strlen(want_hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned b;
        sscanf(want_hex + 2 * i, "%2x", &b);
        if (got[i] != b) {
            fail_msg("%s: byte %zu is %02x, expected %02x (want %s)", what, i, got[i], b,
                     want_hex);
        }
    }
}

/* ---- device builders: the API called in QEMU's realize order ------------ */

typedef struct rp_class {
    vmc_pci_ident id;
    bool generic;             /* pcie-root-port (MSI-X, ACS, reserve cap) or ioh3420 (MSI) */
    uint8_t ssvid_offset, exp_offset;
    uint16_t ssid, aer_offset, acs_offset;
} rp_class;

static const rp_class GEN_RP = {
    .id = { .vendor_id = 0x1b36, .device_id = 0x000c, .is_bridge = true },
    .generic = true, .aer_offset = 0x100, .acs_offset = 0x148,
};
static const rp_class IOH3420 = {
    .id = { .vendor_id = 0x8086, .device_id = 0x3420, .revision = 2, .is_bridge = true },
    .ssvid_offset = 0x40, .exp_offset = 0x90, .aer_offset = 0x100,
};

typedef struct rp_opts {
    uint8_t devfn, port;
    uint16_t slot;
    bool hotplug, native_hotplug, pcp, disable_acs;
    unsigned speed, width;          /* x-speed / x-width (generic port) */
    vmc_pci_res_reserve res;        /* *-reserve (generic port) */
    bool populated;                 /* a device at devfn 0 of the secondary bus */
    bool native_plug;               /* ... cold-plugged with the port as hot-plug handler */
} rp_opts;

/* Defaults of a pcie-root-port / ioh3420 on pc-q35-7.2. */
static rp_opts rp_defaults(const rp_class *c, uint8_t devfn, uint8_t port)
{
    rp_opts o = {
        .devfn = devfn, .port = port, .hotplug = true, .native_hotplug = true, .pcp = true,
        .speed = c->generic ? VMC_PCIE_LINK_SPEED_16 : VMC_PCIE_LINK_SPEED_2_5,
        .width = c->generic ? 32 : 1,
        .res = VMC_PCI_RES_RESERVE_UNSET,
    };
    return o;
}

/* rp_realize (+ gen_rp_realize), cold plug, rp_reset and the bus reset. */
static void build_root_port(vmc_pci_config *p, const rp_class *c, const rp_opts *o)
{
    OK(vmc_pci_config_init(p, &c->id, true, false, o->devfn));
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    OK(vmc_pci_bridge_init(p));
    vmc_pcie_port_init_reg(p);
    OK(vmc_pci_bridge_ssvid_init(p, c->ssvid_offset, c->id.vendor_id, c->ssid));
    if (c->generic) {
        OK(vmc_msix_init_exclusive_bar(p, 1, 0, 0));
    } else {
        OK(vmc_msi_init(p, 0x60, 2, false, true));
    }
    OK(vmc_pcie_cap_init(p, c->exp_offset, VMC_PCI_EXP_TYPE_ROOT_PORT, o->port, false));
    OK(vmc_pcie_cap_fill_link(p, o->speed, o->width));
    vmc_pcie_cap_arifwd_init(p);
    vmc_pcie_cap_deverr_init(p);
    vmc_pcie_slot_opts so = {
        .slot = o->slot, .hotplug = o->hotplug && o->native_hotplug,
        .power_controller_present = o->pcp,
    };
    OK(vmc_pcie_cap_slot_init(p, &so));
    vmc_pcie_cap_root_init(p);
    OK(vmc_pcie_aer_init(p, VMC_PCI_ERR_VER, c->aer_offset, VMC_PCI_ERR_SIZEOF));
    vmc_pcie_aer_root_init(p);
    vmc_pcie_aer_root_set_vector(p, 0);
    if (c->acs_offset && !o->disable_acs) {
        OK(vmc_pcie_acs_init(p, c->acs_offset));
    }
    if (c->generic) {
        vmc_pci_res_reserve res = o->res;
        if (res.io == UINT64_MAX && o->hotplug && !o->native_hotplug) {
            res.io = 4096;
        }
        OK(vmc_pci_bridge_qemu_reserve_cap_init(p, 0, &res));
        if (res.io == 0) {
            p->wmask[VMC_PCI_COMMAND] &= (uint8_t)~VMC_PCI_COMMAND_IO;
            p->wmask[VMC_PCI_IO_BASE] = 0;
            p->wmask[VMC_PCI_IO_LIMIT] = 0;
        }
    }
    if (o->populated && o->native_plug) {
        vmc_pcie_cap_slot_plug(p, true);   /* child's x-pcie-lnksta-dllla default */
    }
    /* system reset: rp_reset, then the parent bus resets the function */
    vmc_pcie_aer_root_set_vector(p, 0);
    vmc_pcie_cap_root_reset(p);
    vmc_pcie_cap_deverr_reset(p);
    vmc_pcie_cap_slot_reset(p, o->populated);
    vmc_pcie_cap_arifwd_reset(p);
    vmc_pcie_acs_reset(p);
    vmc_pcie_aer_root_reset(p);
    vmc_pci_bridge_reset(p);
    vmc_pci_bridge_disable_base_limit(p);
    vmc_pci_reset(p);
}

/* hw/net/e1000.c pci_e1000_realize + the option ROM (256 KiB efi-e1000.rom). */
static void build_e1000(vmc_pci_config *p, uint8_t devfn)
{
    vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x100e, .revision = 3,
                         .class_id = 0x0200 };
    OK(vmc_pci_config_init(p, &id, false, false, devfn));
    p->config[VMC_PCI_CACHE_LINE_SIZE] = 0x10;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    OK(vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM32, 0x20000));
    OK(vmc_pci_register_bar(p, 1, VMC_PCI_BAR_IO, 0x40));
    OK(vmc_pci_register_bar(p, VMC_PCI_ROM_SLOT, VMC_PCI_BAR_MEM32, 0x40000));
    vmc_pci_reset(p);
}

/* hw/usb/hcd-xhci-pci.c usb_xhci_pci_realize for nec-usb-xhci (16 interrupters). */
static void build_nec_xhci(vmc_pci_config *p, uint8_t devfn, bool on_pcie_port)
{
    vmc_pci_ident id = { .vendor_id = 0x1033, .device_id = 0x0194, .revision = 3,
                         .class_id = 0x0c03 };
    OK(vmc_pci_config_init(p, &id, true, false, devfn));   /* always express */
    p->config[VMC_PCI_CLASS_PROG] = 0x30;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    p->config[VMC_PCI_CACHE_LINE_SIZE] = 0x10;
    p->config[0x60] = 0x30;
    OK(vmc_msi_init(p, 0x70, 16, true, false));
    OK(vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM64, 0x4000));
    if (on_pcie_port) {
        OK(vmc_pcie_endpoint_cap_init(p, 0xa0, false, false));
    }
    OK(vmc_msix_init(p, 16, 0, 0x3000, 0, 0x3800, 0x90));
    vmc_pci_reset(p);
}

/* hw/pci-bridge/pci_bridge_dev.c with shpc=on, msi=auto (works on pc/q35). */
static void build_pci_bridge(vmc_pci_config *p, uint8_t devfn, uint8_t chassis_nr)
{
    vmc_pci_ident id = { .vendor_id = 0x1b36, .device_id = 0x0001, .is_bridge = true };
    OK(vmc_pci_config_init(p, &id, false, false, devfn));
    OK(vmc_pci_bridge_init(p));
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    OK(vmc_pci_shpc_init(p, 0, -1));
    OK(vmc_pci_slotid_cap_init(p, 0, chassis_nr, 0));
    OK(vmc_msi_init(p, 0, 1, true, true));
    vmc_pci_res_reserve r = VMC_PCI_RES_RESERVE_UNSET;
    OK(vmc_pci_bridge_qemu_reserve_cap_init(p, 0, &r));
    OK(vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM64, vmc_pci_shpc_bar_size()));
    /* reset: pci_bridge_reset + shpc_reset (register file only), bus reset */
    vmc_pci_bridge_reset(p);
    vmc_pci_reset(p);
}

/* ---- 1. hand-worked masks ----------------------------------------------- */

static void test_header_defaults(void **state)
{
    (void)state;
    vmc_pci_config p;
    vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x100e, .revision = 3,
                         .class_id = 0x0200 };
    OK(vmc_pci_config_init(&p, &id, false, false, 0x08));
    assert_int_equal(p.size, 256);
    expect_bytes(p.config, "86800e10000000000300000200000000", "config 0x00");
    expect_bytes(p.config + 0x2c, "f41a0011", "default subsystem");
    /* checked: ids, status CAP_LIST only, revision, class, header type, cap pointer */
    expect_bytes(p.cmask, "ffffffff00001000ffffffff0000ff00", "cmask 0x00");
    expect_bytes(p.cmask + 0x2c, "0000000000000000ff00000000000000", "cmask 0x2c");
    /* writable: IO MEM MASTER, SERR INTX_DISABLE, cache line, interrupt line */
    expect_bytes(p.wmask, "000000000705000000000000ff000000", "wmask 0x00");
    expect_bytes(p.wmask + 0x3c, "ff000000ffffffff", "wmask 0x3c");
    assert_int_equal(p.wmask[0xff], 0xff);
    expect_bytes(p.w1cmask + 4, "000000f9", "w1cmask status");
    /* multifunction header bit; express size */
    OK(vmc_pci_config_init(&p, &id, true, true, 0x08));
    assert_int_equal(p.size, 4096);
    assert_int_equal(p.config[VMC_PCI_HEADER_TYPE], 0x80);
    assert_int_equal(p.wmask[0xfff], 0xff);
    assert_int_equal(p.cmask[0x100], 0);
    /* a bridge has no subsystem ids */
    vmc_pci_ident br = { .vendor_id = 0x1b36, .device_id = 1, .is_bridge = true,
                         .subsystem_vendor_id = 1 };
    assert_int_equal(vmc_pci_config_init(&p, &br, false, false, 0), VMC_EUSAGE);
}

static void test_bridge_header(void **state)
{
    (void)state;
    vmc_pci_config p;
    vmc_pci_ident id = { .vendor_id = 0x1b36, .device_id = 0x0001, .is_bridge = true };
    OK(vmc_pci_config_init(&p, &id, false, false, 0x30));
    OK(vmc_pci_bridge_init(&p));
    expect_bytes(p.config + 0x04, "0000a000000004060000010000000000" "00000000", "bridge header");
    expect_bytes(p.config + 0x1c, "0000a000000000000100010000000000", "bridge windows");
    /* bus numbers + SLT, I/O upper nibble, memory 0xfff0, upper32 */
    expect_bytes(p.wmask + 0x18, "fffffffff0f00000f0fff0fff0fff0ffffffffffffffffff", "bridge wmask");
    expect_bytes(p.cmask + 0x1c, "0f0f0000000000000f000f00", "bridge cmask");
    expect_bytes(p.wmask + 0x3e, "ff0b", "bridge control wmask");
    expect_bytes(p.w1cmask + 0x3e, "0004", "bridge control w1c");
    /* no subsystem ids in a type 1 header */
    expect_bytes(p.config + 0x2c, "00000000", "type 1 0x2c");
    /* ROM of a type 1 header lives at 0x38 */
    OK(vmc_pci_register_bar(&p, VMC_PCI_ROM_SLOT, 0, 0x10000));
    expect_bytes(p.wmask + 0x38, "0100ffff", "bridge ROM wmask");
    assert_int_equal(vmc_pci_register_bar(&p, 2, 0, 0x1000), VMC_EUSAGE);
    /* disable forwarding: base above limit */
    vmc_pci_bridge_disable_base_limit(&p);
    expect_bytes(p.config + 0x1c, "f000a000f0ff0000f1ff0100", "disabled windows");
    vmc_pci_bridge_reset(&p);
    expect_bytes(p.config + 0x18, "000000000000a0000000000001000100", "reset windows");
}

static void test_bar_masks(void **state)
{
    (void)state;
    vmc_pci_config p;
    vmc_pci_ident id = { .vendor_id = 0x1234, .device_id = 0x1111, .class_id = 0x0300 };
    OK(vmc_pci_config_init(&p, &id, false, false, 0));
    OK(vmc_pci_register_bar(&p, 0, VMC_PCI_BAR_IO, 64));
    OK(vmc_pci_register_bar(&p, 2, VMC_PCI_BAR_MEM32, 4096));
    OK(vmc_pci_register_bar(&p, 4, VMC_PCI_BAR_MEM64 | VMC_PCI_BAR_PREFETCH, 16384));
    OK(vmc_pci_register_bar(&p, VMC_PCI_ROM_SLOT, 0, 0x40000));
    expect_bytes(p.config + 0x10, "01000000000000000000000000000000" "0c00000000000000", "BAR types");
    expect_bytes(p.wmask + 0x10, "c0ffffff0000000000f0ffff00000000" "00c0ffffffffffff", "BAR wmask");
    expect_bytes(p.cmask + 0x10, "ffffffff00000000ffffffff00000000" "ffffffffffffffff", "BAR cmask");
    expect_bytes(p.wmask + 0x30, "0100fcff", "ROM wmask");
    expect_bytes(p.cmask + 0x30, "ffffffff", "ROM cmask");
    /* reset writes the type bits back */
    memset(p.config + 0x10, 0x55, 0x18);
    vmc_pci_reset(&p);
    expect_bytes(p.config + 0x10, "01000000555555550000000055555555" "0c00000000000000", "BAR reset");
    /* invalid */
    assert_int_equal(vmc_pci_register_bar(&p, 1, 0, 3000), VMC_EUSAGE);
    assert_int_equal(vmc_pci_register_bar(&p, 1, 0, 0), VMC_EUSAGE);
    assert_int_equal(vmc_pci_register_bar(&p, 7, 0, 4096), VMC_EUSAGE);
    assert_int_equal(vmc_pci_register_bar(&p, 5, VMC_PCI_BAR_MEM64, 4096), VMC_EUSAGE);
}

static void test_capability_chain(void **state)
{
    (void)state;
    vmc_pci_config p;
    vmc_pci_ident id = { .vendor_id = 0x1af4, .device_id = 0x1000 };
    OK(vmc_pci_config_init(&p, &id, false, false, 0));
    assert_int_equal(vmc_pci_add_capability(&p, 0x09, 0, 6), 0x40);   /* used rounds to 8 */
    assert_int_equal(vmc_pci_add_capability(&p, 0x09, 0, 12), 0x48);
    assert_int_equal(vmc_pci_add_capability(&p, 0x11, 0x60, 12), 0x60);
    /* the gap 0x54..0x5f takes a 12-byte capability */
    assert_int_equal(vmc_pci_add_capability(&p, 0x05, 0, 10), 0x54);
    /* list: newest first */
    expect_bytes(p.config + 0x34, "54", "cap pointer");
    assert_int_equal(p.config[0x55], 0x60);
    assert_int_equal(p.config[0x61], 0x48);
    assert_int_equal(p.config[0x49], 0x40);
    assert_int_equal(p.config[0x41], 0x00);
    assert_int_equal(p.config[VMC_PCI_STATUS] & VMC_PCI_STATUS_CAP_LIST, 0x10);
    /* read-only and checked over the size, not the rounding */
    expect_bytes(p.wmask + 0x40, "000000000000ffff", "wmask 6-byte cap");
    expect_bytes(p.cmask + 0x40, "ffffffffffff0000", "cmask 6-byte cap");
    assert_int_equal(p.w1cmask[0x42], 0);
    /* overlap with an explicit offset */
    assert_int_equal(vmc_pci_add_capability(&p, 0x01, 0x44, 8), VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "overlaps existing capability 40 at offset 44"));
    assert_int_equal(vmc_pci_add_capability(&p, 0x01, 0xfc, 8), VMC_EUSAGE);
    /* fill the space: 0x6c..0xff = 148 bytes */
    assert_int_equal(vmc_pci_add_capability(&p, 0x09, 0, 148), 0x6c);
    assert_int_equal(vmc_pci_add_capability(&p, 0x09, 0, 4), VMC_EUSAGE);
}

static void test_msi_msix(void **state)
{
    (void)state;
    vmc_pci_config p;
    vmc_pci_ident id = { .vendor_id = 0x1af4, .device_id = 0x1000 };
    OK(vmc_pci_config_init(&p, &id, false, false, 0));
    /* 64-bit, per-vector mask, 2 vectors at 0x60: 24 bytes */
    OK(vmc_msi_init(&p, 0x60, 2, true, true));
    assert_int_equal(p.msi_cap, 0x60);
    expect_bytes(p.config + 0x60, "05008201", "MSI header + flags");
    expect_bytes(p.wmask + 0x60, "00007100fcffffffffffffffffff000003000000" "00000000", "MSI wmask");
    expect_bytes(p.cmask + 0x60, "ffffffffffffffffffffffffffffffffffffffffffffffff00", "MSI cmask");
    /* 32-bit, mask, 2 vectors (ioh3420): data at +8, mask at +12, 20 bytes */
    OK(vmc_msi_init(&p, 0x80, 2, false, true));
    expect_bytes(p.config + 0x80, "05600201", "MSI32 header");
    expect_bytes(p.wmask + 0x80, "00007100fcffffffffff000003000000" "00000000ffff", "MSI32 wmask");
    /* 64-bit, 32 vectors, no mask (14 bytes) */
    OK(vmc_msi_init(&p, 0xa0, 32, true, false));
    expect_bytes(p.config + 0xa0, "05808a00", "MSI 32 vectors");
    expect_bytes(p.wmask + 0xac, "ffffffff", "MSI data wmask + next cap area");
    expect_bytes(p.cmask + 0xac, "ffff00", "MSI 14 bytes");
    assert_int_equal(vmc_msi_init(&p, 0, 3, true, false), VMC_EUSAGE);
    assert_int_equal(vmc_msi_init(&p, 0, 64, true, false), VMC_EUSAGE);
    /* MSI reset clears enable, MME, address, data, mask, pending (one MSI cap) */
    OK(vmc_pci_config_init(&p, &id, false, false, 0));
    OK(vmc_msi_init(&p, 0x80, 2, false, true));
    p.config[0x82] |= 0x71;
    memset(p.config + 0x84, 0x77, 16);
    vmc_pci_reset(&p);
    /* the reserved word after the data register is not touched */
    expect_bytes(p.config + 0x82, "0201000000000000777700000000" "00000000", "MSI32 after reset");

    /* MSI-X: exclusive 4 KiB BAR, 1 vector, table 0 / PBA 0x800 */
    OK(vmc_pci_config_init(&p, &id, false, false, 0));
    OK(vmc_msix_init_exclusive_bar(&p, 1, 1, 0));
    assert_int_equal(p.msix_cap, 0x40);
    expect_bytes(p.config + 0x40, "110000000100000001080000", "MSI-X cap");
    expect_bytes(p.wmask + 0x40, "000000c00000000000000000ff", "MSI-X wmask (+ byte after)");
    expect_bytes(p.wmask + 0x14, "00f0ffff", "MSI-X BAR wmask (4 KiB)");
    /* up to 128 vectors the PBA sits at 0x800; beyond, right after the table,
     * and the BAR grows only when table + PBA pass 4 KiB (255 vectors) */
    assert_int_equal(vmc_msix_exclusive_bar_size(128), 4096);
    assert_int_equal(vmc_msix_exclusive_bar_size(129), 4096);
    assert_int_equal(vmc_msix_exclusive_bar_size(254), 4096);
    assert_int_equal(vmc_msix_exclusive_bar_size(255), 8192);
    assert_int_equal(vmc_msix_exclusive_bar_size(2048), 65536);
    p.config[0x43] = 0xc0;
    vmc_pci_reset(&p);
    assert_int_equal(p.config[0x43], 0);
    /* table and PBA overlapping / misaligned / past a registered BAR */
    assert_int_equal(vmc_msix_init(&p, 4, 1, 0, 1, 0x20, 0), VMC_EUSAGE);
    assert_int_equal(vmc_msix_init(&p, 4, 1, 4, 1, 0x800, 0), VMC_EUSAGE);
    assert_int_equal(vmc_msix_init(&p, 4, 1, 0xff0, 2, 0, 0), VMC_EUSAGE);
    assert_int_equal(vmc_msix_init(&p, 0, 1, 0, 1, 0x800, 0), VMC_EUSAGE);
}

static void test_root_port_masks(void **state)
{
    (void)state;
    vmc_pci_config p;
    rp_opts o = rp_defaults(&GEN_RP, 0x90, 18);
    build_root_port(&p, &GEN_RP, &o);
    /* chain: EXP 0x54 -> MSI-X 0x48 -> SSVID 0x40 */
    assert_int_equal(p.config[0x34], 0x54);
    assert_int_equal(p.exp_cap, 0x54);
    assert_int_equal(p.msix_cap, 0x48);
    /* slot status: ABP|PDC|CC are w1c, everything checked, nothing writable */
    expect_bytes(p.w1cmask + 0x6e, "1900", "SLTSTA w1cmask");
    expect_bytes(p.cmask + 0x6e, "ffff", "SLTSTA cmask");
    expect_bytes(p.wmask + 0x6e, "0000", "SLTSTA wmask");
    /* slot control: indicators, enables, EIC, PCC */
    expect_bytes(p.wmask + 0x6c, "f90f", "SLTCTL wmask");
    expect_bytes(p.config + 0x68, "7b000200c0070000", "SLTCAP/SLTCTL/SLTSTA (empty slot)");
    /* MSI-X control: enable + mask-all only */
    expect_bytes(p.wmask + 0x48, "000000c0", "MSI-X control wmask");
    /* link status never checked; LNKCAP 16 GT/s x32 port 18 */
    expect_bytes(p.cmask + 0x66, "0000", "LNKSTA cmask");
    expect_bytes(p.config + 0x60, "04063012", "LNKCAP");
    expect_bytes(p.config + 0x80, "1e0000000400", "LNKCAP2/LNKCTL2");
    /* DEVCTL error enables RW, DEVSTA error bits w1c, RTCTL SE enables RW */
    expect_bytes(p.wmask + 0x5c, "0f000000", "DEVCTL/DEVSTA wmask");
    expect_bytes(p.w1cmask + 0x5c, "00000f00", "DEVSTA w1cmask");
    expect_bytes(p.wmask + 0x70, "0700", "RTCTL wmask");
    expect_bytes(p.wmask + 0x7c, "2080", "DEVCTL2 wmask");
    /* BAR0 4 KiB for the MSI-X table */
    expect_bytes(p.wmask + 0x10, "00f0ffff", "BAR0 wmask");
    /* bridge control: PCIe ports drop master-abort, fast b2b, discard bits */
    expect_bytes(p.wmask + 0x3e, "5f00", "bridge control wmask");
    /* AER: uncorrectable status w1c, severity default + RW, root regs */
    expect_bytes(p.config + 0x100, "01008214", "AER header -> ACS 0x148");
    expect_bytes(p.w1cmask + 0x104, "30f0ff03", "AER UNCOR status w1c");
    expect_bytes(p.wmask + 0x108, "00000000", "AER UNCOR mask (RO in 7.2)");
    expect_bytes(p.config + 0x10c, "30204600", "AER severity");
    expect_bytes(p.wmask + 0x10c, "30f0ff03", "AER severity wmask");
    expect_bytes(p.w1cmask + 0x110, "c1f10000", "AER COR status w1c");
    expect_bytes(p.config + 0x114, "00e00000", "AER COR mask");
    expect_bytes(p.config + 0x118, "a0020000", "AER cap/ctl");
    expect_bytes(p.wmask + 0x118, "40050000", "AER cap/ctl wmask");
    expect_bytes(p.wmask + 0x12c, "07000000", "AER root command wmask");
    expect_bytes(p.w1cmask + 0x130, "7f000000", "AER root status w1c");
    expect_bytes(p.cmask + 0x130, "ffffff07", "AER root status cmask");
    /* ACS */
    expect_bytes(p.config + 0x148, "0d0001005f000000", "ACS");
    expect_bytes(p.wmask + 0x14c, "00005f00", "ACS wmask");
    expect_bytes(p.cmask + 0x14f, "ff00", "end of ACS");
    /* extended space after the chain: writable, unchecked */
    assert_int_equal(p.wmask[0x150], 0xff);
    /* no bit is both writable and write-1-to-clear */
    for (unsigned i = 0; i < p.size; i++) {
        assert_int_equal(p.wmask[i] & p.w1cmask[i], 0);
    }

    /* populated slot: powered on, power indicator on; native plug sets PDS/DLLLA */
    o.populated = true;
    o.native_plug = true;
    build_root_port(&p, &GEN_RP, &o);
    expect_bytes(p.config + 0x6c, "c0014000", "SLTCTL/SLTSTA populated");
    expect_bytes(p.config + 0x66, "1120", "LNKSTA DLLLA");
    /* hidden native hot-plug: no HPS/HPC, 4 KiB I/O reserve cap at 0x90 */
    o = rp_defaults(&GEN_RP, 0x90, 18);
    o.native_hotplug = false;
    build_root_port(&p, &GEN_RP, &o);
    assert_int_equal(p.config[0x34], 0x90);
    expect_bytes(p.config + 0x68, "1b000200", "SLTCAP without HPS/HPC");
    expect_bytes(p.config + 0x90, "09542001ffffffff0010000000000000ffffffffffffffffffffffffffffffff",
                 "reserve cap");
    /* no power controller: PCC read-only, reset leaves only AIC off */
    o = rp_defaults(&GEN_RP, 0x90, 18);
    o.pcp = false;
    build_root_port(&p, &GEN_RP, &o);
    expect_bytes(p.wmask + 0x6c, "f90b", "SLTCTL wmask without PCC");
    expect_bytes(p.config + 0x68, "79000200c0000000", "SLTCAP/SLTCTL without PCP");
}

static void test_ext_caps_and_errors(void **state)
{
    (void)state;
    vmc_pci_config p;
    vmc_pci_ident id = { .vendor_id = 0x1af4, .device_id = 0x1041, .revision = 1 };
    /* extended capabilities need an express device and a capability at 0x100 */
    OK(vmc_pci_config_init(&p, &id, false, false, 0));
    assert_int_equal(vmc_pcie_add_capability(&p, 1, 2, 0x100, 0x48), VMC_EUSAGE);
    assert_int_equal(vmc_pcie_cap_init(&p, 0, 0, 0, false), VMC_EUSAGE);
    OK(vmc_pci_config_init(&p, &id, true, false, 0));
    assert_int_equal(vmc_pcie_aer_init(&p, 2, 0x100, 0x48), VMC_EUSAGE);   /* no EXP cap */
    /* virtio behind a port: EXP v2 at 0x40, x-pcie-extcap-init makes 0x100 read-only */
    assert_int_equal(vmc_pcie_endpoint_cap_init(&p, 0, false, false), 0x40);
    expect_bytes(p.config + 0x40, "1000020000800000", "endpoint EXP");
    expect_bytes(p.wmask + 0x100, "00000000ff", "NULL extended header read-only");
    assert_int_equal(p.cmask[0x100], 0);
    assert_int_equal(vmc_pcie_add_capability(&p, 0x0f, 1, 0x148, 8), VMC_EUSAGE);
    OK(vmc_pcie_aer_init_log(&p, 2, 0x100, 0x48, 0));
    expect_bytes(p.config + 0x118, "a0000000", "AER cap without multiple headers");
    OK(vmc_pcie_ats_init(&p, 0x148, true));
    OK(vmc_pcie_dev_ser_num_init(&p, 0x150, 0x0123456789abcdefull));
    OK(vmc_pcie_ari_init(&p, 0x160, 1));
    expect_bytes(p.config + 0x100, "01008214", "AER -> ATS");
    expect_bytes(p.config + 0x148, "0f00011520000000", "ATS -> DSN");
    expect_bytes(p.wmask + 0x14c, "00000f80", "ATS control wmask");
    expect_bytes(p.config + 0x150, "03000116efcdab8967452301", "DSN -> ARI");
    expect_bytes(p.config + 0x160, "0e00010000010000", "ARI");
    /* an endpoint function 0 without multifunction has no ACS */
    assert_int_equal(vmc_pcie_acs_init(&p, 0x170), VMC_EUSAGE);
    p.multifunction = true;
    OK(vmc_pcie_acs_init(&p, 0x170));
    expect_bytes(p.config + 0x174, "00000000", "endpoint ACS");
    assert_int_equal(vmc_pcie_aer_init_log(&p, 2, 0x180, 0x48, 200), VMC_EUSAGE);
    assert_int_equal(vmc_pcie_add_capability(&p, 0x0b, 1, 0xffc, 8), VMC_EUSAGE);
    assert_int_equal(vmc_pcie_add_capability(&p, 0x0b, 1, 0x202, 8), VMC_EUSAGE);
    /* FLR, link control, interrupt message number */
    vmc_pcie_cap_flr_init(&p);
    vmc_pcie_cap_lnkctl_init(&p);
    vmc_pcie_cap_flags_set_vector(&p, 3);
    expect_bytes(p.config + 0x42, "0206", "EXP flags with vector 3");
    expect_bytes(p.config + 0x47, "10", "DEVCAP FLR");
    expect_bytes(p.wmask + 0x48, "0080", "DEVCTL FLR writable");
    expect_bytes(p.wmask + 0x50, "c000", "LNKCTL CCC/ES");
    /* v1 capability (e1000e) has no v2 registers and leaves 0x100 alone */
    OK(vmc_pci_config_init(&p, &id, true, false, 0));
    assert_int_equal(vmc_pcie_cap_init(&p, 0xe0, 0, 0, true), 0xe0);
    expect_bytes(p.config + 0xe0, "1000010000800000", "EXP v1");
    assert_int_equal(p.wmask[0x100], 0xff);
    assert_int_equal(p.cmask[0xf4], 0);
    /* PM capability as e1000e adds it */
    OK(vmc_pci_add_pm_capability(&p, 0xc8, VMC_PCI_PM_CAP_VER_1_1 | 0x0020));
    assert_int_equal(p.pm_cap, 0xc8);
    expect_bytes(p.config + 0xc8, "01e0220000000000", "PM cap");
    /* link and slot parameters out of range */
    assert_int_equal(vmc_pcie_cap_fill_link(&p, 5, 1), VMC_EUSAGE);
    assert_int_equal(vmc_pcie_cap_fill_link(&p, 1, 3), VMC_EUSAGE);
    vmc_pcie_slot_opts so = { .slot = 0x2000 };
    assert_int_equal(vmc_pcie_cap_slot_init(&p, &so), VMC_EUSAGE);
    /* bridge helpers */
    assert_int_equal(vmc_pci_bridge_init(&p), VMC_EUSAGE);
    assert_int_equal(vmc_pci_slotid_cap_init(&p, 0, 0, 0), VMC_EUSAGE);
    vmc_pci_res_reserve r = VMC_PCI_RES_RESERVE_UNSET;
    assert_int_equal(vmc_pci_bridge_qemu_reserve_cap_init(&p, 0, &r), 0);
    r.mem_pref_32 = 0x100000;
    r.mem_pref_64 = 0x100000;
    assert_int_equal(vmc_pci_bridge_qemu_reserve_cap_init(&p, 0, &r), VMC_EUSAGE);
    r.mem_pref_64 = UINT64_MAX;
    r.mem_non_pref = 1ull << 32;
    assert_int_equal(vmc_pci_bridge_qemu_reserve_cap_init(&p, 0, &r), VMC_EUSAGE);
}

static void test_pci_bridge_shpc_slotid(void **state)
{
    (void)state;
    vmc_pci_config p;
    build_pci_bridge(&p, 0x30, 1);
    assert_int_equal(p.shpc_cap, 0x40);
    /* device-config-facts.md: MSI@0x4c SLOTID@0x48 SHPC@0x40, BAR0 mem64 256 B */
    assert_int_equal(p.config[0x34], 0x4c);
    expect_bytes(p.config + 0x40, "0c00000000000000" "04402001" "0548800100000000", "bridge caps");
    expect_bytes(p.wmask + 0x40, "0000ff00ffffffff" "000000ff", "SHPC/slot-id wmask");
    expect_bytes(p.cmask + 0x48, "ffffffff", "slot-id cmask");
    expect_bytes(p.wmask + 0x10, "00ffffffffffffff", "SHPC BAR wmask");
}

static void test_load_check(void **state)
{
    (void)state;
    vmc_pci_config p;
    rp_opts o = rp_defaults(&GEN_RP, 0x90, 18);
    build_root_port(&p, &GEN_RP, &o);
    uint8_t in[4096];
    memcpy(in, p.config, sizeof(in));
    int first;
    assert_int_equal(vmc_pci_config_load_check(&p, in, 4096, &first), 0);
    assert_int_equal(first, -1);
    in[0x6e] ^= 0x40;   /* PDS: checked in 7.2 */
    in[0x6f] ^= 0x01;   /* DLLSC: checked */
    in[0x67] ^= 0x20;   /* DLLLA: LNKSTA unchecked */
    in[0x6e] ^= 0x08;   /* PDC: w1c */
    in[0x133] ^= 0x80;  /* AER root IRQ number: unchecked */
    in[0x34] ^= 0x04;   /* cap pointer */
    assert_int_equal(vmc_pci_config_load_check(&p, in, 4096, &first), 3);
    assert_int_equal(first, 0x34);
    assert_int_equal(vmc_pci_config_load_check(&p, in, 256, &first), VMC_EFORMAT);
}

/* ---- streams ------------------------------------------------------------- */

typedef struct stream {
    uint8_t *data;
    size_t len;
} stream;

typedef struct dev_config {
    uint8_t bytes[VMC_PCIE_CONFIG_SPACE];
    size_t len;
    int64_t offset;          /* absolute offset of config[0] in the stream */
} dev_config;

/* First node of type "pci config" below v (depth first). */
static const vmc_value *find_pci_config(const vmc_value *v)
{
    const char *t = vmc_value_type(v);
    if (t && strcmp(t, "pci config") == 0) {
        return v;
    }
    if (vmc_value_kind_of(v) == VMC_VALUE_STRUCT || vmc_value_kind_of(v) == VMC_VALUE_ARRAY) {
        for (size_t i = 0; i < vmc_value_count(v); i++) {
            const vmc_value *r = find_pci_config(vmc_value_at(v, i));
            if (r) {
                return r;
            }
        }
    }
    return NULL;
}

/* The PCIDevice config of section idstr, decoded with the stream's vmdesc. */
static void stream_config(const stream *s, const char *idstr, dev_config *out)
{
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, s->data, s->len, idstr), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    vmc_event ev;
    bool found = false;
    while (!found && vmc_reader_next(r, &ev) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE || strcmp(ev.u.state.idstr, idstr) != 0 ||
            !ev.u.state.value) {
            continue;
        }
        const vmc_value *c = find_pci_config(ev.u.state.value);
        assert_non_null(c);
        size_t n;
        const uint8_t *b = vmc_value_bytes(c, &n);
        assert_non_null(b);
        assert_true(n == 256 || n == 4096);
        memcpy(out->bytes, b, n);
        out->len = n;
        out->offset = vmc_value_offset(c);
        assert_memory_equal(s->data + out->offset, b, n);
        found = true;
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    if (!found) {
        fail_msg("section %s not in the stream", idstr);
    }
}

static void expect_config(const char *what, const vmc_pci_config *p, const dev_config *q)
{
    assert_int_equal(q->len, p->size);
    int bad = 0;
    for (size_t i = 0; i < q->len; i++) {
        if (q->bytes[i] != p->config[i]) {
            if (bad++ < 16) {
                print_message("%s: config[0x%03zx] QEMU %02x, built %02x\n", what, i,
                              q->bytes[i], p->config[i]);
            }
        }
    }
    if (bad) {
        fail_msg("%s: %d config bytes differ from QEMU", what, bad);
    }
}

static stream corpus_stream(const char *id)
{
    stream s;
    s.data = tu_corpus_stream(id, &s.len);
    return s;
}

/* Start QEMU (-S), migrate to a file, return the stream. */
static stream qemu_stream(const char *machine, const char *const *args)
{
    stream s;
    s.data = qr_fresh_stream(machine, args, &s.len);
    if (!s.data) {
        fail_msg("QEMU -M %s: %s", machine, vmc_error_last()->message);
    }
    return s;
}

/* ---- 2. config bytes against real QEMU ------------------------------------ */

static void test_corpus_rp_xhci_q35_7_2(void **state)
{
    (void)state;
    /* pcie-root-port,port=18,chassis=19,addr=0x12 + nec-usb-xhci behind it:
     * ACPI PCI hot-plug handles the port's bus on 7.2, so no PDS / DLLLA */
    stream s = corpus_stream("s-pc-q35-7.2--rp-xhci--fresh");
    dev_config q;
    vmc_pci_config p;
    rp_opts o = rp_defaults(&GEN_RP, 0x90, 18);
    o.populated = true;
    build_root_port(&p, &GEN_RP, &o);
    stream_config(&s, "0000:00:12.0/pcie-root-port", &q);
    expect_config("pcie-root-port (7.2, populated)", &p, &q);
    build_nec_xhci(&p, 0, true);
    stream_config(&s, "0000:00:12.0:00.0/xhci", &q);
    expect_config("nec-usb-xhci behind a root port", &p, &q);
    free(s.data);
}

static void test_corpus_rp_empty_q35_6_0(void **state)
{
    (void)state;
    stream s = corpus_stream("s-pc-q35-6.0--rp-empty--fresh");
    dev_config q;
    vmc_pci_config p;
    rp_opts o = rp_defaults(&GEN_RP, 0x90, 18);
    build_root_port(&p, &GEN_RP, &o);
    stream_config(&s, "0000:00:12.0/pcie-root-port", &q);
    expect_config("pcie-root-port (6.0, empty)", &p, &q);
    free(s.data);
}

static void test_corpus_e1000(void **state)
{
    (void)state;
    const char *ids[] = { "s-pc-q35-6.0--e1000--fresh", "s-pc-i440fx-2.12--e1000--fresh" };
    const char *sec[] = { "0000:00:01.0/e1000", "0000:00:02.0/e1000" };
    for (int i = 0; i < 2; i++) {
        stream s = corpus_stream(ids[i]);
        dev_config q;
        vmc_pci_config p;
        build_e1000(&p, 0);
        stream_config(&s, sec[i], &q);
        expect_config(ids[i], &p, &q);
        free(s.data);
    }
}

static void test_corpus_pci_bridge(void **state)
{
    (void)state;
    /* pc-i440fx-7.2: pci-bridge,chassis_nr=1 at 00:02.0 with e1000 at 03.0 behind it */
    stream s = corpus_stream("s-pc-i440fx-7.2--pci-bridge--fresh");
    dev_config q;
    vmc_pci_config p;
    build_pci_bridge(&p, 0x10, 1);
    stream_config(&s, "0000:00:02.0/pci_bridge", &q);
    expect_config("pci-bridge (shpc, slot-id, MSI)", &p, &q);
    build_e1000(&p, 0x18);
    stream_config(&s, "0000:00:02.0:03.0/e1000", &q);
    expect_config("e1000 behind pci-bridge", &p, &q);
    free(s.data);
}

/* The machine the mutation test also uses (pc-q35-7.2). */
static const char *const MACHINE_A_ARGS[] = {
    "-m", "64",
    "-device", "pcie-root-port,id=rp1,bus=pcie.0,addr=0x12,port=18,chassis=19",
    "-device", "pcie-root-port,id=rp2,bus=pcie.0,addr=0x14,port=0x22,chassis=21,slot=7,"
               "x-speed=8,x-width=4,disable-acs=on,io-reserve=0,bus-reserve=3",
    "-device", "ioh3420,id=ioh1,bus=pcie.0,addr=0x13,port=5,chassis=20,slot=3",
    "-device", "e1000,id=nic0,bus=pcie.0,addr=0x5",
    "-device", "nec-usb-xhci,id=xhci0,bus=rp2,addr=0x0",
    NULL,
};

typedef struct machine_a {
    vmc_pci_config rp1, rp2, ioh, nic, xhci;
} machine_a;

static void build_machine_a(machine_a *m)
{
    rp_opts o = rp_defaults(&GEN_RP, 0x90, 18);
    build_root_port(&m->rp1, &GEN_RP, &o);
    o = rp_defaults(&GEN_RP, 0xa0, 0x22);
    o.slot = 7;
    o.speed = VMC_PCIE_LINK_SPEED_8;
    o.width = 4;
    o.disable_acs = true;
    o.res.io = 0;
    o.res.bus = 3;
    o.populated = true;   /* the xHCI; ACPI hot-plug on 7.2: no PDS */
    build_root_port(&m->rp2, &GEN_RP, &o);
    o = rp_defaults(&IOH3420, 0x98, 5);
    o.slot = 3;
    build_root_port(&m->ioh, &IOH3420, &o);
    build_e1000(&m->nic, 0x28);
    build_nec_xhci(&m->xhci, 0, true);
}

static void test_qemu_q35_7_2_ports(void **state)
{
    (void)state;
    stream s = qemu_stream("pc-q35-7.2", MACHINE_A_ARGS);
    machine_a m;
    build_machine_a(&m);
    dev_config q;
    stream_config(&s, "0000:00:12.0/pcie-root-port", &q);
    expect_config("pcie-root-port (7.2, empty)", &m.rp1, &q);
    stream_config(&s, "0000:00:14.0/pcie-root-port", &q);
    expect_config("pcie-root-port (x-speed=8, x-width=4, no ACS, reserve)", &m.rp2, &q);
    stream_config(&s, "0000:00:13.0/ioh-3240-express-root-port", &q);
    expect_config("ioh3420 (7.2, empty)", &m.ioh, &q);
    stream_config(&s, "0000:00:05.0/e1000", &q);
    expect_config("e1000 on pcie.0", &m.nic, &q);
    stream_config(&s, "0000:00:14.0:00.0/xhci", &q);
    expect_config("nec-usb-xhci behind rp2", &m.xhci, &q);
    free(s.data);
}

static void test_qemu_q35_6_0_native_hotplug(void **state)
{
    (void)state;
    /* q35 <= 6.0: the ports handle their buses (native hot-plug), so a
     * cold-plugged device sets PDS and DLLLA */
    static const char *const args[] = {
        "-m", "64",
        "-device", "pcie-root-port,id=rp1,bus=pcie.0,addr=0x12,port=18,chassis=19",
        "-device", "nec-usb-xhci,id=xhci0,bus=rp1,addr=0x0",
        "-device", "ioh3420,id=ioh1,bus=pcie.0,addr=0x13,port=5,chassis=20,slot=3",
        "-device", "e1000,id=nic0,bus=ioh1,addr=0x0",
        NULL,
    };
    stream s = qemu_stream("pc-q35-6.0", args);
    dev_config q;
    vmc_pci_config p;
    rp_opts o = rp_defaults(&GEN_RP, 0x90, 18);
    o.populated = o.native_plug = true;
    build_root_port(&p, &GEN_RP, &o);
    stream_config(&s, "0000:00:12.0/pcie-root-port", &q);
    expect_config("pcie-root-port (6.0, native hot-plug, populated)", &p, &q);
    assert_int_equal(q.bytes[0x6e], 0x40);   /* PDS */
    assert_int_equal(q.bytes[0x67], 0x20);   /* DLLLA */
    build_nec_xhci(&p, 0, true);
    stream_config(&s, "0000:00:12.0:00.0/xhci", &q);
    expect_config("nec-usb-xhci (6.0)", &p, &q);
    o = rp_defaults(&IOH3420, 0x98, 5);
    o.slot = 3;
    o.populated = o.native_plug = true;
    build_root_port(&p, &IOH3420, &o);
    stream_config(&s, "0000:00:13.0/ioh-3240-express-root-port", &q);
    expect_config("ioh3420 (6.0, native hot-plug, populated)", &p, &q);
    build_e1000(&p, 0);
    stream_config(&s, "0000:00:13.0:00.0/e1000", &q);
    expect_config("e1000 behind ioh3420", &p, &q);
    free(s.data);
}

static void test_qemu_q35_6_1_hidden_hotplug(void **state)
{
    (void)state;
    /* q35 6.1: ACPI hot-plug hides native hot-plug (x-native-hotplug=false):
     * no HPS/HPC, and the generic port reserves 4 KiB of I/O */
    static const char *const args[] = {
        "-m", "64",
        "-device", "pcie-root-port,id=rp1,bus=pcie.0,addr=0x12,port=18,chassis=19",
        "-device", "ioh3420,id=ioh1,bus=pcie.0,addr=0x13,port=5,chassis=20",
        NULL,
    };
    stream s = qemu_stream("pc-q35-6.1", args);
    dev_config q;
    vmc_pci_config p;
    rp_opts o = rp_defaults(&GEN_RP, 0x90, 18);
    o.native_hotplug = false;
    build_root_port(&p, &GEN_RP, &o);
    stream_config(&s, "0000:00:12.0/pcie-root-port", &q);
    expect_config("pcie-root-port (6.1)", &p, &q);
    o = rp_defaults(&IOH3420, 0x98, 5);
    o.native_hotplug = false;
    build_root_port(&p, &IOH3420, &o);
    stream_config(&s, "0000:00:13.0/ioh-3240-express-root-port", &q);
    expect_config("ioh3420 (6.1)", &p, &q);
    free(s.data);
}

/* ---- 3. masks against QEMU's load check ------------------------------------ */

typedef struct target {
    const char *idstr;
    const vmc_pci_config *p;
    dev_config q;
} target;

typedef struct sample {
    int t;                   /* target index */
    unsigned off, bit;
} sample;

typedef qr_verdict outcome;

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng_state >> 33);
}

static void run_one(const stream *s, const target *t, const sample *sm, int idx, outcome *o)
{
    /* no cmocka calls here: this runs in a forked worker */
    qr_config cfg = { .machine = "pc-q35-7.2", .args = MACHINE_A_ARGS };
    size_t at = (size_t)t->q.offset + sm->off;
    uint8_t flipped = (uint8_t)(s->data[at] ^ (1u << sm->bit));
    qr_load_patched(&cfg, s->data, s->len, at, &flipped, 1, idx, o);
}

/* Load every sample, jobs QEMU instances at a time (forked workers). */
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

static void add_sample(sample *v, size_t *n, size_t cap, int t, unsigned off, unsigned bit)
{
    if (*n < cap) {
        v[(*n)++] = (sample){ .t = t, .off = off, .bit = bit };
    }
}

static void test_qemu_load_check_mutations(void **state)
{
    (void)state;
    stream s = qemu_stream("pc-q35-7.2", MACHINE_A_ARGS);
    static machine_a m;
    build_machine_a(&m);
    target t[] = {
        { "0000:00:12.0/pcie-root-port", &m.rp1, { { 0 }, 0, 0 } },
        { "0000:00:05.0/e1000", &m.nic, { { 0 }, 0, 0 } },
        { "0000:00:13.0/ioh-3240-express-root-port", &m.ioh, { { 0 }, 0, 0 } },
        { "0000:00:14.0/pcie-root-port", &m.rp2, { { 0 }, 0, 0 } },
        { "0000:00:14.0:00.0/xhci", &m.xhci, { { 0 }, 0, 0 } },
    };
    enum { NT = 5 };
    for (int i = 0; i < NT; i++) {
        stream_config(&s, t[i].idstr, &t[i].q);
        /* the unmutated stream must match the model, else predictions mean nothing */
        expect_config(t[i].idstr, t[i].p, &t[i].q);
    }

    const char *sweep = getenv("VMC_PCI_SWEEP");
    size_t cap = 64;
    sample *v;
    size_t n = 0;
    if (sweep && strcmp(sweep, "all") == 0) {
        /* every bit of: rp1 and ioh3420 0x00-0x17f (header, capabilities, AER,
         * ACS), e1000 0x00-0x4f, rp2 0x00-0xaf (up to the end of its reserve
         * cap), xhci 0x00-0x10f (MSI, MSI-X, EXP, the NULL extended header) */
        static const unsigned end_of[NT] = { 0x180, 0x50, 0x180, 0xb0, 0x110 };
        cap = 0;
        for (int ti = 0; ti < NT; ti++) {
            cap += end_of[ti] * 8;
        }
        v = calloc(cap, sizeof(*v));
        const char *only = getenv("VMC_PCI_SWEEP_DEV");   /* idstr substring */
        for (int ti = 0; ti < NT; ti++) {
            unsigned end = only && !strstr(t[ti].idstr, only) ? 0 : end_of[ti];
            for (unsigned off = 0; off < end; off++) {
                for (unsigned b = 0; b < 8; b++) {
                    add_sample(v, &n, cap, ti, off, b);
                }
            }
        }
    } else if (sweep && atoi(sweep) > 0) {
        cap = (size_t)atoi(sweep);
        v = calloc(cap, sizeof(*v));
        rng_state = (unsigned long long)time(NULL);
        while (n < cap) {
            int ti = (int)(rng() % NT);
            unsigned off = rng() % (ti == 1 ? 0x100 : 0x200);
            add_sample(v, &n, cap, ti, off, rng() % 8);
        }
    } else {
        /* the bounded CI sample: chosen registers plus seeded random bits */
        v = calloc(cap, sizeof(*v));
        static const struct { int t; unsigned off, bit; } pick[] = {
            { 0, 0x6e, 6 },   /* SLTSTA.PDS: checked in 7.2 -> refused */
            { 0, 0x6e, 3 },   /* SLTSTA.PDC: w1c -> loads */
            { 0, 0x67, 5 },   /* LNKSTA.DLLLA: unchecked -> loads */
            { 0, 0x4b, 7 },   /* MSI-X enable: writable -> loads */
            { 0, 0x4a, 0 },   /* MSI-X table size: refused */
            { 0, 0x34, 2 },   /* capability pointer */
            { 0, 0x06, 4 },   /* status CAP_LIST */
            { 0, 0x07, 5 },   /* status w1c */
            { 0, 0x11, 4 },   /* BAR0 bit 12: writable */
            { 0, 0x10, 3 },   /* BAR0 prefetch type bit: checked */
            { 0, 0x1c, 0 },   /* I/O window type nibble: checked */
            { 0, 0x1c, 7 },   /* I/O base: writable */
            { 0, 0x3e, 6 },   /* bridge control secondary reset: writable */
            { 0, 0x3f, 2 },   /* bridge control discard status: w1c */
            { 0, 0x133, 7 },  /* AER root status IRQ number: unchecked */
            { 0, 0x130, 0 },  /* AER root status: w1c */
            { 0, 0x108, 0 },  /* AER uncorrectable mask: read-only in 7.2 */
            { 0, 0x14e, 0 },  /* ACS control SV: writable */
            { 0, 0x150, 0 },  /* past the chain: unchecked */
            { 1, 0x30, 0 },   /* ROM enable: writable */
            { 1, 0x32, 2 },   /* ROM bit 18: writable for 256 KiB */
            { 1, 0x32, 1 },   /* ROM bit 17: read-only and checked */
            { 1, 0x10, 0 },   /* BAR0 I/O flag */
            { 1, 0x14, 6 },   /* BAR1 bit 6: writable for 64 B */
            { 1, 0x14, 5 },   /* BAR1 bit 5: checked */
            { 1, 0x2c, 0 },   /* subsystem vendor: unchecked */
            { 1, 0x3d, 1 },   /* interrupt pin: unchecked */
            { 1, 0x0e, 7 },   /* header type: checked */
            { 2, 0x62, 4 },   /* ioh3420 MSI enable field: writable */
            { 2, 0x6c, 1 },   /* ioh3420 MSI mask bit 1: writable (2 vectors) */
            { 2, 0x6c, 2 },   /* ioh3420 MSI mask bit 2: checked */
            { 2, 0xaa, 0 },   /* ioh3420 SLTSTA.ABP: w1c */
            { 3, 0x90, 2 },   /* rp2 reserve cap byte: checked */
            { 3, 0x1c, 0 },   /* rp2 io-reserve=0: I/O window read-only (QEMU prints wmask 0) */
            { 3, 0x60, 0 },   /* rp2 LNKCAP speed 8 GT/s */
            { 3, 0x6d, 2 },   /* rp2 SLTCTL PCC (populated: 0): writable */
            { 4, 0x72, 4 },   /* xhci MSI multiple message enable: writable */
            { 4, 0x72, 1 },   /* xhci MSI multiple message capable: checked */
            { 4, 0x7c, 0 },   /* xhci MSI data: writable */
            { 4, 0x93, 6 },   /* xhci MSI-X function mask: writable */
            { 4, 0x94, 1 },   /* xhci MSI-X table BIR: checked */
            { 4, 0xa8, 0 },   /* xhci DEVCTL without deverr: read-only, checked */
            { 4, 0xc9, 7 },   /* xhci DEVCTL2 TLP prefix blocking: writable */
            { 4, 0x100, 0 },  /* xhci NULL extended header: read-only but unchecked */
            { 4, 0x11, 5 },   /* xhci 16 KiB BAR0 bit 13: checked */
            { 4, 0x17, 0 },   /* xhci BAR0 upper dword: writable */
            { 3, 0x148, 0 },  /* rp2 without ACS: unchecked */
        };
        for (size_t i = 0; i < sizeof(pick) / sizeof(pick[0]); i++) {
            add_sample(v, &n, cap, pick[i].t, pick[i].off, pick[i].bit);
        }
        rng_state = 0x5eed;
        while (n < cap) {
            int ti = (int)(rng() % NT);
            unsigned off = rng() % (ti == 1 ? 0x100 : 0x180);
            add_sample(v, &n, cap, ti, off, rng() % 8);
        }
    }
    const char *js = getenv("VMC_PCI_JOBS");
    int jobs = js && atoi(js) > 0 ? atoi(js) : 4;
    outcome *out = calloc(n, sizeof(*out));
    time_t t0 = time(NULL);
    run_samples(&s, t, v, n, jobs, out);

    size_t refused = 0, loaded = 0, wrong = 0;
    for (size_t i = 0; i < n; i++) {
        const target *tg = &t[v[i].t];
        uint8_t mutated[VMC_PCIE_CONFIG_SPACE];
        memcpy(mutated, tg->q.bytes, tg->q.len);
        mutated[v[i].off] ^= (uint8_t)(1u << v[i].bit);
        int first;
        int nbad = vmc_pci_config_load_check(tg->p, mutated, tg->q.len, &first);
        assert_true(nbad >= 0);
        const outcome *o = &out[i];
        bool good;
        if (o->ok < 0) {
            good = false;
        } else if (nbad) {
            /* refused at our offset, for this device */
            const char *dev = strrchr(tg->idstr, '/');
            good = o->ok == 0 && o->bad_off == first &&
                   strncmp(o->device, tg->idstr, (size_t)(dev - tg->idstr)) == 0;
            /* QEMU prints its own config byte and masks there: they must be ours */
            unsigned f = (unsigned)first;
            if (good && (o->read != mutated[f] || o->device_byte != tg->p->config[f] ||
                         o->cmask != tg->p->cmask[f] || o->wmask != tg->p->wmask[f] ||
                         o->w1cmask != tg->p->w1cmask[f])) {
                print_message("%s config[0x%03x]: QEMU masks c/w/w1c %02x/%02x/%02x, "
                              "built %02x/%02x/%02x\n", tg->idstr, f, o->cmask, o->wmask,
                              o->w1cmask, tg->p->cmask[f], tg->p->wmask[f], tg->p->w1cmask[f]);
                good = false;
            }
            refused++;
        } else {
            good = o->ok == 1;
            loaded++;
        }
        if (getenv("VMC_TEST_VERBOSE")) {
            print_message("  %s config[0x%03x] bit %u: predicted %s, QEMU %s (%s)\n",
                          tg->idstr, v[i].off, v[i].bit, nbad ? "refusal" : "load",
                          o->ok < 0 ? "did not run" : o->ok ? "loaded" : "refused", o->line);
        }
        if (!good) {
            wrong++;
            print_message("%s config[0x%03x] bit %u: predicted %s, QEMU %s (%s)\n", tg->idstr,
                          v[i].off, v[i].bit, nbad ? "refusal" : "load",
                          o->ok < 0 ? "did not run" : o->ok ? "loaded" : "refused", o->line);
        }
    }
    print_message("load-check sample: %zu bits, %zu predicted refusals, %zu predicted loads, "
                  "%zu wrong, %ld s with %d jobs\n",
                  n, refused, loaded, wrong, (long)(time(NULL) - t0), jobs);
    assert_true(refused > 0 && loaded > 0);
    assert_int_equal(wrong, 0);
    free(out);
    free(v);
    free(s.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_defaults),
        cmocka_unit_test(test_bridge_header),
        cmocka_unit_test(test_bar_masks),
        cmocka_unit_test(test_capability_chain),
        cmocka_unit_test(test_msi_msix),
        cmocka_unit_test(test_root_port_masks),
        cmocka_unit_test(test_ext_caps_and_errors),
        cmocka_unit_test(test_pci_bridge_shpc_slotid),
        cmocka_unit_test(test_load_check),
        cmocka_unit_test(test_corpus_rp_xhci_q35_7_2),
        cmocka_unit_test(test_corpus_rp_empty_q35_6_0),
        cmocka_unit_test(test_corpus_e1000),
        cmocka_unit_test(test_corpus_pci_bridge),
        cmocka_unit_test(test_qemu_q35_7_2_ports),
        cmocka_unit_test(test_qemu_q35_6_0_native_hotplug),
        cmocka_unit_test(test_qemu_q35_6_1_hidden_hotplug),
        cmocka_unit_test(test_qemu_load_check_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
