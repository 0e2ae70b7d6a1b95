/*
 * QEMU command-line parsing, against QEMU's documented syntax
 * (docs/system/invocation, QemuOpts): implied keys, ",," escapes, flags,
 * -global in both spellings, one- and two-dash option names, shell quoting.
 */
#include "testutil.h"

#include "vmcompat/cmdline.h"

#include <string.h>

static void test_qopts(void **state)
{
    vmc_qopts *o;
    assert_int_equal(vmc_qopts_parse(&o, "virtio-net-pci,netdev=n0,id=a,,b,mq", "driver"), 0);
    assert_int_equal(vmc_qopts_count(o), 4);
    assert_string_equal(vmc_qopts_get(o, "driver"), "virtio-net-pci");
    assert_string_equal(vmc_qopts_get(o, "netdev"), "n0");
    assert_string_equal(vmc_qopts_get(o, "id"), "a,b");   /* ",," is a literal comma */
    assert_string_equal(vmc_qopts_get(o, "mq"), "on");    /* bare flag */
    vmc_qopts_free(o);
    assert_int_equal(vmc_qopts_parse(&o, "size=1G,slots=2,maxmem=4G", "size"), 0);
    assert_string_equal(vmc_qopts_get(o, "size"), "1G");
    assert_string_equal(vmc_qopts_get(o, "maxmem"), "4G");
    vmc_qopts_free(o);
    assert_int_equal(vmc_qopts_parse(&o, "a=1,a=2", NULL), 0);
    assert_string_equal(vmc_qopts_get(o, "a"), "2");      /* last one wins */
    vmc_qopts_free(o);
}

static void test_cmdline(void **state)
{
    const char *argv[] = { "-M", "pc-q35-6.0,accel=tcg", "-m", "256", "--smp", "2",
                           "-device", "pcie-root-port,id=rp1,chassis=1",
                           "-device", "nec-usb-xhci,bus=rp1,addr=0x0.0x1",
                           "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off",
                           "-global", "driver=pcie-root-port,property=x-speed,value=2_5",
                           "-netdev", "user,id=n0", "-nodefaults", "-display", "none", "-S",
                           "-incoming", "defer", "-uuid", "11111111-2222-3333-4444-555555555555" };
    vmc_cmdline *c;
    assert_int_equal(vmc_cmdline_parse(&c, sizeof(argv) / sizeof(argv[0]), argv), 0);
    assert_string_equal(vmc_qopts_get(vmc_cmdline_machine(c), "type"), "pc-q35-6.0");
    assert_string_equal(vmc_cmdline_accel(c), "tcg");
    assert_string_equal(vmc_qopts_get(vmc_cmdline_memory(c), "size"), "256");
    assert_string_equal(vmc_qopts_get(vmc_cmdline_smp(c), "cpus"), "2");
    assert_int_equal(vmc_cmdline_device_count(c), 2);
    assert_string_equal(vmc_qopts_get(vmc_cmdline_device(c, 1), "addr"), "0x0.0x1");
    assert_int_equal(vmc_cmdline_global_count(c), 2);
    const char *d, *p, *v;
    vmc_cmdline_global(c, 0, &d, &p, &v);
    assert_string_equal(d, "ICH9-LPC");
    assert_string_equal(p, "acpi-pci-hotplug-with-bridge-support");
    assert_string_equal(v, "off");
    vmc_cmdline_global(c, 1, &d, &p, &v);
    assert_string_equal(d, "pcie-root-port");
    assert_string_equal(p, "x-speed");
    assert_string_equal(v, "2_5");
    assert_int_equal(vmc_cmdline_backend_count(c), 1);
    assert_string_equal(vmc_cmdline_backend_kind(c, 0), "netdev");
    assert_string_equal(vmc_qopts_get(vmc_cmdline_backend(c, 0), "type"), "user");
    assert_true(vmc_cmdline_nodefaults(c));
    assert_string_equal(vmc_cmdline_incoming(c), "defer");
    assert_string_equal(vmc_cmdline_uuid(c), "11111111-2222-3333-4444-555555555555");
    vmc_cmdline_free(c);
}

static void test_errors(void **state)
{
    vmc_cmdline *c;
    const char *a1[] = { "-frobnicate" };
    assert_int_equal(vmc_cmdline_parse(&c, 1, a1), VMC_EUSAGE);
    /* QEMU's wording */
    assert_string_equal(vmc_error_last()->message, "qemu-system-x86_64: -frobnicate: invalid option");
    const char *a2[] = { "-m" };
    assert_int_equal(vmc_cmdline_parse(&c, 1, a2), VMC_EUSAGE);
    assert_non_null(strstr(vmc_error_last()->message, "requires an argument"));
    const char *a3[] = { "-global", "nodot" };
    assert_int_equal(vmc_cmdline_parse(&c, 2, a3), VMC_EUSAGE);
}

static void test_shell(void **state)
{
    vmc_cmdline *c;
    assert_int_equal(vmc_cmdline_parse_shell(&c,
        "/usr/bin/qemu-system-x86_64 -name guest=vm1,debug-threads=on -machine "
        "'pc-i440fx-7.2,usb=off' -device 'virtio-net-pci,netdev=hostnet0,id=net0' -netdev "
        "\"tap,id=hostnet0,fd=34\""), 0);
    assert_string_equal(vmc_qopts_get(vmc_cmdline_machine(c), "type"), "pc-i440fx-7.2");
    assert_string_equal(vmc_qopts_get(vmc_cmdline_machine(c), "usb"), "off");
    assert_int_equal(vmc_cmdline_device_count(c), 1);
    assert_string_equal(vmc_qopts_get(vmc_cmdline_backend(c, 0), "type"), "tap");
    vmc_cmdline_free(c);
    assert_int_equal(vmc_cmdline_parse_shell(&c, "-M 'unterminated"), VMC_EUSAGE);
}

/* QEMU's JSON form of option arguments, as libvirt writes them: bare as
 * `ps` shows them, and single-quoted as libvirt's log shows them. */
static void test_json_options(void **state)
{
    (void)state;
    vmc_cmdline *c;
    assert_int_equal(vmc_cmdline_parse_shell(&c,
        "qemu-system-x86_64 -device {\"driver\":\"e1000\",\"id\":\"n 0\",\"x-b\":true,"
        "\"bootindex\":1} -object '{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\","
        "\"size\":1073741824,\"host-nodes\":[0,1],\"policy\":{\"a\":\"it'\\''s\"}}' -m 64"), 0);
    assert_int_equal(vmc_cmdline_device_count(c), 1);
    const vmc_qopts *d = vmc_cmdline_device(c, 0);
    assert_string_equal(vmc_qopts_get(d, "driver"), "e1000");
    assert_string_equal(vmc_qopts_get(d, "id"), "n 0");           /* a blank inside a string */
    assert_string_equal(vmc_qopts_get(d, "x-b"), "on");           /* booleans as on/off */
    assert_string_equal(vmc_qopts_get(d, "bootindex"), "1");      /* numbers in decimal */
    assert_int_equal(vmc_cmdline_backend_count(c), 1);
    const vmc_qopts *o = vmc_cmdline_backend(c, 0);
    assert_string_equal(vmc_qopts_get(o, "qom-type"), "memory-backend-ram");
    assert_string_equal(vmc_qopts_get(o, "size"), "1073741824");
    assert_string_equal(vmc_qopts_get(o, "host-nodes.1"), "1");   /* keyval's list syntax */
    assert_string_equal(vmc_qopts_get(o, "policy.a"), "it's");
    assert_string_equal(vmc_qopts_get(vmc_cmdline_memory(c), "size"), "64");
    vmc_cmdline_free(c);
    /* not an object, or trailing garbage: QEMU's -device refuses it too */
    const char *bad[] = { "-device", "{\"driver\":\"e1000\"} x" };
    assert_int_equal(vmc_cmdline_parse(&c, 2, bad), VMC_EUSAGE);
    const char *arr[] = { "-object", "[1]" };
    assert_int_equal(vmc_cmdline_parse(&c, 2, arr), 0);   /* "[1]" is keyval, not JSON */
    vmc_cmdline_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qopts),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_shell),
        cmocka_unit_test(test_json_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
