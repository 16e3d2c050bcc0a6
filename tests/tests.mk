# Test targets, included by the top Makefile.
TEST_CFLAGS = $(filter-out -Werror,$(CFLAGS)) -Werror -Itests
# The host tests' sanitizers; a cross build (tools/cross.mk) has UBSan only:
# ASan's shadow memory does not map under qemu-user.
TEST_SAN ?= -fsanitize=address,undefined

$(BUILD)/tests: | $(CROSS_ROOT)
	$(Q)mkdir -p $@

# The C unit tests share one harness (tests/harness.{c,h}).  A test is a
# `void test_NAME(void)` function in one of a binary's sources; the registry
# of each binary is generated from those definitions (tests/registry.awk)
# into $(BUILD)/tests/BINARY.tests.h, which harness.c includes.  A registry
# depends on its sources and their directory (a file added or removed).
#
# The count of "N passed, M failed" (what tests/run-all.sh adds up): each
# subtest counts as one test, and so does each test without subtests.
HARNESS := tests/harness.c tests/harness.h tests/registry.awk

$(BUILD)/tests/%.tests.h: tests/registry.awk | $(BUILD)/tests
	$(call msg,GEN,$@)
	$(Q)awk -f tests/registry.awk $(filter %.c,$^) > $@.tmp && mv $@.tmp $@

# harness.c plus the sources of binary $(1), with its registry.
harness_cc = $(CC) $(TEST_CFLAGS) -I$(BUILD)/tests \
	     -DHARNESS_TESTS='"$(notdir $(1)).tests.h"' tests/harness.c

# BPF_PROG_TEST_RUN unit tests of the XDP and TC programs: one file per area
# in tests/progs/, helpers in env.c and frames.c.
XDP_TEST_SRCS := $(wildcard tests/progs/*.c)
$(BUILD)/tests/test_xdp.tests.h: $(XDP_TEST_SRCS) tests/progs
$(BUILD)/tests/test_xdp: $(XDP_TEST_SRCS) tests/progs/progs.h $(BUILD)/tests/test_xdp.tests.h \
		$(HARNESS) tests/pkt.h $(SKEL) include/sipguard.h $(LIB_SRCS) $(LIB_HDRS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(call harness_cc,$@) $(XDP_TEST_SRCS) $(LIB_SRCS) -o $@ $(PKG_LIBS)

# Host tests (tests/host/) of the parsing helpers and the SIP classifier.
# And of the allowlist's filter (lib/allowfilter.c) against the XDP check.
HOST_TEST_SRCS := tests/host/classify.c tests/host/parse.c tests/host/allowfilter.c
$(BUILD)/tests/test_host.tests.h: $(HOST_TEST_SRCS) tests/host
$(BUILD)/tests/test_host: $(HOST_TEST_SRCS) $(BUILD)/tests/test_host.tests.h \
		$(HARNESS) tests/pkt.h $(BPF_HDRS) lib/allowfilter.c lib/allowfilter.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(call harness_cc,$@) $(TEST_SAN) -Ilib $(HOST_TEST_SRCS) lib/allowfilter.c -o $@ \
		$(shell $(PKG_CONFIG) --libs libbpf)

# Host tests of the header scanner and the User-Agent matcher.
HDR_TEST_SRCS := tests/host/hdr.c tests/host/words.c
$(BUILD)/tests/test_hdr.tests.h: $(HDR_TEST_SRCS) tests/host
$(BUILD)/tests/test_hdr: $(HDR_TEST_SRCS) $(BUILD)/tests/test_hdr.tests.h $(HARNESS) \
		$(BPF_HDRS) lib/uaset.c lib/uaset.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(call harness_cc,$@) $(TEST_SAN) $(HDR_TEST_SRCS) lib/uaset.c -o $@

# Host test of the escaping of attacker-chosen bytes in every event output.
ESCAPE_SRCS := loader/escape.c loader/evfmt.c lib/names.c
ESCAPE_TEST_SRCS := tests/host/escape.c
$(BUILD)/tests/test_escape.tests.h: $(ESCAPE_TEST_SRCS) tests/host
$(BUILD)/tests/test_escape: $(ESCAPE_TEST_SRCS) $(BUILD)/tests/test_escape.tests.h $(HARNESS) \
		$(ESCAPE_SRCS) loader/escape.h include/sipguard.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(call harness_cc,$@) $(TEST_SAN) $(ESCAPE_TEST_SRCS) \
		$(ESCAPE_SRCS) -o $@ $(shell pkg-config --libs json-c)

# The LAN host of tests/test_flows_e2e.sh that sprays REGISTERs, aimed at
# a phone's flow set with the table's own hash.
$(BUILD)/tests/flowspray: tests/nat/flowspray.c include/sipguard.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $< -o $@

# The SIP peer of the cross builds' VM test (tests/vm/cross.sh).
$(BUILD)/tests/sgudp: tests/vm/sgudp.c | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $< -o $@

# The other TC egress program of tests/test_share.sh, a counter, and the
# loader that attaches it as a tcx link.
$(BUILD)/tests/count_egress.bpf.o: tests/share/count_egress.bpf.c | $(BUILD)/tests
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BUILD)/tests/tcxload: tests/share/tcxload.c | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $< -o $@ $(PKG_LIBS)

FUZZ_BINS := $(BUILD)/tests/fuzz_parse $(BUILD)/tests/fuzz_hdr
TEST_BINS := $(BUILD)/tests/test_xdp $(BUILD)/tests/test_host $(BUILD)/tests/test_hdr $(FUZZ_BINS) $(BUILD)/tests/test_escape \
	     $(BUILD)/tests/flowspray $(BUILD)/tests/count_egress.bpf.o $(BUILD)/tests/tcxload

# libFuzzer targets (clang, ASan, UBSan): tests/fuzz_NAME.c -> build/tests/fuzz_NAME.
#   make fuzz FUZZ_SECONDS=60             fuzz parse_packet()/classify_sip() a while,
#                                         keeping the corpus in build/fuzz/parse/
#   build/tests/fuzz_parse -runs=200000   a short bounded run (seconds), for run-all.sh
# A crash leaves its input as crash-* in the current directory; rerun it with
# `build/tests/fuzz_parse crash-...`.
# -O0 by default: clang -O1 spends minutes inlining and simplifying the
# classifier's unrolled loops under the sanitizers (over 5 minutes of CPU
# for fuzz_parse), -O0 half a second; the smoke run's 200 000 inputs take
# a second either way.  A long campaign may want FUZZ_OPT=-O1.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_OPT     ?= -O0
FUZZ_CFLAGS  := -g $(FUZZ_OPT) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_GNU_SOURCE -Iinclude -Ibpf -Ilib -Itests

$(BUILD)/tests/fuzz_%: tests/fuzz_%.c tests/pkt.h $(BPF_HDRS) lib/uaset.c lib/uaset.h | $(BUILD)/tests
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< lib/uaset.c -o $@

# The same targets with a plain driver instead of libFuzzer
# (tests/fuzz_drive.c), for the cross builds: tests/test_cross_host.sh runs
# them under qemu-user.  Not named fuzz_*: tests/fuzz_smoke.sh runs those.
$(BUILD)/tests/drive_fuzz_%: tests/fuzz_%.c tests/fuzz_drive.c tests/pkt.h $(BPF_HDRS) \
		lib/uaset.c lib/uaset.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(TEST_SAN) $< tests/fuzz_drive.c lib/uaset.c -o $@

.PHONY: fuzz
fuzz: $(BUILD)/tests/fuzz_parse
	$(Q)mkdir -p $(BUILD)/fuzz/parse
	$(Q)$(BUILD)/tests/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(BUILD)/fuzz/parse

ifndef CROSS
# Every suite on this machine's kernel, then the kernel-dependent ones in
# VMs with Debian's stock 6.1 and 6.12 kernels (tests/vm/), and the
# cross builds' (CROSS_CHECK_ARCHS) in emulated arm64 and s390x machines.
check test: $(BUILD)/sipguard $(TEST_BINS) cross-check-bins
	$(Q)tests/run-all.sh

# What make check runs of the cross builds (tools/cross.mk): the host
# tests built for big-endian s390x and for 32-bit ARM (armhf, whose sipguard
# is built too) under qemu-user (tests/test_cross_host.sh),
# and what the arm64 and s390x VMs run: for s390x also the build without
# layer 7 (NO_L7), the one that Debian's s390x kernels, without a BPF JIT,
# can run.
CROSS_CHECK_ARCHS ?= arm64 s390x
.PHONY: cross-check-bins
cross-check-bins:
	$(Q)$(MAKE) --no-print-directory ARCH=s390x BUILD=$(BUILD)/s390x host-tests
	$(Q)$(MAKE) --no-print-directory ARCH=armhf BUILD=$(BUILD)/armhf all host-tests
	$(Q)for a in $(CROSS_CHECK_ARCHS); do \
		$(MAKE) --no-print-directory ARCH=$$a BUILD=$(BUILD)/$$a vm-bins || exit; \
	done
	$(Q)$(MAKE) --no-print-directory ARCH=s390x BUILD=$(BUILD)/s390x/nol7 NO_L7=1 vm-bins
else
check test:
	@echo "Error: make check runs on this machine; the ARCH=$(ARCH) build is tested by" \
		"make vmcheck ARCH=$(ARCH), and by make check's cross entries" >&2; exit 2
endif

# A cross build's tests: the host tests (run under qemu-user), and what
# its VM runs (tests/vm/cross.sh).
.PHONY: host-tests vm-bins
host-tests: $(BUILD)/tests/test_host $(BUILD)/tests/test_hdr $(BUILD)/tests/test_escape \
	    $(BUILD)/tests/drive_fuzz_parse $(BUILD)/tests/drive_fuzz_hdr
vm-bins: $(BUILD)/sipguard $(BUILD)/tests/test_xdp $(BUILD)/tests/sgudp

# The kernel-dependent suites in one VM: make vmcheck KERNEL=6.1 (or 6.12);
# make vmcheck ARCH=arm64 (or s390x): the cross build's unit tests and its
# veth test in an emulated machine of that CPU (tests/vm/cross.sh).
KERNEL ?= 6.1
ifndef CROSS
vmcheck: $(BUILD)/sipguard $(TEST_BINS)
	$(Q)tests/vm/suite.sh $(KERNEL)
else
vmcheck: vm-bins
	$(Q)SG_BUILD=$(BUILD) tests/vm/suite.sh $(KERNEL)-$(ARCH)
endif

# The differential test against real SIP stacks: make sipdiff, make fuzz-sipdiff.
ifndef CROSS
include tests/sipdiff/sipdiff.mk
endif
