// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard allow add|del|list`: the allowlist, an LPM trie of source
 * prefixes whose INVITEs always pass.  IPv4 is kept as ::ffff:a.b.c.d with
 * prefix length 96 + N and printed back as a.b.c.d/N.
 *
 * Every change validates all its arguments before it touches the map, and
 * a failed `add` takes back what it already did: all or nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "common.h"

struct allow_entry {
	struct sg_lpm_key key;
	struct sg_allow_val val;
};

/* IPv4 first, then by address, then by prefix length. */
static int cmp_entry(const void *a, const void *b)
{
	const struct sg_lpm_key *x = a, *y = b;
	bool x4 = x->prefixlen >= 96 && sg_addr_is_v4(&x->addr);
	bool y4 = y->prefixlen >= 96 && sg_addr_is_v4(&y->addr);
	int c;

	if (x4 != y4)
		return x4 ? -1 : 1;
	c = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (c)
		return c;
	return (x->prefixlen > y->prefixlen) - (x->prefixlen < y->prefixlen);
}

/* All entries of the trie, sorted. */
static int allow_dump(int fd, struct allow_entry **out, size_t *n)
{
	struct sg_lpm_key key, next;
	struct allow_entry *v = NULL, *nv;
	size_t cap = 0, cnt = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (cnt == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[cnt].key = next;
		if (bpf_map_lookup_elem(fd, &next, &v[cnt].val))
			memset(&v[cnt].val, 0, sizeof(v[cnt].val));
		cnt++;
		key = next;
		prev = &key;
	}
	if (errno != ENOENT) {
		int err = -errno;

		free(v);
		return err;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_entry);
	*out = v;
	*n = cnt;
	return 0;
}

static struct allow_entry *allow_find(struct allow_entry *v, size_t n,
				      const struct sg_lpm_key *k)
{
	return bsearch(k, v, n, sizeof(*v), cmp_entry);
}

static int parse_prefixes(int argc, char **argv, struct sg_lpm_key *keys)
{
	char err[SG_ERRBUF];
	int i;

	for (i = 0; i < argc; i++) {
		if (sg_parse_prefix(argv[i], &keys[i], err, sizeof(err))) {
			sg_err("%s", err);
			return -1;
		}
	}
	return 0;
}

static int full_or_errno(int err, const char *what)
{
	if (abs(err) == E2BIG || abs(err) == ENOSPC || abs(err) == ENOMEM)
		sg_err("the allowlist is full (%d entries): remove prefixes with 'sipguard allow del' or use wider ones",
		       SG_ALLOW_MAX);
	else
		sg_err_errno(err, what, "check 'sipguard status'");
	return -1;
}

/*
 * Write KEYS with origin ORIGIN.  Entries that exist keep their place;
 * with KEEP_CLI a CLI entry is left as it is.  On a failure the entries
 * written so far are put back the way they were.
 */
static int allow_put(int fd, const struct sg_lpm_key *keys, size_t n,
		     __u32 origin, bool keep_cli)
{
	struct allow_entry *old = NULL, *e;
	struct sg_allow_val val = { .origin = origin };
	size_t nold = 0, i, j;
	int err;

	err = allow_dump(fd, &old, &nold);
	if (err)
		return full_or_errno(err, "cannot read the allowlist");
	for (i = 0; i < n; i++) {
		e = allow_find(old, nold, &keys[i]);
		if (e && keep_cli && e->val.origin == SG_ORIGIN_CLI)
			continue;
		if (bpf_map_update_elem(fd, &keys[i], &val, BPF_ANY)) {
			err = -errno;
			for (j = 0; j < i; j++) {
				e = allow_find(old, nold, &keys[j]);
				if (e)
					bpf_map_update_elem(fd, &keys[j], &e->val, BPF_ANY);
				else
					bpf_map_delete_elem(fd, &keys[j]);
			}
			free(old);
			return full_or_errno(err, "cannot add to the allowlist");
		}
	}
	free(old);
	return 0;
}

int sg_allow_sync_config(int fd, const struct sg_lpm_key *keys, size_t n)
{
	struct sg_lpm_key *want = NULL;
	struct allow_entry *cur = NULL;
	size_t ncur = 0, i;
	int err = 0;

	if (allow_put(fd, keys, n, SG_ORIGIN_CONFIG, true))
		return -1;
	if (n) {
		want = malloc(n * sizeof(*want));
		if (!want)
			return full_or_errno(-ENOMEM, "cannot apply the config");
		memcpy(want, keys, n * sizeof(*want));
		qsort(want, n, sizeof(*want), cmp_entry);
	}
	err = allow_dump(fd, &cur, &ncur);
	if (err) {
		free(want);
		return full_or_errno(err, "cannot read the allowlist");
	}
	for (i = 0; i < ncur; i++) {
		if (cur[i].val.origin != SG_ORIGIN_CONFIG)
			continue;
		if (n && bsearch(&cur[i].key, want, n, sizeof(*want), cmp_entry))
			continue;
		if (bpf_map_delete_elem(fd, &cur[i].key) && errno != ENOENT) {
			err = -errno;
			sg_err_errno(err, "cannot remove an old config prefix",
				     "check 'sipguard allow list'");
			break;
		}
	}
	free(cur);
	free(want);
	return err ? -1 : 0;
}

static int allow_add(int argc, char **argv)
{
	struct sg_lpm_key *keys;
	struct sg_maps m;
	int ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage("allow", "allow add needs at least one prefix");
	keys = calloc(argc, sizeof(*keys));
	if (!keys)
		return SG_EXIT_FAIL;
	if (parse_prefixes(argc, argv, keys))
		goto out;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	if (!allow_put(m.allow, keys, argc, SG_ORIGIN_CLI, false))
		ret = SG_EXIT_OK;
	sg_maps_close(&m);
out:
	free(keys);
	return ret;
}

static int allow_del(int argc, char **argv)
{
	struct allow_entry *cur = NULL;
	struct sg_lpm_key *keys;
	size_t ncur = 0;
	struct sg_maps m;
	int i, err, ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage("allow", "allow del needs at least one prefix");
	keys = calloc(argc, sizeof(*keys));
	if (!keys)
		return SG_EXIT_FAIL;
	if (parse_prefixes(argc, argv, keys))
		goto out;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	err = allow_dump(m.allow, &cur, &ncur);
	if (err) {
		full_or_errno(err, "cannot read the allowlist");
		goto close;
	}
	for (i = 0; i < argc; i++) {
		if (!allow_find(cur, ncur, &keys[i])) {
			char buf[64];

			sg_format_prefix(&keys[i], buf, sizeof(buf));
			sg_err("%s is not in the allowlist: see 'sipguard allow list'",
			       buf);
			goto close;
		}
	}
	for (i = 0; i < argc; i++) {
		if (bpf_map_delete_elem(m.allow, &keys[i]) && errno != ENOENT) {
			sg_err_errno(errno, "cannot delete from the allowlist",
				     "check 'sipguard status'");
			goto close;
		}
	}
	ret = SG_EXIT_OK;
close:
	free(cur);
	sg_maps_close(&m);
out:
	free(keys);
	return ret;
}

static int allow_list(int argc, char **argv)
{
	struct allow_entry *v = NULL;
	json_object *arr, *o;
	struct sg_maps m;
	char buf[64];
	size_t n = 0, i;
	int err;

	if (argc > 0)
		return sg_usage("allow", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	err = allow_dump(m.allow, &v, &n);
	sg_maps_close(&m);
	if (err) {
		full_or_errno(err, "cannot read the allowlist");
		return SG_EXIT_FAIL;
	}
	if (sg_env.json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			sg_format_prefix(&v[i].key, buf, sizeof(buf));
			o = json_object_new_object();
			json_object_object_add(o, "prefix", json_object_new_string(buf));
			json_object_object_add(o, "origin",
					       json_object_new_string(sg_origin_name(v[i].val.origin)));
			json_object_array_add(arr, o);
		}
		sg_json_print(arr);
	} else {
		printf("%-44s %s\n", "PREFIX", "ORIGIN");
		for (i = 0; i < n; i++) {
			sg_format_prefix(&v[i].key, buf, sizeof(buf));
			printf("%-44s %s\n", buf, sg_origin_name(v[i].val.origin));
		}
	}
	free(v);
	return SG_EXIT_OK;
}

/* Sub-verbs get argv with the sub-verb at [0]; options are parsed here. */
static int run_sub(int argc, char **argv, int (*fn)(int, char **))
{
	int first = sg_getopt(argc, argv, "allow", NULL, NULL, NULL, NULL);

	if (first < 0)
		return SG_EXIT_USAGE;
	return fn(argc - first, argv + first);
}

static int do_allow_add(int argc, char **argv)
{
	return run_sub(argc, argv, allow_add);
}

static int do_allow_del(int argc, char **argv)
{
	return run_sub(argc, argv, allow_del);
}

static int do_allow_list(int argc, char **argv)
{
	return run_sub(argc, argv, allow_list);
}

static int do_allow_help(int argc, char **argv);

static const struct sg_cmd allow_cmds[] = {
	{ "add",    do_allow_add,  "PREFIX...", "add prefixes to the allowlist" },
	{ "del",    do_allow_del,  "PREFIX...", "remove prefixes from the allowlist" },
	{ "delete", do_allow_del,  NULL, NULL },
	{ "list",   do_allow_list, "[--json]",  "show the allowlist" },
	{ "help",   do_allow_help, NULL, NULL },
	{ 0 }
};

static int do_allow_help(int argc, char **argv)
{
	printf("Usage:\n");
	sg_print_cmds(stdout, allow_cmds, "sipguard allow ");
	return SG_EXIT_OK;
}

int do_allow(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("allow", "allow needs a command");
	return sg_dispatch(allow_cmds, "sipguard allow", argc - 1, argv + 1);
}
