# The topologies of tests/test_links.sh: sipguard on real WAN link types.
# Sourced after tests/lib.sh and tests/e2e/topo.sh, whose listener and
# messages (tests/e2e/sipudp.py; sent here in batches by
# tests/links/sipbatch.py), addresses and `sg` it reuses, in these roles:
#
#   namespace INET ("isp"):  the far end of the WAN link, 198.51.100.1 /
#       2001:db8:51::1, and behind it on lo the internet's hosts:
#       PBX    198.18.0.10 / 2001:db8:18::10  (the phone registers to it)
#       TRUNK  198.18.0.20 / 2001:db8:18::20  (allowlisted)
#       SCAN   198.18.0.66 / 2001:db8:18::66  (a stranger)
#   namespace PHONE ("router"): the WAN device $WAN, 198.51.100.2 /
#       2001:db8:51::2, with sipguard on it, and the SIP listener on
#       UDP 5060 (the phone's pinhole) behind it.
#
# Each link_* function builds one kind of link between the two, routes
# 198.18.0.0/24 and 2001:db8:18::/64 over it, and sets WAN (the device
# sipguard goes on), WAN_TYPE (the link type `status` must report) and
# WAN_MODE (the XDP mode it must use).  A link the kernel cannot make ends
# the test as skipped (see skip).

LINKS_DIR="$SG_TOP/tests/links"
TRUNK4=198.18.0.20
TRUNK6=2001:db8:18::20
# The router's WAN addresses: where the internet's hosts send to.
PHONE4=198.51.100.2
PHONE6=2001:db8:51::2
ISP4=198.51.100.1
ISP6=2001:db8:51::1
# Device names carry the suite's prefix: the pins are named after them.
ETH=${SG_NS_PREFIX}e	# router side of a veth pair (Ethernet underlay)
# PEER (isp side of the veth, or the prefix of its devices) comes from
# tests/e2e/topo.sh.

# need_kernel MODULE WHAT PROBE...: if PROBE fails, load MODULE and try
# again; if it still fails, skip the test, naming what the kernel lacks
# (a kernel with the feature built in passes PROBE without a module).
need_kernel() {
	local mod=$1 what=$2 out; shift 2
	"$@" >/dev/null 2>&1 && return 0
	if ! out=$(modprobe "$mod" 2>&1); then
		skip "no $what in this kernel ($(uname -r)): ${out:-modprobe $mod failed}"
	fi
	# devtmpfs makes a driver's device node a moment after the module loads
	wait_for 5 "$@" ||
		skip "$what: modprobe $mod succeeded but the kernel still lacks it ($*)"
}

# Probes for need_kernel.  A device node may exist without its driver
# (made by hand, as in tests/vm/init): opening it tells.
can_open() { [ -c "$1" ] && (exec 3<>"$1") 2>/dev/null; }
have_pppox() { python3 -c 'import socket; socket.socket(24, socket.SOCK_STREAM, 0)'; }
have_vlan() { ip netns exec "$PHONE" test -e /proc/net/vlan/config; }
have_wireguard() {
	ip -n "$PHONE" link add "${SG_NS_PREFIX}wgp" type wireguard &&
	ip -n "$PHONE" link del "${SG_NS_PREFIX}wgp"
}

need_tool() {
	command -v "$1" >/dev/null || { fail "$1 missing: install $2 (make deps)"; exit 1; }
}

# links_base: the two namespaces, the internet's hosts on the isp's lo, and
# the listener in the router (started, not waited for: see listener_ready).
links_base() {
	ns_add "$INET" || return 1
	ns_add "$PHONE" || return 1
	LOG=$(mktemp /tmp/sgt-links.XXXXXX)
	cleanup_add "rm -f $LOG $LOG.*"
	ip netns exec "$PHONE" python3 "$SIPUDP" listen --bind :: --port 5060 --out "$LOG" &
	LISTENER=$!	# `ip netns exec` becomes python: the same process
	cleanup_add "kill $LISTENER 2>/dev/null"
	ip -n "$INET" -batch - <<-EOF
		addr add $PBX4/32 dev lo
		addr add $TRUNK4/32 dev lo
		addr add $SCAN4/32 dev lo
		addr add $PBX6/128 dev lo nodad
		addr add $TRUNK6/128 dev lo nodad
		addr add $SCAN6/128 dev lo nodad
	EOF
}

# listener_ready: the listener is python by now, and bound to UDP 5060.
listener_ready() {
	grep -qa sipudp.py "/proc/$LISTENER/cmdline" &&
	awk '$2 ~ /:13C4$/ { f = 1 } END { exit !f }' "/proc/$LISTENER/net/udp6"
}

# link_addrs ISP_DEV ROUTER_DEV: the link's addresses, up, and the routes
# over it.
link_addrs() {
	ip -n "$INET" -batch - <<-EOF || return 1
		addr add $ISP4/24 dev $1
		addr add $ISP6/64 dev $1 nodad
		link set $1 up
	EOF
	ip -n "$PHONE" -batch - <<-EOF
		addr add $PHONE4/24 dev $2
		addr add $PHONE6/64 dev $2 nodad
		link set $2 up
		route add 198.18.0.0/24 via $ISP4 dev $2
		route add 2001:db8:18::/64 via $ISP6 dev $2
	EOF
}

# veth_underlay: a veth pair PEER (isp) -- ETH (router), up, no addresses.
veth_underlay() {
	ip link add "$PEER" netns "$INET" type veth peer name "$ETH" netns "$PHONE" &&
	ip -n "$INET" link set "$PEER" up &&
	ip -n "$PHONE" link set "$ETH" up
}

# wait_for SECONDS COMMAND...: poll COMMAND until it succeeds, for SECONDS
# of wall-clock time at most (a poll itself can take a second in a VM).
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# ---- (a) PPPoE: pppoe-server in the isp, pppd with rp-pppoe.so in the router
#
# Debian builds pppoe-server without kernel-mode PPPoE (no -k): its pppd
# talks PPPoE through the pppoe program on a pty.  The router's pppd uses
# the kernel's PPPoE (AF_PPPOX) through the rp-pppoe plugin, as a router
# does.

pppoe_plugin() {
	ls /usr/lib/pppd/*/rp-pppoe.so /usr/lib/*/ppp/*/rp-pppoe.so 2>/dev/null | head -1
}

ppp_addr_up() {	# NETNS DEV ADDR
	ip -n "$1" -4 addr show dev "$2" 2>/dev/null | grep -q "inet $3 "
}

link_pppoe() {
	local plugin opts
	need_tool pppd ppp
	need_tool pppoe-server pppoe
	need_tool pppoe pppoe
	plugin=$(pppoe_plugin)
	[ -n "$plugin" ] || { fail "rp-pppoe.so missing: install ppp"; return 1; }
	need_kernel ppp_generic "PPP support (ppp_generic)" can_open /dev/ppp
	need_kernel pppoe "PPPoE support (pppoe)" have_pppox
	veth_underlay || return 1
	WAN=${SG_NS_PREFIX}ppp
	WAN_TYPE=ppp WAN_MODE=generic
	# The server's pppd: no authentication, IPv6CP on, no scripts, and the
	# isp's end named PEER.  /etc/ppp/options is read as well ("auth",
	# "lock", "crtscts" there are overridden or meaningless here).
	opts=$LOG.srv-options
	cat > "$opts" <<-EOF
		noauth
		+ipv6
		ifname $PEER.ppp
		ip-up-script /bin/true
		ip-down-script /bin/true
		lcp-echo-interval 0
		noccp
		debug
		logfile $LOG.pppd-isp
	EOF
	ip netns exec "$INET" pppoe-server -F -I "$PEER" -L $ISP4 -R $PHONE4 -N 1 \
		-O "$opts" -X "$LOG.pppoe-server.pid" >"$LOG.pppoe-server" 2>&1 &
	cleanup_add "kill $! 2>/dev/null"
	ip netns exec "$PHONE" pppd plugin "$plugin" "nic-$ETH" ifname "$WAN" \
		noauth nodetach noipdefault nodefaultroute +ipv6 \
		ip-up-script /bin/true ip-down-script /bin/true \
		lcp-echo-interval 0 noccp maxfail 0 persist holdoff 1 \
		debug logfile "$LOG.pppd-router" >"$LOG.pppd-router.out" 2>&1 &
	PPPD=$!
	cleanup_add "kill $PPPD 2>/dev/null"
	wait_for 60 ppp_session_settled
	if ! ppp_session_up; then
		if kill -0 $PPPD 2>/dev/null; then
			fail "no PPPoE session within 60 s"
		else
			fail "the router's pppd ended"
		fi
		pppoe_logs
		return 1
	fi
	# pppd set the IPv4 addresses as peer-to-peer ones; add the link's
	# global IPv6 addresses (IPv6CP gave link-local ones) and the routes.
	ip -n "$INET" addr add $ISP6/64 dev "$PEER.ppp" nodad || return 1
	ip -n "$PHONE" -batch - <<-EOF
		addr add $PHONE6/64 dev $WAN nodad
		route add 198.18.0.0/24 dev $WAN
		route add 2001:db8:18::/64 dev $WAN
	EOF
}

# ppp_session_up: both ends have their addresses (IPCP is done).
ppp_session_up() {
	ppp_addr_up "$PHONE" "$WAN" $PHONE4 && ppp_addr_up "$INET" "$PEER.ppp" $ISP4
}

# ppp_session_settled: the session is up, or the router's pppd is gone
# (with "persist" it ends only on an error): no use waiting longer.
ppp_session_settled() {
	ppp_session_up || ! kill -0 $PPPD 2>/dev/null
}

pppoe_logs() {
	local f
	for f in "$LOG.pppoe-server" "$LOG.pppd-isp" "$LOG.pppd-router" "$LOG.pppd-router.out"; do
		[ -s "$f" ] && { say "--- ${f##*.}"; tail -25 "$f"; }
	done
}

# ---- (b) 802.1Q: VLAN 100 on a veth pair, tags in the frames

# link_vlan: ETH.100 in the router, PEER.100 in the isp.  VLAN offload is
# off on both veths, so the tag travels inside the frame (with it on, veth
# carries it beside the frame and the parent's XDP program never sees it).
link_vlan() {
	need_tool ethtool ethtool
	need_kernel 8021q "802.1Q VLAN support (8021q)" have_vlan
	veth_underlay || return 1
	ip netns exec "$INET" ethtool -K "$PEER" txvlan off rxvlan off >/dev/null 2>&1
	ip netns exec "$PHONE" ethtool -K "$ETH" txvlan off rxvlan off >/dev/null 2>&1
	ip -n "$PHONE" link add link "$ETH" name "$ETH.100" type vlan id 100 &&
	ip -n "$INET" link add link "$PEER" name "$PEER.100" type vlan id 100 &&
	link_addrs "$PEER.100" "$ETH.100"
}

# tx_vlan_offload NETNS DEV: on or off
tx_vlan_offload() {
	ip netns exec "$1" ethtool -k "$2" | awk '/^tx-vlan-offload:/ { print $2 }'
}

# ---- (c) WireGuard: wg0 over a veth pair (192.0.2.0/24 underneath)

link_wireguard() {
	local ki kr
	need_tool wg wireguard-tools
	need_kernel wireguard "WireGuard (wireguard)" have_wireguard
	veth_underlay || return 1
	WAN=${SG_NS_PREFIX}wg
	WAN_TYPE=none WAN_MODE=generic
	ip -n "$PHONE" link add "$WAN" type wireguard &&
	ip -n "$INET" link add "$PEER.wg" type wireguard || return 1
	ip -n "$INET" addr add 192.0.2.1/24 dev "$PEER" &&
	ip -n "$PHONE" addr add 192.0.2.2/24 dev "$ETH" || return 1
	(umask 077; wg genkey > "$LOG.key-isp"; wg genkey > "$LOG.key-rtr") || return 1
	ki=$(wg pubkey < "$LOG.key-isp") && kr=$(wg pubkey < "$LOG.key-rtr") || return 1
	# The router takes any inner source from the isp (it is its default
	# route); the isp routes only the router's addresses into the tunnel.
	ip netns exec "$INET" wg set "$PEER.wg" private-key "$LOG.key-isp" listen-port 51820 \
		peer "$kr" endpoint 192.0.2.2:51821 allowed-ips $PHONE4/32,$PHONE6/128 &&
	ip netns exec "$PHONE" wg set "$WAN" private-key "$LOG.key-rtr" listen-port 51821 \
		peer "$ki" endpoint 192.0.2.1:51820 allowed-ips 0.0.0.0/0,::/0 &&
	link_addrs "$PEER.wg" "$WAN"
}

# ---- (d) tun: two tun devices joined by tests/links/tunpipe.py

link_tun() {
	need_kernel tun "tun/tap support (tun)" can_open /dev/net/tun
	WAN=${SG_NS_PREFIX}tun
	WAN_TYPE=none WAN_MODE=generic
	python3 "$LINKS_DIR/tunpipe.py" --ns "/run/netns/$PHONE:$WAN" \
		--ns "/run/netns/$INET:$PEER.tun" --ready "$LOG.tun-ready" 2>"$LOG.tun" &
	cleanup_add "kill $! 2>/dev/null"
	if ! wait_for 10 test -e "$LOG.tun-ready"; then
		fail "tunpipe.py did not open its tun devices: $(cat "$LOG.tun")"
		return 1
	fi
	link_addrs "$PEER.tun" "$WAN"
}

# ---- what every link must show
#
# A python start or an `ip netns exec` costs up to a second in an emulated
# VM, so the checks below send, wait and read in batches: one sipbatch.py
# per round of traffic, one wait for the listener per round, one `stats`.

SIPBATCH="$LINKS_DIR/sipbatch.py"

# from_isp BATCH...: sipbatch.py in the isp namespace.
from_isp() { ip netns exec "$INET" python3 "$SIPBATCH" "$@"; }

# from_router BATCH...: sipbatch.py in the router, from its port 5060 (the
# listener's: the pinhole a reply or a call comes back to).
from_router() { ip netns exec "$PHONE" python3 "$SIPBATCH" "$@"; }

# settle: wait until the listener has taken in all that reached it: its
# log has not grown for 0.3 s and its socket's receive queue is empty (or
# the log has not grown for 5 s).  Reads the queue from the listener's own
# /proc/PID/net/udp6, so no process enters the namespace.
settle() {
	local n=-1 m still=0 moved=$SECONDS
	while :; do
		m=$(awk 'FNR == NR { n++; next }
			 $2 ~ /:13C4$/ { split($5, q, ":"); if (q[2] !~ /^0+$/) busy = 1 }
			 END { print n + 0 (busy ? "+" : "") }' "$LOG" "/proc/$LISTENER/net/udp6")
		if [ "$m" = "$n" ]; then
			still=$((still + 1))
		else
			still=0 moved=$SECONDS
		fi
		n=$m
		[ $still -ge 3 ] && [[ $m != *+ ]] && break
		[ $((SECONDS - moved)) -ge 5 ] && break
		sleep 0.1
	done
}

# got TAG...: after settle, how many messages with each Call-ID tag the
# listener received, one number per TAG, in order.
got() {
	awk 'BEGIN { for (i = 1; i < ARGC; i++) want[i] = ARGV[i]; n = ARGC; ARGC = 1 }
	     { t = $3; sub(/-[0-9]+$/, "", t); c[t]++ }
	     END { for (i = 1; i < n; i++) printf "%d%s", c[want[i]], i < n - 1 ? " " : "\n" }' \
		"$@" < "$LOG"
}

# arrive WANT TAG...: wait (30 s at most) until the listener got WANT, a
# list of counts (one per TAG), then until it settles; print what it got.
# A first packet may wait for a WireGuard handshake or a neighbour.
arrive() {
	local want=$1 end=$((SECONDS + 30)); shift
	until [ "$(got "$@")" = "$want" ] || [ $SECONDS -ge $end ]; do
		sleep 0.1
	done
	settle
	got "$@"
}

# counters REASON/VERDICT...: packets counted on $WAN, one number each.
counters() {
	sg --json stats | jq -r --arg ifname "$WAN" '
		[.interfaces[] | select(.name == $ifname) | .counters[]] as $c
		| [$ARGS.positional[] as $k
		   | [$c[] | select(.reason + "/" + .verdict == $k) | .packets]
		   | if length == 0 then "none" else add end | tostring]
		| join(" ")' --args "$@"
}

# status_of FIELD...: fields of $WAN in `sipguard status --json`.
status_of() {
	sg --json status | jq -r --arg ifname "$WAN" '
		[.interfaces[]? | select(.name == $ifname)]
		| if length == 0 then "absent" else .[0] as $i
		  | [$ARGS.positional[] as $f | $i[$f] | tostring] | join(" ") end' --args "$@"
}

# flows_learned ADDR...: the flow table holds a learned flow from each ADDR
# to local port 5060.
flows_learned() {
	sg --json flows list | jq -e '
		[.[] | select(.origin == "learned" and .local_port == 5060) | .remote] as $have
		| ($ARGS.positional - $have) == []' --args "$@" >/dev/null
}

N=5	# INVITEs per case

# link_proves: the link carries SIP; then, with sipguard on $WAN, in IPv4
# and IPv6: a stranger's INVITEs are dropped, an allowlisted trunk's pass,
# the PBX's are dropped until the router's REGISTER to it teaches the
# learner the flow, and pass after it.
link_proves() {
	local s4 s6 t4 t6 e4 e6
	# Before sipguard: the link works, in both families (this also waits
	# out a WireGuard handshake or a neighbour lookup).
	check "the listener on UDP 5060" wait_for 20 listener_ready
	from_isp $SCAN4,$PHONE4,probe4,1 $SCAN6,$PHONE6,probe6,1
	expect_eq "INVITEs over the bare $WAN_TYPE link (IPv4 IPv6)" "1 1" \
		"$(arrive "1 1" probe4 probe6)"

	check "sipguard attach $WAN" sg attach "$WAN"
	cleanup_add "nsenter --net=/run/netns/$PHONE $SG detach $WAN"
	expect_eq "$WAN in status: state, link type, XDP mode, learner" \
		"attached $WAN_TYPE $WAN_MODE true" "$(status_of state link_type mode learner)"
	check "allow the trunk" sg allow add $TRUNK4 $TRUNK6/128

	from_isp $SCAN4,$PHONE4,scan4,$N $SCAN6,$PHONE6,scan6,$N \
		$TRUNK4,$PHONE4,trunk4,$N $TRUNK6,$PHONE6,trunk6,$N \
		$PBX4,$PHONE4,early4,2 $PBX6,$PHONE6,early6,2
	read -r s4 s6 t4 t6 e4 e6 <<<"$(arrive "0 0 $N $N 0 0" \
		scan4 scan6 trunk4 trunk6 early4 early6)"
	expect_eq "stranger's INVITEs at the listener (IPv4 IPv6)" "0 0" "$s4 $s6"
	expect_eq "allowlisted trunk's INVITEs at the listener (IPv4 IPv6)" "$N $N" "$t4 $t6"
	expect_eq "PBX INVITEs before the REGISTER (IPv4 IPv6)" "0 0" "$e4 $e6"
	expect_eq "orphan_invite drops, allowlisted passes" "$((2 * N + 4)) $((2 * N))" \
		"$(counters orphan_invite/drop allowlisted/pass)"

	check "REGISTER from the router (IPv4, IPv6)" \
		from_router $PHONE4,$PBX4,reg4,1,REGISTER $PHONE6,$PBX6,reg6,1,REGISTER
	check "flows to the PBX learned (IPv4, IPv6)" wait_for 5 flows_learned $PBX4 $PBX6
	from_isp $PBX4,$PHONE4,call4,$N $PBX6,$PHONE6,call6,$N
	expect_eq "PBX INVITEs on the learned flows (IPv4 IPv6)" "$N $N" \
		"$(arrive "$N $N" call4 call6)"
	expect_eq "orphan_invite drops, allowlisted passes, established passes" \
		"$((2 * N + 4)) $((2 * N)) $((2 * N))" \
		"$(counters orphan_invite/drop allowlisted/pass established/pass)"
	# ARP is not IP; on a device without a link-layer header everything is
	if [ "$WAN_TYPE" != ethernet ]; then
		expect_eq "packets sipguard could not read as IP" 0 "$(counters non_ip/pass)"
	fi
}
