// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Drop events: the fields of the event a drop sends through the ring
 * buffer, the per-CPU token bucket that bounds them, and the monitor flag.
 */
#include <sched.h>

#include "progs.h"

struct ev_sink {
	int n;
	struct sg_event last;
};

static int ev_cb(void *ctx, void *data, size_t size)
{
	struct ev_sink *s = ctx;

	if (size >= sizeof(s->last))
		memcpy(&s->last, data, sizeof(s->last));
	s->n++;
	return 0;
}

/* Take every event waiting in the ring buffer. */
static int events_drain(struct ev_sink *s)
{
	struct ring_buffer *rb;

	memset(s, 0, sizeof(*s));
	rb = ring_buffer__new(MAPFD(sg_events), ev_cb, s, NULL);
	if (!rb) {
		FAIL("ring_buffer__new: %s", strerror(errno));
		return -1;
	}
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return s->n;
}

static __u64 events_suppressed(void)
{
	struct sg_evstate *v = calloc(ncpus, sizeof(*v));
	__u64 sum = 0;
	__u32 zero = 0;
	int i;

	if (!bpf_map_lookup_elem(MAPFD(sg_evstate), &zero, v))
		for (i = 0; i < ncpus; i++)
			sum += v[i].suppressed;
	free(v);
	return sum;
}

static void events_reset(__u32 flags, __u32 rate, __u32 burst)
{
	struct sg_evstate *z = calloc(ncpus, sizeof(*z));
	struct sg_config c = { .flags = flags, .event_rate = rate,
			       .event_burst = burst };
	struct ev_sink s;
	__u32 zero = 0;

	bpf_map_update_elem(MAPFD(sg_evstate), &zero, z, BPF_ANY);
	bpf_map_update_elem(MAPFD(sg_config), &zero, &c, BPF_ANY);
	free(z);
	events_drain(&s);
}

void test_events_orphan_invite_fields(void)
{
	struct sg_addr want;
	struct pkt_frame f;
	struct ev_sink s;

	NEED_L7();

	events_reset(0, 100, 10);
	sip_msg(&f, SCAN4, "INVITE", "100",
		"From: \"sipvicious\"<sip:100@1.1.1.1>;tag=6637\r\n",
		"To: \"sipvicious\"<sip:100@1.1.1.1>\r\n", SCANNER_UA);
	EXPECT_DROP("scanner INVITE", &f, SG_R_ORPHAN);
	ASSERT_EQ(events_drain(&s), 1, "events");
	to_addr(SCAN4, &want);
	ASSERT_TRUE(!memcmp(&s.last.saddr, &want, sizeof(want)), "source address");
	to_addr(LOCAL4, &want);
	ASSERT_TRUE(!memcmp(&s.last.daddr, &want, sizeof(want)), "destination address");
	ASSERT_EQ(s.last.sport, 5060, "source port");
	ASSERT_EQ(s.last.dport, 5060, "destination port");
	ASSERT_EQ(s.last.reason, SG_R_ORPHAN, "reason");
	ASSERT_EQ(s.last.method, SG_M_INVITE, "method");
	ASSERT_EQ(s.last.flags, SG_EV_HEADERS, "flags");
	ASSERT_EQ(s.last.from_user_len, 3, "From user length");
	ASSERT_TRUE(!memcmp(s.last.from_user, "100", 3), "From user");
	ASSERT_EQ(s.last.ua_len, 16, "User-Agent length");
	ASSERT_TRUE(!memcmp(s.last.ua, "friendly-scanner", 16), "User-Agent");
	ASSERT_EQ(s.last.suppressed, 0, "suppressed");
}

void test_events_long_user_agent_cut(void)
{
	struct pkt_frame f;
	struct ev_sink s;

	NEED_L7();

	events_reset(0, 100, 10);
	sip_msg(&f, SCAN6, "INVITE", "100", GOOD_FROM, NULL,
		"User-Agent: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n");
	EXPECT_DROP("IPv6 scanner INVITE", &f, SG_R_ORPHAN);
	ASSERT_EQ(events_drain(&s), 1, "events");
	ASSERT_EQ(s.last.ua_len, SG_EV_UA_MAX, "User-Agent cut to the event's field");
	ASSERT_EQ(s.last.from_user_len, 3, "From user");
}

void test_events_non_request_drop_has_no_headers(void)
{
	struct pkt_frame f;
	struct ev_sink s;
	struct pkt_desc d;

	events_reset(0, 100, 10);
	in4(&d, SCAN4, 5060, 5060);
	d.ip4_mf = 1;
	text(&f, &d, "INV");
	EXPECT_DROP("tiny first fragment", &f, SG_R_TINY_FRAG);
	ASSERT_EQ(events_drain(&s), 1, "events");
	ASSERT_EQ(s.last.reason, SG_R_TINY_FRAG, "reason");
	ASSERT_EQ(s.last.method, SG_M_NONE, "no method");
	ASSERT_EQ(s.last.flags, 0, "no header fields looked for");
}

void test_events_flood_bounded_rest_suppressed(void)
{
	struct pkt_frame f;
	struct ev_sink s;
	int n, sent;

	events_reset(0, 1, 5);
	scan_invite4(&f);
	n = 2000;
	ASSERT_EQ(run_xdp_n(f.data, f.len, n), XDP_DROP, "flood dropped");
	sent = events_drain(&s);
	ASSERT_TRUE(sent >= 5 && sent <= 8, "events at most the burst and a few more");
	ASSERT_EQ(events_suppressed(), (__u64)(n - sent), "the rest suppressed");
	ASSERT_EQ(ctr(SG_R_ORPHAN, SG_V_DROP).packets, n, "orphan drops counted");
}

/*
 * An event says how many drops went without one on its CPU since the
 * last: after a flood, a refilled bucket's next event carries the
 * flood's suppressed count, and the one after it none.
 */
void test_events_count_what_was_suppressed(void)
{
	struct sg_evstate *v = calloc(ncpus, sizeof(*v));
	cpu_set_t cs, old;
	struct pkt_frame f;
	struct ev_sink s;
	__u32 zero = 0;
	int i, n = 1000, sent;

	/* one CPU for the flood and the events after it */
	sched_getaffinity(0, sizeof(old), &old);
	CPU_ZERO(&cs);
	CPU_SET(sched_getcpu(), &cs);
	sched_setaffinity(0, sizeof(cs), &cs);

	events_reset(0, 1, 3);
	scan_invite4(&f);
	ASSERT_EQ(run_xdp_n(f.data, f.len, n), XDP_DROP, "flood dropped");
	sent = events_drain(&s);
	ASSERT_TRUE(sent >= 3 && sent <= 6, "events at most the burst and a few more");
	/* refill every CPU's bucket, the counts as they are */
	if (!bpf_map_lookup_elem(MAPFD(sg_evstate), &zero, v)) {
		for (i = 0; i < ncpus; i++) {
			v[i].tokens = 3ULL * 1000000000ULL;
			v[i].skip = 0;
		}
		bpf_map_update_elem(MAPFD(sg_evstate), &zero, v, BPF_ANY);
	}
	EXPECT_DROP("the next INVITE", &f, SG_R_ORPHAN);
	ASSERT_EQ(events_drain(&s), 1, "its event");
	ASSERT_EQ(s.last.suppressed, n - sent, "the flood's drops without an event");
	EXPECT_DROP("and the one after", &f, SG_R_ORPHAN);
	ASSERT_EQ(events_drain(&s), 1, "its event");
	ASSERT_EQ(s.last.suppressed, 0, "none since the last");

	sched_setaffinity(0, sizeof(old), &old);
	free(v);
}

void test_events_off_when_rate_zero(void)
{
	struct pkt_frame f;
	struct ev_sink s;

	events_reset(0, 0, 5);
	scan_invite4(&f);
	EXPECT_DROP("scanner INVITE", &f, SG_R_ORPHAN);
	ASSERT_EQ(events_drain(&s), 0, "no events");
}

void test_events_monitor_flagged(void)
{
	struct pkt_frame f;
	struct ev_sink s;

	events_reset(SG_CFG_MONITOR, 100, 10);
	scan_invite4(&f);
	EXPECT_WOULD_DROP("monitor mode", &f, SG_R_ORPHAN);
	ASSERT_EQ(events_drain(&s), 1, "events");
	ASSERT_TRUE(s.last.flags & SG_EV_MONITOR, "monitor flag");
}

