/*
 * The board device models (src/devices/model_board.c) against QEMU 7.2:
 * mch, ICH9-LPC, ich9-ahci and ICH9-SMB on q35, i440FX, PIIX3, piix3-ide
 * and PIIX4_PM on i440fx, plus ich9-ahci and piix4-ide added with -device.
 *
 *  1. Config bytes, sections and RAM blocks of fresh machines the
 *     installed QEMU writes, on q35 7.2, 6.1, 6.0, 5.2, 4.2, 3.1, 2.12, 2.9
 *     and i440fx 7.2, 4.2, 2.12, 2.9, 1.4, with legacy serial / parallel
 *     ports (which the south bridges note in their config at machine
 *     ready), different RAM sizes (i440FX 0x57), smm=off (PIIX4_PM 0x5b)
 *     and the extended-TSEG property (mch 0x50).
 *  2. Masks: chosen bits (and a few random ones) of every board function
 *     flipped in a fresh stream and loaded into QEMU; its verdict and the
 *     masks it prints must be the model's (tests/model_qemu_check.h).
 *  3. -device of a board-only type fails as in QEMU.
 *
 * QEMU must be installed: these tests fail, never skip, without it.
 */
#include "model_qemu_check.h"

static const char *const Q35_MUST[] = {
    "0000:00:00.0/mch", "0000:00:1f.0/ICH9LPC", "0000:00:1f.2/ich9_ahci", "0000:00:1f.3/ich9_smb",
    "0000:00:05.0/ich9_ahci", "0000:00:06.0/ide", NULL,
};

static const char *const PC_MUST[] = {
    "0000:00:00.0/I440FX", "0000:00:01.0/PIIX3", "0000:00:01.1/ide", "0000:00:01.3/piix4_pm",
    "0000:00:05.0/ide", "0000:00:06.0/ich9_ahci", NULL,
};

static void test_q35_machine_types(void **state)
{
    (void)state;
    static const char *const types[] = {
        "pc-q35-7.2", "pc-q35-6.1", "pc-q35-6.0", "pc-q35-5.2",
        "pc-q35-4.2", "pc-q35-3.1", "pc-q35-2.12", "pc-q35-2.9",
    };
    /* COM1 and LPT1 set ICH9-LPC 0x82 bits 0 and 2 */
    static const char *const args[] = {
        "-m", "512", "-chardev", "null,id=c0", "-chardev", "null,id=c1",
        "-device", "isa-serial,chardev=c0", "-device", "isa-parallel,chardev=c1",
        "-device", "ich9-ahci,id=ahci1,addr=0x5", "-device", "piix4-ide,id=pide,addr=0x6",
        NULL,
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        total += mq_check(types[i], args, Q35_MUST);
    }
    print_message("q35: %zu board functions compared on %zu machine types\n", total,
                  sizeof(types) / sizeof(types[0]));
}

static void test_i440fx_machine_types(void **state)
{
    (void)state;
    static const struct { const char *type, *ram; } runs[] = {
        { "pc-i440fx-7.2", "3072" },   /* 384 units of 8 MiB: 0x57 saturates at 255 */
        { "pc-i440fx-4.2", "512" }, { "pc-i440fx-2.12", "128" }, { "pc-i440fx-2.9", "1000" },
        { "pc-i440fx-1.4", "256" },
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        /* COM2 (index 1) and LPT1: PIIX4_PM 0x5f bit 7, 0x67 bits 7 and 4 */
        const char *const args[] = {
            "-m", runs[i].ram, "-chardev", "null,id=c0", "-chardev", "null,id=c1",
            "-device", "isa-serial,chardev=c0,index=1", "-device", "isa-parallel,chardev=c1",
            "-device", "piix4-ide,addr=0x5", "-device", "ich9-ahci,addr=0x6",
            NULL,
        };
        total += mq_check(runs[i].type, args, PC_MUST);
    }
    print_message("i440fx: %zu board functions compared on %zu machine types\n", total,
                  sizeof(runs) / sizeof(runs[0]));
}

static void test_board_properties(void **state)
{
    (void)state;
    static const char *const q35_must[] = { "0000:00:00.0/mch", "0000:00:1f.0/ICH9LPC", NULL };
    /* extended TSEG size in mch 0x50; COM1 at a custom index, COM2 by default */
    static const char *const q35_args[] = {
        "-global", "mch.extended-tseg-mbytes=48", "-device", "isa-serial,index=1",
        "-device", "isa-serial,index=0", NULL,
    };
    mq_check("pc-q35-7.2", q35_args, q35_must);
    /* PIIX4_PM marks SMM as initialised (0x5b) when SMM is off */
    static const char *const pc_must[] = { "0000:00:01.3/piix4_pm", NULL };
    static const char *const pc_args[] = { "-machine", "smm=off", NULL };
    mq_check("pc-i440fx-7.2", pc_args, pc_must);
}

static void test_board_masks_q35(void **state)
{
    (void)state;
    static const char *const targets[] = {
        "0000:00:00.0/mch", "0000:00:1f.0/ICH9LPC", "0000:00:1f.2/ich9_ahci",
        "0000:00:1f.3/ich9_smb", NULL,
    };
    static const mq_pick picks[] = {
        { "0000:00:00.0/mch", 0x02, 0 },        /* device id: checked */
        { "0000:00:00.0/mch", 0x9d, 3 },        /* SMRAM G_SMRAME: device area, unchecked */
        { "0000:00:00.0/mch", 0x50, 4 },        /* extended TSEG: unchecked */
        { "0000:00:1f.0/ICH9LPC", 0x0e, 7 },    /* multifunction bit: checked */
        { "0000:00:1f.0/ICH9LPC", 0x40, 0 },    /* PMBASE: unchecked */
        { "0000:00:1f.0/ICH9LPC", 0x34, 0 },    /* capability pointer: checked */
        { "0000:00:1f.2/ich9_ahci", 0x80, 0 },  /* MSI capability id: checked */
        { "0000:00:1f.2/ich9_ahci", 0x82, 0 },  /* MSI enable: writable */
        { "0000:00:1f.2/ich9_ahci", 0x83, 0 },  /* MSI 64-bit flag: checked */
        { "0000:00:1f.2/ich9_ahci", 0xaa, 4 },  /* SATA capability revision: checked */
        { "0000:00:1f.2/ich9_ahci", 0x25, 4 },  /* ABAR bit 12: writable (4 KiB) */
        { "0000:00:1f.2/ich9_ahci", 0x25, 3 },  /* ABAR bit 11: checked */
        { "0000:00:1f.2/ich9_ahci", 0x20, 5 },  /* index/data BAR bit 5: writable (32 B) */
        { "0000:00:1f.2/ich9_ahci", 0x20, 4 },  /* ... bit 4: checked */
        { "0000:00:1f.2/ich9_ahci", 0x09, 0 },  /* programming interface: checked */
        { "0000:00:1f.3/ich9_smb", 0x20, 6 },   /* SMBus BAR bit 6: writable (64 B) */
        { "0000:00:1f.3/ich9_smb", 0x20, 5 },   /* ... bit 5: checked */
        { "0000:00:1f.3/ich9_smb", 0x07, 7 },   /* status: w1c */
        { "0000:00:1f.3/ich9_smb", 0x06, 4 },   /* status capability list: checked */
        { "0000:00:1f.3/ich9_smb", 0x3d, 0 },   /* interrupt pin: unchecked */
    };
    mq_mask_samples("pc-q35-7.2", NULL, targets, picks, sizeof(picks) / sizeof(picks[0]), 12);
}

static void test_board_masks_i440fx(void **state)
{
    (void)state;
    static const char *const targets[] = {
        "0000:00:00.0/I440FX", "0000:00:01.0/PIIX3", "0000:00:01.1/ide",
        "0000:00:01.3/piix4_pm", NULL,
    };
    static const mq_pick picks[] = {
        { "0000:00:00.0/I440FX", 0x08, 1 },     /* revision: checked */
        { "0000:00:00.0/I440FX", 0x72, 6 },     /* SMRAM: unchecked */
        { "0000:00:00.0/I440FX", 0x04, 0 },     /* command I/O: writable */
        { "0000:00:01.0/PIIX3", 0x0e, 7 },      /* multifunction: checked */
        { "0000:00:01.0/PIIX3", 0x07, 1 },      /* status devsel: unchecked */
        { "0000:00:01.0/PIIX3", 0x60, 7 },      /* PIRQ routing: unchecked */
        { "0000:00:01.1/ide", 0x09, 7 },        /* bus-master capable: checked */
        { "0000:00:01.1/ide", 0x20, 4 },        /* BMIBA bit 4: writable (16 B) */
        { "0000:00:01.1/ide", 0x20, 3 },        /* ... bit 3: checked */
        { "0000:00:01.1/ide", 0x20, 0 },        /* I/O space indicator: checked */
        { "0000:00:01.1/ide", 0x10, 0 },        /* unregistered BAR0: unchecked */
        { "0000:00:01.3/piix4_pm", 0x0a, 0 },   /* sub-class: checked */
        { "0000:00:01.3/piix4_pm", 0x90, 0 },   /* SMBus base: unchecked */
        { "0000:00:01.3/piix4_pm", 0x06, 7 },   /* status fast back-to-back: unchecked */
        { "0000:00:01.3/piix4_pm", 0x05, 2 },   /* command INTx disable: writable */
    };
    mq_mask_samples("pc-i440fx-7.2", NULL, targets, picks, sizeof(picks) / sizeof(picks[0]), 12);
}

static void test_board_only_types(void **state)
{
    (void)state;
    static const char *const mch[] = { "-device", "mch", NULL };
    static const char *const lpc[] = { "-device", "ICH9-LPC", NULL };
    static const char *const pm[] = { "-device", "PIIX4_PM", NULL };
    mq_same_error("pc-q35-7.2", mch);
    mq_same_error("pc-q35-7.2", lpc);
    mq_same_error("pc-i440fx-7.2", pm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_q35_machine_types),
        cmocka_unit_test(test_i440fx_machine_types),
        cmocka_unit_test(test_board_properties),
        cmocka_unit_test(test_board_masks_q35),
        cmocka_unit_test(test_board_masks_i440fx),
        cmocka_unit_test(test_board_only_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
