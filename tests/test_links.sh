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

need_root
[ -x "$SG" ] || { say "build/sipguard missing: run make"; say "0 passed, 1 failed"; exit 1; }
run_tests "$@"
