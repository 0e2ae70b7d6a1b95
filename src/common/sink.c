/*
 * Buffered byte sink.  Path sinks write "<dir>/.<name>.XXXXXX" and rename it
 * over the target on commit, so readers never see a partial file.
 */
#include "common/error_internal.h"
#include "vmcompat/source.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SINK_BUFFER (1u << 20)

struct vmc_sink {
    int fd;
    int own_fd;
    char *name;
    char *tmp_path;   /* path sinks: temporary file to rename */
    char *final_path;
    uint8_t *buf;
    size_t len, cap;
    bool memory;
    bool failed;
    int64_t written;  /* bytes passed to write() (fd) */
};

static int sink_alloc(vmc_sink **out, const char *name, bool memory)
{
    vmc_sink *s = calloc(1, sizeof(*s));
    if (!s) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    s->fd = -1;
    s->memory = memory;
    s->name = strdup(name);
    s->cap = memory ? 4096 : SINK_BUFFER;
    s->buf = malloc(s->cap);
    if (!s->name || !s->buf) {
        free(s->name);
        free(s->buf);
        free(s);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    *out = s;
    return 0;
}

int vmc_sink_open_fd(vmc_sink **out, int fd, int take_ownership, const char *name)
{
    vmc_sink *s;
    int rc = sink_alloc(&s, name ? name : "<output>", false);
    if (rc) {
        return rc;
    }
    s->fd = fd;
    s->own_fd = take_ownership;
    *out = s;
    return 0;
}

int vmc_sink_open_memory(vmc_sink **out)
{
    return sink_alloc(out, "<memory>", true);
}

int vmc_sink_open_path(vmc_sink **out, const char *path)
{
    if (strcmp(path, "-") == 0) {
        return vmc_sink_open_fd(out, 1, 0, "<stdout>");
    }
    char *dcopy = strdup(path), *bcopy = strdup(path);
    if (!dcopy || !bcopy) {
        free(dcopy);
        free(bcopy);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    const char *dir = dirname(dcopy);
    const char *base = basename(bcopy);
    size_t tlen = strlen(dir) + strlen(base) + 16;
    char *tmp = malloc(tlen);
    if (!tmp) {
        free(dcopy);
        free(bcopy);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    snprintf(tmp, tlen, "%s/.%s.XXXXXX", dir, base);
    free(dcopy);
    free(bcopy);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot create output for '%s': %s",
                             path, strerror(e));
    }
    vmc_sink *s;
    int rc = vmc_sink_open_fd(&s, fd, 1, path);
    if (rc) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    s->tmp_path = tmp;
    s->final_path = strdup(path);
    *out = s;
    return 0;
}

static int sink_flush(vmc_sink *s)
{
    if (s->memory || s->failed) {
        return s->failed ? VMC_EIO : 0;
    }
    size_t off = 0;
    while (off < s->len) {
        ssize_t n = write(s->fd, s->buf + off, s->len - off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            s->failed = true;
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "write error on %s: %s", s->name,
                                 strerror(errno));
        }
        off += (size_t)n;
    }
    s->written += (int64_t)s->len;
    s->len = 0;
    return 0;
}

int vmc_sink_write(vmc_sink *s, const void *data, size_t len)
{
    if (s->failed) {
        return VMC_EIO;
    }
    if (s->memory) {
        if (s->cap - s->len < len) {
            size_t ncap = s->cap;
            while (ncap - s->len < len) {
                if (ncap > SIZE_MAX / 2) {
                    return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
                }
                ncap *= 2;
            }
            uint8_t *n = realloc(s->buf, ncap);
            if (!n) {
                return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            }
            s->buf = n;
            s->cap = ncap;
        }
        memcpy(s->buf + s->len, data, len);
        s->len += len;
        return 0;
    }
    if (len >= s->cap) {
        int rc = sink_flush(s);
        if (rc) {
            return rc;
        }
        const uint8_t *p = data;
        size_t off = 0;
        while (off < len) {
            ssize_t n = write(s->fd, p + off, len - off);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                s->failed = true;
                return vmc_error_set(VMC_EIO, -1, NULL, NULL, "write error on %s: %s",
                                     s->name, strerror(errno));
            }
            off += (size_t)n;
        }
        s->written += (int64_t)len;
        return 0;
    }
    if (s->cap - s->len < len) {
        int rc = sink_flush(s);
        if (rc) {
            return rc;
        }
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return 0;
}

int vmc_sink_put_u8(vmc_sink *s, uint8_t v)
{
    return vmc_sink_write(s, &v, 1);
}

int vmc_sink_put_be16(vmc_sink *s, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    return vmc_sink_write(s, b, 2);
}

int vmc_sink_put_be32(vmc_sink *s, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    return vmc_sink_write(s, b, 4);
}

int vmc_sink_put_be64(vmc_sink *s, uint64_t v)
{
    int rc = vmc_sink_put_be32(s, (uint32_t)(v >> 32));
    return rc ? rc : vmc_sink_put_be32(s, (uint32_t)v);
}

int64_t vmc_sink_tell(const vmc_sink *s)
{
    return s->written + (int64_t)s->len;
}

const uint8_t *vmc_sink_memory(const vmc_sink *s, size_t *len)
{
    if (!s->memory) {
        *len = 0;
        return NULL;
    }
    *len = s->len;
    return s->buf;
}

int vmc_sink_commit(vmc_sink *s)
{
    int rc = sink_flush(s);
    if (rc) {
        return rc;
    }
    if (s->tmp_path) {
        if (fsync(s->fd) != 0 && errno != EINVAL) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "fsync of %s failed: %s", s->name,
                                 strerror(errno));
        }
        /* mkostemp creates 0600; outputs get the usual umask-derived mode. */
        mode_t um = umask(0);
        umask(um);
        fchmod(s->fd, 0666 & ~um);
        if (rename(s->tmp_path, s->final_path) != 0) {
            return vmc_error_set(VMC_EIO, -1, NULL, NULL, "cannot rename output into %s: %s",
                                 s->final_path, strerror(errno));
        }
        free(s->tmp_path);
        s->tmp_path = NULL;
    }
    return 0;
}

void vmc_sink_free(vmc_sink *s)
{
    if (!s) {
        return;
    }
    if (!s->memory && !s->tmp_path) {
        sink_flush(s);
    }
    if (s->own_fd && s->fd >= 0) {
        close(s->fd);
    }
    if (s->tmp_path) {
        unlink(s->tmp_path);
        free(s->tmp_path);
    }
    free(s->final_path);
    free(s->buf);
    free(s->name);
    free(s);
}
