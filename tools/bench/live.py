#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Live path benchmark: one stream of frames, several filters, same run.

Two network namespaces joined by a veth pair: the generator's side (vgen)
and the receiver's (vrx).  build/bench/xdpgen injects frames into vgen with
BPF_PROG_RUN in live-frames mode; they arrive on vrx, where the contender
under test decides.  Contenders, one at a time, in a rotated order every
round:

  xdp-drop    bare XDP_DROP on vrx: the limit of the path
  sipguard    the product itself: `sipguard attach vrx --mode native
              --config FILE` (XDP filter and TC learner, pins under a
              private SIPGUARD_PIN_PATH), the learned flows put in with
              `sipguard flows restore FILE`, counters from `sipguard stats
              --json`; 1 allowlist prefix and 256 flows
  xdp-filter  Debian's xdp-filter dropping UDP to port 5060 (-f udp)
  iptables    raw table: u32 INVITE match at the UDP payload, ipset
              allowlist, conntrack state for the established part
  nftables    netdev ingress: raw payload match @ih, a set for the
              allowlist, a concatenated set for the established flows
  sipguard-10k, sipguard-100k  the same with 10 000 and 100 000
              prefixes and flows: what large tables cost on this path

The netfilter contenders hold the small tables (1 prefix, 256 flows) in
their own form.

For the netfilter contenders vrx carries a bare XDP_PASS program, without
which redirected frames are not received.  After every run the receiver's
own counters (sipguard's, xdp-filter's, the rule counters, the veth's XDP
counters) are checked against what the generator sent, frame kind by frame
kind.  All addresses come from the documentation ranges.

Writes JSON (--out).  Namespaces, programs and rules are removed on exit,
also on errors and on SIGINT/SIGTERM.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")
PID = os.getpid()
NS_GEN = f"sgb{PID}g"
NS_RX = f"sgb{PID}r"
PIN_PATH = f"/sys/fs/bpf/sgb{PID}"
MAC_GEN = "02:00:00:00:00:01"
MAC_RX = "02:00:00:00:00:02"
RX_ADDR = "192.0.2.1"
GEN_ADDR = "192.0.2.2"

# ---- the address plan (documentation ranges only) -------------------------
# allowlist: 203.0.113.0/24 (the allowlisted sources), then host entries at
# the even addresses of 198.19.0.0/16 and of 198.18.0.0/16, then IPv6 /64s
# under 2001:db8::/32; orphans come from the odd addresses of 198.19.0.0/18,
# between the allowlisted ones.  Established flows: 198.51.100.0/24 ->
# local port 5060 (remote port 5060), and fillers from 198.18.0.0/16 to
# local ports 10000 and up (never a flow of a source in a stream).
ALLOW_N = 1
FLOWS_N = 256
SIZES = {"": None, "10k": 10000, "100k": 100000}


def ip4(n):
    return "%d.%d.%d.%d" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def ip4n(s):
    a = [int(x) for x in s.split(".")]
    return a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]


BASE19 = ip4n("198.19.0.0")
BASE18 = ip4n("198.18.0.0")
EST_NET = ip4n("198.51.100.0")


def allow_entries(n=None):
    n = ALLOW_N if n is None else n
    e = ["203.0.113.0/24"]
    v4 = min(n - 1, 65536)
    e += [ip4(BASE19 + 2 * j) + "/32" for j in range(min(v4, 32768))]
    e += [ip4(BASE18 + 2 * j) + "/32" for j in range(v4 - min(v4, 32768))]
    e += ["2001:db8:%x:%x::/64" % (j >> 16, j & 0xffff) for j in range(n - 1 - v4)]
    return e


def flow_entries(n=None):
    """(remote address, remote port, local port) of each learned flow."""
    n = FLOWS_N if n is None else n
    f = [(ip4(EST_NET + i), 5060, 5060) for i in range(min(n, 256))]
    f += [(ip4(BASE18 + i % 65536), 5060, 10000 + i // 65536) for i in range(n - 256)]
    return f


def write_config(path, n_allow):
    """The allowlist as `sipguard attach --config` takes it."""
    with open(path, "w") as f:
        f.write("[settings]\nflow-timeout = 3600\n[allow]\n")
        if n_allow > 16384:
            f.write(f"max-entries = {n_allow}\n")
        f.write("".join(f"prefix = {e.replace('/32', '')}\n" for e in allow_entries(n_allow)))


def write_flows(path, n_flows):
    """Learned flows as `sipguard flows save` writes them, for restore."""
    fl = flow_entries(n_flows)
    with open(path, "w") as f:
        f.write(f"sipguard-flows 1\nsaved {int(time.time())}\n")
        f.write("".join(f"flow {a} {rp} {lp} 3600 3600 0\n" for a, rp, lp in fl))
        f.write(f"end {len(fl)}\n")


# Frame kinds: source pool, ports, first payload bytes.
KINDS = {
    "orphan":   dict(base=ip4(BASE19 + 1), count=8192, stride=2, sport=5060, dport=5060, pay="invite"),
    "allow":    dict(base="203.0.113.0", count=256, stride=1, sport=5060, dport=5060, pay="invite"),
    "est":      dict(base=ip4(EST_NET), count=256, stride=1, sport=5060, dport=5060, pay="invite"),
    "rtp":      dict(base=ip4(BASE19 + 1), count=8192, stride=2, sport=40000, dport=20000, pay="rtp"),
    "response": dict(base=ip4(BASE19 + 1), count=8192, stride=2, sport=5060, dport=5060, pay="response"),
    "junk":     dict(base=ip4(BASE19 + 1), count=8192, stride=2, sport=40000, dport=5060, pay="junk"),
}

STREAMS = {
    "orphan": dict(desc="orphan INVITEs from 8192 sources (348-byte frames)",
                   template="invite", kinds=["orphan"], seq=[0]),
    "mix": dict(desc="8/16 orphan INVITEs, 2/16 allowlisted INVITEs, 2/16 INVITEs on "
                     "established flows, 3/16 RTP, 1/16 SIP responses (348-byte frames)",
                template="invite", kinds=["orphan", "allow", "est", "rtp", "response"],
                seq=[0, 1, 0, 2, 0, 3, 0, 4, 0, 3, 0, 1, 0, 2, 0, 3]),
    "junk": dict(desc="small non-SIP UDP junk to port 5060 from 8192 sources (60-byte frames)",
                 template="small", kinds=["junk"], seq=[0]),
}

# What each contender must do with each kind: (counter key, verdict).
SG_REASON = {"orphan": "orphan_invite/drop", "allow": "allowlisted/pass",
             "est": "established/pass", "rtp": "not_sip/pass",
             "response": "sip_response/pass", "junk": "not_sip/pass"}


def expect_drop(contender, kind):
    if contender == "xdp-drop":
        return True
    if contender == "xdp-filter":
        return KINDS[kind]["dport"] == 5060
    return kind == "orphan"


# ---- helpers ----------------------------------------------------------------
def log(*a):
    print("live:", *a, file=sys.stderr, flush=True)


def sh(cmd, check=True, input=None, ns=None):
    if ns:
        cmd = ["nsenter", f"--net=/run/netns/{ns}"] + cmd
    r = subprocess.run(cmd, input=input, capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def rx(cmd, **kw):
    return sh(cmd, ns=NS_RX, **kw)


def ethtool_xdp(dev="vrx"):
    out = rx(["ethtool", "-S", dev])
    c = {"xdp_packets": 0, "xdp_drops": 0}
    for line in out.splitlines():
        m = re.match(r"\s*rx_queue_\d+_(xdp_packets|xdp_drops):\s*(\d+)", line)
        if m:
            c[m.group(1)] += int(m.group(2))
    return c


# ---- set-up and tear-down ---------------------------------------------------
class Env:
    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []
        self.xdp_filter_loaded = False
        self.cli_attached = False

    def setup(self):
        for ns in (NS_GEN, NS_RX):
            sh(["ip", "netns", "add", ns])
            sh(["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1"], ns=ns)
        sh(["ip", "-n", NS_GEN, "link", "add", "vgen", "type", "veth", "peer",
            "name", "vrx", "netns", NS_RX])
        sh(["ip", "-n", NS_GEN, "link", "set", "vgen", "address", MAC_GEN, "up"])
        sh(["ip", "-n", NS_RX, "link", "set", "vrx", "address", MAC_RX, "up"])
        sh(["ip", "-n", NS_GEN, "addr", "add", GEN_ADDR + "/24", "dev", "vgen"])
        sh(["ip", "-n", NS_RX, "addr", "add", RX_ADDR + "/24", "dev", "vrx"])
        sh(["ip", "-n", NS_RX, "link", "set", "lo", "up"])
        sh(["ip", "-n", NS_RX, "route", "add", "default", "via", GEN_ADDR])
        rx(["sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf.default.rp_filter=0", "net.ipv4.conf.vrx.rp_filter=0"])
        for suffix, n in SIZES.items():
            write_config(os.path.join(self.workdir, f"sipguard{suffix}.conf"), n or ALLOW_N)
            write_flows(os.path.join(self.workdir, f"flows{suffix}.state"), n or FLOWS_N)

    def cleanup(self):
        for p in self.procs:
            try:
                p.stdin.close()
                p.wait(timeout=5)
            except Exception:
                p.kill()
        self.procs = []
        if self.xdp_filter_loaded:
            rx(["xdp-filter", "unload", "vrx"], check=False)
            self.xdp_filter_loaded = False
        if self.cli_attached:
            rx([SG_CLI, "detach", "vrx"], check=False)
            self.cli_attached = False
        if os.path.isdir(PIN_PATH):
            subprocess.run(["rm", "-rf", PIN_PATH])
        for ns in (NS_GEN, NS_RX):
            sh(["ip", "netns", "pids", ns], check=False)
            pids = sh(["ip", "netns", "pids", ns], check=False).split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
            sh(["ip", "netns", "del", ns], check=False)

    # -- receiver programs
    def sgrx(self, prog, extra=()):
        p = subprocess.Popen([os.path.join(BUILD, "bench", "sgrx"), "--netns", NS_RX,
                              "--dev", "vrx", "--prog", prog, *extra],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        if not line or not json.loads(line).get("ready"):
            raise RuntimeError(f"sgrx {prog}: did not attach")
        self.procs.append(p)
        return p

    def sgrx_stop(self, p):
        p.stdin.write("quit\n")
        p.stdin.flush()
        p.wait(timeout=10)
        self.procs.remove(p)


# ---- contenders ---------------------------------------------------------------
class XdpDrop:
    name = "xdp-drop"

    def __init__(self, env):
        self.env = env

    def start(self):
        self.p = self.env.sgrx("drop")

    def counters(self):
        return {"veth": ethtool_xdp()}

    def verify(self, before, after, sent):
        d = after["veth"]["xdp_drops"] - before["veth"]["xdp_drops"]
        frames = sum(sent.values())
        # a stray ARP or ICMP frame from the generator's stack may come too
        return frames <= d < frames + 16, {"xdp_drops": d, "expected": frames}

    def stop(self):
        self.env.sgrx_stop(self.p)


SG_CLI = os.path.join(BUILD, "sipguard")


class Sipguard(XdpDrop):
    """The product, attached and filled by its own verbs."""
    name = "sipguard"
    suffix = ""

    def start(self):
        w = self.env.workdir
        self.env.cli_attached = True
        rx([SG_CLI, "attach", "vrx", "--mode", "native", "--config",
            os.path.join(w, f"sipguard{self.suffix}.conf")])
        rx([SG_CLI, "flows", "restore", os.path.join(w, f"flows{self.suffix}.state")])

    def counters(self):
        js = json.loads(rx([SG_CLI, "stats", "vrx", "--json"]))
        c = {}
        for i in js["interfaces"]:
            for e in i["counters"]:
                if e["packets"]:
                    k = f"{e['reason']}/{e['verdict']}"
                    c[k] = c.get(k, 0) + e["packets"]
        return {"sg": c}

    def stop(self):
        rx([SG_CLI, "detach", "vrx"])
        self.env.cli_attached = False

    def verify(self, before, after, sent):
        exp = {}
        for kind, n in sent.items():
            exp[SG_REASON[kind]] = exp.get(SG_REASON[kind], 0) + n
        got = {}
        for k, v in after["sg"].items():
            d = v - before["sg"].get(k, 0)
            if d:
                got[k] = d
        ok = all(got.get(k, 0) == v for k, v in exp.items())
        extra = {k: v for k, v in got.items() if k not in exp}
        # nothing but a stray non-IP/non-UDP frame may show up besides
        ok = ok and all(k.startswith(("non_ip", "non_udp")) and v < 16
                        for k, v in extra.items())
        return ok, {"got": got, "expected": exp}


class XdpFilter(XdpDrop):
    name = "xdp-filter"

    def start(self):
        rx(["xdp-filter", "load", "vrx", "-m", "native", "-f", "udp"])
        self.env.xdp_filter_loaded = True
        rx(["xdp-filter", "port", "5060", "-p", "udp", "-m", "dst"])

    def counters(self):
        out = rx(["xdp-filter", "status"], check=False)
        c = {}
        for act in ("XDP_DROP", "XDP_PASS"):
            m = re.search(act + r"\s+(\d+) pkts", out)
            c[act] = int(m.group(1)) if m else -1
        return {"xf": c, "veth": ethtool_xdp()}

    def verify(self, before, after, sent):
        drop = after["xf"]["XDP_DROP"] - before["xf"]["XDP_DROP"]
        pas = after["xf"]["XDP_PASS"] - before["xf"]["XDP_PASS"]
        ed = sum(n for k, n in sent.items() if expect_drop(self.name, k))
        ep = sum(sent.values()) - ed
        return drop == ed and ep <= pas < ep + 16, \
            {"drop": drop, "pass": pas, "expected_drop": ed, "expected_pass": ep}

    def stop(self):
        rx(["xdp-filter", "unload", "vrx"])
        self.env.xdp_filter_loaded = False


INVITE_U32 = "0>>22&0x3C@8=0x494E5649&&0>>22&0x3C@12>>8=0x544520"


class Iptables(XdpDrop):
    name = "iptables"

    def start(self):
        self.p = self.env.sgrx("pass")
        lines = ["create sgb_allow hash:net family inet"]
        lines += [f"add sgb_allow {e}" for e in allow_entries()]
        rx(["ipset", "restore"], input="\n".join(lines) + "\n")
        rules = f"""*raw
:PREROUTING ACCEPT [0:0]
:SGB_INVITE - [0:0]
:SGB_ALLOWED - [0:0]
-A PREROUTING -i vrx -p udp -m u32 --u32 "{INVITE_U32}" -j SGB_INVITE
-A PREROUTING -i vrx -j CT --notrack
-A SGB_INVITE -m set --match-set sgb_allow src -j SGB_ALLOWED
-A SGB_INVITE -j MARK --set-xmark 0x5060/0xffffffff
-A SGB_INVITE -j ACCEPT
-A SGB_ALLOWED -j CT --notrack
-A SGB_ALLOWED -j ACCEPT
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m mark --mark 0x5060 -m conntrack --ctstate ESTABLISHED -j ACCEPT
-A PREROUTING -m mark --mark 0x5060 -j DROP
COMMIT
"""
        rx(["iptables-restore"], input=rules)
        rx(["sysctl", "-qw", "net.netfilter.nf_conntrack_udp_timeout=3600",
            "net.netfilter.nf_conntrack_udp_timeout_stream=3600"])
        # The LAN side opens the established flows: one datagram each from
        # 192.0.2.1:5060, which conntrack records.
        dests = "\n".join(a for a, _, _ in flow_entries())
        rx(["python3", "-c", f"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("{RX_ADDR}", 5060))
for a in sys.stdin.read().split():
    s.sendto(b"OPTIONS sip:x SIP/2.0\\r\\n\\r\\n", (a, 5060))
s.close()
"""], input=dests)
        n = int(rx(["cat", "/proc/sys/net/netfilter/nf_conntrack_count"]).strip())
        if n < len(flow_entries()):
            raise RuntimeError(f"iptables: {n} conntrack entries, wanted {FLOWS_N}")

    def counters(self):
        out = rx(["iptables-save", "-c"])
        c = {}
        for line in out.splitlines():
            m = re.match(r"\[(\d+):\d+\] (-A .*)", line)
            if not m:
                continue
            rule = m.group(2)
            if "--notrack" in rule and "PREROUTING" in rule:
                c["notrack"] = int(m.group(1))
            elif "SGB_INVITE -m set" in rule:
                c["allowed"] = int(m.group(1))
            elif "ESTABLISHED" in rule:
                c["established"] = int(m.group(1))
            elif rule.endswith("-j DROP"):
                c["drop"] = int(m.group(1))
            elif "-j SGB_INVITE" in rule:
                c["invite"] = int(m.group(1))
        return {"ipt": c}

    def verify(self, before, after, sent):
        d = {k: after["ipt"][k] - before["ipt"].get(k, 0) for k in after["ipt"]}
        exp = {"drop": sent.get("orphan", 0), "allowed": sent.get("allow", 0),
               "established": sent.get("est", 0),
               "invite": sum(sent.get(k, 0) for k in ("orphan", "allow", "est"))}
        ok = all(d.get(k, -1) == v for k, v in exp.items())
        other = sum(sent.values()) - exp["invite"]
        ok = ok and other <= d.get("notrack", 0) < other + 16
        return ok, {"got": d, "expected": exp}

    def stop(self):
        rx(["iptables-restore"], input="*raw\nCOMMIT\n*mangle\nCOMMIT\n")
        rx(["iptables", "-t", "raw", "-X"], check=False)
        rx(["ipset", "destroy", "sgb_allow"], check=False)
        self.env.sgrx_stop(self.p)


class Nftables(XdpDrop):
    name = "nftables"

    def start(self):
        self.p = self.env.sgrx("pass")
        allow = ", ".join(allow_entries())
        flows = ", ".join(f"{a} . {lp}" for a, _, lp in flow_entries())
        rules = f"""table netdev sgb {{
  set allow4 {{ type ipv4_addr; flags interval; elements = {{ {allow} }} }}
  set flows4 {{ type ipv4_addr . inet_service; elements = {{ {flows} }} }}
  chain in {{
    type filter hook ingress device "vrx" priority -500; policy accept;
    meta l4proto udp @ih,0,56 0x494e5649544520 counter jump invite
  }}
  chain invite {{
    ip saddr @allow4 counter accept
    ip saddr . udp dport @flows4 counter accept
    counter drop
  }}
}}
"""
        rx(["nft", "-f", "-"], input=rules)

    def counters(self):
        out = rx(["nft", "list", "table", "netdev", "sgb"])
        c = {}
        for line in out.splitlines():
            m = re.search(r"counter packets (\d+)", line)
            if not m:
                continue
            n = int(m.group(1))
            if "jump invite" in line:
                c["invite"] = n
            elif "@allow4" in line:
                c["allowed"] = n
            elif "@flows4" in line:
                c["established"] = n
            elif "drop" in line:
                c["drop"] = n
        return {"nft": c, "veth": ethtool_xdp()}

    def verify(self, before, after, sent):
        d = {k: after["nft"][k] - before["nft"].get(k, 0) for k in after["nft"]}
        exp = {"drop": sent.get("orphan", 0), "allowed": sent.get("allow", 0),
               "established": sent.get("est", 0),
               "invite": sum(sent.get(k, 0) for k in ("orphan", "allow", "est"))}
        ok = all(d.get(k, -1) == v for k, v in exp.items())
        return ok, {"got": d, "expected": exp}

    def stop(self):
        rx(["nft", "delete", "table", "netdev", "sgb"])
        self.env.sgrx_stop(self.p)


class SipguardBig(Sipguard):
    name = "sipguard-10k"
    suffix = "10k"


class SipguardHuge(Sipguard):
    name = "sipguard-100k"
    suffix = "100k"


CONTENDERS = [XdpDrop, Sipguard, XdpFilter, Iptables, Nftables, SipguardBig, SipguardHuge]


# ---- the generator ------------------------------------------------------------
def xdpgen(stream, seconds, cpu):
    s = STREAMS[stream]
    cmd = [os.path.join(BUILD, "bench", "xdpgen"), "--netns", NS_GEN, "--dev", "vgen",
           "--cpu", str(cpu), "--seconds", str(seconds), "--template", s["template"],
           "--dmac", MAC_RX, "--smac", MAC_GEN, "--daddr", RX_ADDR,
           "--seq", ",".join(map(str, s["seq"]))]
    for k in s["kinds"]:
        kd = KINDS[k]
        cmd += ["--var", ",".join(f"{f}={kd[f]}" for f in
                                  ("base", "count", "stride", "sport", "dport", "pay"))]
    r = json.loads(sh(cmd))
    r["sent_by_kind"] = dict(zip(s["kinds"], r["sent"]))
    return r


def main():
    global ALLOW_N, FLOWS_N
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--warmup", type=float, default=0.2)
    ap.add_argument("--cpu", type=int, default=os.cpu_count() - 1)
    ap.add_argument("--streams", default="orphan,mix,junk")
    ap.add_argument("--contenders", default=",".join(c.name for c in CONTENDERS))
    ap.add_argument("--workdir", default=os.path.join(BUILD, "bench"))
    ap.add_argument("--allow-entries", type=int, default=ALLOW_N)
    ap.add_argument("--flow-entries", type=int, default=FLOWS_N)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    ALLOW_N, FLOWS_N = max(1, a.allow_entries), max(256, a.flow_entries)

    if os.geteuid() != 0:
        sys.exit("live: needs root (network namespaces, XDP, netfilter)")
    os.environ["SIPGUARD_PIN_PATH"] = PIN_PATH
    env = Env(a.workdir)
    os.makedirs(a.workdir, exist_ok=True)

    def on_signal(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)

    wanted = a.contenders.split(",")
    classes = [c for c in CONTENDERS if c.name in wanted]
    skipped = {}
    if XdpFilter in classes and os.path.exists("/sys/fs/bpf/xdp-filter"):
        # xdp-filter keeps its maps pinned there: someone uses it already,
        # and loading ours would change their filter.
        classes.remove(XdpFilter)
        skipped["xdp-filter"] = "/sys/fs/bpf/xdp-filter exists (xdp-filter in use on this host)"
    streams = a.streams.split(",")
    results = []
    errors = []
    t_start = time.time()
    try:
        env.setup()
        for rnd in range(a.rounds):
            k = rnd % len(classes)
            order = classes[k:] + classes[:k]
            for cls in order:
                c = cls(env)
                try:
                    c.start()
                except Exception as e:      # report it, go on with the others
                    errors.append(dict(round=rnd, contender=c.name, error=str(e)))
                    log(f"round {rnd} {c.name}: set-up failed: {e}")
                    try:
                        c.stop()
                    except Exception:
                        pass
                    continue
                try:
                    for st in streams:
                        if a.warmup > 0:
                            xdpgen(st, a.warmup, a.cpu)
                        before = c.counters()
                        g = xdpgen(st, a.seconds, a.cpu)
                        after = c.counters()
                        ok, detail = c.verify(before, after, g["sent_by_kind"])
                        rec = dict(round=rnd, contender=c.name, stream=st, verified=ok,
                                   check=detail, **{k2: g[k2] for k2 in (
                                       "frames", "frame_bytes", "calls", "kernel_ns",
                                       "wall_ns", "sirq_ns", "sirq_count", "stat_ticks",
                                       "hz", "cpu", "sent_by_kind")})
                        results.append(rec)
                        log(f"round {rnd} {c.name:12s} {st:7s} "
                            f"{g['frames'] / g['kernel_ns'] * 1e3:6.2f} Mpps  "
                            f"rx {g['sirq_ns'] / g['frames']:7.1f} ns/frame  "
                            f"{'verified' if ok else 'COUNTERS DISAGREE: ' + json.dumps(detail)}")
                except Exception as e:
                    errors.append(dict(round=rnd, contender=c.name, error=str(e)))
                    log(f"round {rnd} {c.name}: {e}")
                finally:
                    try:
                        c.stop()
                    except Exception as e:
                        errors.append(dict(round=rnd, contender=c.name, error="stop: " + str(e)))
    except KeyboardInterrupt:
        log("interrupted")
        env.cleanup()
        sys.exit(130)
    finally:
        env.cleanup()
    out = dict(streams={s: STREAMS[s] for s in streams},
               kinds=KINDS, allow_entries=ALLOW_N, flow_entries=FLOWS_N,
               sizes={f"sipguard{'-' + k if k else ''}": v for k, v in SIZES.items() if v},
               rounds=a.rounds, seconds=a.seconds, cpu=a.cpu, skipped=skipped,
               contenders=[c.name for c in classes], results=results, errors=errors,
               elapsed_s=round(time.time() - t_start, 1))
    js = json.dumps(out, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(js + "\n")
    else:
        print(js)


if __name__ == "__main__":
    main()
