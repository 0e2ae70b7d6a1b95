/*
 * Running QEMU for the harvest: a command prefix (possibly "chroot DIR
 * qemu-system-x86_64"), runs to completion with captured output, and
 * paused instances with QMP over a socket pair on QEMU's stdin/stdout
 * ("-qmp stdio": no socket path, so it works inside a chroot too).
 *
 * Each child gets its own process group and SIGKILL when the thread that
 * started it dies; every wait has a deadline after which the whole group is
 * killed.  fork() happens in threads: the child only calls async-signal-safe
 * functions before exec.
 */
#include "machine-types/harvest_internal.h"
#include "common/error_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_MAX (256u << 20)   /* captured stdout/stderr/dump size bound */
#define QUIT_GRACE_MS 3000

static volatile size_t runs_started;
static volatile unsigned file_counter;

size_t hv_runs_started(void)
{
    return __atomic_load_n(&runs_started, __ATOMIC_RELAXED);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- the command ----------------------------------------------------------- */

int hv_cmd_init(hv_cmd *c, const char *qemu, const char *root, unsigned timeout_ms)
{
    memset(c, 0, sizeof(*c));
    c->timeout_ms = timeout_ms ? timeout_ms : VMC_HARVEST_DEFAULT_TIMEOUT_MS;
    GError *gerr = NULL;
    if (!qemu || !*qemu) {
        qemu = "qemu-system-x86_64";
    }
    if (!g_shell_parse_argv(qemu, &c->argc, &c->argv, &gerr)) {
        int rc = vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "cannot parse the QEMU command '%s': %s",
                               qemu, gerr->message);
        g_error_free(gerr);
        return rc;
    }
    c->exe = g_find_program_in_path(c->argv[0]);
    if (!c->exe) {
        int rc = vmc_error_set(VMC_ENOTFOUND, -1, NULL, NULL, "QEMU command '%s' not found%s",
                               c->argv[0], strchr(c->argv[0], '/') ? "" : " in PATH");
        hv_cmd_free(c);
        return rc;
    }
    char *tmpl;
    if (root && *root) {
        struct stat st;
        if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
            int rc = vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "root '%s' is not a directory", root);
            hv_cmd_free(c);
            return rc;
        }
        c->root = g_canonicalize_filename(root, NULL);
        char *rt = g_build_filename(c->root, "tmp", NULL);
        g_mkdir_with_parents(rt, 01777);
        tmpl = g_build_filename(rt, "vmc-harvest-XXXXXX", NULL);
        g_free(rt);
    } else {
        tmpl = g_build_filename(g_get_tmp_dir(), "vmc-harvest-XXXXXX", NULL);
    }
    if (!g_mkdtemp_full(tmpl, 0755)) {
        int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot create a work directory %s: %s",
                               tmpl, strerror(errno));
        g_free(tmpl);
        hv_cmd_free(c);
        return rc;
    }
    c->workdir = tmpl;
    c->workdir_in = c->root ? g_strdup(c->workdir + strlen(c->root)) : g_strdup(c->workdir);
    if (c->root && c->workdir_in[0] != '/') {
        char *t = g_strconcat("/", c->workdir_in, NULL);
        g_free(c->workdir_in);
        c->workdir_in = t;
    }
    return 0;
}

static void remove_tree(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    if (d) {
        const char *n;
        while ((n = g_dir_read_name(d))) {
            char *p = g_build_filename(path, n, NULL);
            if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK)) {
                remove_tree(p);
            } else {
                unlink(p);
            }
            g_free(p);
        }
        g_dir_close(d);
    }
    rmdir(path);
}

void hv_cmd_free(hv_cmd *c)
{
    if (!c) {
        return;
    }
    if (c->workdir) {
        remove_tree(c->workdir);
    }
    g_strfreev(c->argv);
    g_free(c->exe);
    g_free(c->root);
    g_free(c->workdir);
    g_free(c->workdir_in);
    memset(c, 0, sizeof(*c));
}

char *hv_cmd_path(const hv_cmd *c, const char *name, char **inside)
{
    unsigned n = __atomic_add_fetch(&file_counter, 1, __ATOMIC_RELAXED);
    char *base = g_strdup_printf("%u-%s", n, name);
    char *out = g_build_filename(c->workdir, base, NULL);
    if (inside) {
        *inside = g_build_filename(c->workdir_in, base, NULL);
    }
    g_free(base);
    return out;
}

/* argv = command prefix (exe resolved) + args. */
static char **build_argv(const hv_cmd *c, const char *const *args, const char *extra1,
                         const char *extra2)
{
    size_t na = 0;
    while (args && args[na]) {
        na++;
    }
    char **v = g_new0(char *, (size_t)c->argc + na + 3);
    size_t k = 0;
    v[k++] = g_strdup(c->exe);
    for (int i = 1; i < c->argc; i++) {
        v[k++] = g_strdup(c->argv[i]);
    }
    for (size_t i = 0; i < na; i++) {
        v[k++] = g_strdup(args[i]);
    }
    if (extra1) {
        v[k++] = g_strdup(extra1);
    }
    if (extra2) {
        v[k++] = g_strdup(extra2);
    }
    return v;
}

/*
 * fork + exec with fds for stdin, stdout, stderr (-1: /dev/null).  Only
 * async-signal-safe calls in the child.
 */
static pid_t spawn(char **argv, int in_fd, int out_fd, int err_fd)
{
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) {
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        int fds[3] = { in_fd >= 0 ? in_fd : devnull, out_fd >= 0 ? out_fd : devnull,
                       err_fd >= 0 ? err_fd : devnull };
        for (int i = 0; i < 3; i++) {
            if (dup2(fds[i], i) < 0) {
                _exit(127);
            }
        }
        execv(argv[0], argv);
        static const char msg[] = "vmcompat harvest: cannot execute QEMU\n";
        ssize_t ignored = write(2, msg, sizeof(msg) - 1);
        (void)ignored;
        _exit(127);
    }
    close(devnull);
    if (pid > 0) {
        __atomic_add_fetch(&runs_started, 1, __ATOMIC_RELAXED);
        setpgid(pid, pid);   /* also from here: no race with kill(-pid) */
    }
    return pid;
}

/* Wait for pid until deadline (ms, now_ms clock); 1 exited, 0 still running. */
static int wait_until(pid_t pid, int64_t deadline, int *status)
{
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            *status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : -1;
            return 1;
        }
        if (r < 0 && errno != EINTR) {
            *status = -1;
            return 1;
        }
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            return 0;
        }
        sleep_ms(left < 5 ? (int)left : 5);
    }
}

static void kill_wait(pid_t pid, int *status)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (status) {
        *status = -SIGKILL;
    }
}

static char *read_text(const char *path)
{
    char *text = NULL;
    gsize len = 0;
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size > OUTPUT_MAX) {
        return g_strdup("");
    }
    if (!g_file_get_contents(path, &text, &len, NULL)) {
        return g_strdup("");
    }
    return text;
}

int hv_run(const hv_cmd *c, const char *const *args, hv_run_result *r)
{
    memset(r, 0, sizeof(*r));
    char *outp = hv_cmd_path(c, "run.out", NULL);
    char *errp = hv_cmd_path(c, "run.err", NULL);
    int ofd = open(outp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int efd = open(errp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = 0;
    if (ofd < 0 || efd < 0) {
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot create %s: %s", outp, strerror(errno));
        goto out;
    }
    char **argv = build_argv(c, args, NULL, NULL);
    pid_t pid = spawn(argv, -1, ofd, efd);
    g_strfreev(argv);
    close(ofd);
    close(efd);
    ofd = efd = -1;
    if (pid < 0) {
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot start %s: %s", c->exe, strerror(errno));
        goto out;
    }
    if (!wait_until(pid, now_ms() + c->timeout_ms, &r->status)) {
        kill_wait(pid, &r->status);
        r->timed_out = true;
    }
    r->out = read_text(outp);
    r->err = read_text(errp);
out:
    if (ofd >= 0) {
        close(ofd);
    }
    if (efd >= 0) {
        close(efd);
    }
    unlink(outp);
    unlink(errp);
    g_free(outp);
    g_free(errp);
    return rc;
}

void hv_run_result_free(hv_run_result *r)
{
    g_free(r->out);
    g_free(r->err);
    memset(r, 0, sizeof(*r));
}

char *hv_stderr_summary(const char *err)
{
    if (!err) {
        return g_strdup("");
    }
    /* the lines that are not warnings, joined; else everything */
    GString *s = g_string_new(NULL);
    char **lines = g_strsplit(err, "\n", -1);
    for (int pass = 0; pass < 2 && s->len == 0; pass++) {
        for (char **l = lines; *l; l++) {
            char *t = g_strstrip(g_strdup(*l));
            if (*t && (pass == 1 || !strstr(t, "warning:"))) {
                if (s->len) {
                    g_string_append(s, " / ");
                }
                g_string_append(s, t);
            }
            g_free(t);
        }
    }
    g_strfreev(lines);
    if (s->len > 600) {
        g_string_truncate(s, 600);
        g_string_append(s, "...");
    }
    return g_string_free(s, FALSE);
}

/* ---- paused instances with QMP --------------------------------------------- */

struct hv_qemu {
    pid_t pid;
    vmc_qmp *qmp;
    char *errpath;
    unsigned timeout_ms;
    bool exited;
};

int hv_qemu_start(hv_qemu **out, const hv_cmd *c, const char *const *args)
{
    *out = NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "socketpair: %s", strerror(errno));
    }
    hv_qemu *q = g_new0(hv_qemu, 1);
    q->timeout_ms = c->timeout_ms;
    q->errpath = hv_cmd_path(c, "qemu.err", NULL);
    int efd = open(q->errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (efd < 0) {
        int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot create %s: %s", q->errpath,
                               strerror(errno));
        close(sv[0]);
        close(sv[1]);
        g_free(q->errpath);
        g_free(q);
        return rc;
    }
    char **argv = build_argv(c, args, "-qmp", "stdio");
    q->pid = spawn(argv, sv[1], sv[1], efd);
    g_strfreev(argv);
    close(sv[1]);
    close(efd);
    if (q->pid < 0) {
        int rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot start %s: %s", c->exe,
                               strerror(errno));
        close(sv[0]);
        unlink(q->errpath);
        g_free(q->errpath);
        g_free(q);
        return rc;
    }
    int rc = vmc_qmp_connect_fd(&q->qmp, sv[0], 1, (int)c->timeout_ms);
    if (rc) {
        /* QEMU refused the command line: wait for its exit and report stderr */
        int status = 0;
        bool timed_out = false;
        if (!wait_until(q->pid, now_ms() + 5000, &status)) {
            kill_wait(q->pid, &status);
            timed_out = true;
        }
        q->exited = true;
        char *err = read_text(q->errpath);
        char *sum = hv_stderr_summary(err);
        char detail[VMC_ERROR_TEXT_MAX];
        vmc_error_format(vmc_error_last(), detail, sizeof(detail));
        rc = vmc_error_set(rc == VMC_ELIMIT ? VMC_ELIMIT : VMC_EIO, -1, NULL, NULL, "%s",
                           *sum ? sum
                           : timed_out ? "QEMU did not answer on QMP (killed)"
                                       : detail);
        g_free(sum);
        g_free(err);
        hv_qemu_stop(q);
        return rc;
    }
    *out = q;
    return 0;
}

vmc_qmp *hv_qemu_qmp(hv_qemu *q)
{
    return q ? q->qmp : NULL;
}

void hv_qemu_stop(hv_qemu *q)
{
    if (!q) {
        return;
    }
    if (!q->exited) {
        int status;
        bool done = false;
        if (q->qmp && !vmc_qmp_closed(q->qmp)) {
            vmc_qmp_set_timeout(q->qmp, QUIT_GRACE_MS);
            vmc_qmp_execute(q->qmp, "quit", NULL, NULL);
            done = wait_until(q->pid, now_ms() + QUIT_GRACE_MS, &status);
        }
        if (!done) {
            kill_wait(q->pid, &status);   /* the whole process group */
        }
    }
    vmc_qmp_free(q->qmp);
    unlink(q->errpath);
    g_free(q->errpath);
    g_free(q);
}
