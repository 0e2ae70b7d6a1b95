/*
 * Static compatibility: compare two `-dump-vmstate` files.
 *
 * `qemu-system-* -M MACHINE -dump-vmstate FILE` writes, for every device
 * class with a vmsd, its version numbers, fields (name, version_id,
 * field_exists, element size, since QEMU 9.x also the array length "num"),
 * nested vmsds ("Description") and subsections.  vmc_dump_load() reads such a
 * file (any QEMU version, gzip allowed) and vmc_schema_diff() predicts from
 * two of them what a migration OLD -> NEW (OLD = source, NEW = destination)
 * would meet: every finding, never stopping at the first mismatch.
 *
 * The finding kinds and their severities are listed in schema_diff.c and in
 * schemas/schema-diff.schema.json.
 */
#ifndef VMCOMPAT_SCHEMA_H
#define VMCOMPAT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_dump vmc_dump;
typedef struct vmc_waivers vmc_waivers;
typedef struct vmc_findings vmc_findings;

/* Bounds of what vmc_dump_load / vmc_waivers_load accept. */
#define VMC_DUMP_MAX_BYTES (256u << 20)   /* uncompressed JSON text */
#define VMC_DUMP_MAX_NESTING 32           /* nested Description levels */

/*
 * Load a -dump-vmstate JSON file (plain or gzip; "-" = standard input).
 * Malformed input is VMC_EFORMAT with the JSON path in the error's field,
 * e.g. `$["e1000"].Description.Fields[3].size`.
 */
int vmc_dump_load(vmc_dump **out, const char *path);
/* The same from memory; name is used in messages. */
int vmc_dump_parse(vmc_dump **out, const char *json, size_t len, const char *name);
void vmc_dump_free(vmc_dump *d);

/* The "vmschkmachine" machine type name, NULL when the dump has none. */
const char *vmc_dump_machine(const vmc_dump *d);
/* Number of sections (device classes), "vmschkmachine" not counted. */
size_t vmc_dump_section_count(const vmc_dump *d);
/* Section name (QOM type) in file order, NULL when out of range. */
const char *vmc_dump_section_name(const vmc_dump *d, size_t i);
/* True when the dump records array lengths ("num", QEMU 9.x and later). */
bool vmc_dump_has_array_lengths(const vmc_dump *d);

/*
 * Waivers: a JSON file {"waivers": [ {...}, ... ]}.  Each entry has "kind"
 * and optionally "section", "description", "field" (shell patterns, absent =
 * any), "reason", and for the rename kinds "old" and "new":
 *   {"kind": "field-renamed", "description": "esp",
 *    "old": "data_in_ready", "new": "data_ready", "reason": "..."}
 *   {"kind": "section-renamed", "old": "ICH9 SMB", "new": "ICH9-SMB"}
 *   {"kind": "description-renamed", "section": "tpci200",
 *    "old": "tpci200", "new": "tpci2002"}
 * A rename waiver makes the two names match (in either direction) when the
 * field lists are aligned; any other waiver turns matching findings into
 * severity "info" with the waiver's reason.
 */
int vmc_waivers_load(vmc_waivers **out, const char *path);
int vmc_waivers_parse(vmc_waivers **out, const char *json, size_t len, const char *name);
void vmc_waivers_free(vmc_waivers *w);
size_t vmc_waivers_count(const vmc_waivers *w);

typedef enum vmc_severity {
    VMC_SEV_INFO = 0,      /* no effect on the migration, or accepted */
    VMC_SEV_WARNING = 1,   /* depends on state or data the dumps do not show */
    VMC_SEV_ERROR = 2,     /* the destination rejects or misreads the stream */
} vmc_severity;

/* "info", "warning", "error". */
const char *vmc_severity_name(vmc_severity s);

typedef struct vmc_schema_diff_opts {
    bool reverse;                 /* compare NEW -> OLD instead */
    const vmc_waivers *waivers;   /* may be NULL */
} vmc_schema_diff_opts;

typedef struct vmc_finding {
    vmc_severity severity;
    const char *kind;         /* e.g. "field-size"; see schema_diff.c */
    const char *section;      /* section (QOM type) name in the source dump, NULL if global */
    const char *description;  /* vmsd name, NULL if not applicable */
    const char *field;        /* field name, NULL if not applicable */
    const char *message;      /* one readable sentence */
    const char *waiver;       /* reason of the waiver that applied, else NULL */
} vmc_finding;

/*
 * Compare two dumps for a migration old -> new (new -> old with
 * opts->reverse).  opts may be NULL.
 */
int vmc_schema_diff(vmc_findings **out, const vmc_dump *old_dump, const vmc_dump *new_dump,
                    const vmc_schema_diff_opts *opts);

/* Findings ordered by section name (global ones first), then as found. */
size_t vmc_findings_count(const vmc_findings *f);
const vmc_finding *vmc_findings_get(const vmc_findings *f, size_t i);
size_t vmc_findings_count_severity(const vmc_findings *f, vmc_severity s);
/* How often waiver i of opts->waivers applied (renames matched, findings waived). */
size_t vmc_findings_waiver_uses(const vmc_findings *f, size_t i);
void vmc_findings_free(vmc_findings *f);

#ifdef __cplusplus
}
#endif
#endif
