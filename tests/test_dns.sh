#!/usr/bin/env bash
# Trunks by name (issue 14, part 4): host names in the allowlist, resolved
# by a real DNS server (dnsmasq) that runs in the test's namespace.
#
#   namespace "inet":  the DNS server 198.18.0.53 (and 2001:db8:53::53), the
#                      trunk's SIP servers
#                      (198.18.0.11, .12, .13, .21, .22) and a stranger
#                      198.18.0.66, all on one veth
#   namespace "phone": 198.18.0.2, sipguard on its veth; every sipguard
#                      process runs here, asking 198.18.0.53
#
# The DNS data (dns_conf): trunk.example has A and AAAA records (TTL 2 s)
# and two SIP SRV targets, sbc1 (A) and sbc2 (A and AAAA); slow.example
# has an A record with a TTL of an hour; empty.example only a TXT record;
# nope.example does not exist; many.example has 40 A records (the answer
# does not fit in a UDP datagram).  dns_change swaps the addresses of
# trunk.example (.21 -> .22), sbc2 (.12 -> .13) and slow.example
# (.30 -> .31) by restarting dnsmasq with the new data.
. "$(dirname "$0")/lib.sh"

SIPUDP="$SG_TOP/tests/e2e/sipudp.py"
INET=${SG_NS_PREFIX}i
PHONE=${SG_NS_PREFIX}p
WAN=${SG_NS_PREFIX}w
PEER=${SG_NS_PREFIX}x
DNS4=198.18.0.53
DNS6=2001:db8:53::53
PHONE4=198.18.0.2
TMP=

sg() { nsenter --net="/run/netns/$PHONE" "$SG" "$@"; }

setup() {
	ns_add "$INET" || return 1
	ns_add "$PHONE" || return 1
	ip link add "$PEER" netns "$INET" type veth peer name "$WAN" netns "$PHONE" || return 1
	ip -n "$INET" -batch - <<-EOF || return 1
	addr add 198.18.0.1/24 dev $PEER
	addr add $DNS4/24 dev $PEER
	addr add $DNS6/64 dev $PEER nodad
	addr add 198.18.0.11/24 dev $PEER
	addr add 198.18.0.13/24 dev $PEER
	addr add 198.18.0.66/24 dev $PEER
	link set $PEER up
	EOF
	ip -n "$PHONE" -batch - <<-EOF || return 1
	addr add $PHONE4/24 dev $WAN
	addr add 2001:db8:53::2/64 dev $WAN nodad
	link set $WAN up
	EOF
	TMP=$(mktemp -d /tmp/sgt-dns.XXXXXX)
	cleanup_add "rm -rf $TMP"
	dns_start 1 || return 1
	cleanup_add 'dns_stop'
	# the link must be up before anything asks the server
	wait_for "the DNS server" 10 dns_listening
}

# dns_conf N: the DNS data, before (1) or after (2) the change.
dns_conf() {
	local t21=198.18.0.21 s2=198.18.0.12 slow=198.18.0.30
	if [ "$1" = 2 ]; then
		t21=198.18.0.22 s2=198.18.0.13 slow=198.18.0.31
	fi
	cat <<-EOF
	no-resolv
	no-hosts
	local=/example/
	local-ttl=2
	host-record=trunk.example,$t21,2001:db8:5::21,2
	srv-host=_sip._udp.trunk.example,sbc1.trunk.example,5060,10,10
	srv-host=_sip._udp.trunk.example,sbc2.trunk.example,5060,10,10
	host-record=sbc1.trunk.example,198.18.0.11,2
	host-record=sbc2.trunk.example,$s2,2001:db8:5::12,2
	host-record=slow.example,$slow,3600
	txt-record=empty.example,"no address here"
	addn-hosts=$TMP/many.hosts
	EOF
}

# dns_start N: dnsmasq with data N on $DNS4:53, logging the queries.
dns_start() {
	dns_conf "$1" >"$TMP/dns.conf"
	# many.example: 40 A records, more than a UDP answer holds
	for i in $(seq 1 40); do
		printf '198.18.1.%d many.example\n' "$i"
	done >"$TMP/many.hosts"
	ip netns exec "$INET" dnsmasq -C "$TMP/dns.conf" --listen-address=$DNS4,$DNS6 \
		--bind-interfaces --port=53 --user=root --pid-file="$TMP/dns.pid" \
		--log-queries --log-facility="$TMP/dns.log"
}

dns_stop() {
	[ -s "$TMP/dns.pid" ] || return 0
	kill "$(cat "$TMP/dns.pid")" 2>/dev/null
	rm -f "$TMP/dns.pid"
}

dns_change() {
	dns_stop
	dns_start 2 && wait_for "the DNS server again" 10 dns_listening
}

# dnsmasq answers on $DNS4:53.
dns_listening() { ip netns exec "$INET" ss -Hlun "sport = :53" | grep -q "$DNS4"; }

# The server that never answers listens on 127.0.0.1:5353 in the phone's namespace.
silent_listening() { ip netns exec "$PHONE" ss -Hlun "sport = :5353" | grep -q 127.0.0.1; }

# queries NAME TYPE: how many queries for NAME of TYPE the server got.
queries() { grep -c "query\[$2\] $1 from" "$TMP/dns.log"; }

# allowed: the allowlist as PREFIX:ORIGIN[:NAME(old)...], sorted.
allowed() {
	sg allow list --json | py "','.join(sorted(e['prefix'] + ':' + e['origin'] + ''.join(':' + n['name'] + ('(old)' if n['old'] else '') for n in e['names']) for e in d))"
}
has() { [[ ",$(allowed)," == *",$1,"* ]]; }
hasnt() { [[ ",$(allowed)," != *",$1"[,:]* ]]; }

# counter REASON VERDICT: packets on the WAN interface.
counter() {
	sg stats --json | py "sum(c['packets'] for i in d['interfaces'] if i['name'] == '$WAN' for c in i['counters'] if c['reason'] == '$1' and c['verdict'] == '$2')"
}

# invite SRC: one INVITE from SRC to the phone.
invite() {
	ip netns exec "$INET" python3 "$SIPUDP" send --src "$1" --dst $PHONE4 --port 5060 \
		--count 1 --tag "from-$1" >/dev/null
}

# passes SRC: an INVITE from SRC passes as allowlisted (and not one drop).
passes() {
	local a0 d0
	a0=$(counter allowlisted pass)
	d0=$(counter orphan_invite drop)
	invite "$1"
	wait_for "the INVITE from $1 counted" 5 counted_more allowlisted pass "$a0"
	expect_eq "INVITEs from $1 dropped" "$d0" "$(counter orphan_invite drop)"
}

# dropped SRC: an INVITE from SRC is dropped as an orphan.
dropped() {
	local d0
	d0=$(counter orphan_invite drop)
	invite "$1"
	wait_for "the INVITE from $1 dropped" 5 counted_more orphan_invite drop "$d0"
}

counted_more() { [ "$(counter "$1" "$2")" -gt "$3" ]; }

# ---- the CLI ----

test_cli_adds_a_name_by_its_a_aaaa_and_srv_records() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	local out
	out=$(sg allow add trunk.example --resolver $DNS4)
	check "says what it resolved to: $out" grep -qx "trunk.example: 198.18.0.11, 198.18.0.12, 198.18.0.21, 2001:db8:5::12, 2001:db8:5::21 (2 SRV targets, TTL 2 s)" <<<"$out"
	check "says that only the daemon resolves it again" grep -q "^Only 'sipguard daemon' resolves host names again" <<<"$out"
	expect_eq "the A, AAAA and both SRV targets' records, each from the name" \
		"198.18.0.11/32:dns:trunk.example,198.18.0.12/32:dns:trunk.example,198.18.0.21/32:dns:trunk.example,2001:db8:5::12/128:dns:trunk.example,2001:db8:5::21/128:dns:trunk.example" \
		"$(allowed)"
	out=$(sg allow list)
	check "text list names the name: $out" grep -Eq "^198.18.0.11/32 +dns +trunk.example$" <<<"$out"
	expect_eq "allow names: TTL, resolver, origin" "trunk.example cli 2 198.18.0.53 ok 5" \
		"$(sg allow names --json | py "' '.join(str(x) for x in (d[0]['name'], d[0]['origins'][0], d[0]['ttl_s'], d[0]['resolvers'][0], d[0]['status'], len(d[0]['addresses'])))")"
	passes 198.18.0.11
	dropped 198.18.0.66

	# a prefix added by hand that a name also has stays when the name goes
	check "the same address by hand" sg allow add 198.18.0.12
	expect_exit 1 "^Error: 198.18.0.21/32 is an address of trunk.example: remove the name instead" \
		sg allow del 198.18.0.21
	check "del the name" sg allow del trunk.example
	expect_eq "only the hand's entry is left" "198.18.0.12/32:cli" "$(allowed)"
	expect_eq "no names left" 0 "$(sg allow names --json | py 'len(d)')"
	dropped 198.18.0.11

	# and a hand's entry that goes is handed to a name that has it
	check "the name again" sg allow add trunk.example --resolver $DNS4
	check "del the hand's entry" sg allow del 198.18.0.12
	check "its address stays, as the name's: $(allowed)" has "198.18.0.12/32:dns:trunk.example"
}

test_cli_takes_a_large_answer_over_tcp_and_the_lowest_32() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	local out want i
	out=$(sg allow add many.example --resolver $DNS4)
	want="many.example: 198.18.1.1"
	for i in $(seq 2 32); do
		want+=", 198.18.1.$i"
	done
	want+=" (TTL 2 s; 8 more addresses left out: a name holds at most 32)"
	expect_eq "the lowest 32 addresses, whatever the order of the answer" "$want" "$(head -1 <<<"$out")"
	expect_eq "asked twice: the truncated UDP answer, then over TCP" 2 "$(queries many.example A)"
	expect_eq "in the allowlist" 32 "$(sg allow list --json | py "len([e for e in d if e['origin'] == 'dns'])")"
}

test_cli_names_the_resolvers_answer_when_a_name_does_not_resolve() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	expect_exit 1 "^Error: cannot resolve nope.example: NXDOMAIN \(no such name\) from 198.18.0.53: check the name$" \
		sg allow add 203.0.113.7 nope.example --resolver $DNS4
	expect_exit 1 "^Error: cannot resolve empty.example: no records: 198.18.0.53 has no A, AAAA or _sip._udp SRV record for it: check the name$" \
		sg allow add empty.example --resolver $DNS4
	# a server that never answers: the tries and their timeout
	nsenter --net="/run/netns/$PHONE" python3 -c 'import socket,time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 5353)); time.sleep(60)' &
	cleanup_add "kill $! 2>/dev/null"
	wait_for "the silent server" 10 silent_listening
	expect_exit 1 "^Error: cannot resolve trunk.example: timeout: no answer from 127.0.0.1:5353 \(2 tries, 2 s each\): check the resolver$" \
		sg allow add trunk.example --resolver 127.0.0.1:5353
	expect_exit 1 "^Error: cannot resolve trunk.example: cannot reach 127.0.0.1:5354: Connection refused: check the resolver$" \
		sg allow add trunk.example --resolver 127.0.0.1:5354
	expect_eq "nothing added, not even the prefix beside the bad name" "" "$(allowed)"
	expect_exit 1 "^Error: invalid prefix or host name 'bogus'" sg allow add bogus
	expect_exit 1 "^Error: nope.example is not in the allowlist: see 'sipguard allow names'$" \
		sg allow del nope.example
	expect_exit 2 "--resolver is for host names" sg allow add 203.0.113.7 --resolver $DNS4
	expect_exit 2 "invalid resolver 'dns.example'" sg allow add trunk.example --resolver dns.example
}

test_cli_uses_resolv_conf_without_a_resolver_or_an_ipv6_one() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "over IPv6" sg allow add trunk.example --resolver "[$DNS6]"
	expect_eq "its resolver kept" "$DNS6" "$(sg allow names --json | py "d[0]['resolvers'][0]")"
	check "the name goes" sg allow del trunk.example
	# /etc/resolv.conf of a mount namespace of its own, naming the server
	printf 'nameserver %s\n' $DNS4 >"$TMP/resolv.conf"
	check "resolved by the system's resolver" nsenter --net="/run/netns/$PHONE" \
		unshare -m sh -c "mount --bind $TMP/resolv.conf /etc/resolv.conf && exec $SG allow add slow.example"
	expect_eq "its address" "198.18.0.30/32:dns:slow.example" "$(allowed)"
	expect_eq "the system's resolver, the record's TTL" "[] 3600" \
		"$(sg allow names --json | py "d[0]['resolvers'], d[0]['ttl_s']")"
}

# ---- the config file ----

test_attach_config_mixes_names_and_prefixes() {
	check "topology" setup
	printf '[allow]\nprefix = 203.0.113.0/28\nprefix = Trunk.Example.\nprefix = 2001:db8:99::/48\nresolver = %s\n' \
		$DNS4 >"$TMP/a.conf"
	check "attach --config" sg attach "$WAN" --config "$TMP/a.conf"
	expect_eq "prefixes and the name's addresses" \
		"198.18.0.11/32:dns:trunk.example,198.18.0.12/32:dns:trunk.example,198.18.0.21/32:dns:trunk.example,2001:db8:5::12/128:dns:trunk.example,2001:db8:5::21/128:dns:trunk.example,2001:db8:99::/48:config,203.0.113.0/28:config" \
		"$(allowed)"
	expect_eq "the name is the config's" "config" "$(sg allow names --json | py "','.join(d[0]['origins'])")"
	expect_exit 1 "comes from the config file \('prefix = trunk.example' under \[allow\]\)" \
		sg allow del trunk.example

	# a name that does not resolve: the filter is on, the exit status says so
	printf '[allow]\nprefix = 203.0.113.0/28\nprefix = nope.example\nresolver = %s\n' $DNS4 >"$TMP/b.conf"
	expect_exit 1 "^Error: $TMP/b.conf: cannot resolve nope.example: NXDOMAIN \(no such name\) from 198.18.0.53: check the name; the filter is on without its addresses$" \
		sg attach "$WAN" --config "$TMP/b.conf"
	expect_eq "trunk.example left with the file, nope.example without addresses" "203.0.113.0/28:config" "$(allowed)"
	expect_eq "nope.example is listed, failing" "nope.example NXDOMAIN 1" \
		"$(sg allow names --json | py "' '.join(str(x) for x in (d[0]['name'], d[0]['status'], d[0]['failed_tries']))")"
	expect_exit 1 "^Error: $TMP/c.conf:2: invalid prefix or host name 'trunk example'" \
		bash -c "printf '[allow]\nprefix = trunk example\n' >$TMP/c.conf; nsenter --net=/run/netns/$PHONE $SG attach $WAN --config $TMP/c.conf"
	expect_exit 1 "^Error: $TMP/d.conf:3: refresh-min \(60 s\) is above refresh-max \(30 s\)$" \
		bash -c "printf '[allow]\nrefresh-max = 30\nrefresh-min = 60\n' >$TMP/d.conf; nsenter --net=/run/netns/$PHONE $SG attach $WAN --config $TMP/d.conf"
}

# ---- the daemon ----

# write_conf FILE GRACE [LINE...]: a daemon config for $WAN whose
# allowlist has a prefix, trunk.example and slow.example.
write_conf() {
	local f=$1 grace=$2 l; shift 2
	{
		printf '[daemon]\ninterface = %s\nstate-dir = %s\n' "$WAN" "$TMP/state"
		printf '[allow]\nprefix = 203.0.113.0/28\nprefix = trunk.example\nprefix = slow.example\n'
		printf 'resolver = %s\nrefresh-min = 1\ngrace = %s\n' $DNS4 "$grace"
		for l in "$@"; do
			printf '%s\n' "$l"
		done
	} >"$f"
}

start_daemon() {
	rm -f "$TMP/daemon.log"	# not the last daemon's "started with"
	spawn daemon nsenter --net="/run/netns/$PHONE" "$SG" daemon --config "$1" --stderr
	DPID=$BG
	wait_for "the daemon to start" 10 grep -qs ': started with ' "$TMP/daemon.log"
}

test_daemon_follows_dns_changes_with_a_grace() {
	check "topology" setup
	write_conf "$TMP/sg.conf" 6
	start_daemon "$TMP/sg.conf"
	wait_for "the names resolved" 10 has "198.18.0.30/32:dns:slow.example"
	wait_for "trunk.example resolved" 5 has "198.18.0.12/32:dns:trunk.example"
	expect_eq "the prefix and both names' addresses" \
		"198.18.0.11/32:dns:trunk.example,198.18.0.12/32:dns:trunk.example,198.18.0.21/32:dns:trunk.example,198.18.0.30/32:dns:slow.example,2001:db8:5::12/128:dns:trunk.example,2001:db8:5::21/128:dns:trunk.example,203.0.113.0/28:config" \
		"$(allowed)"
	check "the daemon logs them" grep -q "host name trunk.example: allowlisted 198.18.0.11, 198.18.0.12, 198.18.0.21, 2001:db8:5::12, 2001:db8:5::21$" "$TMP/daemon.log"
	passes 198.18.0.11
	dropped 198.18.0.13
	check "sbc2's old address also by hand" sg allow add 198.18.0.12

	dns_change
	wait_for "the new addresses" 10 has "198.18.0.13/32:dns:trunk.example"
	local now
	now=$(allowed)	# once: the grace is short
	check "new A record in: $now" grep -q ",198.18.0.22/32:dns:trunk.example," <<<",$now,"
	check "the old A record's address kept, as old" grep -q ",198.18.0.21/32:dns:trunk.example(old)," <<<",$now,"
	check "the hand's entry stays the hand's" grep -q ",198.18.0.12/32:cli:trunk.example(old)," <<<",$now,"
	check "the daemon says so" grep -q "host name trunk.example: .*198.18.0.21.* no longer in DNS: allowlisted for 6 s more (grace)" "$TMP/daemon.log"
	passes 198.18.0.13
	# an hour's TTL: slow.example is not asked again, and keeps its address
	check "slow.example unchanged" has "198.18.0.30/32:dns:slow.example"
	check "198.18.0.31 not in" hasnt "198.18.0.31/32"
	expect_eq "slow.example asked once (A)" 1 "$(queries slow.example A)"
	expect_ge "trunk.example asked again at its TTL of 2 s" 2 "$(queries trunk.example A)"

	wait_for "the old address to go after the grace" 10 hasnt "198.18.0.21/32"
	check "the daemon says it went" grep -q "host name trunk.example: .*198.18.0.21.* removed from the allowlist (gone from DNS, grace over)" "$TMP/daemon.log"
	expect_eq "after the grace" \
		"198.18.0.11/32:dns:trunk.example,198.18.0.12/32:cli,198.18.0.13/32:dns:trunk.example,198.18.0.22/32:dns:trunk.example,198.18.0.30/32:dns:slow.example,2001:db8:5::12/128:dns:trunk.example,2001:db8:5::21/128:dns:trunk.example,203.0.113.0/28:config" \
		"$(allowed)"
	check "daemon alive" kill -0 "$DPID"
}

test_daemon_keeps_the_last_good_addresses_when_dns_fails() {
	check "topology" setup
	# refresh-max bounds the back-off too: a try at least every 4 s
	write_conf "$TMP/sg.conf" 1 "prefix = nope.example" "refresh-max = 4"
	start_daemon "$TMP/sg.conf"
	wait_for "trunk.example resolved" 10 has "198.18.0.21/32:dns:trunk.example"
	wait_for "the warning for nope.example" 10 grep -q "cannot resolve host name nope.example: NXDOMAIN (no such name) from 198.18.0.53: it has no address in the allowlist yet; trying again in 1 s" "$TMP/daemon.log"
	dns_stop
	wait_for "a warning for trunk.example" 10 grep -q "cannot resolve host name trunk.example: cannot reach 198.18.0.53: Connection refused: keeping its 5 addresses; trying again in 1 s" "$TMP/daemon.log"
	# past the grace and a few more tries: nothing is taken out
	wait_for "the back-off" 10 grep -q "cannot resolve host name trunk.example: .*; trying again in 4 s" "$TMP/daemon.log"
	expect_eq "the last good addresses stay" \
		"198.18.0.11/32:dns:trunk.example,198.18.0.12/32:dns:trunk.example,198.18.0.21/32:dns:trunk.example,198.18.0.30/32:dns:slow.example,2001:db8:5::12/128:dns:trunk.example,2001:db8:5::21/128:dns:trunk.example,203.0.113.0/28:config" \
		"$(allowed)"
	check "allow names says why" grep -Eq "^trunk.example +config +5 .*cannot reach 198.18.0.53: Connection refused \([0-9]+ tries failed\)$" <(sg allow names)
	dns_start 2
	wait_for "the recovery" 10 grep -q "host name trunk.example resolves again, after [0-9]* failed tries" "$TMP/daemon.log"
	wait_for "the new address" 5 has "198.18.0.22/32:dns:trunk.example"

	# a name taken out of the file goes, with its addresses, at once
	write_conf "$TMP/sg.conf" 1
	sed -i '/slow.example/d' "$TMP/sg.conf"
	kill -HUP "$DPID"
	wait_for "the reload" 5 grep -q ": reloaded $TMP/sg.conf: 1 interface, 1 allowlist prefix, 1 host name, 0 flows" "$TMP/daemon.log"
	check "slow.example's address went with it" hasnt "198.18.0.30/32"
	expect_eq "the names left" "trunk.example" "$(sg allow names --json | py "','.join(n['name'] for n in d)")"
	check "daemon alive" kill -0 "$DPID"

	# a reboot with the DNS server down: the saved addresses come back
	kill -TERM "$DPID"
	wait "$DPID"
	expect_eq "the daemon's exit status" 0 $?
	check "the addresses saved: $(cat "$TMP/state/hostnames")" grep -qx "addr 198.18.0.22" "$TMP/state/hostnames"
	check "nothing pinned, as after a reboot" sg detach "$WAN"
	dns_stop
	start_daemon "$TMP/sg.conf"
	wait_for "the restore" 10 grep -q "restored the addresses of 1 host name from $TMP/state/hostnames, until DNS answers" "$TMP/daemon.log"
	check "the last good addresses are in: $(allowed)" has "198.18.0.22/32:dns:trunk.example"
	check "all of them" has "2001:db8:5::12/128:dns:trunk.example"
	wait_for "the warning" 10 grep -q "cannot resolve host name trunk.example: cannot reach 198.18.0.53: Connection refused: keeping its 5 addresses" "$TMP/daemon.log"
	passes 198.18.0.11
}

need_root
if ! command -v dnsmasq >/dev/null; then
	say "dnsmasq is missing: run 'make deps' (tools/install-deps.sh)"
	say "0 passed, 1 failed"
	exit 1
fi
run_tests "$@"
