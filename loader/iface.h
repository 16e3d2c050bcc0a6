/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What sipguard finds and puts on one interface: its link type, the
 * pinned XDP link and the mode of the XDP program, the TC egress learner,
 * the layer-7 tail call.  Queries of the kernel, no pin lifecycle (that
 * is instance.c's).
 */
#ifndef SG_IFACE_H
#define SG_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/bpf.h>

#include "sipguard.h"

/* ---- link types ---- */
/*
 * The link types sipguard handles: Ethernet, and devices whose frames
 * start at the IP header, for which the programs are loaded with SG_IF_L3.
 */
struct sg_link_type {
	unsigned int type;	/* ARPHRD_* */
	const char *name;	/* status --json */
	const char *text;	/* status, messages */
	bool l3;
};

/* The entry of an ARPHRD_* type, or NULL when sipguard does not handle it. */
const struct sg_link_type *sg_link_type_find(unsigned int type);
/*
 * IFNAME's link type, as the kernel reports it for SIOCGIFHWADDR in the
 * caller's network namespace.  -errno on error.
 */
int sg_link_type_read(const char *ifname);
/* IFNAME's link type (its ARPHRD_* into *TYPE), or NULL after an error
 * that names the type sipguard cannot handle. */
const struct sg_link_type *sg_link_type_check(const char *ifname,
					      unsigned int *type);

/* ---- the pinned XDP link ---- */
enum sg_link_state {
	SG_LINK_NONE,		/* no pinned link */
	SG_LINK_HERE,		/* attached to this interface, in this netns */
	SG_LINK_DEFUNCT,	/* its interface is gone */
	SG_LINK_ELSEWHERE,	/* attached to some other ifindex / netns */
	SG_LINK_ERROR,
};

/*
 * Look at <pin>/if_<ifname>/xdp_link.  IFINDEX is the interface of that
 * name in the caller's netns (0: none).  *FD_OUT gets the link's fd (or
 * -1), to be closed by the caller.
 */
enum sg_link_state sg_link_pinned(const char *ifname, int ifindex, int *fd_out,
				  struct bpf_link_info *info);
/*
 * The program pinned at <pin>/if_<ifname>/xdp_prog (sipguard in libxdp's
 * dispatcher): its fd, to be closed by the caller, and its id; or -ENOENT.
 */
int sg_xdp_prog_pinned(const char *ifname, __u32 *id);
/* Does sipguard run on IFNAME in this netns: its pinned XDP link live
 * there, or its program in the interface's dispatcher? */
bool sg_iface_attached(const char *ifname);
/* Is a sipguard_l7 installed in the instance's tail-call slot? */
bool sg_iface_l7_installed(const char *ifname);

/* ---- XDP modes ---- */
/* native|driver|drv, generic|skb into XDP_FLAGS_*: 0, or -1. */
int sg_xdp_mode_parse(const char *s, __u32 *xdp_flags);
const char *sg_xdp_mode_name(__u8 attach_mode);
const char *sg_xdp_flags_mode_name(__u32 xdp_flags);
/* The XDP attach mode on IFINDEX (XDP_ATTACHED_*), its program in *PROG_ID. */
__u8 sg_xdp_query_mode(int ifindex, __u32 *prog_id);
void sg_prog_name(__u32 id, char *buf, size_t len);

/* ---- the TC egress learner ---- */
/*
 * Attach the learner: in place where it is ours (PREV) already, else as a
 * tcx link at the head of the egress list (pinned as SG_PIN_TC_LINK), or,
 * before Linux 6.6, a clsact filter.  SG_META_LEARN, SG_META_TCX and
 * SG_META_CLSACT_OURS into *FLAGS.  0 or -errno.
 */
int sg_learner_attach(const char *ifname, int ifindex, int prog_fd,
		      const struct sg_iface_meta *prev, __u32 *flags);
/* Undo what FLAGS (SG_META_*) say was done; a clsact qdisc we made stays
 * while it holds filters of others. */
void sg_learner_detach(const char *ifname, int ifindex, __u32 flags);
/* Is the pinned tcx link of IFNAME live on IFINDEX? */
bool sg_learner_tcx_live(const char *ifname, int ifindex);

#endif /* SG_IFACE_H */
