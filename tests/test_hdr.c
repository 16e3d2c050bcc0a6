// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the SIP header scanner (bpf/sip_hdr.h): the very code the
 * kernel's sipguard_l7 runs, driven here by plain loops and checked under
 * AddressSanitizer.  Every message is copied into a buffer of its exact
 * size first, as the kernel copies the packet into its scratch buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_hdr.h"
#include "../loader/uaset.h"

static int passed, failed;
static const char *cur_test;

#define EXPECT_STR(what, span, want)                                          \
	do {                                                                  \
		char got_[512];                                               \
		size_t n_ = (span).len < sizeof(got_) - 1 ? (span).len        \
							  : sizeof(got_) - 1; \
		memcpy(got_, s->buf + (span).off, n_);                        \
		got_[n_] = 0;                                                 \
		if (strcmp(got_, (want))) {                                   \
			fprintf(stderr, "    %s: %s: expected '%s', got '%s'\n", \
				cur_test, what, (want), got_);                \
			ok = 0;                                               \
		}                                                             \
	} while (0)

#define EXPECT_INT(what, want, got)                                           \
	do {                                                                  \
		long long w_ = (want), g_ = (got);                            \
		if (w_ != g_) {                                               \
			fprintf(stderr, "    %s: %s: expected %lld, got %lld\n", \
				cur_test, what, w_, g_);                      \
			ok = 0;                                               \
		}                                                             \
	} while (0)

#define TEST(name) static int name(void)
#define RUN(name)                                                             \
	do {                                                                  \
		cur_test = #name;                                             \
		if (name()) {                                                 \
			passed++;                                             \
			printf("  %-60s ok\n", #name);                        \
		} else {                                                      \
			failed++;                                             \
			printf("  %-60s FAILED\n", #name);                    \
		}                                                             \
	} while (0)

/* Scan msg as the kernel would: the first SG_SCAN_MAX bytes of it. */
static struct sg_scan *scan(const char *msg)
{
	struct sg_scan *s = calloc(1, sizeof(*s));
	size_t n = strlen(msg);

	if (n > SG_SCAN_MAX)
		n = SG_SCAN_MAX;
	/* stale bytes after the data, as a reused per-CPU buffer has */
	memset(s->buf, 'x', sizeof(s->buf));
	memcpy(s->buf, msg, n);
	s->len = n;
	sg_scan_all(s);
	return s;
}

static char *from_user(const struct sg_scan *s)
{
	static char u[128];
	__u32 off = 0, n = sg_uri_user(s, s->hdr[SG_H_FROM], &off);

	memcpy(u, s->buf + off, n);
	u[n] = 0;
	return u;
}

static const char *sipvicious =
	"INVITE sip:100@198.51.100.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK-1;rport\r\n"
	"Max-Forwards: 70\r\n"
	"To: \"sipvicious\"<sip:100@1.1.1.1>\r\n"
	"From: \"sipvicious\"<sip:100@1.1.1.1>;tag=6637\r\n"
	"User-Agent: friendly-scanner\r\n"
	"Call-ID: 1234\r\n"
	"CSeq: 1 INVITE\r\n"
	"Content-Length: 0\r\n\r\n";

TEST(test_long_names_found)
{
	struct sg_scan *s = scan(sipvicious);
	int ok = 1;

	EXPECT_STR("ruri", s->ruri, "sip:100@198.51.100.1");
	EXPECT_STR("ua", s->hdr[SG_H_UA], "friendly-scanner");
	EXPECT_STR("from", s->hdr[SG_H_FROM], "\"sipvicious\"<sip:100@1.1.1.1>;tag=6637");
	EXPECT_STR("to", s->hdr[SG_H_TO], "\"sipvicious\"<sip:100@1.1.1.1>");
	EXPECT_INT("from user", 0, strcmp(from_user(s), "100"));
	EXPECT_INT("to tag", 0, sg_has_tag(s, s->hdr[SG_H_TO]));
	EXPECT_INT("lines", 8, s->lines);
	free(s);
	return ok;
}

TEST(test_compact_names_odd_case_and_blanks_before_colon)
{
	struct sg_scan *s = scan("invite sip:200@192.0.2.1 SIP/2.0\r\n"
				 "v: SIP/2.0/UDP 192.0.2.9\r\n"
				 "F :\t<tel:+4930123>;tag=1\r\n"
				 "t  : <sip:200@192.0.2.1>;TAG=99\r\n"
				 "uSeR-aGeNt\t:   Foo Bar\r\n"
				 "i: abc\r\n\r\n");
	int ok = 1;

	EXPECT_STR("ua", s->hdr[SG_H_UA], "Foo Bar");
	EXPECT_STR("from", s->hdr[SG_H_FROM], "<tel:+4930123>;tag=1");
	EXPECT_STR("to", s->hdr[SG_H_TO], "<sip:200@192.0.2.1>;TAG=99");
	EXPECT_INT("tel user", 0, strcmp(from_user(s), "+4930123"));
	EXPECT_INT("to tag in any case", 1, sg_has_tag(s, s->hdr[SG_H_TO]));
	free(s);
	return ok;
}

TEST(test_names_that_only_start_like_a_header_are_not_it)
{
	struct sg_scan *s = scan("OPTIONS sip:x@192.0.2.1 SIP/2.0\r\n"
				 "Foo: bar\r\n"
				 "Tox: y\r\n"
				 "User-Agents: nope\r\n"
				 "User-Agent: real\r\n\r\n");
	int ok = 1;

	EXPECT_INT("no From", 0, s->hdr[SG_H_FROM].len);
	EXPECT_INT("no To", 0, s->hdr[SG_H_TO].len);
	EXPECT_STR("ua", s->hdr[SG_H_UA], "real");
	free(s);
	return ok;
}

TEST(test_first_occurrence_wins_and_body_is_not_headers)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\n"
				 "User-Agent: first\r\n"
				 "User-Agent: second\r\n"
				 "\r\n"
				 "From: <sip:body@192.0.2.1>\r\n");
	int ok = 1;

	EXPECT_STR("ua", s->hdr[SG_H_UA], "first");
	EXPECT_INT("From in the body", 0, s->hdr[SG_H_FROM].len);
	free(s);
	return ok;
}

TEST(test_header_after_long_header_block_found)
{
	char msg[SG_SCAN_MAX];
	struct sg_scan *s;
	int ok = 1, i;

	strcpy(msg, "OPTIONS sip:x@192.0.2.1 SIP/2.0\r\n");
	for (i = 0; i < 12; i++)
		strcat(msg, "X-Filler: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n");
	strcat(msg, "X-Very-Long: ");
	for (i = 0; i < 30; i++)
		strcat(msg, "abcdefghij");
	strcat(msg, "\r\nUser-Agent: sipcli/1.0\r\n\r\n");
	if (strlen(msg) >= SG_SCAN_MAX) {
		fprintf(stderr, "    test message too long\n");
		return 0;
	}
	s = scan(msg);
	EXPECT_STR("ua after 1300 bytes of headers", s->hdr[SG_H_UA], "sipcli/1.0");
	free(s);
	return ok;
}

TEST(test_user_agent_across_scan_limit_is_cut_there)
{
	char msg[3000];
	struct sg_scan *s;
	int ok = 1;
	size_t pre;

	strcpy(msg, "OPTIONS sip:x@192.0.2.1 SIP/2.0\r\nX-Pad: ");
	while (strlen(msg) < SG_SCAN_MAX - 20)
		strcat(msg, "p");
	strcat(msg, "\r\nUser-Agent: friendly-scanner-with-a-long-tail\r\n\r\n");
	s = scan(msg);
	pre = strstr(msg, "User-Agent: ") - msg + strlen("User-Agent: ");
	EXPECT_INT("ua starts where it is", pre, s->hdr[SG_H_UA].off);
	EXPECT_INT("ua cut at the scan limit", SG_SCAN_MAX - pre, s->hdr[SG_H_UA].len);
	free(s);
	return ok;
}

TEST(test_header_beyond_scan_limit_not_found)
{
	char msg[3000];
	struct sg_scan *s;
	int ok = 1;

	strcpy(msg, "OPTIONS sip:x@192.0.2.1 SIP/2.0\r\n");
	while (strlen(msg) < SG_SCAN_MAX + 10)
		strcat(msg, "X-Pad: 0123456789\r\n");
	strcat(msg, "User-Agent: late\r\n\r\n");
	s = scan(msg);
	EXPECT_INT("ua past the limit", 0, s->hdr[SG_H_UA].len);
	free(s);
	return ok;
}

TEST(test_from_user_forms)
{
	static const struct {
		const char *from;
		const char *user;
	} cases[] = {
		{ "<sip:alice@192.0.2.1>", "alice" },
		{ "\"Alice\" <sips:alice@192.0.2.1>;tag=1", "alice" },
		{ "sip:bob@192.0.2.1;tag=2", "bob" },
		{ "<SIP:Carol@192.0.2.1>", "Carol" },
		{ "<tel:+15551234>", "+15551234" },
		{ "<sip:192.0.2.1>", "" },		/* no user */
		{ "<sip:@192.0.2.1>", "" },		/* empty user */
		{ "<http://192.0.2.1>", "" },		/* not SIP */
		{ "<tel:>", "" },
		{ "", "" },
	};
	char msg[512];
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sg_scan *s;

		snprintf(msg, sizeof(msg),
			 "INVITE sip:1@192.0.2.1 SIP/2.0\r\nFrom: %s\r\n\r\n",
			 cases[i].from);
		s = scan(msg);
		if (strcmp(from_user(s), cases[i].user)) {
			fprintf(stderr, "    From '%s': expected user '%s', got '%s'\n",
				cases[i].from, cases[i].user, from_user(s));
			ok = 0;
		}
		free(s);
	}
	return ok;
}

TEST(test_to_tag_only_outside_brackets)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\n"
				 "To: <sip:1@192.0.2.1;tag=inuri>\r\n\r\n");
	int ok = 1;

	EXPECT_INT("tag inside <> is a URI parameter", 0,
		   sg_has_tag(s, s->hdr[SG_H_TO]));
	free(s);
	s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\nTo: sip:1@192.0.2.1;tag=x\r\n\r\n");
	EXPECT_INT("tag without brackets", 1, sg_has_tag(s, s->hdr[SG_H_TO]));
	free(s);
	return ok;
}

TEST(test_request_uri_user)
{
	struct sg_scan *s = scan("INVITE sip:2001@198.51.100.7:5060;transport=udp SIP/2.0\r\n\r\n");
	__u32 off = 0, n;
	int ok = 1;

	EXPECT_STR("ruri", s->ruri, "sip:2001@198.51.100.7:5060;transport=udp");
	n = sg_uri_user(s, s->ruri, &off);
	EXPECT_INT("ruri user length", 4, n);
	EXPECT_INT("ruri user", 0, memcmp(s->buf + off, "2001", 4));
	free(s);
	return ok;
}

TEST(test_message_without_line_end_is_scanned_to_its_end)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\nUser-Agent: cut");
	int ok = 1;

	EXPECT_STR("ua", s->hdr[SG_H_UA], "cut");
	EXPECT_INT("done", 1, s->done);
	free(s);
	return ok;
}

TEST(test_lf_only_line_ends)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\nUser-Agent: lf\nFrom: <sip:u@h>\n\nTo: body\n");
	int ok = 1;

	EXPECT_STR("ua", s->hdr[SG_H_UA], "lf");
	EXPECT_STR("from", s->hdr[SG_H_FROM], "<sip:u@h>");
	EXPECT_INT("to in body", 0, s->hdr[SG_H_TO].len);
	free(s);
	return ok;
}

static struct sg_ua_set *ua_set(const char *const *pats)
{
	struct sg_ua_set *set = calloc(1, sizeof(*set));

	for (; *pats; pats++)
		if (sg_ua_set_add(set, *pats)) {
			fprintf(stderr, "    cannot add pattern '%s'\n", *pats);
			return NULL;
		}
	return set;
}

static int ua_hits(const struct sg_ua_set *set, const char *ua)
{
	char msg[512];
	struct sg_scan *s;
	int r;

	snprintf(msg, sizeof(msg), "OPTIONS sip:1@192.0.2.1 SIP/2.0\r\nUser-Agent: %s\r\n\r\n", ua);
	s = scan(msg);
	r = sg_ua_match(s, set);
	free(s);
	return r;
}

TEST(test_ua_blocklist_substring_any_case)
{
	static const char *const pats[] = { "friendly-scanner", "sipvicious", "VaxSIPUserAgent",
					    "sipcli", "iWar", "Nmap NSE", NULL };
	struct sg_ua_set *set = ua_set(pats);
	int ok = 1;

	if (!set)
		return 0;
	EXPECT_INT("exact", 1, ua_hits(set, "friendly-scanner"));
	EXPECT_INT("upper case", 2, ua_hits(set, "SIPVICIOUS 0.3"));
	EXPECT_INT("inside", 3, ua_hits(set, "foo vaxsipuseragent/3.1 bar"));
	EXPECT_INT("at the end", 4, ua_hits(set, "xx sipcli"));
	EXPECT_INT("short pattern", 5, ua_hits(set, "IWAR"));
	EXPECT_INT("with a space", 6, ua_hits(set, "Nmap NSE"));
	EXPECT_INT("innocent", 0, ua_hits(set, "Yealink SIP-T46S 66.86.0.15"));
	EXPECT_INT("prefix only", 0, ua_hits(set, "sipcl"));
	EXPECT_INT("near miss", 0, ua_hits(set, "friendly-scannex"));
	free(set);
	return ok;
}

TEST(test_ua_set_rejects_bad_patterns)
{
	struct sg_ua_set *set = calloc(1, sizeof(*set));
	char name[16];
	int ok = 1, i;

	EXPECT_INT("too short", -EINVAL, sg_ua_set_add(set, "x"));
	EXPECT_INT("too long", -EINVAL, sg_ua_set_add(set, "0123456789012345678901234567890123"));
	EXPECT_INT("control byte", -EINVAL, sg_ua_set_add(set, "ab\x1b[0m"));
	EXPECT_INT("ok", 0, sg_ua_set_add(set, "Ozeki"));
	EXPECT_INT("duplicate in other case", -EEXIST, sg_ua_set_add(set, "OZEKI"));
	for (i = 1; i < SG_UA_MAX; i++) {
		snprintf(name, sizeof(name), "p%02d", i);
		EXPECT_INT("fill", 0, sg_ua_set_add(set, name));
	}
	EXPECT_INT("full", -ENOSPC, sg_ua_set_add(set, "one-more"));
	free(set);
	return ok;
}

int main(void)
{
	RUN(test_long_names_found);
	RUN(test_compact_names_odd_case_and_blanks_before_colon);
	RUN(test_names_that_only_start_like_a_header_are_not_it);
	RUN(test_first_occurrence_wins_and_body_is_not_headers);
	RUN(test_header_after_long_header_block_found);
	RUN(test_user_agent_across_scan_limit_is_cut_there);
	RUN(test_header_beyond_scan_limit_not_found);
	RUN(test_from_user_forms);
	RUN(test_to_tag_only_outside_brackets);
	RUN(test_request_uri_user);
	RUN(test_message_without_line_end_is_scanned_to_its_end);
	RUN(test_lf_only_line_ends);
	RUN(test_ua_blocklist_substring_any_case);
	RUN(test_ua_set_rejects_bad_patterns);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
