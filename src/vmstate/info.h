/* The VMStateInfo catalogue of QEMU 7.2: names, wire sizes and how to show them. */
#ifndef VMC_INFO_H
#define VMC_INFO_H

#include <stdbool.h>
#include <stddef.h>

typedef enum vmc_info_class {
    VMC_INFO_OPAQUE = 0,  /* raw bytes */
    VMC_INFO_BOOL,
    VMC_INFO_SINT,        /* big-endian two's complement */
    VMC_INFO_UINT,        /* big-endian unsigned */
    VMC_INFO_DOUBLE,      /* CPU_Double_U */
    VMC_INFO_TIMER,       /* be64 expiry, -1 = not armed */
    VMC_INFO_STRUCT,      /* "struct", "vstruct", "tmp": nested fields */
    VMC_INFO_CUSTOM,      /* a custom encoding with its own decoder */
} vmc_info_class;

typedef struct vmc_info {
    const char *name;     /* VMStateInfo name as written in the vmdesc */
    vmc_info_class cls;
    unsigned width;       /* fixed wire size per element, 0 = variable */
    bool equal;           /* '... equal': must match the destination's value */
} vmc_info;

/* Look up an info by name; NULL when QEMU 7.2 has no such info. */
const vmc_info *vmc_info_find(const char *name);

/*
 * How QEMU 7.2's scripts/analyze-migration.py prints a field of this type:
 * 's' signed int, 'u' unsigned int, 'b' bool, 'S' struct, 'h' hex bytes.
 */
char vmc_info_analyze_style(const char *name);

#endif
