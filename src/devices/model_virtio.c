/*
 * Device models (machine model side): group "virtio".  See devmodel.h and
 * model_virtio.h.
 *
 * A virtio-pci device is two QOM objects: the PCI proxy the user names
 * (virtio-net-pci ...) and its VirtIODevice child (virtio-net-device),
 * whose vmsd is the section ("<pci path>/virtio-net") and whose blob holds
 * the proxy's PCIDevice state.  Properties of the child are aliased on the
 * proxy, so both are looked up here: -device option, then global / compat
 * / default of the proxy type, then of the child type and its parents.
 *
 * Also the devices on the buses virtio devices provide: virtconsole /
 * virtserialport (port ids, no section of their own) and scsi-hd / scsi-cd
 * (SCSI address, section "<hba path>/C:T:L/scsi-disk").
 */
#include "devices/model_virtio_internal.h"
#include "devices/devmodel.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- families and types ---------------------------------------------------- */

#define FAM(i, vt, vp, vmsd, vid, ldev, cls, vec, rom, v1, bus) \
    { i, vt, vp, vmsd, vid, ldev, cls, vec, rom, v1, bus }

static const vmc_vfamily fam_net = FAM(VMC_VF_NET, "virtio-net-device", NULL, "virtio-net", 1,
                                       0x1000, 0x0200, VMC_VEC_UNSPECIFIED, "efi-virtio.rom",
                                       false, VMC_BUS_SYSTEM);
static const vmc_vfamily fam_blk = FAM(VMC_VF_BLK, "virtio-blk-device", NULL, "virtio-blk", 2,
                                       0x1001, 0x0100, VMC_VEC_UNSPECIFIED, NULL, false,
                                       VMC_BUS_SYSTEM);
static const vmc_vfamily fam_balloon = FAM(VMC_VF_BALLOON, "virtio-balloon-device", NULL,
                                           "virtio-balloon", 5, 0x1002, 0x00ff, VMC_VEC_NONE,
                                           NULL, false, VMC_BUS_SYSTEM);
static const vmc_vfamily fam_serial = FAM(VMC_VF_SERIAL, "virtio-serial-device", NULL,
                                          "virtio-console", 3, 0x1003, 0x0780, 2, NULL, false,
                                          VMC_BUS_VIRTIO_SERIAL);
static const vmc_vfamily fam_scsi = FAM(VMC_VF_SCSI, "virtio-scsi-device", "virtio-scsi-common",
                                        "virtio-scsi", 8, 0x1004, 0x0100, VMC_VEC_UNSPECIFIED,
                                        NULL, false, VMC_BUS_SCSI);
static const vmc_vfamily fam_rng = FAM(VMC_VF_RNG, "virtio-rng-device", NULL, "virtio-rng", 4,
                                       0x1005, 0x00ff, VMC_VEC_UNSPECIFIED, NULL, false,
                                       VMC_BUS_SYSTEM);
static const vmc_vfamily fam_gpu = FAM(VMC_VF_GPU, "virtio-gpu-device", "virtio-gpu-base",
                                       "virtio-gpu", 16, 0, 0x0380, 3, NULL, true,
                                       VMC_BUS_SYSTEM);
static const vmc_vfamily fam_vga = FAM(VMC_VF_VGA, "virtio-gpu-device", "virtio-gpu-base",
                                       "virtio-gpu", 16, 0, 0x0300, 3, "vgabios-virtio.bin",
                                       true, VMC_BUS_SYSTEM);
static const vmc_vfamily fam_kbd = FAM(VMC_VF_KEYBOARD, "virtio-keyboard-device",
                                       "virtio-input-hid-device", "virtio-input", 18, 0, 0x0900,
                                       2, NULL, true, VMC_BUS_SYSTEM);
static const vmc_vfamily fam_mouse = FAM(VMC_VF_MOUSE, "virtio-mouse-device",
                                         "virtio-input-hid-device", "virtio-input", 18, 0,
                                         0x0902, 2, NULL, true, VMC_BUS_SYSTEM);
static const vmc_vfamily fam_tablet = FAM(VMC_VF_TABLET, "virtio-tablet-device",
                                          "virtio-input-hid-device", "virtio-input", 18, 0,
                                          0x0980, 2, NULL, true, VMC_BUS_SYSTEM);
static const vmc_vfamily fam_iommu = FAM(VMC_VF_IOMMU, "virtio-iommu-device", NULL,
                                         "virtio-iommu", 23, 0, 0x00ff, VMC_VEC_NONE, NULL, true,
                                         VMC_BUS_SYSTEM);

#define T3(base, fam)                                                   \
    { base, &fam, VMC_VV_GENERIC },                                     \
    { base "-transitional", &fam, VMC_VV_TRANSITIONAL },                \
    { base "-non-transitional", &fam, VMC_VV_NON_TRANSITIONAL }

static const vmc_vtype vtypes[] = {
    T3("virtio-net-pci", fam_net),
    T3("virtio-blk-pci", fam_blk),
    T3("virtio-balloon-pci", fam_balloon),
    T3("virtio-serial-pci", fam_serial),
    T3("virtio-scsi-pci", fam_scsi),
    T3("virtio-rng-pci", fam_rng),
    { "virtio-gpu-pci", &fam_gpu, VMC_VV_GENERIC },
    { "virtio-vga", &fam_vga, VMC_VV_GENERIC },
    { "virtio-keyboard-pci", &fam_kbd, VMC_VV_GENERIC },
    { "virtio-mouse-pci", &fam_mouse, VMC_VV_GENERIC },
    { "virtio-tablet-pci", &fam_tablet, VMC_VV_GENERIC },
    { "virtio-iommu-pci", &fam_iommu, VMC_VV_GENERIC },
};

const vmc_vtype *vmc_vtype_find(const char *type)
{
    for (size_t i = 0; type && i < sizeof(vtypes) / sizeof(vtypes[0]); i++) {
        if (strcmp(vtypes[i].type, type) == 0) {
            return &vtypes[i];
        }
    }
    return NULL;
}

/* ---- properties ------------------------------------------------------------- */

static const char *setup_value(vmc_mdev *d, const char *driver, const char *prop)
{
    vmc_prop_value v;
    if (!driver || vmc_machine_setup_value(d->m->setup, driver, prop, &v) != 0) {
        return NULL;
    }
    return v.value;
}

static const char *chain_value(vmc_mdev *d, const char *const *drivers, const char *prop)
{
    if (d->opts) {
        const char *v = vmc_qopts_get(d->opts, prop);
        if (v) {
            return v;
        }
    }
    for (int i = 0; drivers[i]; i++) {
        const char *v = setup_value(d, drivers[i], prop);
        if (v) {
            return v;
        }
    }
    return NULL;
}

static int64_t parse_int(const char *s, int64_t dflt)
{
    if (!s || !*s) {
        return dflt;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    return (errno || *end) ? dflt : v;
}

const char *vmc_vproxy_prop(vmc_mdev *d, const char *prop)
{
    const char *drivers[] = { d->type, "virtio-pci", "pci-device", NULL };
    return chain_value(d, drivers, prop);
}

bool vmc_vproxy_bool(vmc_mdev *d, const char *prop, bool dflt)
{
    return vmc_model_parse_bool(vmc_vproxy_prop(d, prop), dflt);
}

int64_t vmc_vproxy_int(vmc_mdev *d, const char *prop, int64_t dflt)
{
    return parse_int(vmc_vproxy_prop(d, prop), dflt);
}

const char *vmc_vdev_prop(vmc_mdev *d, const vmc_vfamily *f, const char *prop)
{
    const char *drivers[] = { d->type, f->vdev_type, f->vdev_parent ? f->vdev_parent
                                                                    : "virtio-device",
                              "virtio-device", NULL };
    return chain_value(d, drivers, prop);
}

bool vmc_vdev_bool(vmc_mdev *d, const vmc_vfamily *f, const char *prop, bool dflt)
{
    return vmc_model_parse_bool(vmc_vdev_prop(d, f, prop), dflt);
}

int64_t vmc_vdev_int(vmc_mdev *d, const vmc_vfamily *f, const char *prop, int64_t dflt)
{
    return parse_int(vmc_vdev_prop(d, f, prop), dflt);
}

/* ---- transport ----------------------------------------------------------------- */

enum { OFF = 0, ON = 1, AUTO = 2 };

static int on_off_auto(const char *s)
{
    if (!s || !strcmp(s, "auto")) {
        return AUTO;
    }
    return vmc_model_parse_bool(s, false) ? ON : OFF;
}

int vmc_vtransport_resolve(vmc_mdev *d, const vmc_vtype *t, vmc_vtransport *tr)
{
    const vmc_vfamily *f = t->fam;
    memset(tr, 0, sizeof(*tr));
    tr->pcie_port = d->bus && d->bus->kind == VMC_BUS_PCIE && d->bus->parent;
    int dl;
    bool dm;
    switch (t->variant) {
    case VMC_VV_TRANSITIONAL:
        dl = OFF;
        dm = false;
        break;
    case VMC_VV_NON_TRANSITIONAL:
        dl = ON;
        dm = false;
        break;
    default:
        dl = on_off_auto(vmc_vproxy_prop(d, "disable-legacy"));
        dm = vmc_vproxy_bool(d, "disable-modern", false);
        break;
    }
    /* virtio_pci_dc_realize: a modern proxy is a PCIe function unless x-disable-pcie */
    bool express = !vmc_vproxy_bool(d, "x-disable-pcie", false) && !dm;
    /* virtio_pci_realize */
    if (dl == AUTO) {
        dl = tr->pcie_port ? ON : OFF;
    }
    if (dm && dl == ON) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: device cannot work as neither "
                             "modern nor legacy mode is enabled", d->type);
    }
    tr->express = tr->pcie_port && express;
    /* k->realize of virtio-gpu/vga/input/iommu: modern only, after the above */
    if (f->force_virtio_1) {
        dm = false;
        dl = ON;
    }
    tr->modern = !dm;
    tr->legacy = dl == OFF;
    tr->page_per_vq = vmc_vproxy_bool(d, "page-per-vq", false);
    tr->modern_pio = vmc_vproxy_bool(d, "modern-pio-notify", false);
    tr->migrate_extra = vmc_vproxy_bool(d, "migrate-extra", true);
    tr->ats = vmc_vproxy_bool(d, "ats", false);
    tr->ats_page_aligned = vmc_vproxy_bool(d, "x-ats-page-aligned", true);
    tr->aer = vmc_vproxy_bool(d, "aer", false);
    tr->deverr = vmc_vproxy_bool(d, "x-pcie-deverr-init", true);
    tr->lnkctl = vmc_vproxy_bool(d, "x-pcie-lnkctl-init", true);
    tr->pm = vmc_vproxy_bool(d, "x-pcie-pm-init", true);
    tr->flr = vmc_vproxy_bool(d, "x-pcie-flr-init", true);
    tr->extcap_init = vmc_vproxy_bool(d, "x-pcie-extcap-init", true);
    tr->multifunction = vmc_vproxy_bool(d, "multifunction", false);
    /* MSI-X vectors: the "vectors" property, or the device's count when unspecified */
    if (f->vectors_default != VMC_VEC_NONE) {
        int64_t v = vmc_vproxy_int(d, "vectors", f->vectors_default);
        if (v == VMC_VEC_UNSPECIFIED) {
            v = vmc_vdev_default_vectors(d, f);
        }
        /* msix_init refuses more than 2048: QEMU warns and goes on without MSI-X */
        tr->nvectors = v > 0 && v <= 2048 ? (unsigned)v : 0;
    }
    /* "class" of virtio-blk/serial/iommu-pci; serial keeps only its three classes;
     * balloon always sets "others" */
    int64_t cls = 0;
    if (f->id == VMC_VF_BLK || f->id == VMC_VF_SERIAL || f->id == VMC_VF_IOMMU) {
        cls = vmc_vproxy_int(d, "class", 0);
    }
    if (f->id == VMC_VF_SERIAL && cls != 0x0780 && cls != 0x0380 && cls != 0x00ff) {
        cls = 0x0780;
    }
    if (f->id == VMC_VF_BALLOON) {
        cls = 0x00ff;
    }
    tr->class_code = (uint16_t)cls;
    return 0;
}

/* ---- realize --------------------------------------------------------------------- */

static uint64_t rom_bar_size(vmc_model *m, vmc_mdev *d, const char *class_romfile)
{
    const char *romfile = vmc_mdev_prop(d, "romfile");
    if (!romfile || (!*romfile && !(d->opts && vmc_qopts_get(d->opts, "romfile")))) {
        romfile = class_romfile;
    }
    if (!romfile || !*romfile || !vmc_mdev_prop_int(d, "rombar", 1)) {
        return 0;
    }
    int64_t romsize = vmc_mdev_prop_int(d, "romsize", -1);
    if (romsize > 0 && romsize != 0xffffffff) {
        return (uint64_t)romsize;
    }
    return vmc_model_rom_file_size(m, romfile, true, NULL);
}

static bool earlier_device_of(vmc_model *m, vmc_mdev *d, const char *const *types)
{
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *o = g_ptr_array_index(m->devices, i);
        if (o == d) {
            return false;
        }
        for (int k = 0; types[k]; k++) {
            if (strcmp(o->type, types[k]) == 0) {
                return true;
            }
        }
    }
    return false;
}

static int family_checks(vmc_model *m, vmc_mdev *d, const vmc_vfamily *f)
{
    if (f->id == VMC_VF_IOMMU) {
        static const char *const iommus[] = { "virtio-iommu-pci", "intel-iommu", "amd-iommu",
                                              NULL };
        if (earlier_device_of(m, d, iommus)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: QEMU does not support "
                                 "multiple vIOMMUs for x86 yet.", d->type);
        }
        if (d->bus->parent) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: virtio-iommu-pci must be "
                                 "plugged on the root bus", d->type);
        }
    }
    if (f->id == VMC_VF_BALLOON) {
        static const char *const balloons[] = {
            "virtio-balloon-pci", "virtio-balloon-pci-transitional",
            "virtio-balloon-pci-non-transitional", NULL,
        };
        if (earlier_device_of(m, d, balloons)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Only one balloon device is "
                                 "supported", d->type);
        }
    }
    if (f->id == VMC_VF_BLK && !vmc_mdev_prop(d, "drive")) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: drive property not set", d->type);
    }
    return 0;
}

static int virtio_pci_realize(vmc_model *m, vmc_mdev *d)
{
    const vmc_vtype *t = vmc_vtype_find(d->type);
    const vmc_vfamily *f = t->fam;
    vmc_vtransport tr;
    int rc;
    if ((rc = family_checks(m, d, f)) || (rc = vmc_vtransport_resolve(d, t, &tr))) {
        return rc;
    }
    vmc_virtio_model_info *info = g_new0(vmc_virtio_model_info, 1);
    rc = vmc_vdev_facts(d, t, &tr, info);
    uint32_t config_len = info->config_len;
    g_free(info);
    if (rc) {
        return rc;
    }
    /* virtio-vga: VGA memory before the virtio device realizes */
    uint64_t vram = 0;
    if (f->id == VMC_VF_VGA) {
        vram = 8ull << 20;
        char *name = g_strdup_printf("%s/vga.vram", d->path);
        vmc_model_add_ram_block(m, name, vram, vram, false, NULL);
        g_free(name);
    }
    /* the VirtIODevice's section, then the proxy's own (virtio-vga) */
    const vmc_vmsd *v = vmc_devices_find_vmsd(f->vmsd);
    vmc_model_entry *e = vmc_devmodel_register(m, d, f->vmsd, v ? v->priority : 0);
    if (f->child_bus != VMC_BUS_SYSTEM) {
        char *name = g_strdup_printf("%s.0", d->id ? d->id : d->type);
        vmc_model_new_bus(m, d, name, f->child_bus);
        g_free(name);
    }
    if (f->id == VMC_VF_VGA) {
        vmc_devmodel_register(m, d, "virtio-vga", VMC_PRI_DEFAULT);
    }
    /* pci_add_option_rom: named after the proxy's vmsd, else its type; with
     * rombar=0 the file goes to fw_cfg and no RAM block exists (measured) */
    const char *rom_name = f->id == VMC_VF_VGA ? "virtio-vga" : d->type;
    if (vmc_mdev_prop_int(d, "rombar", 1) &&
        (rc = vmc_devmodel_add_option_rom(m, d, rom_name, f->romfile, NULL))) {
        return rc;
    }
    vmc_vpci_params pp = {
        .fam = f,
        .tr = &tr,
        .devfn = (uint8_t)d->devfn,
        .config_len = config_len,
        .rom_size = rom_bar_size(m, d, f->romfile),
        .vga_vram = vram,
    };
    d->pci = g_new0(vmc_pci_config, 1);
    if ((rc = vmc_vpci_build(d->pci, &pp)) < 0) {
        return rc;
    }
    vmc_devmodel_publish_pci(m, d, e->idstr);
    return 0;
}

/* virtconsole / virtserialport: a port id on the virtio-serial bus */
static int serial_port_realize(vmc_model *m, vmc_mdev *d)
{
    vmc_mdev *proxy = d->bus ? d->bus->parent : NULL;
    if (!proxy || !vmc_vtype_find(proxy->type)) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "device '%s' on a virtio-serial bus that is not modelled", d->type);
    }
    vmc_virtio_model_info *o = g_new0(vmc_virtio_model_info, 1);
    uint32_t id = 0;
    int rc = vmc_vserial_ports(proxy, d, o, &id);
    g_free(o);
    (void)m;
    return rc;
}

/* scsi-hd / scsi-cd on a virtio-scsi bus: address, dev path, section */
typedef struct scsi_addr {
    int64_t channel, id, lun;
} scsi_addr;

enum { SCSI_MAX_CHANNEL = 0, SCSI_MAX_TARGET = 255, SCSI_MAX_LUN = 16383 };

/* The device already at (channel, id, lun), or NULL. */
static vmc_mdev *scsi_taken(GArray *addrs, GPtrArray *devs, const scsi_addr *a)
{
    for (guint k = 0; k < addrs->len; k++) {
        const scsi_addr *t = &g_array_index(addrs, scsi_addr, k);
        if (t->channel == a->channel && t->id == a->id && t->lun == a->lun) {
            return g_ptr_array_index(devs, k);
        }
    }
    return NULL;
}

/* scsi_bus_check_address + scsi_qdev_realize for s, given the devices before it. */
static int scsi_place(vmc_mdev *s, GArray *addrs, GPtrArray *devs, scsi_addr *a)
{
    a->channel = vmc_mdev_prop_int(s, "channel", 0);
    a->id = vmc_mdev_prop_int(s, "scsi-id", -1);
    a->lun = vmc_mdev_prop_int(s, "lun", -1);
    a->id = a->id == 0xffffffffll ? -1 : a->id;
    a->lun = a->lun == 0xffffffffll ? -1 : a->lun;
    const char *what = NULL;
    int64_t bad = 0;
    if (a->channel < 0 || a->channel > SCSI_MAX_CHANNEL) {
        what = "channel id";
        bad = a->channel;
    } else if (a->id < -1 || a->id > SCSI_MAX_TARGET) {
        what = "device id";
        bad = a->id;
    } else if (a->lun < -1 || a->lun > SCSI_MAX_LUN) {
        what = "device lun";
        bad = a->lun;
    }
    if (what) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, s->type,
                             "qemu-system-x86_64: -device %s: bad scsi %s: %lld", s->type, what,
                             (long long)bad);
    }
    if (a->id != -1 && a->lun != -1) {
        vmc_mdev *o = scsi_taken(addrs, devs, a);
        if (o) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, s->type,
                                 "qemu-system-x86_64: -device %s: lun already used by '%s'",
                                 s->type, o->id ? o->id : "(null)");
        }
        return 0;
    }
    if (a->id == -1) {
        /* first free target for the LUN (0 when unset) */
        if (a->lun == -1) {
            a->lun = 0;
        }
        for (a->id = 0; a->id <= SCSI_MAX_TARGET; a->id++) {
            if (!scsi_taken(addrs, devs, a)) {
                return 0;
            }
        }
        return vmc_error_set(VMC_EUSAGE, -1, NULL, s->type,
                             "qemu-system-x86_64: -device %s: no free target", s->type);
    }
    for (a->lun = 0; a->lun <= SCSI_MAX_LUN; a->lun++) {
        if (!scsi_taken(addrs, devs, a)) {
            return 0;
        }
    }
    return vmc_error_set(VMC_EUSAGE, -1, NULL, s->type,
                         "qemu-system-x86_64: -device %s: no free lun", s->type);
}

/* The address of d: the devices on its bus are placed in creation order. */
static int scsi_address(vmc_mdev *d, scsi_addr *out)
{
    vmc_model *m = d->m;
    GArray *addrs = g_array_new(FALSE, FALSE, sizeof(scsi_addr));
    GPtrArray *devs = g_ptr_array_new();
    int rc = 0;
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *s = g_ptr_array_index(m->devices, i);
        if (s->bus != d->bus) {
            continue;
        }
        scsi_addr a;
        if ((rc = scsi_place(s, addrs, devs, &a))) {
            break;
        }
        g_array_append_val(addrs, a);
        g_ptr_array_add(devs, s);
        if (s == d) {
            *out = a;
            break;
        }
    }
    g_array_free(addrs, TRUE);
    g_ptr_array_free(devs, TRUE);
    return rc;
}

static int scsi_disk_realize(vmc_model *m, vmc_mdev *d)
{
    vmc_mdev *hba = d->bus ? d->bus->parent : NULL;
    if (!hba || !hba->path) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "device '%s' on a SCSI bus that is not modelled", d->type);
    }
    if (strcmp(d->type, "scsi-hd") == 0 && !vmc_mdev_prop(d, "drive")) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: drive property not set", d->type);
    }
    scsi_addr a = { 0 };
    int rc = scsi_address(d, &a);
    if (rc) {
        return rc;
    }
    d->path = g_strdup_printf("%s/%lld:%lld:%lld", hba->path, (long long)a.channel,
                              (long long)a.id, (long long)a.lun);
    vmc_devmodel_register(m, d, "scsi-disk", VMC_PRI_DEFAULT);
    return 0;
}

#define V(t) { t, VMC_BUS_PCI, virtio_pci_realize }
#define V3(t) V(t), V(t "-transitional"), V(t "-non-transitional")

const vmc_devmodel vmc_devmodels_virtio[] = {
    V3("virtio-net-pci"), V3("virtio-blk-pci"), V3("virtio-balloon-pci"),
    V3("virtio-serial-pci"), V3("virtio-scsi-pci"), V3("virtio-rng-pci"),
    V("virtio-gpu-pci"), V("virtio-vga"), V("virtio-keyboard-pci"), V("virtio-mouse-pci"),
    V("virtio-tablet-pci"), V("virtio-iommu-pci"),
    { "virtconsole", VMC_BUS_VIRTIO_SERIAL, serial_port_realize },
    { "virtserialport", VMC_BUS_VIRTIO_SERIAL, serial_port_realize },
    { "scsi-hd", VMC_BUS_SCSI, scsi_disk_realize },
    { "scsi-cd", VMC_BUS_SCSI, scsi_disk_realize },
    { NULL, 0, NULL },
};

/* ---- model_virtio.h ---------------------------------------------------------------- */

int vmc_virtio_model_get(vmc_mdev *d, vmc_virtio_model_info *out)
{
    const vmc_vtype *t = d ? vmc_vtype_find(d->type) : NULL;
    if (!t || d->devfn < 0) {
        return vmc_error_set(VMC_ENOTFOUND, -1, NULL, d ? d->type : NULL,
                             "'%s' is not a virtio-pci device", d ? d->type : "(none)");
    }
    vmc_vtransport tr;
    int rc = vmc_vtransport_resolve(d, t, &tr);
    if (rc) {
        return rc;
    }
    rc = vmc_vdev_facts(d, t, &tr, out);
    if (!rc && d->pci) {
        out->msix_cap = d->pci->msix_cap;
    }
    return rc;
}

const char *vmc_virtio_model_prop(vmc_mdev *d, const char *prop)
{
    const vmc_vtype *t = d ? vmc_vtype_find(d->type) : NULL;
    if (!t) {
        return d ? vmc_mdev_prop(d, prop) : NULL;
    }
    const vmc_vfamily *f = t->fam;
    const char *drivers[] = {
        d->type, f->vdev_type, f->vdev_parent ? f->vdev_parent : "virtio-device",
        "virtio-device", "virtio-pci", "pci-device", NULL,
    };
    return chain_value(d, drivers, prop);
}

uint64_t vmc_virtio_model_host_features(vmc_mdev *d)
{
    vmc_virtio_model_info *o = g_new0(vmc_virtio_model_info, 1);
    uint64_t f = vmc_virtio_model_get(d, o) == 0 ? o->host_features : 0;
    g_free(o);
    return f;
}

vmc_mdev *vmc_virtio_model_find(vmc_model *m, const char *idstr)
{
    for (size_t i = 0; idstr && i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        const vmc_vtype *t = vmc_vtype_find(d->type);
        if (!t || !d->path) {
            continue;
        }
        size_t n = strlen(d->path);
        if (strncmp(idstr, d->path, n) == 0 && idstr[n] == '/' &&
            strcmp(idstr + n + 1, t->fam->vmsd) == 0) {
            return d;
        }
    }
    return NULL;
}

bool vmc_virtio_model_check_features(const vmc_virtio_model_info *info, uint32_t low32,
                                     bool has64, uint64_t guest64, char *msg, size_t len)
{
    bool wide = (info->host_features >> 32) != 0;
    uint64_t g = wide && has64 ? guest64 : low32;
    if (!(g & ~info->host_features)) {
        return true;
    }
    if (msg && len) {
        if (wide && has64) {
            snprintf(msg, len, "Features 0x%" PRIx64 " unsupported. Allowed features: 0x%" PRIx64,
                     g, info->host_features);
        } else {
            snprintf(msg, len, "Features 0x%x unsupported. Allowed features: 0x%" PRIx64,
                     (unsigned)g, info->host_features);
        }
    }
    return false;
}

bool vmc_virtio_model_check_intx(const vmc_virtio_model_info *info, const uint8_t *config,
                                 size_t len)
{
    if (!config || len <= VMC_PCI_INTERRUPT_PIN) {
        return true;
    }
    /* msix_enabled(): the capability exists and its enable bit is set */
    if (info->nvectors && info->msix_cap && (size_t)info->msix_cap + 3 < len &&
        (config[info->msix_cap + 3] & VMC_PCI_MSIX_CTRL_ENABLE)) {
        return true;
    }
    uint8_t pin = config[VMC_PCI_INTERRUPT_PIN];
    return pin >= 1 && pin <= 4;
}

bool vmc_virtio_model_check_vector(const vmc_virtio_model_info *info, uint16_t vector)
{
    return vector == 0xffff || vector < info->nvectors;
}

int vmc_virtio_model_check_serial(const vmc_virtio_model_info *info, const uint32_t *map,
                                  size_t nmap, const uint32_t *ids, size_t nids)
{
    size_t words = (info->max_nr_ports + 31) / 32;
    for (size_t i = 0; i < words && i < VMC_VIRTIO_SERIAL_MAP_WORDS; i++) {
        if (i >= nmap || map[i] != info->ports_map[i]) {
            return (int)i;
        }
    }
    for (size_t i = 0; i < nids; i++) {
        uint32_t id = ids[i];
        if (id >= 32 * VMC_VIRTIO_SERIAL_MAP_WORDS ||
            !(info->ports[id / 32] & (1u << (id % 32)))) {
            return VMC_VIRTIO_SERIAL_MAP_WORDS + (int)i;
        }
    }
    return -1;
}
