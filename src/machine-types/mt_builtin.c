/*
 * The built-in machine-type tables: schemas/machine-types/qemu-7.2.json,
 * turned into a byte array at build time by src/machine-types/embed.cmake
 * (machine_types_builtin.inc in the build directory), so the library needs no
 * data file at run time.
 *
 * When the build did not run that step the header is missing; the loader then
 * falls back to reading the JSON from the source tree (VMC_SCHEMA_DIR) and
 * vmc_machine_types_builtin_embedded() says so.
 */
#include "mt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error_internal.h"

#if defined(__has_include)
#if __has_include("machine_types_builtin.inc")
#include "machine_types_builtin.inc"
#define MT_HAVE_EMBEDDED 1
#endif
#endif

bool vmc_machine_types_builtin_embedded(void)
{
#ifdef MT_HAVE_EMBEDDED
    return true;
#else
    return false;
#endif
}

int mt_builtin_text(const char **text, size_t *len, bool *embedded, char **to_free)
{
    *to_free = NULL;
#ifdef MT_HAVE_EMBEDDED
    *text = (const char *)vmc_mt_builtin_json;
    *len = vmc_mt_builtin_json_len;
    *embedded = true;
    return 0;
#else
    *embedded = false;
#ifdef VMC_SCHEMA_DIR
    const char *path = VMC_SCHEMA_DIR "/machine-types/qemu-7.2.json";
    FILE *f = fopen(path, "rb");
    if (!f) {
        return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, NULL,
                             "the built-in machine-type tables were not embedded in this build "
                             "(src/machine-types/embed.cmake) and %s cannot be read", path);
    }
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0 || n > VMC_MACHINE_TABLES_MAX_BYTES) {
            break;
        }
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!b) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    *text = b;
    *len = n;
    *to_free = b;
    return 0;
#else
    return vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, NULL,
                         "the built-in machine-type tables were not embedded in this build "
                         "(src/machine-types/embed.cmake)");
#endif
#endif
}
