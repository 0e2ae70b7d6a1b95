/*
 * vmcompat rewrite --fix false-incompatibilities -o OUT STREAM -- DEST_QEMU_ARGS...
 *
 * A copy of the stream in which only the bits that make a QEMU 7.2
 * destination refuse it for runtime state it cannot know (PCIe Slot Status
 * Presence Detect State) take the destination's values; every other byte is
 * identical.  The output is written atomically.  Exit 0 when the rewritten
 * stream is compatible, 1 when real incompatibilities remain (the copy is
 * still written when something was fixed), 2 on usage errors.
 */
#include "cli.h"
#include "vmcompat/preflight.h"
#include "vmcompat/rewrite.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: vmcompat rewrite --fix false-incompatibilities -o OUT STREAM -- "
               "DEST_QEMU_ARGS...\n"
               "\n"
               "Copy STREAM to OUT with only the bits changed that a QEMU 7.2 destination\n"
               "started with DEST_QEMU_ARGS would refuse for runtime state (PCIe slot presence\n"
               "detect).  Exit 0: OUT loads; 1: real incompatibilities remain; 2: usage.\n");
}

int cmd_rewrite(int argc, char **argv)
{
    static const struct option opts[] = {
        { "fix", required_argument, NULL, 'F' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *fix = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'F': fix = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return VMC_EXIT_OK;
        default: usage(stderr); return VMC_EXIT_USAGE;
        }
    }
    if (!fix || strcmp(fix, "false-incompatibilities") != 0 || !out || optind + 1 >= argc ||
        strcmp(argv[optind + 1], "--") != 0) {
        usage(stderr);
        return VMC_EXIT_USAGE;
    }
    const char *path = argv[optind];
    if (strcmp(path, "-") == 0) {
        fprintf(stderr, "vmcompat rewrite: STREAM must be a file (it is read twice)\n");
        return VMC_EXIT_USAGE;
    }
    optind += 2;
    vmc_model *dest;
    if (vmc_model_build(&dest, argc - optind, (const char *const *)argv + optind, NULL)) {
        cli_print_error("rewrite");
        return vmc_error_last()->code == VMC_EUSAGE ? VMC_EXIT_USAGE : VMC_EXIT_INVALID;
    }
    int status = VMC_EXIT_INVALID;
    vmc_source *src = NULL;
    vmc_preflight *p = NULL;
    vmc_sink *sink = NULL;
    vmc_patch *patches = NULL;
    if (vmc_source_open_path(&src, path) || vmc_preflight_stream(&p, src, dest, NULL)) {
        cli_print_error("rewrite");
        goto done;
    }
    vmc_source_free(src);
    src = NULL;
    size_t n = vmc_preflight_count(p), np = 0, real = 0;
    patches = calloc(n ? n : 1, sizeof(*patches));
    for (size_t i = 0; i < n; i++) {
        const vmc_preflight_finding *f = vmc_preflight_at(p, i);
        if (f->severity != VMC_SEV_ERROR) {
            continue;
        }
        if (f->false_incompatibility && f->offset >= 0) {
            patches[np].offset = f->offset;
            patches[np].mask = f->bad_bits;
            patches[np].value = f->dest_byte;
            fprintf(stderr, "fix: %s byte at 0x%llx: 0x%02x -> 0x%02x (%s)\n", f->section,
                    (unsigned long long)f->offset, f->stream_byte,
                    (uint8_t)((f->stream_byte & ~f->bad_bits) | (f->dest_byte & f->bad_bits)),
                    f->message);
            np++;
        } else {
            real++;
            fprintf(stderr, "remains: %s%s%s\n", f->qemu_error ? f->qemu_error : f->message,
                    f->remedy ? "; remedy: " : "", f->remedy ? f->remedy : "");
        }
    }
    if (!np) {
        fprintf(stderr, "vmcompat rewrite: nothing to fix%s\n",
                real ? " (the stream has real incompatibilities)" : "");
        status = real ? VMC_EXIT_INVALID : VMC_EXIT_OK;
        goto done;
    }
    if (vmc_source_open_path(&src, path) || vmc_sink_open_path(&sink, out) ||
        vmc_stream_copy_patched(src, sink, patches, np) || vmc_sink_commit(sink)) {
        cli_print_error("rewrite");
        goto done;
    }
    fprintf(stderr, "vmcompat rewrite: wrote %s with %zu byte(s) changed%s\n", out, np,
            real ? "; real incompatibilities remain" : "");
    status = real ? VMC_EXIT_INVALID : VMC_EXIT_OK;
done:
    free(patches);
    vmc_sink_free(sink);
    vmc_source_free(src);
    vmc_preflight_free(p);
    vmc_model_free(dest);
    return status;
}
