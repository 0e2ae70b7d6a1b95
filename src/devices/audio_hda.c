/*
 * Intel HD Audio of QEMU 7.2: the controller (intel-hda, ich9-intel-hda;
 * hw/audio/intel-hda.c) and QEMU's codecs hda-duplex / hda-output /
 * hda-micro (hw/audio/hda-codec.c), whose section is "hda-audio" with no
 * device path (the HDA bus gives none).
 */
#include "devices/media_usb.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/* ---- controller ----------------------------------------------------------- */

#define HDA_STREAMS 8   /* 4 input + 4 output stream descriptors */

static const vmc_field hda_stream_fields[] = {
    VMC_UINT32("ctl"),
    VMC_UINT32("lpib"),
    VMC_UINT32("cbl"),
    VMC_UINT32("lvi"),
    VMC_UINT32("fmt"),
    VMC_UINT32("bdlp_lbase"),
    VMC_UINT32("bdlp_ubase"),
    VMC_END,
};

static const vmc_vmsd vmsd_intel_hda_stream = {
    .name = "intel-hda-stream", .version_id = 1, .minimum_version_id = 0,
    .fields = hda_stream_fields,
};

static const vmc_field intel_hda_fields[] = {
    VMC_STRUCT("pci", vmc_vmsd_pci_device),
    VMC_UINT32("g_ctl"),
    VMC_UINT32("wake_en"),
    VMC_UINT32("state_sts"),
    VMC_UINT32("int_ctl"),
    VMC_UINT32("int_sts"),
    VMC_UINT32("wall_clk"),
    VMC_UINT32("corb_lbase"),
    VMC_UINT32("corb_ubase"),
    VMC_UINT32("corb_rp"),
    VMC_UINT32("corb_wp"),
    VMC_UINT32("corb_ctl"),
    VMC_UINT32("corb_sts"),
    VMC_UINT32("corb_size"),
    VMC_UINT32("rirb_lbase"),
    VMC_UINT32("rirb_ubase"),
    VMC_UINT32("rirb_wp"),
    VMC_UINT32("rirb_cnt"),
    VMC_UINT32("rirb_ctl"),
    VMC_UINT32("rirb_sts"),
    VMC_UINT32("rirb_size"),
    VMC_UINT32("dp_lbase"),
    VMC_UINT32("dp_ubase"),
    VMC_UINT32("icw"),
    VMC_UINT32("irr"),
    VMC_UINT32("ics"),
    VMC_STRUCT_ARRAY("st", HDA_STREAMS, vmsd_intel_hda_stream),
    VMC_UINT32("rirb_count"),
    VMC_INT64("wall_base_ns"),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_intel_hda = {
    .name = "intel-hda", .version_id = 1, .minimum_version_id = 0,
    .fields = intel_hda_fields,
};

/* ---- codec (hda-audio) ------------------------------------------------------ */

#define HDA_CODEC_STREAMS 4
#define HDA_COMPAT_BUF 256      /* HDA_BUFFER_SIZE */
#define HDA_TIMER_BUF 8192

/*
 * "hda-audio-stream/buffer" is sent for a stream slot the codec actually
 * uses (st->state set when the codec created a DAC/ADC for it) when the
 * codec runs with the "use-timer" property (default true).
 * TODO(device model): take use-timer and the codec type (hda-output uses
 * slot 0, hda-duplex and hda-micro slots 0 and 1) from ctx->device.
 * Without a model: use-timer is assumed on, and a slot is taken as used
 * when its format is non-zero - QEMU gives every created stream the format
 * PCM 16-bit stereo (0x0011) at realize, unused slots stay all zero.
 */
bool vmc_media_hda_stream_buf_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)version_id;
    return vmc_hook_int(ctx, "format", 0) != 0;
}

static const vmc_field hda_stream_buf_fields[] = {
    VMC_BUFFER("buf", HDA_TIMER_BUF),
    VMC_INT64("rpos"),
    VMC_INT64("wpos"),
    VMC_TIMER("buft"),
    VMC_INT64("buft_start"),
    VMC_END,
};

static const vmc_vmsd vmsd_hda_stream_buf = {
    .name = "hda-audio-stream/buffer", .version_id = 1, .minimum_version_id = 0,
    .fields = hda_stream_buf_fields, .needed = "vmstate_hda_audio_stream_buf_needed",
};

static const vmc_vmsd *const hda_codec_stream_subsections[] = { &vmsd_hda_stream_buf, NULL };

static const vmc_field hda_codec_stream_fields[] = {
    VMC_UINT32("stream"),
    VMC_UINT32("channel"),
    VMC_UINT32("format"),
    VMC_UINT32("gain_left"),
    VMC_UINT32("gain_right"),
    VMC_BOOL("mute_left"),
    VMC_BOOL("mute_right"),
    VMC_UINT32("compat_bpos"),
    VMC_BUFFER("compat_buf", HDA_COMPAT_BUF),
    VMC_END,
};

static const vmc_vmsd vmsd_hda_codec_stream = {
    .name = "hda-audio-stream", .version_id = 1, .minimum_version_id = 0,
    .fields = hda_codec_stream_fields, .subsections = hda_codec_stream_subsections,
};

static const vmc_field hda_codec_fields[] = {
    VMC_STRUCT_ARRAY("st", HDA_CODEC_STREAMS, vmsd_hda_codec_stream),
    VMC_BOOL_ARRAY("running_compat", 16),
    { .name = "running_real", .info = "bool", .size = 1, .num = 2 * 16,
      .flags = VMC_F_ARRAY, .version_id = 2 },
    VMC_END,
};

const vmc_vmsd vmc_vmsd_hda_audio = {
    .name = "hda-audio", .version_id = 2, .minimum_version_id = 0,
    .fields = hda_codec_fields,
};
