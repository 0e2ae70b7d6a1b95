/*
 * Display device models: VGA and secondary-vga (hw/display/vga-pci.c),
 * bochs-display, cirrus-vga and qxl-vga / qxl, as QEMU 7.2 realizes them:
 * identity, BARs, the VGA memory RAM blocks and option ROM, section.
 */
#include "devices/model_common.h"
#include "devices/model_media.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

#define MiB (1ull << 20)

static uint64_t pow2ceil(uint64_t v)
{
    uint64_t p = 1;
    while (p < v) {
        p <<= 1;
    }
    return p;
}

/* Display devices that open a graphic console when realized. */
static bool opens_console(const char *type)
{
    static const char *const types[] = {
        "VGA", "secondary-vga", "bochs-display", "cirrus-vga", "qxl-vga", "qxl",
        "virtio-vga", "virtio-vga-gl", "virtio-gpu-pci", "virtio-gpu-gl-pci", "vmware-svga",
        "ati-vga", "ramfb", "isa-vga", "isa-cirrus-vga",
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!strcmp(type, types[i])) {
            return true;
        }
    }
    return false;
}

/*
 * vga_common_init: "vga.vram" of vgamem_mb clamped to 1..512 and rounded up
 * to a power of two; with global-vmstate (old machine types) the block has
 * no device path and only one such device may exist.
 */
static int vga_vram(vmc_model *m, vmc_mdev *d, uint64_t mb, uint64_t *size_out)
{
    if (mb < 1) {
        mb = 1;
    }
    if (mb > 512) {
        mb = 512;
    }
    uint64_t size = pow2ceil(mb) * MiB;
    bool global = vmc_mdev_prop_bool(d, "global-vmstate", false);
    if (global) {
        for (size_t i = 0; i < vmc_model_ram_block_count(m); i++) {
            if (!strcmp(vmc_model_ram_block_at(m, i)->name, "vga.vram")) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                     "qemu-system-x86_64: -device %s: Only one global VGA "
                                     "device can be used at a time", d->type);
            }
        }
    }
    char *name = global ? g_strdup("vga.vram") : g_strdup_printf("%s/vga.vram", d->path);
    vmc_model_add_ram_block(m, name, size, size, false, NULL);
    g_free(name);
    *size_out = size;
    return 0;
}

/* VGA (std, with legacy VGA ranges) and secondary-vga (hw/display/vga-pci.c). */
int vmc_media_realize_vga(vmc_model *m, vmc_mdev *d)
{
    bool secondary = !strcmp(d->type, "secondary-vga");
    vmc_pci_ident id = { .vendor_id = 0x1234, .device_id = 0x1111,
                         .class_id = secondary ? 0x0380 : 0x0300 };
    int rc = vmc_media_pci_begin(m, d, &id, false);
    uint64_t mb, vram;
    if (rc || (rc = vmc_media_prop_uint(d, "vgamem_mb", 16, UINT32_MAX, &mb)) ||
        (rc = vga_vram(m, d, mb, &vram))) {
        return rc;
    }
    bool mmio = secondary || vmc_mdev_prop_bool(d, "mmio", true);
    if (!secondary) {
        /* BAR 0 is the framebuffer; the MMIO BAR only with "mmio" */
        if ((rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_PREFETCH, vram))) {
            return rc;
        }
    }
    if (mmio) {
        /* qemu-extended-regs (off for <= 2.1) makes the revision 2 */
        if (vmc_mdev_prop_bool(d, "qemu-extended-regs", true)) {
            d->pci->config[VMC_PCI_REVISION_ID] = 2;
        }
        if (secondary && (rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_PREFETCH, vram))) {
            return rc;
        }
        if ((rc = vmc_pci_register_bar(d->pci, 2, VMC_PCI_BAR_MEM32, 0x1000))) {
            return rc;
        }
    }
    /* the secondary class has no option ROM */
    if ((rc = vmc_dm_option_rom(m, d, "vga", secondary ? NULL : "vgabios-stdvga.bin"))) {
        return rc;
    }
    vmc_media_pci_finish(m, d, "vga");
    return 0;
}

/* bochs-display: a hybrid device, PCI Express only on an express bus. */
int vmc_media_realize_bochs(vmc_model *m, vmc_mdev *d)
{
    vmc_pci_ident id = { .vendor_id = 0x1234, .device_id = 0x1111, .class_id = 0x0380 };
    /* the instance init sets QEMU_PCI_CAP_EXPRESS before registration */
    int rc = vmc_media_pci_begin(m, d, &id, true);
    if (rc) {
        return rc;
    }
    uint64_t vgamem;
    if ((rc = vmc_media_prop_size(d, "vgamem", 16 * MiB, &vgamem))) {
        return rc;
    }
    if (vgamem < 4 * MiB) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: bochs-display: video memory too "
                             "small", d->type);
    }
    if (vgamem > 256 * MiB) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: bochs-display: video memory too "
                             "big", d->type);
    }
    vgamem = pow2ceil(vgamem);
    char *name = g_strdup_printf("%s/bochs-display-vram", d->path);
    vmc_model_add_ram_block(m, name, vgamem, vgamem, false, NULL);
    g_free(name);
    d->pci->config[VMC_PCI_REVISION_ID] = 2;
    if ((rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_PREFETCH, vgamem)) ||
        (rc = vmc_pci_register_bar(d->pci, 2, VMC_PCI_BAR_MEM32, 0x1000))) {
        return rc;
    }
    if (vmc_media_bus_express(d->bus)) {
        rc = vmc_pcie_endpoint_cap_init(d->pci, 0x80, vmc_media_bus_root(d->bus), false);
        if (rc < 0) {
            return rc;
        }
    } else {
        /* conventional bus: the flag is dropped and 256 bytes migrate */
        d->pci->express = false;
        d->pci->size = VMC_PCI_CONFIG_SPACE;
    }
    if ((rc = vmc_dm_option_rom(m, d, "bochs-display", "vgabios-bochs-display.bin"))) {
        return rc;
    }
    vmc_media_pci_finish(m, d, "bochs-display");
    return 0;
}

/* cirrus-vga (CLGD 5446). */
int vmc_media_realize_cirrus(vmc_model *m, vmc_mdev *d)
{
    vmc_pci_ident id = { .vendor_id = 0x1013, .device_id = 0x00b8, .class_id = 0x0300 };
    int rc = vmc_media_pci_begin(m, d, &id, false);
    uint64_t mb, vram;
    /* vgamem_mb: 4 (8 for <= 2.8), 8 or 16 */
    if (rc || (rc = vmc_media_prop_uint(d, "vgamem_mb", 4, UINT32_MAX, &mb))) {
        return rc;
    }
    if (mb != 4 && mb != 8 && mb != 16) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Invalid cirrus_vga ram size '%u'",
                             d->type, (unsigned)mb);
    }
    if ((rc = vga_vram(m, d, mb, &vram))) {
        return rc;
    }
    /* BAR 0: the 32 MiB linear/bitblt window; BAR 1: 4 KiB MMIO */
    if ((rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_PREFETCH, 0x2000000)) ||
        (rc = vmc_pci_register_bar(d->pci, 1, VMC_PCI_BAR_MEM32, 0x1000)) ||
        (rc = vmc_dm_option_rom(m, d, "cirrus_vga", "vgabios-cirrus.bin"))) {
        return rc;
    }
    vmc_media_pci_finish(m, d, "cirrus_vga");
    return 0;
}

/* qxl-vga (primary, with VGA) and qxl (secondary). */
int vmc_media_realize_qxl(vmc_model *m, vmc_mdev *d)
{
    bool primary = !strcmp(d->type, "qxl-vga");
    vmc_pci_ident id = { .vendor_id = 0x1b36, .device_id = 0x0100,
                         .class_id = primary ? 0x0300 : 0x0380 };
    int rc = vmc_media_pci_begin(m, d, &id, false);
    if (rc) {
        return rc;
    }
    uint64_t ram, vram32, vgamem_mb, revision, ram_mb, vram32_mb, vram64_mb;
    /* properties (uint32 unless noted; the *_mb ones default to -1 = unset) */
    if ((rc = vmc_media_prop_uint(d, "ram_size", 64 * MiB, UINT32_MAX, &ram)) ||
        (rc = vmc_media_prop_uint(d, "vram_size", 64 * MiB, UINT64_MAX, &vram32)) ||
        (rc = vmc_media_prop_uint(d, "vgamem_mb", 16, UINT32_MAX, &vgamem_mb)) ||
        (rc = vmc_media_prop_uint(d, "revision", 5, UINT32_MAX, &revision)) ||
        (rc = vmc_media_prop_uint(d, "ram_size_mb", UINT32_MAX, UINT32_MAX, &ram_mb)) ||
        (rc = vmc_media_prop_uint(d, "vram_size_mb", UINT32_MAX, UINT32_MAX, &vram32_mb)) ||
        (rc = vmc_media_prop_uint(d, "vram64_size_mb", UINT32_MAX, UINT32_MAX, &vram64_mb))) {
        return rc;
    }
    /* qxl_init_ramsize */
    if (vgamem_mb < 8) {
        vgamem_mb = 8;
    }
    if (vgamem_mb > 256) {
        vgamem_mb = 256;
    }
    uint64_t vgamem = vgamem_mb * MiB;
    if (ram_mb != UINT32_MAX) {
        ram = (uint32_t)(ram_mb * MiB);       /* a 32-bit field in QEMU */
    }
    if (ram < vgamem * 2) {
        ram = vgamem * 2;
    }
    if (vram32_mb != UINT32_MAX) {
        vram32 = vram32_mb * MiB;
    }
    if (vram32 < 4096) {
        vram32 = 4096;
    }
    uint64_t vram = vram32;
    if (vram64_mb != UINT32_MAX) {
        vram = vram64_mb * MiB;
    }
    if (vram < vram32) {
        vram = vram32;
    }
    if (revision == 1) {
        vram32 = vram = 4096;
    }
    ram = pow2ceil(ram);
    vram32 = pow2ceil(vram32);
    vram = pow2ceil(vram);

    /* console 0 must be the primary qxl's */
    if (primary) {
        for (size_t i = 0; i < m->devices->len; i++) {
            vmc_mdev *o = g_ptr_array_index(m->devices, i);
            if (o != d && opens_console(o->type)) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                     "qemu-system-x86_64: -device %s: primary qxl-vga device "
                                     "must be console 0 (first display device on the command "
                                     "line)", d->type);
            }
        }
        /* vga_common_init with the qxl RAM size in MiB */
        uint64_t got;
        if ((rc = vga_vram(m, d, ram / MiB, &got))) {
            return rc;
        }
        ram = got;
    } else {
        char *name = g_strdup_printf("%s/qxl.vgavram", d->path);
        vmc_model_add_ram_block(m, name, ram, ram, false, NULL);
        g_free(name);
    }
    /* qxl_realize_common: PCI revision and I/O BAR size by qxl revision */
    static const struct { uint8_t rev; uint32_t io; } revs[] = {
        { 0, 0 }, { 1, 8 }, { 2, 16 }, { 3, 32 }, { 4, 32 }, { 5, 32 },
    };
    if (revision < 1 || revision > 5) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Invalid revision %u for qxl "
                             "device (max 5)", d->type, (unsigned)revision);
    }
    d->pci->config[VMC_PCI_REVISION_ID] = revs[revision].rev;
    d->pci->config[VMC_PCI_INTERRUPT_PIN] = 1;
    char *name = g_strdup_printf("%s/qxl.vrom", d->path);
    /* its contents (QXLRom, mode list) and the QXLRam header at the end of
     * the VGA RAM come from fresh_qxl.c */
    vmc_model_add_ram_block(m, name, 8192, 8192, false, NULL);
    g_free(name);
    name = g_strdup_printf("%s/qxl.vram", d->path);
    vmc_model_add_ram_block(m, name, vram, vram, false, NULL);
    g_free(name);
    if ((rc = vmc_pci_register_bar(d->pci, 3, VMC_PCI_BAR_IO, revs[revision].io)) ||
        (rc = vmc_pci_register_bar(d->pci, 2, VMC_PCI_BAR_MEM32, 8192)) ||
        (rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_MEM32, ram)) ||
        (rc = vmc_pci_register_bar(d->pci, 1, VMC_PCI_BAR_MEM32, vram32))) {
        return rc;
    }
    if (vram32 < vram &&
        (rc = vmc_pci_register_bar(d->pci, 4, VMC_PCI_BAR_MEM64 | VMC_PCI_BAR_PREFETCH, vram))) {
        return rc;
    }
    if ((rc = vmc_dm_option_rom(m, d, "qxl", primary ? "vgabios-qxl.bin" : NULL))) {
        return rc;
    }
    vmc_media_pci_finish(m, d, "qxl");
    return 0;
}
