#!/usr/bin/env bash
# sipguard on real WAN link types, with real UDP traffic between two
# namespaces (topologies: tests/links/topo.sh):
#
#   PPPoE    pppoe-server in the isp, pppd with rp-pppoe.so in the router;
#            sipguard on the router's ppp device (generic XDP)
#   802.1Q   VLAN 100 on a veth pair; sipguard on the VLAN sub-interface,
#            and on the parent device that receives the tagged frames
#   WireGuard  a wg device in each namespace over a veth pair
#   tun      two tun devices joined by a userspace forwarder
#
# On each: a stranger's INVITEs are dropped (counted as orphan_invite) and
# never reach the listener, an allowlisted trunk's INVITEs arrive, and the
# PBX's INVITEs arrive once the router's REGISTER to it taught the learner
# the flow (IPv4 and IPv6).  A link the running kernel cannot make (no
# ppp, pppoe, 8021q or wireguard module) is reported as "skipped: REASON"
# and counted neither as passed nor as failed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e/topo.sh"
. "$(dirname "$0")/links/topo.sh"

test_pppoe_session() {
	check "namespaces" links_base
	check "PPPoE session" link_pppoe
	link_proves
}

test_vlan_subinterface() {
	check "namespaces" links_base
	check "VLAN 100" link_vlan
	WAN=$ETH.100 WAN_TYPE=ethernet WAN_MODE=generic
	link_proves
}

test_vlan_parent_sees_tags() {
	check "namespaces" links_base
	check "VLAN 100" link_vlan
	expect_eq "VLAN tx offload of the isp's veth (tags in the frames)" off \
		"$(tx_vlan_offload "$INET" "$PEER")"
	WAN=$ETH WAN_TYPE=ethernet WAN_MODE=native
	link_proves
}

test_wireguard_tunnel() {
	check "namespaces" links_base
	check "WireGuard tunnel" link_wireguard
	link_proves
}

test_tun_device() {
	check "namespaces" links_base
	check "tun devices" link_tun
	link_proves
}

# run_link_tests [FILTER]: lib.sh's run_tests, plus skipped tests: a test
# that calls skip (exit 77) prints "skipped: REASON" and counts as neither
# passed nor failed.
run_link_tests() {
	local t t0 filter=${1:-} stop=0 skipped=0 log rc suite0
	suite0=$(_now_ms)
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

need_root
[ -x "$SG" ] || { say "build/sipguard missing: run make"; say "0 passed, 1 failed"; exit 1; }
run_link_tests "$@"
