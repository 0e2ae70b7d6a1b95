/*
 * A small QMP (QEMU Machine Protocol) client.
 *
 * One vmc_qmp is one monitor connection: it reads the greeting, negotiates
 * capabilities (qmp_capabilities), runs one command at a time and keeps the
 * asynchronous events QEMU sends in between in a bounded queue.  Every read
 * and write waits at most the connection's timeout, so a QEMU that dies or
 * stops answering gives an error instead of a hang.
 *
 * Errors follow include/vmcompat/error.h: 0 on success, a negative VMC_E*
 * code on failure, with the detail in vmc_error_last():
 *   VMC_EIO          the connection failed or QEMU closed it (then every
 *                    further call fails with VMC_EIO as well)
 *   VMC_ELIMIT       a timeout expired, or a message exceeded the size limit
 *   VMC_EFORMAT      QEMU sent something that is not QMP
 *   VMC_EUSAGE       bad argument; also a QMP error reply of class
 *                    GenericError (QEMU refused the request)
 *   VMC_EUNSUPPORTED a QMP error reply of class CommandNotFound
 *   VMC_ENOTFOUND    a QMP error reply of class DeviceNotFound, or no event
 *   VMC_ENOMEM       out of memory
 * For a QMP error reply the message is "<command>: <class>: <desc>" and
 * vmc_qmp_error_class() / vmc_qmp_error_desc() give the two parts.
 *
 * Ownership: json_object arguments are borrowed (the caller keeps its
 * reference); json_object results are new references the caller must
 * json_object_put(); strings returned through char ** are malloc'd and the
 * caller frees them; const results stay valid until the next call on the
 * same vmc_qmp.  A vmc_qmp is not thread-safe.
 */
#ifndef VMCOMPAT_QMP_H
#define VMCOMPAT_QMP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;
typedef struct vmc_qmp vmc_qmp;

/* Default timeout in ms (connect and every command) when 0 is given. */
#define VMC_QMP_DEFAULT_TIMEOUT_MS 30000

/* At most this many events are queued; older ones are dropped first. */
#define VMC_QMP_MAX_EVENTS 4096

/* A single QMP message may be at most this large. */
#define VMC_QMP_MAX_MESSAGE (64u << 20)

/*
 * Connect to the unix socket at path, read the greeting and negotiate
 * capabilities.  Connecting is retried while the socket does not exist or
 * refuses connections (QEMU still starting), for at most timeout_ms in total
 * (0: VMC_QMP_DEFAULT_TIMEOUT_MS).  timeout_ms also becomes the timeout of
 * every later command (see vmc_qmp_set_timeout).  *out is owned by the
 * caller: vmc_qmp_free().
 */
int vmc_qmp_connect(vmc_qmp **out, const char *path, int timeout_ms);

/*
 * Same over an already connected stream fd (unix or TCP socket, pipe pair
 * not supported).  The fd is closed by vmc_qmp_free only when
 * take_ownership is non-zero; on failure it is closed only when owned.
 */
int vmc_qmp_connect_fd(vmc_qmp **out, int fd, int take_ownership, int timeout_ms);

/* Close the connection and free everything (NULL is allowed). */
void vmc_qmp_free(vmc_qmp *qmp);

/* Change the timeout of later reads and writes (0: the default). */
void vmc_qmp_set_timeout(vmc_qmp *qmp, int timeout_ms);

/* The greeting's "QMP" object ({"version": ..., "capabilities": [...]}), borrowed. */
struct json_object *vmc_qmp_greeting(const vmc_qmp *qmp);

/* The underlying fd (e.g. to poll it); it stays owned as set at connect time. */
int vmc_qmp_fd(const vmc_qmp *qmp);

/* Non-zero once the connection failed or QEMU closed it. */
int vmc_qmp_closed(const vmc_qmp *qmp);

/*
 * Execute command with args (a JSON object or NULL; borrowed) and wait for
 * its reply.  On success *ret (if ret is not NULL) receives the "return"
 * value as a new reference.  On a QMP error reply returns a negative code
 * as listed above and *ret is NULL.  Events that arrive meanwhile are
 * queued.
 */
int vmc_qmp_execute(vmc_qmp *qmp, const char *command, struct json_object *args,
                    struct json_object **ret);

/* Same with the arguments given as JSON text (NULL or "" for none). */
int vmc_qmp_execute_json(vmc_qmp *qmp, const char *command, const char *args_json,
                         struct json_object **ret);

/* Class and description of the last QMP error reply ("" if none); borrowed. */
const char *vmc_qmp_error_class(const vmc_qmp *qmp);
const char *vmc_qmp_error_desc(const vmc_qmp *qmp);

/*
 * Run an HMP command line through human-monitor-command.  *output (if not
 * NULL) receives its text output, malloc'd (possibly "").  HMP commands
 * report most failures only in that text, not as a QMP error.
 */
int vmc_qmp_hmp(vmc_qmp *qmp, const char *command_line, char **output);

/*
 * Wait for an event named name (NULL: any event).  The oldest queued match
 * is taken out of the queue first; otherwise input is read until one
 * arrives, for at most timeout_ms (0: return at once, negative: the
 * connection's timeout).  On success *event (if not NULL) receives the
 * whole event object ({"event", "data", "timestamp"}) as a new reference.
 * No match in time gives VMC_ENOTFOUND; a closed connection VMC_EIO (a
 * match already queued is still returned).
 */
int vmc_qmp_wait_event(vmc_qmp *qmp, const char *name, int timeout_ms,
                       struct json_object **event);

/*
 * Read whatever QEMU sent within timeout_ms (0: only what is already
 * there) and queue the events.  Returns the number of events queued by this
 * call, or a negative code.
 */
int vmc_qmp_poll(vmc_qmp *qmp, int timeout_ms);

/* The queued events, oldest first; index < count.  Borrowed. */
size_t vmc_qmp_event_count(const vmc_qmp *qmp);
struct json_object *vmc_qmp_event_at(const vmc_qmp *qmp, size_t index);

/* Number of events dropped because the queue was full. */
size_t vmc_qmp_events_dropped(const vmc_qmp *qmp);

/* Empty the event queue. */
void vmc_qmp_clear_events(vmc_qmp *qmp);

#ifdef __cplusplus
}
#endif
#endif
