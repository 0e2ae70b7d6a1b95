/*
 * The bridge and endpoint device models (src/devices/model_bridges.c,
 * model_pcidev.c, model_isa.c) against QEMU 7.2.
 *
 *  1. Config bytes, sections and RAM blocks of fresh machines the
 *     installed QEMU writes (tests/model_qemu_check.h): a PCIe topology
 *     (generic root ports with link, reserve, hot-plug and power-controller
 *     properties, ioh3420, an X3130 switch, pcie-pci-bridge, pci-bridge,
 *     i82801b11-bridge; functions at non-zero slots and functions behind
 *     them, a multi-function slot) on q35 7.2, 6.1, 6.0, 5.2, 4.2, 3.1,
 *     2.12, 2.9, where the hot-plug handler of the ports' buses changes
 *     (ACPI from 6.1, native before: presence detect and link active on
 *     populated slots), and endpoints (e1000 and its variants, e1000e,
 *     rtl8139, i6300esb, ivshmem-plain, pci-serial, pvpanic-pci, ISA
 *     serial / parallel / pvpanic) on i440fx 7.2, 4.2, 2.12, 2.9, 1.4.
 *  2. Masks: chosen bits (slot status, link status, MSI / MSI-X, AER, ACS,
 *     SHPC, slot id, reserve capability, PM, DSN, BARs) and random ones
 *     flipped in a fresh stream and loaded into QEMU.
 *  3. nvme: QEMU refuses to migrate, naming the section the model marks
 *     unmigratable; invalid command lines fail with QEMU's error.
 *
 * QEMU must be installed: these tests fail, never skip, without it.
 */
#include "model_qemu_check.h"

#include "vmcompat/vmstate.h"

/* ---- 1. config bytes -------------------------------------------------------- */

static const char *const TOPOLOGY[] = {
    "-m", "128",
    "-device", "pcie-root-port,id=rp1,chassis=1,port=0x10,addr=0x2.0x0,multifunction=on",
    "-device", "pcie-root-port,id=rp2,chassis=2,port=0x11,addr=0x2.0x1,x-speed=8,x-width=4,"
               "io-reserve=0,bus-reserve=3,mem-reserve=2M",
    "-device", "pcie-root-port,id=rp3,chassis=3,addr=0x2.0x2,hotplug=off,"
               "power_controller_present=off,slot=5,aer_log_max=0",
    "-device", "pcie-root-port,id=rp4,chassis=3,slot=6,addr=0x2.0x3,disable-acs=on",
    "-device", "ioh3420,id=ioh,chassis=4,slot=2,addr=0x3",
    "-device", "x3130-upstream,id=up,bus=rp1",
    "-device", "xio3130-downstream,id=dp1,bus=up,chassis=5,slot=1",
    "-device", "xio3130-downstream,id=dp2,bus=up,addr=0x1,chassis=5,slot=2",
    "-device", "e1000e,bus=dp1,mac=52:54:00:aa:bb:02",
    "-device", "pcie-pci-bridge,id=pb,bus=rp2",
    "-device", "e1000,bus=pb,addr=0x1",
    "-device", "pci-bridge,id=br,chassis_nr=6,addr=0x4",
    "-device", "rtl8139,bus=br,addr=0x2",
    "-device", "i82801b11-bridge,id=dmi,addr=0x5",
    "-device", "i6300esb,bus=dmi,addr=0x1",
    "-device", "e1000e,bus=ioh,addr=0x0.0x2",
    "-device", "e1000-82545em,bus=rp3",
    "-device", "e1000e,addr=0x6",
    NULL,
};

static const char *const TOPOLOGY_MUST[] = {
    "0000:00:02.0/pcie-root-port", "0000:00:02.1/pcie-root-port", "0000:00:02.2/pcie-root-port",
    "0000:00:02.3/pcie-root-port", "0000:00:03.0/ioh-3240-express-root-port",
    "0000:00:02.0:00.0/xio3130-express-upstream-port",
    "0000:00:02.0:00.0:00.0/xio3130-express-downstream-port",
    "0000:00:02.0:00.0:01.0/xio3130-express-downstream-port",
    "0000:00:02.0:00.0:00.0:00.0/e1000e", "0000:00:02.1:00.0/pcie-pci-bridge",
    "0000:00:02.1:00.0:01.0/e1000", "0000:00:04.0/pci_bridge", "0000:00:04.0:02.0/rtl8139",
    "0000:00:05.0/i82801b11_bridge", "0000:00:05.0:01.0/i6300esb_wdt",
    "0000:00:03.0:00.2/e1000e", "0000:00:02.2:00.0/e1000", "0000:00:06.0/e1000e",
    NULL,
};

static void test_topology_q35(void **state)
{
    (void)state;
    static const char *const types[] = {
        "pc-q35-7.2", "pc-q35-6.1", "pc-q35-6.0", "pc-q35-5.2",
        "pc-q35-4.2", "pc-q35-3.1", "pc-q35-2.12", "pc-q35-2.9",
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        total += mq_check(types[i], TOPOLOGY, TOPOLOGY_MUST);
    }
    print_message("q35 topology: %zu functions compared on %zu machine types\n", total,
                  sizeof(types) / sizeof(types[0]));
}

static void test_native_hotplug_global(void **state)
{
    (void)state;
    /* ACPI bridge hot-plug off on 7.2: the ports handle their buses again */
    static const char *const args[] = {
        "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
        "-device", "pcie-root-port,id=rp1,chassis=1,addr=0x2",
        "-device", "pcie-root-port,id=rp2,chassis=2,addr=0x3,hotplug=off",
        "-device", "ioh3420,id=ioh,chassis=3,addr=0x4",
        "-device", "e1000e,bus=rp1,multifunction=on",
        "-device", "e1000e,bus=rp2",
        "-device", "e1000,bus=ioh,addr=0x0.0x3",
        "-device", "e1000,bus=rp1,addr=0x0.0x1",
        NULL,
    };
    static const char *const must[] = {
        "0000:00:02.0/pcie-root-port", "0000:00:03.0/pcie-root-port",
        "0000:00:04.0/ioh-3240-express-root-port", "0000:00:04.0:00.3/e1000", NULL,
    };
    mq_check("pc-q35-7.2", args, must);
}

static const char *const ENDPOINTS[] = {
    "-m", "128",
    "-chardev", "null,id=c0", "-chardev", "null,id=c1", "-chardev", "null,id=c2",
    "-chardev", "null,id=c3", "-chardev", "null,id=c4",
    "-object", "memory-backend-ram,id=shm0,size=2M",
    "-device", "e1000",
    "-device", "e1000-82544gc",
    "-device", "e1000-82545em,mac=52:54:00:12:34:57",
    "-device", "rtl8139",
    "-device", "e1000e",
    "-device", "pci-bridge,id=br,chassis_nr=1,addr=0x8",
    "-device", "i6300esb,bus=br,addr=0x3",
    "-device", "ivshmem-plain,memdev=shm0,master=on,bus=br,addr=0x4",
    "-device", "pci-serial,chardev=c0,addr=0x9.0x0,multifunction=on",
    "-device", "pci-serial-4x,prog_if=3,chardev1=c1,addr=0x9.0x1",
    "-device", "pvpanic-pci,addr=0x9.0x2",
    "-device", "isa-serial,chardev=c2",
    "-device", "isa-serial,chardev=c3",
    "-device", "isa-parallel,chardev=c4",
    "-device", "pvpanic",
    NULL,
};

static const char *const ENDPOINTS_MUST[] = {
    "0000:00:02.0/e1000", "0000:00:03.0/e1000", "0000:00:04.0/e1000", "0000:00:05.0/rtl8139",
    "0000:00:06.0/e1000e", "0000:00:08.0/pci_bridge", "0000:00:08.0:03.0/i6300esb_wdt",
    "0000:00:08.0:04.0/ivshmem-plain", "0000:00:09.0/pci-serial",
    "0000:00:09.1/pci-serial-multi", "0000:00:09.2/pvpanic-pci", "0000:00:01.3/piix4_pm",
    NULL,
};

static void test_endpoints_i440fx(void **state)
{
    (void)state;
    static const char *const types[] = {
        "pc-i440fx-7.2", "pc-i440fx-4.2", "pc-i440fx-2.12", "pc-i440fx-2.9", "pc-i440fx-1.4",
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        total += mq_check(types[i], ENDPOINTS, ENDPOINTS_MUST);
    }
    print_message("i440fx endpoints: %zu functions compared on %zu machine types\n", total,
                  sizeof(types) / sizeof(types[0]));
}

/* ---- 2. masks ---------------------------------------------------------------- */

static void test_masks_ports(void **state)
{
    (void)state;
    /* pc-q35-6.0: native hot-plug, so populated slots carry PDS */
    static const char *const args[] = {
        "-device", "pcie-root-port,id=rp1,chassis=1,addr=0x2,io-reserve=8K",
        "-device", "ioh3420,id=ioh,chassis=2,addr=0x3",
        "-device", "x3130-upstream,id=up,bus=rp1",
        "-device", "xio3130-downstream,id=dp,bus=up,chassis=3",
        "-device", "pcie-pci-bridge,id=pb,bus=dp",
        "-device", "pci-bridge,id=br,chassis_nr=4,addr=0x4",
        "-device", "i82801b11-bridge,addr=0x5",
        "-device", "e1000,bus=ioh,addr=0x0.0x1",
        NULL,
    };
    static const char *const targets[] = {
        "0000:00:02.0/pcie-root-port", "0000:00:03.0/ioh-3240-express-root-port",
        "0000:00:02.0:00.0/xio3130-express-upstream-port",
        "0000:00:02.0:00.0:00.0/xio3130-express-downstream-port",
        "0000:00:02.0:00.0:00.0:00.0/pcie-pci-bridge", "0000:00:04.0/pci_bridge",
        "0000:00:05.0/i82801b11_bridge", NULL,
    };
    static const mq_pick picks[] = {
        { "0000:00:02.0/pcie-root-port", 0x6e, 6 },    /* SLTSTA.PDS (set): checked in 7.2 */
        { "0000:00:02.0/pcie-root-port", 0x6e, 3 },    /* SLTSTA.PDC: w1c */
        { "0000:00:02.0/pcie-root-port", 0x67, 5 },    /* LNKSTA.DLLLA: unchecked */
        { "0000:00:02.0/pcie-root-port", 0x6d, 2 },    /* SLTCTL.PCC: writable */
        { "0000:00:02.0/pcie-root-port", 0x92, 0 },    /* reserve cap: checked (0x90 + 8) */
        { "0000:00:02.0/pcie-root-port", 0x1c, 4 },    /* I/O base: writable */
        { "0000:00:02.0/pcie-root-port", 0x14e, 1 },   /* ACS control TB: writable */
        { "0000:00:02.0/pcie-root-port", 0x14c, 1 },   /* ACS capability: checked */
        { "0000:00:03.0/ioh-3240-express-root-port", 0xaa, 6 },  /* PDS (fn 1 only): checked */
        { "0000:00:03.0/ioh-3240-express-root-port", 0x6d, 0 },  /* MSI mask bit 8: checked */
        { "0000:00:03.0/ioh-3240-express-root-port", 0x6c, 1 },  /* MSI mask bit 1: writable */
        { "0000:00:02.0:00.0/xio3130-express-upstream-port", 0x97, 4 },   /* DEVCAP FLR */
        { "0000:00:02.0:00.0/xio3130-express-upstream-port", 0x98, 0 },   /* DEVCTL CERE */
        { "0000:00:02.0:00.0:00.0/xio3130-express-downstream-port", 0x9c, 0 },  /* LNKCAP */
        { "0000:00:02.0:00.0:00.0/xio3130-express-downstream-port", 0xb8, 5 },  /* DEVCTL2 ARI */
        { "0000:00:02.0:00.0:00.0:00.0/pcie-pci-bridge", 0x42, 0 },  /* SHPC dword select */
        { "0000:00:02.0:00.0:00.0:00.0/pcie-pci-bridge", 0x86, 1 },  /* PM capabilities */
        { "0000:00:02.0:00.0:00.0:00.0/pcie-pci-bridge", 0x119, 1 }, /* AER cap: no MHRC */
        { "0000:00:04.0/pci_bridge", 0x4a, 5 },        /* slot id: first in chassis, checked */
        { "0000:00:04.0/pci_bridge", 0x4b, 0 },        /* chassis number: writable */
        { "0000:00:04.0/pci_bridge", 0x11, 0 },        /* SHPC BAR bit 8: writable (256 B) */
        { "0000:00:04.0/pci_bridge", 0x10, 7 },        /* ... bit 7: checked */
        { "0000:00:05.0/i82801b11_bridge", 0x09, 0 },  /* subtractive decode: checked */
        { "0000:00:05.0/i82801b11_bridge", 0x52, 0 },  /* SSVID: checked */
    };
    mq_mask_samples("pc-q35-6.0", args, targets, picks, sizeof(picks) / sizeof(picks[0]), 16);
}

static void test_masks_endpoints(void **state)
{
    (void)state;
    static const char *const args[] = {
        "-object", "memory-backend-ram,id=shm0,size=1M",
        "-device", "pcie-root-port,id=rp1,chassis=1,addr=0x2",
        "-device", "e1000e,bus=rp1,mac=52:54:00:aa:bb:02",
        "-device", "e1000,addr=0x3",
        "-device", "rtl8139,addr=0x4",
        "-device", "ivshmem-plain,memdev=shm0,master=on,addr=0x5",
        "-device", "pci-serial,addr=0x6",
        "-device", "pvpanic-pci,addr=0x7",
        "-device", "i6300esb,addr=0x8",
        NULL,
    };
    static const char *const targets[] = {
        "0000:00:02.0:00.0/e1000e", "0000:00:03.0/e1000", "0000:00:04.0/rtl8139",
        "0000:00:05.0/ivshmem-plain", "0000:00:06.0/pci-serial", "0000:00:07.0/pvpanic-pci",
        "0000:00:08.0/i6300esb_wdt", NULL,
    };
    static const mq_pick picks[] = {
        { "0000:00:02.0:00.0/e1000e", 0xcc, 0 },    /* PM power state: writable */
        { "0000:00:02.0:00.0/e1000e", 0xcd, 7 },    /* PM PME status: w1c */
        { "0000:00:02.0:00.0/e1000e", 0xca, 5 },    /* PMC DSI: checked */
        { "0000:00:02.0:00.0/e1000e", 0xe2, 4 },    /* EXP port type: checked */
        { "0000:00:02.0:00.0/e1000e", 0xa3, 7 },    /* MSI-X enable: writable */
        { "0000:00:02.0:00.0/e1000e", 0xa2, 2 },    /* MSI-X table size: checked */
        { "0000:00:02.0:00.0/e1000e", 0x144, 0 },   /* DSN (from the MAC): checked */
        { "0000:00:02.0:00.0/e1000e", 0x118, 5 },   /* AER capabilities: checked */
        { "0000:00:02.0:00.0/e1000e", 0x2c, 0 },    /* subsystem vendor: unchecked */
        { "0000:00:03.0/e1000", 0x32, 2 },          /* ROM bit 18: writable (256 KiB) */
        { "0000:00:03.0/e1000", 0x32, 1 },          /* ROM bit 17: checked */
        { "0000:00:03.0/e1000", 0x14, 6 },          /* I/O BAR bit 6: writable */
        { "0000:00:04.0/rtl8139", 0x34, 0 },        /* capability pointer 0xdc: checked */
        { "0000:00:04.0/rtl8139", 0x15, 0 },        /* MMIO BAR bit 8: writable */
        { "0000:00:05.0/ivshmem-plain", 0x18, 2 },  /* BAR2 64-bit type: checked */
        { "0000:00:05.0/ivshmem-plain", 0x1a, 4 },  /* BAR2 bit 20: writable (1 MiB) */
        { "0000:00:05.0/ivshmem-plain", 0x1a, 3 },  /* BAR2 bit 19: checked */
        { "0000:00:06.0/pci-serial", 0x09, 1 },     /* programming interface: checked */
        { "0000:00:07.0/pvpanic-pci", 0x10, 1 },    /* 2-byte BAR: bit 1 writable */
        { "0000:00:07.0/pvpanic-pci", 0x10, 0 },    /* ... bit 0: checked */
        { "0000:00:08.0/i6300esb_wdt", 0x10, 4 },   /* 16-byte BAR: bit 4 writable */
        { "0000:00:08.0/i6300esb_wdt", 0x60, 1 },   /* WDT config: unchecked */
    };
    mq_mask_samples("pc-q35-7.2", args, targets, picks, sizeof(picks) / sizeof(picks[0]), 12);
}

/* ---- 3. migration blocker, errors ----------------------------------------------- */

static void test_nvme_blocks_migration(void **state)
{
    (void)state;
    static const char *const args[] = { "-device", "nvme,serial=vmc0,addr=0x4", NULL };
    vmc_model *m = mq_model("pc-q35-7.2", args);
    const vmc_model_entry *e = NULL;
    for (size_t i = 0; i < vmc_model_entry_count(m); i++) {
        const vmc_model_entry *x = vmc_model_entry_at(m, i);
        if (x->device && strcmp(x->device, "nvme") == 0) {
            e = x;
        }
    }
    assert_non_null(e);
    assert_non_null(e->vmsd);
    assert_true(e->vmsd->unmigratable);
    assert_false(e->sent);

    qr_config cfg = { .machine = "pc-q35-7.2", .args = args };
    qr_qemu *q = NULL;
    if (qr_start(&q, &cfg) != 0) {
        fail_msg("starting QEMU: %s", vmc_error_last()->message);
    }
    char path[1024], want[512];
    snprintf(path, sizeof(path), "%s/source.mig", qr_tmpdir(q));
    assert_int_not_equal(qr_migrate_to_file(q, path, NULL), 0);
    snprintf(want, sizeof(want), "State blocked by non-migratable device '%s'", e->idstr);
    if (!strstr(vmc_error_last()->message, want)) {
        fail_msg("QEMU: %s; model: %s", vmc_error_last()->message, want);
    }
    qr_free(q);
    vmc_model_free(m);
}

static void test_errors(void **state)
{
    (void)state;
    static const char *const mf1[] = { "-device", "e1000,addr=3", "-device", "rtl8139,addr=3.1",
                                       NULL };
    static const char *const mf2[] = { "-device", "rtl8139,addr=3.2", "-device", "e1000,addr=3",
                                       NULL };
    static const char *const chassis[] = { "-device", "pcie-root-port,chassis=7,slot=1",
                                           "-device", "ioh3420,chassis=7,slot=1", NULL };
    static const char *const bridge[] = { "-device", "pci-bridge", NULL };
    static const char *const romsize[] = { "-device", "e1000,romsize=3000", NULL };
    static const char *const serials[] = { "-device", "isa-serial", "-device", "isa-serial",
                                           "-device", "isa-serial", "-device", "isa-serial",
                                           "-device", "isa-serial", NULL };
    static const char *const lpt[] = { "-device", "isa-parallel", NULL };
    static const char *const speed[] = { "-device", "pcie-root-port,chassis=1,x-speed=3", NULL };
    static const char *const nvme[] = { "-device", "nvme", NULL };
    mq_same_error("pc-q35-7.2", mf1);
    mq_same_error("pc-q35-7.2", mf2);
    mq_same_error("pc-q35-7.2", chassis);
    mq_same_error("pc-i440fx-7.2", bridge);
    mq_same_error("pc-i440fx-7.2", romsize);
    mq_same_error("pc-i440fx-7.2", serials);
    mq_same_error("pc-q35-7.2", lpt);
    mq_same_error("pc-q35-7.2", speed);
    mq_same_error("pc-q35-7.2", nvme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topology_q35),
        cmocka_unit_test(test_native_hotplug_global),
        cmocka_unit_test(test_endpoints_i440fx),
        cmocka_unit_test(test_masks_ports),
        cmocka_unit_test(test_masks_endpoints),
        cmocka_unit_test(test_nvme_blocks_migration),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
