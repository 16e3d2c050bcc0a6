#!/usr/bin/env bash
# Observability (issue 4): `stats` (table, JSON, --watch), the Prometheus
# exposition and exporter (promtool, a real Prometheus scraping it), the
# monitoring/ files, drop events (fields, escaping, a flood's bounds), and
# the daemon (syslog events, SIGHUP reload without a lost INVITE, a bad
# file kept out, interfaces that come and go, systemd's notify protocol).
#
#   namespace "inet":  PBX 198.18.0.10, scanner 198.18.0.66
#   namespace "phone": 198.18.0.2, a UDP listener on 5060, sipguard on its
#                      veth; the exporter and Prometheus on its loopback.
#
# Every process a test starts runs inside its namespaces and is killed
# with them; temporary files live in one directory removed at the end.
. "$(dirname "$0")/lib.sh"

SIPUDP="$SG_TOP/tests/e2e/sipudp.py"
INET=${SG_NS_PREFIX}i
PHONE=${SG_NS_PREFIX}p
WAN=${SG_NS_PREFIX}w	# phone side of the veth, where sipguard sits
PEER=${SG_NS_PREFIX}x	# internet side
LATE=${SG_NS_PREFIX}l	# an interface that appears while the daemon runs
PBX4=198.18.0.10
SCAN4=198.18.0.66
PHONE4=198.18.0.2
EXPORTER=127.0.0.1:9877
PROM=127.0.0.1:9090
TMP=

sg() { nsenter --net="/run/netns/$PHONE" "$SG" "$@"; }
# The same as a plain command: in the background, $! is sipguard itself.
SGNS=(nsenter "--net=/run/netns/$PHONE" "$SG")
in_phone() { nsenter --net="/run/netns/$PHONE" "$@"; }

setup() {
	ns_add "$INET" || return 1
	ns_add "$PHONE" || return 1
	ip link add "$PEER" netns "$INET" type veth peer name "$WAN" netns "$PHONE" || return 1
	# One ip process a namespace: each costs much under emulation.
	ip -n "$INET" -batch - <<-EOF || return 1
	addr add 198.18.0.1/24 dev $PEER
	addr add $PBX4/24 dev $PEER
	addr add $SCAN4/24 dev $PEER
	link set $PEER up
	EOF
	ip -n "$PHONE" -batch - <<-EOF || return 1
	addr add $PHONE4/24 dev $WAN
	link set $WAN up
	EOF
	TMP=$(mktemp -d /tmp/sgt-observe.XXXXXX)
	cleanup_add "rm -rf $TMP"
	LOG=$TMP/listener.log
	ip netns exec "$PHONE" python3 "$SIPUDP" listen --bind 0.0.0.0 --port 5060 --out "$LOG" &
	cleanup_add "kill $! 2>/dev/null"
	wait_for "the UDP listener" 5 listening 5060
}

listening() { ip netns exec "$PHONE" ss -Hlun "sport = :$1" | grep -q .; }
tcp_listening() { ip netns exec "$PHONE" ss -Hltn "sport = :$1" | grep -q .; }

# send SRC TAG COUNT [--cpu N] [sipudp send options...]: INVITEs from SRC
# to the phone (the tag is the Call-ID prefix and the From user).
send() {
	local src=$1 tag=$2 count=$3 pin=(); shift 3
	if [ "${1:-}" = --cpu ]; then
		pin=(taskset -c "$2")
		shift 2
	fi
	ip netns exec "$INET" "${pin[@]}" python3 "$SIPUDP" send --src "$src" --dst $PHONE4 \
		--port 5060 --count "$count" --tag "$tag" "$@"
}

# arrived TAG: messages with this Call-ID tag the phone received: once the
# count has not moved for 0.3 s and nothing waits in the listener's socket,
# or once it has not moved for 5 s.
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

# counter REASON VERDICT: packets on the WAN interface, from stats --json.
counter() {
	sg stats --json | py "sum(c['packets'] for i in d['interfaces'] if i['name'] == '$WAN' for c in i['counters'] if c['reason'] == '$1' and c['verdict'] == '$2')"
}

allow_list() { sg allow list --json | py "','.join(e['prefix'] + ':' + e['origin'] for e in d)"; }

metrics() { in_phone curl -sf --max-time 5 "http://$1/metrics"; }
http_code() { in_phone curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"; }

# ---- Prometheus ----

start_prometheus() {
	cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $SG_TOP/monitoring/sipguard-alerts.yml
scrape_configs:
  - job_name: sipguard
    static_configs:
      - targets: ['$EXPORTER']
EOF
	mkdir "$TMP/tsdb"
	ip netns exec "$PHONE" prometheus --config.file="$TMP/prometheus.yml" \
		--storage.tsdb.path="$TMP/tsdb" --web.listen-address=$PROM \
		--log.level=warn >"$TMP/prometheus.log" 2>&1 &
	cleanup_add "kill -9 $! 2>/dev/null"
	wait_for "Prometheus ready" 30 in_phone curl -sf -o /dev/null "http://$PROM/-/ready"
}

# prom_query EXPR: the value of the first result of an instant query.
prom_query() {
	in_phone curl -sfG --max-time 5 --data-urlencode "query=$1" "http://$PROM/api/v1/query" |
		py "d['data']['result'][0]['value'][1] if d['status'] == 'success' and d['data']['result'] else ''"
}

# prom_ok EXPR: does Prometheus accept the query?
prom_ok() {
	in_phone curl -sfG --max-time 5 --data-urlencode "query=$1" "http://$PROM/api/v1/query" |
		grep -q '"status":"success"'
}

# prom_is EXPR VALUE: does the query return VALUE (for wait_for)?
prom_is() { [ "$(prom_query "$1")" = "$2" ]; }

start_exporter() {
	spawn exporter "${SGNS[@]}" exporter --listen "$EXPORTER" "$@"
	EXP_PID=$BG
	wait_for "the exporter" 5 tcp_listening "${EXPORTER##*:}"
}

# ---- stats ----

test_stats_table_json_and_sizes() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4
	send $SCAN4 scan 5
	send $PBX4 pbx 3
	expect_eq "scanner INVITEs at the phone" 0 "$(arrived scan)"
	local out
	out=$(sg stats)
	check "orphan row: $out" grep -Eq "^  orphan_invite +drop +5 +[0-9]+$" <<<"$out"
	check "allowlisted row" grep -Eq "^  allowlisted +pass +3 +[0-9]+$" <<<"$out"
	check "table fill line" grep -Eq "^tables: allowlist 1/16384, flows 0/147456, static flows 0/4096, pending calls 0/4096, fragments 0/4096" <<<"$out"
	check "flow-table line" grep -Eq "^flow table: 0 learned, 0 took an expired flow.s slot, 0 evicted a live flow, .*, 0 answered, 0 registered$" <<<"$out"
	check "event totals line" grep -Eq "^drop events: 5 sent, 0 suppressed$" <<<"$out"
	out=$(sg stats --json)
	expect_eq "json allowlist fill" "1 16384" "$(py "'%d %d' % (d['tables']['allowlist']['entries'], d['tables']['allowlist']['max'])" <<<"$out")"
	expect_eq "json flow fill" "0 147456" "$(py "'%d %d' % (d['tables']['flows']['entries'], d['tables']['flows']['max'])" <<<"$out")"
	expect_eq "json event totals" "5 0" "$(py "'%d %d' % (d['events']['sent'], d['events']['suppressed'])" <<<"$out")"
	expect_eq "json orphan drops" 5 "$(counter orphan_invite drop)"
	expect_exit 2 "invalid interval '0' for --watch" sg stats --watch 0
	expect_exit 2 "invalid interval 'soon' for --watch" sg stats --watch soon
	expect_exit 2 "needs a value" sg stats --watch
	expect_exit 2 "--prometheus goes with neither" sg stats --prometheus --json
	expect_exit 2 "--prometheus shows every interface" sg stats --prometheus "$WAN"
}

# rate_of FILE: the largest PKT/S of the orphan_invite drop row in any block.
max_orphan_rate() {
	awk '$1 == "orphan_invite" && $2 == "drop" && $5 != "-" { if ($5 > m) m = $5 } END { print m + 0 }' "$1"
}

test_stats_watch_rates_pipe_and_tty() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	send $SCAN4 before 5
	spawn watch "${SGNS[@]}" stats --watch 1
	local w=$BG
	sleep 1.5
	send $SCAN4 during 40
	sleep 1.7
	stop_bg $w INT
	expect_eq "Ctrl-C ends --watch with success" 0 "$RC"
	local out=$TMP/watch.log
	expect_ge "one block per second into a pipe" 3 "$(grep -c '^sipguard stats at .*, every 1s' "$out")"
	check "no screen clearing into a pipe" bash -c "! grep -q $'\x1b' '$out'"
	check "rate columns" grep -Eq "REASON +VERDICT +PACKETS +BYTES +PKT/S +BYTES/S" "$out"
	check "first block: no rate yet" grep -Eq "^  orphan_invite +drop +5 +[0-9]+ +- +-$" "$out"
	expect_ge "a block shows the 40 INVITEs as a rate (pkt/s)" 20 "$(max_orphan_rate "$out" | cut -d. -f1)"
	check "later blocks count all 45" grep -Eq "^  orphan_invite +drop +45 " "$out"

	# --json: one document a line, rates from the second on.
	spawn watchj "${SGNS[@]}" stats --watch 1 --json
	w=$BG
	sleep 2.5
	stop_bg $w INT
	expect_ge "JSON lines" 2 "$(wc -l <"$TMP/watchj.log")"
	expect_eq "second line has interval and rates" "True True" \
		"$(sed -n 2p "$TMP/watchj.log" | py "str(d['interval_s'] > 0.5) + ' ' + str('packets_per_s' in d['interfaces'][0]['counters'][0])")"

	# On a terminal the screen is redrawn.
	in_phone script -qec "timeout -s INT 1.5 $SG stats --watch 1" /dev/null >"$TMP/tty.log" 2>&1
	check "clears the screen on a tty" grep -q $'\x1b\[H\x1b\[2J' "$TMP/tty.log"
}

# ---- Prometheus exposition, exporter, Prometheus ----

test_exporter_output_passes_promtool_over_ipv6() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	send $SCAN4 scan 7
	EXPORTER="[::1]:9877"
	start_exporter
	metrics "$EXPORTER" >"$TMP/metrics.txt"
	check "metrics over IPv6 [::1]" grep -q '^sipguard_build_info{' "$TMP/metrics.txt"
	local lint
	lint=$(promtool check metrics <"$TMP/metrics.txt" 2>&1)
	check "promtool check metrics on the exporter's output exits 0" test $? = 0
	expect_eq "promtool's complaints about the exporter's output" "" "$lint"
	lint=$(sg stats --prometheus | promtool check metrics 2>&1)
	expect_eq "promtool's complaints about stats --prometheus" "" "$lint"
	check "labelled orphan drops" grep -Eq "^sipguard_packets_total\{interface=\"$WAN\",reason=\"orphan_invite\",verdict=\"drop\"\} 7$" "$TMP/metrics.txt"
	check "bytes counter" grep -Eq "^sipguard_bytes_total\{interface=\"$WAN\",reason=\"orphan_invite\",verdict=\"drop\"\} [1-9][0-9]*$" "$TMP/metrics.txt"
	check "attached gauge" grep -Eq "^sipguard_attached\{interface=\"$WAN\"\} 1$" "$TMP/metrics.txt"
	check "table gauges" grep -Eq '^sipguard_table_capacity\{table="flows"\} 147456$' "$TMP/metrics.txt"
	check "flow-table counters" grep -Eq '^sipguard_flows_keepalive_refreshed_total 0$' "$TMP/metrics.txt"
	check "events" grep -Eq '^sipguard_events_sent_total 7$' "$TMP/metrics.txt"
	check "suppressed" grep -Eq '^sipguard_events_suppressed_total 0$' "$TMP/metrics.txt"
	check "build_info carries the version" grep -Eq "^sipguard_build_info\{libbpf=\"[^\"]+\",version=\"$("$SG" --version | cut -d' ' -f2)\"\} 1$" "$TMP/metrics.txt"
	check "every counter ends in _total" bash -c "! grep '^# TYPE .* counter$' '$TMP/metrics.txt' | grep -v '_total counter$'"
	expect_eq "HELP for every TYPE" "$(grep -c '^# TYPE ' "$TMP/metrics.txt")" "$(grep -c '^# HELP ' "$TMP/metrics.txt")"
	check "content type" bash -c "nsenter --net=/run/netns/$PHONE curl -sI 'http://$EXPORTER/metrics' | grep -qi '^content-type: text/plain; version=0.0.4'"

	expect_eq "/ is 404" 404 "$(http_code "http://$EXPORTER/")"
	expect_eq "/metrics/x is 404" 404 "$(http_code "http://$EXPORTER/metrics/x")"
	expect_eq "/metricsx is 404" 404 "$(http_code "http://$EXPORTER/metricsx")"
	expect_eq "POST is 405" 405 "$(http_code -X POST -d x "http://$EXPORTER/metrics")"
	expect_eq "HEAD is 200" 200 "$(http_code -I "http://$EXPORTER/metrics")"

	stop_bg $EXP_PID TERM
	expect_eq "SIGTERM ends the exporter cleanly" 0 "$RC"
	check "port closed" bash -c "! nsenter --net=/run/netns/$PHONE curl -s --max-time 2 'http://$EXPORTER/metrics'"
}

test_exporter_bad_addresses() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	expect_exit 2 "exporter needs --listen" sg exporter
	expect_exit 1 "invalid listen address '9877'" sg exporter --listen 9877
	expect_exit 1 "invalid listen address '::1:9877'" sg exporter --listen ::1:9877
	expect_exit 1 "invalid port" sg exporter --listen 127.0.0.1:99999
	expect_exit 1 "no such local address" sg exporter --listen 192.0.2.77:9877
	start_exporter
	expect_exit 1 "cannot listen on $EXPORTER: address in use" sg exporter --listen $EXPORTER
}

test_prometheus_scrapes_the_drop_count_stats_shows() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	check "allow" sg allow add $PBX4
	start_exporter --interface "$WAN"
	start_prometheus
	send $PBX4 pbx 20
	send $SCAN4 scan 37
	expect_eq "PBX INVITEs at the phone" 20 "$(arrived pbx)"
	expect_eq "scanner INVITEs at the phone" 0 "$(arrived scan)"
	local want q
	want=$(counter orphan_invite drop)
	expect_eq "stats --json orphan drops" 37 "$want"
	q="sipguard_packets_total{interface=\"$WAN\",reason=\"orphan_invite\",verdict=\"drop\"}"
	wait_for "Prometheus to see $want drops" 20 prom_is "$q" "$want"
	expect_eq "Prometheus' orphan_invite drops = stats --json" "$want" "$(prom_query "$q")"
	expect_eq "Prometheus' allowlisted passes = stats --json" "$(counter allowlisted pass)" \
		"$(prom_query "sipguard_packets_total{interface=\"$WAN\",reason=\"allowlisted\",verdict=\"pass\"}")"
	expect_eq "scrape up" 1 "$(prom_query 'up{job="sipguard"}')"
	expect_eq "attached" 1 "$(prom_query "sipguard_attached{interface=\"$WAN\"}")"
	expect_eq "alerting rules loaded" 6 \
		"$(in_phone curl -sf "http://$PROM/api/v1/rules" | py "len(d['data']['groups'][0]['rules'])")"

	# Detached: the exporter still reports the interface, as 0, and the
	# SipguardNotAttached alert becomes pending.
	check "detach" sg detach "$WAN"
	wait_for "sipguard_attached 0" 15 prom_is "sipguard_attached{interface=\"$WAN\"}" 0
	wait_for "SipguardNotAttached pending" 15 prom_is \
		"ALERTS{alertname=\"SipguardNotAttached\",interface=\"$WAN\"}" 1
}

# ---- the monitoring/ files ----

test_monitoring_rules_and_dashboard() {
	local dir=$SG_TOP/monitoring out
	out=$(promtool check rules "$dir/sipguard-alerts.yml" 2>&1)
	check "promtool check rules: $out" grep -q "SUCCESS: 6 rules found" <<<"$out"
	out=$(cd "$dir" && promtool test rules sipguard-alerts.test.yml 2>&1)
	check "promtool test rules: $out" grep -q SUCCESS <<<"$out"
	check "dashboard is JSON" jq -e '.panels | length > 5' "$dir/sipguard-dashboard.json"

	check "topology" setup
	check "attach" sg attach "$WAN"
	local names metric
	names=$(sg stats --prometheus | sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p')
	for metric in $(cat "$dir/sipguard-dashboard.json" "$dir/sipguard-alerts.yml" |
			grep -o 'sipguard_[a-z_]*' | sort -u); do
		check "'$metric' (monitoring/) is a metric the exporter serves" grep -qx "$metric" <<<"$names"
	done
	# The would-drop (monitor) panel lists the drop reasons of the header.
	local drops
	drops=$(sed -n 's/^[[:space:]]*X(SG_R_[A-Z0-9_]*,[[:space:]]*"\([a-z0-9_]*\)",[[:space:]]*1).*/\1/p' \
		"$SG_TOP/include/sipguard.h" | paste -sd'|')
	check "dashboard's drop reasons are the header's ($drops)" grep -qF "reason=~\\\"$drops\\\"" "$dir/sipguard-dashboard.json"
}

test_dashboard_queries_run_on_prometheus() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	start_exporter
	start_prometheus
	send $SCAN4 scan 10
	wait_for "a scrape" 15 prom_is 'up{job="sipguard"}' 1
	sleep 2
	local expr q n=0
	while IFS= read -r expr; do
		q=${expr//\$__rate_interval/30s}
		q=${q//\$instance/.*}
		q=${q//\$interface/.*}
		check "dashboard query runs: $q" prom_ok "$q"
		n=$((n + 1))
	done < <(jq -r '.panels[].targets[].expr' "$SG_TOP/monitoring/sipguard-dashboard.json")
	expect_ge "queries checked" 10 "$n"
}

# ---- drop events ----

# start_events NAME [--json]: `sipguard events` in the background, ready.
start_events() {
	local name=$1; shift
	"${SGNS[@]}" events "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	EV=$!
	cleanup_add "kill -9 $EV 2>/dev/null"
	wait_for "events to start" 5 grep -q '^# following drop events' "$TMP/$name.err" "$TMP/$name.out"
}

lines() { wc -l <"$1"; }
# no_control_bytes FILE: FILE has lines, and no control byte but newlines.
no_control_bytes() { [ -s "$1" ] && ! tr -d '\n' <"$1" | LC_ALL=C grep -q '[[:cntrl:]]'; }
has_lines() { [ "$(grep -vc '^#' "$1")" -ge "$2" ]; }

test_events_json_shows_a_scanner_invite() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	start_events ev --json
	send $SCAN4 alice 1 --sport 5099 --ua "friendly-scanner"
	wait_for "one event" 5 has_lines "$TMP/ev.out" 1
	local e
	e=$(head -1 "$TMP/ev.out")
	expect_eq "source, port, destination" "198.18.0.66 5099 198.18.0.2 5060" \
		"$(py "'%s %d %s %d' % (d['src'], d['sport'], d['dst'], d['dport'])" <<<"$e")"
	expect_eq "reason, method, monitor" "orphan_invite INVITE False" \
		"$(py "'%s %s %s' % (d['reason'], d['method'], d['monitor'])" <<<"$e")"
	expect_eq "From user" alice "$(py "d['from_user']" <<<"$e")"
	expect_eq "User-Agent" friendly-scanner "$(py "d['user_agent']" <<<"$e")"
	expect_eq "interface by name" "$WAN" "$(py "d['interface']" <<<"$e")"
	expect_eq "suppressed" 0 "$(py "d['suppressed']" <<<"$e")"
	check "time" grep -Eq '"time":"20[0-9-]+T[0-9:.]+Z"' <<<"$e"

	# Bytes an attacker chose come out escaped, and the JSON stays valid.
	send $SCAN4 'x"y' 1 --ua $'evil"\\\x1b[31m\x7f'
	wait_for "second event" 5 has_lines "$TMP/ev.out" 2
	e=$(sed -n 2p "$TMP/ev.out")
	expect_eq "escaped User-Agent" 'evil"\\\x1b[31m\x7f' "$(py "d['user_agent']" <<<"$e")"
	expect_eq "escaped From user" 'x"y' "$(py "d['from_user']" <<<"$e")"
	check "no raw control byte" no_control_bytes "$TMP/ev.out"

	# One reader at a time: a second one is turned away.
	expect_exit 1 "another process reads the drop events" sg events
	stop_bg $EV INT
	expect_eq "Ctrl-C ends events" 0 "$RC"
	check "summary on exit" grep -Eq '^# 2 events received, 0 suppressed by the kernel meanwhile; since attach: 2 sent, 0 suppressed$' "$TMP/ev.err"

	# Monitor mode: the flag is in the event.
	check "monitor on" sg set monitor on
	start_events mon --json
	send $SCAN4 mon 1
	wait_for "monitor event" 5 has_lines "$TMP/mon.out" 1
	expect_eq "monitor flag" True "$(head -1 "$TMP/mon.out" | py "d['monitor']")"
	stop_bg $EV INT
}

test_events_text_view_escapes() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	start_events ev
	send $SCAN4 bob 1 --ua $'x\x1b]0;owned\x07"\\z'
	wait_for "one event" 5 has_lines "$TMP/ev.out" 1
	stop_bg $EV INT
	local line
	line=$(grep -v '^#' "$TMP/ev.out")
	check "text line: $line" grep -Eq "^20[0-9-]+ [0-9:.]+ $WAN drop orphan_invite INVITE 198\.18\.0\.66:5060 > 198\.18\.0\.2:5060 from=\"bob\" " <<<"$line"
	check "escaped User-Agent: $line" grep -qF 'ua="x\x1b]0;owned\x07\"\\z" suppressed=0' <<<"$line"
	check "no raw control byte" no_control_bytes "$TMP/ev.out"
	check "header with totals" grep -Eq '^# following drop events under .*since attach: 0 sent, 0 suppressed$' "$TMP/ev.out"
	check "summary" grep -Eq '^# 1 events received' "$TMP/ev.out"
}

test_event_flood_is_bounded_and_suppressed_counted() {
	check "topology" setup
	check "attach" sg attach "$WAN"
	start_events ev --json
	# Both sends from CPU 0: a veth delivers on the sender's CPU, so one
	# token bucket (per CPU) sees it all.  After the flood a slow tail:
	# its events report the flood's suppressed ones (the bucket skips 63
	# packets between clock reads once it ran dry).
	local t0 t1 secs events sent supp persum rate=20 burst=40 bound
	t0=$(date +%s%N)
	send $SCAN4 flood 2000 --cpu 0
	sleep 1.2
	send $SCAN4 tail 70 --cpu 0 --rate 200
	t1=$(date +%s%N)
	expect_eq "flood dropped" 0 "$(arrived flood)"
	expect_eq "every INVITE counted" 2070 "$(counter orphan_invite drop)"
	sleep 0.3
	stop_bg $EV INT
	events=$(lines "$TMP/ev.out")
	sent=$(sg stats --json | py "d['events']['sent']")
	supp=$(sg stats --json | py "d['events']['suppressed']")
	persum=$(python3 -c "import json; print(sum(json.loads(l)['suppressed'] for l in open('$TMP/ev.out')))")
	# SG_DEFAULT_EVENT_BURST + SG_DEFAULT_EVENT_RATE x seconds, one CPU
	secs=$(((t1 - t0) / 1000000000 + 1))
	bound=$((burst + rate * secs + 2))
	say "2070 INVITEs in $(((t1 - t0) / 1000000)) ms: $events events, $supp suppressed (bound $bound), $persum reported by events"
	expect_ge "events received" "$burst" "$events"
	check "events ($events) bounded by burst + rate x seconds = $bound" test "$events" -le "$bound"
	expect_eq "every event sent was received" "$sent" "$events"
	expect_eq "events + suppressed = the INVITEs" 2070 "$((events + supp))"
	check "events report suppressed ones ($persum), at most the total ($supp)" \
		test "$persum" -ge 1 -a "$persum" -le "$supp"
	check "summary names the suppressed" grep -Eq "^# $events events received, $supp suppressed by the kernel meanwhile" "$TMP/ev.err"
	check "exporter agrees" bash -c "nsenter --net=/run/netns/$PHONE $SG stats --prometheus | grep -qx 'sipguard_events_suppressed_total $supp'"
}

# ---- the daemon ----

# write_conf FILE ALLOW_PREFIX...: a daemon config for $WAN.
write_conf() {
	local f=$1 p; shift
	{
		printf '[daemon]\ninterface = %s\nlisten = %s\nstate-dir = %s\n[allow]\n' \
			"$WAN" "$EXPORTER" "$TMP/state"
		for p in "$@"; do
			printf 'prefix = %s\n' "$p"
		done
	} >"$f.tmp" && mv "$f.tmp" "$f"
}

start_daemon() {
	# The log is truncated by the new process, maybe after the first look:
	# a restart must not see the last daemon's "started with".
	rm -f "$TMP/daemon.log"
	spawn daemon env ${NOTIFY:+NOTIFY_SOCKET=$NOTIFY} nsenter --net="/run/netns/$PHONE" "$SG" daemon --config "$@" --stderr
	DPID=$BG
	wait_for "the daemon to start" 10 grep -qs ': started with ' "$TMP/daemon.log"
}

reloads() { grep -c ': reloaded ' "$TMP/daemon.log"; }
reloaded() { [ "$(reloads)" -ge "$1" ]; }

test_daemon_logs_events_serves_metrics_leaves_filter_on_exit() {
	check "topology" setup
	write_conf "$TMP/sg.conf" $PBX4
	# A drop before the daemon runs waits in the ring buffer: its line
	# says how old it is (syslog stamps it with the time it is logged).
	check "attach by hand" sg attach "$WAN"
	local t0 t1 age
	t0=$(date +%s%N)
	send $SCAN4 early 1
	sleep 2.2
	start_daemon "$TMP/sg.conf"
	wait_for "the early event" 5 grep -q 'from="early"' "$TMP/daemon.log"
	t1=$(date +%s%N)
	# At least the 2.2 s slept; at most the time since it was sent (the
	# daemon's start, loading the programs, may take long under emulation).
	age=$(sed -n 's/.*from="early" ua="sipguard-test" suppressed=0 age=\([0-9]*\)s$/\1/p' "$TMP/daemon.log")
	expect_ge "early event's age in seconds: $(grep 'from="early"' "$TMP/daemon.log")" 2 "$age"
	check "early event's age ($age s) within the $(((t1 - t0) / 1000000)) ms since it was sent" \
		test "$age" -le $(((t1 - t0) / 1000000000))
	check "attached by the daemon" grep -Eq "^$WAN: ifindex" <(sg status)
	expect_eq "allowlist from the file" "198.18.0.10/32:config" "$(allow_list)"
	send $SCAN4 bob 1 --ua $'x\x1b[2Jy"'
	send $PBX4 pbx 3
	expect_eq "PBX INVITEs at the phone" 3 "$(arrived pbx)"
	wait_for "the drop event in syslog" 5 grep -q 'from="bob"' "$TMP/daemon.log"
	check "syslog line, escaped: $(grep bob "$TMP/daemon.log")" grep -qxF \
		"sipguard[$DPID]: iface=$WAN action=drop reason=orphan_invite method=INVITE src=198.18.0.66:5060 dst=198.18.0.2:5060 from=\"bob\" ua=\"x\\x1b[2Jy\\\"\" suppressed=0" "$TMP/daemon.log"
	check "no raw control byte in the log" bash -c "! grep -q $'\x1b' '$TMP/daemon.log'"
	metrics $EXPORTER >"$TMP/m.txt"
	check "daemon's exporter: attached" grep -qx "sipguard_attached{interface=\"$WAN\"} 1" "$TMP/m.txt"
	check "daemon's exporter: drops" grep -qx "sipguard_packets_total{interface=\"$WAN\",reason=\"orphan_invite\",verdict=\"drop\"} 2" "$TMP/m.txt"
	expect_exit 1 "another process reads the drop events" sg events

	stop_bg $DPID TERM
	expect_eq "SIGTERM ends the daemon with success" 0 "$RC"
	check "says the filter stays" grep -q "stopping after 2 drop events; the filter stays attached to $WAN" "$TMP/daemon.log"
	check "still attached after the daemon" grep -q "^$WAN: ifindex " <(sg status)
	send $SCAN4 after 3
	expect_eq "scanner INVITEs still dropped without the daemon" 0 "$(arrived after)"
	check "exporter gone with it" bash -c "! nsenter --net=/run/netns/$PHONE curl -s --max-time 2 http://$EXPORTER/metrics"
}

test_daemon_sighup_changes_allowlist_under_stream_losing_nothing() {
	check "topology" setup
	# A: the PBX by its /32.  B: the PBX by a /28, and another prefix.
	# Every reload swaps the entry that lets the PBX in for another one.
	write_conf "$TMP/a.conf" $PBX4
	write_conf "$TMP/b.conf" 198.18.0.0/28 203.0.113.0/24
	cp "$TMP/a.conf" "$TMP/sg.conf"
	start_daemon "$TMP/sg.conf"
	# The stream goes on until the sixth reload is done, however long
	# the reloads take (a slow or emulated machine).
	send $PBX4 stream 3000 --rate 1000 --until "$TMP/stream.stop" >"$TMP/stream.sent" &
	local sender=$! i sent
	for i in 1 2 3 4 5 6; do
		sleep 0.35
		if [ $((i % 2)) = 1 ]; then cp "$TMP/b.conf" "$TMP/sg.conf"; else cp "$TMP/a.conf" "$TMP/sg.conf"; fi
		kill -HUP "$DPID"
		wait_for "reload $i" 5 reloaded $i
	done
	touch "$TMP/stream.stop"
	wait $sender
	sent=$(cat "$TMP/stream.sent")
	expect_ge "PBX INVITEs sent" 3000 "$sent"
	expect_eq "PBX INVITEs through six reloads" "$sent" "$(arrived stream)"
	expect_eq "allowlist is file A's after an even number of swaps" "198.18.0.10/32:config" "$(allow_list)"
	cp "$TMP/b.conf" "$TMP/sg.conf"
	kill -HUP "$DPID"
	wait_for "reload 7" 5 reloaded 7
	expect_eq "allowlist is file B's" "198.18.0.0/28:config,203.0.113.0/24:config" "$(allow_list)"
	send $SCAN4 scan 5
	expect_eq "scanner (outside the /28) still dropped" 0 "$(arrived scan)"
	check "daemon alive" kill -0 "$DPID"
}

# The daemon rebuilds the flows' filter every minute and on SIGHUP: the
# bits of ended flows go.
fb_field() { sg status --json | python3 -c "import json,sys; print(json.load(sys.stdin)['flow_filter']['$1'])"; }

test_daemon_sighup_rebuilds_the_flows_filter() {
	check "topology" setup
	write_conf "$TMP/sg.conf" $PBX4
	start_daemon "$TMP/sg.conf"
	local before
	before=$(fb_field bits_set)
	flows_file "$TMP/f" 4102444800 "198.51.100.3 5060 5070 50 60 0x00"
	check "a flow restored" sg flows restore "$TMP/f"
	expect_eq "its bit" $((before + 1)) "$(fb_field bits_set)"
	check "flows flushed" sg flows flush
	expect_eq "the bit stays until a rebuild" $((before + 1)) "$(fb_field bits_set)"
	sleep 2	# SG_FB_SETTLE_S after the attach's rebuild
	kill -HUP "$DPID"
	wait_for "the reload" 5 reloaded 1
	# (only a rebuild takes bits away)
	expect_eq "the ended flows' bits gone" 0 "$(fb_field bits_set)"
}

test_daemon_sighup_with_a_broken_config_keeps_the_running_one() {
	check "topology" setup
	write_conf "$TMP/sg.conf" $PBX4
	start_daemon "$TMP/sg.conf"
	local before
	before=$(allow_list)
	{ cat "$TMP/sg.conf"; printf 'prefix = 198.18.0.0/16\nprefix = 198.18.0.300\n'; } >"$TMP/bad"
	mv "$TMP/bad" "$TMP/sg.conf"
	kill -HUP "$DPID"
	wait_for "the reload error" 5 grep -q 'reload failed' "$TMP/daemon.log"
	check "names file and line" grep -q "^Error: $TMP/sg.conf:8: invalid prefix '198.18.0.300'" "$TMP/daemon.log"
	check "says it keeps the running one" grep -q "reload failed: $TMP/sg.conf has an error (see above): the running configuration stays" "$TMP/daemon.log"
	expect_eq "allowlist unchanged (not even the valid /16 of the bad file)" "$before" "$(allow_list)"
	check "daemon alive" kill -0 "$DPID"
	send $PBX4 pbx 5
	send $SCAN4 scan 5
	expect_eq "PBX still rings" 5 "$(arrived pbx)"
	expect_eq "scanner still dropped" 0 "$(arrived scan)"

	# A [daemon] section with no interface, and a bad listen address.
	printf '[daemon]\nlisten = %s\n[allow]\nprefix = 203.0.113.9\n' "$EXPORTER" >"$TMP/sg.conf"
	kill -HUP "$DPID"
	wait_for "second reload error" 5 grep -q "no interface to attach" "$TMP/daemon.log"
	printf '[daemon]\ninterface = %s\nlisten = nowhere\n' "$WAN" >"$TMP/sg.conf"
	kill -HUP "$DPID"
	wait_for "third reload error" 5 grep -q "invalid listen address 'nowhere'" "$TMP/daemon.log"
	expect_eq "allowlist still unchanged" "$before" "$(allow_list)"
	check "exporter still serves" bash -c "nsenter --net=/run/netns/$PHONE curl -sf http://$EXPORTER/metrics | grep -q sipguard_attached"

	# And a good file is taken again.
	write_conf "$TMP/sg.conf" 203.0.113.0/24
	kill -HUP "$DPID"
	wait_for "good reload" 5 reloaded 1
	expect_eq "allowlist of the good file" "203.0.113.0/24:config" "$(allow_list)"
}

test_daemon_attaches_interface_when_it_appears_and_detaches_when_removed() {
	check "topology" setup
	printf '[daemon]\ninterface = %s\ninterface = %s\nlisten = %s\n' "$WAN" "$LATE" "$EXPORTER" >"$TMP/sg.conf"
	start_daemon "$TMP/sg.conf"
	check "missing interface logged" grep -q "interface $LATE not found: attaching when it appears" "$TMP/daemon.log"
	check "reported as not attached" bash -c "nsenter --net=/run/netns/$PHONE curl -sf http://$EXPORTER/metrics | grep -qx 'sipguard_attached{interface=\"$LATE\"} 0'"
	ip -n "$PHONE" link add "$LATE" type veth peer name "${LATE}p" || return 1
	ip -n "$PHONE" link set "$LATE" up
	ip -n "$PHONE" link set "${LATE}p" up
	wait_for "$LATE attached" 10 bash -c "nsenter --net=/run/netns/$PHONE $SG status | grep -q '^$LATE: ifindex'"
	check "now attached" bash -c "nsenter --net=/run/netns/$PHONE curl -sf http://$EXPORTER/metrics | grep -qx 'sipguard_attached{interface=\"$LATE\"} 1'"
	printf '[daemon]\ninterface = %s\nlisten = %s\n' "$WAN" "$EXPORTER" >"$TMP/sg.conf"
	kill -HUP "$DPID"
	wait_for "reload" 5 reloaded 1
	check "$LATE detached" bash -c "! nsenter --net=/run/netns/$PHONE $SG status | grep -q '^$LATE:'"
	check "$WAN stays" grep -q "^$WAN: ifindex" <(sg status)
}

# ---- learned flows across daemon restarts ----


flows_of() { sg flows list --json | py "' '.join(f['remote'] + ':' + f['origin'] for f in d)"; }

test_daemon_keeps_learned_flows_over_restart_and_detach() {
	check "topology" setup
	write_conf "$TMP/sg.conf" $PBX4
	start_daemon "$TMP/sg.conf"
	check "no saved flows yet, said so" grep -q "no saved flows to restore ($TMP/state/flows does not exist)" "$TMP/daemon.log"
	flows_file "$TMP/f" 4102444800 "198.18.0.70 5060 5060 3000 3600 0x08" "2001:db8::70 5060 5060 3000 3600 0x28"
	local t0=${EPOCHREALTIME/./}	# the flows are 600 s old from here on (µs)
	check "flows in the table" sg flows restore "$TMP/f"
	stop_bg $DPID TERM
	check "saved at stop: $(cat "$TMP/daemon.log")" grep -q "saved 2 learned flows to $TMP/state/flows" "$TMP/daemon.log"
	expect_eq "state dir mode" 700 "$(stat -c %a "$TMP/state")"
	check "the file has them" grep -q "^flow 2001:db8::70 5060 5060 [0-9]* 3600 0x28$" "$TMP/state/flows"

	# a restart: the table outlived the daemon, and wins
	start_daemon "$TMP/sg.conf"
	check "not restored over a full table" grep -q "the flow table holds 2 flows already: $TMP/state/flows not restored" "$TMP/daemon.log"
	expect_eq "flows still there" "198.18.0.70:restored 2001:db8::70:restored" "$(flows_of)"
	stop_bg $DPID TERM

	# everything detached (a reboot): the table is new and empty
	check "detach" sg detach "$WAN"
	start_daemon "$TMP/sg.conf"
	wait_for "the restore" 5 grep -q "restored 2 learned flows from $TMP/state/flows (saved [0-9]*s ago); skipped 0 whose life ran out, 0 for want of room" "$TMP/daemon.log"
	expect_eq "flows back" "198.18.0.70:restored 2001:db8::70:restored" "$(flows_of)"
	# 600 s, and the time this test took since (daemon starts and
	# attaches are slow under emulation), rounded up; the age is the sum
	# of three differences of whole seconds (the monotonic clock from the
	# restore to the save, the wall clock from the save to the restore,
	# the monotonic clock from there to the list), each of which may be
	# one more than the time it stands for
	local age most
	age=$(sg flows list --json | py "[f['age_s'] for f in d if f['remote'] == '198.18.0.70'][0]")
	most=$((600 + (${EPOCHREALTIME/./} - t0 + 999999) / 1000000 + 3))
	check "their age kept: $age, from 600 to $most" test "$age" -ge 600 -a "$age" -le "$most"
}

test_daemon_ignores_a_damaged_state_file() {
	check "topology" setup
	write_conf "$TMP/sg.conf" $PBX4
	mkdir -m 700 "$TMP/state"
	flows_file "$TMP/state/flows" 4102444800 "198.18.0.70 5060 5060 3000 3600 0x08"
	sed -i '$d' "$TMP/state/flows"
	start_daemon "$TMP/sg.conf"
	check "says so, naming the file: $(cat "$TMP/daemon.log")" grep -q "$TMP/state/flows:5: no 'end' line (cut short?): the file is damaged or not a sipguard flow file; nothing restored from it" "$TMP/daemon.log"
	expect_eq "nothing restored" "" "$(flows_of)"
	check "the daemon runs on" kill -0 $DPID
}

test_daemon_saves_flows_periodically() {
	check "topology" setup
	write_conf "$TMP/sg.conf" $PBX4
	printf '[daemon]\nsave-interval = 1\n' >>"$TMP/sg.conf"
	start_daemon "$TMP/sg.conf"
	flows_file "$TMP/f" 4102444800 "198.18.0.70 5060 5060 3000 3600 0x08"
	check "a flow" sg flows restore "$TMP/f"
	wait_for "a periodic save" 10 grep -q "^flow 198.18.0.70 " "$TMP/state/flows"
	check "still running" kill -0 $DPID
	printf '[daemon]\nsave-interval = soon\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:2: invalid save-interval 'soon'" "$SG" daemon --config "$TMP/bad.conf"
	printf '[daemon]\nstate-dir = var/lib\n' >"$TMP/bad.conf"
	expect_exit 1 "^Error: $TMP/bad.conf:2: invalid state-dir 'var/lib': use an absolute path" "$SG" daemon --config "$TMP/bad.conf"
}

test_daemon_systemd_notify_and_unit() {
	check "topology" setup
	NOTIFY=$TMP/notify.sock
	python3 - "$NOTIFY" "$TMP/notify.log" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
EOF
	cleanup_add "kill $! 2>/dev/null"
	wait_for "notify socket" 5 test -S "$NOTIFY"
	write_conf "$TMP/sg.conf" $PBX4
	start_daemon "$TMP/sg.conf"
	wait_for "READY=1" 5 grep -qx 'READY=1' "$TMP/notify.log"
	kill -HUP "$DPID"
	wait_for "RELOADING then READY" 5 bash -c "grep -A1 '^RELOADING=1 MONOTONIC_USEC=[0-9]*$' '$TMP/notify.log' | grep -qx READY=1"
	stop_bg "$DPID" TERM
	check "STOPPING=1" grep -qx 'STOPPING=1' "$TMP/notify.log"

	# The unit: valid for systemd, Type=notify, reload by SIGHUP, and no
	# ExecStop that would detach (the daemon leaves the filter on).
	local unit=$SG_TOP/dist/sipguard.service out
	sed -e "s#/usr/local/sbin/sipguard#$SG#" -e '/^Documentation=/d' "$unit" >"$TMP/sipguard.service"
	out=$(systemd-analyze verify "$TMP/sipguard.service" 2>&1)
	expect_eq "systemd-analyze verify" "" "$out"
	check "Type=notify" grep -qx 'Type=notify' "$unit"
	check "ExecReload sends SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
	check "no ExecStop" bash -c "! grep -q '^ExecStop' '$unit'"
	check "keeps CAP_BPF and CAP_NET_ADMIN" grep -qx 'CapabilityBoundingSet=CAP_BPF CAP_NET_ADMIN CAP_SYS_ADMIN' "$unit"
	check "pins writable" grep -qx 'ReadWritePaths=/sys/fs/bpf' "$unit"
	check "bpf(2) allowed" grep -qx 'SystemCallFilter=@system-service bpf' "$unit"
}

need_root
[ -x "$SG" ] || { say "build/sipguard missing: run make"; say "0 passed, 1 failed"; exit 1; }
for tool in prometheus promtool curl jq; do
	command -v $tool >/dev/null || { say "$tool missing: run make deps"; say "0 passed, 1 failed"; exit 1; }
done
run_tests "$@"
