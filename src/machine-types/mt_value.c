/*
 * Machine types, their class fields and compat properties, and effective
 * property values with QOM type inheritance (include/vmcompat/machine.h).
 */
#include "mt_internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error_internal.h"

struct vmc_machine_setup {
    const vmc_machine_type *mt;
    const char *accel;
    vmc_arena *arena;          /* -global texts */
    GHashTable *strings;       /* interned result strings */
    mt_entry *list;            /* accel, machine, board, -global */
    size_t n, cap;
    bool dirty;                /* board activity and overridden flags need an update */
};

/* ---- set and machine accessors --------------------------------------------- */

const char *vmc_machine_types_qemu_version(const vmc_machine_types *set)
{
    return set ? set->version : NULL;
}

const char *vmc_machine_types_target(const vmc_machine_types *set)
{
    return set ? set->target : NULL;
}

const char *vmc_machine_types_binary(const vmc_machine_types *set)
{
    return set ? set->binary : NULL;
}

const char *vmc_machine_types_package(const vmc_machine_types *set)
{
    return set ? set->package : NULL;
}

const char *vmc_machine_types_source(const vmc_machine_types *set)
{
    return set ? set->source : NULL;
}

size_t vmc_machine_types_count(const vmc_machine_types *set)
{
    return set ? set->n_concrete : 0;
}

const vmc_machine_type *vmc_machine_types_get(const vmc_machine_types *set, size_t i)
{
    return set && i < set->n_concrete ? set->concrete[i] : NULL;
}

int vmc_machine_type_find(const vmc_machine_type **out, const vmc_machine_types *set,
                          const char *name)
{
    if (!out || !set || !name) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_machine_type_find: bad argument");
    }
    *out = NULL;
    const vmc_machine_type *m = g_hash_table_lookup(set->by_name, name);
    if (!m || m->abstract) {
        m = g_hash_table_lookup(set->by_alias, name);
    }
    if (!m) {
        return vmc_error_set(VMC_ENOTFOUND, -1, NULL, NULL,
                             "unsupported machine type '%s' (`vmcompat machines list` shows "
                             "the machine types of QEMU %s)",
                             name, set->version ? set->version : "?");
    }
    *out = m;
    return 0;
}

const vmc_machine_type *vmc_machine_types_default(const vmc_machine_types *set)
{
    for (size_t i = 0; set && i < set->n_concrete; i++) {
        if (set->concrete[i]->info.is_default) {
            return set->concrete[i];
        }
    }
    return NULL;
}

const vmc_machine_info *vmc_machine_type_info(const vmc_machine_type *mt)
{
    return mt ? &mt->info : NULL;
}

const vmc_machine_types *vmc_machine_type_set(const vmc_machine_type *mt)
{
    return mt ? mt->set : NULL;
}

size_t vmc_machine_type_class_count(const vmc_machine_type *mt)
{
    return mt ? mt->n_fields : 0;
}

const vmc_machine_class_field *vmc_machine_type_class_get(const vmc_machine_type *mt, size_t i)
{
    return mt && i < mt->n_fields ? &mt->fields[i] : NULL;
}

const vmc_machine_class_field *vmc_machine_type_class_find(const vmc_machine_type *mt,
                                                           const char *key)
{
    for (size_t i = 0; mt && key && i < mt->n_fields; i++) {
        if (strcmp(mt->fields[i].key, key) == 0) {
            return &mt->fields[i];
        }
    }
    return NULL;
}

int vmc_machine_type_option(const vmc_machine_type *mt, const char *option, const char **value)
{
    if (!mt || !option || !value) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_machine_type_option: bad argument");
    }
    *value = NULL;
    for (size_t i = mt->n_opts; i-- > 0;) {   /* QEMU: the last one wins */
        if (strcmp(mt->opts[2 * i], option) == 0) {
            *value = mt->opts[2 * i + 1];
            return 0;
        }
    }
    return VMC_ENOTFOUND;
}

size_t vmc_machine_type_compat_count(const vmc_machine_type *mt)
{
    return mt && mt_props_ensure(mt) ? mt->n_compat : 0;
}

const vmc_compat_prop *vmc_machine_type_compat_get(const vmc_machine_type *mt, size_t i)
{
    return mt && i < mt->n_compat && mt_props_ensure(mt) ? &mt->compat[i].pub : NULL;
}

const char *vmc_prop_origin_name(vmc_prop_origin o)
{
    switch (o) {
    case VMC_ORIGIN_DEFAULT:
        return "default";
    case VMC_ORIGIN_ACCEL:
        return "accel";
    case VMC_ORIGIN_MACHINE:
        return "machine";
    case VMC_ORIGIN_BOARD:
        return "board";
    case VMC_ORIGIN_GLOBAL:
        return "global";
    }
    return "?";
}

const char *vmc_prop_status_name(vmc_prop_status s)
{
    switch (s) {
    case VMC_PROP_OK:
        return "ok";
    case VMC_PROP_NO_DEFAULT:
        return "no-default";
    case VMC_PROP_NO_PROPERTY:
        return "no-property";
    case VMC_PROP_UNKNOWN_DRIVER:
        return "unknown-driver";
    case VMC_PROP_ABSENT_DRIVER:
        return "absent-driver";
    }
    return "?";
}

/* ---- types ----------------------------------------------------------------- */

const mt_type *mt_type_find(const vmc_machine_types *set, const char *name)
{
    return set && name ? g_hash_table_lookup(set->type_by_name, name) : NULL;
}

const mt_propdef *mt_prop_find(const vmc_machine_types *set, const char *type, const char *prop)
{
    for (const mt_type *t = mt_type_find(set, type); t; t = t->parent_t) {
        for (size_t i = 0; i < t->n_props; i++) {
            if (strcmp(t->props[i].name, prop) == 0) {
                return &t->props[i];
            }
        }
    }
    return NULL;
}

vmc_driver_status mt_driver_status(const vmc_machine_types *set, const char *driver)
{
    if (mt_type_find(set, driver)) {
        return VMC_DRIVER_KNOWN;
    }
    if (set && driver && g_hash_table_contains(set->absent, driver)) {
        return VMC_DRIVER_ABSENT;
    }
    return VMC_DRIVER_UNKNOWN;
}

const char *vmc_machine_types_parent(const vmc_machine_types *set, const char *type)
{
    const mt_type *t = mt_type_find(set, type);
    return t ? t->parent : NULL;
}

bool vmc_machine_types_is_a(const vmc_machine_types *set, const char *type, const char *ancestor)
{
    if (!type || !ancestor) {
        return false;
    }
    if (strcmp(type, ancestor) == 0) {
        return true;
    }
    for (const mt_type *t = mt_type_find(set, type); t; t = t->parent_t) {
        if (t->parent && strcmp(t->parent, ancestor) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- canonical values -------------------------------------------------------- */

static bool is_unsigned_type(const char *t)
{
    return strcmp(t, "uint8") == 0 || strcmp(t, "uint16") == 0 || strcmp(t, "uint32") == 0 ||
           strcmp(t, "uint64") == 0;
}

static bool is_signed_type(const char *t)
{
    return strcmp(t, "int") == 0 || strcmp(t, "int8") == 0 || strcmp(t, "int16") == 0 ||
           strcmp(t, "int32") == 0 || strcmp(t, "int64") == 0;
}

static uint64_t unsigned_max(const char *t)
{
    if (strcmp(t, "uint8") == 0) {
        return UINT8_MAX;
    }
    if (strcmp(t, "uint16") == 0) {
        return UINT16_MAX;
    }
    if (strcmp(t, "uint32") == 0) {
        return UINT32_MAX;
    }
    return UINT64_MAX;
}

/* QEMU's string input visitor: qemu_strtou64/qemu_strtoi64 with base 0. */
static bool parse_u64(const char *s, uint64_t *v)
{
    if (!*s || isspace((unsigned char)*s)) {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end) {
        return false;
    }
    *v = x;
    return true;
}

/* qemu_strtosz: a number with an optional B/K/M/G/T/P/E suffix. */
static bool parse_size(const char *s, uint64_t *v)
{
    if (!*s || isspace((unsigned char)*s) || *s == '-') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s) {
        return false;
    }
    int shift = 0;
    if (*end) {
        static const char units[] = "BKMGTPE";
        const char *u = strchr(units, toupper((unsigned char)*end));
        if (!u || end[1]) {
            return false;
        }
        shift = 10 * (int)(u - units);
    }
    if (shift && x > (UINT64_MAX >> shift)) {
        return false;
    }
    *v = (uint64_t)x << shift;
    return true;
}

char *vmc_prop_canonical(const char *type, const char *value, char *buf, size_t len)
{
    if (!value || !buf || len == 0) {
        return NULL;
    }
    if (!type) {
        snprintf(buf, len, "%s", value);
        return buf;
    }
    if (strcmp(type, "bool") == 0) {
        if (!strcmp(value, "on") || !strcmp(value, "yes") || !strcmp(value, "true") ||
            !strcmp(value, "y")) {
            snprintf(buf, len, "true");
            return buf;
        }
        if (!strcmp(value, "off") || !strcmp(value, "no") || !strcmp(value, "false") ||
            !strcmp(value, "n")) {
            snprintf(buf, len, "false");
            return buf;
        }
        return NULL;
    }
    if (is_unsigned_type(type)) {
        uint64_t v;
        if (value[0] == '-') {
            /* strtoull negates; QEMU's visitor rejects out-of-range values */
            char *end;
            errno = 0;
            long long x = strtoll(value, &end, 0);
            if (errno || *end || end == value) {
                return NULL;
            }
            v = (uint64_t)x;
            if (strcmp(type, "uint64") != 0) {
                return NULL;
            }
        } else if (!parse_u64(value, &v) || v > unsigned_max(type)) {
            return NULL;
        }
        snprintf(buf, len, "%" PRIu64, v);
        return buf;
    }
    if (is_signed_type(type)) {
        if (!*value || isspace((unsigned char)*value)) {
            return NULL;
        }
        char *end;
        errno = 0;
        long long x = strtoll(value, &end, 0);
        if (errno || *end) {
            return NULL;
        }
        snprintf(buf, len, "%lld", x);
        return buf;
    }
    if (strcmp(type, "size") == 0) {
        uint64_t v;
        if (!parse_size(value, &v)) {
            return NULL;
        }
        snprintf(buf, len, "%" PRIu64, v);
        return buf;
    }
    snprintf(buf, len, "%s", value);
    return buf;
}

/* ---- setups ------------------------------------------------------------------ */

static const char *intern(vmc_machine_setup *s, const char *str)
{
    if (!str) {
        return NULL;
    }
    const char *v = g_hash_table_lookup(s->strings, str);
    if (!v) {
        char *d = g_strdup(str);
        g_hash_table_add(s->strings, d);
        v = d;
    }
    return v;
}

static int list_push(vmc_machine_setup *s, const mt_entry *e)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        mt_entry *l = realloc(s->list, cap * sizeof(*l));
        if (!l) {
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
        s->list = l;
        s->cap = cap;
    }
    s->list[s->n++] = *e;
    return 0;
}

static void eval(vmc_machine_setup *s, const char *driver, const char *prop, bool with_board,
                 vmc_prop_value *out);

/* Board entries are registered when their conditions hold on the objects
 * they name, which see every other global property (never board ones). */
static void update_board(vmc_machine_setup *s)
{
    if (!s->dirty) {
        return;
    }
    s->dirty = false;
    for (size_t i = 0; i < s->n; i++) {
        mt_entry *e = &s->list[i];
        if (e->pub.kind != VMC_ORIGIN_BOARD) {
            continue;
        }
        bool active = true;
        for (size_t k = 0; k < e->n_conds && active; k++) {
            vmc_prop_value v;
            char buf[256];
            eval(s, e->conds[k].driver, e->conds[k].property, false, &v);
            const char *want = vmc_prop_canonical(v.type, e->conds[k].value, buf, sizeof(buf));
            active = v.value && want && strcmp(v.value, want) == 0;
        }
        e->pub.active = active;
    }
    mt_mark_overridden(s->list, s->n);
}

int vmc_machine_setup_new(vmc_machine_setup **out, const vmc_machine_type *mt, const char *accel)
{
    if (!out || !mt) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_machine_setup_new: bad argument");
    }
    *out = NULL;
    if (!accel) {
        accel = "tcg";
    }
    const vmc_machine_types *set = mt->set;
    const mt_accel *ac = NULL;
    for (size_t i = 0; i < set->n_accels; i++) {
        if (strcmp(set->accels[i].name, accel) == 0) {
            ac = &set->accels[i];
        }
    }
    if (!ac && set->n_accels) {
        GString *names = g_string_new(NULL);
        for (size_t i = 0; i < set->n_accels; i++) {
            g_string_append_printf(names, "%s%s", i ? ", " : "", set->accels[i].name);
        }
        int rc = vmc_error_set(VMC_ENOTFOUND, -1, NULL, NULL,
                               "accelerator '%s' is not in the tables (known: %s)", accel,
                               names->str);
        g_string_free(names, TRUE);
        return rc;
    }
    vmc_machine_setup *s = calloc(1, sizeof(*s));
    if (!s) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    s->mt = mt;
    s->arena = vmc_arena_new();
    s->strings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!s->arena || !(s->accel = vmc_arena_strdup(s->arena, accel))) {
        vmc_machine_setup_free(s);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    int rc = 0;
    for (size_t i = 0; ac && i < ac->n && !rc; i++) {
        rc = list_push(s, &ac->entries[i]);
        if (!rc) {
            s->list[s->n - 1].pub.driver_status = mt_driver_status(set, ac->entries[i].pub.driver);
        }
    }
    if (!rc && !mt_props_ensure(mt)) {
        rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < mt->n_compat && !rc; i++) {
        rc = list_push(s, &mt->compat[i]);
    }
    for (size_t i = 0; i < mt->n_board && !rc; i++) {
        rc = list_push(s, &mt->board[i]);
    }
    if (rc) {
        vmc_machine_setup_free(s);
        return rc;
    }
    s->dirty = true;
    *out = s;
    return 0;
}

void vmc_machine_setup_free(vmc_machine_setup *s)
{
    if (!s) {
        return;
    }
    free(s->list);
    if (s->strings) {
        g_hash_table_destroy(s->strings);
    }
    vmc_arena_free(s->arena);
    free(s);
}

const vmc_machine_type *vmc_machine_setup_machine(const vmc_machine_setup *s)
{
    return s ? s->mt : NULL;
}

const char *vmc_machine_setup_accel(const vmc_machine_setup *s)
{
    return s ? s->accel : NULL;
}

/* "driver=D,property=P,value=V" in any order; commas in values are not
 * supported (QEMU would need ",," escapes there). */
static int parse_global_keyval(const char *arg, char **d, char **p, char **v)
{
    gchar **parts = g_strsplit(arg, ",", -1);
    int ok = 1;
    for (gchar **it = parts; *it && ok; it++) {
        char *eq = strchr(*it, '=');
        if (!eq) {
            ok = 0;
            break;
        }
        *eq = '\0';
        char **dst = strcmp(*it, "driver") == 0     ? d
                     : strcmp(*it, "property") == 0 ? p
                     : strcmp(*it, "value") == 0    ? v
                                                    : NULL;
        if (!dst || *dst) {
            ok = 0;
            break;
        }
        *dst = g_strdup(eq + 1);
    }
    g_strfreev(parts);
    return ok && *d && *p && *v ? 0 : -1;
}

int vmc_machine_setup_add_global(vmc_machine_setup *s, const char *arg)
{
    if (!s || !arg) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "vmc_machine_setup_add_global: bad argument");
    }
    size_t globals = 0;
    for (size_t i = 0; i < s->n; i++) {
        globals += s->list[i].pub.kind == VMC_ORIGIN_GLOBAL;
    }
    if (globals >= VMC_MACHINE_GLOBALS_MAX) {
        return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "more than %d -global options",
                             VMC_MACHINE_GLOBALS_MAX);
    }
    char *d = NULL, *p = NULL, *v = NULL;
    /* QEMU: sscanf "%63[^.=].%63[^=]%n" followed by '=' */
    const char *dot = strpbrk(arg, ".=");
    const char *eq = dot && *dot == '.' ? strchr(dot + 1, '=') : NULL;
    if (dot && *dot == '.' && eq && dot > arg && eq > dot + 1 && dot - arg <= 63 &&
        eq - dot - 1 <= 63) {
        d = g_strndup(arg, (size_t)(dot - arg));
        p = g_strndup(dot + 1, (size_t)(eq - dot - 1));
        v = g_strdup(eq + 1);
    } else if (parse_global_keyval(arg, &d, &p, &v) != 0 || !d[0] || !p[0]) {
        g_free(d);
        g_free(p);
        g_free(v);
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "invalid -global '%s' (expected driver.property=value)", arg);
    }
    mt_entry e;
    memset(&e, 0, sizeof(e));
    e.pub.driver = vmc_arena_strdup(s->arena, d);
    e.pub.property = vmc_arena_strdup(s->arena, p);
    e.pub.value = vmc_arena_strdup(s->arena, v);
    g_free(d);
    g_free(p);
    g_free(v);
    if (!e.pub.driver || !e.pub.property || !e.pub.value) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    e.pub.kind = VMC_ORIGIN_GLOBAL;
    e.pub.origin = "-global";
    e.pub.active = true;
    e.pub.driver_status = mt_driver_status(s->mt->set, e.pub.driver);
    int rc = list_push(s, &e);
    if (rc) {
        return rc;
    }
    s->dirty = true;
    return 0;
}

size_t vmc_machine_setup_count(const vmc_machine_setup *s)
{
    return s ? s->n : 0;
}

const vmc_compat_prop *vmc_machine_setup_get(const vmc_machine_setup *s, size_t i)
{
    if (!s || i >= s->n) {
        return NULL;
    }
    update_board((vmc_machine_setup *)s);   /* flags only: the list itself is unchanged */
    return &s->list[i].pub;
}

static const char *realized_for(const mt_propdef *pd, const char *family)
{
    if (pd->realized) {
        return pd->realized;
    }
    for (size_t i = 0; family && i < pd->n_realized_family; i++) {
        if (strcmp(pd->realized_family[2 * i], family) == 0) {
            return pd->realized_family[2 * i + 1];
        }
    }
    return NULL;
}

static void eval(vmc_machine_setup *s, const char *driver, const char *prop, bool with_board,
                 vmc_prop_value *out)
{
    const vmc_machine_types *set = s->mt->set;
    memset(out, 0, sizeof(*out));
    vmc_driver_status ds = mt_driver_status(set, driver);
    const mt_propdef *pd = ds == VMC_DRIVER_KNOWN ? mt_prop_find(set, driver, prop) : NULL;
    out->status = ds == VMC_DRIVER_ABSENT    ? VMC_PROP_ABSENT_DRIVER
                  : ds == VMC_DRIVER_UNKNOWN ? VMC_PROP_UNKNOWN_DRIVER
                  : pd                       ? VMC_PROP_OK
                                             : VMC_PROP_NO_PROPERTY;
    out->type = pd ? pd->type : NULL;
    /* the driver and its QOM parents (the tables bound the chain) */
    const char *anc[VMC_MACHINE_QOM_DEPTH_MAX + 1];
    size_t nanc = 0;
    anc[nanc++] = driver;
    for (const mt_type *t = mt_type_find(set, driver); t && t->parent &&
                                                       nanc < VMC_MACHINE_QOM_DEPTH_MAX + 1;
         t = t->parent_t) {
        anc[nanc++] = t->parent;
    }
    const mt_entry *win = NULL;
    for (size_t i = 0; i < s->n; i++) {
        const mt_entry *e = &s->list[i];
        if (e->pub.kind == VMC_ORIGIN_BOARD && (!with_board || !e->pub.active)) {
            continue;
        }
        if (strcmp(e->pub.property, prop) != 0) {
            continue;
        }
        bool match = false;
        for (size_t k = 0; k < nanc && !match; k++) {
            match = strcmp(anc[k], e->pub.driver) == 0;
        }
        if (!match || (e->pub.optional && ds == VMC_DRIVER_KNOWN && !pd)) {
            continue;
        }
        win = e;
    }
    char buf[256];
    if (win) {
        const char *c = vmc_prop_canonical(out->type, win->pub.value, buf, sizeof(buf));
        out->value = intern(s, c ? c : win->pub.value);
        out->raw = win->pub.value;
        out->origin = win->pub.kind;
        out->origin_name = win->pub.origin;
    } else {
        out->origin = VMC_ORIGIN_DEFAULT;
        out->origin_name = "default";
        if (pd && pd->has_default) {
            out->value = pd->def_canon;
            out->raw = pd->def_json;
        } else if (pd) {
            out->status = VMC_PROP_NO_DEFAULT;
            out->varies = pd->varies;
        }
    }
    if (pd && out->value && pd->has_default && pd->def_canon &&
        strcmp(out->value, pd->def_canon) == 0) {
        const char *r = realized_for(pd, s->mt->info.family);
        if (r && strcmp(r, out->value) != 0) {
            out->realized = r;
        }
    }
}

int vmc_machine_setup_value(vmc_machine_setup *s, const char *driver, const char *property,
                            vmc_prop_value *out)
{
    if (!s || !driver || !property || !out) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_machine_setup_value: bad argument");
    }
    update_board(s);
    eval(s, driver, property, true, out);
    return 0;
}

/* (driver, property) of an entry as a hash key, without building a string */
#define KEY_STR(s) ((s) ? (s) : "")
static guint entry_key_hash(gconstpointer p)
{
    const mt_entry *e = p;
    return g_str_hash(KEY_STR(e->pub.driver)) * 31u + g_str_hash(KEY_STR(e->pub.property));
}

static gboolean entry_key_equal(gconstpointer a, gconstpointer b)
{
    const mt_entry *x = a, *y = b;
    return strcmp(KEY_STR(x->pub.driver), KEY_STR(y->pub.driver)) == 0 &&
           strcmp(KEY_STR(x->pub.property), KEY_STR(y->pub.property)) == 0;
}
#undef KEY_STR

void mt_mark_overridden(mt_entry *es, size_t n)
{
    GHashTable *seen = g_hash_table_new(entry_key_hash, entry_key_equal);
    for (size_t i = n; i-- > 0;) {
        es[i].pub.overridden = g_hash_table_contains(seen, &es[i]);
        if (es[i].pub.active) {
            g_hash_table_add(seen, &es[i]);
        }
    }
    g_hash_table_destroy(seen);
}
