// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard attach|detach|status`: putting the programs on an interface,
 * taking them off, and saying what is there.
 *
 * The XDP program is attached through a bpf_link pinned at
 * <pin>/if_<ifname>/xdp_link, so the attachment outlives this process and
 * a second attach replaces the program atomically (bpf_link_update) while
 * the pinned maps and their contents stay.  The TC egress learner is a
 * clsact filter with a fixed handle and priority, replaced in place.  What
 * we did to an interface is written down in its sg_ifmeta map, so that
 * detach undoes exactly that, also from another process.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "common.h"
#include "config.h"
#include "sipguard.skel.h"
#include "sipguard_ct.skel.h"

/* ---- helpers ---- */

/*
 * What is pinned where.  The shared maps serve every interface; the
 * others belong to one program instance.  sg_l7_prog is pinned, although
 * only the programs use it, because the kernel empties a program array
 * when its last user reference goes: without the pin the tail call into
 * sipguard_l7 would vanish when this process exits.
 */
static const char *const shared_maps[] = {
	SG_MAP_ALLOW, SG_MAP_FLOWS, SG_MAP_FRAGS, SG_MAP_CONFIG,
	SG_MAP_DENY, SG_MAP_BANS, SG_MAP_USERS, SG_MAP_UA, SG_MAP_ALLOWBITS,
	SG_MAP_EVENTS, SG_MAP_EVSTATE, SG_MAP_FLOWSTAT, SG_MAP_BANSTAT,
	NULL
};

static const char *const iface_pins[] = {
	SG_PIN_XDP_LINK, SG_MAP_COUNTERS, SG_MAP_IFMETA, SG_MAP_L7_PROG,
	NULL
};

static int set_pin_paths(struct bpf_object *obj, const char *ifname)
{
	char path[SG_PATH_MAX];
	struct bpf_map *map;
	size_t i;
	int err;

	for (i = 0; shared_maps[i]; i++) {
		map = bpf_object__find_map_by_name(obj, shared_maps[i]);
		if (!map)
			continue;
		sg_pin_file(path, sizeof(path), shared_maps[i]);
		err = bpf_map__set_pin_path(map, path);
		if (err)
			return err;
	}
	for (i = 1; iface_pins[i]; i++) {	/* [0] is the link */
		map = bpf_object__find_map_by_name(obj, iface_pins[i]);
		if (!map)
			continue;
		sg_iface_file(path, sizeof(path), ifname, iface_pins[i]);
		err = bpf_map__set_pin_path(map, path);
		if (err)
			return err;
	}
	return 0;
}

enum link_state {
	LINK_NONE,		/* no pinned link */
	LINK_HERE,		/* attached to this interface, in this netns */
	LINK_DEFUNCT,		/* its interface is gone */
	LINK_ELSEWHERE,		/* attached to some other ifindex / netns */
	LINK_ERROR,
};

/*
 * Look at <pin>/if_<ifname>/xdp_link.  IFINDEX is the interface of that
 * name in the caller's netns (0: none).  The link counts as ours here
 * only if the interface's XDP program is the link's: an equal ifindex in
 * another namespace does not fool it.
 */
static enum link_state pinned_link(const char *ifname, int ifindex, int *fd_out,
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
			return LINK_NONE;
		sg_err_errno(fd, "cannot open the pinned XDP link",
			     "check the pins under --pin-path");
		return LINK_ERROR;
	}
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		sg_err_errno(errno, "cannot read the pinned XDP link",
			     "check the pins under --pin-path");
		close(fd);
		return LINK_ERROR;
	}
	*fd_out = fd;
	if (!info->xdp.ifindex)
		return LINK_DEFUNCT;
	if (ifindex && (int)info->xdp.ifindex == ifindex &&
	    !bpf_xdp_query(ifindex, 0, &q) && q.prog_id == info->prog_id)
		return LINK_HERE;
	return LINK_ELSEWHERE;
}

static const char *mode_name(__u8 attach_mode)
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

static const char *flags_mode_name(__u32 xdp_flags)
{
	if (xdp_flags & XDP_FLAGS_DRV_MODE)
		return "native";
	if (xdp_flags & XDP_FLAGS_SKB_MODE)
		return "generic";
	return "auto";
}

static __u8 query_mode(int ifindex, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!ifindex || bpf_xdp_query(ifindex, 0, &q))
		return XDP_ATTACHED_NONE;
	if (prog_id)
		*prog_id = q.prog_id;
	return q.attach_mode;
}

static void prog_name(__u32 id, char *buf, size_t len)
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

static int read_meta(const char *ifname, struct sg_iface_meta *meta)
{
	char path[SG_PATH_MAX];
	__u32 zero = 0;
	int fd, err = 0;

	memset(meta, 0, sizeof(*meta));
	sg_iface_file(path, sizeof(path), ifname, SG_MAP_IFMETA);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, meta))
		err = -errno;
	close(fd);
	return err;
}

/* Unlink a pinned object; a missing one is fine. */
static int unpin(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* Remove the interface's pins and directory. */
static int iface_unpin(const char *ifname)
{
	char path[SG_PATH_MAX];
	size_t i;
	int err;

	for (i = 0; iface_pins[i]; i++) {
		sg_iface_file(path, sizeof(path), ifname, iface_pins[i]);
		err = unpin(path);
		if (err)
			return err;
	}
	sg_iface_dir(path, sizeof(path), ifname);
	if (rmdir(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* When no interface is left, remove the shared maps and the pin dir. */
static bool shared_unpin_if_unused(void)
{
	char path[SG_PATH_MAX], **ifs;
	size_t i;
	int n;

	n = sg_list_ifaces(&ifs);
	sg_free_names(ifs, n > 0 ? n : 0);
	if (n != 0)
		return false;
	for (i = 0; shared_maps[i]; i++) {
		sg_pin_file(path, sizeof(path), shared_maps[i]);
		if (unpin(path))
			return false;
	}
	return !rmdir(sg_env.pin) || errno == ENOENT;
}

static int learner_attach(int ifindex, int prog_fd,
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
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
			*flags &= ~SG_META_CLSACT_OURS;
		}
		return err;
	}
	*flags |= SG_META_LEARN;
	return 0;
}

static void learner_detach(int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SG_TC_HANDLE,
		    .priority = SG_TC_PRIO);

	if (!ifindex)
		return;
	if (flags & SG_META_LEARN)
		bpf_tc_detach(&hook, &opts);
	if (flags & SG_META_CLSACT_OURS) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
}

static void print_fill(FILE *f, int allow_fd, int flows_fd)
{
	long na = sg_map_count(allow_fd, sizeof(struct sg_lpm_key));
	long nf = sg_map_count(flows_fd, sizeof(struct sg_flow_key));

	fprintf(f, "allowlist %ld/%d, flows %ld/%d", na < 0 ? 0 : na,
		SG_ALLOW_MAX, nf < 0 ? 0 : nf, SG_FLOWS_MAX);
}

/* ---- link types ---- */

#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP	519
#endif
#ifndef ARPHRD_NONE
#define ARPHRD_NONE	0xfffe
#endif

/*
 * The link types sipguard handles: Ethernet, and devices whose frames
 * start at the IP header, for which the programs are loaded with SG_IF_L3.
 */
static const struct {
	unsigned int type;
	const char *name;	/* status --json */
	const char *text;	/* status, messages */
	bool l3;
} link_types[] = {
	{ ARPHRD_ETHER, "ethernet", "ethernet", false },
	{ ARPHRD_PPP, "ppp", "ppp", true },
	{ ARPHRD_NONE, "none", "none (tun/wireguard)", true },
	{ ARPHRD_RAWIP, "rawip", "rawip", true },
};

#define N_LINK_TYPES	(sizeof(link_types) / sizeof(link_types[0]))

static int link_type_idx(unsigned int type)
{
	size_t i;

	for (i = 0; i < N_LINK_TYPES; i++)
		if (link_types[i].type == type)
			return i;
	return -1;
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
static int read_link_type(const char *ifname)
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

/*
 * Which link type IFNAME has: the index in link_types[], or -1 after an
 * error that names the type sipguard cannot handle.
 */
static int check_link_type(const char *ifname, unsigned int *type)
{
	int t = read_link_type(ifname), i;

	if (t < 0) {
		sg_err("cannot read the link type of %s: %s: check the interface with 'ip link show %s'",
		       ifname, strerror(-t), ifname);
		return -1;
	}
	*type = t;
	i = link_type_idx(t);
	if (i < 0)
		sg_err("%s: link type %s (%d) is not supported: sipguard handles Ethernet and devices without a link-layer header (ppp, tun, WireGuard, raw-IP)",
		       ifname, other_link_name(t), t);
	return i;
}

/* ---- attach ---- */

struct attach_opts {
	const char *config;
	__u32 xdp_flags;
	bool mode_given;
	bool monitor;
	bool no_learn;
	bool conntrack;
};

static int attach_opt(int opt, const char *arg, void *ctx)
{
	struct attach_opts *o = ctx;

	switch (opt) {
	case 'm':
		if (!strcmp(arg, "native") || !strcmp(arg, "driver") ||
		    !strcmp(arg, "drv"))
			o->xdp_flags = XDP_FLAGS_DRV_MODE;
		else if (!strcmp(arg, "generic") || !strcmp(arg, "skb"))
			o->xdp_flags = XDP_FLAGS_SKB_MODE;
		else
			return sg_usage("attach", "invalid mode '%s' (use native or generic)",
					arg);
		o->mode_given = true;
		return 0;
	case 'c':
		o->config = arg;
		return 0;
	case 'M':
		o->monitor = true;
		return 0;
	case 'N':
		o->no_learn = true;
		return 0;
	case 'C':
		o->conntrack = true;
		return 0;
	}
	return -1;
}

/*
 * The conntrack variant calls the bpf_xdp_ct_lookup kfunc: libbpf finds it
 * in the kernel's BTF, and the kernel must have netfilter conntrack's BPF
 * functions (Linux 5.18, CONFIG_NF_CONNTRACK, built in or loaded).
 * SIPGUARD_VMLINUX_BTF names another BTF file, for tests.
 */
static int conntrack_usable(void)
{
	const char *path = getenv("SIPGUARD_VMLINUX_BTF");
	struct btf *btf;
	int id;

	if (!path || !*path)
		path = "/sys/kernel/btf/vmlinux";
	if (access(path, R_OK)) {
		sg_err("--conntrack needs kernel BTF (%s), which this kernel lacks: build it with CONFIG_DEBUG_INFO_BTF, or attach without --conntrack (flows are then learned by the TC program only)",
		       path);
		return -1;
	}
	btf = btf__parse(path, NULL);
	if (!btf) {
		sg_err("--conntrack: cannot read kernel BTF %s: %s: attach without --conntrack",
		       path, strerror(errno));
		return -1;
	}
	id = btf__find_by_name_kind(btf, "bpf_xdp_ct_lookup", BTF_KIND_FUNC);
	if (id < 0) {
		/* conntrack built as a module: its kfuncs are in its own BTF */
		struct btf *mod = btf__parse_split("/sys/kernel/btf/nf_conntrack", btf);

		if (mod) {
			id = btf__find_by_name_kind(mod, "bpf_xdp_ct_lookup", BTF_KIND_FUNC);
			btf__free(mod);
		}
	}
	btf__free(btf);
	if (id < 0) {
		sg_err("--conntrack: this kernel has no bpf_xdp_ct_lookup (it needs Linux 5.18 with netfilter conntrack, CONFIG_NF_CONNTRACK, built in or its module loaded): load nf_conntrack or attach without --conntrack");
		return -1;
	}
	return 0;
}

/*
 * Open the default object, or with CONNTRACK the conntrack variant: the
 * same source built with SG_CONNTRACK, so its maps, programs and globals
 * match the skeleton's name for name and the skeleton can hold it.
 */
static struct sipguard_bpf *skel_open(bool conntrack)
{
	struct sipguard_bpf *obj = calloc(1, sizeof(*obj));
	size_t sz;
	int err;

	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	err = sipguard_bpf__create_skeleton(obj);
	if (!err && conntrack) {
		obj->skeleton->data = (void *)sipguard_ct_bpf__elf_bytes(&sz);
		obj->skeleton->data_sz = sz;
	}
	if (!err)
		err = bpf_object__open_skeleton(obj->skeleton, NULL);
	if (err) {
		sipguard_bpf__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

/* ---- loading, and saying why the kernel refused ---- */

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif

#define LOG_TAIL_LINES	15		/* of the verifier log, without --verbose */
#define LOG_SIZE_FIRST	(1u << 20)	/* per program; grown when the log is cut */
#define LOG_SIZE_MAX	(64u << 20)
#define MAX_PROGS	8

/* What to load: the object and how to set it up. */
struct load_req {
	const char *ifname;
	__u32 if_flags;		/* SG_IF_*, a .rodata constant */
	bool conntrack;		/* the conntrack variant */
	bool l7;		/* load sipguard_l7 */
	bool learn;		/* load sipguard_learn */
};

/*
 * Each program gets a verifier log buffer of its own.  libbpf loads a
 * program without a log first and, when the kernel refuses it, again with
 * log level 1 into this buffer, so a non-empty buffer marks the program
 * the kernel refused (libbpf stops at the first).
 */
struct prog_log {
	struct bpf_program *prog;
	char *buf;
};

/* libbpf writes into the buffers only while it loads the object. */
static void free_logs(struct prog_log *logs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(logs[i].buf);
}

/* Print LOG on standard error: all of it with --verbose, else its end. */
static void print_verifier_log(const char *log, const char *ifname)
{
	const char *p, *start = log;
	size_t len = strlen(log);
	int lines = 0, skip;

	while (len && log[len - 1] == '\n')
		len--;
	for (p = log; p < log + len; p++)
		lines += *p == '\n';
	lines++;
	if (sg_env.verbose) {
		fprintf(stderr, "The verifier log (%d lines):\n", lines);
	} else {
		skip = lines > LOG_TAIL_LINES ? lines - LOG_TAIL_LINES : 0;
		for (p = log; skip && p < log + len; p++)
			if (*p == '\n' && !--skip)
				start = p + 1;
		if (lines > LOG_TAIL_LINES)
			fprintf(stderr, "The last %d of the verifier log's %d lines ('sipguard --verbose attach %s' shows all):\n",
				LOG_TAIL_LINES, lines, ifname);
		else
			fprintf(stderr, "The verifier log:\n");
	}
	while (start < log + len) {
		p = memchr(start, '\n', log + len - start);
		if (!p)
			p = log + len;
		fprintf(stderr, "  %.*s\n", (int)(p - start), start);
		start = p + 1;
	}
}

/* What to do about a verifier rejection, from its log and our rights. */
static void verifier_hint(const char *log, char *hint, size_t len)
{
	if (strstr(log, "non-JITed"))
		snprintf(hint, len, "this kernel runs BPF programs without its JIT compiler, which sipguard's programs need: set the sysctl net.core.bpf_jit_enable=1 (the kernel needs CONFIG_BPF_JIT for %s)",
			 sg_machine());
	else if (strstr(log, "tail_calls are not allowed in programs with bpf-to-bpf calls") ||
		 strstr(log, "mixing of tail_calls and bpf-to-bpf calls is not supported"))
		snprintf(hint, len, "this kernel's BPF JIT for %s cannot combine tail calls with BPF-to-BPF calls, and sipguard's XDP program has both (x86-64 kernels can from Linux 5.10, arm64 from 6.0): use a newer kernel",
			 sg_machine());
	else if (strstr(log, "invalid func unknown#") || strstr(log, "unknown func "))
		snprintf(hint, len, "this kernel lacks a BPF helper function that the program calls (named in the log): use a newer kernel");
	else if (!sg_have_cap(CAP_PERFMON) && !sg_have_cap(CAP_SYS_ADMIN))
		snprintf(hint, len, "this process lacks CAP_PERFMON (and CAP_SYS_ADMIN), without which the verifier refuses the pointer arithmetic sipguard's programs do: run as root, or add CAP_PERFMON");
	else
		snprintf(hint, len, "this sipguard's programs do not pass this kernel's verifier (sipguard is verified on Linux 6.1 and later): report it with the whole log ('sipguard --verbose attach IFACE')");
}

/*
 * A pinned map that libbpf cannot reuse because its type, key or value
 * size, size or flags differ from ours: pins of another sipguard version.
 * The same comparison as libbpf's.  Writes what differs into MSG.
 */
static bool pinned_map_mismatch(struct bpf_object *obj, char *msg, size_t len)
{
	struct bpf_map_info info;
	struct bpf_map *map;
	const char *path, *what = NULL;
	__u32 ilen, pinned = 0, ours = 0;
	int fd;

	bpf_object__for_each_map(map, obj) {
		path = bpf_map__pin_path(map);
		if (!path)
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		ilen = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
			close(fd);
			continue;
		}
		close(fd);
		if (info.type != bpf_map__type(map)) {
			what = "type";
			pinned = info.type;
			ours = bpf_map__type(map);
		} else if (info.key_size != bpf_map__key_size(map)) {
			what = "key size";
			pinned = info.key_size;
			ours = bpf_map__key_size(map);
		} else if (info.value_size != bpf_map__value_size(map)) {
			what = "value size";
			pinned = info.value_size;
			ours = bpf_map__value_size(map);
		} else if (info.max_entries != bpf_map__max_entries(map)) {
			what = "size";
			pinned = info.max_entries;
			ours = bpf_map__max_entries(map);
		} else if (info.map_flags != bpf_map__map_flags(map)) {
			what = "flags";
			pinned = info.map_flags;
			ours = bpf_map__map_flags(map);
		}
		if (what) {
			snprintf(msg, len, "the pinned map %s does not match this sipguard's (its %s is %u, this sipguard's %u)",
				 path, what, pinned, ours);
			return true;
		}
	}
	/* libbpf's word for it, should its comparison differ from ours */
	for (ours = 0; (path = sg_libbpf_said(ours)); ours++) {
		if (strstr(path, "couldn't reuse pinned map")) {
			snprintf(msg, len, "a pinned map does not match this sipguard's (libbpf: %s)",
				 path);
			return true;
		}
	}
	return false;
}

/* A map or program type of the object that this kernel does not have. */
static bool missing_type(struct bpf_object *obj, char *msg, size_t len)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	const char *t;

	bpf_object__for_each_map(map, obj) {
		if (libbpf_probe_bpf_map_type(bpf_map__type(map), NULL) == 0) {
			t = libbpf_bpf_map_type_str(bpf_map__type(map));
			snprintf(msg, len, "the BPF map type %s, which map %s needs",
				 t ? t : "?", bpf_map__name(map));
			return true;
		}
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (libbpf_probe_bpf_prog_type(bpf_program__type(prog), NULL) == 0) {
			t = libbpf_bpf_prog_type_str(bpf_program__type(prog));
			snprintf(msg, len, "the BPF program type %s, which program %s needs",
				 t ? t : "?", bpf_program__name(prog));
			return true;
		}
	}
	return false;
}

/* The program libbpf's warnings name ("prog 'NAME': ..."), or NULL. */
static const char *libbpf_named_prog(char *buf, size_t len)
{
	const char *s, *end;
	unsigned int i;

	for (i = 0; (s = sg_libbpf_said(i)); i++) {
		if (strncmp(s, "prog '", 6))
			continue;
		end = strchr(s + 6, '\'');
		if (!end || end == s + 6 || (size_t)(end - s - 6) >= len)
			continue;
		snprintf(buf, len, "%.*s", (int)(end - s - 6), s + 6);
		return buf;
	}
	return NULL;
}

/* libbpf's last warning that says more than "failed to load". */
static const char *libbpf_reason(void)
{
	const char *s, *found = "nothing";
	unsigned int i;

	for (i = 0; (s = sg_libbpf_said(i)); i++)
		if (strncmp(s, "failed to load", 14) && !strstr(s, "': failed to load: -"))
			found = s;
	return found;
}

static void report_load_failure(struct sipguard_bpf *skel, int err,
				const struct prog_log *failed, size_t log_size,
				const char *ifname)
{
	const char *rel = sg_kernel_release();
	char msg[640], name[64];

	err = abs(err);
	if (failed) {
		const char *prog = bpf_program__name(failed->prog);

		if (err == EPERM) {
			sg_err("not permitted: the kernel refused to load program %s: %s: run as root (or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN); see the log for what else forbids it",
			       prog, strerror(err));
		} else {
			verifier_hint(failed->buf, msg, sizeof(msg));
			if (err == ENOSPC)	/* the log was cut: no errno */
				sg_err("the kernel's verifier (Linux %s) rejected program %s, with a log longer than %zu KiB (only part of it is shown): %s",
				       rel, prog, log_size >> 10, msg);
			else
				sg_err("the kernel's verifier (Linux %s) rejected program %s: %s: %s",
				       rel, prog, strerror(err), msg);
		}
		print_verifier_log(failed->buf, ifname);
		return;
	}
	if (err == EINVAL && pinned_map_mismatch(skel->obj, msg, sizeof(msg))) {
		sg_err("%s: it was pinned by another sipguard version: detach every interface ('sipguard status' lists them) and attach again",
		       msg);
		return;
	}
	if (err == EPERM) {
		sg_err("not permitted: the kernel refused sipguard's BPF object (libbpf: %s): run as root (or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN); a seccomp filter or kernel lockdown can forbid BPF too",
		       libbpf_reason());
		return;
	}
	if (missing_type(skel->obj, msg, sizeof(msg))) {
		sg_err("this kernel (Linux %s) lacks %s: use a kernel with it (sipguard is built for Linux %d.%d and later)",
		       rel, msg, SG_KERNEL_MIN_MAJOR, SG_KERNEL_MIN_MINOR);
		return;
	}
	if (libbpf_named_prog(name, sizeof(name))) {
		sg_err("the kernel (Linux %s) refused program %s: %s, without a verifier log (libbpf: %s): run with --verbose for libbpf's messages",
		       rel, name, strerror(err), libbpf_reason());
		return;
	}
	sg_err("cannot load the BPF programs: %s (libbpf: %s): %s",
	       strerror(err), libbpf_reason(), err == ENOMEM ?
	       "the maps need more memory than the kernel gives (they count against this process's memory cgroup): free memory or raise the limit" :
	       "run with --verbose for libbpf's messages");
}

/*
 * Open the object, set it up as R says, and load it.  NULL after an error
 * that names the cause: the verifier's rejection of a program with the
 * end of its log, pins of another version, a missing kernel feature.
 */
static struct sipguard_bpf *load_object(const struct load_req *r)
{
	struct prog_log logs[MAX_PROGS], *failed;
	struct sipguard_bpf *skel;
	struct bpf_program *prog;
	size_t log_size = LOG_SIZE_FIRST;
	int n, i, err;

	for (;;) {
		skel = skel_open(r->conntrack);
		if (!skel) {
			sg_err_errno(errno, "cannot open the BPF object",
				     "run with --verbose for libbpf's log");
			return NULL;
		}
		skel->rodata->sg_if_flags = r->if_flags;
		err = set_pin_paths(skel->obj, r->ifname);
		if (err) {
			sg_err_errno(err, "cannot set the pin paths", "use a shorter --pin-path");
			sipguard_bpf__destroy(skel);
			return NULL;
		}
		if (!r->l7)
			bpf_program__set_autoload(skel->progs.sipguard_l7, false);
		if (!r->learn)
			bpf_program__set_autoload(skel->progs.sipguard_learn, false);

		n = 0;
		bpf_object__for_each_program(prog, skel->obj) {
			if (!bpf_program__autoload(prog) || n == MAX_PROGS)
				continue;
			logs[n].buf = malloc(log_size);
			if (!logs[n].buf)
				continue;	/* then libbpf keeps the log */
			logs[n].buf[0] = '\0';
			logs[n].prog = prog;
			bpf_program__set_log_buf(prog, logs[n].buf, log_size);
			n++;
		}
		sg_libbpf_said_reset();
		err = sipguard_bpf__load(skel);
		if (!err) {
			free_logs(logs, n);
			return skel;
		}
		for (failed = NULL, i = 0; i < n && !failed; i++)
			if (logs[i].buf[0])
				failed = &logs[i];
		/* a log that did not fit: the kernel says ENOSPC, not why */
		if (failed && err == -ENOSPC && log_size < LOG_SIZE_MAX) {
			free_logs(logs, n);
			sipguard_bpf__destroy(skel);
			log_size *= 8;
			continue;
		}
		report_load_failure(skel, err, failed, log_size, r->ifname);
		free_logs(logs, n);
		sipguard_bpf__destroy(skel);
		return NULL;
	}
}

static int xdp_link_create(const char *ifname, int ifindex, int prog_fd,
			   __u32 xdp_flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = xdp_flags);
	char path[SG_PATH_MAX];
	int fd, err;

	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
	if (fd < 0) {
		if ((fd == -EOPNOTSUPP || fd == -EINVAL) &&
		    (xdp_flags & XDP_FLAGS_DRV_MODE))
			sg_err("cannot attach XDP to %s in native mode: %s: the driver may lack native XDP, use --mode generic",
			       ifname, strerror(-fd));
		else if (fd == -EBUSY || fd == -EEXIST)
			sg_err("%s already has an XDP program: detach it first",
			       ifname);
		else
			sg_err_errno(fd, "cannot attach XDP", "run with --verbose for details");
		return -1;
	}
	sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_LINK);
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);	/* the link goes with its last reference */
		sg_err_errno(err, "cannot pin the XDP link", "check --pin-path");
		return -1;
	}
	return fd;
}

int do_attach(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "mode",     required_argument, NULL, 'm' },
		{ "config",   required_argument, NULL, 'c' },
		{ "monitor",  no_argument,       NULL, 'M' },
		{ "no-learn", no_argument,       NULL, 'N' },
		{ "conntrack", no_argument,      NULL, 'C' },
		{ 0 }
	};
	struct attach_opts o = {};
	struct load_req req = {};
	struct sipguard_bpf *skel = NULL;
	struct sg_iface_meta prev, meta = {};
	struct bpf_link_info info;
	struct sg_cfg cfg = {};
	struct sg_maps maps;
	char path[SG_PATH_MAX], name[64];
	enum link_state state;
	const char *ifname;
	int first, ifindex, lt, link_fd = -1, err, ret = SG_EXIT_FAIL;
	bool have_cfg = false, have_l7, replace = false, shared_existed, pinned_here = false;
	__u32 zero = 0, prog_id = 0;
	unsigned int ltype;
	__u8 mode;

	first = sg_getopt(argc, argv, "attach", "m:c:", extra, attach_opt, &o);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first < 1)
		return sg_usage("attach", "attach needs an interface");
	if (argc - first > 1)
		return sg_usage("attach", "unexpected argument '%s'", argv[first + 1]);
	ifname = argv[first];

	/* A bad config must change nothing: read it before anything else. */
	if (o.config) {
		if (sg_cfg_parse(o.config, &cfg))
			return SG_EXIT_FAIL;
		have_cfg = true;
	}
	ifindex = sg_ifindex(ifname, true);
	if (!ifindex)
		goto out;
	if (sg_need_privileges(true) || sg_check_kernel() || sg_ensure_bpffs())
		goto out;
	/*
	 * Conntrack cannot tell the phone's request from its answer to a
	 * stranger; the learner's flows can, and conntrack trust needs one.
	 */
	if (o.conntrack && o.no_learn) {
		sg_err("--conntrack needs the learner: conntrack trusts a connection only where the learner saw the LAN send a request on it (a phone's answer to a stranger also opens a conntrack entry); attach without --no-learn");
		goto out;
	}
	if (o.conntrack && conntrack_usable())
		goto out;

	/*
	 * Frames of a device without a link-layer header start at the IP
	 * header: the programs must know (SG_IF_L3, recomputed on every
	 * attach).  Such drivers (ppp, WireGuard, raw-IP modems) have no
	 * native XDP, and tun runs it only in tap mode: without --mode the
	 * kernel would pick native on tun, where the program sees nothing.
	 */
	lt = check_link_type(ifname, &ltype);
	if (lt < 0)
		goto out;
	if (link_types[lt].l3) {
		if (o.mode_given && (o.xdp_flags & XDP_FLAGS_DRV_MODE)) {
			sg_err("%s has no link-layer header (link type %s): native XDP is not available there (ppp, tun, WireGuard and raw-IP devices run XDP in generic mode only): leave --mode out, or use --mode generic",
			       ifname, link_types[lt].name);
			goto out;
		}
		o.xdp_flags = XDP_FLAGS_SKB_MODE;
	}

	state = pinned_link(ifname, ifindex, &link_fd, &info);
	switch (state) {
	case LINK_ERROR:
		goto out;
	case LINK_ELSEWHERE:
		sg_err("the pins under %s for %s belong to another interface or network namespace (XDP link %u on ifindex %u): use another --pin-path here",
		       sg_env.pin, ifname, info.id, info.xdp.ifindex);
		goto out;
	case LINK_HERE:
		mode = query_mode(ifindex, NULL);
		if (link_types[lt].l3 && mode == XDP_ATTACHED_DRV) {
			sg_err("%s is attached in native mode, where XDP sees none of its packets (link type %s): run 'sipguard detach %s' and attach again",
			       ifname, link_types[lt].name, ifname);
			goto out;
		}
		if (o.mode_given &&
		    strcmp(mode_name(mode), flags_mode_name(o.xdp_flags))) {
			sg_err("%s is attached in %s mode: changing to %s mode needs 'sipguard detach %s' first",
			       ifname, mode_name(mode),
			       flags_mode_name(o.xdp_flags), ifname);
			goto out;
		}
		break;
	case LINK_NONE:
	case LINK_DEFUNCT:
		mode = query_mode(ifindex, &prog_id);
		if (mode != XDP_ATTACHED_NONE && prog_id) {
			prog_name(prog_id, name, sizeof(name));
			sg_err("%s already has XDP program '%s' (id %u): detach it first",
			       ifname, name, prog_id);
			goto out;
		}
		break;
	}
	replace = state == LINK_HERE;

	sg_pin_file(path, sizeof(path), SG_MAP_CONFIG);
	shared_existed = sg_path_exists(path);
	sg_iface_dir(path, sizeof(path), ifname);
	err = sg_mkdir_p(path);
	if (err) {
		sg_err_errno(err, "cannot create the pin directory", "check --pin-path");
		goto out;
	}
	pinned_here = true;

	req.ifname = ifname;
	req.if_flags = (o.monitor ? SG_IF_MONITOR : 0) |
		       (link_types[lt].l3 ? SG_IF_L3 : 0);
	req.conntrack = o.conntrack;
	req.l7 = have_l7 = sg_l7_supported();
	req.learn = !o.no_learn;
	skel = load_object(&req);
	if (!skel)
		goto fail;

	/* Settings and entries go in before the program goes live. */
	if (have_l7) {
		int l7_fd = bpf_program__fd(skel->progs.sipguard_l7);

		err = bpf_map_update_elem(bpf_map__fd(skel->maps.sg_l7_prog), &zero,
					  &l7_fd, BPF_ANY);
		if (err) {
			sg_err_errno(-errno, "cannot install the layer-7 program",
				     "run with --verbose for details");
			goto fail;
		}
	}
	maps.allow = bpf_map__fd(skel->maps.sg_allow);
	maps.flows = bpf_map__fd(skel->maps.sg_flows);
	maps.frags = bpf_map__fd(skel->maps.sg_frags);
	maps.config = bpf_map__fd(skel->maps.sg_config);
	maps.deny = bpf_map__fd(skel->maps.sg_deny);
	maps.bans = bpf_map__fd(skel->maps.sg_bans);
	maps.users = bpf_map__fd(skel->maps.sg_users);
	maps.ua = bpf_map__fd(skel->maps.sg_ua);
	maps.allowbits = bpf_map__fd(skel->maps.sg_allowbits);
	if (!shared_existed) {
		struct sg_config def;

		sg_config_defaults(&def);
		err = sg_config_set(maps.config, &def);
		if (err) {
			sg_err_errno(err, "cannot write the settings", "try again");
			goto fail;
		}
	}
	if (have_cfg && sg_cfg_apply(&cfg, &maps))
		goto fail;
	/* the allowlist's filter, also when the pins came from an older run */
	if (sg_allow_bits_rebuild(&maps, NULL, 0))
		goto fail;

	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.sg_ifmeta), &zero, &prev))
		memset(&prev, 0, sizeof(prev));

	if (replace) {
		err = bpf_link_update(link_fd, bpf_program__fd(skel->progs.sipguard_xdp),
				      NULL);
		if (err) {
			sg_err_errno(err, "cannot replace the XDP program",
				     "run with --verbose, or detach and attach again");
			goto out;
		}
	} else {
		if (link_fd >= 0) {	/* defunct: its interface is gone */
			close(link_fd);
			link_fd = -1;
			sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_LINK);
			unpin(path);
		}
		link_fd = xdp_link_create(ifname, ifindex,
					  bpf_program__fd(skel->progs.sipguard_xdp),
					  o.xdp_flags);
		if (link_fd < 0)
			goto fail;
	}

	meta.ifindex = ifindex;
	meta.link_type = ltype;
	if (o.monitor)
		meta.flags |= SG_META_MONITOR;
	if (o.conntrack)
		meta.flags |= SG_META_CONNTRACK;
	if (!o.no_learn) {
		err = learner_attach(ifindex, bpf_program__fd(skel->progs.sipguard_learn),
				     &prev, &meta.flags);
		if (err) {
			sg_err_errno(err, "cannot attach the TC egress learner",
				     "run with --verbose, or attach with --no-learn");
			if (!replace)
				goto fail;
			goto out;
		}
	} else if ((int)prev.ifindex == ifindex) {
		learner_detach(ifindex, prev.flags);
	}
	meta.xdp_flags = o.mode_given || !replace ? o.xdp_flags : prev.xdp_flags;
	meta.attached_at = replace && prev.attached_at ? prev.attached_at :
			   (__u64)time(NULL);
	snprintf(meta.ifname, sizeof(meta.ifname), "%s", ifname);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.sg_ifmeta), &zero, &meta,
				BPF_ANY))
		sg_err_errno(errno, "cannot record the attachment",
			     "detach may leave the learner behind");

	mode = query_mode(ifindex, NULL);
	printf("sipguard %s %s (%s XDP, learner %s%s%s%s): ",
	       replace ? "replaced on" : "attached to", ifname, mode_name(mode),
	       meta.flags & SG_META_LEARN ? "on" : "off",
	       o.conntrack ? ", conntrack" : "",
	       o.monitor ? ", monitor" : "",
	       have_l7 ? "" : ", layer-7 rules off: they need Linux 5.18");
	print_fill(stdout, maps.allow, maps.flows);
	putchar('\n');
	ret = SG_EXIT_OK;
	goto out;

fail:
	/* A new attachment that failed leaves nothing behind. */
	if (!replace && pinned_here) {
		if (link_fd >= 0) {
			close(link_fd);
			link_fd = -1;
		}
		sipguard_bpf__destroy(skel);
		skel = NULL;
		iface_unpin(ifname);
		shared_unpin_if_unused();
	}
out:
	if (link_fd >= 0)
		close(link_fd);
	sipguard_bpf__destroy(skel);
	if (have_cfg)
		sg_cfg_free(&cfg);
	return ret;
}

/* ---- detach ---- */

int do_detach(int argc, char **argv)
{
	struct sg_iface_meta meta;
	struct bpf_link_info info;
	char path[SG_PATH_MAX];
	enum link_state state;
	const char *ifname;
	int first, ifindex, fd, err;
	bool last;

	first = sg_getopt(argc, argv, "detach", NULL, NULL, NULL, NULL);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first < 1)
		return sg_usage("detach", "detach needs an interface");
	if (argc - first > 1)
		return sg_usage("detach", "unexpected argument '%s'", argv[first + 1]);
	ifname = argv[first];
	if (sg_check_ifname(ifname) || sg_need_privileges(true))
		return SG_EXIT_FAIL;

	sg_iface_dir(path, sizeof(path), ifname);
	if (!sg_path_exists(path)) {
		sg_err("%s is not attached (nothing pinned under %s): see 'sipguard status'",
		       ifname, path);
		return SG_EXIT_FAIL;
	}
	ifindex = sg_ifindex(ifname, false);
	read_meta(ifname, &meta);

	state = pinned_link(ifname, ifindex, &fd, &info);
	switch (state) {
	case LINK_ERROR:
		return SG_EXIT_FAIL;
	case LINK_ELSEWHERE:
		if (!ifindex)
			sg_err("%s is not in this network namespace, but its XDP link is live (ifindex %u): run detach in the interface's namespace (nsenter --net=...)",
			       ifname, info.xdp.ifindex);
		else
			sg_err("the pins for %s belong to another interface or network namespace (ifindex %u): run detach there, or use its --pin-path",
			       ifname, info.xdp.ifindex);
		close(fd);
		return SG_EXIT_FAIL;
	case LINK_HERE:
		err = bpf_link_detach(fd);
		if (err && err != -EOPNOTSUPP && err != -EINVAL) {
			sg_err_errno(err, "cannot detach the XDP link", "try again");
			close(fd);
			return SG_EXIT_FAIL;
		}
		break;
	case LINK_NONE:
	case LINK_DEFUNCT:
		break;
	}
	if (fd >= 0)
		close(fd);
	if (ifindex && (int)meta.ifindex == ifindex)
		learner_detach(ifindex, meta.flags);

	err = iface_unpin(ifname);
	if (err) {
		sg_err_errno(err, "cannot remove the interface's pins",
			     "remove the directory by hand");
		return SG_EXIT_FAIL;
	}
	last = shared_unpin_if_unused();
	if (last)
		printf("sipguard detached from %s; nothing left pinned under %s\n",
		       ifname, sg_env.pin);
	else
		printf("sipguard detached from %s\n", ifname);
	return SG_EXIT_OK;
}

/* ---- status ---- */

/* Is a sipguard_l7 installed in the instance's tail-call slot? */
static bool l7_installed(const char *ifname)
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

static json_object *iface_status(const char *ifname, const struct sg_config *cfg)
{
	struct sg_iface_meta meta;
	struct bpf_link_info info;
	enum link_state state;
	char since[64] = "-";
	const char *mode = "none", *where;
	int ifindex, fd, lt;
	unsigned int ltype;
	bool monitor, l7;
	json_object *o;

	ifindex = sg_ifindex(ifname, false);
	l7 = l7_installed(ifname);
	read_meta(ifname, &meta);
	state = pinned_link(ifname, ifindex, &fd, &info);
	if (fd >= 0)
		close(fd);
	/* an attachment by an older sipguard did not record it */
	ltype = meta.link_type;
	if (!ltype && state == LINK_HERE) {
		lt = read_link_type(ifname);
		ltype = lt > 0 ? lt : 0;
	}
	lt = ltype ? link_type_idx(ltype) : -1;
	switch (state) {
	case LINK_HERE:
		where = "attached";
		mode = mode_name(query_mode(ifindex, NULL));
		break;
	case LINK_DEFUNCT:
		where = "interface-gone";
		break;
	case LINK_ELSEWHERE:
		where = "other-namespace";
		mode = flags_mode_name(meta.xdp_flags);
		break;
	default:
		where = "no-link";
		break;
	}
	monitor = (meta.flags & SG_META_MONITOR) || (cfg->flags & SG_CFG_MONITOR);
	if (meta.attached_at) {
		time_t t = meta.attached_at;
		struct tm tm;

		strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S %z",
			 localtime_r(&t, &tm));
	}

	if (!sg_env.json) {
		printf("%s: ", ifname);
		switch (state) {
		case LINK_HERE:
			printf("ifindex %u, link %s, %s XDP, prog id %u, link id %u",
			       info.xdp.ifindex, lt >= 0 ? link_types[lt].text : "unknown",
			       mode, info.prog_id, info.id);
			break;
		case LINK_DEFUNCT:
			printf("interface gone (XDP link %u defunct)", info.id);
			break;
		case LINK_ELSEWHERE:
			printf("XDP link %u on ifindex %u in another network namespace",
			       info.id, info.xdp.ifindex);
			break;
		default:
			printf("no XDP link pinned");
			break;
		}
		if (state != LINK_HERE && lt >= 0)
			printf(", link %s", link_types[lt].text);
		printf(", learner %s, conntrack %s, layer-7 %s, monitor %s%s, attached since %s",
		       meta.flags & SG_META_LEARN ? "on" : "off",
		       meta.flags & SG_META_CONNTRACK ? "on" : "off", l7 ? "on" : "off",
		       monitor ? "on" : "off",
		       meta.flags & SG_META_MONITOR ? " (--monitor)" : "", since);
		if (state == LINK_DEFUNCT)
			printf(": run 'sipguard detach %s'", ifname);
		else if (state == LINK_NONE)
			printf(": run 'sipguard attach %s' again", ifname);
		putchar('\n');
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(ifname));
	json_object_object_add(o, "state", json_object_new_string(where));
	json_object_object_add(o, "ifindex", json_object_new_int64(info.xdp.ifindex ?
					     info.xdp.ifindex : meta.ifindex));
	json_object_object_add(o, "link_type", lt >= 0 ?
			       json_object_new_string(link_types[lt].name) : NULL);
	json_object_object_add(o, "link_type_id", ltype ?
			       json_object_new_int64(ltype) : NULL);
	json_object_object_add(o, "mode", json_object_new_string(mode));
	json_object_object_add(o, "prog_id", json_object_new_int64(info.prog_id));
	json_object_object_add(o, "link_id", json_object_new_int64(info.id));
	json_object_object_add(o, "learner",
			       json_object_new_boolean(meta.flags & SG_META_LEARN));
	json_object_object_add(o, "conntrack",
			       json_object_new_boolean(meta.flags & SG_META_CONNTRACK));
	json_object_object_add(o, "layer7", json_object_new_boolean(l7));
	json_object_object_add(o, "monitor", json_object_new_boolean(monitor));
	json_object_object_add(o, "monitor_flag",
			       json_object_new_boolean(meta.flags & SG_META_MONITOR));
	json_object_object_add(o, "attached_at", json_object_new_int64(meta.attached_at));
	return o;
}

/* The ban quota's counts (sg_banstat); false where it is not pinned. */
static bool ban_stat(struct sg_ban_stat *st)
{
	char path[SG_PATH_MAX];
	__u32 zero = 0;
	int fd, err;

	sg_pin_file(path, sizeof(path), SG_MAP_BANSTAT);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	err = bpf_map_lookup_elem(fd, &zero, st);
	close(fd);
	return !err;
}

static json_object *fill_json(long n, long max)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "entries", json_object_new_int64(n < 0 ? 0 : n));
	json_object_object_add(o, "max", json_object_new_int64(max));
	return o;
}

int do_status(int argc, char **argv)
{
	json_object *root = NULL, *ifs = NULL, *set, *o;
	struct sg_ban_stat bst;
	struct sg_config cfg;
	struct sg_maps m;
	char path[SG_PATH_MAX], **names = NULL;
	int first, n, i;

	first = sg_getopt(argc, argv, "status", NULL, NULL, NULL, NULL);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first > 0)
		return sg_usage("status", "unexpected argument '%s'", argv[first]);
	if (sg_need_privileges(false))
		return SG_EXIT_FAIL;

	sg_pin_file(path, sizeof(path), SG_MAP_CONFIG);
	n = sg_list_ifaces(&names);
	if (n < 0) {
		sg_err_errno(n, "cannot read the pin directory", "check --pin-path");
		return SG_EXIT_FAIL;
	}
	if (sg_env.json) {
		root = json_object_new_object();
		ifs = json_object_new_array();
		json_object_object_add(root, "pin_path", json_object_new_string(sg_env.pin));
	}
	if (!n && !sg_path_exists(path)) {
		if (root) {
			json_object_object_add(root, "attached", json_object_new_boolean(false));
			json_object_object_add(root, "interfaces", ifs);
			sg_json_print(root);
		} else {
			printf("not attached (nothing pinned under %s)\n", sg_env.pin);
		}
		return SG_EXIT_OK;
	}
	if (sg_maps_open(&m)) {
		sg_free_names(names, n);
		json_object_put(root);
		json_object_put(ifs);
		return SG_EXIT_FAIL;
	}
	if (sg_config_get(m.config, &cfg))
		sg_config_defaults(&cfg);
	if (!cfg.flow_timeout_s)
		cfg.flow_timeout_s = SG_DEFAULT_FLOW_TIMEOUT;

	for (i = 0; i < n; i++) {
		o = iface_status(names[i], &cfg);
		if (o)
			json_object_array_add(ifs, o);
	}
	if (!n && !root)
		printf("no interface attached (shared maps pinned under %s)\n",
		       sg_env.pin);
	if (root) {
		json_object_object_add(root, "attached", json_object_new_boolean(n > 0));
		json_object_object_add(root, "interfaces", ifs);
		set = json_object_new_object();
		json_object_object_add(set, "monitor",
				       json_object_new_boolean(cfg.flags & SG_CFG_MONITOR));
		json_object_object_add(set, "flow_timeout_s",
				       json_object_new_int64(cfg.flow_timeout_s));
		json_object_object_add(set, "match_remote_port",
				       json_object_new_boolean(cfg.flags & SG_CFG_MATCH_PORT));
		json_object_object_add(set, "unknown_invite",
				       json_object_new_string(cfg.flags & SG_CFG_INSPECT ?
							      "inspect" : "drop"));
		json_object_object_add(set, "ban_time_s",
				       json_object_new_int64(cfg.ban_time_s));
		json_object_object_add(root, "settings", set);
		json_object_object_add(root, "deny",
				       fill_json(sg_map_count(m.deny, sizeof(struct sg_lpm_key)),
						 SG_DENY_MAX));
		json_object_object_add(root, "user_agents",
				       fill_json(cfg.ua_count, SG_UA_MAX));
		json_object_object_add(root, "users",
				       fill_json(sg_map_count(m.users, sizeof(struct sg_user_key)),
						 SG_USERS_MAX));
		json_object_object_add(root, "bans",
				       fill_json(sg_map_count(m.bans, sizeof(struct sg_addr)),
						 SG_BANS_MAX));
		if (ban_stat(&bst))
			json_object_object_add(root, "bans_refused",
					       json_object_new_int64(bst.refused));
		json_object_object_add(root, "allowlist",
				       fill_json(sg_map_count(m.allow, sizeof(struct sg_lpm_key)),
						 SG_ALLOW_MAX));
		json_object_object_add(root, "flows",
				       fill_json(sg_map_count(m.flows, sizeof(struct sg_flow_key)),
						 SG_FLOWS_MAX));
		sg_json_print(root);
	} else {
		printf("settings: monitor %s, flow-timeout %us, match-remote-port %s, unknown-invite %s, ban-time %us\n",
		       cfg.flags & SG_CFG_MONITOR ? "on" : "off", cfg.flow_timeout_s,
		       cfg.flags & SG_CFG_MATCH_PORT ? "on" : "off",
		       cfg.flags & SG_CFG_INSPECT ? "inspect" : "drop", cfg.ban_time_s);
		print_fill(stdout, m.allow, m.flows);
		printf("\nlayer 7: deny list %ld/%d, user-agents %u/%d, users %ld/%d, bans %ld\n",
		       sg_map_count(m.deny, sizeof(struct sg_lpm_key)), SG_DENY_MAX,
		       cfg.ua_count, SG_UA_MAX,
		       sg_map_count(m.users, sizeof(struct sg_user_key)), SG_USERS_MAX,
		       sg_map_count(m.bans, sizeof(struct sg_addr)));
		if (ban_stat(&bst) && bst.refused)
			printf("bans refused (the quota of new bans was spent): %llu\n",
			       (unsigned long long)bst.refused);
	}
	sg_maps_close(&m);
	sg_free_names(names, n);
	return SG_EXIT_OK;
}
