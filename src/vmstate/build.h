/*
 * Building device state (library-internal): run the engine in build mode
 * over a vmsd so that it writes the payload QEMU's vmstate_save_state()
 * would write for the values a provider gives (zero where it gives none),
 * and returns the same value tree a decode of that payload gives.
 */
#ifndef VMC_BUILD_H
#define VMC_BUILD_H

#include "vmstate/decode.h"

/* Upper bound of one built device state (address space is reserved, not used). */
#define VMC_BUILD_MAX_STATE (256u << 20)

typedef struct vmc_built {
    vmc_arena *arena;          /* owns the tree */
    vmc_value *tree;
    const uint8_t *bytes;      /* the payload (also what tree->raw points into) */
    size_t len;
    void *map;                 /* reserved buffer */
    size_t map_len;
} vmc_built;

typedef struct vmc_build_args {
    const vmc_vmsd *vmsd;
    int version;               /* section version (normally vmsd->version_id) */
    const char *section;       /* idstr, for errors and as the tree's name */
    void *device;              /* hook context, as vmc_decode_ctx.device */
    const char *(*device_prop)(void *device, const char *prop);
    const vmc_build_provider *prov;
} vmc_build_args;

int vmc_build_state(const vmc_build_args *a, vmc_built *out);
void vmc_built_release(vmc_built *b);

#endif

/*
 * For a custom-typed field of n bytes that is set leaf by leaf (e.g.
 * "pci irq state" as "irq_state[2]", "msix state" as "msix.table[0].data"):
 * decode buf with the custom decoder to learn where each leaf lies and ask
 * leaf() for the bytes of each (path relative to the field: "[2]",
 * "table[0].data").  For types whose layout depends on the size only.
 * *any tells whether leaf() gave at least one value.
 */
typedef int (*vmc_build_leaf_fn)(void *opaque, const char *relpath, const char *type,
                                 uint8_t *dst, uint64_t n, bool *found);
int vmc_build_compose_custom(const char *type, uint8_t *buf, uint64_t n, vmc_build_leaf_fn leaf,
                             void *opaque, bool *any);
