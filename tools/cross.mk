# The target of a build: this machine's CPU, or a router's (make ARCH=arm64,
# make ARCH=s390x).  Included by the top Makefile after its defaults.
#
# ARCH decides the BPF objects' byte order (clang -target bpfel / bpfeb)
# and __TARGET_ARCH_*, never the machine that builds.  A cross build
# (ARCH other than this machine's) goes to build/ARCH/, compiles with
# Debian's cross compiler (crossbuild-essential-*, `make deps`) against a
# root of bookworm's packages of that architecture (tools/cross.sh), and
# makes the skeleton of a foreign-endian object from its twin
# (tools/cross-skel.sh).
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)

# ARCH: Debian's name of the CPU, as the kernel's ARCH= for x86.
#   TRIPLET  GNU triplet (Debian's cross compiler is TRIPLET-gcc)
#   BPF_TARGET  the target's byte order for clang
#   BPF_ARCH    __TARGET_ARCH_* (bpf_tracing.h's names)
#   QEMU_USER   qemu-user binary that runs its programs here
ifeq ($(ARCH),x86)
TRIPLET := x86_64-linux-gnu
BPF_TARGET := bpfel
BPF_ARCH := x86
else ifeq ($(ARCH),arm64)
TRIPLET := aarch64-linux-gnu
BPF_TARGET := bpfel
BPF_ARCH := arm64
QEMU_USER := qemu-aarch64-static
else ifeq ($(ARCH),s390x)
TRIPLET := s390x-linux-gnu
BPF_TARGET := bpfeb
BPF_ARCH := s390
QEMU_USER := qemu-s390x-static
else ifeq ($(ARCH),armhf)
TRIPLET := arm-linux-gnueabihf
BPF_TARGET := bpfel
BPF_ARCH := arm
QEMU_USER := qemu-arm-static
else
$(error ARCH=$(ARCH) is not a known target (x86, arm64, s390x, armhf))
endif

HOST_BPF_TARGET := $(if $(filter big,$(shell printf '\001\000' | od -An -tu2 | \
	awk '{ print ($$1 == 1 ? "little" : "big") }')),bpfeb,bpfel)

ifneq ($(ARCH),$(HOST_ARCH))
CROSS := 1
SG_CROSS_CACHE ?= /var/cache/sipguard-cross
SYSROOT := $(SG_CROSS_CACHE)/$(ARCH)/sysroot
ifeq ($(origin BUILD),file)
BUILD := build/$(ARCH)
endif
ifneq ($(origin CC),command line)
CC := $(TRIPLET)-gcc --sysroot=$(SYSROOT)
endif
PKG_CONFIG := PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
	PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/$(TRIPLET)/pkgconfig:$(SYSROOT)/usr/share/pkgconfig pkg-config
# the target's kernel headers (asm/byteorder.h decides the bit fields of
# struct iphdr), libbpf's headers from the target's libbpf-dev
BPF_SYSINC := --sysroot=$(SYSROOT) -I$(SYSROOT)/usr/include/$(TRIPLET)
# the host tests run under qemu-user, where ASan's shadow memory does not map
TEST_SAN := -fsanitize=undefined -fno-sanitize-recover=undefined
# made (or found ready) before anything is compiled
CROSS_ROOT := cross-sysroot
.PHONY: cross-sysroot
cross-sysroot:
	$(Q)command -v $(TRIPLET)-gcc >/dev/null || \
		{ echo "Error: $(TRIPLET)-gcc is missing: make deps installs crossbuild-essential-$(ARCH)" >&2; exit 1; }
	$(Q)tools/cross.sh sysroot $(ARCH) >/dev/null
else
BPF_SYSINC := -I/usr/include/$(MULTIARCH)
endif
