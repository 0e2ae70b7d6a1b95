/*
 * Payload of a device (vmstate) section.  Device payloads are not
 * self-describing: they are decoded with the stream's vmdesc entry for the
 * section, else with a built-in descriptor from the lookup callback, else
 * their extent is recovered from the framing (footer followed by a
 * plausible next header) and they stay undecoded.
 */
#include "migrate-stream/reader_internal.h"
#include "vmstate/decode.h"
#include "common/error_internal.h"

#include <ctype.h>
#include <string.h>

static void warn_cb(void *opaque, const char *msg)
{
    vmc_reader_warn(opaque, "%s", msg);
}

/* Pick the vmdesc entry for this FULL/START section. */
static const vmc_vd_device *match_vmdesc(vmc_reader *r, const vmc_sec_info *sec)
{
    vmc_vmdesc *d = r->vmdesc;
    if (!d) {
        return NULL;
    }
    /* The trailer has one entry per device section, in the same order. */
    if (r->vmdesc_next < d->ndevices) {
        const vmc_vd_device *e = &d->devices[r->vmdesc_next];
        if (!r->vmdesc_used[r->vmdesc_next] && strcmp(e->name, sec->idstr) == 0 &&
            e->instance_id == sec->instance_id) {
            r->vmdesc_used[r->vmdesc_next] = true;
            r->vmdesc_next++;
            return e;
        }
    }
    for (size_t i = 0; i < d->ndevices; i++) {
        const vmc_vd_device *e = &d->devices[i];
        if (!r->vmdesc_used[i] && strcmp(e->name, sec->idstr) == 0 &&
            e->instance_id == sec->instance_id) {
            vmc_reader_warn(r, "section '%s' instance %u is entry %zu of the vmdesc, out of "
                            "stream order", sec->idstr, sec->instance_id, i);
            r->vmdesc_used[i] = true;
            r->vmdesc_next = i + 1;
            return e;
        }
    }
    return NULL;
}

static bool printable(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] > 0x7e) {
            return false;
        }
    }
    return true;
}

/*
 * Does a plausible record (or the end of the stream) start at d[q]?  With
 * cut, a record header cut by the end of the input also counts when its
 * available bytes fit (after a footer: reading the header then reports the
 * truncation where it is).
 */
static bool plausible_next(vmc_reader *r, const uint8_t *d, size_t len, size_t q, bool cut)
{
    if (q == len) {
        return true;
    }
    switch (d[q]) {
    case VMC_SEC_EOF:
        return q + 1 == len || d[q + 1] == VMC_SEC_VMDESC;
    case VMC_SEC_START:
    case VMC_SEC_FULL: {
        if (q + 6 > len) {
            return cut;
        }
        size_t n = d[q + 5];
        if (q + 6 + n + 8 > len) {
            return cut && n > 0 && printable(d + q + 6, n < len - (q + 6) ? n : len - (q + 6));
        }
        return n > 0 && printable(d + q + 6, n);
    }
    case VMC_SEC_PART:
    case VMC_SEC_END:
        if (q + 5 > len) {
            return cut;
        }
        return g_hash_table_contains(r->sections, GUINT_TO_POINTER(vmc_be32(d + q + 1)));
    case VMC_SEC_COMMAND:
        if (q + 5 > len) {
            return cut;
        }
        return vmc_be16(d + q + 1) >= 1 && vmc_be16(d + q + 1) <= 11;
    default:
        return false;
    }
}

/* Is there a footer of this section anywhere in d[0..len)? */
static bool footer_follows(const vmc_sec_info *sec, const uint8_t *d, size_t len)
{
    for (size_t p = 0; p + 5 <= len; p++) {
        if (d[p] == VMC_SEC_FOOTER && vmc_be32(d + p + 1) == sec->id) {
            return true;
        }
    }
    return false;
}

/* Payload length recovered from the framing, or SIZE_MAX. */
static size_t framing_scan(vmc_reader *r, const vmc_sec_info *sec, const uint8_t *d, size_t len)
{
    bool footers = !r->footers_missing;
    for (size_t p = 0; p < len; p++) {
        if (footers) {
            if (d[p] == VMC_SEC_FOOTER && p + 5 <= len && vmc_be32(d + p + 1) == sec->id &&
                plausible_next(r, d, len, p + 5, true)) {
                return p;
            }
        } else if (p > 0 && plausible_next(r, d, len, p, false) && d[p] != VMC_SEC_EOF) {
            return p;
        }
    }
    if (!footers) {
        /* the last section before EOF */
        for (size_t p = 0; p < len; p++) {
            if (d[p] == VMC_SEC_EOF && plausible_next(r, d, len, p, false)) {
                return p;
            }
        }
    }
    return SIZE_MAX;
}

void vmc_reader_set_section_decoder(vmc_reader *r, vmc_section_decoder_fn fn, void *opaque)
{
    r->section_decoder = fn;
    r->section_decoder_opaque = opaque;
    r->vmdesc_lazy = fn != NULL;
}

int vmc_device_state_read(vmc_reader *r, vmc_sec_info *sec, vmc_event *ev)
{
    int rc;
    int64_t start = vmc_source_tell(r->src);
    if (!r->vmdesc_tried) {
        if ((rc = vmc_reader_find_trailer(r))) {
            vmc_error_add_context(sec->idstr, NULL);
            return rc;
        }
    }
    size_t avail;
    const uint8_t *mem = vmc_source_memory_at(r->src, start, &avail);
    if (!mem) {
        const uint8_t *d;
        if ((rc = vmc_source_slurp(r->src, r->opts.max_device_state, &d, &avail))) {
            return rc;
        }
        mem = d;
    }
    vmc_decode_ctx dc = {
        .arena = r->arena,
        .cur = { .base = mem, .len = avail, .pos = 0, .abs = start },
        .section = sec->idstr,
        .warn = warn_cb,
        .warn_opaque = r,
    };
    /* Never let a decode run into the trailer. */
    if (r->trailer_offset >= start) {
        size_t lim = (size_t)(r->trailer_offset - start);
        if (lim < dc.cur.len) {
            dc.cur.len = lim;
        }
    }
    vmc_value *value = NULL;
    const char *described_by = NULL;
    /* lazy mode: the vmdesc waits until a section needs it */
    const vmc_vd_device *entry = r->vmdesc_pending ? NULL : match_vmdesc(r, sec);
    if (r->section_decoder && r->footers_seen && !r->footers_missing) {
        /* QEMU's own test of a section read: its footer comes next */
        vmc_decode_ctx try = dc;
        try.warn = NULL;   /* a failed try is not the stream's problem */
        if (r->section_decoder(r->section_decoder_opaque, &try, sec, &value) == 0 &&
            try.cur.pos + 5 <= try.cur.len && mem[try.cur.pos] == VMC_SEC_FOOTER &&
            vmc_be32(mem + try.cur.pos + 1) == sec->id) {
            dc.cur.pos = try.cur.pos;
            described_by = "decoder";
            if (r->vmdesc_pending) {
                if (!r->decoder_sections) {
                    r->decoder_sections = g_ptr_array_new_with_free_func(g_free);
                }
                g_ptr_array_add(r->decoder_sections,
                                g_strdup_printf("%s\x1f%u", sec->idstr, sec->instance_id));
            }
        } else {
            vmc_error_clear();
            value = NULL;
        }
    }
    if (!described_by && r->vmdesc_pending) {
        /* the decoder could not read it: the stream's own description now */
        if ((rc = vmc_reader_vmdesc_ensure(r))) {
            return rc;
        }
        entry = match_vmdesc(r, sec);
    }
    if (described_by) {
        /* read by the section decoder */
    } else if (entry) {
        if (entry->desc.version >= 0 && entry->desc.version != sec->version_id) {
            vmc_reader_warn(r, "section '%s' has version %u but its vmdesc entry says %lld",
                            sec->idstr, sec->version_id, (long long)entry->desc.version);
        }
        if ((rc = vmc_vd_decode_device(&dc, entry, &value))) {
            return rc;
        }
        described_by = "vmdesc";
    } else {
        const vmc_vmsd *vmsd = NULL;
        if (r->opts.lookup) {
            vmsd = r->opts.lookup(r->opts.lookup_opaque, sec->idstr, sec->instance_id,
                                  sec->version_id);
        }
        if (vmsd) {
            if ((rc = vmc_engine_decode(&dc, vmsd, (int)sec->version_id, sec->idstr, &value))) {
                return rc;
            }
            described_by = "model";
        } else {
            size_t n = framing_scan(r, sec, mem, dc.cur.len);
            if (n == SIZE_MAX && r->trailer_offset < 0 &&
                (r->footers_missing || !footer_follows(sec, mem, dc.cur.len))) {
                /* Nothing that could end this section before the input ends. */
                return vmc_error_set(VMC_ETRUNC, start + (int64_t)dc.cur.len, sec->idstr, NULL,
                                     "stream ends inside section '%s' (instance %u): no %s "
                                     "follows and there is no vmdesc trailer to describe it "
                                     "(QEMU fails with an input/output error)", sec->idstr,
                                     sec->instance_id,
                                     r->footers_missing ? "QEMU_VM_EOF" : "section footer");
            }
            if (n == SIZE_MAX) {
                return vmc_error_set(VMC_EFORMAT, start, sec->idstr, NULL,
                                     "no description of section '%s' (instance %u) and its end "
                                     "cannot be found from the framing",
                                     sec->idstr, sec->instance_id);
            }
            vmc_reader_warn(r, "section '%s' (instance %u) at 0x%llx is not described by the "
                            "stream's vmdesc; %zu bytes kept undecoded", sec->idstr,
                            sec->instance_id, (unsigned long long)start, n);
            dc.cur.pos = n;
        }
    }
    vmc_source_consume(r->src, dc.cur.pos);
    ev->kind = VMC_EV_DEVICE_STATE;
    ev->offset = start;
    ev->length = (int64_t)dc.cur.pos;
    ev->u.state.section_id = sec->id;
    ev->u.state.idstr = sec->idstr;
    ev->u.state.instance_id = sec->instance_id;
    ev->u.state.version_id = sec->version_id;
    ev->u.state.value = value;
    ev->u.state.described_by = described_by;
    ev->u.state.payload = mem;
    ev->u.state.payload_len = dc.cur.pos;
    return 1;
}
