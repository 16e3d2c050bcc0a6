# Shared helpers for the shell test suites (sourced, not run).
#
# A suite defines functions named test_*, sources this file and ends with
# `run_tests "$@"`.  Each test runs in a subshell; a failing check makes the
# test fail, and the suite's last line is "N passed, M failed".  Namespaces
# and links a test makes are registered with `ns_add`/`cleanup_add` and are
# removed when the test ends, pass or fail.
#
# Only test address ranges are used: 192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24, 198.18.0.0/15 and 2001:db8::/32.

SG_TOP=${SG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SG=${SG:-$SG_TOP/build/sipguard}
# Every suite gets a pin path of its own, so suites and a user's own
# sipguard never see each other's maps.
export SIPGUARD_PIN_PATH=${SIPGUARD_PIN_PATH:-/sys/fs/bpf/sgtest-$$}
# Short random-ish prefix so that parallel runs do not collide on names.
SG_NS_PREFIX=${SG_NS_PREFIX:-sgt$$}

_pass=0
_fail=0
_cleanups=()

say() { printf '%s\n' "$*"; }
fail() { printf '    FAIL: %s\n' "$*" >&2; return 1; }

# check DESCRIPTION COMMAND...: run COMMAND, fail the test if it fails.
check() {
	local what=$1; shift
	if ! "$@"; then
		fail "$what"
		exit 1
	fi
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" != "$3" ]; then
		fail "$1: expected '$2', got '$3'"
		exit 1
	fi
}

# expect_ge WHAT MIN ACTUAL
expect_ge() {
	if ! [ "$3" -ge "$2" ] 2>/dev/null; then
		fail "$1: expected at least $2, got '$3'"
		exit 1
	fi
}

# expect_exit CODE PATTERN CMD...: CMD exits with CODE and its stderr+stdout
# matches the extended regex PATTERN.
expect_exit() {
	local code=$1 pat=$2 out rc; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" != "$code" ]; then
		fail "'$*' exited $rc, expected $code; output: $out"
		exit 1
	fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" <<<"$out"; then
		fail "'$*' output does not match /$pat/: $out"
		exit 1
	fi
}

cleanup_add() { _cleanups+=("$*"); }

_run_cleanups() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	_cleanups=()
}

# ns_add NAME: create a namespace, removed when the test ends.
ns_add() {
	ip netns add "$1" || return 1
	cleanup_add "ip netns pids $1 2>/dev/null | xargs -r kill -9; ip netns del $1"
	ip -n "$1" link set lo up
}

# Remove the suite's pin path: detach whatever is still attached there.
sg_reset_pins() {
	local d
	if [ -d "$SIPGUARD_PIN_PATH" ]; then
		for d in "$SIPGUARD_PIN_PATH"/if_*; do
			[ -d "$d" ] || continue
			d=${d##*/if_}	# a dot of the name is pinned as ':'
			"$SG" detach "${d//:/.}" >/dev/null 2>&1 || true
		done
		rm -rf "$SIPGUARD_PIN_PATH"
	fi
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		say "these tests need root"
		exit 1
	fi
}

# Milliseconds on a clock that only goes forward, and "(N.N s)" since one.
_now_ms() { local u; read -r u _ </proc/uptime; echo $((10#${u/./} * 10)); }
_took() { local ms=$(($(_now_ms) - $1)); printf '(%d.%d s)' $((ms / 1000)) $((ms % 1000 / 100)); }

# skip REASON: end the running test as skipped (the kernel lacks what it
# needs): it counts as neither passed nor failed.
skip() {
	printf '%s\n' "$*" > "$SKIP_FILE"
	exit 77
}

# run_tests [FILTER]: every test_* function, each in a subshell with its
# cleanups; the last line is "N passed, M failed".
run_tests() {
	local t t0 filter=${1:-} stop=0 skipped=0 log rc suite0
	suite0=$(_now_ms)
	# Ctrl-C ends the running test (its cleanups run) and the suite.
	trap 'stop=1' INT
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		[ "$stop" = 1 ] && break
		if [ -n "$filter" ] && [[ "$t" != *$filter* ]]; then
			continue
		fi
		printf '  %-50s ' "$t"
		t0=$(_now_ms)
		log=/tmp/$SG_NS_PREFIX.$t.log
		SKIP_FILE=$log.skip
		rm -f "$SKIP_FILE"
		(trap '_run_cleanups; sg_reset_pins' EXIT; "$t") >"$log" 2>&1
		rc=$?
		if [ $rc = 77 ] && [ -s "$SKIP_FILE" ]; then
			skipped=$((skipped + 1))
			say "skipped: $(head -1 "$SKIP_FILE")"
		elif [ $rc = 0 ]; then
			_pass=$((_pass + 1)); say "ok $(_took "$t0")"
		else
			_fail=$((_fail + 1)); say "FAILED $(_took "$t0")"
			sed 's/^/      | /' "$log" | tail -40
		fi
		rm -f "$log" "$SKIP_FILE"
	done
	say "suite time $(_took "$suite0")"
	[ $skipped = 0 ] || say "$skipped skipped (this kernel lacks what they need)"
	say "$_pass passed, $_fail failed"
	[ "$_fail" = 0 ]
}

# flows_file FILE SAVED [LINE...]: a flow state file (`sipguard flows
# save`) saved at SAVED (wall-clock seconds) with the flow lines given
# ("REMOTE RPORT LPORT LEFT LIFE FLAGS"), its count in the end line.
flows_file() {
	local f=$1 saved=$2 l n=0; shift 2
	{
		printf 'sipguard-flows 1\n# a test file\nsaved %s\n' "$saved"
		for l in "$@"; do
			printf 'flow %s\n' "$l"
			n=$((n + 1))
		done
		printf 'end %d\n' "$n"
	} >"$f"
}

# wait_for WHAT SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local what=$1 secs=$2 i; shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out after ${secs}s waiting for $what"
	exit 1
}

# spawn NAME COMMAND...: run COMMAND in the background, stdout and stderr
# to $TMP/NAME.log; its pid in $BG.  Killed at the end of the test.
spawn() {
	local name=$1; shift
	"$@" >"$TMP/$name.log" 2>&1 &
	BG=$!
	cleanup_add "kill -9 $BG 2>/dev/null"
}

# stop_bg PID [SIGNAL]: signal it and wait (at most 5 s); its exit code in
# $RC.  (Not in $(...): a subshell cannot wait for its parent's children.)
stop_bg() {
	local i
	kill -"${2:-INT}" "$1" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		fail "process $1 did not end on SIG${2:-INT}"
		exit 1
	fi
	wait "$1"
	RC=$?
}

# py EXPR: a Python expression over the JSON document on stdin (d).
py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
