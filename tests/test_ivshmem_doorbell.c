/*
 * ivshmem-doorbell (hw/misc/ivshmem.c) against the installed QEMU 7.2 and
 * the test ivshmem server compat-tests/ivshmem_server.py.
 *
 * QEMU reads the shared memory from the server at realize, and so does the
 * model (src/devices/ivshmem_client.c).  The server runs with --reuse-ids:
 * QEMU and the model's probe connect one after the other and each gets
 * peer ID 0, which master=on requires.
 *
 *  1. the probe: size and ID as the server sends them, contrib's ID order
 *     without --reuse-ids, and QEMU's refusals of bad servers (a forked
 *     fake server) in QEMU's words;
 *  2. the model: sections, RAM blocks ("<path>/ivshmem.bar2" of the
 *     server's size) and config bytes equal QEMU's stream (master=on), on
 *     q35 and i440fx with several `vectors`; masks against QEMU's load
 *     check; property errors in QEMU's words;
 *  3. `vmcompat write` with master=on: QEMU loads the stream, and it equals
 *     QEMU's own but for the RTC clock;
 *  4. master=off (peer mode): QEMU refuses to migrate and the model refuses
 *     with the same blocker text, with or without a server to ask; master=on
 *     without a server is "not modelled".
 *
 * QEMU and python3 must be installed: the test fails (never skips) without.
 */
#include "testutil.h"
#include "rtc_clock.h"
#include "qemu_runner.h"
#include "stream_equiv.h"
#include "model_qemu_check.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/ivshmem_client.h"
#include "vmcompat/model.h"
#include "vmcompat/models.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"
#include "vmcompat/write.h"

static char tmpdir[] = "/tmp/vmc-ivshmem-XXXXXX";
static char sock_path[200];       /* the shared server: 1 MiB, --reuse-ids */
static pid_t server_pid = -1;

#define SHM_SIZE (1u << 20)

/* ---- the Python server ----------------------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Start ivshmem_server.py on path with extra arguments; wait until it listens. */
static pid_t server_start(const char *path, const char *size, bool reuse)
{
    char script[600], pidfile[300];
    snprintf(script, sizeof(script), "%s/compat-tests/ivshmem_server.py", tu_source_dir());
    snprintf(pidfile, sizeof(pidfile), "%s.pid", path);
    unlink(pidfile);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
        }
        execlp("python3", "python3", script, "--socket", path, "--size", size, "--pidfile",
               pidfile, reuse ? "--reuse-ids" : NULL, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {   /* 10 s */
        if (access(pidfile, F_OK) == 0) {
            return pid;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            fail_msg("ivshmem_server.py exited (status %d) before listening", st);
        }
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fail_msg("ivshmem_server.py did not start listening on %s", path);
    return -1;
}

/* SIGTERM, then it must remove its socket and exit 0 within 5 s. */
static void server_stop(pid_t pid, const char *path)
{
    kill(pid, SIGTERM);
    int st = -1;
    for (int i = 0; i < 100 && waitpid(pid, &st, WNOHANG) != pid; i++) {
        sleep_ms(50);
    }
    if (!WIFEXITED(st)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("ivshmem_server.py did not stop on SIGTERM");
    }
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(access(path, F_OK), -1);   /* socket removed */
}

/* The argument list with {sock} replaced (g_strfreev). */
static char **with_sock(const char *const *args, const char *path)
{
    size_t n = 0;
    while (args[n]) {
        n++;
    }
    char **out = g_new0(char *, n + 1);
    for (size_t i = 0; i < n; i++) {
        out[i] = tu_subst(args[i], "{sock}", path);
    }
    return out;
}

/* ---- 1. the probe ----------------------------------------------------------------- */

static void test_probe(void **state)
{
    (void)state;
    vmc_ivshmem_info info;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vmc_ivshmem_probe(sock_path, 5000, &info), 0);
        assert_int_equal(info.shm_size, SHM_SIZE);
        assert_int_equal(info.peer_id, 0);   /* --reuse-ids: the ID is free again */
        sleep_ms(100);                       /* the server sees the probe leave */
    }
    /* contrib's order: the next ID each time, whether or not the last one left */
    char path[300];
    snprintf(path, sizeof(path), "%s/seq.sock", tmpdir);
    pid_t pid = server_start(path, "64K", false);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vmc_ivshmem_probe(path, 5000, &info), 0);
        assert_int_equal(info.shm_size, 64 * 1024);
        assert_int_equal(info.peer_id, i);
        sleep_ms(100);
    }
    server_stop(pid, path);
    /* nothing listens */
    assert_int_equal(vmc_ivshmem_probe(path, 5000, &info), VMC_ENOTFOUND);
    assert_non_null(strstr(vmc_error_last()->message, "Failed to connect to"));
}

/* A fake server: each client gets the n messages (value, with the memfd when
 * fd[i]), then the connection stays open until the client closes it. */
typedef struct fake_msg {
    int64_t value;
    bool fd;
} fake_msg;

static pid_t fake_start(const char *path, const fake_msg *msgs, size_t n)
{
    unlink(path);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(ls >= 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(ls, 8), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid > 0) {
        close(ls);
        return pid;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char shm[300];
    snprintf(shm, sizeof(shm), "%s.shm", path);
    int mfd = open(shm, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (mfd < 0 || ftruncate(mfd, SHM_SIZE) != 0) {
        _exit(1);
    }
    unlink(shm);
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            uint8_t b[8];
            for (int k = 0; k < 8; k++) {
                b[k] = (uint8_t)((uint64_t)msgs[i].value >> (8 * k));
            }
            struct iovec iov = { b, 8 };
            union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
            } ctl;
            struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
            if (msgs[i].fd) {
                memset(&ctl, 0, sizeof(ctl));
                mh.msg_control = ctl.buf;
                mh.msg_controllen = sizeof(ctl.buf);
                struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(cm), &mfd, sizeof(int));
            }
            if (sendmsg(c, &mh, MSG_NOSIGNAL) != 8) {
                break;
            }
        }
        char junk[64];
        while (read(c, junk, sizeof(junk)) > 0) {
        }
        close(c);
    }
}

static void fake_stop(pid_t pid, const char *path)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    unlink(path);
}

/* The model refuses what QEMU refuses, in QEMU's words, for this server. */
static void same_error_with(const fake_msg *msgs, size_t n, const char *expect)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/fake.sock", tmpdir);
    pid_t pid = fake_start(path, msgs, n);
    vmc_ivshmem_info info;
    assert_true(vmc_ivshmem_probe(path, 500, &info) < 0);
    if (!strstr(vmc_error_last()->message, expect)) {
        fail_msg("probe: '%s' does not say '%s'", vmc_error_last()->message, expect);
    }
    static const char *const args[] = {
        "-chardev", "socket,id=c0,path={sock}", "-device", "ivshmem-doorbell,chardev=c0",
        NULL,
    };
    char **a = with_sock(args, path);
    mq_same_error("pc-q35-7.2", (const char *const *)a);
    g_strfreev(a);
    fake_stop(pid, path);
}

static void test_bad_servers(void **state)
{
    (void)state;
    static const fake_msg version1[] = { { 1, false } };
    same_error_with(version1, 1, "server sent version 1, expecting 0");
    static const fake_msg version_fd[] = { { 0, true } };
    same_error_with(version_fd, 1, "server sent invalid version message");
    static const fake_msg id_fd[] = { { 0, false }, { 3, true } };
    same_error_with(id_fd, 2, "server sent invalid ID message");
    static const fake_msg id_big[] = { { 0, false }, { 65536, false } };
    same_error_with(id_big, 2, "server sent invalid ID message");
    static const fake_msg bad_msg[] = { { 0, false }, { 0, false }, { -5, false } };
    same_error_with(bad_msg, 3, "server sent invalid message -5");

    /* a server that never sends the memory: the probe gives up (QEMU would wait) */
    char path[300];
    snprintf(path, sizeof(path), "%s/silent.sock", tmpdir);
    static const fake_msg silent[] = { { 0, false }, { 0, false } };
    pid_t pid = fake_start(path, silent, 2);
    vmc_ivshmem_info info;
    time_t t0 = time(NULL);
    assert_int_equal(vmc_ivshmem_probe(path, 300, &info), VMC_EIO);
    assert_true(time(NULL) - t0 < 5);
    assert_non_null(strstr(vmc_error_last()->message, "time limit"));
    fake_stop(pid, path);
}

/* Memory sizes QEMU refuses (or aborts on): the same verdict. */
static void test_bad_sizes(void **state)
{
    (void)state;
    static const char *const args[] = {
        "-chardev", "socket,id=c0,path={sock}", "-device", "ivshmem-doorbell,chardev=c0",
        NULL,
    };
    static const char *const sizes[] = { "0", "2048", "5000" };
    char path[300];
    snprintf(path, sizeof(path), "%s/size.sock", tmpdir);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        pid_t pid = server_start(path, sizes[i], true);
        char **a = with_sock(args, path);
        mq_same_error("pc-q35-7.2", (const char *const *)a);
        g_strfreev(a);
        server_stop(pid, path);
    }
    /* 12 KiB: page aligned but not a power of two; QEMU aborts in pci_register_bar */
    pid_t pid = server_start(path, "12K", true);
    char **a = with_sock(args, path);
    qr_config cfg = { .machine = "pc-q35-7.2", .args = (const char *const *)a };
    qr_qemu *q = NULL;
    assert_true(qr_start(&q, &cfg) < 0);
    qr_free(q);
    vmc_model *m = NULL;
    assert_int_equal(mq_model_try(&m, "pc-q35-7.2", (const char *const *)a), VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "not a power of two"));
    g_strfreev(a);
    server_stop(pid, path);
}

/* ---- 2. the model against QEMU's stream ------------------------------------------------ */

static void test_config_vs_qemu(void **state)
{
    (void)state;
    static const char *const machines[] = { "pc-q35-7.2", "pc-i440fx-7.2", "pc-q35-2.12" };
    static const char *const devices[] = {
        "ivshmem-doorbell,chardev=c0,master=on,addr=0x4",
        "ivshmem-doorbell,chardev=c0,master=on,vectors=3,ioeventfd=off,addr=0x6",
        "ivshmem-doorbell,chardev=c0,master=on,vectors=200,addr=0x7",
        "ivshmem-doorbell,chardev=c0,master=on,vectors=2048,addr=0x8",
    };
    static const char *const must_at[] = { "0000:00:04.0", "0000:00:06.0", "0000:00:07.0",
                                           "0000:00:08.0" };
    size_t total = 0;
    for (size_t mi = 0; mi < sizeof(machines) / sizeof(machines[0]); mi++) {
        for (size_t di = 0; di < sizeof(devices) / sizeof(devices[0]); di++) {
            const char *args[] = { "-chardev", "socket,id=c0,path={sock}", "-device",
                                   devices[di], NULL };
            char **a = with_sock(args, sock_path);
            char must0[100];
            snprintf(must0, sizeof(must0), "%s/ivshmem-doorbell", must_at[di]);
            const char *const must[] = { must0, NULL };
            total += mq_check(machines[mi], (const char *const *)a, must);
            g_strfreev(a);
            sleep_ms(100);   /* QEMU's peer ID is free again */
        }
    }
    print_message("%zu configs equal QEMU's\n", total);
}

static void test_masks(void **state)
{
    (void)state;
    static const char *const args[] = {
        "-chardev", "socket,id=c0,path={sock}",
        "-device", "ivshmem-doorbell,chardev=c0,master=on,vectors=4,addr=0x5", NULL,
    };
    static const char *const targets[] = { "0000:00:05.0/ivshmem-doorbell", NULL };
    static const mq_pick picks[] = {
        { "0000:00:05.0/ivshmem-doorbell", 0x10, 7 },   /* BAR0 bit 7: checked (256 B) */
        { "0000:00:05.0/ivshmem-doorbell", 0x11, 0 },   /* BAR0 bit 8: writable */
        { "0000:00:05.0/ivshmem-doorbell", 0x15, 3 },   /* BAR1 bit 11: checked (4 KiB) */
        { "0000:00:05.0/ivshmem-doorbell", 0x15, 4 },   /* BAR1 bit 12: writable */
        { "0000:00:05.0/ivshmem-doorbell", 0x18, 2 },   /* BAR2 64-bit type: checked */
        { "0000:00:05.0/ivshmem-doorbell", 0x1a, 3 },   /* BAR2 bit 19: checked (1 MiB) */
        { "0000:00:05.0/ivshmem-doorbell", 0x1a, 4 },   /* BAR2 bit 20: writable */
        { "0000:00:05.0/ivshmem-doorbell", 0x43, 7 },   /* MSI-X enable: writable */
        { "0000:00:05.0/ivshmem-doorbell", 0x42, 1 },   /* MSI-X table size: checked */
        { "0000:00:05.0/ivshmem-doorbell", 0x04, 1 },   /* command: memory enable */
    };
    /* one QEMU at a time: each needs peer ID 0 for master=on */
    setenv("VMC_MQ_JOBS", "1", 1);
    char **a = with_sock(args, sock_path);
    mq_mask_samples("pc-q35-7.2", (const char *const *)a, targets, picks,
                    sizeof(picks) / sizeof(picks[0]), 8);
    g_strfreev(a);
}

static void test_property_errors(void **state)
{
    (void)state;
    static const char *const devices[] = {
        "ivshmem-doorbell,chardev=c0,vectors=0",
        "ivshmem-doorbell,chardev=c0,vectors=2049",
        "ivshmem-doorbell,chardev=c9",
        "ivshmem-doorbell",
        "ivshmem-doorbell,chardev=c0,msi=on",
        "ivshmem-doorbell,chardev=c0,ioeventfd=maybe",
        "ivshmem-doorbell,chardev=c0,master=sometimes",
    };
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        const char *args[] = { "-chardev", "socket,id=c0,path={sock}", "-device", devices[i],
                               NULL };
        char **a = with_sock(args, sock_path);
        mq_same_error("pc-q35-7.2", (const char *const *)a);
        g_strfreev(a);
    }
}

/* ---- 3. vmcompat write, master=on ------------------------------------------------------- */

/* vmcompat write of -M machine args (with QEMU's RTC clock when rtc is given). */
static int write_ours(const char *machine, const char *const *args, const tu_rtc_clock *rtc,
                      const char *file)
{
    vmc_model *m = NULL;
    int rc = mq_model_try(&m, machine, args);
    if (rc) {
        return rc;
    }
    char *state = rtc ? tu_rtc_state_json(rtc) : NULL;
    vmc_sink *s;
    assert_int_equal(vmc_sink_open_path(&s, file), 0);
    vmc_write_options o = { .state_json = state, .state_len = state ? strlen(state) : 0 };
    rc = vmc_model_write(m, s, &o);
    if (!rc) {
        rc = vmc_sink_commit(s);
    }
    vmc_sink_free(s);
    g_free(state);
    vmc_model_free(m);
    return rc;
}

static void check_write(const char *machine, const char *const *args)
{
    char theirs[300], fresh[300], clocked[300];
    snprintf(theirs, sizeof(theirs), "%s/qemu.mig", tmpdir);
    snprintf(fresh, sizeof(fresh), "%s/fresh.mig", tmpdir);
    snprintf(clocked, sizeof(clocked), "%s/clocked.mig", tmpdir);
    qr_config cfg = { .machine = machine, .args = args };
    qr_qemu *q;
    if (qr_start(&q, &cfg) < 0 || qr_migrate_to_file(q, theirs, NULL) < 0) {
        fail_msg("-M %s: QEMU: %s", machine, vmc_error_last()->message);
    }
    qr_free(q);
    sleep_ms(100);   /* QEMU's peer ID is free again */

    if (write_ours(machine, args, NULL, fresh)) {
        fail_msg("-M %s: write: %s", machine, vmc_error_last()->message);
    }
    qr_load_result res;
    assert_int_equal(qr_load_file(&cfg, fresh, &res), 0);
    if (!res.ok) {
        fail_msg("-M %s: QEMU does not load our stream: %s", machine,
                 res.n_error ? res.error_lines[0] : res.status);
    }
    qr_load_result_free(&res);
    sleep_ms(100);

    tu_rtc_clock rtc;
    if (tu_rtc_read(theirs, &rtc) || !rtc.found) {
        fail_msg("%s: no RTC clock: %s", theirs, vmc_error_last()->message);
    }
    assert_int_equal(write_ours(machine, args, &rtc, clocked), 0);
    char why[1024];
    if (se_compare_files(theirs, clocked, why, sizeof(why)) != 0) {
        fail_msg("-M %s: our stream differs from QEMU's beyond the clock: %s", machine, why);
    }
    unlink(theirs);
    unlink(fresh);
    unlink(clocked);
}

static void test_write_master(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "pc-q35-7.2", "ivshmem-doorbell,chardev=c0,master=on" },
        { "pc-i440fx-7.2", "ivshmem-doorbell,chardev=c0,master=on,vectors=5" },
        { "pc-q35-2.12", "ivshmem-doorbell,chardev=c0,master=on,vectors=2,ioeventfd=off" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *args[] = { "-chardev", "socket,id=c0,path={sock}", "-device",
                               cases[i][1], NULL };
        char **a = with_sock(args, sock_path);
        check_write(cases[i][0], (const char *const *)a);
        g_strfreev(a);
        print_message("-M %s %s: loads; equal to QEMU's stream but for the clock\n",
                      cases[i][0], cases[i][1]);
    }
}

/* ---- 4. peer mode, no server -------------------------------------------------------------- */

#define BLOCKER "Migration is disabled when using feature 'peer mode' in device 'ivshmem'"

static void test_peer_blocked(void **state)
{
    (void)state;
    static const char *const args[] = {
        "-chardev", "socket,id=c0,path={sock}", "-device", "ivshmem-doorbell,chardev=c0",
        NULL,
    };
    char **a = with_sock(args, sock_path);
    /* QEMU refuses to migrate */
    qr_config cfg = { .machine = "pc-q35-7.2", .args = (const char *const *)a };
    qr_qemu *q;
    assert_int_equal(qr_start(&q, &cfg), 0);
    char file[300];
    snprintf(file, sizeof(file), "%s/peer.mig", tmpdir);
    assert_true(qr_migrate_to_file(q, file, NULL) < 0);
    if (!strstr(vmc_error_last()->message, BLOCKER)) {
        fail_msg("QEMU: %s", vmc_error_last()->message);
    }
    qr_free(q);
    unlink(file);
    sleep_ms(100);
    /* the model builds it (config equal to QEMU's stream of master=on: same bytes) ... */
    vmc_model *m = mq_model("pc-q35-7.2", (const char *const *)a);
    const vmc_model_pci *p = mq_model_pci(m, "0000:00:01.0/ivshmem-doorbell");
    assert_non_null(p);
    assert_true(p->config_size > 0);
    vmc_model_free(m);
    /* ... and refuses to write it with QEMU's reason */
    assert_int_equal(write_ours("pc-q35-7.2", (const char *const *)a, NULL, file),
                     VMC_EUNSUPPORTED);
    assert_non_null(strstr(vmc_error_last()->message, BLOCKER));
    assert_int_equal(access(file, F_OK), -1);
    g_strfreev(a);

    /* no server: still a peer, still blocked (QEMU would not start at all) */
    char none[300];
    snprintf(none, sizeof(none), "%s/none.sock", tmpdir);
    a = with_sock(args, none);
    assert_int_equal(write_ours("pc-q35-7.2", (const char *const *)a, NULL, file),
                     VMC_EUNSUPPORTED);
    assert_non_null(strstr(vmc_error_last()->message, BLOCKER));
    g_strfreev(a);
}

static void test_master_without_server(void **state)
{
    (void)state;
    char none[300];
    snprintf(none, sizeof(none), "%s/none.sock", tmpdir);
    static const char *const on[] = {
        "-chardev", "socket,id=c0,path={sock}", "-device",
        "ivshmem-doorbell,chardev=c0,master=on", NULL,
    };
    char **a = with_sock(on, none);
    vmc_model *m = NULL;
    assert_int_equal(mq_model_try(&m, "pc-q35-7.2", (const char *const *)a), VMC_EUNSUPPORTED);
    assert_non_null(strstr(vmc_error_last()->message, "not modelled"));
    assert_non_null(strstr(vmc_error_last()->message, "no ivshmem server"));
    g_strfreev(a);
    /* a chardev that is no unix socket client */
    static const char *const null_chr[] = {
        "-chardev", "null,id=c0", "-device", "ivshmem-doorbell,chardev=c0,master=on", NULL,
    };
    assert_int_equal(mq_model_try(&m, "pc-q35-7.2", null_chr), VMC_EUNSUPPORTED);
    assert_non_null(strstr(vmc_error_last()->message, "not a unix socket client"));
    /* master=auto: decided by the peer ID QEMU gets */
    static const char *const autom[] = {
        "-chardev", "socket,id=c0,path={sock}", "-device",
        "ivshmem-doorbell,chardev=c0,master=auto", NULL,
    };
    a = with_sock(autom, sock_path);
    assert_int_equal(mq_model_try(&m, "pc-q35-7.2", (const char *const *)a), VMC_EUNSUPPORTED);
    assert_non_null(strstr(vmc_error_last()->message, "master=auto"));
    g_strfreev(a);
}

/* ---- main ------------------------------------------------------------------------------ */

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir)) {
        return -1;
    }
    snprintf(sock_path, sizeof(sock_path), "%s/ivshmem.sock", tmpdir);
    server_pid = server_start(sock_path, "1M", true);
    return server_pid > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (server_pid > 0) {
        server_stop(server_pid, sock_path);
    }
    char *cmd = g_strdup_printf("rm -rf %s", tmpdir);
    int rc = system(cmd);
    g_free(cmd);
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_bad_servers),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_config_vs_qemu),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_property_errors),
        cmocka_unit_test(test_write_master),
        cmocka_unit_test(test_peer_blocked),
        cmocka_unit_test(test_master_without_server),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
