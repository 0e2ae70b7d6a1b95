/*
 * A summary of a migration stream built from its events: sections with
 * offsets and sizes (and decoded state), RAM blocks with page counts by
 * kind, block-migration and dirty-bitmap records, commands, configuration,
 * EOF and trailer.  RAM page contents are never kept, so the summary of a
 * stream of any size stays small.
 *
 * Feed every event of a vmc_reader, in order, to vmc_summary_add().  Value
 * pointers in the summary are owned by that reader: keep it alive while the
 * summary is used.
 */
#ifndef VMCOMPAT_SUMMARY_H
#define VMCOMPAT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcompat/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_summary vmc_summary;

typedef struct vmc_section_info {
    uint8_t type;                /* VMC_SEC_START or VMC_SEC_FULL */
    uint32_t section_id;
    const char *idstr;
    uint32_t instance_id;
    uint32_t version_id;
    vmc_section_kind kind;
    int64_t offset;              /* of the section type byte */
    uint64_t size;               /* bytes of this START/FULL record, footer included */
    bool footer;                 /* a footer followed */
    /* iterative handlers: all records with this section id */
    uint64_t records;            /* START + PART + END records */
    uint64_t total_bytes;
    /* device sections */
    int64_t payload_offset;
    uint64_t payload_size;
    const vmc_value *value;      /* decoded state, or NULL */
    const char *described_by;    /* "vmdesc", "model" or NULL */
} vmc_section_info;

typedef struct vmc_ram_block_info {
    const char *name;
    bool listed;                 /* in the setup block list (MEM_SIZE) */
    uint64_t used_length;
    uint64_t page_size;          /* 0 unless sent */
    uint64_t gpa;                /* UINT64_MAX unless sent */
    uint64_t pages[VMC_PAGE_KIND_COUNT];  /* records by kind */
    uint64_t bytes[VMC_PAGE_KIND_COUNT];  /* stream bytes by kind, headers included */
    uint64_t zero_fill_nonzero;  /* ZERO records with a fill byte other than 0 */
} vmc_ram_block_info;

typedef struct vmc_command_info {
    int64_t offset;
    uint16_t cmd;
    uint16_t len;
    uint32_t value;              /* PING value, PACKAGED length */
} vmc_command_info;

typedef struct vmc_iter_stats {
    uint64_t records;
    uint64_t data_bytes;
    uint64_t zero_records;       /* block: ZERO_BLOCK; dirty-bitmap: ZEROES */
} vmc_iter_stats;

int vmc_summary_new(vmc_summary **out);
void vmc_summary_free(vmc_summary *s);
int vmc_summary_add(vmc_summary *s, const vmc_event *ev);

bool vmc_summary_has_header(const vmc_summary *s);
const vmc_configuration *vmc_summary_configuration(const vmc_summary *s);  /* NULL if none */

size_t vmc_summary_command_count(const vmc_summary *s);
const vmc_command_info *vmc_summary_command(const vmc_summary *s, size_t i);

size_t vmc_summary_section_count(const vmc_summary *s);
const vmc_section_info *vmc_summary_section(const vmc_summary *s, size_t i);

size_t vmc_summary_ram_block_count(const vmc_summary *s);
const vmc_ram_block_info *vmc_summary_ram_block(const vmc_summary *s, size_t i);
uint64_t vmc_summary_ram_flushes(const vmc_summary *s);

const vmc_iter_stats *vmc_summary_block_stats(const vmc_summary *s);
const vmc_iter_stats *vmc_summary_bitmap_stats(const vmc_summary *s);

int64_t vmc_summary_eof_offset(const vmc_summary *s);        /* -1 if no EOF */
int64_t vmc_summary_vmdesc_offset(const vmc_summary *s);     /* -1 if no trailer */
uint64_t vmc_summary_vmdesc_length(const vmc_summary *s);    /* JSON bytes */
int64_t vmc_summary_end_offset(const vmc_summary *s);        /* bytes consumed */

#ifdef __cplusplus
}
#endif
#endif
