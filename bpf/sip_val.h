/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the values that the header scanner (sip_hdr.h) found say: byte
 * searches over the scan buffer, the Request-URI, the user of a SIP, SIPS
 * or tel URI, the To tag, and the User-Agent blocklist match; and the host
 * drivers of the scan and of the match (the kernel drives them with
 * bpf_loop, in l7.h).
 *
 * The kernel build (scan.h) puts the byte searches behind global
 * functions, which the verifier checks once, by defining SG_FIND_BYTE,
 * SG_FIND_LONG and SG_PARAM_IS_TAG before it includes this header; the
 * host tests and fuzzers include it as it is and get the inline searches.
 */
#ifndef SG_SIP_VAL_H
#define SG_SIP_VAL_H

#include "sip_hdr.h"

/*
 * Index of the first byte C in the N bytes at OFF (N when there is none),
 * a word at a time: the has-zero-byte test on the word XOR C repeated.
 * N is at most SG_FIND_MAX.
 */
#define SG_FIND_MAX	128
#define SG_TAG_PARAMS	8	/* header parameters looked at for a tag */

/* The search over at most WORDS words (a constant: the loop's bound). */
static __always_inline __u32 sg_find_words(const struct sg_scan *s, __u32 off,
					   __u32 n, __u8 c, const int words)
{
	__u32 pos = off, i;
	__u64 m;
	int w;

	for (w = 0; w < words; w++) {
		if (pos - off >= n)
			return n;
		m = sg_match_from(s, pos, c);
		if (m) {
			i = (pos & ~7u) + sg_first_byte(m) - off;
			return i < n ? i : n;
		}
		pos = (pos & ~7u) + 8;
	}
	return n;
}

static __always_inline __u32 sg_find_byte(const struct sg_scan *s, __u32 off,
					  __u32 n, __u8 c)
{
	return sg_find_words(s, off, n, c, SG_FIND_MAX / 8 + 1);
}

/*
 * Where a byte search is called from code that searches several times in
 * a row, the kernel build makes SG_FIND_BYTE a global function, which the
 * verifier checks once; on the host it is sg_find_byte itself.
 */
#ifndef SG_FIND_BYTE
#define SG_FIND_BYTE(s, off, n, c) sg_find_byte(s, off, n, c)
#endif

/*
 * The same search over up to SG_SCAN_MAX bytes (a whole header value), in
 * one loop: it stops at the first hit, so a search costs what it reads.
 */
static __always_inline __u32 sg_find_long(const struct sg_scan *s, __u32 off,
					  __u32 n, __u8 c)
{
	return sg_find_words(s, off, n, c, SG_SCAN_MAX / 8 + 1);
}

/* The kernel build makes this one a global function too (scan.h). */
#ifndef SG_FIND_LONG
#define SG_FIND_LONG(s, off, n, c) sg_find_long(s, off, n, c)
#endif

/*
 * The Request-URI: after the method and the blanks that follow it, up to
 * the next blank or line end.  Blanks are the classifier's (0x01..0x20,
 * sip.h): SP, HTAB, a fold (CRLF then SP), and what chan_sip skips too.
 * Called once, before the steps.
 */
#define SG_METHOD_SCAN	16	/* the blank after the method is this near */
#define SG_RURI_BLANKS	8	/* blanks between the method and the URI */
#define SG_RURI_SCAN	128	/* bytes of a Request-URI looked at */

static __always_inline int sg_is_blank(__u8 c)
{
	return (__u8)(c - 1) < 0x20;
}

static __always_inline void sg_request_uri(struct sg_scan *s)
{
	__u32 start, n, i, skip = 1;

	/* the first blank after the method, in bytes 1..SG_METHOD_SCAN - 1 */
	n = s->len > SG_METHOD_SCAN ? SG_METHOD_SCAN - 1 : s->len ? s->len - 1 : 0;
	start = n;
	for (i = 0; i < SG_METHOD_SCAN - 1; i++)
		if (start == n && i < n && sg_is_blank(sg_at(s, i + 1)))
			start = i;
	if (start >= n)
		return;
	/* past the blanks that follow; no early exit (docs/design.md) */
	start += 1;
	for (i = 0; i < SG_RURI_BLANKS; i++) {
		skip = skip && start < s->len && sg_is_blank(sg_at(s, start));
		start += skip;
	}
	SG_OPAQUE(start);
	start &= SG_SCAN_MASK;
	if (start >= s->len)
		return;
	n = s->len - start;
	if (n > SG_RURI_SCAN)
		n = SG_RURI_SCAN;
	/* the Request-URI ends at a blank or at the line's end */
	i = SG_FIND_BYTE(s, start, n, ' ');
	if (i < n)
		n = i;
	i = SG_FIND_BYTE(s, start, n, '\t');
	if (i < n)
		n = i;
	i = SG_FIND_BYTE(s, start, n, '\r');
	if (i < n)
		n = i;
	i = SG_FIND_BYTE(s, start, n, '\n');
	if (i < n)
		n = i;
	s->ruri.off = start;
	s->ruri.len = n;
}

/*
 * The user part of a SIP/SIPS/tel URI in the span: after "<" if there is
 * one (looked for in the whole value: a display name may be long), then
 * the scheme, up to '@' (sip, sips) or the end of the number (tel).
 * Returns the user's length (0: none) and its offset in *off.  A user
 * that runs on past SG_URI_SCAN bytes is taken as there, SG_URI_SCAN
 * long: unsure is not "no user".
 */
#define SG_URI_SCAN	96	/* bytes of a user looked at */

static __always_inline __u32 sg_uri_user(const struct sg_scan *s,
					 struct sg_span sp, __u32 *off)
{
	__u32 u = sp.off, end = sp.off + sp.len, lim, i, n;
	int tel = 0;

	lim = sp.len < SG_SCAN_MAX ? sp.len : SG_SCAN_MAX;
	i = SG_FIND_LONG(s, sp.off, lim, '<');
	if (i < lim)
		u = sp.off + i + 1;
	u = sg_skip_blanks(s, u & SG_SCAN_MASK) & SG_SCAN_MASK;
	if (sg_name_is(s, u, "sip:", 4))
		u += 4;
	else if (sg_name_is(s, u, "sips:", 5))
		u += 5;
	else if (sg_name_is(s, u, "tel:", 4)) {
		u += 4;
		tel = 1;
	} else
		return 0;
	u &= SG_SCAN_MASK;

	for (n = 0; n < SG_URI_SCAN && u + n < end; n++) {
		__u8 c = sg_at(s, u + n);

		if (c == '@')
			break;
		if (c == '>' || c == ';' || c == ' ' || c == '\t' ||
		    c == '?' || (!tel && c == ':')) {
			if (!tel)
				return 0;	/* sip URI without a user */
			break;
		}
	}
	if (n == SG_URI_SCAN && u + n < end) {
		*off = u;	/* a long user: there, as far as we read */
		return n;
	}
	if (!tel && (u + n >= end || sg_at(s, u + n) != '@'))
		return 0;
	*off = u;
	return n;
}

/*
 * Is "no From user" a fact?  Only when the From value was read whole (it
 * ended at a line end), or when there is no From and the scan saw the
 * whole header block.  A scan that ran out of steps, or a copy that ends
 * inside the value, proves nothing: the request passes (fail open).
 */
static __always_inline int sg_from_sure(const struct sg_scan *s)
{
	if (s->hdr[SG_H_FROM].len)
		return !!(s->closed & SG_W(SG_H_FROM));
	return s->whole;
}

/*
 * Does the (To) value carry a tag parameter?  Parameters inside <...>
 * belong to the URI, so with brackets only what follows '>' counts.  The
 * whole value is looked at, and blanks may sit around the ';' and the '='
 * (RFC 3261 25.1, SEMI and EQUAL), as a joined fold leaves them.
 */
/* Is the parameter at OFF (after its ';'), which ends by END, a tag? */
static __always_inline int sg_param_is_tag(const struct sg_scan *s, __u32 off,
					   __u32 end)
{
	__u32 p = sg_skip_blanks(s, off & SG_SCAN_MASK);

	if (p + 3 >= end || !sg_name_is(s, p, "tag", 3))
		return 0;
	p = sg_skip_blanks(s, (p + 3) & SG_SCAN_MASK);
	return p < end && sg_at(s, p) == '=';
}

#ifndef SG_PARAM_IS_TAG
#define SG_PARAM_IS_TAG(s, off, end) sg_param_is_tag(s, off, end)
#endif

static __always_inline int sg_has_tag(const struct sg_scan *s,
				      struct sg_span sp)
{
	__u32 lim = sp.len < SG_SCAN_MAX ? sp.len : SG_SCAN_MAX, at, i, k;

	at = SG_FIND_LONG(s, sp.off, lim, '>');
	at = at < lim ? at + 1 : 0;
	/* each ';' that follows: is it "tag="? */
	for (k = 0; k < SG_TAG_PARAMS; k++) {
		if (at >= lim)
			return 0;
		i = SG_FIND_LONG(s, (sp.off + at) & SG_SCAN_MASK, lim - at, ';');
		at += i;
		if (at >= lim)
			return 0;
		/* at < lim <= SG_SCAN_MAX: the mask changes nothing, but lets
		 * every way round the loop end in one verifier state */
		at = (at + 1) & SG_SCAN_MASK;
		if (SG_PARAM_IS_TAG(s, sp.off + at, sp.off + lim))
			return 1;
	}
	return 0;
}

/*
 * The User-Agent blocklist match: does a pattern of the set occur in the
 * first SG_UA_SCAN positions of the User-Agent value, in any case?
 */
#define SG_UA_SCAN	128	/* positions of a User-Agent value looked at */

/*
 * Each pattern tried costs the bytes it compares (its first two count), out of
 * SG_UA_BUDGET per packet.  A User-Agent made of near-matches (many
 * positions where patterns start, each failing late) spends it and is
 * then not matched: it passes (fail open).  Ordinary User-Agents spend a
 * few units; a real match within the first positions is never cut off
 * (tests/host/hdr.c).
 */
#define SG_UA_BUDGET	128

/* The index of the one bit set in B (a popcount of the bits below it). */
static __always_inline __u32 sg_bit_index(__u32 b)
{
	__u32 v = b - 1;

	v = v - ((v >> 1) & 0x55555555);
	v = (v & 0x33333333) + ((v >> 2) & 0x33333333);
	v = (((v + (v >> 4)) & 0x0f0f0f0f) * 0x01010101) >> 24;
	return v & (SG_UA_MAX - 1);
}

/*
 * Which of the struct bytes 8q..8q+7 of a pattern of N bytes a try
 * compares: bytes 1..N of struct sg_ua_pat hold the pattern (byte 0 its
 * length), and its first two (struct bytes 1 and 2) matched through
 * first2 already.  Branch-free: a path less for the verifier.
 */
static __always_inline __u64 sg_ua_keep(__u32 q, __u32 n)
{
	__s64 x = 7 - ((__s64)n - 8 * (__s64)q);	/* 7 - the last byte's index */

	x &= ~(x >> 63);				/* at least 0 */
	return (~0ULL >> (8 * x)) & (~0ULL << (24 * (((__u64)q - 1) >> 63)));
}

/*
 * The tries of the patterns in MASK at position POS of the User-Agent, in
 * index order: each compares the pattern from its third byte on, a word
 * at a time (its first two matched through first2), and spends what it
 * compared, up to the first byte that differs.  The words of a pattern
 * are aligned (struct sg_ua_pat is 32 bytes, at offset 8 of the set); the
 * text's are read from at - 1, across two aligned loads, so that byte q
 * of both lines up.  A pattern is tried only while the budget left covers
 * its length.  Returns the pattern's index + 1, 0 for none here, -1 when
 * the budget ran out.
 */
_Static_assert(__builtin_offsetof(struct sg_ua_set, pat) % 8 == 0 &&
	       sizeof(struct sg_ua_pat) == 32, "pattern words must be aligned");

static __always_inline int sg_ua_pos(struct sg_scan *s,
				     const struct sg_ua_set *set, __u32 pos,
				     __u32 mask)
{
	struct sg_span ua = s->hdr[SG_H_UA];
	__u32 at = ua.off + pos, j, n, q, k, t;
	const struct sg_ua_pat *p;
	__u64 d, pw;

	for (t = 0; t < SG_UA_MAX && mask; t++) {
		j = sg_bit_index(mask & -mask);
		mask &= mask - 1;
		p = &set->pat[j];
		n = p->len;
		if (n < SG_UA_PAT_MIN || n > SG_UA_PAT_MAX || pos + n > ua.len)
			continue;
		/*
		 * The budget lives in memory, not in a register: the verifier
		 * then has no bound of it to tell the ways round apart by.
		 */
		if (s->ua_left < n)
			return -1;	/* this try could overspend: stop here */
		k = n;
SG_UNROLL
		for (q = 0; q < (SG_UA_PAT_MAX + 1) / 8; q++) {
			if (8 * q > n)
				break;
			pw = *(const __u64 *)((const __u8 *)p + 8 * q);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			pw = __builtin_bswap64(pw);
#endif
			d = sg_lc_word(sg_uword_le(s, at - 1 + 8 * q)) ^ pw;
			d &= sg_ua_keep(q, n);
			if (d) {
				d = (((d & SG_LOW7) + SG_LOW7) | d) & SG_HIGHS;
				k = 8 * q + sg_first_le(d) - 1;
				break;
			}
		}
		if (k >= n)
			return j + 1;
		s->ua_left -= k;
	}
	return 0;
}

/*
 * In the kernel build, the tries that need more than the inline look of
 * sg_ua_match() go to a global function (l7.h), checked once.
 */
#ifndef SG_UA_POS
#define SG_UA_POS(s, set, pos, mask) sg_ua_pos(s, set, pos, mask)
#endif

/*
 * The match: index + 1 of the first pattern found, or 0 (none, or the
 * budget ran out first: fail open).  Positions ascending, and at each the
 * patterns that start with its two bytes (set->first2), by index.  Most
 * tries of a flood of near-matches fail at their third byte: those of the
 * first SG_UA_QUICK patterns of a position are done inline (one byte, 2
 * of the budget, as sg_ua_pos() would), the rest in sg_ua_pos().
 */
#define SG_UA_QUICK	1

/*
 * The User-Agent positions that the scan's budget (SG_WORK_BYTES,
 * sip_hdr.h) still pays for, at a word's worth each (a position costs
 * about what a word of a line-start flood does): what the scan's reach and
 * its units beyond the free ones left of it.  A short request, as
 * scanners send, leaves them all; a User-Agent at the end of a crafted
 * request's flood gets few, and fails open.
 */
#define SG_UA_POS_BYTES	8

static __always_inline __u32 sg_ua_room(const struct sg_scan *s)
{
	__s32 left = SG_WORK_BYTES - (__s32)s->units * SG_UNIT_BYTES -
		     (__s32)s->pos;

	return left > 0 ? (__u32)left / SG_UA_POS_BYTES : 0;
}

static __always_inline int sg_ua_match(struct sg_scan *s,
				       const struct sg_ua_set *set)
{
	struct sg_span ua = s->hdr[SG_H_UA];
	const struct sg_ua_pat *p;
	__u32 q, k, i, at, mask, j, n, t, end;
	__u64 lw, lw2, hi;
	int r;

	if (!set->count || ua.len < SG_UA_PAT_MIN)
		return 0;
	s->ua_left = SG_UA_BUDGET;
	/* positions below end - 1: the value's, as far as the budget pays */
	end = sg_ua_room(s) + 1;
	if (end > ua.len)
		end = ua.len;
	/* a word of positions at a time: their bytes and the next, lower case */
	for (q = 0; q < SG_UA_SCAN / 8; q++) {
		if (8 * q + 1 >= end)
			break;
		lw = sg_lc_word(sg_uword_le(s, ua.off + 8 * q));
		lw2 = sg_lc_word(sg_uword_le(s, ua.off + 8 * q + 1));
SG_UNROLL
		for (k = 0; k < 8; k++) {
			i = 8 * q + k;
			if (i + 1 >= end)
				break;
			at = ua.off + i;
			/*
			 * set->first2 of the two bytes.  An ADD, not an OR:
			 * Linux 6.1's verifier tracks the bounds of a sum of
			 * two variables but forgets them for an OR, and would
			 * refuse the index; SG_OPAQUE() keeps clang from
			 * turning the ADD of disjoint bits into an OR.
			 */
			hi = ((lw2 >> (8 * k)) & 0xff) << 8;
			SG_OPAQUE(hi);
			mask = set->first2[((lw >> (8 * k)) & 0xff) + hi];
			if (!mask)
				continue;
SG_UNROLL
			for (t = 0; t < SG_UA_QUICK; t++) {
				j = sg_bit_index(mask & -mask);
				p = &set->pat[j];
				n = p->len;
				/* fits, 3 bytes or more, the budget covers it, byte 2 differs */
				if (!mask || n < 3 || n > SG_UA_PAT_MAX || i + n > ua.len ||
				    s->ua_left < n || sg_lc(sg_at(s, at + 2)) == p->s[2])
					break;
				s->ua_left -= 2;
				mask &= mask - 1;
			}
			if (!mask)
				continue;
			r = SG_UA_POS(s, set, i, mask);
			if (r)
				return r > 0 ? r : 0;
		}
	}
	return 0;
}

/* Host driver of the scan (the kernel drives sg_scan_step with bpf_loop). */
static inline void sg_scan_all(struct sg_scan *s)
{
	int i;

	sg_request_uri(s);
	for (i = 0; i < SG_SCAN_STEPS; i++)
		if (sg_scan_step(s))
			break;
}

#endif /* SG_SIP_VAL_H */
