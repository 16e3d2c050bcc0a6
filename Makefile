# sipguard build: `make` builds build/sipguard, `make check` runs every test,
# `make demo` shows the main job, `make bench` measures.  V=1 for full commands.
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)

BUILD     ?= build
PREFIX    ?= /usr/local
CLANG     ?= clang
CC        ?= gcc
BPFTOOL   ?= bpftool
LLVM_STRIP ?= $(shell command -v llvm-strip-14 || command -v llvm-strip || echo true)
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
PKG_CONFIG ?= pkg-config
# The CPU the build is for (tools/cross.mk): this machine's unless ARCH=
# names another (arm64, s390x, armhf), whose build goes to build/ARCH/.
HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ARCH      ?= $(HOST_ARCH)
include tools/cross.mk
.DEFAULT_GOAL := all
# NO_L7=1: a sipguard without the layer-7 program, whose XDP program then
# makes no tail call, for kernels that cannot run a tail call in a program
# with BPF-to-BPF calls: those without a BPF JIT (Debian's s390x), and
# those whose JIT cannot mix the two (attach names either).  Built apart,
# in BUILD/nol7 (build/nol7/, build/s390x/nol7/).
ifneq ($(NO_L7),)
ifeq ($(origin BUILD),file)
BUILD := $(BUILD)/nol7
endif
endif

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

PKGS      := libbpf libxdp inih json-c libmicrohttpd
# Recursive (=): evaluated when a recipe runs, so `make deps all` works on a
# machine where `deps` is what installs pkg-config and the libraries.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS  = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lelf -lz
# sipguard also links libresolv (the C library's; dns.c reads DNS answers
# with it) and starts a thread in the daemon (the C library's too).

CFLAGS    ?= -O2 -g
CFLAGS    += -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	     -D_GNU_SOURCE -Iinclude -Ibpf -Ilib -I$(BUILD) $(PKG_CFLAGS) \
	     $(if $(NO_L7),-DSG_NO_L7)
# The byte order is the target's (bpfel or bpfeb), never this machine's.
BPF_FLAGS := -O2 -g -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror -Iinclude -Ibpf $(BPF_SYSINC) \
	      $(if $(NO_L7),-DSG_NO_L7)
BPF_CFLAGS := -target $(BPF_TARGET) $(BPF_FLAGS)

BPF_SRCS  := bpf/sipguard.bpf.c bpf/sipguard_ct.bpf.c bpf/sipguard_ext.bpf.c bpf/sipguard_ct_ext.bpf.c
BPF_HDRS  := $(wildcard bpf/*.h) include/sipguard.h
# lib/: host code that the sipguard program, the tests and the bench
# share (the User-Agent set, the tail-call slots), with its own headers.
LIB_SRCS  := $(wildcard lib/*.c)
LIB_HDRS  := $(wildcard lib/*.h)
LOADER_SRCS := $(wildcard loader/*.c) $(LIB_SRCS)
LOADER_HDRS := $(wildcard loader/*.h) $(LIB_HDRS)
SKEL      := $(BUILD)/sipguard.skel.h $(BUILD)/sipguard_ct.skel.h \
	     $(BUILD)/sipguard_ext.skel.h $(BUILD)/sipguard_ct_ext.skel.h

.SECONDARY:
.PHONY: all clean check test demo bench install uninstall deps vmcheck deb
all: $(BUILD)/sipguard

# Install what is missing from Debian's archive (root).
deps:
	$(Q)tools/install-deps.sh

$(BUILD): | $(CROSS_ROOT)
	$(Q)mkdir -p $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

# The variants are the same source built with SG_CONNTRACK (--conntrack),
# SG_EXTENSION (in libxdp's dispatcher), or both.
$(BUILD)/sipguard_ct.bpf.o $(BUILD)/sipguard_ext.bpf.o $(BUILD)/sipguard_ct_ext.bpf.o: bpf/sipguard.bpf.c
$(BUILD)/sipguard_ct_ext.bpf.o: bpf/sipguard_ext.bpf.c

# libbpf's note that it leaves libxdp's run config (.xdp_run_config) alone
# is no news.
ifeq ($(BPF_TARGET),$(HOST_BPF_TARGET))
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@.tmp 2> $@.log; \
	st=$$?; grep -v 'skipping unrecognized data section(.*) .xdp_run_config' $@.log >&2; \
	rm -f $@.log; [ $$st = 0 ] && mv $@.tmp $@
else
# bpftool cannot open an object of the other byte order: the skeleton is
# made from a twin of this machine's order (tools/cross-skel.sh).
$(BUILD)/%.twin.o: bpf/%.bpf.c $(BPF_HDRS) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -target $(HOST_BPF_TARGET) $(BPF_FLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(BUILD)/sipguard_ct.twin.o $(BUILD)/sipguard_ext.twin.o $(BUILD)/sipguard_ct_ext.twin.o: bpf/sipguard.bpf.c
$(BUILD)/sipguard_ct_ext.twin.o: bpf/sipguard_ext.bpf.c

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o $(BUILD)/%.twin.o tools/cross-skel.sh
	$(call msg,SKEL,$@)
	$(Q)tools/cross-skel.sh $(BPFTOOL) $(BUILD)/$*.twin.o $< $*_bpf > $@.tmp && mv $@.tmp $@
endif

$(BUILD)/sipguard: $(LOADER_SRCS) $(LOADER_HDRS) $(SKEL) include/sipguard.h | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(LOADER_SRCS) -o $@ $(PKG_LIBS) -lresolv

include tests/tests.mk

# The main job, told step by step: scanner INVITEs dropped, real calls ring.
demo: $(BUILD)/sipguard
	$(Q)tools/demo.sh

-include tools/bench.mk

# The Debian package (debian/rules) is this with PREFIX=/usr, plus the
# conffile and the systemd unit.
install: $(BUILD)/sipguard
	install -D -m 0755 $(BUILD)/sipguard $(DESTDIR)$(PREFIX)/sbin/sipguard
	install -D -m 0644 docs/sipguard.8 $(DESTDIR)$(PREFIX)/share/man/man8/sipguard.8
	install -D -m 0644 examples/sipguard.conf $(DESTDIR)$(PREFIX)/share/doc/sipguard/examples/sipguard.conf
	install -D -m 0644 dist/sipguard.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/sipguard
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/sipguard \
		monitoring/sipguard-dashboard.json monitoring/sipguard-alerts.yml

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/sipguard $(DESTDIR)$(PREFIX)/share/man/man8/sipguard.8
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sipguard
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/sipguard $(DESTDIR)$(PREFIX)/share/sipguard

# The Debian package $(BUILD)/sipguard_VERSION_ARCH.deb, built with
# debhelper in a copy of the tree under $(BUILD)/deb/ (tools/deb.sh).
deb:
	$(Q)tools/deb.sh $(BUILD)

clean:
	rm -rf $(BUILD)
