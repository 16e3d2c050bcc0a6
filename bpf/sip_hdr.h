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
 * over lines that cannot be a wanted header.  The kernel drives the steps
 * with bpf_loop(), the host with a for loop (sg_scan_all() in sip_val.h,
 * which also holds what is read out of the values): the same code either
 * way.
 *
 * Header names are matched in any case, long or compact, with blanks
 * before the colon (RFC 3261 7.3.1, 7.3.3).  A wanted header's value runs
 * to the end of its last continuation line: a fold (CRLF or LF, then SP or
 * HTAB) is joined by overwriting its line break with blanks in the buffer,
 * which RFC 3261 7.3.1 makes equivalent to the folded value.
 *
 * The work per packet is bounded: at most SG_SCAN_STEPS
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
 * The step after the line of the value being read ended at pos - 1: a
 * continuation line is joined to the value, any other line closes it.
 * Returns 1 when the scan is over (every header wanted is found).
 */
static __always_inline int sg_value_line_end(struct sg_scan *s, __u32 pos)
{
	__u32 eol = (pos - 1) & SG_SCAN_MASK;
	__u8 c = sg_at(s, pos);

	s->in_line = 1;
	if (c == ' ' || c == '\t') {
		/* a continuation line of the value: join it */
		sg_fold(s, eol);
		s->lines++;
		return 0;
	}
	sg_close_value(s, eol, 1);
	if (!sg_need(s)) {
		/* nothing more to read */
		s->done = 1;
		return 1;
	}
	s->in_line = 0;	/* the next step looks at the line at pos */
	return 0;
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
	if (s->in_line == 2)
		return sg_value_line_end(s, pos);
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

#endif /* SG_SIP_HDR_H */
