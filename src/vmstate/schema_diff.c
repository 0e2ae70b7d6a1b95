/*
 * schema-diff: what a migration from the source dump (OLD) to the
 * destination dump (NEW) would meet, from two -dump-vmstate files.
 *
 * How QEMU loads (migration/vmstate.c) decides the rules:
 * - A section's idstr is its vmsd name; the stream carries the source's
 *   version_id, which the destination accepts when
 *   minimum_version_id <= V <= version_id.  Subsections carry their name and
 *   version the same way and are looked up by name, in any order.
 * - A nested vmsd (VMSTATE_STRUCT) is written at the source's own version of
 *   it and read at the destination's own version: no version check happens,
 *   but the fields each side selects may differ.
 * - A field is on the wire when it has a field_exists test that holds
 *   (unknown statically: "conditional"), else when its version_id <= V.
 * - Only bytes travel: field names and C struct sizes are not on the wire;
 *   an "unused" placeholder (VMSTATE_UNUSED) is just a run of bytes.
 *
 * Finding kinds (severity in brackets; "source" = OLD, "destination" = NEW,
 * swapped by opts->reverse):
 *   machine-type [warning]          the dumps are of different machine types
 *   section-missing [error]         source section (device type) absent in the destination
 *   section-renamed [info]          matched through a known or waived type rename
 *   section-added [info]            destination-only section: never sent by the source
 *   version-too-new [error]         source version_id > destination version_id
 *                                   ([warning] for nested vmsds)
 *   version-too-old [error]         source version_id < destination minimum_version_id
 *                                   ([warning] for nested vmsds)
 *   description-missing [error]     source has a vmsd (section or struct field), destination none
 *   description-added [error]       destination has a struct where the source has a plain
 *                                   field ([warning] for a whole section)
 *   description-renamed [error]     section vmsd renamed: its name is the idstr on the wire
 *                                   ([warning] for nested vmsds, [info] when known/waived)
 *   fields-missing [error]          the destination vmsd has no field list at all
 *   field-missing [error]           source sends a field the destination does not read
 *   field-missing-conditional [warning]  ... only when its field_exists test holds
 *   field-added [error]             destination reads a field the source never sends
 *   field-added-conditional [warning]    ... only when its field_exists test holds
 *   field-added-versioned [info]    destination-only field with version_id above the
 *                                   version it loads: skipped
 *   field-renamed [error]           same position and size, other name: a rename or a
 *                                   replacement ([info] when known or waived)
 *   field-order [error]             a field present on both sides at another position
 *   field-size [error]              element sizes differ (plain fields)
 *   array-length [error]            "num" differs (both dumps record array lengths)
 *   field-version [error]           version_id differs so that only one side puts the
 *                                   field on the wire ([warning] when both still agree)
 *   field-exists-changed [warning]  a field_exists test was added or removed
 *   field-unused [info]             source field falls on a destination "unused"
 *                                   placeholder of the same byte count ([warning] when a
 *                                   destination field is loaded from source "unused" bytes)
 *   unused-size [error]             around "unused" placeholders the byte counts differ
 *                                   ([warning] when a dump lacks array lengths)
 *   field-struct-moved [info]       fields moved into or out of a nested struct (same wire)
 *   subsection-missing [error]      the source may send a subsection the destination
 *                                   does not know (it fails the load)
 *   subsection-added [info]         destination-only subsection: its absence is accepted
 * QEMU's vmstate-static-checker.py reports the error cases of the first
 * mismatch per vmsd; this reports all of them.
 */
#include "vmstate/dump_internal.h"
#include "common/error_internal.h"

#include <fnmatch.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LCS_CELLS (1u << 20)
#define MAX_EXPANSIONS 256
#define MSG_MAX 2048

static const char *const kind_names[] = {
    "machine-type", "section-missing", "section-renamed", "section-added",
    "version-too-new", "version-too-old", "description-missing", "description-added",
    "description-renamed", "fields-missing", "field-missing", "field-missing-conditional",
    "field-added", "field-added-conditional", "field-added-versioned", "field-renamed",
    "field-order", "field-size", "array-length", "field-version", "field-exists-changed",
    "field-unused", "unused-size", "field-struct-moved", "subsection-missing",
    "subsection-added",
};

bool vmc_schema_kind_known(const char *kind)
{
    for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
        if (strcmp(kind, kind_names[i]) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * Renames QEMU's vmstate-static-checker.py accepts.  As there, one table
 * serves field names (scope = the vmsd the fields are in) and vmsd names
 * (scope = the section).
 */
static const struct builtin_rename {
    const char *scope, *a, *b;
} builtin_renames[] = {
    { "apic", "timer", "timer_expiry" },
    { "e1000", "dev", "parent_obj" },
    { "ehci", "dev", "pcidev" },
    { "I440FX", "dev", "parent_obj" },
    { "ich9_ahci", "card", "parent_obj" },
    { "ich9-ahci", "ahci", "ich9_ahci" },
    { "ioh3420", "PCIDevice", "PCIEDevice" },
    { "ioh-3240-express-root-port", "port.br.dev", "parent_obj.parent_obj.parent_obj" },
    { "ioh-3240-express-root-port", "port.br.dev.exp.aer_log",
      "parent_obj.parent_obj.parent_obj.exp.aer_log" },
    { "cirrus_vga", "hw_cursor_x", "vga.hw_cursor_x" },
    { "cirrus_vga", "hw_cursor_y", "vga.hw_cursor_y" },
    { "lsiscsi", "dev", "parent_obj" },
    { "mch", "d", "parent_obj" },
    { "pci_bridge", "bridge.dev", "parent_obj" },
    { "pci_bridge", "bridge.dev.shpc", "shpc" },
    { "pcnet", "pci_dev", "parent_obj" },
    { "PIIX3", "pci_irq_levels", "pci_irq_levels_vmstate" },
    { "piix4_pm", "dev", "parent_obj" },
    { "piix4_pm", "pci0_status", "acpi_pci_hotplug.acpi_pcihp_pci_status[0x0]" },
    { "piix4_pm", "pm1a.sts", "ar.pm1.evt.sts" },
    { "piix4_pm", "pm1a.en", "ar.pm1.evt.en" },
    { "piix4_pm", "pm1_cnt.cnt", "ar.pm1.cnt.cnt" },
    { "piix4_pm", "tmr.timer", "ar.tmr.timer" },
    { "piix4_pm", "tmr.overflow_time", "ar.tmr.overflow_time" },
    { "piix4_pm", "gpe", "ar.gpe" },
    { "rtl8139", "dev", "parent_obj" },
    { "qxl", "num_surfaces", "ssd.num_surfaces" },
    { "usb-ccid", "abProtocolDataStructure", "abProtocolDataStructure.data" },
    { "usb-host", "dev", "parent_obj" },
    { "usb-mouse", "usb-ptr-queue", "HIDPointerEventQueue" },
    { "usb-tablet", "usb-ptr-queue", "HIDPointerEventQueue" },
    { "vmware_vga", "card", "parent_obj" },
    { "vmware_vga_internal", "depth", "new_depth" },
    { "xhci", "pci_dev", "parent_obj" },
    { "x3130-upstream", "PCIDevice", "PCIEDevice" },
    { "xio3130-express-downstream-port", "port.br.dev", "parent_obj.parent_obj.parent_obj" },
    { "xio3130-express-downstream-port", "port.br.dev.exp.aer_log",
      "parent_obj.parent_obj.parent_obj.exp.aer_log" },
    { "xio3130-downstream", "PCIDevice", "PCIEDevice" },
    { "xio3130-express-upstream-port", "br.dev", "parent_obj.parent_obj" },
    { "xio3130-express-upstream-port", "br.dev.exp.aer_log", "parent_obj.parent_obj.exp.aer_log" },
    { "spapr_pci", "dma_liobn[0]", "mig_liobn" },
    { "spapr_pci", "mem_win_addr", "mig_mem_win_addr" },
    { "spapr_pci", "mem_win_size", "mig_mem_win_size" },
    { "spapr_pci", "io_win_addr", "mig_io_win_addr" },
    { "spapr_pci", "io_win_size", "mig_io_win_size" },
    /* section (QOM type) renames */
    { NULL, "ICH9 LPC", "ICH9-LPC" },
    { NULL, "e1000-82540em", "e1000" },
};

#define BUILTIN_REASON "a rename QEMU's vmstate-static-checker.py accepts"

struct vmc_findings {
    vmc_arena *a;
    vmc_finding *v;
    size_t n, cap;
    size_t counts[3];
    size_t nwaivers;
    size_t *waiver_uses;
};

enum pres { P_NO, P_YES, P_MAYBE };
enum role { R_TOP, R_SUB, R_NESTED };

/* A field as one side puts it on the wire. */
struct ent {
    const vmc_dd_field *f;
    const char *desc;   /* vmsd the field belongs to */
    int32_t wire;       /* version that vmsd is written (source) / read (destination) at */
    enum pres pres;
};

struct dctx {
    vmc_findings *out;
    const vmc_dump *o, *n;
    const vmc_waivers *w;
    const char *section;
    int rc;
    int expansions;
};

static const char *sev_names[] = { "info", "warning", "error" };

const char *vmc_severity_name(vmc_severity s)
{
    return (unsigned)s < 3 ? sev_names[s] : "?";
}

static bool pat_match(const char *pattern, const char *s)
{
    if (!pattern) {
        return true;
    }
    return s && fnmatch(pattern, s, 0) == 0;
}

static void emit(struct dctx *dc, vmc_severity sev, const char *kind, const char *desc,
                 const char *field, const char *waiver, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void emit(struct dctx *dc, vmc_severity sev, const char *kind, const char *desc,
                 const char *field, const char *waiver, const char *fmt, ...)
{
    vmc_findings *F = dc->out;
    if (dc->rc) {
        return;
    }
    char msg[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!waiver && dc->w) {
        for (size_t i = 0; i < dc->w->n; i++) {
            const vmc_waiver *w = &dc->w->w[i];
            if (w->old_name || strcmp(w->kind, kind) != 0 || !pat_match(w->section, dc->section) ||
                !pat_match(w->description, desc) || !pat_match(w->field, field)) {
                continue;
            }
            waiver = w->reason;
            F->waiver_uses[i]++;
            break;
        }
    }
    if (waiver) {
        sev = VMC_SEV_INFO;
    }
    if (F->n == F->cap) {
        size_t cap = F->cap ? F->cap * 2 : 64;
        vmc_finding *v = realloc(F->v, cap * sizeof(*v));
        if (!v) {
            dc->rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            return;
        }
        F->v = v;
        F->cap = cap;
    }
    /* The findings own copies: they may outlive the dumps and waivers. */
    vmc_finding *f = &F->v[F->n];
    f->severity = sev;
    f->kind = kind;
    f->section = dc->section ? vmc_arena_strdup(F->a, dc->section) : NULL;
    f->description = desc ? vmc_arena_strdup(F->a, desc) : NULL;
    f->field = field ? vmc_arena_strdup(F->a, field) : NULL;
    f->waiver = waiver ? vmc_arena_strdup(F->a, waiver) : NULL;
    f->message = vmc_arena_strdup(F->a, msg);
    if (!f->message || (dc->section && !f->section) || (desc && !f->description) ||
        (field && !f->field) || (waiver && !f->waiver)) {
        dc->rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        return;
    }
    F->n++;
    F->counts[sev]++;
}

/*
 * Do names a (source) and b (destination) denote the same thing?  Returns
 * NULL when not, "" when equal, else the reason of the rename that matched.
 * scope_a/scope_b: the vmsds (fields) or the section (vmsd names).
 */
static const char *names_match(struct dctx *dc, const char *kind, const char *scope_a,
                               const char *scope_b, const char *a, const char *b)
{
    if (strcmp(a, b) == 0) {
        return "";
    }
    bool section_kind = strcmp(kind, "section-renamed") == 0;
    for (size_t i = 0; i < sizeof(builtin_renames) / sizeof(builtin_renames[0]); i++) {
        const struct builtin_rename *r = &builtin_renames[i];
        if (section_kind != (r->scope == NULL)) {
            continue;
        }
        if (r->scope && strcmp(r->scope, scope_a) != 0 && strcmp(r->scope, scope_b) != 0) {
            continue;
        }
        if ((strcmp(r->a, a) == 0 && strcmp(r->b, b) == 0) ||
            (strcmp(r->a, b) == 0 && strcmp(r->b, a) == 0)) {
            return BUILTIN_REASON;
        }
    }
    if (dc->w) {
        for (size_t i = 0; i < dc->w->n; i++) {
            const vmc_waiver *w = &dc->w->w[i];
            if (!w->old_name || strcmp(w->kind, kind) != 0) {
                continue;
            }
            if (!((strcmp(w->old_name, a) == 0 && strcmp(w->new_name, b) == 0) ||
                  (strcmp(w->old_name, b) == 0 && strcmp(w->new_name, a) == 0))) {
                continue;
            }
            if (!section_kind && !pat_match(w->section, dc->section)) {
                continue;
            }
            if (strcmp(kind, "field-renamed") == 0 && w->description &&
                !pat_match(w->description, scope_a) && !pat_match(w->description, scope_b)) {
                continue;
            }
            dc->out->waiver_uses[i]++;
            return w->reason;
        }
    }
    return NULL;
}

static bool is_unused(const struct ent *e)
{
    return strcmp(e->f->name, "unused") == 0;
}

static enum pres presence(const vmc_dd_field *f, int32_t wire)
{
    if (f->field_exists) {
        return P_MAYBE;
    }
    return f->version_id <= wire ? P_YES : P_NO;
}

static bool fields_eq(struct dctx *dc, const struct ent *o, const struct ent *n)
{
    if (is_unused(o) || is_unused(n)) {
        return false;
    }
    return names_match(dc, "field-renamed", o->desc, n->desc, o->f->name, n->f->name) != NULL;
}

static uint64_t elems(const vmc_dd_field *f)
{
    return f->num >= 0 ? (uint64_t)f->num : 1;
}

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

static void compare_desc(struct dctx *dc, const vmc_dd_desc *od, const vmc_dd_desc *nd,
                         enum role role, const char *via);

static void report_missing(struct dctx *dc, const struct ent *o)
{
    if (o->pres == P_YES) {
        emit(dc, VMC_SEV_ERROR, "field-missing", o->desc, o->f->name, NULL,
             "vmsd \"%s\": the source sends field \"%s\" (%llu byte%s), the destination has no "
             "such field",
             o->desc, o->f->name, (unsigned long long)o->f->size, plural(o->f->size));
    } else if (o->pres == P_MAYBE) {
        emit(dc, VMC_SEV_WARNING, "field-missing-conditional", o->desc, o->f->name, NULL,
             "vmsd \"%s\": the source sends field \"%s\" when its field_exists test holds, the "
             "destination has no such field",
             o->desc, o->f->name);
    }
}

static void report_added(struct dctx *dc, const struct ent *n)
{
    if (n->pres == P_YES) {
        emit(dc, VMC_SEV_ERROR, "field-added", n->desc, n->f->name, NULL,
             "vmsd \"%s\": the destination reads field \"%s\" (version_id %d <= %d, no "
             "field_exists test), the source never sends it",
             n->desc, n->f->name, n->f->version_id, n->wire);
    } else if (n->pres == P_MAYBE) {
        emit(dc, VMC_SEV_WARNING, "field-added-conditional", n->desc, n->f->name, NULL,
             "vmsd \"%s\": the destination reads field \"%s\" when its field_exists test holds, "
             "the source never sends it",
             n->desc, n->f->name);
    } else {
        emit(dc, VMC_SEV_INFO, "field-added-versioned", n->desc, n->f->name, NULL,
             "vmsd \"%s\": destination-only field \"%s\" has version_id %d > %d, the version "
             "it is loaded at: skipped",
             n->desc, n->f->name, n->f->version_id, n->wire);
    }
}

/* A pair of fields that stand for each other. */
static void compare_pair(struct dctx *dc, const struct ent *o, const struct ent *n)
{
    const vmc_dd_field *of = o->f, *nf = n->f;
    const char *d = o->desc, *name = of->name;
    if (strcmp(of->name, nf->name) != 0) {
        const char *why = names_match(dc, "field-renamed", o->desc, n->desc, of->name, nf->name);
        if (why && *why) {
            emit(dc, VMC_SEV_INFO, "field-renamed", d, name, why,
                 "vmsd \"%s\": field \"%s\" is \"%s\" in the destination", d, of->name, nf->name);
        }
    }
    if (o->pres != n->pres) {
        if (o->pres == P_YES && n->pres == P_NO) {
            emit(dc, VMC_SEV_ERROR, "field-version", d, name, NULL,
                 "vmsd \"%s\": the source sends field \"%s\" (version_id %d <= %d), the "
                 "destination skips it (version_id %d > %d)",
                 d, name, of->version_id, o->wire, nf->version_id, n->wire);
        } else if (o->pres == P_NO && n->pres == P_YES) {
            emit(dc, VMC_SEV_ERROR, "field-version", d, name, NULL,
                 "vmsd \"%s\": the destination reads field \"%s\" (version_id %d <= %d), the "
                 "source does not send it (version_id %d > %d)",
                 d, name, nf->version_id, n->wire, of->version_id, o->wire);
        } else {
            emit(dc, VMC_SEV_WARNING, "field-exists-changed", d, name, NULL,
                 "vmsd \"%s\": field \"%s\" has a field_exists test only in the %s", d, name,
                 of->field_exists ? "source" : "destination");
        }
    } else if (of->version_id != nf->version_id) {
        emit(dc, VMC_SEV_WARNING, "field-version", d, name, NULL,
             "vmsd \"%s\": field \"%s\" has version_id %d in the source, %d in the destination "
             "(both %s it at versions %d/%d)",
             d, name, of->version_id, nf->version_id,
             o->pres == P_YES ? "transfer" : o->pres == P_NO ? "skip" : "test", o->wire, n->wire);
    }
    if (of->desc && nf->desc) {
        compare_desc(dc, of->desc, nf->desc, R_NESTED, name);
    } else if (of->desc) {
        emit(dc, VMC_SEV_ERROR, "description-missing", d, name, NULL,
             "vmsd \"%s\": field \"%s\" is a struct (vmsd \"%s\") in the source, a plain "
             "%llu-byte field in the destination",
             d, name, of->desc->name, (unsigned long long)nf->size);
    } else if (nf->desc) {
        emit(dc, VMC_SEV_ERROR, "description-added", d, name, NULL,
             "vmsd \"%s\": field \"%s\" is a plain %llu-byte field in the source, a struct (vmsd "
             "\"%s\") in the destination",
             d, name, (unsigned long long)of->size, nf->desc->name);
    } else if (of->size != nf->size) {
        emit(dc, VMC_SEV_ERROR, "field-size", d, name, NULL,
             "vmsd \"%s\": field \"%s\" has %llu-byte elements in the source, %llu in the "
             "destination",
             d, name, (unsigned long long)of->size, (unsigned long long)nf->size);
    }
    if (dc->o->has_num && dc->n->has_num && elems(of) != elems(nf)) {
        emit(dc, VMC_SEV_ERROR, "array-length", d, name, NULL,
             "vmsd \"%s\": field \"%s\" has %llu element%s in the source, %llu in the destination",
             d, name, (unsigned long long)elems(of), plural(elems(of)),
             (unsigned long long)elems(nf));
    }
}

/* Append "name (N bytes)" of the entries to buf. */
static void list_entries(char *buf, size_t len, const struct ent *e, size_t n)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < n && used < len; i++) {
        if (e[i].pres == P_NO) {
            continue;
        }
        uint64_t b = e[i].f->size * elems(e[i].f);
        snprintf(buf + used, len - used, "%s\"%s\" %llu", used ? ", " : "", e[i].f->name,
                 (unsigned long long)b);
        used += strlen(buf + used);
    }
    if (!used) {
        snprintf(buf, len, "nothing");
    }
}

static void align(struct dctx *dc, const struct ent *O, size_t n, const struct ent *N, size_t m,
                  int depth);

/* Two present, non-"unused" fields that could stand for each other on the wire. */
static bool same_shape(struct dctx *dc, const struct ent *o, const struct ent *n)
{
    return o->pres != P_NO && n->pres != P_NO && !is_unused(o) && !is_unused(n) &&
           (o->f->desc != NULL) == (n->f->desc != NULL) &&
           (o->f->desc || o->f->size == n->f->size) &&
           (!dc->o->has_num || !dc->n->has_num || elems(o->f) == elems(n->f));
}

/* Struct entry e's fields in line, as this side puts them on the wire. */
static size_t expand(const struct ent *e, struct ent *out)
{
    const vmc_dd_desc *d = e->f->desc;
    for (size_t k = 0; k < d->nfields; k++) {
        enum pres p = presence(&d->fields[k], d->version_id);
        if (e->pres == P_MAYBE && p == P_YES) {
            p = P_MAYBE;
        }
        out[k] = (struct ent){ &d->fields[k], d->name, d->version_id, p };
    }
    return d->nfields;
}

/* Index of a struct entry of A whose first nested field matches some entry of B, or -1. */
static long find_expandable(struct dctx *dc, const struct ent *A, size_t na, const struct ent *B,
                            size_t nb, bool a_is_source)
{
    for (size_t i = 0; i < na; i++) {
        const vmc_dd_desc *d = A[i].f->desc;
        if (!d || !d->nfields || A[i].pres == P_NO) {
            continue;
        }
        struct ent first = { &d->fields[0], d->name, d->version_id, P_YES };
        bool named = false, inner = false;
        for (size_t j = 0; j < nb; j++) {
            if (a_is_source ? fields_eq(dc, &A[i], &B[j]) : fields_eq(dc, &B[j], &A[i])) {
                named = true;
                break;
            }
            if (a_is_source ? fields_eq(dc, &first, &B[j]) : fields_eq(dc, &B[j], &first)) {
                inner = true;
            }
        }
        if (inner && !named) {
            return (long)i;
        }
    }
    return -1;
}

/* Fields between two matched pairs: moves into structs, unused runs, renames, leftovers. */
static void gap(struct dctx *dc, const struct ent *O, size_t n, const struct ent *N, size_t m,
                int depth)
{
    if (!n && !m) {
        return;
    }
    /* Fields moved into (or out of) a nested struct keep the wire format. */
    if (n && m && depth < VMC_DUMP_MAX_NESTING && dc->expansions < MAX_EXPANSIONS &&
        (uint64_t)n * m <= MAX_LCS_CELLS) {
        long oi = find_expandable(dc, O, n, N, m, true);
        long ni = oi < 0 ? find_expandable(dc, N, m, O, n, false) : -1;
        if (oi >= 0 || ni >= 0) {
            bool src = oi >= 0;
            const struct ent *side = src ? O : N;
            size_t cnt = src ? n : m, at = (size_t)(src ? oi : ni);
            const vmc_dd_desc *d = side[at].f->desc;
            struct ent *x = malloc((cnt + d->nfields) * sizeof(*x));
            if (!x) {
                dc->rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
                return;
            }
            dc->expansions++;
            memcpy(x, side, at * sizeof(*x));
            size_t k = expand(&side[at], x + at);
            memcpy(x + at + k, side + at + 1, (cnt - at - 1) * sizeof(*x));
            emit(dc, VMC_SEV_INFO, "field-struct-moved", side[at].desc, side[at].f->name, NULL,
                 "vmsd \"%s\": the %s has the fields of struct field \"%s\" (vmsd \"%s\") in line%s; "
                 "the wire format is the same",
                 side[at].desc, src ? "destination" : "source", side[at].f->name, d->name,
                 d->nsubs ? " (but that vmsd has subsections)" : "");
            if (src) {
                align(dc, x, cnt - 1 + k, N, m, depth + 1);
            } else {
                align(dc, O, n, x, cnt - 1 + k, depth + 1);
            }
            free(x);
            return;
        }
    }
    /* Same-shape fields before or after "unused" placeholders are renames. */
    bool any_unused = false;
    for (size_t i = 0; i < n; i++) {
        any_unused |= O[i].pres != P_NO && is_unused(&O[i]);
    }
    for (size_t j = 0; j < m; j++) {
        any_unused |= N[j].pres != P_NO && is_unused(&N[j]);
    }
    if (any_unused) {
        size_t lead = 0, trail = 0;
        while (lead < n && lead < m && same_shape(dc, &O[lead], &N[lead])) {
            lead++;
        }
        while (trail < n - lead && trail < m - lead &&
               same_shape(dc, &O[n - 1 - trail], &N[m - 1 - trail])) {
            trail++;
        }
        if (lead || trail) {
            gap(dc, O, lead, N, lead, depth);
            gap(dc, O + lead, n - lead - trail, N + lead, m - lead - trail, depth);
            gap(dc, O + n - trail, trail, N + m - trail, trail, depth);
            return;
        }
    }
    /* "unused" placeholders: only the byte counts must agree. */
    bool unused = false, o_unknown = false, n_unknown = false;
    uint64_t ob = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        if (O[i].pres == P_NO) {
            continue;
        }
        unused |= is_unused(&O[i]);
        o_unknown |= !is_unused(&O[i]) && !dc->o->has_num;
        ob += O[i].f->size * elems(O[i].f);
    }
    for (size_t j = 0; j < m; j++) {
        if (N[j].pres == P_NO) {
            continue;
        }
        unused |= is_unused(&N[j]);
        n_unknown |= !is_unused(&N[j]) && !dc->n->has_num;
        nb += N[j].f->size * elems(N[j].f);
    }
    if (unused) {
        if (ob == nb) {
            for (size_t i = 0; i < n; i++) {
                if (O[i].pres != P_NO && !is_unused(&O[i])) {
                    emit(dc, VMC_SEV_INFO, "field-unused", O[i].desc, O[i].f->name, NULL,
                         "vmsd \"%s\": source field \"%s\" falls on an \"unused\" placeholder of "
                         "the destination (%llu byte%s in all): the destination discards it",
                         O[i].desc, O[i].f->name, (unsigned long long)nb, plural(nb));
                }
            }
            for (size_t j = 0; j < m; j++) {
                if (N[j].pres != P_NO && !is_unused(&N[j])) {
                    emit(dc, VMC_SEV_WARNING, "field-unused", N[j].desc, N[j].f->name, NULL,
                         "vmsd \"%s\": destination field \"%s\" is loaded from bytes the source "
                         "sends as an \"unused\" placeholder (%llu byte%s in all)",
                         N[j].desc, N[j].f->name, (unsigned long long)ob, plural(ob));
                }
            }
        } else {
            char so[512] = "", sn[512] = "";
            list_entries(so, sizeof(so), O, n);
            list_entries(sn, sizeof(sn), N, m);
            const struct ent *at = n ? &O[0] : &N[0];
            bool unknown = o_unknown || n_unknown;
            emit(dc, unknown ? VMC_SEV_WARNING : VMC_SEV_ERROR, "unused-size", at->desc,
                 at->f->name, NULL,
                 "vmsd \"%s\": around an \"unused\" placeholder the source sends %llu byte%s (%s), "
                 "the destination reads %llu (%s)%s",
                 at->desc, (unsigned long long)ob, plural(ob), so, (unsigned long long)nb, sn,
                 unknown ? "; a dump without array lengths counts arrays as one element" : "");
        }
        return;
    }
    /* Pair what is left by position: same shape = a rename (or a replacement). */
    size_t i = 0, j = 0;
    for (;;) {
        while (i < n && O[i].pres == P_NO) {
            i++;
        }
        while (j < m && N[j].pres == P_NO) {
            report_added(dc, &N[j]);
            j++;
        }
        if (i >= n || j >= m) {
            break;
        }
        const struct ent *o = &O[i], *nn = &N[j];
        if (same_shape(dc, o, nn)) {
            emit(dc, VMC_SEV_ERROR, "field-renamed", o->desc, o->f->name, NULL,
                 "vmsd \"%s\": source field \"%s\" is \"%s\" in the destination (same position "
                 "and size): a rename (then waive it) or a replacement",
                 o->desc, o->f->name, nn->f->name);
            compare_pair(dc, o, nn);
        } else {
            report_missing(dc, o);
            report_added(dc, nn);
        }
        i++;
        j++;
    }
    for (; i < n; i++) {
        report_missing(dc, &O[i]);
    }
    for (; j < m; j++) {
        report_added(dc, &N[j]);
    }
}

/* Longest common subsequence of the field names; fills mo/mn, returns its length. */
static size_t lcs(struct dctx *dc, const struct ent *O, size_t n, const struct ent *N, size_t m,
                  size_t *mo, size_t *mn)
{
    size_t k = 0, pre = 0, suf = 0;
    while (pre < n && pre < m && fields_eq(dc, &O[pre], &N[pre])) {
        mo[k] = pre;
        mn[k] = pre;
        k++;
        pre++;
    }
    while (suf < n - pre && suf < m - pre && fields_eq(dc, &O[n - 1 - suf], &N[m - 1 - suf])) {
        suf++;
    }
    size_t a = n - pre - suf, b = m - pre - suf;
    if (a && b && (uint64_t)(a + 1) * (b + 1) <= MAX_LCS_CELLS) {
        /* L[i][j] = LCS of O[pre+i..] and N[pre+j..] */
        uint16_t *L = calloc((a + 1) * (b + 1), sizeof(*L));
        if (!L) {
            dc->rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            return 0;
        }
#define AT(i, j) L[(size_t)(i) * (b + 1) + (j)]
        for (size_t i = a; i-- > 0;) {
            for (size_t j = b; j-- > 0;) {
                if (fields_eq(dc, &O[pre + i], &N[pre + j])) {
                    AT(i, j) = AT(i + 1, j + 1) + 1;
                } else {
                    AT(i, j) = AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1);
                }
            }
        }
        size_t i = 0, j = 0;
        while (i < a && j < b) {
            if (fields_eq(dc, &O[pre + i], &N[pre + j]) && AT(i, j) == AT(i + 1, j + 1) + 1) {
                mo[k] = pre + i;
                mn[k] = pre + j;
                k++;
                i++;
                j++;
            } else if (AT(i + 1, j) >= AT(i, j + 1)) {
                i++;
            } else {
                j++;
            }
        }
#undef AT
        free(L);
    }
    /* (beyond MAX_LCS_CELLS the middle stays one gap) */
    for (size_t s = 0; s < suf; s++) {
        mo[k] = n - suf + s;
        mn[k] = m - suf + s;
        k++;
    }
    return k;
}

static void align(struct dctx *dc, const struct ent *O, size_t n, const struct ent *N, size_t m,
                  int depth)
{
    size_t cap = (n < m ? n : m) + 1;
    size_t *mo = malloc(cap * sizeof(*mo)), *mn = malloc(cap * sizeof(*mn));
    long *omove = malloc((n + 1) * sizeof(*omove)), *nmove = malloc((m + 1) * sizeof(*nmove));
    bool *omatched = calloc(n + 1, 1), *nmatched = calloc(m + 1, 1);
    struct ent *go = malloc((n + 1) * sizeof(*go)), *gn = malloc((m + 1) * sizeof(*gn));
    if (!mo || !mn || !omove || !nmove || !omatched || !nmatched || !go || !gn) {
        dc->rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        goto out;
    }
    size_t k = lcs(dc, O, n, N, m, mo, mn);
    for (size_t p = 0; p < k; p++) {
        omatched[mo[p]] = nmatched[mn[p]] = true;
    }
    /* Fields on both sides that the common subsequence left out moved. */
    for (size_t i = 0; i < n; i++) {
        omove[i] = -1;
    }
    for (size_t j = 0; j < m; j++) {
        nmove[j] = -1;
    }
    GHashTable *byname = NULL;
    if ((uint64_t)n * m > MAX_LCS_CELLS) {
        byname = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t j = m; j-- > 0;) {
            if (!nmatched[j]) {
                g_hash_table_insert(byname, (gpointer)N[j].f->name, GSIZE_TO_POINTER(j + 1));
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (omatched[i] || is_unused(&O[i])) {
            continue;
        }
        if (byname) {
            gsize j1 = GPOINTER_TO_SIZE(g_hash_table_lookup(byname, O[i].f->name));
            if (j1 && nmove[j1 - 1] < 0) {
                omove[i] = (long)(j1 - 1);
                nmove[j1 - 1] = (long)i;
            }
            continue;
        }
        for (size_t j = 0; j < m; j++) {
            if (!nmatched[j] && nmove[j] < 0 && fields_eq(dc, &O[i], &N[j])) {
                omove[i] = (long)j;
                nmove[j] = (long)i;
                break;
            }
        }
    }
    if (byname) {
        g_hash_table_destroy(byname);
    }
    size_t i = 0, j = 0;
    for (size_t p = 0; p <= k && !dc->rc; p++) {
        size_t ie = p < k ? mo[p] : n, je = p < k ? mn[p] : m;
        size_t no = 0, nn = 0;
        for (; i < ie; i++) {
            if (omove[i] >= 0) {
                const struct ent *t = &N[omove[i]];
                emit(dc, VMC_SEV_ERROR, "field-order", O[i].desc, O[i].f->name, NULL,
                     "vmsd \"%s\": field \"%s\" is field %zu in the source, field %ld (\"%s\") in "
                     "the destination",
                     O[i].desc, O[i].f->name, i, omove[i], t->f->name);
                compare_pair(dc, &O[i], t);
            } else {
                go[no++] = O[i];
            }
        }
        for (; j < je; j++) {
            if (nmove[j] < 0) {
                gn[nn++] = N[j];
            }
        }
        gap(dc, go, no, gn, nn, depth);
        if (p < k) {
            compare_pair(dc, &O[mo[p]], &N[mn[p]]);
            i = mo[p] + 1;
            j = mn[p] + 1;
        }
    }
out:
    free(mo);
    free(mn);
    free(omove);
    free(nmove);
    free(omatched);
    free(nmatched);
    free(go);
    free(gn);
}

static void compare_fields(struct dctx *dc, const vmc_dd_desc *od, const vmc_dd_desc *nd,
                           int32_t vs, int32_t vd)
{
    struct ent *O = malloc((od->nfields + 1) * sizeof(*O));
    struct ent *N = malloc((nd->nfields + 1) * sizeof(*N));
    if (!O || !N) {
        dc->rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    } else {
        for (size_t i = 0; i < od->nfields; i++) {
            O[i] = (struct ent){ &od->fields[i], od->name, vs, presence(&od->fields[i], vs) };
        }
        for (size_t j = 0; j < nd->nfields; j++) {
            N[j] = (struct ent){ &nd->fields[j], nd->name, vd, presence(&nd->fields[j], vd) };
        }
        align(dc, O, od->nfields, N, nd->nfields, 0);
    }
    free(O);
    free(N);
}

static void compare_desc(struct dctx *dc, const vmc_dd_desc *od, const vmc_dd_desc *nd,
                         enum role role, const char *via)
{
    if (dc->rc) {
        return;
    }
    const char *d = od->name;
    if (strcmp(od->name, nd->name) != 0) {
        const char *why = names_match(dc, "description-renamed", dc->section, dc->section,
                                      od->name, nd->name);
        if (why) {
            emit(dc, VMC_SEV_INFO, "description-renamed", d, via, why,
                 "vmsd \"%s\" is \"%s\" in the destination", od->name, nd->name);
        } else if (role == R_TOP) {
            emit(dc, VMC_SEV_ERROR, "description-renamed", d, NULL, NULL,
                 "the section's vmsd is \"%s\" in the source, \"%s\" in the destination: the vmsd "
                 "name is the section's idstr on the wire, the destination does not recognise it",
                 od->name, nd->name);
        } else {
            emit(dc, VMC_SEV_WARNING, "description-renamed", d, via, NULL,
                 "struct field \"%s\" has vmsd \"%s\" in the source, \"%s\" in the destination "
                 "(nested vmsd names are not on the wire)",
                 via, od->name, nd->name);
        }
    }
    int32_t vs = od->version_id, vd = role == R_NESTED ? nd->version_id : vs;
    vmc_severity vsev = role == R_NESTED ? VMC_SEV_WARNING : VMC_SEV_ERROR;
    const char *note = role == R_NESTED ? " (a nested vmsd is read at the destination's own "
                                          "version; the field findings decide)"
                                        : "";
    if (vs > nd->version_id) {
        emit(dc, vsev, "version-too-new", d, NULL, NULL,
             "vmsd \"%s\": source version_id %d > destination version_id %d%s", d, vs,
             nd->version_id, note);
    }
    if (nd->has_min && vs < nd->minimum_version_id) {
        emit(dc, vsev, "version-too-old", d, NULL, NULL,
             "vmsd \"%s\": source version_id %d < destination minimum_version_id %d%s", d, vs,
             nd->minimum_version_id, note);
    }
    if (od->has_fields && !nd->has_fields) {
        size_t sent = 0;
        for (size_t i = 0; i < od->nfields; i++) {
            sent += presence(&od->fields[i], vs) != P_NO;
        }
        emit(dc, sent ? VMC_SEV_ERROR : VMC_SEV_INFO, "fields-missing", d, NULL, NULL,
             "vmsd \"%s\": the source has %zu field%s (%zu on the wire%s%s%s), the destination "
             "has no field list",
             d, od->nfields, plural(od->nfields), sent, od->nfields ? ", first \"" : "",
             od->nfields ? od->fields[0].name : "", od->nfields ? "\"" : "");
    } else {
        compare_fields(dc, od, nd, vs, vd);
    }
    for (size_t i = 0; i < od->nsubs; i++) {
        const vmc_dd_desc *os = &od->subs[i], *ns = NULL;
        for (size_t j = 0; j < nd->nsubs && !ns; j++) {
            if (strcmp(os->name, nd->subs[j].name) == 0) {
                ns = &nd->subs[j];
            }
        }
        if (ns) {
            compare_desc(dc, os, ns, R_SUB, NULL);
        } else {
            emit(dc, VMC_SEV_ERROR, "subsection-missing", d, NULL, NULL,
                 "vmsd \"%s\": the source sends subsection \"%s\" when it is needed, the "
                 "destination does not know it and fails the load",
                 d, os->name);
        }
    }
    for (size_t j = 0; j < nd->nsubs; j++) {
        bool found = false;
        for (size_t i = 0; i < od->nsubs && !found; i++) {
            found = strcmp(od->subs[i].name, nd->subs[j].name) == 0;
        }
        if (!found) {
            emit(dc, VMC_SEV_INFO, "subsection-added", nd->name, NULL, NULL,
                 "vmsd \"%s\": destination-only subsection \"%s\": the destination accepts its "
                 "absence",
                 nd->name, nd->subs[j].name);
        }
    }
}

static void compare_section(struct dctx *dc, const vmc_dd_section *os, const vmc_dd_section *ns)
{
    bool same_o = os->desc && os->version_id == os->desc->version_id &&
                  os->has_min == os->desc->has_min &&
                  os->minimum_version_id == os->desc->minimum_version_id;
    bool same_n = ns->desc && ns->version_id == ns->desc->version_id &&
                  ns->has_min == ns->desc->has_min &&
                  ns->minimum_version_id == ns->desc->minimum_version_id;
    /* The section entry repeats its vmsd's numbers; check it when it does not. */
    if (!same_o || !same_n) {
        if (os->version_id > ns->version_id) {
            emit(dc, VMC_SEV_ERROR, "version-too-new", NULL, NULL, NULL,
                 "section version_id %d > destination version_id %d", os->version_id,
                 ns->version_id);
        }
        if (ns->has_min && os->version_id < ns->minimum_version_id) {
            emit(dc, VMC_SEV_ERROR, "version-too-old", NULL, NULL, NULL,
                 "section version_id %d < destination minimum_version_id %d", os->version_id,
                 ns->minimum_version_id);
        }
    }
    if (os->desc && ns->desc) {
        compare_desc(dc, os->desc, ns->desc, R_TOP, NULL);
    } else if (os->desc) {
        emit(dc, VMC_SEV_ERROR, "description-missing", os->desc->name, NULL, NULL,
             "the destination's section has no Description (the source's vmsd is \"%s\")",
             os->desc->name);
    } else if (ns->desc) {
        emit(dc, VMC_SEV_WARNING, "description-added", ns->desc->name, NULL, NULL,
             "the source's section has no Description, the destination's vmsd is \"%s\"",
             ns->desc->name);
    }
}

static int cmp_finding(const void *a, const void *b, void *arg)
{
    const vmc_findings *F = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const char *sx = F->v[x].section, *sy = F->v[y].section;
    if (sx != sy) {
        if (!sx) {
            return -1;
        }
        if (!sy) {
            return 1;
        }
        int r = strcmp(sx, sy);
        if (r) {
            return r;
        }
    }
    return x < y ? -1 : x > y;
}

static int sort_findings(vmc_findings *F)
{
    if (!F->n) {
        return 0;
    }
    size_t *idx = malloc(F->n * sizeof(*idx));
    vmc_finding *v = malloc(F->n * sizeof(*v));
    if (!idx || !v) {
        free(idx);
        free(v);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < F->n; i++) {
        idx[i] = i;
    }
    qsort_r(idx, F->n, sizeof(*idx), cmp_finding, F);
    for (size_t i = 0; i < F->n; i++) {
        v[i] = F->v[idx[i]];
    }
    free(idx);
    free(F->v);
    F->v = v;
    return 0;
}

/* A destination section that is the source section s under a known or waived type rename. */
static const vmc_dd_section *find_renamed(struct dctx *dc, const vmc_dd_section *s,
                                          const char **why)
{
    for (size_t i = 0; i < sizeof(builtin_renames) / sizeof(builtin_renames[0]); i++) {
        const struct builtin_rename *r = &builtin_renames[i];
        const char *other = NULL;
        if (r->scope) {
            continue;
        }
        if (strcmp(r->a, s->name) == 0) {
            other = r->b;
        } else if (strcmp(r->b, s->name) == 0) {
            other = r->a;
        }
        const vmc_dd_section *ns = other ? vmc_dump_find(dc->n, other) : NULL;
        if (ns && !vmc_dump_find(dc->o, other)) {
            *why = BUILTIN_REASON;
            return ns;
        }
    }
    for (size_t i = 0; dc->w && i < dc->w->n; i++) {
        const vmc_waiver *w = &dc->w->w[i];
        const char *other = NULL;
        if (!w->old_name || strcmp(w->kind, "section-renamed") != 0) {
            continue;
        }
        if (strcmp(w->old_name, s->name) == 0) {
            other = w->new_name;
        } else if (strcmp(w->new_name, s->name) == 0) {
            other = w->old_name;
        }
        const vmc_dd_section *ns = other ? vmc_dump_find(dc->n, other) : NULL;
        if (ns && !vmc_dump_find(dc->o, other)) {
            dc->out->waiver_uses[i]++;
            *why = w->reason;
            return ns;
        }
    }
    return NULL;
}

int vmc_schema_diff(vmc_findings **out, const vmc_dump *old_dump, const vmc_dump *new_dump,
                    const vmc_schema_diff_opts *opts)
{
    *out = NULL;
    if (!old_dump || !new_dump) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_schema_diff: missing dump");
    }
    vmc_findings *F = calloc(1, sizeof(*F));
    struct dctx dc = { .out = F };
    bool *used = NULL;
    if (!F || !(F->a = vmc_arena_new())) {
        free(F);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    dc.w = opts ? opts->waivers : NULL;
    F->nwaivers = dc.w ? dc.w->n : 0;
    F->waiver_uses = calloc(F->nwaivers + 1, sizeof(*F->waiver_uses));
    bool rev = opts && opts->reverse;
    dc.o = rev ? new_dump : old_dump;
    dc.n = rev ? old_dump : new_dump;
    used = calloc(dc.n->nsections + 1, 1);
    if (!F->waiver_uses || !used) {
        dc.rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        goto out;
    }
    if (dc.o->machine && dc.n->machine && strcmp(dc.o->machine, dc.n->machine) != 0) {
        emit(&dc, VMC_SEV_WARNING, "machine-type", NULL, NULL, NULL,
             "the dumps are of different machine types: source \"%s\", destination \"%s\"",
             dc.o->machine, dc.n->machine);
    }
    for (size_t i = 0; i < dc.o->nsections && !dc.rc; i++) {
        const vmc_dd_section *os = &dc.o->sections[i];
        const vmc_dd_section *ns = vmc_dump_find(dc.n, os->name);
        dc.section = os->name;
        if (!ns) {
            const char *why = NULL;
            ns = find_renamed(&dc, os, &why);
            if (ns) {
                emit(&dc, VMC_SEV_INFO, "section-renamed", NULL, NULL, why,
                     "section \"%s\" is \"%s\" in the destination", os->name, ns->name);
            }
        }
        if (!ns) {
            /* A destination-only type with the same vmsd is probably a type rename. */
            const char *hint = NULL;
            for (size_t j = 0; os->desc && j < dc.n->nsections && !hint; j++) {
                const vmc_dd_section *c = &dc.n->sections[j];
                if (c->desc && strcmp(c->desc->name, os->desc->name) == 0 &&
                    !vmc_dump_find(dc.o, c->name)) {
                    hint = c->name;
                }
            }
            if (hint) {
                emit(&dc, VMC_SEV_ERROR, "section-missing", NULL, NULL, NULL,
                     "section \"%s\" does not exist in the destination (its type \"%s\" has the "
                     "same vmsd \"%s\": waive a section-renamed if it is the same device)",
                     os->name, hint, os->desc->name);
            } else {
                emit(&dc, VMC_SEV_ERROR, "section-missing", NULL, NULL, NULL,
                     "section \"%s\" does not exist in the destination", os->name);
            }
            continue;
        }
        used[ns - dc.n->sections] = true;
        compare_section(&dc, os, ns);
    }
    for (size_t j = 0; j < dc.n->nsections && !dc.rc; j++) {
        const vmc_dd_section *ns = &dc.n->sections[j];
        if (used[j] || vmc_dump_find(dc.o, ns->name)) {
            continue;
        }
        dc.section = ns->name;
        emit(&dc, VMC_SEV_INFO, "section-added", NULL, NULL, NULL,
             "section \"%s\" exists only in the destination", ns->name);
    }
    if (!dc.rc) {
        dc.rc = sort_findings(F);
    }
out:
    free(used);
    if (dc.rc) {
        vmc_findings_free(F);
        return dc.rc;
    }
    *out = F;
    return 0;
}

size_t vmc_findings_count(const vmc_findings *f)
{
    return f ? f->n : 0;
}

const vmc_finding *vmc_findings_get(const vmc_findings *f, size_t i)
{
    return f && i < f->n ? &f->v[i] : NULL;
}

size_t vmc_findings_count_severity(const vmc_findings *f, vmc_severity s)
{
    return f && (unsigned)s < 3 ? f->counts[s] : 0;
}

size_t vmc_findings_waiver_uses(const vmc_findings *f, size_t i)
{
    return f && i < f->nwaivers ? f->waiver_uses[i] : 0;
}

void vmc_findings_free(vmc_findings *f)
{
    if (f) {
        vmc_arena_free(f->a);
        free(f->v);
        free(f->waiver_uses);
        free(f);
    }
}
