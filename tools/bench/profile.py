#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Where sipguard_xdp's time goes: perf samples during BPF_PROG_TEST_RUN.

For a few traffic classes and table sizes, `cost --spin` runs sipguard_xdp
on one frame (hot keys) on one CPU while `perf record -C CPU` samples it;
two of the classes go on to layer 7 (an unknown INVITE under inspect, and
the header scan's worst case).
The samples of the cost process are grouped by kernel symbol into parts of
the verdict (the program's own JIT code, the classifier subprogram, the LPM
trie, the flow table, the clock, the test-run loop); each part's share of
the samples times the measured ns per packet gives ns per part.

(`bpftool prog profile` would count cycles per run directly, but Debian's
bpftool 7.1 is built without it: "command is not supported".)
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")

GROUPS = [
    ("sipguard_xdp (JIT code)", r"^bpf_prog_[0-9a-f]+_sipguard_xdp$"),
    ("sg_classify_xdp (JIT code)", r"^bpf_prog_[0-9a-f]+_sg_classify"),
    ("header scan (scan_one)", r"^bpf_prog_[0-9a-f]+_scan_one$"),
    ("layer-7 checks (JIT code)", r"^bpf_prog_[0-9a-f]+_(sipguard_l7|l7_|sg_find_|sg_ua_pos|sg_param)"),
    ("other BPF code", r"^bpf_prog_"),
    ("LPM trie lookup", r"^(trie_lookup_elem|longest_prefix_match|extract_bit)"),
    ("hash/LRU lookup", r"^(__htab_map_lookup_elem|htab_lru_map_lookup_elem|"
                        r"lookup_nulls_elem_raw|lookup_elem_raw|htab_map_hash|jhash|"
                        r"htab_map_lookup_elem|htab_lru_percpu)"),
    ("LRU/hash update", r"^(htab_lru_map_update_elem|bpf_lru|__bpf_lru|"
                        r"htab_map_update_elem|_raw_spin_lock|_raw_spin_unlock|"
                        r"bpf_common_lru|check_and_init_map_value|htab_lru_push_free)"),
    ("clock (helper calls)", r"^(read_tsc|ktime_get_mono_fast_ns|bpf_ktime_get_ns|"
                             r"bpf_ktime_get_coarse_ns|ktime_get_coarse|"
                                 r"kvm_clock|pvclock|native_sched_clock)"),
    ("ring buffer / events", r"^(bpf_ringbuf|__bpf_ringbuf|ringbuf)"),
    ("test-run loop (harness)", r"^(bpf_test_run|bpf_test_timer|__local_bh_enable_ip|"
                                r"local_bh|bpf_prog_run|__bpf_prog_run|migrate_|"
                                r"__rcu_read|rcu_read|bpf_dispatcher)"),
]

CASES_FULL = [("invite_orphan", "1:1"), ("invite_orphan", "100000:100000"),
              ("invite_est", "1:1"), ("invite_est", "100000:100000"),
              ("invite_allow", "100000:100000"), ("udp_dns", "1:1"), ("rtp", "1:1"),
              ("invite_inspect", "1:1"), ("worst_looks_late", "1:1")]
CASES_QUICK = [("invite_orphan", "100000:100000"), ("udp_dns", "1:1")]


def log(*a):
    print("profile:", *a, file=sys.stderr, flush=True)


def group_of(sym):
    for name, rx in GROUPS:
        if re.search(rx, sym):
            return name
    return "other kernel code"


def one(cls, sizes, cpu, seconds, tmp):
    err = os.path.join(tmp, "spin.err")
    data = os.path.join(tmp, "perf.data")
    with open(err, "w") as ef:
        p = subprocess.Popen([os.path.join(BUILD, "bench", "cost"), "--cpu", str(cpu),
                              "--spin", cls, "--sizes", sizes,
                              "--seconds", str(seconds + 2), "--repeat", "1000000"],
                             stdout=subprocess.PIPE, stderr=ef, text=True)
    t0 = time.time()
    while "spinning" not in open(err).read():
        if p.poll() is not None or time.time() - t0 > 120:
            raise RuntimeError(f"cost --spin {cls}: {open(err).read()}")
        time.sleep(0.1)
    time.sleep(0.5)
    subprocess.run(["perf", "record", "-q", "-C", str(cpu), "-o", data, "--",
                    "sleep", str(seconds)], check=True, capture_output=True)
    out, _ = p.communicate(timeout=60)
    ns = json.loads(out)["ns"]
    rep = subprocess.run(["perf", "report", "-i", data, "--comm", "cost", "--no-children",
                          "--sort", "sym", "--stdio", "--percent-limit", "0"],
                         capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+\[[kH.]\]\s+(\S+)", line)
        if m:
            syms[m.group(2)] = syms.get(m.group(2), 0) + float(m.group(1))
    total = sum(syms.values()) or 1.0
    groups = {}
    for s, pct in syms.items():
        g = group_of(s)
        groups[g] = groups.get(g, 0) + pct / total
    top = sorted(syms.items(), key=lambda kv: -kv[1])[:12]
    os.unlink(data)
    return dict(cls=cls, tables=sizes, ns=ns,
                parts={g: dict(share=round(v, 4), ns=round(v * ns, 1))
                       for g, v in sorted(groups.items(), key=lambda kv: -kv[1])},
                top_symbols=[dict(sym=re.sub(r"^bpf_prog_[0-9a-f]+_", "bpf_prog_", s),
                                  share=round(v / total, 4)) for s, v in top])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpu", type=int, default=os.cpu_count() - 1)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    tmp = os.path.dirname(os.path.abspath(a.out))
    res = dict(method=__doc__.strip(), cases=[])
    try:
        subprocess.run(["perf", "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        res["skipped"] = "perf not found (Debian package linux-perf)"
    else:
        for cls, sizes in (CASES_QUICK if a.quick else CASES_FULL):
            try:
                r = one(cls, sizes, a.cpu, a.seconds, tmp)
            except Exception as e:          # report, do not abort the bench
                log(f"{cls} {sizes}: {e}")
                res["cases"].append(dict(cls=cls, tables=sizes, error=str(e)))
                continue
            res["cases"].append(r)
            log(f"{cls:14s} tables {sizes:15s} {r['ns']:.0f} ns: " +
                ", ".join(f"{g} {v['ns']:.0f}" for g, v in list(r["parts"].items())[:5]))
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
