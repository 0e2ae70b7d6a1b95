/*
 * vmcompat write -o FILE [--state STATE.json] [--clock SECONDS] [-q] -- QEMU_ARGS...
 *
 * The stream QEMU 7.2 would write for a machine started with these
 * arguments and -S (never run): migrate it to a file, without QEMU.
 */
#include "cli.h"
#include "vmcompat/model.h"
#include "vmcompat/write.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmcompat write -o FILE [--state STATE.json] [--clock SECONDS] [-q]\n"
            "                      -- QEMU_ARGS...\n"
            "\n"
            "Write the migration stream QEMU 7.2 writes for a machine started with the\n"
            "arguments of qemu-system-x86_64 and -S (never run).  The file loads with\n"
            "`qemu-system-x86_64 QEMU_ARGS -incoming \"exec:cat FILE\"`.\n"
            "\n"
            "  -o, --output FILE   the stream (\"-\" for stdout); written to a temporary\n"
            "                      file and renamed, so FILE is whole or untouched\n"
            "  --state FILE        field values to use instead of the fresh ones: the JSON\n"
            "                      of `vmcompat inspect --format json` (its \"sections\",\n"
            "                      each with idstr, instance_id and state; partial states\n"
            "                      are fine)\n"
            "  --clock SECONDS     the wall-clock time the machine started (seconds since\n"
            "                      the epoch; default now): the RTC's time and timers\n"
            "  -q, --quiet         no progress on stderr\n"
            "\n"
            "Exit status: 0 written, 1 not modelled or bad --state, 2 usage error\n"
            "(unknown machine type, device or property, as QEMU would refuse them).\n");
}

static int read_all(const char *path, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "vmcompat write: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "vmcompat write: out of memory reading %s\n", path);
            break;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            break;
        }
        if (n == cap) {
            if (cap >= (size_t)1 << 30) {
                fprintf(stderr, "vmcompat write: %s is larger than 1 GiB\n", path);
                free(buf);
                buf = NULL;
                break;
            }
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
            }
            buf = nb;
        }
    }
    bool err = ferror(f);
    if (f != stdin) {
        fclose(f);
    }
    if (!buf || err) {
        if (err) {
            fprintf(stderr, "vmcompat write: cannot read %s\n", path);
        }
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

typedef struct progress {
    bool on;
    time_t last;
} progress;

static void on_progress(void *opaque, uint64_t done, uint64_t total)
{
    progress *p = opaque;
    time_t now = time(NULL);
    if (!p->on || (now == p->last && done < total)) {
        return;
    }
    p->last = now;
    fprintf(stderr, "\rvmcompat write: %3.0f%% (%llu of %llu MiB)", total ? 100.0 * done / total : 100.0,
            (unsigned long long)(done >> 20), (unsigned long long)(total >> 20));
    if (done >= total) {
        fprintf(stderr, "\n");
    }
}

int cmd_write(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "state", required_argument, NULL, 's' },
        { "clock", required_argument, NULL, 'c' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *output = NULL, *state_path = NULL;
    bool quiet = false;
    int64_t clock_ns = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+o:qh", opts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            output = optarg;
            break;
        case 's':
            state_path = optarg;
            break;
        case 'c': {
            char *end;
            errno = 0;
            long long s = strtoll(optarg, &end, 10);
            if (errno || *end || s <= 0 || s > 4102444800LL) {
                fprintf(stderr, "vmcompat write: --clock wants seconds since the epoch\n");
                return VMC_EXIT_USAGE;
            }
            clock_ns = (int64_t)s * 1000000000;
            break;
        }
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage(stdout);
            return VMC_EXIT_OK;
        default:
            usage(stderr);
            return VMC_EXIT_USAGE;
        }
    }
    if (!output) {
        fprintf(stderr, "vmcompat write: -o FILE is required\n");
        usage(stderr);
        return VMC_EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "vmcompat write: give the QEMU arguments after --\n");
        return VMC_EXIT_USAGE;
    }
    vmc_model *m = NULL;
    int rc = vmc_model_build(&m, argc - optind, (const char *const *)argv + optind, NULL);
    if (rc) {
        cli_print_error("write");
        return rc == VMC_EUNSUPPORTED ? VMC_EXIT_INVALID : VMC_EXIT_USAGE;   /* as QEMU refuses */
    }
    char *state = NULL;
    size_t state_len = 0;
    if (state_path && read_all(state_path, &state, &state_len)) {
        vmc_model_free(m);
        return VMC_EXIT_USAGE;
    }
    vmc_sink *sink = NULL;
    if ((rc = vmc_sink_open_path(&sink, output))) {
        cli_print_error("write");
        free(state);
        vmc_model_free(m);
        return VMC_EXIT_USAGE;
    }
    progress pr = { .on = !quiet && isatty(2) };
    vmc_write_options wo = { .state_json = state, .state_len = state_len, .clock_ns = clock_ns,
                             .progress = on_progress, .progress_opaque = &pr };
    rc = vmc_model_write(m, sink, &wo);
    if (!rc) {
        rc = vmc_sink_commit(sink);
    }
    vmc_sink_free(sink);   /* removes the temporary file when not committed */
    free(state);
    vmc_model_free(m);
    if (rc) {
        cli_print_error("write");
        return VMC_EXIT_INVALID;
    }
    return VMC_EXIT_OK;
}
