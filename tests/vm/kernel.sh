#!/usr/bin/env bash
# tests/vm/kernel.sh NAME: make a stock Debian kernel ready to boot, and print
# its directory.  NAME is one of the matrix's kernels:
#
#   6.1    Debian 12's own series (bookworm), newest ABI in the archive
#   6.12   Debian 13's series, as bookworm-backports ships it
#   6.1-arm64, 6.12-arm64, 6.1-s390x, 6.12-s390x
#          the same series for arm64 and for s390x (big-endian), booted
#          under qemu-system-aarch64 / qemu-system-s390x (tests/vm/cross.sh)
#
# The generic flavour's "-unsigned" package (s390x has no signed one) is
# downloaded with apt-get from a private apt state (the system's sources are
# left alone; one per architecture), unpacked with dpkg-deb and indexed with
# depmod; nothing is installed.  The directory
# ($SG_VM_CACHE/NAME, default /var/cache/sipguard-vm) holds vmlinuz, the
# module tree under lib/modules/VERSION, and an initramfs (tests/vm/initramfs.sh).
# A kernel already there is reused; SG_VM_REFRESH=1 looks for a newer one.
set -euo pipefail

name=${1:?usage: tests/vm/kernel.sh 6.1|6.12}
cache=${SG_VM_CACHE:-/var/cache/sipguard-vm}
here=$(cd "$(dirname "$0")" && pwd)

arch=amd64
case "$name" in
6.1)  pattern='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
6.1-arm64)  arch=arm64; pattern='^linux-image-6\.1\.0-[0-9]+-arm64-unsigned$' ;;
6.12-arm64) arch=arm64; pattern='^linux-image-6\.12\.[0-9]+\+deb12-arm64-unsigned$' ;;
6.1-s390x)  arch=s390x; pattern='^linux-image-6\.1\.0-[0-9]+-s390x$' ;;
6.12-s390x) arch=s390x; pattern='^linux-image-6\.12\.[0-9]+\+deb12-s390x$' ;;
*)    echo "tests/vm/kernel.sh: unknown kernel '$name' (known: 6.1, 6.12, 6.1-arm64," \
	"6.12-arm64, 6.1-s390x, 6.12-s390x)" >&2; exit 2 ;;
esac

die() { echo "tests/vm/kernel.sh: $*" >&2; exit 1; }

dir=$cache/$name
# The initramfs holds tests/vm/init: made anew whenever it or its maker changed.
sum=$(cat "$here/init" "$here/initramfs.sh" | sha256sum | cut -d' ' -f1)
if [ -s "$dir/vmlinuz" ] && [ -s "$dir/initramfs.cpio.gz" ] && [ -z "${SG_VM_REFRESH:-}" ]; then
	if [ "$(cat "$dir/initramfs.sum" 2>/dev/null)" != "$sum" ]; then
		"$here/initramfs.sh" "$dir" "$(cat "$dir/version")" "$arch" || exit 1
		echo "$sum" > "$dir/initramfs.sum"
	fi
	echo "$dir"
	exit 0
fi
# amd64 keeps the state it always had; another architecture has its own
apt=$cache/apt
[ "$arch" = amd64 ] || apt=$cache/apt-$arch
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$cache/debs"

# A private apt state with the suites the matrix comes from.
cat > "$apt/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
apt_opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt"
	-o Dir::State::status=/dev/null -o APT::Sandbox::User=root
	-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch")
apt-get "${apt_opts[@]}" update -qq >/dev/null || die "apt-get update failed (is Debian's archive reachable?)"
pkg=$(apt-cache "${apt_opts[@]}" pkgnames linux-image- | grep -E "$pattern" | sort -V | tail -1)
[ -n "$pkg" ] || die "no package matches $pattern in bookworm/bookworm-backports"

deb=$(ls "$cache/debs/${pkg}"_*.deb 2>/dev/null | tail -1 || true)
if [ -z "$deb" ]; then
	(cd "$cache/debs" && apt-get "${apt_opts[@]}" download -qq "$pkg" >/dev/null) ||
		die "cannot download $pkg"
	deb=$(ls "$cache/debs/${pkg}"_*.deb | tail -1)
fi

tmp=$dir.tmp
rm -rf "$tmp"
mkdir -p "$tmp/x"
dpkg-deb -x "$deb" "$tmp/x"
kver=$(ls "$tmp/x/lib/modules")
mkdir -p "$tmp/lib/modules"
mv "$tmp/x/lib/modules/$kver" "$tmp/lib/modules/$kver"
mv "$tmp/x/boot/vmlinuz-$kver" "$tmp/vmlinuz"
cp "$tmp/x/boot/config-$kver" "$tmp/config"
rm -rf "$tmp/x"
depmod -b "$tmp" "$kver"
echo "$kver" > "$tmp/version"
echo "$pkg" > "$tmp/package"
echo "$arch" > "$tmp/arch"
"$here/initramfs.sh" "$tmp" "$kver" "$arch"
echo "$sum" > "$tmp/initramfs.sum"
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$dir"
