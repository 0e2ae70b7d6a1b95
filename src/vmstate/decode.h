/*
 * Decoding device state from bytes into value trees (library-internal).
 *
 * Two walkers produce the same tree shape:
 *  - decode_vmdesc.c walks a stream's own vmdesc (sizes known per field);
 *  - engine.c walks a built-in vmc_vmsd (sizes computed like QEMU does).
 * Custom VMStateInfos (pci config, msix state, virtio ...) are shared.
 */
#ifndef VMC_DECODE_H
#define VMC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "vmstate/value_internal.h"
#include "vmstate/vmdesc_internal.h"

/* A window over bytes in memory with absolute offsets. */
typedef struct vmc_cursor {
    const uint8_t *base;   /* bytes */
    size_t len;            /* bytes available from base */
    size_t pos;            /* next byte */
    int64_t abs;           /* absolute stream offset of base[0] */
} vmc_cursor;

static inline int64_t vmc_cursor_abs(const vmc_cursor *c)
{
    return c->abs + (int64_t)c->pos;
}

static inline size_t vmc_cursor_left(const vmc_cursor *c)
{
    return c->len - c->pos;
}

typedef void (*vmc_warn_fn)(void *opaque, const char *msg);

/*
 * Build mode (vmstate/build.c): the engine produces the bytes it reads.
 * Whenever it needs bytes past the end of what was produced so far, they are
 * appended, zero unless the provider fills them for the current field path;
 * subsections are appended where the provider (or the subsection's needed
 * hook) says QEMU's saver would send them.  The result is the tree and the
 * payload QEMU's vmstate_save_state() would write for that state.
 */
typedef struct vmc_build_provider {
    /* Fill dst[0..n) for the field at `path` of VMStateInfo `type` (dst is
     * zeroed).  When max > n (a custom decoder asking for the first n bytes
     * of a field it parses), a value given as bytes may be supplied whole,
     * up to max: *produced says how many bytes were written (>= n).
     * Return 0 (also when leaving the zeros) or a negative VMC_E* error
     * with vmc_error_set. */
    int (*fill)(void *opaque, const char *path, const char *type, uint8_t *dst, uint64_t n,
                uint64_t max, uint64_t *produced);
    /* Send subsection `name` of the struct at `parent` ("" at top level)?
     * 1 yes, 0 no, -1 no opinion (then its needed hook decides). */
    int (*subsection)(void *opaque, const char *parent, const char *name);
    void *opaque;
} vmc_build_provider;

typedef struct vmc_build_buf {
    uint8_t *buf;       /* stable address: reserved once, never moved */
    size_t cap;
    const vmc_build_provider *prov;
} vmc_build_buf;

#define VMC_PATH_MAX 512
#define VMC_SCOPE_MAX 32

/* State shared by one decode of one section. */
typedef struct vmc_decode_ctx {
    vmc_arena *arena;
    vmc_cursor cur;
    const char *section;          /* idstr, for errors */
    char path[VMC_PATH_MAX];      /* current field path, for errors */
    vmc_warn_fn warn;
    void *warn_opaque;
    void *device;                 /* model context for hooks (may be NULL) */
    const char *(*device_prop)(void *device, const char *prop);
    /* Enclosing structs being decoded, innermost last (for hooks). */
    const vmc_value *scope[VMC_SCOPE_MAX];
    int nscope;
    int depth;                    /* recursion guard */
    int section_version;          /* version the top-level vmsd is loaded at */
    vmc_build_buf *build;         /* build mode when set (cur.len = bytes produced) */
} vmc_decode_ctx;

/* Build mode: make n bytes available at the cursor, producing the missing
 * ones for the current path as VMStateInfo `type`; exact: the field has
 * exactly n bytes (a leaf), else a custom decoder wants at least n.
 * No-op when decoding. */
int vmc_build_supply(vmc_decode_ctx *dc, const char *type, uint64_t n, bool exact);

/* Record an error at the cursor with the current section and path. */
int vmc_decode_fail(vmc_decode_ctx *dc, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vmc_decode_warn(vmc_decode_ctx *dc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Push/pop a path component ("name", "[3]", "sub/name"); returns the old length. */
size_t vmc_decode_path_push(vmc_decode_ctx *dc, const char *component, bool index);
/* pushes "[index]" (no separator) */
size_t vmc_decode_path_push_index(vmc_decode_ctx *dc, uint64_t index);
void vmc_decode_path_pop(vmc_decode_ctx *dc, size_t oldlen);

/* Need n more bytes at the cursor, else a truncation error naming what. */
int vmc_decode_need(vmc_decode_ctx *dc, uint64_t n, const char *what);

/* A leaf value over the next `size` bytes of type `type` (ints, bools, bytes). */
int vmc_decode_leaf(vmc_decode_ctx *dc, const char *name, const char *type, uint64_t size,
                    vmc_value **out);

/*
 * Custom infos.  Each decodes exactly `size` bytes (size known from the
 * vmdesc) or, when size is UINT64_MAX, as many as its encoding says (built-in
 * engine).  outer_vmsd is the vmsd that holds the field (e.g. "virtio-net"
 * for the virtio blob).
 */
int vmc_decode_custom(vmc_decode_ctx *dc, const char *name, const char *type,
                      const char *outer_vmsd, uint64_t size, vmc_value **out);

/* MSI-X table + PBA of nvectors vectors (custom_infos.c). */
int vmc_decode_msix(vmc_decode_ctx *dc, const char *name, uint64_t nvectors, vmc_value **out);

/* Decode a device section payload with its vmdesc entry (decode_vmdesc.c). */
int vmc_vd_decode_device(vmc_decode_ctx *dc, const vmc_vd_device *dev, vmc_value **out);

/*
 * Decode one vmsd with the built-in engine at version `version` (engine.c).
 * name is the value's name (field name, or the section idstr at top level).
 * QEMU's loader rules apply: version checks, field_exists/needed hooks,
 * subsection lookup by prefix and name, 8-bit subsection versions.
 */
int vmc_engine_decode(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version, const char *name,
                      vmc_value **out);

#endif
