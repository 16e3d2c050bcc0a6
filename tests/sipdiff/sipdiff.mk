# The differential test of the classifier against real SIP stacks (issue 10),
# included by tests/tests.mk.
#   make sipdiff                  the seed corpus and a short mutation run
#                                 (tests/test_sipdiff.sh), a few seconds
#   make fuzz-sipdiff FUZZ_SECONDS=120
#                                 a long mutation run; every disagreeing input
#                                 is saved in build/fuzz/sipdiff-found/ (INDEX
#                                 lists them escaped), the corpus it grows is
#                                 kept in build/fuzz/sipdiff/
SIPDIFF_PKGS  := libre libosip2 sofia-sip-ua
SIPDIFF_SRCS  := tests/sipdiff/sipdiff.c $(wildcard tests/sipdiff/oracle_*.c)
SIPDIFF_DEPS  := $(SIPDIFF_SRCS) tests/sipdiff/sipdiff.h $(BPF_HDRS)
SIPDIFF_FLAGS  = -Itests/sipdiff $(shell pkg-config --cflags $(SIPDIFF_PKGS))
SIPDIFF_LIBS   = $(shell pkg-config --libs $(SIPDIFF_PKGS))
SIPDIFF_BINS  := $(BUILD)/tests/sipdiff $(BUILD)/tests/sipdiff_fuzz

# Not named fuzz_*: tests/fuzz_smoke.sh runs every build/tests/fuzz_*, and
# this one has a run of its own (tests/test_sipdiff.sh).
$(BUILD)/tests/sipdiff: $(SIPDIFF_DEPS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(SIPDIFF_FLAGS) -fsanitize=address,undefined \
		$(SIPDIFF_SRCS) -o $@ $(SIPDIFF_LIBS)

# The classifier's unit is compiled by gcc here, with comparison tracing for
# libFuzzer (it learns the method names from it): clang's fuzzer and ASan
# instrumentation of the fully unrolled classifier takes minutes on a busy
# 2-core machine.  Its memory safety is build/tests/fuzz_parse's job.
SIPDIFF_OTHER := $(filter-out tests/sipdiff/oracle_sg.c,$(SIPDIFF_SRCS))

$(BUILD)/tests/sipdiff_sg.o: tests/sipdiff/oracle_sg.c tests/sipdiff/sipdiff.h $(BPF_HDRS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(SIPDIFF_FLAGS) -fsanitize-coverage=trace-cmp -c $< -o $@

$(BUILD)/tests/sipdiff_fuzz: $(SIPDIFF_DEPS) $(BUILD)/tests/sipdiff_sg.o | $(BUILD)/tests
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DSIPDIFF_FUZZ $(SIPDIFF_FLAGS) \
		$(SIPDIFF_OTHER) $(BUILD)/tests/sipdiff_sg.o -o $@ $(SIPDIFF_LIBS)

# built by `make check` too, ready for tests/run-all.sh
check test: $(SIPDIFF_BINS)

.PHONY: sipdiff fuzz-sipdiff
sipdiff: $(SIPDIFF_BINS)
	$(Q)tests/test_sipdiff.sh

fuzz-sipdiff: $(SIPDIFF_BINS)
	$(Q)SIPDIFF_SECONDS=$(FUZZ_SECONDS) SIPDIFF_CORPUS=$(BUILD)/fuzz/sipdiff \
		SIPDIFF_FOUND=$(BUILD)/fuzz/sipdiff-found tests/test_sipdiff.sh
