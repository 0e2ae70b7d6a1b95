/*
 * The stream of a machine freshly started (vmc_model_write, write.h).
 *
 * Everything that can fail for want of a model (a device's fresh state, a
 * ROM file, the ACPI tables) is resolved before the first byte is written,
 * so a "not modelled" error never leaves half a stream behind.
 *
 * RAM goes out as QEMU 7.2 sends it when nothing limits the bandwidth: the
 * START section lists the blocks, one PART carries every page of every
 * block in RAM-list order, and the END section has no pages.
 */
#include "common/error_internal.h"
#include "devices/fresh.h"
#include "devices/model_virtio.h"
#include "machine-types/acpi_build.h"
#include "machine-types/model_internal.h"
#include "machine-types/write_internal.h"
#include "vmcompat/json.h"
#include "vmcompat/write.h"
#include "vmstate/build.h"
#include "vmstate/state_internal.h"

#include <glib.h>
#include <json-c/json.h>
#include <string.h>
#include <time.h>

#define TARGET_PAGE_SIZE 4096u

typedef struct section_job {
    const vmc_model_entry *e;
    vmc_state *user;          /* --state values for this section, or NULL */
    vmc_state *fresh;
    const vmc_model_pci *pci;
    bool no_fresh;            /* no fresh-state model: --state must give every field */
    vmc_built built;
} section_job;

typedef struct ram_job {
    const vmc_model_ram_block *b;
    uint8_t *data;            /* contents (file or generated), or NULL for zeros */
    size_t data_len;          /* bytes of data from offset 0; the rest is zero */
} ram_job;

typedef struct write_ctx {
    vmc_model *m;
    const vmc_write_options *o;
    section_job *jobs;
    size_t njobs;
    ram_job *ram;
    size_t nram;
    vmc_acpi_blobs acpi;
    bool have_acpi;
    uint64_t total, done;
} write_ctx;

/* ---- --state ------------------------------------------------------------- */

static section_job *job_for(write_ctx *w, const char *idstr, uint32_t instance)
{
    for (size_t i = 0; i < w->njobs; i++) {
        if (strcmp(w->jobs[i].e->idstr, idstr) == 0 && w->jobs[i].e->instance_id == instance) {
            return &w->jobs[i];
        }
    }
    return NULL;
}

static int load_user_state(write_ctx *w)
{
    if (!w->o || !w->o->state_json) {
        return 0;
    }
    if (w->o->state_len > INT32_MAX) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "state: %zu bytes of JSON",
                             w->o->state_len);
    }
    json_tokener *tok = json_tokener_new_ex(256);
    if (!tok) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_object *doc = json_tokener_parse_ex(tok, w->o->state_json, (int)w->o->state_len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!doc || jerr != json_tokener_success) {
        json_object_put(doc);
        return vmc_error_set(VMC_EFORMAT, (int64_t)end, NULL, NULL,
                             "state: invalid JSON at byte %zu: %s", end,
                             json_tokener_error_desc(jerr));
    }
    int rc = 0;
    json_object *sections;
    if (!json_object_object_get_ex(doc, "sections", &sections) ||
        !json_object_is_type(sections, json_type_array)) {
        rc = vmc_error_set(VMC_EFORMAT, -1, NULL, "sections",
                           "state: expected an object with a \"sections\" array (as "
                           "`vmcompat inspect --format json` prints)");
        goto out;
    }
    for (size_t i = 0; i < json_object_array_length(sections); i++) {
        json_object *s = json_object_array_get_idx(sections, i), *idstr, *inst, *state;
        char where[48];
        snprintf(where, sizeof(where), "sections[%zu]", i);
        if (!json_object_object_get_ex(s, "state", &state)) {
            continue;   /* RAM and other sections without device state */
        }
        if (!json_object_object_get_ex(s, "idstr", &idstr) ||
            !json_object_is_type(idstr, json_type_string)) {
            rc = vmc_error_set(VMC_EFORMAT, -1, NULL, where, "state: section without \"idstr\"");
            goto out;
        }
        uint32_t instance = 0;
        if (json_object_object_get_ex(s, "instance_id", &inst)) {
            int64_t v = json_object_get_int64(inst);
            if (!json_object_is_type(inst, json_type_int) || v < 0 || v > UINT32_MAX) {
                rc = vmc_error_set(VMC_EFORMAT, -1, json_object_get_string(idstr), where,
                                   "state: \"instance_id\" must be a 32-bit unsigned number");
                goto out;
            }
            instance = (uint32_t)v;
        }
        section_job *j = job_for(w, json_object_get_string(idstr), instance);
        if (!j) {
            rc = vmc_error_set(VMC_ENOTFOUND, -1, json_object_get_string(idstr), where,
                               "state: the machine has no section '%s' instance %u",
                               json_object_get_string(idstr), instance);
            goto out;
        }
        if (!j->user) {
            vmc_state_new(&j->user);
        }
        if ((rc = vmc_state_merge_object(j->user, state))) {
            vmc_error_annotate(-1, j->e->idstr, NULL);
            goto out;
        }
    }
out:
    json_object_put(doc);
    return rc;
}

/* ---- device sections ----------------------------------------------------- */

typedef struct provider_ctx {
    section_job *j;
} provider_ctx;

/* One leaf of a custom-typed field: user value, else fresh value. */
typedef struct leaf_ctx {
    section_job *j;
    const char *base;   /* path of the custom field */
} leaf_ctx;

static int leaf_cb(void *opaque, const char *relpath, const char *type, uint8_t *dst,
                   uint64_t n, bool *found)
{
    leaf_ctx *lc = opaque;
    char *path = relpath[0] == '[' || !lc->base[0] ? g_strconcat(lc->base, relpath, NULL)
                                                   : g_strconcat(lc->base, ".", relpath, NULL);
    int rc = 0;
    *found = false;
    if (lc->j->user) {
        rc = vmc_state_fill(lc->j->user, path, type, dst, n, n, NULL, found);
        if (*found) {
            vmc_state_touch(lc->j->fresh, path);
        }
    }
    if (!rc && !*found) {
        rc = vmc_state_fill(lc->j->fresh, path, type, dst, n, n, NULL, found);
    }
    g_free(path);
    return rc;
}

static int fill_cb(void *opaque, const char *path, const char *type, uint8_t *dst, uint64_t n,
                   uint64_t max, uint64_t *produced)
{
    section_job *j = ((provider_ctx *)opaque)->j;
    bool found = false;
    int rc;
    if (j->user &&
        ((rc = vmc_state_fill(j->user, path, type, dst, n, max, produced, &found)) || found)) {
        vmc_state_touch(j->fresh, path);   /* overridden, not misspelt */
        return rc;
    }
    if ((rc = vmc_state_fill(j->fresh, path, type, dst, n, max, produced, &found)) || found) {
        return rc;
    }
    if (j->no_fresh && !(strcmp(type, "pci config") == 0 && j->pci && j->pci->config_size)) {
        if (strcmp(type, "pci irq state") == 0 || strcmp(type, "msix state") == 0) {
            leaf_ctx lc = { .j = j, .base = path };
            if ((rc = vmc_build_compose_custom(type, dst, n, leaf_cb, &lc, &found)) || found) {
                return rc;
            }
        }
        return vmc_error_set(VMC_EUNSUPPORTED, -1, j->e->idstr, path,
                             "not modelled: the fresh state of '%s', and --state does not "
                             "give this field", j->e->vmsd->name);
    }
    if (strcmp(type, "pci irq state") == 0 || strcmp(type, "msix state") == 0) {
        /* set element by element ("irq_state[1]", "msix.table[0].vector_control") */
        leaf_ctx lc = { .j = j, .base = path };
        return vmc_build_compose_custom(type, dst, n, leaf_cb, &lc, &found);
    }
    if (strcmp(type, "pci config") == 0) {
        if (!j->pci || !j->pci->config_size) {
            return vmc_error_set(VMC_EUNSUPPORTED, -1, j->e->idstr, path,
                                 "not modelled: the PCI config space of this device");
        }
        if (n != j->pci->config_size) {
            return vmc_error_set(VMC_EUSAGE, -1, j->e->idstr, path,
                                 "config space of %llu bytes, the model has %u",
                                 (unsigned long long)n, j->pci->config_size);
        }
        memcpy(dst, j->pci->config, n);
    }
    return 0;
}

static int subsection_cb(void *opaque, const char *parent, const char *name)
{
    section_job *j = ((provider_ctx *)opaque)->j;
    int r = j->user ? vmc_state_subsection(j->user, parent, name) : -1;
    if (r >= 0) {
        vmc_state_touch_subsection(j->fresh, parent, name);
        return r;
    }
    return vmc_state_subsection(j->fresh, parent, name);
}

static const char *mdev_prop_cb(void *device, const char *prop)
{
    vmc_mdev *d = device;
    if (strcmp(prop, "@pci-express") == 0) {
        /* not a QOM property: what QEMU_PCI_CAP_EXPRESS says (4096-byte config) */
        return d->pci ? (d->pci->express ? "on" : "off") : NULL;
    }
    return vmc_virtio_model_prop(d, prop);   /* vmc_mdev_prop() for non-virtio devices */
}

static const vmc_model_pci *pci_of(vmc_model *m, const char *idstr)
{
    for (size_t i = 0; i < vmc_model_pci_count(m); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, i);
        if (p->section_idstr && strcmp(p->section_idstr, idstr) == 0) {
            return p;
        }
    }
    return NULL;
}

static int build_section(write_ctx *w, section_job *j, int64_t clock_ns)
{
    const vmc_model_entry *e = j->e;
    const vmc_mentry *me = (const vmc_mentry *)e;
    if (!e->vmsd) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, e->idstr, NULL,
                             "not modelled: no descriptor for section '%s'", e->idstr);
    }
    const vmc_fresh_def *def = vmc_fresh_find(e->vmsd->name);
    if (!def && !j->user) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, e->idstr, NULL,
                             "not modelled: the fresh state of '%s'", e->vmsd->name);
    }
    /* without a model, a complete state from --state (e.g. an inspected
     * stream of the same machine) still defines the section */
    j->no_fresh = !def;
    j->pci = pci_of(w->m, e->idstr);
    vmc_state_new(&j->fresh);
    if (def && def->fn) {
        vmc_fresh_ctx fc = { .m = w->m, .entry = e, .dev = me->dev, .pci = j->pci,
                             .clock_ns = clock_ns };
        int rc = def->fn(&fc, j->fresh);
        if (rc) {
            vmc_error_annotate(-1, e->idstr, NULL);
            return rc;
        }
    }
    provider_ctx pc = { .j = j };
    vmc_build_provider prov = { .fill = fill_cb, .subsection = subsection_cb, .opaque = &pc };
    vmc_build_args a = { .vmsd = e->vmsd, .version = (int)e->version_id, .section = e->idstr,
                         .device = me->dev, .device_prop = me->dev ? mdev_prop_cb : NULL,
                         .prov = &prov };
    int rc = vmc_build_state(&a, &j->built);
    if (rc) {
        return rc;
    }
    const char *unused;
    if (j->user && vmc_state_unused(j->user, &unused)) {
        return vmc_error_set(VMC_ENOTFOUND, -1, e->idstr, unused,
                             "state: section '%s' has no field or subsection '%s' (at version %u)",
                             e->idstr, unused, e->version_id);
    }
    if (vmc_state_unused(j->fresh, &unused)) {
        return vmc_error_set(VMC_EUSAGE, -1, e->idstr, unused,
                             "internal: the fresh state of '%s' sets '%s', which the vmsd does "
                             "not have at version %u", e->vmsd->name, unused, e->version_id);
    }
    return 0;
}

int vmc_write_build_fresh_section(vmc_model *m, const vmc_model_entry *e, vmc_built *out)
{
    write_ctx w = { .m = m };
    section_job j = { .e = e };
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int rc = build_section(&w, &j, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    vmc_state_free(j.fresh);
    if (rc) {
        vmc_built_release(&j.built);
        return rc;
    }
    *out = j.built;
    return 0;
}

/* ---- RAM ----------------------------------------------------------------- */

static int read_file(const char *path, uint64_t max, uint8_t **out, size_t *len)
{
    gchar *data = NULL;
    gsize n = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &data, &n, &err)) {
        int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot read %s: %s", path,
                               err ? err->message : "?");
        g_clear_error(&err);
        return rc;
    }
    if (n > max) {
        g_free(data);
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "%s has %zu bytes, more than its RAM block (%llu)", path, (size_t)n,
                             (unsigned long long)max);
    }
    *out = (uint8_t *)data;
    *len = n;
    return 0;
}

static int acpi_blob(write_ctx *w, const char *name, uint8_t **data, size_t *len)
{
    if (!w->have_acpi) {
        int rc = vmc_acpi_build(w->m, &w->acpi);
        if (rc) {
            return rc;
        }
        w->have_acpi = true;
    }
    const uint8_t *p;
    size_t n;
    if (strcmp(name, "/rom@etc/acpi/tables") == 0) {
        p = w->acpi.tables, n = w->acpi.tables_len;
    } else if (strcmp(name, "/rom@etc/table-loader") == 0) {
        p = w->acpi.loader, n = w->acpi.loader_len;
    } else {
        p = w->acpi.rsdp, n = w->acpi.rsdp_len;
    }
    *data = g_memdup2(p, n ? n : 1);
    *len = n;
    return 0;
}

/*
 * A PCI device's option ROM from its default file gets the device's vendor
 * and device id patched into the ROM's PCI data structure, with the
 * checksum byte at offset 6 adjusted, as pci_add_option_rom() does.
 */
static void patch_rom_ids(write_ctx *w, ram_job *r)
{
    const char *slash = strrchr(r->b->name, '/');
    if (!slash || r->data_len < 0x1a) {
        return;
    }
    vmc_mdev *dev = NULL;
    for (guint i = 0; i < w->m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(w->m->devices, i);
        if (d->path && d->pci && strlen(d->path) == (size_t)(slash - r->b->name) &&
            strncmp(d->path, r->b->name, strlen(d->path)) == 0) {
            dev = d;
        }
    }
    if (!dev || (dev->opts && vmc_qopts_get(dev->opts, "romfile"))) {
        return;   /* only default ROM images are patched */
    }
    uint8_t *p = r->data;
    size_t size = r->data_len;
    size_t pcir = (size_t)p[0x18] | (size_t)p[0x19] << 8;
    if (p[0] != 0x55 || p[1] != 0xaa || pcir + 8 >= size || memcmp(p + pcir, "PCIR", 4) != 0) {
        return;
    }
    const uint8_t *cfg = dev->pci->config;
    for (int k = 0; k < 2; k++) {   /* vendor id, then device id */
        unsigned want = cfg[2 * k] | cfg[2 * k + 1] << 8;
        uint8_t *at = p + pcir + 4 + 2 * k;
        unsigned have = at[0] | at[1] << 8;
        if (want != have) {
            p[6] = (uint8_t)(p[6] + (uint8_t)have + (uint8_t)(have >> 8) - (uint8_t)want -
                             (uint8_t)(want >> 8));
            at[0] = (uint8_t)want;
            at[1] = (uint8_t)(want >> 8);
        }
    }
}

static int resolve_ram(write_ctx *w, ram_job *r)
{
    const vmc_model_ram_block *b = r->b;
    if (b->used_length % TARGET_PAGE_SIZE) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, "ram", b->name,
                             "RAM block of 0x%llx bytes is not a whole number of pages",
                             (unsigned long long)b->used_length);
    }
    int rc = vmc_fresh_ram_contents(w->m, b, &r->data, &r->data_len);
    if (rc > 0) {
        if (r->data_len > b->used_length) {
            return vmc_error_set(VMC_EUSAGE, -1, "ram", b->name,
                                 "internal: %zu bytes of contents for a block of 0x%llx",
                                 r->data_len, (unsigned long long)b->used_length);
        }
        return 0;   /* the device fills it */
    }
    if (rc < 0) {
        vmc_error_annotate(-1, "ram", b->name);
        return rc;
    }
    if (b->contents_unmodelled) {
        rc = vmc_error_set(VMC_EUNSUPPORTED, -1, "ram", b->name,
                           "not modelled: the contents of RAM block '%s' (%s)", b->name,
                           b->contents_unmodelled);
    } else if (b->contents_file) {
        rc = read_file(b->contents_file, b->used_length, &r->data, &r->data_len);
        if (!rc) {
            patch_rom_ids(w, r);
        }
    } else if (g_str_has_prefix(b->name, "/rom@etc/acpi/") ||
               strcmp(b->name, "/rom@etc/table-loader") == 0) {
        rc = acpi_blob(w, b->name, &r->data, &r->data_len);
        if (!rc && r->data_len > b->used_length) {
            rc = vmc_error_set(VMC_EUSAGE, -1, "ram", b->name,
                               "ACPI blob of %zu bytes does not fit its block of 0x%llx",
                               r->data_len, (unsigned long long)b->used_length);
        }
    } else if (g_str_has_prefix(b->name, "/rom@")) {
        rc = vmc_error_set(VMC_EUNSUPPORTED, -1, "ram", b->name,
                           "not modelled: the contents of fw_cfg ROM blob '%s'", b->name);
    }
    /* other blocks (guest RAM, VRAM, empty option ROM areas) are zero at start */
    if (rc) {
        vmc_error_annotate(-1, "ram", b->name);
    }
    return rc;
}

static int write_ram(write_ctx *w, vmc_writer *wr, const vmc_model_entry *e)
{
    uint64_t total = 0;
    for (size_t i = 0; i < w->nram; i++) {
        total += w->ram[i].b->used_length;
    }
    int rc;
    if ((rc = vmc_writer_section_begin(wr, VMC_SECTION_START, e->section_id, e->idstr,
                                       e->instance_id, e->version_id)) ||
        (rc = vmc_writer_ram_begin_blocks(wr, total))) {
        return rc;
    }
    for (size_t i = 0; i < w->nram; i++) {
        if ((rc = vmc_writer_ram_block(wr, w->ram[i].b->name, w->ram[i].b->used_length))) {
            return rc;
        }
    }
    if ((rc = vmc_writer_ram_eos(wr)) || (rc = vmc_writer_section_finish(wr, e->section_id)) ||
        (rc = vmc_writer_section_continue(wr, VMC_SECTION_PART, e->section_id))) {
        return rc;
    }
    static const uint8_t zero[TARGET_PAGE_SIZE];
    uint8_t page[TARGET_PAGE_SIZE];
    for (size_t i = 0; i < w->nram; i++) {
        const ram_job *r = &w->ram[i];
        for (uint64_t off = 0; off < r->b->used_length; off += TARGET_PAGE_SIZE) {
            const uint8_t *p = zero;
            if (r->data && off < r->data_len) {
                size_t n = r->data_len - off < TARGET_PAGE_SIZE ? (size_t)(r->data_len - off)
                                                                : TARGET_PAGE_SIZE;
                memcpy(page, r->data + off, n);
                memset(page + n, 0, TARGET_PAGE_SIZE - n);
                p = page;
            }
            if ((rc = vmc_writer_ram_page(wr, r->b->name, off, p, TARGET_PAGE_SIZE))) {
                return rc;
            }
        }
        w->done += r->b->used_length;
        if (w->o && w->o->progress) {
            w->o->progress(w->o->progress_opaque, w->done, w->total);
        }
    }
    if ((rc = vmc_writer_ram_eos(wr)) || (rc = vmc_writer_section_finish(wr, e->section_id)) ||
        (rc = vmc_writer_section_continue(wr, VMC_SECTION_END, e->section_id)) ||
        (rc = vmc_writer_ram_eos(wr))) {
        return rc;
    }
    return vmc_writer_section_finish(wr, e->section_id);
}

/* ---- the stream ----------------------------------------------------------- */

static int write_vmdesc(write_ctx *w, vmc_writer *wr)
{
    vmc_sink *mem;
    int rc = vmc_sink_open_memory(&mem);
    if (rc) {
        return rc;
    }
    vmc_json *j;
    if ((rc = vmc_json_new_sink(&j, mem, VMC_JSON_QEMU, 0))) {
        vmc_sink_free(mem);
        return rc;
    }
    vmc_json_begin_object(j);
    vmc_json_key(j, "page_size");
    vmc_json_int(j, TARGET_PAGE_SIZE);
    vmc_json_key(j, "devices");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < w->njobs; i++) {
        vmc_value_write_vmdesc(w->jobs[i].built.tree, w->jobs[i].e->idstr,
                               w->jobs[i].e->instance_id, j);
    }
    vmc_json_end_array(j);
    vmc_json_end_object(j);
    rc = vmc_json_finish(j);
    vmc_json_free(j);
    if (!rc) {
        size_t len;
        const uint8_t *p = vmc_sink_memory(mem, &len);
        rc = vmc_writer_vmdesc(wr, (const char *)p, len);
    }
    vmc_sink_free(mem);
    return rc;
}

static int write_stream(write_ctx *w, vmc_sink *out)
{
    vmc_writer *wr;
    int rc = vmc_writer_new(&wr, out, vmc_model_send_section_footer(w->m));
    if (rc) {
        return rc;
    }
    if ((rc = vmc_writer_header(wr))) {
        goto out;
    }
    if (vmc_model_send_configuration(w->m) &&
        (rc = vmc_writer_configuration(wr, vmc_model_machine(w->m)))) {
        goto out;
    }
    for (size_t i = 0; i < vmc_model_section_count(w->m); i++) {
        const vmc_model_entry *e = vmc_model_section_at(w->m, i);
        if (e->iterative && (rc = write_ram(w, wr, e))) {
            goto out;
        }
    }
    for (size_t i = 0; i < w->njobs; i++) {
        const section_job *j = &w->jobs[i];
        if ((rc = vmc_writer_section_begin(wr, VMC_SECTION_FULL, j->e->section_id, j->e->idstr,
                                           j->e->instance_id, j->e->version_id)) ||
            (rc = vmc_writer_bytes(wr, j->built.bytes, j->built.len)) ||
            (rc = vmc_writer_section_finish(wr, j->e->section_id))) {
            goto out;
        }
        w->done += j->built.len;
        if (w->o && w->o->progress) {
            w->o->progress(w->o->progress_opaque, w->done, w->total);
        }
    }
    if ((rc = vmc_writer_eof(wr))) {
        goto out;
    }
    if (!vmc_model_suppress_vmdesc(w->m)) {
        rc = write_vmdesc(w, wr);
    }
out:
    vmc_writer_free(wr);
    return rc;
}

static int prepare(write_ctx *w)
{
    if (vmc_model_blocker_count(w->m)) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, NULL,
                             "QEMU cannot migrate this machine: %s",
                             vmc_model_blocker_at(w->m, 0));
    }
    /* QEMU refuses to migrate such a machine at all */
    for (size_t i = 0; i < vmc_model_entry_count(w->m); i++) {
        const vmc_model_entry *e = vmc_model_entry_at(w->m, i);
        if (e->vmsd && e->vmsd->unmigratable) {
            return vmc_error_set(VMC_EUNSUPPORTED, -1, e->idstr, NULL,
                                 "State blocked by non-migratable device '%s' (QEMU cannot "
                                 "migrate this machine)", e->idstr);
        }
    }
    size_t n = vmc_model_section_count(w->m);
    w->jobs = g_new0(section_job, n);
    for (size_t i = 0; i < n; i++) {
        const vmc_model_entry *e = vmc_model_section_at(w->m, i);
        if (e->iterative) {
            if (strcmp(e->idstr, "ram") != 0) {
                return vmc_error_set(VMC_EUNSUPPORTED, -1, e->idstr, NULL,
                                     "not modelled: iterative section '%s'", e->idstr);
            }
            continue;
        }
        w->jobs[w->njobs++].e = e;
    }
    int rc = load_user_state(w);
    if (rc) {
        return rc;
    }
    int64_t clock_ns = w->o && w->o->clock_ns ? w->o->clock_ns : 0;
    if (!clock_ns) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        clock_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
    for (size_t i = 0; i < w->njobs; i++) {
        if ((rc = build_section(w, &w->jobs[i], clock_ns))) {
            return rc;
        }
        w->total += w->jobs[i].built.len;
    }
    w->nram = vmc_model_ram_block_count(w->m);
    w->ram = g_new0(ram_job, w->nram ? w->nram : 1);
    for (size_t i = 0; i < w->nram; i++) {
        w->ram[i].b = vmc_model_ram_block_at(w->m, i);
        if ((rc = resolve_ram(w, &w->ram[i]))) {
            return rc;
        }
        w->total += w->ram[i].b->used_length;
    }
    return 0;
}

static void cleanup(write_ctx *w)
{
    for (size_t i = 0; i < w->njobs; i++) {
        vmc_state_free(w->jobs[i].user);
        vmc_state_free(w->jobs[i].fresh);
        vmc_built_release(&w->jobs[i].built);
    }
    /* jobs that never got a section may still hold --state values */
    g_free(w->jobs);
    for (size_t i = 0; i < w->nram; i++) {
        g_free(w->ram[i].data);
    }
    g_free(w->ram);
    if (w->have_acpi) {
        vmc_acpi_blobs_free(&w->acpi);
    }
}

int vmc_model_write(vmc_model *m, vmc_sink *out, const vmc_write_options *opts)
{
    if (!m || !out) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_model_write: no model or sink");
    }
    write_ctx w = { .m = m, .o = opts };
    int rc = prepare(&w);
    if (!rc) {
        rc = write_stream(&w, out);
    }
    cleanup(&w);
    return rc;
}
