// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Devices without a link-layer header (ppp, tun, WireGuard): the SG_IF_L3
 * build reads frames from the IP header on, filters and learns as the
 * Ethernet build does; the Ethernet build reads no bare IP packet as its own.
 */
#include "progs.h"

void test_l3_device_filters_from_the_ip_header(void)
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

void test_l3_device_learns_and_lets_the_pbx_in(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	struct sg_flow_slot v;

	S = skel_l3;
	reset_state();
	pkt_desc_init(&d, "198.18.0.7", PBX4, 40000, 5060);	/* NAT's WAN side */
	request(&f, &d, "REGISTER");
	strip_l2(&f, &d);
	run_tc(f.data, f.len);
	ASSERT_EQ(flow_get(PBX4, 5060, 40000, &v), 0, "flow learned");
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
void test_ethernet_build_passes_a_bare_ip_packet(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	request(&f, &d, "INVITE");
	strip_l2(&f, &d);
	run_xdp(f.data, f.len);
	ASSERT_EQ(ctr(SG_R_ORPHAN, SG_V_DROP).packets, 0, "no orphan drop");
}

