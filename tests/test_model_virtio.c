/*
 * The virtio device models (src/devices/model_virtio*.c) against QEMU 7.2.
 *
 *  1. Corpus: the source streams of scenarios whose source never ran (no
 *     hot-plug, no guest writes) put virtio devices behind root ports,
 *     which the fresh streams lack: the model of each source command line
 *     must give every virtio function's config bytes, the blob's layout and
 *     the section identity.  The "missing-virtconsole" scenario: the
 *     destination's ports (model) refuse the stream's port list, the
 *     source's accept it (QEMU refused it: verdict in the corpus).
 *  2. Streams the installed QEMU writes for a matrix of machine types and
 *     properties the corpus lacks (transitional / non-transitional,
 *     disable-legacy / disable-modern, page-per-vq, modern-pio-notify,
 *     vectors, num-queues, packed, ats, aer, virtio-scsi with disks,
 *     virtio-gpu / vga / input / iommu, behind root ports, on pcie.0, pci.0,
 *     pci-bridge and pcie-pci-bridge, pc-q35 7.2 ... 2.4, pc-i440fx 7.2 and
 *     1.4): config bytes of every virtio function, the virtio sections (and
 *     scsi-disk) with instance and version in stream order, the RAM blocks,
 *     and from the blob the queue count, each queue's size, the device
 *     config length, MSI-X presence and the subsections that follow from
 *     the host features (64bit_features, virtqueues, packed_virtqueues,
 *     extra_state).
 *  3. QEMU's own load checks on mutated copies of those streams, loaded
 *     into QEMU started with the same command line: single config bits of
 *     virtio functions (refused exactly when the masks say so, at the byte
 *     the model names), an unsupported guest feature bit (QEMU prints
 *     "Allowed features: 0x..." = the host features, which must be the
 *     model's), MSI-X vectors out of range, the virtio-serial ports map,
 *     and interrupt pins QEMU's INTx notification aborts on.
 *     A bounded sample runs by default; VMC_VIRTIO_SWEEP=all checks the
 *     host features of every device of every matrix case and every config
 *     bit of three layouts (virtio-net with AER + ATS behind a root port up
 *     to the end of ATS, transitional virtio-net on pcie.0, virtio-vga);
 *     VMC_VIRTIO_JOBS sets the number of QEMU instances loading in
 *     parallel (default 4).
 *
 * QEMU must be installed: the QEMU parts fail, never skip, without it.
 */
#include "testutil.h"
#include "qemu_runner.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "devices/model_virtio.h"
#include "machine-types/model_internal.h"
#include "vmcompat/model.h"

typedef struct stream {
    uint8_t *data;
    size_t len;
} stream;

typedef struct counts {
    size_t functions, sections, blobs, ram;
} counts;

static counts total;

/* ---- helpers ------------------------------------------------------------------ */

static char *img_path;   /* 1 MiB raw image, opened read-only by every QEMU */

static const char *image(void)
{
    if (!img_path) {
        void *zero = calloc(1, 1 << 20);
        img_path = tu_temp_file(zero, 1 << 20, ".raw");
        free(zero);
    }
    return img_path;
}

/* argv of a case: "{img}" in an argument becomes the image path. */
static char **expand_args(const char *const *args)
{
    size_t n = 0;
    while (args && args[n]) {
        n++;
    }
    char **out = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const char *p = strstr(args[i], "{img}");
        if (p) {
            out[i] = g_strdup_printf("%.*s%s%s", (int)(p - args[i]), args[i], image(), p + 5);
        } else {
            out[i] = g_strdup(args[i]);
        }
    }
    return out;
}

static void free_args(char **a)
{
    for (size_t i = 0; a && a[i]; i++) {
        g_free(a[i]);
    }
    free(a);
}

static int build_model(const char *machine, char *const *args, vmc_model **out)
{
    const char *argv[256];
    int argc = 0;
    argv[argc++] = "-M";
    argv[argc++] = machine;
    argv[argc++] = "-nodefaults";
    for (size_t i = 0; args && args[i] && argc < 255; i++) {
        argv[argc++] = args[i];
    }
    return vmc_model_build(out, argc, argv, NULL);
}

static stream qemu_stream(const char *machine, char *const *args)
{
    stream s;
    s.data = qr_fresh_stream(machine, (const char *const *)args, &s.len);
    if (!s.data) {
        fail_msg("QEMU -M %s: %s", machine, vmc_error_last()->message);
    }
    return s;
}

static const vmc_value *find_pci_config(const vmc_value *v, int depth)
{
    if (!v || depth > 8) {
        return NULL;
    }
    const char *t = vmc_value_type(v);
    if (t && strcmp(t, "pci config") == 0) {
        return v;
    }
    if (vmc_value_kind_of(v) == VMC_VALUE_STRUCT || vmc_value_kind_of(v) == VMC_VALUE_ARRAY) {
        for (size_t i = 0; i < vmc_value_count(v); i++) {
            const vmc_value *r = find_pci_config(vmc_value_at(v, i), depth + 1);
            if (r) {
                return r;
            }
        }
    }
    return NULL;
}

/* The blob ("virtio" field) of a virtio section's value. */
static const vmc_value *blob_of(const vmc_value *v)
{
    return vmc_value_get(v, "virtio");
}

static const vmc_value *blob_sub(const vmc_value *blob, const char *name)
{
    for (size_t i = 0; blob && i < vmc_value_subsection_count(blob); i++) {
        const vmc_value *s = vmc_value_subsection(blob, i);
        if (strcmp(vmc_value_name(s), name) == 0) {
            return s;
        }
    }
    return NULL;
}

static bool is_virtio_vmsd(const char *idstr)
{
    static const char *const names[] = {
        "/virtio-net", "/virtio-blk", "/virtio-balloon", "/virtio-console", "/virtio-scsi",
        "/virtio-rng", "/virtio-gpu", "/virtio-vga", "/virtio-input", "/virtio-iommu",
        "/scsi-disk", NULL,
    };
    const char *slash = strrchr(idstr, '/');
    for (int i = 0; slash && names[i]; i++) {
        if (strcmp(slash, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

typedef struct sec {
    char idstr[256];
    uint32_t instance, version;
} sec;

/*
 * Everything of the model that a fresh stream shows: virtio functions'
 * config bytes, blob layout, virtio sections in order, RAM blocks.
 */
static void check_stream(const char *what, const stream *s, vmc_model *m, bool check_ram)
{
    vmc_source *src;
    vmc_reader *rd;
    assert_int_equal(vmc_source_open_memory(&src, s->data, s->len, what), 0);
    assert_int_equal(vmc_reader_new(&rd, src, NULL), 0);
    GArray *qsec = g_array_new(FALSE, TRUE, sizeof(sec));
    GPtrArray *qram = g_ptr_array_new_with_free_func(g_free);
    int bad = 0;
    size_t seen_functions = 0;
    vmc_event ev;
    while (vmc_reader_next(rd, &ev) > 0) {
        if (ev.kind == VMC_EV_RAM_BLOCK) {
            g_ptr_array_add(qram, g_strdup_printf("%s %" PRIu64, ev.u.ram_block.name,
                                                  ev.u.ram_block.used_length));
            continue;
        }
        if (ev.kind != VMC_EV_DEVICE_STATE || !is_virtio_vmsd(ev.u.state.idstr)) {
            continue;
        }
        sec q = { .instance = ev.u.state.instance_id, .version = ev.u.state.version_id };
        snprintf(q.idstr, sizeof(q.idstr), "%s", ev.u.state.idstr);
        g_array_append_val(qsec, q);
        vmc_mdev *d = vmc_virtio_model_find(m, ev.u.state.idstr);
        if (!d) {
            continue;   /* scsi-disk, virtio-vga's own section */
        }
        const vmc_value *v = ev.u.state.value;
        assert_non_null(v);
        const vmc_value *cfg = find_pci_config(v, 0);
        assert_non_null(cfg);
        assert_non_null(d->pci);
        size_t n;
        const uint8_t *b = vmc_value_bytes(cfg, &n);
        seen_functions++;
        if (n != d->pci->size) {
            print_message("%s: %s: config of %zu bytes, model %u\n", what, ev.u.state.idstr, n,
                          d->pci->size);
            bad++;
        } else {
            for (size_t o = 0; o < n; o++) {
                if (b[o] != d->pci->config[o]) {
                    print_message("%s: %s (%s): config[0x%03zx] QEMU %02x, model %02x\n", what,
                                  ev.u.state.idstr, d->type, o, b[o], d->pci->config[o]);
                    bad++;
                    break;
                }
            }
        }
        /* the blob's layout and contents that follow from the device */
        vmc_virtio_model_info *info = calloc(1, sizeof(*info));
        assert_int_equal(vmc_virtio_model_get(d, info), 0);
        const vmc_value *blob = blob_of(v);
        assert_non_null(blob);
        const vmc_value *nq = vmc_value_get(blob, "num_queues");
        const vmc_value *vq = vmc_value_get(blob, "vq");
        const vmc_value *clen = vmc_value_get(blob, "config_len");
        assert_non_null(nq);
        if (vmc_value_uint(nq) != info->num_queues) {
            print_message("%s: %s: %" PRIu64 " queues, model %u\n", what, ev.u.state.idstr,
                          vmc_value_uint(nq), info->num_queues);
            bad++;
        }
        for (size_t i = 0; vq && i < vmc_value_count(vq) && i < info->num_queues; i++) {
            const vmc_value *num = vmc_value_get(vmc_value_at(vq, i), "vring.num");
            if (!num || vmc_value_uint(num) != info->queue_size[i]) {
                print_message("%s: %s: queue %zu size %" PRIu64 ", model %u\n", what,
                              ev.u.state.idstr, i, num ? vmc_value_uint(num) : 0,
                              info->queue_size[i]);
                bad++;
                break;
            }
        }
        if (info->config_len && (!clen || vmc_value_uint(clen) != info->config_len)) {
            print_message("%s: %s: config_len %" PRIu64 ", model %u\n", what, ev.u.state.idstr,
                          clen ? vmc_value_uint(clen) : 0, info->config_len);
            bad++;
        }
        const vmc_value *mac = vmc_value_get(blob, "virtio-net-device.mac");
        if (info->virtio_id == 1) {
            size_t ml = 0;
            const uint8_t *mb = mac ? vmc_value_raw(mac, &ml) : NULL;
            if (!mb || ml != 6 || memcmp(mb, info->mac, 6)) {
                print_message("%s: %s: MAC differs from the model's "
                              "%02x:%02x:%02x:%02x:%02x:%02x\n", what, ev.u.state.idstr,
                              info->mac[0], info->mac[1], info->mac[2], info->mac[3],
                              info->mac[4], info->mac[5]);
                bad++;
            }
        }
        bool msix = vmc_value_get(blob, "msix") != NULL;
        bool want[4] = {
            (info->host_features >> 32) != 0,
            (info->host_features >> VMC_VIRTIO_F_VERSION_1) & 1,
            (info->host_features >> VMC_VIRTIO_F_RING_PACKED) & 1,
            info->migrate_extra,
        };
        static const char *const subs[4] = { "virtio/64bit_features", "virtio/virtqueues",
                                             "virtio/packed_virtqueues", "virtio/extra_state" };
        for (int k = 0; k < 4; k++) {
            if ((blob_sub(blob, subs[k]) != NULL) != want[k]) {
                print_message("%s: %s: subsection %s %s, model says %s\n", what,
                              ev.u.state.idstr, subs[k], want[k] ? "absent" : "present",
                              want[k] ? "needed" : "not needed");
                bad++;
            }
        }
        if (msix != (info->nvectors > 0)) {
            print_message("%s: %s: MSI-X state %s, model %u vectors\n", what, ev.u.state.idstr,
                          msix ? "present" : "absent", info->nvectors);
            bad++;
        }
        free(info);
        total.blobs++;
    }
    vmc_reader_free(rd);
    vmc_source_free(src);
    /* every modelled virtio function was in the stream */
    size_t modelled = 0;
    for (size_t i = 0; i < m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(m->devices, i);
        modelled += d->pci && vmc_virtio_model_host_features(d) != 0;
    }
    if (modelled != seen_functions) {
        print_message("%s: the model has %zu virtio functions, the stream %zu\n", what, modelled,
                      seen_functions);
        bad++;
    }
    /* virtio (and scsi-disk) sections of the model, in stream order */
    size_t k = 0;
    for (size_t i = 0; i < vmc_model_section_count(m); i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        if (!is_virtio_vmsd(e->idstr)) {
            continue;
        }
        const sec *q = k < qsec->len ? &g_array_index(qsec, sec, k) : NULL;
        if (!q || strcmp(q->idstr, e->idstr) || q->instance != e->instance_id ||
            q->version != e->version_id) {
            print_message("%s: section %zu: model %s %u v%u, QEMU %s\n", what, k, e->idstr,
                          e->instance_id, e->version_id, q ? q->idstr : "(none)");
            bad++;
        }
        k++;
    }
    if (k != qsec->len) {
        print_message("%s: %u virtio sections in the stream, %zu in the model\n", what,
                      qsec->len, k);
        bad++;
    }
    total.sections += k;
    if (check_ram) {
        if (qram->len != vmc_model_ram_block_count(m)) {
            print_message("%s: %u RAM blocks, model %zu\n", what, qram->len,
                          vmc_model_ram_block_count(m));
            bad++;
        }
        for (size_t i = 0; i < qram->len && i < vmc_model_ram_block_count(m); i++) {
            const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
            char mine[300];
            snprintf(mine, sizeof(mine), "%s %" PRIu64, b->name, b->used_length);
            if (strcmp(mine, g_ptr_array_index(qram, i))) {
                print_message("%s: RAM block %zu: QEMU %s, model %s\n", what, i,
                              (char *)g_ptr_array_index(qram, i), mine);
                bad++;
            }
        }
        total.ram += qram->len;
    }
    g_array_free(qsec, TRUE);
    g_ptr_array_free(qram, TRUE);
    total.functions += seen_functions;
    if (bad) {
        fail_msg("%s: %d differences between the model and QEMU", what, bad);
    }
}

/* ---- 1. corpus ------------------------------------------------------------------ */

static bool fresh_source(json_object *src)
{
    json_object *v;
    if (json_object_object_get_ex(src, "run_ms", &v) && json_object_get_int(v) != 0) {
        return false;
    }
    static const char *const actions[] = { "hotplug", "unplug", "pci_writes", "steps", NULL };
    for (int i = 0; actions[i]; i++) {
        if (json_object_object_get_ex(src, actions[i], &v) && json_object_array_length(v)) {
            return false;
        }
    }
    return true;
}

static int build_from_config(json_object *cfg, vmc_model **out)
{
    const char *argv[256];
    int argc = 0;
    char ram[32];
    json_object *r = json_object_object_get(cfg, "ram");
    if (!r) {
        r = json_object_object_get(cfg, "ram_mb");
    }
    argv[argc++] = "-M";
    argv[argc++] = json_object_get_string(json_object_object_get(cfg, "machine"));
    snprintf(ram, sizeof(ram), "%d", r ? json_object_get_int(r) : 128);
    argv[argc++] = "-m";
    argv[argc++] = ram;
    argv[argc++] = "-nodefaults";
    json_object *devs = json_object_object_get(cfg, "devices");
    for (size_t i = 0; devs && i < json_object_array_length(devs) && argc < 250; i++) {
        argv[argc++] = "-device";
        argv[argc++] = json_object_get_string(json_object_array_get_idx(devs, i));
    }
    json_object *extra = json_object_object_get(cfg, "extra_args");
    for (size_t i = 0; extra && i < json_object_array_length(extra) && argc < 254; i++) {
        argv[argc++] = json_object_get_string(json_object_array_get_idx(extra, i));
    }
    return vmc_model_build(out, argc, argv, NULL);
}

static void test_corpus_scenario_sources(void **state)
{
    (void)state;
    json_object *man = tu_corpus_json("manifest.json");
    json_object *list = json_object_object_get(man, "scenarios");
    size_t used = 0;
    GHashTable *done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *e = json_object_array_get_idx(list, i);
        const char *file = json_object_get_string(json_object_object_get(e, "file"));
        json_object *sc = tu_corpus_json(file);
        json_object *src = json_object_object_get(sc, "src");
        json_object *mut = json_object_object_get(sc, "mutation");
        const char *stream_rel = json_object_get_string(json_object_object_get(sc, "stream"));
        const char *devs = json_object_to_json_string(json_object_object_get(src, "devices"));
        if (!stream_rel || (mut && !json_object_is_type(mut, json_type_null)) ||
            !fresh_source(src) || !strstr(devs, "virtio") ||
            g_hash_table_contains(done, stream_rel)) {
            json_object_put(sc);
            continue;
        }
        g_hash_table_add(done, g_strdup(stream_rel));
        vmc_model *m;
        if (build_from_config(src, &m) != 0) {
            json_object_put(sc);
            continue;   /* other devices not modelled yet */
        }
        stream s;
        s.data = tu_read_file(tu_corpus_path(stream_rel), &s.len);
        check_stream(json_object_get_string(json_object_object_get(sc, "id")), &s, m, false);
        used++;
        free(s.data);
        vmc_model_free(m);
        json_object_put(sc);
    }
    g_hash_table_destroy(done);
    json_object_put(man);
    print_message("corpus scenario sources: %zu streams, %zu virtio functions\n", used,
                  total.functions);
    assert_true(used >= 3);
}

/* The serial ports of the stream's virtio-console section against a model. */
static int serial_verdict(const stream *s, vmc_model *m)
{
    vmc_source *src;
    vmc_reader *rd;
    assert_int_equal(vmc_source_open_memory(&src, s->data, s->len, "serial"), 0);
    assert_int_equal(vmc_reader_new(&rd, src, NULL), 0);
    vmc_event ev;
    int verdict = -2;
    while (vmc_reader_next(rd, &ev) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE || !strstr(ev.u.state.idstr, "/virtio-console")) {
            continue;
        }
        const vmc_value *ds = vmc_value_get(blob_of(ev.u.state.value), "device_save");
        assert_non_null(ds);
        const vmc_value *map = vmc_value_get(ds, "ports_map");
        const vmc_value *ports = vmc_value_get(ds, "ports");
        uint32_t words[VMC_VIRTIO_SERIAL_MAP_WORDS] = { 0 }, ids[64] = { 0 };
        size_t nw = 0, ni = 0;
        for (size_t i = 0; map && i < vmc_value_count(map) && nw < 16; i++) {
            words[nw++] = (uint32_t)vmc_value_uint(vmc_value_at(map, i));
        }
        for (size_t i = 0; ports && i < vmc_value_count(ports) && ni < 64; i++) {
            ids[ni++] = (uint32_t)vmc_value_uint(vmc_value_get(vmc_value_at(ports, i), "id"));
        }
        vmc_mdev *d = vmc_virtio_model_find(m, ev.u.state.idstr);
        assert_non_null(d);
        vmc_virtio_model_info *info = calloc(1, sizeof(*info));
        assert_int_equal(vmc_virtio_model_get(d, info), 0);
        verdict = vmc_virtio_model_check_serial(info, words, nw, ids, ni);
        free(info);
    }
    vmc_reader_free(rd);
    vmc_source_free(src);
    return verdict;
}

static void test_corpus_missing_virtconsole(void **state)
{
    (void)state;
    json_object *sc = tu_corpus_json("scenarios/missing-virtconsole-q35-7.2.json");
    json_object *verdict = json_object_object_get(sc, "verdict");
    /* QEMU refused the stream in the virtio-console section */
    assert_false(json_object_get_boolean(json_object_object_get(verdict, "ok")));
    assert_non_null(strstr(json_object_get_string(json_object_object_get(verdict, "error")),
                           "virtio-console"));
    stream s;
    s.data = tu_read_file(tu_corpus_path(json_object_get_string(
                              json_object_object_get(sc, "stream"))), &s.len);
    vmc_model *src, *dst;
    assert_int_equal(build_from_config(json_object_object_get(sc, "src"), &src), 0);
    assert_int_equal(build_from_config(json_object_object_get(sc, "dst"), &dst), 0);
    /* the map words agree (bit 0 is reserved on both sides); port 0 is unknown */
    assert_int_equal(serial_verdict(&s, src), -1);
    assert_int_equal(serial_verdict(&s, dst), VMC_VIRTIO_SERIAL_MAP_WORDS + 0);
    vmc_model_free(src);
    vmc_model_free(dst);
    free(s.data);
    json_object_put(sc);
}

/* ---- 2. streams of the installed QEMU --------------------------------------------- */

#define DRIVE "-drive", "if=none,id=d0,file={img},format=raw,readonly=on"
#define DRIVE1 "-drive", "if=none,id=d1,file={img},format=raw,readonly=on"
#define RP(n, a) "-device", "pcie-root-port,id=rp" #n ",chassis=" #n ",addr=" a

typedef struct mcase {
    const char *name;
    const char *machine;
    const char *const args[64];
} mcase;

static const mcase cases[] = {
    { "q35-7.2 root bus", "pc-q35-7.2", {
        "-smp", "4", DRIVE, DRIVE1, "-netdev", "user,id=n0", "-chardev", "null,id=c0", "-chardev",
        "null,id=c1",
        "-device", "virtio-net-pci,netdev=n0,id=net0",
        "-device", "virtio-blk-pci,drive=d0,id=blk0",
        "-device", "virtio-balloon-pci,id=bal0",
        "-device", "virtio-serial-pci,id=vser0",
        "-device", "virtserialport,chardev=c1,bus=vser0.0,id=port1",
        "-device", "virtconsole,chardev=c0,bus=vser0.0,id=con0",
        "-device", "virtio-rng-pci,id=rng0",
        "-device", "virtio-scsi-pci,id=scsi0",
        "-device", "scsi-hd,drive=d1,bus=scsi0.0,id=sd0",
        "-device", "scsi-cd,bus=scsi0.0,id=cd0",
        "-device", "scsi-cd,bus=scsi0.0,scsi-id=3,id=cd1",
        "-device", "virtio-gpu-pci,id=gpu0",
        "-device", "virtio-keyboard-pci,id=kbd0",
        "-device", "virtio-mouse-pci,id=mouse0",
        "-device", "virtio-tablet-pci,id=tab0",
        "-device", "virtio-iommu-pci,id=iommu0",
        NULL } },
    { "q35-7.2 root ports", "pc-q35-7.2", {
        DRIVE, RP(1, "0x10"), RP(2, "0x11"), RP(3, "0x12"), RP(4, "0x13"), RP(5, "0x14"),
        RP(6, "0x15"), RP(7, "0x16"), RP(8, "0x17"), RP(9, "0x18"), RP(10, "0x19"),
        "-device", "virtio-net-pci,bus=rp1,id=net0,ats=on,aer=on",
        "-device", "virtio-blk-pci,drive=d0,bus=rp2,id=blk0,num-queues=4,packed=on",
        "-device", "virtio-rng-pci-transitional,bus=rp3,id=rng0",
        "-device", "virtio-serial-pci-non-transitional,bus=rp4,id=vser0",
        "-device", "virtio-balloon-pci,bus=rp5,id=bal0,ats=on,x-ats-page-aligned=off",
        "-device", "virtio-scsi-pci,bus=rp6,id=scsi0,num_queues=2,aer=on,ats=on",
        "-device", "virtio-gpu-pci,bus=rp7,id=gpu0",
        "-device", "virtio-tablet-pci,bus=rp8,id=tab0,x-pcie-flr-init=off",
        "-device", "virtio-net-pci,bus=rp9,id=net1,disable-legacy=off,mq=on,vectors=6",
        "-device", "virtio-net-pci,bus=rp10,id=net2,disable-modern=on,disable-legacy=off",
        NULL } },
    { "q35-7.2 layouts", "pc-q35-7.2", {
        RP(1, "0x10"), RP(2, "0x11"),
        "-device", "virtio-vga,id=vga0",
        "-device", "virtio-rng-pci,id=rng0,page-per-vq=on",
        "-device", "virtio-rng-pci,id=rng1,modern-pio-notify=on,bus=rp1",
        "-device", "virtio-net-pci,id=net0,vectors=0,romfile=",
        "-device", "virtio-net-pci-non-transitional,id=net1,rombar=0",
        "-device", "virtio-net-pci,id=net2,romsize=0x80000,multifunction=on,addr=0x8.0",
        "-device", "virtio-serial-pci,id=vser0,addr=0x8.1,class=0x0380,max_ports=40",
        "-device", "virtio-net-pci,id=net3,disable-legacy=on,packed=on,iommu_platform=on",
        "-device", "pcie-pci-bridge,id=pb1,bus=rp2",
        "-device", "virtio-net-pci,bus=pb1,addr=0x3,id=net4",
        NULL } },
    { "q35-7.1", "pc-q35-7.1", {
        RP(1, "0x10"),
        "-device", "virtio-rng-pci,id=rng0",
        "-device", "virtio-rng-pci-transitional,id=rng1",
        "-device", "virtio-rng-pci-non-transitional,id=rng2,bus=rp1",
        "-device", "virtio-net-pci,id=net0",
        NULL } },
    { "q35-6.0", "pc-q35-6.0", {
        DRIVE, RP(1, "0x10"), RP(2, "0x11"),
        "-device", "virtio-net-pci,bus=rp1,id=net0",
        "-device", "virtio-blk-pci,drive=d0,bus=rp2,id=blk0",
        "-device", "virtio-balloon-pci,id=bal0",
        NULL } },
    { "q35-5.2", "pc-q35-5.2", {
        RP(1, "0x10"),
        "-device", "virtio-net-pci,id=net0",
        "-device", "virtio-net-pci-transitional,bus=rp1,id=net1",
        "-device", "virtio-scsi-pci,id=scsi0",
        NULL } },
    { "q35-4.2", "pc-q35-4.2", {
        "-smp", "4", DRIVE, RP(1, "0x10"),
        "-device", "virtio-blk-pci,drive=d0,id=blk0",
        "-device", "virtio-scsi-pci,id=scsi0",
        "-device", "virtio-net-pci,bus=rp1,id=net0,ats=on",
        "-device", "virtio-balloon-pci,id=bal0",
        NULL } },
    { "q35-4.1", "pc-q35-4.1", {
        RP(1, "0x10"), "-device", "virtio-net-pci,bus=rp1,id=net0", NULL } },
    { "q35-2.12", "pc-q35-2.12", {
        DRIVE, "-chardev", "null,id=c0",
        "-device", "virtio-blk-pci,drive=d0,id=blk0",
        "-device", "virtio-serial-pci,id=vser0",
        "-device", "virtconsole,chardev=c0,id=con0",
        "-device", "virtio-balloon-pci,id=bal0",
        "-device", "virtio-mouse-pci,id=m0",
        NULL } },
    { "q35-2.8", "pc-q35-2.8", {
        RP(1, "0x10"), RP(2, "0x11"),
        "-device", "virtio-net-pci,bus=rp1,id=net0",
        "-device", "virtio-gpu-pci,bus=rp2,id=gpu0",
        "-device", "virtio-rng-pci,id=rng0",
        NULL } },
    { "q35-2.6", "pc-q35-2.6", {
        RP(1, "0x10"), RP(2, "0x11"),
        "-device", "virtio-net-pci,bus=rp1,id=net0",
        "-device", "virtio-gpu-pci,bus=rp2,id=gpu0",
        "-device", "virtio-rng-pci-non-transitional,id=rng0",
        "-device", "virtio-balloon-pci,id=bal0",
        NULL } },
    { "q35-2.4", "pc-q35-2.4", {
        RP(1, "0x10"), RP(2, "0x11"),
        "-device", "virtio-net-pci-transitional,bus=rp1,id=net0",
        "-device", "virtio-rng-pci,bus=rp2,id=rng0",
        "-device", "virtio-net-pci,id=net1,disable-modern=off",
        NULL } },
    { "i440fx-7.2", "pc-i440fx-7.2", {
        DRIVE, "-netdev", "user,id=n0",
        "-device", "virtio-vga,id=vga0",
        "-device", "pci-bridge,id=br1,chassis_nr=1",
        "-device", "virtio-net-pci,netdev=n0,bus=br1,addr=0x3,id=net0",
        "-device", "virtio-blk-pci,drive=d0,bus=br1,addr=0x4,id=blk0",
        "-device", "virtio-serial-pci,id=vser0",
        "-device", "virtio-iommu-pci,id=iommu0",
        "-device", "virtio-rng-pci-non-transitional,id=rng0",
        NULL } },
    { "i440fx-1.4", "pc-i440fx-1.4", {
        DRIVE, "-netdev", "user,id=n0", "-chardev", "null,id=c0",
        "-device", "virtio-net-pci,netdev=n0,id=net0",
        "-device", "virtio-blk-pci,drive=d0,id=blk0",
        "-device", "virtio-balloon-pci,id=bal0",
        "-device", "virtio-serial-pci,id=vser0",
        "-device", "virtserialport,chardev=c0,id=port0,nr=5",
        "-device", "virtio-rng-pci,id=rng0",
        NULL } },
    /* sweep only, and only where /dev/net/tun can be opened: a tap back end
     * with two queue pairs (vnet header, UFO: host features of the kernel) */
    { "q35-7.2 tap", "pc-q35-7.2", {
        RP(1, "0x10"),
        "-netdev", "tap,id=t0,script=no,downscript=no,queues=2",
        "-netdev", "tap,id=t1,script=no,downscript=no",
        "-device", "virtio-net-pci,netdev=t0,mq=on,id=net0",
        "-device", "virtio-net-pci,netdev=t1,bus=rp1,id=net1,mac=52:54:00:ab:cd:ef",
        NULL } },
};
enum { NCASES = sizeof(cases) / sizeof(cases[0]) };

static stream case_streams[NCASES];
static vmc_model *case_models[NCASES];

static bool sweep_all(void)
{
    const char *s = getenv("VMC_VIRTIO_SWEEP");
    return s && strcmp(s, "all") == 0;
}

static bool case_enabled(int i)
{
    if (strcmp(cases[i].name, "q35-7.2 tap") != 0) {
        return true;
    }
    return sweep_all() && access("/dev/net/tun", R_OK | W_OK) == 0;
}

static void load_case(int i)
{
    if (case_models[i]) {
        return;
    }
    char **args = expand_args(cases[i].args);
    case_streams[i] = qemu_stream(cases[i].machine, args);
    int rc = build_model(cases[i].machine, args, &case_models[i]);
    free_args(args);
    if (rc) {
        fail_msg("%s: model: %s", cases[i].name, vmc_error_last()->message);
    }
}

static void test_qemu_matrix(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    counts c0 = total;
    int ran = 0;
    for (int i = 0; i < NCASES; i++) {
        if (case_enabled(i)) {
            load_case(i);
            check_stream(cases[i].name, &case_streams[i], case_models[i], true);
            ran++;
        }
    }
    print_message("matrix: %d machines, %zu virtio functions, %zu virtio sections, %zu RAM "
                  "blocks, %zu blobs, 0 differences, %ld s\n", ran, total.functions - c0.functions,
                  total.sections - c0.sections, total.ram - c0.ram, total.blobs - c0.blobs,
                  (long)(time(NULL) - t0));
}

/* ---- 3. QEMU's load checks ----------------------------------------------------------- */

typedef enum mkind { MK_CONFIG, MK_FEATURES, MK_VECTOR, MK_SERIAL } mkind;

typedef struct mutation {
    int c;                   /* case */
    mkind kind;
    char idstr[128];
    int64_t off;             /* absolute stream offset of the changed bytes */
    uint8_t bytes[8];        /* new bytes */
    unsigned nbytes;
    /* prediction */
    bool refuse;
    bool abort;              /* QEMU aborts (assertion) instead of refusing */
    int bad_off;             /* MK_CONFIG: first offending config byte */
    char line[200];          /* MK_FEATURES: QEMU's line */
    const char *what;
} mutation;

typedef qr_verdict outcome;

static void run_one(const mutation *mu, int idx, outcome *o)
{
    const stream *s = &case_streams[mu->c];
    char **args = expand_args(cases[mu->c].args);
    qr_config cfg = { .machine = cases[mu->c].machine, .args = (const char *const *)args };
    qr_load_patched(&cfg, s->data, s->len, mu->off, mu->bytes, mu->nbytes, idx, o);
    free_args(args);
}

static void mutation_run(size_t i, void *rec, void *ctx)
{
    run_one(&((const mutation *)ctx)[i], (int)i, rec);
}

static void run_all(const mutation *mu, size_t n, int jobs, outcome *out)
{
    bool *lost = calloc(n ? n : 1, sizeof(*lost));
    tu_run_forked(n, jobs, sizeof(*out), out, mutation_run, (void *)mu, lost);
    for (size_t i = 0; i < n; i++) {
        if (lost[i]) {
            out[i].ok = -1;
        }
    }
    free(lost);
}

/* A virtio section of case c: its value (decoded with the vmdesc) and model device. */
typedef struct target {
    char idstr[128];
    const vmc_value *value;
    vmc_mdev *dev;
} target;

typedef struct decoded {
    vmc_source *src;
    vmc_reader *rd;
    target t[32];
    int n;
} decoded;

/* Decode case c and keep the values of its virtio sections (the reader owns them). */
static void decode_case(int c, decoded *dc)
{
    memset(dc, 0, sizeof(*dc));
    assert_int_equal(vmc_source_open_memory(&dc->src, case_streams[c].data, case_streams[c].len,
                                            cases[c].name), 0);
    assert_int_equal(vmc_reader_new(&dc->rd, dc->src, NULL), 0);
    vmc_event ev;
    while (vmc_reader_next(dc->rd, &ev) > 0) {
        if (ev.kind != VMC_EV_DEVICE_STATE || !ev.u.state.value || dc->n >= 32) {
            continue;
        }
        vmc_mdev *d = vmc_virtio_model_find(case_models[c], ev.u.state.idstr);
        if (!d) {
            continue;
        }
        target *t = &dc->t[dc->n++];
        snprintf(t->idstr, sizeof(t->idstr), "%s", ev.u.state.idstr);
        t->value = ev.u.state.value;
        t->dev = d;
    }
}

static void decoded_free(decoded *dc)
{
    vmc_reader_free(dc->rd);
    vmc_source_free(dc->src);
}

static unsigned long long rng_state = 0x5eedull;

static unsigned rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng_state >> 33);
}

static void add_config_flip(GArray *v, int c, const target *t, unsigned off, unsigned bit)
{
    const vmc_value *cfg = find_pci_config(t->value, 0);
    size_t n;
    const uint8_t *b = vmc_value_bytes(cfg, &n);
    if (off >= n) {
        return;
    }
    mutation mu = { .c = c, .kind = MK_CONFIG, .nbytes = 1, .what = "config bit" };
    snprintf(mu.idstr, sizeof(mu.idstr), "%s", t->idstr);
    mu.off = vmc_value_offset(cfg) + off;
    mu.bytes[0] = (uint8_t)(b[off] ^ (1u << bit));
    uint8_t in[VMC_PCIE_CONFIG_SPACE];
    memcpy(in, b, n);
    in[off] = mu.bytes[0];
    int first;
    int nbad = vmc_pci_config_load_check(t->dev->pci, in, n, &first);
    assert_true(nbad >= 0);
    mu.refuse = nbad > 0;
    mu.bad_off = first;
    if (!mu.refuse) {
        /* the config is accepted; then virtio_load() raises INTx through its pin */
        vmc_virtio_model_info *info = calloc(1, sizeof(*info));
        assert_int_equal(vmc_virtio_model_get(t->dev, info), 0);
        if (!vmc_virtio_model_check_intx(info, in, n)) {
            mu.refuse = true;
            mu.abort = true;
            mu.what = "interrupt pin";
        }
        free(info);
    }
    g_array_append_val(v, mu);
}

/* Guest feature bit 31 (no device offers it) where the destination checks. */
static void add_feature_probe(GArray *v, int c, const target *t)
{
    vmc_virtio_model_info *info = calloc(1, sizeof(*info));
    assert_int_equal(vmc_virtio_model_get(t->dev, info), 0);
    const vmc_value *blob = blob_of(t->value);
    const vmc_value *sub = blob_sub(blob, "virtio/64bit_features");
    const vmc_value *g64 = sub ? vmc_value_get(sub, "guest_features") : NULL;
    mutation mu = { .c = c, .kind = MK_FEATURES, .what = "guest feature" };
    snprintf(mu.idstr, sizeof(mu.idstr), "%s", t->idstr);
    uint32_t low = 1u << 31;
    uint64_t wide = 1ull << 31;
    if (g64 && (info->host_features >> 32)) {
        mu.off = vmc_value_offset(g64);
        for (int i = 0; i < 8; i++) {
            mu.bytes[i] = (uint8_t)(wide >> (56 - 8 * i));
        }
        mu.nbytes = 8;
    } else {
        mu.off = vmc_value_offset(vmc_value_get(blob, "guest_features"));
        for (int i = 0; i < 4; i++) {
            mu.bytes[i] = (uint8_t)(low >> (24 - 8 * i));
        }
        mu.nbytes = 4;
    }
    mu.refuse = !vmc_virtio_model_check_features(info, low, g64 != NULL, wide, mu.line,
                                                 sizeof(mu.line));
    free(info);
    g_array_append_val(v, mu);
}

/* config_vector = vector (be16) */
static void add_vector(GArray *v, int c, const target *t, uint16_t vector)
{
    const vmc_value *cv = vmc_value_get(blob_of(t->value), "config_vector");
    if (!cv) {
        return;
    }
    vmc_virtio_model_info *info = calloc(1, sizeof(*info));
    assert_int_equal(vmc_virtio_model_get(t->dev, info), 0);
    mutation mu = { .c = c, .kind = MK_VECTOR, .nbytes = 2, .what = "config vector" };
    snprintf(mu.idstr, sizeof(mu.idstr), "%s", t->idstr);
    mu.off = vmc_value_offset(cv);
    mu.bytes[0] = (uint8_t)(vector >> 8);
    mu.bytes[1] = (uint8_t)vector;
    mu.refuse = !vmc_virtio_model_check_vector(info, vector);
    free(info);
    g_array_append_val(v, mu);
}

/* ports_map word 0 ^= bit */
static void add_serial_map(GArray *v, int c, const target *t, unsigned bit)
{
    const vmc_value *map = vmc_value_get(vmc_value_get(blob_of(t->value), "device_save"),
                                         "ports_map");
    if (!map) {
        return;
    }
    vmc_virtio_model_info *info = calloc(1, sizeof(*info));
    assert_int_equal(vmc_virtio_model_get(t->dev, info), 0);
    uint32_t w = (uint32_t)vmc_value_uint(vmc_value_at(map, 0)) ^ (1u << bit);
    const vmc_value *ports = vmc_value_get(vmc_value_get(blob_of(t->value), "device_save"),
                                           "ports");
    uint32_t ids[64];
    size_t ni = 0;
    for (size_t i = 0; ports && i < vmc_value_count(ports) && ni < 64; i++) {
        ids[ni++] = (uint32_t)vmc_value_uint(vmc_value_get(vmc_value_at(ports, i), "id"));
    }
    uint32_t words[VMC_VIRTIO_SERIAL_MAP_WORDS] = { w };
    for (size_t i = 1; i < vmc_value_count(map) && i < VMC_VIRTIO_SERIAL_MAP_WORDS; i++) {
        words[i] = (uint32_t)vmc_value_uint(vmc_value_at(map, i));
    }
    mutation mu = { .c = c, .kind = MK_SERIAL, .nbytes = 4, .what = "ports map" };
    snprintf(mu.idstr, sizeof(mu.idstr), "%s", t->idstr);
    mu.off = vmc_value_offset(vmc_value_at(map, 0));
    for (int i = 0; i < 4; i++) {
        mu.bytes[i] = (uint8_t)(w >> (24 - 8 * i));
    }
    mu.refuse = vmc_virtio_model_check_serial(info, words, vmc_value_count(map), ids, ni) >= 0;
    free(info);
    g_array_append_val(v, mu);
}

static void test_qemu_load_checks(void **state)
{
    (void)state;
    GArray *v = g_array_new(FALSE, TRUE, sizeof(mutation));
    decoded dcs[NCASES];
    memset(dcs, 0, sizeof(dcs));
    /* host features: every device of cases 0-2 and one per case, all with the sweep */
    for (int c = 0; c < NCASES; c++) {
        if (!case_enabled(c)) {
            continue;
        }
        load_case(c);
        decode_case(c, &dcs[c]);
        for (int i = 0; i < dcs[c].n; i++) {
            if (sweep_all() || c <= 2 || i == 0) {
                add_feature_probe(v, c, &dcs[c].t[i]);
            }
        }
    }
    /* config bits: chosen registers of a function on a root port (case 1) and on the
     * root bus (case 0), then seeded random bits of the virtio functions of cases 0-2 */
    static const struct { int c; const char *dev; unsigned off, bit; } pick[] = {
        { 1, "0000:00:10.0:00.0/virtio-net", 0x34, 2 },   /* capability pointer */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x47, 4 },   /* DEVCAP FLR */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x48, 0 },   /* DEVCTL error enable: RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x50, 6 },   /* LNKCTL CCC: RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x80, 0 },   /* PM control state: RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x80, 3 },   /* PM control: RO */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x104, 4 },  /* AER UNCOR status: w1c */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x14c, 5 },  /* ATS control (after AER) */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x14e, 1 },  /* ATS: RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0xde, 0 },   /* MSI-X table size */
        { 1, "0000:00:10.0:00.0/virtio-net", 0xdf, 7 },   /* MSI-X enable: RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0xcc, 1 },   /* PCI-cfg cap bar: RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0xd8, 4 },   /* PCI-cfg data: RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x20, 3 },   /* BAR4 prefetch bit */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x21, 6 },   /* BAR4 16 KiB: bit 14 RW */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x21, 5 },   /* BAR4 bit 13: checked */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x101, 0 },  /* AER header */
        { 1, "0000:00:19.0:00.0/virtio-net", 0x10, 0 },   /* legacy-only: I/O BAR0 */
        { 0, "0000:00:01.0/virtio-net", 0x10, 5 },        /* I/O BAR0 32 B: bit 5 RW */
        { 0, "0000:00:01.0/virtio-net", 0x10, 4 },        /* bit 4 checked */
        { 0, "0000:00:01.0/virtio-net", 0x2e, 0 },        /* subsystem id: unchecked */
        { 0, "0000:00:01.0/virtio-net", 0x08, 0 },        /* revision */
        { 0, "0000:00:01.0/virtio-net", 0x4b, 1 },        /* common cap length */
        { 0, "0000:00:01.0/virtio-net", 0x80, 2 },        /* notify multiplier */
        { 0, "0000:00:01.0/virtio-net", 0x30, 0 },        /* ROM enable: RW */
        { 0, "0000:00:01.0/virtio-net", 0x32, 1 },        /* ROM 256 KiB: bit 17 checked */
        { 0, "0000:00:05.0/virtio-rng", 0x9a, 1 },        /* MSI-X table size */
        { 0, "0000:00:03.0/virtio-balloon", 0x34, 4 },    /* no MSI-X: pointer 0x84 */
        { 0, "0000:00:0b.0/virtio-iommu", 0x0b, 0 },      /* class */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x49, 7 },   /* DEVCTL initiate FLR: RW */
        { 0, "0000:00:01.0/virtio-net", 0x3d, 1 },        /* interrupt pin A -> C: loads */
        { 0, "0000:00:01.0/virtio-net", 0x3d, 0 },        /* pin 0: QEMU aborts */
        { 1, "0000:00:10.0:00.0/virtio-net", 0x3d, 2 },   /* pin 5: QEMU aborts */
        { 7, "0000:00:10.0:00.0/virtio-net", 0x49, 7 },   /* 4.1: no FLR, read-only */
        { 9, "0000:00:10.0:00.0/virtio-net", 0x48, 0 },   /* 2.8: DEVCTL read-only */
        { 9, "0000:00:10.0:00.0/virtio-net", 0x50, 6 },   /* 2.8: LNKCTL read-only */
        { 9, "0000:00:10.0:00.0/virtio-net", 0x80, 0 },   /* 2.8: PM control read-only */
        { 6, "0000:00:10.0:00.0/virtio-net", 0x104, 5 },  /* 4.2: ATS not page aligned */
        { 10, "0000:00:10.0:00.0/virtio-net", 0x34, 6 },  /* 2.6: legacy, no EXP cap */
    };
    for (size_t i = 0; i < sizeof(pick) / sizeof(pick[0]); i++) {
        const decoded *dc = &dcs[pick[i].c];
        bool found = false;
        for (int k = 0; k < dc->n; k++) {
            if (!strcmp(dc->t[k].idstr, pick[i].dev)) {
                add_config_flip(v, pick[i].c, &dc->t[k], pick[i].off, pick[i].bit);
                found = true;
            }
        }
        if (!found) {
            fail_msg("no section %s in case %s", pick[i].dev, cases[pick[i].c].name);
        }
    }
    size_t nrandom = sweep_all() ? 0 : 24;
    for (size_t i = 0; i < nrandom; i++) {
        int c = (int)(rng() % 3);
        const target *t = &dcs[c].t[rng() % (unsigned)dcs[c].n];
        unsigned size = t->dev->pci->size == 4096 ? 0x180 : 0x100;
        add_config_flip(v, c, t, rng() % size, rng() % 8);
    }
    if (sweep_all()) {
        /* every bit of three layouts: a PCIe endpoint with AER and ATS behind a root
         * port (to the end of ATS), a transitional function on pcie.0, virtio-vga */
        static const struct { int c; const char *dev; unsigned end; } full[] = {
            { 1, "0000:00:10.0:00.0/virtio-net", 0x158 },
            { 0, "0000:00:01.0/virtio-net", 0x100 },
            { 2, "0000:00:01.0/virtio-gpu", 0x100 },
        };
        for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
            for (int k = 0; k < dcs[full[i].c].n; k++) {
                if (strcmp(dcs[full[i].c].t[k].idstr, full[i].dev)) {
                    continue;
                }
                for (unsigned off = 0; off < full[i].end; off++) {
                    for (unsigned b = 0; b < 8; b++) {
                        add_config_flip(v, full[i].c, &dcs[full[i].c].t[k], off, b);
                    }
                }
            }
        }
    }
    /* vectors and the serial ports map */
    for (int c = 0; c < 2; c++) {
        for (int k = 0; k < dcs[c].n; k++) {
            vmc_virtio_model_info *info = calloc(1, sizeof(*info));
            assert_int_equal(vmc_virtio_model_get(dcs[c].t[k].dev, info), 0);
            if (info->nvectors && (k % 3 == 0)) {
                add_vector(v, c, &dcs[c].t[k], (uint16_t)info->nvectors);
                add_vector(v, c, &dcs[c].t[k], (uint16_t)(info->nvectors - 1));
            }
            if (info->virtio_id == 3) {
                add_serial_map(v, c, &dcs[c].t[k], 4);
            }
            free(info);
        }
    }
    const char *js = getenv("VMC_VIRTIO_JOBS");
    int jobs = js && atoi(js) > 0 ? atoi(js) : 4;
    size_t n = v->len;
    mutation *mu = (mutation *)v->data;
    outcome *out = calloc(n, sizeof(*out));
    time_t t0 = time(NULL);
    run_all(mu, n, jobs, out);
    size_t refused = 0, loaded = 0, wrong = 0, feats = 0;
    for (size_t i = 0; i < n; i++) {
        const outcome *o = &out[i];
        bool good = o->ok >= 0 && (o->ok == 0) == mu[i].refuse;
        if (good && mu[i].abort) {
            good = strstr(o->line, "Assertion") != NULL;
        } else if (good && mu[i].refuse) {
            good = strcmp(o->device, mu[i].idstr) == 0;
            if (mu[i].kind == MK_CONFIG) {
                good &= o->bad_off == mu[i].bad_off;
            }
            if (mu[i].kind == MK_FEATURES) {
                good &= strcmp(o->features, mu[i].line) == 0;
                feats++;
            }
        }
        refused += mu[i].refuse;
        loaded += !mu[i].refuse;
        if (!good || getenv("VMC_TEST_VERBOSE")) {
            print_message("%s %s (%s) @%" PRId64 ": predicted %s%s%s, QEMU %s (%s%s%s)\n",
                          good ? "  " : "WRONG", mu[i].idstr, mu[i].what, mu[i].off,
                          mu[i].refuse ? "refusal" : "load", mu[i].line[0] ? ": " : "",
                          mu[i].line, o->ok < 0 ? "did not run" : o->ok ? "loaded" : "refused",
                          o->line, o->features[0] ? " / " : "", o->features);
        }
        wrong += !good;
    }
    print_message("load checks: %zu mutated streams (%zu host-feature probes), %zu predicted "
                  "refusals, %zu predicted loads, %zu wrong, %ld s with %d jobs\n", n, feats,
                  refused, loaded, wrong, (long)(time(NULL) - t0), jobs);
    for (int c = 0; c < NCASES; c++) {
        if (dcs[c].rd) {
            decoded_free(&dcs[c]);
        }
    }
    free(out);
    g_array_free(v, TRUE);
    assert_true(refused > 0 && loaded > 0 && feats > 0);
    assert_int_equal(wrong, 0);
}

/* ---- 4. model-only rules ---------------------------------------------------------------- */

static int model_of(vmc_model **m, const char *machine, ...)
{
    const char *argv[64];
    int argc = 0;
    argv[argc++] = "-M";
    argv[argc++] = machine;
    argv[argc++] = "-nodefaults";
    va_list ap;
    va_start(ap, machine);
    const char *a;
    while ((a = va_arg(ap, const char *)) && argc < 63) {
        argv[argc++] = a;
    }
    va_end(ap);
    return vmc_model_build(m, argc, argv, NULL);
}

static void test_model_rules(void **state)
{
    (void)state;
    vmc_model *m;
    /* QEMU refuses these command lines; so does the model, with QEMU's words */
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device",
                              "virtio-net-pci,disable-modern=on,disable-legacy=on", NULL),
                     VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "neither modern nor legacy"));
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "pcie-root-port,id=rp1,chassis=1",
                              "-device", "virtio-iommu-pci,bus=rp1", NULL), VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "must be plugged on the root bus"));
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-balloon-pci", "-device",
                              "virtio-balloon-pci-transitional", NULL), VMC_EUSAGE);
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-serial-pci,id=s",
                              "-device", "virtserialport,bus=s.0,nr=0", NULL), VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "Port number 0"));
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-serial-pci,id=s,max_ports=2",
                              "-device", "virtserialport,bus=s.0", "-device",
                              "virtserialport,bus=s.0", NULL), VMC_EUSAGE);
    /* the second port gets id 2 (0 is reserved), past max_ports - 1 (measured) */
    assert_non_null(strstr(vmc_error_last()->message, "Out-of-range port id specified, max. "
                                                      "allowed: 1"));
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-blk-pci", NULL), VMC_EUSAGE);

    /* port numbering: virtconsole takes 0 while free, others the lowest free id */
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-serial-pci,id=s",
                              "-device", "virtserialport,bus=s.0", "-device",
                              "virtserialport,bus=s.0,nr=31", NULL), VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "max. allowed: 30"));
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-serial-pci,id=s",
                              "-device", "virtserialport,bus=s.0,nr=3", "-device",
                              "virtconsole,bus=s.0,nr=3", NULL), VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "A port already exists at id 3"));
    vmc_virtio_model_info *info = calloc(1, sizeof(*info));
    vmc_mdev *d;
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-serial-pci,id=s,max_ports=40",
                              "-device", "virtserialport,bus=s.0", "-device",
                              "virtconsole,bus=s.0", "-device", "virtconsole,bus=s.0",
                              "-device", "virtserialport,bus=s.0,nr=33", NULL), 0);
    d = vmc_virtio_model_find(m, "0000:00:01.0/virtio-console");
    assert_int_equal(vmc_virtio_model_get(d, info), 0);
    assert_int_equal(info->ports_map[0], 0x7);
    assert_int_equal(info->ports_map[1], 0x2);
    assert_int_equal(info->ports[0], 0x7);
    assert_int_equal(info->nr_ports, 4);
    uint32_t map[2] = { 0x7, 0x2 }, ids[4] = { 1, 0, 2, 33 };
    assert_int_equal(vmc_virtio_model_check_serial(info, map, 2, ids, 4), -1);
    map[1] = 0;
    assert_int_equal(vmc_virtio_model_check_serial(info, map, 2, ids, 4), 1);
    map[1] = 2;
    ids[3] = 34;
    assert_int_equal(vmc_virtio_model_check_serial(info, map, 2, ids, 4),
                     VMC_VIRTIO_SERIAL_MAP_WORDS + 3);
    vmc_model_free(m);

    /* features: a 7.2 modern device checks 64 bits, a legacy-only one 32 */
    assert_int_equal(model_of(&m, "pc-i440fx-2.6", "-device", "virtio-rng-pci", NULL), 0);
    d = vmc_virtio_model_find(m, "0000:00:02.0/virtio-rng");
    assert_non_null(d);
    assert_int_equal(vmc_virtio_model_get(d, info), 0);
    assert_false(info->modern);
    /* notify_on_empty, any_layout (off on 2.3- only), indirect, event_idx, bad feature */
    assert_int_equal(info->host_features, (1ull << 24) | (1ull << 27) | (1ull << 28) |
                                          (1ull << 29) | (1ull << 30));
    char msg[200];
    assert_true(vmc_virtio_model_check_features(info, 1u << 28, false, 0, msg, sizeof(msg)));
    assert_false(vmc_virtio_model_check_features(info, 1u << 31, true, 0, msg, sizeof(msg)));
    assert_string_equal(msg, "Features 0x80000000 unsupported. Allowed features: 0x79000000");
    /* hw_compat_7_1: virtio-rng-pci vectors=0, no MSI-X: only "no vector" loads */
    assert_int_equal(info->nvectors, 0);
    assert_int_equal(info->config_size, 256);
    assert_true(vmc_virtio_model_check_vector(info, 0xffff));
    assert_false(vmc_virtio_model_check_vector(info, 0));
    /* INTx through the loaded interrupt pin: 1..4 survive */
    uint8_t cfg[256];
    memcpy(cfg, d->pci->config, sizeof(cfg));
    assert_true(vmc_virtio_model_check_intx(info, cfg, sizeof(cfg)));
    cfg[0x3d] = 0;
    assert_false(vmc_virtio_model_check_intx(info, cfg, sizeof(cfg)));
    cfg[0x3d] = 4;
    assert_true(vmc_virtio_model_check_intx(info, cfg, sizeof(cfg)));
    cfg[0x3d] = 5;
    assert_false(vmc_virtio_model_check_intx(info, cfg, sizeof(cfg)));
    vmc_model_free(m);
    /* with MSI-X enabled in the stream's config the pin is not used */
    assert_int_equal(model_of(&m, "pc-q35-7.2", "-device", "virtio-rng-pci", NULL), 0);
    d = vmc_virtio_model_find(m, "0000:00:01.0/virtio-rng");
    assert_int_equal(vmc_virtio_model_get(d, info), 0);
    assert_int_equal(info->msix_cap, 0x98);
    memcpy(cfg, d->pci->config, sizeof(cfg));
    cfg[0x3d] = 0;
    assert_false(vmc_virtio_model_check_intx(info, cfg, sizeof(cfg)));
    cfg[0x98 + 3] |= 0x80;
    assert_true(vmc_virtio_model_check_intx(info, cfg, sizeof(cfg)));
    vmc_model_free(m);
    /* properties: compat on virtio-pci reaches proxies the tables do not list; the
     * virtio device's compat (virtio-blk-device num-queues) reaches the proxy */
    assert_int_equal(model_of(&m, "pc-q35-4.1", "-drive", "if=none,id=d0", "-device",
                              "virtio-keyboard-pci,id=k", "-device",
                              "virtio-blk-pci,drive=d0,id=b,queue-size=64", NULL), 0);
    d = vmc_virtio_model_find(m, "0000:00:01.0/virtio-input");
    assert_non_null(d);
    assert_false(strcmp(vmc_virtio_model_prop(d, "x-pcie-flr-init"), "off") &&
                 strcmp(vmc_virtio_model_prop(d, "x-pcie-flr-init"), "false"));
    d = vmc_virtio_model_find(m, "0000:00:02.0/virtio-blk");
    assert_non_null(d);
    assert_string_equal(vmc_virtio_model_prop(d, "num-queues"), "1");
    assert_string_equal(vmc_virtio_model_prop(d, "queue-size"), "64");
    assert_int_equal(vmc_virtio_model_get(d, info), 0);
    assert_int_equal(info->num_queues, 1);
    assert_int_equal(info->queue_size[0], 64);
    assert_int_equal(info->nvectors, 2);
    vmc_model_free(m);
    /* an unknown device */
    assert_int_equal(model_of(&m, "pc-q35-7.2", NULL), 0);
    assert_null(vmc_virtio_model_find(m, "0000:00:01.0/virtio-net"));
    assert_int_equal(vmc_virtio_model_host_features(NULL), 0);
    vmc_model_free(m);
    free(info);
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NCASES; i++) {
        free(case_streams[i].data);
        vmc_model_free(case_models[i]);
    }
    if (img_path) {
        unlink(img_path);
        free(img_path);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_rules),
        cmocka_unit_test(test_corpus_scenario_sources),
        cmocka_unit_test(test_corpus_missing_virtconsole),
        cmocka_unit_test(test_qemu_matrix),
        cmocka_unit_test(test_qemu_load_checks),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
