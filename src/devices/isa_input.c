/*
 * Built-in descriptors (group "isa", QEMU 7.2): PS/2 keyboard and mouse
 * (hw/input/ps2.c) and the i8042 keyboard controller of the ISA bus
 * (hw/input/pckbd.c).  Hooks are in isa_hooks.c.
 */
#include "devices/isa_models.h"
#include "vmstate/vmsd_macros.h"

/* Common part: the 256-byte output queue. */
static const vmc_field ps2_common_fields[] = {
    VMC_INT32("write_cmd"),
    VMC_INT32("queue.rptr"),
    VMC_INT32("queue.wptr"),
    VMC_INT32("queue.count"),
    VMC_BUFFER("queue.data", 256),
    VMC_END,
};
static const vmc_vmsd vmsd_ps2_common = {
    .name = "PS2 Common State", .version_id = 3, .minimum_version_id = 2,
    .fields = ps2_common_fields,
};

/* ---- ps2kbd ------------------------------------------------------------ */

static const vmc_field kbd_ledstate_fields[] = { VMC_INT32("ledstate"), VMC_END };
static const vmc_vmsd vmsd_kbd_ledstate = {
    .name = "ps2kbd/ledstate", .version_id = 3, .minimum_version_id = 2,
    .fields = kbd_ledstate_fields, .needed = "ps2_keyboard_ledstate_needed",
};

static const vmc_field kbd_need_high_bit_fields[] = { VMC_BOOL("need_high_bit"), VMC_END };
static const vmc_vmsd vmsd_kbd_need_high_bit = {
    .name = "ps2kbd/need_high_bit", .version_id = 1, .minimum_version_id = 1,
    .fields = kbd_need_high_bit_fields, .needed = "ps2_keyboard_need_high_bit_needed",
};

static const vmc_field kbd_cqueue_fields[] = { VMC_INT32("parent_obj.queue.cwptr"), VMC_END };
static const vmc_vmsd vmsd_kbd_cqueue = {
    .name = "ps2kbd/command_reply_queue", .version_id = 0, .minimum_version_id = 0,
    .fields = kbd_cqueue_fields, .needed = "ps2_keyboard_cqueue_needed",
};

static const vmc_vmsd *const ps2kbd_subs[] = {
    &vmsd_kbd_ledstate, &vmsd_kbd_need_high_bit, &vmsd_kbd_cqueue, NULL,
};

static const vmc_field ps2kbd_fields[] = {
    VMC_STRUCT("parent_obj", vmsd_ps2_common),
    VMC_INT32("scan_enabled"),
    VMC_INT32("translate"),
    VMC_INT32_V("scancode_set", 3),
    VMC_END,
};
const vmc_vmsd vmc_vmsd_ps2kbd = {
    .name = "ps2kbd", .version_id = 3, .minimum_version_id = 2,
    .fields = ps2kbd_fields, .subsections = ps2kbd_subs,
};

/* ---- ps2mouse ---------------------------------------------------------- */

static const vmc_field ps2mouse_fields[] = {
    VMC_STRUCT("parent_obj", vmsd_ps2_common),
    VMC_UINT8("mouse_status"),
    VMC_UINT8("mouse_resolution"),
    VMC_UINT8("mouse_sample_rate"),
    VMC_UINT8("mouse_wrap"),
    VMC_UINT8("mouse_type"),
    VMC_UINT8("mouse_detect_state"),
    VMC_INT32("mouse_dx"),
    VMC_INT32("mouse_dy"),
    VMC_INT32("mouse_dz"),
    VMC_UINT8("mouse_buttons"),
    VMC_END,
};
const vmc_vmsd vmc_vmsd_ps2mouse = {
    .name = "ps2mouse", .version_id = 2, .minimum_version_id = 2,
    .fields = ps2mouse_fields,
};

/* ---- pckbd (i8042 on ISA: the controller state as struct "kbd") -------- */

/* Named "pckbd_outport": found through the prefix "pckbd". */
static const vmc_field kbd_outport_fields[] = { VMC_UINT8("outport"), VMC_END };
static const vmc_vmsd vmsd_kbd_outport = {
    .name = "pckbd_outport", .version_id = 1, .minimum_version_id = 1,
    .fields = kbd_outport_fields, .needed = "kbd_outport_needed",
};

static const vmc_field kbd_extended_fields[] = {
    VMC_UINT32("migration_flags"),
    VMC_UINT32("obsrc"),
    VMC_UINT8("obdata"),
    VMC_UINT8("cbdata"),
    VMC_END,
};
static const vmc_vmsd vmsd_kbd_extended_state = {
    .name = "pckbd/extended_state", .version_id = 0, .minimum_version_id = 0,
    .fields = kbd_extended_fields, .needed = "kbd_extended_state_needed",
};

static const vmc_vmsd *const kbd_subs[] = {
    &vmsd_kbd_outport, &vmsd_kbd_extended_state, NULL,
};

static const vmc_field kbd_fields[] = {
    VMC_UINT8("write_cmd"),
    VMC_UINT8("status"),
    VMC_UINT8("mode"),
    VMC_UINT8("pending_tmp"),
    VMC_END,
};
static const vmc_vmsd vmsd_kbd = {
    .name = "pckbd", .version_id = 3, .minimum_version_id = 3,
    .fields = kbd_fields, .subsections = kbd_subs,
};

static const vmc_field kbd_isa_fields[] = {
    VMC_STRUCT("kbd", vmsd_kbd),
    VMC_END,
};
const vmc_vmsd vmc_vmsd_pckbd = {
    .name = "pckbd", .version_id = 3, .minimum_version_id = 3,
    .fields = kbd_isa_fields,
};
