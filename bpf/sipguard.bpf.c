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
 * Layer-7 rules (deny list, bans, and the header checks of the `inspect`
 * policy and the User-Agent blocklist) apply to requests from sources that
 * are neither allowlisted nor established.  The header checks run in
 * sipguard_l7, reached by a tail call: it needs bpf_loop() and
 * bpf_xdp_load_bytes() (Linux 5.18), so on older kernels it is not loaded,
 * the tail call falls through and the request passes.  An orphan-INVITE
 * flood under the default `drop` policy never gets there.
 *
 * Built a second time with SG_CONNTRACK (sipguard_ct.bpf.c), the XDP
 * program also asks netfilter conntrack (bpf_xdp_ct_lookup, a kfunc: that
 * object needs kernel BTF) whether an unknown INVITE matches the reply
 * direction of an entry, that is, a connection the LAN side opened.
 *
 * Drops are sampled to userspace through a ring buffer, behind a per-CPU
 * token bucket that, once empty, looks at the clock only every
 * SG_EV_SKIP packets: a flood costs a counter decrement per packet.
 *
 * No CO-RE, no kernel BTF: only uapi headers and maps with BTF of their own,
 * so the object loads on router kernels built without BTF.
 */
#include <linux/bpf.h>
#include <linux/errno.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "sipguard.h"
#include "parsing.h"
#include "sip.h"
#include "maps.h"
#include "verdict.h"
#include "classify.h"
#include "events.h"
#include "lookup.h"
#include "frag.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline void to_l7(struct xdp_md *ctx, const struct sg_info *in,
				  __u32 mode, __u32 reason)
{
	__u32 zero = 0;
	struct sg_scratch *sc = bpf_map_lookup_elem(&sg_scratch, &zero);

	if (!sc)
		return;
	sc->mode = mode;
	sc->reason = reason;
	sc->payload_off = in->poff;
	sc->method = in->method;
	sc->sport = in->pkt.sport;
	sc->dport = in->pkt.dport;
	sc->saddr = in->src;
	sc->daddr = in->dst;
	bpf_tail_call(ctx, &sg_l7_prog, SG_TAIL_L7);
	/* no sipguard_l7 on this kernel: the caller goes on without it */
}

/*
 * A drop (or, in monitor mode, a would-be drop), with a sampled event.
 * A request's event gets its From user and User-Agent from sipguard_l7.
 */
static __always_inline int drop(struct xdp_md *ctx, const struct sg_info *in,
				__u32 reason, const struct sg_config *cfg)
{
	if (event_token(cfg)) {
		if (in->method != SG_M_NONE)
			to_l7(ctx, in, SG_L7_EVENT, reason);
		event_basic(ctx, in, reason, monitoring(cfg));
	}
	return verdict_cfg(ctx, reason, cfg);
}

/*
 * A would-be drop that is not about a request (tiny fragments, CR/LF
 * padding, long IPv6 extension chains): trusted sources pass, everything
 * else is dropped under its reason.  The first fragment of a dropped
 * datagram leaves its verdict behind, so that the rest of the datagram
 * follows it.
 */
static __always_inline int judge(struct xdp_md *ctx, struct sg_info *in,
				 __u32 reason)
{
	struct sg_config *cfg = get_config();

	if (allowlisted(in->pkt.ipv6, &in->src))
		return verdict(ctx, SG_R_ALLOWLIST);
	if (in->have_ports &&
	    established(cfg, &in->src, in->pkt.sport, in->pkt.dport))
		return verdict(ctx, SG_R_ESTABLISHED);
	frag_remember(in, reason);
	return drop(ctx, in, reason, cfg);
}

/*
 * A SIP request, in the documented order: allowlist, established flow,
 * INVITE under `drop`, deny list and bans, then the header checks.  Other
 * requests than INVITE skip all of it while neither a deny list nor a
 * User-Agent blocklist is set.
 */
static __always_inline int request(struct xdp_md *ctx, struct sg_info *in)
{
	struct sg_config *cfg = get_config();
	int invite = in->method == SG_M_INVITE;

	if (!cfg)
		return verdict(ctx, invite ? SG_R_ORPHAN : SG_R_REQUEST);
	/* bans only come from User-Agent matches: no list, nothing to do */
	if (!invite && !(cfg->flags & SG_CFG_DENY) && !cfg->ua_count)
		return verdict(ctx, SG_R_REQUEST);

	if (allowlisted(in->pkt.ipv6, &in->src))
		return verdict_cfg(ctx, SG_R_ALLOWLIST, cfg);
	if (established(cfg, &in->src, in->pkt.sport, in->pkt.dport))
		return verdict_cfg(ctx, SG_R_ESTABLISHED, cfg);
#ifdef SG_CONNTRACK
	if (ct_lan_opened(ctx, in))
		return verdict(ctx, SG_R_CONNTRACK);
#endif
	if (invite && !(cfg->flags & SG_CFG_INSPECT)) {
		frag_remember(in, SG_R_ORPHAN);
		return drop(ctx, in, SG_R_ORPHAN, cfg);
	}
	if ((cfg->flags & SG_CFG_DENY) && in_lpm(&sg_deny, &in->src))
		return drop(ctx, in, SG_R_DENIED, cfg);
	if (cfg->ban_time_s && banned(&in->src))
		return drop(ctx, in, SG_R_BANNED, cfg);
	if (invite || cfg->ua_count)
		to_l7(ctx, in, invite ? SG_L7_INSPECT : SG_L7_UA, 0);
	return verdict(ctx, invite ? SG_R_INSPECTED : SG_R_REQUEST);
}

/*
 * A fragment without the UDP header.  It follows the verdict of its first
 * fragment when that one was dropped.  Offset 1 (8 bytes) is where a
 * UDP payload starts: only a tiny first fragment, which we drop, or an
 * overlapping rewrite (RFC 1858) puts a fragment there.
 */
static __always_inline int later_fragment(struct xdp_md *ctx,
					  struct sg_info *in)
{
	__u8 proto = in->pkt.frag_proto;
	struct sg_frag_key k = {};
	struct sg_frag_val *v;

	/* IPv6 may put extension headers before the UDP header */
	if (proto != IPPROTO_UDP && !(in->pkt.ipv6 && ipv6_is_ext(proto)))
		return verdict(ctx, SG_R_NON_UDP);
	frag_key(in, &k);
	v = bpf_map_lookup_elem(&sg_frags, &k);
	if (v && sg_now() - v->seen_ns < SG_FRAG_TTL_NS)
		return verdict(ctx, SG_R_FRAG_DROPPED);
	if (in->pkt.frag_off == 1)
		return judge(ctx, in, SG_R_TINY_FRAG);
	return verdict(ctx, SG_R_FRAGMENT);
}

SEC("xdp")
int sipguard_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct sg_info in = {};
	struct sg_sip sip;
	__u32 plen;
	__u8 *p, c;

	switch (parse_packet(data, end, &in.pkt, sg_if_flags & SG_IF_L3)) {
	case SG_L4_UDP:
		break;
	case SG_L4_FRAG_LATER:
		take_addrs(&in);
		return later_fragment(ctx, &in);
	case SG_L4_NON_IP:
		return verdict(ctx, SG_R_NON_IP);
	case SG_L4_NON_UDP:
		return verdict(ctx, SG_R_NON_UDP);
	case SG_L4_EXT_CHAIN:
		take_addrs(&in);
		return judge(ctx, &in, SG_R_EXT_CHAIN);
	default:
		return verdict(ctx, SG_R_MALFORMED);
	}

	/*
	 * A SIP message starts with a letter or CR/LF.  Most UDP traffic
	 * (RTP, DNS, QUIC, STUN) does not: decide it here, without the call.
	 */
	p = in.pkt.payload;
	if (p + 1 > (__u8 *)end)
		return verdict(ctx, SG_R_NOT_SIP);
	c = p[0] | 0x20;
	if ((c < 'a' || c > 'z') && p[0] != '\r' && p[0] != '\n') {
		if (stun_header(p, end))
			return verdict(ctx, SG_R_STUN);
		return verdict(ctx, SG_R_NOT_SIP);
	}

	in.poff = payload_off(&in.pkt, data);
	if (in.poff > SG_PAYLOAD_OFF_MAX)
		return verdict(ctx, SG_R_MALFORMED);
	take_addrs(&in);
	if (in.pkt.is_frag)
		frag_forget(&in);	/* a dropped one records itself anew */
	/* the INVITE of a flood here, everything else in the classifier */
	if (flood_invite(p, end, c)) {
		sip.kind = SG_SIP_REQUEST;
		sip.method = SG_M_INVITE;
		sip.truncated = 0;
		sip.start = 0;
	} else {
		sip = sip_unpack(sg_classify_xdp(ctx, in.poff));
	}
	in.have_ports = 1;
	plen = pkt_payload_len(&in.pkt);
	if (plen < (__u32)(end - in.pkt.payload)) {
		/*
		 * The frame is longer than its datagram: Ethernet padding,
		 * which the classifier read as payload.  Only a datagram
		 * shorter than a minimal frame is padded: as a first
		 * fragment that is a tiny one, and a payload of nothing but
		 * CR/LF is a keep-alive.
		 */
		if (in.pkt.more_frags)
			return judge(ctx, &in, SG_R_TINY_FRAG);
		if (sip.kind == SG_SIP_NONE && sip.start && sip.start >= plen)
			sip.kind = SG_SIP_KEEPALIVE;
	}
	in.poff += sip.start;
	if (in.pkt.more_frags && sip.truncated)
		return judge(ctx, &in, SG_R_TINY_FRAG);

	switch (sip.kind) {
	case SG_SIP_REQUEST:
		in.method = sip.method;
		return request(ctx, &in);
	case SG_SIP_RESPONSE:
		return verdict(ctx, SG_R_RESPONSE);
	case SG_SIP_KEEPALIVE:
		return verdict(ctx, SG_R_KEEPALIVE);
	case SG_SIP_STUN:
		return verdict(ctx, SG_R_STUN);
	case SG_SIP_CRLF_PADDING:
		return judge(ctx, &in, SG_R_CRLF_PADDING);
	default:
		return verdict(ctx, SG_R_NOT_SIP);
	}
}

/*
 * sipguard_l7: the header checks, reached by tail call from sipguard_xdp
 * with the packet's facts in sg_scratch.  It copies the start of the
 * request into the scratch buffer, scans the header block with bpf_loop()
 * and decides.
 *
 * Each piece is a global (noinline) function: the verifier checks it once,
 * on its own, instead of once for every way the pieces before it ended.
 * Their pointer arguments may be NULL as far as the verifier knows.
 */
struct scan_loop {
	struct sg_scratch *sc;
};

static long scan_one(__u32 i, void *arg)
{
	struct scan_loop *l = arg;

	return sg_scan_step(&l->sc->scan);
}

__attribute__((noinline))
int l7_request_uri(struct sg_scratch *sc)
{
	if (sc)
		sg_request_uri(&sc->scan);
	return 0;
}

/*
 * bpf_xdp_load_bytes() of 1..SG_SCAN_MAX bytes.  Linux 6.1's verifier wants
 * the length's lower bound of 1 from a range compare: it learns nothing
 * from "len != 0".  So the length goes in as (len - 1, clamped) + 1, with
 * a barrier that keeps clang from folding it back.
 */
static __always_inline long load_bytes(struct xdp_md *ctx, __u32 off, void *to,
				       __u32 len)
{
	__u64 n = (__u64)len - 1;	/* 64 bits: no zero-extension between */

	SG_OPAQUE(n);
	if (n > SG_SCAN_MAX - 1)
		return -1;
	return bpf_xdp_load_bytes(ctx, off, to, n + 1);
}

/* Copy the request's first SG_SCAN_MAX bytes and scan its headers. */
__attribute__((noinline))
int l7_scan(struct xdp_md *ctx, struct sg_scratch *sc)
{
	struct scan_loop l = { .sc = sc };
	__u32 len, off;

	if (!sc)
		return 0;
	off = sc->payload_off;
	len = ctx->data_end - ctx->data;
	len = len > off ? len - off : 0;
	if (len > SG_SCAN_MAX)
		len = SG_SCAN_MAX;
	__builtin_memset(&sc->scan, 0, offsetof(struct sg_scan, buf));
	if (len && load_bytes(ctx, off, sc->scan.buf, len))
		len = 0;
	sc->scan.len = len;
	bpf_loop(SG_SCAN_STEPS, scan_one, &l, 0);
	return len;
}

/* Does a pattern of SET start at byte I of the User-Agent? */
__attribute__((noinline))
int l7_ua_at(struct sg_scratch *sc, struct sg_ua_set *set, __u32 i)
{
	if (!sc || !set)
		return 0;
	return sg_ua_at(&sc->scan, set, i);
}

/*
 * Does the User-Agent carry a pattern of the live blocklist?  A plain
 * loop tests each position's first two bytes against the table; only a
 * position where some pattern starts so pays for comparing patterns.
 */
__attribute__((noinline))
int l7_ua_blocked(struct sg_scratch *sc, __u32 slot)
{
	struct sg_ua_set *set;
	struct sg_span ua;
	__u32 i, at;
	int r;

	if (!sc)
		return 0;
	ua = sc->scan.hdr[SG_H_UA];
	if (ua.len < SG_UA_PAT_MIN)
		return 0;
	slot &= 1;
	set = bpf_map_lookup_elem(&sg_ua, &slot);
	if (!set || !set->count)
		return 0;
	for (i = 0; i < SG_UA_SCAN; i++) {
		if (i + 1 >= ua.len)
			break;
		at = ua.off + i;
		if (!set->first2[sg_first2(&sc->scan, at)])
			continue;
		r = l7_ua_at(sc, set, i);
		if (r)
			return r;
	}
	return 0;
}

/*
 * The user of the Request-URI (which 0) or of the From header (which 1):
 * its offset in the scan buffer << 16 | its length; 0 when there is none.
 */
__attribute__((noinline))
int l7_uri_user(struct sg_scratch *sc, int which)
{
	struct sg_span sp;
	__u32 off = 0, n;

	if (!sc)
		return 0;
	sp = which ? sc->scan.hdr[SG_H_FROM] : sc->scan.ruri;
	n = sg_uri_user(&sc->scan, sp, &off);
	if (!n || n > 0xffff)
		return 0;
	return (off & SG_SCAN_MASK) << 16 | n;
}

/* Is the Request-URI's user one the phones answer to? */
__attribute__((noinline))
int l7_known_user(struct sg_scratch *sc)
{
	struct sg_user_key k = {};
	__u32 u, off, n, i;

	if (!sc)
		return 0;
	u = l7_uri_user(sc, 0);
	off = u >> 16;
	n = u & 0xffff;
	if (!n || n > SG_USER_MAX)
		return 0;
	for (i = 0; i < SG_USER_MAX && i < n; i++)
		k.user[i] = sg_at(&sc->scan, off + i);
	return bpf_map_lookup_elem(&sg_users, &k) != NULL;
}

__attribute__((noinline))
int l7_to_tag(struct sg_scratch *sc)
{
	if (!sc)
		return 0;
	return sg_has_tag(&sc->scan, sc->scan.hdr[SG_H_TO]);
}

/* The inspect policy's checks of an unknown INVITE, in order. */
static __always_inline __u32 inspect_invite(struct sg_scratch *sc,
					    const struct sg_config *cfg)
{
	if (cfg->ua_count && l7_ua_blocked(sc, cfg->ua_slot))
		return SG_R_UA_BLOCKED;
	/* the Request-URI is only looked at when users are configured */
	if (cfg->flags & SG_CFG_USERS) {
		l7_request_uri(sc);
		if (!l7_known_user(sc))
			return SG_R_UNKNOWN_USER;
	}
	if (!l7_uri_user(sc, 1))
		return SG_R_BAD_FROM;
	if (l7_to_tag(sc))
		return SG_R_TO_TAG;
	return SG_R_INSPECTED;
}

static __always_inline void ban(const struct sg_scratch *sc,
				const struct sg_config *cfg, __u32 reason)
{
	struct sg_ban_val b = { .reason = reason };

	if (!cfg->ban_time_s)
		return;
	b.banned_ns = sg_now();
	b.expires_ns = b.banned_ns + cfg->ban_time_s * NSEC_PER_SEC;
	bpf_map_update_elem(&sg_bans, &sc->saddr, &b, BPF_ANY);
}

/* A drop event with the header fields the scan found. */
__attribute__((noinline))
int l7_event(struct xdp_md *ctx, struct sg_scratch *sc, __u32 reason,
	     __u32 monitor)
{
	struct sg_event *e;
	struct sg_span ua;
	__u32 u, off, n, i;

	if (!sc)
		return 0;
	e = bpf_ringbuf_reserve(&sg_events, sizeof(*e), 0);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->ifindex = ctx->ingress_ifindex;
	e->reason = reason;
	e->method = sc->method;
	e->flags = SG_EV_HEADERS | (monitor ? SG_EV_MONITOR : 0);
	e->saddr = sc->saddr;
	e->daddr = sc->daddr;
	e->sport = sc->sport;
	e->dport = sc->dport;
	ua = sc->scan.hdr[SG_H_UA];
	n = ua.len < SG_EV_UA_MAX ? ua.len : SG_EV_UA_MAX;
	for (i = 0; i < SG_EV_UA_MAX && i < n; i++)
		e->ua[i] = sg_at(&sc->scan, ua.off + i);
	e->ua_len = n;
	u = l7_uri_user(sc, 1);
	off = u >> 16;
	n = u & 0xffff;
	if (n > SG_EV_USER_MAX)
		n = SG_EV_USER_MAX;
	for (i = 0; i < SG_EV_USER_MAX && i < n; i++)
		e->from_user[i] = sg_at(&sc->scan, off + i);
	e->from_user_len = n;
	e->suppressed = event_sent();
	bpf_ringbuf_submit(e, 0);
	return 1;
}

SEC("xdp")
int sipguard_l7(struct xdp_md *ctx)
{
	struct sg_config *cfg = get_config();
	struct sg_scratch *sc;
	__u32 zero = 0, reason;
	int mode;

	sc = bpf_map_lookup_elem(&sg_scratch, &zero);
	if (!sc || !cfg)
		return XDP_PASS;
	mode = sc->mode;
	l7_scan(ctx, sc);

	if (mode == SG_L7_EVENT)
		reason = sc->reason;
	else if (mode == SG_L7_INSPECT)
		reason = inspect_invite(sc, cfg);
	else if (cfg->ua_count && l7_ua_blocked(sc, cfg->ua_slot))
		reason = SG_R_UA_BLOCKED;
	else
		reason = SG_R_REQUEST;

	if (reason >= SG_R_FIRST_DROP) {
		if (reason == SG_R_UA_BLOCKED)
			ban(sc, cfg, reason);
		if (mode == SG_L7_EVENT || event_token(cfg))
			l7_event(ctx, sc, reason, monitoring(cfg));
	}
	return verdict(ctx, reason);
}

/*
 * TC egress learner.  An outbound request that opens something (REGISTER,
 * INVITE, SUBSCRIBE, OPTIONS, PUBLISH, MESSAGE) records the flow {remote
 * address, remote port, local port}; any other outbound SIP message only
 * refreshes a flow that exists, so that a phone answering a stranger's
 * OPTIONS never invites the stranger in.  It never drops or changes a
 * packet.
 */
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

	if (parse_packet(data, end, &pkt, sg_if_flags & SG_IF_L3) != SG_L4_UDP)
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
