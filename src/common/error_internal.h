/* Internal helpers to record the thread's last error. */
#ifndef VMC_ERROR_INTERNAL_H
#define VMC_ERROR_INTERNAL_H

#include <stdarg.h>
#include "vmcompat/error.h"

/* Record an error and return code (so callers can `return vmc_error_set(...)`). */
int vmc_error_set(int code, int64_t offset, const char *section,
                  const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int vmc_error_setv(int code, int64_t offset, const char *section,
                   const char *field, const char *fmt, va_list ap);

/* Fill in section/field of the last error when an inner layer left them empty. */
void vmc_error_add_context(const char *section, const char *field);

/* Put back an error saved earlier (after an attempt whose failure is not one). */
void vmc_error_restore(const vmc_error *saved);

#endif
