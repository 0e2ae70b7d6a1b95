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
