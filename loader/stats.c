// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard stats`: packets and bytes per interface, reason and verdict,
 * summed over the CPUs of the per-CPU counter map.  The reason names come
 * from the same X-macro the kernel side counts with.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "observe.h"
#include "stats.h"

#define SG_REASON_NAME(id, name, drops) [id] = name,
const char *const sg_reason_names[SG_REASON_MAX] = {
	SG_REASONS(SG_REASON_NAME)
};
#undef SG_REASON_NAME

#define SG_REASON_DROPS(id, name, drops) [id] = drops,
const bool sg_reason_drops[SG_REASON_MAX] = {
	SG_REASONS(SG_REASON_DROPS)
};
#undef SG_REASON_DROPS

const char *sg_verdict_name(unsigned int verdict)
{
	return verdict == SG_V_DROP ? "drop" : "pass";
}

static int read_meta(const char *ifname, struct sg_iface_meta *meta)
{
	char path[SG_PATH_MAX];
	__u32 zero = 0;
	int fd, err = 0;

	sg_iface_file(path, sizeof(path), ifname, SG_MAP_IFMETA);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, meta))
		err = -errno;
	close(fd);
	return err;
}

int sg_stats_read(const char *ifname, struct sg_iface_stats *st)
{
	char path[SG_PATH_MAX];
	struct sg_counter *percpu;
	int ncpu, fd, c;
	__u32 i;

	memset(st, 0, sizeof(*st));
	snprintf(st->ifname, sizeof(st->ifname), "%s", ifname);
	st->have_meta = !read_meta(ifname, &st->meta);

	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		sg_err_errno(ncpu, "cannot count the CPUs", "check /sys/devices/system/cpu/possible");
		return -1;
	}
	sg_iface_file(path, sizeof(path), ifname, SG_MAP_COUNTERS);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (fd == -ENOENT)
			sg_err("%s is not attached (no %s): see 'sipguard status'",
			       ifname, path);
		else
			sg_err_errno(fd, "cannot open the counters",
				     "detach and attach again");
		return -1;
	}
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu) {
		close(fd);
		return -1;
	}
	for (i = 0; i < SG_CTR_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, percpu))
			continue;
		for (c = 0; c < ncpu; c++) {
			st->ctr[i].packets += percpu[c].packets;
			st->ctr[i].bytes += percpu[c].bytes;
		}
		st->total[i % SG_VERDICT_MAX].packets += st->ctr[i].packets;
		st->total[i % SG_VERDICT_MAX].bytes += st->ctr[i].bytes;
	}
	free(percpu);
	close(fd);
	return 0;
}

int sg_stats_read_all(const char *only, struct sg_iface_stats **out, int *n)
{
	struct sg_iface_stats *st;
	char **names;
	int cnt, i, j = 0;

	*out = NULL;
	*n = 0;
	cnt = sg_list_ifaces(&names);
	if (cnt < 0) {
		sg_err_errno(cnt, "cannot read the pin directory", "check --pin-path");
		return -1;
	}
	st = calloc(cnt ? cnt : 1, sizeof(*st));
	if (!st) {
		sg_free_names(names, cnt);
		return -1;
	}
	for (i = 0; i < cnt; i++) {
		if (only && strcmp(only, names[i]))
			continue;
		if (sg_stats_read(names[i], &st[j])) {
			free(st);
			sg_free_names(names, cnt);
			return -1;
		}
		j++;
	}
	sg_free_names(names, cnt);
	*out = st;
	*n = j;
	return 0;
}

static json_object *counter_json(const struct sg_counter *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "packets", json_object_new_uint64(c->packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(c->bytes));
	return o;
}

json_object *sg_stats_json(const struct sg_iface_stats *st, int n)
{
	json_object *root = json_object_new_object();
	json_object *ifs = json_object_new_array();
	json_object *ifo, *arr, *o, *tot;
	unsigned int r, v;
	int i;

	for (i = 0; i < n; i++) {
		ifo = json_object_new_object();
		json_object_object_add(ifo, "name", json_object_new_string(st[i].ifname));
		json_object_object_add(ifo, "ifindex",
				       json_object_new_int64(st[i].have_meta ? st[i].meta.ifindex : 0));
		arr = json_object_new_array();
		for (r = 0; r < SG_REASON_MAX; r++) {
			for (v = 0; v < SG_VERDICT_MAX; v++) {
				const struct sg_counter *c = &st[i].ctr[SG_CTR_IDX(r, v)];

				o = counter_json(c);
				json_object_object_add(o, "reason",
						       json_object_new_string(sg_reason_names[r]));
				json_object_object_add(o, "drop_reason",
						       json_object_new_boolean(sg_reason_drops[r]));
				json_object_object_add(o, "verdict",
						       json_object_new_string(sg_verdict_name(v)));
				json_object_array_add(arr, o);
			}
		}
		json_object_object_add(ifo, "counters", arr);
		tot = json_object_new_object();
		for (v = 0; v < SG_VERDICT_MAX; v++)
			json_object_object_add(tot, sg_verdict_name(v),
					       counter_json(&st[i].total[v]));
		json_object_object_add(ifo, "total", tot);
		json_object_array_add(ifs, ifo);
	}
	json_object_object_add(root, "interfaces", ifs);
	return root;
}

void sg_stats_print(FILE *f, const struct sg_iface_stats *st, int n, bool all)
{
	unsigned int r, v;
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc('\n', f);
		if (st[i].have_meta)
			fprintf(f, "%s (ifindex %u)\n", st[i].ifname, st[i].meta.ifindex);
		else
			fprintf(f, "%s\n", st[i].ifname);
		fprintf(f, "  %-22s %-7s %14s %16s\n", "REASON", "VERDICT",
			"PACKETS", "BYTES");
		for (r = 0; r < SG_REASON_MAX; r++) {
			for (v = 0; v < SG_VERDICT_MAX; v++) {
				const struct sg_counter *c = &st[i].ctr[SG_CTR_IDX(r, v)];

				if (!all && !c->packets)
					continue;
				fprintf(f, "  %-22s %-7s %14" PRIu64 " %16" PRIu64 "\n",
					sg_reason_names[r], sg_verdict_name(v),
					(uint64_t)c->packets, (uint64_t)c->bytes);
			}
		}
		for (v = 0; v < SG_VERDICT_MAX; v++)
			fprintf(f, "  %-22s %-7s %14" PRIu64 " %16" PRIu64 "\n",
				"total", sg_verdict_name(v),
				(uint64_t)st[i].total[v].packets,
				(uint64_t)st[i].total[v].bytes);
	}
}

struct stats_opts {
	bool all;
	bool prometheus;
	const char *watch;	/* --watch SECONDS */
};

static int stats_opt(int opt, const char *arg, void *ctx)
{
	struct stats_opts *o = ctx;

	switch (opt) {
	case 'a':
		o->all = true;
		return 0;
	case 'P':
		o->prometheus = true;
		return 0;
	case 'w':
		o->watch = arg;
		return 0;
	}
	return -1;
}

int do_stats(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "all",        no_argument,       NULL, 'a' },
		{ "watch",      required_argument, NULL, 'w' },
		{ "prometheus", no_argument,       NULL, 'P' },
		{ 0 }
	};
	struct sg_iface_stats *st;
	struct stats_opts o = {};
	const char *only = NULL;
	char path[SG_PATH_MAX];
	unsigned int secs = 0;
	int first, n;

	first = sg_getopt(argc, argv, "stats", "aw:", extra, stats_opt, &o);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (o.watch && sg_parse_interval(o.watch, &secs))
		return sg_usage("stats", "invalid interval '%s' for --watch: use seconds from 1 to 86400",
				o.watch);
	if (o.prometheus && (o.watch || sg_env.json))
		return sg_usage("stats", "--prometheus goes with neither --watch nor --json");
	if (argc - first > 1)
		return sg_usage("stats", "unexpected argument '%s'", argv[first + 1]);
	if (argc - first == 1) {
		if (o.prometheus)
			return sg_usage("stats", "--prometheus shows every interface: leave out '%s'",
					argv[first]);
		only = argv[first];
		if (sg_check_ifname(only))
			return SG_EXIT_FAIL;
	}
	if (sg_need_privileges(false))
		return SG_EXIT_FAIL;
	sg_pin_file(path, sizeof(path), SG_MAP_CONFIG);
	if (!sg_path_exists(path)) {
		sg_err("sipguard is not attached (nothing pinned under %s): run 'sipguard attach IFACE' first",
		       sg_env.pin);
		return SG_EXIT_FAIL;
	}
	if (o.prometheus)
		return sg_prom_write(stdout, NULL, 0) ? SG_EXIT_FAIL : SG_EXIT_OK;
	if (sg_stats_read_all(only, &st, &n))
		return SG_EXIT_FAIL;
	if (only && !n) {
		sg_err("%s is not attached: see 'sipguard status'", only);
		free(st);
		return SG_EXIT_FAIL;
	}
	if (o.watch) {
		free(st);
		return sg_stats_watch(only, o.all, secs);
	}
	if (sg_env.json) {
		json_object *root = sg_stats_json(st, n);

		sg_stats_extras_json(root);
		sg_json_print(root);
	} else {
		sg_stats_print(stdout, st, n, o.all);
		sg_stats_extras_print(stdout);
	}
	free(st);
	return SG_EXIT_OK;
}
