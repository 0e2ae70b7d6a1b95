/*
 * Audio device models: intel-hda / ich9-intel-hda (hw/audio/intel-hda.c)
 * and the hda-duplex / hda-output / hda-micro codecs (hw/audio/hda-codec.c).
 */
#include "devices/model_common.h"
#include "devices/model_media.h"
#include "common/error_internal.h"

#include <stdio.h>
#include <string.h>

int vmc_media_realize_hda(vmc_model *m, vmc_mdev *d)
{
    bool ich9 = !strcmp(d->type, "ich9-intel-hda");
    vmc_pci_ident id = { .vendor_id = 0x8086, .device_id = ich9 ? 0x293e : 0x2668,
                         .revision = ich9 ? 3 : 1, .class_id = 0x0403 };
    int rc = vmc_media_pci_begin(m, d, &id, false);
    int msi;
    if (rc || (rc = vmc_media_prop_onoffauto(d, "msi", -1, &msi))) {
        return rc;
    }
    d->pci->config[VMC_PCI_INTERRUPT_PIN] = 1;
    d->pci->config[0x40] = 0x01;      /* HDCTL: HD Audio signalling */
    if (msi != 0) {
        /*
         * One 64-bit vector without masking, at 0x50 with old_msi_addr
         * (intel-hda on <= 2.1).  The PC boards' interrupt controllers
         * support MSI, so "auto" always gets it.
         */
        uint8_t pos = vmc_mdev_prop_bool(d, "old_msi_addr", false) ? 0x50 : 0x60;
        if ((rc = vmc_msi_init(d->pci, pos, 1, true, false)) < 0) {
            return rc;
        }
    }
    /* BAR 0: 16 KiB container (registers + alias) */
    if ((rc = vmc_pci_register_bar(d->pci, 0, VMC_PCI_BAR_MEM32, 0x4000))) {
        return rc;
    }
    vmc_media_new_bus(m, d, VMC_BUS_HDA, "hda");
    /* no option ROM class default; a romfile= is still honoured */
    if ((rc = vmc_dm_option_rom(m, d, "intel-hda", NULL))) {
        return rc;
    }
    vmc_media_pci_finish(m, d, "intel-hda");
    return 0;
}

/* An -audiodev with this id exists. */
static bool audiodev_exists(vmc_model *m, const char *id)
{
    for (size_t i = 0; i < vmc_cmdline_backend_count(m->cl); i++) {
        const char *v = vmc_qopts_get(vmc_cmdline_backend(m->cl, i), "id");
        if (!strcmp(vmc_cmdline_backend_kind(m->cl, i), "audiodev") && v && !strcmp(v, id)) {
            return true;
        }
    }
    return false;
}

int vmc_media_realize_codec(vmc_model *m, vmc_mdev *d)
{
    int rc = vmc_media_place_on_bus(m, d, VMC_BUS_HDA, "HDA");
    if (rc) {
        return rc;
    }
    /* hda_codec_dev_realize: cad -1 takes the bus's next address; 15 is full */
    uint64_t cad;
    if ((rc = vmc_media_prop_uint(d, "cad", UINT32_MAX, UINT32_MAX, &cad))) {
        return rc;
    }
    if (cad == UINT32_MAX) {
        cad = (uint64_t)d->bus->next_port;
    }
    if (cad >= 15) {
        return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                             "qemu-system-x86_64: -device %s: HDA audio codec address is full",
                             d->type);
    }
    d->bus->next_port = (int)cad + 1;
    /*
     * AUD_register_card: a codec without audiodev= uses the first audio
     * state; when there is none (no -audiodev and no earlier such codec)
     * the legacy default state is created here and registers "audio".
     */
    const char *audiodev = vmc_mdev_prop(d, "audiodev");
    if (audiodev && *audiodev) {
        if (!audiodev_exists(m, audiodev)) {
            return vmc_error_set(VMC_EUSAGE, -1, NULL, d->type,
                                 "qemu-system-x86_64: -device %s: Property '%s.audiodev' can't "
                                 "find value '%s'", d->type, d->type, audiodev);
        }
    } else if (!vmc_model_find_entry(m, "audio", 0)) {
        vmc_model_register_plain(m, "audio", 1, 0, false, false);
    }
    /* the HDA bus gives no dev path: bare "hda-audio" with the next instance id */
    vmc_devmodel_register(m, d, "hda-audio", 0);
    return 0;
}
