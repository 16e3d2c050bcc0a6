/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Fragments.  The first fragment of a datagram carries the UDP header and
 * the start of the payload, and gets the verdict; when it is dropped, its
 * verdict is recorded in sg_frags (key: addresses, IP id, protocol) and
 * the later fragments of the same datagram, which carry no ports, are
 * dropped after it.  Fragments of a datagram whose first fragment passed
 * pass.  What a later fragment gets is later_fragment() in sipguard.bpf.c.
 */
#ifndef SG_FRAG_H
#define SG_FRAG_H

#include "maps.h"
#include "classify.h"

static __always_inline void frag_key(const struct sg_info *in,
				     struct sg_frag_key *k)
{
	k->saddr = in->src;
	k->daddr = in->dst;
	k->id = in->pkt.frag_id;
	k->proto = in->pkt.frag_proto;
}

/*
 * Fragment records live no longer than a reassembly may take (Linux
 * gives up after 30 s for IPv4, 60 s for IPv6), and a new first fragment
 * that passes under the same key forgets the old record.
 */
#define SG_FRAG_TTL_NS	(60 * NSEC_PER_SEC)

/* The first fragment of a dropped datagram: its later ones follow it. */
static __always_inline void frag_remember(const struct sg_info *in,
					  __u32 reason)
{
	struct sg_frag_key k = {};
	struct sg_frag_val v = { .reason = reason };

	if (!in->pkt.is_frag)
		return;
	frag_key(in, &k);
	v.seen_ns = sg_now();
	bpf_map_update_elem(&sg_frags, &k, &v, BPF_ANY);
}

static __always_inline void frag_forget(const struct sg_info *in)
{
	struct sg_frag_key k = {};

	frag_key(in, &k);
	/* a lookup takes no lock; a delete of nothing would */
	if (bpf_map_lookup_elem(&sg_frags, &k))
		bpf_map_delete_elem(&sg_frags, &k);
}

#endif /* SG_FRAG_H */
