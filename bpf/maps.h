/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every map of the programs, the .rodata flags the loader sets before
 * load, and the two things every stage reads beside them: the config
 * entry and the clock of the stored timestamps.
 *
 * A new map goes here, under the name it is pinned as (the skeleton, the
 * loader and pinned maps from earlier versions know maps by name; names
 * and value layouts are ABI).  A map that every interface shares also
 * goes into SG_SHARED_MAPS in include/sipguard.h, which the check at the
 * end of this file holds to the definitions here.  The order of the
 * definitions is the order of the skeleton's fields: add at the end of a
 * group, do not reorder.
 */
#ifndef SG_MAPS_H
#define SG_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sipguard.h"
#include "scan.h"

#define NSEC_PER_SEC	1000000000ULL

/* Set per attached interface by `sipguard attach` before load. */
const volatile __u32 sg_if_flags = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct sg_lpm_key);
	__type(value, struct sg_allow_val);
	__uint(max_entries, SG_ALLOW_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sg_allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_allow_bits);
	__uint(max_entries, 1);
} sg_allowbits SEC(".maps");

/*
 * Learned flows: SG_FLOW_SETS sets of SG_FLOW_WAYS slots, each set with
 * its spin lock (include/sipguard.h, learn.h).  An array: its lookups are
 * inlined, its memory is fixed, and a full table costs an insert no more
 * than an empty one.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_flow_set);
	__uint(max_entries, SG_FLOW_SETS);
} sg_flows SEC(".maps");

/*
 * The flows' filter (include/sipguard.h, struct sg_flow_bits): one bit
 * per pair, asked before the sets.  Mappable, so that userspace sets its
 * bits with atomic ORs as the programs do (a write of the whole value
 * could undo a bit the learner set meanwhile).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_flow_bits);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
} sg_flowbits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_flowstat);
	__uint(max_entries, 1);
} sg_flowstat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sg_frag_key);
	__type(value, struct sg_frag_val);
	__uint(max_entries, SG_FRAGS_MAX);
} sg_frags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_config);
	__uint(max_entries, 1);
} sg_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct sg_lpm_key);
	__type(value, struct sg_allow_val);
	__uint(max_entries, SG_DENY_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sg_deny SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sg_addr);
	__type(value, struct sg_ban_val);
	__uint(max_entries, SG_BANS_MAX);
} sg_bans SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sg_user_key);
	__type(value, __u32);
	__uint(max_entries, SG_USERS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sg_users SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_ua_set);
	__uint(max_entries, 2);
} sg_ua SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SG_EVENTS_BYTES);
} sg_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_evstate);
	__uint(max_entries, 1);
} sg_evstate SEC(".maps");

/*
 * Hand-over from sipguard_xdp to sipguard_l7 (same CPU, same packet), and
 * the scanner's buffer.  Private to the programs: not pinned, not ABI.
 */
enum sg_l7_mode {
	SG_L7_EVENT,		/* a drop: fill in the event's header fields */
	SG_L7_INSPECT,		/* an INVITE under the inspect policy */
	SG_L7_UA,		/* another request: User-Agent blocklist */
};

struct sg_scratch {
	__u32 mode;		/* enum sg_l7_mode */
	__u32 reason;		/* SG_L7_EVENT: the drop reason */
	__u32 payload_off;	/* start line, from the frame's start */
	__u8 method;
	__u8 pad;
	__u16 sport;
	__u16 dport;
	__u16 pad2;
	struct sg_addr saddr;
	struct sg_addr daddr;
	struct sg_scan scan;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_scratch);
	__uint(max_entries, 1);
} sg_scratch SEC(".maps");

/* This instance's tail-call slots (SG_TAILCALLS), set by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SG_TAIL_MAX);
} sg_l7_prog SEC(".maps");

/* Per interface: pinned in the interface's directory, not shared. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_counter);
	__uint(max_entries, SG_CTR_MAX);
} sg_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_iface_meta);
	__uint(max_entries, 1);
} sg_ifmeta SEC(".maps");

/* The ban quota and its counts (sg_ban_stat); shared like the bans. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_ban_stat);
	__uint(max_entries, 1);
} sg_banstat SEC(".maps");

/* Hand-made flows; asked only while SG_CFG_STATIC is set. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sg_flow_key);
	__type(value, struct sg_flow_static);
	__uint(max_entries, SG_STATIC_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sg_flows_static SEC(".maps");

/* Calls `inspect` let in, until the LAN answers them (learn.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sg_flow_key);
	__type(value, __u32);	/* sg_now_s() when the wait ends */
	__uint(max_entries, SG_PENDING_MAX);
} sg_pending SEC(".maps");

/*
 * The learner's copy of a REGISTER, for its lifetime (learn.h).  Per CPU,
 * apart from sg_scratch: XDP may run in a softirq on top of the learner.
 */
#define SG_REG_SCAN	1024	/* bytes of a REGISTER searched for expires */

struct sg_lscratch {
	__u64 w;		/* sg_reg_expires(): the last 8 bytes */
	__u32 hdr;		/* where "expires" ended last: the header */
	__u32 par;		/* ... a parameter */
	__u32 to;		/* where a To header's name ended */
	__u32 aor;		/* aor_hash() of the To header; 0: none */
	__u8 buf[SG_REG_SCAN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sg_lscratch);
	__uint(max_entries, 1);
} sg_lscratch SEC(".maps");

/*
 * Each map of SG_SHARED_MAPS(field, pin name, label) is defined above as
 * sg_<field>, and its pin name is its map name: a map renamed or dropped
 * on one side only fails the build, not an attach.
 */
#define SG_SHARED_MAP_CHECK(field, pin, label)				\
	_Static_assert(sizeof(sg_##field) > 0 &&			\
		       __builtin_strcmp(pin, "sg_" #field) == 0,	\
		       "shared map " pin " is not defined as sg_" #field);
SG_SHARED_MAPS(SG_SHARED_MAP_CHECK)
#undef SG_SHARED_MAP_CHECK

static __always_inline struct sg_config *get_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sg_config, &zero);
}

/*
 * The clock of timestamps in nanoseconds (bans, fragments, the event
 * bucket): the coarse monotonic clock, a fraction of the cost of the
 * precise one.
 */
static __always_inline __u64 sg_now(void)
{
	return bpf_ktime_get_coarse_ns();
}

/*
 * The clock in seconds, the unit of flow lifetimes, which the verdict
 * on an established flow reads: from jiffies where `attach` measured
 * them (struct sg_config, clock_mult), an inlined load instead of a
 * helper call; else from sg_now().  Both are CLOCK_MONOTONIC's seconds,
 * which userspace compares with, within a tick.  A config read torn by
 * a rewrite (one field new, one not yet) falls back to sg_now().
 */
static __always_inline __u32 sg_clock_s(const struct sg_config *cfg)
{
	if (cfg && cfg->clock_mult && cfg->clock_base)
		return sg_clock_seconds(cfg, bpf_jiffies64());
	return sg_now() / NSEC_PER_SEC;
}

/* The same, for a caller without the config at hand. */
static __always_inline __u32 sg_now_s(void)
{
	return sg_clock_s(get_config());
}

#endif /* SG_MAPS_H */
