/*
 * vmcompat error model.
 *
 * Every function of the library returns 0 (or a non-negative count) on
 * success and a negative VMC_E* code on failure.  The failing call also
 * records a "last error" for the calling thread with the detail a user
 * needs: the absolute byte offset in the stream, the section idstr and the
 * field path where it happened.  The last error stays until the next
 * failure or vmc_error_clear().
 */
#ifndef VMCOMPAT_ERROR_H
#define VMCOMPAT_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vmc_error_code {
    VMC_OK = 0,
    VMC_EIO = -1,          /* reading or writing the underlying file failed */
    VMC_ETRUNC = -2,       /* the input ended in the middle of a record */
    VMC_EFORMAT = -3,      /* the input violates the format */
    VMC_ENOMEM = -4,       /* out of memory */
    VMC_ELIMIT = -5,       /* a configured bound was exceeded */
    VMC_EUSAGE = -6,       /* invalid argument from the caller */
    VMC_EUNSUPPORTED = -7, /* valid input this version cannot handle */
    VMC_ENOTFOUND = -8,    /* a named thing does not exist */
};

#define VMC_ERROR_TEXT_MAX 1024

typedef struct vmc_error {
    int code;                          /* one of enum vmc_error_code */
    int64_t offset;                    /* absolute byte offset, -1 if none */
    char section[256];                 /* section idstr, "" if none */
    char field[512];                   /* field path, "" if none */
    char message[VMC_ERROR_TEXT_MAX];  /* human readable detail */
} vmc_error;

/* The last error recorded on this thread (never NULL; code 0 if none). */
const vmc_error *vmc_error_last(void);

/* Forget the last error. */
void vmc_error_clear(void);

/*
 * Complete the last error with where it happened, for the parts it does
 * not already name (offset < 0, section or field NULL: leave unchanged).
 */
void vmc_error_annotate(int64_t offset, const char *section, const char *field);

/* Name of an error code, e.g. "truncated". */
const char *vmc_error_code_name(int code);

/*
 * Format the last error as one line:
 *   "<message> (at byte offset 0x1234 (4660), section 'x', field 'y')"
 * into buf; returns buf.
 */
char *vmc_error_format(const vmc_error *err, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
