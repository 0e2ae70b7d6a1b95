/*
 * Fresh state of the NICs' sections (QEMU 7.2): e1000 (and its 82544GC /
 * 82545EM variants), e1000e, rtl8139; and the MAC addresses QEMU gives NICs
 * without mac= (net/net.c: 52:54:00:12:34:56 upwards, in creation order).
 */
#include "devices/fresh_pcidevs.h"
#include "devices/fresh_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- MAC addresses ------------------------------------------------------ */

static const char *const nic_types[] = {
    "e1000", "e1000-82544gc", "e1000-82545em", "e1000e", "igb", "rtl8139",
    "virtio-net-pci", "virtio-net-pci-transitional", "virtio-net-pci-non-transitional",
    "virtio-net-device", "vmxnet3", "ne2k_pci", "ne2k_isa", "pcnet", "usb-net", "tulip",
    "i82550", "i82551", "i82557a", "i82557b", "i82557c", "i82558a", "i82558b", "i82559a",
    "i82559b", "i82559c", "i82559er", "i82562", "i82801",
};

static bool is_nic(const vmc_mdev *d)
{
    for (size_t i = 0; i < sizeof(nic_types) / sizeof(nic_types[0]); i++) {
        if (strcmp(d->type, nic_types[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &tail) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (v[i] > 0xff) {
            return false;
        }
        mac[i] = (uint8_t)v[i];
    }
    return true;
}

int vmc_fresh_nic_mac(const vmc_fresh_ctx *fc, uint8_t mac[6])
{
    static const uint8_t base[5] = { 0x52, 0x54, 0x00, 0x12, 0x34 };
    int used[256] = { 0 };
    for (size_t i = 0; i < fc->m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(fc->m->devices, i);
        if (!is_nic(d)) {
            continue;
        }
        const char *p = d->opts ? vmc_qopts_get(d->opts, "mac") : NULL;
        uint8_t a[6] = { 0 };
        if (p && !parse_mac(p, a)) {
            return vmc_fresh_unsupported(fc, "a NIC with this mac= value");
        }
        if (!p) {
            /* qemu_macaddr_get_free(): the lowest unused last byte from 0x56 */
            memcpy(a, base, 5);
            int k = 0x56;
            while (k < 0xff && used[k]) {
                k++;
            }
            if (k == 0xff) {
                return vmc_fresh_unsupported(fc, "more NICs than default MAC addresses");
            }
            a[5] = (uint8_t)k;
        }
        if (memcmp(a, base, 5) == 0) {
            used[a[5]]++;
        }
        if (d == fc->dev) {
            memcpy(mac, a, 6);
            return 0;
        }
    }
    return vmc_fresh_unsupported(fc, "the MAC address of a NIC the model does not list");
}

/* ---- e1000 -------------------------------------------------------------- */

#define E1000_MAC_REGS 0x8000
enum {   /* mac_reg[] indexes (register offset / 4) */
    E_CTRL = 0x0000 >> 2, E_STATUS = 0x0008 >> 2, E_VET = 0x0038 >> 2,
    E_LEDCTL = 0x0e00 >> 2, E_PBA = 0x1000 >> 2, E_RA = 0x5400 >> 2, E_MANC = 0x5820 >> 2,
};

/* Reset values of the e1000's MAC registers (e1000_reset). */
static const struct { uint16_t idx; uint32_t val; const char *name; } e1000_mac_init[] = {
    { E_PBA, 0x00100030, "PBA" },
    { E_LEDCTL, 0x602, "LEDCTL" },
    { E_CTRL, 0x00140240, "CTRL" },        /* SWDPIN2 | SWDPIN0 | SPD_1000 | SLU */
    { E_STATUS, 0x80080783, "STATUS" },    /* GIO master, ASDV, MTXCKOK, 1000, FD, LU */
    { E_MANC, 0x00222300, "MANC" },        /* EN_MNG2HOST, RCV_TCO, ARP, 0298, RMCP */
};

/* PHY registers of the M88E1000 at reset; PHY_ID2 depends on the model. */
static const struct { uint8_t reg; uint16_t val; } e1000_phy_init[] = {
    { 0, 0x1140 }, { 1, 0x794d }, { 2, 0x0141 }, { 4, 0x0de1 }, { 5, 0x01e0 },
    { 9, 0x0e00 }, { 10, 0x3c00 }, { 16, 0x0360 }, { 17, 0xac00 }, { 20, 0x0d60 },
};

/* The 82540EM EEPROM image; words 0-2 (MAC), 11 and 13 (device id) and 63
 * (checksum) are filled in by e1000_fresh_eeprom. */
static const uint16_t e1000_eeprom_words[64] = {
    [4] = 0xffff, [8] = 0x3000, [9] = 0x1000, [10] = 0x6403, [12] = 0x8086,
    [14] = 0x8086, [15] = 0x3040, [16] = 0x0008, [17] = 0x2000, [18] = 0x7e14,
    [19] = 0x0048, [20] = 0x1000, [21] = 0x00d8, [23] = 0x2700, [24] = 0x6cc9,
    [25] = 0x3150, [26] = 0x0722, [27] = 0x040b, [28] = 0x0984, [30] = 0xc000,
    [31] = 0x0706, [32] = 0x1008, [34] = 0x0f04, [35] = 0x7fff, [36] = 0x4d01,
    [37] = 0xffff, [38] = 0xffff, [39] = 0xffff, [40] = 0xffff, [41] = 0xffff,
    [42] = 0xffff, [43] = 0xffff, [44] = 0xffff, [45] = 0xffff, [46] = 0xffff,
    [47] = 0xffff, [48] = 0x0100, [49] = 0x4000, [50] = 0x121c, [51] = 0xffff,
    [52] = 0xffff, [53] = 0xffff, [54] = 0xffff, [55] = 0xffff, [56] = 0xffff,
    [57] = 0xffff, [58] = 0xffff, [59] = 0xffff, [60] = 0xffff, [61] = 0xffff,
    [62] = 0xffff,
};

#define EEPROM_CHECKSUM_REG 63
#define EEPROM_SUM 0xbaba
#define E1000_RAH_AV 0x80000000u
#define ETH_P_VLAN 0x8100

/* e1000x_core_prepare_eeprom(): MAC, device id twice, checksum. */
void vmc_fresh_e1000x_eeprom(uint16_t *eeprom, const uint16_t *image, size_t words,
                             uint16_t dev_id, const uint8_t mac[6])
{
    memcpy(eeprom, image, words * 2);
    for (int i = 0; i < 3; i++) {
        eeprom[i] = (uint16_t)(mac[2 * i + 1] << 8 | mac[2 * i]);
    }
    eeprom[11] = eeprom[13] = dev_id;
    uint16_t sum = 0;
    for (int i = 0; i < EEPROM_CHECKSUM_REG; i++) {
        sum = (uint16_t)(sum + eeprom[i]);
    }
    eeprom[EEPROM_CHECKSUM_REG] = (uint16_t)(EEPROM_SUM - sum);
}

/* RA[0] (RAL, RAH with Address Valid), e1000x_reset_mac_addr(). */
void vmc_fresh_e1000x_ra(const uint8_t mac[6], uint32_t *ral, uint32_t *rah)
{
    *ral = (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
           (uint32_t)mac[3] << 24;
    *rah = E1000_RAH_AV | (uint32_t)mac[4] | (uint32_t)mac[5] << 8;
}

int vmc_fresh_e1000(const vmc_fresh_ctx *fc, vmc_state *st)
{
    uint16_t dev_id = 0x100e, phy_id2 = 0x0c20;      /* 82540EM */
    if (fc->dev && strcmp(fc->dev->type, "e1000-82544gc") == 0) {
        dev_id = 0x100c;
        phy_id2 = 0x0c30;
    } else if (fc->dev && strcmp(fc->dev->type, "e1000-82545em") == 0) {
        dev_id = 0x100f;
    }
    uint8_t mac[6];
    int rc = vmc_fresh_nic_mac(fc, mac);
    if (rc) {
        return rc;
    }
    vmc_fresh_pci_device(st, "parent_obj");
    vmc_fresh_u(st, 1, "rxbuf_min_shift");

    uint16_t eeprom[64];
    vmc_fresh_e1000x_eeprom(eeprom, e1000_eeprom_words, 64, dev_id, mac);
    for (int i = 0; i < 64; i++) {
        if (eeprom[i]) {
            vmc_fresh_u(st, eeprom[i], "eeprom_data[%d]", i);
        }
    }
    for (size_t i = 0; i < sizeof(e1000_phy_init) / sizeof(e1000_phy_init[0]); i++) {
        vmc_fresh_u(st, e1000_phy_init[i].val, "phy_reg[%d]", e1000_phy_init[i].reg);
    }
    vmc_fresh_u(st, phy_id2, "phy_reg[3]");

    uint32_t *regs = g_new0(uint32_t, E1000_MAC_REGS);
    for (size_t i = 0; i < sizeof(e1000_mac_init) / sizeof(e1000_mac_init[0]); i++) {
        regs[e1000_mac_init[i].idx] = e1000_mac_init[i].val;
        vmc_fresh_u(st, e1000_mac_init[i].val, "mac_reg[%s]", e1000_mac_init[i].name);
    }
    vmc_fresh_e1000x_ra(mac, &regs[E_RA], &regs[E_RA + 1]);
    /* the first of the three mac_reg slices is the receive address table */
    vmc_fresh_u(st, regs[E_RA], "mac_reg[0][0]");
    vmc_fresh_u(st, regs[E_RA + 1], "mac_reg[0][1]");
    if (vmc_fresh_prop_bool(fc, NULL, "init-vet", true)) {
        regs[E_VET] = ETH_P_VLAN;
        vmc_fresh_u(st, ETH_P_VLAN, "mac_reg[VET]");
    }

    /* subsections sent as the compat flags say (their needed hooks) */
    vmc_fresh_sub(st, vmc_fresh_prop_bool(fc, NULL, "mitigation", true), "e1000/mit_state");
    bool full = vmc_fresh_prop_bool(fc, NULL, "extra_mac_registers", true);
    vmc_fresh_sub(st, full, "e1000/full_mac_state");
    if (full) {
        for (int i = 0; i < E1000_MAC_REGS; i++) {
            if (regs[i]) {
                vmc_fresh_u(st, regs[i], "e1000/full_mac_state.mac_reg[%d]", i);
            }
        }
    }
    g_free(regs);
    vmc_fresh_sub(st, vmc_fresh_prop_bool(fc, NULL, "migrate_tso_props", true),
                  "e1000/tx_tso_state");
    return 0;
}

/* ---- rtl8139 ------------------------------------------------------------ */

#define RTL_TX_HOST_OWNS 0x2000
#define RTL_CMD_RESET 0x10
#define RTL_HW_REVID_8139CP 0x74800000u   /* RTL-8139C+ with LWake */

/* rtl8139_reset() + rtl8139_reset_phy() with the link up; EEPROM from realize. */
int vmc_fresh_rtl8139(const vmc_fresh_ctx *fc, vmc_state *st)
{
    uint8_t mac[6];
    int rc = vmc_fresh_nic_mac(fc, mac);
    if (rc) {
        return rc;
    }
    vmc_fresh_pci_device(st, "parent_obj");
    vmc_fresh_bytes(st, mac, 6, "phys");
    vmc_fresh_bytes(st, mac, 6, "conf.macaddr");
    for (int i = 0; i < 4; i++) {
        vmc_fresh_u(st, RTL_TX_HOST_OWNS, "TxStatus[%d]", i);
    }
    vmc_fresh_u(st, 8192, "RxBufferSize");
    vmc_fresh_u(st, RTL_HW_REVID_8139CP, "TxConfig");
    vmc_fresh_u(st, 0x0340, "CSCR");              /* F_LINK_100 | HEART_BIT | LD */
    vmc_fresh_u(st, 0xc, "Config1");              /* I/O and memory mapped */
    vmc_fresh_u(st, 0x1, "Config3");              /* fast back-to-back */
    vmc_fresh_u(st, 1, "clock_enabled");
    vmc_fresh_u(st, RTL_CMD_RESET, "bChipCmdState");
    vmc_fresh_u(st, 0x1000, "BasicModeCtrl");     /* autonegotiation */
    vmc_fresh_u(st, 0x7809 | 0x20 | 0x04, "BasicModeStatus");   /* ... complete, link up */
    vmc_fresh_u(st, 0x05e1, "NWayAdvert");
    vmc_fresh_u(st, 0x05e1, "NWayLPAR");
    vmc_fresh_u(st, 0x0001, "NWayExpansion");
    vmc_fresh_u(st, 0x8129, "eeprom.contents[0]");
    vmc_fresh_u(st, 0x10ec, "eeprom.contents[1]");   /* Realtek */
    vmc_fresh_u(st, 0x8139, "eeprom.contents[2]");
    for (int i = 0; i < 3; i++) {
        vmc_fresh_u(st, (uint16_t)(mac[2 * i] | mac[2 * i + 1] << 8), "eeprom.contents[%d]",
                    7 + i);
    }
    /* rtl8139_hotplug_ready_needed(): only for a hot-plugged NIC */
    vmc_fresh_sub(st, false, "rtl8139/hotplug_ready");
    return 0;
}

/* ---- e1000e (82574L) ------------------------------------------------------- */

#define E1000E_DEV_ID 0x10d3
#define E1000E_MIN_XITR 500
#define E1000E_MSIX_VEC_NUM 5

/* mac[] reset values of e1000e_core_reset(), by register index (offset / 4). */
static const struct { uint16_t idx; uint32_t val; } e1000e_mac_init[] = {
    { 0x0000 >> 2, 0x00140241 },   /* CTRL: FD, SWDPIN2/0, SPD_1000, SLU, ADVD3WUC */
    { 0x0008 >> 2, 0x00000202 },   /* STATUS: ASDV_1000, LU */
    { 0x0010 >> 2, 0x00000300 },   /* EECD: AUTO_RD, PRES */
    { 0x0014 >> 2, 0x00000002 },   /* EERD: DONE */
    { 0x00c4 >> 2, E1000E_MIN_XITR },   /* ITR */
    { 0x0410 >> 2, 0x00602008 },   /* TIPG */
    { 0x0e00 >> 2, 0x00068302 },   /* LEDCTL */
    { 0x0f00 >> 2, 0x00000008 },   /* EXTCNF_CTRL */
    { 0x0f10 >> 2, 0x0000030d },   /* POEMB */
    { 0x1000 >> 2, 0x00140014 },   /* PBA */
    { 0x1008 >> 2, 0x00000028 },   /* PBS */
    { 0x1010 >> 2, 0x80000000 },   /* EEMNGCTL */
    { 0x1028 >> 2, 0x00000002 },   /* FLASHT */
    { 0x102c >> 2, 0x00000002 },   /* EEWR: DONE */
    { 0x1030 >> 2, 0xc0000000 },   /* FLSWCTL */
    { 0x1050 >> 2, 0x00000001 },   /* FLOL */
    { 0x2170 >> 2, 0x00040402 },   /* PSRCTL: BSIZE0 2, BSIZE1 4, BSIZE2 4 */
    { 0x2828 >> 2, 0x00010000 },   /* RXDCTL */
    { 0x2928 >> 2, 0x00010000 },   /* RXDCTL1 */
    { 0x3410 >> 2, 0x600 }, { 0x3418 >> 2, 0x600 },   /* TDFH, TDFT */
    { 0x3420 >> 2, 0x600 }, { 0x3428 >> 2, 0x600 },   /* TDFHS, TDFTS */
    { 0x3840 >> 2, 0x00000403 },   /* TARC0: 3 | ENABLE */
    { 0x3940 >> 2, 0x00000403 },   /* TARC1 */
    { 0x5000 >> 2, 0x00000300 },   /* RXCSUM: IPOFLD, TUOFLD */
    { 0x5820 >> 2, 0x10000000 },   /* MANC: DIS_IP_CHK_ARP */
    { 0x5b00 >> 2, 0x06800200 },   /* GCR: L0S_ADJUST, L1 entry latency */
    { 0x5b30 >> 2, 0x20000004 },   /* FACTPS: LAN0_ON | bit 29 */
    { 0x5b50 >> 2, 0x00000001 },   /* SWSM */
    { 0xb634 >> 2, 0x000088f7 },   /* RXCFGL */
    { 0xb638 >> 2, 0x00000319 },   /* RXUDP */
};
#define E1000E_EITR (0x00e8 >> 2)

/* phy[] (4 pages of 32 registers) at reset, by page * 32 + register. */
static const struct { uint16_t idx; uint16_t val; } e1000e_phy_init[] = {
    { 0, 0x1140 }, { 1, 0x794d }, { 2, 0x0141 }, { 3, 0x0cb1 }, { 4, 0x0de1 },
    { 5, 0x07e0 }, { 6, 0x0004 }, { 7, 0x2001 }, { 9, 0x0f00 }, { 10, 0x3c00 },
    { 15, 0x3000 }, { 16, 0x3360 }, { 17, 0xac08 },
    { 2 * 32 + 16, 0x0088 }, { 2 * 32 + 21, 0x1046 },   /* MAC_CTRL1, MAC_CTRL2 */
    { 3 * 32 + 18, 0x4005 },                            /* LED_TIMER_CTRL */
};

/* The 82574 NVM image; MAC, device id and checksum are filled in. */
static const uint16_t e1000e_eeprom_words[64] = {
    [3] = 0x0420, [4] = 0xf746, [5] = 0x2010, [6] = 0xffff, [7] = 0xffff,
    [10] = 0x026b, [12] = 0x8086, [15] = 0x8058, [17] = 0x2001, [18] = 0x7e7c,
    [19] = 0xffff, [20] = 0x1000, [21] = 0x00c8, [23] = 0x2704, [24] = 0x6cc9,
    [25] = 0x3150, [26] = 0x070e, [27] = 0x460b, [28] = 0x2d84, [29] = 0x0100,
    [30] = 0xf000, [31] = 0x0706, [32] = 0x6000, [33] = 0x0080, [34] = 0x0f04,
    [35] = 0x7fff, [36] = 0x4f01, [37] = 0xc600, [39] = 0x20ff, [40] = 0x0028,
    [41] = 0x0003, [45] = 0x0003, [47] = 0xffff, [48] = 0x0100, [49] = 0xc000,
    [50] = 0x121c, [51] = 0xc007, [52] = 0xffff, [53] = 0xffff, [54] = 0xffff,
    [55] = 0xffff, [56] = 0xffff, [57] = 0xffff, [58] = 0xffff, [59] = 0xffff,
    [61] = 0x0120, [62] = 0xffff,
};

int vmc_fresh_e1000e(const vmc_fresh_ctx *fc, vmc_state *st)
{
    uint8_t mac[6];
    int rc = vmc_fresh_nic_mac(fc, mac);
    if (rc) {
        return rc;
    }
    vmc_fresh_pci_device(st, "parent_obj[0]");
    vmc_fresh_msix_masked(st, "parent_obj[1].msix", vmc_fresh_msix_vectors(fc));
    vmc_fresh_u(st, 5, "core.rxbuf_min_shift");     /* 1 + E1000_RING_DESC_LEN_SHIFT */

    uint16_t eeprom[64];
    vmc_fresh_e1000x_eeprom(eeprom, e1000e_eeprom_words, 64, E1000E_DEV_ID, mac);
    for (int i = 0; i < 64; i++) {
        if (eeprom[i]) {
            vmc_fresh_u(st, eeprom[i], "core.eeprom[%d]", i);
        }
    }
    for (size_t i = 0; i < sizeof(e1000e_phy_init) / sizeof(e1000e_phy_init[0]); i++) {
        vmc_fresh_u(st, e1000e_phy_init[i].val, "core.phy[%d]", e1000e_phy_init[i].idx);
    }
    for (size_t i = 0; i < sizeof(e1000e_mac_init) / sizeof(e1000e_mac_init[0]); i++) {
        vmc_fresh_u(st, e1000e_mac_init[i].val, "core.mac[%d]", e1000e_mac_init[i].idx);
    }
    for (int i = 0; i < E1000E_MSIX_VEC_NUM; i++) {
        vmc_fresh_u(st, E1000E_MIN_XITR, "core.mac[%d]", E1000E_EITR + i);
    }
    uint32_t ral, rah;
    vmc_fresh_e1000x_ra(mac, &ral, &rah);
    vmc_fresh_u(st, ral, "core.mac[%d]", 0x5400 >> 2);
    vmc_fresh_u(st, rah, "core.mac[%d]", (0x5400 >> 2) + 1);
    if (vmc_fresh_prop_bool(fc, NULL, "init-vet", true)) {
        vmc_fresh_u(st, ETH_P_VLAN, "core.mac[%d]", 0x0038 >> 2);
    }
    for (int i = 0; i < 6; i++) {
        vmc_fresh_u(st, mac[i], "core.permanent_mac[%d]", i);
    }
    vmc_fresh_u(st, (uint64_t)vmc_fresh_prop_int(fc, NULL, "subsys_ven", 0x8086), "subsys_ven");
    vmc_fresh_u(st, (uint64_t)vmc_fresh_prop_int(fc, NULL, "subsys", 0), "subsys");
    /* the interrupt moderation timers are stopped */
    static const char *const timers[] = { "rdtr", "radv", "raid", "tadv", "tidv", "itr" };
    for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
        vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "core.%s.timer", timers[i]);
    }
    for (int i = 0; i < E1000E_MSIX_VEC_NUM; i++) {
        vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "core.eitr[%d].timer", i);
    }
    return 0;
}
