/*
 * Fresh state of the x86 CPU sections (QEMU 7.2, TCG): "cpu_common",
 * "cpu" and "apic" after x86_cpu_reset() and the APIC's reset, as
 * cpu_pre_save() and apic_common's pre_save leave them on the wire.
 *
 * The -cpu model (machine-types/model_cpu.c) gives what varies: the
 * CPUID version in EDX, the machine-check banks (MCE and MCA) and
 * MONITOR's bit of IA32_MISC_ENABLE.
 */
#include "devices/fresh_internal.h"
#include "devices/fresh_util.h"

#include <stdio.h>
#include <string.h>

#define CPU_INTERRUPT_POLL 0x10        /* CPU_INTERRUPT_TGT_EXT_1 on x86 */

/* Descriptor flags of the reset segments (DESC_*_MASK). */
#define DESC_A (1u << 8)
#define DESC_RW (1u << 9)              /* writable data / readable code */
#define DESC_CS (1u << 11)
#define DESC_S (1u << 12)
#define DESC_P (1u << 15)
#define DESC_TYPE_SHIFT 8

#define MCE_BANKS_DEF 10
#define MCG_CTL_P (1ull << 8)
#define MCG_SER_P (1ull << 24)
#define MCG_LMCE_P (1ull << 27)

#define APIC_DEFAULT_ADDRESS 0xfee00000u
#define APICBASE_BSP (1u << 8)
#define APICBASE_ENABLE (1u << 11)
#define APIC_LVT_NB 6
#define APIC_LVT_MASKED (1u << 16)

int vmc_fresh_cpu_common(const vmc_fresh_ctx *fc, vmc_state *st)
{
    /* every CPU but the BSP waits halted for its INIT/SIPI */
    if (fc->entry->instance_id != 0) {
        vmc_fresh_u(st, 1, "halted");
    }
    /*
     * The HPET's reset re-enables the PIT (its "pit-enable" line) after the
     * CPUs were reset; the PIT's output then reaches the APICs, which ask
     * every vCPU to poll them (apic_update_irq from outside the vCPU
     * thread).  Without an HPET nothing raises an interrupt after reset.
     */
    if (vmc_fresh_has_section(fc, "hpet")) {
        vmc_fresh_u(st, CPU_INTERRUPT_POLL, "interrupt_request");
    }
    return 0;
}

/* CPUID.1:EAX as x86_cpuid_version_set_{family,model,stepping} build it. */
static uint32_t cpuid_version(const vmc_model_cpu *c)
{
    uint32_t v = 0;
    if (c->family > 0x0f) {
        v |= 0xf00 | (uint32_t)(c->family - 0x0f) << 20;
    } else {
        v |= (uint32_t)c->family << 8;
    }
    v |= ((uint32_t)c->model & 0xf) << 4 | ((uint32_t)c->model >> 4) << 16;
    v |= (uint32_t)c->stepping & 0xf;
    return v;
}

static void segment(vmc_state *st, const char *name, uint32_t selector, uint64_t base,
                    uint32_t limit, uint32_t flags)
{
    vmc_fresh_u(st, selector, "%s.selector", name);
    vmc_fresh_u(st, base, "%s.base", name);
    vmc_fresh_u(st, limit, "%s.limit", name);
    vmc_fresh_u(st, flags, "%s.flags", name);
}

int vmc_fresh_cpu(const vmc_fresh_ctx *fc, vmc_state *st)
{
    const vmc_model_cpu *cpu = &fc->m->cpu;
    uint32_t version = cpuid_version(cpu);
    vmc_fresh_u(st, version, "env.regs[2]");          /* EDX = CPUID.1:EAX */
    vmc_fresh_u(st, 0xfff0, "env.eip");
    vmc_fresh_u(st, 0x2, "env.eflags");
    vmc_fresh_u(st, 1u << 6, "env.hflags");          /* HF_ADDSEG: real mode */
    vmc_fresh_u(st, 0x37f, "env.fpuc");
    /* fpus_vmstate, fptag_vmstate (all tags empty) and the format are 0 */

    uint32_t data = DESC_P | DESC_S | DESC_RW | DESC_A;
    for (int i = 0; i < 6; i++) {
        char name[32];
        snprintf(name, sizeof(name), "env.segs[%d]", i);
        if (i == 1) {   /* CS */
            segment(st, name, 0xf000, 0xffff0000u, 0xffff, DESC_P | DESC_S | DESC_CS |
                    DESC_RW | DESC_A);
        } else {
            segment(st, name, 0, 0, 0xffff, data);
        }
    }
    segment(st, "env.ldt", 0, 0, 0xffff, DESC_P | 2u << DESC_TYPE_SHIFT);
    segment(st, "env.tr", 0, 0, 0xffff, DESC_P | 11u << DESC_TYPE_SHIFT);
    vmc_fresh_u(st, 0xffff, "env.gdt.limit");
    vmc_fresh_u(st, 0xffff, "env.idt.limit");

    vmc_fresh_u(st, 0x60000010, "env.cr[0]");        /* CD | NW | ET */
    vmc_fresh_u(st, 0xffff0ff0, "env.dr[6]");        /* DR6_FIXED_1 */
    vmc_fresh_u(st, 0x400, "env.dr[7]");             /* DR7_FIXED_1 */
    vmc_fresh_i(st, -1, "env.a20_mask");
    vmc_fresh_u(st, 0x1f80, "env.mxcsr");
    vmc_fresh_u(st, 0x30000, "env.smbase");
    vmc_fresh_u(st, 0x0007040600070406ull, "env.pat");
    vmc_fresh_u(st, 1u | 1u << 8, "env.hflags2");    /* GIF | VGIF */
    vmc_fresh_i(st, -1, "env.interrupt_injected");
    vmc_fresh_i(st, -1, "env.exception_nr");

    /* mce_init(): with MCE and MCA, family >= 6 */
    if (cpu->mce && cpu->mca && ((version >> 8) & 0xf) >= 6) {
        uint64_t cap = MCG_CTL_P | MCG_SER_P | MCE_BANKS_DEF;
        if (vmc_fresh_prop_bool(fc, cpu->type, "lmce", false)) {
            cap |= MCG_LMCE_P;
        }
        vmc_fresh_u(st, cap, "env.mcg_cap");
        vmc_fresh_u(st, UINT64_MAX, "env.mcg_ctl");
        for (int b = 0; b < MCE_BANKS_DEF; b++) {
            vmc_fresh_u(st, UINT64_MAX, "env.mce_banks[%d]", b * 4);
        }
    }
    vmc_fresh_u(st, 1, "env.xcr0");                  /* XSTATE_FP */
    /* IA32_MISC_ENABLE: fast strings, and MWAIT with MONITOR; its
     * subsection goes when it is not the bare default */
    if (cpu->monitor) {
        vmc_fresh_sub(st, true, "cpu/msr_ia32_misc_enable");
        vmc_fresh_u(st, 1u | 1u << 18, "cpu/msr_ia32_misc_enable.env.msr_ia32_misc_enable");
    }

    /* MSR_KVM_POLL_CONTROL stays 0 under TCG (only KVM resets it to 1), so
     * poll_control_msr_needed() sends its subsection */
    return 0;
}

int vmc_fresh_apic(const vmc_fresh_ctx *fc, vmc_state *st)
{
    /* the section's instance id is the APIC id; the BSP (CPU 0) has id 0 */
    uint32_t id = fc->entry->instance_id;
    bool bsp = id == 0;
    vmc_fresh_u(st, APIC_DEFAULT_ADDRESS | APICBASE_ENABLE | (bsp ? APICBASE_BSP : 0),
                "apicbase");
    vmc_fresh_u(st, id, "id");
    vmc_fresh_u(st, 0xff, "spurious_vec");
    vmc_fresh_u(st, 0xf, "dest_mode");
    for (int i = 0; i < APIC_LVT_NB; i++) {
        vmc_fresh_u(st, APIC_LVT_MASKED, "lvt[%d]", i);
    }
    vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "timer_expiry");
    if (!bsp) {
        vmc_fresh_sub(st, true, "apic_sipi");
        vmc_fresh_i(st, 1, "apic_sipi.wait_for_sipi");
    }
    return 0;
}
