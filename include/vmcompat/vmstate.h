/*
 * vmstate: descriptors, value trees and the vmdesc trailer.
 *
 * Three things live here:
 *
 *  - vmc_value: a decoded, typed tree of one section's state (fields,
 *    array elements, nested structs, subsections), each node carrying its
 *    VMStateInfo type name, absolute stream offset and wire size.  Values are
 *    owned by whoever decoded them (a reader, or a vmc_value_arena).
 *
 *  - vmc_vmsd / vmc_field: built-in descriptors that mean on the wire what
 *    QEMU's VMStateDescription / VMStateField mean.  They are plain data so
 *    device models can declare them as static tables; behaviour (field_exists,
 *    needed, custom encodings) is referenced by hook *name* and resolved by
 *    the engine, so tables for another QEMU release are new data, not code.
 *
 *  - vmc_vmdesc: the JSON description QEMU appends to a stream, parsed.
 */
#ifndef VMCOMPAT_VMSTATE_H
#define VMCOMPAT_VMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcompat/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- values ------------------------------------------------------------ */

typedef struct vmc_value vmc_value;

typedef enum vmc_value_kind {
    VMC_VALUE_BOOL = 1,
    VMC_VALUE_INT,       /* signed integer (int8..int64, timers, 'equal', 'le') */
    VMC_VALUE_UINT,      /* unsigned integer */
    VMC_VALUE_DOUBLE,    /* CPU_Double_U */
    VMC_VALUE_BYTES,     /* buffers, config space, anything opaque */
    VMC_VALUE_STRUCT,    /* named fields (+ subsections) */
    VMC_VALUE_ARRAY,     /* elements */
} vmc_value_kind;

vmc_value_kind vmc_value_kind_of(const vmc_value *v);
/* Field name ("env.regs", "config[1]") or subsection name ("cpu/xsave"). */
const char *vmc_value_name(const vmc_value *v);
/* VMStateInfo name as in the vmdesc: "uint32", "struct", "pci config", "virtio" ... */
const char *vmc_value_type(const vmc_value *v);
int64_t vmc_value_offset(const vmc_value *v);
uint64_t vmc_value_size(const vmc_value *v);
/* Wire bytes of the node (NULL when not available). */
const uint8_t *vmc_value_raw(const vmc_value *v, size_t *len);

bool vmc_value_bool(const vmc_value *v);
int64_t vmc_value_int(const vmc_value *v);      /* INT, UINT (cast), BOOL */
uint64_t vmc_value_uint(const vmc_value *v);    /* UINT, INT (cast), BOOL */
double vmc_value_double(const vmc_value *v);
unsigned vmc_value_width(const vmc_value *v);   /* integer width in bytes */
const uint8_t *vmc_value_bytes(const vmc_value *v, size_t *len);

/* STRUCT: fields in wire order; ARRAY: elements. */
size_t vmc_value_count(const vmc_value *v);
const vmc_value *vmc_value_at(const vmc_value *v, size_t i);
/* STRUCT: subsections in wire order (each a STRUCT named by its vmsd). */
size_t vmc_value_subsection_count(const vmc_value *v);
const vmc_value *vmc_value_subsection(const vmc_value *v, size_t i);
/* STRUCT only: vmsd name and version the struct was decoded at (-1 if none). */
const char *vmc_value_vmsd_name(const vmc_value *v);
int vmc_value_version(const vmc_value *v);
/* Array fields that the vmdesc compresses ("array_len"): element count, else 0. */

/*
 * Look up a node by path: field names separated by '.', array elements as
 * "[i]", subsections by their full name, e.g. "parent_obj.config[1]",
 * "env.regs[3]", "cpu/xsave.env.xcr0".  Field names may contain '.' (QEMU
 * uses "env.regs"); the lookup tries the longest matching name first.
 */
const vmc_value *vmc_value_get(const vmc_value *v, const char *path);

/* ---- value output ---------------------------------------------------------- */

typedef struct vmc_json vmc_json;

/*
 * Write a value as typed JSON (the "state" of `inspect --format json`; the
 * shape is in schemas/inspect.schema.json): every node has name, type,
 * offset and size; scalars a "value"; structs "fields" and "subsections";
 * arrays "array_len" and "value" (scalars) or "elements".  PCI config
 * space additionally gets a decoded "pci" summary.
 */
void vmc_value_write_json(const vmc_value *v, vmc_json *j);

/*
 * Write a section's value exactly as QEMU 7.2's scripts/analyze-migration.py
 * prints it with -d state: structs as objects keyed by field and subsection
 * names, integers as "0x%0Nx" strings (negative signed ones as "0x.. (-n)"),
 * bools as JSON booleans, everything else as space-separated hex bytes.
 */
void vmc_value_write_analyze(const vmc_value *v, vmc_json *j);

/*
 * Encode a value tree into the bytes of the wire (a section payload when v
 * is a section's value).  A decoded tree encodes to the bytes it came from.
 */
int vmc_value_encode(const vmc_value *v, vmc_sink *s);

/*
 * Write the vmdesc "devices" entry QEMU 7.2 writes for a section holding v
 * (use a VMC_JSON_QEMU writer to get QEMU's exact bytes).
 */
void vmc_value_write_vmdesc(const vmc_value *v, const char *idstr, uint32_t instance_id,
                            vmc_json *j);

/* ---- built-in descriptors (mirrors VMStateDescription) ------------------- */

/* VMStateFlags, same values as QEMU's VMS_* */
enum {
    VMC_F_SINGLE = 0x001,
    VMC_F_POINTER = 0x002,
    VMC_F_ARRAY = 0x004,
    VMC_F_STRUCT = 0x008,
    VMC_F_VARRAY_INT32 = 0x010,
    VMC_F_BUFFER = 0x020,
    VMC_F_ARRAY_OF_POINTER = 0x040,
    VMC_F_VARRAY_UINT16 = 0x080,
    VMC_F_VBUFFER = 0x100,
    VMC_F_MULTIPLY = 0x200,
    VMC_F_VARRAY_UINT8 = 0x400,
    VMC_F_VARRAY_UINT32 = 0x800,
    VMC_F_MUST_EXIST = 0x1000,
    VMC_F_ALLOC = 0x2000,
    VMC_F_MULTIPLY_ELEMENTS = 0x4000,
    VMC_F_VSTRUCT = 0x8000,
};

/* Migration priorities (MigrationPriority). */
enum {
    VMC_PRI_DEFAULT = 0,
    VMC_PRI_IOMMU = 1,
    VMC_PRI_PCI_BUS = 2,
    VMC_PRI_VIRTIO_MEM = 3,
    VMC_PRI_GICV3_ITS = 4,
    VMC_PRI_GICV3 = 5,
};

typedef struct vmc_vmsd vmc_vmsd;

typedef struct vmc_field {
    const char *name;
    const char *info;          /* VMStateInfo name; NULL for STRUCT/VSTRUCT */
    uint32_t flags;            /* VMC_F_* */
    uint32_t size;             /* element size in bytes (per QEMU's field->size) */
    uint32_t num;              /* ARRAY count; factor for MULTIPLY(_ELEMENTS) */
    const char *num_field;     /* VARRAY_*: an earlier field holding the count */
    const char *size_field;    /* VBUFFER: an earlier field holding the size */
    int version_id;            /* present when stream version >= this */
    int struct_version_id;     /* VSTRUCT */
    const vmc_vmsd *vmsd;      /* STRUCT / VSTRUCT / "tmp" */
    const char *exists;        /* named field_exists hook, NULL = by version */
    const char *hint;          /* 'equal' types: QEMU's err_hint */
} vmc_field;

struct vmc_vmsd {
    const char *name;
    int version_id;
    int minimum_version_id;
    int priority;                       /* VMC_PRI_* */
    const vmc_field *fields;            /* terminated by an entry with name == NULL */
    const vmc_vmsd *const *subsections; /* NULL-terminated, may be NULL */
    const char *needed;                 /* named needed() hook; NULL = always */
    bool unmigratable;
    bool old_style;                     /* a save_state handler: no vmsd on the wire */
};

/* ---- vmdesc (the stream's JSON trailer) ---------------------------------- */

typedef struct vmc_vmdesc vmc_vmdesc;

/* Parse vmdesc JSON (exact QEMU shape).  *out owned by the caller. */
int vmc_vmdesc_parse(vmc_vmdesc **out, const char *json, size_t len);
void vmc_vmdesc_free(vmc_vmdesc *d);
uint32_t vmc_vmdesc_page_size(const vmc_vmdesc *d);
size_t vmc_vmdesc_device_count(const vmc_vmdesc *d);
/* Name (idstr), instance, vmsd name ("" for old-style entries) and version of entry i. */
const char *vmc_vmdesc_device_name(const vmc_vmdesc *d, size_t i);
uint32_t vmc_vmdesc_device_instance(const vmc_vmdesc *d, size_t i);
const char *vmc_vmdesc_device_vmsd(const vmc_vmdesc *d, size_t i);
int vmc_vmdesc_device_version(const vmc_vmdesc *d, size_t i);

#ifdef __cplusplus
}
#endif
#endif
