/* Record-by-record comparison of two streams (stream_equiv.h). */
#include "stream_equiv.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "vmcompat/error.h"
#include "vmcompat/models.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"

static guint64 fnv(const void *p, size_t n)
{
    const unsigned char *b = p;
    guint64 h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 1099511628211ull;
    }
    return h;
}

/* One line per record that must be equal; RAM PART/END framing is left out. */
static bool is_option_rom(const char *block)
{
    return g_str_has_suffix(block, ".rom") || g_str_has_prefix(block, "/rom@genroms/");
}

static int records(const char *path, unsigned flags, GPtrArray *out, char *why, size_t why_len)
{
    vmc_source *src = NULL;
    vmc_reader *r = NULL;
    if (vmc_source_open_path(&src, path) ||
        vmc_reader_new(&r, src, &(vmc_reader_options){ .lookup = vmc_models_lookup })) {
        snprintf(why, why_len, "%s: %s", path, vmc_error_last()->message);
        vmc_source_free(src);
        return -1;
    }
    vmc_event ev;
    int rc;
    bool in_ram_iteration = false;
    while ((rc = vmc_reader_next(r, &ev)) == 1) {
        char *line = NULL;
        switch (ev.kind) {
        case VMC_EV_HEADER:
            line = g_strdup_printf("header %08x %u", ev.u.header.magic, ev.u.header.version);
            break;
        case VMC_EV_CONFIGURATION:
        case VMC_EV_COMMAND:
        case VMC_EV_EOF:
            line = g_strdup_printf("record %d of %lld bytes", ev.kind, (long long)ev.length);
            break;
        case VMC_EV_SECTION:
            in_ram_iteration = ev.u.section.kind == VMC_SECTION_RAM &&
                               (ev.u.section.type == VMC_SEC_PART ||
                                ev.u.section.type == VMC_SEC_END);
            if (!in_ram_iteration) {
                line = g_strdup_printf("section %u type %u %s %u v%u", ev.u.section.section_id,
                                       ev.u.section.type, ev.u.section.idstr,
                                       ev.u.section.instance_id, ev.u.section.version_id);
            }
            break;
        case VMC_EV_SECTION_DONE:
            if (!in_ram_iteration) {
                line = g_strdup_printf("section %u done footer=%d", ev.u.done.section_id,
                                       ev.u.done.footer);
            }
            in_ram_iteration = false;
            break;
        case VMC_EV_RAM_BLOCK:
            line = g_strdup_printf("ram block %s 0x%llx", ev.u.ram_block.name,
                                   (unsigned long long)ev.u.ram_block.used_length);
            break;
        case VMC_EV_RAM_PAGE:
            if ((flags & SE_IGNORE_ROM_CONTENTS) && is_option_rom(ev.u.page.block)) {
                line = g_strdup_printf("page %s 0x%llx (contents not compared)",
                                       ev.u.page.block, (unsigned long long)ev.u.page.addr);
                break;
            }
            line = g_strdup_printf("page %s 0x%llx flags 0x%x fill %u data %016llx",
                                   ev.u.page.block, (unsigned long long)ev.u.page.addr,
                                   ev.u.page.flags, ev.u.page.fill,
                                   (unsigned long long)(ev.u.page.data
                                                            ? fnv(ev.u.page.data, ev.u.page.len)
                                                            : 0));
            break;
        case VMC_EV_DEVICE_STATE:
            line = g_strdup_printf("state %s %u: %zu bytes %016llx", ev.u.state.idstr,
                                   ev.u.state.instance_id, ev.u.state.payload_len,
                                   (unsigned long long)fnv(ev.u.state.payload,
                                                           ev.u.state.payload_len));
            break;
        case VMC_EV_VMDESC:
            line = g_strdup_printf("vmdesc %zu bytes %016llx", ev.u.vmdesc.len,
                                   (unsigned long long)fnv(ev.u.vmdesc.json, ev.u.vmdesc.len));
            break;
        default:
            line = g_strdup_printf("record %d at %lld", ev.kind, (long long)ev.offset);
            break;
        }
        if (line) {
            g_ptr_array_add(out, line);
        }
    }
    if (rc < 0) {
        snprintf(why, why_len, "%s: %s", path, vmc_error_last()->message);
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    return rc < 0 ? -1 : 0;
}

int se_compare_files(const char *a, const char *b, char *why, size_t why_len)
{
    return se_compare_files_ex(a, b, 0, why, why_len);
}

int se_compare_files_ex(const char *a, const char *b, unsigned flags, char *why, size_t why_len)
{
    GPtrArray *ra = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *rb = g_ptr_array_new_with_free_func(g_free);
    int rc = records(a, flags, ra, why, why_len);
    if (!rc) {
        rc = records(b, flags, rb, why, why_len);
    }
    if (!rc) {
        for (guint i = 0; i < ra->len || i < rb->len; i++) {
            const char *x = i < ra->len ? ra->pdata[i] : "(end)";
            const char *y = i < rb->len ? rb->pdata[i] : "(end)";
            if (strcmp(x, y) != 0) {
                snprintf(why, why_len, "record %u differs:\n  %s\n  %s", i, x, y);
                rc = 1;
                break;
            }
        }
    }
    g_ptr_array_free(ra, TRUE);
    g_ptr_array_free(rb, TRUE);
    return rc;
}
