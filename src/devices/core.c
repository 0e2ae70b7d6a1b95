/*
 * Built-in descriptors: group "core" (QEMU 7.2).  See registry.h.
 *
 *   timer        softmmu/cpu-timers.c (section id 0, registered without a device)
 *   globalstate  migration/global_state.c
 *   acpi_build   hw/i386/acpi-build.c
 *   fw_cfg       hw/nvram/fw_cfg.c
 *   i2c_bus      hw/i2c/core.c (one per I2C/SMBus bus)
 *
 * Hooks named here are in cpu_hooks.c.
 */
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* ---- timer (+ icount subsections, sent only with -icount) -------------- */

static const vmc_field icount_warp_timer_fields[] = {
    VMC_INT64("vm_clock_warp_start"),
    VMC_TIMER("icount_warp_timer"),
    VMC_END,
};
static const vmc_vmsd vmsd_icount_warp_timer = {
    .name = "timer/icount/warp_timer", .version_id = 1, .minimum_version_id = 1,
    .fields = icount_warp_timer_fields, .needed = "warp_timer_state_needed",
};

static const vmc_field icount_timers_fields[] = {
    VMC_TIMER("icount_rt_timer"),
    VMC_TIMER("icount_vm_timer"),
    VMC_END,
};
static const vmc_vmsd vmsd_icount_timers = {
    .name = "timer/icount/timers", .version_id = 1, .minimum_version_id = 1,
    .fields = icount_timers_fields, .needed = "adjust_timers_state_needed",
};

static const vmc_field icount_shift_fields[] = {
    VMC_INT16("icount_time_shift"),
    VMC_INT64("last_delta"),
    VMC_END,
};
static const vmc_vmsd vmsd_icount_shift = {
    .name = "timer/icount/shift", .version_id = 2, .minimum_version_id = 2,
    .fields = icount_shift_fields, .needed = "icount_shift_state_needed",
};

static const vmc_vmsd *const icount_subs[] = {
    &vmsd_icount_warp_timer, &vmsd_icount_timers, &vmsd_icount_shift, NULL,
};

static const vmc_field icount_fields[] = {
    VMC_INT64("qemu_icount_bias"),
    VMC_INT64("qemu_icount"),
    VMC_END,
};
static const vmc_vmsd vmsd_icount = {
    .name = "timer/icount", .version_id = 1, .minimum_version_id = 1,
    .fields = icount_fields, .subsections = icount_subs, .needed = "icount_state_needed",
};

static const vmc_vmsd *const timer_subs[] = { &vmsd_icount, NULL };

static const vmc_field timer_fields[] = {
    VMC_INT64("cpu_ticks_offset"),
    VMC_UNUSED(8),
    VMC_INT64_V("cpu_clock_offset", 2),
    VMC_END,
};
static const vmc_vmsd vmsd_timer = {
    .name = "timer", .version_id = 2, .minimum_version_id = 1,
    .fields = timer_fields, .subsections = timer_subs,
};

/* ---- globalstate: run state name, NUL padded ----------------------------- */

static const vmc_field globalstate_fields[] = {
    VMC_UINT32("size"),
    VMC_BUFFER("runstate", 100),
    VMC_END,
};
static const vmc_vmsd vmsd_globalstate = {
    .name = "globalstate", .version_id = 1, .minimum_version_id = 1,
    .fields = globalstate_fields, .needed = "global_state_needed",
};

/* ---- acpi_build -------------------------------------------------------- */

static const vmc_field acpi_build_fields[] = {
    VMC_UINT8("patched"),
    VMC_END,
};
static const vmc_vmsd vmsd_acpi_build = {
    .name = "acpi_build", .version_id = 1, .minimum_version_id = 1,
    .fields = acpi_build_fields,
};

/* ---- fw_cfg ------------------------------------------------------------ */

static const vmc_field fw_cfg_dma_fields[] = {
    VMC_UINT64("dma_addr"),
    VMC_END,
};
/* QEMU leaves this subsection at version 0. */
static const vmc_vmsd vmsd_fw_cfg_dma = {
    .name = "fw_cfg/dma", .version_id = 0, .minimum_version_id = 0,
    .fields = fw_cfg_dma_fields, .needed = "fw_cfg_dma_enabled",
};

static const vmc_field fw_cfg_acpi_mr_fields[] = {
    VMC_UINT64("table_mr_size"),
    VMC_UINT64("linker_mr_size"),
    VMC_UINT64("rsdp_mr_size"),
    VMC_END,
};
static const vmc_vmsd vmsd_fw_cfg_acpi_mr = {
    .name = "fw_cfg/acpi_mr", .version_id = 1, .minimum_version_id = 1,
    .fields = fw_cfg_acpi_mr_fields, .needed = "fw_cfg_acpi_mr_restore",
};

static const vmc_vmsd *const fw_cfg_subs[] = {
    &vmsd_fw_cfg_dma, &vmsd_fw_cfg_acpi_mr, NULL,
};

/* cur_offset: a be16 in version 1 streams (static size 4: a uint32_t), be32 since. */
static const vmc_field fw_cfg_fields[] = {
    VMC_UINT16("cur_entry"),
    { .name = "cur_offset", .info = "int32_as_uint16", .size = 4, .exists = "is_version_1" },
    VMC_UINT32_V("cur_offset", 2),
    VMC_END,
};
static const vmc_vmsd vmsd_fw_cfg = {
    .name = "fw_cfg", .version_id = 2, .minimum_version_id = 1,
    .fields = fw_cfg_fields, .subsections = fw_cfg_subs,
};

/* ---- i2c_bus ----------------------------------------------------------- */

static const vmc_field i2c_bus_fields[] = {
    VMC_UINT8("saved_address"),
    VMC_END,
};
static const vmc_vmsd vmsd_i2c_bus = {
    .name = "i2c_bus", .version_id = 1, .minimum_version_id = 1,
    .fields = i2c_bus_fields,
};

const vmc_vmsd *const vmc_vmsds_core[] = {
    &vmsd_timer,
    &vmsd_globalstate,
    &vmsd_acpi_build,
    &vmsd_fw_cfg,
    &vmsd_i2c_bus,
    NULL,
};
