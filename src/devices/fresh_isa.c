/*
 * Fresh state of the PC's ISA-side devices (QEMU 7.2): i8257 DMA, HPET,
 * i8254 PIT, floppy controller, PS/2 keyboard and mouse, i8042, vmmouse.
 * The i8259 PICs, the IOAPIC's other registers, pcspk and port92 reset to
 * all zeros.  The RTC is in fresh_rtc.c.
 */
#include "devices/fresh_internal.h"
#include "machine-types/board_defaults.h"
#include "devices/fresh_util.h"

#define NANOSECONDS_PER_SECOND 1000000000ull
#define PIT_FREQ 1193182ull

int vmc_fresh_dma(const vmc_fresh_ctx *fc, vmc_state *st)
{
    /* i8257_reset masks every channel; instance 1 is the 16-bit controller */
    vmc_fresh_u(st, 0xff, "mask");
    vmc_fresh_i(st, fc->entry->instance_id == 1 ? 1 : 0, "dshift");
    return 0;
}

#define IOAPIC_NUM_PINS 24
#define IOAPIC_LVT_MASKED (1u << 16)

int vmc_fresh_ioapic(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        vmc_fresh_u(st, IOAPIC_LVT_MASKED, "ioredtbl[%d]", i);
    }
    return 0;
}

#define HPET_MIN_TIMERS 3
#define HPET_MAX_TIMERS 32
#define HPET_TN_PERIODIC_CAP (1u << 4)
#define HPET_TN_SIZE_CAP (1u << 5)
#define HPET_TN_FSB_CAP (1u << 15)

int vmc_fresh_hpet(const vmc_fresh_ctx *fc, vmc_state *st)
{
    int64_t n = vmc_fresh_prop_int(fc, "hpet", "timers", HPET_MIN_TIMERS);
    n = n < HPET_MIN_TIMERS ? HPET_MIN_TIMERS : n > HPET_MAX_TIMERS ? HPET_MAX_TIMERS : n;
    /* pc_basic_device_init() sets the board's IRQ routing unless given:
     * i440fx IRQ2; q35 IRQ16-23, IRQ8 and IRQ2 */
    uint64_t intcap = (uint64_t)vmc_fresh_prop_int(fc, "hpet", "hpet-intcap", 0);
    if (!intcap) {
        intcap = fc->m->q35 ? 0xff0104 : 0x4;
    }
    uint64_t config = HPET_TN_PERIODIC_CAP | HPET_TN_SIZE_CAP | (intcap & 0xffffffff) << 32;
    if (vmc_fresh_prop_bool(fc, "hpet", "msi", false)) {
        config |= HPET_TN_FSB_CAP;
    }
    vmc_fresh_u(st, (uint64_t)n, "num_timers");
    for (int64_t i = 0; i < n; i++) {
        vmc_fresh_u(st, (uint64_t)i, "timer[%lld].tn", (long long)i);
        vmc_fresh_u(st, config, "timer[%lld].config", (long long)i);
        vmc_fresh_u(st, UINT64_MAX, "timer[%lld].cmp", (long long)i);
        vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "timer[%lld].qemu_timer", (long long)i);
    }
    return 0;
}

/*
 * pit_reset_common(): every channel mode 3 with count 0x10000, loaded at
 * QEMU_CLOCK_VIRTUAL 0 (the guest never ran); gates 0 and 1 are high.
 * Channel 0's IRQ timer is armed for its first output transition, half a
 * period later (pit_get_next_transition_time, mode 3).
 */
int vmc_fresh_i8254(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    const uint64_t count = 0x10000;
    for (int i = 0; i < 3; i++) {
        vmc_fresh_i(st, (int64_t)count, "channels[%d].count", i);
        vmc_fresh_u(st, 3, "channels[%d].mode", i);
        vmc_fresh_u(st, i != 2, "channels[%d].gate", i);
    }
    uint64_t half = (count + 1) >> 1;
    /* muldiv64(half, NANOSECONDS_PER_SECOND, PIT_FREQ): fits 64 bits here */
    int64_t next = (int64_t)(half * NANOSECONDS_PER_SECOND / PIT_FREQ);
    /* both the channel's field and the top-level one (formerly irq_timer) */
    vmc_fresh_i(st, next, "channels[0].next_transition_time");
    return 0;
}

#define FD_SRA_nDRV2 0x40
#define FD_DOR_nRESET 0x04
#define FD_DOR_DMAEN 0x08
#define FD_MSR_RQM 0x80
#define FD_CONFIG_EIS 0x40
#define FD_CONFIG_EFIFO 0x20
#define MAX_FD 2

/* isa-fdc without drives (fdctrl_reset after realize). */
int vmc_fresh_fdc(const vmc_fresh_ctx *fc, vmc_state *st)
{
    if (vmc_fresh_prop_int(fc, NULL, "dma", 2) < 0) {
        return vmc_fresh_unsupported(fc, "an isa-fdc without DMA");
    }
    vmc_fresh_u(st, FD_SRA_nDRV2, "state.sra");
    vmc_fresh_u(st, 0xc0, "state.srb");
    vmc_fresh_u(st, FD_DOR_nRESET | FD_DOR_DMAEN, "state.dor_vmstate");
    vmc_fresh_u(st, FD_MSR_RQM, "state.msr");
    vmc_fresh_u(st, 1, "state.data_len");   /* fdctrl_to_command_phase */
    vmc_fresh_u(st, FD_CONFIG_EIS | FD_CONFIG_EFIFO, "state.config");
    vmc_fresh_u(st, MAX_FD, "state.num_floppies");
    /* fd_recalibrate() at reset: sector 1 on a drive that exists */
    int fd[2];
    vmc_board_defaults_floppy_types(fc->m, fd);
    for (int i = 0; i < MAX_FD; i++) {
        if (fd[i]) {
            vmc_fresh_u(st, 1, "state.drives[%d].sect", i);
        }
    }
    return 0;
}

int vmc_fresh_ps2kbd(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_i(st, -1, "parent_obj.write_cmd");
    vmc_fresh_i(st, 1, "scan_enabled");
    vmc_fresh_i(st, 2, "scancode_set");
    return 0;
}

int vmc_fresh_ps2mouse(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_i(st, -1, "parent_obj.write_cmd");
    return 0;
}

#define KBD_STAT_CMD 0x08
#define KBD_STAT_UNLOCKED 0x10
#define KBD_MODE_KBD_INT 0x01
#define KBD_MODE_MOUSE_INT 0x02

int vmc_fresh_pckbd(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_u(st, KBD_STAT_CMD | KBD_STAT_UNLOCKED, "kbd.status");
    vmc_fresh_u(st, KBD_MODE_KBD_INT | KBD_MODE_MOUSE_INT, "kbd.mode");
    /* the outport equals what the status implies: pckbd_outport not needed */
    vmc_fresh_sub(st, vmc_fresh_prop_bool(fc, "i8042", "extended-state", true),
                  "kbd.pckbd/extended_state");
    return 0;
}

#define VMMOUSE_QUEUE_SIZE 1024

int vmc_fresh_vmmouse(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_i(st, VMMOUSE_QUEUE_SIZE, "queue_size");
    vmc_fresh_u(st, 0xffff, "status");
    return 0;
}
