/*
 * Built-in descriptors: group "bridges" (QEMU 7.2).  See registry.h.
 *
 * PCI/PCIe topology devices (hw/pci-bridge/): the generic pcie-root-port,
 * ioh3420, the XIO3130 switch ports, pci-bridge (and pci-bridge-seat, same
 * vmsd), pcie-pci-bridge and the i82801b11 DMI-to-PCI bridge.  The
 * secondary bus each of them creates migrates as its own PCIBUS section
 * (pci_core.c).
 */
#include "devices/pci_config.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/value_internal.h"
#include "vmstate/vmsd_macros.h"

#include <string.h>

/* SHPC register file migrated by the "shpc" info: 0x24 + 4 bytes per slot,
 * and QEMU 7.2 always builds 31 slots (hw/pci/shpc.c, not a property). */
#define SHPC_SLOTS 31
#define SHPC_STATE_SIZE (0x24 + 4 * SHPC_SLOTS)

/* QEMU_VM_SECTION_FOOTER: the byte that follows a section's last field. */
#define SECTION_FOOTER 0x7e

/* ---- hooks ----------------------------------------------------------------- */

/* The PCI config bytes decoded earlier in this section (PCIDevice.config). */
static const vmc_value *scope_pci_config(const vmc_value *v, int depth)
{
    if (!v || depth > 3) {
        return NULL;
    }
    if (v->kind == VMC_VALUE_BYTES && v->type && strcmp(v->type, "pci config") == 0) {
        return v;
    }
    for (size_t i = 0; i < v->nchild; i++) {
        const vmc_value *c = scope_pci_config(v->child[i], depth + 1);
        if (c) {
            return c;
        }
    }
    return NULL;
}

static const vmc_value *hook_pci_config(const vmc_hook_ctx *ctx)
{
    for (int i = ctx->nscope - 1; i >= 0; i--) {
        const vmc_value *c = scope_pci_config(ctx->scope[i], 0);
        if (c) {
            return c;
        }
    }
    return NULL;
}

/*
 * gen_rp_test_migrate_msix: pcie-root-port property "x-migrate-msix"
 * (default on; off for machine types <= 2.9 via hw_compat_2_9).
 * TODO(machine model): read the property from ctx->device.
 * Without a model the bytes tell: a root port has one MSI-X vector, so the
 * state is 17 bytes followed by the section footer; when the property is
 * off the section ends right here.  Otherwise assume the 7.2 default (on).
 */
static bool gen_rp_test_migrate_msix(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    if (!ctx->next) {
        return true;
    }
    if (ctx->next_len == 0) {
        return false;   /* the section payload ends before the field */
    }
    if (ctx->next[0] == SECTION_FOOTER &&
        !(ctx->next_len > 17 && ctx->next[17] == SECTION_FOOTER)) {
        return false;
    }
    return true;
}

/*
 * pci_device_shpc_present: pci-bridge property "shpc" (default on; off for
 * machine types 2.9 via hw_compat_2_9).  QEMU tests whether the SHPC
 * controller exists, and it exists exactly when the SHPC capability was
 * added to config space, so the config decoded before tells.
 * TODO(machine model): prefer the property from ctx->device.
 */
static bool pci_device_shpc_present(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    const vmc_value *cfg = hook_pci_config(ctx);
    if (!cfg) {
        return true;   /* 7.2 default: shpc=on */
    }
    return vmc_pci_find_cap(cfg->v.bytes.p, cfg->v.bytes.n, VMC_PCI_CAP_ID_SHPC) != 0;
}

const vmc_hook_def vmc_hooks_bridges[] = {
    { "gen_rp_test_migrate_msix", VMC_HOOK_EXISTS, gen_rp_test_migrate_msix, NULL },
    { "pci_device_shpc_present", VMC_HOOK_EXISTS, pci_device_shpc_present, NULL },
    { NULL, 0, NULL, NULL },
};

/* ---- PCIe ports ------------------------------------------------------------ */

/* hw/pci-bridge/gen_pcie_root_port.c */
static const vmc_field rp_dev_fields[] = {
    VMC_STRUCT("parent_obj.parent_obj.parent_obj", vmc_vmsd_pci_device),
    VMC_STRUCT("parent_obj.parent_obj.parent_obj.exp.aer_log", vmc_vmsd_pcie_aer_log),
    { .name = "parent_obj.parent_obj.parent_obj.parent_obj", .flags = VMC_F_STRUCT,
      .vmsd = &vmc_vmsd_msix, .exists = "gen_rp_test_migrate_msix" },
    VMC_END,
};

static const vmc_vmsd vmsd_rp_dev = {
    .name = "pcie-root-port", .version_id = 1, .minimum_version_id = 1,
    .priority = VMC_PRI_PCI_BUS, .fields = rp_dev_fields,
};

/* ioh3420 and xio3130-downstream: a PCIESlot with its AER log, no MSI-X state. */
static const vmc_field slot_fields[] = {
    VMC_STRUCT("parent_obj.parent_obj.parent_obj", vmc_vmsd_pci_device),
    VMC_STRUCT("parent_obj.parent_obj.parent_obj.exp.aer_log", vmc_vmsd_pcie_aer_log),
    VMC_END,
};

/* hw/pci-bridge/ioh3420.c (the vmsd name really says "3240") */
static const vmc_vmsd vmsd_ioh3420 = {
    .name = "ioh-3240-express-root-port", .version_id = 1, .minimum_version_id = 1,
    .priority = VMC_PRI_PCI_BUS, .fields = slot_fields,
};

/* hw/pci-bridge/xio3130_downstream.c */
static const vmc_vmsd vmsd_xio3130_downstream = {
    .name = "xio3130-express-downstream-port", .version_id = 1, .minimum_version_id = 1,
    .priority = VMC_PRI_PCI_BUS, .fields = slot_fields,
};

/* hw/pci-bridge/xio3130_upstream.c: a PCIEPort, one level less of nesting. */
static const vmc_field xio3130_upstream_fields[] = {
    VMC_STRUCT("parent_obj.parent_obj", vmc_vmsd_pci_device),
    VMC_STRUCT("parent_obj.parent_obj.exp.aer_log", vmc_vmsd_pcie_aer_log),
    VMC_END,
};

static const vmc_vmsd vmsd_xio3130_upstream = {
    .name = "xio3130-express-upstream-port", .version_id = 1, .minimum_version_id = 1,
    .priority = VMC_PRI_PCI_BUS, .fields = xio3130_upstream_fields,
};

/* ---- PCI bridges ----------------------------------------------------------- */

/* hw/pci-bridge/pci_bridge_dev.c: pci-bridge and pci-bridge-seat */
static const vmc_field pci_bridge_dev_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    { .name = "shpc", .info = "shpc", .flags = VMC_F_BUFFER, .size = SHPC_STATE_SIZE,
      .exists = "pci_device_shpc_present" },
    VMC_END,
};

static const vmc_vmsd vmsd_pci_bridge_dev = {
    .name = "pci_bridge", .version_id = 0, .minimum_version_id = 0,
    .priority = VMC_PRI_PCI_BUS, .fields = pci_bridge_dev_fields,
};

/* hw/pci-bridge/pcie_pci_bridge.c: SHPC always present */
static const vmc_field pcie_pci_bridge_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    { .name = "shpc", .info = "shpc", .flags = VMC_F_BUFFER, .size = SHPC_STATE_SIZE },
    VMC_END,
};

static const vmc_vmsd vmsd_pcie_pci_bridge = {
    .name = "pcie-pci-bridge", .version_id = 0, .minimum_version_id = 0,
    .priority = VMC_PRI_PCI_BUS, .fields = pcie_pci_bridge_fields,
};

/* hw/pci-bridge/i82801b11.c: i82801b11-bridge (DMI-to-PCI) */
static const vmc_field i82801b11_fields[] = {
    VMC_STRUCT("parent_obj", vmc_vmsd_pci_device),
    VMC_END,
};

static const vmc_vmsd vmsd_i82801b11 = {
    .name = "i82801b11_bridge", .version_id = 0, .minimum_version_id = 0,
    .priority = VMC_PRI_PCI_BUS, .fields = i82801b11_fields,
};

const vmc_vmsd *const vmc_vmsds_bridges[] = {
    &vmsd_rp_dev,
    &vmsd_ioh3420,
    &vmsd_xio3130_upstream,
    &vmsd_xio3130_downstream,
    &vmsd_pci_bridge_dev,
    &vmsd_pcie_pci_bridge,
    &vmsd_i82801b11,
    NULL,
};
