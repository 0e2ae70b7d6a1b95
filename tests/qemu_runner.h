/*
 * Run the real QEMU for tests and benches.
 *
 * qr_start() starts qemu-system-x86_64 ($VMC_QEMU, else the first one in
 * PATH) with the caller's arguments plus
 *   -accel tcg -display none -nodefaults -no-user-config -S
 *   -qmp unix:<tmpdir>/qmp.sock,server=on,wait=off
 * (the corpus' command line, shared/corpus/README.md), in a private temporary
 * directory, and connects the QMP client (include/vmcompat/qmp.h).  QEMU's
 * stdout and stderr go to files in that directory.  QEMU gets SIGKILL when
 * the process that started it dies, and instances still alive at exit() are
 * killed and their directories removed, so a failing test leaves nothing
 * behind.
 *
 * Every wait has a hard timeout (qr_config.timeout_ms, default 60 s per
 * step).  Functions return 0 or a negative VMC_E* code with the detail in
 * vmc_error_last(), like the library.  Nothing here calls cmocka, so benches
 * can use it too.
 */
#ifndef VMC_QEMU_RUNNER_H
#define VMC_QEMU_RUNNER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmcompat/qmp.h"

struct json_object;
typedef struct qr_qemu qr_qemu;

#define QR_DEFAULT_TIMEOUT_MS 60000

typedef struct qr_config {
    const char *machine;        /* -M value, e.g. "pc-q35-7.2"; NULL: no -M */
    const char *const *args;    /* further argv tokens, NULL-terminated; may be NULL */
    int incoming;               /* add -incoming defer (destination side) */
    int trace_sections;         /* trace qemu_loadvm_state_section_startfull to a file */
    int timeout_ms;             /* hard timeout of each step; 0: QR_DEFAULT_TIMEOUT_MS */
    int defaults;               /* no -nodefaults: QEMU's default devices */
} qr_config;

/* One QEMU_VM_SECTION_START/FULL header QEMU read, as in the corpus' qemu_sections. */
typedef struct qr_section {
    unsigned section_id;
    char idstr[256];
    unsigned instance_id;
    unsigned version_id;
} qr_section;

/* Outcome of loading a stream into a destination (qr_load_file). */
typedef struct qr_load_result {
    int ok;                     /* the destination reached migration status "completed" */
    int exited;                 /* QEMU exited by itself during the load */
    int exit_status;            /* its exit code when exited (-signal when killed by one) */
    char status[32];            /* last migration status seen ("completed", "failed", ...) */
    char runstate[32];          /* run state after a successful load ("prelaunch", ...) */
    char **stderr_lines;        /* all of QEMU's stderr lines */
    size_t n_stderr;
    char **error_lines;         /* stderr minus "<prog>: " prefixes, without warning: lines */
    size_t n_error;
    qr_section *sections;       /* sections QEMU started to load (when traced) */
    size_t n_sections;
} qr_load_result;

/* Path of the QEMU binary: $VMC_QEMU, else qemu-system-x86_64 in PATH; NULL if none. */
const char *qr_qemu_binary(void);

/* Start QEMU (paused, -S) and connect QMP.  *out is owned by the caller: qr_free(). */
int qr_start(qr_qemu **out, const qr_config *cfg);

/* The QMP connection (owned by q). */
vmc_qmp *qr_qmp(qr_qemu *q);

/* The private temporary directory (removed by qr_free) and QEMU's pid. */
const char *qr_tmpdir(const qr_qemu *q);
pid_t qr_pid(const qr_qemu *q);

/* Execute a QMP command with JSON-text arguments; *ret as vmc_qmp_execute. */
int qr_qmp_json(qr_qemu *q, const char *command, const char *args_json,
                struct json_object **ret);

/* cont, let the guest run ms milliseconds, stop. */
int qr_run_ms(qr_qemu *q, int ms);

/*
 * Migrate to file: migrate-set-parameters max-bandwidth 64 GiB/s (as the
 * corpus), migrate {"uri": "exec:cat > FILE"}, poll query-migrate until
 * "completed" (returns 0) or "failed"/"cancelled" (VMC_EIO with QEMU's
 * error-desc), then wait until the file is complete.  *info (may be NULL)
 * receives the final query-migrate reply (new reference).
 */
int qr_migrate_to_file(qr_qemu *q, const char *file, struct json_object **info);

/*
 * The stream of a freshly started (-S) QEMU -M machine with args: start,
 * migrate to a file, read it, quit.  Returns the bytes (free()) and *len,
 * or NULL with the error in vmc_error_last().
 */
uint8_t *qr_fresh_stream(const char *machine, const char *const *args, size_t *len);

/* What QEMU said about a stream it was asked to load (mutation tests). */
typedef struct qr_verdict {
    int ok;                     /* 1 loaded, 0 refused, -1 could not run */
    int bad_off;                /* i= of "Bad config data: i=0x..", -1 if none */
    int read, device_byte, cmask, wmask, w1cmask;   /* the rest of that line */
    char device[96];            /* the device of "... of device '...'" */
    char features[200];         /* a "Features ..." line (virtio) */
    char line[200];             /* the first error line */
} qr_verdict;

/*
 * Load data (len bytes) with patch_len bytes at off replaced by patch into
 * a QEMU started with cfg (through a temporary file) and parse its verdict.
 * idx makes the temporary name unique among forked workers.
 */
void qr_load_patched(const qr_config *cfg, const uint8_t *data, size_t len, size_t off,
                     const uint8_t *patch, size_t patch_len, int idx, qr_verdict *out);

/*
 * Poll query-migrate until its status is one of the terminal states,
 * copying it into status (size len).  Returns VMC_EIO if QEMU went away.
 */
int qr_wait_migration(qr_qemu *q, char *status, size_t len);

/* Ask QEMU to quit (QMP quit), wait for it, SIGKILL it after the timeout.
 * Returns its exit status (>= 0) or a negative code. */
int qr_stop(qr_qemu *q);

/* Wait up to timeout_ms for QEMU to exit by itself; 1 if it exited, 0 if not. */
int qr_wait_exit(qr_qemu *q, int timeout_ms, int *exit_status);

/* QEMU's stderr so far, split in lines; free with qr_free_lines. */
char **qr_stderr_lines(qr_qemu *q, size_t *n);
void qr_free_lines(char **lines, size_t n);

/* Sections in QEMU's trace so far (cfg.trace_sections); malloc'd array. */
qr_section *qr_trace_sections(qr_qemu *q, size_t *n);

/* Kill QEMU if still alive and remove the temporary directory (NULL allowed). */
void qr_free(qr_qemu *q);

/*
 * Start a destination with cfg plus -incoming defer (cfg->incoming is
 * implied), migrate-incoming {"uri": "exec:cat FILE"}, wait until the load
 * completed or failed (QEMU 7.2 exits after a failed load) and fill *res.
 * Returns 0 when a verdict was obtained (res->ok tells which), negative
 * when QEMU could not be run or a timeout expired.  Free with
 * qr_load_result_free (also after a failure).
 */
int qr_load_file(const qr_config *cfg, const char *file, qr_load_result *res);
void qr_load_result_free(qr_load_result *res);

#endif
