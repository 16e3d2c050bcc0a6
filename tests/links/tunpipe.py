#!/usr/bin/env python3
"""A point-to-point link made of two tun devices in two network namespaces,
for tests/test_links.sh.

  tunpipe.py --ns NETNS_FILE:IFNAME --ns NETNS_FILE:IFNAME --ready FILE

Opens a tun device (IFF_TUN | IFF_NO_PI: every read and write is one bare
IP packet) named IFNAME in each namespace, writes FILE once both exist, and
then copies every packet one device sends into the other one's fd until it
is killed.  A packet written into a tun fd is *received* by that device, so
what one namespace routes out of its tun device arrives on the receive path
of the other's, where XDP (generic mode) sees it; what the other sends
comes back the same way, past its TC egress hook.

The devices are not persistent: they go away with this process.
"""
import argparse
import ctypes
import fcntl
import os
import select
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000

libc = ctypes.CDLL(None, use_errno=True)


def enter(netns):
    fd = os.open(netns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns(%s): %s" % (netns, os.strerror(e)))
    finally:
        os.close(fd)


def open_tun(name):
    # The device is created in the namespace the opener is in when it
    # calls TUNSETIFF (the fd's socket takes it at open()).
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ns", action="append", required=True,
                   metavar="NETNS_FILE:IFNAME")
    p.add_argument("--ready", required=True)
    a = p.parse_args()
    if len(a.ns) != 2:
        p.error("give --ns twice")
    fds = []
    for spec in a.ns:
        netns, name = spec.rsplit(":", 1)
        enter(netns)
        fds.append(open_tun(name))
    open(a.ready, "w").close()
    other = {fds[0]: fds[1], fds[1]: fds[0]}
    poll = select.poll()
    for fd in fds:
        poll.register(fd, select.POLLIN)
    while True:
        for fd, _ in poll.poll():
            pkt = os.read(fd, 65535)
            try:
                os.write(other[fd], pkt)
            except OSError:
                # the other device is down (or not up yet): the packet is
                # lost, as on a wire
                pass


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
