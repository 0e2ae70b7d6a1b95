/*
 * Per-device descriptors of the virtio devices (QEMU 7.2) and of the SCSI
 * devices that sit on a virtio-scsi bus.  virtio_devices.c assembles them
 * into vmc_virtio_devices[], vmc_vmsds_virtio[] and vmc_hooks_virtio[].
 */
#ifndef VMC_VIRTIO_MODELS_H
#define VMC_VIRTIO_MODELS_H

#include "devices/virtio_blob.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

/*
 * The outer vmsd of a virtio device (dc->vmsd): one field `virtio` of
 * info "virtio" (VMSTATE_VIRTIO_DEVICE) holding the whole blob.
 */
#define VMC_VIRTIO_FIELD { .name = "virtio", .info = "virtio", .flags = VMC_F_SINGLE }

/* Guest feature bit test on the blob's low 32 guest feature bits, which
 * virtio_load() installs before it loads the device's own state. */
bool vmc_virtio_guest_feature(const vmc_hook_ctx *ctx, unsigned bit);

/* ---- virtio_vmsd.c: needed() hooks of the `virtio` subsections ---- */
bool vmc_virtio_started_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_broken_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_disabled_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_device_endian_needed(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_ringsize_needed(const vmc_hook_ctx *ctx, int version_id);
#define VMC_VIRTIO_CORE_HOOKS                                                              \
    { "virtio_started_needed", VMC_HOOK_NEEDED, vmc_virtio_started_needed, NULL },         \
    { "virtio_broken_needed", VMC_HOOK_NEEDED, vmc_virtio_broken_needed, NULL },           \
    { "virtio_disabled_needed", VMC_HOOK_NEEDED, vmc_virtio_disabled_needed, NULL },       \
    { "virtio_device_endian_needed", VMC_HOOK_NEEDED, vmc_virtio_device_endian_needed,     \
      NULL },                                                                              \
    { "virtio_ringsize_needed", VMC_HOOK_NEEDED, vmc_virtio_ringsize_needed, NULL },

/* ---- virtio_net.c ---- */
extern const vmc_vmsd vmc_vmsd_virtio_net;
extern const vmc_vmsd vmc_vmsd_virtio_net_device;
bool vmc_virtio_net_max_queue_pairs_gt_1(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_net_has_ctrl_guest_offloads(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_net_mac_table_fits(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_net_mac_table_doesnt_fit(const vmc_hook_ctx *ctx, int version_id);
int64_t vmc_virtio_net_tx_waiting_count(const vmc_hook_ctx *ctx);
bool vmc_virtio_net_rss_needed(const vmc_hook_ctx *ctx, int version_id);
#define VMC_VIRTIO_NET_HOOKS                                                              \
    { "max_queue_pairs_gt_1", VMC_HOOK_EXISTS, vmc_virtio_net_max_queue_pairs_gt_1, NULL }, \
    { "has_ctrl_guest_offloads", VMC_HOOK_EXISTS, vmc_virtio_net_has_ctrl_guest_offloads,   \
      NULL },                                                                               \
    { "mac_table_fits", VMC_HOOK_EXISTS, vmc_virtio_net_mac_table_fits, NULL },             \
    { "mac_table_doesnt_fit", VMC_HOOK_EXISTS, vmc_virtio_net_mac_table_doesnt_fit, NULL }, \
    { "virtio_net_curr_queue_pairs_1", VMC_HOOK_COUNT, NULL, vmc_virtio_net_tx_waiting_count }, \
    { "virtio_net_rss_needed", VMC_HOOK_NEEDED, vmc_virtio_net_rss_needed, NULL },

/* ---- virtio_blk.c ---- */
extern const vmc_vmsd vmc_vmsd_virtio_blk;
int vmc_virtio_blk_decode_save(vmc_decode_ctx *dc, vmc_value *into);

/* ---- virtio_serial.c ---- */
extern const vmc_vmsd vmc_vmsd_virtio_console;
int vmc_virtio_serial_decode_save(vmc_decode_ctx *dc, vmc_value *into);

/* ---- virtio_balloon.c ---- */
extern const vmc_vmsd vmc_vmsd_virtio_balloon;
extern const vmc_vmsd vmc_vmsd_virtio_balloon_device;
bool vmc_virtio_balloon_free_page_support(const vmc_hook_ctx *ctx, int version_id);
bool vmc_virtio_balloon_page_poison_support(const vmc_hook_ctx *ctx, int version_id);
#define VMC_VIRTIO_BALLOON_HOOKS                                                         \
    { "virtio_balloon_free_page_support", VMC_HOOK_NEEDED,                               \
      vmc_virtio_balloon_free_page_support, NULL },                                      \
    { "virtio_balloon_page_poison_support", VMC_HOOK_NEEDED,                             \
      vmc_virtio_balloon_page_poison_support, NULL },

/* ---- virtio_iommu.c ---- */
extern const vmc_vmsd vmc_vmsd_virtio_iommu;
extern const vmc_vmsd vmc_vmsd_virtio_iommu_device;
int vmc_virtio_iommu_decode_vmsd(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version,
                                 vmc_value **out);

/* ---- virtio_gpu.c ---- */
extern const vmc_vmsd vmc_vmsd_virtio_gpu;
extern const vmc_vmsd vmc_vmsd_virtio_vga;      /* the VGA part of virtio-vga */
/* The "virtio-gpu" VMStateInfo: resources, then the virtio-gpu-scanouts vmsd.
 * size is the vmdesc size or UINT64_MAX. */
int vmc_virtio_gpu_decode(vmc_decode_ctx *dc, const char *name, uint64_t size, vmc_value **out);

/* ---- virtio_mem.c ---- */
extern const vmc_vmsd vmc_vmsd_virtio_mem;
extern const vmc_vmsd vmc_vmsd_virtio_mem_device;
int64_t vmc_virtio_mem_bitmap_size(const vmc_hook_ctx *ctx);
int vmc_virtio_mem_decode_vmsd(vmc_decode_ctx *dc, const vmc_vmsd *vmsd, int version,
                               vmc_value **out);
#define VMC_VIRTIO_MEM_HOOKS \
    { "virtio_mem_bitmap_size", VMC_HOOK_COUNT, NULL, vmc_virtio_mem_bitmap_size },

/* ---- virtio_simple.c: devices whose blob has no device part ---- */
extern const vmc_vmsd vmc_vmsd_virtio_rng;
extern const vmc_vmsd vmc_vmsd_virtio_scsi;
extern const vmc_vmsd vmc_vmsd_virtio_input;
extern const vmc_vmsd vmc_vmsd_virtio_9p;
extern const vmc_vmsd vmc_vmsd_virtio_crypto;
extern const vmc_vmsd vmc_vmsd_virtio_vhost_scsi;
extern const vmc_vmsd vmc_vmsd_virtio_vhost_vsock;
extern const vmc_vmsd vmc_vmsd_vhost_user_blk;
extern const vmc_vmsd vmc_vmsd_vhost_user_fs;
extern const vmc_vmsd vmc_vmsd_vhost_user_vsock;
extern const vmc_vmsd vmc_vmsd_vhost_user_rng;
extern const vmc_vmsd vmc_vmsd_vhost_user_i2c;
extern const vmc_vmsd vmc_vmsd_vhost_user_gpio;
extern const vmc_vmsd vmc_vmsd_vhost_user_input;
extern const vmc_vmsd vmc_vmsd_virtio_input_host;

/* ---- scsi_disk.c: scsi-hd / scsi-cd / scsi-block and scsi-generic ---- */
extern const vmc_vmsd vmc_vmsd_scsi_disk;
extern const vmc_vmsd vmc_vmsd_scsi_device;
bool vmc_scsi_sense_state_needed(const vmc_hook_ctx *ctx, int version_id);
#define VMC_SCSI_HOOKS \
    { "scsi_sense_state_needed", VMC_HOOK_NEEDED, vmc_scsi_sense_state_needed, NULL },
/* The "scsi-requests" VMStateInfo (requests in flight on a SCSIDevice). */
int vmc_scsi_requests_decode(vmc_decode_ctx *dc, const char *name, uint64_t size,
                             vmc_value **out);

#endif
