/* Records of a precopy stream on a sink (include/vmcompat/write.h). */
#include "common/error_internal.h"
#include "vmcompat/write.h"

#include <stdlib.h>
#include <string.h>

#define QEMU_VM_FILE_MAGIC 0x5145564du
#define QEMU_VM_FILE_VERSION 3u
#define QEMU_VM_EOF 0x00
#define QEMU_VM_VMDESCRIPTION 0x06
#define QEMU_VM_CONFIGURATION 0x07
#define QEMU_VM_SECTION_FOOTER 0x7e

#define RAM_SAVE_FLAG_ZERO 0x02
#define RAM_SAVE_FLAG_MEM_SIZE 0x04
#define RAM_SAVE_FLAG_PAGE 0x08
#define RAM_SAVE_FLAG_EOS 0x10
#define RAM_SAVE_FLAG_CONTINUE 0x20

struct vmc_writer {
    vmc_sink *sink;
    bool footers;
    char *last_block;      /* block of the previous page, for RAM_SAVE_FLAG_CONTINUE */
};

int vmc_writer_new(vmc_writer **out, vmc_sink *sink, bool footers)
{
    vmc_writer *w = calloc(1, sizeof(*w));
    if (!w) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    w->sink = sink;
    w->footers = footers;
    *out = w;
    return 0;
}

void vmc_writer_free(vmc_writer *w)
{
    if (w) {
        free(w->last_block);
        free(w);
    }
}

static int put_name(vmc_writer *w, const char *name, const char *what)
{
    size_t n = strlen(name);
    if (n == 0 || n > 255) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "%s '%s' must have 1 to 255 bytes",
                             what, name);
    }
    int rc = vmc_sink_put_u8(w->sink, (uint8_t)n);
    return rc ? rc : vmc_sink_write(w->sink, name, n);
}

int vmc_writer_header(vmc_writer *w)
{
    int rc = vmc_sink_put_be32(w->sink, QEMU_VM_FILE_MAGIC);
    return rc ? rc : vmc_sink_put_be32(w->sink, QEMU_VM_FILE_VERSION);
}

int vmc_writer_configuration(vmc_writer *w, const char *machine)
{
    size_t n = strlen(machine);
    int rc;
    if ((rc = vmc_sink_put_u8(w->sink, QEMU_VM_CONFIGURATION)) ||
        (rc = vmc_sink_put_be32(w->sink, (uint32_t)n))) {
        return rc;
    }
    return vmc_sink_write(w->sink, machine, n);
}

int vmc_writer_section_begin(vmc_writer *w, int type, uint32_t section_id, const char *idstr,
                             uint32_t instance_id, uint32_t version_id)
{
    int rc;
    if ((rc = vmc_sink_put_u8(w->sink, (uint8_t)type)) ||
        (rc = vmc_sink_put_be32(w->sink, section_id)) ||
        (rc = put_name(w, idstr, "section idstr")) ||
        (rc = vmc_sink_put_be32(w->sink, instance_id))) {
        return rc;
    }
    return vmc_sink_put_be32(w->sink, version_id);
}

int vmc_writer_section_continue(vmc_writer *w, int type, uint32_t section_id)
{
    /* the last block is kept: QEMU's first page of a PART may CONTINUE */
    int rc = vmc_sink_put_u8(w->sink, (uint8_t)type);
    return rc ? rc : vmc_sink_put_be32(w->sink, section_id);
}

int vmc_writer_section_finish(vmc_writer *w, uint32_t section_id)
{
    if (!w->footers) {
        return 0;
    }
    int rc = vmc_sink_put_u8(w->sink, QEMU_VM_SECTION_FOOTER);
    return rc ? rc : vmc_sink_put_be32(w->sink, section_id);
}

int vmc_writer_ram_begin_blocks(vmc_writer *w, uint64_t total_bytes)
{
    /* ram_state_reset() at setup: no block sent yet */
    free(w->last_block);
    w->last_block = NULL;
    return vmc_sink_put_be64(w->sink, total_bytes | RAM_SAVE_FLAG_MEM_SIZE);
}

int vmc_writer_ram_block(vmc_writer *w, const char *name, uint64_t used_length)
{
    int rc = put_name(w, name, "RAM block name");
    return rc ? rc : vmc_sink_put_be64(w->sink, used_length);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

int vmc_writer_ram_page(vmc_writer *w, const char *block, uint64_t offset, const uint8_t *page,
                        size_t page_size)
{
    if (offset % page_size) {
        return vmc_error_set(VMC_EUSAGE, -1, "ram", block, "page offset 0x%llx is not aligned",
                             (unsigned long long)offset);
    }
    bool zero = all_zero(page, page_size);
    bool cont = w->last_block && strcmp(w->last_block, block) == 0;
    uint64_t hdr = offset | (zero ? RAM_SAVE_FLAG_ZERO : RAM_SAVE_FLAG_PAGE) |
                   (cont ? RAM_SAVE_FLAG_CONTINUE : 0);
    int rc = vmc_sink_put_be64(w->sink, hdr);
    if (!rc && !cont) {
        rc = put_name(w, block, "RAM block name");
        free(w->last_block);
        w->last_block = strdup(block);
        if (!w->last_block) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
    }
    if (rc) {
        return rc;
    }
    return zero ? vmc_sink_put_u8(w->sink, 0) : vmc_sink_write(w->sink, page, page_size);
}

int vmc_writer_ram_eos(vmc_writer *w)
{
    return vmc_sink_put_be64(w->sink, RAM_SAVE_FLAG_EOS);
}

int vmc_writer_bytes(vmc_writer *w, const void *p, size_t n)
{
    return vmc_sink_write(w->sink, p, n);
}

int vmc_writer_eof(vmc_writer *w)
{
    return vmc_sink_put_u8(w->sink, QEMU_VM_EOF);
}

int vmc_writer_vmdesc(vmc_writer *w, const char *json, size_t len)
{
    if (len > UINT32_MAX) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "vmdesc of %zu bytes", len);
    }
    int rc;
    if ((rc = vmc_sink_put_u8(w->sink, QEMU_VM_VMDESCRIPTION)) ||
        (rc = vmc_sink_put_be32(w->sink, (uint32_t)len))) {
        return rc;
    }
    return vmc_sink_write(w->sink, json, len);
}
