/*
 * Fresh state of the HD Audio controller ("intel-hda": intel-hda,
 * ich9-intel-hda) and its codecs ("hda-audio": hda-output, hda-duplex,
 * hda-micro), QEMU 7.2.
 */
#include "devices/fresh_pcidevs.h"
#include "devices/fresh_util.h"

#include <stdlib.h>
#include <string.h>

#define HDA_STREAMS 8
#define SD_STS_FIFO_READY 0x20

static bool on_bus_of(const vmc_mdev *d, const vmc_mdev *parent)
{
    if (!parent || !parent->buses) {
        return false;
    }
    for (size_t i = 0; i < parent->buses->len; i++) {
        if (d->bus == g_ptr_array_index(parent->buses, i)) {
            return true;
        }
    }
    return false;
}

/* intel_hda_regs_reset() of the migrated registers; STATESTS has a bit per codec. */
int vmc_fresh_intel_hda(const vmc_fresh_ctx *fc, vmc_state *st)
{
    vmc_fresh_pci_device(st, "pci");
    /* hda_codec_dev_realize(): a codec without cad= takes the one after the
     * previous codec's */
    uint32_t state_sts = 0;
    int64_t next_cad = 0;
    for (size_t i = 0; i < fc->m->devices->len; i++) {
        vmc_mdev *d = g_ptr_array_index(fc->m->devices, i);
        if (on_bus_of(d, fc->dev)) {
            int64_t cad = vmc_mdev_prop_int(d, "cad", -1);
            if (cad == -1) {
                cad = next_cad;
            }
            if (cad < 0 || cad > 14) {
                return vmc_fresh_unsupported(fc, "an HDA codec address above 14");
            }
            state_sts |= 1u << cad;
            next_cad = cad + 1;
        }
    }
    vmc_fresh_u(st, state_sts, "state_sts");
    vmc_fresh_u(st, 0x42, "corb_size");     /* 256 entries, 256-entry capable */
    vmc_fresh_u(st, 0x42, "rirb_size");
    for (int i = 0; i < HDA_STREAMS; i++) {
        vmc_fresh_u(st, (uint32_t)SD_STS_FIFO_READY << 24, "st[%d].ctl", i);
    }
    return 0;
}

#define QEMU_HDA_AMP_STEPS 0x4a
#define HDA_CODEC_STREAMS 4
#define PCM_16BIT_STEREO 0x11   /* AC_FMT_TYPE_PCM | AC_FMT_BITS_16 | 2 channels */

/*
 * hda_audio_init(): every converter node gets a stream slot; outputs are
 * unmuted at full gain with an empty compat buffer.  With "use-timer" each
 * stream's buffer subsection is sent (its timer not armed).
 */
int vmc_fresh_hda_audio(const vmc_fresh_ctx *fc, vmc_state *st)
{
    bool out = false, in = false;
    if (fc->dev && strcmp(fc->dev->type, "hda-output") == 0) {
        out = true;
    } else if (fc->dev && (strcmp(fc->dev->type, "hda-duplex") == 0 ||
                           strcmp(fc->dev->type, "hda-micro") == 0)) {
        out = in = true;
    } else {
        return vmc_fresh_unsupported(fc, "this HDA codec");
    }
    bool use_timer = vmc_fresh_prop_bool(fc, NULL, "use-timer", true);
    for (int i = 0; i < HDA_CODEC_STREAMS; i++) {
        bool used = (i == 0 && out) || (i == 1 && in);
        if (used) {
            vmc_fresh_u(st, PCM_16BIT_STEREO, "st[%d].format", i);
        }
        if (used && i == 0) {
            vmc_fresh_u(st, QEMU_HDA_AMP_STEPS, "st[%d].gain_left", i);
            vmc_fresh_u(st, QEMU_HDA_AMP_STEPS, "st[%d].gain_right", i);
            vmc_fresh_u(st, 256, "st[%d].compat_bpos", i);   /* sizeof(compat_buf) */
        }
        vmc_fresh_sub(st, used && use_timer, "st[%d].hda-audio-stream/buffer", i);
        if (used && use_timer) {
            vmc_fresh_i(st, VMC_FRESH_TIMER_OFF, "st[%d].hda-audio-stream/buffer.buft", i);
        }
    }
    return 0;
}
