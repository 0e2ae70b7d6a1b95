/* ACPI building blocks shared by ICH9 and PIIX4 PM (QEMU 7.2); see acpi_common.h. */
#include "devices/acpi_common.h"
#include "devices/chipset_util.h"
#include "vmstate/value_internal.h"

#include <string.h>

static const vmc_field apm_fields[] = {
    VMC_UINT8("apmc"),
    VMC_UINT8("apms"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_apm = {
    .name = "APM State", .version_id = 1, .minimum_version_id = 1,
    .fields = apm_fields,
};

/* PM_SMBUS_MAX_MSG_SIZE */
#define PMSMB_DATA_LEN 32

static const vmc_field pmsmb_fields[] = {
    VMC_UINT8("smb_stat"),
    VMC_UINT8("smb_ctl"),
    VMC_UINT8("smb_cmd"),
    VMC_UINT8("smb_addr"),
    VMC_UINT8("smb_data0"),
    VMC_UINT8("smb_data1"),
    VMC_UINT32("smb_index"),
    VMC_UINT8_ARRAY("smb_data", PMSMB_DATA_LEN),
    VMC_UINT8("smb_auxctl"),
    VMC_UINT8("smb_blkdata"),
    VMC_BOOL("i2c_enable"),
    VMC_BOOL("op_done"),
    VMC_BOOL("in_i2c_block_read"),
    VMC_BOOL("start_transaction_on_status_read"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_pmsmb = {
    .name = "pmsmb", .version_id = 1, .minimum_version_id = 1,
    .fields = pmsmb_fields,
};

static const vmc_field pcihp_status_fields[] = {
    VMC_UINT32("up"),
    VMC_UINT32("down"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_acpi_pcihp_pci_status = {
    .name = "acpi_pcihp_pci_status", .version_id = 1, .minimum_version_id = 1,
    .fields = pcihp_status_fields,
};

/* Memory hot-plug: one status entry per RAM slot (-m ...,slots=N). */
static const vmc_field memhp_sts_fields[] = {
    VMC_BOOL("is_enabled"),
    VMC_BOOL("is_inserting"),
    VMC_UINT32("ost_event"),
    VMC_UINT32("ost_status"),
    VMC_END,
};

static const vmc_vmsd vmsd_memhp_sts = {
    .name = "memory hotplug device state", .version_id = 1, .minimum_version_id = 1,
    .fields = memhp_sts_fields,
};

static const vmc_field memhp_fields[] = {
    VMC_UINT32("selector"),
    { .name = "devs", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT32 | VMC_F_POINTER,
      .num_field = "@acpi_memhp_dev_count", .vmsd = &vmsd_memhp_sts },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_memory_hotplug = {
    .name = "memory hotplug state", .version_id = 1, .minimum_version_id = 1,
    .fields = memhp_fields,
};

/* CPU hot-plug (modern interface): one status entry per possible CPU. */
static const vmc_field cpuhp_sts_fields[] = {
    VMC_BOOL("is_inserting"),
    VMC_BOOL("is_removing"),
    VMC_UINT32("ost_event"),
    VMC_UINT32("ost_status"),
    VMC_END,
};

static const vmc_vmsd vmsd_cpuhp_sts = {
    .name = "CPU hotplug device state", .version_id = 1, .minimum_version_id = 1,
    .fields = cpuhp_sts_fields,
};

static const vmc_field cpuhp_fields[] = {
    VMC_UINT32("selector"),
    VMC_UINT8("command"),
    { .name = "devs", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT32 | VMC_F_POINTER,
      .num_field = "@acpi_cpuhp_dev_count", .vmsd = &vmsd_cpuhp_sts },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_cpu_hotplug = {
    .name = "CPU hotplug state", .version_id = 1, .minimum_version_id = 1,
    .fields = cpuhp_fields,
};

static const vmc_field tco_fields[] = {
    VMC_UINT16("tco.rld"),
    VMC_UINT8("tco.din"),
    VMC_UINT8("tco.dout"),
    VMC_UINT16("tco.sts1"),
    VMC_UINT16("tco.sts2"),
    VMC_UINT16("tco.cnt1"),
    VMC_UINT16("tco.cnt2"),
    VMC_UINT8("tco.msg1"),
    VMC_UINT8("tco.msg2"),
    VMC_UINT8("tco.wdcnt"),
    VMC_UINT16("tco.tmr"),
    VMC_UINT8("sw_irq_gen"),
    VMC_TIMER("tco_timer"),
    VMC_INT64("expire_time"),
    VMC_UINT8("timeouts_no"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_tco_io_sts = {
    .name = "tco io device status", .version_id = 1, .minimum_version_id = 1,
    .fields = tco_fields,
};

/* ---- hot-plug array counts -------------------------------------------- */

/* Upper bound for the scan; QEMU 7.2 x86 allows at most 288 CPUs and 256 slots. */
#define HP_MAX_COUNT 1024

typedef struct hp_cont_args {
    char prefix[64];        /* "ich9_pm/" or "piix4_pm/": the owner's subsections */
    const char *owner;      /* "ich9_pm", "piix4_pm" */
    const char *top;        /* vmsd of the section: "ICH9LPC", "piix4_pm" */
} hp_cont_args;

/*
 * After the array comes the owner's next subsection, or the end of the
 * owner: the end of the section when the owner is the section itself
 * (piix4_pm), or the rest of ICH9LPC after its "pm" struct.
 */
static bool hp_cont(const uint8_t *p, size_t len, const void *opaque)
{
    const hp_cont_args *a = opaque;
    if (vmc_chipset_subsection_at(p, len, a->prefix, true)) {
        return true;
    }
    if (strcmp(a->owner, a->top) == 0) {
        return vmc_chipset_section_end_ok(p, len);
    }
    if (strcmp(a->top, "ICH9LPC") == 0 && strcmp(a->owner, "ich9_pm") == 0) {
        return vmc_q35_lpc_after_pm_ok(p, len);
    }
    return false;
}

static int64_t hp_dev_count(const vmc_hook_ctx *ctx, int64_t dflt)
{
    if (!ctx->next) {
        return dflt;
    }
    /* The hot-plug struct sits in a subsection "<owner>/memhp" or "<owner>/cpuhp". */
    const vmc_value *top = vmc_chipset_top(ctx);
    const char *sub = NULL;
    for (int i = ctx->nscope - 1; i >= 0; i--) {
        const char *n = ctx->scope[i]->vmsd_name;
        if (n && strchr(n, '/')) {
            sub = n;
            break;
        }
    }
    if (!sub || !top || !top->vmsd_name) {
        return dflt;
    }
    hp_cont_args a = { .top = top->vmsd_name };
    size_t plen = (size_t)(strchr(sub, '/') - sub) + 1;
    if (plen >= sizeof(a.prefix)) {
        return dflt;
    }
    memcpy(a.prefix, sub, plen);
    char owner[64];
    memcpy(owner, sub, plen - 1);
    owner[plen - 1] = '\0';
    a.owner = owner;
    int64_t n = vmc_chipset_scan_hp_array(ctx->next, ctx->next_len, HP_MAX_COUNT, hp_cont, &a);
    return n >= 0 ? n : dflt;
}

/*
 * Machine property: the number of RAM hot-plug slots (-m ...,slots=N,
 * MachineState.ram_slots); QEMU's default is 0.  Inferred from the data.
 */
int64_t vmc_acpi_memhp_dev_count(const vmc_hook_ctx *ctx)
{
    int64_t slots = vmc_chipset_ram_slots(ctx);
    if (slots >= 0) {
        return slots;
    }
    return hp_dev_count(ctx, 0);
}

/*
 * Machine property: the number of possible CPUs (-smp ...,maxcpus=N);
 * QEMU's default is 1.  Inferred from the data.
 */
int64_t vmc_acpi_cpuhp_dev_count(const vmc_hook_ctx *ctx)
{
    int64_t cpus = vmc_chipset_max_cpus(ctx);
    if (cpus > 0) {
        return cpus;
    }
    return hp_dev_count(ctx, 1);
}
