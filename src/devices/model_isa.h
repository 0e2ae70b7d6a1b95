/*
 * ISA device models of the "pcidev" group (model_isa.c): isa-serial,
 * isa-parallel and the ISA pvpanic.  ISA devices have no dev path: their
 * sections are the bare vmsd name with the next free instance id, and the
 * serial port adds its I/O base as the legacy alias id.
 */
#ifndef VMC_MODEL_ISA_H
#define VMC_MODEL_ISA_H

#include "devices/devmodel.h"

int vmc_dm_isa_serial_realize(vmc_model *m, vmc_mdev *d);
int vmc_dm_isa_parallel_realize(vmc_model *m, vmc_mdev *d);
int vmc_dm_isa_pvpanic_realize(vmc_model *m, vmc_mdev *d);

/* The entries vmc_devmodels_pcidev[] lists for them. */
#define VMC_DM_ISA_MODELS                                         \
    { "isa-serial", VMC_BUS_ISA, vmc_dm_isa_serial_realize },     \
    { "isa-parallel", VMC_BUS_ISA, vmc_dm_isa_parallel_realize }, \
    { "pvpanic", VMC_BUS_ISA, vmc_dm_isa_pvpanic_realize }

#endif
