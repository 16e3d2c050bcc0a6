# The NAT topology of sipguard's end-to-end story, shared by
# tests/test_nat_e2e.sh and tools/demo.sh.  Sourced after tests/lib.sh
# (it uses ns_add, cleanup_add, fail, SG, SG_TOP and SG_NS_PREFIX).
#
#   lan: the phone          rtr: the router                 inet: the internet
#   192.0.2.10 eth0 ------- lan0 192.0.2.1
#   sipp on 5060: REGISTER, WAN_IF 203.0.113.2 ------------ isp0 203.0.113.1
#   answers OPTIONS and     nftables: masquerade random,    PBX     198.51.100.10 kamailio
#   INVITE                  DNAT udp 5060 -> phone:5060     caller  198.51.100.20 sipp
#                           sipguard on WAN_IF              scanner 198.18.66.6   sipp
#
# 192.0.2.0/24 stands in for the private LAN; 203.0.113.0/24 is the link to
# the provider; the internet hosts are addresses of inet's loopback.  The
# router gives the phone a random public port (as carrier-grade and many
# home NATs do), so the phone's NAT mapping and the forwarded 5060 are two
# different doors.  topo_open_mapping makes the mapping reachable from any
# host (endpoint-independent filtering, "full cone"), as many home
# routers do; Linux's own NAT only lets the PBX through it.
#
# Everything a function starts is stopped by topo_down, which topo_up
# registers with cleanup_add; lib.sh then kills what is left in the
# namespaces and deletes them.  Logs, captures and kamailio's runtime dir
# live in $TOPO_RUN (kept when SG_KEEP=1).

NAT_DIR=$SG_TOP/tests/nat
LAN_NS=${SG_NS_PREFIX}lan
RTR_NS=${SG_NS_PREFIX}rtr
INET_NS=${SG_NS_PREFIX}inet
# The WAN device carries sipguard.  Its name is unique to this run: the
# pin directory is named after it, and lib.sh's sg_reset_pins detaches by
# that name from the root namespace.
WAN_IF=${SG_NS_PREFIX:0:12}wan

PHONE_IP=192.0.2.10
RTR_LAN_IP=192.0.2.1
RTR_WAN_IP=203.0.113.2
ISP_IP=203.0.113.1
PBX_IP=198.51.100.10
CALLER_IP=198.51.100.20
SCANNER_IP=198.18.66.6
PHONE_USER=phone		# the phone's AOR is sip:phone@PBX_IP
PHONE_EXPIRES=${PHONE_EXPIRES:-60}

TOPO_RUN=
PHONE_PID=
PHONE_LOG=
PHONE_RUNS=0
PHONE_MSGS=
KAM_PID=
DUMP_PID=
SIPP_LAST=
TOPO_SG_ATTACHED=
_topo_seq=0

# (Programs that run in the background are started with `ip netns exec`
# itself, not through these functions, so that $! is the program.)
in_lan() { ip netns exec "$LAN_NS" "$@"; }
in_rtr() { ip netns exec "$RTR_NS" "$@"; }
in_inet() { ip netns exec "$INET_NS" "$@"; }
# sipguard runs in the router; nsenter keeps /sys/fs/bpf visible.
sg() { nsenter --net="/run/netns/$RTR_NS" "$SG" "$@"; }

# wait_for TENTHS COMMAND...: poll COMMAND every 0.1 s.
wait_for() {
	local n=$1 i; shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

udp_listening() { ip netns exec "$1" ss -Hlun "src $2" | grep -q .; }
udp_free() { ! udp_listening "$@"; }

# topo_up: namespaces, links, addresses, routes and the router's nftables.
topo_up() {
	TOPO_RUN=$(mktemp -d "/tmp/$SG_NS_PREFIX-nat.XXXXXX") || return 1
	[ "${SG_KEEP:-0}" = 1 ] || cleanup_add "rm -rf $TOPO_RUN"
	exec 7>&2	# topo_down reports here; lib.sh silences cleanups
	# Ctrl-C: leave at once through the EXIT trap (the cleanups).  sipp
	# catches SIGINT and exits 0, which must not read as "answered".
	trap 'TOPO_NO_DIAG=1; exit 130' INT TERM HUP
	ns_add "$LAN_NS" || return 1
	ns_add "$RTR_NS" || return 1
	ns_add "$INET_NS" || return 1
	cleanup_add topo_down

	ip link add eth0 netns "$LAN_NS" type veth peer name lan0 netns "$RTR_NS" || return 1
	ip link add "$WAN_IF" netns "$RTR_NS" type veth peer name isp0 netns "$INET_NS" || return 1

	# One process a namespace (each costs much under emulation).
	ip -n "$LAN_NS" -batch - <<-EOF || return 1
	addr add $PHONE_IP/24 dev eth0
	link set eth0 up
	route add default via $RTR_LAN_IP
	EOF
	ip -n "$RTR_NS" -batch - <<-EOF || return 1
	addr add $RTR_LAN_IP/24 dev lan0
	addr add $RTR_WAN_IP/24 dev $WAN_IF
	link set lan0 up
	link set $WAN_IF up
	route add default via $ISP_IP
	EOF
	ip -n "$INET_NS" -batch - <<-EOF || return 1
	addr add $ISP_IP/24 dev isp0
	addr add $PBX_IP/32 dev lo
	addr add $CALLER_IP/32 dev lo
	addr add $SCANNER_IP/32 dev lo
	link set isp0 up
	EOF

	in_lan sysctl -qw net.ipv4.ip_forward=0
	in_inet sysctl -qw net.ipv4.ip_forward=0
	in_rtr sysctl -qw net.ipv4.ip_forward=1 || return 1

	# The router: the LAN leaves masqueraded; UDP 5060 on the WAN address
	# is forwarded to the phone (the misconfiguration behind ghost calls);
	# the forward chain is a usual stateful firewall.
	in_rtr nft -f - <<-EOF || return 1
	table ip sgnat {
		chain prerouting {
			type nat hook prerouting priority dstnat; policy accept;
			iifname "$WAN_IF" udp dport 5060 dnat to $PHONE_IP:5060
		}
		chain postrouting {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "$WAN_IF" ip saddr 192.0.2.0/24 masquerade random
		}
		chain forward {
			type filter hook forward priority filter; policy drop;
			ct state established,related accept
			iifname "lan0" oifname "$WAN_IF" accept
			ct status dnat accept
		}
	}
	EOF
}

# topo_open_mapping PORT: let anyone reach the phone through its public
# port PORT (endpoint-independent filtering), not only the PBX.
topo_open_mapping() {
	in_rtr nft add rule ip sgnat prerouting iifname "$WAN_IF" udp dport "$1" \
		dnat to $PHONE_IP:5060
}

# Stops, in order, what the topology runs.  A test that did not reach
# topo_passed gets a short report of the state first (not with TOPO_NO_DIAG
# set, e.g. on Ctrl-C).
topo_down() {
	if [ -n "$TOPO_RUN" ] && [ ! -e "$TOPO_RUN/passed" ] && [ -z "${TOPO_NO_DIAG:-}" ]; then
		topo_diag >&7 2>&1
	fi
	if [ -n "$TOPO_SG_ATTACHED" ]; then
		sg detach "$WAN_IF" >/dev/null 2>&1
		TOPO_SG_ATTACHED=
	fi
	phone_stop
	[ -n "$KAM_PID" ] && kill "$KAM_PID" 2>/dev/null && wait "$KAM_PID" 2>/dev/null
	[ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null && wait "$DUMP_PID" 2>/dev/null
	KAM_PID='' DUMP_PID=''
	return 0
}

topo_passed() { : >"$TOPO_RUN/passed"; }

topo_diag() {
	echo "---- state at failure (logs in $TOPO_RUN with SG_KEEP=1)"
	echo "conntrack:"; in_rtr conntrack -L -p udp 2>/dev/null | sed 's/^/  /' | head -6
	echo "kamailio:"; tail -n 6 "$TOPO_RUN/kamailio.log" 2>/dev/null | sed 's/^/  /'
	if [ -n "$SIPP_LAST" ]; then
		echo "last sipp run ($SIPP_LAST), its errors:"
		tail -n 6 "$TOPO_RUN/$SIPP_LAST.err" 2>/dev/null | cut -c 1-150 | sed 's/^/  /'
	fi
	echo "on the phone's wire (last packets):"
	tcpdump -r "$TOPO_RUN/phone.pcap" -nn 2>/dev/null | tail -n 8 | cut -c 1-150 | sed 's/^/  /'
	if [ -n "$TOPO_SG_ATTACHED" ]; then
		echo "sipguard flows:"; sg flows list 2>&1 | sed 's/^/  /' | head -8
		echo "sipguard stats:"; sg stats 2>&1 | grep -v ' 0 *$' | sed 's/^/  /' | head -20
	fi
}

# ---- the PBX --------------------------------------------------------------

pbx_start() {
	local dir=$TOPO_RUN/kamailio
	mkdir -p "$dir" || return 1
	sed -e "s|@PBX_IP@|$PBX_IP|g" -e "s|@RUNDIR@|$dir|g" \
		"$NAT_DIR/kamailio.cfg" >"$dir/kamailio.cfg" || return 1
	ip netns exec "$INET_NS" kamailio -f "$dir/kamailio.cfg" -P "$dir/kamailio.pid" -Y "$dir" \
		-w "$dir" -DD -E -m 32 -M 4 >"$TOPO_RUN/kamailio.log" 2>&1 &
	KAM_PID=$!
	if ! wait_for 50 udp_listening "$INET_NS" "$PBX_IP:5060"; then
		tail -n 20 "$TOPO_RUN/kamailio.log" >&2
		fail "kamailio did not start"
		return 1
	fi
}

# pbx_rpc CMD...: ask kamailio (kamcmd), e.g. pbx_rpc ul.dump
pbx_rpc() { kamcmd -s "unix:$TOPO_RUN/kamailio/kamailio_ctl" "$@"; }

# pbx_contact: where the PBX will send calls for the phone ("received").
pbx_contact() {
	pbx_rpc ul.dump 2>/dev/null | awk '/Received: sip:/ { sub(/.*Received: /, ""); print; exit }'
}

# ---- the phone ------------------------------------------------------------

# capture_start: record every packet that reaches the phone.
capture_start() {
	ip netns exec "$LAN_NS" tcpdump -i eth0 -nn --immediate-mode -U -w "$TOPO_RUN/phone.pcap" udp \
		>"$TOPO_RUN/tcpdump.log" 2>&1 &
	DUMP_PID=$!
	wait_for 50 grep -qs "listening on" "$TOPO_RUN/tcpdump.log" ||
		{ fail "tcpdump did not start"; return 1; }
}

# invites_from ADDR: how many INVITE requests from ADDR reached the phone.
invites_from() {
	sleep 0.3	# let packets in flight arrive
	tcpdump -r "$TOPO_RUN/phone.pcap" -nn -q -A "udp and src host $1" 2>/dev/null |
		grep -a -c "INVITE sip:"
}

phone_registered() { grep -q "^registered" "$PHONE_LOG" 2>/dev/null; }

# phone_start: one sipp on the phone's 5060 that REGISTERs (from that same
# port, so the PBX calls back through the same NAT mapping), then stays up
# answering OPTIONS with 200 and INVITEs with 180, 200, waiting for ACK and
# BYE (the out-of-call scenario).  Returns when the REGISTER got its 200.
# PHONE_SCENARIO names another REGISTER scenario of tests/nat/ (e.g.
# phone_register_noexpires.xml).
phone_start() {
	local n=$((++PHONE_RUNS))
	PHONE_LOG=$TOPO_RUN/phone.$n.log
	PHONE_MSGS=$TOPO_RUN/phone.$n.msg
	ip netns exec "$LAN_NS" sipp -sf "$NAT_DIR/${PHONE_SCENARIO:-phone_register.xml}" -oocsf "$NAT_DIR/phone_answer.xml" \
		-i $PHONE_IP -p 5060 -s $PHONE_USER -key expires "$PHONE_EXPIRES" \
		-m 1 -nostdin -trace_msg -message_file "$PHONE_MSGS" \
		-trace_logs -log_file "$PHONE_LOG" -trace_err -error_file "$TOPO_RUN/phone.$n.err" \
		$PBX_IP:5060 >"$TOPO_RUN/phone.$n.out" 2>&1 &
	PHONE_PID=$!
	local i
	for ((i = 0; i < 60; i++)); do
		phone_registered && return 0
		kill -0 "$PHONE_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "the phone did not register (sipp: $(tail -c 300 "$TOPO_RUN/phone.$n.err" 2>/dev/null))"
	return 1
}

phone_stop() {
	if [ -n "$PHONE_PID" ]; then
		kill "$PHONE_PID" 2>/dev/null && wait "$PHONE_PID" 2>/dev/null
		PHONE_PID=
		wait_for 30 udp_free "$LAN_NS" "$PHONE_IP:5060"
	fi
	return 0
}

# phone_reregister: the phone sends its REGISTER again (a fresh sipp on the
# same port: the same NAT mapping while conntrack keeps it).
phone_reregister() { phone_stop; phone_start; }

# phone_mapped_port: the public port the router gave the phone's 5060
# towards the PBX, from the router's conntrack table.
phone_mapped_port() { nat_port $PBX_IP 5060; }

# nat_port REMOTE RPORT: the public port the router gave the phone's 5060
# towards REMOTE:RPORT (the reply direction's destination port of the
# conntrack entry).
nat_port() {
	if command -v conntrack >/dev/null; then
		in_rtr conntrack -L -p udp -s $PHONE_IP -d "$1" --sport 5060 --dport "$2" 2>/dev/null
	else
		in_rtr cat /proc/net/nf_conntrack 2>/dev/null |
			grep "src=$PHONE_IP dst=$1 sport=5060 dport=$2 "
	fi | awk '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^dport=/ && ++n == 2) { sub(/dport=/, "", $i); print $i; exit } }'
}

# udp_send NS SRC SPORT DST DPORT: send stdin as one UDP datagram from
# SRC:SPORT, through a raw socket, so that SPORT may be a port a program
# listens on (the phone's sipp holds 5060).
udp_send() {
	ip netns exec "$1" python3 -c '
import socket, struct, sys
src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
data = sys.stdin.buffer.read()
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
s.bind((src, 0))
s.sendto(struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data, (dst, 0))
' "$2" "$3" "$4" "$5"
}

# steer_reply PORT: the steered-reply attack's first half.  The scanner
# sends the phone an OPTIONS (through the port forward) whose Via names
# PORT and no rport; an RFC 3261 phone answers to the Via port
# (18.2.2), which opens a conntrack entry from the phone's 5060 to
# SCANNER:PORT.  sipp answers to the source address instead, so the
# phone's answer is sent for it, as such a phone sends it.
steer_reply() {
	local via="Via: SIP/2.0/UDP $SCANNER_IP:$1;branch=z9hG4bK-steer$1"
	printf '%s\r\n' "OPTIONS sip:100@$RTR_WAN_IP SIP/2.0" "$via" \
		"Max-Forwards: 70" "From: <sip:100@$SCANNER_IP>;tag=st$1" \
		"To: <sip:100@$RTR_WAN_IP>" "Call-ID: steer-$1@$SCANNER_IP" \
		"CSeq: 1 OPTIONS" "Content-Length: 0" "" |
		udp_send "$INET_NS" $SCANNER_IP 5060 $RTR_WAN_IP 5060 || return 1
	printf '%s\r\n' "SIP/2.0 200 OK" "$via;received=$SCANNER_IP" \
		"From: <sip:100@$SCANNER_IP>;tag=st$1" \
		"To: <sip:100@$RTR_WAN_IP>;tag=ph$1" "Call-ID: steer-$1@$SCANNER_IP" \
		"CSeq: 1 OPTIONS" "Content-Length: 0" "" |
		udp_send "$LAN_NS" $PHONE_IP 5060 $SCANNER_IP "$1"
}

# ---- the internet side ------------------------------------------------------

# sipp_run NAME SCENARIO LOCAL_IP TARGET [sipp options]: one call; returns
# sipp's exit status (0: the call went through the scenario to its end).
sipp_run() {
	local name=$1 sf=$2 ip=$3 target=$4 n=$((++_topo_seq)); shift 4
	SIPP_LAST=$name.$n
	in_inet sipp -sf "$NAT_DIR/$sf" -i "$ip" -p 5060 -m 1 -nostdin \
		-timeout 20 -timeout_error -trace_msg -message_file "$TOPO_RUN/$name.$n.msg" \
		-trace_err -error_file "$TOPO_RUN/$name.$n.err" \
		"$@" "$target" >"$TOPO_RUN/$name.$n.out" 2>&1
}

# call_phone: the second UA calls sip:phone@PBX; 0 when INVITE, 200, ACK,
# BYE and its 200 all went through.
call_phone() { sipp_run caller caller.xml $CALLER_IP $PBX_IP:5060 -s $PHONE_USER; }

# scan_invite PORT: a SIPVicious-shaped INVITE from the scanner to the
# router's WAN address; 0 when the phone answered (the ghost call rang).
scan_invite() { sipp_run scan-invite scanner_invite.xml $SCANNER_IP $RTR_WAN_IP:"$1"; }

# scan_invite_from SPORT PORT: the same INVITE, from the scanner's port
# SPORT.
scan_invite_from() {
	sipp_run scan-invite scanner_invite.xml $SCANNER_IP $RTR_WAN_IP:"$2" -p "$1"
}

# scan_options PORT: svmap's OPTIONS probe; 0 when the phone answered 200.
scan_options() { sipp_run scan-options scanner_options.xml $SCANNER_IP $RTR_WAN_IP:"$1"; }

# ---- sipguard ---------------------------------------------------------------

sg_attach() {
	sg attach "$WAN_IF" "$@" || { fail "sipguard attach $WAN_IF $* failed"; return 1; }
	TOPO_SG_ATTACHED=1
}

# sg_packets REASON VERDICT: packets counted on the WAN device, e.g.
# sg_packets orphan_invite drop
sg_packets() {
	sg stats --json | jq -r --arg i "$WAN_IF" --arg r "$1" --arg v "$2" \
		'[.interfaces[] | select(.name == $i) | .counters[]
		  | select(.reason == $r and .verdict == $v) | .packets] | add // 0'
}

# sg_flow_state REMOTE LOCAL_PORT: "active", "expired" or "none".
sg_flow_state() {
	sg flows list --json | jq -r --arg a "$1" --argjson p "$2" \
		'[.[] | select(.remote == $a and .local_port == $p) | .state] | first // "none"'
}

# sg_flow_age REMOTE LOCAL_PORT: seconds since the flow was last seen, or
# "none".
sg_flow_age() {
	sg flows list --json | jq -r --arg a "$1" --argjson p "$2" \
		'[.[] | select(.remote == $a and .local_port == $p) | .age_s] | first // "none"'
}

# sg_flows_from REMOTE: how many flows (any state) name REMOTE.
sg_flows_from() {
	sg flows list --json | jq -r --arg a "$1" '[.[] | select(.remote == $a)] | length'
}
