/*
 * Table-driven device models: for each QOM type, the section it registers,
 * the buses it provides, its option ROM and memory blocks.  This covers the
 * identity of a device in the migration stream (idstr, instance, version,
 * section order, RAM blocks); PCI configuration spaces are added by the
 * per-device models as they are written.
 */
#include "devices/devmodel.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct spec {
    const char *type;
    vmc_bus_kind bus;
    const char *vmsd;          /* section vmsd, NULL: none of its own */
    int priority;
    const char *rom;           /* name of the "<path>/<rom>.rom" block, NULL: none */
    vmc_bus_kind child;        /* bus it provides, VMC_BUS_SYSTEM: none */
    bool child_named_by_id;    /* bridges: the secondary bus is named after the device id */
    uint64_t vram_mb;          /* "<path>/vga.vram" default size, 0: none */
    const char *romfile;       /* the class's ROM file when the romfile property is unset */
} spec;

static const spec specs[] = {
    { "e1000", VMC_BUS_PCI, "e1000", 0, "e1000", .romfile = "efi-e1000.rom" },
    { "e1000-82544gc", VMC_BUS_PCI, "e1000", 0, "e1000", .romfile = "efi-e1000.rom" },
    { "e1000-82545em", VMC_BUS_PCI, "e1000", 0, "e1000", .romfile = "efi-e1000.rom" },
    { "e1000e", VMC_BUS_PCIE, "e1000e", 0, "e1000e", .romfile = "efi-e1000e.rom" },
    { "rtl8139", VMC_BUS_PCI, "rtl8139", 0, "rtl8139", .romfile = "efi-rtl8139.rom" },
    { "virtio-net-pci", VMC_BUS_PCI, "virtio-net", 0, "virtio-net-pci",
      .romfile = "efi-virtio.rom" },
    { "virtio-blk-pci", VMC_BUS_PCI, "virtio-blk", 0, NULL },
    { "virtio-balloon-pci", VMC_BUS_PCI, "virtio-balloon", 0, NULL },
    { "virtio-rng-pci", VMC_BUS_PCI, "virtio-rng", 0, NULL },
    { "virtio-serial-pci", VMC_BUS_PCI, "virtio-console", 0, NULL, VMC_BUS_VIRTIO_SERIAL },
    { "virtio-scsi-pci", VMC_BUS_PCI, "virtio-scsi", 0, NULL, VMC_BUS_SCSI },
    { "VGA", VMC_BUS_PCI, "vga", 0, "vga", .vram_mb = 16, .romfile = "vgabios-stdvga.bin" },
    { "cirrus-vga", VMC_BUS_PCI, "cirrus_vga", 0, "cirrus_vga", .vram_mb = 4,
      .romfile = "vgabios-cirrus.bin" },
    { "i6300esb", VMC_BUS_PCI, "i6300esb_wdt", 0, NULL },
    { "intel-hda", VMC_BUS_PCI, "intel-hda", 0, NULL, VMC_BUS_HDA },
    { "ich9-intel-hda", VMC_BUS_PCI, "intel-hda", 0, NULL, VMC_BUS_HDA },
    { "hda-duplex", VMC_BUS_HDA, "hda-audio", 0, NULL },
    { "hda-output", VMC_BUS_HDA, "hda-audio", 0, NULL },
    { "hda-micro", VMC_BUS_HDA, "hda-audio", 0, NULL },
    { "piix3-usb-uhci", VMC_BUS_PCI, "uhci", 0, NULL, VMC_BUS_USB },
    { "qemu-xhci", VMC_BUS_PCI, "xhci", 0, NULL, VMC_BUS_USB },
    { "nec-usb-xhci", VMC_BUS_PCI, "xhci", 0, NULL, VMC_BUS_USB },
    { "usb-tablet", VMC_BUS_USB, "usb-ptr", 0, NULL },
    { "usb-mouse", VMC_BUS_USB, "usb-ptr", 0, NULL },
    { "usb-kbd", VMC_BUS_USB, "usb-kbd", 0, NULL },
    { "pci-bridge", VMC_BUS_PCI, "pci_bridge", VMC_PRI_PCI_BUS, NULL, VMC_BUS_PCI, true },
    { "pcie-root-port", VMC_BUS_PCIE, "pcie-root-port", VMC_PRI_PCI_BUS, NULL, VMC_BUS_PCIE, true },
    { "pcie-pci-bridge", VMC_BUS_PCIE, "pcie-pci-bridge", VMC_PRI_PCI_BUS, NULL, VMC_BUS_PCI,
      true },
    { "ivshmem-plain", VMC_BUS_PCI, "ivshmem-plain", 0, NULL },
    { "isa-serial", VMC_BUS_ISA, "serial", 0, NULL },
    { "ide-hd", VMC_BUS_IDE, NULL, 0, NULL },
    { "ide-cd", VMC_BUS_IDE, NULL, 0, NULL },
    { "virtconsole", VMC_BUS_VIRTIO_SERIAL, NULL, 0, NULL },
    { "virtserialport", VMC_BUS_VIRTIO_SERIAL, NULL, 0, NULL },
};

static const spec *find_spec(const char *type)
{
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        if (strcmp(specs[i].type, type) == 0) {
            return &specs[i];
        }
    }
    return NULL;
}

/* Size of a memory backend object (-object memory-backend-*,id=ID,size=S). */
static uint64_t backend_size(vmc_model *m, const char *id)
{
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "object") == 0 && vmc_qopts_get(o, "id") &&
            strcmp(vmc_qopts_get(o, "id"), id) == 0 && vmc_qopts_get(o, "size")) {
            const char *s = vmc_qopts_get(o, "size");
            char *end;
            double v = strtod(s, &end);
            uint64_t mult = 1;
            switch (*end) {
            case 'k': case 'K': mult = 1ull << 10; break;
            case 'm': case 'M': mult = 1ull << 20; break;
            case 'g': case 'G': mult = 1ull << 30; break;
            default: break;
            }
            return (uint64_t)(v * (double)mult);
        }
    }
    return 0;
}

static int generic_realize(vmc_model *m, vmc_mdev *d)
{
    const spec *s = find_spec(d->type);
    int rc;
    if (s->bus == VMC_BUS_USB) {
        /* USB dev path: the host controller's path and the port number */
        vmc_mdev *hcd = d->bus->parent;
        int port = ++d->bus->next_port;
        d->path = g_strdup_printf("%s/%d", hcd && hcd->path ? hcd->path : "", port);
    }
    vmc_model_entry *e = NULL;
    if (s->vmsd) {
        e = vmc_devmodel_register(m, d, s->vmsd, s->priority);
    }
    if (s->child != VMC_BUS_SYSTEM) {
        char *name;
        if (s->child_named_by_id && d->id) {
            name = g_strdup(d->id);
        } else {
            name = g_strdup_printf("%s.0", d->id ? d->id : d->type);
        }
        vmc_model_new_bus(m, d, name, s->child);
        g_free(name);
        if (s->child == VMC_BUS_PCI || s->child == VMC_BUS_PCIE) {
            vmc_model_register(m, NULL, "PCIBUS", 1, -1, -1, VMC_PRI_DEFAULT, true);
        }
    }
    if (s->rom && (rc = vmc_devmodel_add_option_rom(m, d, s->rom, s->romfile))) {
        return rc;
    }
    if (s->vram_mb) {
        int64_t mb = vmc_mdev_prop_int(d, "vgamem_mb", (int64_t)s->vram_mb);
        /* global-vmstate (old machine types): the block has no device path */
        char *name = vmc_mdev_prop_bool(d, "global-vmstate", false)
                         ? g_strdup("vga.vram")
                         : g_strdup_printf("%s/vga.vram", d->path);
        vmc_model_add_ram_block(m, name, (uint64_t)mb << 20, (uint64_t)mb << 20, false, NULL);
        g_free(name);
    }
    if (strcmp(d->type, "ivshmem-plain") == 0) {
        const char *memdev = vmc_mdev_prop(d, "memdev");
        uint64_t size = memdev ? backend_size(m, memdev) : 0;
        if (!size) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device ivshmem-plain: You must specify a "
                                 "'memdev'");
        }
        char *name = g_strdup_printf("%s/%s", d->path, memdev);
        vmc_model_add_ram_block(m, name, size, size, false, NULL);
        g_free(name);
    }
    if (d->devfn >= 0) {
        vmc_devmodel_publish_pci(m, d, e ? e->idstr : NULL);
    }
    return 0;
}

#define G(t, b) { t, b, generic_realize }

const vmc_devmodel vmc_devmodels_generic[] = {
    G("e1000", VMC_BUS_PCI), G("e1000-82544gc", VMC_BUS_PCI), G("e1000-82545em", VMC_BUS_PCI),
    G("e1000e", VMC_BUS_PCIE), G("rtl8139", VMC_BUS_PCI), G("virtio-net-pci", VMC_BUS_PCI),
    G("virtio-blk-pci", VMC_BUS_PCI), G("virtio-balloon-pci", VMC_BUS_PCI),
    G("virtio-rng-pci", VMC_BUS_PCI), G("virtio-serial-pci", VMC_BUS_PCI),
    G("virtio-scsi-pci", VMC_BUS_PCI), G("VGA", VMC_BUS_PCI), G("cirrus-vga", VMC_BUS_PCI),
    G("i6300esb", VMC_BUS_PCI), G("intel-hda", VMC_BUS_PCI), G("ich9-intel-hda", VMC_BUS_PCI),
    G("hda-duplex", VMC_BUS_HDA), G("hda-output", VMC_BUS_HDA), G("hda-micro", VMC_BUS_HDA),
    G("piix3-usb-uhci", VMC_BUS_PCI), G("qemu-xhci", VMC_BUS_PCI), G("nec-usb-xhci", VMC_BUS_PCI),
    G("usb-tablet", VMC_BUS_USB), G("usb-mouse", VMC_BUS_USB), G("usb-kbd", VMC_BUS_USB),
    G("pci-bridge", VMC_BUS_PCI), G("pcie-root-port", VMC_BUS_PCIE),
    G("pcie-pci-bridge", VMC_BUS_PCIE), G("ivshmem-plain", VMC_BUS_PCI),
    G("isa-serial", VMC_BUS_ISA), G("ide-hd", VMC_BUS_IDE), G("ide-cd", VMC_BUS_IDE),
    G("virtconsole", VMC_BUS_VIRTIO_SERIAL), G("virtserialport", VMC_BUS_VIRTIO_SERIAL),
    { NULL, 0, NULL },
};
