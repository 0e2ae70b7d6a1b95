/* Lookup of fresh-state defs (fresh.h) over the device groups. */
#include "devices/fresh.h"

#include <string.h>

static const vmc_fresh_def *const groups[] = {
    vmc_fresh_board,
    vmc_fresh_pcidevs,
};

const vmc_fresh_def *vmc_fresh_find(const char *vmsd_name)
{
    if (!vmsd_name) {
        return NULL;
    }
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (const vmc_fresh_def *d = groups[g]; d->vmsd; d++) {
            if (strcmp(d->vmsd, vmsd_name) == 0) {
                return d;
            }
        }
    }
    return NULL;
}
