/*
 * vmcompat inspect --format analyze-migration: the JSON of QEMU 7.2's
 * scripts/analyze-migration.py -d state, as a drop-in.  The top level maps
 * "<idstr> (<section id>)" to each section's state in order of appearance;
 * the RAM section holds "section sizes" (block lengths as "0x%016x") and,
 * with --memory, "memory" ("<block> (0x%016x)" -> page bytes in hex or
 * "Filled with 0x%02x").  With --memory the RAM part is streamed while the
 * stream is read.
 */
#include "inspect.h"

#include <inttypes.h>
#include <stdio.h>

static void close_ram(inspect_ctx *c)
{
    if (c->in_sizes) {
        vmc_json_end_object(c->json);
        c->in_sizes = false;
    }
    if (c->in_memory) {
        vmc_json_end_object(c->json);
        c->in_memory = false;
    }
    if (c->ram_open) {
        vmc_json_end_object(c->json);
        c->ram_open = false;
    }
}

/* Streaming part, used only with --memory. */
void inspect_analyze_event(inspect_ctx *c, const vmc_event *ev, const uint8_t *page)
{
    vmc_json *j = c->json;
    char key[600];
    switch (ev->kind) {
    case VMC_EV_SECTION:
        if (ev->u.section.kind == VMC_SECTION_RAM) {
            if (!c->ram_section_id && ev->u.section.type == VMC_SEC_START) {
                vmc_json_begin_object(j);
                snprintf(key, sizeof(key), "%s (%u)", ev->u.section.idstr,
                         ev->u.section.section_id);
                vmc_json_key(j, key);
                vmc_json_begin_object(j);
                vmc_json_key(j, "section sizes");
                vmc_json_begin_object(j);
                c->in_sizes = true;
                c->ram_open = true;
                c->ram_section_id = ev->u.section.section_id + 1;   /* 0 = none */
            }
        } else {
            close_ram(c);
        }
        break;
    case VMC_EV_RAM_BLOCK:
        if (c->in_sizes) {
            vmc_json_key(j, ev->u.ram_block.name);
            vmc_json_stringf(j, "0x%016" PRIx64, ev->u.ram_block.used_length);
        }
        break;
    case VMC_EV_RAM_PAGE:
        if (!c->ram_open) {
            break;
        }
        if (c->in_sizes) {
            vmc_json_end_object(j);
            c->in_sizes = false;
            vmc_json_key(j, "memory");
            vmc_json_begin_object(j);
            c->in_memory = true;
        }
        snprintf(key, sizeof(key), "%s (0x%016" PRIx64 ")", ev->u.page.block, ev->u.page.addr);
        vmc_json_key(j, key);
        if (ev->u.page.kind == VMC_PAGE_ZERO) {
            vmc_json_stringf(j, "Filled with 0x%02x", ev->u.page.fill);
        } else {
            vmc_json_hex(j, page, 4096, " ");
        }
        break;
    case VMC_EV_EOF:
        close_ram(c);
        break;
    default:
        break;
    }
}

static void write_ram_sizes(inspect_ctx *c, vmc_json *j)
{
    vmc_json_begin_object(j);
    vmc_json_key(j, "section sizes");
    vmc_json_begin_object(j);
    for (size_t i = 0; i < vmc_summary_ram_block_count(c->summary); i++) {
        const vmc_ram_block_info *b = vmc_summary_ram_block(c->summary, i);
        if (b->listed) {
            vmc_json_key(j, b->name);
            vmc_json_stringf(j, "0x%016" PRIx64, b->used_length);
        }
    }
    vmc_json_end_object(j);
    vmc_json_end_object(j);
}

/*
 * The state object.  When the RAM part was streamed on this writer, the
 * object is already open and RAM is skipped.
 */
void inspect_analyze_state(inspect_ctx *c, vmc_json *j)
{
    bool streamed = j == c->json && c->ram_section_id != 0;
    if (streamed) {
        close_ram(c);
    } else {
        vmc_json_begin_object(j);
    }
    char key[600];
    for (size_t i = 0; i < vmc_summary_section_count(c->summary); i++) {
        const vmc_section_info *s = vmc_summary_section(c->summary, i);
        if (streamed && s->kind == VMC_SECTION_RAM && s->section_id + 1 == c->ram_section_id) {
            continue;
        }
        snprintf(key, sizeof(key), "%s (%u)", s->idstr, s->section_id);
        vmc_json_key(j, key);
        switch (s->kind) {
        case VMC_SECTION_RAM:
            write_ram_sizes(c, j);
            break;
        case VMC_SECTION_VMSTATE:
            if (s->value) {
                vmc_value_write_analyze(s->value, j);
            } else {
                vmc_json_begin_object(j);
                vmc_json_end_object(j);
            }
            break;
        default:
            /* The script cannot read block or dirty-bitmap sections at all. */
            vmc_json_begin_object(j);
            vmc_json_key(j, "records");
            vmc_json_uint(j, s->records);
            vmc_json_key(j, "bytes");
            vmc_json_uint(j, s->total_bytes);
            vmc_json_end_object(j);
            break;
        }
    }
    vmc_json_end_object(j);
}

void inspect_analyze_end(inspect_ctx *c)
{
    if (c->desc) {
        return;
    }
    inspect_analyze_state(c, c->json);
}
