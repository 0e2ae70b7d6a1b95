/*
 * CPU hotplug AML of the DSDT: the register-based interface of QEMU 2.7+
 * (PRES/CPUS devices, one Processor object per possible CPU) and the
 * bitmap interface the 2.6-and-older machine types keep (CPON package,
 * one Processor object per APIC id).
 */
#include "machine-types/acpi_build.h"

typedef vmc_aml A;

static A *I(uint64_t v) { return vmc_aml_int(v); }
static A *N(const char *s) { return vmc_aml_name("%s", s); }

#define CPUHP_REG_LEN 12
#define CMD_GET_NEXT_CPU_WITH_EVENT 0
#define CMD_OST_EVENT 1
#define CMD_OST_STATUS 2
#define RES "\\_SB.PCI0.PRES"

static A *R(const char *field)
{
    return vmc_aml_name("%s.%s", RES, field);
}

static A *cpu_ctrl_dev(const vmc_acpi_info *in)
{
    uint16_t io = in->cpu_hp_io_base;
    A *dev = vmc_aml_device("%s", RES);
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0A06")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", vmc_aml_string("CPU Hotplug resources")));
    vmc_aml_append(dev, vmc_aml_mutex("CPLK", 0));
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io(io, io, 1, CPUHP_REG_LEN));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(dev, vmc_aml_operation_region("PRST", VMC_AML_SYSTEM_IO, I(io), CPUHP_REG_LEN));
    A *f = vmc_aml_field("PRST", VMC_AML_BYTE_ACC, false, VMC_AML_WRITE_AS_ZEROS);
    vmc_aml_append(f, vmc_aml_reserved_field(4 * 8));
    vmc_aml_append(f, vmc_aml_named_field("CPEN", 1));
    vmc_aml_append(f, vmc_aml_named_field("CINS", 1));
    vmc_aml_append(f, vmc_aml_named_field("CRMV", 1));
    vmc_aml_append(f, vmc_aml_named_field("CEJ0", 1));
    vmc_aml_append(f, vmc_aml_named_field("CEJF", 1));
    vmc_aml_append(f, vmc_aml_reserved_field(3));
    vmc_aml_append(f, vmc_aml_named_field("CCMD", 8));
    vmc_aml_append(dev, f);
    f = vmc_aml_field("PRST", VMC_AML_DWORD_ACC, false, VMC_AML_PRESERVE);
    vmc_aml_append(f, vmc_aml_named_field("CSEL", 32));
    vmc_aml_append(f, vmc_aml_reserved_field(4 * 8));
    vmc_aml_append(f, vmc_aml_named_field("CDAT", 32));
    vmc_aml_append(dev, f);
    /* the PC machines still have the legacy interface: switch it off at boot */
    A *m = vmc_aml_method("_INI", 0, true);
    vmc_aml_append(m, vmc_aml_store(I(0), N("CSEL")));
    vmc_aml_append(dev, m);
    return dev;
}

static A *cscn_method(const vmc_acpi_info *in)
{
    const uint8_t per_pass = 255;
    A *zero = I(0), *one = I(1);
    A *has_event = vmc_aml_local(0), *added = vmc_aml_local(1), *idx = vmc_aml_local(2);
    A *uid = vmc_aml_local(3), *has_job = vmc_aml_local(4);
    A *lock = R("CPLK"), *sel = R("CSEL"), *cmd = R("CCMD"), *data = R("CDAT");
    A *ins = R("CINS"), *rmv = R("CRMV");
    A *cnew = N("CNEW");

    A *m = vmc_aml_method("CSCN", 0, true);
    vmc_aml_append(m, vmc_aml_acquire(lock, 0xffff));
    vmc_aml_append(m, vmc_aml_name_decl("CNEW", vmc_aml_package(per_pass)));
    vmc_aml_append(m, vmc_aml_store(zero, uid));
    vmc_aml_append(m, vmc_aml_store(one, has_job));
    A *outer = vmc_aml_while(vmc_aml_equal(has_job, one));
    vmc_aml_append(outer, vmc_aml_store(zero, has_job));
    vmc_aml_append(outer, vmc_aml_store(one, has_event));
    vmc_aml_append(outer, vmc_aml_store(zero, added));
    A *scan = vmc_aml_while(vmc_aml_land(vmc_aml_equal(has_event, one),
                                         vmc_aml_lless(uid, I(in->max_cpus))));
    {
        vmc_aml_append(scan, vmc_aml_store(zero, has_event));
        vmc_aml_append(scan, vmc_aml_store(uid, sel));
        vmc_aml_append(scan, vmc_aml_store(I(CMD_GET_NEXT_CPU_WITH_EVENT), cmd));
        A *ifc = vmc_aml_if(vmc_aml_lless(data, uid));
        vmc_aml_append(ifc, vmc_aml_break());
        vmc_aml_append(scan, ifc);
        ifc = vmc_aml_if(vmc_aml_equal(added, I(per_pass)));
        vmc_aml_append(ifc, vmc_aml_store(one, has_job));
        vmc_aml_append(ifc, vmc_aml_break());
        vmc_aml_append(scan, ifc);
        vmc_aml_append(scan, vmc_aml_store(data, uid));
        ifc = vmc_aml_if(vmc_aml_equal(ins, one));
        vmc_aml_append(ifc, vmc_aml_store(uid, vmc_aml_index(cnew, added)));
        vmc_aml_append(ifc, vmc_aml_increment(added));
        vmc_aml_append(ifc, vmc_aml_store(one, has_event));
        vmc_aml_append(scan, ifc);
        A *els = vmc_aml_else();
        ifc = vmc_aml_if(vmc_aml_equal(rmv, one));
        vmc_aml_append(ifc, vmc_aml_call("CTFY", 2, uid, I(3)));
        vmc_aml_append(ifc, vmc_aml_store(one, rmv));
        vmc_aml_append(ifc, vmc_aml_store(one, has_event));
        vmc_aml_append(els, ifc);
        vmc_aml_append(scan, els);
        vmc_aml_append(scan, vmc_aml_increment(uid));
    }
    vmc_aml_append(outer, scan);
    vmc_aml_append(outer, vmc_aml_store(zero, idx));
    A *notify = vmc_aml_while(vmc_aml_lless(idx, added));
    vmc_aml_append(notify, vmc_aml_store(vmc_aml_derefof(vmc_aml_index(cnew, idx)), uid));
    vmc_aml_append(notify, vmc_aml_call("CTFY", 2, uid, I(1)));
    vmc_aml_append(notify, vmc_aml_store(uid, vmc_aml_debug()));
    vmc_aml_append(notify, vmc_aml_store(uid, sel));
    vmc_aml_append(notify, vmc_aml_store(one, ins));
    vmc_aml_append(notify, vmc_aml_increment(idx));
    vmc_aml_append(outer, notify);
    vmc_aml_append(m, outer);
    vmc_aml_append(m, vmc_aml_release(lock));
    return m;
}

void vmc_acpi_cpu_aml(const vmc_acpi_info *in, vmc_aml *dsdt)
{
    A *zero = I(0), *one = I(1);
    A *lock = R("CPLK"), *sel = R("CSEL"), *cmd = R("CCMD"), *data = R("CDAT");
    A *sb = vmc_aml_scope("_SB");
    vmc_aml_append(sb, cpu_ctrl_dev(in));

    A *cpus = vmc_aml_device("\\_SB.CPUS");
    vmc_aml_append(cpus, vmc_aml_name_decl("_HID", vmc_aml_string("ACPI0010")));
    vmc_aml_append(cpus, vmc_aml_name_decl("_CID", vmc_aml_eisaid("PNP0A05")));

    A *m = vmc_aml_method("CTFY", 2, false);
    for (unsigned i = 0; i < in->max_cpus; i++) {
        A *ifc = vmc_aml_if(vmc_aml_equal(vmc_aml_arg(0), I(i)));
        vmc_aml_append(ifc, vmc_aml_notify(vmc_aml_name("C%.03X", i), vmc_aml_arg(1)));
        vmc_aml_append(m, ifc);
    }
    vmc_aml_append(cpus, m);

    m = vmc_aml_method("CSTA", 1, true);
    vmc_aml_append(m, vmc_aml_acquire(lock, 0xffff));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(0), sel));
    vmc_aml_append(m, vmc_aml_store(zero, vmc_aml_local(0)));
    A *ifc = vmc_aml_if(vmc_aml_equal(R("CPEN"), one));
    vmc_aml_append(ifc, vmc_aml_store(I(0xf), vmc_aml_local(0)));
    vmc_aml_append(m, ifc);
    vmc_aml_append(m, vmc_aml_release(lock));
    vmc_aml_append(m, vmc_aml_return(vmc_aml_local(0)));
    vmc_aml_append(cpus, m);

    m = vmc_aml_method("CEJ0", 1, true);
    vmc_aml_append(m, vmc_aml_acquire(lock, 0xffff));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(0), sel));
    vmc_aml_append(m, vmc_aml_store(one, R("CEJ0")));
    vmc_aml_append(m, vmc_aml_release(lock));
    vmc_aml_append(cpus, m);

    vmc_aml_append(cpus, cscn_method(in));

    m = vmc_aml_method("COST", 4, true);
    vmc_aml_append(m, vmc_aml_acquire(lock, 0xffff));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(0), sel));
    vmc_aml_append(m, vmc_aml_store(I(CMD_OST_EVENT), cmd));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(1), data));
    vmc_aml_append(m, vmc_aml_store(I(CMD_OST_STATUS), cmd));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(2), data));
    vmc_aml_append(m, vmc_aml_release(lock));
    vmc_aml_append(cpus, m);

    for (unsigned i = 0; i < in->max_cpus; i++) {
        A *uid = I(i);
        A *dev = vmc_aml_processor((uint8_t)i, 0, 0, "C%.03X", i);
        m = vmc_aml_method("_STA", 0, true);
        vmc_aml_append(m, vmc_aml_return(vmc_aml_call("CSTA", 1, uid)));
        vmc_aml_append(dev, m);
        GByteArray *mat = g_byte_array_new();
        vmc_acpi_madt_cpu(mat, i, in->apic_ids[i], true);
        vmc_aml_append(dev, vmc_aml_name_decl("_MAT", vmc_aml_buffer(mat->len, mat->data)));
        g_byte_array_free(mat, TRUE);
        if (i != 0) {
            m = vmc_aml_method("_EJ0", 1, false);
            vmc_aml_append(m, vmc_aml_call("CEJ0", 1, uid));
            vmc_aml_append(dev, m);
        }
        m = vmc_aml_method("_OST", 3, true);
        vmc_aml_append(m, vmc_aml_call("COST", 4, uid, vmc_aml_arg(0), vmc_aml_arg(1),
                                       vmc_aml_arg(2)));
        vmc_aml_append(dev, m);
        vmc_aml_append(cpus, dev);
    }
    vmc_aml_append(sb, cpus);
    vmc_aml_append(dsdt, sb);

    m = vmc_aml_method("\\_GPE._E02", 0, false);
    vmc_aml_append(m, vmc_aml_call("\\_SB.CPUS.CSCN", 0));
    vmc_aml_append(dsdt, m);
}

void vmc_acpi_legacy_cpu_aml(const vmc_acpi_info *in, vmc_aml *dsdt)
{
    A *zero = I(0), *one = I(1);
    A *cpon = N("CPON");
    A *sb = vmc_aml_scope("_SB");

    /* CPMA(apic id, processor id): a MADT local APIC entry built at run time */
    uint8_t tmpl[8] = {0x00, 0x08, 0x00, 0x00, 0x00, 0, 0, 0};
    A *on = vmc_aml_local(0), *madt = vmc_aml_local(1);
    A *m = vmc_aml_method("CPMA", 2, false);
    vmc_aml_append(m, vmc_aml_store(vmc_aml_derefof(vmc_aml_index(cpon, vmc_aml_arg(0))), on));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_buffer(sizeof(tmpl), tmpl), madt));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(1), vmc_aml_index(madt, I(2))));
    vmc_aml_append(m, vmc_aml_store(vmc_aml_arg(0), vmc_aml_index(madt, I(3))));
    vmc_aml_append(m, vmc_aml_store(on, vmc_aml_index(madt, I(4))));
    vmc_aml_append(m, vmc_aml_return(madt));
    vmc_aml_append(sb, m);

    m = vmc_aml_method("CPST", 1, false);
    vmc_aml_append(m, vmc_aml_store(vmc_aml_derefof(vmc_aml_index(cpon, vmc_aml_arg(0))), on));
    A *ifc = vmc_aml_if(on);
    vmc_aml_append(ifc, vmc_aml_return(I(0xf)));
    vmc_aml_append(m, ifc);
    A *els = vmc_aml_else();
    vmc_aml_append(els, vmc_aml_return(zero));
    vmc_aml_append(m, els);
    vmc_aml_append(sb, m);

    m = vmc_aml_method("CPEJ", 2, false);
    vmc_aml_append(m, vmc_aml_sleep(200));
    vmc_aml_append(sb, m);

    m = vmc_aml_method("PRSC", 0, false);
    {
        A *map = vmc_aml_local(5), *byte = vmc_aml_local(2), *idx = vmc_aml_local(0);
        A *is_on = vmc_aml_local(1), *status = vmc_aml_local(3);
        vmc_aml_append(m, vmc_aml_store(N("PRS"), map));
        vmc_aml_append(m, vmc_aml_store(zero, byte));
        vmc_aml_append(m, vmc_aml_store(zero, idx));
        A *w = vmc_aml_while(vmc_aml_lless(idx, vmc_aml_sizeof(cpon)));
        vmc_aml_append(w, vmc_aml_store(vmc_aml_derefof(vmc_aml_index(cpon, idx)), is_on));
        ifc = vmc_aml_if(vmc_aml_and(idx, I(7), NULL));
        vmc_aml_append(ifc, vmc_aml_shiftright(byte, one, byte));
        vmc_aml_append(w, ifc);
        els = vmc_aml_else();
        vmc_aml_append(els, vmc_aml_store(vmc_aml_derefof(vmc_aml_index(
                                              map, vmc_aml_shiftright(idx, I(3), NULL))),
                                          byte));
        vmc_aml_append(w, els);
        vmc_aml_append(w, vmc_aml_store(vmc_aml_and(byte, one, NULL), status));
        ifc = vmc_aml_if(vmc_aml_lnot(vmc_aml_equal(is_on, status)));
        vmc_aml_append(ifc, vmc_aml_store(status, vmc_aml_index(cpon, idx)));
        A *if2 = vmc_aml_if(vmc_aml_equal(status, one));
        vmc_aml_append(if2, vmc_aml_call("NTFY", 2, idx, I(1)));
        vmc_aml_append(ifc, if2);
        A *els2 = vmc_aml_else();
        vmc_aml_append(els2, vmc_aml_call("NTFY", 2, idx, I(3)));
        vmc_aml_append(ifc, els2);
        vmc_aml_append(w, ifc);
        vmc_aml_append(w, vmc_aml_increment(idx));
        vmc_aml_append(m, w);
    }
    vmc_aml_append(sb, m);

    uint16_t io = in->cpu_hp_io_base;
    A *dev = vmc_aml_device("PCI0.PRES");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0A06")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", vmc_aml_string("CPU Hotplug resources")));
    vmc_aml_append(dev, vmc_aml_name_decl("_STA", I(0xb)));
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io(io, io, 1, 32));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(sb, dev);
    vmc_aml_append(sb, vmc_aml_operation_region("PRST", VMC_AML_SYSTEM_IO, I(io), 32));
    A *f = vmc_aml_field("PRST", VMC_AML_BYTE_ACC, false, VMC_AML_PRESERVE);
    vmc_aml_append(f, vmc_aml_named_field("PRS", 256));
    vmc_aml_append(sb, f);

    for (unsigned i = 0; i < in->max_cpus; i++) {
        uint32_t id = in->apic_ids[i];
        dev = vmc_aml_processor((uint8_t)i, 0, 0, "CP%.02X", id);
        m = vmc_aml_method("_MAT", 0, false);
        vmc_aml_append(m, vmc_aml_return(vmc_aml_call("CPMA", 2, I(id), I(i))));
        vmc_aml_append(dev, m);
        m = vmc_aml_method("_STA", 0, false);
        vmc_aml_append(m, vmc_aml_return(vmc_aml_call("CPST", 1, I(id))));
        vmc_aml_append(dev, m);
        m = vmc_aml_method("_EJ0", 1, false);
        vmc_aml_append(m, vmc_aml_return(vmc_aml_call("CPEJ", 2, I(id), vmc_aml_arg(0))));
        vmc_aml_append(dev, m);
        vmc_aml_append(sb, dev);
    }

    m = vmc_aml_method("NTFY", 2, false);
    for (unsigned i = 0; i < in->max_cpus; i++) {
        uint32_t id = in->apic_ids[i];
        ifc = vmc_aml_if(vmc_aml_equal(vmc_aml_arg(0), I(id)));
        vmc_aml_append(ifc, vmc_aml_notify(vmc_aml_name("CP%.02X", id), vmc_aml_arg(1)));
        vmc_aml_append(m, ifc);
    }
    vmc_aml_append(sb, m);

    /* CPON: one entry per APIC id below the limit, One for CPUs present at start */
    A *pkg = in->apic_id_limit <= 255 ? vmc_aml_package((uint8_t)in->apic_id_limit)
                                      : vmc_aml_varpackage(in->apic_id_limit);
    uint32_t next = 0;
    for (unsigned i = 0; i < in->max_cpus; i++) {
        for (; next < in->apic_ids[i]; next++) {
            vmc_aml_append(pkg, I(0));
        }
        vmc_aml_append(pkg, I(i < in->cpus ? 1 : 0));
        next = in->apic_ids[i] + 1;
    }
    vmc_aml_append(sb, vmc_aml_name_decl("CPON", pkg));
    vmc_aml_append(dsdt, sb);

    m = vmc_aml_method("\\_GPE._E02", 0, false);
    vmc_aml_append(m, vmc_aml_call("\\_SB.PRSC", 0));
    vmc_aml_append(dsdt, m);
}
