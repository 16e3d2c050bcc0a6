// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipguard's kernel side: the three programs, each reading as its
 * pipeline; the stages live in the headers included below, one each.
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
 * direction of an entry on a connection where the learner saw the LAN
 * send a request: a connection the LAN side opened and that is still
 * alive, however old its flow.
 *
 * No CO-RE, no kernel BTF: only uapi headers and maps with BTF of their own,
 * so the object loads on router kernels built without BTF.
 *
 * One compilation unit: the headers hold static (mostly __always_inline)
 * functions, and the global ones that the verifier checks on their own,
 * so the skeleton and the verifier see one object.  One header per stage,
 * included below in this order; each includes only headers above it in
 * the list (or include/sipguard.h and the shared parsing.h, sip.h,
 * sip_hdr.h, sip_val.h, compiler.h, which the host tests and fuzzers
 * compile too):
 *
 *   maps.h      every map, the .rodata flags, the config entry, the clock
 *   scan.h      the header scanner of sip_hdr.h and sip_val.h, kernel
 *               build (via maps.h)
 *   verdict.h   count under the reason, return the action; monitor mode
 *   classify.h  two-byte early exit, flood INVITE, classify_sip() (sip.h)
 *               behind a global function; struct sg_info
 *   events.h    drop events and their token bucket
 *   flowmap.h   the learned-flow table: sets, tags, find, victim
 *   lookup.h    allowlist (bitmap filter, trie), flows, deny list, bans,
 *               conntrack
 *   frag.h      the verdicts of first fragments, kept for the later ones
 *   l7.h        the hand-over to sipguard_l7 and its header checks
 *   learn.h     the flow table's writers: the learner's inserts,
 *               refreshes, registrations, dialogs; answered marks
 *
 * This file holds the programs and the order of the decisions (request(),
 * judge(), later_fragment()); sipguard_xdp reads as the pipeline: parse
 * (parsing.h), classify, the verdict lookups, fragments, layer 7, count
 * and event.  A new stage gets its own header, included here after the
 * ones it uses, and a call from the program.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "sipguard.h"
#include "maps.h"
#include "verdict.h"
#include "classify.h"
#include "events.h"
#include "flowmap.h"
#include "lookup.h"
#include "frag.h"
#include "l7.h"
#include "learn.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

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
 * A would-be drop that is not about a request (tiny fragments, blank
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
	    established_g(cfg, &in->src, in->pkt.sport, in->pkt.dport))
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
	if (established(cfg, in->pkt.ipv6, &in->src, in->pkt.sport, in->pkt.dport))
		return verdict_cfg(ctx, SG_R_ESTABLISHED, cfg);
#ifdef SG_CONNTRACK
	/*
	 * The learner says that the LAN sent a request on this connection
	 * (however long ago), conntrack that the connection is still alive.
	 */
	if (lan_requested(cfg, &in->src, in->pkt.sport, in->pkt.dport) &&
	    ct_lan_opened(ctx, in))
		return verdict(ctx, SG_R_CONNTRACK);
#endif
	if (invite && !(cfg->flags & SG_CFG_INSPECT)) {
		frag_remember(in, SG_R_ORPHAN);
		return drop(ctx, in, SG_R_ORPHAN, cfg);
	}
	if ((cfg->flags & SG_CFG_DENY) && in_lpm(&sg_deny, &in->src))
		return drop(ctx, in, SG_R_DENIED, cfg);
	if (cfg->ban_time_s && banned(cfg, &in->src, in->pkt.dport))
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

/*
 * The classifier's answer for the payload at P: the INVITE of a flood
 * right here (straight-line code), everything else in the classifier.
 * A frame longer than its datagram carries Ethernet padding, which the
 * classifier read as payload.  Only a datagram shorter than a minimal
 * frame is padded: as a first fragment that is a tiny one, and a payload
 * of nothing but blanks is a keep-alive.
 */
static __always_inline struct sg_sip classify_payload(struct xdp_md *ctx,
						      const struct sg_info *in,
						      const __u8 *p, void *end,
						      __u8 c, __u32 plen)
{
	struct sg_sip sip;

	if (flood_invite(p, end, c)) {
		sip.kind = SG_SIP_REQUEST;
		sip.method = SG_M_INVITE;
		sip.truncated = 0;
		sip.start = 0;
	} else if (!plen) {
		/* nothing to classify; only a first fragment gets here */
		sip.kind = SG_SIP_NONE;
		sip.method = SG_M_NONE;
		sip.truncated = 1;
		sip.start = 0;
	} else {
		sip = sip_unpack(sg_classify_xdp(ctx, in->poff));
	}
	if (plen < (__u32)(end - (void *)p)) {
		sip.truncated = 1;
		if (sip.kind == SG_SIP_NONE && sip.start && sip.start >= plen)
			sip.kind = SG_SIP_KEEPALIVE;
	}
	return sip;
}

/* Is the response at OFF a 2xx ("SIP/2.0 2..")? */
static __always_inline int response_2xx(struct xdp_md *ctx, __u32 off)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u8 *p;

	off &= SG_PAYLOAD_OFF_MAX;
	p = data + off;
	return p + 9 <= (__u8 *)end && p[8] == '2';
}

/* Decide by what the classifier found. */
static __always_inline int decide(struct xdp_md *ctx, struct sg_info *in,
				  struct sg_sip sip)
{
	switch (sip.kind) {
	case SG_SIP_REQUEST:
		in->method = sip.method;
		return request(ctx, in);
	case SG_SIP_RESPONSE:
		flow_answered(&in->src, in->pkt.sport, in->pkt.dport,
			      response_2xx(ctx, in->poff));
		return verdict(ctx, SG_R_RESPONSE);
	case SG_SIP_KEEPALIVE:
		return verdict(ctx, SG_R_KEEPALIVE);
	case SG_SIP_STUN:
		return verdict(ctx, SG_R_STUN);
	case SG_SIP_CRLF_PADDING:
		return judge(ctx, in, SG_R_CRLF_PADDING);
	default:
		return verdict(ctx, SG_R_NOT_SIP);
	}
}

/*
 * WAN ingress: parse -> classify -> the verdict lookups of request() or
 * judge() (fragments: later_fragment()) -> layer 7 by tail call -> count,
 * with a sampled event for a drop.  Most traffic is decided by the first
 * byte of its payload and never reaches a lookup.
 */
SEC("xdp")
int sipguard_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct sg_info in = {};
	struct sg_sip sip;
	enum sg_l4 l4;
	__u32 plen;
	__u8 *p, c;

	/* parse: layers 2 to 4 (parsing.h) */
	l4 = parse_packet(data, end, &in.pkt, sg_if_flags & SG_IF_L3);
	switch (l4) {
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
	case SG_L4_FRAG_SHORT:
		/* too long a chain to walk; a first fragment cut before the
		 * end of its UDP header (RFC 7112), whatever the chain */
		take_addrs(&in);
		return judge(ctx, &in, l4 == SG_L4_EXT_CHAIN ?
				       SG_R_EXT_CHAIN : SG_R_TINY_FRAG);
	default:
		return verdict(ctx, SG_R_MALFORMED);
	}

	/*
	 * classify.  A SIP message starts with a letter, or with blanks
	 * (0x01..0x20) and then a letter.  Most UDP traffic (RTP, DNS, QUIC,
	 * STUN, WireGuard) does not: decide it here from its first two bytes,
	 * without the call.  A first fragment with no payload at all (it ends
	 * with the UDP header) is tiny, below.
	 */
	in.poff = payload_off(&in.pkt, data);
	plen = pkt_payload_len(&in.pkt);
	p = in.pkt.payload;
	c = 0;
	if (p + 1 > (__u8 *)end || !plen) {
		if (!in.pkt.more_frags)
			return verdict(ctx, SG_R_NOT_SIP);
	} else {
		c = p[0] | 0x20;
		if (!may_start_sip(p, end, plen)) {
			if (stun_header(p, end))
				return verdict(ctx, SG_R_STUN);
			return verdict(ctx, SG_R_NOT_SIP);
		}
	}

	if (in.poff > SG_PAYLOAD_OFF_MAX)
		return verdict(ctx, SG_R_MALFORMED);
	take_addrs(&in);
	/*
	 * From here on the payload is reached as data + in.poff, and no
	 * pointer of the parser is read again: every way through the parser
	 * (VLAN tags, PPPoE, IPv4 options, IPv6 extension headers) then ends
	 * in one verifier state, and the rest of the program is checked once
	 * instead of once per way (484k instructions to 198k).
	 */
	SG_OPAQUE(in.poff);
	in.poff &= SG_PAYLOAD_OFF_MAX;
	p = data + in.poff;
	if (in.pkt.is_frag)
		frag_forget(&in);	/* a dropped one records itself anew */
	sip = classify_payload(ctx, &in, p, end, c, plen);
	in.have_ports = 1;
	in.poff += sip.start;
	/*
	 * A first fragment that ends before its payload can be told from
	 * an INVITE (nothing, only blanks, a prefix of "INVITE" and a
	 * blank, or padding) is tiny, whatever came before the UDP header
	 * and wherever the next fragment starts: judged, and recorded so
	 * that the rest of its datagram follows it.
	 */
	if (in.pkt.more_frags && sip.truncated)
		return judge(ctx, &in, SG_R_TINY_FRAG);

	return decide(ctx, &in, sip);
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
	/* every mode may end in a drop event, which shows From and UA */
	l7_scan(ctx, sc, SG_WANT_ALL);

	if (mode == SG_L7_EVENT)
		reason = sc->reason;
	else if (mode == SG_L7_INSPECT)
		reason = inspect_invite(sc, cfg);
	else if (cfg->ua_count && l7_ua_blocked(sc, cfg->ua_slot))
		reason = SG_R_UA_BLOCKED;
	else
		reason = SG_R_REQUEST;

	/* a call let in: its answer may make a dialog flow (learn.h) */
	if (mode == SG_L7_INSPECT &&
	    (reason < SG_R_FIRST_DROP || monitoring(cfg)))
		await_answer(sc);
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
 * address, remote port, local port}; any other outbound SIP message, a
 * CRLF keep-alive or a STUN binding request only refreshes a flow that
 * exists, so that a phone answering a stranger's OPTIONS never invites
 * the stranger in (learn.h has the rest).  It never drops or changes a
 * packet, and lets the TC programs after it run: TC_ACT_UNSPEC is tcx's
 * "next" and a clsact filter's "go on" (TC_ACT_OK would end the run there,
 * and the programs after it would see nothing).
 */
SEC("tc")
int sipguard_learn(struct __sk_buff *skb)
{
	struct learn_req r = {};
	struct sg_pkt pkt = {};
	struct sg_sip sip;
	void *data, *end;
	__u32 want, off;
	__u8 b[2];

	want = skb->len < SG_LEARN_PULL ? skb->len : SG_LEARN_PULL;
	if (skb->data_end - skb->data < want)
		bpf_skb_pull_data(skb, want);
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;

	if (parse_packet(data, end, &pkt, sg_if_flags & SG_IF_L3) != SG_L4_UDP)
		return TC_ACT_UNSPEC;
	off = payload_off(&pkt, data);
	if (off > SG_PAYLOAD_OFF_MAX)
		return TC_ACT_UNSPEC;
	sip = sip_unpack(sg_classify_skb(skb, off));
	pkt_daddr(&pkt, &r.k.addr);
	r.k.remote_port = pkt.dport;
	r.k.local_port = pkt.sport;
	off += sip.start;

	switch (sip.kind) {
	case SG_SIP_REQUEST:
		learn_request(skb, &r, sip.method, off);
		break;
	case SG_SIP_RESPONSE:
		/* "SIP/2.0 2xx": the status code's first digit */
		learn_response(&r, !bpf_skb_load_bytes(skb, off + 8, b, 1) &&
				   b[0] == '2');
		break;
	case SG_SIP_KEEPALIVE:
		sg_learn(&r, 1);
		break;
	case SG_SIP_STUN:
		/* a binding request: message type 0x0001 */
		if (!bpf_skb_load_bytes(skb, off, b, 2) && !b[0] && b[1] == 1)
			sg_learn(&r, 1);
		break;
	}
	return TC_ACT_UNSPEC;
}

/*
 * The clock's calibration, run by `attach` with BPF_PROG_TEST_RUN, never
 * attached: jiffies and the monotonic clock read together, written over
 * the test frame (loader/clock.c turns pairs of them into sg_config's
 * clock_mult and clock_base).
 */
SEC("xdp")
int sipguard_clock(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 *w = data;

	if ((void *)(w + 2) > end)
		return XDP_ABORTED;
	w[0] = bpf_jiffies64();
	w[1] = bpf_ktime_get_ns();
	return XDP_PASS;
}
