/*
 * Fresh state of the USB host controllers and HID devices (QEMU 7.2):
 * qemu-xhci / nec-usb-xhci ("xhci"), the UHCI controllers ("uhci") and
 * usb-tablet / usb-mouse / usb-kbd ("usb-ptr", "usb-mouse", "usb-kbd").
 * Only devices plugged straight into a root port are modelled (no hubs).
 */
#include "devices/fresh_pcidevs.h"
#include "devices/fresh_util.h"

#include <stdlib.h>
#include <string.h>

enum { SPEED_LOW, SPEED_FULL, SPEED_HIGH, SPEED_SUPER };

static bool is_hid(const vmc_mdev *d)
{
    return !strcmp(d->type, "usb-tablet") || !strcmp(d->type, "usb-mouse") ||
           !strcmp(d->type, "usb-kbd");
}

/* The controller of a USB device: the parent of its bus. */
static const vmc_mdev *hcd_of(const vmc_mdev *d)
{
    return d && d->bus && d->bus->kind == VMC_BUS_USB ? d->bus->parent : NULL;
}

/* Port path of d below its controller ("1", "1.2"), or NULL. */
static const char *port_path(const vmc_mdev *d)
{
    const vmc_mdev *hcd = hcd_of(d);
    if (!d->path || !hcd || !hcd->path) {
        return NULL;
    }
    size_t n = strlen(hcd->path);
    if (strncmp(d->path, hcd->path, n) != 0 || d->path[n] != '/') {
        return NULL;
    }
    return d->path + n + 1;
}

/* Root port number (1..) of a device plugged straight into hcd, else 0. */
static int root_port(const vmc_mdev *d)
{
    const char *p = port_path(d);
    if (!p) {
        return 0;
    }
    char *end;
    long v = strtol(p, &end, 10);
    return *end || v < 1 ? 0 : (int)v;
}

/*
 * Speed QEMU picks when attaching d to a port: the highest the device
 * offers within the port's mask.  -1 for a device type not modelled.
 */
static int usb_speed(const vmc_mdev *d, bool port_high, bool port_super)
{
    if (is_hid(d)) {
        bool v2 = vmc_mdev_prop_int((vmc_mdev *)d, "usb_version", 2) == 2;
        return port_high && v2 ? SPEED_HIGH : SPEED_FULL;
    }
    if (!strcmp(d->type, "usb-storage")) {
        /* it has SuperSpeed descriptors: an xHCI puts it on a USB 3 port */
        return port_super ? SPEED_SUPER : port_high ? SPEED_HIGH : SPEED_FULL;
    }
    if (!strcmp(d->type, "usb-hub")) {
        return SPEED_FULL;
    }
    return -1;
}

typedef struct usb_plug {
    int port;
    int speed;
} usb_plug;

/* Devices on the controller's root ports; -1 for something unmodelled. */
static int hcd_plugs(const vmc_fresh_ctx *fc, const vmc_mdev *hcd, bool high_speed_ports,
                     bool super_speed_ports, usb_plug *out, int max)
{
    int n = 0;
    for (size_t i = 0; i < fc->m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(fc->m->devices, i);
        if (hcd_of(d) != hcd) {
            continue;
        }
        int port = root_port(d);
        int speed = usb_speed(d, high_speed_ports, super_speed_ports);
        if (!port_path(d) || speed < 0 || n == max) {
            return -1;
        }
        if (!port) {
            continue;   /* behind a hub: the hub's port holds it */
        }
        out[n].port = port;
        out[n].speed = speed;
        n++;
    }
    return n;
}

static int usb_plugs(const vmc_fresh_ctx *fc, bool high_speed_ports, bool super_speed_ports,
                     usb_plug *out, int max)
{
    return hcd_plugs(fc, fc->dev, high_speed_ports, super_speed_ports, out, max);
}

/* The EHCI whose bus a companion UHCI names in masterbus, or NULL. */
static const vmc_mdev *companion_master(const vmc_fresh_ctx *fc)
{
    const char *master = fc->dev && fc->dev->opts ? vmc_qopts_get(fc->dev->opts, "masterbus")
                                                  : NULL;
    for (size_t i = 0; master && i < fc->m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(fc->m->devices, i);
        for (guint b = 0; d->buses && b < d->buses->len; b++) {
            vmc_mbus *bus = g_ptr_array_index(d->buses, b);
            if (strcmp(bus->name, master) == 0) {
                return d;
            }
        }
    }
    return NULL;
}

/* ---- xHCI ----------------------------------------------------------------- */

#define XHCI_MAXPORTS_2 15
#define XHCI_MAXPORTS_3 15
#define XHCI_MAXINTRS 16
#define PORTSC_CCS (1u << 0)
#define PORTSC_PED (1u << 1)
#define PORTSC_PP (1u << 9)
#define PORTSC_CSC (1u << 17)
#define PORTSC_PLS_SHIFT 5
#define PORTSC_SPEED_SHIFT 10
#define PLS_U0 0
#define PLS_RX_DETECT 5
#define PLS_POLLING 7
#define USBSTS_HCH 1

int vmc_fresh_xhci(const vmc_fresh_ctx *fc, vmc_state *st)
{
    int64_t p2 = vmc_fresh_prop_int(fc, NULL, "p2", 4);
    int64_t p3 = vmc_fresh_prop_int(fc, NULL, "p3", 4);
    p2 = p2 > XHCI_MAXPORTS_2 ? XHCI_MAXPORTS_2 : p2;
    p3 = p3 > XHCI_MAXPORTS_3 ? XHCI_MAXPORTS_3 : p3;
    int64_t intrs = vmc_fresh_prop_int(fc, NULL, "intrs", XHCI_MAXINTRS);
    intrs = intrs > XHCI_MAXINTRS ? XHCI_MAXINTRS : intrs;
    while (intrs & (intrs - 1)) {
        intrs++;
    }
    if (!vmc_fresh_prop_bool(fc, NULL, "superspeed-ports-first", true)) {
        return vmc_fresh_unsupported(fc, "an xHCI with superspeed-ports-first=off");
    }
    usb_plug plugs[32];
    int n = usb_plugs(fc, true, true, plugs, 32);
    if (n < 0) {
        return vmc_fresh_unsupported(fc, "these USB devices (HID, storage and hubs are modelled)");
    }
    vmc_fresh_pci_device(st, "parent_obj[0]");
    vmc_fresh_msix_masked(st, "parent_obj[1].msix", vmc_fresh_msix_vectors(fc));
    /* xhci_port_update() of every port; USB 3 ports come first */
    for (int i = 0; i < p3 + p2; i++) {
        uint32_t portsc = PORTSC_PP | PORTSC_CSC | PLS_RX_DETECT << PORTSC_PLS_SHIFT;
        for (int k = 0; k < n; k++) {
            if (plugs[k].speed == SPEED_SUPER) {
                /* USB 3 port: enabled at once, link in U0 */
                if (plugs[k].port - 1 == i && plugs[k].port <= p3) {
                    portsc = PORTSC_PP | PORTSC_CSC | PORTSC_CCS | PORTSC_PED |
                             4u << PORTSC_SPEED_SHIFT | PLS_U0 << PORTSC_PLS_SHIFT;
                }
                continue;
            }
            if (p3 + plugs[k].port - 1 == i && plugs[k].port <= p2) {
                uint32_t speed = plugs[k].speed == SPEED_HIGH ? 3 : plugs[k].speed == SPEED_LOW ? 2 : 1;
                portsc = PORTSC_PP | PORTSC_CSC | PORTSC_CCS | speed << PORTSC_SPEED_SHIFT |
                         PLS_POLLING << PORTSC_PLS_SHIFT;
            }
        }
        vmc_fresh_u(st, portsc, "xhci.ports[%d].portsc", i);
    }
    for (int i = 0; i < intrs; i++) {
        vmc_fresh_u(st, 1, "xhci.intr[%d].er_pcs", i);
    }
    vmc_fresh_u(st, USBSTS_HCH, "xhci.usbsts");
    vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "xhci.mfwrap_timer");
    return 0;
}

/* ---- UHCI ------------------------------------------------------------------ */

#define UHCI_PORTS 2
#define UHCI_PORT_CCS (1u << 0)
#define UHCI_PORT_CSC (1u << 1)
#define UHCI_PORT_LSDA (1u << 8)
#define UHCI_PORT_RSVD 0x0080
#define UHCI_STS_HCHALTED (1u << 5)

int vmc_fresh_uhci(const vmc_fresh_ctx *fc, vmc_state *st)
{
    usb_plug plugs[UHCI_PORTS + 6];
    int n;
    const vmc_mdev *ehci = companion_master(fc);
    if (ehci) {
        /* a companion: the devices on the EHCI ports it owns are its own
         * (ehci_attach hands them over), at full or low speed */
        int64_t first = vmc_fresh_prop_int(fc, NULL, "firstport", 0);
        usb_plug all[6];
        int m = hcd_plugs(fc, ehci, false, false, all, 6);
        if (m < 0) {
            return vmc_fresh_unsupported(fc, "these USB devices (HID, storage and hubs are "
                                         "modelled)");
        }
        n = 0;
        for (int k = 0; k < m; k++) {
            if (all[k].port > first && all[k].port <= first + UHCI_PORTS) {
                plugs[n] = all[k];
                plugs[n++].port = all[k].port - (int)first;
            }
        }
    } else {
        n = usb_plugs(fc, false, false, plugs, UHCI_PORTS);
    }
    if (n < 0) {
        return vmc_fresh_unsupported(fc, "these USB devices (HID, storage and hubs are modelled)");
    }
    vmc_fresh_pci_device(st, "dev");
    vmc_fresh_u(st, UHCI_PORTS, "num_ports_vmstate");
    for (int i = 0; i < UHCI_PORTS; i++) {
        uint32_t ctrl = UHCI_PORT_RSVD;
        for (int k = 0; k < n; k++) {
            if (plugs[k].port == i + 1) {
                /* uhci_reset() resets the port: attached, change latched */
                ctrl |= UHCI_PORT_CCS | UHCI_PORT_CSC;
                if (plugs[k].speed == SPEED_LOW) {
                    ctrl |= UHCI_PORT_LSDA;
                }
            }
        }
        vmc_fresh_u(st, ctrl, "ports[%d].ctrl", i);
    }
    vmc_fresh_u(st, UHCI_STS_HCHALTED, "status");
    vmc_fresh_u(st, 64, "sof_timing");
    vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "frame_timer");
    return 0;
}

/* ---- EHCI ------------------------------------------------------------------ */

#define EHCI_PORTS 6
#define EHCI_USBCMD_ITC (8u << 16)     /* NB_MAXINTRATE micro-frames */
#define EHCI_USBSTS_HALT (1u << 12)
#define EHCI_USBSTS_PCD (1u << 2)
#define EHCI_PORTSC_PPOWER (1u << 12)
#define EHCI_PORTSC_CONNECT (1u << 0)
#define EHCI_PORTSC_CSC (1u << 1)
#define EHCI_EST_INACTIVE 1000

/* A UHCI controller is the companion of an EHCI when its masterbus names
 * one of the EHCI's buses; it takes its ports from firstport on
 * (ehci_register_companion).  Sets owned[] and returns how many ports. */
#define PORTSC_POWNER (1u << 13)
#define UHCI_COMPANION_PORTS 2

static int companion_ports(const vmc_fresh_ctx *fc, bool owned[EHCI_PORTS])
{
    int n = 0;
    memset(owned, 0, EHCI_PORTS * sizeof(bool));
    for (size_t i = 0; i < fc->m->devices->len && fc->dev->buses; i++) {
        vmc_mdev *d = g_ptr_array_index(fc->m->devices, i);
        const char *master = d->opts ? vmc_qopts_get(d->opts, "masterbus") : NULL;
        if (!master) {
            continue;
        }
        for (guint b = 0; b < fc->dev->buses->len; b++) {
            vmc_mbus *bus = g_ptr_array_index(fc->dev->buses, b);
            if (strcmp(bus->name, master) != 0) {
                continue;
            }
            int64_t first = vmc_mdev_prop_int(d, "firstport", 0);
            for (int64_t p = first; p < first + UHCI_COMPANION_PORTS; p++) {
                if (p >= 0 && p < EHCI_PORTS && !owned[p]) {
                    owned[p] = true;
                    n++;
                }
            }
        }
    }
    return n;
}

/* An EHCI (usb-ehci, ich9-usb-ehci1/2) after ehci_reset(): the ports of its
 * companion controllers (if any) handed to them (PORTSC_POWNER). */
int vmc_fresh_ehci(const vmc_fresh_ctx *fc, vmc_state *st)
{
    if (!fc->dev) {
        return vmc_fresh_unsupported(fc, "an EHCI without its device");
    }
    bool owned[EHCI_PORTS];
    companion_ports(fc, owned);
    usb_plug plugs[EHCI_PORTS];
    int n = usb_plugs(fc, true, false, plugs, EHCI_PORTS);
    if (n < 0) {
        return vmc_fresh_unsupported(fc, "these USB devices (HID, storage and hubs are modelled)");
    }
    /* a device on a port a companion owns is the companion's (ehci_attach) */
    int own = 0;
    for (int k = 0; k < n; k++) {
        own += !(plugs[k].port >= 1 && plugs[k].port <= EHCI_PORTS && owned[plugs[k].port - 1]);
    }
    vmc_fresh_pci_device(st, "pcidev");
    vmc_fresh_u(st, EHCI_USBCMD_ITC, "ehci.usbcmd");
    vmc_fresh_u(st, EHCI_USBSTS_HALT | (own ? EHCI_USBSTS_PCD : 0), "ehci.usbsts");
    for (int i = 0; i < EHCI_PORTS; i++) {
        uint32_t portsc = EHCI_PORTSC_PPOWER | (owned[i] ? PORTSC_POWNER : 0);
        for (int k = 0; k < n && !owned[i]; k++) {
            if (plugs[k].port == i + 1) {
                portsc |= EHCI_PORTSC_CONNECT | EHCI_PORTSC_CSC;
            }
        }
        vmc_fresh_u(st, portsc, "ehci.portsc[%d]", i);
    }
    vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "ehci.frame_timer");
    vmc_fresh_u(st, EHCI_EST_INACTIVE, "ehci.astate");
    vmc_fresh_u(st, EHCI_EST_INACTIVE, "ehci.pstate");
    return 0;
}

/* ---- USB devices ----------------------------------------------------------- */

#define USB_STATE_ATTACHED 1
#define USB_STATE_DEFAULT 3

/*
 * State of a USB device after the system reset: attached; a UHCI or EHCI
 * controller's reset also resets the devices on its root ports (default
 * state).  xHCI leaves its ports alone, and a hub's reset does not reset
 * the devices behind it.
 */
static int usb_dev_state(const vmc_fresh_ctx *fc, int *state)
{
    const vmc_mdev *hcd = hcd_of(fc->dev);
    if (!hcd || !port_path(fc->dev)) {
        return vmc_fresh_unsupported(fc, "a USB device without a controller port");
    }
    if (!root_port(fc->dev) || strstr(hcd->type, "xhci")) {
        *state = USB_STATE_ATTACHED;
    } else if (strstr(hcd->type, "uhci") || strstr(hcd->type, "ehci")) {
        *state = USB_STATE_DEFAULT;
    } else {
        return vmc_fresh_unsupported(fc, "USB devices on this controller");
    }
    return 0;
}

int vmc_fresh_usb_hid(const vmc_fresh_ctx *fc, vmc_state *st)
{
    int state;
    int rc = usb_dev_state(fc, &state);
    if (rc) {
        return rc;
    }
    vmc_fresh_u(st, (uint64_t)state, "dev.state");
    if (state == USB_STATE_DEFAULT) {
        vmc_fresh_i(st, 1, "hid.protocol");   /* hid_reset(): report protocol */
    }
    return 0;
}

int vmc_fresh_usb_storage(const vmc_fresh_ctx *fc, vmc_state *st)
{
    int state;
    int rc = usb_dev_state(fc, &state);
    if (!rc) {
        vmc_fresh_u(st, (uint64_t)state, "dev.state");
    }
    return rc;
}

#define PORT_STAT_CONNECTION 0x0001
#define PORT_STAT_LOW_SPEED 0x0200
#define PORT_STAT_POWER 0x0100
#define PORT_STAT_C_CONNECTION 0x0001

/* usb-hub: powered ports, the ones with a device connected (change latched). */
int vmc_fresh_usb_hub(const vmc_fresh_ctx *fc, vmc_state *st)
{
    int state;
    int rc = usb_dev_state(fc, &state);
    if (rc) {
        return rc;
    }
    vmc_fresh_u(st, (uint64_t)state, "dev.state");
    int64_t nports = vmc_fresh_prop_int(fc, NULL, "ports", 8);
    const char *me = port_path(fc->dev);
    size_t ml = strlen(me);
    for (int64_t i = 0; i < nports; i++) {
        uint32_t status = PORT_STAT_POWER, change = 0;
        for (size_t k = 0; k < fc->m->devices->len; k++) {
            vmc_mdev *d = g_ptr_array_index(fc->m->devices, k);
            const char *p = hcd_of(d) == hcd_of(fc->dev) ? port_path(d) : NULL;
            char *end;
            if (!p || strncmp(p, me, ml) != 0 || p[ml] != '.' ||
                strtol(p + ml + 1, &end, 10) != i + 1) {
                continue;
            }
            if (*end) {
                return vmc_fresh_unsupported(fc, "hubs behind hubs");
            }
            if (usb_speed(d, false, false) < 0) {
                return vmc_fresh_unsupported(fc, "this device behind a hub");
            }
            status |= PORT_STAT_CONNECTION;
            change |= PORT_STAT_C_CONNECTION;
        }
        vmc_fresh_u(st, status, "ports[%lld].wPortStatus", (long long)i);
        vmc_fresh_u(st, change, "ports[%lld].wPortChange", (long long)i);
    }
    return 0;
}
