/*
 * The virtio device models against facts from the virtio spec and QEMU
 * 7.2's source.  Corpus sections are decoded with the built-in models
 * alone (as for a stream without vmdesc); the expected values come from
 * QEMU (queue sizes given to virtio_add_queue(), property defaults,
 * compat properties, VIRTIO_QUEUE_MAX) or the virtio spec (PCI IDs,
 * VIRTIO_NO_VECTOR), not from our own output.  Hand-made bytes cover
 * wire forms no corpus stream contains (multiqueue virtio-net, in-flight
 * requests, GTree state of virtio-iommu, virtio-gpu resources).
 */
#include "testutil.h"

#include "common/error_internal.h"
#include "devices/registry.h"
#include "devices/virtio_models.h"
#include "vmstate/hooks.h"
#include "vmstate/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIRTIO_QUEUE_MAX 1024      /* hw/virtio/virtio.c */
#define VIRTIO_NO_VECTOR 0xffff    /* virtio spec: no MSI-X vector */
#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4

/* ---- decoding a corpus section with the models alone ----------------------- */

typedef struct decoded {
    uint8_t *data;
    vmc_source *src;
    vmc_reader *r;
    vmc_arena *arena;
    vmc_value *v;       /* the section, decoded by the model */
} decoded;

/* Decode the first section of stream `id` whose vmsd name is `vmsd`. */
static void decode_section(decoded *d, const char *id, const char *vmsd)
{
    size_t len;
    memset(d, 0, sizeof(*d));
    d->data = tu_corpus_stream(id, &len);
    assert_int_equal(vmc_source_open_memory(&d->src, d->data, len, id), 0);
    assert_int_equal(vmc_reader_new(&d->r, d->src, NULL), 0);
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(d->r, &ev)) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE ||
            strcmp(vmc_devices_vmsd_name_of(ev.u.state.idstr), vmsd) != 0) {
            continue;
        }
        const vmc_vmsd *m = vmc_devices_find_vmsd(vmsd);
        assert_non_null(m);
        d->arena = vmc_arena_new();
        vmc_decode_ctx dc = {
            .arena = d->arena,
            .cur = { .base = ev.u.state.payload, .len = ev.u.state.payload_len,
                     .abs = ev.offset },
            .section = ev.u.state.idstr,
        };
        if (vmc_engine_decode(&dc, m, (int)ev.u.state.version_id, ev.u.state.idstr, &d->v)) {
            char buf[2048];
            fail_msg("%s %s: %s", id, ev.u.state.idstr,
                     vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
        }
        assert_int_equal(dc.cur.pos, ev.u.state.payload_len);
        return;
    }
    fail_msg("%s: no section with vmsd %s", id, vmsd);
}

static void release(decoded *d)
{
    vmc_arena_free(d->arena);
    vmc_reader_free(d->r);
    vmc_source_free(d->src);
    free(d->data);
}

static const vmc_value *get(const vmc_value *v, const char *path)
{
    const vmc_value *r = vmc_value_get(v, path);
    if (!r) {
        fail_msg("no value at '%s'", path);
    }
    return r;
}

static uint64_t u(const vmc_value *v, const char *path)
{
    return vmc_value_uint(get(v, path));
}

static const uint8_t *bytes(const vmc_value *v, const char *path, size_t *n)
{
    return vmc_value_bytes(get(v, path), n);
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Common facts of a virtio-pci blob of a device the guest never touched. */
static void check_untouched_blob(const vmc_value *blob, unsigned nqueues, bool msix)
{
    assert_int_equal(u(blob, "status"), 0);
    assert_int_equal(u(blob, "isr"), 0);
    assert_int_equal(u(blob, "queue_sel"), 0);
    assert_int_equal(u(blob, "guest_features"), 0);
    assert_int_equal(u(blob, "num_queues"), nqueues);
    if (msix) {
        assert_int_equal(u(blob, "config_vector"), VIRTIO_NO_VECTOR);
    }
    for (unsigned i = 0; i < nqueues; i++) {
        char p[64];
        snprintf(p, sizeof(p), "vq[%u].vring.desc", i);
        assert_int_equal(u(blob, p), 0);
        snprintf(p, sizeof(p), "vq[%u].last_avail_idx", i);
        assert_int_equal(u(blob, p), 0);
        if (msix) {
            snprintf(p, sizeof(p), "vq[%u].vector", i);
            assert_int_equal(u(blob, p), VIRTIO_NO_VECTOR);
        }
    }
}

/* The subsections every modern virtio-pci device of a >= 2.7 machine has. */
static void check_modern_subsections(const vmc_value *blob)
{
    assert_int_equal(vmc_value_count(get(blob, "virtio/virtqueues.vq")), VIRTIO_QUEUE_MAX);
    const vmc_value *ms = get(blob, "virtio/extra_state.extra_state.virtio_pci/modern_state");
    assert_int_equal(vmc_value_count(get(ms, "vqs")), VIRTIO_QUEUE_MAX);
    /* the legacy "enabled was be16" byte QEMU keeps as VMSTATE_UNUSED(1) */
    assert_int_equal(vmc_value_size(get(ms, "vqs[0].unused")), 1);
}

/* PCI identity (virtio spec 4.1.2): vendor 0x1af4, the transitional device
 * ID, and the virtio device ID as subsystem ID. */
static void check_pci_ids(const vmc_value *blob, unsigned transitional_id, unsigned virtio_id)
{
    size_t n;
    const uint8_t *cfg = vmc_value_bytes(vmc_value_at(get(blob, "pci_dev"), 1), &n);
    assert_true(n == 256 || n == 4096);
    assert_int_equal(le16(cfg), PCI_VENDOR_ID_REDHAT_QUMRANET);
    assert_int_equal(le16(cfg + 2), transitional_id);
    assert_int_equal(le16(cfg + 0x2c), PCI_VENDOR_ID_REDHAT_QUMRANET);
    assert_int_equal(le16(cfg + 0x2e), virtio_id);
}

/* ---- corpus facts ------------------------------------------------------------ */

static void test_virtio_net_fresh(void **state)
{
    decoded d;
    decode_section(&d, "s-pc-q35-6.0--virtio-net--fresh", "virtio-net");
    const vmc_value *blob = get(d.v, "virtio");
    check_pci_ids(blob, 0x1000, 1);
    /* one queue pair (rx, tx) + the control vq */
    check_untouched_blob(blob, 3, true);
    assert_int_equal(u(blob, "vq[0].vring.num"), 256);   /* rx_queue_size default */
    assert_int_equal(u(blob, "vq[1].vring.num"), 256);   /* tx_queue_size default */
    assert_int_equal(u(blob, "vq[2].vring.num"), 64);    /* ctrl vq */
    /* 2 * 1 queue pair + config + control vq (pc-q35-6.0 is past hw_compat_5_2) */
    assert_int_equal(vmc_value_count(get(blob, "msix.table")), 4);
    /* config: MAC + status (MQ is off, so it ends after status).  virtio_init()
     * zeroes vdev->config and only a guest read refreshes it (get_config). */
    size_t n;
    const uint8_t *cfg = bytes(blob, "config", &n);
    const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };   /* mac= on the command line */
    const uint8_t zero[8] = { 0 };
    assert_int_equal(n, 8);
    assert_memory_equal(cfg, zero, 8);
    /* the device vmsd */
    const vmc_value *dev = get(blob, "virtio-net-device");
    assert_int_equal(vmc_value_version(dev), 11);
    for (int i = 0; i < 6; i++) {
        char p[16];
        snprintf(p, sizeof(p), "mac[%d]", i);
        assert_int_equal(u(dev, p), mac[i]);
    }
    assert_int_equal(u(dev, "status"), 1);               /* link up at realize */
    assert_int_equal(u(dev, "promisc"), 1);              /* realize: "for compatibility" */
    assert_int_equal(u(dev, "mac_table.in_use"), 0);
    assert_int_equal(vmc_value_size(get(dev, "vlans")), 4096 / 8);   /* MAX_VLAN bits */
    /* single queue pair: max/curr_queue_pairs are not on the wire */
    assert_null(vmc_value_get(dev, "max_queue_pairs"));
    assert_null(vmc_value_get(dev, "curr_guest_offloads"));
    check_modern_subsections(blob);
    release(&d);
}

static void test_virtio_net_run(void **state)
{
    /* after the firmware ran (the virtio-net option ROM reads the config),
     * the config holds the MAC and VIRTIO_NET_S_LINK_UP */
    decoded d;
    decode_section(&d, "s-pc-i440fx-7.2--virtio-net--run1000", "virtio-net");
    const vmc_value *blob = get(d.v, "virtio");
    size_t n;
    const uint8_t *cfg = bytes(blob, "config", &n);
    const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    assert_int_equal(n, 8);
    assert_memory_equal(cfg, mac, 6);
    assert_int_equal(le16(cfg + 6), 1);                   /* VIRTIO_NET_S_LINK_UP */
    assert_int_equal(u(blob, "virtio-net-device.mac[5]"), 0x56);
    check_modern_subsections(blob);
    release(&d);
}

static void test_virtio_net_vectors_compat(void **state)
{
    /* hw_compat_5_2 sets vectors=3 for virtio-net-pci */
    decoded d;
    decode_section(&d, "s-pc-q35-4.2--virtio-net--fresh", "virtio-net");
    assert_int_equal(vmc_value_count(get(d.v, "virtio.msix.table")), 3);
    release(&d);
}

static void test_virtio_blk_run(void **state)
{
    decoded d;
    decode_section(&d, "s-pc-q35-7.2--virtio-blk--run1000", "virtio-blk");
    const vmc_value *blob = get(d.v, "virtio");
    check_pci_ids(blob, 0x1001, 2);
    /* num-queues "auto" is the vCPU count (1); nvectors = num_queues + 1 */
    assert_int_equal(u(blob, "num_queues"), 1);
    assert_int_equal(u(blob, "vq[0].vring.num"), 256);   /* queue-size default */
    assert_int_equal(vmc_value_count(get(blob, "msix.table")), 2);
    /* SeaBIOS drove the disk: ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK,
     * with VIRTIO_F_VERSION_1 (bit 32) negotiated, and the device started */
    assert_int_equal(u(blob, "status"), 0x0f);
    assert_true(u(blob, "virtio/64bit_features.guest_features") & (1ull << 32));
    assert_int_equal(u(blob, "virtio/started.started"), 1);
    /* no request in flight: just the terminating 0 */
    assert_int_equal(vmc_value_count(get(blob, "device_save.rq")), 0);
    assert_int_equal(u(blob, "device_save.end"), 0);
    assert_int_equal(vmc_value_size(get(blob, "device_save")), 1);
    check_modern_subsections(blob);
    release(&d);
}

static void test_virtio_serial_fresh(void **state)
{
    decoded d;
    decode_section(&d, "s-pc-q35-6.0--virtio-serial--fresh", "virtio-console");
    const vmc_value *blob = get(d.v, "virtio");
    check_pci_ids(blob, 0x1003, 3);
    /* max_ports 31: port 0 (2 queues), control (2), 30 more ports (60) */
    check_untouched_blob(blob, 64, true);
    assert_int_equal(u(blob, "vq[0].vring.num"), 128);
    assert_int_equal(u(blob, "vq[2].vring.num"), 32);    /* control queues */
    assert_int_equal(u(blob, "vq[3].vring.num"), 32);
    assert_int_equal(u(blob, "vq[63].vring.num"), 128);
    /* virtio-serial-pci's "vectors" property defaults to 2 */
    assert_int_equal(vmc_value_count(get(blob, "msix.table")), 2);
    const vmc_value *s = get(blob, "device_save");
    assert_int_equal(u(s, "config.cols"), 0);
    assert_int_equal(u(s, "config.rows"), 0);
    assert_int_equal(u(s, "config.max_nr_ports"), 31);   /* max_ports default */
    assert_int_equal(vmc_value_count(get(s, "ports_map")), 1);
    /* the virtconsole is put at port id 0 */
    assert_int_equal(u(s, "ports_map[0]"), 1);
    assert_int_equal(u(s, "nr_active_ports"), 1);
    assert_int_equal(u(s, "ports[0].id"), 0);
    assert_int_equal(u(s, "ports[0].guest_connected"), 0);
    assert_int_equal(u(s, "ports[0].host_connected"), 1);   /* a console opens at realize */
    assert_int_equal(u(s, "ports[0].elem_popped"), 0);
    release(&d);
}

static void test_virtio_balloon_fresh(void **state)
{
    decoded d;
    decode_section(&d, "s-pc-q35-6.0--virtio-balloon--fresh", "virtio-balloon");
    const vmc_value *blob = get(d.v, "virtio");
    check_pci_ids(blob, 0x1002, 5);
    /* inflate, deflate, stats (free-page-hint and reporting are off) */
    /* virtio-balloon-pci has no "vectors" property: no MSI-X at all */
    assert_null(vmc_value_get(blob, "msix"));
    assert_null(vmc_value_get(blob, "config_vector"));
    check_untouched_blob(blob, 3, false);
    for (int i = 0; i < 3; i++) {
        char p[32];
        snprintf(p, sizeof(p), "vq[%d].vring.num", i);
        assert_int_equal(u(blob, p), 128);
    }
    const vmc_value *dev = get(blob, "virtio-balloon-device");
    assert_int_equal(u(dev, "num_pages"), 0);
    assert_int_equal(u(dev, "actual"), 0);
    assert_int_equal(vmc_value_subsection_count(dev), 0);
    release(&d);
}

static void test_virtio_rng_fresh(void **state)
{
    decoded d;
    decode_section(&d, "s-pc-q35-7.2--virtio-rng--fresh", "virtio-rng");
    const vmc_value *blob = get(d.v, "virtio");
    check_pci_ids(blob, 0x1005, 4);
    check_untouched_blob(blob, 1, true);
    assert_int_equal(u(blob, "vq[0].vring.num"), 8);
    /* 2 vectors on 7.2 (7.2.1 gives 0 to machine types <= 7.1 only) */
    assert_int_equal(vmc_value_count(get(blob, "msix.table")), 2);
    check_modern_subsections(blob);
    release(&d);
}

static void test_legacy_machine(void **state)
{
    /* pc-i440fx-1.4: hw_compat_2_6 makes virtio-pci legacy only (no
     * VERSION_1, so no 64-bit features and no ring addresses in
     * subsections) and hw_compat_2_4 turns migrate-extra off. */
    const char *devs[] = { "virtio-net", "virtio-blk", "virtio-balloon", "virtio-console",
                           "virtio-rng" };
    for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
        decoded d;
        decode_section(&d, "s-pc-i440fx-1.4--full-pc--fresh", devs[i]);
        const vmc_value *blob = get(d.v, "virtio");
        assert_int_equal(vmc_value_subsection_count(blob), 0);
        size_t n;
        vmc_value_bytes(vmc_value_at(get(blob, "pci_dev"), 1), &n);
        assert_int_equal(n, 256);
        release(&d);
    }
}

/* QEMU wrote each subsection exactly when its needed() was true: the hooks
 * evaluated on the decoded state must agree with the subsections present. */
static void test_needed_hooks(void **state)
{
    static const struct {
        const char *vmsd;     /* subsection vmsd name */
        const char *hook;
    } subs[] = {
        { "virtio/started", "virtio_started_needed" },
        { "virtio/broken", "virtio_broken_needed" },
        { "virtio/disabled", "virtio_disabled_needed" },
        { "virtio/device_endian", "virtio_device_endian_needed" },
        { "virtio/ringsize", "virtio_ringsize_needed" },
    };
    static const char *streams[] = {
        "s-pc-q35-7.2--full-q35--run1500", "s-pc-i440fx-7.2--full-pc--run1500",
        "s-pc-q35-5.2--full-q35--run1500", "s-pc-q35-6.0--virtio-serial--fresh",
        "s-pc-i440fx-4.2--full-pc--run1500",
    };
    static const char *devs[] = { "virtio-net", "virtio-blk", "virtio-balloon",
                                  "virtio-console", "virtio-rng" };
    size_t checked = 0, present = 0;
    for (size_t s = 0; s < sizeof(streams) / sizeof(streams[0]); s++) {
        for (size_t k = 0; k < sizeof(devs) / sizeof(devs[0]); k++) {
            if (strstr(streams[s], "serial") && strcmp(devs[k], "virtio-console") != 0) {
                continue;
            }
            decoded d;
            decode_section(&d, streams[s], devs[k]);
            const vmc_value *blob = get(d.v, "virtio");
            const vmc_value *scope[] = { d.v, blob };
            vmc_hook_ctx hc = { .scope = scope, .nscope = 2 };
            for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
                const vmc_hook_def *h = vmc_hook_find(subs[i].hook, VMC_HOOK_NEEDED);
                assert_non_null(h);
                bool has = vmc_value_get(blob, subs[i].vmsd) != NULL;
                assert_int_equal(h->test(&hc, 1), has);
                checked++;
                present += has;
            }
            if (strcmp(devs[k], "virtio-balloon") == 0) {
                /* feature-driven subsections of the balloon device vmsd */
                const vmc_value *dev = get(blob, "virtio-balloon-device");
                const vmc_value *dscope[] = { d.v, blob, dev };
                vmc_hook_ctx dh = { .scope = dscope, .nscope = 3 };
                const vmc_hook_def *fp = vmc_hook_find("virtio_balloon_free_page_support",
                                                       VMC_HOOK_NEEDED);
                const vmc_hook_def *pp = vmc_hook_find("virtio_balloon_page_poison_support",
                                                       VMC_HOOK_NEEDED);
                assert_int_equal(fp->test(&dh, 1), vmc_value_get(
                    dev, "virtio-balloon-device/free-page-report") != NULL);
                assert_int_equal(pp->test(&dh, 1), vmc_value_get(
                    dev, "virtio-balloon-device/page-poison") != NULL);
            }
            release(&d);
        }
    }
    /* the run streams of machine types >= 5.0 have started/disabled */
    assert_true(present > 0);
    assert_true(checked > present);
}

/* ---- hand-made bytes ----------------------------------------------------------- */

typedef struct buf {
    uint8_t b[70000];
    size_t n;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof(b->b));
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void put8(buf *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put16(buf *b, uint16_t v)
{
    uint8_t p[2] = { v >> 8, v };
    put(b, p, 2);
}

static void put32(buf *b, uint32_t v)
{
    uint8_t p[4] = { v >> 24, v >> 16, v >> 8, v };
    put(b, p, 4);
}

static void put64(buf *b, uint64_t v)
{
    put32(b, v >> 32);
    put32(b, (uint32_t)v);
}

static void zeros(buf *b, size_t n)
{
    assert_true(b->n + n <= sizeof(b->b));
    memset(b->b + b->n, 0, n);
    b->n += n;
}

/* A VirtQueueElementOld as qemu_put_virtqueue_element() writes it on x86. */
static void put_element(buf *b, uint32_t index, uint32_t out_num, uint32_t in_num)
{
    uint8_t h[16] = { 0 };
    h[0] = index;
    h[4] = out_num;
    h[8] = in_num;
    put(b, h, 16);
    zeros(b, 2 * 1024 * 8 + 2 * 1024 * 16);
}

static int decode_with(const vmc_vmsd *vmsd, int version, buf *b, vmc_arena *a, vmc_value **out,
                       size_t *used)
{
    vmc_decode_ctx dc = { .arena = a, .cur = { .base = b->b, .len = b->n }, .section = "test" };
    int rc = vmc_engine_decode(&dc, vmsd, version, "test", out);
    *used = dc.cur.pos;
    return rc;
}

static void put_net_head(buf *b, uint32_t in_use)
{
    zeros(b, 6);            /* mac */
    put32(b, 0);            /* vqs[0].tx_waiting */
    put32(b, 0);            /* mergeable_rx_bufs */
    put16(b, 1);            /* status */
    put8(b, 1);             /* promisc */
    put8(b, 0);             /* allmulti */
    put32(b, in_use);       /* mac_table.in_use */
    zeros(b, in_use * 6);   /* macs, or "unused" when in_use > 64 */
    zeros(b, 512);          /* vlans */
    put32(b, 0);            /* has_vnet_hdr */
    zeros(b, 6);            /* overflow flags, alluni ... nobcast */
    put8(b, 0);             /* has_ufo */
}

static void test_net_multiqueue_bytes(void **state)
{
    /* max_queue_pairs 4, curr_queue_pairs 3: the tx_waiting of queue
     * pairs 1 and 2 follow (VMSTATE_STRUCT_VARRAY_POINTER_UINT16 of
     * curr_queue_pairs - 1); no guest features, so no curr_guest_offloads */
    static buf b;
    b.n = 0;
    put_net_head(&b, 2);
    put16(&b, 4);
    put16(&b, 3);
    put32(&b, 7);
    put32(&b, 9);
    vmc_arena *a = vmc_arena_new();
    vmc_value *v;
    size_t used;
    assert_int_equal(decode_with(&vmc_vmsd_virtio_net_device, 11, &b, a, &v, &used), 0);
    assert_int_equal(used, b.n);
    assert_int_equal(vmc_value_size(get(v, "mac_table.macs")), 12);
    assert_int_equal(u(v, "max_queue_pairs"), 4);
    assert_int_equal(u(v, "curr_queue_pairs"), 3);
    const vmc_value *tw = get(v, "tmp[2].vqs_1");
    assert_int_equal(vmc_value_count(tw), 2);
    assert_int_equal(u(tw, "[0].tx_waiting"), 7);
    assert_int_equal(u(tw, "[1].tx_waiting"), 9);
    vmc_arena_free(a);

    /* a MAC table larger than MAC_TABLE_ENTRIES (64) is skipped as "unused" */
    b.n = 0;
    put_net_head(&b, 65);
    a = vmc_arena_new();
    assert_int_equal(decode_with(&vmc_vmsd_virtio_net_device, 11, &b, a, &v, &used), 0);
    assert_int_equal(used, b.n);
    assert_null(vmc_value_get(v, "mac_table.macs"));
    assert_int_equal(vmc_value_size(get(v, "unused")), 65 * 6);
    vmc_arena_free(a);
}

static void test_iommu_gtree_bytes(void **state)
{
    /* one domain (id 5, direct key) with one mapping [0x1000, 0x1fff] ->
     * 0x80000 flags 3 and one endpoint 8; bypass off */
    static buf b;
    b.n = 0;
    put32(&b, 1);           /* domains: nnodes */
    put8(&b, 1);            /* node */
    put64(&b, 5);           /* direct key */
    put32(&b, 5);           /* domain.id */
    put32(&b, 1);           /* mappings: nnodes */
    put8(&b, 1);
    put64(&b, 0x1000);      /* interval.low */
    put64(&b, 0x1fff);      /* interval.high */
    put64(&b, 0x80000);     /* mapping.phys_addr */
    put32(&b, 3);           /* mapping.flags */
    put8(&b, 0);            /* end of mappings */
    put8(&b, 1);            /* endpoint_list element */
    put32(&b, 8);
    put8(&b, 0);            /* end of endpoint_list */
    put8(&b, 0);            /* domain.bypass (version 2) */
    put8(&b, 0);            /* end of domains */
    put8(&b, 1);            /* config.bypass */
    vmc_arena *a = vmc_arena_new();
    vmc_decode_ctx dc = { .arena = a, .cur = { .base = b.b, .len = b.n }, .section = "test" };
    vmc_value *v;
    assert_int_equal(vmc_virtio_iommu_decode_vmsd(&dc, &vmc_vmsd_virtio_iommu_device, 2, &v), 0);
    assert_int_equal(dc.cur.pos, b.n);
    assert_int_equal(u(v, "domains.nnodes"), 1);
    assert_int_equal(u(v, "domains.nodes[0].key"), 5);
    const vmc_value *dom = get(v, "domains.nodes[0].value");
    assert_int_equal(u(dom, "id"), 5);
    assert_int_equal(u(dom, "mappings.nodes[0].key.low"), 0x1000);
    assert_int_equal(u(dom, "mappings.nodes[0].key.high"), 0x1fff);
    assert_int_equal(u(dom, "mappings.nodes[0].value.phys_addr"), 0x80000);
    assert_int_equal(u(dom, "mappings.nodes[0].value.flags"), 3);
    assert_int_equal(u(dom, "endpoint_list.elements[0].value.id"), 8);
    assert_int_equal(u(dom, "bypass"), 0);
    assert_int_equal(u(v, "config.bypass"), 1);
    vmc_arena_free(a);

    /* more nodes than nnodes announces: QEMU fails, so do we */
    b.b[3] = 0;   /* nnodes = 0 */
    a = vmc_arena_new();
    dc = (vmc_decode_ctx){ .arena = a, .cur = { .base = b.b, .len = b.n }, .section = "test" };
    assert_int_not_equal(vmc_virtio_iommu_decode_vmsd(&dc, &vmc_vmsd_virtio_iommu_device, 2, &v),
                         0);
    vmc_arena_free(a);
}

static void test_element_packed_bytes(void **state)
{
    static buf b;
    vmc_arena *a = vmc_arena_new();
    /* split ring: the element starts with small little-endian counts */
    b.n = 0;
    put_element(&b, 3, 1, 2);
    vmc_decode_ctx dc = { .arena = a, .cur = { .base = b.b, .len = b.n }, .section = "test" };
    assert_false(vmc_virtio_element_is_packed(&dc));
    /* packed ring: be32 ndescs first */
    b.n = 0;
    put32(&b, 3);
    put_element(&b, 3, 1, 2);
    dc = (vmc_decode_ctx){ .arena = a, .cur = { .base = b.b, .len = b.n }, .section = "test" };
    assert_true(vmc_virtio_element_is_packed(&dc));
    vmc_value *e;
    assert_int_equal(vmc_virtio_decode_element(&dc, "elem", true, &e), 0);
    assert_int_equal(dc.cur.pos, 4 + 49168);
    assert_int_equal(u(e, "ndescs"), 3);
    assert_int_equal(u(e, "index"), 3);
    assert_int_equal(u(e, "out_num"), 1);
    assert_int_equal(u(e, "in_num"), 2);
    /* a truncated element is an error, not a crash */
    dc = (vmc_decode_ctx){ .arena = a, .cur = { .base = b.b, .len = 4000 }, .section = "test" };
    assert_int_not_equal(vmc_virtio_decode_element(&dc, "elem", true, &e), 0);
    vmc_arena_free(a);
}

static void test_scsi_requests_bytes(void **state)
{
    static buf b;
    b.n = 0;
    /* a WRITE(10) of 2 blocks, not retried, on an HBA without request
     * state (lsi, megasas ...): the scsi-disk part carries the data-out
     * buffer of MIN(sector_count * 512, buflen) bytes */
    put8(&b, 2);
    uint8_t cdb[16] = { 0x2a, 0, 0, 0, 0, 0x10, 0, 0, 2 };
    put(&b, cdb, 16);
    put32(&b, 0x11);        /* tag */
    put32(&b, 0);           /* lun */
    put64(&b, 0x10);        /* sector */
    put32(&b, 2);           /* sector_count */
    put32(&b, 4096);        /* buflen */
    zeros(&b, 1024);        /* data */
    /* a READ(10) on a virtio-scsi bus, retried: queue + element, no data */
    put8(&b, 1);
    uint8_t rd[16] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1 };
    put(&b, rd, 16);
    put32(&b, 0x12);
    put32(&b, 0);
    put32(&b, 0);           /* virtio-scsi queue */
    put_element(&b, 0, 1, 2);
    put64(&b, 0);
    put32(&b, 1);
    put32(&b, 0);           /* buflen 0: requests with a scatter list */
    put8(&b, 0);            /* end */
    vmc_arena *a = vmc_arena_new();
    vmc_value *disk = vmc_value_new(a, VMC_VALUE_STRUCT, "x", "struct");
    disk->vmsd_name = "scsi-disk";
    vmc_decode_ctx dc = { .arena = a, .cur = { .base = b.b, .len = b.n }, .section = "test",
                          .nscope = 1 };
    dc.scope[0] = disk;
    vmc_value *v;
    assert_int_equal(vmc_scsi_requests_decode(&dc, "requests", UINT64_MAX, &v), 0);
    assert_int_equal(dc.cur.pos, b.n);
    assert_int_equal(vmc_value_count(get(v, "requests")), 2);
    assert_int_equal(u(v, "requests[0].tag"), 0x11);
    assert_int_equal(vmc_value_size(get(v, "requests[0].data")), 1024);
    assert_null(vmc_value_get(v, "requests[0].elem"));
    assert_int_equal(u(v, "requests[1].retry"), 1);
    assert_int_equal(u(v, "requests[1].elem.in_num"), 2);
    assert_null(vmc_value_get(v, "requests[1].data"));
    vmc_arena_free(a);
}

static void test_gpu_bytes(void **state)
{
    static buf b;
    b.n = 0;
    /* one 4x2 B8G8R8X8 resource backed by one iovec, then 1 scanout */
    put32(&b, 1);
    put32(&b, 4);
    put32(&b, 2);
    put32(&b, 2);
    put32(&b, 1);
    put64(&b, 0x100000);
    put32(&b, 32);
    zeros(&b, 4 * 4 * 2);
    put32(&b, 0);           /* end of resources */
    put32(&b, 1);           /* parent_obj.enable */
    put32(&b, 1);           /* max_outputs */
    zeros(&b, 40);          /* one scanout */
    vmc_arena *a = vmc_arena_new();
    vmc_decode_ctx dc = { .arena = a, .cur = { .base = b.b, .len = b.n }, .section = "test" };
    vmc_value *v;
    assert_int_equal(vmc_virtio_gpu_decode(&dc, "virtio-gpu", UINT64_MAX, &v), 0);
    assert_int_equal(dc.cur.pos, b.n);
    assert_int_equal(vmc_value_size(get(v, "reslist[0].image")), 32);
    assert_int_equal(u(v, "reslist[0].iov[0].len"), 32);
    /* a single scanout is one struct, not an array */
    assert_int_equal(u(v, "scanouts.parent_obj.conf.max_outputs"), 1);
    assert_int_equal(u(v, "scanouts.parent_obj.scanout.width"), 0);
    vmc_arena_free(a);
}

/* ---- bad input ------------------------------------------------------------------- */

static void test_truncated_blobs(void **state)
{
    /* every prefix length class of a real virtio-console section fails
     * cleanly (the model never reads past the end) */
    size_t len;
    uint8_t *data = tu_corpus_stream("s-pc-q35-6.0--virtio-serial--fresh", &len);
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, data, len, "x"), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    vmc_event ev;
    bool seen = false;
    while (vmc_reader_next(r, &ev) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE || !strstr(ev.u.state.idstr, "virtio-console")) {
            continue;
        }
        seen = true;
        const vmc_vmsd *m = vmc_devices_find_vmsd("virtio-console");
        /* where the `virtio` vmsd's subsections start: before that every
         * prefix lacks bytes QEMU must read */
        vmc_arena *a = vmc_arena_new();
        vmc_decode_ctx dc = { .arena = a, .cur = { .base = ev.u.state.payload,
                                                   .len = ev.u.state.payload_len },
                              .section = "x" };
        vmc_value *v;
        assert_int_equal(vmc_engine_decode(&dc, m, 3, "x", &v), 0);
        const vmc_value *sub = vmc_value_subsection(get(v, "virtio"), 0);
        size_t subs_at = (size_t)vmc_value_offset(sub);   /* cursor offsets start at 0 */
        vmc_arena_free(a);
        for (size_t cut = 0; cut < ev.u.state.payload_len; cut += 97) {
            a = vmc_arena_new();
            dc = (vmc_decode_ctx){ .arena = a, .cur = { .base = ev.u.state.payload, .len = cut },
                                   .section = "x" };
            int rc = vmc_engine_decode(&dc, m, 3, "x", &v);
            assert_true(dc.cur.pos <= cut);
            if (cut < subs_at) {
                assert_int_not_equal(rc, 0);
            }
            vmc_arena_free(a);
        }
    }
    assert_true(seen);
    vmc_reader_free(r);
    vmc_source_free(src);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_virtio_net_fresh),
        cmocka_unit_test(test_virtio_net_run),
        cmocka_unit_test(test_virtio_net_vectors_compat),
        cmocka_unit_test(test_virtio_blk_run),
        cmocka_unit_test(test_virtio_serial_fresh),
        cmocka_unit_test(test_virtio_balloon_fresh),
        cmocka_unit_test(test_virtio_rng_fresh),
        cmocka_unit_test(test_legacy_machine),
        cmocka_unit_test(test_needed_hooks),
        cmocka_unit_test(test_net_multiqueue_bytes),
        cmocka_unit_test(test_iommu_gtree_bytes),
        cmocka_unit_test(test_element_packed_bytes),
        cmocka_unit_test(test_scsi_requests_bytes),
        cmocka_unit_test(test_gpu_bytes),
        cmocka_unit_test(test_truncated_blobs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
