// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard allow add|del|list`: the allowlist, whose sources always
 * pass.  A prefix list (prefixes.c) with a bitmap filter in front of it
 * (struct sg_allow_bits), which the XDP program checks before the trie:
 * the filter learns of new prefixes before they go in, and forgets old
 * ones after they are gone, so it is always a superset of the trie.
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "allow.h"
#include "cli.h"
#include "main.h"
#include "prefixes.h"

static int allow_fd(const struct sg_maps *m)
{
	return m->allow;
}

static int allow_settle(const struct sg_maps *m)
{
	return sg_allow_bits_rebuild(m, NULL, 0);
}

static const struct sg_prefix_list allowlist = {
	.verb = "allow",
	.title = "the allowlist",
	.max = SG_ALLOW_MAX,
	.fd = allow_fd,
	.prepare = sg_allow_bits_rebuild,
	.settle = allow_settle,
};

/* ---- the allowlist's bitmap filter (struct sg_allow_bits) ---- */

static void bit_set(__u64 *words, __u32 i)
{
	words[(i >> 6) & (SG_ABITS_WORDS - 1)] |= 1ULL << (i & 63);
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

static void bits_add(struct sg_allow_bits *b, const struct sg_lpm_key *k)
{
	const __u8 *a = k->addr.b;
	__u32 first, span, i, n;

	if (k->prefixlen >= 96 && sg_addr_is_v4(&k->addr)) {
		n = k->prefixlen - 96;
		first = (__u32)a[12] << 8 | a[13];
		span = n >= 16 ? 1 : 1u << (16 - n);
		first &= ~(span - 1);
		for (i = 0; i < span; i++)
			bit_set(b->v4, first + i);
		return;
	}
	if (k->prefixlen <= 96 && covers_v4_space(&k->addr, k->prefixlen))
		for (i = 0; i < 65536; i++)
			bit_set(b->v4, i);
	if (k->prefixlen < 32)
		b->v6_all = 1;
	else
		bit_set(b->v6, sg_v6_bucket((__u32)a[0] << 24 | (__u32)a[1] << 16 |
					    (__u32)a[2] << 8 | a[3]));
}

int sg_allow_bits_rebuild(const struct sg_maps *m, const struct sg_lpm_key *extra,
			  size_t n)
{
	struct sg_prefix_entry *cur = NULL;
	struct sg_allow_bits *b;
	size_t ncur = 0, i;
	__u32 zero = 0;
	int err;

	b = calloc(1, sizeof(*b));
	if (!b)
		return sg_prefix_error(&allowlist, -ENOMEM, "cannot build the allowlist filter");
	err = sg_prefix_dump(m->allow, &cur, &ncur);
	if (!err) {
		for (i = 0; i < ncur; i++)
			bits_add(b, &cur[i].key);
		for (i = 0; i < n; i++)
			bits_add(b, &extra[i]);
		b->valid = 1;
		if (bpf_map_update_elem(m->allowbits, &zero, b, BPF_ANY))
			err = -errno;
	}
	free(cur);
	free(b);
	if (err)
		sg_err_errno(err, "cannot write the allowlist filter",
			     "detach and attach again");
	return err ? -1 : 0;
}

int sg_allow_sync_config(const struct sg_maps *m, const struct sg_lpm_key *keys,
			 size_t n)
{
	return sg_prefix_sync(&allowlist, m, keys, n, SG_ORIGIN_CONFIG);
}

static int do_allow_add(int argc, char **argv)
{
	return sg_prefix_run(&allowlist, argc, argv, sg_prefix_add);
}

static int do_allow_del(int argc, char **argv)
{
	return sg_prefix_run(&allowlist, argc, argv, sg_prefix_del);
}

static int do_allow_list(int argc, char **argv)
{
	return sg_prefix_run(&allowlist, argc, argv, sg_prefix_show);
}

static const struct sg_cmd allow_cmds[] = {
	{ "add",    do_allow_add,  "PREFIX...", "add prefixes to the allowlist" },
	{ "del",    do_allow_del,  "PREFIX...", "remove prefixes from the allowlist" },
	{ "delete", do_allow_del,  NULL, NULL },
	{ "list",   do_allow_list, "[--json]",  "show the allowlist" },
	{ 0 }
};

int do_allow(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("allow", "allow needs a command");
	return sg_dispatch(allow_cmds, "sipguard allow", argc - 1, argv + 1);
}
