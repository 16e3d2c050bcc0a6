#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Turn the benchmark's raw results into build/bench/report.{md,json} and plots.

Inputs (in --dir): cost.json (tools/bench/cost.c), live.json (live.py),
profile.json (profile.py); any of them may be missing, the report says so.
Every figure is a median over rounds with its spread (min-max); ratios are
taken per round (sipguard and baseline of the same round) and then
summarised the same way.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess

MiB = 1048576.0


# ---- statistics -------------------------------------------------------------
def quantile(xs, q):
    s = sorted(xs)
    if not s:
        return None
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summ(xs, nd=2):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    r = lambda v: round(v, nd)
    return dict(median=r(quantile(xs, 0.5)), min=r(min(xs)), max=r(max(xs)),
                p25=r(quantile(xs, 0.25)), p75=r(quantile(xs, 0.75)),
                mean=r(sum(xs) / len(xs)), n=len(xs))


def fmt(s, unit="", nd=1):
    if not s:
        return "n/a"
    f = f"{{:.{nd}f}}"
    return f"{f.format(s['median'])}{unit} [{f.format(s['min'])}–{f.format(s['max'])}]"


# ---- machine ----------------------------------------------------------------
def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return ""


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def machine():
    model = ""
    for line in read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", read("/proc/meminfo"))
    vulns = {}
    vd = "/sys/devices/system/cpu/vulnerabilities"
    for v in ("spectre_v2", "spec_rstack_overflow", "retbleed"):
        if os.path.exists(os.path.join(vd, v)):
            vulns[v] = read(os.path.join(vd, v))
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    commit = run(["git", "-C", top, "rev-parse", "--short", "HEAD"])
    dirty = run(["git", "-C", top, "status", "--porcelain", "--untracked-files=no"])
    return dict(
        cpu_model=model, cpus=os.cpu_count(), kernel=platform.release(),
        kernel_version=read("/proc/version"),
        memory_mib=int(mem.group(1)) // 1024 if mem else None,
        clocksource=read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
        virtualized=bool(re.search(r"\bhypervisor\b", read("/proc/cpuinfo"))),
        mitigations=vulns,
        git_commit=commit + ("+local changes" if dirty else ""),
        tools=dict(clang=run(["clang", "--version"]).split("\n")[0],
                   libbpf=run(["pkg-config", "--modversion", "libbpf"]),
                   bpftool=run(["bpftool", "version"]).split("\n")[0],
                   xdp_filter=run(["xdp-filter", "load", "--version"]).split("\n")[0],
                   iptables=run(["iptables", "--version"]),
                   nft=run(["nft", "--version"]),
                   perf=run(["perf", "--version"])),
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


# ---- per-packet cost ----------------------------------------------------------
def cost_summary(cost):
    tables = []
    for t in cost["sizes"]:
        rows = []
        l7_bytes = {}
        for r in t["results"]:
            if "layer7_bytes" in r:        # the SIP sizes of the layer-7 classes
                l7_bytes = r["layer7_bytes"]
                continue
            ratios = [a / b for a, b in zip(r["sg_ns"], r["bare_ns"]) if b]
            extra = [a - b for a, b in zip(r["sg_ns"], r["bare_ns"])]
            rows.append(dict(cls=r["class"], desc=r["desc"], issue5=r["issue5"],
                             verdict=r["verdict"], keys=r["keys"], rotation=r["rotation"],
                             sg_ns=summ(r["sg_ns"]), bare_ns=summ(r["bare_ns"]),
                             ratio=summ(ratios, 3), extra_ns=summ(extra),
                             raw_sg=r["sg_ns"]))
        maps = t["maps"]
        tables.append(dict(
            allow_size=t["allow_size"], flow_size=t["flow_size"],
            allow_entries=t["allow_entries"], allow_v4_entries=t["allow_v4_entries"],
            allow_v6_entries=t["allow_v6_entries"], flow_entries=t["flow_entries"],
            fill_s=t["fill_s"], rows=rows, l7_bytes=l7_bytes,
            memory=dict(
                maps={k: v["memlock"] for k, v in maps.items()},
                allow=dict(memlock=maps["sg_allow"]["memlock"],
                           max_entries=maps["sg_allow"]["max_entries"],
                           per_entry=round(maps["sg_allow"]["memlock"] / max(1, t["allow_entries"]), 1)),
                flows=dict(memlock=maps["sg_flows"]["memlock"],
                           max_entries=maps["sg_flows"]["max_entries"],
                           # a flow per slot: SG_FLOWS_MAX slots in the sets
                           per_entry=round(maps["sg_flows"]["memlock"] / cost["default_sizes"]["flows_max"], 1)),
                total=t["maps_total"])))
    d = cost["default_sizes"]
    ref = None
    if cost.get("reference"):
        rf = cost["reference"]
        ref = dict(name=rf["name"], other_verdict=rf.get("other_verdict", []), rows={})
        for r in rf["results"]:
            ratios = [a / b for a, b in zip(r["sg_ns"], r["bare_ns"]) if b]
            ref["rows"][r["class"]] = dict(desc=r["desc"], verdict=r["verdict"],
                                           ns=summ(r["sg_ns"]), bare_ns=summ(r["bare_ns"]),
                                           ratio=summ(ratios, 3))
    return dict(repeat=cost["repeat"], rounds=cost["rounds"], rot=cost["rot"], cpu=cost["cpu"],
                invite_bytes=cost["invite_bytes"], tables=tables, reference=ref,
                learn_new_flow=cost.get("learn_new_flow"),
                default_sizes=dict(allow_max=d["allow_max"], flows_max=d["flows_max"],
                                   ncpus_possible=d["ncpus_possible"],
                                   empty_total=d["empty"]["total"], full_total=d["full"]["total"],
                                   full_maps={k: v["memlock"] for k, v in d["full"]["maps"].items()},
                                   full_max_entries={k: v["max_entries"] for k, v in d["full"]["maps"].items()},
                                   limit=16 * MiB, fits=d["full"]["total"] <= 16 * MiB))


def find(tables, a, f, cls, keys):
    for t in tables:
        if t["allow_size"] == a and t["flow_size"] == f:
            for r in t["rows"]:
                if r["cls"] == cls and r["keys"] == keys:
                    return r
    return None


# ---- live path ----------------------------------------------------------------
def live_summary(live):
    by = {}
    for r in live["results"]:
        k = (r["stream"], r["contender"])
        e = by.setdefault(k, dict(pps=[], total_ns=[], rx_ns=[], tick_rx_ns=[],
                                  verified=[], frames=[]))
        e["pps"].append(r["frames"] / r["kernel_ns"] * 1e3)          # Mpps
        e["total_ns"].append(r["kernel_ns"] / r["frames"])
        e["rx_ns"].append(r["sirq_ns"] / r["frames"])
        e["tick_rx_ns"].append(r["stat_ticks"]["softirq"] * 1e9 / r["hz"] / r["frames"])
        e["verified"].append(r["verified"])
        e["frames"].append(r["frames"])
    out = {}
    for (st, c), e in by.items():
        out.setdefault(st, {})[c] = dict(
            mpps=summ(e["pps"], 3), ns_per_frame_total=summ(e["total_ns"], 1),
            rx_ns_per_frame=summ(e["rx_ns"], 1), rx_ns_per_frame_ticks=summ(e["tick_rx_ns"], 1),
            rounds=len(e["pps"]), all_verified=all(e["verified"]),
            frames_per_round=summ(e["frames"], 0))
    # ratios per round: sipguard against each other contender, same stream, same round
    rounds = {}
    for r in live["results"]:
        rounds.setdefault((r["stream"], r["round"]), {})[r["contender"]] = r["frames"] / r["kernel_ns"]
    ratios = {}
    for (st, rnd), cs in rounds.items():
        for sg in (c for c in cs if c.startswith("sipguard")):
            for c, v in cs.items():
                if not c.startswith("sipguard"):
                    ratios.setdefault(st, {}).setdefault(sg, {}).setdefault(c, []).append(cs[sg] / v)
    return dict(streams=live["streams"], contenders=live["contenders"], skipped=live.get("skipped", {}),
                errors=live.get("errors", []),
                rounds=live["rounds"], seconds=live["seconds"], cpu=live["cpu"],
                allow_entries=live["allow_entries"], flow_entries=live["flow_entries"],
                elapsed_s=live.get("elapsed_s"),
                results=out,
                sizes=live.get("sizes", {}),
                sipguard_vs={st: {sg: {c: summ(v, 3) for c, v in dc.items()} for sg, dc in d.items()}
                             for st, d in ratios.items()})


# ---- targets ------------------------------------------------------------------
def targets(cs, ls):
    t = []
    if cs:
        tabs = cs["tables"]
        # issue 13: per packet, small tables, hot keys, against the bare
        # program of the same verdict on the same frame, per round
        worst = None
        for r in (find(tabs, 1, 1, c, "hot") for c in ("udp_dns", "rtp")):
            if r and (not worst or r["ratio"]["median"] > worst["ratio"]["median"]):
                worst = r
        for r, tid, lim, txt in (
                (worst, "non_sip_cost", 1.15, "non-SIP UDP ≤ 1.15× a bare XDP_PASS"),
                (find(tabs, 1, 1, "invite_orphan", "hot"), "orphan_small", 2.0,
                 "orphan INVITE ≤ 2× a bare XDP_DROP"),
                (find(tabs, 1, 1, "invite_est", "hot"), "established_cost", 2.5,
                 "INVITE on an established flow ≤ 2.5× a bare XDP_PASS")):
            if r:
                rr = (cs.get("reference") or {}).get("rows", {}).get(r["cls"])
                t.append(dict(id=tid, target=txt + " (per packet, issue 13)", limit=lim,
                              measured=r["ratio"]["median"], spread=r["ratio"],
                              where=f"{r['cls']}, tables 1/1, hot: {r['sg_ns']['median']:.0f} ns "
                                    f"against {r['bare_ns']['median']:.0f} ns" + (
                                        f"; {cs['reference']['name']} on the same frame: "
                                        f"{rr['ratio']['median']:.2f}× ({rr['ns']['median']:.0f} ns)"
                                        if rr else ""),
                              met=r["ratio"]["median"] <= lim))
        for n in (10000, 100000):
            r = find(tabs, n, n, "invite_orphan", "hot")
            rc = find(tabs, n, n, "invite_orphan", "cold")
            if r:
                t.append(dict(id=f"orphan_{n}", target=f"orphan INVITE with {n:,} prefixes and flows "
                              "(reported beside the 2× of small tables)", limit=2.0,
                              measured=r["ratio"]["median"], spread=r["ratio"],
                              where=f"hot {r['sg_ns']['median']:.0f} ns" + (
                                  f"; cold keys {rc['ratio']['median']:.2f}× ({rc['sg_ns']['median']:.0f} ns)"
                                  if rc else ""),
                              met=r["ratio"]["median"] <= 2.0))
        # issue 6: the header scan, per byte of SIP, over the orphan INVITE
        for tab in tabs:
            if not tab.get("l7_bytes"):
                continue
            orphan = find(tabs, tab["allow_size"], tab["flow_size"], "invite_orphan", "hot")
            for cls, txt in (("invite_inspect", "an unknown INVITE scanned under inspect"),
                             ("options_1400", "a 1400-byte OPTIONS probe")):
                r = find(tabs, tab["allow_size"], tab["flow_size"], cls, "hot")
                n = tab["l7_bytes"].get(cls)
                if not (r and orphan and n):
                    continue
                per = [(a - b) / n for a, b in zip(r["raw_sg"], orphan["raw_sg"])]
                s = summ(per, 3)
                t.append(dict(id="l7_" + cls, target=f"{txt}: ≤ 0.5 ns per byte of SIP above the orphan INVITE (issue 6)",
                              limit=0.5, measured=s["median"], spread=s,
                              where=f"{n} bytes; {r['sg_ns']['median']:.0f} ns against the orphan's "
                                    f"{orphan['sg_ns']['median']:.0f} ns (tables {tab['allow_size']}/{tab['flow_size']})",
                              met=s["median"] <= 0.5))
        # issue 10, item 6: the header scan's ceiling, the worst crafted
        # message, at most 1.5 us on the machine where the orphan drop cost
        # about 0.1 us.  The ruler is the bare XDP program run beside each
        # class in the same rounds: the issue's machine ran it in 32 ns
        # (issue 13's table), so 1.5 us is 47 of it.  The orphan INVITE was
        # the issue's ruler, but issue 13 made it 1.5 times cheaper: a
        # ceiling tied to it would have tightened with every gain of the
        # drop path.  Its ratio is shown beside.
        for tab in tabs:
            if not tab.get("l7_bytes"):
                continue
            orphan = find(tabs, tab["allow_size"], tab["flow_size"], "invite_orphan", "hot")
            worst = [find(tabs, tab["allow_size"], tab["flow_size"], c, "hot")
                     for c in tab["l7_bytes"] if c != "invite_inspect"]
            worst = [r for r in worst if r]
            if not (orphan and worst):
                continue
            top = max(worst, key=lambda r: r["ratio"]["median"])
            s = top["ratio"]
            vs_orphan = summ([a / b for a, b in zip(top["raw_sg"], orphan["raw_sg"]) if b], 3)
            t.append(dict(id="l7_ceiling", target="the header scan's worst case ≤ 47× a bare XDP program "
                          "(1.5 µs where the bare program ran in 32 ns and the orphan drop in 0.1 µs; "
                          "issue 10, item 6)",
                          limit=47, measured=s["median"], spread=s,
                          where=f"worst: {top['cls']}, {top['sg_ns']['median']:.0f} ns against "
                                f"{top['bare_ns']['median']:.0f} ns bare; {vs_orphan['median']:.1f}× the orphan "
                                f"INVITE ({orphan['sg_ns']['median']:.0f} ns); all: " +
                                ", ".join(f"{r['cls']} {r['ratio']['median']:.1f}×" for r in worst),
                          met=s["median"] <= 47))
        ln = cs.get("learn_new_flow")
        if ln:
            t.append(dict(id="learn_full", target="a new flow into a full table ≤ 2× into an empty one (issue 11)",
                          limit=2.0, measured=ln["ratio"],
                          spread=dict(median=ln["ratio"], min=min(ln["full_ns_all"]) / max(ln["empty_ns_all"]),
                                      max=max(ln["full_ns_all"]) / min(ln["empty_ns_all"])),
                          where=f"{ln['full_ns']:.0f} ns with {ln['flows_when_full']:,} flows against "
                                f"{ln['empty_ns']:.0f} ns empty; median of {len(ln['full_ns_all'])} rounds of {ln['runs']} new flows",
                          met=ln["ratio"] <= 2.0))
        d = cs["default_sizes"]
        t.append(dict(id="memory", target="all maps at the default sizes ≤ 16 MB",
                      limit=16.0, measured=round(d["full_total"] / MiB, 2), spread=None,
                      where="every table full, MiB (memlock)", met=d["fits"]))
    if ls and "orphan" in ls["sipguard_vs"]:
        v = ls["sipguard_vs"]["orphan"]
        rows = [("sipguard", "xdp-drop", 0.90, "sipguard (1 prefix) ≥ 0.90 of the bare XDP_DROP rate"),
                ("sipguard-10k", "xdp-drop", 0.90,
                 "sipguard, 10 000 prefixes and flows, ≥ 0.90 of the bare XDP_DROP rate"),
                ("sipguard-100k", "xdp-drop", 0.85,
                 "sipguard, 100 000 prefixes and flows, ≥ 0.85 of the bare XDP_DROP rate"),
                ("sipguard", "xdp-filter", 1.0, "sipguard more packets per second than xdp-filter"),
                ("sipguard", "iptables", 4.0, "sipguard ≥ 4× the iptables rule set"),
                ("sipguard", "nftables", 3.0, "sipguard ≥ 3× the nftables rule set")]
        for sg, c, lim, txt in rows:
            r = v.get(sg, {}).get(c)
            if not r:
                continue
            ok = r["median"] > lim if c == "xdp-filter" else r["median"] >= lim
            t.append(dict(id=f"live_{sg}_{c}", target=txt + " (live, orphan stream; issue 13)",
                          limit=lim, measured=r["median"], spread=r,
                          where="pps ratio per round, the product's own attach; netfilter: "
                                f"{ls['allow_entries']} prefix, {ls['flow_entries']} flows",
                          met=ok))
    return t


# ---- plots --------------------------------------------------------------------
def plots(d, cs, ls):
    gp = shutil.which("gnuplot")
    made = []
    if not gp:
        return made, "gnuplot not found (Debian package gnuplot-nox)"
    if ls:
        contenders = ls["contenders"]
        streams = list(ls["results"].keys())
        dat = os.path.join(d, "throughput.dat")
        with open(dat, "w") as f:
            f.write("# stream " + " ".join(f"{c}_med {c}_min {c}_max" for c in contenders) + "\n")
            for st in streams:
                row = [st]
                for c in contenders:
                    m = ls["results"][st].get(c, {}).get("mpps")
                    row += [str(m["median"]), str(m["min"]), str(m["max"])] if m else ["0", "0", "0"]
                f.write(" ".join(row) + "\n")
        parts = []
        for i, c in enumerate(contenders):
            src = f"'{dat}'" if i == 0 else "''"
            xt = ":xtic(1)" if i == 0 else ""
            parts.append(f"{src} using {3 * i + 2}:{3 * i + 3}:{3 * i + 4}{xt} title '{c}'")
        cols = ", ".join(parts)
        script = f"""set terminal pngcairo size 1000,560 noenhanced font ',10'
set output '{os.path.join(d, "throughput.png")}'
set title 'Live path: frames per second on one CPU (generator + receiver), median and min-max over rounds'
set ylabel 'Mpps'
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.7 border -1
set key top right
set grid ytics
set yrange [0:*]
plot {cols}
"""
        if subprocess.run([gp], input=script, text=True, capture_output=True).returncode == 0:
            made.append("throughput.png")
    if cs:
        sym = [t for t in cs["tables"] if t["allow_size"] == t["flow_size"]]
        sym.sort(key=lambda t: t["allow_size"])
        series = [("invite_orphan", "hot"), ("invite_orphan", "cold"), ("invite_allow", "hot"),
                  ("invite_allow", "cold"), ("invite_est", "hot"), ("invite_est", "cold"),
                  ("invite_v6", "hot"), ("invite_v6", "cold"), ("udp_dns", "hot")]
        dat = os.path.join(d, "cost_vs_size.dat")
        with open(dat, "w") as f:
            f.write("# entries bare " + " ".join(f"{c}_{k}" for c, k in series) + "\n")
            for t in sym:
                bare = find(cs["tables"], t["allow_size"], t["flow_size"], "invite_orphan", "hot")
                row = [str(t["allow_size"]), str(bare["bare_ns"]["median"] if bare else "NaN")]
                for c, k in series:
                    r = find(cs["tables"], t["allow_size"], t["flow_size"], c, k)
                    row.append(str(r["sg_ns"]["median"]) if r else "NaN")
                f.write(" ".join(row) + "\n")
        lines = [f"'{dat}' using 1:2 with linespoints lw 2 dt 2 title 'bare XDP program'"]
        for i, (c, k) in enumerate(series):
            lines.append(f"'' using 1:{i + 3} with linespoints lw 2 {'dt 3 ' if k == 'cold' else ''}"
                         f"title '{c} ({k})'")
        script = f"""set terminal pngcairo size 1000,600 noenhanced font ',10'
set output '{os.path.join(d, "cost_vs_size.png")}'
set title 'sipguard_xdp cost per packet against table size (BPF_PROG_TEST_RUN, median of rounds)'
set xlabel 'entries in the allowlist and in the flow table'
set ylabel 'ns per packet'
set logscale x
set xtics ('1' 1, '10 000' 10000, '100 000' 100000, '1 000 000' 1000000)
set xrange [0.5:2000000]
set yrange [0:*]
set grid
set key outside right
plot {", ".join(lines)}
"""
        if subprocess.run([gp], input=script, text=True, capture_output=True).returncode == 0:
            made.append("cost_vs_size.png")
    return made, None


# ---- markdown -----------------------------------------------------------------
def md(rep):
    m = rep["machine"]
    L = []
    w = L.append
    w("# sipguard benchmark report\n")
    w(f"{m['date']} · tree {m['git_commit']} · mode: {'QUICK (smoke run, indicative only)' if rep['quick'] else 'full'}\n")
    w("## Machine\n")
    w(f"- CPU: {m['cpu_model']}, {m['cpus']} CPUs{' (virtual machine)' if m['virtualized'] else ''}; "
      f"memory {m['memory_mib']} MiB; clocksource {m['clocksource']}")
    w(f"- kernel {m['kernel']}")
    for k, v in m["mitigations"].items():
        w(f"- {k}: {v}")
    w(f"- {m['tools']['clang']}; libbpf {m['tools']['libbpf']}; {m['tools']['bpftool']}; "
      f"{m['tools']['iptables']}; {m['tools']['nft']}; {m['tools']['perf']}")
    w("\nReproduce: `make bench` as root (`BENCH_QUICK=1 make bench` for a smoke run). "
      "Method and findings: tools/bench/README.md.\n")

    w("## Targets (issues 5, 10, 11, 13)\n")
    w("| target | measured (median [min–max]) | limit | met? | where |")
    w("|---|---|---|---|---|")
    for t in rep["targets"]:
        s = t["spread"]
        meas = (f"{t['measured']:.2f} [{s['min']:.2f}–{s['max']:.2f}]" if s else f"{t['measured']}")
        w(f"| {t['target']} | {meas} | {t['limit']} | {'**yes**' if t['met'] else '**NO**'} | {t['where']} |")
    w("")
    cs = rep.get("cost")
    if cs:
        w("## Per-packet cost (BPF_PROG_TEST_RUN)\n")
        w(f"Kernel-reported ns per run, repeat {cs['repeat']}, {cs['rounds']} rounds, sipguard and the bare "
          f"program alternating (order swapped each round), pinned to CPU {cs['cpu']}. "
          "Cells: median [min–max] over rounds; ratio taken per round. *hot*: the same frame every run. "
          f"*cold*: a rotation over up to {cs['rot']} distinct sources written into the frame by a driver "
          "program that then tail-calls sipguard (or the bare program: both pay the driver); *rot1* is "
          "the same driver with a rotation of one, so cold − rot1 is the cost of the cache misses. "
          f"The INVITE is {cs['invite_bytes']} bytes of SIP.\n")
        for t in cs["tables"]:
            w(f"### Allowlist {t['allow_size']:,} entries ({t['allow_v4_entries']:,} IPv4, "
              f"{t['allow_v6_entries']:,} IPv6), flow table {t['flow_size']:,} "
              f"({t['flow_entries']:,} live)\n")
            w("| class | keys | verdict | sipguard ns | bare ns | ratio | extra ns |")
            w("|---|---|---|---|---|---|---|")
            for r in t["rows"]:
                keys = r["keys"] + (f" ({r['rotation']})" if r["keys"] == "cold" else "")
                w(f"| {r['cls']}{'' if r['issue5'] else ' *'} | {keys} | {r['verdict']} | {fmt(r['sg_ns'])} | "
                  f"{fmt(r['bare_ns'])} | {fmt(r['ratio'], '×', 2)} | {fmt(r['extra_ns'])} |")
            w("")
        w("\\* not named in issue 5.\n")
        rf = cs.get("reference")
        if rf:
            w(f"### Reference: {rf['name']} on the same frames\n")
            w(f"{rf['name']} as the live path loads it (UDP, destination port 5060 dropped), run by id "
              "beside the same bare programs: what a port filter's parse, lookup and counter cost on this "
              "host. Only the classes where it returns the class's verdict; sipguard's ratio is from the "
              "first table above.\n")
            w(f"| class | {rf['name']} ns | bare ns | {rf['name']} ratio | sipguard ratio |")
            w("|---|---|---|---|---|")
            for cls, r in rf["rows"].items():
                sg = find(cs["tables"], cs["tables"][0]["allow_size"], cs["tables"][0]["flow_size"], cls, "hot")
                w(f"| {cls} | {fmt(r['ns'])} | {fmt(r['bare_ns'])} | {fmt(r['ratio'], '×', 2)} | "
                  f"{fmt(sg['ratio'], '×', 2) if sg else '—'} |")
            if rf["other_verdict"]:
                w(f"\nLeft out, {rf['name']} answers otherwise: {', '.join(rf['other_verdict'])}.")
            w("")
        w("![cost against table size](cost_vs_size.png)\n")

        w("## Memory (kernel's memlock figure per map, as `bpftool map show` prints it)\n")
        w("| tables (allow/flows) | sg_allow | per prefix | sg_flows (max entries) | per entry | all maps |")
        w("|---|---|---|---|---|---|")
        for t in cs["tables"]:
            mm = t["memory"]
            w(f"| {t['allow_size']:,}/{t['flow_size']:,} | {mm['allow']['memlock'] / MiB:.2f} MiB | "
              f"{mm['allow']['per_entry']} B | {mm['flows']['memlock'] / MiB:.2f} MiB "
              f"({mm['flows']['max_entries']:,}) | {mm['flows']['per_entry']} B | {mm['total'] / MiB:.2f} MiB |")
        d = cs["default_sizes"]
        w(f"\nDefault sizes (SG_ALLOW_MAX {d['allow_max']:,}, SG_FLOWS_MAX {d['flows_max']:,}), "
          f"{d['ncpus_possible']} possible CPUs: {d['empty_total'] / MiB:.2f} MiB with empty tables, "
          f"**{d['full_total'] / MiB:.2f} MiB with every table full** (limit 16 MiB: "
          f"{'fits' if d['fits'] else 'DOES NOT FIT'}). Per map, full:\n")
        w("| map | max entries | memlock |")
        w("|---|---|---|")
        for k, v in sorted(d["full_maps"].items(), key=lambda kv: -kv[1]):
            w(f"| {k} | {d['full_max_entries'][k]:,} | {v / 1024:.1f} KiB |")
        w("\nThe LPM trie's figure counts its leaf nodes only (the kernel's trie_mem_usage()); "
          "intermediate nodes and allocator rounding come on top. Per-CPU maps grow with the CPU count.\n")
    ls = rep.get("live")
    if ls:
        w("## Live path (veth, BPF_PROG_RUN live frames)\n")
        w(f"{ls['rounds']} rounds of {ls['seconds']} s per contender and stream, contenders in a rotated "
          f"order each round, everything on CPU {ls['cpu']}: the generator's batch of 64 frames is flushed "
          "into the veth and the receiver's NAPI poll runs on the same CPU when the batch ends. "
          "Mpps = frames / kernel-measured loop time (generator + receiver). rx ns = NET_RX softirq time "
          "per frame on that CPU (BPF raw tracepoints on softirq entry/exit; the tick-sampled softirq "
          "column of /proc/stat agrees and is in report.json). The sipguard contenders are the product "
          "itself (`sipguard attach --config`, `sipguard flows restore`, counters from `sipguard stats`): "
          f"*sipguard* with {ls['allow_entries']:,} prefix and {ls['flow_entries']:,} learned flows, " +
          ", ".join(f"*{k}* with {v:,} prefixes and as many flows" for k, v in ls.get("sizes", {}).items()) +
          "; orphans interleaved with the allowlisted addresses. The netfilter contenders hold the small "
          "tables in their own form. Ratios are sipguard (1 prefix) ÷ that contender, per round; the "
          "larger tables' ratios are in the targets above.\n")
        for st, sd in ls["streams"].items():
            w(f"### Stream `{st}`: {sd['desc']}\n")
            w("| contender | Mpps | gen+rx ns/frame | rx ns/frame | sipguard ÷ it | counters |")
            w("|---|---|---|---|---|---|")
            for c in ls["contenders"]:
                r = ls["results"].get(st, {}).get(c)
                if not r:
                    continue
                ratio = ls["sipguard_vs"].get(st, {}).get("sipguard", {}).get(c)
                w(f"| {c} | {fmt(r['mpps'], '', 2)} | {fmt(r['ns_per_frame_total'])} | "
                  f"{fmt(r['rx_ns_per_frame'])} | {fmt(ratio, '×', 2) if ratio else '—'} | "
                  f"{'all rounds verified' if r['all_verified'] else '**MISMATCH**'} |")
            w("")
        for c, why in ls["skipped"].items():
            w(f"- {c} skipped: {why}")
        for e in ls["errors"]:
            w(f"- **error**, round {e['round']}, {e['contender']}: {e['error']}")
        w("![throughput per contender](throughput.png)\n")
    pr = rep.get("profile")
    if pr and pr.get("cases"):
        w("## Where the time goes (perf samples during BPF_PROG_TEST_RUN, hot keys)\n")
        w("Each part's share of the samples of the test-run process times the measured ns per packet.\n")
        for c in pr["cases"]:
            if "error" in c:
                w(f"- {c['cls']} ({c['tables']}): profile failed: {c['error']}")
                continue
            parts = ", ".join(f"{g} {v['ns']:.0f} ns ({v['share'] * 100:.0f} %)"
                              for g, v in c["parts"].items() if v["share"] >= 0.01)
            w(f"- **{c['cls']}**, tables {c['tables']}: {c['ns']:.0f} ns = {parts}")
        w("")
    elif pr and pr.get("skipped"):
        w(f"Profile skipped: {pr['skipped']}\n")
    w("## Not measured / caveats\n")
    for n in rep["notes"]:
        w(f"- {n}")
    return "\n".join(L) + "\n"


NOTES = [
    "The test-run harness itself costs ~25 ns per run here (the loop, bottom-half toggling, an "
    "indirect call; returns go through the SRSO 'Safe RET' thunk on this AMD host), so a bare "
    "program measures far above the 5–9 ns issue 5 quotes; ratios are therefore gentler than on "
    "that machine. The 'extra ns' column is the absolute price of sipguard's work.",
    "The kernel reports whole ns per run (truncated); medians over rounds, not means, are quoted.",
    "Live numbers include the generator's own cost on the same CPU (a frame's trip through the "
    "page pool, the redirect and the veth ring); rx ns/frame isolates the receiver.",
    "iptables is Debian's default nf_tables backend (iptables-nft) with xt matches (u32, set, "
    "conntrack, CT, MARK); its INVITE match is case-sensitive (sipguard's is not), and only "
    "non-allowlisted INVITEs are conntracked (everything else NOTRACK): the fastest honest form.",
    "nftables at netdev ingress sees no conntrack; its 'established' part is a concatenated set of "
    "{source . local port}, like sipguard's flow table.",
    "xdp-filter drops all UDP to 5060 (SIP responses and allowlisted INVITEs too): it does less, "
    "and its counters are checked against that behaviour.",
    "Frames that pass reach the receiver's IP stack (no socket: UDP NoPorts), the same for every "
    "contender; in the mix and junk streams that cost dominates the XDP contenders that pass them.",
    "Only IPv4 streams on the live path; VLAN, PPPoE, IPv6 and fragments are covered by the "
    "per-packet cost only.",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()

    def load(n):
        p = os.path.join(a.dir, n)
        if os.path.exists(p):
            with open(p) as f:
                return json.load(f)
        return None

    cost, live, prof = load("cost.json"), load("live.json"), load("profile.json")
    cs = cost_summary(cost) if cost else None
    ls = live_summary(live) if live else None
    rep = dict(machine=machine(), quick=a.quick, cost=cs, live=ls, profile=prof,
               targets=targets(cs, ls), notes=list(NOTES))
    if not cost:
        rep["notes"].append("per-packet cost: no results (cost.json missing)")
    if not live:
        rep["notes"].append("live path: no results (live.json missing)")
    made, why = plots(a.dir, cs, ls)
    rep["plots"] = made
    if why:
        rep["notes"].append("plots: " + why)
    with open(os.path.join(a.dir, "report.json"), "w") as f:
        json.dump(rep, f, indent=1)
    with open(os.path.join(a.dir, "report.md"), "w") as f:
        f.write(md(rep))
    for t in rep["targets"]:
        print(f"  {'met   ' if t['met'] else 'MISSED'} {t['target']}: {t['measured']:.2f} (limit {t['limit']})")


if __name__ == "__main__":
    main()
