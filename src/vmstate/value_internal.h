/* The vmc_value node layout and constructors (library-internal). */
#ifndef VMC_VALUE_INTERNAL_H
#define VMC_VALUE_INTERNAL_H

#include "common/arena.h"
#include "vmcompat/vmstate.h"

struct vmc_value {
    vmc_value_kind kind;
    const char *name;
    const char *type;          /* VMStateInfo name */
    const char *vmsd_name;     /* STRUCT: vmsd it was decoded with */
    int version;               /* STRUCT: version decoded at, -1 if n/a */
    unsigned width;            /* integers: bytes */
    bool is_subsection;
    bool compressible;         /* ARRAY: vmdesc may write it as one entry with array_len */
    bool field_array;          /* ARRAY: an array field of a vmsd (not a custom info's parts) */
    int64_t offset;            /* absolute stream offset */
    uint64_t size;             /* wire bytes */
    const uint8_t *raw;        /* wire bytes (may be NULL) */
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double d;
        struct {
            const uint8_t *p;
            size_t n;
        } bytes;
    } v;
    vmc_value **child;         /* STRUCT fields / ARRAY elements */
    size_t nchild, capchild;
    vmc_value **sub;           /* STRUCT subsections */
    size_t nsub, capsub;
};

vmc_value *vmc_value_new(vmc_arena *a, vmc_value_kind kind, const char *name, const char *type);
/* Append child / subsection; returns 0 or VMC_ENOMEM. */
int vmc_value_add(vmc_arena *a, vmc_value *parent, vmc_value *child);
int vmc_value_add_subsection(vmc_arena *a, vmc_value *parent, vmc_value *sub);
/* Find a direct child field by exact name. */
vmc_value *vmc_value_child(const vmc_value *v, const char *name);

#endif
