/*
 * vmcompat preflight [--format text|json] [--cap NAME=on|off]... STREAM -- DEST_QEMU_ARGS...
 * vmcompat preflight --source-cmdline 'SRC QEMU ARGS' -- DEST_QEMU_ARGS...
 *
 * Predict what a QEMU 7.2 destination started with DEST_QEMU_ARGS does with
 * the stream (or with the fresh state of the source command line).
 * Exit 0 when QEMU would load it, 1 when it would refuse it, 2 on usage errors.
 */
#include "cli.h"
#include "vmcompat/capture.h"
#include "vmcompat/preflight.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CAPS 32

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmcompat preflight [options] STREAM -- DEST_QEMU_ARGS...\n"
            "       vmcompat preflight [options] --source-cmdline 'SRC QEMU ARGS' -- "
            "DEST_QEMU_ARGS...\n"
            "       vmcompat preflight [options] --qmp SOCKET -- DEST_QEMU_ARGS...\n"
            "\n"
            "Predict whether a QEMU 7.2 destination started with DEST_QEMU_ARGS accepts the\n"
            "stream (a file or - for stdin), and explain every problem.\n"
            "\n"
            "  -f, --format FMT          text (default) or json\n"
            "      --qmp SOCKET          check the running QEMU behind this QMP socket (its\n"
            "                            device state is captured; RAM is not sent)\n"
            "      --cap NAME=on|off     a migration capability of the destination (repeat)\n"
            "      --source-cmdline ARGS the source's command line, one shell-quoted string\n"
            "  -h, --help                this help\n"
            "\n"
            "Exit status: 0 compatible, 1 incompatible (or the stream is invalid), 2 usage "
            "error.\n");
}

static void print_text(const vmc_preflight *p)
{
    bool ok = vmc_preflight_compatible(p);
    bool color = isatty(1) && !getenv("NO_COLOR");
    const char *red = color ? "\033[31m" : "", *yellow = color ? "\033[33m" : "",
               *green = color ? "\033[32m" : "", *off = color ? "\033[0m" : "";
    size_t n = vmc_preflight_count(p);
    for (size_t i = 0; i < n; i++) {
        const vmc_preflight_finding *f = vmc_preflight_at(p, i);
        if (f->severity == VMC_SEV_INFO) {
            continue;
        }
        const char *c = f->severity == VMC_SEV_ERROR ? red : yellow;
        printf("%s%-7s%s %s", c, vmc_severity_name(f->severity), off, f->cls);
        if (f->section) {
            printf(" [%s", f->section);
            if (f->instance_id >= 0) {
                printf(" instance %lld", (long long)f->instance_id);
            }
            printf("]");
        }
        if (f->field) {
            printf(" field %s", f->field);
        }
        if (f->offset >= 0) {
            printf(" @0x%llx", (unsigned long long)f->offset);
        }
        printf("\n        %s\n", f->message);
        if (f->false_incompatibility) {
            printf("        false incompatibility: runtime state the destination cannot know "
                   "(QEMU 8.1+ no longer compares it)\n");
        }
        if (f->qemu_error) {
            printf("        QEMU: %s\n", f->qemu_error);
        }
        if (f->remedy) {
            printf("        remedy: %s\n", f->remedy);
        }
    }
    size_t infos = 0;
    for (size_t i = 0; i < n; i++) {
        infos += vmc_preflight_at(p, i)->severity == VMC_SEV_INFO;
    }
    const vmc_preflight_finding *first = vmc_preflight_first_error(p);
    if (ok) {
        printf("%scompatible%s: QEMU 7.2 would load this stream (%zu notes; --format json lists "
               "them)\n", green, off, infos);
    } else {
        printf("%sincompatible%s: QEMU 7.2 would refuse it with:\n  %s\n", red, off,
               first->qemu_error ? first->qemu_error : first->message);
    }
}

static void print_json(const vmc_preflight *p)
{
    vmc_json *j;
    vmc_json_new_file(&j, stdout, VMC_JSON_PRETTY, 2);
    vmc_json_begin_object(j);
    vmc_json_key(j, "verdict");
    vmc_json_string(j, vmc_preflight_compatible(p) ? "compatible" : "incompatible");
    vmc_json_key(j, "findings");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_preflight_count(p); i++) {
        const vmc_preflight_finding *f = vmc_preflight_at(p, i);
        vmc_json_begin_object(j);
        vmc_json_key(j, "severity");
        vmc_json_string(j, vmc_severity_name(f->severity));
        vmc_json_key(j, "class");
        vmc_json_string(j, f->cls);
        vmc_json_key(j, "section");
        vmc_json_string(j, f->section);
        vmc_json_key(j, "instance_id");
        if (f->instance_id >= 0) {
            vmc_json_int(j, f->instance_id);
        } else {
            vmc_json_null(j);
        }
        vmc_json_key(j, "field");
        vmc_json_string(j, f->field);
        vmc_json_key(j, "offset");
        if (f->offset >= 0) {
            vmc_json_int(j, f->offset);
        } else {
            vmc_json_null(j);
        }
        vmc_json_key(j, "message");
        vmc_json_string(j, f->message);
        vmc_json_key(j, "qemu_error");
        vmc_json_string(j, f->qemu_error);
        vmc_json_key(j, "false_incompatibility");
        vmc_json_bool(j, f->false_incompatibility);
        vmc_json_key(j, "remedy");
        vmc_json_string(j, f->remedy);
        vmc_json_end_object(j);
    }
    vmc_json_end_array(j);
    vmc_json_end_object(j);
    vmc_json_finish(j);
    vmc_json_free(j);
    printf("\n");
}

int cmd_preflight(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "cap", required_argument, NULL, 'c' },
        { "source-cmdline", required_argument, NULL, 's' },
        { "qmp", required_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    vmc_preflight_cap caps[MAX_CAPS];
    char *capnames[MAX_CAPS];
    size_t ncaps = 0;
    bool json = false;
    const char *source_cmdline = NULL, *qmp = NULL;
    int opt, status = VMC_EXIT_USAGE;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (!cli_text_or_json("preflight", optarg, &json)) {
                goto out;
            }
            break;
        case 'c': {
            const char *eq = strchr(optarg, '=');
            if (!eq || ncaps == MAX_CAPS ||
                (strcmp(eq + 1, "on") != 0 && strcmp(eq + 1, "off") != 0)) {
                fprintf(stderr, "vmcompat preflight: --cap takes NAME=on|off\n");
                goto out;
            }
            capnames[ncaps] = strndup(optarg, (size_t)(eq - optarg));
            caps[ncaps].name = capnames[ncaps];
            caps[ncaps].on = strcmp(eq + 1, "on") == 0;
            ncaps++;
            break;
        }
        case 's':
            source_cmdline = optarg;
            break;
        case 'q':
            qmp = optarg;
            break;
        case 'h':
            usage(stdout);
            status = VMC_EXIT_OK;
            goto out;
        default:
            usage(stderr);
            goto out;
        }
    }
    const char *stream = NULL;
    /* getopt consumes a "--" that directly follows the options */
    bool dashdash = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
    if (!dashdash && optind < argc && strcmp(argv[optind], "--") != 0) {
        stream = argv[optind++];
    }
    if (!dashdash) {
        if (optind >= argc || strcmp(argv[optind], "--") != 0) {
            dashdash = false;
        } else {
            dashdash = true;
            optind++;
        }
    }
    if (!dashdash || (!!stream + !!source_cmdline + !!qmp) != 1) {
        fprintf(stderr, "vmcompat preflight: give one of STREAM, --source-cmdline or --qmp, "
                "then -- and the destination's QEMU arguments\n");
        usage(stderr);
        goto out;
    }
    vmc_model *dest;
    if (vmc_model_build(&dest, argc - optind, (const char *const *)argv + optind, NULL)) {
        fprintf(stderr, "vmcompat preflight: destination: ");
        cli_print_error("preflight");
        status = vmc_error_last()->code == VMC_EUSAGE ? VMC_EXIT_USAGE : VMC_EXIT_INVALID;
        goto out;
    }
    vmc_preflight_options po = { .caps = caps, .ncaps = ncaps };
    vmc_preflight *p = NULL;
    int rc;
    if (qmp) {
        /* capture the running source's device state, then check it */
        char tmpl[] = "/tmp/vmcompat-capture-XXXXXX";
        char *dir = mkdtemp(tmpl);
        char *cmdline = NULL;
        char path[64];
        snprintf(path, sizeof(path), "%s/state", dir ? dir : "/tmp");
        if (!dir || vmc_capture_device_state(qmp, path, &cmdline, 10000)) {
            if (dir) {
                cli_print_error("preflight");
                rmdir(dir);
            }
            vmc_model_free(dest);
            status = VMC_EXIT_INVALID;
            goto out;
        }
        vmc_model *srcm = NULL;
        if (cmdline && vmc_model_build_shell(&srcm, cmdline, NULL)) {
            fprintf(stderr, "vmcompat preflight: note: the source's command line could not be "
                    "modelled (%s); machine type and RAM are not checked\n",
                    vmc_error_last()->message);
            srcm = NULL;
        } else if (!cmdline) {
            fprintf(stderr, "vmcompat preflight: note: the source's command line is not known "
                    "(QEMU on another host or in another namespace); machine type and RAM are "
                    "not checked\n");
        }
        vmc_source *src;
        rc = vmc_source_open_path(&src, path);
        if (!rc) {
            rc = vmc_preflight_capture(&p, src, srcm, dest, &po);
            vmc_source_free(src);
        }
        unlink(path);
        rmdir(dir);
        free(cmdline);
        vmc_model_free(srcm);
    } else if (stream) {
        vmc_source *src;
        if (vmc_source_open_path(&src, stream)) {
            cli_print_error("preflight");
            vmc_model_free(dest);
            status = VMC_EXIT_INVALID;
            goto out;
        }
        rc = vmc_preflight_stream(&p, src, dest, &po);
        vmc_source_free(src);
    } else {
        vmc_model *srcm;
        if (vmc_model_build_shell(&srcm, source_cmdline, NULL)) {
            fprintf(stderr, "vmcompat preflight: source: ");
            cli_print_error("preflight");
            vmc_model_free(dest);
            status = vmc_error_last()->code == VMC_EUSAGE ? VMC_EXIT_USAGE : VMC_EXIT_INVALID;
            goto out;
        }
        rc = vmc_preflight_models(&p, srcm, dest, &po);
        vmc_model_free(srcm);
    }
    if (rc) {
        cli_print_error("preflight");
        vmc_model_free(dest);
        status = VMC_EXIT_INVALID;
        goto out;
    }
    if (json) {
        print_json(p);
    } else {
        print_text(p);
    }
    status = vmc_preflight_compatible(p) ? VMC_EXIT_OK : VMC_EXIT_INVALID;
    vmc_preflight_free(p);
    vmc_model_free(dest);
out:
    for (size_t i = 0; i < ncaps; i++) {
        free(capnames[i]);
    }
    return status;
}
