// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The per-reason, per-verdict counters: packets and bytes summed over the
 * CPUs, and every reason of the fast path reachable.
 */
#include "progs.h"

void test_counters_sum_packets_and_bytes(void)
{
	struct pkt_frame inv, opt;
	struct pkt_desc d;
	struct sg_counter c;

	scan_invite4(&inv);
	in6(&d, SCAN6, 5060, 5060);
	request(&opt, &d, "OPTIONS");
	zero_counters();
	ASSERT_EQ(run_xdp_n(inv.data, inv.len, 5), XDP_DROP, "invite x5");
	ASSERT_EQ(run_xdp_n(opt.data, opt.len, 3), XDP_PASS, "options x3");
	ASSERT_EQ(run_xdp(inv.data, inv.len), XDP_DROP, "invite x1");
	c = ctr(SG_R_ORPHAN, SG_V_DROP);
	ASSERT_EQ(c.packets, 6, "orphan packets");
	ASSERT_EQ(c.bytes, 6 * inv.len, "orphan bytes");
	c = ctr(SG_R_REQUEST, SG_V_PASS);
	ASSERT_EQ(c.packets, 3, "request packets");
	ASSERT_EQ(c.bytes, 3 * opt.len, "request bytes");
	c = ctr(SG_R_ORPHAN, SG_V_PASS);
	ASSERT_EQ(c.packets, 0, "orphan/pass packets");
}

/*
 * Every reason of the fast path is reached by one of these frames (the
 * layer-7 reasons have tests of their own).
 */
void test_counters_every_reason_reached(void)
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
		ASSERT_TRUE(ctr(r, r >= SG_R_FIRST_DROP).packets >= 1, rname(r));
	}
}

