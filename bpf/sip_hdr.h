/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The SIP header scanner: finds the few headers that layer-7 rules and
 * drop events need (the Request-URI, User-Agent, From/f, To/t) in the
 * first SG_SCAN_MAX bytes of a request.
 *
 * It works on a copy of the payload in a fixed-size buffer (a per-CPU map
 * value in the kernel, plain memory on the host), so every offset can be
 * masked to the buffer and the verifier has no packet ranges to track.
 * One sg_scan_step() either tells which header starts a line, or finds
 * line ends a word at a time (eight bytes per compare, not one), hopping
 * over lines that cannot be a wanted header.  The kernel drives the steps with bpf_loop(), the host
 * with a for loop: the same code either way.
 *
 * Header names are matched in any case, long or compact, with blanks
 * before the colon (RFC 3261 7.3.1, 7.3.3).  A wanted header's value runs
 * to the end of its last continuation line: a fold (CRLF or LF, then SP or
 * HTAB) is joined by overwriting its line break with blanks in the buffer,
 * which RFC 3261 7.3.1 makes equivalent to the folded value.
 *
 * The work per packet is bounded (issue 10, item 6): at most SG_SCAN_STEPS
 * steps, a line that can only repeat a header already found is hopped over
 * inside a step, the scan stops once every wanted header is found, and
 * the User-Agent match spends at most SG_UA_BUDGET compares.  A scan that
 * runs out is unfinished: its callers treat what it did not see as
 * unknown, never as proof (fail open; see sg_from_sure()).
 */
#ifndef SG_SIP_HDR_H
#define SG_SIP_HDR_H

#include <linux/types.h>
#include "sipguard.h"
#include "compiler.h"


#define SG_SCAN_BUF	2048	/* power of two: offsets are masked with it */
#define SG_SCAN_MASK	(SG_SCAN_BUF - 1)
#define SG_SCAN_MAX	1400	/* payload bytes copied and scanned */
#define SG_SCAN_STEPS	48	/* steps at most: two a needed line, one a value end or fold, one per 256 bytes hopped */
#define SG_LINE_WORDS	32	/* 8-byte loads per step */
#define SG_NAME_BLANKS	4	/* blanks allowed between a name and ':' */
#define SG_VALUE_BLANKS	8	/* blanks skipped after the colon */

enum sg_hdr {
	SG_H_NONE = 0,
	SG_H_UA,
	SG_H_FROM,
	SG_H_TO,
	SG_H_MAX
};

/* sg_scan.want, .found, .closed: bit 1 << enum sg_hdr */
#define SG_W(h)		(1u << (h))
#define SG_WANT_ALL	(SG_W(SG_H_UA) | SG_W(SG_H_FROM) | SG_W(SG_H_TO))

struct sg_span {
	__u16 off;	/* into sg_scan.buf */
	__u16 len;	/* 0: not found */
};

struct sg_scan {
	__u32 len;		/* valid bytes in buf */
	__u32 pos;		/* where the next step starts */
	__u8 in_line;		/* 0: pos starts a line, 1: pos is inside one,
				 * 2: pos follows the value's line end */
	__u8 cur;		/* enum sg_hdr being read, or SG_H_NONE */
	__u8 done;		/* end of the header block or of the data */
	__u8 lines;		/* header lines seen */
	__u16 cur_off;		/* value start of the header being read */
	__u8 want;		/* SG_W() of the headers to find; 0: all */
	__u8 found;		/* SG_W() of the headers found */
	__u8 closed;		/* SG_W(): the value ended at a line end, so it is whole */
	__u8 whole;		/* the scan saw the whole header block */
	__u8 cut;		/* set by the caller: the payload is longer than len */
	__u8 pad;
	__u16 ua_left;		/* compares the User-Agent match may still spend */
	__u16 pad2;
	struct sg_span ruri;	/* Request-URI */
	struct sg_span hdr[SG_H_MAX];
	/*
	 * 8-byte aligned, with 8 bytes of slack: word loads are aligned (one
	 * load, also where the CPU does not take unaligned ones) and the
	 * last one at the mask's edge stays inside.
	 */
	__u8 buf[SG_SCAN_BUF + 8] __attribute__((aligned(8)));
};

static __always_inline __u8 sg_lc(__u8 c)
{
	return (c >= 'A' && c <= 'Z') ? c | 0x20 : c;
}


static __always_inline __u8 sg_at(const struct sg_scan *s, __u32 off)
{
	SG_OPAQUE(off);
	return s->buf[off & SG_SCAN_MASK];
}

static __always_inline void sg_set(struct sg_scan *s, __u32 off, __u8 c)
{
	SG_OPAQUE(off);
	s->buf[off & SG_SCAN_MASK] = c;
}

/* The aligned word that holds byte OFF. */
static __always_inline __u64 sg_word(const struct sg_scan *s, __u32 off)
{
	const __u8 *p;

	SG_OPAQUE(off);
	p = &s->buf[off & SG_SCAN_MASK & ~7u];
#ifdef __bpf__
	return *(const __u64 *)p;
#else
	__u64 v;

	__builtin_memcpy(&v, p, 8);
	return v;
#endif
}

/*
 * The bytes equal to C in the aligned word that holds byte POS, leaving
 * out the bytes before POS: the top bit of each such byte set.  Exact (no
 * borrow from one byte into the next), so the bytes left out cannot
 * disturb the others.
 */
static __always_inline __u64 sg_match_from(const struct sg_scan *s, __u32 pos,
					   __u8 c)
{
	const __u64 lows = 0x7f7f7f7f7f7f7f7fULL;
	__u64 x = sg_word(s, pos) ^ (0x0101010101010101ULL * c);
	__u64 m = ~(((x & lows) + lows) | x | lows);
	__u32 skip = (pos & 7) * 8;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return m & (~0ULL << skip);
#else
	return m & (~0ULL >> skip);
#endif
}

/*
 * Index of the first byte of v (in memory order) whose top bit is set; m
 * has only top bits set, and at least one.
 */
static __always_inline __u32 sg_first_byte(__u64 m)
{
	__u32 n = 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/*
	 * Without branches: the lowest set bit is 1 << (8k + 7), so
	 * (1 << 8k) * 0x0001020304050607 has k in its top byte.  Branches
	 * would hand the verifier eight offsets it tells apart, and the scan
	 * loop would be checked once for each.
	 */
	m &= -m;
	n = ((m >> 7) * 0x0001020304050607ULL) >> 56;
	n &= 7;
#else
	if (!(m & 0xffffffff00000000ULL)) {
		n += 4;
		m <<= 32;
	}
	if (!(m & 0xffff000000000000ULL)) {
		n += 2;
		m <<= 16;
	}
	if (!(m & 0xff00000000000000ULL))
		n += 1;
#endif
	return n;
}

/* Compare the lower-case name lc (n bytes) at off. */
static __always_inline int sg_name_is(const struct sg_scan *s, __u32 off,
				      const char *lc, const int n)
{
	int i;

SG_UNROLL
	for (i = 0; i < n; i++)
		if (sg_lc(sg_at(s, off + i)) != (__u8)lc[i])
			return 0;
	return 1;
}

/*
 * The name at a line's start is done when a colon follows, maybe after
 * blanks.  Returns the offset after the colon, or 0.
 */
static __always_inline __u32 sg_after_colon(const struct sg_scan *s, __u32 off)
{
	int i;

SG_UNROLL
	for (i = 0; i <= SG_NAME_BLANKS; i++) {
		__u8 c = sg_at(s, off + i);

		if (c == ':')
			return off + i + 1;
		if (c != ' ' && c != '\t')
			return 0;
	}
	return 0;
}

static __always_inline __u32 sg_skip_blanks(const struct sg_scan *s, __u32 off)
{
	int i;

SG_UNROLL
	for (i = 0; i < SG_VALUE_BLANKS; i++) {
		__u8 c = sg_at(s, off);

		if (c != ' ' && c != '\t')
			break;
		off++;
	}
	return off;
}

/* Which header starts at pos, and where its value begins. */
static __always_inline __u8 sg_header_at(const struct sg_scan *s, __u32 pos,
					 __u32 *value)
{
	__u32 v = 0;
	__u8 h = SG_H_NONE;

	switch (sg_lc(sg_at(s, pos))) {
	case 'u':
		if (sg_name_is(s, pos, "user-agent", 10)) {
			v = sg_after_colon(s, pos + 10);
			h = SG_H_UA;
		}
		break;
	case 'f':
		if (sg_name_is(s, pos, "from", 4))
			v = sg_after_colon(s, pos + 4);
		if (!v)
			v = sg_after_colon(s, pos + 1);
		h = SG_H_FROM;
		break;
	case 't':
		if (sg_name_is(s, pos, "to", 2))
			v = sg_after_colon(s, pos + 2);
		if (!v)
			v = sg_after_colon(s, pos + 1);
		h = SG_H_TO;
		break;
	}
	if (!v)
		return SG_H_NONE;
	/* masked: every way here ends in the same verifier state */
	*value = sg_skip_blanks(s, v) & SG_SCAN_MASK;
	return h;
}

/*
 * The headers still to find: wanted (want 0: all) and not found yet.
 * Without branches: the verifier would check the scan loop once for each
 * value it could tell apart.
 */
static __always_inline __u32 sg_need(const struct sg_scan *s)
{
	__u32 w = s->want;

	w |= ((w - 1) >> 8) & SG_WANT_ALL;	/* 0: all */
	return w & ~(__u32)s->found & SG_WANT_ALL;
}

/*
 * End the value being read at eol (a CR before the LF is not part of it).
 * WHOLE: eol is a line end, or the end of a payload that was copied whole;
 * otherwise the value may go on past the copy.
 */
static __always_inline void sg_close_value(struct sg_scan *s, __u32 eol,
					   int whole)
{
	__u32 end = eol, start = s->cur_off;
	__u8 h = s->cur;

	s->cur = SG_H_NONE;
	if (h == SG_H_NONE || h >= SG_H_MAX)
		return;
	if (end > start && sg_at(s, end - 1) == '\r')
		end--;
	/* the first occurrence wins, as in a proxy's parser */
	if (!s->hdr[h].len && end > start) {
		s->hdr[h].off = start;
		s->hdr[h].len = end - start;
		s->found |= SG_W(h);
		if (whole)
			s->closed |= SG_W(h);
	}
}

/*
 * A fold inside the value being read: the line break at eol (LF, maybe
 * after a CR) becomes blanks, so the value reads on as one line.  A value
 * that was empty so far starts after the continuation line's blanks.
 */
static __always_inline void sg_fold(struct sg_scan *s, __u32 eol)
{
	sg_set(s, eol, ' ');
	if (eol && sg_at(s, eol - 1) == '\r')
		sg_set(s, eol - 1, ' ');
	if ((__u32)s->cur_off + 1 >= eol)
		s->cur_off = sg_skip_blanks(s, eol + 1) & SG_SCAN_MASK;
}

/*
 * The first letters of the headers still needed, as bits of a 32-bit set:
 * bit (c | 0x20) - 0x60 for the letter c ('f' 6, 't' 20, 'u' 21).  A line
 * that can only repeat a header found already is hopped over like any
 * other: the first occurrence wins.
 */
static __always_inline __u32 sg_letters(const struct sg_scan *s)
{
	__u32 need = sg_need(s);

	/* branch-free, like sg_need() */
	return ((need >> SG_H_UA) & 1) << ('u' - 0x60) |
	       ((need >> SG_H_FROM) & 1) << ('f' - 0x60) |
	       ((need >> SG_H_TO) & 1) << ('t' - 0x60);
}

/* Can a header still needed (User-Agent, From/f, To/t) start with C? */
static __always_inline int sg_wanted(__u32 letters, __u8 c)
{
	__u32 x = (__u32)(c | 0x20) - 0x60;

	return x < 32 && ((letters >> x) & 1);
}

/*
 * One step of the scan.  Returns 1 when the scan is over.  A step does
 * one of three things:
 *  - tells which header starts a line that begins like a needed one;
 *  - ends the value being read at its line's end: joins the next line
 *    when it is a continuation (a fold), else closes the value;
 *  - searches for line ends a word (eight bytes) at a time, hopping over
 *    whole lines that cannot be a needed header (Via, Call-ID, CSeq,
 *    Contact, a repeated To...) without returning, for up to
 *    SG_LINE_WORDS loads.
 * Offsets are masked so that every way round the loop ends in one
 * verifier state, and the loop's body is kept small: the verifier walks
 * it SG_LINE_WORDS times on each way into it.  Doing more in one step
 * would be fewer callbacks (each a call and a return), but the verifier's
 * paths multiply past its budget.
 */
static __always_inline int sg_scan_step(struct sg_scan *s)
{
	__u32 pos = s->pos, eol, value = 0, len = s->len, letters;
	__u64 m;
	__u8 c;
	int w;

	if (s->done || pos >= len) {
		if (!s->done)
			s->whole = !s->cut;
		sg_close_value(s, len, !s->cut);
		s->done = 1;
		return 1;
	}
	if (s->in_line == 2) {
		/* the line of the value being read ended at pos - 1 */
		eol = (pos - 1) & SG_SCAN_MASK;
		c = sg_at(s, pos);
		s->in_line = 1;
		if (c == ' ' || c == '\t') {
			/* a continuation line of the value: join it */
			sg_fold(s, eol);
			s->lines++;
			return 0;
		}
		sg_close_value(s, eol, 1);
		if (!sg_need(s)) {
			/* every header wanted is found: nothing more to read */
			s->done = 1;
			return 1;
		}
		s->in_line = 0;	/* the next step looks at the line at pos */
		return 0;
	}
	letters = sg_letters(s);
	if (!s->in_line) {
		s->in_line = 1;
		c = sg_at(s, pos);
		if (pos && (c == '\r' || c == '\n')) {
			/* the empty line: end of the header block */
			s->whole = 1;
			s->done = 1;
			return 1;
		}
		if (pos && sg_wanted(letters, c)) {
			s->cur = sg_header_at(s, pos, &value);
			s->cur_off = value;
			s->lines++;
			return 0;
		}
		/* the start line, or a line we do not want: search on */
	}
	for (w = 0; w < SG_LINE_WORDS; w++) {
		m = sg_match_from(s, pos, '\n');
		/*
		 * Offsets are masked to the buffer (len is below it): every
		 * way round the loop then ends in the same verifier state.
		 */
		if (!m) {
			pos = ((pos & ~7u) + 8) & SG_SCAN_MASK;
			if (pos >= len)
				break;
			continue;
		}
		eol = ((pos & ~7u) + sg_first_byte(m)) & SG_SCAN_MASK;
		if (eol >= len)
			break;
		pos = (eol + 1) & SG_SCAN_MASK;
		if (pos >= len)
			break;
		if (s->cur != SG_H_NONE) {
			/* the value's line ends: the next step sees to it */
			s->pos = pos;
			s->in_line = 2;
			return 0;
		}
		c = sg_at(s, pos);
		if (c == '\r' || c == '\n') {
			/* the empty line: end of the header block */
			s->whole = 1;
			s->done = 1;
			return 1;
		}
		if (sg_wanted(letters, c)) {
			s->pos = pos;
			s->in_line = 0;
			return 0;
		}
		s->lines++;	/* a header we skip, or a continuation */
	}
	if (pos >= len) {
		/* the data ends inside this line, or right after its LF */
		s->whole = !s->cut;
		sg_close_value(s, sg_at(s, len - 1) == '\n' ? len - 1 : len,
			       !s->cut);
		s->done = 1;
		return 1;
	}
	s->pos = pos;
	return 0;
}

/*
 * Index of the first byte C in the N bytes at OFF (N when there is none),
 * a word at a time: the has-zero-byte test on the word XOR C repeated.
 * N is at most SG_FIND_MAX.
 */
#define SG_FIND_MAX	128
#define SG_TAG_PARAMS	8	/* header parameters looked at for a tag */

static __always_inline __u32 sg_find_byte(const struct sg_scan *s, __u32 off,
					  __u32 n, __u8 c)
{
	__u32 pos = off, i;
	__u64 m;
	int w;

	for (w = 0; w <= SG_FIND_MAX / 8; w++) {
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

/*
 * Where a byte search is called from code that searches several times in
 * a row, the kernel build makes SG_FIND_BYTE a global function, which the
 * verifier checks once; on the host it is sg_find_byte itself.
 */
#ifndef SG_FIND_BYTE
#define SG_FIND_BYTE(s, off, n, c) sg_find_byte(s, off, n, c)
#endif

/*
 * The same search over up to SG_SCAN_MAX bytes (a whole header value),
 * SG_FIND_MAX bytes per call: the calls stop at the first hit, so a
 * search costs what it reads.
 */
#define SG_FIND_CHUNKS	((SG_SCAN_MAX + SG_FIND_MAX - 1) / SG_FIND_MAX)

static __always_inline __u32 sg_find_long(const struct sg_scan *s, __u32 off,
					  __u32 n, __u8 c)
{
	__u32 done = 0, m, i;
	int k;

	for (k = 0; k < SG_FIND_CHUNKS; k++) {
		if (done >= n)
			return n;
		m = n - done < SG_FIND_MAX ? n - done : SG_FIND_MAX;
		i = SG_FIND_BYTE(s, (off + done) & SG_SCAN_MASK, m, c);
		if (i < m)
			return done + i;
		done += m;
	}
	return n;
}

/* The kernel build makes this one a global function too (scan.h). */
#ifndef SG_FIND_LONG
#define SG_FIND_LONG(s, off, n, c) sg_find_long(s, off, n, c)
#endif

/*
 * The Request-URI: between the first and the second blank of the start
 * line.  Called once, before the steps.
 */
#define SG_METHOD_SCAN	16	/* the blank after the method is this near */
#define SG_RURI_SCAN	128	/* bytes of a Request-URI looked at */

static __always_inline void sg_request_uri(struct sg_scan *s)
{
	__u32 start, n, i;

	/* the blank after the method, in bytes 1..SG_METHOD_SCAN - 1 */
	n = s->len > SG_METHOD_SCAN ? SG_METHOD_SCAN - 1 : s->len ? s->len - 1 : 0;
	start = SG_FIND_BYTE(s, 1, n, ' ');
	i = SG_FIND_BYTE(s, 1, n, '\t');
	if (i < start)
		start = i;
	if (start >= n)
		return;
	start = (start + 2) & SG_SCAN_MASK;
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
 * One position of the User-Agent blocklist match: does a pattern start at
 * byte i of the value?  Returns the pattern's index + 1, or 0.
 */
#define SG_UA_SCAN	128	/* bytes of a User-Agent value looked at */

/*
 * The index of set->first2 for the two bytes at AT, case folded.  An ADD,
 * not an OR: Linux 6.1's verifier tracks the bounds of a sum of two
 * variables but forgets them for an OR, and would refuse the index.
 */
static __always_inline __u32 sg_first2(const struct sg_scan *s, __u32 at)
{
	__u32 hi = (__u32)sg_lc(sg_at(s, at + 1)) << 8;

	SG_OPAQUE(hi);
	return sg_lc(sg_at(s, at)) + hi;
}

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

/* Returns the pattern's index + 1, 0 for none, -1 when the budget is gone. */
static __always_inline int sg_ua_at(struct sg_scan *s,
				    const struct sg_ua_set *set, __u32 i)
{
	struct sg_span ua = s->hdr[SG_H_UA];
	__u32 at = ua.off + i, mask, j, k, t;

	if (i + 1 >= ua.len)
		return 0;
	mask = set->first2[sg_first2(s, at)];
	/* only the patterns that start so: one round per bit of the mask */
	for (t = 0; t < SG_UA_MAX && mask; t++) {
		const struct sg_ua_pat *p;
		__u32 n;

		j = sg_bit_index(mask & -mask);
		mask &= mask - 1;
		p = &set->pat[j];
		n = p->len;
		if (n < SG_UA_PAT_MIN || n > SG_UA_PAT_MAX || i + n > ua.len)
			continue;
		/*
		 * The budget lives in memory, not in a register: the verifier
		 * then has no bound of it to tell the ways round apart by.
		 */
		if (s->ua_left < n)
			return -1;	/* this try could overspend: stop here */
		for (k = 2; k < SG_UA_PAT_MAX; k++) {
			if (k >= n)
				return j + 1;
			if (sg_lc(sg_at(s, at + k)) != p->s[k])
				break;
		}
		if (k == SG_UA_PAT_MAX && n == SG_UA_PAT_MAX)
			return j + 1;
		s->ua_left -= k;
	}
	return 0;
}

/* Host driver of the whole match (the kernel has its own). */
static inline int sg_ua_match(struct sg_scan *s, const struct sg_ua_set *set)
{
	__u32 i;
	int r;

	if (!set->count || !s->hdr[SG_H_UA].len)
		return 0;
	s->ua_left = SG_UA_BUDGET;
	for (i = 0; i < SG_UA_SCAN; i++) {
		r = sg_ua_at(s, set, i);
		if (r)
			return r > 0 ? r : 0;
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

#endif /* SG_SIP_HDR_H */
