/*
 * The machine model: from a QEMU command line to what that QEMU registers
 * for migration, its RAM blocks and its PCI functions.
 *
 * The build follows QEMU 7.2's start-up order, because section ids are
 * handed out in registration order (with gaps for entries never sent):
 * the CPU timer entry, one "audio" entry per -audiodev, the migration
 * handlers (block, ram, dirty-bitmap), one "slirp" per -netdev user, then
 * the board (board_pc.c), the -device devices in command-line order, and
 * finally acpi_build and globalstate.
 */
#include "devices/model_common.h"
#include "machine-types/acpi_build.h"
#include "machine-types/model_internal.h"
#include "devices/registry.h"
#include "common/error_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *vmc_model_str(vmc_model *m, const char *s)
{
    return s ? g_string_chunk_insert_const(m->strings, s) : NULL;
}

static void free_device(gpointer p)
{
    vmc_mdev *d = p;
    g_free(d->type);
    g_free(d->id);
    g_free(d->path);
    g_free(d->pci);
    if (d->buses) {
        g_ptr_array_free(d->buses, TRUE);
    }
    g_free(d);
}

static void free_bus(gpointer p)
{
    vmc_mbus *b = p;
    g_free(b->name);
    g_free(b->pci_root_path);
    g_free(b);
}

void vmc_model_free(vmc_model *m)
{
    if (!m) {
        return;
    }
    if (m->entries) {
        g_ptr_array_free(m->entries, TRUE);
    }
    if (m->numa_backends) {
        g_ptr_array_free(m->numa_backends, TRUE);
    }
    if (m->sections) {
        g_ptr_array_free(m->sections, TRUE);
    }
    if (m->devices) {
        g_ptr_array_free(m->devices, TRUE);
    }
    if (m->buses) {
        g_ptr_array_free(m->buses, TRUE);
    }
    if (m->ram) {
        g_array_free(m->ram, TRUE);
    }
    if (m->blockers) {
        g_ptr_array_free(m->blockers, TRUE);
    }
    if (m->pci) {
        g_ptr_array_free(m->pci, TRUE);
    }
    if (m->strings) {
        g_string_chunk_free(m->strings);
    }
    vmc_machine_setup_free(m->setup);
    vmc_machine_types_free(m->types);
    vmc_cmdline_free(m->cl);
    g_free(m->firmware_dir);
    g_free(m);
}

/* ---- properties ---------------------------------------------------------- */

const char *vmc_model_prop(vmc_model *m, const char *driver, const char *prop)
{
    vmc_prop_value v;
    if (vmc_machine_setup_value(m->setup, driver, prop, &v) != 0) {
        return NULL;
    }
    if (v.status != VMC_PROP_OK) {
        return NULL;
    }
    return v.value;
}

bool vmc_model_parse_bool(const char *s, bool dflt)
{
    if (!s) {
        return dflt;
    }
    if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1")) {
        return true;
    }
    if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0")) {
        return false;
    }
    return dflt;
}

bool vmc_model_prop_bool(vmc_model *m, const char *driver, const char *prop, bool dflt)
{
    return vmc_model_parse_bool(vmc_model_prop(m, driver, prop), dflt);
}

const char *vmc_mdev_prop(vmc_mdev *d, const char *prop)
{
    if (d->opts) {
        const char *v = vmc_qopts_get(d->opts, prop);
        if (v) {
            return v;
        }
    }
    return vmc_model_prop(d->m, d->type, prop);
}

bool vmc_mdev_prop_bool(vmc_mdev *d, const char *prop, bool dflt)
{
    return vmc_model_parse_bool(vmc_mdev_prop(d, prop), dflt);
}

int64_t vmc_mdev_prop_int(vmc_mdev *d, const char *prop, int64_t dflt)
{
    const char *v = vmc_mdev_prop(d, prop);
    if (!v) {
        return dflt;
    }
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 0);
    return (errno || *end) ? dflt : n;
}

const char *vmc_model_class_field(vmc_model *m, const char *key)
{
    const vmc_machine_class_field *f = vmc_machine_type_class_find(m->mt, key);
    return f ? f->value : NULL;
}

/* ---- devices, buses, entries ----------------------------------------------- */

vmc_mbus *vmc_model_new_bus(vmc_model *m, vmc_mdev *parent, const char *name, vmc_bus_kind kind)
{
    vmc_mbus *b = g_new0(vmc_mbus, 1);
    b->name = g_strdup(name);
    b->kind = kind;
    b->parent = parent;
    g_ptr_array_add(m->buses, b);
    if (parent) {
        if (!parent->buses) {
            parent->buses = g_ptr_array_new();
        }
        g_ptr_array_add(parent->buses, b);
    }
    return b;
}

vmc_mbus *vmc_model_find_bus(vmc_model *m, const char *name)
{
    for (size_t i = 0; i < m->buses->len; i++) {
        vmc_mbus *b = g_ptr_array_index(m->buses, i);
        if (strcmp(b->name, name) == 0) {
            return b;
        }
    }
    return NULL;
}

vmc_mdev *vmc_model_new_device(vmc_model *m, const char *type, const char *id,
                               const vmc_qopts *opts, vmc_mbus *bus)
{
    vmc_mdev *d = g_new0(vmc_mdev, 1);
    d->m = m;
    d->type = g_strdup(type);
    d->id = g_strdup(id);
    d->opts = opts;
    d->bus = bus;
    d->devfn = -1;
    g_ptr_array_add(m->devices, d);
    return d;
}

static uint32_t next_instance(vmc_model *m, const char *idstr)
{
    int64_t best = -1;
    for (size_t i = 0; i < m->entries->len; i++) {
        vmc_mentry *e = g_ptr_array_index(m->entries, i);
        if (strcmp(e->pub.idstr, idstr) == 0 && (int64_t)e->pub.instance_id > best) {
            best = e->pub.instance_id;
        }
    }
    return (uint32_t)(best + 1);
}

static uint32_t next_compat_instance(vmc_model *m, const char *name)
{
    uint32_t inst = 0;
    for (size_t i = 0; i < m->entries->len; i++) {
        vmc_mentry *e = g_ptr_array_index(m->entries, i);
        if (e->has_compat && strcmp(e->pub.compat_idstr, name) == 0 &&
            inst <= e->pub.compat_instance_id) {
            inst = e->pub.compat_instance_id + 1;
        }
    }
    return inst;
}

vmc_model_entry *vmc_model_register(vmc_model *m, vmc_mdev *dev, const char *vmsd_name,
                                    int version_id, int instance_id, int alias_id,
                                    int priority, bool sent)
{
    vmc_mentry *e = g_new0(vmc_mentry, 1);
    e->pub.section_id = m->next_section_id++;
    e->pub.version_id = (uint32_t)version_id;
    e->pub.priority = priority;
    e->pub.sent = sent;
    e->pub.alias_id = alias_id;
    e->pub.vmsd = vmc_devices_find_vmsd(vmsd_name);
    char idstr[256];
    if (dev && dev->path) {
        snprintf(idstr, sizeof(idstr), "%s/%s", dev->path, vmsd_name);
        e->has_compat = true;
        e->pub.compat_idstr = vmc_model_str(m, vmsd_name);
        e->pub.compat_instance_id = instance_id < 0 ? next_compat_instance(m, vmsd_name)
                                                    : (uint32_t)instance_id;
        instance_id = -1;
    } else {
        snprintf(idstr, sizeof(idstr), "%s", vmsd_name);
    }
    e->pub.idstr = vmc_model_str(m, idstr);
    e->pub.instance_id = instance_id < 0 ? next_instance(m, e->pub.idstr) : (uint32_t)instance_id;
    if (dev) {
        e->pub.device = vmc_model_str(m, dev->type);
        e->pub.device_id = vmc_model_str(m, dev->id);
        e->dev = dev;
    }
    g_ptr_array_add(m->entries, e);
    return &e->pub;
}

vmc_model_entry *vmc_model_register_plain(vmc_model *m, const char *idstr, int version_id,
                                          int instance_id, bool iterative, bool sent)
{
    vmc_model_entry *e = vmc_model_register(m, NULL, idstr, version_id, instance_id, -1,
                                            VMC_PRI_DEFAULT, sent);
    e->iterative = iterative;
    if (iterative) {
        e->vmsd = NULL;
    }
    return e;
}

void vmc_model_add_ram_block(vmc_model *m, const char *name, uint64_t used, uint64_t max,
                             bool resizeable, const char *contents_file)
{
    vmc_model_ram_block b = {
        .name = vmc_model_str(m, name),
        .used_length = used,
        .max_length = max ? max : used,
        .resizeable = resizeable,
        .contents_file = vmc_model_str(m, contents_file),
    };
    /* QEMU keeps the RAM list sorted by max_length, largest first; a new
     * block goes after the blocks of the same size. */
    guint i = 0;
    while (i < m->ram->len && g_array_index(m->ram, vmc_model_ram_block, i).max_length >= b.max_length) {
        i++;
    }
    g_array_insert_val(m->ram, i, b);
}

void vmc_model_add_blocker(vmc_model *m, const char *reason)
{
    g_ptr_array_add(m->blockers, g_strdup(reason));
}

size_t vmc_model_blocker_count(const vmc_model *m)
{
    return m->blockers->len;
}

const char *vmc_model_blocker_at(const vmc_model *m, size_t i)
{
    return i < m->blockers->len ? g_ptr_array_index(m->blockers, i) : NULL;
}

void vmc_model_ram_block_unmodelled(vmc_model *m, const char *name, const char *why)
{
    for (guint i = 0; i < m->ram->len; i++) {
        vmc_model_ram_block *b = &g_array_index(m->ram, vmc_model_ram_block, i);
        if (strcmp(b->name, name) == 0) {
            b->contents_unmodelled = vmc_model_str(m, why);
        }
    }
}

/*
 * QEMU looks for firmware along its data directories; Debian's build uses
 * /usr/share/qemu, /usr/share/seabios and /usr/lib/ipxe/qemu.  A directory
 * given in the options (colon-separated) replaces that list.
 */
uint64_t vmc_model_rom_file_size(vmc_model *m, const char *file, bool pow2, char **path_out)
{
    gchar **dirs = g_strsplit(m->firmware_dir, ":", -1);
    uint64_t size = 0;
    for (int i = 0; dirs[i] && !size; i++) {
        char *path = g_build_filename(dirs[i], file, NULL);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            size = (uint64_t)st.st_size;
            if (pow2 && size) {
                uint64_t p = 1;
                while (p < size) {
                    p <<= 1;
                }
                size = p;
            }
            if (path_out) {
                *path_out = path;
                path = NULL;
            }
        }
        g_free(path);
    }
    g_strfreev(dirs);
    return size;
}

/* ---- building ----------------------------------------------------------------- */

static int parse_size(const char *s, uint64_t unit, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0) {
        return -1;
    }
    uint64_t mult = unit;
    switch (*end) {
    case 'k': case 'K': mult = 1ull << 10; end++; break;
    case 'm': case 'M': mult = 1ull << 20; end++; break;
    case 'g': case 'G': mult = 1ull << 30; end++; break;
    case 't': case 'T': mult = 1ull << 40; end++; break;
    case 'b': case 'B': mult = 1; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'B') {
        end++;
    }
    if (*end) {
        return -1;
    }
    *out = (uint64_t)(v * (double)mult);
    return 0;
}

const vmc_qopts *vmc_model_memory_backend(vmc_model *m, const char *id, uint64_t *size)
{
    *size = 0;
    for (size_t i = 0; id && i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        const char *oid = vmc_qopts_get(o, "id");
        const char *qom = vmc_qopts_get(o, "qom-type");
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "object") != 0 || !oid ||
            strcmp(oid, id) != 0) {
            continue;
        }
        if (!qom || strncmp(qom, "memory-backend-", 15) != 0) {
            return NULL;   /* an object of another type holds the id */
        }
        const char *sz = vmc_qopts_get(o, "size");
        if (sz && parse_size(sz, 1, size) != 0) {
            *size = 0;
        }
        return o;
    }
    return NULL;
}

const char *vmc_model_ram_block_name(vmc_model *m, const vmc_qopts *backend)
{
    /* RAMBlock idstr of a memory backend: its id, or its QOM path when
     * x-use-canonical-path-for-ramblock-id is on (hw_compat_4_0 sets it
     * for memory-backend-file and -memfd) */
    const char *qom = vmc_qopts_get(backend, "qom-type");
    const char *id = vmc_qopts_get(backend, "id");
    const char *own = vmc_qopts_get(backend, "x-use-canonical-path-for-ramblock-id");
    bool canonical = own ? vmc_model_parse_bool(own, false)
                         : vmc_model_prop_bool(m, qom, "x-use-canonical-path-for-ramblock-id",
                                               false);
    if (!canonical) {
        return vmc_model_str(m, id);
    }
    char *path = g_strdup_printf("/objects/%s", id);
    const char *r = vmc_model_str(m, path);
    g_free(path);
    return r;
}

/*
 * -numa node,memdev=ID: the guest RAM is the nodes' memory backends, each
 * its own RAM block (numa.c registers them), in -object order; together
 * they make -m (a node without memdev has none).  Without any memdev (on
 * 5.1+ types) the RAM stays "pc.ram".
 */
static int numa_memory(vmc_model *m, bool have_m)
{
    size_t with = 0;
    uint64_t total = 0;
    GHashTable *used = g_hash_table_new(g_str_hash, g_str_equal);
    int rc = 0;
    for (size_t i = 0; i < vmc_cmdline_legacy_count(m->cl) && !rc; i++) {
        if (strcmp(vmc_cmdline_legacy_option(m->cl, i), "numa") != 0) {
            continue;
        }
        vmc_qopts *o;
        if (vmc_qopts_parse(&o, vmc_cmdline_legacy_arg(m->cl, i), "type")) {
            g_hash_table_destroy(used);
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-numa", "qemu-system-x86_64: -numa: "
                                 "invalid option");
        }
        const char *type = vmc_qopts_get(o, "type");
        if (type && !strcmp(type, "node")) {
            const char *memdev = vmc_qopts_get(o, "memdev");
            if (vmc_qopts_get(o, "mem")) {
                rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-numa",
                                   "not modelled: -numa node,mem= (legacy NUMA memory)");
            } else if (memdev) {
                uint64_t size;
                if (!vmc_model_memory_backend(m, memdev, &size)) {
                    /* (QEMU's words for a backend it cannot find) */
                    rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-numa",
                                       "qemu-system-x86_64: -numa %s: memdev=%s is ambiguous",
                                       vmc_cmdline_legacy_arg(m->cl, i), memdev);
                } else {
                    with++;
                    total += size;
                    g_hash_table_add(used, (gpointer)vmc_model_str(m, memdev));
                }
            }
        } else if (!type || (strcmp(type, "dist") != 0 && strcmp(type, "cpu") != 0)) {
            /* hmat-lb, hmat-cache: ACPI only, but with -machine hmat=on */
            rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-numa",
                               "not modelled: -numa %s", type ? type : "");
        }
        vmc_qopts_free(o);
    }
    if (!rc && with) {
        if (!have_m) {
            m->ram_size = total;
        }
        if (total != m->ram_size) {
            rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-numa",
                               "qemu-system-x86_64: total memory for NUMA nodes (0x%llx) should "
                               "equal RAM size (0x%llx)", (unsigned long long)total,
                               (unsigned long long)m->ram_size);
        }
        /* the backends in -object order: the order QEMU allocated them in */
        for (size_t i = 0; !rc && i < vmc_cmdline_backend_count(m->cl); i++) {
            const vmc_qopts *b = vmc_cmdline_backend(m->cl, i);
            const char *id = vmc_qopts_get(b, "id");
            if (!strcmp(vmc_cmdline_backend_kind(m->cl, i), "object") && id &&
                g_hash_table_contains(used, id)) {
                if (!m->numa_backends) {
                    m->numa_backends = g_ptr_array_new();
                }
                g_ptr_array_add(m->numa_backends, (gpointer)b);
            }
        }
    }
    g_hash_table_destroy(used);
    return rc;
}

static int setup_machine(vmc_model *m, const vmc_model_options *opts)
{
    int rc;
    if (opts && opts->tables_path) {
        rc = vmc_machine_types_load_file(&m->types, opts->tables_path);
    } else {
        rc = vmc_machine_types_load_builtin(&m->types);
    }
    if (rc) {
        return rc;
    }
    const char *type = vmc_qopts_get(vmc_cmdline_machine(m->cl), "type");
    if (type) {
        if (vmc_machine_type_find(&m->mt, m->types, type) != 0 || !m->mt) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-machine",
                                 "qemu-system-x86_64: -machine %s: unsupported machine type "
                                 "(use 'vmcompat machines list')", type);
        }
    } else {
        m->mt = vmc_machine_types_default(m->types);
        if (!m->mt) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-machine", "no default machine type");
        }
    }
    const char *family = vmc_machine_type_info(m->mt)->family;
    if (!family || (strcmp(family, "pc_q35") != 0 && strcmp(family, "pc_piix") != 0)) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-machine",
                             "machine type '%s' is not modelled (only the pc-i440fx-* and "
                             "pc-q35-* families are)", vmc_machine_type_info(m->mt)->name);
    }
    m->q35 = strcmp(family, "pc_q35") == 0;
    if ((rc = vmc_machine_setup_new(&m->setup, m->mt, vmc_cmdline_accel(m->cl)))) {
        return rc;
    }
    for (size_t i = 0; i < vmc_cmdline_global_count(m->cl); i++) {
        const char *d, *p, *v;
        vmc_cmdline_global(m->cl, i, &d, &p, &v);
        char *arg = g_strdup_printf("%s.%s=%s", d, p, v);
        rc = vmc_machine_setup_add_global(m->setup, arg);
        g_free(arg);
        if (rc) {
            return rc;
        }
    }
    /* -m */
    m->ram_size = 128ull << 20;
    const char *size = vmc_qopts_get(vmc_cmdline_memory(m->cl), "size");
    if (size && parse_size(size, 1ull << 20, &m->ram_size) != 0) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, "-m",
                             "qemu-system-x86_64: -m %s: invalid size", size);
    }
    if ((rc = numa_memory(m, size != NULL))) {
        return rc;
    }
    /* -machine memory-backend=ID: guest RAM is that backend's */
    const char *memdev = vmc_qopts_get(vmc_cmdline_machine(m->cl), "memory-backend");
    if (memdev) {
        uint64_t bsize;
        m->ram_backend = vmc_model_memory_backend(m, memdev, &bsize);
        if (!m->ram_backend) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "memory-backend",
                                 "qemu-system-x86_64: Memory backend '%s' not found", memdev);
        }
        if (!size) {
            m->ram_size = bsize;   /* no -m: the backend's size */
        } else if (bsize != m->ram_size) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "memory-backend",
                                 "qemu-system-x86_64: Machine memory size does not match the "
                                 "size of the memory backend");
        }
    }
    /* -smp */
    m->smp_cpus = 1;
    const char *cpus = vmc_qopts_get(vmc_cmdline_smp(m->cl), "cpus");
    if (cpus) {
        m->smp_cpus = (unsigned)strtoul(cpus, NULL, 10);
        if (!m->smp_cpus) {
            m->smp_cpus = 1;
        }
    }
    const char *maxcpus = vmc_qopts_get(vmc_cmdline_smp(m->cl), "maxcpus");
    m->max_cpus = maxcpus ? (unsigned)strtoul(maxcpus, NULL, 10) : m->smp_cpus;
    if (m->max_cpus < m->smp_cpus) {
        m->max_cpus = m->smp_cpus;
    }
    if ((rc = vmc_model_resolve_cpu(m))) {
        return rc;
    }
    /* migration object properties (compat props on "migration") */
    m->send_configuration = vmc_model_prop_bool(m, "migration", "send-configuration", true);
    m->send_section_footer = vmc_model_prop_bool(m, "migration", "send-section-footer", true);
    m->store_global_state = vmc_model_prop_bool(m, "migration", "store-global-state", true);
    const char *sv = NULL;
    m->suppress_vmdesc = vmc_machine_type_option(m->mt, "suppress-vmdesc", &sv) == 0 && sv &&
                         vmc_model_parse_bool(sv, false);
    const char *mo = vmc_qopts_get(vmc_cmdline_machine(m->cl), "suppress-vmdesc");
    if (mo) {
        m->suppress_vmdesc = vmc_model_parse_bool(mo, m->suppress_vmdesc);
    }
    return 0;
}

/* The entries registered before the board. */
static void register_early(vmc_model *m)
{
    vmc_model_register_plain(m, "timer", 2, 0, false, true);
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "audiodev") == 0) {
            vmc_model_register_plain(m, "audio", 1, 0, false, false);
        }
    }
    vmc_model_register_plain(m, "block", 1, 0, true, false);
    vmc_model_register_plain(m, "ram", 4, 0, true, true);
    vmc_model_register_plain(m, "dirty-bitmap", 1, 0, true, false);
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const vmc_qopts *o = vmc_cmdline_backend(m->cl, i);
        if (strcmp(vmc_cmdline_backend_kind(m->cl, i), "netdev") == 0 &&
            vmc_qopts_get(o, "type") && strcmp(vmc_qopts_get(o, "type"), "user") == 0) {
            /* every -netdev user registers "slirp" with instance 0 (not ANY) */
            vmc_model_register_plain(m, "slirp", 4, 0, false, true);
        }
    }
}

static int priority_cmp(const void *a, const void *b)
{
    const vmc_model_entry *x = *(const vmc_model_entry *const *)a;
    const vmc_model_entry *y = *(const vmc_model_entry *const *)b;
    if (x->priority != y->priority) {
        return y->priority - x->priority;
    }
    return x->section_id < y->section_id ? -1 : x->section_id > y->section_id;
}

static void order_sections(vmc_model *m)
{
    GPtrArray *full = g_ptr_array_new();
    for (size_t i = 0; i < m->entries->len; i++) {
        vmc_model_entry *e = &((vmc_mentry *)g_ptr_array_index(m->entries, i))->pub;
        if (!e->sent) {
            continue;
        }
        if (e->iterative) {
            g_ptr_array_add(m->sections, e);
        } else {
            g_ptr_array_add(full, e);
        }
    }
    /* handler list order: by priority (highest first), then registration */
    qsort(full->pdata, full->len, sizeof(gpointer), priority_cmp);
    for (size_t i = 0; i < full->len; i++) {
        g_ptr_array_add(m->sections, g_ptr_array_index(full, i));
    }
    g_ptr_array_free(full, TRUE);
}


/*
 * The fw_cfg ROM blobs of the ACPI build as RAM blocks: resizeable, with
 * fixed maximum sizes; used_length is the blob rounded up to 4 KiB (the
 * tables blob is padded to 128 KiB, or sized by the legacy rule of
 * pc-i440fx-1.7/2.0).  The RSDP is a RAM block only where rsdp_in_ram.  When
 * the tables of this machine are not modelled, the usual sizes stand.
 */
static void add_acpi_blocks(vmc_model *m)
{
    vmc_acpi_blobs b;
    uint64_t tables = 0x20000, loader = 0x1000;
    const char *in_ram = vmc_model_class_field(m, "rsdp_in_ram");
    bool rsdp = !in_ram || strcmp(in_ram, "false") != 0;
    vmc_error saved = *vmc_error_last();
    if (vmc_acpi_build(m, &b) == 0) {
        tables = vmc_acpi_ram_block_size(b.tables_len);
        loader = vmc_acpi_ram_block_size(b.loader_len);
        rsdp = b.rsdp_is_ram_block;
        vmc_acpi_blobs_free(&b);
    }
    vmc_error_restore(&saved);
    vmc_model_add_ram_block(m, "/rom@etc/acpi/tables", tables, 0x200000, true, NULL);
    vmc_model_add_ram_block(m, "/rom@etc/table-loader", loader, 0x10000, true, NULL);
    if (rsdp) {
        vmc_model_add_ram_block(m, "/rom@etc/acpi/rsdp", 0x1000, 0x1000, true, NULL);
    }
}

static int build(vmc_model *m, const vmc_model_options *opts)
{
    int rc;
    m->firmware_dir = g_strdup(opts && opts->firmware_dir
                                   ? opts->firmware_dir
                                   : "/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu");
    if ((rc = setup_machine(m, opts))) {
        return rc;
    }
    register_early(m);
    if ((rc = vmc_board_pc_build(m))) {
        return rc;
    }
    for (size_t i = 0; i < vmc_cmdline_device_count(m->cl); i++) {
        if ((rc = vmc_model_add_cli_device(m, vmc_cmdline_device(m->cl, i)))) {
            return rc;
        }
    }
    /* machine done: what the boards and hotplug handlers set once every
     * -device exists (ports' presence/link state, LPC/PM port bits) */
    if ((rc = vmc_devmodel_machine_done(m))) {
        return rc;
    }
    /* then the ACPI tables (when the type builds them), then global state */
    if (m->acpi_blobs) {
        add_acpi_blocks(m);
    }
    const char *acpi = vmc_model_class_field(m, "has_acpi_build");
    if (!acpi || strcmp(acpi, "false") != 0) {
        const char *mach_acpi = vmc_qopts_get(vmc_cmdline_machine(m->cl), "acpi");
        if (!mach_acpi || vmc_model_parse_bool(mach_acpi, true)) {
            vmc_model_register(m, NULL, "acpi_build", 1, 0, -1, VMC_PRI_DEFAULT, true);
        }
    }
    /* sent always when store-global-state is on, else only outside running/paused:
     * a fresh machine is in prelaunch, so always */
    vmc_model_register(m, NULL, "globalstate", 1, 0, -1, VMC_PRI_DEFAULT, true);
    order_sections(m);
    return 0;
}

static void model_init(vmc_model *m)
{
    m->entries = g_ptr_array_new_with_free_func(g_free);
    m->sections = g_ptr_array_new();
    m->devices = g_ptr_array_new_with_free_func(free_device);
    m->buses = g_ptr_array_new_with_free_func(free_bus);
    m->ram = g_array_new(FALSE, TRUE, sizeof(vmc_model_ram_block));
    m->pci = g_ptr_array_new_with_free_func(g_free);
    m->blockers = g_ptr_array_new_with_free_func(g_free);
    m->strings = g_string_chunk_new(4096);
}

int vmc_model_build(vmc_model **out, int argc, const char *const *argv,
                    const vmc_model_options *opts)
{
    vmc_model *m = g_new0(vmc_model, 1);
    model_init(m);
    int rc = vmc_cmdline_parse(&m->cl, argc, argv);
    if (!rc) {
        rc = build(m, opts);
    }
    if (rc) {
        vmc_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int vmc_model_build_shell(vmc_model **out, const char *cmdline, const vmc_model_options *opts)
{
    vmc_model *m = g_new0(vmc_model, 1);
    model_init(m);
    int rc = vmc_cmdline_parse_shell(&m->cl, cmdline);
    if (!rc) {
        rc = build(m, opts);
    }
    if (rc) {
        vmc_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

/* ---- public accessors ------------------------------------------------------------- */

const char *vmc_model_machine(const vmc_model *m)
{
    return vmc_machine_type_info(m->mt)->name;
}

bool vmc_model_send_configuration(const vmc_model *m) { return m->send_configuration; }
bool vmc_model_send_section_footer(const vmc_model *m) { return m->send_section_footer; }
bool vmc_model_suppress_vmdesc(const vmc_model *m) { return m->suppress_vmdesc; }
size_t vmc_model_entry_count(const vmc_model *m) { return m->entries->len; }

const vmc_model_entry *vmc_model_entry_at(const vmc_model *m, size_t i)
{
    return i < m->entries->len ? &((vmc_mentry *)g_ptr_array_index(m->entries, i))->pub : NULL;
}

size_t vmc_model_section_count(const vmc_model *m) { return m->sections->len; }

const vmc_model_entry *vmc_model_section_at(const vmc_model *m, size_t i)
{
    return i < m->sections->len ? g_ptr_array_index(m->sections, i) : NULL;
}

const vmc_model_entry *vmc_model_find_entry(const vmc_model *m, const char *idstr,
                                            uint32_t instance_id)
{
    /* find_se(): first entry, in handler-list order, that matches by name and
     * instance (or alias), or whose compat record matches */
    for (size_t k = 0; k < m->entries->len; k++) {
        const vmc_mentry *e = g_ptr_array_index(m->entries, k);
        if (strcmp(e->pub.idstr, idstr) == 0 &&
            (e->pub.instance_id == instance_id ||
             (e->pub.alias_id >= 0 && (uint32_t)e->pub.alias_id == instance_id))) {
            return &e->pub;
        }
        if (e->has_compat && strstr(e->pub.idstr, idstr) &&
            strcmp(e->pub.compat_idstr, idstr) == 0 &&
            (e->pub.compat_instance_id == instance_id ||
             (e->pub.alias_id >= 0 && (uint32_t)e->pub.alias_id == instance_id))) {
            return &e->pub;
        }
    }
    return NULL;
}

size_t vmc_model_ram_block_count(const vmc_model *m) { return m->ram->len; }

const vmc_model_ram_block *vmc_model_ram_block_at(const vmc_model *m, size_t i)
{
    return i < m->ram->len ? &g_array_index(m->ram, vmc_model_ram_block, i) : NULL;
}

size_t vmc_model_pci_count(const vmc_model *m) { return m->pci->len; }

const vmc_model_pci *vmc_model_pci_at(const vmc_model *m, size_t i)
{
    return i < m->pci->len ? g_ptr_array_index(m->pci, i) : NULL;
}

const vmc_vmsd *vmc_model_lookup(void *model, const char *idstr, uint32_t instance_id,
                                 uint32_t version_id)
{
    const vmc_model_entry *e = vmc_model_find_entry(model, idstr, instance_id);
    return e ? e->vmsd : NULL;
}
