/*
 * The RAM qxl / qxl-vga fill themselves (QEMU 7.2 hw/display/qxl.c with the
 * SPICE 0.14 device ABI, spice/qxl_dev.h):
 *
 *  - "qxl.vrom" (BAR 2, 8 KiB): the QXLRom header at 0, then at its end
 *    (modes_offset) the mode list: a count and one QXLMode per entry of
 *    QEMU's built-in resolution list whose framebuffer fits vgamem;
 *  - the VGA RAM ("vga.vram" of qxl-vga, "qxl.vgavram" of qxl; BAR 0): the
 *    QXLRam header (magic, three empty SPICE rings) in its last pages.
 *
 * All multi-byte values are little endian; the structures are packed.
 */
#ifndef VMC_DEVICES_FRESH_QXL_H
#define VMC_DEVICES_FRESH_QXL_H

#include <stddef.h>
#include <stdint.h>

#include "devices/fresh.h"

#define VMC_QXL_ROM_SIZE 8192u          /* qxl.vrom: the needed size page-aligned */

/* QXLRom (packed) field offsets */
#define VMC_QXL_ROM_MAGIC 0x4f525851u   /* "QXRO" read as le32 */
#define VMC_QXL_ROM_OFF_MAGIC 0
#define VMC_QXL_ROM_OFF_ID 4
#define VMC_QXL_ROM_OFF_LOG_LEVEL 16
#define VMC_QXL_ROM_OFF_MODES_OFFSET 24
#define VMC_QXL_ROM_OFF_NUM_PAGES 28
#define VMC_QXL_ROM_OFF_PAGES_OFFSET 32
#define VMC_QXL_ROM_OFF_DRAW_AREA_OFFSET 36
#define VMC_QXL_ROM_OFF_SURFACE0_AREA_SIZE 40
#define VMC_QXL_ROM_OFF_RAM_HEADER_OFFSET 44
#define VMC_QXL_ROM_OFF_N_SURFACES 52
#define VMC_QXL_ROM_OFF_SLOTS_START 64  /* then slots_end, slot_gen_bits, slot_id_bits */
#define VMC_QXL_ROM_OFF_MONITORS_CRC 128
#define VMC_QXL_ROM_OFF_MONITORS 132    /* u16 count, u16 padding, 64 x {top,left,bottom,right} */
#define VMC_QXL_ROM_HEADER_SIZE 1160    /* sizeof(QXLRom) = modes_offset */
#define VMC_QXL_MODE_SIZE 32            /* id, x_res, y_res, bits, stride, x_mili, y_mili, orientation */

/* QXLRam (packed) */
#define VMC_QXL_RAM_MAGIC 0x41525851u   /* "QXRA" */
#define VMC_QXL_RAM_HEADER_SIZE 5348    /* sizeof(QXLRam) */
#define VMC_QXL_RAM_OFF_CMD_RING 4108   /* after magic, int_pending, int_mask, log_buf[4096] */
#define VMC_QXL_RAM_OFF_CURSOR_RING 4640
#define VMC_QXL_RAM_OFF_RELEASE_RING 5172

/* What the QXLRom and QXLRam contents depend on. */
typedef struct vmc_qxl_params {
    uint32_t id;              /* the device's console index (0 for qxl-vga) */
    uint32_t log_level;       /* "guestdebug" */
    uint32_t n_surfaces;      /* "surfaces" */
    uint32_t vgamem_size;     /* vgamem_mb clamped to 8..256, in bytes, power of 2 */
    uint32_t vga_vram_size;   /* BAR 0: the VGA RAM block's size */
    uint32_t xres, yres;      /* initial client monitor size, 0 = none */
} vmc_qxl_params;

/* The QXLRom + mode list, VMC_QXL_ROM_SIZE bytes. */
void vmc_qxl_build_rom(const vmc_qxl_params *p, uint8_t *rom);

/* Offset of the QXLRam header in the VGA RAM (its last whole pages). */
uint32_t vmc_qxl_ram_header_offset(const vmc_qxl_params *p);

/* The QXLRam header as reset leaves it, VMC_QXL_RAM_HEADER_SIZE bytes at hdr. */
void vmc_qxl_build_ram_header(uint8_t *hdr);

/* Size of dev's VGA RAM block as the model built it (0 when it has none). */
uint64_t vmc_qxl_vga_ram_size(vmc_model *m, vmc_mdev *dev);

/* vmc_fresh_ram_fn for "qxl.vrom" and for the VGA RAM of qxl-vga / qxl. */
int vmc_fresh_qxl_vrom(vmc_model *m, vmc_mdev *dev, const vmc_model_ram_block *b,
                       uint8_t **data, size_t *len);
int vmc_fresh_qxl_vga_ram(vmc_model *m, vmc_mdev *dev, const vmc_model_ram_block *b,
                          uint8_t **data, size_t *len);

#endif
