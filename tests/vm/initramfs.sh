#!/usr/bin/env bash
# tests/vm/initramfs.sh DIR VERSION [ARCH]: build DIR/initramfs.cpio.gz for
# the kernel whose modules are in DIR/lib/modules/VERSION.
#
# It holds busybox (static), the modules needed to reach this machine's root
# over virtio-9p and put an overlay on it (uncompressed, in load order, so
# busybox's insmod can load them), and tests/vm/init as /init.  For an ARCH
# other than amd64 (arm64, s390x: tests/vm/cross.sh) the busybox is that
# architecture's, from the cross build's root (tools/cross.sh), and the
# modules of the veth test (veth, and clsact and cls_bpf for the learner)
# come too: that machine's root is the cross build's root, whose busybox
# modprobe is no match for the kernel's compressed modules.
set -euo pipefail

usage="usage: initramfs.sh DIR VERSION [ARCH]"
dir=${1:?$usage}
kver=${2:?$usage}
arch=${3:-amd64}
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
extra=
if [ "$arch" != amd64 ]; then
	busybox=$("$here/../../tools/cross.sh" sysroot "$arch")/bin/busybox
	extra="veth sch_ingress cls_bpf"
fi
[ -x "$busybox" ] ||
	{ echo "initramfs.sh: $busybox (busybox-static) is missing" >&2; exit 1; }
! readelf -lW "$busybox" | grep -q 'program interpreter' ||
	{ echo "initramfs.sh: $busybox is not static: install busybox-static" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,newroot,host,upper,modules}
cp "$busybox" "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 0755 "$root/init"

# Modules in load order, each once.  A module built into this kernel shows
# as "builtin" and needs nothing.
: > "$root/modules/order"
for m in virtio_pci virtio_console 9pnet_virtio 9p overlay $extra; do
	modprobe -d "$dir" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	base=$(basename "$ko")
	case "$base" in
	*.ko.xz)  xz -dc "$ko" > "$root/modules/${base%.xz}"; base=${base%.xz} ;;
	*.ko.zst) zstd -qdc "$ko" > "$root/modules/${base%.zst}"; base=${base%.zst} ;;
	*.ko.gz)  gzip -dc "$ko" > "$root/modules/${base%.gz}"; base=${base%.gz} ;;
	*)        cp "$ko" "$root/modules/$base" ;;
	esac
	echo "$base" >> "$root/modules/order"
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$dir/initramfs.cpio.gz"
