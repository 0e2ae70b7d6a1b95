/*
 * Streaming JSON writer used for every JSON the tools emit.  Output is
 * produced as it is written (no document tree in memory), so a description
 * of a multi-gigabyte stream stays within a fixed memory budget.
 *
 * Strings are escaped the way QEMU's own JSON writer does: \" \\ \b \f \n
 * \r \t, other control characters and bytes >= 0x7f as \u00XX, so any byte
 * string (e.g. a corrupt idstr) yields valid JSON.
 */
#ifndef VMCOMPAT_JSON_H
#define VMCOMPAT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmcompat/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vmc_json_style {
    VMC_JSON_PRETTY = 0,   /* like Python's json.dumps(indent=N, separators=(',', ': ')) */
    VMC_JSON_COMPACT,      /* no whitespace */
    VMC_JSON_QEMU,         /* one line, separators ", " and ": " (QEMU's vmdesc) */
} vmc_json_style;

typedef struct vmc_json vmc_json;

/* Write to a stdio stream (not closed on free). */
int vmc_json_new_file(vmc_json **out, FILE *f, vmc_json_style style, int indent);
/* Write to a sink (not freed on free). */
int vmc_json_new_sink(vmc_json **out, vmc_sink *s, vmc_json_style style, int indent);
/* Flush; returns 0 or the first write error. */
int vmc_json_finish(vmc_json *j);
void vmc_json_free(vmc_json *j);

void vmc_json_begin_object(vmc_json *j);
void vmc_json_end_object(vmc_json *j);
void vmc_json_begin_array(vmc_json *j);
void vmc_json_end_array(vmc_json *j);
void vmc_json_key(vmc_json *j, const char *key);
void vmc_json_key_len(vmc_json *j, const char *key, size_t len);
void vmc_json_string(vmc_json *j, const char *s);
void vmc_json_string_len(vmc_json *j, const char *s, size_t len);
void vmc_json_stringf(vmc_json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vmc_json_int(vmc_json *j, int64_t v);
void vmc_json_uint(vmc_json *j, uint64_t v);
void vmc_json_double(vmc_json *j, double v);
void vmc_json_bool(vmc_json *j, bool v);
void vmc_json_null(vmc_json *j);
/* Bytes as a hex string; sep is put between bytes ("" or " "). */
void vmc_json_hex(vmc_json *j, const uint8_t *p, size_t n, const char *sep);

#ifdef __cplusplus
}
#endif
#endif
