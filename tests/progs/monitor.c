// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Monitor mode, from the build (SG_IF_MONITOR in .rodata) or from the
 * config (SG_CFG_MONITOR): every would-be drop passes, counted under its
 * drop reason with the verdict pass.
 */
#include "progs.h"

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

void test_monitor_rodata_would_drop_counted_as_pass(void)
{
	S = skel_mon;
	reset_state();
	monitor_checks();
}

void test_monitor_config_would_drop_counted_as_pass(void)
{
	set_config(SG_CFG_MONITOR, 0);
	monitor_checks();
}

void test_monitor_config_off_drops_again(void)
{
	struct pkt_frame f;

	scan_invite4(&f);
	set_config(SG_CFG_MONITOR, 0);
	EXPECT_WOULD_DROP("monitor on", &f, SG_R_ORPHAN);
	set_config(0, 0);
	EXPECT_DROP("monitor off", &f, SG_R_ORPHAN);
}

