/*
 * Device models (machine model side): group "bridges", the PCI / PCIe
 * topology devices.  See devmodel.h.
 *
 * pcie-root-port and ioh3420 (hw/pci-bridge/pcie_root_port.c,
 * gen_pcie_root_port.c, ioh3420.c), the TI X3130 switch ports
 * (xio3130_upstream.c, xio3130_downstream.c), pci-bridge
 * (pci_bridge_dev.c), pcie-pci-bridge and i82801b11-bridge.  Each realize
 * builds the config space in QEMU's order, then applies the device reset
 * and the PCI bus reset; the state that depends on the devices later
 * plugged behind a slot (presence detect, slot power) is computed by
 * vmc_dm_bridges_machine_done().
 */
#include "devices/model_common.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- port classes ------------------------------------------------------------ */

typedef enum port_kind {
    ROOT_PORT,        /* pcie-root-port, ioh3420 (rp_realize) */
    UPSTREAM,         /* x3130-upstream */
    DOWNSTREAM,       /* xio3130-downstream */
} port_kind;

typedef struct port_class {
    const char *type;
    const char *vmsd;
    vmc_pci_ident id;
    port_kind kind;
    bool generic;                 /* pcie-root-port: MSI-X, ACS, reserve cap, x-speed/x-width */
    uint8_t ssvid_offset, exp_offset, msi_offset;
    uint16_t ssvid_svid, ssvid_ssid;
    unsigned msi_vectors;
    bool msi64, msi_mask;
    uint16_t aer_offset, acs_offset;
} port_class;

static const port_class port_classes[] = {
    { "pcie-root-port", "pcie-root-port",
      { .vendor_id = 0x1b36, .device_id = 0x000c, .is_bridge = true },
      ROOT_PORT, true, 0, 0, 0, 0x1b36, 0, 0, false, false, 0x100, 0x148 },
    { "ioh3420", "ioh-3240-express-root-port",
      { .vendor_id = 0x8086, .device_id = 0x3420, .revision = 2, .is_bridge = true },
      ROOT_PORT, false, 0x40, 0x90, 0x60, 0x8086, 0, 2, false, true, 0x100, 0 },
    { "x3130-upstream", "xio3130-express-upstream-port",
      { .vendor_id = 0x104c, .device_id = 0x8232, .revision = 2, .is_bridge = true },
      UPSTREAM, false, 0x80, 0x90, 0x70, 0, 0, 1, true, false, 0x100, 0 },
    { "xio3130-downstream", "xio3130-express-downstream-port",
      { .vendor_id = 0x104c, .device_id = 0x8233, .revision = 1, .is_bridge = true },
      DOWNSTREAM, false, 0x80, 0x90, 0x70, 0, 0, 1, true, false, 0x100, 0 },
};

static const port_class *port_class_of(const char *type)
{
    for (size_t i = 0; i < sizeof(port_classes) / sizeof(port_classes[0]); i++) {
        if (!strcmp(port_classes[i].type, type)) {
            return &port_classes[i];
        }
    }
    return NULL;
}

/* A PCIESlot: the port has a slot and handles hot-plug on its bus. */
static bool is_slot(const char *type)
{
    const port_class *c = port_class_of(type);
    return c && c->kind != UPSTREAM;
}

/* ---- properties -------------------------------------------------------------- */

/* PCIE_LINK_SPEED / PCIE_LINK_WIDTH enum properties of the generic root port. */
static int link_props(vmc_mdev *d, unsigned *speed, unsigned *width)
{
    static const struct { const char *name; unsigned v; } speeds[] = {
        { "2_5", VMC_PCIE_LINK_SPEED_2_5 }, { "5", VMC_PCIE_LINK_SPEED_5 },
        { "8", VMC_PCIE_LINK_SPEED_8 }, { "16", VMC_PCIE_LINK_SPEED_16 },
    };
    static const unsigned widths[] = { 1, 2, 4, 8, 12, 16, 32 };
    const char *s = vmc_mdev_prop(d, "x-speed");
    const char *w = vmc_mdev_prop(d, "x-width");
    *speed = VMC_PCIE_LINK_SPEED_16;
    *width = 32;
    if (s) {
        size_t i;
        for (i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++) {
            if (!strcmp(s, speeds[i].name)) {
                *speed = speeds[i].v;
                break;
            }
        }
        if (i == sizeof(speeds) / sizeof(speeds[0])) {
            return vmc_dm_bad_enum(d, "x-speed", s);
        }
    }
    if (w) {
        char *end;
        unsigned long n = strtoul(w, &end, 10);
        size_t i;
        for (i = 0; *end == '\0' && i < sizeof(widths) / sizeof(widths[0]); i++) {
            if (n == widths[i]) {
                *width = widths[i];
                break;
            }
        }
        if (*end || i == sizeof(widths) / sizeof(widths[0])) {
            return vmc_dm_bad_enum(d, "x-width", w);
        }
    }
    return 0;
}

/* The slot, port and AER properties every PCIe port model reads. */
typedef struct port_props {
    uint64_t port, chassis, slot, aer_log_max;
    bool hotplug, native_hotplug, pcp, disable_acs;
} port_props;

static int read_port_props(vmc_mdev *d, const port_class *c, port_props *o)
{
    int rc;
    memset(o, 0, sizeof(*o));
    if ((rc = vmc_dm_prop_uint(d, "port", 0, 0xff, &o->port)) ||
        (rc = vmc_dm_prop_uint(d, "aer_log_max", VMC_PCIE_AER_LOG_MAX_DEFAULT, 0xffff,
                               &o->aer_log_max))) {
        return rc;
    }
    if (c->kind == UPSTREAM) {
        return 0;
    }
    if ((rc = vmc_dm_prop_uint(d, "chassis", 0, 0xff, &o->chassis)) ||
        (rc = vmc_dm_prop_uint(d, "slot", 0, 0xffff, &o->slot))) {
        return rc;
    }
    o->hotplug = vmc_mdev_prop_bool(d, "hotplug", true);
    /* the machine's sugar property (q35 6.1) comes through the tables */
    o->native_hotplug = vmc_mdev_prop_bool(d, "x-native-hotplug", true);
    o->pcp = vmc_mdev_prop_bool(d, "power_controller_present", true);
    o->disable_acs = vmc_mdev_prop_bool(d, "disable-acs", false);
    return 0;
}

/* pcie_chassis_add_slot: (chassis, slot) must be unique among the slots. */
static int check_chassis_slot(vmc_model *m, vmc_mdev *d, const port_props *o)
{
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *x = g_ptr_array_index(m->devices, i);
        if (x == d) {
            break;
        }
        if (!x->pci || !is_slot(x->type)) {
            continue;
        }
        uint64_t chassis, slot;
        if (vmc_dm_prop_uint(x, "chassis", 0, 0xff, &chassis) ||
            vmc_dm_prop_uint(x, "slot", 0, 0xffff, &slot)) {
            continue;
        }
        /* QEMU compares the existing slot number with the new one cut to 8 bits */
        if (chassis == o->chassis && slot == (o->slot & 0xff)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Can't add chassis slot, "
                                 "error -16", d->type);
        }
    }
    return 0;
}

/* ---- hot-plug handlers ------------------------------------------------------- */

typedef enum handler {
    H_NONE,
    H_ACPI,           /* ICH9-LPC / PIIX4_PM ACPI PCI hot-plug with bridge support */
    H_ACPI_LEGACY,    /* PIIX4_PM without bridge support: root bus only */
    H_PORT,           /* the PCIe slot of the bus's port (native) */
    H_SHPC,           /* the bridge's SHPC */
} handler;

static bool has_board_device(vmc_model *m, const char *type)
{
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        if (!d->opts && !strcmp(d->type, type)) {
            return true;
        }
    }
    return false;
}

/*
 * The hot-plug handler of bus b for cold-plugged devices: ACPI takes over
 * the bus of every bridge cold-plugged on an ACPI-handled bus
 * (acpi_pcihp_device_plug_cb), except a PCIe slot with hotplug=off,
 * whose bus then has none; otherwise the bridge's own slot or SHPC.
 */
static handler bus_handler(vmc_model *m, const vmc_mbus *b, int depth)
{
    if (!b || depth > 64) {
        return H_NONE;
    }
    if (!b->parent) {
        if (m->q35) {
            return has_board_device(m, "ICH9-LPC") &&
                   vmc_model_prop_bool(m, "ICH9-LPC", "acpi-pci-hotplug-with-bridge-support",
                                       true)
                       ? H_ACPI
                       : H_NONE;
        }
        if (!has_board_device(m, "PIIX4_PM")) {
            return H_NONE;
        }
        return vmc_model_prop_bool(m, "PIIX4_PM", "acpi-pci-hotplug-with-bridge-support", true)
                   ? H_ACPI
                   : H_ACPI_LEGACY;
    }
    vmc_mdev *br = b->parent;
    if (bus_handler(m, br->bus, depth + 1) == H_ACPI) {
        if (is_slot(br->type) && !vmc_mdev_prop_bool(br, "hotplug", true)) {
            return H_NONE;
        }
        return H_ACPI;
    }
    if (is_slot(br->type)) {
        return H_PORT;
    }
    if (!strcmp(br->type, "pcie-pci-bridge") ||
        (!strcmp(br->type, "pci-bridge") && br->pci && br->pci->shpc_cap)) {
        return H_SHPC;
    }
    return H_NONE;
}

/* ---- PCIe ports ------------------------------------------------------------------- */

/* rp_reset / xio3130 resets, then the bus's pci_do_device_reset. */
static void port_reset(vmc_pci_config *p, const port_class *c, bool populated)
{
    switch (c->kind) {
    case ROOT_PORT:
        vmc_pcie_aer_root_set_vector(p, 0);
        vmc_pcie_cap_root_reset(p);
        vmc_pcie_cap_deverr_reset(p);
        vmc_pcie_cap_slot_reset(p, populated);
        vmc_pcie_cap_arifwd_reset(p);
        vmc_pcie_acs_reset(p);
        vmc_pcie_aer_root_reset(p);
        vmc_pci_bridge_reset(p);
        vmc_pci_bridge_disable_base_limit(p);
        break;
    case UPSTREAM:
        vmc_pci_bridge_reset(p);
        vmc_pcie_cap_deverr_reset(p);
        break;
    case DOWNSTREAM:
        vmc_pcie_cap_deverr_reset(p);
        vmc_pcie_cap_slot_reset(p, populated);
        vmc_pcie_cap_arifwd_reset(p);
        vmc_pci_bridge_reset(p);
        break;
    }
    vmc_pci_reset(p);
}

static int port_realize(vmc_model *m, vmc_mdev *d)
{
    const port_class *c = port_class_of(d->type);
    port_props o;
    int rc;
    if ((rc = read_port_props(d, c, &o))) {
        return rc;
    }
    unsigned speed = 0, width = 0;
    vmc_pci_res_reserve res = VMC_PCI_RES_RESERVE_UNSET;
    if (c->generic) {
        uint64_t bus;
        if ((rc = link_props(d, &speed, &width)) ||
            (rc = vmc_dm_prop_uint(d, "bus-reserve", UINT32_MAX, UINT32_MAX, &bus)) ||
            (rc = vmc_dm_prop_size(d, "io-reserve", UINT64_MAX, &res.io)) ||
            (rc = vmc_dm_prop_size(d, "mem-reserve", UINT64_MAX, &res.mem_non_pref)) ||
            (rc = vmc_dm_prop_size(d, "pref32-reserve", UINT64_MAX, &res.mem_pref_32)) ||
            (rc = vmc_dm_prop_size(d, "pref64-reserve", UINT64_MAX, &res.mem_pref_64))) {
            return rc;
        }
        res.bus = (uint32_t)bus;
    } else if (c->kind == ROOT_PORT) {
        /* rp_instance_post_init: 2.5 GT/s x1 when unset (no x-speed on ioh3420) */
        speed = VMC_PCIE_LINK_SPEED_2_5;
        width = 1;
    }

    if ((rc = vmc_dm_pci_init(m, d, &c->id, true, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    if (c->kind == ROOT_PORT) {
        p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    }
    if ((rc = vmc_pci_bridge_init(p)) < 0) {
        return rc;
    }
    vmc_pcie_port_init_reg(p);
    if (c->kind == ROOT_PORT) {
        if ((rc = vmc_pci_bridge_ssvid_init(p, c->ssvid_offset, c->ssvid_svid,
                                            c->ssvid_ssid)) < 0) {
            return rc;
        }
        rc = c->generic ? vmc_msix_init_exclusive_bar(p, 1, 0, 0)
                        : vmc_msi_init(p, c->msi_offset, c->msi_vectors, c->msi64, c->msi_mask);
    } else {
        if ((rc = vmc_msi_init(p, c->msi_offset, c->msi_vectors, c->msi64, c->msi_mask)) >= 0) {
            rc = vmc_pci_bridge_ssvid_init(p, c->ssvid_offset, c->ssvid_svid, c->ssvid_ssid);
        }
    }
    if (rc < 0) {
        return rc;
    }
    static const uint8_t exp_type[] = { [ROOT_PORT] = VMC_PCI_EXP_TYPE_ROOT_PORT,
                                        [UPSTREAM] = VMC_PCI_EXP_TYPE_UPSTREAM,
                                        [DOWNSTREAM] = VMC_PCI_EXP_TYPE_DOWNSTREAM };
    if ((rc = vmc_pcie_cap_init(p, c->exp_offset, exp_type[c->kind], (uint8_t)o.port,
                                false)) < 0) {
        return rc;
    }
    if (c->kind != UPSTREAM && (rc = vmc_pcie_cap_fill_link(p, speed, width)) < 0) {
        return rc;
    }
    vmc_pcie_slot_opts so = {
        .slot = (uint16_t)o.slot,
        /* hot-plugged ports (not modelled) would get HPS|HPC regardless */
        .hotplug = o.hotplug && o.native_hotplug,
        .power_controller_present = o.pcp,
    };
    switch (c->kind) {
    case ROOT_PORT:
        vmc_pcie_cap_arifwd_init(p);
        vmc_pcie_cap_deverr_init(p);
        if ((rc = vmc_pcie_cap_slot_init(p, &so)) < 0) {
            return rc;
        }
        vmc_pcie_cap_root_init(p);
        break;
    case UPSTREAM:
        vmc_pcie_cap_flr_init(p);
        vmc_pcie_cap_deverr_init(p);
        break;
    case DOWNSTREAM:
        vmc_pcie_cap_flr_init(p);
        vmc_pcie_cap_deverr_init(p);
        if ((rc = vmc_pcie_cap_slot_init(p, &so)) < 0) {
            return rc;
        }
        vmc_pcie_cap_arifwd_init(p);
        break;
    }
    if (c->kind != UPSTREAM && (rc = check_chassis_slot(m, d, &o))) {
        return rc;
    }
    if ((rc = vmc_pcie_aer_init_log(p, VMC_PCI_ERR_VER, c->aer_offset, VMC_PCI_ERR_SIZEOF,
                                    (unsigned)o.aer_log_max)) < 0) {
        return rc;
    }
    if (c->kind == ROOT_PORT) {
        vmc_pcie_aer_root_init(p);
        vmc_pcie_aer_root_set_vector(p, 0);   /* generic: 0; ioh3420: 1 MSI vector -> 0 */
        if (c->acs_offset && !o.disable_acs && (rc = vmc_pcie_acs_init(p, c->acs_offset)) < 0) {
            return rc;
        }
    }
    if (c->generic) {
        if (res.io == UINT64_MAX && o.hotplug && !o.native_hotplug) {
            res.io = 4096;   /* ACPI hot-plug hides native hot-plug: reserve I/O */
        }
        if ((rc = vmc_pci_bridge_qemu_reserve_cap_init(p, 0, &res)) < 0) {
            return rc;
        }
        if (res.io == 0) {
            p->wmask[VMC_PCI_COMMAND] &= (uint8_t)~VMC_PCI_COMMAND_IO;
            p->wmask[VMC_PCI_IO_BASE] = 0;
            p->wmask[VMC_PCI_IO_LIMIT] = 0;
        }
    }
    port_reset(p, c, false);

    vmc_model_entry *e = vmc_dm_register(m, d, c->vmsd);
    vmc_dm_bridge_bus(m, d, VMC_BUS_PCIE);
    vmc_dm_publish(m, d, e);
    return 0;
}

/* ---- conventional bridges ------------------------------------------------------------ */

/* The end of a bridge's realize: bridge and device reset, its section, its
 * secondary bus, its PCI function in the model. */
static int finish_bridge(vmc_model *m, vmc_mdev *d, const char *vmsd, vmc_bus_kind bus)
{
    vmc_pci_bridge_reset(d->pci);
    vmc_pci_reset(d->pci);
    vmc_model_entry *e = vmc_dm_register(m, d, vmsd);
    vmc_dm_bridge_bus(m, d, bus);
    vmc_dm_publish(m, d, e);
    return 0;
}

/* hw/pci-bridge/pci_bridge_dev.c */
static int pci_bridge_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x1b36, .device_id = 0x0001,
                                      .is_bridge = true };
    uint64_t chassis_nr, bus;
    vmc_dm_onoffauto msi;
    vmc_pci_res_reserve res = VMC_PCI_RES_RESERVE_UNSET;
    int rc;
    if ((rc = vmc_dm_prop_uint(d, "chassis_nr", 0, 0xff, &chassis_nr)) ||
        (rc = vmc_dm_prop_onoffauto(d, "msi", VMC_DM_AUTO, &msi)) ||
        (rc = vmc_dm_prop_uint(d, "bus-reserve", UINT32_MAX, UINT32_MAX, &bus)) ||
        (rc = vmc_dm_prop_size(d, "io-reserve", UINT64_MAX, &res.io)) ||
        (rc = vmc_dm_prop_size(d, "mem-reserve", UINT64_MAX, &res.mem_non_pref)) ||
        (rc = vmc_dm_prop_size(d, "pref32-reserve", UINT64_MAX, &res.mem_pref_32)) ||
        (rc = vmc_dm_prop_size(d, "pref64-reserve", UINT64_MAX, &res.mem_pref_64))) {
        return rc;
    }
    res.bus = (uint32_t)bus;
    bool shpc = vmc_mdev_prop_bool(d, "shpc", true);
    if ((rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    if ((rc = vmc_pci_bridge_init(p)) < 0) {
        return rc;
    }
    if (shpc) {
        p->config[VMC_PCI_INTERRUPT_PIN] = 1;
        if ((rc = vmc_pci_shpc_init(p, 0, -1)) < 0) {
            return rc;
        }
    } else {
        msi = VMC_DM_OFF;   /* MSI serves the SHPC only */
    }
    if ((rc = vmc_pci_slotid_cap_init(p, 0, (uint8_t)chassis_nr, 0)) < 0) {
        if (!chassis_nr) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Bridge chassis not "
                                 "specified. Each bridge is required to be assigned a unique "
                                 "chassis id > 0.", d->type);
        }
        return rc;
    }
    if (msi != VMC_DM_OFF && (rc = vmc_msi_init(p, 0, 1, true, true)) < 0) {
        return rc;
    }
    if ((rc = vmc_pci_bridge_qemu_reserve_cap_init(p, 0, &res)) < 0) {
        return rc;
    }
    if (shpc && (rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM64,
                                           vmc_pci_shpc_bar_size())) < 0) {
        return rc;
    }
    return finish_bridge(m, d, "pci_bridge", VMC_BUS_PCI);
}

/* hw/pci-bridge/pcie_pci_bridge.c */
static int pcie_pci_bridge_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x1b36, .device_id = 0x000e,
                                      .is_bridge = true };
    vmc_dm_onoffauto msi;
    int rc;
    if ((rc = vmc_dm_prop_onoffauto(d, "msi", VMC_DM_AUTO, &msi))) {
        return rc;
    }
    if ((rc = vmc_dm_pci_init(m, d, &id, true, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    if ((rc = vmc_pci_bridge_init(p)) < 0) {
        return rc;
    }
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    if ((rc = vmc_pci_shpc_init(p, 0, -1)) < 0 ||
        (rc = vmc_pcie_cap_init(p, 0, VMC_PCI_EXP_TYPE_PCI_BRIDGE, 0, false)) < 0 ||
        (rc = vmc_pci_add_pm_capability(p, 0, 0x3)) < 0) {
        return rc;
    }
    vmc_pcie_cap_arifwd_init(p);
    vmc_pcie_cap_deverr_init(p);
    /* not a PCIe port: no aer_log_max property, the log size stays 0 */
    if ((rc = vmc_pcie_aer_init_log(p, VMC_PCI_ERR_VER, 0x100, VMC_PCI_ERR_SIZEOF, 0)) < 0) {
        return rc;
    }
    if (msi != VMC_DM_OFF && (rc = vmc_msi_init(p, 0, 1, true, true)) < 0) {
        return rc;
    }
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM64, vmc_pci_shpc_bar_size())) < 0) {
        return rc;
    }
    return finish_bridge(m, d, "pcie-pci-bridge", VMC_BUS_PCI);
}

/* hw/pci-bridge/i82801b11.c: the ICH9 DMI-to-PCI bridge */
static int i82801b11_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x244e,
                                      .revision = 0x92, .is_bridge = true };
    int rc;
    if ((rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    if ((rc = vmc_pci_bridge_init(p)) < 0 ||
        (rc = vmc_pci_bridge_ssvid_init(p, 0x50, 0, 0)) < 0) {
        return rc;
    }
    p->config[VMC_PCI_CLASS_PROG] = 0x01;   /* subtractive decode */
    return finish_bridge(m, d, "i82801b11_bridge", VMC_BUS_PCI);
}

/* ---- machine done: slot presence and power ------------------------------------------- */

void vmc_dm_bridges_machine_done(vmc_model *m)
{
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        const port_class *c = port_class_of(d->type);
        if (!c || c->kind == UPSTREAM || !d->pci || !d->pci->exp_cap || !d->buses ||
            !d->buses->len) {
            continue;
        }
        vmc_mbus *sec = g_ptr_array_index(d->buses, 0);
        vmc_pci_config *p = d->pci;
        uint8_t *e = p->config + p->exp_cap;
        /* recomputed from the cold-plugged children every time */
        vmc_pci_set_word(e + VMC_PCI_EXP_SLTSTA,
                         vmc_pci_get_word(e + VMC_PCI_EXP_SLTSTA) &
                             (uint16_t)~VMC_PCI_EXP_SLTSTA_PDS);
        vmc_pci_set_word(e + VMC_PCI_EXP_LNKSTA,
                         vmc_pci_get_word(e + VMC_PCI_EXP_LNKSTA) &
                             (uint16_t)~VMC_PCI_EXP_LNKSTA_DLLLA);
        if (bus_handler(m, sec, 0) == H_PORT) {
            /* pcie_cap_slot_plug_cb for each cold-plugged function */
            for (int fn = 0; fn < 256; fn++) {
                vmc_mdev *child = sec->children[fn];
                if (child) {
                    vmc_pcie_cap_slot_plug(p, vmc_mdev_prop_bool(child, "x-pcie-lnksta-dllla",
                                                                 true));
                }
            }
        }
        /* system reset: power follows the function at devfn 0 */
        vmc_pcie_cap_slot_reset(p, sec->children[0] != NULL);
    }
}

const vmc_devmodel vmc_devmodels_bridges[] = {
    { "pcie-root-port", VMC_BUS_PCIE, port_realize },
    { "ioh3420", VMC_BUS_PCIE, port_realize },
    { "x3130-upstream", VMC_BUS_PCIE, port_realize },
    { "xio3130-downstream", VMC_BUS_PCIE, port_realize },
    { "pci-bridge", VMC_BUS_PCI, pci_bridge_realize },
    { "pcie-pci-bridge", VMC_BUS_PCIE, pcie_pci_bridge_realize },
    { "i82801b11-bridge", VMC_BUS_PCI, i82801b11_realize },
    { NULL, 0, NULL },
};
