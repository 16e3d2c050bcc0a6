/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Sharing the XDP hook through libxdp's multi-program dispatcher, the way
 * xdp-filter and xdp-loader load their programs: what holds an
 * interface's hook, sipguard's place in a dispatcher, joining and
 * leaving it.  sipguard_xdp then runs as a freplace (BPF_PROG_TYPE_EXT)
 * program in one of the dispatcher's slots.
 */
#ifndef SG_DISPATCH_H
#define SG_DISPATCH_H

#include <stdbool.h>
#include <bpf/bpf.h>

/* Can this kernel run programs in libxdp's dispatcher?  0, or -1 after
 * saying why not. */
int sg_dispatch_usable(void);

/* What holds an interface's XDP hook. */
enum sg_hook_kind {
	SG_HOOK_FREE,		/* nothing */
	SG_HOOK_DISPATCHER,	/* libxdp's dispatcher */
	SG_HOOK_OTHER,		/* a program of its own, not a dispatcher */
};

struct sg_hook {
	enum sg_hook_kind kind;
	__u32 xdp_flags;	/* its mode: XDP_FLAGS_DRV_MODE or _SKB_MODE */
	__u32 prog_id;		/* the program on the hook (the dispatcher) */
	char name[BPF_OBJ_NAME_LEN];
	int n_progs;		/* programs in the dispatcher */
};

/* What holds IFINDEX's XDP hook, into *H.  0, or -errno after an error
 * that names it. */
int sg_hook_query(const char *ifname, int ifindex, struct sg_hook *h);

/* sipguard's place in the dispatcher of an interface. */
struct sg_slot {
	__u32 dispatcher_id;
	__u32 xdp_flags;	/* the dispatcher's mode */
	unsigned int prio;
	int pos;		/* 1-based: the order the programs run in */
	int count;		/* programs in the dispatcher */
};

/* Does the dispatcher on IFINDEX run program PROG_ID?  Its place in *S. */
bool sg_dispatch_find(int ifindex, __u32 prog_id, struct sg_slot *s);

/* Is program PROG_ID attached anywhere through a link (a dispatcher's
 * slot, of whatever interface and namespace, or of a dispatcher whose
 * interface went while libxdp's pins hold its links)? */
bool sg_prog_linked(__u32 prog_id);

/*
 * A stand-in XDP program whose one function, SG_DISPATCH_TARGET_FUNC,
 * has the type of a dispatcher slot: sipguard_xdp is loaded as an
 * extension of it, and libxdp then attaches it to the dispatcher's slot
 * (the kernel checks that the two functions' types match).  An fd, or
 * -errno after an error.
 */
#define SG_DISPATCH_TARGET_FUNC	"sipguard_slot"
int sg_dispatch_target(void);

/*
 * Put the loaded extension PROG_FD into IFINDEX's dispatcher, or into a
 * new one where the hook is free, in the mode XDP_FLAGS (0: the kernel's
 * choice), at the priority of its run config (SG_XDP_PRIO).  0, or -1
 * after an error.
 */
int sg_dispatch_join(const char *ifname, int ifindex, int prog_fd,
		     __u32 xdp_flags);
/* Take PROG_FD out of IFINDEX's dispatcher; the other programs stay (the
 * dispatcher goes with the last).  0, or -1 after an error. */
int sg_dispatch_leave(const char *ifname, int ifindex, int prog_fd);

#endif /* SG_DISPATCH_H */
