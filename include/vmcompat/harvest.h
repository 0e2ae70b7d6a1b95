/*
 * Harvest machine-type tables and vmstate dumps from an installed QEMU
 * binary (any version from 5.2 on), so `vmcompat machines --tables` and
 * `vmcompat schema-diff` work on data from the user's own hosts.
 *
 * vmc_harvest() runs the binary many times, always with
 * `-accel tcg -nodefaults -no-user-config -display none`:
 *   - once on machine `none` for the version (query-version), the target,
 *     the machine types (query-machines, with compat-props where the binary
 *     has them: QEMU 9.1+), the QOM types and their property defaults
 *     (qom-list-types, qom-list-properties) and `-machine help` /
 *     `-device help`;
 *   - per machine type: `-dump-vmstate`; a paused run (-S) that reads every
 *     object the board creates (qom-list / qom-get under /machine) and the
 *     CPU models (query-cpu-model-expansion); paused runs with probe devices
 *     (-device) whose property values are read the same way, with HMP
 *     `info qtree` for values qom-get cannot read.
 * From the observed values it writes machine-type tables in the format of
 * schemas/machine-types.schema.json: the compat properties of each machine
 * type are exactly QEMU's list where query-machines gives it, otherwise
 * derived from the observations (docs/machine-types.md, "Harvested tables").
 *
 * Output directory (written to a temporary sibling and renamed into place
 * at the end, so it is complete or absent):
 *   machine-types.json     tables (vmc_machine_types_load_file reads them)
 *   dumps/<machine>.json   -dump-vmstate of each machine type
 *   properties/<machine>.json  every property value read, per object
 *   harvest.json           report: runs, timings, probe failures, pairs that
 *                          could not be observed, disagreements
 *
 * Harvesting all machine types, those QEMU refuses to start under TCG (xenfv
 * and xenpv need Xen) are skipped and listed in harvest.json; asked for by
 * name, they fail the harvest.
 *
 * Every QEMU run has a hard timeout; a QEMU that hangs is killed (its whole
 * process group).  Errors follow include/vmcompat/error.h: VMC_EUSAGE for
 * bad options (including an unknown machine type), another negative code
 * when the harvest failed, with the detail in vmc_error_last().
 */
#ifndef VMCOMPAT_HARVEST_H
#define VMCOMPAT_HARVEST_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Default timeout of one QEMU run or QMP step, in ms. */
#define VMC_HARVEST_DEFAULT_TIMEOUT_MS 60000
/* At most this many machine types are harvested at the same time. */
#define VMC_HARVEST_MAX_JOBS 64

/* One progress line (no newline), e.g. "[3/59] pc-q35-6.0: probe run 2/3". */
typedef void (*vmc_harvest_progress_fn)(void *opaque, const char *line);

typedef struct vmc_harvest_opts {
    /*
     * How to run QEMU: a binary ("qemu-system-x86_64", a path) or a command
     * line split like a shell does ("chroot /srv/bullseye
     * qemu-system-x86_64").  NULL: "qemu-system-x86_64".
     */
    const char *qemu;
    /*
     * The directory the command sees as "/" (the chroot directory), so
     * files QEMU writes can be found; NULL: the same file system.
     */
    const char *root;
    /* Machine types (names or aliases) to harvest; none: all of them. */
    const char *const *machines;
    size_t n_machines;
    /*
     * Machine-type tables whose global properties name the (driver,
     * property) pairs the harvest derives compat properties for, and whose
     * types name the devices to probe; NULL: the built-in tables.
     */
    const char *reference;
    const char *out_dir;
    bool force;           /* replace out_dir when it exists */
    bool keep_going;      /* leave failed machine types out instead of failing */
    bool no_dumps;        /* skip -dump-vmstate */
    unsigned jobs;        /* machine types harvested in parallel; 0: 1 */
    unsigned timeout_ms;  /* 0: VMC_HARVEST_DEFAULT_TIMEOUT_MS */
    vmc_harvest_progress_fn progress;
    void *progress_opaque;
} vmc_harvest_opts;

typedef struct vmc_harvest_summary {
    char qemu_version[64];     /* "7.2.22" */
    size_t machines;           /* machine types written */
    size_t machines_failed;    /* left out (keep_going) or 0 */
    size_t machines_skipped;   /* QEMU refused to start them under TCG (xenfv, xenpv) and
                                  they were not asked for with machines[]: left out */
    size_t qemu_runs;          /* QEMU processes started */
    size_t objects;            /* objects whose properties were read */
    size_t values;             /* property values read */
    size_t compat_props;       /* compat properties written, all machine types */
    size_t probe_failures;     /* probe devices QEMU refused (see harvest.json) */
    size_t unobserved_pairs;   /* (driver, property) pairs no machine type showed */
    size_t mismatches;         /* observed values the tables do not reproduce */
    double seconds;
} vmc_harvest_summary;

/*
 * Run the harvest.  summary may be NULL.  Returns 0 when every requested
 * machine type was harvested (with keep_going: when at least one was and
 * the output was written; summary->machines_failed tells how many were
 * left out, and the return value is then VMC_EIO if any was).
 */
int vmc_harvest(const vmc_harvest_opts *opts, vmc_harvest_summary *summary);

#ifdef __cplusplus
}
#endif
#endif
