/*
 * `vmcompat write` for every x86 PC machine type of QEMU 7.2, board only
 * (-m 64) and with -smp 2, against the real QEMU (issue 3's acceptance):
 *
 *  1. QEMU started with the same arguments loads our stream (-incoming);
 *  2. our stream equals QEMU's own stream of the never-started machine
 *     record for record (tests/stream_equiv.h: only the cut of RAM into
 *     PART sections may differ) -- vmdesc included -- once the fields that
 *     derive from the wall clock at start-up are set to QEMU's values;
 *  3. those clock fields are exactly the ones two QEMU runs differ in
 *     (docs/write.md): the RTC's base_rtc, last_update, update_timer,
 *     next_alarm_time, and the time/date bytes of its CMOS memory; every
 *     other CMOS byte must already be equal.
 *
 * The same checks run on the shared corpus' streams of machines that never
 * ran (categories fresh-pc and fresh-q35), with their own devices, against
 * the corpus stream instead of a new QEMU run.  Those were written on
 * another host whose option ROM files (efi-*.rom) differ from the installed
 * ones, so option ROM pages are compared by address only there; the local
 * runs compare them byte for byte.
 *
 * The device matrix (issue 4): each modelled PC device, with its back ends,
 * on pc-q35-7.2, 6.0, 2.12 and pc-i440fx-7.2, 2.12, with the same checks;
 * devices QEMU cannot migrate or whose state is not modelled must be
 * refused.
 *
 * -cpu models (mode cpus): every QEMU 7.2 model, compat properties of old
 * types, -cpu options, and the refusals QEMU gives.
 *
 * usage: test_write_machines [machines|corpus|devices|cpus] [SHARD NSHARDS]
 *        (cases i with i % NSHARDS == SHARD)
 * QEMU must be installed: the test fails (never skips) without it.
 */
#include "testutil.h"
#include "rtc_clock.h"
#include "qemu_runner.h"
#include "stream_equiv.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcompat/machine.h"
#include "vmcompat/model.h"
#include "vmcompat/models.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"
#include "vmcompat/write.h"

static int shard, nshards = 1;
static char tmpdir[] = "/tmp/vmc-write-machines-XXXXXX";

/* Write our stream of machine+args, with QEMU's clock fields when rtc is
 * given; 0, or VMC_EUNSUPPORTED when some part is not modelled (no file). */
/* The case being checked runs without -nodefaults (QEMU's default devices). */
static bool case_defaults;

static int write_ours(const char *machine, char **args, const tu_rtc_clock *rtc,
                      const char *file)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "-M");
    g_ptr_array_add(argv, (char *)machine);
    if (!case_defaults) {
        g_ptr_array_add(argv, "-nodefaults");
    }
    for (int i = 0; args[i]; i++) {
        g_ptr_array_add(argv, args[i]);
    }
    vmc_model *m;
    if (vmc_model_build(&m, (int)argv->len, (const char *const *)argv->pdata, NULL)) {
        fail_msg("-M %s: model: %s", machine, vmc_error_last()->message);
    }
    g_ptr_array_free(argv, TRUE);
    char *state = rtc ? tu_rtc_state_json(rtc) : NULL;
    vmc_sink *s;
    assert_int_equal(vmc_sink_open_path(&s, file), 0);
    vmc_write_options o = { .state_json = state, .state_len = state ? strlen(state) : 0 };
    int rc = vmc_model_write(m, s, &o);
    if (!rc) {
        rc = vmc_sink_commit(s);
    }
    if (rc && rc != VMC_EUNSUPPORTED) {
        fail_msg("-M %s: write: %s", machine, vmc_error_last()->message);
    }
    vmc_sink_free(s);
    g_free(state);
    vmc_model_free(m);
    return rc;
}

/*
 * The checks for one command line.  qemu_file: QEMU's stream of the machine
 * (a corpus stream), or NULL to have QEMU write one now.
 */
static void check_case(const char *label, const char *machine, char **args,
                       const char *qemu_file)
{
    char made[600], fresh[600], clocked[600];
    snprintf(made, sizeof(made), "%s/%s-qemu.mig", tmpdir, label);
    snprintf(fresh, sizeof(fresh), "%s/%s-fresh.mig", tmpdir, label);
    snprintf(clocked, sizeof(clocked), "%s/%s-clocked.mig", tmpdir, label);

    qr_config cfg = { .machine = machine, .args = (const char *const *)args,
                      .defaults = case_defaults };
    if (!qemu_file) {
        qr_qemu *q;
        if (qr_start(&q, &cfg) < 0 || qr_migrate_to_file(q, made, NULL) < 0) {
            fail_msg("%s: QEMU: %s", label, vmc_error_last()->message);
        }
        qr_free(q);
        qemu_file = made;
    }

    /* 1. QEMU loads the stream as we write it */
    int rc = write_ours(machine, args, NULL, fresh);
    if (rc) {
        fail_msg("%s: write: %s", label, vmc_error_last()->message);
    }
    qr_load_result res;
    assert_int_equal(qr_load_file(&cfg, fresh, &res), 0);
    if (!res.ok) {
        fail_msg("%s: QEMU does not load our stream: %s", label,
                 res.n_error ? res.error_lines[0] : res.status);
    }
    qr_load_result_free(&res);

    /* 3. clock fields aside, the RTC's CMOS memory is QEMU's */
    tu_rtc_clock theirs, ours;
    if (tu_rtc_read(qemu_file, &theirs) || tu_rtc_read(fresh, &ours)) {
        fail_msg("%s: %s", label, vmc_error_last()->message);
    }
    assert_true(theirs.found && ours.found);
    /* and the clock fields themselves are QEMU's within the seconds that
     * passed between its run and ours (-rtc base, clock), when QEMU's
     * stream was made now (not a corpus stream) */
    if (qemu_file == made && (llabs(theirs.base_rtc - ours.base_rtc) > 30 ||
        llabs(theirs.last_update - ours.last_update) > 30 * 1000000000ll)) {
        fail_msg("%s: RTC clock base_rtc %lld / last_update %lld, QEMU has %lld / %lld", label,
                 (long long)ours.base_rtc, (long long)ours.last_update,
                 (long long)theirs.base_rtc, (long long)theirs.last_update);
    }
    for (size_t i = 0; i < 128; i++) {
        if (!tu_rtc_cmos_clock_byte(i) && theirs.cmos[i] != ours.cmos[i]) {
            fail_msg("%s: CMOS byte 0x%02zx is 0x%02x, QEMU has 0x%02x", label, i,
                     ours.cmos[i], theirs.cmos[i]);
        }
    }

    /* 2. with QEMU's clock, QEMU's stream */
    assert_int_equal(write_ours(machine, args, &theirs, clocked), 0);
    char why[1024];
    /* a corpus stream was written on another host, with its firmware files */
    unsigned flags = qemu_file == made ? 0 : SE_IGNORE_ROM_CONTENTS;
    if (se_compare_files_ex(qemu_file, clocked, flags, why, sizeof(why)) != 0) {
        fail_msg("%s: our stream differs from QEMU's beyond the clock fields: %s", label, why);
    }
    unlink(made);
    unlink(fresh);
    unlink(clocked);
    printf("%-44s loads; equal to QEMU's stream but for the clock\n", label);
}

static void check_machine(const char *machine, const char *args)
{
    char label[200];
    snprintf(label, sizeof(label), "%s %s", machine, args);
    for (char *p = label; *p; p++) {
        *p = *p == ' ' || *p == '/' ? '_' : *p;
    }
    char **argv = g_strsplit(args, " ", -1);
    check_case(label, machine, argv, NULL);
    g_strfreev(argv);
}

static void test_all_machine_types(void **state)
{
    (void)state;
    vmc_machine_types *set;
    assert_int_equal(vmc_machine_types_load_builtin(&set), 0);
    size_t k = 0, checked = 0;
    for (size_t i = 0; i < vmc_machine_types_count(set); i++) {
        const char *name = vmc_machine_type_info(vmc_machine_types_get(set, i))->name;
        if (strncmp(name, "pc-i440fx-", 10) != 0 && strncmp(name, "pc-q35-", 7) != 0) {
            continue;
        }
        if ((int)(k++ % (size_t)nshards) != shard) {
            continue;
        }
        check_machine(name, "-m 64");
        check_machine(name, "-m 128 -smp 2");
        checked++;
    }
    assert_true(checked > 0);
    vmc_machine_types_free(set);
}

static char *subst_tmp(const char *a)
{
    return tu_subst(a, "{tmp}", tmpdir);
}

static void test_corpus_fresh(void **state)
{
    (void)state;
    json_object *man = tu_corpus_json("manifest.json"), *streams;
    assert_true(json_object_object_get_ex(man, "streams", &streams));
    size_t k = 0, checked = 0;
    for (size_t i = 0; i < json_object_array_length(streams); i++) {
        json_object *s = json_object_array_get_idx(streams, i), *cfg, *v;
        const char *cat = json_object_get_string(json_object_object_get(s, "category"));
        if (!cat || !g_str_has_prefix(cat, "fresh-") ||
            !json_object_object_get_ex(s, "config", &cfg) || !tu_scenario_never_ran(cfg)) {
            continue;
        }
        if ((int)(k++ % (size_t)nshards) != shard) {
            continue;
        }
        const char *id = json_object_get_string(json_object_object_get(s, "id"));
        /* disk images as the corpus made them (empty) */
        if (json_object_object_get_ex(cfg, "images", &v)) {
            for (size_t n = 0; n < json_object_array_length(v); n++) {
                json_object *img = json_object_array_get_idx(v, n);
                char *cmd = g_strdup_printf(
                    "qemu-img create -q -f %s %s/%s %s",
                    json_object_get_string(json_object_object_get(img, "format")), tmpdir,
                    json_object_get_string(json_object_object_get(img, "name")),
                    json_object_get_string(json_object_object_get(img, "size")));
                assert_int_equal(system(cmd), 0);
                g_free(cmd);
            }
        }
        GPtrArray *args = g_ptr_array_new_with_free_func(g_free);
        if (json_object_object_get_ex(cfg, "ram_mb", &v)) {
            g_ptr_array_add(args, g_strdup("-m"));
            g_ptr_array_add(args, g_strdup_printf("%d", json_object_get_int(v)));
        }
        if (json_object_object_get_ex(cfg, "devices", &v)) {
            for (size_t n = 0; n < json_object_array_length(v); n++) {
                g_ptr_array_add(args, g_strdup("-device"));
                g_ptr_array_add(args, subst_tmp(json_object_get_string(
                                          json_object_array_get_idx(v, n))));
            }
        }
        if (json_object_object_get_ex(cfg, "extra_args", &v)) {
            for (size_t n = 0; n < json_object_array_length(v); n++) {
                g_ptr_array_add(args, subst_tmp(json_object_get_string(
                                          json_object_array_get_idx(v, n))));
            }
        }
        g_ptr_array_add(args, NULL);
        size_t len;
        uint8_t *bytes = tu_corpus_stream(id, &len);
        assert_non_null(bytes);
        char path[600];
        snprintf(path, sizeof(path), "%s/%s.mig", tmpdir, id);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(bytes, 1, len, f), len);
        fclose(f);
        free(bytes);
        const char *machine = json_object_get_string(json_object_object_get(cfg, "machine"));
        check_case(id, machine, (char **)args->pdata, path);
        unlink(path);
        g_ptr_array_free(args, TRUE);
        checked++;
    }
    json_object_put(man);
    assert_true(checked > 0);
    /* the images */
    char *cmd = g_strdup_printf("rm -f %s/*.qcow2 %s/*.raw", tmpdir, tmpdir);
    assert_int_equal(system(cmd), 0);
    g_free(cmd);
}

/*
 * The device matrix: each device of issue 4 on five machine types (where
 * the board has what it needs), with the back ends it needs.  {tmp} is the
 * test's directory, where d0.raw, d1.raw and d2.raw (1 MiB each) exist.
 * Boards: 'q' q35 only, 'i' i440fx only, 'b' both.  refuse: the substring
 * of the error vmcompat write must give instead of a stream.
 */
typedef struct device_case {
    const char *name;
    char boards;
    const char *args;
    const char *refuse;
    bool defaults;       /* without -nodefaults: QEMU's default devices */
} device_case;

#define DRIVE0 "-drive if=none,id=d0,file={tmp}/d0.raw,format=raw"
#define DRIVE1 "-drive if=none,id=d1,file={tmp}/d1.raw,format=raw"
#define NET0 "-netdev user,id=n0,restrict=on"

static const device_case device_cases[] = {
    /* topology */
    { "pcie-root-port", 'q', "-device pcie-root-port,id=rp1,chassis=1,slot=1", NULL },
    { "pcie-root-port-e1000e", 'q',
      "-device pcie-root-port,id=rp1,chassis=1 -device e1000e,bus=rp1,netdev=n0 " NET0, NULL },
    { "ioh3420", 'q', "-device ioh3420,id=p1,chassis=1,slot=2", NULL },
    { "x3130-switch", 'q',
      "-device pcie-root-port,id=rp1,chassis=1 -device x3130-upstream,id=up1,bus=rp1 "
      "-device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=0 "
      "-device virtio-rng-pci,bus=dn1", NULL },
    { "pci-bridge", 'b', "-device pci-bridge,chassis_nr=1,id=br1 -device i6300esb,bus=br1,addr=1",
      NULL },
    { "pcie-pci-bridge", 'q',
      "-device pcie-pci-bridge,id=pb1 -device rtl8139,bus=pb1,addr=1,netdev=n0 " NET0, NULL },
    /* storage */
    { "ich9-ahci", 'b',
      "-device ich9-ahci,id=sata " DRIVE0 " -device ide-hd,drive=d0,bus=sata.0 "
      "-device ide-cd,bus=sata.1", NULL },
    { "board-ide", 'i', DRIVE0 " -device ide-hd,drive=d0,bus=ide.0 -device ide-cd,bus=ide.1",
      NULL },
    { "board-ahci", 'q', DRIVE0 " -device ide-hd,drive=d0,bus=ide.0 -device ide-cd,bus=ide.2",
      NULL },
    { "piix4-ide", 'i', "-device piix4-ide,id=p4 " DRIVE0 " -device ide-hd,drive=d0,bus=p4.0",
      NULL },
    { "virtio-blk-pci", 'b', DRIVE0 " -device virtio-blk-pci,drive=d0", NULL },
    { "virtio-scsi-pci", 'b',
      "-device virtio-scsi-pci,id=vs " DRIVE0 " -device scsi-hd,drive=d0,bus=vs.0 "
      "-device scsi-cd,bus=vs.0", NULL },
    { "nvme", 'b', DRIVE0 " -device nvme,drive=d0,serial=vmc1", "non-migratable" },
    /* network */
    { "e1000", 'b', "-device e1000,netdev=n0 " NET0, NULL },
    { "e1000e", 'b', "-device e1000e,netdev=n0 " NET0, NULL },
    { "rtl8139", 'b', "-device rtl8139,netdev=n0 " NET0, NULL },
    { "virtio-net-pci", 'b', "-device virtio-net-pci,netdev=n0 " NET0, NULL },
    { "virtio-net-pci-mq", 'b', "-device virtio-net-pci,mq=on,vectors=10,netdev=n0 " NET0,
      NULL },
    /* USB */
    { "qemu-xhci", 'b',
      "-device qemu-xhci,id=x -device usb-tablet,bus=x.0 -device usb-kbd,bus=x.0 "
      "-device usb-mouse,bus=x.0", NULL },
    { "nec-usb-xhci-storage", 'b',
      "-device nec-usb-xhci,id=x " DRIVE1 " -device usb-storage,drive=d1,bus=x.0", NULL },
    { "piix3-usb-uhci", 'b', "-device piix3-usb-uhci,id=u -device usb-tablet,bus=u.0", NULL },
    { "ich9-usb-ehci1", 'b', "-device ich9-usb-ehci1,id=e -device usb-kbd,bus=e.0", NULL },
    { "ehci-storage", 'b',
      "-device usb-ehci,id=e " DRIVE1 " -device usb-storage,drive=d1,bus=e.0", NULL },
    { "ich9-usb-uhci1", 'b', "-device ich9-usb-uhci1,id=u -device usb-mouse,bus=u.0", NULL },
    /* EHCI with its UHCI companions, as libvirt's "ich9-ehci1" controller */
    { "ehci-companions", 'b',
      "-device ich9-usb-ehci1,id=usb,addr=0x5.0x7 "
      "-device ich9-usb-uhci1,masterbus=usb.0,firstport=0,multifunction=on,addr=0x5 "
      "-device ich9-usb-uhci2,masterbus=usb.0,firstport=2,addr=0x5.0x1 "
      "-device ich9-usb-uhci3,masterbus=usb.0,firstport=4,addr=0x5.0x2 "
      "-device usb-tablet,bus=usb.0,port=1 -device usb-kbd,bus=usb.0,port=4", NULL },
    /* virtio */
    { "virtio-balloon-pci", 'b', "-device virtio-balloon-pci", NULL },
    { "virtio-serial-pci", 'b',
      "-chardev null,id=c0 -chardev null,id=c1 -device virtio-serial-pci,id=vser "
      "-device virtconsole,chardev=c0,bus=vser.0 -device virtserialport,chardev=c1,bus=vser.0",
      NULL },
    { "virtio-rng-pci", 'b', "-device virtio-rng-pci", NULL },
    { "virtio-gpu-pci", 'b', "-device virtio-gpu-pci", NULL },
    { "virtio-transitional", 'b',
      DRIVE0 " -device virtio-blk-pci-transitional,drive=d0 "
      "-device virtio-net-pci-non-transitional,netdev=n0 " NET0, NULL },
    /* display */
    { "VGA", 'b', "-device VGA", NULL },
    { "cirrus-vga", 'b', "-device cirrus-vga", NULL },
    { "bochs-display", 'b', "-device bochs-display", NULL },
    { "secondary-vga", 'b', "-device VGA -device secondary-vga", NULL },
    { "virtio-vga", 'b', "-device virtio-vga", NULL },
    { "qxl-vga", 'b', "-device qxl-vga", NULL },
    /* other */
    { "ivshmem-plain", 'b',
      "-object memory-backend-ram,id=shm0,size=1M -device ivshmem-plain,memdev=shm0,master=on",
      NULL },
    { "ivshmem-plain-peer", 'b',
      "-object memory-backend-ram,id=shm0,size=1M -device ivshmem-plain,memdev=shm0",
      "peer mode" },
    /* no server needed: a peer (master=off) blocks migration first */
    { "ivshmem-doorbell-peer", 'b',
      "-chardev socket,id=shm,path={tmp}/ivshmem.sock -device ivshmem-doorbell,chardev=shm",
      "peer mode" },
    { "intel-hda", 'b',
      "-audiodev none,id=snd0 -device intel-hda,id=hda -device hda-duplex,bus=hda.0,"
      "audiodev=snd0 -device hda-output,bus=hda.0,audiodev=snd0 -device hda-micro,bus=hda.0,"
      "audiodev=snd0", NULL },
    { "ich9-intel-hda", 'b',
      "-audiodev none,id=snd0 -device ich9-intel-hda,id=hda -device hda-duplex,bus=hda.0,"
      "audiodev=snd0", NULL },
    { "i6300esb", 'b', "-device i6300esb", NULL },
    { "isa-serial", 'b', "-chardev null,id=s0 -device isa-serial,chardev=s0", NULL },
    { "pci-serial", 'b', "-chardev null,id=s0 -device pci-serial,chardev=s0", NULL },
    { "isa-parallel", 'b', "-chardev null,id=p0 -device isa-parallel,chardev=p0", NULL },
    { "pvpanic", 'b', "-device pvpanic", NULL },
    { "pvpanic-pci", 'b', "-device pvpanic-pci", NULL },
    { "pci-testdev", 'b', "-device pci-testdev", NULL },
    /* QEMU's default devices (no -nodefaults) and the legacy options that
     * add devices (board_defaults.c) */
    { "defaults", 'b', "-m 128", NULL, true },
    { "defaults-vga-cirrus", 'b', "-vga cirrus", NULL, true },
    { "defaults-vga-none", 'b', "-vga none", NULL, true },
    { "defaults-vga-virtio", 'b', "-vga virtio", NULL, true },
    { "defaults-nic-rtl8139", 'b', "-nic user,model=rtl8139", NULL, true },
    { "defaults-net-nic-user", 'b', "-net nic -net user", NULL, true },
    { "defaults-cdrom", 'b', "-cdrom {tmp}/d0.raw", NULL, true },
    { "defaults-hda", 'b', "-hda {tmp}/d1.raw", NULL, true },
    { "defaults-usb", 'i', "-usb -usbdevice tablet", NULL, true },
    { "defaults-usb-q35", 'q', "-usb -usbdevice tablet", NULL, true },
    { "defaults-serial-parallel", 'b', "-serial null -parallel none", NULL, true },
    { "defaults-drive-ide", 'b', "-drive if=ide,id=hd,file={tmp}/d2.raw,format=raw,index=1",
      NULL, true },
    { "defaults-device-vga", 'b', "-device VGA -device e1000", NULL, true },
    { "nodefaults-legacy", 'b', "-vga std -serial null -net nic,model=rtl8139 -net user",
      NULL },
    /* -rtc: the guest's date and the RTC's clock (base, clock, driftfix) */
    { "rtc-utc-slew", 'b', "-rtc base=utc,driftfix=slew", NULL },
    { "rtc-localtime", 'b', "-rtc base=localtime", NULL },
    { "rtc-date-vm", 'b', "-rtc base=2006-06-17T16:01:21,clock=vm", NULL },
    { "rtc-rt", 'b', "-rtc clock=rt", NULL },
    /* a command line as libvirt writes it: JSON -object/-device/-blockdev/
     * -netdev/-audiodev, -rtc, -no-hpet, globals of absent drivers, -cpu
     * with features, RAM from a memory backend named pc.ram */
    { "libvirt-q35", 'q',
      "-machine usb=off,vmport=off,dump-guest-core=off,memory-backend=pc.ram "
      "-cpu Skylake-Client-IBRS,ss=on,vmx=on,pdcm=on,hypervisor=on,tsc-adjust=on "
      "-m 128 -object {\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":134217728} "
      "-overcommit mem-lock=off -smp 2,sockets=2,cores=1,threads=1 "
      "-uuid 3e3fce45-4f53-4fa7-bb32-11f34168b82b -no-user-config "
      "-rtc base=utc,driftfix=slew -global kvm-pit.lost_tick_policy=delay -no-hpet -no-shutdown "
      "-global ICH9-LPC.disable_s3=1 -global ICH9-LPC.disable_s4=1 -boot strict=on "
      "-device {\"driver\":\"pcie-root-port\",\"port\":16,\"chassis\":1,\"id\":\"pci.1\","
      "\"bus\":\"pcie.0\",\"multifunction\":true,\"addr\":\"0x2\"} "
      "-device {\"driver\":\"pcie-root-port\",\"port\":17,\"chassis\":2,\"id\":\"pci.2\","
      "\"bus\":\"pcie.0\",\"addr\":\"0x2.0x1\"} "
      "-device {\"driver\":\"pcie-root-port\",\"port\":18,\"chassis\":3,\"id\":\"pci.3\","
      "\"bus\":\"pcie.0\",\"addr\":\"0x2.0x2\"} "
      "-device {\"driver\":\"pcie-root-port\",\"port\":19,\"chassis\":4,\"id\":\"pci.4\","
      "\"bus\":\"pcie.0\",\"addr\":\"0x2.0x3\"} "
      "-device {\"driver\":\"qemu-xhci\",\"p2\":15,\"p3\":15,\"id\":\"usb\",\"bus\":\"pci.2\","
      "\"addr\":\"0x0\"} "
      "-device {\"driver\":\"virtio-serial-pci\",\"id\":\"virtio-serial0\",\"bus\":\"pci.3\","
      "\"addr\":\"0x0\"} "
      "-blockdev {\"driver\":\"file\",\"filename\":\"{tmp}/d0.raw\","
      "\"node-name\":\"libvirt-1-storage\",\"auto-read-only\":true,\"discard\":\"unmap\"} "
      "-blockdev {\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"driver\":\"raw\","
      "\"file\":\"libvirt-1-storage\"} "
      "-device {\"driver\":\"virtio-blk-pci\",\"bus\":\"pci.4\",\"addr\":\"0x0\","
      "\"drive\":\"libvirt-1-format\",\"id\":\"virtio-disk0\",\"bootindex\":1} "
      "-netdev {\"type\":\"user\",\"id\":\"hostnet0\"} "
      "-device {\"driver\":\"virtio-net-pci\",\"netdev\":\"hostnet0\",\"id\":\"net0\","
      "\"mac\":\"52:54:00:6d:90:02\",\"bus\":\"pci.1\",\"addr\":\"0x0\"} "
      "-chardev null,id=charserial0 "
      "-device {\"driver\":\"isa-serial\",\"chardev\":\"charserial0\",\"id\":\"serial0\","
      "\"index\":0} "
      "-audiodev {\"id\":\"audio1\",\"driver\":\"none\"} "
      "-device {\"driver\":\"VGA\",\"id\":\"video0\",\"vgamem_mb\":16,\"bus\":\"pcie.0\","
      "\"addr\":\"0x1\"} "
      "-device {\"driver\":\"virtio-balloon-pci\",\"id\":\"balloon0\",\"bus\":\"pcie.0\","
      "\"addr\":\"0x5\"} -msg timestamp=on", NULL },
    /* guest RAM from a memory backend: its RAM block is named after the
     * backend ("/objects/ID" for file and memfd backends on types <= 3.1) */
    { "memory-backend-ram", 'b',
      "-object memory-backend-ram,id=mem0,size=128M -machine memory-backend=mem0", NULL },
    { "memory-backend-file", 'b',
      "-object memory-backend-file,id=mem0,size=128M,mem-path={tmp}/mem0.ram "
      "-machine memory-backend=mem0", NULL },
};

static const char *const matrix_machines[] = {
    "pc-q35-7.2", "pc-q35-6.0", "pc-q35-2.12", "pc-i440fx-7.2", "pc-i440fx-2.12", NULL,
};

static void test_device_matrix(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        char p[600];
        snprintf(p, sizeof(p), "%s/d%d.raw", tmpdir, i);
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        assert_int_equal(ftruncate(fileno(f), 1 << 20), 0);
        fclose(f);
    }
    size_t k = 0, checked = 0;
    for (size_t d = 0; d < sizeof(device_cases) / sizeof(device_cases[0]); d++) {
        const device_case *c = &device_cases[d];
        for (size_t mi = 0; matrix_machines[mi]; mi++) {
            const char *machine = matrix_machines[mi];
            bool q35 = strncmp(machine, "pc-q35-", 7) == 0;
            if ((c->boards == 'q' && !q35) || (c->boards == 'i' && q35)) {
                continue;
            }
            if ((int)(k++ % (size_t)nshards) != shard) {
                continue;
            }
            /* VMC_DEVICE_CASE=NAME: only the cases of that name (local runs) */
            const char *only = getenv("VMC_DEVICE_CASE");
            if (only && strcmp(only, c->name) != 0) {
                continue;
            }
            char *args = subst_tmp(c->args);
            char label[200];
            snprintf(label, sizeof(label), "%s--%s", machine, c->name);
            char **argv = g_strsplit(args, " ", -1);
            case_defaults = c->defaults;
            if (c->refuse) {
                char out[700];
                snprintf(out, sizeof(out), "%s/%s.mig", tmpdir, label);
                int rc = write_ours(machine, argv, NULL, out);
                if (rc != VMC_EUNSUPPORTED || !strstr(vmc_error_last()->message, c->refuse)) {
                    fail_msg("%s: expected a refusal with '%s', got %d", label, c->refuse, rc);
                }
                assert_int_equal(access(out, F_OK), -1);
                printf("%-44s refused: %s\n", label, vmc_error_last()->message);
            } else {
                check_case(label, machine, argv, NULL);
            }
            case_defaults = false;
            g_strfreev(argv);
            g_free(args);
            checked++;
        }
    }
    for (int i = 0; i < 3; i++) {
        char p[600];
        snprintf(p, sizeof(p), "%s/d%d.raw", tmpdir, i);
        unlink(p);
    }
    assert_true(checked > 0);
}

/* ---- -cpu models ------------------------------------------------------------ */

/*
 * Models whose machine types change them through compat properties
 * (family, model, stepping), on the old types that do, and a few others.
 */
static const char *const cpu_old_models[] = {
    "qemu64", "qemu32", "kvm64", "pentium", "Conroe", "Penryn", "Nehalem", "Haswell",
    "Cascadelake-Server", "Opteron_G3", "EPYC", NULL,
};
static const char *const cpu_old_machines[] = {
    "pc-i440fx-1.4", "pc-i440fx-2.3", "pc-q35-2.4", "pc-q35-4.0", "pc-i440fx-5.2", NULL,
};
/* -cpu options: NAME=VALUE in order, then +FEATURE, then -FEATURE win */
static const char *const cpu_option_cases[] = {
    "qemu64,+monitor", "EPYC,-monitor", "Skylake-Client,family=6,model=60,stepping=2",
    "qemu64,mce=off", "Nehalem,monitor=on,-monitor", "qemu64,-monitor,+monitor",
    "pentium,mca=on", "Haswell-noTSX,stepping=7,family=23", "max,monitor=off",
    "qemu64,family=270,model=255,stepping=15", "Snowridge,sse4_1=on,check", NULL,
};

/* QEMU's first stderr line for a command line it refuses to start with. */
static char *qemu_refusal(const char *machine, const char *cpu)
{
    const char *argv[] = { qr_qemu_binary(), "-M", machine, "-accel", "tcg", "-display", "none",
                           "-nodefaults", "-S", "-monitor", "none", "-cpu", cpu, NULL };
    char *err = NULL;
    int status = 0;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                      &err, &status, NULL)) {
        fail_msg("cannot run %s", argv[0]);
    }
    if (g_spawn_check_wait_status(status, NULL)) {
        fail_msg("QEMU started with -cpu %s", cpu);
    }
    char *nl = strchr(err, '\n');
    if (nl) {
        *nl = '\0';
    }
    return err;
}

static void cpu_case(const char *machine, const char *cpu)
{
    char label[200];
    snprintf(label, sizeof(label), "%s--cpu-%s", machine, cpu);
    for (char *p = label; *p; p++) {
        *p = *p == ',' || *p == '=' || *p == '+' ? '_' : *p;
    }
    char *args[] = { "-cpu", (char *)cpu, NULL };
    check_case(label, machine, args, NULL);
}

static void test_cpu_models(void **state)
{
    (void)state;
    vmc_machine_types *set;
    assert_int_equal(vmc_machine_types_load_builtin(&set), 0);
    size_t n = vmc_machine_types_cpu_model_count(set), k = 0, checked = 0;
    assert_true(n > 100);   /* QEMU 7.2 has 132 */
    for (size_t i = 0; i < n; i++) {
        const vmc_cpu_model *cm = vmc_machine_types_cpu_model_at(set, i);
        if (strcmp(cm->name, "host") == 0 || (int)(k++ % (size_t)nshards) != shard) {
            continue;   /* host needs KVM: a refusal below */
        }
        if (!cm->apic) {
            /* no local APIC, no MSI: refused as not modelled */
            const char *argv[] = { "-M", "pc-q35-7.2", "-nodefaults", "-cpu", cm->name };
            vmc_model *m = NULL;
            assert_int_equal(vmc_model_build(&m, 5, argv, NULL), VMC_EUNSUPPORTED);
            assert_non_null(strstr(vmc_error_last()->message, "not modelled"));
            printf("%-44s refused: %s\n", cm->name, vmc_error_last()->message);
        } else {
            cpu_case("pc-q35-7.2", cm->name);
        }
        checked++;
    }
    for (size_t i = 0; cpu_old_models[i]; i++) {
        for (size_t j = 0; cpu_old_machines[j]; j++) {
            if ((int)(k++ % (size_t)nshards) == shard) {
                cpu_case(cpu_old_machines[j], cpu_old_models[i]);
                checked++;
            }
        }
    }
    for (size_t i = 0; cpu_option_cases[i]; i++) {
        if ((int)(k++ % (size_t)nshards) == shard) {
            cpu_case("pc-i440fx-7.2", cpu_option_cases[i]);
            checked++;
        }
    }
    /* what QEMU refuses, vmcompat refuses with QEMU's words */
    static const char *const refused[] = { "host", "no-such-model", "qemu64,+nosuchflag",
                                           "qemu64,nosuchflag=on", "qemu64,nosuchflag",
                                           "qemu64,family=22,model=300", "qemu64,stepping=16",
                                           "qemu64,family=271", NULL };
    for (size_t i = 0; refused[i]; i++) {
        if ((int)(k++ % (size_t)nshards) != shard) {
            continue;
        }
        char *qemu = qemu_refusal("pc-q35-7.2", refused[i]);
        const char *argv[] = { "-M", "pc-q35-7.2", "-nodefaults", "-cpu", refused[i] };
        vmc_model *m = NULL;
        int rc = vmc_model_build(&m, 5, argv, NULL);
        if (rc != VMC_EUSAGE || strcmp(vmc_error_last()->message, qemu) != 0) {
            fail_msg("-cpu %s: QEMU says '%s', vmcompat %d '%s'", refused[i], qemu, rc,
                     vmc_error_last()->message);
        }
        printf("%-44s refused like QEMU: %s\n", refused[i], qemu);
        g_free(qemu);
        checked++;
    }
    assert_true(checked > 0);
    vmc_machine_types_free(set);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rmdir(tmpdir);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = "machines";
    int a = 1;
    if (a < argc && (strcmp(argv[a], "corpus") == 0 || strcmp(argv[a], "machines") == 0 ||
                     strcmp(argv[a], "devices") == 0 || strcmp(argv[a], "cpus") == 0)) {
        mode = argv[a++];
    }
    if (argc - a == 2) {
        shard = atoi(argv[a]);
        nshards = atoi(argv[a + 1]);
    }
    if (!(argc - a == 0 || argc - a == 2) || nshards < 1 || shard < 0 || shard >= nshards) {
        fprintf(stderr, "usage: %s [machines|corpus|devices|cpus] [SHARD NSHARDS]\n", argv[0]);
        return 2;
    }
    const struct CMUnitTest machines[] = {
        cmocka_unit_test_setup_teardown(test_all_machine_types, setup, teardown),
    };
    const struct CMUnitTest fresh[] = {
        cmocka_unit_test_setup_teardown(test_corpus_fresh, setup, teardown),
    };
    const struct CMUnitTest devices[] = {
        cmocka_unit_test_setup_teardown(test_device_matrix, setup, teardown),
    };
    if (strcmp(mode, "corpus") == 0) {
        return cmocka_run_group_tests(fresh, NULL, NULL);
    }
    if (strcmp(mode, "devices") == 0) {
        return cmocka_run_group_tests(devices, NULL, NULL);
    }
    if (strcmp(mode, "cpus") == 0) {
        const struct CMUnitTest cpus[] = {
            cmocka_unit_test_setup_teardown(test_cpu_models, setup, teardown),
        };
        return cmocka_run_group_tests(cpus, NULL, NULL);
    }
    return cmocka_run_group_tests(machines, NULL, NULL);
}
