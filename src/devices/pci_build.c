/*
 * PCI configuration space builder: the config bytes and masks QEMU 7.2
 * gives a device (hw/pci/pci.c, msi.c, msix.c, pcie.c, pcie_aer.c,
 * pci_bridge.c, slotid_cap.c, shpc.c), re-expressed from the PCI / PCIe
 * register definitions.  See pci_build.h.
 */
#include "devices/pci_build.h"

#include <string.h>

#include "common/error_internal.h"

/* ---- small helpers ------------------------------------------------------ */

static void word_set(uint8_t *a, uint16_t m)
{
    vmc_pci_set_word(a, vmc_pci_get_word(a) | m);
}

static void word_clear(uint8_t *a, uint16_t m)
{
    vmc_pci_set_word(a, vmc_pci_get_word(a) & (uint16_t)~m);
}

static void long_set(uint8_t *a, uint32_t m)
{
    vmc_pci_set_long(a, vmc_pci_get_long(a) | m);
}

static void long_clear(uint8_t *a, uint32_t m)
{
    vmc_pci_set_long(a, vmc_pci_get_long(a) & ~m);
}

/* Record an invalid-argument error (printf-checked) and return its code. */
#define usage(...) vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, __VA_ARGS__)

/* Register bits used below (PCI Local Bus / PCI Express Base specifications). */
enum {
    STATUS_W1C = 0xf900,           /* parity, sig/rcv target abort, rcv master abort,
                                      sig system error, detected parity */
    BRIDGE_CTL_PARITY = 0x001,
    BRIDGE_CTL_SERR = 0x002,
    BRIDGE_CTL_ISA = 0x004,
    BRIDGE_CTL_VGA = 0x008,
    BRIDGE_CTL_VGA_16BIT = 0x010,
    BRIDGE_CTL_MASTER_ABORT = 0x020,
    BRIDGE_CTL_BUS_RESET = 0x040,
    BRIDGE_CTL_FAST_BACK = 0x080,
    BRIDGE_CTL_DISCARD = 0x100,
    BRIDGE_CTL_SEC_DISCARD = 0x200,
    BRIDGE_CTL_DISCARD_STATUS = 0x400,
    BRIDGE_CTL_DISCARD_SERR = 0x800,
    SEC_STATUS_RCV_SYSTEM_ERROR = 0x4000,

    EXP_FLAGS_SLOT = 0x0100,
    EXP_FLAGS_IRQ = 0x3e00,
    EXP_DEVCAP_RBER = 0x00008000,
    EXP_DEVCAP_FLR = 0x10000000,
    EXP_DEVCTL_ERR_ENABLES = 0x000f,   /* CERE NFERE FERE URRE */
    EXP_DEVCTL_BCR_FLR = 0x8000,
    EXP_DEVSTA_ERR = 0x000f,           /* CED NFED FED URD */
    EXP_LNKCAP_SLS = 0x0000000f,
    EXP_LNKCAP_MLW = 0x000003f0,
    EXP_LNKCAP_ASPM_L0S = 0x00000400,
    EXP_LNKCAP_LBNC = 0x00200000,
    EXP_LNKCTL_CCC_ES = 0x00c0,
    EXP_LNKCTL2_TLS = 0x000f,
    EXP_SLTCAP_ABP = 0x00000001,
    EXP_SLTCAP_PCP = 0x00000002,
    EXP_SLTCAP_AIP = 0x00000008,
    EXP_SLTCAP_PIP = 0x00000010,
    EXP_SLTCAP_HPS = 0x00000020,
    EXP_SLTCAP_HPC = 0x00000040,
    EXP_SLTCAP_EIP = 0x00020000,
    EXP_SLTCAP_PSN_SHIFT = 19,
    EXP_SLTCAP_PSN = 0xfff80000,
    EXP_SLTCTL_ABPE = 0x0001,
    EXP_SLTCTL_PDCE = 0x0008,
    EXP_SLTCTL_CCIE = 0x0010,
    EXP_SLTCTL_HPIE = 0x0020,
    EXP_SLTCTL_AIC = 0x00c0,
    EXP_SLTCTL_AIC_OFF = 0x00c0,
    EXP_SLTCTL_PIC = 0x0300,
    EXP_SLTCTL_PIC_ON = 0x0100,
    EXP_SLTCTL_PIC_OFF = 0x0300,
    EXP_SLTCTL_PCC = 0x0400,
    EXP_SLTCTL_EIC = 0x0800,
    EXP_SLTSTA_ABP = 0x0001,
    EXP_SLTSTA_PDC = 0x0008,
    EXP_SLTSTA_CC = 0x0010,
    EXP_SLTSTA_EIS = 0x0080,
    EXP_HP_EV_SUPPORTED = 0x0019,      /* ABP | PDC | CC */
    EXP_RTCTL_SE_ALL = 0x0007,         /* system error on corr/non-fatal/fatal */
    EXP_DEVCAP2_ARI = 0x00000020,
    EXP_DEVCAP2_EFF_EETLPP = 0x00300000,
    EXP_DEVCTL2_ARI = 0x0020,
    EXP_DEVCTL2_EETLPPB = 0x8000,
    EXP_LNKCAP2_SLS_2_5_TO_8 = 0x0000000e,
    EXP_LNKCAP2_SLS_16 = 0x00000010,

    ERR_UNCOR_STATUS = 0x04,
    ERR_UNCOR_SEVER = 0x0c,
    ERR_COR_STATUS = 0x10,
    ERR_COR_MASK = 0x14,
    ERR_CAP = 0x18,
    ERR_ROOT_COMMAND = 0x2c,
    ERR_ROOT_STATUS = 0x30,
    ERR_UNC_SUPPORTED = 0x03fff030,    /* DLP SDN POISON FCP COMP_TIME COMP_ABORT UNX_COMP
                                          RX_OVER MALF_TLP ECRC UNSUP ACSV INTN MCBTLP
                                          ATOP_EBLOCKED TLP_PRF_BLOCKED */
    ERR_UNC_SEVERITY_DEFAULT = 0x00462030,  /* DLP SDN FCP RX_OVER MALF_TLP INTN */
    ERR_COR_SUPPORTED = 0x0000f1c1,    /* RCVR BAD_TLP BAD_DLLP REP_ROLL REP_TIMER
                                          ADV_NONFATAL INTERNAL HL_OVERFLOW */
    ERR_COR_MASK_DEFAULT = 0x0000e000, /* ADV_NONFATAL INTERNAL HL_OVERFLOW */
    ERR_CAP_ECRC_GENC = 0x020,
    ERR_CAP_ECRC_GENE = 0x040,
    ERR_CAP_ECRC_CHKC = 0x080,
    ERR_CAP_ECRC_CHKE = 0x100,
    ERR_CAP_MHRC = 0x200,
    ERR_CAP_MHRE = 0x400,
    ERR_ROOT_CMD_EN_MASK = 0x7,
    ERR_ROOT_STATUS_REPORT_MASK = 0x7f,
    ERR_ROOT_IRQ = 0xf8000000u,
    ERR_ROOT_IRQ_SHIFT = 27,

    ACS_CAP = 0x04,
    ACS_CTRL = 0x06,
    ACS_DOWNSTREAM_BITS = 0x005f,      /* SV TB RR CR UF DT */
    ARI_CAP = 0x04,
    ATS_CAP = 0x04,
    ATS_CTRL = 0x06,
    ATS_CAP_PAGE_ALIGNED = 0x0020,

    CAP_ID_PM = 0x01,
    CAP_ID_SLOTID = 0x04,
    CAP_ID_MSI = 0x05,
    CAP_ID_VNDR = 0x09,
    CAP_ID_SHPC = 0x0c,
    CAP_ID_SSVID = 0x0d,
    CAP_ID_EXP = 0x10,
    CAP_ID_MSIX = 0x11,
};

/* ---- header (do_pci_register_device) ------------------------------------ */

static void init_cmask(vmc_pci_config *p)
{
    vmc_pci_set_word(p->cmask + VMC_PCI_VENDOR_ID, 0xffff);
    vmc_pci_set_word(p->cmask + VMC_PCI_DEVICE_ID, 0xffff);
    p->cmask[VMC_PCI_STATUS] = VMC_PCI_STATUS_CAP_LIST;
    p->cmask[VMC_PCI_REVISION_ID] = 0xff;
    p->cmask[VMC_PCI_CLASS_PROG] = 0xff;
    vmc_pci_set_word(p->cmask + VMC_PCI_CLASS_DEVICE, 0xffff);
    p->cmask[VMC_PCI_HEADER_TYPE] = 0xff;
    p->cmask[VMC_PCI_CAPABILITY_LIST] = 0xff;
}

static void init_wmask(vmc_pci_config *p)
{
    p->wmask[VMC_PCI_CACHE_LINE_SIZE] = 0xff;
    p->wmask[VMC_PCI_INTERRUPT_LINE] = 0xff;
    vmc_pci_set_word(p->wmask + VMC_PCI_COMMAND,
                     VMC_PCI_COMMAND_IO | VMC_PCI_COMMAND_MEMORY | VMC_PCI_COMMAND_MASTER |
                         VMC_PCI_COMMAND_INTX_DISABLE | VMC_PCI_COMMAND_SERR);
    /* everything after the header starts out writable and unchecked */
    memset(p->wmask + VMC_PCI_HEADER_SIZE, 0xff, p->size - VMC_PCI_HEADER_SIZE);
}

static void init_mask_bridge(vmc_pci_config *p)
{
    memset(p->wmask + VMC_PCI_PRIMARY_BUS, 0xff, 4);   /* bus numbers + secondary latency */
    p->wmask[VMC_PCI_IO_BASE] = 0xf0;
    p->wmask[VMC_PCI_IO_LIMIT] = 0xf0;
    vmc_pci_set_word(p->wmask + VMC_PCI_MEMORY_BASE, 0xfff0);
    vmc_pci_set_word(p->wmask + VMC_PCI_MEMORY_LIMIT, 0xfff0);
    vmc_pci_set_word(p->wmask + VMC_PCI_PREF_MEMORY_BASE, 0xfff0);
    vmc_pci_set_word(p->wmask + VMC_PCI_PREF_MEMORY_LIMIT, 0xfff0);
    memset(p->wmask + VMC_PCI_PREF_BASE_UPPER32, 0xff, 8);

    /* decode types: 16-bit I/O (type nibble 0), 64-bit prefetchable */
    word_set(p->config + VMC_PCI_PREF_MEMORY_BASE, 0x1);
    word_set(p->config + VMC_PCI_PREF_MEMORY_LIMIT, 0x1);

    vmc_pci_set_word(p->wmask + VMC_PCI_BRIDGE_CONTROL,
                     BRIDGE_CTL_PARITY | BRIDGE_CTL_SERR | BRIDGE_CTL_ISA | BRIDGE_CTL_VGA |
                         BRIDGE_CTL_VGA_16BIT | BRIDGE_CTL_MASTER_ABORT |
                         BRIDGE_CTL_BUS_RESET | BRIDGE_CTL_FAST_BACK | BRIDGE_CTL_DISCARD |
                         BRIDGE_CTL_SEC_DISCARD | BRIDGE_CTL_DISCARD_SERR);
    vmc_pci_set_word(p->w1cmask + VMC_PCI_BRIDGE_CONTROL, BRIDGE_CTL_DISCARD_STATUS);
    p->cmask[VMC_PCI_IO_BASE] |= 0x0f;
    p->cmask[VMC_PCI_IO_LIMIT] |= 0x0f;
    word_set(p->cmask + VMC_PCI_PREF_MEMORY_BASE, 0x000f);
    word_set(p->cmask + VMC_PCI_PREF_MEMORY_LIMIT, 0x000f);
}

int vmc_pci_config_init(vmc_pci_config *p, const vmc_pci_ident *id, bool express,
                        bool multifunction, uint8_t devfn)
{
    if (!p || !id) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "pci config init: NULL argument");
    }
    if (id->is_bridge && (id->subsystem_vendor_id || id->subsystem_id)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "pci config init: a bridge (type 1 header) has no subsystem ids");
    }
    memset(p, 0, sizeof(*p));
    p->size = express ? VMC_PCIE_CONFIG_SPACE : VMC_PCI_CONFIG_SPACE;
    p->express = express;
    p->is_bridge = id->is_bridge;
    p->multifunction = multifunction;
    p->pcie_extcap_init = true;
    p->devfn = devfn;

    vmc_pci_set_word(p->config + VMC_PCI_VENDOR_ID, id->vendor_id);
    vmc_pci_set_word(p->config + VMC_PCI_DEVICE_ID, id->device_id);
    p->config[VMC_PCI_REVISION_ID] = id->revision;
    vmc_pci_set_word(p->config + VMC_PCI_CLASS_DEVICE, (uint16_t)id->class_id);
    if (!id->is_bridge) {
        if (id->subsystem_vendor_id || id->subsystem_id) {
            vmc_pci_set_word(p->config + VMC_PCI_SUBSYSTEM_VENDOR_ID, id->subsystem_vendor_id);
            vmc_pci_set_word(p->config + VMC_PCI_SUBSYSTEM_ID, id->subsystem_id);
        } else {
            /* Red Hat / QEMU */
            vmc_pci_set_word(p->config + VMC_PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
            vmc_pci_set_word(p->config + VMC_PCI_SUBSYSTEM_ID, 0x1100);
        }
    }
    init_cmask(p);
    init_wmask(p);
    vmc_pci_set_word(p->w1cmask + VMC_PCI_STATUS, STATUS_W1C);
    if (id->is_bridge) {
        init_mask_bridge(p);
    }
    if (multifunction) {
        p->config[VMC_PCI_HEADER_TYPE] |= VMC_PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
    return 0;
}

/* ---- BARs --------------------------------------------------------------- */

static unsigned bar_offset(const vmc_pci_config *p, int region)
{
    if (region != VMC_PCI_ROM_SLOT) {
        return VMC_PCI_BASE_ADDRESS_0 + 4u * (unsigned)region;
    }
    return (p->config[VMC_PCI_HEADER_TYPE] & 0x7f) == VMC_PCI_HEADER_TYPE_BRIDGE
               ? VMC_PCI_ROM_ADDRESS1
               : VMC_PCI_ROM_ADDRESS;
}

static bool bar_is_64(uint8_t type)
{
    return !(type & VMC_PCI_BAR_IO) && (type & VMC_PCI_BAR_MEM64);
}

int vmc_pci_register_bar(vmc_pci_config *p, int region, uint8_t type, uint64_t size)
{
    if (region < 0 || region >= VMC_PCI_NUM_REGIONS) {
        return usage("%s: region %u out of range", "pci_register_bar", (unsigned)region);
    }
    if (size == 0 || (size & (size - 1))) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "pci_register_bar: size 0x%llx is not a power of two",
                             (unsigned long long)size);
    }
    if ((p->config[VMC_PCI_HEADER_TYPE] & 0x7f) == VMC_PCI_HEADER_TYPE_BRIDGE &&
        region >= 2 && region != VMC_PCI_ROM_SLOT) {
        return usage("%s: a type 1 header has no BAR %u", "pci_register_bar",
                     (unsigned)region);
    }
    bool is64 = bar_is_64(type);
    if (is64 && region >= 5) {
        return usage("%s: 64-bit BAR %u has no upper half", "pci_register_bar",
                     (unsigned)region);
    }
    uint64_t wmask = ~(size - 1);
    if (region == VMC_PCI_ROM_SLOT) {
        wmask |= 1;   /* ROM enable */
    }
    unsigned off = bar_offset(p, region);
    p->region[region] = (vmc_pci_region){ .present = true, .size = size, .type = type };
    vmc_pci_set_long(p->config + off, type);
    if (is64) {
        vmc_pci_set_quad(p->wmask + off, wmask);
        vmc_pci_set_quad(p->cmask + off, UINT64_MAX);
    } else {
        vmc_pci_set_long(p->wmask + off, (uint32_t)wmask);
        vmc_pci_set_long(p->cmask + off, UINT32_MAX);
    }
    return 0;
}

/* ---- standard capabilities ---------------------------------------------- */

/* First gap of size bytes in [0x40, 0x100), as pci_find_space; 0 if none. */
static unsigned find_space(const vmc_pci_config *p, unsigned size)
{
    unsigned start = VMC_PCI_HEADER_SIZE;
    for (unsigned i = VMC_PCI_HEADER_SIZE; i < VMC_PCI_CONFIG_SPACE; i++) {
        if (p->used[i]) {
            start = i + 1;
        } else if (i - start + 1 == size) {
            return start;
        }
    }
    return 0;
}

/* Start of the capability covering a used byte (highest start <= off). */
static unsigned cap_at(const vmc_pci_config *p, unsigned off)
{
    unsigned found = 0, next = p->config[VMC_PCI_CAPABILITY_LIST];
    for (int guard = 0; next && guard < 64; guard++) {
        if (next <= off && next > found) {
            found = next;
        }
        next = p->config[next + 1];
    }
    return found;
}

int vmc_pci_add_capability(vmc_pci_config *p, uint8_t cap_id, uint8_t offset, uint8_t size)
{
    if (size < 2) {
        return usage("%s: capability size %u too small", "pci_add_capability", size);
    }
    unsigned off = offset;
    if (!off) {
        off = find_space(p, size);
        if (!off) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                                 "pci_add_capability: no room for capability 0x%x "
                                 "(%u bytes)", cap_id, size);
        }
    } else {
        if (off < VMC_PCI_HEADER_SIZE || off + size > VMC_PCI_CONFIG_SPACE) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                                 "pci_add_capability: capability 0x%x at 0x%x (%u bytes) "
                                 "outside 0x40..0xff", cap_id, off, size);
        }
        for (unsigned i = off; i < off + size; i++) {
            if (p->used[i]) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                                     "Attempt to add PCI capability %x at offset %x overlaps "
                                     "existing capability %x at offset %x",
                                     cap_id, off, cap_at(p, i), i);
            }
        }
    }
    p->config[off] = cap_id;
    p->config[off + 1] = p->config[VMC_PCI_CAPABILITY_LIST];
    p->config[VMC_PCI_CAPABILITY_LIST] = (uint8_t)off;
    p->config[VMC_PCI_STATUS] |= VMC_PCI_STATUS_CAP_LIST;
    unsigned used = (size + 3u) & ~3u;
    if (off + used > VMC_PCI_CONFIG_SPACE) {
        used = VMC_PCI_CONFIG_SPACE - off;
    }
    memset(p->used + off, 0xff, used);
    memset(p->wmask + off, 0, size);
    memset(p->cmask + off, 0xff, size);
    return (int)off;
}

/* ---- extended capabilities ---------------------------------------------- */

int vmc_pcie_add_capability(vmc_pci_config *p, uint16_t cap_id, uint8_t cap_ver,
                            uint16_t offset, uint16_t size)
{
    if (!p->express) {
        return usage("%s: extended capability 0x%x on a conventional device",
                     "pcie_add_capability", cap_id);
    }
    if (offset < VMC_PCI_CONFIG_SPACE || (offset & 3) || size < 8 ||
        (unsigned)offset + size > VMC_PCIE_CONFIG_SPACE) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "pcie_add_capability: bad placement of capability 0x%x at "
                             "0x%x (%u bytes)", cap_id, offset, size);
    }
    if (offset != VMC_PCI_CONFIG_SPACE) {
        /* link from the last capability of the chain that starts at 0x100 */
        unsigned prev = 0, next = VMC_PCI_CONFIG_SPACE;
        if (!vmc_pci_get_long(p->config + VMC_PCI_CONFIG_SPACE)) {
            next = 0;
        }
        for (int guard = 0; next && guard < 1024; guard++) {
            if (next < VMC_PCI_CONFIG_SPACE || next > VMC_PCIE_CONFIG_SPACE - 8) {
                return usage("%s: broken extended capability chain at 0x%x",
                             "pcie_add_capability", next);
            }
            prev = next;
            next = vmc_pci_get_long(p->config + next) >> 20;
        }
        if (prev < VMC_PCI_CONFIG_SPACE) {
            return usage("%s: no capability at 0x100 to link 0x%x from",
                         "pcie_add_capability", offset);
        }
        uint32_t h = vmc_pci_get_long(p->config + prev);
        h = (h & 0x000fffffu) | ((uint32_t)offset << 20);
        vmc_pci_set_long(p->config + prev, h);
    }
    vmc_pci_set_long(p->config + offset, (uint32_t)cap_id | ((uint32_t)(cap_ver & 0xf) << 16));
    memset(p->wmask + offset, 0, size);
    memset(p->w1cmask + offset, 0, size);
    memset(p->cmask + offset, 0xff, size);
    return 0;
}

/* ---- MSI / MSI-X / PM --------------------------------------------------- */

static unsigned msi_size(bool msi64, bool mask)
{
    return msi64 ? (mask ? 24 : 14) : (mask ? 20 : 10);
}

int vmc_msi_init(vmc_pci_config *p, uint8_t offset, unsigned nvec, bool msi64, bool per_vector_mask)
{
    if (nvec == 0 || nvec > 32 || (nvec & (nvec - 1))) {
        return usage("msi_init: %u vectors (need a power of two 1..32)", nvec);
    }
    unsigned order = 0;
    while ((1u << order) < nvec) {
        order++;
    }
    uint16_t flags = (uint16_t)(order << 1);
    if (msi64) {
        flags |= VMC_PCI_MSI_FLAGS_64BIT;
    }
    if (per_vector_mask) {
        flags |= VMC_PCI_MSI_FLAGS_MASKBIT;
    }
    int cap = vmc_pci_add_capability(p, CAP_ID_MSI, offset, (uint8_t)msi_size(msi64, per_vector_mask));
    if (cap < 0) {
        return cap;
    }
    p->msi_cap = (uint8_t)cap;
    unsigned data = (unsigned)cap + (msi64 ? 0x0c : 0x08);
    vmc_pci_set_word(p->config + cap + VMC_PCI_MSI_FLAGS, flags);
    vmc_pci_set_word(p->wmask + cap + VMC_PCI_MSI_FLAGS,
                     VMC_PCI_MSI_FLAGS_QSIZE | VMC_PCI_MSI_FLAGS_ENABLE);
    vmc_pci_set_long(p->wmask + cap + VMC_PCI_MSI_ADDRESS_LO, 0xfffffffc);
    if (msi64) {
        vmc_pci_set_long(p->wmask + cap + 0x08, 0xffffffff);
    }
    vmc_pci_set_word(p->wmask + data, 0xffff);
    if (per_vector_mask) {
        /* mask bits of the implemented vectors; pending bits stay read-only */
        vmc_pci_set_long(p->wmask + (msi64 ? cap + 0x10 : cap + 0x0c),
                         0xffffffffu >> (32 - nvec));
    }
    return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

int vmc_msix_init(vmc_pci_config *p, unsigned nentries, int table_bar, uint32_t table_offset,
                  int pba_bar, uint32_t pba_offset, uint8_t cap_pos)
{
    if (nentries < 1 || nentries > 2048) {
        return usage("msix_init: %u vectors (need 1..2048)", nentries);
    }
    if (table_bar < 0 || table_bar > 5 || pba_bar < 0 || pba_bar > 5) {
        return usage("msix_init: table BAR %d / PBA BAR %d out of range", table_bar, pba_bar);
    }
    uint32_t table_size = nentries * 16;
    uint32_t pba_size = ((nentries + 63) / 64) * 8;
    const vmc_pci_region *tb = &p->region[table_bar], *pb = &p->region[pba_bar];
    if ((table_bar == pba_bar && ranges_overlap(table_offset, table_size, pba_offset, pba_size)) ||
        (tb->present && (uint64_t)table_offset + table_size > tb->size) ||
        (pb->present && (uint64_t)pba_offset + pba_size > pb->size) ||
        ((table_offset | pba_offset) & 7)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "msix_init: table & pba overlap, or they don't fit in BARs, "
                             "or don't align");
    }
    int cap = vmc_pci_add_capability(p, CAP_ID_MSIX, cap_pos, VMC_PCI_MSIX_CAP_SIZE);
    if (cap < 0) {
        return cap;
    }
    p->msix_cap = (uint8_t)cap;
    p->msix_entries = nentries;
    p->msix_table_bar = (uint8_t)table_bar;
    p->msix_pba_bar = (uint8_t)pba_bar;
    p->msix_table_offset = table_offset;
    p->msix_pba_offset = pba_offset;
    vmc_pci_set_word(p->config + cap + VMC_PCI_MSIX_FLAGS, (uint16_t)(nentries - 1));
    vmc_pci_set_long(p->config + cap + VMC_PCI_MSIX_TABLE, table_offset | (uint32_t)table_bar);
    vmc_pci_set_long(p->config + cap + VMC_PCI_MSIX_PBA, pba_offset | (uint32_t)pba_bar);
    /* only enable and function mask (top byte of the control word) are writable */
    p->wmask[cap + 3] |= VMC_PCI_MSIX_CTRL_ENABLE | VMC_PCI_MSIX_CTRL_MASKALL;
    return 0;
}

static uint32_t exclusive_pba_offset(unsigned nentries)
{
    uint32_t pba = 2048;   /* table in the lower half of a 4 KiB BAR */
    if (nentries * 16u > pba) {
        pba = nentries * 16u;
    }
    return pba;
}

uint64_t vmc_msix_exclusive_bar_size(unsigned nentries)
{
    uint64_t size = 4096;
    uint64_t end = exclusive_pba_offset(nentries) + ((nentries + 63u) / 64u) * 8u;
    if (end > size) {
        size = end;
    }
    uint64_t pow2 = 1;
    while (pow2 < size) {
        pow2 <<= 1;
    }
    return pow2;
}

int vmc_msix_init_exclusive_bar(vmc_pci_config *p, unsigned nentries, int bar, uint8_t cap_pos)
{
    if (bar < 0 || bar > 5) {
        return usage("msix_init_exclusive_bar: BAR %d out of range", bar);
    }
    if (nentries < 1 || nentries > 2048) {
        return usage("msix_init_exclusive_bar: %u vectors (need 1..2048)", nentries);
    }
    uint64_t size = vmc_msix_exclusive_bar_size(nentries);
    uint32_t pba = exclusive_pba_offset(nentries);
    if ((uint64_t)pba + ((nentries + 63u) / 64u) * 8u > size) {
        return usage("msix_init_exclusive_bar: %u vectors do not fit", nentries);
    }
    /* the BAR is not registered yet while msix_init runs */
    vmc_pci_region saved = p->region[bar];
    p->region[bar].present = false;
    int rc = vmc_msix_init(p, nentries, bar, 0, bar, pba, cap_pos);
    p->region[bar] = saved;
    if (rc < 0) {
        return rc;
    }
    return vmc_pci_register_bar(p, bar, VMC_PCI_BAR_MEM32, size);
}

int vmc_pci_add_pm_capability(vmc_pci_config *p, uint8_t offset, uint16_t pmc)
{
    int cap = vmc_pci_add_capability(p, CAP_ID_PM, offset, VMC_PCI_PM_SIZEOF);
    if (cap < 0) {
        return cap;
    }
    p->pm_cap = (uint8_t)cap;
    vmc_pci_set_word(p->config + cap + VMC_PCI_PM_PMC, pmc);
    return cap;
}

/* ---- PCI Express capability --------------------------------------------- */

static int need_exp(const vmc_pci_config *p, const char *fn)
{
    if (!p->exp_cap) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "%s: no PCI Express capability", fn);
    }
    return 0;
}

int vmc_pcie_cap_init(vmc_pci_config *p, uint8_t offset, uint8_t type, uint8_t port, bool v1)
{
    if (!p->express) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "pcie_cap_init: device is not PCI Express");
    }
    if (type > 0xf) {
        return usage("pcie_cap_init: port type %u", type);
    }
    int pos = vmc_pci_add_capability(p, CAP_ID_EXP, offset,
                                     v1 ? VMC_PCI_EXP_VER1_SIZEOF : VMC_PCI_EXP_VER2_SIZEOF);
    if (pos < 0) {
        return pos;
    }
    p->exp_cap = (uint8_t)pos;
    uint8_t *e = p->config + pos;
    vmc_pci_set_word(e + VMC_PCI_EXP_FLAGS, (uint16_t)((type << 4) | (v1 ? 1 : 2)));
    vmc_pci_set_long(e + VMC_PCI_EXP_DEVCAP, EXP_DEVCAP_RBER);
    /* x1 at 2.5 GT/s, ASPM L0s, port number in the top byte */
    vmc_pci_set_long(e + VMC_PCI_EXP_LNKCAP,
                     ((uint32_t)port << 24) | EXP_LNKCAP_ASPM_L0S | (1u << 4) | 1u);
    vmc_pci_set_word(e + VMC_PCI_EXP_LNKSTA, (1u << 4) | 1u);
    /* link status changes at run time: never checked */
    vmc_pci_set_word(p->cmask + pos + VMC_PCI_EXP_LNKSTA, 0);
    if (!v1) {
        vmc_pci_set_long(e + VMC_PCI_EXP_DEVCAP2, EXP_DEVCAP2_EFF_EETLPP);
        vmc_pci_set_word(p->wmask + pos + VMC_PCI_EXP_DEVCTL2, EXP_DEVCTL2_EETLPPB);
        if (p->pcie_extcap_init) {
            vmc_pcie_cap_extcap_init_readonly(p);
        }
    }
    return pos;
}

int vmc_pcie_endpoint_cap_init(vmc_pci_config *p, uint8_t offset, bool on_pcie_root_bus, bool v1)
{
    uint8_t type = on_pcie_root_bus ? VMC_PCI_EXP_TYPE_RC_END : VMC_PCI_EXP_TYPE_ENDPOINT;
    return vmc_pcie_cap_init(p, offset, type, 0, v1);
}

void vmc_pcie_cap_extcap_init_readonly(vmc_pci_config *p)
{
    if (p->size >= VMC_PCIE_CONFIG_SPACE) {
        vmc_pci_set_long(p->wmask + VMC_PCI_CONFIG_SPACE, 0);
    }
}

void vmc_pcie_cap_flags_set_vector(vmc_pci_config *p, uint8_t vector)
{
    if (need_exp(p, "pcie_cap_flags_set_vector") < 0 || vector >= 32) {
        return;
    }
    uint8_t *f = p->config + p->exp_cap + VMC_PCI_EXP_FLAGS;
    word_clear(f, EXP_FLAGS_IRQ);
    word_set(f, (uint16_t)(vector << 9));
}

void vmc_pcie_cap_deverr_init(vmc_pci_config *p)
{
    if (need_exp(p, "pcie_cap_deverr_init") < 0) {
        return;
    }
    long_set(p->config + p->exp_cap + VMC_PCI_EXP_DEVCAP, EXP_DEVCAP_RBER);
    long_set(p->wmask + p->exp_cap + VMC_PCI_EXP_DEVCTL, EXP_DEVCTL_ERR_ENABLES);
    long_set(p->w1cmask + p->exp_cap + VMC_PCI_EXP_DEVSTA, EXP_DEVSTA_ERR);
}

void vmc_pcie_cap_deverr_reset(vmc_pci_config *p)
{
    if (p->exp_cap) {
        long_clear(p->config + p->exp_cap + VMC_PCI_EXP_DEVCTL, EXP_DEVCTL_ERR_ENABLES);
    }
}

void vmc_pcie_cap_lnkctl_init(vmc_pci_config *p)
{
    if (need_exp(p, "pcie_cap_lnkctl_init") == 0) {
        long_set(p->wmask + p->exp_cap + VMC_PCI_EXP_LNKCTL, EXP_LNKCTL_CCC_ES);
    }
}

void vmc_pcie_cap_lnkctl_reset(vmc_pci_config *p)
{
    if (p->exp_cap) {
        long_clear(p->config + p->exp_cap + VMC_PCI_EXP_LNKCTL, EXP_LNKCTL_CCC_ES);
    }
}

void vmc_pcie_cap_root_init(vmc_pci_config *p)
{
    if (need_exp(p, "pcie_cap_root_init") == 0) {
        vmc_pci_set_word(p->wmask + p->exp_cap + VMC_PCI_EXP_RTCTL, EXP_RTCTL_SE_ALL);
    }
}

void vmc_pcie_cap_root_reset(vmc_pci_config *p)
{
    if (p->exp_cap) {
        vmc_pci_set_word(p->config + p->exp_cap + VMC_PCI_EXP_RTCTL, 0);
    }
}

void vmc_pcie_cap_flr_init(vmc_pci_config *p)
{
    if (need_exp(p, "pcie_cap_flr_init") < 0) {
        return;
    }
    long_set(p->config + p->exp_cap + VMC_PCI_EXP_DEVCAP, EXP_DEVCAP_FLR);
    /* initiate-FLR: writable so the write is seen; it always reads back 0 */
    word_set(p->wmask + p->exp_cap + VMC_PCI_EXP_DEVCTL, EXP_DEVCTL_BCR_FLR);
}

void vmc_pcie_cap_arifwd_init(vmc_pci_config *p)
{
    if (need_exp(p, "pcie_cap_arifwd_init") < 0) {
        return;
    }
    long_set(p->config + p->exp_cap + VMC_PCI_EXP_DEVCAP2, EXP_DEVCAP2_ARI);
    long_set(p->wmask + p->exp_cap + VMC_PCI_EXP_DEVCTL2, EXP_DEVCTL2_ARI);
}

void vmc_pcie_cap_arifwd_reset(vmc_pci_config *p)
{
    if (p->exp_cap) {
        long_clear(p->config + p->exp_cap + VMC_PCI_EXP_DEVCTL2, EXP_DEVCTL2_ARI);
    }
}

int vmc_pcie_cap_fill_link(vmc_pci_config *p, unsigned speed, unsigned width)
{
    int rc = need_exp(p, "pcie_cap_fill_slot_lnk");
    if (rc < 0) {
        return rc;
    }
    if (speed > VMC_PCIE_LINK_SPEED_16) {
        return usage("pcie link: speed %u (1..4, 0 = unset)", speed);
    }
    switch (width) {
    case 0: case 1: case 2: case 4: case 8: case 12: case 16: case 32:
        break;
    default:
        return usage("pcie link: width %u", width);
    }
    uint8_t *e = p->config + p->exp_cap;
    long_clear(e + VMC_PCI_EXP_LNKCAP, EXP_LNKCAP_MLW | EXP_LNKCAP_SLS);
    long_set(e + VMC_PCI_EXP_LNKCAP, (width << 4) | speed);
    if (width > 1 || speed > VMC_PCIE_LINK_SPEED_2_5) {
        long_set(e + VMC_PCI_EXP_LNKCAP, EXP_LNKCAP_LBNC);
    }
    if (speed > VMC_PCIE_LINK_SPEED_2_5) {
        long_set(e + VMC_PCI_EXP_LNKCAP, VMC_PCI_EXP_LNKCAP_DLLLARC);
        word_clear(e + VMC_PCI_EXP_LNKCTL2, EXP_LNKCTL2_TLS);
        word_set(e + VMC_PCI_EXP_LNKCTL2, (uint16_t)(speed & EXP_LNKCTL2_TLS));
    }
    if (speed > VMC_PCIE_LINK_SPEED_5) {
        vmc_pci_set_long(e + VMC_PCI_EXP_LNKCAP2, EXP_LNKCAP2_SLS_2_5_TO_8);
        if (speed > VMC_PCIE_LINK_SPEED_8) {
            long_set(e + VMC_PCI_EXP_LNKCAP2, EXP_LNKCAP2_SLS_16);
        }
    }
    return 0;
}

void vmc_pcie_port_init_reg(vmc_pci_config *p)
{
    vmc_pci_set_word(p->config + VMC_PCI_STATUS, 0);
    vmc_pci_set_word(p->config + VMC_PCI_SEC_STATUS, 0);
    word_clear(p->wmask + VMC_PCI_BRIDGE_CONTROL,
               BRIDGE_CTL_MASTER_ABORT | BRIDGE_CTL_FAST_BACK | BRIDGE_CTL_DISCARD |
                   BRIDGE_CTL_SEC_DISCARD | BRIDGE_CTL_DISCARD_STATUS |
                   BRIDGE_CTL_DISCARD_SERR);
}

/* ---- slot --------------------------------------------------------------- */

int vmc_pcie_cap_slot_init(vmc_pci_config *p, const vmc_pcie_slot_opts *o)
{
    int rc = need_exp(p, "pcie_cap_slot_init");
    if (rc < 0) {
        return rc;
    }
    if (o->slot > (EXP_SLTCAP_PSN >> EXP_SLTCAP_PSN_SHIFT)) {
        return usage("pcie slot: physical slot number %u too large", o->slot);
    }
    unsigned pos = p->exp_cap;
    uint8_t *sltcap = p->config + pos + VMC_PCI_EXP_SLTCAP;
    uint8_t *sltctl = p->config + pos + VMC_PCI_EXP_SLTCTL;
    uint8_t *wsltctl = p->wmask + pos + VMC_PCI_EXP_SLTCTL;

    word_set(p->config + pos + VMC_PCI_EXP_FLAGS, EXP_FLAGS_SLOT);
    long_clear(sltcap, ~(uint32_t)EXP_SLTCAP_PSN);
    long_set(sltcap, ((uint32_t)o->slot << EXP_SLTCAP_PSN_SHIFT) | EXP_SLTCAP_EIP |
                         EXP_SLTCAP_PIP | EXP_SLTCAP_AIP | EXP_SLTCAP_ABP);
    if (o->hotplug) {
        long_set(sltcap, EXP_SLTCAP_HPS | EXP_SLTCAP_HPC);
    }
    p->slot_pcp = o->power_controller_present;
    if (o->power_controller_present) {
        long_set(sltcap, EXP_SLTCAP_PCP);
        word_clear(sltctl, EXP_SLTCTL_PCC);
        word_set(wsltctl, EXP_SLTCTL_PCC);
    }
    word_clear(sltctl, EXP_SLTCTL_PIC | EXP_SLTCTL_AIC);
    word_set(sltctl, EXP_SLTCTL_PIC_OFF | EXP_SLTCTL_AIC_OFF);
    word_set(wsltctl, EXP_SLTCTL_PIC | EXP_SLTCTL_AIC | EXP_SLTCTL_HPIE | EXP_SLTCTL_CCIE |
                          EXP_SLTCTL_PDCE | EXP_SLTCTL_ABPE);
    /* interlock control: written by the guest, cleared by the write hook */
    word_set(wsltctl, EXP_SLTCTL_EIC);
    word_set(p->w1cmask + pos + VMC_PCI_EXP_SLTSTA, EXP_HP_EV_SUPPORTED);
    return 0;
}

void vmc_pcie_cap_slot_reset(vmc_pci_config *p, bool populated)
{
    if (!p->exp_cap) {
        return;
    }
    uint8_t *sltctl = p->config + p->exp_cap + VMC_PCI_EXP_SLTCTL;
    word_clear(sltctl, EXP_SLTCTL_EIC | EXP_SLTCTL_PIC | EXP_SLTCTL_AIC | EXP_SLTCTL_HPIE |
                           EXP_SLTCTL_CCIE | EXP_SLTCTL_PDCE | EXP_SLTCTL_ABPE);
    word_set(sltctl, EXP_SLTCTL_AIC_OFF);
    if (p->slot_pcp) {
        if (populated) {
            word_clear(sltctl, EXP_SLTCTL_PCC);
        } else {
            word_set(sltctl, EXP_SLTCTL_PCC);
        }
        word_set(sltctl, populated ? EXP_SLTCTL_PIC_ON : EXP_SLTCTL_PIC_OFF);
    }
    /* presence detect state is left alone */
    word_clear(p->config + p->exp_cap + VMC_PCI_EXP_SLTSTA,
               EXP_SLTSTA_EIS | EXP_SLTSTA_CC | EXP_SLTSTA_PDC | EXP_SLTSTA_ABP);
}

void vmc_pcie_cap_slot_plug(vmc_pci_config *p, bool dllla)
{
    if (!p->exp_cap) {
        return;
    }
    uint8_t *e = p->config + p->exp_cap;
    word_set(e + VMC_PCI_EXP_SLTSTA, VMC_PCI_EXP_SLTSTA_PDS);
    if (dllla || (vmc_pci_get_long(e + VMC_PCI_EXP_LNKCAP) & VMC_PCI_EXP_LNKCAP_DLLLARC)) {
        word_set(e + VMC_PCI_EXP_LNKSTA, VMC_PCI_EXP_LNKSTA_DLLLA);
    }
}

/* ---- extended capability helpers ---------------------------------------- */

int vmc_pcie_aer_init_log(vmc_pci_config *p, uint8_t ver, uint16_t offset, uint16_t size,
                          unsigned log_max)
{
    int rc = need_exp(p, "pcie_aer_init");
    if (rc < 0) {
        return rc;
    }
    if (size < 0x38) {
        return usage("pcie_aer_init: size 0x%x too small", size);
    }
    rc = vmc_pcie_add_capability(p, VMC_PCI_EXT_CAP_ID_ERR, ver, offset, size);
    if (rc < 0) {
        return rc;
    }
    p->aer_cap = offset;
    if (log_max > VMC_PCIE_AER_LOG_MAX_LIMIT) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "Invalid aer_log_max %u. The max number of aer log is %d",
                             log_max, VMC_PCIE_AER_LOG_MAX_LIMIT);
    }
    p->aer_log_max = (uint16_t)log_max;
    uint8_t *c = p->config + offset, *w = p->wmask + offset, *w1 = p->w1cmask + offset;
    vmc_pci_set_long(w1 + ERR_UNCOR_STATUS, ERR_UNC_SUPPORTED);
    vmc_pci_set_long(c + ERR_UNCOR_SEVER, ERR_UNC_SEVERITY_DEFAULT);
    vmc_pci_set_long(w + ERR_UNCOR_SEVER, ERR_UNC_SUPPORTED);
    long_set(w1 + ERR_COR_STATUS, ERR_COR_SUPPORTED);
    vmc_pci_set_long(c + ERR_COR_MASK, ERR_COR_MASK_DEFAULT);
    vmc_pci_set_long(w + ERR_COR_MASK, ERR_COR_SUPPORTED);
    if (log_max > 0) {
        vmc_pci_set_long(c + ERR_CAP, ERR_CAP_ECRC_GENC | ERR_CAP_ECRC_CHKC | ERR_CAP_MHRC);
        vmc_pci_set_long(w + ERR_CAP, ERR_CAP_ECRC_GENE | ERR_CAP_ECRC_CHKE | ERR_CAP_MHRE);
    } else {
        vmc_pci_set_long(c + ERR_CAP, ERR_CAP_ECRC_GENC | ERR_CAP_ECRC_CHKC);
        vmc_pci_set_long(w + ERR_CAP, ERR_CAP_ECRC_GENE | ERR_CAP_ECRC_CHKE);
    }
    uint8_t type = (uint8_t)((vmc_pci_get_word(p->config + p->exp_cap + VMC_PCI_EXP_FLAGS) >> 4) & 0xf);
    if (type == VMC_PCI_EXP_TYPE_ROOT_PORT || type == VMC_PCI_EXP_TYPE_DOWNSTREAM ||
        type == VMC_PCI_EXP_TYPE_UPSTREAM) {
        word_set(p->wmask + VMC_PCI_BRIDGE_CONTROL, BRIDGE_CTL_SERR);
        /* QEMU applies the secondary-status bit value to the primary status
         * dword, where it is signalled system error (already w1c) */
        long_set(p->w1cmask + VMC_PCI_STATUS, SEC_STATUS_RCV_SYSTEM_ERROR);
    }
    return 0;
}

int vmc_pcie_aer_init(vmc_pci_config *p, uint8_t ver, uint16_t offset, uint16_t size)
{
    return vmc_pcie_aer_init_log(p, ver, offset, size, VMC_PCIE_AER_LOG_MAX_DEFAULT);
}

void vmc_pcie_aer_root_init(vmc_pci_config *p)
{
    if (!p->aer_cap) {
        vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "pcie_aer_root_init: no AER capability");
        return;
    }
    unsigned pos = p->aer_cap;
    vmc_pci_set_long(p->wmask + pos + ERR_ROOT_COMMAND, ERR_ROOT_CMD_EN_MASK);
    vmc_pci_set_long(p->w1cmask + pos + ERR_ROOT_STATUS, ERR_ROOT_STATUS_REPORT_MASK);
    /* the interrupt message number is updated by the device: not checked */
    vmc_pci_set_long(p->cmask + pos + ERR_ROOT_STATUS, ~(uint32_t)ERR_ROOT_IRQ);
}

void vmc_pcie_aer_root_reset(vmc_pci_config *p)
{
    if (p->aer_cap) {
        vmc_pci_set_long(p->config + p->aer_cap + ERR_ROOT_COMMAND, 0);
    }
}

void vmc_pcie_aer_root_set_vector(vmc_pci_config *p, unsigned vector)
{
    if (!p->aer_cap || vector >= 32) {
        return;
    }
    uint8_t *s = p->config + p->aer_cap + ERR_ROOT_STATUS;
    long_clear(s, ERR_ROOT_IRQ);
    long_set(s, (uint32_t)vector << ERR_ROOT_IRQ_SHIFT);
}

int vmc_pcie_acs_init(vmc_pci_config *p, uint16_t offset)
{
    uint8_t type = p->exp_cap ? (uint8_t)((vmc_pci_get_word(p->config + p->exp_cap +
                                                            VMC_PCI_EXP_FLAGS) >> 4) & 0xf)
                              : 0xff;
    bool downstream = p->express && p->exp_cap &&
                      (type == VMC_PCI_EXP_TYPE_DOWNSTREAM || type == VMC_PCI_EXP_TYPE_ROOT_PORT);
    if (!downstream && !p->multifunction && !(p->devfn & 7)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "pcie_acs_init: only ports and multifunction devices have ACS");
    }
    int rc = vmc_pcie_add_capability(p, VMC_PCI_EXT_CAP_ID_ACS, 1, offset, VMC_PCI_ACS_SIZEOF);
    if (rc < 0) {
        return rc;
    }
    p->acs_cap = offset;
    uint16_t bits = downstream ? ACS_DOWNSTREAM_BITS : 0;
    vmc_pci_set_word(p->config + offset + ACS_CAP, bits);
    vmc_pci_set_word(p->wmask + offset + ACS_CTRL, bits);
    return 0;
}

void vmc_pcie_acs_reset(vmc_pci_config *p)
{
    if (p->acs_cap) {
        vmc_pci_set_word(p->config + p->acs_cap + ACS_CTRL, 0);
    }
}

int vmc_pcie_ari_init(vmc_pci_config *p, uint16_t offset, uint16_t nextfn)
{
    int rc = vmc_pcie_add_capability(p, VMC_PCI_EXT_CAP_ID_ARI, 1, offset, VMC_PCI_ARI_SIZEOF);
    if (rc < 0) {
        return rc;
    }
    p->ari_cap = offset;
    vmc_pci_set_long(p->config + offset + ARI_CAP, (uint32_t)(nextfn & 0xff) << 8);
    return 0;
}

int vmc_pcie_dev_ser_num_init(vmc_pci_config *p, uint16_t offset, uint64_t ser_num)
{
    int rc = vmc_pcie_add_capability(p, VMC_PCI_EXT_CAP_ID_DSN, 1, offset, VMC_PCI_DSN_SIZEOF);
    if (rc < 0) {
        return rc;
    }
    p->dsn_cap = offset;
    vmc_pci_set_quad(p->config + offset + 4, ser_num);
    return 0;
}

int vmc_pcie_ats_init(vmc_pci_config *p, uint16_t offset, bool aligned)
{
    int rc = vmc_pcie_add_capability(p, VMC_PCI_EXT_CAP_ID_ATS, 1, offset, VMC_PCI_ATS_SIZEOF);
    if (rc < 0) {
        return rc;
    }
    p->ats_cap = offset;
    if (aligned) {
        vmc_pci_set_word(p->config + offset + ATS_CAP, ATS_CAP_PAGE_ALIGNED);
    }
    vmc_pci_set_word(p->config + offset + ATS_CTRL, 0);
    /* enable + smallest translation unit */
    vmc_pci_set_word(p->wmask + offset + ATS_CTRL, 0x800f);
    return 0;
}

/* ---- bridges ------------------------------------------------------------ */

int vmc_pci_bridge_init(vmc_pci_config *p)
{
    if (!p->is_bridge) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "pci_bridge_initfn: device class is not a bridge");
    }
    word_set(p->config + VMC_PCI_STATUS, VMC_PCI_STATUS_66MHZ | VMC_PCI_STATUS_FAST_BACK);
    vmc_pci_set_word(p->config + VMC_PCI_CLASS_DEVICE, VMC_PCI_CLASS_BRIDGE_PCI);
    p->config[VMC_PCI_HEADER_TYPE] = (uint8_t)((p->config[VMC_PCI_HEADER_TYPE] &
                                                VMC_PCI_HEADER_TYPE_MULTI_FUNCTION) |
                                               VMC_PCI_HEADER_TYPE_BRIDGE);
    vmc_pci_set_word(p->config + VMC_PCI_SEC_STATUS,
                     VMC_PCI_STATUS_66MHZ | VMC_PCI_STATUS_FAST_BACK);
    return 0;
}

int vmc_pci_bridge_ssvid_init(vmc_pci_config *p, uint8_t offset, uint16_t svid, uint16_t ssid)
{
    int pos = vmc_pci_add_capability(p, CAP_ID_SSVID, offset, 8);
    if (pos < 0) {
        return pos;
    }
    vmc_pci_set_word(p->config + pos + 4, svid);
    vmc_pci_set_word(p->config + pos + 6, ssid);
    return pos;
}

int vmc_pci_slotid_cap_init(vmc_pci_config *p, int nslots, uint8_t chassis, unsigned offset)
{
    if (!chassis) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "Bridge chassis not specified. Each bridge is required to be "
                             "assigned a unique chassis id > 0.");
    }
    if (nslots < 0 || nslots > 0x1f || offset > 0xff) {
        return usage("slotid_cap_init: bad slot count %d or offset 0x%x", nslots, offset);
    }
    int cap = vmc_pci_add_capability(p, CAP_ID_SLOTID, (uint8_t)offset, 4);
    if (cap < 0) {
        return cap;
    }
    /* each chassis is its own: first in chassis */
    p->config[cap + 2] = (uint8_t)(0x20 | nslots);
    p->cmask[cap + 2] = 0xff;
    p->config[cap + 3] = chassis;
    p->wmask[cap + 3] = 0xff;   /* chassis number: writable, not reset */
    return 0;
}

uint64_t vmc_pci_shpc_bar_size(void)
{
    return 256;   /* register file for 31 slots (0xa0 bytes), rounded up */
}

int vmc_pci_shpc_init(vmc_pci_config *p, unsigned offset, int bar)
{
    int cap = vmc_pci_add_capability(p, CAP_ID_SHPC, 0, 8);
    if (cap < 0) {
        return cap;
    }
    p->shpc_cap = (uint8_t)cap;
    p->config[cap + 2] = 0;                         /* dword select */
    p->config[cap + 3] = 0;                         /* CSP / CIP */
    vmc_pci_set_long(p->config + cap + 4, offset);  /* dword 0: base offset */
    p->wmask[cap + 2] = 0xff;
    vmc_pci_set_long(p->wmask + cap + 4, 0xffffffff);
    if (bar >= 0) {
        int rc = vmc_pci_register_bar(p, bar, VMC_PCI_BAR_MEM64, vmc_pci_shpc_bar_size());
        if (rc < 0) {
            return rc;
        }
    }
    return cap;
}

int vmc_pci_bridge_qemu_reserve_cap_init(vmc_pci_config *p, uint8_t offset,
                                         const vmc_pci_res_reserve *r)
{
    if (r->mem_pref_32 != UINT64_MAX && r->mem_pref_64 != UINT64_MAX) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "PCI resource reserve cap: PREF32 and PREF64 conflict");
    }
    if (r->mem_non_pref != UINT64_MAX && r->mem_non_pref >= (1ull << 32)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "PCI resource reserve cap: mem-reserve must be less than 4G");
    }
    if (r->mem_pref_32 != UINT64_MAX && r->mem_pref_32 >= (1ull << 32)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "PCI resource reserve cap: pref32-reserve must be less than 4G");
    }
    if (r->bus == UINT32_MAX && r->io == UINT64_MAX && r->mem_non_pref == UINT64_MAX &&
        r->mem_pref_32 == UINT64_MAX && r->mem_pref_64 == UINT64_MAX) {
        return 0;
    }
    int cap = vmc_pci_add_capability(p, CAP_ID_VNDR, offset, 32);
    if (cap < 0) {
        return cap;
    }
    uint8_t *c = p->config + cap;
    c[2] = 32;                                   /* length */
    c[3] = 1;                                    /* Red Hat type: resource reserve */
    vmc_pci_set_long(c + 4, r->bus);
    vmc_pci_set_quad(c + 8, r->io);
    vmc_pci_set_long(c + 16, (uint32_t)r->mem_non_pref);
    vmc_pci_set_long(c + 20, (uint32_t)r->mem_pref_32);
    vmc_pci_set_quad(c + 24, r->mem_pref_64);
    return cap;
}

/* ---- reset -------------------------------------------------------------- */

static void msi_reset(vmc_pci_config *p)
{
    unsigned cap = p->msi_cap;
    uint16_t flags = vmc_pci_get_word(p->config + cap + VMC_PCI_MSI_FLAGS);
    bool msi64 = flags & VMC_PCI_MSI_FLAGS_64BIT;
    flags &= (uint16_t)~(VMC_PCI_MSI_FLAGS_QSIZE | VMC_PCI_MSI_FLAGS_ENABLE);
    vmc_pci_set_word(p->config + cap + VMC_PCI_MSI_FLAGS, flags);
    vmc_pci_set_long(p->config + cap + VMC_PCI_MSI_ADDRESS_LO, 0);
    if (msi64) {
        vmc_pci_set_long(p->config + cap + 0x08, 0);
    }
    vmc_pci_set_word(p->config + cap + (msi64 ? 0x0c : 0x08), 0);
    if (flags & VMC_PCI_MSI_FLAGS_MASKBIT) {
        vmc_pci_set_long(p->config + cap + (msi64 ? 0x10 : 0x0c), 0);
        vmc_pci_set_long(p->config + cap + (msi64 ? 0x14 : 0x10), 0);
    }
}

void vmc_pci_reset(vmc_pci_config *p)
{
    uint16_t m;
    m = vmc_pci_get_word(p->wmask + VMC_PCI_COMMAND) | vmc_pci_get_word(p->w1cmask + VMC_PCI_COMMAND);
    word_clear(p->config + VMC_PCI_COMMAND, m);
    m = vmc_pci_get_word(p->wmask + VMC_PCI_STATUS) | vmc_pci_get_word(p->w1cmask + VMC_PCI_STATUS);
    word_clear(p->config + VMC_PCI_STATUS, m);
    p->config[VMC_PCI_INTERRUPT_LINE] &=
        (uint8_t)~(p->wmask[VMC_PCI_INTERRUPT_LINE] | p->w1cmask[VMC_PCI_INTERRUPT_LINE]);
    p->config[VMC_PCI_CACHE_LINE_SIZE] = 0;
    for (int r = 0; r < VMC_PCI_NUM_REGIONS; r++) {
        const vmc_pci_region *reg = &p->region[r];
        if (!reg->present) {
            continue;
        }
        unsigned off = bar_offset(p, r);
        if (bar_is_64(reg->type)) {
            vmc_pci_set_quad(p->config + off, reg->type);
        } else {
            vmc_pci_set_long(p->config + off, reg->type);
        }
    }
    if (p->msi_cap) {
        msi_reset(p);
    }
    if (p->msix_cap) {
        p->config[p->msix_cap + 3] &= (uint8_t)~p->wmask[p->msix_cap + 3];
    }
}

void vmc_pci_bridge_reset(vmc_pci_config *p)
{
    uint8_t *c = p->config;
    c[VMC_PCI_PRIMARY_BUS] = 0;
    c[VMC_PCI_SECONDARY_BUS] = 0;
    c[VMC_PCI_SUBORDINATE_BUS] = 0;
    c[VMC_PCI_SEC_LATENCY_TIMER] = 0;
    c[VMC_PCI_IO_BASE] &= 0x0f;
    c[VMC_PCI_IO_LIMIT] &= 0x0f;
    word_clear(c + VMC_PCI_MEMORY_BASE, 0xfff0);
    word_clear(c + VMC_PCI_MEMORY_LIMIT, 0xfff0);
    word_clear(c + VMC_PCI_PREF_MEMORY_BASE, 0xfff0);
    word_clear(c + VMC_PCI_PREF_MEMORY_LIMIT, 0xfff0);
    vmc_pci_set_long(c + VMC_PCI_PREF_BASE_UPPER32, 0);
    vmc_pci_set_long(c + VMC_PCI_PREF_LIMIT_UPPER32, 0);
    vmc_pci_set_word(c + VMC_PCI_BRIDGE_CONTROL, 0);
}

void vmc_pci_bridge_disable_base_limit(vmc_pci_config *p)
{
    uint8_t *c = p->config;
    c[VMC_PCI_IO_BASE] |= 0xf0;
    c[VMC_PCI_IO_LIMIT] &= 0x0f;
    word_set(c + VMC_PCI_MEMORY_BASE, 0xfff0);
    word_clear(c + VMC_PCI_MEMORY_LIMIT, 0xfff0);
    word_set(c + VMC_PCI_PREF_MEMORY_BASE, 0xfff0);
    word_clear(c + VMC_PCI_PREF_MEMORY_LIMIT, 0xfff0);
    vmc_pci_set_long(c + VMC_PCI_PREF_BASE_UPPER32, 0);
    vmc_pci_set_long(c + VMC_PCI_PREF_LIMIT_UPPER32, 0);
}

/* ---- load check --------------------------------------------------------- */

int vmc_pci_config_load_check(const vmc_pci_config *p, const uint8_t *incoming, size_t len,
                              int *first)
{
    if (first) {
        *first = -1;
    }
    if (len != p->size) {
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "pci config: %zu bytes against a %u-byte config space", len,
                             p->size);
    }
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t bad = (uint8_t)((incoming[i] ^ p->config[i]) & p->cmask[i] & ~p->wmask[i] &
                                ~p->w1cmask[i]);
        if (bad) {
            if (first && *first < 0) {
                *first = (int)i;
            }
            n++;
        }
    }
    return n;
}
