/*
 * Pre-flight: what a destination QEMU 7.2 started with given arguments (and
 * migration capabilities) would do with a migration stream, without running
 * it.  Every finding is reported, not just the first QEMU would stop at;
 * each says where (section, instance, field, byte offset), the line QEMU
 * would print for errors, whether it is a false incompatibility (bits that
 * hold runtime state the destination cannot know) and a remedy where one
 * exists.
 */
#ifndef VMCOMPAT_PREFLIGHT_H
#define VMCOMPAT_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcompat/model.h"
#include "vmcompat/schema.h"
#include "vmcompat/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* vmc_severity and vmc_severity_name() are shared with schema-diff (schema.h). */

typedef struct vmc_preflight_finding {
    vmc_severity severity;
    const char *cls;            /* "configuration", "section", "version", "field", "pci-config",
                                   "ram", "capability", "command", "missing-section", "cpu" ... */
    const char *section;        /* idstr, or NULL */
    int64_t instance_id;        /* -1 when not about a section */
    const char *field;          /* field path, or NULL */
    int64_t offset;             /* absolute stream offset, -1 if none */
    const char *message;
    const char *qemu_error;     /* the line QEMU 7.2 would print (errors), or NULL */
    bool false_incompatibility; /* refusal caused only by runtime state (e.g. PCIe PDS) */
    const char *remedy;         /* how to make the two sides agree, or NULL */
    /* pci-config findings: the byte in the stream and on the destination, and
     * the bits the load check compares that differ */
    uint8_t stream_byte, dest_byte, bad_bits;
} vmc_preflight_finding;

typedef struct vmc_preflight vmc_preflight;

typedef struct vmc_preflight_cap {
    const char *name;           /* migration capability, e.g. "compress", "x-ignore-shared" */
    bool on;
} vmc_preflight_cap;

typedef struct vmc_preflight_options {
    const vmc_preflight_cap *caps;  /* the destination's capabilities (others off) */
    size_t ncaps;
    uint64_t max_device_state;      /* see vmc_reader_options; 0 = default */
} vmc_preflight_options;

/* Check a stream against the destination model. */
int vmc_preflight_stream(vmc_preflight **out, vmc_source *stream, const vmc_model *dest,
                         const vmc_preflight_options *opts);

/*
 * Check a device-state capture (vmc_capture_device_state: device sections
 * only, no configuration and no RAM) against the destination; when the
 * source's model is known (its command line), its machine type and RAM
 * blocks are checked too.
 */
int vmc_preflight_capture(vmc_preflight **out, vmc_source *capture, const vmc_model *source,
                          const vmc_model *dest, const vmc_preflight_options *opts);

/* Check a source machine model (its fresh state) against the destination model. */
int vmc_preflight_models(vmc_preflight **out, const vmc_model *source, const vmc_model *dest,
                         const vmc_preflight_options *opts);

void vmc_preflight_free(vmc_preflight *p);

/* True when QEMU would load the stream (no error finding). */
bool vmc_preflight_compatible(const vmc_preflight *p);
size_t vmc_preflight_count(const vmc_preflight *p);
const vmc_preflight_finding *vmc_preflight_at(const vmc_preflight *p, size_t i);
/* The first error in stream order: what QEMU itself would stop at, or NULL. */
const vmc_preflight_finding *vmc_preflight_first_error(const vmc_preflight *p);

#ifdef __cplusplus
}
#endif
#endif
