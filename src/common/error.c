/* Thread-local last error, see include/vmcompat/error.h. */
#include "common/error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local vmc_error last_error = { .offset = -1 };

const vmc_error *vmc_error_last(void)
{
    return &last_error;
}

void vmc_error_clear(void)
{
    memset(&last_error, 0, sizeof(last_error));
    last_error.offset = -1;
}

const char *vmc_error_code_name(int code)
{
    switch (code) {
    case VMC_OK: return "ok";
    case VMC_EIO: return "io";
    case VMC_ETRUNC: return "truncated";
    case VMC_EFORMAT: return "format";
    case VMC_ENOMEM: return "no-memory";
    case VMC_ELIMIT: return "limit";
    case VMC_EUSAGE: return "usage";
    case VMC_EUNSUPPORTED: return "unsupported";
    case VMC_ENOTFOUND: return "not-found";
    default: return "unknown";
    }
}

static void copy_str(char *dst, size_t len, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return;
    }
    snprintf(dst, len, "%s", src);
}

int vmc_error_setv(int code, int64_t offset, const char *section,
                   const char *field, const char *fmt, va_list ap)
{
    vmc_error e = { .code = code, .offset = offset };
    copy_str(e.section, sizeof(e.section), section);
    copy_str(e.field, sizeof(e.field), field);
    vsnprintf(e.message, sizeof(e.message), fmt, ap);
    last_error = e;
    return code;
}

int vmc_error_set(int code, int64_t offset, const char *section,
                  const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmc_error_setv(code, offset, section, field, fmt, ap);
    va_end(ap);
    return code;
}

void vmc_error_add_context(const char *section, const char *field)
{
    if (section && !last_error.section[0]) {
        copy_str(last_error.section, sizeof(last_error.section), section);
    }
    if (field && !last_error.field[0]) {
        copy_str(last_error.field, sizeof(last_error.field), field);
    }
}

char *vmc_error_format(const vmc_error *err, char *buf, size_t len)
{
    size_t n = 0;
    if (!len) {
        return buf;
    }
    n += snprintf(buf + n, len - n, "%s", err->message[0] ? err->message
                                                      : vmc_error_code_name(err->code));
    const char *sep = " (";
    if (n < len && err->offset >= 0) {
        n += snprintf(buf + n, len - n, "%sat byte offset 0x%llx (%lld)", sep,
                      (unsigned long long)err->offset, (long long)err->offset);
        sep = ", ";
    }
    if (n < len && err->section[0]) {
        n += snprintf(buf + n, len - n, "%ssection '%s'", sep, err->section);
        sep = ", ";
    }
    if (n < len && err->field[0]) {
        n += snprintf(buf + n, len - n, "%sfield '%s'", sep, err->field);
        sep = ", ";
    }
    if (n < len && sep[0] == ',') {
        snprintf(buf + n, len - n, ")");
    }
    return buf;
}

void vmc_error_annotate(int64_t offset, const char *section, const char *field)
{
    if (offset >= 0 && last_error.offset < 0) {
        last_error.offset = offset;
    }
    vmc_error_add_context(section, field);
}

void vmc_error_restore(const vmc_error *saved)
{
    last_error = *saved;
}
