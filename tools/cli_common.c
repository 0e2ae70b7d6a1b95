/* Helpers shared by the verbs. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

void cli_print_error(const char *verb)
{
    char buf[VMC_ERROR_TEXT_MAX + 256];
    vmc_error_format(vmc_error_last(), buf, sizeof(buf));
    fprintf(stderr, "vmcompat %s: error: %s\n", verb, buf);
}

bool cli_text_or_json(const char *verb, const char *arg, bool *json)
{
    if (strcmp(arg, "json") == 0 || strcmp(arg, "text") == 0) {
        *json = arg[0] == 'j';
        return true;
    }
    fprintf(stderr, "vmcompat %s: unknown format '%s' (text, json)\n", verb, arg);
    return false;
}
