// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the word-at-a-time helpers that the header scanner and
 * the flow table's tags build on (bpf/compiler.h, bpf/sip_hdr.h,
 * bpf/sip_val.h, bpf/flowset.h), against plain byte loops.  They load eight bytes as one
 * word and number the bytes by bit position, which is where a CPU of the
 * other byte order goes wrong silently; `make check` also runs this binary
 * built for big-endian s390x under qemu-user (tests/test_cross_host.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "sip_val.h"
#include "flowset.h"
#include "harness.h"

/* The bytes the scanner cares about, and some it does not. */
static const char alphabet[] = "\r\n \t:;<>@=tTfFuUoOaAx\x01\x7f\x80\xff";

static struct sg_scan *random_buffer(unsigned int seed)
{
	struct sg_scan *s = calloc(1, sizeof(*s));
	unsigned int i;

	srand(seed);
	for (i = 0; i < sizeof(s->buf); i++)
		s->buf[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
	s->len = SG_SCAN_MAX;
	return s;
}

void test_le64_numbers_bytes_in_memory_order(void)
{
	const __u8 b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	__u64 tags;
	__u8 t[8] = { 0 };

	ASSERT_EQ(sg_load_le64(b), 0x0807060504030201ULL, "byte k in bits 8k..8k+7");
	/* the flow set's tag test reads slot i at bit 8i + 7 */
	t[5] = 0x9c;
	tags = sg_load_le64(t);
	ASSERT_EQ((tags >> 40) & 0xff, 0x9c, "slot 5's tag in bits 40..47");
}

/* The tags of a real set, read as one aligned word (sg_load_le64_a8()). */
void test_set_tags_read_as_one_word(void)
{
	struct sg_flow_set set;
	__u32 i;

	memset(&set, 0, sizeof(set));
	ASSERT_EQ((unsigned long)set.tag % 8, 0, "the tags are 8-byte aligned");
	/* no two neighbours one apart: no borrow flags the next slot too */
	for (i = 0; i < SG_FLOW_WAYS; i++)
		set.tag[i] = 0x11 * (i + 1);
	ASSERT_EQ(sg_load_le64_a8(set.tag), sg_load_le64(set.tag), "one load, the same word");
	for (i = 0; i < SG_FLOW_WAYS; i++)
		ASSERT_EQ(sg_tag_hits(set.tag, 0x11 * (i + 1)), 0x80ULL << (8 * i),
			  "slot i's tag flags bit 8i + 7, and only it");
	ASSERT_EQ(sg_tag_hits(set.tag, 0x3f), 0, "a tag no slot has");
}

void test_word_loads_agree_with_bytes(void)
{
	struct sg_scan *s = random_buffer(1);
	__u32 off, k;
	__u64 want;

	for (off = 0; off < SG_SCAN_MAX; off++) {
		want = 0;
		for (k = 0; k < 8; k++)
			want |= (__u64)s->buf[off + k] << (8 * k);
		if (!CHECK(sg_uword_le(s, off) == want, "sg_uword_le(%u)", off))
			break;
		if (!CHECK(sg_word_le(s, off) == sg_load_le64(&s->buf[off & ~7u]),
			   "sg_word_le(%u)", off))
			break;
	}
	free(s);
}

static __u32 blanks_ref(const struct sg_scan *s, __u32 off)
{
	__u32 n = 0;

	while (n < 8 && (s->buf[off + n] == ' ' || s->buf[off + n] == '\t'))
		n++;
	return n;
}

void test_blank_runs_agree_with_bytes(void)
{
	struct sg_scan *s = random_buffer(2);
	__u32 off;

	/* long blank runs too */
	memset(&s->buf[100], ' ', 11);
	memset(&s->buf[300], '\t', 5);
	for (off = 0; off < SG_SCAN_MAX; off++)
		if (!CHECK(sg_blanks_at(s, off) == blanks_ref(s, off),
			   "sg_blanks_at(%u): %u, bytes say %u", off,
			   sg_blanks_at(s, off), blanks_ref(s, off)))
			break;
	free(s);
}

static __u32 find_ref(const struct sg_scan *s, __u32 off, __u32 n, __u8 c)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (s->buf[off + i] == c)
			return i;
	return n;
}

void test_byte_searches_agree_with_bytes(void)
{
	static const __u8 wanted[] = { '\r', '\n', ':', ';', '<', '>', '@', 't' };
	struct sg_scan *s = random_buffer(3);
	__u32 off, n, i, got, ref;

	for (i = 0; i < sizeof(wanted); i++) {
		for (off = 0; off < 600; off += 1 + off % 3) {
			n = (off * 7 + i * 13) % SG_FIND_MAX;
			got = sg_find_byte(s, off, n, wanted[i]);
			ref = find_ref(s, off, n, wanted[i]);
			if (!CHECK(got == ref, "sg_find_byte(%u, %u, 0x%02x): %u, bytes say %u",
				   off, n, wanted[i], got, ref))
				goto out;
			n = SG_SCAN_MAX - off;
			got = sg_find_long(s, off, n, wanted[i]);
			ref = find_ref(s, off, n, wanted[i]);
			if (!CHECK(got == ref, "sg_find_long(%u, %u, 0x%02x): %u, bytes say %u",
				   off, n, wanted[i], got, ref))
				goto out;
		}
	}
out:
	free(s);
}

void test_first_byte_of_a_match_is_the_first_in_memory(void)
{
	struct sg_scan *s = calloc(1, sizeof(*s));
	__u32 pos, a, b;

	/* two matches in one word: the search must name the earlier one */
	for (a = 0; a < 8; a++) {
		for (b = a + 1; b < 8; b++) {
			memset(s->buf, 'x', sizeof(s->buf));
			s->buf[64 + a] = ':';
			s->buf[64 + b] = ':';
			for (pos = 64; pos <= 64 + a; pos++)
				if (!CHECK(sg_first_byte(sg_match_from(s, pos, ':')) == a,
					   "':' at %u and %u, search from %u", a, b, pos))
					goto out;
			/* from past the first: the second */
			if (!CHECK(sg_first_byte(sg_match_from(s, 65 + a, ':')) == b,
				   "':' at %u and %u, search past the first", a, b))
				goto out;
		}
	}
out:
	free(s);
}

/*
 * The flow set's tag test: every slot whose tag matches is flagged, and a
 * slot that does not is flagged only after one that does (a borrow).
 */
void test_tag_hits_flag_every_matching_slot(void)
{
	__u8 tags[8], tag;
	__u64 hits;
	int round, i, before;

	srand(4);
	for (round = 0; round < 20000; round++) {
		/* few distinct tags, so that matches and neighbours are common */
		for (i = 0; i < 8; i++)
			tags[i] = rand() % 4 ? rand() % 5 : rand();
		tag = rand() % 4 + 1;
		hits = sg_tag_hits(tags, tag);
		for (i = 0, before = 0; i < 8; i++) {
			bool hit = hits >> (8 * i + 7) & 1;

			if (tags[i] == tag && !CHECK(hit, "round %d: slot %d holds the tag, not flagged",
						     round, i))
				return;
			if (hit && tags[i] != tag &&
			    !CHECK(before, "round %d: slot %d flagged, and no match before it",
				   round, i))
				return;
			before |= tags[i] == tag;
		}
		if (!CHECK(!(hits & ~0x8080808080808080ULL), "round %d: only top bits", round))
			return;
	}
}
