/*
 * Shared by tests/test_model_board.c and tests/test_model_bridges_pcidev.c:
 * the machine model against the installed QEMU 7.2.
 *
 *  - mq_check(): QEMU is started (-S) with a command line, migrated to a
 *    file, and the model built from the same command line must give, for
 *    every modelled PCI function, exactly the config bytes QEMU wrote in
 *    that device's section; the sections (id, idstr, instance, version)
 *    and RAM blocks (name, size) must equal the stream's too.
 *  - mq_mask_samples(): single bits of the config of chosen devices are
 *    flipped in such a stream, each copy is loaded into a QEMU started with
 *    the same command line, and QEMU must refuse exactly when the model's
 *    masks say (incoming ^ config) & cmask & ~wmask & ~w1cmask != 0; for a
 *    refusal QEMU prints its own config byte and masks, which must be the
 *    model's.  VMC_MQ_JOBS sets the loads run in parallel (default 4),
 *    VMC_MQ_RANDOM the number of random bits added to the chosen ones.
 *
 * Header-only (static functions): each test is one executable.
 */
#ifndef VMC_MODEL_QEMU_CHECK_H
#define VMC_MODEL_QEMU_CHECK_H

#include "testutil.h"
#include "qemu_runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmcompat/model.h"

typedef struct mq_stream {
    uint8_t *data;
    size_t len;
} mq_stream;

#define MQ_MAX_ARGS 128

/* Start QEMU (-S) with the arguments, migrate to a file, return the stream. */
static mq_stream mq_qemu_stream(const char *machine, const char *const *args)
{
    mq_stream s;
    s.data = qr_fresh_stream(machine, args, &s.len);
    if (!s.data) {
        fail_msg("QEMU -M %s: %s", machine, vmc_error_last()->message);
    }
    return s;
}

/* The model of the same command line (the runner's -nodefaults included). */
static int mq_model_try(vmc_model **out, const char *machine, const char *const *args)
{
    const char *argv[MQ_MAX_ARGS + 4];
    int argc = 0;
    argv[argc++] = "-M";
    argv[argc++] = machine;
    argv[argc++] = "-nodefaults";
    for (size_t i = 0; args && args[i] && argc < MQ_MAX_ARGS; i++) {
        argv[argc++] = args[i];
    }
    return vmc_model_build(out, argc, argv, NULL);
}

static vmc_model *mq_model(const char *machine, const char *const *args)
{
    vmc_model *m = NULL;
    if (mq_model_try(&m, machine, args) != 0) {
        fail_msg("model of -M %s: %s", machine, vmc_error_last()->message);
    }
    return m;
}

/* The first "pci config" value below v (depth first). */
static const vmc_value *mq_find_config(const vmc_value *v, int depth)
{
    if (!v || depth > 8) {
        return NULL;
    }
    const char *t = vmc_value_type(v);
    if (vmc_value_kind_of(v) == VMC_VALUE_BYTES && t && strcmp(t, "pci config") == 0) {
        return v;
    }
    for (size_t i = 0; i < vmc_value_count(v); i++) {
        const vmc_value *c = mq_find_config(vmc_value_at(v, i), depth + 1);
        if (c) {
            return c;
        }
    }
    return NULL;
}

static const vmc_model_pci *mq_model_pci(vmc_model *m, const char *idstr)
{
    for (size_t k = 0; k < vmc_model_pci_count(m); k++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, k);
        if (p->section_idstr && strcmp(p->section_idstr, idstr) == 0) {
            return p;
        }
    }
    return NULL;
}

/* Config bytes of section idstr in the stream: copy, length and stream offset. */
static int mq_stream_config(const mq_stream *s, const char *idstr, uint8_t *out, size_t *len,
                            int64_t *offset)
{
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, s->data, s->len, idstr), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    vmc_event ev;
    int found = 0;
    while (!found && vmc_reader_next(r, &ev) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE || strcmp(ev.u.state.idstr, idstr) != 0 ||
            !ev.u.state.value) {
            continue;
        }
        const vmc_value *c = mq_find_config(ev.u.state.value, 0);
        if (c) {
            size_t n;
            const uint8_t *b = vmc_value_bytes(c, &n);
            memcpy(out, b, n);
            *len = n;
            *offset = vmc_value_offset(c);
            found = 1;
        }
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    return found;
}

typedef struct mq_section {
    uint32_t section_id, instance_id, version_id;
    char idstr[256];
} mq_section;

/*
 * Compare the model with the stream: every modelled PCI config, the
 * section list and the RAM blocks.  Every idstr in must[] has to be among
 * the compared configs.  Returns the number of configs compared.
 */
static size_t mq_compare(const char *what, const mq_stream *s, vmc_model *m,
                         const char *const *must)
{
    vmc_source *src;
    vmc_reader *r;
    assert_int_equal(vmc_source_open_memory(&src, s->data, s->len, what), 0);
    assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
    mq_section secs[512];
    size_t nsec = 0, compared = 0, bad = 0;
    char compared_ids[64][256];
    struct { char name[256]; uint64_t len; } ram[64];
    size_t nram = 0;
    vmc_event ev;
    while (vmc_reader_next(r, &ev) > 0) {
        if (ev.kind == VMC_EV_SECTION && nsec < 512 &&
            (ev.u.section.type == VMC_SEC_START || ev.u.section.type == VMC_SEC_FULL)) {
            /* START and FULL headers carry the identity */
            mq_section *x = &secs[nsec++];
            x->section_id = ev.u.section.section_id;
            x->instance_id = ev.u.section.instance_id;
            x->version_id = ev.u.section.version_id;
            snprintf(x->idstr, sizeof(x->idstr), "%s", ev.u.section.idstr);
        } else if (ev.kind == VMC_EV_RAM_BLOCK && nram < 64) {
            snprintf(ram[nram].name, sizeof(ram[nram].name), "%s", ev.u.ram_block.name);
            ram[nram++].len = ev.u.ram_block.used_length;
        } else if (ev.kind == VMC_EV_DEVICE_STATE && ev.u.state.value) {
            const vmc_model_pci *p = mq_model_pci(m, ev.u.state.idstr);
            const vmc_value *c = mq_find_config(ev.u.state.value, 0);
            if (!p || !c || !p->config_size) {
                continue;
            }
            size_t n;
            const uint8_t *b = vmc_value_bytes(c, &n);
            if (compared < 64) {
                snprintf(compared_ids[compared], sizeof(compared_ids[0]), "%s", ev.u.state.idstr);
            }
            compared++;
            if (n != p->config_size) {
                print_message("%s: %s: QEMU config of %zu bytes, model %u\n", what,
                              ev.u.state.idstr, n, p->config_size);
                bad++;
                continue;
            }
            int shown = 0;
            for (size_t o = 0; o < n; o++) {
                if (b[o] != p->config[o] && shown++ < 8) {
                    print_message("%s: %s: config[0x%03zx] QEMU 0x%02x, model 0x%02x\n", what,
                                  ev.u.state.idstr, o, b[o], p->config[o]);
                }
            }
            bad += shown > 0;
        }
    }
    vmc_reader_free(r);
    vmc_source_free(src);

    /* sections: same ids, idstrs, instances and versions, in stream order */
    size_t nmodel = vmc_model_section_count(m);
    bool sec_ok = nmodel == nsec;
    for (size_t i = 0; i < nsec && i < nmodel; i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        if (e->section_id != secs[i].section_id || strcmp(e->idstr, secs[i].idstr) != 0 ||
            e->instance_id != secs[i].instance_id || e->version_id != secs[i].version_id) {
            print_message("%s: section %zu: QEMU %u %s/%u v%u, model %u %s/%u v%u\n", what, i,
                          secs[i].section_id, secs[i].idstr, secs[i].instance_id,
                          secs[i].version_id, e->section_id, e->idstr, e->instance_id,
                          e->version_id);
            sec_ok = false;
        }
    }
    if (nmodel != nsec) {
        print_message("%s: QEMU sent %zu sections, the model %zu\n", what, nsec, nmodel);
    }
    /* RAM blocks: same names and sizes */
    bool ram_ok = nram == vmc_model_ram_block_count(m);
    for (size_t i = 0; i < nram; i++) {
        bool found = false;
        for (size_t k = 0; k < vmc_model_ram_block_count(m); k++) {
            const vmc_model_ram_block *b = vmc_model_ram_block_at(m, k);
            found |= strcmp(b->name, ram[i].name) == 0 && b->used_length == ram[i].len;
        }
        if (!found) {
            print_message("%s: RAM block %s (0x%llx) not in the model\n", what, ram[i].name,
                          (unsigned long long)ram[i].len);
            ram_ok = false;
        }
    }
    for (size_t i = 0; must && must[i]; i++) {
        bool seen = false;
        for (size_t k = 0; k < compared && k < 64; k++) {
            seen |= strcmp(compared_ids[k], must[i]) == 0;
        }
        if (!seen) {
            print_message("%s: %s: no modelled config compared\n", what, must[i]);
            bad++;
        }
    }
    if (bad || !sec_ok || !ram_ok) {
        fail_msg("%s: %zu of %zu configs differ%s%s", what, bad, compared,
                 sec_ok ? "" : ", sections differ", ram_ok ? "" : ", RAM blocks differ");
    }
    return compared;
}

/* One QEMU run and one comparison; returns the number of configs compared. */
static size_t mq_check(const char *machine, const char *const *args, const char *const *must)
{
    mq_stream s = mq_qemu_stream(machine, args);
    vmc_model *m = mq_model(machine, args);
    char what[64];
    snprintf(what, sizeof(what), "-M %s", machine);
    size_t n = mq_compare(what, &s, m, must);
    vmc_model_free(m);
    free(s.data);
    return n;
}

/* ---- masks against QEMU's load check ---------------------------------------- */

typedef struct mq_pick {
    const char *idstr;
    unsigned off, bit;
} mq_pick;

typedef qr_verdict mq_outcome;

static void mq_run_one(const char *machine, const char *const *args, const mq_stream *s,
                       int64_t file_off, unsigned bit, int idx, mq_outcome *o)
{
    qr_config cfg = { .machine = machine, .args = args };
    uint8_t flipped = (uint8_t)(s->data[file_off] ^ (1u << bit));
    qr_load_patched(&cfg, s->data, s->len, (size_t)file_off, &flipped, 1, idx, o);
}

typedef struct mq_sample {
    int t;                   /* target index */
    unsigned off, bit;
} mq_sample;

typedef struct mq_target {
    const char *idstr;
    const vmc_model_pci *p;
    uint8_t q[4096];
    size_t len;
    int64_t offset;
} mq_target;

/* one forked case of the mask check: mutate, load in QEMU, record what it said */
typedef struct mq_job {
    const char *machine;
    const char *const *args;
    const mq_stream *s;
    const mq_target *t;
    const mq_sample *v;
} mq_job;

static void mq_job_run(size_t i, void *rec, void *ctx)
{
    const mq_job *j = ctx;
    mq_run_one(j->machine, j->args, j->s, j->t[j->v[i].t].offset + j->v[i].off, j->v[i].bit,
               (int)i, rec);
}

/*
 * Flip the picked bits (plus nrandom random bits of the targets' first
 * 0x100, or 0x180 for PCIe functions, except the interrupt pin) and compare
 * QEMU's verdicts with the model's masks.  targets[] lists the idstrs
 * random bits are drawn from.
 */
static void mq_mask_samples(const char *machine, const char *const *args,
                            const char *const *targets, const mq_pick *picks, size_t npicks,
                            size_t nrandom)
{
    mq_stream s = mq_qemu_stream(machine, args);
    vmc_model *m = mq_model(machine, args);
    size_t nt = 0;
    while (targets[nt]) {
        nt++;
    }
    mq_target *t = calloc(nt, sizeof(*t));
    for (size_t i = 0; i < nt; i++) {
        t[i].idstr = targets[i];
        t[i].p = mq_model_pci(m, targets[i]);
        if (!t[i].p || !t[i].p->config_size) {
            fail_msg("%s: not modelled", targets[i]);
        }
        if (!mq_stream_config(&s, targets[i], t[i].q, &t[i].len, &t[i].offset)) {
            fail_msg("%s: not in the stream", targets[i]);
        }
        /* predictions only mean something when the unmutated bytes agree */
        assert_int_equal(t[i].len, t[i].p->config_size);
        assert_memory_equal(t[i].q, t[i].p->config, t[i].len);
    }
    const char *rs = getenv("VMC_MQ_RANDOM");
    if (rs) {
        nrandom = (size_t)atoi(rs);
    }
    size_t n = 0, cap = npicks + nrandom;
    mq_sample *v = calloc(cap ? cap : 1, sizeof(*v));
    for (size_t i = 0; i < npicks; i++) {
        int ti = -1;
        for (size_t k = 0; k < nt; k++) {
            if (strcmp(targets[k], picks[i].idstr) == 0) {
                ti = (int)k;
            }
        }
        if (ti < 0) {
            fail_msg("pick %s is not a target", picks[i].idstr);
        }
        v[n++] = (mq_sample){ ti, picks[i].off, picks[i].bit };
    }
    unsigned long long rng = 0x5eedull + npicks;
    while (n < cap) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        unsigned x = (unsigned)(rng >> 33);
        int ti = (int)(x % nt);
        unsigned span = t[ti].len > 256 ? 0x180 : 0x100;
        unsigned off = (x >> 8) % span;
        if (off == 0x3d) {
            /* an interrupt pin above 4 passes the config check, then QEMU 7.2
             * aborts in pci_irq_handler: not a mask question */
            continue;
        }
        v[n++] = (mq_sample){ ti, off, (x >> 3) % 8 };
    }

    const char *js = getenv("VMC_MQ_JOBS");
    int jobs = js && atoi(js) > 0 ? atoi(js) : 4;
    if (jobs > 32) {
        jobs = 32;
    }
    mq_outcome *out = calloc(n ? n : 1, sizeof(*out));
    bool *lost = calloc(n ? n : 1, sizeof(*lost));
    mq_job job = { machine, args, &s, t, v };
    tu_run_forked(n, jobs, sizeof(*out), out, mq_job_run, &job, lost);
    for (size_t i = 0; i < n; i++) {
        if (lost[i]) {
            out[i].ok = -1;
        }
    }
    free(lost);

    size_t wrong = 0, refused = 0, loaded = 0;
    for (size_t i = 0; i < n; i++) {
        const mq_target *tg = &t[v[i].t];
        unsigned off = v[i].off;
        uint8_t flipped = (uint8_t)(tg->q[off] ^ (1u << v[i].bit));
        bool predict_refusal = ((flipped ^ tg->p->config[off]) & tg->p->cmask[off] &
                                (uint8_t)~tg->p->wmask[off] & (uint8_t)~tg->p->w1cmask[off]) != 0;
        const mq_outcome *o = &out[i];
        bool good;
        if (o->ok < 0) {
            good = false;
        } else if (predict_refusal) {
            refused++;
            good = o->ok == 0 && o->bad_off == (int)off && o->read == flipped &&
                   o->device_byte == tg->p->config[off] && o->cmask == tg->p->cmask[off] &&
                   o->wmask == tg->p->wmask[off] && o->w1cmask == tg->p->w1cmask[off];
        } else {
            loaded++;
            good = o->ok == 1;
        }
        if (!good || getenv("VMC_TEST_VERBOSE")) {
            print_message("%s %s config[0x%03x] bit %u: predicted %s, QEMU %s (%s)\n",
                          good ? "  " : "WRONG", tg->idstr, off, v[i].bit,
                          predict_refusal ? "refusal" : "load",
                          o->ok < 0 ? "did not run" : o->ok ? "loaded" : "refused", o->line);
            if (!good && o->bad_off >= 0) {
                print_message("      QEMU byte %02x masks c/w/w1c %02x/%02x/%02x, model byte "
                              "%02x masks %02x/%02x/%02x\n", o->device_byte, o->cmask,
                              o->wmask, o->w1cmask, tg->p->config[off], tg->p->cmask[off],
                              tg->p->wmask[off], tg->p->w1cmask[off]);
            }
        }
        wrong += !good;
    }
    print_message("-M %s: %zu bits flipped, %zu predicted refusals, %zu predicted loads, %zu "
                  "wrong\n", machine, n, refused, loaded, wrong);
    assert_true(refused > 0 && loaded > 0);
    assert_int_equal(wrong, 0);
    free(out);
    free(v);
    free(t);
    vmc_model_free(m);
    free(s.data);
}

/* The model's error for a command line must be QEMU's (after "-device ...: "). */
static void mq_same_error(const char *machine, const char *const *args)
{
    qr_config cfg = { .machine = machine, .args = args };
    qr_qemu *q = NULL;
    int rc = qr_start(&q, &cfg);
    char qmsg[1100];
    snprintf(qmsg, sizeof(qmsg), "%s", rc ? vmc_error_last()->message : "");
    qr_free(q);
    if (!rc) {
        fail_msg("QEMU -M %s accepted a command line expected to fail", machine);
    }
    vmc_model *m = NULL;
    if (mq_model_try(&m, machine, args) == 0) {
        vmc_model_free(m);
        fail_msg("the model accepts what QEMU refused: %s", qmsg);
    }
    const char *mmsg = vmc_error_last()->message;
    /* QEMU names the whole -device argument, the model the driver: compare the text after it */
    const char *qt = strstr(qmsg, ": -device ");
    const char *mt = strstr(mmsg, ": -device ");
    qt = qt ? strstr(qt + 10, ": ") : NULL;
    mt = mt ? strstr(mt + 10, ": ") : NULL;
    if (!qt || !mt || strcmp(qt, mt) != 0) {
        fail_msg("QEMU: %s\nmodel: %s", qmsg, mmsg);
    }
}

#endif
