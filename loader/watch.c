// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard stats --watch N`: the counters every N seconds with the rate
 * of each since the previous round, until Ctrl-C.  On a terminal the
 * screen is redrawn; into a pipe or a file each round is a block of its
 * own (with --json: one JSON document per line), so a log keeps them all.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "counters.h"
#include "names.h"
#include "statsfmt.h"
#include "watch.h"

#define SG_WATCH_MAX_S	86400

static volatile sig_atomic_t watch_stop;

static void on_signal(int sig)
{
	watch_stop = 1;
}

int sg_parse_interval(const char *s, unsigned int *secs)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > SG_WATCH_MAX_S)
		return -1;
	*secs = v;
	return 0;
}

static const struct sg_iface_stats *find_prev(const struct sg_iface_stats *prev,
					      int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(prev[i].ifname, name))
			return &prev[i];
	return NULL;
}

static double rate(__u64 now, __u64 before, double dt)
{
	return now >= before && dt > 0 ? (now - before) / dt : 0;
}

static void print_round(const struct sg_iface_stats *st, int n,
			const struct sg_iface_stats *prev, int pn, double dt,
			const struct sg_extras *x, bool all, unsigned int secs)
{
	const struct sg_iface_stats *p;
	const struct sg_counter *c, *pc;
	char when[32], pr[32], br[32];
	time_t now = time(NULL);
	struct tm tm;
	unsigned int r, v;
	int i;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	printf("sipguard stats at %s, every %us (Ctrl-C ends)\n", when, secs);
	if (!n)
		printf("no interface attached\n");
	for (i = 0; i < n; i++) {
		p = find_prev(prev, pn, st[i].ifname);
		printf("%s\n  %-22s %-7s %14s %16s %12s %14s\n", st[i].ifname,
		       "REASON", "VERDICT", "PACKETS", "BYTES", "PKT/S", "BYTES/S");
		for (r = 0; r < SG_REASON_MAX; r++) {
			for (v = 0; v < SG_VERDICT_MAX; v++) {
				c = &st[i].ctr[SG_CTR_IDX(r, v)];
				if (!all && !c->packets)
					continue;
				snprintf(pr, sizeof(pr), "-");
				snprintf(br, sizeof(br), "-");
				if (p) {
					pc = &p->ctr[SG_CTR_IDX(r, v)];
					snprintf(pr, sizeof(pr), "%.1f",
						 rate(c->packets, pc->packets, dt));
					snprintf(br, sizeof(br), "%.0f",
						 rate(c->bytes, pc->bytes, dt));
				}
				printf("  %-22s %-7s %14" PRIu64 " %16" PRIu64 " %12s %14s\n",
				       sg_reason_names[r], sg_verdict_name(v),
				       (uint64_t)c->packets, (uint64_t)c->bytes,
				       pr, br);
			}
		}
	}
	sg_extras_text(stdout, x);
}

/* Add packets_per_s and bytes_per_s to each counter of the JSON. */
static void json_rates(json_object *root, const struct sg_iface_stats *st,
		       int n, const struct sg_iface_stats *prev, int pn,
		       double dt)
{
	json_object *ifs = json_object_object_get(root, "interfaces");
	const struct sg_iface_stats *p;
	const struct sg_counter *c, *pc;
	json_object *ctrs, *o;
	int i;
	size_t k;

	for (i = 0; i < n; i++) {
		p = find_prev(prev, pn, st[i].ifname);
		if (!p)
			continue;
		ctrs = json_object_object_get(json_object_array_get_idx(ifs, i),
					      "counters");
		for (k = 0; k < SG_CTR_MAX && k < json_object_array_length(ctrs); k++) {
			/* sg_stats_json lists them in index order */
			o = json_object_array_get_idx(ctrs, k);
			c = &st[i].ctr[k];
			pc = &p->ctr[k];
			json_object_object_add(o, "packets_per_s",
					       json_object_new_double(rate(c->packets, pc->packets, dt)));
			json_object_object_add(o, "bytes_per_s",
					       json_object_new_double(rate(c->bytes, pc->bytes, dt)));
		}
	}
}

int sg_stats_watch(const char *only, bool all, unsigned int secs)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct sg_iface_stats *st = NULL, *prev = NULL;
	struct sg_extras x;
	__u64 t, prev_t = 0;
	bool tty = isatty(STDOUT_FILENO);
	struct timespec ts;
	json_object *root;
	int n, pn = 0, round;
	double dt;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	for (round = 0; !watch_stop; round++) {
		if (sg_stats_read_all(only, &st, &n)) {
			free(prev);
			return SG_EXIT_FAIL;
		}
		t = sg_now_mono_ns();
		dt = (t - prev_t) / 1e9;
		sg_extras_read(&x);
		if (sg_env.json) {
			root = sg_stats_json(st, n);
			sg_extras_json(root, &x);
			json_object_object_add(root, "interval_s",
					       round ? json_object_new_double(dt) : NULL);
			json_rates(root, st, n, prev, pn, dt);
			sg_json_print(root);
		} else {
			if (tty)
				fputs("\033[H\033[2J", stdout);
			else if (round)
				putchar('\n');
			print_round(st, n, prev, pn, dt, &x, all, secs);
		}
		fflush(stdout);
		free(prev);
		prev = st;
		pn = n;
		prev_t = t;
		ts.tv_sec = secs;
		ts.tv_nsec = 0;
		while (!watch_stop && nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	free(prev);
	return SG_EXIT_OK;
}
