// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard users add|del|list`: the Request-URI users the phones answer
 * to; under the inspect policy an unknown INVITE to another user is
 * dropped.  Needs the layer-7 checks (Linux 5.18).
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "env.h"
#include "main.h"
#include "names.h"
#include "pins.h"
#include "rules.h"


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
	int err = sg_map_dump(fd, sizeof(**out), sizeof((*out)->key),
			      offsetof(struct user_entry, origin),
			      sizeof((*out)->origin), (void **)out, n);

	if (!err && *n)
		qsort(*out, *n, sizeof(**out), cmp_user);
	return err;
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

static int do_users_add(int argc, char **argv)
{
	return sg_run_sub("users", argc, argv, users_add);
}

static int do_users_del(int argc, char **argv)
{
	return sg_run_sub("users", argc, argv, users_del);
}

static int do_users_list(int argc, char **argv)
{
	return sg_run_sub("users", argc, argv, users_list);
}

static const struct sg_cmd users_cmds[] = {
	{ "add",    do_users_add,  "USER...",
	  "Request-URI users the phones answer to (inspect policy)" },
	{ "del",    do_users_del,  "USER...", "remove users" },
	{ "delete", do_users_del,  NULL, NULL },
	{ "list",   do_users_list, "[--json]", "show the users" },
	{ 0 }
};

int do_users(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("users", "users needs a command: add, del or list");
	return sg_dispatch(users_cmds, "sipguard users", argc - 1, argv + 1);
}
