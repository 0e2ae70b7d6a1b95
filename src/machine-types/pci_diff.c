/*
 * PCI configuration-space diff (vmcompat/pcidiff.h): the config bytes of
 * each PCI function in a stream against the destination model's fresh
 * config and masks, or between two streams, named by register and bit.
 *
 * Built on the public API only: streams are read with vmc_reader (the
 * stream's vmdesc, else the destination's / the built-in descriptors, so
 * device-state captures without a trailer decode as in preflight), the
 * destination's config and masks come from vmc_model_pci_at().
 */
#include "vmcompat/pcidiff.h"
#include "vmcompat/models.h"
#include "vmcompat/stream.h"
#include "machine-types/pci_regs.h"
#include "common/error_internal.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vmc_pci_diff {
    GArray *devices;            /* vmc_pci_diff_device */
    GPtrArray *owned;           /* arrays the devices point into */
    GStringChunk *strings;
    bool masks_known;
    bool against_model;
};

const char *vmc_pci_bit_verdict_name(vmc_pci_bit_verdict v)
{
    switch (v) {
    case VMC_PCI_BIT_REFUSED: return "refused";
    case VMC_PCI_BIT_IGNORED_WRITABLE: return "ignored-writable";
    case VMC_PCI_BIT_IGNORED_W1C: return "ignored-w1c";
    case VMC_PCI_BIT_NOT_COMPARED: return "not-compared";
    case VMC_PCI_BIT_UNKNOWN: return "unknown";
    }
    return "unknown";
}

const char *vmc_pci_diff_verdict_name(vmc_pci_diff_verdict v)
{
    switch (v) {
    case VMC_PCI_DIFF_SAME: return "same";
    case VMC_PCI_DIFF_ACCEPTED: return "accepted";
    case VMC_PCI_DIFF_REFUSED: return "refused";
    case VMC_PCI_DIFF_DIFFER: return "differ";
    case VMC_PCI_DIFF_ONLY_A: return "only-a";
    case VMC_PCI_DIFF_ONLY_B: return "only-b";
    }
    return "differ";
}

static const char *str(vmc_pci_diff *d, const char *s)
{
    return s ? g_string_chunk_insert_const(d->strings, s) : NULL;
}

static vmc_pci_diff *diff_new(void)
{
    vmc_pci_diff *d = g_new0(vmc_pci_diff, 1);
    d->devices = g_array_new(FALSE, TRUE, sizeof(vmc_pci_diff_device));
    d->owned = g_ptr_array_new_with_free_func(g_free);
    d->strings = g_string_chunk_new(4096);
    return d;
}

void vmc_pci_diff_free(vmc_pci_diff *d)
{
    if (d) {
        g_array_free(d->devices, TRUE);
        g_ptr_array_free(d->owned, TRUE);
        g_string_chunk_free(d->strings);
        g_free(d);
    }
}

bool vmc_pci_diff_masks_known(const vmc_pci_diff *d)
{
    return d->masks_known;
}

size_t vmc_pci_diff_device_count(const vmc_pci_diff *d)
{
    return d->devices->len;
}

const vmc_pci_diff_device *vmc_pci_diff_device_at(const vmc_pci_diff *d, size_t i)
{
    return i < d->devices->len ? &g_array_index(d->devices, vmc_pci_diff_device, i) : NULL;
}

/* Worst first: refused, differ, accepted, same. */
static int rank(const vmc_pci_diff *d, vmc_pci_diff_verdict v)
{
    switch (v) {
    case VMC_PCI_DIFF_REFUSED: return 3;
    case VMC_PCI_DIFF_DIFFER: return 2;
    case VMC_PCI_DIFF_ACCEPTED: return 1;
    case VMC_PCI_DIFF_ONLY_A: return d->against_model ? 3 : 2;
    /* a destination device the stream does not carry keeps its reset state */
    case VMC_PCI_DIFF_ONLY_B: return d->against_model ? 0 : 2;
    default: return 0;
    }
}

vmc_pci_diff_verdict vmc_pci_diff_verdict_of(const vmc_pci_diff *d)
{
    int worst = 0;
    for (size_t i = 0; i < d->devices->len; i++) {
        int r = rank(d, g_array_index(d->devices, vmc_pci_diff_device, i).verdict);
        worst = r > worst ? r : worst;
    }
    static const vmc_pci_diff_verdict by_rank[] = { VMC_PCI_DIFF_SAME, VMC_PCI_DIFF_ACCEPTED,
                                                    VMC_PCI_DIFF_DIFFER, VMC_PCI_DIFF_REFUSED };
    return by_rank[worst];
}

/* ---- one function -------------------------------------------------------------- */

static vmc_pci_bit_verdict bit_verdict(uint8_t bit, const uint8_t *cm, const uint8_t *wm,
                                       const uint8_t *w1, unsigned k)
{
    if (!cm || !wm || !w1) {
        return VMC_PCI_BIT_UNKNOWN;
    }
    if (wm[k] & bit) {
        return VMC_PCI_BIT_IGNORED_WRITABLE;
    }
    if (w1[k] & bit) {
        return VMC_PCI_BIT_IGNORED_W1C;
    }
    if (!(cm[k] & bit)) {
        return VMC_PCI_BIT_NOT_COMPARED;
    }
    return VMC_PCI_BIT_REFUSED;
}

/*
 * Fill dev's differences for config a (the stream) against b; the masks
 * (all three, or none) are the destination's.
 */
static void diff_function(vmc_pci_diff *d, vmc_pci_diff_device *dev, const uint8_t *a,
                          const uint8_t *b, size_t size, const uint8_t *cm, const uint8_t *wm,
                          const uint8_t *w1)
{
    bool masks = cm && wm && w1;
    GArray *bytes = g_array_new(FALSE, TRUE, sizeof(vmc_pci_diff_byte));
    bool refused = false;
    for (unsigned k = 0; k < size; k++) {
        if (a[k] == b[k]) {
            continue;
        }
        /* the layout of side a names the byte; side b when a has nothing there */
        vmc_pci_where w;
        const uint8_t *layout = a;
        vmc_pci_regs_locate(a, size, k, &w);
        if (!w.reg) {
            vmc_pci_where wb;
            vmc_pci_regs_locate(b, size, k, &wb);
            if (wb.reg) {
                w = wb;
                layout = b;
            }
        }
        if (w.capability == w.buf) {
            w.capability = str(d, w.buf);
            w.prefix = w.capability;
        }
        char loc[160];
        vmc_pci_regs_location(&w, k, loc, sizeof(loc));
        vmc_pci_diff_byte db = {
            .offset = k,
            .reg = str(d, w.reg_name),
            .capability = str(d, w.capability),
            .cap_offset = w.cap_offset,
            .reg_offset = w.reg_offset,
            .reg_size = w.reg_size,
            .location = str(d, loc),
            .a = a[k],
            .b = b[k],
            .masks_known = masks,
        };
        if (masks) {
            db.cmask = cm[k];
            db.wmask = wm[k];
            db.w1cmask = w1[k];
            db.checked_bits = (uint8_t)((a[k] ^ b[k]) & cm[k] & ~wm[k] & ~w1[k]);
            refused |= db.checked_bits != 0;
        }
        uint8_t x = a[k] ^ b[k];
        vmc_pci_diff_bit *bits = g_new0(vmc_pci_diff_bit, 8);
        g_ptr_array_add(d->owned, bits);
        for (unsigned bit = 0; bit < 8; bit++) {
            uint8_t m = (uint8_t)(1u << bit);
            if (!(x & m)) {
                continue;
            }
            char name[96];
            const char *desc;
            vmc_pci_regs_bit(&w, k, bit, layout[w.reg_offset < size ? w.reg_offset : k], name,
                             sizeof(name), &desc);
            vmc_pci_diff_bit *bi = &bits[db.nbits++];
            bi->bit = bit;
            bi->name = str(d, name);
            bi->description = str(d, desc);
            bi->a = (a[k] & m) != 0;
            bi->b = (b[k] & m) != 0;
            bi->verdict = bit_verdict(m, cm, wm, w1, k);
            /* PCIe Slot Status, Presence Detect State: runtime state (QEMU 8.1 stopped
             * comparing it) */
            bi->false_incompatibility = bi->verdict == VMC_PCI_BIT_REFUSED && w.reg &&
                                        strcmp(w.reg->abbr, "SLTSTA") == 0 &&
                                        (k - w.reg_offset) * 8 + bit == 6;
        }
        db.bits = bits;
        g_array_append_val(bytes, db);
    }
    dev->ndiff = bytes->len;
    dev->diffs = (const vmc_pci_diff_byte *)bytes->data;
    g_ptr_array_add(d->owned, g_array_free(bytes, FALSE));
    if (refused) {
        dev->verdict = VMC_PCI_DIFF_REFUSED;
    } else if (dev->ndiff == 0) {
        dev->verdict = VMC_PCI_DIFF_SAME;
    } else {
        dev->verdict = masks ? VMC_PCI_DIFF_ACCEPTED : VMC_PCI_DIFF_DIFFER;
    }
}

int vmc_pci_diff_config(vmc_pci_diff **out, const char *section, const char *device,
                        const uint8_t *a, const uint8_t *b, size_t size, const uint8_t *cmask,
                        const uint8_t *wmask, const uint8_t *w1cmask)
{
    if (!out || !a || !b || (size != 256 && size != 4096)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "pci diff: config spaces of 256 or 4096 bytes are needed");
    }
    bool masks = cmask && wmask && w1cmask;
    vmc_pci_diff *d = diff_new();
    d->masks_known = masks;
    d->against_model = masks;
    vmc_pci_diff_device dev = {
        .section = str(d, section),
        .device = str(d, device),
        .size_a = (unsigned)size,
        .size_b = (unsigned)size,
    };
    diff_function(d, &dev, a, b, size, masks ? cmask : NULL, masks ? wmask : NULL,
                  masks ? w1cmask : NULL);
    g_array_append_val(d->devices, dev);
    *out = d;
    return 0;
}

/* ---- streams -------------------------------------------------------------------------- */

typedef struct stream_dev {
    char *idstr;
    uint32_t instance_id;
    char *vmsd;
    uint8_t *config;
    size_t size;
} stream_dev;

static void stream_dev_free(gpointer p)
{
    stream_dev *s = p;
    g_free(s->idstr);
    g_free(s->vmsd);
    g_free(s->config);
    g_free(s);
}

/* The first "pci config" value of a section (its PCIDevice's config buffer). */
static const vmc_value *find_config(const vmc_value *v, int depth)
{
    if (!v || depth > 6) {
        return NULL;
    }
    const char *type = vmc_value_type(v);
    if (vmc_value_kind_of(v) == VMC_VALUE_BYTES && type && strcmp(type, "pci config") == 0) {
        return v;
    }
    if (vmc_value_kind_of(v) != VMC_VALUE_STRUCT && vmc_value_kind_of(v) != VMC_VALUE_ARRAY) {
        return NULL;
    }
    for (size_t i = 0; i < vmc_value_count(v); i++) {
        const vmc_value *c = find_config(vmc_value_at(v, i), depth + 1);
        if (c) {
            return c;
        }
    }
    return NULL;
}

typedef struct lookup_ctx {
    const vmc_model *model;
} lookup_ctx;

/* The destination's descriptors first, then the built-in ones. */
static const vmc_vmsd *lookup(void *opaque, const char *idstr, uint32_t instance_id,
                              uint32_t version_id)
{
    lookup_ctx *c = opaque;
    const vmc_vmsd *v = NULL;
    if (c->model) {
        v = vmc_model_lookup((void *)c->model, idstr, instance_id, version_id);
    }
    return v ? v : vmc_models_lookup(NULL, idstr, instance_id, version_id);
}

/* The PCI functions of a stream, in stream order. */
static int read_stream(vmc_source *src, const vmc_model *model, const vmc_pci_diff_options *o,
                       GPtrArray **out)
{
    lookup_ctx lc = { .model = model };
    vmc_reader_options ro = { .lookup = lookup, .lookup_opaque = &lc };
    if (o) {
        ro.max_device_state = o->max_device_state;
    }
    vmc_reader *r;
    int rc = vmc_reader_new(&r, src, &ro);
    if (rc) {
        return rc;
    }
    GPtrArray *devs = g_ptr_array_new_with_free_func(stream_dev_free);
    vmc_event ev;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE) {
            continue;
        }
        const vmc_value *cfg = find_config(ev.u.state.value, 0);
        size_t n = 0;
        const uint8_t *bytes = cfg ? vmc_value_bytes(cfg, &n) : NULL;
        if (ev.u.state.value && (!bytes || n == 0)) {
            continue;   /* decoded, not a PCI function */
        }
        /* undecoded sections are kept (config NULL): the other side may say it is PCI */
        stream_dev *s = g_new0(stream_dev, 1);
        s->idstr = g_strdup(ev.u.state.idstr);
        s->instance_id = ev.u.state.instance_id;
        const char *vn = ev.u.state.value ? vmc_value_vmsd_name(ev.u.state.value) : NULL;
        s->vmsd = vn ? g_strdup(vn) : NULL;
        s->config = bytes ? g_memdup2(bytes, n) : NULL;
        s->size = bytes ? n : 0;
        g_ptr_array_add(devs, s);
    }
    vmc_reader_free(r);
    if (rc < 0) {
        g_ptr_array_free(devs, TRUE);
        return rc;
    }
    *out = devs;
    return 0;
}

/* The model's PCI function whose state is in section (idstr, instance). */
static const vmc_model_pci *model_pci(const vmc_model *m, const char *idstr, uint32_t inst)
{
    if (!m) {
        return NULL;
    }
    const vmc_model_entry *e = vmc_model_find_entry(m, idstr, inst);
    const char *name = e ? e->idstr : idstr;
    for (size_t i = 0; i < vmc_model_pci_count(m); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, i);
        if (p->section_idstr && strcmp(p->section_idstr, name) == 0) {
            return p;
        }
    }
    return NULL;
}

/* "0000:00:12.0" from "0000:00:12.0/pcie-root-port" */
static const char *bdf_of(vmc_pci_diff *d, const char *idstr)
{
    const char *slash = strchr(idstr, '/');
    if (!slash || slash - idstr < 12 || idstr[4] != ':' || idstr[7] != ':') {
        return NULL;
    }
    char buf[64];
    size_t n = (size_t)(slash - idstr) < sizeof(buf) - 1 ? (size_t)(slash - idstr)
                                                         : sizeof(buf) - 1;
    memcpy(buf, idstr, n);
    buf[n] = '\0';
    return str(d, buf);
}

static void add_pair(vmc_pci_diff *d, const stream_dev *sa, const uint8_t *b, size_t bsize,
                     const char *btype, const vmc_model_pci *masks, const char *idstr,
                     uint32_t inst, bool b_undecoded)
{
    vmc_pci_diff_device dev = {
        .section = str(d, idstr),
        .instance_id = inst,
        .device = str(d, masks ? masks->type : btype ? btype : sa ? sa->vmsd : NULL),
        .bdf = bdf_of(d, idstr),
        .size_a = sa ? (unsigned)sa->size : 0,
        .size_b = b ? (unsigned)bsize : 0,
    };
    if (sa && !sa->config) {
        dev.verdict = VMC_PCI_DIFF_DIFFER;
        dev.size_a = 0;
        dev.note = str(d, "the section (side a) could not be decoded (no description of "
                          "it): its config space is unknown");
    } else if (b_undecoded) {
        dev.verdict = VMC_PCI_DIFF_DIFFER;
        dev.note = str(d, "the section (side b) could not be decoded (no description of "
                          "it): its config space is unknown");
    } else if (!sa) {
        dev.verdict = VMC_PCI_DIFF_ONLY_B;
        dev.note = d->against_model ? str(d, "the stream has no section for this device: it "
                                             "keeps its reset state")
                                    : str(d, "only in the second stream");
    } else if (!b) {
        dev.verdict = VMC_PCI_DIFF_ONLY_A;
        if (d->against_model) {
            dev.note = str(d, "the destination has no PCI device for this section (QEMU "
                              "refuses an unknown section; see vmcompat preflight)");
        } else {
            dev.note = str(d, "only in the first stream");
        }
    } else if (sa->size != bsize) {
        dev.verdict = masks ? VMC_PCI_DIFF_REFUSED : VMC_PCI_DIFF_DIFFER;
        dev.note = str(d, "config spaces of different sizes (PCI Express on one side only): "
                          "the destination cannot read the stream's config buffer");
    } else {
        bool mk = masks && masks->config_size == bsize && masks->cmask && masks->wmask &&
                  masks->w1cmask;
        if (masks && !mk) {
            dev.note = str(d, "the destination's masks are not modelled for this device");
        }
        diff_function(d, &dev, sa->config, b, bsize, mk ? masks->cmask : NULL,
                      mk ? masks->wmask : NULL, mk ? masks->w1cmask : NULL);
    }
    g_array_append_val(d->devices, dev);
}

int vmc_pci_diff_stream_model(vmc_pci_diff **out, vmc_source *stream, const vmc_model *dest,
                              const vmc_pci_diff_options *o)
{
    if (!out || !stream || !dest) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "pci diff: stream and model needed");
    }
    GPtrArray *sd;
    int rc = read_stream(stream, dest, o, &sd);
    if (rc) {
        return rc;
    }
    vmc_pci_diff *d = diff_new();
    d->masks_known = true;
    d->against_model = true;
    GHashTable *matched = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < sd->len; i++) {
        const stream_dev *s = sd->pdata[i];
        const vmc_model_pci *p = model_pci(dest, s->idstr, s->instance_id);
        if (p && p->config_size && p->config) {
            g_hash_table_add(matched, (gpointer)p);
            add_pair(d, s, p->config, p->config_size, p->type, p, s->idstr, s->instance_id,
                     false);
        } else if (p) {
            g_hash_table_add(matched, (gpointer)p);
            vmc_pci_diff_device dev = {
                .section = str(d, s->idstr),
                .instance_id = s->instance_id,
                .device = str(d, p->type),
                .bdf = bdf_of(d, s->idstr),
                .size_a = (unsigned)s->size,
                .verdict = VMC_PCI_DIFF_DIFFER,
                .note = str(d, "the destination's config space is not modelled for this device"),
            };
            g_array_append_val(d->devices, dev);
        } else if (s->config) {
            add_pair(d, s, NULL, 0, NULL, NULL, s->idstr, s->instance_id, false);
        }   /* an undecoded section the destination has no PCI device for: not PCI */
    }
    /* the destination's PCI devices the stream does not carry */
    for (size_t i = 0; i < vmc_model_pci_count(dest); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(dest, i);
        if (!p->section_idstr || !p->config_size || g_hash_table_contains(matched, p)) {
            continue;
        }
        uint32_t inst = 0;
        for (size_t k = 0; k < vmc_model_entry_count(dest); k++) {
            const vmc_model_entry *e = vmc_model_entry_at(dest, k);
            if (strcmp(e->idstr, p->section_idstr) == 0) {
                inst = e->instance_id;
                break;
            }
        }
        add_pair(d, NULL, p->config, p->config_size, p->type, p, p->section_idstr, inst,
                 false);
    }
    g_hash_table_destroy(matched);
    g_ptr_array_free(sd, TRUE);
    *out = d;
    return 0;
}

int vmc_pci_diff_streams(vmc_pci_diff **out, vmc_source *a, vmc_source *b,
                         const vmc_model *masks, const vmc_pci_diff_options *o)
{
    if (!out || !a || !b) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "pci diff: two streams needed");
    }
    GPtrArray *da, *db;
    int rc = read_stream(a, masks, o, &da);
    if (rc) {
        return rc;
    }
    if ((rc = read_stream(b, masks, o, &db))) {
        g_ptr_array_free(da, TRUE);
        return rc;
    }
    vmc_pci_diff *d = diff_new();
    d->masks_known = masks != NULL;
    bool *used = g_new0(bool, db->len + 1);
    for (guint i = 0; i < da->len; i++) {
        const stream_dev *s = da->pdata[i];
        const stream_dev *t = NULL;
        for (guint k = 0; k < db->len; k++) {
            const stream_dev *c = db->pdata[k];
            if (!used[k] && c->instance_id == s->instance_id && strcmp(c->idstr, s->idstr) == 0) {
                t = c;
                used[k] = true;
                break;
            }
        }
        if (!s->config && (!t || !t->config)) {
            continue;   /* not known to be PCI on either side */
        }
        bool t_undecoded = t && !t->config;
        const vmc_model_pci *p = model_pci(masks, s->idstr, s->instance_id);
        if (masks && !p && t) {
            /* masks asked for but the model has no such device: compare without */
            add_pair(d, s, t->config, t->size, NULL, NULL, s->idstr, s->instance_id,
                     t_undecoded);
            vmc_pci_diff_device *dev =
                &g_array_index(d->devices, vmc_pci_diff_device, d->devices->len - 1);
            if (dev->verdict != VMC_PCI_DIFF_SAME && !dev->note) {
                dev->note = str(d, "the QEMU arguments have no PCI device for this section: "
                                   "masks unknown");
            }
            continue;
        }
        add_pair(d, s, t ? t->config : NULL, t ? t->size : 0, t ? t->vmsd : NULL, p, s->idstr,
                 s->instance_id, t_undecoded);
    }
    for (guint k = 0; k < db->len; k++) {
        const stream_dev *t = db->pdata[k];
        if (!used[k] && t->config) {
            add_pair(d, NULL, t->config, t->size, t->vmsd, NULL, t->idstr, t->instance_id,
                     false);
        }
    }
    g_free(used);
    g_ptr_array_free(da, TRUE);
    g_ptr_array_free(db, TRUE);
    *out = d;
    return 0;
}
