/* Run the real QEMU for tests and benches; see qemu_runner.h. */
#include "qemu_runner.h"
#include "testutil.h"
#include "common/error_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QEMU_NAME "qemu-system-x86_64"
#define MAX_ARGS 512
#define MAX_LOG_BYTES (16u << 20)
#define POLL_INTERVAL_MS 10
#define QUIT_TIMEOUT_MS 10000

struct qr_qemu {
    pid_t pid;
    bool reaped;
    int exit_status;
    int timeout_ms;
    char tmpdir[256];
    char sock[300];
    char prog[256];             /* basename of the binary, QEMU's message prefix */
    vmc_qmp *qmp;
    unsigned migrations;
    struct qr_qemu *next_live;
};

static struct qr_qemu *live_list;
static bool atexit_done;

/* ---- small helpers ------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static char *path_in(const qr_qemu *q, const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof(buf), "%s/%s", q->tmpdir, name);
    return buf;
}

/* Single-quote s for /bin/sh into out; 0 or VMC_ELIMIT. */
static int shell_quote(const char *s, char *out, size_t len)
{
    size_t n = 0;
    if (len < 3) {
        return VMC_ELIMIT;
    }
    out[n++] = '\'';
    for (; *s; s++) {
        const char *piece = *s == '\'' ? "'\\''" : NULL;
        size_t plen = piece ? 4 : 1;
        if (n + plen + 2 > len) {
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "path too long for a shell command");
        }
        if (piece) {
            memcpy(out + n, piece, plen);
        } else {
            out[n] = *s;
        }
        n += plen;
    }
    out[n++] = '\'';
    out[n] = '\0';
    return 0;
}

static void remove_tree_flat(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                continue;
            }
            char p[600];
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

const char *qr_qemu_binary(void)
{
    static char found[4096];
    const char *env = getenv("VMC_QEMU");
    if (env && env[0]) {
        return env;
    }
    if (found[0]) {
        return found;
    }
    const char *path = getenv("PATH");
    if (!path || !path[0]) {
        path = "/usr/local/bin:/usr/bin:/bin";
    }
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        if (n > 0 && n < sizeof(found) - sizeof(QEMU_NAME) - 2) {
            char cand[4096];
            snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, p, QEMU_NAME);
            if (access(cand, X_OK) == 0) {
                snprintf(found, sizeof(found), "%s", cand);
                return found;
            }
        }
        p += n + (colon ? 1 : 0);
    }
    return NULL;
}

/* ---- process lifetime -------------------------------------------------- */

static void live_remove(qr_qemu *q)
{
    for (qr_qemu **pp = &live_list; *pp; pp = &(*pp)->next_live) {
        if (*pp == q) {
            *pp = q->next_live;
            return;
        }
    }
}

static void kill_all_at_exit(void)
{
    while (live_list) {
        qr_free(live_list);
    }
}

static void record_status(qr_qemu *q, int wstatus)
{
    q->reaped = true;
    if (WIFEXITED(wstatus)) {
        q->exit_status = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
        q->exit_status = -WTERMSIG(wstatus);
    } else {
        q->exit_status = -1;
    }
}

int qr_wait_exit(qr_qemu *q, int timeout_ms, int *exit_status)
{
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    while (!q->reaped) {
        int st;
        pid_t r = waitpid(q->pid, &st, WNOHANG);
        if (r == q->pid) {
            record_status(q, st);
            break;
        }
        if (r < 0 && errno != EINTR) {
            q->reaped = true;   /* not our child any more */
            q->exit_status = -1;
            break;
        }
        if (now_ms() >= deadline) {
            return 0;
        }
        sleep_ms(5);
    }
    if (exit_status) {
        *exit_status = q->exit_status;
    }
    return 1;
}

static void kill_and_reap(qr_qemu *q)
{
    if (q->reaped) {
        return;
    }
    kill(q->pid, SIGKILL);
    int st;
    pid_t r;
    do {
        r = waitpid(q->pid, &st, 0);
    } while (r < 0 && errno == EINTR);
    if (r == q->pid) {
        record_status(q, st);
    } else {
        q->reaped = true;
        q->exit_status = -1;
    }
}

void qr_free(qr_qemu *q)
{
    if (!q) {
        return;
    }
    live_remove(q);
    vmc_qmp_free(q->qmp);
    q->qmp = NULL;
    kill_and_reap(q);
    if (q->tmpdir[0]) {
        remove_tree_flat(q->tmpdir);
    }
    free(q);
}

/* ---- logs -------------------------------------------------------------- */

static char *read_text(const char *path, size_t *len)
{
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            if (cap >= MAX_LOG_BYTES) {
                break;
            }
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static char **split_lines(char *text, size_t len, size_t *count)
{
    size_t cap = 16, n = 0;
    char **lines = malloc(cap * sizeof(*lines));
    char *p = text, *end = text + len;
    while (lines && p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (l && p[l - 1] == '\r') {
            l--;
        }
        if (n == cap) {
            char **nlines = realloc(lines, cap * 2 * sizeof(*lines));
            if (!nlines) {
                break;
            }
            lines = nlines;
            cap *= 2;
        }
        lines[n] = strndup(p, l);
        if (!lines[n]) {
            break;
        }
        n++;
        p = nl ? nl + 1 : end;
    }
    *count = n;
    return lines;
}

char **qr_stderr_lines(qr_qemu *q, size_t *n)
{
    size_t len;
    char *text = read_text(path_in(q, "stderr.log"), &len);
    *n = 0;
    if (!text) {
        return NULL;
    }
    char **lines = split_lines(text, len, n);
    free(text);
    return lines;
}

void qr_free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(lines[i]);
    }
    free(lines);
}

/* "qemu_loadvm_state_section_startfull 2(ram) 0 4" */
static int parse_trace_line(const char *line, qr_section *s)
{
    static const char ev[] = "qemu_loadvm_state_section_startfull ";
    const char *p = strstr(line, ev);
    if (!p) {
        return 0;
    }
    p += sizeof(ev) - 1;
    char *after;
    unsigned long id = strtoul(p, &after, 10);
    if (after == p || *after != '(') {
        return 0;
    }
    const char *open = after + 1;
    const char *close = strrchr(open, ')');
    if (!close) {
        return 0;
    }
    unsigned inst, ver;
    if (sscanf(close + 1, " %u %u", &inst, &ver) != 2) {
        return 0;
    }
    memset(s, 0, sizeof(*s));
    s->section_id = (unsigned)id;
    size_t l = (size_t)(close - open);
    if (l >= sizeof(s->idstr)) {
        l = sizeof(s->idstr) - 1;
    }
    memcpy(s->idstr, open, l);
    s->instance_id = inst;
    s->version_id = ver;
    return 1;
}

qr_section *qr_trace_sections(qr_qemu *q, size_t *n)
{
    size_t len, nl;
    *n = 0;
    char *text = read_text(path_in(q, "trace.log"), &len);
    if (!text) {
        return NULL;
    }
    char **lines = split_lines(text, len, &nl);
    free(text);
    qr_section *out = calloc(nl ? nl : 1, sizeof(*out));
    for (size_t i = 0; out && i < nl; i++) {
        if (parse_trace_line(lines[i], &out[*n])) {
            (*n)++;
        }
    }
    qr_free_lines(lines, nl);
    return out;
}

/* First stderr line (for messages about a QEMU that died); static buffer. */
static const char *first_stderr(qr_qemu *q)
{
    static char buf[512];
    size_t n;
    char **lines = qr_stderr_lines(q, &n);
    snprintf(buf, sizeof(buf), "%s", n ? lines[0] : "(no output)");
    qr_free_lines(lines, n);
    return buf;
}

/* ---- start ------------------------------------------------------------- */

static int spawn(qr_qemu **out, const qr_config *cfg)
{
    *out = NULL;
    const char *bin = qr_qemu_binary();
    if (!bin) {
        return vmc_error_set(VMC_ENOTFOUND, -1, NULL, NULL,
                             QEMU_NAME " not found: set VMC_QEMU or PATH");
    }
    qr_qemu *q = calloc(1, sizeof(*q));
    if (!q) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    q->pid = -1;
    q->reaped = true;
    q->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : QR_DEFAULT_TIMEOUT_MS;
    const char *slash = strrchr(bin, '/');
    snprintf(q->prog, sizeof(q->prog), "%s", slash ? slash + 1 : bin);
    const char *tmp = getenv("TMPDIR");
    snprintf(q->tmpdir, sizeof(q->tmpdir), "%s/vmc-qemu-XXXXXX",
             tmp && tmp[0] && strlen(tmp) < 80 ? tmp : "/tmp");
    if (!mkdtemp(q->tmpdir)) {
        int e = errno;
        q->tmpdir[0] = '\0';
        free(q);
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "mkdtemp: %s", strerror(e));
    }
    snprintf(q->sock, sizeof(q->sock), "%s/qmp.sock", q->tmpdir);

    const char *argv[MAX_ARGS];
    size_t n = 0;
    char qmparg[400], tracefile[600];
    snprintf(qmparg, sizeof(qmparg), "unix:%s,server=on,wait=off", q->sock);
    snprintf(tracefile, sizeof(tracefile), "%s", path_in(q, "trace.log"));
    argv[n++] = bin;
    if (cfg->machine) {
        argv[n++] = "-M";
        argv[n++] = cfg->machine;
    }
    for (size_t i = 0; cfg->args && cfg->args[i]; i++) {
        if (n + 32 >= MAX_ARGS) {
            qr_free(q);
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL, "too many QEMU arguments");
        }
        argv[n++] = cfg->args[i];
    }
    if (cfg->incoming) {
        argv[n++] = "-incoming";
        argv[n++] = "defer";
    }
    if (cfg->trace_sections) {
        argv[n++] = "-trace";
        argv[n++] = "qemu_loadvm_state_section_startfull";
        argv[n++] = "-D";
        argv[n++] = tracefile;
    }
    static const char *const fixed[] = { "-accel", "tcg", "-display", "none", "-nodefaults",
                                         "-no-user-config", "-S", "-qmp" };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (cfg->defaults && strcmp(fixed[i], "-nodefaults") == 0) {
            continue;   /* QEMU's default devices */
        }
        argv[n++] = fixed[i];
    }
    argv[n++] = qmparg;
    argv[n] = NULL;

    char outlog[600], errlog[600];
    snprintf(outlog, sizeof(outlog), "%s", path_in(q, "stdout.log"));
    snprintf(errlog, sizeof(errlog), "%s", path_in(q, "stderr.log"));
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        qr_free(q);
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "fork: %s", strerror(e));
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        int in = open("/dev/null", O_RDONLY);
        int o = open(outlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0) {
            _exit(127);
        }
        dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
        execvp(bin, (char *const *)argv);
        dprintf(2, "cannot execute %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    q->pid = pid;
    q->reaped = false;
    q->next_live = live_list;
    live_list = q;
    if (!atexit_done) {
        atexit(kill_all_at_exit);
        atexit_done = true;
    }
    *out = q;
    return 0;
}

/* Wait for the QMP socket while watching the process, then connect. */
static int connect_qmp(qr_qemu *q)
{
    int64_t deadline = now_ms() + q->timeout_ms;
    struct stat st;
    while (stat(q->sock, &st) != 0) {
        int status;
        if (qr_wait_exit(q, 0, &status)) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL,
                                 "QEMU exited with status %d before QMP was up: %s", status,
                                 first_stderr(q));
        }
        if (now_ms() >= deadline) {
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                 "QEMU did not create its QMP socket within %d ms",
                                 q->timeout_ms);
        }
        sleep_ms(5);
    }
    int left = (int)(deadline - now_ms());
    int rc = vmc_qmp_connect(&q->qmp, q->sock, left > 100 ? left : 100);
    if (rc) {
        int status;
        if (qr_wait_exit(q, 2000, &status)) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL,
                                 "QEMU exited with status %d at startup: %s", status,
                                 first_stderr(q));
        }
        return rc;
    }
    vmc_qmp_set_timeout(q->qmp, q->timeout_ms);
    return 0;
}

int qr_start(qr_qemu **out, const qr_config *cfg)
{
    *out = NULL;
    qr_qemu *q;
    int rc = spawn(&q, cfg);
    if (rc) {
        return rc;
    }
    rc = connect_qmp(q);
    if (rc) {
        qr_free(q);
        return rc;
    }
    *out = q;
    return 0;
}

vmc_qmp *qr_qmp(qr_qemu *q)
{
    return q->qmp;
}

const char *qr_tmpdir(const qr_qemu *q)
{
    return q->tmpdir;
}

pid_t qr_pid(const qr_qemu *q)
{
    return q->pid;
}

int qr_qmp_json(qr_qemu *q, const char *command, const char *args_json, json_object **ret)
{
    if (!q->qmp) {
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "%s: QMP is not connected", command);
    }
    return vmc_qmp_execute_json(q->qmp, command, args_json, ret);
}

int qr_stop(qr_qemu *q)
{
    if (!q->reaped && q->qmp && !vmc_qmp_closed(q->qmp)) {
        vmc_qmp_set_timeout(q->qmp, QUIT_TIMEOUT_MS);
        /* The reply may be lost when QEMU closes the socket first. */
        (void)vmc_qmp_execute(q->qmp, "quit", NULL, NULL);
    }
    int status;
    if (!qr_wait_exit(q, QUIT_TIMEOUT_MS, &status)) {
        kill_and_reap(q);
        status = q->exit_status;
    }
    vmc_qmp_free(q->qmp);
    q->qmp = NULL;
    return status;
}

/* ---- run and migrate ------------------------------------------------- */

int qr_run_ms(qr_qemu *q, int ms)
{
    int rc = qr_qmp_json(q, "cont", NULL, NULL);
    if (rc) {
        return rc;
    }
    sleep_ms(ms);
    return qr_qmp_json(q, "stop", NULL, NULL);
}

static const char *status_of(json_object *info)
{
    json_object *s;
    if (info && json_object_object_get_ex(info, "status", &s) &&
        json_object_is_type(s, json_type_string)) {
        return json_object_get_string(s);
    }
    return "";
}

static bool terminal_status(const char *s)
{
    return strcmp(s, "completed") == 0 || strcmp(s, "failed") == 0 ||
           strcmp(s, "cancelled") == 0;
}

/* Poll query-migrate until a terminal status; *last gets the final reply. */
static int poll_migration(qr_qemu *q, json_object **last, char *status, size_t len)
{
    int64_t deadline = now_ms() + q->timeout_ms;
    *last = NULL;
    if (status && len) {
        status[0] = '\0';
    }
    for (;;) {
        json_object *info = NULL;
        int rc = qr_qmp_json(q, "query-migrate", NULL, &info);
        if (rc) {
            return rc;
        }
        const char *s = status_of(info);
        if (status && len && s[0]) {
            snprintf(status, len, "%s", s);
        }
        if (terminal_status(s)) {
            *last = info;
            return 0;
        }
        json_object_put(info);
        if (now_ms() >= deadline) {
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                 "migration did not finish within %d ms (status '%s')",
                                 q->timeout_ms, s);
        }
        sleep_ms(POLL_INTERVAL_MS);
    }
}

int qr_wait_migration(qr_qemu *q, char *status, size_t len)
{
    json_object *last;
    int rc = poll_migration(q, &last, status, len);
    json_object_put(last);
    return rc;
}

int qr_migrate_to_file(qr_qemu *q, const char *file, json_object **info)
{
    if (info) {
        *info = NULL;
    }
    int rc = qr_qmp_json(q, "migrate-set-parameters", "{\"max-bandwidth\": 68719476736}", NULL);
    if (rc) {
        return rc;
    }
    /* QEMU reports "completed" before it closes the pipe and waits for cat:
     * the marker file appears only once cat has written everything. */
    char marker[64], qfile[3 * 4096], qmarker[1024], uri[4 * 4096];
    snprintf(marker, sizeof(marker), "migrate-%u.done", ++q->migrations);
    char mpath[600];
    snprintf(mpath, sizeof(mpath), "%s", path_in(q, marker));
    unlink(mpath);
    if ((rc = shell_quote(file, qfile, sizeof(qfile))) ||
        (rc = shell_quote(mpath, qmarker, sizeof(qmarker)))) {
        return rc;
    }
    snprintf(uri, sizeof(uri), "exec:cat > %s && : > %s", qfile, qmarker);
    json_object *args = json_object_new_object();
    json_object_object_add(args, "uri", json_object_new_string(uri));
    rc = vmc_qmp_execute(q->qmp, "migrate", args, NULL);
    json_object_put(args);
    if (rc) {
        return rc;
    }
    json_object *last;
    rc = poll_migration(q, &last, NULL, 0);
    if (rc) {
        return rc;
    }
    const char *s = status_of(last);
    if (strcmp(s, "completed") != 0) {
        json_object *d;
        const char *desc = json_object_object_get_ex(last, "error-desc", &d)
                               ? json_object_get_string(d) : "(no error-desc)";
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "migration to %s %s: %s", file, s, desc);
        json_object_put(last);
        return rc;
    }
    int64_t deadline = now_ms() + q->timeout_ms;
    struct stat st;
    while (stat(mpath, &st) != 0) {
        if (now_ms() >= deadline) {
            json_object_put(last);
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                 "migration to %s completed but cat did not finish within %d ms",
                                 file, q->timeout_ms);
        }
        sleep_ms(2);
    }
    if (info) {
        *info = last;
    } else {
        json_object_put(last);
    }
    return 0;
}

/* ---- load ---------------------------------------------------------------- */

static void fill_logs(qr_qemu *q, qr_load_result *res)
{
    res->stderr_lines = qr_stderr_lines(q, &res->n_stderr);
    res->error_lines = calloc(res->n_stderr ? res->n_stderr : 1, sizeof(char *));
    size_t plen = strlen(q->prog);
    for (size_t i = 0; res->error_lines && i < res->n_stderr; i++) {
        const char *l = res->stderr_lines[i];
        if (strncmp(l, q->prog, plen) == 0 && strncmp(l + plen, ": ", 2) == 0) {
            l += plen + 2;
        }
        if (strncmp(l, "warning:", 8) == 0) {
            continue;
        }
        res->error_lines[res->n_error++] = strdup(l);
    }
    res->sections = qr_trace_sections(q, &res->n_sections);
}

int qr_load_file(const qr_config *cfg, const char *file, qr_load_result *res)
{
    memset(res, 0, sizeof(*res));
    qr_config c = *cfg;
    c.incoming = 1;
    qr_qemu *q;
    int rc = spawn(&q, &c);
    if (rc) {
        return rc;
    }
    rc = connect_qmp(q);
    if (rc) {
        /* A destination that refuses its command line is a verdict too. */
        if (qr_wait_exit(q, 0, &res->exit_status)) {
            res->exited = 1;
            snprintf(res->status, sizeof(res->status), "startup");
            fill_logs(q, res);
            rc = 0;
        }
        qr_free(q);
        return rc;
    }
    char qfile[3 * 4096], uri[3 * 4096 + 16];
    rc = shell_quote(file, qfile, sizeof(qfile));
    if (rc) {
        qr_free(q);
        return rc;
    }
    snprintf(uri, sizeof(uri), "exec:cat %s", qfile);
    json_object *args = json_object_new_object();
    json_object_object_add(args, "uri", json_object_new_string(uri));
    rc = vmc_qmp_execute(q->qmp, "migrate-incoming", args, NULL);
    json_object_put(args);
    if (rc && !vmc_qmp_closed(q->qmp)) {
        qr_free(q);
        return rc;
    }
    json_object *last = NULL;
    if (rc == 0) {
        rc = poll_migration(q, &last, res->status, sizeof(res->status));
    }
    if (rc == 0 && strcmp(status_of(last), "completed") == 0) {
        res->ok = 1;
        json_object *st = NULL;
        if (qr_qmp_json(q, "query-status", NULL, &st) == 0) {
            json_object *s;
            if (json_object_object_get_ex(st, "status", &s)) {
                snprintf(res->runstate, sizeof(res->runstate), "%s", json_object_get_string(s));
            }
        }
        json_object_put(st);
    } else if (rc == 0 || vmc_qmp_closed(q->qmp)) {
        /* QEMU 7.2 exits after a failed incoming migration. */
        if (qr_wait_exit(q, q->timeout_ms, &res->exit_status)) {
            res->exited = 1;
        }
        if (!res->status[0] || strcmp(res->status, "completed") == 0) {
            snprintf(res->status, sizeof(res->status), "failed");
        }
        rc = 0;
    }
    json_object_put(last);
    if (rc) {
        qr_free(q);
        return rc;
    }
    if (!res->exited) {
        qr_stop(q);   /* flushes the trace log */
    }
    fill_logs(q, res);
    qr_free(q);
    return 0;
}

void qr_load_result_free(qr_load_result *res)
{
    qr_free_lines(res->stderr_lines, res->n_stderr);
    qr_free_lines(res->error_lines, res->n_error);
    free(res->sections);
    memset(res, 0, sizeof(*res));
}

uint8_t *qr_fresh_stream(const char *machine, const char *const *args, size_t *len)
{
    qr_config cfg = { .machine = machine, .args = args };
    qr_qemu *q = NULL;
    *len = 0;
    if (qr_start(&q, &cfg) != 0) {
        return NULL;
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/source.mig", qr_tmpdir(q));
    uint8_t *data = NULL;
    if (qr_migrate_to_file(q, path, NULL) == 0) {
        data = tu_read_file(path, len);
        if (!data) {
            vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot read %s", path);
        }
    }
    qr_free(q);
    return data;
}

void qr_load_patched(const qr_config *cfg, const uint8_t *data, size_t len, size_t off,
                     const uint8_t *patch, size_t patch_len, int idx, qr_verdict *o)
{
    memset(o, 0, sizeof(*o));
    o->ok = -1;
    o->bad_off = -1;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy || off > len || patch_len > len - off) {
        free(copy);
        snprintf(o->line, sizeof(o->line), "patch outside the stream");
        return;
    }
    memcpy(copy, data, len);
    memcpy(copy + off, patch, patch_len);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[1024];
    snprintf(path, sizeof(path), "%s/vmc-patched-%d-%d-XXXXXX.mig", tmp, (int)getpid(), idx);
    int fd = mkstemps(path, 4);
    bool written = fd >= 0 && write(fd, copy, len) == (ssize_t)len;
    if (fd >= 0) {
        close(fd);
    }
    free(copy);
    if (!written) {
        unlink(path);
        snprintf(o->line, sizeof(o->line), "cannot write %.150s", path);
        return;
    }
    qr_load_result res;
    if (qr_load_file(cfg, path, &res) == 0) {
        o->ok = res.ok ? 1 : 0;
        for (size_t i = 0; i < res.n_error; i++) {
            const char *l = res.error_lines[i];
            const char *b = strstr(l, "Bad config data: i=0x");
            unsigned bo = 0, rd = 0, dv = 0, cm = 0, wm = 0, w1 = 0;
            if (b && o->bad_off < 0 &&
                sscanf(b, "Bad config data: i=0x%x read: %x device: %x cmask: %x wmask: %x "
                          "w1cmask:%x", &bo, &rd, &dv, &cm, &wm, &w1) >= 1) {
                o->bad_off = (int)bo;
                o->read = (int)rd;
                o->device_byte = (int)dv;
                o->cmask = (int)cm;
                o->wmask = (int)wm;
                o->w1cmask = (int)w1;
            }
            if (!strncmp(l, "Features ", 9) && !o->features[0]) {
                snprintf(o->features, sizeof(o->features), "%s", l);
            }
            const char *d = strstr(l, "of device '");
            if (d && !o->device[0]) {
                snprintf(o->device, sizeof(o->device), "%s", d + strlen("of device '"));
                char *e = strchr(o->device, '\'');
                if (e) {
                    *e = '\0';
                }
            }
            if (!o->line[0]) {
                snprintf(o->line, sizeof(o->line), "%s", l);
            }
        }
    } else {
        snprintf(o->line, sizeof(o->line), "%.190s", vmc_error_last()->message);
    }
    qr_load_result_free(&res);
    unlink(path);
}
