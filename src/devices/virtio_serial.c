/*
 * virtio-serial (hw/char/virtio-serial-bus.c, QEMU 7.2), outer vmsd
 * "virtio-console".  No device vmsd; the save hook writes:
 *
 *   config.cols (be16), config.rows (be16), config.max_nr_ports (be32)
 *       (the device config; the destination ignores it)
 *   ports_map: ceil(max_nr_ports / 32) x be32, one bit per port id in use
 *   nr_active_ports (be32), then per port (virtconsole/virtserialport):
 *       id (be32), guest_connected (u8), host_connected (u8),
 *       elem_popped (be32), and when elem_popped != 0:
 *       iov_idx (be32), iov_offset (be64), element
 */
#include "devices/virtio_models.h"
#include "common/error_internal.h"

#include <stdio.h>

/* realize caps max_ports at VIRTIO_QUEUE_MAX / 2 - 1 (two queues per port) */
#define MAX_PORTS 511

static const vmc_field outer_fields[] = { VMC_VIRTIO_FIELD, VMC_END };

const vmc_vmsd vmc_vmsd_virtio_console = {
    .name = "virtio-console", .version_id = 3, .minimum_version_id = 3,
    .fields = outer_fields,
};

static int decode_port(vmc_decode_ctx *dc, vmc_value *ports, uint32_t i)
{
    int rc;
    char idx[16];
    snprintf(idx, sizeof(idx), "[%u]", i);
    size_t old = vmc_decode_path_push(dc, idx, true);
    vmc_value *port = vmc_virtio_node(dc, VMC_VALUE_STRUCT, NULL, "struct");
    if (!port) {
        return VMC_ENOMEM;
    }
    vmc_value *popped;
    if ((rc = vmc_virtio_add_leaf(dc, port, "id", "uint32", 4, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, port, "guest_connected", "uint8", 1, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, port, "host_connected", "uint8", 1, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, port, "elem_popped", "uint32", 4, &popped))) {
        return rc;
    }
    if (popped->v.u) {
        vmc_value *elem;
        if ((rc = vmc_virtio_add_leaf(dc, port, "iov_idx", "uint32", 4, NULL)) ||
            (rc = vmc_virtio_add_leaf(dc, port, "iov_offset", "uint64", 8, NULL))) {
            return rc;
        }
        size_t o2 = vmc_decode_path_push(dc, "elem", false);
        rc = vmc_virtio_decode_element(dc, "elem", vmc_virtio_element_is_packed(dc), &elem);
        vmc_decode_path_pop(dc, o2);
        if (rc || (rc = vmc_virtio_add(dc, port, elem))) {
            return rc;
        }
    }
    vmc_decode_path_pop(dc, old);
    return vmc_virtio_attach(dc, ports, port);
}

int vmc_virtio_serial_decode_save(vmc_decode_ctx *dc, vmc_value *into)
{
    int rc;
    vmc_value *max, *nr;
    if ((rc = vmc_virtio_add_leaf(dc, into, "config.cols", "uint16", 2, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, into, "config.rows", "uint16", 2, NULL)) ||
        (rc = vmc_virtio_add_leaf(dc, into, "config.max_nr_ports", "uint32", 4, &max))) {
        return rc;
    }
    /*
     * The number of ports_map words comes from the max_ports property on
     * both ends (TODO: dc->device when a model provides it); the saver has
     * just written that same property as config.max_nr_ports.
     */
    if (max->v.u == 0 || max->v.u > MAX_PORTS) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "virtio-serial max_nr_ports %llu is not "
                               "1..%d", (unsigned long long)max->v.u, MAX_PORTS);
    }
    uint32_t words = (uint32_t)(max->v.u + 31) / 32;
    vmc_value *map = vmc_virtio_node(dc, VMC_VALUE_ARRAY, "ports_map", "uint32");
    if (!map) {
        return VMC_ENOMEM;
    }
    size_t old = vmc_decode_path_push(dc, "ports_map", false);
    for (uint32_t i = 0; i < words; i++) {
        if ((rc = vmc_virtio_add_leaf(dc, map, NULL, "uint32", 4, NULL))) {
            return rc;
        }
    }
    vmc_decode_path_pop(dc, old);
    if ((rc = vmc_virtio_attach(dc, into, map)) ||
        (rc = vmc_virtio_add_leaf(dc, into, "nr_active_ports", "uint32", 4, &nr))) {
        return rc;
    }
    if (nr->v.u > max->v.u) {
        return vmc_decode_fail(dc, VMC_EFORMAT, "virtio-serial has %llu active ports but "
                               "max_nr_ports is %llu", (unsigned long long)nr->v.u,
                               (unsigned long long)max->v.u);
    }
    vmc_value *ports = vmc_virtio_node(dc, VMC_VALUE_ARRAY, "ports", "struct");
    if (!ports) {
        return VMC_ENOMEM;
    }
    old = vmc_decode_path_push(dc, "ports", false);
    for (uint32_t i = 0; i < nr->v.u; i++) {
        if ((rc = decode_port(dc, ports, i))) {
            return rc;
        }
    }
    vmc_decode_path_pop(dc, old);
    return vmc_virtio_attach(dc, into, ports);
}
