/*
 * Fresh state of the board devices (fresh.h): core, CPUs, the i440FX and
 * q35 chipsets and their ISA devices.  The functions are in fresh_cpu.c,
 * fresh_isa.c, fresh_rtc.c and fresh_chipset.c.
 */
#include "devices/fresh_internal.h"

const vmc_fresh_def vmc_fresh_board[] = {
    /* all fields zero in a machine that never ran */
    { "timer", NULL },          /* cpu_ticks_offset, cpu_clock_offset */
    { "kvm-tpr-opt", NULL },    /* no TPR patching under TCG */
    { "PCIHost", NULL },        /* config_reg */
    { "i8259", NULL },
    { "pcspk", NULL },
    { "port92", NULL },
    { "acpi_build", NULL },     /* patched: the firmware has not run */

    { "cpu_common", vmc_fresh_cpu_common },
    { "cpu", vmc_fresh_cpu },
    { "apic", vmc_fresh_apic },
    { "fw_cfg", vmc_fresh_fw_cfg },
    { "globalstate", vmc_fresh_globalstate },

    { "PCIBUS", vmc_fresh_pcibus },
    { "mch", vmc_fresh_mch },
    { "I440FX", vmc_fresh_i440fx },
    { "PIIX3", vmc_fresh_piix3 },
    { "ICH9LPC", vmc_fresh_ich9_lpc },
    { "piix4_pm", vmc_fresh_piix4_pm },
    { "ich9_smb", vmc_fresh_ich9_smb },
    { "i2c_bus", vmc_fresh_i2c_bus },
    { "ide", vmc_fresh_ide },
    { "ich9_ahci", vmc_fresh_ich9_ahci },

    { "dma", vmc_fresh_dma },
    { "ioapic", vmc_fresh_ioapic },
    { "hpet", vmc_fresh_hpet },
    { "mc146818rtc", vmc_fresh_rtc },
    { "i8254", vmc_fresh_i8254 },
    { "fdc", vmc_fresh_fdc },
    { "ps2kbd", vmc_fresh_ps2kbd },
    { "ps2mouse", vmc_fresh_ps2mouse },
    { "pckbd", vmc_fresh_pckbd },
    { "vmmouse", vmc_fresh_vmmouse },
    { NULL, NULL },
};
