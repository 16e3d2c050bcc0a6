/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The SIP header scanner: finds the few headers that layer-7 rules and
 * drop events need (the Request-URI, User-Agent, From/f, To/t) in the
 * first SG_SCAN_MAX bytes of a request.
 *
 * It works on a copy of the payload in a fixed-size buffer (a per-CPU map
 * value in the kernel, plain memory on the host), so every offset can be
 * masked to the buffer and the verifier has no packet ranges to track.
 * The scan goes through the buffer a word (eight bytes) at a time and
 * tests the first bytes of all the lines that start in a word at once:
 * lines that cannot be a header still needed (Via, Call-ID, a repeated
 * To...) cost no more than the words they take, however short and however
 * many.  A line that starts like a needed header gets a look at its name
 * (sg_header_at()), and a header's value is read to its line end.  The
 * kernel drives sg_scan_step() with bpf_loop(), the host with a for loop
 * (sg_scan_all() in sip_val.h, which also holds what is read out of the
 * values): the same code either way.
 *
 * Header names are matched in any case, long or compact, with blanks
 * before the colon (RFC 3261 7.3.1, 7.3.3).  A wanted header's value runs
 * to the end of its last continuation line: a fold (CRLF or LF, then SP or
 * HTAB) is joined by overwriting its line break with blanks in the buffer,
 * which RFC 3261 7.3.1 makes equivalent to the folded value.
 *
 * The work per packet is bounded by one budget, counted in bytes of
 * words read (SG_WORK_BYTES): the scan reads up to SG_SCAN_MAX bytes, and
 * the looks at names, the folds and the values' ends cost units (at most
 * SG_SCAN_UNITS), of which every one past the first SG_UNITS_FREE takes
 * SG_UNIT_BYTES off the bytes the scan may still read (s->lim, sg_spend()); the
 * User-Agent match then gets the positions that the rest pays for
 * (sg_ua_room() in sip_val.h).  So the worst a crafted request can do is
 * about the word-reading of SG_WORK_BYTES, wherever it puts its lines.
 * The scan stops once every wanted header is found.  A scan that runs out
 * is unfinished: its callers treat what it did not see as unknown, never
 * as proof (fail open; see sg_from_sure()).
 */
#ifndef SG_SIP_HDR_H
#define SG_SIP_HDR_H

#include <linux/types.h>
#include "sipguard.h"
#include "compiler.h"


#define SG_SCAN_BUF	2048	/* power of two: offsets are masked with it */
#define SG_SCAN_MASK	(SG_SCAN_BUF - 1)
#define SG_SCAN_MAX	1400	/* payload bytes copied and scanned */
/*
 * What a scan may do beyond reading words, in units: a look at a line's
 * name costs 4, a fold 2, a value's end 1, about what each costs in time
 * (a look reads the name, the blanks and the colon: 2.5 times a fold; see
 * tools/bench/README.md, issue 10).  A crafted request's worst case is
 * every word read and then every unit spent at its end, so the units are
 * weighed by time.  Before a From: 10 lines looked at in vain, 8 empty
 * To values, or a From folded 21 times (the scan before this one: 22, 14
 * and 22; tests/host/hdr.c, test_units_bound_the_looks).
 */
#define SG_SCAN_UNITS	47
#define SG_UNITS_LOOK	4
#define SG_UNITS_FOLD	2
#define SG_UNITS_END	1
/*
 * The one budget.  A unit costs about 6 ns, a word of a line-start flood
 * about 4.6 (tools/bench/README.md, issue 10): a unit is charged as 12
 * bytes, a word and a half.  The first SG_UNITS_FREE units are free: a
 * request with its To, From and User-Agent found (5 units each) reads its
 * SG_SCAN_MAX bytes whole, as before the budget; each unit past them (a
 * line looked at in vain, a fold) takes 12 bytes off the end of the read.
 * The free units are also what a crafted request can add to the words of
 * SG_SCAN_MAX bytes: 192 bytes' worth (tools/bench/README.md).
 */
#define SG_UNIT_BYTES	12
#define SG_UNITS_FREE	16
#define SG_WORK_BYTES	(SG_SCAN_MAX + SG_UNITS_FREE * SG_UNIT_BYTES)
/*
 * A step is up to SG_STEP_ROUNDS rounds of the loop in sg_scan_step(); a
 * round reads up to four words while they have no event (SG_HOP_WORD()),
 * and up to SG_SKIP_WORDS more that hold no line feed, or handles one
 * event (a look, a value's line end, the end).
 * 1400 bytes are 175 words, and each event costs a unit or ends the scan:
 * at most 175 + 48 rounds, 7 steps.  SG_SCAN_STEPS is never the limit
 * that ends a scan; the units or the data are.
 */
#define SG_STEP_ROUNDS	32
#define SG_SKIP_WORDS	3
#define SG_SCAN_STEPS	8
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
	__u32 pos;		/* where the next step starts; once done, how far it read */
	__u8 cur;		/* enum sg_hdr being read, or SG_H_NONE */
	__u8 done;		/* end of the header block or of the data */
	__u8 looks;		/* lines whose name was looked at */
	__u8 units;		/* SG_SCAN_UNITS spent */
	__u16 cur_off;		/* value start of the header being read */
	__u8 want;		/* SG_W() of the headers to find; 0: all */
	__u8 found;		/* SG_W() of the headers found */
	__u8 closed;		/* SG_W(): the value ended at a line end, so it is whole */
	__u8 whole;		/* the scan saw the whole header block */
	__u8 cut;		/* set by the caller: the payload is longer than len */
	__u8 zero;		/* always 0 (see sg_scan_step()) */
	__u16 ua_left;		/* compares the User-Agent match may still spend */
	__u16 lim;		/* the scan reads below it: len, less the budget's cut */
	__u64 letters[3];	/* the first letters still needed, in every byte (sg_set_letters()) */
	struct sg_span ruri;	/* Request-URI */
	struct sg_span hdr[SG_H_MAX];
	/*
	 * 8-byte aligned, with 8 bytes of slack: word loads are aligned (one
	 * load, also where the CPU does not take unaligned ones) and the
	 * last one at the mask's edge stays inside.
	 */
	__u8 buf[SG_SCAN_BUF + 8] __attribute__((aligned(8)));
};

/*
 * Set a scan going over the LEN bytes copied into buf; CUT: the payload
 * goes on past them.  The fields before buf are zero.
 */
static __always_inline void sg_scan_begin(struct sg_scan *s, __u32 len,
					  int cut)
{
	s->len = len;
	s->lim = len;	/* len <= SG_SCAN_MAX: nothing spent yet */
	s->cut = cut;
}

/* Lower case of C.  Branch-free: (c - 'A') & 0xff is below 26 for 'A'..'Z' only. */
static __always_inline __u8 sg_lc(__u8 c)
{
	__u64 up = ((__u64)((c - 'A') & 0xff) - 26) >> 63;

	return c | (up << 5);
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

/*
 * Word-at-a-time helpers of the line search.  A word is read in the
 * buffer's byte order and turned into little-endian order (byte k of
 * memory in bits 8k..8k+7), so that one set of shifts and masks serves
 * every CPU.
 */
#define SG_ONES		0x0101010101010101ULL
#define SG_LOW7		0x7f7f7f7f7f7f7f7fULL
#define SG_HIGHS	0x8080808080808080ULL

static __always_inline __u64 sg_word_le(const struct sg_scan *s, __u32 off)
{
	__u64 v = sg_word(s, off);

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* The bytes of w equal to C: their top bits.  Exact (no borrows). */
static __always_inline __u64 sg_eq_bytes(__u64 w, __u8 c)
{
	__u64 x = w ^ (SG_ONES * c);

	return ~(((x & SG_LOW7) + SG_LOW7) | x | SG_LOW7);
}

/*
 * The bytes of x that are zero, in the top bits after "& SG_HIGHS"; a
 * byte after a zero byte may show too (the borrow), but none after a byte
 * of 2 or more, which is how the line-start tests use it.
 */
static __always_inline __u64 sg_zero_lax(__u64 x)
{
	return (x - SG_ONES) & ~x;
}

/* Index of the lowest byte of a little-endian m whose top bit is set. */
static __always_inline __u32 sg_first_le(__u64 m)
{
	/* branch-free: see sg_first_byte() */
	m &= -m;
	return (((m >> 7) * 0x0001020304050607ULL) >> 56) & 7;
}

/* The 8 bytes at OFF, any alignment, little-endian: two aligned loads. */
static __always_inline __u64 sg_uword_le(const struct sg_scan *s, __u32 off)
{
	__u32 r = (off & 7) * 8;
	__u64 lo = sg_word_le(s, off), hi = sg_word_le(s, off + 8);

	/* (hi << 1) << (63 - r): no shift by 64 when r is 0 */
	return (lo >> r) | ((hi << 1) << (63 - r));
}

/* Every byte of w in lower case, as sg_lc() does one. */
static __always_inline __u64 sg_lc_word(__u64 w)
{
	__u64 h = w & SG_LOW7, up;

	up = ((h + SG_ONES * (0x80 - 'A')) ^ (h + SG_ONES * (0x80 - 'Z' - 1)));
	up &= ~w & SG_HIGHS;
	return w | (up >> 2);
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

/* 1 when X is 0, else 0; X below 2^63.  Branch-free. */
#define SG_IS0(x)	((((__u64)(x)) - 1) >> 63)
/* The same for any 64-bit X. */
#define SG_IS0_64(x)	(((((__u64)(x)) | -((__u64)(x))) >> 63) ^ 1)

/*
 * How many of the 8 bytes at OFF are blanks (SP, HTAB) before the first
 * other byte: 0..8.  Branch-free.
 */
static __always_inline __u32 sg_blanks_at(const struct sg_scan *s, __u32 off)
{
	__u64 w = sg_uword_le(s, off), nb;

	nb = ~(sg_eq_bytes(w, ' ') | sg_eq_bytes(w, '\t')) & SG_HIGHS;
	SG_OPAQUE(nb);
	return sg_first_le(nb) + 8 * SG_IS0(nb >> 7);
}

/*
 * Which header starts at pos (its first byte is a letter of one still
 * needed), and where its value begins: after the name, up to
 * SG_NAME_BLANKS blanks and the colon, and up to SG_VALUE_BLANKS blanks.
 * Branch-free, word-at-a-time: it runs inside the scan's loop, where
 * every branch would be a path more for the verifier in every round.
 */
static __always_inline __u8 sg_header_at(const struct sg_scan *s, __u32 pos,
					 __u32 *value)
{
	__u64 a = sg_lc_word(sg_uword_le(s, pos)), c0 = a & 0xff, b;
	__u64 is_t = SG_IS0(c0 ^ 't'), is_f = SG_IS0(c0 ^ 'f');
	__u64 is_u = SG_IS0(c0 ^ 'u'), to, from, ua, n, k, ok;

	/* the long names, in the byte order of a little-endian word */
	to = SG_IS0((a ^ 0x6f74) & 0xffff);				/* "to" */
	from = SG_IS0((a ^ 0x6d6f7266) & 0xffffffff);			/* "from" */
	ua = SG_IS0_64(a ^ 0x6567612d72657375ULL) &			/* "user-age" */
	     SG_IS0((sg_lc(sg_at(s, pos + 8)) |
		     (__u32)sg_lc(sg_at(s, pos + 9)) << 8) ^ 0x746e);	/* "nt" */
	/*
	 * Hidden from the compiler, which would turn the products of these
	 * 0s and 1s into branches: paths for the verifier.
	 */
	SG_OPAQUE(is_t);
	SG_OPAQUE(is_f);
	SG_OPAQUE(is_u);
	SG_OPAQUE(to);
	SG_OPAQUE(from);
	SG_OPAQUE(ua);
	n = is_t * (1 + to) + is_f * (1 + 3 * from) + is_u * 10;
	/* then blanks and a colon: the first other byte, within 5, is ':' */
	k = sg_blanks_at(s, pos + n);
	b = sg_uword_le(s, pos + n);
	ok = SG_IS0(((b >> (8 * (k & 7))) & 0xff) ^ ':') &
	     SG_IS0((4 - (__u64)k) >> 63);			/* k <= 4 */
	ok &= is_t | is_f | (is_u & ua);
	SG_OPAQUE(ok);
	k += pos + n + 1;
	*value = (k + sg_blanks_at(s, k)) & SG_SCAN_MASK;
	return ok * (is_u * SG_H_UA + is_f * SG_H_FROM + is_t * SG_H_TO);
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
		s->cur_off = (eol + 1 + sg_blanks_at(s, eol + 1)) & SG_SCAN_MASK;
}

/*
 * The line starts in w (little-endian) whose first byte asks for a look:
 * a line end (the empty line ends the header block) or the first letter
 * of a header still needed (f, t, u in any case).  STARTS has the top bit
 * of each byte that starts a line.  Every byte tested follows a line feed,
 * so sg_zero_lax() is exact there: LF, masked and XORed with any letter
 * tested, or with CR, is 2 or more.
 */
static __always_inline __u64 sg_line_looks(const struct sg_scan *s, __u64 w,
					   __u64 lfm, __u64 starts)
{
	__u64 l = w | (SG_ONES * 0x20), z;

	z = sg_zero_lax((l & s->letters[0]) ^ s->letters[1]);
	z |= sg_zero_lax(l ^ s->letters[2]);
	z |= sg_zero_lax(w ^ (SG_ONES * '\r'));
	return ((z & SG_HIGHS) | lfm) & starts;
}

/*
 * s->letters from the headers still needed, in every byte: t and u (they
 * differ in bit 0 only: one test for both, (l & mask) ^ value), and f.
 * A letter not needed is 0, which no byte with bit 5 set (l = w | 0x20)
 * equals.  Branch-free, like sg_need().
 */
static __always_inline void sg_set_letters(struct sg_scan *s)
{
	__u32 need = sg_need(s);
	__u64 t = (need >> SG_H_TO) & 1, u = (need >> SG_H_UA) & 1;

	s->letters[0] = SG_ONES * (0xff ^ (t & u));		/* mask */
	s->letters[1] = SG_ONES * ((t | u) * 't' + (u & (t ^ 1)));	/* t, u, or t|u */
	s->letters[2] = SG_ONES * 'f' * ((need >> SG_H_FROM) & 1);
}

/*
 * The data ends (at len, or with the LF at len - 1): the value being read
 * ends there too, whole unless the copy was cut.
 */
static __always_inline int sg_scan_end(struct sg_scan *s)
{
	__u32 len = s->len;

	s->done = 1;
	s->pos = s->lim;
	/* the budget ended it: the value being read may go on, unseen */
	if (s->lim < len)
		return 1;
	s->whole = !s->cut;
	sg_close_value(s, len && sg_at(s, len - 1) == '\n' ? len - 1 : len,
		       !s->cut);
	return 1;
}

/*
 * Spend N units; 0 when they are not left (the scan is then over,
 * unfinished: it proves nothing).  Past the free ones, they shorten what
 * the scan may still read: s->lim, the least of len and what the budget
 * leaves (it never goes below SG_WORK_BYTES - SG_SCAN_UNITS *
 * SG_UNIT_BYTES, 1028 bytes).
 */
static __always_inline int sg_spend(struct sg_scan *s, __u8 n)
{
	__u32 u = s->units + n, left;

	if (u > SG_SCAN_UNITS)
		return 0;
	s->units = u;
	left = SG_WORK_BYTES - u * SG_UNIT_BYTES;
	if (left < s->lim)
		s->lim = left;
	return 1;
}

/*
 * The value being read has a line feed at eol, and a byte follows it: a
 * continuation line (SP or HTAB) is joined to the value, any other line
 * closes it.  Returns 1 when the scan is over: every header wanted is
 * found, or the units are spent.
 */
static __always_inline int sg_value_lf(struct sg_scan *s, __u32 eol)
{
	__u8 c = sg_at(s, eol + 1);

	if (c == ' ' || c == '\t') {
		if (!sg_spend(s, SG_UNITS_FOLD))
			return 1;
		sg_fold(s, eol);
		return 0;
	}
	if (!sg_spend(s, SG_UNITS_END))
		return 1;
	sg_close_value(s, eol, 1);
	if (!sg_need(s)) {
		s->done = 1;
		return 1;
	}
	sg_set_letters(s);
	return 0;
}

/*
 * A line starts at pos with a byte that asks for a look.  Returns 1 when
 * the scan is over: the empty line ends the header block, or the units
 * are spent (unfinished: it proves nothing).
 */
static __always_inline int sg_line_look(struct sg_scan *s, __u32 pos)
{
	__u32 value = 0;
	__u8 c = sg_at(s, pos);

	if (c == '\r' || c == '\n') {
		s->whole = 1;
		s->done = 1;
		return 1;
	}
	if (!sg_spend(s, SG_UNITS_LOOK))
		return 1;
	s->looks++;
	s->cur = sg_header_at(s, pos, &value);
	s->cur_off = value;
	return 0;
}

/*
 * The events in the word at BASE: in a value, its line feeds; else the
 * line starts that ask for a look (CARRY: 0x80 when byte 0 starts a
 * line).  *LFM: its line feeds.
 */
static __always_inline __u64 sg_word_events(const struct sg_scan *s,
					    __u32 base, __u64 carry,
					    __u64 *lfm)
{
	__u64 w = sg_word_le(s, base), ev;

	*lfm = sg_eq_bytes(w, '\n');
	ev = *lfm;
	if (s->cur == SG_H_NONE) {
		ev = (*lfm << 8) | (carry & 0x80);
		if (ev)
			ev = sg_line_looks(s, w, *lfm, ev);
	}
	return ev;
}

/*
 * sg_scan_step(): the next word, when the words so far had no event (a
 * macro, since clang does not unroll a loop with a return in it).
 */
#define SG_HOP_WORD()							\
	do {								\
		if (!ev) {						\
			base = (base + 8) & SG_SCAN_MASK;		\
			if (base >= SG_LOAD(s->lim))			\
				return sg_scan_end(s);			\
			ev = sg_word_events(s, base, carry, &lfm);	\
			carry = lfm >> 56;				\
		}							\
	} while (0)

/*
 * One step of the scan (a bpf_loop callback in the kernel).  Returns 1
 * when the scan is over.  A step goes through the data in rounds of up to
 * four words (SG_STEP_ROUNDS rounds at most):
 *  - outside a wanted value, it finds the line starts of the words and
 *    tests their first bytes all at once (sg_line_looks()): lines that
 *    cannot be a header still needed (Via, Call-ID, a repeated To...) are
 *    hopped over, however short and however many;
 *  - a line that starts like a header still needed gets a look at its
 *    name (a round of its own); a header's value is then read to its line
 *    feed, joining continuation lines, and closed.
 * For the verifier, every way round the loop must end in one state: the
 * offsets are masked to the buffer, what changes between rounds (the
 * header being read, the units) lives in *s, the length is read from *s
 * where it is compared (a register compared in one round would reach the
 * next with bounds that differ by the way it came), and the branch-free
 * helpers (sg_lc(), sg_header_at()...) are branch-free for that reason.
 */
static __always_inline int sg_scan_step(struct sg_scan *s)
{
	__u32 pos = s->pos, base, e;
	__u64 lfm, ev, carry, i, k;

	if (s->done)
		return 1;
	if (pos >= s->lim)
		return sg_scan_end(s);
	sg_set_letters(s);
	/*
	 * carry: 0x80 when byte 0 of pos's word starts a line, i.e. when the
	 * byte before is a LF (0 for the start line).  Computed the same way
	 * on every way round the loop ((x >> 56) & 0x80), so that the verifier
	 * sees it in one state.
	 */
	carry = ((((__u64)(sg_at(s, pos - 1) ^ '\n') - 1) >> 56) & 0x80) *
		(1 - SG_IS0(pos));
	/*
	 * Few values live across a round (the verifier compares them at its
	 * top, and clang spills what does not fit in the registers): the
	 * length is read where it is compared, the mode where it is used.
	 */
	for (i = 0; i < SG_STEP_ROUNDS; i++) {
		base = pos & ~7u & SG_SCAN_MASK;
		if (base >= SG_LOAD(s->lim))
			return sg_scan_end(s);
		ev = sg_word_events(s, base, carry, &lfm);
		ev &= ~0ULL << ((pos & 7) * 8);
		carry = lfm >> 56;
		/* the next words in the same round: its overhead shared */
		SG_HOP_WORD();
		SG_HOP_WORD();
		SG_HOP_WORD();
		if (!ev) {
			/*
			 * The next words, while they hold no line feed: a
			 * quick test each (sg_zero_lax() finds every zero
			 * byte, and some after one: either way a LF is
			 * there).  Not when this word ends with a LF: the
			 * next one then starts a line.
			 */
			pos = base + 8;
			for (k = 0; k < SG_SKIP_WORDS; k++) {
				if ((lfm >> 63) || pos >= SG_LOAD(s->lim) ||
				    (sg_zero_lax(sg_word(s, pos) ^ (SG_ONES * '\n')) & SG_HIGHS))
					break;
				pos += 8;
			}
			/* past a word without LF, byte 0 starts no line */
			carry *= SG_IS0(k);
			/*
			 * s->zero is 0, but the verifier cannot know: it then
			 * sees pos in one state whether it went to the next
			 * word or past an event, and the rounds stay
			 * independent of each other's loads.
			 */
			pos = (pos + SG_LOAD(s->zero)) & SG_SCAN_MASK;
			continue;
		}
		e = (base + sg_first_le(ev)) & SG_SCAN_MASK;
		pos = (e + 1) & SG_SCAN_MASK;
		if (e >= SG_LOAD(s->lim))
			return sg_scan_end(s);
		if (s->cur != SG_H_NONE) {
			if (e + 1 >= SG_LOAD(s->lim))
				return sg_scan_end(s);
			if (sg_value_lf(s, e)) {
				s->pos = pos;	/* how far it read */
				return 1;
			}
		} else if (sg_line_look(s, e)) {
			s->pos = pos;
			return 1;
		}
	}
	s->pos = pos;
	return 0;
}

#endif /* SG_SIP_HDR_H */
