/*
 * vmcompat machines [list | show MACHINE | compare A B]
 *                   [--format text|json|csv] [--tables FILE]
 *                   [--accel NAME] [--global DRIVER.PROP=VALUE]...
 *
 * The versioned machine-type tables (include/vmcompat/machine.h): the
 * machine types with their aliases, the compat properties a machine type
 * applies, and for compare the (driver, property) pairs whose effective
 * values differ between two machine types, like QEMU's
 * scripts/compare-machine-types.py but offline.  The JSON output follows
 * schemas/machines.schema.json.  Exit 0 on success, 1 when the tables cannot
 * be read or output fails, 2 on usage errors (also an unknown machine type).
 */
#include "cli.h"
#include "vmcompat/machine.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

typedef struct opts {
    enum fmt format;
    const char *tables;
    const char *accel;
    const char **globals;
    size_t n_globals;
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmcompat machines [list]                 [options]\n"
            "       vmcompat machines show MACHINE           [options]\n"
            "       vmcompat machines compare MACHINE_A MACHINE_B [options]\n"
            "\n"
            "The versioned machine types of QEMU (built-in: QEMU 7.2, x86_64).\n"
            "  list     every machine type with its alias, family and number of compat\n"
            "           properties, in the order of `qemu-system-x86_64 -machine help`\n"
            "  show     a machine type: class fields, global properties in QEMU's order of\n"
            "           application (accelerator, machine compat, board, -global)\n"
            "  compare  the device properties whose effective values differ between the two\n"
            "           machine types, and the machine-class fields that differ\n"
            "\n"
            "  --format text|json|csv  output format (default text)\n"
            "  --tables FILE           machine-type tables to use instead of the built-in ones\n"
            "                          (format: docs/machine-types.md)\n"
            "  --accel NAME            accelerator whose compat properties apply (default tcg)\n"
            "  --global D.P=V          a -global option, applied to every machine (repeatable)\n"
            "\n"
            "Exit status: 0 success, 1 unreadable tables or output error, 2 usage error.\n");
}

/* ---- small output helpers ------------------------------------------------- */

static void csv_field(const char *s, bool last)
{
    if (!s) {
        s = "";
    }
    if (strpbrk(s, ",\"\n\r")) {
        putchar('"');
        for (const char *p = s; *p; p++) {
            if (*p == '"') {
                putchar('"');
            }
            putchar(*p);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

static void json_str(vmc_json *j, const char *key, const char *s)
{
    vmc_json_key(j, key);
    if (s) {
        vmc_json_string(j, s);
    } else {
        vmc_json_null(j);
    }
}

/* Emit a json-c value with the streaming writer. */
static void json_emit(vmc_json *j, json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_null:
        vmc_json_null(j);
        break;
    case json_type_boolean:
        vmc_json_bool(j, json_object_get_boolean(o));
        break;
    case json_type_int:
        if (json_object_get_int64(o) < 0) {
            vmc_json_int(j, json_object_get_int64(o));
        } else {
            vmc_json_uint(j, json_object_get_uint64(o));
        }
        break;
    case json_type_double:
        vmc_json_double(j, json_object_get_double(o));
        break;
    case json_type_string:
        vmc_json_string_len(j, json_object_get_string(o), (size_t)json_object_get_string_len(o));
        break;
    case json_type_array:
        vmc_json_begin_array(j);
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            json_emit(j, json_object_array_get_idx(o, i));
        }
        vmc_json_end_array(j);
        break;
    case json_type_object:
        vmc_json_begin_object(j);
        json_object_object_foreach(o, k, v) {
            vmc_json_key(j, k);
            json_emit(j, v);
        }
        vmc_json_end_object(j);
        break;
    }
}

/* A JSON text from the tables (class field values) as JSON output. */
static void json_raw(vmc_json *j, const char *text)
{
    json_object *o = json_tokener_parse(text);
    if (o || strcmp(text, "null") == 0) {
        json_emit(j, o);
    } else {
        vmc_json_string(j, text);
    }
    json_object_put(o);
}

static void json_tables(vmc_json *j, const vmc_machine_types *set)
{
    vmc_json_key(j, "tables");
    vmc_json_begin_object(j);
    json_str(j, "source", vmc_machine_types_source(set));
    json_str(j, "qemu_version", vmc_machine_types_qemu_version(set));
    json_str(j, "target", vmc_machine_types_target(set));
    json_str(j, "binary", vmc_machine_types_binary(set));
    json_str(j, "package", vmc_machine_types_package(set));
    vmc_json_end_object(j);
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static const char *driver_status_name(vmc_driver_status s)
{
    return s == VMC_DRIVER_KNOWN ? "known" : s == VMC_DRIVER_ABSENT ? "absent" : "unknown";
}

static void print_header(const vmc_machine_types *set)
{
    printf("QEMU %s %s (%s tables)\n", or_dash(vmc_machine_types_qemu_version(set)),
           or_dash(vmc_machine_types_binary(set)), vmc_machine_types_source(set));
}

/* ---- list ------------------------------------------------------------------ */

static int do_list(const vmc_machine_types *set, const opts *o)
{
    size_t n = vmc_machine_types_count(set);
    if (o->format == FMT_CSV) {
        printf("name,alias,family,qom_type,is_default,deprecated,modelled,compat_props,"
               "description\n");
    } else if (o->format == FMT_TEXT) {
        print_header(set);
        printf("%-20s %-6s %-14s %6s  %s\n", "NAME", "ALIAS", "FAMILY", "COMPAT", "DESCRIPTION");
    }
    vmc_json *j = NULL;
    if (o->format == FMT_JSON) {
        if (vmc_json_new_file(&j, stdout, VMC_JSON_PRETTY, 2)) {
            return -1;
        }
        vmc_json_begin_object(j);
        json_str(j, "command", "list");
        json_tables(j, set);
        vmc_json_key(j, "machine_types");
        vmc_json_begin_array(j);
    }
    for (size_t i = 0; i < n; i++) {
        const vmc_machine_type *mt = vmc_machine_types_get(set, i);
        const vmc_machine_info *in = vmc_machine_type_info(mt);
        size_t nc = vmc_machine_type_compat_count(mt);
        char count[32];
        snprintf(count, sizeof(count), "%zu", nc);
        if (o->format == FMT_TEXT) {
            printf("%-20s %-6s %-14s %6zu  %s%s%s%s\n", in->name, or_dash(in->alias),
                   or_dash(in->family), nc, in->desc, in->is_default ? " (default)" : "",
                   in->deprecation_reason ? " (deprecated)" : "",
                   strcmp(in->modelled, "full") == 0      ? ""
                   : strcmp(in->modelled, "partial") == 0 ? " [partial model]"
                                                          : " [listed only]");
        } else if (o->format == FMT_CSV) {
            csv_field(in->name, false);
            csv_field(in->alias, false);
            csv_field(in->family, false);
            csv_field(in->qom_type, false);
            csv_field(in->is_default ? "true" : "false", false);
            csv_field(in->deprecation_reason ? "true" : "false", false);
            csv_field(in->modelled, false);
            csv_field(count, false);
            csv_field(in->desc, true);
        } else {
            vmc_json_begin_object(j);
            json_str(j, "name", in->name);
            json_str(j, "alias", in->alias);
            json_str(j, "family", in->family);
            json_str(j, "qom_type", in->qom_type);
            json_str(j, "description", in->desc);
            vmc_json_key(j, "is_default");
            vmc_json_bool(j, in->is_default);
            json_str(j, "deprecation_reason", in->deprecation_reason);
            json_str(j, "modelled", in->modelled);
            vmc_json_key(j, "compat_props");
            vmc_json_uint(j, nc);
            vmc_json_end_object(j);
        }
    }
    if (j) {
        vmc_json_end_array(j);
        vmc_json_end_object(j);
        int rc = vmc_json_finish(j);
        vmc_json_free(j);
        putchar('\n');
        return rc;
    }
    return 0;
}

/* ---- setups ---------------------------------------------------------------- */

static int make_setup(vmc_machine_setup **out, const vmc_machine_type *mt, const opts *o)
{
    int rc = vmc_machine_setup_new(out, mt, o->accel);
    for (size_t i = 0; !rc && i < o->n_globals; i++) {
        rc = vmc_machine_setup_add_global(*out, o->globals[i]);
    }
    if (rc) {
        vmc_machine_setup_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Warn about -global options QEMU would warn about or refuse. */
static void check_globals(vmc_machine_setup *s)
{
    for (size_t i = 0; i < vmc_machine_setup_count(s); i++) {
        const vmc_compat_prop *p = vmc_machine_setup_get(s, i);
        if (p->kind != VMC_ORIGIN_GLOBAL) {
            continue;
        }
        vmc_prop_value v;
        vmc_machine_setup_value(s, p->driver, p->property, &v);
        if (v.status == VMC_PROP_UNKNOWN_DRIVER || v.status == VMC_PROP_ABSENT_DRIVER) {
            fprintf(stderr, "vmcompat machines: warning: global %s.%s has %s class name\n",
                    p->driver, p->property,
                    v.status == VMC_PROP_ABSENT_DRIVER ? "an invalid" : "an unknown");
        } else if (v.status == VMC_PROP_NO_PROPERTY) {
            fprintf(stderr, "vmcompat machines: warning: %s has no property '%s' (QEMU refuses "
                    "to create such a device)\n", p->driver, p->property);
        } else if (v.type) {
            char buf[256];
            if (!vmc_prop_canonical(v.type, p->value, buf, sizeof(buf))) {
                fprintf(stderr, "vmcompat machines: warning: '%s' is not a valid %s for "
                        "%s.%s\n", p->value, v.type, p->driver, p->property);
            }
        }
    }
}

static void json_setup_head(vmc_json *j, vmc_machine_setup *s, bool with_machine)
{
    if (with_machine) {
        json_str(j, "machine", vmc_machine_type_info(vmc_machine_setup_machine(s))->name);
    }
    json_str(j, "accel", vmc_machine_setup_accel(s));
    vmc_json_key(j, "globals");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_machine_setup_count(s); i++) {
        const vmc_compat_prop *p = vmc_machine_setup_get(s, i);
        if (p->kind == VMC_ORIGIN_GLOBAL) {
            vmc_json_stringf(j, "%s.%s=%s", p->driver, p->property, p->value);
        }
    }
    vmc_json_end_array(j);
}

static void json_value(vmc_json *j, const vmc_prop_value *v)
{
    vmc_json_begin_object(j);
    json_str(j, "status", vmc_prop_status_name(v->status));
    json_str(j, "type", v->type);
    json_str(j, "value", v->value);
    json_str(j, "raw", v->raw);
    json_str(j, "origin", vmc_prop_origin_name(v->origin));
    json_str(j, "origin_name", v->origin_name);
    json_str(j, "realized", v->realized);
    if (v->varies) {
        json_str(j, "varies", v->varies);
    }
    vmc_json_end_object(j);
}

/* "value", "4294967295 (realized 4)", "(default unknown: false, true)". */
static void value_text(const vmc_prop_value *v, char *buf, size_t len)
{
    if (v->status == VMC_PROP_NO_PROPERTY) {
        snprintf(buf, len, "(no such property)");
    } else if (v->status == VMC_PROP_NO_DEFAULT) {
        snprintf(buf, len, "(default varies: %s)", v->varies ? v->varies : "?");
    } else if (!v->value) {
        snprintf(buf, len, v->origin == VMC_ORIGIN_DEFAULT ? "(default)" : "(unset)");
    } else if (v->realized) {
        snprintf(buf, len, "%s (realized %s)", v->value, v->realized);
    } else {
        snprintf(buf, len, "%s", v->value);
    }
}

/* Distinct (driver, property) pairs of a setup, in order of first appearance. */
static size_t distinct_pairs(vmc_machine_setup *s, const vmc_compat_prop **out)
{
    size_t n = 0;
    for (size_t i = 0; i < vmc_machine_setup_count(s); i++) {
        const vmc_compat_prop *p = vmc_machine_setup_get(s, i);
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++) {
            seen = strcmp(out[k]->driver, p->driver) == 0 &&
                   strcmp(out[k]->property, p->property) == 0;
        }
        if (!seen) {
            out[n++] = p;
        }
    }
    return n;
}

/* ---- show ------------------------------------------------------------------ */

static int do_show(const vmc_machine_types *set, const vmc_machine_type *mt, const opts *o)
{
    vmc_machine_setup *s;
    if (make_setup(&s, mt, o)) {
        cli_print_error("machines");
        return VMC_EXIT_USAGE;
    }
    check_globals(s);
    const vmc_machine_info *in = vmc_machine_type_info(mt);
    size_t n = vmc_machine_setup_count(s);
    int rc = 0;
    if (o->format == FMT_TEXT) {
        print_header(set);
        printf("machine type %s\n", in->name);
        printf("  description:  %s%s\n", in->desc, in->is_default ? " (default)" : "");
        printf("  alias:        %s\n", or_dash(in->alias));
        printf("  family:       %s\n", or_dash(in->family));
        printf("  QOM type:     %s\n", in->qom_type);
        printf("  derives from: %s\n", or_dash(in->base));
        printf("  modelled:     %s\n", in->modelled);
        if (in->deprecation_reason) {
            printf("  deprecated:   %s\n", in->deprecation_reason);
        }
        printf("  accelerator:  %s\n", vmc_machine_setup_accel(s));
        printf("machine-class fields:\n");
        for (size_t i = 0; i < vmc_machine_type_class_count(mt); i++) {
            const vmc_machine_class_field *f = vmc_machine_type_class_get(mt, i);
            printf("  %-30s %-40s (%s)\n", f->key, f->value, f->set_by);
        }
        printf("global properties in application order (%zu; '*' overridden by a later entry, "
               "'-' not registered):\n", n);
        for (size_t i = 0; i < n; i++) {
            const vmc_compat_prop *p = vmc_machine_setup_get(s, i);
            printf(" %c %-18s %s.%s=%s%s", !p->active ? '-' : p->overridden ? '*' : ' ',
                   p->origin, p->driver, p->property, p->value, p->optional ? " (optional)" : "");
            if (p->condition) {
                printf("  [when %s]", p->condition);
            }
            if (p->driver_status == VMC_DRIVER_ABSENT) {
                printf("  [%s not in this binary]", p->driver);
            } else if (p->driver_status == VMC_DRIVER_UNKNOWN) {
                printf("  [%s unknown to the tables]", p->driver);
            }
            putchar('\n');
        }
    } else if (o->format == FMT_CSV) {
        printf("kind,origin,driver,property,value,optional,active,overridden,driver_status\n");
        for (size_t i = 0; i < n; i++) {
            const vmc_compat_prop *p = vmc_machine_setup_get(s, i);
            csv_field(vmc_prop_origin_name(p->kind), false);
            csv_field(p->origin, false);
            csv_field(p->driver, false);
            csv_field(p->property, false);
            csv_field(p->value, false);
            csv_field(p->optional ? "true" : "false", false);
            csv_field(p->active ? "true" : "false", false);
            csv_field(p->overridden ? "true" : "false", false);
            csv_field(driver_status_name(p->driver_status), true);
        }
    } else {
        vmc_json *j;
        if (vmc_json_new_file(&j, stdout, VMC_JSON_PRETTY, 2)) {
            vmc_machine_setup_free(s);
            return VMC_EXIT_INVALID;
        }
        vmc_json_begin_object(j);
        json_str(j, "command", "show");
        json_tables(j, set);
        vmc_json_key(j, "machine");
        vmc_json_begin_object(j);
        json_str(j, "name", in->name);
        json_str(j, "alias", in->alias);
        json_str(j, "family", in->family);
        json_str(j, "qom_type", in->qom_type);
        json_str(j, "description", in->desc);
        vmc_json_key(j, "is_default");
        vmc_json_bool(j, in->is_default);
        json_str(j, "deprecation_reason", in->deprecation_reason);
        json_str(j, "modelled", in->modelled);
        json_str(j, "base", in->base);
        vmc_json_end_object(j);
        json_setup_head(j, s, false);
        vmc_json_key(j, "class");
        vmc_json_begin_object(j);
        for (size_t i = 0; i < vmc_machine_type_class_count(mt); i++) {
            const vmc_machine_class_field *f = vmc_machine_type_class_get(mt, i);
            vmc_json_key(j, f->key);
            json_raw(j, f->value);
        }
        vmc_json_end_object(j);
        vmc_json_key(j, "global_properties");
        vmc_json_begin_array(j);
        for (size_t i = 0; i < n; i++) {
            const vmc_compat_prop *p = vmc_machine_setup_get(s, i);
            vmc_json_begin_object(j);
            json_str(j, "kind", vmc_prop_origin_name(p->kind));
            json_str(j, "origin", p->origin);
            json_str(j, "driver", p->driver);
            json_str(j, "property", p->property);
            json_str(j, "value", p->value);
            vmc_json_key(j, "optional");
            vmc_json_bool(j, p->optional);
            json_str(j, "condition", p->condition);
            vmc_json_key(j, "active");
            vmc_json_bool(j, p->active);
            vmc_json_key(j, "overridden");
            vmc_json_bool(j, p->overridden);
            json_str(j, "driver_status", driver_status_name(p->driver_status));
            vmc_json_end_object(j);
        }
        vmc_json_end_array(j);
        vmc_json_key(j, "values");
        vmc_json_begin_array(j);
        const vmc_compat_prop **pairs = malloc((n ? n : 1) * sizeof(*pairs));
        size_t np = pairs ? distinct_pairs(s, pairs) : 0;
        for (size_t i = 0; i < np; i++) {
            vmc_prop_value v;
            vmc_machine_setup_value(s, pairs[i]->driver, pairs[i]->property, &v);
            vmc_json_begin_object(j);
            json_str(j, "driver", pairs[i]->driver);
            json_str(j, "property", pairs[i]->property);
            vmc_json_key(j, "effective");
            json_value(j, &v);
            vmc_json_end_object(j);
        }
        free(pairs);
        vmc_json_end_array(j);
        vmc_json_end_object(j);
        rc = vmc_json_finish(j) || !pairs;
        vmc_json_free(j);
        putchar('\n');
    }
    vmc_machine_setup_free(s);
    return rc ? VMC_EXIT_INVALID : VMC_EXIT_OK;
}

/* ---- compare --------------------------------------------------------------- */

static int do_compare(const vmc_machine_types *set, const vmc_machine_type *ma,
                      const vmc_machine_type *mb, const opts *o)
{
    vmc_machine_setup *a = NULL, *b = NULL;
    vmc_machine_diff *d = NULL;
    int ret = VMC_EXIT_INVALID;
    if (make_setup(&a, ma, o) || make_setup(&b, mb, o)) {
        cli_print_error("machines");
        ret = VMC_EXIT_USAGE;
        goto out;
    }
    check_globals(a);
    if (vmc_machine_compare(&d, a, b)) {
        cli_print_error("machines");
        goto out;
    }
    const char *na = vmc_machine_type_info(ma)->name, *nb = vmc_machine_type_info(mb)->name;
    size_t np = vmc_machine_diff_prop_count(d), nc = vmc_machine_diff_class_count(d);
    if (o->format == FMT_TEXT) {
        char va[300], vb[300];
        size_t avail = 0;
        print_header(set);
        printf("compare %s with %s (accelerator %s)\n", na, nb, vmc_machine_setup_accel(a));
        for (size_t i = 0; i < np; i++) {
            avail += vmc_machine_diff_prop_get(d, i)->available;
        }
        for (int pass = 0; pass < 2; pass++) {
            size_t cnt = pass == 0 ? avail : np - avail;
            if (pass == 1 && cnt == 0) {
                continue;
            }
            printf(pass == 0 ? "device properties whose effective values differ (%zu):\n"
                             : "properties of drivers or properties this QEMU binary does not "
                               "have (%zu):\n",
                   cnt);
            if (cnt) {
                printf("  %-32s %-38s %-24s %s\n", "DRIVER", "PROPERTY", na, nb);
            }
            for (size_t i = 0; i < np; i++) {
                const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, i);
                if (x->available != (pass == 0)) {
                    continue;
                }
                value_text(&x->a, va, sizeof(va));
                value_text(&x->b, vb, sizeof(vb));
                printf("  %-32s %-38s %-24s %s%s\n", x->driver, x->property, va, vb,
                       x->realized_equal ? "  [same after realize]" : "");
            }
        }
        printf("machine-class fields that differ (%zu):\n", nc);
        for (size_t i = 0; i < nc; i++) {
            const vmc_machine_class_diff *c = vmc_machine_diff_class_get(d, i);
            printf("  %-32s %-38s %s\n", c->key, c->a, c->b);
        }
    } else if (o->format == FMT_CSV) {
        printf("kind,driver,property,available,value_a,value_b,origin_a,origin_b,"
               "realized_a,realized_b,realized_equal\n");
        for (size_t i = 0; i < np; i++) {
            const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, i);
            csv_field("property", false);
            csv_field(x->driver, false);
            csv_field(x->property, false);
            csv_field(x->available ? "true" : "false", false);
            csv_field(x->a.value, false);
            csv_field(x->b.value, false);
            csv_field(x->a.origin_name, false);
            csv_field(x->b.origin_name, false);
            csv_field(x->a.realized, false);
            csv_field(x->b.realized, false);
            csv_field(x->realized_equal ? "true" : "false", true);
        }
        for (size_t i = 0; i < nc; i++) {
            const vmc_machine_class_diff *c = vmc_machine_diff_class_get(d, i);
            csv_field("class", false);
            csv_field("", false);
            csv_field(c->key, false);
            csv_field("true", false);
            csv_field(c->a, false);
            csv_field(c->b, false);
            csv_field("", false);
            csv_field("", false);
            csv_field("", false);
            csv_field("", false);
            csv_field("false", true);
        }
    } else {
        vmc_json *j;
        if (vmc_json_new_file(&j, stdout, VMC_JSON_PRETTY, 2)) {
            goto out;
        }
        vmc_json_begin_object(j);
        json_str(j, "command", "compare");
        json_tables(j, set);
        vmc_json_key(j, "a");
        vmc_json_begin_object(j);
        json_setup_head(j, a, true);
        vmc_json_end_object(j);
        vmc_json_key(j, "b");
        vmc_json_begin_object(j);
        json_setup_head(j, b, true);
        vmc_json_end_object(j);
        vmc_json_key(j, "properties");
        vmc_json_begin_array(j);
        for (size_t i = 0; i < np; i++) {
            const vmc_machine_prop_diff *x = vmc_machine_diff_prop_get(d, i);
            vmc_json_begin_object(j);
            json_str(j, "driver", x->driver);
            json_str(j, "property", x->property);
            vmc_json_key(j, "available");
            vmc_json_bool(j, x->available);
            vmc_json_key(j, "realized_equal");
            vmc_json_bool(j, x->realized_equal);
            vmc_json_key(j, "a");
            json_value(j, &x->a);
            vmc_json_key(j, "b");
            json_value(j, &x->b);
            vmc_json_end_object(j);
        }
        vmc_json_end_array(j);
        vmc_json_key(j, "class");
        vmc_json_begin_array(j);
        for (size_t i = 0; i < nc; i++) {
            const vmc_machine_class_diff *c = vmc_machine_diff_class_get(d, i);
            vmc_json_begin_object(j);
            json_str(j, "key", c->key);
            vmc_json_key(j, "a");
            json_raw(j, c->a);
            vmc_json_key(j, "b");
            json_raw(j, c->b);
            vmc_json_end_object(j);
        }
        vmc_json_end_array(j);
        vmc_json_end_object(j);
        int rc = vmc_json_finish(j);
        vmc_json_free(j);
        putchar('\n');
        if (rc) {
            goto out;
        }
    }
    ret = VMC_EXIT_OK;
out:
    vmc_machine_diff_free(d);
    vmc_machine_setup_free(a);
    vmc_machine_setup_free(b);
    return ret;
}

/* ---- main ------------------------------------------------------------------ */

static int find_machine(const vmc_machine_type **mt, const vmc_machine_types *set,
                        const char *name)
{
    if (vmc_machine_type_find(mt, set, name)) {
        cli_print_error("machines");
        return -1;
    }
    return 0;
}

int cmd_machines(int argc, char **argv)
{
    opts o = { .format = FMT_TEXT };
    const char *args[3];
    int nargs = 0;
    bool opts_done = false;
    int ret = VMC_EXIT_USAGE;
    o.globals = calloc((size_t)argc + 1, sizeof(*o.globals));
    if (!o.globals) {
        fprintf(stderr, "vmcompat machines: out of memory\n");
        return VMC_EXIT_INVALID;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (!opts_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            usage(stdout);
            free(o.globals);
            return VMC_EXIT_OK;
        }
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = true;
            continue;
        }
        if (!opts_done && a[0] == '-' && a[1] == '-') {
            static const char *const with_arg[] = { "--format", "--tables", "--accel", "--global",
                                                    NULL };
            const char *name = NULL;
            for (const char *const *w = with_arg; *w; w++) {
                size_t l = strlen(*w);
                if (strcmp(a, *w) == 0) {
                    if (i + 1 >= argc) {
                        fprintf(stderr, "vmcompat machines: %s needs an argument\n", a);
                        goto usage_error;
                    }
                    name = *w;
                    val = argv[++i];
                } else if (strncmp(a, *w, l) == 0 && a[l] == '=') {
                    name = *w;
                    val = a + l + 1;
                }
            }
            if (!name) {
                fprintf(stderr, "vmcompat machines: unknown option '%s'\n", a);
                goto usage_error;
            }
            if (strcmp(name, "--format") == 0) {
                if (strcmp(val, "text") == 0) {
                    o.format = FMT_TEXT;
                } else if (strcmp(val, "json") == 0) {
                    o.format = FMT_JSON;
                } else if (strcmp(val, "csv") == 0) {
                    o.format = FMT_CSV;
                } else {
                    fprintf(stderr, "vmcompat machines: unknown format '%s' (text, json or csv)\n",
                            val);
                    goto usage_error;
                }
            } else if (strcmp(name, "--tables") == 0) {
                o.tables = val;
            } else if (strcmp(name, "--accel") == 0) {
                o.accel = val;
            } else {
                o.globals[o.n_globals++] = val;
            }
            continue;
        }
        if (!opts_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "vmcompat machines: unknown option '%s'\n", a);
            goto usage_error;
        }
        if (nargs == 3) {
            fprintf(stderr, "vmcompat machines: too many arguments\n");
            goto usage_error;
        }
        args[nargs++] = a;
    }
    const char *sub = nargs ? args[0] : "list";
    int want = strcmp(sub, "list") == 0      ? 1
               : strcmp(sub, "show") == 0    ? 2
               : strcmp(sub, "compare") == 0 ? 3
                                             : 0;
    if (!want) {
        fprintf(stderr, "vmcompat machines: unknown command '%s' (list, show or compare)\n", sub);
        goto usage_error;
    }
    if (nargs > 0 && nargs != want) {
        fprintf(stderr, "vmcompat machines: '%s' expects %d machine type%s\n", sub, want - 1,
                want == 3 ? "s" : "");
        goto usage_error;
    }

    vmc_machine_types *set = NULL;
    int rc = o.tables ? vmc_machine_types_load_file(&set, o.tables)
                      : vmc_machine_types_load_builtin(&set);
    if (rc) {
        cli_print_error("machines");
        free(o.globals);
        return VMC_EXIT_INVALID;
    }
    const vmc_machine_type *ma = NULL, *mb = NULL;
    if (want == 1) {
        ret = do_list(set, &o) ? VMC_EXIT_INVALID : VMC_EXIT_OK;
    } else if (find_machine(&ma, set, args[1]) ||
               (want == 3 && find_machine(&mb, set, args[2]))) {
        ret = VMC_EXIT_USAGE;
    } else if (want == 2) {
        ret = do_show(set, ma, &o);
    } else {
        ret = do_compare(set, ma, mb, &o);
    }
    if (fflush(stdout) != 0 && ret == VMC_EXIT_OK) {
        fprintf(stderr, "vmcompat machines: error: write error on standard output\n");
        ret = VMC_EXIT_INVALID;
    }
    vmc_machine_types_free(set);
    free(o.globals);
    return ret;

usage_error:
    usage(stderr);
    free(o.globals);
    return VMC_EXIT_USAGE;
}
