/*
 * USB devices of QEMU 7.2: the USB device core state every USB device
 * embeds (hw/usb/bus.c), the HID devices usb-tablet / usb-mouse ("usb-ptr")
 * and usb-kbd (hw/usb/dev-hid.c, hw/input/hid.c) and usb-storage
 * (hw/usb/dev-storage.c).  Sections are named by the USB path, e.g.
 * "0000:00:02.0/1/usb-ptr".
 */
#include "devices/media_usb.h"
#include "devices/registry.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"

static const vmc_field usb_device_fields[] = {
    VMC_UINT8("addr"),
    VMC_INT32("state"),
    VMC_INT32("remote_wakeup"),
    VMC_INT32("setup_state"),
    VMC_INT32("setup_len"),
    VMC_INT32("setup_index"),
    VMC_UINT8_ARRAY("setup_buf", 8),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_usb_device = {
    .name = "USBDevice", .version_id = 1, .minimum_version_id = 1,
    .fields = usb_device_fields,
};

/* ---- HID ------------------------------------------------------------------ */

#define HID_QUEUE 16   /* QUEUE_LENGTH of hw/input/hid.c */

static const vmc_field hid_ptr_event_fields[] = {
    VMC_INT32("xdx"),
    VMC_INT32("ydy"),
    VMC_INT32("dz"),
    VMC_INT32("buttons_state"),
    VMC_END,
};

static const vmc_vmsd vmsd_hid_ptr_queue = {
    .name = "HIDPointerEventQueue", .version_id = 1, .minimum_version_id = 1,
    .fields = hid_ptr_event_fields,
};

static const vmc_field hid_ptr_fields[] = {
    VMC_STRUCT_ARRAY("ptr.queue", HID_QUEUE, vmsd_hid_ptr_queue),
    VMC_UINT32("head"),
    VMC_UINT32("n"),
    VMC_INT32("protocol"),
    VMC_UINT8("idle"),
    VMC_END,
};

static const vmc_vmsd vmsd_hid_ptr_device = {
    .name = "HIDPointerDevice", .version_id = 1, .minimum_version_id = 1,
    .fields = hid_ptr_fields,
};

static const vmc_field hid_kbd_fields[] = {
    VMC_UINT32_ARRAY("kbd.keycodes", HID_QUEUE),
    VMC_UINT32("head"),
    VMC_UINT32("n"),
    VMC_UINT16("kbd.modifiers"),
    VMC_UINT8("kbd.leds"),
    VMC_UINT8_ARRAY("kbd.key", 16),
    VMC_INT32("kbd.keys"),
    VMC_INT32("protocol"),
    VMC_UINT8("idle"),
    VMC_END,
};

static const vmc_vmsd vmsd_hid_kbd_device = {
    .name = "HIDKeyboardDevice", .version_id = 1, .minimum_version_id = 1,
    .fields = hid_kbd_fields,
};

static const vmc_field usb_ptr_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_usb_device),
    VMC_STRUCT("hid", vmsd_hid_ptr_device),
    VMC_END,
};

/* usb-tablet and usb-mouse */
const vmc_vmsd vmc_vmsd_usb_ptr = {
    .name = "usb-ptr", .version_id = 1, .minimum_version_id = 1,
    .fields = usb_ptr_fields,
};

static const vmc_field usb_kbd_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_usb_device),
    VMC_STRUCT("hid", vmsd_hid_kbd_device),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_usb_kbd = {
    .name = "usb-kbd", .version_id = 1, .minimum_version_id = 1,
    .fields = usb_kbd_fields,
};

/* ---- mass storage (bulk-only transport) ------------------------------------ */

static const vmc_field usb_msd_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_usb_device),
    VMC_UINT32("mode"),
    VMC_UINT32("scsi_len"),
    VMC_UINT32("scsi_off"),
    VMC_UINT32("data_len"),
    VMC_UINT32("csw.sig"),
    VMC_UINT32("csw.tag"),
    VMC_UINT32("csw.residue"),
    VMC_UINT8("csw.status"),
    VMC_END,
};

/* usb-storage and usb-bot (the SCSI disk behind it has its own section) */
const vmc_vmsd vmc_vmsd_usb_storage = {
    .name = "usb-storage", .version_id = 1, .minimum_version_id = 1,
    .fields = usb_msd_fields,
};

/* ---- usb-hub ------------------------------------------------------------- */

#define USB_HUB_PORTS 8   /* MAX_PORTS of hw/usb/dev-hub.c: always all 8 */

static const vmc_field usb_hub_port_fields[] = {
    VMC_UINT16("wPortStatus"),
    VMC_UINT16("wPortChange"),
    VMC_END,
};

static const vmc_vmsd vmsd_usb_hub_port = {
    .name = "usb-hub-port", .version_id = 1, .minimum_version_id = 1,
    .fields = usb_hub_port_fields,
};

/*
 * "usb-hub/port-timer" is sent when the hub has the "port-power" property
 * (default false), which is not on the wire.
 * TODO(device model): read port-power from ctx->device; until then the
 * 7.2 default (off) is assumed.
 */
bool vmc_media_usb_hub_port_timer_needed(const vmc_hook_ctx *ctx, int version_id)
{
    (void)ctx;
    (void)version_id;
    return false;
}

static const vmc_field usb_hub_timer_fields[] = {
    VMC_TIMER("port_timer"),
    VMC_END,
};

static const vmc_vmsd vmsd_usb_hub_port_timer = {
    .name = "usb-hub/port-timer", .version_id = 1, .minimum_version_id = 1,
    .fields = usb_hub_timer_fields, .needed = "usb_hub_port_timer_needed",
};

static const vmc_vmsd *const usb_hub_subsections[] = { &vmsd_usb_hub_port_timer, NULL };

static const vmc_field usb_hub_fields[] = {
    VMC_STRUCT("dev", vmc_vmsd_usb_device),
    VMC_STRUCT_ARRAY("ports", USB_HUB_PORTS, vmsd_usb_hub_port),
    VMC_END,
};

const vmc_vmsd vmc_vmsd_usb_hub = {
    .name = "usb-hub", .version_id = 1, .minimum_version_id = 1,
    .fields = usb_hub_fields, .subsections = usb_hub_subsections,
};
