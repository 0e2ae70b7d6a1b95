/*
 * Time vmc_schema_diff on two full -dump-vmstate files (issue 6: under
 * 50 ms; QEMU's scripts/vmstate-static-checker.py takes 0.1-0.2 s).
 *
 *   vmc_bench_schema_diff [--check] [--runs N] [OLD NEW]
 *
 * Default pair: the corpus's QEMU 7.2 pc-q35-7.2 dump and QEMU 10.0's
 * pc-q35-10.0 dump.  The files are read (and gunzipped) once; what is timed
 * is what `vmcompat schema-diff` does with them: parse both, diff, in both
 * directions.  When python3 and QEMU's checker are found ($VMC_QEMU_CHECKER
 * or the QEMU source next to the project) the checker is timed on the same
 * pair in the same run and the ratio printed.  --check: exit 1 when the
 * median is 50 ms or more.  Use a Release build: Debug numbers mean little.
 */
#include "vmcompat/schema.h"
#include "vmcompat/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#ifndef VMC_BENCH_CORPUS_DIR
#define VMC_BENCH_CORPUS_DIR "/work/shared/corpus"
#endif
#ifndef VMC_BENCH_CHECKER
#define VMC_BENCH_CHECKER ""
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *slurp(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    int r;
    while (b && (r = gzread(gz, b + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)r;
        if (n == cap) {
            b = realloc(b, cap *= 2);
        }
    }
    gzclose(gz);
    if (!b) {
        exit(2);
    }
    *len = n;
    return b;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Parse both dumps and diff them both ways; returns the error findings. */
static size_t one_run(const char *a, size_t alen, const char *b, size_t blen, double *diff_ms)
{
    vmc_dump *o, *n;
    if (vmc_dump_parse(&o, a, alen, "old") || vmc_dump_parse(&n, b, blen, "new")) {
        fprintf(stderr, "parse failed: %s\n", vmc_error_last()->message);
        exit(2);
    }
    double t = now_ms();
    size_t errors = 0;
    for (int rev = 0; rev < 2; rev++) {
        vmc_schema_diff_opts opts = { .reverse = rev };
        vmc_findings *f;
        if (vmc_schema_diff(&f, o, n, &opts)) {
            fprintf(stderr, "diff failed: %s\n", vmc_error_last()->message);
            exit(2);
        }
        errors += vmc_findings_count_severity(f, VMC_SEV_ERROR);
        vmc_findings_free(f);
    }
    *diff_ms = now_ms() - t;
    vmc_dump_free(o);
    vmc_dump_free(n);
    return errors;
}

static const char *find_checker(void)
{
    const char *env = getenv("VMC_QEMU_CHECKER");
    const char *cands[] = { env, VMC_BENCH_CHECKER,
                            "/work/scratch/qemu-7.2+dfsg/scripts/vmstate-static-checker.py" };
    for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
        if (cands[i] && cands[i][0] && access(cands[i], R_OK) == 0) {
            return cands[i];
        }
    }
    return NULL;
}

static char *temp_copy(const char *data, size_t len)
{
    char *p = strdup("/tmp/vmc-bench-dump-XXXXXX");
    int fd = mkstemp(p);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        exit(2);
    }
    close(fd);
    return p;
}

int main(int argc, char **argv)
{
    bool check = false;
    int runs = 21;
    const char *files[2] = { NULL, NULL };
    int nf = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0) {
            check = true;
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (nf < 2) {
            files[nf++] = argv[i];
        }
    }
    if (runs < 1 || runs > 10000 || nf == 1) {
        fprintf(stderr, "usage: %s [--check] [--runs N] [OLD NEW]\n", argv[0]);
        return 2;
    }
    char defs[2][4096];
    if (nf == 0) {
        const char *dir = getenv("VMC_CORPUS_DIR") ? getenv("VMC_CORPUS_DIR") : VMC_BENCH_CORPUS_DIR;
        snprintf(defs[0], sizeof(defs[0]), "%s/vmstate/pc-q35-7.2.json.gz", dir);
        snprintf(defs[1], sizeof(defs[1]), "%s/xver/vmstate/qemu-10.0.13-pc-q35-10.0.json.gz", dir);
        files[0] = defs[0];
        files[1] = defs[1];
    }
    size_t alen, blen;
    char *a = slurp(files[0], &alen), *b = slurp(files[1], &blen);
    double *total = malloc(runs * sizeof(double)), *diff = malloc(runs * sizeof(double));
    size_t errors = 0;
    for (int r = 0; r < runs; r++) {
        double t = now_ms();
        errors = one_run(a, alen, b, blen, &diff[r]);
        total[r] = (now_ms() - t) / 2;   /* per direction: parse both + one diff */
        diff[r] /= 2;
    }
    double med = median(total, runs), dmed = median(diff, runs);
    printf("schema-diff %s -> %s (%zu + %zu bytes), %d runs, both directions %zu errors\n",
           files[0], files[1], alen, blen, runs, errors);
    printf("  parse both + diff: median %.2f ms, min %.2f ms (per direction)\n", med, total[0]);
    printf("  diff alone:        median %.2f ms\n", dmed);

    const char *checker = find_checker();
    if (checker && system("python3 -c '' >/dev/null 2>&1") == 0) {
        char *pa = temp_copy(a, alen), *pb = temp_copy(b, blen);
        char cmd[8192];
        snprintf(cmd, sizeof(cmd), "python3 '%s' -s '%s' -d '%s' >/dev/null 2>&1", checker, pa, pb);
        double py[5];
        for (int r = 0; r < 5; r++) {
            double t = now_ms();
            if (system(cmd) == -1) {
                break;
            }
            py[r] = now_ms() - t;
        }
        double pmed = median(py, 5);
        printf("  QEMU's vmstate-static-checker.py: median %.1f ms (whole process) -> %.0fx\n",
               pmed, pmed / med);
        unlink(pa);
        unlink(pb);
        free(pa);
        free(pb);
    } else {
        printf("  QEMU's vmstate-static-checker.py: not found (set VMC_QEMU_CHECKER), not timed\n");
    }
    free(a);
    free(b);
    free(total);
    free(diff);
    if (check && med >= 50.0) {
        printf("FAIL: %.2f ms is not under 50 ms\n", med);
        return 1;
    }
    return 0;
}
