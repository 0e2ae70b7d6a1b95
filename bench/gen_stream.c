/*
 * Produce a big migration stream with the real QEMU, for the benchmarks.
 *
 *   vmc_gen_stream [options] OUT.mig
 *     --kind random   guest RAM is a memory-backend-file filled beforehand
 *                     with non-repeating pseudo-random data: every page
 *                     goes as a normal PAGE record (default)
 *     --kind zero     a fresh guest: almost every page is a zero page
 *     --size-mb N     guest RAM in MiB (default 1024)
 *     --machine M     machine type (default pc-q35-7.2)
 *     --cap NAME      migrate-set-capabilities NAME=true (repeatable),
 *                     e.g. compress
 *     --params JSON   migrate-set-parameters arguments, e.g.
 *                     '{"compress-level": 1}'
 *     --timeout-s N   hard timeout per step (default 900)
 *
 * The RAM file of --kind random is created next to OUT (OUT.ram) and
 * removed afterwards.  Prints the final query-migrate "ram" counters.
 */
#include "qemu_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcompat/error.h"

#define MAX_CAPS 16

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Fill path with size_mb MiB of pseudo-random bytes (never a repeated 8-byte word). */
static int fill_random(const char *path, unsigned size_mb)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "gen_stream: %s: %s\n", path, strerror(errno));
        return -1;
    }
    enum { CHUNK = 4 << 20 };
    uint64_t *buf = malloc(CHUNK);
    uint64_t state = 0x766d636f6d706174ull;   /* fixed seed: reproducible content */
    int rc = buf ? 0 : -1;
    for (uint64_t done = 0; rc == 0 && done < (uint64_t)size_mb << 20; done += CHUNK) {
        for (size_t i = 0; i < CHUNK / sizeof(*buf); i++) {
            buf[i] = splitmix64(&state);
        }
        size_t off = 0;
        while (off < CHUNK) {
            ssize_t n = write(fd, (char *)buf + off, CHUNK - off);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fprintf(stderr, "gen_stream: writing %s: %s\n", path, strerror(errno));
                rc = -1;
                break;
            }
            off += (size_t)n;
        }
    }
    free(buf);
    if (close(fd) != 0) {
        rc = -1;
    }
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: vmc_gen_stream [--kind random|zero] [--size-mb N] [--machine M] "
                    "[--cap NAME]... [--params JSON] [--timeout-s N] OUT.mig\n");
    exit(2);
}

static void print_counters(json_object *info)
{
    json_object *ram;
    if (!json_object_object_get_ex(info, "ram", &ram)) {
        return;
    }
    static const char *const keys[] = { "total", "transferred", "normal", "duplicate",
                                         "normal-bytes", "pages-per-second", "mbps" };
    fprintf(stderr, "gen_stream: ram");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_object *v;
        if (json_object_object_get_ex(ram, keys[i], &v)) {
            fprintf(stderr, " %s=%s", keys[i], json_object_get_string(v));
        }
    }
    json_object *tt;
    if (json_object_object_get_ex(info, "total-time", &tt)) {
        fprintf(stderr, " total-time-ms=%s", json_object_get_string(tt));
    }
    fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
    const char *kind = "random", *machine = "pc-q35-7.2", *params = NULL, *out = NULL;
    const char *caps[MAX_CAPS];
    size_t ncaps = 0;
    unsigned size_mb = 1024, timeout_s = 900;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--kind") == 0 && v) {
            kind = v;
        } else if (strcmp(a, "--size-mb") == 0 && v) {
            size_mb = (unsigned)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--machine") == 0 && v) {
            machine = v;
        } else if (strcmp(a, "--cap") == 0 && v && ncaps < MAX_CAPS) {
            caps[ncaps++] = v;
        } else if (strcmp(a, "--params") == 0 && v) {
            params = v;
        } else if (strcmp(a, "--timeout-s") == 0 && v) {
            timeout_s = (unsigned)strtoul(v, NULL, 10);
        } else if (a[0] != '-' && !out) {
            out = a;
            continue;
        } else {
            usage();
        }
        i++;
    }
    if (!out || size_mb == 0 || size_mb > (1u << 20) || timeout_s == 0 ||
        (strcmp(kind, "random") != 0 && strcmp(kind, "zero") != 0)) {
        usage();
    }

    char ram_file[4096], mem_m[32], objarg[4300];
    snprintf(ram_file, sizeof(ram_file), "%s.ram", out);
    snprintf(mem_m, sizeof(mem_m), "%uM", size_mb);
    const char *args[16];
    size_t n = 0;
    if (strcmp(kind, "random") == 0) {
        fprintf(stderr, "gen_stream: filling %s (%u MiB)\n", ram_file, size_mb);
        if (fill_random(ram_file, size_mb)) {
            unlink(ram_file);
            return 1;
        }
        snprintf(objarg, sizeof(objarg), "memory-backend-file,id=m0,size=%uM,mem-path=%s,share=on",
                 size_mb, ram_file);
        args[n++] = "-object";
        args[n++] = objarg;
        args[n++] = "-machine";
        args[n++] = "memory-backend=m0";
    }
    args[n++] = "-m";
    args[n++] = mem_m;
    args[n] = NULL;

    qr_config cfg = { .machine = machine, .args = args, .timeout_ms = (int)timeout_s * 1000 };
    qr_qemu *q;
    int rc = qr_start(&q, &cfg);
    if (rc) {
        fprintf(stderr, "gen_stream: starting QEMU: %s\n", vmc_error_last()->message);
        unlink(ram_file);
        return 1;
    }
    for (size_t i = 0; i < ncaps && rc == 0; i++) {
        char capjson[256];
        snprintf(capjson, sizeof(capjson),
                 "{\"capabilities\": [{\"capability\": \"%s\", \"state\": true}]}", caps[i]);
        rc = qr_qmp_json(q, "migrate-set-capabilities", capjson, NULL);
    }
    if (rc == 0 && params) {
        rc = qr_qmp_json(q, "migrate-set-parameters", params, NULL);
    }
    json_object *info = NULL;
    if (rc == 0) {
        fprintf(stderr, "gen_stream: migrating %s guest (%s, %s) to %s\n", kind, machine, mem_m,
                out);
        rc = qr_migrate_to_file(q, out, &info);
    }
    if (rc) {
        fprintf(stderr, "gen_stream: %s\n", vmc_error_last()->message);
    } else {
        print_counters(info);
    }
    json_object_put(info);
    qr_free(q);
    unlink(ram_file);
    return rc ? 1 : 0;
}
