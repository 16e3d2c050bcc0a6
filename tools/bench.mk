# `make bench`: the benchmark of issue 5 (per-packet cost, live path against
# xdp-filter, iptables and nftables, memory), report in build/bench/.
# Included by the top Makefile.  Needs root.  BENCH_QUICK=1: a short smoke
# run (fewer rounds, shorter runs; figures are then only indicative).
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)

BENCH_DIR    := $(BUILD)/bench
BENCH_BPFOBJ := $(BENCH_DIR)/bench.bpf.o
BENCH_SKEL   := $(BENCH_DIR)/bench.skel.h
BENCH_HDRS   := $(wildcard tools/bench/*.h) tests/pkt.h include/sipguard.h $(LIB_HDRS)
BENCH_CFLAGS  = $(CFLAGS) -Itools/bench -Itests -I$(BENCH_DIR)
BENCH_BINS   := $(BENCH_DIR)/cost $(BENCH_DIR)/xdpgen $(BENCH_DIR)/sgrx

.PHONY: bench bench-tools

$(BENCH_DIR):
	$(Q)mkdir -p $@

$(BENCH_BPFOBJ): tools/bench/bench.bpf.c tools/bench/bench_abi.h | $(BENCH_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itools/bench -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(BENCH_SKEL): $(BENCH_BPFOBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_bpf > $@.tmp && mv $@.tmp $@

# lib/ (the User-Agent set, the tail-call slots) is linked as the
# sipguard program links it.
$(BENCH_DIR)/%: tools/bench/%.c $(BENCH_HDRS) $(LIB_SRCS) $(SKEL) $(BENCH_SKEL) | $(BENCH_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $< $(LIB_SRCS) -o $@ $(PKG_LIBS)

bench-tools: $(BENCH_BINS)

bench: $(BENCH_BINS) $(BUILD)/sipguard
	$(Q)BUILD=$(BUILD) BENCH_QUICK=$(BENCH_QUICK) tools/bench/run.sh
