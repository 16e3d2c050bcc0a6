#!/usr/bin/env bash
# `make demo`: sipguard's main job told step by step, with real SIP software
# behind a real NAT in network namespaces: a scanner's ghost call rings a
# phone through the router's port forward; with sipguard on the router's WAN
# device the same INVITEs are dropped while a real call through the PBX
# still rings.  Takes about 15 s, removes everything it made, and exits
# non-zero when the story does not hold.  Needs root, build/sipguard, sipp,
# kamailio, nft, tcpdump, conntrack, jq.
set -u

SG_TOP=$(cd "$(dirname "$0")/.." && pwd)
export SG_NS_PREFIX=${SG_NS_PREFIX:-sgd$$}
export SIPGUARD_PIN_PATH=${SIPGUARD_PIN_PATH:-/sys/fs/bpf/sipguard-demo-$$}
. "$SG_TOP/tests/lib.sh"
. "$SG_TOP/tests/nat/topo.sh"

if [ -t 1 ]; then
	B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' D=$'\e[2m' N=$'\e[0m'
else
	B='' G='' R='' D='' N=''
fi

step() { printf '\n%s%s%s\n' "$B" "$*" "$N"; }
line() { printf '   %s\n' "$*"; }
good() { printf '   %s✔ %s%s\n' "$G" "$*" "$N"; }
bad() { printf '   %s✘ %s%s\n' "$R" "$*" "$N"; }
die() { bad "$*"; printf '\n%sThe story did not hold: see above.%s\n' "$R" "$N"; exit 1; }
# show ARGS...: run `sipguard ARGS` on the router, showing command and output.
show() {
	printf '   %srouter# sipguard %s%s\n' "$D" "$*" "$N"
	sg "$@" 2>&1 | sed 's/^/     /'
	return "${PIPESTATUS[0]}"
}

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces, XDP)" >&2
	exit 1
fi
for t in sipp kamailio kamcmd nft tcpdump conntrack jq nsenter; do
	command -v "$t" >/dev/null || { echo "demo: $t is missing (tools/install-deps.sh)" >&2; exit 1; }
done
[ -x "$SG" ] || { echo "demo: $SG is missing: run make" >&2; exit 1; }

cleanup() {
	printf '\n%sCleaning up: namespaces, kamailio, sipp, sipguard pins.%s\n' "$D" "$N"
	_run_cleanups
	sg_reset_pins
}
trap cleanup EXIT	# topo_up makes Ctrl-C leave through it

printf '%ssipguard demo: ghost calls behind a NAT%s\n' "$B" "$N"

step "1. Build the network"
topo_up || die "could not build the namespaces"
line "LAN      phone    $PHONE_IP     (sipp, SIP on port 5060)"
line "router   LAN $RTR_LAN_IP, WAN $RTR_WAN_IP on $WAN_IF: NAT, and UDP 5060 forwarded to the phone"
line "internet PBX      $PBX_IP  (kamailio: registrar and proxy)"
line "         caller   $CALLER_IP  (sipp: a real call through the PBX)"
line "         scanner  $SCANNER_IP    (sipp: SIPVicious-shaped INVITEs and OPTIONS)"
pbx_start || die "kamailio did not start"
capture_start || die "tcpdump on the phone did not start"
phone_start || die "the phone did not register"
MAPPED=$(phone_mapped_port)
[ -n "$MAPPED" ] || die "no NAT mapping for the phone in the router's conntrack"
good "the phone registered; the PBX reaches it at $(pbx_contact) (router: $PHONE_IP:5060 -> $RTR_WAN_IP:$MAPPED)"
topo_open_mapping "$MAPPED" || die "could not open the mapping"
line "the router's NAT is full cone, as on many home routers: anyone can use that mapping"

step "2. The ghost call, without sipguard"
line "the scanner sends INVITE sip:100@$RTR_WAN_IP (User-Agent: friendly-scanner) to port 5060 and to port $MAPPED"
scan_invite 5060 || die "the scanner's INVITE to 5060 did not ring the phone: the topology is wrong"
scan_invite "$MAPPED" || die "the scanner's INVITE to $MAPPED did not ring the phone: the topology is wrong"
n=$(invites_from $SCANNER_IP)
bad "the phone received $n scanner INVITEs and rang: this is the ghost call"

step "3. Attach sipguard to the router's WAN device"
show attach "$WAN_IF" || die "sipguard attach failed"
TOPO_SG_ATTACHED=1
line "XDP drops inbound INVITEs that are neither allowlisted nor on a flow the LAN opened;"
line "a TC egress program learns those flows from the LAN's outbound SIP requests"

step "4. The phone refreshes its registration; sipguard learns the flow"
phone_reregister || die "the phone did not register again"
show flows list || die "sipguard flows list failed"
[ "$(sg_flow_state $PBX_IP "$MAPPED")" = active ] ||
	die "no active flow $PBX_IP -> local port $MAPPED"
good "flow learned: the PBX $PBX_IP may call the phone's public port $MAPPED"

step "5. A real call: caller -> PBX -> phone"
before=$(invites_from $PBX_IP)
call_phone || die "the call through kamailio did not complete"
[ "$(invites_from $PBX_IP)" -gt "$before" ] || die "the PBX's INVITE did not reach the phone"
good "the phone rang: INVITE, 180, 200, ACK, BYE, 200 all went through"

step "6. The scanner again"
scan_options 5060 || die "the phone did not answer the scanner's OPTIONS"
scan_options "$MAPPED" || die "the phone did not answer the scanner's OPTIONS on $MAPPED"
line "svmap-style OPTIONS sweep to 5060 and $MAPPED: the phone answered 200 OK (a response learns nothing)"
before=$(invites_from $SCANNER_IP)
for port in 5060 "$MAPPED"; do
	if scan_invite "$port"; then
		die "the scanner's INVITE to port $port was answered"
	fi
done
after=$(invites_from $SCANNER_IP)
[ "$after" = "$before" ] || die "$((after - before)) scanner INVITEs reached the phone"
good "INVITEs to 5060 and to $MAPPED: dropped at the router, the phone stayed silent"

step "7. The counters"
show stats || die "sipguard stats failed"
drops=$(sg_packets orphan_invite drop)
[ "$drops" -ge 2 ] || die "orphan_invite drops: $drops, expected at least 2"
good "$drops orphan INVITE packets dropped (with the scanner's retransmissions); the real call passed as established"

topo_passed
printf '\n%sThe story holds.%s (%d s)\n' "$G" "$N" "$SECONDS"
