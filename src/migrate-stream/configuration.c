/*
 * The configuration section (QEMU_VM_CONFIGURATION): vmsd "configuration",
 * loaded at version 0, no section id, no footer:
 *   be32 len, name[len], then subsections configuration/target-page-bits
 *   (be32), configuration/capabilities (be32 count, count x counted name),
 *   configuration/uuid (16 bytes).
 */
#include "migrate-stream/reader_internal.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

#define MAX_NAME 255

static int cfg_fail(int code, int64_t off, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int cfg_fail(int code, int64_t off, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmc_error_setv(code, off, "configuration", field, fmt, ap);
    va_end(ap);
    return code;
}

static int read_subsection(vmc_reader *r, vmc_configuration *cfg, const char *name,
                           uint32_t version, int64_t off)
{
    int rc;
    if (strcmp(name, "configuration/target-page-bits") == 0) {
        if (version > 1) {
            return cfg_fail(VMC_EFORMAT, off, name,
                            "%s: incoming version_id %u is too new for local version_id 1", name,
                            version);
        }
        if ((rc = vmc_source_get_be32(r->src, &cfg->page_bits, "target page bits"))) {
            return rc;
        }
        cfg->has_page_bits = true;
        /* QEMU 7.2's targets use 8 (avr) to 16 (64 KiB pages) bits. */
        if (cfg->page_bits < 8 || cfg->page_bits > 16) {
            return cfg_fail(VMC_EFORMAT, off, name, "implausible target page bits %u "
                            "(QEMU targets use 8 to 16)", cfg->page_bits);
        }
        if (cfg->page_bits != 12) {
            vmc_reader_warn(r, "Received TARGET_PAGE_BITS is %u but an x86 QEMU has 12",
                            cfg->page_bits);
        }
        return 0;
    }
    if (strcmp(name, "configuration/capabilities") == 0) {
        uint32_t count;
        if (version > 1) {
            return cfg_fail(VMC_EFORMAT, off, name,
                            "%s: incoming version_id %u is too new for local version_id 1", name,
                            version);
        }
        if ((rc = vmc_source_get_be32(r->src, &count, "capability count"))) {
            return rc;
        }
        if (count > sizeof(cfg->capabilities) / sizeof(cfg->capabilities[0])) {
            return cfg_fail(VMC_EFORMAT, vmc_source_tell(r->src) - 4, "caps_count",
                            "%u capabilities; QEMU 7.2 knows at most a few", count);
        }
        for (uint32_t i = 0; i < count; i++) {
            int len = vmc_read_counted(r->src, cfg->capabilities[i], "capability name");
            if (len < 0) {
                return len;
            }
            if (strcmp(cfg->capabilities[i], "x-ignore-shared") == 0) {
                r->ignore_shared = true;
            } else {
                vmc_reader_warn(r, "Received unknown capability %s (QEMU 7.2 refuses it)",
                                cfg->capabilities[i]);
            }
        }
        cfg->n_capabilities = count;
        cfg->has_capabilities = true;
        return 0;
    }
    if (strcmp(name, "configuration/uuid") == 0) {
        if (version > 1) {
            return cfg_fail(VMC_EFORMAT, off, name,
                            "%s: incoming version_id %u is too new for local version_id 1", name,
                            version);
        }
        if ((rc = vmc_source_read(r->src, cfg->uuid, 16, "uuid"))) {
            return rc;
        }
        cfg->has_uuid = true;
        return 0;
    }
    return cfg_fail(VMC_ENOTFOUND, off, name,
                    "unknown subsection '%s' of the configuration (QEMU fails with ENOENT)",
                    name);
}

int vmc_configuration_read(vmc_reader *r, vmc_configuration *cfg)
{
    int rc;
    memset(cfg, 0, sizeof(*cfg));
    int64_t off = vmc_source_tell(r->src);
    if ((rc = vmc_source_get_be32(r->src, &cfg->machine_len, "machine name length"))) {
        vmc_error_add_context("configuration", "len");
        return rc;
    }
    if (cfg->machine_len > MAX_NAME) {
        return cfg_fail(VMC_EFORMAT, off, "len",
                        "machine type name of %u bytes (machine class names are short)",
                        cfg->machine_len);
    }
    if ((rc = vmc_source_read(r->src, cfg->machine, cfg->machine_len, "machine name"))) {
        vmc_error_add_context("configuration", "name");
        return rc;
    }
    cfg->machine[cfg->machine_len] = '\0';
    if (memchr(cfg->machine, '\0', cfg->machine_len)) {
        vmc_reader_warn(r, "machine type name contains a NUL byte");
    }
    /* Subsections: same peek rules as vmstate_subsection_load(). */
    static const char prefix[] = "configuration";
    for (;;) {
        const uint8_t *p;
        int64_t got = vmc_source_peek(r->src, 2, &p);
        if (got < 0) {
            return (int)got;
        }
        if (got == 1 && p[0] == VMC_SEC_SUBSECTION) {
            return cfg_fail(VMC_ETRUNC, vmc_source_tell(r->src), "subsection",
                            "stream ends inside a subsection header of the configuration");
        }
        if (got < 2 || p[0] != VMC_SEC_SUBSECTION || p[1] < sizeof(prefix)) {
            break;
        }
        size_t len = p[1];
        got = vmc_source_peek(r->src, 2 + len, &p);
        if (got < 0) {
            return (int)got;
        }
        if ((size_t)got < 2 + len) {
            /* Short only at the end of the input: the stream is cut here. */
            return cfg_fail(VMC_ETRUNC, vmc_source_tell(r->src), "subsection",
                            "stream ends inside a subsection name of the configuration "
                            "(%lld of %zu bytes)", (long long)got - 2, len);
        }
        if (memcmp(p + 2, prefix, sizeof(prefix) - 1) != 0) {
            break;
        }
        char name[256];
        memcpy(name, p + 2, len);
        name[len] = '\0';
        int64_t soff = vmc_source_tell(r->src);
        vmc_source_consume(r->src, 2 + len);
        uint32_t version;
        if ((rc = vmc_source_get_be32(r->src, &version, "subsection version"))) {
            vmc_error_add_context("configuration", name);
            return rc;
        }
        if ((rc = read_subsection(r, cfg, name, version & 0xff, soff))) {
            vmc_error_add_context("configuration", name);
            return rc;
        }
    }
    if (cfg->has_page_bits) {
        r->page_size = 1u << cfg->page_bits;
        r->page_mask = r->page_size - 1;
    }
    return 0;
}
