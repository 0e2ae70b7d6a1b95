/*
 * Shared parts of the board, bridge and endpoint models: the generic PCI
 * registration QEMU 7.2 does around each device's realize, option ROMs,
 * NIC MAC addresses, ISA port bookkeeping and the machine-done pass.
 * See model_common.h.
 */
#include "devices/devmodel.h"
#include "devices/model_common.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buses ---------------------------------------------------------------- */

bool vmc_dm_bus_is_express(const vmc_mbus *b)
{
    return b && b->kind == VMC_BUS_PCIE;
}

bool vmc_dm_bus_is_root(const vmc_mbus *b)
{
    return b && !b->parent;
}

vmc_mbus *vmc_dm_bridge_bus(vmc_model *m, vmc_mdev *d, vmc_bus_kind kind)
{
    /* pci_bridge_initfn: a bridge's bus is addressed by the bridge's id */
    char *name = d->id && *d->id ? g_strdup(d->id) : g_strdup_printf("%s.0", d->type);
    vmc_mbus *b = vmc_model_new_bus(m, d, name, kind);
    g_free(name);
    /* pci_bus_realize registers the bus's vmstate */
    vmc_model_register(m, NULL, "PCIBUS", 1, -1, -1, VMC_PRI_DEFAULT, true);
    return b;
}

/* ---- registration ---------------------------------------------------------- */

vmc_model_entry *vmc_dm_register(vmc_model *m, vmc_mdev *d, const char *vmsd_name)
{
    const vmc_vmsd *v = vmc_devices_find_vmsd(vmsd_name);
    return vmc_devmodel_register(m, d, vmsd_name, v ? v->priority : VMC_PRI_DEFAULT);
}

/* ---- properties ------------------------------------------------------------ */

int vmc_dm_bad_prop(vmc_mdev *d, const char *prop, const char *value)
{
    return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                         "qemu-system-x86_64: -device %s: Property '%s.%s' doesn't take "
                         "value '%s'", d->type, d->type, prop, value);
}

int vmc_dm_bad_enum(vmc_mdev *d, const char *prop, const char *value)
{
    return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                         "qemu-system-x86_64: -device %s: Parameter '%s' does not accept value "
                         "'%s'", d->type, prop, value);
}

int vmc_dm_not_user_creatable(vmc_mdev *d)
{
    return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                         "qemu-system-x86_64: -device %s: Parameter 'driver' expects a "
                         "pluggable device type", d->type);
}

int vmc_dm_prop_onoffauto(vmc_mdev *d, const char *prop, vmc_dm_onoffauto dflt,
                          vmc_dm_onoffauto *out)
{
    const char *v = vmc_mdev_prop(d, prop);
    *out = dflt;
    if (!v) {
        return 0;
    }
    if (!strcmp(v, "on") || !strcmp(v, "true")) {
        *out = VMC_DM_ON;
    } else if (!strcmp(v, "off") || !strcmp(v, "false")) {
        *out = VMC_DM_OFF;
    } else if (!strcmp(v, "auto")) {
        *out = VMC_DM_AUTO;
    } else {
        return vmc_dm_bad_enum(d, prop, v);
    }
    return 0;
}

/* QEMU's qemu_strtou64 with base 0 (decimal, 0x hex, leading-0 octal). */
static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-') {
        /* "-1" is how QEMU prints the all-ones default of unsigned properties */
        long long n = strtoll(s, &end, 0);
        if (errno || *end || n != -1) {
            return -1;
        }
        *out = UINT64_MAX;
        return 0;
    }
    unsigned long long n = strtoull(s, &end, 0);
    if (errno || *end || end == s) {
        return -1;
    }
    *out = n;
    return 0;
}

int vmc_dm_prop_uint(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t max, uint64_t *out)
{
    const char *v = vmc_mdev_prop(d, prop);
    *out = dflt;
    if (!v) {
        return 0;
    }
    uint64_t n;
    if (parse_u64(v, &n) != 0) {
        return vmc_dm_bad_prop(d, prop, v);
    }
    if (n == UINT64_MAX && max < UINT64_MAX) {
        n = max;   /* "-1" of a narrower unsigned property: all ones */
    }
    if (n > max) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Property %s.%s doesn't take "
                             "value %s (maximum: %llu)", d->type, d->type, prop, v,
                             (unsigned long long)max);
    }
    *out = n;
    return 0;
}

int vmc_dm_prop_size(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t *out)
{
    const char *v = vmc_mdev_prop(d, prop);
    *out = dflt;
    if (!v) {
        return 0;
    }
    if (parse_u64(v, out) == 0) {
        return 0;
    }
    /* qemu_strtosz: a number with an optional B/K/M/G/T suffix */
    char *end;
    errno = 0;
    double n = strtod(v, &end);
    uint64_t mult = 1;
    switch (*end) {
    case 'b': case 'B': mult = 1; end++; break;
    case 'k': case 'K': mult = 1ull << 10; end++; break;
    case 'm': case 'M': mult = 1ull << 20; end++; break;
    case 'g': case 'G': mult = 1ull << 30; end++; break;
    case 't': case 'T': mult = 1ull << 40; end++; break;
    default: break;
    }
    if (errno || end == v || *end || n < 0 || n * (double)mult >= 18446744073709551616.0) {
        return vmc_dm_bad_prop(d, prop, v);
    }
    *out = (uint64_t)(n * (double)mult);
    return 0;
}

/* ---- PCI functions -------------------------------------------------------- */

static bool dev_multifunction(vmc_mdev *f)
{
    if (f->pci) {
        return f->pci->multifunction;
    }
    return vmc_mdev_prop_bool(f, "multifunction", false);
}

int vmc_dm_pci_init(vmc_model *m, vmc_mdev *d, const vmc_pci_ident *id, bool express,
                    int force_mf)
{
    (void)m;
    if (d->devfn < 0 || !d->bus) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type, "%s: not on a PCI bus", d->type);
    }
    if (d->opts) {
        /* pci_qdev_realize checks the ROM size before anything else */
        int64_t romsize = vmc_mdev_prop_int(d, "romsize", -1);
        if (romsize != -1 && romsize != 0xffffffff &&
            (romsize <= 0 || (romsize & (romsize - 1)))) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: ROM size %llu is not a power "
                                 "of two", d->type, (unsigned long long)(uint32_t)romsize);
        }
    }
    bool mf = force_mf >= 0 ? force_mf != 0 : vmc_mdev_prop_bool(d, "multifunction", false);
    if (!d->pci) {
        d->pci = g_new0(vmc_pci_config, 1);
    }
    int rc = vmc_pci_config_init(d->pci, id, express, mf, (uint8_t)d->devfn);
    if (rc < 0) {
        return rc;
    }
    d->pci->pcie_extcap_init = vmc_mdev_prop_bool(d, "x-pcie-extcap-init", true);

    /* pci_init_multifunction */
    int slot = d->devfn >> 3, fn = d->devfn & 7;
    if (fn) {
        vmc_mdev *f0 = d->bus->children[slot << 3];
        if (f0 && f0 != d && !dev_multifunction(f0)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: PCI: single function device "
                                 "can't be populated in function %x.%x", d->type, slot, fn);
        }
    } else if (!mf) {
        for (int f = 1; f < 8; f++) {
            vmc_mdev *o = d->bus->children[slot << 3 | f];
            if (o && o != d) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                     "qemu-system-x86_64: -device %s: PCI: %x.0 indicates "
                                     "single function, but %x.%x is already populated.",
                                     d->type, slot, slot, f);
            }
        }
    }
    return 0;
}

int vmc_dm_option_rom(vmc_model *m, vmc_mdev *d, const char *rom_name, const char *class_romfile)
{
    uint64_t size;
    int rc = vmc_devmodel_add_option_rom(m, d, rom_name, class_romfile, &size);
    if (rc || !size || !d->pci) {
        return rc;
    }
    return vmc_pci_register_bar(d->pci, VMC_PCI_ROM_SLOT, VMC_PCI_BAR_MEM32, size);
}

void vmc_dm_publish(vmc_model *m, vmc_mdev *d, const vmc_model_entry *e)
{
    vmc_devmodel_publish_pci(m, d, e ? e->idstr : NULL);
}

/* ---- NICs --------------------------------------------------------------------- */

static const char *const nic_types[] = {
    "e1000", "e1000-82544gc", "e1000-82545em", "e1000e", "rtl8139", "virtio-net-pci",
    "virtio-net-pci-transitional", "virtio-net-pci-non-transitional", "virtio-net-device",
    "ne2k_pci", "ne2k_isa", "pcnet", "vmxnet3", "i82550", "i82551", "i82557a", "i82557b",
    "i82557c", "i82558a", "i82558b", "i82559a", "i82559b", "i82559c", "i82559er", "i82562",
    "i82801", "tulip", "usb-net", NULL,
};

static bool is_nic(const char *type)
{
    for (int i = 0; nic_types[i]; i++) {
        if (!strcmp(type, nic_types[i])) {
            return true;
        }
    }
    return false;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6 &&
        sscanf(s, "%x-%x-%x-%x-%x-%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6) {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        if (v[i] > 0xff) {
            return -1;
        }
        mac[i] = (uint8_t)v[i];
    }
    return 0;
}

int vmc_dm_nic_mac(vmc_model *m, vmc_mdev *d, uint8_t mac[6])
{
    static const uint8_t base[5] = { 0x52, 0x54, 0x00, 0x12, 0x34 };
    int used[256] = { 0 };
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *o = g_ptr_array_index(m->devices, i);
        bool mine = o == d;
        if (!mine && !is_nic(o->type)) {
            continue;
        }
        uint8_t om[6];
        const char *s = vmc_mdev_prop(o, "mac");
        if (s && *s) {
            if (parse_mac(s, om) != 0) {
                if (mine) {
                    return vmc_dm_bad_prop(d, "mac", s);
                }
                continue;
            }
        } else {
            /* the first free last byte from 0x56 on */
            int idx = 0x56;
            while (idx < 0xff && used[idx]) {
                idx++;
            }
            memcpy(om, base, 5);
            om[5] = (uint8_t)idx;
        }
        if (!memcmp(om, base, 5) && om[5] >= 0x56 && om[5] < 0xff) {
            used[om[5]]++;
        }
        if (mine) {
            memcpy(mac, om, 6);
            return 0;
        }
    }
    return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type, "%s: device not in the model", d->type);
}

/* ---- ISA I/O ports --------------------------------------------------------------- */

static const int serial_io[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static const int parallel_io[3] = { 0x378, 0x278, 0x3bc };

int vmc_dm_isa_iobase(vmc_model *m, vmc_mdev *d, int *index_out)
{
    bool serial = !strcmp(d->type, "isa-serial");
    int counter = 0;   /* the realize function's static index */
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *o = g_ptr_array_index(m->devices, i);
        if (strcmp(o->type, d->type) != 0) {
            continue;
        }
        int64_t index = vmc_mdev_prop_int(o, "index", -1);
        if (index == -1 || index == 0xffffffff) {
            index = counter;
        }
        counter++;
        if (o != d) {
            continue;
        }
        int max = serial ? 4 : 3;
        if (index < 0 || index >= max) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Max. supported number of %s "
                                 "ports is %d.", d->type, serial ? "ISA serial" : "parallel",
                                 max);
        }
        if (index_out) {
            *index_out = (int)index;
        }
        int64_t iobase = vmc_mdev_prop_int(o, "iobase", -1);
        if (iobase == -1 || iobase == 0xffffffff) {
            iobase = serial ? serial_io[index] : parallel_io[index];
        }
        return (int)(iobase & 0xffff);
    }
    return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type, "%s: device not in the model", d->type);
}

bool vmc_dm_isa_port_present(vmc_model *m, int port)
{
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *o = g_ptr_array_index(m->devices, i);
        int base;
        if (!strcmp(o->type, "isa-serial") || !strcmp(o->type, "isa-parallel")) {
            base = vmc_dm_isa_iobase(m, o, NULL);
        } else if (!strcmp(o->type, "isa-fdc")) {
            /* the floppy controller decodes iobase+1..5 and iobase+7 */
            base = (int)vmc_mdev_prop_int(o, "iobase", 0x3f0);
            if (port == base || port == base + 6) {
                continue;
            }
        } else {
            continue;
        }
        if (base >= 0 && port >= base && port < base + 8) {
            return true;
        }
    }
    return false;
}

/* ---- machine done ------------------------------------------------------------------ */

int vmc_devmodel_machine_done(vmc_model *m)
{
    vmc_dm_board_machine_ready(m);
    vmc_dm_bridges_machine_done(m);
    return 0;
}
