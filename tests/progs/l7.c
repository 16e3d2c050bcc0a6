// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Layer 7 (sipguard_l7, reached by a tail call): the deny list, bans, the
 * inspect policy for unknown INVITEs (Request-URI users, From, To tag) and
 * the User-Agent blocklist, and which of them the allowlist and established
 * flows override.
 */
#include "progs.h"
#include "sip_val.h"
#include "uaset.h"

static struct sg_ua_set *ua_buf;

/* Config for layer-7 tests: FLAGS, ban time, and a User-Agent list. */
static void l7_config(__u32 flags, __u32 ban_time_s, const char *const *uas)
{
	struct sg_config c = { .flags = flags, .ban_time_s = ban_time_s };
	__u32 zero = 0;

	if (!ua_buf)
		ua_buf = calloc(1, sizeof(*ua_buf));
	memset(ua_buf, 0, sizeof(*ua_buf));
	for (; uas && *uas; uas++)
		if (sg_ua_set_add(ua_buf, *uas))
			FAIL("ua pattern %s", *uas);
	if (bpf_map_update_elem(MAPFD(sg_ua), &zero, ua_buf, BPF_ANY))
		FAIL("ua set: %s", strerror(errno));
	c.ua_slot = 0;
	c.ua_count = ua_buf->count;
	if (bpf_map_update_elem(MAPFD(sg_config), &zero, &c, BPF_ANY))
		FAIL("config update: %s", strerror(errno));
}

static void user_add(const char *user)
{
	struct sg_user_key k = {};
	__u32 origin = SG_ORIGIN_CLI;

	snprintf(k.user, sizeof(k.user), "%s", user);
	if (bpf_map_update_elem(MAPFD(sg_users), &k, &origin, BPF_ANY))
		FAIL("users add %s failed", user);
}

static int banned_src(const char *addr, struct sg_ban_val *b)
{
	struct sg_addr a;

	to_addr(addr, &a);
	return bpf_map_lookup_elem(MAPFD(sg_bans), &a, b) == 0;
}

static const char *const scanner_uas[] = { "friendly-scanner", "sipvicious",
					   "sipcli", NULL };

void test_l7_inspect_clean_invite_passed(void)
{
	struct pkt_frame f;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("clean unknown INVITE under inspect", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN6, "INVITE", "100", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("clean IPv6 INVITE without User-Agent", &f, SG_R_INSPECTED);
}

void test_l7_drop_policy_drops_before_any_header_check(void)
{
	struct pkt_frame f;
	struct sg_ban_val b;

	l7_config(0, 600, scanner_uas);
	deny_add("203.0.113.0/24");
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("unknown INVITE under drop, scanner UA, denied", &f, SG_R_ORPHAN);
	ASSERT_TRUE(!banned_src(SCAN4, &b), "no ban from an orphan INVITE");
}

void test_l7_inspect_blocked_ua_dropped_and_banned(void)
{
	struct pkt_frame f;
	struct sg_ban_val b = {};

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("INVITE with a blocked UA", &f, SG_R_UA_BLOCKED);
	ASSERT_TRUE(banned_src(SCAN4, &b), "source banned");
	ASSERT_EQ(b.reason, SG_R_UA_BLOCKED, "ban reason");
	ASSERT_TRUE(b.expires_ns > now_ns() + 590 * NSEC &&
		    b.expires_ns <= now_ns() + 600 * NSEC, "ban for about 600 s");
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("the banned source's innocent INVITE", &f, SG_R_BANNED);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("the banned source's OPTIONS", &f, SG_R_BANNED);
	sip_msg(&f, SCAN6, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("another source", &f, SG_R_INSPECTED);
}

void test_l7_ban_time_zero_bans_nobody(void)
{
	struct pkt_frame f;
	struct sg_ban_val b;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 0, scanner_uas);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("blocked UA without bans", &f, SG_R_UA_BLOCKED);
	ASSERT_TRUE(!banned_src(SCAN4, &b), "no ban");
}

void test_l7_expired_ban_lets_requests_through(void)
{
	struct sg_ban_val b = { .reason = SG_R_UA_BLOCKED };
	struct pkt_frame f;
	struct sg_addr a;

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	to_addr(SCAN4, &a);
	b.banned_ns = ago_ns(700);
	b.expires_ns = ago_ns(100);
	bpf_map_update_elem(MAPFD(sg_bans), &a, &b, BPF_ANY);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("after the ban ran out", &f, SG_R_INSPECTED);
}

void test_l7_inspect_users(void)
{
	struct pkt_frame f;

	NEED_L7();

	l7_config(SG_CFG_INSPECT | SG_CFG_USERS, 600, NULL);
	user_add("100");
	user_add("2001");
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("a configured user", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "2001", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("another configured user", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "1000", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_DROP("a user that only starts like one", &f, SG_R_UNKNOWN_USER);
	sip_msg(&f, SCAN4, "INVITE", "10", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_DROP("a prefix of a user", &f, SG_R_UNKNOWN_USER);
	sip_msg(&f, SCAN4, "INVITE", "999", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_DROP("an unknown user", &f, SG_R_UNKNOWN_USER);
	/* without the users flag any user may be called */
	l7_config(SG_CFG_INSPECT, 600, NULL);
	EXPECT_PASS("users not enforced", &f, SG_R_INSPECTED);
}

/* The user of a request line folded or padded after the method (sip.h). */
void test_l7_inspect_users_blanks_after_method(void)
{
	NEED_L7();
	static const char *const gaps[] = { "\t", "   ", "\r\n ", "\n\t", "\x0b", " \r\n " };
	static const char *const srcs[] = { SCAN4, SCAN6 };
	static const struct {
		const char *user, *what;
		int drop;
	} calls[] = {
		{ "100", "a configured user after the blanks", 0 },
		{ "999", "an unknown user after the blanks", 1 },
	};
	char sip[512];
	struct pkt_frame f;
	struct pkt_desc d;
	size_t i, j, k;
	int n;

	l7_config(SG_CFG_INSPECT | SG_CFG_USERS, 600, NULL);
	user_add("100");
	for (i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++)
		for (j = 0; j < 2; j++)
			for (k = 0; k < 2; k++) {
				pkt_desc_init(&d, srcs[j], j ? LOCAL6 : LOCAL4, 5060, 5060);
				n = snprintf(sip, sizeof(sip),
					     "INVITE%ssip:%s@192.0.2.10 SIP/2.0\r\n"
					     "Via: SIP/2.0/UDP 203.0.113.66:5060;branch=z9hG4bK-77\r\n"
					     "%s%sCall-ID: 77@203.0.113.66\r\nCSeq: 1 INVITE\r\n"
					     "Content-Length: 0\r\n\r\n",
					     gaps[i], calls[k].user, GOOD_FROM, GOOD_TO);
				build(&f, &d, sip, n);
				if (calls[k].drop)
					EXPECT_DROP(calls[k].what, &f, SG_R_UNKNOWN_USER);
				else
					EXPECT_PASS(calls[k].what, &f, SG_R_INSPECTED);
			}
}

void test_l7_inspect_from_checks(void)
{
	struct pkt_frame f;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, NULL);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <sip:198.51.100.99>;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_DROP("From without a user", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <sip:@198.51.100.99>;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_DROP("From with an empty user", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <http://198.51.100.99>\r\n",
		GOOD_TO, NULL);
	EXPECT_DROP("From with no SIP URI", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", NULL, GOOD_TO, NULL);
	EXPECT_DROP("no From at all", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <tel:+4930123456>;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_PASS("a tel URI", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "100", "FROM  :  sips:alice@198.51.100.99;tag=1\r\n",
		GOOD_TO, NULL);
	EXPECT_PASS("odd case, blanks before the colon, sips", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "100", "f:<sip:198.51.100.99>\r\n", GOOD_TO, NULL);
	EXPECT_DROP("compact f without a user", &f, SG_R_BAD_FROM);
	sip_msg(&f, SCAN4, "INVITE", "100", "f: <sip:7@198.51.100.99>\r\n", GOOD_TO, NULL);
	EXPECT_PASS("compact f with a user", &f, SG_R_INSPECTED);
}

void test_l7_inspect_to_tag_dropped(void)
{
	struct pkt_frame f;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, NULL);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"To: <sip:100@192.0.2.10>;tag=abc\r\n", NULL);
	EXPECT_DROP("To with a tag", &f, SG_R_TO_TAG);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"t : <sip:100@192.0.2.10>;TAG=abc\r\n", NULL);
	EXPECT_DROP("compact t, blank before the colon, upper-case TAG", &f,
		    SG_R_TO_TAG);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"To: <sip:100@192.0.2.10;tag=inuri>\r\n", NULL);
	EXPECT_PASS("tag inside the URI is no To tag", &f, SG_R_INSPECTED);
}

void test_l7_other_requests_blocked_ua_dropped_and_banned(void)
{
	struct pkt_frame f;
	struct sg_ban_val b;

	NEED_L7();

	l7_config(0, 600, scanner_uas);		/* default drop policy */
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO,
		"user-AGENT  :\tSIPVicious 0.3.4\r\n");
	EXPECT_DROP("OPTIONS probe with a blocked UA (odd case, blanks)", &f,
		    SG_R_UA_BLOCKED);
	ASSERT_TRUE(banned_src(SCAN4, &b), "source banned");
	sip_msg(&f, SCAN4, "REGISTER", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("the banned source's REGISTER", &f, SG_R_BANNED);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("its INVITE under drop: orphan first", &f, SG_R_ORPHAN);
	sip_msg(&f, SCAN6, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("an innocent OPTIONS", &f, SG_R_REQUEST);
	sip_msg(&f, SCAN6, "REGISTER", "100", GOOD_FROM, GOOD_TO, NULL);
	EXPECT_PASS("a REGISTER without User-Agent", &f, SG_R_REQUEST);
}

void test_l7_no_rules_requests_skip_lookups(void)
{
	struct pkt_frame f;

	l7_config(0, 600, NULL);
	allow_add("203.0.113.66/32");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_PASS("no deny list, no UA list: plain request", &f, SG_R_REQUEST);
}

void test_l7_deny_list_drops_every_request(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	l7_config(SG_CFG_DENY | SG_CFG_INSPECT, 600, NULL);
	deny_add("203.0.113.0/24");
	deny_add("2001:db8:bad::/48");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("OPTIONS from a denied prefix", &f, SG_R_DENIED);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("INVITE under inspect from a denied prefix", &f, SG_R_DENIED);
	sip_msg(&f, SCAN6, "REGISTER", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("IPv6 REGISTER from a denied prefix", &f, SG_R_DENIED);
	in4(&d, SCAN4, 5060, 5060);
	response(&f, &d, "200 OK");
	EXPECT_PASS("a response from a denied prefix", &f, SG_R_RESPONSE);
	sip_msg(&f, PBX4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("outside the prefix", &f, SG_R_REQUEST);
}

void test_l7_allowlist_beats_deny_list_and_ua(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_DENY | SG_CFG_INSPECT, 600, scanner_uas);
	deny_add("198.51.100.0/24");
	allow_add("198.51.100.20/32");
	sip_msg(&f, PBX4, "INVITE", "100", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("allowlisted PBX inside a denied prefix", &f, SG_R_ALLOWLIST);
	sip_msg(&f, PBX4, "OPTIONS", "100", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("its OPTIONS with a blocked UA", &f, SG_R_ALLOWLIST);
}

void test_l7_established_beats_deny_list_and_ua(void)
{
	struct pkt_frame f;

	l7_config(SG_CFG_DENY | SG_CFG_INSPECT, 600, scanner_uas);
	deny_add("203.0.113.0/24");
	flow_learned(SCAN4, 5060, 5060, 1);
	sip_msg(&f, SCAN4, "INVITE", "100", NULL, "To: <sip:1@x>;tag=1\r\n", SCANNER_UA);
	EXPECT_PASS("INVITE on an established flow", &f, SG_R_ESTABLISHED);
}

void test_l7_header_after_long_header_block(void)
{
	char extra[1400];
	struct pkt_frame f;
	int i;

	NEED_L7();

	l7_config(0, 600, scanner_uas);
	extra[0] = 0;
	for (i = 0; i < 13; i++)
		strcat(extra, "X-Filler: 01234567890123456789012345678901234567890123456789012345678901234567890123\r\n");
	strcat(extra, SCANNER_UA);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, extra);
	ASSERT_TRUE(f.len - 42 > 1300 && f.len - 42 < SG_SCAN_MAX,
		    "the User-Agent ends near the scan limit");
	EXPECT_DROP("User-Agent after 1300 bytes of headers", &f, SG_R_UA_BLOCKED);
}

void test_l7_user_agent_across_scan_limit(void)
{
	char extra[2000];
	struct pkt_frame f;
	int head;

	NEED_L7();

	l7_config(0, 600, scanner_uas);
	/* the pattern starts before byte 1400 of the message and ends after */
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, "");
	head = f.len - 42 - 20;		/* frame headers and the tail */
	snprintf(extra, sizeof(extra), "X-Pad: %0*d\r\nUser-Agent: %s\r\n",
		 SG_SCAN_MAX - head - 9 - 12 - 8, 0, "xx friendly-scanner");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, extra);
	EXPECT_PASS("pattern cut by the scan limit does not match", &f,
		    SG_R_REQUEST);
	snprintf(extra, sizeof(extra), "X-Pad: %0*d\r\nUser-Agent: %s\r\n",
		 SG_SCAN_MAX - head - 9 - 12 - 20, 0, "sipcli friendly-scanner");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, extra);
	EXPECT_DROP("pattern before the limit matches", &f, SG_R_UA_BLOCKED);
}

void test_l7_without_layer7_program_requests_pass(void)
{
	int fd = bpf_map__fd(S->maps.sg_l7_prog);
	__u32 zero = 0;
	struct pkt_frame f;
	int l7 = bpf_program__fd(S->progs.sipguard_l7);

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	bpf_map_delete_elem(fd, &zero);
	sip_msg(&f, SCAN4, "INVITE", "999", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("inspect without sipguard_l7 fails open", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "OPTIONS", "100", NULL, NULL, SCANNER_UA);
	EXPECT_PASS("UA list without sipguard_l7 fails open", &f, SG_R_REQUEST);
	bpf_map_update_elem(fd, &zero, &l7, BPF_ANY);
	sip_msg(&f, SCAN4, "OPTIONS", "100", NULL, NULL, SCANNER_UA);
	EXPECT_DROP("and with it back", &f, SG_R_UA_BLOCKED);
}


/* Issue 10, item 7: inspect reads folded and long To and From values. */
void test_l7_inspect_folded_headers(void)
{
	struct pkt_frame f;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, NULL);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"To: <sip:100@192.0.2.10>\r\n ;tag=abc\r\n", NULL);
	EXPECT_DROP("To tag on a continuation line", &f, SG_R_TO_TAG);
	sip_msg(&f, SCAN6, "INVITE", "100", GOOD_FROM,
		"t: <sip:100@192.0.2.10>;\r\n\tTAG = abc\r\n", NULL);
	EXPECT_DROP("compact t, fold after ';', IPv6", &f, SG_R_TO_TAG);
	sip_msg(&f, SCAN4, "INVITE", "100", GOOD_FROM,
		"To: <sip:100@192.0.2.10>\r\n ;x=1\r\n", NULL);
	EXPECT_PASS("a folded To without a tag", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "100",
		"From: \"Bob\"\r\n <sip:200@198.51.100.99>\r\n ;tag=42\r\n", GOOD_TO, NULL);
	EXPECT_PASS("From URI on a continuation line", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "100", "f:\r\n\tsip:200@198.51.100.99\r\n", GOOD_TO, NULL);
	EXPECT_PASS("compact f, empty first line", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "INVITE", "100", "From: \"Bob\"\r\n <sip:198.51.100.99>\r\n", GOOD_TO, NULL);
	EXPECT_DROP("a folded From without a user is still bad", &f, SG_R_BAD_FROM);
}

/* "Name: \"<n bytes of display name>\" TAIL\r\n" */
static void long_hdr(char *out, size_t size, const char *name, int n, const char *tail)
{
	int k = snprintf(out, size, "%s: \"", name), i;

	for (i = 0; i < n && k < (int)size - 40; i++)
		out[k++] = 'a' + i % 26;
	snprintf(out + k, size - k, "\" %s\r\n", tail);
}

void test_l7_inspect_long_to_and_from(void)
{
	char from[600], to[600];
	struct pkt_frame f;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	long_hdr(from, sizeof(from), "From", 400, "<sip:200@198.51.100.99>;tag=42");
	long_hdr(to, sizeof(to), "To", 400, "<sip:100@192.0.2.10>");
	sip_msg(&f, SCAN4, "INVITE", "100", from, to, PHONE_UA);
	ASSERT_TRUE(f.len - 42 < SG_SCAN_MAX, "within the scan limit");
	EXPECT_PASS("400-byte To and From: a clean call", &f, SG_R_INSPECTED);
	long_hdr(to, sizeof(to), "To", 400, "<sip:100@192.0.2.10>;tag=1");
	sip_msg(&f, SCAN6, "INVITE", "100", from, to, NULL);
	EXPECT_DROP("a tag 400 bytes into To", &f, SG_R_TO_TAG);
	long_hdr(from, sizeof(from), "From", 400, "<sip:198.51.100.99>;tag=42");
	sip_msg(&f, SCAN4, "INVITE", "100", from, GOOD_TO, NULL);
	EXPECT_DROP("a long From without a user", &f, SG_R_BAD_FROM);
}

/* Issue 10, item 6: an unfinished scan never drops. */
void test_l7_worst_case_unfinished_scan_passes(void)
{
	char extra[1500], big[1600];
	struct pkt_frame f;
	int k = 0;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	/* header lines that start like To, more than the steps can read */
	while (k < 1000)
		k += snprintf(extra + k, sizeof(extra) - k, "to\r\n");
	sip_msg(&f, SCAN4, "INVITE", "100", extra, "From: <sip:198.51.100.99>\r\n", NULL);
	EXPECT_PASS("From past the step limit: unfinished, passes", &f, SG_R_INSPECTED);
	sip_msg(&f, SCAN4, "OPTIONS", "100", extra, GOOD_TO, SCANNER_UA);
	EXPECT_PASS("UA past the step limit: not seen, passes", &f, SG_R_REQUEST);
	/* no From in the first SG_SCAN_MAX bytes of a longer request */
	k = snprintf(big, sizeof(big), "X-Pad: ");
	while (k < 1450)
		big[k++] = 'p';
	snprintf(big + k, sizeof(big) - k, "\r\n");
	sip_msg(&f, SCAN4, "INVITE", "100", big, "From: <sip:198.51.100.99>\r\n", NULL);
	EXPECT_PASS("From beyond the copy: passes", &f, SG_R_INSPECTED);
	/* the same From within the copy is read whole: a drop */
	sip_msg(&f, SCAN4, "INVITE", "100", "From: <sip:198.51.100.99>\r\n", extra, NULL);
	EXPECT_DROP("From read whole before the flood", &f, SG_R_BAD_FROM);
}

/*
 * Lines of other headers cost the scan no units: a From without a user
 * after 550 two-byte lines is read whole, and drops.
 */
void test_l7_short_line_flood_is_read_to_its_end(void)
{
	char from[1500];
	struct pkt_frame f;
	int k = 0;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	while (k < 1100)
		k += snprintf(from + k, sizeof(from) - k, "x\n");
	snprintf(from + k, sizeof(from) - k, "From: <sip:198.51.100.99>\r\n");
	sip_msg(&f, SCAN4, "INVITE", "100", from, GOOD_TO, NULL);
	ASSERT_TRUE(f.len - 42 < SG_SCAN_MAX, "within the scan limit");
	EXPECT_DROP("a From without a user after the flood", &f, SG_R_BAD_FROM);
}

/*
 * The User-Agent tries: those that fail at the third byte (inline), the
 * others (sg_ua_pos_g), and the budget between them.
 */
void test_l7_user_agent_tries_and_their_budget(void)
{
	static const char *const uas[] = { "iwar", "friendly-scanner", NULL };
	char ua[300];
	struct pkt_frame f;
	int k, pairs;

	NEED_L7();

	l7_config(0, 0, uas);	/* no bans: every request is judged anew */
	for (pairs = 50; pairs <= 60; pairs += 10) {
		k = snprintf(ua, sizeof(ua), "User-Agent: ");
		while (k < 12 + 2 * pairs)
			k += snprintf(ua + k, sizeof(ua) - k, "iw");
		snprintf(ua + k, sizeof(ua) - k, "friendly-scanner\r\n");
		sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, ua);
		if (pairs == 50)
			/* 50 tries of iwar, 2 each: 28 left, enough for 16 */
			EXPECT_DROP("the scanner behind 50 near-matches", &f,
				    SG_R_UA_BLOCKED);
		else
			/* 60 tries spend 120: 8 left, not enough: fail open */
			EXPECT_PASS("the scanner behind 60: budget gone", &f,
				    SG_R_REQUEST);
	}
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO,
		"User-Agent: iwa iwaiwar\r\n");
	EXPECT_DROP("a try past the third byte, then the match", &f,
		    SG_R_UA_BLOCKED);
}

/*
 * Bans that a spoofer cannot aim (issue 10): a ban is the word of one
 * unauthenticated datagram, so it never blocks a source that the LAN
 * opened a flow to, fresh or long expired, and the LAN's request to an
 * address lifts its ban.
 */
void test_l7_spoofed_ban_never_blocks_a_source_the_lan_talks_to(void)
{
	struct pkt_frame f;
	struct pkt_desc d;
	struct sg_ban_val b;

	NEED_L7();

	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	/* the phone registered with PBX4 two hours ago: the flow expired */
	flow_learned(PBX4, 5060, 5060, 7200);
	sip_msg(&f, PBX4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("a spoofed OPTIONS naming the PBX, blocked UA", &f,
		    SG_R_UA_BLOCKED);
	ASSERT_TRUE(banned_src(PBX4, &b), "the ban was made");
	sip_msg(&f, PBX4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("the PBX's clean INVITE (expired flow) is not banned", &f,
		    SG_R_INSPECTED);
	sip_msg(&f, PBX4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("nor its OPTIONS", &f, SG_R_REQUEST);
	/* a fresh flow: established, before bans are asked at all */
	flow_learned(PBX4, 5060, 5060, 0);
	sip_msg(&f, PBX4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("INVITE on a fresh flow", &f, SG_R_ESTABLISHED);

	/* the flow is on another local port: the ban holds there */
	reset_state();
	l7_config(SG_CFG_INSPECT, 600, scanner_uas);
	flow_learned(PBX4, 5060, 5062, 7200);
	sip_msg(&f, PBX4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("blocked UA", &f, SG_R_UA_BLOCKED);
	sip_msg(&f, PBX4, "INVITE", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("a flow from local 5062 does not exempt calls to 5060", &f,
		    SG_R_BANNED);

	/* the LAN's request to a banned address lifts the ban */
	out4(&d, PBX4, 5060, 5060);
	request(&f, &d, "REGISTER");
	run_tc(f.data, f.len);
	ASSERT_TRUE(!banned_src(PBX4, &b), "the REGISTER lifted the ban");
	/* a response opens nothing and lifts nothing */
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("the scanner's blocked UA", &f, SG_R_UA_BLOCKED);
	out4(&d, SCAN4, 5060, 5060);
	response(&f, &d, "200 OK");
	run_tc(f.data, f.len);
	ASSERT_TRUE(banned_src(SCAN4, &b), "the phone's answer lifted no ban");
}

static void flood_src(char *buf, size_t n, int i)
{
	snprintf(buf, n, "198.18.%d.%d", (i >> 8) & 0xff, i & 0xff);
}

static struct sg_ban_stat ban_stat(void)
{
	struct sg_ban_stat st = {};
	__u32 zero = 0;

	bpf_map_lookup_elem(MAPFD(sg_banstat), &zero, &st);
	return st;
}

/*
 * A flood of blocked User-Agents from spoofed sources, more than sg_bans
 * holds, does not push out an earlier ban: at most SG_BANS_QUOTA new bans
 * per ban-time, the rest are refused and counted (their requests still
 * dropped).  An LRU without the quota evicts the first ban.
 */
void test_l7_ban_flood_keeps_earlier_bans(void)
{
	int i, n = SG_BANS_MAX + SG_BANS_MAX / 4, drops = 0;
	struct sg_ban_val b;
	struct pkt_frame f;
	struct sg_ban_stat st;
	char src[32];

	NEED_L7();

	l7_config(0, 600, scanner_uas);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("the real scanner", &f, SG_R_UA_BLOCKED);
	ASSERT_TRUE(banned_src(SCAN4, &b), "the real scanner is banned");
	for (i = 0; i < n; i++) {
		flood_src(src, sizeof(src), i);
		sip_msg(&f, src, "OPTIONS", "100", GOOD_FROM, GOOD_TO,
			SCANNER_UA);
		if (run_xdp(f.data, f.len) == XDP_DROP)
			drops++;
	}
	ASSERT_EQ(drops, n, "every spoofed request dropped");
	ASSERT_TRUE(banned_src(SCAN4, &b), "the real ban survived the flood");
	st = ban_stat();
	ASSERT_EQ(map_count(MAPFD(sg_bans)), SG_BANS_QUOTA,
		  "bans in the table: the window's quota");
	ASSERT_EQ(st.granted, SG_BANS_QUOTA, "bans granted");
	ASSERT_EQ(st.refused, n + 1 - SG_BANS_QUOTA, "bans refused");
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_DROP("the real scanner's clean OPTIONS", &f, SG_R_BANNED);
	flood_src(src, sizeof(src), n - 1);
	sip_msg(&f, src, "OPTIONS", "100", GOOD_FROM, GOOD_TO, PHONE_UA);
	EXPECT_PASS("a refused ban bans nobody", &f, SG_R_REQUEST);
}

/* A new window of ban-time seconds brings a new quota. */
void test_l7_ban_quota_renews_each_ban_time(void)
{
	struct sg_ban_stat st = { .in_window = SG_BANS_QUOTA };
	struct pkt_frame f;
	struct sg_ban_val b;
	__u32 zero = 0;

	NEED_L7();

	l7_config(0, 600, scanner_uas);
	st.window_ns = now_ns();
	bpf_map_update_elem(MAPFD(sg_banstat), &zero, &st, BPF_ANY);
	sip_msg(&f, SCAN4, "OPTIONS", "100", GOOD_FROM, GOOD_TO, SCANNER_UA);
	EXPECT_DROP("blocked UA, quota spent", &f, SG_R_UA_BLOCKED);
	ASSERT_TRUE(!banned_src(SCAN4, &b), "no ban while the quota is spent");
	ASSERT_EQ(ban_stat().refused, 1, "refused");

	st.window_ns = now_ns() - 601 * NSEC;	/* wraps on a young machine */
	bpf_map_update_elem(MAPFD(sg_banstat), &zero, &st, BPF_ANY);
	EXPECT_DROP("blocked UA, next window", &f, SG_R_UA_BLOCKED);
	ASSERT_TRUE(banned_src(SCAN4, &b), "banned in the new window");
	ASSERT_EQ(ban_stat().in_window, 1, "one ban in the new window");
}
