/* The engine's build mode: produce bytes on demand, then read them back. */
#include "vmstate/build.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int vmc_build_supply(vmc_decode_ctx *dc, const char *type, uint64_t n, bool exact)
{
    vmc_build_buf *b = dc->build;
    if (!b) {
        return 0;
    }
    size_t left = vmc_cursor_left(&dc->cur);
    if (exact && n == 0 && left == 0 && b->prov && b->prov->fill) {
        /* an empty buffer: nothing to produce, but its value counts as used */
        uint64_t produced = 0;
        return b->prov->fill(b->prov->opaque, dc->path, type ? type : "",
                             b->buf + dc->cur.len, 0, 0, &produced);
    }
    if (n <= left) {
        return 0;
    }
    uint64_t missing = n - left;
    uint64_t room = b->cap - dc->cur.len;
    if (missing > room) {
        return vmc_decode_fail(dc, VMC_ELIMIT, "device state larger than %zu bytes "
                               "(field of %llu bytes)", b->cap, (unsigned long long)n);
    }
    uint8_t *dst = b->buf + dc->cur.len;
    memset(dst, 0, (size_t)missing);
    uint64_t produced = missing;
    if (b->prov && b->prov->fill) {
        int rc = b->prov->fill(b->prov->opaque, dc->path, type ? type : "", dst, missing,
                               exact || left ? missing : room, &produced);
        if (rc) {
            const vmc_error *e = vmc_error_last();
            if (e->code == rc && e->offset < 0 && !e->section[0]) {
                /* say where */
                vmc_error_annotate(-1, dc->section, dc->path);
            }
            return rc;
        }
        if (produced < missing || produced > room) {
            produced = missing;
        }
    }
    dc->cur.len += (size_t)produced;
    return 0;
}

int vmc_build_state(const vmc_build_args *a, vmc_built *out)
{
    memset(out, 0, sizeof(*out));
    out->map_len = VMC_BUILD_MAX_STATE;
    out->map = mmap(NULL, out->map_len, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (out->map == MAP_FAILED) {
        out->map = NULL;
        return vmc_error_set(VMC_ENOMEM, -1, a->section, NULL,
                             "cannot reserve %zu bytes of address space", out->map_len);
    }
    out->arena = vmc_arena_new();
    if (!out->arena) {
        vmc_built_release(out);
        return vmc_error_set(VMC_ENOMEM, -1, a->section, NULL, "out of memory");
    }
    vmc_build_buf bb = { .buf = out->map, .cap = out->map_len, .prov = a->prov };
    vmc_decode_ctx dc = {
        .arena = out->arena,
        .cur = { .base = out->map, .len = 0, .abs = 0 },
        .section = a->section,
        .device = a->device,
        .device_prop = a->device_prop,
        .build = &bb,
    };
    int rc = vmc_engine_decode(&dc, a->vmsd, a->version, a->section, &out->tree);
    if (rc) {
        vmc_built_release(out);
        return rc;
    }
    if (dc.cur.pos != dc.cur.len) {
        vmc_built_release(out);
        return vmc_error_set(VMC_EUSAGE, -1, a->section, NULL,
                             "build: %zu bytes produced, %zu read back", dc.cur.len, dc.cur.pos);
    }
    out->bytes = out->map;
    out->len = dc.cur.len;
    return 0;
}

void vmc_built_release(vmc_built *b)
{
    if (b->arena) {
        vmc_arena_free(b->arena);
    }
    if (b->map) {
        munmap(b->map, b->map_len);
    }
    memset(b, 0, sizeof(*b));
}

typedef struct compose {
    vmc_build_leaf_fn leaf;
    void *opaque;
    uint8_t *buf;
    uint64_t n;
    bool any;
    int rc;
} compose;

static void compose_walk(compose *c, const vmc_value *v, char *path, size_t len, size_t cap,
                         int depth)
{
    if (c->rc || depth > 32) {
        return;
    }
    size_t l = len;
    if (v->name && depth > 0) {
        int w = snprintf(path + len, cap - len, "%s%s", len ? "." : "", v->name);
        l = w > 0 && (size_t)w < cap - len ? len + (size_t)w : cap - 1;
    }
    if (v->kind == VMC_VALUE_STRUCT || v->kind == VMC_VALUE_ARRAY) {
        for (size_t i = 0; i < v->nchild; i++) {
            size_t l2 = l;
            if (v->kind == VMC_VALUE_ARRAY) {
                int w = snprintf(path + l, cap - l, "[%zu]", i);
                l2 = w > 0 && (size_t)w < cap - l ? l + (size_t)w : cap - 1;
            }
            compose_walk(c, v->child[i], path, l2, cap, depth + 1);
        }
        path[len] = '\0';
        return;
    }
    if (v->offset < 0 || (uint64_t)v->offset + v->size > c->n) {
        path[len] = '\0';
        return;
    }
    bool found = false;
    c->rc = c->leaf(c->opaque, path, v->type ? v->type : "", c->buf + v->offset, v->size, &found);
    c->any |= found;
    path[len] = '\0';
}

int vmc_build_compose_custom(const char *type, uint8_t *buf, uint64_t n, vmc_build_leaf_fn leaf,
                             void *opaque, bool *any)
{
    *any = false;
    vmc_arena *a = vmc_arena_new();
    if (!a) {
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    vmc_decode_ctx dc = { .arena = a, .cur = { .base = buf, .len = (size_t)n } };
    vmc_value *v = NULL;
    int rc = vmc_decode_custom(&dc, NULL, type, NULL, n, &v);
    if (!rc) {
        compose c = { .leaf = leaf, .opaque = opaque, .buf = buf, .n = n };
        char path[VMC_PATH_MAX] = "";
        compose_walk(&c, v, path, 0, sizeof(path), 0);
        rc = c.rc;
        *any = c.any;
    }
    vmc_arena_free(a);
    return rc;
}
