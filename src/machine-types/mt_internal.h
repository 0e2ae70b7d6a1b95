/* Internal structures of the machine-type tables (include/vmcompat/machine.h). */
#ifndef VMC_MT_INTERNAL_H
#define VMC_MT_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "vmcompat/machine.h"

/* A property of a QOM type as the tables describe it. */
typedef struct mt_propdef {
    const char *name;
    const char *type;          /* QOM property type, NULL if not given */
    bool has_default;          /* "default" present (it may be JSON null) */
    const char *def_json;      /* the default as JSON text */
    const char *def_canon;     /* canonical default, NULL for a null default */
    const char *realized;      /* canonical realized value (all families), or NULL */
    const char **realized_family;  /* per-family realized values: key, value pairs */
    size_t n_realized_family;
    const char *varies;        /* subtypes' defaults when they disagree, else NULL */
} mt_propdef;

typedef struct mt_type {
    const char *name;
    const char *parent;
    struct mt_type *parent_t;  /* NULL when the parent is not in the tables */
    bool abstract;
    mt_propdef *props;
    size_t n_props;
} mt_type;

/* One condition of a board entry: driver.property must equal value. */
typedef struct mt_cond {
    const char *driver;
    const char *property;
    const char *value;
} mt_cond;

/* A global property entry; pub first so &entry->pub is the public view. */
typedef struct mt_entry {
    vmc_compat_prop pub;
    const mt_cond *conds;
    size_t n_conds;
} mt_entry;

struct vmc_machine_type {
    vmc_machine_info info;
    vmc_machine_types *set;
    bool abstract;
    size_t index;              /* position in the table file */
    int resolving;             /* 0 not yet, 1 in progress, 2 done */
    /* as read (own part only) */
    vmc_machine_class_field *own_fields;
    size_t n_own_fields;
    mt_entry *own_compat;
    size_t n_own_compat;
    mt_entry *own_board;
    size_t n_own_board;
    /* after the base chain was applied */
    vmc_machine_class_field *fields;
    size_t n_fields;
    vmc_machine_type *base;    /* resolved base entry, NULL at the root */
    /* Counts are known once loaded; the arrays are flattened from the base
     * chain on first use (mt_props_ensure): a run asks for one or two of
     * the ~60 types, and flattening all of them was most of a load. */
    bool props_done;
    mt_entry *compat;
    size_t n_compat;
    mt_entry *board;
    size_t n_board;
    const char **opts;         /* default_machine_opts split: key, value pairs */
    size_t n_opts;
};

typedef struct mt_accel {
    const char *name;
    mt_entry *entries;
    size_t n;
} mt_accel;

struct vmc_machine_types {
    vmc_arena *arena;
    const char *source;
    const char *version, *target, *binary, *package;
    vmc_machine_type *entries;     /* every table entry, file order */
    size_t n_entries;
    vmc_machine_type **concrete;   /* machine types, `-machine help` order */
    size_t n_concrete;
    GHashTable *by_name;           /* name -> entry (also abstract) */
    GHashTable *by_alias;          /* alias -> concrete entry */
    mt_type *types;
    size_t n_types;
    GHashTable *type_by_name;      /* name -> mt_type */
    GHashTable *absent;            /* absent_types: name -> name */
    mt_accel *accels;
    size_t n_accels;
    GMutex props_lock;             /* guards mt_props_ensure's arena use */
    GHashTable *cpu_models;        /* -cpu name -> vmc_cpu_model (NULL: not in the tables) */
    GPtrArray *cpu_model_list;     /* the same, in the file's order */
    GHashTable *cpu_props;         /* property names of a CPU model (set) */
    GHashTable *device_types;      /* every -device name of the binary (set), or NULL */
};

/* Flatten mt's compat and board entries from its base chain (once; thread
 * safe).  Returns false only when out of memory. */
bool mt_props_ensure(const vmc_machine_type *mt);

/* Type lookup; NULL when not in the tables. */
const mt_type *mt_type_find(const vmc_machine_types *set, const char *name);
/* Property of a type or of its nearest parent that defines it, NULL if none. */
const mt_propdef *mt_prop_find(const vmc_machine_types *set, const char *type, const char *prop);
vmc_driver_status mt_driver_status(const vmc_machine_types *set, const char *driver);

/* Set pub.overridden: a later active entry has the same driver and property. */
void mt_mark_overridden(mt_entry *es, size_t n);

/* Builtin JSON text (embedded at build time, else read from the source tree). */
int mt_builtin_text(const char **text, size_t *len, bool *embedded, char **to_free);

#endif
