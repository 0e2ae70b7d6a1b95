/*
 * USB device models: the host controllers piix3/piix4/ich9 UHCI
 * (hw/usb/hcd-uhci.c), usb-ehci / ich9-usb-ehci1/2 (hcd-ehci-pci.c) and
 * nec-usb-xhci / qemu-xhci (hcd-xhci-pci.c), and the devices usb-tablet,
 * usb-mouse, usb-kbd (dev-hid.c), usb-storage (dev-storage-classic.c, with
 * its SCSI bus and disk) and usb-hub (dev-hub.c).
 *
 * USB ports (hw/usb/bus.c): a controller registers its ports on its USB bus
 * (UHCI companions register theirs with the EHCI instead); a hub registers
 * its ports on the same bus after claiming its own.  Free ports are kept in
 * registration order and a device without port= takes the first one; when
 * only one is left, QEMU first plugs a usb-hub into it.  A device's dev path
 * is "<controller path>/<port path>" ("1", "2", "2.1" behind a hub).  The
 * model rebuilds the port list of a bus from the devices realized so far.
 */
#include "devices/model_common.h"
#include "devices/model_media.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

enum {
    SPEED_LOW = 1 << 0,
    SPEED_FULL = 1 << 1,
    SPEED_HIGH = 1 << 2,
    SPEED_SUPER = 1 << 3,
};

#define UHCI_PORTS 2
#define EHCI_PORTS 6
#define XHCI_MAXPORTS 15
#define HUB_MAXPORTS 8

typedef struct usb_port {
    char path[32];
    unsigned speed;
    bool used;
} usb_port;

/* ---- controller identities -------------------------------------------------- */

typedef struct uhci_info {
    const char *type;
    uint16_t device_id;
    uint8_t revision;
    uint8_t irq_pin;       /* 0 = INTA */
    bool companion;        /* ich9 types: masterbus / firstport properties */
} uhci_info;

static const uhci_info uhci_types[] = {
    { "piix3-usb-uhci", 0x7020, 0x01, 3, false },
    { "piix4-usb-uhci", 0x7112, 0x01, 3, false },
    { "ich9-usb-uhci1", 0x2934, 0x03, 0, true },
    { "ich9-usb-uhci2", 0x2935, 0x03, 1, true },
    { "ich9-usb-uhci3", 0x2936, 0x03, 2, true },
    { "ich9-usb-uhci4", 0x2937, 0x03, 0, true },
    { "ich9-usb-uhci5", 0x2938, 0x03, 1, true },
    { "ich9-usb-uhci6", 0x2939, 0x03, 2, true },
};

static const uhci_info *find_uhci(const char *type)
{
    for (size_t i = 0; i < sizeof(uhci_types) / sizeof(uhci_types[0]); i++) {
        if (!strcmp(uhci_types[i].type, type)) {
            return &uhci_types[i];
        }
    }
    return NULL;
}

static bool is_ehci(const char *type)
{
    return !strcmp(type, "usb-ehci") || !strcmp(type, "ich9-usb-ehci1") ||
           !strcmp(type, "ich9-usb-ehci2");
}

static bool is_xhci(const char *type)
{
    return !strcmp(type, "nec-usb-xhci") || !strcmp(type, "qemu-xhci");
}

/* A companion UHCI: its masterbus, else NULL. */
static const char *uhci_masterbus(vmc_mdev *d)
{
    const uhci_info *u = find_uhci(d->type);
    if (!u || !u->companion) {
        return NULL;
    }
    const char *mb = vmc_mdev_prop(d, "masterbus");
    return mb && *mb ? mb : NULL;
}

/* xhci p2 / p3 (clamped to 15 by usb_xhci_init). */
static void xhci_ports(vmc_mdev *d, unsigned *p2, unsigned *p3)
{
    uint64_t v2 = 4, v3 = 4;
    if (vmc_media_prop_uint(d, "p2", 4, UINT32_MAX, &v2)) {
        v2 = 4;
    }
    if (vmc_media_prop_uint(d, "p3", 4, UINT32_MAX, &v3)) {
        v3 = 4;
    }
    *p2 = v2 > XHCI_MAXPORTS ? XHCI_MAXPORTS : (unsigned)v2;
    *p3 = v3 > XHCI_MAXPORTS ? XHCI_MAXPORTS : (unsigned)v3;
}

/* ---- the ports of a bus --------------------------------------------------------- */

/* The port path of a USB device (its dev path minus the controller's). */
static const char *port_of(const vmc_mdev *d)
{
    const vmc_mdev *hcd = d->bus ? d->bus->parent : NULL;
    if (!d->path) {
        return NULL;
    }
    if (hcd && hcd->path) {
        size_t n = strlen(hcd->path);
        return strncmp(d->path, hcd->path, n) == 0 && d->path[n] == '/' ? d->path + n + 1 : NULL;
    }
    return d->path;
}

static void add_port(GArray *ports, const char *path, unsigned speed)
{
    usb_port p = { .speed = speed };
    snprintf(p.path, sizeof(p.path), "%s", path);
    g_array_append_val(ports, p);
}

/* Every port registered on bus so far, in registration order, with use marks. */
static GArray *bus_ports(vmc_model *m, vmc_mbus *bus)
{
    GArray *ports = g_array_new(FALSE, TRUE, sizeof(usb_port));
    vmc_mdev *hcd = bus->parent;
    char path[32];
    if (hcd && find_uhci(hcd->type)) {
        for (int i = 0; i < UHCI_PORTS; i++) {
            snprintf(path, sizeof(path), "%d", i + 1);
            add_port(ports, path, SPEED_LOW | SPEED_FULL);
        }
    } else if (hcd && is_ehci(hcd->type)) {
        for (int i = 0; i < EHCI_PORTS; i++) {
            snprintf(path, sizeof(path), "%d", i + 1);
            add_port(ports, path, SPEED_HIGH);
        }
        /* companions add low and full speed to the ports they cover */
        for (size_t i = 0; i < m->devices->len; i++) {
            vmc_mdev *c = g_ptr_array_index(m->devices, i);
            const char *mb = c->pci ? uhci_masterbus(c) : NULL;
            if (mb && !strcmp(mb, bus->name)) {
                int64_t first = vmc_mdev_prop_int(c, "firstport", 0);
                for (int64_t k = first; k < first + UHCI_PORTS && k >= 0 && k < EHCI_PORTS; k++) {
                    g_array_index(ports, usb_port, k).speed |= SPEED_LOW | SPEED_FULL;
                }
            }
        }
    } else if (hcd && is_xhci(hcd->type)) {
        unsigned p2, p3;
        xhci_ports(hcd, &p2, &p3);
        for (unsigned i = 0; i < (p2 > p3 ? p2 : p3); i++) {
            snprintf(path, sizeof(path), "%u", i + 1);
            add_port(ports, path, (i < p2 ? SPEED_LOW | SPEED_FULL | SPEED_HIGH : 0) |
                                      (i < p3 ? SPEED_SUPER : 0));
        }
    }
    /* hubs (in realize order) append their downstream ports */
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *c = g_ptr_array_index(m->devices, i);
        const char *at = c->bus == bus ? port_of(c) : NULL;
        if (!at || strcmp(c->type, "usb-hub")) {
            continue;
        }
        uint64_t n = HUB_MAXPORTS;
        if (vmc_media_prop_uint(c, "ports", HUB_MAXPORTS, UINT32_MAX, &n) || n > HUB_MAXPORTS) {
            n = HUB_MAXPORTS;
        }
        for (unsigned k = 0; k < n; k++) {
            snprintf(path, sizeof(path), "%s.%u", at, k + 1);
            add_port(ports, path, SPEED_LOW | SPEED_FULL);
        }
    }
    /* ports taken by devices */
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *c = g_ptr_array_index(m->devices, i);
        const char *at = c->bus == bus ? port_of(c) : NULL;
        for (guint k = 0; at && k < ports->len; k++) {
            usb_port *p = &g_array_index(ports, usb_port, k);
            if (!strcmp(p->path, at)) {
                p->used = true;
            }
        }
    }
    return ports;
}

static int hubcount(const char *path)
{
    int n = 0;
    for (; *path; path++) {
        n += *path == '.';
    }
    return n;
}

static void speed_str(char *buf, size_t len, unsigned mask)
{
    static const char *const names[] = { "low", "full", "high", "super" };
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < 4; i++) {
        if (mask & (1u << i)) {
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
                                     used ? "+" : "", names[i]);
        }
    }
}

/* ---- USB devices ------------------------------------------------------------------ */

typedef struct usbdev_info {
    const char *type;
    const char *vmsd;
    const char *product;
} usbdev_info;

static const usbdev_info usbdev_types[] = {
    { "usb-tablet", "usb-ptr", "QEMU USB Tablet" },
    { "usb-mouse", "usb-ptr", "QEMU USB Mouse" },
    { "usb-kbd", "usb-kbd", "QEMU USB Keyboard" },
    { "usb-storage", "usb-storage", "QEMU USB MSD" },
    { "usb-hub", "usb-hub", "QEMU USB Hub" },
};

static const usbdev_info *find_usbdev(const char *type)
{
    for (size_t i = 0; i < sizeof(usbdev_types) / sizeof(usbdev_types[0]); i++) {
        if (!strcmp(usbdev_types[i].type, type)) {
            return &usbdev_types[i];
        }
    }
    return NULL;
}

/* The speeds a device's descriptors offer (usb_desc_init), or an error. */
static int device_speed(vmc_mdev *d, unsigned *speed)
{
    if (!strcmp(d->type, "usb-storage")) {
        *speed = SPEED_FULL | SPEED_HIGH | SPEED_SUPER;
        return 0;
    }
    if (!strcmp(d->type, "usb-hub")) {
        *speed = SPEED_FULL;
        return 0;
    }
    /* HID devices: usb_version 1 (full speed only) or 2 (also high speed) */
    uint64_t ver;
    int rc = vmc_media_prop_uint(d, "usb_version", 2, UINT32_MAX, &ver);
    if (rc) {
        return rc;
    }
    if (ver != 1 && ver != 2) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Invalid usb version %u for usb hid "
                             "device", d->type, (unsigned)ver);
    }
    *speed = SPEED_FULL | (ver == 2 ? SPEED_HIGH : 0);
    return 0;
}

/* -drive id / -blockdev node-name of a usb-storage drive; *cdrom for media=cdrom. */
static bool find_drive(vmc_model *m, const char *name, bool *cdrom)
{
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const char *kind = vmc_cmdline_backend_kind(m->cl, i);
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *id = !strcmp(kind, "drive")      ? vmc_qopts_get(o, "id")
                         : !strcmp(kind, "blockdev") ? vmc_qopts_get(o, "node-name")
                                                     : NULL;
        if (id && !strcmp(id, name)) {
            const char *media = !strcmp(kind, "drive") ? vmc_qopts_get(o, "media") : NULL;
            *cdrom = media && !strcmp(media, "cdrom");
            return true;
        }
    }
    return false;
}

/*
 * usb-storage: a SCSI bus with one disk (scsi_bus_legacy_add_drive), whose
 * "scsi-disk" entry registers before the usb-storage one.
 */
static int realize_storage(vmc_model *m, vmc_mdev *d)
{
    const char *drive = vmc_mdev_prop(d, "drive");
    bool cdrom = false;
    if (!drive || !*drive) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: drive property not set", d->type);
    }
    if (!find_drive(m, drive, &cdrom)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Property '%s.drive' can't find "
                             "value '%s'", d->type, d->type, drive);
    }
    vmc_mbus *scsi = vmc_media_new_bus(m, d, VMC_BUS_SCSI, "scsi");
    vmc_mdev *disk = vmc_model_new_device(m, cdrom ? "scsi-cd" : "scsi-hd", NULL, NULL, scsi);
    disk->path = g_strdup_printf("%s/0:0:0", d->path);    /* channel 0, target 0, LUN 0 */
    scsi->next_port = 1;
    vmc_devmodel_register(m, disk, "scsi-disk", 0);
    return 0;
}

/*
 * Plug d into the USB bus it is on (usb_claim_port + usb_device_attach)
 * and realize it.  auto_hub: d is the hub QEMU adds by itself; its
 * failures are silent (NULL errp in QEMU) and reported as 1.
 */
static int plug(vmc_model *m, vmc_mdev *d, bool auto_hub);

/* usb_claim_port's hub: a usb-hub into the last free port, if it can attach. */
static void add_auto_hub(vmc_model *m, vmc_mbus *bus)
{
    vmc_mdev *hub = vmc_model_new_device(m, "usb-hub", NULL, NULL, bus);
    if (plug(m, hub, true) != 0) {
        /* never realized: drop it */
        g_ptr_array_remove(m->devices, hub);
    }
}

static int plug(vmc_model *m, vmc_mdev *d, bool auto_hub)
{
    const usbdev_info *info = find_usbdev(d->type);
    vmc_mbus *bus = d->bus;
    vmc_mdev *hcd = bus->parent;
    unsigned speed = 0;
    int rc = device_speed(d, &speed);
    if (rc) {
        return rc;
    }
    const char *want = vmc_mdev_prop(d, "port");
    if (!want || !*want) {
        want = NULL;
    }
    GArray *ports = bus_ports(m, bus);
    unsigned nfree = 0;
    for (guint k = 0; k < ports->len; k++) {
        nfree += !g_array_index(ports, usb_port, k).used;
    }
    if (!want && nfree == 1 && strcmp(d->type, "usb-hub") != 0) {
        add_auto_hub(m, bus);
        g_array_free(ports, TRUE);
        ports = bus_ports(m, bus);
    }
    usb_port *port = NULL;
    for (guint k = 0; k < ports->len && !port; k++) {
        usb_port *p = &g_array_index(ports, usb_port, k);
        if (!p->used && (!want || !strcmp(p->path, want))) {
            port = p;
        }
    }
    if (!port) {
        rc = want ? vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                  "qemu-system-x86_64: -device %s: usb port %s (bus %s) not found "
                                  "(in use?)", d->type, want, bus->name)
                  : vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                  "qemu-system-x86_64: -device %s: tried to attach usb device %s "
                                  "to a bus with no free ports", d->type, info->product);
        g_array_free(ports, TRUE);
        return auto_hub ? 1 : rc;
    }
    usb_port at = *port;
    g_array_free(ports, TRUE);
    /* usb_device_realize: a hub refuses a sixth level */
    if (!strcmp(d->type, "usb-hub")) {
        uint64_t n;
        if ((rc = vmc_media_prop_uint(d, "ports", HUB_MAXPORTS, UINT32_MAX, &n))) {
            return auto_hub ? 1 : rc;
        }
        if (n < 1 || n > HUB_MAXPORTS) {
            return auto_hub ? 1 : vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                                "qemu-system-x86_64: -device %s: num_ports (%u) "
                                                "out of range (1..%d)", d->type, (unsigned)n,
                                                HUB_MAXPORTS);
        }
        if (hubcount(at.path) == 5) {
            return auto_hub ? 1 : vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                                "qemu-system-x86_64: -device %s: usb hub chain "
                                                "too deep", d->type);
        }
    }
    /* usb_device_attach: the port must offer one of the device's speeds */
    if (!(at.speed & speed)) {
        char ds[32], ps[32];
        speed_str(ds, sizeof(ds), speed);
        speed_str(ps, sizeof(ps), at.speed);
        return auto_hub ? 1 : vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                            "qemu-system-x86_64: -device %s: Warning: speed "
                                            "mismatch trying to attach usb device \"%s\" (%s "
                                            "speed) to bus \"%s\", port \"%s\" (%s speed)",
                                            d->type, info->product, ds, bus->name, at.path, ps);
    }
    d->path = hcd && hcd->path ? g_strdup_printf("%s/%s", hcd->path, at.path)
                               : g_strdup(at.path);
    if (!strcmp(d->type, "usb-storage") && (rc = realize_storage(m, d))) {
        return rc;
    }
    vmc_devmodel_register(m, d, info->vmsd, 0);
    return 0;
}

int vmc_media_realize_usbdev(vmc_model *m, vmc_mdev *d)
{
    int rc = vmc_media_place_on_bus(m, d, VMC_BUS_USB, "usb-bus");
    if (rc) {
        return rc;
    }
    return plug(m, d, false);
}

/* ---- host controllers ------------------------------------------------------------- */

/* usb_register_companion + ehci_register_companion checks. */
static int register_companion(vmc_model *m, vmc_mdev *d, const char *masterbus)
{
    vmc_mbus *bus = vmc_model_find_bus(m, masterbus);
    if (!bus || bus->kind != VMC_BUS_USB) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: USB bus '%s' not found", d->type,
                             masterbus);
    }
    /* only the ich9 EHCI functions (not hot-pluggable) take companions */
    if (!bus->parent || (strcmp(bus->parent->type, "ich9-usb-ehci1") &&
                         strcmp(bus->parent->type, "ich9-usb-ehci2"))) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Can't use USB bus '%s' as "
                             "masterbus, it doesn't support companion controllers", d->type,
                             masterbus);
    }
    int64_t first = vmc_mdev_prop_int(d, "firstport", 0);
    if (first < 0 || first + UHCI_PORTS > EHCI_PORTS) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: firstport must be between 0 and "
                             "%u", d->type, EHCI_PORTS - UHCI_PORTS);
    }
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *c = g_ptr_array_index(m->devices, i);
        const char *mb = c != d && c->pci ? uhci_masterbus(c) : NULL;
        if (!mb || strcmp(mb, masterbus)) {
            continue;
        }
        int64_t f = vmc_mdev_prop_int(c, "firstport", 0);
        for (int64_t k = first; k < first + UHCI_PORTS; k++) {
            if (k >= f && k < f + UHCI_PORTS) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                     "qemu-system-x86_64: -device %s: firstport %u asks for "
                                     "ports %u-%u, but port %u has a companion assigned "
                                     "already", d->type, (unsigned)first, (unsigned)first,
                                     (unsigned)(first + UHCI_PORTS - 1), (unsigned)k);
            }
        }
    }
    return 0;
}

int vmc_media_realize_uhci(vmc_model *m, vmc_mdev *d)
{
    const uhci_info *u = find_uhci(d->type);
    vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = u->device_id,
                         .revision = u->revision, .class_id = 0x0c03 };
    int rc = vmc_media_pci_begin(m, d, &id, false);
    if (rc) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[0x60] = 0x10;                               /* SBRN: USB 1.0 */
    p->config[VMC_PCI_INTERRUPT_PIN] = (uint8_t)(u->irq_pin + 1);
    const char *mb = uhci_masterbus(d);
    if (mb) {
        if ((rc = register_companion(m, d, mb))) {
            return rc;
        }
    } else {
        vmc_media_new_bus(m, d, VMC_BUS_USB, "usb-bus");
    }
    if ((rc = vmc_pci_register_bar(p, 4, VMC_PCI_BAR_IO, 0x20)) ||
        (rc = vmc_dm_option_rom(m, d, "uhci", NULL))) {
        return rc;
    }
    p->config[0x6a] = 0x01;                               /* uhci_reset: USB clock */
    vmc_media_pci_finish(m, d, "uhci");
    return 0;
}

int vmc_media_realize_ehci(vmc_model *m, vmc_mdev *d)
{
    bool ich9 = strcmp(d->type, "usb-ehci") != 0;
    vmc_pci_ident id = { .vendor_id = 0x8086,
                         .device_id = !ich9 ? 0x24cd
                                      : !strcmp(d->type, "ich9-usb-ehci1") ? 0x293a : 0x293c,
                         .revision = ich9 ? 0x03 : 0x10, .class_id = 0x0c03 };
    int rc = vmc_media_pci_begin(m, d, &id, false);
    uint64_t maxframes;
    if (rc || (rc = vmc_media_prop_uint(d, "maxframes", 128, UINT32_MAX, &maxframes))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_CLASS_PROG] = 0x20;
    p->config[VMC_PCI_INTERRUPT_PIN] = 4;
    p->config[0x60] = 0x20;                               /* SBRN: USB 2.0 */
    p->config[0x61] = 0x20;                               /* frame length adjustment */
    p->config[0x68] = 0x01;                               /* USBLEGSUP */
    p->config[0x6f] = 0xc0;                               /* USBLEGCTLSTS */
    if (maxframes < 8 || maxframes > 512) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: maxframes %u out if range (8 .. "
                             "512)", d->type, (unsigned)maxframes);
    }
    vmc_media_new_bus(m, d, VMC_BUS_USB, "usb-bus");
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM32, 0x1000)) ||
        (rc = vmc_dm_option_rom(m, d, "ehci", NULL))) {
        return rc;
    }
    vmc_media_pci_finish(m, d, "ehci");
    return 0;
}

int vmc_media_realize_xhci(vmc_model *m, vmc_mdev *d)
{
    bool nec = !strcmp(d->type, "nec-usb-xhci");
    vmc_pci_ident id = { .vendor_id = nec ? 0x1033 : 0x1b36, .device_id = nec ? 0x0194 : 0x000d,
                         .revision = nec ? 0x03 : 0x01, .class_id = 0x0c03 };
    /* a hybrid device: express (4096 bytes) on every bus */
    int rc = vmc_media_pci_begin(m, d, &id, true);
    if (rc) {
        return rc;
    }
    /*
     * qemu-xhci fixes MSI off and MSI-X auto; nec-usb-xhci has the msi and
     * msix properties.  Both always get 16 interrupters: nec-usb-xhci copies
     * intrs / slots / superspeed-ports-first / force-pcie-endcap into the
     * core at instance init, before any property is set, so QEMU 7.2
     * ignores them (and the pc-*-2.0 compat values) for the config space.
     */
    int msi = 0, msix = -1;
    if (nec && ((rc = vmc_media_prop_onoffauto(d, "msi", -1, &msi)) ||
                (rc = vmc_media_prop_onoffauto(d, "msix", -1, &msix)))) {
        return rc;
    }
    const unsigned intrs = 16;
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_CLASS_PROG] = 0x30;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    p->config[VMC_PCI_CACHE_LINE_SIZE] = 0x10;
    p->config[0x60] = 0x30;                               /* SBRN: USB 3.0 */
    vmc_media_new_bus(m, d, VMC_BUS_USB, "usb-bus");
    if (msi != 0 && (rc = vmc_msi_init(p, 0x70, intrs, true, false)) < 0) {
        return rc;
    }
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM64, 0x4000))) {
        return rc;
    }
    if (vmc_media_bus_express(d->bus)) {
        rc = vmc_pcie_endpoint_cap_init(p, 0xa0, vmc_media_bus_root(d->bus), false);
        if (rc < 0) {
            return rc;
        }
    }
    if (msix != 0 && (rc = vmc_msix_init(p, intrs, 0, 0x3000, 0, 0x3800, 0x90)) < 0) {
        return rc;
    }
    if ((rc = vmc_dm_option_rom(m, d, "xhci", NULL))) {
        return rc;
    }
    vmc_media_pci_finish(m, d, "xhci");
    return 0;
}
