/* Built-in descriptors: group "i440fx" (QEMU 7.2).  See registry.h. */
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

const vmc_vmsd *const vmc_vmsds_i440fx[] = {
    NULL,
};

const vmc_hook_def vmc_hooks_i440fx[] = {
    { NULL, 0, NULL, NULL },
};
