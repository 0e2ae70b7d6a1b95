/*
 * Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput on every file
 * of the given directories (or on the given files) without libFuzzer, so
 * the seeds and regression inputs run in every build, including the
 * sanitizer build.  A crash or a sanitizer report fails the run; an input
 * that takes longer than the per-input time limit (a hang) is killed by
 * SIGALRM.  Prints one closing line "replay: N passed, 0 failed".
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PER_INPUT_SECONDS 60

static const char *current;

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "replay: input takes more than 60 s (hang?): ";
    ssize_t ignored = write(2, msg, sizeof(msg) - 1);
    if (current) {
        ignored = write(2, current, strlen(current));
    }
    ignored = write(2, "\n", 1);
    (void)ignored;
    _exit(3);
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0) {
            break;
        }
        n += r;
    }
    fclose(f);
    /* An exact-size copy, so out-of-bounds reads hit the redzone. */
    uint8_t *exact = malloc(n ? n : 1);
    memcpy(exact, buf, n);
    free(buf);
    current = path;
    alarm(PER_INPUT_SECONDS);
    LLVMFuzzerTestOneInput(exact, n);
    alarm(0);
    current = NULL;
    free(exact);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') {
            continue;
        }
        names = realloc(names, (nn + 1) * sizeof(*names));
        names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof(*names), cmp);
    int rc = 0;
    for (size_t i = 0; i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(path) == 0) {
                (*count)++;
            } else {
                rc = -1;
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    signal(SIGALRM, on_alarm);
    size_t count = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            failed |= run_dir(argv[i], &count) != 0;
        } else {
            failed |= run_file(argv[i]) != 0;
            count += 1;
        }
    }
    if (count == 0) {
        fprintf(stderr, "replay: no input files\n");
        return 1;
    }
    printf("replay: %zu passed, %d failed\n", count, failed);
    return failed;
}
