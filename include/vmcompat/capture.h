/*
 * Capturing the device state of a running QEMU without migrating it: QMP
 * `xen-save-devices-state` writes the stream header and every device
 * section (no configuration section, no RAM, no vmdesc trailer) while the
 * guest is paused for about a millisecond.  Decoding such a file needs the
 * built-in models (vmc_models_lookup).
 */
#ifndef VMCOMPAT_CAPTURE_H
#define VMCOMPAT_CAPTURE_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Connect to the QMP socket, save the device state to out_path (written by
 * QEMU itself under a temporary name in the same directory, renamed when
 * complete: QEMU must be able to write there), and, when source_cmdline is
 * not NULL, return the running QEMU's own command line as one shell-quoted
 * string (read from /proc/<pid>/cmdline of the socket's peer; NULL when
 * that is not possible, e.g. another host or mount namespace).  The VM's
 * disks are never inactivated ("live": false).
 */
int vmc_capture_device_state(const char *qmp_socket, const char *out_path, char **source_cmdline,
                             int timeout_ms);

#ifdef __cplusplus
}
#endif
#endif
