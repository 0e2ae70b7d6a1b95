/*
 * ACPI building blocks of QEMU 7.2 embedded by both chipset PM devices
 * (ICH9 LPC "ich9_pm" on q35, "piix4_pm" on i440fx): APM, PM SMBus,
 * PCI hot-plug status, memory and CPU hot-plug state, TCO registers.
 *
 * The two PM devices name their PM1/timer/GPE fields differently
 * ("acpi_regs.pm1..." vs "ar.pm1...") and encode GPE differently, so those
 * fields live in the board files; what both embed by vmsd lives here.
 */
#ifndef VMC_DEVICES_ACPI_COMMON_H
#define VMC_DEVICES_ACPI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* "APM State" (hw/isa/apm.c): apmc, apms. */
extern const vmc_vmsd vmc_vmsd_apm;
/* "pmsmb" (hw/i2c/pm_smbus.c): the PM SMBus host registers. */
extern const vmc_vmsd vmc_vmsd_pmsmb;
/* "acpi_pcihp_pci_status" (hw/acpi/pcihp.c): up/down slot bitmaps of one bus. */
extern const vmc_vmsd vmc_vmsd_acpi_pcihp_pci_status;
/* "memory hotplug state" (hw/acpi/memory_hotplug.c), as VMSTATE_MEMORY_HOTPLUG embeds it. */
extern const vmc_vmsd vmc_vmsd_memory_hotplug;
/* "CPU hotplug state" (hw/acpi/cpu.c), as VMSTATE_CPU_HOTPLUG embeds it. */
extern const vmc_vmsd vmc_vmsd_cpu_hotplug;
/* "tco io device status" (hw/acpi/tco.c). */
extern const vmc_vmsd vmc_vmsd_tco_io_sts;

/* Number of PCI buses acpi_pcihp tracks (ACPI_PCIHP_MAX_HOTPLUG_BUS). */
#define VMC_ACPI_PCIHP_MAX_HOTPLUG_BUS 256

/*
 * VMSTATE_PCI_HOTPLUG(acpi_pci_hotplug, ..., test_pcihp, test_acpi_index):
 * three fields; the tests are field_exists hook names or NULL (ICH9 passes
 * NULL for both, PIIX4 passes its own).
 */
#define VMC_ACPI_PCI_HOTPLUG(test_pcihp, test_acpi_index)                                    \
    { .name = "acpi_pci_hotplug.hotplug_select", .info = "uint32", .size = 4,                \
      .exists = (test_pcihp) },                                                              \
    { .name = "acpi_pci_hotplug.acpi_pcihp_pci_status", .flags = VMC_F_STRUCT | VMC_F_ARRAY, \
      .num = VMC_ACPI_PCIHP_MAX_HOTPLUG_BUS, .version_id = 1,                                \
      .vmsd = &vmc_vmsd_acpi_pcihp_pci_status, .exists = (test_pcihp) },                     \
    { .name = "acpi_pci_hotplug.acpi_index", .info = "uint32", .size = 4,                    \
      .exists = (test_acpi_index) }

/*
 * Hooks of the blocks above ("acpi_memhp_dev_count", "acpi_cpuhp_dev_count").
 * They are listed in vmc_hooks_q35 (board_q35.c); the hook registry is
 * global, so i440fx devices find them too.
 */
int64_t vmc_acpi_memhp_dev_count(const vmc_hook_ctx *ctx);
int64_t vmc_acpi_cpuhp_dev_count(const vmc_hook_ctx *ctx);

#define VMC_ACPI_COMMON_HOOKS                                                   \
    { "acpi_memhp_dev_count", VMC_HOOK_COUNT, NULL, vmc_acpi_memhp_dev_count }, \
    { "acpi_cpuhp_dev_count", VMC_HOOK_COUNT, NULL, vmc_acpi_cpuhp_dev_count }

/*
 * Board continuation used when a hot-plug array of "ich9_pm" is the last
 * thing of that struct: do the bytes at p look like the rest of ICH9LPC
 * after its "pm" field (board_q35.c)?
 */
bool vmc_q35_lpc_after_pm_ok(const uint8_t *p, size_t len);

#endif
