#!/usr/bin/env bash
# End-to-end tests of the fast path: real UDP traffic through a veth pair
# with sipguard attached to the phone side (topology: tests/e2e/topo.sh).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/e2e/topo.sh"

test_pbx_invite_rings_scanner_invite_dropped_ipv4() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4
	send $PBX4 pbx 20
	send $SCAN4 scan 20
	expect_eq "PBX INVITEs at the phone" 20 "$(arrived pbx)"
	expect_eq "scanner INVITEs at the phone" 0 "$(arrived scan)"
	expect_eq "orphan_invite drops" 20 "$(counter orphan_invite drop)"
	expect_eq "allowlisted passes" 20 "$(counter allowlisted pass)"
}

test_pbx_invite_rings_scanner_invite_dropped_ipv6() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add 2001:db8:18::10/128
	send $PBX6 pbx 20
	send $SCAN6 scan 20
	expect_eq "PBX INVITEs at the phone" 20 "$(arrived pbx)"
	expect_eq "scanner INVITEs at the phone" 0 "$(arrived scan)"
	expect_eq "orphan_invite drops" 20 "$(counter orphan_invite drop)"
}

# Issue 10: blanks before the method and a folded request line, as
# sofia-sip, pjsip and chan_sip take them: from a stranger dropped, from
# the allowlisted PBX delivered, over IPv4 and IPv6.
test_blank_and_folded_invites_scanner_dropped_pbx_delivered() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4 2001:db8:18::10/128
	local who src fam
	for who in scan pbx; do
		for fam in 4 6; do
			src=$SCAN4
			[ $who$fam = scan6 ] && src=$SCAN6
			[ $who$fam = pbx4 ] && src=$PBX4
			[ $who$fam = pbx6 ] && src=$PBX6
			send $src ${who}sp$fam 3 --before ' '
			send $src ${who}crlfsp$fam 3 --before '\r\n \t'
			send $src ${who}fold$fam 3 --after '\r\n '
			send $src ${who}vt$fam 3 --before '\x0b' --after '\n\t'
		done
	done
	for fam in 4 6; do
		expect_eq "leading-SP scanner INVITEs (IPv$fam)" 0 "$(arrived scansp$fam)"
		expect_eq "CRLF SP HTAB scanner INVITEs (IPv$fam)" 0 "$(arrived scancrlfsp$fam)"
		expect_eq "folded scanner INVITEs (IPv$fam)" 0 "$(arrived scanfold$fam)"
		expect_eq "VT and LF-fold scanner INVITEs (IPv$fam)" 0 "$(arrived scanvt$fam)"
		expect_eq "leading-SP PBX INVITEs (IPv$fam)" 3 "$(arrived pbxsp$fam)"
		expect_eq "CRLF SP HTAB PBX INVITEs (IPv$fam)" 3 "$(arrived pbxcrlfsp$fam)"
		expect_eq "folded PBX INVITEs (IPv$fam)" 3 "$(arrived pbxfold$fam)"
		expect_eq "VT and LF-fold PBX INVITEs (IPv$fam)" 3 "$(arrived pbxvt$fam)"
	done
	expect_eq "orphan_invite drops" 24 "$(counter orphan_invite drop)"
	expect_eq "allowlisted passes" 24 "$(counter allowlisted pass)"
}

test_scanner_non_invite_traffic_passes() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	send $SCAN4 opt 5 --method OPTIONS
	send $SCAN4 reg 5 --method REGISTER
	expect_eq "OPTIONS at the phone" 5 "$(arrived opt)"
	expect_eq "REGISTER at the phone" 5 "$(arrived reg)"
	expect_eq "sip_request passes" 10 "$(counter sip_request pass)"
}

test_static_flow_lets_its_peer_call() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "flow" sg flows add $SCAN4:5060 5060
	send $SCAN4 flow 5
	expect_eq "INVITEs on the static flow" 5 "$(arrived flow)"
	expect_eq "established passes" 5 "$(counter established pass)"
	check "flow del" sg flows del $SCAN4:5060 5060
	send $SCAN4 gone 5
	expect_eq "INVITEs after flows del" 0 "$(arrived gone)"
}

test_allow_del_takes_effect_at_once() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add 198.18.0.0/28
	send $PBX4 before 10
	expect_eq "INVITEs while allowed" 10 "$(arrived before)"
	check "allow del" sg allow del 198.18.0.0/28
	send $PBX4 after 10
	expect_eq "INVITEs after allow del" 0 "$(arrived after)"
}

test_allowlist_wide_prefixes() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	# a /8 spans 256 of the /16 buckets of the allowlist's filter
	check "allow /8" sg allow add 198.0.0.0/8
	send $SCAN4 wide8 3
	expect_eq "INVITEs from inside a /8" 3 "$(arrived wide8)"
	check "allow del /8" sg allow del 198.0.0.0/8
	send $SCAN4 gone8 3
	expect_eq "INVITEs after the /8 is gone" 0 "$(arrived gone8)"
	# ::/0 covers every IPv6 and every IPv4 (as ::ffff:a.b.c.d) source
	check "allow ::/0" sg allow add ::/0
	send $SCAN4 all4 2
	send $SCAN6 all6 2
	expect_eq "IPv4 INVITEs under ::/0" 2 "$(arrived all4)"
	expect_eq "IPv6 INVITEs under ::/0" 2 "$(arrived all6)"
	check "allow del ::/0" sg allow del ::/0
	check "allow an IPv6 /48" sg allow add 2001:db8:18::/48
	send $SCAN6 v6p 2
	send $SCAN4 v4no 2
	expect_eq "IPv6 INVITEs from the /48" 2 "$(arrived v6p)"
	expect_eq "IPv4 INVITEs then" 0 "$(arrived v4no)"
}

test_detach_lets_everything_through() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	send $SCAN4 on 5
	expect_eq "scanner INVITEs while attached" 0 "$(arrived on)"
	check "detach" sg detach "$WAN"
	send $SCAN4 off 5
	expect_eq "scanner INVITEs after detach" 5 "$(arrived off)"
	expect_eq "XDP program left on the interface" "" \
		"$(ip -n "$PHONE" -d link show dev "$WAN" | grep -o 'prog/xdp.*')"
	expect_eq "pins left" "" "$(ls "$SIPGUARD_PIN_PATH" 2>/dev/null)"
}

test_monitor_mode_counts_but_drops_nothing() {
	check "topology" setup
	check "attach" sg attach "$WAN" --monitor
	send $SCAN4 mon 10
	expect_eq "scanner INVITEs in monitor mode" 10 "$(arrived mon)"
	expect_eq "would-drop counted as pass" 10 "$(counter orphan_invite pass)"
	expect_eq "nothing dropped" 0 "$(counter orphan_invite drop)"
	# Going live is an atomic replacement of the program.
	check "attach live" sg attach "$WAN"
	send $SCAN4 live 10
	expect_eq "scanner INVITEs after going live" 0 "$(arrived live)"
}

test_fragmented_invite_whole_or_nothing() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4 $PBX6
	# 3000-byte INVITEs: the sender's stack cuts them into MTU-sized fragments.
	send $PBX4 bigpbx4 5 --pad 3000
	send $PBX6 bigpbx6 5 --pad 3000
	send $SCAN4 bigscan4 5 --pad 3000
	send $SCAN6 bigscan6 5 --pad 3000
	expect_eq "fragmented PBX INVITEs (IPv4)" 5 "$(arrived bigpbx4)"
	expect_eq "fragmented PBX INVITEs (IPv6)" 5 "$(arrived bigpbx6)"
	expect_eq "fragmented scanner INVITEs (IPv4)" 0 "$(arrived bigscan4)"
	expect_eq "fragmented scanner INVITEs (IPv6)" 0 "$(arrived bigscan6)"
	expect_ge "later fragments dropped" 10 "$(counter fragment_of_dropped drop)"
}

# No bypass: a first fragment that ends with the UDP header, cut by hand
# (no sender's stack cuts there), holds nothing to tell an INVITE by.
# From a stranger it is dropped as tiny and its later fragment after it,
# and nothing reaches the phone; from the allowlisted PBX both pass and
# the phone's stack reassembles the INVITE.  IPv4 and IPv6 with the later
# fragment at byte 8; IPv6 with Destination Options after the fragment
# header, where the later fragment starts at byte 16, and before it (in
# every fragment; the later one at byte 8).
test_tiny_first_fragment_scanner_dropped_pbx_reassembled() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4 $PBX6
	frags $SCAN4 tinyscan4 3
	frags $SCAN6 tinyscan6 3
	frags $SCAN6 tinyscanopt6 3 --dstopts after
	frags $SCAN6 tinyscanpre6 3 --dstopts before
	frags $PBX4 tinypbx4 3
	frags $PBX6 tinypbx6 3
	frags $PBX6 tinypbxopt6 3 --dstopts after
	frags $PBX6 tinypbxpre6 3 --dstopts before
	expect_eq "reassembled PBX INVITEs (IPv4)" 3 "$(arrived tinypbx4)"
	expect_eq "reassembled PBX INVITEs (IPv6)" 3 "$(arrived tinypbx6)"
	expect_eq "reassembled PBX INVITEs (IPv6, dstopts after)" 3 "$(arrived tinypbxopt6)"
	expect_eq "reassembled PBX INVITEs (IPv6, dstopts before)" 3 "$(arrived tinypbxpre6)"
	expect_eq "IPv4 datagrams the phone reassembled" 3 "$(reassembled 4)"
	expect_eq "IPv6 datagrams the phone reassembled" 9 "$(reassembled 6)"
	expect_eq "scanner INVITEs (IPv4)" 0 "$(arrived tinyscan4)"
	expect_eq "scanner INVITEs (IPv6)" 0 "$(arrived tinyscan6)"
	expect_eq "scanner INVITEs (IPv6, dstopts after)" 0 "$(arrived tinyscanopt6)"
	expect_eq "scanner INVITEs (IPv6, dstopts before)" 0 "$(arrived tinyscanpre6)"
	expect_eq "scanner first fragments dropped as tiny" 12 \
		"$(counter_reaches tiny_fragment drop 12)"
	expect_eq "scanner later fragments dropped after them" 12 \
		"$(counter_reaches fragment_of_dropped drop 12)"
	# a later fragment at byte 8 is judged as a tiny first one is (only
	# a tiny first fragment leaves room for it there): the PBX's pass as
	# allowlisted; one at byte 16 is a plain later fragment
	expect_eq "PBX fragments passed as allowlisted" 21 \
		"$(counter_reaches allowlisted pass 21)"
	expect_eq "PBX later fragments at byte 16 passed" 3 \
		"$(counter_reaches fragment pass 3)"
}

# The same datagrams with the later fragment first: it reaches the phone
# before anything has been dropped, and the first fragment alone keeps the
# stranger's INVITE from being reassembled.  At byte 8 the later fragment
# is dropped as tiny on its own; at byte 16 it passes and waits in the
# phone's reassembly queue for a first fragment that never comes.
test_tiny_first_fragment_last_scanner_dropped_pbx_reassembled() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4 $PBX6
	frags $SCAN4 revscan4 3 --reverse
	frags $SCAN6 revscan6 3 --reverse
	frags $SCAN6 revscanopt6 3 --reverse --dstopts after
	frags $PBX4 revpbx4 3 --reverse
	frags $PBX6 revpbxopt6 3 --reverse --dstopts after
	expect_eq "reassembled PBX INVITEs (IPv4)" 3 "$(arrived revpbx4)"
	expect_eq "reassembled PBX INVITEs (IPv6, dstopts after)" 3 "$(arrived revpbxopt6)"
	expect_eq "IPv4 datagrams the phone reassembled" 3 "$(reassembled 4)"
	expect_eq "IPv6 datagrams the phone reassembled" 3 "$(reassembled 6)"
	expect_eq "scanner INVITEs (IPv4)" 0 "$(arrived revscan4)"
	expect_eq "scanner INVITEs (IPv6)" 0 "$(arrived revscan6)"
	expect_eq "scanner INVITEs (IPv6, dstopts after)" 0 "$(arrived revscanopt6)"
	# tiny: the scanner's fragments at bytes 8 and 0 (2 x 6), and its
	# first fragments after a later one at byte 16 (3); passed: the
	# scanner's and the PBX's later fragments at byte 16
	expect_eq "scanner fragments dropped as tiny" 15 \
		"$(counter_reaches tiny_fragment drop 15)"
	expect_eq "later fragments at byte 16 passed" 6 \
		"$(counter_reaches fragment pass 6)"
	expect_eq "PBX fragments passed as allowlisted" 9 \
		"$(counter_reaches allowlisted pass 9)"
}

test_reattach_under_stream_loses_no_pbx_invite() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4
	# The stream lasts until the last re-attach is done, however long
	# loading the programs takes (seconds each under emulation), at a rate
	# that leaves the loader its CPU on a small machine.
	send $PBX4 stream 750 --rate 250 --until "$LOG.stop" >"$LOG.sent" &
	local sender=$! i sent
	cleanup_add "rm -f $LOG.stop $LOG.sent"
	for i in 1 2 3 4 5; do
		sleep 0.4
		check "re-attach $i" sg attach "$WAN"
	done
	touch "$LOG.stop"
	wait $sender
	sent=$(cat "$LOG.sent")
	expect_ge "PBX INVITEs sent" 750 "$sent"
	expect_eq "PBX INVITEs passed by sipguard during five re-attaches" "$sent" \
		"$(counter allowlisted pass)"
	expect_eq "PBX INVITEs at the phone" "$sent" "$(arrived stream)"
	expect_eq "datagrams the listener had no room for" 0 "$(rcvbuf_errors)"
	expect_eq "allowlist kept" 1 "$(sg allow list | grep -c "$PBX4")"
}

need_root
[ -x "$SG" ] || { say "build/sipguard missing: run make"; say "0 passed, 1 failed"; exit 1; }
command -v jq >/dev/null || { say "jq missing: run make deps"; say "0 passed, 1 failed"; exit 1; }
run_tests "$@"
