/*
 * The ACPI fw_cfg blobs of the PC machines (etc/acpi/tables,
 * etc/table-loader, etc/acpi/rsdp) as QEMU 7.2 builds them at machine-done
 * time, from our machine model.
 *
 * The second half of this header is internal to the acpi_*.c files: an AML
 * byte-code writer, the BIOS linker/loader and the table pieces.
 */
#ifndef VMC_ACPI_BUILD_H
#define VMC_ACPI_BUILD_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine-types/model_internal.h"

typedef struct vmc_acpi_blobs {
    uint8_t *tables;  size_t tables_len;   /* the table data as QEMU puts in the blob */
    uint8_t *loader;  size_t loader_len;   /* linker/loader commands, 4 KiB aligned */
    uint8_t *rsdp;    size_t rsdp_len;     /* the RSDP (20 bytes, 36 on old types) */
    /*
     * Whether each blob is a RAM block ("/rom@etc/...") in this machine:
     * the RSDP is a plain fw_cfg file on pc-i440fx-2.2 and older
     * (rsdp_in_ram = false).  A RAM block's used_length is the blob length
     * rounded up to the host page size (4 KiB).
     */
    bool rsdp_is_ram_block;
} vmc_acpi_blobs;

/*
 * Build the three blobs.  Returns 0, or VMC_EUNSUPPORTED (vmc_error_set)
 * naming what is not modelled (a device, a machine option) - never wrong
 * bytes.  A machine type without ACPI build (pc-i440fx-1.6 and older,
 * -machine acpi=off) gives VMC_EUNSUPPORTED too: it has no such blobs.
 */
int vmc_acpi_build(vmc_model *m, vmc_acpi_blobs *out);
void vmc_acpi_blobs_free(vmc_acpi_blobs *b);

/* used_length of a blob's RAM block (the blob length rounded up to 4 KiB). */
uint64_t vmc_acpi_ram_block_size(size_t blob_len);

/* ======================= internal to src/machine-types/acpi_*.c ======================= */

/* ---- AML writer (acpi_aml.c) ---- */

/*
 * An AML term under construction.  Terms live in an arena opened with
 * vmc_aml_arena_begin() and freed together by vmc_aml_arena_end(); a term
 * may be appended to several parents (its bytes are copied).
 */
typedef struct vmc_aml vmc_aml;

void vmc_aml_arena_begin(void);
void vmc_aml_arena_end(void);

/* The root of a table body (no opcode of its own). */
vmc_aml *vmc_aml_root(void);
const uint8_t *vmc_aml_bytes(const vmc_aml *a, size_t *len);
void vmc_aml_append(vmc_aml *parent, vmc_aml *child);

/* Data and names. */
vmc_aml *vmc_aml_int(uint64_t v);
vmc_aml *vmc_aml_name(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
vmc_aml *vmc_aml_name_decl(const char *name, vmc_aml *val);
vmc_aml *vmc_aml_string(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
vmc_aml *vmc_aml_eisaid(const char *id);
vmc_aml *vmc_aml_touuid(const char *uuid);
vmc_aml *vmc_aml_buffer(size_t len, const uint8_t *bytes);
vmc_aml *vmc_aml_package(uint8_t n);
vmc_aml *vmc_aml_varpackage(uint32_t n);
vmc_aml *vmc_aml_arg(int n);
vmc_aml *vmc_aml_local(int n);
vmc_aml *vmc_aml_debug(void);

/* Blocks. */
vmc_aml *vmc_aml_scope(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
vmc_aml *vmc_aml_device(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
vmc_aml *vmc_aml_method(const char *name, int nargs, bool serialized);
vmc_aml *vmc_aml_processor(uint8_t id, uint32_t pblk, uint8_t pblk_len, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
vmc_aml *vmc_aml_if(vmc_aml *pred);
vmc_aml *vmc_aml_else(void);
vmc_aml *vmc_aml_while(vmc_aml *pred);

/* Operators; a NULL target encodes NullName. */
vmc_aml *vmc_aml_store(vmc_aml *val, vmc_aml *target);
vmc_aml *vmc_aml_and(vmc_aml *a, vmc_aml *b, vmc_aml *target);
vmc_aml *vmc_aml_or(vmc_aml *a, vmc_aml *b, vmc_aml *target);
vmc_aml *vmc_aml_add(vmc_aml *a, vmc_aml *b, vmc_aml *target);
vmc_aml *vmc_aml_subtract(vmc_aml *a, vmc_aml *b, vmc_aml *target);
vmc_aml *vmc_aml_shiftleft(vmc_aml *a, vmc_aml *count);
vmc_aml *vmc_aml_shiftright(vmc_aml *a, vmc_aml *count, vmc_aml *target);
vmc_aml *vmc_aml_index(vmc_aml *obj, vmc_aml *idx);
vmc_aml *vmc_aml_to_hexstring(vmc_aml *src, vmc_aml *target);
vmc_aml *vmc_aml_to_buffer(vmc_aml *src, vmc_aml *target);
vmc_aml *vmc_aml_land(vmc_aml *a, vmc_aml *b);
vmc_aml *vmc_aml_lor(vmc_aml *a, vmc_aml *b);
vmc_aml *vmc_aml_lnot(vmc_aml *a);
vmc_aml *vmc_aml_equal(vmc_aml *a, vmc_aml *b);
vmc_aml *vmc_aml_lless(vmc_aml *a, vmc_aml *b);
vmc_aml *vmc_aml_lgreater(vmc_aml *a, vmc_aml *b);
vmc_aml *vmc_aml_increment(vmc_aml *a);
vmc_aml *vmc_aml_derefof(vmc_aml *a);
vmc_aml *vmc_aml_sizeof(vmc_aml *a);
vmc_aml *vmc_aml_notify(vmc_aml *obj, vmc_aml *value);
vmc_aml *vmc_aml_return(vmc_aml *val);
vmc_aml *vmc_aml_break(void);
vmc_aml *vmc_aml_sleep(uint64_t ms);
/* Method call: name then nargs argument terms. */
vmc_aml *vmc_aml_call(const char *method, int nargs, ...);

/* Objects. */
enum { VMC_AML_SYSTEM_MEMORY = 0, VMC_AML_SYSTEM_IO = 1, VMC_AML_PCI_CONFIG = 2 };
enum { VMC_AML_BYTE_ACC = 1, VMC_AML_DWORD_ACC = 3 };
enum { VMC_AML_PRESERVE = 0, VMC_AML_WRITE_AS_ZEROS = 2 };
vmc_aml *vmc_aml_operation_region(const char *name, int space, vmc_aml *offset, uint32_t len);
vmc_aml *vmc_aml_field(const char *region, int access, bool lock, int update);
vmc_aml *vmc_aml_named_field(const char *name, unsigned bits);
vmc_aml *vmc_aml_reserved_field(unsigned bits);
vmc_aml *vmc_aml_create_dword_field(vmc_aml *buf, vmc_aml *idx, const char *name);
vmc_aml *vmc_aml_mutex(const char *name, uint8_t sync_level);
vmc_aml *vmc_aml_acquire(vmc_aml *mutex, uint16_t timeout);
vmc_aml *vmc_aml_release(vmc_aml *mutex);

/* Resource descriptors (append them to a resource template). */
vmc_aml *vmc_aml_resource_template(void);
vmc_aml *vmc_aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len);
vmc_aml *vmc_aml_irq_no_flags(uint8_t irq);
/* Extended interrupt, consumer, level, active high, shared. */
vmc_aml *vmc_aml_interrupt_shared_level(const uint32_t *irqs, uint8_t n);
vmc_aml *vmc_aml_memory32_fixed(uint32_t addr, uint32_t size, bool rw);
vmc_aml *vmc_aml_word_bus_number(uint16_t min, uint16_t max, uint16_t len);
vmc_aml *vmc_aml_word_io(uint16_t min, uint16_t max, uint16_t len);
vmc_aml *vmc_aml_dword_io(uint32_t min, uint32_t max, uint32_t len);
vmc_aml *vmc_aml_dword_memory(bool cacheable, uint32_t min, uint32_t max, uint32_t len);
vmc_aml *vmc_aml_qword_memory(bool cacheable, uint64_t min, uint64_t max, uint64_t len);
vmc_aml *vmc_aml_dma_compat_8bit(uint8_t channel);

/* ---- BIOS linker/loader (acpi_loader.c) ---- */

#define VMC_ACPI_TABLE_FILE "etc/acpi/tables"
#define VMC_ACPI_RSDP_FILE "etc/acpi/rsdp"

typedef struct vmc_acpi_linker vmc_acpi_linker;
vmc_acpi_linker *vmc_acpi_linker_new(void);
void vmc_acpi_linker_free(vmc_acpi_linker *l);
/* The command blob (owned by the linker). */
GByteArray *vmc_acpi_linker_commands(vmc_acpi_linker *l);
void vmc_acpi_linker_alloc(vmc_acpi_linker *l, const char *file, GByteArray *blob,
                           uint32_t align, bool fseg);
void vmc_acpi_linker_checksum(vmc_acpi_linker *l, const char *file, uint32_t start,
                              uint32_t size, uint32_t cksum_offset);
/* Also writes src_offset into the destination blob, as QEMU does. */
void vmc_acpi_linker_pointer(vmc_acpi_linker *l, const char *dst_file, uint32_t dst_offset,
                             uint8_t size, const char *src_file, uint32_t src_offset);

/* ---- tables (acpi_tables.c) ---- */

void vmc_acpi_append_le(GByteArray *b, uint64_t v, int size);
/* Table header with zero length/checksum; returns the table's offset. */
size_t vmc_acpi_table_begin(GByteArray *b, const char *sig, uint8_t rev);
/* Patch the length and add the checksum command. */
void vmc_acpi_table_end(GByteArray *b, vmc_acpi_linker *l, size_t offset);

/* ---- what the DSDT builders need from the model (acpi_tables.c) ---- */

typedef struct vmc_acpi_info {
    vmc_model *m;
    bool q35;
    vmc_mdev *pm;                 /* PIIX4_PM or ICH9-LPC */
    vmc_mbus *root;               /* pci.0 / pcie.0 */
    unsigned pci_root_uid;
    bool legacy_cpu_hotplug;
    bool rsdp_in_ram;
    uint64_t legacy_acpi_table_size;
    bool hpet;
    bool smm;
    bool fw_cfg_dma;              /* fw_cfg_io.dma_enabled */
    /* PM device */
    bool pcihp_bridge_en, pcihp_root_en;
    uint16_t pcihp_io_base, pcihp_io_len;
    uint16_t cpu_hp_io_base;
    uint32_t gpe0_addr, gpe0_len;
    bool s3_disabled, s4_disabled;
    uint8_t s4_val;
    /* memory map */
    uint64_t below_4g, above_4g;
    uint64_t hole_start, hole_end;        /* 32-bit PCI hole [start, end) */
    uint64_t hole64_start, hole64_end;    /* 64-bit PCI hole [start, end) or 0, 0 */
    /* CPUs */
    unsigned cpus, max_cpus;
    uint32_t *apic_ids;                   /* max_cpus entries */
    uint32_t apic_id_limit;
} vmc_acpi_info;

/* driver.prop: last -global, else the model's value (NULL if unknown). */
const char *vmc_acpi_global(vmc_model *m, const char *driver, const char *prop);
/* A device's property: its -device option, else vmc_acpi_global of its type. */
const char *vmc_acpi_dev_prop(vmc_mdev *d, const char *prop);

/* The DSDT (acpi_dsdt.c), appended at the end of tables. */
int vmc_acpi_build_dsdt(const vmc_acpi_info *info, GByteArray *tables, vmc_acpi_linker *l);
/* CPU hotplug AML (acpi_dsdt_cpu.c). */
void vmc_acpi_cpu_aml(const vmc_acpi_info *info, vmc_aml *dsdt);
void vmc_acpi_legacy_cpu_aml(const vmc_acpi_info *info, vmc_aml *dsdt);
/* One MADT local APIC entry (acpi_tables.c). */
void vmc_acpi_madt_cpu(GByteArray *b, unsigned uid, uint32_t apic_id, bool enabled);
/* AML of the devices on the ISA bus under the LPC/PIIX3 device (acpi_dsdt_isa.c). */
int vmc_acpi_isa_aml(const vmc_acpi_info *info, vmc_aml *scope);
/*
 * Append the AML a PCI function adds to its own S<devfn> device (ISA
 * bridges, ICH9 SMBus, VGA; acpi_dsdt_isa.c).  *has_aml tells whether QEMU's
 * type has such AML at all (a non-zero function is described only then).
 * Returns 0 or VMC_EUNSUPPORTED.
 */
int vmc_acpi_pci_dev_aml(const vmc_acpi_info *info, vmc_mdev *d, vmc_aml *dev, bool *has_aml);

#endif
