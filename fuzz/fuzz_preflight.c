/*
 * libFuzzer target: preflight of a stream against a destination model.
 *
 * Input: one selector byte, then a migration stream.  The selector picks
 * one of the destinations below (board-only machines and the device sets
 * of the stream seeds), so the stream's sections meet the destination's
 * descriptors, device properties, PCI config masks and virtio checks: the
 * section decoder of the reader (read with the destination's descriptors,
 * footer-checked) and every preflight check run on hostile bytes.
 * Invariants: preflight returns 0 (findings made) or an error carrying an
 * offset inside the stream; every finding's offset lies inside the stream
 * (or is -1) and its strings are readable; the verdict equals "no error
 * finding".
 */
#include "fuzz_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dest_args[][40] = {
    { "-M", "pc-q35-7.2", "-nodefaults", "-m", "128", "-device",
      "pcie-root-port,port=18,chassis=19,id=rp18,bus=pcie.0,addr=0x12", "-device",
      "nec-usb-xhci,p2=4,p3=4,id=xhci0,bus=rp18,addr=0x0", NULL },
    { "-M", "pc-q35-6.0", "-nodefaults", "-m", "128", NULL },
    { "-M", "pc-i440fx-1.4", "-nodefaults", "-m", "128", NULL },
    { "-M", "pc-q35-7.2", "-nodefaults", "-m", "128", "-drive",
      "if=none,id=d0,file=/dev/null,format=raw", "-device", "virtio-blk-pci,drive=d0,id=blk0",
      NULL },
    { "-M", "pc-i440fx-7.2", "-nodefaults", "-m", "128", "-netdev", "user,id=n0", "-netdev",
      "user,id=n1", "-audiodev", "none,id=snd0", "-chardev", "null,id=c0", "-chardev",
      "null,id=s0", "-object", "memory-backend-ram,id=shm0,size=1M", "-device",
      "cirrus-vga,id=vga0", "-device", "e1000,netdev=n0,id=nic0", "-device",
      "virtio-net-pci,netdev=n1,id=net0", "-device", "piix3-usb-uhci,id=uhci0", "-device",
      "usb-tablet,bus=uhci0.0,id=tab0", "-device", "virtio-balloon-pci,id=bal0", "-device",
      "pci-bridge,chassis_nr=1,id=br1", "-device", "i6300esb,id=wdt0,bus=br1,addr=0x1",
      "-device", "intel-hda,id=hda0", "-device", "hda-duplex,bus=hda0.0,audiodev=snd0",
      "-device", "isa-serial,chardev=s0,id=ser0", NULL },
};
#define NDEST (sizeof(dest_args) / sizeof(dest_args[0]))

static vmc_model *dest[NDEST];

static vmc_model *destination(size_t i)
{
    if (!dest[i]) {
        int argc = 0;
        while (dest_args[i][argc]) {
            argc++;
        }
        if (vmc_model_build(&dest[i], argc, dest_args[i], NULL)) {
            fz_fail("destination %zu: %s", i, vmc_error_last()->message);
        }
    }
    return dest[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    vmc_model *m = destination(data[0] % NDEST);
    const uint8_t *stream = data + 1;
    size_t len = size - 1;
    vmc_source *src;
    if (vmc_source_open_memory(&src, stream, len, "fuzz")) {
        fz_fail("vmc_source_open_memory: %s", vmc_error_last()->message);
    }
    /* the capability a stream's compressed pages need, on for odd selectors */
    vmc_preflight_cap cap = { .name = "compress", .on = (data[0] / NDEST) & 1 };
    vmc_preflight_options o = { .caps = &cap, .ncaps = 1 };
    vmc_preflight *p = NULL;
    int rc = vmc_preflight_stream(&p, src, m, &o);
    if (rc) {
        if (p) {
            fz_fail("vmc_preflight_stream failed but returned a result");
        }
        fz_check_error(rc, (int64_t)len, 0);
        fz_verbose_error();
    } else {
        bool any_error = false;
        for (size_t i = 0; i < vmc_preflight_count(p); i++) {
            const vmc_preflight_finding *f = vmc_preflight_at(p, i);
            if (f->offset < -1 || f->offset > (int64_t)len) {
                fz_fail("finding %zu (%s) at offset %lld outside the %zu-byte stream", i,
                        f->message, (long long)f->offset, len);
            }
            fz_touch_str(f->cls);
            fz_touch_str(f->section);
            fz_touch_str(f->field);
            fz_touch_str(f->message);
            fz_touch_str(f->qemu_error);
            fz_touch_str(f->remedy);
            any_error |= f->severity == VMC_SEV_ERROR;
        }
        if (vmc_preflight_compatible(p) == any_error) {
            fz_fail("verdict %s with%s error findings",
                    vmc_preflight_compatible(p) ? "compatible" : "incompatible",
                    any_error ? "" : " no");
        }
        vmc_preflight_free(p);
    }
    vmc_source_free(src);
    return 0;
}
