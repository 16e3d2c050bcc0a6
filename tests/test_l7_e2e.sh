#!/usr/bin/env bash
# End-to-end tests of the layer-7 rules: real UDP SIP traffic through a
# veth pair with sipguard attached to the phone side (topology:
# tests/e2e/topo.sh), configured through the CLI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e/topo.sh"

# The layer-7 program is there on this kernel (Linux 5.18 or later)?
need_l7() {
	local out
	out=$(sg status) || return 1
	grep -q "layer-7 on" <<<"$out" || { fail "layer-7 program not loaded: $out"; return 1; }
}

test_probe_with_blocked_ua_bans_source_and_its_invite_is_dropped() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "layer 7" need_l7
	check "policy" sg set unknown-invite inspect ban-time 300
	check "users" sg users add 100
	check "ua" sg ua add friendly-scanner sipvicious
	# the svmap-style probe
	send $SCAN4 probe 1 --method OPTIONS --ua friendly-scanner
	expect_eq "blocked probe at the phone" 0 "$(arrived probe)"
	expect_eq "user_agent_blocked drops" 1 "$(counter user_agent_blocked drop)"
	check "source banned" grep -q "^$SCAN4 .*user_agent_blocked" <<<"$(sg bans list)"
	# then an innocent-looking INVITE to a configured user
	send $SCAN4 call 3 --ua "Yealink SIP-T46S" --user 100
	expect_eq "the banned source's INVITEs at the phone" 0 "$(arrived call)"
	expect_eq "banned drops" 3 "$(counter banned drop)"
	# another stranger still gets through to the configured user
	send $SCAN6 other 2 --ua "Yealink SIP-T46S" --user 100
	expect_eq "another stranger's INVITEs" 2 "$(arrived other)"
	check "bans flush" sg bans flush
	send $SCAN4 after 1 --ua "Yealink SIP-T46S" --user 100
	expect_eq "INVITE after the bans were flushed" 1 "$(arrived after)"
}

# phone_sends DST TAG METHOD: the phone sends one request from its 5060.
phone_sends() {
	ip netns exec "$PHONE" python3 "$SIPUDP" send --src $PHONE4 --dst "$1" \
		--port 5060 --count 1 --tag "$2" --method "$3"
}

# banned SOURCE: is SOURCE on `sipguard bans list`?
banned() { grep -q "^$1 " <<<"$(sg bans list)"; }

# A ban is the word of one datagram whose source nobody checked: it never
# stops a source that the phone talks to (allowlisted, on a fresh flow, or
# on a flow the phone opened long ago), and the phone's own request lifts
# it (docs/design.md, "Bans").
test_spoofed_blocked_probe_does_not_cut_off_the_pbx_or_a_peer() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "layer 7" need_l7
	check "policy" sg set unknown-invite inspect ban-time 300
	check "ua" sg ua add friendly-scanner
	check "allow the IPv6 PBX" sg allow add $PBX6
	check "the phone registers with the IPv4 PBX" phone_sends $PBX4 reg REGISTER
	expect_eq "flow learned" 1 "$(sg flows list --json | jq --arg a $PBX4 '[.[] | select(.remote == $a)] | length')"

	# spoofed probes naming the PBXes: trusted first, no ban at all
	send $PBX4 spoof4 1 --method OPTIONS --ua friendly-scanner
	send $PBX6 spoof6 1 --method OPTIONS --ua friendly-scanner
	refute_banned() { ! banned "$1"; }
	check "no ban of the established PBX" refute_banned $PBX4
	check "no ban of the allowlisted PBX" refute_banned $PBX6
	send $PBX4 call4 2 --user 100
	send $PBX6 call6 2 --user 100
	expect_eq "the established PBX's INVITEs" 2 "$(arrived call4)"
	expect_eq "the allowlisted PBX's INVITEs" 2 "$(arrived call6)"

	# the flow expires: the spoofed probe is dropped and makes a ban, but
	# the ban yields to the flow the phone opened
	check "flow-timeout 2" sg set flow-timeout 2
	# a timeout applies to a flow from its next refresh: a REGISTER
	# without a lifetime of its own
	check "the phone registers again" phone_sends $PBX4 reg1b REGISTER
	sleep 3
	send $PBX4 spoof4b 1 --method OPTIONS --ua friendly-scanner
	expect_eq "the spoofed probe at the phone" 0 "$(arrived spoof4b)"
	check "the spoofed probe made a ban" banned $PBX4
	send $PBX4 call4b 2 --user 100
	send $PBX4 opt4b 1 --method OPTIONS
	expect_eq "the PBX's clean INVITEs (expired flow, inspect)" 2 "$(arrived call4b)"
	expect_eq "the PBX's OPTIONS" 1 "$(arrived opt4b)"
	expect_eq "banned drops" 0 "$(counter banned drop)"
	# the phone's next REGISTER lifts the ban
	check "the phone registers again" phone_sends $PBX4 reg2 REGISTER
	check "the REGISTER lifted the ban" refute_banned $PBX4

	# a stranger the phone never asked for anything stays banned
	send $SCAN4 probe 1 --method OPTIONS --ua friendly-scanner
	check "the scanner is banned" banned $SCAN4
	send $SCAN4 scall 2 --user 100
	expect_eq "the banned scanner's INVITEs" 0 "$(arrived scall)"
	expect_eq "banned drops" 2 "$(counter banned drop)"
}

# spoof_flood N: N OPTIONS with a blocked User-Agent to the phone, each
# from another spoofed source 198.19.X.Y (a raw socket in the internet
# namespace), paced so that the veth drops none.
spoof_flood() {
	ip netns exec "$INET" python3 - "$1" "$PHONE4" <<'PY'
import socket, struct, sys, time
n, dst = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for i in range(n):
    src = "198.19.%d.%d" % (i >> 8 & 255, i & 255)
    sip = ("OPTIONS sip:100@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-f%d\r\n"
           "From: <sip:100@%s>;tag=f%d\r\nTo: <sip:100@%s>\r\nCall-ID: flood-%d\r\n"
           "CSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n"
           % (dst, src, i, src, i, dst, i)).encode()
    udp = struct.pack("!HHHH", 5060, 5060, 8 + len(sip), 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(sip), 0, 0, 64,
                     socket.IPPROTO_UDP, 0, socket.inet_aton(src), socket.inet_aton(dst))
    s.sendto(ip + udp + sip, (dst, 0))
    if i % 200 == 199:
        time.sleep(0.01)
PY
}

# A flood of blocked probes from spoofed sources, more than the ban table
# holds, leaves an earlier ban in place: new bans beyond the quota of a
# ban-time are refused and counted; the flood's requests are dropped all
# the same.
test_spoofed_ban_flood_leaves_an_earlier_ban_in_place() {
	local n=20480 got refused
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "layer 7" need_l7
	check "policy" sg set ban-time 600
	check "ua" sg ua add friendly-scanner
	send $SCAN4 probe 1 --method OPTIONS --ua friendly-scanner
	check "the real scanner is banned" banned $SCAN4
	check "the flood" spoof_flood $n
	got=$(counter user_agent_blocked drop)
	expect_ge "flood probes that reached sipguard (of $n)" 16500 "$got"
	expect_eq "the flood at the phone" 0 "$(grep -c " flood-" "$LOG")"
	check "the real scanner is still banned" banned $SCAN4
	send $SCAN4 after 2 --method OPTIONS
	expect_eq "the banned scanner's clean OPTIONS" 0 "$(arrived after)"
	expect_eq "banned drops" 2 "$(counter banned drop)"
	refused=$(sg status --json | jq .bans_refused)
	expect_eq "bans refused: all beyond the quota of 4096" $((got - 4096)) "$refused"
	check "status says so" grep -q "^bans refused (the quota of new bans was spent): $refused$" <<<"$(sg status)"
}

test_inspect_rings_configured_users_only() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "layer 7" need_l7
	check "policy" sg set unknown-invite inspect
	check "users" sg users add 100 2001
	send $SCAN4 u100 2 --user 100
	send $SCAN6 u2001 2 --user 2001
	send $SCAN4 u555 2 --user 555
	expect_eq "INVITEs to user 100" 2 "$(arrived u100)"
	expect_eq "INVITEs to user 2001 over IPv6" 2 "$(arrived u2001)"
	expect_eq "INVITEs to user 555" 0 "$(arrived u555)"
	expect_eq "unknown_user drops" 2 "$(counter unknown_user drop)"
	expect_eq "invite_inspected passes" 4 "$(counter invite_inspected pass)"
	# back to the default policy: every unknown INVITE is an orphan
	check "policy drop" sg set unknown-invite drop
	send $SCAN4 back 2 --user 100
	expect_eq "INVITEs under drop" 0 "$(arrived back)"
}

test_allowlisted_pbx_inside_denied_prefix_rings() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "deny" sg deny add 198.18.0.0/24
	check "allow" sg allow add $PBX4
	send $PBX4 pbx 3
	send $PBX4 pbxopt 2 --method OPTIONS
	send $SCAN4 scanopt 3 --method OPTIONS
	send $SCAN4 scanreg 3 --method REGISTER
	expect_eq "PBX INVITEs at the phone" 3 "$(arrived pbx)"
	expect_eq "PBX OPTIONS at the phone" 2 "$(arrived pbxopt)"
	expect_eq "denied OPTIONS at the phone" 0 "$(arrived scanopt)"
	expect_eq "denied REGISTERs at the phone" 0 "$(arrived scanreg)"
	expect_eq "denied drops" 6 "$(counter denied drop)"
	check "deny del" sg deny del 198.18.0.0/24
	send $SCAN4 undenied 2 --method OPTIONS
	expect_eq "OPTIONS after deny del" 2 "$(arrived undenied)"
}

# Issue 10, item 7: inspect joins folded To/From lines and reads long ones.
test_inspect_reads_folded_and_long_headers() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "layer 7" need_l7
	check "policy" sg set unknown-invite inspect
	send $SCAN4 fold4 2 --fold-to-tag
	send $SCAN6 fold6 2 --fold-to-tag
	expect_eq "in-dialog-looking INVITEs, folded To tag" 0 "$(arrived fold4)"
	expect_eq "the same over IPv6" 0 "$(arrived fold6)"
	expect_eq "to_tag drops" 4 "$(counter_reaches to_tag drop 4)"
	send $SCAN4 long4 2 --display 400
	send $SCAN6 long6 2 --display 400
	expect_eq "clean INVITEs with 400-byte From and To" 2 "$(arrived long4)"
	expect_eq "the same over IPv6" 2 "$(arrived long6)"
	expect_eq "no bad_from drops" 0 "$(counter bad_from drop)"
	check "allow" sg allow add $PBX4 $PBX6
	send $PBX4 pbx4 2 --fold-to-tag --display 400
	send $PBX6 pbx6 2 --fold-to-tag --display 400
	expect_eq "the allowlisted PBX's folded re-INVITEs" 2 "$(arrived pbx4)"
	expect_eq "the same over IPv6" 2 "$(arrived pbx6)"
}

# 100 000 prefixes, the scanner's /32 among them; SALT varies the rest.
deny_file() {
	python3 - "$1" "$2" <<'EOF'
import sys
path, salt = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("# generated deny list\n198.18.0.66/32\n")
    for i in range(99999):
        f.write("2001:db8:%x:%x:%x::/80\n" % (salt, i >> 16, i & 0xffff))
EOF
}

test_deny_import_100k_replaces_list_without_a_window() {
	local tmp start end sender
	check "topology" setup
	check "attach" sg attach "$WAN"
	tmp=$(mktemp -d /tmp/sgt-deny.XXXXXX)
	cleanup_add "rm -rf $tmp"
	deny_file "$tmp/a.txt" 1
	deny_file "$tmp/b.txt" 2
	start=$(date +%s%N)
	check "first import" sg deny import "$tmp/a.txt"
	end=$(date +%s%N)
	say "deny import of 100000 prefixes: $(( (end - start) / 1000000 )) ms"
	expect_eq "deny list size" 100000 "$(sg -j deny list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
	# the scanner probes all along while the list is replaced
	send $SCAN4 during 1500 --method OPTIONS --rate 1000 &
	sender=$!
	sleep 0.3
	check "second import" sg deny import "$tmp/b.txt"
	check "third import" sg deny import "$tmp/a.txt"
	check "fourth import" sg deny import "$tmp/b.txt"
	wait $sender
	expect_eq "probes through while the list was replaced" 0 "$(arrived during)"
	expect_eq "denied drops" 1500 "$(counter denied drop)"
	expect_eq "old imported prefixes gone" 0 \
		"$(sg deny list | grep -c '^2001:db8:1:')"
	expect_eq "new imported prefixes there" 99999 \
		"$(sg deny list | grep -c '^2001:db8:2:')"
	# a bad file changes nothing
	printf '198.18.0.1/32\nnot-a-prefix\n' >"$tmp/bad.txt"
	expect_exit 1 "bad.txt:2: " sg deny import "$tmp/bad.txt"
	expect_eq "list kept after a bad file" 100000 "$(sg -j deny list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
}

test_config_file_sets_layer7_rules() {
	local tmp
	check "topology" setup
	tmp=$(mktemp -d /tmp/sgt-l7cfg.XXXXXX)
	cleanup_add "rm -rf $tmp"
	cat >"$tmp/sipguard.conf" <<EOF
[settings]
unknown-invite = inspect
ban-time = 120
[user-agents]
block = friendly-scanner
[users]
user = 100
[deny]
prefix = 203.0.113.0/24
EOF
	check "attach with config" sg attach "$WAN" --config "$tmp/sipguard.conf"
	check "layer 7" need_l7
	check "status shows the policy" grep -q "unknown-invite inspect, ban-time 120s" <<<"$(sg status)"
	send $SCAN4 ok 1 --user 100
	send $SCAN4 nouser 1 --user 7
	send $SCAN6 ua 1 --method OPTIONS --ua "Friendly-Scanner"
	expect_eq "INVITE to the configured user" 1 "$(arrived ok)"
	expect_eq "INVITE to another user" 0 "$(arrived nouser)"
	expect_eq "OPTIONS with the blocked UA" 0 "$(arrived ua)"
	expect_eq "config patterns listed" "friendly-scanner config" \
		"$(sg ua list | awk 'NR == 2 {print $1, $2}')"
}

need_root
[ -x "$SG" ] || { say "build/sipguard missing: run make"; say "0 passed, 1 failed"; exit 1; }
command -v jq >/dev/null || { say "jq missing: run make deps"; say "0 passed, 1 failed"; exit 1; }
run_tests "$@"
