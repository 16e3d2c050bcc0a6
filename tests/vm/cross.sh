#!/bin/sh
# tests/vm/cross.sh BUILD: what runs inside an emulated arm64 or s390x
# machine (tests/vm/suite.sh 6.1-arm64, make vmcheck ARCH=arm64), against
# the cross build in BUILD (build/arm64): busybox's sh, no bash, no python.
#
#  1. On a veth pair (one end in a namespace of its own), without sipguard:
#     an orphan INVITE is delivered.
#  2. Can this kernel run sipguard?  `sipguard attach` on the veth.  Where
#     it refuses, the refusal must name what the kernel lacks, and the
#     kernel must lack it: no BPF JIT (Debian's s390x kernels: the s390x
#     JIT needs a z196, Debian builds for z10, and the interpreter refuses
#     tail calls mixed with BPF-to-BPF calls), or no kernel BTF (Debian 12's
#     s390x 6.1), without which the verifier cannot check global functions
#     that take the context.  A refusal for any other cause fails.  Without
#     a JIT, the build without layer 7 (BUILD/nol7, make NO_L7=1), which
#     makes no tail call, is tried next; else the rest is skipped, saying so.
#  3. With sipguard: the orphan INVITE is dropped and counted; INVITEs are
#     delivered from an allowlisted source, from a flow added by hand, and
#     from a peer the LAN sent a REGISTER to (the TC learner's flow).
#  4. BUILD/tests/test_xdp: the BPF_PROG_TEST_RUN unit tests.
#
# Ends with "N passed, M failed".
set -u
b=${1:?usage: tests/vm/cross.sh BUILD}
UDP=$b/tests/sgudp
export SIPGUARD_PIN_PATH=/sys/fs/bpf/crDsg
pass=0
fail=0
holder=
SG=

ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
expect() {	# expect WHAT CONDITION...
	what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
skipped=0
finish() {
	if [ "$skipped" != 0 ]; then
		echo "$pass passed, $fail failed, $skipped skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" = 0 ]
	exit
}

cleanup() {
	[ -n "$SG" ] && "$SG" detach crDw >/dev/null 2>&1
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	ip link del crDw 2>/dev/null
	rm -rf "$SIPGUARD_PIN_PATH"
}
trap cleanup EXIT

echo "== $(uname -m), Linux $(uname -r)"

# The veth pair: crDw here (the WAN side, 192.0.2.1), crDp in a namespace
# that a sleeping process holds (192.0.2.2 a stranger, 192.0.2.3 the PBX,
# 192.0.2.4 a peer with a flow added by hand, 192.0.2.5 a registrar).
# busybox's ip names the peer itself.
ip link add crDw type veth || { bad "a veth pair"; finish; }
peer=$(ip -o link show crDw | sed -n 's/^[0-9]*: crDw@\([^:]*\):.*/\1/p')
ip link set "$peer" name crDp
unshare -n sleep 600 &
holder=$!
i=0
while [ "$(readlink /proc/$holder/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $i -lt 100 ]; do
	usleep 50000
	i=$((i + 1))
done
ip link set crDp netns "$holder"
ip addr add 192.0.2.1/24 dev crDw
ip link set crDw up
ns() { nsenter -t "$holder" -n "$@"; }
ns ip link set lo up
ns ip addr add 192.0.2.2/24 dev crDp
ns ip addr add 192.0.2.3/24 dev crDp
ns ip addr add 192.0.2.4/24 dev crDp
ns ip addr add 192.0.2.5/24 dev crDp
ns ip link set crDp up

# one round: what arrives at 192.0.2.1:5060 of INVITEs from the sources
# given, then of an OPTIONS from 192.0.2.2 that ends the round
round() {
	"$UDP" recv 192.0.2.1 5060 20 > /tmp/crD-got &
	r=$!
	usleep 200000
	for src in "$@"; do
		ns "$UDP" send "$src" 192.0.2.1 5060 INVITE
	done
	ns "$UDP" send 192.0.2.2 192.0.2.1 5060 OPTIONS
	wait "$r"
}

round 192.0.2.2
expect "without sipguard the orphan INVITE arrives" grep -qx 'INVITE 192.0.2.2' /tmp/crD-got

# attach with the build in $1; 0 when attached; else checks the refusal
try_attach() {
	SG=$1/sipguard
	out=$("$SG" attach crDw 2>&1) && { echo "$out" | sed 's/^/   /'; return 0; }
	echo "$out" | head -3 | sed 's/^/   /'
	if echo "$out" | grep -q "has no BTF of its own"; then
		expect "$SG refused, naming the kernel BTF it lacks" [ ! -e /sys/kernel/btf/vmlinux ]
	elif echo "$out" | grep -q "without its JIT compiler"; then
		expect "$SG refused, naming the BPF JIT it lacks" \
			[ ! -e /proc/sys/net/core/bpf_jit_enable ]
	else
		bad "$SG refused for a cause this kernel does not explain"
	fi
	return 1
}

if ! try_attach "$b"; then
	if [ -e /proc/sys/net/core/bpf_jit_enable ] || [ ! -e /sys/kernel/btf/vmlinux ] ||
	   [ ! -x "$b/nol7/sipguard" ]; then
		echo "skipped: the veth test with sipguard and the unit tests: this kernel cannot" \
			"run sipguard's programs ($([ -e /sys/kernel/btf/vmlinux ] || printf 'no kernel BTF; ')$(
			[ -e /proc/sys/net/core/bpf_jit_enable ] || printf 'no BPF JIT'))"
		finish
	fi
	echo "== no BPF JIT: the build without layer 7, $b/nol7"
	b=$b/nol7
	UDP=$b/tests/sgudp
	try_attach "$b" || finish
	out=$("$SG" ua add friendly-scanner 2>&1)
	expect "ua add refused by the build without layer 7" \
		eval 'echo "$out" | grep -q "built without them"'
fi
ok "attach"
"$SG" allow add 192.0.2.3 >/dev/null || bad "allow add"
"$SG" flows add 192.0.2.4 5060 >/dev/null || bad "flows add"
# the LAN's REGISTER out through crDw: the learner makes the flow
"$UDP" send 192.0.2.1 192.0.2.5 5060 REGISTER
round 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5
expect "the orphan INVITE is dropped" eval '! grep -qx "INVITE 192.0.2.2" /tmp/crD-got'
expect "the allowlisted INVITE arrives" grep -qx 'INVITE 192.0.2.3' /tmp/crD-got
expect "the INVITE on a flow added by hand arrives" grep -qx 'INVITE 192.0.2.4' /tmp/crD-got
expect "the INVITE on the learned flow arrives" grep -qx 'INVITE 192.0.2.5' /tmp/crD-got
expect "the OPTIONS after them arrives" grep -qx 'OPTIONS 192.0.2.2' /tmp/crD-got
drops=$("$SG" --json stats crDw | tr -d ' \n' | tr '{' '\n' |
	grep '"reason":"orphan_invite".*"verdict":"drop"' | sed -n 's/^"packets":\([0-9]*\),.*/\1/p')
expect "one orphan_invite drop counted (got '$drops')" [ "$drops" = 1 ]
cleanup
holder=
SG=

echo "== $b/tests/test_xdp"
"$b/tests/test_xdp" > /tmp/crD-xdp 2>&1
st=$?
grep -v '^ok ' /tmp/crD-xdp
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' /tmp/crD-xdp | tail -1)
if [ -z "$line" ]; then
	bad "test_xdp ended without a summary (exit $st)"
else
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	[ "$st" = 0 ] || [ "$f" != 0 ] || f=1
	pass=$((pass + p))
	fail=$((fail + f))
	case "$line" in
	*skipped*) k=${line##*failed, }; skipped=${k%% skipped*} ;;
	esac
fi
finish
