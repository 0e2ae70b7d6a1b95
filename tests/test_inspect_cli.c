/*
 * vmcompat inspect as a command: exit codes, --desc, --extract, --memory.
 * Expected contents come from outside vmcompat: the trailer bytes of the
 * stream itself, SeaBIOS's bios-256k.bin (which QEMU loads into the
 * "pc.bios" RAM block), and the never-started guest's RAM being zero.
 */
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXAMPLE "examples/pc-q35-7.2-rootport-virtio-rng.mig.gz"
#define SEABIOS "/usr/share/seabios/bios-256k.bin"

static uint8_t *example(size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", tu_source_dir(), EXAMPLE);
    return tu_read_file(path, len);
}

static void test_usage_errors(void **state)
{
    char *out, *err;
    const char *a1[] = { "vmcompat", "inspect", NULL };
    assert_int_equal(tu_run_cli(a1, NULL, 0, &out, NULL, &err), 2);
    assert_non_null(strstr(err, "usage: vmcompat inspect"));
    free(out);
    free(err);
    const char *a2[] = { "vmcompat", "inspect", "--format", "yaml", "x", NULL };
    assert_int_equal(tu_run_cli(a2, NULL, 0, &out, NULL, &err), 2);
    free(out);
    free(err);
    const char *a3[] = { "vmcompat", "inspect", "/nonexistent/stream.mig", NULL };
    assert_int_equal(tu_run_cli(a3, NULL, 0, &out, NULL, &err), 1);
    assert_non_null(strstr(err, "cannot open"));
    free(out);
    free(err);
    const char *a4[] = { "vmcompat", "frobnicate", NULL };
    assert_int_equal(tu_run_cli(a4, NULL, 0, &out, NULL, &err), 2);
    free(out);
    free(err);
}

static void test_not_a_stream(void **state)
{
    static const uint8_t junk[] = "this is not a migration stream";
    char *out, *err;
    const char *argv[] = { "vmcompat", "inspect", "-", NULL };
    assert_int_equal(tu_run_cli(argv, junk, sizeof(junk), &out, NULL, &err), 1);
    /* QEMU's wording (stream-format.md section 3) and the offset */
    assert_non_null(strstr(err, "Not a migration stream"));
    assert_non_null(strstr(err, "byte offset 0x0"));
    free(out);
    free(err);
}

/* The trailer is the last bytes: 0x06, be32 length, JSON of that length. */
static void test_desc_is_the_trailer(void **state)
{
    size_t len;
    uint8_t *data = example(&len);
    size_t i = len;
    while (i-- > 5) {
        uint32_t l = (uint32_t)data[i + 1] << 24 | data[i + 2] << 16 | data[i + 3] << 8 |
                     data[i + 4];
        if (data[i] == 0x06 && i + 5 + l == len && data[i + 5] == '{') {
            break;
        }
    }
    assert_true(i > 5);
    json_object *want = json_tokener_parse((const char *)data + i + 5);
    assert_non_null(want);
    char *out, *err;
    size_t out_len;
    const char *argv[] = { "vmcompat", "inspect", "--format", "analyze-migration", "--desc", "-",
                           NULL };
    assert_int_equal(tu_run_cli(argv, data, len, &out, &out_len, &err), 0);
    json_object *got = json_tokener_parse(out);
    assert_non_null(got);
    assert_true(json_object_equal(want, got));
    json_object_put(want);
    json_object_put(got);
    free(out);
    free(err);
    free(data);
}

static void test_extract(void **state)
{
    size_t len;
    uint8_t *data = example(&len);
    char *file = tu_temp_file(data, len, ".mig");
    char dir[] = "/tmp/vmc-extract-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *out, *err;
    const char *argv[] = { "vmcompat", "inspect", "--extract", dir, file, NULL };
    assert_int_equal(tu_run_cli(argv, NULL, 0, &out, NULL, &err), 0);
    /* the script prints the names of the files it writes */
    assert_non_null(strstr(out, "desc.json\n"));
    assert_non_null(strstr(out, "pc.ram\n"));
    assert_non_null(strstr(out, "state.json\n"));
    char path[4096];
    size_t blen, ilen;
    snprintf(path, sizeof(path), "%s/pc.bios", dir);
    uint8_t *bios = tu_read_file(path, &blen);
    uint8_t *image = tu_read_file(SEABIOS, &ilen);
    assert_int_equal(blen, ilen);
    assert_memory_equal(bios, image, ilen);
    /* a never-started 32 MiB guest: pc.ram is 32 MiB of zeros, stored sparse */
    snprintf(path, sizeof(path), "%s/pc.ram", dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 32 << 20);
    assert_true((uint64_t)st.st_blocks * 512 < (1u << 20));
    size_t rlen;
    uint8_t *ram = tu_read_file(path, &rlen);
    for (size_t k = 0; k < rlen; k++) {
        if (ram[k]) {
            fail_msg("pc.ram byte 0x%zx is 0x%02x", k, ram[k]);
        }
    }
    /* nothing half-written is left behind: only the final names exist */
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "test -z \"$(find %s -name '.*' -type f)\"", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    unlink(file);
    free(file);
    free(ram);
    free(bios);
    free(image);
    free(out);
    free(err);
    free(data);
}

/* Block names come from the stream: they must not escape the directory. */
static void test_extract_hostile_block_name(void **state)
{
    size_t len;
    uint8_t *data = example(&len);
    /* "pc.bios" appears in the block list and page records; turn one
     * occurrence into "../bios" of the same length? It is 7 bytes: "../x/y". */
    uint8_t *p = memmem(data, len, "\x07pc.bios", 8);
    assert_non_null(p);
    memcpy(p + 1, "../evil", 7);
    char *file = tu_temp_file(data, len, ".mig");
    char dir[] = "/tmp/vmc-extract-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *out, *err;
    const char *argv[] = { "vmcompat", "inspect", "--extract", dir, file, NULL };
    int rc = tu_run_cli(argv, NULL, 0, &out, NULL, &err);
    assert_int_equal(rc, 1);
    char path[4096];
    snprintf(path, sizeof(path), "%s/../evil", dir);
    assert_int_not_equal(access(path, F_OK), 0);
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    unlink(file);
    free(file);
    free(out);
    free(err);
    free(data);
}

static void test_memory_analyze(void **state)
{
    size_t len;
    uint8_t *data = example(&len);
    char *out, *err;
    size_t out_len;
    const char *argv[] = { "vmcompat", "inspect", "--format", "analyze-migration", "--memory",
                           "-", NULL };
    assert_int_equal(tu_run_cli(argv, data, len, &out, &out_len, &err), 0);
    json_object *doc = json_tokener_parse(out);
    assert_non_null(doc);
    json_object *ram = NULL, *mem = NULL;
    json_object_object_foreach(doc, key, val) {
        if (strncmp(key, "ram (", 5) == 0) {
            ram = val;
        }
    }
    assert_non_null(ram);
    assert_true(json_object_object_get_ex(ram, "memory", &mem));
    /* zero pages as the script writes them; the BIOS's first page in hex */
    json_object *z = json_object_object_get(mem, "pc.ram (0x0000000000000000)");
    assert_non_null(z);
    assert_string_equal(json_object_get_string(z), "Filled with 0x00");
    json_object *b = json_object_object_get(mem, "pc.bios (0x000000000003f000)");
    assert_non_null(b);
    size_t ilen;
    uint8_t *image = tu_read_file(SEABIOS, &ilen);
    char want[4096 * 3];
    for (int k = 0; k < 4096; k++) {
        snprintf(want + 3 * k, 4, k == 4095 ? "%02x" : "%02x ", image[0x3f000 + k]);
    }
    assert_string_equal(json_object_get_string(b), want);
    json_object_put(doc);
    free(image);
    free(out);
    free(err);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_not_a_stream),
        cmocka_unit_test(test_desc_is_the_trailer),
        cmocka_unit_test(test_extract),
        cmocka_unit_test(test_extract_hostile_block_name),
        cmocka_unit_test(test_memory_analyze),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
