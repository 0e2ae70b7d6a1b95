/*
 * Field values for building device state: what `vmcompat write --state`
 * overrides and what the device models' fresh-state code sets.
 *
 * A vmc_state maps field paths to values.  Paths are the ones errors and
 * inspect use: field names joined by '.', array elements as "[k]", a
 * subsection by its vmsd name ("kbd.write_cmd", "channels[0].mode",
 * "pckbd/extended_state.obsrc").  Fields without a value are zero.  Whether
 * a subsection is sent can be set explicitly; otherwise its needed() hook
 * decides on the state being built, as QEMU's saver does.
 */
#ifndef VMCOMPAT_STATE_H
#define VMCOMPAT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_state vmc_state;

int vmc_state_new(vmc_state **out);
void vmc_state_free(vmc_state *s);

/* Integers: written in the field's width; an error at build time if the
 * value does not fit. */
int vmc_state_set_uint(vmc_state *s, const char *path, uint64_t v);
int vmc_state_set_int(vmc_state *s, const char *path, int64_t v);
int vmc_state_set_double(vmc_state *s, const char *path, double v);
/* Buffers and custom types shown as bytes: the length must equal the field's. */
int vmc_state_set_bytes(vmc_state *s, const char *path, const void *p, size_t n);
/* Send (or not) the subsection with this path, whatever its needed() says. */
int vmc_state_set_subsection(vmc_state *s, const char *path, bool sent);

/* The value set for path, if any (for device code that derives one field from another). */
bool vmc_state_get_uint(const vmc_state *s, const char *path, uint64_t *v);

/*
 * Add the values of one section's "state" object as `vmcompat inspect
 * --format json` prints it (text of that object).  Every leaf with a
 * "value" is set; a struct with a "subsections" member sends exactly the
 * subsections listed there.  Errors name the JSON path.
 */
int vmc_state_merge_json(vmc_state *s, const char *json, size_t len);

/* Number of values set (leaves and subsection choices). */
size_t vmc_state_count(const vmc_state *s);

/* True when some value was never used by a build (a misspelt path); *path gets one. */
bool vmc_state_unused(const vmc_state *s, const char **path);

#ifdef __cplusplus
}
#endif
#endif
