/*
 * vmcompat harvest [--qemu CMD] [--root DIR] [--machine M]... [--reference FILE]
 *                  [--jobs N] [--timeout SECONDS] [--force] [--keep-going]
 *                  [--no-dumps] [--quiet] -o DIR
 *
 * Collect machine-type tables, -dump-vmstate output and property values
 * from an installed QEMU binary (include/vmcompat/harvest.h).  Progress goes
 * to stderr, a summary to stdout.  Exit 0 when the harvest is complete, 1
 * when it failed (with --keep-going: also when machine types were left
 * out), 2 on usage errors (also an unknown machine type or an existing
 * output directory without --force).
 */
#include "cli.h"
#include "vmcompat/harvest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmcompat harvest [--qemu CMD] [--root DIR] [--machine M]... -o DIR [options]\n"
            "\n"
            "Run a QEMU binary (any version from 5.2 on) to collect its machine types, the\n"
            "-dump-vmstate output of each machine type and the property values its devices\n"
            "get on each machine type, and write them as machine-type tables for\n"
            "`vmcompat machines --tables DIR/machine-types.json` and dumps for\n"
            "`vmcompat schema-diff` (docs/machine-types.md, \"Harvested tables\").\n"
            "\n"
            "  -o, --output DIR     output directory (written completely or not at all):\n"
            "                       machine-types.json, dumps/M.json, properties/M.json,\n"
            "                       harvest.json (report)\n"
            "  --qemu CMD           QEMU binary or command line (default qemu-system-x86_64),\n"
            "                       e.g. --qemu 'chroot /srv/bullseye qemu-system-x86_64'\n"
            "  --root DIR           the directory CMD sees as / (for a chroot)\n"
            "  --machine M          harvest this machine type (repeatable; default all); the\n"
            "                       newest machine type of its family is added as reference\n"
            "  --reference FILE     tables whose global properties name the (driver, property)\n"
            "                       pairs to derive compat properties for (default built-in)\n"
            "  --jobs N             machine types harvested in parallel (default %d)\n"
            "  --timeout SECONDS    limit of each QEMU run or QMP step (default %d)\n"
            "  --force              replace DIR if it exists\n"
            "  --keep-going         leave failed machine types out instead of failing\n"
            "  --no-dumps           skip -dump-vmstate\n"
            "  -q, --quiet          no progress on stderr\n"
            "\n"
            "Exit status: 0 success, 1 harvest failed, 2 usage error.\n",
            4, VMC_HARVEST_DEFAULT_TIMEOUT_MS / 1000);
}

static void on_progress(void *opaque, const char *line)
{
    (void)opaque;
    fprintf(stderr, "vmcompat harvest: %s\n", line);
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > max) {
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int cmd_harvest(int argc, char **argv)
{
    vmc_harvest_opts o;
    memset(&o, 0, sizeof(o));
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu >= 4 ? 4 : ncpu >= 1 ? (unsigned)ncpu : 1;
    bool quiet = false;
    const char **machines = calloc((size_t)argc + 1, sizeof(*machines));
    if (!machines) {
        fprintf(stderr, "vmcompat harvest: out of memory\n");
        return VMC_EXIT_INVALID;
    }
    int ret = VMC_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(machines);
            return VMC_EXIT_OK;
        }
        static const char *const with_arg[] = { "--qemu", "--root", "--machine", "--reference",
                                                "--jobs", "--timeout", "--output", "-o", NULL };
        const char *name = NULL;
        for (const char *const *w = with_arg; *w && !name; w++) {
            size_t l = strlen(*w);
            if (strcmp(a, *w) == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "vmcompat harvest: %s needs an argument\n", a);
                    goto usage_error;
                }
                name = *w;
                val = argv[++i];
            } else if (l > 2 && strncmp(a, *w, l) == 0 && a[l] == '=') {
                name = *w;
                val = a + l + 1;
            }
        }
        if (name) {
            if (strcmp(name, "--qemu") == 0) {
                o.qemu = val;
            } else if (strcmp(name, "--root") == 0) {
                o.root = val;
            } else if (strcmp(name, "--machine") == 0) {
                machines[o.n_machines++] = val;
            } else if (strcmp(name, "--reference") == 0) {
                o.reference = val;
            } else if (strcmp(name, "--jobs") == 0) {
                if (parse_uint(val, VMC_HARVEST_MAX_JOBS, &o.jobs) || o.jobs == 0) {
                    fprintf(stderr, "vmcompat harvest: --jobs expects 1 ... %d\n",
                            VMC_HARVEST_MAX_JOBS);
                    goto usage_error;
                }
            } else if (strcmp(name, "--timeout") == 0) {
                unsigned s;
                if (parse_uint(val, 86400, &s) || s == 0) {
                    fprintf(stderr, "vmcompat harvest: --timeout expects seconds (1 ... 86400)\n");
                    goto usage_error;
                }
                o.timeout_ms = s * 1000;
            } else {
                o.out_dir = val;
            }
        } else if (strcmp(a, "--force") == 0) {
            o.force = true;
        } else if (strcmp(a, "--keep-going") == 0) {
            o.keep_going = true;
        } else if (strcmp(a, "--no-dumps") == 0) {
            o.no_dumps = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "vmcompat harvest: unknown option '%s'\n", a);
            goto usage_error;
        } else {
            fprintf(stderr, "vmcompat harvest: unexpected argument '%s'\n", a);
            goto usage_error;
        }
    }
    if (!o.out_dir || !*o.out_dir) {
        fprintf(stderr, "vmcompat harvest: an output directory (-o DIR) is required\n");
        goto usage_error;
    }
    o.machines = machines;
    if (!quiet) {
        o.progress = on_progress;
    }
    vmc_harvest_summary s;
    int rc = vmc_harvest(&o, &s);
    if (rc && s.machines == 0) {
        cli_print_error("harvest");
        ret = rc == VMC_EUSAGE ? VMC_EXIT_USAGE : VMC_EXIT_INVALID;
        free(machines);
        return ret;
    }
    printf("harvested QEMU %s into %s: %zu machine type%s", s.qemu_version, o.out_dir,
           s.machines, s.machines == 1 ? "" : "s");
    if (s.machines_failed) {
        printf(" (%zu failed, left out)", s.machines_failed);
    }
    if (s.machines_skipped) {
        printf(" (%zu skipped: QEMU does not start them under TCG)", s.machines_skipped);
    }
    printf(", %zu QEMU runs, %zu objects, %zu values, %zu compat properties, %zu probe "
           "failures, %zu unobserved pairs, %zu mismatches, %.1f s\n",
           s.qemu_runs, s.objects, s.values, s.compat_props, s.probe_failures,
           s.unobserved_pairs, s.mismatches, s.seconds);
    if (rc) {
        cli_print_error("harvest");
    }
    ret = rc ? VMC_EXIT_INVALID : VMC_EXIT_OK;
    if (fflush(stdout) != 0) {
        fprintf(stderr, "vmcompat harvest: error: write error on standard output\n");
        ret = VMC_EXIT_INVALID;
    }
    free(machines);
    return ret;

usage_error:
    usage(stderr);
    free(machines);
    return VMC_EXIT_USAGE;
}
