/*
 * Buffered byte source: file, pipe, socket, stdin or memory.
 *
 * The buffer is a sliding window [pos, end) over the input; base is the
 * absolute offset of buf[0].  Callers peek at the window without copying and
 * consume what they used.  After vmc_source_slurp() the window is the whole
 * rest of the input held in memory.
 */
#include "common/source_internal.h"
#include "common/error_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_BUFFER (1u << 20)
#define MAP_WINDOW (16u << 20)   /* must exceed VMC_SOURCE_MAX_PEEK + a page */

struct vmc_source {
    int fd;
    int own_fd;
    char *name;
    int64_t size;          /* -1 when unknown */

    uint8_t *buf;          /* owned buffer (fd mode, or slurped memory) */
    const uint8_t *data;   /* window base: buf, or external memory */
    size_t cap;            /* capacity of buf in fd mode */
    size_t pos, end;       /* window */
    int64_t base;          /* absolute offset of data[0] */
    bool memory;           /* no more input beyond data[end] */
    bool eof;              /* fd reached end of input */
    /* Regular files are read through a sliding read-only mapping: page data
     * that nobody looks at is never copied, and unmapping the windows left
     * behind keeps the resident set small whatever the file size. */
    bool mapped;
    uint8_t *map;          /* current window */
    size_t map_len;
};

static int src_alloc(vmc_source **out, const char *name)
{
    vmc_source *s = calloc(1, sizeof(*s));
    if (!s) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    s->fd = -1;
    s->size = -1;
    s->name = strdup(name ? name : "<input>");
    if (!s->name) {
        free(s);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    *out = s;
    return 0;
}

int vmc_source_open_fd(vmc_source **out, int fd, int take_ownership, const char *name)
{
    vmc_source *s;
    int rc = src_alloc(&s, name);
    if (rc) {
        return rc;
    }
    s->fd = fd;
    s->own_fd = take_ownership;
    s->cap = DEFAULT_BUFFER;
    s->buf = malloc(s->cap);
    if (!s->buf) {
        vmc_source_free(s);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    s->data = s->buf;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        s->size = st.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
        off_t here = lseek(fd, 0, SEEK_CUR);
        if (here == 0 && !getenv("VMC_NO_MMAP")) {
            s->mapped = true;
            s->data = NULL;
            s->end = 0;
        }
    }
    *out = s;
    return 0;
}

int vmc_source_open_path(vmc_source **out, const char *path)
{
    if (!path) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "no input path given");
    }
    if (strcmp(path, "-") == 0) {
        return vmc_source_open_fd(out, 0, 0, "<stdin>");
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return vmc_error_set(errno == ENOENT ? VMC_ENOTFOUND : VMC_EIO, -1, NULL, NULL,
                             "cannot open '%s': %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "'%s' is a directory", path);
    }
    int rc = vmc_source_open_fd(out, fd, 1, path);
    if (rc) {
        close(fd);
    }
    return rc;
}

int vmc_source_open_memory(vmc_source **out, const void *data, size_t len, const char *name)
{
    vmc_source *s;
    int rc = src_alloc(&s, name ? name : "<memory>");
    if (rc) {
        return rc;
    }
    s->data = data;
    s->end = len;
    s->size = (int64_t)len;
    s->memory = true;
    s->eof = true;
    *out = s;
    return 0;
}

void vmc_source_free(vmc_source *s)
{
    if (!s) {
        return;
    }
    if (s->own_fd && s->fd >= 0) {
        close(s->fd);
    }
    if (s->map) {
        munmap(s->map, s->map_len);
    }
    free(s->buf);
    free(s->name);
    free(s);
}

/* Map a new window starting at the page that holds the next byte. */
static int remap(vmc_source *s)
{
    int64_t abs = s->base + (int64_t)s->pos;
    long pagesz = sysconf(_SC_PAGESIZE);
    int64_t start = abs - (abs % pagesz);
    if (s->map) {
        munmap(s->map, s->map_len);
        s->map = NULL;
        s->map_len = 0;
    }
    struct stat st;
    if (fstat(s->fd, &st) == 0 && st.st_size > s->size) {
        s->size = st.st_size;   /* the file grew */
    }
    if (start >= s->size) {
        s->base = abs;
        s->data = NULL;
        s->pos = s->end = 0;
        s->eof = true;
        return 0;
    }
    size_t len = MAP_WINDOW;
    if ((int64_t)len > s->size - start) {
        len = (size_t)(s->size - start);
    }
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, s->fd, (off_t)start);
    if (m == MAP_FAILED) {
        return vmc_error_set(VMC_EIO, abs, NULL, NULL, "cannot map %s: %s", s->name,
                             strerror(errno));
    }
    madvise(m, len, MADV_SEQUENTIAL);
    s->map = m;
    s->map_len = len;
    s->data = m;
    s->base = start;
    s->pos = (size_t)(abs - start);
    s->end = len;
    s->eof = start + (int64_t)len >= s->size;
    return 0;
}

const char *vmc_source_name(const vmc_source *s)
{
    return s->name;
}

int64_t vmc_source_size(const vmc_source *s)
{
    return s->size;
}

int64_t vmc_source_tell(const vmc_source *s)
{
    return s->base + (int64_t)s->pos;
}

bool vmc_source_is_memory(const vmc_source *s)
{
    return s->memory;
}

/* Read more input into the window so that at least want bytes are available. */
static int fill(vmc_source *s, size_t want)
{
    if (s->mapped) {
        if (s->eof && s->end - s->pos < want) {
            /* at the end of the window that reaches EOF: maybe the file grew */
            struct stat st;
            if (fstat(s->fd, &st) != 0 || st.st_size <= s->base + (int64_t)s->end) {
                return 0;
            }
        }
        return remap(s);
    }
    if (s->memory || s->eof) {
        return 0;
    }
    if (s->pos > 0 && s->cap - s->pos < want) {
        size_t keep = s->end - s->pos;
        memmove(s->buf, s->buf + s->pos, keep);
        s->base += (int64_t)s->pos;
        s->pos = 0;
        s->end = keep;
    }
    while (s->end - s->pos < want && s->end < s->cap) {
        ssize_t n = read(s->fd, s->buf + s->end, s->cap - s->end);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return vmc_error_set(VMC_EIO, vmc_source_tell(s), NULL, NULL,
                                 "read error on %s: %s", s->name, strerror(errno));
        }
        if (n == 0) {
            s->eof = true;
            break;
        }
        s->end += (size_t)n;
    }
    return 0;
}

int64_t vmc_source_peek(vmc_source *s, size_t n, const uint8_t **p)
{
    if (s->end - s->pos < n) {
        if (!s->memory && n > (s->mapped ? (size_t)VMC_SOURCE_MAX_PEEK : s->cap)) {
            return vmc_error_set(VMC_EUSAGE, vmc_source_tell(s), NULL, NULL,
                                 "internal: peek of %zu bytes exceeds the buffer", n);
        }
        int rc = fill(s, n);
        if (rc) {
            return rc;
        }
    }
    *p = s->data ? s->data + s->pos : (const uint8_t *)"";
    size_t avail = s->end - s->pos;
    return (int64_t)(avail < n ? avail : n);
}

void vmc_source_consume(vmc_source *s, size_t n)
{
    if (n > s->end - s->pos) {
        n = s->end - s->pos;
    }
    s->pos += n;
}

static int truncated(vmc_source *s, const char *what, uint64_t need, uint64_t got)
{
    return vmc_error_set(VMC_ETRUNC, vmc_source_tell(s), NULL, what,
                         "stream ends early: reading %s needs %llu bytes, only %llu left",
                         what ? what : "data", (unsigned long long)need,
                         (unsigned long long)got);
}

int vmc_source_read(vmc_source *s, void *dst, size_t n, const char *what)
{
    uint8_t *out = dst;
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done;
        size_t lim = s->mapped ? (size_t)VMC_SOURCE_MAX_PEEK : s->cap;
        if (!s->memory && chunk > lim) {
            chunk = lim;
        }
        const uint8_t *p = NULL;
        int64_t got = vmc_source_peek(s, chunk, &p);
        if (got < 0) {
            return (int)got;
        }
        if (got == 0) {
            return truncated(s, what, n, done);
        }
        memcpy(out + done, p, (size_t)got);
        vmc_source_consume(s, (size_t)got);
        done += (size_t)got;
        if ((size_t)got < chunk) {
            return truncated(s, what, n, done);
        }
    }
    return 0;
}

int vmc_source_skip(vmc_source *s, uint64_t n, const char *what)
{
    uint64_t left = n;
    if (s->mapped) {
        int64_t target = vmc_source_tell(s) + (int64_t)n;
        if (target <= s->base + (int64_t)s->end) {
            s->pos = (size_t)(target - s->base);
            return 0;
        }
        if (target > s->size) {
            struct stat st;
            if (fstat(s->fd, &st) == 0) {
                s->size = st.st_size;
            }
        }
        if (target > s->size) {
            uint64_t have = (uint64_t)(s->size - vmc_source_tell(s));
            s->base = s->size;
            s->pos = s->end = 0;
            s->data = NULL;
            return truncated(s, what, n, have);
        }
        /* jump: the next peek maps a window there */
        if (s->map) {
            munmap(s->map, s->map_len);
            s->map = NULL;
            s->map_len = 0;
        }
        s->data = NULL;
        s->base = target;
        s->pos = s->end = 0;
        s->eof = false;
        return 0;
    }
    while (left > 0) {
        size_t avail = s->end - s->pos;
        if (avail >= left) {
            s->pos += (size_t)left;
            return 0;
        }
        left -= avail;
        s->pos = s->end;
        if (s->memory || s->eof) {
            return truncated(s, what, n, n - left);
        }
        /* Large skips on regular files: seek instead of reading. */
        if (s->size >= 0 && left > s->cap) {
            int64_t here = vmc_source_tell(s);
            uint64_t jump = left - (left % 4096);
            if (here + (int64_t)jump > s->size) {
                jump = (uint64_t)(s->size - here);
            }
            if (jump > 0 && lseek(s->fd, (off_t)jump, SEEK_CUR) >= 0) {
                s->base = here + (int64_t)jump;
                s->pos = s->end = 0;
                left -= jump;
                continue;
            }
        }
        int rc = fill(s, left < s->cap ? (size_t)left : s->cap);
        if (rc) {
            return rc;
        }
        if (s->end == s->pos) {
            return truncated(s, what, n, n - left);
        }
    }
    return 0;
}

int vmc_source_get_u8(vmc_source *s, uint8_t *v, const char *what)
{
    const uint8_t *p = NULL;
    int64_t got = vmc_source_peek(s, 1, &p);
    if (got < 0) {
        return (int)got;
    }
    if (got < 1) {
        return truncated(s, what, 1, 0);
    }
    *v = p[0];
    s->pos += 1;
    return 0;
}

#define GET_BE(bits, conv)                                                    \
    int vmc_source_get_be##bits(vmc_source *s, uint##bits##_t *v, const char *what) \
    {                                                                         \
        const uint8_t *p = NULL;                                                    \
        int64_t got = vmc_source_peek(s, bits / 8, &p);                       \
        if (got < 0) {                                                        \
            return (int)got;                                                  \
        }                                                                     \
        if (got < bits / 8) {                                                 \
            return truncated(s, what, bits / 8, (uint64_t)got);               \
        }                                                                     \
        *v = conv(p);                                                         \
        s->pos += bits / 8;                                                   \
        return 0;                                                             \
    }
GET_BE(16, vmc_be16)
GET_BE(32, vmc_be32)
GET_BE(64, vmc_be64)

bool vmc_source_at_end(vmc_source *s)
{
    const uint8_t *p = NULL;
    return vmc_source_peek(s, 1, &p) == 0;
}

static int slurp_fail(vmc_source *s, uint8_t *mem, int code, int64_t off, const char *msg,
                      uint64_t max)
{
    free(mem);
    if (code == VMC_ELIMIT) {
        return vmc_error_set(code, off, NULL, NULL,
                             "more than %llu bytes of device state (raise the limit with "
                             "--max-state)", (unsigned long long)max);
    }
    return vmc_error_set(code, off, NULL, NULL, "%s on %s: %s", msg, s->name, strerror(errno));
}

/* Switch to serving the bytes mem[0..used) that start at absolute offset `at`. */
static void become_memory(vmc_source *s, uint8_t *mem, size_t used, int64_t at)
{
    if (s->map) {
        munmap(s->map, s->map_len);
        s->map = NULL;
        s->map_len = 0;
    }
    free(s->buf);
    s->buf = mem;
    s->data = mem;
    s->base = at;
    s->pos = 0;
    s->end = used;
    s->memory = true;
    s->mapped = false;
    s->eof = true;
    if (s->size < at + (int64_t)used) {
        s->size = at + (int64_t)used;
    }
}

int vmc_source_slurp(vmc_source *s, uint64_t max, const uint8_t **data, size_t *len)
{
    if (!s->memory) {
        int64_t at = vmc_source_tell(s);
        if (s->mapped) {
            struct stat st;
            if (fstat(s->fd, &st) == 0 && st.st_size > s->size) {
                s->size = st.st_size;
            }
            int64_t rest = s->size - at;
            if (rest < 0) {
                rest = 0;
            }
            if ((uint64_t)rest > max) {
                return vmc_error_set(VMC_ELIMIT, at, NULL, NULL,
                                     "%lld bytes of device state follow; the limit is %llu "
                                     "(raise it with --max-state)",
                                     (long long)rest, (unsigned long long)max);
            }
            uint8_t *mem = malloc(rest ? (size_t)rest : 1);
            if (!mem) {
                return vmc_error_set(VMC_ENOMEM, at, NULL, NULL, "out of memory");
            }
            size_t used = 0;
            while (used < (size_t)rest) {
                ssize_t r = pread(s->fd, mem + used, (size_t)rest - used, (off_t)(at + (int64_t)used));
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                if (r < 0) {
                    return slurp_fail(s, mem, VMC_EIO, at + (int64_t)used, "read error", max);
                }
                if (r == 0) {
                    break;
                }
                used += (size_t)r;
            }
            become_memory(s, mem, used, at);
        } else {
            size_t have = s->end - s->pos;
            size_t cap = have + DEFAULT_BUFFER;
            uint8_t *mem = malloc(cap);
            if (!mem) {
                return vmc_error_set(VMC_ENOMEM, at, NULL, NULL, "out of memory");
            }
            memcpy(mem, s->data + s->pos, have);
            size_t used = have;
            while (!s->eof) {
                if (used == cap) {
                    if (cap > max) {
                        return slurp_fail(s, mem, VMC_ELIMIT, at + (int64_t)used, NULL, max);
                    }
                    uint8_t *n = realloc(mem, cap * 2);
                    if (!n) {
                        free(mem);
                        return vmc_error_set(VMC_ENOMEM, at, NULL, NULL, "out of memory");
                    }
                    mem = n;
                    cap *= 2;
                }
                ssize_t r = read(s->fd, mem + used, cap - used);
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                if (r < 0) {
                    return slurp_fail(s, mem, VMC_EIO, at + (int64_t)used, "read error", max);
                }
                if (r == 0) {
                    break;
                }
                used += (size_t)r;
            }
            if (used > max) {
                return slurp_fail(s, mem, VMC_ELIMIT, at, NULL, max);
            }
            become_memory(s, mem, used, at);
        }
    }
    *data = s->data + s->pos;
    *len = s->end - s->pos;
    return 0;
}

const uint8_t *vmc_source_memory_at(const vmc_source *s, int64_t offset, size_t *avail)
{
    if (!s->memory || offset < s->base || offset > s->base + (int64_t)s->end) {
        return NULL;
    }
    size_t idx = (size_t)(offset - s->base);
    if (avail) {
        *avail = s->end - idx;
    }
    return s->data + idx;
}
