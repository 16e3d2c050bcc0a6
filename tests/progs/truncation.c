// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Truncation sweeps: every encapsulation and every kind of payload cut at
 * every length, through the XDP program and through the learner.
 */
#include "progs.h"

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
void test_truncation_sweep_xdp(void)
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
						FAIL("encap %d kind %d cut %d/%d: "
						      "got %s, expected %s",
						      i, k, cut, f.len,
						      xdp_name(act), rname(reason));
				}
			}
			ASSERT_EQ(bad, 0, "cuts with a wrong verdict");
		}
	}
	printf("    (%d truncated frames)\n", runs);
}

/* The learner on every cut: TC_ACT_UNSPEC, the packet untouched, no crash. */
void test_truncation_sweep_tc(void)
{
	static const char *m[] = { "REGISTER", "NOTIFY" };
	struct pkt_desc d[16];
	char pl[2048];
	struct pkt_frame f;
	int nd = sweep_descs(d), i, k, cut, n, hl, before;
	char to[INET6_ADDRSTRLEN];

	reset_state();
	for (i = 0; i < nd; i++) {
		/* outbound: swap the roles */
		memcpy(pl, d[i].src, 16);
		memcpy(d[i].src, d[i].dst, 16);
		memcpy(d[i].dst, pl, 16);
		for (k = 0; k < 2; k++) {
			n = pkt_sip_request(pl, sizeof(pl), m[k], "198.51.100.20", 0);
			build(&f, &d[i], pl, n);
			hl = pkt_hdr_len(&d[i]);
			inet_ntop(d[i].ipver == 6 ? AF_INET6 : AF_INET,
				  d[i].dst, to, sizeof(to));
			for (cut = PKT_ETH_HLEN; cut <= f.len; cut++) {
				before = harness_failed();
				if (run_tc_cut(f.data, cut, pkt_l3_off(&d[i]) +
					       (d[i].ipver == 6 ? PKT_IP6_HLEN :
						PKT_IP4_HLEN)) == -2)
					continue;
				/* the one pair a cut could make a flow of;
				 * ended, so the next cut starts from none */
				ASSERT_EQ(flows_del_pair(to, d[i].sport),
					  k == 0 && cut >= hl + 9 ? 1 : 0,
					  "flows after a cut");
				if (harness_failed() && !before) {
					FAIL("encap %d %s cut %d", i, m[k], cut);
					return;
				}
			}
		}
	}
	ASSERT_EQ(flows_count(), 0, "no other flow made");
}

