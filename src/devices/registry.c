/* Registry of built-in top-level descriptors; see registry.h. */
#include "devices/registry.h"
#include "vmcompat/models.h"
#include "devices/media_usb.h"

#include <string.h>

static const vmc_vmsd *const *const groups[] = {
    vmc_vmsds_core, vmc_vmsds_pci, vmc_vmsds_cpu, vmc_vmsds_q35,
    vmc_vmsds_i440fx, vmc_vmsds_isa, vmc_vmsds_virtio, vmc_vmsds_bridges,
    vmc_vmsds_pcidev, vmc_vmsds_media, vmc_vmsds_net,
};

const vmc_vmsd *vmc_devices_find_vmsd(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (size_t i = 0; groups[g][i]; i++) {
            if (strcmp(groups[g][i]->name, name) == 0) {
                return groups[g][i];
            }
        }
    }
    return NULL;
}

size_t vmc_devices_vmsd_count(void)
{
    size_t n = 0;
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (size_t i = 0; groups[g][i]; i++) {
            n++;
        }
    }
    return n;
}

const vmc_vmsd *vmc_devices_vmsd_at(size_t k)
{
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (size_t i = 0; groups[g][i]; i++) {
            if (k-- == 0) {
                return groups[g][i];
            }
        }
    }
    return NULL;
}

const char *vmc_devices_vmsd_name_of(const char *idstr)
{
    const char *slash = strrchr(idstr, '/');
    return slash ? slash + 1 : idstr;
}

const vmc_vmsd *vmc_models_lookup(void *opaque, const char *idstr, uint32_t instance_id,
                                  uint32_t version_id)
{
    /* isa-vga and isa-cirrus-vga have no device path and reuse the names of
     * the PCI devices' vmsds with another layout (the VGA core alone). */
    if (!strchr(idstr, '/')) {
        if (strcmp(idstr, "vga") == 0) {
            return &vmc_vmsd_vga_common;
        }
        if (strcmp(idstr, "cirrus_vga") == 0) {
            return &vmc_vmsd_cirrus_core;
        }
    }
    return vmc_devices_find_vmsd(vmc_devices_vmsd_name_of(idstr));
}
