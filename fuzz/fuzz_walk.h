/*
 * Helpers shared by the fuzz targets: touch every byte a public accessor
 * hands out (so the sanitizers see any dangling or out-of-bounds pointer)
 * and check the invariants the issue promises about errors.
 */
#ifndef VMC_FUZZ_WALK_H
#define VMC_FUZZ_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "vmcompat/vmcompat.h"

/* Print "fuzz invariant violated: ..." and abort(). */
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Read every byte of p[0..n) into the running checksum. */
void fz_touch(const void *p, size_t n);
/* strlen + touch; NULL is allowed. */
void fz_touch_str(const char *s);

/* Walk a value tree with the public accessors (bounded depth). */
void fz_walk_value(const vmc_value *v, int depth);

/* All public accessors of a parsed vmdesc. */
void fz_walk_vmdesc(const vmc_vmdesc *d);

/*
 * After a failing call: the last error must carry the returned code, a
 * message, and a byte offset inside [0, input_len] (offset_required), and
 * vmc_error_format must produce a line.
 */
void fz_check_error(int rc, int64_t input_len, int offset_required);

/* With FUZZ_VERBOSE set in the environment: print the last error (seed work). */
void fz_verbose_error(void);

#endif
