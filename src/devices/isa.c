/*
 * Built-in descriptors: group "isa" (QEMU 7.2).  See registry.h.
 *
 * PC board devices that are not PCI functions.  This file holds the
 * interrupt controllers, timers and small devices:
 *   dma          hw/dma/i8257.c (two instances)
 *   i8259        hw/intc/i8259_common.c (two instances)
 *   ioapic       hw/intc/ioapic_common.c
 *   hpet         hw/timer/hpet.c
 *   mc146818rtc  hw/rtc/mc146818rtc.c
 *   i8254        hw/timer/i8254_common.c
 *   pcspk        hw/audio/pcspk.c
 *   kvmclock     hw/i386/kvm/clock.c (KVM only)
 *   port92       hw/i386/port92.c
 *   vmmouse      hw/i386/vmmouse.c
 * isa_input.c and isa_misc.c hold the rest of the group (isa_models.h);
 * the hooks are in isa_hooks.c.  isa-pvpanic, isa-debugcon and sga have
 * no vmsd in 7.2.
 */
#include "devices/isa_models.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* ---- dma (i8257) ------------------------------------------------------- */

static const vmc_field dma_regs_fields[] = {
    VMC_INT32_ARRAY("now", 2),
    VMC_UINT16_ARRAY("base", 2),
    VMC_UINT8("mode"),
    VMC_UINT8("page"),
    VMC_UINT8("pageh"),
    VMC_UINT8("dack"),
    VMC_UINT8("eop"),
    VMC_END,
};
static const vmc_vmsd vmsd_dma_regs = {
    .name = "dma_regs", .version_id = 1, .minimum_version_id = 1,
    .fields = dma_regs_fields,
};

static const vmc_field dma_fields[] = {
    VMC_UINT8("command"),
    VMC_UINT8("mask"),
    VMC_UINT8("flip_flop"),
    VMC_INT32("dshift"),
    { .name = "regs", .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = 4, .vmsd = &vmsd_dma_regs,
      .version_id = 1 },
    VMC_END,
};
static const vmc_vmsd vmsd_dma = {
    .name = "dma", .version_id = 1, .minimum_version_id = 1,
    .fields = dma_fields,
};

/* ---- i8259 ------------------------------------------------------------- */

static const vmc_field i8259_fields[] = {
    VMC_UINT8("last_irr"),
    VMC_UINT8("irr"),
    VMC_UINT8("imr"),
    VMC_UINT8("isr"),
    VMC_UINT8("priority_add"),
    VMC_UINT8("irq_base"),
    VMC_UINT8("read_reg_select"),
    VMC_UINT8("poll"),
    VMC_UINT8("special_mask"),
    VMC_UINT8("init_state"),
    VMC_UINT8("auto_eoi"),
    VMC_UINT8("rotate_on_auto_eoi"),
    VMC_UINT8("special_fully_nested_mode"),
    VMC_UINT8("init4"),
    VMC_UINT8("single_mode"),
    VMC_UINT8("elcr"),
    VMC_END,
};
static const vmc_vmsd vmsd_i8259 = {
    .name = "i8259", .version_id = 1, .minimum_version_id = 1,
    .fields = i8259_fields,
};

/* ---- ioapic ------------------------------------------------------------ */

static const vmc_field ioapic_fields[] = {
    VMC_UINT8("id"),
    VMC_UINT8("ioregsel"),
    VMC_UNUSED_V(8, 2),          /* qemu-kvm's version 2 layout */
    VMC_UINT32_V("irr", 2),
    VMC_UINT64_ARRAY("ioredtbl", 24),   /* IOAPIC_NUM_PINS */
    VMC_END,
};
static const vmc_vmsd vmsd_ioapic = {
    .name = "ioapic", .version_id = 3, .minimum_version_id = 1,
    .fields = ioapic_fields,
};

/* ---- hpet -------------------------------------------------------------- */

static const vmc_field hpet_rtc_irq_level_fields[] = { VMC_UINT8("rtc_irq_level"), VMC_END };
static const vmc_vmsd vmsd_hpet_rtc_irq_level = {
    .name = "hpet/rtc_irq_level", .version_id = 1, .minimum_version_id = 1,
    .fields = hpet_rtc_irq_level_fields, .needed = "hpet_rtc_irq_level_needed",
};

static const vmc_field hpet_offset_fields[] = { VMC_UINT64("hpet_offset"), VMC_END };
static const vmc_vmsd vmsd_hpet_offset = {
    .name = "hpet/offset", .version_id = 1, .minimum_version_id = 1,
    .fields = hpet_offset_fields, .needed = "hpet_offset_needed",
};

static const vmc_vmsd *const hpet_subs[] = {
    &vmsd_hpet_rtc_irq_level, &vmsd_hpet_offset, NULL,
};

static const vmc_field hpet_timer_fields[] = {
    VMC_UINT8("tn"),
    VMC_UINT64("config"),
    VMC_UINT64("cmp"),
    VMC_UINT64("fsb"),
    VMC_UINT64("period"),
    VMC_UINT8("wrap_flag"),
    VMC_TIMER("qemu_timer"),
    VMC_END,
};
static const vmc_vmsd vmsd_hpet_timer = {
    .name = "hpet_timer", .version_id = 1, .minimum_version_id = 1,
    .fields = hpet_timer_fields,
};

/*
 * Timers: num_timers of them (a field since version 2; version 1 streams
 * always had 3), checked to be within 3..32 before they are read.
 */
static const vmc_field hpet_fields[] = {
    VMC_UINT64("config"),
    VMC_UINT64("isr"),
    VMC_UINT64("hpet_counter"),
    VMC_UINT8_V("num_timers", 2),
    { .name = "num_timers in range", .flags = VMC_F_ARRAY | VMC_F_MUST_EXIST, .num = 0,
      .exists = "hpet_validate_num_timers" },
    { .name = "timer", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT8,
      .num_field = "@hpet_num_timers", .vmsd = &vmsd_hpet_timer },
    VMC_END,
};
static const vmc_vmsd vmsd_hpet = {
    .name = "hpet", .version_id = 2, .minimum_version_id = 1,
    .fields = hpet_fields, .subsections = hpet_subs,
};

/* ---- mc146818rtc ------------------------------------------------------- */

static const vmc_field rtc_reinject_fields[] = {
    VMC_UINT16("irq_reinject_on_ack_count"), VMC_END,
};
static const vmc_vmsd vmsd_rtc_reinject = {
    .name = "mc146818rtc/irq_reinject_on_ack_count", .version_id = 1, .minimum_version_id = 1,
    .fields = rtc_reinject_fields, .needed = "rtc_irq_reinject_on_ack_count_needed",
};

static const vmc_vmsd *const rtc_subs[] = { &vmsd_rtc_reinject, NULL };

/* cmos_data is the 128-byte register file (time, status A-D, NVRAM). */
static const vmc_field rtc_fields[] = {
    VMC_BUFFER("cmos_data", 128),
    VMC_UINT8("cmos_index"),
    VMC_UNUSED(7 * 4),
    VMC_TIMER("periodic_timer"),
    VMC_INT64("next_periodic_time"),
    VMC_UNUSED(3 * 8),
    VMC_UINT32_V("irq_coalesced", 2),
    VMC_UINT32_V("period", 2),
    VMC_UINT64_V("base_rtc", 3),
    VMC_UINT64_V("last_update", 3),
    VMC_INT64_V("offset", 3),
    { .name = "update_timer", .info = "timer", .size = 8, .version_id = 3 },
    VMC_UINT64_V("next_alarm_time", 3),
    VMC_END,
};
static const vmc_vmsd vmsd_rtc = {
    .name = "mc146818rtc", .version_id = 3, .minimum_version_id = 1,
    .fields = rtc_fields, .subsections = rtc_subs,
};

/* ---- i8254 (PIT) ------------------------------------------------------- */

static const vmc_field pit_channel_fields[] = {
    VMC_INT32("count"),
    VMC_UINT16("latched_count"),
    VMC_UINT8("count_latched"),
    VMC_UINT8("status_latched"),
    VMC_UINT8("status"),
    VMC_UINT8("read_state"),
    VMC_UINT8("write_state"),
    VMC_UINT8("write_latch"),
    VMC_UINT8("rw_mode"),
    VMC_UINT8("mode"),
    VMC_UINT8("bcd"),
    VMC_UINT8("gate"),
    VMC_INT64("count_load_time"),
    VMC_INT64("next_transition_time"),
    VMC_END,
};
static const vmc_vmsd vmsd_pit_channel = {
    .name = "pit channel", .version_id = 2, .minimum_version_id = 2,
    .fields = pit_channel_fields,
};

static const vmc_field pit_fields[] = {
    VMC_UINT32_V("channels[0].irq_disabled", 3),
    { .name = "channels", .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = 3,
      .vmsd = &vmsd_pit_channel, .version_id = 2 },
    VMC_INT64("channels[0].next_transition_time"),   /* once the irq timer */
    VMC_END,
};
static const vmc_vmsd vmsd_pit = {
    .name = "i8254", .version_id = 3, .minimum_version_id = 2,
    .fields = pit_fields,
};

/* ---- kvmclock (hw/i386/kvm/clock.c; KVM only) ---------------------------- */

static const vmc_field kvmclock_reliable_fields[] = {
    VMC_BOOL("clock_is_reliable"),
    VMC_END,
};
static const vmc_vmsd vmsd_kvmclock_reliable = {
    .name = "kvmclock/clock_is_reliable", .version_id = 1, .minimum_version_id = 1,
    .fields = kvmclock_reliable_fields, .needed = "kvmclock_clock_is_reliable_needed",
};
static const vmc_vmsd *const kvmclock_subsections[] = { &vmsd_kvmclock_reliable, NULL };
static const vmc_field kvmclock_fields[] = {
    VMC_UINT64("clock"),
    VMC_END,
};
static const vmc_vmsd vmsd_kvmclock = {
    .name = "kvmclock", .version_id = 1, .minimum_version_id = 1,
    .fields = kvmclock_fields, .subsections = kvmclock_subsections,
};

/* ---- pcspk, port92, vmmouse -------------------------------------------- */

static const vmc_field pcspk_fields[] = {
    VMC_UINT8("data_on"),
    VMC_UINT8("dummy_refresh_clock"),
    VMC_END,
};
static const vmc_vmsd vmsd_pcspk = {
    .name = "pcspk", .version_id = 1, .minimum_version_id = 1,
    .fields = pcspk_fields, .needed = "pcspk_migrate_needed",
};

static const vmc_field port92_fields[] = {
    VMC_UINT8("outport"),
    VMC_END,
};
static const vmc_vmsd vmsd_port92 = {
    .name = "port92", .version_id = 1, .minimum_version_id = 1,
    .fields = port92_fields,
};

static const vmc_field vmmouse_fields[] = {
    { .name = "queue_size", .info = "int32 equal", .size = 4 },
    VMC_UINT32_ARRAY("queue", 1024),   /* VMMOUSE_QUEUE_SIZE */
    VMC_UINT16("nb_queue"),
    VMC_UINT16("status"),
    VMC_UINT8("absolute"),
    VMC_END,
};
static const vmc_vmsd vmsd_vmmouse = {
    .name = "vmmouse", .version_id = 0, .minimum_version_id = 0,
    .fields = vmmouse_fields,
};

const vmc_vmsd *const vmc_vmsds_isa[] = {
    &vmsd_dma,
    &vmsd_i8259,
    &vmsd_ioapic,
    &vmsd_hpet,
    &vmsd_rtc,
    &vmsd_pit,
    &vmsd_pcspk,
    &vmsd_kvmclock,
    &vmc_vmsd_ps2kbd,
    &vmc_vmsd_ps2mouse,
    &vmc_vmsd_pckbd,
    &vmsd_vmmouse,
    &vmsd_port92,
    &vmc_vmsd_isa_fdc,
    &vmc_vmsd_isa_serial,
    &vmc_vmsd_isa_parallel,
    &vmc_vmsd_smbus_eeprom,
    NULL,
};
