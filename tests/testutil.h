/* Helpers for the cmocka tests. */
#ifndef VMC_TESTUTIL_H
#define VMC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <cmocka.h>

#include "vmcompat/vmcompat.h"

/*
 * Directory of the shared QEMU corpus: $VMC_CORPUS_DIR, else the build-time
 * default (../shared/corpus next to the source tree), else /work/shared/corpus.
 * Fails the test (never skips) when none exists.
 */
const char *tu_corpus_dir(void);

/* Read a file, gunzipping it when the name ends in .gz.  Fails the test on error. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* Path inside the corpus ("streams/x.mig.gz"); returns a static buffer. */
const char *tu_corpus_path(const char *rel);

/* Load a corpus stream by id ("s-pc-q35-7.2--none--fresh"). */
uint8_t *tu_corpus_stream(const char *id, size_t *len);

/* Parse a JSON file of the corpus (gz allowed); caller puts the object. */
struct json_object *tu_corpus_json(const char *rel);

/* Path of the vmcompat CLI built with the tests. */
const char *tu_cli(void);

/*
 * Run the CLI with argv (NULL-terminated, argv[0] ignored), feeding stdin
 * from in/in_len (NULL: /dev/null).  Returns the exit code; stdout and
 * stderr are returned as malloc'd NUL-terminated strings.
 */
int tu_run_cli(const char *const *argv, const void *in, size_t in_len, char **out, size_t *out_len,
               char **err);

/* Write data to a fresh temporary file; returns its malloc'd path. */
char *tu_temp_file(const void *data, size_t len, const char *suffix);

/* Source directory of the project. */
const char *tu_source_dir(void);

/*
 * The QEMU arguments of one side ("src" or "dst" object) of a corpus
 * scenario after -M and -nodefaults: -m, -device, extra_args ({tmp} is
 * tmpdir), NULL-terminated (g_ptr_array_free(a, TRUE)); the disk images it
 * names are created in tmpdir (qemu-img).
 */
struct json_object;
GPtrArray *tu_scenario_args(struct json_object *side, const char *tmpdir);

/* A scenario side or corpus stream config that never ran and was never
 * changed (no run_ms, hotplug, unplug, pci_writes, steps): its state is the
 * fresh machine's. */
bool tu_scenario_never_ran(struct json_object *cfg);

/* s with every occurrence of key replaced by value (g_free the result). */
char *tu_subst(const char *s, const char *key, const char *value);

/*
 * Run fn(i, record i, ctx) for i in [0, n) in `jobs` forked workers (1..64;
 * worker w takes i = w, w + jobs, ...) and copy each record of rec_size
 * bytes back into recs.  A record a worker did not deliver (it crashed) is
 * zeroed and lost[i] set (lost may be NULL).  For tests that start one QEMU
 * per case: the cases run side by side.
 */
void tu_run_forked(size_t n, int jobs, size_t rec_size, void *recs,
                   void (*fn)(size_t i, void *rec, void *ctx), void *ctx, bool *lost);

#endif
