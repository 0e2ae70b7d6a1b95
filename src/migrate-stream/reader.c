/*
 * The migration stream state machine: header, configuration, commands,
 * section framing (START/PART/END/FULL, footers), EOF and the vmdesc
 * trailer.  Payloads are delegated to ram.c, block.c, dirty_bitmap.c and
 * device_state.c.
 */
#include "migrate-stream/reader_internal.h"
#include "common/error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_STATE (256ull << 20)

const char *vmc_page_kind_name(vmc_page_kind k)
{
    switch (k) {
    case VMC_PAGE_ZERO: return "zero";
    case VMC_PAGE_NORMAL: return "normal";
    case VMC_PAGE_COMPRESSED: return "compressed";
    case VMC_PAGE_XBZRLE: return "xbzrle";
    default: return "?";
    }
}

const char *vmc_command_name(unsigned cmd)
{
    static const char *names[] = {
        "INVALID", "OPEN_RETURN_PATH", "PING", "POSTCOPY_ADVISE", "POSTCOPY_LISTEN",
        "POSTCOPY_RUN", "POSTCOPY_RAM_DISCARD", "PACKAGED", "ENABLE_COLO",
        "POSTCOPY_RESUME", "RECV_BITMAP", "SWITCHOVER_START",
    };
    return cmd < sizeof(names) / sizeof(names[0]) ? names[cmd] : "UNKNOWN";
}

const char *vmc_section_type_name(unsigned type)
{
    switch (type) {
    case VMC_SEC_EOF: return "EOF";
    case VMC_SEC_START: return "START";
    case VMC_SEC_PART: return "PART";
    case VMC_SEC_END: return "END";
    case VMC_SEC_FULL: return "FULL";
    case VMC_SEC_SUBSECTION: return "SUBSECTION";
    case VMC_SEC_VMDESC: return "VMDESCRIPTION";
    case VMC_SEC_CONFIGURATION: return "CONFIGURATION";
    case VMC_SEC_COMMAND: return "COMMAND";
    case VMC_SEC_FOOTER: return "FOOTER";
    default: return "?";
    }
}

void vmc_reader_warn(vmc_reader *r, const char *fmt, ...)
{
    if (r->warnings->len >= 10000) {
        return;   /* hostile input must not make us hoard messages */
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(r->warnings, msg);
}

int vmc_reader_new(vmc_reader **out, vmc_source *src, const vmc_reader_options *opts)
{
    vmc_reader *r = calloc(1, sizeof(*r));
    if (!r) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    r->src = src;
    if (opts) {
        r->opts = *opts;
    }
    if (!r->opts.max_device_state) {
        r->opts.max_device_state = DEFAULT_MAX_STATE;
    }
    r->sections = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    r->warnings = g_ptr_array_new_with_free_func(g_free);
    r->block_len = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    r->arena = vmc_arena_new();
    r->page_size = 4096;
    r->page_mask = 4095;
    r->package_end = -1;
    r->trailer_offset = -1;
    r->trailer_end = -1;
    if (!r->arena) {
        vmc_reader_free(r);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    r->state = r->opts.no_header ? RS_TOP : RS_HEADER;
    *out = r;
    return 0;
}

void vmc_reader_free(vmc_reader *r)
{
    if (!r) {
        return;
    }
    g_hash_table_destroy(r->sections);
    g_ptr_array_free(r->warnings, TRUE);
    g_hash_table_destroy(r->block_len);
    vmc_arena_free(r->arena);
    vmc_vmdesc_free(r->vmdesc);
    free(r->vmdesc_used);
    g_free(r->vmdesc_pending);
    if (r->decoder_sections) {
        g_ptr_array_free(r->decoder_sections, TRUE);
    }
    free(r);
}

int64_t vmc_reader_tell(const vmc_reader *r)
{
    return vmc_source_tell(r->src);
}

size_t vmc_reader_warning_count(const vmc_reader *r)
{
    return r->warnings->len;
}

const char *vmc_reader_warning(const vmc_reader *r, size_t i)
{
    return i < r->warnings->len ? g_ptr_array_index(r->warnings, i) : NULL;
}

bool vmc_reader_has_footers(const vmc_reader *r)
{
    return r->footers_seen;
}

const vmc_vmdesc *vmc_reader_vmdesc(const vmc_reader *r)
{
    vmc_reader_vmdesc_ensure((vmc_reader *)r);   /* parse what lazy mode only located */
    return r->vmdesc;
}

static int fail(vmc_reader *r, int code, int64_t off, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(vmc_reader *r, int code, int64_t off, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmc_error_setv(code, off, r->cur ? r->cur->idstr : NULL, field, fmt, ap);
    va_end(ap);
    return code;
}

/* Read a counted string (byte length + bytes) into buf[256]. */
int vmc_read_counted(vmc_source *src, char buf[256], const char *what)
{
    uint8_t len;
    int rc = vmc_source_get_u8(src, &len, what);
    if (rc) {
        return rc;
    }
    if ((rc = vmc_source_read(src, buf, len, what))) {
        return rc;
    }
    buf[len] = '\0';
    return len;
}

static vmc_section_kind kind_of(const char *idstr)
{
    if (strcmp(idstr, "ram") == 0) {
        return VMC_SECTION_RAM;
    }
    if (strcmp(idstr, "block") == 0) {
        return VMC_SECTION_BLOCK;
    }
    if (strcmp(idstr, "dirty-bitmap") == 0) {
        return VMC_SECTION_DIRTY_BITMAP;
    }
    return VMC_SECTION_VMSTATE;
}

static int read_header(vmc_reader *r, vmc_event *ev)
{
    uint32_t magic, version;
    int rc;
    ev->offset = vmc_source_tell(r->src);
    if ((rc = vmc_source_get_be32(r->src, &magic, "file magic"))) {
        return rc;
    }
    if (magic != VMC_FILE_MAGIC) {
        return vmc_error_set(VMC_EFORMAT, ev->offset, NULL, "magic",
                             "Not a migration stream (magic 0x%08x, expected 0x%08x \"QEVM\")",
                             magic, VMC_FILE_MAGIC);
    }
    if ((rc = vmc_source_get_be32(r->src, &version, "file version"))) {
        return rc;
    }
    if (version == 2) {
        return vmc_error_set(VMC_EUNSUPPORTED, ev->offset + 4, NULL, "version",
                             "SaveVM v2 format is obsolete and don't work anymore");
    }
    if (version != VMC_FILE_VERSION) {
        return vmc_error_set(VMC_EUNSUPPORTED, ev->offset + 4, NULL, "version",
                             "Unsupported migration stream version %u", version);
    }
    ev->kind = VMC_EV_HEADER;
    ev->length = 8;
    ev->u.header.magic = magic;
    ev->u.header.version = version;
    r->saw_header = true;
    r->state = RS_TOP;
    return 1;
}

/* Fixed payload lengths of commands (-1 = variable), as QEMU checks them. */
static int command_fixed_len(unsigned cmd)
{
    switch (cmd) {
    case VMC_CMD_OPEN_RETURN_PATH: return 0;
    case VMC_CMD_PING: return 4;
    case VMC_CMD_POSTCOPY_LISTEN: return 0;
    case VMC_CMD_POSTCOPY_RUN: return 0;
    case VMC_CMD_PACKAGED: return 4;
    case VMC_CMD_ENABLE_COLO: return 0;
    case VMC_CMD_POSTCOPY_RESUME: return 0;
    case VMC_CMD_SWITCHOVER_START: return 0;
    default: return -1;
    }
}

static int read_command(vmc_reader *r, vmc_event *ev)
{
    uint16_t cmd, len;
    int rc;
    if ((rc = vmc_source_get_be16(r->src, &cmd, "command")) ||
        (rc = vmc_source_get_be16(r->src, &len, "command length"))) {
        return rc;
    }
    if (cmd == 0 || cmd > VMC_CMD_SWITCHOVER_START) {
        return fail(r, VMC_EFORMAT, ev->offset, "command", "MIG_CMD 0x%x unknown (len 0x%x)",
                    cmd, len);
    }
    int fixed = command_fixed_len(cmd);
    if (fixed >= 0 && len != fixed) {
        return fail(r, VMC_EFORMAT, ev->offset, "command",
                    "%s received with bad length - expecting %d, got %d",
                    vmc_command_name(cmd), fixed, len);
    }
    if ((rc = vmc_source_read(r->src, r->cmd_buf, len, "command data"))) {
        return rc;
    }
    if (cmd == VMC_CMD_SWITCHOVER_START) {
        vmc_reader_warn(r, "command SWITCHOVER_START at offset 0x%llx comes from QEMU 10.0+; "
                        "a QEMU 7.2 destination rejects it (MIG_CMD 0xb unknown)",
                        (unsigned long long)ev->offset);
    }
    if (cmd == VMC_CMD_POSTCOPY_ADVISE && len == 16) {
        r->postcopy_ram = true;
        r->postcopy_page_summary = vmc_be64(r->cmd_buf);
    }
    if (cmd == VMC_CMD_PACKAGED) {
        uint32_t n = vmc_be32(r->cmd_buf);
        if (r->package_end >= 0) {
            return fail(r, VMC_EFORMAT, ev->offset, "command", "PACKAGED inside PACKAGED");
        }
        r->package_end = vmc_source_tell(r->src) + (int64_t)n;
    }
    ev->kind = VMC_EV_COMMAND;
    ev->length = vmc_source_tell(r->src) - ev->offset;
    ev->u.command.cmd = cmd;
    ev->u.command.len = len;
    ev->u.command.data = r->cmd_buf;
    return 1;
}

static int read_section_header(vmc_reader *r, vmc_event *ev, uint8_t type)
{
    int rc;
    uint32_t id;
    r->cur = NULL;
    if ((rc = vmc_source_get_be32(r->src, &id, "section id"))) {
        return rc;
    }
    vmc_sec_info *sec;
    if (type == VMC_SEC_START || type == VMC_SEC_FULL) {
        char idstr[256];
        int len = vmc_read_counted(r->src, idstr, "section idstr");
        if (len < 0) {
            return len;
        }
        if (len == 0) {
            return fail(r, VMC_EFORMAT, ev->offset + 5, "idstr",
                        "Unable to read ID string for section %u", id);
        }
        uint32_t inst, ver;
        if ((rc = vmc_source_get_be32(r->src, &inst, "instance id")) ||
            (rc = vmc_source_get_be32(r->src, &ver, "version id"))) {
            vmc_error_add_context(idstr, NULL);
            return rc;
        }
        sec = g_new0(vmc_sec_info, 1);
        sec->id = id;
        memcpy(sec->idstr, idstr, (size_t)len + 1);
        sec->instance_id = inst;
        sec->version_id = ver;
        sec->kind = kind_of(idstr);
        g_hash_table_replace(r->sections, GUINT_TO_POINTER(id), sec);
    } else {
        sec = g_hash_table_lookup(r->sections, GUINT_TO_POINTER(id));
        if (!sec) {
            return fail(r, VMC_EFORMAT, ev->offset, "section id", "Unknown savevm section %u",
                        id);
        }
    }
    r->cur = sec;
    r->cur_type = type;
    ev->kind = VMC_EV_SECTION;
    ev->length = vmc_source_tell(r->src) - ev->offset;
    ev->u.section.type = type;
    ev->u.section.section_id = id;
    ev->u.section.idstr = sec->idstr;
    ev->u.section.instance_id = sec->instance_id;
    ev->u.section.version_id = sec->version_id;
    ev->u.section.kind = sec->kind;
    if (sec->kind == VMC_SECTION_VMSTATE) {
        if (type == VMC_SEC_PART || type == VMC_SEC_END) {
            return fail(r, VMC_EUNSUPPORTED, ev->offset, NULL,
                        "%s section for '%s', which is not an iterative handler",
                        vmc_section_type_name(type), sec->idstr);
        }
        r->state = RS_PAYLOAD;   /* device_state.c reads the payload next */
    } else {
        if (sec->kind == VMC_SECTION_RAM && sec->version_id != 4 &&
            (type == VMC_SEC_START || type == VMC_SEC_FULL)) {
            return fail(r, VMC_EFORMAT, ev->offset, "version id",
                        "RAM section version %u; QEMU 7.2 loads only version 4 (error while "
                        "loading state for instance 0x%x of device 'ram')",
                        sec->version_id, sec->instance_id);
        }
        if (type == VMC_SEC_FULL) {
            return fail(r, VMC_EFORMAT, ev->offset, NULL,
                        "FULL section for the iterative handler '%s'", sec->idstr);
        }
        r->state = RS_PAYLOAD;
    }
    return 1;
}

static int read_footer(vmc_reader *r, vmc_event *ev)
{
    const uint8_t *p;
    int64_t got = vmc_source_peek(r->src, 5, &p);
    if (got < 0) {
        return (int)got;
    }
    ev->kind = VMC_EV_SECTION_DONE;
    ev->u.done.section_id = r->cur->id;
    if (got == 0) {
        /* Nothing follows the payload: neither a footer nor QEMU_VM_EOF. */
        return fail(r, VMC_ETRUNC, ev->offset, "footer",
                    "stream ends after the payload of %s, before its footer or the next "
                    "section (QEMU fails with an input/output error)", r->cur->idstr);
    }
    if (p[0] == VMC_SEC_FOOTER) {
        if (got < 5) {
            return fail(r, VMC_ETRUNC, ev->offset, "footer",
                        "stream ends inside the footer of %s", r->cur->idstr);
        }
        uint32_t id = vmc_be32(p + 1);
        if (id != r->cur->id) {
            return fail(r, VMC_EFORMAT, ev->offset, "footer",
                        "Mismatched section id in footer for %s - read 0x%x expected 0x%x",
                        r->cur->idstr, id, r->cur->id);
        }
        vmc_source_consume(r->src, 5);
        ev->length = 5;
        ev->u.done.footer = true;
        if (r->footers_missing) {
            vmc_reader_warn(r, "section footer at 0x%llx although earlier sections had none",
                            (unsigned long long)ev->offset);
        }
        r->footers_seen = true;
    } else {
        if (r->footers_seen) {
            return fail(r, VMC_EFORMAT, ev->offset, "footer",
                        "Missing section footer for %s (found byte 0x%02x)", r->cur->idstr,
                        p[0]);
        }
        r->footers_missing = true;
        ev->length = 0;
        ev->u.done.footer = false;
    }
    r->cur = NULL;
    r->state = RS_TOP;
    return 1;
}

static int read_after_eof(vmc_reader *r, vmc_event *ev)
{
    const uint8_t *p;
    int64_t got = vmc_source_peek(r->src, 5, &p);
    if (got < 0) {
        return (int)got;
    }
    if (got == 0) {
        if (!r->vmdesc_tried || r->trailer_offset < 0) {
            vmc_reader_warn(r, "no vmdesc trailer after EOF (QEMU only warns: Expected "
                            "vmdescription section, but got 0)");
        }
        r->state = RS_DONE;
        ev->kind = VMC_EV_END;
        ev->length = 0;
        return 1;
    }
    if (p[0] != VMC_SEC_VMDESC || got < 5) {
        vmc_reader_warn(r, "byte 0x%02x at 0x%llx after EOF is not a vmdesc trailer (QEMU only "
                        "warns: Expected vmdescription section, but got %d)", p[0],
                        (unsigned long long)ev->offset, p[0]);
        r->state = RS_DONE;
        ev->kind = VMC_EV_END;
        ev->length = 0;
        return 1;
    }
    uint32_t len = vmc_be32(p + 1);
    if (r->trailer_offset >= 0 && r->trailer_offset != ev->offset) {
        return vmc_error_set(VMC_EFORMAT, ev->offset, NULL, "vmdesc",
                             "the sections end at 0x%llx but the vmdesc trailer was found at "
                             "0x%llx", (unsigned long long)ev->offset,
                             (unsigned long long)r->trailer_offset);
    }
    vmc_source_consume(r->src, 5);
    const uint8_t *json;
    int64_t jgot;
    size_t avail;
    if (vmc_source_is_memory(r->src)) {
        json = vmc_source_memory_at(r->src, vmc_source_tell(r->src), &avail);
        jgot = (int64_t)(avail < len ? avail : len);
    } else {
        /* No device section came before EOF, so nothing was slurped. */
        const uint8_t *d;
        size_t dl;
        int rc = vmc_source_slurp(r->src, r->opts.max_device_state, &d, &dl);
        if (rc) {
            return rc;
        }
        json = d;
        jgot = (int64_t)(dl < len ? dl : len);
    }
    if ((uint64_t)jgot < len) {
        vmc_reader_warn(r, "vmdesc trailer at 0x%llx announces %u bytes but only %lld follow",
                        (unsigned long long)ev->offset, len, (long long)jgot);
    }
    vmc_source_consume(r->src, (size_t)jgot);
    /* (a lazy reader's trailer was located, and nothing needed it parsed) */
    if (!r->vmdesc && !r->vmdesc_pending && (uint64_t)jgot == len) {
        vmc_vmdesc *d;
        if (vmc_vmdesc_parse(&d, (const char *)json, len) == 0) {
            r->vmdesc = d;
        } else {
            char buf[VMC_ERROR_TEXT_MAX + 64];
            vmc_reader_warn(r, "vmdesc trailer is not usable: %s",
                            vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
        }
    }
    if (!vmc_source_at_end(r->src)) {
        int64_t here = vmc_source_tell(r->src);
        int64_t size = vmc_source_size(r->src);
        vmc_reader_warn(r, "%lld bytes after the vmdesc trailer at 0x%llx (QEMU ignores them)",
                        size >= 0 ? (long long)(size - here) : -1LL, (unsigned long long)here);
        const uint8_t *d;
        size_t dl;
        vmc_source_slurp(r->src, r->opts.max_device_state, &d, &dl);
        vmc_source_consume(r->src, dl);
    }
    ev->kind = VMC_EV_VMDESC;
    ev->length = 5 + jgot;
    ev->u.vmdesc.json = (const char *)json;
    ev->u.vmdesc.len = (size_t)jgot;
    r->state = RS_DONE;
    return 1;
}

static int read_top(vmc_reader *r, vmc_event *ev)
{
    int rc;
    if (r->package_end >= 0 && ev->offset >= r->package_end) {
        if (ev->offset > r->package_end) {
            return fail(r, VMC_EFORMAT, ev->offset, NULL,
                        "a section crosses the end of the PACKAGED data at 0x%llx",
                        (unsigned long long)r->package_end);
        }
        r->package_end = -1;
    }
    uint8_t type;
    if ((rc = vmc_source_get_u8(r->src, &type, "section type"))) {
        if (rc == VMC_ETRUNC) {
            return vmc_error_set(VMC_ETRUNC, ev->offset, NULL, NULL,
                                 "stream ends before QEMU_VM_EOF (QEMU fails with an "
                                 "input/output error)");
        }
        return rc;
    }
    switch (type) {
    case VMC_SEC_EOF:
        ev->kind = VMC_EV_EOF;
        ev->length = 1;
        if (r->package_end >= 0) {
            return 1;   /* ends the nested load of a PACKAGED blob */
        }
        r->state = RS_AFTER_EOF;
        return 1;
    case VMC_SEC_CONFIGURATION:
        if (r->saw_config) {
            return fail(r, VMC_EFORMAT, ev->offset, NULL, "second configuration section");
        }
        if ((rc = vmc_configuration_read(r, &r->config))) {
            return rc;
        }
        r->saw_config = true;
        ev->kind = VMC_EV_CONFIGURATION;
        ev->length = vmc_source_tell(r->src) - ev->offset;
        ev->u.configuration = &r->config;
        return 1;
    case VMC_SEC_COMMAND:
        return read_command(r, ev);
    case VMC_SEC_START:
    case VMC_SEC_PART:
    case VMC_SEC_END:
    case VMC_SEC_FULL:
        return read_section_header(r, ev, type);
    default:
        return fail(r, VMC_EFORMAT, ev->offset, "section type",
                    "Unknown savevm section type %d", type);
    }
}

int vmc_reader_next(vmc_reader *r, vmc_event *ev)
{
    int rc;
    memset(ev, 0, sizeof(*ev));
    ev->offset = vmc_source_tell(r->src);
    switch (r->state) {
    case RS_HEADER:
        return read_header(r, ev);
    case RS_TOP:
        return read_top(r, ev);
    case RS_PAYLOAD: {
        bool done = false;
        vmc_sec_info *sec = r->cur;
        if (sec->kind == VMC_SECTION_VMSTATE) {
            rc = vmc_device_state_read(r, sec, ev);
            if (rc > 0) {
                r->state = RS_FOOTER;
            }
            return rc;
        }
        switch (sec->kind) {
        case VMC_SECTION_RAM:
            rc = vmc_ram_next(r, ev, &done);
            break;
        case VMC_SECTION_BLOCK:
            rc = vmc_block_next(r, ev, &done);
            break;
        default:
            rc = vmc_bitmap_next(r, ev, &done);
            break;
        }
        if (rc < 0) {
            vmc_error_add_context(sec->idstr, NULL);
            return rc;
        }
        if (done) {
            r->state = RS_FOOTER;
            if (rc == 0) {
                return vmc_reader_next(r, ev);
            }
        }
        return 1;
    }
    case RS_FOOTER:
        return read_footer(r, ev);
    case RS_AFTER_EOF:
        return read_after_eof(r, ev);
    case RS_DONE:
    default:
        ev->kind = VMC_EV_END;
        return 0;
    }
}
