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
	ip -n "$INET" addr add 198.18.0.1/24 dev "$PEER"
	ip -n "$INET" addr add $PBX4/24 dev "$PEER"
	ip -n "$INET" addr add $SCAN4/24 dev "$PEER"
	ip -n "$INET" addr add 2001:db8:18::1/64 dev "$PEER" nodad
	ip -n "$INET" addr add $PBX6/64 dev "$PEER" nodad
	ip -n "$INET" addr add $SCAN6/64 dev "$PEER" nodad
	ip -n "$PHONE" addr add $PHONE4/24 dev "$WAN"
	ip -n "$PHONE" addr add $PHONE6/64 dev "$WAN" nodad
	ip -n "$INET" link set "$PEER" up
	ip -n "$PHONE" link set "$WAN" up
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

# arrived TAG: how many messages with this Call-ID tag the phone received.
# The listener writes asynchronously (and a first IPv6 packet may wait for
# neighbour discovery): wait until the count has not moved for 0.3 s.
arrived() {
	local n=-1 m i still=0
	for i in $(seq 50); do
		m=$(grep -c " $1-[0-9]* " "$LOG")
		if [ "$m" = "$n" ]; then
			still=$((still + 1))
			[ $still -ge 3 ] && break
		else
			still=0
		fi
		n=$m
		sleep 0.1
	done
	echo "$m"
}

# counter REASON VERDICT: packets counted on the WAN interface.
counter() {
	sg --json stats | python3 -c '
import json, sys
d = json.load(sys.stdin)
reason, verdict, ifname = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
for i in d["interfaces"]:
    if i["name"] != ifname:
        continue
    for c in i["counters"]:
        if c["reason"] == reason and c["verdict"] == verdict:
            n += c["packets"]
print(n)' "$1" "$2" "$WAN"
}

