/*
 * Hooks of the groups "cpu" (cpu_x86.c) and "core" (core.c), QEMU 7.2.
 *
 * Each needed() hook answers QEMU's condition from the values in the tree
 * (see cpu_isa_hooks.h for where a subsection's fields are looked up).  A
 * subsection whose fields are absent counts as holding QEMU's default
 * values, so it is not needed.  Conditions on state that no stream carries
 * are marked:
 *   PROPERTY  a device/machine property: ctx->device will answer it once
 *             machine models exist (TODO); until then the QEMU 7.2 default
 *             for the newest machine type is used;
 *   HIDDEN    CPUID features, internal flags or the accelerator: the tree
 *             can only say whether QEMU sent the subsection (ci_sub_present).
 */
#include "devices/cpu_isa_hooks.h"

#define HF_GUEST_MASK (1u << 21)    /* SVM guest mode (hflags) */
#define HF2_NPT_MASK (1u << 6)      /* SVM nested paging (hflags2) */
#define MCG_LMCE_P (1ull << 27)     /* mcg_cap: local machine check */
#define NESTED_HDR_SIZE 128         /* offsetof(struct kvm_nested_state, data) */
#define NESTED_BLOB_SIZE 4096
#define NESTED_FORMAT_VMX 0
#define NESTED_FORMAT_SVM 1

/* value of subsection field != 0 */
static bool sub_nonzero(const vmc_hook_ctx *ctx, const char *sub, const char *name)
{
    return ci_any_nonzero(ci_sub_field(ctx, sub, name, true));
}

static bool sub_any(const vmc_hook_ctx *ctx, const char *sub, const char *const *names)
{
    return ci_sub_any_nonzero(ctx, sub, names, true);
}

#define NONZERO_HOOK(fn, sub, field) \
    static bool fn(const vmc_hook_ctx *ctx, int version_id) \
    { \
        (void)version_id; \
        return sub_nonzero(ctx, sub, field); \
    }

#define ANY_HOOK(fn, sub, ...) \
    static bool fn(const vmc_hook_ctx *ctx, int version_id) \
    { \
        static const char *const names[] = { __VA_ARGS__, NULL }; \
        (void)version_id; \
        return sub_any(ctx, sub, names); \
    }

#define PRESENT_HOOK(fn, sub) \
    static bool fn(const vmc_hook_ctx *ctx, int version_id) \
    { \
        (void)version_id; \
        return ci_sub_present(ctx, sub); \
    }

/* ---- cpu --------------------------------------------------------------- */

/* An exception is pending while the vCPU runs an SVM guest. */
static bool exception_info_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return sub_nonzero(ctx, "cpu/exception_info", "env.exception_pending") &&
           (ci_int(ctx, "env.hflags", 0) & HF_GUEST_MASK);
}

NONZERO_HOOK(async_pf_msr_needed, "cpu/async_pf_msr", "env.async_pf_en_msr")
NONZERO_HOOK(async_pf_int_msr_needed, "cpu/async_pf_int_msr", "env.async_pf_int_msr")
NONZERO_HOOK(pv_eoi_msr_needed, "cpu/async_pv_eoi_msr", "env.pv_eoi_en_msr")
NONZERO_HOOK(steal_time_msr_needed, "cpu/steal_time_msr", "env.steal_time_msr")

/*
 * The MSR resets to 1 under KVM; TCG leaves it 0, so TCG always sends it.
 * Absent from the tree (building a fresh state), it holds TCG's 0.
 */
static bool poll_control_msr_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return ci_sub_int(ctx, "cpu/poll_control_msr", "env.poll_control_msr", 0) != 1;
}

ANY_HOOK(fpop_ip_dp_needed, "cpu/fpop_ip_dp", "env.fpop", "env.fpip", "env.fpdp")
NONZERO_HOOK(tsc_adjust_needed, "cpu/msr_tsc_adjust", "env.tsc_adjust")
NONZERO_HOOK(tscdeadline_needed, "cpu/msr_tscdeadline", "env.tsc_deadline")

/* MSR_IA32_MISC_ENABLE differs from its reset value 1 (fast strings). */
static bool misc_enable_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return ci_sub_int(ctx, "cpu/msr_ia32_misc_enable", "env.msr_ia32_misc_enable", 1) != 1;
}

NONZERO_HOOK(feature_control_needed, "cpu/msr_ia32_feature_control",
             "env.msr_ia32_feature_control")
ANY_HOOK(pmu_enable_needed, "cpu/msr_architectural_pmu", "env.msr_fixed_ctr_ctrl",
         "env.msr_global_ctrl", "env.msr_global_status", "env.msr_global_ovf_ctrl",
         "env.msr_fixed_counters", "env.msr_gp_counters", "env.msr_gp_evtsel")
ANY_HOOK(mpx_needed, "cpu/mpx", "env.bnd_regs", "env.bndcs_regs.cfgu", "env.bndcs_regs.sts",
         "env.msr_bndcfgs")
ANY_HOOK(hyperv_hypercall_enable_needed, "cpu/msr_hyperv_hypercall", "env.msr_hv_hypercall",
         "env.msr_hv_guest_os_id")
NONZERO_HOOK(hyperv_vapic_enable_needed, "cpu/msr_hyperv_vapic", "env.msr_hv_vapic")
NONZERO_HOOK(hyperv_time_enable_needed, "cpu/msr_hyperv_time", "env.msr_hv_tsc")
NONZERO_HOOK(hyperv_crash_enable_needed, "cpu/msr_hyperv_crash", "env.msr_hv_crash_params")

/*
 * PROPERTY: QEMU also requires the CPU's hv-runtime feature (default off);
 * a non-zero MSR is taken as proof that it was on.
 */
NONZERO_HOOK(hyperv_runtime_enable_needed, "cpu/msr_hyperv_runtime", "env.msr_hv_runtime")

ANY_HOOK(hyperv_synic_enable_needed, "cpu/msr_hyperv_synic", "env.msr_hv_synic_control",
         "env.msr_hv_synic_evt_page", "env.msr_hv_synic_msg_page", "env.msr_hv_synic_sint")
ANY_HOOK(hyperv_stimer_enable_needed, "cpu/msr_hyperv_stimer", "env.msr_hv_stimer_config",
         "env.msr_hv_stimer_count")
ANY_HOOK(hyperv_reenlightenment_enable_needed, "cpu/msr_hyperv_reenlightenment",
         "env.msr_hv_reenlightenment_control", "env.msr_hv_tsc_emulation_control",
         "env.msr_hv_tsc_emulation_status")

/*
 * Opmask registers, ZMM high halves of registers 0-15 or any of registers
 * 16-31 non-zero: exactly the subsection's own contents.  No plain-name
 * fallback: "env.xmm_regs[0]" of the cpu vmsd itself holds the XMM halves.
 */
static bool avx512_needed(const vmc_hook_ctx *ctx, int version_id)
{
    static const char *const names[] = {
        "env.opmask_regs", "env.xmm_regs[0]", "env.xmm_regs[1]", NULL,
    };
    (void)version_id;
    return ci_sub_any_nonzero(ctx, "cpu/avx512", names, false);
}

NONZERO_HOOK(xss_needed, "cpu/xss", "env.xss")
NONZERO_HOOK(umwait_needed, "cpu/umwait", "env.umwait")

/*
 * PROPERTY: the machine class must save the TSC frequency (save_tsc_khz,
 * false for pc-*-2.5 and older); 7.2 default: true.
 */
static bool tsc_khz_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    /* TODO(machine model): save_tsc_khz from ctx->device */
    return sub_nonzero(ctx, "cpu/tsc_khz", "env.tsc_khz");
}

/*
 * PROPERTY: x-migrate-smi-count of the CPU (off for pc-*-2.11 and older);
 * 7.2 default: on.
 */
static bool msr_smi_count_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    /* TODO(machine model): x-migrate-smi-count from ctx->device */
    return sub_nonzero(ctx, "cpu/msr_smi_count", "env.msr_smi_count");
}

NONZERO_HOOK(pkru_needed, "cpu/pkru", "env.pkru")
NONZERO_HOOK(pkrs_needed, "cpu/pkrs", "env.pkrs")
NONZERO_HOOK(spec_ctrl_needed, "cpu/spec_ctrl", "env.spec_ctrl")

/* HIDDEN: CPUID SVM TSC scaling feature. */
PRESENT_HOOK(amd_tsc_scale_msr_needed, "cpu/amd_tsc_scale_msr")

/*
 * PROPERTY: the CPU's lmce property, which QEMU reflects in mcg_cap
 * (MCG_LMCE_P), so it is read from env.mcg_cap.
 */
static bool mcg_ext_ctl_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return (ci_int(ctx, "env.mcg_cap", 0) & MCG_LMCE_P) &&
           sub_nonzero(ctx, "cpu/mcg_ext_ctl", "env.mcg_ext_ctl");
}

ANY_HOOK(intel_pt_enable_needed, "cpu/intel_pt", "env.msr_rtit_ctrl", "env.msr_rtit_status",
         "env.msr_rtit_output_base", "env.msr_rtit_output_mask", "env.msr_rtit_cr3_match",
         "env.msr_rtit_addrs")
NONZERO_HOOK(virt_ssbd_needed, "cpu/virt_ssbd", "env.virt_ssbd")

static bool svm_npt_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return (ci_int(ctx, "env.hflags2", 0) & HF2_NPT_MASK) != 0;
}

/* HIDDEN: QEMU also requires TCG; this project only models TCG. */
NONZERO_HOOK(svm_guest_needed, "cpu/svm_guest", "env.int_ctl")

/*
 * struct kvm_nested_state (KVM only, never under TCG).  format and size
 * live in the "cpu/kvm_nested_state" struct; vmxon_pa in its vmx
 * subsection.
 */
static bool nested_vmx_needed(const vmc_value *ns, const vmc_hook_ctx *ctx)
{
    const vmc_value *fmt = ns ? vmc_value_get(ns, "format") : NULL;
    const vmc_value *pa = ns ? vmc_value_get(ns, "cpu/kvm_nested_state/vmx.hdr.vmx.vmxon_pa")
                             : NULL;
    if (!ns) {
        fmt = vmc_hook_lookup(ctx, "format");
        pa = ci_sub_field(ctx, "cpu/kvm_nested_state/vmx", "hdr.vmx.vmxon_pa", true);
    }
    return ci_is_int(fmt) && vmc_value_int(fmt) == NESTED_FORMAT_VMX && ci_is_int(pa) &&
           vmc_value_uint(pa) != UINT64_MAX;
}

static bool nested_svm_needed(const vmc_value *ns, const vmc_hook_ctx *ctx)
{
    const vmc_value *fmt = ns ? vmc_value_get(ns, "format") : vmc_hook_lookup(ctx, "format");
    const vmc_value *size = ns ? vmc_value_get(ns, "size") : vmc_hook_lookup(ctx, "size");
    return ci_is_int(fmt) && vmc_value_int(fmt) == NESTED_FORMAT_SVM && ci_is_int(size) &&
           vmc_value_uint(size) > NESTED_HDR_SIZE;
}

static bool vmx_nested_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return nested_vmx_needed(NULL, ctx);
}

static bool svm_nested_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return nested_svm_needed(NULL, ctx);
}

/* The nested state is larger than the header plus vmcs12 offset. */
static bool vmx_vmcs12_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return (uint64_t)ci_int(ctx, "size", 0) > NESTED_HDR_SIZE;
}

static bool vmx_shadow_vmcs12_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return (uint64_t)ci_int(ctx, "size", 0) > NESTED_HDR_SIZE + NESTED_BLOB_SIZE;
}

static bool nested_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    const vmc_value *ns = ci_sub_field(ctx, "cpu/nested_state", "env.nested_state", true);
    if (!ns || vmc_value_kind_of(ns) != VMC_VALUE_STRUCT) {
        return false;
    }
    return nested_vmx_needed(ns, ctx) || nested_svm_needed(ns, ctx);
}

/* HIDDEN: CPUID features (TSX_CTRL, SGX launch control, XFD, AMX, arch LBR). */
PRESENT_HOOK(msr_tsx_ctrl_needed, "cpu/msr_tsx_ctrl")
PRESENT_HOOK(intel_sgx_msrs_needed, "cpu/intel_sgx")
/* HIDDEN: env->pdptrs_valid, an internal flag of the SVM code. */
PRESENT_HOOK(pdptrs_needed, "cpu/pdptrs")
PRESENT_HOOK(xfd_msrs_needed, "cpu/msr_xfd")
PRESENT_HOOK(amx_xtile_needed, "cpu/intel_amx_xtile")
PRESENT_HOOK(arch_lbr_needed, "cpu/arch_lbr")

NONZERO_HOOK(triple_fault_needed, "cpu/triple_fault", "env.triple_fault_pending")

/* ---- cpu_common, apic -------------------------------------------------- */

/* HIDDEN: QEMU also requires TCG.  -1 means no exception. */
static bool cpu_common_exception_index_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return ci_sub_int(ctx, "cpu_common/exception_index", "exception_index", -1) != -1;
}

NONZERO_HOOK(cpu_common_crash_occurred_needed, "cpu_common/crash_occurred", "crash_occurred")
NONZERO_HOOK(apic_common_sipi_needed, "apic_sipi", "wait_for_sipi")

/* ---- core: timer, globalstate, fw_cfg ---------------------------------- */

/*
 * HIDDEN: -icount on the command line (timer/icount), icount's warp and
 * realtime timers existing, and icount shift=auto (timer/icount/shift).
 */
PRESENT_HOOK(icount_state_needed, "timer/icount")
PRESENT_HOOK(warp_timer_state_needed, "timer/icount/warp_timer")
PRESENT_HOOK(adjust_timers_state_needed, "timer/icount/timers")
PRESENT_HOOK(icount_shift_state_needed, "timer/icount/shift")

/*
 * PROPERTY: the migration property store-global-state (off for
 * pc-*-2.3 and older; then only states other than running/paused are
 * sent); 7.2 default: on.
 */
static bool global_state_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)ctx;
    (void)version_id;
    /* TODO(machine model): store-global-state from ctx->device */
    return true;
}

/*
 * PROPERTY: dma_enabled of fw_cfg_io/fw_cfg_mem (off for pc-*-2.4 and
 * older); nothing on the wire tells, so the subsection's presence does.
 */
PRESENT_HOOK(fw_cfg_dma_enabled, "fw_cfg/dma")

/*
 * ACPI blob sizes not all multiples of the host page size (4096 on x86
 * hosts).  PROPERTY: acpi-mr-restore (false for pc-*-4.2 and older); 7.2
 * default: true.
 */
static bool fw_cfg_acpi_mr_restore(const vmc_hook_ctx *ctx, int version_id)
{
    static const char *const names[] = { "table_mr_size", "linker_mr_size", "rsdp_mr_size" };
    (void)version_id;
    /* TODO(machine model): acpi-mr-restore from ctx->device */
    bool aligned = true;
    for (int i = 0; i < 3; i++) {
        const vmc_value *v = ci_sub_field(ctx, "fw_cfg/acpi_mr", names[i], true);
        if (!ci_is_int(v)) {
            return false;   /* sizes unknown: nothing to send */
        }
        if (vmc_value_uint(v) % 4096) {
            aligned = false;
        }
    }
    return !aligned;
}

const vmc_hook_def vmc_hooks_cpu[] = {
#define NEEDED(fn) { #fn, VMC_HOOK_NEEDED, fn, NULL }
    NEEDED(exception_info_needed),
    NEEDED(async_pf_msr_needed),
    NEEDED(async_pf_int_msr_needed),
    NEEDED(pv_eoi_msr_needed),
    NEEDED(steal_time_msr_needed),
    NEEDED(poll_control_msr_needed),
    NEEDED(fpop_ip_dp_needed),
    NEEDED(tsc_adjust_needed),
    NEEDED(tscdeadline_needed),
    NEEDED(misc_enable_needed),
    NEEDED(feature_control_needed),
    NEEDED(pmu_enable_needed),
    NEEDED(mpx_needed),
    NEEDED(hyperv_hypercall_enable_needed),
    NEEDED(hyperv_vapic_enable_needed),
    NEEDED(hyperv_time_enable_needed),
    NEEDED(hyperv_crash_enable_needed),
    NEEDED(hyperv_runtime_enable_needed),
    NEEDED(hyperv_synic_enable_needed),
    NEEDED(hyperv_stimer_enable_needed),
    NEEDED(hyperv_reenlightenment_enable_needed),
    NEEDED(avx512_needed),
    NEEDED(xss_needed),
    NEEDED(umwait_needed),
    NEEDED(tsc_khz_needed),
    NEEDED(msr_smi_count_needed),
    NEEDED(pkru_needed),
    NEEDED(pkrs_needed),
    NEEDED(spec_ctrl_needed),
    NEEDED(amd_tsc_scale_msr_needed),
    NEEDED(mcg_ext_ctl_needed),
    NEEDED(intel_pt_enable_needed),
    NEEDED(virt_ssbd_needed),
    NEEDED(svm_npt_needed),
    NEEDED(svm_guest_needed),
    NEEDED(nested_state_needed),
    NEEDED(vmx_nested_state_needed),
    NEEDED(vmx_vmcs12_needed),
    NEEDED(vmx_shadow_vmcs12_needed),
    NEEDED(svm_nested_state_needed),
    NEEDED(msr_tsx_ctrl_needed),
    NEEDED(intel_sgx_msrs_needed),
    NEEDED(pdptrs_needed),
    NEEDED(xfd_msrs_needed),
    NEEDED(amx_xtile_needed),
    NEEDED(arch_lbr_needed),
    NEEDED(triple_fault_needed),
    NEEDED(cpu_common_exception_index_needed),
    NEEDED(cpu_common_crash_occurred_needed),
    NEEDED(apic_common_sipi_needed),
    NEEDED(icount_state_needed),
    NEEDED(warp_timer_state_needed),
    NEEDED(adjust_timers_state_needed),
    NEEDED(icount_shift_state_needed),
    NEEDED(global_state_needed),
    NEEDED(fw_cfg_dma_enabled),
    NEEDED(fw_cfg_acpi_mr_restore),
#undef NEEDED
    { NULL, 0, NULL, NULL },
};
