/*
 * Display devices of QEMU 7.2: the VGA core state and the PCI devices that
 * embed it (hw/display/vga.c, vga-pci.c, cirrus_vga.c, qxl.c,
 * bochs-display.c).  Field names are QEMU's; the tables are ours.
 */
#include "devices/media_usb.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* Number of bochs VBE registers kept in the state (VBE_DISPI_INDEX_NB). */
#define VBE_REGS 10

/* ---- the VGA core (VGACommonState) --------------------------------------- */

/*
 * "vga.endian" is sent only when the framebuffer byte order differs from
 * the target's default.  x86 is little-endian (default_endian_fb = false),
 * so the subsection is needed exactly when big_endian_fb is set.  The value
 * lives only in the subsection, so look for it under either name.
 */
bool vmc_media_vga_endian_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    const vmc_value *v = vmc_hook_lookup(ctx, "big_endian_fb");
    if (!v) {
        v = vmc_hook_lookup(ctx, "vga.endian.big_endian_fb");
    }
    return v && vmc_value_int(v) != 0;
}

static const vmc_field vga_endian_fields[] = {
    VMC_BOOL("big_endian_fb"),
    VMC_END,
};

static const vmc_vmsd vmsd_vga_endian = {
    .name = "vga.endian", .version_id = 1, .minimum_version_id = 1,
    .fields = vga_endian_fields, .needed = "vga_endian_state_needed",
};

static const vmc_vmsd *const vga_common_subsections[] = { &vmsd_vga_endian, NULL };

static const vmc_field vga_common_fields[] = {
    VMC_UINT32("latch"),
    VMC_UINT8("sr_index"),
    VMC_BUFFER("sr", 8),            /* first 8 sequencer registers */
    VMC_UINT8("gr_index"),
    VMC_BUFFER("gr", 16),           /* first 16 graphics registers */
    VMC_UINT8("ar_index"),
    VMC_BUFFER("ar", 21),
    VMC_INT32("ar_flip_flop"),
    VMC_UINT8("cr_index"),
    VMC_BUFFER("cr", 256),
    VMC_UINT8("msr"),
    VMC_UINT8("fcr"),
    VMC_UINT8("st00"),
    VMC_UINT8("st01"),
    VMC_UINT8("dac_state"),
    VMC_UINT8("dac_sub_index"),
    VMC_UINT8("dac_read_index"),
    VMC_UINT8("dac_write_index"),
    VMC_BUFFER("dac_cache", 3),
    VMC_BUFFER("palette", 768),
    VMC_INT32("bank_offset"),
    VMC_F("is_vbe_vmstate", "uint8 equal", 1),
    VMC_UINT16("vbe_index"),
    VMC_UINT16_ARRAY("vbe_regs", VBE_REGS),
    VMC_UINT32("vbe_start_addr"),
    VMC_UINT32("vbe_line_offset"),
    VMC_UINT32("vbe_bank_mask"),
    VMC_END,
};

/* vmstate_vga_common: also the whole state of isa-vga (section "vga"). */
const vmc_vmsd vmc_vmsd_vga_common = {
    .name = "vga", .version_id = 2, .minimum_version_id = 2,
    .fields = vga_common_fields, .subsections = vga_common_subsections,
};

/* ---- VGA / secondary-vga (PCI) ------------------------------------------ */

static const vmc_field vga_pci_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_STRUCT("vga", vmc_vmsd_vga_common),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_vga_pci = {
    .name = "vga", .version_id = 2, .minimum_version_id = 2,
    .fields = vga_pci_fields,
};

/* ---- cirrus-vga ----------------------------------------------------------- */

/* The Cirrus core keeps all 256 sequencer registers and graphics registers
 * from index 2 on (0 and 1 travel as the shadow registers). */
static const vmc_field cirrus_fields[] = {
    VMC_UINT32("vga.latch"),
    VMC_UINT8("vga.sr_index"),
    VMC_BUFFER("vga.sr", 256),
    VMC_UINT8("vga.gr_index"),
    VMC_UINT8("cirrus_shadow_gr0"),
    VMC_UINT8("cirrus_shadow_gr1"),
    VMC_BUFFER("vga.gr", 254),
    VMC_UINT8("vga.ar_index"),
    VMC_BUFFER("vga.ar", 21),
    VMC_INT32("vga.ar_flip_flop"),
    VMC_UINT8("vga.cr_index"),
    VMC_BUFFER("vga.cr", 256),
    VMC_UINT8("vga.msr"),
    VMC_UINT8("vga.fcr"),
    VMC_UINT8("vga.st00"),
    VMC_UINT8("vga.st01"),
    VMC_UINT8("vga.dac_state"),
    VMC_UINT8("vga.dac_sub_index"),
    VMC_UINT8("vga.dac_read_index"),
    VMC_UINT8("vga.dac_write_index"),
    VMC_BUFFER("vga.dac_cache", 3),
    VMC_BUFFER("vga.palette", 768),
    VMC_INT32("vga.bank_offset"),
    VMC_UINT8("cirrus_hidden_dac_lockindex"),
    VMC_UINT8("cirrus_hidden_dac_data"),
    VMC_UINT32("vga.hw_cursor_x"),
    VMC_UINT32("vga.hw_cursor_y"),
    VMC_END,
};

/* vmstate_cirrus_vga: also the whole state of isa-cirrus-vga. */
const vmc_vmsd vmc_vmsd_cirrus_core = {
    .name = "cirrus_vga", .version_id = 2, .minimum_version_id = 1,
    .fields = cirrus_fields,
};

static const vmc_field cirrus_pci_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_STRUCT("cirrus_vga", vmc_vmsd_cirrus_core),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_cirrus_pci = {
    .name = "cirrus_vga", .version_id = 2, .minimum_version_id = 2,
    .fields = cirrus_pci_fields,
};

/* ---- bochs-display -------------------------------------------------------- */

static const vmc_field bochs_fields[] = {
    VMC_STRUCT("pci", vmc_vmsd_pci_device),
    VMC_UINT16_ARRAY("vbe_regs", VBE_REGS),
    VMC_BOOL("big_endian_fb"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_bochs_display = {
    .name = "bochs-display", .version_id = 0, .minimum_version_id = 0,
    .fields = bochs_fields,
};

/* ---- qxl / qxl-vga -------------------------------------------------------- */

#define QXL_SAVE_VERSION 21
#define QXL_MEMSLOTS 8   /* NUM_MEMSLOTS of the spice display code */

static const vmc_field qxl_memslot_fields[] = {
    VMC_UINT64("slot.mem_start"),
    VMC_UINT64("slot.mem_end"),
    VMC_UINT32("active"),
    VMC_END,
};

static const vmc_vmsd vmsd_qxl_memslot = {
    .name = "qxl-memslot", .version_id = QXL_SAVE_VERSION,
    .minimum_version_id = QXL_SAVE_VERSION, .fields = qxl_memslot_fields,
};

static const vmc_field qxl_surface_fields[] = {
    VMC_UINT32("width"),
    VMC_UINT32("height"),
    VMC_INT32("stride"),
    VMC_UINT32("format"),
    VMC_UINT32("position"),
    VMC_UINT32("mouse_mode"),
    VMC_UINT32("flags"),
    VMC_UINT32("type"),
    VMC_UINT64("mem"),
    VMC_END,
};

static const vmc_vmsd vmsd_qxl_surface = {
    .name = "qxl-surface", .version_id = QXL_SAVE_VERSION,
    .minimum_version_id = QXL_SAVE_VERSION, .fields = qxl_surface_fields,
};

/*
 * "qxl/monitors-config" is sent when the guest registered a monitors
 * configuration (its guest address is non-zero).  The address travels
 * only in the subsection.
 */
bool vmc_media_qxl_monitors_config_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    const vmc_value *v = vmc_hook_lookup(ctx, "guest_monitors_config");
    if (!v) {
        v = vmc_hook_lookup(ctx, "qxl/monitors-config.guest_monitors_config");
    }
    return v && vmc_value_uint(v) != 0;
}

static const vmc_field qxl_monitors_fields[] = {
    VMC_UINT64("guest_monitors_config"),
    VMC_END,
};

static const vmc_vmsd vmsd_qxl_monitors_config = {
    .name = "qxl/monitors-config", .version_id = 1, .minimum_version_id = 1,
    .fields = qxl_monitors_fields, .needed = "qxl_monitors_config_needed",
};

static const vmc_vmsd *const qxl_subsections[] = { &vmsd_qxl_monitors_config, NULL };

static const vmc_field qxl_fields[] = {
    VMC_STRUCT("pci", vmc_vmsd_pci_device),
    VMC_STRUCT("vga", vmc_vmsd_vga_common),
    VMC_UINT32("shadow_rom.mode"),
    VMC_UINT32("num_free_res"),
    VMC_UINT32("last_release_offset"),
    VMC_UINT32("mode"),
    VMC_UINT32("ssd.unique"),
    VMC_F("num_memslots", "int32 equal", 4),
    VMC_STRUCT_ARRAY("guest_slots", QXL_MEMSLOTS, vmsd_qxl_memslot),
    VMC_STRUCT("guest_primary.surface", vmsd_qxl_surface),
    /* the "surfaces" property (1024 by default); must match on both ends */
    VMC_F("ssd.num_surfaces", "int32 equal", 4),
    { .name = "guest_surfaces.cmds", .info = "uint64", .size = 8,
      .flags = VMC_F_VARRAY_INT32, .num_field = "ssd.num_surfaces" },
    VMC_UINT64("guest_cursor"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_qxl = {
    .name = "qxl", .version_id = QXL_SAVE_VERSION, .minimum_version_id = QXL_SAVE_VERSION,
    .fields = qxl_fields, .subsections = qxl_subsections,
};
