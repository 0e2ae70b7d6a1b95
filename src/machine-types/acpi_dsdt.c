/*
 * The DSDT of the PC machines (QEMU 7.2's build_dsdt order): debug port,
 * PCI0 host bridge, ACPI PCI hotplug registers, interrupt routing and link
 * devices, HPET, GPE block, CPU hotplug, PCI0 resources, sleep states,
 * fw_cfg, the PCI device tree and the hotplug GPE handler.
 *
 * A fresh machine has not been reset yet, so no PCI bus has a hotplug
 * selector (BSEL is assigned at the first reset): no slot gets hotplug
 * methods, only present functions (function 0, functions with their own
 * AML, and cold-plugged bridges when bridge hotplug is on) are described.
 */
#include "machine-types/acpi_build.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

#define HPET_BASE 0xfed00000u
#define HPET_LEN 0x400u
#define FW_CFG_IO_BASE 0x510

typedef vmc_aml A;

static A *I(uint64_t v) { return vmc_aml_int(v); }
static A *N(const char *s) { return vmc_aml_name("%s", s); }

/* ---- debug port ---- */

static void dbg_aml(A *dsdt)
{
    A *scope = vmc_aml_scope("\\");
    vmc_aml_append(scope, vmc_aml_operation_region("DBG", VMC_AML_SYSTEM_IO, I(0x402), 1));
    A *f = vmc_aml_field("DBG", VMC_AML_BYTE_ACC, false, VMC_AML_PRESERVE);
    vmc_aml_append(f, vmc_aml_named_field("DBGB", 8));
    vmc_aml_append(scope, f);

    A *buf = vmc_aml_local(0), *len = vmc_aml_local(1), *idx = vmc_aml_local(2);
    A *m = vmc_aml_method("DBUG", 1, false);
    vmc_aml_append(m, vmc_aml_to_hexstring(vmc_aml_arg(0), buf));
    vmc_aml_append(m, vmc_aml_to_buffer(buf, buf));
    vmc_aml_append(m, vmc_aml_subtract(vmc_aml_sizeof(buf), I(1), len));
    vmc_aml_append(m, vmc_aml_store(I(0), idx));
    A *w = vmc_aml_while(vmc_aml_lless(idx, len));
    vmc_aml_append(w, vmc_aml_store(vmc_aml_derefof(vmc_aml_index(buf, idx)), N("DBGB")));
    vmc_aml_append(w, vmc_aml_increment(idx));
    vmc_aml_append(m, w);
    vmc_aml_append(m, vmc_aml_store(I(0x0a), N("DBGB")));
    vmc_aml_append(scope, m);
    vmc_aml_append(dsdt, scope);
}

/* ---- PCI0 host bridge ---- */

static A *q35_osc(bool native_hotplug)
{
    A *cdw1 = N("CDW1"), *ctrl = vmc_aml_local(0);
    A *m = vmc_aml_method("_OSC", 4, false);
    vmc_aml_append(m, vmc_aml_create_dword_field(vmc_aml_arg(3), I(0), "CDW1"));
    A *ifc = vmc_aml_if(vmc_aml_equal(vmc_aml_arg(0),
                                      vmc_aml_touuid("33DB4D5B-1FF7-401C-9657-7441C03DD766")));
    vmc_aml_append(ifc, vmc_aml_create_dword_field(vmc_aml_arg(3), I(4), "CDW2"));
    vmc_aml_append(ifc, vmc_aml_create_dword_field(vmc_aml_arg(3), I(8), "CDW3"));
    vmc_aml_append(ifc, vmc_aml_store(N("CDW3"), ctrl));
    /* PME, AER, SHPC always; native PCIe hotplug only without ACPI hotplug */
    vmc_aml_append(ifc, vmc_aml_and(ctrl, I(0x1e | (native_hotplug ? 1 : 0)), ctrl));
    A *if2 = vmc_aml_if(vmc_aml_lnot(vmc_aml_equal(vmc_aml_arg(1), I(1))));
    vmc_aml_append(if2, vmc_aml_or(cdw1, I(0x08), cdw1));
    vmc_aml_append(ifc, if2);
    if2 = vmc_aml_if(vmc_aml_lnot(vmc_aml_equal(N("CDW3"), ctrl)));
    vmc_aml_append(if2, vmc_aml_or(cdw1, I(0x10), cdw1));
    vmc_aml_append(ifc, if2);
    vmc_aml_append(ifc, vmc_aml_store(ctrl, N("CDW3")));
    vmc_aml_append(m, ifc);
    A *els = vmc_aml_else();
    vmc_aml_append(els, vmc_aml_or(cdw1, I(4), cdw1));
    vmc_aml_append(m, els);
    vmc_aml_append(m, vmc_aml_return(vmc_aml_arg(3)));
    return m;
}

static void pci0_device(const vmc_acpi_info *in, A *dsdt)
{
    A *sb = vmc_aml_scope("_SB");
    A *dev = vmc_aml_device("PCI0");
    if (in->q35) {
        vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0A08")));
        vmc_aml_append(dev, vmc_aml_name_decl("_CID", vmc_aml_eisaid("PNP0A03")));
        vmc_aml_append(dev, vmc_aml_name_decl("_ADR", I(0)));
        vmc_aml_append(dev, vmc_aml_name_decl("_UID", I(in->pci_root_uid)));
        vmc_aml_append(dev, q35_osc(!in->pcihp_bridge_en));
    } else {
        vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0A03")));
        vmc_aml_append(dev, vmc_aml_name_decl("_ADR", I(0)));
        vmc_aml_append(dev, vmc_aml_name_decl("_UID", I(in->pci_root_uid)));
    }
    /* no MMCONFIG (DRAC) yet: the MCH maps PCIEXBAR at reset */
    vmc_aml_append(sb, dev);
    vmc_aml_append(dsdt, sb);
}

/* ---- ACPI PCI hotplug registers and helper methods ---- */

static A *pci_pdsm(void)
{
    A *ret = vmc_aml_local(0), *caps = vmc_aml_local(1), *aidx = vmc_aml_local(2);
    A *zero = I(0), *one = I(1), *not_supp = I(0xffffffffu);
    A *func = vmc_aml_arg(2), *rev = vmc_aml_arg(1), *params = vmc_aml_arg(4);
    A *bnum = vmc_aml_derefof(vmc_aml_index(params, I(0)));
    A *sun = vmc_aml_derefof(vmc_aml_index(params, I(1)));

    A *m = vmc_aml_method("PDSM", 5, true);
    A *ifc = vmc_aml_if(vmc_aml_equal(func, zero));
    {
        uint8_t none = 0;
        vmc_aml_append(ifc, vmc_aml_store(vmc_aml_buffer(1, &none), ret));
        vmc_aml_append(ifc, vmc_aml_store(zero, caps));
        A *if1 = vmc_aml_if(vmc_aml_lnot(vmc_aml_equal(
            vmc_aml_arg(0), vmc_aml_touuid("E5C937D0-3553-4D7A-9117-EA4D19C3434D"))));
        vmc_aml_append(if1, vmc_aml_return(ret));
        vmc_aml_append(ifc, if1);
        if1 = vmc_aml_if(vmc_aml_lless(rev, I(2)));
        vmc_aml_append(if1, vmc_aml_return(ret));
        vmc_aml_append(ifc, if1);
        vmc_aml_append(ifc, vmc_aml_store(vmc_aml_call("AIDX", 2, bnum, sun), aidx));
        if1 = vmc_aml_if(vmc_aml_lnot(vmc_aml_or(vmc_aml_equal(aidx, zero),
                                                 vmc_aml_equal(aidx, not_supp), NULL)));
        vmc_aml_append(if1, vmc_aml_or(caps, one, caps));
        vmc_aml_append(if1, vmc_aml_or(caps, vmc_aml_shiftleft(one, I(7)), caps));
        vmc_aml_append(ifc, if1);
        vmc_aml_append(ifc, vmc_aml_store(caps, vmc_aml_index(ret, zero)));
        vmc_aml_append(ifc, vmc_aml_return(ret));
    }
    vmc_aml_append(m, ifc);

    ifc = vmc_aml_if(vmc_aml_equal(func, I(7)));
    {
        vmc_aml_append(ifc, vmc_aml_store(vmc_aml_call("AIDX", 2, bnum, sun), aidx));
        vmc_aml_append(ifc, vmc_aml_store(vmc_aml_package(2), ret));
        A *if1 = vmc_aml_if(vmc_aml_lnot(vmc_aml_lor(vmc_aml_equal(aidx, zero),
                                                     vmc_aml_equal(aidx, not_supp))));
        vmc_aml_append(if1, vmc_aml_store(aidx, vmc_aml_index(ret, zero)));
        vmc_aml_append(if1, vmc_aml_store(vmc_aml_string("%s", ""), vmc_aml_index(ret, one)));
        vmc_aml_append(ifc, if1);
        vmc_aml_append(ifc, vmc_aml_return(ret));
    }
    vmc_aml_append(m, ifc);
    return m;
}

static void pci_hotplug_aml(const vmc_acpi_info *in, A *dsdt)
{
    uint32_t base = in->pcihp_io_base;
    A *scope = vmc_aml_scope("_SB.PCI0");
    vmc_aml_append(scope, vmc_aml_operation_region("PCST", VMC_AML_SYSTEM_IO, I(base), 8));
    A *f = vmc_aml_field("PCST", VMC_AML_DWORD_ACC, false, VMC_AML_WRITE_AS_ZEROS);
    vmc_aml_append(f, vmc_aml_named_field("PCIU", 32));
    vmc_aml_append(f, vmc_aml_named_field("PCID", 32));
    vmc_aml_append(scope, f);
    vmc_aml_append(scope, vmc_aml_operation_region("SEJ", VMC_AML_SYSTEM_IO, I(base + 8), 4));
    f = vmc_aml_field("SEJ", VMC_AML_DWORD_ACC, false, VMC_AML_WRITE_AS_ZEROS);
    vmc_aml_append(f, vmc_aml_named_field("B0EJ", 32));
    vmc_aml_append(scope, f);
    vmc_aml_append(scope,
                   vmc_aml_operation_region("BNMR", VMC_AML_SYSTEM_IO, I(base + 0x10), 8));
    f = vmc_aml_field("BNMR", VMC_AML_DWORD_ACC, false, VMC_AML_WRITE_AS_ZEROS);
    vmc_aml_append(f, vmc_aml_named_field("BNUM", 32));
    vmc_aml_append(f, vmc_aml_named_field("PIDX", 32));
    vmc_aml_append(scope, f);
    vmc_aml_append(scope, vmc_aml_mutex("BLCK", 0));

    A *m = vmc_aml_method("PCEJ", 2, false);
    vmc_aml_append(m, vmc_aml_acquire(N("BLCK"), 0xffff));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(0), N("BNUM")));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_shiftleft(I(1), vmc_aml_arg(1)), N("B0EJ")));
    vmc_aml_append(m, vmc_aml_release(N("BLCK")));
    vmc_aml_append(m, vmc_aml_return(I(0)));
    vmc_aml_append(scope, m);

    m = vmc_aml_method("AIDX", 2, false);
    vmc_aml_append(m, vmc_aml_acquire(N("BLCK"), 0xffff));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(0), N("BNUM")));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_shiftleft(I(1), vmc_aml_arg(1)), N("PIDX")));
    vmc_aml_append(m, vmc_aml_store(N("PIDX"), vmc_aml_local(0)));
    vmc_aml_append(m, vmc_aml_release(N("BLCK")));
    vmc_aml_append(m, vmc_aml_return(vmc_aml_local(0)));
    vmc_aml_append(scope, m);

    vmc_aml_append(scope, pci_pdsm());
    vmc_aml_append(dsdt, scope);
}

/* ---- interrupt routing ---- */

static A *prt_entry(const char *link)
{
    A *zero = I(0);
    A *pkg = vmc_aml_package(4);
    vmc_aml_append(pkg, zero);
    vmc_aml_append(pkg, zero);
    vmc_aml_append(pkg, N(link));
    vmc_aml_append(pkg, zero);
    return pkg;
}

static A *route_if(A *route, const char *link, A *lnk_idx, int idx)
{
    A *ifc = vmc_aml_if(vmc_aml_equal(lnk_idx, I((uint64_t)idx)));
    vmc_aml_append(ifc, vmc_aml_store(prt_entry(link), route));
    return ifc;
}

/* i440fx _PRT: 128 entries computed in a loop, link (slot + pin) & 3. */
static A *piix_prt(void)
{
    A *res = vmc_aml_local(0), *pin = vmc_aml_local(1);
    A *m = vmc_aml_method("_PRT", 0, false);
    vmc_aml_append(m, vmc_aml_store(vmc_aml_package(128), res));
    vmc_aml_append(m, vmc_aml_store(I(0), pin));
    A *w = vmc_aml_while(vmc_aml_lless(pin, I(128)));
    {
        A *slot = vmc_aml_local(2), *lnk = vmc_aml_local(3), *route = vmc_aml_local(4);
        vmc_aml_append(w, vmc_aml_store(vmc_aml_shiftright(pin, I(2), NULL), slot));
        vmc_aml_append(w, vmc_aml_store(vmc_aml_and(vmc_aml_add(pin, slot, NULL), I(3), NULL),
                                        lnk));
        vmc_aml_append(w, route_if(route, "LNKD", lnk, 0));
        /* slot 1 pin A is the PM device: its SCI goes through LNKS */
        A *if_dev1 = vmc_aml_if(vmc_aml_equal(lnk, I(1)));
        A *if_pin4 = vmc_aml_if(vmc_aml_equal(pin, I(4)));
        vmc_aml_append(if_pin4, vmc_aml_store(prt_entry("LNKS"), route));
        vmc_aml_append(if_dev1, if_pin4);
        A *els = vmc_aml_else();
        vmc_aml_append(els, vmc_aml_store(prt_entry("LNKA"), route));
        vmc_aml_append(if_dev1, els);
        vmc_aml_append(w, if_dev1);
        vmc_aml_append(w, route_if(route, "LNKB", lnk, 2));
        vmc_aml_append(w, route_if(route, "LNKC", lnk, 3));
        vmc_aml_append(w, vmc_aml_store(vmc_aml_or(vmc_aml_shiftleft(slot, I(16)), I(0xffff),
                                                   NULL),
                                        vmc_aml_index(route, I(0))));
        vmc_aml_append(w, vmc_aml_store(vmc_aml_and(pin, I(3), NULL),
                                        vmc_aml_index(route, I(1))));
        vmc_aml_append(w, vmc_aml_store(route, vmc_aml_index(res, pin)));
        vmc_aml_append(w, vmc_aml_increment(pin));
    }
    vmc_aml_append(m, w);
    vmc_aml_append(m, vmc_aml_return(res));
    return m;
}

static const uint32_t link_irqs[] = {5, 10, 11};

static A *link_dev(const char *name, uint8_t uid, const char *reg)
{
    A *dev = vmc_aml_device("%s", name);
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0C0F")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", I(uid)));
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_interrupt_shared_level(link_irqs, 3));
    vmc_aml_append(dev, vmc_aml_name_decl("_PRS", crs));
    A *m = vmc_aml_method("_STA", 0, false);
    vmc_aml_append(m, vmc_aml_return(vmc_aml_call("IQST", 1, N(reg))));
    vmc_aml_append(dev, m);
    m = vmc_aml_method("_DIS", 0, false);
    vmc_aml_append(m, vmc_aml_or(N(reg), I(0x80), N(reg)));
    vmc_aml_append(dev, m);
    m = vmc_aml_method("_CRS", 0, false);
    vmc_aml_append(m, vmc_aml_return(vmc_aml_call("IQCR", 1, N(reg))));
    vmc_aml_append(dev, m);
    m = vmc_aml_method("_SRS", 1, false);
    vmc_aml_append(m, vmc_aml_create_dword_field(vmc_aml_arg(0), I(5), "PRRI"));
    vmc_aml_append(m, vmc_aml_store(N("PRRI"), N(reg)));
    vmc_aml_append(dev, m);
    return dev;
}

static A *gsi_link_dev(const char *name, uint8_t uid, uint32_t gsi)
{
    A *dev = vmc_aml_device("%s", name);
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0C0F")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", I(uid)));
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_interrupt_shared_level(&gsi, 1));
    vmc_aml_append(dev, vmc_aml_name_decl("_PRS", crs));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(dev, vmc_aml_method("_DIS", 0, false));
    vmc_aml_append(dev, vmc_aml_method("_SRS", 1, false));
    return dev;
}

static A *iqcr_method(bool piix)
{
    A *m = vmc_aml_method("IQCR", 1, true);
    A *crs = vmc_aml_resource_template();
    uint32_t zero = 0;
    vmc_aml_append(crs, vmc_aml_interrupt_shared_level(&zero, 1));
    vmc_aml_append(m, vmc_aml_name_decl("PRR0", crs));
    vmc_aml_append(m, vmc_aml_create_dword_field(N("PRR0"), I(5), "PRRI"));
    if (piix) {
        A *ifc = vmc_aml_if(vmc_aml_lless(vmc_aml_arg(0), I(0x80)));
        vmc_aml_append(ifc, vmc_aml_store(vmc_aml_arg(0), N("PRRI")));
        vmc_aml_append(m, ifc);
    } else {
        vmc_aml_append(m, vmc_aml_store(vmc_aml_and(vmc_aml_arg(0), I(0xf), NULL), N("PRRI")));
    }
    vmc_aml_append(m, vmc_aml_return(N("PRR0")));
    return m;
}

static A *iqst_method(void)
{
    A *m = vmc_aml_method("IQST", 1, false);
    A *ifc = vmc_aml_if(vmc_aml_and(I(0x80), vmc_aml_arg(0), NULL));
    vmc_aml_append(ifc, vmc_aml_return(I(0x09)));
    vmc_aml_append(m, ifc);
    vmc_aml_append(m, vmc_aml_return(I(0x0b)));
    return m;
}

static void piix_pci0_int(A *dsdt)
{
    A *sb = vmc_aml_scope("_SB");
    A *pci0 = vmc_aml_scope("PCI0");
    vmc_aml_append(pci0, piix_prt());
    vmc_aml_append(sb, pci0);
    vmc_aml_append(sb, iqst_method());
    vmc_aml_append(sb, iqcr_method(true));
    vmc_aml_append(sb, link_dev("LNKA", 0, "PRQ0"));
    vmc_aml_append(sb, link_dev("LNKB", 1, "PRQ1"));
    vmc_aml_append(sb, link_dev("LNKC", 2, "PRQ2"));
    vmc_aml_append(sb, link_dev("LNKD", 3, "PRQ3"));

    /* the SCI link: always GSI 9, active high */
    A *dev = vmc_aml_device("LNKS");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0C0F")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", I(4)));
    A *crs = vmc_aml_resource_template();
    uint32_t nine = 9;
    vmc_aml_append(crs, vmc_aml_interrupt_shared_level(&nine, 1));
    vmc_aml_append(dev, vmc_aml_name_decl("_PRS", crs));
    A *m = vmc_aml_method("_STA", 0, false);
    vmc_aml_append(m, vmc_aml_return(I(0x0b)));
    vmc_aml_append(dev, m);
    vmc_aml_append(dev, vmc_aml_method("_DIS", 0, false));
    m = vmc_aml_method("_CRS", 0, false);
    vmc_aml_append(m, vmc_aml_return(N("_PRS")));
    vmc_aml_append(dev, m);
    vmc_aml_append(dev, vmc_aml_method("_SRS", 1, false));
    vmc_aml_append(sb, dev);
    vmc_aml_append(dsdt, sb);
}

/* Four entries of a slot: pin i goes to link (first + i) mod 4 of its group. */
static void q35_prt_slot(A *pkg, uint32_t slot, const char *prefix, char first)
{
    char base = first < 'E' ? 'A' : 'E';
    A *nr = I(slot << 16 | 0xffff);
    for (int i = 0; i < 4; i++) {
        char name[5];
        snprintf(name, sizeof(name), "%s%c", prefix, base + (first - base + i) % 4);
        A *e = vmc_aml_package(4);
        vmc_aml_append(e, nr);
        vmc_aml_append(e, I((uint64_t)i));
        vmc_aml_append(e, N(name));
        vmc_aml_append(e, I(0));
        vmc_aml_append(pkg, e);
    }
}

static A *q35_routing_table(const char *prefix)
{
    A *pkg = vmc_aml_package(128);
    for (uint32_t i = 0; i < 0x18; i++) {
        q35_prt_slot(pkg, i, prefix, (char)('E' + (i & 3)));
    }
    q35_prt_slot(pkg, 0x18, prefix, 'E');
    for (uint32_t i = 0x19; i < 0x1e; i++) {
        q35_prt_slot(pkg, i, prefix, 'A');   /* D<N>IR defaults: INTA -> PIRQA */
    }
    q35_prt_slot(pkg, 0x1e, prefix, 'E');    /* PCIe-to-PCI bridge */
    q35_prt_slot(pkg, 0x1f, prefix, 'A');
    return pkg;
}

static void q35_pci0_int(A *dsdt)
{
    vmc_aml_append(dsdt, vmc_aml_name_decl("PICF", I(0)));
    A *m = vmc_aml_method("_PIC", 1, false);
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(0), N("PICF")));
    vmc_aml_append(dsdt, m);

    A *sb = vmc_aml_scope("_SB");
    A *pci0 = vmc_aml_scope("PCI0");
    vmc_aml_append(pci0, vmc_aml_name_decl("PRTP", q35_routing_table("LNK")));
    vmc_aml_append(pci0, vmc_aml_name_decl("PRTA", q35_routing_table("GSI")));
    m = vmc_aml_method("_PRT", 0, false);
    A *ifc = vmc_aml_if(vmc_aml_equal(N("PICF"), I(0)));
    vmc_aml_append(ifc, vmc_aml_return(N("PRTP")));
    vmc_aml_append(m, ifc);
    A *els = vmc_aml_else();
    vmc_aml_append(els, vmc_aml_return(N("PRTA")));
    vmc_aml_append(m, els);
    vmc_aml_append(pci0, m);
    vmc_aml_append(sb, pci0);

    vmc_aml_append(sb, iqst_method());
    vmc_aml_append(sb, iqcr_method(false));
    for (int i = 0; i < 8; i++) {
        char name[5], reg[5];
        snprintf(name, sizeof(name), "LNK%c", 'A' + i);
        snprintf(reg, sizeof(reg), "PRQ%c", 'A' + i);
        vmc_aml_append(sb, link_dev(name, (uint8_t)i, reg));
    }
    for (int i = 0; i < 8; i++) {
        char name[5];
        snprintf(name, sizeof(name), "GSI%c", 'A' + i);
        vmc_aml_append(sb, gsi_link_dev(name, (uint8_t)(0x10 + i), 0x10u + (uint32_t)i));
    }
    vmc_aml_append(dsdt, sb);
}

/* ---- HPET ---- */

static void hpet_aml(A *dsdt)
{
    A *zero = I(0), *id = vmc_aml_local(0), *period = vmc_aml_local(1);
    A *sb = vmc_aml_scope("_SB");
    A *dev = vmc_aml_device("HPET");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0103")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", zero));
    vmc_aml_append(dev, vmc_aml_operation_region("HPTM", VMC_AML_SYSTEM_MEMORY, I(HPET_BASE),
                                                 HPET_LEN));
    A *f = vmc_aml_field("HPTM", VMC_AML_DWORD_ACC, true, VMC_AML_PRESERVE);
    vmc_aml_append(f, vmc_aml_named_field("VEND", 32));
    vmc_aml_append(f, vmc_aml_named_field("PRD", 32));
    vmc_aml_append(dev, f);
    A *m = vmc_aml_method("_STA", 0, false);
    vmc_aml_append(m, vmc_aml_store(N("VEND"), id));
    vmc_aml_append(m, vmc_aml_store(N("PRD"), period));
    vmc_aml_append(m, vmc_aml_shiftright(id, I(16), id));
    A *ifc = vmc_aml_if(vmc_aml_lor(vmc_aml_equal(id, zero), vmc_aml_equal(id, I(0xffff))));
    vmc_aml_append(ifc, vmc_aml_return(zero));
    vmc_aml_append(m, ifc);
    ifc = vmc_aml_if(vmc_aml_lor(vmc_aml_equal(period, zero),
                                 vmc_aml_lgreater(period, I(100000000))));
    vmc_aml_append(ifc, vmc_aml_return(zero));
    vmc_aml_append(m, ifc);
    vmc_aml_append(m, vmc_aml_return(I(0x0f)));
    vmc_aml_append(dev, m);
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_memory32_fixed(HPET_BASE, HPET_LEN, false));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(sb, dev);
    vmc_aml_append(dsdt, sb);
}

/* ---- PCI0 resources, GPE0 and hotplug I/O reservations ---- */

static void pci0_resources(const vmc_acpi_info *in, A *dsdt)
{
    A *scope = vmc_aml_scope("\\_SB.PCI0");
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_word_bus_number(0, 0xff, 0x100));
    vmc_aml_append(crs, vmc_aml_io(0x0cf8, 0x0cf8, 1, 8));
    vmc_aml_append(crs, vmc_aml_word_io(0, 0x0cf7, 0x0cf8));
    vmc_aml_append(crs, vmc_aml_word_io(0x0d00, 0xffff, 0xf300));
    vmc_aml_append(crs, vmc_aml_dword_memory(true, 0xa0000, 0xbffff, 0x20000));
    /* the 32-bit hole is [hole_start, hole_end - 1]; nothing is carved out of it */
    uint64_t lo = in->hole_start, hi = in->hole_end - 1;
    if (lo < hi) {
        vmc_aml_append(crs, vmc_aml_dword_memory(false, (uint32_t)lo, (uint32_t)hi,
                                                 (uint32_t)(hi - lo + 1)));
    }
    if (in->hole64_end) {
        uint64_t lo64 = in->hole64_start, hi64 = in->hole64_end - 1;
        if (lo64 < hi64) {
            vmc_aml_append(crs, vmc_aml_qword_memory(true, lo64, hi64, hi64 - lo64 + 1));
        }
    }
    vmc_aml_append(scope, vmc_aml_name_decl("_CRS", crs));

    A *dev = vmc_aml_device("GPE0");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_string("PNP0A06")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", vmc_aml_string("GPE0 resources")));
    vmc_aml_append(dev, vmc_aml_name_decl("_STA", I(0xb)));
    crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io((uint16_t)in->gpe0_addr, (uint16_t)in->gpe0_addr, 1,
                                   (uint8_t)in->gpe0_len));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(scope, dev);

    if (in->pcihp_io_len && (in->pcihp_bridge_en || in->pcihp_root_en)) {
        dev = vmc_aml_device("PHPR");
        vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_string("PNP0A06")));
        vmc_aml_append(dev, vmc_aml_name_decl("_UID", vmc_aml_string("PCI Hotplug resources")));
        vmc_aml_append(dev, vmc_aml_name_decl("_STA", I(0xb)));
        crs = vmc_aml_resource_template();
        vmc_aml_append(crs, vmc_aml_io(in->pcihp_io_base, in->pcihp_io_base, 1,
                                       (uint8_t)in->pcihp_io_len));
        vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
        vmc_aml_append(scope, dev);
    }
    vmc_aml_append(dsdt, scope);
}

static A *sleep_pkg(uint64_t a, uint64_t b)
{
    A *pkg = vmc_aml_package(4);
    vmc_aml_append(pkg, I(a));
    vmc_aml_append(pkg, I(b));
    vmc_aml_append(pkg, I(0));
    vmc_aml_append(pkg, I(0));
    return pkg;
}

static void sleep_states(const vmc_acpi_info *in, A *dsdt)
{
    A *scope = vmc_aml_scope("\\");
    if (!in->s3_disabled) {
        vmc_aml_append(scope, vmc_aml_name_decl("_S3", sleep_pkg(1, 1)));
    }
    if (!in->s4_disabled) {
        vmc_aml_append(scope, vmc_aml_name_decl("_S4", sleep_pkg(in->s4_val, in->s4_val)));
    }
    vmc_aml_append(scope, vmc_aml_name_decl("_S5", sleep_pkg(0, 0)));
    vmc_aml_append(dsdt, scope);
}

static void fw_cfg_aml(const vmc_acpi_info *in, A *dsdt)
{
    A *scope = vmc_aml_scope("\\_SB.PCI0");
    A *dev = vmc_aml_device("FWCF");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_string("QEMU0002")));
    vmc_aml_append(dev, vmc_aml_name_decl("_STA", I(0xb)));
    A *crs = vmc_aml_resource_template();
    /* selector + data (2 bytes), plus the DMA address register when enabled */
    vmc_aml_append(crs, vmc_aml_io(FW_CFG_IO_BASE, FW_CFG_IO_BASE, 1, in->fw_cfg_dma ? 12 : 2));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(scope, dev);
    vmc_aml_append(dsdt, scope);
}

/* ---- the PCI device tree ---- */

static vmc_mbus *secondary_bus(vmc_mdev *d)
{
    if (!d->buses) {
        return NULL;
    }
    for (guint i = 0; i < d->buses->len; i++) {
        vmc_mbus *b = g_ptr_array_index(d->buses, i);
        if (b->kind == VMC_BUS_PCI || b->kind == VMC_BUS_PCIE) {
            return b;
        }
    }
    return NULL;
}

static int pci_bus_devices(const vmc_acpi_info *in, A *scope, vmc_mbus *bus, int depth)
{
    if (depth > 64) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, bus->name,
                             "ACPI tables: PCI bridges nested too deep");
    }
    for (int devfn = 0; devfn < 256; devfn++) {
        vmc_mdev *d = bus->children[devfn];
        if (!d) {
            continue;   /* no hotplug selector yet: empty slots are not described */
        }
        vmc_mbus *sec = secondary_bus(d);
        bool bridge_in_acpi = sec && in->pcihp_bridge_en;
        bool has_aml = false;
        A *dev = vmc_aml_device("S%.02X", devfn);
        vmc_aml_append(dev, vmc_aml_name_decl("_ADR", I((uint64_t)((devfn >> 3) << 16 |
                                                                  (devfn & 7)))));
        int rc = vmc_acpi_pci_dev_aml(in, d, dev, &has_aml);
        if (rc) {
            return rc;
        }
        if ((devfn & 7) && !bridge_in_acpi && !has_aml) {
            continue;
        }
        if (bridge_in_acpi && (rc = pci_bus_devices(in, dev, sec, depth + 1))) {
            return rc;
        }
        vmc_aml_append(scope, dev);
    }
    if (in->pcihp_bridge_en) {
        A *m = vmc_aml_method("PCNT", 0, false);
        /* child buses are listed newest first */
        vmc_model *model = in->m;
        for (guint i = model->buses->len; i-- > 0;) {
            vmc_mbus *b = g_ptr_array_index(model->buses, i);
            if ((b->kind == VMC_BUS_PCI || b->kind == VMC_BUS_PCIE) && b->parent &&
                b->parent->bus == bus) {
                vmc_aml_append(m, vmc_aml_name("^S%.02X.PCNT", b->parent->devfn));
            }
        }
        vmc_aml_append(scope, m);
    }
    return 0;
}

/* ---- the table ---- */

int vmc_acpi_build_dsdt(const vmc_acpi_info *in, GByteArray *tables, vmc_acpi_linker *l)
{
    int rc = 0;
    vmc_aml_arena_begin();
    A *dsdt = vmc_aml_root();
    bool pcihp = in->pcihp_bridge_en || in->pcihp_root_en;

    dbg_aml(dsdt);
    pci0_device(in, dsdt);
    if (in->q35) {
        if (in->pcihp_bridge_en) {
            pci_hotplug_aml(in, dsdt);
        }
        q35_pci0_int(dsdt);
    } else {
        if (pcihp) {
            pci_hotplug_aml(in, dsdt);
        }
        piix_pci0_int(dsdt);
    }
    if (in->hpet) {
        hpet_aml(dsdt);
    }
    A *gpe = vmc_aml_scope("_GPE");
    vmc_aml_append(gpe, vmc_aml_name_decl("_HID", vmc_aml_string("ACPI0006")));
    vmc_aml_append(dsdt, gpe);
    if (in->legacy_cpu_hotplug) {
        vmc_acpi_legacy_cpu_aml(in, dsdt);
    } else {
        vmc_acpi_cpu_aml(in, dsdt);
    }
    pci0_resources(in, dsdt);
    sleep_states(in, dsdt);
    fw_cfg_aml(in, dsdt);

    A *sb = vmc_aml_scope("\\_SB");
    A *pci0 = vmc_aml_scope("PCI0");
    rc = pci_bus_devices(in, pci0, in->root, 0);
    vmc_aml_append(sb, pci0);
    vmc_aml_append(dsdt, sb);

    if (pcihp) {
        gpe = vmc_aml_scope("_GPE");
        A *m = vmc_aml_method("_E01", 0, false);
        vmc_aml_append(m, vmc_aml_acquire(N("\\_SB.PCI0.BLCK"), 0xffff));
        vmc_aml_append(m, vmc_aml_call("\\_SB.PCI0.PCNT", 0));
        vmc_aml_append(m, vmc_aml_release(N("\\_SB.PCI0.BLCK")));
        vmc_aml_append(gpe, m);
        vmc_aml_append(dsdt, gpe);
    }
    if (!rc) {
        size_t off = vmc_acpi_table_begin(tables, "DSDT", 1);
        size_t len;
        const uint8_t *bytes = vmc_aml_bytes(dsdt, &len);
        g_byte_array_append(tables, bytes, (guint)len);
        vmc_acpi_table_end(tables, l, off);
    }
    vmc_aml_arena_end();
    return rc;
}
