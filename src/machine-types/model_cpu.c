/*
 * -cpu MODEL[,OPTION...]: the vCPU the machine model migrates.  The model
 * comes from the tables' "cpu_models" (what the binary's
 * query-cpu-model-expansion reports), then the machine type's compat
 * properties and -global for its QOM type, then the -cpu options, in
 * QEMU 7.2's order: NAME=VALUE options are global properties applied in
 * command-line order (after the compat ones), then every +FEATURE, then
 * every -FEATURE (x86_cpu_parse_featurestr, x86_cpu_expand_features).
 */
#include "machine-types/model_internal.h"
#include "common/error_internal.h"

#include <stdlib.h>
#include <string.h>

#define CPU_TYPE_SUFFIX "-x86_64-cpu"

/* One of the properties vmc_model_cpu holds; NULL for any other. */
static bool *feature_slot(vmc_model_cpu *c, const char *name)
{
    if (!strcmp(name, "apic")) {
        return &c->apic;
    }
    if (!strcmp(name, "mce")) {
        return &c->mce;
    }
    if (!strcmp(name, "mca")) {
        return &c->mca;
    }
    if (!strcmp(name, "monitor")) {
        return &c->monitor;
    }
    if (!strcmp(name, "kvmclock")) {
        return &c->kvmclock;
    }
    return NULL;
}

static int64_t *number_slot(vmc_model_cpu *c, const char *name)
{
    if (!strcmp(name, "family")) {
        return &c->family;
    }
    if (!strcmp(name, "model")) {
        return &c->model;
    }
    if (!strcmp(name, "stepping")) {
        return &c->stepping;
    }
    return NULL;
}

/* QEMU's feat2prop: feature names take '-' where users may write '_'. */
static char *prop_name(const char *s, size_t n)
{
    char *p = g_strndup(s, n);
    for (char *q = p; *q; q++) {
        if (*q == '_') {
            *q = '-';
        }
    }
    return p;
}

static int unknown_property(vmc_model *m, const char *type, const char *name, const char *value)
{
    (void)m;
    if (value) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, "-cpu",
                             "qemu-system-x86_64: can't apply global %s.%s=%s: Property '%s.%s' "
                             "not found", type, name, value, type, name);
    }
    return vmc_error_set(VMC_EUSAGE, -1, NULL, "-cpu",
                         "qemu-system-x86_64: Property '%s.%s' not found", type, name);
}

/* A property value as QEMU's visitors read it into slot. */
static int set_value(vmc_model_cpu *c, const char *type, const char *name, const char *value)
{
    bool *b = feature_slot(c, name);
    if (b) {
        bool on = vmc_model_parse_bool(value, false), off = !vmc_model_parse_bool(value, true);
        if (!on && !off) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-cpu",
                                 "qemu-system-x86_64: can't apply global %s.%s=%s: Parameter "
                                 "'%s' expects 'on' or 'off'", type, name, value, name);
        }
        *b = on;
        return 0;
    }
    int64_t *n = number_slot(c, name);
    if (n) {
        char *end;
        long long v = strtoll(value, &end, 0);
        if (!*value || *end) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-cpu",
                                 "qemu-system-x86_64: can't apply global %s.%s=%s: Parameter "
                                 "'%s' expects an integer", type, name, value, name);
        }
        /* the CPUID.1:EAX fields: family 0xf + an 8-bit extension */
        long long max = n == &c->family ? 0xff + 0xf : n == &c->model ? 0xff : 0xf;
        if (v < 0 || v > max) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, "-cpu",
                                 "qemu-system-x86_64: can't apply global %s.%s=%s: Property .%s "
                                 "doesn't take value %lld (minimum: 0, maximum: %lld)", type,
                                 name, value, name, v, max);
        }
        *n = v;
    }
    return 0;   /* a property that leaves the fresh state as it is */
}

int vmc_model_resolve_cpu(vmc_model *m)
{
    const vmc_machine_types *set = m->types;
    const char *arg = vmc_cmdline_cpu(m->cl);
    const char *dflt = vmc_model_class_field(m, "default_cpu_type");
    char *spec = g_strdup(arg ? arg : "qemu64");
    if (!arg && dflt && g_str_has_suffix(dflt, CPU_TYPE_SUFFIX)) {
        g_free(spec);
        spec = g_strndup(dflt, strlen(dflt) - strlen(CPU_TYPE_SUFFIX));
    }
    char **opts = g_strsplit(spec, ",", -1);
    g_free(spec);
    const char *name = opts[0] ? opts[0] : "";
    vmc_model_cpu *c = &m->cpu;
    int rc = 0;
    if (!vmc_machine_types_has_cpu_models(set)) {
        /* tables without "cpu_models" (older harvests): the default only */
        if (strcmp(name, "qemu64") != 0 || opts[1]) {
            rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-cpu",
                               "not modelled: -cpu %s (these machine-type tables list no CPU "
                               "models)", arg);
            goto out;
        }
        *c = (vmc_model_cpu){ .family = 15, .model = 107, .stepping = 1, .apic = true,
                              .mce = true, .mca = true, .monitor = false };
    } else {
        const vmc_cpu_model *cm = vmc_machine_types_cpu_model(set, name);
        if (!cm) {
            rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-cpu",
                               "qemu-system-x86_64: unable to find CPU model '%s'", name);
            goto out;
        }
        if (!strcmp(name, "host") &&
            (!vmc_cmdline_accel(m->cl) || strcmp(vmc_cmdline_accel(m->cl), "tcg") == 0)) {
            rc = vmc_error_set(VMC_EUSAGE, -1, NULL, "-cpu",
                               "qemu-system-x86_64: CPU model 'host' requires KVM or HVF");
            goto out;
        }
        *c = (vmc_model_cpu){ .family = cm->family, .model = cm->model,
                              .stepping = cm->stepping, .apic = cm->apic, .mce = cm->mce,
                              .mca = cm->mca, .monitor = cm->monitor };
    }
    c->kvmclock = true;   /* kvm_default_props turn it on under KVM */
    char *type = g_strconcat(name, CPU_TYPE_SUFFIX, NULL);
    c->name = vmc_model_str(m, name);
    c->type = vmc_model_str(m, type);
    g_free(type);

    /* compat properties and -global of the model's type */
    static const char *const props[] = { "family", "model", "stepping", "apic", "mce", "mca",
                                         "monitor", NULL };
    for (size_t i = 0; props[i]; i++) {
        const char *v = vmc_model_prop(m, c->type, props[i]);
        if (v && (rc = set_value(c, c->type, props[i], v))) {
            goto out;
        }
    }
    /* the -cpu options: NAME=VALUE (and bare NAME: =on) in order, then +, then - */
    for (int pass = 0; pass < 3 && !rc; pass++) {
        for (size_t i = 1; opts[i] && !rc; i++) {
            const char *o = opts[i];
            if (!*o) {
                continue;
            }
            int kind = o[0] == '+' ? 1 : o[0] == '-' ? 2 : 0;
            if (kind != pass) {
                continue;
            }
            const char *eq = kind ? NULL : strchr(o, '=');
            const char *body = kind ? o + 1 : o;
            char *pn = prop_name(body, eq ? (size_t)(eq - body) : strlen(body));
            const char *value = kind == 1 ? "on" : kind == 2 ? "off" : eq ? eq + 1 : "on";
            if (!strcmp(pn, "enforce") && !kind) {
                /* which features TCG lacks is not modelled */
                rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-cpu",
                                   "not modelled: -cpu ...,enforce (QEMU refuses to start when "
                                   "TCG lacks a feature of the model)");
            } else if (vmc_machine_types_has_cpu_models(set) &&
                       !vmc_machine_types_cpu_property(set, pn)) {
                rc = unknown_property(m, c->type, pn, kind ? NULL : value);
            } else {
                rc = set_value(c, c->type, pn, value);
            }
            g_free(pn);
        }
    }
    if (!rc && !c->apic && m->smp_cpus <= 1) {
        /* x86_cpu_realizefn creates no local APIC; without one QEMU marks
         * MSI broken and PCI devices drop their MSI/MSI-X capabilities */
        rc = vmc_error_set(VMC_EUNSUPPORTED, -1, NULL, "-cpu",
                           "not modelled: a vCPU without a local APIC (-cpu %s, one CPU): PCI "
                           "devices then lose their MSI capabilities", c->name);
    }
out:
    g_strfreev(opts);
    return rc;
}
