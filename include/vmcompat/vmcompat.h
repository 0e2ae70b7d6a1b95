/* vmcompat: predictable QEMU live migration.  Umbrella header. */
#ifndef VMCOMPAT_H
#define VMCOMPAT_H

#include "vmcompat/error.h"
#include "vmcompat/json.h"
#include "vmcompat/machine.h"
#include "vmcompat/model.h"
#include "vmcompat/capture.h"
#include "vmcompat/preflight.h"
#include "vmcompat/rewrite.h"
#include "vmcompat/cmdline.h"
#include "vmcompat/qmp.h"
#include "vmcompat/schema.h"
#include "vmcompat/models.h"
#include "vmcompat/ram.h"
#include "vmcompat/summary.h"
#include "vmcompat/pcidiff.h"
#include "vmcompat/source.h"
#include "vmcompat/stream.h"
#include "vmcompat/vmstate.h"
#include "vmcompat/state.h"
#include "vmcompat/write.h"

#define VMCOMPAT_VERSION "0.1.0"

/* Library version string. */
const char *vmc_version(void);

#endif
