/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Loading sipguard's BPF object (the default build or the conntrack
 * variant) for one interface, and saying why the kernel refused it: the
 * verifier's log, pins of another version, a missing kernel feature.
 */
#ifndef SG_LOAD_H
#define SG_LOAD_H

#include <stdbool.h>

#include "sipguard.h"

struct sipguard_bpf;

/* What to load: the object and how to set it up. */
struct sg_load_req {
	const char *ifname;
	__u32 if_flags;		/* SG_IF_*, a .rodata constant */
	bool conntrack;		/* the conntrack variant */
	bool l7;		/* load sipguard_l7 */
	bool learn;		/* load sipguard_learn */
	__u32 allow_max;	/* the allowlist's capacity if it is created; 0: default */
	/*
	 * > 0: load sipguard_xdp as an extension (freplace) of the function
	 * xdp_target_func of this program, for libxdp's dispatcher.
	 */
	int xdp_target_fd;
	const char *xdp_target_func;
};

/*
 * Open the object, set it up as R says (pin paths included), and load
 * it.  NULL after an error that names the cause.
 */
struct sipguard_bpf *sg_load(const struct sg_load_req *r);

/* Can --conntrack work here (kernel BTF with bpf_xdp_ct_lookup)?  0, or
 * -1 after saying why not. */
int sg_conntrack_usable(void);

#endif /* SG_LOAD_H */
