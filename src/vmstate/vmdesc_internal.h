/* Parsed vmdesc trailer (library-internal layout). */
#ifndef VMC_VMDESC_INTERNAL_H
#define VMC_VMDESC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "vmcompat/vmstate.h"

typedef struct vmc_vd_struct vmc_vd_struct;

/* One "fields" entry. */
typedef struct vmc_vd_field {
    const char *name;
    const char *type;
    int64_t index;            /* "index", -1 when absent */
    uint64_t array_len;       /* "array_len", 0 when absent */
    uint64_t size;            /* bytes of one element */
    vmc_vd_struct *nested;    /* "struct" object, or inline vmsd_name/fields (tmp, vstruct ...) */
} vmc_vd_field;

/* A described vmsd: a device, a "struct", a subsection or an inline nested vmsd. */
struct vmc_vd_struct {
    const char *vmsd_name;    /* may be NULL (old-style device) */
    int64_t version;          /* -1 when absent */
    vmc_vd_field *fields;
    size_t nfields;
    vmc_vd_struct **subsections;
    size_t nsubsections;
};

typedef struct vmc_vd_device {
    const char *name;         /* idstr */
    uint32_t instance_id;
    bool old_style;           /* {"name","instance_id","size","fields"} */
    uint64_t size;            /* old-style "size" */
    vmc_vd_struct desc;
} vmc_vd_device;

struct vmc_vmdesc {
    vmc_arena *arena;
    uint32_t page_size;
    vmc_vd_device *devices;
    size_t ndevices;
};

#endif
