/* Device-state capture over QMP; see include/vmcompat/capture.h. */
#include "vmcompat/capture.h"
#include "vmcompat/qmp.h"
#include "common/error_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The peer's command line, shell-quoted, program name dropped. */
static char *peer_cmdline(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.pid <= 0) {
        return NULL;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)cred.pid);
    gchar *raw = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, &raw, &n, NULL) || n == 0) {
        g_free(raw);
        return NULL;
    }
    GString *out = g_string_new(NULL);
    gsize i = 0;
    bool first = true;
    while (i < n) {
        const char *arg = raw + i;
        size_t l = strnlen(arg, n - i);
        if (!first) {
            gchar *q = g_shell_quote(arg);
            if (out->len) {
                g_string_append_c(out, ' ');
            }
            g_string_append(out, q);
            g_free(q);
        }
        first = false;
        i += l + 1;
    }
    g_free(raw);
    return g_string_free(out, FALSE);
}

int vmc_capture_device_state(const char *qmp_socket, const char *out_path, char **source_cmdline,
                             int timeout_ms)
{
    if (source_cmdline) {
        *source_cmdline = NULL;
    }
    vmc_qmp *q;
    int rc = vmc_qmp_connect(&q, qmp_socket, timeout_ms);
    if (rc) {
        return rc;
    }
    char *dir = g_path_get_dirname(out_path);
    char *base = g_path_get_basename(out_path);
    char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd = g_mkstemp(tmp);
    if (fd < 0) {
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot create a file in %s: %s", dir,
                           strerror(errno));
        goto out;
    }
    close(fd);
    if (source_cmdline) {
        *source_cmdline = peer_cmdline(vmc_qmp_fd(q));
    }
    json_object *args = json_object_new_object();
    json_object_object_add(args, "filename", json_object_new_string(tmp));
    json_object_object_add(args, "live", json_object_new_boolean(0));
    json_object *ret = NULL;
    rc = vmc_qmp_execute(q, "xen-save-devices-state", args, &ret);
    json_object_put(args);
    json_object_put(ret);
    if (rc) {
        unlink(tmp);
        goto out;
    }
    /* the file QEMU wrote must start like a stream */
    FILE *f = fopen(tmp, "rb");
    unsigned char hdr[8] = { 0 };
    size_t got = f ? fread(hdr, 1, 8, f) : 0;
    if (f) {
        fclose(f);
    }
    if (got != 8 || memcmp(hdr, "QEVM\0\0\0\3", 8) != 0) {
        unlink(tmp);
        rc = vmc_error_set(VMC_EFORMAT, 0, NULL, NULL,
                           "QEMU's device-state file %s does not start with a stream header", tmp);
        goto out;
    }
    if (chmod(tmp, 0644) != 0 || rename(tmp, out_path) != 0) {
        rc = vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot move the capture to %s: %s",
                           out_path, strerror(errno));
        unlink(tmp);
    }
out:
    if (rc && source_cmdline) {
        g_free(*source_cmdline);
        *source_cmdline = NULL;
    }
    g_free(tmp);
    g_free(dir);
    g_free(base);
    vmc_qmp_free(q);
    return rc;
}
