// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard ua add|del|list`: the User-Agent blocklist (substrings, any
 * case); a request whose User-Agent holds one is dropped and its source
 * banned for ban-time.
 *
 * The User-Agent set is one value of a two-entry array: a change writes
 * the idle entry and then flips ua_slot in the config, so the program
 * never reads half a list.  The header checks need sipguard_l7 (Linux
 * 5.18); on an older kernel the verbs that would add a rule that never
 * matches say so and change nothing.  The set is built by lib/uaset.c,
 * as the tests and the bench build it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "env.h"
#include "main.h"
#include "names.h"
#include "pins.h"
#include "rules.h"
#include "uaset.h"


static struct sg_ua_set *ua_alloc(void)
{
	struct sg_ua_set *set = calloc(1, sizeof(*set));

	if (!set)
		sg_err("out of memory");
	return set;
}

/* The live set, as the program reads it. */
static int ua_read(const struct sg_maps *m, struct sg_config *cfg,
		   struct sg_ua_set *set)
{
	__u32 slot;
	int err = sg_config_get(m->config, cfg);

	if (!err) {
		slot = cfg->ua_slot & 1;
		if (bpf_map_lookup_elem(m->ua, &slot, set))
			err = -errno;
	}
	if (err)
		sg_err_errno(err, "cannot read the User-Agent list",
			     "detach and attach again");
	if (!err && set->count != cfg->ua_count)
		set->count = cfg->ua_count < SG_UA_MAX ? cfg->ua_count : 0;
	return err ? -1 : 0;
}

/* Write SET to the idle entry, then make it the live one. */
static int ua_write(const struct sg_maps *m, struct sg_config *cfg,
		    const struct sg_ua_set *set)
{
	__u32 slot = (cfg->ua_slot & 1) ^ 1;
	int err = 0;

	if (bpf_map_update_elem(m->ua, &slot, set, BPF_ANY))
		err = -errno;
	if (!err) {
		cfg->ua_slot = slot;
		cfg->ua_count = set->count;
		err = sg_config_set(m->config, cfg);
	}
	if (err)
		sg_err_errno(err, "cannot write the User-Agent list",
			     "detach and attach again");
	return err ? -1 : 0;
}

/*
 * A copy of SRC without the patterns KEEP says no to; the origin bits
 * follow their patterns.
 */
static int ua_filter(const struct sg_ua_set *src, struct sg_ua_set *dst,
		     bool (*keep)(const struct sg_ua_set *, __u32, void *),
		     void *ctx)
{
	char buf[SG_UA_PAT_MAX + 1];
	__u32 i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->count; i++) {
		if (!keep(src, i, ctx))
			continue;
		if (src->config_mask & (1u << i))
			dst->config_mask |= 1u << dst->count;
		sg_ua_set_add(dst, sg_ua_set_pattern(src, i, buf, sizeof(buf)));
	}
	return 0;
}

static int ua_index(const struct sg_ua_set *set, const char *pat)
{
	__u32 i;

	for (i = 0; i < set->count; i++)
		if (set->pat[i].len == strlen(pat) &&
		    !strncasecmp((const char *)set->pat[i].s, pat, set->pat[i].len))
			return i;
	return -1;
}

static const char *ua_add_error(int err)
{
	switch (err) {
	case -EINVAL:
		return "a pattern is 2 to 31 printable bytes";
	case -ENOSPC:
		return "the list is full: remove a pattern first";
	default:
		return "cannot add it";
	}
}

static bool keep_not_config(const struct sg_ua_set *s, __u32 i, void *ctx)
{
	return !(s->config_mask & (1u << i));
}

/* Make the config-file patterns equal PATS; CLI patterns stay. */
int sg_ua_sync_config(const struct sg_maps *m, char (*pats)[SG_UA_PAT_MAX + 1],
		      size_t n)
{
	struct sg_ua_set *cur = ua_alloc(), *next = ua_alloc();
	struct sg_config cfg;
	int ret = -1, err, idx;
	size_t i;

	if (!cur || !next || ua_read(m, &cfg, cur))
		goto out;
	ua_filter(cur, next, keep_not_config, NULL);
	for (i = 0; i < n; i++) {
		idx = ua_index(next, pats[i]);
		if (idx >= 0)
			continue;	/* added by hand too: it stays a CLI one */
		err = sg_ua_set_add(next, pats[i]);
		if (err) {
			sg_err("User-Agent pattern '%s': %s", pats[i], ua_add_error(err));
			goto out;
		}
		next->config_mask |= 1u << (next->count - 1);
	}
	ret = ua_write(m, &cfg, next);
out:
	free(cur);
	free(next);
	return ret;
}

static int ua_add(int argc, char **argv)
{
	struct sg_ua_set *set = NULL;
	struct sg_config cfg;
	struct sg_maps m;
	int i, err, idx, ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage("ua", "ua add needs at least one pattern");
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	if (sg_need_l7("ua add"))
		goto out;
	set = ua_alloc();
	if (!set || ua_read(&m, &cfg, set))
		goto out;
	for (i = 0; i < argc; i++) {
		idx = ua_index(set, argv[i]);
		if (idx >= 0) {
			/* a config pattern added by hand stays on reload */
			set->config_mask &= ~(1u << idx);
			continue;
		}
		err = sg_ua_set_add(set, argv[i]);
		if (err) {
			sg_err("User-Agent pattern '%s': %s; nothing changed", argv[i],
			       ua_add_error(err));
			goto out;
		}
	}
	if (!ua_write(&m, &cfg, set))
		ret = SG_EXIT_OK;
out:
	free(set);
	sg_maps_close(&m);
	return ret;
}

struct ua_del_ctx {
	int argc;
	char **argv;
};

static bool keep_not_named(const struct sg_ua_set *s, __u32 i, void *ctx)
{
	const struct ua_del_ctx *d = ctx;
	int j;

	for (j = 0; j < d->argc; j++)
		if (s->pat[i].len == strlen(d->argv[j]) &&
		    !strncasecmp((const char *)s->pat[i].s, d->argv[j], s->pat[i].len))
			return false;
	return true;
}

static int ua_del(int argc, char **argv)
{
	struct sg_ua_set *cur = NULL, *next = NULL;
	struct ua_del_ctx d = { argc, argv };
	struct sg_config cfg;
	struct sg_maps m;
	int i, ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage("ua", "ua del needs at least one pattern");
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	cur = ua_alloc();
	next = ua_alloc();
	if (!cur || !next || ua_read(&m, &cfg, cur))
		goto out;
	for (i = 0; i < argc; i++) {
		if (ua_index(cur, argv[i]) < 0) {
			sg_err("'%s' is not in the User-Agent list: see 'sipguard ua list'",
			       argv[i]);
			goto out;
		}
	}
	ua_filter(cur, next, keep_not_named, &d);
	if (!ua_write(&m, &cfg, next))
		ret = SG_EXIT_OK;
out:
	free(cur);
	free(next);
	sg_maps_close(&m);
	return ret;
}

static int ua_list(int argc, char **argv)
{
	char buf[SG_UA_PAT_MAX + 1];
	struct sg_ua_set *set;
	struct sg_config cfg;
	json_object *arr, *o;
	struct sg_maps m;
	const char *origin;
	__u32 i;
	int ret = SG_EXIT_FAIL;

	if (argc > 0)
		return sg_usage("ua", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	set = ua_alloc();
	if (!set || ua_read(&m, &cfg, set))
		goto out;
	arr = json_object_new_array();
	if (!sg_env.json)
		printf("%-32s %s\n", "PATTERN", "ORIGIN");
	for (i = 0; i < set->count; i++) {
		sg_ua_set_pattern(set, i, buf, sizeof(buf));
		origin = set->config_mask & (1u << i) ? "config" : "cli";
		if (!sg_env.json) {
			printf("%-32s %s\n", buf, origin);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "pattern", json_object_new_string(buf));
		json_object_object_add(o, "origin", json_object_new_string(origin));
		json_object_array_add(arr, o);
	}
	if (sg_env.json)
		sg_json_print(arr);
	json_object_put(arr);
	ret = SG_EXIT_OK;
out:
	free(set);
	sg_maps_close(&m);
	return ret;
}

static int do_ua_add(int argc, char **argv)
{
	return sg_run_sub("ua", argc, argv, ua_add);
}

static int do_ua_del(int argc, char **argv)
{
	return sg_run_sub("ua", argc, argv, ua_del);
}

static int do_ua_list(int argc, char **argv)
{
	return sg_run_sub("ua", argc, argv, ua_list);
}

static const struct sg_cmd ua_cmds[] = {
	{ "add",    do_ua_add,  "PATTERN...",
	  "block User-Agents that contain PATTERN (any case)" },
	{ "del",    do_ua_del,  "PATTERN...", "remove patterns" },
	{ "delete", do_ua_del,  NULL, NULL },
	{ "list",   do_ua_list, "[--json]", "show the User-Agent blocklist" },
	{ 0 }
};

int do_ua(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("ua", "ua needs a command: add, del or list");
	return sg_dispatch(ua_cmds, "sipguard ua", argc - 1, argv + 1);
}
