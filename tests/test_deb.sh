#!/usr/bin/env bash
# The Debian package (make deb, tools/deb.sh, dist/debian/): built once
# for the suite into a directory of its own, then checked with lintian,
# installed with dpkg, used, removed and purged.
#
# The tests that install refuse (skip) to run where they could clobber
# something that is not theirs: an installed sipguard package, a
# configuration in /etc/sipguard, state in /var/lib/sipguard or a filter
# pinned at the default pin path.  A sipguard of make install's under
# /usr/local is left as it was (checked).  Each installing test purges the
# package when it ends, pass or fail.
. "$(dirname "$0")/lib.sh"

PKG_PIN=/sys/fs/bpf/sipguard		# the default pin path: the package's prerm uses it
VERSION=$(sed -n 's/^#define SG_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' "$SG_TOP/include/sipguard.h")
ARCH=$(dpkg --print-architecture)
DEB_NAME=sipguard_${VERSION}_${ARCH}.deb
UNIT=/lib/systemd/system/sipguard.service
COMPLETION=/usr/share/bash-completion/completions/sipguard

# The package's files, as dpkg-deb lists them ("./usr/sbin/sipguard" ->
# "/usr/sbin/sipguard").
deb_files() { dpkg-deb -c "$DEB" | awk '{ print substr($6, 2) }' | grep -v '^/$'; }

# Every test starts with this: its own scratch directory, and the package.
need_deb() {
	TMPD=$DEB_DIR/${FUNCNAME[1]}
	mkdir -p "$TMPD"
	[ -f "$DEB" ] || { fail "make deb failed: $(tail -5 "$DEB_LOG")"; exit 1; }
}

# refute DESCRIPTION COMMAND...: fail the test if COMMAND succeeds.
refute() {
	local what=$1; shift
	if "$@"; then
		fail "$what"
		exit 1
	fi
}

pkg_status() { dpkg-query -W -f='${Status}' sipguard 2>/dev/null; }

# What make install may have put under /usr/local, with checksums.
usr_local_sums() {
	find /usr/local -path '*sipguard*' -type f -print0 2>/dev/null | sort -z | xargs -0r sha256sum
}

# Install the package for this test; purged when the test ends.  Skips
# where that would touch what is not the test's.
install_pkg() {
	# One installing test at a time on this machine (another checkout's
	# run of this suite): the lock is held until the test's cleanups end.
	exec 9>/var/tmp/sipguard-test-deb.lock
	flock 9
	[ -z "$(pkg_status)" ] || [ "$(pkg_status)" = "unknown ok not-installed" ] ||
		skip "a sipguard package is on this machine ($(pkg_status)): not replacing it"
	local p
	for p in /etc/sipguard /var/lib/sipguard "$PKG_PIN"; do
		[ ! -e "$p" ] || skip "$p exists (a sipguard in use here): not installing over it"
	done
	usr_local_sums >"$TMPD/usr-local.before"
	# The package's paths that exist before it is installed (/usr, /etc...).
	deb_files >"$TMPD/files"
	while read -r p; do [ ! -e "$p" ] || echo "$p"; done <"$TMPD/files" >"$TMPD/existed"
	# After the purge (cleanups run last first): what the test made there.
	cleanup_add "rm -rf /etc/sipguard /var/lib/sipguard $PKG_PIN"
	cleanup_add "dpkg --purge sipguard"
	dpkg -i "$DEB" >"$TMPD/dpkg-i.log" 2>&1 ||
		{ cat "$TMPD/dpkg-i.log"; fail "dpkg -i $DEB_NAME"; exit 1; }
	expect_eq "package status after dpkg -i" "install ok installed" "$(pkg_status)"
}

# make install's files under /usr/local are as they were before the test.
usr_local_untouched() {
	usr_local_sums >"$TMPD/usr-local.after"
	check "/usr/local unchanged by the package" cmp -s "$TMPD/usr-local.before" "$TMPD/usr-local.after"
}

# comp LINE: the completions bash offers for LINE (the cursor at its end),
# one a line, with the package's completion loaded the way bash-completion
# loads it (from /usr/share only, so that a make install copy under
# /usr/local is not what is tested).
COMP_SH='
set -u
XDG_DATA_DIRS=/usr/share BASH_COMPLETION_USER_DIR=/nonexistent
. /usr/share/bash-completion/bash_completion
__load_completion sipguard || { echo "no completion for sipguard" >&2; exit 1; }
shopt -s extdebug
declare -F _sipguard | awk "{ print \"from \" \$3 }"
shopt -u extdebug
comp() {
	COMP_LINE=$1 COMP_POINT=${#1}
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_sipguard
	printf "%s\n" "== $1" "${COMPREPLY[@]}"
}
while IFS= read -r line; do comp "$line"; done
'
# completions FILE: answers the lines of FILE, each "== LINE" then its
# completions, into FILE.out.
completions() {
	bash --norc --noprofile -c "$COMP_SH" <"$1" >"$1.out" 2>"$1.err" ||
		{ fail "completion: $(cat "$1.err")"; exit 1; }
}
# offered LINE WORD...: each WORD is among the completions of LINE.
offered() {
	local line=$1 w got; shift
	got=$(awk -v l="== $line" '$0 == l { on = 1; next } /^== / { on = 0 } on' "$COMP_IN.out")
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" ||
			{ fail "'$line<TAB>' does not offer '$w' (offers: $(echo $got))"; exit 1; }
		echo "$line$w" >>"$COMP_IN.checked"
	done
}

test_build_names_the_version_of_sipguard() {
	need_deb
	expect_eq "package version" "$VERSION" "$(dpkg-deb -f "$DEB" Version)"
	expect_eq "package architecture" "$ARCH" "$(dpkg-deb -f "$DEB" Architecture)"
	dpkg-deb -x "$DEB" "$TMPD/x"
	check "the packaged binary runs" "$TMPD/x/usr/sbin/sipguard" --version >"$TMPD/v"
	expect_eq "sipguard --version of the packaged binary" "sipguard $VERSION" "$(cut -d' ' -f1,2 "$TMPD/v")"
	check "changelog of $VERSION" grep -q "^sipguard ($VERSION) " \
		<(zcat "$TMPD/x/usr/share/doc/sipguard/changelog.gz")
	# Nothing of the build left in the source tree.
	check "source tree unchanged by make deb" \
		diff <(cd "$SG_TOP" && git status --porcelain 2>/dev/null) "$DEB_DIR/status.before"
}

# Depends names the package of every library the binary links.
test_depends_cover_the_linked_libraries() {
	need_deb
	local deps so pkg n=0
	deps=$(dpkg-deb -f "$DEB" Depends)
	dpkg-deb -x "$DEB" "$TMPD/x"
	for so in $(readelf -d "$TMPD/x/usr/sbin/sipguard" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		pkg=$(dpkg -S "*/$so" 2>/dev/null | awk -F': ' -v so="$so" \
			'{ n = split($2, p, "/"); if (p[n] == so) { sub(/:.*/, "", $1); print $1; exit } }')
		[ -n "$pkg" ] || { fail "no package holds $so"; exit 1; }
		[[ ", $deps," == *", $pkg "* || ", $deps," == *", $pkg,"* ]] ||
			{ fail "Depends ($deps) lacks $pkg, which holds $so"; exit 1; }
		n=$((n + 1))
	done
	expect_ge "linked libraries checked" 5 "$n"
}

test_lintian_reports_no_error_or_warning() {
	need_deb
	command -v lintian >/dev/null || { fail "lintian is missing: make deps"; exit 1; }
	lintian --display-level '>=pedantic' "$DEB_DIR"/deb/*.changes >"$TMPD/lintian" 2>&1
	cat "$TMPD/lintian"
	refute "lintian: an E: or W: line" grep -q '^[EW]: ' "$TMPD/lintian"
	# The overrides are used (an unused one is reported, and stale).
	refute "lintian: an unused override" grep -q 'unused-override' "$TMPD/lintian"
}

test_install_puts_everything_in_place() {
	need_deb
	install_pkg
	local f
	expect_eq "sipguard --version" "sipguard $VERSION" "$(sipguard --version | cut -d' ' -f1,2)"
	expect_eq "sipguard found on PATH" /usr/sbin/sipguard "$(PATH=/usr/sbin:/usr/bin command -v sipguard)"
	check "man -w sipguard finds the package's page" grep -qx /usr/share/man/man8/sipguard.8.gz \
		<(man -aw sipguard)
	# The unit: its ExecStart binary is the package's, and systemd takes it.
	f=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
	expect_eq "the unit's ExecStart binary" /usr/sbin/sipguard "$f"
	check "ExecStart binary is executable" test -x "$f"
	check "the unit passes systemd-analyze verify" systemd-analyze verify "$UNIT"
	refute "the unit is enabled" compgen -G "/etc/systemd/system/*.wants/sipguard.service"
	refute "postinst starts the unit" grep -q 'deb-systemd-invoke start' /var/lib/dpkg/info/sipguard.postinst
	refute "a daemon of the package runs" \
		bash -c 'for e in /proc/[0-9]*/exe; do [ "$(readlink "$e")" = /usr/sbin/sipguard ] && exit 0; done; exit 1'
	# The conffile.
	check "/etc/sipguard/sipguard.conf is the example" cmp "$SG_TOP/examples/sipguard.conf" /etc/sipguard/sipguard.conf
	check "/etc/sipguard/sipguard.conf is a conffile" grep -q '^ /etc/sipguard/sipguard.conf [0-9a-f]*$' \
		<(dpkg-query -W -f='${Conffiles}\n' sipguard)
	# The monitoring files.
	for f in sipguard-dashboard.json sipguard-alerts.yml; do
		check "/usr/share/sipguard/$f" cmp "$SG_TOP/monitoring/$f" "/usr/share/sipguard/$f"
	done
	check "the dashboard is JSON" jq -e .panels /usr/share/sipguard/sipguard-dashboard.json >/dev/null
	check "completion installed" test -f "$COMPLETION"
	usr_local_untouched
}

# The completion as bash-completion loads it: a few hand-picked lines, then
# every verb, sub-verb, setting, option and fixed value that `sipguard
# help` shows, so that one added to the CLI and not to the completion fails.
test_completion_completes_every_verb_and_option() {
	need_deb
	install_pkg
	local help line verb rest piece w0 w1 opt sub
	COMP_IN=$TMPD/comp.in
	help=$(sipguard help)
	{
		printf '%s\n' "sipguard " "sipguard de" "sipguard --json al" "sipguard al l" \
			"sipguard set monitor " "sipguard set ban-time 60 unknown-invite " \
			"sipguard attach --mode " "sipguard flows s" "sipguard --pin-path /tmp st" \
			"sipguard --"
		awk '/^Commands/ { c = 1; next } c && /^  [a-z]/ { $1 = $1; print }' <<<"$help" |
		while read -r verb rest; do
			printf 'sipguard %s \nsipguard %s --\n' "$verb" "$verb"
			while IFS= read -r piece; do
				read -r w0 w1 _ <<<"$piece"
				[[ $w0 =~ ^[a-z][a-z|-]*$ ]] || continue
				printf 'sipguard %s %s --\n' "$verb" "${w0%%|*}"
				[[ $w1 =~ ^[a-z]+(\|[a-z]+)+$ ]] && printf 'sipguard %s %s \n' "$verb" "${w0%%|*}"
			done < <(sed 's/ | /\n/g' <<<"$rest")
			for opt in $(grep -o -- '--[a-z-]* [a-z]*|[a-z|]*' <<<"$rest" | tr ' ' '='); do
				printf 'sipguard %s %s \n' "$verb" "${opt%%=*}"
			done
		done
	} >"$COMP_IN"
	completions "$COMP_IN"
	check "the completion is the package's" grep -qx "from $COMPLETION" "$COMP_IN.out"

	offered "sipguard " attach detach status allow flows set deny ua users bans stats events \
		exporter daemon help
	offered "sipguard de" detach deny
	offered "sipguard --json al" allow
	offered "sipguard al l" list
	offered "sipguard set monitor " on off
	offered "sipguard set ban-time 60 unknown-invite " drop inspect
	offered "sipguard attach --mode " native generic
	offered "sipguard flows s" save
	offered "sipguard --pin-path /tmp st" status stats

	# Derived from `sipguard help`: the global options ...
	offered "sipguard --" $(awk '/^Options/ { o = 1; next } /^$/ { o = 0 } o' <<<"$help" |
		grep -o -- '--[a-z-]*')
	# ... each verb, what comes first after it (sub-verbs, settings), the
	# fixed values that follow those, and the options and their values.
	awk '/^Commands/ { c = 1; next } c && /^  [a-z]/ { $1 = $1; print }' <<<"$help" |
	while read -r verb rest; do
		offered "sipguard " "$verb"
		while IFS= read -r piece; do
			read -r w0 w1 _ <<<"$piece"
			[[ $w0 =~ ^[a-z][a-z|-]*$ ]] || continue
			sub=${w0%%|*}
			offered "sipguard $verb " ${w0//|/ }
			offered "sipguard $verb $sub --" $(grep -o -- '--[a-z-]*' <<<"$piece")
			[[ $w1 =~ ^[a-z]+(\|[a-z]+)+$ ]] && offered "sipguard $verb $sub " ${w1//|/ }
		done < <(sed 's/ | /\n/g' <<<"$rest")
		# Options of a form that starts with no sub-verb (attach IFACE
		# [--mode ...], stats --prometheus).
		if ! [[ $rest =~ ^[a-z][a-z|-]*( |$) ]]; then
			offered "sipguard $verb --" $(grep -o -- '--[a-z-]*' <<<"$rest")
		fi
		for opt in $(grep -o -- '--[a-z-]* [a-z]*|[a-z|]*' <<<"$rest" | tr ' ' '='); do
			w1=${opt#*=}
			offered "sipguard $verb ${opt%%=*} " ${w1//|/ }
		done
	done || exit 1
	# What `sipguard help` shows today is some 90 words in all.
	expect_ge "completions checked" 80 "$(sort -u "$COMP_IN.checked" | wc -l)"
}

# Remove: the daemon's filter comes off the interfaces, the edited conffile
# stays; purge: nothing of the package is left.
test_remove_keeps_the_conffile_purge_leaves_nothing() {
	need_deb
	install_pkg
	local a=dbAd$$ f left
	# A filter attached through the default pin path, as an admin would.
	cleanup_add "$SG --pin-path $PKG_PIN detach $a"
	cleanup_add "ip link del $a"
	check "veth pair" ip link add "$a" type veth peer name "${a}p"
	ip link set "$a" up && ip link set "${a}p" up
	check "sipguard attach (the package's)" sipguard --pin-path "$PKG_PIN" attach "$a" --mode generic >/dev/null
	check "attached: pins" test -d "$PKG_PIN/if_$a"
	echo "; edited by the admin" >>/etc/sipguard/sipguard.conf
	mkdir -p /var/lib/sipguard && : >/var/lib/sipguard/flows

	check "dpkg -r" dpkg -r sipguard >"$TMPD/dpkg-r.log" 2>&1 || { cat "$TMPD/dpkg-r.log"; exit 1; }
	cat "$TMPD/dpkg-r.log"
	expect_eq "status after remove" "deinstall ok config-files" "$(pkg_status)"
	check "binary gone" test ! -e /usr/sbin/sipguard
	check "the filter was detached at removal" test ! -e "$PKG_PIN"
	refute "an XDP program is left on $a" grep -q xdp <(ip -d link show "$a")
	refute "a TC filter is left on $a" grep -q bpf <(tc filter show dev "$a" egress)
	check "the edited conffile stays" grep -q '^; edited by the admin$' /etc/sipguard/sipguard.conf

	check "dpkg -P" dpkg -P sipguard >/dev/null 2>&1
	expect_eq "status after purge" "" "$(pkg_status | grep -v not-installed)"
	# Every path of the package that did not exist before it was
	# installed is gone, and so are its state, its pins and dpkg's records.
	left=$({ cat "$TMPD/files"; echo /etc/sipguard; echo /var/lib/sipguard; echo "$PKG_PIN"; } |
		while read -r f; do
			[ -e "$f" ] && ! grep -qxF "$f" "$TMPD/existed" && echo "$f"
		done
		ls -d /var/lib/dpkg/info/sipguard.* 2>/dev/null)
	expect_eq "left after purge" "" "$left"
	usr_local_untouched
}

# make install (what the package is built from, with PREFIX=/usr) installs
# the completion and the monitoring files too, and uninstall takes all back.
test_make_install_and_uninstall_into_destdir() {
	need_deb
	local d=$TMPD/root f
	check "make install" make -s -C "$SG_TOP" install DESTDIR="$d" PREFIX=/usr/local >/dev/null
	for f in sbin/sipguard share/man/man8/sipguard.8 share/doc/sipguard/examples/sipguard.conf \
		share/bash-completion/completions/sipguard share/sipguard/sipguard-dashboard.json \
		share/sipguard/sipguard-alerts.yml; do
		check "make install: /usr/local/$f" test -f "$d/usr/local/$f"
	done
	check "make uninstall" make -s -C "$SG_TOP" uninstall DESTDIR="$d" PREFIX=/usr/local >/dev/null
	expect_eq "files left after make uninstall" "" "$(find "$d" -type f)"
}

need_root
[ -x "$SG" ] || { say "build/sipguard missing: run make"; say "0 passed, 1 failed"; exit 1; }
# One build for the suite, outside the source tree.
DEB_DIR=$(mktemp -d /tmp/sgdeb.XXXXXX)
trap '[ -n "${SG_KEEP:-}" ] || rm -rf "$DEB_DIR"' EXIT
DEB=$DEB_DIR/$DEB_NAME
DEB_LOG=$DEB_DIR/make-deb.log
(cd "$SG_TOP" && git status --porcelain 2>/dev/null) >"$DEB_DIR/status.before"
t0=$(_now_ms)
make -s -C "$SG_TOP" deb BUILD="$DEB_DIR" >"$DEB_LOG" 2>&1 || { say "make deb failed:"; tail -20 "$DEB_LOG"; }
say "  make deb $(_took "$t0")"
run_tests "$@"
