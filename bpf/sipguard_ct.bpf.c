// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The conntrack variant of sipguard's programs: the same source with
 * SG_CONNTRACK, so that an unknown INVITE that matches the reply direction
 * of a netfilter conntrack entry passes as established
 * (`sipguard attach --conntrack`).  It calls the bpf_xdp_ct_lookup kfunc,
 * so unlike the default object it needs kernel BTF.  Its maps, programs
 * and globals are the default object's, name for name: the loader opens
 * either through the same skeleton.
 */
#define SG_CONNTRACK 1
#include "sipguard.bpf.c"
