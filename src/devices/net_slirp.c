/*
 * The "slirp" section of -netdev user (QEMU 7.2 with libslirp 4.x, state
 * version 4).  It is an old-style save_state handler, so the vmdesc shows
 * one opaque "data" buffer; its length is known only by reading libslirp's
 * own vmstate encoding: for each guestfwd socket the byte 42 and a
 * "slirp-socket" vmsd, then 0, then the "slirp" vmsd (ip_id and 16 BOOTP
 * clients).  The section is decoded to the same single buffer the vmdesc
 * describes; the parts are used to find where it ends.
 */
#include "devices/registry.h"
#include "vmstate/decode.h"
#include "vmstate/hooks.h"
#include "vmstate/vmsd_macros.h"
#include "common/error_internal.h"

#include <string.h>

static const vmc_field tcp_fields[] = {
    VMC_INT16("t_state"),
    VMC_F_ARR("t_timer", "int16", 2, 4),
    VMC_INT16("t_rxtshift"),
    VMC_INT16("t_rxtcur"),
    VMC_INT16("t_dupacks"),
    VMC_UINT16("t_maxseg"),
    VMC_UINT8("t_force"),
    VMC_UINT16("t_flags"),
    VMC_UINT32("snd_una"),
    VMC_UINT32("snd_nxt"),
    VMC_UINT32("snd_up"),
    VMC_UINT32("snd_wl1"),
    VMC_UINT32("snd_wl2"),
    VMC_UINT32("iss"),
    VMC_UINT32("snd_wnd"),
    VMC_UINT32("rcv_wnd"),
    VMC_UINT32("rcv_nxt"),
    VMC_UINT32("rcv_up"),
    VMC_UINT32("irs"),
    VMC_UINT32("rcv_adv"),
    VMC_UINT32("snd_max"),
    VMC_UINT32("snd_cwnd"),
    VMC_UINT32("snd_ssthresh"),
    VMC_INT16("t_idle"),
    VMC_INT16("t_rtt"),
    VMC_UINT32("t_rtseq"),
    VMC_INT16("t_srtt"),
    VMC_INT16("t_rttvar"),
    VMC_UINT16("t_rttmin"),
    VMC_UINT32("max_sndwnd"),
    VMC_UINT8("t_oobflags"),
    VMC_UINT8("t_iobc"),
    VMC_INT16("t_softerror"),
    VMC_UINT8("snd_scale"),
    VMC_UINT8("rcv_scale"),
    VMC_UINT8("request_r_scale"),
    VMC_UINT8("requested_s_scale"),
    VMC_UINT32("ts_recent"),
    VMC_UINT32("ts_recent_age"),
    VMC_UINT32("last_ack_sent"),
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_tcp = {
    .name = "slirp-tcp", .version_id = 0, .fields = tcp_fields,
};

static const vmc_field sbuf_tmp_fields[] = {
    VMC_UINT32("woff"),
    VMC_UINT32("roff"),
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_sbuf_tmp = {
    .name = "slirp-sbuf-tmp", .version_id = 0, .fields = sbuf_tmp_fields,
};

static const vmc_field sbuf_fields[] = {
    VMC_UINT32("sb_cc"),
    VMC_UINT32("sb_datalen"),
    VMC_TMP("tmp", vmsd_slirp_sbuf_tmp),
    { .name = "sb_data", .info = "buffer", .flags = VMC_F_VBUFFER | VMC_F_POINTER,
      .size_field = "sb_datalen" },
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_sbuf = {
    .name = "slirp-sbuf", .version_id = 0, .fields = sbuf_fields,
};

static const vmc_field ss_family_fields[] = {
    VMC_UINT16("portable_family"),
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_ss_family = {
    .name = "slirp-socket-addr/ss_family", .fields = ss_family_fields,
};

static const vmc_field socket_addr_fields[] = {
    VMC_TMP("tmp", vmsd_slirp_ss_family),
    { .name = "sin.sin_addr.s_addr", .info = "uint32", .size = 4, .exists = "slirp_family_inet" },
    { .name = "sin.sin_port", .info = "uint16", .size = 2, .exists = "slirp_family_inet" },
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_socket_addr = {
    .name = "slirp-socket-addr", .version_id = 4, .fields = socket_addr_fields,
};

static const vmc_field socket_fields[] = {
    VMC_UINT32("so_urgc"),
    { .name = "so_faddr.s_addr", .info = "uint32", .size = 4, .exists = "slirp_older_than_v4" },
    { .name = "so_laddr.s_addr", .info = "uint32", .size = 4, .exists = "slirp_older_than_v4" },
    { .name = "so_fport", .info = "uint16", .size = 2, .exists = "slirp_older_than_v4" },
    { .name = "so_lport", .info = "uint16", .size = 2, .exists = "slirp_older_than_v4" },
    VMC_STRUCT_V("fhost", vmsd_slirp_socket_addr, 4),
    VMC_STRUCT_V("lhost", vmsd_slirp_socket_addr, 4),
    VMC_UINT8("so_iptos"),
    VMC_UINT8("so_emu"),
    VMC_UINT8("so_type"),
    VMC_INT32("so_state"),
    VMC_STRUCT("so_rcv", vmsd_slirp_sbuf),
    VMC_STRUCT("so_snd", vmsd_slirp_sbuf),
    { .name = "so_tcpcb", .flags = VMC_F_STRUCT | VMC_F_POINTER, .vmsd = &vmsd_slirp_tcp },
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_socket = {
    .name = "slirp-socket", .version_id = 4, .fields = socket_fields,
};

static const vmc_field bootp_client_fields[] = {
    VMC_UINT16("allocated"),
    VMC_BUFFER("macaddr", 6),
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_bootp_client = {
    .name = "slirp_bootpclient", .fields = bootp_client_fields,
};

static const vmc_field slirp_fields[] = {
    VMC_UINT16_V("ip_id", 2),
    { .name = "bootp_clients", .flags = VMC_F_STRUCT | VMC_F_ARRAY, .num = 16, .version_id = 3,
      .vmsd = &vmsd_slirp_bootp_client },
    VMC_END,
};
static const vmc_vmsd vmsd_slirp_state = {
    .name = "slirp", .version_id = 4, .fields = slirp_fields,
};

/* The section: old style, one buffer whose extent comes from the parts. */
static const vmc_field section_fields[] = {
    { .name = "data", .info = "slirp-state" },
    VMC_END,
};
const vmc_vmsd vmc_vmsd_slirp_section = {
    .name = "slirp", .version_id = 4, .minimum_version_id = 1, .old_style = true,
    .fields = section_fields,
};

static bool slirp_family_inet(const vmc_hook_ctx *ctx, int version_id)
{
    return vmc_hook_int(ctx, "tmp.portable_family", 0) == 2;
}

static bool slirp_older_than_v4(const vmc_hook_ctx *ctx, int version_id)
{
    return version_id < 4;
}

const vmc_hook_def vmc_hooks_net[] = {
    { "slirp_family_inet", VMC_HOOK_EXISTS, slirp_family_inet, NULL },
    { "slirp_older_than_v4", VMC_HOOK_EXISTS, slirp_older_than_v4, NULL },
    { NULL, 0, NULL, NULL },
};

const vmc_vmsd *const vmc_vmsds_net[] = {
    &vmc_vmsd_slirp_section,
    NULL,
};

#define MAX_GUESTFWD 1024

int vmc_slirp_state_decode(vmc_decode_ctx *dc, const char *name, int version, vmc_value **out)
{
    size_t start = dc->cur.pos;
    vmc_arena *scratch = vmc_arena_new();
    if (!scratch) {
        return vmc_decode_fail(dc, VMC_ENOMEM, "out of memory");
    }
    vmc_arena *keep = dc->arena;
    dc->arena = scratch;   /* the parts only measure the buffer */
    int rc = 0;
    for (int n = 0;; n++) {
        if ((rc = vmc_decode_need(dc, 1, "slirp socket marker"))) {
            break;
        }
        uint8_t marker = dc->cur.base[dc->cur.pos++];
        if (marker == 0) {
            break;
        }
        if (marker != 42 || n >= MAX_GUESTFWD) {
            dc->cur.pos--;
            rc = vmc_decode_fail(dc, VMC_EFORMAT, "slirp state: byte 0x%02x where a socket "
                                 "(42) or the end of the sockets (0) must be", marker);
            break;
        }
        vmc_value *sock;
        if ((rc = vmc_engine_decode(dc, &vmsd_slirp_socket, version, "socket", &sock))) {
            break;
        }
    }
    vmc_value *st;
    if (!rc) {
        rc = vmc_engine_decode(dc, &vmsd_slirp_state, version, "slirp", &st);
    }
    dc->arena = keep;
    vmc_arena_free(scratch);
    if (rc) {
        return rc;
    }
    size_t end = dc->cur.pos;
    dc->cur.pos = start;
    return vmc_decode_leaf(dc, name, "buffer", end - start, out);
}
