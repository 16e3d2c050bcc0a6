#!/usr/bin/env bash
# Runs every test suite and ends with one line "N passed, M failed" that
# sums them all, after the names of the tests that failed ("== failed:
# SUITE: TEST", so that the tail of a CI log names them).  Each suite
# prints its own summary as its last line.
# An entry vm:KERNEL[,KERNEL...] runs the kernel-dependent suites again
# inside VMs with those stock Debian kernels (all of tests/vm/suite.sh's
# list: every suite that depends on the kernel), side by side
# (tests/vm/matrix.sh); the default run ends with
# vm:6.1,6.12,6.1-arm64,6.1-s390x,6.12-s390x (the last three run the arm64
# and s390x cross builds: tests/vm/cross.sh), and SG_VM_KERNELS overrides
# its kernels ("" for none).
set -u
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0
failed=()
suites=("$@")
if [ ${#suites[@]} = 0 ]; then
	suites=(build/tests/test_host build/tests/test_hdr tests/test_cross_host.sh tests/fuzz_smoke.sh tests/test_sipdiff.sh build/tests/test_xdp build/tests/test_escape tests/test_cli.sh tests/test_e2e.sh tests/test_l7_e2e.sh tests/test_nat_e2e.sh tests/test_flows_e2e.sh tests/test_observe.sh tests/test_dns.sh tests/test_links.sh tests/test_share.sh tests/test_deb.sh)
	kernels=$(echo ${SG_VM_KERNELS-6.1 6.12 6.1-arm64 6.1-s390x 6.12-s390x} | tr ' ' ,)
	[ -z "$kernels" ] || suites+=("vm:$kernels")
fi
for s in "${suites[@]}"; do
	if [[ "$s" == vm:* ]]; then
		IFS=, read -r -a kernels <<<"${s#vm:}"
		run=(bash tests/vm/matrix.sh "${kernels[@]}")
	elif [[ "$s" == *.sh ]]; then
		run=(bash "$s")
	else
		run=("$s")
	fi
	if [[ "$s" != vm:* ]] && [ ! -e "$s" ]; then
		echo "== $s: missing"
		total_fail=$((total_fail + 1))
		continue
	fi
	echo "== $s"
	out=$(mktemp)
	"${run[@]}" 2>&1 | tee "$out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	# the names of failed tests, again at the end (a CI log's tail), each
	# with its first failed check in a shell suite ("| FAIL: ...") or its
	# last in a C one (the "file:line: test: ..." line before "FAIL test")
	while read -r name; do
		failed+=("$s: $name")
	done < <(awk '
		function out() { if (name != "") print name (why != "" ? " (" why ")" : ""); name = why = "" }
		match($0, /^ *test_[A-Za-z0-9_\/]+ +FAILED/) { out(); name = $1; next }
		/^ +[^ :]+:[0-9]+: test_/ { said = $0; sub(/^ +/, "", said); next }
		match($0, /^FAIL test_[A-Za-z0-9_\/]+/) { out(); name = $2; why = substr(said, 1, 300); said = ""; next }
		/^== vm [^:]+: the VM ended/ { out(); name = $0; next }
		name != "" && why == "" && /^ *\| +FAIL: / { sub(/^ *\| +FAIL: /, ""); why = substr($0, 1, 300); next }
		/^ *test_[A-Za-z0-9_\/]+ +(ok|skipped)/ { out() }
		END { out() }' "$out")
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "== $s: no summary line (crashed?)"
		total_fail=$((total_fail + 1))
		continue
	fi
	p=${line%% passed*}
	f=${line#*, }; f=${f%% failed*}
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
for f in "${failed[@]}"; do
	echo "== failed: $f"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
