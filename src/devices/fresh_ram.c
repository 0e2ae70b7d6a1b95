/* Device-filled RAM blocks of a fresh machine (fresh.h): lookup by owner and name. */
#include "devices/fresh.h"
#include "devices/fresh_qxl.h"

#include <string.h>

const vmc_fresh_ram_def vmc_fresh_ram_defs[] = {
    { "qxl-vga", "qxl.vrom", vmc_fresh_qxl_vrom },
    { "qxl-vga", "vga.vram", vmc_fresh_qxl_vga_ram },
    { "qxl", "qxl.vrom", vmc_fresh_qxl_vrom },
    { "qxl", "qxl.vgavram", vmc_fresh_qxl_vga_ram },
    { NULL, NULL, NULL },
};

int vmc_fresh_ram_contents(vmc_model *m, const vmc_model_ram_block *b, uint8_t **data,
                           size_t *len)
{
    size_t nlen = strlen(b->name);
    for (const vmc_fresh_ram_def *d = vmc_fresh_ram_defs; d->device; d++) {
        size_t slen = strlen(d->block_suffix);
        if (nlen < slen || strcmp(b->name + nlen - slen, d->block_suffix) != 0) {
            continue;
        }
        /* the owner: the device whose path prefixes the block name */
        for (guint i = 0; i < m->devices->len; i++) {
            vmc_mdev *dev = g_ptr_array_index(m->devices, i);
            size_t plen = dev->path ? strlen(dev->path) : 0;
            /* "<path>/<suffix>", or just "<suffix>" for a device with
             * global-vmstate (old machine types' VGA RAM: one such device) */
            bool own = plen && plen + 1 + slen == nlen && strncmp(b->name, dev->path, plen) == 0 &&
                       b->name[plen] == '/';
            bool global = nlen == slen && vmc_mdev_prop_bool(dev, "global-vmstate", false);
            if ((own || global) && strcmp(dev->type, d->device) == 0) {
                int rc = d->fn(m, dev, b, data, len);
                return rc < 0 ? rc : 1;
            }
        }
    }
    return 0;
}
