// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The allowlist: an LPM trie of IPv4 and IPv6 prefixes, each family apart,
 * and the bitmap filter in front of it that spares most strangers the trie
 * walk.
 */
#include "progs.h"

static const struct pkt_case allowlist_cases[] = {
	{ "v4_host_passed", .allow = { "198.51.100.20/32" },
	  .frame = { .src = PBX4, INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v4_host_neighbour_dropped", .allow = { "198.51.100.20/32" },
	  .frame = { .src = "198.51.100.21", INVITE }, DROP(SG_R_ORPHAN) },
	{ "v4_prefix_first_passed", .allow = { "198.51.100.0/24" },
	  .frame = { .src = "198.51.100.1", INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v4_prefix_last_passed", .allow = { "198.51.100.0/24" },
	  .frame = { .src = "198.51.100.255", INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v4_prefix_outside_dropped", .allow = { "198.51.100.0/24" },
	  .frame = { .src = SCAN4, INVITE }, DROP(SG_R_ORPHAN) },
	{ "v6_prefix_passed", .allow = { "2001:db8::/32" },
	  .frame = { .src = PBX6, INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v6_prefix_outside_dropped", .allow = { "2001:db8::/32" },
	  .frame = { .src = "2001:db9::1", INVITE }, DROP(SG_R_ORPHAN) },
	/* an IPv4 prefix never matches an IPv6 source, nor the reverse */
	{ "families_v6_source_v4_allowed_dropped", .allow = { "198.51.100.0/24" },
	  .frame = { .src = "2001:db8::c633:6414", INVITE }, DROP(SG_R_ORPHAN) },
	{ "families_v4_source_v6_allowed_dropped",
	  .allow = { "198.51.100.0/24", "2001:db8::/32" },
	  .frame = { .src = SCAN4, INVITE }, DROP(SG_R_ORPHAN) },
};

void test_allowlist(void)
{
	RUN_CASES(allowlist_cases);
}

/* ---- the allowlist's bitmap filter ---- */

static void allow_bits(int valid, int v6_all, int v4_slash16, const char *v6)
{
	struct sg_allow_bits *b = calloc(1, sizeof(*b));
	struct sg_addr a;
	__u32 zero = 0, i;

	b->valid = valid;
	b->v6_all = v6_all;
	if (v4_slash16 >= 0)
		b->v4[v4_slash16 >> 6] |= 1ULL << (v4_slash16 & 63);
	if (v6) {
		to_addr(v6, &a);
		i = sg_v6_bucket((__u32)a.b[0] << 24 | (__u32)a.b[1] << 16 |
				 (__u32)a.b[2] << 8 | a.b[3]);
		b->v6[i >> 6] |= 1ULL << (i & 63);
	}
	if (bpf_map_update_elem(MAPFD(sg_allowbits), &zero, b, BPF_ANY))
		FAIL("allowbits: %s", strerror(errno));
	free(b);
}

void test_allow_filter_not_written_asks_the_trie(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	allow_bits(0, 0, -1, NULL);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("filter not valid: the trie decides", &f, SG_R_ALLOWLIST);
}

void test_allow_filter_set_bit_asks_the_trie(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	allow_add("2001:db8:5::/48");
	allow_bits(1, 0, 198 << 8 | 51, PBX6);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("IPv4 /16 bit set", &f, SG_R_ALLOWLIST);
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("IPv6 /32 bucket set", &f, SG_R_ALLOWLIST);
	/* same /16, but not in the trie */
	in4(&d, "198.51.100.21", 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("bit set, trie says no", &f, SG_R_ORPHAN);
}

void test_allow_filter_clear_bit_skips_the_trie(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	/* a filter that (wrongly) leaves out the PBX shows it is consulted */
	allow_add("198.51.100.20/32");
	allow_add("2001:db8:5::/48");
	allow_bits(1, 0, 203 << 8 | 0, NULL);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("IPv4 /16 bit clear", &f, SG_R_ORPHAN);
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("IPv6 bucket clear", &f, SG_R_ORPHAN);
	allow_bits(1, 1, 203 << 8 | 0, NULL);
	EXPECT_PASS("v6_all: every IPv6 source asks the trie", &f, SG_R_ALLOWLIST);
}

