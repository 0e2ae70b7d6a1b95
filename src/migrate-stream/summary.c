/* Stream summary built from reader events; see include/vmcompat/summary.h. */
#include "vmcompat/summary.h"
#include "common/error_internal.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

struct vmc_summary {
    bool header;
    bool has_config;
    vmc_configuration config;
    GArray *commands;            /* vmc_command_info */
    GPtrArray *sections;         /* vmc_section_info*, START/FULL in order */
    GHashTable *by_id;           /* section id -> latest vmc_section_info* */
    vmc_section_info *open;      /* section whose records are being read */
    GPtrArray *blocks;           /* vmc_ram_block_info* */
    GHashTable *block_by_name;   /* name -> vmc_ram_block_info* */
    GStringChunk *strings;
    vmc_ram_block_info *last_block;  /* of the previous page record */
    uint64_t flushes;
    vmc_iter_stats blk, bitmap;
    int64_t eof_offset, vmdesc_offset, end_offset;
    uint64_t vmdesc_len;
};

static void free_ptr(gpointer p)
{
    g_free(p);
}

int vmc_summary_new(vmc_summary **out)
{
    vmc_summary *s = g_new0(vmc_summary, 1);
    s->commands = g_array_new(FALSE, TRUE, sizeof(vmc_command_info));
    s->sections = g_ptr_array_new_with_free_func(free_ptr);
    s->by_id = g_hash_table_new(g_direct_hash, g_direct_equal);
    s->blocks = g_ptr_array_new_with_free_func(free_ptr);
    s->block_by_name = g_hash_table_new(g_str_hash, g_str_equal);
    s->strings = g_string_chunk_new(4096);
    s->eof_offset = s->vmdesc_offset = -1;
    *out = s;
    return 0;
}

void vmc_summary_free(vmc_summary *s)
{
    if (!s) {
        return;
    }
    g_array_free(s->commands, TRUE);
    g_ptr_array_free(s->sections, TRUE);
    g_hash_table_destroy(s->by_id);
    g_ptr_array_free(s->blocks, TRUE);
    g_hash_table_destroy(s->block_by_name);
    g_string_chunk_free(s->strings);
    g_free(s);
}

static vmc_ram_block_info *block(vmc_summary *s, const char *name)
{
    /* Page records mostly continue the previous block: skip the hash. */
    if (s->last_block && strcmp(s->last_block->name, name) == 0) {
        return s->last_block;
    }
    vmc_ram_block_info *b = g_hash_table_lookup(s->block_by_name, name);
    if (!b) {
        b = g_new0(vmc_ram_block_info, 1);
        b->name = g_string_chunk_insert_const(s->strings, name);
        b->gpa = UINT64_MAX;
        g_ptr_array_add(s->blocks, b);
        g_hash_table_insert(s->block_by_name, (gpointer)b->name, b);
    }
    s->last_block = b;
    return b;
}

int vmc_summary_add(vmc_summary *s, const vmc_event *ev)
{
    if (ev->kind != VMC_EV_END) {
        s->end_offset = ev->offset + ev->length;
    }
    if (s->open && ev->kind != VMC_EV_SECTION) {
        s->open->total_bytes += (uint64_t)ev->length;
    }
    switch (ev->kind) {
    case VMC_EV_HEADER:
        s->header = true;
        break;
    case VMC_EV_CONFIGURATION:
        s->has_config = true;
        s->config = *ev->u.configuration;
        break;
    case VMC_EV_COMMAND: {
        vmc_command_info c = { .offset = ev->offset, .cmd = ev->u.command.cmd,
                               .len = ev->u.command.len };
        if (ev->u.command.len == 4) {
            const uint8_t *d = ev->u.command.data;
            c.value = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        }
        g_array_append_val(s->commands, c);
        break;
    }
    case VMC_EV_SECTION: {
        uint8_t t = ev->u.section.type;
        vmc_section_info *si;
        if (t == VMC_SEC_START || t == VMC_SEC_FULL) {
            si = g_new0(vmc_section_info, 1);
            si->type = t;
            si->section_id = ev->u.section.section_id;
            si->idstr = g_string_chunk_insert_const(s->strings, ev->u.section.idstr);
            si->instance_id = ev->u.section.instance_id;
            si->version_id = ev->u.section.version_id;
            si->kind = ev->u.section.kind;
            si->offset = ev->offset;
            si->payload_offset = -1;
            g_ptr_array_add(s->sections, si);
            g_hash_table_insert(s->by_id, GUINT_TO_POINTER(si->section_id), si);
        } else {
            si = g_hash_table_lookup(s->by_id, GUINT_TO_POINTER(ev->u.section.section_id));
            if (!si) {
                return vmc_error_set(VMC_EFORMAT, ev->offset, NULL, NULL,
                                     "record of section %u before its START",
                                     ev->u.section.section_id);
            }
        }
        si->records++;
        si->total_bytes += (uint64_t)ev->length;
        s->open = si;
        break;
    }
    case VMC_EV_RAM_BLOCK: {
        vmc_ram_block_info *b = block(s, ev->u.ram_block.name);
        b->listed = true;
        b->used_length = ev->u.ram_block.used_length;
        b->page_size = ev->u.ram_block.page_size;
        b->gpa = ev->u.ram_block.gpa;
        break;
    }
    case VMC_EV_RAM_PAGE: {
        vmc_ram_block_info *b = block(s, ev->u.page.block);
        b->pages[ev->u.page.kind]++;
        b->bytes[ev->u.page.kind] += (uint64_t)ev->length;
        if (ev->u.page.kind == VMC_PAGE_ZERO && ev->u.page.fill) {
            b->zero_fill_nonzero++;
        }
        break;
    }
    case VMC_EV_RAM_FLUSH:
        s->flushes++;
        break;
    case VMC_EV_BLOCK_RECORD:
        s->blk.records++;
        s->blk.data_bytes += ev->u.block.len;
        if (ev->u.block.device && !ev->u.block.len) {
            s->blk.zero_records++;
        }
        break;
    case VMC_EV_BITMAP_RECORD:
        s->bitmap.records++;
        s->bitmap.data_bytes += ev->u.bitmap.data_len;
        if (ev->u.bitmap.flags & 0x02) {
            s->bitmap.zero_records++;
        }
        break;
    case VMC_EV_DEVICE_STATE:
        if (s->open) {
            s->open->payload_offset = ev->offset;
            s->open->payload_size = (uint64_t)ev->length;
            s->open->value = ev->u.state.value;
            s->open->described_by = ev->u.state.described_by;
        }
        break;
    case VMC_EV_SECTION_DONE:
        if (s->open) {
            s->open->footer = ev->u.done.footer;
            if (s->open->records == 1) {
                s->open->size = s->open->total_bytes;
            }
        }
        s->open = NULL;
        break;
    case VMC_EV_EOF:
        if (s->eof_offset < 0) {
            s->eof_offset = ev->offset;
        }
        break;
    case VMC_EV_VMDESC:
        s->vmdesc_offset = ev->offset;
        s->vmdesc_len = ev->u.vmdesc.len;
        break;
    default:
        break;
    }
    return 0;
}

bool vmc_summary_has_header(const vmc_summary *s) { return s->header; }

const vmc_configuration *vmc_summary_configuration(const vmc_summary *s)
{
    return s->has_config ? &s->config : NULL;
}

size_t vmc_summary_command_count(const vmc_summary *s) { return s->commands->len; }

const vmc_command_info *vmc_summary_command(const vmc_summary *s, size_t i)
{
    return i < s->commands->len ? &g_array_index(s->commands, vmc_command_info, i) : NULL;
}

size_t vmc_summary_section_count(const vmc_summary *s) { return s->sections->len; }

const vmc_section_info *vmc_summary_section(const vmc_summary *s, size_t i)
{
    return i < s->sections->len ? g_ptr_array_index(s->sections, i) : NULL;
}

size_t vmc_summary_ram_block_count(const vmc_summary *s) { return s->blocks->len; }

const vmc_ram_block_info *vmc_summary_ram_block(const vmc_summary *s, size_t i)
{
    return i < s->blocks->len ? g_ptr_array_index(s->blocks, i) : NULL;
}

uint64_t vmc_summary_ram_flushes(const vmc_summary *s) { return s->flushes; }
const vmc_iter_stats *vmc_summary_block_stats(const vmc_summary *s) { return &s->blk; }
const vmc_iter_stats *vmc_summary_bitmap_stats(const vmc_summary *s) { return &s->bitmap; }
int64_t vmc_summary_eof_offset(const vmc_summary *s) { return s->eof_offset; }
int64_t vmc_summary_vmdesc_offset(const vmc_summary *s) { return s->vmdesc_offset; }
uint64_t vmc_summary_vmdesc_length(const vmc_summary *s) { return s->vmdesc_len; }
int64_t vmc_summary_end_offset(const vmc_summary *s) { return s->end_offset; }
