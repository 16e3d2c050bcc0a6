/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Layer 7: the header checks of sipguard_l7, and the hand-over to it.
 *
 * sipguard_xdp hands a request over with to_l7(): the packet's facts go
 * into sg_scratch (same CPU, same packet) and a tail call enters
 * sipguard_l7 through the instance's slot SG_TAIL_L7.  That program needs
 * bpf_loop() and bpf_xdp_load_bytes() (Linux 5.18): on older kernels it
 * is not loaded, the tail call falls through and the request passes.
 * Nothing after the tail call reads the packet (Linux 6.12 refuses a
 * packet pointer kept across it): the facts come from struct sg_info.
 *
 * sipguard_l7 copies the start of the request into the scratch buffer,
 * scans the header block with bpf_loop() (scan.h, sip_hdr.h, sip_val.h) and decides
 * with the functions below: the inspect policy's checks of an INVITE, the
 * User-Agent blocklist with its bans, and the drop event with the header
 * fields.
 */
#ifndef SG_L7_H
#define SG_L7_H

#include "maps.h"
#include "classify.h"
#include "events.h"

/* sipguard_xdp's side: hand the request over, in MODE (enum sg_l7_mode). */
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
#if !defined(SG_NO_L7) && !defined(SG_EXTENSION)
	/* none in a build without layer 7, nor in libxdp's dispatcher
	 * (sipguard_ext.bpf.c), where the kernel refuses it */
	bpf_tail_call(ctx, &sg_l7_prog, SG_TAIL_L7);
#endif
	/* no sipguard_l7 on this kernel: the caller goes on without it */
}

/*
 * sipguard_l7's side.  Each piece is a global (noinline) function: the
 * verifier checks it once, on its own, instead of once for every way the
 * pieces before it ended.  Their pointer arguments may be NULL as far as
 * the verifier knows.
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

/*
 * Copy the request's first SG_SCAN_MAX bytes and scan its headers for the
 * ones in WANT (SG_W() bits): the scan stops when it has them all.
 */
__attribute__((noinline))
int l7_scan(struct xdp_md *ctx, struct sg_scratch *sc, __u32 want)
{
	struct scan_loop l = { .sc = sc };
	__u32 len, off, cut;

	if (!sc)
		return 0;
	off = sc->payload_off;
	len = ctx->data_end - ctx->data;
	len = len > off ? len - off : 0;
	__builtin_memset(&sc->scan, 0, offsetof(struct sg_scan, buf));
	cut = len > SG_SCAN_MAX;
	if (cut)
		len = SG_SCAN_MAX;
	if (len && load_bytes(ctx, off, sc->scan.buf, len))
		len = 0;
	sg_scan_begin(&sc->scan, len, cut);
	sc->scan.want = want & SG_WANT_ALL;
	bpf_loop(SG_SCAN_STEPS, scan_one, &l, 0);
	return len;
}

/* Does the User-Agent carry a pattern of the live blocklist? */
__attribute__((noinline))
int l7_ua_blocked(struct sg_scratch *sc, __u32 slot)
{
	struct sg_ua_set *set;

	if (!sc)
		return 0;
	slot &= 1;
	set = bpf_map_lookup_elem(&sg_ua, &slot);
	if (!set)
		return 0;
	return sg_ua_match(&sc->scan, set);
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
	/* no From user: a drop only when the From was read whole (fail open) */
	if (!l7_uri_user(sc, 1) && sg_from_sure(&sc->scan))
		return SG_R_BAD_FROM;
	if (l7_to_tag(sc))
		return SG_R_TO_TAG;
	return SG_R_INSPECTED;
}

/*
 * The INVITE passed `inspect`: its caller waits in sg_pending for the
 * LAN's answer, which the learner turns into a dialog flow when it is a
 * 2xx (learn.h).  Keyed as the learner sees the answer: {caller addr,
 * caller port, local port}.  A caller that waits already has its wait
 * renewed in place: a repeated INVITE (a retransmission, or a flood from
 * one source) costs a lookup, not the LRU's take and give back of a node.
 */
static __always_inline void await_answer(const struct sg_scratch *sc)
{
	struct sg_flow_key k = { .remote_port = sc->sport,
				 .local_port = sc->dport };
	__u32 until = sg_now_s() + SG_PENDING_S, *old;

	k.addr = sc->saddr;
	old = bpf_map_lookup_elem(&sg_pending, &k);
	if (old) {
		if (*old != until)
			*old = until;
		return;
	}
	bpf_map_update_elem(&sg_pending, &k, &until, BPF_ANY);
}

/*
 * Ban the request's source for ban-time.  A live ban is renewed in place
 * (a banned source only gets here when a flow exempts it); a new ban, or
 * one that ran out and waits in the table, takes a place of the window's quota
 * (SG_BANS_QUOTA per ban-time), or is refused and counted when none is
 * left, so that a flood of spoofed sources never makes sg_bans full of
 * live bans and the LRU never pushes a live one out.  The check and the
 * count are not one atomic step: CPUs racing at the end of a window may
 * take a few places more, far from the half of the table kept in reserve.
 */
static __always_inline void ban(const struct sg_scratch *sc,
				const struct sg_config *cfg, __u32 reason)
{
	struct sg_ban_val b = { .reason = reason }, *old;
	struct sg_ban_stat *st;
	__u64 len;
	__u32 zero = 0;

	if (!cfg->ban_time_s)
		return;
	len = cfg->ban_time_s * NSEC_PER_SEC;
	b.banned_ns = sg_now();
	b.expires_ns = b.banned_ns + len;
	old = bpf_map_lookup_elem(&sg_bans, &sc->saddr);
	if (old && old->expires_ns > b.banned_ns) {
		*old = b;
		return;
	}
	st = bpf_map_lookup_elem(&sg_banstat, &zero);
	if (!st)
		return;
	/* signed: a start a tick ahead of the coarse clock is this window */
	if ((__s64)(b.banned_ns - st->window_ns) >= (__s64)len) {
		st->window_ns = b.banned_ns;
		st->in_window = 0;
	}
	if (st->in_window >= SG_BANS_QUOTA) {
		__sync_fetch_and_add(&st->refused, 1);
		return;
	}
	__sync_fetch_and_add(&st->in_window, 1);
	if (!bpf_map_update_elem(&sg_bans, &sc->saddr, &b, BPF_ANY))
		__sync_fetch_and_add(&st->granted, 1);
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

#endif /* SG_L7_H */
