/*
 * Device models (machine model side): group "pcidev", PCI endpoints other
 * than virtio, display, audio and USB (hw/net/e1000.c, e1000e.c,
 * rtl8139.c, hw/watchdog/wdt_i6300esb.c, hw/misc/ivshmem.c,
 * hw/char/serial-pci.c, serial-pci-multi.c, hw/misc/pvpanic-pci.c,
 * pci-testdev.c, hw/nvme/ctrl.c), plus the ISA devices of model_isa.c.
 * See devmodel.h.
 *
 * Each realize builds the config space in the order QEMU's realize does,
 * adds the option ROM BAR and block, registers the section after realize
 * (QEMU registers dc->vmsd once realize returned) and applies the bus
 * reset.
 */
#include "devices/model_common.h"
#include "devices/model_isa.h"
#include "devices/ivshmem_client.h"
#include "common/error_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- NICs ----------------------------------------------------------------------- */

static const struct { const char *type; uint16_t device_id; } e1000_types[] = {
    { "e1000", 0x100e },            /* 82540EM */
    { "e1000-82544gc", 0x100c },    /* 82544GC copper */
    { "e1000-82545em", 0x100f },    /* 82545EM copper */
};

static int e1000_realize(vmc_model *m, vmc_mdev *d)
{
    vmc_pci_ident id = { .vendor_id = 0x8086, .revision = 3, .class_id = 0x0200 };
    for (size_t i = 0; i < sizeof(e1000_types) / sizeof(e1000_types[0]); i++) {
        if (!strcmp(d->type, e1000_types[i].type)) {
            id.device_id = e1000_types[i].device_id;
        }
    }
    uint8_t mac[6];
    int rc;
    if ((rc = vmc_dm_nic_mac(m, d, mac)) || (rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_CACHE_LINE_SIZE] = 0x10;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM32, 0x20000)) < 0 ||
        (rc = vmc_pci_register_bar(p, 1, VMC_PCI_BAR_IO, 0x40)) < 0 ||
        (rc = vmc_dm_option_rom(m, d, "e1000", "efi-e1000.rom")) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, "e1000"));
    return 0;
}

/* e1000e_gen_dsn: the serial number is built from the MAC address */
static uint64_t e1000e_dsn(const uint8_t mac[6])
{
    return (uint64_t)mac[5] | (uint64_t)mac[4] << 8 | (uint64_t)mac[3] << 16 |
           (uint64_t)0xff << 24 | (uint64_t)0xff << 32 | (uint64_t)mac[2] << 40 |
           (uint64_t)mac[1] << 48 | (uint64_t)mac[0] << 56;
}

static int e1000e_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x10d3,
                                      .class_id = 0x0200 };
    enum { PM_CAP = 0xc8, EXP_CAP = 0xe0, MSI_CAP = 0xd0, MSIX_CAP = 0xa0, MSIX_VECTORS = 5,
           AER_CAP = 0x100, DSN_CAP = 0x140, PM_CAP_DSI = 0x0020 };
    uint8_t mac[6];
    uint64_t subsys_ven, subsys;
    int rc;
    if ((rc = vmc_dm_prop_uint(d, "subsys_ven", 0x8086, 0xffff, &subsys_ven)) ||
        (rc = vmc_dm_prop_uint(d, "subsys", 0, 0xffff, &subsys)) ||
        (rc = vmc_dm_nic_mac(m, d, mac)) || (rc = vmc_dm_pci_init(m, d, &id, true, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_CACHE_LINE_SIZE] = 0x10;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    vmc_pci_set_word(p->config + VMC_PCI_SUBSYSTEM_VENDOR_ID, (uint16_t)subsys_ven);
    vmc_pci_set_word(p->config + VMC_PCI_SUBSYSTEM_ID, (uint16_t)subsys);
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM32, 0x20000)) < 0 ||   /* MMIO */
        (rc = vmc_pci_register_bar(p, 1, VMC_PCI_BAR_MEM32, 0x20000)) < 0 ||   /* flash */
        (rc = vmc_pci_register_bar(p, 2, VMC_PCI_BAR_IO, 32)) < 0 ||
        (rc = vmc_pci_register_bar(p, 3, VMC_PCI_BAR_MEM32, 0x4000)) < 0 ||    /* MSI-X */
        (rc = vmc_msix_init(p, MSIX_VECTORS, 3, 0, 3, 0x2000, MSIX_CAP)) < 0 ||
        (rc = vmc_pcie_endpoint_cap_init(p, EXP_CAP, vmc_dm_bus_is_express(d->bus) &&
                                                         vmc_dm_bus_is_root(d->bus),
                                         true)) < 0 ||
        (rc = vmc_msi_init(p, MSI_CAP, 1, true, false)) < 0 ||
        (rc = vmc_pci_add_pm_capability(p, PM_CAP, VMC_PCI_PM_CAP_VER_1_1 | PM_CAP_DSI)) < 0) {
        return rc;
    }
    vmc_pci_set_word(p->wmask + PM_CAP + VMC_PCI_PM_CTRL,
                     VMC_PCI_PM_CTRL_STATE_MASK | VMC_PCI_PM_CTRL_PME_ENABLE |
                         VMC_PCI_PM_CTRL_DATA_SEL_MASK);
    vmc_pci_set_word(p->w1cmask + PM_CAP + VMC_PCI_PM_CTRL, VMC_PCI_PM_CTRL_PME_STATUS);
    /* an endpoint: no aer_log_max property, the error log holds nothing */
    if ((rc = vmc_pcie_aer_init_log(p, VMC_PCI_ERR_VER, AER_CAP, VMC_PCI_ERR_SIZEOF, 0)) < 0 ||
        (rc = vmc_pcie_dev_ser_num_init(p, DSN_CAP, e1000e_dsn(mac))) < 0 ||
        (rc = vmc_dm_option_rom(m, d, "e1000e", "efi-e1000e.rom")) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, "e1000e"));
    return 0;
}

static int rtl8139_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x10ec, .device_id = 0x8139, .revision = 0x20,
                                      .class_id = 0x0200 };
    uint8_t mac[6];
    int rc;
    if ((rc = vmc_dm_nic_mac(m, d, mac)) || (rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    /* a capability pointer without capabilities (and without the status bit) */
    p->config[VMC_PCI_CAPABILITY_LIST] = 0xdc;
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_IO, 0x100)) < 0 ||
        (rc = vmc_pci_register_bar(p, 1, VMC_PCI_BAR_MEM32, 0x100)) < 0 ||
        (rc = vmc_dm_option_rom(m, d, "rtl8139", "efi-rtl8139.rom")) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, "rtl8139"));
    return 0;
}

/* ---- watchdog, panic, test device ---------------------------------------------------- */

static int i6300esb_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = 0x25ab,
                                      .class_id = 0x0880 };
    int rc;
    if ((rc = vmc_dm_pci_init(m, d, &id, false, -1)) ||
        (rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_MEM32, 16)) < 0) {
        return rc;
    }
    vmc_pci_reset(d->pci);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, "i6300esb_wdt"));
    return 0;
}

static int pvpanic_pci_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x1b36, .device_id = 0x0011, .revision = 1,
                                      .class_id = 0x0880 };
    int rc;
    /* the event register window is 2 bytes */
    if ((rc = vmc_dm_pci_init(m, d, &id, false, -1)) ||
        (rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_MEM32, 2)) < 0) {
        return rc;
    }
    vmc_pci_reset(d->pci);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, "pvpanic-pci"));
    return 0;
}

static int pci_testdev_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x1b36, .device_id = 0x0005,
                                      .class_id = 0x00ff };
    uint64_t membar;
    int rc;
    if ((rc = vmc_dm_prop_size(d, "membar", 0, &membar)) ||
        (rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM32, 4096)) < 0 ||
        (rc = vmc_pci_register_bar(p, 1, VMC_PCI_BAR_IO, 256)) < 0) {
        return rc;
    }
    if (membar && (rc = vmc_pci_register_bar(p, 2, VMC_PCI_BAR_MEM64 | VMC_PCI_BAR_PREFETCH,
                                             membar)) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, NULL);   /* no vmsd: nothing of it migrates */
    return 0;
}

/* ---- serial --------------------------------------------------------------------------- */

static int pci_serial_realize(vmc_model *m, vmc_mdev *d)
{
    unsigned ports = !strcmp(d->type, "pci-serial-2x") ? 2 : !strcmp(d->type, "pci-serial-4x") ? 4 : 1;
    vmc_pci_ident id = { .vendor_id = 0x1b36, .revision = 1, .class_id = 0x0700,
                         .device_id = ports == 1 ? 0x0002 : ports == 2 ? 0x0003 : 0x0004 };
    uint64_t prog_if;
    int rc;
    if ((rc = vmc_dm_prop_uint(d, "prog_if", 0x02, 0xff, &prog_if)) ||
        (rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_CLASS_PROG] = (uint8_t)prog_if;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_IO, 8 * ports)) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, ports == 1 ? "pci-serial" : "pci-serial-multi"));
    return 0;
}

/* ---- ivshmem --------------------------------------------------------------------------- */

static int ivshmem_plain_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x1af4, .device_id = 0x1110, .revision = 1,
                                      .class_id = 0x0500 };
    const char *memdev = vmc_mdev_prop(d, "memdev");
    if (!memdev) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: You must specify a 'memdev'",
                             d->type);
    }
    uint64_t size;
    const vmc_qopts *backend = vmc_model_memory_backend(m, memdev, &size);
    if (!backend || !size) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Property '%s.memdev' can't find "
                             "value '%s'", d->type, d->type, memdev);
    }
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *o = g_ptr_array_index(m->devices, i);
        const char *om = o != d && !strncmp(o->type, "ivshmem", 7) ? vmc_mdev_prop(o, "memdev")
                                                                  : NULL;
        if (om && !strcmp(om, memdev)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: can't use already busy "
                                 "memdev: %s", d->type, memdev);
        }
    }
    if (size & (size - 1)) {
        /* pci_register_bar asserts a power-of-two size: QEMU aborts */
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: the memdev size 0x%llx is not a "
                             "power of two (QEMU aborts in pci_register_bar)", d->type,
                             (unsigned long long)size);
    }
    int rc;
    if ((rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    vmc_pci_config *p = d->pci;
    /* realize enables I/O and memory decoding; the reset clears them again */
    vmc_pci_set_word(p->config + VMC_PCI_COMMAND, VMC_PCI_COMMAND_IO | VMC_PCI_COMMAND_MEMORY);
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM32, 256)) < 0 ||
        (rc = vmc_pci_register_bar(p, 2, VMC_PCI_BAR_MEM64 | VMC_PCI_BAR_PREFETCH, size)) < 0) {
        return rc;
    }
    /* the backend's RAM, registered under the device (vmstate_register_ram) */
    char *name = g_strdup_printf("%s/%s", d->path, vmc_model_ram_block_name(m, backend));
    vmc_model_add_ram_block(m, name, size, size, false, NULL);
    g_free(name);
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, "ivshmem-plain"));
    /* a peer (master=off, the default of ivshmem-plain) blocks migration */
    const char *master = vmc_mdev_prop(d, "master");
    if (!master || (strcmp(master, "on") != 0 && strcmp(master, "true") != 0)) {
        vmc_model_add_blocker(m, "Migration is disabled when using feature 'peer mode' in "
                                 "device 'ivshmem'");
    }
    return 0;
}

/* -chardev id=ID: its options, or NULL. */
static const vmc_qopts *ivshmem_chardev(vmc_model *m, const char *id)
{
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *oid = vmc_qopts_get(o, "id");
        if (!strcmp(vmc_cmdline_backend_kind(m->cl, i), "chardev") && oid && !strcmp(oid, id)) {
            return o;
        }
    }
    return NULL;
}

/*
 * The size of the shared memory the server hands out (ivshmem_recv_setup):
 * 1 with *size when the chardev is a unix socket client and its server
 * answers, 0 when there is no server to ask (*why says so), negative with
 * an error when the server's answer makes QEMU fail.
 */
static int ivshmem_server_size(vmc_mdev *d, const vmc_qopts *chr, uint64_t *size,
                               const char **why)
{
    const char *backend = vmc_qopts_get(chr, "backend");
    const char *path = vmc_qopts_get(chr, "path");
    if (!backend || strcmp(backend, "socket") != 0 || !path ||
        vmc_model_parse_bool(vmc_qopts_get(chr, "server"), false) ||
        vmc_model_parse_bool(vmc_qopts_get(chr, "abstract"), false)) {
        *why = "its chardev is not a unix socket client (-chardev socket,path=...)";
        return 0;
    }
    vmc_ivshmem_info info;
    int rc = vmc_ivshmem_probe(path, 5000, &info);
    if (rc == VMC_ENOTFOUND) {
        *why = "no ivshmem server listens on its chardev's socket";
        return 0;
    }
    if (rc) {
        /* QEMU's realize fails with the same words */
        char *msg = g_strdup(vmc_error_last()->message);
        rc = vmc_error_set(VMC_EUSAGE, -1, NULL, d->type, "qemu-system-x86_64: -device %s: %s",
                           d->type, msg);
        g_free(msg);
        return rc;
    }
    *size = info.shm_size;
    return 1;
}

/*
 * ivshmem-doorbell: BAR 0 registers, BAR 1 the MSI-X table (`vectors`
 * entries), BAR 2 the memory the ivshmem server sends over the chardev at
 * realize, RAM block "<path>/ivshmem.bar2".  vmcompat asks the server
 * itself (ivshmem_client.h): the probe takes a peer ID for a moment.
 */
static int ivshmem_doorbell_realize(vmc_model *m, vmc_mdev *d)
{
    static const vmc_pci_ident id = { .vendor_id = 0x1af4, .device_id = 0x1110, .revision = 1,
                                      .class_id = 0x0500 };
    /* the legacy "ivshmem" device had msi=; ivshmem-doorbell always has MSI-X */
    if (vmc_mdev_prop(d, "msi")) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Property '%s.msi' not found",
                             d->type, d->type);
    }
    /* ioeventfd (default on) only wires the doorbell register to eventfds: no state */
    const char *ioeventfd = vmc_mdev_prop(d, "ioeventfd");
    if (ioeventfd && vmc_model_parse_bool(ioeventfd, false) !=
                         vmc_model_parse_bool(ioeventfd, true)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Parameter 'ioeventfd' expects "
                             "'on' or 'off'", d->type);
    }
    const char *chardev = vmc_mdev_prop(d, "chardev");
    const vmc_qopts *chr = chardev && *chardev ? ivshmem_chardev(m, chardev) : NULL;
    if (chardev && *chardev && !chr) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Property '%s.chardev' can't "
                             "find value '%s'", d->type, d->type, chardev);
    }
    uint64_t vectors;
    vmc_dm_onoffauto master;
    int rc;
    if ((rc = vmc_dm_prop_uint(d, "vectors", 1, UINT32_MAX, &vectors)) ||
        (rc = vmc_dm_prop_onoffauto(d, "master", VMC_DM_OFF, &master)) ||
        (rc = vmc_dm_pci_init(m, d, &id, false, -1))) {
        return rc;
    }
    /* realize */
    if (!chr) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: You must specify a 'chardev'",
                             d->type);
    }
    if (master == VMC_DM_AUTO) {
        /* master=auto is on for peer ID 0 only: the ID QEMU will get is unknown offline */
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "device '%s' with master=auto is not modelled: whether it is "
                             "the master depends on the peer ID the ivshmem server gives "
                             "QEMU at run time", d->type);
    }
    uint64_t size = 0;
    const char *why = NULL;
    if ((rc = ivshmem_server_size(d, chr, &size, &why)) < 0) {
        return rc;
    }
    if (!rc && master == VMC_DM_ON) {
        /* the memory migrates: BAR 2 and its RAM block need its size */
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, d->type,
                             "device '%s' with master=on is not modelled here: the size of its "
                             "shared memory comes from the ivshmem server at run time, and %s",
                             d->type, why);
    }
    /* memory_region_init_ram_from_fd: a page-aligned block that the file must fill */
    uint64_t block = (size + 4095) & ~4095ull;
    if (rc && !size) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: memory size 0x0 must be equal to "
                             "or larger than page size 0x1000", d->type);
    }
    if (rc && size < block) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: backing store size 0x%llx does "
                             "not match 'size' option 0x%llx", d->type,
                             (unsigned long long)size, (unsigned long long)block);
    }
    /* msix_init_exclusive_bar takes the count as 16 bits */
    unsigned nvec = (unsigned)(vectors & 0xffff);
    if (nvec < 1 || nvec > 2048) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Failed to initialize "
                             "interrupts: The number of MSI-X vectors is invalid", d->type);
    }
    if (nvec != vectors) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: vectors=%llu is cut to %u MSI-X "
                             "entries (QEMU aborts in msix_vector_use)", d->type,
                             (unsigned long long)vectors, nvec);
    }
    vmc_pci_config *p = d->pci;
    vmc_pci_set_word(p->config + VMC_PCI_COMMAND, VMC_PCI_COMMAND_IO | VMC_PCI_COMMAND_MEMORY);
    if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM32, 256)) < 0 ||
        (rc = vmc_msix_init_exclusive_bar(p, nvec, 1, 0)) < 0) {
        return rc;
    }
    if (master == VMC_DM_OFF) {
        vmc_model_add_blocker(m, "Migration is disabled when using feature 'peer mode' in "
                                 "device 'ivshmem'");
    }
    if (!size) {
        /* a peer without a server to ask: it cannot migrate whatever the size, but
         * BAR 2 is unknown, so its config is not modelled */
        g_free(d->pci);
        d->pci = NULL;
        vmc_dm_publish(m, d, vmc_dm_register(m, d, "ivshmem-doorbell"));
        return 0;
    }
    if (size & (size - 1)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: the ivshmem server's memory size "
                             "0x%llx is not a power of two (QEMU aborts in pci_register_bar)",
                             d->type, (unsigned long long)size);
    }
    char *name = g_strdup_printf("%s/ivshmem.bar2", d->path);
    vmc_model_add_ram_block(m, name, size, size, false, NULL);
    g_free(name);
    if ((rc = vmc_pci_register_bar(p, 2, VMC_PCI_BAR_MEM64 | VMC_PCI_BAR_PREFETCH, size)) < 0) {
        return rc;
    }
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, vmc_dm_register(m, d, "ivshmem-doorbell"));
    return 0;
}

/* ---- nvme --------------------------------------------------------------------------------- */

/* nvme_mbar_size: registers, doorbells, then the MSI-X table and PBA, 4 KiB aligned. */
static uint64_t nvme_bar_size(unsigned queues, unsigned irqs, uint32_t *table, uint32_t *pba)
{
    uint64_t size = 4096 + 2ull * queues * 4;
    if (irqs) {
        size = (size + 4095) & ~4095ull;
        *table = (uint32_t)size;
        size += 16ull * irqs;
        size = (size + 4095) & ~4095ull;
        *pba = (uint32_t)size;
        size += ((irqs + 63) / 64) * 8;
    }
    uint64_t p2 = 1;
    while (p2 < size) {
        p2 <<= 1;
    }
    return p2;
}

static int nvme_realize(vmc_model *m, vmc_mdev *d)
{
    uint64_t max_ioqpairs, num_queues, msix_qsize, cmb, sriov;
    int rc;
    if (!vmc_mdev_prop(d, "serial")) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: serial property not set",
                             d->type);
    }
    if ((rc = vmc_dm_prop_uint(d, "max_ioqpairs", 64, UINT32_MAX, &max_ioqpairs)) ||
        (rc = vmc_dm_prop_uint(d, "num_queues", 0, UINT32_MAX, &num_queues)) ||
        (rc = vmc_dm_prop_uint(d, "msix_qsize", 65, 0xffff, &msix_qsize)) ||
        (rc = vmc_dm_prop_uint(d, "cmb_size_mb", 0, UINT32_MAX, &cmb)) ||
        (rc = vmc_dm_prop_uint(d, "sriov_max_vfs", 0, 0xff, &sriov))) {
        return rc;
    }
    if (num_queues) {
        max_ioqpairs = num_queues - 1;   /* the legacy property counts the admin queue */
    }
    if (!max_ioqpairs || max_ioqpairs > 0xfffe || !msix_qsize || msix_qsize > 2048) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: max_ioqpairs / msix_qsize out "
                             "of range", d->type);
    }
    bool intel = vmc_mdev_prop_bool(d, "use-intel-id", false);
    vmc_pci_ident id = { .vendor_id = intel ? 0x8086 : 0x1b36,
                         .device_id = intel ? 0x5845 : 0x0010, .revision = 2,
                         .class_id = 0x0108 };
    if ((rc = vmc_dm_pci_init(m, d, &id, true, -1))) {
        return rc;
    }
    /* an unmigratable vmsd: QEMU refuses to migrate (or load into) this machine */
    vmc_model_entry *e = vmc_dm_register(m, d, "nvme");
    if (cmb || sriov || vmc_mdev_prop(d, "pmrdev")) {
        /* controller memory buffer, persistent memory, SR-IOV: config not modelled */
        g_free(d->pci);
        d->pci = NULL;
        vmc_dm_publish(m, d, e);
        return 0;
    }
    vmc_pci_config *p = d->pci;
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    p->config[VMC_PCI_CLASS_PROG] = 0x02;
    int cap = vmc_pci_add_pm_capability(p, 0x60, 0x0003);   /* PM 1.2 */
    if (cap < 0) {
        return cap;
    }
    vmc_pci_set_word(p->config + cap + VMC_PCI_PM_CTRL, 0x0008);   /* No_Soft_Reset */
    vmc_pci_set_word(p->wmask + cap + VMC_PCI_PM_CTRL, VMC_PCI_PM_CTRL_STATE_MASK);
    if ((rc = vmc_pcie_endpoint_cap_init(p, 0x80, vmc_dm_bus_is_express(d->bus) &&
                                                      vmc_dm_bus_is_root(d->bus),
                                         false)) < 0) {
        return rc;
    }
    vmc_pcie_cap_flr_init(p);
    uint32_t table = 0, pba = 0;
    if (vmc_mdev_prop_bool(d, "msix-exclusive-bar", false)) {
        uint64_t size = nvme_bar_size((unsigned)max_ioqpairs + 1, 0, &table, &pba);
        if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM64, size)) < 0 ||
            (rc = vmc_msix_init_exclusive_bar(p, (unsigned)msix_qsize, 4, 0)) < 0) {
            return rc;
        }
    } else {
        uint64_t size = nvme_bar_size((unsigned)max_ioqpairs + 1, (unsigned)msix_qsize, &table,
                                      &pba);
        if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_MEM64, size)) < 0 ||
            (rc = vmc_msix_init(p, (unsigned)msix_qsize, 0, table, 0, pba, 0)) < 0) {
            return rc;
        }
    }
    vmc_pci_reset(p);
    vmc_dm_publish(m, d, e);
    return 0;
}

const vmc_devmodel vmc_devmodels_pcidev[] = {
    { "e1000", VMC_BUS_PCI, e1000_realize },
    { "e1000-82544gc", VMC_BUS_PCI, e1000_realize },
    { "e1000-82545em", VMC_BUS_PCI, e1000_realize },
    { "e1000e", VMC_BUS_PCIE, e1000e_realize },
    { "rtl8139", VMC_BUS_PCI, rtl8139_realize },
    { "i6300esb", VMC_BUS_PCI, i6300esb_realize },
    { "ivshmem-plain", VMC_BUS_PCI, ivshmem_plain_realize },
    { "ivshmem-doorbell", VMC_BUS_PCI, ivshmem_doorbell_realize },
    { "pci-serial", VMC_BUS_PCI, pci_serial_realize },
    { "pci-serial-2x", VMC_BUS_PCI, pci_serial_realize },
    { "pci-serial-4x", VMC_BUS_PCI, pci_serial_realize },
    { "pvpanic-pci", VMC_BUS_PCI, pvpanic_pci_realize },
    { "pci-testdev", VMC_BUS_PCI, pci_testdev_realize },
    { "nvme", VMC_BUS_PCIE, nvme_realize },
    VMC_DM_ISA_MODELS,
    { NULL, 0, NULL },
};
