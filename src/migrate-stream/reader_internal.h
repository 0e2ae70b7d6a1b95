/* vmc_reader internals shared by the stream parser's files. */
#ifndef VMC_READER_INTERNAL_H
#define VMC_READER_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/source_internal.h"
#include "vmcompat/stream.h"
#include "vmstate/vmdesc_internal.h"

struct vmc_decode_ctx;

typedef struct vmc_sec_info {
    uint32_t id;
    char idstr[256];
    uint32_t instance_id;
    uint32_t version_id;
    vmc_section_kind kind;
} vmc_sec_info;

typedef enum reader_state {
    RS_HEADER = 0,
    RS_TOP,          /* between sections */
    RS_PAYLOAD,      /* inside an iterative section's payload */
    RS_FOOTER,       /* payload consumed, footer may follow */
    RS_AFTER_EOF,
    RS_DONE,
} reader_state;

struct vmc_reader {
    vmc_source *src;
    vmc_reader_options opts;
    reader_state state;
    bool saw_header;
    bool saw_config;

    GHashTable *sections;        /* id -> vmc_sec_info* (the latest START/FULL) */
    vmc_sec_info *cur;           /* section whose payload/footer comes next */
    uint8_t cur_type;

    /* footers */
    bool footers_seen;
    bool footers_missing;

    /* configuration and commands */
    vmc_configuration config;
    bool ignore_shared;          /* x-ignore-shared in the configuration */
    bool postcopy_ram;           /* POSTCOPY_ADVISE with page sizes */
    uint64_t postcopy_page_summary;
    int64_t package_end;         /* end of a PACKAGED command's data, -1 if none */
    uint8_t cmd_buf[65536];

    /* RAM */
    uint32_t page_size;
    uint64_t page_mask;          /* bits of the offset */
    char last_block[256];
    bool have_last_block;
    uint64_t mem_size_left;      /* block list bytes still to come */
    bool in_mem_size;
    char name_buf[256];
    GHashTable *block_len;       /* listed RAM block name -> used_length (uint64_t*) */
    const uint64_t *last_block_len; /* length of last_block when listed, else NULL */

    /* block and dirty-bitmap */
    char blk_dev[256];
    char bm_dev[256], bm_name[256];

    /* device state */
    bool vmdesc_tried;
    vmc_vmdesc *vmdesc;
    bool *vmdesc_used;
    size_t vmdesc_next;
    int64_t trailer_offset;      /* offset of the 0x06 byte, -1 unknown */
    int64_t trailer_end;         /* end of the JSON */
    vmc_arena *arena;            /* value trees */
    /* With a section decoder the vmdesc is parsed only when a section needs
     * it (vmc_reader_vmdesc_ensure): its JSON waits here until then. */
    bool vmdesc_lazy;
    char *vmdesc_pending;        /* copy of the trailer's JSON, not parsed yet */
    size_t vmdesc_pending_len;
    GPtrArray *decoder_sections; /* "idstr\x1finstance" the decoder read before */
    /* tried before the vmdesc: vmc_reader_set_section_decoder() */
    int (*section_decoder)(void *opaque, struct vmc_decode_ctx *dc, const vmc_sec_info *sec,
                           vmc_value **out);
    void *section_decoder_opaque;

    GPtrArray *warnings;         /* char* */
};

void vmc_reader_warn(vmc_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Counted string (u8 length + bytes) into buf[256]; returns the length or <0. */
int vmc_read_counted(vmc_source *src, char buf[256], const char *what);

/* Locate and parse the trailer in the slurped remainder (trailer.c). */
int vmc_reader_find_trailer(vmc_reader *r);
/* Parse a trailer find_trailer only located (lazy mode); 0 or an error. */
int vmc_reader_vmdesc_ensure(vmc_reader *r);

/* Iterative payload records (ram.c, block.c, dirty_bitmap.c): parse one record. */
int vmc_ram_next(vmc_reader *r, vmc_event *ev, bool *payload_done);
int vmc_block_next(vmc_reader *r, vmc_event *ev, bool *payload_done);
int vmc_bitmap_next(vmc_reader *r, vmc_event *ev, bool *payload_done);

/* Configuration section body (configuration.c). */
int vmc_configuration_read(vmc_reader *r, vmc_configuration *cfg);

/* Device section payload (device_state.c). */
int vmc_device_state_read(vmc_reader *r, vmc_sec_info *sec, vmc_event *ev);

/*
 * A decoder tried first on each device section (once section footers are
 * known to be on): it decodes from dc->cur (arena, section and cursor are
 * set; it may add device context) and returns 0 with *out set, or an error.
 * Its result is taken when the section footer follows where it stopped, as
 * QEMU's own load checks; otherwise the section is decoded as without it
 * and the event says so (described_by is then not "decoder").  preflight
 * uses it to read each section once, with the destination's descriptors.
 */
typedef int (*vmc_section_decoder_fn)(void *opaque, struct vmc_decode_ctx *dc,
                                      const vmc_sec_info *sec, vmc_value **out);
void vmc_reader_set_section_decoder(vmc_reader *r, vmc_section_decoder_fn fn, void *opaque);

#endif
