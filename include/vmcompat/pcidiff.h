/*
 * PCI configuration-space diff: for each PCI function, the config bytes
 * that differ between a migration stream and a destination's fresh device
 * (or between two streams), named by register and bit (type 0/1 header,
 * capability lists walked from the config bytes), with the destination's
 * cmask / wmask / w1cmask and the verdict of QEMU 7.2's load check
 * (get_pci_config_device: a bit is refused when it differs and is in cmask
 * but neither in wmask nor in w1cmask).
 *
 * Side "a" is the stream (or the first stream), side "b" the destination
 * (or the second stream).  Devices are matched by section idstr and
 * instance id.
 */
#ifndef VMCOMPAT_PCIDIFF_H
#define VMCOMPAT_PCIDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcompat/model.h"
#include "vmcompat/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_pci_diff vmc_pci_diff;

/* What QEMU 7.2's load check does with one differing bit. */
typedef enum vmc_pci_bit_verdict {
    VMC_PCI_BIT_REFUSED = 0,        /* in cmask, not writable, not w1c: load fails */
    VMC_PCI_BIT_IGNORED_WRITABLE,   /* in wmask: the guest may have changed it */
    VMC_PCI_BIT_IGNORED_W1C,        /* in w1cmask */
    VMC_PCI_BIT_NOT_COMPARED,       /* not in cmask */
    VMC_PCI_BIT_UNKNOWN,            /* masks unknown (two streams, no QEMU arguments) */
} vmc_pci_bit_verdict;

/* "refused", "ignored-writable", "ignored-w1c", "not-compared", "unknown" */
const char *vmc_pci_bit_verdict_name(vmc_pci_bit_verdict v);

/* Verdict of a device, or of the whole diff. */
typedef enum vmc_pci_diff_verdict {
    VMC_PCI_DIFF_SAME = 0,          /* no byte differs */
    VMC_PCI_DIFF_ACCEPTED,          /* bytes differ, no checked bit: QEMU loads it */
    VMC_PCI_DIFF_REFUSED,           /* a checked bit differs (or the sizes differ) */
    VMC_PCI_DIFF_DIFFER,            /* bytes differ, masks unknown */
    VMC_PCI_DIFF_ONLY_A,            /* the device is only on side a */
    VMC_PCI_DIFF_ONLY_B,            /* the device is only on side b */
} vmc_pci_diff_verdict;

/* "same", "accepted", "refused", "differ", "only-a", "only-b" */
const char *vmc_pci_diff_verdict_name(vmc_pci_diff_verdict v);

typedef struct vmc_pci_diff_bit {
    unsigned bit;                   /* 0..7 inside the byte */
    const char *name;               /* e.g. "SLTSTA_PDS", "COMMAND bit 11" */
    const char *description;        /* e.g. "Presence Detect State" */
    unsigned a, b;                  /* the bit's value on each side */
    vmc_pci_bit_verdict verdict;
    /* refused only because of runtime state QEMU 8.1+ no longer compares
     * (PCIe Slot Status Presence Detect State) */
    bool false_incompatibility;
} vmc_pci_diff_bit;

typedef struct vmc_pci_diff_byte {
    unsigned offset;                /* config-space offset */
    const char *reg;                /* register name, e.g. "Slot Status" */
    const char *capability;         /* e.g. "PCI Express", NULL in the header */
    int cap_offset;                 /* offset of the capability, -1 in the header */
    unsigned reg_offset;            /* offset of the register's first byte */
    unsigned reg_size;              /* bytes of the register (1, 2, 4 ...) */
    /* e.g. "PCIe Slot Status @0x6e (cap 0x54 + 0x1a)"; "byte 1 of" prefix for
     * a byte that is not the register's first */
    const char *location;
    uint8_t a, b;
    bool masks_known;
    uint8_t cmask, wmask, w1cmask;  /* the destination's (0 when unknown) */
    uint8_t checked_bits;           /* (a ^ b) & cmask & ~wmask & ~w1cmask */
    size_t nbits;
    const vmc_pci_diff_bit *bits;   /* the differing bits, low to high */
} vmc_pci_diff_byte;

typedef struct vmc_pci_diff_device {
    const char *section;            /* section idstr */
    uint32_t instance_id;
    const char *device;             /* QOM type (from the model) or vmsd name */
    const char *bdf;                /* "0000:00:12.0" when known, else NULL */
    vmc_pci_diff_verdict verdict;
    unsigned size_a, size_b;        /* config-space sizes (0 when absent) */
    const char *note;               /* e.g. why a device was not compared, or NULL */
    size_t ndiff;
    const vmc_pci_diff_byte *diffs; /* by offset */
} vmc_pci_diff_device;

typedef struct vmc_pci_diff_options {
    uint64_t max_device_state;      /* see vmc_reader_options; 0 = default */
} vmc_pci_diff_options;

/* A stream against the destination's fresh devices and masks. */
int vmc_pci_diff_stream_model(vmc_pci_diff **out, vmc_source *stream, const vmc_model *dest,
                              const vmc_pci_diff_options *opts);

/* Two streams; masks from `masks` (a destination model) when not NULL. */
int vmc_pci_diff_streams(vmc_pci_diff **out, vmc_source *a, vmc_source *b,
                         const vmc_model *masks, const vmc_pci_diff_options *opts);

/*
 * One function's config bytes (size 256 or 4096); masks may all be NULL
 * (unknown).  The result has one device named by section/device (may be NULL).
 */
int vmc_pci_diff_config(vmc_pci_diff **out, const char *section, const char *device,
                        const uint8_t *a, const uint8_t *b, size_t size, const uint8_t *cmask,
                        const uint8_t *wmask, const uint8_t *w1cmask);

void vmc_pci_diff_free(vmc_pci_diff *d);

/* Whether masks were known (a destination model was given). */
bool vmc_pci_diff_masks_known(const vmc_pci_diff *d);
/* Overall: REFUSED if a device is refused (or, against a destination, a
 * stream device is missing there); else ACCEPTED/SAME, or DIFFER/SAME
 * without masks. */
vmc_pci_diff_verdict vmc_pci_diff_verdict_of(const vmc_pci_diff *d);
size_t vmc_pci_diff_device_count(const vmc_pci_diff *d);
const vmc_pci_diff_device *vmc_pci_diff_device_at(const vmc_pci_diff *d, size_t i);

#ifdef __cplusplus
}
#endif
#endif
