/* vmcompat inspect (temporary minimal version) */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_inspect(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: vmcompat inspect FILE\n");
        return VMC_EXIT_USAGE;
    }
    vmc_source *src;
    if (vmc_source_open_path(&src, argv[argc - 1])) {
        cli_print_error("inspect");
        return VMC_EXIT_INVALID;
    }
    vmc_reader *r;
    vmc_reader_new(&r, src, NULL);
    vmc_event ev;
    int rc;
    unsigned long pages = 0;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        if (ev.kind == VMC_EV_SECTION && (ev.u.section.type == VMC_SEC_START || ev.u.section.type == VMC_SEC_FULL)) {
            printf("%u %s %u %u @0x%llx\n", ev.u.section.section_id, ev.u.section.idstr,
                   ev.u.section.instance_id, ev.u.section.version_id, (unsigned long long)ev.offset);
        } else if (ev.kind == VMC_EV_RAM_PAGE) {
            pages++;
        } else if (ev.kind == VMC_EV_END) {
            break;
        }
    }
    printf("pages %lu\n", pages);
    for (size_t i = 0; i < vmc_reader_warning_count(r); i++) {
        fprintf(stderr, "warning: %s\n", vmc_reader_warning(r, i));
    }
    if (rc < 0) {
        cli_print_error("inspect");
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    return rc < 0 ? VMC_EXIT_INVALID : VMC_EXIT_OK;
}
