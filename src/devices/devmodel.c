/*
 * Placing -device devices in the machine model (bus, PCI address, dev path)
 * and the helpers device models share.
 */
#include "devices/devmodel.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const vmc_devmodel *const groups[] = {
    vmc_devmodels_board, vmc_devmodels_bridges, vmc_devmodels_pcidev, vmc_devmodels_virtio,
    vmc_devmodels_media,
};

const vmc_devmodel *vmc_devmodel_find(const char *type)
{
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (const vmc_devmodel *d = groups[g]; d->type; d++) {
            if (strcmp(d->type, type) == 0) {
                return d;
            }
        }
    }
    return NULL;
}

vmc_model_entry *vmc_devmodel_register(vmc_model *m, vmc_mdev *d, const char *vmsd_name,
                                       int priority)
{
    const vmc_vmsd *v = vmc_devices_find_vmsd(vmsd_name);
    return vmc_model_register(m, d, vmsd_name, v ? v->version_id : 1, -1, -1, priority,
                              !(v && v->unmigratable));
}

char *vmc_devmodel_rom_block_name(const char *dev_path, const char *base)
{
    char *rom = g_strdup_printf("%s.rom", base);
    char *name = g_strdup_printf("%s/%.31s", dev_path, rom);
    g_free(rom);
    return name;
}

int vmc_devmodel_add_option_rom(vmc_model *m, vmc_mdev *d, const char *rom_name,
                                const char *class_romfile, uint64_t *bar_size)
{
    if (bar_size) {
        *bar_size = 0;
    }
    /* the romfile in effect: the property (an explicit empty one means
     * none), else the class's file, as pci_qdev_realize takes it */
    const char *romfile = d->opts ? vmc_qopts_get(d->opts, "romfile") : NULL;
    if (!romfile) {
        romfile = vmc_mdev_prop(d, "romfile");
        if (!romfile || !*romfile) {
            romfile = class_romfile;
        }
    }
    if (!romfile || !*romfile) {
        return 0;
    }
    char *path = NULL;
    uint64_t file_size = vmc_model_rom_file_size(m, romfile, false, &path);
    if (!file_size) {
        g_free(path);
        return vmc_error_set(VMC_ENOTFOUND, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: failed to find romfile \"%s\"",
                             d->type, romfile);
    }
    if (vmc_mdev_prop_int(d, "rombar", 1) == 0) {
        /*
         * No ROM BAR: the file reaches the firmware through fw_cfg
         * ("vgaroms/" for display class 0x0300, else "genroms/"); only
         * machine types whose option ROMs get a memory region (pc-i440fx-1.7)
         * migrate it, as "/rom@<dir>/<file>", rounded up to the page size.
         */
        const char *orm = vmc_model_class_field(m, "option_rom_has_mr");
        const char *rfm = vmc_model_class_field(m, "rom_file_has_mr");
        if (orm && !strcmp(orm, "true") && (!rfm || strcmp(rfm, "false") != 0)) {
            const char *base = strrchr(romfile, '/') ? strrchr(romfile, '/') + 1 : romfile;
            bool vga = d->pci && vmc_pci_get_word(d->pci->config + VMC_PCI_CLASS_DEVICE) == 0x0300;
            char *name = g_strdup_printf("/rom@%s/%s", vga ? "vgaroms" : "genroms", base);
            uint64_t len = (file_size + 4095) & ~4095ull;
            vmc_model_add_ram_block(m, name, len, len, true, path);
            g_free(name);
        }
        g_free(path);
        return 0;
    }
    /* the ROM BAR: romsize, else the file size rounded up to a power of two */
    uint64_t size = 1;
    while (size < file_size) {
        size <<= 1;
    }
    int64_t romsize = vmc_mdev_prop_int(d, "romsize", -1);
    if (romsize != -1 && romsize != 0xffffffff) {
        if ((uint64_t)romsize < file_size) {
            g_free(path);
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: romfile \"%s\" (%u bytes) "
                                 "is too large for ROM size %u", d->type, romfile,
                                 (unsigned)file_size, (unsigned)romsize);
        }
        size = (uint64_t)romsize;
    }
    char *name = vmc_devmodel_rom_block_name(d->path, rom_name);
    vmc_model_add_ram_block(m, name, size, size, false, path);
    g_free(name);
    g_free(path);
    if (bar_size) {
        *bar_size = size;
    }
    return 0;
}

void vmc_devmodel_publish_pci(vmc_model *m, vmc_mdev *d, const char *section_idstr)
{
    vmc_model_pci *p = g_new0(vmc_model_pci, 1);
    p->path = vmc_model_str(m, d->path);
    p->type = vmc_model_str(m, d->type);
    p->id = vmc_model_str(m, d->id);
    p->devfn = (uint8_t)d->devfn;
    int depth = 0;
    for (vmc_mbus *b = d->bus; b && b->parent; b = b->parent->bus) {
        depth++;
    }
    p->bus_number_depth = (uint8_t)depth;
    if (d->pci) {
        p->config_size = d->pci->size;
        p->config = d->pci->config;
        p->wmask = d->pci->wmask;
        p->w1cmask = d->pci->w1cmask;
        p->cmask = d->pci->cmask;
    }
    p->section_idstr = vmc_model_str(m, section_idstr);
    g_ptr_array_add(m->pci, p);
}

static bool is_pci_bus(const vmc_mbus *b)
{
    return b->kind == VMC_BUS_PCI || b->kind == VMC_BUS_PCIE;
}

/* "addr=SS" or "addr=SS.F" (hex, 0x optional) -> devfn, -1 on error. */
static int parse_addr(const char *s)
{
    char *end;
    unsigned long slot = strtoul(s, &end, 16);
    unsigned long fn = 0;
    if (*end == '.') {
        fn = strtoul(end + 1, &end, 16);
    }
    if (*end || slot > 31 || fn > 7) {
        return -1;
    }
    return (int)(slot << 3 | fn);
}

/* The bus a -device lands on: bus= names it, else the first bus of the kind. */
/* QOM type name of a bus kind, as QEMU's "No '%s' bus found" says it. */
static const char *bus_type_name(vmc_bus_kind k)
{
    switch (k) {
    case VMC_BUS_PCI:
    case VMC_BUS_PCIE:
        return "PCI";
    case VMC_BUS_ISA:
        return "ISA";
    case VMC_BUS_I2C:
        return "i2c-bus";
    case VMC_BUS_IDE:
        return "IDE";
    case VMC_BUS_USB:
        return "usb-bus";
    case VMC_BUS_SCSI:
        return "SCSI";
    case VMC_BUS_HDA:
        return "HDA";
    case VMC_BUS_VIRTIO:
        return "virtio-bus";
    case VMC_BUS_VIRTIO_SERIAL:
        return "virtio-serial-bus";
    default:
        return "System";
    }
}

static vmc_mbus *pick_bus(vmc_model *m, const vmc_devmodel *dm, const vmc_qopts *o, int *err)
{
    const char *name = vmc_qopts_get(o, "bus");
    *err = 0;
    if (name) {
        vmc_mbus *b = vmc_model_find_bus(m, name);
        if (!b) {
            *err = vmc_error_set(VMC_EUSAGE, -1, NULL, vmc_qopts_get(o, "driver"),
                                 "qemu-system-x86_64: -device %s: Bus '%s' not found",
                                 vmc_qopts_get(o, "driver"), name);
        }
        return b;
    }
    bool pci = dm->bus == VMC_BUS_PCI || dm->bus == VMC_BUS_PCIE;
    if (pci) {
        /* the first PCI bus of the tree (the root bus) */
        for (size_t i = 0; i < m->buses->len; i++) {
            vmc_mbus *b = g_ptr_array_index(m->buses, i);
            if (is_pci_bus(b)) {
                return b;
            }
        }
    } else {
        /* USB devices, codecs ...: the most recently created bus of the kind */
        for (size_t i = m->buses->len; i-- > 0;) {
            vmc_mbus *b = g_ptr_array_index(m->buses, i);
            if (b->kind == dm->bus) {
                return b;
            }
        }
    }
    *err = vmc_error_set(VMC_EUSAGE, -1, NULL, vmc_qopts_get(o, "driver"),
                         "qemu-system-x86_64: -device %s: No '%s' bus found for device '%s'",
                         vmc_qopts_get(o, "driver"), bus_type_name(dm->bus),
                         vmc_qopts_get(o, "driver"));
    return NULL;
}

static int place_pci(vmc_model *m, vmc_mdev *d, vmc_mbus *bus, const vmc_qopts *o)
{
    const char *addr = vmc_qopts_get(o, "addr");
    int devfn;
    if (addr) {
        devfn = parse_addr(addr);
        if (devfn < 0) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Property '%s.addr' doesn't "
                                 "take value '%s'", d->type, d->type, addr);
        }
        if (bus->children[devfn]) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: PCI: slot %d function %d not "
                                 "available for %s, in use by %s", d->type, devfn >> 3,
                                 devfn & 7, d->type, bus->children[devfn]->type);
        }
    } else {
        /* the first slot whose function 0 is free (QEMU looks at nothing
         * else; a populated other function fails the multifunction check) */
        devfn = -1;
        for (int slot = 0; slot < 32; slot++) {
            if (!bus->children[slot << 3]) {
                devfn = slot << 3;
                break;
            }
        }
        if (devfn < 0) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: PCI: no slot/function "
                                 "available for %s, all in use", d->type, d->type);
        }
    }
    d->devfn = devfn;
    bus->children[devfn] = d;
    const char *parent_path = bus->parent ? bus->parent->path : bus->pci_root_path;
    d->path = g_strdup_printf("%s:%02x.%x", parent_path, devfn >> 3, devfn & 7);
    return 0;
}

static int add_cli_device(vmc_model *m, const vmc_qopts *o);

/*
 * QEMU names a -device option in its errors by the whole argument
 * ("-device igb,netdev=n0: ..."); the models name it by its driver.
 */
static void name_option_as_given(const vmc_qopts *o, const char *type)
{
    const char *text = vmc_qopts_text(o);
    const vmc_error *e = vmc_error_last();
    char prefix[300];
    snprintf(prefix, sizeof(prefix), "qemu-system-x86_64: -device %s: ", type ? type : "");
    if (!text || !type || strcmp(text, type) == 0 || !g_str_has_prefix(e->message, prefix)) {
        return;
    }
    char *rest = g_strdup(e->message + strlen(prefix));
    char section[sizeof(e->section)], field[sizeof(e->field)];
    snprintf(section, sizeof(section), "%s", e->section);
    snprintf(field, sizeof(field), "%s", e->field);
    vmc_error_set(e->code, e->offset, section[0] ? section : NULL, field[0] ? field : NULL,
                  "qemu-system-x86_64: -device %s: %s", text, rest);
    g_free(rest);
}

int vmc_model_add_cli_device(vmc_model *m, const vmc_qopts *o)
{
    int rc = add_cli_device(m, o);
    if (rc) {
        name_option_as_given(o, vmc_qopts_get(o, "driver"));
    }
    return rc;
}

static int add_cli_device(vmc_model *m, const vmc_qopts *o)
{
    const char *type = vmc_qopts_get(o, "driver");
    const vmc_devmodel *dm = vmc_devmodel_find(type);
    if (!dm) {
        /* QEMU's refusal only for a name the binary does not have */
        int known = vmc_machine_types_device_known(m->types, type);
        if (known == 0 || (known < 0 && !vmc_machine_types_parent(m->types, type) &&
                           !vmc_machine_types_is_a(m->types, type, "device"))) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, type,
                                 "qemu-system-x86_64: -device %s: '%s' is not a valid device "
                                 "model name", type, type);
        }
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, type,
                             "device '%s' is not modelled yet", type);
    }
    int err;
    vmc_mbus *bus = pick_bus(m, dm, o, &err);
    if (!bus) {
        return err;
    }
    vmc_mdev *d = vmc_model_new_device(m, type, vmc_qopts_get(o, "id"), o, bus);
    if (dm->bus == VMC_BUS_PCI || dm->bus == VMC_BUS_PCIE) {
        if (!is_pci_bus(bus)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, type,
                                 "qemu-system-x86_64: -device %s: Bus '%s' does not take a PCI "
                                 "device", type, bus->name);
        }
        if ((err = place_pci(m, d, bus, o))) {
            return err;
        }
    }
    return dm->realize(m, d);
}

int vmc_devmodel_realize_board(vmc_model *m, vmc_mdev *d, const char *section_idstr)
{
    const vmc_devmodel *dm = vmc_devmodel_find(d->type);
    if (dm && dm->realize) {
        return dm->realize(m, d);
    }
    vmc_devmodel_publish_pci(m, d, section_idstr);   /* config not modelled yet */
    return 0;
}
