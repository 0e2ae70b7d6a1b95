/*
 * schema-diff on small hand-written dump pairs: one rule per test, the
 * expected findings worked out by hand from how QEMU's vmstate loader treats
 * the stream (see the rules in src/vmstate/schema_diff.c).  Also the
 * importer on hostile JSON, waivers, and the JSON Schema's list of kinds.
 */
#include "testutil.h"
#include "vmstate/dump_internal.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON written with ' for " to keep the C strings readable. */
static char *q(const char *s)
{
    char *r = strdup(s);
    for (char *p = r; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    return r;
}

static vmc_dump *load(const char *json)
{
    char *j = q(json);
    vmc_dump *d = NULL;
    int rc = vmc_dump_parse(&d, j, strlen(j), "test");
    if (rc) {
        fail_msg("parse failed: %s", vmc_error_last()->message);
    }
    free(j);
    return d;
}

/* "severity kind section/description/field", "-" for absent parts. */
static char *fmt(const vmc_finding *f)
{
    char *s;
    if (asprintf(&s, "%s %s %s/%s/%s", vmc_severity_name(f->severity), f->kind,
                 f->section ? f->section : "-", f->description ? f->description : "-",
                 f->field ? f->field : "-") < 0) {
        abort();
    }
    return s;
}

static void check(const char *old_json, const char *new_json, bool reverse, const char *waivers,
                  const char *const *want)
{
    vmc_dump *o = load(old_json), *n = load(new_json);
    vmc_waivers *w = NULL;
    if (waivers) {
        char *j = q(waivers);
        assert_int_equal(vmc_waivers_parse(&w, j, strlen(j), "w"), 0);
        free(j);
    }
    vmc_schema_diff_opts opts = { .reverse = reverse, .waivers = w };
    vmc_findings *f;
    assert_int_equal(vmc_schema_diff(&f, o, n, &opts), 0);
    size_t nwant = 0;
    while (want[nwant]) {
        nwant++;
    }
    bool ok = vmc_findings_count(f) == nwant;
    for (size_t i = 0; ok && i < nwant; i++) {
        char *s = fmt(vmc_findings_get(f, i));
        ok = strcmp(s, want[i]) == 0;
        free(s);
    }
    if (!ok) {
        fprintf(stderr, "expected:\n");
        for (size_t i = 0; i < nwant; i++) {
            fprintf(stderr, "  %s\n", want[i]);
        }
        fprintf(stderr, "got:\n");
        for (size_t i = 0; i < vmc_findings_count(f); i++) {
            char *s = fmt(vmc_findings_get(f, i));
            fprintf(stderr, "  %s  (%s)\n", s, vmc_findings_get(f, i)->message);
            free(s);
        }
        fail_msg("findings differ");
    }
    vmc_findings_free(f);
    vmc_waivers_free(w);
    vmc_dump_free(o);
    vmc_dump_free(n);
}

/* A one-section dump "dev" with vmsd "dev" version V/min M, fields and extra keys. */
static const char *dev(int v, int m, const char *fields, const char *extra)
{
    static char buf[8][4096];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof(buf[0]),
             "{'vmschkmachine': {'Name': 'pc-q35-7.2'}, 'dev': {'Name': 'dev', 'version_id': %d, "
             "'minimum_version_id': %d, 'Description': {'name': 'dev', 'version_id': %d, "
             "'minimum_version_id': %d, 'Fields': [%s]%s}}}",
             v, m, v, m, fields, extra ? extra : "");
    return b;
}

#define F(name, ver, size) "{'field': '" name "', 'version_id': " #ver ", 'field_exists': false, 'size': " #size "}"
#define FX(name, ver, size) "{'field': '" name "', 'version_id': " #ver ", 'field_exists': true, 'size': " #size "}"
#define FN(name, size, num) "{'field': '" name "', 'version_id': 0, 'field_exists': false, 'size': " #size ", 'num': " #num "}"

static void test_identical(void **state)
{
    const char *d = dev(2, 1, F("a", 0, 4) "," F("b", 2, 8), NULL);
    const char *none[] = { NULL };
    check(d, d, false, NULL, none);
    check(d, d, true, NULL, none);
}

static void test_versions(void **state)
{
    /* the stream carries the source's version 3; the destination takes 1..2 */
    const char *want_new[] = { "error version-too-new dev/dev/-", NULL };
    check(dev(3, 1, F("a", 0, 4), NULL), dev(2, 1, F("a", 0, 4), NULL), false, NULL, want_new);
    /* source version 1 < destination minimum 2 */
    const char *want_old[] = { "error version-too-old dev/dev/-", NULL };
    check(dev(1, 1, F("a", 0, 4), NULL), dev(3, 2, F("a", 0, 4), NULL), false, NULL, want_old);
}

static void test_versioned_field(void **state)
{
    const char *o = dev(1, 1, F("a", 0, 4), NULL);
    const char *n = dev(2, 1, F("a", 0, 4) "," F("b", 2, 4), NULL);
    /* v1 stream: the destination skips b (version_id 2 > 1) */
    const char *fwd[] = { "info field-added-versioned dev/dev/b", NULL };
    check(o, n, false, NULL, fwd);
    /* v2 stream into a v1 destination: refused, and b is not read */
    const char *rev[] = { "error version-too-new dev/dev/-", "error field-missing dev/dev/b", NULL };
    check(o, n, true, NULL, rev);
}

static void test_nested_version(void **state)
{
    /* A nested vmsd is read at the destination's own version (2): y is expected
     * but the source (inner v1) never sends it. */
    const char *o = dev(1, 1,
                        "{'field': 's', 'version_id': 0, 'field_exists': false, 'size': 16, "
                        "'Description': {'name': 'inner', 'version_id': 1, 'minimum_version_id': 1, "
                        "'Fields': [" F("x", 0, 4) "]}}",
                        NULL);
    const char *n = dev(1, 1,
                        "{'field': 's', 'version_id': 0, 'field_exists': false, 'size': 24, "
                        "'Description': {'name': 'inner', 'version_id': 2, 'minimum_version_id': 1, "
                        "'Fields': [" F("x", 0, 4) "," F("y", 2, 4) "]}}",
                        NULL);
    const char *fwd[] = { "error field-added dev/inner/y", NULL };
    check(o, n, false, NULL, fwd);
    /* backwards: version error of a nested vmsd is a warning, the field decides */
    const char *rev[] = { "warning version-too-new dev/inner/-", "error field-missing dev/inner/y",
                          NULL };
    check(o, n, true, NULL, rev);
}

static void test_unused(void **state)
{
    /* b's 2 bytes become an unused placeholder of 2 bytes: same wire */
    const char *o = dev(1, 1, F("a", 0, 4) "," F("b", 0, 2) "," F("c", 0, 1), NULL);
    const char *n = dev(1, 1, F("a", 0, 4) "," F("unused", 0, 2) "," F("c", 0, 1), NULL);
    const char *fwd[] = { "info field-unused dev/dev/b", NULL };
    check(o, n, false, NULL, fwd);
    const char *rev[] = { "warning field-unused dev/dev/b", NULL };
    check(o, n, true, NULL, rev);
    /* 4 unused bytes against 2 */
    const char *n2 = dev(1, 1, F("a", 0, 4) "," F("unused", 0, 4) "," F("c", 0, 1), NULL);
    const char *size[] = { "error unused-size dev/dev/unused", NULL };
    check(n, n2, false, NULL, size);
    /* five 4-byte fields against 20 unused bytes (sb16 in QEMU 7.2 -> 10.0) */
    const char *o3 = dev(1, 1, F("p", 0, 4) "," F("q", 0, 4) "," F("r", 0, 4) "," F("s", 0, 4)
                         "," F("t", 0, 4) "," F("z", 0, 4), NULL);
    const char *n3 = dev(1, 1, F("unused", 0, 20) "," F("z", 0, 4), NULL);
    const char *sb[] = { "info field-unused dev/dev/p", "info field-unused dev/dev/q",
                         "info field-unused dev/dev/r", "info field-unused dev/dev/s",
                         "info field-unused dev/dev/t", NULL };
    check(o3, n3, false, NULL, sb);
}

static void test_rename_and_waiver(void **state)
{
    const char *o = dev(1, 1, F("a", 0, 4) "," F("b", 0, 4), NULL);
    const char *n = dev(1, 1, F("a", 0, 4) "," F("z", 0, 4), NULL);
    const char *plain[] = { "error field-renamed dev/dev/b", NULL };
    check(o, n, false, NULL, plain);
    const char *w = "{'waivers': [{'kind': 'field-renamed', 'description': 'dev', 'old': 'b', "
                    "'new': 'z', 'reason': 'accepted in 2024'}]}";
    const char *waived[] = { "info field-renamed dev/dev/b", NULL };
    check(o, n, false, w, waived);
    /* renames match in both directions: z -> b */
    const char *waived_rev[] = { "info field-renamed dev/dev/z", NULL };
    check(o, n, true, w, waived_rev);
    /* a rename waiver scoped to another vmsd does not apply */
    const char *w2 = "{'waivers': [{'kind': 'field-renamed', 'description': 'other', 'old': 'b', "
                     "'new': 'z'}]}";
    check(o, n, false, w2, plain);
    /* a generic waiver downgrades a finding */
    const char *w3 = "{'waivers': [{'kind': 'field-renamed', 'section': 'd*', 'field': 'b'}]}";
    check(o, n, false, w3, waived);
    /* different size at the same position: not a rename */
    const char *n4 = dev(1, 1, F("a", 0, 4) "," F("z", 0, 2), NULL);
    const char *repl[] = { "error field-missing dev/dev/b", "error field-added dev/dev/z", NULL };
    check(o, n4, false, NULL, repl);
}

static void test_order_size_array(void **state)
{
    const char *o = dev(1, 1, F("a", 0, 1) "," F("b", 0, 2) "," F("c", 0, 4), NULL);
    const char *n = dev(1, 1, F("b", 0, 2) "," F("c", 0, 4) "," F("a", 0, 1), NULL);
    const char *order[] = { "error field-order dev/dev/a", NULL };
    check(o, n, false, NULL, order);
    const char *n2 = dev(1, 1, F("a", 0, 1) "," F("b", 0, 4) "," F("c", 0, 4), NULL);
    const char *size[] = { "error field-size dev/dev/b", NULL };
    check(o, n2, false, NULL, size);
    /* array lengths compare only when both dumps record them */
    const char *a4 = dev(1, 1, FN("arr", 4, 4), NULL), *a8 = dev(1, 1, FN("arr", 4, 8), NULL);
    const char *alen[] = { "error array-length dev/dev/arr", NULL };
    check(a4, a8, false, NULL, alen);
    const char *none[] = { NULL };
    check(dev(1, 1, F("arr", 0, 4), NULL), a8, false, NULL, none);
}

static void test_field_exists_and_version(void **state)
{
    const char *o = dev(2, 1, F("a", 0, 4) "," F("b", 0, 4), NULL);
    const char *n = dev(2, 1, F("a", 0, 4) "," FX("b", 0, 4), NULL);
    const char *ex[] = { "warning field-exists-changed dev/dev/b", NULL };
    check(o, n, false, NULL, ex);
    /* b moved to version 3 in a v3 destination: a v2 stream carries b, the destination skips it */
    const char *n2 = dev(3, 1, F("a", 0, 4) "," F("b", 3, 4), NULL);
    const char *ver[] = { "error field-version dev/dev/b", NULL };
    check(o, n2, false, NULL, ver);
    /* version_id differs but both transfer the field at v2 */
    const char *n3 = dev(2, 1, F("a", 0, 4) "," F("b", 1, 4), NULL);
    const char *verw[] = { "warning field-version dev/dev/b", NULL };
    check(o, n3, false, NULL, verw);
}

static void test_subsections(void **state)
{
    const char *sub = ", 'Subsections': [{'name': 'dev/extra', 'version_id': 1, "
                      "'minimum_version_id': 1, 'Fields': [" F("e", 0, 1) "]}]";
    const char *o = dev(1, 1, F("a", 0, 4), sub), *n = dev(1, 1, F("a", 0, 4), NULL);
    const char *fwd[] = { "error subsection-missing dev/dev/-", NULL };
    check(o, n, false, NULL, fwd);
    const char *rev[] = { "info subsection-added dev/dev/-", NULL };
    check(o, n, true, NULL, rev);
    /* a subsection's version travels with it */
    const char *sub2 = ", 'Subsections': [{'name': 'dev/extra', 'version_id': 2, "
                       "'minimum_version_id': 2, 'Fields': [" F("e", 0, 1) "]}]";
    const char *n2 = dev(1, 1, F("a", 0, 4), sub2);
    const char *vold[] = { "error version-too-old dev/dev/extra/-", NULL };
    check(o, n2, false, NULL, vold);
}

static void test_sections(void **state)
{
    const char *o = "{'vmschkmachine': {'Name': 'pc-i440fx-7.2'}, "
                    "'gone': {'Name': 'gone', 'version_id': 1, 'minimum_version_id': 1, "
                    "'Description': {'name': 'gone', 'version_id': 1, 'minimum_version_id': 1}}, "
                    "'e1000-82540em': {'Name': 'e1000-82540em', 'version_id': 2, "
                    "'minimum_version_id': 1, 'Description': {'name': 'e1000', 'version_id': 2, "
                    "'minimum_version_id': 1}}}";
    const char *n = "{'vmschkmachine': {'Name': 'pc-q35-7.2'}, "
                    "'new': {'Name': 'new', 'version_id': 1, 'minimum_version_id': 1, "
                    "'Description': {'name': 'new', 'version_id': 1, 'minimum_version_id': 1}}, "
                    "'e1000': {'Name': 'e1000', 'version_id': 2, 'minimum_version_id': 1, "
                    "'Description': {'name': 'e1000', 'version_id': 2, 'minimum_version_id': 1}}}";
    const char *fwd[] = { "warning machine-type -/-/-", "info section-renamed e1000-82540em/-/-",
                          "error section-missing gone/-/-", "info section-added new/-/-", NULL };
    check(o, n, false, NULL, fwd);
    const char *w = "{'waivers': [{'kind': 'section-missing', 'section': 'gone', "
                    "'reason': 'never configured'}]}";
    const char *waived[] = { "warning machine-type -/-/-", "info section-renamed e1000-82540em/-/-",
                             "info section-missing gone/-/-", "info section-added new/-/-", NULL };
    check(o, n, false, w, waived);
}

static void test_descriptions(void **state)
{
    const char *struct_a = "{'field': 's', 'version_id': 0, 'field_exists': false, 'size': 8, "
                           "'Description': {'name': 'A', 'version_id': 1, "
                           "'minimum_version_id': 1, 'Fields': [" F("x", 0, 8) "]}}";
    const char *struct_b = "{'field': 's', 'version_id': 0, 'field_exists': false, 'size': 8, "
                           "'Description': {'name': 'B', 'version_id': 1, "
                           "'minimum_version_id': 1, 'Fields': [" F("x", 0, 8) "]}}";
    /* a nested vmsd's name is not on the wire */
    const char *nested[] = { "warning description-renamed dev/A/s", NULL };
    check(dev(1, 1, struct_a, NULL), dev(1, 1, struct_b, NULL), false, NULL, nested);
    /* struct against a plain field */
    const char *miss[] = { "error description-missing dev/dev/s", NULL };
    check(dev(1, 1, struct_a, NULL), dev(1, 1, F("s", 0, 8), NULL), false, NULL, miss);
    const char *add[] = { "error description-added dev/dev/s", NULL };
    check(dev(1, 1, struct_a, NULL), dev(1, 1, F("s", 0, 8), NULL), true, NULL, add);
    /* the section's own vmsd name is its idstr */
    const char *o = "{'d': {'version_id': 1, 'Description': {'name': 'one', 'version_id': 1}}}";
    const char *n = "{'d': {'version_id': 1, 'Description': {'name': 'two', 'version_id': 1}}}";
    const char *top[] = { "error description-renamed d/one/-", NULL };
    check(o, n, false, NULL, top);
    /* a renamed vmsd QEMU's checker knows (scope: the section) */
    const char *o2 = "{'ich9-ahci': {'version_id': 1, 'Description': {'name': 'dev', "
                     "'version_id': 1, 'Fields': [{'field': 'ahci', 'version_id': 0, "
                     "'field_exists': false, 'size': 8, 'Description': {'name': 'ahci', "
                     "'version_id': 1, 'Fields': []}}]}}}";
    const char *n2 = "{'ich9-ahci': {'version_id': 1, 'Description': {'name': 'dev', "
                     "'version_id': 1, 'Fields': [{'field': 'ahci', 'version_id': 0, "
                     "'field_exists': false, 'size': 8, 'Description': {'name': 'ich9_ahci', "
                     "'version_id': 1, 'Fields': []}}]}}}";
    const char *known[] = { "info description-renamed ich9-ahci/ahci/ahci", NULL };
    check(o2, n2, false, NULL, known);
    /* no field list at all */
    const char *o3 = "{'d': {'version_id': 1, 'Description': {'name': 'd', 'version_id': 1, "
                     "'Fields': [" F("x", 0, 1) "]}}}";
    const char *n3 = "{'d': {'version_id': 1, 'Description': {'name': 'd', 'version_id': 1}}}";
    const char *fm[] = { "error fields-missing d/d/-", NULL };
    check(o3, n3, false, NULL, fm);
    /* no Description in the destination's section */
    const char *n4 = "{'d': {'version_id': 1}}";
    const char *dm[] = { "error description-missing d/d/-", NULL };
    check(o3, n4, false, NULL, dm);
}

static void test_struct_moved(void **state)
{
    /* the destination groups a and b in a struct: the wire is unchanged */
    const char *o = dev(1, 1, F("a", 0, 4) "," F("b", 0, 2) "," F("c", 0, 1), NULL);
    const char *n = dev(1, 1,
                        "{'field': 'grp', 'version_id': 0, 'field_exists': false, 'size': 8, "
                        "'Description': {'name': 'G', 'version_id': 1, 'minimum_version_id': 1, "
                        "'Fields': [" F("a", 0, 4) "," F("b", 0, 2) "]}}," F("c", 0, 1),
                        NULL);
    const char *fwd[] = { "info field-struct-moved dev/dev/grp", NULL };
    check(o, n, false, NULL, fwd);
    check(o, n, true, NULL, fwd);
}

static void test_conditional(void **state)
{
    const char *o = dev(1, 1, F("a", 0, 4), NULL);
    const char *n = dev(1, 1, F("a", 0, 4) "," FX("t", 0, 1), NULL);
    const char *fwd[] = { "warning field-added-conditional dev/dev/t", NULL };
    check(o, n, false, NULL, fwd);
    const char *rev[] = { "warning field-missing-conditional dev/dev/t", NULL };
    check(o, n, true, NULL, rev);
}

/* ---- importer on bad input ---- */

static void expect_bad(const char *json, int code, const char *needle)
{
    vmc_dump *d = (vmc_dump *)1;
    char *j = q(json);
    int rc = vmc_dump_parse(&d, j, strlen(j), "bad.json");
    free(j);
    assert_int_equal(rc, code);
    assert_null(d);
    const vmc_error *e = vmc_error_last();
    char buf[2048];
    snprintf(buf, sizeof(buf), "%s | %s", e->message, e->field);
    if (!strstr(buf, needle)) {
        fail_msg("error '%s' does not mention '%s'", buf, needle);
    }
}

static void test_bad_input(void **state)
{
    expect_bad("{", VMC_EFORMAT, "not valid JSON");
    expect_bad("[]", VMC_EFORMAT, "expected an object, got array at $");
    expect_bad("{} x", VMC_EFORMAT, "(at byte 3)");
    expect_bad("{'d': {'version_id': 1, 'Description': {'name': 'd', 'version_id': 1, "
               "'Fields': [{'field': 'f', 'version_id': 0, 'size': '4'}]}}}",
               VMC_EFORMAT, "$[\"d\"].Description.Fields[0].size");
    expect_bad("{'d': {'version_id': 1, 'Description': {'name': 'd', 'version_id': 1, "
               "'Fields': [{'field': 'f', 'version_id': 0, 'size': 4}, {'version_id': 0}]}}}",
               VMC_EFORMAT, "missing key \"field\" at $[\"d\"].Description.Fields[1]");
    expect_bad("{'d': {'version_id': 1099511627776}}", VMC_EFORMAT, "out of range");
    expect_bad("{'d': {'version_id': 1, 'Description': {'name': 'd', 'version_id': 1, "
               "'Fields': [{'field': 'f', 'version_id': 0, 'size': -1}]}}}",
               VMC_EFORMAT, "out of range");
    expect_bad("{'d': {'version_id': 1, 'Description': {'name': 'a\\u0000b', 'version_id': 1}}}",
               VMC_EFORMAT, "NUL");
    expect_bad("{'d': {'version_id': 1, 'Description': {'name': 'd', 'version_id': 1, "
               "'Subsections': {}}}}",
               VMC_EFORMAT, "expected an array, got object at $[\"d\"].Description.Subsections");
    expect_bad("{'d': {'version_id': 1, 'Description': {'name': 'd', 'version_id': 1, "
               "'Fields': [{'field': 'f', 'version_id': 0, 'size': 1, 'field_exists': 1}]}}}",
               VMC_EFORMAT, "expected a boolean");
    expect_bad("{'vmschkmachine': {'Name': 7}}", VMC_EFORMAT, "$[\"vmschkmachine\"].Name");

    /* Description nesting beyond the bound: a clear error, no deep recursion */
    GString *s = g_string_new("{'d': {'version_id': 1, 'Description': ");
    for (int i = 0; i < VMC_DUMP_MAX_NESTING + 2; i++) {
        g_string_append(s, "{'name': 'n', 'version_id': 1, 'Fields': [{'field': 'f', "
                           "'version_id': 0, 'size': 1, 'Description': ");
    }
    g_string_append(s, "{'name': 'leaf', 'version_id': 1}");
    for (int i = 0; i < VMC_DUMP_MAX_NESTING + 2; i++) {
        g_string_append(s, "}]}");
    }
    g_string_append(s, "}}");
    char *j = q(s->str);
    vmc_dump *d;
    int rc = vmc_dump_parse(&d, j, strlen(j), "deep.json");
    assert_int_equal(rc, VMC_EFORMAT);
    free(j);
    g_string_free(s, TRUE);

    /* 100000 nested arrays: refused by the tokener's depth bound */
    size_t n = 100000;
    char *arr = malloc(2 * n + 1);
    memset(arr, '[', n);
    memset(arr + n, ']', n);
    arr[2 * n] = '\0';
    assert_int_equal(vmc_dump_parse(&d, arr, 2 * n, "arrays.json"), VMC_EFORMAT);
    free(arr);

    assert_int_equal(vmc_dump_load(&d, "/nonexistent/dump.json"), VMC_EIO);
}

static void test_bad_waivers(void **state)
{
    vmc_waivers *w;
    const char *bad[] = {
        "{'waivers': [{'kind': 'no-such-kind'}]}",
        "{'waivers': [{'kind': 'field-renamed', 'old': 'a'}]}",
        "{'waivers': [{'kind': 'field-size', 'old': 'a', 'new': 'b'}]}",
        "{'waivers': [{'section': 'x'}]}",
        "{'waivers': {}}",
        "[]",
        "{'waivers': [{'kind': 'field-size', 'field': 3}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *j = q(bad[i]);
        assert_int_equal(vmc_waivers_parse(&w, j, strlen(j), "w.json"), VMC_EFORMAT);
        free(j);
    }
}

/* Huge field lists stay linear: no quadratic alignment beyond a bound. */
static void test_large(void **state)
{
    const size_t n = 100000;
    GString *o = g_string_new("{\"d\": {\"version_id\": 1, \"Description\": {\"name\": \"d\", "
                              "\"version_id\": 1, \"Fields\": [");
    GString *w = g_string_new(o->str);
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(o, "%s{\"field\": \"f%zu\", \"version_id\": 0, \"size\": 4}",
                               i ? "," : "", i);
        g_string_append_printf(w, "%s{\"field\": \"f%zu\", \"version_id\": 0, \"size\": 4}",
                               i ? "," : "", n - 1 - i);
    }
    g_string_append(o, "]}}}");
    g_string_append(w, "]}}}");
    vmc_dump *od, *nd;
    assert_int_equal(vmc_dump_parse(&od, o->str, o->len, "o"), 0);
    assert_int_equal(vmc_dump_parse(&nd, w->str, w->len, "n"), 0);
    vmc_findings *f;
    assert_int_equal(vmc_schema_diff(&f, od, nd, NULL), 0);
    /* every field is found at another position */
    assert_int_equal(vmc_findings_count(f), n);
    assert_string_equal(vmc_findings_get(f, 0)->kind, "field-order");
    assert_string_equal(vmc_findings_get(f, n - 1)->kind, "field-order");
    vmc_findings_free(f);
    vmc_dump_free(od);
    vmc_dump_free(nd);
    g_string_free(o, TRUE);
    g_string_free(w, TRUE);
}

/* The JSON Schema lists exactly the kinds the engine produces. */
static void test_schema_kinds(void **state)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/schemas/schema-diff.schema.json", tu_source_dir());
    json_object *s = json_object_from_file(path);
    assert_non_null(s);
    json_object *defs, *finding, *props, *kind, *one;
    assert_true(json_object_object_get_ex(s, "$defs", &defs));
    assert_true(json_object_object_get_ex(defs, "finding", &finding));
    assert_true(json_object_object_get_ex(finding, "properties", &props));
    assert_true(json_object_object_get_ex(props, "kind", &kind));
    assert_true(json_object_object_get_ex(kind, "oneOf", &one));
    size_t n = json_object_array_length(one);
    assert_int_equal(n, 26);
    for (size_t i = 0; i < n; i++) {
        json_object *c;
        assert_true(json_object_object_get_ex(json_object_array_get_idx(one, i), "const", &c));
        if (!vmc_schema_kind_known(json_object_get_string(c))) {
            fail_msg("schema kind '%s' unknown to the engine", json_object_get_string(c));
        }
    }
    json_object_put(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_versioned_field),
        cmocka_unit_test(test_nested_version),
        cmocka_unit_test(test_unused),
        cmocka_unit_test(test_rename_and_waiver),
        cmocka_unit_test(test_order_size_array),
        cmocka_unit_test(test_field_exists_and_version),
        cmocka_unit_test(test_subsections),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_descriptions),
        cmocka_unit_test(test_struct_moved),
        cmocka_unit_test(test_conditional),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_bad_waivers),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_schema_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
