/*
 * virtio-net (hw/net/virtio-net.c, QEMU 7.2): the outer "virtio-net" vmsd
 * and the device vmsd "virtio-net-device" that virtio_load() reads after the
 * queues.  The device vmsd is read at the outer vmsd's version (11) with
 * the guest features set to the blob's low 32 bits, which is what the
 * feature-dependent fields test.
 */
#include "devices/virtio_models.h"
#include "common/source_internal.h"

#define ETH_ALEN 6
#define MAC_TABLE_ENTRIES 64
#define MAX_VLAN (1 << 12)
#define VIRTIO_NET_RSS_MAX_KEY_SIZE 40
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_QUEUE_MAX 1024

bool vmc_virtio_guest_feature(const vmc_hook_ctx *ctx, unsigned bit)
{
    if (bit >= 32) {
        return false;   /* virtio_load() only sets the low 32 bits at that point */
    }
    uint64_t f = (uint64_t)vmc_hook_int(ctx, "guest_features", 0);
    return (f >> bit) & 1;
}

/*
 * max_queue_pairs_gt_1: n->max_queue_pairs > 1.  max_queue_pairs counts the
 * data-path queues of the netdev peer (e.g. -netdev tap,queues=N); it is not
 * a property of the device and is not on the wire before these fields.
 * Order of evidence: the field itself once decoded (a state tree, or the
 * test for curr_queue_pairs); the model's device context (TODO: the peer's
 * queue count, when dc->device provides it); the bytes: when the fields are
 * present they start with be16 max_queue_pairs in 2..511 (realize allows at
 * most 511 pairs); otherwise the next bytes are the be64
 * curr_guest_offloads (offload bits < 2^48, so the first be16 is 0), a
 * subsection header (0x05 ...), or the end of the blob.
 */
bool vmc_virtio_net_max_queue_pairs_gt_1(const vmc_hook_ctx *ctx, int version_id)
{
    const vmc_value *v = vmc_hook_lookup(ctx, "max_queue_pairs");
    if (v) {
        return vmc_value_int(v) > 1;
    }
    if (ctx->next && ctx->next_len >= 2) {
        uint16_t first = vmc_be16(ctx->next);
        return first >= 2 && first <= (VIRTIO_QUEUE_MAX - 1) / 2;
    }
    return false;
}

bool vmc_virtio_net_has_ctrl_guest_offloads(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_virtio_guest_feature(ctx, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS);
}

bool vmc_virtio_net_mac_table_fits(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_hook_int(ctx, "mac_table.in_use", 0) <= MAC_TABLE_ENTRIES;
}

bool vmc_virtio_net_mac_table_doesnt_fit(const vmc_hook_ctx *ctx, int version_id)
{
    return !vmc_virtio_net_mac_table_fits(ctx, version_id);
}

/*
 * curr_queue_pairs_1 of the tx_waiting tmp: curr_queue_pairs - 1 (0 when
 * curr_queue_pairs is 0).  When curr_queue_pairs is not on the wire
 * (max_queue_pairs <= 1) the destination uses its own value, which is 1
 * for a single queue pair, so no element follows.
 */
int64_t vmc_virtio_net_tx_waiting_count(const vmc_hook_ctx *ctx)
{
    const vmc_value *v = vmc_hook_lookup(ctx, "curr_queue_pairs");
    if (!v) {
        return 0;
    }
    int64_t curr = vmc_value_int(v);
    return curr > 0 ? curr - 1 : 0;
}

/* rss_data.enabled: set by the guest's RSS command, on the wire only in the
 * subsection itself (so this answers on a state tree). */
bool vmc_virtio_net_rss_needed(const vmc_hook_ctx *ctx, int version_id)
{
    const vmc_value *v = vmc_hook_lookup(ctx, "virtio-net-device/rss.rss_data.enabled");
    if (!v) {
        v = vmc_hook_lookup(ctx, "rss_data.enabled");
    }
    return v && vmc_value_int(v) != 0;
}

/* tx_waiting of one VirtIONetQueue */
static const vmc_field queue_tx_waiting_fields[] = {
    VMC_UINT32("tx_waiting"),
    VMC_END,
};
static const vmc_vmsd vmsd_queue_tx_waiting = {
    .name = "virtio-net-queue-tx_waiting", .version_id = 0, .minimum_version_id = 0,
    .fields = queue_tx_waiting_fields,
};

/* VMSTATE_WITH_TMP helpers (struct VirtIONetMigTmp) */
static const vmc_field tx_waiting_fields[] = {
    /* tx_waiting of queue pairs 1 .. curr_queue_pairs - 1 */
    { .name = "vqs_1", .flags = VMC_F_POINTER | VMC_F_VARRAY_UINT16 | VMC_F_STRUCT,
      .num_field = "@virtio_net_curr_queue_pairs_1", .vmsd = &vmsd_queue_tx_waiting },
    VMC_END,
};
static const vmc_vmsd vmsd_tx_waiting = {
    .name = "virtio-net-tx_waiting", .version_id = 0, .minimum_version_id = 0,
    .fields = tx_waiting_fields,
};

static const vmc_field has_ufo_fields[] = { VMC_UINT8("has_ufo"), VMC_END };
static const vmc_vmsd vmsd_has_ufo = {
    .name = "virtio-net-ufo", .version_id = 0, .minimum_version_id = 0,
    .fields = has_ufo_fields,
};

static const vmc_field has_vnet_fields[] = { VMC_UINT32("has_vnet_hdr"), VMC_END };
static const vmc_vmsd vmsd_has_vnet = {
    .name = "virtio-net-vnet", .version_id = 0, .minimum_version_id = 0,
    .fields = has_vnet_fields,
};

static const vmc_field rss_fields[] = {
    VMC_BOOL("rss_data.enabled"),
    VMC_BOOL("rss_data.redirect"),
    VMC_BOOL("rss_data.populate_hash"),
    VMC_UINT32("rss_data.hash_types"),
    VMC_UINT16("rss_data.indirections_len"),
    VMC_UINT16("rss_data.default_queue"),
    VMC_UINT8_ARRAY("rss_data.key", VIRTIO_NET_RSS_MAX_KEY_SIZE),
    { .name = "rss_data.indirections_table", .info = "uint16", .size = 2,
      .flags = VMC_F_VARRAY_UINT16 | VMC_F_POINTER | VMC_F_ALLOC,
      .num_field = "rss_data.indirections_len" },
    VMC_END,
};
static const vmc_vmsd vmsd_rss = {
    .name = "virtio-net-device/rss", .version_id = 1, .minimum_version_id = 1,
    .fields = rss_fields, .needed = "virtio_net_rss_needed",
};
static const vmc_vmsd *const device_subsections[] = { &vmsd_rss, NULL };

static const vmc_field device_fields[] = {
    VMC_UINT8_ARRAY("mac", ETH_ALEN),
    { .name = "vqs", .flags = VMC_F_STRUCT | VMC_F_POINTER, .vmsd = &vmsd_queue_tx_waiting },
    VMC_UINT32("mergeable_rx_bufs"),
    VMC_UINT16("status"),
    VMC_UINT8("promisc"),
    VMC_UINT8("allmulti"),
    VMC_UINT32("mac_table.in_use"),
    /* in_use x 6 bytes, kept when the table fits, else skipped as "unused" */
    { .name = "mac_table.macs", .info = "buffer", .size = ETH_ALEN,
      .flags = VMC_F_VBUFFER | VMC_F_POINTER | VMC_F_MULTIPLY,
      .size_field = "mac_table.in_use", .exists = "mac_table_fits" },
    { .name = "unused", .info = "unused_buffer", .size = ETH_ALEN,
      .flags = VMC_F_VARRAY_UINT32 | VMC_F_BUFFER, .num_field = "mac_table.in_use",
      .exists = "mac_table_doesnt_fit" },
    /* VLAN filter bitmap, MAX_VLAN bits as a raw buffer */
    { .name = "vlans", .info = "buffer", .size = MAX_VLAN >> 3,
      .flags = VMC_F_BUFFER | VMC_F_POINTER },
    VMC_TMP("tmp", vmsd_has_vnet),
    VMC_UINT8("mac_table.multi_overflow"),
    VMC_UINT8("mac_table.uni_overflow"),
    VMC_UINT8("alluni"),
    VMC_UINT8("nomulti"),
    VMC_UINT8("nouni"),
    VMC_UINT8("nobcast"),
    VMC_TMP("tmp", vmsd_has_ufo),
    { .name = "max_queue_pairs", .info = "uint16 equal", .size = 2,
      .exists = "max_queue_pairs_gt_1" },
    { .name = "curr_queue_pairs", .info = "uint16", .size = 2,
      .exists = "max_queue_pairs_gt_1" },
    VMC_TMP("tmp", vmsd_tx_waiting),
    { .name = "curr_guest_offloads", .info = "uint64", .size = 8,
      .exists = "has_ctrl_guest_offloads" },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_virtio_net_device = {
    .name = "virtio-net-device", .version_id = 11, .minimum_version_id = 11,
    .fields = device_fields, .subsections = device_subsections,
};

static const vmc_field outer_fields[] = { VMC_VIRTIO_FIELD, VMC_END };

const vmc_vmsd vmc_vmsd_virtio_net = {
    .name = "virtio-net", .version_id = 11, .minimum_version_id = 11,
    .fields = outer_fields,
};
