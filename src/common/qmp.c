/*
 * QMP client, see include/vmcompat/qmp.h.
 *
 * Input is parsed with an incremental json-c tokener: QEMU separates its
 * messages with "\r\n", but nothing here depends on that.  Every read waits
 * in poll() against a deadline, so a silent or dead QEMU ends in a timeout
 * or an EOF error, never a hang.
 */
#include "vmcompat/qmp.h"
#include "common/error_internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK 65536
#define TOKENER_DEPTH 64

struct vmc_qmp {
    int fd;
    int own_fd;
    int timeout_ms;
    bool closed;

    json_tokener *tok;
    size_t msg_bytes;          /* bytes fed to tok for the message in progress */
    char rbuf[READ_CHUNK];
    size_t rpos, rlen;         /* unparsed input is rbuf[rpos, rlen) */

    json_object *greeting;     /* the "QMP" member of the greeting */
    uint64_t next_id;

    json_object **events;      /* queue, oldest first */
    size_t nevents;
    size_t events_dropped;

    char err_class[128];
    char err_desc[VMC_ERROR_TEXT_MAX];
};

/* Result of read_message() besides negative error codes. */
enum { MSG_OK = 0, MSG_TIMEOUT = 1 };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - now_ms();
    if (left <= 0) {
        return 0;
    }
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

static int effective_timeout(int timeout_ms)
{
    return timeout_ms > 0 ? timeout_ms : VMC_QMP_DEFAULT_TIMEOUT_MS;
}

/* Record an error after which the connection cannot be used any more. */
static int mark_closed(vmc_qmp *qmp, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int mark_closed(vmc_qmp *qmp, int code, const char *fmt, ...)
{
    qmp->closed = true;
    va_list ap;
    va_start(ap, fmt);
    vmc_error_setv(code, -1, NULL, NULL, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- event queue ---------------------------------------------------- */

static int queue_event(vmc_qmp *qmp, json_object *ev)
{
    if (!qmp->events) {
        qmp->events = calloc(VMC_QMP_MAX_EVENTS, sizeof(*qmp->events));
        if (!qmp->events) {
            json_object_put(ev);
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
    }
    if (qmp->nevents == VMC_QMP_MAX_EVENTS) {
        json_object_put(qmp->events[0]);
        memmove(qmp->events, qmp->events + 1, (qmp->nevents - 1) * sizeof(*qmp->events));
        qmp->nevents--;
        qmp->events_dropped++;
    }
    qmp->events[qmp->nevents++] = ev;
    return 0;
}

static const char *event_name(json_object *ev)
{
    json_object *n;
    if (json_object_object_get_ex(ev, "event", &n) && json_object_is_type(n, json_type_string)) {
        return json_object_get_string(n);
    }
    return NULL;
}

/* Take the oldest queued event named name (NULL: any) out of the queue. */
static json_object *take_event(vmc_qmp *qmp, const char *name)
{
    for (size_t i = 0; i < qmp->nevents; i++) {
        const char *n = event_name(qmp->events[i]);
        if (!name || (n && strcmp(n, name) == 0)) {
            json_object *ev = qmp->events[i];
            memmove(qmp->events + i, qmp->events + i + 1,
                    (qmp->nevents - i - 1) * sizeof(*qmp->events));
            qmp->nevents--;
            return ev;
        }
    }
    return NULL;
}

/* ---- raw I/O ---------------------------------------------------------- */

/* Wait until fd is ready for events; MSG_OK, MSG_TIMEOUT or an error. */
static int wait_fd(vmc_qmp *qmp, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = qmp->fd, .events = events };
        int n = poll(&p, 1, remaining_ms(deadline));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return mark_closed(qmp, VMC_EIO, "QMP: poll failed: %s", strerror(errno));
        }
        if (n == 0) {
            return MSG_TIMEOUT;
        }
        return MSG_OK;   /* ready, or POLLHUP/POLLERR: the read/write reports it */
    }
}

static ssize_t raw_read(int fd, void *buf, size_t len)
{
    ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
    if (n < 0 && errno == ENOTSOCK) {
        n = read(fd, buf, len);
    }
    return n;
}

static ssize_t raw_write(int fd, const void *buf, size_t len)
{
    ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) {
        n = write(fd, buf, len);
    }
    return n;
}

static int write_all(vmc_qmp *qmp, const char *data, size_t len, int64_t deadline)
{
    while (len) {
        int w = wait_fd(qmp, POLLOUT, deadline);
        if (w == MSG_TIMEOUT) {
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                 "QMP: timed out writing to QEMU");
        }
        if (w < 0) {
            return w;
        }
        ssize_t n = raw_write(qmp->fd, data, len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            continue;
        }
        if (n < 0) {
            return mark_closed(qmp, VMC_EIO, "QMP: write to QEMU failed: %s", strerror(errno));
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * Read the next complete JSON message into *out (a new reference).
 * Returns MSG_OK, MSG_TIMEOUT (nothing complete before the deadline; no
 * error recorded) or a negative code.
 */
static int read_message(vmc_qmp *qmp, int64_t deadline, json_object **out)
{
    *out = NULL;
    if (qmp->closed) {
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "QMP: connection to QEMU is closed");
    }
    for (;;) {
        while (qmp->rpos < qmp->rlen) {
            /* Whitespace between messages is not part of any message. */
            if (qmp->msg_bytes == 0) {
                char c = qmp->rbuf[qmp->rpos];
                if (c == ' ' || c == '\r' || c == '\n' || c == '\t') {
                    qmp->rpos++;
                    continue;
                }
            }
            size_t avail = qmp->rlen - qmp->rpos;
            json_object *obj = json_tokener_parse_ex(qmp->tok, qmp->rbuf + qmp->rpos, (int)avail);
            enum json_tokener_error jerr = json_tokener_get_error(qmp->tok);
            size_t used = json_tokener_get_parse_end(qmp->tok);
            if (used > avail) {
                used = avail;
            }
            qmp->rpos += used;
            qmp->msg_bytes += used;
            if (obj) {
                json_tokener_reset(qmp->tok);
                qmp->msg_bytes = 0;
                if (!json_object_is_type(obj, json_type_object)) {
                    json_object_put(obj);
                    return mark_closed(qmp, VMC_EFORMAT,
                                       "QMP: QEMU sent a JSON value that is not an object");
                }
                *out = obj;
                return MSG_OK;
            }
            if (jerr != json_tokener_continue) {
                return mark_closed(qmp, VMC_EFORMAT, "QMP: invalid JSON from QEMU: %s",
                                   json_tokener_error_desc(jerr));
            }
            if (qmp->msg_bytes > VMC_QMP_MAX_MESSAGE) {
                qmp->closed = true;
                return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                     "QMP: message from QEMU larger than %u bytes",
                                     VMC_QMP_MAX_MESSAGE);
            }
        }
        int w = wait_fd(qmp, POLLIN, deadline);
        if (w != MSG_OK) {
            return w;
        }
        ssize_t n = raw_read(qmp->fd, qmp->rbuf, sizeof(qmp->rbuf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (remaining_ms(deadline) == 0) {
                return MSG_TIMEOUT;
            }
            continue;
        }
        if (n < 0) {
            return mark_closed(qmp, VMC_EIO, "QMP: read from QEMU failed: %s", strerror(errno));
        }
        if (n == 0) {
            return mark_closed(qmp, VMC_EIO, "QMP: QEMU closed the connection (did it exit?)");
        }
        qmp->rpos = 0;
        qmp->rlen = (size_t)n;
    }
}

/* ---- connection --------------------------------------------------------- */

static int qmp_alloc(vmc_qmp **out, int fd, int own_fd, int timeout_ms)
{
    vmc_qmp *qmp = calloc(1, sizeof(*qmp));
    if (!qmp) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    qmp->fd = fd;
    qmp->own_fd = own_fd;
    qmp->timeout_ms = effective_timeout(timeout_ms);
    qmp->tok = json_tokener_new_ex(TOKENER_DEPTH);
    if (!qmp->tok) {
        free(qmp);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    *out = qmp;
    return 0;
}

/* Read the greeting and negotiate capabilities, all before deadline. */
static int handshake(vmc_qmp *qmp, int64_t deadline)
{
    for (;;) {
        json_object *msg;
        int rc = read_message(qmp, deadline, &msg);
        if (rc == MSG_TIMEOUT) {
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                 "QMP: no greeting from QEMU within %d ms", qmp->timeout_ms);
        }
        if (rc < 0) {
            return rc;
        }
        json_object *g;
        if (json_object_object_get_ex(msg, "QMP", &g) && json_object_is_type(g, json_type_object)) {
            qmp->greeting = json_object_get(g);
            json_object_put(msg);
            break;
        }
        if (event_name(msg)) {
            rc = queue_event(qmp, msg);
            if (rc) {
                return rc;
            }
            continue;
        }
        json_object_put(msg);
        return mark_closed(qmp, VMC_EFORMAT,
                           "QMP: expected a QMP greeting, got another message");
    }
    int saved = qmp->timeout_ms;
    qmp->timeout_ms = remaining_ms(deadline) > 0 ? remaining_ms(deadline) : 1;
    int rc = vmc_qmp_execute(qmp, "qmp_capabilities", NULL, NULL);
    qmp->timeout_ms = saved;
    return rc;
}

int vmc_qmp_connect_fd(vmc_qmp **out, int fd, int take_ownership, int timeout_ms)
{
    if (!out || fd < 0) {
        if (fd >= 0 && take_ownership) {
            close(fd);
        }
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_qmp_connect_fd: invalid argument");
    }
    *out = NULL;
    vmc_qmp *qmp = NULL;
    int rc = qmp_alloc(&qmp, fd, take_ownership, timeout_ms);
    if (rc) {
        if (take_ownership) {
            close(fd);
        }
        return rc;
    }
    rc = handshake(qmp, now_ms() + qmp->timeout_ms);
    if (rc) {
        vmc_qmp_free(qmp);
        return rc;
    }
    *out = qmp;
    return 0;
}

int vmc_qmp_connect(vmc_qmp **out, const char *path, int timeout_ms)
{
    if (!out || !path) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_qmp_connect: invalid argument");
    }
    *out = NULL;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "QMP socket path too long (max %zu bytes): %s",
                             sizeof(sa.sun_path) - 1, path);
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    timeout_ms = effective_timeout(timeout_ms);
    int64_t deadline = now_ms() + timeout_ms;
    int fd = -1;
    for (;;) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "QMP: socket: %s", strerror(errno));
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            break;
        }
        int e = errno;
        close(fd);
        bool retry = e == ENOENT || e == ECONNREFUSED || e == EAGAIN || e == EINTR;
        if (!retry) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "QMP: cannot connect to %s: %s", path,
                                 strerror(e));
        }
        if (remaining_ms(deadline) == 0) {
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                 "QMP: cannot connect to %s within %d ms: %s", path, timeout_ms,
                                 strerror(e));
        }
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    vmc_qmp *qmp = NULL;
    int rc = qmp_alloc(&qmp, fd, 1, timeout_ms);
    if (rc) {
        close(fd);
        return rc;
    }
    rc = handshake(qmp, deadline);
    if (rc) {
        vmc_qmp_free(qmp);
        return rc;
    }
    *out = qmp;
    return 0;
}

void vmc_qmp_free(vmc_qmp *qmp)
{
    if (!qmp) {
        return;
    }
    if (qmp->own_fd && qmp->fd >= 0) {
        close(qmp->fd);
    }
    vmc_qmp_clear_events(qmp);
    free(qmp->events);
    json_object_put(qmp->greeting);
    json_tokener_free(qmp->tok);
    free(qmp);
}

void vmc_qmp_set_timeout(vmc_qmp *qmp, int timeout_ms)
{
    qmp->timeout_ms = effective_timeout(timeout_ms);
}

json_object *vmc_qmp_greeting(const vmc_qmp *qmp)
{
    return qmp->greeting;
}

int vmc_qmp_fd(const vmc_qmp *qmp)
{
    return qmp->fd;
}

int vmc_qmp_closed(const vmc_qmp *qmp)
{
    return qmp->closed;
}

/* ---- commands ----------------------------------------------------------- */

static int error_code_for_class(const char *cls)
{
    if (strcmp(cls, "CommandNotFound") == 0) {
        return VMC_EUNSUPPORTED;
    }
    if (strcmp(cls, "DeviceNotFound") == 0) {
        return VMC_ENOTFOUND;
    }
    return VMC_EUSAGE;
}

static int handle_error_reply(vmc_qmp *qmp, const char *command, json_object *err)
{
    json_object *c = NULL, *d = NULL;
    const char *cls = "GenericError", *desc = "";
    if (json_object_object_get_ex(err, "class", &c) && json_object_is_type(c, json_type_string)) {
        cls = json_object_get_string(c);
    }
    if (json_object_object_get_ex(err, "desc", &d) && json_object_is_type(d, json_type_string)) {
        desc = json_object_get_string(d);
    }
    snprintf(qmp->err_class, sizeof(qmp->err_class), "%s", cls);
    snprintf(qmp->err_desc, sizeof(qmp->err_desc), "%s", desc);
    return vmc_error_set(error_code_for_class(cls), -1, NULL, NULL, "%s: %s: %s", command,
                         qmp->err_class, qmp->err_desc);
}

int vmc_qmp_execute(vmc_qmp *qmp, const char *command, json_object *args, json_object **ret)
{
    if (ret) {
        *ret = NULL;
    }
    if (!qmp || !command || !command[0]) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_qmp_execute: invalid argument");
    }
    if (args && !json_object_is_type(args, json_type_object)) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL,
                             "%s: QMP arguments must be a JSON object", command);
    }
    if (qmp->closed) {
        return vmc_error_set(VMC_EIO, -1, NULL, NULL,
                             "%s: QMP connection to QEMU is closed", command);
    }
    qmp->err_class[0] = '\0';
    qmp->err_desc[0] = '\0';

    char id[32];
    snprintf(id, sizeof(id), "vmc-%llu", (unsigned long long)++qmp->next_id);
    json_object *req = json_object_new_object();
    if (!req) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_object_object_add(req, "execute", json_object_new_string(command));
    if (args) {
        json_object_object_add(req, "arguments", json_object_get(args));
    }
    json_object_object_add(req, "id", json_object_new_string(id));
    size_t len;
    const char *text = json_object_to_json_string_length(req, JSON_C_TO_STRING_PLAIN, &len);
    int64_t deadline = now_ms() + qmp->timeout_ms;
    int rc = text ? write_all(qmp, text, len, deadline) : VMC_ENOMEM;
    if (rc == 0) {
        rc = write_all(qmp, "\n", 1, deadline);
    }
    json_object_put(req);
    if (rc) {
        return rc;
    }

    for (;;) {
        json_object *msg;
        rc = read_message(qmp, deadline, &msg);
        if (rc == MSG_TIMEOUT) {
            return vmc_error_set(VMC_ELIMIT, -1, NULL, NULL,
                                 "%s: no reply from QEMU within %d ms", command,
                                 qmp->timeout_ms);
        }
        if (rc < 0) {
            char saved[VMC_ERROR_TEXT_MAX];
            snprintf(saved, sizeof(saved), "%s", vmc_error_last()->message);
            return vmc_error_set(rc, -1, NULL, NULL, "%s: %s", command, saved);
        }
        if (event_name(msg)) {
            rc = queue_event(qmp, msg);
            if (rc) {
                return rc;
            }
            continue;
        }
        json_object *mid = NULL, *r = NULL, *e = NULL;
        bool has_id = json_object_object_get_ex(msg, "id", &mid);
        if (has_id && (!json_object_is_type(mid, json_type_string) ||
                       strcmp(json_object_get_string(mid), id) != 0)) {
            /* The late reply to a command that timed out earlier. */
            json_object_put(msg);
            continue;
        }
        if (json_object_object_get_ex(msg, "return", &r)) {
            if (ret) {
                *ret = json_object_get(r);
            }
            json_object_put(msg);
            return 0;
        }
        if (json_object_object_get_ex(msg, "error", &e)) {
            rc = handle_error_reply(qmp, command, e);
            json_object_put(msg);
            return rc;
        }
        json_object_put(msg);   /* unknown message kind: ignore it */
    }
}

int vmc_qmp_execute_json(vmc_qmp *qmp, const char *command, const char *args_json,
                         json_object **ret)
{
    if (ret) {
        *ret = NULL;
    }
    if (!args_json || !args_json[0]) {
        return vmc_qmp_execute(qmp, command, NULL, ret);
    }
    enum json_tokener_error jerr;
    json_object *args = json_tokener_parse_verbose(args_json, &jerr);
    if (!args) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "%s: invalid JSON arguments: %s",
                             command ? command : "?", json_tokener_error_desc(jerr));
    }
    int rc = vmc_qmp_execute(qmp, command, args, ret);
    json_object_put(args);
    return rc;
}

const char *vmc_qmp_error_class(const vmc_qmp *qmp)
{
    return qmp->err_class;
}

const char *vmc_qmp_error_desc(const vmc_qmp *qmp)
{
    return qmp->err_desc;
}

int vmc_qmp_hmp(vmc_qmp *qmp, const char *command_line, char **output)
{
    if (output) {
        *output = NULL;
    }
    if (!command_line) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_qmp_hmp: invalid argument");
    }
    json_object *args = json_object_new_object();
    if (!args) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    json_object_object_add(args, "command-line", json_object_new_string(command_line));
    json_object *r = NULL;
    int rc = vmc_qmp_execute(qmp, "human-monitor-command", args, &r);
    json_object_put(args);
    if (rc) {
        return rc;
    }
    if (output) {
        const char *s = json_object_is_type(r, json_type_string) ? json_object_get_string(r) : "";
        *output = strdup(s);
        if (!*output) {
            json_object_put(r);
            return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
        }
    }
    json_object_put(r);
    return 0;
}

/* ---- events ------------------------------------------------------------- */

/* Read messages until the deadline, queueing events.  Returns the number
 * queued, stopping early once an event named stop_at arrives (NULL: any
 * event; "" never stops early). */
static int pump(vmc_qmp *qmp, int64_t deadline, const char *stop_at, bool *stopped)
{
    int count = 0;
    *stopped = false;
    for (;;) {
        json_object *msg;
        int rc = read_message(qmp, deadline, &msg);
        if (rc == MSG_TIMEOUT) {
            return count;
        }
        if (rc < 0) {
            return rc;
        }
        const char *n = event_name(msg);
        if (!n) {
            json_object_put(msg);   /* a stale reply */
            continue;
        }
        bool match = !stop_at || strcmp(stop_at, n) == 0;
        rc = queue_event(qmp, msg);
        if (rc) {
            return rc;
        }
        count++;
        if (match) {
            *stopped = true;
            return count;
        }
    }
}

int vmc_qmp_wait_event(vmc_qmp *qmp, const char *name, int timeout_ms, json_object **event)
{
    if (event) {
        *event = NULL;
    }
    if (!qmp) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_qmp_wait_event: invalid argument");
    }
    int64_t deadline = now_ms() + (timeout_ms < 0 ? qmp->timeout_ms : timeout_ms);
    for (;;) {
        json_object *ev = take_event(qmp, name);
        if (ev) {
            if (event) {
                *event = ev;
            } else {
                json_object_put(ev);
            }
            return 0;
        }
        if (qmp->closed) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL,
                                 "QMP: connection closed before event %s arrived",
                                 name ? name : "(any)");
        }
        bool stopped;
        int rc = pump(qmp, deadline, name, &stopped);
        if (rc < 0) {
            json_object *late = take_event(qmp, name);
            if (late) {
                if (event) {
                    *event = late;
                } else {
                    json_object_put(late);
                }
                return 0;
            }
            return rc;
        }
        if (!stopped) {
            return vmc_error_set(VMC_ENOTFOUND, -1, NULL, NULL,
                                 "QMP: no event %s within %d ms", name ? name : "(any)",
                                 timeout_ms < 0 ? qmp->timeout_ms : timeout_ms);
        }
    }
}

int vmc_qmp_poll(vmc_qmp *qmp, int timeout_ms)
{
    if (!qmp) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_qmp_poll: invalid argument");
    }
    bool stopped;
    return pump(qmp, now_ms() + (timeout_ms > 0 ? timeout_ms : 0), "", &stopped);
}

size_t vmc_qmp_event_count(const vmc_qmp *qmp)
{
    return qmp->nevents;
}

json_object *vmc_qmp_event_at(const vmc_qmp *qmp, size_t index)
{
    return index < qmp->nevents ? qmp->events[index] : NULL;
}

size_t vmc_qmp_events_dropped(const vmc_qmp *qmp)
{
    return qmp->events_dropped;
}

void vmc_qmp_clear_events(vmc_qmp *qmp)
{
    for (size_t i = 0; i < qmp->nevents; i++) {
        json_object_put(qmp->events[i]);
    }
    qmp->nevents = 0;
}
