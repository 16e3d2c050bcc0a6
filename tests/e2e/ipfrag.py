#!/usr/bin/env python3
"""SIP messages in hand-cut IP fragments, for the end-to-end tests.

  ipfrag.py --dev IF --dmac MAC --src ADDR --dst ADDR [--port P]
            [--sport P] [--count N] [--tag T] [--id N]
            [--dstopts after|before] [--reverse]

Each of the COUNT messages is tests/e2e/sipudp.py's (Call-ID "<tag>-<i>",
so the listener's log tells which arrived), sent as one UDP datagram in
two fragments whose first ends with the UDP header: a first fragment too
short to tell an INVITE from anything else (RFC 1858's tiny fragment).
No sender's stack cuts a datagram there, so the frames are built here and
go out as they are through an AF_PACKET socket on IF, to MAC.

  IPv4         [IPv4 MF, off 0][UDP]        [IPv4 off 8][message]
  IPv6         [IPv6][Frag M, off 0][UDP]   [IPv6][Frag off 8][message]
  --dstopts after
               a Destination Options header (PadN) after the fragment
               header, in the fragmentable part, which the later
               fragment then starts 16 bytes into:
               [IPv6][Frag M, off 0][DstOpts][UDP]  [IPv6][Frag off 16][message]
  --dstopts before
               the same header before the fragment header, in every
               fragment: [IPv6][DstOpts][Frag M, off 0][UDP]
               [IPv6][DstOpts][Frag off 8][message]
  --reverse    the later fragment goes out first.

The UDP checksum is the whole datagram's, so the receiver's stack takes
what it reassembles.  Fragment ids are --id (default: from the tag) plus
the message's number: tags that differ give datagrams that do not mix in
the receiver's reassembly queues.
"""
import argparse
import socket
import struct
import sys
import zlib

# no __pycache__ left in the tree
sys.dont_write_bytecode = True
import sipudp  # noqa: E402

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
IPPROTO_UDP = 17
IPPROTO_FRAGMENT = 44
IPPROTO_DSTOPTS = 60
ETH_ZLEN = 60		# shorter frames are padded on the wire


def csum(data):
    """The Internet checksum (RFC 1071) of DATA."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_datagram(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    if ":" in dst:
        pseudo = (socket.inet_pton(socket.AF_INET6, src) +
                  socket.inet_pton(socket.AF_INET6, dst) +
                  struct.pack("!I3xB", length, IPPROTO_UDP))
    else:
        pseudo = (socket.inet_aton(src) + socket.inet_aton(dst) +
                  struct.pack("!xBH", IPPROTO_UDP, length))
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    # 0 says "no checksum" (and is not allowed over IPv6): sent as 0xffff
    c = csum(pseudo + hdr + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, c) + payload


def ipv4_fragment(src, dst, ident, off, more, body):
    """An IPv4 packet holding BODY at byte OFF of the datagram."""
    flags = (0x2000 if more else 0) | off // 8
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident,
                      flags, 64, IPPROTO_UDP, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + body


def dstopts(nexthdr):
    """A Destination Options header of 8 bytes: one PadN option of 4 zero
    bytes."""
    return struct.pack("!BBBB4x", nexthdr, 0, 1, 4)


def ipv6_fragment(src, dst, ident, off, more, nexthdr, body, unfrag):
    """An IPv6 packet with a fragment header, holding BODY at byte OFF of
    the fragmentable part, whose first header is NEXTHDR; UNFRAG: a
    Destination Options header before the fragment header."""
    frag = struct.pack("!BxHI", nexthdr, off | (1 if more else 0), ident)
    first = IPPROTO_FRAGMENT
    if unfrag:
        frag = dstopts(IPPROTO_FRAGMENT) + frag
        first = IPPROTO_DSTOPTS
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(frag) + len(body),
                      first, 64,
                      socket.inet_pton(socket.AF_INET6, src),
                      socket.inet_pton(socket.AF_INET6, dst))
    return hdr + frag + body


def fragments(a, payload, ident):
    """The two IP packets of PAYLOAD's datagram, first fragment first."""
    dg = udp_datagram(a.src, a.dst, a.sport, a.port, payload)
    if ":" not in a.dst:
        return [ipv4_fragment(a.src, a.dst, ident, 0, True, dg[:8]),
                ipv4_fragment(a.src, a.dst, ident, 8, False, dg[8:])]
    nexthdr = IPPROTO_UDP
    if a.dstopts == "after":
        dg = dstopts(IPPROTO_UDP) + dg
        nexthdr = IPPROTO_DSTOPTS
    split = len(dg) - len(payload)	# right after the UDP header
    unfrag = a.dstopts == "before"
    return [ipv6_fragment(a.src, a.dst, ident, 0, True, nexthdr, dg[:split],
                          unfrag),
            ipv6_fragment(a.src, a.dst, ident, split, False, nexthdr,
                          dg[split:], unfrag)]


def send(a):
    v6 = ":" in a.dst
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.dev, 0))
    eth = (bytes.fromhex(a.dmac.replace(":", "")) + s.getsockname()[4] +
           struct.pack("!H", ETH_P_IPV6 if v6 else ETH_P_IP))
    mask = 0xFFFFFFFF if v6 else 0xFFFF
    base = a.id if a.id is not None else zlib.crc32(a.tag.encode())
    m = sipudp.args(["send", "--src", a.src, "--dst", a.dst, "--port",
                     str(a.port), "--sport", str(a.sport), "--tag", a.tag])
    for i in range(a.count):
        frames = [eth + p for p in
                  fragments(a, sipudp.message(m, i), (base + i) & mask)]
        if a.reverse:
            frames.reverse()
        for f in frames:
            s.send(f.ljust(ETH_ZLEN, b"\0"))


def main():
    p = argparse.ArgumentParser(
        description="SIP messages in two IP fragments, the first of which "
                    "ends with the UDP header")
    p.add_argument("--dev", required=True, help="interface to send on")
    p.add_argument("--dmac", required=True, help="destination MAC")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, default=5060)
    p.add_argument("--sport", type=int, default=5060)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--tag", default="t")
    p.add_argument("--id", type=int, help="fragment id of the first message")
    p.add_argument("--dstopts", choices=("after", "before"),
                   help="IPv6: Destination Options after the fragment "
                        "header (in the fragmentable part) or before it")
    p.add_argument("--reverse", action="store_true",
                   help="send the later fragment first")
    a = p.parse_args()
    if a.dstopts and ":" not in a.dst:
        p.error("--dstopts is for IPv6")
    send(a)


if __name__ == "__main__":
    main()
