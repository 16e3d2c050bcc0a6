// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard deny add|del|import|list`: the deny list, whose SIP requests
 * are dropped (after the allowlist and established flows).  A prefix list
 * (prefixes.c); the program skips its lookup while it is empty, told by
 * SG_CFG_DENY in the settings.  `deny import FILE` replaces the entries
 * of origin import, new ones first.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "deny.h"
#include "env.h"
#include "main.h"
#include "prefixes.h"

static int deny_fd(const struct sg_maps *m)
{
	return m->deny;
}

/* The program skips the deny lookup while the list is empty. */
static int deny_update_flag(const struct sg_maps *m)
{
	return sg_config_flag_if_any(m, m->deny, sizeof(struct sg_lpm_key),
				     SG_CFG_DENY);
}

static const struct sg_prefix_list denylist = {
	.verb = "deny",
	.title = "the deny list",
	.max = SG_DENY_MAX,
	.fd = deny_fd,
	.settle = deny_update_flag,
};

int sg_deny_sync(const struct sg_maps *m, const struct sg_lpm_key *keys,
		 size_t n, __u32 origin)
{
	return sg_prefix_sync(&denylist, m, keys, n, origin);
}

static int deny_import(int argc, char **argv)
{
	struct sg_lpm_key *keys = NULL;
	struct sg_maps m;
	size_t n = 0;
	int ret = SG_EXIT_FAIL;

	if (argc != 1)
		return sg_usage("deny", "deny import needs exactly one FILE");
	if (sg_read_prefix_file(argv[0], &keys, &n))
		return SG_EXIT_FAIL;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	if (!sg_deny_sync(&m, keys, n, SG_ORIGIN_IMPORT)) {
		printf("deny list: %zu prefixes imported from %s\n", n, argv[0]);
		ret = SG_EXIT_OK;
	}
	sg_maps_close(&m);
out:
	free(keys);
	return ret;
}

static int do_deny_add(int argc, char **argv)
{
	return sg_prefix_run(&denylist, argc, argv, sg_prefix_add);
}

static int do_deny_del(int argc, char **argv)
{
	return sg_prefix_run(&denylist, argc, argv, sg_prefix_del);
}

static int do_deny_list(int argc, char **argv)
{
	return sg_prefix_run(&denylist, argc, argv, sg_prefix_show);
}

static int do_deny_import(int argc, char **argv)
{
	int first = sg_getopt(argc, argv, "deny", NULL, NULL, NULL, NULL);

	if (first < 0)
		return SG_EXIT_USAGE;
	return deny_import(argc - first, argv + first);
}

static const struct sg_cmd deny_cmds[] = {
	{ "add",    do_deny_add,    "PREFIX...", "add prefixes to the deny list" },
	{ "del",    do_deny_del,    "PREFIX...", "remove prefixes from the deny list" },
	{ "delete", do_deny_del,    NULL, NULL },
	{ "import", do_deny_import, "FILE",
	  "replace the imported part of the deny list with FILE's prefixes" },
	{ "list",   do_deny_list,   "[--json]",  "show the deny list" },
	{ 0 }
};

int do_deny(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("deny", "deny needs a command");
	return sg_dispatch(deny_cmds, "sipguard deny", argc - 1, argv + 1);
}
