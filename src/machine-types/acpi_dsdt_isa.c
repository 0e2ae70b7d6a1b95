/*
 * AML that PCI functions add to their own S<devfn> device in the DSDT: the
 * ISA bridges (PIIX3, ICH9 LPC) with the PIRQ routing registers and the
 * devices on their ISA bus, the ICH9 SMBus controller (nothing on our SMBus
 * has AML) and the standard VGA devices (_SxD methods).
 *
 * The ISA bus lists its devices newest first: the -device ISA devices in
 * reverse command-line order, then the board's i8042, floppy controller
 * (i440fx) and RTC.
 */
#include "machine-types/acpi_build.h"
#include "common/error_internal.h"
#include "machine-types/board_defaults.h"

#include <stdlib.h>
#include <string.h>

typedef vmc_aml A;

static A *I(uint64_t v) { return vmc_aml_int(v); }

static uint64_t global_uint(vmc_model *m, const char *driver, const char *prop, uint64_t dflt)
{
    const char *v = vmc_acpi_global(m, driver, prop);
    if (!v) {
        return dflt;
    }
    char *end;
    unsigned long long n = strtoull(v, &end, 0);
    return *end ? dflt : n;
}

static uint64_t dev_uint(vmc_mdev *d, const char *prop, uint64_t dflt)
{
    const char *v = vmc_acpi_dev_prop(d, prop);
    if (!v) {
        return dflt;
    }
    char *end;
    long long n = strtoll(v, &end, 0);
    return (*end || n < 0) ? dflt : (uint64_t)n;
}

static void i8042_aml(vmc_model *m, A *scope)
{
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io(0x60, 0x60, 1, 1));
    vmc_aml_append(crs, vmc_aml_io(0x64, 0x64, 1, 1));
    vmc_aml_append(crs, vmc_aml_irq_no_flags((uint8_t)global_uint(m, "i8042", "kbd-irq", 1)));
    A *kbd = vmc_aml_device("KBD");
    vmc_aml_append(kbd, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0303")));
    vmc_aml_append(kbd, vmc_aml_name_decl("_STA", I(0xf)));
    vmc_aml_append(kbd, vmc_aml_name_decl("_CRS", crs));

    crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_irq_no_flags((uint8_t)global_uint(m, "i8042", "mouse-irq", 12)));
    A *mou = vmc_aml_device("MOU");
    vmc_aml_append(mou, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0F13")));
    vmc_aml_append(mou, vmc_aml_name_decl("_STA", I(0xf)));
    vmc_aml_append(mou, vmc_aml_name_decl("_CRS", crs));

    vmc_aml_append(scope, kbd);
    vmc_aml_append(scope, mou);
}

static int fdc_aml(vmc_model *m, A *scope)
{
    if (vmc_acpi_global(m, "isa-fdc", "driveA") || vmc_acpi_global(m, "isa-fdc", "driveB")) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "isa-fdc",
                             "ACPI tables: floppy drives are not modelled");
    }
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *ifc = vmc_qopts_get(o, "if");
        if (!strcmp(vmc_cmdline_backend_kind(m->cl, i), "drive") && ifc &&
            !strcmp(ifc, "floppy")) {
            return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-drive",
                                 "ACPI tables: floppy drives are not modelled");
        }
    }
    uint32_t io = (uint32_t)global_uint(m, "isa-fdc", "iobase", 0x3f0);
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io((uint16_t)(io + 2), (uint16_t)(io + 2), 0, 4));
    vmc_aml_append(crs, vmc_aml_io((uint16_t)(io + 7), (uint16_t)(io + 7), 0, 1));
    vmc_aml_append(crs, vmc_aml_irq_no_flags((uint8_t)global_uint(m, "isa-fdc", "irq", 6)));
    vmc_aml_append(crs, vmc_aml_dma_compat_8bit((uint8_t)global_uint(m, "isa-fdc", "dma", 2)));
    A *dev = vmc_aml_device("FDC0");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0700")));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    /* the board's drives: FLPx with _FDI (drive limits of the type); then
     * _FDE: four drive-present words and "tape never present" (2) */
    int types[2];
    vmc_board_defaults_floppy_types(m, types);
    uint8_t fde[20] = {0};
    fde[16] = 2;
    for (int i = 0; i < 2; i++) {
        /* cmos type: 2 = 1.2M, 4 = 1.44M, 5 = 2.88M; max cylinder, sector, head */
        int maxc = types[i] == 5 ? 79 : 82, maxs = types[i] == 5 ? 48 : types[i] == 4 ? 24 : 20;
        if (!types[i]) {
            continue;
        }
        fde[4 * i] = 1;
        A *flp = vmc_aml_device("FLP%c", 'A' + i);
        vmc_aml_append(flp, vmc_aml_name_decl("_ADR", I((uint64_t)i)));
        A *fdi = vmc_aml_package(16);
        static const uint8_t tail[11] = { 0xaf, 0x02, 0x25, 0x02, 0x12, 0x1b, 0xff, 0x6c,
                                          0xf6, 0x0f, 0x08 };
        vmc_aml_append(fdi, I((uint64_t)i));
        vmc_aml_append(fdi, I((uint64_t)types[i]));
        vmc_aml_append(fdi, I((uint64_t)maxc));
        vmc_aml_append(fdi, I((uint64_t)maxs));
        vmc_aml_append(fdi, I(1));
        for (int k = 0; k < 11; k++) {
            vmc_aml_append(fdi, I(tail[k]));
        }
        vmc_aml_append(flp, vmc_aml_name_decl("_FDI", fdi));
        vmc_aml_append(dev, flp);
    }
    vmc_aml_append(dev, vmc_aml_name_decl("_FDE", vmc_aml_buffer(sizeof(fde), fde)));
    vmc_aml_append(scope, dev);
    return 0;
}

static void rtc_aml(vmc_model *m, A *scope)
{
    uint16_t io = 0x70;
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io(io, io, 1, 8));
    vmc_aml_append(crs, vmc_aml_irq_no_flags((uint8_t)global_uint(m, "mc146818rtc", "irq", 8)));
    A *dev = vmc_aml_device("RTC");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0B00")));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(scope, dev);
}

static const uint16_t serial_io[4] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
static const uint8_t serial_irq[4] = {4, 3, 4, 3};

/* isa-serial number n (0-based, in realize order) */
static int serial_aml(vmc_mdev *d, unsigned n, A *scope)
{
    uint64_t index = dev_uint(d, "index", n);
    if (index >= 4) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "ACPI tables: isa-serial index %llu", (unsigned long long)index);
    }
    uint64_t io = dev_uint(d, "iobase", serial_io[index]);
    uint64_t irq = dev_uint(d, "irq", serial_irq[index]);
    if (io > 0xffff || irq > 15) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "ACPI tables: isa-serial iobase/irq out of range");
    }
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io((uint16_t)io, (uint16_t)io, 0, 8));
    vmc_aml_append(crs, vmc_aml_irq_no_flags((uint8_t)irq));
    A *dev = vmc_aml_device("COM%d", (int)index + 1);
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0501")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", I(index + 1)));
    vmc_aml_append(dev, vmc_aml_name_decl("_STA", I(0xf)));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(scope, dev);
    return 0;
}

static const uint16_t parallel_io[3] = {0x378, 0x278, 0x3bc};

/* isa-parallel number n (0-based, in realize order): LPTn */
static int parallel_aml(vmc_mdev *d, unsigned n, A *scope)
{
    uint64_t index = dev_uint(d, "index", n);
    if (index >= 3) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "ACPI tables: isa-parallel index %llu", (unsigned long long)index);
    }
    uint64_t io = dev_uint(d, "iobase", parallel_io[index]);
    uint64_t irq = dev_uint(d, "irq", 7);
    if (io > 0xffff || irq > 15) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "ACPI tables: isa-parallel iobase/irq out of range");
    }
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io((uint16_t)io, (uint16_t)io, 8, 8));
    vmc_aml_append(crs, vmc_aml_irq_no_flags((uint8_t)irq));
    A *dev = vmc_aml_device("LPT%d", (int)index + 1);
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_eisaid("PNP0400")));
    vmc_aml_append(dev, vmc_aml_name_decl("_UID", I(index + 1)));
    vmc_aml_append(dev, vmc_aml_name_decl("_STA", I(0xf)));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(scope, dev);
    return 0;
}

/* the ISA pvpanic: device PEVT with its I/O port and read/write methods */
static int pvpanic_aml(vmc_mdev *d, A *scope)
{
    uint64_t io = dev_uint(d, "ioport", 0x505);
    if (io > 0xffff) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "ACPI tables: pvpanic ioport out of range");
    }
    A *dev = vmc_aml_device("PEVT");
    vmc_aml_append(dev, vmc_aml_name_decl("_HID", vmc_aml_string("QEMU0001")));
    A *crs = vmc_aml_resource_template();
    vmc_aml_append(crs, vmc_aml_io((uint16_t)io, (uint16_t)io, 1, 1));
    vmc_aml_append(dev, vmc_aml_name_decl("_CRS", crs));
    vmc_aml_append(dev, vmc_aml_operation_region("PEOR", VMC_AML_SYSTEM_IO, I(io), 1));
    A *f = vmc_aml_field("PEOR", VMC_AML_BYTE_ACC, false, VMC_AML_PRESERVE);
    vmc_aml_append(f, vmc_aml_named_field("PEPT", 8));
    vmc_aml_append(dev, f);
    vmc_aml_append(dev, vmc_aml_name_decl("_STA", I(0xf)));
    A *rd = vmc_aml_method("RDPT", 0, false);
    vmc_aml_append(rd, vmc_aml_store(vmc_aml_name("PEPT"), vmc_aml_local(0)));
    vmc_aml_append(rd, vmc_aml_return(vmc_aml_local(0)));
    vmc_aml_append(dev, rd);
    A *wr = vmc_aml_method("WRPT", 1, false);
    vmc_aml_append(wr, vmc_aml_store(vmc_aml_arg(0), vmc_aml_name("PEPT")));
    vmc_aml_append(dev, wr);
    vmc_aml_append(scope, dev);
    return 0;
}

static int isa_devices_aml(vmc_model *m, A *scope, bool board);

int vmc_acpi_isa_aml(const vmc_acpi_info *in, vmc_aml *scope)
{
    vmc_model *m = in->m;
    /* -device ISA devices, newest first; then the board's i8042 and floppy
     * controller, its parallel and serial ports (created before them) and
     * the RTC */
    int rc = isa_devices_aml(m, scope, false);
    if (rc) {
        return rc;
    }
    i8042_aml(m, scope);
    if (!in->q35 && (rc = fdc_aml(m, scope))) {
        return rc;
    }
    if ((rc = isa_devices_aml(m, scope, true))) {
        return rc;
    }
    rtc_aml(m, scope);
    return 0;
}

/* The i-th device of d's type in realize order (the realize functions'
 * static index). */
static unsigned realize_index(vmc_model *m, vmc_mdev *d)
{
    unsigned n = 0;
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *o = g_ptr_array_index(m->devices, i);
        if (o == d) {
            break;
        }
        n += o->bus && o->bus->kind == VMC_BUS_ISA && !strcmp(o->type, d->type);
    }
    return n;
}

static int isa_devices_aml(vmc_model *m, A *scope, bool board)
{
    for (size_t i = m->devices->len; i-- > 0;) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        if (!d->opts || !d->bus || d->bus->kind != VMC_BUS_ISA ||
            vmc_board_defaults_is_board_device(m, d) != board) {
            continue;
        }
        int rc;
        if (!strcmp(d->type, "isa-serial")) {
            rc = serial_aml(d, realize_index(m, d), scope);
        } else if (!strcmp(d->type, "isa-parallel")) {
            rc = parallel_aml(d, realize_index(m, d), scope);
        } else if (!strcmp(d->type, "pvpanic")) {
            rc = pvpanic_aml(d, scope);
        } else {
            return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                                 "ACPI tables: the AML of ISA device '%s' is not modelled",
                                 d->type);
        }
        if (rc) {
            return rc;
        }
    }
    return 0;
}

static int isa_bridge_aml(const vmc_acpi_info *in, A *dev)
{
    A *sb = vmc_aml_scope("\\_SB");
    A *f;
    if (in->q35) {
        vmc_aml_append(dev, vmc_aml_operation_region("PIRQ", VMC_AML_PCI_CONFIG, I(0x60), 0x0c));
        f = vmc_aml_field("PCI0.SF8.PIRQ", VMC_AML_BYTE_ACC, false, VMC_AML_PRESERVE);
        vmc_aml_append(f, vmc_aml_named_field("PRQA", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQB", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQC", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQD", 8));
        vmc_aml_append(f, vmc_aml_reserved_field(0x20));
        vmc_aml_append(f, vmc_aml_named_field("PRQE", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQF", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQG", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQH", 8));
    } else {
        vmc_aml_append(dev, vmc_aml_operation_region("P40C", VMC_AML_PCI_CONFIG, I(0x60), 0x04));
        f = vmc_aml_field("PCI0.S08.P40C", VMC_AML_BYTE_ACC, false, VMC_AML_PRESERVE);
        vmc_aml_append(f, vmc_aml_named_field("PRQ0", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQ1", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQ2", 8));
        vmc_aml_append(f, vmc_aml_named_field("PRQ3", 8));
    }
    vmc_aml_append(sb, f);
    vmc_aml_append(dev, sb);
    return vmc_acpi_isa_aml(in, dev);
}

static void vga_aml(A *dev)
{
    static const char *const names[3] = {"_S1D", "_S2D", "_S3D"};
    for (int i = 0; i < 3; i++) {
        A *m = vmc_aml_method(names[i], 0, false);
        vmc_aml_append(m, vmc_aml_return(I(0)));
        vmc_aml_append(dev, m);
    }
}

int vmc_acpi_pci_dev_aml(const vmc_acpi_info *in, vmc_mdev *d, vmc_aml *dev, bool *has_aml)
{
    *has_aml = false;
    if (!strcmp(d->type, "PIIX3") || !strcmp(d->type, "ICH9-LPC")) {
        if (d->devfn != (in->q35 ? 0x1f << 3 : 1 << 3)) {
            return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                                 "ACPI tables: ISA bridge at an unexpected address");
        }
        *has_aml = true;
        return isa_bridge_aml(in, dev);
    }
    if (!strcmp(d->type, "ICH9-SMB")) {
        *has_aml = true;    /* describes the SMBus devices: none have AML */
        return 0;
    }
    if (!strcmp(d->type, "VGA") || !strcmp(d->type, "secondary-vga")) {
        *has_aml = true;
        vga_aml(dev);
        return 0;
    }
    return 0;
}
