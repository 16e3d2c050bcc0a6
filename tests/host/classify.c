// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the SIP classifier (bpf/sip.h): the very header the BPF
 * programs are built from, compiled here with ASan and UBSan.  Every input
 * is copied into a malloc'd buffer that ends exactly where the input ends,
 * so a read one byte past the end is an ASan report, not luck.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"	/* before the uapi headers: glibc's netinet/in.h first */
#include "parsing.h"
#include "sip.h"
#include "harness.h"

static const char *kind_name(int k)
{
	static const char *n[] = { "none", "keepalive", "stun", "response",
				   "request", "crlf_padding" };

	return k >= 0 && k < (int)(sizeof(n) / sizeof(n[0])) ? n[k] : "?";
}

static struct sg_sip cls(const void *s, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);
	struct sg_sip r;

	if (!b)
		abort();
	memcpy(b, s, n);
	r = classify_sip(b, b + n);
	free(b);
	return r;
}

#define CLS(lit) cls(lit, sizeof(lit) - 1)

static void expect_sip_at(int line, const char *input, struct sg_sip r,
			  int kind, int method, int truncated)
{
	harness_check(r.kind == kind && r.method == method &&
		      r.truncated == truncated, __FILE__, line,
		      "classify(\"%.40s\"): expected %s/method %d/truncated %d, "
		      "got %s/method %d/truncated %d", input, kind_name(kind),
		      method, truncated, kind_name(r.kind), r.method,
		      r.truncated);
}

#define EXPECT_SIP(lit, kind, method, trunc)				\
	expect_sip_at(__LINE__, lit, CLS(lit), kind, method, trunc)

static const struct {
	const char *name;
	int method;
} methods[] = {
	{ "INVITE", SG_M_INVITE },	{ "ACK", SG_M_ACK },
	{ "BYE", SG_M_BYE },		{ "CANCEL", SG_M_CANCEL },
	{ "REGISTER", SG_M_REGISTER },	{ "OPTIONS", SG_M_OPTIONS },
	{ "SUBSCRIBE", SG_M_SUBSCRIBE },{ "NOTIFY", SG_M_NOTIFY },
	{ "PUBLISH", SG_M_PUBLISH },	{ "MESSAGE", SG_M_MESSAGE },
	{ "INFO", SG_M_INFO },		{ "PRACK", SG_M_PRACK },
	{ "UPDATE", SG_M_UPDATE },	{ "REFER", SG_M_REFER },
};
#define N_METHODS ((int)(sizeof(methods) / sizeof(methods[0])))

void test_classify_every_method(void)
{
	char buf[128];
	int i, n;

	for (i = 0; i < N_METHODS; i++) {
		n = snprintf(buf, sizeof(buf), "%s sip:100@192.0.2.10 SIP/2.0\r\n",
			     methods[i].name);
		expect_sip_at(__LINE__, buf, cls(buf, n), SG_SIP_REQUEST,
			      methods[i].method, 0);
	}
}

/* Lower case and every mixed case of each method are still the method. */
void test_classify_methods_case_insensitive(void)
{
	char buf[128];
	int i, j, n, len, mask;

	for (i = 0; i < N_METHODS; i++) {
		len = strlen(methods[i].name);
		for (mask = 0; mask < 1 << len; mask += 1 + (len > 6) * 7) {
			for (j = 0; j < len; j++)
				buf[j] = (mask >> j & 1) ?
					 methods[i].name[j] | 0x20 :
					 methods[i].name[j];
			n = len + snprintf(buf + len, sizeof(buf) - len,
					   " sip:100@192.0.2.10 SIP/2.0\r\n");
			expect_sip_at(__LINE__, buf, cls(buf, n),
				      SG_SIP_REQUEST, methods[i].method, 0);
		}
	}
	EXPECT_SIP("invite sip:x SIP/2.0", SG_SIP_REQUEST, SG_M_INVITE, 0);
	EXPECT_SIP("InViTe sip:x SIP/2.0", SG_SIP_REQUEST, SG_M_INVITE, 0);
}

void test_classify_tab_after_method(void)
{
	EXPECT_SIP("INVITE\tsip:100@192.0.2.10 SIP/2.0", SG_SIP_REQUEST,
		   SG_M_INVITE, 0);
	EXPECT_SIP("OPTIONS\tsip:100@192.0.2.10 SIP/2.0", SG_SIP_REQUEST,
		   SG_M_OPTIONS, 0);
}

/* A method name must be followed by a blank (0x01..0x20). */
void test_classify_method_needs_blank(void)
{
	EXPECT_SIP("INVITEsip:100@192.0.2.10", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITES sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITE!sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITE\x7fsip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITE\x80sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("REGISTERED sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INFORMATION x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("FOO sip:x SIP/2.0", SG_SIP_NONE, 0, 0);
}

static const char blanks_mix[][8] = {
	"\r\n ", " \r\n", "\t\r\n ", "\r\n\t \r\n ", " \t", "\x0b\x0c",
	"\x01", "\x1f ",
};

/*
 * Before the method: any run of blanks, up to SG_CRLF_SKIP_MAX of them
 * (sofia-sip takes SP/HTAB/CR/LF, pjsip the same with folds, chan_sip
 * every byte from 1 to 32), for every method.
 */
void test_classify_blanks_before_method(void)
{
	char buf[128];
	struct sg_sip r;
	int b, k, i, n, len;

	for (b = 1; b <= 0x20; b++) {
		for (k = 1; k <= SG_CRLF_SKIP_MAX; k += 1 + (k > 2) * 6) {
			memset(buf, b, k);
			n = k + snprintf(buf + k, sizeof(buf) - k,
					 "INVITE sip:x SIP/2.0");
			r = cls(buf, n);
			expect_sip_at(__LINE__, "blanks INVITE", r,
				      SG_SIP_REQUEST, SG_M_INVITE, 0);
			ASSERT_EQ(r.start, k, "start after blanks");
		}
	}
	for (i = 0; i < (int)(sizeof(blanks_mix) / sizeof(blanks_mix[0])); i++) {
		len = strlen(blanks_mix[i]);
		for (k = 0; k < N_METHODS; k++) {
			n = snprintf(buf, sizeof(buf), "%s%s sip:x SIP/2.0",
				     blanks_mix[i], methods[k].name);
			r = cls(buf, n);
			expect_sip_at(__LINE__, buf, r, SG_SIP_REQUEST,
				      methods[k].method, 0);
			ASSERT_EQ(r.start, len, "start after the mix");
		}
	}
	/* leading SP before a response, and a blank that is no blank */
	EXPECT_SIP(" SIP/2.0 200 OK\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("\x00INVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("!INVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("@INVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\x7fINVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\xa0INVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP(" \x00INVITE sip:x", SG_SIP_NONE, 0, 0);
}

/*
 * After the method: any blank, and so any run of them and any fold (pjsip:
 * blanks and one fold, CRLF folds too; oSIP: a CR or LF fold; sofia-sip:
 * SP/HTAB runs; chan_sip: every byte from 1 to 32).
 */
void test_classify_blanks_after_method(void)
{
	static const char *after[] = {
		"\r\n sip:x", "\n\tsip:x", "\r sip:x", "\r\n\r\n sip:x",
		"  \tsip:x", "\n\t\r\nsip:x", "\r\nsip:x", "\x0bsip:x",
	};
	char buf[128];
	int b, i, k, n;

	for (k = 0; k < N_METHODS; k++) {
		for (b = 1; b <= 0x20; b++) {
			n = snprintf(buf, sizeof(buf), "%s%csip:x SIP/2.0",
				     methods[k].name, b);
			expect_sip_at(__LINE__, buf, cls(buf, n),
				      SG_SIP_REQUEST, methods[k].method, 0);
		}
		for (i = 0; i < (int)(sizeof(after) / sizeof(after[0])); i++) {
			n = snprintf(buf, sizeof(buf), "%s%s SIP/2.0",
				     methods[k].name, after[i]);
			expect_sip_at(__LINE__, buf, cls(buf, n),
				      SG_SIP_REQUEST, methods[k].method, 0);
		}
	}
	/* both at once: the shapes */
	EXPECT_SIP(" INVITE sip:x", SG_SIP_REQUEST, SG_M_INVITE, 0);
	EXPECT_SIP("\r\n INVITE\r\n sip:x", SG_SIP_REQUEST, SG_M_INVITE, 0);
	EXPECT_SIP("\tinvite\tsip:x", SG_SIP_REQUEST, SG_M_INVITE, 0);
	EXPECT_SIP("INVITE\r\n", SG_SIP_REQUEST, SG_M_INVITE, 0);
}

/* Only the start line counts: INVITE further in makes no request. */
void test_classify_invite_later_is_not_request(void)
{
	EXPECT_SIP("hello INVITE sip:100@192.0.2.10 SIP/2.0", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("XINVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("OPTIONS sip:x SIP/2.0\r\nSubject: INVITE\r\n",
		   SG_SIP_REQUEST, SG_M_OPTIONS, 0);
	EXPECT_SIP("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n", SG_SIP_RESPONSE, 0, 0);
}

/* Bytes that become 'i' when or-ed with 0x20 are only 'I' and 'i'. */
void test_classify_no_false_case_fold(void)
{
	EXPECT_SIP("\xc9NVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\x89NVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("I\xceVITE sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITE\x00sip:x", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP\x0f" "2.0 200 OK", SG_SIP_NONE, 0, 0);
}

void test_classify_response(void)
{
	EXPECT_SIP("SIP/2.0 200 OK\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("SIP/2.0 180 Ringing\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("sip/2.0 404 Not Found\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("\r\nSIP/2.0 100 Trying\r\n", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("SIP/2.0 ", SG_SIP_RESPONSE, 0, 0);
	EXPECT_SIP("SIP/2.0", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP/2.1 200 OK", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP/2.0\t200 OK", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("HTTP/1.1 200 OK", SG_SIP_NONE, 0, 0);
}

void test_classify_keepalive(void)
{
	EXPECT_SIP("\r\n\r\n", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\r\n", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\n", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\r", SG_SIP_KEEPALIVE, 0, 1);
	/* nothing but blanks, whichever: no message follows */
	EXPECT_SIP(" ", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\r\n \t\r\n", SG_SIP_KEEPALIVE, 0, 1);
	EXPECT_SIP("\x01\x1f\x0b", SG_SIP_KEEPALIVE, 0, 1);
}

void test_classify_stun(void)
{
	uint8_t s[32];
	int n = pkt_stun_binding(s, sizeof(s)), i;

	expect_sip_at(__LINE__, "stun", cls(s, n), SG_SIP_STUN, 0, 0);
	expect_sip_at(__LINE__, "stun+attr", cls(s, 28), SG_SIP_STUN, 0, 0);
	/* 19 bytes are no STUN header */
	expect_sip_at(__LINE__, "stun19", cls(s, 19), SG_SIP_NONE, 0, 0);
	for (i = 4; i < 8; i++) {
		s[i] ^= 1;
		expect_sip_at(__LINE__, "bad magic", cls(s, n), SG_SIP_NONE, 0, 0);
		s[i] ^= 1;
	}
	s[0] = 0x41;	/* first two bits must be 0 */
	expect_sip_at(__LINE__, "0x41", cls(s, n), SG_SIP_NONE, 0, 0);
	/*
	 * A success response (0x0101) starts with 0x01, a blank: the cookie
	 * is checked first, and without it 0x01 0x01 is skipped as blanks.
	 */
	s[0] = 0x01;
	s[1] = 0x01;
	expect_sip_at(__LINE__, "0x0101", cls(s, n), SG_SIP_STUN, 0, 0);
	s[4] ^= 1;
	expect_sip_at(__LINE__, "0x0101 bad magic", cls(s, n), SG_SIP_NONE, 0, 0);
	ASSERT_EQ(cls(s, n).start, 2, "0x0101 bad magic: blanks skipped");
}

void test_classify_not_sip(void)
{
	uint8_t b[256];
	int n;

	EXPECT_SIP("\0\0\0\0", SG_SIP_NONE, 0, 0);
	/* no byte yet: as a first fragment, it could still be anything */
	EXPECT_SIP("", SG_SIP_NONE, 0, 1);
	/* WireGuard (type 4, three zero bytes), DTLS, NTP */
	EXPECT_SIP("\x04\0\0\0\x11\x22\x33\x44", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\x17\xfe\xfd\0\x01", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\x1b\0\x06\xec", SG_SIP_NONE, 0, 0);
	n = pkt_rtp(b, sizeof(b), 160);
	expect_sip_at(__LINE__, "rtp", cls(b, n), SG_SIP_NONE, 0, 0);
	n = pkt_dns_query(b, sizeof(b));
	expect_sip_at(__LINE__, "dns", cls(b, n), SG_SIP_NONE, 0, 0);
	EXPECT_SIP("GET / HTTP/1.1\r\n", SG_SIP_NONE, 0, 0);
}

/* Up to SG_CRLF_SKIP_MAX blanks are skipped; start says where. */
void test_classify_crlf_skip_up_to_max(void)
{
	char buf[128];
	struct sg_sip r;
	int k, n;

	for (k = 1; k <= SG_CRLF_SKIP_MAX; k++) {
		memset(buf, '\r', k);
		for (n = 1; n < k; n += 2)
			buf[n] = '\n';
		n = k + snprintf(buf + k, sizeof(buf) - k, "INVITE sip:x SIP/2.0");
		r = cls(buf, n);
		expect_sip_at(__LINE__, buf, r, SG_SIP_REQUEST, SG_M_INVITE, 0);
		ASSERT_EQ(r.start, k, "start after CRLFs");
	}
	ASSERT_EQ(CLS("INVITE sip:x").start, 0, "start without CRLF");
}

void test_classify_crlf_padding_beyond_max(void)
{
	char buf[128];
	int k, n;

	for (k = SG_CRLF_SKIP_MAX + 1; k <= SG_CRLF_SKIP_MAX + 8; k++) {
		memset(buf, k & 1 ? '\n' : k & 2 ? ' ' : '\x0b', k);
		n = k + snprintf(buf + k, sizeof(buf) - k, "INVITE sip:x SIP/2.0");
		expect_sip_at(__LINE__, "CRLF*k INVITE", cls(buf, n),
			      SG_SIP_CRLF_PADDING, 0, 0);
		n = k + snprintf(buf + k, sizeof(buf) - k, "SIP/2.0 200 OK");
		expect_sip_at(__LINE__, "CRLF*k response", cls(buf, n),
			      SG_SIP_CRLF_PADDING, 0, 0);
	}
}

/*
 * truncated: the data ended while it could still have been "INVITE ".
 * Every prefix of "INVITE " (any case, any blank after it, after blanks
 * too) and blanks alone
 * are truncated; anything that already differs is not.
 */
void test_classify_truncated_flag(void)
{
	static const char *full[] = { "INVITE ", "invite\t", "\r\n\r\nINVITE ",
				      " \tINVITE\r", "\x01InViTe\x0b",
				      "\r\n INVITE\n" };
	static const char blanks[] = " \t\r\n\x01\x0b";
	struct sg_sip r;
	size_t i, n, start;

	for (i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		start = strspn(full[i], blanks);
		for (n = start + 1; n < strlen(full[i]); n++) {
			r = cls(full[i], n);
			expect_sip_at(__LINE__, full[i], r, SG_SIP_NONE, 0, 1);
		}
		r = cls(full[i], strlen(full[i]));
		expect_sip_at(__LINE__, full[i], r, SG_SIP_REQUEST,
			      SG_M_INVITE, 0);
	}
	EXPECT_SIP("INX", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("INVITX", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("OPTI", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("REGISTER", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("SIP/2.", SG_SIP_NONE, 0, 0);
	EXPECT_SIP("\r\n\r\nSIP", SG_SIP_NONE, 0, 0);
	/* complete words are never "truncated", whatever their length */
	EXPECT_SIP("INVITE sip:", SG_SIP_REQUEST, SG_M_INVITE, 0);
	EXPECT_SIP("\0\0\0\0", SG_SIP_NONE, 0, 0);
}

/* Every prefix of real messages: no read past the end (ASan). */
void test_classify_every_prefix_in_bounds(void)
{
	char msg[2048];
	struct sg_sip r;
	int n, i, k;
	const char *m[] = { "INVITE", "OPTIONS", "REGISTER" };

	for (k = 0; k < 3; k++) {
		n = pkt_sip_request(msg, sizeof(msg), m[k], "192.0.2.10", 100);
		for (i = 0; i <= n; i++) {
			r = cls(msg, i);
			if (i >= (int)strlen(m[k]) + 1)
				ASSERT_EQ(r.kind, SG_SIP_REQUEST, "request kind");
		}
	}
	n = pkt_sip_response(msg, sizeof(msg), "200 OK", "REGISTER");
	for (i = 0; i <= n; i++) {
		r = cls(msg, i);
		ASSERT_EQ(r.kind, i >= 8 ? SG_SIP_RESPONSE :
			  SG_SIP_NONE, "response kind");
	}
}

void test_method_opens_flow(void)
{
	int i, opens;

	for (i = 0; i < N_METHODS; i++) {
		opens = methods[i].method == SG_M_REGISTER ||
			methods[i].method == SG_M_INVITE ||
			methods[i].method == SG_M_SUBSCRIBE ||
			methods[i].method == SG_M_OPTIONS ||
			methods[i].method == SG_M_PUBLISH ||
			methods[i].method == SG_M_MESSAGE;
		ASSERT_EQ(sg_method_opens_flow(methods[i].method), opens, methods[i].name);
	}
}
