// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard flows add|del|flush|save|restore`, and the hand-made flows of
 * the config file.  (`flows list` is flowlist.c, the state file
 * flowstate.c.)
 *
 * Two tables: learned flows live in the set-associative sg_flows (the
 * programs write it; lib/flowtab.c reads and ends its flows), hand-made
 * ones in the hash sg_flows_static.  A hand-made flow {remote addr,
 * remote port, local port} lives under its exact key and under a
 * wildcard copy with remote port 0 (SG_FLOW_SHADOW), which is what the
 * XDP program looks up unless match-remote-port is on; one without a
 * port exists only under the wildcard key (SG_FLOW_ANY_PORT).  This file
 * keeps that invariant: after any change, the wildcard entry of an
 * {addr, local port} pair exists exactly when some flow of the pair
 * does.  It also keeps SG_CFG_STATIC, which tells the XDP program to ask
 * sg_flows_static at all, set exactly while the map has entries.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "cli.h"
#include "env.h"
#include "../lib/flowtab.h"
#include "flows.h"
#include "main.h"
#include "pins.h"

static bool same_pair(const struct sg_flow_key *x, const struct sg_flow_key *y)
{
	return !memcmp(&x->addr, &y->addr, sizeof(x->addr)) &&
	       x->local_port == y->local_port;
}

static struct sg_flow_key wild_of(const struct sg_flow_key *k)
{
	struct sg_flow_key w = *k;

	w.remote_port = 0;
	return w;
}

static int table_error(int err, const char *what)
{
	sg_err_errno(err, what, "check 'sipguard status'");
	return -1;
}

int sg_flows_static_flag(const struct sg_maps *m)
{
	return sg_config_flag_if_any(m, m->flows_static,
				     sizeof(struct sg_flow_key), SG_CFG_STATIC);
}

/*
 * Bring the wildcard entries of the given {addr, local port} pairs in
 * line with the exact static flows that exist now.
 */
static int shadows_refresh(int fd, const struct sg_flow_key *pairs, size_t n)
{
	struct sg_static_entry *v = NULL;
	struct sg_flow_static w, nv;
	struct sg_flow_key wk;
	size_t nv_cnt = 0, i, j;
	bool have_w, any;
	int err;

	if (!n)
		return 0;
	err = sg_flows_static_dump(fd, &v, &nv_cnt);
	if (err)
		return table_error(err, "cannot read the static flows");
	for (i = 0; i < n && !err; i++) {
		wk = wild_of(&pairs[i]);
		have_w = !bpf_map_lookup_elem(fd, &wk, &w);
		if (have_w && (w.flags & SG_FLOW_ANY_PORT))
			continue;	/* a port-less flow covers the pair */
		nv.flags = SG_FLOW_STATIC | SG_FLOW_SHADOW;
		nv.origin = 0;
		any = false;
		for (j = 0; j < nv_cnt; j++) {
			if (!v[j].key.remote_port || !same_pair(&v[j].key, &wk))
				continue;
			if (!any || v[j].val.origin == SG_ORIGIN_CLI)
				nv.origin = v[j].val.origin;
			any = true;
		}
		if (!any) {
			if (have_w && bpf_map_delete_elem(fd, &wk) && errno != ENOENT)
				err = -errno;
			continue;
		}
		if (have_w && w.flags == nv.flags && w.origin == nv.origin)
			continue;
		if (bpf_map_update_elem(fd, &wk, &nv, BPF_ANY))
			err = -errno;
	}
	free(v);
	if (err)
		return table_error(err, "cannot update the static flows");
	return 0;
}

/*
 * Store a hand-made flow.  With KEEP_CLI an existing CLI flow under the
 * same key is left alone (the config never takes over what a user added).
 */
static int static_put(int fd, const struct sg_flow_key *k, __u32 origin,
		      bool keep_cli)
{
	struct sg_flow_static cur, val = { .origin = origin };
	struct sg_flow_key wk = wild_of(k);
	bool have;

	have = !bpf_map_lookup_elem(fd, k, &cur);
	if (have && keep_cli && cur.origin == SG_ORIGIN_CLI &&
	    (k->remote_port || (cur.flags & SG_FLOW_ANY_PORT)))
		return 0;
	if (!k->remote_port) {
		val.flags = SG_FLOW_STATIC | SG_FLOW_ANY_PORT;
		if (bpf_map_update_elem(fd, k, &val, BPF_ANY))
			return table_error(-errno, "cannot add the flow");
		return 0;
	}
	val.flags = SG_FLOW_STATIC;
	if (bpf_map_update_elem(fd, k, &val, BPF_ANY))
		return table_error(-errno, "cannot add the flow");
	if (!bpf_map_lookup_elem(fd, &wk, &cur) &&
	    (cur.flags & SG_FLOW_ANY_PORT))
		return 0;
	val.flags = SG_FLOW_STATIC | SG_FLOW_SHADOW;
	if (bpf_map_update_elem(fd, &wk, &val, BPF_ANY)) {
		int err = -errno;

		bpf_map_delete_elem(fd, k);
		return table_error(err, "cannot add the flow");
	}
	return 0;
}

static bool key_in(const struct sg_flow_key *keys, size_t n,
		   const struct sg_flow_key *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_pair(&keys[i], k) && keys[i].remote_port == k->remote_port)
			return true;
	return false;
}

int sg_flows_sync_config(const struct sg_maps *m, const struct sg_flow_key *keys,
			 size_t n)
{
	struct sg_static_entry *cur = NULL;
	struct sg_flow_key *gone = NULL;
	size_t ncur = 0, ngone = 0, i;
	int fd = m->flows_static, err, ret = -1;

	for (i = 0; i < n; i++)
		if (static_put(fd, &keys[i], SG_ORIGIN_CONFIG, true))
			goto out;
	err = sg_flows_static_dump(fd, &cur, &ncur);
	if (err) {
		table_error(err, "cannot read the static flows");
		goto out;
	}
	gone = calloc(ncur ? ncur : 1, sizeof(*gone));
	if (!gone)
		goto out;
	for (i = 0; i < ncur; i++) {
		if ((cur[i].val.flags & SG_FLOW_SHADOW) ||
		    cur[i].val.origin != SG_ORIGIN_CONFIG ||
		    key_in(keys, n, &cur[i].key))
			continue;
		if (bpf_map_delete_elem(fd, &cur[i].key) && errno != ENOENT) {
			table_error(-errno, "cannot remove an old config flow");
			goto out;
		}
		gone[ngone++] = cur[i].key;
	}
	ret = shadows_refresh(fd, gone, ngone);
out:
	if (sg_flows_static_flag(m))
		ret = -1;
	free(gone);
	free(cur);
	return ret;
}

/* REMOTE[:PORT] LOCAL_PORT from the command line. */
static int parse_flow_args(const char *verb, int argc, char **argv,
			   struct sg_flow_key *k)
{
	char err[SG_ERRBUF];

	if (argc < 2)
		return sg_usage("flows", "flows %s needs REMOTE_ADDR[:PORT] and LOCAL_PORT",
				verb);
	if (argc > 2)
		return sg_usage("flows", "unexpected argument '%s'", argv[2]);
	memset(k, 0, sizeof(*k));
	if (sg_parse_remote(argv[0], &k->addr, &k->remote_port, err, sizeof(err)) ||
	    sg_parse_port(argv[1], &k->local_port, "local port", err, sizeof(err))) {
		sg_err("%s", err);
		return SG_EXIT_FAIL;
	}
	return SG_EXIT_OK;
}

static void format_flow(const struct sg_flow_key *k, char *buf, size_t len)
{
	char a[64];

	sg_format_addr(&k->addr, a, sizeof(a));
	if (!k->remote_port)
		snprintf(buf, len, "%s (any port) -> local port %u", a,
			 k->local_port);
	else if (sg_addr_is_v4(&k->addr))
		snprintf(buf, len, "%s:%u -> local port %u", a, k->remote_port,
			 k->local_port);
	else
		snprintf(buf, len, "[%s]:%u -> local port %u", a,
			 k->remote_port, k->local_port);
}

static int flows_add(int argc, char **argv)
{
	struct sg_flow_key k;
	struct sg_maps m;
	int ret;

	ret = parse_flow_args("add", argc, argv, &k);
	if (ret)
		return ret;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	ret = static_put(m.flows_static, &k, SG_ORIGIN_CLI, false) ?
		SG_EXIT_FAIL : SG_EXIT_OK;
	if (sg_flows_static_flag(&m))
		ret = SG_EXIT_FAIL;
	sg_maps_close(&m);
	return ret;
}

/*
 * Remove the hand-made flow K (K without a port: the port-less one).
 * 1 when there was one, 0 when not, -1 after an error.
 */
static int static_del(const struct sg_maps *m, const struct sg_flow_key *k)
{
	struct sg_flow_static v;
	int fd = m->flows_static;

	if (bpf_map_lookup_elem(fd, k, &v) ||
	    (k->remote_port ? (v.flags & SG_FLOW_SHADOW) :
			      !(v.flags & SG_FLOW_ANY_PORT)))
		return 0;
	if (bpf_map_delete_elem(fd, k) && errno != ENOENT)
		return table_error(-errno, "cannot delete the flow");
	if (shadows_refresh(fd, k, 1) || sg_flows_static_flag(m))
		return -1;
	return 1;
}

/*
 * A hand-made flow of K if there is one; else the learned flows of K
 * (every remote port of the pair when K has none).
 */
static int flows_del(int argc, char **argv)
{
	struct sg_flow_key k;
	struct sg_maps m;
	char buf[128];
	int ret, st, n = 0;

	ret = parse_flow_args("del", argc, argv, &k);
	if (ret)
		return ret;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	ret = SG_EXIT_FAIL;
	st = static_del(&m, &k);
	if (st < 0)
		goto out;
	if (!st) {
		n = sg_flowtab_del(m.flows, &k, !k.remote_port);
		if (n < 0) {
			table_error(n, "cannot end the learned flow");
			goto out;
		}
	}
	if (!st && !n) {
		format_flow(&k, buf, sizeof(buf));
		sg_err("no flow %s: see 'sipguard flows list'", buf);
		goto out;
	}
	ret = SG_EXIT_OK;
out:
	sg_maps_close(&m);
	return ret;
}

static int flows_flush(int argc, char **argv)
{
	struct sg_maps m;
	int n;

	if (argc > 0)
		return sg_usage("flows", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	n = sg_flowtab_flush(m.flows);
	sg_maps_close(&m);
	if (n < 0) {
		table_error(n, "cannot end the learned flows");
		return SG_EXIT_FAIL;
	}
	printf("removed %d learned flow%s\n", n, n == 1 ? "" : "s");
	return SG_EXIT_OK;
}

static int do_flows_add(int argc, char **argv)
{
	return sg_run_sub("flows", argc, argv, flows_add);
}

static int do_flows_del(int argc, char **argv)
{
	return sg_run_sub("flows", argc, argv, flows_del);
}

static int do_flows_list(int argc, char **argv)
{
	return sg_run_sub("flows", argc, argv, sg_flows_list);
}

static int do_flows_flush(int argc, char **argv)
{
	return sg_run_sub("flows", argc, argv, flows_flush);
}

static int do_flows_save(int argc, char **argv)
{
	return sg_run_sub("flows", argc, argv, sg_flows_save_cmd);
}

static int do_flows_restore(int argc, char **argv)
{
	return sg_run_sub("flows", argc, argv, sg_flows_restore_cmd);
}

static const struct sg_cmd flows_cmds[] = {
	{ "add",     do_flows_add,     "REMOTE_ADDR[:PORT] LOCAL_PORT", "add a static flow" },
	{ "del",     do_flows_del,     "REMOTE_ADDR[:PORT] LOCAL_PORT",
	  "remove a static flow, else end the learned flows of the pair" },
	{ "delete",  do_flows_del,     NULL, NULL },
	{ "list",    do_flows_list,    "[--json]", "show static and learned flows" },
	{ "flush",   do_flows_flush,   "", "end the learned flows, keep the static ones" },
	{ "save",    do_flows_save,    "FILE", "write the learned flows to FILE" },
	{ "restore", do_flows_restore, "FILE", "put the flows saved in FILE back" },
	{ 0 }
};

int do_flows(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("flows", "flows needs a command");
	return sg_dispatch(flows_cmds, "sipguard flows", argc - 1, argv + 1);
}
