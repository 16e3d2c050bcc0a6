// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target over parse_packet() (bpf/parsing.h) and classify_sip()
 * (bpf/sip.h), built with ASan and UBSan.
 *
 *   make fuzz FUZZ_SECONDS=60		  run it for a minute, corpus in
 *					  build/fuzz/parse/
 *   build/tests/fuzz_parse -runs=200000  a short bounded run (a few seconds)
 *
 * The first input byte picks what the rest is:
 *   0  a raw frame;
 *   1  a raw UDP payload, for the classifier alone;
 *   2, 3  a frame built with tests/pkt.h from the next bytes (VLAN tags,
 *	 PPPoE, IPv4 options and fragment bits, IPv6 extension headers),
 *	 the rest as UDP payload, then cut to a length the input chooses: so
 *	 mutations reach the payload behind every encapsulation.
 *
 * Beyond memory safety it checks what the filter relies on: pointers the
 * parser returns lie inside the frame, and the classifier never misses an
 * INVITE (after up to SG_CRLF_SKIP_MAX blanks, 0x01..0x20, followed by a
 * blank) nor calls a prefix of one complete (the tiny-fragment rule
 * depends on that flag).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"	/* before the uapi headers: glibc's netinet/in.h first */
#include "parsing.h"
#include "sip.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_parse: check failed: %s "	\
				"(line %d)\n", #cond, __LINE__);	\
			abort();					\
		}							\
	} while (0)

static const char *const method_names[SG_M_MAX] = {
	[SG_M_INVITE] = "invite",	[SG_M_ACK] = "ack",
	[SG_M_BYE] = "bye",		[SG_M_CANCEL] = "cancel",
	[SG_M_REGISTER] = "register",	[SG_M_OPTIONS] = "options",
	[SG_M_SUBSCRIBE] = "subscribe",	[SG_M_NOTIFY] = "notify",
	[SG_M_PUBLISH] = "publish",	[SG_M_MESSAGE] = "message",
	[SG_M_INFO] = "info",		[SG_M_PRACK] = "prack",
	[SG_M_UPDATE] = "update",	[SG_M_REFER] = "refer",
};

static int lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* Do the n bytes at p start with word (lower case), ignoring case? */
static int starts_ci(const uint8_t *p, size_t n, const char *word)
{
	size_t i, w = strlen(word);

	if (n < w)
		return 0;
	for (i = 0; i < w; i++)
		if (lc(p[i]) != word[i])
			return 0;
	return 1;
}

/* A blank, written out differently from sg_blank(): 1 to 32. */
static int blank(int c)
{
	return c >= 1 && c <= ' ';
}

static int stun(const uint8_t *p, size_t n)
{
	return n >= 20 && p[0] < 0x40 && p[4] == 0x21 && p[5] == 0x12 &&
	       p[6] == 0xa4 && p[7] == 0x42;
}

/*
 * The properties of classify_sip() on the n bytes at p: the rule of
 * docs/design.md "Blanks in the request line", written out again.
 */
static void check_sip(const uint8_t *p, size_t n)
{
	struct sg_sip r = classify_sip(p, p + n);
	size_t skip = 0, rest;
	const uint8_t *s;
	int invite;

	while (skip < n && skip < SG_CRLF_SKIP_MAX && blank(p[skip]))
		skip++;
	s = p + skip;
	rest = n - skip;
	/* at most SG_CRLF_SKIP_MAX blanks, "invite" in any case, a blank */
	invite = !stun(p, n) && skip < n && starts_ci(s, rest, "invite") &&
		 rest > 6 && blank(s[6]);

	CHECK(r.kind <= SG_SIP_CRLF_PADDING);
	CHECK(r.start <= SG_CRLF_SKIP_MAX);
	CHECK(r.start == 0 || r.start < n);
	/* never miss an INVITE */
	if (invite)
		CHECK(r.kind == SG_SIP_REQUEST && r.method == SG_M_INVITE);
	if (r.kind == SG_SIP_REQUEST) {
		CHECK(r.method > SG_M_NONE && r.method < SG_M_MAX);
		CHECK(r.start == skip);
		CHECK(starts_ci(s, rest, method_names[r.method]));
		rest -= strlen(method_names[r.method]);
		CHECK(rest > 0);
		s += strlen(method_names[r.method]);
		CHECK(blank(s[0]));
	} else {
		CHECK(r.method == SG_M_NONE);
	}
	if (r.kind == SG_SIP_RESPONSE)
		CHECK(r.start == skip &&
		      starts_ci(p + r.start, n - r.start, "sip/2.0 "));
	if (r.kind == SG_SIP_KEEPALIVE)
		CHECK(n > 0 && skip == n && r.truncated);
	if (r.kind == SG_SIP_CRLF_PADDING)
		CHECK(skip == SG_CRLF_SKIP_MAX && rest > 0 && blank(s[0]));
	if (r.kind == SG_SIP_STUN)
		CHECK(stun(p, n));
	/* a STUN header is STUN, whatever blanks it starts with */
	if (stun(p, n))
		CHECK(r.kind == SG_SIP_STUN);
	/* no byte at all: could still become anything */
	if (n == 0)
		CHECK(r.kind == SG_SIP_NONE && r.truncated);
	/*
	 * A start line that is a proper prefix of "INVITE" and a blank must
	 * be flagged truncated, so that a first fragment ending there is no
	 * pass; so must a payload of nothing but blanks.
	 */
	if (n > 0 && !stun(p, n) && skip == n && skip <= SG_CRLF_SKIP_MAX)
		CHECK(r.kind == SG_SIP_KEEPALIVE && r.truncated);
	if (r.kind == SG_SIP_NONE && !stun(p, n) && skip < n &&
	    (skip == 0 || !blank(s[0])) && rest < 7) {
		size_t i;
		int prefix = 1;

		for (i = 0; i < rest && i < 6; i++)
			if (lc(s[i]) != "invite"[i])
				prefix = 0;
		CHECK(r.truncated == prefix);
	}
	if (r.truncated)
		CHECK(r.kind == SG_SIP_KEEPALIVE || n == 0 || rest < 7);
}

/*
 * Parse a frame held in a buffer that ends exactly where it ends; L3: as
 * a device without a link-layer header hands it over.
 */
static void check_frame(const uint8_t *frame, size_t n, int l3)
{
	uint8_t *b = malloc(n + 2), *data, *end;
	struct sg_pkt pkt;
	enum sg_l4 l4;

	if (!b)
		return;
	/* the IP header 4-aligned, as in the kernel: +2 behind Ethernet */
	data = l3 ? b : b + 2;
	memcpy(data, frame, n);
	end = data + n;
	memset(&pkt, 0, sizeof(pkt));
	l4 = parse_packet(data, end, &pkt, l3);
	CHECK(l4 <= SG_L4_FRAG_SHORT);
	/* the fixed offsets and the walk agree on every frame both read */
	if (!l3) {
		struct sg_pkt a, w;
		int fixed;

		memset(&a, 0, sizeof(a));
		memset(&w, 0, sizeof(w));
		fixed = parse_plain4(data, end, &a);
		if (fixed >= 0) {
			CHECK((int)parse_walk(data, end, &w, 0) == fixed);
			CHECK(!memcmp(&a, &w, sizeof(a)));
		}
	}
	/* cut before the end of the UDP header: a first fragment only */
	if (l4 == SG_L4_FRAG_SHORT)
		CHECK(pkt.is_frag && pkt.more_frags && pkt.frag_off == 0);
	if (pkt.l3)
		CHECK((uint8_t *)pkt.l3 >= data + (l3 ? 0 : PKT_ETH_HLEN) &&
		      (uint8_t *)pkt.l3 < end);
	if (pkt.l3 && l3)
		CHECK((uint8_t *)pkt.l3 == data);
	if (l4 == SG_L4_UDP || l4 == SG_L4_FRAG_LATER)
		CHECK(pkt.l3 != NULL);
	if (l4 == SG_L4_UDP) {
		CHECK((uint8_t *)pkt.payload >= (uint8_t *)pkt.l3 + 28);
		CHECK((uint8_t *)pkt.payload <= end);
		CHECK(pkt.l4proto == IPPROTO_UDP);
		check_sip(pkt.payload, end - (uint8_t *)pkt.payload);
	}
	if (l4 == SG_L4_FRAG_LATER)
		CHECK(pkt.is_frag && pkt.frag_off > 0);
	if (pkt.l3) {
		struct sg_frag_key k;	/* 4-aligned, like the kernel's */

		pkt_saddr(&pkt, &k.saddr);
		pkt_daddr(&pkt, &k.daddr);
	}
	free(b);
}

static void check_built(const uint8_t *in, size_t n)
{
	static const uint8_t ext_types[4] = { PKT_EXT_HBH, PKT_EXT_ROUTING,
					      PKT_EXT_DSTOPTS, PKT_EXT_AH };
	uint8_t frame[PKT_FRAME_MAX];
	struct pkt_desc d;
	size_t cut;
	int len, i, next;

	if (n < 6)
		return;
	if (in[1] & 1)
		pkt_desc_init(&d, "2001:db8:bad::66", "2001:db8:1::10",
			      5060, 5060);
	else
		pkt_desc_init(&d, "203.0.113.66", "192.0.2.10", 5060, 5060);
	d.nvlan = (in[1] >> 1) % (PKT_VLAN_MAX + 1);
	d.pppoe = in[1] >> 3 & 1;
	if (d.ipver == 4) {
		d.ip4_optlen = 4 * (in[2] % 11);
		d.ip4_mf = in[2] >> 4 & 1;
		d.ip4_frag_off = in[2] >> 5 & 1;	/* 0 or offset 1 */
		d.id = in[3];
	} else {
		next = in[2] % 9;	/* 0..8 ext headers, past the limit */
		for (i = 0; i < next; i++) {
			int t = in[3] >> (i % 4 * 2) & 3;

			pkt_add_ext(&d, ext_types[t], t == 3 ? 16 : 8);
		}
		if (in[2] & 0x80) {
			i = pkt_add_ext(&d, PKT_EXT_FRAG, 8);
			if (i >= 0) {
				d.ext[i].more = 1;
				d.ext[i].frag_off = in[3] >> 7;
				d.ext[i].id = in[4];
			}
		}
	}
	len = pkt_build(&d, in + 6, n - 6, frame, sizeof(frame));
	if (len < 0)
		return;
	/* cut off up to 255 bytes at the end */
	cut = (size_t)len > in[5] ? len - in[5] : 0;
	check_frame(frame, cut, 0);
	/* the same packet from a device without a link-layer header */
	len = pkt_strip_l2(&d, frame, (int)cut);
	if (len >= 0)
		check_frame(frame, len, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	uint8_t *p;

	if (n < 1)
		return 0;
	switch (in[0] & 3) {
	case 0:
		check_frame(in + 1, n - 1, in[0] >> 2 & 1);
		break;
	case 1:
		p = malloc(n - 1 ? n - 1 : 1);
		if (!p)
			return 0;
		memcpy(p, in + 1, n - 1);
		check_sip(p, n - 1);
		free(p);
		break;
	default:
		check_built(in, n);
		break;
	}
	return 0;
}
