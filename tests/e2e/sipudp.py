#!/usr/bin/env python3
"""UDP SIP traffic for the end-to-end tests: a listener that logs what
arrives, and a sender of numbered SIP messages.

  sipudp.py listen --bind ADDR --port P --out FILE
      one line per datagram: "<src addr> <src port> <first line>"; runs
      until killed (SIGTERM flushes and exits).
  sipudp.py send --src ADDR --dst ADDR --port P [--sport P] [--count N]
                 [--rate PPS] [--method INVITE] [--ua UA] [--tag T] [--pad N]
                 [--user USER] [--until FILE] [--before S] [--after S]
      sends N messages, each with a unique Call-ID "<tag>-<i>", so a
      listener log shows exactly which ones arrived.  With --until, goes
      on past N until FILE exists, and prints the number sent: a stream
      that lasts as long as what the test does meanwhile, however slow.
      --before S puts the bytes S (Python escapes: '\\r\\n ', '\\x0b') before
      the method, --after S puts them instead of the SP after it.
"""
import argparse
import codecs
import os
import signal
import socket
import sys
import time


# Linux's SO_RCVBUFFORCE (the socket module does not name it).
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
RCVBUF = 32 << 20


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def listen(a):
    s = socket.socket(family(a.bind), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # A stream of a few thousand datagrams must wait in the socket, not be
    # dropped by it, while this process is not scheduled (a slow or
    # emulated machine that is busy loading BPF programs): ask for room
    # beyond net.core.rmem_max (SO_RCVBUFFORCE, root), else for what the
    # limit allows.
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
    s.bind((a.bind, a.port))
    out = open(a.out, "a", buffering=1)

    def stop(*_):
        out.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        data, peer = s.recvfrom(65535)
        first = data.split(b"\r\n", 1)[0].decode("latin-1", "replace")
        callid = ""
        for line in data.split(b"\r\n"):
            low = line.lower()
            if low.startswith(b"call-id:") or low.startswith(b"i:"):
                callid = line.split(b":", 1)[1].strip().decode("latin-1")
                break
        out.write("%s %d %s %s\n" % (peer[0], peer[1], callid, first))


def message(a, i):
    host = "[%s]" % a.dst if ":" in a.dst else a.dst
    src = "[%s]" % a.src if ":" in a.src else a.src
    # --display N: a quoted display name of N bytes in From and To;
    # --fold-to-tag: the To tag on a continuation line (RFC 3261 7.3.1)
    name = '"%s" ' % ("d" * a.display) if a.display else ""
    to_tail = "\r\n ;tag=%s-%d" % (a.tag, i) if a.fold_to_tag else ""
    return (
        "%s%s%ssip:%s@%s SIP/2.0\r\n"
        "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s-%d\r\n"
        "Max-Forwards: 70\r\n"
        "From: %s<sip:%s@%s>;tag=%d\r\n"
        "To: %s<sip:100@%s>%s\r\n"
        "Call-ID: %s-%d\r\n"
        "CSeq: 1 %s\r\n"
        "User-Agent: %s\r\n"
        "%s"
        "Content-Length: 0\r\n\r\n"
        % (a.before, a.method, a.after, a.user, host, src, a.sport, a.tag, i, name, a.tag, src, i,
           name, host, to_tail,
           a.tag, i, a.method, a.ua,
           "X-Pad: %s\r\n" % ("a" * a.pad) if a.pad else "")
    ).encode("latin-1")


def send(a):
    s = socket.socket(family(a.dst), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.src, a.sport))
    gap = 1.0 / a.rate if a.rate > 0 else 0
    start = time.monotonic()
    i = 0
    while i < a.count or (a.until and not os.path.exists(a.until)):
        s.sendto(message(a, i), (a.dst, a.port))
        i += 1
        if gap:
            due = start + i * gap
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
    if a.until:
        print(i)


def parser():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("listen")
    l.add_argument("--bind", required=True)
    l.add_argument("--port", type=int, required=True)
    l.add_argument("--out", required=True)
    s = sub.add_parser("send")
    s.add_argument("--src", required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--sport", type=int, default=5060)
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--rate", type=float, default=0)
    s.add_argument("--method", default="INVITE")
    s.add_argument("--ua", default="sipguard-test")
    s.add_argument("--tag", default="t")
    s.add_argument("--user", default="100", help="the Request-URI user")
    s.add_argument("--display", type=int, default=0,
                   help="a display name of this many bytes in From and To")
    s.add_argument("--fold-to-tag", action="store_true",
                   help="a To tag on a folded continuation line")
    s.add_argument("--pad", type=int, default=0,
                   help="add a header of this many bytes (forces IP fragments)")
    s.add_argument("--until", metavar="FILE",
                   help="after the COUNT messages, go on until FILE exists; "
                        "then print how many were sent")
    s.add_argument("--before", default="",
                   help="bytes before the method (Python escapes)")
    s.add_argument("--after", default=" ",
                   help="bytes instead of the SP after the method")
    return p


def args(argv=None):
    """The command line (or ARGV) parsed, escapes decoded: what send() and
    listen() take.  tests/links/sipbatch.py builds its batches with it."""
    a = parser().parse_args(argv)
    if a.cmd == "send":
        a.before = codecs.decode(a.before, "unicode_escape")
        a.after = codecs.decode(a.after, "unicode_escape")
    return a


def main():
    a = args()
    listen(a) if a.cmd == "listen" else send(a)


if __name__ == "__main__":
    main()
