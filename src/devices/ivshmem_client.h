/*
 * A minimal ivshmem client: what QEMU 7.2's ivshmem-doorbell reads from
 * its server at realize (hw/misc/ivshmem.c, docs/specs/ivshmem-spec.txt),
 * so that the machine model can size BAR 2 and the "ivshmem.bar2" RAM
 * block the way QEMU does.
 *
 * The probe connects to the server's unix socket, reads the protocol
 * version (0, no descriptor), its peer ID (0..65535, no descriptor), then
 * messages until -1 with the shared memory's descriptor, takes the size of
 * that descriptor (fstat st_size) and disconnects.  Descriptors of peer
 * connect messages are closed.  Every read has a deadline.
 *
 * Side effect: the server counts the probe as a client for a moment: it
 * gets a peer ID and other clients see it connect and go away.  A server
 * that hands out IDs in sequence (contrib/ivshmem-server) then gives a
 * QEMU started later an ID other than 0, which master=on refuses.
 */
#ifndef VMC_DEVICES_IVSHMEM_CLIENT_H
#define VMC_DEVICES_IVSHMEM_CLIENT_H

#include <stdint.h>

typedef struct vmc_ivshmem_info {
    int64_t peer_id;       /* the ID the server gave the probe */
    uint64_t shm_size;     /* st_size of the shared memory descriptor */
} vmc_ivshmem_info;

/*
 * Probe the server listening on unix socket `path`, waiting at most
 * timeout_ms for each message.  0 with *out filled, or a negative VMC_E*
 * code with an error whose message is QEMU's words where QEMU has some
 * (VMC_ENOTFOUND: nothing listens on path).
 */
int vmc_ivshmem_probe(const char *path, int timeout_ms, vmc_ivshmem_info *out);

#endif
