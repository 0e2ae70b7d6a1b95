/* Streaming JSON writer, see include/vmcompat/json.h. */
#include "vmcompat/json.h"
#include "common/error_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256
#define OUTBUF (64 * 1024)

struct vmc_json {
    FILE *f;
    vmc_sink *sink;
    vmc_json_style style;
    int indent;
    int depth;
    bool first[MAX_DEPTH];     /* no element written yet at this depth */
    bool after_key;
    int err;
    char buf[OUTBUF];
    size_t len;
};

static void flush(vmc_json *j)
{
    if (!j->len || j->err) {
        j->len = 0;
        return;
    }
    if (j->f) {
        if (fwrite(j->buf, 1, j->len, j->f) != j->len) {
            j->err = vmc_error_set(VMC_EIO, -1, NULL, NULL, "write error on output");
        }
    } else if (vmc_sink_write(j->sink, j->buf, j->len) != 0) {
        j->err = VMC_EIO;
    }
    j->len = 0;
}

static void put(vmc_json *j, const char *s, size_t n)
{
    while (n) {
        if (j->len == OUTBUF) {
            flush(j);
        }
        size_t c = OUTBUF - j->len;
        if (c > n) {
            c = n;
        }
        memcpy(j->buf + j->len, s, c);
        j->len += c;
        s += c;
        n -= c;
    }
}

static void putc_(vmc_json *j, char c)
{
    if (j->len == OUTBUF) {
        flush(j);
    }
    j->buf[j->len++] = c;
}

static void newline(vmc_json *j)
{
    if (j->style != VMC_JSON_PRETTY) {
        return;
    }
    putc_(j, '\n');
    for (int i = 0; i < j->depth * j->indent; i++) {
        putc_(j, ' ');
    }
}

/* Separator and indentation before a value or key. */
static void before_item(vmc_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0) {
        return;
    }
    if (!j->first[j->depth]) {
        putc_(j, ',');
        if (j->style == VMC_JSON_QEMU) {
            putc_(j, ' ');
        }
    }
    j->first[j->depth] = false;
    newline(j);
}

static int make(vmc_json **out, vmc_json_style style, int indent)
{
    vmc_json *j = calloc(1, sizeof(*j));
    if (!j) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    j->style = style;
    j->indent = indent < 0 ? 0 : indent;
    *out = j;
    return 0;
}

int vmc_json_new_file(vmc_json **out, FILE *f, vmc_json_style style, int indent)
{
    int rc = make(out, style, indent);
    if (!rc) {
        (*out)->f = f;
    }
    return rc;
}

int vmc_json_new_sink(vmc_json **out, vmc_sink *s, vmc_json_style style, int indent)
{
    int rc = make(out, style, indent);
    if (!rc) {
        (*out)->sink = s;
    }
    return rc;
}

int vmc_json_finish(vmc_json *j)
{
    flush(j);
    if (j->f && fflush(j->f) != 0 && !j->err) {
        j->err = vmc_error_set(VMC_EIO, -1, NULL, NULL, "write error on output");
    }
    return j->err;
}

void vmc_json_free(vmc_json *j)
{
    if (j) {
        flush(j);
        free(j);
    }
}

static void open_container(vmc_json *j, char c)
{
    before_item(j);
    putc_(j, c);
    if (j->depth + 1 >= MAX_DEPTH) {
        j->err = vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "JSON output nested too deeply");
        return;
    }
    j->depth++;
    j->first[j->depth] = true;
}

static void close_container(vmc_json *j, char c)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0) {
        j->depth--;
    }
    if (!empty) {
        newline(j);
    }
    putc_(j, c);
}

void vmc_json_begin_object(vmc_json *j) { open_container(j, '{'); }
void vmc_json_end_object(vmc_json *j) { close_container(j, '}'); }
void vmc_json_begin_array(vmc_json *j) { open_container(j, '['); }
void vmc_json_end_array(vmc_json *j) { close_container(j, ']'); }

/*
 * QEMU's JSON writer (qobject/json-writer.c) decodes UTF-8 and writes every
 * code point outside 0x20..0x7e as \uXXXX with upper-case hex (surrogate
 * pairs above the BMP, U+FFFD for invalid bytes).  The vmdesc must be
 * reproduced byte for byte, so VMC_JSON_QEMU follows it exactly.
 */
static long utf8_codepoint(const unsigned char *p, size_t n, size_t *used)
{
    unsigned c = p[0];
    int len;
    long cp;
    if (c < 0x80) {
        *used = 1;
        return c;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        *used = 1;
        return -1;
    }
    size_t i = 1;
    for (; i < (size_t)len; i++) {
        if (i >= n || (p[i] & 0xc0) != 0x80) {
            *used = i;
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    *used = i;
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
        return -1;
    }
    return cp;
}

static void put_escaped_qemu(vmc_json *j, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    char e[32];
    putc_(j, '"');
    for (size_t i = 0; i < n;) {
        size_t used;
        long cp = utf8_codepoint(p + i, n - i, &used);
        i += used;
        switch (cp) {
        case '"': put(j, "\\\"", 2); break;
        case '\\': put(j, "\\\\", 2); break;
        case '\b': put(j, "\\b", 2); break;
        case '\f': put(j, "\\f", 2); break;
        case '\n': put(j, "\\n", 2); break;
        case '\r': put(j, "\\r", 2); break;
        case '\t': put(j, "\\t", 2); break;
        default:
            if (cp < 0) {
                cp = 0xfffd;
            }
            if (cp > 0xffff) {
                snprintf(e, sizeof(e), "\\u%04lX\\u%04lX", 0xd800 + ((cp - 0x10000) >> 10),
                         0xdc00 + ((cp - 0x10000) & 0x3ff));
                put(j, e, 12);
            } else if (cp < 0x20 || cp >= 0x7f) {
                snprintf(e, sizeof(e), "\\u%04lX", cp);
                put(j, e, 6);
            } else {
                putc_(j, (char)cp);
            }
        }
    }
    putc_(j, '"');
}

static void put_escaped(vmc_json *j, const char *s, size_t n)
{
    if (j->style == VMC_JSON_QEMU) {
        put_escaped_qemu(j, s, n);
        return;
    }
    static const char hexd[] = "0123456789abcdef";
    putc_(j, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': put(j, "\\\"", 2); break;
        case '\\': put(j, "\\\\", 2); break;
        case '\b': put(j, "\\b", 2); break;
        case '\f': put(j, "\\f", 2); break;
        case '\n': put(j, "\\n", 2); break;
        case '\r': put(j, "\\r", 2); break;
        case '\t': put(j, "\\t", 2); break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                char e[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };
                put(j, e, 6);
            } else {
                putc_(j, (char)c);
            }
        }
    }
    putc_(j, '"');
}

void vmc_json_key_len(vmc_json *j, const char *key, size_t len)
{
    before_item(j);
    put_escaped(j, key, len);
    putc_(j, ':');
    if (j->style != VMC_JSON_COMPACT) {
        putc_(j, ' ');
    }
    j->after_key = true;
}

void vmc_json_key(vmc_json *j, const char *key)
{
    vmc_json_key_len(j, key, strlen(key));
}

void vmc_json_string_len(vmc_json *j, const char *s, size_t len)
{
    before_item(j);
    put_escaped(j, s, len);
}

void vmc_json_string(vmc_json *j, const char *s)
{
    if (!s) {
        vmc_json_null(j);
        return;
    }
    vmc_json_string_len(j, s, strlen(s));
}

void vmc_json_stringf(vmc_json *j, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        n = 0;
    }
    vmc_json_string_len(j, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void vmc_json_int(vmc_json *j, int64_t v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    before_item(j);
    put(j, tmp, (size_t)n);
}

void vmc_json_uint(vmc_json *j, uint64_t v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
    before_item(j);
    put(j, tmp, (size_t)n);
}

void vmc_json_double(vmc_json *j, double v)
{
    char tmp[64];
    int n;
    if (isnan(v) || isinf(v)) {
        /* JSON has no NaN/Inf: write them as strings. */
        vmc_json_string(j, isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"));
        return;
    }
    n = snprintf(tmp, sizeof(tmp), "%.17g", v);
    before_item(j);
    put(j, tmp, (size_t)n);
}

void vmc_json_bool(vmc_json *j, bool v)
{
    before_item(j);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void vmc_json_null(vmc_json *j)
{
    before_item(j);
    put(j, "null", 4);
}

void vmc_json_hex(vmc_json *j, const uint8_t *p, size_t n, const char *sep)
{
    static const char hexd[] = "0123456789abcdef";
    size_t seplen = sep ? strlen(sep) : 0;
    before_item(j);
    putc_(j, '"');
    for (size_t i = 0; i < n; i++) {
        if (i && seplen) {
            put(j, sep, seplen);
        }
        putc_(j, hexd[p[i] >> 4]);
        putc_(j, hexd[p[i] & 15]);
    }
    putc_(j, '"');
}
