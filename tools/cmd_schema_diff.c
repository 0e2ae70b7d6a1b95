/*
 * vmcompat schema-diff [--format text|json] [--waivers FILE] [--reverse] OLD.json NEW.json
 *
 * Static compatibility of two -dump-vmstate files for a migration
 * OLD -> NEW (NEW -> OLD with --reverse).  Exit 0 when no finding is an
 * error, 1 when some is (or an input cannot be read), 2 on usage errors.
 * The JSON output follows schemas/schema-diff.schema.json.
 */
#include "cli.h"
#include "vmcompat/schema.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmcompat schema-diff [--format text|json] [--waivers FILE] [--reverse]\n"
            "                            OLD.json NEW.json\n"
            "\n"
            "Compare two `qemu-system-* -M MACHINE -dump-vmstate FILE` outputs (any QEMU\n"
            "version, gzip allowed) for a migration OLD -> NEW: OLD is the source, NEW the\n"
            "destination; --reverse checks NEW -> OLD.  Every finding is reported.\n"
            "\n"
            "  --format text|json  output format (default text)\n"
            "  --waivers FILE      JSON {\"waivers\": [...]} of accepted renames and findings\n"
            "  --reverse           migrate from NEW to OLD\n"
            "\n"
            "Exit status: 0 no error finding, 1 error findings or unreadable input, 2 usage.\n");
}

static const char *or_null(const char *s)
{
    return s ? s : "";
}

static void print_text(const vmc_findings *f, const char *src, const char *src_machine,
                       const char *dst, const char *dst_machine)
{
    printf("source: %s%s%s%s\n", src, src_machine ? " (" : "", or_null(src_machine),
           src_machine ? ")" : "");
    printf("destination: %s%s%s%s\n", dst, dst_machine ? " (" : "", or_null(dst_machine),
           dst_machine ? ")" : "");
    const char *cur = NULL;
    size_t sections = 0;
    for (size_t i = 0; i < vmc_findings_count(f); i++) {
        const vmc_finding *x = vmc_findings_get(f, i);
        if (x->section && (!cur || strcmp(cur, x->section) != 0)) {
            printf("section \"%s\":\n", x->section);
            cur = x->section;
            sections++;
        }
        printf("  %-7s %s: %s", vmc_severity_name(x->severity), x->kind, x->message);
        if (x->waiver) {
            printf(" [waived: %s]", x->waiver);
        }
        putchar('\n');
    }
    size_t e = vmc_findings_count_severity(f, VMC_SEV_ERROR);
    size_t w = vmc_findings_count_severity(f, VMC_SEV_WARNING);
    size_t n = vmc_findings_count_severity(f, VMC_SEV_INFO);
    printf("summary: %zu error%s, %zu warning%s, %zu info in %zu section%s\n", e,
           e == 1 ? "" : "s", w, w == 1 ? "" : "s", n, sections, sections == 1 ? "" : "s");
}

static void json_str_or_null(vmc_json *j, const char *key, const char *s)
{
    vmc_json_key(j, key);
    if (s) {
        vmc_json_string(j, s);
    } else {
        vmc_json_null(j);
    }
}

static int print_json(const vmc_findings *f, const char *src, const char *src_machine,
                      const char *dst, const char *dst_machine, bool reverse)
{
    vmc_json *j;
    if (vmc_json_new_file(&j, stdout, VMC_JSON_PRETTY, 2)) {
        return -1;
    }
    vmc_json_begin_object(j);
    vmc_json_key(j, "source");
    vmc_json_begin_object(j);
    json_str_or_null(j, "file", src);
    json_str_or_null(j, "machine", src_machine);
    vmc_json_end_object(j);
    vmc_json_key(j, "destination");
    vmc_json_begin_object(j);
    json_str_or_null(j, "file", dst);
    json_str_or_null(j, "machine", dst_machine);
    vmc_json_end_object(j);
    vmc_json_key(j, "reverse");
    vmc_json_bool(j, reverse);
    vmc_json_key(j, "summary");
    vmc_json_begin_object(j);
    vmc_json_key(j, "errors");
    vmc_json_uint(j, vmc_findings_count_severity(f, VMC_SEV_ERROR));
    vmc_json_key(j, "warnings");
    vmc_json_uint(j, vmc_findings_count_severity(f, VMC_SEV_WARNING));
    vmc_json_key(j, "info");
    vmc_json_uint(j, vmc_findings_count_severity(f, VMC_SEV_INFO));
    vmc_json_end_object(j);
    vmc_json_key(j, "findings");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_findings_count(f); i++) {
        const vmc_finding *x = vmc_findings_get(f, i);
        vmc_json_begin_object(j);
        json_str_or_null(j, "severity", vmc_severity_name(x->severity));
        json_str_or_null(j, "kind", x->kind);
        json_str_or_null(j, "section", x->section);
        json_str_or_null(j, "description", x->description);
        json_str_or_null(j, "field", x->field);
        json_str_or_null(j, "message", x->message);
        if (x->waiver) {
            json_str_or_null(j, "waiver", x->waiver);
        }
        vmc_json_end_object(j);
    }
    vmc_json_end_array(j);
    vmc_json_end_object(j);
    int rc = vmc_json_finish(j);
    vmc_json_free(j);
    putchar('\n');
    return rc;
}

int cmd_schema_diff(int argc, char **argv)
{
    const char *format = "text", *waivers_path = NULL;
    const char *files[2];
    int nfiles = 0;
    bool reverse = false, opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            usage(stdout);
            return VMC_EXIT_OK;
        } else if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = true;
        } else if (!opts_done && strcmp(a, "--reverse") == 0) {
            reverse = true;
        } else if (!opts_done && (strcmp(a, "--format") == 0 || strcmp(a, "--waivers") == 0)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "vmcompat schema-diff: %s needs an argument\n", a);
                usage(stderr);
                return VMC_EXIT_USAGE;
            }
            if (a[2] == 'f') {
                format = argv[++i];
            } else {
                waivers_path = argv[++i];
            }
        } else if (!opts_done && strncmp(a, "--format=", 9) == 0) {
            format = a + 9;
        } else if (!opts_done && strncmp(a, "--waivers=", 10) == 0) {
            waivers_path = a + 10;
        } else if (!opts_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "vmcompat schema-diff: unknown option '%s'\n", a);
            usage(stderr);
            return VMC_EXIT_USAGE;
        } else if (nfiles < 2) {
            files[nfiles++] = a;
        } else {
            fprintf(stderr, "vmcompat schema-diff: too many arguments\n");
            usage(stderr);
            return VMC_EXIT_USAGE;
        }
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, "vmcompat schema-diff: unknown format '%s' (text or json)\n", format);
        usage(stderr);
        return VMC_EXIT_USAGE;
    }
    if (nfiles != 2) {
        fprintf(stderr, "vmcompat schema-diff: expected two dump files, OLD.json and NEW.json\n");
        usage(stderr);
        return VMC_EXIT_USAGE;
    }
    if (strcmp(files[0], "-") == 0 && strcmp(files[1], "-") == 0) {
        fprintf(stderr, "vmcompat schema-diff: only one dump can come from standard input\n");
        return VMC_EXIT_USAGE;
    }

    vmc_dump *old_dump = NULL, *new_dump = NULL;
    vmc_waivers *waivers = NULL;
    vmc_findings *findings = NULL;
    int ret = VMC_EXIT_INVALID;
    if (vmc_dump_load(&old_dump, files[0]) || vmc_dump_load(&new_dump, files[1]) ||
        (waivers_path && vmc_waivers_load(&waivers, waivers_path))) {
        cli_print_error("schema-diff");
        goto out;
    }
    vmc_schema_diff_opts opts = { .reverse = reverse, .waivers = waivers };
    if (vmc_schema_diff(&findings, old_dump, new_dump, &opts)) {
        cli_print_error("schema-diff");
        goto out;
    }
    const vmc_dump *src = reverse ? new_dump : old_dump, *dst = reverse ? old_dump : new_dump;
    const char *src_name = reverse ? files[1] : files[0], *dst_name = reverse ? files[0] : files[1];
    if (strcmp(format, "json") == 0) {
        if (print_json(findings, src_name, vmc_dump_machine(src), dst_name, vmc_dump_machine(dst),
                       reverse)) {
            cli_print_error("schema-diff");
            goto out;
        }
    } else {
        print_text(findings, src_name, vmc_dump_machine(src), dst_name, vmc_dump_machine(dst));
    }
    for (size_t i = 0; i < vmc_waivers_count(waivers); i++) {
        if (!vmc_findings_waiver_uses(findings, i)) {
            fprintf(stderr, "vmcompat schema-diff: warning: waiver %zu of %s matched nothing\n",
                    i, waivers_path);
        }
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "vmcompat schema-diff: error: write error on standard output\n");
        goto out;
    }
    ret = vmc_findings_count_severity(findings, VMC_SEV_ERROR) ? VMC_EXIT_INVALID : VMC_EXIT_OK;
out:
    vmc_findings_free(findings);
    vmc_waivers_free(waivers);
    vmc_dump_free(old_dump);
    vmc_dump_free(new_dump);
    return ret;
}
