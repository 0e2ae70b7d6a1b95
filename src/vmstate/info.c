/* VMStateInfo catalogue (QEMU 7.2 migration/vmstate-types.c and device infos). */
#include "vmstate/info.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

static const vmc_info infos[] = {
    { "bool", VMC_INFO_BOOL, 1, false },
    { "int8", VMC_INFO_SINT, 1, false },
    { "int16", VMC_INFO_SINT, 2, false },
    { "int32", VMC_INFO_SINT, 4, false },
    { "int64", VMC_INFO_SINT, 8, false },
    { "uint8", VMC_INFO_UINT, 1, false },
    { "uint16", VMC_INFO_UINT, 2, false },
    { "uint32", VMC_INFO_UINT, 4, false },
    { "uint64", VMC_INFO_UINT, 8, false },
    { "uint8 equal", VMC_INFO_UINT, 1, true },
    { "uint16 equal", VMC_INFO_UINT, 2, true },
    { "int32 equal", VMC_INFO_SINT, 4, true },
    { "uint32 equal", VMC_INFO_UINT, 4, true },
    /* QEMU's vmstate_info_uint64_equal is named "int64 equal". */
    { "int64 equal", VMC_INFO_UINT, 8, true },
    { "int32 le", VMC_INFO_SINT, 4, false },
    { "CPU_Double_U", VMC_INFO_DOUBLE, 8, false },
    { "timer", VMC_INFO_TIMER, 8, false },
    { "buffer", VMC_INFO_OPAQUE, 0, false },
    { "unused_buffer", VMC_INFO_OPAQUE, 0, false },
    { "bitmap", VMC_INFO_OPAQUE, 0, false },
    { "struct", VMC_INFO_STRUCT, 0, false },
    { "vstruct", VMC_INFO_STRUCT, 0, false },
    { "tmp", VMC_INFO_STRUCT, 0, false },
    { "qtailq", VMC_INFO_OPAQUE, 0, false },
    { "qlist", VMC_INFO_OPAQUE, 0, false },
    { "gtree", VMC_INFO_OPAQUE, 0, false },
    { "capability", VMC_INFO_OPAQUE, 0, false },
    /* The null-pointer marker (0x30); 7.2 names its info "uint64". */
    { "nullptr", VMC_INFO_OPAQUE, 1, false },
    { "pci config", VMC_INFO_CUSTOM, 0, false },
    { "pci irq state", VMC_INFO_CUSTOM, 16, false },
    { "msix state", VMC_INFO_CUSTOM, 0, false },
    { "virtio", VMC_INFO_CUSTOM, 0, false },
    { "virtqueue_extra_state", VMC_INFO_CUSTOM, 0, false },
    { "virtio-gpu", VMC_INFO_CUSTOM, 0, false },
    { "shpc", VMC_INFO_OPAQUE, 0, false },
    { "scsi-requests", VMC_INFO_CUSTOM, 0, false },
    { "usb-redir-parser", VMC_INFO_OPAQUE, 0, false },
    { "usb-redir-bufpq", VMC_INFO_OPAQUE, 0, false },
    { "usb-redir-packet-id-q", VMC_INFO_OPAQUE, 0, false },
    { "int32_as_uint16", VMC_INFO_UINT, 2, false },
    { "uint16_from_uint8", VMC_INFO_UINT, 1, false },
    { "unknown", VMC_INFO_OPAQUE, 0, false },
    /* ours: libslirp's state behind the old-style "slirp" section */
    { "slirp-state", VMC_INFO_CUSTOM, 0, false },
};

static gpointer index_infos(gpointer unused)
{
    (void)unused;
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++) {
        if (!g_hash_table_contains(h, infos[i].name)) {   /* the first one wins */
            g_hash_table_insert(h, (gpointer)infos[i].name, (gpointer)&infos[i]);
        }
    }
    return h;
}

const vmc_info *vmc_info_find(const char *name)
{
    /* called once per decoded leaf: a hash lookup, not a scan of ~90 names;
     * the table is built once, thread-safely, and only read afterwards */
    static GOnce once = G_ONCE_INIT;
    if (!name) {
        return NULL;
    }
    /* Type names mostly come from static descriptor tables or one parsed
     * vmdesc, so the same pointer is asked for again and again: remember
     * the last answers by pointer (per thread) before hashing the string.
     * The pointer may have been freed and reused for another name since,
     * hence the strcmp against the answer's own name. */
    static _Thread_local struct {
        const char *name;
        const vmc_info *info;
    } recent[64];
    size_t slot = ((uintptr_t)name >> 3) & 63;
    if (recent[slot].name == name && strcmp(recent[slot].info->name, name) == 0) {
        return recent[slot].info;
    }
    GHashTable *h = g_once(&once, index_infos, NULL);
    const vmc_info *info = g_hash_table_lookup(h, name);
    if (info) {
        recent[slot].name = name;
        recent[slot].info = info;
    }
    return info;
}

char vmc_info_analyze_style(const char *name)
{
    /* The reader table of analyze-migration.py (7.2): "uint8 equal",
     * "uint16 equal" and "int64 equal" are read as *signed* ints there. */
    static const struct {
        const char *name;
        char style;
    } table[] = {
        { "bool", 'b' },          { "int8", 's' },         { "int16", 's' },
        { "int32", 's' },         { "int32 equal", 's' },  { "int32 le", 's' },
        { "int64", 's' },         { "uint8", 'u' },        { "uint16", 'u' },
        { "uint32", 'u' },        { "uint32 equal", 'u' }, { "uint64", 'u' },
        { "int64 equal", 's' },   { "uint8 equal", 's' },  { "uint16 equal", 's' },
        { "struct", 'S' },
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(table[i].name, name) == 0) {
            return table[i].style;
        }
    }
    return 'h';
}
