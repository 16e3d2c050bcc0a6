# Test targets, included by the top Makefile.
TEST_CFLAGS = $(filter-out -Werror,$(CFLAGS)) -Werror -Itests

$(BUILD)/tests:
	$(Q)mkdir -p $@

# BPF_PROG_TEST_RUN unit tests of the XDP and TC programs.
$(BUILD)/tests/test_xdp: tests/test_xdp.c tests/pkt.h $(SKEL) include/sipguard.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $< -o $@ $(PKG_LIBS)

# Host tests of the parsing helpers and the SIP classifier.
$(BUILD)/tests/test_host: tests/test_host.c tests/pkt.h $(BPF_HDRS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -fsanitize=address,undefined $< -o $@

TEST_BINS := $(BUILD)/tests/test_xdp $(BUILD)/tests/test_host

check test: $(BUILD)/sipguard $(TEST_BINS)
	$(Q)tests/run-all.sh
