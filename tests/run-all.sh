#!/usr/bin/env bash
# Runs every test suite and ends with one line "N passed, M failed" that
# sums them all.  Each suite prints its own summary as its last line.
set -u
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0
suites=("$@")
if [ ${#suites[@]} = 0 ]; then
	suites=(build/tests/test_host build/tests/test_hdr tests/fuzz_smoke.sh build/tests/test_xdp build/tests/test_escape tests/test_cli.sh tests/test_e2e.sh tests/test_l7_e2e.sh tests/test_nat_e2e.sh tests/test_observe.sh)
fi
for s in "${suites[@]}"; do
	if [ ! -e "$s" ]; then
		echo "== $s: missing"
		total_fail=$((total_fail + 1))
		continue
	fi
	echo "== $s"
	out=$(mktemp)
	if [[ "$s" == *.sh ]]; then
		bash "$s" 2>&1 | tee "$out"
	else
		"$s" 2>&1 | tee "$out"
	fi
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
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
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
