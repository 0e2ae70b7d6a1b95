/*
 * What a virtio device (VirtIODevice) holds after realize, QEMU 7.2: its
 * host features (virtio_bus_device_plugged(): the common feature
 * properties, VERSION_1 for modern proxies and BAD_FEATURE from the
 * virtio-pci pre_plugged hook, then the device's get_features), its
 * config length and its queues.  Each family follows its realize and
 * get_features in hw/net/virtio-net.c, hw/block/virtio-blk.c,
 * hw/scsi/virtio-scsi.c, hw/char/virtio-serial-bus.c, hw/virtio/virtio-rng.c,
 * virtio-balloon.c, virtio-iommu.c, hw/display/virtio-gpu-base.c and
 * hw/input/virtio-input.c.
 */
#include "devices/model_virtio_internal.h"
#include "devices/model_common.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

#define BIT(n) (1ull << (n))

/* virtio-net */
enum {
    NET_F_CSUM = 0, NET_F_GUEST_CSUM = 1, NET_F_CTRL_GUEST_OFFLOADS = 2, NET_F_MTU = 3,
    NET_F_MAC = 5, NET_F_GSO = 6, NET_F_GUEST_TSO4 = 7, NET_F_GUEST_TSO6 = 8,
    NET_F_GUEST_ECN = 9, NET_F_GUEST_UFO = 10, NET_F_HOST_TSO4 = 11, NET_F_HOST_TSO6 = 12,
    NET_F_HOST_ECN = 13, NET_F_HOST_UFO = 14, NET_F_MRG_RXBUF = 15, NET_F_STATUS = 16,
    NET_F_CTRL_VQ = 17, NET_F_CTRL_RX = 18, NET_F_CTRL_VLAN = 19, NET_F_CTRL_RX_EXTRA = 20,
    NET_F_GUEST_ANNOUNCE = 21, NET_F_MQ = 22, NET_F_CTRL_MAC_ADDR = 23,
    NET_F_HASH_REPORT = 57, NET_F_RSS = 60, NET_F_RSC_EXT = 61, NET_F_STANDBY = 62,
    NET_F_SPEED_DUPLEX = 63,
};
/* virtio-blk */
enum {
    BLK_F_SEG_MAX = 2, BLK_F_GEOMETRY = 4, BLK_F_RO = 5, BLK_F_BLK_SIZE = 6, BLK_F_SCSI = 7,
    BLK_F_FLUSH = 9, BLK_F_TOPOLOGY = 10, BLK_F_CONFIG_WCE = 11, BLK_F_MQ = 12,
    BLK_F_DISCARD = 13, BLK_F_WRITE_ZEROES = 14,
};

typedef struct fbit {
    const char *prop;
    unsigned bit;
    bool dflt;
} fbit;

/* DEFINE_VIRTIO_COMMON_FEATURES on virtio-device */
static const fbit common_bits[] = {
    { "indirect_desc", VMC_VIRTIO_RING_F_INDIRECT_DESC, true },
    { "event_idx", VMC_VIRTIO_RING_F_EVENT_IDX, true },
    { "notify_on_empty", VMC_VIRTIO_F_NOTIFY_ON_EMPTY, true },
    { "any_layout", VMC_VIRTIO_F_ANY_LAYOUT, true },
    { "iommu_platform", VMC_VIRTIO_F_IOMMU_PLATFORM, false },
    { "packed", VMC_VIRTIO_F_RING_PACKED, false },
    { "queue_reset", VMC_VIRTIO_F_RING_RESET, true },
    { NULL, 0, false },
};

static const fbit net_bits[] = {
    { "csum", NET_F_CSUM, true }, { "guest_csum", NET_F_GUEST_CSUM, true },
    { "gso", NET_F_GSO, true }, { "guest_tso4", NET_F_GUEST_TSO4, true },
    { "guest_tso6", NET_F_GUEST_TSO6, true }, { "guest_ecn", NET_F_GUEST_ECN, true },
    { "guest_ufo", NET_F_GUEST_UFO, true }, { "guest_announce", NET_F_GUEST_ANNOUNCE, true },
    { "host_tso4", NET_F_HOST_TSO4, true }, { "host_tso6", NET_F_HOST_TSO6, true },
    { "host_ecn", NET_F_HOST_ECN, true }, { "host_ufo", NET_F_HOST_UFO, true },
    { "mrg_rxbuf", NET_F_MRG_RXBUF, true }, { "status", NET_F_STATUS, true },
    { "ctrl_vq", NET_F_CTRL_VQ, true }, { "ctrl_rx", NET_F_CTRL_RX, true },
    { "ctrl_vlan", NET_F_CTRL_VLAN, true }, { "ctrl_rx_extra", NET_F_CTRL_RX_EXTRA, true },
    { "ctrl_mac_addr", NET_F_CTRL_MAC_ADDR, true },
    { "ctrl_guest_offloads", NET_F_CTRL_GUEST_OFFLOADS, true },
    { "mq", NET_F_MQ, false }, { "rss", NET_F_RSS, false },
    { "hash", NET_F_HASH_REPORT, false }, { "guest_rsc_ext", NET_F_RSC_EXT, false },
    { NULL, 0, false },
};

static const fbit blk_bits[] = {
    { "config-wce", BLK_F_CONFIG_WCE, true }, { "scsi", BLK_F_SCSI, false },
    { "discard", BLK_F_DISCARD, true }, { "write-zeroes", BLK_F_WRITE_ZEROES, true },
    { NULL, 0, false },
};

static const fbit scsi_bits[] = {
    { "hotplug", 1, true }, { "param_change", 2, true }, { NULL, 0, false },
};

static const fbit balloon_bits[] = {
    { "deflate-on-oom", 2, false }, { "free-page-hint", 3, false },
    { "page-poison", 4, true }, { "free-page-reporting", 5, false }, { NULL, 0, false },
};

static const fbit serial_bits[] = {
    { "emergency-write", 2, true }, { NULL, 0, false },
};

static uint64_t prop_bits(vmc_mdev *d, const vmc_vfamily *f, const fbit *b)
{
    uint64_t v = 0;
    for (; b->prop; b++) {
        if (vmc_vdev_bool(d, f, b->prop, b->dflt)) {
            v |= BIT(b->bit);
        }
    }
    return v;
}

/* The -netdev / -drive / ... with id=ID. */
static const vmc_qopts *backend(vmc_mdev *d, const char *kind, const char *id)
{
    const vmc_cmdline *cl = d->m->cl;
    for (size_t i = 0; id && i < vmc_cmdline_backend_count(cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(cl, i);
        if (strcmp(vmc_cmdline_backend_kind(cl, i), kind) == 0 && vmc_qopts_get(o, "id") &&
            strcmp(vmc_qopts_get(o, "id"), id) == 0) {
            return o;
        }
    }
    return NULL;
}

static bool opt_on(const char *v)
{
    return v && (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") ||
                 !strcmp(v, "1"));
}

/* The NIC's peer: queues (nic_conf.peers.queues), vnet header, UFO. */
typedef struct net_peer {
    unsigned queues;
    bool vnet_hdr, ufo, vhost;
    const char *assumption;
} net_peer;

static net_peer net_peer_of(vmc_mdev *d)
{
    net_peer p = { 0, false, false, false, NULL };
    const char *id = vmc_mdev_prop(d, "netdev");
    const vmc_qopts *o = backend(d, "netdev", id);
    if (!o) {
        return p;   /* no peer: no vnet header */
    }
    const char *type = vmc_qopts_get(o, "type");
    const char *q = vmc_qopts_get(o, "queues");
    p.queues = q ? (unsigned)strtoul(q, NULL, 0) : 1;
    if (!p.queues) {
        p.queues = 1;
    }
    if (type && (!strcmp(type, "tap") || !strcmp(type, "bridge"))) {
        /* the tap device offers a vnet header unless vnet_hdr=off; UFO and
         * vhost features depend on the host kernel */
        const char *vh = vmc_qopts_get(o, "vnet_hdr");
        p.vnet_hdr = !vh || opt_on(vh);
        p.ufo = p.vnet_hdr;
        p.vhost = opt_on(vmc_qopts_get(o, "vhost"));
        p.assumption = p.vhost ? "tap back end with vhost: the host's vhost-net features "
                                 "are not known (assumed to offer everything)"
                               : "tap back end: UFO support of the host kernel assumed";
    } else if (type && !strcmp(type, "vhost-user")) {
        p.vhost = true;
        p.vnet_hdr = true;
        p.ufo = true;
        p.assumption = "vhost-user back end: its features are not known (assumed to offer "
                       "everything)";
    }
    return p;
}

/* smp cpus bounded as virtio_pci_optimal_num_queues() does */
static unsigned optimal_queues(vmc_mdev *d, unsigned fixed)
{
    unsigned n = d->m->smp_cpus ? d->m->smp_cpus : 1;
    if (n > 2047 - fixed) {
        n = 2047 - fixed;
    }
    if (n > VMC_VIRTIO_QUEUE_MAX - fixed) {
        n = VMC_VIRTIO_QUEUE_MAX - fixed;
    }
    return n;
}

unsigned vmc_vdev_num_queues(vmc_mdev *d, const vmc_vfamily *f)
{
    int64_t n;
    switch (f->id) {
    case VMC_VF_BLK:
        n = vmc_vdev_int(d, f, "num-queues", 0xffff);
        return n == 0xffff ? optimal_queues(d, 0) : (unsigned)n;
    case VMC_VF_SCSI:
        n = vmc_vdev_int(d, f, "num_queues", 0xffffffffll);
        return n == 0xffffffffll ? optimal_queues(d, 2) : (unsigned)n;
    case VMC_VF_NET: {
        net_peer p = net_peer_of(d);
        return p.queues ? p.queues : 1;
    }
    default:
        return 1;
    }
}

unsigned vmc_vdev_default_vectors(vmc_mdev *d, const vmc_vfamily *f)
{
    switch (f->id) {
    case VMC_VF_NET:
        return 2 * vmc_vdev_num_queues(d, f) + 2;   /* queue pairs, config, control */
    case VMC_VF_BLK:
        return vmc_vdev_num_queues(d, f) + 1;
    case VMC_VF_SCSI:
        return vmc_vdev_num_queues(d, f) + 2 + 1;   /* + control, event, config */
    case VMC_VF_SERIAL:
        return (unsigned)vmc_vdev_int(d, f, "max_ports", 31) + 1;
    case VMC_VF_RNG:
        return 2;
    default:
        return 0;
    }
}

/* Append a queue of the realized layout (counted in max_queues until the end). */
static void add_queue(vmc_virtio_model_info *o, unsigned size)
{
    if (o->max_queues < VMC_VIRTIO_QUEUE_MAX) {
        o->queue_size[o->max_queues++] = (uint16_t)size;
    }
}

static int check_pow2_size(vmc_mdev *d, const char *prop, int64_t v, int64_t min)
{
    if (v < min || v > 1024 || (v & (v - 1))) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Invalid %s (= %lld), must be a "
                             "power of 2 between %lld and 1024", d->type, prop, (long long)v,
                             (long long)min);
    }
    return 0;
}

static int net_facts(vmc_mdev *d, const vmc_vfamily *f, vmc_virtio_model_info *o,
                     uint64_t *feat)
{
    net_peer p = net_peer_of(d);
    uint64_t dev = prop_bits(d, f, net_bits);
    if (vmc_vdev_int(d, f, "host_mtu", 0)) {
        dev |= BIT(NET_F_MTU);
    }
    if (vmc_vdev_prop(d, f, "duplex") || vmc_vdev_int(d, f, "speed", -1) >= 0) {
        dev |= BIT(NET_F_SPEED_DUPLEX);
    }
    if (vmc_vdev_bool(d, f, "failover", false)) {
        dev |= BIT(NET_F_STANDBY);
    }
    /* config: mac, then the fields the features enable */
    uint64_t cf = dev | BIT(NET_F_MAC);
    o->config_len = 6;
    static const struct { unsigned bit; uint32_t end; } sizes[] = {
        { NET_F_STATUS, 8 }, { NET_F_MQ, 10 }, { NET_F_MTU, 12 }, { NET_F_SPEED_DUPLEX, 17 },
        { NET_F_RSS, 24 }, { NET_F_HASH_REPORT, 24 },
    };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        if ((cf & BIT(sizes[i].bit)) && sizes[i].end > o->config_len) {
            o->config_len = sizes[i].end;
        }
    }
    /* get_features */
    uint64_t fe = *feat | dev | BIT(NET_F_MAC);
    if (!p.vnet_hdr) {
        fe &= ~(BIT(NET_F_CSUM) | BIT(NET_F_HOST_TSO4) | BIT(NET_F_HOST_TSO6) |
                BIT(NET_F_HOST_ECN) | BIT(NET_F_GUEST_CSUM) | BIT(NET_F_GUEST_TSO4) |
                BIT(NET_F_GUEST_TSO6) | BIT(NET_F_GUEST_ECN) | BIT(NET_F_HASH_REPORT));
    }
    if (!p.vnet_hdr || !p.ufo) {
        fe &= ~(BIT(NET_F_GUEST_UFO) | BIT(NET_F_HOST_UFO));
    }
    *feat = fe;
    o->assumption = p.assumption;
    int rc = vmc_dm_nic_mac(d->m, d, o->mac);
    if (rc) {
        return rc;
    }
    /* queues: rx/tx of pair 0 and the control queue; more pairs come with mq */
    o->max_queue_pairs = p.queues ? p.queues : 1;
    int64_t rx = vmc_vdev_int(d, f, "rx_queue_size", 256);
    int64_t tx = vmc_vdev_int(d, f, "tx_queue_size", 256);
    if ((rc = check_pow2_size(d, "rx_queue_size", rx, 256)) ||
        (rc = check_pow2_size(d, "tx_queue_size", tx, 256))) {
        return rc;
    }
    const vmc_qopts *nd = backend(d, "netdev", vmc_mdev_prop(d, "netdev"));
    bool vhost_user = nd && vmc_qopts_get(nd, "type") &&
                      !strcmp(vmc_qopts_get(nd, "type"), "vhost-user");
    if (!vhost_user && tx > 256) {
        tx = 256;
    }
    /* realize: rx and tx of pair 0, then control; the guest's queue-pair setting grows
     * it to all pairs with control last (virtio_net_change_num_queues) */
    add_queue(o, (unsigned)rx);
    add_queue(o, (unsigned)tx);
    add_queue(o, 64);
    o->num_queues = 3;
    o->max_queues = 2 * o->max_queue_pairs + 1;
    if (o->max_queue_pairs * 2 + 1 > VMC_VIRTIO_QUEUE_MAX) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Invalid number of queue pairs "
                             "(= %u), must be a positive integer less than %d.", d->type,
                             o->max_queue_pairs, (VMC_VIRTIO_QUEUE_MAX - 1) / 2);
    }
    return 0;
}

static int blk_facts(vmc_mdev *d, const vmc_vfamily *f, vmc_virtio_model_info *o,
                     uint64_t *feat)
{
    uint64_t dev = prop_bits(d, f, blk_bits);
    o->config_len = 36;   /* up to num_queues */
    if (dev & BIT(BLK_F_DISCARD)) {
        o->config_len = 48;
    }
    if (dev & BIT(BLK_F_WRITE_ZEROES)) {
        o->config_len = 57;
    }
    uint64_t fe = *feat | dev;
    fe |= BIT(BLK_F_SEG_MAX) | BIT(BLK_F_GEOMETRY) | BIT(BLK_F_TOPOLOGY) | BIT(BLK_F_BLK_SIZE);
    if (fe & BIT(VMC_VIRTIO_F_VERSION_1)) {
        if (dev & BIT(BLK_F_SCSI)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Please set scsi=off for "
                                 "virtio-blk devices in order to use virtio 1.0", d->type);
        }
    } else {
        fe &= ~BIT(VMC_VIRTIO_F_ANY_LAYOUT);
        fe |= BIT(BLK_F_SCSI);
    }
    /* write cache: the drive's cache mode (writeback unless cache=writethrough /
     * directsync / write-cache=off), or CONFIG_WCE with x-enable-wce-if-config-wce */
    const vmc_qopts *drv = backend(d, "drive", vmc_mdev_prop(d, "drive"));
    const char *cache = drv ? vmc_qopts_get(drv, "cache") : NULL;
    const char *wc = vmc_vdev_prop(d, f, "write-cache");
    bool writeback = !(cache && (!strcmp(cache, "writethrough") || !strcmp(cache, "directsync")));
    if (wc && !strcmp(wc, "on")) {
        writeback = true;
    } else if (wc && !strcmp(wc, "off")) {
        writeback = false;
    }
    if (writeback || (vmc_vdev_bool(d, f, "x-enable-wce-if-config-wce", true) &&
                      (fe & BIT(BLK_F_CONFIG_WCE)))) {
        fe |= BIT(BLK_F_FLUSH);
    }
    if ((drv && opt_on(vmc_qopts_get(drv, "readonly"))) ||
        opt_on(vmc_mdev_prop(d, "read-only"))) {
        fe |= BIT(BLK_F_RO);
    }
    unsigned nq = vmc_vdev_num_queues(d, f);
    if (nq > 1) {
        fe |= BIT(BLK_F_MQ);
    }
    *feat = fe;
    if (!nq || nq > VMC_VIRTIO_QUEUE_MAX) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: num-queues property must be "
                             "larger than 0", d->type);
    }
    int64_t qs = vmc_vdev_int(d, f, "queue-size", 256);
    if (qs <= 2 || qs > 1024 || (qs & (qs - 1))) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: invalid queue-size property "
                             "(%lld), must be a power of 2 (max 1024)", d->type, (long long)qs);
    }
    for (unsigned i = 0; i < nq; i++) {
        add_queue(o, (unsigned)qs);
    }
    o->num_queues = nq;
    return 0;
}

static int scsi_facts(vmc_mdev *d, const vmc_vfamily *f, vmc_virtio_model_info *o,
                      uint64_t *feat)
{
    *feat |= prop_bits(d, f, scsi_bits);
    o->config_len = 36;
    unsigned nq = vmc_vdev_num_queues(d, f);
    int64_t qs = vmc_vdev_int(d, f, "virtqueue_size", 256);
    if (!nq || nq > VMC_VIRTIO_QUEUE_MAX - 2) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: Invalid number of queues (= %u), "
                             "must be a positive integer less than %d.", d->type, nq,
                             VMC_VIRTIO_QUEUE_MAX - 2);
    }
    for (unsigned i = 0; i < nq + 2; i++) {
        add_queue(o, (unsigned)qs);
    }
    o->num_queues = nq + 2;
    return 0;
}

static int balloon_facts(vmc_mdev *d, const vmc_vfamily *f, vmc_virtio_model_info *o,
                         uint64_t *feat)
{
    uint64_t dev = prop_bits(d, f, balloon_bits);
    *feat |= dev | BIT(1);   /* STATS_VQ */
    if (vmc_vdev_bool(d, f, "qemu-4-0-config-size", false) || (dev & BIT(4))) {
        o->config_len = 16;
    } else if (dev & BIT(3)) {
        o->config_len = 12;
    } else {
        o->config_len = 8;
    }
    if ((dev & BIT(3)) && !vmc_vdev_prop(d, f, "iothread")) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: 'free-page-hint' requires "
                             "'iothread' to be set", d->type);
    }
    add_queue(o, 128);
    add_queue(o, 128);
    add_queue(o, 128);
    if (dev & BIT(3)) {
        add_queue(o, 1024);
    }
    if (dev & BIT(5)) {
        add_queue(o, 32);
    }
    o->num_queues = o->max_queues;
    return 0;
}

/*
 * The ports of a virtio-serial proxy, as virtser_port_device_realize()
 * numbers them in creation order: an explicit "nr", else port 0 for the
 * first virtconsole while 0 is free, else the lowest id not in the ports
 * map (bit 0 is always reserved).  Stops after `stop` (may be NULL) and
 * gives its id.
 */
int vmc_vserial_ports(vmc_mdev *proxy, vmc_mdev *stop, vmc_virtio_model_info *o,
                      uint32_t *stop_id)
{
    const vmc_vfamily *f = vmc_vtype_find(proxy->type)->fam;
    int64_t max = vmc_vdev_int(proxy, f, "max_ports", 31);
    if (max < 1 || max > VMC_VIRTIO_QUEUE_MAX / 2 - 1) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, proxy->type,
                             max < 1 ? "qemu-system-x86_64: -device %s: Maximum number of "
                                       "serial ports not specified"
                                     : "qemu-system-x86_64: -device %s: maximum ports "
                                       "supported: 511", proxy->type);
    }
    o->max_nr_ports = (uint32_t)max;
    memset(o->ports_map, 0, sizeof(o->ports_map));
    memset(o->ports, 0, sizeof(o->ports));
    o->nr_ports = 0;
    o->ports_map[0] = 1;
    unsigned words = (o->max_nr_ports + 31) / 32;
    vmc_model *m = proxy->m;
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *p = g_ptr_array_index(m->devices, i);
        if (!p->bus || p->bus->parent != proxy || p->bus->kind != VMC_BUS_VIRTIO_SERIAL) {
            continue;
        }
        bool console = strcmp(p->type, "virtconsole") == 0;
        int64_t nr = vmc_mdev_prop_int(p, "nr", 0xffffffffll);
        bool port0_taken = o->ports[0] & 1;
        uint32_t id;
        if (nr != 0xffffffffll) {
            if (nr >= 0 && nr < 32 * VMC_VIRTIO_SERIAL_MAP_WORDS &&
                (o->ports[nr / 32] & (1u << (nr % 32)))) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, p->type,
                                     "qemu-system-x86_64: -device %s: virtio-serial-bus: A "
                                     "port already exists at id %u", p->type, (unsigned)nr);
            }
            id = (uint32_t)nr;
        } else if (console && !port0_taken) {
            id = 0;
        } else {
            id = UINT32_MAX;
            for (unsigned w = 0; w < words && id == UINT32_MAX; w++) {
                for (unsigned b = 0; b < 32; b++) {
                    if (!(o->ports_map[w] & (1u << b))) {
                        id = w * 32 + b;
                        break;
                    }
                }
            }
            if (id == UINT32_MAX) {
                return vmc_error_set(VMC_EUSAGE, -1, NULL, p->type,
                                     "qemu-system-x86_64: -device %s: virtio-serial-bus: "
                                     "Maximum port limit for this device reached", p->type);
            }
        }
        if (id >= o->max_nr_ports) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, p->type,
                                 "qemu-system-x86_64: -device %s: virtio-serial-bus: "
                                 "Out-of-range port id specified, max. allowed: %u", p->type,
                                 o->max_nr_ports - 1);
        }
        if (id == 0 && !console) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, p->type,
                                 "qemu-system-x86_64: -device %s: Port number 0 on "
                                 "virtio-serial devices reserved for virtconsole devices for "
                                 "backward compatibility.", p->type);
        }
        o->ports_map[id / 32] |= 1u << (id % 32);
        o->ports[id / 32] |= 1u << (id % 32);
        o->nr_ports++;
        if (p == stop) {
            if (stop_id) {
                *stop_id = id;
            }
            break;
        }
    }
    return 0;
}

static int serial_facts(vmc_mdev *d, const vmc_vfamily *f, vmc_virtio_model_info *o,
                        uint64_t *feat)
{
    uint64_t dev = prop_bits(d, f, serial_bits);
    int rc = vmc_vserial_ports(d, NULL, o, NULL);
    if (rc) {
        return rc;
    }
    *feat |= dev;
    if (o->max_nr_ports > 1) {
        *feat |= BIT(1);   /* MULTIPORT */
    }
    o->config_len = (dev & BIT(2)) ? 12 : 8;
    add_queue(o, 128);   /* port 0 in / out */
    add_queue(o, 128);
    add_queue(o, 32);    /* control in / out */
    add_queue(o, 32);
    for (uint32_t i = 1; i < o->max_nr_ports; i++) {
        add_queue(o, 128);
        add_queue(o, 128);
    }
    o->num_queues = o->max_queues;
    return 0;
}

int vmc_vdev_facts(vmc_mdev *d, const vmc_vtype *t, const vmc_vtransport *tr,
                   vmc_virtio_model_info *o)
{
    const vmc_vfamily *f = t->fam;
    memset(o, 0, sizeof(*o));
    o->proxy_type = d->type;
    o->vdev_type = f->vdev_type;
    o->vmsd_name = f->vmsd;
    o->virtio_id = f->virtio_id;
    o->legacy = tr->legacy;
    o->modern = tr->modern;
    o->config_size = tr->express ? VMC_PCIE_CONFIG_SPACE : VMC_PCI_CONFIG_SPACE;
    o->nvectors = tr->nvectors;
    o->migrate_extra = tr->migrate_extra;
    /* the common feature properties, then virtio_pci_pre_plugged() */
    uint64_t feat = prop_bits(d, f, common_bits);
    if (tr->modern) {
        feat |= BIT(VMC_VIRTIO_F_VERSION_1);
    }
    feat |= BIT(VMC_VIRTIO_F_BAD_FEATURE);
    int rc = 0;
    switch (f->id) {
    case VMC_VF_NET:
        rc = net_facts(d, f, o, &feat);
        break;
    case VMC_VF_BLK:
        rc = blk_facts(d, f, o, &feat);
        break;
    case VMC_VF_SCSI:
        rc = scsi_facts(d, f, o, &feat);
        break;
    case VMC_VF_BALLOON:
        rc = balloon_facts(d, f, o, &feat);
        break;
    case VMC_VF_SERIAL:
        rc = serial_facts(d, f, o, &feat);
        break;
    case VMC_VF_RNG:
        o->config_len = 0;
        add_queue(o, 8);
        o->num_queues = 1;
        break;
    case VMC_VF_GPU:
    case VMC_VF_VGA:
        o->config_len = 16;
        if (vmc_vdev_bool(d, f, "edid", true)) {
            feat |= BIT(1);   /* EDID */
        }
        if (vmc_vdev_bool(d, f, "blob", false)) {
            feat |= BIT(3);   /* RESOURCE_BLOB */
        }
        add_queue(o, 64);    /* control, cursor (2D) */
        add_queue(o, 16);
        o->num_queues = 2;
        break;
    case VMC_VF_KEYBOARD:
    case VMC_VF_MOUSE:
    case VMC_VF_TABLET:
        o->config_len = 0;   /* depends on the event configs: not modelled */
        add_queue(o, 64);
        add_queue(o, 64);
        o->num_queues = 2;
        break;
    case VMC_VF_IOMMU:
        o->config_len = 40;
        /* EVENT_IDX, INDIRECT_DESC, VERSION_1 and the IOMMU's own features:
         * INPUT_RANGE, DOMAIN_RANGE, MAP_UNMAP, PROBE, MMIO, BYPASS_CONFIG */
        feat |= BIT(VMC_VIRTIO_RING_F_EVENT_IDX) | BIT(VMC_VIRTIO_RING_F_INDIRECT_DESC) |
                BIT(VMC_VIRTIO_F_VERSION_1) | BIT(0) | BIT(1) | BIT(2) | BIT(4) | BIT(5) |
                BIT(6);
        add_queue(o, 256);
        add_queue(o, 256);
        o->num_queues = 2;
        break;
    }
    if (rc) {
        return rc;
    }
    if (feat & BIT(VMC_VIRTIO_F_IOMMU_PLATFORM) && tr->legacy) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: VIRTIO_F_IOMMU_PLATFORM was "
                             "supported by neither legacy nor transitional device", d->type);
    }
    o->host_features = feat;
    if (!o->max_queues) {
        o->max_queues = o->num_queues;
    }
    return 0;
}
