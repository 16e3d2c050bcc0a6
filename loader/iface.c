// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What is on one interface: its link type, the pinned XDP link and the
 * XDP mode, the TC egress learner (a tcx link where the kernel has tcx,
 * else a clsact filter with a fixed handle and priority, so that we find
 * and replace our own), the layer-7 tail call.  See iface.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "dispatch.h"
#include "iface.h"
#include "pins.h"

/* The TC egress learner's filter, so that we find (and replace) our own. */
#define SG_TC_HANDLE	0x5347
#define SG_TC_PRIO	0x5347

/* ---- link types ---- */

#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP	519
#endif
#ifndef ARPHRD_NONE
#define ARPHRD_NONE	0xfffe
#endif

static const struct sg_link_type link_types[] = {
	{ ARPHRD_ETHER, "ethernet", "ethernet", false },
	{ ARPHRD_PPP, "ppp", "ppp", true },
	{ ARPHRD_NONE, "none", "none (tun/wireguard)", true },
	{ ARPHRD_RAWIP, "rawip", "rawip", true },
};

#define N_LINK_TYPES	(sizeof(link_types) / sizeof(link_types[0]))

const struct sg_link_type *sg_link_type_find(unsigned int type)
{
	size_t i;

	for (i = 0; i < N_LINK_TYPES; i++)
		if (link_types[i].type == type)
			return &link_types[i];
	return NULL;
}

/* A name for a link type sipguard refuses, for the message. */
static const char *other_link_name(unsigned int type)
{
	switch (type) {
	case ARPHRD_LOOPBACK:
		return "loopback";
	case ARPHRD_TUNNEL:
		return "ipip tunnel";
	case ARPHRD_TUNNEL6:
		return "ip6 tunnel";
	case ARPHRD_SIT:
		return "sit tunnel";
	case ARPHRD_IPGRE:
		return "gre tunnel";
	case ARPHRD_INFINIBAND:
		return "infiniband";
	case ARPHRD_IEEE80211:
	case ARPHRD_IEEE80211_PRISM:
	case ARPHRD_IEEE80211_RADIOTAP:
		return "802.11 monitor";
	case ARPHRD_IEEE802154:
		return "802.15.4";
	case ARPHRD_VOID:
		return "void";
	case ARPHRD_CAN:
		return "can";
	case 823:	/* ARPHRD_IP6GRE */
		return "ip6gre tunnel";
	case 824:	/* ARPHRD_NETLINK */
		return "netlink monitor";
	default:
		return "unknown";
	}
}

/*
 * IFNAME's link type, as the kernel reports it for SIOCGIFHWADDR in the
 * caller's network namespace (/sys/class/net shows the namespace sysfs
 * was mounted in, which nsenter --net does not change).  -errno on error.
 */
int sg_link_type_read(const char *ifname)
{
	struct ifreq ifr;
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	close(fd);
	return err ? err : (int)(unsigned short)ifr.ifr_hwaddr.sa_family;
}

const struct sg_link_type *sg_link_type_check(const char *ifname,
					      unsigned int *type)
{
	const struct sg_link_type *lt;
	int t = sg_link_type_read(ifname);

	if (t < 0) {
		sg_err("cannot read the link type of %s: %s: check the interface with 'ip link show %s'",
		       ifname, strerror(-t), ifname);
		return NULL;
	}
	*type = t;
	lt = sg_link_type_find(t);
	if (!lt)
		sg_err("%s: link type %s (%d) is not supported: sipguard handles Ethernet and devices without a link-layer header (ppp, tun, WireGuard, raw-IP)",
		       ifname, other_link_name(t), t);
	return lt;
}

/* ---- the pinned XDP link ---- */

/*
 * Look at <pin>/if_<ifname>/xdp_link.  IFINDEX is the interface of that
 * name in the caller's netns (0: none).  The link counts as ours here
 * only if the interface's XDP program is the link's: an equal ifindex in
 * another namespace does not fool it.
 */
enum sg_link_state sg_link_pinned(const char *ifname, int ifindex, int *fd_out,
				  struct bpf_link_info *info)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char path[SG_PATH_MAX];
	__u32 len = sizeof(*info);
	int fd;

	*fd_out = -1;
	memset(info, 0, sizeof(*info));
	sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_LINK);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (fd == -ENOENT)
			return SG_LINK_NONE;
		sg_err_errno(fd, "cannot open the pinned XDP link",
			     "check the pins under --pin-path");
		return SG_LINK_ERROR;
	}
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		sg_err_errno(errno, "cannot read the pinned XDP link",
			     "check the pins under --pin-path");
		close(fd);
		return SG_LINK_ERROR;
	}
	*fd_out = fd;
	if (!info->xdp.ifindex)
		return SG_LINK_DEFUNCT;
	if (ifindex && (int)info->xdp.ifindex == ifindex &&
	    !bpf_xdp_query(ifindex, 0, &q) && q.prog_id == info->prog_id)
		return SG_LINK_HERE;
	return SG_LINK_ELSEWHERE;
}

int sg_xdp_prog_pinned(const char *ifname, __u32 *id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	char path[SG_PATH_MAX];
	int fd;

	sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_PROG);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -ENOENT;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return -ENOENT;
	}
	*id = info.id;
	return fd;
}

/* Does the dispatcher on IFNAME here run our pinned program? */
static bool in_dispatcher(const char *ifname, int ifindex)
{
	struct sg_slot slot;
	bool found;
	__u32 id;
	int fd;

	fd = sg_xdp_prog_pinned(ifname, &id);
	if (fd < 0)
		return false;
	found = sg_dispatch_find(ifindex, id, &slot);
	close(fd);
	return found;
}

bool sg_iface_attached(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[SG_PATH_MAX];
	unsigned int ifindex;
	bool live = false;
	int fd;

	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return false;
	sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_LINK);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return in_dispatcher(ifname, ifindex);
	/* The link's program must be the one on the interface of this name
	 * here: an equal ifindex in another namespace does not count. */
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    info.xdp.ifindex == ifindex && !bpf_xdp_query(ifindex, 0, &q) &&
	    q.prog_id == info.prog_id)
		live = true;
	close(fd);
	return live;
}

bool sg_iface_l7_installed(const char *ifname)
{
	char path[SG_PATH_MAX];
	__u32 zero = 0, id = 0;
	bool on;
	int fd;

	sg_iface_file(path, sizeof(path), ifname, SG_MAP_L7_PROG);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	on = !bpf_map_lookup_elem(fd, &zero, &id) && id;
	close(fd);
	return on;
}

/* ---- XDP modes ---- */

int sg_xdp_mode_parse(const char *s, __u32 *xdp_flags)
{
	if (!strcmp(s, "native") || !strcmp(s, "driver") || !strcmp(s, "drv"))
		*xdp_flags = XDP_FLAGS_DRV_MODE;
	else if (!strcmp(s, "generic") || !strcmp(s, "skb"))
		*xdp_flags = XDP_FLAGS_SKB_MODE;
	else
		return -1;
	return 0;
}

const char *sg_xdp_mode_name(__u8 attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "none";
	}
}

const char *sg_xdp_flags_mode_name(__u32 xdp_flags)
{
	if (xdp_flags & XDP_FLAGS_DRV_MODE)
		return "native";
	if (xdp_flags & XDP_FLAGS_SKB_MODE)
		return "generic";
	return "auto";
}

__u8 sg_xdp_query_mode(int ifindex, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!ifindex || bpf_xdp_query(ifindex, 0, &q))
		return XDP_ATTACHED_NONE;
	if (prog_id)
		*prog_id = q.prog_id;
	return q.attach_mode;
}

void sg_prog_name(__u32 id, char *buf, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd;

	snprintf(buf, len, "?");
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(buf, len, "%s", info.name);
	close(fd);
}

/* ---- the TC egress learner ---- */

/*
 * tcx (Linux 6.6): TC programs attached through bpf_links, in an ordered
 * list per device and direction, run before the clsact qdisc's filters.
 * The constants of linux/bpf.h from 6.6, which older headers lack: the
 * kernel's ABI does not change.  libbpf from 1.1 passes them through
 * bpf_link_create().
 */
#define SG_BPF_TCX_EGRESS	47	/* enum bpf_attach_type */
#define SG_BPF_LINK_TYPE_TCX	11	/* enum bpf_link_type */
#define SG_BPF_F_BEFORE		(1u << 3)	/* no relative: at the head */

/*
 * The pinned tcx link of IFNAME, if it is live on IFINDEX: its fd, or
 * -ENOENT.  A tcx link's info keeps the ifindex where an XDP link's does
 * (the first word of the union), which older headers call xdp.ifindex.
 */
static int tc_link_open(const char *ifname, int ifindex)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[SG_PATH_MAX];
	int fd;

	sg_iface_file(path, sizeof(path), ifname, SG_PIN_TC_LINK);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -ENOENT;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.type != SG_BPF_LINK_TYPE_TCX || !ifindex ||
	    (int)info.xdp.ifindex != ifindex) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

bool sg_learner_tcx_live(const char *ifname, int ifindex)
{
	int fd = tc_link_open(ifname, ifindex);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * A tcx link at the head of IFINDEX's egress list, pinned: the learner
 * then sees every packet, whatever the programs after it decide, and it
 * lets them run (it returns TC_ACT_UNSPEC, tcx's "next").  -EINVAL where
 * the kernel has no tcx.
 */
static int tcx_attach(const char *ifname, int ifindex, int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = SG_BPF_F_BEFORE);
	char path[SG_PATH_MAX];
	int fd, err;

	sg_iface_file(path, sizeof(path), ifname, SG_PIN_TC_LINK);
	sg_unpin(path);		/* a link of a gone interface */
	fd = bpf_link_create(prog_fd, ifindex,
			     (enum bpf_attach_type)SG_BPF_TCX_EGRESS, &lo);
	if (fd < 0)
		return fd;
	err = bpf_obj_pin(fd, path) ? -errno : 0;
	close(fd);	/* on a pin error, the link goes with it */
	return err;
}

/*
 * The filters on IFINDEX's clsact qdisc, both directions, from a netlink
 * dump (libbpf asks only for one filter by handle): their count, or -errno.
 */
static int clsact_dump(int sock, int ifindex, __u32 parent)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
	} req = {
		.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		.n.nlmsg_type = RTM_GETTFILTER,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.n.nlmsg_seq = parent,
		.t.tcm_family = AF_UNSPEC,
		.t.tcm_ifindex = ifindex,
		.t.tcm_parent = parent,
	};
	static char buf[32768];
	struct nlmsghdr *h;
	int n, count = 0;

	if (send(sock, &req, req.n.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(sock, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != parent)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			count += h->nlmsg_type == RTM_NEWTFILTER;
		}
	}
}

static int clsact_filters(int ifindex)
{
	int sock, in, out;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return -errno;
	in = clsact_dump(sock, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
	out = in < 0 ? in :
	      clsact_dump(sock, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
	close(sock);
	return in < 0 ? in : out < 0 ? out : in + out;
}

/* The learner as a clsact filter of its own handle and priority. */
static int clsact_attach(int ifindex, int prog_fd,
			 const struct sg_iface_meta *prev, __u32 *flags)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SG_TC_HANDLE,
		    .priority = SG_TC_PRIO, .prog_fd = prog_fd,
		    .flags = BPF_TC_F_REPLACE);
	bool created = false;
	int err;

	err = bpf_tc_hook_create(&hook);
	if (!err) {
		created = true;
		*flags |= SG_META_CLSACT_OURS;
	} else if (err == -EEXIST) {
		/* There already; ours only if we made it earlier. */
		if ((int)prev->ifindex == ifindex &&
		    (prev->flags & SG_META_CLSACT_OURS))
			*flags |= SG_META_CLSACT_OURS;
	} else {
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (created) {
			if (!clsact_filters(ifindex)) {
				hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
				bpf_tc_hook_destroy(&hook);
			}
			*flags &= ~SG_META_CLSACT_OURS;
		}
		return err;
	}
	*flags |= SG_META_LEARN;
	return 0;
}

/*
 * Our filter off, and the clsact qdisc too if we made it and no filter of
 * anyone else's is left on it, in either direction.
 */
static void clsact_detach(int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SG_TC_HANDLE,
		    .priority = SG_TC_PRIO);

	if (flags & SG_META_LEARN)
		bpf_tc_detach(&hook, &opts);
	if ((flags & SG_META_CLSACT_OURS) && !clsact_filters(ifindex)) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
}

int sg_learner_attach(const char *ifname, int ifindex, int prog_fd,
		      const struct sg_iface_meta *prev, __u32 *flags)
{
	bool ours = (int)prev->ifindex == ifindex;
	int fd, err;

	/* our tcx link: the new program in place, atomically */
	if (ours && (prev->flags & SG_META_TCX)) {
		fd = tc_link_open(ifname, ifindex);
		if (fd >= 0) {
			err = bpf_link_update(fd, prog_fd, NULL);
			close(fd);
			if (err)
				return err;
			*flags |= SG_META_LEARN | SG_META_TCX;
			return 0;
		}
	}
	err = tcx_attach(ifname, ifindex, prog_fd);
	if (!err) {
		*flags |= SG_META_LEARN | SG_META_TCX;
		/* a clsact learner of an older sipguard goes after */
		if (ours && !(prev->flags & SG_META_TCX))
			clsact_detach(ifindex, prev->flags);
		return 0;
	}
	if (err != -EINVAL)
		return err;
	/* no tcx (before Linux 6.6): a clsact filter */
	return clsact_attach(ifindex, prog_fd, prev, flags);
}

void sg_learner_detach(const char *ifname, int ifindex, __u32 flags)
{
	char path[SG_PATH_MAX];
	int fd;

	if (!ifindex)
		return;
	if (flags & SG_META_TCX) {
		fd = tc_link_open(ifname, ifindex);
		if (fd >= 0) {
			bpf_link_detach(fd);
			close(fd);
		}
		sg_iface_file(path, sizeof(path), ifname, SG_PIN_TC_LINK);
		sg_unpin(path);
		return;
	}
	clsact_detach(ifindex, flags);
}
