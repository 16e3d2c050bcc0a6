#!/usr/bin/env bash
# Sharing the hooks (issue 14): sipguard beside other XDP programs, in
# libxdp's multi-program dispatcher with xdp-filter, and beside other TC
# egress programs (a tcx link, a clsact filter) on the same device: both
# programs' verdicts seen, each detached alone while the other goes on.
# Topology and traffic: tests/e2e/topo.sh; the other TC program and its tcx
# loader: tests/share/.
#
# The suite runs in a mount namespace of its own with a bpffs of its own at
# /sys/fs/bpf: xdp-filter keeps its maps, and libxdp its dispatchers'
# links, under fixed names there (xdp-filter/, xdp/), which every other
# xdp-filter on this machine would otherwise share.
if [ -z "${SG_SHARE_MNTNS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "these tests need root"
		exit 1
	fi
	exec env SG_SHARE_MNTNS=1 unshare --mount --propagation private bash "$0" "$@"
fi
if ! mount -t bpf bpf /sys/fs/bpf; then
	echo "cannot mount a bpffs of the suite's own at /sys/fs/bpf"
	echo "0 passed, 1 failed"
	exit 1
fi
. "$(dirname "$0")/lib.sh"
need_root

. "$(dirname "$0")/e2e/topo.sh"

COUNT_OBJ=$SG_TOP/build/tests/count_egress.bpf.o
TCXLOAD=$SG_TOP/build/tests/tcxload
XPORT=7777	# the port xdp-filter drops

in_phone() { nsenter --net="/run/netns/$PHONE" "$@"; }
xf() { in_phone xdp-filter "$@"; }
tcp() { tc -n "$PHONE" "$@"; }

# The XDP program on the WAN device (libxdp's dispatcher, or one alone).
xdp_prog_name() {
	ip -n "$PHONE" -d link show dev "$WAN" |
		sed -n 's/.*prog\/xdp[a-z]* id [0-9]* name \([^ ]*\).*/\1/p'
}

# Does this kernel have extension (freplace) programs, which libxdp's
# dispatcher needs?
have_freplace() {
	bpftool feature probe kernel 2>/dev/null | grep -q "program_type ext is available"
}

# xdp-filter's hit counter of port $XPORT.
xf_hits() { xf status | awk -v p=$XPORT '$1 == p { print $NF; exit }'; }

# The programs in the dispatcher, in their order, as xdp-loader lists them.
dispatched() { in_phone xdp-loader status "$WAN" | awk '$1 == "=>" { print $3 }' | paste -sd' '; }

# A second listener, on the port xdp-filter drops (its log: $XLOG).
start_xport_listener() {
	XLOG=$(mktemp /tmp/sgt-share.XXXXXX)
	cleanup_add "rm -f $XLOG"
	ip netns exec "$PHONE" python3 "$SIPUDP" listen --bind :: --port $XPORT --out "$XLOG" &
	cleanup_add "kill $! 2>/dev/null"
	local i
	for i in $(seq 50); do
		ip netns exec "$PHONE" ss -Hlun "sport = :$XPORT" | grep -q . && return 0
		sleep 0.1
	done
	fail "listener on $XPORT did not start"
}

# arrived_x TAG: like arrived, at the listener of port $XPORT.
arrived_x() { LOG=$XLOG arrived "$1"; }

# The dispatcher and xdp-filter's maps go with the device and this test.
xdp_filter_cleanup() {
	cleanup_add "xf unload --all; rm -rf /sys/fs/bpf/xdp-filter /sys/fs/bpf/xdp"
}

status_field() { sg status --json | jq -r ".interfaces[0].$1"; }

# ---- XDP: libxdp's dispatcher ----

# xdp-filter first; sipguard joins its dispatcher, is replaced there, and
# leaves it, while xdp-filter keeps dropping its port.
test_xdp_joins_xdp_filter_and_leaves_it() {
	check "topology" setup
	start_xport_listener
	xdp_filter_cleanup
	check "xdp-filter loads" xf load "$WAN"
	check "xdp-filter drops port $XPORT" xf port $XPORT
	[ "$(xdp_prog_name)" = xdp_dispatcher ] ||
		skip "no freplace programs on this kernel: libxdp loaded xdp-filter without its dispatcher"
	local out st prog
	out=$(sg attach "$WAN" 2>&1)
	check "sipguard joins the dispatcher at priority 30: $out" grep -Eq \
		"^sipguard attached to $WAN \((native|generic) XDP in libxdp's dispatcher at priority 30, learner on, layer-7 rules off: they cannot run in libxdp's dispatcher\): " <<<"$out"
	expect_eq "xdp-filter (10) runs first, then sipguard (30)" \
		"xdpfilt_alw_all sipguard_xdp" "$(dispatched)"
	st=$(sg status --json)
	expect_eq "status: hook, priority, place" "dispatcher 30 2 2 false" \
		"$(jq -r '.interfaces[0] | "\(.xdp_hook) \(.priority) \(.dispatcher_position) \(.dispatcher_programs) \(.layer7)"' <<<"$st")"
	check "status text says so" grep -Eq \
		"^$WAN: ifindex [0-9]+, link ethernet, (native|generic) XDP in libxdp's dispatcher \(priority 30, program 2 of 2, dispatcher id [0-9]+\), prog id [0-9]+, learner on" <<<"$(sg status)"
	expect_exit 0 "^Warning: $WAN runs sipguard in libxdp's dispatcher, where the layer-7 rules do not run" \
		sg ua add friendly-scanner

	send $SCAN4 scan 5
	send $SCAN4 opt 5 --method OPTIONS
	send $SCAN4 xf 5 --port $XPORT --method OPTIONS
	expect_eq "orphan INVITEs dropped by sipguard" 5 "$(counter_reaches orphan_invite drop 5)"
	expect_eq "orphan INVITEs at the phone" 0 "$(arrived scan)"
	expect_eq "OPTIONS to 5060 at the phone" 5 "$(arrived opt)"
	expect_eq "port $XPORT at the phone" 0 "$(arrived_x xf)"
	expect_eq "xdp-filter's hits on port $XPORT" 5 "$(xf_hits)"
	expect_eq "sipguard saw only the OPTIONS to 5060 (xdp-filter ran first)" 5 \
		"$(counter sip_request pass)"

	# replaced in the dispatcher: the new program alone, at its priority
	prog=$(jq -r '.interfaces[0].prog_id' <<<"$st")
	expect_exit 0 "^sipguard replaced on $WAN \((native|generic) XDP in libxdp's dispatcher at priority 30, learner on, monitor" \
		sg attach "$WAN" --monitor
	check "a new program" test "$(status_field prog_id)" != "$prog"
	expect_eq "one sipguard beside xdp-filter" "xdpfilt_alw_all sipguard_xdp" "$(dispatched)"
	send $SCAN4 mon 3
	expect_eq "monitor: orphan INVITEs pass (none dropped by a program left behind)" 3 "$(arrived mon)"

	check "detach sipguard" sg detach "$WAN"
	expect_eq "xdp-filter alone in the dispatcher" xdpfilt_alw_all "$(dispatched)"
	check "nothing pinned" test ! -e "$SIPGUARD_PIN_PATH"
	send $SCAN4 after 3
	send $SCAN4 xf2 3 --port $XPORT --method OPTIONS
	expect_eq "INVITEs ring again" 3 "$(arrived after)"
	expect_eq "xdp-filter still drops port $XPORT" 0 "$(arrived_x xf2)"
	expect_eq "xdp-filter's hits" 8 "$(xf_hits)"
}

# sipguard first, in a dispatcher of its own (--dispatcher); xdp-filter
# joins it, runs first by its priority, and leaves it, while sipguard
# keeps dropping orphan INVITEs.
test_xdp_dispatcher_first_xdp_filter_joins_and_leaves() {
	have_freplace || skip "no freplace programs on this kernel: no dispatcher to share"
	check "topology" setup
	start_xport_listener
	xdp_filter_cleanup
	expect_exit 0 "^sipguard attached to $WAN \((native|generic) XDP in libxdp's dispatcher at priority 30, " \
		sg attach "$WAN" --dispatcher
	expect_eq "sipguard alone in its dispatcher" sipguard_xdp "$(dispatched)"
	check "xdp-filter joins" xf load "$WAN"
	check "xdp-filter drops port $XPORT" xf port $XPORT
	expect_eq "xdp-filter (10) runs first, then sipguard (30)" \
		"xdpfilt_alw_all sipguard_xdp" "$(dispatched)"
	expect_eq "status: place" "2 2" "$(sg status --json | jq -r '.interfaces[0] | "\(.dispatcher_position) \(.dispatcher_programs)"')"

	send $SCAN4 scan 5
	send $SCAN4 xf 5 --port $XPORT --method OPTIONS
	expect_eq "orphan INVITEs dropped by sipguard" 5 "$(counter_reaches orphan_invite drop 5)"
	expect_eq "orphan INVITEs at the phone" 0 "$(arrived scan)"
	expect_eq "port $XPORT at the phone" 0 "$(arrived_x xf)"
	expect_eq "xdp-filter's hits on port $XPORT" 5 "$(xf_hits)"
	expect_eq "sipguard never saw them" 0 "$(counter sip_request pass)"

	check "xdp-filter unloads" xf unload "$WAN"
	expect_eq "sipguard alone again" sipguard_xdp "$(dispatched)"
	expect_eq "status: still attached" "attached 1" "$(sg status --json | jq -r '.interfaces[0] | "\(.state) \(.dispatcher_programs)"')"
	send $SCAN4 scan2 3
	send $SCAN4 xf2 3 --port $XPORT --method OPTIONS
	expect_eq "orphan INVITEs still dropped" 8 "$(counter_reaches orphan_invite drop 8)"
	expect_eq "orphan INVITEs at the phone" 0 "$(arrived scan2)"
	expect_eq "port $XPORT delivered now" 3 "$(arrived_x xf2)"

	check "detach" sg detach "$WAN"
	expect_eq "no XDP program left" "" "$(xdp_prog_name)"
	check "nothing pinned" test ! -e "$SIPGUARD_PIN_PATH"
}

# The interface goes (an unplugged modem, a ppp link that drops) while
# sipguard is in its dispatcher: detach still removes everything of ours.
test_xdp_dispatcher_interface_gone() {
	have_freplace || skip "no freplace programs on this kernel: no dispatcher to share"
	check "topology" setup
	xdp_filter_cleanup
	check "attach" sg attach "$WAN" --dispatcher
	check "the interface goes" ip -n "$PHONE" link del "$WAN"
	expect_exit 0 "^sipguard detached from $WAN; nothing left pinned" sg detach "$WAN"
	check "nothing pinned" test ! -e "$SIPGUARD_PIN_PATH"
}

# A program attached without the dispatcher owns the hook: refused by name.
test_xdp_program_without_dispatcher_refused() {
	check "topology" setup
	start_xport_listener
	xdp_filter_cleanup
	check "xdp-filter loads without the dispatcher" \
		env LIBXDP_SKIP_DISPATCHER=1 nsenter --net="/run/netns/$PHONE" xdp-filter load "$WAN"
	check "xdp-filter drops port $XPORT" xf port $XPORT
	expect_eq "xdp-filter's own program on the hook" xdpfilt_alw_all "$(xdp_prog_name)"
	expect_exit 1 "^Error: $WAN already has XDP program 'xdpfilt_alw_all' \(id [0-9]+\), attached without libxdp's dispatcher: detach it first, or load it with xdp-loader so that sipguard can run beside it$" \
		sg attach "$WAN"
	expect_exit 1 "attached without libxdp's dispatcher" sg attach "$WAN" --dispatcher
	check "nothing pinned" test ! -e "$SIPGUARD_PIN_PATH"
	send $SCAN4 xf 3 --port $XPORT --method OPTIONS
	expect_eq "xdp-filter still drops port $XPORT" 0 "$(arrived_x xf)"
	expect_eq "xdp-filter's hits" 3 "$(xf_hits)"
}

# Where the kernel cannot run the dispatcher, --dispatcher says why.
test_xdp_dispatcher_needs_freplace() {
	have_freplace && skip "this kernel has freplace programs (the dispatcher tests use them)"
	check "topology" setup
	expect_exit 1 "^Error: this kernel \(Linux [^)]*\) has no extension \(freplace\) programs, which libxdp's dispatcher runs its programs as" \
		sg attach "$WAN" --dispatcher
	expect_eq "no XDP program" "" "$(xdp_prog_name)"
	check "nothing pinned" test ! -e "$SIPGUARD_PIN_PATH"
}

# ---- TC egress: tcx links and clsact filters ----

# The other program as a clsact filter at PRIO (tc: the way most tools
# attach TC programs); the qdisc is made if missing.
add_clsact_other() {
	tcp qdisc show dev "$WAN" | grep -q clsact || tcp qdisc add dev "$WAN" clsact || return 1
	tcp filter add dev "$WAN" egress prio "$1" handle 1 bpf da obj "$COUNT_OBJ" sec tc
}
has_clsact_other() { tcp filter show dev "$WAN" egress | grep -q other_egress; }
has_clsact() { tcp qdisc show dev "$WAN" | grep -q clsact; }

# map_u64 ARGS...: the first value of a map (bpftool map dump ARGS), with
# or without BTF.
map_u64() {
	bpftool -j map dump "$@" | python3 -c '
import json, sys
v = json.load(sys.stdin)[0]
v = v.get("formatted", v)["value"]
print(v if isinstance(v, int) else int.from_bytes(bytes(int(b, 16) for b in v), "little"))'
}

clsact_count() {
	local id map
	id=$(tcp filter show dev "$WAN" egress | sed -n 's/.* id \([0-9]*\) name other_egress .*/\1/p' | head -1)
	map=$(bpftool -j prog show id "$id" | jq -r '.map_ids[0]')
	map_u64 id "$map"
}

# The other program as a tcx link at the end of the egress list (tcxload):
# 0, or 1 where the kernel has no tcx.
OTHER_DIR=
add_tcx_other() {
	OTHER_DIR=/sys/fs/bpf/share-other
	mkdir -p "$OTHER_DIR"
	cleanup_add "rm -rf $OTHER_DIR"
	in_phone "$TCXLOAD" "$COUNT_OBJ" "$(ip -n "$PHONE" -o link show "$WAN" | cut -d: -f1)" "$OTHER_DIR"
}
tcx_count() { map_u64 pinned "$OTHER_DIR/count"; }

# phone_send TAG SPORT: a REGISTER from the phone to the PBX, out of the WAN
# device; learned: the learner made the flow for it.
phone_send() {
	ip netns exec "$PHONE" python3 "$SIPUDP" send --src $PHONE4 --dst $PBX4 \
		--port 5060 --sport "$2" --method REGISTER --tag "$1"
}
learned() {
	local i
	for i in $(seq 50); do
		sg flows list | grep -Eq "^$PBX4 +5060 +$1 " && return 0
		sleep 0.1
	done
	return 1
}
# above N COUNTER...: the counter passes N (within 5 s).
above() {
	local n=$1 i; shift
	for i in $(seq 50); do
		[ "$("$@")" -gt "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
no_learner() {
	! tcp filter show dev "$WAN" egress | grep -q sipguard_learn &&
		test ! -e "$SIPGUARD_PIN_PATH/if_$WAN/tc_link"
}

# The others first (a clsact filter that runs before sipguard's, and a tcx
# link where the kernel has tcx); sipguard joins both hooks; the clsact one
# leaves first, then sipguard, and the tcx one goes on.
test_tc_others_first_then_sipguard() {
	check "topology" setup
	check "the other as a clsact filter" add_clsact_other 1
	local tcx=1 hook=clsact c t
	add_tcx_other || tcx=0
	[ $tcx = 1 ] && hook=tcx
	check "attach" sg attach "$WAN"
	expect_eq "the learner's hook" $hook "$(status_field learner_hook)"
	c=$(clsact_count)
	[ $tcx = 0 ] || t=$(tcx_count)
	phone_send reg1 5071
	check "sipguard learns the flow" learned 5071
	check "the clsact program counts" above "$c" clsact_count
	[ $tcx = 0 ] || check "the tcx program counts" above "$t" tcx_count

	check "the clsact program goes" tcp filter del dev "$WAN" egress prio 1 handle 1 bpf
	phone_send reg2 5072
	check "sipguard still learns" learned 5072

	check "detach" sg detach "$WAN"
	check "sipguard's learner is gone" no_learner
	check "the clsact qdisc, not sipguard's, stays" has_clsact
	if [ $tcx = 1 ]; then
		c=$(tcx_count)
		phone_send reg3 5073
		check "the tcx program still counts" above "$c" tcx_count
	fi
}

# sipguard first; the others after it (a clsact filter at a priority after
# sipguard's, and a tcx link at the end of the list) see the packets too,
# as sipguard's learner lets the programs after it run.  The tcx one leaves
# first, then sipguard, and the clsact one goes on, also on the clsact
# qdisc that sipguard made where the kernel has no tcx.
test_tc_sipguard_first_then_others() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "the other as a clsact filter after sipguard's" add_clsact_other 49152
	local tcx=1 c t
	add_tcx_other || tcx=0
	c=$(clsact_count)
	[ $tcx = 0 ] || t=$(tcx_count)
	phone_send reg1 5081
	check "sipguard learns the flow" learned 5081
	check "the clsact program counts" above "$c" clsact_count
	if [ $tcx = 1 ]; then
		check "the tcx program counts" above "$t" tcx_count
		check "the tcx program goes" rm "$OTHER_DIR/link"
		phone_send reg2 5082
		check "sipguard still learns" learned 5082
	fi

	check "detach" sg detach "$WAN"
	check "sipguard's learner is gone" no_learner
	check "the clsact program stays" has_clsact_other
	check "and its qdisc" has_clsact
	c=$(clsact_count)
	phone_send reg3 5083
	check "the clsact program still counts" above "$c" clsact_count
}

run_tests "$@"
