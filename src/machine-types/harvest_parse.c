/*
 * Text QEMU prints for humans, parsed for the harvest: `-machine help`,
 * `-device help`, HMP `info qtree`; machine type names with versions; JSON
 * property values as canonical text.
 */
#include "machine-types/harvest_internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- -machine help --------------------------------------------------------- */

void hv_help_machine_free(void *p)
{
    hv_help_machine *m = p;
    if (m) {
        g_free(m->name);
        g_free(m->desc);
        g_free(m->alias_of);
        g_free(m);
    }
}

/* Remove suffix from the end of s (in place); true when it was there. */
static bool strip_suffix(char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (n >= k && strcmp(s + n - k, suffix) == 0) {
        s[n - k] = '\0';
        return true;
    }
    return false;
}

GPtrArray *hv_parse_machine_help(const char *text)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(hv_help_machine_free);
    char **lines = g_strsplit(text ? text : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        char *line = *l;
        if (!*line || isspace((unsigned char)line[0]) || strncmp(line, "Supported machines", 18) == 0) {
            continue;
        }
        char *sp = line;
        while (*sp && !isspace((unsigned char)*sp)) {
            sp++;
        }
        hv_help_machine *m = g_new0(hv_help_machine, 1);
        m->name = g_strndup(line, (size_t)(sp - line));
        char *desc = g_strstrip(g_strdup(sp));
        /* " (alias of X)" on alias lines; " (default)", " (deprecated)" */
        char *al = strstr(desc, " (alias of ");
        if (al && desc[strlen(desc) - 1] == ')') {
            m->alias_of = g_strndup(al + 11, strlen(al + 11) - 1);
            *al = '\0';
        }
        for (int again = 1; again;) {
            again = 0;
            if (strip_suffix(desc, " (deprecated)")) {
                m->deprecated = true;
                again = 1;
            }
            if (strip_suffix(desc, " (default)")) {
                m->is_default = true;
                again = 1;
            }
        }
        m->desc = desc;
        g_ptr_array_add(out, m);
    }
    g_strfreev(lines);
    return out;
}

/* ---- -device help ---------------------------------------------------------- */

/* The quoted value after key (e.g. `name "x"`), malloc'd, or NULL. */
static char *quoted_after(const char *line, const char *key)
{
    const char *p = strstr(line, key);
    if (!p) {
        return NULL;
    }
    p += strlen(key);
    if (*p != '"') {
        return NULL;
    }
    const char *e = strchr(p + 1, '"');
    return e ? g_strndup(p + 1, (size_t)(e - p - 1)) : NULL;
}

GHashTable *hv_parse_device_help(const char *text)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char **lines = g_strsplit(text ? text : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        if (strncmp(*l, "name \"", 6) != 0) {
            continue;
        }
        char *name = quoted_after(*l, "name ");
        if (!name) {
            continue;
        }
        char *bus = NULL;
        const char *b = strstr(*l, ", bus ");
        if (b) {
            b += 6;
            const char *e = strchr(b, ',');
            bus = e ? g_strndup(b, (size_t)(e - b)) : g_strstrip(g_strdup(b));
        }
        g_hash_table_replace(h, name, bus ? bus : g_strdup(""));
    }
    g_strfreev(lines);
    return h;
}

/* ---- info qtree ------------------------------------------------------------ */

static void qtree_dev_free(void *p)
{
    hv_qtree_dev *d = p;
    if (d) {
        g_free(d->type);
        g_free(d->id);
        g_free(d->bus_type);
        g_hash_table_destroy(d->props);
        g_free(d);
    }
}

void hv_qtree_free(hv_qtree *t)
{
    if (t) {
        g_ptr_array_free(t->devs, TRUE);
        g_hash_table_destroy(t->bus_types);
        g_free(t);
    }
}

typedef struct qt_level {
    int indent;
    bool is_bus;
    char *bus_type;        /* for buses (owned by the level) */
    hv_qtree_dev *dev;     /* for devices */
} qt_level;

hv_qtree *hv_parse_qtree(const char *text)
{
    hv_qtree *t = g_new0(hv_qtree, 1);
    t->devs = g_ptr_array_new_with_free_func(qtree_dev_free);
    t->bus_types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    qt_level stack[256];
    int depth = 0;
    char **lines = g_strsplit(text ? text : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        char *line = g_strchomp(*l);   /* HMP output ends lines with \r\n */
        int ind = 0;
        while (line[ind] == ' ') {
            ind++;
        }
        char *s = line + ind;
        if (!*s) {
            continue;
        }
        /* pop levels at this indentation or deeper */
        while (depth > 0 && stack[depth - 1].indent >= ind) {
            depth--;
            g_free(stack[depth].bus_type);
        }
        if (strncmp(s, "bus: ", 5) == 0 || strncmp(s, "dev: ", 5) == 0) {
            if (depth == (int)G_N_ELEMENTS(stack)) {
                continue;   /* absurdly deep: ignore */
            }
            qt_level *lv = &stack[depth++];
            memset(lv, 0, sizeof(*lv));
            lv->indent = ind;
            if (s[0] == 'b') {
                lv->is_bus = true;
                continue;
            }
            hv_qtree_dev *d = g_new0(hv_qtree_dev, 1);
            const char *comma = strstr(s + 5, ", id ");
            d->type = comma ? g_strndup(s + 5, (size_t)(comma - s - 5)) : g_strdup(s + 5);
            d->id = comma ? quoted_after(comma, ", id ") : NULL;
            if (!d->id) {
                d->id = g_strdup("");
            }
            for (int k = depth - 2; k >= 0; k--) {
                if (stack[k].is_bus) {
                    d->bus_type = g_strdup(stack[k].bus_type ? stack[k].bus_type : "");
                    break;
                }
            }
            if (!d->bus_type) {
                d->bus_type = g_strdup("");
            }
            d->props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
            lv->dev = d;
            g_ptr_array_add(t->devs, d);
            continue;
        }
        if (depth == 0) {
            continue;
        }
        qt_level *top = &stack[depth - 1];
        if (top->is_bus && strncmp(s, "type ", 5) == 0 && !top->bus_type) {
            top->bus_type = g_strdup(s + 5);
            g_hash_table_add(t->bus_types, g_strdup(s + 5));
            continue;
        }
        if (!top->is_bus && top->dev) {
            const char *eq = strstr(s, " = ");
            if (eq && eq > s) {
                g_hash_table_replace(top->dev->props, g_strndup(s, (size_t)(eq - s)),
                                     g_strdup(eq + 3));
            }
        }
    }
    while (depth > 0) {
        depth--;
        g_free(stack[depth].bus_type);
    }
    g_strfreev(lines);
    return t;
}

static bool is_int_type(const char *t)
{
    if (!t) {
        return false;
    }
    static const char *const names[] = { "int", "uint", "size", "int8", "int16", "int32", "int64",
                                         "uint8", "uint16", "uint32", "uint64", "uint8_t",
                                         "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t",
                                         "int32_t", "int64_t", NULL };
    for (const char *const *n = names; *n; n++) {
        if (strcmp(t, *n) == 0) {
            return true;
        }
    }
    return false;
}

json_object *hv_qtree_value(const char *text, const char *qom_type)
{
    if (!text) {
        return NULL;
    }
    if (qom_type && strcmp(qom_type, "bool") == 0) {
        if (strcmp(text, "true") == 0) {
            return json_object_new_boolean(1);
        }
        if (strcmp(text, "false") == 0) {
            return json_object_new_boolean(0);
        }
        return NULL;
    }
    if (is_int_type(qom_type)) {
        char *end;
        errno = 0;
        if (text[0] == '-') {
            long long v = strtoll(text, &end, 10);
            return !errno && end != text && (*end == '\0' || *end == ' ')
                       ? json_object_new_int64(v) : NULL;
        }
        unsigned long long v = strtoull(text, &end, 10);
        if (errno || end == text || (*end != '\0' && *end != ' ')) {
            return NULL;
        }
        return v > INT64_MAX ? json_object_new_uint64(v) : json_object_new_int64((int64_t)v);
    }
    size_t n = strlen(text);
    if (n >= 2 && text[0] == '"' && text[n - 1] == '"') {
        return json_object_new_string_len(text + 1, (int)(n - 2));
    }
    return json_object_new_string(text);
}

/* ---- machine type versions ----------------------------------------------- */

bool hv_machine_version(const char *name, char **prefix, int *ver, size_t nver, size_t *nout)
{
    /* NAME-D+(.D+)+ */
    const char *dash = strrchr(name, '-');
    if (!dash || dash == name) {
        return false;
    }
    const char *p = dash + 1;
    size_t n = 0;
    int dots = 0;
    while (*p) {
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        char *end;
        long v = strtol(p, &end, 10);
        if (n < nver) {
            ver[n] = (int)(v > 1000000 ? 1000000 : v);
        }
        n++;
        p = end;
        if (*p == '.') {
            dots++;
            p++;
            if (!*p) {
                return false;
            }
        } else if (*p) {
            return false;
        }
    }
    if (dots == 0) {
        return false;
    }
    if (prefix) {
        *prefix = g_strndup(name, (size_t)(dash - name));
    }
    if (nout) {
        *nout = n < nver ? n : nver;
    }
    return true;
}

int hv_machine_version_cmp(const char *a, const char *b)
{
    int va[4] = { 0 }, vb[4] = { 0 };
    size_t na = 0, nb = 0;
    bool ha = hv_machine_version(a, NULL, va, 4, &na);
    bool hb = hv_machine_version(b, NULL, vb, 4, &nb);
    if (ha != hb) {
        return ha ? 1 : -1;
    }
    for (size_t i = 0; i < 4; i++) {
        int x = i < na ? va[i] : -1, y = i < nb ? vb[i] : -1;
        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return 0;
}

char *hv_machine_family(const char *name)
{
    char *prefix = NULL;
    int v[4];
    if (!hv_machine_version(name, &prefix, v, 4, NULL)) {
        return NULL;
    }
    /* QEMU's own family names for the x86 boards (MachineClass.family) */
    if (strcmp(prefix, "pc-q35") == 0) {
        g_free(prefix);
        return g_strdup("pc_q35");
    }
    if (strcmp(prefix, "pc-i440fx") == 0) {
        g_free(prefix);
        return g_strdup("pc_piix");
    }
    for (char *p = prefix; *p; p++) {
        if (*p == '-') {
            *p = '_';
        }
    }
    return prefix;
}

/* ---- values ------------------------------------------------------------------ */

char *hv_value_text(json_object *v, const char *qom_type)
{
    char buf[64];
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return g_strdup(json_object_get_boolean(v) ? "true" : "false");
    case json_type_int: {
        int64_t i = json_object_get_int64(v);
        if (i < 0) {
            snprintf(buf, sizeof(buf), "%" PRId64, i);
        } else {
            snprintf(buf, sizeof(buf), "%" PRIu64, json_object_get_uint64(v));
        }
        break;
    }
    case json_type_double:
        snprintf(buf, sizeof(buf), "%.17g", json_object_get_double(v));
        break;
    case json_type_string: {
        const char *s = json_object_get_string(v);
        char cbuf[512];
        if (qom_type && vmc_prop_canonical(qom_type, s, cbuf, sizeof(cbuf))) {
            return g_strdup(cbuf);
        }
        return g_strdup(s);
    }
    default:
        return NULL;
    }
    if (qom_type) {
        char cbuf[512];
        if (vmc_prop_canonical(qom_type, buf, cbuf, sizeof(cbuf))) {
            return g_strdup(cbuf);
        }
    }
    return g_strdup(buf);
}
