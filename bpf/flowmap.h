/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The learned-flow table (include/sipguard.h, "Established flows"): the
 * set-associative array sg_flows and what reads and writes it.
 *
 * A pair {remote addr, local port} hashes to two sets; a flow sits in
 * one slot of one of them.  Readers (the XDP verdict) take no lock: they
 * compare the eight one-byte tags of a set with one word operation and
 * look at a slot only where its tag matches.  Writers (the TC learner,
 * the XDP program marking a flow answered, userspace) hold the set's
 * spin lock, and never call anything while they hold it (the verifier
 * allows no call then), so counting is done after the unlock.
 *
 * A writer clears a slot's tag before it rewrites the slot and sets it
 * after, so a reader that sees a matching tag sees a whole flow in all
 * but a rewrite's own few instructions; what it may miss then is the
 * flow being replaced, never another.
 */
#ifndef SG_FLOWMAP_H
#define SG_FLOWMAP_H

#include "maps.h"
#include "flowset.h"

/* Where a pair's flows may be: both sets, the tag. */
struct flow_where {
	__u32 set[2];
	__u8 tag;
};

static __always_inline struct flow_where flow_where_h(__u32 h)
{
	struct flow_where w = { .set = { sg_flow_set1(h), sg_flow_set2(h) },
				.tag = sg_flow_tag(h) };

	return w;
}

static __always_inline struct flow_where flow_where(const struct sg_addr *a,
						    __u16 local_port)
{
	return flow_where_h(sg_flow_hash(a, local_port));
}

/* The same, for a source the caller knows to be IPv4 (::ffff:a.b.c.d). */
static __always_inline struct flow_where flow_where_v4(const struct sg_addr *a,
						       __u16 local_port)
{
	return flow_where_h(sg_flow_hash_v4(&a->b[12], local_port));
}

static __always_inline struct sg_flow_set *flow_set(__u32 i)
{
	return bpf_map_lookup_elem(&sg_flows, &i);
}

static __always_inline struct sg_flow_bits *flow_bits(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sg_flowbits, &zero);
}

/*
 * *P |= M, atomically: BPF_ATOMIC | BPF_W with BPF_OR (Linux 5.12).
 * clang emits the 32-bit atomics only with -mcpu=v3, which would change
 * the code of every program; written out here instead.  32-bit words,
 * because userspace ORs into the same words (lib/flowtab.c), and a
 * 32-bit host has no 64-bit atomic that the kernel's would respect.
 */
static __always_inline void sg_atomic_or32(__u32 *p, __u32 m)
{
	register __u64 r3 asm("r3") = m;

	asm volatile("lock *(u32 *)(%[p] + 0) |= w3"
		     : : [p] "r"(p), "r"(r3) : "memory");
}

/*
 * The pair's bit in both halves of the flows' filter (include/sipguard.h,
 * struct sg_flow_bits): before a new flow goes in and again after.
 */
static __always_inline void flow_bit_set(__u32 bit)
{
	struct sg_flow_bits *f = flow_bits();
	__u32 i = sg_fb_word(bit), m = sg_fb_mask(bit);

	if (!f)
		return;
	sg_atomic_or32(&f->w[0][i], m);
	sg_atomic_or32(&f->w[1][i], m);
}

/* The slots of S whose tag is TAG: bit 8*i+7 for slot i (flowset.h). */
static __always_inline __u64 tag_hits(const struct sg_flow_set *s, __u8 tag)
{
	return sg_tag_hits(s->tag, tag);
}

static __always_inline int addr_eq(const struct sg_addr *x,
				   const struct sg_addr *y)
{
	__u64 a0, a1, b0, b1;

	__builtin_memcpy(&a0, x->b, 8);
	__builtin_memcpy(&a1, x->b + 8, 8);
	__builtin_memcpy(&b0, y->b, 8);
	__builtin_memcpy(&b1, y->b + 8, 8);
	return a0 == b0 && a1 == b1;
}

/* Is slot W of the pair, with remote port RPORT unless ANY_RPORT? */
static __always_inline int slot_is(const struct sg_flow_slot *w,
				   const struct sg_addr *a, __u16 rport,
				   __u16 lport, int any_rport)
{
	return w->local_port == lport &&
	       (any_rport || w->remote_port == rport) && addr_eq(&w->addr, a);
}

/*
 * The slot of S that holds the flow, or SG_FLOW_WAYS.  ANY_RPORT: any
 * remote port of the pair, and then only a fresh one unless OLD_TOO.
 */
static __always_inline __u32 set_find(const struct sg_flow_set *s, __u8 tag,
				      const struct sg_addr *a, __u16 rport,
				      __u16 lport, int any_rport, int old_too,
				      __u32 now)
{
	__u64 hits = tag_hits(s, tag);
	__u32 i;

	if (!hits)
		return SG_FLOW_WAYS;
SG_UNROLL
	for (i = 0; i < SG_FLOW_WAYS; i++) {
		const struct sg_flow_slot *w = &s->way[i];

		if (!(hits & (0x80ULL << (8 * i))) || s->tag[i] != tag)
			continue;
		if (!slot_is(w, a, rport, lport, any_rport))
			continue;
		if (old_too || slot_fresh(w, now))
			return i;
	}
	return SG_FLOW_WAYS;
}

/*
 * Is there a learned flow of {a, lport} (with remote port RPORT unless
 * ANY_RPORT), fresh unless OLD_TOO?  Both sets.
 */
static __always_inline int flow_known(const struct sg_addr *a, __u16 rport,
				      __u16 lport, int any_rport, int old_too)
{
	struct flow_where fw = flow_where(a, lport);
	struct sg_flow_set *s;
	__u32 now = old_too ? 0 : sg_now_s();

	s = flow_set(fw.set[0]);
	if (s && set_find(s, fw.tag, a, rport, lport, any_rport, old_too,
			  now) < SG_FLOW_WAYS)
		return 1;
	s = flow_set(fw.set[1]);
	return s && set_find(s, fw.tag, a, rport, lport, any_rport, old_too,
			     now) < SG_FLOW_WAYS;
}

/*
 * Could {a, lport} have a flow?  The two sets' tags only: no slot is
 * read, no clock, no call.  A stranger's INVITE ends here (a tag of the
 * pair in either set is needed before flow_known() is asked), so an
 * orphan flood costs the hash and two cache lines.
 */
static __always_inline int flow_maybe(const struct sg_addr *a, __u16 lport)
{
	struct flow_where fw = flow_where(a, lport);
	struct sg_flow_set *s;

	s = flow_set(fw.set[0]);
	if (s && tag_hits(s, fw.tag))
		return 1;
	s = flow_set(fw.set[1]);
	return s && tag_hits(s, fw.tag);
}

/*
 * flow_known() as a global function, so that the verifier checks it once
 * and not at each of the verdict's call sites.  K's remote port counts
 * unless FK_ANY_RPORT; a flow that ran out counts with FK_OLD_TOO.
 */
#define FK_ANY_RPORT	1
#define FK_OLD_TOO	2

__attribute__((noinline))
int sg_flow_known(const struct sg_flow_key *k, __u32 how)
{
	if (!k)
		return 0;
	return flow_known(&k->addr, k->remote_port, k->local_port,
			  how & FK_ANY_RPORT, how & FK_OLD_TOO);
}

static __always_inline int flow_known_g(const struct sg_addr *a, __u16 rport,
					__u16 lport, __u32 how)
{
	struct sg_flow_key k = { .remote_port = rport, .local_port = lport };

	k.addr = *a;
	return sg_flow_known(&k, how);
}

#endif /* SG_FLOWMAP_H */
