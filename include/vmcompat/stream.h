/*
 * Reading QEMU migration streams (QEMU 7.2 precopy format; also the
 * footer-less streams of pc-i440fx-1.4 and the header+devices files of
 * xen-save-devices-state).
 *
 * vmc_reader is a pull parser: each vmc_reader_next() returns one event
 * (header, configuration, command, section header, RAM block, RAM page,
 * device state, footer, EOF, vmdesc trailer ...).  Pointers inside an event
 * stay valid until the next call, except the device-state value tree, which
 * lives until the reader is freed.
 *
 * Device sections are not self-describing.  The reader decodes them with the
 * stream's own vmdesc trailer: because QEMU writes the trailer last, the
 * reader buffers everything from the first device section to the end of the
 * stream (bounded by max_device_state; RAM pages are never buffered), finds
 * the trailer exactly, and then decodes.  A descriptor provider (built-in
 * device models) can be given for streams without a trailer.
 */
#ifndef VMCOMPAT_STREAM_H
#define VMCOMPAT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcompat/source.h"
#include "vmcompat/vmstate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Wire constants (QEMU names in comments). */
enum {
    VMC_FILE_MAGIC = 0x5145564D,      /* QEMU_VM_FILE_MAGIC "QEVM" */
    VMC_FILE_VERSION = 3,             /* QEMU_VM_FILE_VERSION */

    VMC_SEC_EOF = 0x00,               /* QEMU_VM_EOF */
    VMC_SEC_START = 0x01,             /* QEMU_VM_SECTION_START */
    VMC_SEC_PART = 0x02,              /* QEMU_VM_SECTION_PART */
    VMC_SEC_END = 0x03,               /* QEMU_VM_SECTION_END */
    VMC_SEC_FULL = 0x04,              /* QEMU_VM_SECTION_FULL */
    VMC_SEC_SUBSECTION = 0x05,        /* QEMU_VM_SUBSECTION */
    VMC_SEC_VMDESC = 0x06,            /* QEMU_VM_VMDESCRIPTION */
    VMC_SEC_CONFIGURATION = 0x07,     /* QEMU_VM_CONFIGURATION */
    VMC_SEC_COMMAND = 0x08,           /* QEMU_VM_COMMAND */
    VMC_SEC_FOOTER = 0x7E,            /* QEMU_VM_SECTION_FOOTER */
};

/* RAM page record flags (RAM_SAVE_FLAG_*). */
enum {
    VMC_RAM_FULL = 0x01,
    VMC_RAM_ZERO = 0x02,
    VMC_RAM_MEM_SIZE = 0x04,
    VMC_RAM_PAGE = 0x08,
    VMC_RAM_EOS = 0x10,
    VMC_RAM_CONTINUE = 0x20,
    VMC_RAM_XBZRLE = 0x40,
    VMC_RAM_HOOK = 0x80,
    VMC_RAM_COMPRESS_PAGE = 0x100,
    VMC_RAM_MULTIFD_FLUSH = 0x200,  /* QEMU 8.0+; a 7.2 destination rejects it */
};

/* Migration commands (MIG_CMD_*). */
enum {
    VMC_CMD_OPEN_RETURN_PATH = 1,
    VMC_CMD_PING = 2,
    VMC_CMD_POSTCOPY_ADVISE = 3,
    VMC_CMD_POSTCOPY_LISTEN = 4,
    VMC_CMD_POSTCOPY_RUN = 5,
    VMC_CMD_POSTCOPY_RAM_DISCARD = 6,
    VMC_CMD_PACKAGED = 7,
    VMC_CMD_ENABLE_COLO = 8,
    VMC_CMD_POSTCOPY_RESUME = 9,
    VMC_CMD_RECV_BITMAP = 10,
    VMC_CMD_SWITCHOVER_START = 11,  /* QEMU 10.0; a 7.2 destination rejects it */
};

/* What kind of handler a section belongs to. */
typedef enum vmc_section_kind {
    VMC_SECTION_VMSTATE = 0,   /* device state (vmsd or old-style save_state) */
    VMC_SECTION_RAM,           /* "ram" */
    VMC_SECTION_BLOCK,         /* "block" (block migration) */
    VMC_SECTION_DIRTY_BITMAP,  /* "dirty-bitmap" */
} vmc_section_kind;

typedef enum vmc_page_kind {
    VMC_PAGE_ZERO = 0,         /* RAM_SAVE_FLAG_ZERO: page filled with one byte */
    VMC_PAGE_NORMAL,           /* RAM_SAVE_FLAG_PAGE: raw page */
    VMC_PAGE_COMPRESSED,       /* RAM_SAVE_FLAG_COMPRESS_PAGE: zlib stream */
    VMC_PAGE_XBZRLE,           /* RAM_SAVE_FLAG_XBZRLE: delta */
    VMC_PAGE_KIND_COUNT
} vmc_page_kind;

const char *vmc_page_kind_name(vmc_page_kind k);
const char *vmc_command_name(unsigned cmd);
const char *vmc_section_type_name(unsigned type);

/* The configuration section (QEMU_VM_CONFIGURATION). */
typedef struct vmc_configuration {
    char machine[256];            /* machine class name as sent (no NUL on the wire) */
    uint32_t machine_len;         /* the be32 length field */
    bool has_page_bits;
    uint32_t page_bits;           /* configuration/target-page-bits */
    bool has_capabilities;
    size_t n_capabilities;
    char capabilities[16][256];   /* configuration/capabilities names */
    bool has_uuid;
    uint8_t uuid[16];             /* configuration/uuid */
} vmc_configuration;

typedef enum vmc_event_kind {
    VMC_EV_HEADER = 1,
    VMC_EV_CONFIGURATION,
    VMC_EV_COMMAND,
    VMC_EV_SECTION,        /* START/PART/END/FULL header read */
    VMC_EV_RAM_BLOCK,      /* one entry of the RAM block list (MEM_SIZE) */
    VMC_EV_RAM_PAGE,       /* one RAM page record */
    VMC_EV_RAM_FLUSH,      /* RAM_SAVE_FLAG_MULTIFD_FLUSH record */
    VMC_EV_BLOCK_RECORD,   /* one block-migration record */
    VMC_EV_BITMAP_RECORD,  /* one dirty-bitmap record */
    VMC_EV_DEVICE_STATE,   /* a FULL/START vmstate payload, decoded if possible */
    VMC_EV_SECTION_DONE,   /* payload (and footer if any) consumed */
    VMC_EV_EOF,            /* QEMU_VM_EOF */
    VMC_EV_VMDESC,         /* the vmdesc JSON trailer */
    VMC_EV_END,            /* nothing more */
} vmc_event_kind;

typedef struct vmc_event {
    vmc_event_kind kind;
    int64_t offset;        /* absolute offset of the record's first byte */
    int64_t length;        /* bytes of the record */
    union {
        struct {
            uint32_t magic, version;
        } header;
        const vmc_configuration *configuration;
        struct {
            uint16_t cmd, len;
            const uint8_t *data;
        } command;
        struct {
            uint8_t type;              /* VMC_SEC_START ... VMC_SEC_FULL */
            uint32_t section_id;
            const char *idstr;         /* for PART/END: the idstr of the START */
            uint32_t instance_id;
            uint32_t version_id;
            vmc_section_kind kind;
        } section;
        struct {
            const char *name;
            uint64_t used_length;
            uint64_t page_size;        /* 0 unless sent (postcopy, huge pages) */
            uint64_t gpa;              /* UINT64_MAX unless sent (x-ignore-shared) */
        } ram_block;
        struct {
            const char *block;         /* RAMBlock idstr */
            uint64_t addr;             /* offset inside the block */
            uint32_t flags;            /* raw RAM_SAVE_FLAG bits */
            vmc_page_kind kind;
            uint8_t fill;              /* ZERO: fill byte */
            const uint8_t *data;       /* NORMAL: 4096 bytes; COMPRESSED: zlib; XBZRLE: delta */
            size_t len;
        } page;
        struct {
            uint64_t sector;
            uint32_t flags;            /* BLK_MIG_FLAG_* */
            const char *device;        /* DEVICE_BLOCK only */
            const uint8_t *data;       /* 1 MiB, NULL for zero blocks */
            size_t len;
        } block;
        struct {
            uint32_t flags;            /* DIRTY_BITMAP_MIG_FLAG_* */
            const char *device, *bitmap;
            uint64_t first_sector;
            uint32_t nr_sectors;
            uint64_t granularity;
            uint64_t data_len;
        } bitmap;
        struct {
            uint32_t section_id;
            const char *idstr;
            uint32_t instance_id;
            uint32_t version_id;
            const vmc_value *value;    /* NULL when it could not be decoded */
            const char *described_by;  /* "vmdesc", "model", or NULL */
            const uint8_t *payload;    /* the raw payload bytes */
            size_t payload_len;
        } state;
        struct {
            uint32_t section_id;
            bool footer;               /* a footer was present */
        } done;
        struct {
            const char *json;
            size_t len;
        } vmdesc;
    } u;
} vmc_event;

typedef struct vmc_reader vmc_reader;

/*
 * Optional provider of built-in descriptors, consulted for device sections
 * the trailer does not describe (or when there is no trailer).
 */
typedef const vmc_vmsd *(*vmc_vmsd_lookup_fn)(void *opaque, const char *idstr,
                                               uint32_t instance_id, uint32_t version_id);

typedef struct vmc_reader_options {
    uint64_t max_device_state;    /* bytes buffered waiting for the trailer; 0 = 256 MiB */
    bool no_header;               /* the input has no QEVM header (raw section data) */
    vmc_vmsd_lookup_fn lookup;    /* optional built-in descriptors */
    void *lookup_opaque;
} vmc_reader_options;

/* Create a reader over src (not owned; must outlive the reader). opts may be NULL. */
int vmc_reader_new(vmc_reader **out, vmc_source *src, const vmc_reader_options *opts);
void vmc_reader_free(vmc_reader *r);

/*
 * Next event.  Returns 1 with *ev filled, 0 after VMC_EV_END, or a negative
 * error (details in vmc_error_last()).
 */
int vmc_reader_next(vmc_reader *r, vmc_event *ev);

/* Offset of the next byte the reader will consume (for progress). */
int64_t vmc_reader_tell(const vmc_reader *r);

/* Non-fatal observations made while reading (one line each). */
size_t vmc_reader_warning_count(const vmc_reader *r);
const char *vmc_reader_warning(const vmc_reader *r, size_t i);

/* Whether section footers were seen (false for pc-i440fx-1.4 .. 2.3 streams). */
bool vmc_reader_has_footers(const vmc_reader *r);

/* The parsed vmdesc trailer once it is known, else NULL. */
const vmc_vmdesc *vmc_reader_vmdesc(const vmc_reader *r);

#ifdef __cplusplus
}
#endif
#endif
