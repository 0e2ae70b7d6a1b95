/* Helpers of the fresh-state functions; see fresh_util.h. */
#include "devices/fresh_util.h"
#include "common/error_internal.h"

#include <glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void vmc_fresh_u(vmc_state *st, uint64_t v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmc_state_set_uint(st, path, v);
    g_free(path);
}

void vmc_fresh_i(vmc_state *st, int64_t v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmc_state_set_int(st, path, v);
    g_free(path);
}

void vmc_fresh_bytes(vmc_state *st, const void *p, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmc_state_set_bytes(st, path, p, n);
    g_free(path);
}

void vmc_fresh_sub(vmc_state *st, bool sent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmc_state_set_subsection(st, path, sent);
    g_free(path);
}

const char *vmc_fresh_prop(const vmc_fresh_ctx *fc, const char *driver, const char *prop)
{
    if (!driver) {
        return fc->dev ? vmc_mdev_prop(fc->dev, prop) : NULL;
    }
    return vmc_model_prop(fc->m, driver, prop);
}

bool vmc_fresh_prop_bool(const vmc_fresh_ctx *fc, const char *driver, const char *prop,
                         bool dflt)
{
    const char *v = vmc_fresh_prop(fc, driver, prop);
    if (!v) {
        return dflt;
    }
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        return false;
    }
    return dflt;
}

int64_t vmc_fresh_prop_int(const vmc_fresh_ctx *fc, const char *driver, const char *prop,
                           int64_t dflt)
{
    const char *v = vmc_fresh_prop(fc, driver, prop);
    if (!v || !*v) {
        return dflt;
    }
    char *end;
    long long n = strtoll(v, &end, 0);
    return *end ? dflt : n;
}

bool vmc_fresh_class_true(const vmc_fresh_ctx *fc, const char *key)
{
    const char *v = vmc_model_class_field(fc->m, key);
    return v && strcmp(v, "true") == 0;
}

void vmc_fresh_pci_device(vmc_state *st, const char *prefix)
{
    /* PCIDevice.version_id: the PCI vmstate version every device saves */
    vmc_fresh_i(st, 2, "%s.version_id", prefix);
}

int vmc_fresh_unsupported(const vmc_fresh_ctx *fc, const char *what)
{
    return vmc_error_set(VMC_EUNSUPPORTED, -1, fc->entry ? fc->entry->idstr : NULL, NULL,
                         "not modelled: the fresh state of %s", what);
}

bool vmc_fresh_smm_enabled(const vmc_fresh_ctx *fc)
{
    const char *v = vmc_qopts_get(vmc_cmdline_machine(fc->m->cl), "smm");
    return !v || (strcmp(v, "off") != 0 && strcmp(v, "false") != 0 && strcmp(v, "no") != 0);
}

bool vmc_fresh_has_section(const vmc_fresh_ctx *fc, const char *idstr)
{
    for (size_t i = 0; i < vmc_model_section_count(fc->m); i++) {
        if (strcmp(vmc_model_section_at(fc->m, i)->idstr, idstr) == 0) {
            return true;
        }
    }
    return false;
}
