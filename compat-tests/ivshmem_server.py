#!/usr/bin/env python3
"""A small ivshmem server for tests (standard library only).

It speaks the client/server protocol of QEMU's docs/specs/ivshmem-spec.txt,
as QEMU 7.2's ivshmem-doorbell device expects it at realize: every message
is one little-endian int64, possibly with one file descriptor (SCM_RIGHTS).
For each client that connects, the server sends

  1. the protocol version, 0;
  2. the client's ID;
  3. -1 with the shared memory's file descriptor;
  4. for each other client, its ID once per vector, each with the eventfd
     that interrupts that client on that vector (and the new client's ID
     with the new client's eventfds to every other client);
  5. the client's own ID once per vector, each with the eventfd on which
     it receives interrupts;

and, when a client goes away, its ID without a descriptor to the others.

IDs: by default the next ID after the last one handed out, skipping IDs in
use (what contrib/ivshmem-server does, so only the very first client gets
0).  With --reuse-ids the lowest ID not in use, so that clients connecting
one after the other (a probe, then QEMU with master=on) each get ID 0.

The shared memory is an anonymous memfd, or --shm-file PATH (created or
resized to --size).  The server runs in the foreground until SIGTERM or
SIGINT; it writes its pid to --pidfile and prints "listening" once the
socket accepts connections, and removes the socket (and the pid file) when
it stops.

usage: ivshmem_server.py --socket PATH [--size BYTES] [--vectors N]
                         [--shm-file PATH] [--reuse-ids] [--pidfile PATH]
"""

import argparse
import os
import selectors
import signal
import socket
import struct
import sys

PROTOCOL_VERSION = 0
MAX_ID = 0xFFFF


def parse_size(text):
    """A size with an optional K/M/G suffix (powers of 1024)."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower()
    mult = 1
    if text and text[-1] in units:
        mult = units[text[-1]]
        text = text[:-1]
    value = int(text, 0) * mult
    if value < 0:
        raise argparse.ArgumentTypeError("size must not be negative")
    return value


class Peer:
    def __init__(self, sock, peer_id, nvectors):
        self.sock = sock
        self.id = peer_id
        self.eventfds = [os.eventfd(0, os.EFD_CLOEXEC) for _ in range(nvectors)]

    def close(self):
        for fd in self.eventfds:
            os.close(fd)
        self.eventfds = []
        self.sock.close()


class Server:
    def __init__(self, args):
        self.args = args
        self.peers = {}          # socket fd -> Peer
        self.next_id = 0
        self.stopping = False
        self.sel = selectors.DefaultSelector()
        self.shm_fd = self._open_shm()
        self.listener = None

    def _open_shm(self):
        if self.args.shm_file:
            fd = os.open(self.args.shm_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        else:
            fd = os.memfd_create("ivshmem", os.MFD_CLOEXEC)
        os.ftruncate(fd, self.args.size)
        return fd

    @staticmethod
    def send(peer, value, fd=-1):
        """One message; False when the client is gone."""
        data = struct.pack("<q", value)
        try:
            if fd >= 0:
                socket.send_fds(peer.sock, [data], [fd])
            else:
                peer.sock.sendall(data)
        except OSError:
            return False
        return True

    def _pick_id(self):
        used = {p.id for p in self.peers.values()}
        if self.args.reuse_ids:
            start = 0
        else:
            start = self.next_id
        for k in range(MAX_ID + 1):
            cand = (start + k) % (MAX_ID + 1)
            if cand not in used:
                self.next_id = cand + 1
                return cand
        return None

    def accept(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        peer_id = self._pick_id()
        if peer_id is None:
            conn.close()
            return
        peer = Peer(conn, peer_id, self.args.vectors)
        ok = (self.send(peer, PROTOCOL_VERSION) and self.send(peer, peer.id) and
              self.send(peer, -1, self.shm_fd))
        if not ok:
            peer.close()
            return
        others = list(self.peers.values())
        for other in others:
            for fd in peer.eventfds:
                self.send(other, peer.id, fd)
        for other in others:
            for fd in other.eventfds:
                self.send(peer, other.id, fd)
        for fd in peer.eventfds:
            self.send(peer, peer.id, fd)
        self.peers[conn.fileno()] = peer
        self.sel.register(conn, selectors.EVENT_READ, self.client_event)
        self.log("peer %d connected" % peer.id)

    def drop(self, peer):
        self.sel.unregister(peer.sock)
        del self.peers[peer.sock.fileno()]
        peer.close()
        for other in list(self.peers.values()):
            self.send(other, peer.id)
        self.log("peer %d disconnected" % peer.id)

    def client_event(self, sock):
        # clients never send anything: readable means closed (or garbage)
        try:
            data = sock.recv(4096)
        except OSError:
            data = b""
        peer = self.peers.get(sock.fileno())
        if peer is not None and not data:
            self.drop(peer)

    def log(self, msg):
        if self.args.verbose:
            print("ivshmem_server: " + msg, file=sys.stderr, flush=True)

    def run(self):
        path = self.args.socket
        if os.path.exists(path):
            os.unlink(path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(16)
        self.sel.register(self.listener, selectors.EVENT_READ, None)
        if self.args.pidfile:
            tmp = self.args.pidfile + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % os.getpid())
            os.rename(tmp, self.args.pidfile)
        print("listening", flush=True)
        try:
            while not self.stopping:
                events = self.sel.select(timeout=0.5)
                # disconnections first, so that a client that left frees its
                # ID before the next one is accepted
                for key, _ in sorted(events, key=lambda e: e[0].data is None):
                    if key.data is None:
                        self.accept()
                    else:
                        key.data(key.fileobj)
        finally:
            self.stop()

    def stop(self):
        for peer in list(self.peers.values()):
            peer.close()
        self.peers.clear()
        if self.listener is not None:
            self.listener.close()
            self.listener = None
            try:
                os.unlink(self.args.socket)
            except FileNotFoundError:
                pass
        if self.args.pidfile:
            try:
                os.unlink(self.args.pidfile)
            except FileNotFoundError:
                pass
        if self.shm_fd >= 0:
            os.close(self.shm_fd)
            self.shm_fd = -1


def main():
    ap = argparse.ArgumentParser(description="ivshmem server for tests")
    ap.add_argument("--socket", required=True, help="unix socket to listen on")
    ap.add_argument("--size", type=parse_size, default=4 << 20,
                    help="shared memory size in bytes (K/M/G suffixes; default 4M)")
    ap.add_argument("--vectors", type=int, default=1,
                    help="interrupt vectors (eventfds) per client (default 1)")
    ap.add_argument("--shm-file", help="file to use as shared memory instead of a memfd")
    ap.add_argument("--reuse-ids", action="store_true",
                    help="hand out the lowest free ID instead of the next one")
    ap.add_argument("--pidfile", help="write the pid here once listening")
    ap.add_argument("--verbose", action="store_true", help="log peers on stderr")
    args = ap.parse_args()
    if not 0 <= args.vectors <= 1024:
        ap.error("--vectors must be between 0 and 1024")

    server = Server(args)

    def on_signal(signum, frame):
        server.stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
