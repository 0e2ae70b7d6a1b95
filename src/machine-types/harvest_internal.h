/* Internal parts of the harvest (include/vmcompat/harvest.h). */
#ifndef VMC_HARVEST_INTERNAL_H
#define VMC_HARVEST_INTERNAL_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vmcompat/harvest.h"
#include "vmcompat/machine.h"
#include "vmcompat/qmp.h"

/* ---- running QEMU (harvest_proc.c) --------------------------------------- */

/* The command that runs QEMU: argv prefix, resolved executable, root. */
typedef struct hv_cmd {
    char **argv;          /* NULL-terminated, g_strfreev */
    int argc;
    char *exe;            /* argv[0] resolved in PATH */
    char *root;           /* directory QEMU sees as "/", NULL for the same */
    char *workdir;        /* private directory for QEMU's files (outside view) */
    char *workdir_in;     /* the same as QEMU sees it */
    unsigned timeout_ms;
} hv_cmd;

int hv_cmd_init(hv_cmd *c, const char *qemu, const char *root, unsigned timeout_ms);
/* Removes the work directory. */
void hv_cmd_free(hv_cmd *c);
/* A path in the work directory: outside view (malloc'd), *inside the same as
 * QEMU sees it (malloc'd, may be NULL). */
char *hv_cmd_path(const hv_cmd *c, const char *name, char **inside);

typedef struct hv_run_result {
    int status;           /* exit code, or -signal */
    bool timed_out;       /* killed after the timeout */
    char *out;            /* stdout text (malloc'd) */
    char *err;            /* stderr text (malloc'd) */
} hv_run_result;

/* Run QEMU with args (NULL-terminated) to completion.  0 when it could be
 * run (whatever its exit status), negative otherwise. */
int hv_run(const hv_cmd *c, const char *const *args, hv_run_result *r);
void hv_run_result_free(hv_run_result *r);

typedef struct hv_qemu hv_qemu;

/* Start QEMU with args plus "-qmp stdio" and connect QMP over a socket
 * pair.  On failure the error message carries QEMU's stderr. */
int hv_qemu_start(hv_qemu **out, const hv_cmd *c, const char *const *args);
vmc_qmp *hv_qemu_qmp(hv_qemu *q);
/* Quit (QMP quit), wait, SIGKILL the process group after a grace period. */
void hv_qemu_stop(hv_qemu *q);

/* Total QEMU processes started (all threads). */
size_t hv_runs_started(void);

/* One line of the last error of this thread's QEMU stderr, shortened. */
char *hv_stderr_summary(const char *err);

/* ---- text parsers (harvest_parse.c) -------------------------------------- */

typedef struct hv_help_machine {
    char *name;
    char *desc;
    char *alias_of;       /* "pc" line: the machine it aliases */
    bool is_default;
    bool deprecated;
} hv_help_machine;

/* `-machine help`: one entry per line after the header, in order. */
GPtrArray *hv_parse_machine_help(const char *text);   /* hv_help_machine* */
void hv_help_machine_free(void *p);

/* `-device help`: type name -> bus name ("PCI", "ISA", "usb-bus", "" for none). */
GHashTable *hv_parse_device_help(const char *text);

/* One device of `info qtree`. */
typedef struct hv_qtree_dev {
    char *type;
    char *id;             /* "" when none */
    char *bus_type;       /* type of the bus it sits on ("PCI", "System") */
    GHashTable *props;    /* name -> value text ("true", "2", "\"x\"" unquoted) */
} hv_qtree_dev;

typedef struct hv_qtree {
    GPtrArray *devs;      /* hv_qtree_dev* */
    GHashTable *bus_types;  /* set of bus types present ("PCIE", "ISA", ...) */
} hv_qtree;

hv_qtree *hv_parse_qtree(const char *text);
void hv_qtree_free(hv_qtree *t);
/* The qtree value text of a property as JSON of the given QOM type (bool,
 * integers, else string); NULL when it does not parse. */
json_object *hv_qtree_value(const char *text, const char *qom_type);

/* Version-suffixed machine names: "pc-q35-4.0.1" -> prefix "pc-q35", version
 * components; false when the name has no version suffix. */
bool hv_machine_version(const char *name, char **prefix, int *ver, size_t nver, size_t *nout);
/* <0, 0, >0 like strcmp, by version (names without a version sort first). */
int hv_machine_version_cmp(const char *a, const char *b);
/* Family of a machine type for the tables: "pc_q35", "pc_piix", the
 * version-less prefix with '_' for '-', NULL for standalone types. */
char *hv_machine_family(const char *name);

/* Canonical text of a JSON property value (bool "true"/"false", integers in
 * decimal, strings as is) per QOM property type; malloc'd, NULL for null or
 * structured values. */
char *hv_value_text(json_object *v, const char *qom_type);

/* ---- the information run (harvest_info.c) -------------------------------- */

typedef struct hv_machine_info {
    char *name;
    char *alias;
    char *desc;
    bool is_default;
    bool deprecated;
    bool has_cpu_max;
    long long cpu_max;
    int hotpluggable_cpus;   /* -1 unknown */
    int numa_mem_supported;  /* -1 unknown */
    char *default_cpu_type;
    char *default_ram_id;
    json_object *compat_props;  /* array of {qom-type, property, value} (9.1+), or NULL */
    char *family;
} hv_machine_info;

typedef struct hv_info {
    char *version;           /* "7.2.22" */
    int major, minor, micro;
    char *package;
    char *target;
    char *binary;            /* basename of the executable */
    GPtrArray *machines;     /* hv_machine_info*, `-machine help` order */
    char *default_machine;
    GHashTable *parent;      /* type -> parent ("" for roots) */
    GHashTable *abstract;    /* set */
    GHashTable *device_bus;  /* user-creatable device -> bus (from -device help) */
    GHashTable *cpu_models;  /* CPU type name -> model name */
    json_object *cpu_model_table; /* "cpu_models" of the tables (harvest_info.c), or NULL */
    GHashTable *qlp;         /* type -> json array of qom-list-properties (filled lazily) */
    GPtrArray *qlp_failed;   /* char*: types QEMU died on when listing their properties */
    bool has_compat_props;   /* query-machines gave compat-props */
} hv_info;

int hv_info_collect(hv_info **out, const hv_cmd *c);
void hv_info_free(hv_info *i);
/* qom-list-properties of types (on a running QEMU of the info run). */
int hv_info_fetch_props(hv_info *i, const hv_cmd *c, const char *const *types, size_t n);
/* type is ancestor or ancestor itself (per the binary's qom-list-types). */
bool hv_info_is_a(const hv_info *i, const char *type, const char *ancestor);
size_t hv_info_depth(const hv_info *i, const char *type);
const hv_machine_info *hv_info_machine(const hv_info *i, const char *name_or_alias);

/* ---- probe recipes (harvest_recipes.c) ----------------------------------- */

enum {
    HV_NEEDS_PCI = 1,     /* a PCI or PCIe bus */
    HV_NEEDS_PCIE = 2,    /* a PCIe root bus (q35) */
    HV_NEEDS_ISA = 4,
    HV_NEEDS_IDE = 8,
    HV_ALONE = 16,        /* in a run of its own (changes the machine, e.g. -m) */
    HV_SKIP = 32,         /* not instantiable here (needs a back end or host device) */
};

typedef struct hv_recipe {
    const char *type;     /* QOM type probed */
    /*
     * Command-line tokens separated by spaces: "@" is replaced by the probe
     * id, "@#" by a unique number, "@T" by the type, "@D" by a directory
     * QEMU can read.
     */
    const char *args;
    /* QOM path of the probed object: NULL for "/machine/peripheral/@" */
    const char *path;
    unsigned flags;
    unsigned slots;       /* root-bus PCI slots it takes */
    const char *why;      /* HV_SKIP: reason */
} hv_recipe;

/* Recipes for a type, in order of preference; a generic one is made for
 * user-creatable devices on a PCI or ISA bus without a recipe.  Returns the
 * number written to out (at most max). */
size_t hv_recipes_for(const char *type, const char *bus, hv_recipe *out, size_t max);

/* ---- per machine observations (harvest_probe.c) -------------------------- */

typedef struct hv_object {
    char *path;           /* QOM path, or "cpu-model-expansion:NAME" */
    char *type;
    char *source;         /* "board", "probe", "object", "cpu-model-expansion" */
    json_object *props;   /* name -> value */
    json_object *ptypes;  /* name -> QOM property type */
} hv_object;

typedef struct hv_probe_failure {
    char *type;
    char *error;
} hv_probe_failure;

typedef struct hv_machine_obs {
    char *name;
    char *qom_type;
    bool ok;
    bool refused;                /* QEMU would not start the machine type at all */
    bool skipped;                /* refused and not asked for explicitly: left out */
    char *error;                 /* when !ok */
    GPtrArray *objects;          /* hv_object*: one per type (the first found) */
    GHashTable *by_type;         /* type -> hv_object* */
    GPtrArray *failures;         /* hv_probe_failure* */
    char *dump_error;            /* -dump-vmstate failed */
    GPtrArray *log;              /* char*: one line per QEMU run */
    size_t runs, values, from_qtree;
    double seconds;
} hv_machine_obs;

/* Progress within one machine type. */
typedef void (*hv_note_fn)(void *opaque, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Observe one machine type: a board run (every object under /machine and
 * /objects, CPU model expansions), then probe runs for the scope types not
 * seen yet.  scope: set of types to probe; cpu_props: set of property names
 * kept from CPU model expansions (NULL: all).  Fills *out (also on failure:
 * ok false).
 */
void hv_observe_machine(hv_machine_obs *out, const hv_cmd *c, const hv_info *info,
                        const char *machine, GHashTable *scope, GHashTable *cpu_props,
                        hv_note_fn note, void *opaque);
void hv_machine_obs_clear(hv_machine_obs *o);

/* ---- building the tables (harvest_build.c) ------------------------------- */

/* A (driver, property) pair named by a global property of the reference. */
typedef struct hv_pair {
    char *driver;
    char *property;
} hv_pair;

typedef struct hv_build_result {
    json_object *tables;        /* machine-types JSON */
    json_object *report;        /* per-machine details for harvest.json: name -> object */
    json_object *unobserved;    /* array of {driver, property} */
    json_object *absent;        /* array of drivers absent from the binary */
    size_t compat_props, mismatches;
} hv_build_result;

/*
 * Turn observations into tables.  universe: hv_pair* from the reference;
 * obs: hv_machine_obs* of the harvested machine types (ok ones only).
 */
int hv_build_tables(hv_build_result *out, const hv_info *info, GPtrArray *universe,
                    GPtrArray *obs);
void hv_build_result_clear(hv_build_result *r);

/* The universe of a reference table set: every (driver, property) named by a
 * machine or board global property (accelerator tcg). */
GPtrArray *hv_universe_from_tables(const vmc_machine_types *set);
void hv_pair_free(void *p);

#endif
