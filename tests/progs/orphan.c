// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Orphan INVITEs: an INVITE from a source that is neither allowlisted nor
 * on an established flow is dropped, however it is spelled (any case;
 * blanks, 0x01..0x20, before the method and after it, folds included) and
 * on whatever ports; blank padding beyond what the classifier skips is
 * dropped as such.  Every shape from a stranger is dropped, from the
 * allowlisted PBX and on an established flow delivered, over IPv4 and
 * IPv6.
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

static void scanner_flows(void)
{
	flow_learned(SCAN4, 5060, 5060, 1);
	flow_learned(SCAN6, 5060, 5060, 1);
}

/*
 * Each shape (what stands before the method, what after it) five times:
 * from the scanner over IPv4 and IPv6 (dropped), from the allowlisted PBX
 * over both (delivered), and from the scanner on a flow (delivered).
 */
#define SHAPE(name, pre, post, reason)					\
	{ name "_v4_dropped", .frame = { SHAPED(pre, post) },		\
	  DROP(reason) },						\
	{ name "_v6_dropped", .frame = { .src = SCAN6, SHAPED(pre, post) }, \
	  DROP(reason) },						\
	{ name "_v4_allowlisted_passed", .allow = { PBX4 "/32" },	\
	  .frame = { .src = PBX4, SHAPED(pre, post) },			\
	  PASS(SG_R_ALLOWLIST) },					\
	{ name "_v6_allowlisted_passed", .allow = { PBX6 "/128" },	\
	  .frame = { .src = PBX6, SHAPED(pre, post) },			\
	  PASS(SG_R_ALLOWLIST) },					\
	{ name "_v6_established_passed", .setup = scanner_flows,	\
	  .frame = { .src = SCAN6, SHAPED(pre, post) },			\
	  PASS(SG_R_ESTABLISHED) }

#define BLANKS32	" \t\r\n \t\r\n \t\r\n \t\r\n \t\r\n \t\r\n \t\r\n\x0b\x0c\x01\x1f"
#define BLANKS33	BLANKS32 " "

static const struct pkt_case shape_cases[] = {
	/* before the method (sofia-sip, pjsip, chan_sip) */
	SHAPE("leading_sp", " ", " ", SG_R_ORPHAN),
	SHAPE("leading_htab", "\t", " ", SG_R_ORPHAN),
	SHAPE("leading_blanks", "  \t ", " ", SG_R_ORPHAN),
	SHAPE("crlf_sp", "\r\n ", " ", SG_R_ORPHAN),
	SHAPE("sp_crlf", " \r\n", " ", SG_R_ORPHAN),
	SHAPE("mixed_folds", "\r\n\t \r\n ", " ", SG_R_ORPHAN),
	SHAPE("low_control_bytes", "\x0b\x0c\x1f\x01", " ", SG_R_ORPHAN),
	SHAPE("blanks_32", BLANKS32, " ", SG_R_ORPHAN),
	/* after the method (oSIP, sofia-sip, pjsip, chan_sip) */
	SHAPE("sp_sp", "", "  ", SG_R_ORPHAN),
	SHAPE("sp_htab", "", " \t", SG_R_ORPHAN),
	SHAPE("fold_crlf_sp", "", "\r\n ", SG_R_ORPHAN),
	SHAPE("fold_lf_htab", "", "\n\t", SG_R_ORPHAN),
	SHAPE("fold_cr_sp", "", "\r ", SG_R_ORPHAN),
	SHAPE("bare_crlf", "", "\r\n", SG_R_ORPHAN),
	SHAPE("vt", "", "\x0b", SG_R_ORPHAN),
	/* both */
	SHAPE("leading_sp_and_fold", " ", "\r\n ", SG_R_ORPHAN),
	SHAPE("htab_and_lf_fold", "\t", "\n\t", SG_R_ORPHAN),
	/* more blanks than the classifier skips: padding */
	SHAPE("blanks_33", BLANKS33, " ", SG_R_CRLF_PADDING),
};

void test_orphan_invite(void)
{
	RUN_CASES(orphan_cases);
}

void test_orphan_invite_blank_shapes(void)
{
	RUN_CASES(shape_cases);
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

