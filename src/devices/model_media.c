/*
 * Device models (machine model side): group "media" -- display, audio and
 * USB.  The models are in model_media_display.c, model_media_audio.c and
 * model_media_usb.c; this file holds the group table and the PCI and bus
 * helpers they share (see model_media.h).
 */
#include "devices/devmodel.h"
#include "devices/model_media.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ide-hd / ide-cd: their state travels in the controller's section (the
 * IDE bus and its drives, fresh_ide.c); the drive itself registers nothing */
static int realize_ide_drive(vmc_model *m, vmc_mdev *d)
{
    (void)m;
    (void)d;
    return 0;
}

const vmc_devmodel vmc_devmodels_media[] = {
    { "ide-hd", VMC_BUS_IDE, realize_ide_drive },
    { "ide-cd", VMC_BUS_IDE, realize_ide_drive },
    { "VGA", VMC_BUS_PCI, vmc_media_realize_vga },
    { "secondary-vga", VMC_BUS_PCI, vmc_media_realize_vga },
    { "bochs-display", VMC_BUS_PCI, vmc_media_realize_bochs },
    { "cirrus-vga", VMC_BUS_PCI, vmc_media_realize_cirrus },
    { "qxl-vga", VMC_BUS_PCI, vmc_media_realize_qxl },
    { "qxl", VMC_BUS_PCI, vmc_media_realize_qxl },
    { "intel-hda", VMC_BUS_PCI, vmc_media_realize_hda },
    { "ich9-intel-hda", VMC_BUS_PCI, vmc_media_realize_hda },
    { "hda-duplex", VMC_BUS_HDA, vmc_media_realize_codec },
    { "hda-output", VMC_BUS_HDA, vmc_media_realize_codec },
    { "hda-micro", VMC_BUS_HDA, vmc_media_realize_codec },
    { "piix3-usb-uhci", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "piix4-usb-uhci", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "ich9-usb-uhci1", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "ich9-usb-uhci2", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "ich9-usb-uhci3", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "ich9-usb-uhci4", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "ich9-usb-uhci5", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "ich9-usb-uhci6", VMC_BUS_PCI, vmc_media_realize_uhci },
    { "usb-ehci", VMC_BUS_PCI, vmc_media_realize_ehci },
    { "ich9-usb-ehci1", VMC_BUS_PCI, vmc_media_realize_ehci },
    { "ich9-usb-ehci2", VMC_BUS_PCI, vmc_media_realize_ehci },
    { "nec-usb-xhci", VMC_BUS_PCI, vmc_media_realize_xhci },
    { "qemu-xhci", VMC_BUS_PCI, vmc_media_realize_xhci },
    { "usb-tablet", VMC_BUS_USB, vmc_media_realize_usbdev },
    { "usb-mouse", VMC_BUS_USB, vmc_media_realize_usbdev },
    { "usb-kbd", VMC_BUS_USB, vmc_media_realize_usbdev },
    { "usb-storage", VMC_BUS_USB, vmc_media_realize_usbdev },
    { "usb-hub", VMC_BUS_USB, vmc_media_realize_usbdev },
    { NULL, 0, NULL },
};

/* ---- properties ------------------------------------------------------------ */

int vmc_media_prop_uint(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t max,
                        uint64_t *out)
{
    const char *v = vmc_mdev_prop(d, prop);
    if (!v || !*v) {
        *out = dflt;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    if (errno || *end || v[0] == '-' || n > max) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Property '%s.%s' doesn't take "
                             "value '%s'", d->type, d->type, prop, v);
    }
    *out = n;
    return 0;
}

int vmc_media_prop_size(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t *out)
{
    const char *v = vmc_mdev_prop(d, prop);
    if (!v || !*v) {
        *out = dflt;
        return 0;
    }
    /* qemu_strtosz: a number (hex is integral only), then one unit letter */
    char *end;
    errno = 0;
    double f = 0;
    unsigned long long n = 0;
    bool hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
    if (hex) {
        n = strtoull(v, &end, 16);
        f = (double)n;
    } else {
        f = strtod(v, &end);
    }
    int shift = 0;
    switch (*end) {
    case 'b': case 'B': shift = 0; end++; break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    case 'p': case 'P': shift = 50; end++; break;
    case 'e': case 'E': shift = 60; end++; break;
    default: break;
    }
    double size = f * (double)(1ull << shift);
    if (errno || end == v || *end || v[0] == '-' || size >= 18446744073709551616.0) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Property '%s.%s' doesn't take "
                             "value '%s'", d->type, d->type, prop, v);
    }
    *out = hex && !shift ? n : (uint64_t)size;
    return 0;
}

int vmc_media_prop_onoffauto(vmc_mdev *d, const char *prop, int dflt, int *out)
{
    const char *v = vmc_mdev_prop(d, prop);
    if (!v || !*v) {
        *out = dflt;
    } else if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = 1;
    } else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = 0;
    } else if (!strcmp(v, "auto")) {
        *out = -1;
    } else {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Parameter '%s' does not accept "
                             "value '%s'", d->type, prop, v);
    }
    return 0;
}

/* ---- PCI --------------------------------------------------------------------- */

bool vmc_media_bus_express(const vmc_mbus *b)
{
    return b && b->kind == VMC_BUS_PCIE;
}

bool vmc_media_bus_root(const vmc_mbus *b)
{
    return b && !b->parent;
}

static bool is_multifunction(vmc_mdev *d)
{
    if (d->pci) {
        return d->pci->multifunction;
    }
    return vmc_mdev_prop_bool(d, "multifunction", false);
}

int vmc_media_pci_begin(vmc_model *m, vmc_mdev *d, const vmc_pci_ident *id, bool express)
{
    (void)m;
    /* pci_qdev_realize: a set romsize must be a power of two */
    int64_t romsize = vmc_mdev_prop_int(d, "romsize", -1);
    if (romsize != -1 && romsize != 0xffffffff &&
        (romsize <= 0 || (romsize & (romsize - 1)) != 0)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: ROM size %u is not a power of "
                             "two", d->type, (unsigned)romsize);
    }
    /* pci_init_multifunction */
    bool mf = vmc_mdev_prop_bool(d, "multifunction", false);
    int slot = d->devfn >> 3, fn = d->devfn & 7;
    if (fn) {
        vmc_mdev *f0 = d->bus->children[slot << 3];
        if (f0 && !is_multifunction(f0)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: PCI: single function device "
                                 "can't be populated in function %x.%x", d->type, slot, fn);
        }
    } else if (!mf) {
        for (int f = 1; f < 8; f++) {
            if (d->bus->children[slot << 3 | f]) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                     "qemu-system-x86_64: -device %s: PCI: %x.0 indicates "
                                     "single function, but %x.%x is already populated.",
                                     d->type, slot, slot, f);
            }
        }
    }
    d->pci = g_new0(vmc_pci_config, 1);
    return vmc_pci_config_init(d->pci, id, express, mf, (uint8_t)d->devfn);
}

vmc_model_entry *vmc_media_pci_finish(vmc_model *m, vmc_mdev *d, const char *vmsd_name)
{
    vmc_model_entry *e = vmc_devmodel_register(m, d, vmsd_name, 0);
    /* system reset: pci_do_device_reset (device resets touch no checked byte) */
    vmc_pci_reset(d->pci);
    vmc_devmodel_publish_pci(m, d, e->idstr);
    return e;
}

/* ---- buses -------------------------------------------------------------------- */

vmc_mbus *vmc_media_new_bus(vmc_model *m, vmc_mdev *d, vmc_bus_kind kind,
                            const char *type_prefix)
{
    char *name;
    if (d->id) {
        name = g_strdup_printf("%s.%u", d->id, d->buses ? d->buses->len : 0u);
    } else {
        /* BusClass automatic_ids: count earlier automatic names of this type */
        unsigned n = 0;
        size_t plen = strlen(type_prefix);
        for (size_t i = 0; i < m->buses->len; i++) {
            const vmc_mbus *b = g_ptr_array_index(m->buses, i);
            if (b->kind == kind && !strncmp(b->name, type_prefix, plen) &&
                b->name[plen] == '.' && (!b->parent || !b->parent->id)) {
                n++;
            }
        }
        name = g_strdup_printf("%s.%u", type_prefix, n);
    }
    vmc_mbus *b = vmc_model_new_bus(m, d, name, kind);
    g_free(name);
    return b;
}

/*
 * qbus_find_recursive: the bus itself when it matches, else its children
 * newest first (bus_add_child inserts at the head), each device's child
 * buses newest first (also inserted at the head).
 */
static vmc_mbus *find_recursive(vmc_model *m, vmc_mbus *bus, vmc_bus_kind kind, vmc_mdev *self,
                                int depth)
{
    if (bus->kind == kind) {
        return bus;
    }
    if (depth > 32) {
        return NULL;
    }
    for (size_t i = m->devices->len; i-- > 0;) {
        vmc_mdev *c = g_ptr_array_index(m->devices, i);
        if (c == self || c->bus != bus || !c->buses) {
            continue;
        }
        for (size_t k = c->buses->len; k-- > 0;) {
            vmc_mbus *r = find_recursive(m, g_ptr_array_index(c->buses, k), kind, self,
                                         depth + 1);
            if (r) {
                return r;
            }
        }
    }
    return NULL;
}

int vmc_media_place_on_bus(vmc_model *m, vmc_mdev *d, vmc_bus_kind kind, const char *bus_type)
{
    const char *name = d->opts ? vmc_qopts_get(d->opts, "bus") : NULL;
    vmc_mbus *bus = NULL;
    if (name) {
        bus = vmc_model_find_bus(m, name);
        if (!bus) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Bus '%s' not found", d->type,
                                 name);
        }
        if (bus->kind != kind) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Device '%s' can't go on a "
                                 "bus that is not a %s", d->type, d->type, bus_type);
        }
    } else {
        /* the main system bus holds the host bridges, oldest first; search newest first */
        for (size_t i = m->buses->len; i-- > 0 && !bus;) {
            vmc_mbus *b = g_ptr_array_index(m->buses, i);
            if (!b->parent) {
                bus = find_recursive(m, b, kind, d, 0);
            }
        }
        if (!bus) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: No '%s' bus found for device "
                                 "'%s'", d->type, bus_type, d->type);
        }
    }
    d->bus = bus;
    return 0;
}
