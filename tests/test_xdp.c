// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the kernel side: crafted frames through sipguard_xdp and
 * sipguard_learn with BPF_PROG_TEST_RUN, asserting on the action, on the
 * per-reason per-verdict counters (packets and bytes, summed over CPUs) and
 * on the maps.  Maps are filled and read directly; every test starts from
 * empty maps and zero counters.
 *
 * Needs root (or CAP_BPF + CAP_NET_ADMIN).  `build/tests/test_xdp [WORD]`
 * runs the tests whose name contains WORD.  One line per test, then
 * "N passed, M failed" as the last line; non-zero exit on failure.
 *
 * The addresses: this host's WAN address 192.0.2.10 / 2001:db8:1::10, a
 * scanner 203.0.113.66 / 2001:db8:bad::66, a PBX 198.51.100.20 /
 * 2001:db8:5::20.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pkt.h"	/* before the uapi headers: glibc's netinet/in.h first */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipguard.h"
#include "sip_hdr.h"
#include "sipguard.skel.h"
#include "../loader/uaset.h"

#define LOCAL4	"192.0.2.10"
#define SCAN4	"203.0.113.66"
#define PBX4	"198.51.100.20"
#define LOCAL6	"2001:db8:1::10"
#define SCAN6	"2001:db8:bad::66"
#define PBX6	"2001:db8:5::20"

#define NSEC	1000000000ULL

/* ---- harness ---- */

static const char *cur_test;
static int cur_failed, cur_checks;

#define FAILF(fmt, ...)							\
	do {								\
		fprintf(stderr, "    %s:%d: %s: " fmt "\n", __FILE__,	\
			__LINE__, cur_test, ##__VA_ARGS__);		\
		cur_failed = 1;						\
	} while (0)

#define EXPECT_EQ(what, exp, act)					\
	do {								\
		long long e_ = (long long)(exp), a_ = (long long)(act);	\
		cur_checks++;						\
		if (e_ != a_)						\
			FAILF("%s: expected %lld, got %lld", (what), e_, a_); \
	} while (0)

#define EXPECT_TRUE(what, cond)						\
	do {								\
		cur_checks++;						\
		if (!(cond))						\
			FAILF("%s: expected true: %s", (what), #cond);	\
	} while (0)

#define SG_REASON_NAME(id, name, drops) name,
static const char *reason_names[] = { SG_REASONS(SG_REASON_NAME) };

static const char *rname(int r)
{
	return r >= 0 && r < SG_REASON_MAX ? reason_names[r] : "?";
}

static const char *xdp_name(int a)
{
	return a == XDP_PASS ? "XDP_PASS" : a == XDP_DROP ? "XDP_DROP" :
	       a == XDP_ABORTED ? "XDP_ABORTED" : "XDP_?";
}

/* ---- BPF objects and maps ---- */

static struct sipguard_bpf *skel;	/* normal */
static struct sipguard_bpf *skel_mon;	/* loaded with SG_IF_MONITOR */
static struct sipguard_bpf *skel_l3;	/* loaded with SG_IF_L3 */
static struct sipguard_bpf *S;		/* the one the current test uses */
static int ncpus;

#define MAPFD(name) bpf_map__fd(S->maps.name)

/*
 * The programs stamp flows with the coarse monotonic clock, which lags
 * CLOCK_MONOTONIC by up to a tick: "now" in a check allows for that.
 */
#define CLOCK_SLACK_NS	(20 * 1000 * 1000ULL)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

/*
 * A moment S seconds ago, or the clock's start if the machine booted less
 * than S seconds ago (a fresh VM has): for stamps that only need to lie in
 * the past.  The programs compare such absolute stamps unsigned, so one from
 * before the clock's start would wrap into the far future.
 */
static uint64_t ago_ns(uint64_t s)
{
	uint64_t now = now_ns();

	return now > s * NSEC ? now - s * NSEC : 0;
}

static void clear_map(int fd)
{
	uint8_t key[64];
	int guard = 100000;

	while (bpf_map_get_next_key(fd, NULL, key) == 0 && guard--)
		if (bpf_map_delete_elem(fd, key))
			break;
}

static void zero_counters(void)
{
	struct sg_counter *z = calloc(ncpus, sizeof(*z));
	__u32 i;

	for (i = 0; i < SG_CTR_MAX; i++)
		bpf_map_update_elem(MAPFD(sg_counters), &i, z, BPF_ANY);
	free(z);
}

static void set_config(__u32 flags, __u32 timeout_s)
{
	struct sg_config c = { .flags = flags, .flow_timeout_s = timeout_s };
	__u32 zero = 0;

	if (bpf_map_update_elem(MAPFD(sg_config), &zero, &c, BPF_ANY))
		FAILF("config update: %s", strerror(errno));
}

static void reset_state(void)
{
	clear_map(MAPFD(sg_allow));
	clear_map(MAPFD(sg_flows));
	clear_map(MAPFD(sg_frags));
	clear_map(MAPFD(sg_deny));
	clear_map(MAPFD(sg_bans));
	clear_map(MAPFD(sg_users));
	{
		struct sg_allow_bits *b = calloc(1, sizeof(*b));
		__u32 zero = 0;

		bpf_map_update_elem(MAPFD(sg_allowbits), &zero, b, BPF_ANY);
		free(b);
	}
	set_config(0, 0);
	zero_counters();
}

static struct sg_counter ctr(int reason, int verdict)
{
	struct sg_counter *v = calloc(ncpus, sizeof(*v)), sum = { 0, 0 };
	__u32 idx = SG_CTR_IDX(reason, verdict);
	int i;

	if (bpf_map_lookup_elem(MAPFD(sg_counters), &idx, v) == 0) {
		for (i = 0; i < ncpus; i++) {
			sum.packets += v[i].packets;
			sum.bytes += v[i].bytes;
		}
	}
	free(v);
	return sum;
}

/* Text address to the 16-byte form of the maps (IPv4 as ::ffff:a.b.c.d). */
static int to_addr(const char *s, struct sg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strchr(s, ':'))
		return inet_pton(AF_INET6, s, a->b) == 1 ? 6 : -1;
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	return inet_pton(AF_INET, s, a->b + 12) == 1 ? 4 : -1;
}

static void allow_add(const char *cidr)
{
	struct sg_allow_val v = { .origin = SG_ORIGIN_CLI };
	struct sg_lpm_key k;
	char a[64];
	int fam, len;

	snprintf(a, sizeof(a), "%s", cidr);
	*strchr(a, '/') = 0;
	len = atoi(strchr(cidr, '/') + 1);
	fam = to_addr(a, &k.addr);
	k.prefixlen = fam == 4 ? 96 + len : len;
	if (fam < 0 || bpf_map_update_elem(MAPFD(sg_allow), &k, &v, BPF_ANY))
		FAILF("allow add %s failed", cidr);
}

static struct sg_flow_key flow_key(const char *addr, __u16 rport, __u16 lport)
{
	struct sg_flow_key k;

	memset(&k, 0, sizeof(k));
	to_addr(addr, &k.addr);
	k.remote_port = rport;
	k.local_port = lport;
	return k;
}

static void flow_put(const char *addr, __u16 rport, __u16 lport,
		     __u32 flags, __u32 origin, __u64 last_seen)
{
	struct sg_flow_key k = flow_key(addr, rport, lport);
	struct sg_flow_val v = { .last_seen_ns = last_seen,
				 .created_ns = last_seen,
				 .flags = flags, .origin = origin };

	if (bpf_map_update_elem(MAPFD(sg_flows), &k, &v, BPF_ANY))
		FAILF("flow add failed: %s", strerror(errno));
}

/* A hand-made flow without a remote port: the wildcard key only. */
static void flow_static_anyport(const char *addr, __u16 lport)
{
	flow_put(addr, 0, lport, SG_FLOW_STATIC | SG_FLOW_ANY_PORT,
		 SG_ORIGIN_CLI, 0);
}

/*
 * A learned flow last seen age_s seconds ago: exact key and shadow.  An
 * age beyond the uptime wraps, and still means that age: the programs
 * judge a flow by the signed difference of "now" and its stamp.
 */
static void flow_learned(const char *addr, __u16 rport, __u16 lport,
			 __u64 age_s)
{
	__u64 t = now_ns() - age_s * NSEC;

	flow_put(addr, rport, lport, 0, SG_ORIGIN_LEARNED, t);
	flow_put(addr, 0, lport, SG_FLOW_SHADOW, SG_ORIGIN_LEARNED, t);
}

static int flow_get(const char *addr, __u16 rport, __u16 lport,
		    struct sg_flow_val *v)
{
	struct sg_flow_key k = flow_key(addr, rport, lport);

	return bpf_map_lookup_elem(MAPFD(sg_flows), &k, v);
}

static int map_count(int fd)
{
	uint8_t key[64], next[64];
	int n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0 && n < 100000) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

/* ---- running programs ---- */

static int run_xdp_n(const void *data, int len, int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data,
		    .data_size_in = len, .repeat = repeat);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(S->progs.sipguard_xdp), &o);
	if (err) {
		FAILF("test_run xdp (len %d): %s", len, strerror(errno));
		return -1;
	}
	return o.retval;
}

static int run_xdp(const void *data, int len)
{
	return run_xdp_n(data, len, 1);
}

/*
 * Run the TC learner; it must return TC_ACT_OK and leave the packet as it
 * was.  Returns the retval.
 */
static int run_tc_cut(const void *data, int len, int min_len)
{
	static uint8_t out[PKT_FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out),
		    .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(S->progs.sipguard_learn),
				     &o);
	/* the kernel wants a whole IP header behind an IP ethertype */
	if (err && errno == EINVAL && len < min_len)
		return -2;
	if (err) {
		FAILF("test_run tc (len %d): %s", len, strerror(errno));
		return -1;
	}
	EXPECT_EQ("tc retval", TC_ACT_OK, o.retval);
	EXPECT_EQ("tc data_out length", len, o.data_size_out);
	EXPECT_TRUE("tc packet unchanged",
		    o.data_size_out == (__u32)len && !memcmp(out, data, len));
	return o.retval;
}

static int run_tc(const void *data, int len)
{
	return run_tc_cut(data, len, 0);
}

/*
 * Run a frame once from zero counters: the action must be act, and the
 * counters must show exactly one packet of len bytes under reason/verdict.
 */
static void expect_at(int line, const char *what, const void *data, int len,
		      int act, int reason, int verdict)
{
	struct sg_counter c;
	int r, v, got;

	zero_counters();
	got = run_xdp(data, len);
	cur_checks++;
	if (got != act) {
		fprintf(stderr, "    %s:%d: %s: %s: expected %s, got %s\n",
			__FILE__, line, cur_test, what, xdp_name(act),
			xdp_name(got));
		cur_failed = 1;
	}
	for (r = 0; r < SG_REASON_MAX; r++) {
		for (v = 0; v < SG_VERDICT_MAX; v++) {
			int want = r == reason && v == verdict;

			c = ctr(r, v);
			cur_checks++;
			if (c.packets != (__u64)want ||
			    c.bytes != (__u64)(want ? len : 0)) {
				fprintf(stderr, "    %s:%d: %s: %s: counter "
					"%s/%s: expected %d packets %d bytes, "
					"got %llu packets %llu bytes\n",
					__FILE__, line, cur_test, what,
					rname(r), v ? "drop" : "pass", want,
					want ? len : 0,
					(unsigned long long)c.packets,
					(unsigned long long)c.bytes);
				cur_failed = 1;
			}
		}
	}
}

#define EXPECT_PASS(what, f, reason)					\
	expect_at(__LINE__, what, (f)->data, (f)->len, XDP_PASS, reason, SG_V_PASS)
#define EXPECT_DROP(what, f, reason)					\
	expect_at(__LINE__, what, (f)->data, (f)->len, XDP_DROP, reason, SG_V_DROP)
/* monitor mode: a drop reason, counted with verdict pass */
#define EXPECT_WOULD_DROP(what, f, reason)				\
	expect_at(__LINE__, what, (f)->data, (f)->len, XDP_PASS, reason, SG_V_PASS)

/* ---- frames ---- */

static void in4(struct pkt_desc *d, const char *src, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, src, LOCAL4, sport, dport);
}

static void in6(struct pkt_desc *d, const char *src, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, src, LOCAL6, sport, dport);
}

static void build(struct pkt_frame *f, const struct pkt_desc *d,
		  const void *payload, size_t n)
{
	f->len = pkt_build(d, payload, n, f->data, sizeof(f->data));
	if (f->len < 0) {
		FAILF("frame not built");
		f->len = 0;
	}
}

static void text(struct pkt_frame *f, const struct pkt_desc *d, const char *s)
{
	build(f, d, s, strlen(s));
}

static void request(struct pkt_frame *f, const struct pkt_desc *d,
		    const char *method)
{
	char sip[2048];
	int n = pkt_sip_request(sip, sizeof(sip), method, "192.0.2.10", 0);

	build(f, d, sip, n);
}

static void response(struct pkt_frame *f, const struct pkt_desc *d,
		     const char *status)
{
	char sip[1024];
	int n = pkt_sip_response(sip, sizeof(sip), status, "INVITE");

	build(f, d, sip, n);
}

/* A scanner's INVITE to port 5060 over IPv4 / IPv6. */
static void scan_invite4(struct pkt_frame *f)
{
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	request(f, &d, "INVITE");
}

static void scan_invite6(struct pkt_frame *f)
{
	struct pkt_desc d;

	in6(&d, SCAN6, 5060, 5060);
	request(f, &d, "INVITE");
}

/* A SIP request of about 1800 bytes, as a UA with video SDP sends it. */
static int big_invite(char *buf, size_t cap)
{
	return pkt_sip_request(buf, cap, "INVITE", "192.0.2.10", 1400);
}

static int fragment(const struct pkt_desc *d, const int *sizes, int n,
		    struct pkt_frame *out)
{
	char sip[4096];
	int len = big_invite(sip, sizeof(sip));

	if (pkt_fragment(d, sip, len, sizes, n, out) != n) {
		FAILF("fragments not built");
		return -1;
	}
	return n;
}

/* ---- layers ---- */

static void test_plain_v4_orphan_invite_dropped(void)
{
	struct pkt_frame f;

	scan_invite4(&f);
	EXPECT_DROP("invite", &f, SG_R_ORPHAN);
}

static void test_vlan_orphan_invite_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.nvlan = 1;
	d.vlan_id[0] = 7;
	request(&f, &d, "INVITE");
	EXPECT_DROP("802.1Q", &f, SG_R_ORPHAN);
	in6(&d, SCAN6, 5060, 5060);
	d.nvlan = 1;
	request(&f, &d, "INVITE");
	EXPECT_DROP("802.1Q v6", &f, SG_R_ORPHAN);
}

static void test_vlan_qinq_orphan_invite_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.nvlan = 2;		/* 802.1ad outer, 802.1Q inner */
	d.vlan_id[0] = 100;
	d.vlan_id[1] = 7;
	request(&f, &d, "INVITE");
	EXPECT_DROP("QinQ 88a8/8100", &f, SG_R_ORPHAN);
	d.vlan_tpid[0] = PKT_ETH_P_8021Q;
	request(&f, &d, "INVITE");
	EXPECT_DROP("double 8100", &f, SG_R_ORPHAN);
}

static void test_vlan_qinq_request_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.nvlan = 2;
	request(&f, &d, "OPTIONS");
	EXPECT_PASS("QinQ OPTIONS", &f, SG_R_REQUEST);
}

/* The parser walks two tags; a third hides the ethertype: pass. */
static void test_vlan_three_tags_passed_non_ip(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.nvlan = 3;
	request(&f, &d, "INVITE");
	EXPECT_PASS("3 tags", &f, SG_R_NON_IP);
}

static void test_pppoe_v4_orphan_invite_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.pppoe = 1;
	d.pppoe_sid = 0x1234;
	request(&f, &d, "INVITE");
	EXPECT_DROP("pppoe v4", &f, SG_R_ORPHAN);
}

static void test_pppoe_v6_orphan_invite_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in6(&d, SCAN6, 5060, 5060);
	d.pppoe = 1;
	request(&f, &d, "INVITE");
	EXPECT_DROP("pppoe v6", &f, SG_R_ORPHAN);
}

static void test_vlan_pppoe_orphan_invite_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.nvlan = 1;
	d.pppoe = 1;
	request(&f, &d, "INVITE");
	EXPECT_DROP("vlan pppoe v4", &f, SG_R_ORPHAN);
	d.nvlan = 2;
	request(&f, &d, "INVITE");
	EXPECT_DROP("qinq pppoe v4", &f, SG_R_ORPHAN);
}

static void test_pppoe_discovery_passed_non_ip(void)
{
	static const uint8_t padi[] = { 0x11, 0x09, 0, 0, 0, 4,
					0x01, 0x01, 0, 0 };
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.ipver = 0;
	d.ethertype = PKT_ETH_P_PPPOE_DISC;
	build(&f, &d, padi, sizeof(padi));
	EXPECT_PASS("PADI", &f, SG_R_NON_IP);
}

static void test_pppoe_lcp_passed_non_ip(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.pppoe = 1;
	d.ppp_proto = 0xc021;
	request(&f, &d, "INVITE");
	EXPECT_PASS("LCP", &f, SG_R_NON_IP);
}

static void test_pppoe_bad_version_passed_malformed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.pppoe = 1;
	request(&f, &d, "INVITE");
	f.data[14] = 0x21;
	EXPECT_PASS("pppoe version 2", &f, SG_R_MALFORMED);
}

static void test_ipv4_options_orphan_invite_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	int opt;

	for (opt = 4; opt <= 40; opt += 12) {
		in4(&d, SCAN4, 5060, 5060);
		d.ip4_optlen = opt;
		request(&f, &d, "INVITE");
		EXPECT_DROP("options", &f, SG_R_ORPHAN);
	}
}

static void test_ipv4_options_request_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.ip4_optlen = 40;
	request(&f, &d, "REGISTER");
	EXPECT_PASS("options REGISTER", &f, SG_R_REQUEST);
}

static void test_ipv6_orphan_invite_dropped(void)
{
	struct pkt_frame f;

	scan_invite6(&f);
	EXPECT_DROP("v6 invite", &f, SG_R_ORPHAN);
}

static void ext_invite(struct pkt_frame *f, const uint8_t *types, int n)
{
	struct pkt_desc d;
	int i;

	in6(&d, SCAN6, 5060, 5060);
	for (i = 0; i < n; i++)
		pkt_add_ext(&d, types[i], 0);
	request(f, &d, "INVITE");
}

static void test_ipv6_hbh_orphan_invite_dropped(void)
{
	static const uint8_t t[] = { PKT_EXT_HBH };
	struct pkt_frame f;

	ext_invite(&f, t, 1);
	EXPECT_DROP("hbh", &f, SG_R_ORPHAN);
}

static void test_ipv6_routing_orphan_invite_dropped(void)
{
	static const uint8_t t[] = { PKT_EXT_ROUTING };
	struct pkt_frame f;

	ext_invite(&f, t, 1);
	EXPECT_DROP("routing", &f, SG_R_ORPHAN);
}

static void test_ipv6_dstopts_orphan_invite_dropped(void)
{
	static const uint8_t t[] = { PKT_EXT_DSTOPTS };
	struct pkt_frame f;

	ext_invite(&f, t, 1);
	EXPECT_DROP("dstopts", &f, SG_R_ORPHAN);
}

static void test_ipv6_ah_orphan_invite_dropped(void)
{
	static const uint8_t t[] = { PKT_EXT_AH };
	struct pkt_frame f;

	ext_invite(&f, t, 1);
	EXPECT_DROP("ah", &f, SG_R_ORPHAN);
}

static void test_ipv6_ext_chain_at_limit_orphan_invite_dropped(void)
{
	static const uint8_t t[] = { PKT_EXT_HBH, PKT_EXT_DSTOPTS,
				     PKT_EXT_ROUTING, PKT_EXT_AH,
				     PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS };
	struct pkt_frame f;

	ext_invite(&f, t, SG_IPV6_EXT_MAX);
	EXPECT_DROP("6 ext headers", &f, SG_R_ORPHAN);
}

static void test_ipv6_ext_chain_too_long_dropped(void)
{
	static const uint8_t t[] = { PKT_EXT_HBH, PKT_EXT_DSTOPTS,
				     PKT_EXT_ROUTING, PKT_EXT_AH,
				     PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS,
				     PKT_EXT_DSTOPTS };
	struct pkt_frame f;

	ext_invite(&f, t, SG_IPV6_EXT_MAX + 1);
	EXPECT_DROP("7 ext headers", &f, SG_R_EXT_CHAIN);
}

static void test_ipv6_ext_chain_too_long_allowlisted_passed(void)
{
	static const uint8_t t[] = { PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS,
				     PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS,
				     PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS,
				     PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS };
	struct pkt_frame f;

	allow_add("2001:db8:bad::/48");
	ext_invite(&f, t, 8);
	EXPECT_PASS("8 ext headers, allowlisted", &f, SG_R_ALLOWLIST);
}

static void test_ipv6_atomic_fragment_orphan_invite_dropped(void)
{
	static const uint8_t t[] = { PKT_EXT_FRAG };
	struct pkt_frame f;

	ext_invite(&f, t, 1);
	EXPECT_DROP("atomic fragment", &f, SG_R_ORPHAN);
}

/* ---- pass reasons ---- */

static void test_arp_passed_non_ip(void)
{
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 0, 0);
	d.ipver = 0;
	d.ethertype = 0x0806;
	build(&f, &d, arp, sizeof(arp));
	EXPECT_PASS("arp", &f, SG_R_NON_IP);
}

static void test_tcp_invite_passed_non_udp(void)
{
	char sip[2048];
	uint8_t seg[2100] = { 0x13, 0xc4, 0x13, 0xc4, 0, 0, 0, 1, 0, 0, 0, 0,
			      0x50, 0x18 };
	struct pkt_frame f;
	struct pkt_desc d;
	int n = pkt_sip_request(sip, sizeof(sip), "INVITE", "192.0.2.10", 0);

	memcpy(seg + 20, sip, n);
	in4(&d, SCAN4, 5060, 5060);
	d.proto = PKT_PROTO_TCP;
	build(&f, &d, seg, 20 + n);
	EXPECT_PASS("tcp v4", &f, SG_R_NON_UDP);
	in6(&d, SCAN6, 5060, 5060);
	d.proto = PKT_PROTO_TCP;
	pkt_add_ext(&d, PKT_EXT_HBH, 0);
	build(&f, &d, seg, 20 + n);
	EXPECT_PASS("tcp v6 after hbh", &f, SG_R_NON_UDP);
}

static void test_icmpv6_passed_non_udp(void)
{
	static const uint8_t echo[16] = { 128, 0, 0, 0, 0, 1, 0, 1 };
	struct pkt_frame f;
	struct pkt_desc d;

	in6(&d, SCAN6, 0, 0);
	d.proto = PKT_PROTO_ICMP6;
	build(&f, &d, echo, sizeof(echo));
	EXPECT_PASS("icmpv6", &f, SG_R_NON_UDP);
}

static void test_rtp_passed_not_sip(void)
{
	uint8_t rtp[200];
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 40000, 40002);
	build(&f, &d, rtp, pkt_rtp(rtp, sizeof(rtp), 160));
	EXPECT_PASS("rtp", &f, SG_R_NOT_SIP);
}

static void test_dns_passed_not_sip(void)
{
	uint8_t dns[64];
	struct pkt_frame f;
	struct pkt_desc d;

	in6(&d, SCAN6, 53, 5060);
	build(&f, &d, dns, pkt_dns_query(dns, sizeof(dns)));
	EXPECT_PASS("dns", &f, SG_R_NOT_SIP);
}

static void test_zero_ping_passed_not_sip(void)
{
	static const uint8_t z[4];
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	build(&f, &d, z, 4);
	EXPECT_PASS("4 zero bytes", &f, SG_R_NOT_SIP);
}

static void test_empty_udp_passed_not_sip(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	build(&f, &d, "", 0);
	EXPECT_PASS("empty payload", &f, SG_R_NOT_SIP);
}

static void test_invite_later_in_payload_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	text(&f, &d, "hello INVITE sip:100@192.0.2.10 SIP/2.0\r\n\r\n");
	EXPECT_PASS("INVITE later", &f, SG_R_NOT_SIP);
	text(&f, &d, "INVITEsip:100@192.0.2.10 SIP/2.0\r\n\r\n");
	EXPECT_PASS("INVITE without blank", &f, SG_R_NOT_SIP);
	text(&f, &d, "INVITE");
	EXPECT_PASS("bare INVITE word", &f, SG_R_NOT_SIP);
	text(&f, &d, "MESSAGE sip:100@192.0.2.10 SIP/2.0\r\n"
		     "Content-Length: 30\r\n\r\nINVITE sip:100@192.0.2.10 x");
	EXPECT_PASS("INVITE in a MESSAGE body", &f, SG_R_REQUEST);
}

static void test_keepalive_crlfcrlf_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	text(&f, &d, "\r\n\r\n");
	EXPECT_PASS("ping", &f, SG_R_KEEPALIVE);
	in6(&d, SCAN6, 5060, 5060);
	text(&f, &d, "\r\n\r\n");
	EXPECT_PASS("ping v6", &f, SG_R_KEEPALIVE);
}

static void test_keepalive_crlf_pong_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	text(&f, &d, "\r\n");
	EXPECT_PASS("pong", &f, SG_R_KEEPALIVE);
}

/*
 * The same pong as it arrives from the wire: 44 bytes of frame, padded to
 * the Ethernet minimum of 60 with zeros.  The padding is no UDP payload.
 */
static void test_keepalive_eth_padded_counted_keepalive(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	text(&f, &d, "\r\n");
	f.len = pkt_eth_pad(f.data, f.len, sizeof(f.data));
	EXPECT_PASS("padded pong", &f, SG_R_KEEPALIVE);
}

static void test_stun_passed(void)
{
	uint8_t s[64];
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 3478, 5060);
	build(&f, &d, s, pkt_stun_binding(s, sizeof(s)));
	EXPECT_PASS("stun", &f, SG_R_STUN);
	in6(&d, SCAN6, 3478, 5060);
	build(&f, &d, s, pkt_stun_binding(s, sizeof(s)));
	EXPECT_PASS("stun v6", &f, SG_R_STUN);
}

static void test_sip_response_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	response(&f, &d, "200 OK");
	EXPECT_PASS("200 OK", &f, SG_R_RESPONSE);
	response(&f, &d, "180 Ringing");
	EXPECT_PASS("180", &f, SG_R_RESPONSE);
	in6(&d, SCAN6, 5060, 5060);
	response(&f, &d, "401 Unauthorized");
	EXPECT_PASS("401 v6", &f, SG_R_RESPONSE);
}

static void test_sip_request_non_invite_passed(void)
{
	static const char *m[] = { "OPTIONS", "REGISTER", "ACK", "BYE",
				   "CANCEL", "SUBSCRIBE", "NOTIFY", "PUBLISH",
				   "MESSAGE", "INFO", "PRACK", "UPDATE",
				   "REFER", "options" };
	struct pkt_frame f;
	struct pkt_desc d;
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		in4(&d, SCAN4, 5060, 5060);
		request(&f, &d, m[i]);
		EXPECT_PASS(m[i], &f, SG_R_REQUEST);
	}
	in6(&d, SCAN6, 5060, 5060);
	request(&f, &d, "OPTIONS");
	EXPECT_PASS("OPTIONS v6", &f, SG_R_REQUEST);
}

/* ---- orphan INVITEs ---- */

static void test_orphan_invite_lowercase_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	request(&f, &d, "invite");
	EXPECT_DROP("invite", &f, SG_R_ORPHAN);
	request(&f, &d, "InViTe");
	EXPECT_DROP("InViTe", &f, SG_R_ORPHAN);
}

static void test_orphan_invite_tab_after_method_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	text(&f, &d, "INVITE\tsip:100@192.0.2.10 SIP/2.0\r\n\r\n");
	EXPECT_DROP("tab", &f, SG_R_ORPHAN);
}

static void test_orphan_invite_leading_crlf_dropped(void)
{
	char sip[2048];
	struct pkt_frame f;
	struct pkt_desc d;
	int k, n;

	in4(&d, SCAN4, 5060, 5060);
	for (k = 1; k <= SG_CRLF_SKIP_MAX; k += 7) {
		memset(sip, '\r', k);
		for (n = 1; n < k; n += 2)
			sip[n] = '\n';
		n = pkt_sip_request(sip + k, sizeof(sip) - k, "INVITE",
				    "192.0.2.10", 0);
		build(&f, &d, sip, k + n);
		EXPECT_DROP("CRLFs then INVITE", &f, SG_R_ORPHAN);
	}
}

static void test_orphan_invite_random_ports_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	__u32 x = 12345;
	int i;

	for (i = 0; i < 12; i++) {
		__u16 sp, dp;

		x = x * 1103515245 + 12345;
		sp = 1 + (x >> 8) % 65535;
		x = x * 1103515245 + 12345;
		dp = 1 + (x >> 8) % 65535;
		if (i == 0)
			dp = 1;
		if (i == 1)
			dp = 65535;
		if (i & 1)
			in4(&d, SCAN4, sp, dp);
		else
			in6(&d, SCAN6, sp, dp);
		request(&f, &d, "INVITE");
		EXPECT_DROP("random port", &f, SG_R_ORPHAN);
	}
}

static void test_crlf_padding_dropped(void)
{
	char sip[2048];
	struct pkt_frame f;
	struct pkt_desc d;
	int k = SG_CRLF_SKIP_MAX + 2, n;

	in4(&d, SCAN4, 5060, 5060);
	memset(sip, '\n', k);
	n = pkt_sip_request(sip + k, sizeof(sip) - k, "INVITE", "192.0.2.10", 0);
	build(&f, &d, sip, k + n);
	EXPECT_DROP("34 LF then INVITE", &f, SG_R_CRLF_PADDING);
}

static void test_crlf_padding_allowlisted_passed(void)
{
	char sip[2048];
	struct pkt_frame f;
	struct pkt_desc d;
	int k = SG_CRLF_SKIP_MAX + 1, n;

	allow_add("198.51.100.20/32");
	in4(&d, PBX4, 5060, 5060);
	memset(sip, '\r', k);
	n = pkt_sip_request(sip + k, sizeof(sip) - k, "INVITE", "192.0.2.10", 0);
	build(&f, &d, sip, k + n);
	EXPECT_PASS("33 CR then INVITE, allowlisted", &f, SG_R_ALLOWLIST);
}

/* ---- allowlist ---- */

static void test_allowlisted_v4_host_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("allowlisted /32", &f, SG_R_ALLOWLIST);
	in4(&d, "198.51.100.21", 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("neighbour of the /32", &f, SG_R_ORPHAN);
}

static void test_allowlisted_v4_prefix_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.0/24");
	in4(&d, "198.51.100.1", 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("first of the /24", &f, SG_R_ALLOWLIST);
	in4(&d, "198.51.100.255", 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("last of the /24", &f, SG_R_ALLOWLIST);
	in4(&d, SCAN4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("outside the /24", &f, SG_R_ORPHAN);
}

static void test_allowlisted_v6_prefix_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("2001:db8::/32");
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("in the /32", &f, SG_R_ALLOWLIST);
	pkt_desc_init(&d, "2001:db9::1", LOCAL6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("outside the /32", &f, SG_R_ORPHAN);
}

/* An IPv4 prefix never matches an IPv6 source, nor the reverse. */
static void test_allowlist_families_separate(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.0/24");
	pkt_desc_init(&d, "2001:db8::c633:6414", LOCAL6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("v6 source, v4 allowed", &f, SG_R_ORPHAN);
	allow_add("2001:db8::/32");
	in4(&d, SCAN4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("v4 source, v6 allowed", &f, SG_R_ORPHAN);
}

/* ---- established flows ---- */

static void test_established_static_anyport_flow_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_static_anyport(PBX4, 5060);
	in4(&d, PBX4, 31337, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("static port-less flow", &f, SG_R_ESTABLISHED);
	in4(&d, PBX4, 31337, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("other local port", &f, SG_R_ORPHAN);
	in4(&d, SCAN4, 31337, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("other remote", &f, SG_R_ORPHAN);
}

static void test_established_static_flow_v6_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_static_anyport(PBX6, 5060);
	in6(&d, PBX6, 5080, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("static v6 flow", &f, SG_R_ESTABLISHED);
}

static void test_established_static_flow_never_expires(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	set_config(0, 1);
	flow_put(PBX4, 0, 5060, SG_FLOW_STATIC | SG_FLOW_ANY_PORT,
		 SG_ORIGIN_CONFIG, 1);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("static, last seen at boot", &f, SG_R_ESTABLISHED);
}

static void test_established_learned_fresh_flow_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_learned(PBX4, 5060, 5062, 10);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("fresh learned flow", &f, SG_R_ESTABLISHED);
}

static void test_established_learned_expired_flow_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_learned(PBX4, 5060, 5062, SG_DEFAULT_FLOW_TIMEOUT + 5);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("older than the default timeout", &f, SG_R_ORPHAN);
}

static void test_established_config_flow_timeout(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	set_config(0, 60);
	flow_learned(PBX4, 5060, 5062, 30);
	flow_learned(PBX6, 5060, 5062, 90);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("30 s old, timeout 60", &f, SG_R_ESTABLISHED);
	in6(&d, PBX6, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("90 s old, timeout 60", &f, SG_R_ORPHAN);
}

/* Default: the remote port need not match (one wildcard lookup). */
static void test_established_match_port_off_other_port_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_learned(PBX4, 5060, 5062, 1);
	in4(&d, PBX4, 5099, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("other remote port", &f, SG_R_ESTABLISHED);
}

static void test_established_match_port_on_other_port_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	set_config(SG_CFG_MATCH_PORT, 0);
	flow_learned(PBX4, 5060, 5062, 1);
	in4(&d, PBX4, 5099, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("other remote port", &f, SG_R_ORPHAN);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_PASS("same remote port", &f, SG_R_ESTABLISHED);
}

/* With match-port, a hand-made port-less flow still admits any port... */
static void test_established_match_port_on_anyport_flow_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	set_config(SG_CFG_MATCH_PORT, 0);
	flow_static_anyport(PBX4, 5060);
	in4(&d, PBX4, 40000, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("port-less flow", &f, SG_R_ESTABLISHED);
}

/* ...but the shadow copy of a ported flow does not. */
static void test_established_match_port_on_shadow_only_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	set_config(SG_CFG_MATCH_PORT, 0);
	flow_put(PBX4, 0, 5062, SG_FLOW_SHADOW, SG_ORIGIN_LEARNED, now_ns());
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("shadow without exact", &f, SG_R_ORPHAN);
}

static void test_established_match_port_on_expired_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	set_config(SG_CFG_MATCH_PORT, 100);
	flow_learned(PBX4, 5060, 5062, 200);
	in4(&d, PBX4, 5060, 5062);
	request(&f, &d, "INVITE");
	EXPECT_DROP("expired exact flow", &f, SG_R_ORPHAN);
}

/* Allowlist comes before flows: an allowlisted source counts as such. */
static void test_allowlist_checked_before_flows(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.0/24");
	flow_static_anyport(PBX4, 5060);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("both", &f, SG_R_ALLOWLIST);
}

/* ---- malformed ---- */

static void test_malformed_ipv4_header_passed(void)
{
	struct pkt_frame f;

	scan_invite4(&f);
	f.data[14] = 0x44;	/* IHL 4 */
	EXPECT_PASS("ihl 4", &f, SG_R_MALFORMED);
	f.data[14] = 0x55;	/* version 5 */
	EXPECT_PASS("version 5", &f, SG_R_MALFORMED);
	scan_invite4(&f);
	f.len = 14 + 19;
	EXPECT_PASS("19 bytes of IPv4", &f, SG_R_MALFORMED);
	f.len = 14 + 20 + 7;
	EXPECT_PASS("7 bytes of UDP", &f, SG_R_MALFORMED);
}

static void test_malformed_ipv6_header_passed(void)
{
	static const uint8_t t[] = { PKT_EXT_HBH, PKT_EXT_DSTOPTS };
	struct pkt_frame f;

	scan_invite6(&f);
	f.data[14] = 0x45;
	EXPECT_PASS("v6 version 4", &f, SG_R_MALFORMED);
	scan_invite6(&f);
	f.len = 14 + 39;
	EXPECT_PASS("39 bytes of IPv6", &f, SG_R_MALFORMED);
	ext_invite(&f, t, 2);
	f.len = 14 + 40 + 8 + 4;
	EXPECT_PASS("cut in the second ext header", &f, SG_R_MALFORMED);
	ext_invite(&f, t, 2);
	f.data[14 + 40 + 1] = 200;	/* hbh length past the end */
	EXPECT_PASS("ext length past the end", &f, SG_R_MALFORMED);
}

/* ---- fragments ---- */

static void frag_desc4(struct pkt_desc *d, const char *src, __u32 id)
{
	in4(d, src, 5060, 5060);
	d->id = id;
}

static void frag_desc6(struct pkt_desc *d, const char *src, __u32 id)
{
	in6(d, src, 5060, 5060);
	d->id = id;
}

static const int sizes3[] = { 600, 600, 0 };

static void test_ipv4_fragmented_orphan_invite_all_dropped(void)
{
	struct pkt_frame fr[3];
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 4711);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_DROP("first", &fr[0], SG_R_ORPHAN);
	EXPECT_DROP("second", &fr[1], SG_R_FRAG_DROPPED);
	EXPECT_DROP("third", &fr[2], SG_R_FRAG_DROPPED);
	EXPECT_EQ("frag records", 1, map_count(MAPFD(sg_frags)));
}

static void test_ipv6_fragmented_orphan_invite_all_dropped(void)
{
	struct pkt_frame fr[3];
	struct pkt_desc d;

	frag_desc6(&d, SCAN6, 0x7e57);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_DROP("first", &fr[0], SG_R_ORPHAN);
	EXPECT_DROP("second", &fr[1], SG_R_FRAG_DROPPED);
	EXPECT_DROP("third", &fr[2], SG_R_FRAG_DROPPED);
}

static void test_ipv6_fragmented_after_ext_headers_all_dropped(void)
{
	struct pkt_frame fr[3];
	struct pkt_desc d;

	frag_desc6(&d, SCAN6, 99);
	pkt_add_ext(&d, PKT_EXT_HBH, 0);
	pkt_add_ext(&d, PKT_EXT_ROUTING, 0);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_DROP("first", &fr[0], SG_R_ORPHAN);
	EXPECT_DROP("second", &fr[1], SG_R_FRAG_DROPPED);
	EXPECT_DROP("third", &fr[2], SG_R_FRAG_DROPPED);
}

/* Other datagrams of the same source are not affected. */
static void test_fragment_verdict_keyed_by_datagram(void)
{
	struct pkt_frame fr[3], other[3];
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 1000);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	frag_desc4(&d, SCAN4, 1001);
	if (fragment(&d, sizes3, 3, other) < 0)
		return;
	EXPECT_DROP("first of 1000", &fr[0], SG_R_ORPHAN);
	EXPECT_PASS("second of 1001", &other[1], SG_R_FRAGMENT);
	EXPECT_DROP("second of 1000", &fr[1], SG_R_FRAG_DROPPED);

	frag_desc6(&d, SCAN6, 0x10000);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	frag_desc6(&d, SCAN6, 0x20000);	/* differs above the low 16 bits */
	if (fragment(&d, sizes3, 3, other) < 0)
		return;
	EXPECT_DROP("v6 first of 0x10000", &fr[0], SG_R_ORPHAN);
	EXPECT_PASS("v6 second of 0x20000", &other[1], SG_R_FRAGMENT);
	EXPECT_DROP("v6 second of 0x10000", &fr[1], SG_R_FRAG_DROPPED);
	in6(&d, PBX6, 5060, 5060);	/* same id, other source */
	d.id = 0x10000;
	if (fragment(&d, sizes3, 3, other) < 0)
		return;
	EXPECT_PASS("v6 second, other source", &other[1], SG_R_FRAGMENT);
}

/* A short first fragment that can no longer be "INVITE " passes. */
static void test_first_fragment_short_not_invite_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 38);
	d.ip4_mf = 1;
	text(&f, &d, "INX");
	EXPECT_PASS("INX", &f, SG_R_NOT_SIP);
	text(&f, &d, "OPTIONS");
	EXPECT_PASS("OPTIONS", &f, SG_R_NOT_SIP);
	text(&f, &d, "SIP/2.0 200 OK\r\n");
	EXPECT_PASS("response", &f, SG_R_RESPONSE);
}

/* From an allowlisted source every fragment passes, in any order. */
static void frags_allowlisted_any_order(int v6)
{
	static const int orders[][3] = {
		{ 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 1, 0, 2 },
	};
	struct pkt_frame fr[3];
	struct pkt_desc d;
	int o, i;

	for (o = 0; o < 4; o++) {
		reset_state();
		allow_add(v6 ? "2001:db8:5::/48" : "198.51.100.0/24");
		if (v6)
			frag_desc6(&d, PBX6, 300 + o);
		else
			frag_desc4(&d, PBX4, 300 + o);
		if (fragment(&d, sizes3, 3, fr) < 0)
			return;
		for (i = 0; i < 3; i++) {
			int k = orders[o][i];

			if (k == 0)
				EXPECT_PASS("first", &fr[0], SG_R_ALLOWLIST);
			else
				EXPECT_PASS("later", &fr[k], SG_R_FRAGMENT);
		}
		EXPECT_EQ("no frag record", 0, map_count(MAPFD(sg_frags)));
	}
}

static void test_ipv4_fragmented_allowlisted_invite_all_passed_any_order(void)
{
	frags_allowlisted_any_order(0);
}

static void test_ipv6_fragmented_allowlisted_invite_all_passed_any_order(void)
{
	frags_allowlisted_any_order(1);
}

static void test_ipv4_fragmented_established_invite_all_passed(void)
{
	struct pkt_frame fr[3];
	struct pkt_desc d;

	flow_learned(PBX4, 5060, 5060, 5);
	frag_desc4(&d, PBX4, 77);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_PASS("third first", &fr[2], SG_R_FRAGMENT);
	EXPECT_PASS("first", &fr[0], SG_R_ESTABLISHED);
	EXPECT_PASS("second", &fr[1], SG_R_FRAGMENT);
}

/* Later fragments of a datagram whose first was never seen pass. */
static void test_later_fragment_unknown_datagram_passed(void)
{
	struct pkt_frame fr[3];
	struct pkt_desc d;

	frag_desc6(&d, SCAN6, 5);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_PASS("v6 middle", &fr[1], SG_R_FRAGMENT);
	frag_desc4(&d, SCAN4, 5);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_PASS("v4 last", &fr[2], SG_R_FRAGMENT);
}

static void test_fragmented_non_invite_all_passed(void)
{
	char sip[4096];
	struct pkt_frame fr[3];
	struct pkt_desc d;
	int n = pkt_sip_request(sip, sizeof(sip), "MESSAGE", "192.0.2.10", 1400);

	frag_desc4(&d, SCAN4, 8);
	if (pkt_fragment(&d, sip, n, sizes3, 3, fr) != 3) {
		FAILF("fragments not built");
		return;
	}
	EXPECT_PASS("first", &fr[0], SG_R_REQUEST);
	EXPECT_PASS("second", &fr[1], SG_R_FRAGMENT);
	EXPECT_PASS("third", &fr[2], SG_R_FRAGMENT);
}

static void test_fragmented_tcp_passed_non_udp(void)
{
	uint8_t seg[1200] = { 0x13, 0xc4, 0x13, 0xc4 };
	struct pkt_frame f;
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 9);
	d.proto = PKT_PROTO_TCP;
	d.ip4_frag_off = 100;
	build(&f, &d, seg, 800);
	EXPECT_PASS("later tcp fragment", &f, SG_R_NON_UDP);
}

/*
 * Tiny fragments (RFC 1858).  A first fragment that holds only the UDP
 * header is no INVITE yet; the fragment at offset 1 (byte 8) carries the
 * start of the payload and is dropped unless the source is trusted, and the
 * rest of the datagram follows it.
 */
static void tiny_first_bare_udp(int v6)
{
	static const int sizes[] = { 8, 600, 0 };
	struct pkt_frame fr[3];
	struct pkt_desc d;

	if (v6)
		frag_desc6(&d, SCAN6, 0x1858);
	else
		frag_desc4(&d, SCAN4, 0x1858);
	if (fragment(&d, sizes, 3, fr) < 0)
		return;
	EXPECT_PASS("bare UDP header", &fr[0], SG_R_NOT_SIP);
	EXPECT_DROP("offset 1", &fr[1], SG_R_TINY_FRAG);
	EXPECT_DROP("rest", &fr[2], SG_R_FRAG_DROPPED);
}

static void test_ipv4_tiny_fragment_bare_udp_then_offset1_dropped(void)
{
	tiny_first_bare_udp(0);
}

static void test_ipv6_tiny_fragment_bare_udp_then_offset1_dropped(void)
{
	tiny_first_bare_udp(1);
}

/* A first fragment that ends inside "INVITE " can't be ruled out. */
static void test_ipv4_tiny_fragment_inv_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 31);
	d.ip4_mf = 1;
	text(&f, &d, "INV");
	EXPECT_DROP("INV", &f, SG_R_TINY_FRAG);
	text(&f, &d, "\r\n\r\nINVITE");
	EXPECT_DROP("CRLF INVITE", &f, SG_R_TINY_FRAG);
	text(&f, &d, "\r\n\r\n\r\n\r\n");
	EXPECT_DROP("only CRLF", &f, SG_R_TINY_FRAG);
}

static void test_ipv6_tiny_fragment_inv_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	int i;

	frag_desc6(&d, SCAN6, 32);
	i = pkt_add_ext(&d, PKT_EXT_FRAG, 0);
	d.ext[i].more = 1;
	d.ext[i].id = 32;
	text(&f, &d, "inv");
	EXPECT_DROP("inv", &f, SG_R_TINY_FRAG);
}

/* The tiny first fragment drops the datagram: its rest follows. */
static void test_tiny_fragment_rest_of_datagram_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 33);
	d.ip4_mf = 1;
	text(&f, &d, "INVI");
	EXPECT_DROP("INVI", &f, SG_R_TINY_FRAG);
	d.ip4_mf = 0;
	d.ip4_frag_off = 2;
	d.raw_l4 = 1;
	text(&f, &d, "TE sip:100@192.0.2.10 SIP/2.0\r\n\r\n");
	EXPECT_DROP("rest", &f, SG_R_FRAG_DROPPED);
}

static void test_tiny_fragment_allowlisted_passed(void)
{
	static const int sizes[] = { 8, 600, 0 };
	struct pkt_frame fr[3], f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	frag_desc4(&d, PBX4, 34);
	d.ip4_mf = 1;
	text(&f, &d, "INV");
	EXPECT_PASS("INV from allowlisted", &f, SG_R_ALLOWLIST);
	frag_desc4(&d, PBX4, 35);
	if (fragment(&d, sizes, 3, fr) < 0)
		return;
	EXPECT_PASS("offset 1 from allowlisted", &fr[1], SG_R_ALLOWLIST);
	EXPECT_PASS("rest", &fr[2], SG_R_FRAGMENT);
}

/* An established flow admits a tiny first fragment (it has ports)... */
static void test_tiny_fragment_established_first_passed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_learned(PBX4, 5060, 5060, 1);
	frag_desc4(&d, PBX4, 36);
	d.ip4_mf = 1;
	text(&f, &d, "INV");
	EXPECT_PASS("INV on a flow", &f, SG_R_ESTABLISHED);
}

/*
 * A first fragment of 16 bytes ("\r\nINVITE" after the UDP header) ends
 * where "INVITE " could still follow: tiny.  On the wire the frame is 50
 * bytes and arrives padded to 60 with zeros; the padding is not part of
 * the datagram and must not decide the verdict.
 */
static void test_ipv4_tiny_fragment_eth_padded_dropped(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 37);
	d.ip4_mf = 1;
	text(&f, &d, "\r\nINVITE");
	EXPECT_DROP("unpadded", &f, SG_R_TINY_FRAG);
	f.len = pkt_eth_pad(f.data, f.len, sizeof(f.data));
	EXPECT_DROP("padded to 60", &f, SG_R_TINY_FRAG);
}

/*
 * Destination options in the fragmentable part: the fragment header's next
 * header is 60, not UDP, in every fragment.  The later fragments belong to
 * the datagram whose first fragment was dropped all the same.
 */
static void test_ipv6_fragmented_dstopts_after_frag_all_dropped(void)
{
	uint8_t dg[4096];
	char sip[4096];
	struct pkt_frame fr[2];
	struct pkt_desc d, f;
	int n, dlen, i, split = 600;

	frag_desc6(&d, SCAN6, 0xd0);
	n = big_invite(sip, sizeof(sip));
	/* the fragmentable part: dstopts (8 bytes) + UDP datagram */
	memset(dg, 0, 8);
	dg[0] = PKT_PROTO_UDP;
	dg[2] = 1;		/* PadN */
	dg[3] = 4;
	dlen = 8 + pkt_udp_datagram(&d, sip, n, dg + 8, sizeof(dg) - 8);
	for (i = 0; i < 2; i++) {
		f = d;
		f.raw_l4 = 1;
		f.proto = PKT_EXT_DSTOPTS;
		pkt_add_ext(&f, PKT_EXT_FRAG, 8);
		f.ext[0].frag_off = i ? split / 8 : 0;
		f.ext[0].more = !i;
		f.ext[0].id = d.id;
		fr[i].len = pkt_build(&f, i ? dg + split : dg,
				      i ? dlen - split : split,
				      fr[i].data, sizeof(fr[i].data));
	}
	EXPECT_DROP("first", &fr[0], SG_R_ORPHAN);
	EXPECT_DROP("second", &fr[1], SG_R_FRAG_DROPPED);
}

/*
 * A record of a dropped datagram must not outlive it: the IPv4 id is 16
 * bits and comes round again.  Once the source is trusted, a new datagram
 * with the same id whose first fragment passed passes whole.
 */
static void test_fragment_record_not_applied_to_passed_datagram(void)
{
	struct pkt_frame fr[3];
	struct pkt_desc d;

	frag_desc4(&d, PBX4, 4242);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_DROP("first, before the flow", &fr[0], SG_R_ORPHAN);
	EXPECT_DROP("second, before the flow", &fr[1], SG_R_FRAG_DROPPED);
	/* the PBX's flow is learned; later its id counter wraps to 4242 */
	flow_learned(PBX4, 5060, 5060, 1);
	EXPECT_PASS("first, on the flow", &fr[0], SG_R_ESTABLISHED);
	EXPECT_PASS("second, on the flow", &fr[1], SG_R_FRAGMENT);
	EXPECT_PASS("third, on the flow", &fr[2], SG_R_FRAGMENT);
}

/* ---- monitor mode ---- */

static void would_drop_frames(int *n, struct pkt_frame *f, int *reason)
{
	static const uint8_t t7[] = { 60, 60, 60, 60, 60, 60, 60 };
	char sip[2048];
	struct pkt_desc d;
	int k;

	*n = 0;
	scan_invite4(&f[*n]);
	reason[(*n)++] = SG_R_ORPHAN;
	ext_invite(&f[*n], t7, 7);
	reason[(*n)++] = SG_R_EXT_CHAIN;
	frag_desc4(&d, SCAN4, 50);
	d.ip4_mf = 1;
	text(&f[*n], &d, "INV");
	reason[(*n)++] = SG_R_TINY_FRAG;
	in4(&d, SCAN4, 5060, 5060);
	k = SG_CRLF_SKIP_MAX + 1;
	memset(sip, '\n', k);
	strcpy(sip + k, "INVITE sip:x SIP/2.0\r\n\r\n");
	text(&f[*n], &d, sip);
	reason[(*n)++] = SG_R_CRLF_PADDING;
}

static void monitor_checks(void)
{
	struct pkt_frame f[4], fr[3];
	struct pkt_desc d;
	int reason[4], n, i;

	would_drop_frames(&n, f, reason);
	for (i = 0; i < n; i++)
		EXPECT_WOULD_DROP(rname(reason[i]), &f[i], reason[i]);
	frag_desc4(&d, SCAN4, 51);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_WOULD_DROP("first fragment", &fr[0], SG_R_ORPHAN);
	EXPECT_WOULD_DROP("second fragment", &fr[1], SG_R_FRAG_DROPPED);
	request(&f[0], &d, "OPTIONS");
	EXPECT_PASS("monitor: a request", &f[0], SG_R_REQUEST);
}

/* ---- devices without a link-layer header (ppp, tun, WireGuard) ---- */

/* F as such a device hands it over: from the IP header on. */
static void strip_l2(struct pkt_frame *f, const struct pkt_desc *d)
{
	f->len = pkt_strip_l2(d, f->data, f->len);
	if (f->len < 0) {
		FAILF("frame not stripped");
		f->len = 0;
	}
}

static void test_l3_device_filters_from_the_ip_header(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	S = skel_l3;
	reset_state();
	in4(&d, SCAN4, 5060, 5060);
	request(&f, &d, "INVITE");
	strip_l2(&f, &d);
	EXPECT_DROP("v4 orphan invite", &f, SG_R_ORPHAN);
	in6(&d, SCAN6, 5060, 5060);
	pkt_add_ext(&d, PKT_EXT_DSTOPTS, 8);
	request(&f, &d, "INVITE");
	strip_l2(&f, &d);
	EXPECT_DROP("v6 orphan invite", &f, SG_R_ORPHAN);
	allow_add(PBX4 "/32");
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	strip_l2(&f, &d);
	EXPECT_PASS("allowlisted invite", &f, SG_R_ALLOWLIST);
	request(&f, &d, "OPTIONS");
	strip_l2(&f, &d);
	EXPECT_PASS("a request", &f, SG_R_REQUEST);
	/* not IP by its first nibble: an Ethernet frame is none here */
	in4(&d, SCAN4, 5060, 5060);
	request(&f, &d, "INVITE");
	f.data[0] = 0x02;
	EXPECT_PASS("ethernet frame", &f, SG_R_NON_IP);
}

static void test_l3_device_learns_and_lets_the_pbx_in(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	struct sg_flow_val v;

	S = skel_l3;
	reset_state();
	pkt_desc_init(&d, "198.18.0.7", PBX4, 40000, 5060);	/* NAT's WAN side */
	request(&f, &d, "REGISTER");
	strip_l2(&f, &d);
	run_tc(f.data, f.len);
	EXPECT_EQ("flow learned", 0, flow_get(PBX4, 5060, 40000, &v));
	in4(&d, PBX4, 5060, 40000);
	request(&f, &d, "INVITE");
	strip_l2(&f, &d);
	EXPECT_PASS("the pbx's invite", &f, SG_R_ESTABLISHED);
	in4(&d, SCAN4, 5060, 40000);
	request(&f, &d, "INVITE");
	strip_l2(&f, &d);
	EXPECT_DROP("a scanner on the same port", &f, SG_R_ORPHAN);
}

/* The Ethernet build must not read an IP packet as one of its own. */
static void test_ethernet_build_passes_a_bare_ip_packet(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	request(&f, &d, "INVITE");
	strip_l2(&f, &d);
	run_xdp(f.data, f.len);
	EXPECT_EQ("no orphan drop", 0, ctr(SG_R_ORPHAN, SG_V_DROP).packets);
}

static void test_monitor_rodata_would_drop_counted_as_pass(void)
{
	S = skel_mon;
	reset_state();
	monitor_checks();
}

static void test_monitor_config_would_drop_counted_as_pass(void)
{
	set_config(SG_CFG_MONITOR, 0);
	monitor_checks();
}

static void test_monitor_config_off_drops_again(void)
{
	struct pkt_frame f;

	scan_invite4(&f);
	set_config(SG_CFG_MONITOR, 0);
	EXPECT_WOULD_DROP("monitor on", &f, SG_R_ORPHAN);
	set_config(0, 0);
	EXPECT_DROP("monitor off", &f, SG_R_ORPHAN);
}

/* ---- counters ---- */

static void test_counters_sum_packets_and_bytes(void)
{
	struct pkt_frame inv, opt;
	struct pkt_desc d;
	struct sg_counter c;

	scan_invite4(&inv);
	in6(&d, SCAN6, 5060, 5060);
	request(&opt, &d, "OPTIONS");
	zero_counters();
	EXPECT_EQ("invite x5", XDP_DROP, run_xdp_n(inv.data, inv.len, 5));
	EXPECT_EQ("options x3", XDP_PASS, run_xdp_n(opt.data, opt.len, 3));
	EXPECT_EQ("invite x1", XDP_DROP, run_xdp(inv.data, inv.len));
	c = ctr(SG_R_ORPHAN, SG_V_DROP);
	EXPECT_EQ("orphan packets", 6, c.packets);
	EXPECT_EQ("orphan bytes", 6 * inv.len, c.bytes);
	c = ctr(SG_R_REQUEST, SG_V_PASS);
	EXPECT_EQ("request packets", 3, c.packets);
	EXPECT_EQ("request bytes", 3 * opt.len, c.bytes);
	c = ctr(SG_R_ORPHAN, SG_V_PASS);
	EXPECT_EQ("orphan/pass packets", 0, c.packets);
}

/*
 * Every reason of the fast path is reached by one of these frames (the
 * layer-7 reasons have tests of their own).
 */
static void test_counters_every_reason_reached(void)
{
	static const uint8_t t7[] = { 0, 60, 60, 60, 60, 60, 60 };
	static const int fast_path[] = {
		SG_R_NON_IP, SG_R_NON_UDP, SG_R_NOT_SIP, SG_R_KEEPALIVE,
		SG_R_STUN, SG_R_RESPONSE, SG_R_REQUEST, SG_R_ALLOWLIST,
		SG_R_ESTABLISHED, SG_R_FRAGMENT, SG_R_MALFORMED, SG_R_ORPHAN,
		SG_R_FRAG_DROPPED, SG_R_TINY_FRAG, SG_R_EXT_CHAIN,
		SG_R_CRLF_PADDING,
	};
	struct pkt_frame f, fr[3];
	struct pkt_desc d;
	uint8_t b[64];
	int r, i;

	zero_counters();
#define RUN(fr_) run_xdp((fr_)->data, (fr_)->len)
	in4(&d, SCAN4, 0, 0);
	d.ipver = 0;
	d.ethertype = 0x0806;
	build(&f, &d, b, 28);
	RUN(&f);				/* non_ip */
	in4(&d, SCAN4, 1, 2);
	d.proto = PKT_PROTO_TCP;
	build(&f, &d, b, 20);
	RUN(&f);				/* non_udp */
	in4(&d, SCAN4, 5060, 5060);
	build(&f, &d, b, pkt_rtp(b, sizeof(b), 20));
	RUN(&f);				/* not_sip */
	text(&f, &d, "\r\n\r\n");
	RUN(&f);				/* keepalive */
	build(&f, &d, b, pkt_stun_binding(b, sizeof(b)));
	RUN(&f);				/* stun */
	response(&f, &d, "200 OK");
	RUN(&f);				/* sip_response */
	request(&f, &d, "OPTIONS");
	RUN(&f);				/* sip_request */
	allow_add("198.51.100.20/32");
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	RUN(&f);				/* allowlisted */
	flow_static_anyport(PBX6, 5060);
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	RUN(&f);				/* established */
	scan_invite4(&f);
	f.data[14] = 0x41;
	RUN(&f);				/* malformed */
	scan_invite4(&f);
	RUN(&f);				/* orphan_invite */
	frag_desc4(&d, SCAN4, 60);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	RUN(&fr[0]);
	RUN(&fr[1]);				/* fragment_of_dropped */
	frag_desc4(&d, SCAN4, 61);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	RUN(&fr[2]);				/* fragment */
	d.ip4_mf = 1;
	text(&f, &d, "INV");
	RUN(&f);				/* tiny_fragment */
	ext_invite(&f, t7, 7);
	RUN(&f);				/* ipv6_ext_chain */
	in4(&d, SCAN4, 5060, 5060);
	memset(b, '\r', 40);
	memcpy(b + 40, "INVITE x", 8);
	build(&f, &d, b, 48);
	RUN(&f);				/* crlf_padding */
#undef RUN
	for (i = 0; i < (int)(sizeof(fast_path) / sizeof(fast_path[0])); i++) {
		r = fast_path[i];
		EXPECT_TRUE(rname(r), ctr(r, r >= SG_R_FIRST_DROP).packets >= 1);
	}
}

/* ---- the TC learner ---- */

/* An outbound SIP message from this host (after NAT) to a remote. */
static void out4(struct pkt_desc *d, const char *dst, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, LOCAL4, dst, sport, dport);
}

static void out6(struct pkt_desc *d, const char *dst, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, LOCAL6, dst, sport, dport);
}

static void expect_flow_learned(int line, const char *what, const char *addr,
				__u16 rport, __u16 lport, __u64 t0)
{
	struct sg_flow_val v;
	__u64 t1 = now_ns();

	cur_checks++;
	if (flow_get(addr, rport, lport, &v)) {
		fprintf(stderr, "    %s:%d: %s: %s: no exact flow %s:%u -> %u\n",
			__FILE__, line, cur_test, what, addr, rport, lport);
		cur_failed = 1;
		return;
	}
	EXPECT_EQ("exact flags", 0, v.flags);
	EXPECT_EQ("exact origin", SG_ORIGIN_LEARNED, v.origin);
	EXPECT_TRUE("exact last_seen now", v.last_seen_ns >= t0 &&
		    v.last_seen_ns <= t1);
	EXPECT_TRUE("exact created now", v.created_ns >= t0 &&
		    v.created_ns <= t1);
	cur_checks++;
	if (flow_get(addr, 0, lport, &v)) {
		fprintf(stderr, "    %s:%d: %s: %s: no shadow flow %s -> %u\n",
			__FILE__, line, cur_test, what, addr, lport);
		cur_failed = 1;
		return;
	}
	EXPECT_EQ("shadow flags", SG_FLOW_SHADOW, v.flags);
	EXPECT_EQ("shadow origin", SG_ORIGIN_LEARNED, v.origin);
	EXPECT_TRUE("shadow last_seen now", v.last_seen_ns >= t0 &&
		    v.last_seen_ns <= t1);
}

static void test_learn_opening_requests_create_flow(void)
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
		expect_flow_learned(__LINE__, m[i], PBX4, 5060, 5062, t0);
		EXPECT_EQ("two entries", 2, map_count(MAPFD(sg_flows)));
	}
}

static void test_learn_ipv6_register_creates_flow(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	__u64 t0 = now_ns() - CLOCK_SLACK_NS;

	out6(&d, PBX6, 40000, 5070);
	pkt_add_ext(&d, PKT_EXT_DSTOPTS, 0);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	expect_flow_learned(__LINE__, "v6", PBX6, 5070, 40000, t0);
}

static void test_learn_vlan_pppoe_register_creates_flow(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	__u64 t0 = now_ns() - CLOCK_SLACK_NS;

	out4(&d, PBX4, 5062, 5060);
	d.nvlan = 1;
	d.pppoe = 1;
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	expect_flow_learned(__LINE__, "vlan pppoe", PBX4, 5060, 5062, t0);
}

static void test_learn_other_messages_create_no_flow(void)
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
	EXPECT_EQ("no flows", 0, map_count(MAPFD(sg_flows)));
}

/* The phone answers a scanner's OPTIONS: its INVITE stays an orphan. */
static void test_learn_answer_to_scanner_opens_nothing(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	out4(&d, SCAN4, 5060, 5060);
	response(&f, &d, "200 OK");
	run_tc(f.data, f.len);
	scan_invite4(&f);
	EXPECT_DROP("scanner INVITE after our 200 OK", &f, SG_R_ORPHAN);
}

static void test_learn_response_and_notify_refresh_flow(void)
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
		EXPECT_EQ("exact still there", 0, flow_get(PBX4, 5060, 5062, &v));
		EXPECT_TRUE(m[i], v.last_seen_ns >= t0);
		EXPECT_EQ("shadow still there", 0, flow_get(PBX4, 0, 5062, &v));
		EXPECT_TRUE(m[i], v.last_seen_ns >= t0);
		EXPECT_EQ("no new entries", 2, map_count(MAPFD(sg_flows)));
	}
}

/* A refresh never turns a static port-less flow into a learned one. */
static void test_learn_refresh_keeps_static_wildcard(void)
{
	struct sg_flow_val v;
	struct pkt_frame f;
	struct pkt_desc d;

	flow_static_anyport(PBX4, 5062);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	EXPECT_EQ("wildcard there", 0, flow_get(PBX4, 0, 5062, &v));
	EXPECT_EQ("wildcard flags", SG_FLOW_STATIC | SG_FLOW_ANY_PORT, v.flags);
	EXPECT_EQ("wildcard origin", SG_ORIGIN_CLI, v.origin);
	EXPECT_EQ("wildcard last_seen", 0, v.last_seen_ns);
	EXPECT_EQ("exact learned", 0, flow_get(PBX4, 5060, 5062, &v));
}

/* A NOTIFY to a remote with no flow refreshes nothing and adds nothing. */
static void test_learn_notify_without_flow_adds_nothing(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	flow_static_anyport(PBX4, 5062);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "NOTIFY");
	run_tc(f.data, f.len);
	EXPECT_EQ("only the static flow", 1, map_count(MAPFD(sg_flows)));
}

/* The whole story: REGISTER out, INVITE in on that flow. */
static void test_learn_then_inbound_invite_established(void)
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

static void test_learn_then_inbound_invite_match_port(void)
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

/* ---- truncation sweeps ---- */

enum kind { K_INVITE, K_OPTIONS, K_RESPONSE, K_KEEPALIVE, K_STUN, K_RTP,
	    K_LATER, K_MAX };

/* The payload of a kind, and the reason once n payload bytes are there. */
static int kind_payload(int k, uint8_t *b, size_t cap)
{
	switch (k) {
	case K_INVITE:
		return pkt_sip_request((char *)b, cap, "INVITE", "192.0.2.10", 0);
	case K_OPTIONS:
		return pkt_sip_request((char *)b, cap, "OPTIONS", "192.0.2.10", 0);
	case K_RESPONSE:
		return pkt_sip_response((char *)b, cap, "200 OK", "INVITE");
	case K_KEEPALIVE:
		memcpy(b, "\r\n\r\n", 4);
		return 4;
	case K_STUN:
		return pkt_stun_binding(b, cap);
	case K_RTP:
		return pkt_rtp(b, cap, 160);
	default:
		return snprintf((char *)b, cap, "x INVITE sip:1@192.0.2.10\r\n");
	}
}

static int kind_reason(int k, int n)
{
	switch (k) {
	case K_INVITE:
		return n >= 7 ? SG_R_ORPHAN : SG_R_NOT_SIP;
	case K_OPTIONS:
		return n >= 8 ? SG_R_REQUEST : SG_R_NOT_SIP;
	case K_RESPONSE:
		return n >= 8 ? SG_R_RESPONSE : SG_R_NOT_SIP;
	case K_KEEPALIVE:
		return n >= 1 ? SG_R_KEEPALIVE : SG_R_NOT_SIP;
	case K_STUN:
		return n >= 20 ? SG_R_STUN : SG_R_NOT_SIP;
	default:
		return SG_R_NOT_SIP;
	}
}

static int sweep_descs(struct pkt_desc *d)
{
	int n = 0;

	in4(&d[n++], SCAN4, 5060, 5060);
	in4(&d[n], SCAN4, 5060, 5060); d[n++].nvlan = 1;
	in4(&d[n], SCAN4, 5060, 5060); d[n++].nvlan = 2;
	in4(&d[n], SCAN4, 5060, 5060); d[n++].pppoe = 1;
	in4(&d[n], SCAN4, 5060, 5060); d[n].nvlan = 2; d[n++].pppoe = 1;
	in4(&d[n], SCAN4, 5060, 5060); d[n++].ip4_optlen = 24;
	in6(&d[n++], SCAN6, 5060, 5060);
	in6(&d[n], SCAN6, 5060, 5060); d[n++].pppoe = 1;
	in6(&d[n], SCAN6, 5060, 5060); d[n++].nvlan = 2;
	in6(&d[n], SCAN6, 5060, 5060);
	pkt_add_ext(&d[n], PKT_EXT_HBH, 0);
	pkt_add_ext(&d[n], PKT_EXT_ROUTING, 24);
	pkt_add_ext(&d[n++], PKT_EXT_DSTOPTS, 16);
	in6(&d[n], SCAN6, 5060, 5060); pkt_add_ext(&d[n++], PKT_EXT_AH, 0);
	return n;
}

/*
 * Every cut from 14 bytes to the whole frame: cut in the headers it is
 * malformed (pass); with the headers whole, the reason is that of the
 * payload prefix.  Only an INVITE cut after "INVITE " is dropped.
 */
static void test_truncation_sweep_xdp(void)
{
	struct pkt_desc d[16];
	uint8_t pl[2048];
	struct pkt_frame f;
	int nd = sweep_descs(d), i, k, cut, n, hl, reason, act, bad, runs = 0;

	for (i = 0; i < nd; i++) {
		for (k = 0; k < K_MAX; k++) {
			n = kind_payload(k, pl, sizeof(pl));
			build(&f, &d[i], pl, n);
			hl = pkt_hdr_len(&d[i]);
			bad = 0;
			for (cut = PKT_ETH_HLEN; cut <= f.len; cut++) {
				reason = cut < hl ? SG_R_MALFORMED :
					 kind_reason(k, cut - hl);
				zero_counters();
				act = run_xdp(f.data, cut);
				runs++;
				if (act != (reason == SG_R_ORPHAN ? XDP_DROP :
					    XDP_PASS) ||
				    ctr(reason, reason == SG_R_ORPHAN).packets != 1) {
					if (!bad++)
						FAILF("encap %d kind %d cut %d/%d: "
						      "got %s, expected %s",
						      i, k, cut, f.len,
						      xdp_name(act), rname(reason));
				}
			}
			EXPECT_EQ("cuts with a wrong verdict", 0, bad);
		}
	}
	printf("    (%d truncated frames)\n", runs);
}

/* The learner on every cut: TC_ACT_OK, the packet untouched, no crash. */
static void test_truncation_sweep_tc(void)
{
	static const char *m[] = { "REGISTER", "NOTIFY" };
	struct pkt_desc d[16];
	char pl[2048];
	struct pkt_frame f;
	int nd = sweep_descs(d), i, k, cut, n, hl, before;

	for (i = 0; i < nd; i++) {
		/* outbound: swap the roles */
		memcpy(pl, d[i].src, 16);
		memcpy(d[i].src, d[i].dst, 16);
		memcpy(d[i].dst, pl, 16);
		for (k = 0; k < 2; k++) {
			n = pkt_sip_request(pl, sizeof(pl), m[k], "198.51.100.20", 0);
			build(&f, &d[i], pl, n);
			hl = pkt_hdr_len(&d[i]);
			for (cut = PKT_ETH_HLEN; cut <= f.len; cut++) {
				reset_state();
				before = cur_failed;
				if (run_tc_cut(f.data, cut, pkt_l3_off(&d[i]) +
					       (d[i].ipver == 6 ? PKT_IP6_HLEN :
						PKT_IP4_HLEN)) == -2)
					continue;
				EXPECT_EQ("flows after a cut", k == 0 &&
					  cut >= hl + 9 ? 2 : 0,
					  map_count(MAPFD(sg_flows)));
				if (cur_failed && !before) {
					FAILF("encap %d %s cut %d", i, m[k], cut);
					return;
				}
			}
		}
	}
}

/* ---- main ---- */

#define T(fn) { #fn, fn }
/* ---- layer 7: deny list, bans, inspect policy, User-Agent list ---- */

static struct sg_ua_set *ua_buf;

/* Config for layer-7 tests: FLAGS, ban time, and a User-Agent list. */
static void l7_config(__u32 flags, __u32 ban_time_s, const char *const *uas)
{
	struct sg_config c = { .flags = flags, .ban_time_s = ban_time_s };
	__u32 zero = 0;

	if (!ua_buf)
		ua_buf = calloc(1, sizeof(*ua_buf));
	memset(ua_buf, 0, sizeof(*ua_buf));
	for (; uas && *uas; uas++)
		if (sg_ua_set_add(ua_buf, *uas))
			FAILF("ua pattern %s", *uas);
	if (bpf_map_update_elem(MAPFD(sg_ua), &zero, ua_buf, BPF_ANY))
		FAILF("ua set: %s", strerror(errno));
	c.ua_slot = 0;
	c.ua_count = ua_buf->count;
	if (bpf_map_update_elem(MAPFD(sg_config), &zero, &c, BPF_ANY))
		FAILF("config update: %s", strerror(errno));
}

static void deny_add(const char *cidr)
{
	struct sg_allow_val v = { .origin = SG_ORIGIN_CLI };
	struct sg_lpm_key k;
	char a[64];
	int fam, len;

	snprintf(a, sizeof(a), "%s", cidr);
	*strchr(a, '/') = 0;
	len = atoi(strchr(cidr, '/') + 1);
	fam = to_addr(a, &k.addr);
	k.prefixlen = fam == 4 ? 96 + len : len;
	if (fam < 0 || bpf_map_update_elem(MAPFD(sg_deny), &k, &v, BPF_ANY))
		FAILF("deny add %s failed", cidr);
}

static void user_add(const char *user)
{
	struct sg_user_key k = {};
	__u32 origin = SG_ORIGIN_CLI;

	snprintf(k.user, sizeof(k.user), "%s", user);
	if (bpf_map_update_elem(MAPFD(sg_users), &k, &origin, BPF_ANY))
		FAILF("users add %s failed", user);
}

static int banned_src(const char *addr, struct sg_ban_val *b)
{
	struct sg_addr a;

	to_addr(addr, &a);
	return bpf_map_lookup_elem(MAPFD(sg_bans), &a, b) == 0;
}

/*
 * A request from SRC:5060 with the given Request-URI user and header
 * lines (each "Name: value\r\n", NULL to leave it out).
 */
static void sip_msg(struct pkt_frame *f, const char *src, const char *method,
		    const char *ruri_user, const char *from, const char *to,
		    const char *extra)
{
	char sip[4000];
	struct pkt_desc d;
	int n;

	pkt_desc_init(&d, src, strchr(src, ':') ? LOCAL6 : LOCAL4, 5060, 5060);
	n = snprintf(sip, sizeof(sip),
		     "%s sip:%s@192.0.2.10 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 203.0.113.66:5060;branch=z9hG4bK-77\r\n"
		     "Max-Forwards: 70\r\n"
		     "%s%s"
		     "Call-ID: 77@203.0.113.66\r\n"
		     "CSeq: 1 %s\r\n"
		     "%s"
		     "Content-Length: 0\r\n\r\n",
		     method, ruri_user, from ? from : "", to ? to : "", method,
		     extra ? extra : "");
	build(f, &d, sip, n);
}

#define GOOD_FROM	"From: \"Bob\" <sip:200@198.51.100.99>;tag=42\r\n"
#define GOOD_TO		"To: <sip:100@192.0.2.10>\r\n"
#define SCANNER_UA	"User-Agent: friendly-scanner\r\n"
#define PHONE_UA	"User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"

static const char *const scanner_uas[] = { "friendly-scanner", "sipvicious",
					   "sipcli", NULL };

static void test_l7_inspect_clean_invite_passed(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("clean unknown INVITE under inspect", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN6, "INVITE", "100", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("clean IPv6 INVITE without User-Agent", &f, SG_R_INSPECTED);
}

static void test_l7_drop_policy_drops_before_any_header_check(void)
{
	struct pkt_frame f;
	struct sg_ban_val b;

	l7_config(0, 600, scanner_uas);
	deny_add("203.0.113.0/24");
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("unknown INVITE under drop, scanner UA, denied", &f, SG_R_ORPHAN);
	EXPECT_TRUE("no ban from an orphan INVITE", !banned_src(SCAN4, &b));
}

static void test_l7_inspect_blocked_ua_dropped_and_banned(void)
{
	struct pkt_frame f;
	struct sg_ban_val b = {};

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("INVITE with a blocked UA", &f, SG_R_UA_BLOCKED);
	EXPECT_TRUE("source banned", banned_src(SCAN4, &b));
	EXPECT_EQ("ban reason", SG_R_UA_BLOCKED, b.reason);
	EXPECT_TRUE("ban for about 600 s",
		    b.expires_ns > now_ns() + 590 * NSEC &&
		    b.expires_ns <= now_ns() + 600 * NSEC);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("the banned source's innocent INVITE", &f, SG_R_BANNED);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("the banned source's OPTIONS", &f, SG_R_BANNED);
	sip_msg(&f, SCAN6, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("another source", &f, SG_R_INSPECTED);
}

static void test_l7_ban_time_zero_bans_nobody(void)
{
	struct pkt_frame f;
	struct sg_ban_val b;

	l7_config(SG_CFG_INSPECT, 0, scanner_uas);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("blocked UA without bans", &f, SG_R_UA_BLOCKED);
	EXPECT_TRUE("no ban", !banned_src(SCAN4, &b));
}

static void test_l7_expired_ban_lets_requests_through(void)
{
	struct sg_ban_val b = { .reason = SG_R_UA_BLOCKED };
	struct pkt_frame f;
	struct sg_addr a;

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	to_addr(SCAN4, &a);
	b.banned_ns = ago_ns(700);
	b.expires_ns = ago_ns(100);
	bpf_map_update_elem(MAPFD(sg_bans), &a, &b, BPF_ANY);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("after the ban ran out", &f, SG_R_INSPECTED);
}

static void test_l7_inspect_users(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_INSPECT | SG_CFG_USERS, 600, NULL);
	user_add("100");
	user_add("2001");
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("a configured user", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "2001", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("another configured user", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "1000", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_DROP("a user that only starts like one", &f, SG_R_UNKNOWN_USER);
	sip_msg(&f, SCAN4, "INVITE", "10", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_DROP("a prefix of a user", &f, SG_R_UNKNOWN_USER);
	sip_msg(&f, SCAN4, "INVITE", "999", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_DROP("an unknown user", &f, SG_R_UNKNOWN_USER);
	/* without the users flag any user may be called */
	l7_config(SG_CFG_INSPECT, 600, NULL);
	EXPECT_PASS("users not enforced", &f, SG_R_INSPECTED);
}

static void test_l7_inspect_from_checks(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_INSPECT, 600, NULL);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <sip:198.51.100.99>;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_DROP("From without a user", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <sip:@198.51.100.99>;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_DROP("From with an empty user", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <http://198.51.100.99>\r\n",
		GOOD_TO, NULL);
	EXPECT_DROP("From with no SIP URI", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", NULL, GOOD_TO, NULL);
	EXPECT_DROP("no From at all", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <tel:+4930123456>;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_PASS("a tel URI", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "100", "FROM  :  sips:alice@198.51.100.99;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_PASS("odd case, blanks before the colon, sips", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "100", "f:<sip:198.51.100.99>\r\n", GOOD_TO, NULL);
	EXPECT_DROP("compact f without a user", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "f: <sip:7@198.51.100.99>\r\n", GOOD_TO, NULL);
	EXPECT_PASS("compact f with a user", &f, SG_R_INSPECTED);
}

static void test_l7_inspect_to_tag_dropped(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_INSPECT, 600, NULL);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"To: <sip:100@192.0.2.10>;tag=abc\r\n", NULL);
	EXPECT_DROP("To with a tag", &f, SG_R_TO_TAG);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"t : <sip:100@192.0.2.10>;TAG=abc\r\n", NULL);
	EXPECT_DROP("compact t, blank before the colon, upper-case TAG", &f,
		    SG_R_TO_TAG);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"To: <sip:100@192.0.2.10;tag=inuri>\r\n", NULL);
	EXPECT_PASS("tag inside the URI is no To tag", &f, SG_R_INSPECTED);
}

static void test_l7_other_requests_blocked_ua_dropped_and_banned(void)
{
	struct pkt_frame f;
	struct sg_ban_val b;

	l7_config(0, 600, scanner_uas);		/* default drop policy */
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO,
		"user-AGENT  :\tSIPVicious 0.3.4\r\n");
	EXPECT_DROP("OPTIONS probe with a blocked UA (odd case, blanks)", &f,
		    SG_R_UA_BLOCKED);
	EXPECT_TRUE("source banned", banned_src(SCAN4, &b));
	sip_msg(&f, SCAN4, "REGISTER", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("the banned source's REGISTER", &f, SG_R_BANNED);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("its INVITE under drop: orphan first", &f, SG_R_ORPHAN);
	sip_msg(&f, SCAN6, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("an innocent OPTIONS", &f, SG_R_REQUEST);
	sip_msg(&f, SCAN6, "REGISTER", "100", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("a REGISTER without User-Agent", &f, SG_R_REQUEST);
}

static void test_l7_no_rules_requests_skip_lookups(void)
{
	struct pkt_frame f;

	l7_config(0, 600, NULL);
	allow_add("203.0.113.66/32");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_PASS("no deny list, no UA list: plain request", &f, SG_R_REQUEST);
}

static void test_l7_deny_list_drops_every_request(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	l7_config(SG_CFG_DENY | SG_CFG_INSPECT, 600, NULL);
	deny_add("203.0.113.0/24");
	deny_add("2001:db8:bad::/48");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("OPTIONS from a denied prefix", &f, SG_R_DENIED);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("INVITE under inspect from a denied prefix", &f, SG_R_DENIED);
	sip_msg(&f, SCAN6, "REGISTER", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("IPv6 REGISTER from a denied prefix", &f, SG_R_DENIED);
	in4(&d, SCAN4, 5060, 5060);
	response(&f, &d, "200 OK");
	EXPECT_PASS("a response from a denied prefix", &f, SG_R_RESPONSE);
	sip_msg(&f, PBX4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("outside the prefix", &f, SG_R_REQUEST);
}

static void test_l7_allowlist_beats_deny_list_and_ua(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_DENY | SG_CFG_INSPECT, 600, scanner_uas);
	deny_add("198.51.100.0/24");
	allow_add("198.51.100.20/32");
	sip_msg(&f, PBX4, "INVITE", "100", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("allowlisted PBX inside a denied prefix", &f, SG_R_ALLOWLIST);
	sip_msg(&f, PBX4, "OPTIONS", "100", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("its OPTIONS with a blocked UA", &f, SG_R_ALLOWLIST);
}

static void test_l7_established_beats_deny_list_and_ua(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_DENY | SG_CFG_INSPECT, 600, scanner_uas);
	deny_add("203.0.113.0/24");
	flow_learned(SCAN4, 5060, 5060, 1);
	sip_msg(&f, SCAN4, "INVITE", "100", NULL, "To: <sip:1@x>;tag=1\r\n", SCANNER_UA);
	EXPECT_PASS("INVITE on an established flow", &f, SG_R_ESTABLISHED);
}

static void test_l7_header_after_long_header_block(void)
{
	char extra[1400];
	struct pkt_frame f;
	int i;

	l7_config(0, 600, scanner_uas);
	extra[0] = 0;
	for (i = 0; i < 13; i++)
		strcat(extra, "X-Filler: 01234567890123456789012345678901234567890123456789012345678901234567890123\r\n");
	strcat(extra, SCANNER_UA);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, extra);
	EXPECT_TRUE("the User-Agent ends near the scan limit",
		    f.len - 42 > 1300 && f.len - 42 < SG_SCAN_MAX);
	EXPECT_DROP("User-Agent after 1300 bytes of headers", &f, SG_R_UA_BLOCKED);
}

static void test_l7_user_agent_across_scan_limit(void)
{
	char extra[2000];
	struct pkt_frame f;
	int head;

	l7_config(0, 600, scanner_uas);
	/* the pattern starts before byte 1400 of the message and ends after */
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, "");
	head = f.len - 42 - 20;		/* frame headers and the tail */
	snprintf(extra, sizeof(extra), "X-Pad: %0*d\r\nUser-Agent: %s\r\n",
		 SG_SCAN_MAX - head - 9 - 12 - 8, 0, "xx friendly-scanner");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, extra);
	EXPECT_PASS("pattern cut by the scan limit does not match", &f,
		    SG_R_REQUEST);
	snprintf(extra, sizeof(extra), "X-Pad: %0*d\r\nUser-Agent: %s\r\n",
		 SG_SCAN_MAX - head - 9 - 12 - 20, 0, "sipcli friendly-scanner");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, extra);
	EXPECT_DROP("pattern before the limit matches", &f, SG_R_UA_BLOCKED);
}

static void test_l7_without_layer7_program_requests_pass(void)
{
	int fd = bpf_map__fd(S->maps.sg_l7_prog);
	__u32 zero = 0;
	struct pkt_frame f;
	int l7 = bpf_program__fd(S->progs.sipguard_l7);

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	bpf_map_delete_elem(fd, &zero);
	sip_msg(&f, SCAN4, "INVITE", "999", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("inspect without sipguard_l7 fails open", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "OPTIONS", "100", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("UA list without sipguard_l7 fails open", &f, SG_R_REQUEST);
	bpf_map_update_elem(fd, &zero, &l7, BPF_ANY);
	sip_msg(&f, SCAN4, "OPTIONS", "100", NULL, NULL, SCANNER_UA);
	EXPECT_DROP("and with it back", &f, SG_R_UA_BLOCKED);
}

/* ---- drop events ---- */

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
		FAILF("ring_buffer__new: %s", strerror(errno));
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

static void test_events_orphan_invite_fields(void)
{
	struct sg_addr want;
	struct pkt_frame f;
	struct ev_sink s;

	events_reset(0, 100, 10);
	sip_msg(&f, SCAN4, "INVITE", "100",
		"From: \"sipvicious\"<sip:100@1.1.1.1>;tag=6637\r\n",
		"To: \"sipvicious\"<sip:100@1.1.1.1>\r\n", SCANNER_UA);
	EXPECT_DROP("scanner INVITE", &f, SG_R_ORPHAN);
	EXPECT_EQ("events", 1, events_drain(&s));
	to_addr(SCAN4, &want);
	EXPECT_TRUE("source address", !memcmp(&s.last.saddr, &want, sizeof(want)));
	to_addr(LOCAL4, &want);
	EXPECT_TRUE("destination address", !memcmp(&s.last.daddr, &want, sizeof(want)));
	EXPECT_EQ("source port", 5060, s.last.sport);
	EXPECT_EQ("destination port", 5060, s.last.dport);
	EXPECT_EQ("reason", SG_R_ORPHAN, s.last.reason);
	EXPECT_EQ("method", SG_M_INVITE, s.last.method);
	EXPECT_EQ("flags", SG_EV_HEADERS, s.last.flags);
	EXPECT_EQ("From user length", 3, s.last.from_user_len);
	EXPECT_TRUE("From user", !memcmp(s.last.from_user, "100", 3));
	EXPECT_EQ("User-Agent length", 16, s.last.ua_len);
	EXPECT_TRUE("User-Agent", !memcmp(s.last.ua, "friendly-scanner", 16));
	EXPECT_EQ("suppressed", 0, s.last.suppressed);
}

static void test_events_long_user_agent_cut(void)
{
	struct pkt_frame f;
	struct ev_sink s;

	events_reset(0, 100, 10);
	sip_msg(&f, SCAN6, "INVITE", "100", GOOD_FROM, NULL,
		"User-Agent: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n");
	EXPECT_DROP("IPv6 scanner INVITE", &f, SG_R_ORPHAN);
	EXPECT_EQ("events", 1, events_drain(&s));
	EXPECT_EQ("User-Agent cut to the event's field", SG_EV_UA_MAX, s.last.ua_len);
	EXPECT_EQ("From user", 3, s.last.from_user_len);
}

static void test_events_non_request_drop_has_no_headers(void)
{
	struct pkt_frame f;
	struct ev_sink s;
	struct pkt_desc d;

	events_reset(0, 100, 10);
	in4(&d, SCAN4, 5060, 5060);
	d.ip4_mf = 1;
	text(&f, &d, "INV");
	EXPECT_DROP("tiny first fragment", &f, SG_R_TINY_FRAG);
	EXPECT_EQ("events", 1, events_drain(&s));
	EXPECT_EQ("reason", SG_R_TINY_FRAG, s.last.reason);
	EXPECT_EQ("no method", SG_M_NONE, s.last.method);
	EXPECT_EQ("no header fields looked for", 0, s.last.flags);
}

static void test_events_flood_bounded_rest_suppressed(void)
{
	struct pkt_frame f;
	struct ev_sink s;
	int n, sent;

	events_reset(0, 1, 5);
	scan_invite4(&f);
	n = 2000;
	EXPECT_EQ("flood dropped", XDP_DROP, run_xdp_n(f.data, f.len, n));
	sent = events_drain(&s);
	EXPECT_TRUE("events at most the burst and a few more", sent >= 5 && sent <= 8);
	EXPECT_EQ("the rest suppressed", (__u64)(n - sent), events_suppressed());
	EXPECT_EQ("orphan drops counted", n, ctr(SG_R_ORPHAN, SG_V_DROP).packets);
}

static void test_events_off_when_rate_zero(void)
{
	struct pkt_frame f;
	struct ev_sink s;

	events_reset(0, 0, 5);
	scan_invite4(&f);
	EXPECT_DROP("scanner INVITE", &f, SG_R_ORPHAN);
	EXPECT_EQ("no events", 0, events_drain(&s));
}

static void test_events_monitor_flagged(void)
{
	struct pkt_frame f;
	struct ev_sink s;

	events_reset(SG_CFG_MONITOR, 100, 10);
	scan_invite4(&f);
	EXPECT_WOULD_DROP("monitor mode", &f, SG_R_ORPHAN);
	EXPECT_EQ("events", 1, events_drain(&s));
	EXPECT_TRUE("monitor flag", s.last.flags & SG_EV_MONITOR);
}


/* ---- the allowlist's bitmap filter ---- */

static void allow_bits(int valid, int v6_all, int v4_slash16, const char *v6)
{
	struct sg_allow_bits *b = calloc(1, sizeof(*b));
	struct sg_addr a;
	__u32 zero = 0, i;

	b->valid = valid;
	b->v6_all = v6_all;
	if (v4_slash16 >= 0)
		b->v4[v4_slash16 >> 6] |= 1ULL << (v4_slash16 & 63);
	if (v6) {
		to_addr(v6, &a);
		i = sg_v6_bucket((__u32)a.b[0] << 24 | (__u32)a.b[1] << 16 |
				 (__u32)a.b[2] << 8 | a.b[3]);
		b->v6[i >> 6] |= 1ULL << (i & 63);
	}
	if (bpf_map_update_elem(MAPFD(sg_allowbits), &zero, b, BPF_ANY))
		FAILF("allowbits: %s", strerror(errno));
	free(b);
}

static void test_allow_filter_not_written_asks_the_trie(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	allow_bits(0, 0, -1, NULL);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("filter not valid: the trie decides", &f, SG_R_ALLOWLIST);
}

static void test_allow_filter_set_bit_asks_the_trie(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	allow_add("2001:db8:5::/48");
	allow_bits(1, 0, 198 << 8 | 51, PBX6);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("IPv4 /16 bit set", &f, SG_R_ALLOWLIST);
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("IPv6 /32 bucket set", &f, SG_R_ALLOWLIST);
	/* same /16, but not in the trie */
	in4(&d, "198.51.100.21", 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("bit set, trie says no", &f, SG_R_ORPHAN);
}

static void test_allow_filter_clear_bit_skips_the_trie(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	/* a filter that (wrongly) leaves out the PBX shows it is consulted */
	allow_add("198.51.100.20/32");
	allow_add("2001:db8:5::/48");
	allow_bits(1, 0, 203 << 8 | 0, NULL);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("IPv4 /16 bit clear", &f, SG_R_ORPHAN);
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("IPv6 bucket clear", &f, SG_R_ORPHAN);
	allow_bits(1, 1, 203 << 8 | 0, NULL);
	EXPECT_PASS("v6_all: every IPv6 source asks the trie", &f, SG_R_ALLOWLIST);
}


/* ---- a full flow table ---- */

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
			FAILF("filling the flow table: %s at %d", strerror(errno), i);
			return;
		}
	}
}

static void test_learn_full_table_evicts_oldest_learned_flow(void)
{
	struct sg_flow_key oldest = { .remote_port = 5060, .local_port = 5060 };
	struct sg_flow_val v;
	struct pkt_frame f;
	struct pkt_desc d;

	flowstat_zero();
	flow_static_anyport(PBX6, 5060);		/* a hand-made flow: kept */
	fill_flows(SG_FLOWS_MAX - 1, 0);
	EXPECT_EQ("table full", SG_FLOWS_MAX, map_count(MAPFD(sg_flows)));
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	EXPECT_EQ("the new flow is there", 0, flow_get(PBX4, 5060, 5062, &v));
	to_addr("2001:db8:f::", &oldest.addr);
	EXPECT_TRUE("the oldest learned flow was evicted",
		    bpf_map_lookup_elem(MAPFD(sg_flows), &oldest, &v) != 0);
	EXPECT_EQ("the hand-made flow stays", 0, flow_get(PBX6, 0, 5060, &v));
	/* the new flow takes two entries (exact and wildcard): two evictions */
	EXPECT_EQ("evictions counted", 2, flowstat_sum().evicted);
	EXPECT_EQ("learned counted", 1, flowstat_sum().learned);
	EXPECT_EQ("table still full", SG_FLOWS_MAX, map_count(MAPFD(sg_flows)));
}

static void test_learn_table_full_of_static_flows_records_nothing(void)
{
	struct sg_flow_val v;
	struct pkt_frame f;
	struct pkt_desc d;

	flowstat_zero();
	fill_flows(SG_FLOWS_MAX, SG_FLOW_STATIC);
	out4(&d, PBX4, 5062, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	EXPECT_TRUE("no new flow", flow_get(PBX4, 5060, 5062, &v) != 0);
	EXPECT_EQ("not recorded, counted", 1, flowstat_sum().full);
	EXPECT_EQ("nothing evicted", 0, flowstat_sum().evicted);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	T(test_plain_v4_orphan_invite_dropped),
	T(test_vlan_orphan_invite_dropped),
	T(test_vlan_qinq_orphan_invite_dropped),
	T(test_vlan_qinq_request_passed),
	T(test_vlan_three_tags_passed_non_ip),
	T(test_pppoe_v4_orphan_invite_dropped),
	T(test_pppoe_v6_orphan_invite_dropped),
	T(test_vlan_pppoe_orphan_invite_dropped),
	T(test_pppoe_discovery_passed_non_ip),
	T(test_pppoe_lcp_passed_non_ip),
	T(test_pppoe_bad_version_passed_malformed),
	T(test_ipv4_options_orphan_invite_dropped),
	T(test_ipv4_options_request_passed),
	T(test_ipv6_orphan_invite_dropped),
	T(test_ipv6_hbh_orphan_invite_dropped),
	T(test_ipv6_routing_orphan_invite_dropped),
	T(test_ipv6_dstopts_orphan_invite_dropped),
	T(test_ipv6_ah_orphan_invite_dropped),
	T(test_ipv6_ext_chain_at_limit_orphan_invite_dropped),
	T(test_ipv6_ext_chain_too_long_dropped),
	T(test_ipv6_ext_chain_too_long_allowlisted_passed),
	T(test_ipv6_atomic_fragment_orphan_invite_dropped),
	T(test_arp_passed_non_ip),
	T(test_tcp_invite_passed_non_udp),
	T(test_icmpv6_passed_non_udp),
	T(test_rtp_passed_not_sip),
	T(test_dns_passed_not_sip),
	T(test_zero_ping_passed_not_sip),
	T(test_empty_udp_passed_not_sip),
	T(test_invite_later_in_payload_passed),
	T(test_keepalive_crlfcrlf_passed),
	T(test_keepalive_crlf_pong_passed),
	T(test_keepalive_eth_padded_counted_keepalive),
	T(test_stun_passed),
	T(test_sip_response_passed),
	T(test_sip_request_non_invite_passed),
	T(test_orphan_invite_lowercase_dropped),
	T(test_orphan_invite_tab_after_method_dropped),
	T(test_orphan_invite_leading_crlf_dropped),
	T(test_orphan_invite_random_ports_dropped),
	T(test_crlf_padding_dropped),
	T(test_crlf_padding_allowlisted_passed),
	T(test_allowlisted_v4_host_passed),
	T(test_allowlisted_v4_prefix_passed),
	T(test_allowlisted_v6_prefix_passed),
	T(test_allowlist_families_separate),
	T(test_established_static_anyport_flow_passed),
	T(test_established_static_flow_v6_passed),
	T(test_established_static_flow_never_expires),
	T(test_established_learned_fresh_flow_passed),
	T(test_established_learned_expired_flow_dropped),
	T(test_established_config_flow_timeout),
	T(test_established_match_port_off_other_port_passed),
	T(test_established_match_port_on_other_port_dropped),
	T(test_established_match_port_on_anyport_flow_passed),
	T(test_established_match_port_on_shadow_only_dropped),
	T(test_established_match_port_on_expired_dropped),
	T(test_allowlist_checked_before_flows),
	T(test_malformed_ipv4_header_passed),
	T(test_malformed_ipv6_header_passed),
	T(test_ipv4_fragmented_orphan_invite_all_dropped),
	T(test_ipv6_fragmented_orphan_invite_all_dropped),
	T(test_ipv6_fragmented_after_ext_headers_all_dropped),
	T(test_fragment_verdict_keyed_by_datagram),
	T(test_ipv4_fragmented_allowlisted_invite_all_passed_any_order),
	T(test_ipv6_fragmented_allowlisted_invite_all_passed_any_order),
	T(test_ipv4_fragmented_established_invite_all_passed),
	T(test_later_fragment_unknown_datagram_passed),
	T(test_fragmented_non_invite_all_passed),
	T(test_first_fragment_short_not_invite_passed),
	T(test_fragmented_tcp_passed_non_udp),
	T(test_ipv4_tiny_fragment_bare_udp_then_offset1_dropped),
	T(test_ipv6_tiny_fragment_bare_udp_then_offset1_dropped),
	T(test_ipv4_tiny_fragment_inv_dropped),
	T(test_ipv6_tiny_fragment_inv_dropped),
	T(test_tiny_fragment_rest_of_datagram_dropped),
	T(test_tiny_fragment_allowlisted_passed),
	T(test_tiny_fragment_established_first_passed),
	T(test_ipv4_tiny_fragment_eth_padded_dropped),
	T(test_ipv6_fragmented_dstopts_after_frag_all_dropped),
	T(test_fragment_record_not_applied_to_passed_datagram),
	T(test_l3_device_filters_from_the_ip_header),
	T(test_l3_device_learns_and_lets_the_pbx_in),
	T(test_ethernet_build_passes_a_bare_ip_packet),
	T(test_monitor_rodata_would_drop_counted_as_pass),
	T(test_monitor_config_would_drop_counted_as_pass),
	T(test_monitor_config_off_drops_again),
	T(test_counters_sum_packets_and_bytes),
	T(test_counters_every_reason_reached),
	T(test_learn_opening_requests_create_flow),
	T(test_learn_ipv6_register_creates_flow),
	T(test_learn_vlan_pppoe_register_creates_flow),
	T(test_learn_other_messages_create_no_flow),
	T(test_learn_answer_to_scanner_opens_nothing),
	T(test_learn_response_and_notify_refresh_flow),
	T(test_learn_refresh_keeps_static_wildcard),
	T(test_learn_notify_without_flow_adds_nothing),
	T(test_learn_then_inbound_invite_established),
	T(test_learn_then_inbound_invite_match_port),
	T(test_truncation_sweep_xdp),
	T(test_truncation_sweep_tc),
	T(test_l7_inspect_clean_invite_passed),
	T(test_l7_drop_policy_drops_before_any_header_check),
	T(test_l7_inspect_blocked_ua_dropped_and_banned),
	T(test_l7_ban_time_zero_bans_nobody),
	T(test_l7_expired_ban_lets_requests_through),
	T(test_l7_inspect_users),
	T(test_l7_inspect_from_checks),
	T(test_l7_inspect_to_tag_dropped),
	T(test_l7_other_requests_blocked_ua_dropped_and_banned),
	T(test_l7_no_rules_requests_skip_lookups),
	T(test_l7_deny_list_drops_every_request),
	T(test_l7_allowlist_beats_deny_list_and_ua),
	T(test_l7_established_beats_deny_list_and_ua),
	T(test_l7_header_after_long_header_block),
	T(test_l7_user_agent_across_scan_limit),
	T(test_l7_without_layer7_program_requests_pass),
	T(test_events_orphan_invite_fields),
	T(test_events_long_user_agent_cut),
	T(test_events_non_request_drop_has_no_headers),
	T(test_events_flood_bounded_rest_suppressed),
	T(test_events_off_when_rate_zero),
	T(test_events_monitor_flagged),
	T(test_allow_filter_not_written_asks_the_trie),
	T(test_allow_filter_set_bit_asks_the_trie),
	T(test_allow_filter_clear_bit_skips_the_trie),
	T(test_learn_full_table_evicts_oldest_learned_flow),
	T(test_learn_table_full_of_static_flows_records_nothing),
};

/* What attach does: sipguard_l7 into the instance's tail-call slot. */
static int install_l7(struct sipguard_bpf *o)
{
	int fd = bpf_program__fd(o->progs.sipguard_l7);
	__u32 zero = 0;

	if (bpf_map_update_elem(bpf_map__fd(o->maps.sg_l7_prog), &zero, &fd, BPF_ANY)) {
		fprintf(stderr, "cannot install sipguard_l7: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The programs loaded with per-interface flags in .rodata, or NULL. */
static struct sipguard_bpf *open_flagged(__u32 flags)
{
	struct sipguard_bpf *o = sipguard_bpf__open();

	if (!o)
		return NULL;
	o->rodata->sg_if_flags = flags;
	if (sipguard_bpf__load(o)) {
		sipguard_bpf__destroy(o);
		return NULL;
	}
	return o;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	if (level != LIBBPF_WARN || getenv("SG_TEST_QUIET"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int i, pass = 0, fail = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(quiet_print);
	ncpus = libbpf_num_possible_cpus();
	skel = sipguard_bpf__open_and_load();
	skel_mon = open_flagged(SG_IF_MONITOR);
	skel_l3 = open_flagged(SG_IF_L3);
	if (ncpus > 0 && skel && skel_mon && skel_l3 &&
	    (install_l7(skel) || install_l7(skel_mon) || install_l7(skel_l3))) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	if (ncpus <= 0 || !skel || !skel_mon || !skel_l3) {
		fprintf(stderr, "cannot load the BPF object (%s): run as root\n",
			strerror(errno));
		printf("0 passed, 1 failed\n");
		return 1;
	}

	for (i = 0; i < (int)(sizeof(tests) / sizeof(tests[0])); i++) {
		if (only && !strstr(tests[i].name, only))
			continue;
		cur_test = tests[i].name;
		cur_failed = 0;
		cur_checks = 0;
		S = skel;
		reset_state();
		tests[i].fn();
		if (!cur_checks)
			FAILF("made no check");
		fflush(stderr);
		printf("%s %s\n", cur_failed ? "FAIL" : "ok  ", cur_test);
		if (cur_failed)
			fail++;
		else
			pass++;
	}
	sipguard_bpf__destroy(skel_l3);
	sipguard_bpf__destroy(skel_mon);
	sipguard_bpf__destroy(skel);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
