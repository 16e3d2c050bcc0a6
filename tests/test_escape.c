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

static int passed, failed;
static const char *cur_test;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "    %s: ", cur_test);                \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
			ok = 0;                                               \
		}                                                             \
	} while (0)

#define EXPECT_STR(what, want, got)                                           \
	CHECK(!strcmp((want), (got)), "%s: expected '%s', got '%s'", what,    \
	      (want), (got))

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

TEST(test_escape_plain_text_unchanged)
{
	int ok = 1;

	EXPECT_STR("ascii", "friendly-scanner 1.0", esc("friendly-scanner 1.0", 20, 0));
	EXPECT_STR("utf-8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		   esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 0));
	EXPECT_STR("empty", "", esc("", 0, 0));
	return ok;
}

TEST(test_escape_backslash_and_quote)
{
	int ok = 1;

	EXPECT_STR("backslash", "a\\\\b", esc("a\\b", 3, 0));
	EXPECT_STR("quote kept without SG_ESC_QUOTE", "say \"hi\"", esc("say \"hi\"", 8, 0));
	EXPECT_STR("quote escaped", "say \\\"hi\\\"", esc("say \"hi\"", 8, SG_ESC_QUOTE));
	EXPECT_STR("a faked escape stays readable", "\\\\x41", esc("\\x41", 4, 0));
	return ok;
}

TEST(test_escape_control_bytes)
{
	int ok = 1;

	EXPECT_STR("NUL", "a\\x00b", esc("a\0b", 3, 0));
	EXPECT_STR("ESC [31m", "\\x1b[31mred", esc("\x1b[31mred", 8, 0));
	EXPECT_STR("CR LF TAB", "\\x0d\\x0a\\x09", esc("\r\n\t", 3, 0));
	EXPECT_STR("DEL", "\\x7f", esc("\x7f", 1, 0));
	EXPECT_STR("C1 CSI in UTF-8", "\\xc2\\x9b2J", esc("\xc2\x9b" "2J", 4, 0));
	EXPECT_STR("RLO bidi override", "a\\xe2\\x80\\xaeb", esc("a\xe2\x80\xae" "b", 5, 0));
	EXPECT_STR("line separator", "\\xe2\\x80\\xa8", esc("\xe2\x80\xa8", 3, 0));
	return ok;
}

TEST(test_escape_invalid_utf8)
{
	int ok = 1;

	EXPECT_STR("lone continuation", "\\x80", esc("\x80", 1, 0));
	EXPECT_STR("0xff", "\\xff\\xfe", esc("\xff\xfe", 2, 0));
	EXPECT_STR("cut sequence at the end", "ok\\xe2\\x82", esc("ok\xe2\x82", 4, 0));
	EXPECT_STR("cut sequence before ASCII", "\\xc3(", esc("\xc3(", 2, 0));
	EXPECT_STR("overlong slash", "\\xc0\\xaf", esc("\xc0\xaf", 2, 0));
	EXPECT_STR("overlong 3-byte", "\\xe0\\x80\\xaf", esc("\xe0\x80\xaf", 3, 0));
	EXPECT_STR("surrogate", "\\xed\\xa0\\x80", esc("\xed\xa0\x80", 3, 0));
	EXPECT_STR("above U+10FFFF", "\\xf4\\x90\\x80\\x80", esc("\xf4\x90\x80\x80", 4, 0));
	EXPECT_STR("U+10FFFF is text", "\xf4\x8f\xbf\xbf", esc("\xf4\x8f\xbf\xbf", 4, 0));
	return ok;
}

TEST(test_escape_truncates_at_whole_escapes)
{
	char buf[7];
	size_t n;
	int ok = 1;

	n = sg_escape(buf, sizeof(buf), "ab\x1b" "cd", 5, 0);
	EXPECT_STR("no half escape", "ab\\x1b", buf);
	CHECK(n == 6, "length %zu", n);
	n = sg_escape(buf, 4, "\xe2\x82\xac\xe2\x82\xac", 6, 0);
	EXPECT_STR("no half UTF-8 character", "\xe2\x82\xac", buf);
	n = sg_escape(buf, 1, "abc", 3, 0);
	CHECK(n == 0 && !buf[0], "dlen 1: '%s'", buf);
	return ok;
}

/* Every byte string escapes to clean text that reads back to it. */
TEST(test_escape_round_trip_random)
{
	unsigned char in[64], back[64 * 4];
	char out[SG_ESC_SIZE(64)];
	int i, ok = 1;
	size_t n, k;

	srand(4711);
	for (i = 0; i < 200000 && ok; i++) {
		n = rand() % sizeof(in);
		for (k = 0; k < n; k++)		/* biased to the nasty bytes */
			in[k] = rand() % 3 ? rand() % 256 :
				"\\\"\x1b\x80\xc2\xe2\xed\xf0\xf4\xff\x00\x9b"[rand() % 12];
		sg_escape(out, sizeof(out), in, n, SG_ESC_QUOTE);
		CHECK(clean_utf8(out), "not clean UTF-8: %s", out);
		k = unescape(out, back);
		CHECK(k == n && !memcmp(in, back, n), "round trip lost bytes: %s", out);
	}
	return ok;
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

TEST(test_event_text_line_escapes_everything)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];
	int ok = 1;

	setenv("TZ", "UTC", 1);
	sg_event_text(line, sizeof(line), &e, "wan0", WALL_NS);
	EXPECT_STR("text line",
		   "2001-09-09 01:46:40.250 wan0 drop orphan_invite INVITE 198.51.100.66:5099 > 192.0.2.1:5060 "
		   "from=\"\\\"bob\\\\\\\"\\x1b[2J\" ua=\"" NASTY_UA_ESC "\" suppressed=17", line);
	CHECK(clean_utf8(line), "control byte or bad UTF-8 in: %s", line);
	return ok;
}

TEST(test_event_syslog_line_escapes_everything)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];
	int ok = 1;

	sg_event_syslog(line, sizeof(line), &e, "wan0");
	EXPECT_STR("syslog line",
		   "iface=wan0 action=drop reason=orphan_invite method=INVITE src=198.51.100.66:5099 dst=192.0.2.1:5060 "
		   "from=\"\\\"bob\\\\\\\"\\x1b[2J\" ua=\"" NASTY_UA_ESC "\" suppressed=17", line);
	CHECK(clean_utf8(line), "control byte or bad UTF-8 in: %s", line);
	CHECK(!strchr(line, '%'), "a '%%' would be a format directive");
	return ok;
}

TEST(test_event_json_is_valid_and_reads_back)
{
	struct sg_event e = crafted();
	json_object *o, *back, *v;
	unsigned char raw[256];
	const char *txt;
	size_t n;
	int ok = 1;

	o = sg_event_json(&e, "wan0", WALL_NS);
	txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	CHECK(clean_utf8(txt), "JSON text not clean UTF-8: %s", txt);
	back = json_tokener_parse(txt);
	CHECK(back != NULL, "JSON does not parse: %s", txt);
	if (!back) {
		json_object_put(o);
		return 0;
	}
	EXPECT_STR("user_agent", NASTY_UA_JSON,
		   json_object_get_string(json_object_object_get(back, "user_agent")));
	v = json_object_object_get(back, "user_agent");
	n = unescape(json_object_get_string(v), raw);
	CHECK(n == NASTY_UA_LEN && !memcmp(raw, NASTY_UA, n),
	      "user_agent does not read back to the bytes sent");
	v = json_object_object_get(back, "from_user");
	n = unescape(json_object_get_string(v), raw);
	CHECK(n == NASTY_FROM_LEN && !memcmp(raw, NASTY_FROM, n),
	      "from_user does not read back: %s", json_object_get_string(v));
	EXPECT_STR("time", "2001-09-09T01:46:40.250Z",
		   json_object_get_string(json_object_object_get(back, "time")));
	EXPECT_STR("interface", "wan0", json_object_get_string(json_object_object_get(back, "interface")));
	EXPECT_STR("reason", "orphan_invite", json_object_get_string(json_object_object_get(back, "reason")));
	EXPECT_STR("method", "INVITE", json_object_get_string(json_object_object_get(back, "method")));
	EXPECT_STR("src", "198.51.100.66", json_object_get_string(json_object_object_get(back, "src")));
	EXPECT_STR("dst", "192.0.2.1", json_object_get_string(json_object_object_get(back, "dst")));
	CHECK(json_object_get_int(json_object_object_get(back, "sport")) == 5099, "sport");
	CHECK(json_object_get_int(json_object_object_get(back, "dport")) == 5060, "dport");
	CHECK(json_object_get_int(json_object_object_get(back, "suppressed")) == 17, "suppressed");
	CHECK(!json_object_get_boolean(json_object_object_get(back, "monitor")), "monitor");
	json_object_put(back);
	json_object_put(o);
	return ok;
}

TEST(test_event_ipv6_monitor_no_headers)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];
	json_object *o;
	int ok = 1;

	memset(&e.saddr, 0, sizeof(e.saddr));
	inet_pton(AF_INET6, "2001:db8::66", e.saddr.b);
	inet_pton(AF_INET6, "2001:db8::1", e.daddr.b);
	e.sport = 0;		/* a fragment: no ports */
	e.dport = 0;
	e.flags = SG_EV_MONITOR;
	e.reason = SG_R_TINY_FRAG;
	e.method = SG_M_NONE;
	sg_event_syslog(line, sizeof(line), &e, NULL);
	EXPECT_STR("syslog",
		   "iface=7 action=monitor reason=tiny_fragment method=- src=2001:db8::66 dst=2001:db8::1 from=- ua=- suppressed=17",
		   line);
	e.sport = 5060;
	e.dport = 5062;
	sg_event_syslog(line, sizeof(line), &e, "ppp0");
	CHECK(strstr(line, "src=[2001:db8::66]:5060 dst=[2001:db8::1]:5062"), "ports: %s", line);
	o = sg_event_json(&e, NULL, WALL_NS);
	CHECK(json_object_get_boolean(json_object_object_get(o, "monitor")), "monitor flag");
	CHECK(json_object_get_type(json_object_object_get(o, "user_agent")) == json_type_null,
	      "no headers: user_agent null");
	EXPECT_STR("interface by number", "7", json_object_get_string(json_object_object_get(o, "interface")));
	json_object_put(o);
	return ok;
}

TEST(test_event_bad_lengths_and_names)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];
	json_object *o;
	int ok = 1;

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
	return ok;
}

#define T_REASON_NAME(id, name, drops) [id] = name,
static const char *const t_reasons[] = { SG_REASONS(T_REASON_NAME) };

static const char *name_reason(int r)
{
	return t_reasons[r];
}

/* The worst case fits the line buffer: every byte of both fields escaped. */
TEST(test_event_worst_case_fits)
{
	struct sg_event e = crafted();
	char line[SG_EVENT_LINE_MAX];
	int ok = 1;

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
	return ok;
}

int main(void)
{
	printf("escape and event renderings\n");
	RUN(test_escape_plain_text_unchanged);
	RUN(test_escape_backslash_and_quote);
	RUN(test_escape_control_bytes);
	RUN(test_escape_invalid_utf8);
	RUN(test_escape_truncates_at_whole_escapes);
	RUN(test_escape_round_trip_random);
	RUN(test_event_text_line_escapes_everything);
	RUN(test_event_syslog_line_escapes_everything);
	RUN(test_event_json_is_valid_and_reads_back);
	RUN(test_event_ipv6_monitor_no_headers);
	RUN(test_event_bad_lengths_and_names);
	RUN(test_event_worst_case_fits);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
