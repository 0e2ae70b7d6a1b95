/* Fresh state of -device PCI devices (fresh.h). */
#include "devices/fresh.h"

const vmc_fresh_def vmc_fresh_pcidevs[] = {
    { NULL, NULL },
};
