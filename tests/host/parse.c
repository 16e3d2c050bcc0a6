// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the parsing helpers (bpf/parsing.h): parse_packet() on
 * every encapsulation, extension header, fragment and cut, compiled here
 * with ASan and UBSan.  Every frame is copied into a malloc'd buffer that
 * ends exactly where the frame ends, so a read one byte past the end is an
 * ASan report, not luck.  Frames start 2 bytes into their buffer, as the
 * kernel places them (NET_IP_ALIGN), so the IP header is 4-byte aligned as
 * UBSan wants; packets of a device without a link-layer header start 4
 * bytes in, for the same reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"	/* before the uapi headers: glibc's netinet/in.h first */
#include "parsing.h"
#include "sip.h"
#include "harness.h"

static const char *l4_name(int r)
{
	static const char *n[] = { "udp", "frag_later", "non_ip", "non_udp",
				   "malformed", "ext_chain", "frag_short" };

	return r >= 0 && r < (int)(sizeof(n) / sizeof(n[0])) ? n[r] : "?";
}

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
	/* the IP header 4-byte aligned: after 14 bytes of Ethernet, or first */
	size_t align = l3 ? 4 : 2;
	uint8_t *b, *data;
	struct parsed r;

	memset(&r, 0, sizeof(r));
	if ((long)n < 0) {	/* the builder refused the description */
		FAIL("frame not built");
		r.l4 = -1;
		return r;
	}
	b = malloc(n + align);
	if (!b)
		abort();
	data = b + align;
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
	harness_check(exp == act, __FILE__, line, "%s: expected %s, got %s",
		      what, l4_name(exp), l4_name(act));
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
	ASSERT_EQ(p.l3_off, pkt_l3_off(d), "l3 offset");
	ASSERT_EQ(p.payload_off, pkt_hdr_len(d), "payload offset");
	ASSERT_EQ(p.pkt.sport, d->sport, "sport");
	ASSERT_EQ(p.pkt.dport, d->dport, "dport");
	ASSERT_EQ(p.pkt.ipv6, d->ipver == 6, "ipv6");
	ASSERT_EQ(p.pkt.l4proto, IPPROTO_UDP, "l4proto");
	ASSERT_EQ(p.pkt.is_frag, 0, "not a fragment");
	ASSERT_EQ(p.sip.kind, SG_SIP_REQUEST, "classified");
	ASSERT_EQ(p.sip.method, SG_M_INVITE, "method");
}

void test_parse_each_encapsulation(void)
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
	ASSERT_EQ(p.l3_off, 0, "l3 offset");
	ASSERT_EQ(p.payload_off, pkt_hdr_len(d) - l2, "payload offset");
	ASSERT_EQ(p.pkt.sport, d->sport, "sport");
	ASSERT_EQ(p.pkt.ipv6, d->ipver == 6, "ipv6");
	ASSERT_EQ(p.sip.method, SG_M_INVITE, "method");
}

void test_parse_l3_device(void)
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
	ASSERT_TRUE(p.l4 != SG_L4_UDP, "ip packet read as ethernet");
	/* a v4 header cut short */
	p = parse_link(f, 12, 1);
	EXPECT_L4("v4 cut", SG_L4_MALFORMED, p.l4);
}

void test_parse_ipv6_each_ext_header(void)
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
		ASSERT_EQ(p.payload_off, pkt_hdr_len(&d), "payload offset");
		ASSERT_EQ(p.pkt.is_frag, 1, "is_frag");
		ASSERT_EQ(p.pkt.more_frags, 0, "more_frags");
	}
}

void test_parse_ipv6_ext_chain_at_limit_and_beyond(void)
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
	ASSERT_EQ(p.pkt.ipv6, 1, "ipv6");
	ASSERT_TRUE(p.l3_off == pkt_l3_off(&d), "l3 set");
}

void test_parse_three_vlan_tags_non_ip(void)
{
	uint8_t f[PKT_FRAME_MAX];
	struct pkt_desc d;

	v4(&d);
	d.nvlan = 3;
	EXPECT_L4("3 tags", SG_L4_NON_IP, parse(f, mkframe(&d, "INVITE", f)).l4);
}

void test_parse_non_ip_and_non_udp(void)
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

void test_parse_malformed_headers(void)
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

void test_parse_ipv4_fragments(void)
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
	ASSERT_EQ(pkt_fragment(&d, sip, n, sizes, 3, fr), 3, "fragments");
	p = parse(fr[0].data, fr[0].len);
	EXPECT_L4("first", SG_L4_UDP, p.l4);
	ASSERT_EQ(p.pkt.is_frag, 1, "first is_frag");
	ASSERT_EQ(p.pkt.more_frags, 1, "first more");
	ASSERT_EQ(p.pkt.frag_off, 0, "first off");
	ASSERT_EQ(p.pkt.frag_id, 0xbeef, "first id");
	ASSERT_EQ(p.sip.method, SG_M_INVITE, "first classified");
	p = parse(fr[1].data, fr[1].len);
	EXPECT_L4("middle", SG_L4_FRAG_LATER, p.l4);
	ASSERT_EQ(p.pkt.frag_off, 2, "middle off");
	ASSERT_EQ(p.pkt.more_frags, 1, "middle more");
	ASSERT_EQ(p.pkt.l4proto, IPPROTO_UDP, "middle proto");
	ASSERT_EQ(p.pkt.frag_id, 0xbeef, "middle id");
	p = parse(fr[2].data, fr[2].len);
	EXPECT_L4("last", SG_L4_FRAG_LATER, p.l4);
	ASSERT_EQ(p.pkt.frag_off, 10, "last off");
	ASSERT_EQ(p.pkt.more_frags, 0, "last more");
	ASSERT_EQ(p.pkt.is_frag, 1, "last is_frag");
}

void test_parse_ipv6_fragments(void)
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
	ASSERT_EQ(pkt_fragment(&d, sip, n, sizes, 3, fr), 3, "fragments");
	p = parse(fr[0].data, fr[0].len);
	EXPECT_L4("first", SG_L4_UDP, p.l4);
	ASSERT_EQ(p.pkt.is_frag, 1, "first is_frag");
	ASSERT_EQ(p.pkt.more_frags, 1, "first more");
	ASSERT_EQ(p.pkt.frag_id, 0xdeadbeef, "first id");
	ASSERT_EQ(p.payload_off, 14 + 40 + 8 + 8 + 8, "first payload");
	p = parse(fr[1].data, fr[1].len);
	EXPECT_L4("middle", SG_L4_FRAG_LATER, p.l4);
	ASSERT_EQ(p.pkt.frag_off, 3, "middle off");
	ASSERT_EQ(p.pkt.frag_id, 0xdeadbeef, "middle id");
	ASSERT_EQ(p.pkt.l4proto, IPPROTO_UDP, "middle proto");
	p = parse(fr[2].data, fr[2].len);
	EXPECT_L4("last", SG_L4_FRAG_LATER, p.l4);
	ASSERT_EQ(p.pkt.more_frags, 0, "last more");
}

/*
 * A first fragment that ends before the end of its UDP header (RFC 7112:
 * the chain belongs in it) is FRAG_SHORT, for the XDP program to judge as
 * tiny; the same cut in a frame that is no first fragment is malformed.
 */
void test_parse_first_fragment_cut_short(void)
{
	struct pkt_frame fr[3], f;
	const int sizes[] = { 16, 64, 0 };
	char sip[2048];
	struct pkt_desc d;
	int n;

	v4(&d);
	d.id = 7112;
	n = pkt_sip_request(sip, sizeof(sip), "INVITE", "192.0.2.10", 200);
	ASSERT_EQ(pkt_fragment(&d, sip, n, sizes, 3, fr), 3, "v4 fragments");
	EXPECT_L4("v4 first, 4 bytes of UDP", SG_L4_FRAG_SHORT,
		  parse(fr[0].data, 14 + 20 + 4).l4);
	EXPECT_L4("v4 first, no UDP", SG_L4_FRAG_SHORT,
		  parse(fr[0].data, 14 + 20).l4);
	EXPECT_L4("v4 first, bare UDP", SG_L4_UDP,
		  parse(fr[0].data, 14 + 20 + 8).l4);
	EXPECT_L4("v4 later, cut", SG_L4_FRAG_LATER,
		  parse(fr[1].data, 14 + 20 + 4).l4);
	v4(&d);
	f.len = pkt_build(&d, sip, n, f.data, sizeof(f.data));
	EXPECT_L4("v4 whole, cut in UDP", SG_L4_MALFORMED,
		  parse(f.data, 14 + 20 + 4).l4);

	v6(&d);
	d.id = 7112;
	pkt_add_ext(&d, PKT_EXT_HBH, 0);
	ASSERT_EQ(pkt_fragment(&d, sip, n, sizes, 3, fr), 3, "v6 fragments");
	EXPECT_L4("v6 first, 4 bytes of UDP", SG_L4_FRAG_SHORT,
		  parse(fr[0].data, 14 + 40 + 8 + 8 + 4).l4);
	EXPECT_L4("v6 first, no UDP", SG_L4_FRAG_SHORT,
		  parse(fr[0].data, 14 + 40 + 8 + 8).l4);
	/* cut before the fragment header: not known to be a fragment */
	EXPECT_L4("v6 first, cut in HBH", SG_L4_MALFORMED,
		  parse(fr[0].data, 14 + 40 + 4).l4);
	v6(&d);
	f.len = pkt_build(&d, sip, n, f.data, sizeof(f.data));
	EXPECT_L4("v6 whole, cut in UDP", SG_L4_MALFORMED,
		  parse(f.data, 14 + 40 + 4).l4);
}

void test_parse_addresses_v4_mapped(void)
{
	static const uint8_t s4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					0xff, 0xff, 203, 0, 113, 66 };
	uint8_t f[PKT_FRAME_MAX], s6[16];
	struct pkt_desc d;
	struct parsed p;

	v4(&d);
	p = parse(f, mkframe(&d, "INVITE", f));
	ASSERT_EQ(memcmp(p.saddr.b, s4, 16), 0, "v4 saddr");
	ASSERT_EQ(p.daddr.b[15], 10, "v4 daddr last byte");
	ASSERT_EQ(p.daddr.b[10], 0xff, "v4 daddr ffff");
	v6(&d);
	p = parse(f, mkframe(&d, "INVITE", f));
	inet_pton(AF_INET6, "2001:db8:bad::66", s6);
	ASSERT_EQ(memcmp(p.saddr.b, s6, 16), 0, "v6 saddr");
	ASSERT_EQ(memcmp(p.daddr.b, d.dst, 16), 0, "v6 daddr");
}

/*
 * Every cut of every frame: the parser never reads past the cut (ASan),
 * finds UDP exactly when the headers are complete, and then the same ports
 * and payload offset as on the whole frame.
 */
void test_parse_truncated_every_length(void)
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
		ASSERT_EQ(bad, 0, "cuts with a wrong parse");
	}
}

/*
 * parse_packet() reads the common frame at fixed offsets: it must take
 * that frame (or it buys nothing), UDP or not, leave every other shape to
 * the walk, and give the walk's answer and fields wherever it takes one,
 * at every length the frame can be cut to.
 */
static int plain_takes(const uint8_t *frame, size_t n, int *agree)
{
	uint8_t *b = malloc(n + 2), *data;
	struct sg_pkt a, w;
	int took;

	if (!b)
		abort();
	data = b + 2;
	memcpy(data, frame, n);
	memset(&a, 0, sizeof(a));
	memset(&w, 0, sizeof(w));
	took = parse_plain4(data, data + n, &a);
	*agree = took < 0 || ((int)parse_walk(data, data + n, &w, 0) == took &&
			      !memcmp(&a, &w, sizeof(a)));
	free(b);
	return took >= 0;
}

void test_parse_plain_frame_at_fixed_offsets(void)
{
	/* each shape: what it changes in a plain frame, and the answer */
	static const struct {
		const char *what;
		int took;	/* the fixed offsets take it whole */
		uint8_t ipver, df, mf, nvlan, pppoe, optlen, proto;
		uint16_t frag_off, ethertype;
	} shapes[] = {
		{ "plain v4", 1 },
		{ "v4, DF set", 1, .df = 1 },
		{ "vlan v4", 0, .nvlan = 1 },
		{ "pppoe v4", 0, .pppoe = 1 },
		{ "v4 options 4", 0, .optlen = 4 },
		{ "v4 first fragment", 0, .mf = 1 },
		{ "v4 later fragment", 0, .frag_off = 3 },
		{ "v4 TCP", 1, .proto = IPPROTO_TCP },
		{ "plain v6", 0, .ipver = 6 },
		{ "ethertype 0x0800 over IPv6", 0, .ipver = 6, .ethertype = 0x0800 },
	};
	uint8_t f[PKT_FRAME_MAX];
	struct pkt_desc d;
	int i, n, cut, agree, took, wrong;

	for (i = 0; i < (int)(sizeof(shapes) / sizeof(shapes[0])); i++) {
		if (shapes[i].ipver == 6)
			v6(&d);
		else
			v4(&d);
		d.id = 0xbeef;	/* every field differs from the zeroed struct */
		d.ip4_df = shapes[i].df;
		d.ip4_mf = shapes[i].mf;
		d.ip4_frag_off = shapes[i].frag_off;
		d.ip4_optlen = shapes[i].optlen;
		d.nvlan = shapes[i].nvlan;
		d.pppoe = shapes[i].pppoe;
		if (shapes[i].proto)
			d.proto = shapes[i].proto;
		if (shapes[i].ethertype)
			d.ethertype = shapes[i].ethertype;
		n = mkframe(&d, "INVITE", f);
		ASSERT_TRUE(n > 0, "frame built");
		took = plain_takes(f, n, &agree);
		harness_check(took == shapes[i].took, __FILE__, __LINE__,
			      "%s: fixed offsets %s it", shapes[i].what,
			      took ? "took" : "left");
		harness_check(agree, __FILE__, __LINE__,
			      "%s: fixed offsets and walk disagree", shapes[i].what);
		/* cut short: only whole headers are taken, always agreeing */
		wrong = 0;
		for (cut = 0; cut < n; cut++) {
			took = plain_takes(f, cut, &agree);
			wrong += !agree || (took && cut < pkt_hdr_len(&d));
		}
		harness_check(!wrong, __FILE__, __LINE__, "%s: %d cuts wrong",
			      shapes[i].what, wrong);
	}
}
