/*
 * Versioned machine types: what `-machine pc-q35-6.0` changes compared with
 * another machine type, before any device exists.
 *
 * The knowledge is data (docs/machine-types.md, schemas/machine-types/):
 * every machine type of one QEMU binary with its machine-class fields and
 * its compat properties (QEMU's hw_compat_X_Y / pc_compat_X_Y arrays, in the
 * order the class init functions add them), the accelerators' compat
 * properties, properties the board registers itself (pc_q35_init's
 * pcie-slot x-native-hotplug), and the QOM parent chain and property
 * defaults of the device types those properties name.  The QEMU 7.2 tables
 * are built into the library; vmc_machine_types_load_file() reads another
 * file of the same format (e.g. harvested from another QEMU binary).
 *
 * Effective value of (driver, property) on a machine, as QEMU computes it
 * when it creates an object of type `driver`: the property default, then
 * every global property whose driver is that type or one of its QOM parents,
 * in QEMU's order (qom/object.c object_apply_compat_props, then qdev's
 * -global list): accelerator compat properties, machine compat properties,
 * properties the board registers, -global options.  A later entry wins.
 *
 * Errors follow include/vmcompat/error.h: 0 on success, a negative VMC_E*
 * code with the detail in vmc_error_last().  Bad table files give
 * VMC_EFORMAT with the JSON path in the error's field.
 *
 * Ownership: a vmc_machine_types set owns every vmc_machine_type and every
 * string and struct returned about them; they stay valid until
 * vmc_machine_types_free().  A vmc_machine_setup borrows its machine type
 * (free the setup first) and owns the strings in the vmc_prop_value and
 * vmc_compat_prop results it returns, valid until it is freed or changed
 * (vmc_machine_setup_add_global).  A vmc_machine_diff owns its results and
 * borrows nothing: it may outlive the two setups.  Nothing here is
 * thread-safe for concurrent writers; read-only use of one set from several
 * threads is fine.
 */
#ifndef VMCOMPAT_MACHINE_H
#define VMCOMPAT_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_machine_types vmc_machine_types;
typedef struct vmc_machine_type vmc_machine_type;
typedef struct vmc_machine_setup vmc_machine_setup;
typedef struct vmc_machine_diff vmc_machine_diff;

/* Bounds of what the loaders accept. */
#define VMC_MACHINE_TABLES_MAX_BYTES (64u << 20)  /* JSON text (after gunzip) */
#define VMC_MACHINE_ENTRIES_MAX 4096              /* entries of "machines" */
#define VMC_MACHINE_BASE_DEPTH_MAX 256            /* "base" chain length */
#define VMC_MACHINE_CLASS_FIELDS_MAX 512          /* class fields of one machine */
#define VMC_MACHINE_COMPAT_MAX 4096               /* compat properties of one machine */
#define VMC_MACHINE_BOARD_MAX 256                 /* board properties of one machine */
#define VMC_MACHINE_CONDS_MAX 16                  /* conditions of one board property */
#define VMC_MACHINE_COMPAT_TOTAL_MAX (1u << 20)   /* compat properties of all machines */
#define VMC_MACHINE_QOM_DEPTH_MAX 64              /* QOM parent chain length */
#define VMC_MACHINE_GLOBALS_MAX 4096              /* -global options per setup */

/* ---- table sets ---------------------------------------------------------- */

/* The tables built into the library (QEMU 7.2, qemu-system-x86_64). */
int vmc_machine_types_load_builtin(vmc_machine_types **out);
/* A table file of the same format (plain or gzip; "-" = standard input). */
int vmc_machine_types_load_file(vmc_machine_types **out, const char *path);
/* The same from memory; name is used in messages. */
int vmc_machine_types_parse(vmc_machine_types **out, const char *json, size_t len,
                            const char *name);
void vmc_machine_types_free(vmc_machine_types *set);

/* True when the built-in tables were compiled in (the CMake embed step ran). */
bool vmc_machine_types_builtin_embedded(void);

/* "qemu" object of the tables: version ("7.2.22"), target ("x86_64"),
 * binary and package (NULL when absent); where the set came from
 * ("built-in" or the file name). */
const char *vmc_machine_types_qemu_version(const vmc_machine_types *set);
const char *vmc_machine_types_target(const vmc_machine_types *set);
const char *vmc_machine_types_binary(const vmc_machine_types *set);
const char *vmc_machine_types_package(const vmc_machine_types *set);
const char *vmc_machine_types_source(const vmc_machine_types *set);

/* Concrete machine types in the order `-machine help` prints them. */
size_t vmc_machine_types_count(const vmc_machine_types *set);
const vmc_machine_type *vmc_machine_types_get(const vmc_machine_types *set, size_t i);

/*
 * Find a machine type by name or alias ("q35" -> pc-q35-7.2), like QEMU's
 * -machine.  VMC_ENOTFOUND when there is none (abstract table entries are
 * not machine types).
 */
int vmc_machine_type_find(const vmc_machine_type **out, const vmc_machine_types *set,
                          const char *name);
/* The machine type QEMU uses without -machine, NULL when the tables have none. */
const vmc_machine_type *vmc_machine_types_default(const vmc_machine_types *set);

/* ---- one machine type ---------------------------------------------------- */

typedef struct vmc_machine_info {
    const char *name;                /* "pc-q35-7.2" */
    const char *qom_type;            /* "pc-q35-7.2-machine" */
    const char *alias;               /* "q35", NULL when none */
    const char *family;              /* "pc_q35", NULL for standalone types */
    const char *desc;                /* QEMU's description */
    const char *deprecation_reason;  /* NULL unless deprecated */
    bool is_default;                 /* used without -machine */
    const char *modelled;            /* "full", "partial" or "listed" (docs) */
    const char *base;                /* table entry it derives from, NULL if none */
} vmc_machine_info;

const vmc_machine_info *vmc_machine_type_info(const vmc_machine_type *mt);
const vmc_machine_types *vmc_machine_type_set(const vmc_machine_type *mt);

/*
 * Machine-class fields (QEMU's MachineClass / X86MachineClass /
 * PCMachineClass field names, e.g. "max_cpus", "gigabyte_align",
 * "default_machine_opts"), after the base chain was applied, in table order.
 * value is JSON text: true, 255, "pc.ram", null, ["..."].
 */
typedef struct vmc_machine_class_field {
    const char *key;
    const char *value;
    const char *set_by;   /* table entry (machine or abstract class) that set it last */
} vmc_machine_class_field;

size_t vmc_machine_type_class_count(const vmc_machine_type *mt);
const vmc_machine_class_field *vmc_machine_type_class_get(const vmc_machine_type *mt, size_t i);
/* NULL when the tables do not give the field. */
const vmc_machine_class_field *vmc_machine_type_class_find(const vmc_machine_type *mt,
                                                           const char *key);

/*
 * A machine option default from the class field default_machine_opts
 * ("firmware=bios-256k.bin,suppress-vmdesc=on"): *value receives the text
 * after '=' (owned by the set).  VMC_ENOTFOUND when the option is not set.
 */
int vmc_machine_type_option(const vmc_machine_type *mt, const char *option, const char **value);

/* Where a global property entry comes from, in QEMU's application order. */
typedef enum vmc_prop_origin {
    VMC_ORIGIN_DEFAULT = 0,  /* the property default (no entry applied) */
    VMC_ORIGIN_ACCEL,        /* accelerator compat property */
    VMC_ORIGIN_MACHINE,      /* machine compat property */
    VMC_ORIGIN_BOARD,        /* registered by the board when a condition holds */
    VMC_ORIGIN_GLOBAL,       /* -global */
} vmc_prop_origin;

/* "default", "accel", "machine", "board", "global". */
const char *vmc_prop_origin_name(vmc_prop_origin o);

/* Whether a driver exists, per the tables. */
typedef enum vmc_driver_status {
    VMC_DRIVER_KNOWN = 0,    /* listed in the tables' types */
    VMC_DRIVER_ABSENT,       /* does not exist in that QEMU binary */
    VMC_DRIVER_UNKNOWN,      /* the tables do not say */
} vmc_driver_status;

typedef struct vmc_compat_prop {
    const char *driver;
    const char *property;
    const char *value;        /* as QEMU would parse it ("off", "0x11") */
    bool optional;            /* skipped where the object lacks the property */
    vmc_prop_origin kind;
    const char *origin;       /* "hw_compat_5_2", "accel xen", "pc_q35_init", "-global" */
    const char *condition;    /* board entries: "D.P=V && D.P=V", else NULL */
    bool active;              /* board entries: the condition holds; else true */
    bool overridden;          /* a later active entry sets the same driver and property */
    vmc_driver_status driver_status;
} vmc_compat_prop;

/* The machine compat properties alone, in application order. */
size_t vmc_machine_type_compat_count(const vmc_machine_type *mt);
const vmc_compat_prop *vmc_machine_type_compat_get(const vmc_machine_type *mt, size_t i);

/* ---- a machine with accelerator and -global options ---------------------- */

/*
 * accel: "tcg", "kvm", "xen", ... (NULL: "tcg"); an accelerator the tables
 * do not list is VMC_ENOTFOUND.
 */
int vmc_machine_setup_new(vmc_machine_setup **out, const vmc_machine_type *mt, const char *accel);
void vmc_machine_setup_free(vmc_machine_setup *s);
const vmc_machine_type *vmc_machine_setup_machine(const vmc_machine_setup *s);
const char *vmc_machine_setup_accel(const vmc_machine_setup *s);

/*
 * Add a -global option, "driver.property=value" or
 * "driver=D,property=P,value=V" (QEMU's two spellings).  Bad syntax is
 * VMC_EUSAGE.  Unknown drivers or properties are accepted (QEMU only warns
 * about the first, and fails for the second only when it creates a device
 * of that type): vmc_machine_setup_value() reports them.
 */
int vmc_machine_setup_add_global(vmc_machine_setup *s, const char *arg);

/* Every global property in application order: accelerator, machine, board
 * (also inactive ones, active=false), -global. */
size_t vmc_machine_setup_count(const vmc_machine_setup *s);
const vmc_compat_prop *vmc_machine_setup_get(const vmc_machine_setup *s, size_t i);

typedef enum vmc_prop_status {
    VMC_PROP_OK = 0,          /* value known */
    VMC_PROP_NO_DEFAULT,      /* property exists, no entry applies, default unknown (varies) */
    VMC_PROP_NO_PROPERTY,     /* the driver has no such property (per the tables) */
    VMC_PROP_UNKNOWN_DRIVER,  /* the driver is not in the tables */
    VMC_PROP_ABSENT_DRIVER,   /* the driver does not exist in that QEMU binary */
} vmc_prop_status;

/* "ok", "no-default", "no-property", "unknown-driver", "absent-driver". */
const char *vmc_prop_status_name(vmc_prop_status s);

typedef struct vmc_prop_value {
    vmc_prop_status status;
    const char *type;       /* QOM property type ("bool", "uint32", "OnOffAuto"), NULL if unknown */
    /*
     * Canonical value: bools "true"/"false", integers in decimal, other types
     * as written; NULL when unknown.  Entries on unknown or absent drivers
     * still give the value they set.
     */
    const char *value;
    const char *raw;        /* as written in the winning entry, or the table default as JSON */
    vmc_prop_origin origin;
    const char *origin_name;  /* "default", "hw_compat_5_2", "-global", ... */
    /*
     * What QEMU reports for the property after realize when value is the
     * property default and realize fills it in (vectors 4294967295 -> 4 on a
     * single-queue virtio-net-pci, hpet-intcap 0 -> the board's choice);
     * NULL when realize keeps value.
     */
    const char *realized;
    const char *varies;     /* NO_DEFAULT: the defaults of the subtypes, e.g. "false, true" */
} vmc_prop_value;

/*
 * Effective value of driver.property (driver: a QOM type name; QEMU applies a
 * global property to objects of that type and of its subtypes).  Returns 0
 * and fills *out for every status; negative only for bad arguments or
 * memory.  Strings in *out are owned by s.
 */
int vmc_machine_setup_value(vmc_machine_setup *s, const char *driver, const char *property,
                            vmc_prop_value *out);

/* Canonical form of a property value text for a QOM property type (NULL:
 * untyped) into buf; returns buf, or NULL when value does not parse. */
char *vmc_prop_canonical(const char *type, const char *value, char *buf, size_t len);

/* QOM parent of a type per the tables, NULL for roots and unknown types. */
const char *vmc_machine_types_parent(const vmc_machine_types *set, const char *type);
/* True when type is ancestor or type itself (QOM object_dynamic_cast on the
 * tables' parent chains; interfaces are not modelled). */
bool vmc_machine_types_is_a(const vmc_machine_types *set, const char *type, const char *ancestor);

/* Whether the binary has a -device of that name (its `-device help`): 1 yes,
 * 0 no, -1 unknown (tables without "device_types"). */
int vmc_machine_types_device_known(const vmc_machine_types *set, const char *name);

/* ---- CPU models (-cpu) ----------------------------------------------------- */

/* What the tables record of a CPU model: the CPUID identity and the feature
 * bits that shape a freshly reset vCPU's migrated state. */
typedef struct vmc_cpu_model {
    const char *name;
    const char *alias_of;      /* the versioned model the name stands for, or NULL */
    int64_t family, model, stepping;
    bool apic, mce, mca, monitor;
} vmc_cpu_model;

/* True when the tables list the binary's CPU models ("cpu_models"). */
bool vmc_machine_types_has_cpu_models(const vmc_machine_types *set);
/* A model by -cpu name (e.g. "Skylake-Client", "EPYC-v3"); NULL if unknown. */
const vmc_cpu_model *vmc_machine_types_cpu_model(const vmc_machine_types *set, const char *name);
/* The models in the tables' order. */
size_t vmc_machine_types_cpu_model_count(const vmc_machine_types *set);
const vmc_cpu_model *vmc_machine_types_cpu_model_at(const vmc_machine_types *set, size_t i);
/* Whether a CPU model has a property of that name (a feature flag in any of
 * its spellings, family, model, ...), as -cpu MODEL,NAME=VALUE needs. */
bool vmc_machine_types_cpu_property(const vmc_machine_types *set, const char *name);

/* ---- comparing two machines ---------------------------------------------- */

typedef struct vmc_machine_prop_diff {
    const char *driver;
    const char *property;
    bool available;          /* driver and property exist in the binary (both sides) */
    /*
     * The values differ as configured but QEMU reports the same value after
     * realize in the default configuration (one vCPU, one queue,
     * memory-backend-ram): e.g. virtio-mem unplugged-inaccessible off vs auto.
     */
    bool realized_equal;
    vmc_prop_value a;
    vmc_prop_value b;
} vmc_machine_prop_diff;

typedef struct vmc_machine_class_diff {
    const char *key;
    const char *a;           /* JSON text, "null" when one side lacks the field */
    const char *b;
} vmc_machine_class_diff;

/*
 * The (driver, property) pairs named by any global property of either setup
 * whose effective values differ (canonical value or status), sorted by
 * driver then property, and the machine-class fields that differ (alias and
 * is_default left out: they name a machine, they do not change it).
 */
int vmc_machine_compare(vmc_machine_diff **out, vmc_machine_setup *a, vmc_machine_setup *b);
size_t vmc_machine_diff_prop_count(const vmc_machine_diff *d);
const vmc_machine_prop_diff *vmc_machine_diff_prop_get(const vmc_machine_diff *d, size_t i);
size_t vmc_machine_diff_class_count(const vmc_machine_diff *d);
const vmc_machine_class_diff *vmc_machine_diff_class_get(const vmc_machine_diff *d, size_t i);
void vmc_machine_diff_free(vmc_machine_diff *d);

#ifdef __cplusplus
}
#endif
#endif
