#!/usr/bin/env bash
# tools/cross.sh sysroot ARCH: make the target system root that a cross
# build (make ARCH=arm64, make ARCH=s390x) compiles and links against, and
# that the emulated machines (tests/vm/, the same ARCH) run from; print its
# directory.
#
# The root holds Debian bookworm's packages of that architecture: the C
# library, libbpf, libelf, zlib, inih, json-c, libmicrohttpd with their
# headers and every library they need, busybox (static), and the runtime
# of the sanitizer the cross-built host tests use; kmod (whose modprobe
# reads the kernel's compressed modules) and nftables for the emulated
# machines.  apt-get resolves and
# downloads them from a private apt state (the system's sources and dpkg's
# database are left alone, no foreign architecture is added to dpkg);
# dpkg-deb unpacks them.  Why not multiarch (dpkg --add-architecture and
# libbpf-dev:ARCH): bookworm's security archive carries no s390x, so the
# "Multi-Arch: same" packages that it updated (zlib1g-dev, linux-libc-dev...)
# cannot be installed for s390x at the version the host has; and a private
# root never changes what the host's own build links against.
#
# The root is cached in $SG_CROSS_CACHE/ARCH (default
# /var/cache/sipguard-cross) and made again when the package list below
# changes, or with SG_CROSS_REFRESH=1.
set -euo pipefail

die() { echo "tools/cross.sh: $*" >&2; exit 1; }

cmd=${1:-}
arch=${2:-}
[ "$cmd" = sysroot ] && [ -n "$arch" ] || die "usage: tools/cross.sh sysroot ARCH"

# Debian's name of the architecture, and its GNU triplet.
case "$arch" in
arm64) deb=arm64; triplet=aarch64-linux-gnu ;;
s390x) deb=s390x; triplet=s390x-linux-gnu ;;
armhf) deb=armhf; triplet=arm-linux-gnueabihf ;;
*) die "unknown ARCH '$arch' (known: arm64, s390x, armhf)" ;;
esac

PKGS="libc6-dev libbpf-dev libxdp-dev libelf-dev zlib1g-dev libinih-dev libjson-c-dev
	libmicrohttpd-dev busybox-static libubsan1 kmod nftables"

cache=${SG_CROSS_CACHE:-/var/cache/sipguard-cross}/$arch
root=$cache/sysroot
sum=$(echo "$deb $PKGS" | sha256sum | cut -d' ' -f1)
mkdir -p "$cache" 2>/dev/null || die "cannot make $cache (run as root, or set SG_CROSS_CACHE)"

exec 9> "$cache/lock"
flock 9
if [ -z "${SG_CROSS_REFRESH:-}" ] && [ "$(cat "$root/.sg-sum" 2>/dev/null)" = "$sum" ]; then
	echo "$root"
	exit 0
fi

apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial"
cat > "$apt/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt"
	-o Dir::State::status=/dev/null -o APT::Sandbox::User=root
	-o "APT::Architecture=$deb" -o "APT::Architectures::=$deb"
	-o APT::Install-Recommends=0 -o Debug::NoLocking=1)
echo "tools/cross.sh: fetching bookworm's $deb packages for $root" >&2
apt-get "${opts[@]}" update -qq >/dev/null ||
	die "apt-get update failed (is Debian's archive reachable?)"
rm -f "$apt"/archives/*.deb
# shellcheck disable=SC2086
apt-get "${opts[@]}" install -qq -y --download-only $PKGS >/dev/null ||
	die "cannot download $PKGS for $deb"

tmp=$root.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
for d in "$apt"/archives/*_"$deb".deb "$apt"/archives/*_all.deb; do
	[ -e "$d" ] || continue
	dpkg-deb -x "$d" "$tmp"
done
# Absolute links (libz.so -> /lib/...) point into the host: make them
# relative, inside the root.
find "$tmp" -type l -lname '/*' | while read -r l; do
	t=$(readlink "$l")
	ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$tmp$t")" "$l"
done
[ -e "$tmp/usr/include/bpf/libbpf.h" ] && [ -x "$tmp/bin/busybox" ] ||
	die "the $deb packages did not give libbpf's headers and busybox"
echo "$sum" > "$tmp/.sg-sum"
echo "$triplet" > "$tmp/.sg-triplet"
rm -rf "$root"
mv "$tmp" "$root"
echo "$root"
