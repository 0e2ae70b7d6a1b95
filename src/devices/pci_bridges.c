/* Built-in descriptors: group "bridges" (QEMU 7.2).  See registry.h. */
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

const vmc_vmsd *const vmc_vmsds_bridges[] = {
    NULL,
};

const vmc_hook_def vmc_hooks_bridges[] = {
    { NULL, 0, NULL, NULL },
};
