/* Built-in descriptors: group "media" (QEMU 7.2).  See registry.h. */
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

const vmc_vmsd *const vmc_vmsds_media[] = {
    NULL,
};

const vmc_hook_def vmc_hooks_media[] = {
    { NULL, 0, NULL, NULL },
};
