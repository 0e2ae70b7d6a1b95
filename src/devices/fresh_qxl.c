/*
 * qxl's self-filled RAM in a fresh machine (see fresh_qxl.h): realize
 * writes the ROM BAR, and realize and every system reset rewrite the
 * QXLRam header with empty rings.  Nothing else touches these blocks before
 * the guest runs: the surface RAM ("qxl.vram") and the rest of the VGA RAM
 * stay zero.
 */
#include "devices/fresh_qxl.h"
#include "common/error_internal.h"

#include <glib.h>
#include <string.h>
#include <zlib.h>

#define MiB (1u << 20)
#define QXL_PAGE 4096u

/* NUM_MEMSLOTS and the memslot id layout of QEMU's SPICE display */
#define QXL_SLOTS 8
#define QXL_SLOT_GEN_BITS 8
#define QXL_SLOT_ID_BITS 8

/* SPICE ring sizes (entries) and entry sizes of QXLRam's rings */
#define CMD_RING_ITEMS 32
#define CURSOR_RING_ITEMS 32
#define RELEASE_RING_ITEMS 8

/*
 * QEMU's resolution list, in its order.  Each resolution yields four modes
 * (16 then 32 bits per pixel, orientation 0, then the same with
 * orientation 1); a mode's id is its index in that expanded list.
 */
static const uint16_t resolutions[][2] = {
    { 640, 480 },   { 800, 480 },   { 800, 600 },   { 832, 624 },   { 960, 640 },
    { 1024, 600 },  { 1024, 768 },  { 1152, 864 },  { 1152, 870 },  { 1280, 720 },
    { 1280, 760 },  { 1280, 768 },  { 1280, 800 },  { 1280, 960 },  { 1280, 1024 },
    { 1360, 768 },  { 1366, 768 },  { 1400, 1050 }, { 1440, 900 },  { 1600, 900 },
    { 1600, 1200 }, { 1680, 1050 }, { 1920, 1080 }, { 1920, 1200 }, { 1920, 1440 },
    { 2000, 2000 }, { 2048, 1536 }, { 2048, 2048 }, { 2560, 1440 }, { 2560, 1600 },
    { 2560, 2048 }, { 2800, 2100 }, { 3200, 2400 }, { 3840, 2160 }, { 4096, 2160 },
    { 7680, 4320 }, { 8192, 4320 },
};
#define N_RES (sizeof(resolutions) / sizeof(resolutions[0]))

_Static_assert(VMC_QXL_ROM_HEADER_SIZE + 4 + 4 * N_RES * VMC_QXL_MODE_SIZE <= VMC_QXL_ROM_SIZE,
               "the mode list fits the ROM");

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/*
 * Physical size in mm: 0.2936875 mm per pixel, truncated.  Integer maths
 * gives the same result as QEMU's double product: 2936875 = 625 * 4699, so
 * pixels * 2936875 is a multiple of 10^7 only for multiples of 16000 pixels,
 * and otherwise lies at least 1/16000 away from the next integer.
 */
static uint32_t millimetres(uint32_t pixels)
{
    return (uint32_t)((uint64_t)pixels * 2936875u / 10000000u);
}

uint32_t vmc_qxl_ram_header_offset(const vmc_qxl_params *p)
{
    return p->vga_vram_size - align_up(VMC_QXL_RAM_HEADER_SIZE, QXL_PAGE);
}

void vmc_qxl_build_rom(const vmc_qxl_params *p, uint8_t *rom)
{
    memset(rom, 0, VMC_QXL_ROM_SIZE);
    put32(rom + VMC_QXL_ROM_OFF_MAGIC, VMC_QXL_ROM_MAGIC);
    put32(rom + VMC_QXL_ROM_OFF_ID, p->id);
    put32(rom + VMC_QXL_ROM_OFF_LOG_LEVEL, p->log_level);
    put32(rom + VMC_QXL_ROM_OFF_MODES_OFFSET, VMC_QXL_ROM_HEADER_SIZE);
    put32(rom + VMC_QXL_ROM_OFF_N_SURFACES, p->n_surfaces);
    rom[VMC_QXL_ROM_OFF_SLOTS_START] = 1;                 /* slot 0 is the host's */
    rom[VMC_QXL_ROM_OFF_SLOTS_START + 1] = QXL_SLOTS - 1;
    rom[VMC_QXL_ROM_OFF_SLOTS_START + 2] = QXL_SLOT_GEN_BITS;
    rom[VMC_QXL_ROM_OFF_SLOTS_START + 3] = QXL_SLOT_ID_BITS;

    /* the modes whose framebuffer fits in vgamem */
    uint8_t *list = rom + VMC_QXL_ROM_HEADER_SIZE;
    uint32_t n = 0;
    for (uint32_t i = 0; i < 4 * N_RES; i++) {
        uint32_t x = resolutions[i / 4][0], y = resolutions[i / 4][1];
        uint32_t bits = (i & 1) ? 32 : 16;
        uint32_t stride = x * bits / 8;
        if ((uint64_t)y * stride > p->vgamem_size) {
            continue;
        }
        uint8_t *md = list + 4 + n * VMC_QXL_MODE_SIZE;
        put32(md, i);
        put32(md + 4, x);
        put32(md + 8, y);
        put32(md + 12, bits);
        put32(md + 16, stride);
        put32(md + 20, millimetres(x));
        put32(md + 24, millimetres(y));
        put32(md + 28, (i >> 1) & 1);   /* orientation */
        n++;
    }
    put32(list, n);

    /* BAR 0: surface 0 (the VGA framebuffer) first, then pages, the header last */
    uint32_t surface0 = align_up(p->vgamem_size, QXL_PAGE);
    uint32_t header = vmc_qxl_ram_header_offset(p);
    put32(rom + VMC_QXL_ROM_OFF_NUM_PAGES, (header - surface0) / QXL_PAGE);
    put32(rom + VMC_QXL_ROM_OFF_PAGES_OFFSET, surface0);
    put32(rom + VMC_QXL_ROM_OFF_DRAW_AREA_OFFSET, 0);
    put32(rom + VMC_QXL_ROM_OFF_SURFACE0_AREA_SIZE, surface0);
    put32(rom + VMC_QXL_ROM_OFF_RAM_HEADER_OFFSET, header);

    /* xres/yres: one client monitor of that size, with the kernel driver's CRC */
    if (p->xres && p->yres) {
        uint8_t *mc = rom + VMC_QXL_ROM_OFF_MONITORS;
        put16(mc, 1);
        put32(mc + 4 + 8, p->yres);    /* heads[0].bottom */
        put32(mc + 4 + 12, p->xres);   /* heads[0].right */
        /* Linux's crc32_le: zlib's CRC without its pre- and post-inversion */
        uLong crc = crc32(0xffffffffUL, mc, 4 + 64 * 16) ^ 0xffffffffUL;
        put32(rom + VMC_QXL_ROM_OFF_MONITORS_CRC, (uint32_t)crc);
    }
}

/* A SPICE ring as its init leaves it: empty, notify on the first produce. */
static void ring_init(uint8_t *r, uint32_t items)
{
    put32(r, items);       /* num_items */
    put32(r + 4, 0);       /* prod */
    put32(r + 8, 1);       /* notify_on_prod */
    put32(r + 12, 0);      /* cons */
    put32(r + 16, 0);      /* notify_on_cons */
}

void vmc_qxl_build_ram_header(uint8_t *hdr)
{
    memset(hdr, 0, VMC_QXL_RAM_HEADER_SIZE);
    put32(hdr, VMC_QXL_RAM_MAGIC);
    ring_init(hdr + VMC_QXL_RAM_OFF_CMD_RING, CMD_RING_ITEMS);
    ring_init(hdr + VMC_QXL_RAM_OFF_CURSOR_RING, CURSOR_RING_ITEMS);
    ring_init(hdr + VMC_QXL_RAM_OFF_RELEASE_RING, RELEASE_RING_ITEMS);
}

/* ---- the blocks of a modelled device ------------------------------------------ */

static bool is_primary(const vmc_mdev *dev)
{
    return strcmp(dev->type, "qxl-vga") == 0;
}

/* The VGA RAM block (BAR 0) of dev, as the model named it. */
static const vmc_model_ram_block *vga_ram_block(vmc_model *m, vmc_mdev *dev)
{
    char *name;
    if (!is_primary(dev)) {
        name = g_strdup_printf("%s/qxl.vgavram", dev->path);
    } else if (vmc_mdev_prop_bool(dev, "global-vmstate", false)) {
        name = g_strdup("vga.vram");
    } else {
        name = g_strdup_printf("%s/vga.vram", dev->path);
    }
    const vmc_model_ram_block *found = NULL;
    for (size_t i = 0; i < vmc_model_ram_block_count(m) && !found; i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
        if (strcmp(b->name, name) == 0) {
            found = b;
        }
    }
    g_free(name);
    return found;
}

uint64_t vmc_qxl_vga_ram_size(vmc_model *m, vmc_mdev *dev)
{
    const vmc_model_ram_block *b = vga_ram_block(m, dev);
    return b ? b->used_length : 0;
}

/* qxl_init_ramsize's vgamem: vgamem_mb clamped to 8..256 MiB, a power of two. */
static uint32_t vgamem_size(vmc_mdev *dev)
{
    int64_t mb = vmc_mdev_prop_int(dev, "vgamem_mb", 16);
    uint32_t v = (uint32_t)mb;          /* a uint32 property */
    v = v < 8 ? 8 : v > 256 ? 256 : v;
    uint32_t size = 1;
    while (size < v * MiB) {
        size <<= 1;
    }
    return size;
}

/* The sizes that place the ROM's areas and the RAM header. */
static int layout_of(vmc_model *m, vmc_mdev *dev, const vmc_model_ram_block *b,
                     vmc_qxl_params *p)
{
    memset(p, 0, sizeof(*p));
    const vmc_model_ram_block *vram = vga_ram_block(m, dev);
    if (!vram) {
        return vmc_error_set(VMC_EUSAGE, -1, "ram", b->name,
                             "internal: %s %s has no VGA RAM block", dev->type, dev->path);
    }
    p->vgamem_size = vgamem_size(dev);
    p->vga_vram_size = (uint32_t)vram->used_length;
    if (vram->used_length > 512u * MiB ||
        (uint64_t)p->vgamem_size + align_up(VMC_QXL_RAM_HEADER_SIZE, QXL_PAGE) >
            vram->used_length) {
        return vmc_error_set(VMC_EUSAGE, -1, "ram", b->name,
                             "internal: VGA RAM of 0x%llx bytes cannot hold vgamem 0x%x",
                             (unsigned long long)vram->used_length, p->vgamem_size);
    }
    return 0;
}

/* The rest of the ROM header: identity and properties. */
static int identity_of(vmc_mdev *dev, const vmc_model_ram_block *b, vmc_qxl_params *p)
{
    /* the console index: qxl-vga must be console 0 (realize checks it) */
    if (!is_primary(dev)) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, "ram", b->name,
                             "not modelled: the console index a secondary qxl writes "
                             "into its ROM");
    }
    p->id = 0;
    p->log_level = (uint32_t)vmc_mdev_prop_int(dev, "guestdebug", 0);
    p->n_surfaces = (uint32_t)vmc_mdev_prop_int(dev, "surfaces", 1024);
    p->xres = (uint32_t)vmc_mdev_prop_int(dev, "xres", 0);
    p->yres = (uint32_t)vmc_mdev_prop_int(dev, "yres", 0);
    return 0;
}

int vmc_fresh_qxl_vrom(vmc_model *m, vmc_mdev *dev, const vmc_model_ram_block *b,
                       uint8_t **data, size_t *len)
{
    vmc_qxl_params p;
    int rc = layout_of(m, dev, b, &p);
    if (rc || (rc = identity_of(dev, b, &p))) {
        return rc;
    }
    if (b->used_length < VMC_QXL_ROM_SIZE) {
        return vmc_error_set(VMC_EUSAGE, -1, "ram", b->name,
                             "internal: qxl ROM block of 0x%llx bytes",
                             (unsigned long long)b->used_length);
    }
    *data = g_malloc(VMC_QXL_ROM_SIZE);
    *len = VMC_QXL_ROM_SIZE;
    vmc_qxl_build_rom(&p, *data);
    return 0;
}

int vmc_fresh_qxl_vga_ram(vmc_model *m, vmc_mdev *dev, const vmc_model_ram_block *b,
                          uint8_t **data, size_t *len)
{
    vmc_qxl_params p;
    const vmc_model_ram_block *vram = vga_ram_block(m, dev);
    if (vram != b) {
        return vmc_error_set(VMC_EUSAGE, -1, "ram", b->name,
                             "internal: not the VGA RAM of %s %s", dev->type, dev->path);
    }
    int rc = layout_of(m, dev, b, &p);
    if (rc) {
        return rc;
    }
    uint32_t off = vmc_qxl_ram_header_offset(&p);
    /* only the header is not zero: the block's pages up to its end */
    *data = g_malloc0(p.vga_vram_size);
    *len = p.vga_vram_size;
    vmc_qxl_build_ram_header(*data + off);
    return 0;
}
