/* Built-in descriptors: group "q35" (QEMU 7.2).  See registry.h. */
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

const vmc_vmsd *const vmc_vmsds_q35[] = {
    NULL,
};

const vmc_hook_def vmc_hooks_q35[] = {
    { NULL, 0, NULL, NULL },
};
