#!/usr/bin/env python3
"""Several batches of tests/e2e/sipudp.py's numbered SIP messages from one
process, for tests/test_links.sh (a python start costs about a second in
an emulated VM; a test sends from up to six sources at a time).

  sipbatch.py [--port P] SRC,DST,TAG,COUNT[,METHOD] ...

Each batch is COUNT messages (INVITE unless METHOD is given) from SRC,
UDP port 5060, to DST:P (5060), with Call-IDs "TAG-0" ... "TAG-<COUNT-1>",
exactly as `sipudp.py send --src SRC --dst DST --tag TAG --count COUNT`
sends them.
"""
import argparse
import os
import sys

# no __pycache__ left in the tree
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
import sipudp  # noqa: E402


def batch(spec, port):
    f = spec.split(",")
    if len(f) not in (4, 5):
        raise SystemExit("sipbatch.py: bad batch %r: want SRC,DST,TAG,COUNT[,METHOD]" % spec)
    # sipudp's own parser: its defaults for every option not given here
    return sipudp.args(["send", "--src", f[0], "--dst", f[1], "--tag", f[2],
                        "--count", f[3], "--port", str(port),
                        "--method", f[4] if len(f) == 5 else "INVITE"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=5060)
    p.add_argument("batch", nargs="+")
    a = p.parse_args()
    for b in [batch(s, a.port) for s in a.batch]:
        sipudp.send(b)


if __name__ == "__main__":
    main()
