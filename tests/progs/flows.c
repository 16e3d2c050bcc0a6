// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Established flows: an INVITE on a flow (hand-made, from the config, or
 * learned from our own outbound requests) passes; a learned flow expires
 * after the flow timeout; with match-port the remote port must match too,
 * except on a hand-made flow without a port.  Each case sets up the flow
 * table, then runs one INVITE.
 */
#include "progs.h"
#include "flowtab.h"

#define FROM_PBX4(sp, dp)	.src = PBX4, .sport = (sp), .dport = (dp), INVITE

static void static_anyport_pbx4(void)
{
	flow_static_anyport(PBX4, 5060);
}

static void static_anyport_pbx6(void)
{
	flow_static_anyport(PBX6, 5060);
}

/* A static flow, with a flow timeout of one second. */
static void static_config_flow_short_timeout(void)
{
	set_config(0, 1);
	flow_static_anyport(PBX4, 5060);
}

static void static_ported_pbx4(void)
{
	flow_static(PBX4, 5070, 5062);
}

static void learned_10s_ago(void)
{
	flow_learned(PBX4, 5060, 5062, 10);
}

static void learned_beyond_default_timeout(void)
{
	flow_learned(PBX4, 5060, 5062, SG_DEFAULT_FLOW_TIMEOUT + 5);
}

/* Timeout 60 s: the IPv4 flow is 30 s old, the IPv6 one 90 s. */
static void timeout_60_flows_30_and_90(void)
{
	set_config(0, 60);
	flow_learned(PBX4, 5060, 5062, 30);
	flow_learned(PBX6, 5060, 5062, 90);
}

static void learned_1s_ago(void)
{
	flow_learned(PBX4, 5060, 5062, 1);
}

static void match_port_learned_1s_ago(void)
{
	set_config(SG_CFG_MATCH_PORT, 0);
	flow_learned(PBX4, 5060, 5062, 1);
}

static void match_port_static_anyport(void)
{
	set_config(SG_CFG_MATCH_PORT, 0);
	flow_static_anyport(PBX4, 5060);
}

/* A ported static flow: its wildcard copy does not count with match-port */
static void match_port_static_ported(void)
{
	set_config(SG_CFG_MATCH_PORT, 0);
	flow_static(PBX4, 5070, 5062);
}

/* Flows carry their lifetime: a registration's outlives the timeout */
static void timeout_60_registration_300_age_90(void)
{
	set_config(0, 60);
	flow_put_slot(PBX4, 5060, 5062, SG_FLOW_REG_SENT | SG_FLOW_REG_LIFE,
		      300, 90);
}

static void match_port_timeout_100_flow_200(void)
{
	set_config(SG_CFG_MATCH_PORT, 100);
	flow_learned(PBX4, 5060, 5062, 200);
}

static const struct pkt_case flow_cases[] = {
	{ "static_anyport_flow_passed", .setup = static_anyport_pbx4,
	  .frame = { FROM_PBX4(31337, 5060) }, PASS(SG_R_ESTABLISHED) },
	{ "static_anyport_flow_other_local_port_dropped",
	  .setup = static_anyport_pbx4,
	  .frame = { FROM_PBX4(31337, 5062) }, DROP(SG_R_ORPHAN) },
	{ "static_anyport_flow_other_remote_dropped",
	  .setup = static_anyport_pbx4,
	  .frame = { .src = SCAN4, .sport = 31337, INVITE }, DROP(SG_R_ORPHAN) },
	{ "static_flow_v6_passed", .setup = static_anyport_pbx6,
	  .frame = { .src = PBX6, .sport = 5080, INVITE }, PASS(SG_R_ESTABLISHED) },
	{ "static_flow_never_expires", .setup = static_config_flow_short_timeout,
	  .frame = { FROM_PBX4(5060, 5060) }, PASS(SG_R_ESTABLISHED) },
	{ "learned_fresh_flow_passed", .setup = learned_10s_ago,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "learned_expired_flow_dropped", .setup = learned_beyond_default_timeout,
	  .frame = { FROM_PBX4(5060, 5062) }, DROP(SG_R_ORPHAN) },
	{ "config_flow_timeout_younger_passed", .setup = timeout_60_flows_30_and_90,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "config_flow_timeout_older_dropped", .setup = timeout_60_flows_30_and_90,
	  .frame = { .src = PBX6, .dport = 5062, INVITE }, DROP(SG_R_ORPHAN) },
	/* default: the remote port need not match (one wildcard lookup) */
	{ "match_port_off_other_port_passed", .setup = learned_1s_ago,
	  .frame = { FROM_PBX4(5099, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "match_port_on_other_port_dropped", .setup = match_port_learned_1s_ago,
	  .frame = { FROM_PBX4(5099, 5062) }, DROP(SG_R_ORPHAN) },
	{ "match_port_on_same_port_passed", .setup = match_port_learned_1s_ago,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	/* with match-port, a hand-made port-less flow still admits any port... */
	{ "match_port_on_anyport_flow_passed", .setup = match_port_static_anyport,
	  .frame = { FROM_PBX4(40000, 5060) }, PASS(SG_R_ESTABLISHED) },
	/* ...but the wildcard copy of a ported one does not */
	{ "match_port_on_static_shadow_dropped", .setup = match_port_static_ported,
	  .frame = { FROM_PBX4(5060, 5062) }, DROP(SG_R_ORPHAN) },
	{ "match_port_on_static_ported_passed", .setup = match_port_static_ported,
	  .frame = { FROM_PBX4(5070, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "match_port_off_static_ported_other_port_passed",
	  .setup = static_ported_pbx4,
	  .frame = { FROM_PBX4(5099, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "registration_lifetime_beyond_timeout_passed",
	  .setup = timeout_60_registration_300_age_90,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "match_port_on_expired_dropped", .setup = match_port_timeout_100_flow_200,
	  .frame = { FROM_PBX4(5060, 5062) }, DROP(SG_R_ORPHAN) },
	/* the allowlist comes before flows: an allowlisted source counts as such */
	{ "allowlist_checked_before_flows", .allow = { "198.51.100.0/24" },
	  .setup = static_anyport_pbx4,
	  .frame = { FROM_PBX4(5060, 5060) }, PASS(SG_R_ALLOWLIST) },
};

void test_established(void)
{
	RUN_CASES(flow_cases);
}

/* ---- the flows' filter (sg_flowbits) ---- */

/* The pair's bit, as the programs find it. */
static int fb_has(const struct sg_flow_bits *fb, const char *addr, __u16 lport)
{
	struct sg_addr a;

	to_addr(addr, &a);
	return sg_fb_maybe(fb, sg_fb_hash(&a, lport));
}

/* A flow written straight into its set, as no writer may: no bit. */
static void flow_without_bit(const char *addr, __u16 rport, __u16 lport)
{
	struct sg_flow_set s;
	struct sg_addr a;
	__u32 h, i;

	to_addr(addr, &a);
	h = sg_flow_hash(&a, lport);
	i = sg_flow_set1(h);
	if (bpf_map_lookup_elem_flags(MAPFD(sg_flows), &i, &s, BPF_F_LOCK)) {
		FAIL("set %u: %s", i, strerror(errno));
		return;
	}
	s.tag[0] = sg_flow_tag(h);
	memset(&s.way[0], 0, sizeof(s.way[0]));
	s.way[0].addr = a;
	s.way[0].remote_port = rport;
	s.way[0].local_port = lport;
	s.way[0].lifetime_s = 3600;
	s.way[0].expires_s = flows_now() + 3600;
	s.way[0].origin = SG_ORIGIN_LEARNED;
	if (bpf_map_update_elem(MAPFD(sg_flows), &i, &s, BPF_F_LOCK))
		FAIL("set %u: %s", i, strerror(errno));
}

/*
 * The verdict asks the filter before the sets: a flow whose pair has no
 * bit is not seen while the filter is in use, and is seen when it is
 * not (use 0).  This is why every writer must set the bit.
 */
void test_flow_filter_is_asked_before_the_sets(void)
{
	struct sg_flow_bits *fb = flowbits_map();
	struct pkt_frame f;
	struct pkt_desc d;

	if (!fb)
		return;
	flow_without_bit(PBX4, 5060, 5062);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("a flow without its bit, filter in use", &f, SG_R_ORPHAN);
	__atomic_store_n(&fb->use, 0, __ATOMIC_RELEASE);
	EXPECT_PASS("the same flow, filter not built", &f, SG_R_ESTABLISHED);
	/* the harness empties the table only after its own writers */
	sg_flowtab_flush(MAPFD(sg_flows));
	sg_flowbits_unmap(fb);
}

/* Every writer of a flow sets its bit: the learner, put, load. */
void test_flow_filter_every_writer_sets_the_bit(void)
{
	struct sg_flow_slot w[2] = {};
	struct sg_flow_bits *fb = flowbits_map();
	struct pkt_frame f;
	struct pkt_desc d;
	int i;

	if (!fb)
		return;
	ASSERT_TRUE(!fb_has(fb, PBX4, 5062) && !fb_has(fb, PBX6, 5064),
		    "an empty filter has no bits");

	/* the learner */
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	ASSERT_TRUE(fb_has(fb, PBX4, 5062), "the learner set the bit");
	ASSERT_TRUE(!fb_has(fb, PBX4, 5070), "and only the pair's");
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("a learned flow", &f, SG_R_ESTABLISHED);

	/* sg_flowtab_put(): the daemon's restore, flows restore */
	flow_learned(PBX6, 5060, 5064, 1);
	ASSERT_TRUE(fb_has(fb, PBX6, 5064), "put set the bit");
	in6(&d, PBX6, 5060, 5064);
	request(&f, &d, "INVITE");
	EXPECT_PASS("a flow put by userspace", &f, SG_R_ESTABLISHED);

	/* sg_flowtab_load(): many at once */
	reset_state();
	for (i = 0; i < 2; i++) {
		to_addr(i ? PBX6 : PBX4, &w[i].addr);
		w[i].remote_port = 5060;
		w[i].local_port = 5066;
		w[i].lifetime_s = 3600;
		w[i].expires_s = flows_now() + 3600;
		w[i].origin = SG_ORIGIN_LEARNED;
	}
	ASSERT_EQ(sg_flowtab_load(MAPFD(sg_flows), fb, w, 2), 2, "both loaded");
	ASSERT_TRUE(fb_has(fb, PBX4, 5066) && fb_has(fb, PBX6, 5066),
		    "load set the bits");
	in6(&d, PBX6, 5060, 5066);
	request(&f, &d, "INVITE");
	EXPECT_PASS("a loaded flow", &f, SG_R_ESTABLISHED);
	ASSERT_EQ(sg_flowtab_put(MAPFD(sg_flows), NULL, &w[0]), -EINVAL,
		  "no put without the filter");
	sg_flowbits_unmap(fb);
}

/* A flow as a restore puts it: PBX4:5060 to LPORT, an hour to live. */
static __u32 restored_flow(struct sg_flow_slot *w, __u16 lport, __u32 now)
{
	memset(w, 0, sizeof(*w));
	to_addr(PBX4, &w->addr);
	w->remote_port = 5060;
	w->local_port = lport;
	w->lifetime_s = 3600;
	w->expires_s = now + 3600;
	w->origin = SG_ORIGIN_RESTORED;
	return sg_flow_hash(&w->addr, lport);
}

/*
 * The first N slots of set K hold live flows of other pairs (::ID:1 to
 * ::ID:N, tags unlike H's): unanswered and last seen an hour ago, what
 * the learner would evict first.
 */
static int fill_set(int fd, __u32 k, __u32 h, int n, __u8 id, __u32 now)
{
	struct sg_flow_set s;
	int j;

	if (bpf_map_lookup_elem_flags(fd, &k, &s, BPF_F_LOCK)) {
		FAIL("set %u: %s", k, strerror(errno));
		return -1;
	}
	for (j = 0; j < n; j++) {
		s.tag[j] = (sg_flow_tag(h) ^ 0x40) | 1;
		memset(&s.way[j], 0, sizeof(s.way[j]));
		s.way[j].addr.b[14] = id;
		s.way[j].addr.b[15] = j + 1;
		s.way[j].remote_port = 5060;
		s.way[j].local_port = 5060;
		s.way[j].lifetime_s = 7200;
		s.way[j].expires_s = now + 3600;
	}
	if (bpf_map_update_elem(fd, &k, &s, BPF_F_LOCK)) {
		FAIL("set %u: %s", k, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Userspace puts a flow (flows restore, the daemon's restore) into the
 * emptier of its two sets, as the learner does: with the first set always
 * tried first, 100 000 flows restored into the table lost 444 of them to
 * evictions (the bench's sipguard-100k counters showed it).
 */
void test_put_takes_the_emptier_set(void)
{
	struct sg_flow_bits *fb = flowbits_map();
	struct sg_flow_set s;
	struct sg_flow_slot w;
	__u32 h, set[2], k, j, now = flows_now();
	int fd = MAPFD(sg_flows), t, got[2];

	if (!fb)
		return;
	h = restored_flow(&w, 5072, now);
	set[0] = sg_flow_set1(h);
	set[1] = sg_flow_set2(h);
	for (t = 0; t < 2; t++) {
		/* the first set six-eighths full, then the second */
		reset_state();
		sg_flowtab_flush(fd);	/* written here, not by env.c's writers */
		if (fill_set(fd, set[t], h, 6, 0, now))
			break;
		ASSERT_EQ(sg_flowtab_put(fd, fb, &w), 0, "put");
		for (j = 0; j < 2; j++) {
			k = set[j];
			got[j] = 0;
			if (!bpf_map_lookup_elem_flags(fd, &k, &s, BPF_F_LOCK))
				got[j] = memchr(s.tag, sg_flow_tag(h), SG_FLOW_WAYS) != NULL;
		}
		ASSERT_EQ(got[!t], 1, t ? "the first set, the emptier" : "the second set, the emptier");
		ASSERT_EQ(got[t], 0, "not the fuller one");
		ASSERT_EQ(flows_count(), 7, "six and the flow: nothing evicted");
	}
	sg_flowtab_flush(fd);
	reset_state();
	sg_flowbits_unmap(fb);
}

/*
 * A restore never displaces a live flow: the table holds what the learner
 * saw since the file was saved.  With both sets full of live flows (none
 * protected, all evictable by the learner) the put says -ENOSPC and every
 * flow stays; an expired slot is taken.
 */
void test_put_never_displaces_a_live_flow(void)
{
	struct sg_flow_bits *fb = flowbits_map();
	struct sg_flow_set s;
	struct sg_flow_slot w;
	__u32 h, set[2], k, now = flows_now();
	int fd = MAPFD(sg_flows), mine;

	if (!fb)
		return;
	h = restored_flow(&w, 5074, now);
	set[0] = sg_flow_set1(h);
	set[1] = sg_flow_set2(h);
	reset_state();
	sg_flowtab_flush(fd);
	if (fill_set(fd, set[0], h, SG_FLOW_WAYS, 1, now) ||
	    fill_set(fd, set[1], h, SG_FLOW_WAYS, 2, now))
		goto out;
	ASSERT_EQ(sg_flowtab_put(fd, fb, &w), -ENOSPC, "no room: both sets live");
	ASSERT_EQ(flows_count(), 2 * SG_FLOW_WAYS, "every live flow kept");

	/* one flow of the second set expires: its slot takes the restored one */
	k = set[1];
	if (bpf_map_lookup_elem_flags(fd, &k, &s, BPF_F_LOCK)) {
		FAIL("set %u: %s", k, strerror(errno));
		goto out;
	}
	s.way[3].expires_s = now - 1;
	if (bpf_map_update_elem(fd, &k, &s, BPF_F_LOCK)) {
		FAIL("set %u: %s", k, strerror(errno));
		goto out;
	}
	ASSERT_EQ(sg_flowtab_put(fd, fb, &w), 0, "an expired slot is room");
	mine = 0;
	if (!bpf_map_lookup_elem_flags(fd, &k, &s, BPF_F_LOCK))
		mine = s.tag[3] == sg_flow_tag(h) && s.way[3].local_port == 5074;
	ASSERT_TRUE(mine, "the restored flow in the expired one's slot");
out:
	sg_flowtab_flush(fd);
	reset_state();
	sg_flowbits_unmap(fb);
}

/*
 * A rebuild drops the bits of flows that are gone, keeps those of the
 * flows there, switches halves, and waits SG_FB_SETTLE_S between two.
 */
void test_flow_filter_rebuild(void)
{
	struct sg_flow_bits *fb = flowbits_map();
	struct pkt_frame f;
	struct pkt_desc d;
	__u32 use;

	if (!fb)
		return;
	flow_learned(PBX4, 5060, 5062, 1);
	flow_learned(PBX6, 5060, 5064, 1);
	ASSERT_EQ(flows_del_pair(PBX6, 5064), 1, "one flow ended");
	ASSERT_TRUE(fb_has(fb, PBX6, 5064), "its bit stays until a rebuild");

	use = fb->use;
	fb->rebuilt_s = flows_now() - SG_FB_SETTLE_S;
	ASSERT_EQ(sg_flowbits_rebuild(MAPFD(sg_flows), fb), 1, "rebuilt");
	ASSERT_TRUE(fb->use != use && fb->use, "the other half in use");
	ASSERT_TRUE(!fb_has(fb, PBX6, 5064), "the ended flow's bit gone");
	ASSERT_TRUE(fb_has(fb, PBX4, 5062), "the live flow's bit kept");
	ASSERT_EQ(sg_flowbits_rebuild(MAPFD(sg_flows), fb), 0,
		  "no second rebuild within the settle time");
	ASSERT_TRUE(!fb_has(fb, PBX6, 5064), "so nothing changed");
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("the live flow after the rebuild", &f, SG_R_ESTABLISHED);

	/* a flow learned after the rebuild, and a second rebuild back */
	out6(&d, PBX6, 5064, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	use = fb->use;
	fb->rebuilt_s = flows_now() - SG_FB_SETTLE_S;
	ASSERT_EQ(sg_flowbits_rebuild(MAPFD(sg_flows), fb), 1, "rebuilt again");
	ASSERT_TRUE(fb->use != use && fb->use, "back to the first half");
	in6(&d, PBX6, 5060, 5064);
	request(&f, &d, "INVITE");
	EXPECT_PASS("a flow learned between rebuilds", &f, SG_R_ESTABLISHED);

	/* a table of older programs' flows: the first rebuild brings them in */
	reset_state();
	fb->use = 0;
	flow_without_bit(PBX4, 5060, 5068);
	ASSERT_EQ(sg_flowbits_rebuild(MAPFD(sg_flows), fb), 1,
		  "the first rebuild does not wait");
	in4(&d, PBX4, 5060, 5068);
	request(&f, &d, "INVITE");
	EXPECT_PASS("a flow that was there before the filter", &f,
		    SG_R_ESTABLISHED);
	sg_flowtab_flush(MAPFD(sg_flows));
	sg_flowbits_unmap(fb);
}
