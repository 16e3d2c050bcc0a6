#!/usr/bin/env bash
# The differential test of sipguard's classifier against real SIP stacks
# (tests/sipdiff/sipdiff.c): libre, GNU oSIP and sofia-sip, plus pjsip and
# chan_sip through tests/sipdiff/expect.txt.  A message that a stack takes
# as an INVITE request while the classifier does not call it INVITE is a
# failure (a ghost ring through the filter); the other direction is counted.
#
#   1. the oracles' liveness and every seed in tests/sipdiff/corpus/, one
#      test each (build/tests/sipdiff);
#   2. a libFuzzer run seeded with that corpus (build/tests/sipdiff_fuzz),
#      one test: no input that some stack calls INVITE and sipguard not.
#
# SIPDIFF_SECONDS   length of the mutation run (default 3)
# SIPDIFF_CORPUS    keep the corpus libFuzzer grows there (default: a
#                   temporary directory, removed)
# SIPDIFF_FOUND     where disagreeing inputs are saved, raw, with an INDEX
#                   of escaped lines (default build/sipdiff-found; emptied
#                   first).  Copy one into tests/sipdiff/corpus/ to keep it.
# The last line is "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
SECS=${SIPDIFF_SECONDS:-3}
FOUND=${SIPDIFF_FOUND:-build/sipdiff-found}
BIN=build/tests/sipdiff
FUZZ=build/tests/sipdiff_fuzz
pass=0
fail=0

for b in "$BIN" "$FUZZ"; do
	if [ ! -x "$b" ]; then
		echo "  $b missing: make $b (needs tools/install-deps.sh)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
rm -rf "$FOUND"
mkdir -p "$FOUND"

echo "-- seed corpus (tests/sipdiff/corpus)"
out=$(mktemp)
"$BIN" -e tests/sipdiff/expect.txt -o "$FOUND/corpus" tests/sipdiff/corpus/* >"$out" 2>&1
# its own summary line, indented so that only ours ends the output
sed -E 's/^([0-9]+ passed, [0-9]+ failed)/   corpus: \1/' "$out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
rm -f "$out"
if [ -z "$line" ]; then
	echo "  FAIL  the corpus run ended without a summary (crashed?)"
	fail=$((fail + 1))
else
	p=${line%% passed*}
	f=${line#*, }; f=${f%% failed*}
	pass=$((pass + p))
	fail=$((fail + f))
fi

echo "-- mutation run (libFuzzer, ${SECS}s)"
if [ -n "${SIPDIFF_CORPUS:-}" ]; then
	grown=$SIPDIFF_CORPUS
	mkdir -p "$grown"
else
	grown=$(mktemp -d)
fi
report=$(mktemp)
log=$(mktemp)
SIPDIFF_OUT="$FOUND/fuzz" "$FUZZ" -max_total_time="$SECS" -seed=1 \
	-max_len=4096 -detect_leaks=0 -use_value_profile=1 \
	-artifact_prefix="$FOUND/" \
	"$grown" tests/sipdiff/corpus >"$report" 2>"$log"
rc=$?
sed 's/^/   /' "$report"
nfail=$(sed -n 's/^sipdiff: \([0-9]*\) failures$/\1/p' "$report")
tried=$(sed -n 's/^sipdiff: tried \([0-9]*\)$/\1/p' "$report")
if [ "$rc" != 0 ] || [ -z "$nfail" ]; then
	echo "  FAIL  mutation run: exit $rc (a crash leaves its input in $FOUND/crash-*)"
	tail -30 "$log" | sed 's/^/      | /'
	fail=$((fail + 1))
elif [ "$nfail" != 0 ]; then
	echo "  FAIL  mutation run: $nfail of $tried inputs are an INVITE to a stack and not to sipguard"
	fail=$((fail + 1))
else
	echo "  ok    mutation run: $tried inputs, none an INVITE to a stack and not to sipguard"
	pass=$((pass + 1))
fi
[ -n "${SIPDIFF_CORPUS:-}" ] || rm -rf "$grown"
rm -f "$report" "$log"
[ -z "$(ls -A "$FOUND" 2>/dev/null)" ] ||
	echo "-- disagreeing inputs saved in $FOUND/ (INDEX in each subdirectory)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
