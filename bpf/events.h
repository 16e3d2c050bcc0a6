/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Drop events: a sample of the drops goes to userspace through the
 * sg_events ring buffer, behind a per-CPU token bucket that, once empty,
 * looks at the clock only every SG_EV_SKIP packets: a flood costs a
 * counter decrement per packet.  The event of a dropped request is filled
 * in by sipguard_l7 (l7_event() in l7.h), which has the header fields;
 * every other drop sends the basic one here.
 */
#ifndef SG_EVENTS_H
#define SG_EVENTS_H

#include "maps.h"
#include "classify.h"

/*
 * May this CPU send a drop event now?  A token bucket refilled from the
 * clock; when it runs dry the next SG_EV_SKIP packets are suppressed
 * without reading the clock.
 */
#define SG_EV_SKIP	63

static __always_inline int event_token(const struct sg_config *cfg)
{
	__u32 zero = 0;
	struct sg_evstate *st = bpf_map_lookup_elem(&sg_evstate, &zero);
	__u64 now, cap;

	if (!st || !cfg || !cfg->event_rate)
		return 0;
	if (st->skip) {
		st->skip--;
		goto suppress;
	}
	now = sg_now();
	cap = (__u64)(cfg->event_burst ?: 1) * NSEC_PER_SEC;
	if (now > st->last_ns)
		st->tokens += (now - st->last_ns) * cfg->event_rate;
	if (st->tokens > cap)
		st->tokens = cap;
	st->last_ns = now;
	if (st->tokens >= NSEC_PER_SEC) {
		st->tokens -= NSEC_PER_SEC;
		return 1;
	}
	st->skip = SG_EV_SKIP;
suppress:
	st->suppressed++;
	return 0;
}

/* Events suppressed on this CPU since the last one sent; counts this one sent. */
static __always_inline __u32 event_sent(void)
{
	__u32 zero = 0, n;
	struct sg_evstate *st = bpf_map_lookup_elem(&sg_evstate, &zero);

	if (!st)
		return 0;
	/* one total a suppressed packet, not two: the count since the last
	 * event is the total's growth since then (mod 2^32) */
	n = (__u32)st->suppressed - st->at_sent;
	st->at_sent = (__u32)st->suppressed;
	st->sent++;
	return n;
}

static __always_inline void event_basic(struct xdp_md *ctx,
					const struct sg_info *in, __u32 reason,
					int monitor)
{
	struct sg_event *e;

	e = bpf_ringbuf_reserve(&sg_events, sizeof(*e), 0);
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->ifindex = ctx->ingress_ifindex;
	e->reason = reason;
	e->method = in->method;
	e->flags = monitor ? SG_EV_MONITOR : 0;
	e->saddr = in->src;
	e->daddr = in->dst;
	if (in->have_ports) {
		e->sport = in->pkt.sport;
		e->dport = in->pkt.dport;
	}
	e->suppressed = event_sent();
	bpf_ringbuf_submit(e, 0);
}

#endif /* SG_EVENTS_H */
