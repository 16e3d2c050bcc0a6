// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The variant of sipguard's programs that runs in libxdp's dispatcher,
 * where sipguard_xdp is loaded as an extension (freplace) of one of the
 * dispatcher's slots: the same source with SG_EXTENSION, which leaves out
 * the tail call to sipguard_l7.  Linux 6.12 refuses an extension that
 * makes a tail call in place of a function that makes none (the verifier
 * counts a tail call as a change of the packet), and 6.1 refuses the
 * layer-7 program in the tail-call slot of an extension: in the
 * dispatcher, the layer-7 rules are off.  Its maps, programs and globals
 * are the default object's, name for name (see sipguard_ct.bpf.c); it
 * adds libxdp's run config.
 */
#define SG_EXTENSION 1
#include "sipguard.bpf.c"

/*
 * libxdp's run config of sipguard_xdp (the format of xdp-tools'
 * XDP_RUN_CONFIG), which libxdp reads from the loaded program's BTF: its
 * priority, and that the next program runs after an XDP_PASS.
 */
struct {
	__uint(priority, SG_XDP_PRIO);
	__uint(XDP_PASS, 1);
} _sipguard_xdp SEC(".xdp_run_config");
