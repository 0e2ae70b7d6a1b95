/* PCI configuration-space walking helpers. */
#include "devices/pci_config.h"

unsigned vmc_pci_find_cap(const uint8_t *config, size_t len, uint8_t id)
{
    if (len < 0x40 || !(config[0x06] & 0x10)) {
        return 0;
    }
    unsigned off = config[0x34] & 0xfc;
    /* At most 48 capabilities fit in 192 bytes: longer chains are loops. */
    for (int hops = 0; off >= 0x40 && off + 1 < len && off < 0x100 && hops < 48; hops++) {
        if (config[off] == id) {
            return off;
        }
        off = config[off + 1] & 0xfc;
    }
    return 0;
}

unsigned vmc_pci_msix_vectors(const uint8_t *config, size_t len)
{
    unsigned cap = vmc_pci_find_cap(config, len, VMC_PCI_CAP_ID_MSIX);
    if (!cap || cap + 3 >= len) {
        return 0;
    }
    unsigned ctrl = config[cap + 2] | (config[cap + 3] << 8);
    return (ctrl & 0x7ff) + 1;
}

const char *vmc_pci_cap_name(uint8_t id)
{
    switch (id) {
    case 0x01: return "Power Management";
    case 0x02: return "AGP";
    case 0x03: return "VPD";
    case 0x04: return "Slot ID";
    case 0x05: return "MSI";
    case 0x06: return "CompactPCI Hot Swap";
    case 0x07: return "PCI-X";
    case 0x08: return "HyperTransport";
    case 0x09: return "Vendor Specific";
    case 0x0a: return "Debug port";
    case 0x0b: return "CompactPCI CRC";
    case 0x0c: return "SHPC";
    case 0x0d: return "Bridge Subsystem Vendor ID";
    case 0x0e: return "AGP 8x";
    case 0x0f: return "Secure Device";
    case 0x10: return "PCI Express";
    case 0x11: return "MSI-X";
    case 0x12: return "SATA";
    case 0x13: return "Advanced Features";
    default: return NULL;
    }
}

const char *vmc_pci_ext_cap_name(uint16_t id)
{
    switch (id) {
    case 0x0001: return "AER";
    case 0x0002: return "Virtual Channel";
    case 0x0003: return "Device Serial Number";
    case 0x0004: return "Power Budgeting";
    case 0x000b: return "Vendor Specific";
    case 0x000d: return "ACS";
    case 0x000e: return "ARI";
    case 0x000f: return "ATS";
    case 0x0010: return "SR-IOV";
    case 0x0015: return "Resizable BAR";
    case 0x0017: return "TPH";
    case 0x0018: return "LTR";
    case 0x0019: return "Secondary PCIe";
    case 0x001e: return "L1 PM Substates";
    case 0x0023: return "DVSEC";
    default: return NULL;
    }
}
