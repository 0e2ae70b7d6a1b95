/*
 * The BIOS linker/loader command blob (fw_cfg file etc/table-loader) that
 * tells the firmware how to place the ACPI blobs, patch their pointers and
 * compute their checksums.  Each command is a 128-byte record: a le32
 * command number and a 124-byte body whose file names are 56-byte
 * NUL-padded fields (the fw_cfg file name size).
 */
#include "machine-types/acpi_build.h"

#include <string.h>

#define CMD_SIZE 128
#define NAME_SIZE 56

enum {
    CMD_ALLOCATE = 1,
    CMD_ADD_POINTER = 2,
    CMD_ADD_CHECKSUM = 3,
};

enum {
    ZONE_HIGH = 1,
    ZONE_FSEG = 2,
};

typedef struct linker_file {
    char *name;
    GByteArray *blob;
} linker_file;

struct vmc_acpi_linker {
    GByteArray *cmds;
    GPtrArray *files;
};

static void free_file(gpointer p)
{
    linker_file *f = p;
    g_free(f->name);
    g_free(f);
}

vmc_acpi_linker *vmc_acpi_linker_new(void)
{
    vmc_acpi_linker *l = g_new0(vmc_acpi_linker, 1);
    l->cmds = g_byte_array_new();
    l->files = g_ptr_array_new_with_free_func(free_file);
    return l;
}

void vmc_acpi_linker_free(vmc_acpi_linker *l)
{
    if (!l) {
        return;
    }
    g_byte_array_free(l->cmds, TRUE);
    g_ptr_array_free(l->files, TRUE);
    g_free(l);
}

GByteArray *vmc_acpi_linker_commands(vmc_acpi_linker *l)
{
    return l->cmds;
}

static linker_file *find_file(vmc_acpi_linker *l, const char *name)
{
    for (guint i = 0; i < l->files->len; i++) {
        linker_file *f = g_ptr_array_index(l->files, i);
        if (strcmp(f->name, name) == 0) {
            return f;
        }
    }
    return NULL;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void put_name(uint8_t *p, const char *name)
{
    size_t n = strlen(name);
    memcpy(p, name, n < NAME_SIZE - 1 ? n : NAME_SIZE - 1);
}

void vmc_acpi_linker_alloc(vmc_acpi_linker *l, const char *file, GByteArray *blob,
                           uint32_t align, bool fseg)
{
    g_assert(!find_file(l, file));
    linker_file *f = g_new0(linker_file, 1);
    f->name = g_strdup(file);
    f->blob = blob;
    g_ptr_array_add(l->files, f);
    uint8_t cmd[CMD_SIZE] = {0};
    put_le32(cmd, CMD_ALLOCATE);
    put_name(cmd + 4, file);
    put_le32(cmd + 4 + NAME_SIZE, align);
    cmd[4 + NAME_SIZE + 4] = fseg ? ZONE_FSEG : ZONE_HIGH;
    /* allocations go before every other command */
    g_byte_array_prepend(l->cmds, cmd, CMD_SIZE);
}

void vmc_acpi_linker_checksum(vmc_acpi_linker *l, const char *file, uint32_t start,
                              uint32_t size, uint32_t cksum_offset)
{
    linker_file *f = find_file(l, file);
    g_assert(f && start + size <= f->blob->len && cksum_offset < start + size);
    f->blob->data[cksum_offset] = 0;
    uint8_t cmd[CMD_SIZE] = {0};
    put_le32(cmd, CMD_ADD_CHECKSUM);
    put_name(cmd + 4, file);
    put_le32(cmd + 4 + NAME_SIZE, cksum_offset);
    put_le32(cmd + 4 + NAME_SIZE + 4, start);
    put_le32(cmd + 4 + NAME_SIZE + 8, size);
    g_byte_array_append(l->cmds, cmd, CMD_SIZE);
}

void vmc_acpi_linker_pointer(vmc_acpi_linker *l, const char *dst_file, uint32_t dst_offset,
                             uint8_t size, const char *src_file, uint32_t src_offset)
{
    linker_file *dst = find_file(l, dst_file);
    linker_file *src = find_file(l, src_file);
    g_assert(dst && src && dst_offset + size <= dst->blob->len && src_offset < src->blob->len);
    g_assert(size == 1 || size == 2 || size == 4 || size == 8);
    uint8_t cmd[CMD_SIZE] = {0};
    put_le32(cmd, CMD_ADD_POINTER);
    put_name(cmd + 4, dst_file);
    put_name(cmd + 4 + NAME_SIZE, src_file);
    put_le32(cmd + 4 + 2 * NAME_SIZE, dst_offset);
    cmd[4 + 2 * NAME_SIZE + 4] = size;
    /* the destination holds the source offset until the firmware adds the base */
    for (int i = 0; i < size; i++) {
        dst->blob->data[dst_offset + i] = i < 4 ? (uint8_t)(src_offset >> (8 * i)) : 0;
    }
    g_byte_array_append(l->cmds, cmd, CMD_SIZE);
}
