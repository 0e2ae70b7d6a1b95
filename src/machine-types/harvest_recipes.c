/*
 * How to instantiate a device type so its property values can be read:
 * the command-line options of a probe (the device plus what it needs: a
 * block node, a bus, a memory backend, a chardev).  Types without a recipe
 * get a generic one from the bus `-device help` names; types that need a
 * host resource or a back-end process are skipped with a reason.
 */
#include "machine-types/harvest_internal.h"

#include <string.h>

#define PCI HV_NEEDS_PCI
#define PCIE HV_NEEDS_PCIE
#define ISA HV_NEEDS_ISA
#define IDE HV_NEEDS_IDE
#define BLK "-blockdev null-co,node-name=@b "

static const hv_recipe recipes[] = {
    /* block devices: a null-co node as the drive */
    { "ide-hd", BLK "-device ide-hd,drive=@b,bus=ide.1,id=@", NULL, IDE, 0, NULL },
    { "ide-hd", BLK "-device ide-hd,drive=@b,id=@", NULL, IDE, 0, NULL },
    { "ide-cd", "-device ide-cd,id=@", NULL, IDE, 0, NULL },
    { "scsi-hd", BLK "-device virtio-scsi-pci,id=@s -device scsi-hd,drive=@b,bus=@s.0,id=@", NULL,
      PCI, 1, NULL },
    { "scsi-cd", "-device virtio-scsi-pci,id=@s -device scsi-cd,bus=@s.0,id=@", NULL, PCI, 1,
      NULL },
    { "virtio-blk-pci", BLK "-device @T,drive=@b,id=@", NULL, PCI, 1, NULL },
    { "virtio-blk-pci-transitional", BLK "-device @T,drive=@b,id=@", NULL, PCI, 1, NULL },
    { "virtio-blk-pci-non-transitional", BLK "-device @T,drive=@b,id=@", NULL, PCI, 1, NULL },
    /* machine types up to 2.4 turn scsi on, which virtio 1.0 refuses */
    { "virtio-blk-pci-transitional", BLK "-device @T,drive=@b,scsi=off,id=@", NULL, PCI, 1, NULL },
    { "virtio-blk-pci-non-transitional", BLK "-device @T,drive=@b,scsi=off,id=@", NULL, PCI, 1,
      NULL },
    { "nvme", "-device nvme,serial=vmc@,id=@", NULL, PCI, 1, NULL },
    /* nvme-ns on a subsystem (nvme-subsys: QEMU 6.0+), else on the controller */
    { "nvme-ns",
      BLK "-device nvme-subsys,id=@ss -device nvme,serial=vmc@,subsys=@ss,id=@n "
          "-device nvme-ns,drive=@b,bus=@n,id=@",
      NULL, PCI, 1, NULL },
    { "nvme-ns", BLK "-device nvme,serial=vmc@,id=@n -device nvme-ns,drive=@b,bus=@n,id=@", NULL,
      PCI, 1, NULL },
    { "usb-storage", BLK "-device qemu-xhci,id=@u -device usb-storage,drive=@b,bus=@u.0,id=@",
      NULL, PCI, 1, NULL },
    { "usb-redir", "-chardev null,id=@c -device qemu-xhci,id=@u "
                   "-device usb-redir,chardev=@c,bus=@u.0,id=@", NULL, PCI, 1, NULL },
    { "isa-parallel", "-chardev null,id=@c -device isa-parallel,chardev=@c,id=@", NULL, ISA, 0,
      NULL },
    { "ivshmem-plain", "-object memory-backend-ram,id=@m,size=1M,share=on "
                       "-device ivshmem-plain,memdev=@m,id=@", NULL, PCI, 1, NULL },
    { "virtio-9p-pci", "-fsdev local,id=@f,path=@D,security_model=none,readonly=on "
                       "-device virtio-9p-pci,fsdev=@f,mount_tag=@,id=@", NULL, PCI, 1, NULL },
    /* -m with maxmem changes the machine: a run of its own */
    { "virtio-mem-pci", "-m 128M,maxmem=1G,slots=1 -object memory-backend-ram,id=@m,size=128M "
                        "-device virtio-mem-pci,memdev=@m,id=@", NULL, PCI | HV_ALONE, 1, NULL },
    /* bridges and ports need unique chassis / slot numbers */
    { "pci-bridge", "-device pci-bridge,chassis_nr=@#,id=@", NULL, PCI, 1, NULL },
    { "pcie-root-port", "-device pcie-root-port,chassis=@#,slot=@#,id=@", NULL, PCIE, 1, NULL },
    { "ioh3420", "-device ioh3420,chassis=@#,slot=@#,id=@", NULL, PCIE, 1, NULL },
    { "x3130-upstream", "-device pcie-root-port,id=@r,chassis=@#,slot=@# "
                        "-device x3130-upstream,bus=@r,id=@", NULL, PCIE, 1, NULL },
    { "xio3130-downstream", "-device pcie-root-port,id=@r,chassis=@#,slot=@# "
                            "-device x3130-upstream,bus=@r,id=@up "
                            "-device xio3130-downstream,bus=@up,chassis=@#,slot=@#,id=@",
      NULL, PCIE, 1, NULL },
    { "pcie-pci-bridge", "-device pcie-pci-bridge,id=@", NULL, PCIE, 1, NULL },
    /* one IOMMU per machine, and it changes DMA for every other device */
    { "intel-iommu", "-device intel-iommu,id=@", NULL, PCIE | HV_ALONE, 0, NULL },
    /* only one balloon device per machine */
    { "virtio-balloon-pci-transitional", "-device @T,id=@", NULL, PCI | HV_ALONE, 1, NULL },
    { "virtio-balloon-pci-non-transitional", "-device @T,id=@", NULL, PCI | HV_ALONE, 1, NULL },
    /* the first display device must be qxl-vga */
    { "qxl-vga", "-device qxl-vga,id=@", NULL, PCI | HV_ALONE, 1, NULL },
    /* user-creatable objects */
    { "memory-backend-ram", "-object memory-backend-ram,id=@,size=1M", "/objects/@", 0, 0, NULL },
    { "memory-backend-file", "-object memory-backend-file,id=@,size=1M,mem-path=@D",
      "/objects/@", 0, 0, NULL },
    { "memory-backend-memfd", "-object memory-backend-memfd,id=@,size=1M", "/objects/@", 0, 0,
      NULL },
    /* not instantiable without host resources or back-end processes */
    { "ivshmem-doorbell", NULL, NULL, HV_SKIP, 0, "needs an ivshmem server" },
    { "tpm-crb", NULL, NULL, HV_SKIP, 0, "needs a TPM back end (swtpm)" },
    { "tpm-tis", NULL, NULL, HV_SKIP, 0, "needs a TPM back end (swtpm)" },
    { "vhost-scsi", NULL, NULL, HV_SKIP, 0, "needs /dev/vhost-scsi" },
    { "vhost-scsi-pci", NULL, NULL, HV_SKIP, 0, "needs /dev/vhost-scsi" },
    { "vhost-vsock-device", NULL, NULL, HV_SKIP, 0, "needs /dev/vhost-vsock" },
    { "vhost-vsock-pci", NULL, NULL, HV_SKIP, 0, "needs /dev/vhost-vsock" },
    { "vhost-user-blk", NULL, NULL, HV_SKIP, 0, "needs a vhost-user back end" },
    { "vhost-user-blk-pci", NULL, NULL, HV_SKIP, 0, "needs a vhost-user back end" },
    { "vhost-user-scsi", NULL, NULL, HV_SKIP, 0, "needs a vhost-user back end" },
    { "vhost-user-scsi-pci", NULL, NULL, HV_SKIP, 0, "needs a vhost-user back end" },
    { "vhost-user-vsock-device", NULL, NULL, HV_SKIP, 0, "needs a vhost-user back end" },
    { "vhost-user-vsock-pci", NULL, NULL, HV_SKIP, 0, "needs a vhost-user back end" },
    { "vfio-pci", NULL, NULL, HV_SKIP, 0, "needs a host device" },
};

size_t hv_recipes_for(const char *type, const char *bus, hv_recipe *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(recipes) && n < max; i++) {
        if (strcmp(recipes[i].type, type) == 0) {
            out[n++] = recipes[i];
        }
    }
    if (n || !bus || max == 0) {
        return n;
    }
    /* generic recipes by the bus the device plugs into */
    hv_recipe r = { type, NULL, NULL, 0, 0, NULL };
    if (strcmp(bus, "PCI") == 0 || strcmp(bus, "PCIE") == 0) {
        r.args = "-device @T,id=@";
        r.flags = PCI;
        r.slots = 1;
    } else if (strcmp(bus, "ISA") == 0) {
        r.args = "-device @T,id=@";
        r.flags = ISA;
    } else if (strcmp(bus, "IDE") == 0) {
        r.args = "-device @T,id=@";
        r.flags = IDE;
    } else if (strcmp(bus, "usb-bus") == 0) {
        r.args = "-device qemu-xhci,id=@u -device @T,bus=@u.0,id=@";
        r.flags = PCI;
        r.slots = 1;
    } else if (strcmp(bus, "virtio-serial-bus") == 0) {
        r.args = "-device virtio-serial-pci,id=@v -device @T,bus=@v.0,id=@";
        r.flags = PCI;
        r.slots = 1;
    } else if (strcmp(bus, "HDA") == 0) {
        r.args = "-audiodev none,id=@a -device intel-hda,id=@h -device @T,audiodev=@a,bus=@h.0,id=@";
        r.flags = PCI;
        r.slots = 1;
    } else if (strcmp(bus, "SCSI") == 0) {
        r.args = "-device virtio-scsi-pci,id=@s -device @T,bus=@s.0,id=@";
        r.flags = PCI;
        r.slots = 1;
    } else {
        return 0;   /* virtio-bus back ends come with their proxies; others unknown */
    }
    out[n++] = r;
    return n;
}
