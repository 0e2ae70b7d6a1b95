/*
 * Built-in descriptors (group "isa", QEMU 7.2): floppy controller
 * (hw/block/fdc.c, fdc-isa.c), 16550A UART (hw/char/serial.c,
 * serial-isa.c), parallel port (hw/char/parallel.c) and the SPD EEPROMs
 * on the SMBus (hw/i2c/smbus_eeprom.c, smbus_slave.c, core.c).
 * Hooks are in isa_hooks.c.
 */
#include "devices/isa_models.h"
#include "vmstate/vmsd_macros.h"

#define SUB1(var, nm, hook, flds) \
    static const vmc_vmsd var = { \
        .name = (nm), .version_id = 1, .minimum_version_id = 1, \
        .fields = (flds), .needed = (hook), \
    }

/* ---- fdc: controller with two drives ----------------------------------- */

static const vmc_field fdrive_media_changed_fields[] = { VMC_UINT8("media_changed"), VMC_END };
SUB1(vmsd_fdrive_media_changed, "fdrive/media_changed", "fdrive_media_changed_needed",
     fdrive_media_changed_fields);

/* Always sent. */
static const vmc_field fdrive_media_rate_fields[] = { VMC_UINT8("media_rate"), VMC_END };
SUB1(vmsd_fdrive_media_rate, "fdrive/media_rate", NULL, fdrive_media_rate_fields);

static const vmc_field fdrive_perpendicular_fields[] = { VMC_UINT8("perpendicular"), VMC_END };
SUB1(vmsd_fdrive_perpendicular, "fdrive/perpendicular", "fdrive_perpendicular_needed",
     fdrive_perpendicular_fields);

static const vmc_vmsd *const fdrive_subs[] = {
    &vmsd_fdrive_media_changed, &vmsd_fdrive_media_rate, &vmsd_fdrive_perpendicular, NULL,
};

static const vmc_field fdrive_fields[] = {
    VMC_UINT8("head"),
    VMC_UINT8("track"),
    VMC_UINT8("sect"),
    VMC_END,
};
static const vmc_vmsd vmsd_fdrive = {
    .name = "fdrive", .version_id = 1, .minimum_version_id = 1,
    .fields = fdrive_fields, .subsections = fdrive_subs,
};

static const vmc_field fdc_reset_sensei_fields[] = { VMC_INT32("reset_sensei"), VMC_END };
SUB1(vmsd_fdc_reset_sensei, "fdc/reset_sensei", "fdc_reset_sensei_needed",
     fdc_reset_sensei_fields);

static const vmc_field fdc_result_timer_fields[] = { VMC_TIMER("result_timer"), VMC_END };
SUB1(vmsd_fdc_result_timer, "fdc/result_timer", "fdc_result_timer_needed",
     fdc_result_timer_fields);

static const vmc_field fdc_phase_fields[] = { VMC_UINT8("phase"), VMC_END };
SUB1(vmsd_fdc_phase, "fdc/phase", "fdc_phase_needed", fdc_phase_fields);

static const vmc_vmsd *const fdc_subs[] = {
    &vmsd_fdc_reset_sensei, &vmsd_fdc_result_timer, &vmsd_fdc_phase, NULL,
};

/* The command FIFO has fifo_size (512) bytes; the count is not on the wire. */
static const vmc_field fdc_fields[] = {
    VMC_UINT8("sra"),
    VMC_UINT8("srb"),
    VMC_UINT8("dor_vmstate"),
    VMC_UINT8("tdr"),
    VMC_UINT8("dsr"),
    VMC_UINT8("msr"),
    VMC_UINT8("status0"),
    VMC_UINT8("status1"),
    VMC_UINT8("status2"),
    { .name = "fifo", .info = "uint8", .size = 1,
      .flags = VMC_F_VARRAY_INT32 | VMC_F_POINTER, .num_field = "@fdc_fifo_size" },
    VMC_UINT32("data_pos"),
    VMC_UINT32("data_len"),
    VMC_UINT8("data_state"),
    VMC_UINT8("data_dir"),
    VMC_UINT8("eot"),
    VMC_UINT8("timer0"),
    VMC_UINT8("timer1"),
    VMC_UINT8("precomp_trk"),
    VMC_UINT8("config"),
    VMC_UINT8("lock"),
    VMC_UINT8("pwrd"),
    { .name = "num_floppies", .info = "uint8 equal", .size = 1 },
    { .name = "drives", .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = 2,   /* MAX_FD */
      .vmsd = &vmsd_fdrive, .version_id = 1 },
    VMC_END,
};
static const vmc_vmsd vmsd_fdc = {
    .name = "fdc", .version_id = 2, .minimum_version_id = 2,
    .fields = fdc_fields, .subsections = fdc_subs,
};

static const vmc_field isa_fdc_fields[] = {
    VMC_STRUCT("state", vmsd_fdc),
    VMC_END,
};
const vmc_vmsd vmc_vmsd_isa_fdc = {
    .name = "fdc", .version_id = 2, .minimum_version_id = 2,
    .fields = isa_fdc_fields,
};

/* ---- serial ------------------------------------------------------------ */

/* Fifo8 (util/fifo8.c): a capacity-byte buffer; the capacity is not on the wire. */
static const vmc_field fifo8_fields[] = {
    { .name = "data", .info = "buffer", .flags = VMC_F_VBUFFER | VMC_F_POINTER,
      .size_field = "@serial_fifo_capacity", .version_id = 1 },
    VMC_UINT32("head"),
    VMC_UINT32("num"),
    VMC_END,
};
static const vmc_vmsd vmsd_fifo8 = {
    .name = "Fifo8", .version_id = 1, .minimum_version_id = 1,
    .fields = fifo8_fields,
};

static const vmc_field serial_thr_ipending_fields[] = { VMC_INT32("thr_ipending"), VMC_END };
SUB1(vmsd_serial_thr_ipending, "serial/thr_ipending", "serial_thr_ipending_needed",
     serial_thr_ipending_fields);

static const vmc_field serial_tsr_fields[] = {
    VMC_UINT32("tsr_retry"),
    VMC_UINT8("thr"),
    VMC_UINT8("tsr"),
    VMC_END,
};
SUB1(vmsd_serial_tsr, "serial/tsr", "serial_tsr_needed", serial_tsr_fields);

static const vmc_field serial_recv_fifo_fields[] = {
    VMC_STRUCT_V("recv_fifo", vmsd_fifo8, 1), VMC_END,
};
SUB1(vmsd_serial_recv_fifo, "serial/recv_fifo", "serial_recv_fifo_needed",
     serial_recv_fifo_fields);

static const vmc_field serial_xmit_fifo_fields[] = {
    VMC_STRUCT_V("xmit_fifo", vmsd_fifo8, 1), VMC_END,
};
SUB1(vmsd_serial_xmit_fifo, "serial/xmit_fifo", "serial_xmit_fifo_needed",
     serial_xmit_fifo_fields);

static const vmc_field serial_fifo_timeout_timer_fields[] = {
    VMC_TIMER("fifo_timeout_timer"), VMC_END,
};
SUB1(vmsd_serial_fifo_timeout_timer, "serial/fifo_timeout_timer",
     "serial_fifo_timeout_timer_needed", serial_fifo_timeout_timer_fields);

static const vmc_field serial_timeout_ipending_fields[] = {
    VMC_INT32("timeout_ipending"), VMC_END,
};
SUB1(vmsd_serial_timeout_ipending, "serial/timeout_ipending", "serial_timeout_ipending_needed",
     serial_timeout_ipending_fields);

static const vmc_field serial_poll_fields[] = {
    VMC_INT32("poll_msl"),
    VMC_TIMER("modem_status_poll"),
    VMC_END,
};
SUB1(vmsd_serial_poll, "serial/poll", "serial_poll_needed", serial_poll_fields);

static const vmc_vmsd *const serial_subs[] = {
    &vmsd_serial_thr_ipending,
    &vmsd_serial_tsr,
    &vmsd_serial_recv_fifo,
    &vmsd_serial_xmit_fifo,
    &vmsd_serial_fifo_timeout_timer,
    &vmsd_serial_timeout_ipending,
    &vmsd_serial_poll,
    NULL,
};

static const vmc_field serial_fields[] = {
    VMC_UINT16_V("divider", 2),
    VMC_UINT8("rbr"),
    VMC_UINT8("ier"),
    VMC_UINT8("iir"),
    VMC_UINT8("lcr"),
    VMC_UINT8("mcr"),
    VMC_UINT8("lsr"),
    VMC_UINT8("msr"),
    VMC_UINT8("scr"),
    VMC_UINT8_V("fcr_vmstate", 3),
    VMC_END,
};
static const vmc_vmsd vmsd_serial = {
    .name = "serial", .version_id = 3, .minimum_version_id = 2,
    .fields = serial_fields, .subsections = serial_subs,
};

/* isa-serial wraps the UART state in a struct "state" under the same name. */
static const vmc_field isa_serial_fields[] = {
    VMC_STRUCT("state", vmsd_serial),
    VMC_END,
};
const vmc_vmsd vmc_vmsd_isa_serial = {
    .name = "serial", .version_id = 3, .minimum_version_id = 2,
    .fields = isa_serial_fields,
};

/* ---- parallel_isa ------------------------------------------------------ */

static const vmc_field parallel_fields[] = {
    VMC_UINT8("state.dataw"),
    VMC_UINT8("state.datar"),
    VMC_UINT8("state.status"),
    VMC_UINT8("state.control"),
    VMC_INT32("state.irq_pending"),
    VMC_INT32("state.epp_timeout"),
    VMC_END,
};
const vmc_vmsd vmc_vmsd_isa_parallel = {
    .name = "parallel_isa", .version_id = 1, .minimum_version_id = 1,
    .fields = parallel_fields,
};

/* ---- smbus-eeprom (SPD EEPROMs at SMBus 0x50..0x57) --------------------- */

static const vmc_field i2c_slave_fields[] = {
    VMC_UINT8("address"),
    VMC_END,
};
static const vmc_vmsd vmsd_i2c_slave = {
    .name = "I2CSlave", .version_id = 1, .minimum_version_id = 1,
    .fields = i2c_slave_fields,
};

static const vmc_field smbus_device_fields[] = {
    VMC_STRUCT("i2c", vmsd_i2c_slave),
    VMC_INT32("mode"),
    VMC_INT32("data_len"),
    VMC_UINT8_ARRAY("data_buf", 34),   /* SMBUS_DATA_MAX_LEN */
    VMC_END,
};
static const vmc_vmsd vmsd_smbus_device = {
    .name = "smbus-device", .version_id = 1, .minimum_version_id = 1,
    .fields = smbus_device_fields,
};

static const vmc_field smbus_eeprom_fields[] = {
    VMC_STRUCT("smbusdev", vmsd_smbus_device),
    VMC_UINT8_ARRAY("data", 256),      /* SMBUS_EEPROM_SIZE */
    VMC_UINT8("offset"),
    VMC_BOOL("accessed"),
    VMC_END,
};
const vmc_vmsd vmc_vmsd_smbus_eeprom = {
    .name = "smbus-eeprom", .version_id = 1, .minimum_version_id = 1,
    .fields = smbus_eeprom_fields, .needed = "smbus_eeprom_vmstate_needed",
};
