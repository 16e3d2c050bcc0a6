// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The conntrack variant (sipguard_ct.bpf.c) for libxdp's dispatcher
 * (sipguard_ext.bpf.c): SG_CONNTRACK and SG_EXTENSION.
 */
#define SG_CONNTRACK 1
#include "sipguard_ext.bpf.c"
