#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make bench`: per-packet cost, live path, profile, then the report in
# $BUILD/bench/ (report.md, report.json, *.png).  Root.  BENCH_QUICK=1 for
# a smoke run of about two minutes.  Everything it creates (network
# namespaces, XDP programs, rules) is removed when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=$BUILD/bench
export BUILD
QUICK=${BENCH_QUICK:-}
[ "$QUICK" = 0 ] && QUICK=
CPU=${BENCH_CPU:-$(($(nproc) - 1))}

if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (BPF_PROG_RUN, XDP, network namespaces, netfilter)" >&2
	exit 1
fi
missing=()
for t in python3 ip nsenter ethtool; do
	command -v "$t" >/dev/null || missing+=("$t")
done
if [ ${#missing[@]} != 0 ]; then
	echo "bench: missing ${missing[*]}: run tools/install-deps.sh" >&2
	exit 1
fi
mkdir -p "$OUT"
rm -f "$OUT"/{cost,live,profile,report}.json "$OUT"/report.md "$OUT"/*.png

# Contenders whose tools are missing are left out and named in the report.
contenders=xdp-drop,sipguard,sipguard-10k,sipguard-100k
for c in xdp-filter:xdp-filter iptables:iptables-restore,ipset nftables:nft; do
	ok=1
	for t in $(tr , ' ' <<<"${c#*:}"); do command -v "$t" >/dev/null || ok=; done
	if [ -n "$ok" ]; then
		contenders+=",${c%%:*}"
	else
		echo "bench: ${c%%:*} left out: ${c#*:} not installed" >&2
	fi
done

live_pid=
ref_ns=
ref_down() {
	if [ -n "$ref_ns" ] && [ -e "/run/netns/$ref_ns" ]; then
		nsenter --net="/run/netns/$ref_ns" xdp-filter unload sgref0 >/dev/null 2>&1 || true
		ip netns del "$ref_ns" 2>/dev/null || true
		ref_ns=
	fi
}
# The per-packet reference: xdp-filter as the live path loads it (UDP,
# destination port 5060), on a veth of its own namespace, measured by id.
ref_up() {
	local id
	command -v xdp-filter >/dev/null || { echo "bench: no per-packet reference: xdp-filter not installed" >&2; return 1; }
	if [ -e /sys/fs/bpf/xdp-filter ]; then
		echo "bench: no per-packet reference: /sys/fs/bpf/xdp-filter exists (xdp-filter in use on this host)" >&2
		return 1
	fi
	# xdp-filter pins its maps (sipguard attach mounts it too)
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || return 1
	ip netns add "$ref_ns" &&
	ip -n "$ref_ns" link add sgref0 type veth peer name sgref1 &&
	ip -n "$ref_ns" link set sgref0 up && ip -n "$ref_ns" link set sgref1 up &&
	nsenter --net="/run/netns/$ref_ns" xdp-filter load sgref0 -m native -f udp >/dev/null &&
	nsenter --net="/run/netns/$ref_ns" xdp-filter port 5060 -p udp -m dst || return 1
	id=$(ip -n "$ref_ns" -d link show sgref0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	[ -n "$id" ] || return 1
	echo "$id"
}
cleanup() {
	ref_down
	# live.py removes its namespaces itself; this is for a hard kill.
	if [ -n "$live_pid" ]; then
		kill "$live_pid" 2>/dev/null || true
		wait "$live_pid" 2>/dev/null || true
		for ns in "sgb${live_pid}g" "sgb${live_pid}r"; do
			ip netns del "$ns" 2>/dev/null || true
		done
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$QUICK" ]; then
	cost_args=(--rounds 3 --repeat 262144 --rot 4096)
	live_args=(--rounds 2 --seconds 0.3 --warmup 0.1)
	prof_args=(--quick --seconds 2)
else
	cost_args=(--rounds 7 --repeat 1048576 --rot 4096)
	live_args=(--rounds 5 --seconds 1.0 --warmup 0.2)
	prof_args=(--seconds 3)
fi

# A step that fails is named; the report is written from what there is,
# and make bench fails at the end.
failed=()
t0=$(date +%s)
echo "bench: 1/4 per-packet cost (BPF_PROG_TEST_RUN), CPU $CPU"
ref_args=()
ref_ns=sgbref$$
if ref_id=$(ref_up); then
	ref_args=(--ref "$ref_id:xdp-filter")
else
	ref_down
fi
"$BUILD/bench/cost" --cpu "$CPU" "${cost_args[@]}" "${ref_args[@]}" --out "$OUT/cost.json.tmp" &&
	mv "$OUT/cost.json.tmp" "$OUT/cost.json" || failed+=(cost)
ref_down
echo "bench: 2/4 live path (veth, live frames): $contenders"
python3 tools/bench/live.py --cpu "$CPU" --contenders "$contenders" \
	"${live_args[@]}" --out "$OUT/live.json" &
live_pid=$!
wait "$live_pid" || failed+=(live)
live_pid=
echo "bench: 3/4 profile (perf)"
python3 tools/bench/profile.py --cpu "$CPU" "${prof_args[@]}" --out "$OUT/profile.json" ||
	failed+=(profile)
echo "bench: 4/4 report"
python3 tools/bench/report.py --dir "$OUT" ${QUICK:+--quick} || failed+=(report)
rm -f "$OUT/cost.json.tmp" "$OUT/spin.err"
echo "bench: done in $(($(date +%s) - t0)) s: $OUT/report.md"
if [ ${#failed[@]} != 0 ]; then
	echo "bench: FAILED: ${failed[*]} (see above)" >&2
	exit 1
fi
