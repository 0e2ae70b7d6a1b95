/* Built-in descriptors: group "cpu" (QEMU 7.2).  See registry.h. */
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

const vmc_vmsd *const vmc_vmsds_cpu[] = {
    NULL,
};

const vmc_hook_def vmc_hooks_cpu[] = {
    { NULL, 0, NULL, NULL },
};
