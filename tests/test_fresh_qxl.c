/*
 * qxl's self-filled RAM (src/devices/fresh_qxl.c) through the machine model
 * and the fresh RAM table, without QEMU.  Expected values are worked out by
 * hand from QEMU 7.2's hw/display/qxl.c and spice/qxl_dev.h (packed structs,
 * little endian):
 *
 *   QXLRom: magic 0, id 4, update_id 8, compression_level 12, log_level 16,
 *   mode 20, modes_offset 24, num_pages 28, pages_offset 32,
 *   draw_area_offset 36, surface0_area_size 40, ram_header_offset 44,
 *   mm_clock 48, n_surfaces 52, flags 56 (u64), slots_start 64, slots_end 65,
 *   slot_gen_bits 66, slot_id_bits 67, slot_generation 68, client_present 69,
 *   client_capabilities[58] 70, client_monitors_config_crc 128,
 *   client_monitors_config 132 (u16 count, u16 pad, 64 x QXLURect of 16
 *   bytes: top, left, bottom, right) -> sizeof 1160 = modes_offset.
 *   Modes: u32 n_modes at 1160, then 32-byte QXLModes.
 *
 *   QXLRam: magic 0, int_pending 4, int_mask 8, log_buf[4096] 12,
 *   cmd_ring 4108 (5 u32 + 32 x 16 bytes = 532), cursor_ring 4640 (532),
 *   release_ring 5172 (5 u32 + 8 x 8 = 84), update_area 5256 ... monitors
 *   config 5340 -> sizeof 5348, placed at vram_size - ALIGN(5348, 4096) =
 *   vram_size - 8192.  A ring after init: num_items, prod 0,
 *   notify_on_prod 1, cons 0, notify_on_cons 0.
 *
 * Mode list: 37 resolutions x {16, 32 bpp} x {orientation 0, 1}, id = index
 * in that list, kept when y * stride <= vgamem; x_mili = trunc(x *
 * 0.2936875).
 */
#include "testutil.h"

#include "devices/fresh.h"
#include "devices/fresh_qxl.h"
#include "vmcompat/model.h"

#include <string.h>

#define MiB (1u << 20)
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static vmc_model *build(const char *const *args)
{
    int argc = 0;
    while (args[argc]) {
        argc++;
    }
    vmc_model *m = NULL;
    if (vmc_model_build(&m, argc, args, NULL)) {
        fail_msg("model: %s", vmc_error_last()->message);
    }
    return m;
}

static const vmc_model_ram_block *block(vmc_model *m, const char *name)
{
    for (size_t i = 0; i < vmc_model_ram_block_count(m); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
        if (strcmp(b->name, name) == 0) {
            return b;
        }
    }
    fail_msg("no RAM block %s", name);
    return NULL;
}

/* The contents the fresh RAM table gives for a block: must be handled. */
static uint8_t *contents(vmc_model *m, const char *name, size_t *len)
{
    const vmc_model_ram_block *b = block(m, name);
    assert_null(b->contents_unmodelled);
    uint8_t *data = NULL;
    int rc = vmc_fresh_ram_contents(m, b, &data, len);
    if (rc != 1) {
        fail_msg("%s: rc %d: %s", name, rc, vmc_error_last()->message);
    }
    assert_true(*len <= b->used_length);
    return data;
}

static void check_mode(const uint8_t *md, uint32_t id, uint32_t x, uint32_t y, uint32_t bits,
                       uint32_t xmm, uint32_t ymm, uint32_t orientation)
{
    assert_int_equal(le32(md), id);
    assert_int_equal(le32(md + 4), x);
    assert_int_equal(le32(md + 8), y);
    assert_int_equal(le32(md + 12), bits);
    assert_int_equal(le32(md + 16), x * bits / 8);
    assert_int_equal(le32(md + 20), xmm);
    assert_int_equal(le32(md + 24), ymm);
    assert_int_equal(le32(md + 28), orientation);
}

/* The QXLRam header at off of a VGA RAM of size bytes; everything else zero. */
static void check_vga_ram(const uint8_t *ram, size_t len, size_t size, size_t off)
{
    assert_true(len <= size);
    assert_int_equal(off, size - 8192);
    assert_memory_equal(ram + off, "QXRA", 4);
    static const struct { size_t at; uint32_t v; } want[] = {
        { 4108, 32 }, { 4108 + 8, 1 },     /* cmd ring: num_items, notify_on_prod */
        { 4640, 32 }, { 4640 + 8, 1 },     /* cursor ring */
        { 5172, 8 }, { 5172 + 8, 1 },      /* release ring */
    };
    size_t nonzero = 0;
    for (size_t i = 0; i < len; i++) {
        nonzero += ram[i] != 0;
    }
    assert_int_equal(nonzero, 4 + 6);   /* "QXRA" and one byte per ring value */
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_int_equal(le32(ram + off + want[i].at), want[i].v);
    }
}

/* Defaults: vgamem 16 MiB, VGA RAM 64 MiB, 1024 surfaces, no xres/yres. */
static void test_default(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-q35-7.2", "-nodefaults", "-device", "qxl-vga"));
    size_t len;
    uint8_t *rom = contents(m, "0000:00:01.0/qxl.vrom", &len);
    assert_int_equal(len, 8192);
    assert_memory_equal(rom, "QXRO", 4);
    assert_int_equal(le32(rom + 4), 0);              /* id: console 0 */
    assert_int_equal(le32(rom + 16), 0);             /* log_level */
    assert_int_equal(le32(rom + 20), 0);             /* mode */
    assert_int_equal(le32(rom + 24), 1160);          /* modes_offset */
    assert_int_equal(le32(rom + 28), 12286);         /* (64M - 8K - 16M) / 4K */
    assert_int_equal(le32(rom + 32), 16 * MiB);      /* pages_offset */
    assert_int_equal(le32(rom + 36), 0);             /* draw_area_offset */
    assert_int_equal(le32(rom + 40), 16 * MiB);      /* surface0_area_size */
    assert_int_equal(le32(rom + 44), 64 * MiB - 8192);
    assert_int_equal(le32(rom + 52), 1024);          /* n_surfaces */
    assert_int_equal(rom[64], 1);
    assert_int_equal(rom[65], 7);
    assert_int_equal(rom[66], 8);
    assert_int_equal(rom[67], 8);
    assert_int_equal(le32(rom + 128), 0);            /* no client monitor */
    assert_int_equal(le32(rom + 132), 0);
    /* 30 resolutions up to 2560x1600 (<= 4 Mi pixels) in all 4 modes, then
     * 2560x2048, 2800x2100, 3200x2400, 3840x2160 at 16 bpp only: 128 */
    assert_int_equal(le32(rom + 1160), 128);
    check_mode(rom + 1164, 0, 640, 480, 16, 187, 140, 0);
    check_mode(rom + 1164 + 32, 1, 640, 480, 32, 187, 140, 0);
    check_mode(rom + 1164 + 2 * 32, 2, 640, 480, 16, 187, 140, 1);
    check_mode(rom + 1164 + 127 * 32, 134, 3840, 2160, 16, 1127, 634, 1);
    for (size_t i = 1164 + 128 * 32; i < len; i++) {
        assert_int_equal(rom[i], 0);
    }
    g_free(rom);

    uint8_t *ram = contents(m, "0000:00:01.0/vga.vram", &len);
    check_vga_ram(ram, len, 64 * MiB, 64 * MiB - 8192);
    g_free(ram);
    vmc_model_free(m);
}

/*
 * vgamem_mb=8, ram_size_mb=32, guestdebug=2, surfaces=512, a 1024x768
 * client monitor, on an old machine type whose VGA RAM is the global
 * "vga.vram".  The monitor config CRC is the one QEMU 7.2 wrote for
 * xres=1024,yres=768 (from its stream).
 */
static void test_small_with_monitor(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-i440fx-2.12", "-nodefaults", "-device",
                              "qxl-vga,vgamem_mb=8,ram_size_mb=32,xres=1024,yres=768,"
                              "guestdebug=2,surfaces=512"));
    size_t len;
    uint8_t *rom = contents(m, "0000:00:02.0/qxl.vrom", &len);
    assert_int_equal(len, 8192);
    assert_memory_equal(rom, "QXRO", 4);
    assert_int_equal(le32(rom + 16), 2);             /* log_level = guestdebug */
    assert_int_equal(le32(rom + 24), 1160);
    assert_int_equal(le32(rom + 28), 6142);          /* (32M - 8K - 8M) / 4K */
    assert_int_equal(le32(rom + 32), 8 * MiB);
    assert_int_equal(le32(rom + 40), 8 * MiB);
    assert_int_equal(le32(rom + 44), 32 * MiB - 8192);
    assert_int_equal(le32(rom + 52), 512);
    assert_int_equal(le32(rom + 128), 0x3dec149c);   /* CRC, as QEMU wrote it */
    assert_int_equal(le32(rom + 132), 1);            /* count 1, padding 0 */
    assert_int_equal(le32(rom + 136), 0);            /* top */
    assert_int_equal(le32(rom + 140), 0);            /* left */
    assert_int_equal(le32(rom + 144), 768);          /* bottom */
    assert_int_equal(le32(rom + 148), 1024);         /* right */
    /* 23 resolutions up to 1920x1080 (<= 2 Mi pixels) in all 4 modes, then
     * 1920x1200 .. 2560x1600 (7, incl. 2048x2048 = exactly 8 MiB) at 16 bpp: 106 */
    assert_int_equal(le32(rom + 1160), 106);
    check_mode(rom + 1164, 0, 640, 480, 16, 187, 140, 0);
    check_mode(rom + 1164 + 92 * 32, 92, 1920, 1200, 16, 563, 352, 0);
    check_mode(rom + 1164 + 105 * 32, 118, 2560, 1600, 16, 751, 469, 1);
    g_free(rom);

    uint8_t *ram = contents(m, "vga.vram", &len);
    check_vga_ram(ram, len, 32 * MiB, 32 * MiB - 8192);
    g_free(ram);
    vmc_model_free(m);
}

/* The pure builders: the header lands where the ROM says. */
static void test_builders(void **state)
{
    (void)state;
    vmc_qxl_params p = { .vgamem_size = 16 * MiB, .vga_vram_size = 128 * MiB,
                         .n_surfaces = 1024 };
    assert_int_equal(vmc_qxl_ram_header_offset(&p), 128 * MiB - 8192);
    uint8_t rom[VMC_QXL_ROM_SIZE];
    vmc_qxl_build_rom(&p, rom);
    assert_int_equal(le32(rom + 44), 128 * MiB - 8192);
    assert_int_equal(le32(rom + 28), (128 * MiB - 8192 - 16 * MiB) / 4096);
    uint8_t hdr[VMC_QXL_RAM_HEADER_SIZE];
    memset(hdr, 0xaa, sizeof(hdr));
    vmc_qxl_build_ram_header(hdr);
    assert_int_equal(le32(hdr), 0x41525851);
    assert_int_equal(le32(hdr + 5172 + 8), 1);
    assert_int_equal(hdr[VMC_QXL_RAM_HEADER_SIZE - 1], 0);
}

/* A secondary qxl's console index is not modelled: a clear refusal. */
static void test_secondary_refused(void **state)
{
    (void)state;
    vmc_model *m = build(ARGS("-M", "pc-q35-7.2", "-nodefaults", "-device", "qxl-vga",
                              "-device", "qxl"));
    const vmc_model_ram_block *b = block(m, "0000:00:02.0/qxl.vrom");
    uint8_t *data = NULL;
    size_t len = 0;
    assert_true(vmc_fresh_ram_contents(m, b, &data, &len) < 0);
    assert_non_null(strstr(vmc_error_last()->message, "not modelled"));
    assert_null(data);
    /* its VGA RAM header does not depend on it */
    data = contents(m, "0000:00:02.0/qxl.vgavram", &len);
    check_vga_ram(data, len, 64 * MiB, 64 * MiB - 8192);
    g_free(data);
    vmc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_small_with_monitor),
        cmocka_unit_test(test_builders),
        cmocka_unit_test(test_secondary_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
