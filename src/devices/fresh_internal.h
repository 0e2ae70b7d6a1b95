/* The fresh-state functions of the board devices (fresh_*.c), for the table in fresh_board.c. */
#ifndef VMC_DEVICES_FRESH_INTERNAL_H
#define VMC_DEVICES_FRESH_INTERNAL_H

#include "devices/fresh.h"

/* fresh_cpu.c */
int vmc_fresh_cpu_common(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_cpu(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_apic(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_isa.c */
int vmc_fresh_dma(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ioapic(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_hpet(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_i8254(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_fdc(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ps2kbd(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ps2mouse(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_pckbd(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_vmmouse(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_rtc.c */
int vmc_fresh_rtc(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_chipset.c */
int vmc_fresh_pcibus(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_mch(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_i440fx(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_piix3(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ich9_lpc(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_piix4_pm(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ich9_smb(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_i2c_bus(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ide(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_ich9_ahci(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_fw_cfg(const vmc_fresh_ctx *fc, vmc_state *st);
int vmc_fresh_globalstate(const vmc_fresh_ctx *fc, vmc_state *st);

/* fresh_ide.c: drives on an IDE bus (unit 0, 1 ...); -1 for other devices. */
enum { VMC_IDE_HD = 1, VMC_IDE_CD = 2 };
typedef struct vmc_fresh_ide_drive {
    int kind;        /* 0 none, VMC_IDE_HD, VMC_IDE_CD */
    vmc_mdev *dev;
} vmc_fresh_ide_drive;
int vmc_fresh_ide_bus_drives(vmc_model *m, const vmc_mbus *bus, vmc_fresh_ide_drive *units,
                             int nunits);
/* IDEState after ide_reset() of an interface with this drive kind. */
void vmc_fresh_ide_if(vmc_state *st, const char *prefix, int kind);
/* Physical CHS and BIOS translation (0 none, 1 LBA) of a hard disk; -1 when unknown. */
int vmc_fresh_hd_geometry(vmc_model *m, vmc_mdev *d, int *cyls, int *heads, int *secs,
                          int *trans);

/* Building blocks for controllers elsewhere (fresh_chipset.c). */
int vmc_fresh_ahci(const vmc_fresh_ctx *fc, vmc_state *st, const char *prefix, int ports);

#endif
