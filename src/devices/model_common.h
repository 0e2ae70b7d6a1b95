/*
 * Helpers shared by the board, bridge and endpoint device models
 * (model_board.c, model_bridges.c, model_pcidev.c, model_isa.c).
 *
 * They cover what QEMU 7.2's generic PCI code does around a device's own
 * realize: do_pci_register_device (ids, masks, multifunction rules),
 * pci_add_option_rom (ROM BAR), the hot-plug handler of each bus, the
 * machine-ready notifiers of the south bridges and the slot state a
 * system reset leaves behind.
 */
#ifndef VMC_MODEL_COMMON_H
#define VMC_MODEL_COMMON_H

#include "devices/devmodel.h"

/* ---- buses ---------------------------------------------------------------- */

/* A PCI Express bus (pcie.0 or a port's secondary bus). */
bool vmc_dm_bus_is_express(const vmc_mbus *b);
/* A root bus (pcie.0, pci.0): no parent device. */
bool vmc_dm_bus_is_root(const vmc_mbus *b);

/*
 * The secondary bus of a bridge, named as QEMU names it (the device id, or
 * "<type>.0" without one, as the generic entry did), plus the "PCIBUS"
 * entry QEMU registers when the bus is realized.
 */
vmc_mbus *vmc_dm_bridge_bus(vmc_model *m, vmc_mdev *d, vmc_bus_kind kind);

/* ---- registration ---------------------------------------------------------- */

/* The device's own vmsd entry with the vmsd's priority (bridges: PCI bus). */
vmc_model_entry *vmc_dm_register(vmc_model *m, vmc_mdev *d, const char *vmsd_name);

/* ---- properties ------------------------------------------------------------ */

typedef enum vmc_dm_onoffauto { VMC_DM_AUTO = 0, VMC_DM_ON, VMC_DM_OFF } vmc_dm_onoffauto;

/* OnOffAuto property; a negative code with an error set when the value does not parse. */
int vmc_dm_prop_onoffauto(vmc_mdev *d, const char *prop, vmc_dm_onoffauto dflt,
                          vmc_dm_onoffauto *out);
/* Unsigned integer property (QEMU's base-0 syntax) checked against max. */
int vmc_dm_prop_uint(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t max, uint64_t *out);
/* Size property ("4K", "1M", "0x1000"; "-1" = unset = UINT64_MAX). */
int vmc_dm_prop_size(vmc_mdev *d, const char *prop, uint64_t dflt, uint64_t *out);
/* Error in QEMU's words for a property that does not take a value. */
int vmc_dm_bad_prop(vmc_mdev *d, const char *prop, const char *value);
/* ... for an enum property (OnOffAuto, link speed/width). */
int vmc_dm_bad_enum(vmc_mdev *d, const char *prop, const char *value);
/* -device of a type QEMU does not let users create (board devices). */
int vmc_dm_not_user_creatable(vmc_mdev *d);

/* ---- PCI functions -------------------------------------------------------- */

/*
 * do_pci_register_device for d (devfn and bus already set): allocates
 * d->pci, writes the class identity, the masks and the multifunction bit
 * ("multifunction" property), applies "x-pcie-extcap-init", and checks the
 * multifunction rules against the functions already on the bus.  Board
 * devices pass multifunction through force_mf (QEMU creates them with
 * pci_new_multifunction); -1 means "from the property".
 */
int vmc_dm_pci_init(vmc_model *m, vmc_mdev *d, const vmc_pci_ident *id, bool express,
                    int force_mf);

/*
 * pci_add_option_rom: with rombar != 0 and a ROM file (romfile property or
 * the class default), the ROM BAR (size = romsize or the file size rounded
 * up to a power of two) and the "<path>/<rom_name>.rom" RAM block; with
 * rombar=0 the fw_cfg copy, which only pc-i440fx-1.7 migrates.
 */
int vmc_dm_option_rom(vmc_model *m, vmc_mdev *d, const char *rom_name, const char *class_romfile);

/* Record d's PCI function (config built or not) under its section (NULL: none). */
void vmc_dm_publish(vmc_model *m, vmc_mdev *d, const vmc_model_entry *e);

/* ---- NICs --------------------------------------------------------------------- */

/*
 * The MAC address a NIC ends up with (qemu_macaddr_default_if_unset):
 * its "mac" property, else 52:54:00:12:34:NN with the first NN >= 0x56 that
 * no NIC realized before it uses.
 */
int vmc_dm_nic_mac(vmc_model *m, vmc_mdev *d, uint8_t mac[6]);

/* ---- ISA I/O ports --------------------------------------------------------------- */

/* Whether an ISA device realized so far decodes I/O port `port` (memory_region_present). */
bool vmc_dm_isa_port_present(vmc_model *m, int port);
/*
 * The I/O base of an isa-serial / isa-parallel (index and iobase
 * properties, else the next index of its kind).  A negative code with an
 * error set when the index is out of range.
 */
int vmc_dm_isa_iobase(vmc_model *m, vmc_mdev *d, int *index_out);

/* ---- machine done ------------------------------------------------------------------ */

/*
 * What QEMU does between the last -device and the first migration of a
 * fresh machine, for the devices of these groups:
 *  - machine-ready notifiers: ICH9-LPC (0x82) and PIIX4_PM (0x5f, 0x63,
 *    0x67) note the legacy serial, parallel and floppy ports;
 *  - hot-plug callbacks of cold-plugged PCI devices: a PCIe slot whose port
 *    handles its own bus (native hot-plug) gets Presence Detect State and,
 *    per the child's x-pcie-lnksta-dllla or the port's LNKCAP DLLLARC,
 *    Data Link Layer Link Active;
 *  - system reset: slots power up when a device sits at devfn 0 of their
 *    bus, power off otherwise.
 * Idempotent (recomputed from the devices each time).  The machine model
 * calls it after the last -device.
 */
int vmc_devmodel_machine_done(vmc_model *m);

/* model_board.c: the south bridges' machine-ready notifiers. */
void vmc_dm_board_machine_ready(vmc_model *m);
/* model_bridges.c: slot presence/power of every PCIe slot. */
void vmc_dm_bridges_machine_done(vmc_model *m);

#endif
