// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Orphan INVITEs: an INVITE from a source that is neither allowlisted nor
 * on an established flow is dropped, however it is spelled (any case, a tab
 * after the method, CR/LF before it) and on whatever ports; CR/LF padding
 * beyond what the classifier skips is dropped as such.
 */
#include "progs.h"

#define CRLF_INVITE(k, c)	.payload = CP_CRLF_INVITE, .n = (k), .fill = (c)

static const struct pkt_case orphan_cases[] = {
	{ "invite_lowercase_dropped",
	  .frame = { REQ("invite") }, DROP(SG_R_ORPHAN) },
	{ "invite_mixed_case_dropped",
	  .frame = { REQ("InViTe") }, DROP(SG_R_ORPHAN) },
	{ "invite_tab_after_method_dropped",
	  .frame = { .payload = CP_TEXT,
		     .text = "INVITE\tsip:100@192.0.2.10 SIP/2.0\r\n\r\n" },
	  DROP(SG_R_ORPHAN) },
	/* up to SG_CRLF_SKIP_MAX CR and LF bytes before the method */
	{ "invite_after_1_crlf_byte_dropped",
	  .frame = { CRLF_INVITE(1, 0) }, DROP(SG_R_ORPHAN) },
	{ "invite_after_8_crlf_bytes_dropped",
	  .frame = { CRLF_INVITE(8, 0) }, DROP(SG_R_ORPHAN) },
	{ "invite_after_15_crlf_bytes_dropped",
	  .frame = { CRLF_INVITE(15, 0) }, DROP(SG_R_ORPHAN) },
	{ "invite_after_22_crlf_bytes_dropped",
	  .frame = { CRLF_INVITE(22, 0) }, DROP(SG_R_ORPHAN) },
	{ "invite_after_29_crlf_bytes_dropped",
	  .frame = { CRLF_INVITE(29, 0) }, DROP(SG_R_ORPHAN) },
	{ "crlf_padding_dropped",
	  .frame = { CRLF_INVITE(SG_CRLF_SKIP_MAX + 2, '\n') },
	  DROP(SG_R_CRLF_PADDING) },
	{ "crlf_padding_allowlisted_passed", .allow = { "198.51.100.20/32" },
	  .frame = { .src = PBX4, CRLF_INVITE(SG_CRLF_SKIP_MAX + 1, '\r') },
	  PASS(SG_R_ALLOWLIST) },
};

void test_orphan_invite(void)
{
	RUN_CASES(orphan_cases);
}

void test_orphan_invite_random_ports_dropped(void)
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

