#!/usr/bin/env bash
# tests/vm/matrix.sh KERNEL... : tests/vm/suite.sh for each kernel, all at
# once, each VM with its share of this machine's cores (software emulation
# is CPU-bound: two kernels on two cores take the time of one).  Prints each
# kernel's output in turn, then the sum, "N passed, M failed".
#   SG_VM_SUITES  the suites to run in each VM (default: tests/vm/suite.sh's)
set -u
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || { echo "usage: tests/vm/matrix.sh KERNEL..." >&2; exit 2; }
cpus=$(( $(nproc) / $# ))
[ "$cpus" -ge 1 ] || cpus=1
dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
# fetch the kernels one after the other first: they share apt's state
for k in "$@"; do
	tests/vm/kernel.sh "$k" >/dev/null || echo "tests/vm/matrix.sh: no kernel $k" >&2
done
for k in "$@"; do
	SG_VM_CPUS=$cpus tests/vm/suite.sh "$k" > "$dir/$k.log" 2>&1 &
	pids+=($!)
done
pass=0
fail=0
i=0
for k in "$@"; do
	wait "${pids[$i]}"
	i=$((i + 1))
	echo "==== kernel $k"
	cat "$dir/$k.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/$k.log" | tail -1)
	[ -n "$line" ] || line="0 passed, 1 failed"
	pass=$((pass + ${line%% passed*}))
	f=${line#*, }
	fail=$((fail + ${f%% failed*}))
done
pids=()
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
