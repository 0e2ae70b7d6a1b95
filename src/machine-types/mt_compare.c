/*
 * Comparing two machine setups: the (driver, property) pairs named by any
 * global property of either side whose effective values differ, and the
 * machine-class fields that differ.  Like QEMU's compare-machine-types.py,
 * but from the tables, without a running QEMU.
 */
#include "mt_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/error_internal.h"

struct vmc_machine_diff {
    vmc_arena *arena;
    vmc_machine_prop_diff *props;
    size_t n_props;
    vmc_machine_class_diff *cls;
    size_t n_cls;
};

typedef struct pair {
    const char *driver;
    const char *property;
} pair;

static int pair_cmp(const void *pa, const void *pb)
{
    const pair *a = pa, *b = pb;
    int r = strcmp(a->driver, b->driver);
    return r ? r : strcmp(a->property, b->property);
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Copy the strings of a value into the diff's arena. */
static int copy_value(vmc_arena *ar, vmc_prop_value *v)
{
    const char **fields[] = { &v->type, &v->value, &v->raw, &v->origin_name, &v->realized,
                              &v->varies };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (*fields[i] && !(*fields[i] = vmc_arena_strdup(ar, *fields[i]))) {
            return VMC_ENOMEM;
        }
    }
    return 0;
}

static bool available(const vmc_prop_value *v)
{
    return v->status == VMC_PROP_OK || v->status == VMC_PROP_NO_DEFAULT;
}

int vmc_machine_compare(vmc_machine_diff **out, vmc_machine_setup *a, vmc_machine_setup *b)
{
    if (!out || !a || !b) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, NULL, "vmc_machine_compare: bad argument");
    }
    *out = NULL;
    vmc_machine_diff *d = calloc(1, sizeof(*d));
    if (!d || !(d->arena = vmc_arena_new())) {
        free(d);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    size_t na = vmc_machine_setup_count(a), nb = vmc_machine_setup_count(b);
    pair *pairs = malloc((na + nb + 1) * sizeof(*pairs));
    if (!pairs) {
        vmc_machine_diff_free(d);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    size_t np = 0;
    for (size_t i = 0; i < na + nb; i++) {
        const vmc_compat_prop *p = i < na ? vmc_machine_setup_get(a, i)
                                          : vmc_machine_setup_get(b, i - na);
        pairs[np++] = (pair){ p->driver, p->property };
    }
    qsort(pairs, np, sizeof(*pairs), pair_cmp);
    d->props = vmc_arena_alloc(d->arena, (np ? np : 1) * sizeof(*d->props));
    if (!d->props) {
        free(pairs);
        vmc_machine_diff_free(d);
        return vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    int rc = 0;
    for (size_t i = 0; i < np && !rc; i++) {
        if (i > 0 && pair_cmp(&pairs[i - 1], &pairs[i]) == 0) {
            continue;
        }
        vmc_machine_prop_diff x;
        memset(&x, 0, sizeof(x));
        vmc_machine_setup_value(a, pairs[i].driver, pairs[i].property, &x.a);
        vmc_machine_setup_value(b, pairs[i].driver, pairs[i].property, &x.b);
        if (x.a.status == x.b.status && same(x.a.value, x.b.value)) {
            continue;
        }
        x.available = available(&x.a) && available(&x.b);
        x.realized_equal = x.a.status == x.b.status &&
                           same(x.a.realized ? x.a.realized : x.a.value,
                                x.b.realized ? x.b.realized : x.b.value);
        if (!(x.driver = vmc_arena_strdup(d->arena, pairs[i].driver)) ||
            !(x.property = vmc_arena_strdup(d->arena, pairs[i].property)) ||
            copy_value(d->arena, &x.a) || copy_value(d->arena, &x.b)) {
            rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            break;
        }
        d->props[d->n_props++] = x;
    }
    free(pairs);

    const vmc_machine_type *ma = vmc_machine_setup_machine(a), *mb = vmc_machine_setup_machine(b);
    size_t ca = vmc_machine_type_class_count(ma), cb = vmc_machine_type_class_count(mb);
    d->cls = vmc_arena_alloc(d->arena, (ca + cb + 1) * sizeof(*d->cls));
    if (!rc && !d->cls) {
        rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < ca + cb && !rc; i++) {
        const vmc_machine_class_field *f = i < ca ? vmc_machine_type_class_get(ma, i)
                                                  : vmc_machine_type_class_get(mb, i - ca);
        if (i >= ca && vmc_machine_type_class_find(ma, f->key)) {
            continue;   /* already compared from a's side */
        }
        if (strcmp(f->key, "alias") == 0 || strcmp(f->key, "is_default") == 0) {
            continue;
        }
        const vmc_machine_class_field *fa = vmc_machine_type_class_find(ma, f->key);
        const vmc_machine_class_field *fb = vmc_machine_type_class_find(mb, f->key);
        const char *va = fa ? fa->value : "null", *vb = fb ? fb->value : "null";
        if (strcmp(va, vb) == 0) {
            continue;
        }
        vmc_machine_class_diff *c = &d->cls[d->n_cls];
        if (!(c->key = vmc_arena_strdup(d->arena, f->key)) ||
            !(c->a = vmc_arena_strdup(d->arena, va)) || !(c->b = vmc_arena_strdup(d->arena, vb))) {
            rc = vmc_error_set(VMC_ENOMEM, -1, NULL, NULL, "out of memory");
            break;
        }
        d->n_cls++;
    }
    if (rc) {
        vmc_machine_diff_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

size_t vmc_machine_diff_prop_count(const vmc_machine_diff *d)
{
    return d ? d->n_props : 0;
}

const vmc_machine_prop_diff *vmc_machine_diff_prop_get(const vmc_machine_diff *d, size_t i)
{
    return d && i < d->n_props ? &d->props[i] : NULL;
}

size_t vmc_machine_diff_class_count(const vmc_machine_diff *d)
{
    return d ? d->n_cls : 0;
}

const vmc_machine_class_diff *vmc_machine_diff_class_get(const vmc_machine_diff *d, size_t i)
{
    return d && i < d->n_cls ? &d->cls[i] : NULL;
}

void vmc_machine_diff_free(vmc_machine_diff *d)
{
    if (!d) {
        return;
    }
    vmc_arena_free(d->arena);
    free(d);
}
