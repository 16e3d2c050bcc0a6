/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The learner's side of the flow table (sipguard_learn, TC egress): an
 * outbound request that opens something (REGISTER, INVITE, SUBSCRIBE,
 * OPTIONS, PUBLISH, MESSAGE) records the flow {remote address, remote
 * port, local port}; any other outbound SIP message only refreshes a flow
 * that exists, so that a phone answering a stranger's OPTIONS never
 * invites the stranger in.  Each flow is stored under its exact key and
 * under a wildcard copy (include/sipguard.h says why).  When the table is
 * full, the learned flow seen longest ago is evicted to make room.
 */
#ifndef SG_LEARN_H
#define SG_LEARN_H

#include <linux/errno.h>

#include "maps.h"

/*
 * SEEN starts above every stamp and nothing else says whether a flow was
 * found: Linux 6.1's verifier checks a callback as if called once, with
 * the caller's stack as it was, and would remove a branch on a "found"
 * flag that it sees at 0 there (the walk would then keep the last flow it
 * visited, not the oldest).
 */
struct oldest {
	struct sg_flow_key key;
	__u64 seen;
};

#define SG_SEEN_NONE	(~0ULL)

static long find_oldest(void *map, const void *key, void *value,
			void *arg)
{
	const struct sg_flow_val *v = value;
	struct oldest *o = arg;

	if (v->flags & (SG_FLOW_STATIC | SG_FLOW_SHADOW))
		return 0;
	if (v->last_seen_ns < o->seen) {
		__builtin_memcpy(&o->key, key, sizeof(o->key));
		o->seen = v->last_seen_ns;
	}
	return 0;
}

static __always_inline struct sg_flowstat *flowstat(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sg_flowstat, &zero);
}

/*
 * The table is full: evict the learned flow seen longest ago, with its
 * wildcard copy unless a fresher flow shares it.  Only new flows in a
 * full table pay for the walk.
 */
static __always_inline int evict_oldest(void)
{
	struct oldest o = { .seen = SG_SEEN_NONE };
	struct sg_flow_key wild;
	struct sg_flow_val *w;
	struct sg_flowstat *st;

	bpf_for_each_map_elem(&sg_flows, find_oldest, &o, 0);
	if (o.seen == SG_SEEN_NONE)
		return -1;
	bpf_map_delete_elem(&sg_flows, &o.key);
	wild = o.key;
	wild.remote_port = 0;
	w = bpf_map_lookup_elem(&sg_flows, &wild);
	if (w && (w->flags & SG_FLOW_SHADOW) && w->last_seen_ns <= o.seen)
		bpf_map_delete_elem(&sg_flows, &wild);
	st = flowstat();
	if (st)
		st->evicted++;
	return 0;
}

static __always_inline int flow_insert(const struct sg_flow_key *k,
				       const struct sg_flow_val *v)
{
	/*
	 * int, not long: Linux 6.1 hands a map update's error back
	 * zero-extended (the map's update op returns int there), so only
	 * the low 32 bits say -E2BIG.
	 */
	int err = bpf_map_update_elem(&sg_flows, k, v, BPF_NOEXIST);

	if (err == -E2BIG && !evict_oldest())
		err = bpf_map_update_elem(&sg_flows, k, v, BPF_NOEXIST);
	return err;
}

static __always_inline void learn_flow(const struct sg_flow_key *exact,
				       int opens)
{
	struct sg_flow_key wild = *exact;
	struct sg_flow_val *v, nv = {};
	struct sg_flowstat *st;
	__u64 now = sg_now();

	wild.remote_port = 0;
	/*
	 * The LAN asks this address for something: whatever a datagram
	 * naming it as its source earned it, a ban no longer applies.
	 */
	if (opens)
		bpf_map_delete_elem(&sg_bans, &exact->addr);
	v = bpf_map_lookup_elem(&sg_flows, exact);
	if (v) {
		v->last_seen_ns = now;
	} else if (opens) {
		nv.last_seen_ns = now;
		nv.created_ns = now;
		nv.origin = SG_ORIGIN_LEARNED;
		st = flowstat();
		if (flow_insert(exact, &nv)) {
			if (st)
				st->full++;
			return;
		}
		if (st)
			st->learned++;
	} else {
		return;
	}

	/* The wildcard copy; a hand-made flow there stays as it is. */
	v = bpf_map_lookup_elem(&sg_flows, &wild);
	if (v) {
		if (!(v->flags & SG_FLOW_STATIC))
			v->last_seen_ns = now;
		return;
	}
	nv.last_seen_ns = now;
	nv.created_ns = now;
	nv.origin = SG_ORIGIN_LEARNED;
	nv.flags = SG_FLOW_SHADOW;
	flow_insert(&wild, &nv);
}

#define SG_LEARN_PULL	256	/* bytes made linear for the parser */

#endif /* SG_LEARN_H */
