/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The rules of one flow set (include/sipguard.h, "Established flows")
 * that the programs and userspace share: when a slot is fresh, which
 * slot a new flow takes, what a refresh gives.  Pure functions of a set
 * and the time: the programs call them with the set's lock held, where
 * the verifier allows no call, so everything here is inline.
 */
#ifndef SG_FLOWSET_H
#define SG_FLOWSET_H

#include "sipguard.h"
#include "compiler.h"

static __always_inline int slot_fresh(const struct sg_flow_slot *w, __u32 now)
{
	/* signed: a stamp that wrapped still compares right */
	return (__s32)(w->expires_s - now) > 0;
}

/*
 * The slots whose tag (of a set's eight) is TAG, as a mask with bit 8*i+7
 * set for slot i: the has-zero-byte trick on the tags XOR TAG, read as a
 * little-endian word (sg_load_le64_a8(): the tags are 8-byte aligned in
 * their set) so that slot i is byte i on every CPU.  It may also flag a
 * slot after a true match (a borrow); callers compare the slot anyway.
 */
static __always_inline __u64 sg_tag_hits(const __u8 *tags, __u8 tag)
{
	__u64 x = sg_load_le64_a8(tags) ^ (0x0101010101010101ULL * tag);

	return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

/* What a change to a set did (the programs count it after the unlock). */
enum flow_did {
	FLOW_NOTHING,
	FLOW_REFRESHED,
	FLOW_NEW,		/* into a free slot */
	FLOW_RECLAIMED,		/* into an expired flow's slot */
	FLOW_EVICTED,		/* in place of a live unprotected flow */
	FLOW_FULL,		/* every slot protected and live */
	FLOW_REMOVED,
	FLOW_MARKED,
};

/*
 * The slot a new flow takes in S, at NOW: a free one, else an expired
 * one, else the live unprotected one that is unanswered and seen longest
 * ago, else the answered one seen longest ago; SG_FLOW_WAYS when every
 * slot is live and protected.  *DID says which.  Called with the lock
 * held: no calls.
 */
static __always_inline __u32 set_victim(const struct sg_flow_set *s, __u32 now,
					__u32 *did)
{
	__u32 i, best = SG_FLOW_WAYS, best_rank = 0, rank;

SG_UNROLL
	for (i = 0; i < SG_FLOW_WAYS; i++) {
		const struct sg_flow_slot *w = &s->way[i];
		__u32 seen;

		if (!s->tag[i]) {
			*did = FLOW_NEW;
			return i;
		}
		if (!slot_fresh(w, now)) {
			rank = 0xffffffff;	/* expired: the best there is */
		} else if (w->flags & (SG_FLOW_PROTECTED | SG_FLOW_STATIC)) {
			continue;
		} else {
			/* older (smaller last-seen) ranks higher, from 1 */
			seen = w->expires_s - w->lifetime_s;
			rank = now - seen;
			if (rank > 0x3ffffffe)
				rank = 0x3ffffffe;
			rank += 1;
			if (!(w->flags & SG_FLOW_ANSWERED))
				rank |= 0x40000000;
		}
		if (rank > best_rank) {
			best_rank = rank;
			best = i;
		}
	}
	*did = best_rank == 0xffffffff ? FLOW_RECLAIMED :
	       best < SG_FLOW_WAYS ? FLOW_EVICTED : FLOW_FULL;
	return best;
}

/*
 * Free slots of S (in the programs a hint, read without the lock): the
 * zero tags, counted with word arithmetic and no branch (a branch per tag
 * would give the verifier 256 ways through).
 */
static __always_inline __u32 set_free(const struct sg_flow_set *s)
{
	const __u64 lo7 = 0x7f7f7f7f7f7f7f7fULL;
	__u64 t, z;

	__builtin_memcpy(&t, s->tag, sizeof(t));
	z = ~(((t & lo7) + lo7) | t) & ~lo7;	/* 0x80 in each zero byte */
	return (__u32)(((z >> 7) * 0x0101010101010101ULL) >> 56);
}

/*
 * Which of a new flow's two sets is tried first: the second (1) when it
 * has more free slots, else the first.  Two choices, the emptier first,
 * keep the sets' fill even; every writer chooses so (the learner,
 * sg_flowtab_put(), sg_flowtab_load()).
 */
static __always_inline int set_second_first(const struct sg_flow_set *s0,
					    const struct sg_flow_set *s1)
{
	return set_free(s1) > set_free(s0);
}

/*
 * The lifetime a refresh gives W: a registration's own, else the
 * configured timeout as it is now.
 */
static __always_inline __u32 slot_life(const struct sg_flow_slot *w,
				       __u32 timeout)
{
	return (w->flags & SG_FLOW_REG_LIFE) ? w->lifetime_s : timeout;
}

#endif /* SG_FLOWSET_H */
