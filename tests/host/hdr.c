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
#include "uaset.h"
#include "harness.h"

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

/* The bytes of a span of the scan as a string (cut at 511). */
static const char *span_str(const struct sg_scan *s, struct sg_span span)
{
	static char str[512];
	size_t n = span.len < sizeof(str) - 1 ? span.len : sizeof(str) - 1;

	memcpy(str, s->buf + span.off, n);
	str[n] = 0;
	return str;
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

void test_long_names_found(void)
{
	struct sg_scan *s = scan(sipvicious);

	ASSERT_STREQ(span_str(s, s->ruri), "sip:100@198.51.100.1", "ruri");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "friendly-scanner", "ua");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_FROM]), "\"sipvicious\"<sip:100@1.1.1.1>;tag=6637", "from");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_TO]), "\"sipvicious\"<sip:100@1.1.1.1>", "to");
	ASSERT_EQ(strcmp(from_user(s), "100"), 0, "from user");
	ASSERT_EQ(sg_has_tag(s, s->hdr[SG_H_TO]), 0, "to tag");
	ASSERT_EQ(s->lines, 8, "lines");
	free(s);
}

void test_compact_names_odd_case_and_blanks_before_colon(void)
{
	struct sg_scan *s = scan("invite sip:200@192.0.2.1 SIP/2.0\r\n"
				 "v: SIP/2.0/UDP 192.0.2.9\r\n"
				 "F :\t<tel:+4930123>;tag=1\r\n"
				 "t  : <sip:200@192.0.2.1>;TAG=99\r\n"
				 "uSeR-aGeNt\t:   Foo Bar\r\n"
				 "i: abc\r\n\r\n");

	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "Foo Bar", "ua");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_FROM]), "<tel:+4930123>;tag=1", "from");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_TO]), "<sip:200@192.0.2.1>;TAG=99", "to");
	ASSERT_EQ(strcmp(from_user(s), "+4930123"), 0, "tel user");
	ASSERT_EQ(sg_has_tag(s, s->hdr[SG_H_TO]), 1, "to tag in any case");
	free(s);
}

void test_names_that_only_start_like_a_header_are_not_it(void)
{
	struct sg_scan *s = scan("OPTIONS sip:x@192.0.2.1 SIP/2.0\r\n"
				 "Foo: bar\r\n"
				 "Tox: y\r\n"
				 "User-Agents: nope\r\n"
				 "User-Agent: real\r\n\r\n");

	ASSERT_EQ(s->hdr[SG_H_FROM].len, 0, "no From");
	ASSERT_EQ(s->hdr[SG_H_TO].len, 0, "no To");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "real", "ua");
	free(s);
}

void test_first_occurrence_wins_and_body_is_not_headers(void)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\n"
				 "User-Agent: first\r\n"
				 "User-Agent: second\r\n"
				 "\r\n"
				 "From: <sip:body@192.0.2.1>\r\n");

	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "first", "ua");
	ASSERT_EQ(s->hdr[SG_H_FROM].len, 0, "From in the body");
	free(s);
}

void test_header_after_long_header_block_found(void)
{
	char msg[SG_SCAN_MAX];
	struct sg_scan *s;
	int i;

	strcpy(msg, "OPTIONS sip:x@192.0.2.1 SIP/2.0\r\n");
	for (i = 0; i < 12; i++)
		strcat(msg, "X-Filler: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n");
	strcat(msg, "X-Very-Long: ");
	for (i = 0; i < 30; i++)
		strcat(msg, "abcdefghij");
	strcat(msg, "\r\nUser-Agent: sipcli/1.0\r\n\r\n");
	if (!ASSERT_LE(strlen(msg), SG_SCAN_MAX - 1, "test message length"))
		return;
	s = scan(msg);
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "sipcli/1.0", "ua after 1300 bytes of headers");
	free(s);
}

void test_user_agent_across_scan_limit_is_cut_there(void)
{
	char msg[3000];
	struct sg_scan *s;
	size_t pre;

	strcpy(msg, "OPTIONS sip:x@192.0.2.1 SIP/2.0\r\nX-Pad: ");
	while (strlen(msg) < SG_SCAN_MAX - 20)
		strcat(msg, "p");
	strcat(msg, "\r\nUser-Agent: friendly-scanner-with-a-long-tail\r\n\r\n");
	s = scan(msg);
	pre = strstr(msg, "User-Agent: ") - msg + strlen("User-Agent: ");
	ASSERT_EQ(s->hdr[SG_H_UA].off, pre, "ua starts where it is");
	ASSERT_EQ(s->hdr[SG_H_UA].len, SG_SCAN_MAX - pre, "ua cut at the scan limit");
	free(s);
}

void test_header_beyond_scan_limit_not_found(void)
{
	char msg[3000];
	struct sg_scan *s;

	strcpy(msg, "OPTIONS sip:x@192.0.2.1 SIP/2.0\r\n");
	while (strlen(msg) < SG_SCAN_MAX + 10)
		strcat(msg, "X-Pad: 0123456789\r\n");
	strcat(msg, "User-Agent: late\r\n\r\n");
	s = scan(msg);
	ASSERT_EQ(s->hdr[SG_H_UA].len, 0, "ua past the limit");
	free(s);
}

void test_from_user_forms(void)
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

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sg_scan *s;

		snprintf(msg, sizeof(msg),
			 "INVITE sip:1@192.0.2.1 SIP/2.0\r\nFrom: %s\r\n\r\n",
			 cases[i].from);
		s = scan(msg);
		ASSERT_STREQ(from_user(s), cases[i].user, cases[i].from);
		free(s);
	}
}

void test_to_tag_only_outside_brackets(void)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\n"
				 "To: <sip:1@192.0.2.1;tag=inuri>\r\n\r\n");

	ASSERT_EQ(sg_has_tag(s, s->hdr[SG_H_TO]), 0, "tag inside <> is a URI parameter");
	free(s);
	s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\nTo: sip:1@192.0.2.1;tag=x\r\n\r\n");
	ASSERT_EQ(sg_has_tag(s, s->hdr[SG_H_TO]), 1, "tag without brackets");
	free(s);
}

void test_request_uri_user(void)
{
	struct sg_scan *s = scan("INVITE sip:2001@198.51.100.7:5060;transport=udp SIP/2.0\r\n\r\n");
	__u32 off = 0, n;

	ASSERT_STREQ(span_str(s, s->ruri), "sip:2001@198.51.100.7:5060;transport=udp", "ruri");
	n = sg_uri_user(s, s->ruri, &off);
	ASSERT_EQ(n, 4, "ruri user length");
	ASSERT_EQ(memcmp(s->buf + off, "2001", 4), 0, "ruri user");
	free(s);
}

void test_message_without_line_end_is_scanned_to_its_end(void)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\r\nUser-Agent: cut");

	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "cut", "ua");
	ASSERT_EQ(s->done, 1, "done");
	free(s);
}

void test_lf_only_line_ends(void)
{
	struct sg_scan *s = scan("INVITE sip:1@192.0.2.1 SIP/2.0\nUser-Agent: lf\nFrom: <sip:u@h>\n\nTo: body\n");

	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "lf", "ua");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_FROM]), "<sip:u@h>", "from");
	ASSERT_EQ(s->hdr[SG_H_TO].len, 0, "to in body");
	free(s);
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

void test_ua_blocklist_substring_any_case(void)
{
	static const char *const pats[] = { "friendly-scanner", "sipvicious", "VaxSIPUserAgent",
					    "sipcli", "iWar", "Nmap NSE", NULL };
	struct sg_ua_set *set = ua_set(pats);

	if (!ASSERT_OK_PTR(set, "pattern set"))
		return;
	ASSERT_EQ(ua_hits(set, "friendly-scanner"), 1, "exact");
	ASSERT_EQ(ua_hits(set, "SIPVICIOUS 0.3"), 2, "upper case");
	ASSERT_EQ(ua_hits(set, "foo vaxsipuseragent/3.1 bar"), 3, "inside");
	ASSERT_EQ(ua_hits(set, "xx sipcli"), 4, "at the end");
	ASSERT_EQ(ua_hits(set, "IWAR"), 5, "short pattern");
	ASSERT_EQ(ua_hits(set, "Nmap NSE"), 6, "with a space");
	ASSERT_EQ(ua_hits(set, "Yealink SIP-T46S 66.86.0.15"), 0, "innocent");
	ASSERT_EQ(ua_hits(set, "sipcl"), 0, "prefix only");
	ASSERT_EQ(ua_hits(set, "friendly-scannex"), 0, "near miss");
	free(set);
}

void test_ua_set_rejects_bad_patterns(void)
{
	struct sg_ua_set *set = calloc(1, sizeof(*set));
	char name[16];
	int i;

	ASSERT_EQ(sg_ua_set_add(set, "x"), -EINVAL, "too short");
	ASSERT_EQ(sg_ua_set_add(set, "0123456789012345678901234567890123"), -EINVAL, "too long");
	ASSERT_EQ(sg_ua_set_add(set, "ab\x1b[0m"), -EINVAL, "control byte");
	ASSERT_EQ(sg_ua_set_add(set, "Ozeki"), 0, "ok");
	ASSERT_EQ(sg_ua_set_add(set, "OZEKI"), -EEXIST, "duplicate in other case");
	for (i = 1; i < SG_UA_MAX; i++) {
		snprintf(name, sizeof(name), "p%02d", i);
		ASSERT_EQ(sg_ua_set_add(set, name), 0, "fill");
	}
	ASSERT_EQ(sg_ua_set_add(set, "one-more"), -ENOSPC, "full");
	free(set);
}
