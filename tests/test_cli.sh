#!/usr/bin/env bash
# CLI tests: every verb of sipguard, its text and JSON output, and every bad
# input, with the exit code and the message it must give.
#
# Each test makes its own namespaces: "main" holds the interface sipguard
# is attached to ($A, 192.0.2.1), its veth peer ($B, 192.0.2.2) sits in
# "peer" so that traffic between them crosses the XDP hook.  sipguard runs
# inside "main" through nsenter --net (ip netns exec would hide
# /sys/fs/bpf).  The suite uses its own pin path (lib.sh).
. "$(dirname "$0")/lib.sh"
need_root

NS=${SG_NS_PREFIX}m
PEER=${SG_NS_PREFIX}q
A=${SG_NS_PREFIX}a	# sipguard's interface
B=${SG_NS_PREFIX}b	# its peer
C=${SG_NS_PREFIX}c	# a second interface in "main"
D=${SG_NS_PREFIX}d
TMP=

sg() { nsenter --net="/run/netns/$NS" "$SG" "$@"; }
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

# json EXPR: evaluate a Python expression over the JSON document on stdin (d).
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

setup() {
	ns_add "$NS" || return 1
	ns_add "$PEER" || return 1
	ip -n "$NS" link add "$A" type veth peer name "$B" netns "$PEER" || return 1
	ip -n "$NS" addr add 192.0.2.1/24 dev "$A"
	ip -n "$PEER" addr add 192.0.2.2/24 dev "$B"
	ip -n "$NS" link set "$A" up
	ip -n "$PEER" link set "$B" up
	TMP=$(mktemp -d /tmp/sgt-cli.XXXXXX)
	cleanup_add "rm -rf $TMP"
}

# A second veth pair, both ends in "main" ($C gets sipguard, $D idles).
add_second() {
	ip -n "$NS" link add "$C" type veth peer name "$D" || return 1
	ip -n "$NS" link set "$C" up
	ip -n "$NS" link set "$D" up
}

# udp_send NS SRC_PORT DST DST_PORT PAYLOAD [COUNT]
udp_send() {
	in_ns "$1" python3 - "$2" "$3" "$4" "$5" "${6:-1}" <<'EOF'
import socket, sys
sport, dst, dport, payload, count = sys.argv[1:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", int(sport)))
for _ in range(int(count)):
    s.sendto(payload.encode().replace(b"\\r\\n", b"\r\n"), (dst, int(dport)))
EOF
}

has() { grep -Eq -- "$1" <<<"$2"; }
lacks() { ! grep -Eq -- "$1" <<<"$2"; }
allow_listed() { sg allow list | grep -Eq -- "$1"; }
flow_listed() { sg flows list | grep -Eq -- "$1"; }
no_learner() { ! has_learner "$1"; }
no_clsact() { ! has_clsact "$1"; }
xdp_prog_name() { ip -n "$NS" -d link show dev "$1" | sed -n 's/.*prog\/xdp[a-z]* id [0-9]* name \([^ ]*\).*/\1/p'; }
# The learner: a clsact filter, or (Linux 6.6) a tcx link, pinned by
# sipguard, of a program named sipguard_learn.
has_learner() {
	local pin="$SIPGUARD_PIN_PATH/if_$1/tc_link" prog
	tc -n "$NS" filter show dev "$1" egress | grep -q sipguard_learn && return 0
	[ -e "$pin" ] || return 1
	prog=$(bpftool -j link show pinned "$pin" | json "d['prog_id']") &&
		[ "$(bpftool -j prog show id "$prog" | json "d['name']")" = sipguard_learn ]
}
has_clsact() { tc -n "$NS" qdisc show dev "$1" | grep -q clsact; }
pinned_nothing() { [ ! -e "$SIPGUARD_PIN_PATH" ]; }
map_entries() { bpftool -j map dump pinned "$SIPGUARD_PIN_PATH/$1" | json 'len(d)'; }
# cfg_static: 1 while SG_CFG_STATIC (bit 5 of sg_config.flags) is set.
cfg_static() {
	bpftool -j map dump pinned "$SIPGUARD_PIN_PATH/sg_config" |
		json "(lambda v: (v['flags'] if isinstance(v, dict) else int(v[0], 16)) >> 5 & 1)(d[0]['value'])"
}
stat_packets() {	# IFACE REASON VERDICT
	sg stats --json | json "sum(c['packets'] for i in d['interfaces'] if i['name'] == '$1' for c in i['counters'] if c['reason'] == '$2' and c['verdict'] == '$3')"
}

# ---- attach / detach / status ----

test_attach_detach_leaves_interface_clean() {
	setup
	local out
	out=$(sg attach "$A" 2>&1)
	check "attach succeeds" test $? = 0
	check "attach prints one summary line: $out" grep -Eq \
		"^sipguard attached to $A \((native|generic) XDP, learner on\): allowlist 0/16384, flows 0/147456, static flows 0/4096$" <<<"$out"
	expect_eq "one line, libbpf silent" 1 "$(wc -l <<<"$out")"
	expect_eq "XDP program on $A" sipguard_xdp "$(xdp_prog_name "$A")"
	check "TC egress learner on $A" has_learner "$A"
	check "xdp link pinned" test -e "$SIPGUARD_PIN_PATH/if_$A/xdp_link"
	expect_exit 0 "^sipguard detached from $A; nothing left pinned" sg detach "$A"
	expect_eq "no XDP program" "" "$(xdp_prog_name "$A")"
	check "learner removed" no_learner "$A"
	check "our clsact qdisc removed" no_clsact "$A"
	check "nothing pinned" pinned_nothing
}

test_status_text() {
	setup
	check "attach" sg attach "$A"
	local out
	out=$(sg status)
	check "status names the interface, link type and mode: $out" grep -Eq "^$A: ifindex [0-9]+, link ethernet, native XDP, prog id [0-9]+, link id [0-9]+, learner on \((tcx|clsact)\), conntrack off, layer-7 (on|off), monitor off, attached since " <<<"$out"
	check "status shows the settings" grep -q "^settings: monitor off, flow-timeout 3600s, match-remote-port off, unknown-invite drop, ban-time 600s$" <<<"$out"
	check "status shows the table fill" grep -Eq "^allowlist 0/16384, flows 0/147456, static flows 0/4096$" <<<"$out"
}

test_status_json() {
	setup
	check "attach" sg attach "$A" --mode generic
	local out
	out=$(sg status --json)
	expect_eq "attached" True "$(json "d['attached']" <<<"$out")"
	expect_eq "interface name" "$A" "$(json "d['interfaces'][0]['name']" <<<"$out")"
	expect_eq "mode in use" generic "$(json "d['interfaces'][0]['mode']" <<<"$out")"
	expect_eq "link type" "ethernet 1" "$(json "d['interfaces'][0]['link_type'], d['interfaces'][0]['link_type_id']" <<<"$out" | tr -d "(),'")"
	expect_eq "ifindex" "$(ip -n "$NS" -o link show "$A" | cut -d: -f1)" "$(json "d['interfaces'][0]['ifindex']" <<<"$out")"
	expect_eq "learner" True "$(json "d['interfaces'][0]['learner']" <<<"$out")"
	expect_eq "flow timeout" 3600 "$(json "d['settings']['flow_timeout_s']" <<<"$out")"
	expect_eq "allowlist max" 16384 "$(json "d['allowlist']['max']" <<<"$out")"
	expect_eq "global -j works too" "$A" "$(sg -j status | json "d['interfaces'][0]['name']")"
}

test_status_not_attached() {
	setup
	expect_exit 0 "^not attached" sg status
	expect_eq "json says not attached" False "$(sg status --json | json "d['attached']")"
}

test_reattach_replaces_program_keeps_maps() {
	setup
	check "attach" sg attach "$A"
	check "allow add" sg allow add 203.0.113.7
	check "flows add" sg flows add 198.51.100.20:5060 5060
	local before after
	before=$(sg status --json)
	expect_exit 0 "^sipguard replaced on $A \(native XDP, learner on, monitor" sg attach "$A" --monitor
	after=$(sg status --json)
	check "new program" test "$(json "d['interfaces'][0]['prog_id']" <<<"$before")" != "$(json "d['interfaces'][0]['prog_id']" <<<"$after")"
	expect_eq "same link (atomic update)" "$(json "d['interfaces'][0]['link_id']" <<<"$before")" "$(json "d['interfaces'][0]['link_id']" <<<"$after")"
	expect_eq "monitor flag recorded" True "$(json "d['interfaces'][0]['monitor_flag']" <<<"$after")"
	check "allowlist kept" allow_listed '^203.0.113.7/32 '
	check "flow kept" flow_listed '^198.51.100.20 +5060 +5060 '
}

test_reattach_no_learn_removes_learner() {
	setup
	check "attach" sg attach "$A"
	check "learner there" has_learner "$A"
	expect_exit 0 "learner off" sg attach "$A" --no-learn
	check "learner gone" no_learner "$A"
	check "our clsact gone" no_clsact "$A"
	expect_eq "status says so" False "$(sg status --json | json "d['interfaces'][0]['learner']")"
}

test_foreign_clsact_is_kept() {
	setup
	check "clsact made by someone else" tc -n "$NS" qdisc add dev "$A" clsact
	check "attach" sg attach "$A"
	check "learner there" has_learner "$A"
	check "detach" sg detach "$A"
	check "the clsact qdisc stays" has_clsact "$A"
	check "the learner went" no_learner "$A"
}

test_mode_change_needs_detach() {
	setup
	check "attach generic" sg attach "$A" --mode generic
	expect_eq "generic in use" generic "$(sg status --json | json "d['interfaces'][0]['mode']")"
	expect_exit 1 "^Error: $A is attached in generic mode: changing to native mode needs 'sipguard detach $A' first" \
		sg attach "$A" --mode native
	check "detach" sg detach "$A"
	expect_exit 0 "native XDP" sg attach "$A" --mode native
}

test_second_interface_own_counters_shared_allowlist() {
	setup
	add_second
	check "attach A" sg attach "$A"
	check "attach C" sg attach "$C"
	check "allow add" sg allow add 198.51.100.0/24
	check "C's counters pinned" test -e "$SIPGUARD_PIN_PATH/if_$C/sg_counters"
	check "one allowlist for both" test "$(ls "$SIPGUARD_PIN_PATH" | grep -c '^sg_allow$')" = 1
	local ida idc
	ida=$(bpftool -j map show pinned "$SIPGUARD_PIN_PATH/if_$A/sg_counters" | json "d['id']")
	idc=$(bpftool -j map show pinned "$SIPGUARD_PIN_PATH/if_$C/sg_counters" | json "d['id']")
	check "counters are separate maps ($ida, $idc)" test "$ida" != "$idc"
	check "send to A" udp_send "$PEER" 40000 192.0.2.1 9 "hello" 5
	expect_ge "A counted the datagrams" 5 "$(stat_packets "$A" not_sip pass)"
	expect_eq "C counted none" 0 "$(stat_packets "$C" not_sip pass)"
	expect_eq "stats IFACE shows one" "$C" "$(sg stats "$C" --json | json "','.join(i['name'] for i in d['interfaces'])")"
	check "detach A" sg detach "$A"
	check "allowlist still there for C" allow_listed '^198.51.100.0/24 '
	check "detach C" sg detach "$C"
}

test_last_detach_leaves_nothing_pinned() {
	setup
	add_second
	check "attach A" sg attach "$A"
	check "attach C" sg attach "$C"
	expect_exit 0 "^sipguard detached from $A$" sg detach "$A"
	check "shared maps stay while C is attached" test -e "$SIPGUARD_PIN_PATH/sg_allow"
	check "A's directory is gone" test ! -e "$SIPGUARD_PIN_PATH/if_$A"
	expect_exit 0 "nothing left pinned under $SIPGUARD_PIN_PATH" sg detach "$C"
	check "nothing pinned" pinned_nothing
}

test_detach_after_interface_deleted() {
	setup
	check "attach" sg attach "$A"
	check "delete the veth" ip -n "$NS" link del "$A"
	expect_exit 0 "interface gone" sg status
	expect_exit 0 "^sipguard detached from $A" sg detach "$A"
	check "nothing pinned" pinned_nothing
}

test_detach_not_attached_fails() {
	setup
	expect_exit 1 "^Error: $A is not attached \(nothing pinned under .*\): see 'sipguard status'" sg detach "$A"
}

test_refuses_foreign_xdp_program() {
	setup
	cat >"$TMP/foreign.c" <<'EOF'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int sg_foreign(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
EOF
	check "build a foreign XDP program" clang -O2 -target bpf \
		-I"/usr/include/$(gcc -print-multiarch)" -c "$TMP/foreign.c" -o "$TMP/foreign.o"
	check "attach it with ip" ip -n "$NS" link set dev "$A" xdpgeneric obj "$TMP/foreign.o" sec xdp
	expect_exit 1 "^Error: $A already has XDP program 'sg_foreign' \(id [0-9]+\), attached without libxdp's dispatcher: detach it first, or load it with xdp-loader so that sipguard can run beside it$" sg attach "$A"
	expect_eq "the foreign program stays" sg_foreign "$(xdp_prog_name "$A")"
	check "nothing pinned" pinned_nothing
}

test_pins_of_another_namespace_refused() {
	setup
	local ns2=${SG_NS_PREFIX}n other=/sys/fs/bpf/sgtest-other-$$
	ns_add "$ns2"
	# Same name and same ifindex: only the namespace differs.
	local idx
	idx=$(ip -n "$NS" -o link show "$A" | cut -d: -f1)
	check "same interface in another namespace" ip -n "$ns2" link add "$A" \
		index "$idx" type veth peer name "$B" index $((idx + 100))
	ip -n "$ns2" link set "$A" up
	check "attach in main" sg attach "$A"
	expect_exit 1 "belong to another interface or network namespace.*use another --pin-path" \
		in_ns "$ns2" "$SG" attach "$A"
	expect_eq "no XDP in the second namespace" "" "$(ip -n "$ns2" -d link show dev "$A" | grep -o 'prog/xdp')"
	cleanup_add "nsenter --net=/run/netns/$ns2 $SG --pin-path $other detach $A; rm -rf $other"
	expect_exit 0 "attached to $A" in_ns "$ns2" "$SG" --pin-path "$other" attach "$A"
	expect_exit 0 "nothing left pinned" in_ns "$ns2" "$SG" --pin-path "$other" detach "$A"
}

test_pin_path_option_wins_over_env() {
	setup
	local other=/sys/fs/bpf/sgtest-opt-$$
	cleanup_add "nsenter --net=/run/netns/$NS $SG --pin-path $other detach $A; rm -rf $other"
	check "attach with --pin-path" sg --pin-path "$other" attach "$A"
	check "pinned under the option's dir" test -e "$other/if_$A/xdp_link"
	check "not under the env's dir" pinned_nothing
	check "detach" sg --pin-path "$other" detach "$A"
	check "gone" test ! -e "$other"
}

test_pin_path_not_on_bpffs() {
	setup
	expect_exit 1 "^Error: pin path $TMP/pins is not on a bpffs: choose a directory under /sys/fs/bpf" \
		sg --pin-path "$TMP/pins" attach "$A"
	expect_eq "no XDP program" "" "$(xdp_prog_name "$A")"
}

# In a private mount namespace without a bpffs at /sys/fs/bpf, attach
# mounts one (the host's mounts are not touched).
test_bpffs_mounted_when_missing() {
	setup
	local out
	out=$(unshare -m --propagation private bash -c '
		umount /sys/fs/bpf || exit 9
		nsenter --net="/run/netns/$1" "$2" attach "$3" || exit 1
		stat -f -c %T /sys/fs/bpf
		nsenter --net="/run/netns/$1" "$2" detach "$3"' _ "$NS" "$SG" "$A" 2>&1)
	check "attach mounted a bpffs: $out" grep -q '^bpf_fs$' <<<"$out"
	check "and detached" grep -q "^sipguard detached from $A" <<<"$out"
}

test_bpffs_not_mountable() {
	setup
	expect_exit 1 "^Error: bpffs not mountable at /sys/fs/bpf: .*: mount -t bpf bpf /sys/fs/bpf$" \
		unshare -m --propagation private bash -c '
		umount /sys/fs/bpf || exit 9
		exec nsenter --net="/run/netns/$1" setpriv --bounding-set -sys_admin "$2" attach "$3"' _ "$NS" "$SG" "$A"
	expect_eq "no XDP program" "" "$(xdp_prog_name "$A")"
}

# ---- allow ----

test_allow_add_list_del() {
	setup
	check "attach" sg attach "$A"
	check "add three" sg allow add 203.0.113.7 198.51.100.0/24 2001:db8::/32
	local out
	out=$(sg allow list)
	check "IPv4 host as /32: $out" grep -Eq "^203.0.113.7/32 +cli$" <<<"$out"
	check "IPv4 net" grep -Eq "^198.51.100.0/24 +cli$" <<<"$out"
	check "IPv6 net" grep -Eq "^2001:db8::/32 +cli$" <<<"$out"
	expect_eq "json" "198.51.100.0/24:cli,203.0.113.7/32:cli,2001:db8::/32:cli" \
		"$(sg allow list --json | json "','.join(e['prefix'] + ':' + e['origin'] for e in d)")"
	check "del two" sg allow del 203.0.113.7/32 2001:db8::/32
	expect_eq "one left" "198.51.100.0/24" "$(sg allow list --json | json "','.join(e['prefix'] for e in d)")"
	expect_eq "status counts it" 1 "$(sg status --json | json "d['allowlist']['entries']")"
}

# [allow] max-entries: the trie's capacity, fixed when it is created.
test_allow_max_entries() {
	setup
	local cfg=$TMP/max.conf
	printf '[allow]\nmax-entries = 3\nprefix = 203.0.113.1\nprefix = 203.0.113.2\n' >"$cfg"
	check "attach with a capacity of 3" sg attach "$A" --config "$cfg"
	check "a third prefix fits" sg allow add 198.51.100.0/24
	expect_exit 1 "^Error: the allowlist is full: .*max-entries" sg allow add 198.51.100.7
	expect_eq "nothing more went in" 3 "$(sg allow list --json | json 'len(d)')"
	expect_eq "status: the capacity" "3/3" "$(sg status --json | json "'%d/%d' % (d['allowlist']['entries'], d['allowlist']['max'])")"
	check "status text: the capacity" grep -q "allowlist 3/3," <<<"$(sg status)"
	# the programs' clock, measured at attach (jiffies at a rate Linux
	# offers; 0, the helper, where a starved emulated machine's ticks
	# could not be timed: test_xdp insists on the measurement)
	expect_eq "status: the clock's tick rate" True \
		"$(sg status --json | json "d['settings']['clock_hz'] in (0, 100, 250, 300, 1000)")"
	printf '[allow]\nmax-entries = 5\n' >"$cfg"
	expect_exit 1 "^Error: the allowlist pinned at .* holds at most 3 prefixes: max-entries = 5 takes effect when it is created" \
		sg attach "$A" --config "$cfg"
	printf '[allow]\nmax-entries = 1\nprefix = 203.0.113.1\nprefix = 203.0.113.2\n' >"$cfg"
	expect_exit 1 "max.conf:4: more than 1 allowlist prefixes" sg attach "$A" --config "$cfg"
	printf '[allow]\nprefix = 203.0.113.1\nmax-entries = 0\n' >"$cfg"
	expect_exit 1 "max.conf:3: max-entries = '0': want a number of prefixes from 1 to 1048576" \
		sg attach "$A" --config "$cfg"
	check "detach" sg detach "$A"
	printf '[allow]\nmax-entries = 5\n' >"$cfg"
	check "after the last detach, a new capacity" sg attach "$A" --config "$cfg"
	expect_eq "the trie's size" 5 "$(bpftool -j map show pinned "$SIPGUARD_PIN_PATH/sg_allow" | json "d['max_entries']")"
}

test_allow_stores_ipv4_mapped() {
	setup
	check "attach" sg attach "$A"
	check "add" sg allow add 198.51.100.0/24
	local dump
	dump=$(bpftool -j map dump pinned "$SIPGUARD_PIN_PATH/sg_allow")
	# struct sg_lpm_key: prefixlen 96 + 24, then ::ffff:198.51.100.0
	expect_eq "key bytes" "0x78 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0xff 0xff 0xc6 0x33 0x64 0x00" \
		"$(json "' '.join(d[0]['key'])" <<<"$dump")"
}

test_allow_add_is_all_or_nothing() {
	setup
	check "attach" sg attach "$A"
	expect_exit 1 "^Error: invalid prefix or host name 'bogus'" sg allow add 203.0.113.7 bogus
	expect_eq "nothing added" 0 "$(sg allow list --json | json 'len(d)')"
}

test_allow_del_absent_prefix_fails() {
	setup
	check "attach" sg attach "$A"
	check "add" sg allow add 198.51.100.0/24
	expect_exit 1 "^Error: 198.51.100.0/25 is not in the allowlist: see 'sipguard allow list'$" \
		sg allow del 198.51.100.0/24 198.51.100.0/25
	expect_eq "the present one was not removed either" 1 "$(sg allow list --json | json 'len(d)')"
}

test_allow_invalid_prefix_named() {
	setup
	check "attach" sg attach "$A"
	expect_exit 1 "^Error: invalid prefix '1.2.3.4/33': the prefix length must be 0 to 32$" sg allow add 1.2.3.4/33
	expect_exit 1 "^Error: invalid prefix '2001:db8::/129'" sg allow add 2001:db8::/129
	expect_exit 1 "^Error: invalid prefix '10.0.0.300': not an IPv4 or IPv6 address" sg allow add 10.0.0.300
	expect_exit 1 "^Error: invalid prefix 'sip.provider.example/24': not an IPv4 or IPv6 address" \
		sg allow add sip.provider.example/24
	expect_exit 1 "^Error: invalid prefix or host name 'sip provider': write an address" \
		sg allow add "sip provider"
	expect_exit 1 "^Error: invalid prefix '10.0.0.0/8x'" sg allow add 10.0.0.0/8x
}

test_allow_host_bits_suggest_network() {
	setup
	check "attach" sg attach "$A"
	expect_exit 1 "^Error: invalid prefix '198.51.100.7/24': host bits are set: use 198.51.100.0/24$" \
		sg allow add 198.51.100.7/24
	expect_exit 1 "host bits are set: use 2001:db8::/32$" sg allow add 2001:db8::1/32
}

# ---- flows ----

test_flows_add_list_del() {
	setup
	check "attach" sg attach "$A"
	check "add with port" sg flows add 198.51.100.20:5060 5060
	check "add IPv6 with port" sg flows add "[2001:db8::1]:5070" 5062
	check "add without port" sg flows add 192.0.2.9 5064
	local out
	out=$(sg flows list)
	check "ported flow: $out" grep -Eq "^198.51.100.20 +5060 +5060 +static +- +- +- +active +-$" <<<"$out"
	check "IPv6 flow" grep -Eq "^2001:db8::1 +5070 +5062 +static +- +- +- +active +-$" <<<"$out"
	check "port-less flow" grep -Eq "^192.0.2.9 +any +5064 +static +- +- +- +active +-$" <<<"$out"
	expect_eq "shadows hidden" 3 "$(sg flows list --json | json 'len(d)')"
	expect_eq "json port-less" "(None, 5064, 'static', None)" \
		"$(sg flows list --json | json "[(f['remote_port'], f['local_port'], f['origin'], f['age_s']) for f in d if f['remote'] == '192.0.2.9'][0]")"
	expect_eq "map: two entries per ported flow, one port-less" 5 "$(map_entries sg_flows_static)"
	expect_eq "the program asks the static map" 1 "$(cfg_static)"
	check "status counts the entries" grep -q "static flows 5/4096$" <(sg status)
	check "del ported" sg flows del 198.51.100.20:5060 5060
	check "del IPv6" sg flows del "[2001:db8::1]:5070" 5062
	check "del port-less" sg flows del 192.0.2.9 5064
	expect_eq "map empty (shadows went too)" 0 "$(map_entries sg_flows_static)"
	expect_eq "the program no longer asks it" 0 "$(cfg_static)"
}

test_flows_del_keeps_shared_shadow() {
	setup
	check "attach" sg attach "$A"
	check "add :5060" sg flows add 198.51.100.20:5060 5060
	check "add :5061" sg flows add 198.51.100.20:5061 5060
	expect_eq "two exact + one wildcard" 3 "$(map_entries sg_flows_static)"
	check "del :5060" sg flows del 198.51.100.20:5060 5060
	expect_eq "wildcard kept for :5061" 2 "$(map_entries sg_flows_static)"
	check "del :5061" sg flows del 198.51.100.20:5061 5060
	expect_eq "empty" 0 "$(map_entries sg_flows_static)"
}

test_flows_del_absent_fails() {
	setup
	check "attach" sg attach "$A"
	expect_exit 1 "^Error: no flow 198.51.100.20:5060 -> local port 5060: see 'sipguard flows list'$" \
		sg flows del 198.51.100.20:5060 5060
}

test_flows_learned_then_flushed() {
	setup
	check "attach" sg attach "$A"
	check "static flow" sg flows add 198.51.100.20:5060 5060
	check "phone registers" udp_send "$NS" 5060 192.0.2.2 5080 'REGISTER sip:pbx SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n'
	local out
	out=$(sg flows list)
	check "learned flow listed with its age: $out" grep -Eq "^192.0.2.2 +5080 +5060 +learned +[0-9]+ +[0-9]+ +[0-9]+ +active +-$" <<<"$out"
	expect_eq "json origin" learned "$(sg flows list --json | json "[f['origin'] for f in d if f['remote'] == '192.0.2.2'][0]")"
	expect_exit 0 "^removed 1 learned flow$" sg flows flush
	out=$(sg flows list)
	check "learned flow gone" lacks '^192.0.2.2 ' "$out"
	check "static flow kept" grep -Eq "^198.51.100.20 +5060 +5060 +static" <<<"$out"
	expect_eq "map: static flow and its wildcard" 2 "$(map_entries sg_flows_static)"
	expect_eq "the static flag stays" 1 "$(cfg_static)"
}

test_flows_answer_learns_nothing() {
	setup
	check "attach" sg attach "$A"
	check "phone answers a stranger" udp_send "$NS" 5060 192.0.2.2 5080 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x\r\n\r\n'
	expect_eq "no flow" 0 "$(sg flows list --json | json 'len(d)')"
}

# The flows' filter (sg_flowbits): on after attach; the learner's and a
# restore's bits counted; an INVITE on a learned flow let in through it,
# a stranger's dropped.
filter() { sg status --json | json "' '.join(str(d['flow_filter'][k]) for k in '$*'.split())"; }

test_flow_filter_after_attach() {
	setup
	check "attach" sg attach "$A"
	expect_eq "on and empty" "True 0 1048576" "$(filter on bits_set bits)"
	check "phone registers" udp_send "$NS" 5060 192.0.2.2 5080 'REGISTER sip:pbx SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n'
	expect_eq "the learner's bit" 1 "$(filter bits_set)"
	local out
	out=$(sg status)
	check "status says so: $out" grep -Eq "^flows' filter: on, 1 of 1048576 bits set, rebuilt [0-9]+s ago$" <<<"$out"
	check "INVITE on the flow" udp_send "$PEER" 5080 192.0.2.1 5060 'INVITE sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n'
	expect_eq "let in as established" 1 "$(stat_packets "$A" established pass)"
	check "INVITE to another local port" udp_send "$PEER" 5080 192.0.2.1 5062 'INVITE sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n'
	expect_eq "dropped as an orphan" 1 "$(stat_packets "$A" orphan_invite drop)"
	flows_file "$TMP/f" $FUTURE "198.51.100.3 5060 5070 50 60 0x00"
	check "restore" sg flows restore "$TMP/f"
	expect_eq "the restored flow's bit" 2 "$(filter bits_set)"
}

# meta_clear IFACE MASK: IFACE's record as an older sipguard wrote it,
# without the flags of MASK (the flags are bytes 4..7, host order).
meta_clear() {
	local pin="$SIPGUARD_PIN_PATH/if_$1/sg_ifmeta" v
	v=$(bpftool -j map lookup pinned "$pin" key 0 0 0 0 | python3 -c '
import json, sys
v = [int(x, 16) for x in json.load(sys.stdin)["value"]]
f = int.from_bytes(bytes(v[4:8]), sys.byteorder) & ~int(sys.argv[1], 0)
v[4:8] = f.to_bytes(4, sys.byteorder)
print(" ".join("%02x" % x for x in v))' "$2")
	bpftool map update pinned "$pin" key 0 0 0 0 value hex $v
}
# SG_META_FLOWBITS, SG_META_ALLOWBITS (include/sipguard.h)
META_FLOWBITS=0x80
META_ALLOWBITS=0x100

test_flow_filter_off_while_an_older_sipguard_runs() {
	setup
	add_second
	check "attach A" sg attach "$A"
	check "attach C" sg attach "$C"
	expect_eq "on" True "$(filter on)"
	check "C as an older sipguard" meta_clear "$C" $META_FLOWBITS
	local out
	out=$(sg attach "$A" 2>&1)
	check "attach A again" test $? = 0
	check "the warning names C: $out" grep -q "^Warning: $C runs the programs of an older sipguard, which do not keep the flows' filter: it stays off" <<<"$out"
	expect_eq "off" False "$(filter on)"
	check "status says so" grep -q "^flows' filter: off" <(sg status)
	check "attach C again" sg attach "$C"
	expect_eq "on again" True "$(filter on)"
}

# The allowlist's filter is written off (every source asks the trie)
# while an interface runs programs that read another form of it; any
# allowlist change says so; attaching that interface again turns it on.
test_allow_filter_off_while_an_older_sipguard_runs() {
	setup
	add_second
	check "attach A" sg attach "$A"
	check "attach C" sg attach "$C"
	expect_eq "on" True "$(sg status --json | json "d['allow_filter']")"
	check "status says so" grep -q "^allowlist filter: on$" <(sg status)
	check "C as an older sipguard" meta_clear "$C" $META_ALLOWBITS
	local out
	out=$(sg allow add 198.51.100.7 2>&1)
	check "allow add" test $? = 0
	check "the warning names C: $out" grep -q "^Warning: $C runs the programs of an older sipguard, which read another form of the allowlist's filter: it stays off" <<<"$out"
	expect_eq "off" False "$(sg status --json | json "d['allow_filter']")"
	check "status says so" grep -q "^allowlist filter: off" <(sg status)
	out=$(sg attach "$A" 2>&1)
	check "attach A again, warned: $out" grep -q "^Warning: $C runs .* allowlist's filter: it stays off" <<<"$out"
	expect_eq "still off" False "$(sg status --json | json "d['allow_filter']")"
	check "attach C again" sg attach "$C"
	expect_eq "on again" True "$(sg status --json | json "d['allow_filter']")"
}

# Attach writes the allowlist's filter while its own record is not there
# yet: it says nothing of the interface it attaches, fresh or over an
# older sipguard's programs, and the filter ends on.
test_attach_with_a_config_warns_of_nothing() {
	setup
	printf '[allow]\nprefix = 203.0.113.0/24\nprefix = 198.51.100.9\n' >"$TMP/c.conf"
	local out
	out=$(sg attach "$A" --config "$TMP/c.conf" 2>&1)
	check "attach with the config" test $? = 0
	check "no warning: $out" lacks "Warning" "$out"
	expect_eq "filter on" True "$(sg status --json | json "d['allow_filter']")"
	check "A as an older sipguard" meta_clear "$A" $META_ALLOWBITS
	out=$(sg attach "$A" --config "$TMP/c.conf" 2>&1)
	check "attach over it" test $? = 0
	check "no warning about the programs it replaces: $out" lacks "Warning" "$out"
	expect_eq "filter on again" True "$(sg status --json | json "d['allow_filter']")"
}

# Pins of a sipguard older than the filter: the verbs go on, status says
# it is off, a restore (a writer of flows) refuses, attach brings it in.
test_flow_filter_missing_from_older_pins() {
	setup
	check "attach" sg attach "$A"
	check "the pins of an older sipguard" rm "$SIPGUARD_PIN_PATH/sg_flowbits"
	check "status" grep -q "^flows' filter: off" <(sg status)
	check "allow add" sg allow add 198.51.100.0/24
	flows_file "$TMP/f" $FUTURE "198.51.100.3 5060 5070 50 60 0x00"
	expect_exit 1 "^Error: the flows' filter \(sg_flowbits\) is not pinned: these pins come from an older sipguard; attach again$" \
		sg flows restore "$TMP/f"
	check "attach again" sg attach "$A"
	expect_eq "on" True "$(filter on)"
	check "restore" sg flows restore "$TMP/f"
}

test_flows_expire_after_timeout() {
	setup
	check "attach" sg attach "$A"
	check "short timeout" sg set flow-timeout 1
	check "phone registers" udp_send "$NS" 5060 192.0.2.2 5080 'REGISTER sip:pbx SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n'
	sleep 2
	expect_exit 0 "^192.0.2.2 +5080 +5060 +learned +[0-9]+ +1 +0 +expired +-$" sg flows list
}

test_flows_bad_input() {
	setup
	check "attach" sg attach "$A"
	expect_exit 1 "^Error: invalid remote port '70000': use a number from 1 to 65535$" sg flows add 198.51.100.20:70000 5060
	expect_exit 1 "^Error: invalid local port '0'" sg flows add 198.51.100.20:5060 0
	expect_exit 1 "^Error: invalid local port 'sip'" sg flows add 198.51.100.20 sip
	expect_exit 1 "^Error: invalid remote address 'pbx.example:5060'" sg flows add pbx.example:5060 5060
	expect_exit 1 "^Error: invalid remote address '\[2001:db8::1'" sg flows add "[2001:db8::1" 5060
	expect_exit 2 "needs REMOTE_ADDR\[:PORT\] and LOCAL_PORT" sg flows add 198.51.100.20
	expect_eq "nothing added" 0 "$(map_entries sg_flows_static)"
}


# A save "in the future" counts as made just now: the file's times come
# back as they were, ages and marks included.
FUTURE=4102444800	# 2100-01-01

# flow_field REMOTE LOCAL_PORT FIELD...: the fields of the flow, from --json.
flow_field() {
	local a=$1 p=$2; shift 2
	sg flows list --json | json "' '.join(str(f[k]) for f in d if f['remote'] == '$a' and f['local_port'] == $p for k in '$*'.split())"
}

test_flows_restore_keeps_age_lifetime_and_marks() {
	setup
	check "attach" sg attach "$A"
	flows_file "$TMP/f" $FUTURE "192.0.2.2 5080 5060 3000 3600 0x08" \
		"2001:db8::5 5060 5062 100 600 0xa8" "198.51.100.3 5060 5060 50 60 0x40"
	expect_exit 0 "^restored 3 learned flows from $TMP/f \(saved 0s ago\); skipped 0 whose life ran out, 0 for want of room$" \
		sg flows restore "$TMP/f"
	local out
	out=$(sg flows list)
	# (seen and expires move with the seconds a slow machine takes here)
	check "IPv4 flow: $out" grep -Eq "^192.0.2.2 +5080 +5060 +restored +6[01][0-9] +3600 +(29[89][0-9]|3000) +active +answered$" <<<"$out"
	check "registration flow" grep -Eq "^2001:db8::5 +5060 +5062 +restored +5[01][0-9] +600 +(8[0-9]|9[0-9]|100) +active +answered,registered,registration$" <<<"$out"
	check "dialog flow" grep -Eq "^198.51.100.3 +5060 +5060 +restored +[12][0-9] +60 +(3[0-9]|4[0-9]|50) +active +dialog$" <<<"$out"
	expect_eq "json" "restored False 600 active ['answered', 'registered', 'registration'] True" \
		"$(sg flows list --json | json "(lambda f: ' '.join(map(str, (f['origin'], f['static'], f['lifetime_s'], f['state'], f['flags'], 500 <= f['age_s'] <= 520 and 599 <= f['age_s'] + f['expires_in_s'] <= 601))))([f for f in d if f['remote'] == '2001:db8::5'][0])")"
	check "status counts them" grep -q "^allowlist 0/16384, flows 3/147456, static flows 0/4096$" <(sg status)
	expect_eq "stats --json counts them" "3 147456" "$(sg stats --json | json "'%d %d' % (d['tables']['flows']['entries'], d['tables']['flows']['max'])")"
	expect_eq "status --json" "3 147456" "$(sg status --json | json "'%d %d' % (d['flows']['entries'], d['flows']['max'])")"
}

test_flows_restore_takes_off_the_time_since_the_save() {
	setup
	check "attach" sg attach "$A"
	local saved=$(($(date +%s) - 1000))
	flows_file "$TMP/f" $saved "192.0.2.2 5080 5060 3000 3600 0x00" "192.0.2.3 5080 5060 900 3600 0x00"
	expect_exit 0 "^restored 1 learned flow from $TMP/f \(saved 10[0-9][0-9]s ago\); skipped 1 whose life ran out, 0 for want of room$" \
		sg flows restore "$TMP/f"
	local left age
	read -r age left <<<"$(flow_field 192.0.2.2 5060 age_s expires_in_s)"
	check "1000 s less to live: $left" test "$left" -le 2000 -a "$left" -ge 1990
	check "1000 s older: $age" test "$age" -ge 1600 -a "$age" -le 1610
	expect_eq "the other one ran out" "" "$(flow_field 192.0.2.3 5060 state)"
	flows_file "$TMP/old" 1 "192.0.2.4 5080 5060 3000 3600 0x00"
	expect_exit 0 "^restored 0 learned flows .*; skipped 1 whose life ran out" sg flows restore "$TMP/old"
}

test_flows_save_restore_round_trip() {
	setup
	check "attach" sg attach "$A"
	check "a static flow" sg flows add 198.51.100.20:5060 5060
	flows_file "$TMP/f" $FUTURE "192.0.2.2 5080 5060 3000 3600 0x08" "2001:db8::5 5060 5062 100 600 0xa8"
	check "restore" sg flows restore "$TMP/f"
	expect_exit 0 "^saved 2 learned flows to $TMP/g$" sg flows save "$TMP/g"
	check "no temporary file left" test ! -e "$TMP/g.tmp"
	expect_eq "file mode" 600 "$(stat -c %a "$TMP/g")"
	check "a saved line: $(cat "$TMP/g")" grep -Eq "^flow 192.0.2.2 5080 5060 (299[89]|3000) 3600 0x08$" "$TMP/g"
	check "the other" grep -Eq "^flow 2001:db8::5 5060 5062 (9[89]|100) 600 0xa8$" "$TMP/g"
	check "no static flow in it" bash -c "! grep -q 198.51.100.20 '$TMP/g'"
	expect_exit 0 "^removed 2 learned flows$" sg flows flush
	expect_eq "static flow kept" "198.51.100.20:static" \
		"$(sg flows list --json | json "','.join(f['remote'] + ':' + f['origin'] for f in d)")"
	expect_exit 0 "^restored 2 learned flows from $TMP/g" sg flows restore "$TMP/g"
	local age
	age=$(flow_field 192.0.2.2 5060 age_s)
	check "age kept: $age" test "$age" -ge 600 -a "$age" -le 605
	expect_eq "marks kept" "['answered', 'registered', 'registration']" "$(flow_field 2001:db8::5 5062 flags)"
}

test_flows_del_ends_learned_flows() {
	setup
	check "attach" sg attach "$A"
	flows_file "$TMP/f" $FUTURE "192.0.2.2 5080 5060 3000 3600 0" "192.0.2.2 5081 5060 3000 3600 0" \
		"192.0.2.2 5082 5060 3000 3600 0" "192.0.2.7 5080 5060 3000 3600 0"
	check "restore" sg flows restore "$TMP/f"
	check "del one remote port" sg flows del 192.0.2.2:5080 5060
	expect_eq "the others stay" "5081 5082" "$(flow_field 192.0.2.2 5060 remote_port)"
	check "del without a port: every remote port of the pair" sg flows del 192.0.2.2 5060
	expect_eq "gone" "" "$(flow_field 192.0.2.2 5060 remote_port)"
	expect_eq "another remote stays" 5080 "$(flow_field 192.0.2.7 5060 remote_port)"
	expect_exit 1 "^Error: no flow 192.0.2.2:5080 -> local port 5060: see 'sipguard flows list'$" \
		sg flows del 192.0.2.2:5080 5060
}

test_flows_restore_refuses_bad_files() {
	setup
	check "attach" sg attach "$A"
	local good="192.0.2.2 5080 5060 3000 3600 0x08" f=$TMP/bad
	expect_exit 1 "^Error: cannot read $TMP/none: No such file or directory$" sg flows restore "$TMP/none"
	printf '[allow]\nprefix = 192.0.2.0/24\n' >"$f"
	expect_exit 1 "^Error: $f:1: no 'sipguard-flows VERSION' line at the start: the file is damaged or not a sipguard flow file; nothing restored from it$" \
		sg flows restore "$f"
	: >"$f"
	expect_exit 1 "^Error: $f:1: empty file" sg flows restore "$f"
	printf 'sipguard-flows 2\nsaved 1\nend 0\n' >"$f"
	expect_exit 1 "^Error: $f: format 2, this sipguard reads format 1 only \(written by a newer sipguard\?\): nothing restored from it$" \
		sg flows restore "$f"
	flows_file "$f" $FUTURE "$good" "$good"
	sed -i '$d' "$f"
	expect_exit 1 "^Error: $f:6: no 'end' line \(cut short\?\)" sg flows restore "$f"
	flows_file "$f" $FUTURE "$good"
	sed -i 's/^end 1$/end 2/' "$f"
	expect_exit 1 "^Error: $f:5: the 'end' line counts another number" sg flows restore "$f"
	flows_file "$f" $FUTURE "$good" "192.0.2.300 5080 5060 3000 3600 0"
	expect_exit 1 "^Error: $f:5: invalid address" sg flows restore "$f"
	flows_file "$f" $FUTURE "$good" "192.0.2.3 5080 5060 4000 3600 0"
	expect_exit 1 "^Error: $f:5: invalid times" sg flows restore "$f"
	flows_file "$f" $FUTURE "$good" "192.0.2.3 5080 5060 3000 3600 0x01"
	expect_exit 1 "^Error: $f:5: invalid flags" sg flows restore "$f"
	flows_file "$f" $FUTURE "$good" "192.0.2.3 5080 70000 3000 3600 0"
	expect_exit 1 "^Error: $f:5: invalid port" sg flows restore "$f"
	flows_file "$f" $FUTURE "$good" "192.0.2.3 5080 5060 3000"
	expect_exit 1 "^Error: $f:5: a flow line needs six fields" sg flows restore "$f"
	flows_file "$f" $FUTURE "$good"
	printf 'flow %s\n' "$good" >>"$f"
	expect_exit 1 "^Error: $f:6: a line after 'end'" sg flows restore "$f"
	head -c 300 /dev/urandom >"$f"
	expect_exit 1 "^Error: $f:" sg flows restore "$f"
	expect_eq "nothing restored from any of them" 0 "$(sg flows list --json | json 'len(d)')"
	expect_exit 1 "^Error: cannot write $TMP/no/dir/f.tmp: No such file or directory$" sg flows save "$TMP/no/dir/f"
}

# The flow table is a pinned shared map: replacing the programs or
# detaching one of several interfaces keeps it; the last detach ends it.
test_flows_survive_reattach_and_partial_detach() {
	setup
	add_second
	check "attach A" sg attach "$A"
	check "attach C" sg attach "$C"
	flows_file "$TMP/f" $FUTURE "192.0.2.2 5080 5060 3000 3600 0x08"
	check "restore" sg flows restore "$TMP/f"
	check "attach A again (replace)" sg attach "$A" --monitor
	expect_eq "kept over the replace" "restored 3600" "$(flow_field 192.0.2.2 5060 origin lifetime_s)"
	check "detach C" sg detach "$C"
	expect_eq "kept over a partial detach" "restored 3600" "$(flow_field 192.0.2.2 5060 origin lifetime_s)"
	check "detach A" sg detach "$A"
	check "nothing pinned" pinned_nothing
	check "attach A anew" sg attach "$A"
	expect_eq "a new table" 0 "$(sg flows list --json | json 'len(d)')"
}

test_static_flag_follows_the_config() {
	setup
	printf '[flows]\nflow = 198.51.100.20:5060 5060\n' >"$TMP/one.conf"
	printf '[settings]\nmonitor = off\n' >"$TMP/none.conf"
	check "attach with a config flow" sg attach "$A" --config "$TMP/one.conf"
	expect_eq "flag set" 1 "$(cfg_static)"
	check "re-apply without flows" sg attach "$A" --config "$TMP/none.conf"
	expect_eq "map empty" 0 "$(map_entries sg_flows_static)"
	expect_eq "flag cleared" 0 "$(cfg_static)"
}

# ---- set ----

test_set_changes_settings_at_once() {
	setup
	check "attach" sg attach "$A"
	check "monitor on" sg set monitor on
	check "flow-timeout" sg set flow-timeout 120
	check "match-remote-port on" sg set match-remote-port on
	local out
	out=$(sg status --json)
	expect_eq "monitor" True "$(json "d['settings']['monitor']" <<<"$out")"
	expect_eq "timeout" 120 "$(json "d['settings']['flow_timeout_s']" <<<"$out")"
	expect_eq "match port" True "$(json "d['settings']['match_remote_port']" <<<"$out")"
	local dump
	dump=$(bpftool -j map dump pinned "$SIPGUARD_PIN_PATH/sg_config")
	expect_eq "the map holds it" "3 120" "$(json "str(d[0]['formatted']['value']['flags']) + ' ' + str(d[0]['formatted']['value']['flow_timeout_s'])" <<<"$dump")"
	check "several at once, off again" sg set monitor off match-remote-port off
	expect_eq "monitor off" False "$(sg status --json | json "d['settings']['monitor']")"
	expect_eq "timeout untouched" 120 "$(sg status --json | json "d['settings']['flow_timeout_s']")"
}

test_set_bad_values() {
	setup
	check "attach" sg attach "$A"
	expect_exit 1 "^Error: invalid value 'maybe' for monitor: use on or off$" sg set monitor maybe
	expect_exit 1 "^Error: invalid value '0' for flow-timeout" sg set flow-timeout 0
	expect_exit 1 "^Error: invalid value '1h' for flow-timeout" sg set flow-timeout 1h
	expect_exit 2 "^Error: unknown setting 'colour'" sg set colour blue
	expect_exit 2 "^Error: setting 'monitor' needs a value" sg set monitor
	expect_exit 1 "invalid value" sg set monitor on match-remote-port perhaps
	expect_eq "all or nothing" False "$(sg status --json | json "d['settings']['monitor']")"
}

# ---- stats ----

test_stats_counts_per_reason() {
	setup
	check "attach" sg attach "$A"
	check "send non-SIP UDP" udp_send "$PEER" 40000 192.0.2.1 9 "hello" 3
	check "send an orphan INVITE" udp_send "$PEER" 5060 192.0.2.1 5060 'INVITE sip:100@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n' 2
	expect_ge "not_sip counted" 3 "$(stat_packets "$A" not_sip pass)"
	expect_eq "orphan INVITEs dropped" 2 "$(stat_packets "$A" orphan_invite drop)"
	local out
	out=$(sg stats)
	check "text row: $out" grep -Eq "^  orphan_invite +drop +2 +[0-9]+$" <<<"$out"
	check "zero rows hidden" lacks '^  stun ' "$out"
	check "totals" grep -Eq "^  total +drop +2 " <<<"$out"
	expect_exit 0 "^  stun +pass +0 +0$" sg stats --all
	local names
	names=$(sed -n 's/^[[:space:]]*X(SG_R_[A-Z0-9_]*,[[:space:]]*"\([a-z0-9_]*\)".*/\1/p' "$SG_TOP/include/sipguard.h" | tr '\n' ' ')
	expect_eq "json reasons are the header's, in order" "$names" \
		"$(sg stats --json | json "' '.join(c['reason'] for c in d['interfaces'][0]['counters'] if c['verdict'] == 'pass') + ' '")"
	expect_exit 1 "^Error: nosuch0 is not attached" sg stats nosuch0
}

# ---- config ----

write_config() {
	cat >"$TMP/sipguard.conf"
}

test_config_applied_on_attach() {
	setup
	write_config <<'EOF'
; test config
[settings]
monitor = on
flow-timeout = 600     ; ten minutes
match-remote-port = on
[allow]
prefix = 203.0.113.7
prefix = 2001:db8::/32
[flows]
flow = 198.51.100.20:5060 5060
flow = [2001:db8::5]:5070 5062
flow = 192.0.2.9 5064
EOF
	check "attach with config" sg attach "$A" --config "$TMP/sipguard.conf"
	local out
	out=$(sg status --json)
	expect_eq "settings" "True 600 True" "$(json "' '.join(str(x) for x in (d['settings']['monitor'], d['settings']['flow_timeout_s'], d['settings']['match_remote_port']))" <<<"$out")"
	expect_eq "allowlist from config" "203.0.113.7/32:config,2001:db8::/32:config" \
		"$(sg allow list --json | json "','.join(e['prefix'] + ':' + e['origin'] for e in d)")"
	out=$(sg flows list)
	check "config flows: $out" grep -Eq "^198.51.100.20 +5060 +5060 +config +- +- +- +active +-$" <<<"$out"
	expect_eq "the program asks the static map" 1 "$(cfg_static)"
	check "IPv6 config flow" grep -Eq "^2001:db8::5 +5070 +5062 +config" <<<"$out"
	check "port-less config flow" grep -Eq "^192.0.2.9 +any +5064 +config" <<<"$out"
}

test_config_reapply_replaces_only_config_entries() {
	setup
	printf '[allow]\nprefix = 203.0.113.7\nprefix = 198.51.100.0/24\n[flows]\nflow = 198.51.100.20:5060 5060\n' >"$TMP/one.conf"
	printf '[allow]\nprefix = 198.51.100.0/24\nprefix = 203.0.113.0/28\nprefix = 192.0.2.77\n' >"$TMP/two.conf"
	check "attach with one" sg attach "$A" --config "$TMP/one.conf"
	check "a CLI entry" sg allow add 192.0.2.77
	check "a CLI flow" sg flows add 192.0.2.78:5060 5060
	check "re-attach with two" sg attach "$A" --config "$TMP/two.conf"
	expect_eq "allowlist (the CLI entry stays cli though the file lists it)" "192.0.2.77/32:cli,198.51.100.0/24:config,203.0.113.0/28:config" \
		"$(sg allow list --json | json "','.join(e['prefix'] + ':' + e['origin'] for e in d)")"
	expect_eq "flows: the config flow went, the CLI flow stayed" "192.0.2.78:static" \
		"$(sg flows list --json | json "','.join(f['remote'] + ':' + f['origin'] for f in d)")"
	expect_eq "no stale wildcard" 2 "$(map_entries sg_flows_static)"
}

test_bad_config_names_line_and_changes_nothing() {
	setup
	printf '[settings]\nmonitor = off\n[allow]\nprefix = 203.0.113.7\n' >"$TMP/good.conf"
	check "attach with a good config" sg attach "$A" --config "$TMP/good.conf"
	local before after
	before=$(sg status --json | json "(d['settings'], [i['prog_id'] for i in d['interfaces']])")$(sg allow list)

	printf '[settings]\nmonitor = on\n[allow]\nprefix = 198.51.100.1\nprefix = 198.51.100.7/24\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:5: invalid prefix '198.51.100.7/24': host bits are set: use 198.51.100.0/24$" \
		sg attach "$A" --config "$TMP/bad.conf"
	printf '[settings]\nmonitor = on\n\n[alow]\nprefix = 198.51.100.1\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:4: unknown section \[alow\]" sg attach "$A" --config "$TMP/bad.conf"
	printf '[settings]\nmonitor = on\nflow-timeout = soon\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:3: invalid value 'soon' for flow-timeout" sg attach "$A" --config "$TMP/bad.conf"
	printf '[settings]\nmonitor = on\ncolour = blue\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:3: unknown key 'colour' in \[settings\]" sg attach "$A" --config "$TMP/bad.conf"
	printf '[flows]\nflow = 198.51.100.20:5060\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:2: invalid flow" sg attach "$A" --config "$TMP/bad.conf"
	printf '[allow]\nprefix = 198.51.100.1\nthis is not ini\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:3: syntax error" sg attach "$A" --config "$TMP/bad.conf"
	expect_exit 1 "^Error: cannot read config $TMP/none.conf" sg attach "$A" --config "$TMP/none.conf"

	after=$(sg status --json | json "(d['settings'], [i['prog_id'] for i in d['interfaces']])")$(sg allow list)
	expect_eq "state unchanged" "$before" "$after"
}

test_bad_config_when_not_attached_pins_nothing() {
	setup
	printf '[allow]\nprefix = nope\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:2: invalid prefix or host name 'nope'" sg attach "$A" --config "$TMP/bad.conf"
	check "nothing pinned" pinned_nothing
	expect_eq "no XDP program" "" "$(xdp_prog_name "$A")"
}

test_example_config_is_valid() {
	setup
	check "attach with the shipped example" sg attach "$A" --config "$SG_TOP/examples/sipguard.conf"
	expect_ge "its prefixes are in" 1 "$(sg allow list --json | json 'len(d)')"
	expect_ge "its flows are in" 1 "$(sg flows list --json | json 'len(d)')"
}

# ---- bad input and environment ----

test_unknown_interface() {
	setup
	expect_exit 1 "^Error: interface eth9 not found: " sg attach eth9
	check "nothing pinned" pinned_nothing
}

test_unknown_verb_is_usage_error() {
	expect_exit 2 "^Error: unknown command 'frobnicate' for sipguard: see 'sipguard help'$" "$SG" frobnicate
	expect_exit 2 "^Error: unknown command 'frob' for sipguard allow" "$SG" allow frob 1.2.3.4
	expect_exit 2 "^Error: unknown option '--frob'" "$SG" status --frob
	expect_exit 2 "^Error: unknown option '--frob'" "$SG" --frob status
	expect_exit 2 "^Error: ambiguous command 'st' for sipguard \(status, stats\)" "$SG" st
	expect_exit 2 "^Error: invalid mode 'turbo'" "$SG" attach lo --mode turbo
	expect_exit 2 "^Usage: " "$SG"
}

test_missing_args_are_usage_errors() {
	expect_exit 2 "^Error: attach needs an interface: usage: sipguard attach IFACE" "$SG" attach
	expect_exit 2 "^Error: detach needs an interface" "$SG" detach
	expect_exit 2 "^Error: allow add needs at least one prefix" "$SG" allow add
	expect_exit 2 "^Error: allow needs a command" "$SG" allow
	expect_exit 2 "^Error: flows del needs REMOTE_ADDR" "$SG" flows del
	expect_exit 2 "^Error: flows save needs FILE" "$SG" flows save
	expect_exit 2 "^Error: flows restore needs FILE" "$SG" flows restore
	expect_exit 2 "^Error: unexpected argument 'b'" "$SG" flows restore a b
	expect_exit 2 "^Error: set needs a setting and a value" "$SG" set
	expect_exit 2 "^Error: option '--config' needs a value" "$SG" attach lo --config
	expect_exit 2 "^Error: unexpected argument 'extra'" "$SG" status extra
}

test_verb_prefixes() {
	setup
	check "attach by prefix" sg att "$A"
	expect_exit 0 "^$A: ifindex" sg statu
	expect_exit 0 "^PREFIX" sg al l
	check "detach by prefix" sg det "$A"
}

test_not_attached_errors() {
	local msg="^Error: sipguard is not attached \(nothing pinned under $SIPGUARD_PIN_PATH\): run 'sipguard attach IFACE' first$"
	expect_exit 1 "$msg" "$SG" allow list
	expect_exit 1 "$msg" "$SG" allow add 203.0.113.7
	expect_exit 1 "$msg" "$SG" allow add sip.provider.example
	expect_exit 1 "$msg" "$SG" allow names
	expect_exit 1 "$msg" "$SG" flows list
	expect_exit 1 "$msg" "$SG" flows flush
	expect_exit 1 "$msg" "$SG" flows save /tmp/sg-not-written
	expect_exit 1 "$msg" "$SG" flows restore /dev/null
	expect_exit 1 "$msg" "$SG" set monitor on
	expect_exit 1 "$msg" "$SG" stats
}

test_non_root_not_permitted() {
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	local msg="^Error: not permitted: run as root \(or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN\)$"
	expect_exit 1 "$msg" "${nobody[@]}" "$SG" attach lo
	expect_exit 1 "$msg" "${nobody[@]}" "$SG" detach lo
	expect_exit 1 "$msg" "${nobody[@]}" "$SG" status
	expect_exit 1 "$msg" "${nobody[@]}" "$SG" allow list
	expect_exit 1 "$msg" "${nobody[@]}" "$SG" set monitor on
	expect_exit 1 "$msg" "${nobody[@]}" "$SG" flows save /tmp/sg-not-written
	expect_exit 1 "$msg" "${nobody[@]}" "$SG" flows restore /dev/null
}

test_kernel_too_old() {
	setup
	expect_exit 1 "^Error: kernel 5.4.0 is too old: global BPF functions with pointer arguments \(the flow table's\) needs Linux 5.12, sipguard needs 5.15 or later: upgrade the kernel$" \
		env SIPGUARD_KERNEL_RELEASE=5.4.0 nsenter --net="/run/netns/$NS" "$SG" attach "$A"
	expect_exit 1 "^Error: kernel 5.10.0-30-amd64 is too old: global BPF functions .* needs Linux 5.12, sipguard needs 5.15 or later" \
		env SIPGUARD_KERNEL_RELEASE=5.10.0-30-amd64 nsenter --net="/run/netns/$NS" "$SG" attach "$A"
	expect_exit 1 "^Error: kernel 5.14.21 is too old: sipguard needs Linux 5.15 or later \(the oldest kernel sipguard is built for\): upgrade the kernel$" \
		env SIPGUARD_KERNEL_RELEASE=5.14.21 nsenter --net="/run/netns/$NS" "$SG" attach "$A"
	check "nothing pinned" pinned_nothing
	expect_eq "no XDP program" "" "$(xdp_prog_name "$A")"
	expect_exit 0 "attached" env SIPGUARD_KERNEL_RELEASE=5.15.0 nsenter --net="/run/netns/$NS" "$SG" attach "$A"
}

# A program the verifier rejects: without CAP_PERFMON (and CAP_SYS_ADMIN)
# the verifier forbids the programs' packet-pointer arithmetic, a real
# rejection that needs no broken object.  The error names the verifier,
# the kernel release and the program, and shows the end of the log; it
# is no "not permitted" and no pin mismatch.
test_verifier_rejection_is_named() {
	setup
	local nocap=(setpriv --bounding-set -perfmon,-sys_admin) out rc n
	out=$(in_ns "$NS" "${nocap[@]}" "$SG" attach "$A" 2>&1); rc=$?
	expect_eq "exit status" 1 "$rc"
	check "names the verifier, kernel and program: $out" grep -Eq \
		"^Error: the kernel's verifier \(Linux $(uname -r | sed 's/[][\\.*^$+?(){}|]/\\&/g')\) rejected program sipguard_xdp: Permission denied: this process lacks CAP_PERFMON \(and CAP_SYS_ADMIN\), .*: run as root, or add CAP_PERFMON$" <<<"$out"
	# how long the log is depends on the kernel: 6.1 stops sooner
	short=$(in_ns "$NS" "${nocap[@]}" "$SG" --verbose attach "$A" 2>&1 |
		sed -n 's/^The verifier log (\([0-9]*\) lines):$/\1/p')
	if [ "${short:-0}" -gt 15 ]; then
		check "says the log's end follows" grep -Eq \
			"^The last 15 of the verifier log's $short lines \('sipguard --verbose attach $A' shows all\):$" <<<"$out"
		expect_eq "error, heading and 15 log lines" 17 "$(wc -l <<<"$out")"
	else
		check "says the log follows" grep -q "^The verifier log:$" <<<"$out"
		expect_eq "error, heading and the whole log" $((2 + ${short:-0})) "$(wc -l <<<"$out")"
	fi
	check "the verifier's own words" grep -q "^  .*pointer.*prohibited" <<<"$out"
	check "the log's last line" grep -Eq "^  processed [0-9]+ insns" <<<"$(tail -1 <<<"$out")"
	check "no 'not permitted'" lacks "not permitted" "$out"
	check "no pin mismatch" lacks "another sipguard version" "$out"
	check "nothing pinned" pinned_nothing
	expect_eq "no XDP program" "" "$(xdp_prog_name "$A")"

	out=$(in_ns "$NS" "${nocap[@]}" "$SG" --verbose attach "$A" 2>&1)
	check "--verbose: the whole log: $out" grep -Eq "^The verifier log \([0-9]+ lines\):$" <<<"$out"
	n=$(sed -n 's/^The verifier log (\([0-9]*\) lines):$/\1/p' <<<"$out")
	expect_ge "a log" 1 "$n"
	expect_eq "all of its lines" "$n" "$(sed -n '/^The verifier log (/,$p' <<<"$out" | grep -c '^  ')"
	check "libbpf's messages too" grep -q "^libbpf: prog 'sipguard_xdp': BPF program load failed" <<<"$out"
	check "nothing pinned" pinned_nothing
	expect_exit 0 "^sipguard attached to $A" sg attach "$A"
}

# Maps pinned by another version (here: a flow table of another value
# size) are named as such, not as a verifier or permission problem.
test_pins_of_another_version_named() {
	setup
	mkdir -p "$SIPGUARD_PIN_PATH"
	check "a foreign sg_flows" bpftool map create "$SIPGUARD_PIN_PATH/sg_flows" \
		type array key 4 value 8 entries 16384 name sg_flows
	expect_exit 1 "^Error: the pinned map $SIPGUARD_PIN_PATH/sg_flows does not match this sipguard's \(its value size is 8, this sipguard's [0-9]+\): it was pinned by another sipguard version: detach every interface \('sipguard status' lists them\) and attach again$" \
		sg attach "$A"
	expect_eq "no XDP program" "" "$(xdp_prog_name "$A")"
}

# ---- link types ----

# tun_io NS DEV inject|register: open the tun device DEV; "inject" writes
# an orphan INVITE over IPv4 and over IPv6 and a non-SIP datagram into it
# (received by DEV: frames that start at the IP header); "register" sends
# a REGISTER from local port 5060 to 198.51.100.2:5080 out of it.
tun_io() {
	in_ns "$1" python3 - "$2" "$3" <<'EOF'
import fcntl, os, socket, struct, sys, time

def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def udp4(src, dst, sport, dport, data):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + udp

def udp6(src, dst, sport, dport, data):
    s, d = (socket.inet_pton(socket.AF_INET6, a) for a in (src, dst))
    udp = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(s + d + struct.pack("!I3xB", len(udp), 17) + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    return struct.pack("!IHBB", 6 << 28, len(udp), 17, 64) + s + d + udp

dev, what = sys.argv[1:]
fd = os.open("/dev/net/tun", os.O_RDWR)
# TUNSETIFF with IFF_TUN | IFF_NO_PI: raw IP packets, no header of tun's own
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", dev.encode(), 0x0001 | 0x1000))
invite = b"INVITE sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.9\r\n\r\n"
if what == "inject":
    os.write(fd, udp4("203.0.113.9", "198.51.100.1", 5060, 5060, invite))
    os.write(fd, udp6("2001:db8:9::9", "2001:db8:1::1", 5060, 5060, invite))
    os.write(fd, udp4("203.0.113.9", "198.51.100.1", 40000, 9, b"hello"))
else:
    time.sleep(0.3)  # the carrier comes with the open file
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", 5060))
    s.sendto(b"REGISTER sip:pbx SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n", ("198.51.100.2", 5080))
time.sleep(0.2)
EOF
}

# A tun device has no link-layer header: attach loads the programs for
# frames that start at the IP header, in generic mode, and they filter
# and learn there.
test_tun_device_without_link_header() {
	setup
	local T=${SG_NS_PREFIX}t out
	check "tun device" ip -n "$NS" tuntap add dev "$T" mode tun
	ip -n "$NS" addr add 198.51.100.1/24 dev "$T"
	ip -n "$NS" addr add 2001:db8:1::1/64 dev "$T" nodad
	ip -n "$NS" link set "$T" up
	expect_exit 1 "^Error: $T has no link-layer header \(link type none\): native XDP is not available there .*: leave --mode out, or use --mode generic$" \
		sg attach "$T" --mode native
	check "nothing pinned after the refusal" pinned_nothing
	expect_exit 0 "^sipguard attached to $T \(generic XDP, learner on\)" sg attach "$T"
	out=$(sg status)
	check "status shows the link type: $out" grep -Eq "^$T: ifindex [0-9]+, link none \(tun/wireguard\), generic XDP, " <<<"$out"
	out=$(sg status --json)
	expect_eq "json link type" "none 65534" "$(json "d['interfaces'][0]['link_type'], d['interfaces'][0]['link_type_id']" <<<"$out" | tr -d "(),'")"
	check "inject into the tun device" tun_io "$NS" "$T" inject
	expect_eq "orphan INVITEs (IPv4, IPv6) dropped" 2 "$(stat_packets "$T" orphan_invite drop)"
	expect_eq "non-SIP passed" 1 "$(stat_packets "$T" not_sip pass)"
	expect_eq "nothing malformed" 0 "$(stat_packets "$T" malformed pass)"
	check "a REGISTER out of the tun device" tun_io "$NS" "$T" register
	check "learned on egress" flow_listed '^198.51.100.2 +5080 +5060 +learned '
	expect_exit 1 "^Error: $T has no link-layer header" sg attach "$T" --mode native
	expect_exit 0 "^sipguard replaced on $T \(generic XDP, learner on, monitor" sg attach "$T" --monitor
	expect_eq "still none" none "$(sg status --json | json "d['interfaces'][0]['link_type']")"
	expect_exit 0 "^sipguard detached from $T; nothing left pinned" sg detach "$T"
	expect_eq "no XDP program" "" "$(xdp_prog_name "$T")"
}

# A link type sipguard does not handle is refused, naming it, and nothing
# is attached: the loopback device of a fresh namespace.
test_loopback_link_type_refused() {
	setup
	expect_exit 1 "^Error: lo: link type loopback \(772\) is not supported: sipguard handles Ethernet and devices without a link-layer header \(ppp, tun, WireGuard, raw-IP\)$" \
		sg attach lo
	check "nothing pinned" pinned_nothing
	expect_eq "no XDP program on lo" "" "$(xdp_prog_name lo)"
}

# Without --mode, a driver without native XDP (a bridge) gets generic
# mode; --mode native there says what to do.
test_default_mode_falls_back_to_generic() {
	setup
	local BR=${SG_NS_PREFIX}r
	check "bridge" ip -n "$NS" link add "$BR" type bridge
	ip -n "$NS" link set "$BR" up
	expect_exit 1 "^Error: cannot attach XDP to $BR in native mode: .*use --mode generic$" sg attach "$BR" --mode native
	check "nothing pinned after the refusal" pinned_nothing
	expect_exit 0 "^sipguard attached to $BR \(generic XDP, learner on\)" sg attach "$BR"
	check "status says ethernet" grep -Eq "^$BR: ifindex [0-9]+, link ethernet, generic XDP" <<<"$(sg status)"
}

test_conntrack_mode() {
	setup
	# a NAT router has conntrack; where it is a module, that means loaded
	modprobe nf_conntrack 2>/dev/null || true
	expect_exit 1 "^Error: --conntrack needs kernel BTF \(/nonexistent/vmlinux\), which this kernel lacks" \
		env SIPGUARD_VMLINUX_BTF=/nonexistent/vmlinux nsenter --net="/run/netns/$NS" "$SG" attach "$A" --conntrack
	check "nothing pinned after the refusal" pinned_nothing
	# a BTF file without netfilter's kfuncs: the default object's own BTF
	expect_exit 1 "^Error: --conntrack: this kernel has no bpf_xdp_ct_lookup" \
		env SIPGUARD_VMLINUX_BTF="$SG_TOP/build/sipguard.bpf.o" nsenter --net="/run/netns/$NS" "$SG" attach "$A" --conntrack
	# conntrack alone cannot tell the phone's request from its answer to
	# a stranger: it counts only where the learner saw a request
	expect_exit 1 "^Error: --conntrack needs the learner: .*attach without --no-learn$" \
		sg attach "$A" --conntrack --no-learn
	check "nothing pinned after the refusal" pinned_nothing
	expect_exit 0 "^sipguard attached to $A \(native XDP, learner on, conntrack\)" sg attach "$A" --conntrack
	check "status says conntrack" grep -q "conntrack on" <<<"$(sg status)"
	expect_eq "status --json" true "$(sg status --json | jq '.interfaces[0].conntrack')"
	# back to the default object, in place
	expect_exit 0 "^sipguard replaced on $A \(native XDP, learner on\)" sg attach "$A"
	expect_eq "status --json after" false "$(sg status --json | jq '.interfaces[0].conntrack')"
}

test_help_matches_man_page() {
	local out verb
	out=$("$SG" --help)
	check "help exits 0" test $? = 0
	expect_exit 0 "^Usage: sipguard " "$SG" help
	expect_exit 0 "^sipguard [0-9]+\.[0-9]+\.[0-9]+ " "$SG" --version
	for verb in $(sed -n 's/^  \([a-z]*\) .*/\1/p; s/^  \([a-z]*\)$/\1/p' <<<"$out" | sort -u); do
		check "man page documents '$verb'" grep -q "^\.B $verb\b\|^\.BR $verb\b\|^\.SS $verb\b" "$SG_TOP/docs/sipguard.8"
	done
	for opt in --pin-path --json --pretty --verbose --mode --config --monitor --no-learn --conntrack --all --resolver; do
		check "man page documents $opt" grep -q -- "${opt//-/\\\\-}" "$SG_TOP/docs/sipguard.8"
	done
	check "man page documents SIPGUARD_KERNEL_RELEASE" grep -q SIPGUARD_KERNEL_RELEASE "$SG_TOP/docs/sipguard.8"
	check "man page documents SIPGUARD_VMLINUX_BTF" grep -q SIPGUARD_VMLINUX_BTF "$SG_TOP/docs/sipguard.8"
	check "man page documents SIPGUARD_NO_L7" grep -q SIPGUARD_NO_L7 "$SG_TOP/docs/sipguard.8"
	check "man page lists the link types" grep -q "without a link-layer header" "$SG_TOP/docs/sipguard.8"
	for verb in ppp WireGuard rawip CAP_PERFMON; do
		check "man page names $verb" grep -q "$verb" "$SG_TOP/docs/sipguard.8"
	done
	check "man page's dual-WAN example" grep -q '^sipguard attach ppp0$' "$SG_TOP/docs/sipguard.8"
}

run_tests "$@"
