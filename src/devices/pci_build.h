/*
 * Building a PCI function's configuration space the way QEMU 7.2 builds it:
 * the config bytes a freshly realized (and reset) device shows, and the
 * three masks that decide migration compatibility:
 *
 *   wmask    bits the guest may write          (pci_default_write_config)
 *   w1cmask  bits a guest write of 1 clears    (status, slot status ...)
 *   cmask    bits that must match on load      (get_pci_config_device)
 *
 * A device model calls these in the order QEMU's realize does (capabilities
 * are prepended to the chain, so the order is visible in the bytes), then
 * the device's own reset helpers and vmc_pci_reset() for the state after
 * system reset.  See ../shared/docs/pci-config-compat.md section 1 for the
 * rules.
 *
 * Functions returning int give 0 (or an offset) on success and a negative
 * VMC_E* code on failure with the detail in vmc_error_last(); they fail
 * where QEMU would report an error or hit an assertion.  Device-specific
 * registers are written directly into p->config / p->wmask / ... with the
 * offsets and bits below (little-endian accessors at the end).
 */
#ifndef VMC_PCI_BUILD_H
#define VMC_PCI_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMC_PCI_CONFIG_SPACE 256
#define VMC_PCIE_CONFIG_SPACE 4096
#define VMC_PCI_NUM_REGIONS 7        /* 6 BARs + expansion ROM */
#define VMC_PCI_ROM_SLOT 6

/* BAR type bits (PCI_BASE_ADDRESS_*) */
enum {
    VMC_PCI_BAR_IO = 0x01,
    VMC_PCI_BAR_MEM32 = 0x00,
    VMC_PCI_BAR_MEM64 = 0x04,
    VMC_PCI_BAR_PREFETCH = 0x08,
};

/* Type 0 / type 1 header registers (offsets) */
enum {
    VMC_PCI_VENDOR_ID = 0x00,
    VMC_PCI_DEVICE_ID = 0x02,
    VMC_PCI_COMMAND = 0x04,
    VMC_PCI_STATUS = 0x06,
    VMC_PCI_REVISION_ID = 0x08,
    VMC_PCI_CLASS_PROG = 0x09,
    VMC_PCI_CLASS_DEVICE = 0x0a,
    VMC_PCI_CACHE_LINE_SIZE = 0x0c,
    VMC_PCI_LATENCY_TIMER = 0x0d,
    VMC_PCI_HEADER_TYPE = 0x0e,
    VMC_PCI_BASE_ADDRESS_0 = 0x10,
    VMC_PCI_SUBSYSTEM_VENDOR_ID = 0x2c,
    VMC_PCI_SUBSYSTEM_ID = 0x2e,
    VMC_PCI_ROM_ADDRESS = 0x30,
    VMC_PCI_CAPABILITY_LIST = 0x34,
    VMC_PCI_INTERRUPT_LINE = 0x3c,
    VMC_PCI_INTERRUPT_PIN = 0x3d,
    /* type 1 */
    VMC_PCI_PRIMARY_BUS = 0x18,
    VMC_PCI_SECONDARY_BUS = 0x19,
    VMC_PCI_SUBORDINATE_BUS = 0x1a,
    VMC_PCI_SEC_LATENCY_TIMER = 0x1b,
    VMC_PCI_IO_BASE = 0x1c,
    VMC_PCI_IO_LIMIT = 0x1d,
    VMC_PCI_SEC_STATUS = 0x1e,
    VMC_PCI_MEMORY_BASE = 0x20,
    VMC_PCI_MEMORY_LIMIT = 0x22,
    VMC_PCI_PREF_MEMORY_BASE = 0x24,
    VMC_PCI_PREF_MEMORY_LIMIT = 0x26,
    VMC_PCI_PREF_BASE_UPPER32 = 0x28,
    VMC_PCI_PREF_LIMIT_UPPER32 = 0x2c,
    VMC_PCI_ROM_ADDRESS1 = 0x38,
    VMC_PCI_BRIDGE_CONTROL = 0x3e,
    VMC_PCI_HEADER_SIZE = 0x40,
};

/* COMMAND / STATUS bits */
enum {
    VMC_PCI_COMMAND_IO = 0x0001,
    VMC_PCI_COMMAND_MEMORY = 0x0002,
    VMC_PCI_COMMAND_MASTER = 0x0004,
    VMC_PCI_COMMAND_SERR = 0x0100,
    VMC_PCI_COMMAND_INTX_DISABLE = 0x0400,
    VMC_PCI_STATUS_INTERRUPT = 0x0008,
    VMC_PCI_STATUS_CAP_LIST = 0x0010,
    VMC_PCI_STATUS_66MHZ = 0x0020,
    VMC_PCI_STATUS_FAST_BACK = 0x0080,
    VMC_PCI_HEADER_TYPE_BRIDGE = 0x01,
    VMC_PCI_HEADER_TYPE_MULTI_FUNCTION = 0x80,
    VMC_PCI_CLASS_BRIDGE_PCI = 0x0604,
};

/* Capability-relative register offsets and bits */
enum {
    /* MSI */
    VMC_PCI_MSI_FLAGS = 2,
    VMC_PCI_MSI_FLAGS_ENABLE = 0x0001,
    VMC_PCI_MSI_FLAGS_QMASK = 0x000e,     /* multiple message capable */
    VMC_PCI_MSI_FLAGS_QSIZE = 0x0070,     /* multiple message enable */
    VMC_PCI_MSI_FLAGS_64BIT = 0x0080,
    VMC_PCI_MSI_FLAGS_MASKBIT = 0x0100,
    VMC_PCI_MSI_ADDRESS_LO = 4,
    /* MSI-X */
    VMC_PCI_MSIX_FLAGS = 2,
    VMC_PCI_MSIX_TABLE = 4,
    VMC_PCI_MSIX_PBA = 8,
    VMC_PCI_MSIX_CAP_SIZE = 12,
    VMC_PCI_MSIX_CTRL_ENABLE = 0x80,      /* in byte cap+3 */
    VMC_PCI_MSIX_CTRL_MASKALL = 0x40,
    /* power management */
    VMC_PCI_PM_PMC = 2,
    VMC_PCI_PM_CTRL = 4,
    VMC_PCI_PM_SIZEOF = 8,
    VMC_PCI_PM_CAP_VER_1_1 = 0x0002,
    VMC_PCI_PM_CTRL_STATE_MASK = 0x0003,
    VMC_PCI_PM_CTRL_PME_ENABLE = 0x0100,
    VMC_PCI_PM_CTRL_DATA_SEL_MASK = 0x1e00,
    VMC_PCI_PM_CTRL_PME_STATUS = 0x8000,
};

/* PCI Express capability registers (relative to exp_cap) and bits */
enum {
    VMC_PCI_EXP_FLAGS = 0x02,
    VMC_PCI_EXP_DEVCAP = 0x04,
    VMC_PCI_EXP_DEVCTL = 0x08,
    VMC_PCI_EXP_DEVSTA = 0x0a,
    VMC_PCI_EXP_LNKCAP = 0x0c,
    VMC_PCI_EXP_LNKCTL = 0x10,
    VMC_PCI_EXP_LNKSTA = 0x12,
    VMC_PCI_EXP_SLTCAP = 0x14,
    VMC_PCI_EXP_SLTCTL = 0x18,
    VMC_PCI_EXP_SLTSTA = 0x1a,
    VMC_PCI_EXP_RTCTL = 0x1c,
    VMC_PCI_EXP_RTCAP = 0x1e,
    VMC_PCI_EXP_RTSTA = 0x20,
    VMC_PCI_EXP_DEVCAP2 = 0x24,
    VMC_PCI_EXP_DEVCTL2 = 0x28,
    VMC_PCI_EXP_LNKCAP2 = 0x2c,
    VMC_PCI_EXP_LNKCTL2 = 0x30,
    VMC_PCI_EXP_VER1_SIZEOF = 0x14,
    VMC_PCI_EXP_VER2_SIZEOF = 0x3c,

    VMC_PCI_EXP_TYPE_ENDPOINT = 0x0,
    VMC_PCI_EXP_TYPE_LEG_END = 0x1,
    VMC_PCI_EXP_TYPE_ROOT_PORT = 0x4,
    VMC_PCI_EXP_TYPE_UPSTREAM = 0x5,
    VMC_PCI_EXP_TYPE_DOWNSTREAM = 0x6,
    VMC_PCI_EXP_TYPE_PCI_BRIDGE = 0x7,
    VMC_PCI_EXP_TYPE_RC_END = 0x9,

    VMC_PCI_EXP_SLTSTA_PDS = 0x0040,
    VMC_PCI_EXP_LNKSTA_DLLLA = 0x2000,
    VMC_PCI_EXP_LNKCAP_DLLLARC = 0x00100000,
};

/* Extended capability ids and sizes */
enum {
    VMC_PCI_EXT_CAP_ID_ERR = 0x01,
    VMC_PCI_EXT_CAP_ID_DSN = 0x03,
    VMC_PCI_EXT_CAP_ID_ACS = 0x0d,
    VMC_PCI_EXT_CAP_ID_ARI = 0x0e,
    VMC_PCI_EXT_CAP_ID_ATS = 0x0f,
    VMC_PCI_ERR_VER = 2,
    VMC_PCI_ERR_SIZEOF = 0x48,
    VMC_PCI_ACS_SIZEOF = 8,
    VMC_PCI_ARI_SIZEOF = 8,
    VMC_PCI_DSN_SIZEOF = 12,
    VMC_PCI_ATS_SIZEOF = 8,
    VMC_PCIE_AER_LOG_MAX_DEFAULT = 8,     /* aer_log_max property */
    VMC_PCIE_AER_LOG_MAX_LIMIT = 128,
};

/* PCIe link speed (x-speed) values, QEMU's PCIExpLinkSpeed */
enum {
    VMC_PCIE_LINK_SPEED_2_5 = 1,
    VMC_PCIE_LINK_SPEED_5 = 2,
    VMC_PCIE_LINK_SPEED_8 = 3,
    VMC_PCIE_LINK_SPEED_16 = 4,
};

typedef struct vmc_pci_region {
    bool present;
    uint64_t size;
    uint8_t type;
} vmc_pci_region;

typedef struct vmc_pci_config {
    unsigned size;                    /* 256 or 4096 */
    bool express;                     /* QEMU_PCI_CAP_EXPRESS */
    bool is_bridge;                   /* type 1 header */
    bool multifunction;               /* "multifunction" property */
    bool pcie_extcap_init;            /* "x-pcie-extcap-init" (true unless hw_compat_2_8) */
    bool slot_pcp;                    /* power controller present (set by slot init) */
    uint8_t devfn;
    uint8_t config[VMC_PCIE_CONFIG_SPACE];
    uint8_t wmask[VMC_PCIE_CONFIG_SPACE];
    uint8_t w1cmask[VMC_PCIE_CONFIG_SPACE];
    uint8_t cmask[VMC_PCIE_CONFIG_SPACE];
    uint8_t used[VMC_PCI_CONFIG_SPACE];  /* standard capability bytes */
    vmc_pci_region region[VMC_PCI_NUM_REGIONS];
    /* capability positions (0 = absent), as QEMU records them */
    uint8_t msi_cap;
    uint8_t msix_cap;
    unsigned msix_entries;
    uint8_t msix_table_bar, msix_pba_bar;
    uint32_t msix_table_offset, msix_pba_offset;
    uint8_t exp_cap;                  /* PCI Express capability */
    uint16_t aer_cap;                 /* extended */
    uint16_t acs_cap;
    uint16_t ari_cap;
    uint16_t dsn_cap;
    uint16_t ats_cap;
    uint8_t pm_cap;
    uint8_t shpc_cap;
    uint16_t aer_log_max;             /* as given to vmc_pcie_aer_init_log() */
} vmc_pci_config;

/* Identity of a PCI device class (PCIDeviceClass fields). */
typedef struct vmc_pci_ident {
    uint16_t vendor_id, device_id;
    uint8_t revision;
    uint32_t class_id;                /* class << 8 | subclass (prog-if set separately) */
    uint16_t subsystem_vendor_id, subsystem_id;   /* 0, 0 = QEMU default 1af4:1100 */
    bool is_bridge;
} vmc_pci_ident;

/*
 * do_pci_register_device(): clear everything, size by `express`, write ids,
 * class, subsystem ids (not for bridges), init cmask/wmask/w1cmask, bridge
 * masks, the multifunction bit when `multifunction`.  Also sets
 * p->pcie_extcap_init = true (the property default).
 */
int vmc_pci_config_init(vmc_pci_config *p, const vmc_pci_ident *id, bool express,
                        bool multifunction, uint8_t devfn);

/*
 * pci_register_bar(): type bits in config, size-aligned address bits in
 * wmask (plus the enable bit for the ROM slot), cmask all ones over 4 bytes,
 * or 8 for a 64-bit memory BAR.  size must be a power of two; a type 1
 * header takes only regions 0, 1 and the ROM.
 */
int vmc_pci_register_bar(vmc_pci_config *p, int region, uint8_t type, uint64_t size);

/*
 * pci_add_capability(): offset 0 picks the first free space after 0x40
 * (pci_find_space); the capability is prepended to the list, made
 * read-only and checked over its size, `used` over the size rounded up to
 * 4.  Returns the offset, or a negative value if it does not fit / overlaps.
 */
int vmc_pci_add_capability(vmc_pci_config *p, uint8_t cap_id, uint8_t offset, uint8_t size);
/*
 * pcie_add_capability(): extended capability at offset (>= 0x100), appended
 * to the chain; header, wmask 0, w1cmask 0, cmask 0xff over size.
 */
int vmc_pcie_add_capability(vmc_pci_config *p, uint16_t cap_id, uint8_t cap_ver,
                            uint16_t offset, uint16_t size);

/*
 * msi_init(): nvec a power of two 1..32.  msix_init(): table and PBA in
 * BARs table_bar/pba_bar (their sizes are checked when already registered).
 * msix_init_exclusive_bar(): a dedicated memory BAR (4 KiB for up to 128
 * vectors, table at 0, PBA at half the BAR), registered after the
 * capability; QEMU always passes cap_pos 0 there.
 */
int vmc_msi_init(vmc_pci_config *p, uint8_t offset, unsigned nvec, bool msi64, bool per_vector_mask);
int vmc_msix_init(vmc_pci_config *p, unsigned nentries, int table_bar, uint32_t table_offset,
                  int pba_bar, uint32_t pba_offset, uint8_t cap_pos);
int vmc_msix_init_exclusive_bar(vmc_pci_config *p, unsigned nentries, int bar, uint8_t cap_pos);
/* Size msix_init_exclusive_bar() gives the BAR for nentries vectors. */
uint64_t vmc_msix_exclusive_bar_size(unsigned nentries);

/*
 * Power management capability as devices add it in 7.2 (no generic helper
 * there): pci_add_capability(PM, offset, 8) with PMC = pmc, recorded in
 * pm_cap.  Read-only; the device opens PMCSR bits itself (wmask/w1cmask at
 * pm_cap + VMC_PCI_PM_CTRL).
 */
int vmc_pci_add_pm_capability(vmc_pci_config *p, uint8_t offset, uint16_t pmc);

/*
 * PCI Express capability (hw/pci/pcie.c): v2 (0x3c bytes, pcie_cap_init)
 * and v1 (0x14, pcie_cap_v1_init); type is the device/port type (0
 * endpoint, 4 root port, 5 upstream, 6 downstream, 7 PCIe-to-PCI bridge, 9
 * RC integrated endpoint).  v2 also makes the dword at 0x100 read-only
 * when p->pcie_extcap_init.  Requires p->express.
 */
int vmc_pcie_cap_init(vmc_pci_config *p, uint8_t offset, uint8_t type, uint8_t port, bool v1);
/* pcie_endpoint_cap_init / _v1_init: type 9 on a PCIe root bus (pcie.0), else 0. */
int vmc_pcie_endpoint_cap_init(vmc_pci_config *p, uint8_t offset, bool on_pcie_root_bus, bool v1);
void vmc_pcie_cap_deverr_init(vmc_pci_config *p);
void vmc_pcie_cap_deverr_reset(vmc_pci_config *p);
void vmc_pcie_cap_lnkctl_init(vmc_pci_config *p);
void vmc_pcie_cap_lnkctl_reset(vmc_pci_config *p);
void vmc_pcie_cap_root_init(vmc_pci_config *p);
void vmc_pcie_cap_root_reset(vmc_pci_config *p);
void vmc_pcie_cap_flr_init(vmc_pci_config *p);
void vmc_pcie_cap_arifwd_init(vmc_pci_config *p);
void vmc_pcie_cap_arifwd_reset(vmc_pci_config *p);
void vmc_pcie_cap_extcap_init_readonly(vmc_pci_config *p);  /* x-pcie-extcap-init */
/* PCI Express interrupt message number in FLAGS (pcie_cap_flags_set_vector). */
void vmc_pcie_cap_flags_set_vector(vmc_pci_config *p, uint8_t vector);

/*
 * PCIESlot link parameters (pcie_cap_fill_slot_lnk, done by pcie_cap_init
 * v2 for root and downstream ports): LNKCAP width/speed (+ LBNC, DLLLARC),
 * LNKCTL2 target speed and LNKCAP2 speed vector.  speed 0..4 (0 = unset:
 * xio3130-downstream), width 0 or 1, 2, 4, 8, 12, 16, 32.  Root-port types
 * default to 2.5 GT/s x1 when x-speed / x-width are unset.
 */
int vmc_pcie_cap_fill_link(vmc_pci_config *p, unsigned speed, unsigned width);

/* pcie_port_init_reg(): status words zero, PCIe-inapplicable bridge-control bits read-only. */
void vmc_pcie_port_init_reg(vmc_pci_config *p);

/* Slot capability (pcie_cap_slot_init). */
typedef struct vmc_pcie_slot_opts {
    uint16_t slot;                    /* physical slot number ("slot") */
    /*
     * HPS|HPC advertised: QEMU 7.2 sets them when "hotplug" is on and
     * ("x-native-hotplug" is on or the port itself was hot-plugged).
     */
    bool hotplug;
    bool power_controller_present;    /* "power_controller_present" */
} vmc_pcie_slot_opts;
int vmc_pcie_cap_slot_init(vmc_pci_config *p, const vmc_pcie_slot_opts *o);
/* pcie_cap_slot_reset(): populated = something at devfn 0 of the secondary bus. */
void vmc_pcie_cap_slot_reset(vmc_pci_config *p, bool populated);
/*
 * pcie_cap_slot_plug_cb() for a cold-plugged device when the port is the
 * hot-plug handler of its secondary bus (native hot-plug: q35 <= 6.0 or
 * ACPI bridge hot-plug off): sets PDS, and DLLLA when the child's
 * "x-pcie-lnksta-dllla" (dllla; default on) or the port's LNKCAP DLLLARC.
 * With ACPI PCI hot-plug in charge (q35 >= 6.1) nothing happens.
 */
void vmc_pcie_cap_slot_plug(vmc_pci_config *p, bool dllla);

/* AER: pcie_aer_init with aer_log_max = 8 (the default) or log_max. */
int vmc_pcie_aer_init(vmc_pci_config *p, uint8_t ver, uint16_t offset, uint16_t size);
int vmc_pcie_aer_init_log(vmc_pci_config *p, uint8_t ver, uint16_t offset, uint16_t size,
                          unsigned log_max);
void vmc_pcie_aer_root_init(vmc_pci_config *p);
void vmc_pcie_aer_root_reset(vmc_pci_config *p);
void vmc_pcie_aer_root_set_vector(vmc_pci_config *p, unsigned vector);
int vmc_pcie_acs_init(vmc_pci_config *p, uint16_t offset);
void vmc_pcie_acs_reset(vmc_pci_config *p);
int vmc_pcie_ari_init(vmc_pci_config *p, uint16_t offset, uint16_t nextfn);
int vmc_pcie_dev_ser_num_init(vmc_pci_config *p, uint16_t offset, uint64_t ser_num);
int vmc_pcie_ats_init(vmc_pci_config *p, uint16_t offset, bool aligned);

/* Bridges: pci_bridge_initfn() header bits, subsystem vendor capability, slot id. */
int vmc_pci_bridge_init(vmc_pci_config *p);
int vmc_pci_bridge_ssvid_init(vmc_pci_config *p, uint8_t offset, uint16_t svid, uint16_t ssid);
/* slotid_cap_init(): chassis must be non-zero, nslots 0..31. */
int vmc_pci_slotid_cap_init(vmc_pci_config *p, int nslots, uint8_t chassis, unsigned offset);
/*
 * shpc_init(): the SHPC capability (always at the first free space) with
 * dword data = the register file's offset in its BAR (QEMU passes 0).
 * bar >= 0 also registers that BAR as QEMU's bridges do later in realize:
 * 64-bit memory, vmc_pci_shpc_bar_size() bytes; bar < 0 leaves it to the
 * caller.  Returns the capability offset.
 */
int vmc_pci_shpc_init(vmc_pci_config *p, unsigned offset, int bar);
uint64_t vmc_pci_shpc_bar_size(void);

/*
 * QEMU resource-reserve vendor capability (pci_bridge_qemu_reserve_cap_init):
 * unset fields are all ones.  Adds nothing when every field is unset
 * (returns 0); otherwise returns the capability offset.
 */
typedef struct vmc_pci_res_reserve {
    uint32_t bus;
    uint64_t io, mem_non_pref, mem_pref_32, mem_pref_64;
} vmc_pci_res_reserve;
#define VMC_PCI_RES_RESERVE_UNSET \
    { UINT32_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX }
int vmc_pci_bridge_qemu_reserve_cap_init(vmc_pci_config *p, uint8_t offset,
                                         const vmc_pci_res_reserve *r);

/*
 * pci_do_device_reset(): clear writable command/status/intline bits, cache
 * line size 0, BARs back to type bits, MSI and MSI-X state reset.  The
 * device's own reset (e.g. a root port's slot/AER/bridge resets) is called
 * separately; the order between the two does not matter for these bits.
 */
void vmc_pci_reset(vmc_pci_config *p);
/* pci_bridge_reset() for type 1 headers. */
void vmc_pci_bridge_reset(vmc_pci_config *p);
/* pci_bridge_disable_base_limit(): windows closed (base > limit). */
void vmc_pci_bridge_disable_base_limit(vmc_pci_config *p);

/*
 * The load check of get_pci_config_device against this (destination)
 * config: counts bytes i < len where
 *   (incoming[i] ^ config[i]) & cmask[i] & ~wmask[i] & ~w1cmask[i] != 0;
 * *first (may be NULL) receives the first such offset, or -1.  len must be
 * p->size (QEMU reads exactly that many bytes).
 */
int vmc_pci_config_load_check(const vmc_pci_config *p, const uint8_t *incoming, size_t len,
                              int *first);

/* Little-endian accessors for config arrays. */
static inline void vmc_pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void vmc_pci_set_long(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}
static inline void vmc_pci_set_quad(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}
static inline uint16_t vmc_pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t vmc_pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

#endif
