#!/usr/bin/env python3
# Registrars that challenge: answer every SIP request that reaches one of
# the ADDR:PORT given (UDP; ADDR alone means port 5060) with 401
# Unauthorized, to where it came from.  tests/test_flows_e2e.sh runs it on the internet side for the
# sprayer's aimed destinations: their flows become answered, not
# registered.  Runs until killed.
import select
import socket
import sys

socks = []
for a in sys.argv[1:]:
    addr, _, port = a.partition(":")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port or 5060)))
    socks.append(s)
print("listening", flush=True)
keep = ("via:", "from:", "to:", "call-id:", "cseq:")
while True:
    for s in select.select(socks, [], [])[0]:
        data, peer = s.recvfrom(4096)
        lines = data.decode("latin-1").split("\r\n")
        if not lines or lines[0].startswith("SIP/2.0"):
            continue
        hdrs = [l for l in lines[1:] if l.lower().startswith(keep)]
        hdrs = [h + ";tag=challenge" if h.lower().startswith("to:") else h for h in hdrs]
        msg = ["SIP/2.0 401 Unauthorized"] + hdrs + [
            'WWW-Authenticate: Digest realm="%s", nonce="4f2c1e"' % s.getsockname()[0],
            "Content-Length: 0", "", ""]
        s.sendto("\r\n".join(msg).encode("latin-1"), peer)
