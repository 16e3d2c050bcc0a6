# The two-namespace topology of the fast-path end-to-end tests, sourced
# after tests/lib.sh by test_e2e.sh and test_l7_e2e.sh.
#
#   namespace "inet": PBX 198.18.0.10 / 2001:db8:18::10,
#                     scanner 198.18.0.66 / 2001:db8:18::66
#   namespace "phone": 198.18.0.2 / 2001:db8:18::2, a UDP listener on 5060;
#                     sipguard's XDP program on its veth (the "WAN" side).
#
# The listener logs every datagram with its Call-ID, so each test knows
# exactly which of the messages it sent arrived.

SIPUDP="$SG_TOP/tests/e2e/sipudp.py"
IPFRAG="$SG_TOP/tests/e2e/ipfrag.py"
INET=${SG_NS_PREFIX}i
PHONE=${SG_NS_PREFIX}p
WAN=${SG_NS_PREFIX}w	# phone side of the veth, where sipguard sits
PEER=${SG_NS_PREFIX}x	# internet side
PBX4=198.18.0.10
SCAN4=198.18.0.66
PHONE4=198.18.0.2
PBX6=2001:db8:18::10
SCAN6=2001:db8:18::66
PHONE6=2001:db8:18::2

sg() { nsenter --net="/run/netns/$PHONE" "$SG" "$@"; }

setup() {
	ns_add "$INET" || return 1
	ns_add "$PHONE" || return 1
	ip link add "$PEER" netns "$INET" type veth peer name "$WAN" netns "$PHONE" || return 1
	# One ip process a namespace: each costs much under emulation.
	ip -n "$INET" -batch - <<-EOF || return 1
	addr add 198.18.0.1/24 dev $PEER
	addr add $PBX4/24 dev $PEER
	addr add $SCAN4/24 dev $PEER
	addr add 2001:db8:18::1/64 dev $PEER nodad
	addr add $PBX6/64 dev $PEER nodad
	addr add $SCAN6/64 dev $PEER nodad
	link set $PEER up
	EOF
	ip -n "$PHONE" -batch - <<-EOF || return 1
	addr add $PHONE4/24 dev $WAN
	addr add $PHONE6/64 dev $WAN nodad
	link set $WAN up
	EOF
	# Neighbours known from the start: a first datagram never waits for
	# ARP or neighbour discovery, which could outlast arrived()'s wait
	# (a check that nothing arrived would then pass for the wrong reason,
	# one that something did would fail).
	local wmac pmac a
	wmac=$(ip -n "$PHONE" -br link show dev "$WAN" | awk '{ print $3 }')
	pmac=$(ip -n "$INET" -br link show dev "$PEER" | awk '{ print $3 }')
	for a in $PHONE4 $PHONE6; do
		echo "neigh replace $a lladdr $wmac dev $PEER nud permanent"
	done | ip -n "$INET" -batch - || return 1
	for a in 198.18.0.1 $PBX4 $SCAN4 2001:db8:18::1 $PBX6 $SCAN6; do
		echo "neigh replace $a lladdr $pmac dev $WAN nud permanent"
	done | ip -n "$PHONE" -batch - || return 1
	LOG=$(mktemp /tmp/sgt-e2e.XXXXXX)
	cleanup_add "rm -f $LOG"
	start_listener "$LOG"
}

start_listener() {
	ip netns exec "$PHONE" python3 "$SIPUDP" listen --bind :: --port 5060 --out "$1" &
	cleanup_add "kill $! 2>/dev/null"
	local i
	for i in $(seq 50); do
		ip netns exec "$PHONE" ss -Hlun 'sport = :5060' | grep -q . && return 0
		sleep 0.1
	done
	fail "listener did not start"
}

# send SRC TAG COUNT [extra sipudp send options...]
send() {
	local src=$1 tag=$2 count=$3 dst=$PHONE4; shift 3
	[[ $src == *:* ]] && dst=$PHONE6
	ip netns exec "$INET" python3 "$SIPUDP" send --src "$src" --dst "$dst" \
		--port 5060 --count "$count" --tag "$tag" "$@"
}

# frags SRC TAG COUNT [ipfrag.py options...]: like send, each message in
# two IP fragments cut by hand right after the UDP header (tests/e2e/
# ipfrag.py), sent as frames from the internet side of the veth.
frags() {
	local src=$1 tag=$2 count=$3 dst=$PHONE4 mac; shift 3
	[[ $src == *:* ]] && dst=$PHONE6
	mac=$(ip -n "$PHONE" -br link show dev "$WAN" | awk '{ print $3 }')
	ip netns exec "$INET" python3 "$IPFRAG" --dev "$PEER" --dmac "$mac" \
		--src "$src" --dst "$dst" --port 5060 --count "$count" \
		--tag "$tag" "$@"
}

# arrived TAG: how many messages with this Call-ID tag the phone received.
# The listener writes asynchronously (and a first IPv6 packet may wait for
# neighbour discovery): wait until the count has not moved for 0.3 s and
# nothing waits in the listener's socket, or until it has not moved for 5 s
# (a listener that still catches up after a stream is waited for).
arrived() {
	local n=-1 m still=0
	while :; do
		m=$(grep -c " $1-[0-9]* " "$LOG")
		if [ "$m" = "$n" ]; then
			still=$((still + 1))
		else
			still=0
		fi
		n=$m
		[ $still -ge 3 ] && listener_idle && break
		[ $still -ge 50 ] && break
		sleep 0.1
	done
	echo "$m"
}

# listener_idle: no datagram waits in the listener's socket (Recv-Q 0).
listener_idle() {
	[ "$(ip netns exec "$PHONE" ss -Hlun 'sport = :5060' | awk '{ print $2; exit }')" = 0 ]
}

# rcvbuf_errors: datagrams the phone's sockets dropped for want of room
# (the listener did not keep up; not sipguard's doing).
rcvbuf_errors() {
	ip netns exec "$PHONE" nstat -saz UdpRcvbufErrors Udp6RcvbufErrors |
		awk '!/^#/ { n += $2 } END { print n + 0 }'
}

# reassembled 4|6: datagrams the phone's stack put together from fragments.
reassembled() {
	ip netns exec "$PHONE" nstat -saz "Ip${1/4/}ReasmOKs" |
		awk '!/^#/ { n += $2 } END { print n + 0 }'
}

# counter REASON VERDICT: packets counted on the WAN interface.
counter() {
	sg --json stats | jq -r --arg i "$WAN" --arg r "$1" --arg v "$2" \
		'[.interfaces[] | select(.name == $i) | .counters[]
		  | select(.reason == $r and .verdict == $v) | .packets] | add // 0'
}

# counter_reaches REASON VERDICT N: the counter, once it is N or after 5 s.
# Dropped packets leave nothing for arrived() to wait for, and a first IPv6
# packet may wait for neighbour discovery before it reaches the WAN.
counter_reaches() {
	local i n
	for i in $(seq 50); do
		n=$(counter "$1" "$2")
		[ "$n" -ge "$3" ] && break
		sleep 0.1
	done
	echo "$n"
}
