// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard bans list|flush`: the sources banned for a blocked
 * User-Agent, with the time left, and lifting every ban.
 */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "cli.h"
#include "env.h"
#include "main.h"
#include "names.h"
#include "pins.h"


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
		why = sg_reason_name(b.reason) ? sg_reason_name(b.reason) : "unknown";
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

static int do_bans_list(int argc, char **argv)
{
	return sg_run_sub("bans", argc, argv, bans_list);
}

static int do_bans_flush(int argc, char **argv)
{
	return sg_run_sub("bans", argc, argv, bans_flush);
}

static const struct sg_cmd bans_cmds[] = {
	{ "list",  do_bans_list,  "[--json]", "show banned sources and the time left" },
	{ "flush", do_bans_flush, "", "lift every ban" },
	{ 0 }
};

int do_bans(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("bans", "bans needs a command: list or flush");
	return sg_dispatch(bans_cmds, "sipguard bans", argc - 1, argv + 1);
}
