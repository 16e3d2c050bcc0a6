// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The layers around the IP header: VLAN tags, PPPoE, IPv4 options, IPv6
 * extension headers; and headers that are broken.  An orphan INVITE must be
 * found under every wrapping the parser walks, and whatever it cannot walk
 * passes under the reason that says why.
 */
#include "progs.h"

#define V6	.src = SCAN6

static const uint8_t padi[] = { 0x11, 0x09, 0, 0, 0, 4, 0x01, 0x01, 0, 0 };

static const struct pkt_case layer_cases[] = {
	{ "plain_v4_orphan_invite_dropped", .frame = { INVITE }, DROP(SG_R_ORPHAN) },
	{ "vlan_v4_orphan_invite_dropped",
	  .frame = { .nvlan = 1, .vlan_id = { 7 }, INVITE }, DROP(SG_R_ORPHAN) },
	{ "vlan_v6_orphan_invite_dropped",
	  .frame = { V6, .nvlan = 1, INVITE }, DROP(SG_R_ORPHAN) },
	{ "qinq_88a8_8100_orphan_invite_dropped",	/* 802.1ad outer, 802.1Q inner */
	  .frame = { .nvlan = 2, .vlan_id = { 100, 7 }, INVITE }, DROP(SG_R_ORPHAN) },
	{ "qinq_double_8100_orphan_invite_dropped",
	  .frame = { .nvlan = 2, .tpid0 = PKT_ETH_P_8021Q, .vlan_id = { 100, 7 },
		     INVITE }, DROP(SG_R_ORPHAN) },
	{ "qinq_request_passed",
	  .frame = { .nvlan = 2, REQ("OPTIONS") }, PASS(SG_R_REQUEST) },
	/* the parser walks two tags; a third hides the ethertype: pass */
	{ "vlan_three_tags_passed_non_ip",
	  .frame = { .nvlan = 3, INVITE }, PASS(SG_R_NON_IP) },
	{ "pppoe_v4_orphan_invite_dropped",
	  .frame = { .pppoe = 1, .pppoe_sid = 0x1234, INVITE }, DROP(SG_R_ORPHAN) },
	{ "pppoe_v6_orphan_invite_dropped",
	  .frame = { V6, .pppoe = 1, INVITE }, DROP(SG_R_ORPHAN) },
	{ "vlan_pppoe_v4_orphan_invite_dropped",
	  .frame = { .nvlan = 1, .pppoe = 1, INVITE }, DROP(SG_R_ORPHAN) },
	{ "qinq_pppoe_v4_orphan_invite_dropped",
	  .frame = { .nvlan = 2, .pppoe = 1, INVITE }, DROP(SG_R_ORPHAN) },
	{ "pppoe_discovery_passed_non_ip",
	  .frame = { .no_ip = 1, .ethertype = PKT_ETH_P_PPPOE_DISC,
		     .payload = CP_BYTES, .bytes = padi, .n = sizeof(padi) },
	  PASS(SG_R_NON_IP) },
	{ "pppoe_lcp_passed_non_ip",
	  .frame = { .pppoe = 1, .ppp_proto = 0xc021, INVITE }, PASS(SG_R_NON_IP) },
	{ "ipv4_options_4_orphan_invite_dropped",
	  .frame = { .ip4_optlen = 4, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv4_options_16_orphan_invite_dropped",
	  .frame = { .ip4_optlen = 16, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv4_options_28_orphan_invite_dropped",
	  .frame = { .ip4_optlen = 28, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv4_options_40_orphan_invite_dropped",
	  .frame = { .ip4_optlen = 40, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv4_options_request_passed",
	  .frame = { .ip4_optlen = 40, REQ("REGISTER") }, PASS(SG_R_REQUEST) },
	{ "ipv6_orphan_invite_dropped", .frame = { V6, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv6_hbh_orphan_invite_dropped",
	  .frame = { V6, .n_ext = 1, .ext = { PKT_EXT_HBH }, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv6_routing_orphan_invite_dropped",
	  .frame = { V6, .n_ext = 1, .ext = { PKT_EXT_ROUTING }, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv6_dstopts_orphan_invite_dropped",
	  .frame = { V6, .n_ext = 1, .ext = { PKT_EXT_DSTOPTS }, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv6_ah_orphan_invite_dropped",
	  .frame = { V6, .n_ext = 1, .ext = { PKT_EXT_AH }, INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv6_ext_chain_at_limit_orphan_invite_dropped",
	  .frame = { V6, .n_ext = SG_IPV6_EXT_MAX,
		     .ext = { PKT_EXT_HBH, PKT_EXT_DSTOPTS, PKT_EXT_ROUTING,
			      PKT_EXT_AH, PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS },
		     INVITE }, DROP(SG_R_ORPHAN) },
	{ "ipv6_ext_chain_too_long_dropped",
	  .frame = { V6, .n_ext = SG_IPV6_EXT_MAX + 1,
		     .ext = { PKT_EXT_HBH, PKT_EXT_DSTOPTS, PKT_EXT_ROUTING,
			      PKT_EXT_AH, PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS,
			      PKT_EXT_DSTOPTS },
		     INVITE }, DROP(SG_R_EXT_CHAIN) },
	{ "ipv6_ext_chain_too_long_allowlisted_passed",
	  .allow = { "2001:db8:bad::/48" },
	  .frame = { V6, .n_ext = 8,
		     .ext = { PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS,
			      PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS,
			      PKT_EXT_DSTOPTS, PKT_EXT_DSTOPTS },
		     INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "ipv6_atomic_fragment_orphan_invite_dropped",
	  .frame = { V6, .n_ext = 1, .ext = { PKT_EXT_FRAG }, INVITE }, DROP(SG_R_ORPHAN) },
};

void test_layers(void)
{
	RUN_CASES(layer_cases);
}

void test_pppoe_bad_version_passed_malformed(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	d.pppoe = 1;
	request(&f, &d, "INVITE");
	f.data[14] = 0x21;
	EXPECT_PASS("pppoe version 2", &f, SG_R_MALFORMED);
}

void test_malformed_ipv4_header_passed(void)
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

void test_malformed_ipv6_header_passed(void)
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

