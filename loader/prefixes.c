// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The two prefix lists, LPM tries of source prefixes:
 *   `sipguard allow add|del|list`: the allowlist, whose sources always pass;
 *   `sipguard deny add|del|import|list`: the deny list, whose SIP requests
 *   are dropped (after the allowlist and established flows).
 * IPv4 is kept as ::ffff:a.b.c.d with prefix length 96 + N and printed back
 * as a.b.c.d/N.  This file is the one implementation that serves both
 * (allow.c and deny.c hold the verbs): a struct sg_prefix_list describes a
 * list, including what depends on it (the allowlist's bitmap filter, the
 * deny list's flag in the settings), through its prepare and settle hooks.
 *
 * Every change validates all its arguments before it touches the map, and
 * a failed `add` takes back what it already did: all or nothing.  Entries
 * remember their origin (cli, config, import); the config file and `deny
 * import` each replace only their own entries, new ones first, so a kept
 * entry is never missing for a moment.  A list may have an heir (the
 * allowlist: its host names' addresses, origin dns): an entry of another
 * origin whose key the heir wants is handed to it when it goes, instead
 * of deleted, and an entry of the heir becomes the entry of the origin
 * that adds or syncs its key.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "cli.h"
#include "env.h"
#include "names.h"
#include "pins.h"
#include "prefixes.h"

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

int sg_prefix_dump(int fd, struct sg_prefix_entry **out, size_t *n)
{
	int err = sg_map_dump(fd, sizeof(**out), sizeof((*out)->key),
			      offsetof(struct sg_prefix_entry, val),
			      sizeof((*out)->val), (void **)out, n);

	if (!err && *n)
		qsort(*out, *n, sizeof(**out), cmp_entry);
	return err;
}

static struct sg_prefix_entry *prefix_find(struct sg_prefix_entry *v, size_t n,
				      const struct sg_lpm_key *k)
{
	return bsearch(k, v, n, sizeof(*v), cmp_entry);
}

/* The keys the list's heir wants, sorted as the dumps are; 0 or -1. */
static int heirs_get(const struct sg_prefix_list *l, const struct sg_maps *m,
		     __u32 origin, struct sg_lpm_key **keys, size_t *n)
{
	*keys = NULL;
	*n = 0;
	if (!l->heirs || origin == l->heir)
		return 0;
	if (l->heirs(m, keys, n))
		return -1;
	if (*n)
		qsort(*keys, *n, sizeof(**keys), cmp_entry);
	return 0;
}

static bool heir_wants(const struct sg_lpm_key *heirs, size_t n,
		       const struct sg_lpm_key *k)
{
	return n && bsearch(k, heirs, n, sizeof(*heirs), cmp_entry);
}

/* Delete K, or hand it to the heir when it wants it.  0 or -errno. */
static int prefix_remove(const struct sg_prefix_list *l, int fd,
			 const struct sg_lpm_key *k, const struct sg_lpm_key *heirs,
			 size_t nheirs)
{
	struct sg_allow_val val = { .origin = l->heir };

	if (heir_wants(heirs, nheirs, k))
		return bpf_map_update_elem(fd, k, &val, BPF_EXIST) ? -errno : 0;
	if (bpf_map_delete_elem(fd, k) && errno != ENOENT)
		return -errno;
	return 0;
}

static bool map_full(int err)
{
	return abs(err) == E2BIG || abs(err) == ENOSPC || abs(err) == ENOMEM;
}

int sg_prefix_error(const struct sg_prefix_list *l, int err, const char *what)
{
	if (map_full(err) && l->max)
		sg_err("%s is full (%d entries): remove prefixes with 'sipguard %s del' or use wider ones",
		       l->title, l->max, l->verb);
	else if (map_full(err))
		sg_err("%s is full: remove prefixes with 'sipguard %s del', use wider ones, or raise its max-entries in the config file (at the first attach)",
		       l->title, l->verb);
	else
		sg_err_errno(err, what, "check 'sipguard status'");
	return -1;
}

/*
 * Write KEYS with origin ORIGIN (entries already there become ORIGIN's: a
 * prefix added by hand stays when the config file drops it).  On a
 * failure the entries written so far are put back the way they were: all
 * or nothing.
 */
static int prefix_put(const struct sg_prefix_list *l, int fd,
		      const struct sg_lpm_key *keys, size_t n, __u32 origin)
{
	struct sg_prefix_entry *old = NULL, *e;
	struct sg_allow_val val = { .origin = origin };
	size_t nold = 0, i, j;
	int err;

	err = sg_prefix_dump(fd, &old, &nold);
	if (err)
		return sg_prefix_error(l, err, "cannot read the list");
	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, &keys[i], &val, BPF_ANY)) {
			err = -errno;
			for (j = 0; j < i; j++) {
				e = prefix_find(old, nold, &keys[j]);
				if (e)
					bpf_map_update_elem(fd, &keys[j], &e->val, BPF_ANY);
				else
					bpf_map_delete_elem(fd, &keys[j]);
			}
			free(old);
			return sg_prefix_error(l, err, "cannot add to the list");
		}
	}
	free(old);
	return 0;
}

/* Delete the entries of ORIGIN in CUR that WANT (sorted) does not have
 * (those the heir wants are handed to it). */
static int prefix_drop_stale(const struct sg_prefix_list *l, int fd,
			     const struct sg_prefix_entry *cur, size_t ncur,
			     const struct sg_lpm_key *want, size_t n, __u32 origin,
			     const struct sg_lpm_key *heirs, size_t nheirs)
{
	size_t i;
	int err;

	for (i = 0; i < ncur; i++) {
		if (cur[i].val.origin != origin)
			continue;
		if (n && bsearch(&cur[i].key, want, n, sizeof(*want), cmp_entry))
			continue;
		err = prefix_remove(l, fd, &cur[i].key, heirs, nheirs);
		if (err) {
			sg_err_errno(err, "cannot remove an old prefix",
				     "check the list");
			return -1;
		}
	}
	return 0;
}

/*
 * Make the entries of ORIGIN equal KEYS; other origins stay.  New entries
 * go in first and the ones that are gone come out last, so a prefix in
 * both lists is never missing and a source covered by an old wide prefix
 * and a new narrow one stays covered.  Only when the map fills up on the
 * way (a large list replaced by another) are the old ones taken out
 * first, to make room.
 */
static int prefix_sync(const struct sg_prefix_list *l, const struct sg_maps *m,
		       int fd, const struct sg_lpm_key *keys, size_t n, __u32 origin)
{
	struct sg_allow_val val = { .origin = origin };
	struct sg_lpm_key *want = NULL, *heirs = NULL;
	struct sg_prefix_entry *cur = NULL, *e;
	bool stale_gone = false;
	size_t ncur = 0, nheirs = 0, i;
	int err, ret = -1;

	if (heirs_get(l, m, origin, &heirs, &nheirs))
		return -1;
	err = sg_prefix_dump(fd, &cur, &ncur);
	if (err) {
		free(heirs);
		return sg_prefix_error(l, err, "cannot read the list");
	}
	if (n) {
		want = malloc(n * sizeof(*want));
		if (!want) {
			sg_prefix_error(l, -ENOMEM, "cannot apply the list");
			goto out;
		}
		memcpy(want, keys, n * sizeof(*want));
		qsort(want, n, sizeof(*want), cmp_entry);
	}
	for (i = 0; i < n; i++) {
		e = prefix_find(cur, ncur, &keys[i]);
		if (e && e->val.origin == l->heir && origin != l->heir && l->heirs) {
			/* the heir's entry becomes ours: its key stays */
			if (bpf_map_update_elem(fd, &keys[i], &val, BPF_EXIST) &&
			    errno != ENOENT) {
				sg_prefix_error(l, -errno, "cannot add to the list");
				goto out;
			}
			continue;
		}
		if (e)
			continue;	/* there already, with this or another origin */
		if (!bpf_map_update_elem(fd, &keys[i], &val, BPF_ANY))
			continue;
		err = -errno;
		if (map_full(err) && !stale_gone) {
			if (prefix_drop_stale(l, fd, cur, ncur, want, n, origin,
					      heirs, nheirs))
				goto out;
			stale_gone = true;
			if (!bpf_map_update_elem(fd, &keys[i], &val, BPF_ANY))
				continue;
			err = -errno;
		}
		sg_prefix_error(l, err, "cannot add to the list");
		goto out;
	}
	if (!stale_gone && prefix_drop_stale(l, fd, cur, ncur, want, n, origin,
					     heirs, nheirs))
		goto out;
	ret = 0;
out:
	free(cur);
	free(want);
	free(heirs);
	return ret;
}

int sg_prefix_sync(const struct sg_prefix_list *l, const struct sg_maps *m,
		   const struct sg_lpm_key *keys, size_t n, __u32 origin)
{
	if (l->prepare && l->prepare(m, keys, n))
		return -1;
	if (prefix_sync(l, m, l->fd(m), keys, n, origin))
		return -1;
	return l->settle ? l->settle(m) : 0;
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

int sg_prefix_add(const struct sg_prefix_list *l, int argc, char **argv)
{
	struct sg_lpm_key *keys;
	struct sg_maps m;
	int ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage(l->verb, "%s add needs at least one prefix", l->verb);
	keys = calloc(argc, sizeof(*keys));
	if (!keys)
		return SG_EXIT_FAIL;
	if (parse_prefixes(argc, argv, keys))
		goto out;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	/* what depends on the list learns of the new prefixes first */
	if (l->prepare && l->prepare(&m, keys, argc))
		goto close;
	if (!prefix_put(l, l->fd(&m), keys, argc, SG_ORIGIN_CLI))
		ret = SG_EXIT_OK;
	/* and is brought up to date after them, whatever became of them */
	if (l->settle && l->settle(&m))
		ret = SG_EXIT_FAIL;
close:
	sg_maps_close(&m);
out:
	free(keys);
	return ret;
}

int sg_prefix_del(const struct sg_prefix_list *l, int argc, char **argv)
{
	struct sg_prefix_entry *cur = NULL;
	struct sg_lpm_key *keys, *heirs = NULL;
	size_t ncur = 0, nheirs = 0;
	struct sg_maps m;
	int i, err, fd, ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage(l->verb, "%s del needs at least one prefix", l->verb);
	keys = calloc(argc, sizeof(*keys));
	if (!keys)
		return SG_EXIT_FAIL;
	if (parse_prefixes(argc, argv, keys))
		goto out;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	fd = l->fd(&m);
	err = sg_prefix_dump(fd, &cur, &ncur);
	if (err) {
		sg_prefix_error(l, err, "cannot read the list");
		goto close;
	}
	for (i = 0; i < argc; i++) {
		if (!prefix_find(cur, ncur, &keys[i])) {
			char buf[64];

			sg_format_prefix(&keys[i], buf, sizeof(buf));
			sg_err("%s is not in %s: see 'sipguard %s list'",
			       buf, l->title, l->verb);
			goto close;
		}
	}
	if (heirs_get(l, &m, SG_ORIGIN_CLI, &heirs, &nheirs))
		goto close;
	for (i = 0; i < argc; i++) {
		err = prefix_remove(l, fd, &keys[i], heirs, nheirs);
		if (err) {
			sg_err_errno(err, "cannot delete from the list",
				     "check 'sipguard status'");
			goto close;
		}
	}
	/* what depends on the list forgets the removed ones after them */
	if (l->settle && l->settle(&m))
		goto close;
	ret = SG_EXIT_OK;
close:
	free(cur);
	free(heirs);
	sg_maps_close(&m);
out:
	free(keys);
	return ret;
}

int sg_prefix_read(const struct sg_prefix_list *l, struct sg_prefix_entry **out,
		   size_t *n)
{
	struct sg_maps m;
	int err;

	*out = NULL;
	*n = 0;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	err = sg_prefix_dump(l->fd(&m), out, n);
	sg_maps_close(&m);
	if (err) {
		sg_prefix_error(l, err, "cannot read the list");
		return SG_EXIT_FAIL;
	}
	return SG_EXIT_OK;
}

void sg_prefix_print(const struct sg_prefix_entry *v, size_t n,
		     const struct sg_prefix_column *col)
{
	char buf[64], extra[1024] = "";
	json_object *arr, *o, *more;
	bool any = false;
	size_t i;

	if (sg_env.json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++) {
			sg_format_prefix(&v[i].key, buf, sizeof(buf));
			o = json_object_new_object();
			json_object_object_add(o, "prefix", json_object_new_string(buf));
			json_object_object_add(o, "origin",
					       json_object_new_string(sg_origin_name(v[i].val.origin)));
			if (col) {
				more = json_object_new_array();
				col->fill(col, &v[i].key, more, NULL, 0);
				json_object_object_add(o, col->key, more);
			}
			json_object_array_add(arr, o);
		}
		sg_json_print(arr);
		return;
	}
	for (i = 0; col && i < n && !any; i++) {
		col->fill(col, &v[i].key, NULL, extra, sizeof(extra));
		any = extra[0];
	}
	if (any)
		printf("%-44s %-7s %s\n", "PREFIX", "ORIGIN", col->title);
	else
		printf("%-44s %s\n", "PREFIX", "ORIGIN");
	for (i = 0; i < n; i++) {
		sg_format_prefix(&v[i].key, buf, sizeof(buf));
		if (any)
			col->fill(col, &v[i].key, NULL, extra, sizeof(extra));
		if (extra[0])
			printf("%-44s %-7s %s\n", buf, sg_origin_name(v[i].val.origin), extra);
		else
			printf("%-44s %s\n", buf, sg_origin_name(v[i].val.origin));
	}
}

int sg_prefix_show(const struct sg_prefix_list *l, int argc, char **argv)
{
	struct sg_prefix_entry *v;
	size_t n;

	if (argc > 0)
		return sg_usage(l->verb, "unexpected argument '%s'", argv[0]);
	if (sg_prefix_read(l, &v, &n))
		return SG_EXIT_FAIL;
	sg_prefix_print(v, n, NULL);
	free(v);
	return SG_EXIT_OK;
}

/*
 * Read a deny-list file: one address or prefix a line, '#' starts a
 * comment, blank lines are fine.  Every line is checked before anything
 * changes; the first bad one is reported with its line number.
 */
int sg_read_prefix_file(const char *path, struct sg_lpm_key **out, size_t *n)
{
	struct sg_lpm_key *v = NULL, *nv;
	size_t cap = 0, cnt = 0, line = 0;
	char buf[256], err[SG_ERRBUF], *s, *e;
	FILE *f = fopen(path, "r");

	if (!f) {
		sg_err("cannot read %s: %s: check the path and permissions", path,
		       strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			sg_err("%s:%zu: line too long", path, line);
			goto fail;
		}
		s = strchr(buf, '#');
		if (s)
			*s = '\0';
		for (s = buf; *s == ' ' || *s == '\t'; s++)
			;
		for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t' ||
						 e[-1] == '\n' || e[-1] == '\r'); e--)
			;
		*e = '\0';
		if (!*s)
			continue;
		if (cnt >= SG_DENY_MAX) {
			sg_err("%s:%zu: more than %d prefixes: the deny list holds no more",
			       path, line, SG_DENY_MAX);
			goto fail;
		}
		if (cnt == cap) {
			cap = cap ? 2 * cap : 1024;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				sg_err("%s: out of memory", path);
				goto fail;
			}
			v = nv;
		}
		if (sg_parse_prefix(s, &v[cnt], err, sizeof(err))) {
			sg_err("%s:%zu: %s", path, line, err);
			goto fail;
		}
		cnt++;
	}
	if (ferror(f)) {
		sg_err("cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	*out = v;
	*n = cnt;
	return 0;
fail:
	fclose(f);
	free(v);
	return -1;
}

/* Sub-verbs get argv with the sub-verb at [0]; options are parsed here. */
int sg_prefix_run(const struct sg_prefix_list *l, int argc, char **argv,
		   int (*fn)(const struct sg_prefix_list *, int, char **))
{
	int first = sg_getopt(argc, argv, l->verb, NULL, NULL, NULL, NULL);

	if (first < 0)
		return SG_EXIT_USAGE;
	return fn(l, argc - first, argv + first);
}
