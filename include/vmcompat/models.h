/*
 * Built-in device models of QEMU 7.2.
 *
 * vmc_models_lookup() is a vmc_vmsd_lookup_fn for vmc_reader_options: it
 * returns the built-in descriptor of a section by its idstr, so streams
 * without a vmdesc trailer (suppress-vmdesc machines, truncated trailers,
 * xen-save-devices-state captures) can still be decoded.
 */
#ifndef VMCOMPAT_MODELS_H
#define VMCOMPAT_MODELS_H

#include "vmcompat/vmstate.h"

#ifdef __cplusplus
extern "C" {
#endif

const vmc_vmsd *vmc_models_lookup(void *opaque, const char *idstr, uint32_t instance_id,
                                  uint32_t version_id);

#ifdef __cplusplus
}
#endif
#endif
