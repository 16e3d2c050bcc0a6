// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host tests of the ABI header's filter and hash.  The allowlist's filter:
 * the builder (lib/allowfilter.c) held to the check the XDP program makes
 * (sg_af_maybe(), include/sipguard.h).  A source that a prefix covers
 * must always reach the trie, at every level and length; strangers must
 * mostly not (a filter that says "maybe" to everyone is correct and
 * useless).  The flow table's IPv4 hash against the general one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipguard.h"
#include "allowfilter.h"
#include "harness.h"

static __u64 rng = 0x243f6a8885a308d3ULL;

static __u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct sg_lpm_key v4(__u32 a, __u32 len)
{
	struct sg_lpm_key k = { .prefixlen = 96 + len };

	k.addr.b[10] = k.addr.b[11] = 0xff;
	k.addr.b[12] = a >> 24;
	k.addr.b[13] = a >> 16;
	k.addr.b[14] = a >> 8;
	k.addr.b[15] = a;
	return k;
}

/* A random address of prefix K: its bits kept, the rest random. */
static struct sg_addr inside(const struct sg_lpm_key *k)
{
	struct sg_addr a;
	__u32 i;

	for (i = 0; i < 16; i++)
		a.b[i] = rnd();
	for (i = 0; i < k->prefixlen; i++) {
		__u8 m = 0x80 >> (i % 8);

		a.b[i / 8] = (a.b[i / 8] & ~m) | (k->addr.b[i / 8] & m);
	}
	return a;
}

static int covers(const struct sg_lpm_key *k, const struct sg_addr *a)
{
	__u32 i;

	for (i = 0; i < k->prefixlen; i++)
		if (((k->addr.b[i / 8] ^ a->b[i / 8]) >> (7 - i % 8)) & 1)
			return 0;
	return 1;
}

static int is_v4(const struct sg_addr *a)
{
	static const __u8 mapped[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->b, mapped, 12);
}

/* Every length of both families, many prefixes each: no source missed. */
void test_allow_filter_never_misses_a_covered_source(void)
{
	static struct sg_lpm_key keys[4000];
	struct sg_allow_bits *f = calloc(1, sizeof(*f));
	__u32 n = 0, i, j, missed = 0, tried = 0;

	for (i = 0; i < 2000; i++) {
		/* IPv4 /8 to /32 (shorter ones would cover the test space) */
		keys[n++] = v4(rnd(), 8 + i % 25);
		/* IPv6 /32 to /128, outside the v4-mapped space */
		keys[n].prefixlen = 0;
		keys[n].addr = inside(&keys[n]);	/* random */
		keys[n].addr.b[0] = 0x20;
		keys[n].prefixlen = 32 + i % 97;
		n++;
	}
	for (i = 0; i < n; i++)
		sg_allow_filter_add(f, &keys[i]);
	for (i = 0; i < n; i++)
		for (j = 0; j < 8; j++) {
			struct sg_addr a = inside(&keys[i]);

			tried++;
			if (!sg_af_maybe(f, !is_v4(&a), &a) && missed++ < 5)
				FAIL("prefix /%u: a covered source is not let to the trie",
				     keys[i].prefixlen);
		}
	ASSERT_EQ(missed, 0, "covered sources the filter turned away");
	printf("# %u covered sources tried\n", tried);
	free(f);
}

/* The prefixes that cover whole families send every such source on. */
void test_allow_filter_wide_prefixes(void)
{
	struct sg_allow_bits *f = calloc(1, sizeof(*f));
	struct sg_lpm_key all = { .prefixlen = 0 }, mapped = v4(0, 0);
	struct sg_addr a;
	int i, miss4 = 0, miss6 = 0;

	sg_allow_filter_add(f, &all);
	for (i = 0; i < 1000; i++) {
		a = inside(&mapped);
		miss4 += !sg_af_maybe(f, 0, &a);
		a = inside(&all);
		a.b[0] = 0x20;
		miss6 += !sg_af_maybe(f, 1, &a);
	}
	ASSERT_EQ(miss4, 0, "::/0 and IPv4 sources");
	ASSERT_EQ(miss6, 0, "::/0 and IPv6 sources");
	memset(f, 0, sizeof(*f));
	sg_allow_filter_add(f, &mapped);	/* ::ffff:0.0.0.0/96 */
	a = inside(&mapped);
	ASSERT_TRUE(sg_af_maybe(f, 0, &a), "::ffff:0:0/96 covers an IPv4 source");
	free(f);
}

/*
 * 100 000 entries, as the benchmark loads them (IPv4 /32s in one /15,
 * IPv6 /64s): strangers of the same /15 and of other /64s still mostly
 * skip the trie.
 */
void test_allow_filter_turns_most_strangers_away(void)
{
	struct sg_allow_bits *f = calloc(1, sizeof(*f));
	struct sg_lpm_key k;
	__u32 i, maybe4 = 0, maybe6 = 0, n = 20000;
	struct sg_addr a;

	for (i = 0; i < 50000; i++) {
		k = v4(0xc6120000u | (i * 2), 32);	/* even addresses */
		sg_allow_filter_add(f, &k);
		memset(&k, 0, sizeof(k));
		k.prefixlen = 64;
		k.addr.b[0] = 0x20; k.addr.b[1] = 0x01;
		k.addr.b[2] = 0x0d; k.addr.b[3] = 0xb8;
		k.addr.b[4] = i >> 8; k.addr.b[5] = i;
		sg_allow_filter_add(f, &k);
	}
	k = v4(0xcb007100u, 24);
	sg_allow_filter_add(f, &k);
	for (i = 0; i < n; i++) {
		k = v4(0xc6120001u | (__u32)(rnd() % 65536) * 2, 32);	/* odd */
		maybe4 += sg_af_maybe(f, 0, &k.addr);
		memset(&a, 0, sizeof(a));
		a.b[0] = 0x20; a.b[1] = 0x01; a.b[2] = 0x0d; a.b[3] = 0xb8;
		a.b[4] = 0xf0 | (rnd() & 0x0f);
		for (int j = 5; j < 16; j++)
			a.b[j] = rnd();
		maybe6 += sg_af_maybe(f, 1, &a);
	}
	printf("# strangers sent to the trie: IPv4 %.1f%%, IPv6 %.1f%%\n",
	       100.0 * maybe4 / n, 100.0 * maybe6 / n);
	/* one bit per entry in 2^21: about 5% a level, two levels for IPv4 */
	ASSERT_TRUE(maybe4 < n / 6, "IPv4 strangers mostly turned away");
	ASSERT_TRUE(maybe6 < n / 10, "IPv6 strangers mostly turned away");
	free(f);
}

/*
 * The answer is per address at the /32 level and per /24 at the /24 one
 * (where /25 to /31 go): neighbours just outside are told apart.
 */
void test_allow_filter_levels_are_exact(void)
{
	static const struct {
		__u32 len, step;	/* neighbours STEP addresses apart */
	} lv[] = { { 24, 256 }, { 28, 256 }, { 32, 1 } };
	struct sg_allow_bits *f;
	struct sg_lpm_key k, out;
	int i, j, inside_too = 0;

	for (i = 0; i < 3; i++) {
		int maybes = 0;

		f = calloc(1, sizeof(*f));
		k = v4(0xc6336400u, lv[i].len);	/* 198.51.100.0 */
		sg_allow_filter_add(f, &k);
		for (j = 1; j <= 200; j++) {
			out = v4(0xc6336400u + j * lv[i].step, 32);
			inside_too += covers(&k, &out.addr);
			maybes += sg_af_maybe(f, 0, &out.addr);
		}
		/* one bit of 2^21 set: a neighbour collides about never */
		ASSERT_TRUE(maybes <= 1, "neighbours of the prefix are turned away");
		free(f);
	}
	ASSERT_EQ(inside_too, 0, "the neighbours are outside the prefix");
}

/*
 * The flow table's hash of an IPv4 source, which the XDP verdict takes
 * from the four address bytes alone, is the hash userspace and the
 * learner take of the whole ::ffff:a.b.c.d: the same sets, the same tag.
 */
void test_flow_hash_v4_is_the_hash_of_the_mapped_address(void)
{
	int i, differ = 0;

	for (i = 0; i < 100000; i++) {
		struct sg_lpm_key k = v4(rnd(), 32);
		__u16 port = rnd();

		differ += sg_flow_hash_v4(&k.addr.b[12], port) !=
			  sg_flow_hash(&k.addr, port);
	}
	ASSERT_EQ(differ, 0, "addresses whose two hashes differ");
}

/*
 * The flows' filter's bit of an IPv4 source (one multiply in the XDP
 * verdict) is the bit userspace and the learner take of the whole
 * ::ffff:a.b.c.d; and the bits of many pairs spread like random ones,
 * for random pairs and for the crowded shapes a router sees (one /24 of
 * trunk servers, many local ports; the same address, every port).
 */
void test_flow_filter_bit_v4_and_spread(void)
{
	static __u8 seen[1u << (SG_FB_LOG - 3)];
	long distinct;
	int i, j, differ = 0;

	for (i = 0; i < 100000; i++) {
		struct sg_lpm_key k = v4(rnd(), 32);
		__u16 port = rnd();

		differ += sg_fb_hash_v4(&k.addr.b[12], port) !=
			  sg_fb_hash(&k.addr, port);
	}
	ASSERT_EQ(differ, 0, "addresses whose two bits differ");

	/* 256 sources of one /24, 40 local ports each: 10240 pairs */
	memset(seen, 0, sizeof(seen));
	distinct = 0;
	for (i = 0; i < 256; i++)
		for (j = 0; j < 40; j++) {
			struct sg_lpm_key k = v4(0xc6336400u + i, 32);
			__u32 b = sg_fb_hash(&k.addr, 5060 + j);

			distinct += !(seen[b >> 3] & (1u << (b & 7)));
			seen[b >> 3] |= 1u << (b & 7);
		}
	/* random bits: 10240 - 10240^2 / 2^21, about 10190 distinct */
	ASSERT_GE(distinct, 10100, "distinct bits of one /24 times 40 ports (10240 pairs)");

	/* one address, every port; IPv6 sources of one /64 */
	memset(seen, 0, sizeof(seen));
	distinct = 0;
	for (i = 0; i < 65536; i++) {
		struct sg_lpm_key k = v4(0xcb007105u, 32);
		__u32 b = sg_fb_hash(&k.addr, i);

		distinct += !(seen[b >> 3] & (1u << (b & 7)));
		seen[b >> 3] |= 1u << (b & 7);
	}
	for (i = 0; i < 65536; i++) {
		struct sg_addr a = {};
		__u32 b;

		a.b[0] = 0x20; a.b[1] = 0x01; a.b[2] = 0x0d; a.b[3] = 0xb8;
		a.b[14] = i >> 8; a.b[15] = i;
		b = sg_fb_hash(&a, 5060);
		distinct += !(seen[b >> 3] & (1u << (b & 7)));
		seen[b >> 3] |= 1u << (b & 7);
	}
	/* random: 131072 - 131072^2 / 2^21 + ..., about 123000 */
	ASSERT_GE(distinct, 120000, "distinct bits of every port and of a /64's sources (131072 pairs)");
}
