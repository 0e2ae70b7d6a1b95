/*
 * Fresh state of the virtio-pci devices (QEMU 7.2): the virtio_save() blob
 * of a device the guest never touched.  Queues, vectors, features and
 * config length come from the virtio model (model_virtio.h); every vector
 * is VIRTIO_NO_VECTOR and every MSI-X entry masked.
 */
#include "devices/fresh_pcidevs.h"
#include "devices/fresh_util.h"
#include "devices/model_virtio.h"
#include "devices/model_virtio_internal.h"

#include <string.h>

#define VIRTIO_NO_VECTOR 0xffff
#define VIRTIO_NET_S_LINK_UP 1
#define MAX_VLAN 4096

/* The common part: PCI device, MSI-X, vectors, queues and subsections. */
static int virtio_common(const vmc_fresh_ctx *fc, vmc_state *st, vmc_virtio_model_info *vi)
{
    if (!fc->dev || vmc_virtio_model_get(fc->dev, vi) != 0) {
        return vmc_fresh_unsupported(fc, "a virtio device the virtio model does not know");
    }
    if (vi->assumption) {
        return vmc_fresh_unsupported(fc, vi->assumption);
    }
    if (!vi->config_len && vi->vmsd_name && strcmp(vi->vmsd_name, "virtio-input") == 0) {
        return vmc_fresh_unsupported(fc, "the config space length of virtio-input devices");
    }
    vmc_fresh_pci_device(st, "virtio.pci_dev");
    if (vi->nvectors) {
        vmc_fresh_msix_masked(st, "virtio.msix", (int)vi->nvectors);
        vmc_fresh_u(st, VIRTIO_NO_VECTOR, "virtio.config_vector");
    }
    vmc_fresh_u(st, vi->config_len, "virtio.config_len");
    vmc_fresh_u(st, vi->num_queues, "virtio.num_queues");
    for (unsigned i = 0; i < vi->num_queues; i++) {
        vmc_fresh_u(st, vi->queue_size[i], "virtio.vq[%u].vring.num", i);
        if (vi->nvectors) {
            vmc_fresh_u(st, VIRTIO_NO_VECTOR, "virtio.vq[%u].vector", i);
        }
    }
    bool version_1 = vi->host_features >> VMC_VIRTIO_F_VERSION_1 & 1;
    vmc_fresh_sub(st, vi->host_features >> 32 != 0, "virtio.virtio/64bit_features");
    vmc_fresh_sub(st, version_1, "virtio.virtio/virtqueues");
    vmc_fresh_sub(st, vi->host_features >> VMC_VIRTIO_F_RING_PACKED & 1,
                  "virtio.virtio/packed_virtqueues");
    vmc_fresh_sub(st, vi->migrate_extra, "virtio.virtio/extra_state");
    if (vi->migrate_extra) {
        vmc_fresh_sub(st, vi->modern, "virtio.virtio/extra_state.extra_state.virtio_pci/modern_state");
    }
    return 0;
}

/* virtio-blk, virtio-rng, virtio-balloon: nothing beyond the common part. */
int vmc_fresh_virtio_plain(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_virtio_model_info vi;
    return virtio_common(fc, st, &vi);
}

/*
 * virtio-net after virtio_net_reset(): link up, promiscuous, and every
 * VLAN passing (the guest acked no features, so CTRL_VLAN is off).
 */
int vmc_fresh_virtio_net(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_virtio_model_info vi;
    int rc = virtio_common(fc, st, &vi);
    if (rc) {
        return rc;
    }
    uint8_t mac[6];
    if ((rc = vmc_fresh_nic_mac(fc, mac))) {
        return rc;
    }
    for (int i = 0; i < 6; i++) {
        vmc_fresh_u(st, mac[i], "virtio.virtio-net-device.mac[%d]", i);
    }
    vmc_fresh_u(st, VIRTIO_NET_S_LINK_UP, "virtio.virtio-net-device.status");
    vmc_fresh_u(st, 1, "virtio.virtio-net-device.promisc");
    uint8_t vlans[MAX_VLAN / 8];
    memset(vlans, 0xff, sizeof(vlans));
    vmc_fresh_bytes(st, vlans, sizeof(vlans), "virtio.virtio-net-device.vlans");
    return 0;
}

/* The back-end type of -chardev id (its first option), or NULL. */
static const char *chardev_backend(vmc_model *m, const char *id)
{
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *oid = vmc_qopts_get(o, "id");
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "chardev") == 0 && oid &&
            strcmp(oid, id) == 0) {
            return vmc_qopts_get(o, "backend");
        }
    }
    return NULL;
}

/* virtio-serial: the ports that exist, each with its host side state. */
int vmc_fresh_virtio_serial(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_virtio_model_info vi;
    int rc = virtio_common(fc, st, &vi);
    if (rc) {
        return rc;
    }
    const char *d = "virtio.device_save";
    vmc_fresh_u(st, vi.max_nr_ports, "%s.config.max_nr_ports", d);
    /* TODO(virtio_serial.c): the decoder gives every map word the path
     * "ports_map." (no index), so only a one-word map (max_ports <= 32, the
     * default 31) is addressable; use "ports_map[i]" once it names them. */
    unsigned words = (vi.max_nr_ports + 31) / 32;
    if (words != 1) {
        return vmc_fresh_unsupported(fc, "virtio-serial with max_ports > 32");
    }
    vmc_fresh_u(st, vi.ports_map[0], "%s.ports_map.", d);
    vmc_fresh_u(st, vi.nr_ports, "%s.nr_active_ports", d);
    /* the ports in the order they were realized (QEMU's list), each with
     * its host side: a console opens at realize when it has a chardev; a
     * virtserialport waits for its chardev's OPENED event, which a null
     * chardev never sends */
    unsigned k = 0;
    for (size_t i = 0; i < fc->m->devices->len; i++) {
        vmc_mdev *p = g_ptr_array_index(fc->m->devices, i);
        if (!p->bus || p->bus->parent != fc->dev || p->bus->kind != VMC_BUS_VIRTIO_SERIAL) {
            continue;
        }
        vmc_virtio_model_info tmp;
        uint32_t id = 0;
        if ((rc = vmc_vserial_ports(fc->dev, p, &tmp, &id))) {
            return rc;
        }
        const char *chardev = vmc_mdev_prop(p, "chardev");
        const char *backend = chardev ? chardev_backend(fc->m, chardev) : NULL;
        unsigned connected;
        if (strcmp(p->type, "virtconsole") == 0) {
            connected = chardev ? 1 : 0;
        } else if (!chardev || (backend && strcmp(backend, "null") == 0)) {
            connected = 0;
        } else {
            return vmc_fresh_unsupported(fc, "a virtserialport whose chardev is not 'null' "
                                             "(whether it opens at start-up)");
        }
        vmc_fresh_u(st, id, "%s.ports[%u].id", d, k);
        vmc_fresh_u(st, connected, "%s.ports[%u].host_connected", d, k);
        k++;
    }
    return 0;
}

/* virtio-gpu: the scanouts part checks max_outputs ("uint32 equal"). */
int vmc_fresh_virtio_gpu(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_virtio_model_info vi;
    int rc = virtio_common(fc, st, &vi);
    if (rc) {
        return rc;
    }
    vmc_fresh_u(st, (uint64_t)vmc_fresh_prop_int(fc, NULL, "max_outputs", 1),
                "virtio-gpu.scanouts.parent_obj.conf.max_outputs");
    return 0;
}
