/*
 * schema-diff against QEMU's own checker, scripts/vmstate-static-checker.py
 * (QEMU 7.2): on its test pair (corpus checker-pair/) and on real dumps of
 * QEMU 5.2, 7.2 and 10.0 (corpus vmstate/ and xver/vmstate/), every line the
 * checker prints must have a schema-diff finding at the same place
 * (section, vmsd, field) and of the same kind, and both must agree on
 * whether there is any error.
 *
 * The checker's output below was produced by running that script on these
 * files (`-s OLD -d NEW [--reverse]`); its exit status is its error count.
 * When python3 and the script are available ($VMC_QEMU_CHECKER, or QEMU's
 * source next to the project) the test runs it again and requires the same
 * lines, so the recorded output cannot drift from the real tool.
 */
#include "testutil.h"
#include "vmcompat/schema.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pair {
    const char *old_rel, *new_rel;
    bool reverse;
    int checker_rc;
    const char *const *lines;
};

static const struct pair pairs[] = {
    { "checker-pair/dump1.json", "checker-pair/dump2.json", false, 13, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-i440fx-2.1\", \"pc-i440fx-2.2\"",
        "Section \"fw_cfg\" does not exist in dest",
        "Section \"fusbh200-ehci-usb\" version error: 2 > 1",
        "Section \"fusbh200-ehci-usb\", Description \"ehci-core\": expected field \"usbsts\", got \"usbsts_pending\"; skipping rest",
        "Section \"pci-serial-4x\" Description \"pci-serial-multi\": Entry \"Fields\" missing",
        "Section \"intel-hda-generic\", Description \"intel-hda\", Field \"pci\": missing description",
        "Section \"cfi.pflash01\": Entry \"Description\" missing",
        "Section \"megasas\", Description \"PCIDevice\": expected field \"irq_state\", while dest has no further fields",
        "Section \"PIIX3-xen\" Description \"PIIX3\": minimum version error: 1 < 2",
        "Section \"PIIX3-xen\" Description \"PIIX3\": Entry \"Subsections\" missing",
        "Section \"tpci200\": Description \"tpci200\" missing, got \"tpci2002\" instead; skipping",
        "Section \"sun-fdtwo\" Description \"fdc\": version error: 2 > 1",
        "Section \"sun-fdtwo\", Description \"fdrive\": Subsection \"fdrive/media_rate\" not found",
        "Section \"usb-kbd\" Description \"usb-kbd\" Field \"kbd.keycodes\" size mismatch: 4 , 2",
        NULL } },
    { "checker-pair/dump1.json", "checker-pair/dump2.json", true, 6, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-i440fx-2.2\", \"pc-i440fx-2.1\"",
        "Section \"fw_cfg2\" does not exist in dest",
        "Section \"fusbh200-ehci-usb\", Description \"ehci-core\": expected field \"usbsts_pending\", got \"usbsts\"; skipping rest",
        "Section \"PIIX3-xen\" Description \"PIIX3\": version error: 3 > 1",
        "Section \"tpci200\": Description \"tpci2002\" missing, got \"tpci200\" instead; skipping",
        "Section \"sun-fdtwo\" Description \"fdc\": minimum version error: 1 < 2",
        "Section \"usb-kbd\" Description \"usb-kbd\" Field \"kbd.keycodes\" size mismatch: 2 , 4",
        NULL } },
    { "xver/vmstate/qemu-5.2.0-pc-q35-5.2.json.gz", "vmstate/pc-q35-5.2.json.gz", false, 15, (const char *const[]){
        "Section \"scsi-disk\" does not exist in dest",
        "Section \"igd-passthrough-i440FX\" does not exist in dest",
        "Section \"sd-card\", Description \"sd-card\": expected field \"wp_groups\", got \"wp_group_bmap\"; skipping rest",
        "Section \"esp\" does not exist in dest",
        "Section \"i8042\", Description \"pckbd\": expected field \"pending\", got \"pending_tmp\"; skipping rest",
        "Section \"am53c974\", Description \"pciespscsi\": expected field \"esp\", got \"esp.mig_version_id\"; skipping rest",
        "Section \"ICH9 SMB\" does not exist in dest",
        "Section \"base-sysbus-fdc\" does not exist in dest",
        "Section \"sysbus-fdc\" does not exist in dest",
        "Section \"xen-pvdevice\" does not exist in dest",
        "Section \"SUNW,fdtwo\" does not exist in dest",
        "Section \"vt82c686b-usb-uhci\" does not exist in dest",
        "Section \"xen-platform\" does not exist in dest",
        "Section \"virtio-iommu-device\" Section \"virtio-iommu-device\" Description \"virtio-iommu\": minimum version error: 1 < 2",
        "Section \"dc390\", Description \"pciespscsi\": expected field \"esp\", got \"esp.mig_version_id\"; skipping rest",
        NULL } },
    { "xver/vmstate/qemu-5.2.0-pc-q35-5.2.json.gz", "vmstate/pc-q35-5.2.json.gz", true, 29, (const char *const[]){
        "Section \"acpi-erst\" does not exist in dest",
        "Section \"i8042-mmio\" does not exist in dest",
        "Section \"pxb-cxl-host\" does not exist in dest",
        "Section \"ICH9-SMB\" does not exist in dest",
        "Section \"ps2-mouse\" does not exist in dest",
        "Section \"ICH9-LPC\", Description \"ich9_pm\": Subsection \"ich9_pm/pcihp\" not found",
        "Section \"vhost-user-i2c-device\" does not exist in dest",
        "Section \"ps2-kbd\" does not exist in dest",
        "Section \"sd-card\", Description \"sd-card\": expected field \"wp_group_bmap\", got \"wp_groups\"; skipping rest",
        "Section \"virtio-vga-gl-base-type\" does not exist in dest",
        "Section \"i8042\", Description \"pckbd\": expected field \"pending_tmp\", got \"pending\"; skipping rest",
        "Section \"i8042\", Description \"pckbd\": Subsection \"pckbd/extended_state\" not found",
        "Section \"remote-pcihost\" does not exist in dest",
        "Section \"am53c974\" version error: 2 > 1",
        "Section \"am53c974\" Description \"pciespscsi\": version error: 2 > 1",
        "Section \"am53c974\", Description \"pciespscsi\": expected field \"esp.mig_version_id\", got \"esp\"; skipping rest",
        "Section \"PIIX4_PM\", Description \"piix4_pm\": expected field \"acpi_pci_hotplug.acpi_index\", while dest has no further fields",
        "Section \"vhost-user-rng\" does not exist in dest",
        "Section \"vhost-user-gpio-device\" does not exist in dest",
        "Section \"sysbus-esp\" does not exist in dest",
        "Section \"hv-syndbg\" does not exist in dest",
        "Section \"pvpanic-pci\" does not exist in dest",
        "Section \"cfi.pflash01\" Description \"pflash_cfi01\": Entry \"Subsections\" missing",
        "Section \"virtio-vga-gl\" does not exist in dest",
        "Section \"virtio-iommu-device\" version error: 2 > 1",
        "Section \"virtio-iommu-device\" Description \"virtio-iommu\": version error: 2 > 1",
        "Section \"dc390\" version error: 2 > 1",
        "Section \"dc390\" Description \"pciespscsi\": version error: 2 > 1",
        "Section \"dc390\", Description \"pciespscsi\": expected field \"esp.mig_version_id\", got \"esp\"; skipping rest",
        NULL } },
    { "vmstate/pc-q35-7.2.json.gz", "xver/vmstate/qemu-10.0.13-pc-q35-10.0.json.gz", false, 19, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-q35-7.2\", \"pc-q35-10.0\"",
        "Section \"e1000e\", Description \"e1000e\": expected field \"core.eitr_guest_value\", got \"core.itr_guest_value\"; skipping rest",
        "Section \"acpi-ged\", Description \"acpi-ghes\": expected field \"ghes_addr_le\", got \"hw_error_le\"; skipping rest",
        "Section \"serial-mm\" does not exist in dest",
        "Section \"sysbus-ahci\" does not exist in dest",
        "Section \"acpi-ged-x86\" does not exist in dest",
        "Section \"virtio-vga-gl-base-type\" does not exist in dest",
        "Section \"pci-piix3\" does not exist in dest",
        "Section \"am53c974\", Description \"esp\": expected field \"data_in_ready\", got \"data_ready\"; skipping rest",
        "Section \"am53c974\" Description \"esp\": Entry \"Subsections\" missing",
        "Section \"hpet\", Description \"hpet\": expected field \"num_timers\", got \"num_timers_save\"; skipping rest",
        "Section \"pci-qxl\" does not exist in dest",
        "Section \"sysbus-esp\", Description \"esp\": expected field \"data_in_ready\", got \"data_ready\"; skipping rest",
        "Section \"sysbus-esp\" Description \"esp\": Entry \"Subsections\" missing",
        "Section \"qxl\" does not exist in dest",
        "Section \"virtio-vga-gl\" does not exist in dest",
        "Section \"qxl-vga\" does not exist in dest",
        "Section \"PIIX3-xen\" does not exist in dest",
        "Section \"dc390\", Description \"esp\": expected field \"data_in_ready\", got \"data_ready\"; skipping rest",
        "Section \"dc390\" Description \"esp\": Entry \"Subsections\" missing",
        NULL } },
    { "vmstate/pc-q35-7.2.json.gz", "xver/vmstate/qemu-10.0.13-pc-q35-10.0.json.gz", true, 39, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-q35-10.0\", \"pc-q35-7.2\"",
        "Section \"uefi-vars-sysbus\" does not exist in dest",
        "Section \"e1000e\", Description \"e1000e\": expected field \"core.itr_guest_value\", got \"core.eitr_guest_value\"; skipping rest",
        "Section \"xen-xenstore\" does not exist in dest",
        "Section \"piix3-ide\" does not exist in dest",
        "Section \"acpi-ged\", Description \"acpi-ged\": Subsection \"acpi-ged/cpuhp\" not found",
        "Section \"acpi-ged\", Description \"acpi-ghes\": expected field \"hw_error_le\", got \"ghes_addr_le\"; skipping rest",
        "Section \"ufs\" does not exist in dest",
        "Section \"xen-gnttab\" does not exist in dest",
        "Section \"sd-card-spi\" does not exist in dest",
        "Section \"sd-card\", Description \"sd-card\": Subsection \"sd-card/ext_csd_modes-state\" not found",
        "Section \"virtio-gpu-device\" Description \"virtio-gpu\": Entry \"Subsections\" missing",
        "Section \"piix4-ide\" does not exist in dest",
        "Section \"kvm-i8259\" Description \"i8259\": Entry \"Subsections\" missing",
        "Section \"am53c974\" Description \"esp\": version error: 7 > 6",
        "Section \"am53c974\", Description \"esp\": expected field \"data_ready\", got \"data_in_ready\"; skipping rest",
        "Section \"vhost-vdpa-device\" does not exist in dest",
        "Section \"vhost-user-fs-device\" Description \"vhost-user-fs\": Entry \"Fields\" missing",
        "Section \"vhost-user-fs-device\" Description \"vhost-user-fs\": Entry \"Subsections\" missing",
        "Section \"xen-evtchn\" does not exist in dest",
        "Section \"uefi-vars-x64\" does not exist in dest",
        "Section \"hpet\", Description \"hpet\": expected field \"num_timers_save\", got \"num_timers\"; skipping rest",
        "Section \"emmc\" does not exist in dest",
        "Section \"pic-common\" Description \"i8259\": Entry \"Subsections\" missing",
        "Section \"virtio-multitouch-device\" does not exist in dest",
        "Section \"sdmmc-common\" does not exist in dest",
        "Section \"vhost-user-device\" does not exist in dest",
        "Section \"xen-overlay\" does not exist in dest",
        "Section \"virtio-sound-device\" does not exist in dest",
        "Section \"isa-i8259\" Description \"i8259\": Entry \"Subsections\" missing",
        "Section \"sysbus-esp\" Description \"esp\": version error: 7 > 6",
        "Section \"sysbus-esp\", Description \"esp\": expected field \"data_ready\", got \"data_in_ready\"; skipping rest",
        "Section \"igb\" does not exist in dest",
        "Section \"ramfb\" does not exist in dest",
        "Section \"xen-platform\" does not exist in dest",
        "Section \"dc390\" Description \"esp\": version error: 7 > 6",
        "Section \"dc390\", Description \"esp\": expected field \"data_ready\", got \"data_in_ready\"; skipping rest",
        "Section \"vhost-user-snd\" does not exist in dest",
        "Section \"vmclock\" does not exist in dest",
        "Section \"piix4-isa\" does not exist in dest",
        NULL } },
    { "xver/vmstate/qemu-5.2.0-pc-q35-5.2.json.gz", "xver/vmstate/qemu-10.0.13-pc-q35-10.0.json.gz", false, 25, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-q35-5.2\", \"pc-q35-10.0\"",
        "Section \"e1000e\", Description \"e1000e\": expected field \"core.eitr_guest_value\", got \"core.itr_guest_value\"; skipping rest",
        "Section \"scsi-disk\" does not exist in dest",
        "Section \"acpi-ged\", Description \"acpi-ghes\": expected field \"ghes_addr_le\", got \"hw_error_le\"; skipping rest",
        "Section \"serial-mm\" does not exist in dest",
        "Section \"igd-passthrough-i440FX\" does not exist in dest",
        "Section \"sysbus-ahci\" does not exist in dest",
        "Section \"sd-card\", Description \"sd-card\": expected field \"wp_groups\", got \"wp_group_bmap\"; skipping rest",
        "Section \"esp\" does not exist in dest",
        "Section \"acpi-ged-x86\" does not exist in dest",
        "Section \"i8042\", Description \"pckbd\": expected field \"pending\", got \"pending_tmp\"; skipping rest",
        "Section \"pci-piix3\" does not exist in dest",
        "Section \"am53c974\", Description \"pciespscsi\": expected field \"esp\", got \"esp.mig_version_id\"; skipping rest",
        "Section \"ICH9 SMB\" does not exist in dest",
        "Section \"base-sysbus-fdc\" does not exist in dest",
        "Section \"hpet\", Description \"hpet\": expected field \"num_timers\", got \"num_timers_save\"; skipping rest",
        "Section \"sysbus-fdc\" does not exist in dest",
        "Section \"xen-pvdevice\" does not exist in dest",
        "Section \"pci-qxl\" does not exist in dest",
        "Section \"SUNW,fdtwo\" does not exist in dest",
        "Section \"vt82c686b-usb-uhci\" does not exist in dest",
        "Section \"qxl\" does not exist in dest",
        "Section \"virtio-iommu-device\" Section \"virtio-iommu-device\" Description \"virtio-iommu\": minimum version error: 1 < 2",
        "Section \"qxl-vga\" does not exist in dest",
        "Section \"PIIX3-xen\" does not exist in dest",
        "Section \"dc390\", Description \"pciespscsi\": expected field \"esp\", got \"esp.mig_version_id\"; skipping rest",
        NULL } },
    { "xver/vmstate/qemu-5.2.0-pc-q35-5.2.json.gz", "xver/vmstate/qemu-10.0.13-pc-q35-10.0.json.gz", true, 59, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-q35-10.0\", \"pc-q35-5.2\"",
        "Section \"acpi-erst\" does not exist in dest",
        "Section \"i8042-mmio\" does not exist in dest",
        "Section \"pxb-cxl-host\" does not exist in dest",
        "Section \"uefi-vars-sysbus\" does not exist in dest",
        "Section \"ICH9-SMB\" does not exist in dest",
        "Section \"e1000e\", Description \"e1000e\": expected field \"core.itr_guest_value\", got \"core.eitr_guest_value\"; skipping rest",
        "Section \"ps2-mouse\" does not exist in dest",
        "Section \"xen-xenstore\" does not exist in dest",
        "Section \"piix3-ide\" does not exist in dest",
        "Section \"acpi-ged\", Description \"acpi-ged\": Subsection \"acpi-ged/cpuhp\" not found",
        "Section \"acpi-ged\", Description \"acpi-ghes\": expected field \"hw_error_le\", got \"ghes_addr_le\"; skipping rest",
        "Section \"ICH9-LPC\", Description \"ich9_pm\": Subsection \"ich9_pm/pcihp\" not found",
        "Section \"ufs\" does not exist in dest",
        "Section \"vhost-user-i2c-device\" does not exist in dest",
        "Section \"xen-gnttab\" does not exist in dest",
        "Section \"ps2-kbd\" does not exist in dest",
        "Section \"sd-card-spi\" does not exist in dest",
        "Section \"sd-card\", Description \"sd-card\": expected field \"wp_group_bmap\", got \"wp_groups\"; skipping rest",
        "Section \"sd-card\", Description \"sd-card\": Subsection \"sd-card/ext_csd_modes-state\" not found",
        "Section \"virtio-gpu-device\" Description \"virtio-gpu\": Entry \"Subsections\" missing",
        "Section \"piix4-ide\" does not exist in dest",
        "Section \"i8042\", Description \"pckbd\": expected field \"pending_tmp\", got \"pending\"; skipping rest",
        "Section \"i8042\", Description \"pckbd\": Subsection \"pckbd/extended_state\" not found",
        "Section \"kvm-i8259\" Description \"i8259\": Entry \"Subsections\" missing",
        "Section \"remote-pcihost\" does not exist in dest",
        "Section \"am53c974\" version error: 2 > 1",
        "Section \"am53c974\" Description \"pciespscsi\": version error: 2 > 1",
        "Section \"am53c974\", Description \"pciespscsi\": expected field \"esp.mig_version_id\", got \"esp\"; skipping rest",
        "Section \"PIIX4_PM\", Description \"piix4_pm\": expected field \"acpi_pci_hotplug.acpi_index\", while dest has no further fields",
        "Section \"vhost-vdpa-device\" does not exist in dest",
        "Section \"vhost-user-fs-device\" Description \"vhost-user-fs\": Entry \"Fields\" missing",
        "Section \"vhost-user-fs-device\" Description \"vhost-user-fs\": Entry \"Subsections\" missing",
        "Section \"xen-evtchn\" does not exist in dest",
        "Section \"uefi-vars-x64\" does not exist in dest",
        "Section \"hpet\", Description \"hpet\": expected field \"num_timers_save\", got \"num_timers\"; skipping rest",
        "Section \"emmc\" does not exist in dest",
        "Section \"pic-common\" Description \"i8259\": Entry \"Subsections\" missing",
        "Section \"virtio-multitouch-device\" does not exist in dest",
        "Section \"sdmmc-common\" does not exist in dest",
        "Section \"vhost-user-rng\" does not exist in dest",
        "Section \"vhost-user-gpio-device\" does not exist in dest",
        "Section \"vhost-user-device\" does not exist in dest",
        "Section \"xen-overlay\" does not exist in dest",
        "Section \"virtio-sound-device\" does not exist in dest",
        "Section \"isa-i8259\" Description \"i8259\": Entry \"Subsections\" missing",
        "Section \"sysbus-esp\" does not exist in dest",
        "Section \"igb\" does not exist in dest",
        "Section \"hv-syndbg\" does not exist in dest",
        "Section \"ramfb\" does not exist in dest",
        "Section \"pvpanic-pci\" does not exist in dest",
        "Section \"cfi.pflash01\" Description \"pflash_cfi01\": Entry \"Subsections\" missing",
        "Section \"virtio-iommu-device\" version error: 2 > 1",
        "Section \"virtio-iommu-device\" Description \"virtio-iommu\": version error: 2 > 1",
        "Section \"dc390\" version error: 2 > 1",
        "Section \"dc390\" Description \"pciespscsi\": version error: 2 > 1",
        "Section \"dc390\", Description \"pciespscsi\": expected field \"esp.mig_version_id\", got \"esp\"; skipping rest",
        "Section \"vhost-user-snd\" does not exist in dest",
        "Section \"vmclock\" does not exist in dest",
        "Section \"piix4-isa\" does not exist in dest",
        NULL } },
    { "vmstate/pc-i440fx-1.4.json.gz", "vmstate/pc-q35-7.2.json.gz", false, 0, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-i440fx-1.4\", \"pc-q35-7.2\"",
        NULL } },
    { "vmstate/pc-i440fx-1.4.json.gz", "vmstate/pc-q35-7.2.json.gz", true, 0, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-q35-7.2\", \"pc-i440fx-1.4\"",
        NULL } },
    { "vmstate/pc-q35-2.12.json.gz", "vmstate/pc-q35-7.2.json.gz", false, 0, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-q35-2.12\", \"pc-q35-7.2\"",
        NULL } },
    { "vmstate/pc-q35-2.12.json.gz", "vmstate/pc-q35-7.2.json.gz", true, 0, (const char *const[]){
        "Warning: checking incompatible machine types: \"pc-q35-7.2\", \"pc-q35-2.12\"",
        NULL } },
};

/* What a checker line claims, and how to find our finding for it. */
struct claim {
    const char *kind;      /* our kind, or "mismatch" for a field-list mismatch */
    char *section, *desc;  /* desc may be NULL */
    char *f1, *f2;         /* field names, may be NULL */
};

static const struct {
    const char *re;
    const char *kind;
    int sec, desc, f1, f2;   /* capture groups, 0 = none */
} patterns[] = {
    { "^Warning: checking incompatible machine types: \"(.*)\", \"(.*)\"$", "machine-type", 0, 0, 0, 0 },
    { "^Section \"(.*)\" does not exist in dest$", "section-missing", 1, 0, 0, 0 },
    { "^Section \"(.*?)\" version error: \\d+ > \\d+$", "version-too-new", 1, 0, 0, 0 },
    { "^Section \"(.*?)\" Description \"(.*?)\": version error: \\d+ > \\d+$", "version-too-new", 1, 2, 0, 0 },
    { "^Section \"(.*?)\" Description \"(.*?)\": minimum version error: \\d+ < \\d+$", "version-too-old", 1, 2, 0, 0 },
    { "^Section \"(.*?)\", Description \"(.*?)\": expected field \"(.*?)\", got \"(.*?)\"; skipping rest$", "mismatch", 1, 2, 3, 4 },
    { "^Section \"(.*?)\", Description \"(.*?)\": expected field \"(.*?)\", while dest has no further fields$", "mismatch", 1, 2, 3, 0 },
    { "^Section \"(.*?)\", Description \"(.*?)\": unused size mismatch near \" (.*?)\"$", "mismatch", 1, 2, 3, 0 },
    { "^Section \"(.*?)\", Description \"(.*?)\", Field \"(.*?)\": missing description$", "description-missing", 1, 2, 3, 0 },
    { "^Section \"(.*?)\" Description \"(.*?)\": Entry \"Fields\" missing$", "fields-missing", 1, 2, 0, 0 },
    { "^Section \"(.*?)\" Description \"(.*?)\": Entry \"Subsections\" missing$", "subsection-missing", 1, 2, 0, 0 },
    { "^Section \"(.*?)\": Entry \"Description\" missing$", "description-missing", 1, 0, 0, 0 },
    { "^Section \"(.*?)\": Description \"(.*?)\" missing, got \"(.*?)\" instead; skipping$", "description-renamed", 1, 2, 0, 0 },
    { "^Section \"(.*?)\", Description \"(.*?)\": Subsection \"(.*?)\" not found$", "subsection-missing", 1, 2, 0, 0 },
    { "^Section \"(.*?)\" Description \"(.*?)\" Field \"(.*?)\" size mismatch: \\d+ , \\d+$", "field-size", 1, 2, 3, 0 },
};

static bool parse_line(const char *line, struct claim *c)
{
    /* The checker prints a bare 'Section "X" ' for a section-level minimum
     * version error (its message is only printed with a vmsd name); the
     * vmsd-level message follows on the same line. */
    GRegex *prefix = g_regex_new("^(Section \"[^\"]*\") (Section \")", 0, 0, NULL);
    gchar *l = g_regex_replace(prefix, line, -1, 0, "\\2", 0, NULL);
    g_regex_unref(prefix);
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        GRegex *re = g_regex_new(patterns[i].re, 0, 0, NULL);
        GMatchInfo *m;
        bool ok = g_regex_match(re, l, 0, &m);
        if (ok) {
            c->kind = patterns[i].kind;
            c->section = patterns[i].sec ? g_match_info_fetch(m, patterns[i].sec) : NULL;
            c->desc = patterns[i].desc ? g_match_info_fetch(m, patterns[i].desc) : NULL;
            c->f1 = patterns[i].f1 ? g_match_info_fetch(m, patterns[i].f1) : NULL;
            c->f2 = patterns[i].f2 ? g_match_info_fetch(m, patterns[i].f2) : NULL;
        }
        g_match_info_free(m);
        g_regex_unref(re);
        if (ok) {
            break;
        }
    }
    g_free(l);
    return c->kind != NULL;
}

static bool streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool covers(const vmc_finding *f, const struct claim *c)
{
    if (!streq(c->kind, "machine-type") && !streq(f->section, c->section)) {
        return false;
    }
    bool at_field = (c->f1 && streq(f->field, c->f1)) || (c->f2 && streq(f->field, c->f2));
    if (strcmp(c->kind, "mismatch") == 0) {
        /* the checker stops at the first mismatch of the vmsd; any finding there */
        return streq(f->description, c->desc) || at_field;
    }
    if (strcmp(f->kind, c->kind) != 0) {
        return false;
    }
    if (c->f1) {
        return at_field;
    }
    if (c->desc) {
        return !f->description || streq(f->description, c->desc);
    }
    return true;
}

static char *plain_copy(const char *rel)
{
    size_t len;
    uint8_t *data = tu_read_file(tu_corpus_path(rel), &len);
    char *p = tu_temp_file(data, len, ".json");
    free(data);
    return p;
}

static const char *checker_script(void)
{
    static char found[4096];
    char cand[3][4096];
    const char *env = getenv("VMC_QEMU_CHECKER");
    snprintf(cand[0], sizeof(cand[0]), "%s", env ? env : "");
    snprintf(cand[1], sizeof(cand[1]), "%s/../scratch/qemu-7.2+dfsg/scripts/vmstate-static-checker.py",
             tu_source_dir());
    snprintf(cand[2], sizeof(cand[2]), "/work/scratch/qemu-7.2+dfsg/scripts/vmstate-static-checker.py");
    for (int i = 0; i < 3; i++) {
        if (cand[i][0] && access(cand[i], R_OK) == 0) {
            snprintf(found, sizeof(found), "%s", cand[i]);
            return found;
        }
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run the real checker and require the recorded lines and exit status. */
static void rerun_checker(const char *script, const struct pair *p, const char *o, const char *n)
{
    const char *argv[] = { "python3", script, "-s", o, "-d", n, p->reverse ? "--reverse" : NULL,
                           NULL };
    gchar *out = NULL, *err = NULL;
    gint status = 0;
    GError *e = NULL;
    if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                      &status, &e)) {
        fail_msg("cannot run the checker: %s", e->message);
    }
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    assert_int_equal(rc, p->checker_rc);
    gchar **got = g_strsplit(out, "\n", -1);
    size_t ng = 0, nw = 0;
    while (got[ng] && got[ng][0]) {
        ng++;
    }
    while (p->lines[nw]) {
        nw++;
    }
    assert_int_equal(ng, nw);
    const char **want = malloc((nw + 1) * sizeof(*want));
    memcpy(want, p->lines, nw * sizeof(*want));
    qsort(got, ng, sizeof(*got), cmp_str);
    qsort(want, nw, sizeof(*want), cmp_str);
    for (size_t i = 0; i < nw; i++) {
        assert_string_equal(got[i], want[i]);
    }
    free(want);
    g_strfreev(got);
    g_free(out);
    g_free(err);
}

static void test_superset(void **state)
{
    const char *script = checker_script();
    bool python = system("python3 -c '' >/dev/null 2>&1") == 0;
    if (!script || !python) {
        fprintf(stderr, "note: QEMU's checker is not runnable here (python3 %s, script %s): "
                        "using its recorded output only\n",
                python ? "found" : "missing", script ? script : "missing");
    }
    size_t lower = 0;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        const struct pair *p = &pairs[i];
        char *o = plain_copy(p->old_rel), *n = plain_copy(p->new_rel);
        if (script && python) {
            rerun_checker(script, p, o, n);
        }
        vmc_dump *od, *nd;
        assert_int_equal(vmc_dump_load(&od, o), 0);
        assert_int_equal(vmc_dump_load(&nd, n), 0);
        vmc_schema_diff_opts opts = { .reverse = p->reverse };
        vmc_findings *f;
        assert_int_equal(vmc_schema_diff(&f, od, nd, &opts), 0);
        fprintf(stderr, "%s -> %s%s: checker %d error(s); schema-diff %zu errors, %zu warnings, "
                        "%zu info\n",
                p->old_rel, p->new_rel, p->reverse ? " (reverse)" : "", p->checker_rc,
                vmc_findings_count_severity(f, VMC_SEV_ERROR),
                vmc_findings_count_severity(f, VMC_SEV_WARNING),
                vmc_findings_count_severity(f, VMC_SEV_INFO));
        for (size_t l = 0; p->lines[l]; l++) {
            struct claim c;
            if (!parse_line(p->lines[l], &c)) {
                fail_msg("checker line not understood: %s", p->lines[l]);
            }
            const vmc_finding *best = NULL;
            for (size_t k = 0; k < vmc_findings_count(f); k++) {
                const vmc_finding *x = vmc_findings_get(f, k);
                if (covers(x, &c) && (!best || x->severity > best->severity)) {
                    best = x;
                }
            }
            if (!best) {
                fail_msg("no finding for the checker's: %s", p->lines[l]);
            }
            bool checker_error = strcmp(c.kind, "machine-type") != 0;
            if (checker_error && best->severity != VMC_SEV_ERROR) {
                lower++;
                fprintf(stderr, "  checker error rated %s: %s\n    -> %s %s\n",
                        vmc_severity_name(best->severity), p->lines[l], best->kind,
                        best->message);
            }
            g_free(c.section);
            g_free(c.desc);
            g_free(c.f1);
            g_free(c.f2);
        }
        /* both agree on whether the migration has errors */
        assert_int_equal(p->checker_rc != 0, vmc_findings_count_severity(f, VMC_SEV_ERROR) != 0);
        vmc_findings_free(f);
        vmc_dump_free(od);
        vmc_dump_free(nd);
        unlink(o);
        unlink(n);
        free(o);
        free(n);
    }
    fprintf(stderr, "%zu checker error(s) rated lower by schema-diff\n", lower);
}

/* The checker pair: every section the checker names, exactly these errors. */
static void test_checker_pair(void **state)
{
    vmc_dump *o, *n;
    assert_int_equal(vmc_dump_load(&o, tu_corpus_path("checker-pair/dump1.json")), 0);
    assert_int_equal(vmc_dump_load(&n, tu_corpus_path("checker-pair/dump2.json")), 0);
    vmc_findings *f;
    assert_int_equal(vmc_schema_diff(&f, o, n, NULL), 0);
    /* sections of the corpus README's list of what the checker reports */
    const char *sections[] = { "fw_cfg", "fusbh200-ehci-usb", "pci-serial-4x", "intel-hda-generic",
                               "cfi.pflash01", "megasas", "PIIX3-xen", "tpci200", "sun-fdtwo",
                               "usb-kbd" };
    for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
        bool found = false;
        for (size_t k = 0; k < vmc_findings_count(f) && !found; k++) {
            const vmc_finding *x = vmc_findings_get(f, k);
            found = streq(x->section, sections[s]) && x->severity == VMC_SEV_ERROR;
        }
        if (!found) {
            fail_msg("no error for section %s", sections[s]);
        }
    }
    assert_true(vmc_findings_count_severity(f, VMC_SEV_ERROR) >= 13);
    vmc_findings_free(f);
    vmc_dump_free(o);
    vmc_dump_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker_pair),
        cmocka_unit_test(test_superset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
