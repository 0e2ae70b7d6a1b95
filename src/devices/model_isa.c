/*
 * ISA devices of the "pcidev" group (hw/char/serial-isa.c, parallel.c,
 * hw/misc/pvpanic-isa.c).  See model_isa.h.
 *
 * Their I/O ports also show in the south bridge's config space: ICH9-LPC
 * and PIIX4_PM note the legacy COM/LPT ports when the machine is ready,
 * so each realize refreshes those registers.
 */
#include "devices/model_isa.h"
#include "devices/model_common.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <string.h>

static int vmsd_version(const char *name)
{
    const vmc_vmsd *v = vmc_devices_find_vmsd(name);
    return v ? v->version_id : 1;
}

int vmc_dm_isa_serial_realize(vmc_model *m, vmc_mdev *d)
{
    int iobase = vmc_dm_isa_iobase(m, d, NULL);
    if (iobase < 0) {
        return iobase;
    }
    /* instance: the next "serial"; legacy alias: the I/O base (before version 3) */
    vmc_model_register(m, d, "serial", vmsd_version("serial"), -1, iobase, VMC_PRI_DEFAULT,
                       true);
    vmc_dm_board_machine_ready(m);
    return 0;
}

int vmc_dm_isa_parallel_realize(vmc_model *m, vmc_mdev *d)
{
    const char *chr = vmc_mdev_prop(d, "chardev");
    if (!chr || !*chr) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Can't create parallel device, "
                             "empty char device", d->type);
    }
    int iobase = vmc_dm_isa_iobase(m, d, NULL);
    if (iobase < 0) {
        return iobase;
    }
    vmc_model_register(m, d, "parallel_isa", vmsd_version("parallel_isa"), -1, -1,
                       VMC_PRI_DEFAULT, true);
    vmc_dm_board_machine_ready(m);
    return 0;
}

int vmc_dm_isa_pvpanic_realize(vmc_model *m, vmc_mdev *d)
{
    /* an I/O port and an fw_cfg file; nothing that migrates */
    (void)m;
    (void)d;
    return 0;
}
