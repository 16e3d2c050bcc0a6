// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard allow add|del|list`: the allowlist, whose sources always
 * pass.  A prefix list (prefixes.c) with a filter in front of it (struct
 * sg_allow_bits, exact per address), which the XDP program checks before
 * the trie: the filter learns of new prefixes before they go in, and
 * forgets old ones after they are gone, so it always covers the trie.
 */
#include <errno.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "allow.h"
#include "allowfilter.h"
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
	.max = 0,	/* [allow] max-entries, fixed at the first attach */
	.fd = allow_fd,
	.prepare = sg_allow_bits_rebuild,
	.settle = allow_settle,
};

int sg_allow_bits_rebuild(const struct sg_maps *m, const struct sg_lpm_key *extra,
			  size_t n)
{
	int err = sg_allow_filter_write(m->allow, m->allowbits, extra, n);

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
