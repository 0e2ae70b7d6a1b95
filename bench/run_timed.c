/*
 * Run a command several times and measure each run.
 *
 *   vmc_run_timed [--timeout-s S] N CMD [ARG...]
 *
 * Standard output of CMD goes to /dev/null, standard error is inherited.
 * Prints one line per run: "wall_ns user_us sys_us maxrss_kib" (from
 * clock_gettime and wait4's rusage).  Exits 1 at the first run that fails
 * (exit status != 0, or killed after the timeout), 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t tv_us(struct timeval tv)
{
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

int main(int argc, char **argv)
{
    int i = 1;
    long timeout_s = 0;
    if (i + 1 < argc && strcmp(argv[i], "--timeout-s") == 0) {
        timeout_s = strtol(argv[i + 1], NULL, 10);
        i += 2;
    }
    if (i + 1 >= argc) {
        fprintf(stderr, "usage: vmc_run_timed [--timeout-s S] N CMD [ARG...]\n");
        return 2;
    }
    long runs = strtol(argv[i], NULL, 10);
    char **cmd = argv + i + 1;
    if (runs <= 0) {
        fprintf(stderr, "vmc_run_timed: N must be positive\n");
        return 2;
    }
    for (long r = 0; r < runs; r++) {
        fflush(NULL);
        int64_t t0 = now_ns();
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0) {
                dup2(null, 1);
            }
            execvp(cmd[0], cmd);
            fprintf(stderr, "vmc_run_timed: %s: %s\n", cmd[0], strerror(errno));
            _exit(127);
        }
        int status = 0;
        struct rusage ru;
        pid_t w;
        int64_t deadline = timeout_s > 0 ? t0 + (int64_t)timeout_s * 1000000000 : 0;
        for (;;) {
            w = wait4(pid, &status, deadline ? WNOHANG : 0, &ru);
            if (w == pid || (w < 0 && errno != EINTR)) {
                break;
            }
            if (w == 0 && now_ns() > deadline) {
                kill(pid, SIGKILL);
                deadline = 0;   /* now wait for it without timeout */
                fprintf(stderr, "vmc_run_timed: %s killed after %ld s\n", cmd[0], timeout_s);
            } else if (w == 0) {
                struct timespec ts = { 0, 2000000 };
                nanosleep(&ts, NULL);
            }
        }
        int64_t t1 = now_ns();
        if (w != pid) {
            perror("wait4");
            return 1;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "vmc_run_timed: %s failed (%s %d)\n", cmd[0],
                    WIFEXITED(status) ? "exit status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            return 1;
        }
        printf("%lld %lld %lld %ld\n", (long long)(t1 - t0), (long long)tv_us(ru.ru_utime),
               (long long)tv_us(ru.ru_stime), ru.ru_maxrss);
        fflush(stdout);
    }
    return 0;
}
