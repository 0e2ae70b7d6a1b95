/*
 * Default devices and legacy device options of the PC boards (see
 * board_defaults.h).
 *
 * What QEMU 7.2 does, in short:
 * - Without -nodefaults every default is on; each is turned off by the
 *   legacy option that replaces it (-vga, -serial, -parallel, -net, -nic,
 *   -netdev) or by a -device / -global naming one of its drivers
 *   (default_driver_check).  Then the defaults become options: a serial
 *   port and a parallel port (on "vc" or, with -nographic, stdio/null; the
 *   back end does not show in the migration stream), "-net nic -net user",
 *   an empty CD-ROM at IDE index 2 and an empty floppy at floppy index 0
 *   (types without no_floppy), and the machine's default display.
 * - net_init_clients: -netdev, then -nic, then -net, in command-line order;
 *   each user-mode back end registers "slirp"; each -nic and -net nic is a
 *   NIC table entry that pc_nic_init makes a PCI NIC (model=, else the
 *   machine's default_nic_model) in table order.
 * - The board creates, in this order: the VGA (i440fx right after the
 *   IOAPIC, q35 after the SMBus), the ISA serial ports (index i for the
 *   i-th -serial unless "none"), the parallel ports, the floppy controller,
 *   then the NICs, the IDE drives of its controller (index i: i440fx bus
 *   i/2 unit i%2, q35 AHCI port i), and the USB controllers when
 *   machine_usb() (-usb, -usbdevice, -machine usb=on).
 * - -usbdevice devices come after the board, before the -device devices.
 */
#include "machine-types/board_defaults.h"
#include "devices/devmodel.h"
#include "common/error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ISA_SERIAL 4
#define MAX_PARALLEL 3
#define MAX_IDE_INDEX 6

/* ---- what the command line asks for ---------------------------------------- */

static bool has_defaults(vmc_model *m)
{
    return !vmc_cmdline_nodefaults(m->cl);
}

/* default_driver_check(): a -device or -global of one of these drivers
 * turns the default off */
static bool driver_named(vmc_model *m, const char *const *drivers)
{
    for (size_t i = 0; i < vmc_cmdline_device_count(m->cl); i++) {
        const char *drv = vmc_qopts_get(vmc_cmdline_device(m->cl, i), "driver");
        for (size_t k = 0; drv && drivers[k]; k++) {
            if (strcmp(drv, drivers[k]) == 0) {
                return true;
            }
        }
    }
    for (size_t i = 0; i < vmc_cmdline_global_count(m->cl); i++) {
        const char *d, *p, *v;
        vmc_cmdline_global(m->cl, i, &d, &p, &v);
        for (size_t k = 0; drivers[k]; k++) {
            if (strcmp(d, drivers[k]) == 0) {
                return true;
            }
        }
    }
    return false;
}

static const char *const vga_drivers[] = {
    "VGA", "isa-vga", "cirrus-vga", "isa-cirrus-vga", "vmware-svga", "qxl-vga",
    "virtio-vga", "ati-vga", "vhost-user-vga", "virtio-vga-gl", NULL,
};
static const char *const serial_drivers[] = { "isa-serial", NULL };
static const char *const parallel_drivers[] = { "isa-parallel", NULL };
static const char *const floppy_drivers[] = { "isa-fdc", "floppy", NULL };
static const char *const cdrom_drivers[] = { "ide-cd", "ide-hd", "scsi-cd", "scsi-hd", NULL };

static bool legacy_present(vmc_model *m, const char *opt)
{
    for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_legacy_option(m->cl, i), opt) == 0) {
            return true;
        }
    }
    return false;
}

static bool netdev_present(vmc_model *m)
{
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "netdev") == 0) {
            return true;
        }
    }
    return false;
}

/* A machine-class string field (JSON text) without its quotes, or NULL. */
static char *class_string(vmc_model *m, const char *key)
{
    const char *v = vmc_model_class_field(m, key);
    if (!v || strcmp(v, "null") == 0) {
        return NULL;
    }
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        return g_strndup(v + 1, n - 2);
    }
    return g_strdup(v);
}

static bool machine_usb(vmc_model *m)
{
    if (legacy_present(m, "usb") || legacy_present(m, "usbdevice")) {
        return true;
    }
    return vmc_model_parse_bool(vmc_qopts_get(vmc_cmdline_machine(m->cl), "usb"), false);
}

/* ---- creating devices -------------------------------------------------------- */

/* Create the device of the options text spec as qdev would for the board;
 * *out (may be NULL) = the device. */
static int add_device(vmc_model *m, vmc_mdev **out, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static int add_device(vmc_model *m, vmc_mdev **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *spec = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmc_qopts *o;
    vmc_qopts_parse(&o, spec, "driver");
    g_free(spec);
    vmc_cmdline_adopt_qopts(m->cl, o);
    guint before = m->devices->len;
    int rc = vmc_model_add_cli_device(m, o);
    if (out) {
        *out = !rc && m->devices->len > before ? g_ptr_array_index(m->devices, before) : NULL;
    }
    return rc;
}

bool vmc_board_defaults_is_board_device(vmc_model *m, const vmc_mdev *d)
{
    return !d->opts || vmc_cmdline_adopted_qopts(m->cl, d->opts);
}

static int unmodelled(const char *what, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static int unmodelled(const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    int rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, what, "%s", msg);
    g_free(msg);
    return rc;
}

/* ---- before the board ---------------------------------------------------------- */

/* The type= of a -net / -nic option: its first word. */
static char *net_type(const char *arg, bool nic)
{
    vmc_qopts *o;
    vmc_qopts_parse(&o, arg, "type");
    const char *t = vmc_qopts_get(o, "type");
    char *r = g_strdup(t ? t : nic ? "user" : "");
    vmc_qopts_free(o);
    return r;
}

static bool net_type_ok(const char *t)
{
    return !strcmp(t, "user") || !strcmp(t, "none");
}

/* -net nic takes the NetLegacyNicOptions (and id/name/type) only. */
static int check_net_nic(const char *arg)
{
    static const char *const keys[] = { "type", "id", "name", "netdev", "macaddr", "model",
                                        "addr", "vectors", NULL };
    vmc_qopts *o;
    vmc_qopts_parse(&o, arg, "type");
    int rc = 0;
    for (size_t i = 0; i < vmc_qopts_count(o) && !rc; i++) {
        bool ok = false;
        for (size_t k = 0; keys[k]; k++) {
            ok = ok || !strcmp(keys[k], vmc_qopts_key(o, i));
        }
        if (!ok) {
            rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-net",
                               "qemu-system-x86_64: -net %s: Invalid parameter '%s'", arg,
                               vmc_qopts_key(o, i));
        }
    }
    vmc_qopts_free(o);
    return rc;
}

/* -rtc [base=utc|localtime|DATE][,clock=host|rt|vm][,driftfix=none|slew] */
static bool rtc_option_ok(const char *arg)
{
    vmc_qopts *o;
    if (vmc_qopts_parse(&o, arg, "base")) {
        vmc_error_clear();
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < vmc_qopts_count(o) && ok; i++) {
        const char *k = vmc_qopts_key(o, i), *v = vmc_qopts_value(o, i);
        if (!strcmp(k, "clock")) {
            ok = !strcmp(v, "host") || !strcmp(v, "rt") || !strcmp(v, "vm");
        } else if (!strcmp(k, "driftfix")) {
            ok = !strcmp(v, "none") || !strcmp(v, "slew");
        } else {
            ok = !strcmp(k, "base");
        }
    }
    vmc_qopts_free(o);
    return ok;
}

int vmc_board_defaults_early(vmc_model *m)
{
    /* options that do not create devices, or whose devices are modelled */
    static const char *const known[] = {
        "vga", "serial", "parallel", "net", "nic", "usb", "usbdevice", "cdrom", "hda", "hdb",
        "hdc", "hdd", "monitor", "mon", "numa", NULL,
    };
    for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl); i++) {
        const char *opt = vmc_cmdline_legacy_option(m->cl, i);
        const char *arg = vmc_cmdline_legacy_arg(m->cl, i);
        bool ok = false;
        for (size_t k = 0; known[k]; k++) {
            ok = ok || strcmp(known[k], opt) == 0;
        }
        if (!ok && !strcmp(opt, "rtc")) {
            /* base=, clock=, driftfix=: the RTC's clock fields only (docs/write.md) */
            ok = rtc_option_ok(arg);
            if (!ok) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, "-rtc",
                                     "qemu-system-x86_64: -rtc %s: invalid option", arg);
            }
            continue;
        }
        if (!ok) {
            return unmodelled(opt, "option -%s is not modelled yet; use -device", opt);
        }
        if (!strcmp(opt, "net") || !strcmp(opt, "nic")) {
            char *t = net_type(arg, !strcmp(opt, "nic"));
            bool fine = net_type_ok(t) || (!strcmp(opt, "net") && !strcmp(t, "nic"));
            if (!fine) {
                int rc = unmodelled(opt, "-%s %s: network back end '%s' is not modelled "
                                    "(only user and none)", opt, arg, t);
                g_free(t);
                return rc;
            }
            bool nic = !strcmp(opt, "net") && !strcmp(t, "nic");
            g_free(t);
            int rc = nic ? check_net_nic(arg) : 0;
            if (rc) {
                return rc;
            }
        }
    }
    /* -drive with an interface other than ide (or none) creates devices
     * that are not modelled (floppy, pflash, virtio, scsi ...) */
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "drive") != 0) {
            continue;
        }
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *ifc = vmc_qopts_get(o, "if");
        if (ifc && !strcmp(ifc, "none")) {
            continue;
        }
        if (ifc && strcmp(ifc, "ide") != 0) {
            return unmodelled("-drive", "-drive if=%s: the devices QEMU creates for this "
                              "interface are not modelled; use if=none and -device", ifc);
        }
        if (!vmc_qopts_get(o, "id")) {
            return unmodelled("-drive", "-drive if=ide without id= is not modelled (give "
                              "it an id)");
        }
    }
    /* net_init_clients: user back ends of -nic, then of -net (the -netdev
     * ones are registered already), then the default "-net user" */
    for (int pass = 0; pass < 2; pass++) {
        const char *want = pass == 0 ? "nic" : "net";
        for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl); i++) {
            if (strcmp(vmc_cmdline_legacy_option(m->cl, i), want) != 0) {
                continue;
            }
            char *t = net_type(vmc_cmdline_legacy_arg(m->cl, i), pass == 0);
            if (!strcmp(t, "user")) {
                vmc_model_register_plain(m, "slirp", 4, 0, false, true);
            }
            g_free(t);
        }
    }
    if (has_defaults(m) && !legacy_present(m, "net") && !legacy_present(m, "nic") &&
        !netdev_present(m)) {
        vmc_model_register_plain(m, "slirp", 4, 0, false, true);
    }
    return 0;
}

/* ---- VGA -------------------------------------------------------------------------- */

int vmc_board_defaults_vga(vmc_model *m)
{
    char *model = NULL;
    for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_legacy_option(m->cl, i), "vga") == 0) {
            g_free(model);
            model = g_strdup(vmc_cmdline_legacy_arg(m->cl, i));
        }
    }
    if (!model && has_defaults(m) && !driver_named(m, vga_drivers)) {
        /* get_default_vga_model(): the class's default_display, else cirrus */
        model = class_string(m, "default_display");
        if (!model) {
            model = g_strdup("cirrus");
        }
    }
    if (!model) {
        return 0;
    }
    static const struct { const char *opt, *type; } vgas[] = {
        { "std", "VGA" }, { "cirrus", "cirrus-vga" }, { "vmware", "vmware-svga" },
        { "qxl", "qxl-vga" }, { "virtio", "virtio-vga" }, { "none", NULL },
    };
    int rc = 0;
    size_t k;
    for (k = 0; k < sizeof(vgas) / sizeof(vgas[0]); k++) {
        if (strcmp(vgas[k].opt, model) == 0) {
            break;
        }
    }
    if (k == sizeof(vgas) / sizeof(vgas[0])) {
        rc = unmodelled("-vga", "-vga %s is not modelled (std, cirrus, vmware, qxl, virtio "
                        "and none are)", model);
    } else if (vgas[k].type) {
        /* pci_vga_init: the first free slot of the root bus */
        rc = add_device(m, NULL, "%s", vgas[k].type);
    }
    g_free(model);
    return rc;
}

/* ---- serial and parallel ports ------------------------------------------------------- */

/* The i-th port's back end: the i-th -serial/-parallel, or the default. */
static int ports(vmc_model *m, const char *opt, const char *const *drivers, int max,
                 bool present[])
{
    int n = 0;
    for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_legacy_option(m->cl, i), opt) != 0) {
            continue;
        }
        if (n < max) {
            present[n] = strcmp(vmc_cmdline_legacy_arg(m->cl, i), "none") != 0;
        }
        n++;
    }
    if (n == 0 && has_defaults(m) && !driver_named(m, drivers)) {
        present[0] = true;
        n = 1;
    }
    return n < max ? n : max;
}

int vmc_board_defaults_superio(vmc_model *m)
{
    bool present[MAX_ISA_SERIAL] = { false };
    int n = ports(m, "serial", serial_drivers, MAX_ISA_SERIAL, present);
    for (int i = 0; i < n; i++) {
        int rc = present[i] ? add_device(m, NULL, "isa-serial,index=%d,chardev=serial%d", i, i) : 0;
        if (rc) {
            return rc;
        }
    }
    memset(present, 0, sizeof(present));
    n = ports(m, "parallel", parallel_drivers, MAX_PARALLEL, present);
    for (int i = 0; i < n; i++) {
        int rc = present[i] ? add_device(m, NULL, "isa-parallel,index=%d,chardev=parallel%d", i, i) : 0;
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* ---- NICs ------------------------------------------------------------------------------ */

/*
 * One NIC table entry as pc_nic_init creates it.  -net nic takes macaddr=,
 * addr= (its PCI address) and vectors=; -nic takes mac=, and its entry's
 * vector count is 0 (net_param_nic zeroes it and never sets it), which
 * qdev_set_nic_properties passes on to NICs with a "vectors" property.
 */
static int add_nic(vmc_model *m, const char *arg, const char *dflt_model, bool nic_opt)
{
    vmc_qopts *o;
    vmc_qopts_parse(&o, arg, "type");
    const char *model = vmc_qopts_get(o, "model");
    const char *mac = vmc_qopts_get(o, nic_opt ? "mac" : "macaddr");
    const char *addr = nic_opt ? NULL : vmc_qopts_get(o, "addr");
    const char *vectors = nic_opt ? "0" : vmc_qopts_get(o, "vectors");
    if (!model) {
        model = dflt_model;
    }
    int rc;
    if (!model) {
        rc = unmodelled("-net", "this machine type has no default NIC model");
    } else if (!strcmp(model, "ne2k_isa")) {
        rc = unmodelled("-net", "the ISA NIC ne2k_isa is not modelled");
    } else {
        const char *type = !strcmp(model, "virtio") ? "virtio-net-pci" : model;
        GString *spec = g_string_new(type);
        if (mac) {
            g_string_append_printf(spec, ",mac=%s", mac);
        }
        if (addr) {
            g_string_append_printf(spec, ",addr=%s", addr);
        }
        if (vectors && g_str_has_prefix(type, "virtio-net-pci")) {
            g_string_append_printf(spec, ",vectors=%s", vectors);
        }
        rc = add_device(m, NULL, "%s", spec->str);
        g_string_free(spec, TRUE);
    }
    vmc_qopts_free(o);
    return rc;
}

int vmc_board_defaults_nics(vmc_model *m)
{
    char *dflt = class_string(m, "default_nic_model");
    int rc = 0;
    bool any_net = netdev_present(m);
    /* the NIC table: -nic entries, then -net nic entries */
    for (int pass = 0; pass < 2 && !rc; pass++) {
        const char *want = pass == 0 ? "nic" : "net";
        for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl) && !rc; i++) {
            if (strcmp(vmc_cmdline_legacy_option(m->cl, i), want) != 0) {
                continue;
            }
            any_net = true;
            const char *arg = vmc_cmdline_legacy_arg(m->cl, i);
            char *t = net_type(arg, pass == 0);
            if ((pass == 0 && strcmp(t, "none") != 0) || (pass == 1 && !strcmp(t, "nic"))) {
                rc = add_nic(m, arg, dflt, pass == 0);
            }
            g_free(t);
        }
    }
    if (!rc && !any_net && has_defaults(m)) {
        rc = add_nic(m, "nic", dflt, false);   /* the default "-net nic" */
    }
    g_free(dflt);
    return rc;
}

/* ---- IDE drives ------------------------------------------------------------------------- */

/* drive_get_max_devs(IF_IDE): the class's units_per_default_bus (IDE is
 * the PC's block_default_type), else master and slave */
static int ide_max_devs(vmc_model *m)
{
    const char *u = vmc_model_class_field(m, "units_per_default_bus");
    int n = u ? atoi(u) : 0;
    return n > 0 ? n : 2;
}

static bool parse_uint(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v > 1000) {
        return false;
    }
    *out = (int)v;
    return true;
}

/* drive_check_orphaned(): an IDE drive no board controller takes */
static int orphan(int bus, int unit)
{
    return vmc_error_set(VMC_EUSAGE, -1, NULL, "-drive",
                         "qemu-system-x86_64: machine type does not support if=ide,bus=%d,"
                         "unit=%d", bus, unit);
}

/*
 * drive_new() for the IDE drives, in command-line order: index= gives bus
 * and unit, else bus= (0) and unit= or the first free unit from there.
 * table[index] = the drive's options.
 */
static int ide_drive_table(vmc_model *m, const vmc_qopts **table, int n)
{
    int max_devs = ide_max_devs(m);
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *ifc = vmc_qopts_get(o, "if");
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "drive") != 0 ||
            (ifc && strcmp(ifc, "ide") != 0)) {
            continue;
        }
        const char *is = vmc_qopts_get(o, "index"), *bs = vmc_qopts_get(o, "bus");
        const char *us = vmc_qopts_get(o, "unit");
        int index = -1, bus = 0, unit = -1;
        if ((is && !parse_uint(is, &index)) || (bs && !parse_uint(bs, &bus)) ||
            (us && !parse_uint(us, &unit))) {
            return unmodelled("-drive", "-drive: this index/bus/unit is not modelled");
        }
        if (index >= 0) {
            if (bs || us) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, "-drive",
                                     "qemu-system-x86_64: -drive: index cannot be used with "
                                     "bus and unit");
            }
            bus = index / max_devs;
            unit = index % max_devs;
        } else if (unit < 0) {
            unit = 0;
            while (bus * max_devs + unit < n && table[bus * max_devs + unit]) {
                if (++unit >= max_devs) {
                    unit -= max_devs;
                    bus++;
                }
            }
        }
        if (unit >= max_devs) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-drive",
                                 "qemu-system-x86_64: -drive: unit %d too big (max is %d)",
                                 unit, max_devs - 1);
        }
        index = bus * max_devs + unit;
        if (index >= n) {
            return orphan(bus, unit);
        }
        if (table[index]) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-drive",
                                 "qemu-system-x86_64: -drive: drive with bus=%d, unit=%d "
                                 "(index=%d) exists", bus, unit, index);
        }
        table[index] = o;
    }
    return 0;
}

int vmc_board_defaults_ide(vmc_model *m)
{
    /* ide_drive_get(): i440fx 2 buses x 2 units, q35 6 AHCI ports */
    const vmc_qopts *table[MAX_IDE_INDEX] = { NULL };
    int n = m->q35 ? 6 : 4;
    int rc = ide_drive_table(m, table, n);
    if (rc) {
        return rc;
    }
    /* default_drive(): the empty CD-ROM at index 2 when no drive is there */
    bool default_cd = !table[2] && has_defaults(m) && !driver_named(m, cdrom_drivers);
    int max_devs = ide_max_devs(m);
    for (int idx = 0; idx < n; idx++) {
        if (!table[idx] && !(idx == 2 && default_cd)) {
            continue;
        }
        char busname[16];
        snprintf(busname, sizeof(busname), "ide.%d", idx / max_devs);
        if (!vmc_model_find_bus(m, busname)) {
            /* no board controller (sata=off): the default CD-ROM stays
             * unclaimed, a drive of the command line is an error */
            if (table[idx]) {
                return orphan(idx / max_devs, idx % max_devs);
            }
            continue;
        }
        const char *media = table[idx] ? vmc_qopts_get(table[idx], "media") : "cdrom";
        bool cd = media && !strcmp(media, "cdrom");
        if (media && !cd && strcmp(media, "disk") != 0) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-drive",
                                 "qemu-system-x86_64: -drive: '%s' invalid media", media);
        }
        /* a CD-ROM's state is the same empty or with an image */
        GString *spec = g_string_new(cd ? "ide-cd" : "ide-hd");
        g_string_append_printf(spec, ",bus=%s,unit=%d", busname, idx % max_devs);
        if (table[idx]) {
            g_string_append_printf(spec, ",drive=%s", vmc_qopts_get(table[idx], "id"));
        }
        rc = add_device(m, NULL, "%s", spec->str);
        g_string_free(spec, TRUE);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* ---- USB --------------------------------------------------------------------------------- */

int vmc_board_defaults_usb(vmc_model *m)
{
    if (!machine_usb(m)) {
        return 0;
    }
    if (!m->q35) {
        /* pc_init1: piix3-usb-uhci at the PIIX3's function 2 */
        return add_device(m, NULL, "piix3-usb-uhci,addr=01.2");
    }
    /* ehci_create_ich9_with_companions(bus, 0x1d) */
    vmc_mdev *ehci;
    int rc = add_device(m, &ehci, "ich9-usb-ehci1,addr=1d.7,multifunction=on");
    if (rc) {
        return rc;
    }
    const char *busname = NULL;
    if (ehci && ehci->buses && ehci->buses->len) {
        busname = ((vmc_mbus *)g_ptr_array_index(ehci->buses, 0))->name;
    }
    if (!busname) {
        return unmodelled("-usb", "the EHCI controller of -usb has no USB bus in the model");
    }
    for (int i = 0; i < 3; i++) {
        rc = add_device(m, NULL, "ich9-usb-uhci%d,addr=1d.%d,multifunction=on,masterbus=%s,"
                        "firstport=%d", i + 1, i, busname, 2 * i);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

int vmc_board_defaults_usbdevices(vmc_model *m)
{
    static const struct { const char *name, *type; } usbdevs[] = {
        { "tablet", "usb-tablet" }, { "mouse", "usb-mouse" }, { "keyboard", "usb-kbd" },
    };
    for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_legacy_option(m->cl, i), "usbdevice") != 0) {
            continue;
        }
        const char *arg = vmc_cmdline_legacy_arg(m->cl, i);
        const char *type = NULL;
        for (size_t k = 0; k < sizeof(usbdevs) / sizeof(usbdevs[0]); k++) {
            if (strcmp(usbdevs[k].name, arg) == 0) {
                type = usbdevs[k].type;
            }
        }
        if (!type) {
            return unmodelled("-usbdevice", "-usbdevice %s is not modelled (tablet, mouse and "
                              "keyboard are)", arg);
        }
        /* usb_bus_find(-1): the first USB bus */
        const char *busname = NULL;
        for (size_t b = 0; b < m->buses->len && !busname; b++) {
            vmc_mbus *bus = g_ptr_array_index(m->buses, b);
            if (bus->kind == VMC_BUS_USB) {
                busname = bus->name;
            }
        }
        if (!busname) {
            return unmodelled("-usbdevice", "-usbdevice %s: no USB bus in the model", arg);
        }
        int rc = add_device(m, NULL, "%s,bus=%s", type, busname);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* ---- floppy ------------------------------------------------------------------------------- */

int vmc_board_defaults_floppy_types(vmc_model *m, int types[2])
{
    types[0] = types[1] = 0;
    const char *nf = vmc_model_class_field(m, "no_floppy");
    if (m->q35 || (nf && strcmp(nf, "true") == 0) || !has_defaults(m) ||
        driver_named(m, floppy_drivers)) {
        return 0;
    }
    /* an empty drive: the controller's fallback type */
    const char *fb = vmc_model_prop(m, "isa-fdc", "fallback");
    if (!fb || !strcmp(fb, "288")) {
        types[0] = 5;
    } else if (!strcmp(fb, "144")) {
        types[0] = 4;
    } else if (!strcmp(fb, "120")) {
        types[0] = 2;
    }
    return 1;
}
