// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Prometheus text exposition (format 0.0.4) of sipguard's counters,
 * table fill and drop-event totals, for `sipguard stats --prometheus` and
 * the HTTP exporter: the renderer beside statsfmt.c's text and JSON, over
 * the same readers (counters.c).
 *
 * Every reason/verdict pair that can occur is written, zeros included,
 * so that rate() and increase() see a series from its first scrape on.
 * Label values go through sg_escape() (valid UTF-8, no control bytes)
 * and then the format's own escaping of backslash, quote and newline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters.h"
#include "escape.h"
#include "iface.h"
#include "names.h"
#include "pins.h"
#include "prom.h"

/* A label value: made valid UTF-8 first, then the format's escaping. */
static void prom_label(FILE *f, const char *s)
{
	char esc[SG_ESC_SIZE(64)];
	const char *p;

	sg_escape(esc, sizeof(esc), s, strnlen(s, 64), 0);
	for (p = esc; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', f);
		fputc(*p, f);
	}
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One interface of the exposition: pinned, expected, or both. */
struct prom_iface {
	char name[IF_NAMESIZE];
	bool pinned;
	bool attached;
	bool have_stats;
	bool monitor;
	struct sg_iface_stats st;
};

static int cmp_iface(const void *a, const void *b)
{
	return strcmp(((const struct prom_iface *)a)->name,
		      ((const struct prom_iface *)b)->name);
}

static struct prom_iface *find_iface(struct prom_iface *v, int n,
				     const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* Pinned interfaces and expected ones, sorted by name; NULL on ENOMEM. */
static struct prom_iface *collect(char (*expect)[IF_NAMESIZE], int n_expect,
				  int *n_out)
{
	struct prom_iface *v, *p;
	struct sg_config cfg = {};
	char **names = NULL;
	int n_pin, n = 0, i, fd;

	n_pin = sg_list_ifaces(&names);
	if (n_pin < 0)
		n_pin = 0;
	v = calloc(n_pin + n_expect + 1, sizeof(*v));
	if (!v) {
		sg_free_names(names, n_pin);
		return NULL;
	}
	fd = sg_pin_open(SG_MAP_CONFIG);
	if (fd >= 0) {
		sg_config_get(fd, &cfg);
		close(fd);
	}
	for (i = 0; i < n_pin; i++) {
		p = &v[n++];
		snprintf(p->name, sizeof(p->name), "%s", names[i]);
		p->pinned = true;
	}
	sg_free_names(names, n_pin);
	for (i = 0; i < n_expect; i++) {
		if (!expect[i][0] || find_iface(v, n, expect[i]))
			continue;
		snprintf(v[n++].name, IF_NAMESIZE, "%s", expect[i]);
	}
	qsort(v, n, sizeof(*v), cmp_iface);
	for (i = 0; i < n; i++) {
		p = &v[i];
		if (!p->pinned)
			continue;
		p->attached = sg_iface_attached(p->name);
		p->have_stats = !sg_stats_read(p->name, &p->st);
		p->monitor = (cfg.flags & SG_CFG_MONITOR) ||
			     (p->st.have_meta && (p->st.meta.flags & SG_META_MONITOR));
	}
	*n_out = n;
	return v;
}

static void counter_family(FILE *f, const struct prom_iface *v, int n,
			   bool bytes)
{
	const struct sg_counter *c;
	unsigned int r, vd;
	__u64 val;
	int i;

	family(f, bytes ? "sipguard_bytes_total" : "sipguard_packets_total",
	       "counter", bytes ?
	       "Bytes of the packets counted by sipguard_packets_total (frame length at the XDP hook)." :
	       "Packets seen by the XDP filter by interface, reason and verdict; a would-be drop in monitor mode has verdict pass.");
	for (i = 0; i < n; i++) {
		if (!v[i].have_stats)
			continue;
		for (r = 0; r < SG_REASON_MAX; r++) {
			for (vd = 0; vd < SG_VERDICT_MAX; vd++) {
				c = &v[i].st.ctr[SG_CTR_IDX(r, vd)];
				val = bytes ? c->bytes : c->packets;
				/* Pass reasons are never dropped. */
				if (!sg_reason_drops[r] && vd == SG_V_DROP &&
				    !c->packets)
					continue;
				fprintf(f, "%s{interface=\"",
					bytes ? "sipguard_bytes_total" :
						"sipguard_packets_total");
				prom_label(f, v[i].name);
				fprintf(f, "\",reason=\"%s\",verdict=\"%s\"} %llu\n",
					sg_reason_names[r], sg_verdict_name(vd),
					(unsigned long long)val);
			}
		}
	}
}

static void iface_gauge(FILE *f, const char *name, const char *iface, int val)
{
	fprintf(f, "%s{interface=\"", name);
	prom_label(f, iface);
	fprintf(f, "\"} %d\n", val);
}

/* The table fill and the totals, as statsfmt.c shows them in text. */
static void extras_families(FILE *f, const struct sg_extras *x)
{
	const struct sg_table_fill *t = x->tables;
	int i;

	family(f, "sipguard_table_entries", "gauge",
	       "Entries in a sipguard table: live learned flows; static flows hold two entries per flow with a remote port.");
	for (i = 0; i < x->n_tables; i++)
		if (t[i].entries >= 0)
			fprintf(f, "sipguard_table_entries{table=\"%s\"} %ld\n",
				t[i].name, t[i].entries);
	family(f, "sipguard_table_capacity", "gauge",
	       "Maximum entries of a sipguard table.");
	for (i = 0; i < x->n_tables; i++)
		if (t[i].entries >= 0)
			fprintf(f, "sipguard_table_capacity{table=\"%s\"} %ld\n",
				t[i].name, t[i].max);

	if (x->have_events) {
		family(f, "sipguard_events_sent_total", "counter",
		       "Drop events the XDP program sent to the ring buffer.");
		fprintf(f, "sipguard_events_sent_total %llu\n", x->events.sent);
		family(f, "sipguard_events_suppressed_total", "counter",
		       "Drop events the per-CPU token bucket suppressed (the drops were still counted).");
		fprintf(f, "sipguard_events_suppressed_total %llu\n",
			x->events.suppressed);
	}
	if (x->have_learner) {
#define SG_FLOWSTAT_PROM(field, name, text, help)			\
		family(f, "sipguard_flows_" name "_total", "counter", help);	\
		fprintf(f, "sipguard_flows_" name "_total %llu\n", x->learner.field);
		SG_FLOWSTATS(SG_FLOWSTAT_PROM)
#undef SG_FLOWSTAT_PROM
	}
}

int sg_prom_write(FILE *f, char (*expect)[IF_NAMESIZE], int n_expect)
{
	struct prom_iface *v;
	struct sg_extras x;
	int n = 0, i;

	v = collect(expect, n_expect, &n);
	if (!v)
		return -ENOMEM;

	family(f, "sipguard_build_info", "gauge",
	       "Version of the sipguard exporter and of the libbpf it uses; always 1.");
	fprintf(f, "sipguard_build_info{libbpf=\"%s\",version=\"%s\"} 1\n",
		libbpf_version_string(), SG_VERSION);

	family(f, "sipguard_attached", "gauge",
	       "1 while the XDP filter is attached to the interface; 0 for an interface sipguard should be on but is not.");
	for (i = 0; i < n; i++)
		iface_gauge(f, "sipguard_attached", v[i].name, v[i].attached);

	family(f, "sipguard_monitor", "gauge",
	       "1 when the interface only counts what it would drop (monitor mode).");
	for (i = 0; i < n; i++)
		if (v[i].have_stats)
			iface_gauge(f, "sipguard_monitor", v[i].name, v[i].monitor);

	counter_family(f, v, n, false);
	counter_family(f, v, n, true);
	free(v);

	sg_extras_read(&x);
	extras_families(f, &x);
	return ferror(f) ? -EIO : 0;
}
