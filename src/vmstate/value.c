/* Value tree accessors and construction. */
#include "vmstate/value_internal.h"

#include <stdlib.h>
#include <string.h>

vmc_value *vmc_value_new(vmc_arena *a, vmc_value_kind kind, const char *name, const char *type)
{
    vmc_value *v = vmc_arena_alloc(a, sizeof(*v));
    if (!v) {
        return NULL;
    }
    v->kind = kind;
    v->name = name;
    v->type = type;
    v->version = -1;
    v->offset = -1;
    return v;
}

static int grow(vmc_arena *a, vmc_value ***arr, size_t *n, size_t *cap, vmc_value *item)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        vmc_value **na = vmc_arena_alloc(a, ncap * sizeof(*na));
        if (!na) {
            return -1;
        }
        if (*n) {
            memcpy(na, *arr, *n * sizeof(*na));
        }
        *arr = na;
        *cap = ncap;
    }
    (*arr)[(*n)++] = item;
    return 0;
}

int vmc_value_add(vmc_arena *a, vmc_value *parent, vmc_value *child)
{
    return grow(a, &parent->child, &parent->nchild, &parent->capchild, child);
}

int vmc_value_add_subsection(vmc_arena *a, vmc_value *parent, vmc_value *sub)
{
    sub->is_subsection = true;
    return grow(a, &parent->sub, &parent->nsub, &parent->capsub, sub);
}

vmc_value *vmc_value_child(const vmc_value *v, const char *name)
{
    if (!v || v->kind != VMC_VALUE_STRUCT) {
        return NULL;
    }
    for (size_t i = 0; i < v->nchild; i++) {
        if (v->child[i]->name && strcmp(v->child[i]->name, name) == 0) {
            return v->child[i];
        }
    }
    return NULL;
}

vmc_value_kind vmc_value_kind_of(const vmc_value *v) { return v->kind; }
const char *vmc_value_name(const vmc_value *v) { return v->name ? v->name : ""; }
const char *vmc_value_type(const vmc_value *v) { return v->type ? v->type : ""; }
int64_t vmc_value_offset(const vmc_value *v) { return v->offset; }
uint64_t vmc_value_size(const vmc_value *v) { return v->size; }
unsigned vmc_value_width(const vmc_value *v) { return v->width; }
const char *vmc_value_vmsd_name(const vmc_value *v) { return v->vmsd_name; }
int vmc_value_version(const vmc_value *v) { return v->version; }

const uint8_t *vmc_value_raw(const vmc_value *v, size_t *len)
{
    if (len) {
        *len = v->raw ? (size_t)v->size : 0;
    }
    return v->raw;
}

bool vmc_value_bool(const vmc_value *v)
{
    switch (v->kind) {
    case VMC_VALUE_BOOL: return v->v.b;
    case VMC_VALUE_INT: return v->v.i != 0;
    case VMC_VALUE_UINT: return v->v.u != 0;
    default: return false;
    }
}

int64_t vmc_value_int(const vmc_value *v)
{
    switch (v->kind) {
    case VMC_VALUE_BOOL: return v->v.b;
    case VMC_VALUE_INT: return v->v.i;
    case VMC_VALUE_UINT: return (int64_t)v->v.u;
    case VMC_VALUE_DOUBLE: return (int64_t)v->v.d;
    default: return 0;
    }
}

uint64_t vmc_value_uint(const vmc_value *v)
{
    switch (v->kind) {
    case VMC_VALUE_BOOL: return v->v.b;
    case VMC_VALUE_INT: return (uint64_t)v->v.i;
    case VMC_VALUE_UINT: return v->v.u;
    default: return 0;
    }
}

double vmc_value_double(const vmc_value *v)
{
    switch (v->kind) {
    case VMC_VALUE_DOUBLE: return v->v.d;
    case VMC_VALUE_INT: return (double)v->v.i;
    case VMC_VALUE_UINT: return (double)v->v.u;
    default: return 0;
    }
}

const uint8_t *vmc_value_bytes(const vmc_value *v, size_t *len)
{
    if (v->kind != VMC_VALUE_BYTES) {
        if (len) {
            *len = 0;
        }
        return NULL;
    }
    if (len) {
        *len = v->v.bytes.n;
    }
    return v->v.bytes.p;
}

size_t vmc_value_count(const vmc_value *v)
{
    return (v->kind == VMC_VALUE_STRUCT || v->kind == VMC_VALUE_ARRAY) ? v->nchild : 0;
}

const vmc_value *vmc_value_at(const vmc_value *v, size_t i)
{
    return i < vmc_value_count(v) ? v->child[i] : NULL;
}

size_t vmc_value_subsection_count(const vmc_value *v)
{
    return v->kind == VMC_VALUE_STRUCT ? v->nsub : 0;
}

const vmc_value *vmc_value_subsection(const vmc_value *v, size_t i)
{
    return i < vmc_value_subsection_count(v) ? v->sub[i] : NULL;
}

/* Match a child whose name is a prefix of path ending at '.', '[' or end; longest wins. */
static const vmc_value *match_child(const vmc_value *v, const char *path, size_t *used)
{
    const vmc_value *best = NULL;
    size_t bestlen = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t n = pass == 0 ? v->nchild : v->nsub;
        vmc_value **arr = pass == 0 ? v->child : v->sub;
        for (size_t i = 0; i < n; i++) {
            const char *name = arr[i]->name;
            if (!name) {
                continue;
            }
            size_t l = strlen(name);
            if (l > bestlen && strncmp(path, name, l) == 0 &&
                (path[l] == '\0' || path[l] == '.' || path[l] == '[')) {
                best = arr[i];
                bestlen = l;
            }
        }
    }
    *used = bestlen;
    return best;
}

const vmc_value *vmc_value_get(const vmc_value *v, const char *path)
{
    while (v && *path) {
        if (*path == '.') {
            path++;
            continue;
        }
        if (*path == '[') {
            char *end;
            unsigned long idx = strtoul(path + 1, &end, 10);
            if (*end != ']' || v->kind != VMC_VALUE_ARRAY || idx >= v->nchild) {
                /* "name[1]" may itself be a field name (de-duplicated names). */
                return NULL;
            }
            v = v->child[idx];
            path = end + 1;
            continue;
        }
        if (v->kind != VMC_VALUE_STRUCT) {
            return NULL;
        }
        size_t used;
        const vmc_value *c = match_child(v, path, &used);
        if (!c) {
            return NULL;
        }
        v = c;
        path += used;
    }
    return v;
}
