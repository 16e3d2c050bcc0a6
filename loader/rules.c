// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The layer-7 lists besides the deny list (prefixes.c):
 *   `sipguard ua add|del|list`     User-Agent blocklist (substrings, any case)
 *   `sipguard users add|del|list`  Request-URI users the phones answer to
 *   `sipguard bans list|flush`     sources banned for a blocked User-Agent
 *
 * The User-Agent set is one value of a two-entry array: a change writes
 * the idle entry and then flips ua_slot in the config, so the program
 * never reads half a list.  The header checks need sipguard_l7 (Linux
 * 5.18); on an older kernel the verbs that would add a rule that never
 * matches say so and change nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "common.h"
#include "uaset.h"

#define SG_REASON_NAME(id, name, drops) name,
static const char *const reason_names[] = { SG_REASONS(SG_REASON_NAME) };
#undef SG_REASON_NAME

bool sg_l7_supported(void)
{
	const char *off = getenv("SIPGUARD_NO_L7");

	if (off && *off && strcmp(off, "0"))
		return false;
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_loop, NULL) > 0 &&
	       libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_load_bytes,
				       NULL) > 0;
}

int sg_need_l7(const char *what)
{
	if (sg_l7_supported())
		return 0;
	sg_err("%s needs the layer-7 checks, which need Linux 5.18 or later (bpf_loop, bpf_xdp_load_bytes): this kernel lacks them, so the rule would never match; nothing changed",
	       what);
	return -1;
}

/* ---- User-Agent blocklist ---- */

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

/* ---- Request-URI users ---- */

/* RFC 3261 user: unreserved, user-unreserved and %HH escapes. */
int sg_parse_user(const char *s, struct sg_user_key *k, char *err, size_t elen)
{
	size_t n = strlen(s), i;

	memset(k, 0, sizeof(*k));
	if (!n || n > SG_USER_MAX) {
		snprintf(err, elen, "invalid user '%s': 1 to %d characters", s,
			 SG_USER_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (isalnum(c) || strchr("-_.!~*'()&=+$,;?/", c))
			continue;
		if (c == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			i += 2;
			continue;
		}
		snprintf(err, elen,
			 "invalid user '%s': a SIP user is letters, digits and -_.!~*'()&=+$,;?/ or %%HH; give the part before the @",
			 s);
		return -1;
	}
	memcpy(k->user, s, n);
	return 0;
}

struct user_entry {
	struct sg_user_key key;
	__u32 origin;
};

static int cmp_user(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct sg_user_key));
}

static int users_dump(int fd, struct user_entry **out, size_t *n)
{
	struct sg_user_key key, next;
	struct user_entry *v = NULL, *nv;
	size_t cap = 0, cnt = 0;
	void *prev = NULL;
	int err;

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
		if (bpf_map_lookup_elem(fd, &next, &v[cnt].origin))
			v[cnt].origin = 0;
		cnt++;
		key = next;
		prev = &key;
	}
	if (errno != ENOENT) {
		err = -errno;
		free(v);
		return err;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_user);
	*out = v;
	*n = cnt;
	return 0;
}

/* The program checks the Request-URI user only while users are set. */
static int users_update_flag(const struct sg_maps *m)
{
	return sg_config_flag_if_any(m, m->users, sizeof(struct sg_user_key),
				     SG_CFG_USERS);
}

static int users_put(const struct sg_maps *m, const struct sg_user_key *keys,
		     size_t n, __u32 origin, bool keep_others)
{
	__u32 cur;
	size_t i;

	for (i = 0; i < n; i++) {
		if (keep_others && !bpf_map_lookup_elem(m->users, &keys[i], &cur) &&
		    cur != origin)
			continue;
		if (bpf_map_update_elem(m->users, &keys[i], &origin, BPF_ANY)) {
			if (errno == E2BIG || errno == ENOSPC || errno == ENOMEM)
				sg_err("the user list is full (%d users): remove some with 'sipguard users del'",
				       SG_USERS_MAX);
			else
				sg_err_errno(errno, "cannot add a user", "check 'sipguard status'");
			return -1;
		}
	}
	return 0;
}

int sg_users_sync_config(const struct sg_maps *m, const struct sg_user_key *keys,
			 size_t n)
{
	struct user_entry *cur = NULL;
	size_t ncur = 0, i, j;
	int err;

	if (users_put(m, keys, n, SG_ORIGIN_CONFIG, true))
		return -1;
	err = users_dump(m->users, &cur, &ncur);
	if (err) {
		sg_err_errno(err, "cannot read the user list", "check 'sipguard status'");
		return -1;
	}
	for (i = 0; i < ncur; i++) {
		if (cur[i].origin != SG_ORIGIN_CONFIG)
			continue;
		for (j = 0; j < n; j++)
			if (!memcmp(&keys[j], &cur[i].key, sizeof(keys[j])))
				break;
		if (j == n)
			bpf_map_delete_elem(m->users, &cur[i].key);
	}
	free(cur);
	return users_update_flag(m);
}

static int parse_users(int argc, char **argv, struct sg_user_key *keys)
{
	char err[SG_ERRBUF];
	int i;

	for (i = 0; i < argc; i++) {
		if (sg_parse_user(argv[i], &keys[i], err, sizeof(err))) {
			sg_err("%s", err);
			return -1;
		}
	}
	return 0;
}

static int users_add(int argc, char **argv)
{
	struct sg_user_key *keys;
	struct sg_maps m;
	int ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage("users", "users add needs at least one user");
	keys = calloc(argc, sizeof(*keys));
	if (!keys)
		return SG_EXIT_FAIL;
	if (parse_users(argc, argv, keys))
		goto out;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	if (!sg_need_l7("users add") &&
	    !users_put(&m, keys, argc, SG_ORIGIN_CLI, false) &&
	    !users_update_flag(&m))
		ret = SG_EXIT_OK;
	sg_maps_close(&m);
out:
	free(keys);
	return ret;
}

static int users_del(int argc, char **argv)
{
	struct sg_user_key *keys;
	struct sg_maps m;
	__u32 origin;
	int i, ret = SG_EXIT_FAIL;

	if (argc < 1)
		return sg_usage("users", "users del needs at least one user");
	keys = calloc(argc, sizeof(*keys));
	if (!keys)
		return SG_EXIT_FAIL;
	if (parse_users(argc, argv, keys))
		goto out;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	for (i = 0; i < argc; i++) {
		if (bpf_map_lookup_elem(m.users, &keys[i], &origin)) {
			sg_err("user '%s' is not in the list: see 'sipguard users list'",
			       argv[i]);
			goto close;
		}
	}
	for (i = 0; i < argc; i++)
		bpf_map_delete_elem(m.users, &keys[i]);
	if (!users_update_flag(&m))
		ret = SG_EXIT_OK;
close:
	sg_maps_close(&m);
out:
	free(keys);
	return ret;
}

static int users_list(int argc, char **argv)
{
	struct user_entry *v = NULL;
	char name[SG_USER_MAX + 1];
	json_object *arr, *o;
	struct sg_maps m;
	size_t n = 0, i;
	int err;

	if (argc > 0)
		return sg_usage("users", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	err = users_dump(m.users, &v, &n);
	sg_maps_close(&m);
	if (err) {
		sg_err_errno(err, "cannot read the user list", "check 'sipguard status'");
		return SG_EXIT_FAIL;
	}
	arr = json_object_new_array();
	if (!sg_env.json)
		printf("%-32s %s\n", "USER", "ORIGIN");
	for (i = 0; i < n; i++) {
		memcpy(name, v[i].key.user, SG_USER_MAX);
		name[SG_USER_MAX] = '\0';
		if (!sg_env.json) {
			printf("%-32s %s\n", name, sg_origin_name(v[i].origin));
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "user", json_object_new_string(name));
		json_object_object_add(o, "origin",
				       json_object_new_string(sg_origin_name(v[i].origin)));
		json_object_array_add(arr, o);
	}
	if (sg_env.json)
		sg_json_print(arr);
	json_object_put(arr);
	free(v);
	return SG_EXIT_OK;
}

/* ---- bans ---- */

static int bans_list(int argc, char **argv)
{
	struct sg_addr key, next;
	struct sg_ban_val b;
	json_object *arr, *o;
	struct sg_maps m;
	void *prev = NULL;
	char addr[64];
	__u64 now = sg_now_mono_ns(), left;
	const char *why;

	if (argc > 0)
		return sg_usage("bans", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	arr = json_object_new_array();
	if (!sg_env.json)
		printf("%-40s %-20s %s\n", "SOURCE", "REASON", "SECONDS_LEFT");
	while (!bpf_map_get_next_key(m.bans, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m.bans, &key, &b) || b.expires_ns <= now)
			continue;
		left = (b.expires_ns - now + 999999999ULL) / 1000000000ULL;
		sg_format_addr(&key, addr, sizeof(addr));
		why = b.reason < SG_REASON_MAX ? reason_names[b.reason] : "unknown";
		if (!sg_env.json) {
			printf("%-40s %-20s %llu\n", addr, why, (unsigned long long)left);
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "source", json_object_new_string(addr));
		json_object_object_add(o, "reason", json_object_new_string(why));
		json_object_object_add(o, "seconds_left", json_object_new_int64(left));
		json_object_array_add(arr, o);
	}
	sg_maps_close(&m);
	if (sg_env.json)
		sg_json_print(arr);
	json_object_put(arr);
	return SG_EXIT_OK;
}

static int bans_flush(int argc, char **argv)
{
	struct sg_addr key;
	struct sg_maps m;
	long n = 0;

	if (argc > 0)
		return sg_usage("bans", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	while (!bpf_map_get_next_key(m.bans, NULL, &key)) {
		if (bpf_map_delete_elem(m.bans, &key) && errno != ENOENT) {
			sg_err_errno(errno, "cannot remove a ban", "check 'sipguard status'");
			sg_maps_close(&m);
			return SG_EXIT_FAIL;
		}
		n++;
	}
	sg_maps_close(&m);
	printf("%ld ban%s removed\n", n, n == 1 ? "" : "s");
	return SG_EXIT_OK;
}

/* ---- dispatch ---- */

#define SUB(fn, verb)							\
	static int do_##fn(int argc, char **argv)			\
	{								\
		int first = sg_getopt(argc, argv, verb, NULL, NULL, NULL, NULL); \
									\
		if (first < 0)						\
			return SG_EXIT_USAGE;				\
		return fn(argc - first, argv + first);			\
	}

SUB(ua_add, "ua")
SUB(ua_del, "ua")
SUB(ua_list, "ua")
SUB(users_add, "users")
SUB(users_del, "users")
SUB(users_list, "users")
SUB(bans_list, "bans")
SUB(bans_flush, "bans")


static const struct sg_cmd ua_cmds[] = {
	{ "add",    do_ua_add,  "PATTERN...",
	  "block User-Agents that contain PATTERN (any case)" },
	{ "del",    do_ua_del,  "PATTERN...", "remove patterns" },
	{ "delete", do_ua_del,  NULL, NULL },
	{ "list",   do_ua_list, "[--json]", "show the User-Agent blocklist" },
	{ 0 }
};

static const struct sg_cmd users_cmds[] = {
	{ "add",    do_users_add,  "USER...",
	  "Request-URI users the phones answer to (inspect policy)" },
	{ "del",    do_users_del,  "USER...", "remove users" },
	{ "delete", do_users_del,  NULL, NULL },
	{ "list",   do_users_list, "[--json]", "show the users" },
	{ 0 }
};

static const struct sg_cmd bans_cmds[] = {
	{ "list",  do_bans_list,  "[--json]", "show banned sources and the time left" },
	{ "flush", do_bans_flush, "", "lift every ban" },
	{ 0 }
};

int do_ua(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("ua", "ua needs a command: add, del or list");
	return sg_dispatch(ua_cmds, "sipguard ua", argc - 1, argv + 1);
}

int do_users(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("users", "users needs a command: add, del or list");
	return sg_dispatch(users_cmds, "sipguard users", argc - 1, argv + 1);
}

int do_bans(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("bans", "bans needs a command: list or flush");
	return sg_dispatch(bans_cmds, "sipguard bans", argc - 1, argv + 1);
}
