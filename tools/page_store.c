/*
 * RAM contents for `inspect --memory` and `--extract`: one sparse file per
 * RAM block, so memory use stays flat whatever the guest size.  XBZRLE pages
 * need the previous contents of the page, which the file provides.
 *
 * With --extract the files are the output: they are written under hidden
 * temporary names and renamed into place only when the whole stream was
 * read.  Block names come from the stream, so they are confined to the
 * output directory: no "..", no absolute paths.
 */
#include "inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct ps_file {
    char *name;        /* RAMBlock idstr */
    char *final_path;  /* extract mode */
    char *tmp_path;    /* extract mode, until committed */
    int fd;
    uint64_t length;   /* 0 = unknown (not in the block list) */
} ps_file;

struct page_store {
    char *dir;         /* extract directory or NULL */
    GHashTable *files; /* name -> ps_file* */
    GPtrArray *order;  /* ps_file* in creation order */
};

static void file_free(gpointer p)
{
    ps_file *f = p;
    if (f->fd >= 0) {
        close(f->fd);
    }
    if (f->tmp_path) {
        unlink(f->tmp_path);
    }
    g_free(f->name);
    g_free(f->final_path);
    g_free(f->tmp_path);
    g_free(f);
}

int page_store_open(page_store **out, const char *extract_dir)
{
    page_store *ps = g_new0(page_store, 1);
    ps->dir = extract_dir ? g_strdup(extract_dir) : NULL;
    ps->files = g_hash_table_new(g_str_hash, g_str_equal);
    ps->order = g_ptr_array_new_with_free_func(file_free);
    if (ps->dir && g_mkdir_with_parents(ps->dir, 0777) != 0) {
        int e = errno;
        page_store_free(ps);
        fprintf(stderr, "vmcompat inspect: error: cannot create %s: %s\n", extract_dir,
                strerror(e));
        return VMC_EIO;
    }
    *out = ps;
    return 0;
}

void page_store_free(page_store *ps)
{
    if (!ps) {
        return;
    }
    g_hash_table_destroy(ps->files);
    g_ptr_array_free(ps->order, TRUE);
    g_free(ps->dir);
    g_free(ps);
}

/* A relative path below the extract directory for a block name, or NULL. */
static char *safe_relative_path(const char *name)
{
    while (*name == '/') {
        name++;
    }
    if (!*name) {
        return NULL;
    }
    gchar **parts = g_strsplit(name, "/", -1);
    GString *p = g_string_new(NULL);
    bool ok = true;
    for (int i = 0; parts[i]; i++) {
        if (!parts[i][0]) {
            continue;   /* "a//b" */
        }
        if (strcmp(parts[i], ".") == 0 || strcmp(parts[i], "..") == 0) {
            ok = false;
            break;
        }
        if (p->len) {
            g_string_append_c(p, '/');
        }
        g_string_append(p, parts[i]);
    }
    g_strfreev(parts);
    if (!ok || !p->len) {
        g_string_free(p, TRUE);
        return NULL;
    }
    return g_string_free(p, FALSE);
}

static ps_file *create(page_store *ps, const char *name, uint64_t length)
{
    ps_file *f = g_new0(ps_file, 1);
    f->name = g_strdup(name);
    f->fd = -1;
    f->length = length;
    if (ps->dir) {
        char *rel = safe_relative_path(name);
        if (!rel) {
            fprintf(stderr, "vmcompat inspect: error: RAM block name '%s' cannot be used as a "
                    "file name below %s\n", name, ps->dir);
            file_free(f);
            return NULL;
        }
        f->final_path = g_build_filename(ps->dir, rel, NULL);
        g_free(rel);
        char *d = g_path_get_dirname(f->final_path);
        if (g_mkdir_with_parents(d, 0777) != 0) {
            fprintf(stderr, "vmcompat inspect: error: cannot create %s: %s\n", d,
                    strerror(errno));
            g_free(d);
            file_free(f);
            return NULL;
        }
        char *base = g_path_get_basename(f->final_path);
        f->tmp_path = g_strdup_printf("%s/.%s.XXXXXX", d, base);
        g_free(base);
        g_free(d);
        f->fd = g_mkstemp(f->tmp_path);
    } else {
        const char *tmp = g_get_tmp_dir();
        char *path = g_strdup_printf("%s/vmcompat-pages-XXXXXX", tmp);
        f->fd = g_mkstemp(path);
        if (f->fd >= 0) {
            unlink(path);
        }
        g_free(path);
    }
    if (f->fd < 0) {
        fprintf(stderr, "vmcompat inspect: error: cannot create a file for RAM block '%s': %s\n",
                name, strerror(errno));
        file_free(f);
        return NULL;
    }
    if (length && ftruncate(f->fd, (off_t)length) != 0) {
        fprintf(stderr, "vmcompat inspect: error: cannot size the file of RAM block '%s': %s\n",
                name, strerror(errno));
        file_free(f);
        return NULL;
    }
    g_ptr_array_add(ps->order, f);
    g_hash_table_insert(ps->files, f->name, f);
    return f;
}

int page_store_block(page_store *ps, const char *name, uint64_t length)
{
    ps_file *f = g_hash_table_lookup(ps->files, name);
    if (f) {
        if (length && ftruncate(f->fd, (off_t)length) == 0) {
            f->length = length;
        }
        return 0;
    }
    return create(ps, name, length) ? 0 : VMC_EIO;
}

static int io(ps_file *f, bool write, uint8_t *buf, size_t n, uint64_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = write ? pwrite(f->fd, buf + done, n - done, (off_t)(off + done))
                          : pread(f->fd, buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            fprintf(stderr, "vmcompat inspect: error: %s of RAM block '%s' failed: %s\n",
                    write ? "write" : "read", f->name, strerror(errno));
            return VMC_EIO;
        }
        if (r == 0) {
            memset(buf + done, 0, n - done);   /* past the end: zeros */
            break;
        }
        done += (size_t)r;
    }
    return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

int page_store_apply(page_store *ps, const vmc_event *ev, uint8_t *page, size_t page_size)
{
    ps_file *f = g_hash_table_lookup(ps->files, ev->u.page.block);
    if (!f && !(f = create(ps, ev->u.page.block, 0))) {
        return VMC_EIO;
    }
    uint64_t addr = ev->u.page.addr;
    int rc;
    switch (ev->u.page.kind) {
    case VMC_PAGE_ZERO:
        if (ev->u.page.fill == 0) {
            /* keep the file sparse: write only when old contents were not zero */
            if ((rc = io(f, false, page, page_size, addr))) {
                return rc;
            }
            if (all_zero(page, page_size)) {
                return 0;
            }
        }
        memset(page, ev->u.page.fill, page_size);
        break;
    case VMC_PAGE_NORMAL:
        memcpy(page, ev->u.page.data, page_size);
        break;
    case VMC_PAGE_COMPRESSED:
        if ((rc = vmc_page_inflate(ev->u.page.data, ev->u.page.len, page, page_size))) {
            return rc;
        }
        break;
    case VMC_PAGE_XBZRLE:
        if ((rc = io(f, false, page, page_size, addr)) ||
            (rc = vmc_xbzrle_decode(ev->u.page.data, ev->u.page.len, page, page_size))) {
            return rc;
        }
        break;
    default:
        return 0;
    }
    return io(f, true, page, page_size, addr);
}

int page_store_commit(page_store *ps, FILE *names)
{
    for (size_t i = 0; i < ps->order->len; i++) {
        ps_file *f = g_ptr_array_index(ps->order, i);
        if (!f->tmp_path) {
            continue;
        }
        if (fsync(f->fd) != 0 || fchmod(f->fd, 0644) != 0 ||
            rename(f->tmp_path, f->final_path) != 0) {
            fprintf(stderr, "vmcompat inspect: error: cannot write %s: %s\n", f->final_path,
                    strerror(errno));
            return VMC_EIO;
        }
        g_free(f->tmp_path);
        f->tmp_path = NULL;
        if (names) {
            fprintf(names, "%s\n", f->name);
        }
    }
    return 0;
}
