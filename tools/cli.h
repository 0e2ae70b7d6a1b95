/* Shared declarations of the vmcompat command-line verbs. */
#ifndef VMC_TOOLS_CLI_H
#define VMC_TOOLS_CLI_H

#include "vmcompat/vmcompat.h"

enum {
    VMC_EXIT_OK = 0,
    VMC_EXIT_INVALID = 1,   /* invalid / incompatible input */
    VMC_EXIT_USAGE = 2,
};

int cmd_inspect(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_preflight(int argc, char **argv);
int cmd_rewrite(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_schema_diff(int argc, char **argv);
int cmd_machines(int argc, char **argv);
int cmd_harvest(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_pci_diff(int argc, char **argv);

/* Print "vmcompat <verb>: <last error>" to stderr. */
void cli_print_error(const char *verb);
/* --format text|json: sets *json; false (message printed) for another value. */
bool cli_text_or_json(const char *verb, const char *arg, bool *json);

#endif
