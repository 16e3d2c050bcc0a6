#!/usr/bin/env bash
# tests/vm/suite.sh KERNEL [SUITE...]: run the suites that depend on the
# kernel (BPF_PROG_TEST_RUN, CLI, end-to-end, layer 7, NAT, flow table,
# observability, WAN links) inside a VM with the stock Debian kernel
# KERNEL, against this build.  The last line is the suites' sum, "N passed, M failed"; a VM that
# does not boot or dies counts as one failure.  tests/run-all.sh calls it
# for the entries vm:6.1 and vm:6.12.
#
# A kernel of another CPU (6.1-arm64, 6.12-s390x...) runs tests/vm/cross.sh
# instead, against the cross build of that CPU (SG_BUILD/ARCH, default
# build/ARCH: make ARCH=... vm-bins, which make check does).
set -u
cd "$(dirname "$0")/../.."
kernel=${1:?usage: tests/vm/suite.sh KERNEL [SUITE...]}
shift
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(${SG_VM_SUITES:-build/tests/test_xdp tests/test_cli.sh
	tests/test_e2e.sh tests/test_l7_e2e.sh tests/test_nat_e2e.sh tests/test_flows_e2e.sh
	tests/test_observe.sh tests/test_links.sh tests/test_share.sh})

out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$SECONDS
case "$kernel" in
*-*)	build=${SG_BUILD:-build}
	[ "$build" = "build/${kernel#*-}" ] || build=$build/${kernel#*-}
	run=(/bin/sh tests/vm/cross.sh "$build") ;;
*)	run=(tests/run-all.sh "${suites[@]}") ;;
esac
tests/vm/run.sh "$kernel" "${run[@]}" 2>&1 | tee "$out"
st=${PIPESTATUS[0]}
echo "== vm $kernel: $((SECONDS - start)) s"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
if [ -z "$line" ]; then
	echo "== vm $kernel: the VM ended without a summary (exit $st)"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "$line"
[ "$st" = 0 ]
