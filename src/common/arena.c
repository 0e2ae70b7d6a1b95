/* Bump allocator in chunks; see arena.h. */
#include "common/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)

struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
};

struct vmc_arena {
    struct chunk *head;
    size_t total;
};

vmc_arena *vmc_arena_new(void)
{
    return calloc(1, sizeof(vmc_arena));
}

void vmc_arena_free(vmc_arena *a)
{
    if (!a) {
        return;
    }
    struct chunk *c = a->head;
    while (c) {
        struct chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void *vmc_arena_alloc(vmc_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    if (n > SIZE_MAX - align) {
        return NULL;
    }
    n = (n + align - 1) & ~(align - 1);
    struct chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CHUNK ? n : CHUNK;
        c = malloc(sizeof(struct chunk) + cap);
        if (!c) {
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        a->total += cap;
        if (a->head && n > CHUNK) {
            /* Keep the current chunk as head so its free space stays usable. */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *vmc_arena_strndup(vmc_arena *a, const char *s, size_t n)
{
    char *p = vmc_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *vmc_arena_strdup(vmc_arena *a, const char *s)
{
    return vmc_arena_strndup(a, s, strlen(s));
}

size_t vmc_arena_bytes(const vmc_arena *a)
{
    return a->total;
}
