/* Helpers for the cmocka tests; see testutil.h. */
#include "testutil.h"
#include <glib.h>

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static int is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tu_corpus_dir(void)
{
    static char found[4096];
    if (found[0]) {
        return found;
    }
    const char *cands[] = { getenv("VMC_CORPUS_DIR"), VMC_DEFAULT_CORPUS_DIR,
                            "/work/shared/corpus" };
    for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
        if (cands[i] && is_dir(cands[i])) {
            snprintf(found, sizeof(found), "%s", cands[i]);
            return found;
        }
    }
    fail_msg("QEMU corpus not found: set VMC_CORPUS_DIR (tried $VMC_CORPUS_DIR, %s, "
             "/work/shared/corpus)", VMC_DEFAULT_CORPUS_DIR);
    return NULL;
}

const char *tu_corpus_path(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf), "%s/%s", tu_corpus_dir(), rel);
    return buf;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
    size_t plen = strlen(path);
    if (plen > 3 && strcmp(path + plen - 3, ".gz") == 0) {
        gzFile gz = gzopen(path, "rb");
        if (!gz) {
            fail_msg("cannot open %s", path);
        }
        gzbuffer(gz, 1 << 20);
        size_t cap = 1 << 20, n = 0;
        uint8_t *buf = malloc(cap);
        for (;;) {
            if (n == cap) {
                cap *= 2;
                buf = realloc(buf, cap);
            }
            int r = gzread(gz, buf + n, (unsigned)(cap - n));
            if (r < 0) {
                fail_msg("gzread %s failed", path);
            }
            if (r == 0) {
                break;
            }
            n += (size_t)r;
        }
        gzclose(gz);
        *len = n;
        return buf;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_msg("cannot open %s: %s", path, strerror(errno));
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(sz > 0 ? (size_t)sz : 1);
    if (sz > 0 && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fail_msg("short read on %s", path);
    }
    fclose(f);
    *len = (size_t)(sz > 0 ? sz : 0);
    return buf;
}

uint8_t *tu_corpus_stream(const char *id, size_t *len)
{
    char rel[1024];
    snprintf(rel, sizeof(rel), "streams/%s.mig.gz", id);
    return tu_read_file(tu_corpus_path(rel), len);
}

struct json_object *tu_corpus_json(const char *rel)
{
    size_t len;
    uint8_t *data = tu_read_file(tu_corpus_path(rel), &len);
    json_tokener *tok = json_tokener_new_ex(512);
    json_object *o = json_tokener_parse_ex(tok, (const char *)data, (int)len);
    if (!o) {
        fail_msg("%s: invalid JSON", rel);
    }
    json_tokener_free(tok);
    free(data);
    return o;
}

const char *tu_cli(void)
{
    const char *e = getenv("VMC_CLI");
    return e ? e : VMC_CLI_PATH;
}

const char *tu_source_dir(void)
{
    return VMC_SOURCE_DIR;
}

static void drain(int fd, char **buf, size_t *len, size_t *cap)
{
    if (*len + 65536 + 1 > *cap) {
        *cap = (*len + 65536 + 1) * 2;
        *buf = realloc(*buf, *cap);
    }
    ssize_t n = read(fd, *buf + *len, *cap - *len - 1);
    if (n > 0) {
        *len += (size_t)n;
    }
    (*buf)[*len] = '\0';
}

int tu_run_cli(const char *const *argv, const void *in, size_t in_len, char **out,
               size_t *out_len, char **err)
{
    int pin[2], pout[2], perr[2];
    if (pipe(pin) || pipe(pout) || pipe(perr)) {
        fail_msg("pipe failed");
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        dup2(perr[1], 2);
        close(pin[1]);
        close(pout[0]);
        close(perr[0]);
        int n = 0;
        while (argv[n]) {
            n++;
        }
        char **av = calloc((size_t)n + 1, sizeof(char *));
        av[0] = (char *)tu_cli();
        for (int i = 1; i < n; i++) {
            av[i] = (char *)argv[i];
        }
        execv(av[0], av);
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    signal(SIGPIPE, SIG_IGN);
    char *ob = NULL, *eb = NULL;
    size_t ol = 0, oc = 0, el = 0, ec = 0, inoff = 0;
    drain(-1, &ob, &ol, &oc);
    drain(-1, &eb, &el, &ec);
    int in_open = 1, out_open = 1, err_open = 1;
    if (!in || in_len == 0) {
        close(pin[1]);
        in_open = 0;
    }
    while (out_open || err_open) {
        struct pollfd fds[3];
        int nf = 0;
        int iout = -1, ierr = -1, iin = -1;
        if (out_open) { fds[nf].fd = pout[0]; fds[nf].events = POLLIN; iout = nf++; }
        if (err_open) { fds[nf].fd = perr[0]; fds[nf].events = POLLIN; ierr = nf++; }
        if (in_open) { fds[nf].fd = pin[1]; fds[nf].events = POLLOUT; iin = nf++; }
        if (poll(fds, (nfds_t)nf, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (iout >= 0 && fds[iout].revents) {
            size_t before = ol;
            drain(pout[0], &ob, &ol, &oc);
            if (ol == before) { close(pout[0]); out_open = 0; }
        }
        if (ierr >= 0 && fds[ierr].revents) {
            size_t before = el;
            drain(perr[0], &eb, &el, &ec);
            if (el == before) { close(perr[0]); err_open = 0; }
        }
        if (iin >= 0 && fds[iin].revents) {
            size_t chunk = in_len - inoff > 65536 ? 65536 : in_len - inoff;
            ssize_t w = write(pin[1], (const char *)in + inoff, chunk);
            if (w > 0) {
                inoff += (size_t)w;
            }
            if (w < 0 || inoff == in_len) {
                close(pin[1]);
                in_open = 0;
            }
        }
    }
    if (in_open) {
        close(pin[1]);
    }
    int status;
    waitpid(pid, &status, 0);
    if (out) { *out = ob; } else { free(ob); }
    if (out_len) { *out_len = ol; }
    if (err) { *err = eb; } else { free(eb); }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

char *tu_temp_file(const void *data, size_t len, const char *suffix)
{
    const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *path = malloc(strlen(tmpdir) + 64 + (suffix ? strlen(suffix) : 0));
    sprintf(path, "%s/vmc-test-XXXXXX%s", tmpdir, suffix ? suffix : "");
    int fd = mkstemps(path, suffix ? (int)strlen(suffix) : 0);
    if (fd < 0) {
        fail_msg("mkstemps failed");
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, (const char *)data + off, len - off);
        if (w <= 0) {
            fail_msg("write failed");
        }
        off += (size_t)w;
    }
    close(fd);
    return path;
}

void tu_run_forked(size_t n, int jobs, size_t rec_size, void *recs,
                   void (*fn)(size_t i, void *rec, void *ctx), void *ctx, bool *lost)
{
    enum { MAX_JOBS = 64 };
    int fds[MAX_JOBS][2];
    pid_t pids[MAX_JOBS];
    char *out = recs;
    jobs = jobs < 1 ? 1 : jobs > MAX_JOBS ? MAX_JOBS : jobs;
    for (int w = 0; w < jobs; w++) {
        if (pipe(fds[w]) != 0 || (pids[w] = fork()) < 0) {
            fprintf(stderr, "tu_run_forked: pipe/fork: %s\n", strerror(errno));
            abort();
        }
        if (pids[w] == 0) {
            close(fds[w][0]);
            char *rec = malloc(rec_size);
            for (size_t i = (size_t)w; rec && i < n; i += (size_t)jobs) {
                memset(rec, 0, rec_size);
                fn(i, rec, ctx);
                if (write(fds[w][1], rec, rec_size) != (ssize_t)rec_size) {
                    _exit(2);
                }
            }
            _exit(0);
        }
        close(fds[w][1]);
    }
    for (int w = 0; w < jobs; w++) {
        for (size_t i = (size_t)w; i < n; i += (size_t)jobs) {
            size_t got = 0;
            while (got < rec_size) {
                ssize_t r = read(fds[w][0], out + i * rec_size + got, rec_size - got);
                if (r <= 0) {
                    break;
                }
                got += (size_t)r;
            }
            if (got != rec_size) {
                memset(out + i * rec_size, 0, rec_size);
            }
            if (lost) {
                lost[i] = got != rec_size;
            }
        }
        close(fds[w][0]);
        int st;
        waitpid(pids[w], &st, 0);
    }
}

char *tu_subst(const char *s, const char *key, const char *value)
{
    GString *g = g_string_new(s);
    g_string_replace(g, key, value, 0);
    return g_string_free(g, FALSE);
}

GPtrArray *tu_scenario_args(json_object *side, const char *tmpdir)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    json_object *v;
    int ram = json_object_object_get_ex(side, "ram", &v) ? json_object_get_int(v) : 128;
    g_ptr_array_add(a, g_strdup("-m"));
    g_ptr_array_add(a, g_strdup_printf("%d", ram ? ram : 128));
    if (json_object_object_get_ex(side, "devices", &v)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            g_ptr_array_add(a, g_strdup("-device"));
            g_ptr_array_add(a, tu_subst(json_object_get_string(json_object_array_get_idx(v, i)),
                                        "{tmp}", tmpdir));
        }
    }
    if (json_object_object_get_ex(side, "extra_args", &v)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            g_ptr_array_add(a, tu_subst(json_object_get_string(json_object_array_get_idx(v, i)),
                                        "{tmp}", tmpdir));
        }
    }
    if (json_object_object_get_ex(side, "images", &v)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *img = json_object_array_get_idx(v, i), *f, *n, *z;
            if (!json_object_object_get_ex(img, "format", &f) ||
                !json_object_object_get_ex(img, "name", &n) ||
                !json_object_object_get_ex(img, "size", &z)) {
                continue;
            }
            char *cmd = g_strdup_printf("qemu-img create -q -f %s %s/%s %s",
                                        json_object_get_string(f), tmpdir,
                                        json_object_get_string(n), json_object_get_string(z));
            if (system(cmd) != 0) {
                fprintf(stderr, "tu_scenario_args: %s failed\n", cmd);
                abort();
            }
            g_free(cmd);
        }
    }
    g_ptr_array_add(a, NULL);
    return a;
}

bool tu_scenario_never_ran(json_object *cfg)
{
    json_object *v;
    if (json_object_object_get_ex(cfg, "run_ms", &v) && json_object_get_int(v)) {
        return false;
    }
    static const char *const changes[] = { "hotplug", "unplug", "pci_writes", "steps" };
    for (int k = 0; k < 4; k++) {
        if (json_object_object_get_ex(cfg, changes[k], &v) && json_object_array_length(v)) {
            return false;
        }
    }
    return true;
}
