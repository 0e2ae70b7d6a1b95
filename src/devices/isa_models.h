/*
 * Top-level vmsds of group "isa" defined outside isa.c (which lists the
 * whole group in vmc_vmsds_isa).
 */
#ifndef VMC_DEVICES_ISA_MODELS_H
#define VMC_DEVICES_ISA_MODELS_H

#include "vmcompat/vmstate.h"

/* isa_input.c: PS/2 keyboard and mouse, i8042 controller */
extern const vmc_vmsd vmc_vmsd_ps2kbd;
extern const vmc_vmsd vmc_vmsd_ps2mouse;
extern const vmc_vmsd vmc_vmsd_pckbd;

/* isa_misc.c: floppy controller, UART, parallel port, SPD EEPROM */
extern const vmc_vmsd vmc_vmsd_isa_fdc;
extern const vmc_vmsd vmc_vmsd_isa_serial;
extern const vmc_vmsd vmc_vmsd_isa_parallel;
extern const vmc_vmsd vmc_vmsd_smbus_eeprom;

#endif
