/*
 * vmcompat inspect --format json: the whole stream, typed.  The shape is
 * published in schemas/inspect.schema.json.  With --memory the page records
 * are streamed into "pages" while the stream is read; everything else is
 * written at the end from the summary.
 */
#include "inspect.h"

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

void inspect_json_begin(inspect_ctx *c)
{
    vmc_json *j = c->json;
    vmc_json_begin_object(j);
    vmc_json_key(j, "format");
    vmc_json_string(j, "vmcompat-inspect");
    vmc_json_key(j, "format_version");
    vmc_json_int(j, 1);
    vmc_json_key(j, "file");
    vmc_json_string(j, c->path);
    if (c->memory) {
        vmc_json_key(j, "pages");
        vmc_json_begin_array(j);
    }
}

void inspect_json_page(inspect_ctx *c, const vmc_event *ev, const uint8_t *page)
{
    vmc_json *j = c->json;
    vmc_json_begin_object(j);
    vmc_json_key(j, "offset");
    vmc_json_int(j, ev->offset);
    vmc_json_key(j, "block");
    vmc_json_string(j, ev->u.page.block);
    vmc_json_key(j, "addr");
    vmc_json_uint(j, ev->u.page.addr);
    vmc_json_key(j, "kind");
    vmc_json_string(j, vmc_page_kind_name(ev->u.page.kind));
    vmc_json_key(j, "flags");
    vmc_json_uint(j, ev->u.page.flags);
    if (ev->u.page.kind == VMC_PAGE_ZERO) {
        vmc_json_key(j, "fill");
        vmc_json_uint(j, ev->u.page.fill);
    } else if (page) {
        vmc_json_key(j, "data");
        vmc_json_hex(j, page, 4096, "");
    }
    vmc_json_end_object(j);
}

static void write_configuration(vmc_json *j, const vmc_configuration *cfg)
{
    vmc_json_key(j, "configuration");
    if (!cfg) {
        vmc_json_null(j);
        return;
    }
    vmc_json_begin_object(j);
    vmc_json_key(j, "machine");
    vmc_json_string_len(j, cfg->machine, cfg->machine_len);
    vmc_json_key(j, "capabilities");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < cfg->n_capabilities; i++) {
        vmc_json_string(j, cfg->capabilities[i]);
    }
    vmc_json_end_array(j);
    if (cfg->has_uuid) {
        const uint8_t *u = cfg->uuid;
        vmc_json_key(j, "uuid");
        vmc_json_stringf(j, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                         u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
                         u[11], u[12], u[13], u[14], u[15]);
    }
    if (cfg->has_page_bits) {
        vmc_json_key(j, "target_page_bits");
        vmc_json_uint(j, cfg->page_bits);
    }
    vmc_json_end_object(j);
}

static void write_section(vmc_json *j, const vmc_section_info *s)
{
    vmc_json_begin_object(j);
    vmc_json_key(j, "section_id");
    vmc_json_uint(j, s->section_id);
    vmc_json_key(j, "type");
    vmc_json_string(j, s->type == VMC_SEC_START ? "start" : "full");
    vmc_json_key(j, "idstr");
    vmc_json_string(j, s->idstr);
    vmc_json_key(j, "instance_id");
    vmc_json_uint(j, s->instance_id);
    vmc_json_key(j, "version_id");
    vmc_json_uint(j, s->version_id);
    vmc_json_key(j, "offset");
    vmc_json_int(j, s->offset);
    vmc_json_key(j, "size");
    vmc_json_uint(j, s->size);
    vmc_json_key(j, "kind");
    vmc_json_string(j, kind_name(s->kind));
    vmc_json_key(j, "footer");
    vmc_json_bool(j, s->footer);
    if (s->kind != VMC_SECTION_VMSTATE) {
        vmc_json_key(j, "records");
        vmc_json_uint(j, s->records);
        vmc_json_key(j, "total_bytes");
        vmc_json_uint(j, s->total_bytes);
    } else {
        vmc_json_key(j, "payload_offset");
        vmc_json_int(j, s->payload_offset);
        vmc_json_key(j, "payload_size");
        vmc_json_uint(j, s->payload_size);
        vmc_json_key(j, "described_by");
        vmc_json_string(j, s->described_by);
        vmc_json_key(j, "state");
        if (s->value) {
            vmc_value_write_json(s->value, j);
        } else {
            vmc_json_null(j);
        }
    }
    vmc_json_end_object(j);
}

static void write_ram(vmc_json *j, const vmc_summary *sum)
{
    static const char *kinds[] = { "zero", "normal", "compressed", "xbzrle" };
    vmc_json_key(j, "ram");
    vmc_json_begin_object(j);
    vmc_json_key(j, "blocks");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_summary_ram_block_count(sum); i++) {
        const vmc_ram_block_info *b = vmc_summary_ram_block(sum, i);
        vmc_json_begin_object(j);
        vmc_json_key(j, "name");
        vmc_json_string(j, b->name);
        vmc_json_key(j, "listed");
        vmc_json_bool(j, b->listed);
        vmc_json_key(j, "used_length");
        vmc_json_uint(j, b->used_length);
        if (b->page_size) {
            vmc_json_key(j, "page_size");
            vmc_json_uint(j, b->page_size);
        }
        if (b->gpa != UINT64_MAX) {
            vmc_json_key(j, "gpa");
            vmc_json_uint(j, b->gpa);
        }
        vmc_json_key(j, "pages");
        vmc_json_begin_object(j);
        for (int k = 0; k < VMC_PAGE_KIND_COUNT; k++) {
            vmc_json_key(j, kinds[k]);
            vmc_json_uint(j, b->pages[k]);
        }
        vmc_json_end_object(j);
        vmc_json_key(j, "bytes");
        vmc_json_begin_object(j);
        for (int k = 0; k < VMC_PAGE_KIND_COUNT; k++) {
            vmc_json_key(j, kinds[k]);
            vmc_json_uint(j, b->bytes[k]);
        }
        vmc_json_end_object(j);
        vmc_json_end_object(j);
    }
    vmc_json_end_array(j);
    vmc_json_key(j, "multifd_flushes");
    vmc_json_uint(j, vmc_summary_ram_flushes(sum));
    vmc_json_end_object(j);
}

static void write_iter(vmc_json *j, const char *key, const vmc_iter_stats *st)
{
    vmc_json_key(j, key);
    if (!st->records) {
        vmc_json_null(j);
        return;
    }
    vmc_json_begin_object(j);
    vmc_json_key(j, "records");
    vmc_json_uint(j, st->records);
    vmc_json_key(j, "data_bytes");
    vmc_json_uint(j, st->data_bytes);
    vmc_json_key(j, "zero_records");
    vmc_json_uint(j, st->zero_records);
    vmc_json_end_object(j);
}

void inspect_json_end(inspect_ctx *c, int rc)
{
    vmc_json *j = c->json;
    const vmc_summary *sum = c->summary;
    if (c->memory) {
        vmc_json_end_array(j);
    }
    vmc_json_key(j, "size");
    if (vmc_source_size(c->src) >= 0) {
        vmc_json_int(j, vmc_source_size(c->src));
    } else {
        vmc_json_int(j, vmc_summary_end_offset(sum));
    }
    vmc_json_key(j, "header");
    if (vmc_summary_has_header(sum)) {
        vmc_json_begin_object(j);
        vmc_json_key(j, "magic");
        vmc_json_string(j, "QEVM");
        vmc_json_key(j, "version");
        vmc_json_int(j, 3);
        vmc_json_end_object(j);
    } else {
        vmc_json_null(j);
    }
    write_configuration(j, vmc_summary_configuration(sum));
    vmc_json_key(j, "commands");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_summary_command_count(sum); i++) {
        const vmc_command_info *ci = vmc_summary_command(sum, i);
        vmc_json_begin_object(j);
        vmc_json_key(j, "offset");
        vmc_json_int(j, ci->offset);
        vmc_json_key(j, "cmd");
        vmc_json_uint(j, ci->cmd);
        vmc_json_key(j, "name");
        vmc_json_string(j, vmc_command_name(ci->cmd));
        vmc_json_key(j, "len");
        vmc_json_uint(j, ci->len);
        if (ci->len == 4) {
            vmc_json_key(j, "value");
            vmc_json_uint(j, ci->value);
        }
        vmc_json_end_object(j);
    }
    vmc_json_end_array(j);
    vmc_json_key(j, "footers");
    vmc_json_bool(j, vmc_reader_has_footers(c->reader));
    vmc_json_key(j, "sections");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_summary_section_count(sum); i++) {
        write_section(j, vmc_summary_section(sum, i));
    }
    vmc_json_end_array(j);
    write_ram(j, sum);
    write_iter(j, "block_migration", vmc_summary_block_stats(sum));
    write_iter(j, "dirty_bitmaps", vmc_summary_bitmap_stats(sum));
    vmc_json_key(j, "eof_offset");
    vmc_json_int(j, vmc_summary_eof_offset(sum));
    vmc_json_key(j, "vmdesc");
    if (vmc_summary_vmdesc_offset(sum) >= 0) {
        vmc_json_begin_object(j);
        vmc_json_key(j, "offset");
        vmc_json_int(j, vmc_summary_vmdesc_offset(sum));
        vmc_json_key(j, "length");
        vmc_json_uint(j, vmc_summary_vmdesc_length(sum));
        const vmc_vmdesc *d = vmc_reader_vmdesc(c->reader);
        vmc_json_key(j, "devices");
        if (d) {
            vmc_json_uint(j, vmc_vmdesc_device_count(d));
        } else {
            vmc_json_null(j);
        }
        vmc_json_end_object(j);
    } else {
        vmc_json_null(j);
    }
    vmc_json_key(j, "end_offset");
    vmc_json_int(j, vmc_summary_end_offset(sum));
    vmc_json_key(j, "warnings");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_reader_warning_count(c->reader); i++) {
        vmc_json_string(j, vmc_reader_warning(c->reader, i));
    }
    vmc_json_end_array(j);
    vmc_json_key(j, "result");
    vmc_json_string(j, rc < 0 ? "invalid" : "ok");
    if (rc < 0) {
        const vmc_error *e = vmc_error_last();
        vmc_json_key(j, "error");
        vmc_json_begin_object(j);
        vmc_json_key(j, "message");
        vmc_json_string(j, e->message);
        vmc_json_key(j, "kind");
        vmc_json_string(j, vmc_error_code_name(e->code));
        vmc_json_key(j, "offset");
        if (e->offset >= 0) {
            vmc_json_int(j, e->offset);
        } else {
            vmc_json_null(j);
        }
        vmc_json_key(j, "section");
        vmc_json_string(j, e->section[0] ? e->section : NULL);
        vmc_json_key(j, "field");
        vmc_json_string(j, e->field[0] ? e->field : NULL);
        vmc_json_end_object(j);
    }
    vmc_json_end_object(j);
}
