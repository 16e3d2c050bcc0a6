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
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

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
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS  = $(shell pkg-config --libs $(PKGS)) -lelf -lz

CFLAGS    ?= -O2 -g
CFLAGS    += -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	     -D_GNU_SOURCE -Iinclude -Ibpf -Ilib -I$(BUILD) $(PKG_CFLAGS)
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Iinclude -Ibpf -I/usr/include/$(MULTIARCH)

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
.PHONY: all clean check test demo bench install uninstall deps vmcheck
all: $(BUILD)/sipguard

# Install what is missing from Debian's archive (root).
deps:
	$(Q)tools/install-deps.sh

$(BUILD):
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
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@.tmp 2> $@.log; \
	st=$$?; grep -v 'skipping unrecognized data section(.*) .xdp_run_config' $@.log >&2; \
	rm -f $@.log; [ $$st = 0 ] && mv $@.tmp $@

$(BUILD)/sipguard: $(LOADER_SRCS) $(LOADER_HDRS) $(SKEL) include/sipguard.h | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LOADER_SRCS) -o $@ $(PKG_LIBS)

include tests/tests.mk

# The main job, told step by step: scanner INVITEs dropped, real calls ring.
demo: $(BUILD)/sipguard
	$(Q)tools/demo.sh

-include tools/bench.mk

install: $(BUILD)/sipguard
	install -D -m 0755 $(BUILD)/sipguard $(DESTDIR)$(PREFIX)/sbin/sipguard
	install -D -m 0644 docs/sipguard.8 $(DESTDIR)$(PREFIX)/share/man/man8/sipguard.8
	install -D -m 0644 examples/sipguard.conf $(DESTDIR)$(PREFIX)/share/doc/sipguard/sipguard.conf.example

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/sipguard $(DESTDIR)$(PREFIX)/share/man/man8/sipguard.8
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/sipguard

clean:
	rm -rf $(BUILD)
