/*
 * Fresh state of -device devices (fresh.h): PCI bridges and ports,
 * watchdog, ivshmem, serial ports ... after realize and system reset, as
 * QEMU 7.2 saves them.  Config spaces come from the machine model; MSI-X
 * vectors are masked as msix_reset() leaves them.
 */
#include "devices/fresh_pcidevs.h"
#include "devices/fresh_util.h"
#include "devices/pci_config.h"

#include <stdio.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------ */

#define PCI_MSIX_FLAGS 2
#define PCI_MSIX_FLAGS_QSIZE 0x07ff
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 1

int vmc_fresh_msix_vectors(const vmc_fresh_ctx *fc)
{
    if (!fc->pci || !fc->pci->config_size) {
        return 0;
    }
    unsigned cap = vmc_pci_find_cap(fc->pci->config, fc->pci->config_size, VMC_PCI_CAP_ID_MSIX);
    if (!cap || cap + 4 > fc->pci->config_size) {
        return 0;
    }
    const uint8_t *c = fc->pci->config + cap + PCI_MSIX_FLAGS;
    return ((c[0] | c[1] << 8) & PCI_MSIX_FLAGS_QSIZE) + 1;
}

void vmc_fresh_msix_masked(vmc_state *st, const char *prefix, int vectors)
{
    for (int i = 0; i < vectors; i++) {
        vmc_fresh_u(st, PCI_MSIX_ENTRY_CTRL_MASKBIT, "%s.table[%d].vector_control", prefix, i);
    }
}

/* ---- PCI bridges and PCI Express ports ---------------------------------- */

/* hw/pci/shpc.c: 31 hot-pluggable slots, PCI slots 1..31 of the secondary bus. */
#define SHPC_NSLOTS 31
#define SHPC_SIZE (0x24 + 4 * SHPC_NSLOTS)

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* shpc_reset(): the register file, each slot enabled when a device sits in it. */
static void shpc_registers(const vmc_fresh_ctx *fc, uint8_t *r)
{
    memset(r, 0, SHPC_SIZE);
    r[0x04] = SHPC_NSLOTS;                     /* SLOTS_33 */
    r[0x0c] = SHPC_NSLOTS;                     /* NSLOTS */
    r[0x0d] = 1;                               /* FIRST_DEV: PCI slot 1 */
    put16(r + 0x0e, 1 | 0x2000 | 0x4000 | 0x8000);   /* PHYS_SLOT 1, UP, MRL, BUTTON */
    r[0x13] = 0x1;                             /* PROG_IFC 1.0 */
    r[0x20] = 0x1 | 0x2 | 0x4 | 0x8;           /* SERR_INT: all disabled */
    vmc_mbus *sec = fc->dev && fc->dev->buses && fc->dev->buses->len
                        ? g_ptr_array_index(fc->dev->buses, 0) : NULL;
    for (int i = 0; i < SHPC_NSLOTS; i++) {
        uint8_t *s = r + 0x24 + 4 * i;
        bool present = sec && sec->children[(i + 1) << 3];
        /* state, power LED, MRL open, presence */
        put16(s, present ? (0x2 | 0x1 << 2) : (0x3 | 0x3 << 2 | 0x100 | 0x3 << 10));
        s[3] = 0x7f;                           /* every slot event masked */
    }
}

static void pci_bridge_common(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "parent_obj");
    if (vmc_fresh_prop_bool(fc, NULL, "shpc", true)) {
        uint8_t r[SHPC_SIZE];
        shpc_registers(fc, r);
        vmc_fresh_bytes(st, r, sizeof(r), "shpc");
    }
}

int vmc_fresh_pci_bridge(const vmc_fresh_ctx *fc, vmc_state *st)
{
    pci_bridge_common(fc, st);
    return 0;
}

int vmc_fresh_pcie_pci_bridge(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "parent_obj");
    uint8_t r[SHPC_SIZE];
    shpc_registers(fc, r);
    vmc_fresh_bytes(st, r, sizeof(r), "shpc");
    return 0;
}

#define PCIE_AER_LOG_MAX_DEFAULT 8

int vmc_fresh_pcie_root_port(const vmc_fresh_ctx *fc, vmc_state *st)
{
    const char *dev = "parent_obj.parent_obj.parent_obj";
    vmc_fresh_pci_device(st, dev);
    vmc_fresh_u(st, (uint64_t)vmc_fresh_prop_int(fc, NULL, "aer_log_max",
                                                 PCIE_AER_LOG_MAX_DEFAULT),
                "%s.exp.aer_log.log_max", dev);
    vmc_fresh_msix_masked(st, "parent_obj.parent_obj.parent_obj.parent_obj.msix",
                          vmc_fresh_msix_vectors(fc));
    return 0;
}

/* ioh3420 and xio3130-downstream: PCIESlot (3 levels up to the PCIDevice), AER log. */
int vmc_fresh_pcie_slot(const vmc_fresh_ctx *fc, vmc_state *st)
{
    const char *dev = "parent_obj.parent_obj.parent_obj";
    vmc_fresh_pci_device(st, dev);
    vmc_fresh_u(st, (uint64_t)vmc_fresh_prop_int(fc, NULL, "aer_log_max",
                                                 PCIE_AER_LOG_MAX_DEFAULT),
                "%s.exp.aer_log.log_max", dev);
    return 0;
}

/* x3130-upstream: a PCIEPort (2 levels), AER log. */
int vmc_fresh_pcie_upstream(const vmc_fresh_ctx *fc, vmc_state *st)
{
    const char *dev = "parent_obj.parent_obj";
    vmc_fresh_pci_device(st, dev);
    vmc_fresh_u(st, (uint64_t)vmc_fresh_prop_int(fc, NULL, "aer_log_max",
                                                 PCIE_AER_LOG_MAX_DEFAULT),
                "%s.exp.aer_log.log_max", dev);
    return 0;
}

/* Devices whose fresh state is the PCI device alone, embedded as "parent_obj"
 * (i82801b11-bridge), "dev" (pvpanic-pci) or "pci" (bochs-display). */
int vmc_fresh_pci_parent_obj(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "parent_obj");
    return 0;
}

int vmc_fresh_pci_dev(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "dev");
    return 0;
}

int vmc_fresh_pci_pci(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "pci");
    return 0;
}

/* ---- watchdog, ivshmem -------------------------------------------------- */

int vmc_fresh_i6300esb(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "dev");
    vmc_fresh_i(st, 1, "reboot_enabled");
    vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "timer");
    vmc_fresh_u(st, 0xfffff, "timer1_preload");
    vmc_fresh_u(st, 0xfffff, "timer2_preload");
    vmc_fresh_i(st, 1, "stage");
    return 0;
}

int vmc_fresh_ivshmem(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "parent_obj");
    return 0;
}

/* ivshmem-doorbell: its MSI-X vectors masked (msix_reset) */
static int fresh_ivshmem_doorbell(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "parent_obj[0]");
    vmc_fresh_msix_masked(st, "parent_obj[1].msix", vmc_fresh_msix_vectors(fc));
    return 0;
}

/* ---- serial ports ------------------------------------------------------- */

#define UART_IIR_NO_INT 0x01
#define UART_LSR_TEMT 0x40
#define UART_LSR_THRE 0x20
#define UART_MSR_DCD 0x80
#define UART_MSR_DSR 0x20
#define UART_MSR_CTS 0x10
#define UART_MCR_OUT2 0x08

/* serial_reset() of a port whose back end has no modem lines (null, ...). */
void vmc_fresh_uart(vmc_state *st, const char *prefix)
{
    vmc_fresh_u(st, 0x0c, "%s.divider", prefix);     /* 9600 baud */
    vmc_fresh_u(st, UART_IIR_NO_INT, "%s.iir", prefix);
    vmc_fresh_u(st, UART_MCR_OUT2, "%s.mcr", prefix);
    vmc_fresh_u(st, UART_LSR_TEMT | UART_LSR_THRE, "%s.lsr", prefix);
    vmc_fresh_u(st, UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS, "%s.msr", prefix);
}

int vmc_fresh_isa_serial(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_uart(st, "state");
    return 0;
}

int vmc_fresh_pci_serial(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_pci_device(st, "dev");
    vmc_fresh_uart(st, "state");
    return 0;
}

/* parallel_reset(): data latches all ones; status busy, ack, online, no error; control
 * select-in and init. */
int vmc_fresh_parallel(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_u(st, 0xff, "state.dataw");
    vmc_fresh_u(st, 0xff, "state.datar");
    vmc_fresh_u(st, 0x80 | 0x40 | 0x10 | 0x08 | 0x01, "state.status");
    vmc_fresh_u(st, 0x08 | 0x04 | 0xc0, "state.control");
    return 0;
}

/* ---- SCSI --------------------------------------------------------------- */

#define SENSE_UNIT_ATTENTION 0x06

/* scsi-hd / scsi-cd: the bus reset leaves a "power on, reset" unit attention. */
int vmc_fresh_scsi_disk(const vmc_fresh_ctx *fc, vmc_state *st)
{
    (void)fc;
    vmc_fresh_u(st, SENSE_UNIT_ATTENTION, "qdev.unit_attention.key");
    vmc_fresh_u(st, 0x29, "qdev.unit_attention.asc");
    return 0;
}

/* ---- the table ---------------------------------------------------------- */

const vmc_fresh_def vmc_fresh_pcidevs[] = {
    { "pci_bridge", vmc_fresh_pci_bridge },
    { "pcie-pci-bridge", vmc_fresh_pcie_pci_bridge },
    { "pcie-root-port", vmc_fresh_pcie_root_port },
    { "ioh-3240-express-root-port", vmc_fresh_pcie_slot },
    { "xio3130-express-downstream-port", vmc_fresh_pcie_slot },
    { "xio3130-express-upstream-port", vmc_fresh_pcie_upstream },
    { "i82801b11_bridge", vmc_fresh_pci_parent_obj },
    { "pvpanic-pci", vmc_fresh_pci_dev },
    { "bochs-display", vmc_fresh_pci_pci },
    { "pci-serial", vmc_fresh_pci_serial },
    { "parallel_isa", vmc_fresh_parallel },
    { "scsi-disk", vmc_fresh_scsi_disk },
    { "virtio-scsi", vmc_fresh_virtio_plain },
    { "virtio-input", vmc_fresh_virtio_plain },
    { "virtio-gpu", vmc_fresh_virtio_gpu },
    { "i6300esb_wdt", vmc_fresh_i6300esb },
    { "ivshmem-plain", vmc_fresh_ivshmem },
    { "ivshmem-doorbell", fresh_ivshmem_doorbell },
    { "serial", vmc_fresh_isa_serial },
    { "e1000", vmc_fresh_e1000 },
    { "rtl8139", vmc_fresh_rtl8139 },
    { "e1000e", vmc_fresh_e1000e },
    { "vga", vmc_fresh_vga_pci },
    { "virtio-vga", vmc_fresh_virtio_vga },
    { "cirrus_vga", vmc_fresh_cirrus_vga },
    { "qxl", vmc_fresh_qxl },
    { "xhci", vmc_fresh_xhci },
    { "uhci", vmc_fresh_uhci },
    { "usb-ptr", vmc_fresh_usb_hid },
    { "usb-mouse", vmc_fresh_usb_hid },
    { "usb-kbd", vmc_fresh_usb_hid },
    { "ehci", vmc_fresh_ehci },
    { "usb-storage", vmc_fresh_usb_storage },
    { "usb-hub", vmc_fresh_usb_hub },
    { "intel-hda", vmc_fresh_intel_hda },
    { "hda-audio", vmc_fresh_hda_audio },
    { "virtio-net", vmc_fresh_virtio_net },
    { "virtio-blk", vmc_fresh_virtio_plain },
    { "virtio-rng", vmc_fresh_virtio_plain },
    { "virtio-balloon", vmc_fresh_virtio_plain },
    { "virtio-console", vmc_fresh_virtio_serial },
    { "slirp", NULL },          /* no sockets; ip_id and the BOOTP clients 0 */
    { NULL, NULL },
};
