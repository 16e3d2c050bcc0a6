#!/usr/bin/env bash
# A short, bounded run of every libFuzzer target (build/tests/fuzz_*), as
# part of `make check`; `make fuzz` and the targets themselves run longer.
# One test per target: it passes when the target ran its inputs without a
# crash or a failed check.
set -u
cd "$(dirname "$0")/.."
SECS=${FUZZ_SMOKE_SECONDS:-10}
pass=0
fail=0
for f in build/tests/fuzz_*; do
	[ -x "$f" ] || continue
	name=${f##*/}
	out=$(mktemp)
	if "$f" -max_total_time="$SECS" -seed=1 >"$out" 2>&1; then
		printf '  %-50s ok (%s)\n' "$name" "$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$out")"
		pass=$((pass + 1))
	else
		printf '  %-50s FAILED\n' "$name"
		tail -30 "$out" | sed 's/^/      | /'
		fail=$((fail + 1))
	fi
	rm -f "$out"
done
[ $((pass + fail)) -gt 0 ] || { echo "no fuzz target built"; fail=1; }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
