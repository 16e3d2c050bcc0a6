// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the parsing helpers (bpf/parsing.h) and the SIP classifier
 * (bpf/sip.h): the very headers the BPF programs are built from, compiled
 * here with ASan and UBSan.
 *
 * Every input is copied into a malloc'd buffer that ends exactly where the
 * input ends, so a read one byte past the end is an ASan report, not luck.
 * Frames start 2 bytes into their buffer, as the kernel places them
 * (NET_IP_ALIGN), so the IP header is 4-byte aligned as UBSan wants.
 *
 * One line per test, then "N passed, M failed" as the last line; the exit
 * status is non-zero when a test failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"	/* before the uapi headers: glibc's netinet/in.h first */
#include "parsing.h"
#include "sip.h"

/* ---- harness ---- */

static const char *cur_test;
static int cur_failed, cur_checks;

#define FAILF(fmt, ...)							\
	do {								\
		fprintf(stderr, "    %s:%d: %s: " fmt "\n", __FILE__,	\
			__LINE__, cur_test, ##__VA_ARGS__);		\
		cur_failed = 1;						\
	} while (0)

/* Compare two integers; what says which value, in the failure message. */
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

static const char *kind_name(int k)
{
	static const char *n[] = { "none", "keepalive", "stun", "response",
				   "request", "crlf_padding" };

	return k >= 0 && k < (int)(sizeof(n) / sizeof(n[0])) ? n[k] : "?";
}

static const char *l4_name(int r)
{
	static const char *n[] = { "udp", "frag_later", "non_ip", "non_udp",
				   "malformed", "ext_chain" };

	return r >= 0 && r < (int)(sizeof(n) / sizeof(n[0])) ? n[r] : "?";
}

/* ---- classify_sip() on exactly-sized copies ---- */

static struct sg_sip cls(const void *s, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);
	struct sg_sip r;

	if (!b)
		abort();
	memcpy(b, s, n);
	r = classify_sip(b, b + n);
	free(b);
	return r;
}

#define CLS(lit) cls(lit, sizeof(lit) - 1)

static void expect_sip_at(int line, const char *input, struct sg_sip r,
			  int kind, int method, int truncated)
{
	cur_checks++;
	if (r.kind != kind || r.method != method || r.truncated != truncated) {
		fprintf(stderr, "    %s:%d: %s: classify(\"%.40s\"): expected "
			"%s/method %d/truncated %d, got %s/method %d/"
			"truncated %d\n", __FILE__, line, cur_test, input,
			kind_name(kind), method, truncated, kind_name(r.kind),
			r.method, r.truncated);
		cur_failed = 1;
	}
}

#define EXPECT_SIP(lit, kind, method, trunc)				\
	expect_sip_at(__LINE__, lit, CLS(lit), kind, method, trunc)

static const struct {
	const char *name;
	int method;
} methods[] = {
	{ "INVITE", SG_M_INVITE },	{ "ACK", SG_M_ACK },
	{ "BYE", SG_M_BYE },		{ "CANCEL", SG_M_CANCEL },
	{ "REGISTER", SG_M_REGISTER },	{ "OPTIONS", SG_M_OPTIONS },
	{ "SUBSCRIBE", SG_M_SUBSCRIBE },{ "NOTIFY", SG_M_NOTIFY },
	{ "PUBLISH", SG_M_PUBLISH },	{ "MESSAGE", SG_M_MESSAGE },
	{ "INFO", SG_M_INFO },		{ "PRACK", SG_M_PRACK },
	{ "UPDATE", SG_M_UPDATE },	{ "REFER", SG_M_REFER },
};
#define N_METHODS ((int)(sizeof(methods) / sizeof(methods[0])))

static void test_classify_every_method(void)
{
	char buf[128];
	int i, n;

	for (i = 0; i < N_METHODS; i++) {
		n = snprintf(buf, sizeof(buf), "%s sip:100@192.0.2.10 SIP/2.0\r\n",
			     methods[i].name);
		expect_sip_at(__LINE__, buf, cls(buf, n), SG_SIP_REQUEST,
			      methods[i].method, 0);
	}
}

/* Lower case and every mixed case of each method are still the method. */
static void test_classify_methods_case_insensitive(void)
{
	char buf[128];
	int i, j, n, len, mask;

	for (i = 0; i < N_METHODS; i++) {
		len = strlen(methods[i].name);
		for (mask = 0; mask < 1 << len; mask += 1 + (len > 6) * 7) {
			for (j = 0; j < len; j++)
				buf[j] = (mask >> j & 1) ?
					 methods[i].name[j] | 0x20 :
					 methods[i].name[j];
			n = len + snprintf(buf + len, sizeof(buf) - len,
					   " sip:100@192.0.2.10 SIP/2.0\r\n");
			expect_sip_at(__LINE__, buf, cls(buf, n),
				      SG_SIP_REQUEST, methods[i].method, 0);
		}
	}
	EXPECT_SIP("invite sip:x SIP/2.0", SG_SIP_REQUEST, SG_M_INVITE, 0);
	EXPECT_SIP("InViTe sip:x SIP/2.0", SG_SIP_REQUEST, SG_M_INVITE, 0);
}

static void test_classify_tab_after_method(void)
{
	EXPECT_SIP("INVITE\tsip:100@192.0.2.10 SIP/2.0", SG_SIP_REQUEST,
		   SG_M_INVITE, 0);
	EXPECT_SIP("OPTIONS\tsip:100@192.0.2.10 SIP/2.0", SG_SIP_REQUEST,
		   SG_M_OPTIONS, 0);
}

/* A method name must be followed by SP or HTAB. */
static void test_classify_method_needs_blank(void)
{
	EXPECT_SIP("INVITEsip:100@192.0.2.10", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITES sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITE\r\n", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("REGISTERED sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INFORMATION x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP(" INVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("FOO sip:x SIP/2.0", SG_SIP_NONE, 0, 0);
}

/* Only the start line counts: INVITE further in makes no request. */
static void test_classify_invite_later_is_not_request(void)
{
	EXPECT_SIP("hello INVITE sip:100@192.0.2.10 SIP/2.0", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("XINVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("OPTIONS sip:x SIP/2.0\r\nSubject: INVITE\r\n",
		   SG_SIP_REQUEST, SG_M_OPTIONS, 0);
	EXPECT_SIP("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n", SG_SIP_RESPONSE, 0, 0);
}

/* Bytes that become 'i' when or-ed with 0x20 are only 'I' and 'i'. */
static void test_classify_no_false_case_fold(void)
{
	EXPECT_SIP("\xc9NVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\x89NVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("I\xceVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITE\x00sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP\x0f" "2.0 200 OK", SG_SIP_NONE, 0, 0);
}

static void test_classify_response(void)
{
	EXPECT_SIP("SIP/2.0 200 OK\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("SIP/2.0 180 Ringing\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("sip/2.0 404 Not Found\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("\r\nSIP/2.0 100 Trying\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("SIP/2.0 ", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("SIP/2.0", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP/2.1 200 OK", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP/2.0\t200 OK", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("HTTP/1.1 200 OK", SG_SIP_NONE, 0, 0);
}

static void test_classify_keepalive(void)
{
	EXPECT_SIP("\r\n\r\n", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\r\n", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\n", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\r", SG_SIP_KEEPALIVE, 0, 1);
}

static void test_classify_stun(void)
{
	uint8_t s[32];
	int n = pkt_stun_binding(s, sizeof(s)), i;

	expect_sip_at(__LINE__, "stun", cls(s, n), SG_SIP_STUN, 0, 0);
	expect_sip_at(__LINE__, "stun+attr", cls(s, 28), SG_SIP_STUN, 0, 0);
	/* 19 bytes are no STUN header */
	expect_sip_at(__LINE__, "stun19", cls(s, 19), SG_SIP_NONE, 0, 0);
	for (i = 4; i < 8; i++) {
		s[i] ^= 1;
		expect_sip_at(__LINE__, "bad magic", cls(s, n), SG_SIP_NONE, 0, 0);
		s[i] ^= 1;
	}
	s[0] = 0x41;	/* first two bits must be 0 */
	expect_sip_at(__LINE__, "0x41", cls(s, n), SG_SIP_NONE, 0, 0);
}

static void test_classify_not_sip(void)
{
	uint8_t b[256];
	int n;

	EXPECT_SIP("\0\0\0\0", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("", SG_SIP_NONE, 0, 0);
	n = pkt_rtp(b, sizeof(b), 160);
	expect_sip_at(__LINE__, "rtp", cls(b, n), SG_SIP_NONE, 0, 0);
	n = pkt_dns_query(b, sizeof(b));
	expect_sip_at(__LINE__, "dns", cls(b, n), SG_SIP_NONE, 0, 0);
	EXPECT_SIP("GET / HTTP/1.1\r\n", SG_SIP_NONE, 0, 0);
}

/* Up to SG_CRLF_SKIP_MAX CR/LF bytes are skipped; start says where. */
static void test_classify_crlf_skip_up_to_max(void)
{
	char buf[128];
	struct sg_sip r;
	int k, n;

	for (k = 1; k <= SG_CRLF_SKIP_MAX; k++) {
		memset(buf, '\r', k);
		for (n = 1; n < k; n += 2)
			buf[n] = '\n';
		n = k + snprintf(buf + k, sizeof(buf) - k, "INVITE sip:x SIP/2.0");
		r = cls(buf, n);
		expect_sip_at(__LINE__, buf, r, SG_SIP_REQUEST, SG_M_INVITE, 0);
		EXPECT_EQ("start after CRLFs", k, r.start);
	}
	EXPECT_EQ("start without CRLF", 0, CLS("INVITE sip:x").start);
}

static void test_classify_crlf_padding_beyond_max(void)
{
	char buf[128];
	int k, n;

	for (k = SG_CRLF_SKIP_MAX + 1; k <= SG_CRLF_SKIP_MAX + 8; k++) {
		memset(buf, '\n', k);
		n = k + snprintf(buf + k, sizeof(buf) - k, "INVITE sip:x SIP/2.0");
		expect_sip_at(__LINE__, "CRLF*k INVITE", cls(buf, n),
			      SG_SIP_CRLF_PADDING, 0, 0);
		n = k + snprintf(buf + k, sizeof(buf) - k, "SIP/2.0 200 OK");
		expect_sip_at(__LINE__, "CRLF*k response", cls(buf, n),
			      SG_SIP_CRLF_PADDING, 0, 0);
	}
}

/*
 * truncated: the data ended while it could still have been "INVITE ".
 * Every prefix of "INVITE " (any case, after CR/LFs too) and CR/LF alone
 * are truncated; anything that already differs is not.
 */
static void test_classify_truncated_flag(void)
{
	static const char *full[] = { "INVITE ", "invite\t", "\r\n\r\nINVITE " };
	struct sg_sip r;
	size_t i, n, start;

	for (i = 0; i < 3; i++) {
		start = strspn(full[i], "\r\n");
		for (n = start + 1; n < strlen(full[i]); n++) {
			r = cls(full[i], n);
			expect_sip_at(__LINE__, full[i], r, SG_SIP_NONE, 0, 1);
		}
		r = cls(full[i], strlen(full[i]));
		expect_sip_at(__LINE__, full[i], r, SG_SIP_REQUEST,
			      SG_M_INVITE, 0);
	}
	EXPECT_SIP("INX", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITX", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("OPTI", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("REGISTER", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP/2.", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\r\n\r\nSIP", SG_SIP_NONE, 0, 0);
	/* complete words are never "truncated", whatever their length */
	EXPECT_SIP("INVITE sip:", SG_SIP_REQUEST, SG_M_INVITE, 0);
	EXPECT_SIP("\0\0\0\0", SG_SIP_NONE, 0, 0);
}

/* Every prefix of real messages: no read past the end (ASan). */
static void test_classify_every_prefix_in_bounds(void)
{
	char msg[2048];
	struct sg_sip r;
	int n, i, k;
	const char *m[] = { "INVITE", "OPTIONS", "REGISTER" };

	for (k = 0; k < 3; k++) {
		n = pkt_sip_request(msg, sizeof(msg), m[k], "192.0.2.10", 100);
		for (i = 0; i <= n; i++) {
			r = cls(msg, i);
			if (i >= (int)strlen(m[k]) + 1)
				EXPECT_EQ("request kind", SG_SIP_REQUEST, r.kind);
		}
	}
	n = pkt_sip_response(msg, sizeof(msg), "200 OK", "REGISTER");
	for (i = 0; i <= n; i++) {
		r = cls(msg, i);
		EXPECT_EQ("response kind", i >= 8 ? SG_SIP_RESPONSE :
			  SG_SIP_NONE, r.kind);
	}
}

static void test_method_opens_flow(void)
{
	int i, opens;

	for (i = 0; i < N_METHODS; i++) {
		opens = methods[i].method == SG_M_REGISTER ||
			methods[i].method == SG_M_INVITE ||
			methods[i].method == SG_M_SUBSCRIBE ||
			methods[i].method == SG_M_OPTIONS ||
			methods[i].method == SG_M_PUBLISH ||
			methods[i].method == SG_M_MESSAGE;
		EXPECT_EQ(methods[i].name, opens,
			  sg_method_opens_flow(methods[i].method));
	}
}

/* ---- parse_packet() ---- */

struct parsed {
	enum sg_l4 l4;
	struct sg_pkt pkt;	/* pointers cleared: they pointed into a copy */
	long l3_off;		/* -1 when not set */
	long payload_off;
	struct sg_addr saddr, daddr;
	struct sg_sip sip;	/* of the payload, for SG_L4_UDP */
};

static struct parsed parse_link(const void *frame, size_t n, int l3)
{
	uint8_t *b, *data;
	struct parsed r;

	memset(&r, 0, sizeof(r));
	if ((long)n < 0) {	/* the builder refused the description */
		FAILF("frame not built");
		r.l4 = -1;
		return r;
	}
	b = malloc(n + 2);
	if (!b)
		abort();
	data = b + 2;
	memcpy(data, frame, n);
	r.l4 = parse_packet(data, data + n, &r.pkt, l3);
	r.l3_off = r.pkt.l3 ? (uint8_t *)r.pkt.l3 - data : -1;
	r.payload_off = -1;
	if (r.pkt.l3) {
		pkt_saddr(&r.pkt, &r.saddr);
		pkt_daddr(&r.pkt, &r.daddr);
	}
	if (r.l4 == SG_L4_UDP) {
		r.payload_off = (uint8_t *)r.pkt.payload - data;
		r.sip = classify_sip(r.pkt.payload, data + n);
	}
	free(b);
	r.pkt.l3 = NULL;
	r.pkt.ip4 = NULL;
	r.pkt.ip6 = NULL;
	r.pkt.payload = NULL;
	return r;
}

/* A frame from an Ethernet-type device. */
static struct parsed parse(const void *frame, size_t n)
{
	return parse_link(frame, n, 0);
}

static void expect_l4_at(int line, const char *what, int exp, int act)
{
	cur_checks++;
	if (exp != act) {
		fprintf(stderr, "    %s:%d: %s: %s: expected %s, got %s\n",
			__FILE__, line, cur_test, what, l4_name(exp),
			l4_name(act));
		cur_failed = 1;
	}
}

#define EXPECT_L4(what, exp, act) expect_l4_at(__LINE__, what, exp, act)

static int mkframe(struct pkt_desc *d, const char *method, uint8_t *buf)
{
	char sip[2048];
	int n;

	n = pkt_sip_request(sip, sizeof(sip), method, "192.0.2.10", 0);
	return pkt_build(d, sip, n, buf, PKT_FRAME_MAX);
}

static void v4(struct pkt_desc *d)
{
	pkt_desc_init(d, "203.0.113.66", "192.0.2.10", 5070, 5060);
}

static void v6(struct pkt_desc *d)
{
	pkt_desc_init(d, "2001:db8:bad::66", "2001:db8:1::10", 5070, 5060);
}

/* A frame parses to UDP with the ports and offsets its builder says. */
static void expect_udp_frame(int line, const char *what, struct pkt_desc *d)
{
	uint8_t f[PKT_FRAME_MAX];
	struct parsed p;
	int n = mkframe(d, "INVITE", f);

	p = parse(f, n);
	expect_l4_at(line, what, SG_L4_UDP, p.l4);
	EXPECT_EQ("l3 offset", pkt_l3_off(d), p.l3_off);
	EXPECT_EQ("payload offset", pkt_hdr_len(d), p.payload_off);
	EXPECT_EQ("sport", d->sport, p.pkt.sport);
	EXPECT_EQ("dport", d->dport, p.pkt.dport);
	EXPECT_EQ("ipv6", d->ipver == 6, p.pkt.ipv6);
	EXPECT_EQ("l4proto", IPPROTO_UDP, p.pkt.l4proto);
	EXPECT_EQ("not a fragment", 0, p.pkt.is_frag);
	EXPECT_EQ("classified", SG_SIP_REQUEST, p.sip.kind);
	EXPECT_EQ("method", SG_M_INVITE, p.sip.method);
}

static void test_parse_each_encapsulation(void)
{
	struct pkt_desc d;

	v4(&d);
	expect_udp_frame(__LINE__, "plain v4", &d);
	d.nvlan = 1;
	expect_udp_frame(__LINE__, "vlan v4", &d);
	d.nvlan = 2;
	expect_udp_frame(__LINE__, "qinq v4", &d);
	d.vlan_tpid[0] = PKT_ETH_P_8021Q;
	expect_udp_frame(__LINE__, "double 802.1Q v4", &d);
	d.nvlan = 0;
	d.pppoe = 1;
	expect_udp_frame(__LINE__, "pppoe v4", &d);
	d.nvlan = 2;
	d.vlan_tpid[0] = 0;
	expect_udp_frame(__LINE__, "qinq pppoe v4", &d);
	v4(&d);
	d.ip4_optlen = 4;
	expect_udp_frame(__LINE__, "v4 options 4", &d);
	d.ip4_optlen = 40;
	expect_udp_frame(__LINE__, "v4 options 40", &d);
	v6(&d);
	expect_udp_frame(__LINE__, "plain v6", &d);
	d.nvlan = 1;
	expect_udp_frame(__LINE__, "vlan v6", &d);
	d.nvlan = 0;
	d.pppoe = 1;
	expect_udp_frame(__LINE__, "pppoe v6", &d);
}

/*
 * A packet from a device without a link-layer header (ppp, tun,
 * WireGuard): parsed from the IP header, the version from its first nibble.
 */
static void expect_l3_udp(int line, const char *what, struct pkt_desc *d)
{
	uint8_t f[PKT_FRAME_MAX];
	struct parsed p;
	int l2 = pkt_l3_off(d);
	int n = pkt_strip_l2(d, f, mkframe(d, "INVITE", f));

	p = parse_link(f, n, 1);
	expect_l4_at(line, what, SG_L4_UDP, p.l4);
	EXPECT_EQ("l3 offset", 0, p.l3_off);
	EXPECT_EQ("payload offset", pkt_hdr_len(d) - l2, p.payload_off);
	EXPECT_EQ("sport", d->sport, p.pkt.sport);
	EXPECT_EQ("ipv6", d->ipver == 6, p.pkt.ipv6);
	EXPECT_EQ("method", SG_M_INVITE, p.sip.method);
}

static void test_parse_l3_device(void)
{
	static const uint8_t junk[] = { 0x00, 0x21, 0x45, 0x00 };
	uint8_t f[PKT_FRAME_MAX];
	struct pkt_desc d;
	struct parsed p;
	int n;

	v4(&d);
	expect_l3_udp(__LINE__, "v4", &d);
	d.ip4_optlen = 12;
	expect_l3_udp(__LINE__, "v4 options", &d);
	v6(&d);
	expect_l3_udp(__LINE__, "v6", &d);
	pkt_add_ext(&d, PKT_EXT_DSTOPTS, 16);
	expect_l3_udp(__LINE__, "v6 dstopts", &d);

	/* a PPP protocol field or any first nibble but 4 and 6: not IP */
	p = parse_link(junk, sizeof(junk), 1);
	EXPECT_L4("ppp header", SG_L4_NON_IP, p.l4);
	p = parse_link(junk, 0, 1);
	EXPECT_L4("empty", SG_L4_MALFORMED, p.l4);
	/* an Ethernet frame on such a device is no IP packet either */
	v4(&d);
	n = mkframe(&d, "INVITE", f);
	f[0] = 0x02;
	p = parse_link(f, n, 1);
	EXPECT_L4("ethernet frame", SG_L4_NON_IP, p.l4);
	/* and an IP packet on an Ethernet device is parsed as Ethernet */
	n = pkt_strip_l2(&d, f, mkframe(&d, "INVITE", f));
	p = parse_link(f, n, 0);
	EXPECT_TRUE("ip packet read as ethernet", p.l4 != SG_L4_UDP);
	/* a v4 header cut short */
	p = parse_link(f, 12, 1);
	EXPECT_L4("v4 cut", SG_L4_MALFORMED, p.l4);
}

static void test_parse_ipv6_each_ext_header(void)
{
	static const uint8_t types[] = { PKT_EXT_HBH, PKT_EXT_ROUTING,
					 PKT_EXT_DSTOPTS, PKT_EXT_AH };
	static const uint16_t lens[] = { 0, 16, 64 };
	struct pkt_desc d;
	size_t i, j;

	for (i = 0; i < sizeof(types); i++) {
		for (j = 0; j < 3; j++) {
			v6(&d);
			pkt_add_ext(&d, types[i], lens[j]);
			expect_udp_frame(__LINE__, "one ext header", &d);
		}
	}
	/* an atomic fragment (offset 0, M 0) is a fragment of one */
	v6(&d);
	pkt_add_ext(&d, PKT_EXT_FRAG, 0);
	{
		uint8_t f[PKT_FRAME_MAX];
		struct parsed p = parse(f, mkframe(&d, "INVITE", f));

		EXPECT_L4("atomic fragment", SG_L4_UDP, p.l4);
		EXPECT_EQ("payload offset", pkt_hdr_len(&d), p.payload_off);
		EXPECT_EQ("is_frag", 1, p.pkt.is_frag);
		EXPECT_EQ("more_frags", 0, p.pkt.more_frags);
	}
}

static void test_parse_ipv6_ext_chain_at_limit_and_beyond(void)
{
	static const uint8_t types[] = { PKT_EXT_HBH, PKT_EXT_DSTOPTS,
					 PKT_EXT_ROUTING, PKT_EXT_AH };
	uint8_t f[PKT_FRAME_MAX];
	struct pkt_desc d;
	struct parsed p;
	int i;

	v6(&d);
	for (i = 0; i < SG_IPV6_EXT_MAX; i++)
		pkt_add_ext(&d, types[i % 4], 8 * (2 + i % 2));
	expect_udp_frame(__LINE__, "chain at the limit", &d);
	pkt_add_ext(&d, PKT_EXT_DSTOPTS, 0);
	p = parse(f, mkframe(&d, "INVITE", f));
	EXPECT_L4("one past the limit", SG_L4_EXT_CHAIN, p.l4);
	EXPECT_EQ("ipv6", 1, p.pkt.ipv6);
	EXPECT_TRUE("l3 set", p.l3_off == pkt_l3_off(&d));
}

static void test_parse_three_vlan_tags_non_ip(void)
{
	uint8_t f[PKT_FRAME_MAX];
	struct pkt_desc d;

	v4(&d);
	d.nvlan = 3;
	EXPECT_L4("3 tags", SG_L4_NON_IP, parse(f, mkframe(&d, "INVITE", f)).l4);
}

static void test_parse_non_ip_and_non_udp(void)
{
	uint8_t f[PKT_FRAME_MAX], tcp[20] = { 0 };
	struct pkt_desc d;

	v4(&d);
	d.ipver = 0;
	d.ethertype = 0x0806;	/* ARP */
	EXPECT_L4("arp", SG_L4_NON_IP,
		  parse(f, pkt_build(&d, tcp, 20, f, sizeof(f))).l4);
	d.ethertype = PKT_ETH_P_PPPOE_DISC;
	EXPECT_L4("pppoe discovery", SG_L4_NON_IP,
		  parse(f, pkt_build(&d, tcp, 20, f, sizeof(f))).l4);
	v4(&d);
	d.pppoe = 1;
	d.ppp_proto = 0xc021;	/* LCP */
	EXPECT_L4("ppp lcp", SG_L4_NON_IP, parse(f, mkframe(&d, "INVITE", f)).l4);
	v4(&d);
	d.proto = PKT_PROTO_TCP;
	EXPECT_L4("tcp v4", SG_L4_NON_UDP,
		  parse(f, pkt_build(&d, tcp, 20, f, sizeof(f))).l4);
	v6(&d);
	d.proto = PKT_PROTO_TCP;
	pkt_add_ext(&d, PKT_EXT_HBH, 0);
	EXPECT_L4("tcp v6 after hbh", SG_L4_NON_UDP,
		  parse(f, pkt_build(&d, tcp, 20, f, sizeof(f))).l4);
}

static void test_parse_malformed_headers(void)
{
	uint8_t f[PKT_FRAME_MAX];
	struct pkt_desc d;
	int n, l3;

	v4(&d);
	l3 = pkt_l3_off(&d);
	n = mkframe(&d, "INVITE", f);
	f[l3] = 0x44;		/* IHL 4 */
	EXPECT_L4("ihl 4", SG_L4_MALFORMED, parse(f, n).l4);
	f[l3] = 0x65;		/* version 6 in an IPv4 ethertype */
	EXPECT_L4("version 6", SG_L4_MALFORMED, parse(f, n).l4);
	f[l3] = 0x4f;		/* IHL 15: 60 bytes */
	EXPECT_L4("ihl 15 ok", SG_L4_UDP, parse(f, n).l4);
	EXPECT_L4("ihl 15 past end", SG_L4_MALFORMED, parse(f, l3 + 40).l4);
	v6(&d);
	n = mkframe(&d, "INVITE", f);
	f[l3] = 0x40;
	EXPECT_L4("v6 version 4", SG_L4_MALFORMED, parse(f, n).l4);
	v4(&d);
	d.pppoe = 1;
	n = mkframe(&d, "INVITE", f);
	f[14] = 0x12;		/* PPPoE version/type */
	EXPECT_L4("pppoe ver", SG_L4_MALFORMED, parse(f, n).l4);
	f[14] = 0x11;
	f[15] = 0x09;		/* PADI code in a session frame */
	EXPECT_L4("pppoe code", SG_L4_MALFORMED, parse(f, n).l4);
}

static void test_parse_ipv4_fragments(void)
{
	struct pkt_frame fr[3];
	const int sizes[] = { 16, 64, 0 };
	char sip[2048];
	struct pkt_desc d;
	struct parsed p;
	int n;

	v4(&d);
	d.id = 0xbeef;
	n = pkt_sip_request(sip, sizeof(sip), "INVITE", "192.0.2.10", 200);
	EXPECT_EQ("fragments", 3, pkt_fragment(&d, sip, n, sizes, 3, fr));
	p = parse(fr[0].data, fr[0].len);
	EXPECT_L4("first", SG_L4_UDP, p.l4);
	EXPECT_EQ("first is_frag", 1, p.pkt.is_frag);
	EXPECT_EQ("first more", 1, p.pkt.more_frags);
	EXPECT_EQ("first off", 0, p.pkt.frag_off);
	EXPECT_EQ("first id", 0xbeef, p.pkt.frag_id);
	EXPECT_EQ("first classified", SG_M_INVITE, p.sip.method);
	p = parse(fr[1].data, fr[1].len);
	EXPECT_L4("middle", SG_L4_FRAG_LATER, p.l4);
	EXPECT_EQ("middle off", 2, p.pkt.frag_off);
	EXPECT_EQ("middle more", 1, p.pkt.more_frags);
	EXPECT_EQ("middle proto", IPPROTO_UDP, p.pkt.l4proto);
	EXPECT_EQ("middle id", 0xbeef, p.pkt.frag_id);
	p = parse(fr[2].data, fr[2].len);
	EXPECT_L4("last", SG_L4_FRAG_LATER, p.l4);
	EXPECT_EQ("last off", 10, p.pkt.frag_off);
	EXPECT_EQ("last more", 0, p.pkt.more_frags);
	EXPECT_EQ("last is_frag", 1, p.pkt.is_frag);
}

static void test_parse_ipv6_fragments(void)
{
	struct pkt_frame fr[3];
	const int sizes[] = { 24, 64, 0 };
	char sip[2048];
	struct pkt_desc d;
	struct parsed p;
	int n;

	v6(&d);
	d.id = 0xdeadbeef;
	pkt_add_ext(&d, PKT_EXT_HBH, 0);
	n = pkt_sip_request(sip, sizeof(sip), "INVITE", "192.0.2.10", 200);
	EXPECT_EQ("fragments", 3, pkt_fragment(&d, sip, n, sizes, 3, fr));
	p = parse(fr[0].data, fr[0].len);
	EXPECT_L4("first", SG_L4_UDP, p.l4);
	EXPECT_EQ("first is_frag", 1, p.pkt.is_frag);
	EXPECT_EQ("first more", 1, p.pkt.more_frags);
	EXPECT_EQ("first id", 0xdeadbeef, p.pkt.frag_id);
	EXPECT_EQ("first payload", 14 + 40 + 8 + 8 + 8, p.payload_off);
	p = parse(fr[1].data, fr[1].len);
	EXPECT_L4("middle", SG_L4_FRAG_LATER, p.l4);
	EXPECT_EQ("middle off", 3, p.pkt.frag_off);
	EXPECT_EQ("middle id", 0xdeadbeef, p.pkt.frag_id);
	EXPECT_EQ("middle proto", IPPROTO_UDP, p.pkt.l4proto);
	p = parse(fr[2].data, fr[2].len);
	EXPECT_L4("last", SG_L4_FRAG_LATER, p.l4);
	EXPECT_EQ("last more", 0, p.pkt.more_frags);
}

static void test_parse_addresses_v4_mapped(void)
{
	static const uint8_t s4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					0xff, 0xff, 203, 0, 113, 66 };
	uint8_t f[PKT_FRAME_MAX], s6[16];
	struct pkt_desc d;
	struct parsed p;

	v4(&d);
	p = parse(f, mkframe(&d, "INVITE", f));
	EXPECT_EQ("v4 saddr", 0, memcmp(p.saddr.b, s4, 16));
	EXPECT_EQ("v4 daddr last byte", 10, p.daddr.b[15]);
	EXPECT_EQ("v4 daddr ffff", 0xff, p.daddr.b[10]);
	v6(&d);
	p = parse(f, mkframe(&d, "INVITE", f));
	inet_pton(AF_INET6, "2001:db8:bad::66", s6);
	EXPECT_EQ("v6 saddr", 0, memcmp(p.saddr.b, s6, 16));
	EXPECT_EQ("v6 daddr", 0, memcmp(p.daddr.b, d.dst, 16));
}

/*
 * Every cut of every frame: the parser never reads past the cut (ASan),
 * finds UDP exactly when the headers are complete, and then the same ports
 * and payload offset as on the whole frame.
 */
static void test_parse_truncated_every_length(void)
{
	uint8_t f[PKT_FRAME_MAX];
	struct pkt_desc d[12];
	struct parsed p;
	int i, n, cut, hl, nd = 0, bad;

	v4(&d[nd++]);
	v4(&d[nd]); d[nd++].nvlan = 1;
	v4(&d[nd]); d[nd++].nvlan = 2;
	v4(&d[nd]); d[nd++].pppoe = 1;
	v4(&d[nd]); d[nd].pppoe = 1; d[nd++].nvlan = 2;
	v4(&d[nd]); d[nd++].ip4_optlen = 40;
	v6(&d[nd++]);
	v6(&d[nd]); d[nd++].pppoe = 1;
	v6(&d[nd]); pkt_add_ext(&d[nd], PKT_EXT_HBH, 16);
	pkt_add_ext(&d[nd], PKT_EXT_ROUTING, 24);
	pkt_add_ext(&d[nd++], PKT_EXT_DSTOPTS, 0);
	v6(&d[nd]); pkt_add_ext(&d[nd++], PKT_EXT_AH, 0);
	v6(&d[nd]); pkt_add_ext(&d[nd++], PKT_EXT_FRAG, 0);

	for (i = 0; i < nd; i++) {
		n = mkframe(&d[i], "INVITE", f);
		hl = pkt_hdr_len(&d[i]);
		bad = 0;
		for (cut = 0; cut <= n; cut++) {
			p = parse(f, cut);
			if (cut < hl && p.l4 == SG_L4_UDP)
				bad++;
			if (cut >= hl && (p.l4 != SG_L4_UDP ||
					  p.payload_off != hl ||
					  p.pkt.dport != d[i].dport))
				bad++;
			if (cut >= hl + 7)
				bad += p.sip.method != SG_M_INVITE;
		}
		EXPECT_EQ("cuts with a wrong parse", 0, bad);
	}
}

/* ---- main ---- */

#define T(fn) { #fn, fn }
static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	T(test_classify_every_method),
	T(test_classify_methods_case_insensitive),
	T(test_classify_tab_after_method),
	T(test_classify_method_needs_blank),
	T(test_classify_invite_later_is_not_request),
	T(test_classify_no_false_case_fold),
	T(test_classify_response),
	T(test_classify_keepalive),
	T(test_classify_stun),
	T(test_classify_not_sip),
	T(test_classify_crlf_skip_up_to_max),
	T(test_classify_crlf_padding_beyond_max),
	T(test_classify_truncated_flag),
	T(test_classify_every_prefix_in_bounds),
	T(test_method_opens_flow),
	T(test_parse_each_encapsulation),
	T(test_parse_l3_device),
	T(test_parse_ipv6_each_ext_header),
	T(test_parse_ipv6_ext_chain_at_limit_and_beyond),
	T(test_parse_three_vlan_tags_non_ip),
	T(test_parse_non_ip_and_non_udp),
	T(test_parse_malformed_headers),
	T(test_parse_ipv4_fragments),
	T(test_parse_ipv6_fragments),
	T(test_parse_addresses_v4_mapped),
	T(test_parse_truncated_every_length),
};

int main(int argc, char **argv)
{
	int i, pass = 0, fail = 0;
	const char *only = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < (int)(sizeof(tests) / sizeof(tests[0])); i++) {
		if (only && !strstr(tests[i].name, only))
			continue;
		cur_test = tests[i].name;
		cur_failed = 0;
		cur_checks = 0;
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
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
