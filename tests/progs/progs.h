/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the BPF_PROG_TEST_RUN tests (build/tests/test_xdp) share: the loaded
 * programs and their maps (env.c), running a frame and checking action and
 * counters (env.c), the frames of the tests and the table of packet cases
 * (frames.c).  One file per area of the programs holds the tests.
 *
 * Every test and subtest starts from empty maps, zero counters, the default
 * config and the normal build of the programs (harness_reset() in env.c).
 *
 * The addresses: this host's WAN address 192.0.2.10 / 2001:db8:1::10, a
 * scanner 203.0.113.66 / 2001:db8:bad::66, a PBX 198.51.100.20 /
 * 2001:db8:5::20.
 */
#ifndef SG_TESTS_PROGS_H
#define SG_TESTS_PROGS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"	/* before the uapi headers: glibc's netinet/in.h first */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipguard.h"
#include "allowfilter.h"
#include "clock.h"
#include "sipguard.skel.h"
#include "harness.h"

#define LOCAL4	"192.0.2.10"
#define SCAN4	"203.0.113.66"
#define PBX4	"198.51.100.20"
#define LOCAL6	"2001:db8:1::10"
#define SCAN6	"2001:db8:bad::66"
#define PBX6	"2001:db8:5::20"

#define NSEC	1000000000ULL

/*
 * First thing in a test of what the layer-7 program does: a build without
 * it (make NO_L7=1) skips the test, saying so.
 */
#ifdef SG_NO_L7
#define NEED_L7()							\
	do {								\
		harness_skip("built without the layer-7 program (NO_L7)"); \
		return;							\
	} while (0)
#else
#define NEED_L7() do { } while (0)
#endif

/*
 * The programs stamp flows with the coarse monotonic clock, which lags
 * CLOCK_MONOTONIC by up to a tick: "now" in a check allows for that.
 */
#define CLOCK_SLACK_NS	(20 * 1000 * 1000ULL)

/* ---- env.c: the programs, their maps, running them ---- */

extern struct sipguard_bpf *skel;	/* normal */
extern struct sipguard_bpf *skel_mon;	/* loaded with SG_IF_MONITOR */
extern struct sipguard_bpf *skel_l3;	/* loaded with SG_IF_L3 */
extern struct sipguard_bpf *S;		/* the one the current test uses */
extern int ncpus;

#define MAPFD(name) bpf_map__fd(S->maps.name)

const char *rname(int reason);
const char *xdp_name(int action);
uint64_t now_ns(void);
uint64_t ago_ns(uint64_t s);
void zero_counters(void);
void set_config(__u32 flags, __u32 timeout_s);
extern struct sg_config clock_cal;	/* clock_mult, clock_base: set_config() writes them */
extern unsigned int clock_hz;		/* 0: not measured, the programs use the helper */
__u32 flows_now(void);			/* the programs' seconds, by the config */
void reset_state(void);
struct sg_flow_bits *flowbits_map(void);
struct sg_counter ctr(int reason, int verdict);
int map_count(int fd);
int to_addr(const char *s, struct sg_addr *a);
void allow_add(const char *cidr);
void deny_add(const char *cidr);
void flow_static(const char *addr, __u16 rport, __u16 lport);
void flow_static_anyport(const char *addr, __u16 lport);
void flow_put_slot(const char *addr, __u16 rport, __u16 lport, __u32 flags,
		   __u32 lifetime_s, __u64 age_s);
void flow_learned(const char *addr, __u16 rport, __u16 lport, __u64 age_s);
int flow_get(const char *addr, __u16 rport, __u16 lport,
	     struct sg_flow_slot *v);
int flows_count(void);
int flows_del_pair(const char *addr, __u16 lport);

int run_xdp_n(const void *data, int len, int repeat);
int run_xdp(const void *data, int len);
#define TC_RUN_FAILED	(-100)	/* run_tc*(): not a TC verdict */
int run_tc_cut(const void *data, int len, int min_len);
int run_tc(const void *data, int len);

/*
 * Run a frame once from zero counters: the action must be act, and the
 * counters must show exactly one packet of len bytes under reason/verdict.
 */
void expect_at(const char *file, int line, const char *what, const void *data,
	       int len, int act, int reason, int verdict);

#define EXPECT_PASS(what, f, reason)					\
	expect_at(__FILE__, __LINE__, what, (f)->data, (f)->len, XDP_PASS, \
		  reason, SG_V_PASS)
#define EXPECT_DROP(what, f, reason)					\
	expect_at(__FILE__, __LINE__, what, (f)->data, (f)->len, XDP_DROP, \
		  reason, SG_V_DROP)
/* monitor mode: a drop reason, counted with verdict pass */
#define EXPECT_WOULD_DROP(what, f, reason)				\
	expect_at(__FILE__, __LINE__, what, (f)->data, (f)->len, XDP_PASS, \
		  reason, SG_V_PASS)

/* ---- frames.c: frames ---- */

/* Inbound from src to this host; outbound from this host to dst. */
void in4(struct pkt_desc *d, const char *src, __u16 sport, __u16 dport);
void in6(struct pkt_desc *d, const char *src, __u16 sport, __u16 dport);
void out4(struct pkt_desc *d, const char *dst, __u16 sport, __u16 dport);
void out6(struct pkt_desc *d, const char *dst, __u16 sport, __u16 dport);
void frag_desc4(struct pkt_desc *d, const char *src, __u32 id);
void frag_desc6(struct pkt_desc *d, const char *src, __u32 id);

void build(struct pkt_frame *f, const struct pkt_desc *d, const void *payload,
	   size_t n);
void text(struct pkt_frame *f, const struct pkt_desc *d, const char *s);
void request(struct pkt_frame *f, const struct pkt_desc *d, const char *method);
void response(struct pkt_frame *f, const struct pkt_desc *d,
	      const char *status);
void scan_invite4(struct pkt_frame *f);
void scan_invite6(struct pkt_frame *f);
void ext_invite(struct pkt_frame *f, const uint8_t *types, int n);
int big_invite(char *buf, size_t cap);
int fragment(const struct pkt_desc *d, const int *sizes, int n,
	     struct pkt_frame *out);
void strip_l2(struct pkt_frame *f, const struct pkt_desc *d);
void sip_msg(struct pkt_frame *f, const char *src, const char *method,
	     const char *ruri_user, const char *from, const char *to,
	     const char *extra);

/* Header lines for sip_msg(). */
#define GOOD_FROM	"From: \"Bob\" <sip:200@198.51.100.99>;tag=42\r\n"
#define GOOD_TO		"To: <sip:100@192.0.2.10>\r\n"
#define SCANNER_UA	"User-Agent: friendly-scanner\r\n"
#define PHONE_UA	"User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"

/* Three fragments of a big INVITE: 600 bytes, 600 bytes, the rest. */
extern const int sizes3[3];

/* ---- frames.c: packet cases ---- */

/* What a case's frame carries after its headers. */
enum case_payload {
	CP_REQUEST,	/* a SIP request: method */
	CP_RESPONSE,	/* a SIP response: status */
	CP_TEXT,	/* the bytes of text */
	CP_BYTES,	/* n bytes of bytes */
	CP_STUN,	/* a STUN binding request */
	CP_RTP,		/* 160 bytes of RTP */
	CP_DNS,		/* a DNS query */
	CP_TCP_SIP,	/* a TCP header, then an INVITE */
	CP_CRLF_INVITE,	/* n bytes of fill (CRLF pairs, or one byte) */
	CP_SHAPED,	/* a request: text, method, status (the bytes that
			   take the place of the SP after it), the rest */
};

#define CASE_EXT_MAX	8

/*
 * A frame in a few words: inbound to this host from src (a scanner's
 * IPv4 address when NULL), ports 5060 unless given, the layers around it
 * and what it carries.
 */
struct frame_case {
	const char *src;
	__u16 sport, dport;
	__u8 nvlan;
	__u16 tpid0;		/* tag protocol of the outer tag; 0: default */
	__u16 vlan_id[2];
	__u8 pppoe;
	__u16 pppoe_sid;
	__u16 ppp_proto;
	__u16 ethertype;	/* with no_ip: what follows layer 2 */
	__u8 no_ip;
	__u8 proto;		/* 0: UDP */
	__u8 ip4_optlen;
	__u8 n_ext;		/* IPv6 extension headers, in order */
	__u8 ext[CASE_EXT_MAX];
	__u8 eth_pad;		/* pad to the Ethernet minimum as the wire does */
	enum case_payload payload;
	const char *method;	/* CP_REQUEST */
	const char *status;	/* CP_RESPONSE; CP_SHAPED: after the method */
	const char *text;	/* CP_TEXT; CP_SHAPED: before the method */
	const void *bytes;	/* CP_BYTES */
	int n;			/* CP_BYTES, CP_CRLF_INVITE */
	char fill;		/* CP_CRLF_INVITE: 0 for CR LF pairs */
};

/*
 * One packet case: before the frame, up to two allowlist prefixes and a
 * setup function; then the action and the counter the frame must give.
 */
struct pkt_case {
	const char *name;
	const char *allow[2];
	void (*setup)(void);
	struct frame_case frame;
	int act;
	int reason;
};

#define PASS(r)		.act = XDP_PASS, .reason = (r)
#define DROP(r)		.act = XDP_DROP, .reason = (r)
#define REQ(m)		.payload = CP_REQUEST, .method = (m)
#define INVITE		REQ("INVITE")
/* An INVITE with PRE before the method and POST instead of the SP after */
#define SHAPED(pre, post)	.payload = CP_SHAPED, .method = "INVITE",	\
				.text = (pre), .status = (post)

/* Build the frame of a case into f; false when it could not be built. */
bool frame_case_build(struct pkt_frame *f, const struct frame_case *c);

/* Each case as a subtest named after it; failures name the caller's line. */
void run_cases_at(const char *file, int line, const struct pkt_case *cases,
		  int n);

#define RUN_CASES(table)						\
	run_cases_at(__FILE__, __LINE__, table,				\
		     (int)(sizeof(table) / sizeof(table[0])))

#endif /* SG_TESTS_PROGS_H */
