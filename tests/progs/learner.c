// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The TC egress learner and the flow table: our own opening requests
 * (REGISTER, INVITE, SUBSCRIBE, OPTIONS, PUBLISH, MESSAGE) create a flow;
 * responses, in-dialog requests, CRLF keep-alives and STUN binding
 * requests refresh one; nothing else adds any.  A REGISTER's lifetime
 * becomes the flow's, expires 0 ends it.  The learner never changes the
 * packet.  A full set: expired, then unanswered, then answered flows
 * make room; registered and dialog flows never do.
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "progs.h"
#include "flowtab.h"

/* The learner made the flow, seen now, with FLAGS and lifetime LIFE. */
static void expect_flow_learned_at(const char *file, int line, const char *what,
				   const char *addr, __u16 rport, __u16 lport,
				   __u32 flags, __u32 life)
{
	struct sg_flow_slot v;
	__u32 now = flows_now();

	if (!harness_check(!flow_get(addr, rport, lport, &v), file, line,
			   "%s: no flow %s:%u -> %u", what, addr, rport,
			   lport))
		return;
	harness_check(v.flags == flags, file, line, "%s: flags %#x, not %#x",
		      what, v.flags, flags);
	harness_check(v.origin == SG_ORIGIN_LEARNED, file, line,
		      "%s: origin %u", what, v.origin);
	harness_check(v.lifetime_s == life, file, line,
		      "%s: lifetime %u, not %u", what, v.lifetime_s, life);
	/* seen now (flows_now(): the programs' clock); it may lag a second */
	harness_check(v.expires_s - life + 1 >= now &&
		      v.expires_s - life <= now, file, line,
		      "%s: seen at %u, now is %u", what, v.expires_s - life,
		      now);
}

#define expect_flow_learned(what, addr, rport, lport, flags, life)	\
	expect_flow_learned_at(__FILE__, __LINE__, what, addr, rport, lport, \
			       flags, life)

void test_learn_opening_requests_create_flow(void)
{
	static const char *m[] = { "REGISTER", "INVITE", "SUBSCRIBE",
				   "OPTIONS", "PUBLISH", "MESSAGE",
				   "register" };
	struct pkt_frame f;
	struct pkt_desc d;
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		reset_state();
		out4(&d, PBX4, 5062, 5060);	/* local 5062 -> remote 5060 */
		request(&f, &d, m[i]);
		run_tc(f.data, f.len);
		expect_flow_learned(m[i], PBX4, 5060, 5062,
				    i == 0 || i == 6 ? SG_FLOW_REG_SENT : 0,
				    SG_DEFAULT_FLOW_TIMEOUT);
		ASSERT_EQ(flows_count(), 1, "one flow");
	}
}

void test_learn_ipv6_register_creates_flow(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	out6(&d, PBX6, 40000, 5070);
	pkt_add_ext(&d, PKT_EXT_DSTOPTS, 0);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	expect_flow_learned("v6", PBX6, 5070, 40000, SG_FLOW_REG_SENT,
			    SG_DEFAULT_FLOW_TIMEOUT);
}

void test_learn_vlan_pppoe_register_creates_flow(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	out4(&d, PBX4, 5062, 5060);
	d.nvlan = 1;
	d.pppoe = 1;
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	expect_flow_learned("vlan pppoe", PBX4, 5060, 5062, SG_FLOW_REG_SENT,
			    SG_DEFAULT_FLOW_TIMEOUT);
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
	ASSERT_EQ(flows_count(), 0, "no flows");
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
	static const char *m[] = { "200 OK", "NOTIFY", "BYE", "ACK", "CANCEL",
				   "\r\n\r\n", "\r\n", "STUN" };
	struct pkt_frame f;
	struct pkt_desc d;
	uint8_t b[64];
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		reset_state();
		flow_learned(PBX4, 5060, 5062, 1000);
		out4(&d, PBX4, 5062, 5060);
		if (i == 0)
			response(&f, &d, m[i]);
		else if (m[i][0] == '\r')
			text(&f, &d, m[i]);
		else if (m[i][0] == 'S')
			build(&f, &d, b, pkt_stun_binding(b, sizeof(b)));
		else
			request(&f, &d, m[i]);
		run_tc(f.data, f.len);
		expect_flow_learned(m[i], PBX4, 5060, 5062, 0,
				    SG_DEFAULT_FLOW_TIMEOUT);
		ASSERT_EQ(flows_count(), 1, "no new flow");
	}
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
			sum.reclaimed += v[i].reclaimed;
			sum.refreshed += v[i].refreshed;
			sum.keepalives += v[i].keepalives;
			sum.unregistered += v[i].unregistered;
			sum.dialogs += v[i].dialogs;
			sum.answered += v[i].answered;
			sum.registered += v[i].registered;
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

/*
 * RFC 5626 keep-alives keep a phone's flow alive past the flow timeout:
 * a flow 50 s into a 60 s timeout, refreshed by CRLF and by a STUN
 * binding request, is good for another 60 s; a STUN binding response
 * (the phone answering someone) refreshes nothing.
 */
void test_learn_keepalives_refresh_never_create(void)
{
	struct sg_flow_slot v;
	struct pkt_frame f;
	struct pkt_desc d;
	uint8_t b[64];
	int n;

	set_config(0, 60);
	flowstat_zero();
	flow_learned(PBX4, 5060, 5062, 50);
	out4(&d, PBX4, 5062, 5060);
	text(&f, &d, "\r\n\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "flow there");
	ASSERT_TRUE(v.expires_s >= flows_now() + 58, "CRLF refreshed");
	ASSERT_EQ(flowstat_sum().keepalives, 1, "keep-alive counted");

	reset_state();
	set_config(0, 60);
	flow_learned(PBX4, 5060, 5062, 50);
	n = pkt_stun_binding(b, sizeof(b));
	b[0] = 0x01;			/* 0x0101: binding success response */
	build(&f, &d, b, n);
	run_tc(f.data, f.len);
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "flow there");
	ASSERT_TRUE(v.expires_s <= flows_now() + 11, "response: no refresh");
	b[0] = 0x00;			/* 0x0001: binding request */
	build(&f, &d, b, n);
	run_tc(f.data, f.len);
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "flow there");
	ASSERT_TRUE(v.expires_s >= flows_now() + 58, "STUN refreshed");

	/* and the INVITE 100 s after the flow began still gets in */
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("INVITE on the kept flow", &f, SG_R_ESTABLISHED);

	/* a keep-alive to a remote without a flow creates none */
	reset_state();
	out4(&d, SCAN4, 5062, 5060);
	text(&f, &d, "\r\n\r\n");
	run_tc(f.data, f.len);
	build(&f, &d, b, n);
	run_tc(f.data, f.len);
	ASSERT_EQ(flows_count(), 0, "no flow from keep-alives");
}

/* A REGISTER of USER from the phone's 5062 to PBX4:5060 with HEADERS. */
static void register_as(struct pkt_frame *f, const char *user,
			const char *headers)
{
	char msg[1500];
	struct pkt_desc d;
	int n;

	out4(&d, PBX4, 5062, 5060);
	n = snprintf(msg, sizeof(msg),
		     "REGISTER sip:198.51.100.20 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-1;rport\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:%s@198.51.100.20>;tag=1\r\n"
		     "To: <sip:%s@198.51.100.20>\r\n"
		     "Call-ID: reg-1@192.0.2.10\r\n"
		     "CSeq: 2 REGISTER\r\n"
		     "%s"
		     "Content-Length: 0\r\n\r\n", user, user, headers);
	build(f, &d, msg, n);
}

static void register_with(struct pkt_frame *f, const char *headers)
{
	register_as(f, "100", headers);
}

#define REG_LIFE(l)	((l) + (l) / SG_REG_MARGIN_DIV + SG_REG_MARGIN_S)
#define REGF		(SG_FLOW_REG_SENT | SG_FLOW_REG_LIFE)

void test_learn_register_lifetime_sets_the_flows(void)
{
	static const struct {
		const char *what, *headers;
		__u32 life, flags;
	} c[] = {
		{ "Expires header", "Contact: <sip:100@192.0.2.10:5062>\r\n"
		  "Expires: 7200\r\n", REG_LIFE(7200), REGF },
		{ "Contact parameter", "Contact: <sip:100@192.0.2.10:5062>;"
		  "expires=600\r\n", REG_LIFE(600), REGF },
		{ "the parameter over the header", "Expires: 300\r\nContact: "
		  "<sip:100@192.0.2.10:5062>;q=0.5; EXPIRES = 900\r\n",
		  REG_LIFE(900), REGF },
		{ "a shorter parameter too", "Expires: 3600\r\nContact: "
		  "<sip:100@192.0.2.10:5062>;expires=60\r\n",
		  REG_LIFE(60), REGF },
		{ "case and blanks", "expires :\t120\r\n", REG_LIFE(120), REGF },
		{ "none: the timeout", "Contact: <sip:100@192.0.2.10:5062>\r\n",
		  SG_DEFAULT_FLOW_TIMEOUT, SG_FLOW_REG_SENT },
		{ "not a header name", "Session-Expires: 1800\r\n"
		  "X-Min-Expires: 60\r\n", SG_DEFAULT_FLOW_TIMEOUT,
		  SG_FLOW_REG_SENT },
		{ "huge", "Expires: 99999999999\r\n",
		  REG_LIFE(SG_REG_LIFE_MAX), REGF },
	};
	struct pkt_frame f;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		reset_state();
		register_with(&f, c[i].headers);
		run_tc(f.data, f.len);
		expect_flow_learned(c[i].what, PBX4, 5060, 5062, c[i].flags,
				    c[i].life);
	}
}

/*
 * A registration lifetime lives on through refreshes; a REGISTER without
 * one gives the flow the timeout again; expires 0 ends the flow.
 */
void test_learn_register_refresh_and_unregister(void)
{
	struct pkt_desc d;
	struct pkt_frame f;

	set_config(0, 60);
	flowstat_zero();
	register_with(&f, "Expires: 3600\r\n");
	run_tc(f.data, f.len);
	out4(&d, PBX4, 5062, 5060);
	text(&f, &d, "\r\n\r\n");
	run_tc(f.data, f.len);
	expect_flow_learned("after a keep-alive", PBX4, 5060, 5062, REGF,
			    REG_LIFE(3600));
	register_with(&f, "");
	run_tc(f.data, f.len);
	expect_flow_learned("REGISTER without expires", PBX4, 5060, 5062,
			    SG_FLOW_REG_SENT, 60);
	register_with(&f, "Contact: *\r\nExpires: 0\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flows_count(), 0, "unregistered: no flow");
	/* a Contact's expires=0 unregisters whatever the header says */
	register_with(&f, "Expires: 600\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flows_count(), 1, "registered again");
	register_with(&f, "Expires: 600\r\nContact: <sip:100@192.0.2.10:5062>;"
		      "expires=0\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flows_count(), 0, "unregistered by the Contact");
	ASSERT_EQ(flowstat_sum().unregistered, 2, "counted");
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("INVITE after the phone unregistered", &f, SG_R_ORPHAN);
}

/*
 * A phone with two lines registers both over one flow: one line that
 * unregisters leaves the flow to the other; one line alone ends it.
 */
void test_learn_unregister_of_one_line_keeps_the_others(void)
{
	struct sg_flow_slot v;
	struct pkt_desc d;
	struct pkt_frame f;

	register_as(&f, "line1", "Expires: 600\r\n");
	run_tc(f.data, f.len);
	register_as(&f, "line2", "Expires: 600\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "flow");
	ASSERT_EQ(v.aor, SG_AOR_MANY, "two addresses of record");
	register_as(&f, "line2", "Expires: 0\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flows_count(), 1, "line 1's flow stays");
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("a call to line 1", &f, SG_R_ESTABLISHED);

	reset_state();
	register_as(&f, "line1", "Expires: 600\r\n");
	run_tc(f.data, f.len);
	register_as(&f, "line1", "Expires: 600\r\n");
	run_tc(f.data, f.len);
	register_as(&f, "line2", "Expires: 0\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flows_count(), 1, "another line's unregister: kept");
	register_as(&f, "line1", "Expires: 0\r\n");
	run_tc(f.data, f.len);
	ASSERT_EQ(flows_count(), 0, "its own line's unregister: ended");
}

/*
 * The remote's answers mark the flow: any SIP response from it makes it
 * answered; a 2xx after a REGISTER makes it registered (never evicted).
 */
void test_xdp_answers_mark_flows(void)
{
	struct sg_flow_slot v;
	struct pkt_frame f;
	struct pkt_desc d;

	flowstat_zero();
	register_with(&f, "Expires: 600\r\n");
	run_tc(f.data, f.len);
	out4(&d, PBX4, 5062, 5064);
	request(&f, &d, "OPTIONS");
	run_tc(f.data, f.len);

	in4(&d, PBX4, 5060, 5062);
	response(&f, &d, "401 Unauthorized");
	EXPECT_PASS("401", &f, SG_R_RESPONSE);
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "flow");
	ASSERT_EQ(v.flags, REGF | SG_FLOW_ANSWERED, "401: answered");
	response(&f, &d, "200 OK");
	EXPECT_PASS("200", &f, SG_R_RESPONSE);
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, &v), 0, "flow");
	ASSERT_EQ(v.flags, REGF | SG_FLOW_ANSWERED | SG_FLOW_REGISTERED,
		  "200 after REGISTER: registered");
	/* a 200 to an OPTIONS: answered, not registered */
	in4(&d, PBX4, 5064, 5062);
	response(&f, &d, "200 OK");
	EXPECT_PASS("200 to OPTIONS", &f, SG_R_RESPONSE);
	ASSERT_EQ(flow_get(PBX4, 5064, 5062, &v), 0, "OPTIONS flow");
	ASSERT_EQ(v.flags, SG_FLOW_ANSWERED, "answered only");
	/* from another port of the remote: not this flow's answer */
	in4(&d, PBX4, 5070, 5062);
	response(&f, &d, "200 OK");
	EXPECT_PASS("200 from elsewhere", &f, SG_R_RESPONSE);
	ASSERT_TRUE(flow_get(PBX4, 5070, 5062, &v) != 0, "no flow made");
	ASSERT_EQ(flowstat_sum().answered, 2, "answered counted once each");
	ASSERT_EQ(flowstat_sum().registered, 1, "registered counted");
}

/* A refresh never touches a hand-made flow. */
void test_learn_refresh_keeps_static_wildcard(void)
{
	struct sg_flow_static sv;
	struct sg_flow_key k = { .local_port = 5062 };
	struct pkt_frame f;
	struct pkt_desc d;

	flow_static_anyport(PBX4, 5062);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	to_addr(PBX4, &k.addr);
	ASSERT_EQ(bpf_map_lookup_elem(MAPFD(sg_flows_static), &k, &sv), 0,
		  "wildcard there");
	ASSERT_EQ(sv.flags, SG_FLOW_STATIC | SG_FLOW_ANY_PORT, "wildcard flags");
	ASSERT_EQ(sv.origin, SG_ORIGIN_CLI, "wildcard origin");
	expect_flow_learned("learned beside it", PBX4, 5060, 5062,
			    SG_FLOW_REG_SENT, SG_DEFAULT_FLOW_TIMEOUT);
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
	ASSERT_EQ(flows_count(), 0, "no learned flow");
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


/* ---- full sets ---- */

/* The two sets of the pair {PBX4, 5062}, and its tag. */
static void pair_sets(__u32 set[2], __u8 *tag)
{
	struct sg_addr a;
	__u32 h;

	to_addr(PBX4, &a);
	h = sg_flow_hash(&a, 5062);
	set[0] = sg_flow_set1(h);
	set[1] = sg_flow_set2(h);
	*tag = sg_flow_tag(h);
}

/*
 * Fill set I with flows of 2001:db8:f::I:J, all live (seen 10 + J s
 * ago, so way 0 is the youngest), with FLAGS(J).
 */
static void fill_set(__u32 i, __u8 (*flags)(int j))
{
	struct sg_flow_set s = {};
	__u32 now = flows_now();
	int j;

	for (j = 0; j < SG_FLOW_WAYS; j++) {
		struct sg_flow_slot *w = &s.way[j];

		to_addr("2001:db8:f::", &w->addr);
		w->addr.b[13] = i >> 8;
		w->addr.b[14] = i;
		w->addr.b[15] = j;
		w->remote_port = 5060;
		w->local_port = 5060;
		w->lifetime_s = 3600;
		w->expires_s = now - (10 + j) + 3600;
		w->flags = flags(j);
		w->origin = SG_ORIGIN_LEARNED;
		s.tag[j] = 0x55;
	}
	if (bpf_map_update_elem(MAPFD(sg_flows), &i, &s, BPF_F_LOCK))
		FAIL("filling set %u: %s", i, strerror(errno));
}

static struct sg_flow_slot slot_at(__u32 i, int j, __u8 *tag)
{
	struct sg_flow_set s = {};

	bpf_map_lookup_elem_flags(MAPFD(sg_flows), &i, &s, BPF_F_LOCK);
	*tag = s.tag[j];
	return s.way[j];
}

static __u8 unanswered(int j) { (void)j; return 0; }
static __u8 answered(int j) { (void)j; return SG_FLOW_ANSWERED; }
static __u8 protected(int j)
{
	return j & 1 ? SG_FLOW_ANSWERED | SG_FLOW_REG_SENT | SG_FLOW_REGISTERED :
		       SG_FLOW_DIALOG;
}
/* all answered but way 2 */
static __u8 answered_but_2(int j) { return j == 2 ? 0 : SG_FLOW_ANSWERED; }

static void new_flow(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "INVITE");
	run_tc(f.data, f.len);
}

/* Both sets full of live flows: the oldest of the first set goes. */
void test_learn_full_sets_evict_the_oldest_in_the_pairs_set(void)
{
	struct sg_flow_slot w;
	__u32 set[2];
	__u8 tag;

	pair_sets(set, &tag);
	flowstat_zero();
	fill_set(set[0], unanswered);
	fill_set(set[1], unanswered);
	new_flow();
	w = slot_at(set[0], SG_FLOW_WAYS - 1, &tag);
	ASSERT_EQ(w.local_port, 5062, "the oldest slot of set 1 taken");
	ASSERT_EQ(flow_get(PBX4, 5060, 5062, NULL), 0, "new flow there");
	ASSERT_EQ(flows_count(), 2 * SG_FLOW_WAYS, "no slot lost");
	ASSERT_EQ(flowstat_sum().evicted, 1, "eviction counted");
	ASSERT_EQ(flowstat_sum().learned, 1, "learned counted");
}

/* An unanswered flow goes before older answered ones. */
void test_learn_full_sets_evict_unanswered_first(void)
{
	struct sg_flow_slot w;
	__u32 set[2];
	__u8 tag;

	pair_sets(set, &tag);
	fill_set(set[0], answered_but_2);
	fill_set(set[1], answered);
	new_flow();
	w = slot_at(set[0], 2, &tag);
	ASSERT_EQ(w.local_port, 5062, "the unanswered slot taken");
	w = slot_at(set[0], SG_FLOW_WAYS - 1, &tag);
	ASSERT_EQ(w.local_port, 5060, "the oldest answered one stays");
}

/*
 * Registered and dialog flows are never evicted: with the first set all
 * protected the second set's victim goes; with both, nothing is recorded
 * and the refusal counted.  An expired flow's slot is taken first.
 */
void test_learn_protected_flows_are_never_evicted(void)
{
	struct sg_flow_set s;
	struct sg_flow_slot w;
	__u32 set[2], i;
	__u8 tag;
	int j;

	pair_sets(set, &tag);
	flowstat_zero();
	fill_set(set[0], protected);
	fill_set(set[1], unanswered);
	new_flow();
	w = slot_at(set[1], SG_FLOW_WAYS - 1, &tag);
	ASSERT_EQ(w.local_port, 5062, "set 2's oldest taken");
	for (j = 0; j < SG_FLOW_WAYS; j++) {
		w = slot_at(set[0], j, &tag);
		ASSERT_EQ(w.local_port, 5060, "protected flows stay");
	}

	reset_state();
	flowstat_zero();
	fill_set(set[0], protected);
	fill_set(set[1], protected);
	new_flow();
	ASSERT_TRUE(flow_get(PBX4, 5060, 5062, NULL) != 0, "not recorded");
	ASSERT_EQ(flowstat_sum().full, 1, "refusal counted");
	ASSERT_EQ(flowstat_sum().evicted, 0, "nothing evicted");

	/* one of set 2's protected flows ran out: its slot is reused */
	i = set[1];
	bpf_map_lookup_elem_flags(MAPFD(sg_flows), &i, &s, BPF_F_LOCK);
	s.way[5].expires_s = flows_now() - 1;
	bpf_map_update_elem(MAPFD(sg_flows), &i, &s, BPF_F_LOCK);
	new_flow();
	w = slot_at(set[1], 5, &tag);
	ASSERT_EQ(w.local_port, 5062, "the expired slot taken");
	ASSERT_EQ(flowstat_sum().reclaimed, 1, "reclaim counted");
}

/*
 * Two learners at once, one per CPU, each refreshing and making flows of
 * one pair (so both work on the same two sets): no flow may be lost.
 * Each round starts from an empty table; thread T makes remote ports
 * 1000*T+1..+6, twelve flows in the sixteen slots of the pair.
 */
#define RACE_FLOWS	6
#define RACE_ROUNDS	300

struct racer {
	int cpu, t;
	pthread_barrier_t *go;
	struct pkt_frame f[RACE_FLOWS];
	int err;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	cpu_set_t cs;
	int i;

	CPU_ZERO(&cs);
	CPU_SET(r->cpu, &cs);
	sched_setaffinity(0, sizeof(cs), &cs);
	pthread_barrier_wait(r->go);
	for (i = 0; i < RACE_FLOWS; i++) {
		/* not run_tc(): its buffers are not a thread's own */
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = r->f[i].data,
			    .data_size_in = r->f[i].len);

		if (bpf_prog_test_run_opts(bpf_program__fd(S->progs.sipguard_learn),
					   &o) || (int)o.retval != TC_ACT_UNSPEC)
			r->err++;
	}
	return NULL;
}

void test_learn_concurrent_learners_lose_no_flow(void)
{
	struct racer r[2];
	pthread_barrier_t go;
	pthread_t th[2];
	struct pkt_desc d;
	int round, t, i, lost = 0;

	int cpus = sysconf(_SC_NPROCESSORS_ONLN);

	/* on one CPU the two take turns: no race, the same checks */
	if (cpus < 2)
		printf("    (one CPU: the learners take turns, no true race)\n");
	for (t = 0; t < 2; t++) {
		r[t].cpu = cpus < 2 ? 0 : t;
		r[t].t = t;
		r[t].go = &go;
		r[t].err = 0;
		for (i = 0; i < RACE_FLOWS; i++) {
			out4(&d, PBX4, 5062, 1000 * (t + 1) + i + 1);
			request(&r[t].f[i], &d, "OPTIONS");
		}
	}
	for (round = 0; round < RACE_ROUNDS; round++) {
		sg_flowtab_flush(MAPFD(sg_flows));
		pthread_barrier_init(&go, NULL, 2);
		for (t = 0; t < 2; t++)
			pthread_create(&th[t], NULL, race, &r[t]);
		for (t = 0; t < 2; t++)
			pthread_join(th[t], NULL);
		pthread_barrier_destroy(&go);
		if (flows_count() != 2 * RACE_FLOWS)
			lost++;
	}
	sg_flowtab_flush(MAPFD(sg_flows));
	ASSERT_EQ(r[0].err + r[1].err, 0, "learner runs");
	ASSERT_EQ(lost, 0, "rounds that lost a flow");
}

/* ---- dialogs after inspect ---- */

/* INVITE from SCAN4:5070 to the phone's 5060 under inspect, with TO. */
static void direct_invite(struct pkt_frame *f, const char *to)
{
	char msg[1200];
	struct pkt_desc d;
	int n;

	in4(&d, SCAN4, 5070, 5060);
	n = snprintf(msg, sizeof(msg),
		     "INVITE sip:100@192.0.2.10 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 203.0.113.66:5070;branch=z9hG4bK-9\r\n"
		     "Max-Forwards: 70\r\n"
		     GOOD_FROM "%s"
		     "Call-ID: call-9@203.0.113.66\r\n"
		     "CSeq: 1 INVITE\r\n"
		     "Content-Length: 0\r\n\r\n", to);
	build(f, &d, msg, n);
}

static void phone_answers(const char *status)
{
	struct pkt_frame f;
	struct pkt_desc d;

	out4(&d, SCAN4, 5060, 5070);
	response(&f, &d, status);
	run_tc(f.data, f.len);
}

void test_inspect_call_answered_2xx_gets_a_dialog_flow(void)
{
	struct sg_flow_slot v;
	struct pkt_frame f;

	NEED_L7();

	set_config(SG_CFG_INSPECT, 0);
	flowstat_zero();
	direct_invite(&f, GOOD_TO);
	EXPECT_PASS("the direct call", &f, SG_R_INSPECTED);
	phone_answers("180 Ringing");
	ASSERT_EQ(flows_count(), 0, "ringing: no flow yet");
	phone_answers("200 OK");
	ASSERT_EQ(flow_get(SCAN4, 5070, 5060, &v), 0, "dialog flow");
	ASSERT_EQ(v.flags, SG_FLOW_DIALOG, "flagged dialog");
	ASSERT_EQ(flowstat_sum().dialogs, 1, "counted");
	/* the caller's re-INVITE carries the To tag */
	direct_invite(&f, "To: <sip:100@192.0.2.10>;tag=ph1\r\n");
	EXPECT_PASS("re-INVITE in the dialog", &f, SG_R_ESTABLISHED);
}

void test_inspect_call_rejected_gets_no_flow(void)
{
	struct pkt_frame f;

	NEED_L7();

	set_config(SG_CFG_INSPECT, 0);
	direct_invite(&f, GOOD_TO);
	EXPECT_PASS("the direct call", &f, SG_R_INSPECTED);
	phone_answers("486 Busy Here");
	ASSERT_EQ(flows_count(), 0, "no flow");
	direct_invite(&f, "To: <sip:100@192.0.2.10>;tag=ph1\r\n");
	EXPECT_DROP("To-tagged INVITE", &f, SG_R_TO_TAG);
}

/* The phone's 2xx to something sipguard did not let in opens nothing. */
void test_2xx_to_what_was_not_let_in_opens_nothing(void)
{
	struct pkt_frame f;

	NEED_L7();

	set_config(SG_CFG_INSPECT, 0);
	direct_invite(&f, "To: <sip:100@192.0.2.10>;tag=x\r\n");
	EXPECT_DROP("To-tagged INVITE", &f, SG_R_TO_TAG);
	phone_answers("200 OK");
	ASSERT_EQ(flows_count(), 0, "no flow");
	direct_invite(&f, "To: <sip:100@192.0.2.10>;tag=x\r\n");
	EXPECT_DROP("still dropped", &f, SG_R_TO_TAG);
}

/*
 * Capacity: 100 000 flows to 100 000 destinations, each learned by the
 * learner from an outbound request, all kept, none evicted.
 */
void test_learn_holds_100000_flows(void)
{
	struct sg_flowstat st;
	struct pkt_frame f;
	struct pkt_desc d;
	char dst[32];
	int i, bad = 0;

	flowstat_zero();
	for (i = 0; i < 100000; i++) {
		snprintf(dst, sizeof(dst), "198.18.%d.%d", i >> 8 & 0xff,
			 i & 0xff);
		out4(&d, dst, 5060, 5060 + (i >> 16));
		request(&f, &d, "OPTIONS");
		if (run_tc(f.data, f.len) != TC_ACT_UNSPEC)
			bad++;
	}
	st = flowstat_sum();
	ASSERT_EQ(bad, 0, "learner runs");
	ASSERT_EQ(st.learned, 100000, "learned");
	ASSERT_EQ(st.evicted, 0, "none evicted");
	ASSERT_EQ(st.full, 0, "none refused");
	ASSERT_EQ(flows_count(), 100000, "all in the table");
}

/*
 * The programs' clock of seconds: from jiffies as `attach` measures them
 * (every other test runs on it), from the clock helper where they were
 * not measured, and from the helper again when a rewrite of the config
 * is read half done.  Each gives CLOCK_MONOTONIC's seconds.
 */
void test_learn_clock_jiffies_and_helper_agree(void)
{
	static const struct {
		const char *name;
		int mult, base;
	} clk[] = {
		{ "jiffies", 1, 1 },
		{ "helper", 0, 0 },
		{ "torn_mult_only", 1, 0 },
		{ "torn_base_only", 0, 1 },
	};
	struct sg_config c;
	struct pkt_frame f;
	struct pkt_desc d;
	__u32 zero = 0;
	size_t i;

	ASSERT_TRUE(clock_hz != 0, "jiffies measured at setup (64-bit JIT)");
	for (i = 0; i < sizeof(clk) / sizeof(clk[0]); i++) {
		if (!subtest(clk[i].name))
			continue;
		reset_state();
		set_config(0, 0);
		if (bpf_map_lookup_elem(MAPFD(sg_config), &zero, &c))
			FAIL("config read");
		c.clock_mult = clk[i].mult ? clock_cal.clock_mult : 0;
		c.clock_base = clk[i].base ? clock_cal.clock_base : 0;
		if (bpf_map_update_elem(MAPFD(sg_config), &zero, &c, BPF_ANY))
			FAIL("config write");
		out4(&d, PBX4, 5060, 5060);
		request(&f, &d, "OPTIONS");
		run_tc(f.data, f.len);
		expect_flow_learned(clk[i].name, PBX4, 5060, 5060, 0,
				    SG_DEFAULT_FLOW_TIMEOUT);
		/* CLOCK_MONOTONIC's seconds (to a few: an emulated machine
		 * starved of CPU gets its ticks late) */
		ASSERT_TRUE(flows_now() + 5 >= sg_flowtab_now() &&
			    flows_now() <= sg_flowtab_now() + 1,
			    "the programs' seconds are CLOCK_MONOTONIC's");
		/* and the verdict reads the same clock: the flow is fresh */
		in4(&d, PBX4, 5060, 5060);
		request(&f, &d, "INVITE");
		EXPECT_PASS("INVITE on the flow just learned", &f, SG_R_ESTABLISHED);
	}
}
