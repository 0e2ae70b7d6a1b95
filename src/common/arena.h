/* A bump allocator: many small allocations, one free. */
#ifndef VMC_ARENA_H
#define VMC_ARENA_H

#include <stddef.h>

typedef struct vmc_arena vmc_arena;

vmc_arena *vmc_arena_new(void);
void vmc_arena_free(vmc_arena *a);
/* Zeroed memory, aligned for any type; NULL when out of memory. */
void *vmc_arena_alloc(vmc_arena *a, size_t n);
char *vmc_arena_strdup(vmc_arena *a, const char *s);
char *vmc_arena_strndup(vmc_arena *a, const char *s, size_t n);
/* Total bytes allocated from the system. */
size_t vmc_arena_bytes(const vmc_arena *a);

#endif
