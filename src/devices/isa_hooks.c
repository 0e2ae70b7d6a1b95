/*
 * Hooks of the group "isa" (isa.c, isa_input.c, isa_misc.c), QEMU 7.2.
 * Same conventions as cpu_hooks.c: conditions are evaluated on the tree,
 * absent subsection fields count as QEMU's defaults, and conditions on
 * state that no stream carries are marked PROPERTY or HIDDEN.
 */
#include "devices/cpu_isa_hooks.h"

#include <string.h>

#define HPET_MIN_TIMERS 3
#define HPET_MAX_TIMERS 32
#define HPET_CFG_ENABLE 1

#define KBD_STAT_OBF 0x01
#define KBD_STAT_MOUSE_OBF 0x20
#define KBD_OUT_RESET 0x01
#define KBD_OUT_A20 0x02
#define KBD_OUT_OBF 0x10
#define KBD_OUT_MOUSE_OBF 0x20
#define KBD_OUT_ONES 0xcc

#define FD_MSR_NONDMA 0x20
#define FD_MSR_DIO 0x40
#define FD_MSR_RQM 0x80
#define FD_PHASE_COMMAND 1
#define FD_PHASE_EXECUTION 2
#define FD_PHASE_RESULT 3
#define FD_SECTOR_LEN 512

#define TIMER_NOT_ARMED (-1)   /* "timer" value of a timer that is not pending */

static bool sub_nonzero(const vmc_hook_ctx *ctx, const char *sub, const char *name)
{
    return ci_any_nonzero(ci_sub_field(ctx, sub, name, true));
}

#define NONZERO_HOOK(fn, sub, field) \
    static bool fn(const vmc_hook_ctx *ctx, int version_id) \
    { \
        (void)version_id; \
        return sub_nonzero(ctx, sub, field); \
    }

/* ---- hpet -------------------------------------------------------------- */

/* Version 1 streams carry no num_timers and always 3 timers. */
static int64_t hpet_num_timers(const vmc_hook_ctx *ctx)
{
    return ci_int(ctx, "num_timers", HPET_MIN_TIMERS);
}

static bool hpet_validate_num_timers(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    int64_t n = hpet_num_timers(ctx);
    return n >= HPET_MIN_TIMERS && n <= HPET_MAX_TIMERS;
}

NONZERO_HOOK(hpet_rtc_irq_level_needed, "hpet/rtc_irq_level", "rtc_irq_level")

/*
 * HPET enabled by the guest.  PROPERTY: hpet-offset-saved (false for
 * pc-*-2.11 and older); 7.2 default: true.
 */
static bool hpet_offset_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    /* TODO(machine model): hpet-offset-saved from ctx->device */
    return (ci_int(ctx, "config", 0) & HPET_CFG_ENABLE) != 0;
}

/* ---- mc146818rtc, pcspk ------------------------------------------------ */

NONZERO_HOOK(rtc_irq_reinject_on_ack_count_needed, "mc146818rtc/irq_reinject_on_ack_count",
             "irq_reinject_on_ack_count")

/* PROPERTY: isa-pcspk "migrate" (off for pc-*-2.7 and older); 7.2 default: on. */
static bool pcspk_migrate_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)ctx;
    (void)version_id;
    /* TODO(machine model): migrate from ctx->device */
    return true;
}

/* PROPERTY: kvmclock "x-mach-use-reliable-get-clock" (off for pc-*-2.8 and
 * older); 7.2 default: on. */
static bool kvmclock_clock_is_reliable_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    const char *v = vmc_hook_device_prop(ctx, "x-mach-use-reliable-get-clock");
    return !v || !strcmp(v, "on") || !strcmp(v, "true");
}

/* ---- ps2kbd, pckbd ----------------------------------------------------- */

NONZERO_HOOK(ps2_keyboard_ledstate_needed, "ps2kbd/ledstate", "ledstate")
NONZERO_HOOK(ps2_keyboard_need_high_bit_needed, "ps2kbd/need_high_bit", "need_high_bit")

/* The command reply queue is in use (cwptr -1 = empty). */
static bool ps2_keyboard_cqueue_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return ci_sub_int(ctx, "ps2kbd/command_reply_queue", "parent_obj.queue.cwptr", -1) != -1;
}

/* Output port differs from what the status register implies. */
static bool kbd_outport_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    const vmc_value *out = ci_sub_field(ctx, "pckbd_outport", "outport", true);
    if (!ci_is_int(out)) {
        return false;
    }
    int64_t status = ci_int(ctx, "status", 0);
    uint8_t dflt = KBD_OUT_RESET | KBD_OUT_A20 | KBD_OUT_ONES |
                   ((status & KBD_STAT_OBF) ? KBD_OUT_OBF : 0) |
                   ((status & KBD_STAT_MOUSE_OBF) ? KBD_OUT_MOUSE_OBF : 0);
    return (uint8_t)vmc_value_uint(out) != dflt;
}

/*
 * PROPERTY: i8042 "extended-state" (false for pc-*-6.0 and older); no
 * field tells, so the subsection's presence does.
 */
static bool kbd_extended_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    /* TODO(machine model): extended-state from ctx->device */
    return ci_sub_present(ctx, "pckbd/extended_state");
}

/* ---- fdc --------------------------------------------------------------- */

static int64_t fdc_fifo_size(const vmc_hook_ctx *ctx)
{
    (void)ctx;
    return FD_SECTOR_LEN;
}

/*
 * media_changed differs from 1.  PROPERTY/HIDDEN: QEMU also requires a
 * block backend on the drive, which a non-default value implies.
 */
static bool fdrive_media_changed_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return ci_sub_int(ctx, "fdrive/media_changed", "media_changed", 1) != 1;
}

NONZERO_HOOK(fdrive_perpendicular_needed, "fdrive/perpendicular", "perpendicular")
NONZERO_HOOK(fdc_reset_sensei_needed, "fdc/reset_sensei", "reset_sensei")

static bool fdc_result_timer_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return ci_sub_int(ctx, "fdc/result_timer", "result_timer", TIMER_NOT_ARMED) !=
           TIMER_NOT_ARMED;
}

/* The phase differs from what QEMU 2.3 derived from the MSR register. */
static bool fdc_phase_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    const vmc_value *phase = ci_sub_field(ctx, "fdc/phase", "phase", true);
    if (!ci_is_int(phase)) {
        return false;
    }
    int64_t msr = ci_int(ctx, "msr", 0);
    int64_t derived;
    if (msr & FD_MSR_NONDMA) {
        derived = FD_PHASE_EXECUTION;
    } else if (!(msr & FD_MSR_RQM)) {
        derived = FD_PHASE_EXECUTION;
    } else if (msr & FD_MSR_DIO) {
        derived = FD_PHASE_RESULT;
    } else {
        derived = FD_PHASE_COMMAND;
    }
    return vmc_value_int(phase) != derived;
}

/* ---- serial ------------------------------------------------------------ */

/*
 * The UART's hooks (serial_*_needed, serial_fifo_capacity) are registered
 * once, by pci_serial.c in vmc_hooks_pcidev: the ISA and PCI serial ports
 * nest the same "serial" vmsd.
 */

/* ---- smbus-eeprom ------------------------------------------------------ */

/*
 * Accessed, or a transfer in progress.  PROPERTY: the machine class flag
 * smbus_no_migration_support (true for pc-*-3.1 and older); 7.2: false.
 */
static bool smbus_eeprom_vmstate_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    /* TODO(machine model): smbus_no_migration_support from ctx->device */
    return ci_int(ctx, "accessed", 0) != 0 || ci_int(ctx, "smbusdev.mode", 0) != 0;
}

const vmc_hook_def vmc_hooks_isa[] = {
#define NEEDED(fn) { #fn, VMC_HOOK_NEEDED, fn, NULL }
    { "hpet_validate_num_timers", VMC_HOOK_EXISTS, hpet_validate_num_timers, NULL },
    { "hpet_num_timers", VMC_HOOK_COUNT, NULL, hpet_num_timers },
    { "fdc_fifo_size", VMC_HOOK_COUNT, NULL, fdc_fifo_size },
    NEEDED(hpet_rtc_irq_level_needed),
    NEEDED(hpet_offset_needed),
    NEEDED(kvmclock_clock_is_reliable_needed),
    NEEDED(rtc_irq_reinject_on_ack_count_needed),
    NEEDED(pcspk_migrate_needed),
    NEEDED(ps2_keyboard_ledstate_needed),
    NEEDED(ps2_keyboard_need_high_bit_needed),
    NEEDED(ps2_keyboard_cqueue_needed),
    NEEDED(kbd_outport_needed),
    NEEDED(kbd_extended_state_needed),
    NEEDED(fdrive_media_changed_needed),
    NEEDED(fdrive_perpendicular_needed),
    NEEDED(fdc_reset_sensei_needed),
    NEEDED(fdc_result_timer_needed),
    NEEDED(fdc_phase_needed),
    NEEDED(smbus_eeprom_vmstate_needed),
#undef NEEDED
    { NULL, 0, NULL, NULL },
};
