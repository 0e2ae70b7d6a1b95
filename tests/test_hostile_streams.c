/*
 * Hostile input: real QEMU 7.2 streams from the corpus, truncated at every
 * section boundary and inside pages, device sections, the configuration and
 * the trailer; bytes flipped (targeted and at random); absurd lengths; a
 * lying vmdesc; delivery through a pipe; bounded memory.
 *
 * For every input the reader must return an error or a well-formed result,
 * never crash (the sanitizer build, .ci/sanitize.sh, checks that) or hang
 * (alarm), and every error must carry the byte offset (inside the input)
 * and, when it happens inside a section, the section's idstr.  Where the
 * spec (shared/docs/stream-format.md) gives QEMU's wording, the message
 * must contain it.  Expected offsets and values are worked out from the
 * bytes of the stream, never taken from the reader's own output.
 */
#include "testutil.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#if defined(__SANITIZE_ADDRESS__)
#define TU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_ASAN 1
#endif
#endif

#ifdef TU_ASAN
/* A single huge allocation must fail visibly (NULL -> VMC_ENOMEM) instead of
 * being granted: the bounded-memory tests then see it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "max_allocation_size_mb=1024:allocator_may_return_null=1";
}
#endif

#define TEST_SECONDS 600

/* The streams: q35 + virtio, i440fx, pc-i440fx-1.4 (no configuration, no
 * footers), compressed pages, XBZRLE pages. */
#define ID_Q35 "s-pc-q35-7.2--virtio-blk--fresh"
#define ID_PC "s-pc-i440fx-7.2--cirrus--fresh"
#define ID_PC14 "s-pc-i440fx-1.4--none--fresh"
#define ID_COMPRESS "cap-compress-both-q35-7.2"
#define ID_XBZRLE "s-pc-q35-6.0--none--xbzrle"
static const char *const all_ids[] = { ID_Q35, ID_PC, ID_PC14, ID_COMPRESS, ID_XBZRLE };
#define N_IDS (sizeof(all_ids) / sizeof(all_ids[0]))

/* ---- time limit ---------------------------------------------------------- */

static const char *current_case = "";
static int failures;

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_hostile_streams: time limit hit (reader hangs?) in ";
    ssize_t ignored = write(2, msg, sizeof(msg) - 1);
    ignored = write(2, current_case, strlen(current_case));
    ignored = write(2, "\n", 1);
    (void)ignored;
    _exit(1);
}

static struct timespec test_start;

static int setup(void **state)
{
    (void)state;
    clock_gettime(CLOCK_MONOTONIC, &test_start);
    failures = 0;
    signal(SIGALRM, on_alarm);
    alarm(TEST_SECONDS);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    print_message("(%.1f s)\n", (double)(now.tv_sec - test_start.tv_sec) +
                                  (double)(now.tv_nsec - test_start.tv_nsec) / 1e9);
    alarm(0);
    return 0;
}

/* ---- the structure of an intact stream ---------------------------------- */

typedef struct span {
    uint8_t type;
    uint32_t id;
    char idstr[256];
    uint32_t instance;
    bool device;
    int64_t start;     /* section type byte */
    int64_t hdr_end;   /* first payload byte */
    int64_t footer;    /* footer (or end of payload without footers) */
    int64_t end;       /* after the footer */
} span;

typedef struct rec {
    int64_t off, len;
    vmc_page_kind kind;
    uint32_t flags;
    size_t name_len;   /* block name bytes after the header, 0 with CONTINUE */
} rec;

typedef struct smap {
    const char *id;
    uint8_t *data;
    size_t len;
    int64_t config_start, config_end;   /* -1 without configuration */
    span secs[512];
    size_t nsecs;
    rec pages[64];
    size_t npages;
    int64_t mem_size_off;               /* the MEM_SIZE record of the block list */
    int64_t eof_off;
    int64_t trailer_off;                /* the 0x06 byte */
    size_t json_len;
    bool footers;
} smap;

static smap maps[N_IDS];

static uint64_t rd_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void wr_be(uint8_t *p, int n, uint64_t v)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static const smap *get_map(const char *id)
{
    for (size_t k = 0; k < N_IDS; k++) {
        if (strcmp(all_ids[k], id) != 0) {
            continue;
        }
        smap *m = &maps[k];
        if (m->data) {
            return m;
        }
        memset(m, 0, sizeof(*m));
        m->id = all_ids[k];
        m->data = tu_corpus_stream(id, &m->len);
        m->config_start = m->config_end = m->mem_size_off = m->eof_off = m->trailer_off = -1;
        vmc_source *src;
        vmc_reader *r;
        assert_int_equal(vmc_source_open_memory(&src, m->data, m->len, id), 0);
        assert_int_equal(vmc_reader_new(&r, src, NULL), 0);
        vmc_event ev;
        int rc;
        unsigned per_kind[VMC_PAGE_KIND_COUNT] = { 0 };
        while ((rc = vmc_reader_next(r, &ev)) > 0) {
            switch (ev.kind) {
            case VMC_EV_CONFIGURATION:
                m->config_start = ev.offset;
                m->config_end = ev.offset + ev.length;
                break;
            case VMC_EV_SECTION: {
                assert_true(m->nsecs < 512);
                span *s = &m->secs[m->nsecs++];
                s->type = ev.u.section.type;
                s->id = ev.u.section.section_id;
                snprintf(s->idstr, sizeof(s->idstr), "%s", ev.u.section.idstr);
                s->instance = ev.u.section.instance_id;
                s->device = ev.u.section.kind == VMC_SECTION_VMSTATE;
                s->start = ev.offset;
                s->hdr_end = ev.offset + ev.length;
                break;
            }
            case VMC_EV_RAM_BLOCK:
                if (m->mem_size_off < 0) {
                    m->mem_size_off = ev.offset - 8;
                }
                break;
            case VMC_EV_RAM_PAGE:
                if (per_kind[ev.u.page.kind] < 12 && m->npages < 64) {
                    rec *p = &m->pages[m->npages++];
                    per_kind[ev.u.page.kind]++;
                    p->off = ev.offset;
                    p->len = ev.length;
                    p->kind = ev.u.page.kind;
                    p->flags = ev.u.page.flags;
                    p->name_len = (ev.u.page.flags & VMC_RAM_CONTINUE)
                                      ? 0 : 1 + strlen(ev.u.page.block);
                }
                break;
            case VMC_EV_SECTION_DONE:
                m->secs[m->nsecs - 1].footer = ev.offset;
                m->secs[m->nsecs - 1].end = ev.offset + ev.length;
                m->footers |= ev.u.done.footer;
                break;
            case VMC_EV_EOF:
                m->eof_off = ev.offset;
                break;
            case VMC_EV_VMDESC:
                m->trailer_off = ev.offset;
                m->json_len = ev.u.vmdesc.len;
                break;
            default:
                break;
            }
        }
        if (rc < 0) {
            char buf[2048];
            fail_msg("%s does not parse: %s", id, vmc_error_format(vmc_error_last(), buf,
                                                                    sizeof(buf)));
        }
        vmc_reader_free(r);
        vmc_source_free(src);
        /* What the spec says about these streams, checked on the bytes. */
        assert_memory_equal(m->data, "QEVM\0\0\0\3", 8);
        assert_true(m->eof_off > 0 && m->data[m->eof_off] == 0x00);
        assert_true(m->trailer_off == m->eof_off + 1 && m->data[m->trailer_off] == 0x06);
        assert_true(rd_be(m->data + m->trailer_off + 1, 4) == m->len - (size_t)m->trailer_off - 5);
        assert_true(m->nsecs > 10);
        for (size_t i = 0; i < m->nsecs; i++) {
            assert_int_equal(m->data[m->secs[i].start], m->secs[i].type);
            if (m->footers) {
                assert_int_equal(m->data[m->secs[i].footer], 0x7e);
                assert_true(rd_be(m->data + m->secs[i].footer + 1, 4) == m->secs[i].id);
            }
        }
        return m;
    }
    fail_msg("unknown stream %s", id);
    return NULL;
}

static const span *find_section(const smap *m, const char *idstr, uint8_t type)
{
    for (size_t i = 0; i < m->nsecs; i++) {
        if (strcmp(m->secs[i].idstr, idstr) == 0 && (!type || m->secs[i].type == type)) {
            return &m->secs[i];
        }
    }
    fail_msg("%s: no section %s", m->id, idstr);
    return NULL;
}

/* The section whose payload or footer holds byte pos, else NULL. */
static const span *section_at(const smap *m, int64_t pos)
{
    for (size_t i = 0; i < m->nsecs; i++) {
        if (pos >= m->secs[i].hdr_end && pos < m->secs[i].end) {
            return &m->secs[i];
        }
    }
    return NULL;
}

static uint8_t *dup_bytes(const uint8_t *d, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    memcpy(p, d, n);
    return p;
}

/* ---- running the reader ---------------------------------------------------- */

typedef struct outcome {
    int rc;
    vmc_error err;
    size_t events;
    char warnings[16384];      /* joined, possibly cut */
    int undescribed;           /* device sections not decoded with the vmdesc */
    char undescribed_first[256];
} outcome;

static void report(const char *what, const outcome *o)
{
    char buf[2048];
    failures++;
    if (failures <= 40) {
        fprintf(stderr, "FAIL %s: %s -> rc %d %s\n", current_case, what, o->rc,
                o->rc < 0 ? vmc_error_format(&o->err, buf, sizeof(buf)) : "");
    }
}

/* Read src to the end; check the invariants every input must satisfy. */
static void run_src(vmc_source *src, size_t len, const vmc_reader_options *opts, outcome *o)
{
    memset(o, 0, sizeof(*o));
    vmc_reader *r;
    assert_int_equal(vmc_reader_new(&r, src, opts), 0);
    vmc_event ev;
    int64_t last = 0;
    size_t wl = 0;
    while ((o->rc = vmc_reader_next(r, &ev)) > 0) {
        if (++o->events > 4 * len + 64) {
            report("more events than the input can hold (livelock)", o);
            break;
        }
        if (ev.offset < last || ev.length < 0 || ev.offset + ev.length > (int64_t)len) {
            report("event outside the input or out of order", o);
        }
        last = ev.offset;
        if (ev.kind == VMC_EV_DEVICE_STATE &&
            !(ev.u.state.described_by && strcmp(ev.u.state.described_by, "vmdesc") == 0)) {
            if (!o->undescribed++) {
                snprintf(o->undescribed_first, sizeof(o->undescribed_first), "%s/%u",
                         ev.u.state.idstr, ev.u.state.instance_id);
            }
        }
        if (ev.kind == VMC_EV_END) {
            o->rc = 0;
            break;
        }
    }
    if (o->rc < 0) {
        o->err = *vmc_error_last();
        if (o->err.code != o->rc) {
            report("last error does not match the returned code", o);
        }
        if (!o->err.message[0]) {
            report("error without a message", o);
        }
        if (o->err.offset < 0 || o->err.offset > (int64_t)len) {
            report("error offset missing or outside the input", o);
        }
    }
    for (size_t i = 0; i < vmc_reader_warning_count(r) && wl + 2 < sizeof(o->warnings); i++) {
        wl += (size_t)snprintf(o->warnings + wl, sizeof(o->warnings) - wl, "%s\n",
                               vmc_reader_warning(r, i));
    }
    vmc_reader_free(r);
}

static void run_mem(const uint8_t *d, size_t len, const vmc_reader_options *opts, outcome *o)
{
    vmc_source *src;
    assert_int_equal(vmc_source_open_memory(&src, d, len, "hostile"), 0);
    run_src(src, len, opts, o);
    vmc_source_free(src);
}

/* The error must name the section whose bytes hold pos (when there is one). */
static void expect_section_at(const smap *m, int64_t pos, const outcome *o, const char *what)
{
    const span *s = section_at(m, pos);
    if (s && o->rc < 0 && strcmp(o->err.section, s->idstr) != 0) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s: error inside section '%s' does not name it", what,
                 s->idstr);
        report(msg, o);
    }
}

static void expect_error_containing(const outcome *o, const char *text, const char *what)
{
    if (o->rc >= 0 || !strstr(o->err.message, text)) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%.200s: expected an error containing \"%.200s\"", what, text);
        report(msg, o);
    }
}

static void expect_offset(const outcome *o, int64_t off, const char *what)
{
    if (o->rc >= 0 || o->err.offset != off) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s: expected the error at offset %lld", what,
                 (long long)off);
        report(msg, o);
    }
}

static void expect_section(const outcome *o, const char *idstr, const char *what)
{
    if (o->rc >= 0 || strcmp(o->err.section, idstr) != 0) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s: expected the error in section '%s'", what, idstr);
        report(msg, o);
    }
}

static void expect_ok(const outcome *o, const char *what)
{
    if (o->rc != 0) {
        report(what, o);
    }
}

static void expect_warning(const outcome *o, const char *text, const char *what)
{
    if (!strstr(o->warnings, text)) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s: expected a warning containing \"%s\"", what, text);
        report(msg, o);
    }
}

/* ---- truncation ------------------------------------------------------------ */

/* About 20 of n sections: the first and last three, and evenly spaced ones. */
static bool sampled(size_t i, size_t n)
{
    size_t step = n / 14 ? n / 14 : 1;
    return i < 3 || i + 3 >= n || i % step == 0;
}

static void add_cut(int64_t *cuts, size_t *n, size_t max, int64_t c, size_t len)
{
    if (c >= 0 && (size_t)c < len && *n < max) {
        cuts[(*n)++] = c;
    }
}

static void truncate_one(const smap *m, int64_t cut)
{
    char what[128];
    snprintf(what, sizeof(what), "truncated at %lld", (long long)cut);
    uint8_t *d = dup_bytes(m->data, (size_t)cut);   /* exact size: ASan sees overreads */
    outcome o;
    /* Cut streams lose their trailer.  Footer-less device sections are then
     * delimited only by the built-in models (the framing alone is ambiguous). */
    static const vmc_reader_options models = { .lookup = vmc_models_lookup };
    run_mem(d, (size_t)cut, m->footers ? NULL : &models, &o);
    if (cut <= m->eof_off) {
        /* The stream ends before QEMU_VM_EOF: an error, and it says so. */
        if (o.rc >= 0) {
            report(what, &o);
        } else {
            if (o.err.code != VMC_ETRUNC) {
                char msg[256];
                snprintf(msg, sizeof(msg), "%s: expected a truncation error", what);
                report(msg, &o);
            }
            if (o.err.offset > cut) {
                report(what, &o);
            }
            expect_section_at(m, cut, &o, what);
        }
    } else {
        /* After EOF QEMU only reads (or warns about) the trailer: it loads. */
        if (o.rc != 0) {
            char msg[256];
            snprintf(msg, sizeof(msg), "%s (inside the trailer): expected success", what);
            report(msg, &o);
        }
        expect_warning(&o, "vmdesc", what);
    }
    free(d);
}

static void test_truncation(void **state)
{
    (void)state;
    int64_t cuts[4096];
    for (size_t k = 0; k < N_IDS; k++) {
        const smap *m = get_map(all_ids[k]);
        current_case = m->id;
        size_t n = 0, max = sizeof(cuts) / sizeof(cuts[0]);
        /* header, configuration: every byte */
        for (int64_t c = 0; c <= 8; c++) {
            add_cut(cuts, &n, max, c, m->len);
        }
        for (int64_t c = m->config_start; m->config_start >= 0 && c <= m->config_end; c++) {
            add_cut(cuts, &n, max, c, m->len);
        }
        /* every section boundary; around the header and the footer and inside the
         * payload of about 20 sections (the first and last ones, RAM, devices) */
        for (size_t i = 0; i < m->nsecs; i++) {
            const span *s = &m->secs[i];
            add_cut(cuts, &n, max, s->start, m->len);
            add_cut(cuts, &n, max, s->end, m->len);
            if (!sampled(i, m->nsecs)) {
                continue;
            }
            add_cut(cuts, &n, max, s->start + 1, m->len);
            add_cut(cuts, &n, max, s->start + 5, m->len);
            add_cut(cuts, &n, max, s->hdr_end - 1, m->len);
            add_cut(cuts, &n, max, s->hdr_end, m->len);
            add_cut(cuts, &n, max, s->hdr_end + 1, m->len);
            if (s->footer > s->hdr_end + 2) {
                add_cut(cuts, &n, max, (s->hdr_end + s->footer) / 2, m->len);
                add_cut(cuts, &n, max, s->footer - 1, m->len);
            }
            add_cut(cuts, &n, max, s->footer, m->len);
            add_cut(cuts, &n, max, s->footer + 1, m->len);
            add_cut(cuts, &n, max, s->end - 1, m->len);
        }
        /* inside RAM page records (up to 4 of each kind) and the block list */
        unsigned per_kind[VMC_PAGE_KIND_COUNT] = { 0 };
        for (size_t i = 0; i < m->npages; i++) {
            const rec *p = &m->pages[i];
            if (per_kind[p->kind]++ >= 4) {
                continue;
            }
            int64_t at[] = { p->off + 1, p->off + 8, p->off + 9, p->off + p->len / 2,
                             p->off + p->len - 1 };
            for (size_t j = 0; j < sizeof(at) / sizeof(at[0]); j++) {
                add_cut(cuts, &n, max, at[j], m->len);
            }
        }
        for (int64_t c = m->mem_size_off; c < m->mem_size_off + 40; c += 3) {
            add_cut(cuts, &n, max, c, m->len);
        }
        /* EOF and the trailer */
        for (int64_t c = m->eof_off; c <= m->trailer_off + 6; c++) {
            add_cut(cuts, &n, max, c, m->len);
        }
        add_cut(cuts, &n, max, m->trailer_off + 5 + (int64_t)m->json_len / 2, m->len);
        add_cut(cuts, &n, max, (int64_t)m->len - 1, m->len);
        for (size_t i = 0; i < n; i++) {
            truncate_one(m, cuts[i]);
        }
        print_message("%s: %zu truncations\n", m->id, n);
    }
    current_case = "";
    assert_int_equal(failures, 0);
}

/* Configurations with subsections (uuid, capabilities): cut at every byte. */
static void test_truncate_configuration(void **state)
{
    (void)state;
    static const char *const ids[] = { "cap-validate-uuid-mismatch-q35-7.2",
                                       "cap-ignore-shared-src-only-q35-7.2" };
    for (size_t k = 0; k < 2; k++) {
        current_case = ids[k];
        size_t len;
        uint8_t *data = tu_corpus_stream(ids[k], &len);
        /* header, then 0x07, be32 10, "pc-q35-7.2", then subsection 0x05 */
        assert_memory_equal(data + 8, "\x07\0\0\0\x0apc-q35-7.2\x05", 16);
        /* The configuration ends where the RAM section's START begins. */
        static const uint8_t start_ram[] = { 0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm' };
        size_t end = 0;
        for (size_t p = 24; p + sizeof(start_ram) <= len && !end; p++) {
            if (memcmp(data + p, start_ram, sizeof(start_ram)) == 0) {
                end = p;
            }
        }
        assert_true(end > 24 && end < 100);
        for (size_t cut = 9; cut < end; cut++) {
            if (cut == 23) {
                continue;   /* after the name: a complete configuration */
            }
            char what[128];
            snprintf(what, sizeof(what), "truncated at %zu inside the configuration", cut);
            uint8_t *d = dup_bytes(data, cut);
            outcome o;
            run_mem(d, cut, NULL, &o);
            if (o.rc >= 0 || o.err.code != VMC_ETRUNC || o.err.offset > (int64_t)cut ||
                strcmp(o.err.section, "configuration") != 0) {
                report(what, &o);
            }
            free(d);
        }
        free(data);
    }
    current_case = "";
    assert_int_equal(failures, 0);
}

/* ---- flipped bytes ------------------------------------------------------- */

static void with_byte(const smap *m, int64_t pos, uint8_t value, const vmc_reader_options *opts,
                      outcome *o)
{
    uint8_t *d = dup_bytes(m->data, m->len);
    d[pos] = value;
    run_mem(d, m->len, opts, o);
    free(d);
}

static void test_flip_targeted(void **state)
{
    (void)state;
    const smap *m = get_map(ID_Q35);
    current_case = "targeted flips";
    outcome o;
    char want[512];

    /* magic, version (section 3) */
    with_byte(m, 0, 'X', NULL, &o);
    expect_error_containing(&o, "Not a migration stream", "magic");
    expect_offset(&o, 0, "magic");
    with_byte(m, 7, 2, NULL, &o);
    expect_error_containing(&o, "SaveVM v2 format is obsolete", "version 2");
    with_byte(m, 7, 4, NULL, &o);
    expect_error_containing(&o, "Unsupported migration stream version", "version 4");

    /* a section type byte (2.1) */
    const span *fw = find_section(m, "fw_cfg", VMC_SEC_FULL);
    with_byte(m, fw->start, 0x09, NULL, &o);
    expect_error_containing(&o, "Unknown savevm section type 9", "section type");
    expect_offset(&o, fw->start, "section type");
    with_byte(m, fw->start, 0x7e, NULL, &o);
    expect_error_containing(&o, "Unknown savevm section type 126", "section type 0x7e");

    /* an empty idstr (1) */
    with_byte(m, fw->start + 5, 0, NULL, &o);
    snprintf(want, sizeof(want), "Unable to read ID string for section %u", fw->id);
    expect_error_containing(&o, want, "empty idstr");

    /* footers (6.5) */
    with_byte(m, fw->footer, 0x7f, NULL, &o);
    expect_error_containing(&o, "Missing section footer for fw_cfg", "footer byte");
    expect_offset(&o, fw->footer, "footer byte");
    expect_section(&o, "fw_cfg", "footer byte");
    with_byte(m, fw->footer + 4, (uint8_t)(fw->id + 1), NULL, &o);
    snprintf(want, sizeof(want),
             "Mismatched section id in footer for fw_cfg - read 0x%x expected 0x%x",
             fw->id + 1, fw->id);
    expect_error_containing(&o, want, "footer id");
    expect_section(&o, "fw_cfg", "footer id");
    const span *ram_end = find_section(m, "ram", VMC_SEC_END);
    with_byte(m, ram_end->footer, 0x00, NULL, &o);
    expect_error_containing(&o, "Missing section footer for ram", "ram footer");
    expect_section(&o, "ram", "ram footer");

    /* PART/END of an unknown section id (6.4) */
    with_byte(m, ram_end->start + 1, 0x7f, NULL, &o);
    snprintf(want, sizeof(want), "Unknown savevm section %u", 0x7f000000u | ram_end->id);
    expect_error_containing(&o, want, "END section id");
    /* RAM version other than 4 (11) */
    const span *ram_start = find_section(m, "ram", VMC_SEC_START);
    with_byte(m, ram_start->hdr_end - 1, 5, NULL, &o);
    expect_error_containing(&o, "version 5", "ram version");

    /* RAM record flags (11.1) */
    const rec *zero = NULL;
    for (size_t i = 0; i < m->npages && !zero; i++) {
        if (m->pages[i].kind == VMC_PAGE_ZERO) {
            zero = &m->pages[i];
        }
    }
    assert_non_null(zero);
    uint8_t f = m->data[zero->off + 7];
    assert_true((f & ~0x20) == 0x02);   /* ZERO, maybe CONTINUE */
    with_byte(m, zero->off + 7, f | 0x01, NULL, &o);
    snprintf(want, sizeof(want), "Unknown combination of migration flags: 0x%x", f | 0x01);
    expect_error_containing(&o, want, "ram flags");
    expect_offset(&o, zero->off, "ram flags");
    expect_section(&o, "ram", "ram flags");
    with_byte(m, zero->off + 7, (uint8_t)(f | 0x08), NULL, &o);
    snprintf(want, sizeof(want), "Unknown combination of migration flags: 0x%x", f | 0x08);
    expect_error_containing(&o, want, "ram flags ZERO|PAGE");
    with_byte(m, zero->off + 7, (uint8_t)(f | 0x80), NULL, &o);
    expect_section(&o, "ram", "ram HOOK flag");
    with_byte(m, zero->off + 6, 0x02, NULL, &o);   /* MULTIFD_FLUSH|ZERO */
    expect_section(&o, "ram", "ram flags 0x202");

    current_case = "";
    assert_int_equal(failures, 0);
}

/* Deterministic xorshift. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void flip_check(const smap *m, int64_t pos, uint8_t value)
{
    char what[128];
    snprintf(what, sizeof(what), "byte %lld set to 0x%02x", (long long)pos, value);
    outcome o;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    with_byte(m, pos, value, NULL, &o);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (dt > 5.0) {
        char buf[2048];
        fprintf(stderr, "SLOW %.2fs %s %s: rc %d %s\n", dt, m->id, what, o.rc,
                o.rc < 0 ? vmc_error_format(&o.err, buf, sizeof(buf)) : "");
    }
    /* An error inside the section whose payload holds the changed byte names it. */
    const span *s = section_at(m, pos);
    if (o.rc < 0 && s && s->device && pos < s->footer && o.err.offset >= pos &&
        o.err.offset >= s->hdr_end && o.err.offset < s->end &&
        strcmp(o.err.section, s->idstr) != 0) {
        report(what, &o);
    }
}

static void test_flip_everywhere(void **state)
{
    (void)state;
    for (size_t k = 0; k < N_IDS; k++) {
        const smap *m = get_map(all_ids[k]);
        current_case = m->id;
        size_t n = 0;
        /* the header and footer fields of about 12 sections: type, id, idstr length and
         * text, instance, version; footer marker and id */
        for (size_t i = 0; i < m->nsecs; i++) {
            const span *s = &m->secs[i];
            if (!sampled(i, m->nsecs) || (i % 2 && i > 2 && i + 3 < m->nsecs)) {
                continue;
            }
            bool full = s->type == VMC_SEC_START || s->type == VMC_SEC_FULL;
            int64_t at[] = { s->start, s->start + 1, s->start + 4, s->footer, s->footer + 4,
                             /* START/FULL: idstr length, idstr, instance, version */
                             s->start + 5, s->start + 6, s->hdr_end - 5, s->hdr_end - 1 };
            size_t nat = full ? 9 : 5;
            for (size_t j = 0; j < nat; j++, n++) {
                if (at[j] < s->end) {
                    flip_check(m, at[j], (uint8_t)(m->data[at[j]] ^ (1u << (rnd() % 8))));
                }
            }
        }
        /* the configuration, the block list, page record headers */
        for (int64_t p = m->config_start; m->config_start >= 0 && p < m->config_end; p++, n++) {
            flip_check(m, p, (uint8_t)(m->data[p] + 1));
        }
        for (int64_t p = m->mem_size_off; p < m->mem_size_off + 32; p += 4, n++) {
            flip_check(m, p, (uint8_t)(m->data[p] ^ 0x80));
        }
        unsigned per_kind[VMC_PAGE_KIND_COUNT] = { 0 };
        for (size_t i = 0; i < m->npages; i++) {
            const rec *r = &m->pages[i];
            if (per_kind[r->kind]++ >= 2) {
                continue;
            }
            int64_t at[] = { r->off + 6, r->off + 7, r->off + 8, r->off + 11 };
            for (size_t j = 0; j < 4; j++, n++) {
                if (at[j] < r->off + r->len) {
                    flip_check(m, at[j], (uint8_t)rnd());
                }
            }
        }
        /* the trailer framing and JSON */
        for (int64_t p = m->eof_off; p < m->trailer_off + 5; p++, n++) {
            flip_check(m, p, (uint8_t)(m->data[p] ^ 0x01));
        }
        for (int i = 0; i < 16; i++, n++) {
            int64_t p = m->trailer_off + 5 + (int64_t)(rnd() % m->json_len);
            flip_check(m, p, (uint8_t)rnd());
        }
        /* anywhere in the device part, and anywhere at all */
        int64_t dev0 = m->secs[0].start;
        for (size_t i = 0; i < m->nsecs; i++) {
            if (m->secs[i].device) {
                dev0 = m->secs[i].start;
                break;
            }
        }
        for (int i = 0; i < 40; i++, n++) {
            int64_t p = dev0 + (int64_t)(rnd() % (uint64_t)(m->trailer_off - dev0));
            flip_check(m, p, (uint8_t)rnd());
        }
        for (int i = 0; i < 20; i++, n++) {
            flip_check(m, (int64_t)(rnd() % m->len), (uint8_t)rnd());
        }
        print_message("%s: %zu changed bytes\n", m->id, n);
    }
    current_case = "";
    assert_int_equal(failures, 0);
}

/* Without the trailer, device sections are decoded by the built-in models:
 * their engine, hooks and custom decoders meet the changed bytes. */
static void test_flip_models(void **state)
{
    (void)state;
    static const vmc_reader_options models = { .lookup = vmc_models_lookup };
    for (size_t k = 0; k < N_IDS; k++) {
        const smap *m = get_map(all_ids[k]);
        current_case = m->id;
        size_t len = (size_t)m->eof_off + 1;   /* up to QEMU_VM_EOF, no trailer */
        uint8_t *d = dup_bytes(m->data, len);
        outcome o;
        run_mem(d, len, &models, &o);
        if (o.rc != 0 && m->footers) {
            /* (an unmodelled section is delimited by its footer) */
            report("stream without trailer, decoded with the models", &o);
        }
        size_t n = 0;
        for (size_t i = 0; i < m->nsecs; i++) {
            const span *s = &m->secs[i];
            if (!s->device || s->footer <= s->hdr_end || !sampled(i, m->nsecs)) {
                continue;
            }
            for (int j = 0; j < 6; j++, n++) {
                int64_t p = s->hdr_end + (int64_t)(rnd() % (uint64_t)(s->footer - s->hdr_end));
                uint8_t old = d[p];
                d[p] = (uint8_t)(j < 3 ? rnd() : old ^ 0xff);
                run_mem(d, len, &models, &o);
                d[p] = old;
            }
        }
        free(d);
        print_message("%s: %zu changed bytes decoded with the models\n", m->id, n);
    }
    current_case = "";
    assert_int_equal(failures, 0);
}

/* ---- absurd lengths -------------------------------------------------------- */

/* d = m's bytes with [at, at+n) replaced by ins[0..ins_len). */
static uint8_t *splice_bytes(const smap *m, int64_t at, size_t n, const void *ins, size_t ins_len,
                       size_t *out_len)
{
    size_t len = m->len - n + ins_len;
    uint8_t *d = malloc(len);
    memcpy(d, m->data, (size_t)at);
    memcpy(d + at, ins, ins_len);
    memcpy(d + at + ins_len, m->data + at + n, m->len - (size_t)at - n);
    *out_len = len;
    return d;
}

static void run_spliced(const smap *m, int64_t at, size_t n, const void *ins, size_t ins_len,
                        outcome *o)
{
    size_t len;
    uint8_t *d = splice_bytes(m, at, n, ins, ins_len, &len);
    run_mem(d, len, NULL, o);
    free(d);
}

static void test_absurd_lengths(void **state)
{
    (void)state;
    const smap *m = get_map(ID_Q35);
    current_case = "absurd lengths";
    outcome o;
    uint8_t b[16];

    /* idstr length 255 */
    const span *fw = find_section(m, "fw_cfg", VMC_SEC_FULL);
    b[0] = 0xff;
    run_spliced(m, fw->start + 5, 1, b, 1, &o);
    /* (an error or a success; the invariants are checked in run_src) */

    /* block list total: far too large, and one page short of the sum */
    uint64_t total = rd_be(m->data + m->mem_size_off, 8);
    assert_int_equal(total & 0xfff, VMC_RAM_MEM_SIZE);
    wr_be(b, 8, 0xfffffffffffff000ull | VMC_RAM_MEM_SIZE);
    run_spliced(m, m->mem_size_off, 8, b, 8, &o);
    expect_section(&o, "ram", "block list total 0xfffffffffffff000");
    wr_be(b, 8, total - 0x1000);
    run_spliced(m, m->mem_size_off, 8, b, 8, &o);
    expect_section(&o, "ram", "block list total one page short");
    wr_be(b, 8, VMC_RAM_MEM_SIZE);   /* an empty list, then the entries as records */
    run_spliced(m, m->mem_size_off, 8, b, 8, &o);
    expect_section(&o, "ram", "block list total 0");

    /* command lengths (5): inserted after the configuration */
    static const uint8_t ping_long[] = { 0x08, 0x00, 0x02, 0xff, 0xff };
    run_spliced(m, m->config_end, 0, ping_long, sizeof(ping_long), &o);
    expect_error_containing(&o, "PING received with bad length - expecting 4, got 65535",
                            "PING length");
    expect_offset(&o, m->config_end, "PING length");
    static const uint8_t cmd_unknown[] = { 0x08, 0x00, 0x0c, 0x00, 0x00 };
    run_spliced(m, m->config_end, 0, cmd_unknown, sizeof(cmd_unknown), &o);
    expect_error_containing(&o, "MIG_CMD 0xc unknown (len 0x0)", "command 12");
    static const uint8_t cmd_zero[] = { 0x08, 0x00, 0x00, 0x00, 0x07 };
    run_spliced(m, m->config_end, 0, cmd_zero, sizeof(cmd_zero), &o);
    expect_error_containing(&o, "MIG_CMD 0x0 unknown (len 0x7)", "command 0");
    static const uint8_t advise_long[] = { 0x08, 0x00, 0x03, 0xff, 0xff };
    run_spliced(m, m->config_end, 0, advise_long, sizeof(advise_long), &o);
    /* 65535 bytes of the stream become the command's data; whatever follows */
    static const uint8_t packaged_huge[] = { 0x08, 0x00, 0x07, 0x00, 0x04,
                                             0xff, 0xff, 0xff, 0xff };
    run_spliced(m, m->config_end, 0, packaged_huge, sizeof(packaged_huge), &o);
    {
        /* a stream that ends inside a command's data */
        size_t len = (size_t)m->config_end + 5 + 100;
        uint8_t *d = malloc(len);
        memcpy(d, m->data, (size_t)m->config_end);
        memcpy(d + m->config_end, advise_long, 5);
        memset(d + m->config_end + 5, 0, 100);
        run_mem(d, len, NULL, &o);
        if (o.rc >= 0 || o.err.code != VMC_ETRUNC) {
            report("stream ending inside command data: expected a truncation error", &o);
        }
        free(d);
    }

    /* the vmdesc length (10.1): 0xffffffff.  QEMU reads what it can and loads. */
    wr_be(b, 4, 0xffffffffu);
    run_spliced(m, m->trailer_off + 1, 4, b, 4, &o);
    expect_ok(&o, "vmdesc length 0xffffffff");
    expect_warning(&o, "announces 4294967295 bytes", "vmdesc length 0xffffffff");
    wr_be(b, 4, (uint32_t)m->json_len + 1);
    run_spliced(m, m->trailer_off + 1, 4, b, 4, &o);
    expect_ok(&o, "vmdesc length one too long");
    wr_be(b, 4, (uint32_t)m->json_len - 1);
    run_spliced(m, m->trailer_off + 1, 4, b, 4, &o);
    expect_ok(&o, "vmdesc length one too short");
    expect_warning(&o, "vmdesc", "vmdesc length one too short");

    /* compressed page length (11.4) and XBZRLE length (11.5) */
    const smap *c = get_map(ID_COMPRESS);
    const rec *cp = NULL;
    for (size_t i = 0; i < c->npages && !cp; i++) {
        if (c->pages[i].kind == VMC_PAGE_COMPRESSED) {
            cp = &c->pages[i];
        }
    }
    assert_non_null(cp);
    int64_t lenpos = cp->off + 8 + (int64_t)cp->name_len;
    assert_true(rd_be(c->data + lenpos, 4) == (uint64_t)(cp->len - 12 - (int64_t)cp->name_len));
    wr_be(b, 4, 0xffffffffu);
    run_spliced(c, lenpos, 4, b, 4, &o);
    expect_error_containing(&o, "Invalid compressed data length: -1", "compressed length -1");
    expect_section(&o, "ram", "compressed length -1");
    wr_be(b, 4, 4111);
    run_spliced(c, lenpos, 4, b, 4, &o);
    expect_error_containing(&o, "Invalid compressed data length: 4111", "compressed length 4111");
    wr_be(b, 4, 4110);   /* compressBound(4096): allowed; the next bytes are misread */
    run_spliced(c, lenpos, 4, b, 4, &o);

    const smap *x = get_map(ID_XBZRLE);
    const rec *xp = NULL;
    for (size_t i = 0; i < x->npages && !xp; i++) {
        if (x->pages[i].kind == VMC_PAGE_XBZRLE) {
            xp = &x->pages[i];
        }
    }
    assert_non_null(xp);
    int64_t encpos = xp->off + 8 + (int64_t)xp->name_len;
    assert_int_equal(x->data[encpos], 0x01);   /* ENCODING_FLAG_XBZRLE */
    assert_true(rd_be(x->data + encpos + 1, 2) == (uint64_t)(xp->len - 11 - (int64_t)xp->name_len));
    wr_be(b, 2, 0xffff);
    run_spliced(x, encpos + 1, 2, b, 2, &o);
    expect_error_containing(&o, "Failed to load XBZRLE page - len overflow!", "xbzrle length");
    expect_section(&o, "ram", "xbzrle length");
    b[0] = 0x02;
    run_spliced(x, encpos, 1, b, 1, &o);
    expect_error_containing(&o, "Failed to load XBZRLE page - wrong compression!",
                            "xbzrle encoding");

    /* configuration: machine name length (4) */
    wr_be(b, 4, 0xffffffffu);
    run_spliced(m, m->config_start + 1, 4, b, 4, &o);
    expect_section(&o, "configuration", "machine name length 0xffffffff");
    expect_offset(&o, m->config_start + 1, "machine name length 0xffffffff");
    current_case = "";
    assert_int_equal(failures, 0);
}

/* ---- a lying vmdesc ------------------------------------------------------ */

typedef void (*json_edit)(json_object *root);

static json_object *device(json_object *root, const char *name, uint32_t instance)
{
    json_object *devs = json_object_object_get(root, "devices");
    for (size_t i = 0; i < json_object_array_length(devs); i++) {
        json_object *d = json_object_array_get_idx(devs, i);
        if (strcmp(json_object_get_string(json_object_object_get(d, "name")), name) == 0 &&
            json_object_get_int64(json_object_object_get(d, "instance_id")) == instance) {
            return d;
        }
    }
    fail_msg("vmdesc has no device %s/%u", name, instance);
    return NULL;
}

static json_object *field(json_object *dev, const char *name)
{
    json_object *fields = json_object_object_get(dev, "fields");
    for (size_t i = 0; i < json_object_array_length(fields); i++) {
        json_object *f = json_object_array_get_idx(fields, i);
        if (strcmp(json_object_get_string(json_object_object_get(f, "name")), name) == 0) {
            return f;
        }
    }
    fail_msg("vmdesc device has no field %s", name);
    return NULL;
}

/* The stream with its trailer replaced by edit(trailer JSON). */
static void run_with_vmdesc(const smap *m, json_edit edit, outcome *o)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, (const char *)m->data + m->trailer_off + 5,
                                              (int)m->json_len);
    json_tokener_free(tok);
    assert_non_null(root);
    edit(root);
    const char *js = json_object_to_json_string_ext(root, JSON_C_TO_STRING_SPACED |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t jl = strlen(js);
    size_t len = (size_t)m->trailer_off + 5 + jl;
    uint8_t *d = malloc(len);
    memcpy(d, m->data, (size_t)m->trailer_off + 1);
    wr_be(d + m->trailer_off + 1, 4, jl);
    memcpy(d + m->trailer_off + 5, js, jl);
    json_object_put(root);
    run_mem(d, len, NULL, o);
    free(d);
}

static void edit_none(json_object *root) { (void)root; }

static void edit_timer_size_plus(json_object *root)
{
    json_object_object_add(field(device(root, "timer", 0), "cpu_ticks_offset"), "size",
                           json_object_new_int(9));
}

static void edit_timer_size_minus(json_object *root)
{
    json_object_object_add(field(device(root, "timer", 0), "cpu_ticks_offset"), "size",
                           json_object_new_int(7));
}

static void edit_globalstate_drop_field(json_object *root)
{
    json_object *fields = json_object_object_get(device(root, "globalstate", 0), "fields");
    json_object_array_del_idx(fields, 0, 1);
}

static void edit_fw_cfg_rename_sub(json_object *root)
{
    json_object *subs = json_object_object_get(device(root, "fw_cfg", 0), "subsections");
    json_object_object_add(json_object_array_get_idx(subs, 0), "vmsd_name",
                           json_object_new_string("fw_cfg/dmx"));
}

static void edit_fw_cfg_drop_sub(json_object *root)
{
    json_object *subs = json_object_object_get(device(root, "fw_cfg", 0), "subsections");
    json_object_array_del_idx(subs, 1, 1);
}

static void edit_dma_instance(json_object *root)
{
    json_object_object_add(device(root, "dma", 1), "instance_id", json_object_new_int(7));
}

static void edit_mch_struct_size(json_object *root)
{
    json_object_object_add(field(device(root, "0000:00:00.0/mch", 0), "parent_obj"), "size",
                           json_object_new_int(277));
}

static void edit_cpu_regs_len(json_object *root)
{
    json_object_object_add(field(device(root, "cpu", 0), "env.regs"), "array_len",
                           json_object_new_int(17));
}

static void edit_cpu_regs_huge(json_object *root)
{
    json_object_object_add(field(device(root, "cpu", 0), "env.regs"), "array_len",
                           json_object_new_int64(INT64_C(1) << 62));
}

static void edit_cpu_regs_huge_size0(json_object *root)
{
    json_object *f = field(device(root, "cpu", 0), "env.regs");
    json_object_object_add(f, "array_len", json_object_new_int64(INT64_C(1) << 62));
    json_object_object_add(f, "size", json_object_new_int(0));
}

static void edit_drop_port92(json_object *root)
{
    json_object *devs = json_object_object_get(root, "devices");
    for (size_t i = 0; i < json_object_array_length(devs); i++) {
        json_object *d = json_object_array_get_idx(devs, i);
        if (strcmp(json_object_get_string(json_object_object_get(d, "name")), "port92") == 0) {
            json_object_array_del_idx(devs, i, 1);
            return;
        }
    }
    fail_msg("no port92");
}

static void edit_versions_off(json_object *root)
{
    json_object_object_add(device(root, "apic", 0), "version", json_object_new_int(99));
}

static void edit_virtio_size(json_object *root)
{
    json_object *f = field(device(root, "0000:00:01.0/virtio-blk", 0), "virtio");
    json_object_object_add(f, "size",
                           json_object_new_int64(json_object_get_int64(
                               json_object_object_get(f, "size")) - 1));
}

static void test_lying_vmdesc(void **state)
{
    (void)state;
    const smap *m = get_map(ID_Q35);
    outcome o;
    current_case = "vmdesc re-serialised unchanged";
    run_with_vmdesc(m, edit_none, &o);
    expect_ok(&o, "unchanged vmdesc");
    if (o.undescribed) {
        report("unchanged vmdesc: a section was not decoded with it", &o);
    }

    current_case = "lying vmdesc";
    run_with_vmdesc(m, edit_timer_size_plus, &o);
    expect_section(&o, "timer", "timer field one byte too long");
    run_with_vmdesc(m, edit_timer_size_minus, &o);
    expect_section(&o, "timer", "timer field one byte too short");
    run_with_vmdesc(m, edit_globalstate_drop_field, &o);
    expect_section(&o, "globalstate", "globalstate field removed");
    run_with_vmdesc(m, edit_fw_cfg_rename_sub, &o);
    expect_error_containing(&o, "vmdesc lists subsection 'fw_cfg/dmx' but the stream has "
                            "'fw_cfg/dma' here", "subsection renamed");
    expect_section(&o, "fw_cfg", "subsection renamed");
    run_with_vmdesc(m, edit_fw_cfg_drop_sub, &o);
    expect_error_containing(&o, "subsection 'fw_cfg/acpi_mr' is not in the vmdesc of 'fw_cfg'",
                            "subsection removed");
    run_with_vmdesc(m, edit_mch_struct_size, &o);
    expect_error_containing(&o, "vmdesc says this struct has 277 bytes but its fields use 276",
                            "struct size");
    expect_section(&o, "0000:00:00.0/mch", "struct size");
    run_with_vmdesc(m, edit_cpu_regs_len, &o);
    expect_section(&o, "cpu", "array_len 17");
    run_with_vmdesc(m, edit_cpu_regs_huge, &o);
    expect_error_containing(&o, "exceeds the", "array_len 2^62");
    expect_section(&o, "cpu", "array_len 2^62");
    run_with_vmdesc(m, edit_cpu_regs_huge_size0, &o);
    expect_section(&o, "cpu", "array_len 2^62 of 0-byte elements");
    run_with_vmdesc(m, edit_virtio_size, &o);
    expect_section(&o, "0000:00:01.0/virtio-blk", "virtio blob one byte short");

    /* Sections the vmdesc does not describe are still found from the framing. */
    run_with_vmdesc(m, edit_dma_instance, &o);
    expect_ok(&o, "wrong instance id");
    if (o.undescribed != 1 || strcmp(o.undescribed_first, "dma/1") != 0) {
        report("wrong instance id: dma/1 should be the one undescribed section", &o);
    }
    expect_warning(&o, "'dma' (instance 1)", "wrong instance id");
    run_with_vmdesc(m, edit_drop_port92, &o);
    expect_ok(&o, "device removed from the vmdesc");
    if (o.undescribed != 1 || strcmp(o.undescribed_first, "port92/0") != 0) {
        report("device removed: port92 should be the one undescribed section", &o);
    }
    run_with_vmdesc(m, edit_versions_off, &o);
    expect_ok(&o, "version differs");
    expect_warning(&o, "has version 3 but its vmdesc entry says 99", "version differs");
    current_case = "";
    assert_int_equal(failures, 0);
}

/* ---- pipes ------------------------------------------------------------------ */

/* Run the reader over a real pipe fed by a child process. */
static void run_pipe(const uint8_t *d, size_t len, const vmc_reader_options *opts, outcome *o)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(p[1], d + off, len - off);
            if (w <= 0) {
                _exit(0);   /* the reader stopped early */
            }
            off += (size_t)w;
        }
        _exit(0);
    }
    close(p[1]);
    vmc_source *src;
    assert_int_equal(vmc_source_open_fd(&src, p[0], 1, "pipe"), 0);
    assert_int_equal(vmc_source_size(src), -1);
    run_src(src, len, opts, o);
    vmc_source_free(src);
    int status;
    waitpid(pid, &status, 0);
}

static void same(const outcome *a, const outcome *b, const char *what)
{
    if (a->rc != b->rc || a->events != b->events ||
        (a->rc < 0 && (a->err.offset != b->err.offset ||
                       strcmp(a->err.section, b->err.section) != 0))) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s: the pipe gives rc %d after %zu events, memory %d "
                 "after %zu", what, b->rc, b->events, a->rc, a->events);
        report(msg, b);
    }
}

static void test_pipe(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    for (size_t k = 0; k < N_IDS; k++) {
        const smap *m = get_map(all_ids[k]);
        current_case = m->id;
        int64_t cuts[] = { (int64_t)m->len, m->trailer_off + 100, m->eof_off,
                           m->secs[m->nsecs / 2].hdr_end + 3, m->mem_size_off + 20 };
        for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
            outcome a, b;
            run_mem(m->data, (size_t)cuts[i], NULL, &a);
            run_pipe(m->data, (size_t)cuts[i], NULL, &b);
            same(&a, &b, "pipe vs memory");
        }
    }
    /* The CLI reading stdin (vmcompat inspect -). */
    const smap *m = get_map(ID_Q35);
    current_case = "cli stdin";
    const char *argv[] = { "vmcompat", "inspect", "-", NULL };
    char *out, *err;
    int code = tu_run_cli(argv, m->data, m->len, &out, NULL, &err);
    if (code != 0) {
        fprintf(stderr, "inspect - on a valid stream: exit %d, stderr: %s\n", code, err);
        failures++;
    }
    free(out);
    free(err);
    size_t cut = (size_t)m->secs[m->nsecs / 2].hdr_end + 3;
    code = tu_run_cli(argv, m->data, cut, &out, NULL, &err);
    if (code != 1 || !strstr(err, "offset")) {
        fprintf(stderr, "inspect - on a truncated stream: exit %d, stderr: %s\n", code, err);
        failures++;
    }
    free(out);
    free(err);
    static const uint8_t junk[] = "this is not a migration stream";
    code = tu_run_cli(argv, junk, sizeof(junk), &out, NULL, &err);
    if (code != 1) {
        fprintf(stderr, "inspect - on junk: exit %d, stderr: %s\n", code, err);
        failures++;
    }
    free(out);
    free(err);
    const char *usage[] = { "vmcompat", "inspect", NULL };
    code = tu_run_cli(usage, NULL, 0, &out, NULL, &err);
    if (code != 2) {
        fprintf(stderr, "inspect without a file: exit %d (expected 2)\n", code);
        failures++;
    }
    free(out);
    free(err);
    current_case = "";
    assert_int_equal(failures, 0);
}

/* A configuration announcing 2 MiB target pages (page bits 21; QEMU targets
 * use 8..16) followed by one such page: the memory and the pipe reader must
 * agree, with a clear error or a result, not an internal buffer limit. */
static void test_page_bits(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    current_case = "target page bits 21";
    const uint32_t page = 1u << 21;
    size_t cap = 256 + page, n = 0;
    uint8_t *d = calloc(1, cap);
    static const uint8_t head[] = {
        'Q', 'E', 'V', 'M', 0, 0, 0, 3,
        0x07, 0, 0, 0, 10, 'p', 'c', '-', 'q', '3', '5', '-', '7', '.', '2',
        0x05, 30, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', 'a', 't', 'i', 'o', 'n', '/',
        't', 'a', 'r', 'g', 'e', 't', '-', 'p', 'a', 'g', 'e', '-', 'b', 'i', 't', 's',
        0, 0, 0, 1, 0, 0, 0, 21,
        0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm', 0, 0, 0, 0, 0, 0, 0, 4,
        0, 0, 0, 0, 0, 0x20, 0, 0x04,                /* MEM_SIZE 2 MiB */
        1, 'a', 0, 0, 0, 0, 0, 0x20, 0, 0,           /* block "a", 2 MiB */
        0, 0, 0, 0, 0, 0, 0, 0x10, 0x7e, 0, 0, 0, 2, /* EOS, footer */
        0x02, 0, 0, 0, 2,
        0, 0, 0, 0, 0, 0, 0, 0x08, 1, 'a',           /* PAGE a@0 */
    };
    static const uint8_t tail[] = {
        0, 0, 0, 0, 0, 0, 0, 0x10, 0x7e, 0, 0, 0, 2, 0x00,
    };
    memcpy(d, head, sizeof(head));
    n = sizeof(head);
    memset(d + n, 0xa5, page);
    n += page;
    memcpy(d + n, tail, sizeof(tail));
    n += sizeof(tail);
    outcome a, b;
    run_mem(d, n, NULL, &a);
    run_pipe(d, n, NULL, &b);
    same(&a, &b, "page bits 21");
    if (b.rc < 0 && b.err.code == VMC_EUSAGE) {
        report("page bits 21 through a pipe: an internal limit instead of a stream error", &b);
    }
    free(d);
    current_case = "";
    assert_int_equal(failures, 0);
}

/* ---- bounded memory --------------------------------------------------------- */

static void test_bounded_memory(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    const smap *m = get_map(ID_Q35);
    current_case = "max_device_state";
    const span *first_dev = NULL;
    for (size_t i = 0; i < m->nsecs && !first_dev; i++) {
        if (m->secs[i].device) {
            first_dev = &m->secs[i];
        }
    }
    assert_non_null(first_dev);
    vmc_reader_options small = { .max_device_state = 4096 };
    outcome o;
    /* through a pipe: the buffer may not grow past the limit */
    run_pipe(m->data, m->len, &small, &o);
    if (o.rc != VMC_ELIMIT || o.err.offset < first_dev->hdr_end) {
        report("pipe with max_device_state 4096: expected VMC_ELIMIT after the first "
               "device section header", &o);
    }
    /* through a regular file: refused up front from the file size */
    char *path = tu_temp_file(m->data, m->len, ".mig");
    vmc_source *src;
    assert_int_equal(vmc_source_open_path(&src, path), 0);
    run_src(src, m->len, &small, &o);
    vmc_source_free(src);
    if (o.rc != VMC_ELIMIT || o.err.offset != first_dev->hdr_end ||
        strcmp(o.err.section, first_dev->idstr) != 0) {
        report("file with max_device_state 4096: expected VMC_ELIMIT at the first device "
               "section, naming it", &o);
    }
    /* the limit is not hit by a stream that fits */
    vmc_reader_options fits = { .max_device_state = m->len };
    assert_int_equal(vmc_source_open_path(&src, path), 0);
    run_src(src, m->len, &fits, &o);
    vmc_source_free(src);
    expect_ok(&o, "file with max_device_state = file size");
    unlink(path);
    free(path);

    /* Hostile lengths through a pipe, in a child whose address space is
     * limited (without ASan; with ASan, allocations above 1 GiB fail): a
     * 4 GiB vmdesc length, a 2^60 block list, a 2^62-element vmdesc array. */
    current_case = "hostile lengths, limited memory";
    uint8_t *d = dup_bytes(m->data, m->len);
    wr_be(d + m->trailer_off + 1, 4, 0xffffffffu);
    uint8_t *d2 = dup_bytes(m->data, m->len);
    wr_be(d2 + m->mem_size_off, 8, 0x1000000000000000ull | VMC_RAM_MEM_SIZE);
    const uint8_t *inputs[] = { d, d2 };
    for (size_t i = 0; i < 2; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
#ifndef TU_ASAN
            /* what is mapped now + 512 MiB */
            unsigned long pages = 0;
            FILE *f = fopen("/proc/self/statm", "r");
            if (f && fscanf(f, "%lu", &pages) != 1) {
                pages = 0;
            }
            if (f) {
                fclose(f);
            }
            rlim_t lim = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (512ull << 20);
            struct rlimit rl = { lim, lim };
            setrlimit(RLIMIT_AS, &rl);
#endif
            outcome co;
            run_pipe(inputs[i], m->len, NULL, &co);
            _exit(co.rc == VMC_ENOMEM ? 3 : failures ? 4 : 0);
        }
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "hostile length %zu under a memory limit: status 0x%x\n", i,
                    status);
            failures++;
        }
    }
    free(d);
    free(d2);
    current_case = "";
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bounded_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncate_configuration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flip_targeted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flip_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flip_models, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absurd_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lying_vmdesc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_bits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
