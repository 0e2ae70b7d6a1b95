/* Pieces of the stream writer other library parts use (write.c). */
#ifndef VMC_WRITE_INTERNAL_H
#define VMC_WRITE_INTERNAL_H

#include "machine-types/model_internal.h"
#include "vmstate/build.h"

/*
 * The fresh state of one section of machine m (no --state): its payload and
 * value tree, as vmcompat write puts it on the wire.  VMC_EUNSUPPORTED when
 * its fresh state is not modelled.  Release with vmc_built_release().
 */
int vmc_write_build_fresh_section(vmc_model *m, const vmc_model_entry *e, vmc_built *out);

#endif
