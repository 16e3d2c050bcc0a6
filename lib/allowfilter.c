// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The allowlist's filter built from its prefixes (include/sipguard.h,
 * struct sg_allow_bits, says what each level holds).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "allowfilter.h"

static void hash_set(struct sg_allow_bits *b, __u32 level_flag, __u32 len,
		     __u64 hi, __u64 lo)
{
	__u32 h = sg_af_hash(len, sg_af_mask_hi(hi, len), sg_af_mask_lo(lo, len));

	b->bits[(h >> 6) & (SG_AF_WORDS - 1)] |= 1ULL << (h & 63);
	b->levels |= level_flag;
}

static bool is_v4_mapped(const struct sg_addr *a)
{
	static const __u8 mapped[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->b, mapped, sizeof(mapped));
}

/* Do the first LEN bits of A equal those of ::ffff:0.0.0.0? */
static bool covers_v4_space(const struct sg_addr *a, __u32 len)
{
	static const struct sg_addr mapped = { .b = { [10] = 0xff, [11] = 0xff } };
	__u32 i;

	for (i = 0; i < len && i < 96; i++)
		if (((a->b[i / 8] ^ mapped.b[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

void sg_allow_filter_add(struct sg_allow_bits *b, const struct sg_lpm_key *k)
{
	__u64 hi = sg_be64(k->addr.b), lo = sg_be64(k->addr.b + 8);
	__u32 len = k->prefixlen > 128 ? 128 : k->prefixlen, first, span, i, n;

	if (len >= 96 && is_v4_mapped(&k->addr)) {
		n = len - 96;
		if (n >= 32) {
			hash_set(b, SG_AF_V4_32, 128, hi, lo);
		} else if (n >= 24) {
			hash_set(b, SG_AF_V4_24, 120, hi, lo);
		} else {
			/* every /16 the prefix touches */
			first = (__u32)lo >> 16;
			span = n >= 16 ? 1 : 1u << (16 - n);
			first &= ~(span - 1);
			for (i = first; i < first + span; i++)
				b->v4_16[i >> 6] |= 1ULL << (i & 63);
			b->levels |= SG_AF_V4_16;
		}
		return;
	}
	/* ::/0, ::ffff:0:0/96 and the like also cover every IPv4 source */
	if (len <= 96 && covers_v4_space(&k->addr, len)) {
		memset(b->v4_16, 0xff, sizeof(b->v4_16));
		b->levels |= SG_AF_V4_16;
	}
	if (len < 32)
		b->levels |= SG_AF_V6_ALL;
	else if (len < 48)
		hash_set(b, SG_AF_V6_32, 32, hi, lo);
	else if (len < 64)
		hash_set(b, SG_AF_V6_48, 48, hi, lo);
	else if (len < 128)
		hash_set(b, SG_AF_V6_64, 64, hi, lo);
	else
		hash_set(b, SG_AF_V6_128, 128, hi, lo);
}

/*
 * A program reads the filter while it is written: it may read valid from
 * one write and bits from the next.  So no write ever puts bits of
 * another content under a valid word that a program uses: the old bits
 * are first written back under valid 0, then the new bits under valid 0,
 * and only then the new bits under VALID.  Within one format the bits of
 * either write would do (both cover every prefix in the trie); across
 * formats (an older sipguard's filter, or one turned off) they would not.
 */
static int filter_put(int fd, struct sg_allow_bits *b, __u32 valid)
{
	__u32 zero = 0;

	b->valid = valid;
	return bpf_map_update_elem(fd, &zero, b, BPF_ANY) ? -errno : 0;
}

int sg_allow_filter_write(int trie_fd, int filter_fd,
			  const struct sg_lpm_key *extra, size_t n, __u32 valid)
{
	struct sg_lpm_key k, next;
	struct sg_allow_bits *b, *old;
	__u32 zero = 0;
	void *prev = NULL;
	int err = 0;
	size_t i;

	b = calloc(1, sizeof(*b));
	old = malloc(sizeof(*old));
	if (!b || !old) {
		free(b);
		free(old);
		return -ENOMEM;
	}
	if (!bpf_map_lookup_elem(filter_fd, &zero, old) && old->valid)
		err = filter_put(filter_fd, old, 0);
	free(old);
	while (!bpf_map_get_next_key(trie_fd, prev, &next)) {
		sg_allow_filter_add(b, &next);
		k = next;
		prev = &k;
	}
	if (errno != ENOENT)
		err = -errno;
	for (i = 0; !err && i < n; i++)
		sg_allow_filter_add(b, &extra[i]);
	if (!err)
		err = filter_put(filter_fd, b, 0);
	if (!err && valid)
		err = filter_put(filter_fd, b, valid);
	free(b);
	return err;
}
