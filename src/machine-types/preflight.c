/*
 * Pre-flight: replay what qemu_loadvm_state() of a QEMU 7.2 destination
 * does with a stream, against the destination's machine model, and report
 * every problem instead of stopping at the first.
 *
 * Checks, in stream order: header; configuration section (present when the
 * destination wants one, machine-name prefix rule, capabilities, UUID);
 * commands; each section's lookup (find_se) and version; the RAM block list
 * (unknown blocks, sizes, resizeable maxima) and page records (compressed
 * pages need the destination's compress capability); each device section
 * decoded with the destination's own descriptors and device properties (a
 * layout difference shows where it happens, as the missing footer QEMU
 * reports); PCI configuration space under the destination's masks (with
 * false incompatibilities such as PCIe slot presence detect classified);
 * and the destination's devices the stream does not carry.
 */
#include "vmcompat/preflight.h"
#include "vmcompat/models.h"
#include "vmcompat/stream.h"
#include "vmcompat/write.h"
#include "machine-types/model_internal.h"
#include "machine-types/write_internal.h"
#include "devices/pci_config.h"
#include "devices/model_virtio.h"
#include "devices/registry.h"
#include "vmstate/decode.h"
#include "migrate-stream/reader_internal.h"
#include "common/error_internal.h"
#include "common/source_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vmc_preflight {
    GArray *findings;            /* vmc_preflight_finding */
    GStringChunk *strings;
};

static const char *str(vmc_preflight *p, const char *s)
{
    return s ? g_string_chunk_insert_const(p->strings, s) : NULL;
}

static vmc_preflight_finding *add(vmc_preflight *p, vmc_severity sev, const char *cls, const char *section,
                        int64_t instance, const char *field, int64_t offset, const char *qemu,
                        const char *remedy, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

static vmc_preflight_finding *add(vmc_preflight *p, vmc_severity sev, const char *cls, const char *section,
                        int64_t instance, const char *field, int64_t offset, const char *qemu,
                        const char *remedy, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vmc_preflight_finding f = {
        .severity = sev,
        .cls = str(p, cls),
        .section = str(p, section),
        .instance_id = instance,
        .field = str(p, field),
        .offset = offset,
        .message = str(p, msg),
        .qemu_error = str(p, qemu),
        .remedy = str(p, remedy),
    };
    g_array_append_val(p->findings, f);
    return &g_array_index(p->findings, vmc_preflight_finding, p->findings->len - 1);
}

static vmc_preflight *preflight_new(void)
{
    vmc_preflight *p = g_new0(vmc_preflight, 1);
    p->findings = g_array_new(FALSE, TRUE, sizeof(vmc_preflight_finding));
    p->strings = g_string_chunk_new(4096);
    return p;
}

void vmc_preflight_free(vmc_preflight *p)
{
    if (p) {
        g_array_free(p->findings, TRUE);
        g_string_chunk_free(p->strings);
        g_free(p);
    }
}

bool vmc_preflight_compatible(const vmc_preflight *p)
{
    return vmc_preflight_first_error(p) == NULL;
}

size_t vmc_preflight_count(const vmc_preflight *p)
{
    return p->findings->len;
}

const vmc_preflight_finding *vmc_preflight_at(const vmc_preflight *p, size_t i)
{
    return i < p->findings->len ? &g_array_index(p->findings, vmc_preflight_finding, i) : NULL;
}

const vmc_preflight_finding *vmc_preflight_first_error(const vmc_preflight *p)
{
    for (size_t i = 0; i < p->findings->len; i++) {
        const vmc_preflight_finding *f = &g_array_index(p->findings, vmc_preflight_finding, i);
        if (f->severity == VMC_SEV_ERROR) {
            return f;
        }
    }
    return NULL;
}

static bool cap_on(const vmc_preflight_options *o, const char *name)
{
    for (size_t i = 0; o && i < o->ncaps; i++) {
        if (strcmp(o->caps[i].name, name) == 0) {
            return o->caps[i].on;
        }
    }
    return false;
}

/* ---- configuration ----------------------------------------------------------- */

static void uuid_text(const uint8_t *u, char *out)
{
    sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
            u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
            u[14], u[15]);
}

static void check_configuration(vmc_preflight *p, const vmc_model *dest, const vmc_event *ev,
                                const vmc_preflight_options *o)
{
    const vmc_configuration *c = ev->u.configuration;
    const char *local = vmc_model_machine(dest);
    if (!dest->send_configuration) {
        add(p, VMC_SEV_ERROR, "configuration", "configuration", -1, NULL, ev->offset,
            "Unknown savevm section type 7", NULL,
            "the stream has a configuration section but %s (send-configuration off) does not "
            "expect one", local);
        return;
    }
    if (strncmp(c->machine, local, c->machine_len) != 0) {
        char q[600], r[300];
        snprintf(q, sizeof(q), "Machine type received is '%.*s' and local is '%s'",
                 (int)c->machine_len, c->machine, local);
        snprintf(r, sizeof(r), "start the destination with -machine %.*s", (int)c->machine_len,
                 c->machine);
        add(p, VMC_SEV_ERROR, "configuration", "configuration", -1, "name", ev->offset + 5, q, r,
            "the stream was written by machine type '%.*s'; the destination runs '%s'",
            (int)c->machine_len, c->machine, local);
    } else if (c->machine_len < strlen(local)) {
        add(p, VMC_SEV_WARNING, "configuration", "configuration", -1, "name", ev->offset + 5,
            NULL, NULL, "machine type '%.*s' is accepted only because QEMU compares the received "
            "name as a prefix of '%s'", (int)c->machine_len, c->machine, local);
    }
    /* validated capabilities: x-ignore-shared is the only one in 7.2 */
    bool recv_ignore = false;
    for (size_t i = 0; i < c->n_capabilities; i++) {
        if (strcmp(c->capabilities[i], "x-ignore-shared") == 0) {
            recv_ignore = true;
        } else {
            char q[400];
            snprintf(q, sizeof(q), "Received unknown capability %s", c->capabilities[i]);
            add(p, VMC_SEV_ERROR, "capability", "configuration", -1, "capabilities", ev->offset,
                q, NULL, "the stream carries capability '%s', which QEMU 7.2 does not know",
                c->capabilities[i]);
        }
    }
    bool local_ignore = cap_on(o, "x-ignore-shared");
    if (recv_ignore != local_ignore) {
        char q[300];
        snprintf(q, sizeof(q), "Capability x-ignore-shared is %s, but received capability is %s",
                 local_ignore ? "on" : "off", recv_ignore ? "on" : "off");
        add(p, VMC_SEV_ERROR, "capability", "configuration", -1, "capabilities", ev->offset, q,
            recv_ignore ? "set x-ignore-shared on the destination (migrate-set-capabilities) "
                          "before migrate-incoming"
                        : "turn x-ignore-shared off on the destination",
            "capability x-ignore-shared: source %s, destination %s", recv_ignore ? "on" : "off",
            local_ignore ? "on" : "off");
    }
    if (c->has_uuid) {
        char recv[40];
        uuid_text(c->uuid, recv);
        const char *local_uuid = vmc_cmdline_uuid(dest->cl);
        if (!local_uuid) {
            char q[200];
            snprintf(q, sizeof(q), "UUID is received %s, but local uuid isn't set", recv);
            add(p, VMC_SEV_WARNING, "configuration", "configuration", -1, "uuid", ev->offset, q,
                NULL, "the stream carries UUID %s; the destination has no -uuid", recv);
        } else if (g_ascii_strcasecmp(local_uuid, recv) != 0) {
            char q[200], r[100];
            snprintf(q, sizeof(q), "UUID received is %s and local is %s", recv, local_uuid);
            snprintf(r, sizeof(r), "start the destination with -uuid %s", recv);
            add(p, VMC_SEV_ERROR, "configuration", "configuration", -1, "uuid", ev->offset, q, r,
                "the stream's VM UUID %s differs from the destination's %s", recv, local_uuid);
        }
    }
}

/* ---- RAM ------------------------------------------------------------------------ */

static const vmc_model_ram_block *dest_block(const vmc_model *dest, const char *name)
{
    for (size_t i = 0; i < vmc_model_ram_block_count(dest); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(dest, i);
        if (strcmp(b->name, name) == 0) {
            return b;
        }
    }
    return NULL;
}

static void check_ram_block(vmc_preflight *p, const vmc_model *dest, const vmc_event *ev)
{
    const char *name = ev->u.ram_block.name;
    uint64_t len = ev->u.ram_block.used_length;
    const vmc_model_ram_block *b = dest_block(dest, name);
    if (!b) {
        char q[400];
        snprintf(q, sizeof(q), "Unknown ramblock \"%s\", cannot accept migration", name);
        add(p, VMC_SEV_ERROR, "ram", "ram", 0, name, ev->offset, q,
            "give the destination the device that owns this RAM block (same type, address and "
            "ROM file) or remove it from the source",
            "RAM block '%s' (0x%llx bytes) does not exist on the destination", name,
            (unsigned long long)len);
        return;
    }
    if (len == b->used_length) {
        return;
    }
    if (b->resizeable) {
        if (len > b->max_length) {
            char q[400];
            snprintf(q, sizeof(q), "Size too large: %s: 0x%llx > 0x%llx: Invalid argument", name,
                     (unsigned long long)len, (unsigned long long)b->max_length);
            add(p, VMC_SEV_ERROR, "ram", "ram", 0, name, ev->offset, q, NULL,
                "resizeable RAM block '%s' has 0x%llx bytes, more than the destination's "
                "maximum 0x%llx", name, (unsigned long long)len,
                (unsigned long long)b->max_length);
        } else {
            add(p, VMC_SEV_INFO, "ram", "ram", 0, name, ev->offset, NULL, NULL,
                "resizeable RAM block '%s': 0x%llx bytes in the stream, 0x%llx on a fresh "
                "destination (resized on load)", name, (unsigned long long)len,
                (unsigned long long)b->used_length);
        }
        return;
    }
    char q[400], r[200];
    snprintf(q, sizeof(q), "Size mismatch: %s: 0x%llx != 0x%llx: Invalid argument", name,
             (unsigned long long)len, (unsigned long long)b->used_length);
    if (strcmp(name, "pc.ram") == 0) {
        snprintf(r, sizeof(r), "start the destination with -m %lluM",
                 (unsigned long long)(len >> 20));
    } else {
        snprintf(r, sizeof(r), "make the destination's %s 0x%llx bytes (same ROM file / romsize "
                 "or memory size property as the source)", name, (unsigned long long)len);
    }
    add(p, VMC_SEV_ERROR, "ram", "ram", 0, name, ev->offset, q, r,
        "RAM block '%s' has 0x%llx bytes in the stream, 0x%llx on the destination", name,
        (unsigned long long)len, (unsigned long long)b->used_length);
}

/* ---- PCI configuration space ---------------------------------------------------- */

/* The first "pci config" value of a section (the device's PCIDevice state). */
static const vmc_value *find_config(const vmc_value *v, int depth)
{
    if (!v || depth > 6) {
        return NULL;
    }
    if (v->kind == VMC_VALUE_BYTES && v->type && strcmp(v->type, "pci config") == 0) {
        return v;
    }
    for (size_t i = 0; i < v->nchild; i++) {
        const vmc_value *c = find_config(v->child[i], depth + 1);
        if (c) {
            return c;
        }
    }
    return NULL;
}

/* ---- 'equal' fields: QEMU compares them with the destination's own value ---- */

static bool is_equal_leaf(const vmc_value *v)
{
    size_t n = v->type ? strlen(v->type) : 0;
    return n >= 6 && memcmp(v->type + n - 6, " equal", 6) == 0;
}

typedef struct equal_walk {
    vmc_preflight *p;
    const vmc_mentry *e;
    const vmc_value *dest;      /* the destination's fresh state of the section */
    int found;
} equal_walk;

static void equal_leaf(equal_walk *w, const vmc_value *v, const char *path)
{
    const vmc_value *d = vmc_value_get(w->dest, path);
    if (!d || (d->kind != VMC_VALUE_INT && d->kind != VMC_VALUE_UINT)) {
        return;
    }
    unsigned width = v->width ? v->width : (unsigned)v->size;
    uint64_t mask = width >= 8 ? UINT64_MAX : ((uint64_t)1 << (8 * width)) - 1;
    uint64_t in = vmc_value_uint(v) & mask, local = vmc_value_uint(d) & mask;
    if (in == local) {
        return;
    }
    /* QEMU prints the local value first, in hex */
    char q[120];
    snprintf(q, sizeof(q), "%" PRIx64 " != %" PRIx64, local, in);
    add(w->p, VMC_SEV_ERROR, "field", w->e->pub.idstr, w->e->pub.instance_id, path, v->offset, q,
        "give the destination the same device configuration (the property behind this field)",
        "field %s must equal the destination's value: stream 0x%" PRIx64 ", destination 0x%"
        PRIx64, path, in, local);
    w->found++;
}

static void equal_walk_node(equal_walk *w, const vmc_value *v, char *path, size_t len,
                            size_t cap, int depth)
{
    if (depth > 32 || w->found) {
        return;   /* QEMU stops at the first one */
    }
    size_t l = len;
    if (v->name && depth > 0) {
        int n = snprintf(path + len, cap - len, "%s%s", len ? "." : "", v->name);
        l = n > 0 && (size_t)n < cap - len ? len + (size_t)n : cap - 1;
    }
    if (v->kind == VMC_VALUE_STRUCT || v->kind == VMC_VALUE_ARRAY) {
        for (size_t i = 0; i < vmc_value_count(v); i++) {
            size_t l2 = l;
            if (v->kind == VMC_VALUE_ARRAY) {
                int n = snprintf(path + l, cap - l, "[%zu]", i);
                l2 = n > 0 && (size_t)n < cap - l ? l + (size_t)n : cap - 1;
            }
            equal_walk_node(w, vmc_value_at(v, i), path, l2, cap, depth + 1);
        }
        for (size_t i = 0; v->kind == VMC_VALUE_STRUCT && i < vmc_value_subsection_count(v); i++) {
            equal_walk_node(w, vmc_value_subsection(v, i), path, l, cap, depth + 1);
        }
    } else if (is_equal_leaf(v)) {
        equal_leaf(w, v, path);
    }
    path[len] = '\0';
}

/* Any 'equal' leaf at all?  Most sections have none, and for those the
 * destination's fresh state (the costly part) is not needed. */
static bool has_equal_leaf(const vmc_value *v, int depth)
{
    if (depth > 32) {
        return false;
    }
    if (v->kind == VMC_VALUE_STRUCT || v->kind == VMC_VALUE_ARRAY) {
        for (size_t i = 0; i < vmc_value_count(v); i++) {
            if (has_equal_leaf(vmc_value_at(v, i), depth + 1)) {
                return true;
            }
        }
        for (size_t i = 0; v->kind == VMC_VALUE_STRUCT && i < vmc_value_subsection_count(v);
             i++) {
            if (has_equal_leaf(vmc_value_subsection(v, i), depth + 1)) {
                return true;
            }
        }
        return false;
    }
    return is_equal_leaf(v);
}

static void check_equal_fields(vmc_preflight *p, const vmc_model *dest, const vmc_mentry *e,
                               const vmc_value *state)
{
    if (!has_equal_leaf(state, 0)) {
        return;
    }
    vmc_built fresh;
    /* building reads the model only (properties, devices), never changes it */
    if (vmc_write_build_fresh_section((vmc_model *)dest, &e->pub, &fresh) != 0) {
        vmc_error_clear();
        return;   /* fresh state not modelled: QEMU's comparison cannot be predicted */
    }
    equal_walk w = { .p = p, .e = e, .dest = fresh.tree };
    char path[VMC_PATH_MAX] = "";
    equal_walk_node(&w, state, path, 0, sizeof(path), 0);
    vmc_built_release(&fresh);
}

static void check_pci_config(vmc_preflight *p, const vmc_mentry *e, const vmc_value *state)
{
    const vmc_mdev *d = e->dev;
    if (!d || !d->pci || !state) {
        return;
    }
    const vmc_value *cfg = find_config(state, 0);
    if (!cfg) {
        return;
    }
    const vmc_pci_config *pc = d->pci;
    if (cfg->v.bytes.n != pc->size) {
        add(p, VMC_SEV_ERROR, "pci-config", e->pub.idstr, e->pub.instance_id, "config",
            cfg->offset, NULL, NULL,
            "the stream has %zu bytes of config space, the destination's %s has %u "
            "(PCI Express on one side only)", cfg->v.bytes.n, d->type, pc->size);
        return;
    }
    const uint8_t *in = cfg->v.bytes.p;
    bool first = true;
    for (unsigned i = 0; i < pc->size; i++) {
        uint8_t bad = (uint8_t)((in[i] ^ pc->config[i]) & pc->cmask[i] & ~pc->wmask[i] &
                                ~pc->w1cmask[i]);
        if (!bad) {
            continue;
        }
        char q[300];
        snprintf(q, sizeof(q),
                 "get_pci_config_device: Bad config data: i=0x%x read: %x device: %x cmask: %x "
                 "wmask: %x w1cmask:%x", i, in[i], pc->config[i], pc->cmask[i], pc->wmask[i],
                 pc->w1cmask[i]);
        /* PCIe Slot Status, Presence Detect State: runtime state (not compared from 8.1) */
        bool pds = pc->exp_cap && i == (unsigned)pc->exp_cap + 0x1a && bad == 0x40;
        vmc_preflight_finding *f = add(p, VMC_SEV_ERROR, "pci-config", e->pub.idstr, e->pub.instance_id,
                             "config", cfg->offset + i, first ? q : q,
                             pds ? "make both sides agree on the presence of a device behind "
                                   "the port, or rewrite the stream (vmcompat rewrite --fix "
                                   "false-incompatibilities)"
                                 : NULL,
                             "config byte 0x%x: stream 0x%02x, destination 0x%02x, checked bits "
                             "0x%02x differ%s", i, in[i], pc->config[i], bad,
                             pds ? " (PCIe Slot Status: Presence Detect State)" : "");
        f->false_incompatibility = pds;
        f->stream_byte = in[i];
        f->dest_byte = pc->config[i];
        f->bad_bits = bad;
        first = false;
    }
}

/* ---- device sections ---------------------------------------------------------------- */

static const vmc_mentry *find_mentry(const vmc_model *dest, const char *idstr, uint32_t inst)
{
    const vmc_model_entry *pe = vmc_model_find_entry(dest, idstr, inst);
    return (const vmc_mentry *)pe;   /* pub is the first member */
}

static const char *mdev_prop_cb(void *device, const char *prop)
{
    /* virtio proxies alias their device's properties */
    return vmc_virtio_model_prop(device, prop);
}

/* ---- virtio: what virtio_load() checks besides the PCI config (model_virtio.h) ---- */

static void virtio_refusal(vmc_preflight *p, const vmc_mentry *e, const vmc_value *at,
                           const char *field, const char *qemu, const char *remedy,
                           const char *why)
{
    char q[300];
    if (!qemu) {
        snprintf(q, sizeof(q), "Failed to load %s:virtio", e->pub.vmsd ? e->pub.vmsd->name : "");
        qemu = q;
    }
    add(p, VMC_SEV_ERROR, "virtio", e->pub.idstr, e->pub.instance_id, field,
        at ? vmc_value_offset(at) : -1, qemu, remedy, "%s", why);
}

static void check_virtio(vmc_preflight *p, const vmc_mentry *e, const vmc_value *state)
{
    const vmc_value *blob = state ? vmc_value_get(state, "virtio") : NULL;
    if (!e->dev || !blob) {
        return;
    }
    vmc_virtio_model_info *vi = g_new0(vmc_virtio_model_info, 1);
    if (vmc_virtio_model_get(e->dev, vi) != 0) {
        g_free(vi);
        return;
    }
    char why[600];
    /* MSI-X vectors: config vector, then each queue's */
    const vmc_value *cv = vmc_value_get(blob, "config_vector");
    if (cv && !vmc_virtio_model_check_vector(vi, (uint16_t)vmc_value_uint(cv))) {
        snprintf(why, sizeof(why), "config vector %" PRIu64 " is out of the destination's %u "
                 "MSI-X vectors", vmc_value_uint(cv), vi->nvectors);
        virtio_refusal(p, e, cv, "config_vector", NULL,
                       "give the destination's device the source's \"vectors\"", why);
    }
    const vmc_value *nq = vmc_value_get(blob, "num_queues");
    if (nq && vmc_value_uint(nq) > VMC_VIRTIO_QUEUE_MAX) {
        char q[100];
        snprintf(q, sizeof(q), "Invalid number of virtqueues: 0x%x", (unsigned)vmc_value_uint(nq));
        virtio_refusal(p, e, nq, "num_queues", q, NULL, "more virtqueues than QEMU supports");
    }
    const vmc_value *vq = vmc_value_get(blob, "vq");
    for (size_t i = 0; vq && i < vmc_value_count(vq); i++) {
        const vmc_value *v = vmc_value_get(vmc_value_at(vq, i), "vector");
        if (v && !vmc_virtio_model_check_vector(vi, (uint16_t)vmc_value_uint(v))) {
            snprintf(why, sizeof(why), "queue %zu: vector %" PRIu64 " is out of the "
                     "destination's %u MSI-X vectors", i, vmc_value_uint(v), vi->nvectors);
            virtio_refusal(p, e, v, "vq.vector", NULL,
                           "give the destination's device the source's \"vectors\"", why);
            break;
        }
    }
    /* "no vector" notification: INTx through the loaded interrupt pin */
    const vmc_value *cfg = find_config(state, 0);
    size_t clen = 0;
    const uint8_t *cb = cfg ? vmc_value_bytes(cfg, &clen) : NULL;
    if (cb && !vmc_virtio_model_check_intx(vi, cb, clen)) {
        snprintf(why, sizeof(why), "interrupt pin %u in the stream's config (MSI-X not "
                 "enabled): QEMU aborts while loading", cb[VMC_PCI_INTERRUPT_PIN]);
        virtio_refusal(p, e, cfg, "config",
                       "../../hw/pci/pci.c:1562: pci_irq_handler: Assertion `0 <= irq_num && "
                       "irq_num < PCI_NUM_PINS' failed.", NULL, why);
    }
    /* virtio-serial: ports map, then the active ports */
    const vmc_value *ds = vmc_value_get(blob, "device_save");
    const vmc_value *map = ds ? vmc_value_get(ds, "ports_map") : NULL;
    if (vi->virtio_id == 3 && map) {
        uint32_t words[VMC_VIRTIO_SERIAL_MAP_WORDS] = { 0 }, ids[512];
        size_t nw = 0, ni = 0;
        for (size_t i = 0; i < vmc_value_count(map) && nw < VMC_VIRTIO_SERIAL_MAP_WORDS; i++) {
            words[nw++] = (uint32_t)vmc_value_uint(vmc_value_at(map, i));
        }
        const vmc_value *ports = vmc_value_get(ds, "ports");
        for (size_t i = 0; ports && i < vmc_value_count(ports) && ni < 512; i++) {
            ids[ni++] = (uint32_t)vmc_value_uint(vmc_value_get(vmc_value_at(ports, i), "id"));
        }
        int bad = vmc_virtio_model_check_serial(vi, words, nw, ids, ni);
        if (bad >= VMC_VIRTIO_SERIAL_MAP_WORDS) {
            snprintf(why, sizeof(why), "the stream has virtio-serial port %u, the destination "
                     "has no port with that number", ids[bad - VMC_VIRTIO_SERIAL_MAP_WORDS]);
            virtio_refusal(p, e, ports, "device_save.ports", NULL,
                           "give the destination the same virtconsole / virtserialport devices "
                           "(and nr= numbers) as the source", why);
        } else if (bad >= 0) {
            snprintf(why, sizeof(why), "virtio-serial ports map word %d: stream 0x%08x, "
                     "destination 0x%08x", bad, words[bad], vi->ports_map[bad]);
            virtio_refusal(p, e, vmc_value_at(map, (size_t)bad), "device_save.ports_map", NULL,
                           "give the destination the same virtconsole / virtserialport devices "
                           "(and nr= numbers) as the source", why);
        }
    }
    /* guest features against the destination's host features (last: after the device part) */
    const vmc_value *g32 = vmc_value_get(blob, "guest_features");
    const vmc_value *g64 = NULL;
    for (size_t i = 0; i < vmc_value_subsection_count(blob); i++) {
        const vmc_value *s = vmc_value_subsection(blob, i);
        if (strcmp(vmc_value_name(s), "virtio/64bit_features") == 0) {
            g64 = vmc_value_get(s, "guest_features");
        }
    }
    char q[200];
    if (g32 && !vmc_virtio_model_check_features(vi, (uint32_t)vmc_value_uint(g32), g64 != NULL,
                                                g64 ? vmc_value_uint(g64) : 0, q, sizeof(q))) {
        snprintf(why, sizeof(why), "the guest uses virtio features the destination's %s does "
                 "not offer%s", e->dev->type, vi->assumption ? " (" : "");
        if (vi->assumption) {
            strncat(why, vi->assumption, sizeof(why) - strlen(why) - 2);
            strcat(why, ")");
        }
        virtio_refusal(p, e, g64 ? g64 : g32, "guest_features", q,
                       "use the same device properties (and network back end) as the source",
                       why);
    }
    g_free(vi);
}

static void check_device_state(vmc_preflight *p, const vmc_model *dest, const vmc_mentry *e,
                               const vmc_event *ev)
{
    const vmc_vmsd *vmsd = e->pub.vmsd;
    if (!vmsd) {
        add(p, VMC_SEV_WARNING, "section", e->pub.idstr, e->pub.instance_id, NULL, ev->offset,
            NULL, NULL, "section '%s': no descriptor for the destination's device; its fields "
            "are not checked", e->pub.idstr);
        return;
    }
    bool read_already = ev->u.state.described_by &&
                        strcmp(ev->u.state.described_by, "decoder") == 0;
    /* values of our own decode; the reader's section decoder made its own */
    vmc_arena *arena = read_already ? NULL : vmc_arena_new();
    vmc_decode_ctx dc = {
        .arena = arena,
        .cur = { .base = ev->u.state.payload, .len = ev->u.state.payload_len,
                 .abs = ev->offset },
        .section = e->pub.idstr,
        .device = e->dev,
        .device_prop = e->dev ? mdev_prop_cb : NULL,
    };
    vmc_value *v = NULL;
    int rc;
    if (read_already) {
        /* the reader already read it with the destination's descriptors
         * (section_decoder below) and found the footer after it */
        v = (vmc_value *)ev->u.state.value;
        rc = 0;
        dc.cur.pos = ev->u.state.payload_len;
    } else {
        rc = vmc_engine_decode(&dc, vmsd, (int)ev->u.state.version_id, e->pub.idstr, &v);
    }
    if (rc) {
        const vmc_error *err = vmc_error_last();
        char q[1200];
        if (rc == VMC_ETRUNC) {
            /* QEMU reads on into the footer and stops there */
            snprintf(q, sizeof(q), "Missing section footer for %s", e->pub.idstr);
        } else {
            snprintf(q, sizeof(q), "%s", err->message);
        }
        add(p, VMC_SEV_ERROR, "field", e->pub.idstr, e->pub.instance_id, err->field, err->offset,
            q, rc == VMC_ETRUNC ? "use the same device properties on both sides (they decide "
                                  "which fields exist and how many)" : NULL,
            "the destination cannot read section '%s': %s", e->pub.idstr, err->message);
    } else if (dc.cur.pos != ev->u.state.payload_len) {
        char q[400];
        snprintf(q, sizeof(q), "Missing section footer for %s", e->pub.idstr);
        add(p, VMC_SEV_ERROR, "field", e->pub.idstr, e->pub.instance_id, NULL,
            ev->offset + (int64_t)dc.cur.pos, q,
            "use the same device properties on both sides (they decide which fields exist)",
            "the destination's '%s' reads %zu bytes of this section, the source wrote %zu: "
            "the device layouts differ", vmsd->name, dc.cur.pos, ev->u.state.payload_len);
    } else {
        check_equal_fields(p, dest, e, v);
        check_pci_config(p, e, v);
        check_virtio(p, e, v);
    }
    vmc_arena_free(arena);
}

static void section_unknown(vmc_preflight *p, const vmc_event *ev)
{
    char q[700];
    snprintf(q, sizeof(q),
             "Unknown savevm section or instance '%s' %u. Make sure that your current VM setup "
             "matches your saved VM setup, including any hotplugged devices",
             ev->u.section.idstr, ev->u.section.instance_id);
    add(p, VMC_SEV_ERROR, "section", ev->u.section.idstr, ev->u.section.instance_id, NULL,
        ev->offset, q, "add the same device, at the same address, to the destination",
        "the destination has no device for section '%s' instance %u", ev->u.section.idstr,
        ev->u.section.instance_id);
}

/*
 * A device whose vmsd is unmigratable blocks migration on either side:
 * QEMU's source refuses to start it and the destination refuses the
 * incoming stream before reading a byte.  Returns true when one was found.
 */
static bool check_blockers(vmc_preflight *p, const vmc_model *m, const char *side)
{
    if (strcmp(side, "source") == 0 && vmc_model_blocker_count(m)) {
        /* migrate_add_blocker(): the source refuses to start the migration */
        add(p, VMC_SEV_ERROR, "blocker", NULL, -1, NULL, -1, vmc_model_blocker_at(m, 0),
            NULL, "the source cannot migrate: %s", vmc_model_blocker_at(m, 0));
        return true;
    }
    for (size_t i = 0; i < vmc_model_entry_count(m); i++) {
        const vmc_model_entry *e = vmc_model_entry_at(m, i);
        if (e->vmsd && e->vmsd->unmigratable) {
            char q[400];
            snprintf(q, sizeof(q), "State blocked by non-migratable device '%s'", e->idstr);
            add(p, VMC_SEV_ERROR, "blocker", e->idstr, e->instance_id, NULL, -1, q,
                "remove the device (or hot-unplug it) before migrating",
                "the %s has device '%s' (%s), which QEMU cannot migrate", side, e->idstr,
                e->device ? e->device : e->vmsd->name);
            return true;
        }
    }
    return false;
}

static int run_stream(vmc_preflight *p, vmc_source *stream, const vmc_model *dest,
                      const vmc_preflight_options *o, bool device_state_only);

int vmc_preflight_stream(vmc_preflight **out, vmc_source *stream, const vmc_model *dest,
                         const vmc_preflight_options *o)
{
    vmc_preflight *p = preflight_new();
    if (check_blockers(p, dest, "destination")) {
        *out = p;   /* QEMU reads nothing more */
        return 0;
    }
    int rc = run_stream(p, stream, dest, o, false);
    if (rc) {
        vmc_preflight_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* The destination entry of the section being read, for section_decoder(). */
typedef struct dest_section {
    const vmc_mentry *cur;
} dest_section;

/*
 * Reads a device section the way the destination will, so that the stream
 * is decoded once; the reader falls back to the stream's own description
 * when this fails or stops short of the footer, and check_device_state()
 * then decodes again to say where and why.
 */
static int section_decoder(void *opaque, vmc_decode_ctx *dc, const vmc_sec_info *sec,
                           vmc_value **out)
{
    const vmc_mentry *e = ((dest_section *)opaque)->cur;
    if (!e || !e->pub.vmsd || strcmp(e->pub.idstr, sec->idstr) != 0 ||
        e->pub.instance_id != sec->instance_id) {
        return VMC_ENOTFOUND;
    }
    dc->section = e->pub.idstr;
    dc->device = e->dev;
    dc->device_prop = e->dev ? mdev_prop_cb : NULL;
    return vmc_engine_decode(dc, e->pub.vmsd, (int)sec->version_id, e->pub.idstr, out);
}

static int run_stream(vmc_preflight *p, vmc_source *stream, const vmc_model *dest,
                      const vmc_preflight_options *o, bool device_state_only)
{
    vmc_reader_options ro = { .lookup = vmc_models_lookup };
    if (o) {
        ro.max_device_state = o->max_device_state;
    }
    vmc_reader *r;
    int rc = vmc_reader_new(&r, stream, &ro);
    if (rc) {
        return rc;
    }
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);  /* mentry -> 1 */
    const vmc_mentry *cur = NULL;
    dest_section ds = { NULL };
    vmc_reader_set_section_decoder(r, section_decoder, &ds);
    bool saw_config = false, compressed_reported = false, in_sections = false;
    vmc_event ev;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        switch (ev.kind) {
        case VMC_EV_CONFIGURATION:
            saw_config = true;
            check_configuration(p, dest, &ev, o);
            break;
        case VMC_EV_COMMAND:
            if (ev.u.command.cmd == VMC_CMD_PING || ev.u.command.cmd == VMC_CMD_OPEN_RETURN_PATH) {
                add(p, VMC_SEV_INFO, "command", NULL, -1, NULL, ev.offset, NULL, NULL,
                    "command %s needs a return path: fine over tcp/unix with return-path, "
                    "refused when the stream is loaded from a file",
                    vmc_command_name(ev.u.command.cmd));
            }
            break;
        case VMC_EV_SECTION:
            if (!in_sections) {
                in_sections = true;
                if (!saw_config && dest->send_configuration && !device_state_only) {
                    add(p, VMC_SEV_ERROR, "configuration", "configuration", -1, NULL, ev.offset,
                        "Configuration section missing",
                        "run the destination with a machine type of the source's QEMU version "
                        "family (pc-*-2.3 and older send no configuration)",
                        "the stream has no configuration section but %s expects one",
                        vmc_model_machine(dest));
                }
            }
            if (ev.u.section.type != VMC_SEC_START && ev.u.section.type != VMC_SEC_FULL) {
                break;
            }
            cur = find_mentry(dest, ev.u.section.idstr, ev.u.section.instance_id);
            if (!cur) {
                section_unknown(p, &ev);
                break;
            }
            g_hash_table_add(seen, (gpointer)cur);
            if (ev.u.section.version_id > cur->pub.version_id) {
                char q[400];
                snprintf(q, sizeof(q), "savevm: unsupported version %u for '%s' v%u",
                         ev.u.section.version_id, ev.u.section.idstr, cur->pub.version_id);
                add(p, VMC_SEV_ERROR, "version", ev.u.section.idstr, ev.u.section.instance_id,
                    NULL, ev.offset, q, "migrate to a destination QEMU at least as new",
                    "section '%s' has version %u; the destination accepts at most %u",
                    ev.u.section.idstr, ev.u.section.version_id, cur->pub.version_id);
                cur = NULL;
            }
            break;
        case VMC_EV_RAM_BLOCK:
            check_ram_block(p, dest, &ev);
            break;
        case VMC_EV_RAM_PAGE:
            if (ev.u.page.kind == VMC_PAGE_COMPRESSED && !cap_on(o, "compress") &&
                !compressed_reported) {
                compressed_reported = true;
                add(p, VMC_SEV_ERROR, "capability", "ram", 0, ev.u.page.block, ev.offset,
                    "Received an unexpected compressed page",
                    "enable the compress capability on the destination "
                    "(migrate-set-capabilities compress=on) before migrate-incoming",
                    "the stream has zlib-compressed RAM pages but the destination's compress "
                    "capability is off");
            }
            break;
        case VMC_EV_DEVICE_STATE:
            if (cur) {
                check_device_state(p, dest, cur, &ev);
            }
            break;
        default:
            break;
        }
        ds.cur = cur;
    }
    if (rc < 0) {
        const vmc_error *err = vmc_error_last();
        /* the line QEMU prints for it */
        const char *qemu = err->message;
        if (rc == VMC_ETRUNC) {
            qemu = "load of migration failed: Input/output error";
        } else if (g_str_has_prefix(err->message, "Not a migration stream")) {
            qemu = "Not a migration stream";
        } else if (g_str_has_prefix(err->message, "Unsupported migration stream version")) {
            qemu = "Unsupported migration stream version";
        }
        add(p, VMC_SEV_ERROR, "stream", err->section[0] ? err->section : NULL, -1,
            err->field[0] ? err->field : NULL, err->offset, qemu, NULL,
            "the stream is invalid: %s", err->message);
    }
    /* the destination's devices the stream does not carry keep their reset state */
    for (size_t i = 0; i < dest->entries->len; i++) {
        const vmc_mentry *e = g_ptr_array_index(dest->entries, i);
        if (!e->pub.sent || e->pub.iterative || g_hash_table_contains(seen, e)) {
            continue;
        }
        add(p, VMC_SEV_INFO, "missing-section", e->pub.idstr, e->pub.instance_id, NULL, -1, NULL,
            NULL, "the stream has no section for the destination's '%s' instance %u: that device "
                  "keeps its reset state", e->pub.idstr, e->pub.instance_id);
    }
    g_hash_table_destroy(seen);
    vmc_reader_free(r);
    return 0;
}

int vmc_preflight_capture(vmc_preflight **out, vmc_source *capture, const vmc_model *source,
                          const vmc_model *dest, const vmc_preflight_options *o)
{
    vmc_preflight *p = preflight_new();
    if (source) {
        /* what the capture cannot show: machine type and RAM blocks */
        vmc_preflight *mp;
        int rc = vmc_preflight_models(&mp, source, dest, o);
        if (rc) {
            vmc_preflight_free(p);
            return rc;
        }
        for (size_t i = 0; i < vmc_preflight_count(mp); i++) {
            const vmc_preflight_finding *f = vmc_preflight_at(mp, i);
            if (strcmp(f->cls, "configuration") == 0 || strcmp(f->cls, "ram") == 0 ||
                strcmp(f->cls, "blocker") == 0) {
                vmc_preflight_finding c = *f;
                c.cls = str(p, f->cls);
                c.section = str(p, f->section);
                c.field = str(p, f->field);
                c.message = str(p, f->message);
                c.qemu_error = str(p, f->qemu_error);
                c.remedy = str(p, f->remedy);
                g_array_append_val(p->findings, c);
            }
        }
        vmc_preflight_free(mp);
    }
    int rc = run_stream(p, capture, dest, o, true);
    if (rc) {
        vmc_preflight_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* Size of the BAR whose low dword is at off (from its write mask), 0 when unused. */
static uint64_t bar_size(const vmc_pci_config *c, unsigned off, bool *is64)
{
    uint32_t lo = vmc_le32(c->wmask + off);
    *is64 = (c->config[off] & 0x7) == 0x4;   /* memory, 64-bit */
    bool io = c->config[off] & 1;
    uint64_t mask = lo & (io ? ~3u : ~0xfu);
    if (*is64) {
        mask |= (uint64_t)vmc_le32(c->wmask + off + 4) << 32;
    } else {
        mask |= 0xffffffff00000000ull;
    }
    return mask ? ~mask + 1 : 0;
}

static uint64_t rom_size(const vmc_pci_config *c, unsigned off)
{
    uint32_t m = vmc_le32(c->wmask + off) & ~0x7ffu;
    return m ? (uint64_t)(uint32_t)(~m + 1) : 0;
}

/*
 * BAR and ROM sizes QEMU does not compare on load (only the ROM's RAM block
 * length): a difference leaves the guest's BAR assignment wrong after the
 * migration.  Warnings, with the sizes.
 */
static void check_region_sizes(vmc_preflight *p, const vmc_model_entry *se,
                               const vmc_pci_config *sp, const vmc_pci_config *dp)
{
    bool bridge = (dp->config[0x0e] & 0x7f) == 1;
    unsigned nbars = bridge ? 2 : 6;
    for (unsigned i = 0; i < nbars; i++) {
        unsigned off = 0x10 + 4 * i;
        bool s64, d64;
        uint64_t ss = bar_size(sp, off, &s64), ds = bar_size(dp, off, &d64);
        if (ss != ds) {
            char field[32];
            snprintf(field, sizeof(field), "BAR%u", i);
            add(p, VMC_SEV_WARNING, "pci-config", se->idstr, se->instance_id, field, -1, NULL,
                "use the same device properties on both sides (they size the BAR)",
                "BAR%u is %llu bytes on the source and %llu on the destination: QEMU does not "
                "compare BAR sizes, the guest's BAR assignment would not fit", i,
                (unsigned long long)ss, (unsigned long long)ds);
        }
        if (s64 && d64) {
            i++;
        }
    }
    unsigned rom = bridge ? 0x38 : 0x30;
    uint64_t sr = rom_size(sp, rom), dr = rom_size(dp, rom);
    if (sr != dr) {
        add(p, VMC_SEV_WARNING, "pci-config", se->idstr, se->instance_id, "ROM", -1, NULL,
            "use the same romfile / romsize / rombar on both sides",
            "the option ROM BAR is %llu bytes on the source and %llu on the destination",
            (unsigned long long)sr, (unsigned long long)dr);
    }
}

/*
 * The vCPU model is not in the stream's checks: QEMU loads the CPU state
 * whatever -cpu the destination has, and the guest then runs on a CPU whose
 * CPUID differs from the one it booted with (family/model/stepping, and
 * features it may use and lose).
 */
static void check_cpu_models(vmc_preflight *p, const vmc_model *source, const vmc_model *dest)
{
    const vmc_model_cpu *s = &source->cpu, *d = &dest->cpu;
    if (!s->name || !d->name) {
        return;
    }
    if (strcmp(s->name, d->name) != 0) {
        char r[300];
        snprintf(r, sizeof(r), "start the destination with -cpu %s (and the same CPU options)",
                 s->name);
        add(p, VMC_SEV_WARNING, "cpu", "cpu", 0, NULL, -1, NULL, r,
            "the source's vCPU model is %s, the destination's %s: QEMU loads the CPU state "
            "anyway, and the guest then runs on a CPU with other CPUID bits", s->name, d->name);
    } else if (s->family != d->family || s->model != d->model || s->stepping != d->stepping ||
               s->monitor != d->monitor || s->mce != d->mce || s->mca != d->mca) {
        add(p, VMC_SEV_WARNING, "cpu", "cpu", 0, NULL, -1, NULL,
            "give both sides the same -cpu options (and machine type: compat properties "
            "change CPU models)",
            "-cpu %s has other CPUID values on the two sides (family/model/stepping %lld/%lld/%lld "
            "on the source, %lld/%lld/%lld on the destination, or other features)", s->name,
            (long long)s->family, (long long)s->model, (long long)s->stepping,
            (long long)d->family, (long long)d->model, (long long)d->stepping);
    }
}

/*
 * The two models compared section by section, without a stream: the
 * machine-type rule, RAM blocks, sections and versions, PCI config under
 * the destination's masks.  For sources whose fresh state is not modelled.
 */
static void compare_structure(vmc_preflight *p, const vmc_model *source, const vmc_model *dest)
{
    const char *sm = vmc_model_machine(source), *dm = vmc_model_machine(dest);
    if (source->send_configuration && strcmp(sm, dm) != 0) {
        char q[600], r[300];
        snprintf(q, sizeof(q), "Machine type received is '%s' and local is '%s'", sm, dm);
        snprintf(r, sizeof(r), "start the destination with -machine %s", sm);
        add(p, VMC_SEV_ERROR, "configuration", "configuration", -1, "name", -1, q, r,
            "the source runs machine type '%s'; the destination '%s'", sm, dm);
    } else if (!source->send_configuration && dest->send_configuration) {
        add(p, VMC_SEV_ERROR, "configuration", "configuration", -1, NULL, -1,
            "Configuration section missing", NULL,
            "the source's machine type %s sends no configuration section but %s expects one", sm,
            dm);
    }
    for (size_t i = 0; i < vmc_model_ram_block_count(source); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(source, i);
        vmc_event ev = { .kind = VMC_EV_RAM_BLOCK, .offset = -1 };
        ev.u.ram_block.name = b->name;
        ev.u.ram_block.used_length = b->used_length;
        check_ram_block(p, dest, &ev);
    }
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (size_t i = 0; i < vmc_model_section_count(source); i++) {
        const vmc_model_entry *se = vmc_model_section_at(source, i);
        if (se->iterative) {
            continue;
        }
        const vmc_mentry *de = find_mentry(dest, se->idstr, se->instance_id);
        vmc_event ev = { .kind = VMC_EV_SECTION, .offset = -1 };
        ev.u.section.idstr = se->idstr;
        ev.u.section.instance_id = se->instance_id;
        ev.u.section.version_id = se->version_id;
        if (!de) {
            section_unknown(p, &ev);
            continue;
        }
        g_hash_table_add(seen, (gpointer)de);
        if (se->version_id > de->pub.version_id) {
            char q[400];
            snprintf(q, sizeof(q), "savevm: unsupported version %u for '%s' v%u", se->version_id,
                     se->idstr, de->pub.version_id);
            add(p, VMC_SEV_ERROR, "version", se->idstr, se->instance_id, NULL, -1, q, NULL,
                "section '%s' has version %u; the destination accepts at most %u", se->idstr,
                se->version_id, de->pub.version_id);
        }
        /* PCI config of the fresh source device against the destination's masks */
        const vmc_mentry *sme = (const vmc_mentry *)se;
        if (sme->dev && sme->dev->pci && de->dev && de->dev->pci) {
            const vmc_pci_config *sp = sme->dev->pci, *dp = de->dev->pci;
            if (sp->size != dp->size) {
                add(p, VMC_SEV_ERROR, "pci-config", se->idstr, se->instance_id, "config", -1,
                    NULL, NULL, "config space of %u bytes on the source, %u on the destination",
                    sp->size, dp->size);
                continue;
            }
            for (unsigned k = 0; k < dp->size; k++) {
                uint8_t bad = (uint8_t)((sp->config[k] ^ dp->config[k]) & dp->cmask[k] &
                                        ~dp->wmask[k] & ~dp->w1cmask[k]);
                if (bad) {
                    char q[300];
                    snprintf(q, sizeof(q),
                             "get_pci_config_device: Bad config data: i=0x%x read: %x device: %x "
                             "cmask: %x wmask: %x w1cmask:%x", k, sp->config[k], dp->config[k],
                             dp->cmask[k], dp->wmask[k], dp->w1cmask[k]);
                    vmc_preflight_finding *f = add(p, VMC_SEV_ERROR, "pci-config", se->idstr,
                                         se->instance_id, "config", -1, q, NULL,
                                         "config byte 0x%x: source 0x%02x, destination 0x%02x",
                                         k, sp->config[k], dp->config[k]);
                    f->false_incompatibility = dp->exp_cap && k == (unsigned)dp->exp_cap + 0x1a &&
                                               bad == 0x40;
                }
            }
            check_region_sizes(p, se, sp, dp);
        }
    }
    for (size_t i = 0; i < dest->entries->len; i++) {
        const vmc_mentry *e = g_ptr_array_index(dest->entries, i);
        if (!e->pub.sent || e->pub.iterative || g_hash_table_contains(seen, e)) {
            continue;
        }
        add(p, VMC_SEV_INFO, "missing-section", e->pub.idstr, e->pub.instance_id, NULL, -1, NULL,
            NULL, "the source sends no section for the destination's '%s' instance %u: that "
                  "device keeps its reset state", e->pub.idstr, e->pub.instance_id);
    }
    g_hash_table_destroy(seen);
}

/* BAR and option ROM sizes of the PCI functions both models have. */
static void compare_regions(vmc_preflight *p, const vmc_model *source, const vmc_model *dest)
{
    for (size_t i = 0; i < vmc_model_section_count(source); i++) {
        const vmc_model_entry *se = vmc_model_section_at(source, i);
        const vmc_mentry *sme = (const vmc_mentry *)se;
        const vmc_mentry *de = find_mentry(dest, se->idstr, se->instance_id);
        if (de && sme->dev && sme->dev->pci && de->dev && de->dev->pci &&
            sme->dev->pci->size == de->dev->pci->size) {
            check_region_sizes(p, se, sme->dev->pci, de->dev->pci);
        }
    }
}

int vmc_preflight_models(vmc_preflight **out, const vmc_model *source, const vmc_model *dest,
                         const vmc_preflight_options *o)
{
    vmc_preflight *p = preflight_new();
    if (check_blockers(p, source, "source") | check_blockers(p, dest, "destination")) {
        *out = p;
        return 0;
    }
    check_cpu_models(p, source, dest);
    /*
     * The source's fresh stream, written in memory, goes through the same
     * checks as a real one (every field under the destination's
     * descriptors, 'equal' fields, virtio's load checks ...); where the
     * source's fresh state is not modelled, the structure is compared.
     */
    vmc_sink *sink = NULL;
    int rc = vmc_sink_open_memory(&sink);
    if (!rc) {
        rc = vmc_model_write((vmc_model *)source, sink, NULL);
    }
    if (rc) {
        char why[512];
        snprintf(why, sizeof(why), "%.500s", vmc_error_last()->message);
        vmc_error_clear();
        add(p, VMC_SEV_INFO, "section", NULL, -1, NULL, -1, NULL, NULL,
            "the source's fresh state is not fully modelled (%s): its sections are compared by "
            "identity, version and PCI config only", why);
        compare_structure(p, source, dest);
    } else {
        size_t len;
        const uint8_t *data = vmc_sink_memory(sink, &len);
        vmc_source *mem = NULL;
        if ((rc = vmc_source_open_memory(&mem, data, len, "source model")) ||
            (rc = run_stream(p, mem, dest, o, false))) {
            vmc_source_free(mem);
            vmc_sink_free(sink);
            vmc_preflight_free(p);
            return rc;
        }
        vmc_source_free(mem);
        /* offsets into a stream the user never sees mean nothing */
        for (size_t i = 0; i < p->findings->len; i++) {
            g_array_index(p->findings, vmc_preflight_finding, i).offset = -1;
        }
        compare_regions(p, source, dest);
    }
    vmc_sink_free(sink);
    *out = p;
    return 0;
}
