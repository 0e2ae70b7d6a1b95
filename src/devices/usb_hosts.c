/*
 * USB host controllers of QEMU 7.2: UHCI (piix3/piix4-usb-uhci,
 * ich9-usb-uhciN; hw/usb/hcd-uhci.c), EHCI on PCI (usb-ehci,
 * ich9-usb-ehciN; hcd-ehci.c, hcd-ehci-pci.c) and xHCI on PCI
 * (nec-usb-xhci, qemu-xhci; hcd-xhci.c, hcd-xhci-pci.c).
 */
#include "devices/pci_config.h"
#include "devices/media_usb.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/value_internal.h"
#include "vmstate/vmsd_macros.h"

#include <stdlib.h>
#include <string.h>

/* ---- UHCI ------------------------------------------------------------------ */

#define UHCI_PORTS 2

static const vmc_field uhci_port_fields[] = {
    VMC_UINT16("ctrl"),
    VMC_END,
};

static const vmc_vmsd vmsd_uhci_port = {
    .name = "uhci port", .version_id = 1, .minimum_version_id = 1,
    .fields = uhci_port_fields,
};

static const vmc_field uhci_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_F("num_ports_vmstate", "uint8 equal", 1),   /* always 2 */
    { .name = "ports", .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = UHCI_PORTS,
      .vmsd = &vmsd_uhci_port, .version_id = 1 },
    VMC_UINT16("cmd"),
    VMC_UINT16("status"),
    VMC_UINT16("intr"),
    VMC_UINT16("frnum"),
    VMC_UINT32("fl_base_addr"),
    VMC_UINT8("sof_timing"),
    VMC_UINT8("status2"),
    VMC_TIMER("frame_timer"),
    VMC_INT64_V("expire_time", 2),
    VMC_UINT32_V("pending_int_mask", 3),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_uhci = {
    .name = "uhci", .version_id = 3, .minimum_version_id = 1,
    .fields = uhci_fields,
};

/* ---- EHCI ------------------------------------------------------------------ */

static const vmc_field ehci_core_fields[] = {
    VMC_UINT32("usbcmd"),
    VMC_UINT32("usbsts"),
    VMC_UINT32_V("usbsts_pending", 2),
    VMC_UINT32_V("usbsts_frindex", 2),
    VMC_UINT32("usbintr"),
    VMC_UINT32("frindex"),
    VMC_UINT32("ctrldssegment"),
    VMC_UINT32("periodiclistbase"),
    VMC_UINT32("asynclistaddr"),
    VMC_UINT32("configflag"),
    VMC_UINT32("portsc[0]"),
    VMC_UINT32("portsc[1]"),
    VMC_UINT32("portsc[2]"),
    VMC_UINT32("portsc[3]"),
    VMC_UINT32("portsc[4]"),
    VMC_UINT32("portsc[5]"),
    VMC_TIMER("frame_timer"),
    VMC_UINT64("last_run_ns"),
    VMC_UINT32("async_stepdown"),
    VMC_UINT32("astate"),
    VMC_UINT32("pstate"),
    VMC_UINT32("a_fetch_addr"),
    VMC_UINT32("p_fetch_addr"),
    VMC_END,
};

static const vmc_vmsd vmsd_ehci_core = {
    .name = "ehci-core", .version_id = 2, .minimum_version_id = 1,
    .fields = ehci_core_fields,
};

static const vmc_field ehci_pci_fields[] = {
    VMC_STRUCT("pcidev", vmc_vmsd_pci_device),
    VMC_STRUCT_V("ehci", vmsd_ehci_core, 2),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_ehci_pci = {
    .name = "ehci", .version_id = 2, .minimum_version_id = 1,
    .fields = ehci_pci_fields,
};

/* ---- xHCI ------------------------------------------------------------------ */

/*
 * Every xHCI PCI device sets the Express capability flag at instance init,
 * so its config space is always 4096 bytes, also on a conventional bus
 * where it has no Express capability structure (i440fx).  Its PCIDevice
 * therefore cannot use the generic "is there an Express cap" inference.
 */
bool vmc_media_xhci_is_pcie(const vmc_hook_ctx *ctx, int version_id)
{
    (void)ctx;
    (void)version_id;
    return true;
}

bool vmc_media_xhci_is_not_pcie(const vmc_hook_ctx *ctx, int version_id)
{
    (void)ctx;
    (void)version_id;
    return false;
}

static const vmc_field xhci_pci_device_fields[] = {
    VMC_F("version_id", "int32 le", 4),
    { .name = "config", .info = "pci config", .size = 256, .exists = "xhci_migrate_is_not_pcie" },
    { .name = "config", .info = "pci config", .size = 4096, .exists = "xhci_migrate_is_pcie" },
    VMC_F_V("irq_state", "pci irq state", 16, 2),
    VMC_END,
};

static const vmc_vmsd vmsd_xhci_pci_device = {
    .name = "PCIDevice", .version_id = 2, .minimum_version_id = 1,
    .fields = xhci_pci_device_fields,
};

/* Maximums of the 7.2 controller (include/hw/usb/xhci.h). */
#define XHCI_MAXPORTS 30        /* 15 USB 2 + 15 USB 3 */
#define XHCI_MAXSLOTS 64
#define XHCI_MAXINTRS 16
#define XHCI_DEFAULT_PORTS 8    /* p2 = 4, p3 = 4 */

/* Wire sizes of the variable parts (no event-queue fields: never sent). */
#define XHCI_PORT_WIRE 4
#define XHCI_SLOT_WIRE 2
#define XHCI_INTR_WIRE 47
#define XHCI_TAIL_WIRE 57       /* operational registers .. cmd_ring */
#define XHCI_PORTSC_PP 0x200u   /* port power: set by every port reset/update */

/* The PCIDevice config bytes decoded earlier in this section. */
static const vmc_value *xhci_config(const vmc_hook_ctx *ctx)
{
    for (int i = 0; i < ctx->nscope; i++) {
        const vmc_value *s = ctx->scope[i];
        for (size_t k = 0; s && k < s->nchild; k++) {
            const vmc_value *c = s->child[k];
            if (c->kind == VMC_VALUE_STRUCT && c->vmsd_name &&
                strcmp(c->vmsd_name, "PCIDevice") == 0) {
                /* "config[0]" (256 bytes) or "config[1]" (4096) */
                for (size_t j = 0; j < c->nchild; j++) {
                    const vmc_value *cfg = c->child[j];
                    if (cfg->kind == VMC_VALUE_BYTES && cfg->type &&
                        strcmp(cfg->type, "pci config") == 0) {
                        return cfg;
                    }
                }
            }
        }
    }
    return NULL;
}

/*
 * Interrupter count as the config space shows it: the MSI-X table has one
 * vector per interrupter, and MSI advertises numintrs vectors (a power of
 * two); 0 when neither capability is there.
 */
static unsigned xhci_intrs_from_config(const vmc_hook_ctx *ctx)
{
    const vmc_value *cfg = xhci_config(ctx);
    if (!cfg) {
        return 0;
    }
    const uint8_t *p = cfg->v.bytes.p;
    size_t n = cfg->v.bytes.n;
    unsigned v = vmc_pci_msix_vectors(p, n);
    if (v >= 1 && v <= XHCI_MAXINTRS) {
        return v;
    }
    unsigned msi = vmc_pci_find_cap(p, n, VMC_PCI_CAP_ID_MSI);
    if (msi && msi + 3 < n) {
        unsigned mmc = (p[msi + 2] >> 1) & 7;
        if ((1u << mmc) <= XHCI_MAXINTRS) {
            return 1u << mmc;
        }
    }
    return 0;
}

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/*
 * Does the section end `end` bytes after `next`?  Either the window ends
 * there (the payload was given exactly), or what follows looks like a
 * section footer (0x7e, small be32 section id) or, for streams without
 * footers (pc-*-2.3 and older), the header of the next FULL section (0x04,
 * small id, a printable idstr).
 */
static bool xhci_section_ends(const vmc_hook_ctx *ctx, size_t end)
{
    if (end == ctx->next_len) {
        return true;
    }
    if (end > ctx->next_len || ctx->next_len - end < 5) {
        return false;
    }
    const uint8_t *p = ctx->next + end;
    if (be32_at(p + 1) > 0xffff) {
        return false;
    }
    if (p[0] == 0x7e) {
        return true;
    }
    if (p[0] != 0x04 || ctx->next_len - end < 6) {
        return false;
    }
    size_t len = p[5];
    if (len == 0 || ctx->next_len - end < 6 + len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (p[6 + i] < 0x20 || p[6 + i] > 0x7e) {
            return false;
        }
    }
    return true;
}

static bool bools_ok(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] > 1) {
            return false;
        }
    }
    return true;
}

/* Interrupters from `off` on: bool fields must be 0/1 and the section must
 * end right after the fixed tail. */
static bool xhci_intrs_fit(const vmc_hook_ctx *ctx, size_t off, unsigned nintrs)
{
    size_t end = off + (size_t)nintrs * XHCI_INTR_WIRE + XHCI_TAIL_WIRE;
    if (end > ctx->next_len) {
        return false;
    }
    for (unsigned i = 0; i < nintrs; i++) {
        const uint8_t *e = ctx->next + off + (size_t)i * XHCI_INTR_WIRE;
        /* msix_used, er_pcs at 28/29, er_full_unused at 46 */
        if (e[28] > 1 || e[29] > 1 || e[46] > 1) {
            return false;
        }
    }
    /* cmd_ring.ccs is the last byte */
    if (ctx->next[end - 1] > 1) {
        return false;
    }
    return xhci_section_ends(ctx, end);
}

static unsigned xhci_intrs_at(const vmc_hook_ctx *ctx, size_t off)
{
    unsigned known = xhci_intrs_from_config(ctx);
    if (known) {
        return known;
    }
    for (unsigned n = XHCI_MAXINTRS; n >= 1; n /= 2) {
        if (xhci_intrs_fit(ctx, off, n)) {
            return n;
        }
    }
    return XHCI_MAXINTRS;
}

/* Slot count for slots starting at `off`: 0 when nothing fits. */
static unsigned xhci_slots_at(const vmc_hook_ctx *ctx, size_t off)
{
    unsigned known = xhci_intrs_from_config(ctx);
    for (unsigned s = XHCI_MAXSLOTS; s >= 1; s--) {
        size_t slots_end = off + (size_t)s * XHCI_SLOT_WIRE;
        if (slots_end > ctx->next_len || !bools_ok(ctx->next + off, s * XHCI_SLOT_WIRE)) {
            continue;
        }
        if (known) {
            if (xhci_intrs_fit(ctx, slots_end, known)) {
                return s;
            }
            continue;
        }
        for (unsigned n = XHCI_MAXINTRS; n >= 1; n /= 2) {
            if (xhci_intrs_fit(ctx, slots_end, n)) {
                return s;
            }
        }
    }
    return 0;
}

/*
 * numports = p2 + p3, numslots ("slots", qemu-xhci fixes 64) and numintrs
 * ("intrs", 16) size the three arrays of xhci-core but are not on the wire.
 * With a machine model p2 + p3 come from the device's properties; slots and
 * intrs are fixed in 7.2 (the properties are copied before they are set).
 * Without a model they are inferred from the bytes: every port register
 * has the port-power bit set (the controller has no port power control, so
 * guests cannot clear it) while slot and interrupter bools have not;
 * interrupters are seen in the MSI-X / MSI capabilities; the slot count is
 * the largest one (default 64 first) for which the rest of the section
 * ends exactly where the section does.  The 7.2 defaults are the fallback.
 */
int64_t vmc_media_xhci_numports(const vmc_hook_ctx *ctx)
{
    /* With a machine model: usb2 ports p2 + usb3 ports p3, each at most 15 */
    const char *p2 = vmc_hook_device_prop(ctx, "p2");
    const char *p3 = vmc_hook_device_prop(ctx, "p3");
    if (p2 && p3) {
        long a = strtol(p2, NULL, 0), b = strtol(p3, NULL, 0);
        a = a < 0 ? 0 : a > 15 ? 15 : a;
        b = b < 0 ? 0 : b > 15 ? 15 : b;
        return a + b;
    }
    if (!ctx->next) {
        return XHCI_DEFAULT_PORTS;
    }
    unsigned run = 0;
    while (run < XHCI_MAXPORTS && (size_t)(run + 1) * XHCI_PORT_WIRE <= ctx->next_len) {
        const uint8_t *w = ctx->next + (size_t)run * XHCI_PORT_WIRE;
        uint32_t portsc = ((uint32_t)w[0] << 24) | ((uint32_t)w[1] << 16) |
                          ((uint32_t)w[2] << 8) | w[3];
        if (!(portsc & XHCI_PORTSC_PP)) {
            break;
        }
        run++;
    }
    if (xhci_slots_at(ctx, (size_t)run * XHCI_PORT_WIRE)) {
        return run;
    }
    if (xhci_slots_at(ctx, (size_t)XHCI_DEFAULT_PORTS * XHCI_PORT_WIRE)) {
        return XHCI_DEFAULT_PORTS;
    }
    return run ? run : XHCI_DEFAULT_PORTS;
}

int64_t vmc_media_xhci_numslots(const vmc_hook_ctx *ctx)
{
    if (ctx->device) {
        return XHCI_MAXSLOTS;   /* fixed in 7.2 whatever "slots" says */
    }
    if (!ctx->next) {
        return XHCI_MAXSLOTS;
    }
    unsigned s = xhci_slots_at(ctx, 0);
    return s ? s : XHCI_MAXSLOTS;
}

int64_t vmc_media_xhci_numintrs(const vmc_hook_ctx *ctx)
{
    if (ctx->device) {
        return XHCI_MAXINTRS;   /* fixed in 7.2 whatever "intrs" says */
    }
    if (!ctx->next) {
        unsigned known = xhci_intrs_from_config(ctx);
        return known ? known : XHCI_MAXINTRS;
    }
    return xhci_intrs_at(ctx, 0);
}

/* QEMU's xhci_er_full(): the event-queue fields are never sent. */
bool vmc_media_xhci_er_full(const vmc_hook_ctx *ctx, int version_id)
{
    (void)ctx;
    (void)version_id;
    return false;
}


static const vmc_field xhci_port_fields[] = {
    VMC_UINT32("portsc"),
    VMC_END,
};

static const vmc_vmsd vmsd_xhci_port = {
    .name = "xhci-port", .version_id = 1, .minimum_version_id = 0,
    .fields = xhci_port_fields,
};

static const vmc_field xhci_slot_fields[] = {
    VMC_BOOL("enabled"),
    VMC_BOOL("addressed"),
    VMC_END,
};

static const vmc_vmsd vmsd_xhci_slot = {
    .name = "xhci-slot", .version_id = 1, .minimum_version_id = 0,
    .fields = xhci_slot_fields,
};

static const vmc_field xhci_event_fields[] = {
    VMC_UINT32("type"),
    VMC_UINT32("ccode"),
    VMC_UINT64("ptr"),
    VMC_UINT32("length"),
    VMC_UINT32("flags"),
    VMC_UINT8("slotid"),
    VMC_UINT8("epid"),
    VMC_END,
};

static const vmc_vmsd vmsd_xhci_event = {
    .name = "xhci-event", .version_id = 1, .minimum_version_id = 0,
    .fields = xhci_event_fields,
};

/* EV_QUEUE of hcd-xhci.h: ((3 * 24) + 16) * XHCI_MAXSLOTS */
#define XHCI_EV_QUEUE (((3 * 24) + 16) * XHCI_MAXSLOTS)

static const vmc_field xhci_intr_fields[] = {
    VMC_UINT32("iman"),
    VMC_UINT32("imod"),
    VMC_UINT32("erstsz"),
    VMC_UINT32("erstba_low"),
    VMC_UINT32("erstba_high"),
    VMC_UINT32("erdp_low"),
    VMC_UINT32("erdp_high"),
    VMC_BOOL("msix_used"),
    VMC_BOOL("er_pcs"),
    VMC_UINT64("er_start"),
    VMC_UINT32("er_size"),
    VMC_UINT32("er_ep_idx"),
    VMC_BOOL("er_full_unused"),
    { .name = "ev_buffer_put", .info = "uint32", .size = 4, .exists = "xhci_er_full" },
    { .name = "ev_buffer_get", .info = "uint32", .size = 4, .exists = "xhci_er_full" },
    { .name = "ev_buffer", .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = XHCI_EV_QUEUE,
      .vmsd = &vmsd_xhci_event, .version_id = 1, .exists = "xhci_er_full" },
    VMC_END,
};

static const vmc_vmsd vmsd_xhci_intr = {
    .name = "xhci-intr", .version_id = 1, .minimum_version_id = 0,
    .fields = xhci_intr_fields,
};

static const vmc_field xhci_ring_fields[] = {
    VMC_UINT64("dequeue"),
    VMC_BOOL("ccs"),
    VMC_END,
};

static const vmc_vmsd vmsd_xhci_ring = {
    .name = "xhci-ring", .version_id = 1, .minimum_version_id = 0,
    .fields = xhci_ring_fields,
};

static const vmc_field xhci_core_fields[] = {
    { .name = "ports", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT32,
      .num_field = "@xhci_numports", .vmsd = &vmsd_xhci_port, .version_id = 1 },
    { .name = "slots", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT32,
      .num_field = "@xhci_numslots", .vmsd = &vmsd_xhci_slot, .version_id = 1 },
    { .name = "intr", .flags = VMC_F_STRUCT | VMC_F_VARRAY_UINT32,
      .num_field = "@xhci_numintrs", .vmsd = &vmsd_xhci_intr, .version_id = 1 },
    VMC_UINT32("usbcmd"),
    VMC_UINT32("usbsts"),
    VMC_UINT32("dnctrl"),
    VMC_UINT32("crcr_low"),
    VMC_UINT32("crcr_high"),
    VMC_UINT32("dcbaap_low"),
    VMC_UINT32("dcbaap_high"),
    VMC_UINT32("config"),
    VMC_INT64("mfindex_start"),
    VMC_TIMER("mfwrap_timer"),
    VMC_STRUCT_V("cmd_ring", vmsd_xhci_ring, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_xhci_core = {
    .name = "xhci-core", .version_id = 1, .minimum_version_id = 0,
    .fields = xhci_core_fields,
};

static const vmc_field xhci_pci_fields[] = {
    VMC_STRUCT("parent_obj", vmsd_xhci_pci_device),
    VMC_STRUCT("parent_obj", vmc_vmsd_msix),
    VMC_STRUCT_V("xhci", vmsd_xhci_core, 1),
    VMC_END,
};

/* nec-usb-xhci and qemu-xhci */
const vmc_vmsd vmc_vmsd_xhci_pci = {
    .name = "xhci", .version_id = 1, .minimum_version_id = 0,
    .fields = xhci_pci_fields,
};
