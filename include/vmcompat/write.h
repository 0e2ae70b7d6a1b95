/*
 * Writing migration streams.
 *
 * vmc_writer puts the records of a QEMU 7.2 precopy stream on a sink:
 * header, configuration, section headers and footers, RAM pages (zero pages
 * as QEMU's RAM_SAVE_FLAG_ZERO, others as RAM_SAVE_FLAG_PAGE, with
 * RAM_SAVE_FLAG_CONTINUE for consecutive pages of one block), EOF and the
 * vmdesc trailer.  It knows the framing, not the content.
 *
 * vmc_model_write() writes the whole stream of a machine model freshly
 * started (-S, never run), as `vmcompat write` does.
 */
#ifndef VMCOMPAT_WRITE_H
#define VMCOMPAT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcompat/model.h"
#include "vmcompat/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Section types on the wire (QEMU_VM_*). */
enum {
    VMC_SECTION_START = 0x01,
    VMC_SECTION_PART = 0x02,
    VMC_SECTION_END = 0x03,
    VMC_SECTION_FULL = 0x04,
};

typedef struct vmc_writer vmc_writer;

/* footers: the machine sends section footers (send-section-footer). */
int vmc_writer_new(vmc_writer **out, vmc_sink *sink, bool footers);
void vmc_writer_free(vmc_writer *w);

int vmc_writer_header(vmc_writer *w);
/* The configuration section: machine type name (no capabilities, no UUID). */
int vmc_writer_configuration(vmc_writer *w, const char *machine);
/* START/FULL: the section header with idstr, instance and version. */
int vmc_writer_section_begin(vmc_writer *w, int type, uint32_t section_id, const char *idstr,
                             uint32_t instance_id, uint32_t version_id);
/* PART/END: the short header. */
int vmc_writer_section_continue(vmc_writer *w, int type, uint32_t section_id);
/* The footer (when footers are on). */
int vmc_writer_section_finish(vmc_writer *w, uint32_t section_id);

/* RAM (inside a ram section): the START payload (total size and block list) ... */
int vmc_writer_ram_begin_blocks(vmc_writer *w, uint64_t total_bytes);
int vmc_writer_ram_block(vmc_writer *w, const char *name, uint64_t used_length);
/* ... one page at offset of a block (a zero page when all bytes are 0) ... */
int vmc_writer_ram_page(vmc_writer *w, const char *block, uint64_t offset, const uint8_t *page,
                        size_t page_size);
/* ... and RAM_SAVE_FLAG_EOS, which ends each ram section's payload. */
int vmc_writer_ram_eos(vmc_writer *w);

/* Raw bytes (a device section payload). */
int vmc_writer_bytes(vmc_writer *w, const void *p, size_t n);

int vmc_writer_eof(vmc_writer *w);
int vmc_writer_vmdesc(vmc_writer *w, const char *json, size_t len);

typedef struct vmc_write_options {
    /* Field values to put instead of the fresh ones: a document with a
     * "sections" array as `vmcompat inspect --format json` prints (each
     * entry with "idstr", "instance_id" and "state"; other members are
     * ignored), or NULL. */
    const char *state_json;
    size_t state_len;
    /* The time the machine "started" (RTC), ns since the epoch; 0 = now. */
    int64_t clock_ns;
    /* Called after each RAM block and each device section. */
    void (*progress)(void *opaque, uint64_t done_bytes, uint64_t total_bytes);
    void *progress_opaque;
} vmc_write_options;

/*
 * Write the stream of the machine freshly started.  Fails with
 * VMC_EUNSUPPORTED ("not modelled") when some part of the machine (a
 * device's fresh state, its ROM contents, the ACPI tables) is not modelled,
 * rather than writing a wrong stream.
 */
int vmc_model_write(vmc_model *m, vmc_sink *out, const vmc_write_options *opts);

#ifdef __cplusplus
}
#endif
#endif
