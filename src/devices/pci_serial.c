/*
 * PCI 16550 UARTs, QEMU 7.2: pci-serial (hw/char/serial-pci.c) and
 * pci-serial-2x / pci-serial-4x (hw/char/serial-pci-multi.c, one vmsd for
 * both, always four port slots on the wire).
 *
 * Both embed the UART state "serial" (hw/char/serial.c) as a nested struct.
 * This file keeps its own description of it; it is the same vmsd the ISA
 * serial port nests and could be shared once a common one is exported.
 */
#include "devices/pci_models.h"
#include "devices/registry.h"
#include "vmstate/vmsd_macros.h"

#include <stdio.h>

#define UART_FIFO_LENGTH 16     /* 16550A FIFO, the capacity of both Fifo8s */
#define PCI_SERIAL_MAX_PORTS 4

#define UART_IER_THRI 0x02
#define UART_IIR_ID 0x06
#define UART_IIR_THRI 0x02

/* ---- hooks ------------------------------------------------------------------ */

/* Fifo8.data is a VBUFFER sized by Fifo8.capacity, which is not on the wire:
 * the UART creates both FIFOs with UART_FIFO_LENGTH bytes. */
int64_t vmc_serial_fifo_capacity(const vmc_hook_ctx *ctx)
{
    (void)ctx;
    return UART_FIFO_LENGTH;
}

/*
 * Subsection conditions of the "serial" vmsd.  They are functions of the
 * UART state; values that live in the subsection itself are looked up as
 * "<subsection>.<field>" and default to the value that makes QEMU skip it.
 */
static int64_t serial_value(const vmc_hook_ctx *ctx, const char *sub, const char *field,
                            int64_t dflt)
{
    const vmc_value *v = vmc_hook_lookup(ctx, field);
    if (!v && sub) {
        char path[128];
        snprintf(path, sizeof(path), "%s.%s", sub, field);
        v = vmc_hook_lookup(ctx, path);
    }
    if (!v) {
        return dflt;
    }
    switch (vmc_value_kind_of(v)) {
    case VMC_VALUE_INT:
    case VMC_VALUE_UINT:
    case VMC_VALUE_BOOL:
        return vmc_value_int(v);
    default:
        return dflt;
    }
}

bool vmc_serial_thr_ipending_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    int64_t ier = serial_value(ctx, NULL, "ier", 0);
    if (!(ier & UART_IER_THRI)) {
        return false;   /* THRE is sampled again when the interrupt is enabled */
    }
    bool expected = (serial_value(ctx, NULL, "iir", 0) & UART_IIR_ID) == UART_IIR_THRI;
    return serial_value(ctx, "serial/thr_ipending", "thr_ipending", expected) != expected;
}

bool vmc_serial_tsr_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return serial_value(ctx, "serial/tsr", "tsr_retry", 0) != 0;
}

bool vmc_serial_recv_fifo_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return serial_value(ctx, "serial/recv_fifo", "recv_fifo.num", 0) != 0;
}

bool vmc_serial_xmit_fifo_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return serial_value(ctx, "serial/xmit_fifo", "xmit_fifo.num", 0) != 0;
}

/* A timer is pending when its expiry is not -1 (what timer_put writes). */
bool vmc_serial_fifo_timeout_timer_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return serial_value(ctx, "serial/fifo_timeout_timer", "fifo_timeout_timer", -1) != -1;
}

bool vmc_serial_timeout_ipending_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return serial_value(ctx, "serial/timeout_ipending", "timeout_ipending", 0) != 0;
}

bool vmc_serial_poll_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return serial_value(ctx, "serial/poll", "poll_msl", -1) >= 0;
}

/* ---- the UART ("serial") ------------------------------------------------------ */

static const vmc_field fifo8_fields[] = {
    { .name = "data", .info = "buffer", .flags = VMC_F_VBUFFER | VMC_F_POINTER,
      .size = 1, .size_field = "@serial_fifo_capacity", .version_id = 1 },
    VMC_UINT32("head"),
    VMC_UINT32("num"),
    VMC_END,
};

static const vmc_vmsd vmsd_fifo8 = {
    .name = "Fifo8", .version_id = 1, .minimum_version_id = 1,
    .fields = fifo8_fields,
};

static const vmc_field serial_thr_ipending_fields[] = {
    VMC_INT32("thr_ipending"),
    VMC_END,
};

static const vmc_vmsd vmsd_serial_thr_ipending = {
    .name = "serial/thr_ipending", .version_id = 1, .minimum_version_id = 1,
    .fields = serial_thr_ipending_fields, .needed = "serial_thr_ipending_needed",
};

static const vmc_field serial_tsr_fields[] = {
    VMC_UINT32("tsr_retry"),
    VMC_UINT8("thr"),
    VMC_UINT8("tsr"),
    VMC_END,
};

static const vmc_vmsd vmsd_serial_tsr = {
    .name = "serial/tsr", .version_id = 1, .minimum_version_id = 1,
    .fields = serial_tsr_fields, .needed = "serial_tsr_needed",
};

static const vmc_field serial_recv_fifo_fields[] = {
    VMC_STRUCT_V("recv_fifo", vmsd_fifo8, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_serial_recv_fifo = {
    .name = "serial/recv_fifo", .version_id = 1, .minimum_version_id = 1,
    .fields = serial_recv_fifo_fields, .needed = "serial_recv_fifo_needed",
};

static const vmc_field serial_xmit_fifo_fields[] = {
    VMC_STRUCT_V("xmit_fifo", vmsd_fifo8, 1),
    VMC_END,
};

static const vmc_vmsd vmsd_serial_xmit_fifo = {
    .name = "serial/xmit_fifo", .version_id = 1, .minimum_version_id = 1,
    .fields = serial_xmit_fifo_fields, .needed = "serial_xmit_fifo_needed",
};

static const vmc_field serial_fifo_timeout_timer_fields[] = {
    { .name = "fifo_timeout_timer", .info = "timer", .flags = VMC_F_POINTER, .size = 8 },
    VMC_END,
};

static const vmc_vmsd vmsd_serial_fifo_timeout_timer = {
    .name = "serial/fifo_timeout_timer", .version_id = 1, .minimum_version_id = 1,
    .fields = serial_fifo_timeout_timer_fields,
    .needed = "serial_fifo_timeout_timer_needed",
};

static const vmc_field serial_timeout_ipending_fields[] = {
    VMC_INT32("timeout_ipending"),
    VMC_END,
};

static const vmc_vmsd vmsd_serial_timeout_ipending = {
    .name = "serial/timeout_ipending", .version_id = 1, .minimum_version_id = 1,
    .fields = serial_timeout_ipending_fields, .needed = "serial_timeout_ipending_needed",
};

static const vmc_field serial_poll_fields[] = {
    VMC_INT32("poll_msl"),
    { .name = "modem_status_poll", .info = "timer", .flags = VMC_F_POINTER, .size = 8 },
    VMC_END,
};

static const vmc_vmsd vmsd_serial_poll = {
    .name = "serial/poll", .version_id = 1, .minimum_version_id = 1,
    .fields = serial_poll_fields, .needed = "serial_poll_needed",
};

static const vmc_vmsd *const serial_subsections[] = {
    &vmsd_serial_thr_ipending,
    &vmsd_serial_tsr,
    &vmsd_serial_recv_fifo,
    &vmsd_serial_xmit_fifo,
    &vmsd_serial_fifo_timeout_timer,
    &vmsd_serial_timeout_ipending,
    &vmsd_serial_poll,
    NULL,
};

static const vmc_field serial_fields[] = {
    VMC_UINT16_V("divider", 2),
    VMC_UINT8("rbr"),
    VMC_UINT8("ier"),
    VMC_UINT8("iir"),
    VMC_UINT8("lcr"),
    VMC_UINT8("mcr"),
    VMC_UINT8("lsr"),
    VMC_UINT8("msr"),
    VMC_UINT8("scr"),
    VMC_UINT8_V("fcr_vmstate", 3),
    VMC_END,
};

static const vmc_vmsd vmsd_serial = {
    .name = "serial", .version_id = 3, .minimum_version_id = 2,
    .fields = serial_fields, .subsections = serial_subsections,
};

/* ---- the PCI wrappers ----------------------------------------------------------- */

static const vmc_field pci_serial_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_STRUCT("state", vmsd_serial),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_pci_serial = {
    .name = "pci-serial", .version_id = 1, .minimum_version_id = 1,
    .fields = pci_serial_fields,
};

static const vmc_field pci_serial_multi_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_pci_device),
    VMC_STRUCT_ARRAY("state", PCI_SERIAL_MAX_PORTS, vmsd_serial),
    VMC_UINT32_ARRAY("level", PCI_SERIAL_MAX_PORTS),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_pci_serial_multi = {
    .name = "pci-serial-multi", .version_id = 1, .minimum_version_id = 1,
    .fields = pci_serial_multi_fields,
};
