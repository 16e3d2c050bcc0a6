// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the escaping of attacker-chosen bytes (loader/escape.c)
 * and of every rendering of a drop event (loader/evfmt.c): the text line
 * of `sipguard events`, its JSON object, the daemon's syslog line.  A
 * crafted struct sg_event full of quotes, backslashes, terminal escapes,
 * control bytes and invalid UTF-8 goes through each; the output must be
 * valid UTF-8 without a control byte, read back to the exact bytes sent,
 * and (for JSON) parse.  Run under ASan/UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "../loader/escape.h"
#include "harness.h"

/* ---- an independent checker and decoder ---- */

/* Strictly valid UTF-8 (RFC 3629), without any C0 control or DEL? */
static int clean_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int cp, need, min;

	while (*s) {
		if (*s < 0x20 || *s == 0x7f)
			return 0;
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0) {
			cp = *s & 0x1f; need = 1; min = 0x80;
		} else if ((*s & 0xf0) == 0xe0) {
			cp = *s & 0x0f; need = 2; min = 0x800;
		} else if ((*s & 0xf8) == 0xf0) {
			cp = *s & 0x07; need = 3; min = 0x10000;
		} else {
			return 0;
		}
		s++;
		while (need--) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*s++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		if (cp >= 0x80 && cp <= 0x9f)	/* C1: a terminal's CSI... */
			return 0;
	}
	return 1;
}

/* Undo sg_escape(): \\ \" \xNN; the rest as is.  Returns the length. */
static size_t unescape(const char *s, unsigned char *out)
{
	size_t n = 0;
	unsigned int b;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &b) == 1) {
			out[n++] = b;
			s += 4;
		} else if (s[0] == '\\' && (s[1] == '\\' || s[1] == '"')) {
			out[n++] = s[1];
			s += 2;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

static const char *esc(const void *src, size_t n, unsigned int flags)
{
	static char buf[4096];

	sg_escape(buf, sizeof(buf), src, n, flags);
	return buf;
}

/* ---- sg_escape ---- */

void test_escape_plain_text_unchanged(void)
{
	ASSERT_STREQ(esc("friendly-scanner 1.0", 20, 0), "friendly-scanner 1.0", "ascii");
	ASSERT_STREQ(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 0),
		     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		     "utf-8");
	ASSERT_STREQ(esc("", 0, 0), "", "empty");
}

void test_escape_backslash_and_quote(void)
{
	ASSERT_STREQ(esc("a\\b", 3, 0), "a\\\\b", "backslash");
	ASSERT_STREQ(esc("say \"hi\"", 8, 0), "say \"hi\"", "quote kept without SG_ESC_QUOTE");
	ASSERT_STREQ(esc("say \"hi\"", 8, SG_ESC_QUOTE), "say \\\"hi\\\"", "quote escaped");
	ASSERT_STREQ(esc("\\x41", 4, 0), "\\\\x41", "a faked escape stays readable");
}

void test_escape_control_bytes(void)
{
	ASSERT_STREQ(esc("a\0b", 3, 0), "a\\x00b", "NUL");
	ASSERT_STREQ(esc("\x1b[31mred", 8, 0), "\\x1b[31mred", "ESC [31m");
	ASSERT_STREQ(esc("\r\n\t", 3, 0), "\\x0d\\x0a\\x09", "CR LF TAB");
	ASSERT_STREQ(esc("\x7f", 1, 0), "\\x7f", "DEL");
	ASSERT_STREQ(esc("\xc2\x9b" "2J", 4, 0), "\\xc2\\x9b2J", "C1 CSI in UTF-8");
	ASSERT_STREQ(esc("a\xe2\x80\xae" "b", 5, 0), "a\\xe2\\x80\\xaeb", "RLO bidi override");
	ASSERT_STREQ(esc("\xe2\x80\xa8", 3, 0), "\\xe2\\x80\\xa8", "line separator");
}

void test_escape_invalid_utf8(void)
{
	ASSERT_STREQ(esc("\x80", 1, 0), "\\x80", "lone continuation");
	ASSERT_STREQ(esc("\xff\xfe", 2, 0), "\\xff\\xfe", "0xff");
	ASSERT_STREQ(esc("ok\xe2\x82", 4, 0), "ok\\xe2\\x82", "cut sequence at the end");
	ASSERT_STREQ(esc("\xc3(", 2, 0), "\\xc3(", "cut sequence before ASCII");
	ASSERT_STREQ(esc("\xc0\xaf", 2, 0), "\\xc0\\xaf", "overlong slash");
	ASSERT_STREQ(esc("\xe0\x80\xaf", 3, 0), "\\xe0\\x80\\xaf", "overlong 3-byte");
	ASSERT_STREQ(esc("\xed\xa0\x80", 3, 0), "\\xed\\xa0\\x80", "surrogate");
	ASSERT_STREQ(esc("\xf4\x90\x80\x80", 4, 0), "\\xf4\\x90\\x80\\x80", "above U+10FFFF");
	ASSERT_STREQ(esc("\xf4\x8f\xbf\xbf", 4, 0), "\xf4\x8f\xbf\xbf", "U+10FFFF is text");
}

void test_escape_truncates_at_whole_escapes(void)
{
	char buf[7];
	size_t n;

	n = sg_escape(buf, sizeof(buf), "ab\x1b" "cd", 5, 0);
	ASSERT_STREQ(buf, "ab\\x1b", "no half escape");
	CHECK(n == 6, "length %zu", n);
	n = sg_escape(buf, 4, "\xe2\x82\xac\xe2\x82\xac", 6, 0);
	ASSERT_STREQ(buf, "\xe2\x82\xac", "no half UTF-8 character");
	n = sg_escape(buf, 1, "abc", 3, 0);
	CHECK(n == 0 && !buf[0], "dlen 1: '%s'", buf);
}

/* Every byte string escapes to clean text that reads back to it. */
void test_escape_round_trip_random(void)
{
	unsigned char in[64], back[64 * 4];
	char out[SG_ESC_SIZE(64)];
	int i;
	size_t n, k;

	srand(4711);
	for (i = 0; i < 200000 && !harness_failed(); i++) {
		n = rand() % sizeof(in);
		for (k = 0; k < n; k++)		/* biased to the nasty bytes */
			in[k] = rand() % 3 ? rand() % 256 :
				"\\\"\x1b\x80\xc2\xe2\xed\xf0\xf4\xff\x00\x9b"[rand() % 12];
		sg_escape(out, sizeof(out), in, n, SG_ESC_QUOTE);
		CHECK(clean_utf8(out), "not clean UTF-8: %s", out);
		k = unescape(out, back);
		CHECK(k == n && !memcmp(in, back, n), "round trip lost bytes: %s", out);
	}
}

/* ---- the event renderings ---- */

#define NASTY_UA	"evil\"\\\x1b]0;pwned\x07\r\n\x00\xff\xc3(caf\xc3\xa9\xc2\x9b"
#define NASTY_UA_LEN	(sizeof(NASTY_UA) - 1)
#define NASTY_UA_ESC	"evil\\\"\\\\\\x1b]0;pwned\\x07\\x0d\\x0a\\x00\\xff\\xc3(caf\xc3\xa9\\xc2\\x9b"
#define NASTY_UA_JSON	"evil\"\\\\\\x1b]0;pwned\\x07\\x0d\\x0a\\x00\\xff\\xc3(caf\xc3\xa9\\xc2\\x9b"
#define NASTY_FROM	"\"bob\\\"\x1b[2J"
#define NASTY_FROM_LEN	(sizeof(NASTY_FROM) - 1)

static void addr4(struct sg_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = a->b[11] = 0xff;
	inet_pton(AF_INET, s, &a->b[12]);
}

static struct sg_event crafted(void)
{
	struct sg_event e = {};

	e.ts_ns = 123456789;
	e.ifindex = 7;
	e.reason = SG_R_ORPHAN;
	e.method = SG_M_INVITE;
	e.flags = SG_EV_HEADERS;
	addr4(&e.saddr, "198.51.100.66");
	addr4(&e.daddr, "192.0.2.1");
	e.sport = 5099;
	e.dport = 5060;
	e.suppressed = 17;
	memcpy(e.ua, NASTY_UA, NASTY_UA_LEN);
	e.ua_len = NASTY_UA_LEN;
	memcpy(e.from_user, NASTY_FROM, NASTY_FROM_LEN);
	e.from_user_len = NASTY_FROM_LEN;
	return e;
}

/* 2001-09-09 01:46:40.250 UTC */
#define WALL_NS	(1000000000ULL * 1000000000ULL + 250000000ULL)

void test_event_text_line_escapes_everything(void)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];

	setenv("TZ", "UTC", 1);
	sg_event_text(line, sizeof(line), &e, "wan0", WALL_NS);
	ASSERT_STREQ(line, "2001-09-09 01:46:40.250 wan0 drop orphan_invite INVITE 198.51.100.66:5099 > 192.0.2.1:5060 "
		   "from=\"\\\"bob\\\\\\\"\\x1b[2J\" ua=\"" NASTY_UA_ESC "\" suppressed=17", "text line");
	CHECK(clean_utf8(line), "control byte or bad UTF-8 in: %s", line);
}

void test_event_syslog_line_escapes_everything(void)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];

	sg_event_syslog(line, sizeof(line), &e, "wan0");
	ASSERT_STREQ(line, "iface=wan0 action=drop reason=orphan_invite method=INVITE src=198.51.100.66:5099 dst=192.0.2.1:5060 "
		   "from=\"\\\"bob\\\\\\\"\\x1b[2J\" ua=\"" NASTY_UA_ESC "\" suppressed=17", "syslog line");
	CHECK(clean_utf8(line), "control byte or bad UTF-8 in: %s", line);
	CHECK(!strchr(line, '%'), "a '%%' would be a format directive");
}

void test_event_json_is_valid_and_reads_back(void)
{
	struct sg_event e = crafted();
	json_object *o, *back, *v;
	unsigned char raw[256];
	const char *txt;
	size_t n;

	o = sg_event_json(&e, "wan0", WALL_NS);
	txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	CHECK(clean_utf8(txt), "JSON text not clean UTF-8: %s", txt);
	back = json_tokener_parse(txt);
	CHECK(back != NULL, "JSON does not parse: %s", txt);
	if (!back) {
		json_object_put(o);
		return;
	}
	ASSERT_STREQ(json_object_get_string(json_object_object_get(back, "user_agent")),
		     NASTY_UA_JSON,
		     "user_agent");
	v = json_object_object_get(back, "user_agent");
	n = unescape(json_object_get_string(v), raw);
	CHECK(n == NASTY_UA_LEN && !memcmp(raw, NASTY_UA, n),
	      "user_agent does not read back to the bytes sent");
	v = json_object_object_get(back, "from_user");
	n = unescape(json_object_get_string(v), raw);
	CHECK(n == NASTY_FROM_LEN && !memcmp(raw, NASTY_FROM, n),
	      "from_user does not read back: %s", json_object_get_string(v));
	ASSERT_STREQ(json_object_get_string(json_object_object_get(back, "time")),
		     "2001-09-09T01:46:40.250Z",
		     "time");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(back, "interface")),
		     "wan0",
		     "interface");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(back, "reason")),
		     "orphan_invite",
		     "reason");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(back, "method")),
		     "INVITE",
		     "method");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(back, "src")),
		     "198.51.100.66",
		     "src");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(back, "dst")),
		     "192.0.2.1",
		     "dst");
	CHECK(json_object_get_int(json_object_object_get(back, "sport")) == 5099, "sport");
	CHECK(json_object_get_int(json_object_object_get(back, "dport")) == 5060, "dport");
	CHECK(json_object_get_int(json_object_object_get(back, "suppressed")) == 17, "suppressed");
	CHECK(!json_object_get_boolean(json_object_object_get(back, "monitor")), "monitor");
	json_object_put(back);
	json_object_put(o);
}

void test_event_ipv6_monitor_no_headers(void)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];
	json_object *o;

	memset(&e.saddr, 0, sizeof(e.saddr));
	inet_pton(AF_INET6, "2001:db8::66", e.saddr.b);
	inet_pton(AF_INET6, "2001:db8::1", e.daddr.b);
	e.sport = 0;		/* a fragment: no ports */
	e.dport = 0;
	e.flags = SG_EV_MONITOR;
	e.reason = SG_R_TINY_FRAG;
	e.method = SG_M_NONE;
	sg_event_syslog(line, sizeof(line), &e, NULL);
	ASSERT_STREQ(line,
		     "iface=7 action=monitor reason=tiny_fragment method=- src=2001:db8::66 dst=2001:db8::1 from=- ua=- suppressed=17",
		     "syslog");
	e.sport = 5060;
	e.dport = 5062;
	sg_event_syslog(line, sizeof(line), &e, "ppp0");
	CHECK(strstr(line, "src=[2001:db8::66]:5060 dst=[2001:db8::1]:5062"), "ports: %s", line);
	o = sg_event_json(&e, NULL, WALL_NS);
	CHECK(json_object_get_boolean(json_object_object_get(o, "monitor")), "monitor flag");
	CHECK(json_object_get_type(json_object_object_get(o, "user_agent")) == json_type_null,
	      "no headers: user_agent null");
	ASSERT_STREQ(json_object_get_string(json_object_object_get(o, "interface")),
		     "7",
		     "interface by number");
	json_object_put(o);
}

void test_event_bad_lengths_and_names(void)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];
	json_object *o;

	e.ua_len = 255;			/* longer than the field */
	e.from_user_len = 255;
	e.reason = 200;			/* a newer object's reason */
	e.method = 99;
	memset(e.ua, 'A', sizeof(e.ua));
	memset(e.from_user, 'B', sizeof(e.from_user));
	sg_event_text(line, sizeof(line), &e, "wan\x1b" "0", WALL_NS);
	CHECK(strstr(line, " wan\\x1b0 drop 200 99 "), "unknown names as numbers, iface escaped: %s", line);
	CHECK(clean_utf8(line), "clean: %s", line);
	o = sg_event_json(&e, NULL, WALL_NS);
	CHECK(strlen(json_object_get_string(json_object_object_get(o, "user_agent"))) == SG_EV_UA_MAX,
	      "user_agent cut at the field");
	CHECK(strlen(json_object_get_string(json_object_object_get(o, "from_user"))) == SG_EV_USER_MAX,
	      "from_user cut at the field");
	json_object_put(o);
}

#define T_REASON_NAME(id, name, drops) [id] = name,
static const char *const t_reasons[] = { SG_REASONS(T_REASON_NAME) };

static const char *name_reason(int r)
{
	return t_reasons[r];
}

/* The worst case fits the line buffer: every byte of both fields escaped. */
void test_event_worst_case_fits(void)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];

	memset(e.ua, 0x1b, sizeof(e.ua));
	memset(e.from_user, 0xff, sizeof(e.from_user));
	e.ua_len = SG_EV_UA_MAX;
	e.from_user_len = SG_EV_USER_MAX;
	memset(&e.saddr, 0xfe, sizeof(e.saddr));
	memset(&e.daddr, 0xfe, sizeof(e.daddr));
	e.reason = SG_R_FIRST_DROP;	/* the longest names */
	for (int r = 0; r < SG_REASON_MAX; r++)
		if (strlen(name_reason(r)) > strlen(name_reason(e.reason)))
			e.reason = r;
	e.method = SG_M_SUBSCRIBE;
	e.flags |= SG_EV_MONITOR;
	sg_event_text(line, sizeof(line), &e, "abcdefghijklmno", WALL_NS);
	CHECK(strstr(line, " suppressed=17"), "line cut short: %s", line);
}
