// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fragments: the verdict of a datagram's first fragment is kept (keyed by
 * source, destination, id and protocol) and applied to its later fragments;
 * tiny first fragments (RFC 1858) that could still hide "INVITE " are
 * dropped, with the rest of their datagram.
 */
#include "progs.h"

void test_ipv4_fragmented_orphan_invite_all_dropped(void)
{
	struct pkt_frame fr[3];
	struct pkt_desc d;

	frag_desc4(&d, SCAN4, 4711);
	if (fragment(&d, sizes3, 3, fr) < 0)
		return;
	EXPECT_DROP("first", &fr[0], SG_R_ORPHAN);
	EXPECT_DROP("second", &fr[1], SG_R_FRAG_DROPPED);
	EXPECT_DROP("third", &fr[2], SG_R_FRAG_DROPPED);
	ASSERT_EQ(map_count(MAPFD(sg_frags)), 1, "frag records");
}

void test_ipv6_fragmented_orphan_invite_all_dropped(void)
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

void test_ipv6_fragmented_after_ext_headers_all_dropped(void)
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
void test_fragment_verdict_keyed_by_datagram(void)
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
void test_first_fragment_short_not_invite_passed(void)
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
		ASSERT_EQ(map_count(MAPFD(sg_frags)), 0, "no frag record");
	}
}

void test_ipv4_fragmented_allowlisted_invite_all_passed_any_order(void)
{
	frags_allowlisted_any_order(0);
}

void test_ipv6_fragmented_allowlisted_invite_all_passed_any_order(void)
{
	frags_allowlisted_any_order(1);
}

void test_ipv4_fragmented_established_invite_all_passed(void)
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
void test_later_fragment_unknown_datagram_passed(void)
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

void test_fragmented_non_invite_all_passed(void)
{
	char sip[4096];
	struct pkt_frame fr[3];
	struct pkt_desc d;
	int n = pkt_sip_request(sip, sizeof(sip), "MESSAGE", "192.0.2.10", 1400);

	frag_desc4(&d, SCAN4, 8);
	if (pkt_fragment(&d, sip, n, sizes3, 3, fr) != 3) {
		FAIL("fragments not built");
		return;
	}
	EXPECT_PASS("first", &fr[0], SG_R_REQUEST);
	EXPECT_PASS("second", &fr[1], SG_R_FRAGMENT);
	EXPECT_PASS("third", &fr[2], SG_R_FRAGMENT);
}

void test_fragmented_tcp_passed_non_udp(void)
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
 * header is no INVITE yet: it is dropped as tiny unless the source is
 * trusted, and the rest of the datagram follows it (it passed as not_sip
 * before issue 10: then only the fragment at offset 1 was caught, and an
 * IPv6 first fragment with a longer chain let its datagram through).
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
	EXPECT_DROP("bare UDP header", &fr[0], SG_R_TINY_FRAG);
	EXPECT_DROP("offset 1", &fr[1], SG_R_FRAG_DROPPED);
	EXPECT_DROP("rest", &fr[2], SG_R_FRAG_DROPPED);
	/* without the first, offset 1 is still caught on its own */
	reset_state();
	EXPECT_DROP("offset 1 alone", &fr[1], SG_R_TINY_FRAG);
}

void test_ipv4_tiny_fragment_bare_udp_then_offset1_dropped(void)
{
	tiny_first_bare_udp(0);
}

void test_ipv6_tiny_fragment_bare_udp_then_offset1_dropped(void)
{
	tiny_first_bare_udp(1);
}

/* A first fragment that ends inside "INVITE " can't be ruled out. */
void test_ipv4_tiny_fragment_inv_dropped(void)
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

void test_ipv6_tiny_fragment_inv_dropped(void)
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
void test_tiny_fragment_rest_of_datagram_dropped(void)
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

void test_tiny_fragment_allowlisted_passed(void)
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
void test_tiny_fragment_established_first_passed(void)
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
void test_ipv4_tiny_fragment_eth_padded_dropped(void)
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
void test_ipv6_fragmented_dstopts_after_frag_all_dropped(void)
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
void test_fragment_record_not_applied_to_passed_datagram(void)
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


/*
 * One fragment rule for both families (issue 10): a first fragment that
 * ends before its UDP payload can be told from an INVITE is tiny, whatever
 * extension headers stand before the UDP header and wherever the next
 * fragment starts.  Each case is one datagram (an INVITE with PRE before
 * the method and POST after it) in two fragments: the first holds SPLIT
 * bytes of the fragmentable part (IPv6: Destination Options of DSTOPTS
 * bytes, then the UDP datagram), the second starts at byte NEXT.
 */
struct frag_case {
	const char *name;
	int v6;
	const char *src;	/* NULL: the scanner */
	const char *allow;
	void (*setup)(void);
	uint8_t pre_ext[2];	/* IPv6: before the fragment header */
	int n_pre;
	int dstopts;		/* IPv6: bytes after the fragment header */
	int optlen;		/* IPv4 options */
	const char *pre, *post;
	int split, next;
	int act1, r1, act2, r2;
};

#define FIRST(a, r)	.act1 = XDP_##a, .r1 = (r)
#define LATER(a, r)	.act2 = XDP_##a, .r2 = (r)
#define TINY_THEN_DROPPED FIRST(DROP, SG_R_TINY_FRAG), LATER(DROP, SG_R_FRAG_DROPPED)

static void scanner_flow6(void)
{
	flow_learned(SCAN6, 5060, 5060, 1);
	flow_learned(SCAN4, 5060, 5060, 1);
}

static const struct frag_case frag_cases[] = {
	/* IPv4 */
	{ "v4_bare_udp", .split = 8, .next = 8, TINY_THEN_DROPPED },
	{ "v4_options_bare_udp", .optlen = 8, .split = 8, .next = 8,
	  TINY_THEN_DROPPED },
	{ "v4_bare_udp_next_at_16", .split = 8, .next = 16, TINY_THEN_DROPPED },
	{ "v4_cut_in_udp_header", .split = 4, .next = 8, TINY_THEN_DROPPED },
	{ "v4_no_udp_header", .split = 0, .next = 8, TINY_THEN_DROPPED },
	{ "v4_only_blanks", .pre = "  \t \r\n  ", .split = 16, .next = 16,
	  TINY_THEN_DROPPED },
	{ "v4_blanks_then_invite_cut", .pre = "\t\t", .split = 16, .next = 16,
	  TINY_THEN_DROPPED },
	{ "v4_sp_invite_fold", .pre = " ", .post = "\r\n ", .split = 16,
	  .next = 16, FIRST(DROP, SG_R_ORPHAN), LATER(DROP, SG_R_FRAG_DROPPED) },
	{ "v4_not_sip_passed", .pre = "\x80", .split = 16, .next = 16,
	  FIRST(PASS, SG_R_NOT_SIP), LATER(PASS, SG_R_FRAGMENT) },
	{ "v4_allowlisted_bare_udp", .src = PBX4, .allow = PBX4 "/32",
	  .split = 8, .next = 16, FIRST(PASS, SG_R_ALLOWLIST),
	  LATER(PASS, SG_R_FRAGMENT) },
	{ "v4_allowlisted_only_blanks", .src = PBX4, .allow = PBX4 "/32",
	  .pre = "        ", .split = 16, .next = 16,
	  FIRST(PASS, SG_R_ALLOWLIST), LATER(PASS, SG_R_FRAGMENT) },
	{ "v4_allowlisted_no_udp_header", .src = PBX4, .allow = PBX4 "/32",
	  .split = 0, .next = 8, FIRST(PASS, SG_R_ALLOWLIST),
	  LATER(PASS, SG_R_ALLOWLIST) },
	{ "v4_established_bare_udp", .setup = scanner_flow6, .split = 8,
	  .next = 16, FIRST(PASS, SG_R_ESTABLISHED), LATER(PASS, SG_R_FRAGMENT) },
	/* IPv6 */
	{ "v6_bare_udp", .v6 = 1, .split = 8, .next = 8, TINY_THEN_DROPPED },
	/* the shape */
	{ "v6_dstopts_bare_udp_next_at_16", .v6 = 1, .dstopts = 8,
	  .split = 16, .next = 16, TINY_THEN_DROPPED },
	{ "v6_hbh_routing_dstopts_bare_udp", .v6 = 1,
	  .pre_ext = { PKT_EXT_HBH, PKT_EXT_ROUTING }, .n_pre = 2,
	  .dstopts = 8, .split = 16, .next = 16, TINY_THEN_DROPPED },
	{ "v6_dstopts16_bare_udp_next_at_32", .v6 = 1, .dstopts = 16,
	  .split = 24, .next = 32, TINY_THEN_DROPPED },
	{ "v6_cut_in_dstopts", .v6 = 1, .dstopts = 16, .split = 8,
	  .next = 16, TINY_THEN_DROPPED },
	{ "v6_cut_before_dstopts", .v6 = 1, .dstopts = 8, .split = 0,
	  .next = 8, TINY_THEN_DROPPED },
	{ "v6_cut_in_udp_header", .v6 = 1, .dstopts = 8, .split = 12,
	  .next = 16, TINY_THEN_DROPPED },
	{ "v6_routing_only_blanks", .v6 = 1, .pre_ext = { PKT_EXT_ROUTING },
	  .n_pre = 1, .pre = "\r\n \r\n \t ", .split = 16, .next = 16,
	  TINY_THEN_DROPPED },
	{ "v6_dstopts_blanks_then_invite_cut", .v6 = 1, .dstopts = 8,
	  .pre = "  ", .split = 24, .next = 24, TINY_THEN_DROPPED },
	{ "v6_dstopts_invite_fold", .v6 = 1, .dstopts = 8, .post = "\r\n ",
	  .split = 24, .next = 24, FIRST(DROP, SG_R_ORPHAN),
	  LATER(DROP, SG_R_FRAG_DROPPED) },
	{ "v6_dstopts_not_sip_passed", .v6 = 1, .dstopts = 8, .pre = "\x7f",
	  .split = 24, .next = 24, FIRST(PASS, SG_R_NOT_SIP),
	  LATER(PASS, SG_R_FRAGMENT) },
	{ "v6_allowlisted_dstopts_bare_udp", .v6 = 1, .src = PBX6,
	  .allow = PBX6 "/128", .dstopts = 8, .split = 16, .next = 16,
	  FIRST(PASS, SG_R_ALLOWLIST), LATER(PASS, SG_R_FRAGMENT) },
	{ "v6_allowlisted_cut_before_dstopts", .v6 = 1, .src = PBX6,
	  .allow = PBX6 "/128", .dstopts = 8, .split = 0, .next = 8,
	  FIRST(PASS, SG_R_ALLOWLIST), LATER(PASS, SG_R_ALLOWLIST) },
	{ "v6_established_dstopts_blanks", .v6 = 1, .setup = scanner_flow6,
	  .dstopts = 8, .pre = "        ", .split = 24, .next = 24,
	  FIRST(PASS, SG_R_ESTABLISHED), LATER(PASS, SG_R_FRAGMENT) },
};

static int frag_case_build(const struct frag_case *c, struct pkt_frame fr[2])
{
	const char *src = c->src ? c->src : c->v6 ? SCAN6 : SCAN4;
	char req[2048], sip[2300];
	uint8_t dg[2400];
	struct pkt_desc d, f;
	int n, m, i, k, dlen, off = 0;

	if (c->v6)
		frag_desc6(&d, src, 0x7112);
	else
		frag_desc4(&d, src, 0x7112);
	n = pkt_sip_request(req, sizeof(req), "INVITE", LOCAL4, 0);
	m = snprintf(sip, sizeof(sip), "%s%.6s%s%s", c->pre ? c->pre : "",
		     req, c->post ? c->post : " ", req + 7);
	if (n < 0 || m < 0 || m >= (int)sizeof(sip))
		return FAIL("request not built");
	if (c->v6 && c->dstopts) {
		memset(dg, 0, c->dstopts);
		dg[0] = PKT_PROTO_UDP;
		dg[1] = c->dstopts / 8 - 1;
		dg[2] = 1;			/* PadN */
		dg[3] = c->dstopts - 4;
		off = c->dstopts;
	}
	dlen = pkt_udp_datagram(&d, sip, m, dg + off, sizeof(dg) - off);
	if (dlen < 0)
		return FAIL("datagram not built");
	dlen += off;
	for (i = 0; i < 2; i++) {
		f = d;
		f.raw_l4 = 1;
		if (c->v6) {
			for (k = 0; k < c->n_pre; k++)
				pkt_add_ext(&f, c->pre_ext[k], 0);
			k = pkt_add_ext(&f, PKT_EXT_FRAG, 8);
			f.ext[k].frag_off = i ? c->next / 8 : 0;
			f.ext[k].more = !i;
			f.ext[k].id = d.id;
			f.proto = c->dstopts ? PKT_EXT_DSTOPTS : PKT_PROTO_UDP;
		} else {
			f.ip4_optlen = c->optlen;
			f.ip4_mf = !i;
			f.ip4_frag_off = i ? c->next / 8 : 0;
		}
		fr[i].len = pkt_build(&f, i ? dg + c->next : dg,
				      i ? dlen - c->next : c->split,
				      fr[i].data, sizeof(fr[i].data));
		if (fr[i].len <= 0)
			return FAIL("fragment %d not built", i);
	}
	return 1;
}

void test_first_fragment_short_every_chain(void)
{
	const struct frag_case *c;
	struct pkt_frame fr[2];
	size_t i;

	for (i = 0; i < sizeof(frag_cases) / sizeof(frag_cases[0]); i++) {
		c = &frag_cases[i];
		if (!subtest(c->name))
			continue;
		if (c->allow)
			allow_add(c->allow);
		if (c->setup)
			c->setup();
		if (!frag_case_build(c, fr))
			continue;
		expect_at(__FILE__, __LINE__, "first", fr[0].data, fr[0].len,
			  c->act1, c->r1,
			  c->act1 == XDP_DROP ? SG_V_DROP : SG_V_PASS);
		expect_at(__FILE__, __LINE__, "later", fr[1].data, fr[1].len,
			  c->act2, c->r2,
			  c->act2 == XDP_DROP ? SG_V_DROP : SG_V_PASS);
		ASSERT_EQ(map_count(MAPFD(sg_frags)),
			  c->act1 == XDP_DROP ? 1 : 0, "frag records");
	}
}
