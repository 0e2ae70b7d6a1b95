/*
 * Names of PCI configuration-space registers and bits: the type 0 and
 * type 1 headers and the capabilities found by walking a function's
 * capability lists (tables in pci_regs.c, written from the PCI Local Bus,
 * PCI PM and PCI Express Base specifications; bit names follow the
 * PCI_* / PCI_EXP_* vocabulary of Linux's pci_regs.h without the prefix).
 */
#ifndef VMC_PCI_REGS_H
#define VMC_PCI_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vmc_pci_field {
    uint8_t lo, width;          /* bit position inside the register, width in bits */
    const char *name;           /* "PDS" (joined to the register's abbreviation) */
    const char *desc;           /* "Presence Detect State" */
} vmc_pci_field;

typedef struct vmc_pci_reg {
    uint16_t off;               /* inside the header or the capability */
    uint8_t size;               /* bytes */
    const char *abbr;           /* "SLTSTA" */
    const char *name;           /* "Slot Status" */
    const vmc_pci_field *fields; /* terminated by name == NULL; may be NULL */
} vmc_pci_reg;

/* Where a config byte is. */
typedef struct vmc_pci_where {
    const char *capability;     /* "PCI Express", NULL in the header or outside any capability */
    const char *prefix;         /* short capability name used in labels ("PCIe") */
    int cap_offset;             /* -1 when not in a capability */
    bool extended;              /* PCI Express extended capability */
    const vmc_pci_reg *reg;     /* NULL: byte not in a named register */
    unsigned reg_offset;        /* absolute offset of the register (the byte itself if unnamed) */
    unsigned reg_size;
    const char *reg_name;       /* reg->name, or a built name ("device-specific") */
    char buf[48];
} vmc_pci_where;

/*
 * Locate byte off of a config space of size bytes (256 or 4096), walking
 * the capability lists of cfg.  Never reads outside cfg; bad or looping
 * lists end the walk.
 */
void vmc_pci_regs_locate(const uint8_t *cfg, size_t size, unsigned off, vmc_pci_where *w);

/*
 * Name bit (0..7) of byte off: name "SLTSTA_PDS", or "LNKSTA_CLS[1]" for a
 * bit of a multi-bit field, or "<ABBR> bit N" / "config[0xNN] bit N".
 * value is the register's byte at off (on the side the layout came from):
 * it picks the I/O or memory layout of a BAR.
 */
void vmc_pci_regs_bit(const vmc_pci_where *w, unsigned off, unsigned bit, uint8_t value,
                      char *name, size_t name_len, const char **desc);

/* "PCIe Slot Status @0x6e (cap 0x54 + 0x1a)", "Command @0x04", "byte 1 of Status @0x06". */
void vmc_pci_regs_location(const vmc_pci_where *w, unsigned off, char *buf, size_t len);

#endif
