/* vmcompat inspect: shared state of the verb's output formats. */
#ifndef VMC_TOOLS_INSPECT_H
#define VMC_TOOLS_INSPECT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

typedef enum inspect_format {
    FMT_TEXT = 0,
    FMT_JSON,
    FMT_ANALYZE,
} inspect_format;

typedef struct page_store page_store;

typedef struct inspect_ctx {
    /* options */
    inspect_format format;
    bool desc;             /* analyze-migration -d desc */
    bool memory;           /* dump RAM contents */
    const char *extract;   /* directory, or NULL */
    bool quiet;
    bool progress;
    const char *path;

    /* state */
    vmc_source *src;
    vmc_reader *reader;
    vmc_summary *summary;
    FILE *out;
    vmc_json *json;        /* streaming JSON on out (json/analyze formats) */
    page_store *pages;     /* page contents, for --memory / --extract */
    bool ram_open;         /* analyze: the RAM section object is open */
    bool in_sizes;         /* analyze: inside "section sizes" */
    bool in_memory;        /* analyze: inside "memory" */
    uint32_t ram_section_id;
    uint8_t page[65536];   /* scratch page */
    char *vmdesc_json;     /* copy of the trailer JSON (for --desc/--extract) */
    size_t vmdesc_len;
} inspect_ctx;

/* text format */
void inspect_text_page(inspect_ctx *c, const vmc_event *ev, const uint8_t *page);
void inspect_text_report(inspect_ctx *c, int rc);

/* typed JSON format */
void inspect_json_begin(inspect_ctx *c);
void inspect_json_page(inspect_ctx *c, const vmc_event *ev, const uint8_t *page);
void inspect_json_end(inspect_ctx *c, int rc);

/* analyze-migration.py format */
void inspect_analyze_event(inspect_ctx *c, const vmc_event *ev, const uint8_t *page);
void inspect_analyze_state(inspect_ctx *c, vmc_json *j);   /* the whole -d state object */
void inspect_analyze_end(inspect_ctx *c);

/* Copy a JSON text (e.g. the vmdesc) to the writer, pretty, preserving key order. */
int json_copy_text(const char *text, size_t len, vmc_json *j);

/* Page contents for --memory / --extract, kept in sparse files, not in memory. */
int page_store_open(page_store **out, const char *extract_dir);
void page_store_free(page_store *ps);
int page_store_block(page_store *ps, const char *name, uint64_t length);
/* Apply a page record; *page gets the page's new contents (page_size bytes). */
int page_store_apply(page_store *ps, const vmc_event *ev, uint8_t *page, size_t page_size);
/* Rename the extracted files into place (extract mode); prints their names. */
int page_store_commit(page_store *ps, FILE *names);

/* Progress bar on stderr. */
void progress_update(inspect_ctx *c, bool final);

#endif
