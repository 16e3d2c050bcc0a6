// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipguard's kernel side.
 *
 * sipguard_xdp (XDP, WAN ingress) drops orphan SIP INVITEs: an INVITE whose
 * source is neither in the allowlist nor on an established flow.  Everything
 * else passes.  sipguard_learn (TC egress on the same device) records the
 * flows that LAN devices open, so that the replies and calls on them are
 * established.
 *
 * No CO-RE, no kernel BTF: only uapi headers and maps with BTF of their own,
 * so the object loads on router kernels built without BTF.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "sipguard.h"
#include "parsing.h"
#include "sip.h"

#define NSEC_PER_SEC	1000000000ULL

char LICENSE[] SEC("license") = "Dual BSD/GPL";

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
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sg_flow_key);
	__type(value, struct sg_flow_val);
	__uint(max_entries, SG_FLOWS_MAX);
} sg_flows SEC(".maps");

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

static __always_inline struct sg_config *get_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sg_config, &zero);
}

static __always_inline int monitoring(void)
{
	struct sg_config *cfg;

	if (sg_if_flags & SG_IF_MONITOR)
		return 1;
	cfg = get_config();
	return cfg && (cfg->flags & SG_CFG_MONITOR);
}

/* Count the packet under its reason and return the XDP action. */
static __always_inline int verdict(struct xdp_md *ctx, __u32 reason)
{
	__u32 v = SG_V_PASS, idx;
	struct sg_counter *c;

	if (reason >= SG_R_FIRST_DROP && !monitoring())
		v = SG_V_DROP;
	idx = SG_CTR_IDX(reason, v);
	c = bpf_map_lookup_elem(&sg_counters, &idx);
	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return v == SG_V_DROP ? XDP_DROP : XDP_PASS;
}

static __always_inline int allowlisted(const struct sg_addr *src)
{
	struct sg_lpm_key k = { .prefixlen = 128 };

	k.addr = *src;
	return bpf_map_lookup_elem(&sg_allow, &k) != NULL;
}

static __always_inline int flow_fresh(const struct sg_flow_val *v,
				      const struct sg_config *cfg)
{
	__u64 timeout;

	if (v->flags & SG_FLOW_STATIC)
		return 1;
	timeout = cfg && cfg->flow_timeout_s ? cfg->flow_timeout_s :
					       SG_DEFAULT_FLOW_TIMEOUT;
	return bpf_ktime_get_ns() - v->last_seen_ns <= timeout * NSEC_PER_SEC;
}

/*
 * Is {src, sport -> local dport} a flow a LAN device opened?  With the
 * default setting the remote port need not match: one lookup of the
 * wildcard key.  With SG_CFG_MATCH_PORT the exact key decides, and of the
 * wildcard entries only hand-made port-less flows count.
 */
static __always_inline int established(const struct sg_addr *src, __u16 sport,
				       __u16 dport)
{
	struct sg_config *cfg = get_config();
	struct sg_flow_key k = { .local_port = dport };
	struct sg_flow_val *v;

	k.addr = *src;
	if (cfg && (cfg->flags & SG_CFG_MATCH_PORT)) {
		k.remote_port = sport;
		v = bpf_map_lookup_elem(&sg_flows, &k);
		if (v && flow_fresh(v, cfg))
			return 1;
		k.remote_port = 0;
		v = bpf_map_lookup_elem(&sg_flows, &k);
		return v && (v->flags & SG_FLOW_ANY_PORT) && flow_fresh(v, cfg);
	}
	v = bpf_map_lookup_elem(&sg_flows, &k);
	return v && flow_fresh(v, cfg);
}

static __always_inline void frag_key(const struct sg_pkt *pkt,
				     struct sg_frag_key *k)
{
	pkt_saddr(pkt, &k->saddr);
	pkt_daddr(pkt, &k->daddr);
	k->id = pkt->frag_id;
	k->proto = pkt->l4proto;
}

/*
 * A would-be drop: trusted sources pass, everything else is dropped under
 * its reason.  The first fragment of a dropped datagram leaves its verdict
 * behind, so that the rest of the datagram follows it.
 */
static __always_inline int judge(struct xdp_md *ctx, const struct sg_pkt *pkt,
				 __u32 reason, int have_ports)
{
	struct sg_addr src;

	pkt_saddr(pkt, &src);
	if (allowlisted(&src))
		return verdict(ctx, SG_R_ALLOWLIST);
	if (have_ports && established(&src, pkt->sport, pkt->dport))
		return verdict(ctx, SG_R_ESTABLISHED);
	if (pkt->is_frag) {
		struct sg_frag_key k = {};
		struct sg_frag_val v = { .reason = reason };

		frag_key(pkt, &k);
		v.seen_ns = bpf_ktime_get_ns();
		bpf_map_update_elem(&sg_frags, &k, &v, BPF_ANY);
	}
	return verdict(ctx, reason);
}

/*
 * A fragment without the UDP header.  It follows the verdict of its first
 * fragment when that one was dropped.  Offset 1 (8 bytes) is where a
 * UDP payload starts: only a tiny first fragment, which we drop, or an
 * overlapping rewrite (RFC 1858) puts a fragment there.
 */
static __always_inline int later_fragment(struct xdp_md *ctx,
					  const struct sg_pkt *pkt)
{
	struct sg_frag_key k = {};
	struct sg_frag_val *v;

	if (pkt->l4proto != IPPROTO_UDP)
		return verdict(ctx, SG_R_NON_UDP);
	frag_key(pkt, &k);
	v = bpf_map_lookup_elem(&sg_frags, &k);
	if (v)
		return verdict(ctx, SG_R_FRAG_DROPPED);
	if (pkt->frag_off == 1)
		return judge(ctx, pkt, SG_R_TINY_FRAG, 0);
	return verdict(ctx, SG_R_FRAGMENT);
}

/*
 * classify_sip() behind a global function, so the verifier checks it once
 * instead of once for every way the parser can reach a UDP payload (VLAN
 * depths times IPv6 extension chains times leading CR/LF counts would not
 * fit in its budget).  The payload offset goes in as a bounded scalar.
 */
#define SG_PAYLOAD_OFF_MAX	0x7ff

static __always_inline __u32 sip_pack(struct sg_sip s)
{
	return s.kind | s.method << 8 | s.truncated << 16;
}

static __always_inline struct sg_sip sip_unpack(__u32 v)
{
	struct sg_sip s = {
		.kind = v & 0xff,
		.method = (v >> 8) & 0xff,
		.truncated = (v >> 16) & 0xff,
	};
	return s;
}

__attribute__((noinline))
int sg_classify_xdp(struct xdp_md *ctx, __u32 off)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	off &= SG_PAYLOAD_OFF_MAX;
	return sip_pack(classify_sip(data + off, end));
}

__attribute__((noinline))
int sg_classify_skb(struct __sk_buff *skb, __u32 off)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;

	off &= SG_PAYLOAD_OFF_MAX;
	return sip_pack(classify_sip(data + off, end));
}

static __always_inline __u32 payload_off(const struct sg_pkt *pkt, void *data)
{
	return (__u32)(pkt->payload - data);
}

SEC("xdp")
int sipguard_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct sg_pkt pkt = {};
	struct sg_sip sip;

	switch (parse_packet(data, end, &pkt)) {
	case SG_L4_UDP:
		break;
	case SG_L4_FRAG_LATER:
		return later_fragment(ctx, &pkt);
	case SG_L4_NON_IP:
		return verdict(ctx, SG_R_NON_IP);
	case SG_L4_NON_UDP:
		return verdict(ctx, SG_R_NON_UDP);
	case SG_L4_EXT_CHAIN:
		return judge(ctx, &pkt, SG_R_EXT_CHAIN, 0);
	default:
		return verdict(ctx, SG_R_MALFORMED);
	}

	if (payload_off(&pkt, data) > SG_PAYLOAD_OFF_MAX)
		return verdict(ctx, SG_R_MALFORMED);
	sip = sip_unpack(sg_classify_xdp(ctx, payload_off(&pkt, data)));
	if (pkt.more_frags && sip.truncated)
		return judge(ctx, &pkt, SG_R_TINY_FRAG, 1);

	switch (sip.kind) {
	case SG_SIP_REQUEST:
		if (sip.method == SG_M_INVITE)
			return judge(ctx, &pkt, SG_R_ORPHAN, 1);
		return verdict(ctx, SG_R_REQUEST);
	case SG_SIP_RESPONSE:
		return verdict(ctx, SG_R_RESPONSE);
	case SG_SIP_KEEPALIVE:
		return verdict(ctx, SG_R_KEEPALIVE);
	case SG_SIP_STUN:
		return verdict(ctx, SG_R_STUN);
	case SG_SIP_CRLF_PADDING:
		return judge(ctx, &pkt, SG_R_CRLF_PADDING, 1);
	default:
		return verdict(ctx, SG_R_NOT_SIP);
	}
}

/*
 * TC egress learner.  An outbound request that opens something (REGISTER,
 * INVITE, SUBSCRIBE, OPTIONS, PUBLISH, MESSAGE) records the flow {remote
 * address, remote port, local port}; any other outbound SIP message only
 * refreshes a flow that exists, so that a phone answering a stranger's
 * OPTIONS never invites the stranger in.  It never drops or changes a
 * packet.
 */
static __always_inline void learn_flow(const struct sg_flow_key *exact,
				       int opens)
{
	struct sg_flow_key wild = *exact;
	struct sg_flow_val *v, nv = {};
	__u64 now = bpf_ktime_get_ns();

	wild.remote_port = 0;
	v = bpf_map_lookup_elem(&sg_flows, exact);
	if (v) {
		v->last_seen_ns = now;
	} else if (opens) {
		nv.last_seen_ns = now;
		nv.created_ns = now;
		nv.origin = SG_ORIGIN_LEARNED;
		bpf_map_update_elem(&sg_flows, exact, &nv, BPF_NOEXIST);
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
	bpf_map_update_elem(&sg_flows, &wild, &nv, BPF_NOEXIST);
}

#define SG_LEARN_PULL	256	/* bytes made linear for the parser */

SEC("tc")
int sipguard_learn(struct __sk_buff *skb)
{
	struct sg_flow_key k = {};
	struct sg_pkt pkt = {};
	struct sg_sip sip;
	void *data, *end;
	__u32 want;

	want = skb->len < SG_LEARN_PULL ? skb->len : SG_LEARN_PULL;
	if (skb->data_end - skb->data < want)
		bpf_skb_pull_data(skb, want);
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;

	if (parse_packet(data, end, &pkt) != SG_L4_UDP)
		return TC_ACT_OK;
	if (payload_off(&pkt, data) > SG_PAYLOAD_OFF_MAX)
		return TC_ACT_OK;
	sip = sip_unpack(sg_classify_skb(skb, payload_off(&pkt, data)));
	if (sip.kind != SG_SIP_REQUEST && sip.kind != SG_SIP_RESPONSE)
		return TC_ACT_OK;

	pkt_daddr(&pkt, &k.addr);
	k.remote_port = pkt.dport;
	k.local_port = pkt.sport;
	learn_flow(&k, sip.kind == SG_SIP_REQUEST &&
			sg_method_opens_flow(sip.method));
	return TC_ACT_OK;
}
