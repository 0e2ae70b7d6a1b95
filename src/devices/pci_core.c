/*
 * PCI core descriptors of QEMU 7.2 (hw/pci/pci.c, pci_host.c): PCIDevice
 * (embedded in every PCI device's vmsd), PCIBUS and PCIHost sections.
 */
#include "devices/pci_config.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

#include <string.h>

/*
 * Is this PCIDevice PCI Express (4096-byte config)?  A model says so
 * through the pseudo-property "@pci-express"; without one, the config bytes themselves
 * tell: QEMU adds the Express capability to every device it flags express.
 */
static bool migrate_is_pcie(const vmc_hook_ctx *ctx, int version_id)
{
    const char *model = vmc_hook_device_prop(ctx, "@pci-express");
    if (model) {
        return strcmp(model, "on") == 0;
    }
    if (ctx->next && ctx->next_len >= 256) {
        return vmc_pci_find_cap(ctx->next, 256, VMC_PCI_CAP_ID_EXP) != 0;
    }
    return false;
}

static bool migrate_is_not_pcie(const vmc_hook_ctx *ctx, int version_id)
{
    return !migrate_is_pcie(ctx, version_id);
}

const vmc_hook_def vmc_hooks_pci[] = {
    { "migrate_is_pcie", VMC_HOOK_EXISTS, migrate_is_pcie, NULL },
    { "migrate_is_not_pcie", VMC_HOOK_EXISTS, migrate_is_not_pcie, NULL },
    { NULL, 0, NULL, NULL },
};

static const vmc_field pci_device_fields[] = {
    VMC_F("version_id", "int32 le", 4),
    { .name = "config", .info = "pci config", .size = 256, .exists = "migrate_is_not_pcie" },
    { .name = "config", .info = "pci config", .size = 4096, .exists = "migrate_is_pcie" },
    VMC_F_V("irq_state", "pci irq state", 16, 2),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_pci_device = {
    .name = "PCIDevice", .version_id = 2, .minimum_version_id = 1,
    .fields = pci_device_fields,
};

static const vmc_field pcibus_fields[] = {
    { .name = "nirq", .info = "int32 equal", .size = 4 },
    { .name = "irq_count", .info = "int32", .size = 4, .flags = VMC_F_VARRAY_INT32,
      .num_field = "nirq" },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_pcibus = {
    .name = "PCIBUS", .version_id = 1, .minimum_version_id = 1,
    .fields = pcibus_fields,
};

static const vmc_field pci_host_fields[] = {
    VMC_UINT32("config_reg"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_pci_host = {
    .name = "PCIHost", .version_id = 1, .minimum_version_id = 1,
    .fields = pci_host_fields, .needed = "pci_host_needed",
};

const vmc_vmsd *const vmc_vmsds_pci[] = {
    &vmc_vmsd_pcibus,
    &vmc_vmsd_pci_host,
    NULL,
};

/* MSI-X state: the "msix" vmsd with its single custom field (hw/pci/msix.c). */
static const vmc_field msix_fields[] = {
    { .name = "msix", .info = "msix state" },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_msix = {
    .name = "msix", .version_id = 0, .minimum_version_id = 0,
    .fields = msix_fields,
};

/* PCIe AER error log (hw/pci/pcie_aer.c), used by ports and e1000e. */
static const vmc_field aer_err_fields[] = {
    VMC_UINT32("status"),
    VMC_UINT16("source_id"),
    VMC_UINT16("flags"),
    VMC_UINT32_ARRAY("header", 4),
    VMC_UINT32_ARRAY("prefix", 4),
    VMC_END,
};

static const vmc_vmsd vmsd_pcie_aer_err = {
    .name = "PCIE_AER_ERROR", .version_id = 1, .minimum_version_id = 1,
    .fields = aer_err_fields,
};

static const vmc_field aer_log_fields[] = {
    VMC_UINT16("log_num"),
    { .name = "log_max", .info = "uint16 equal", .size = 2 },
    /* VMSTATE_VALIDATE("log_num <= log_max"): no bytes */
    { .name = "log", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT16 | VMC_F_POINTER,
      .num_field = "log_num", .vmsd = &vmsd_pcie_aer_err },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_pcie_aer_log = {
    .name = "PCIE_AER_ERROR_LOG", .version_id = 1, .minimum_version_id = 1,
    .fields = aer_log_fields,
};
