/*
 * Helpers shared by the fresh-state functions (fresh_*.c; see fresh.h).
 * Setting a value cannot fail (paths are built here, memory errors abort),
 * so the setters return nothing.
 */
#ifndef VMC_DEVICES_FRESH_UTIL_H
#define VMC_DEVICES_FRESH_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/fresh.h"

/* Set the field at the printf-style path. */
void vmc_fresh_u(vmc_state *st, uint64_t v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vmc_fresh_i(vmc_state *st, int64_t v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vmc_fresh_bytes(vmc_state *st, const void *p, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Send (or not) the subsection at the path ("<parent>.<vmsd name>" or "<vmsd name>"). */
void vmc_fresh_sub(vmc_state *st, bool sent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A property of the section's device (fc->dev) when driver is NULL, else
 * of driver on this machine (-global, compat properties, defaults).
 */
const char *vmc_fresh_prop(const vmc_fresh_ctx *fc, const char *driver, const char *prop);
bool vmc_fresh_prop_bool(const vmc_fresh_ctx *fc, const char *driver, const char *prop,
                         bool dflt);
int64_t vmc_fresh_prop_int(const vmc_fresh_ctx *fc, const char *driver, const char *prop,
                           int64_t dflt);
/* A MachineClass field is "true". */
bool vmc_fresh_class_true(const vmc_fresh_ctx *fc, const char *key);

/* The machine's "smm" option leaves SMM on (auto/on under TCG). */
bool vmc_fresh_smm_enabled(const vmc_fresh_ctx *fc);
/* The model registered a section with this idstr. */
bool vmc_fresh_has_section(const vmc_fresh_ctx *fc, const char *idstr);

/* PCIDevice embedded as `prefix` ("parent_obj", "dev", "d"): version_id 2
 * (the config space comes from the model, the IRQ levels are 0). */
void vmc_fresh_pci_device(vmc_state *st, const char *prefix);

/* Fail for an option whose fresh state is not modelled. */
int vmc_fresh_unsupported(const vmc_fresh_ctx *fc, const char *what);

/* Expiry of a QEMU timer that is not armed ("timer" fields). */
#define VMC_FRESH_TIMER_OFF (-1)

#endif
