// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The TC egress learner: our own opening requests (REGISTER, INVITE,
 * SUBSCRIBE, OPTIONS, PUBLISH, MESSAGE) create a flow, exact and wildcard;
 * responses and in-dialog requests refresh one; nothing else adds any.  The
 * learner never changes the packet.  A full table: the oldest learned flow
 * makes room, a hand-made one never does.
 */
#include "progs.h"

/* The learner made the exact flow and its shadow, stamped after t0. */
static void expect_flow_learned_at(const char *file, int line, const char *what,
				   const char *addr, __u16 rport, __u16 lport,
				   __u64 t0)
{
	struct sg_flow_val v;
	__u64 t1 = now_ns();

	if (!harness_check(!flow_get(addr, rport, lport, &v), file, line,
			   "%s: no exact flow %s:%u -> %u", what, addr, rport,
			   lport))
		return;
	ASSERT_EQ(v.flags, 0, "exact flags");
	ASSERT_EQ(v.origin, SG_ORIGIN_LEARNED, "exact origin");
	ASSERT_TRUE(v.last_seen_ns >= t0 &&
		    v.last_seen_ns <= t1, "exact last_seen now");
	ASSERT_TRUE(v.created_ns >= t0 &&
		    v.created_ns <= t1, "exact created now");
	if (!harness_check(!flow_get(addr, 0, lport, &v), file, line,
			   "%s: no shadow flow %s -> %u", what, addr, lport))
		return;
	ASSERT_EQ(v.flags, SG_FLOW_SHADOW, "shadow flags");
	ASSERT_EQ(v.origin, SG_ORIGIN_LEARNED, "shadow origin");
	ASSERT_TRUE(v.last_seen_ns >= t0 &&
		    v.last_seen_ns <= t1, "shadow last_seen now");
}

#define expect_flow_learned(what, addr, rport, lport, t0)		\
	expect_flow_learned_at(__FILE__, __LINE__, what, addr, rport, lport, t0)

void test_learn_opening_requests_create_flow(void)
{
	static const char *m[] = { "REGISTER", "INVITE", "SUBSCRIBE",
				   "OPTIONS", "PUBLISH", "MESSAGE",
				   "register" };
	struct pkt_frame f;
	struct pkt_desc d;
	__u64 t0;
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		reset_state();
		out4(&d, PBX4, 5062, 5060);	/* local 5062 -> remote 5060 */
		request(&f, &d, m[i]);
		t0 = now_ns() - CLOCK_SLACK_NS;
		run_tc(f.data, f.len);
		expect_flow_learned(m[i], PBX4, 5060, 5062, t0);
		ASSERT_EQ(map_count(MAPFD(sg_flows)), 2, "two entries");
	}
}

void test_learn_ipv6_register_creates_flow(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	__u64 t0 = now_ns() - CLOCK_SLACK_NS;

	out6(&d, PBX6, 40000, 5070);
	pkt_add_ext(&d, PKT_EXT_DSTOPTS, 0);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	expect_flow_learned("v6", PBX6, 5070, 40000, t0);
}

void test_learn_vlan_pppoe_register_creates_flow(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	__u64 t0 = now_ns() - CLOCK_SLACK_NS;

	out4(&d, PBX4, 5062, 5060);
	d.nvlan = 1;
	d.pppoe = 1;
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	expect_flow_learned("vlan pppoe", PBX4, 5060, 5062, t0);
}

void test_learn_other_messages_create_no_flow(void)
{
	static const char *m[] = { "NOTIFY", "BYE", "ACK", "CANCEL", "INFO",
				   "PRACK", "UPDATE", "REFER" };
	struct pkt_frame f;
	struct pkt_desc d;
	uint8_t b[64];
	size_t i;

	out4(&d, SCAN4, 5060, 5060);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		request(&f, &d, m[i]);
		run_tc(f.data, f.len);
	}
	response(&f, &d, "200 OK");
	run_tc(f.data, f.len);
	text(&f, &d, "\r\n\r\n");
	run_tc(f.data, f.len);
	build(&f, &d, b, pkt_stun_binding(b, sizeof(b)));
	run_tc(f.data, f.len);
	build(&f, &d, b, pkt_rtp(b, sizeof(b), 40));
	run_tc(f.data, f.len);
	ASSERT_EQ(map_count(MAPFD(sg_flows)), 0, "no flows");
}

/* The phone answers a scanner's OPTIONS: its INVITE stays an orphan. */
void test_learn_answer_to_scanner_opens_nothing(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	out4(&d, SCAN4, 5060, 5060);
	response(&f, &d, "200 OK");
	run_tc(f.data, f.len);
	scan_invite4(&f);
	EXPECT_DROP("scanner INVITE after our 200 OK", &f, SG_R_ORPHAN);
}

void test_learn_response_and_notify_refresh_flow(void)
{
	static const char *m[] = { "200 OK", "NOTIFY", "BYE", "ACK", "CANCEL" };
	struct sg_flow_val v;
	struct pkt_frame f;
	struct pkt_desc d;
	__u64 t0;
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		reset_state();
		flow_learned(PBX4, 5060, 5062, 1000);
		out4(&d, PBX4, 5062, 5060);
		if (i == 0)
			response(&f, &d, m[i]);
		else
			request(&f, &d, m[i]);
		t0 = now_ns() - CLOCK_SLACK_NS;
		run_tc(f.data, f.len);
		ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "exact still there");
		ASSERT_TRUE(v.last_seen_ns >= t0, m[i]);
		ASSERT_EQ(flow_get(PBX4, 0, 5062, &v), 0, "shadow still there");
		ASSERT_TRUE(v.last_seen_ns >= t0, m[i]);
		ASSERT_EQ(map_count(MAPFD(sg_flows)), 2, "no new entries");
	}
}

/* A refresh never turns a static port-less flow into a learned one. */
void test_learn_refresh_keeps_static_wildcard(void)
{
	struct sg_flow_val v;
	struct pkt_frame f;
	struct pkt_desc d;

	flow_static_anyport(PBX4, 5062);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	ASSERT_EQ(flow_get(PBX4, 0, 5062, &v), 0, "wildcard there");
	ASSERT_EQ(v.flags, SG_FLOW_STATIC | SG_FLOW_ANY_PORT, "wildcard flags");
	ASSERT_EQ(v.origin, SG_ORIGIN_CLI, "wildcard origin");
	ASSERT_EQ(v.last_seen_ns, 0, "wildcard last_seen");
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "exact learned");
}

/* A NOTIFY to a remote with no flow refreshes nothing and adds nothing. */
void test_learn_notify_without_flow_adds_nothing(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_static_anyport(PBX4, 5062);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "NOTIFY");
	run_tc(f.data, f.len);
	ASSERT_EQ(map_count(MAPFD(sg_flows)), 1, "only the static flow");
}

/* The whole story: REGISTER out, INVITE in on that flow. */
void test_learn_then_inbound_invite_established(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("INVITE from the registrar", &f, SG_R_ESTABLISHED);
	in4(&d, PBX4, 5060, 5064);
	request(&f, &d, "INVITE");
	EXPECT_DROP("INVITE to another local port", &f, SG_R_ORPHAN);
	in4(&d, SCAN4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("INVITE from a stranger", &f, SG_R_ORPHAN);

	out6(&d, PBX6, 5062, 5060);
	request(&f, &d, "SUBSCRIBE");
	run_tc(f.data, f.len);
	in6(&d, PBX6, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("v6 INVITE on the flow", &f, SG_R_ESTABLISHED);
}

void test_learn_then_inbound_invite_match_port(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	set_config(SG_CFG_MATCH_PORT, 0);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("same remote port", &f, SG_R_ESTABLISHED);
	in4(&d, PBX4, 5080, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("other remote port", &f, SG_R_ORPHAN);
}

static struct sg_flowstat flowstat_sum(void)
{
	struct sg_flowstat *v = calloc(ncpus, sizeof(*v)), sum = {};
	__u32 zero = 0;
	int i;

	if (!bpf_map_lookup_elem(MAPFD(sg_flowstat), &zero, v))
		for (i = 0; i < ncpus; i++) {
			sum.learned += v[i].learned;
			sum.evicted += v[i].evicted;
			sum.full += v[i].full;
		}
	free(v);
	return sum;
}

static void flowstat_zero(void)
{
	struct sg_flowstat *z = calloc(ncpus, sizeof(*z));
	__u32 zero = 0;

	bpf_map_update_elem(MAPFD(sg_flowstat), &zero, z, BPF_ANY);
	free(z);
}

/* Fill the table with learned flows from 2001:db8:f::N, oldest first. */
static void fill_flows(int n, __u32 flags)
{
	struct sg_flow_val v = { .flags = flags, .origin = SG_ORIGIN_LEARNED };
	struct sg_flow_key k = { .remote_port = 5060, .local_port = 5060 };
	/* in the past, and every stamp before the learner's "now" */
	__u64 t = ago_ns(1000) / 2;
	int i;

	to_addr("2001:db8:f::", &k.addr);
	for (i = 0; i < n; i++) {
		k.addr.b[12] = i >> 24;
		k.addr.b[13] = i >> 16;
		k.addr.b[14] = i >> 8;
		k.addr.b[15] = i;
		v.last_seen_ns = t + i;	/* flow 0 is the oldest */
		if (bpf_map_update_elem(MAPFD(sg_flows), &k, &v, BPF_NOEXIST)) {
			FAIL("filling the flow table: %s at %d", strerror(errno), i);
			return;
		}
	}
}

void test_learn_full_table_evicts_oldest_learned_flow(void)
{
	struct sg_flow_key oldest = { .remote_port = 5060, .local_port = 5060 };
	struct sg_flow_val v;
	struct pkt_frame f;
	struct pkt_desc d;

	flowstat_zero();
	flow_static_anyport(PBX6, 5060);		/* a hand-made flow: kept */
	fill_flows(SG_FLOWS_MAX - 1, 0);
	ASSERT_EQ(map_count(MAPFD(sg_flows)), SG_FLOWS_MAX, "table full");
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "the new flow is there");
	to_addr("2001:db8:f::", &oldest.addr);
	ASSERT_TRUE(bpf_map_lookup_elem(MAPFD(sg_flows), &oldest, &v) != 0,
		    "the oldest learned flow was evicted");
	ASSERT_EQ(flow_get(PBX6, 0, 5060, &v), 0, "the hand-made flow stays");
	/* the new flow takes two entries (exact and wildcard): two evictions */
	ASSERT_EQ(flowstat_sum().evicted, 2, "evictions counted");
	ASSERT_EQ(flowstat_sum().learned, 1, "learned counted");
	ASSERT_EQ(map_count(MAPFD(sg_flows)), SG_FLOWS_MAX, "table still full");
}

void test_learn_table_full_of_static_flows_records_nothing(void)
{
	struct sg_flow_val v;
	struct pkt_frame f;
	struct pkt_desc d;

	flowstat_zero();
	fill_flows(SG_FLOWS_MAX, SG_FLOW_STATIC);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	ASSERT_TRUE(flow_get(PBX4, 5060, 5062, &v) != 0, "no new flow");
	ASSERT_EQ(flowstat_sum().full, 1, "not recorded, counted");
	ASSERT_EQ(flowstat_sum().evicted, 0, "nothing evicted");
}

