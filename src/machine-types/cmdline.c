/* QEMU command-line parsing; see include/vmcompat/cmdline.h. */
#include "vmcompat/cmdline.h"
#include "common/error_internal.h"
#include "machine-types/board_defaults.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct vmc_qopts {
    GPtrArray *keys;     /* char* */
    GPtrArray *values;   /* char* */
    char *text;          /* as given (vmc_qopts_parse), or NULL */
};

static vmc_qopts *qopts_new(void)
{
    vmc_qopts *o = g_new0(vmc_qopts, 1);
    o->keys = g_ptr_array_new_with_free_func(g_free);
    o->values = g_ptr_array_new_with_free_func(g_free);
    return o;
}

void vmc_qopts_free(vmc_qopts *o)
{
    if (o) {
        g_ptr_array_free(o->keys, TRUE);
        g_ptr_array_free(o->values, TRUE);
        g_free(o->text);
        g_free(o);
    }
}

static void qopts_add(vmc_qopts *o, const char *k, const char *v)
{
    g_ptr_array_add(o->keys, g_strdup(k));
    g_ptr_array_add(o->values, g_strdup(v));
}

size_t vmc_qopts_count(const vmc_qopts *o) { return o->keys->len; }
const char *vmc_qopts_text(const vmc_qopts *o) { return o ? o->text : NULL; }
const char *vmc_qopts_key(const vmc_qopts *o, size_t i) { return g_ptr_array_index(o->keys, i); }
const char *vmc_qopts_value(const vmc_qopts *o, size_t i)
{
    return g_ptr_array_index(o->values, i);
}

const char *vmc_qopts_get(const vmc_qopts *o, const char *key)
{
    for (size_t i = o->keys->len; i-- > 0;) {
        if (strcmp(g_ptr_array_index(o->keys, i), key) == 0) {
            return g_ptr_array_index(o->values, i);
        }
    }
    return NULL;
}

/* Next element up to an unescaped ',' or '='; ",," is a literal comma. */
static char *get_token(const char **p, char stop)
{
    GString *s = g_string_new(NULL);
    while (**p) {
        if (**p == ',') {
            if ((*p)[1] == ',') {
                g_string_append_c(s, ',');
                *p += 2;
                continue;
            }
            break;
        }
        if (stop && **p == stop) {
            break;
        }
        g_string_append_c(s, **p);
        (*p)++;
    }
    return g_string_free(s, FALSE);
}

/*
 * The JSON form of an option argument (-object {"qom-type": ...}, -device
 * {"driver": ...}, -blockdev, -netdev, -audiodev; libvirt writes these):
 * members as key=value, nested objects and arrays flattened with dots as
 * QEMU's keyval does ("file.filename", "hosts.0.host"), booleans on/off,
 * numbers in decimal.
 */
static void add_json_member(vmc_qopts *o, const char *key, json_object *v, int depth)
{
    if (depth > 16) {
        return;
    }
    switch (json_object_get_type(v)) {
    case json_type_object: {
        json_object_object_foreach(v, k, m) {
            char *sub = g_strdup_printf("%s.%s", key, k);
            add_json_member(o, sub, m, depth + 1);
            g_free(sub);
        }
        break;
    }
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            char *sub = g_strdup_printf("%s.%zu", key, i);
            add_json_member(o, sub, json_object_array_get_idx(v, i), depth + 1);
            g_free(sub);
        }
        break;
    case json_type_boolean:
        qopts_add(o, key, json_object_get_boolean(v) ? "on" : "off");
        break;
    case json_type_null:
        break;
    default:
        qopts_add(o, key, json_object_get_string(v));
        break;
    }
}

static int parse_json(vmc_qopts *o, const char *text)
{
    json_tokener *tok = json_tokener_new_ex(32);
    if (!tok) {
        return -1;
    }
    size_t len = strlen(text);
    json_object *root = len <= INT32_MAX ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
    bool whole = root && json_tokener_get_parse_end(tok) == len;
    json_tokener_free(tok);
    if (!whole || !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        return -1;
    }
    json_object_object_foreach(root, k, v) {
        add_json_member(o, k, v, 0);
    }
    json_object_put(root);
    return 0;
}

static int parse_into(vmc_qopts *o, const char *text, const char *implied_key)
{
    if (text[0] == '{') {
        return parse_json(o, text);
    }
    const char *p = text;
    bool first = true;
    while (*p) {
        char *key = get_token(&p, '=');
        if (*p == '=') {
            p++;
            char *value = get_token(&p, 0);
            qopts_add(o, key, value);
            g_free(value);
        } else if (first && implied_key) {
            qopts_add(o, implied_key, key);
        } else if (!key[0]) {
            g_free(key);
            if (*p == ',') {
                p++;
            }
            first = false;
            continue;
        } else if (strncmp(key, "no", 2) == 0 && key[2]) {
            /* QEMU still accepts "nofoo" for foo=off (deprecated) */
            qopts_add(o, key + 2, "off");
        } else {
            qopts_add(o, key, "on");
        }
        g_free(key);
        first = false;
        if (*p == ',') {
            p++;
        }
    }
    return 0;
}

int vmc_qopts_parse(vmc_qopts **out, const char *text, const char *implied_key)
{
    vmc_qopts *o = qopts_new();
    if (parse_into(o, text, implied_key)) {
        vmc_qopts_free(o);
        *out = NULL;
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "qemu-system-x86_64: %s: not a JSON object", text);
    }
    o->text = g_strdup(text);
    *out = o;
    return 0;
}

typedef struct backend {
    char *kind;
    vmc_qopts *opts;
} backend;

struct vmc_cmdline {
    vmc_qopts *machine, *memory, *smp;
    char *cpu;
    char *accel;
    GPtrArray *devices;   /* vmc_qopts* */
    GPtrArray *globals;   /* char*[3] triples, flattened */
    GArray *backends;     /* backend */
    GPtrArray *legacy;    /* option, arg pairs, flattened */
    GPtrArray *adopted;   /* vmc_qopts* the machine model made up (board_defaults.h) */
    bool nodefaults;
    char *uuid;
    char *incoming;
};

void vmc_cmdline_free(vmc_cmdline *c)
{
    if (!c) {
        return;
    }
    vmc_qopts_free(c->machine);
    vmc_qopts_free(c->memory);
    vmc_qopts_free(c->smp);
    g_free(c->cpu);
    g_free(c->accel);
    g_ptr_array_free(c->devices, TRUE);
    g_ptr_array_free(c->globals, TRUE);
    for (size_t i = 0; i < c->backends->len; i++) {
        backend *b = &g_array_index(c->backends, backend, i);
        g_free(b->kind);
        vmc_qopts_free(b->opts);
    }
    g_array_free(c->backends, TRUE);
    g_ptr_array_free(c->legacy, TRUE);
    if (c->adopted) {
        g_ptr_array_free(c->adopted, TRUE);
    }
    g_free(c->uuid);
    g_free(c->incoming);
    g_free(c);
}

/* What each qemu-system-x86_64 7.2 option does here. */
typedef enum { O_IGNORE = 0, O_MACHINE, O_MEMORY, O_SMP, O_CPU, O_ACCEL, O_ENABLE_KVM, O_DEVICE,
               O_GLOBAL, O_BACKEND, O_LEGACY, O_NODEFAULTS, O_UUID, O_INCOMING,
               O_NO_MACHINE_FLAG, O_UNSUPPORTED } opt_action;

static const struct opt_def {
    const char *name;
    bool arg;
    opt_action action;
} options[] = {
    { "machine", true, O_MACHINE }, { "M", true, O_MACHINE }, { "cpu", true, O_CPU },
    { "accel", true, O_ACCEL }, { "smp", true, O_SMP }, { "m", true, O_MEMORY },
    { "device", true, O_DEVICE }, { "global", true, O_GLOBAL }, { "nodefaults", false, O_NODEFAULTS },
    { "uuid", true, O_UUID }, { "incoming", true, O_INCOMING }, { "enable-kvm", false, O_ENABLE_KVM },
    /* back ends */
    { "drive", true, O_BACKEND }, { "blockdev", true, O_BACKEND }, { "netdev", true, O_BACKEND },
    { "chardev", true, O_BACKEND }, { "object", true, O_BACKEND }, { "audiodev", true, O_BACKEND },
    { "fsdev", true, O_BACKEND }, { "tpmdev", true, O_BACKEND },
    /* shorthands that create devices */
    { "vga", true, O_LEGACY }, { "serial", true, O_LEGACY }, { "parallel", true, O_LEGACY },
    { "net", true, O_LEGACY }, { "nic", true, O_LEGACY }, { "usb", false, O_LEGACY },
    { "usbdevice", true, O_LEGACY }, { "hda", true, O_LEGACY }, { "hdb", true, O_LEGACY },
    { "hdc", true, O_LEGACY }, { "hdd", true, O_LEGACY }, { "cdrom", true, O_LEGACY },
    { "fda", true, O_LEGACY }, { "fdb", true, O_LEGACY }, { "monitor", true, O_LEGACY },
    { "mon", true, O_LEGACY }, { "debugcon", true, O_LEGACY }, { "virtfs", true, O_LEGACY },
    { "numa", true, O_LEGACY }, { "mtdblock", true, O_LEGACY }, { "sd", true, O_LEGACY },
    { "pflash", true, O_LEGACY }, { "audio", true, O_LEGACY }, { "spice", true, O_LEGACY },
    { "acpitable", true, O_LEGACY }, { "smbios", true, O_LEGACY }, { "fw_cfg", true, O_LEGACY },
    { "option-rom", true, O_LEGACY }, { "bios", true, O_LEGACY }, { "kernel", true, O_LEGACY },
    { "initrd", true, O_LEGACY }, { "append", true, O_LEGACY }, { "icount", true, O_LEGACY },
    { "rtc", true, O_LEGACY }, { "no-hpet", false, O_NO_MACHINE_FLAG },
    { "no-acpi", false, O_NO_MACHINE_FLAG },
    { "mem-path", true, O_LEGACY }, { "mem-prealloc", false, O_LEGACY },
    /* accepted, no effect on migrated state */
    { "display", true, O_IGNORE }, { "nographic", false, O_IGNORE }, { "vnc", true, O_IGNORE },
    { "qmp", true, O_IGNORE }, { "qmp-pretty", true, O_IGNORE }, { "S", false, O_IGNORE },
    { "no-user-config", false, O_IGNORE }, { "nodefconfig", false, O_IGNORE },
    { "name", true, O_IGNORE }, { "daemonize", false, O_IGNORE }, { "pidfile", true, O_IGNORE },
    { "D", true, O_IGNORE }, { "d", true, O_IGNORE }, { "trace", true, O_IGNORE },
    { "msg", true, O_IGNORE }, { "boot", true, O_IGNORE }, { "k", true, O_IGNORE },
    { "no-reboot", false, O_IGNORE }, { "no-shutdown", false, O_IGNORE }, { "action", true, O_IGNORE },
    { "sandbox", true, O_IGNORE }, { "runas", true, O_IGNORE }, { "chroot", true, O_IGNORE },
    { "overcommit", true, O_IGNORE }, { "seed", true, O_IGNORE }, { "L", true, O_IGNORE },
    { "snapshot", false, O_IGNORE }, { "full-screen", false, O_IGNORE }, { "g", true, O_IGNORE },
    { "add-fd", true, O_IGNORE }, { "set", true, O_IGNORE }, { "watchdog-action", true, O_IGNORE },
    { "echr", true, O_IGNORE }, { "only-migratable", false, O_IGNORE }, { "s", false, O_IGNORE },
    { "gdb", true, O_IGNORE }, { "dfilter", true, O_IGNORE }, { "preconfig", false, O_IGNORE },
    { "singlestep", false, O_IGNORE }, { "enable-sync-profile", false, O_IGNORE },
    { "async-teardown", false, O_IGNORE }, { "compat", true, O_IGNORE }, { "iscsi", true, O_IGNORE },
    { "rotate", true, O_IGNORE }, { "portrait", false, O_IGNORE }, { "win2k-hack", false, O_IGNORE },
    { "no-fd-bootchk", false, O_IGNORE }, { "plugin", true, O_IGNORE },
    /* would change the machine in ways not modelled */
    { "loadvm", true, O_UNSUPPORTED }, { "readconfig", true, O_UNSUPPORTED },
    { "xen-domid", true, O_UNSUPPORTED }, { "xen-attach", false, O_UNSUPPORTED },
    { "xen-domid-restrict", false, O_UNSUPPORTED }, { "dump-vmstate", true, O_UNSUPPORTED },
    { "qtest", true, O_UNSUPPORTED }, { "qtest-log", true, O_UNSUPPORTED },
    { "semihosting", false, O_UNSUPPORTED }, { "semihosting-config", true, O_UNSUPPORTED },
    { "prom-env", true, O_UNSUPPORTED }, { "dtb", true, O_UNSUPPORTED },
    { "old-param", false, O_UNSUPPORTED }, { "help", false, O_UNSUPPORTED },
    { "version", false, O_UNSUPPORTED }, { "audio-help", false, O_UNSUPPORTED },
};

static const struct opt_def *find_option(const char *name)
{
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        if (strcmp(options[i].name, name) == 0) {
            return &options[i];
        }
    }
    return NULL;
}

static int add_global(vmc_cmdline *c, const char *arg)
{
    const char *driver = NULL, *prop = NULL, *value = NULL;
    char *d = NULL, *p = NULL, *v = NULL;
    vmc_qopts *o;
    if (vmc_qopts_parse(&o, arg, NULL)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, "-global",
                             "qemu-system-x86_64: -global %s: invalid JSON", arg);
    }
    if (vmc_qopts_get(o, "driver") || vmc_qopts_get(o, "property")) {
        driver = vmc_qopts_get(o, "driver");
        prop = vmc_qopts_get(o, "property");
        value = vmc_qopts_get(o, "value");
    } else {
        /* driver.property=value; the value may contain '=' and ',' (no escaping) */
        const char *dot = strchr(arg, '.');
        const char *eq = dot ? strchr(dot, '=') : NULL;
        if (dot && eq) {
            d = g_strndup(arg, (size_t)(dot - arg));
            p = g_strndup(dot + 1, (size_t)(eq - dot - 1));
            v = g_strdup(eq + 1);
            driver = d;
            prop = p;
            value = v;
        }
    }
    int rc = 0;
    if (!driver || !prop || !value || !*driver || !*prop) {
        rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-global",
                           "qemu-system-x86_64: -global %s: Invalid format: expected "
                           "driver.property=value", arg);
    } else {
        g_ptr_array_add(c->globals, g_strdup(driver));
        g_ptr_array_add(c->globals, g_strdup(prop));
        g_ptr_array_add(c->globals, g_strdup(value));
    }
    g_free(d);
    g_free(p);
    g_free(v);
    vmc_qopts_free(o);
    return rc;
}

/*
 * -hda..-hdd FILE and -cdrom FILE are -drive options too (drive_add: IDE
 * index 0-3, the CD-ROM at index 2), in command-line order with the
 * -drive ones; the id is the one QEMU gives them on the pc machines.
 */
static void add_legacy_drive(vmc_cmdline *c, const char *name, const char *arg)
{
    static const char *const opts[] = { "hda", "hdb", "hdc", "hdd", "cdrom" };
    static const char *const ids[] = { "ide0-hd0", "ide0-hd1", "ide1-hd0", "ide1-hd1",
                                       "ide1-cd0" };
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, opts[i]) != 0) {
            continue;
        }
        backend b = { .kind = g_strdup("drive"), .opts = qopts_new() };
        qopts_add(b.opts, "file", arg);
        char index[2] = { (char)('0' + (i == 4 ? 2 : i)), 0 };
        qopts_add(b.opts, "index", index);
        qopts_add(b.opts, "media", i == 4 ? "cdrom" : "disk");
        qopts_add(b.opts, "if", "ide");
        qopts_add(b.opts, "id", ids[i]);
        g_array_append_val(c->backends, b);
    }
}

int vmc_cmdline_parse(vmc_cmdline **out, int argc, const char *const *argv)
{
    vmc_cmdline *c = g_new0(vmc_cmdline, 1);
    c->machine = qopts_new();
    c->memory = qopts_new();
    c->smp = qopts_new();
    c->devices = g_ptr_array_new_with_free_func((GDestroyNotify)vmc_qopts_free);
    c->globals = g_ptr_array_new_with_free_func(g_free);
    c->backends = g_array_new(FALSE, TRUE, sizeof(backend));
    c->legacy = g_ptr_array_new_with_free_func(g_free);
    int rc = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {
            /* QEMU treats a bare word as -hda */
            g_ptr_array_add(c->legacy, g_strdup("hda"));
            g_ptr_array_add(c->legacy, g_strdup(a));
            add_legacy_drive(c, "hda", a);
            continue;
        }
        const char *name = a + 1 + (a[1] == '-');
        const struct opt_def *od = find_option(name);
        if (!od) {
            rc = vmc_error_set(VMC_EUSAGE, -1, NULL, a, "qemu-system-x86_64: %s: invalid option",
                               a);
            break;
        }
        const char *arg = NULL;
        if (od->arg) {
            if (i + 1 >= argc) {
                rc = vmc_error_set(VMC_EUSAGE, -1, NULL, a,
                                   "qemu-system-x86_64: %s: requires an argument", a);
                break;
            }
            arg = argv[++i];
        }
        switch (od->action) {
        case O_MACHINE:
            parse_into(c->machine, arg, "type");
            if (vmc_qopts_get(c->machine, "accel")) {
                g_free(c->accel);
                c->accel = g_strdup(vmc_qopts_get(c->machine, "accel"));
            }
            break;
        case O_MEMORY:
            parse_into(c->memory, arg, "size");
            break;
        case O_SMP:
            parse_into(c->smp, arg, "cpus");
            break;
        case O_CPU:
            g_free(c->cpu);
            c->cpu = g_strdup(arg);
            break;
        case O_ACCEL: {
            vmc_qopts *o;
            if (vmc_qopts_parse(&o, arg, "accel")) {
                rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-accel",
                                   "qemu-system-x86_64: -accel %s: invalid JSON", arg);
                break;
            }
            g_free(c->accel);
            c->accel = g_strdup(vmc_qopts_get(o, "accel"));
            vmc_qopts_free(o);
            break;
        }
        case O_ENABLE_KVM:
            g_free(c->accel);
            c->accel = g_strdup("kvm");
            break;
        case O_DEVICE: {
            vmc_qopts *o;
            if (vmc_qopts_parse(&o, arg, "driver")) {
                rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-device",
                                   "qemu-system-x86_64: -device %s: invalid JSON", arg);
                break;
            }
            if (!vmc_qopts_get(o, "driver")) {
                vmc_qopts_free(o);
                rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-device",
                                   "qemu-system-x86_64: -device %s: Parameter 'driver' is "
                                   "missing", arg);
                break;
            }
            g_ptr_array_add(c->devices, o);
            break;
        }
        case O_GLOBAL:
            rc = add_global(c, arg);
            break;
        case O_BACKEND: {
            backend b = { .kind = g_strdup(name) };
            const char *implied = strcmp(name, "object") == 0 ? "qom-type"
                                  : (strcmp(name, "drive") == 0 || strcmp(name, "blockdev") == 0)
                                      ? NULL
                                      : "backend";
            if (strcmp(name, "netdev") == 0 || strcmp(name, "audiodev") == 0 ||
                strcmp(name, "tpmdev") == 0 || strcmp(name, "fsdev") == 0) {
                implied = "type";
            }
            if (vmc_qopts_parse(&b.opts, arg, implied)) {
                rc = vmc_error_set(VMC_EUSAGE, -1, NULL, name,
                                   "qemu-system-x86_64: -%s %s: invalid JSON", name, arg);
                g_free(b.kind);
                break;
            }
            g_array_append_val(c->backends, b);
            break;
        }
        case O_LEGACY:
            g_ptr_array_add(c->legacy, g_strdup(name));
            g_ptr_array_add(c->legacy, g_strdup(arg ? arg : ""));
            add_legacy_drive(c, name, arg);
            break;
        case O_NO_MACHINE_FLAG:
            /* -no-hpet, -no-acpi: the machine property off, where they stand */
            qopts_add(c->machine, name + 3, "off");
            break;
        case O_NODEFAULTS:
            c->nodefaults = true;
            break;
        case O_UUID:
            g_free(c->uuid);
            c->uuid = g_strdup(arg);
            break;
        case O_INCOMING:
            g_free(c->incoming);
            c->incoming = g_strdup(arg);
            break;
        case O_UNSUPPORTED:
            rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, a,
                               "%s changes the machine in a way vmcompat does not model", a);
            break;
        case O_IGNORE:
        default:
            break;
        }
    }
    if (rc) {
        vmc_cmdline_free(c);
        return rc;
    }
    if (!c->accel) {
        c->accel = g_strdup("tcg");
    }
    *out = c;
    return 0;
}

static bool is_program_name(const char *w)
{
    const char *base = strrchr(w, '/');
    base = base ? base + 1 : w;
    return g_str_has_prefix(base, "qemu-system-") || strcmp(base, "qemu-kvm") == 0 ||
           strcmp(base, "kvm") == 0 || strcmp(base, "qemu") == 0;
}

/*
 * `ps` shows argv joined by spaces, so a JSON option argument arrives bare
 * ({"driver":"virtio-net-pci",...}) and a shell would eat its double quotes.
 * Put single quotes around such words (a '{' starting a word outside
 * quotes, up to its matching '}' followed by a blank or the end); libvirt
 * logs already quote them and are left alone.
 */
static char *quote_bare_json(const char *text)
{
    GString *g = g_string_new(NULL);
    char quote = 0;
    for (size_t i = 0; text[i];) {
        char ch = text[i];
        bool word_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' ||
                          text[i - 1] == '\n';
        if (!quote && ch == '{' && word_start) {
            int depth = 0;
            bool in_str = false;
            size_t j = i;
            for (; text[j]; j++) {
                char c = text[j];
                if (in_str) {
                    if (c == '\\' && text[j + 1]) {
                        j++;
                    } else if (c == '"') {
                        in_str = false;
                    }
                } else if (c == '"') {
                    in_str = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    break;
                }
            }
            if (text[j] == '}' && (!text[j + 1] || g_ascii_isspace(text[j + 1]))) {
                g_string_append_c(g, '\'');
                for (size_t k = i; k <= j; k++) {
                    if (text[k] == '\'') {
                        g_string_append(g, "'\\''");
                    } else {
                        g_string_append_c(g, text[k]);
                    }
                }
                g_string_append_c(g, '\'');
                i = j + 1;
                continue;
            }
        }
        if (quote) {
            if (ch == quote) {
                quote = 0;
            } else if (ch == '\\' && quote == '"' && text[i + 1]) {
                g_string_append_c(g, ch);
                ch = text[++i];
            }
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
        } else if (ch == '\\' && text[i + 1]) {
            g_string_append_c(g, ch);
            ch = text[++i];
        }
        g_string_append_c(g, ch);
        i++;
    }
    return g_string_free(g, FALSE);
}

int vmc_cmdline_parse_shell(vmc_cmdline **out, const char *text)
{
    gint argc = 0;
    gchar **argv = NULL;
    GError *err = NULL;
    if (!text || !*text) {
        return vmc_cmdline_parse(out, 0, NULL);
    }
    char *quoted = quote_bare_json(text);
    gboolean split = g_shell_parse_argv(quoted, &argc, &argv, &err);
    g_free(quoted);
    if (!split) {
        int rc = vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "cannot split the command line: %s",
                               err->message);
        g_error_free(err);
        return rc;
    }
    int skip = argc > 0 && is_program_name(argv[0]) ? 1 : 0;
    int rc = vmc_cmdline_parse(out, argc - skip, (const char *const *)argv + skip);
    g_strfreev(argv);
    return rc;
}

const vmc_qopts *vmc_cmdline_machine(const vmc_cmdline *c) { return c->machine; }
const vmc_qopts *vmc_cmdline_memory(const vmc_cmdline *c) { return c->memory; }
const vmc_qopts *vmc_cmdline_smp(const vmc_cmdline *c) { return c->smp; }
const char *vmc_cmdline_cpu(const vmc_cmdline *c) { return c->cpu; }
const char *vmc_cmdline_accel(const vmc_cmdline *c) { return c->accel; }
size_t vmc_cmdline_device_count(const vmc_cmdline *c) { return c->devices->len; }

const vmc_qopts *vmc_cmdline_device(const vmc_cmdline *c, size_t i)
{
    return i < c->devices->len ? g_ptr_array_index(c->devices, i) : NULL;
}

size_t vmc_cmdline_global_count(const vmc_cmdline *c) { return c->globals->len / 3; }

void vmc_cmdline_global(const vmc_cmdline *c, size_t i, const char **driver,
                        const char **property, const char **value)
{
    *driver = g_ptr_array_index(c->globals, 3 * i);
    *property = g_ptr_array_index(c->globals, 3 * i + 1);
    *value = g_ptr_array_index(c->globals, 3 * i + 2);
}

size_t vmc_cmdline_backend_count(const vmc_cmdline *c) { return c->backends->len; }

const char *vmc_cmdline_backend_kind(const vmc_cmdline *c, size_t i)
{
    return g_array_index(c->backends, backend, i).kind;
}

const vmc_qopts *vmc_cmdline_backend(const vmc_cmdline *c, size_t i)
{
    return g_array_index(c->backends, backend, i).opts;
}

size_t vmc_cmdline_legacy_count(const vmc_cmdline *c) { return c->legacy->len / 2; }

const char *vmc_cmdline_legacy_option(const vmc_cmdline *c, size_t i)
{
    return g_ptr_array_index(c->legacy, 2 * i);
}

const char *vmc_cmdline_legacy_arg(const vmc_cmdline *c, size_t i)
{
    return g_ptr_array_index(c->legacy, 2 * i + 1);
}

bool vmc_cmdline_nodefaults(const vmc_cmdline *c) { return c->nodefaults; }
const char *vmc_cmdline_uuid(const vmc_cmdline *c) { return c->uuid; }
const char *vmc_cmdline_incoming(const vmc_cmdline *c) { return c->incoming; }

void vmc_cmdline_adopt_qopts(vmc_cmdline *c, vmc_qopts *o)
{
    if (!c->adopted) {
        c->adopted = g_ptr_array_new_with_free_func((GDestroyNotify)vmc_qopts_free);
    }
    g_ptr_array_add(c->adopted, o);
}

bool vmc_cmdline_adopted_qopts(const vmc_cmdline *c, const vmc_qopts *o)
{
    for (size_t i = 0; c->adopted && i < c->adopted->len; i++) {
        if (g_ptr_array_index(c->adopted, i) == o) {
            return true;
        }
    }
    return false;
}
