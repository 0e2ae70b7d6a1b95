/*
 * Device models (machine model side): group "bridges".  See devmodel.h.
 * Each model registers its vmstate entries, buses and RAM blocks and builds
 * its PCI config space and masks with pci_build.h.
 */
#include "devices/devmodel.h"

const vmc_devmodel vmc_devmodels_bridges[] = {
    { NULL, 0, NULL },
};
