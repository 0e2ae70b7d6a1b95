/*
 * Built-in descriptors: group "i440fx" (QEMU 7.2).  See registry.h.
 *
 * The i440fx/PIIX chipset's PCI functions: "I440FX" (hw/pci-host/i440fx.c),
 * "PIIX3" (hw/isa/piix3.c), "ide" (piix3-ide/piix4-ide, hw/ide/piix.c and
 * pci.c; tables in ide_common.c) and "piix4_pm" (hw/acpi/piix4.c).
 */
#include "devices/acpi_common.h"
#include "devices/chipset_util.h"
#include "devices/ide_common.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

#include <string.h>

/* ---- I440FX ------------------------------------------------------------- */

static const vmc_field i440fx_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_UNUSED(1),   /* formerly smm_enabled */
    VMC_END,
};

static const vmc_vmsd vmsd_i440fx = {
    .name = "I440FX", .version_id = 3, .minimum_version_id = 3,
    .fields = i440fx_fields,
};

/* ---- PIIX3 -------------------------------------------------------------- */

/* PIIX_NUM_PIRQS: PIRQ A..D */
#define PIIX_NUM_PIRQS 4

static const vmc_field piix3_rcr_fields[] = {
    VMC_UINT8("rcr"),
    VMC_END,
};

static const vmc_vmsd vmsd_piix3_rcr = {
    .name = "PIIX3/rcr", .version_id = 1, .minimum_version_id = 1,
    .fields = piix3_rcr_fields, .needed = "piix3_rcr_needed",
};

static const vmc_vmsd *const piix3_subsections[] = { &vmsd_piix3_rcr, NULL };

static const vmc_field piix3_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_F_ARR_V("pci_irq_levels_vmstate", "int32", 4, PIIX_NUM_PIRQS, 3),
    VMC_END,
};

static const vmc_vmsd vmsd_piix3 = {
    .name = "PIIX3", .version_id = 3, .minimum_version_id = 2,
    .fields = piix3_fields, .subsections = piix3_subsections,
};

/* ---- piix4_pm ----------------------------------------------------------- */

/* PIIX4 GPE: the first 16 bits of the status and enable blocks. */
static const vmc_field piix4_gpe_fields[] = {
    { .name = "sts", .info = "uint16", .size = 2, .flags = VMC_F_SINGLE | VMC_F_POINTER },
    { .name = "en", .info = "uint16", .size = 2, .flags = VMC_F_SINGLE | VMC_F_POINTER },
    VMC_END,
};

static const vmc_vmsd vmsd_piix4_gpe = {
    .name = "gpe", .version_id = 1, .minimum_version_id = 1,
    .fields = piix4_gpe_fields,
};

/* The single bus status kept when ACPI bridge hot-plug is off (same layout as pcihp's). */
static const vmc_field piix4_pci_status_fields[] = {
    VMC_UINT32("up"),
    VMC_UINT32("down"),
    VMC_END,
};

static const vmc_vmsd vmsd_piix4_pci_status = {
    .name = "pci_status", .version_id = 1, .minimum_version_id = 1,
    .fields = piix4_pci_status_fields,
};

static const vmc_field piix4_memhp_fields[] = {
    VMC_STRUCT_V("acpi_memory_hotplug", vmc_vmsd_memory_hotplug, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_piix4_memhp = {
    .name = "piix4_pm/memhp", .version_id = 1, .minimum_version_id = 1,
    .fields = piix4_memhp_fields, .needed = "piix4_vmstate_test_use_memhp",
};

static const vmc_field piix4_cpuhp_fields[] = {
    VMC_STRUCT_V("cpuhp_state", vmc_vmsd_cpu_hotplug, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_piix4_cpuhp = {
    .name = "piix4_pm/cpuhp", .version_id = 1, .minimum_version_id = 1,
    .fields = piix4_cpuhp_fields, .needed = "piix4_vmstate_test_use_cpuhp",
};

static const vmc_vmsd *const piix4_pm_subsections[] = {
    &vmsd_piix4_memhp,
    &vmsd_piix4_cpuhp,
    NULL,
};

/* ACPI_PCIHP_BSEL_DEFAULT is 0x0; QEMU's field name keeps the expanded macro. */
#define PIIX4_BSEL_DEFAULT_STATUS "acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]"

static const vmc_field piix4_pm_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_UINT16("ar.pm1.evt.sts"),
    VMC_UINT16("ar.pm1.evt.en"),
    VMC_UINT16("ar.pm1.cnt.cnt"),
    VMC_STRUCT("apm", vmc_vmsd_apm),
    { .name = "smb", .flags = VMC_F_STRUCT, .version_id = 3, .vmsd = &vmc_vmsd_pmsmb,
      .exists = "piix4_vmstate_need_smbus" },
    VMC_TIMER("ar.tmr.timer"),
    VMC_INT64("ar.tmr.overflow_time"),
    VMC_STRUCT_V("ar.gpe", vmsd_piix4_gpe, 2),
    { .name = PIIX4_BSEL_DEFAULT_STATUS, .flags = VMC_F_STRUCT, .version_id = 2,
      .vmsd = &vmsd_piix4_pci_status, .exists = "vmstate_test_no_use_acpi_hotplug_bridge" },
    VMC_ACPI_PCI_HOTPLUG("vmstate_test_use_acpi_hotplug_bridge",
                         "vmstate_test_migrate_acpi_index"),
    VMC_END,
};

static const vmc_vmsd vmsd_piix4_pm = {
    .name = "piix4_pm", .version_id = 3, .minimum_version_id = 3,
    .fields = piix4_pm_fields, .subsections = piix4_pm_subsections,
};

const vmc_vmsd *const vmc_vmsds_i440fx[] = {
    &vmsd_i440fx,
    &vmsd_piix3,
    &vmc_vmsd_ide_pci,
    &vmsd_piix4_pm,
    NULL,
};

/* ---- piix4_pm: inferring machine properties from the data --------------- */

/* Wire sizes of piix4_pm pieces. */
#define PMSMB_BYTES 48                      /* "pmsmb" */
#define TIMER_TO_GPE_END_BYTES (8 + 8 + 4)  /* ar.tmr.timer, overflow_time, ar.gpe */
#define NO_BRIDGE_BYTES 8                   /* pci_status of bus 0 */
#define BRIDGE_BYTES (4 + VMC_ACPI_PCIHP_MAX_HOTPLUG_BUS * 8)   /* select + statuses */
#define ACPI_INDEX_BYTES 4
#define HP_MAX_COUNT 1024

static bool piix4_subs_ok(const uint8_t *p, size_t len, bool allow_memhp);

static bool cont_section_end(const uint8_t *p, size_t len, const void *opaque)
{
    return vmc_chipset_section_end_ok(p, len);
}

static bool cont_after_memhp(const uint8_t *p, size_t len, const void *opaque)
{
    return piix4_subs_ok(p, len, false);
}

/*
 * Are the bytes at p the piix4_pm subsections QEMU writes (memhp, then
 * cpuhp, each optional), followed by the section end?
 */
static bool piix4_subs_ok(const uint8_t *p, size_t len, bool allow_memhp)
{
    if (vmc_chipset_section_end_ok(p, len)) {
        return true;
    }
    size_t h;
    if (allow_memhp && (h = vmc_chipset_subsection_at(p, len, "piix4_pm/memhp", false)) &&
        len >= h + 4 &&
        vmc_chipset_scan_hp_array(p + h + 4, len - h - 4, HP_MAX_COUNT, cont_after_memhp,
                                  NULL) >= 0) {
        return true;
    }
    if ((h = vmc_chipset_subsection_at(p, len, "piix4_pm/cpuhp", false)) && len >= h + 5 &&
        vmc_chipset_scan_hp_array(p + h + 5, len - h - 5, HP_MAX_COUNT, cont_section_end,
                                  NULL) >= 0) {
        return true;
    }
    return false;
}

/* At p: the PCI hot-plug part in one of its three layouts, then subsections. */
static bool piix4_hotplug_ok(const uint8_t *p, size_t len)
{
    static const size_t sizes[] = { NO_BRIDGE_BYTES, BRIDGE_BYTES,
                                    BRIDGE_BYTES + ACPI_INDEX_BYTES };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        if (len >= sizes[i] && piix4_subs_ok(p + sizes[i], len - sizes[i], true)) {
            return true;
        }
    }
    return false;
}

/* At p: ar.tmr.timer and everything after it. */
static bool piix4_from_timer_ok(const uint8_t *p, size_t len)
{
    return len >= TIMER_TO_GPE_END_BYTES &&
           piix4_hotplug_ok(p + TIMER_TO_GPE_END_BYTES, len - TIMER_TO_GPE_END_BYTES);
}

/*
 * Machine property: MachineClass.smbus_no_migration_support (pc-i440fx-3.1
 * and older) turns off "smb".  Inferred from the data: which of "smb
 * present" and "smb absent" lets the rest of the section parse.
 */
static bool piix4_vmstate_need_smbus(const vmc_hook_ctx *ctx, int version_id)
{
    const char *no_mig = vmc_chipset_class_field(ctx, "smbus_no_migration_support");
    if (no_mig) {
        return strcmp(no_mig, "true") != 0;
    }
    if (!ctx->next) {
        return true;
    }
    bool present = ctx->next_len >= PMSMB_BYTES &&
                   piix4_from_timer_ok(ctx->next + PMSMB_BYTES, ctx->next_len - PMSMB_BYTES);
    bool absent = piix4_from_timer_ok(ctx->next, ctx->next_len);
    return present || !absent;
}

/*
 * Device property "acpi-pci-hotplug-with-bridge-support" of PIIX4_PM (off
 * for pc-i440fx-1.7 and older): off sends one 8-byte bus status, on sends
 * hotplug_select + 256 bus statuses (+ acpi_index).  Inferred from the data.
 */
static bool piix4_no_bridge_inferred(const vmc_hook_ctx *ctx)
{
    const char *prop = vmc_hook_device_prop(ctx, "acpi-pci-hotplug-with-bridge-support");
    if (prop) {
        return !vmc_chipset_prop_bool(ctx, "acpi-pci-hotplug-with-bridge-support", true);
    }
    if (!ctx->next) {
        return false;
    }
    const uint8_t *p = ctx->next;
    size_t len = ctx->next_len;
    bool off = len >= NO_BRIDGE_BYTES &&
               piix4_subs_ok(p + NO_BRIDGE_BYTES, len - NO_BRIDGE_BYTES, true);
    bool on = (len >= BRIDGE_BYTES && piix4_subs_ok(p + BRIDGE_BYTES, len - BRIDGE_BYTES, true)) ||
              (len >= BRIDGE_BYTES + ACPI_INDEX_BYTES &&
               piix4_subs_ok(p + BRIDGE_BYTES + ACPI_INDEX_BYTES,
                             len - BRIDGE_BYTES - ACPI_INDEX_BYTES, true));
    return off && !on;
}

static bool vmstate_test_no_use_acpi_hotplug_bridge(const vmc_hook_ctx *ctx, int version_id)
{
    return piix4_no_bridge_inferred(ctx);
}

/* The same decision, taken when the bus-0 status field was (not) read. */
static bool vmstate_test_use_acpi_hotplug_bridge(const vmc_hook_ctx *ctx, int version_id)
{
    if (vmc_chipset_self_has(ctx, PIIX4_BSEL_DEFAULT_STATUS)) {
        return false;
    }
    if (vmc_chipset_self_has(ctx, "acpi_pci_hotplug.hotplug_select")) {
        return true;
    }
    return !piix4_no_bridge_inferred(ctx);
}

/*
 * use_acpi_hotplug_bridge && !"x-not-migrate-acpi-index" (the latter on for
 * pc-i440fx-6.2 and older, hw_compat_6_2; pci-config-compat.md catalog #25).
 * Inferred from the data: absent only when the bytes say so.
 */
static bool vmstate_test_migrate_acpi_index(const vmc_hook_ctx *ctx, int version_id)
{
    if (!vmstate_test_use_acpi_hotplug_bridge(ctx, version_id)) {
        return false;
    }
    if (vmc_hook_device_prop(ctx, "x-not-migrate-acpi-index")) {
        return !vmc_chipset_prop_bool(ctx, "x-not-migrate-acpi-index", false);
    }
    if (!ctx->next) {
        return true;
    }
    bool absent = piix4_subs_ok(ctx->next, ctx->next_len, true);
    bool present = ctx->next_len >= ACPI_INDEX_BYTES &&
                   piix4_subs_ok(ctx->next + ACPI_INDEX_BYTES,
                                 ctx->next_len - ACPI_INDEX_BYTES, true);
    return present || !absent;
}

static bool piix3_rcr_needed(const vmc_hook_ctx *ctx, int version_id)
{
    int64_t v;
    return vmc_chipset_sub_int(ctx, "PIIX3/rcr", "rcr", &v) && v != 0;
}

/*
 * Subsections of piix4_pm whose condition is device state not on the wire:
 * properties of PIIX4_PM from the machine model; decoding without a model,
 * whether the stream carries them.
 */

/* "memory-hotplug-support" (off for pc-i440fx <= 2.0). */
static bool piix4_vmstate_test_use_memhp(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_chipset_prop_or_present(ctx, "memory-hotplug-support", true, "piix4_pm/memhp");
}

/* !"cpu-hotplug-legacy": a fresh machine still uses the legacy interface. */
static bool piix4_vmstate_test_use_cpuhp(const vmc_hook_ctx *ctx, int version_id)
{
    if (!vmc_chipset_machine(ctx)) {
        return vmc_chipset_prop_or_present(ctx, "", false, "piix4_pm/cpuhp");
    }
    return !vmc_chipset_prop_bool(ctx, "cpu-hotplug-legacy", true);
}

/* The IDE and ACPI building blocks' hooks are listed in vmc_hooks_q35. */
const vmc_hook_def vmc_hooks_i440fx[] = {
    { "piix4_vmstate_need_smbus", VMC_HOOK_EXISTS, piix4_vmstate_need_smbus, NULL },
    { "vmstate_test_no_use_acpi_hotplug_bridge", VMC_HOOK_EXISTS,
      vmstate_test_no_use_acpi_hotplug_bridge, NULL },
    { "vmstate_test_use_acpi_hotplug_bridge", VMC_HOOK_EXISTS,
      vmstate_test_use_acpi_hotplug_bridge, NULL },
    { "vmstate_test_migrate_acpi_index", VMC_HOOK_EXISTS, vmstate_test_migrate_acpi_index,
      NULL },
    { "piix3_rcr_needed", VMC_HOOK_NEEDED, piix3_rcr_needed, NULL },
    { "piix4_vmstate_test_use_memhp", VMC_HOOK_NEEDED, piix4_vmstate_test_use_memhp, NULL },
    { "piix4_vmstate_test_use_cpuhp", VMC_HOOK_NEEDED, piix4_vmstate_test_use_cpuhp, NULL },
    { NULL, 0, NULL, NULL },
};
