/* The ivshmem server probe (ivshmem_client.h). */
#include "devices/ivshmem_client.h"
#include "common/error_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define IVSHMEM_PROTOCOL_VERSION 0
#define IVSHMEM_MAX_PEERS 0xffff
/* the server sends the memory third; allow for peer messages before it */
#define MAX_MESSAGES 4096

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * One message: 8 bytes, little-endian, possibly in pieces; *fd is the last
 * descriptor that came with them (-1 for none), earlier ones are closed.
 */
static int recv_msg(int sock, int timeout_ms, int64_t *msg, int *fd)
{
    uint8_t buf[8];
    size_t got = 0;
    int64_t deadline = now_ms() + timeout_ms;
    *fd = -1;
    while (got < sizeof(buf)) {
        int64_t left = deadline - now_ms();
        struct pollfd pfd = { .fd = sock, .events = POLLIN };
        int pr = left > 0 ? poll(&pfd, 1, (int)left) : 0;
        if (pr < 0 && errno == EINTR) {
            continue;
        }
        if (pr <= 0) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "%s",
                                 pr == 0 ? "no message from the ivshmem server within the "
                                           "time limit"
                                         : strerror(errno));
        }
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(4 * sizeof(int))];
        } control;
        struct iovec iov = { .iov_base = buf + got, .iov_len = sizeof(buf) - got };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf) };
        ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c;
             c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
                continue;
            }
            size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < nfds; i++) {
                int f;
                memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                if (*fd >= 0) {
                    close(*fd);
                }
                *fd = f;
            }
        }
        if (n <= 0) {
            if (*fd >= 0) {
                close(*fd);
                *fd = -1;
            }
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "read from server failed: %s",
                                 n == 0 ? "the server closed the connection"
                                        : strerror(errno));
        }
        got += (size_t)n;
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | buf[i];
    }
    *msg = (int64_t)v;
    return 0;
}

static void close_fd(int fd)
{
    if (fd >= 0) {
        close(fd);
    }
}

static int setup(int sock, int timeout_ms, vmc_ivshmem_info *out)
{
    int64_t msg;
    int fd, rc;
    /* ivshmem_recv_setup: the version, then the ID, each without a descriptor */
    if ((rc = recv_msg(sock, timeout_ms, &msg, &fd))) {
        return rc;
    }
    if (msg != IVSHMEM_PROTOCOL_VERSION) {
        close_fd(fd);
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "server sent version %lld, expecting 0", (long long)msg);
    }
    if (fd != -1) {
        close_fd(fd);
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                             "server sent invalid version message");
    }
    if ((rc = recv_msg(sock, timeout_ms, &msg, &fd))) {
        return rc;
    }
    if (fd != -1 || msg < 0 || msg > IVSHMEM_MAX_PEERS) {
        close_fd(fd);
        return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL, "server sent invalid ID message");
    }
    out->peer_id = msg;
    /* then anything up to the memory: -1 with its descriptor */
    for (int k = 0; k < MAX_MESSAGES; k++) {
        if ((rc = recv_msg(sock, timeout_ms, &msg, &fd))) {
            return rc;
        }
        if (msg < -1 || msg > IVSHMEM_MAX_PEERS) {
            close_fd(fd);
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "server sent invalid message %lld", (long long)msg);
        }
        if (msg != -1) {
            close_fd(fd);   /* a peer's eventfd, or a disconnect */
            continue;
        }
        if (fd < 0) {
            /* QEMU takes -1 without a descriptor for memory it cannot map */
            return vmc_error_set(VMC_EFORMAT, -1, NULL, NULL,
                                 "server sent the shared memory message without a "
                                 "descriptor");
        }
        struct stat st;
        int err = fstat(fd, &st) < 0 ? errno : 0;
        close(fd);
        if (err) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL,
                                 "can't determine size of shared memory sent by server: %s",
                                 strerror(err));
        }
        out->shm_size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
        return 0;
    }
    return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                         "the ivshmem server sent %d messages without the shared memory",
                         MAX_MESSAGES);
}

int vmc_ivshmem_probe(const char *path, int timeout_ms, vmc_ivshmem_info *out)
{
    memset(out, 0, sizeof(*out));
    out->peer_id = -1;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (!path || !*path || strlen(path) >= sizeof(sa.sun_path)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "UNIX socket path '%s' is too long",
                             path ? path : "");
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "socket: %s", strerror(errno));
    }
    /* the connect of a unix socket does not block once the server listens */
    if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int err = errno;
        close(sock);
        return vmc_error_set(err == ENOENT || err == ECONNREFUSED ? VMC_ENOTFOUND : VMC_EIO, -1,
                             NULL, NULL, "Failed to connect to '%s': %s", path, strerror(err));
    }
    int rc = setup(sock, timeout_ms, out);
    close(sock);
    return rc;
}
