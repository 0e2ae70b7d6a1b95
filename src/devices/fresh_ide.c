/*
 * IDE drives of a fresh machine (QEMU 7.2): which drive sits on which
 * controller bus and unit, the signature its reset leaves in the task-file
 * registers, and the geometry pc_cmos_init_late() writes to the CMOS for
 * hard disks on the first two buses.
 *
 * A hard disk's geometry is its cyls/heads/secs properties or, as
 * hd_geometry_guess() does for a disk without a partition table, 16 heads,
 * 63 sectors and size / (16 * 63) cylinders (2..16383).  The image is read
 * for its size and to make sure sector 0 holds no MBR: raw files, and
 * qcow2 images without a backing file whose first cluster is unallocated.
 */
#include "devices/fresh_internal.h"
#include "devices/fresh_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const vmc_qopts *drive_backend(vmc_model *m, const char *id)
{
    for (size_t i = 0; id && i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *bid = vmc_qopts_get(o, "id");
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "drive") == 0 && bid &&
            strcmp(bid, id) == 0) {
            return o;
        }
    }
    return NULL;
}

int vmc_fresh_ide_bus_drives(vmc_model *m, const vmc_mbus *bus, vmc_fresh_ide_drive *units,
                             int nunits)
{
    memset(units, 0, sizeof(*units) * (size_t)nunits);
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        if (d->bus != bus) {
            continue;
        }
        int kind = !strcmp(d->type, "ide-hd") ? VMC_IDE_HD : !strcmp(d->type, "ide-cd")
                                                                ? VMC_IDE_CD : 0;
        if (!kind) {
            return -1;
        }
        /* ide_dev_initfn(): unit= or the master when free, else the slave */
        int64_t unit = vmc_mdev_prop_int(d, "unit", -1);
        if (unit == -1) {
            unit = units[0].kind ? 1 : 0;
        }
        if (unit < 0 || unit >= nunits || units[unit].kind) {
            return -1;
        }
        units[unit].kind = kind;
        units[unit].dev = d;
    }
    return 0;
}

void vmc_fresh_ide_if(vmc_state *st, const char *prefix, int kind)
{
    vmc_fresh_i(st, 16, "%s.mult_sectors", prefix);   /* MAX_MULT_SECTORS */
    vmc_fresh_u(st, 1, "%s.nsector", prefix);
    vmc_fresh_u(st, 1, "%s.sector", prefix);
    /* ide_set_signature(): 0/0 for a disk, 0x14/0xeb for ATAPI, ff/ff for none */
    if (kind == VMC_IDE_CD) {
        vmc_fresh_u(st, 0x14, "%s.lcyl", prefix);
        vmc_fresh_u(st, 0xeb, "%s.hcyl", prefix);
    } else if (kind == 0) {
        vmc_fresh_u(st, 0xff, "%s.lcyl", prefix);
        vmc_fresh_u(st, 0xff, "%s.hcyl", prefix);
    }
    vmc_fresh_u(st, 0xa0, "%s.select", prefix);
    vmc_fresh_u(st, 0x50, "%s.status", prefix);      /* READY_STAT | SEEK_STAT */
}

static uint64_t be_at(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

/* Size of the image in bytes, or 0 when its sector 0 may hold an MBR or it is unreadable. */
static uint64_t image_size_without_mbr(const char *file, const char *format)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        return 0;
    }
    uint64_t size = 0;
    uint8_t b[512];
    if (!format || strcmp(format, "raw") == 0) {
        struct stat sb;
        if (fstat(fileno(f), &sb) == 0) {
            size_t n = fread(b, 1, sizeof(b), f);
            bool mbr = n == sizeof(b) && b[510] == 0x55 && b[511] == 0xaa;
            size = mbr ? 0 : (uint64_t)sb.st_size;
        }
    } else if (strcmp(format, "qcow2") == 0) {
        /* header: magic, version, backing_file_offset, ..., size @24,
         * cluster_bits @20, l1_size @36, l1_table_offset @40 */
        uint8_t l1[8];
        if (fread(b, 1, 72, f) == 72 && be_at(b, 4) == 0x514649fb && be_at(b + 8, 8) == 0 &&
            fseek(f, (long)be_at(b + 40, 8), SEEK_SET) == 0 && fread(l1, 1, 8, f) == 8 &&
            be_at(l1, 8) == 0) {
            size = be_at(b + 24, 8);
        }
    }
    fclose(f);
    return size;
}

int vmc_fresh_hd_geometry(vmc_model *m, vmc_mdev *d, int *cyls, int *heads, int *secs,
                          int *trans)
{
    *cyls = (int)vmc_mdev_prop_int(d, "cyls", 0);
    *heads = (int)vmc_mdev_prop_int(d, "heads", 0);
    *secs = (int)vmc_mdev_prop_int(d, "secs", 0);
    const char *t = vmc_mdev_prop(d, "bios-chs-trans");
    if (t && strcmp(t, "auto") != 0) {
        return -1;
    }
    if (!*cyls && !*heads && !*secs) {
        const vmc_qopts *drv = drive_backend(m, vmc_mdev_prop(d, "drive"));
        const char *file = drv ? vmc_qopts_get(drv, "file") : NULL;
        uint64_t size = file ? image_size_without_mbr(file, vmc_qopts_get(drv, "format")) : 0;
        if (!size) {
            return -1;
        }
        uint64_t c = size / 512 / (16 * 63);
        *cyls = c > 16383 ? 16383 : c < 2 ? 2 : (int)c;
        *heads = 16;
        *secs = 63;
    } else if (!*cyls || !*heads || !*secs) {
        return -1;
    }
    /* hd_bios_chs_auto_trans(): no translation for a geometry the BIOS can address */
    *trans = *cyls <= 1024 && *heads <= 16 && *secs <= 63 ? 0 : 1;
    return 0;
}
