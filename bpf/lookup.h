/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The lookups that trust or condemn a source: the allowlist (with its
 * bitmap filter in front of the trie), established flows, the deny list
 * and bans, and, in the conntrack variant (SG_CONNTRACK), netfilter
 * conntrack.  Each answers yes or no; the order they are asked in is the
 * caller's (request() and judge() in sipguard.bpf.c).
 */
#ifndef SG_LOOKUP_H
#define SG_LOOKUP_H

#include "maps.h"
#include "classify.h"
#include "flowmap.h"

static __always_inline int in_lpm(void *map, const struct sg_addr *src)
{
	struct sg_lpm_key k = { .prefixlen = 128 };

	k.addr = *src;
	return bpf_map_lookup_elem(map, &k) != NULL;
}

/*
 * May the source be allowlisted?  The filter (include/sipguard.h,
 * struct sg_allow_bits) is asked at each level that holds a prefix; no
 * bit set there means no prefix covers the source, and the trie is not
 * walked.  A filter not written in this format (unwritten, turned off,
 * or an older sipguard's bits) sends everyone to the trie.
 */
static __always_inline int allow_maybe(int ipv6, const struct sg_addr *src)
{
	const struct sg_allow_bits *f;
	__u32 zero = 0;

	f = bpf_map_lookup_elem(&sg_allowbits, &zero);
	return !f || f->valid != SG_AF_FORMAT || sg_af_maybe(f, ipv6, src);
}

/* Is the source allowlisted?  The filter first, the trie if it says maybe. */
static __always_inline int allowlisted(int ipv6, const struct sg_addr *src)
{
	return allow_maybe(ipv6, src) && in_lpm(&sg_allow, src);
}

/*
 * A hand-made flow (sg_flows_static, asked only while it has entries):
 * exact key when the remote port must match, else the wildcard copy.
 */
static __always_inline int static_flow(const struct sg_config *cfg,
				       const struct sg_addr *src, __u16 sport,
				       __u16 dport, int match_port)
{
	struct sg_flow_key k = { .local_port = dport };
	struct sg_flow_static *v;

	if (!cfg || !(cfg->flags & SG_CFG_STATIC))
		return 0;
	k.addr = *src;
	if (match_port) {
		k.remote_port = sport;
		v = bpf_map_lookup_elem(&sg_flows_static, &k);
		if (v && !(v->flags & SG_FLOW_SHADOW))
			return 1;
		k.remote_port = 0;
		v = bpf_map_lookup_elem(&sg_flows_static, &k);
		return v && (v->flags & SG_FLOW_ANY_PORT);
	}
	return bpf_map_lookup_elem(&sg_flows_static, &k) != NULL;
}

/*
 * Is {src, sport -> local dport} a flow a LAN device opened, and alive?
 * With the default setting the remote port need not match: any fresh
 * flow of the pair {src, dport} in its two sets (flowmap.h).  With
 * SG_CFG_MATCH_PORT the remote port must match too.  Inline, for the
 * INVITE verdict: a stranger's pair costs the filter's hash (one
 * multiply for IPv4) and a word of the flows' filter (or, where its bit
 * is set, the flow hash and the two sets' tags), a flow's also the slot
 * compare and the clock, and no call.
 */
static __always_inline int established(const struct sg_config *cfg, int ipv6,
				       const struct sg_addr *src, __u16 sport,
				       __u16 dport)
{
	int match = cfg && (cfg->flags & SG_CFG_MATCH_PORT);
	struct sg_flow_bits *fb = flow_bits();
	struct sg_flow_set *s;
	struct flow_where fw;

	/* a stranger's pair has no bit in the filter: no set, no clock */
	if (fb && !sg_fb_maybe(fb, ipv6 ? sg_fb_hash(src, dport) :
					  sg_fb_hash_v4(&src->b[12], dport)))
		return static_flow(cfg, src, sport, dport, match);
	/*
	 * One set at a time, the clock only where a tag matches: a flow in
	 * the first set is found without reading the second's line.
	 */
	fw = ipv6 ? flow_where(src, dport) : flow_where_v4(src, dport);
	s = flow_set(fw.set[0]);
	if (s && tag_hits(s, fw.tag) &&
	    set_find(s, fw.tag, src, sport, dport, !match, 0, sg_clock_s(cfg)) <
	    SG_FLOW_WAYS)
		return 1;
	s = flow_set(fw.set[1]);
	if (s && tag_hits(s, fw.tag) &&
	    set_find(s, fw.tag, src, sport, dport, !match, 0, sg_clock_s(cfg)) <
	    SG_FLOW_WAYS)
		return 1;
	return static_flow(cfg, src, sport, dport, match);
}

/*
 * established() through the global sg_flow_known(), which the verifier
 * checks once: for the rare verdicts (tiny fragments, padding, long
 * extension chains), where an inline copy would only cost verifier work.
 */
static __always_inline int established_g(const struct sg_config *cfg,
					 const struct sg_addr *src, __u16 sport,
					 __u16 dport)
{
	int match = cfg && (cfg->flags & SG_CFG_MATCH_PORT);

	return (flow_maybe(src, dport) &&
		flow_known_g(src, sport, dport, match ? 0 : FK_ANY_RPORT)) ||
	       static_flow(cfg, src, sport, dport, match);
}

/*
 * Did the LAN send SRC an opening request on the connection {src, sport
 * -> local dport}, as the learner saw it?  A learned flow (or a hand-made
 * one) under that exact key, however old: the question is who opened the
 * connection, not whether it is fresh.
 */
static __always_inline int lan_requested(const struct sg_config *cfg,
					 const struct sg_addr *src,
					 __u16 sport, __u16 dport)
{
	return flow_known_g(src, sport, dport, FK_OLD_TOO) ||
	       static_flow(cfg, src, sport, dport, 1);
}

/*
 * Is SRC banned?  A ban is only ever evidence from one unauthenticated
 * datagram, so it yields to what the LAN itself did: a source that the
 * LAN sent an opening request to from this local port (a flow of the
 * pair, however old) is never banned.  Fresh flows, the allowlist and
 * conntrack are asked before, in request().
 */
static __always_inline int banned(const struct sg_config *cfg,
				  const struct sg_addr *src, __u16 dport)
{
	struct sg_ban_val *b = bpf_map_lookup_elem(&sg_bans, src);

	if (!b || sg_now() >= b->expires_ns)
		return 0;
	return !flow_known_g(src, 0, dport, FK_ANY_RPORT | FK_OLD_TOO) &&
	       !static_flow(cfg, src, 0, dport, 0);
}

#ifdef SG_CONNTRACK
/*
 * netfilter conntrack from XDP (Linux 5.18+).  libbpf matches the kfuncs'
 * prototypes with the kernel's by type kind and name, so the kernel's
 * struct names are used; only the first, 12-byte form of bpf_ct_opts,
 * which every kernel since accepts, is declared, and nf_conn is opaque.
 */
struct nf_conn {
	int opaque;
};

struct bpf_ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u8 reserved[2];
};

#define SG_CT_OPTS_SZ		12
#define SG_CT_DIR_REPLY		1	/* IP_CT_DIR_REPLY */
#define SG_CT_CURRENT_NETNS	(-1)

extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *xdp_ctx,
					 struct bpf_sock_tuple *bpf_tuple,
					 __u32 tuple__sz, struct bpf_ct_opts *opts,
					 __u32 opts__sz) __ksym;
extern void bpf_ct_release(struct nf_conn *ct) __ksym;

/*
 * Does the packet match the reply direction of a conntrack entry?  Then
 * a LAN packet opened the connection (the phone's REGISTER, masqueraded).
 * An entry that a stranger's own packet opened, say an OPTIONS sent
 * through a port forward and answered by the phone, matches in the
 * original direction and proves nothing.  Nor does the reply direction
 * alone: the phone's answer to a stranger's OPTIONS goes to the Via port
 * the stranger chose (RFC 3261 18.2.2) and opens an entry there.  The
 * caller asks lan_requested() first, which only a request does.
 */
static __always_inline int ct_lan_opened(struct xdp_md *ctx,
					 const struct sg_info *in)
{
	struct bpf_ct_opts opts = { .netns_id = SG_CT_CURRENT_NETNS,
				   .l4proto = IPPROTO_UDP };
	struct bpf_sock_tuple t = {};
	struct nf_conn *ct;
	__u32 tsz;

	if (!in->pkt.ipv6) {
		__builtin_memcpy(&t.ipv4.saddr, &in->src.b[12], 4);
		__builtin_memcpy(&t.ipv4.daddr, &in->dst.b[12], 4);
		t.ipv4.sport = bpf_htons(in->pkt.sport);
		t.ipv4.dport = bpf_htons(in->pkt.dport);
		tsz = sizeof(t.ipv4);
	} else {
		__builtin_memcpy(t.ipv6.saddr, in->src.b, 16);
		__builtin_memcpy(t.ipv6.daddr, in->dst.b, 16);
		t.ipv6.sport = bpf_htons(in->pkt.sport);
		t.ipv6.dport = bpf_htons(in->pkt.dport);
		tsz = sizeof(t.ipv6);
	}
	ct = bpf_xdp_ct_lookup(ctx, &t, tsz, &opts, SG_CT_OPTS_SZ);
	if (!ct)
		return 0;
	bpf_ct_release(ct);
	return opts.dir == SG_CT_DIR_REPLY;
}
#endif

#endif /* SG_LOOKUP_H */
