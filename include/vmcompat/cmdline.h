/*
 * A QEMU (qemu-system-x86_64) command line, parsed the way QEMU parses it:
 * option names with one or two dashes, option arguments in QemuOpts syntax
 * ("key=value,key=value", ",," for a literal comma, an implied first key such
 * as the driver of -device, bare flags meaning "on").
 *
 * Options that change what is migrated are kept (-machine, -m, -smp, -cpu,
 * -device, -global, -nodefaults, back ends, legacy device shorthands);
 * options that do not (-display, -accel tcg, -qmp, -S, -incoming, -name,
 * ...) are accepted and recorded; unknown options are errors worded like
 * QEMU's.
 */
#ifndef VMCOMPAT_CMDLINE_H
#define VMCOMPAT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A QemuOpts-style key=value list (in order; a key may repeat). */
typedef struct vmc_qopts vmc_qopts;

size_t vmc_qopts_count(const vmc_qopts *o);
/* The option's argument as it was given to vmc_qopts_parse, or NULL. */
const char *vmc_qopts_text(const vmc_qopts *o);
const char *vmc_qopts_key(const vmc_qopts *o, size_t i);
const char *vmc_qopts_value(const vmc_qopts *o, size_t i);
/* Value of the last occurrence of key, or NULL. */
const char *vmc_qopts_get(const vmc_qopts *o, const char *key);

/*
 * Parse "a=b,c=d" with QEMU's rules; implied_key names the key of a first
 * element without '=' (NULL: such an element is a flag set to "on").
 * *out owned by the caller (vmc_qopts_free).
 */
int vmc_qopts_parse(vmc_qopts **out, const char *text, const char *implied_key);
void vmc_qopts_free(vmc_qopts *o);

typedef struct vmc_cmdline vmc_cmdline;

/* Parse arguments (without the program name).  Errors name the option. */
int vmc_cmdline_parse(vmc_cmdline **out, int argc, const char *const *argv);

/*
 * Parse a command line written as one shell-quoted string, as users copy
 * it from `ps` or a libvirt log; a leading program name (any word ending in
 * "qemu-system-x86_64", "qemu-kvm" or "kvm") is skipped.
 */
int vmc_cmdline_parse_shell(vmc_cmdline **out, const char *text);

void vmc_cmdline_free(vmc_cmdline *c);

/* -machine / -M merged in order (implied key "type"); never NULL. */
const vmc_qopts *vmc_cmdline_machine(const vmc_cmdline *c);
/* -m (implied key "size"), -smp (implied key "cpus"); never NULL. */
const vmc_qopts *vmc_cmdline_memory(const vmc_cmdline *c);
const vmc_qopts *vmc_cmdline_smp(const vmc_cmdline *c);
/* -cpu model string or NULL; -accel / -enable-kvm / -machine accel= ("tcg" default). */
const char *vmc_cmdline_cpu(const vmc_cmdline *c);
const char *vmc_cmdline_accel(const vmc_cmdline *c);

/* -device options in order (implied key "driver"). */
size_t vmc_cmdline_device_count(const vmc_cmdline *c);
const vmc_qopts *vmc_cmdline_device(const vmc_cmdline *c, size_t i);

/* -global options in order, normalised to driver / property / value. */
size_t vmc_cmdline_global_count(const vmc_cmdline *c);
void vmc_cmdline_global(const vmc_cmdline *c, size_t i, const char **driver,
                        const char **property, const char **value);

/* Back ends: kind is the option name ("drive", "blockdev", "netdev", "chardev",
 * "object", "audiodev", "fsdev", "tpmdev"); opts keep their own keys. */
size_t vmc_cmdline_backend_count(const vmc_cmdline *c);
const char *vmc_cmdline_backend_kind(const vmc_cmdline *c, size_t i);
const vmc_qopts *vmc_cmdline_backend(const vmc_cmdline *c, size_t i);

/* Legacy shorthands that create devices (-vga, -serial, -parallel, -net nic,
 * -usb, -usbdevice, -hda..-hdd, -cdrom, -fda, -fdb, -watchdog ...): option name
 * and argument, in order. */
size_t vmc_cmdline_legacy_count(const vmc_cmdline *c);
const char *vmc_cmdline_legacy_option(const vmc_cmdline *c, size_t i);
const char *vmc_cmdline_legacy_arg(const vmc_cmdline *c, size_t i);

bool vmc_cmdline_nodefaults(const vmc_cmdline *c);
const char *vmc_cmdline_uuid(const vmc_cmdline *c);     /* -uuid or NULL */
const char *vmc_cmdline_incoming(const vmc_cmdline *c); /* -incoming or NULL */

#ifdef __cplusplus
}
#endif
#endif
