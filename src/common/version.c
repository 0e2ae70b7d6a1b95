#include "vmcompat/vmcompat.h"

const char *vmc_version(void)
{
    return VMCOMPAT_VERSION;
}
