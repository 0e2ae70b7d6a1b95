/*
 * IDE and AHCI building blocks of QEMU 7.2 (hw/ide/core.c, pci.c, ahci.c):
 * IDE bus and drive state with their subsections, the PCI IDE ("ide") vmsd
 * with its bus-master DMA state, and the AHCI controller state with its
 * ports.  Used by piix3-ide/piix4-ide ("ide"), ich9-ahci ("ich9_ahci") and
 * sysbus-ahci, and by any other device that embeds IDE or AHCI state.
 */
#ifndef VMC_DEVICES_IDE_COMMON_H
#define VMC_DEVICES_IDE_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* "ide_bus" with subsection "ide_bus/error". */
extern const vmc_vmsd vmc_vmsd_ide_bus;
/* "ide_drive" (v3) with subsections pio_state, tray_state, atapi/gesn_state. */
extern const vmc_vmsd vmc_vmsd_ide_drive;
/* "ide bmdma" (v3) with subsections "ide bmdma_current", "ide bmdma/status". */
extern const vmc_vmsd vmc_vmsd_ide_bmdma;
/* "ide" (v3): PCI IDE controller (piix3-ide, piix4-ide); top-level vmsd. */
extern const vmc_vmsd vmc_vmsd_ide_pci;
/* "ahci" (AHCIState): ports, control registers, port count. */
extern const vmc_vmsd vmc_vmsd_ahci;
/* "sysbus-ahci": top-level vmsd of the sysbus AHCI controller. */
extern const vmc_vmsd vmc_vmsd_sysbus_ahci;

/* VMSTATE_IDE_BUS / VMSTATE_IDE_BUS_ARRAY / VMSTATE_IDE_DRIVE(S) / VMSTATE_AHCI */
#define VMC_IDE_BUS(n) VMC_STRUCT_V(n, vmc_vmsd_ide_bus, 1)
#define VMC_IDE_BUS_ARRAY(n, c)                                                   \
    { .name = (n), .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = (c), .version_id = 1, \
      .vmsd = &vmc_vmsd_ide_bus }
#define VMC_IDE_DRIVE(n) VMC_STRUCT_V(n, vmc_vmsd_ide_drive, 1)
#define VMC_IDE_DRIVES(n)                                                        \
    { .name = (n), .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = 2, .version_id = 3, \
      .vmsd = &vmc_vmsd_ide_drive }
#define VMC_AHCI(n) VMC_STRUCT(n, vmc_vmsd_ahci)

/* ATA status register bit "data request" (DRQ_STAT). */
#define VMC_IDE_DRQ_STAT 0x08
/* Bus error_status retry flags (IDE_RETRY_*). */
#define VMC_IDE_RETRY_DMA 0x08
#define VMC_IDE_RETRY_PIO 0x10
#define VMC_IDE_RETRY_READ 0x20
#define VMC_IDE_RETRY_FLUSH 0x40
/* Size of every IDE drive's I/O buffer (IDE_DMA_BUF_SECTORS * 512 + 4). */
#define VMC_IDE_IO_BUFFER_TOTAL_LEN (256 * 512 + 4)
/* Ports of the built-in ICH9 AHCI controller. */
#define VMC_ICH9_AHCI_PORTS 6

/* Hook functions of the blocks above (listed by VMC_IDE_COMMON_HOOKS). */
bool vmc_ide_is_identify_set(const vmc_hook_ctx *ctx, int version_id);
int64_t vmc_ide_io_buffer_total_len(const vmc_hook_ctx *ctx);
int64_t vmc_ahci_port_count(const vmc_hook_ctx *ctx);
bool vmc_ide_drive_pio_state_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_ide_tray_state_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_ide_atapi_gesn_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_ide_error_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_ide_bmdma_current_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_ide_bmdma_status_needed(const vmc_hook_ctx *ctx, int version_id);

/*
 * Hook table entries; listed in vmc_hooks_q35 (board_q35.c).  The hook
 * registry is global, so every device embedding IDE/AHCI state finds them.
 */
#define VMC_IDE_COMMON_HOOKS                                                              \
    { "is_identify_set", VMC_HOOK_EXISTS, vmc_ide_is_identify_set, NULL },                \
    { "ide_io_buffer_total_len", VMC_HOOK_COUNT, NULL, vmc_ide_io_buffer_total_len },     \
    { "ahci_port_count", VMC_HOOK_COUNT, NULL, vmc_ahci_port_count },                     \
    { "ide_drive_pio_state_needed", VMC_HOOK_NEEDED, vmc_ide_drive_pio_state_needed, NULL }, \
    { "ide_tray_state_needed", VMC_HOOK_NEEDED, vmc_ide_tray_state_needed, NULL },         \
    { "ide_atapi_gesn_needed", VMC_HOOK_NEEDED, vmc_ide_atapi_gesn_needed, NULL },         \
    { "ide_error_needed", VMC_HOOK_NEEDED, vmc_ide_error_needed, NULL },                   \
    { "ide_bmdma_current_needed", VMC_HOOK_NEEDED, vmc_ide_bmdma_current_needed, NULL },   \
    { "ide_bmdma_status_needed", VMC_HOOK_NEEDED, vmc_ide_bmdma_status_needed, NULL }

#endif
