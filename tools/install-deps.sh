#!/usr/bin/env bash
# Installs, from Debian's archive, what sipguard needs to build, test, demo
# and benchmark, and nothing that is already there.  Run as root.
set -euo pipefail

BUILD_PKGS="make gcc clang llvm libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev
	libinih-dev libjson-c-dev libmicrohttpd-dev pkg-config libclang-rt-14-dev"
# dnsmasq-base: the DNS server of tests/test_dns.sh (the binary alone,
# without a service that Debian would start).  xdp-tools: xdp-filter and
# xdp-loader, beside which tests/test_share.sh runs sipguard in libxdp's
# dispatcher (and the benchmark's xdp-filter).
TEST_PKGS="iproute2 util-linux procps python3 jq sip-tester kamailio nftables
	iptables ipset conntrack tcpdump prometheus dnsmasq-base xdp-tools"
# The Debian package (make deb) and its test: debhelper builds it, lintian
# checks it, the test loads its completion and checks its unit and man page.
DEB_PKGS="debhelper dpkg-dev lintian bash-completion systemd man-db"
# The SIP stacks that tests/sipdiff/ checks the classifier against: libre
# (baresip), GNU oSIP and sofia-sip (FreeSWITCH).
SIPDIFF_PKGS="libre-dev libosip2-dev libsofia-sip-ua-dev"
BENCH_PKGS="gnuplot-nox linux-perf ethtool"
# The kernel matrix (tests/vm: stock Debian kernels under qemu) and the
# real WAN links built inside it (PPPoE, WireGuard).
VM_PKGS="qemu-system-x86 busybox-static kmod cpio xz-utils zstd gzip
	pppoe ppp wireguard-tools"
# Cross builds for routers' CPUs (make ARCH=arm64|s390x: tools/cross.mk),
# their host tests under qemu-user and their emulated machines.  The
# targets' libraries come from tools/cross.sh, not from dpkg.
CROSS_PKGS="crossbuild-essential-arm64 crossbuild-essential-s390x
	crossbuild-essential-armhf qemu-user-static qemu-system-arm qemu-system-misc"

if [ "$(id -u)" != 0 ]; then
	echo "Error: installing packages needs root: run as root (or with sudo)" >&2
	exit 1
fi

missing=()
for p in $BUILD_PKGS $TEST_PKGS $DEB_PKGS $SIPDIFF_PKGS $BENCH_PKGS $VM_PKGS $CROSS_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
	echo "deps: all installed"
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts some of these as services where it can; the tests start
# their own instances on private addresses and ports.
echo "deps: done"
