/*
 * In-memory model of a -dump-vmstate file (library-internal layout).
 *
 *   { "vmschkmachine": {"Name": MACHINE},
 *     TYPE: {"Name": TYPE, "version_id": V, "minimum_version_id": M,
 *            "Description": VMSD}, ... }
 *   VMSD  = {"name", "version_id", "minimum_version_id",
 *            "Fields": [FIELD...], "Subsections": [VMSD...]}
 *   FIELD = {"field", "version_id", "field_exists", "size",
 *            "num" (QEMU 9.x+, arrays only), "Description": VMSD}
 */
#ifndef VMC_DUMP_INTERNAL_H
#define VMC_DUMP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "vmcompat/schema.h"

typedef struct vmc_dd_desc vmc_dd_desc;

typedef struct vmc_dd_field {
    const char *name;
    int32_t version_id;
    bool field_exists;       /* the field has a field_exists test */
    uint64_t size;           /* bytes of one element (C struct size for structs) */
    int64_t num;             /* "num", -1 when absent */
    vmc_dd_desc *desc;       /* nested vmsd, NULL for plain fields */
} vmc_dd_field;

struct vmc_dd_desc {
    const char *name;
    int32_t version_id;
    int32_t minimum_version_id;
    bool has_min;
    bool has_fields;         /* "Fields" present (possibly empty) */
    bool has_subsections;
    size_t nfields;
    vmc_dd_field *fields;
    size_t nsubs;
    vmc_dd_desc *subs;
};

typedef struct vmc_dd_section {
    const char *name;        /* the key: QOM type name */
    int32_t version_id;
    int32_t minimum_version_id;
    bool has_min;
    vmc_dd_desc *desc;       /* NULL when "Description" is absent */
} vmc_dd_section;

struct vmc_dump {
    vmc_arena *arena;
    const char *name;        /* file name for messages */
    const char *machine;     /* vmschkmachine Name, NULL if absent */
    bool has_num;            /* some field carries "num" */
    size_t nsections;
    vmc_dd_section *sections;        /* file order */
    const vmc_dd_section **by_name;  /* sorted by name, for lookups */
};

/* One waiver entry (see schema.h); patterns are NULL when absent. */
typedef struct vmc_waiver {
    const char *kind;
    const char *section;
    const char *description;
    const char *field;
    const char *old_name;    /* rename kinds: both set, or both NULL */
    const char *new_name;
    const char *reason;      /* never NULL ("waived" when the file gave none) */
} vmc_waiver;

struct vmc_waivers {
    vmc_arena *arena;
    size_t n;
    vmc_waiver *w;
};

/* True when kind is one of the finding kinds of schema_diff.c. */
bool vmc_schema_kind_known(const char *kind);

/* Read a whole file (gzip or plain, "-" = stdin) of at most max bytes; *buf is
 * NUL-terminated and owned by the caller. */
int vmc_dump_read_file(const char *path, size_t max, char **buf, size_t *len);

/* Section by exact name, NULL when absent. */
const vmc_dd_section *vmc_dump_find(const vmc_dump *d, const char *name);

#endif
