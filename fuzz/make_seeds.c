/*
 * Derive small fuzz seeds from real QEMU streams.
 *
 *   vmc_make_seeds [-n] [-k N] [-s SUBSTR]... STREAM_OUT_DIR VMDESC_OUT_DIR STREAM[.gz]...
 *
 * -k N keeps only the first N device (FULL) sections, plus those whose idstr
 * contains one of the -s substrings; the vmdesc trailer is rewritten to
 * describe exactly the kept sections (same entries, re-serialised by json-c).
 *
 * For each stream, writes
 *   STREAM_OUT_DIR/<name>.stream   the stream with most RAM page records
 *                                  removed (the block list, EOS records,
 *                                  section framing, a few pages of each kind,
 *                                  all device sections and the vmdesc
 *                                  trailer are kept byte for byte), so the
 *                                  result is still a valid stream;
 *   STREAM_OUT_DIR/<name>-novmdesc.stream  (-n) the same, cut before the trailer
 *                                  (exercises the built-in models);
 *   VMDESC_OUT_DIR/<name>.vmdesc   the trailer JSON, a NUL byte, and the
 *                                  payloads of the FULL sections in stream
 *                                  order (input format of fuzz_vmdesc).
 *
 *   vmc_make_seeds -H STREAM_OUT_DIR    writes the hand-written seeds below.
 *
 * A page record that loses the record naming its block is re-encoded with
 * the block name instead of RAM_SAVE_FLAG_CONTINUE.  Every output stream is
 * read back and must parse to the end.  (Seeds are named .stream, not .mig:
 * the repository ignores *.mig files.)
 */
#include "vmcompat/vmcompat.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Pages kept per stream, by vmc_page_kind. */
static const unsigned keep_max[VMC_PAGE_KIND_COUNT] = { 6, 2, 6, 6 };

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static uint8_t *read_input(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");   /* reads plain files too */
    if (!gz) {
        return NULL;
    }
    buf b = { 0 };
    uint8_t chunk[1 << 16];
    int r;
    while ((r = gzread(gz, chunk, sizeof(chunk))) > 0) {
        put(&b, chunk, (size_t)r);
    }
    gzclose(gz);
    if (r < 0) {
        free(b.p);
        return NULL;
    }
    *len = b.n;
    return b.p;
}

static int write_file(const char *path, const void *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return -1;
    }
    return 0;
}

static int reads_to_end(const uint8_t *d, size_t n, const char *name)
{
    vmc_source *src;
    vmc_reader *r;
    vmc_reader_options opts = { .lookup = vmc_models_lookup };
    if (vmc_source_open_memory(&src, d, n, name) || vmc_reader_new(&r, src, &opts)) {
        return -1;
    }
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
    }
    if (rc < 0) {
        char msg[2048];
        fprintf(stderr, "%s: derived seed does not parse: %s\n", name,
                vmc_error_format(vmc_error_last(), msg, sizeof(msg)));
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    return rc;
}

static void be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static long keep_first = -1;     /* -k: device sections kept, -1 = all */
static const char *keep_sub[32];  /* -s */
static int nkeep_sub;

static bool keep_section(const char *idstr, long ordinal)
{
    if (keep_first < 0 || ordinal < keep_first) {
        return true;
    }
    for (int i = 0; i < nkeep_sub; i++) {
        if (strstr(idstr, keep_sub[i])) {
            return true;
        }
    }
    return false;
}

/* The trailer JSON with only the device entries whose index is marked in keep. */
static char *filter_vmdesc(const char *json, size_t len, const bool *keep, size_t nkeep)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    json_tokener_free(tok);
    json_object *devs;
    if (!root || !json_object_object_get_ex(root, "devices", &devs)) {
        return NULL;
    }
    json_object *nd = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(devs); i++) {
        if (i < nkeep && keep[i]) {
            json_object_array_add(nd, json_object_get(json_object_array_get_idx(devs, i)));
        }
    }
    json_object_object_add(root, "devices", nd);
    char *s = strdup(json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return s;
}

static int derive(const char *path, const char *sdir, const char *vdir, int novmdesc)
{
    size_t len;
    uint8_t *in = read_input(path, &len);
    if (!in) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    char name[1024];
    const char *base = strrchr(path, '/');
    snprintf(name, sizeof(name), "%s", base ? base + 1 : path);
    char *dot = strstr(name, ".mig");
    if (dot) {
        *dot = '\0';
    }

    vmc_source *src;
    vmc_reader *r;
    if (vmc_source_open_memory(&src, in, len, name) || vmc_reader_new(&r, src, NULL)) {
        return -1;
    }
    buf out = { 0 }, payloads = { 0 };
    size_t pos = 0;
    unsigned kept[VMC_PAGE_KIND_COUNT] = { 0 };
    char emitted_block[256] = "";
    int64_t trailer_at = -1, trailer_out = -1;
    const char *json = NULL;
    size_t json_len = 0;
    char *new_json = NULL;
    bool keep[4096];
    size_t nsections = 0, ndropped = 0;
    bool skipping = false;
    vmc_event ev;
    int rc;
    while ((rc = vmc_reader_next(r, &ev)) > 0) {
        if (ev.kind == VMC_EV_SECTION && ev.u.section.type == VMC_SEC_FULL &&
            ev.u.section.kind == VMC_SECTION_VMSTATE && nsections < 4096) {
            bool k = keep_section(ev.u.section.idstr, (long)nsections);
            keep[nsections++] = k;
            if (!k) {
                put(&out, in + pos, (size_t)ev.offset - pos);
                pos = (size_t)ev.offset;
                skipping = true;
                ndropped++;
            }
        } else if (ev.kind == VMC_EV_SECTION_DONE && skipping) {
            pos = (size_t)(ev.offset + ev.length);
            skipping = false;
        } else if (ev.kind == VMC_EV_RAM_BLOCK) {
            emitted_block[0] = '\0';
        } else if (ev.kind == VMC_EV_DEVICE_STATE) {
            if (!skipping) {
                put(&payloads, ev.u.state.payload, ev.u.state.payload_len);
            }
        } else if (ev.kind == VMC_EV_VMDESC) {
            put(&out, in + pos, (size_t)ev.offset - pos);
            pos = (size_t)ev.offset;
            trailer_at = ev.offset;
            trailer_out = (int64_t)out.n;
            json = ev.u.vmdesc.json;
            json_len = ev.u.vmdesc.len;
            if (ndropped) {
                new_json = filter_vmdesc(json, json_len, keep, nsections);
                if (!new_json) {
                    fprintf(stderr, "%s: cannot rewrite the vmdesc\n", path);
                    return -1;
                }
                json = new_json;
                json_len = strlen(new_json);
                uint8_t hdr[5] = { VMC_SEC_VMDESC, (uint8_t)(json_len >> 24),
                                   (uint8_t)(json_len >> 16), (uint8_t)(json_len >> 8),
                                   (uint8_t)json_len };
                put(&out, hdr, 5);
                put(&out, json, json_len);
                pos = (size_t)(ev.offset + ev.length);
            }
        } else if (ev.kind == VMC_EV_RAM_PAGE) {
            size_t off = (size_t)ev.offset, end = off + (size_t)ev.length;
            bool cont = ev.u.page.flags & VMC_RAM_CONTINUE;
            put(&out, in + pos, off - pos);
            pos = end;
            if (kept[ev.u.page.kind] >= keep_max[ev.u.page.kind]) {
                continue;   /* dropped */
            }
            kept[ev.u.page.kind]++;
            if (!cont || strcmp(emitted_block, ev.u.page.block) == 0) {
                put(&out, in + off, end - off);
            } else {
                /* The record that named the block was dropped: name it here. */
                uint8_t h[8];
                be64(h, ev.u.page.addr | (ev.u.page.flags & ~(uint32_t)VMC_RAM_CONTINUE));
                put(&out, h, 8);
                uint8_t nl = (uint8_t)strlen(ev.u.page.block);
                put(&out, &nl, 1);
                put(&out, ev.u.page.block, nl);
                put(&out, in + off + 8, end - off - 8);
            }
            snprintf(emitted_block, sizeof(emitted_block), "%s", ev.u.page.block);
        }
    }
    if (rc < 0) {
        char msg[2048];
        fprintf(stderr, "%s: %s\n", path, vmc_error_format(vmc_error_last(), msg, sizeof(msg)));
        return -1;
    }
    put(&out, in + pos, len - pos);
    char opath[4096];
    int ret = 0;
    if (reads_to_end(out.p, out.n, name) == 0) {
        snprintf(opath, sizeof(opath), "%s/%s.stream", sdir, name);
        ret |= write_file(opath, out.p, out.n);
        printf("%s: %zu -> %zu bytes\n", opath, len, out.n);
        if (novmdesc && trailer_out > 0) {
            snprintf(opath, sizeof(opath), "%s/%s-novmdesc.stream", sdir, name);
            ret |= write_file(opath, out.p, (size_t)trailer_out);
            printf("%s: %lld bytes\n", opath, (long long)trailer_out);
        }
    } else {
        ret = -1;
    }
    if (json && trailer_at >= 0) {
        buf v = { 0 };
        put(&v, json, json_len);
        put(&v, "", 1);
        put(&v, payloads.p ? payloads.p : (const uint8_t *)"", payloads.n);
        snprintf(opath, sizeof(opath), "%s/%s.vmdesc", vdir, name);
        ret |= write_file(opath, v.p, v.n);
        printf("%s: %zu bytes\n", opath, v.n);
        free(v.p);
    }
    vmc_reader_free(r);
    vmc_source_free(src);
    free(out.p);
    free(payloads.p);
    free(new_json);
    free(in);
    return ret;
}

/*
 * Hand-written seeds for framing the corpus never shows: commands (incl.
 * PACKAGED), block and dirty-bitmap sections, a configuration with
 * target-page-bits, a footer-less stream, raw section data without header.
 */
#define QEVM 'Q', 'E', 'V', 'M', 0, 0, 0, 3
#define CONFIG_Q35 0x07, 0, 0, 0, 10, 'p', 'c', '-', 'q', '3', '5', '-', '7', '.', '2'
#define EOS8 0, 0, 0, 0, 0, 0, 0, 0x10
static const uint8_t hand_commands[] = {
    QEVM, CONFIG_Q35,
    0x08, 0, 1, 0, 0,                                 /* OPEN_RETURN_PATH */
    0x08, 0, 2, 0, 4, 0, 0, 0, 1,                     /* PING 1 */
    0x08, 0, 3, 0, 16, 0, 0, 0, 0, 0, 0, 0x10, 0,     /* POSTCOPY_ADVISE */
    0, 0, 0, 0, 0, 0, 0x10, 0,
    0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm', 0, 0, 0, 0, 0, 0, 0, 4,
    0, 0, 0, 0, 0, 0, 0x10, 0x04, 1, 'a', 0, 0, 0, 0, 0, 0, 0x10, 0, EOS8,
    0x7e, 0, 0, 0, 2,
    0x08, 0, 7, 0, 4, 0, 0, 0, 30,                    /* PACKAGED, 30 bytes: */
    0x02, 0, 0, 0, 2,                                 /*   PART ram */
    0, 0, 0, 0, 0, 0, 0, 0x02, 1, 'a', 0,             /*   ZERO a@0 */
    EOS8, 0x7e, 0, 0, 0, 2,
    0x00,                                             /*   EOF of the package */
    0x08, 0, 5, 0, 0,                                 /* POSTCOPY_RUN */
    0x03, 0, 0, 0, 2, EOS8, 0x7e, 0, 0, 0, 2,
    0x00,
};
static const uint8_t hand_block_bitmap[] = {
    QEVM, CONFIG_Q35,
    0x01, 0, 0, 0, 1, 5, 'b', 'l', 'o', 'c', 'k', 0, 0, 0, 0, 0, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0, 0x02,                        /* EOS */
    0x7e, 0, 0, 0, 1,
    0x01, 0, 0, 0, 3, 12, 'd', 'i', 'r', 't', 'y', '-', 'b', 'i', 't', 'm', 'a', 'p',
    0, 0, 0, 0, 0, 0, 0, 1,
    0x01,                                             /* EOS */
    0x7e, 0, 0, 0, 3,
    0x02, 0, 0, 0, 1,                                 /* PART block */
    0, 0, 0, 0, 0, 0, 0, 0x04,                        /* PROGRESS 0 */
    0, 0, 0, 0, 0, 0, 0x02, 0x09, 2, 'd', '0',        /* DEVICE_BLOCK|ZERO_BLOCK */
    0, 0, 0, 0, 0, 0, 0, 0x02,
    0x7e, 0, 0, 0, 1,
    0x03, 0, 0, 0, 3,                                 /* END dirty-bitmap */
    0x18, 2, 'd', '0', 0, 0, 0x01, 0, 0x00,           /* START|DEVICE_NAME, gran, flags */
    0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8,         /* BITS */
    0, 0, 0, 0, 0, 0, 0, 1, 0xff,
    0x20, 0x01,                                       /* COMPLETE, EOS */
    0x7e, 0, 0, 0, 3,
    0x00,
};
static const uint8_t hand_ram_pagebits[] = {
    QEVM,
    0x07, 0, 0, 0, 10, 'p', 'c', '-', 'q', '3', '5', '-', '7', '.', '2',
    0x05, 30, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', 'a', 't', 'i', 'o', 'n', '/',
    't', 'a', 'r', 'g', 'e', 't', '-', 'p', 'a', 'g', 'e', '-', 'b', 'i', 't', 's',
    0, 0, 0, 1, 0, 0, 0, 12,
    0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm', 0, 0, 0, 0, 0, 0, 0, 4,
    0, 0, 0, 0, 0, 0, 0x20, 0x04,                     /* MEM_SIZE 0x2000 */
    1, 'a', 0, 0, 0, 0, 0, 0, 0x10, 0,
    1, 'b', 0, 0, 0, 0, 0, 0, 0x10, 0,
    EOS8, 0x7e, 0, 0, 0, 2,
    0x02, 0, 0, 0, 2,
    0, 0, 0, 0, 0, 0, 0, 0x02, 1, 'a', 0,             /* ZERO a@0 */
    0, 0, 0, 0, 0, 0, 0, 0x22, 0,                     /* ZERO|CONTINUE */
    0, 0, 0, 0, 0, 0, 0, 0x40, 1, 'b', 1, 0, 4,       /* XBZRLE b@0, 4 bytes */
    0, 2, 0xb8, 0x0c,
    0, 0, 0, 0, 0, 0, 0x01, 0x20, 0, 0, 0, 12,        /* COMPRESS|CONTINUE, 12 bytes */
    0x78, 0x01, 0x63, 0x60, 0x18, 0x05, 0xa3, 0x60, 0x14, 0, 0, 0,
    EOS8, 0x7e, 0, 0, 0, 2,
    0x03, 0, 0, 0, 2, EOS8, 0x7e, 0, 0, 0, 2,
    0x00,
};
static const uint8_t hand_no_footers[] = {
    QEVM,
    0x01, 0, 0, 0, 2, 3, 'r', 'a', 'm', 0, 0, 0, 0, 0, 0, 0, 4,
    0, 0, 0, 0, 0, 0, 0x10, 0x04, 1, 'a', 0, 0, 0, 0, 0, 0, 0x10, 0, EOS8,
    0x03, 0, 0, 0, 2, EOS8,
    0x04, 0, 0, 0, 0, 5, 't', 'i', 'm', 'e', 'r', 0, 0, 0, 0, 0, 0, 0, 2,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x00,
};

static int write_hand(const char *dir)
{
    static const struct {
        const char *name;
        const uint8_t *d;
        size_t n;
    } seeds[] = {
        { "hand-commands.stream", hand_commands, sizeof(hand_commands) },
        { "hand-block-bitmap.stream", hand_block_bitmap, sizeof(hand_block_bitmap) },
        { "hand-ram-pagebits.stream", hand_ram_pagebits, sizeof(hand_ram_pagebits) },
        { "hand-no-footers.stream", hand_no_footers, sizeof(hand_no_footers) },
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, seeds[i].name);
        reads_to_end(seeds[i].d, seeds[i].n, seeds[i].name);   /* report only */
        rc |= write_file(path, seeds[i].d, seeds[i].n);
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "-H") == 0) {
        return write_hand(argv[2]) != 0;
    }
    int novmdesc = 0, a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "-n") == 0) {
            novmdesc = 1;
        } else if (strcmp(argv[a], "-k") == 0 && a + 1 < argc) {
            keep_first = atol(argv[++a]);
        } else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc && nkeep_sub < 32) {
            keep_sub[nkeep_sub++] = argv[++a];
        } else {
            break;
        }
    }
    if (argc - a < 3) {
        fprintf(stderr, "usage: %s [-n] [-k N] [-s SUBSTR]... STREAM_OUT_DIR VMDESC_OUT_DIR STREAM[.gz]...\n",
                argv[0]);
        return 2;
    }
    int rc = 0;
    for (int i = a + 2; i < argc; i++) {
        rc |= derive(argv[i], argv[a], argv[a + 1], novmdesc) != 0;
    }
    return rc;
}
