/* vmc_state as a build provider (library-internal). */
#ifndef VMC_STATE_INTERNAL_H
#define VMC_STATE_INTERNAL_H

#include "vmcompat/state.h"

/* Fill dst (n bytes, zeroed) from the value at path; *found tells whether
 * there was one.  A bytes value longer than n is written whole when it
 * fits max (*produced, may be NULL when max == n).  Errors: width/length
 * mismatch, value out of range. */
int vmc_state_fill(vmc_state *s, const char *path, const char *type, uint8_t *dst, uint64_t n,
                   uint64_t max, uint64_t *produced, bool *found);
/* Mark the value at path, or the choice for subsection `name` of `parent`,
 * as used (another state's answer took its place). */
void vmc_state_touch(vmc_state *s, const char *path);
void vmc_state_touch_subsection(vmc_state *s, const char *parent, const char *name);

/* 1 send, 0 do not send, -1 no choice made for subsection `name` of `parent`. */
int vmc_state_subsection(vmc_state *s, const char *parent, const char *name);

/* vmc_state_merge_json on a parsed json-c object. */
struct json_object;
int vmc_state_merge_object(vmc_state *s, struct json_object *state);

#endif
