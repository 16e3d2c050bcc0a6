# Test targets, included by the top Makefile.
TEST_CFLAGS = $(filter-out -Werror,$(CFLAGS)) -Werror -Itests

$(BUILD)/tests:
	$(Q)mkdir -p $@

# BPF_PROG_TEST_RUN unit tests of the XDP and TC programs.
$(BUILD)/tests/test_xdp: tests/test_xdp.c tests/pkt.h $(SKEL) include/sipguard.h $(LIB_SRCS) $(LIB_HDRS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $< $(LIB_SRCS) -o $@ $(PKG_LIBS)

# Host tests of the parsing helpers and the SIP classifier.
$(BUILD)/tests/test_host: tests/test_host.c tests/pkt.h $(BPF_HDRS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -fsanitize=address,undefined $< -o $@

# Host tests of the header scanner and the User-Agent matcher.
$(BUILD)/tests/test_hdr: tests/test_hdr.c $(BPF_HDRS) lib/uaset.c lib/uaset.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -fsanitize=address,undefined $< lib/uaset.c -o $@

# Host test of the escaping of attacker-chosen bytes in every event output.
ESCAPE_SRCS := loader/escape.c loader/evfmt.c lib/names.c
$(BUILD)/tests/test_escape: tests/test_escape.c $(ESCAPE_SRCS) loader/escape.h include/sipguard.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -fsanitize=address,undefined $< $(ESCAPE_SRCS) -o $@ $(shell pkg-config --libs json-c)

FUZZ_BINS := $(BUILD)/tests/fuzz_parse $(BUILD)/tests/fuzz_hdr
TEST_BINS := $(BUILD)/tests/test_xdp $(BUILD)/tests/test_host $(BUILD)/tests/test_hdr $(FUZZ_BINS) $(BUILD)/tests/test_escape

# libFuzzer targets (clang, ASan, UBSan): tests/fuzz_NAME.c -> build/tests/fuzz_NAME.
#   make fuzz FUZZ_SECONDS=60             fuzz parse_packet()/classify_sip() a while,
#                                         keeping the corpus in build/fuzz/parse/
#   build/tests/fuzz_parse -runs=200000   a short bounded run (seconds), for run-all.sh
# A crash leaves its input as crash-* in the current directory; rerun it with
# `build/tests/fuzz_parse crash-...`.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_GNU_SOURCE -Iinclude -Ibpf -Ilib -Itests

$(BUILD)/tests/fuzz_%: tests/fuzz_%.c tests/pkt.h $(BPF_HDRS) lib/uaset.c lib/uaset.h | $(BUILD)/tests
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< lib/uaset.c -o $@

.PHONY: fuzz
fuzz: $(BUILD)/tests/fuzz_parse
	$(Q)mkdir -p $(BUILD)/fuzz/parse
	$(Q)$(BUILD)/tests/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(BUILD)/fuzz/parse

# Every suite on this machine's kernel, then the kernel-dependent ones in
# VMs with Debian's stock 6.1 and 6.12 kernels (tests/vm/).
check test: $(BUILD)/sipguard $(TEST_BINS)
	$(Q)tests/run-all.sh

# The kernel-dependent suites in one VM: make vmcheck KERNEL=6.1 (or 6.12).
KERNEL ?= 6.1
vmcheck: $(BUILD)/sipguard $(TEST_BINS)
	$(Q)tests/vm/suite.sh $(KERNEL)
