#!/usr/bin/env bash
# End-to-end tests with real SIP software behind a real NAT (issue 3).
#
# A phone (sipp) in a LAN behind a router (nftables masquerade plus the
# usual misconfiguration: UDP 5060 forwarded to the phone) registers to a
# PBX (kamailio) on the internet side; a second UA calls it through the
# PBX; a scanner sends SIPVicious-shaped INVITEs and OPTIONS to the
# router's WAN address.  sipguard runs on the router's WAN device.  The
# topology is tests/nat/topo.sh (shared with tools/demo.sh); every test
# builds its own and removes it, pass or fail.
#
# "Reached the phone" is what a capture on the phone's interface saw.
. "$(dirname "$0")/lib.sh"
. "$SG_TOP/tests/nat/topo.sh"

# refute WHAT COMMAND...: fail the test if COMMAND succeeds.
refute() {
	local what=$1; shift
	if "$@"; then
		fail "$what"
		exit 1
	fi
}

# setup none|sipguard|conntrack: the topology with the PBX up, the capture
# on the phone running and, with "sipguard", `sipguard attach WAN_IF` done
# before the phone registers (with "conntrack": `attach --conntrack`, the
# learner on: conntrack trusts only connections where the learner saw the
# LAN send a request); then the phone registered.  Sets MAPPED, the
# phone's public port, and opens it to anyone (full-cone NAT), so that a
# scanner reaching the phone through it is possible at all.
setup() {
	check "topology" topo_up
	check "kamailio" pbx_start
	check "capture on the phone" capture_start
	if [ "$1" = sipguard ]; then
		check "sipguard attach" sg_attach
	elif [ "$1" = conntrack ]; then
		check "sipguard attach --conntrack" sg_attach --conntrack
	fi
	check "the phone registers" phone_start
	MAPPED=$(phone_mapped_port)
	expect_ge "the phone's NAT-mapped port (conntrack)" 1024 "$MAPPED"
	check "PBX stores the mapping" test "$(pbx_contact)" = "sip:$RTR_WAN_IP:$MAPPED"
	check "open the mapping" topo_open_mapping "$MAPPED"
}

test_1_without_sipguard_scanner_invite_rings_the_phone() {
	setup none
	check "scanner INVITE to 5060 (port forward) is answered" scan_invite 5060
	expect_ge "scanner INVITEs that reached the phone via 5060" 1 "$(invites_from $SCANNER_IP)"
	check "scanner INVITE to the mapped port $MAPPED is answered" scan_invite "$MAPPED"
	expect_ge "scanner INVITEs that reached the phone" 2 "$(invites_from $SCANNER_IP)"
	topo_passed
}

test_2_sipguard_passes_pbx_call_drops_scanner_invites() {
	setup sipguard
	expect_eq "flow learned from the REGISTER" active "$(sg_flow_state $PBX_IP "$MAPPED")"

	check "the call through kamailio completes (INVITE, 200, ACK, BYE)" call_phone
	expect_ge "PBX INVITEs that reached the phone" 1 "$(invites_from $PBX_IP)"
	expect_ge "INVITEs passed as established" 1 "$(sg_packets established pass)"

	refute "scanner INVITE to 5060 was answered" scan_invite 5060
	refute "scanner INVITE to port $MAPPED was answered" scan_invite "$MAPPED"
	expect_eq "scanner INVITEs that reached the phone" 0 "$(invites_from $SCANNER_IP)"

	# svmap's sweep: the phone answers, and that answer must not let the
	# scanner's next INVITE in.
	check "the phone answers the scanner's OPTIONS on 5060" scan_options 5060
	check "the phone answers the scanner's OPTIONS on $MAPPED" scan_options "$MAPPED"
	expect_eq "flows naming the scanner" 0 "$(sg_flows_from $SCANNER_IP)"
	refute "scanner INVITE to 5060 after the sweep was answered" scan_invite 5060
	refute "scanner INVITE to $MAPPED after the sweep was answered" scan_invite "$MAPPED"
	expect_eq "scanner INVITEs that reached the phone" 0 "$(invites_from $SCANNER_IP)"

	# Each of the 4 INVITEs, with sipp's retransmissions.
	expect_ge "orphan_invite drops" 4 "$(sg_packets orphan_invite drop)"
	check "the call still completes after the scan" call_phone
	topo_passed
}

test_3_after_flow_timeout_pbx_invite_dropped_until_reregister() {
	# A phone whose REGISTER names no lifetime: its flow lives for the
	# flow timeout from its last refresh (a lifetime it names would
	# outlive a short timeout: test_flows_e2e.sh tests that).
	local PHONE_SCENARIO=phone_register_noexpires.xml
	setup sipguard
	check "the call completes while the flow is fresh" call_phone
	# a timeout applies to a flow from its next refresh: the REGISTER
	check "sipguard set flow-timeout 3" sg set flow-timeout 3
	check "the phone registers again" phone_reregister
	sleep 4		# the phone's last SIP message was its REGISTER
	expect_eq "the learned flow" expired "$(sg_flow_state $PBX_IP "$MAPPED")"

	local before drops
	before=$(invites_from $PBX_IP)
	drops=$(sg_packets orphan_invite drop)
	refute "the call completed over an expired flow" call_phone
	expect_eq "PBX INVITEs that reached the phone after the timeout" "$before" \
		"$(invites_from $PBX_IP)"
	expect_ge "orphan_invite drops of the PBX's INVITE" $((drops + 1)) \
		"$(sg_packets orphan_invite drop)"

	# The REGISTER makes the flow fresh again: its age then counts from
	# the REGISTER, no longer from the call before it (older than the
	# 4 s slept and the failed call).  The age shows it, not the 3 s
	# timeout: on a slow (emulated) machine the steps below can take
	# longer than that.
	local t0 t1 age
	# the REGISTER gives the flow the timeout set now
	check "sipguard set flow-timeout 3600" sg set flow-timeout 3600
	t0=$(date +%s%N)
	check "the phone registers again" phone_reregister
	age=$(sg_flow_age $PBX_IP "$MAPPED")
	t1=$(date +%s%N)
	# (the flow keeps whole seconds of the programs' clock: a REGISTER
	# just before a second turns over is a second old just after it)
	check "the REGISTER refreshed the flow: age ${age}s, within the $(((t1 - t0) / 1000000)) ms since the re-register began (and the second it fell in)" \
		test "$age" -le $(((t1 - t0) / 1000000000 + 1))
	expect_eq "the NAT mapping is the same" "$MAPPED" "$(phone_mapped_port)"
	expect_eq "the flow after the REGISTER" active "$(sg_flow_state $PBX_IP "$MAPPED")"
	check "the call completes again" call_phone
	expect_ge "PBX INVITEs that reached the phone" $((before + 1)) "$(invites_from $PBX_IP)"
	topo_passed
}

test_4_conntrack_mode_trusts_only_connections_the_lan_opened() {
	local PHONE_SCENARIO=phone_register_noexpires.xml
	setup conntrack
	expect_eq "flow learned from the REGISTER" active "$(sg_flow_state $PBX_IP "$MAPPED")"

	# What conntrack is for: the learned flow has expired, the NAT's
	# connection lives on (kept by the phone's traffic), and the PBX's
	# INVITE on it still rings.  The short timeout applies from the
	# flow's next refresh, the phone's next REGISTER.
	check "sipguard set flow-timeout 3" sg set flow-timeout 3
	check "the phone registers again" phone_reregister
	expect_eq "the NAT mapping is the same" "$MAPPED" "$(phone_mapped_port)"
	sleep 4
	expect_eq "the learned flow" expired "$(sg_flow_state $PBX_IP "$MAPPED")"
	check "the call through kamailio completes (INVITE, 200, ACK, BYE)" call_phone
	expect_ge "PBX INVITEs that reached the phone" 1 "$(invites_from $PBX_IP)"
	expect_ge "INVITEs passed on the reply direction of conntrack" 1 \
		"$(sg_packets conntrack_reply pass)"
	check "sipguard set flow-timeout 3600" sg set flow-timeout 3600

	refute "scanner INVITE to 5060 was answered" scan_invite 5060
	refute "scanner INVITE to port $MAPPED was answered" scan_invite "$MAPPED"
	# The sweep through the port forward makes a conntrack entry that the
	# phone answers; the scanner's INVITE then matches it, but in the
	# original direction: the scanner opened it, not the LAN.
	check "the phone answers the scanner's OPTIONS on 5060" scan_options 5060
	check "conntrack has the scanner's entry" \
		grep -q "src=$SCANNER_IP" <<<"$(in_rtr conntrack -L -p udp 2>/dev/null)"
	refute "scanner INVITE to 5060 after the sweep was answered" scan_invite 5060
	expect_eq "scanner INVITEs that reached the phone" 0 "$(invites_from $SCANNER_IP)"

	# The steered reply: an OPTIONS whose Via names port 5099, no rport;
	# the phone answers to 5099, and that answer opens a conntrack entry
	# whose reply direction is SCANNER:5099 -> the router's port STEERED.
	# The LAN sent no request there: the INVITE on it is an orphan.
	local steered drops
	check "the phone answers the steered OPTIONS to the Via port 5099" steer_reply 5099
	steered=$(nat_port $SCANNER_IP 5099)
	expect_ge "the conntrack entry of the phone's answer (its public port)" 1 "$steered"
	expect_eq "flows naming the scanner" 0 "$(sg_flows_from $SCANNER_IP)"
	drops=$(sg_packets orphan_invite drop)
	refute "scanner INVITE from 5099 to $steered (reply direction) was answered" \
		scan_invite_from 5099 "$steered"
	expect_eq "scanner INVITEs that reached the phone" 0 "$(invites_from $SCANNER_IP)"
	expect_ge "orphan_invite drops of the steered INVITE" $((drops + 1)) \
		"$(sg_packets orphan_invite drop)"
	expect_ge "orphan_invite drops" 4 "$(sg_packets orphan_invite drop)"

	check "the PBX's call still completes" call_phone
	expect_ge "PBX INVITEs that reached the phone" 2 "$(invites_from $PBX_IP)"
	topo_passed
}

need_root
run_tests "$@"
