/*
 * The QMP client (include/vmcompat/qmp.h) and the QEMU runner
 * (tests/qemu_runner.h) against scripted peers and the real QEMU 7.2.
 * QEMU must be installed: these tests fail (never skip) without it.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmcompat/qmp.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *last_msg(void)
{
    return vmc_error_last()->message;
}

/* ---- scripted peer ------------------------------------------------------ */

/*
 * A fake QEMU in a child process speaking on one end of a socketpair.
 * Steps: "S<text>" send text, "W<ms>" sleep, "R" read one request line,
 * "C" close.  The child ends after the last step (and holds the socket open
 * for a while so the client sees no EOF unless "C" was given).
 */
static pid_t start_peer(int *client_fd, const char *const *steps)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        int fd = sv[1];
        for (size_t i = 0; steps[i]; i++) {
            const char *s = steps[i];
            if (s[0] == 'S') {
                if (write(fd, s + 1, strlen(s + 1)) < 0) {
                    _exit(1);
                }
            } else if (s[0] == 'W') {
                usleep((useconds_t)atoi(s + 1) * 1000);
            } else if (s[0] == 'R') {
                char c;
                while (read(fd, &c, 1) == 1 && c != '\n') {
                }
            } else if (s[0] == 'C') {
                close(fd);
                _exit(0);
            }
        }
        sleep(5);
        _exit(0);
    }
    close(sv[1]);
    *client_fd = sv[0];
    return pid;
}

static void end_peer(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, " \
                 "\"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n"

static void test_qmp_scripted_session(void **state)
{
    (void)state;
    const char *const steps[] = {
        /* the greeting arrives in three pieces */
        "S{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, ", "W30",
        "S\"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capab", "W30",
        "Silities\": [\"oob\"]}}\r\n",
        "R", "S{\"return\": {}}\r\n",                          /* qmp_capabilities */
        "R",                                                    /* query-foo */
        "S{\"event\": \"E1\", \"data\": {\"n\": 1}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
        "{\"return\": 99, \"id\": \"stale\"}\r\n"
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"boom\"}}\r\n",
        "R",                                                    /* second command */
        "S{\"event\": \"E2\", \"data\": {}}\r\n{\"return\": {\"x\": 1}}\r\n",
        "W100", "S{\"event\": \"E3\", \"data\": {\"k\": \"v\"}}\r\n",
        NULL,
    };
    int fd;
    pid_t pid = start_peer(&fd, steps);
    vmc_qmp *qmp;
    assert_int_equal(vmc_qmp_connect_fd(&qmp, fd, 1, 5000), 0);
    json_object *g = vmc_qmp_greeting(qmp), *v, *q, *major;
    assert_true(json_object_object_get_ex(g, "version", &v));
    assert_true(json_object_object_get_ex(v, "qemu", &q));
    assert_true(json_object_object_get_ex(q, "major", &major));
    assert_int_equal(json_object_get_int(major), 7);

    json_object *ret = (json_object *)1;
    int rc = vmc_qmp_execute(qmp, "query-foo", NULL, &ret);
    assert_int_equal(rc, VMC_EUSAGE);
    assert_null(ret);
    assert_string_equal(vmc_qmp_error_class(qmp), "GenericError");
    assert_string_equal(vmc_qmp_error_desc(qmp), "boom");
    assert_string_equal(last_msg(), "query-foo: GenericError: boom");
    assert_int_equal(vmc_qmp_event_count(qmp), 1);

    assert_int_equal(vmc_qmp_execute_json(qmp, "second", "{\"a\": [1, 2]}", &ret), 0);
    json_object *x;
    assert_true(json_object_object_get_ex(ret, "x", &x));
    assert_int_equal(json_object_get_int(x), 1);
    json_object_put(ret);
    assert_string_equal(vmc_qmp_error_class(qmp), "");
    assert_int_equal(vmc_qmp_event_count(qmp), 2);

    /* E3 arrives 100 ms later; E1 is taken from the queue. */
    json_object *ev;
    assert_int_equal(vmc_qmp_wait_event(qmp, "E3", 3000, &ev), 0);
    json_object *data, *k;
    assert_true(json_object_object_get_ex(ev, "data", &data));
    assert_true(json_object_object_get_ex(data, "k", &k));
    assert_string_equal(json_object_get_string(k), "v");
    json_object_put(ev);
    assert_int_equal(vmc_qmp_wait_event(qmp, "E1", 0, &ev), 0);
    assert_true(json_object_object_get_ex(ev, "data", &data));
    json_object_put(ev);
    assert_int_equal(vmc_qmp_event_count(qmp), 1);
    assert_string_equal(json_object_get_string(json_object_object_get(
                            vmc_qmp_event_at(qmp, 0), "event")), "E2");

    int64_t t0 = now_ms();
    assert_int_equal(vmc_qmp_wait_event(qmp, "E9", 150, NULL), VMC_ENOTFOUND);
    int64_t dt = now_ms() - t0;
    assert_true(dt >= 140 && dt < 2000);
    assert_int_equal(vmc_qmp_poll(qmp, 0), 0);
    vmc_qmp_clear_events(qmp);
    assert_int_equal(vmc_qmp_event_count(qmp), 0);
    assert_int_equal(vmc_qmp_closed(qmp), 0);

    /* Invalid arguments never reach the wire. */
    assert_int_equal(vmc_qmp_execute_json(qmp, "x", "{nope", NULL), VMC_EUSAGE);
    json_object *arr = json_object_new_array();
    assert_int_equal(vmc_qmp_execute(qmp, "x", arr, NULL), VMC_EUSAGE);
    json_object_put(arr);
    vmc_qmp_free(qmp);
    end_peer(pid);
}

static void test_qmp_silent_peer_times_out(void **state)
{
    (void)state;
    const char *const silent[] = { "W3000", NULL };
    int fd;
    pid_t pid = start_peer(&fd, silent);
    vmc_qmp *qmp = (vmc_qmp *)1;
    int64_t t0 = now_ms();
    assert_int_equal(vmc_qmp_connect_fd(&qmp, fd, 1, 300), VMC_ELIMIT);
    int64_t dt = now_ms() - t0;
    assert_null(qmp);
    assert_true(dt >= 290 && dt < 2500);
    assert_non_null(strstr(last_msg(), "greeting"));
    end_peer(pid);

    /* The greeting comes, the reply to qmp_capabilities does not. */
    const char *const mute[] = { "S" GREETING, "R", NULL };
    pid = start_peer(&fd, mute);
    t0 = now_ms();
    assert_int_equal(vmc_qmp_connect_fd(&qmp, fd, 1, 300), VMC_ELIMIT);
    assert_true(now_ms() - t0 < 2500);
    assert_non_null(strstr(last_msg(), "qmp_capabilities"));
    end_peer(pid);

    /* A command without a reply. */
    const char *const late[] = { "S" GREETING, "R", "S{\"return\": {}}\n", "R", NULL };
    pid = start_peer(&fd, late);
    assert_int_equal(vmc_qmp_connect_fd(&qmp, fd, 1, 2000), 0);
    vmc_qmp_set_timeout(qmp, 200);
    t0 = now_ms();
    assert_int_equal(vmc_qmp_execute(qmp, "query-status", NULL, NULL), VMC_ELIMIT);
    assert_true(now_ms() - t0 < 2500);
    assert_string_equal(last_msg(), "query-status: no reply from QEMU within 200 ms");
    vmc_qmp_free(qmp);
    end_peer(pid);
}

static void test_qmp_bad_peers(void **state)
{
    (void)state;
    int fd;
    vmc_qmp *qmp;
    /* Not JSON at all. */
    const char *const junk[] = { "Shello world\r\n", NULL };
    pid_t pid = start_peer(&fd, junk);
    assert_int_equal(vmc_qmp_connect_fd(&qmp, fd, 1, 2000), VMC_EFORMAT);
    end_peer(pid);

    /* JSON, but the first message is not a greeting. */
    const char *const nogreet[] = { "S{\"return\": {}}\r\n", NULL };
    pid = start_peer(&fd, nogreet);
    assert_int_equal(vmc_qmp_connect_fd(&qmp, fd, 1, 2000), VMC_EFORMAT);
    end_peer(pid);

    /* The peer goes away after the greeting: EIO, no hang. */
    const char *const bye[] = { "S" GREETING, "R", "C", NULL };
    pid = start_peer(&fd, bye);
    int64_t t0 = now_ms();
    assert_int_equal(vmc_qmp_connect_fd(&qmp, fd, 1, 5000), VMC_EIO);
    assert_true(now_ms() - t0 < 2000);
    assert_non_null(strstr(last_msg(), "closed"));
    end_peer(pid);

    /* A socket path that cannot exist and one that is too long. */
    assert_int_equal(vmc_qmp_connect(&qmp, "/nonexistent-dir/qmp.sock", 100), VMC_ELIMIT);
    char longpath[300];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    assert_int_equal(vmc_qmp_connect(&qmp, longpath, 100), VMC_EUSAGE);
}

/* ---- real QEMU ---------------------------------------------------------- */

static const char *status_string(json_object *o)
{
    json_object *s;
    assert_true(json_object_object_get_ex(o, "status", &s));
    return json_object_get_string(s);
}

static qr_qemu *start_or_fail(const qr_config *cfg)
{
    assert_non_null(qr_qemu_binary());
    qr_qemu *q;
    int rc = qr_start(&q, cfg);
    if (rc) {
        fail_msg("qr_start: %s", last_msg());
    }
    return q;
}

static void test_qmp_real_qemu(void **state)
{
    (void)state;
    qr_config cfg = { .machine = "pc-q35-7.2" };
    qr_qemu *q = start_or_fail(&cfg);
    vmc_qmp *qmp = qr_qmp(q);

    json_object *v, *qv, *n;
    assert_true(json_object_object_get_ex(vmc_qmp_greeting(qmp), "version", &v));
    assert_true(json_object_object_get_ex(v, "qemu", &qv));
    assert_true(json_object_object_get_ex(qv, "major", &n));
    assert_int_equal(json_object_get_int(n), 7);
    assert_true(json_object_object_get_ex(qv, "minor", &n));
    assert_int_equal(json_object_get_int(n), 2);

    json_object *ret;
    assert_int_equal(vmc_qmp_execute(qmp, "query-status", NULL, &ret), 0);
    assert_string_equal(status_string(ret), "prelaunch");
    json_object_put(ret);

    assert_int_equal(vmc_qmp_execute(qmp, "no-such-command", NULL, NULL), VMC_EUNSUPPORTED);
    assert_string_equal(vmc_qmp_error_class(qmp), "CommandNotFound");
    assert_int_equal(vmc_qmp_execute_json(qmp, "device_del", "{\"id\": \"nope\"}", NULL),
                     VMC_ENOTFOUND);
    assert_string_equal(vmc_qmp_error_class(qmp), "DeviceNotFound");
    assert_int_equal(vmc_qmp_execute_json(qmp, "migrate", "{\"uri\": \"bogus:x\"}", NULL),
                     VMC_EUSAGE);
    assert_string_equal(vmc_qmp_error_class(qmp), "GenericError");
    assert_non_null(strstr(last_msg(), "migrate: GenericError: "));

    char *text;
    assert_int_equal(vmc_qmp_hmp(qmp, "info status", &text), 0);
    assert_string_equal(text, "VM status: paused (prelaunch)\r\n");
    free(text);

    /* cont + stop emit RESUME and STOP. */
    assert_int_equal(qr_run_ms(q, 50), 0);
    assert_int_equal(vmc_qmp_wait_event(qmp, "STOP", 5000, NULL), 0);
    assert_int_equal(vmc_qmp_wait_event(qmp, "RESUME", 0, NULL), 0);
    assert_int_equal(vmc_qmp_execute(qmp, "query-status", NULL, &ret), 0);
    assert_string_equal(status_string(ret), "paused");
    json_object_put(ret);

    /* QEMU dies: the next command fails at once instead of hanging. */
    kill(qr_pid(q), SIGKILL);
    int st;
    assert_int_equal(qr_wait_exit(q, 5000, &st), 1);
    assert_int_equal(st, -SIGKILL);
    int64_t t0 = now_ms();
    assert_int_equal(vmc_qmp_execute(qmp, "query-status", NULL, NULL), VMC_EIO);
    assert_int_equal(vmc_qmp_wait_event(qmp, "SHUTDOWN", 5000, NULL), VMC_EIO);
    assert_true(now_ms() - t0 < 2000);
    assert_int_equal(vmc_qmp_closed(qmp), 1);
    qr_free(q);
}

static void test_qemu_start_failure(void **state)
{
    (void)state;
    assert_non_null(qr_qemu_binary());
    qr_config cfg = { .machine = "no-such-machine" };
    qr_qemu *q;
    int64_t t0 = now_ms();
    assert_int_equal(qr_start(&q, &cfg), VMC_EIO);
    assert_true(now_ms() - t0 < 20000);
    assert_non_null(strstr(last_msg(), "unsupported machine type"));

    /* The same as a destination is a verdict, not a runner error. */
    qr_load_result res;
    assert_int_equal(qr_load_file(&cfg, "/dev/null", &res), 0);
    assert_int_equal(res.ok, 0);
    assert_int_equal(res.exited, 1);
    assert_int_equal(res.exit_status, 1);
    assert_string_equal(res.status, "startup");
    assert_true(res.n_error >= 1);
    assert_non_null(strstr(res.error_lines[0], "unsupported machine type"));
    qr_load_result_free(&res);
}

static char *tmp_path(const char *name)
{
    const char *t = getenv("TMPDIR");
    char *p = malloc(512);
    snprintf(p, 512, "%s/vmc-test-%d-%s", t && t[0] ? t : "/tmp", (int)getpid(), name);
    return p;
}

/* Migrate a fresh machine to a file, check its start, load it back. */
static void migrate_and_load(const char *machine)
{
    qr_config cfg = { .machine = machine, .trace_sections = 1 };
    qr_qemu *q = start_or_fail(&cfg);
    char *file = tmp_path("fresh.mig");
    json_object *info;
    int rc = qr_migrate_to_file(q, file, &info);
    if (rc) {
        fail_msg("migrate %s: %s", machine, last_msg());
    }
    assert_string_equal(status_string(info), "completed");
    json_object_put(info);
    assert_int_equal(qr_stop(q), 0);
    qr_free(q);

    size_t len;
    uint8_t *data = tu_read_file(file, &len);
    /* stream-format.md 2.2: magic, version 3, then the configuration
     * section: 0x07, be32 name length, the machine type name. */
    size_t mlen = strlen(machine);
    assert_true(len > 13 + mlen);
    static const uint8_t head[] = { 'Q', 'E', 'V', 'M', 0, 0, 0, 3, 0x07, 0, 0, 0 };
    assert_memory_equal(data, head, sizeof(head));
    assert_int_equal(data[12], mlen);
    assert_memory_equal(data + 13, machine, mlen);
    /* then START "ram" (section id 2, instance 0, version 4) */
    static const uint8_t ram[] = { 0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm', 0, 0, 0, 0, 0, 0, 0, 4 };
    assert_memory_equal(data + 13 + mlen, ram, sizeof(ram));

    qr_load_result res;
    rc = qr_load_file(&cfg, file, &res);
    if (rc) {
        fail_msg("load %s: %s", machine, last_msg());
    }
    if (!res.ok) {
        fail_msg("QEMU refused its own %s stream: %s", machine,
                 res.n_error ? res.error_lines[0] : res.status);
    }
    assert_string_equal(res.status, "completed");
    assert_string_equal(res.runstate, "prelaunch");
    assert_int_equal(res.n_error, 0);
    assert_true(res.n_sections > 10);
    assert_string_equal(res.sections[0].idstr, "ram");
    assert_int_equal(res.sections[0].section_id, 2);
    assert_int_equal(res.sections[0].version_id, 4);
    assert_string_equal(res.sections[res.n_sections - 1].idstr, "globalstate");
    qr_load_result_free(&res);

    /* The same file with the magic flipped. */
    data[0] ^= 0xff;
    char *bad = tmp_path("badmagic.mig");
    FILE *f = fopen(bad, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    rc = qr_load_file(&cfg, bad, &res);
    if (rc) {
        fail_msg("load flipped %s: %s", machine, last_msg());
    }
    assert_int_equal(res.ok, 0);
    assert_int_equal(res.exited, 1);
    assert_int_not_equal(res.exit_status, 0);
    assert_true(res.n_error >= 1);
    assert_string_equal(res.error_lines[0], "Not a migration stream");
    assert_int_equal(res.n_sections, 0);
    qr_load_result_free(&res);

    unlink(bad);
    unlink(file);
    free(bad);
    free(file);
    free(data);
}

static void test_migrate_q35(void **state)
{
    (void)state;
    migrate_and_load("pc-q35-7.2");
}

static void test_migrate_i440fx(void **state)
{
    (void)state;
    migrate_and_load("pc-i440fx-7.2");
}

/* The traced sections equal the corpus' qemu_sections for the same config. */
static void test_sections_match_corpus(void **state)
{
    (void)state;
    const char *id = "s-pc-q35-6.0--none--fresh";
    json_object *manifest = tu_corpus_json("manifest.json");
    json_object *streams = json_object_object_get(manifest, "streams"), *item = NULL;
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        json_object *s = json_object_array_get_idx(streams, i);
        if (strcmp(json_object_get_string(json_object_object_get(s, "id")), id) == 0) {
            item = s;
        }
    }
    assert_non_null(item);
    json_object *config = json_object_object_get(item, "config");
    assert_string_equal(json_object_get_string(json_object_object_get(config, "machine")),
                        "pc-q35-6.0");
    assert_int_equal(json_object_get_int(json_object_object_get(config, "ram_mb")), 128);

    const char *args[] = { "-m", "128", NULL };
    qr_config cfg = { .machine = "pc-q35-6.0", .args = args, .trace_sections = 1 };
    qr_qemu *q = start_or_fail(&cfg);
    char *file = tmp_path("q35-6.0.mig");
    if (qr_migrate_to_file(q, file, NULL)) {
        fail_msg("migrate: %s", last_msg());
    }
    qr_free(q);
    qr_load_result res;
    if (qr_load_file(&cfg, file, &res)) {
        fail_msg("load: %s", last_msg());
    }
    assert_int_equal(res.ok, 1);
    json_object *want = json_object_object_get(item, "qemu_sections");
    assert_int_equal(res.n_sections, json_object_array_length(want));
    for (size_t i = 0; i < res.n_sections; i++) {
        json_object *w = json_object_array_get_idx(want, i);
        assert_string_equal(res.sections[i].idstr,
                            json_object_get_string(json_object_object_get(w, "idstr")));
        assert_int_equal(res.sections[i].section_id,
                         json_object_get_int(json_object_object_get(w, "section_id")));
        assert_int_equal(res.sections[i].instance_id,
                         json_object_get_int(json_object_object_get(w, "instance_id")));
        assert_int_equal(res.sections[i].version_id,
                         json_object_get_int(json_object_object_get(w, "version_id")));
    }
    qr_load_result_free(&res);
    unlink(file);
    free(file);
    json_object_put(manifest);
}

/* A migration that fails (cat cannot create the file) ends, with QEMU's reason. */
static void test_migrate_failure(void **state)
{
    (void)state;
    qr_config cfg = { .machine = "pc-i440fx-7.2", .timeout_ms = 20000 };
    qr_qemu *q = start_or_fail(&cfg);
    int64_t t0 = now_ms();
    assert_int_equal(qr_migrate_to_file(q, "/nonexistent-dir/x.mig", NULL), VMC_EIO);
    assert_true(now_ms() - t0 < 20000);
    assert_non_null(strstr(last_msg(), "failed"));
    /* QEMU is still alive and answers. */
    json_object *ret;
    assert_int_equal(qr_qmp_json(q, "query-status", NULL, &ret), 0);
    json_object_put(ret);
    char tmpdir[256];
    snprintf(tmpdir, sizeof(tmpdir), "%s", qr_tmpdir(q));
    qr_free(q);
    assert_int_equal(access(tmpdir, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qmp_scripted_session),
        cmocka_unit_test(test_qmp_silent_peer_times_out),
        cmocka_unit_test(test_qmp_bad_peers),
        cmocka_unit_test(test_qmp_real_qemu),
        cmocka_unit_test(test_qemu_start_failure),
        cmocka_unit_test(test_migrate_q35),
        cmocka_unit_test(test_migrate_i440fx),
        cmocka_unit_test(test_sections_match_corpus),
        cmocka_unit_test(test_migrate_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
