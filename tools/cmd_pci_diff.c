/*
 * vmcompat pci-diff [--format text|json] [--color auto|always|never] STREAM -- DEST_QEMU_ARGS...
 * vmcompat pci-diff [--format text|json] [--color ...] STREAM_A STREAM_B [-- QEMU_ARGS...]
 *
 * The PCI config-space bytes that differ, per device, named by register and
 * bit, with the destination's masks and what QEMU 7.2's load check does
 * with each bit.  Exit 0 when QEMU would accept (no checked bit differs; or
 * no difference at all without masks), 1 when it would refuse (or the
 * streams differ without masks), 2 on usage errors.
 */
#include "cli.h"
#include "vmcompat/pcidiff.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmcompat pci-diff [options] STREAM -- DEST_QEMU_ARGS...\n"
            "       vmcompat pci-diff [options] STREAM_A STREAM_B [-- QEMU_ARGS...]\n"
            "\n"
            "Show the PCI config-space bytes that differ between a stream and the fresh\n"
            "devices of a QEMU 7.2 destination started with DEST_QEMU_ARGS (or between two\n"
            "streams), named by register and bit, with the destination's cmask, wmask and\n"
            "w1cmask and whether QEMU's load check refuses or ignores each bit.  Without\n"
            "QEMU arguments two streams are compared without masks.\n"
            "\n"
            "  -f, --format FMT     text (default) or json\n"
            "      --color WHEN     auto (default: when stdout is a terminal), always, never\n"
            "  -h, --help           this help\n"
            "\n"
            "Exit status: 0 QEMU would accept (or no difference), 1 QEMU would refuse (or the\n"
            "streams differ and the masks are unknown), 2 usage error.\n");
}

typedef struct colors {
    const char *red, *green, *yellow, *dim, *off;
} colors;

static const char *side_a(bool model)
{
    return model ? "stream" : "a";
}

static const char *side_b(bool model)
{
    return model ? "destination" : "b";
}

static const char *bit_text(const vmc_pci_diff_bit *b)
{
    switch (b->verdict) {
    case VMC_PCI_BIT_REFUSED: return "refused: QEMU compares this bit";
    case VMC_PCI_BIT_IGNORED_WRITABLE: return "ignored: writable (wmask)";
    case VMC_PCI_BIT_IGNORED_W1C: return "ignored: write-1-to-clear (w1cmask)";
    case VMC_PCI_BIT_NOT_COMPARED: return "ignored: not in cmask";
    default: return "masks unknown";
    }
}

static void print_device_text(const vmc_pci_diff_device *dev, bool model, bool masks,
                              const colors *c)
{
    const char *vc = dev->verdict == VMC_PCI_DIFF_REFUSED ? c->red
                     : dev->verdict == VMC_PCI_DIFF_ACCEPTED ? c->green
                                                             : c->yellow;
    printf("%s instance %u", dev->section, dev->instance_id);
    if (dev->device) {
        printf(" (%s)", dev->device);
    }
    printf(": %s%s%s\n", vc, vmc_pci_diff_verdict_name(dev->verdict), c->off);
    if (dev->note) {
        printf("  note: %s\n", dev->note);
    }
    if (dev->size_a && dev->size_b && dev->size_a != dev->size_b) {
        printf("  config space: %u bytes (%s), %u bytes (%s)\n", dev->size_a, side_a(model),
               dev->size_b, side_b(model));
    }
    for (size_t i = 0; i < dev->ndiff; i++) {
        const vmc_pci_diff_byte *b = &dev->diffs[i];
        printf("  0x%03x %s", b->offset, b->location);
        if (b->capability && b->cap_offset >= 0 && strstr(b->location, b->capability) == NULL) {
            printf(" [%s]", b->capability);
        }
        printf("\n        %s 0x%02x, %s 0x%02x", side_a(model), b->a, side_b(model), b->b);
        if (b->masks_known) {
            printf("; cmask 0x%02x wmask 0x%02x w1cmask 0x%02x; checked bits 0x%02x", b->cmask,
                   b->wmask, b->w1cmask, b->checked_bits);
        } else if (!masks) {
            printf("; masks unknown");
        }
        printf("\n");
        for (size_t k = 0; k < b->nbits; k++) {
            const vmc_pci_diff_bit *bi = &b->bits[k];
            const char *col = bi->verdict == VMC_PCI_BIT_REFUSED ? c->red
                              : bi->verdict == VMC_PCI_BIT_UNKNOWN ? ""
                                                                    : c->dim;
            printf("        %sbit %u %s", col, bi->bit, bi->name);
            if (bi->description && *bi->description) {
                printf(" (%s)", bi->description);
            }
            printf(": %u -> %u, %s", bi->a, bi->b, bit_text(bi));
            if (bi->false_incompatibility) {
                printf(" (false incompatibility: runtime state; QEMU 8.1 stopped comparing it)");
            }
            printf("%s\n", col[0] ? c->off : "");
        }
        if (model && b->checked_bits) {
            printf("        QEMU: get_pci_config_device: Bad config data: i=0x%x read: %x "
                   "device: %x cmask: %x wmask: %x w1cmask:%x\n", b->offset, b->a, b->b,
                   b->cmask, b->wmask, b->w1cmask);
        }
    }
}

static void print_text(const vmc_pci_diff *d, bool model, const colors *c)
{
    bool masks = vmc_pci_diff_masks_known(d);
    size_t same = 0, n = vmc_pci_diff_device_count(d);
    for (size_t i = 0; i < n; i++) {
        const vmc_pci_diff_device *dev = vmc_pci_diff_device_at(d, i);
        if (dev->verdict == VMC_PCI_DIFF_SAME) {
            same++;
            continue;
        }
        print_device_text(dev, model, masks, c);
    }
    if (same) {
        printf("%zu PCI device%s with identical config space\n", same, same == 1 ? "" : "s");
    }
    vmc_pci_diff_verdict v = vmc_pci_diff_verdict_of(d);
    const char *vc = v == VMC_PCI_DIFF_REFUSED ? c->red
                     : v == VMC_PCI_DIFF_DIFFER ? c->yellow
                                                : c->green;
    printf("verdict: %s%s%s", vc, vmc_pci_diff_verdict_name(v), c->off);
    switch (v) {
    case VMC_PCI_DIFF_REFUSED:
        printf(" (QEMU 7.2 would refuse the PCI config space)\n");
        break;
    case VMC_PCI_DIFF_ACCEPTED:
        printf(" (config bytes differ only in bits QEMU 7.2 does not check)\n");
        break;
    case VMC_PCI_DIFF_SAME:
        printf(" (no config byte differs)\n");
        break;
    default:
        printf(masks ? " (devices differ or are not modelled)\n"
                     : " (masks unknown: give QEMU arguments after -- to check them)\n");
        break;
    }
}

static void json_mask(vmc_json *j, const char *key, bool known, unsigned v)
{
    vmc_json_key(j, key);
    if (known) {
        vmc_json_uint(j, v);
    } else {
        vmc_json_null(j);
    }
}

static void print_json(const vmc_pci_diff *d, bool model)
{
    vmc_json *j;
    vmc_json_new_file(&j, stdout, VMC_JSON_PRETTY, 2);
    vmc_json_begin_object(j);
    vmc_json_key(j, "verdict");
    vmc_json_string(j, vmc_pci_diff_verdict_name(vmc_pci_diff_verdict_of(d)));
    vmc_json_key(j, "mode");
    vmc_json_string(j, model ? "stream-vs-destination" : "streams");
    vmc_json_key(j, "masks_known");
    vmc_json_bool(j, vmc_pci_diff_masks_known(d));
    vmc_json_key(j, "devices");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_pci_diff_device_count(d); i++) {
        const vmc_pci_diff_device *dev = vmc_pci_diff_device_at(d, i);
        vmc_json_begin_object(j);
        vmc_json_key(j, "section");
        vmc_json_string(j, dev->section);
        vmc_json_key(j, "instance_id");
        vmc_json_uint(j, dev->instance_id);
        vmc_json_key(j, "device");
        vmc_json_string(j, dev->device);
        if (dev->bdf) {
            vmc_json_key(j, "bdf");
            vmc_json_string(j, dev->bdf);
        }
        vmc_json_key(j, "verdict");
        vmc_json_string(j, vmc_pci_diff_verdict_name(dev->verdict));
        vmc_json_key(j, "size_a");
        vmc_json_uint(j, dev->size_a);
        vmc_json_key(j, "size_b");
        vmc_json_uint(j, dev->size_b);
        vmc_json_key(j, "note");
        vmc_json_string(j, dev->note);
        vmc_json_key(j, "differences");
        vmc_json_begin_array(j);
        for (size_t k = 0; k < dev->ndiff; k++) {
            const vmc_pci_diff_byte *b = &dev->diffs[k];
            vmc_json_begin_object(j);
            vmc_json_key(j, "offset");
            vmc_json_uint(j, b->offset);
            vmc_json_key(j, "register");
            vmc_json_string(j, b->reg);
            vmc_json_key(j, "register_offset");
            vmc_json_uint(j, b->reg_offset);
            vmc_json_key(j, "register_size");
            vmc_json_uint(j, b->reg_size);
            vmc_json_key(j, "capability");
            vmc_json_string(j, b->capability);
            vmc_json_key(j, "cap_offset");
            if (b->cap_offset >= 0) {
                vmc_json_int(j, b->cap_offset);
            } else {
                vmc_json_null(j);
            }
            vmc_json_key(j, "location");
            vmc_json_string(j, b->location);
            vmc_json_key(j, "a");
            vmc_json_uint(j, b->a);
            vmc_json_key(j, "b");
            vmc_json_uint(j, b->b);
            json_mask(j, "cmask", b->masks_known, b->cmask);
            json_mask(j, "wmask", b->masks_known, b->wmask);
            json_mask(j, "w1cmask", b->masks_known, b->w1cmask);
            json_mask(j, "checked_bits", b->masks_known, b->checked_bits);
            vmc_json_key(j, "bits");
            vmc_json_begin_array(j);
            for (size_t m = 0; m < b->nbits; m++) {
                const vmc_pci_diff_bit *bi = &b->bits[m];
                vmc_json_begin_object(j);
                vmc_json_key(j, "bit");
                vmc_json_uint(j, bi->bit);
                vmc_json_key(j, "name");
                vmc_json_string(j, bi->name);
                vmc_json_key(j, "description");
                vmc_json_string(j, bi->description);
                vmc_json_key(j, "a");
                vmc_json_uint(j, bi->a);
                vmc_json_key(j, "b");
                vmc_json_uint(j, bi->b);
                vmc_json_key(j, "verdict");
                vmc_json_string(j, vmc_pci_bit_verdict_name(bi->verdict));
                vmc_json_key(j, "false_incompatibility");
                vmc_json_bool(j, bi->false_incompatibility);
                vmc_json_end_object(j);
            }
            vmc_json_end_array(j);
            vmc_json_end_object(j);
        }
        vmc_json_end_array(j);
        vmc_json_end_object(j);
    }
    vmc_json_end_array(j);
    vmc_json_end_object(j);
    vmc_json_finish(j);
    vmc_json_free(j);
    printf("\n");
}

int cmd_pci_diff(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "color", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    int color = -1;   /* auto */
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (!cli_text_or_json("pci-diff", optarg, &json)) {
                return VMC_EXIT_USAGE;
            }
            break;
        case 'c':
            if (strcmp(optarg, "always") == 0) {
                color = 1;
            } else if (strcmp(optarg, "never") == 0) {
                color = 0;
            } else if (strcmp(optarg, "auto") == 0) {
                color = -1;
            } else {
                fprintf(stderr, "vmcompat pci-diff: --color takes auto, always or never\n");
                return VMC_EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return VMC_EXIT_OK;
        default:
            usage(stderr);
            return VMC_EXIT_USAGE;
        }
    }
    /* STREAM [STREAM_B] [-- QEMU ARGS...]; getopt may have consumed the "--" */
    const char *streams[2];
    int nstreams = 0;
    bool dashdash = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
    while (!dashdash && optind < argc) {
        if (strcmp(argv[optind], "--") == 0) {
            dashdash = true;
            optind++;
            break;
        }
        if (nstreams == 2) {
            fprintf(stderr, "vmcompat pci-diff: at most two streams (QEMU arguments go after "
                    "--)\n");
            usage(stderr);
            return VMC_EXIT_USAGE;
        }
        streams[nstreams++] = argv[optind++];
    }
    int qargc = dashdash ? argc - optind : 0;
    if (nstreams == 0 || (nstreams == 1 && qargc == 0) ||
        (nstreams == 2 && strcmp(streams[0], "-") == 0 && strcmp(streams[1], "-") == 0)) {
        fprintf(stderr, nstreams == 1 ? "vmcompat pci-diff: give the destination's QEMU "
                                        "arguments after --, or a second stream\n"
                                      : "vmcompat pci-diff: give STREAM -- DEST_QEMU_ARGS or "
                                        "STREAM_A STREAM_B (only one may be -)\n");
        usage(stderr);
        return VMC_EXIT_USAGE;
    }
    vmc_model *m = NULL;
    if (qargc > 0 &&
        vmc_model_build(&m, qargc, (const char *const *)argv + optind, NULL)) {
        char buf[VMC_ERROR_TEXT_MAX + 600];
        fprintf(stderr, "vmcompat pci-diff: destination: %s\n",
                vmc_error_format(vmc_error_last(), buf, sizeof(buf)));
        return vmc_error_last()->code == VMC_EUSAGE ? VMC_EXIT_USAGE : VMC_EXIT_INVALID;
    }
    vmc_source *sa = NULL, *sb = NULL;
    int status = VMC_EXIT_INVALID;
    if (vmc_source_open_path(&sa, streams[0]) ||
        (nstreams == 2 && vmc_source_open_path(&sb, streams[1]))) {
        cli_print_error("pci-diff");
        goto out;
    }
    vmc_pci_diff *d = NULL;
    int rc = nstreams == 1 ? vmc_pci_diff_stream_model(&d, sa, m, NULL)
                           : vmc_pci_diff_streams(&d, sa, sb, m, NULL);
    if (rc) {
        cli_print_error("pci-diff");
        goto out;
    }
    bool model = nstreams == 1;
    if (json) {
        print_json(d, model);
    } else {
        bool on = color == 1 || (color == -1 && isatty(1) && !getenv("NO_COLOR"));
        colors c = { "", "", "", "", "" };
        if (on) {
            c = (colors){ "\033[31m", "\033[32m", "\033[33m", "\033[2m", "\033[0m" };
        }
        print_text(d, model, &c);
    }
    vmc_pci_diff_verdict v = vmc_pci_diff_verdict_of(d);
    status = v == VMC_PCI_DIFF_SAME || v == VMC_PCI_DIFF_ACCEPTED ? VMC_EXIT_OK
                                                                  : VMC_EXIT_INVALID;
    vmc_pci_diff_free(d);
out:
    vmc_source_free(sa);
    vmc_source_free(sb);
    vmc_model_free(m);
    return status;
}
