/*
 * The virtio-pci proxy's config space (hw/virtio/virtio-pci.c, QEMU 7.2),
 * built in the order QEMU builds it:
 *
 *   do_pci_register_device   ids of the class (legacy device id 0x1000+n)
 *   virtio_pci_realize       behind a PCIe port: EXP v2 endpoint, PM, AER,
 *                            DEVCTL/LNKCTL/PM writability, ATS, FLR
 *   k->realize               virtio-vga: VGA framebuffer BAR0
 *   device_plugged           class override; legacy: subsystem id = virtio
 *                            id, else modern ids 0x1040+n, revision 1; the
 *                            vendor capabilities common, ISR, device,
 *                            notify (+ PIO notify), the modern memory BAR,
 *                            the PCI-cfg access capability; MSI-X in its own
 *                            BAR; the legacy I/O BAR0
 *   pci_qdev_realize         option ROM BAR
 *   reset                    DEVCTL/LNKCTL/PM control reset, pci reset
 */
#include "devices/model_virtio_internal.h"
#include "common/error_internal.h"

#include <string.h>

enum {
    VIRTIO_PCI_CAP_COMMON_CFG = 1,
    VIRTIO_PCI_CAP_NOTIFY_CFG = 2,
    VIRTIO_PCI_CAP_ISR_CFG = 3,
    VIRTIO_PCI_CAP_DEVICE_CFG = 4,
    VIRTIO_PCI_CAP_PCI_CFG = 5,
    PCI_CAP_ID_VNDR = 0x09,
    VIRTIO_CAP_LEN = 16,            /* struct virtio_pci_cap */
    VIRTIO_NOTIFY_CAP_LEN = 20,     /* + notify_off_multiplier */
    VIRTIO_CFG_CAP_LEN = 20,        /* + pci_cfg_data[4] */
    VIRTIO_QUEUE_MAX = 1024,
    PAGE_PER_VQ_MULT = 0x1000,
    PCI_PM_CTRL_STATE_MASK = 0x0003,
};

typedef struct region {
    uint32_t offset, size;
    uint8_t type;
} region;

static uint64_t pow2ceil(uint64_t v)
{
    uint64_t p = 1;
    while (p < v) {
        p <<= 1;
    }
    return p;
}

/* A vendor capability: cap_len, cfg_type, bar, id 0, offset, length (+ multiplier). */
static int add_vendor_cap(vmc_pci_config *p, uint8_t len, uint8_t type, uint8_t bar,
                          uint32_t offset, uint32_t length, uint32_t mult)
{
    int pos = vmc_pci_add_capability(p, PCI_CAP_ID_VNDR, 0, len);
    if (pos < 0) {
        return pos;
    }
    uint8_t *c = p->config + pos;
    c[2] = len;
    c[3] = type;
    c[4] = bar;
    vmc_pci_set_long(c + 8, offset);
    vmc_pci_set_long(c + 12, length);
    if (len == VIRTIO_NOTIFY_CAP_LEN && type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
        vmc_pci_set_long(c + 16, mult);
    }
    return pos;
}

static int pcie_endpoint_part(vmc_pci_config *p, const vmc_vtransport *tr)
{
    int rc = vmc_pcie_endpoint_cap_init(p, 0, false, false);
    if (rc < 0) {
        return rc;
    }
    int pm = vmc_pci_add_pm_capability(p, 0, 0x3);
    if (pm < 0) {
        return pm;
    }
    uint16_t last = VMC_PCI_CONFIG_SPACE;
    if (tr->aer) {
        /* no aer_log_max property on endpoints: an empty log, no multiple headers */
        if ((rc = vmc_pcie_aer_init_log(p, VMC_PCI_ERR_VER, last, VMC_PCI_ERR_SIZEOF, 0)) < 0) {
            return rc;
        }
        last += VMC_PCI_ERR_SIZEOF;
    }
    if (tr->deverr) {
        vmc_pcie_cap_deverr_init(p);
    }
    if (tr->lnkctl) {
        vmc_pcie_cap_lnkctl_init(p);
    }
    if (tr->pm) {
        vmc_pci_set_word(p->wmask + pm + VMC_PCI_PM_CTRL, PCI_PM_CTRL_STATE_MASK);
    }
    if (tr->ats) {
        if ((rc = vmc_pcie_ats_init(p, last, tr->ats_page_aligned)) < 0) {
            return rc;
        }
        last += VMC_PCI_ATS_SIZEOF;
    }
    if (tr->flr) {
        vmc_pcie_cap_flr_init(p);
    }
    return 0;
}

static int modern_part(vmc_pci_config *p, const vmc_vpci_params *pp, int mem_bar, int io_bar)
{
    const vmc_vtransport *tr = pp->tr;
    uint32_t mult = tr->page_per_vq ? PAGE_PER_VQ_MULT : 4;
    region common = { 0x0000, 0x1000, VIRTIO_PCI_CAP_COMMON_CFG };
    region isr = { 0x1000, 0x1000, VIRTIO_PCI_CAP_ISR_CFG };
    region device = { 0x2000, 0x1000, VIRTIO_PCI_CAP_DEVICE_CFG };
    region notify = { 0x3000, mult * VIRTIO_QUEUE_MAX, VIRTIO_PCI_CAP_NOTIFY_CFG };
    uint64_t bar_size = pow2ceil(notify.offset + notify.size);
    if (pp->vga_vram) {
        /* virtio-vga moves the regions to the end of the BAR, after the
         * stdvga registers; without page-per-vq common and ISR shrink */
        if (!tr->page_per_vq) {
            common.size /= 2;
            isr.size /= 2;
        }
        uint32_t off = (uint32_t)bar_size;
        off -= notify.size;
        notify.offset = off;
        off -= device.size;
        device.offset = off;
        off -= isr.size;
        isr.offset = off;
        off -= common.size;
        common.offset = off;
    }
    const region *regs[] = { &common, &isr, &device, &notify };
    for (int i = 0; i < 4; i++) {
        uint8_t len = regs[i] == &notify ? VIRTIO_NOTIFY_CAP_LEN : VIRTIO_CAP_LEN;
        int rc = add_vendor_cap(p, len, regs[i]->type, (uint8_t)mem_bar, regs[i]->offset,
                                regs[i]->size, mult);
        if (rc < 0) {
            return rc;
        }
    }
    int rc;
    if (tr->modern_pio) {
        if ((rc = vmc_pci_register_bar(p, io_bar, VMC_PCI_BAR_IO, 4)) < 0) {
            return rc;
        }
        /* PIO notify: one register, multiplier 0 */
        if ((rc = add_vendor_cap(p, VIRTIO_NOTIFY_CAP_LEN, VIRTIO_PCI_CAP_NOTIFY_CFG,
                                 (uint8_t)io_bar, 0, 4, 0)) < 0) {
            return rc;
        }
    }
    if ((rc = vmc_pci_register_bar(p, mem_bar, VMC_PCI_BAR_MEM64 | VMC_PCI_BAR_PREFETCH,
                                   bar_size)) < 0) {
        return rc;
    }
    int cfg = add_vendor_cap(p, VIRTIO_CFG_CAP_LEN, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0, 0);
    if (cfg < 0) {
        return cfg;
    }
    /* the access window (bar, offset, length, data) is guest-writable */
    p->wmask[cfg + 4] = 0xff;
    memset(p->wmask + cfg + 8, 0xff, 12);
    return 0;
}

int vmc_vpci_build(vmc_pci_config *p, const vmc_vpci_params *pp)
{
    const vmc_vfamily *f = pp->fam;
    const vmc_vtransport *tr = pp->tr;
    bool vga = pp->vga_vram != 0;
    vmc_pci_ident id = {
        .vendor_id = f->legacy_device_id ? 0x1af4 : 0,
        .device_id = f->legacy_device_id,
        .revision = 0,
        .class_id = f->class_id,
    };
    int rc = vmc_pci_config_init(p, &id, tr->express, tr->multifunction, pp->devfn);
    if (rc < 0) {
        return rc;
    }
    p->pcie_extcap_init = tr->extcap_init;
    if (tr->express && (rc = pcie_endpoint_part(p, tr)) < 0) {
        return rc;
    }
    if (vga && (rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_PREFETCH, pp->vga_vram)) < 0) {
        return rc;
    }
    /* device_plugged */
    if (tr->class_code) {
        vmc_pci_set_word(p->config + VMC_PCI_CLASS_DEVICE, tr->class_code);
    }
    if (tr->legacy) {
        vmc_pci_set_word(p->config + VMC_PCI_SUBSYSTEM_ID, f->virtio_id);
    } else {
        vmc_pci_set_word(p->config + VMC_PCI_VENDOR_ID, 0x1af4);
        vmc_pci_set_word(p->config + VMC_PCI_DEVICE_ID, (uint16_t)(0x1040 + f->virtio_id));
        p->config[VMC_PCI_REVISION_ID] = 1;
    }
    p->config[VMC_PCI_INTERRUPT_PIN] = 1;
    int mem_bar = vga ? 2 : 4, msix_bar = vga ? 4 : 1, io_bar = vga ? 5 : 2;
    if (tr->modern && (rc = modern_part(p, pp, mem_bar, io_bar)) < 0) {
        return rc;
    }
    if (tr->nvectors &&
        (rc = vmc_msix_init_exclusive_bar(p, tr->nvectors, msix_bar, 0)) < 0) {
        return rc;
    }
    if (tr->legacy) {
        uint64_t size = pow2ceil((tr->nvectors ? 24 : 20) + (uint64_t)pp->config_len);
        if ((rc = vmc_pci_register_bar(p, 0, VMC_PCI_BAR_IO, size)) < 0) {
            return rc;
        }
    }
    if (pp->rom_size && (rc = vmc_pci_register_bar(p, VMC_PCI_ROM_SLOT, 0, pp->rom_size)) < 0) {
        return rc;
    }
    /* reset */
    if (tr->express) {
        vmc_pcie_cap_deverr_reset(p);
        vmc_pcie_cap_lnkctl_reset(p);
        vmc_pci_set_word(p->config + p->pm_cap + VMC_PCI_PM_CTRL, 0);
    }
    vmc_pci_reset(p);
    return 0;
}
