#!/usr/bin/env bash
# End-to-end tests of the flow table with real SIP software behind a real
# NAT (tests/nat/topo.sh): a phone (sipp) behind an nftables router, a PBX
# (kamailio) and callers (sipp) on the internet side, sipguard on the
# router's WAN device.  What each test shows:
#
#   1  CRLF or STUN keep-alives alone keep a phone's flow open past the
#      flow timeout, and without them the PBX's call is dropped;
#   2  a REGISTER's Expires keeps the flow for its lifetime, Expires: 0
#      ends it;
#   3  under `unknown-invite inspect` a direct call that the phone answers
#      becomes a dialog: its re-INVITE (To tag) reaches the phone, a
#      To-tagged INVITE out of the blue does not;
#   4  a second LAN host spraying REGISTERs at 50 000 destinations, aimed
#      at the phone's flow set, cannot push the phone's registration out;
#   5  the daemon saves the flows at stop and restores them at start, so
#      after a restart with every pin gone the PBX's call still rings,
#      on a flow whose origin says it came from the state file.
#
# The PBX is never allowlisted: only the flow lets its INVITE in.  "Reached
# the phone" is what a capture on the phone's interface (or the phone's
# sipp) saw, not only counters.  Every test builds its own topology and
# removes it, pass or fail.
. "$(dirname "$0")/lib.sh"
. "$SG_TOP/tests/nat/topo.sh"

FLOWSPRAY=${FLOWSPRAY:-$SG_TOP/build/tests/flowspray}
STRANGER_IP=198.51.100.30	# a direct caller, unknown to the phone
SPRAY_NS=${SG_NS_PREFIX}spr
SPRAY_IP=192.0.2.20		# the second LAN host
SPRAY_COUNT=${SPRAY_COUNT:-50000}
SPRAY_AIMED=32			# flows of one pair in the phone's two sets: 16 fill them, the rest evict
KA_PID=
DAEMON_PID=

refute() {
	local what=$1; shift
	if "$@"; then
		fail "$what"
		exit 1
	fi
}

# ---- readers ------------------------------------------------------------------

# sg_flowstat NAME: a flow-table counter of `stats --json` (learned,
# evicted, not_recorded, keepalive_refreshed, unregistered, dialogs, ...).
sg_flowstat() { sg stats --json | jq -r --arg n "$1" '.learner[$n] // "none"'; }

# sg_flow_field REMOTE LOCAL_PORT FIELD [FILE]: a field of the learned
# flow, from `flows list --json` now or as saved in FILE.
sg_flow_field() {
	if [ -n "${4:-}" ]; then cat "$4"; else sg flows list --json; fi |
		jq -r --arg a "$1" --argjson p "$2" --arg f "$3" \
		'[.[] | select(.remote == $a and .local_port == $p and .static == false)
		  | .[$f]] | first // "none" | if type == "array" then join(",") else . end'
}

flow_gone() { [ "$(sg_flow_state "$1" "$2")" = none ]; }
flow_active() { [ "$(sg_flow_state "$1" "$2")" = active ]; }

# invites_with ADDR TEXT: INVITEs from ADDR with TEXT in them that reached
# the phone.
invites_with() {
	sleep 0.3
	tcpdump -r "$TOPO_RUN/phone.pcap" -nn -q -A "udp and src host $1" 2>/dev/null |
		grep -a -c "$2"
}

# ---- the phone's side -----------------------------------------------------------

# keepalives_start MS [crlf|stun]: the phone sends a keep-alive from its
# SIP port to the PBX every MS milliseconds, as phones do between
# registrations, until keepalives_stop: a CRLF ping ("\r\n\r\n", RFC 5626)
# or a STUN binding request (RFC 5389).
keepalives_start() {
	ip netns exec "$LAN_NS" python3 -c "$KEEPALIVE_PY" $PHONE_IP $PBX_IP "$1" "${2:-crlf}" \
		>"$TOPO_RUN/keepalives.log" 2>&1 &
	KA_PID=$!
	cleanup_add keepalives_stop
}

# keepalive_to DST crlf|stun: one keep-alive from the phone's SIP port to
# DST:5060.
keepalive_to() {
	ip netns exec "$LAN_NS" python3 -c "$KEEPALIVE_PY" $PHONE_IP "$1" 0 "$2"
}

KEEPALIVE_PY='
import os, socket, struct, sys, time
src, dst, ms, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
s.bind((src, 0))
while True:
    if kind == "stun":
        data = struct.pack("!HHI", 1, 0, 0x2112A442) + os.urandom(12)
    else:
        data = b"\r\n\r\n"
    s.sendto(struct.pack("!HHHH", 5060, 5060, 8 + len(data), 0) + data, (dst, 0))
    if not ms:
        break
    time.sleep(ms / 1000)
'

keepalives_stop() {
	[ -n "$KA_PID" ] && kill "$KA_PID" 2>/dev/null && wait "$KA_PID" 2>/dev/null
	KA_PID=
	return 0
}

# unregister: the phone ends its registration (REGISTER with Expires: 0)
# from its SIP port, through its NAT mapping.
unregister() {
	printf '%s\r\n' "REGISTER sip:$PBX_IP SIP/2.0" \
		"Via: SIP/2.0/UDP $PHONE_IP:5060;branch=z9hG4bK-unreg$$;rport" \
		"Max-Forwards: 70" "From: <sip:$PHONE_USER@$PBX_IP>;tag=unreg$$" \
		"To: <sip:$PHONE_USER@$PBX_IP>" "Call-ID: unreg$$@$PHONE_IP" \
		"CSeq: 2 REGISTER" "Contact: <sip:$PHONE_USER@$PHONE_IP:5060>" \
		"Expires: 0" "User-Agent: sipguard-test-phone" "Content-Length: 0" "" |
		udp_send "$LAN_NS" $PHONE_IP 5060 $PBX_IP 5060
}

# pbx_direct_invite: an INVITE from the PBX's address (another port than
# kamailio's) straight to the phone's public port, as a PBX that still
# holds the phone's old binding sends it.  0 when the phone answered.
pbx_direct_invite() {
	sipp_run pbx-direct caller.xml $PBX_IP $RTR_WAN_IP:"$MAPPED" -p 5070 -s $PHONE_USER -timeout 4
}

# ---- setups -------------------------------------------------------------------

# topology: tests/nat/topo.sh's, with the router keeping a UDP mapping
# 10 minutes after its last packet (home routers keep them minutes, not
# Linux's 30 s): under emulation a test runs longer than 30 s, and the
# phone's NAT mapping must not be what ends first.
topology() {
	topo_up || return 1
	in_rtr sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
		net.netfilter.nf_conntrack_udp_timeout_stream=600
}

# setup TIMEOUT: the topology, kamailio, the capture, sipguard attached
# with flow-timeout TIMEOUT (before the phone's first REGISTER: a flow
# gets its lifetime when it is learned), then the phone registered
# (PHONE_SCENARIO, PHONE_EXPIRES).  Sets MAPPED, the phone's public port.
setup() {
	check "topology" topology
	check "kamailio" pbx_start
	check "capture on the phone" capture_start
	check "sipguard attach" sg_attach
	check "sipguard set flow-timeout $1" sg set flow-timeout "$1"
	check "the phone registers" phone_start
	MAPPED=$(phone_mapped_port)
	expect_ge "the phone's NAT-mapped port (conntrack)" 1024 "$MAPPED"
	check "PBX stores the mapping" test "$(pbx_contact)" = "sip:$RTR_WAN_IP:$MAPPED"
	# (learned: with a flow timeout of seconds it may have run out by
	# now on an emulated machine)
	check "flow learned from the REGISTER" test "$(sg_flow_state $PBX_IP "$MAPPED")" != none
	expect_eq "allowlist entries (the PBX must not be allowlisted)" 0 \
		"$(sg allow list --json | jq length)"
}

# ---- 1: keep-alives ---------------------------------------------------------------

test_1_keepalives_keep_the_phone_reachable_past_the_flow_timeout() {
	# No lifetime in the REGISTER: the registrar grants 600 s, sipguard
	# the flow timeout (3 s); the phone does not register again.
	PHONE_SCENARIO=phone_register_noexpires.xml
	setup 3
	expect_eq "the flow's lifetime (the flow timeout)" 3 \
		"$(sg_flow_field $PBX_IP "$MAPPED" lifetime_s)"

	# Without keep-alives the flow runs out, and with it the PBX's call.
	sleep 4
	expect_eq "the flow after 4 s of silence" expired "$(sg_flow_state $PBX_IP "$MAPPED")"
	local drops
	drops=$(sg_packets orphan_invite drop)
	refute "the PBX's call completed over an expired flow" call_phone
	expect_eq "PBX INVITEs that reached the phone" 0 "$(invites_from $PBX_IP)"
	expect_ge "orphan_invite drops of the PBX's INVITE" $((drops + 1)) \
		"$(sg_packets orphan_invite drop)"

	# The phone registers again and then only sends CRLF keep-alives,
	# each second, for longer than the flow timeout.
	check "the phone registers again" phone_reregister
	expect_eq "the NAT mapping is the same" "$MAPPED" "$(phone_mapped_port)"
	keepalives_start 1000 crlf
	sleep 5
	expect_eq "the flow after 5 s of CRLF keep-alives" active "$(sg_flow_state $PBX_IP "$MAPPED")"
	expect_ge "flow refreshes by keep-alives" 3 "$(sg_flowstat keepalive_refreshed)"
	check "the PBX's call completes (INVITE, 200, ACK, BYE)" call_phone
	expect_ge "PBX INVITEs that reached the phone" 1 "$(invites_from $PBX_IP)"
	expect_ge "INVITEs passed as established" 1 "$(sg_packets established pass)"
	keepalives_stop

	# STUN binding requests keep it the same way.
	local before
	before=$(invites_from $PBX_IP)
	keepalives_start 1000 stun
	sleep 5
	expect_eq "the flow after 5 s of STUN keep-alives" active "$(sg_flow_state $PBX_IP "$MAPPED")"
	check "the PBX's call completes again" call_phone
	expect_ge "PBX INVITEs that reached the phone" $((before + 1)) "$(invites_from $PBX_IP)"
	keepalives_stop

	# A keep-alive refreshes a flow, it never makes one.
	check "a CRLF keep-alive to the scanner" keepalive_to $SCANNER_IP crlf
	check "a STUN binding request to the scanner" keepalive_to $SCANNER_IP stun
	sleep 0.3
	expect_eq "flows naming the scanner" 0 "$(sg_flows_from $SCANNER_IP)"
	topo_passed
}

# ---- 2: registration lifetime ------------------------------------------------------

test_2_register_expires_sets_the_lifetime_and_expires_0_ends_it() {
	PHONE_EXPIRES=600
	setup 3
	# anyone may reach the phone's public port (as in full-cone NATs),
	# so the PBX may too from another port than its registrar's
	check "open the mapping" topo_open_mapping "$MAPPED"
	# 600 s and the margin (600/8 + 32 s), not the 3 s flow timeout
	expect_eq "the flow's lifetime" $((600 + 600 / 8 + 32)) \
		"$(sg_flow_field $PBX_IP "$MAPPED" lifetime_s)"
	expect_eq "the flow's marks" answered,registered,registration \
		"$(sg_flow_field $PBX_IP "$MAPPED" flags)"

	# Longer than the flow timeout, with nothing on the flow: the
	# registration keeps it.
	sleep 4
	expect_eq "the flow after 4 s of silence" active "$(sg_flow_state $PBX_IP "$MAPPED")"
	check "the PBX's call completes" call_phone
	expect_ge "PBX INVITEs that reached the phone" 1 "$(invites_from $PBX_IP)"
	check "an INVITE from the PBX's address to port $MAPPED is answered" pbx_direct_invite

	# The phone ends its registration: the flow ends with it, and an
	# INVITE from the PBX's address (a PBX that kept the old binding)
	# no longer gets in.
	local before drops
	before=$(invites_from $PBX_IP)
	drops=$(sg_packets orphan_invite drop)
	check "the phone sends REGISTER with Expires: 0" unregister
	check "the flow ends" wait_for 30 flow_gone $PBX_IP "$MAPPED"
	expect_ge "flows ended by expires 0" 1 "$(sg_flowstat unregistered)"
	refute "an INVITE from the PBX's address was answered after Expires: 0" pbx_direct_invite
	expect_eq "PBX INVITEs that reached the phone" "$before" "$(invites_from $PBX_IP)"
	expect_ge "orphan_invite drops" $((drops + 1)) "$(sg_packets orphan_invite drop)"
	topo_passed
}

# ---- 3: dialogs after inspect ------------------------------------------------------

# phone_callee_start: the phone as sipp taking one direct call
# (phone_dialog.xml), in the background; PHONE_PID.
phone_callee_start() {
	PHONE_LOG=$TOPO_RUN/callee.log
	ip netns exec "$LAN_NS" sipp -sf "$NAT_DIR/phone_dialog.xml" -i $PHONE_IP -p 5060 \
		-s $PHONE_USER -m 1 -nostdin -timeout 30 -timeout_error \
		-trace_msg -message_file "$TOPO_RUN/callee.msg" \
		-trace_logs -log_file "$PHONE_LOG" \
		-trace_err -error_file "$TOPO_RUN/callee.err" >"$TOPO_RUN/callee.out" 2>&1 &
	PHONE_PID=$!
	wait_for 50 udp_listening "$LAN_NS" "$PHONE_IP:5060"
}

test_3_inspect_makes_a_dialog_of_an_answered_direct_call() {
	check "topology" topology
	ip -n "$INET_NS" addr add $STRANGER_IP/32 dev lo || exit 1
	check "capture on the phone" capture_start
	check "sipguard attach" sg_attach
	local out
	if ! out=$(sg set unknown-invite inspect 2>&1); then
		grep -q "Linux 5.18" <<<"$out" && skip "unknown-invite inspect needs Linux 5.18"
		fail "sipguard set unknown-invite inspect: $out"
		exit 1
	fi
	check "the phone waits for a call" phone_callee_start

	# A To tag says "inside a dialog"; with no call before it, it is a
	# lie, and inspect drops it.
	refute "a To-tagged INVITE out of the blue was answered" \
		sipp_run tagged tagged_invite.xml $STRANGER_IP $RTR_WAN_IP:5060 -s $PHONE_USER
	expect_eq "INVITEs from the stranger that reached the phone" 0 "$(invites_from $STRANGER_IP)"
	expect_ge "to_tag drops" 1 "$(sg_packets to_tag drop)"

	# The stranger's call: inspect lets the INVITE in, the phone answers
	# 200, and the session refresh (a re-INVITE with the To tag) is let
	# in as part of the dialog.  Both sipps end their scenario.
	check "the direct call with its re-INVITE completes (caller's side)" \
		sipp_run direct direct_call.xml $STRANGER_IP $RTR_WAN_IP:5060 -s $PHONE_USER -timeout 10
	local rc=0
	wait "$PHONE_PID" || rc=$?
	PHONE_PID=
	expect_eq "the phone's sipp exit status" 0 "$rc"
	check "the phone saw the re-INVITE" grep -q "re-INVITE in the dialog" "$PHONE_LOG"
	expect_ge "initial INVITEs that reached the phone" 1 \
		"$(invites_with $STRANGER_IP "CSeq: 1 INVITE")"
	expect_ge "re-INVITEs that reached the phone" 1 \
		"$(invites_with $STRANGER_IP "CSeq: 2 INVITE")"
	expect_ge "INVITEs passed by inspect" 1 "$(sg_packets invite_inspected pass)"
	expect_ge "INVITEs passed as established (the re-INVITE)" 1 \
		"$(sg_packets established pass)"
	expect_eq "dialogs made" 1 "$(sg_flowstat dialogs)"
	expect_eq "the dialog flow's marks" dialog \
		"$(sg_flow_field $STRANGER_IP 5060 flags)"
	topo_passed
}

# ---- 4: a sprayer on the LAN ------------------------------------------------------

# spray_host_up: a second LAN host (SPRAY_IP) on its own link to the
# router.  Its datagrams bypass conntrack (50 000 entries would only slow
# the router down), so they leave with their LAN source port: the sprayer
# chooses the local port of each flow and can aim at the phone's set.
# Whatever answers them comes back to it the same way.
spray_host_up() {
	ns_add "$SPRAY_NS" || return 1
	ip link add eth0 netns "$SPRAY_NS" type veth peer name lan1 netns "$RTR_NS" || return 1
	ip -n "$SPRAY_NS" -batch - <<-EOF || return 1
	addr add $SPRAY_IP/32 dev eth0
	link set eth0 up
	route add $RTR_LAN_IP dev eth0
	route add default via $RTR_LAN_IP
	EOF
	ip -n "$RTR_NS" -batch - <<-EOF || return 1
	link set lan1 up
	route add $SPRAY_IP/32 dev lan1
	EOF
	in_rtr nft -f - <<-EOF || return 1
	table ip sgspray {
		chain raw {
			type filter hook prerouting priority raw; policy accept;
			iifname "lan1" notrack
			iifname "$WAN_IF" ip daddr $SPRAY_IP notrack
		}
	}
	add rule ip sgnat forward iifname "lan1" oifname "$WAN_IF" accept
	add rule ip sgnat forward iifname "$WAN_IF" oifname "lan1" accept
	EOF
	# The internet side: a route back to the sprayer; destinations that
	# are not its hosts are a blackhole.
	ip -n "$INET_NS" -batch - <<-EOF
	route add $SPRAY_IP/32 via $RTR_WAN_IP
	route add blackhole 198.18.0.0/15
	EOF
}

test_4_a_sprayer_cannot_evict_the_phones_registration() {
	[ -x "$FLOWSPRAY" ] || { fail "$FLOWSPRAY missing: make $FLOWSPRAY"; exit 1; }
	# (a registration that outlives the spray, however slow the machine)
	PHONE_EXPIRES=600
	setup 3600
	check "the second LAN host" spray_host_up

	# 50 000 destinations; 32 of them are remote ports of one address
	# whose pair shares the phone's flow set (the remote port is not
	# hashed): they fill the phone's set and its partner, and the last 17
	# make the learner make room there.  They are registrars that answer
	# 401: their flows are answered and newer than the phone's, so only
	# the phone's "registered" mark keeps it.
	local plan=$TOPO_RUN/spray.plan aims res registered
	check "plan the spray" "$FLOWSPRAY" plan $PBX_IP "$MAPPED" $SPRAY_AIMED $SPRAY_COUNT \
		>"$plan" 2>"$TOPO_RUN/spray.log"
	aims=$(awk '$1 == "aim" { print $2 ":" $4 }' "$plan")
	awk '$1 == "aim" { print "addr add " $2 "/32 dev lo" }' "$plan" | sort -u |
		ip -n "$INET_NS" -batch - || exit 1
	ip netns exec "$INET_NS" python3 "$NAT_DIR/registrar401.py" $aims \
		>"$TOPO_RUN/registrar401.log" 2>&1 &
	check "the challenging registrars" wait_for 50 grep -qs listening "$TOPO_RUN/registrar401.log"

	registered=$(sg_flowstat registered)
	res=$(ip netns exec "$SPRAY_NS" "$FLOWSPRAY" send $SPRAY_IP 5060 <"$plan" \
		2>>"$TOPO_RUN/spray.log") || { fail "flowspray send: $(tail -2 "$TOPO_RUN/spray.log")"; exit 1; }
	read -r sent aimed answered <<<"$res"
	expect_eq "REGISTERs sent" $SPRAY_COUNT "$sent"
	expect_eq "aimed REGISTERs answered 401" $SPRAY_AIMED "$answered"

	# (one listing of the 50 000 flows: each takes a while under emulation)
	local flows=$TOPO_RUN/flows.json
	sg flows list --json >"$flows" || exit 1
	expect_ge "flows listed" $((SPRAY_COUNT * 9 / 10)) "$(jq length "$flows")"
	expect_eq "the phone's flow after the spray" active \
		"$(sg_flow_field $PBX_IP "$MAPPED" state "$flows")"
	expect_eq "the phone's flow marks" answered,registered,registration \
		"$(sg_flow_field $PBX_IP "$MAPPED" flags "$flows")"
	# most of the spray reached the learner (a datagram lost on the
	# veths' backlog is no failure); every aimed one did
	expect_ge "flows learned" $((SPRAY_COUNT * 9 / 10)) "$(sg_flowstat learned)"
	expect_ge "live flows evicted from the phone's sets" $((SPRAY_AIMED - 15)) \
		"$(sg_flowstat evicted)"
	expect_eq "new flows not recorded (sets full of registrations)" 0 \
		"$(sg_flowstat not_recorded)"
	expect_ge "flows answered (the 401s)" $SPRAY_AIMED "$(sg_flowstat answered)"
	expect_eq "flows registered (the phone's only)" "$registered" "$(sg_flowstat registered)"

	check "the PBX's call completes after the spray" call_phone
	expect_ge "PBX INVITEs that reached the phone" 1 "$(invites_from $PBX_IP)"
	topo_passed
}

# ---- 5: the daemon restarts --------------------------------------------------------

# daemon_start: `sipguard daemon` in the router with $TOPO_RUN/daemon.conf,
# until it says it has started (the interfaces attached, the saved flows
# restored).
daemon_start() {
	local n
	n=$(grep -c "started with" "$TOPO_RUN/daemon.log" 2>/dev/null)
	nsenter --net="/run/netns/$RTR_NS" "$SG" daemon --config "$TOPO_RUN/daemon.conf" --stderr \
		>>"$TOPO_RUN/daemon.log" 2>&1 &
	DAEMON_PID=$!
	TOPO_SG_ATTACHED=1
	wait_for 300 daemon_started $((n + 0)) ||
		{ fail "the daemon did not start: $(tail -3 "$TOPO_RUN/daemon.log")"; return 1; }
}

# daemon_started N: the daemon runs and its log has more than N starts.
daemon_started() {
	kill -0 "$DAEMON_PID" 2>/dev/null &&
		[ "$(grep -c "started with" "$TOPO_RUN/daemon.log")" -gt "$1" ]
}

# daemon_stop: SIGTERM; the daemon saves the flows and exits 0.
daemon_stop() {
	local rc=0
	[ -n "$DAEMON_PID" ] || return 0
	kill "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=
	[ "$rc" = 0 ] || { fail "the daemon exited $rc: $(tail -3 "$TOPO_RUN/daemon.log")"; return 1; }
}

# reboot_filter: what a reboot leaves: no program, no pinned map.
reboot_filter() {
	sg detach "$WAN_IF" >/dev/null || return 1
	TOPO_SG_ATTACHED=
	[ ! -e "$SIPGUARD_PIN_PATH" ] || { fail "pins left: $(ls "$SIPGUARD_PIN_PATH")"; return 1; }
}

test_5_the_daemon_restores_the_flows_after_a_restart() {
	check "topology" topology
	check "kamailio" pbx_start
	check "capture on the phone" capture_start
	local state=$TOPO_RUN/state regs
	cat >"$TOPO_RUN/daemon.conf" <<-EOF
	[daemon]
	interface = $WAN_IF
	state-dir = $state
	EOF
	cleanup_add daemon_stop
	PHONE_EXPIRES=600	# the registration outlives the restarts
	check "the daemon starts" daemon_start
	check "the phone registers" phone_start
	MAPPED=$(phone_mapped_port)
	expect_eq "flow learned from the REGISTER" active "$(sg_flow_state $PBX_IP "$MAPPED")"
	regs=$(phone_registers)

	# A reboot, as far as sipguard can tell: the daemon stops (and saves
	# the flows), the filter is detached and every pin is gone.
	check "the daemon stops" daemon_stop
	check "the daemon saved the flows" test -s "$state/flows"
	check "detach: no program, no pins" reboot_filter

	# The daemon starts again: the flow is back, from the state file,
	# and the PBX's call rings the phone, which has not registered again.
	check "the daemon starts with the saved flows" daemon_start
	expect_eq "the phone's flow" active "$(sg_flow_state $PBX_IP "$MAPPED")"
	expect_eq "the phone's flow comes from" restored \
		"$(sg_flow_field $PBX_IP "$MAPPED" origin)"
	expect_eq "the restored flow's marks" answered,registered,registration \
		"$(sg_flow_field $PBX_IP "$MAPPED" flags)"
	check "the PBX's call completes" call_phone
	expect_ge "PBX INVITEs that reached the phone" 1 "$(invites_from $PBX_IP)"
	expect_eq "REGISTERs the phone sent (none since the restart)" "$regs" "$(phone_registers)"
	check "the daemon stops" daemon_stop
	topo_passed
}

# phone_registers: REGISTERs (with retransmissions) the phone sent.
phone_registers() {
	sleep 0.3
	tcpdump -r "$TOPO_RUN/phone.pcap" -nn -q -A "udp and src host $PHONE_IP" 2>/dev/null |
		grep -a -c "REGISTER sip:"
}

need_root
run_tests "$@"
