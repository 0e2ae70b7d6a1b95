/* Helpers shared by the verbs. */
#include "cli.h"

#include <stdio.h>

void cli_print_error(const char *verb)
{
    char buf[VMC_ERROR_TEXT_MAX + 256];
    vmc_error_format(vmc_error_last(), buf, sizeof(buf));
    fprintf(stderr, "vmcompat %s: error: %s\n", verb, buf);
}
