/*
 * vmcompat: one command, one verb per job.  Every verb uses only the
 * library's public API.
 *
 * Exit codes shared by all verbs: 0 success / compatible, 1 the input is
 * invalid or incompatible, 2 usage error.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} verbs[] = {
    { "inspect", cmd_inspect, "decode a migration stream: sections, RAM, device state" },
    { "model", cmd_model, "the machine QEMU would build: sections, RAM blocks, PCI config and masks" },
    { "preflight", cmd_preflight, "predict whether a destination QEMU accepts a stream, and why not" },
    { "pci-diff", cmd_pci_diff, "PCI config-space differences by register and bit, with QEMU's load verdict" },
    { "rewrite", cmd_rewrite, "copy a stream with false incompatibilities fixed" },
    { "capture", cmd_capture, "save the device state of a running QEMU (QMP), without RAM" },
    { "schema-diff", cmd_schema_diff, "compare two -dump-vmstate files (static compatibility)" },
    { "machines", cmd_machines, "list, show and compare versioned machine types" },
    { "write", cmd_write, "write the stream of a freshly started machine, without QEMU" },
    { "harvest", cmd_harvest, "collect machine types, vmstate dumps and property values from a QEMU binary" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: vmcompat <verb> [options] ...\n\nverbs:\n");
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        fprintf(f, "  %-12s %s\n", verbs[i].name, verbs[i].summary);
    }
    fprintf(f, "\n'vmcompat <verb> --help' describes a verb.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return VMC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return VMC_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vmcompat %s\n", vmc_version());
        return VMC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(argv[1], verbs[i].name) == 0) {
            return verbs[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "vmcompat: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return VMC_EXIT_USAGE;
}
