// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard stats`: packets and bytes per interface, reason and verdict,
 * summed over the CPUs of the per-CPU counter map, then the table fill
 * and the totals.  The options pick the renderer: text or JSON
 * (statsfmt.c), Prometheus (prom.c), or a round every N seconds (watch.c);
 * the readers are counters.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "counters.h"
#include "env.h"
#include "main.h"
#include "pins.h"
#include "prom.h"
#include "statsfmt.h"
#include "watch.h"

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
	struct sg_extras x;
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
	sg_extras_read(&x);
	if (sg_env.json) {
		json_object *root = sg_stats_json(st, n);

		sg_extras_json(root, &x);
		sg_json_print(root);
	} else {
		sg_stats_print(stdout, st, n, o.all);
		sg_extras_text(stdout, &x);
	}
	free(st);
	return SG_EXIT_OK;
}
