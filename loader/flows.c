// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard flows add|del|list|flush`: the established-flow table.
 *
 * A flow {remote addr, remote port, local port} lives under its exact key
 * and under a wildcard copy with remote port 0 (SG_FLOW_SHADOW), which is
 * what the XDP program looks up unless match-remote-port is on.  A
 * hand-made flow without a port exists only under the wildcard key
 * (SG_FLOW_ANY_PORT).  This file keeps that invariant for hand-made and
 * config flows: after any change, the wildcard entry of an {addr, local
 * port} pair exists exactly when some exact flow of the pair does, and it
 * is static when one of them is.  Learned flows come from the TC egress
 * program, which keeps the same invariant on its side.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "cli.h"
#include "env.h"
#include "flows.h"
#include "main.h"
#include "names.h"
#include "pins.h"

#define NSEC_PER_SEC	1000000000ULL

struct flow_entry {
	struct sg_flow_key key;
	struct sg_flow_val val;
};

/* IPv4 first, then address, local port, remote port (wildcard first). */
static int cmp_key(const void *a, const void *b)
{
	const struct sg_flow_key *x = a, *y = b;
	bool x4 = sg_addr_is_v4(&x->addr), y4 = sg_addr_is_v4(&y->addr);
	int c;

	if (x4 != y4)
		return x4 ? -1 : 1;
	c = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (c)
		return c;
	if (x->local_port != y->local_port)
		return x->local_port < y->local_port ? -1 : 1;
	return (x->remote_port > y->remote_port) - (x->remote_port < y->remote_port);
}

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

static int flows_dump(int fd, struct flow_entry **out, size_t *n)
{
	struct sg_flow_key key, next;
	struct flow_entry *v = NULL, *nv;
	size_t cap = 0, cnt = 0;
	void *prev = NULL;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		/* An entry may vanish between the two calls (the learner evicts). */
		if (bpf_map_lookup_elem(fd, &next, &v[cnt].val))
			continue;
		v[cnt++].key = next;
	}
	err = errno;
	if (err != ENOENT) {
		free(v);
		return -err;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_key);
	*out = v;
	*n = cnt;
	return 0;
}

static struct flow_entry *flow_find(struct flow_entry *v, size_t n,
				    const struct sg_flow_key *k)
{
	return n ? bsearch(k, v, n, sizeof(*v), cmp_key) : NULL;
}

static int table_error(int err, const char *what)
{
	sg_err_errno(err, what, "check 'sipguard status'");
	return -1;
}

/*
 * Bring the wildcard entries of the given {addr, local port} pairs in line
 * with the exact flows that exist now.
 */
static int shadows_refresh(int fd, const struct sg_flow_key *pairs, size_t n)
{
	struct flow_entry *v = NULL, *w, *e, *end;
	struct sg_flow_key wk;
	struct sg_flow_val nv;
	size_t nv_cnt = 0, i;
	bool any;
	int err;

	if (!n)
		return 0;
	err = flows_dump(fd, &v, &nv_cnt);
	if (err)
		return table_error(err, "cannot read the flow table");
	end = v + nv_cnt;
	for (i = 0; i < n; i++) {
		wk = wild_of(&pairs[i]);
		w = flow_find(v, nv_cnt, &wk);
		if (w && (w->val.flags & SG_FLOW_ANY_PORT))
			continue;	/* a hand-made port-less flow covers it */
		/* Sorted: the exact flows of the pair follow its wildcard. */
		e = w ? w + 1 : NULL;
		if (!e) {
			size_t lo = 0, hi = nv_cnt;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (cmp_key(&v[mid].key, &wk) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			e = v + lo;
		}
		memset(&nv, 0, sizeof(nv));
		nv.flags = SG_FLOW_SHADOW;
		nv.origin = SG_ORIGIN_LEARNED;
		any = false;
		for (; e < end && same_pair(&e->key, &wk); e++) {
			if (!e->key.remote_port)
				continue;
			if (!any || e->val.created_ns < nv.created_ns)
				nv.created_ns = e->val.created_ns;
			if (e->val.last_seen_ns > nv.last_seen_ns)
				nv.last_seen_ns = e->val.last_seen_ns;
			if (e->val.flags & SG_FLOW_STATIC) {
				nv.flags |= SG_FLOW_STATIC;
				nv.origin = e->val.origin;
			}
			any = true;
		}
		if (!any) {
			if (w && bpf_map_delete_elem(fd, &wk) && errno != ENOENT) {
				err = -errno;
				break;
			}
			continue;
		}
		if (w && w->val.flags == nv.flags && w->val.origin == nv.origin &&
		    (nv.flags & SG_FLOW_STATIC))
			continue;
		if (bpf_map_update_elem(fd, &wk, &nv, BPF_ANY)) {
			err = -errno;
			break;
		}
	}
	free(v);
	if (err)
		return table_error(err, "cannot update the flow table");
	return 0;
}

/*
 * Store a hand-made flow.  With KEEP_CLI an existing CLI flow under the
 * same key is left alone (the config never takes over what a user added).
 */
static int flow_put_static(int fd, const struct sg_flow_key *k, __u32 origin,
			   bool keep_cli)
{
	struct sg_flow_val cur, val = { .origin = origin };
	struct sg_flow_key wk = wild_of(k);
	bool have;

	val.last_seen_ns = val.created_ns = sg_now_mono_ns();
	have = !bpf_map_lookup_elem(fd, k, &cur);
	if (have && keep_cli && cur.origin == SG_ORIGIN_CLI &&
	    (cur.flags & SG_FLOW_STATIC) &&
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
	if (!bpf_map_lookup_elem(fd, &wk, &cur) && (cur.flags & SG_FLOW_ANY_PORT))
		return 0;
	val.flags = SG_FLOW_STATIC | SG_FLOW_SHADOW;
	if (bpf_map_update_elem(fd, &wk, &val, BPF_ANY)) {
		int err = -errno;

		bpf_map_delete_elem(fd, k);
		return table_error(err, "cannot add the flow");
	}
	return 0;
}

int sg_flows_sync_config(int fd, const struct sg_flow_key *keys, size_t n)
{
	struct flow_entry *cur = NULL;
	struct sg_flow_key *want = NULL, *gone = NULL;
	size_t ncur = 0, ngone = 0, i;
	int err, ret = -1;

	for (i = 0; i < n; i++)
		if (flow_put_static(fd, &keys[i], SG_ORIGIN_CONFIG, true))
			return -1;
	if (n) {
		want = malloc(n * sizeof(*want));
		if (!want)
			return table_error(-ENOMEM, "cannot apply the config");
		memcpy(want, keys, n * sizeof(*want));
		qsort(want, n, sizeof(*want), cmp_key);
	}
	err = flows_dump(fd, &cur, &ncur);
	if (err) {
		table_error(err, "cannot read the flow table");
		goto out;
	}
	gone = calloc(ncur ? ncur : 1, sizeof(*gone));
	if (!gone)
		goto out;
	for (i = 0; i < ncur; i++) {
		if ((cur[i].val.flags & SG_FLOW_SHADOW) ||
		    cur[i].val.origin != SG_ORIGIN_CONFIG)
			continue;
		if (n && bsearch(&cur[i].key, want, n, sizeof(*want), cmp_key))
			continue;
		if (bpf_map_delete_elem(fd, &cur[i].key) && errno != ENOENT) {
			table_error(-errno, "cannot remove an old config flow");
			goto out;
		}
		gone[ngone++] = cur[i].key;
	}
	ret = shadows_refresh(fd, gone, ngone);
out:
	free(gone);
	free(cur);
	free(want);
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
	ret = flow_put_static(m.flows, &k, SG_ORIGIN_CLI, false) ?
		SG_EXIT_FAIL : SG_EXIT_OK;
	sg_maps_close(&m);
	return ret;
}

static int flows_del(int argc, char **argv)
{
	struct sg_flow_key k;
	struct sg_flow_val v;
	struct sg_maps m;
	char buf[128];
	int ret;

	ret = parse_flow_args("del", argc, argv, &k);
	if (ret)
		return ret;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	ret = SG_EXIT_FAIL;
	if (bpf_map_lookup_elem(m.flows, &k, &v) ||
	    (!k.remote_port && !(v.flags & SG_FLOW_ANY_PORT))) {
		format_flow(&k, buf, sizeof(buf));
		sg_err("no flow %s: see 'sipguard flows list'", buf);
		goto out;
	}
	if (bpf_map_delete_elem(m.flows, &k) && errno != ENOENT) {
		table_error(-errno, "cannot delete the flow");
		goto out;
	}
	if (!shadows_refresh(m.flows, &k, 1))
		ret = SG_EXIT_OK;
out:
	sg_maps_close(&m);
	return ret;
}

static int flows_flush(int argc, char **argv)
{
	struct flow_entry *v = NULL;
	struct sg_flow_key *pairs = NULL;
	size_t n = 0, npairs = 0, i;
	long removed = 0;
	struct sg_maps m;
	int err, ret = SG_EXIT_FAIL;

	if (argc > 0)
		return sg_usage("flows", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	err = flows_dump(m.flows, &v, &n);
	if (err) {
		table_error(err, "cannot read the flow table");
		goto out;
	}
	pairs = calloc(n ? n : 1, sizeof(*pairs));
	if (!pairs)
		goto out;
	for (i = 0; i < n; i++) {
		if (v[i].val.flags & SG_FLOW_STATIC)
			continue;
		if (bpf_map_delete_elem(m.flows, &v[i].key))
			continue;	/* gone already (evicted) */
		if (!(v[i].val.flags & SG_FLOW_SHADOW))
			removed++;
		pairs[npairs++] = v[i].key;
	}
	if (shadows_refresh(m.flows, pairs, npairs))
		goto out;
	printf("removed %ld learned flow%s\n", removed, removed == 1 ? "" : "s");
	ret = SG_EXIT_OK;
out:
	free(pairs);
	free(v);
	sg_maps_close(&m);
	return ret;
}

static const char *flow_origin(const struct sg_flow_val *v)
{
	if (v->origin == SG_ORIGIN_CONFIG)
		return "config";
	if (v->flags & SG_FLOW_STATIC)
		return "static";
	return "learned";
}

static int flows_list(int argc, char **argv)
{
	struct flow_entry *v = NULL;
	struct sg_config cfg;
	struct sg_maps m;
	json_object *arr, *o;
	char addr[64], port[8], age[24];
	__u64 now, timeout_ns, age_ns;
	size_t n = 0, i;
	bool fresh, stat;
	int err;

	if (argc > 0)
		return sg_usage("flows", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	if (sg_config_get(m.config, &cfg))
		sg_config_defaults(&cfg);
	err = flows_dump(m.flows, &v, &n);
	sg_maps_close(&m);
	if (err) {
		table_error(err, "cannot read the flow table");
		return SG_EXIT_FAIL;
	}
	now = sg_now_mono_ns();
	timeout_ns = (__u64)sg_flow_timeout_s(&cfg) * NSEC_PER_SEC;

	arr = sg_env.json ? json_object_new_array() : NULL;
	if (!arr)
		printf("%-40s %-6s %-6s %-8s %-8s %s\n", "REMOTE", "PORT",
		       "LOCAL", "ORIGIN", "AGE", "STATE");
	for (i = 0; i < n; i++) {
		const struct sg_flow_val *fv = &v[i].val;

		if (fv->flags & SG_FLOW_SHADOW)
			continue;
		stat = fv->flags & SG_FLOW_STATIC;
		age_ns = now > fv->last_seen_ns ? now - fv->last_seen_ns : 0;
		fresh = stat || age_ns <= timeout_ns;
		sg_format_addr(&v[i].key.addr, addr, sizeof(addr));
		if (arr) {
			o = json_object_new_object();
			json_object_object_add(o, "remote", json_object_new_string(addr));
			json_object_object_add(o, "remote_port", v[i].key.remote_port ?
					       json_object_new_int(v[i].key.remote_port) : NULL);
			json_object_object_add(o, "local_port",
					       json_object_new_int(v[i].key.local_port));
			json_object_object_add(o, "origin",
					       json_object_new_string(flow_origin(fv)));
			json_object_object_add(o, "static", json_object_new_boolean(stat));
			json_object_object_add(o, "age_s", stat ? NULL :
					       json_object_new_int64(age_ns / NSEC_PER_SEC));
			json_object_object_add(o, "state",
					       json_object_new_string(fresh ? "active" : "expired"));
			json_object_array_add(arr, o);
			continue;
		}
		if (v[i].key.remote_port)
			snprintf(port, sizeof(port), "%u", v[i].key.remote_port);
		else
			snprintf(port, sizeof(port), "any");
		if (stat)
			snprintf(age, sizeof(age), "-");
		else
			snprintf(age, sizeof(age), "%" PRIu64, (uint64_t)(age_ns / NSEC_PER_SEC));
		printf("%-40s %-6s %-6u %-8s %-8s %s\n", addr, port,
		       v[i].key.local_port, flow_origin(fv), age,
		       fresh ? "active" : "expired");
	}
	if (arr)
		sg_json_print(arr);
	free(v);
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
	return sg_run_sub("flows", argc, argv, flows_list);
}

static int do_flows_flush(int argc, char **argv)
{
	return sg_run_sub("flows", argc, argv, flows_flush);
}

static const struct sg_cmd flows_cmds[] = {
	{ "add",    do_flows_add,   "REMOTE_ADDR[:PORT] LOCAL_PORT", "add a static flow" },
	{ "del",    do_flows_del,   "REMOTE_ADDR[:PORT] LOCAL_PORT", "remove a flow" },
	{ "delete", do_flows_del,   NULL, NULL },
	{ "list",   do_flows_list,  "[--json]", "show static and learned flows" },
	{ "flush",  do_flows_flush, "", "remove the learned flows, keep the static ones" },
	{ 0 }
};

int do_flows(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("flows", "flows needs a command");
	return sg_dispatch(flows_cmds, "sipguard flows", argc - 1, argv + 1);
}
