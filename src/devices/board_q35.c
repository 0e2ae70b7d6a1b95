/*
 * Built-in descriptors: group "q35" (QEMU 7.2).  See registry.h.
 *
 * The q35 chipset's PCI functions: "mch" (hw/pci-host/q35.c), "ICH9LPC"
 * with its nested "ich9_pm" (hw/isa/lpc_ich9.c, hw/acpi/ich9.c),
 * "ich9_ahci" (hw/ide/ich.c) and "ich9_smb" (hw/i2c/smbus_ich9.c); plus
 * "sysbus-ahci", which shares the AHCI state.
 */
#include "devices/acpi_common.h"
#include "devices/chipset_util.h"
#include "devices/ide_common.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

#include <string.h>

/* ---- mch ---------------------------------------------------------------- */

static const vmc_field mch_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_UNUSED(1),   /* formerly smm_enabled */
    VMC_END,
};

static const vmc_vmsd vmsd_mch = {
    .name = "mch", .version_id = 1, .minimum_version_id = 1,
    .fields = mch_fields,
};

/* ---- ich9_pm (embedded in ICH9LPC as "pm") ------------------------------ */

/* ICH9_PMIO_GPE0_LEN: GPE0 status and enable blocks, one byte per register. */
#define ICH9_GPE0_LEN 16

static const vmc_field ich9_memhp_fields[] = {
    VMC_STRUCT_V("acpi_memory_hotplug", vmc_vmsd_memory_hotplug, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_memhp = {
    .name = "ich9_pm/memhp", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_memhp_fields, .needed = "ich9_vmstate_test_use_memhp",
};

static const vmc_field ich9_tco_fields[] = {
    VMC_STRUCT_V("tco_regs", vmc_vmsd_tco_io_sts, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_tco = {
    .name = "ich9_pm/tco", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_tco_fields, .needed = "ich9_vmstate_test_use_tco",
};

static const vmc_field ich9_cpuhp_fields[] = {
    VMC_STRUCT_V("cpuhp_state", vmc_vmsd_cpu_hotplug, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_cpuhp = {
    .name = "ich9_pm/cpuhp", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_cpuhp_fields, .needed = "ich9_vmstate_test_use_cpuhp",
};

static const vmc_field ich9_pcihp_fields[] = {
    VMC_ACPI_PCI_HOTPLUG(NULL, NULL),   /* ICH9 passes no tests */
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_pcihp = {
    .name = "ich9_pm/pcihp", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_pcihp_fields, .needed = "ich9_vmstate_test_use_pcihp",
};

static const vmc_vmsd *const ich9_pm_subsections[] = {
    &vmsd_ich9_memhp,
    &vmsd_ich9_tco,
    &vmsd_ich9_cpuhp,
    &vmsd_ich9_pcihp,
    NULL,
};

static const vmc_field ich9_pm_fields[] = {
    VMC_UINT16("acpi_regs.pm1.evt.sts"),
    VMC_UINT16("acpi_regs.pm1.evt.en"),
    VMC_UINT16("acpi_regs.pm1.cnt.cnt"),
    VMC_TIMER("acpi_regs.tmr.timer"),
    VMC_INT64("acpi_regs.tmr.overflow_time"),
    { .name = "acpi_regs.gpe.sts", .info = "uint8", .size = 1, .num = ICH9_GPE0_LEN,
      .flags = VMC_F_ARRAY | VMC_F_POINTER },
    { .name = "acpi_regs.gpe.en", .info = "uint8", .size = 1, .num = ICH9_GPE0_LEN,
      .flags = VMC_F_ARRAY | VMC_F_POINTER },
    VMC_UINT32("smi_en"),
    VMC_UINT32("smi_sts"),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_pm = {
    .name = "ich9_pm", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_pm_fields, .subsections = ich9_pm_subsections,
};

/* ---- ICH9LPC ------------------------------------------------------------ */

/* ICH9_CC_SIZE: the chipset configuration registers (RCRB), 16 KiB. */
#define ICH9_CC_SIZE (16 * 1024)

static const vmc_field ich9_rst_cnt_fields[] = {
    VMC_UINT8("rst_cnt"),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_rst_cnt = {
    .name = "ICH9LPC/rst_cnt", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_rst_cnt_fields, .needed = "ich9_rst_cnt_needed",
};

static const vmc_field ich9_smi_feat_fields[] = {
    VMC_UINT8_ARRAY("smi_guest_features_le", 8),
    VMC_UINT8("smi_features_ok"),
    VMC_UINT64("smi_negotiated_features"),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_smi_feat = {
    .name = "ICH9LPC/smi_feat", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_smi_feat_fields, .needed = "ich9_smi_feat_needed",
};

static const vmc_vmsd *const ich9_lpc_subsections[] = {
    &vmsd_ich9_rst_cnt,
    &vmsd_ich9_smi_feat,
    NULL,
};

static const vmc_field ich9_lpc_fields[] = {
    VMC_STRUCT("d", vmc_vmsd_pci_device),
    VMC_STRUCT("apm", vmc_vmsd_apm),
    VMC_STRUCT("pm", vmsd_ich9_pm),
    VMC_UINT8_ARRAY("chip_config", ICH9_CC_SIZE),
    VMC_UINT32("sci_level"),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_lpc = {
    .name = "ICH9LPC", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_lpc_fields, .subsections = ich9_lpc_subsections,
};

/* Wire size of the ICH9LPC subsections (header + fields). */
#define RST_CNT_BYTES 1
#define SMI_FEAT_BYTES (8 + 1 + 8)

/*
 * What follows "pm" inside ICH9LPC: chip_config, sci_level, then at most
 * the two ICH9LPC subsections, then the section end.
 */
bool vmc_q35_lpc_after_pm_ok(const uint8_t *p, size_t len)
{
    size_t fixed = ICH9_CC_SIZE + 4;
    if (len < fixed) {
        return false;
    }
    p += fixed;
    len -= fixed;
    bool seen_rst = false, seen_smi = false;
    for (;;) {
        if (vmc_chipset_section_end_ok(p, len)) {
            return true;
        }
        size_t h, body;
        if (!seen_rst && (h = vmc_chipset_subsection_at(p, len, "ICH9LPC/rst_cnt", false))) {
            seen_rst = true;
            body = RST_CNT_BYTES;
        } else if (!seen_smi &&
                   (h = vmc_chipset_subsection_at(p, len, "ICH9LPC/smi_feat", false))) {
            seen_smi = true;
            body = SMI_FEAT_BYTES;
        } else {
            return false;
        }
        if (len < h + body) {
            return false;
        }
        p += h + body;
        len -= h + body;
    }
}

/* ---- ich9_ahci ---------------------------------------------------------- */

static const vmc_field ich9_ahci_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_AHCI("ahci"),
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_ahci = {
    .name = "ich9_ahci", .version_id = 1, .minimum_version_id = 0,
    .fields = ich9_ahci_fields,
};

/* ---- ich9_smb ----------------------------------------------------------- */

static const vmc_field ich9_smb_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    { .name = "irq_enabled", .info = "bool", .size = 1, .exists = "ich9_vmstate_need_smbus" },
    { .name = "smb", .flags = VMC_F_STRUCT, .version_id = 1, .vmsd = &vmc_vmsd_pmsmb,
      .exists = "ich9_vmstate_need_smbus" },
    VMC_END,
};

static const vmc_vmsd vmsd_ich9_smb = {
    .name = "ich9_smb", .version_id = 1, .minimum_version_id = 1,
    .fields = ich9_smb_fields,
};

const vmc_vmsd *const vmc_vmsds_q35[] = {
    &vmsd_mch,
    &vmsd_ich9_lpc,
    &vmsd_ich9_ahci,
    &vmsd_ich9_smb,
    &vmc_vmsd_sysbus_ahci,
    NULL,
};

/* ---- hooks -------------------------------------------------------------- */

/* Wire size of "pmsmb" (6 x u8, u32, 32 x u8, 2 x u8, 4 x bool). */
#define PMSMB_BYTES 48

/*
 * Machine property: MachineClass.smbus_no_migration_support (set for
 * pc-q35-3.1 and older) turns off irq_enabled and smb.  Without a machine
 * model it is inferred from the data: both fields present means exactly
 * 49 more bytes before the section end.
 */
static bool ich9_vmstate_need_smbus(const vmc_hook_ctx *ctx, int version_id)
{
    const char *no_mig = vmc_chipset_class_field(ctx, "smbus_no_migration_support");
    if (no_mig) {
        return strcmp(no_mig, "true") != 0;
    }
    if (vmc_chipset_self_has(ctx, "irq_enabled")) {
        return true;
    }
    if (!ctx->next) {
        return true;
    }
    bool absent = vmc_chipset_section_end_ok(ctx->next, ctx->next_len);
    bool present = ctx->next_len >= 1 + PMSMB_BYTES && vmc_chipset_is_bool(ctx->next[0]) &&
                   vmc_chipset_section_end_ok(ctx->next + 1 + PMSMB_BYTES,
                                              ctx->next_len - 1 - PMSMB_BYTES);
    return !(absent && !present);
}

static bool ich9_rst_cnt_needed(const vmc_hook_ctx *ctx, int version_id)
{
    int64_t v;
    return vmc_chipset_sub_int(ctx, "ICH9LPC/rst_cnt", "rst_cnt", &v) && v != 0;
}

/* Guest features written (any non-zero byte) or the feature set acknowledged. */
static bool ich9_smi_feat_needed(const vmc_hook_ctx *ctx, int version_id)
{
    int64_t ok;
    if (vmc_chipset_sub_int(ctx, "ICH9LPC/smi_feat", "smi_features_ok", &ok) && ok) {
        return true;
    }
    const vmc_value *self = vmc_chipset_self(ctx);
    const vmc_value *feat = NULL;
    if (self && vmc_value_vmsd_name(self) &&
        strcmp(vmc_value_vmsd_name(self), "ICH9LPC/smi_feat") == 0) {
        feat = vmc_value_get(self, "smi_guest_features_le");
    } else if (self) {
        feat = vmc_value_get(self, "ICH9LPC/smi_feat.smi_guest_features_le");
    }
    for (size_t i = 0; feat && i < vmc_value_count(feat); i++) {
        if (vmc_value_uint(vmc_value_at(feat, i)) != 0) {
            return true;
        }
    }
    return false;
}

/*
 * Subsections of ich9_pm.  Their conditions are device state that is not
 * on the wire: properties of ICH9-LPC from the machine model when there is
 * one; decoding without a model, whether the stream carries them.
 */

/* "memory-hotplug-support" (default on; off for pc-q35 machine types <= 2.0). */
static bool ich9_vmstate_test_use_memhp(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_chipset_prop_or_present(ctx, "memory-hotplug-support", true, "ich9_pm/memhp");
}

/* "enable_tco": on unless a user turns it off. */
static bool ich9_vmstate_test_use_tco(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_chipset_prop_or_present(ctx, "enable_tco", true, "ich9_pm/tco");
}

/* !"cpu-hotplug-legacy": legacy until the guest switches to the modern
 * CPU hot-plug interface, which a fresh machine never did. */
static bool ich9_vmstate_test_use_cpuhp(const vmc_hook_ctx *ctx, int version_id)
{
    if (!vmc_chipset_machine(ctx)) {
        return vmc_chipset_prop_or_present(ctx, "", false, "ich9_pm/cpuhp");
    }
    return !vmc_chipset_prop_bool(ctx, "cpu-hotplug-legacy", true);
}

/* "acpi-pci-hotplug-with-bridge-support" (off for pc-q35 <= 6.0). */
static bool ich9_vmstate_test_use_pcihp(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_chipset_prop_or_present(ctx, "acpi-pci-hotplug-with-bridge-support", true,
                                       "ich9_pm/pcihp");
}

const vmc_hook_def vmc_hooks_q35[] = {
    VMC_ACPI_COMMON_HOOKS,
    VMC_IDE_COMMON_HOOKS,
    { "ich9_vmstate_need_smbus", VMC_HOOK_EXISTS, ich9_vmstate_need_smbus, NULL },
    { "ich9_rst_cnt_needed", VMC_HOOK_NEEDED, ich9_rst_cnt_needed, NULL },
    { "ich9_smi_feat_needed", VMC_HOOK_NEEDED, ich9_smi_feat_needed, NULL },
    { "ich9_vmstate_test_use_memhp", VMC_HOOK_NEEDED, ich9_vmstate_test_use_memhp, NULL },
    { "ich9_vmstate_test_use_tco", VMC_HOOK_NEEDED, ich9_vmstate_test_use_tco, NULL },
    { "ich9_vmstate_test_use_cpuhp", VMC_HOOK_NEEDED, ich9_vmstate_test_use_cpuhp, NULL },
    { "ich9_vmstate_test_use_pcihp", VMC_HOOK_NEEDED, ich9_vmstate_test_use_pcihp, NULL },
    { NULL, 0, NULL, NULL },
};
