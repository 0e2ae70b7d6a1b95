/* Reading PCI configuration space as a guest sees it (little-endian registers). */
#ifndef VMC_PCI_CONFIG_H
#define VMC_PCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    VMC_PCI_CAP_ID_PM = 0x01,
    VMC_PCI_CAP_ID_MSI = 0x05,
    VMC_PCI_CAP_ID_VNDR = 0x09,
    VMC_PCI_CAP_ID_SLOTID = 0x04,
    VMC_PCI_CAP_ID_SHPC = 0x0c,
    VMC_PCI_CAP_ID_SSVID = 0x0d,
    VMC_PCI_CAP_ID_EXP = 0x10,
    VMC_PCI_CAP_ID_MSIX = 0x11,
    VMC_PCI_CAP_ID_SATA = 0x12,
};

/*
 * Offset of the first standard capability with this id in the chain from
 * 0x34, or 0 if absent (or when the chain is malformed: loops, pointers
 * into the header).  Requires the capabilities-list status bit.
 */
unsigned vmc_pci_find_cap(const uint8_t *config, size_t len, uint8_t id);

/* MSI-X table size (vectors) from the capability, 0 without MSI-X. */
unsigned vmc_pci_msix_vectors(const uint8_t *config, size_t len);

#endif

/* Name of a standard / extended capability id ("PCI Express", "AER" ...), or NULL. */
const char *vmc_pci_cap_name(uint8_t id);
const char *vmc_pci_ext_cap_name(uint16_t id);
