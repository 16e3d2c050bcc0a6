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
	/* every level of the filter, with the filter written from the trie */
	{ "v4_slash8_passed", .allow = { "198.0.0.0/8" },
	  .frame = { .src = PBX4, INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v4_slash20_passed", .allow = { "198.51.96.0/20" },
	  .frame = { .src = PBX4, INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v4_slash20_outside_dropped", .allow = { "198.51.96.0/20" },
	  .frame = { .src = "198.51.112.1", INVITE }, DROP(SG_R_ORPHAN) },
	{ "v4_slash28_passed", .allow = { "198.51.100.16/28" },
	  .frame = { .src = PBX4, INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v4_slash28_same_slash24_dropped", .allow = { "198.51.100.16/28" },
	  .frame = { .src = "198.51.100.40", INVITE }, DROP(SG_R_ORPHAN) },
	{ "v6_slash48_passed", .allow = { "2001:db8:5::/48" },
	  .frame = { .src = "2001:db8:5:ffff::1", INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v6_slash48_outside_dropped", .allow = { "2001:db8:5::/48" },
	  .frame = { .src = "2001:db8:6::1", INVITE }, DROP(SG_R_ORPHAN) },
	{ "v6_slash64_passed", .allow = { "2001:db8:5::/64" },
	  .frame = { .src = PBX6, INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v6_slash128_passed", .allow = { "2001:db8:5::20/128" },
	  .frame = { .src = PBX6, INVITE }, PASS(SG_R_ALLOWLIST) },
	{ "v6_slash128_neighbour_dropped", .allow = { "2001:db8:5::20/128" },
	  .frame = { .src = "2001:db8:5::21", INVITE }, DROP(SG_R_ORPHAN) },
	{ "v6_all_v4_mapped_passes_v4", .allow = { "::ffff:0:0/96" },
	  .frame = { .src = SCAN4, INVITE }, PASS(SG_R_ALLOWLIST) },
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

/* ---- the allowlist's filter ---- */

/* Write a filter by hand: VALID, LEVELS, and the bits of PREFIXES only. */
static void allow_filter(int valid, __u32 levels, const char *const *prefixes)
{
	struct sg_allow_bits *b = calloc(1, sizeof(*b));
	struct sg_lpm_key k;
	__u32 zero = 0;
	char a[64];
	int fam;

	for (; prefixes && *prefixes; prefixes++) {
		snprintf(a, sizeof(a), "%s", *prefixes);
		*strchr(a, '/') = 0;
		fam = to_addr(a, &k.addr);
		k.prefixlen = atoi(strchr(*prefixes, '/') + 1) + (fam == 4 ? 96 : 0);
		sg_allow_filter_add(b, &k);
	}
	b->valid = valid;
	b->levels |= levels;
	if (bpf_map_update_elem(MAPFD(sg_allowbits), &zero, b, BPF_ANY))
		FAIL("allowbits: %s", strerror(errno));
	free(b);
}

void test_allow_filter_not_written_asks_the_trie(void)
{
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	allow_filter(0, 0, NULL);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("filter not valid: the trie decides", &f, SG_R_ALLOWLIST);
}

/*
 * A filter in another format (an older sipguard's bits, valid 1) or
 * written off (valid 0, while an interface runs older programs) is not
 * read, even where its bits leave the PBX out; this format's is.
 */
void test_allow_filter_of_another_format_asks_the_trie(void)
{
	static const char *const other[] = { "203.0.113.0/24", NULL };
	struct pkt_frame f;
	struct pkt_desc d;
	__u32 valid[] = { 0, 1, SG_AF_FORMAT + 1 };
	size_t i;

	allow_add("198.51.100.20/32");
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		allow_filter(valid[i], SG_AF_V4_32, other);
		EXPECT_PASS("not this format: the trie decides", &f, SG_R_ALLOWLIST);
	}
	allow_filter(SG_AF_FORMAT, SG_AF_V4_32, other);
	EXPECT_DROP("this format: its clear bit decides", &f, SG_R_ORPHAN);
}

/* What sg_allow_filter_write() leaves: VALID, and the trie's bits. */
void test_allow_filter_write_format(void)
{
	struct sg_allow_bits *b = calloc(1, sizeof(*b));
	struct sg_addr a;
	__u32 zero = 0;

	allow_add("198.51.100.20/32");
	to_addr(PBX4, &a);
	ASSERT_OK(sg_allow_filter_write(MAPFD(sg_allow), MAPFD(sg_allowbits), NULL, 0, 0),
		  "write it off");
	ASSERT_OK(bpf_map_lookup_elem(MAPFD(sg_allowbits), &zero, b), "read it");
	ASSERT_EQ(b->valid, 0, "off");
	ASSERT_TRUE(sg_af_maybe(b, 0, &a), "the bits written all the same");
	ASSERT_OK(sg_allow_filter_write(MAPFD(sg_allow), MAPFD(sg_allowbits), NULL, 0,
					SG_AF_FORMAT), "write it on");
	ASSERT_OK(bpf_map_lookup_elem(MAPFD(sg_allowbits), &zero, b), "read it");
	ASSERT_EQ(b->valid, SG_AF_FORMAT, "on");
	ASSERT_TRUE(sg_af_maybe(b, 0, &a), "the PBX's bit");
	free(b);
}

void test_allow_filter_set_bit_asks_the_trie(void)
{
	static const char *const both[] = { "198.51.100.20/32", "2001:db8:5::/48", NULL };
	struct pkt_frame f;
	struct pkt_desc d;

	allow_add("198.51.100.20/32");
	allow_add("2001:db8:5::/48");
	allow_filter(SG_AF_FORMAT, 0, both);
	in4(&d, PBX4, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("IPv4 /32 bit set", &f, SG_R_ALLOWLIST);
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_PASS("IPv6 /48 bit set", &f, SG_R_ALLOWLIST);
	/* every level on, every bit set: the trie still says no */
	allow_filter(SG_AF_FORMAT, ~0u, both);
	in4(&d, "198.51.100.21", 5060, 5060);
	request(&f, &d, "INVITE");
	EXPECT_DROP("filter says maybe, trie says no", &f, SG_R_ORPHAN);
}

/*
 * A filter that (wrongly) leaves the PBX out shows that each level is
 * consulted: the source is turned away before the trie.
 */
void test_allow_filter_clear_bit_skips_the_trie(void)
{
	static const struct {
		const char *prefix, *src;
		__u32 level;
	} lv[] = {
		{ "198.51.0.0/16", "198.51.100.20", SG_AF_V4_16 },
		{ "198.51.100.0/24", "198.51.100.20", SG_AF_V4_24 },
		{ "198.51.100.16/28", "198.51.100.20", SG_AF_V4_24 },
		{ "198.51.100.20/32", "198.51.100.20", SG_AF_V4_32 },
		{ "2001:db8::/32", PBX6, SG_AF_V6_32 },
		{ "2001:db8:5::/48", PBX6, SG_AF_V6_48 },
		{ "2001:db8:5::/64", PBX6, SG_AF_V6_64 },
		{ "2001:db8:5::/100", PBX6, SG_AF_V6_64 },
		{ "2001:db8:5::20/128", PBX6, SG_AF_V6_128 },
	};
	static const char *const other[] = { "203.0.113.0/24", "2001:db8:99::/48", NULL };
	struct pkt_frame f;
	struct pkt_desc d;
	size_t i;

	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		if (!subtest(lv[i].prefix))
			continue;
		harness_reset();
		allow_add(lv[i].prefix);
		if (strchr(lv[i].src, ':'))
			in6(&d, lv[i].src, 5060, 5060);
		else
			in4(&d, lv[i].src, 5060, 5060);
		request(&f, &d, "INVITE");
		EXPECT_PASS("the filter written from the trie", &f, SG_R_ALLOWLIST);
		allow_filter(SG_AF_FORMAT, lv[i].level, other);
		EXPECT_DROP("its level's bit clear", &f, SG_R_ORPHAN);
	}
	in6(&d, PBX6, 5060, 5060);
	request(&f, &d, "INVITE");
	allow_filter(SG_AF_FORMAT, SG_AF_V6_ALL, other);
	EXPECT_PASS("V6_ALL: every IPv6 source asks the trie", &f, SG_R_ALLOWLIST);
}
