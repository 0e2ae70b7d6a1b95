/* vmcompat inspect --format text: a readable summary of a stream. */
#include "inspect.h"

#include <inttypes.h>
#include <string.h>

static const char *kind_name(vmc_section_kind k)
{
    switch (k) {
    case VMC_SECTION_RAM: return "ram";
    case VMC_SECTION_BLOCK: return "block";
    case VMC_SECTION_DIRTY_BITMAP: return "dirty-bitmap";
    default: return "device";
    }
}

void inspect_text_page(inspect_ctx *c, const vmc_event *ev, const uint8_t *page)
{
    FILE *o = c->out;
    fprintf(o, "page 0x%08" PRIx64 "  %-28s 0x%012" PRIx64 "  %-10s", (uint64_t)ev->offset,
            ev->u.page.block, ev->u.page.addr, vmc_page_kind_name(ev->u.page.kind));
    if (ev->u.page.kind == VMC_PAGE_ZERO) {
        fprintf(o, "  filled with 0x%02x", ev->u.page.fill);
    } else if (page) {
        fprintf(o, "  ");
        for (int i = 0; i < 16; i++) {
            fprintf(o, "%02x", page[i]);
        }
        fprintf(o, "...");
    }
    fprintf(o, "\n");
}

static void print_config(inspect_ctx *c, const vmc_configuration *cfg)
{
    FILE *o = c->out;
    if (!cfg) {
        fprintf(o, "machine        (no configuration section: pc-*-2.3 or older, or a "
                   "device-state file)\n");
        return;
    }
    fprintf(o, "machine        %s\n", cfg->machine);
    fprintf(o, "capabilities   ");
    if (!cfg->has_capabilities || !cfg->n_capabilities) {
        fprintf(o, "-");
    }
    for (size_t i = 0; i < cfg->n_capabilities; i++) {
        fprintf(o, "%s%s", i ? ", " : "", cfg->capabilities[i]);
    }
    fprintf(o, "\n");
    if (cfg->has_uuid) {
        const uint8_t *u = cfg->uuid;
        fprintf(o, "uuid           %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                   "%02x%02x%02x%02x%02x%02x\n",
                u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
                u[13], u[14], u[15]);
    }
    if (cfg->has_page_bits) {
        fprintf(o, "page bits      %u\n", cfg->page_bits);
    }
}

static void print_commands(inspect_ctx *c)
{
    FILE *o = c->out;
    size_t n = vmc_summary_command_count(c->summary);
    fprintf(o, "commands       ");
    if (!n) {
        fprintf(o, "-");
    }
    for (size_t i = 0; i < n; i++) {
        const vmc_command_info *ci = vmc_summary_command(c->summary, i);
        fprintf(o, "%s%s", i ? ", " : "", vmc_command_name(ci->cmd));
        if (ci->cmd == VMC_CMD_PING || ci->cmd == VMC_CMD_PACKAGED) {
            fprintf(o, "(%u)", ci->value);
        } else if (ci->len) {
            fprintf(o, "(%u bytes)", ci->len);
        }
    }
    fprintf(o, "\n");
}

static void print_sections(inspect_ctx *c)
{
    FILE *o = c->out;
    size_t n = vmc_summary_section_count(c->summary);
    int w = 5;
    size_t devices = 0, iterative = 0;
    for (size_t i = 0; i < n; i++) {
        const vmc_section_info *s = vmc_summary_section(c->summary, i);
        int l = (int)strlen(s->idstr);
        if (l > w) {
            w = l > 48 ? 48 : l;
        }
        if (s->kind == VMC_SECTION_VMSTATE) {
            devices++;
        } else {
            iterative++;
        }
    }
    fprintf(o, "\nsections       %zu (%zu device, %zu iterative)\n", n, devices, iterative);
    fprintf(o, "  %4s  %-5s  %-*s  %5s  %4s  %-10s  %8s  %s\n", "id", "type", w, "idstr", "inst",
            "ver", "offset", "size", "contents");
    for (size_t i = 0; i < n; i++) {
        const vmc_section_info *s = vmc_summary_section(c->summary, i);
        fprintf(o, "  %4u  %-5s  %-*s  %5u  %4u  0x%08" PRIx64 "  %8" PRIu64 "  ", s->section_id,
                vmc_section_type_name(s->type), w, s->idstr, s->instance_id, s->version_id,
                (uint64_t)s->offset, s->size);
        if (s->kind == VMC_SECTION_VMSTATE) {
            if (s->value) {
                fprintf(o, "%s v%d, decoded (%s)", vmc_value_vmsd_name(s->value)
                                                       ? vmc_value_vmsd_name(s->value) : "data",
                        vmc_value_version(s->value) >= 0 ? vmc_value_version(s->value)
                                                         : (int)s->version_id,
                        s->described_by ? s->described_by : "");
            } else {
                fprintf(o, "not decoded");
            }
        } else {
            fprintf(o, "%s: %" PRIu64 " records, %" PRIu64 " bytes", kind_name(s->kind),
                    s->records, s->total_bytes);
        }
        fprintf(o, "\n");
    }
}

static void print_ram(inspect_ctx *c)
{
    FILE *o = c->out;
    size_t n = vmc_summary_ram_block_count(c->summary);
    if (!n) {
        return;
    }
    int w = 5;
    for (size_t i = 0; i < n; i++) {
        int l = (int)strlen(vmc_summary_ram_block(c->summary, i)->name);
        if (l > w) {
            w = l > 48 ? 48 : l;
        }
    }
    fprintf(o, "\nRAM blocks     %zu (page records by kind)\n", n);
    fprintf(o, "  %-*s  %12s  %9s  %9s  %10s  %9s\n", w, "block", "length", "zero", "normal",
            "compressed", "xbzrle");
    uint64_t tot[VMC_PAGE_KIND_COUNT] = { 0 }, len = 0;
    for (size_t i = 0; i < n; i++) {
        const vmc_ram_block_info *b = vmc_summary_ram_block(c->summary, i);
        char lenbuf[32];
        if (b->listed) {
            snprintf(lenbuf, sizeof(lenbuf), "0x%" PRIx64, b->used_length);
        } else {
            snprintf(lenbuf, sizeof(lenbuf), "not listed");
        }
        fprintf(o, "  %-*s  %12s  %9" PRIu64 "  %9" PRIu64 "  %10" PRIu64 "  %9" PRIu64 "\n", w,
                b->name, lenbuf, b->pages[VMC_PAGE_ZERO], b->pages[VMC_PAGE_NORMAL],
                b->pages[VMC_PAGE_COMPRESSED], b->pages[VMC_PAGE_XBZRLE]);
        for (int k = 0; k < VMC_PAGE_KIND_COUNT; k++) {
            tot[k] += b->pages[k];
        }
        len += b->used_length;
    }
    char lenbuf[32];
    snprintf(lenbuf, sizeof(lenbuf), "0x%" PRIx64, len);
    fprintf(o, "  %-*s  %12s  %9" PRIu64 "  %9" PRIu64 "  %10" PRIu64 "  %9" PRIu64 "\n", w,
            "total", lenbuf, tot[VMC_PAGE_ZERO], tot[VMC_PAGE_NORMAL],
            tot[VMC_PAGE_COMPRESSED], tot[VMC_PAGE_XBZRLE]);
    if (vmc_summary_ram_flushes(c->summary)) {
        fprintf(o, "  MULTIFD_FLUSH records: %" PRIu64 "\n", vmc_summary_ram_flushes(c->summary));
    }
}

static void print_iterative(inspect_ctx *c)
{
    FILE *o = c->out;
    const vmc_iter_stats *b = vmc_summary_block_stats(c->summary);
    if (b->records) {
        fprintf(o, "\nblock migration  %" PRIu64 " records, %" PRIu64 " bytes of disk data, %" PRIu64
                   " zero blocks\n", b->records, b->data_bytes, b->zero_records);
    }
    const vmc_iter_stats *d = vmc_summary_bitmap_stats(c->summary);
    if (d->records) {
        fprintf(o, "\ndirty bitmaps  %" PRIu64 " records, %" PRIu64 " bytes of bitmap data\n",
                d->records, d->data_bytes);
    }
}

void inspect_text_report(inspect_ctx *c, int rc)
{
    FILE *o = c->out;
    int64_t size = vmc_source_size(c->src);
    fprintf(o, "stream         %s", c->path);
    if (size >= 0) {
        fprintf(o, " (%" PRId64 " bytes)", size);
    }
    fprintf(o, "\n");
    if (vmc_summary_has_header(c->summary)) {
        fprintf(o, "format         QEVM version 3\n");
        print_config(c, vmc_summary_configuration(c->summary));
        print_commands(c);
        fprintf(o, "footers        %s\n",
                vmc_reader_has_footers(c->reader) ? "yes" : "no (pc-*-2.3 or older)");
    }
    print_sections(c);
    print_ram(c);
    print_iterative(c);
    fprintf(o, "\nend            ");
    if (vmc_summary_eof_offset(c->summary) >= 0) {
        fprintf(o, "EOF at 0x%" PRIx64, (uint64_t)vmc_summary_eof_offset(c->summary));
    } else {
        fprintf(o, "no EOF");
    }
    if (vmc_summary_vmdesc_offset(c->summary) >= 0) {
        const vmc_vmdesc *d = vmc_reader_vmdesc(c->reader);
        fprintf(o, "; vmdesc trailer at 0x%" PRIx64 ", %" PRIu64 " bytes of JSON",
                (uint64_t)vmc_summary_vmdesc_offset(c->summary),
                vmc_summary_vmdesc_length(c->summary));
        if (d) {
            fprintf(o, ", %zu devices", vmc_vmdesc_device_count(d));
        }
    } else {
        fprintf(o, "; no vmdesc trailer");
    }
    fprintf(o, "\n");
    size_t nw = vmc_reader_warning_count(c->reader);
    for (size_t i = 0; i < nw; i++) {
        fprintf(o, "%s %s\n", i ? "              " : "warnings      ", vmc_reader_warning(c->reader, i));
    }
    if (rc < 0) {
        char buf[VMC_ERROR_TEXT_MAX + 256];
        fprintf(o, "result         INVALID: %s\n",
                vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
    } else {
        fprintf(o, "result         OK: well-formed, %" PRId64 " bytes read\n",
                vmc_summary_end_offset(c->summary));
    }
}
