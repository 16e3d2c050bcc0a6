#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# `make deb`: builds the Debian package BUILD/sipguard_VERSION_ARCH.deb with
# debhelper, out of the source tree:
#   - the version is include/sipguard.h's SG_VERSION (what `sipguard
#     --version` prints); the manual page's .TH line must say the same;
#   - the tree (git's files, or everything but BUILD and .git outside a git
#     checkout) is copied to BUILD/deb/src, with dist/debian/ as debian/ and
#     a debian/changelog made here for that version, dated by the last
#     commit (so two builds of one commit are the same);
#   - dpkg-buildpackage builds there; the source package, .buildinfo and
#     .changes stay in BUILD/deb/ (lintian BUILD/deb/*.changes checks all),
#     the .deb is copied to BUILD/.
# Usage: tools/deb.sh [BUILD]    (V=1: dpkg-buildpackage's output as it goes)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

die() {
	echo "Error: $*" >&2
	exit 1
}

version=$(sed -n 's/^#define SG_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' include/sipguard.h)
[ -n "$version" ] || die "no '#define SG_VERSION \"X.Y.Z\"' line in include/sipguard.h"
man_version=$(sed -n 's/^\.TH SIPGUARD 8 "[^"]*" "sipguard \([^"]*\)".*/\1/p' docs/sipguard.8)
[ "$man_version" = "$version" ] ||
	die "docs/sipguard.8's .TH line says version '$man_version', include/sipguard.h's SG_VERSION is '$version': make them agree"

for t in dpkg-buildpackage dh dh_installsystemd; do
	command -v "$t" >/dev/null ||
		die "$t is missing: install debhelper and dpkg-dev ('make deps' installs what the build needs)"
done

build=${1:-build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
arch=$(dpkg --print-architecture)
out=$build/deb
src=$out/src
deb=sipguard_${version}_${arch}.deb

rm -rf "$out"
mkdir -p "$src"

# The files to package: git's (tracked, and new ones not ignored) that
# exist, or the whole tree; never BUILD itself, wherever it is.
list_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard
	else
		find . -path ./.git -prune -o \( -type f -o -type l \) -print0 | sed -z 's|^\./||'
	fi
}
while IFS= read -r -d '' f; do
	[ -e "$f" ] || [ -L "$f" ] || continue		# deleted, not committed yet
	case "$top/$f" in
	"$build"/*) continue ;;
	esac
	printf '%s\0' "$f"
done < <(list_files) | tar --null -T - -cf - | tar -xf - -C "$src"
cp -a dist/debian "$src/debian"

# The changelog: one entry, for SG_VERSION, by the Maintainer of control.
maint=$(sed -n 's/^Maintainer: //p' dist/debian/control)
if when=$(git log -1 --format=%cD 2>/dev/null) && [ -n "$when" ]; then
	what="commit $(git rev-parse --short=12 HEAD)"
	[ -z "$(git status --porcelain 2>/dev/null)" ] || what="$what and changes not committed yet"
else
	when=$(date -R)
	what="a source tree outside git"
fi
cat > "$src/debian/changelog" <<EOF
sipguard ($version) unstable; urgency=medium

  * sipguard $version, packaged by 'make deb'
    from $what.

 -- $maint  $when
EOF

# dpkg-buildpackage runs make in the copy: nothing of this make's
# command line (MAKEFLAGS carries BUILD=..., and the copy's `make clean`
# would remove that directory) nor of the caller's BUILD, PREFIX or
# DESTDIR reaches it.
unset MAKEFLAGS MFLAGS MAKELEVEL BUILD PREFIX DESTDIR

log=$out/build.log
[ "${V:-}" = 1 ] || printf '  %-8s %s\n' DEB "${build#"$top"/}/$deb"
if [ "${V:-}" = 1 ]; then
	(cd "$src" && dpkg-buildpackage --no-sign -jauto) 2>&1 | tee "$log" && rc=0 || rc=$?
else
	(cd "$src" && dpkg-buildpackage --no-sign -jauto) >"$log" 2>&1 && rc=0 || rc=$?
fi
if [ "$rc" != 0 ]; then
	[ "${V:-}" = 1 ] || tail -25 "$log" >&2
	die "dpkg-buildpackage failed (exit $rc); its whole output: $log"
fi
[ -f "$out/$deb" ] || die "dpkg-buildpackage made no $out/$deb; its output: $log"
cp "$out/$deb" "$build/$deb"
