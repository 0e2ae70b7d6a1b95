/*
 * Fresh state of the display devices (QEMU 7.2): std VGA ("vga"),
 * cirrus-vga ("cirrus_vga").  vga_common_reset() clears the registers and
 * sets the Bochs VBE id; cirrus_reset() then programs the CL-GD5446.
 */
#include "devices/fresh_pcidevs.h"
#include "devices/fresh_util.h"
#include "devices/fresh_qxl.h"

#include <string.h>

#define VBE_DISPI_ID5 0xb0c5
#define CIRRUS_ID_CLGD5446 0xb8

/* vga_common_init(): vgamem_mb clamped to 1..512 and rounded up to a power of 2. */
static uint64_t vram_size(const vmc_fresh_ctx *fc)
{
    int64_t mb = vmc_fresh_prop_int(fc, NULL, "vgamem_mb", 16);
    mb = mb < 1 ? 1 : mb > 512 ? 512 : mb;
    uint64_t p = 1;
    while (p < (uint64_t)mb) {
        p <<= 1;
    }
    return p << 20;
}

/* VGACommonState below prefix: what vga_common_reset() and the pre_save leave. */
static void vga_common(const vmc_fresh_ctx *fc, vmc_state *st, const char *prefix)
{
    vmc_fresh_u(st, 1, "%s.is_vbe_vmstate", prefix);
    vmc_fresh_u(st, VBE_DISPI_ID5, "%s.vbe_regs[0]", prefix);
    vmc_fresh_u(st, (vram_size(fc) >> 16) - 1, "%s.vbe_bank_mask", prefix);
}

/* VGA (pci), secondary-vga */
int vmc_fresh_vga_pci(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "dev");
    vga_common(fc, st, "vga");
    return 0;
}

/* virtio-vga's own section: the VGA core of 8 MiB (virtio_vga_base_realize)
 * after vga_common_reset(); its virtio-gpu has the "virtio-gpu" section */
int vmc_fresh_virtio_vga(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_u(st, 1, "vga.is_vbe_vmstate");
    vmc_fresh_u(st, VBE_DISPI_ID5, "vga.vbe_regs[0]");
    vmc_fresh_u(st, ((8ull << 20) >> 16) - 1, "vga.vbe_bank_mask");
    return 0;
}

int vmc_fresh_cirrus_vga(const vmc_fresh_ctx *fc, vmc_state *st)
{
    if (!fc->dev || strcmp(fc->dev->type, "cirrus-vga") != 0) {
        return vmc_fresh_unsupported(fc, "isa-cirrus-vga");
    }
    vmc_fresh_pci_device(st, "dev");
    uint8_t sr[256] = { 0 }, gr[254] = { 0 }, cr[256] = { 0 };
    sr[0x06] = 0x0f;              /* unlock the extension registers */
    sr[0x1f] = 0x2d;              /* MemClock */
    sr[0x0f] = 0x98;              /* 4 MiB, 64-bit memory */
    sr[0x17] = 0x20;              /* PCI */
    sr[0x15] = 0x04;              /* memory size: 4 MiB */
    gr[0x18 - 2] = 0x0f;          /* the field starts at gr[2] */
    cr[0x27] = CIRRUS_ID_CLGD5446;
    vmc_fresh_bytes(st, sr, sizeof(sr), "cirrus_vga.vga.sr");
    vmc_fresh_bytes(st, gr, sizeof(gr), "cirrus_vga.vga.gr");
    vmc_fresh_bytes(st, cr, sizeof(cr), "cirrus_vga.vga.cr");
    vmc_fresh_u(st, 5, "cirrus_vga.cirrus_hidden_dac_lockindex");
    return 0;
}

#define QXL_MODE_VGA 1
#define QXL_NUM_MEMSLOTS 8

/*
 * qxl-vga after qxl_reset_handler(): VGA mode.  Its VGA RAM (ram_size or
 * ram_size_mb, at least twice vgamem, a power of two, at most 512 MiB) is
 * the model's block.  The SPICE display has handed out one id already (the
 * initial cursor).
 */
int vmc_fresh_qxl(const vmc_fresh_ctx *fc, vmc_state *st)
{
    if (!fc->dev || strcmp(fc->dev->type, "qxl-vga") != 0) {
        return vmc_fresh_unsupported(fc, "a secondary qxl device");
    }
    uint64_t ram = vmc_qxl_vga_ram_size(fc->m, fc->dev);
    if (!ram) {
        return vmc_fresh_unsupported(fc, "a qxl-vga without a VGA RAM block");
    }
    vmc_fresh_pci_device(st, "pci");
    vmc_fresh_u(st, 1, "vga.is_vbe_vmstate");
    vmc_fresh_u(st, VBE_DISPI_ID5, "vga.vbe_regs[0]");
    vmc_fresh_u(st, (ram >> 16) - 1, "vga.vbe_bank_mask");
    vmc_fresh_u(st, QXL_MODE_VGA, "mode");
    vmc_fresh_u(st, 1, "ssd.unique");
    vmc_fresh_u(st, QXL_NUM_MEMSLOTS, "num_memslots");
    vmc_fresh_i(st, vmc_fresh_prop_int(fc, NULL, "surfaces", 1024), "ssd.num_surfaces");
    return 0;
}
