/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * classify_sip(): what a UDP payload is, as far as a SIP filter cares.
 *
 * It looks at the first bytes only: leading blanks (skipped), the request
 * method token (matched without regard to case, since deployed stacks
 * accept "invite") and the blank after it, the response prefix "SIP/2.0 ",
 * keep-alives (RFC 5626) and STUN (RFC 5389).  A payload that merely
 * contains a method name further in is no request.
 *
 * A blank is any byte from 0x01 to 0x20 (sg_blank()): SP, HTAB, CR and LF,
 * which RFC 3261 7.5 and the stacks skip before the start line and fold
 * after the method, and the other control bytes, which chan_sip skips
 * there too.  The classifier takes the widest of what the stacks take, so
 * that no stack rings for an INVITE that it calls something else
 * (tests/sipdiff/README.md has the table; docs/design.md "Blanks in the
 * request line" the reasons):
 *
 *   - up to SG_CRLF_SKIP_MAX blanks before the start line; more than that,
 *     then data, is SG_SIP_CRLF_PADDING (dropped from strangers); nothing
 *     but blanks is a keep-alive;
 *   - a method followed by any blank (SP, HTAB, a fold "CRLF SP", a bare
 *     line end, VT...) is a request.  The bytes after that blank are not
 *     read: each stack's rule for what may stand there (one SP, several
 *     blanks, a fold, any byte from 1 to 32) starts with a blank, so the
 *     first one decides for all of them.
 *
 * STUN starts with 0x00 or 0x01: its magic cookie is checked before a
 * leading 0x01 is skipped as a blank.
 *
 * It also says whether the data ended before an INVITE could be ruled out
 * (sg_sip.truncated: no byte at all, only blanks, or blanks and a proper
 * prefix of "INVITE" and a blank): on a complete datagram that means "not
 * SIP" (or a keep-alive), but on the first fragment of a larger one it
 * means the fragment is too short to decide on (the RFC 1858 tiny-fragment
 * trick), which the caller treats as a drop.
 *
 * Pure C over two pointers, no BPF helper: the host tests compile it too.
 */
#ifndef SG_SIP_H
#define SG_SIP_H

#include <linux/types.h>
#include "sipguard.h"
#include "compiler.h"


enum sg_sip_kind {
	SG_SIP_NONE = 0,	/* not SIP (RTP, DNS, zero pings...) */
	SG_SIP_KEEPALIVE,	/* only blanks (CR/LF for RFC 5626) */
	SG_SIP_STUN,
	SG_SIP_RESPONSE,	/* "SIP/2.0 " */
	SG_SIP_REQUEST,		/* a known method token and a blank */
	SG_SIP_CRLF_PADDING,	/* more leading blanks than we skip, then data */
};

/* enum sg_method is in sipguard.h: drop events carry it. */

struct sg_sip {
	__u8 kind;		/* enum sg_sip_kind */
	__u8 method;		/* enum sg_method, for SG_SIP_REQUEST */
	__u8 truncated;		/* data ended before INVITE was ruled out */
	__u8 pad;
	__u16 start;		/* offset of the start line in the payload */
};

#define SG_STUN_MAGIC_0	0x21
#define SG_STUN_MAGIC_1	0x12
#define SG_STUN_MAGIC_2	0xA4
#define SG_STUN_MAGIC_3	0x42
#define SG_STUN_HDR_LEN	20

/*
 * A byte that may stand before a start line or between the method and the
 * Request-URI: 0x01..0x20, one compare.
 */
static __always_inline int sg_blank(__u8 ch)
{
	return (__u8)(ch - 1) < 0x20;
}

/*
 * Does p start with the pattern lc (n bytes, lower case)?  Letters match in
 * either case, everything else exactly.  n and lc are constants at every
 * call site, so the loop unrolls into immediate compares.
 */
static __always_inline int sg_match_ci(const __u8 *p, const void *end,
				       const char *lc, const int n)
{
	int i;

	if ((const void *)(p + n) > end)
		return 0;
SG_UNROLL
	for (i = 0; i < n; i++) {
		__u8 ch = p[i];

		if (lc[i] >= 'a' && lc[i] <= 'z')
			ch |= 0x20;
		if (ch != (__u8)lc[i])
			return 0;
	}
	return 1;
}

/* A method token of n bytes followed by a blank. */
static __always_inline int sg_method_is(const __u8 *p, const void *end,
					const char *lc, const int n)
{
	if (!sg_match_ci(p, end, lc, n))
		return 0;
	if ((const void *)(p + n + 1) > end)
		return 0;
	return sg_blank(p[n]);
}

/*
 * Could the bytes before end still be the start of "INVITE" and a blank?
 * Only asked when fewer than 7 bytes are left.
 */
static __always_inline int sg_invite_prefix(const __u8 *p, const void *end)
{
	const char lc[7] = { 'i', 'n', 'v', 'i', 't', 'e', ' ' };
	int i;

SG_UNROLL
	for (i = 0; i < 7; i++) {
		if ((const void *)(p + i + 1) > end)
			return 1;
		if (i < 6 && (p[i] | 0x20) != lc[i])
			return 0;
		if (i == 6 && !sg_blank(p[i]))
			return 0;
	}
	return 0;
}

static __always_inline __u8 sg_method_of(const __u8 *p, const void *end)
{
	switch (p[0] | 0x20) {
	case 'i':
		if (sg_method_is(p, end, "invite", 6))
			return SG_M_INVITE;
		if (sg_method_is(p, end, "info", 4))
			return SG_M_INFO;
		break;
	case 'a':
		if (sg_method_is(p, end, "ack", 3))
			return SG_M_ACK;
		break;
	case 'b':
		if (sg_method_is(p, end, "bye", 3))
			return SG_M_BYE;
		break;
	case 'c':
		if (sg_method_is(p, end, "cancel", 6))
			return SG_M_CANCEL;
		break;
	case 'r':
		if (sg_method_is(p, end, "register", 8))
			return SG_M_REGISTER;
		if (sg_method_is(p, end, "refer", 5))
			return SG_M_REFER;
		break;
	case 'o':
		if (sg_method_is(p, end, "options", 7))
			return SG_M_OPTIONS;
		break;
	case 's':
		if (sg_method_is(p, end, "subscribe", 9))
			return SG_M_SUBSCRIBE;
		break;
	case 'n':
		if (sg_method_is(p, end, "notify", 6))
			return SG_M_NOTIFY;
		break;
	case 'p':
		if (sg_method_is(p, end, "publish", 7))
			return SG_M_PUBLISH;
		if (sg_method_is(p, end, "prack", 5))
			return SG_M_PRACK;
		break;
	case 'm':
		if (sg_method_is(p, end, "message", 7))
			return SG_M_MESSAGE;
		break;
	case 'u':
		if (sg_method_is(p, end, "update", 6))
			return SG_M_UPDATE;
		break;
	}
	return SG_M_NONE;
}

static __always_inline struct sg_sip classify_sip(const void *payload,
						  const void *end)
{
	struct sg_sip r = { .kind = SG_SIP_NONE };
	const __u8 *p = payload;
	int i, n;

	/* nothing yet: the first fragment of a datagram may go on with INVITE */
	if ((const void *)(p + 1) > end) {
		r.truncated = 1;
		return r;
	}

	/*
	 * Most UDP traffic (RTP, DNS, QUIC) starts with a byte that can start
	 * no SIP message.  STUN starts with 0x00 or 0x01: its cookie first.
	 */
	if (p[0] < 0x40) {
		if ((const void *)(p + SG_STUN_HDR_LEN) <= end &&
		    p[4] == SG_STUN_MAGIC_0 && p[5] == SG_STUN_MAGIC_1 &&
		    p[6] == SG_STUN_MAGIC_2 && p[7] == SG_STUN_MAGIC_3) {
			r.kind = SG_SIP_STUN;
			return r;
		}
		if (!sg_blank(p[0]))
			return r;
		/*
		 * A constant trip count and no early exit, so that clang
		 * unrolls it: Linux 6.1's verifier refuses a loop whose
		 * back-edge is a fall-through, the shape clang gives the
		 * loop with breaks (docs/design.md, "Verifier portability").
		 */
		n = 0;
SG_UNROLL
		for (i = 0; i < SG_CRLF_SKIP_MAX; i++)
			if (n == i && (const void *)(p + i + 1) <= end &&
			    sg_blank(p[i]))
				n++;
		p += n;
		if ((const void *)(p + 1) > end) {
			/* nothing but blanks */
			r.kind = SG_SIP_KEEPALIVE;
			r.truncated = 1;
			return r;
		}
		if (sg_blank(p[0])) {
			r.kind = SG_SIP_CRLF_PADDING;
			return r;
		}
		r.start = (const void *)p - payload;
	}

	if (sg_match_ci(p, end, "sip/2.0 ", 8)) {
		r.kind = SG_SIP_RESPONSE;
		return r;
	}
	r.method = sg_method_of(p, end);
	if (r.method != SG_M_NONE) {
		r.kind = SG_SIP_REQUEST;
		return r;
	}
	r.truncated = sg_invite_prefix(p, end);
	return r;
}

/* Requests with which a LAN device starts something: these make flows. */
static __always_inline int sg_method_opens_flow(__u8 m)
{
	return m == SG_M_REGISTER || m == SG_M_INVITE || m == SG_M_SUBSCRIBE ||
	       m == SG_M_OPTIONS || m == SG_M_PUBLISH || m == SG_M_MESSAGE;
}

#endif /* SG_SIP_H */
