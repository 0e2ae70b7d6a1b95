/*
 * vmcompat capture --qmp SOCKET -o FILE
 *
 * Save the device state of a running QEMU (QMP xen-save-devices-state: the
 * guest pauses for about a millisecond and keeps running; no RAM is
 * written).  The file decodes with `vmcompat inspect` through the built-in
 * models and is what `preflight --qmp` checks.  Exit 0 ok, 1 failure, 2 usage.
 */
#include "cli.h"
#include "vmcompat/capture.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: vmcompat capture --qmp SOCKET -o FILE [--timeout MS]\n"
               "\n"
               "Save the device state of the QEMU listening on the QMP unix socket SOCKET\n"
               "into FILE (written by QEMU itself: it must be able to write there).\n");
}

int cmd_capture(int argc, char **argv)
{
    static const struct option opts[] = {
        { "qmp", required_argument, NULL, 'q' },
        { "output", required_argument, NULL, 'o' },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *qmp = NULL, *out = NULL;
    int timeout = 10000, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'q': qmp = optarg; break;
        case 'o': out = optarg; break;
        case 't': timeout = atoi(optarg); break;
        case 'h': usage(stdout); return VMC_EXIT_OK;
        default: usage(stderr); return VMC_EXIT_USAGE;
        }
    }
    if (!qmp || !out || optind != argc || timeout <= 0) {
        usage(stderr);
        return VMC_EXIT_USAGE;
    }
    char *cmdline = NULL;
    if (vmc_capture_device_state(qmp, out, &cmdline, timeout)) {
        cli_print_error("capture");
        return VMC_EXIT_INVALID;
    }
    fprintf(stderr, "vmcompat capture: device state written to %s\n", out);
    if (cmdline) {
        fprintf(stderr, "source command line: %s\n", cmdline);
        free(cmdline);
    }
    return VMC_EXIT_OK;
}
