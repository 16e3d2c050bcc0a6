// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the SIP header scanner (bpf/sip_hdr.h, sip_val.h): the very code the
 * kernel's sipguard_l7 runs, driven here by plain loops and checked under
 * AddressSanitizer.  Every message is copied into a buffer of its exact
 * size first, as the kernel copies the packet into its scratch buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_val.h"
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
	sg_scan_begin(s, n, 0);
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
	/* the scan stops once UA, From and To are found (issue 10, item 6) */
	ASSERT_EQ(s->looks, 3, "names looked at: To, From, User-Agent");
	ASSERT_EQ(s->whole, 0, "stopped before the end of the header block");
	ASSERT_EQ(s->done, 1, "done");
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

/* The request line in every shape the classifier takes as a request. */
void test_request_uri_after_any_blanks(void)
{
	static const struct {
		const char *msg, *ruri;
	} cases[] = {
		{ "INVITE\tsip:2001@192.0.2.1 SIP/2.0\r\n\r\n", "sip:2001@192.0.2.1" },
		{ "INVITE   sip:2001@192.0.2.1 SIP/2.0\r\n\r\n", "sip:2001@192.0.2.1" },
		{ "INVITE\r\n sip:2001@192.0.2.1 SIP/2.0\r\n\r\n", "sip:2001@192.0.2.1" },
		{ "INVITE\n\tsip:2001@192.0.2.1\tSIP/2.0\r\n\r\n", "sip:2001@192.0.2.1" },
		{ "INVITE\x0bsip:2001@192.0.2.1 SIP/2.0\r\n\r\n", "sip:2001@192.0.2.1" },
		{ "INVITE \r\n sip:2001@192.0.2.1 SIP/2.0\r\n\r\n", "sip:2001@192.0.2.1" },
	};
	struct sg_scan *s;
	__u32 off = 0;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = scan(cases[i].msg);
		ASSERT_STREQ(span_str(s, s->ruri), cases[i].ruri, cases[i].msg);
		ASSERT_EQ(sg_uri_user(s, s->ruri, &off), 4, "its user");
		free(s);
	}
	/* more blanks than are skipped: no Request-URI, not a wrong one */
	s = scan("INVITE          sip:2001@192.0.2.1 SIP/2.0\r\n\r\n");
	ASSERT_EQ(s->ruri.len, 0, "no Request-URI after 10 blanks");
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

/*
 * Issue 10, item 7: folded and long To/From values.  A fold (CRLF or LF,
 * then SP or HTAB) continues the value; inspect reads the joined value.
 */
static int to_tag(const char *to_lines)
{
	char msg[2048];
	struct sg_scan *s;
	int r;

	snprintf(msg, sizeof(msg), "INVITE sip:100@192.0.2.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK-2\r\n"
		 "From: <sip:alice@198.51.100.7>;tag=9\r\n%s\r\n"
		 "Call-ID: 7\r\nCSeq: 1 INVITE\r\n\r\n", to_lines);
	s = scan(msg);
	r = s->hdr[SG_H_TO].len ? sg_has_tag(s, s->hdr[SG_H_TO]) : -1;
	free(s);
	return r;
}

void test_folded_to_tag_is_seen(void)
{
	ASSERT_EQ(to_tag("To: <sip:100@192.0.2.1>;tag=1"), 1, "one line");
	ASSERT_EQ(to_tag("To: <sip:100@192.0.2.1>\r\n ;tag=abc"), 1, "tag on a continuation line");
	ASSERT_EQ(to_tag("To: <sip:100@192.0.2.1>;\r\n\ttag=abc"), 1, "fold after the ';'");
	ASSERT_EQ(to_tag("To: <sip:100@192.0.2.1>\n  ; tag = abc"), 1, "LF fold, blanks around ';' and '='");
	ASSERT_EQ(to_tag("t:\r\n <sip:100@192.0.2.1>\r\n ;TAG=abc"), 1, "compact name, empty first line, two folds");
	ASSERT_EQ(to_tag("TO :\t<sip:100@192.0.2.1>;x=1\r\n\t;y=2\r\n ;tag=z"), 1, "any case, params before it");
	ASSERT_EQ(to_tag("To: <sip:100@192.0.2.1>\r\n ;tags=abc"), 0, "another parameter");
	ASSERT_EQ(to_tag("To: <sip:100@192.0.2.1;tag=1>\r\n ;x=2"), 0, "a URI parameter is no tag");
	ASSERT_EQ(to_tag("To: <sip:100@192.0.2.1>\r\nX-Tag: ;tag=1"), 0, "the next header is no continuation");
}

static const char *from_of(const char *from_lines, int *sure)
{
	static char u[128];
	char msg[2048];
	struct sg_scan *s;
	__u32 off = 0, n;

	snprintf(msg, sizeof(msg), "INVITE sip:100@192.0.2.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK-2\r\n"
		 "%s\r\nTo: <sip:100@192.0.2.1>\r\nCall-ID: 7\r\n\r\n", from_lines);
	s = scan(msg);
	n = sg_uri_user(s, s->hdr[SG_H_FROM], &off);
	memcpy(u, s->buf + off, n);
	u[n] = 0;
	*sure = sg_from_sure(s);
	free(s);
	return u;
}

void test_folded_from_is_read(void)
{
	int sure;

	ASSERT_STREQ(from_of("From: \"Alice\"\r\n <sip:alice@198.51.100.7>;tag=1", &sure), "alice", "display name, then a fold");
	ASSERT_STREQ(from_of("From:\r\n  sip:bob@198.51.100.7;tag=1", &sure), "bob", "empty first line, no brackets");
	ASSERT_STREQ(from_of("f: \r\n\t\t<sips:carol@198.51.100.7>\r\n ;tag=1", &sure), "carol", "compact, tabs");
	ASSERT_STREQ(from_of("FROM:\n <tel:+15550100>", &sure), "+15550100", "LF only, tel");
	ASSERT_EQ(sure, 1, "read whole");
	ASSERT_STREQ(from_of("From: <sip:198.51.100.7>\r\n ;tag=1", &sure), "", "no user, folded");
	ASSERT_EQ(sure, 1, "no user is a fact");
}

/* A value of N bytes: a display name of filler, then the URI and params. */
static void long_value(char *out, size_t size, const char *name, int n,
		       const char *tail)
{
	int k = snprintf(out, size, "%s: \"", name);
	int fill = n - (int)strlen(tail) - 3;

	while (fill-- > 0 && k < (int)size - 2)
		out[k++] = 'a' + fill % 26;
	snprintf(out + k, size - k, "\" %s", tail);
}

void test_long_to_and_from_are_read_whole(void)
{
	char from[700], to[700], msg[1600];
	struct sg_scan *s;
	__u32 off = 0, n;

	long_value(from, sizeof(from), "From", 450, "<sip:alice@198.51.100.7>;tag=77");
	long_value(to, sizeof(to), "To", 450, "<sip:100@192.0.2.1>");
	snprintf(msg, sizeof(msg), "INVITE sip:100@192.0.2.1 SIP/2.0\r\n%s\r\n%s\r\n"
		 "Call-ID: 7\r\nCSeq: 1 INVITE\r\n\r\n", from, to);
	ASSERT_TRUE(strlen(msg) < SG_SCAN_MAX, "fits the scan");
	s = scan(msg);
	ASSERT_TRUE(s->hdr[SG_H_FROM].len > 400, "From whole");
	n = sg_uri_user(s, s->hdr[SG_H_FROM], &off);
	ASSERT_EQ(n, 5, "From user found after a long display name");
	ASSERT_EQ(memcmp(s->buf + off, "alice", 5), 0, "From user");
	ASSERT_EQ(sg_has_tag(s, s->hdr[SG_H_TO]), 0, "long To without a tag");
	free(s);

	/* a tag several hundred bytes into the To value */
	long_value(to, sizeof(to), "To", 600, "<sip:100@192.0.2.1>;x=1;tag=5");
	snprintf(msg, sizeof(msg), "INVITE sip:100@192.0.2.1 SIP/2.0\r\n%s\r\n%s\r\n\r\n", to,
		 "From: <sip:a@198.51.100.7>");
	s = scan(msg);
	ASSERT_EQ(sg_has_tag(s, s->hdr[SG_H_TO]), 1, "tag 600 bytes in");
	free(s);
}

/*
 * Issue 10, item 6: the worst cases.  Count the steps the scan takes (the
 * kernel's bpf_loop callbacks), note whether it ended by itself (never by
 * running out of steps), and check that an unfinished scan proves
 * nothing.
 */
static struct sg_scan *scan_steps(const char *msg, size_t n, int cut, int *steps)
{
	struct sg_scan *s = calloc(1, sizeof(*s));
	int i;

	if (n > SG_SCAN_MAX) {
		n = SG_SCAN_MAX;
		cut = 1;
	}
	memset(s->buf, 'x', sizeof(s->buf));
	memcpy(s->buf, msg, n);
	sg_scan_begin(s, n, cut);
	sg_request_uri(s);
	for (i = 0; i < SG_SCAN_STEPS; i++)
		if (sg_scan_step(s))
			break;
	/* SG_SCAN_STEPS + 1: the steps ran out before the scan ended */
	*steps = i + 1;
	return s;
}

/* a request line, then LINE repeated to fill the scan, then TAIL */
static size_t flood(char *out, size_t size, const char *line, const char *tail)
{
	size_t k = snprintf(out, size, "INVITE sip:100@192.0.2.1 SIP/2.0\r\n");

	while (k + strlen(line) + strlen(tail) + 2 < SG_SCAN_MAX && k < size)
		k += snprintf(out + k, size - k, "%s", line);
	k += snprintf(out + k, size - k, "%s\r\n", tail);
	return k;
}

void test_worst_case_lines_spend_the_units_and_fail_open(void)
{
	static const char *const lines[] = {
		"t\r\n", "to\r\n", "f\n", "u\n", "User-Agen\r\n", "From\r\n", "T  x\r\n",
		"t:\n", "f :\r\n", NULL,
	};
	char msg[4096];
	const char *const *l;
	struct sg_scan *s;
	size_t n;
	int steps;

	for (l = lines; *l; l++) {
		n = flood(msg, sizeof(msg), *l, "From: <sip:@198.51.100.7>");
		s = scan_steps(msg, n, 0, &steps);
		ASSERT_TRUE(steps <= SG_SCAN_STEPS, "ended by itself, not by the step limit");
		ASSERT_EQ(s->done, 0, "unfinished");
		ASSERT_EQ(s->units <= SG_SCAN_UNITS, 1, "units bounded");
		ASSERT_EQ(s->hdr[SG_H_FROM].len, 0, "the From past the units is not seen");
		ASSERT_EQ(sg_from_sure(s), 0, "so no bad_from: fail open");
		free(s);
	}
	/* a repeated header that was found is hopped over, for no units */
	n = flood(msg, sizeof(msg), "To: <sip:1@x>\r\n", "From: <sip:@198.51.100.7>");
	s = scan_steps(msg, n, 0, &steps);
	ASSERT_TRUE(steps < 4, "repeated To lines cost no steps");
	/* the From ends with the data: no units for its end */
	ASSERT_EQ(s->units, 2 * SG_UNITS_LOOK + SG_UNITS_END, "the first To and the From only");
	ASSERT_EQ(s->hdr[SG_H_FROM].len > 0, 1, "From found");
	ASSERT_EQ(sg_from_sure(s), 1, "read whole");
	free(s);
	/* many folds of the value being read: units each, bounded too */
	n = snprintf(msg, sizeof(msg), "INVITE sip:1@x SIP/2.0\r\nFrom: <sip:a@b>");
	while (n + 4 < SG_SCAN_MAX)
		n += snprintf(msg + n, sizeof(msg) - n, "\r\n ;");
	s = scan_steps(msg, n, 0, &steps);
	ASSERT_TRUE(steps <= SG_SCAN_STEPS, "folds: ended by itself");
	ASSERT_EQ(s->hdr[SG_H_FROM].len, 0, "the unfinished From is not recorded");
	ASSERT_EQ(sg_from_sure(s), 0, "fail open");
	free(s);
}

/*
 * Lines of other headers cost no units, however short and however many:
 * a From after 650 two-byte lines is read, and the scan ends by itself
 * (an earlier scan took a bpf_loop step per 32 line ends, and a step
 * limit stopped it in similar floods).
 */
void test_short_line_flood_is_read_to_its_end(void)
{
	static const char *const lines[] = { "x\n", "v: 1\r\n", "xT\r\n", " \n", NULL };
	char msg[4096];
	const char *const *l;
	struct sg_scan *s;
	size_t n;
	int steps;

	for (l = lines; *l; l++) {
		n = flood(msg, sizeof(msg), *l, "From: <sip:alice@198.51.100.7>\r\n");
		s = scan_steps(msg, n, 0, &steps);
		ASSERT_TRUE(steps <= SG_SCAN_STEPS, "ended by itself");
		ASSERT_STREQ(span_str(s, s->hdr[SG_H_FROM]), "<sip:alice@198.51.100.7>", *l);
		ASSERT_EQ(s->whole, 1, "the whole header block");
		free(s);
	}
}

/*
 * The units (sip_hdr.h): a look 4, a fold 2, a value's end 1, of 47.
 */
static int from_after(const char *line, int count, int folds)
{
	char msg[2048];
	struct sg_scan *s;
	int n, k, steps, found;

	n = snprintf(msg, sizeof(msg), "INVITE sip:1@x SIP/2.0\r\n");
	for (k = 0; k < count; k++)
		n += snprintf(msg + n, sizeof(msg) - n, "%s", line);
	n += snprintf(msg + n, sizeof(msg) - n, "From: <sip:a@b>");
	for (k = 0; k < folds; k++)
		n += snprintf(msg + n, sizeof(msg) - n, "\r\n ;x=%d", k);
	n += snprintf(msg + n, sizeof(msg) - n, "\r\nCall-ID: 1\r\n\r\n");
	s = scan_steps(msg, n, 0, &steps);
	found = s->hdr[SG_H_FROM].len > 0;
	free(s);
	return found;
}

void test_units_bound_the_looks(void)
{
	ASSERT_EQ(from_after("t\n", 10, 0), 1, "10 lines looked at, then the From");
	ASSERT_EQ(from_after("t\n", 11, 0), 0, "11: no units left for the From's end");
	ASSERT_EQ(from_after("t:\r\n", 8, 0), 1, "8 empty To values, then the From");
	ASSERT_EQ(from_after("t:\r\n", 9, 0), 0, "9: unfinished");
	ASSERT_EQ(from_after("", 0, 21), 1, "a From folded 21 times");
	ASSERT_EQ(from_after("", 0, 22), 0, "22 folds: unfinished");
}

void test_cut_copy_proves_nothing(void)
{
	char msg[2048];
	struct sg_scan *s;
	int steps, n;

	/* the From runs past the copy: its user may lie beyond */
	n = snprintf(msg, sizeof(msg), "INVITE sip:1@x SIP/2.0\r\nTo: <sip:1@x>\r\nFrom: \"");
	while (n < SG_SCAN_MAX + 50)
		msg[n++] = 'a';
	n += snprintf(msg + n, sizeof(msg) - n, "\" <sip:alice@x>\r\n\r\n");
	s = scan_steps(msg, n, 0, &steps);
	ASSERT_EQ(s->cut, 1, "cut");
	ASSERT_TRUE(s->hdr[SG_H_FROM].len > 0, "From seen in part");
	ASSERT_EQ(sg_from_sure(s), 0, "not whole: no bad_from");
	free(s);
	/* the same message, short enough: the From ends at the data's end */
	n = snprintf(msg, sizeof(msg), "INVITE sip:1@x SIP/2.0\r\nTo: <sip:1@x>\r\nFrom: <sip:x>");
	s = scan_steps(msg, n, 0, &steps);
	ASSERT_EQ(sg_from_sure(s), 1, "the whole payload: a fact");
	free(s);
	s = scan_steps(msg, n, 1, &steps);
	ASSERT_EQ(sg_from_sure(s), 0, "a cut copy: not");
	free(s);
}

/* Patterns that all start alike, and a User-Agent of near-matches. */
void test_ua_near_matches_spend_a_bounded_budget(void)
{
	static const char *const shipped[] = {
		"friendly-scanner", "sipvicious", "sipcli", "sip-scan", "sipscan",
		"vaxsipuseragent", "pplsip", "iwar", "sipsak", "sundayddr", "ozeki",
		"nmap nse", NULL,
	};
	struct sg_ua_set *set = calloc(1, sizeof(*set));
	char pat[40], ua[300], msg[512];
	struct sg_scan *s;
	int i, r;

	for (i = 0; i < SG_UA_MAX; i++) {
		snprintf(pat, sizeof(pat), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa%c", '!' + i);
		ASSERT_EQ(sg_ua_set_add(set, pat), 0, "pattern");
	}
	memset(ua, 'a', 200);
	ua[200] = 0;
	snprintf(msg, sizeof(msg), "OPTIONS sip:1@x SIP/2.0\r\nUser-Agent: %s\r\n\r\n", ua);
	s = scan(msg);
	r = sg_ua_match(s, set);
	ASSERT_EQ(r, 0, "no match");
	ASSERT_TRUE(s->ua_left <= SG_UA_BUDGET, "budget not overspent (no wrap)");
	ASSERT_TRUE(s->ua_left < SG_UA_PAT_MAX, "and spent: the match gave up");
	free(s);
	/* a real match behind the near-matches is given up: fail open */
	memcpy(ua + 60, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa#", 30);
	snprintf(msg, sizeof(msg), "OPTIONS sip:1@x SIP/2.0\r\nUser-Agent: %s\r\n\r\n", ua);
	s = scan(msg);
	ASSERT_EQ(sg_ua_match(s, set), 0, "past the budget: not matched, passes");
	free(s);
	/* a match at the start is found */
	memcpy(ua, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa$", 30);
	snprintf(msg, sizeof(msg), "OPTIONS sip:1@x SIP/2.0\r\nUser-Agent: %s\r\n\r\n", ua);
	s = scan(msg);
	ASSERT_EQ(sg_ua_match(s, set), 4, "a match up front");
	free(s);
	free(set);

	set = ua_set(shipped);
	if (!ASSERT_OK_PTR(set, "shipped list"))
		return;
	/* near-matches of the shipped list, then the real one */
	snprintf(msg, sizeof(msg), "OPTIONS sip:1@x SIP/2.0\r\nUser-Agent: "
		 "sipviciou sipsa sip-sca friendly-scanne sipvicious\r\n\r\n");
	s = scan(msg);
	ASSERT_EQ(sg_ua_match(s, set), 2, "an ordinary amount of near-matches does not hide it");
	free(s);
	free(set);
}

/*
 * One budget for the words and the units (sip_hdr.h, issue 10's ceiling):
 * the bytes read plus SG_UNIT_BYTES for every unit past the free ones stay
 * within SG_SCAN_MAX, give or take the word and the look that cross it.
 */
static int within_budget(const struct sg_scan *s)
{
	__u32 over = s->units > SG_UNITS_FREE ?
		     (s->units - SG_UNITS_FREE) * SG_UNIT_BYTES : 0;

	return s->pos + over <= SG_SCAN_MAX + 8 + SG_UNITS_LOOK * SG_UNIT_BYTES;
}

/* a request line, "x" LF lines up to about AT, TAIL, then a From */
static size_t late(char *out, size_t size, size_t at, const char *tail)
{
	size_t k = snprintf(out, size, "INVITE sip:100@192.0.2.1 SIP/2.0\r\n");

	while (k < at)
		k += snprintf(out + k, size - k, "x\n");
	k += snprintf(out + k, size - k, "%s", tail);
	k += snprintf(out + k, size - k, "From: <sip:@198.51.100.7>\r\n\r\n");
	return k;
}

void test_one_budget_for_words_and_units(void)
{
	static const char *const tails[] = {
		/* empty To values, lines looked at in vain, a From folded */
		"t:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\nt:\n",
		"t\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\n",
		"From: <sip:a@b>\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;"
		"\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n ;\r\n",
		NULL,
	};
	const char *const *t;
	char msg[4096];
	struct sg_scan *s;
	size_t n;
	int steps;

	for (t = tails; *t; t++) {
		/* at the end of the copy: the words of it all, then the units */
		n = late(msg, sizeof(msg), SG_SCAN_MAX - 40 - strlen(*t), *t);
		s = scan_steps(msg, n, 0, &steps);
		ASSERT_TRUE(steps <= SG_SCAN_STEPS, "ended by itself");
		ASSERT_TRUE(within_budget(s), "words and units within one budget");
		ASSERT_TRUE(s->lim < s->len, "the units cut the read short");
		ASSERT_EQ(s->whole, 0, "unfinished");
		ASSERT_EQ(sg_from_sure(s), 0, "so no bad_from: fail open");
		free(s);
		/* the same lines up front: they are read, and the From after */
		n = late(msg, sizeof(msg), 0, *t);
		s = scan_steps(msg, n, 0, &steps);
		ASSERT_TRUE(within_budget(s), "up front: within the budget too");
		free(s);
	}
}

/*
 * An ordinary request spends only free units: it is read to the end of the
 * copy, and a User-Agent on its last line is found and matched.
 */
void test_budget_leaves_ordinary_requests_whole(void)
{
	static const char *const shipped[] = { "friendly-scanner", "sipvicious", NULL };
	struct sg_ua_set *set = ua_set(shipped);
	char msg[2048];
	struct sg_scan *s;
	int n, steps;

	if (!ASSERT_OK_PTR(set, "list"))
		return;
	n = snprintf(msg, sizeof(msg), "INVITE sip:100@192.0.2.1 SIP/2.0\r\n"
		     "To: <sip:100@192.0.2.1>\r\nFrom: <sip:1@198.51.100.7>;tag=1\r\n");
	while (n < SG_SCAN_MAX - 80)
		n += snprintf(msg + n, sizeof(msg) - n, "X-Filler: 0123456789\r\n");
	n += snprintf(msg + n, sizeof(msg) - n, "User-Agent: sipvicious 0.3\r\n\r\n");
	ASSERT_TRUE(n <= SG_SCAN_MAX, "fits the copy");
	s = scan_steps(msg, n, 0, &steps);
	ASSERT_EQ(s->units, 3 * (SG_UNITS_LOOK + SG_UNITS_END), "three headers");
	ASSERT_EQ(s->lim, s->len, "nothing cut");
	ASSERT_STREQ(span_str(s, s->hdr[SG_H_UA]), "sipvicious 0.3", "the last line read");
	ASSERT_EQ(sg_ua_match(s, set), 2, "and matched");
	free(s);
	free(set);
}

/*
 * The User-Agent match gets the positions the scan left of the budget: all
 * of them in a short request, few at the end of a line-start flood.
 */
void test_ua_positions_come_out_of_the_budget(void)
{
	static const char *const shipped[] = { "friendly-scanner", "iwar", NULL };
	struct sg_ua_set *set = ua_set(shipped);
	char msg[2048], ua[160];
	struct sg_scan *s;
	__u32 room;
	int n, steps;

	if (!ASSERT_OK_PTR(set, "list"))
		return;
	memset(ua, 0, sizeof(ua));
	for (n = 0; n < 136; n += 2)
		memcpy(ua + n, "iw", 2);
	/* short: every position, the compare budget ends it */
	snprintf(msg, sizeof(msg), "OPTIONS sip:1@x SIP/2.0\r\nUser-Agent: %s\r\n\r\n", ua);
	s = scan_steps(msg, strlen(msg), 0, &steps);
	ASSERT_TRUE(sg_ua_room(s) >= SG_UA_SCAN, "room for every position");
	ASSERT_EQ(sg_ua_match(s, set), 0, "no match");
	ASSERT_TRUE(s->ua_left < 4, "the compare budget spent");
	free(s);
	/* at the end of a flood of line starts: the room it leaves, no more */
	n = snprintf(msg, sizeof(msg), "OPTIONS sip:1@x SIP/2.0\r\n");
	while (n < SG_SCAN_MAX - 160)
		n += snprintf(msg + n, sizeof(msg) - n, "x\n");
	n += snprintf(msg + n, sizeof(msg) - n, "User-Agent: %s\r\n", ua);
	s = scan_steps(msg, n, 0, &steps);
	room = sg_ua_room(s);
	ASSERT_TRUE(room > 0 && room < 64, "few positions left");
	ASSERT_EQ(sg_ua_match(s, set), 0, "no match");
	/* a try every other position, 2 compares each */
	ASSERT_TRUE((__u32)(SG_UA_BUDGET - s->ua_left) <= room + 2, "tries only in the room");
	free(s);
	/* a pattern within the room is still found there */
	memcpy(ua + 2, "iwar", 4);
	n = snprintf(msg, sizeof(msg), "OPTIONS sip:1@x SIP/2.0\r\n");
	while (n < SG_SCAN_MAX - 160)
		n += snprintf(msg + n, sizeof(msg) - n, "x\n");
	n += snprintf(msg + n, sizeof(msg) - n, "User-Agent: %s\r\n", ua);
	s = scan_steps(msg, n, 0, &steps);
	ASSERT_EQ(sg_ua_match(s, set), 2, "found within the room");
	free(s);
	free(set);
}
