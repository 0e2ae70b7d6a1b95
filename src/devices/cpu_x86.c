/*
 * Built-in descriptors: group "cpu" (QEMU 7.2, x86_64 target, built with
 * KVM support as Debian ships it).  See registry.h.
 *
 *   cpu           target/i386/machine.c (one section per vCPU, instance = cpu index)
 *   cpu_common    cpu.c (instance = cpu index)
 *   apic          hw/intc/apic_common.c (instance = initial APIC id)
 *   kvm-tpr-opt   hw/i386/kvmvapic.c (one per machine)
 *
 * The needed() hooks named here are in cpu_hooks.c.
 */
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* Array sizes of the x86_64 target. */
#define CPU_NB_REGS 16          /* general purpose / XMM registers */
#define MTRR_VAR_COUNT 8        /* MSR_MTRRcap_VCNT */
#define MCE_BANK_WORDS 40       /* MCE_BANKS_DEF * 4 */
#define FIXED_COUNTERS 3        /* MAX_FIXED_COUNTERS */
#define GP_COUNTERS 18          /* MSR_IA32_PERF_STATUS - MSR_P6_EVNTSEL0 */
#define OPMASK_REGS 8
#define HV_CRASH_PARAMS 5
#define HV_SINT_COUNT 16
#define HV_STIMER_COUNT 4
#define RTIT_ADDRS 8
#define ARCH_LBR_ENTRIES 32
#define NESTED_BLOB_SIZE 4096   /* KVM_STATE_NESTED_{VMX_VMCS,SVM_VMCB}_SIZE */

#define STRUCT_ARRAY_V(n, c, vm, v) \
    { .name = (n), .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = (c), .vmsd = &(vm), \
      .version_id = (v) }

/* ---- nested structs of "cpu" ------------------------------------------- */

static const vmc_field segment_fields[] = {
    VMC_UINT32("selector"),
    VMC_UINT64("base"),
    VMC_UINT32("limit"),
    VMC_UINT32("flags"),
    VMC_END,
};
static const vmc_vmsd vmsd_segment = {
    .name = "segment", .version_id = 1, .minimum_version_id = 1,
    .fields = segment_fields,
};

/* An x87 register travels as 64-bit mantissa + 16-bit sign/exponent. */
static const vmc_field fpreg_tmp_fields[] = {
    VMC_UINT64("tmp_mant"),
    VMC_UINT16("tmp_exp"),
    VMC_END,
};
static const vmc_vmsd vmsd_fpreg_tmp = {
    .name = "fpreg_tmp", .fields = fpreg_tmp_fields,
};
static const vmc_field fpreg_fields[] = {
    VMC_TMP("tmp", vmsd_fpreg_tmp),
    VMC_END,
};
static const vmc_vmsd vmsd_fpreg = {
    .name = "fpreg", .fields = fpreg_fields,
};

/* Quadwords 0-1 (XMM), 2-3 (YMM high), 4-7 (ZMM high) of a ZMMReg. */
static const vmc_field xmm_reg_fields[] = {
    VMC_UINT64("_q_ZMMReg[0]"),
    VMC_UINT64("_q_ZMMReg[1]"),
    VMC_END,
};
static const vmc_vmsd vmsd_xmm_reg = {
    .name = "xmm_reg", .version_id = 1, .minimum_version_id = 1,
    .fields = xmm_reg_fields,
};
static const vmc_field ymmh_reg_fields[] = {
    VMC_UINT64("_q_ZMMReg[2]"),
    VMC_UINT64("_q_ZMMReg[3]"),
    VMC_END,
};
static const vmc_vmsd vmsd_ymmh_reg = {
    .name = "ymmh_reg", .version_id = 1, .minimum_version_id = 1,
    .fields = ymmh_reg_fields,
};
static const vmc_field zmmh_reg_fields[] = {
    VMC_UINT64("_q_ZMMReg[4]"),
    VMC_UINT64("_q_ZMMReg[5]"),
    VMC_UINT64("_q_ZMMReg[6]"),
    VMC_UINT64("_q_ZMMReg[7]"),
    VMC_END,
};
static const vmc_vmsd vmsd_zmmh_reg = {
    .name = "zmmh_reg", .version_id = 1, .minimum_version_id = 1,
    .fields = zmmh_reg_fields,
};
/* Registers 16-31 (x86_64 only): all eight quadwords. */
static const vmc_field hi16_zmm_reg_fields[] = {
    VMC_UINT64("_q_ZMMReg[0]"),
    VMC_UINT64("_q_ZMMReg[1]"),
    VMC_UINT64("_q_ZMMReg[2]"),
    VMC_UINT64("_q_ZMMReg[3]"),
    VMC_UINT64("_q_ZMMReg[4]"),
    VMC_UINT64("_q_ZMMReg[5]"),
    VMC_UINT64("_q_ZMMReg[6]"),
    VMC_UINT64("_q_ZMMReg[7]"),
    VMC_END,
};
static const vmc_vmsd vmsd_hi16_zmm_reg = {
    .name = "hi16_zmm_reg", .version_id = 1, .minimum_version_id = 1,
    .fields = hi16_zmm_reg_fields,
};

static const vmc_field bnd_regs_fields[] = {
    VMC_UINT64("lb"),
    VMC_UINT64("ub"),
    VMC_END,
};
static const vmc_vmsd vmsd_bnd_regs = {
    .name = "bnd_regs", .version_id = 1, .minimum_version_id = 1,
    .fields = bnd_regs_fields,
};

static const vmc_field mtrr_var_fields[] = {
    VMC_UINT64("base"),
    VMC_UINT64("mask"),
    VMC_END,
};
static const vmc_vmsd vmsd_mtrr_var = {
    .name = "mtrr_var", .version_id = 1, .minimum_version_id = 1,
    .fields = mtrr_var_fields,
};

static const vmc_field lbr_records_var_fields[] = {
    VMC_UINT64("from"),
    VMC_UINT64("to"),
    VMC_UINT64("info"),
    VMC_END,
};
static const vmc_vmsd vmsd_lbr_records_var = {
    .name = "lbr_records_var", .version_id = 1, .minimum_version_id = 1,
    .fields = lbr_records_var_fields,
};

/* ---- subsections of "cpu", in QEMU's order ----------------------------- */

#define CPU_SUB(var, nm, hook, flds) \
    static const vmc_vmsd var = { \
        .name = (nm), .version_id = 1, .minimum_version_id = 1, \
        .fields = (flds), .needed = (hook), \
    }

static const vmc_field exception_info_fields[] = {
    VMC_UINT8("env.exception_pending"),
    VMC_UINT8("env.exception_injected"),
    VMC_UINT8("env.exception_has_payload"),
    VMC_UINT64("env.exception_payload"),
    VMC_END,
};
CPU_SUB(vmsd_exception_info, "cpu/exception_info", "exception_info_needed",
        exception_info_fields);

static const vmc_field async_pf_msr_fields[] = { VMC_UINT64("env.async_pf_en_msr"), VMC_END };
CPU_SUB(vmsd_async_pf_msr, "cpu/async_pf_msr", "async_pf_msr_needed", async_pf_msr_fields);

static const vmc_field async_pf_int_msr_fields[] = {
    VMC_UINT64("env.async_pf_int_msr"), VMC_END,
};
CPU_SUB(vmsd_async_pf_int_msr, "cpu/async_pf_int_msr", "async_pf_int_msr_needed",
        async_pf_int_msr_fields);

static const vmc_field pv_eoi_msr_fields[] = { VMC_UINT64("env.pv_eoi_en_msr"), VMC_END };
CPU_SUB(vmsd_pv_eoi_msr, "cpu/async_pv_eoi_msr", "pv_eoi_msr_needed", pv_eoi_msr_fields);

static const vmc_field steal_time_msr_fields[] = { VMC_UINT64("env.steal_time_msr"), VMC_END };
CPU_SUB(vmsd_steal_time_msr, "cpu/steal_time_msr", "steal_time_msr_needed",
        steal_time_msr_fields);

static const vmc_field poll_control_msr_fields[] = {
    VMC_UINT64("env.poll_control_msr"), VMC_END,
};
CPU_SUB(vmsd_poll_control_msr, "cpu/poll_control_msr", "poll_control_msr_needed",
        poll_control_msr_fields);

static const vmc_field fpop_ip_dp_fields[] = {
    VMC_UINT16("env.fpop"),
    VMC_UINT64("env.fpip"),
    VMC_UINT64("env.fpdp"),
    VMC_END,
};
CPU_SUB(vmsd_fpop_ip_dp, "cpu/fpop_ip_dp", "fpop_ip_dp_needed", fpop_ip_dp_fields);

static const vmc_field msr_tsc_adjust_fields[] = { VMC_UINT64("env.tsc_adjust"), VMC_END };
CPU_SUB(vmsd_msr_tsc_adjust, "cpu/msr_tsc_adjust", "tsc_adjust_needed", msr_tsc_adjust_fields);

static const vmc_field msr_tscdeadline_fields[] = { VMC_UINT64("env.tsc_deadline"), VMC_END };
CPU_SUB(vmsd_msr_tscdeadline, "cpu/msr_tscdeadline", "tscdeadline_needed",
        msr_tscdeadline_fields);

static const vmc_field misc_enable_fields[] = { VMC_UINT64("env.msr_ia32_misc_enable"), VMC_END };
CPU_SUB(vmsd_msr_ia32_misc_enable, "cpu/msr_ia32_misc_enable", "misc_enable_needed",
        misc_enable_fields);

static const vmc_field feature_control_fields[] = {
    VMC_UINT64("env.msr_ia32_feature_control"), VMC_END,
};
CPU_SUB(vmsd_msr_ia32_feature_control, "cpu/msr_ia32_feature_control",
        "feature_control_needed", feature_control_fields);

static const vmc_field pmu_fields[] = {
    VMC_UINT64("env.msr_fixed_ctr_ctrl"),
    VMC_UINT64("env.msr_global_ctrl"),
    VMC_UINT64("env.msr_global_status"),
    VMC_UINT64("env.msr_global_ovf_ctrl"),
    VMC_UINT64_ARRAY("env.msr_fixed_counters", FIXED_COUNTERS),
    VMC_UINT64_ARRAY("env.msr_gp_counters", GP_COUNTERS),
    VMC_UINT64_ARRAY("env.msr_gp_evtsel", GP_COUNTERS),
    VMC_END,
};
CPU_SUB(vmsd_msr_architectural_pmu, "cpu/msr_architectural_pmu", "pmu_enable_needed",
        pmu_fields);

static const vmc_field mpx_fields[] = {
    VMC_STRUCT_ARRAY("env.bnd_regs", 4, vmsd_bnd_regs),
    VMC_UINT64("env.bndcs_regs.cfgu"),
    VMC_UINT64("env.bndcs_regs.sts"),
    VMC_UINT64("env.msr_bndcfgs"),
    VMC_END,
};
CPU_SUB(vmsd_mpx, "cpu/mpx", "mpx_needed", mpx_fields);

static const vmc_field hv_hypercall_fields[] = {
    VMC_UINT64("env.msr_hv_guest_os_id"),
    VMC_UINT64("env.msr_hv_hypercall"),
    VMC_END,
};
CPU_SUB(vmsd_msr_hyperv_hypercall, "cpu/msr_hyperv_hypercall",
        "hyperv_hypercall_enable_needed", hv_hypercall_fields);

static const vmc_field hv_vapic_fields[] = { VMC_UINT64("env.msr_hv_vapic"), VMC_END };
CPU_SUB(vmsd_msr_hyperv_vapic, "cpu/msr_hyperv_vapic", "hyperv_vapic_enable_needed",
        hv_vapic_fields);

static const vmc_field hv_time_fields[] = { VMC_UINT64("env.msr_hv_tsc"), VMC_END };
CPU_SUB(vmsd_msr_hyperv_time, "cpu/msr_hyperv_time", "hyperv_time_enable_needed",
        hv_time_fields);

static const vmc_field hv_crash_fields[] = {
    VMC_UINT64_ARRAY("env.msr_hv_crash_params", HV_CRASH_PARAMS), VMC_END,
};
CPU_SUB(vmsd_msr_hyperv_crash, "cpu/msr_hyperv_crash", "hyperv_crash_enable_needed",
        hv_crash_fields);

static const vmc_field hv_runtime_fields[] = { VMC_UINT64("env.msr_hv_runtime"), VMC_END };
CPU_SUB(vmsd_msr_hyperv_runtime, "cpu/msr_hyperv_runtime", "hyperv_runtime_enable_needed",
        hv_runtime_fields);

static const vmc_field hv_synic_fields[] = {
    VMC_UINT64("env.msr_hv_synic_control"),
    VMC_UINT64("env.msr_hv_synic_evt_page"),
    VMC_UINT64("env.msr_hv_synic_msg_page"),
    VMC_UINT64_ARRAY("env.msr_hv_synic_sint", HV_SINT_COUNT),
    VMC_END,
};
CPU_SUB(vmsd_msr_hyperv_synic, "cpu/msr_hyperv_synic", "hyperv_synic_enable_needed",
        hv_synic_fields);

static const vmc_field hv_stimer_fields[] = {
    VMC_UINT64_ARRAY("env.msr_hv_stimer_config", HV_STIMER_COUNT),
    VMC_UINT64_ARRAY("env.msr_hv_stimer_count", HV_STIMER_COUNT),
    VMC_END,
};
CPU_SUB(vmsd_msr_hyperv_stimer, "cpu/msr_hyperv_stimer", "hyperv_stimer_enable_needed",
        hv_stimer_fields);

static const vmc_field hv_reenlightenment_fields[] = {
    VMC_UINT64("env.msr_hv_reenlightenment_control"),
    VMC_UINT64("env.msr_hv_tsc_emulation_control"),
    VMC_UINT64("env.msr_hv_tsc_emulation_status"),
    VMC_END,
};
CPU_SUB(vmsd_msr_hyperv_reenlightenment, "cpu/msr_hyperv_reenlightenment",
        "hyperv_reenlightenment_enable_needed", hv_reenlightenment_fields);

/* Both register arrays are named env.xmm_regs (the vmdesc shows [0], [1]). */
static const vmc_field avx512_fields[] = {
    VMC_UINT64_ARRAY("env.opmask_regs", OPMASK_REGS),
    VMC_STRUCT_ARRAY("env.xmm_regs", CPU_NB_REGS, vmsd_zmmh_reg),
    VMC_STRUCT_ARRAY("env.xmm_regs", CPU_NB_REGS, vmsd_hi16_zmm_reg),
    VMC_END,
};
CPU_SUB(vmsd_avx512, "cpu/avx512", "avx512_needed", avx512_fields);

static const vmc_field xss_fields[] = { VMC_UINT64("env.xss"), VMC_END };
CPU_SUB(vmsd_xss, "cpu/xss", "xss_needed", xss_fields);

static const vmc_field umwait_fields[] = { VMC_UINT32("env.umwait"), VMC_END };
CPU_SUB(vmsd_umwait, "cpu/umwait", "umwait_needed", umwait_fields);

static const vmc_field tsc_khz_fields[] = { VMC_INT64("env.tsc_khz"), VMC_END };
CPU_SUB(vmsd_tsc_khz, "cpu/tsc_khz", "tsc_khz_needed", tsc_khz_fields);

static const vmc_field msr_smi_count_fields[] = { VMC_UINT64("env.msr_smi_count"), VMC_END };
CPU_SUB(vmsd_msr_smi_count, "cpu/msr_smi_count", "msr_smi_count_needed",
        msr_smi_count_fields);

static const vmc_field pkru_fields[] = { VMC_UINT32("env.pkru"), VMC_END };
CPU_SUB(vmsd_pkru, "cpu/pkru", "pkru_needed", pkru_fields);

static const vmc_field pkrs_fields[] = { VMC_UINT32("env.pkrs"), VMC_END };
CPU_SUB(vmsd_pkrs, "cpu/pkrs", "pkrs_needed", pkrs_fields);

static const vmc_field spec_ctrl_fields[] = { VMC_UINT64("env.spec_ctrl"), VMC_END };
CPU_SUB(vmsd_spec_ctrl, "cpu/spec_ctrl", "spec_ctrl_needed", spec_ctrl_fields);

static const vmc_field amd_tsc_scale_fields[] = { VMC_UINT64("env.amd_tsc_scale_msr"), VMC_END };
CPU_SUB(vmsd_amd_tsc_scale_msr, "cpu/amd_tsc_scale_msr", "amd_tsc_scale_msr_needed",
        amd_tsc_scale_fields);

static const vmc_field mcg_ext_ctl_fields[] = { VMC_UINT64("env.mcg_ext_ctl"), VMC_END };
CPU_SUB(vmsd_mcg_ext_ctl, "cpu/mcg_ext_ctl", "mcg_ext_ctl_needed", mcg_ext_ctl_fields);

static const vmc_field intel_pt_fields[] = {
    VMC_UINT64("env.msr_rtit_ctrl"),
    VMC_UINT64("env.msr_rtit_status"),
    VMC_UINT64("env.msr_rtit_output_base"),
    VMC_UINT64("env.msr_rtit_output_mask"),
    VMC_UINT64("env.msr_rtit_cr3_match"),
    VMC_UINT64_ARRAY("env.msr_rtit_addrs", RTIT_ADDRS),
    VMC_END,
};
CPU_SUB(vmsd_msr_intel_pt, "cpu/intel_pt", "intel_pt_enable_needed", intel_pt_fields);

static const vmc_field virt_ssbd_fields[] = { VMC_UINT64("env.virt_ssbd"), VMC_END };
CPU_SUB(vmsd_msr_virt_ssbd, "cpu/virt_ssbd", "virt_ssbd_needed", virt_ssbd_fields);

/* QEMU spells this one "svn". */
static const vmc_field svm_npt_fields[] = {
    VMC_UINT64("env.nested_cr3"),
    VMC_UINT32("env.nested_pg_mode"),
    VMC_END,
};
CPU_SUB(vmsd_svm_npt, "cpu/svn_npt", "svm_npt_needed", svm_npt_fields);

static const vmc_field svm_guest_fields[] = { VMC_UINT32("env.int_ctl"), VMC_END };
CPU_SUB(vmsd_svm_guest, "cpu/svm_guest", "svm_guest_needed", svm_guest_fields);

/* KVM nested virtualization state (struct kvm_nested_state); never under TCG. */
static const vmc_field vmx_vmcs12_fields[] = {
    VMC_UINT8_ARRAY("data.vmx[0].vmcs12", NESTED_BLOB_SIZE), VMC_END,
};
CPU_SUB(vmsd_vmx_vmcs12, "cpu/kvm_nested_state/vmx/vmcs12", "vmx_vmcs12_needed",
        vmx_vmcs12_fields);

static const vmc_field vmx_shadow_vmcs12_fields[] = {
    VMC_UINT8_ARRAY("data.vmx[0].shadow_vmcs12", NESTED_BLOB_SIZE), VMC_END,
};
CPU_SUB(vmsd_vmx_shadow_vmcs12, "cpu/kvm_nested_state/vmx/shadow_vmcs12",
        "vmx_shadow_vmcs12_needed", vmx_shadow_vmcs12_fields);

static const vmc_field vmx_nested_fields[] = {
    VMC_UINT64("hdr.vmx.vmxon_pa"),
    VMC_UINT64("hdr.vmx.vmcs12_pa"),
    VMC_UINT16("hdr.vmx.smm.flags"),
    VMC_END,
};
static const vmc_vmsd *const vmx_nested_subs[] = {
    &vmsd_vmx_vmcs12, &vmsd_vmx_shadow_vmcs12, NULL,
};
static const vmc_vmsd vmsd_vmx_nested_state = {
    .name = "cpu/kvm_nested_state/vmx", .version_id = 1, .minimum_version_id = 1,
    .fields = vmx_nested_fields, .subsections = vmx_nested_subs,
    .needed = "vmx_nested_state_needed",
};

static const vmc_field svm_nested_fields[] = {
    VMC_UINT64("hdr.svm.vmcb_pa"),
    VMC_UINT8_ARRAY("data.svm[0].vmcb12", NESTED_BLOB_SIZE),
    VMC_END,
};
CPU_SUB(vmsd_svm_nested_state, "cpu/kvm_nested_state/svm", "svm_nested_state_needed",
        svm_nested_fields);

static const vmc_field kvm_nested_state_fields[] = {
    VMC_UINT16("flags"),
    VMC_UINT16("format"),
    VMC_UINT32("size"),
    VMC_END,
};
static const vmc_vmsd *const kvm_nested_state_subs[] = {
    &vmsd_vmx_nested_state, &vmsd_svm_nested_state, NULL,
};
static const vmc_vmsd vmsd_kvm_nested_state = {
    .name = "cpu/kvm_nested_state", .version_id = 1, .minimum_version_id = 1,
    .fields = kvm_nested_state_fields, .subsections = kvm_nested_state_subs,
};

static const vmc_field nested_state_fields[] = {
    { .name = "env.nested_state", .flags = VMC_F_STRUCT | VMC_F_POINTER, .size = 8,
      .vmsd = &vmsd_kvm_nested_state },
    VMC_END,
};
CPU_SUB(vmsd_nested_state, "cpu/nested_state", "nested_state_needed", nested_state_fields);

static const vmc_field msr_tsx_ctrl_fields[] = { VMC_UINT32("env.tsx_ctrl"), VMC_END };
CPU_SUB(vmsd_msr_tsx_ctrl, "cpu/msr_tsx_ctrl", "msr_tsx_ctrl_needed", msr_tsx_ctrl_fields);

static const vmc_field intel_sgx_fields[] = {
    VMC_UINT64_ARRAY("env.msr_ia32_sgxlepubkeyhash", 4), VMC_END,
};
CPU_SUB(vmsd_msr_intel_sgx, "cpu/intel_sgx", "intel_sgx_msrs_needed", intel_sgx_fields);

static const vmc_field pdptrs_fields[] = { VMC_UINT64_ARRAY("env.pdptrs", 4), VMC_END };
CPU_SUB(vmsd_pdptrs, "cpu/pdptrs", "pdptrs_needed", pdptrs_fields);

static const vmc_field msr_xfd_fields[] = {
    VMC_UINT64("env.msr_xfd"),
    VMC_UINT64("env.msr_xfd_err"),
    VMC_END,
};
CPU_SUB(vmsd_msr_xfd, "cpu/msr_xfd", "xfd_msrs_needed", msr_xfd_fields);

static const vmc_field amx_xtile_fields[] = {
    VMC_UINT8_ARRAY("env.xtilecfg", 64),
    VMC_UINT8_ARRAY("env.xtiledata", 8192),
    VMC_END,
};
CPU_SUB(vmsd_amx_xtile, "cpu/intel_amx_xtile", "amx_xtile_needed", amx_xtile_fields);

static const vmc_field arch_lbr_fields[] = {
    VMC_UINT64("env.msr_lbr_ctl"),
    VMC_UINT64("env.msr_lbr_depth"),
    STRUCT_ARRAY_V("env.lbr_records", ARCH_LBR_ENTRIES, vmsd_lbr_records_var, 1),
    VMC_END,
};
CPU_SUB(vmsd_arch_lbr, "cpu/arch_lbr", "arch_lbr_needed", arch_lbr_fields);

static const vmc_field triple_fault_fields[] = {
    VMC_UINT8("env.triple_fault_pending"), VMC_END,
};
CPU_SUB(vmsd_triple_fault, "cpu/triple_fault", "triple_fault_needed", triple_fault_fields);

static const vmc_vmsd *const cpu_subsections[] = {
    &vmsd_exception_info,
    &vmsd_async_pf_msr,
    &vmsd_async_pf_int_msr,
    &vmsd_pv_eoi_msr,
    &vmsd_steal_time_msr,
    &vmsd_poll_control_msr,
    &vmsd_fpop_ip_dp,
    &vmsd_msr_tsc_adjust,
    &vmsd_msr_tscdeadline,
    &vmsd_msr_ia32_misc_enable,
    &vmsd_msr_ia32_feature_control,
    &vmsd_msr_architectural_pmu,
    &vmsd_mpx,
    &vmsd_msr_hyperv_hypercall,
    &vmsd_msr_hyperv_vapic,
    &vmsd_msr_hyperv_time,
    &vmsd_msr_hyperv_crash,
    &vmsd_msr_hyperv_runtime,
    &vmsd_msr_hyperv_synic,
    &vmsd_msr_hyperv_stimer,
    &vmsd_msr_hyperv_reenlightenment,
    &vmsd_avx512,
    &vmsd_xss,
    &vmsd_umwait,
    &vmsd_tsc_khz,
    &vmsd_msr_smi_count,
    &vmsd_pkru,
    &vmsd_pkrs,
    &vmsd_spec_ctrl,
    &vmsd_amd_tsc_scale_msr,
    &vmsd_mcg_ext_ctl,
    &vmsd_msr_intel_pt,
    &vmsd_msr_virt_ssbd,
    &vmsd_svm_npt,
    &vmsd_svm_guest,
    &vmsd_nested_state,
    &vmsd_msr_tsx_ctrl,
    &vmsd_msr_intel_sgx,
    &vmsd_pdptrs,
    &vmsd_msr_xfd,
    &vmsd_amx_xtile,
    &vmsd_arch_lbr,
    &vmsd_triple_fault,
    NULL,
};

/* ---- "cpu" ------------------------------------------------------------- */

static const vmc_field cpu_fields[] = {
    VMC_UINT64_ARRAY("env.regs", CPU_NB_REGS),
    VMC_UINT64("env.eip"),
    VMC_UINT64("env.eflags"),
    VMC_UINT32("env.hflags"),
    /* FPU */
    VMC_UINT16("env.fpuc"),
    VMC_UINT16("env.fpus_vmstate"),
    VMC_UINT16("env.fptag_vmstate"),
    VMC_UINT16("env.fpregs_format_vmstate"),
    VMC_STRUCT_ARRAY("env.fpregs", 8, vmsd_fpreg),
    /* segments: ES CS SS DS FS GS, then LDT TR GDT IDT */
    VMC_STRUCT_ARRAY("env.segs", 6, vmsd_segment),
    VMC_STRUCT("env.ldt", vmsd_segment),
    VMC_STRUCT("env.tr", vmsd_segment),
    VMC_STRUCT("env.gdt", vmsd_segment),
    VMC_STRUCT("env.idt", vmsd_segment),
    VMC_UINT32("env.sysenter_cs"),
    VMC_UINT64("env.sysenter_esp"),
    VMC_UINT64("env.sysenter_eip"),
    VMC_UINT64("env.cr[0]"),
    VMC_UINT64("env.cr[2]"),
    VMC_UINT64("env.cr[3]"),
    VMC_UINT64("env.cr[4]"),
    VMC_UINT64_ARRAY("env.dr", 8),
    VMC_INT32("env.a20_mask"),
    VMC_UINT32("env.mxcsr"),
    VMC_STRUCT_ARRAY("env.xmm_regs", CPU_NB_REGS, vmsd_xmm_reg),
    VMC_UINT64("env.efer"),
    VMC_UINT64("env.star"),
    VMC_UINT64("env.lstar"),
    VMC_UINT64("env.cstar"),
    VMC_UINT64("env.fmask"),
    VMC_UINT64("env.kernelgsbase"),
    VMC_UINT32("env.smbase"),
    VMC_UINT64("env.pat"),
    VMC_UINT32("env.hflags2"),
    /* SVM */
    VMC_UINT64("env.vm_hsave"),
    VMC_UINT64("env.vm_vmcb"),
    VMC_UINT64("env.tsc_offset"),
    VMC_UINT64("env.intercept"),
    VMC_UINT16("env.intercept_cr_read"),
    VMC_UINT16("env.intercept_cr_write"),
    VMC_UINT16("env.intercept_dr_read"),
    VMC_UINT16("env.intercept_dr_write"),
    VMC_UINT32("env.intercept_exceptions"),
    VMC_UINT8("env.v_tpr"),
    /* MTRRs */
    VMC_UINT64_ARRAY("env.mtrr_fixed", 11),
    VMC_UINT64("env.mtrr_deftype"),
    STRUCT_ARRAY_V("env.mtrr_var", MTRR_VAR_COUNT, vmsd_mtrr_var, 8),
    /* event injection / KVM */
    VMC_INT32("env.interrupt_injected"),
    VMC_UINT32("env.mp_state"),
    VMC_UINT64("env.tsc"),
    VMC_INT32("env.exception_nr"),
    VMC_UINT8("env.soft_interrupt"),
    VMC_UINT8("env.nmi_injected"),
    VMC_UINT8("env.nmi_pending"),
    VMC_UINT8("env.has_error_code"),
    VMC_UINT32("env.sipi_vector"),
    /* MCE */
    VMC_UINT64("env.mcg_cap"),
    VMC_UINT64("env.mcg_status"),
    VMC_UINT64("env.mcg_ctl"),
    VMC_UINT64_ARRAY("env.mce_banks", MCE_BANK_WORDS),
    VMC_UINT64("env.tsc_aux"),
    VMC_UINT64("env.system_time_msr"),
    VMC_UINT64("env.wall_clock_msr"),
    /* XSAVE (stream version 12) */
    VMC_UINT64_V("env.xcr0", 12),
    VMC_UINT64_V("env.xstate_bv", 12),
    STRUCT_ARRAY_V("env.xmm_regs", CPU_NB_REGS, vmsd_ymmh_reg, 12),
    VMC_END,
};

static const vmc_vmsd vmsd_cpu = {
    .name = "cpu", .version_id = 12, .minimum_version_id = 11,
    .fields = cpu_fields, .subsections = cpu_subsections,
};

/* ---- "cpu_common" ------------------------------------------------------ */

static const vmc_field exception_index_fields[] = { VMC_INT32("exception_index"), VMC_END };
CPU_SUB(vmsd_cpu_common_exception_index, "cpu_common/exception_index",
        "cpu_common_exception_index_needed", exception_index_fields);

static const vmc_field crash_occurred_fields[] = { VMC_BOOL("crash_occurred"), VMC_END };
CPU_SUB(vmsd_cpu_common_crash_occurred, "cpu_common/crash_occurred",
        "cpu_common_crash_occurred_needed", crash_occurred_fields);

static const vmc_vmsd *const cpu_common_subs[] = {
    &vmsd_cpu_common_exception_index, &vmsd_cpu_common_crash_occurred, NULL,
};

static const vmc_field cpu_common_fields[] = {
    VMC_UINT32("halted"),
    VMC_UINT32("interrupt_request"),
    VMC_END,
};

static const vmc_vmsd vmsd_cpu_common = {
    .name = "cpu_common", .version_id = 1, .minimum_version_id = 1,
    .fields = cpu_common_fields, .subsections = cpu_common_subs,
};

/* ---- "apic" ------------------------------------------------------------ */

/* Named "apic_sipi": matched through the prefix "apic". */
static const vmc_field apic_sipi_fields[] = {
    VMC_INT32("sipi_vector"),
    VMC_INT32("wait_for_sipi"),
    VMC_END,
};
CPU_SUB(vmsd_apic_sipi, "apic_sipi", "apic_common_sipi_needed", apic_sipi_fields);

static const vmc_vmsd *const apic_subs[] = { &vmsd_apic_sipi, NULL };

static const vmc_field apic_fields[] = {
    VMC_UINT32("apicbase"),
    VMC_UINT8("id"),
    VMC_UINT8("arb_id"),
    VMC_UINT8("tpr"),
    VMC_UINT32("spurious_vec"),
    VMC_UINT8("log_dest"),
    VMC_UINT8("dest_mode"),
    VMC_UINT32_ARRAY("isr", 8),
    VMC_UINT32_ARRAY("tmr", 8),
    VMC_UINT32_ARRAY("irr", 8),
    VMC_UINT32_ARRAY("lvt", 6),   /* APIC_LVT_NB */
    VMC_UINT32("esr"),
    VMC_UINT32_ARRAY("icr", 2),
    VMC_UINT32("divide_conf"),
    VMC_INT32("count_shift"),
    VMC_UINT32("initial_count"),
    VMC_INT64("initial_count_load_time"),
    VMC_INT64("next_time"),
    VMC_INT64("timer_expiry"),    /* the timer, written by hand as int64 */
    VMC_END,
};

static const vmc_vmsd vmsd_apic = {
    .name = "apic", .version_id = 3, .minimum_version_id = 3,
    .fields = apic_fields, .subsections = apic_subs,
};

/* ---- "kvm-tpr-opt" (TPR access patching of the vapic option ROM) -------- */

static const vmc_field vapic_handlers_fields[] = {
    VMC_UINT32("set_tpr"),
    VMC_UINT32("set_tpr_eax"),
    VMC_UINT32_ARRAY("get_tpr", 8),
    VMC_UINT32("get_tpr_stack"),
    VMC_END,
};
static const vmc_vmsd vmsd_vapic_handlers = {
    .name = "kvmvapic-handlers", .version_id = 1, .minimum_version_id = 1,
    .fields = vapic_handlers_fields,
};

static const vmc_field vapic_guest_rom_fields[] = {
    VMC_UNUSED(8),   /* ROM signature */
    VMC_UINT32("vaddr"),
    VMC_UINT32("fixup_start"),
    VMC_UINT32("fixup_end"),
    VMC_UINT32("vapic_vaddr"),
    VMC_UINT32("vapic_size"),
    VMC_UINT32("vcpu_shift"),
    VMC_UINT32("real_tpr_addr"),
    VMC_STRUCT("up", vmsd_vapic_handlers),
    VMC_STRUCT("mp", vmsd_vapic_handlers),
    VMC_END,
};
static const vmc_vmsd vmsd_vapic_guest_rom = {
    .name = "kvmvapic-guest-rom", .version_id = 1, .minimum_version_id = 1,
    .fields = vapic_guest_rom_fields,
};

static const vmc_field vapic_fields[] = {
    VMC_STRUCT("rom_state", vmsd_vapic_guest_rom),
    VMC_UINT32("state"),
    VMC_UINT32("real_tpr_addr"),
    VMC_UINT32("rom_state_vaddr"),
    VMC_UINT32("vapic_paddr"),
    VMC_UINT32("rom_state_paddr"),
    VMC_END,
};

static const vmc_vmsd vmsd_vapic = {
    .name = "kvm-tpr-opt", .version_id = 1, .minimum_version_id = 1,
    .fields = vapic_fields,
};

const vmc_vmsd *const vmc_vmsds_cpu[] = {
    &vmsd_cpu_common,
    &vmsd_cpu,
    &vmsd_vapic,
    &vmsd_apic,
    NULL,
};
