/* IDE / AHCI building blocks (QEMU 7.2); see ide_common.h. */
#include "devices/ide_common.h"
#include "devices/chipset_util.h"
#include "devices/registry.h"
#include "vmstate/value_internal.h"

#include <string.h>

/* ---- IDE bus ------------------------------------------------------------ */

static const vmc_field ide_bus_error_fields[] = {
    VMC_INT32("error_status"),
    VMC_INT64_V("retry_sector_num", 2),
    VMC_UINT32_V("retry_nsector", 2),
    VMC_UINT8_V("retry_unit", 2),
    VMC_END,
};

static const vmc_vmsd vmsd_ide_bus_error = {
    .name = "ide_bus/error", .version_id = 2, .minimum_version_id = 1,
    .fields = ide_bus_error_fields, .needed = "ide_error_needed",
};

static const vmc_vmsd *const ide_bus_subsections[] = { &vmsd_ide_bus_error, NULL };

static const vmc_field ide_bus_fields[] = {
    VMC_UINT8("cmd"),
    VMC_UINT8("unit"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_ide_bus = {
    .name = "ide_bus", .version_id = 1, .minimum_version_id = 1,
    .fields = ide_bus_fields, .subsections = ide_bus_subsections,
};

/* ---- IDE drive ---------------------------------------------------------- */

static const vmc_field ide_pio_fields[] = {
    VMC_INT32("req_nb_sectors"),
    /* The whole I/O buffer; its length (io_buffer_total_len) is not on the wire. */
    { .name = "io_buffer", .info = "uint8", .size = 1, .version_id = 1,
      .flags = VMC_F_VARRAY_INT32 | VMC_F_POINTER, .num_field = "@ide_io_buffer_total_len" },
    VMC_INT32("cur_io_buffer_offset"),
    VMC_INT32("cur_io_buffer_len"),
    VMC_UINT8("end_transfer_fn_idx"),
    VMC_INT32("elementary_transfer_size"),
    VMC_INT32("packet_transfer_size"),
    VMC_END,
};

static const vmc_vmsd vmsd_ide_pio_state = {
    .name = "ide_drive/pio_state", .version_id = 1, .minimum_version_id = 1,
    .fields = ide_pio_fields, .needed = "ide_drive_pio_state_needed",
};

static const vmc_field ide_tray_fields[] = {
    VMC_BOOL("tray_open"),
    VMC_BOOL("tray_locked"),
    VMC_END,
};

static const vmc_vmsd vmsd_ide_tray_state = {
    .name = "ide_drive/tray_state", .version_id = 1, .minimum_version_id = 1,
    .fields = ide_tray_fields, .needed = "ide_tray_state_needed",
};

static const vmc_field ide_gesn_fields[] = {
    VMC_BOOL("events.new_media"),
    VMC_BOOL("events.eject_request"),
    VMC_END,
};

static const vmc_vmsd vmsd_ide_atapi_gesn = {
    .name = "ide_drive/atapi/gesn_state", .version_id = 1, .minimum_version_id = 1,
    .fields = ide_gesn_fields, .needed = "ide_atapi_gesn_needed",
};

static const vmc_vmsd *const ide_drive_subsections[] = {
    &vmsd_ide_pio_state,
    &vmsd_ide_tray_state,
    &vmsd_ide_atapi_gesn,
    NULL,
};

static const vmc_field ide_drive_fields[] = {
    VMC_INT32("mult_sectors"),
    VMC_INT32("identify_set"),
    { .name = "identify_data", .info = "buffer", .size = 512, .exists = "is_identify_set" },
    VMC_UINT8("feature"),
    VMC_UINT8("error"),
    VMC_UINT32("nsector"),
    VMC_UINT8("sector"),
    VMC_UINT8("lcyl"),
    VMC_UINT8("hcyl"),
    VMC_UINT8("hob_feature"),
    VMC_UINT8("hob_sector"),
    VMC_UINT8("hob_nsector"),
    VMC_UINT8("hob_lcyl"),
    VMC_UINT8("hob_hcyl"),
    VMC_UINT8("select"),
    VMC_UINT8("status"),
    VMC_UINT8("lba48"),
    VMC_UINT8("sense_key"),
    VMC_UINT8("asc"),
    VMC_UINT8_V("cdrom_changed", 3),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_ide_drive = {
    .name = "ide_drive", .version_id = 3, .minimum_version_id = 0,
    .fields = ide_drive_fields, .subsections = ide_drive_subsections,
};

/* ---- PCI IDE bus-master DMA and the "ide" vmsd -------------------------- */

static const vmc_field bmdma_current_fields[] = {
    VMC_UINT32("cur_addr"),
    VMC_UINT32("cur_prd_last"),
    VMC_UINT32("cur_prd_addr"),
    VMC_UINT32("cur_prd_len"),
    VMC_END,
};

static const vmc_vmsd vmsd_bmdma_current = {
    .name = "ide bmdma_current", .version_id = 1, .minimum_version_id = 1,
    .fields = bmdma_current_fields, .needed = "ide_bmdma_current_needed",
};

static const vmc_field bmdma_status_fields[] = {
    VMC_UINT8("status"),
    VMC_END,
};

static const vmc_vmsd vmsd_bmdma_status = {
    .name = "ide bmdma/status", .version_id = 1, .minimum_version_id = 1,
    .fields = bmdma_status_fields, .needed = "ide_bmdma_status_needed",
};

static const vmc_vmsd *const bmdma_subsections[] = {
    &vmsd_bmdma_current,
    &vmsd_bmdma_status,
    NULL,
};

static const vmc_field bmdma_fields[] = {
    VMC_UINT8("cmd"),
    VMC_UINT8("migration_compat_status"),
    VMC_UINT32("addr"),
    VMC_INT64("migration_retry_sector_num"),
    VMC_UINT32("migration_retry_nsector"),
    VMC_UINT8("migration_retry_unit"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_ide_bmdma = {
    .name = "ide bmdma", .version_id = 3, .minimum_version_id = 0,
    .fields = bmdma_fields, .subsections = bmdma_subsections,
};

static const vmc_field ide_pci_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_STRUCT_ARRAY("bmdma", 2, vmc_vmsd_ide_bmdma),
    VMC_IDE_BUS_ARRAY("bus", 2),
    VMC_IDE_DRIVES("bus[0].ifs"),
    VMC_IDE_DRIVES("bus[1].ifs"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_ide_pci = {
    .name = "ide", .version_id = 3, .minimum_version_id = 0,
    .fields = ide_pci_fields,
};

/* ---- AHCI --------------------------------------------------------------- */

/* AHCI_MAX_CMDS */
#define AHCI_MAX_CMDS 32

static const vmc_field ncq_fields[] = {
    VMC_UINT32("sector_count"),
    VMC_UINT64("lba"),
    VMC_UINT8("tag"),
    VMC_UINT8("cmd"),
    VMC_UINT8("slot"),
    VMC_BOOL("used"),
    VMC_BOOL("halt"),
    VMC_END,
};

static const vmc_vmsd vmsd_ncq_tfs = {
    .name = "ncq state", .version_id = 1, .minimum_version_id = 0,
    .fields = ncq_fields,
};

static const vmc_field ahci_port_fields[] = {
    VMC_IDE_BUS("port"),
    VMC_IDE_DRIVE("port.ifs[0]"),
    VMC_UINT32("port_state"),
    VMC_UINT32("finished"),
    VMC_UINT32("port_regs.lst_addr"),
    VMC_UINT32("port_regs.lst_addr_hi"),
    VMC_UINT32("port_regs.fis_addr"),
    VMC_UINT32("port_regs.fis_addr_hi"),
    VMC_UINT32("port_regs.irq_stat"),
    VMC_UINT32("port_regs.irq_mask"),
    VMC_UINT32("port_regs.cmd"),
    VMC_UINT32("port_regs.tfdata"),
    VMC_UINT32("port_regs.sig"),
    VMC_UINT32("port_regs.scr_stat"),
    VMC_UINT32("port_regs.scr_ctl"),
    VMC_UINT32("port_regs.scr_err"),
    VMC_UINT32("port_regs.scr_act"),
    VMC_UINT32("port_regs.cmd_issue"),
    VMC_BOOL("done_first_drq"),
    VMC_INT32("busy_slot"),
    VMC_BOOL("init_d2h_sent"),
    { .name = "ncq_tfs", .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = AHCI_MAX_CMDS,
      .version_id = 1, .vmsd = &vmsd_ncq_tfs },
    VMC_END,
};

static const vmc_vmsd vmsd_ahci_port = {
    .name = "ahci port", .version_id = 1, .minimum_version_id = 0,
    .fields = ahci_port_fields,
};

static const vmc_field ahci_fields[] = {
    /* The port count is the later field "ports"; QEMU takes it from the device. */
    { .name = "dev", .flags = VMC_F_STRUCT | VMC_F_VARRAY_INT32 | VMC_F_POINTER,
      .num_field = "@ahci_port_count", .vmsd = &vmsd_ahci_port },
    VMC_UINT32("control_regs.cap"),
    VMC_UINT32("control_regs.ghc"),
    VMC_UINT32("control_regs.irqstatus"),
    VMC_UINT32("control_regs.impl"),
    VMC_UINT32("control_regs.version"),
    VMC_UINT32("idp_index"),
    { .name = "ports", .info = "int32 equal", .size = 4 },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_ahci = {
    .name = "ahci", .version_id = 1, .minimum_version_id = 0,
    .fields = ahci_fields,
};

static const vmc_field sysbus_ahci_fields[] = {
    VMC_AHCI("ahci"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_sysbus_ahci = {
    .name = "sysbus-ahci", .version_id = 0, .minimum_version_id = 0,
    .fields = sysbus_ahci_fields,
};

/* ---- hooks -------------------------------------------------------------- */

bool vmc_ide_is_identify_set(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_hook_int(ctx, "identify_set", 0) != 0;
}

/* A constant of the IDE core (every drive gets the same buffer), not a property. */
int64_t vmc_ide_io_buffer_total_len(const vmc_hook_ctx *ctx)
{
    return VMC_IDE_IO_BUFFER_TOTAL_LEN;
}

/*
 * AHCIState.ports: 6 for ich9-ahci (fixed in QEMU); for sysbus-ahci the
 * device property "num-ports" (default 1).
 */
int64_t vmc_ahci_port_count(const vmc_hook_ctx *ctx)
{
    const vmc_value *top = vmc_chipset_top(ctx);
    if (top && top->vmsd_name && strcmp(top->vmsd_name, "ich9_ahci") == 0) {
        return VMC_ICH9_AHCI_PORTS;
    }
    /* TODO(machine model): sysbus-ahci "num-ports" from ctx->device. */
    return 1;
}

static bool sub_nonzero(const vmc_hook_ctx *ctx, const char *sub, const char *field,
                        int64_t mask)
{
    int64_t v;
    return vmc_chipset_sub_int(ctx, sub, field, &v) && (v & mask) != 0;
}

/* Nearest struct of vmsd `name` in the scope chain (index), or -1. */
static int scope_index(const vmc_hook_ctx *ctx, const char *name)
{
    for (int i = ctx->nscope - 1; i >= 0; i--) {
        const char *n = ctx->scope[i]->vmsd_name;
        if (n && strcmp(n, name) == 0) {
            return i;
        }
    }
    return -1;
}

/* error_status of an ide_bus value (its "ide_bus/error" subsection), 0 when absent. */
static int64_t bus_error_status(const vmc_value *bus)
{
    for (size_t i = 0; bus && i < bus->nsub; i++) {
        const vmc_value *s = bus->sub[i];
        if (s->vmsd_name && strcmp(s->vmsd_name, "ide_bus/error") == 0) {
            const vmc_value *e = vmc_value_child(s, "error_status");
            return e ? vmc_value_int(e) : 0;
        }
    }
    return 0;
}

/* The ide_bus a drive belongs to, found in the drive's parent struct. */
static const vmc_value *drive_bus(const vmc_value *parent, const vmc_value *drive)
{
    const vmc_value *port = vmc_value_child(parent, "port");   /* AHCI port */
    if (port) {
        return port;
    }
    const vmc_value *buses = vmc_value_child(parent, "bus");   /* PCI IDE */
    for (size_t b = 0; buses && b < 2; b++) {
        char name[16] = "bus[0].ifs";
        name[4] = (char)('0' + b);
        const vmc_value *ifs = vmc_value_child(parent, name);
        for (size_t k = 0; ifs && k < ifs->nchild; k++) {
            if (ifs->child[k] == drive) {
                return b < buses->nchild ? buses->child[b] : NULL;
            }
        }
    }
    return NULL;
}

/* (status & DRQ_STAT) || (bus error_status & IDE_RETRY_PIO) */
bool vmc_ide_drive_pio_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    int d = scope_index(ctx, "ide_drive");
    if (d < 0) {
        return false;
    }
    const vmc_value *drive = ctx->scope[d];
    const vmc_value *status = vmc_value_child(drive, "status");
    if (status && (vmc_value_int(status) & VMC_IDE_DRQ_STAT)) {
        return true;
    }
    const vmc_value *bus = d > 0 ? drive_bus(ctx->scope[d - 1], drive) : NULL;
    return (bus_error_status(bus) & VMC_IDE_RETRY_PIO) != 0;
}

bool vmc_ide_tray_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return sub_nonzero(ctx, "ide_drive/tray_state", "tray_open", 1) ||
           sub_nonzero(ctx, "ide_drive/tray_state", "tray_locked", 1);
}

bool vmc_ide_atapi_gesn_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return sub_nonzero(ctx, "ide_drive/atapi/gesn_state", "events.new_media", 1) ||
           sub_nonzero(ctx, "ide_drive/atapi/gesn_state", "events.eject_request", 1);
}

bool vmc_ide_error_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return sub_nonzero(ctx, "ide_bus/error", "error_status", -1);
}

bool vmc_ide_bmdma_current_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return sub_nonzero(ctx, "ide bmdma_current", "cur_prd_len", 0xffffffff);
}

/* Status bits that old versions used for retry state (BM_MIGRATION_COMPAT_STATUS_BITS). */
bool vmc_ide_bmdma_status_needed(const vmc_hook_ctx *ctx, int version_id)
{
    return sub_nonzero(ctx, "ide bmdma/status", "status",
                       VMC_IDE_RETRY_DMA | VMC_IDE_RETRY_PIO | VMC_IDE_RETRY_READ |
                       VMC_IDE_RETRY_FLUSH);
}
