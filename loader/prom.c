// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Prometheus text exposition (format 0.0.4) of sipguard's counters,
 * table fill and drop-event totals, for `sipguard stats --prometheus` and
 * the HTTP exporter; and the readers of the table fill and event totals
 * that `sipguard stats` prints too.
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

#include "escape.h"
#include "observe.h"
#include "stats.h"

/* The tables whose fill is shown, and the pinned map of each. */
static const struct {
	const char *name;
	const char *map;
} tables[] = {
	{ "allowlist", SG_MAP_ALLOW },
	{ "flows",     SG_MAP_FLOWS },
	{ "fragments", SG_MAP_FRAGS },
	{ "deny",      SG_MAP_DENY },
	{ "bans",      SG_MAP_BANS },
	{ "users",     SG_MAP_USERS },
};

static int open_pin(const char *name)
{
	char path[SG_PATH_MAX];

	sg_pin_file(path, sizeof(path), name);
	return bpf_obj_get(path);
}

int sg_tables_read(struct sg_table_fill *t, int max)
{
	struct bpf_map_info info;
	__u32 len;
	int i, n = 0, fd;

	for (i = 0; i < (int)(sizeof(tables) / sizeof(tables[0])) && n < max; i++) {
		fd = open_pin(tables[i].map);
		if (fd < 0)
			continue;	/* an older object without this map */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			close(fd);
			continue;
		}
		t[n].name = tables[i].name;
		t[n].max = info.max_entries;
		t[n].entries = sg_map_count(fd, info.key_size);
		close(fd);
		n++;
	}
	return n;
}

/*
 * Entry 0 of the pinned per-CPU array NAME, one value of SIZE bytes per
 * possible CPU, into a buffer the caller frees.  NULL with *ERR set when
 * it cannot be read.
 */
static void *percpu_entry(const char *name, size_t size, int *ncpu, int *err)
{
	__u32 zero = 0;
	void *v;
	int fd;

	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu <= 0) {
		*err = *ncpu ? *ncpu : -EINVAL;
		return NULL;
	}
	fd = open_pin(name);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	v = calloc(*ncpu, size);
	if (!v)
		*err = -ENOMEM;
	else if (bpf_map_lookup_elem(fd, &zero, v)) {
		*err = -errno;
		free(v);
		v = NULL;
	}
	close(fd);
	return v;
}

int sg_evtotals_read(struct sg_evtotals *t)
{
	struct sg_evstate *st;
	int ncpu, c, err = 0;

	memset(t, 0, sizeof(*t));
	st = percpu_entry(SG_MAP_EVSTATE, sizeof(*st), &ncpu, &err);
	if (!st)
		return err;
	for (c = 0; c < ncpu; c++) {
		t->sent += st[c].sent;
		t->suppressed += st[c].suppressed;
	}
	free(st);
	return 0;
}

int sg_flowtotals_read(struct sg_flowtotals *t)
{
	struct sg_flowstat *st;
	int ncpu, c, err = 0;

	memset(t, 0, sizeof(*t));
	st = percpu_entry(SG_MAP_FLOWSTAT, sizeof(*st), &ncpu, &err);
	if (!st)
		return err;
	for (c = 0; c < ncpu; c++) {
		t->learned += st[c].learned;
		t->evicted += st[c].evicted;
		t->full += st[c].full;
	}
	free(st);
	return 0;
}

void sg_stats_extras_print(FILE *f)
{
	struct sg_table_fill t[SG_TABLES_MAX];
	struct sg_flowtotals fl;
	struct sg_evtotals ev;
	int n, i;

	n = sg_tables_read(t, SG_TABLES_MAX);
	fprintf(f, "tables:");
	for (i = 0; i < n; i++)
		if (t[i].entries >= 0)
			fprintf(f, "%s %s %ld/%ld", i ? "," : "", t[i].name,
				t[i].entries, t[i].max);
	fputc('\n', f);
	if (!sg_evtotals_read(&ev))
		fprintf(f, "drop events: %llu sent, %llu suppressed\n", ev.sent,
			ev.suppressed);
	if (!sg_flowtotals_read(&fl))
		fprintf(f, "learned flows: %llu learned, %llu evicted from a full table, %llu not recorded (table full of static flows)\n",
			fl.learned, fl.evicted, fl.full);
}

void sg_stats_extras_json(json_object *root)
{
	struct sg_table_fill t[SG_TABLES_MAX];
	json_object *tabs = json_object_new_object(), *o;
	struct sg_flowtotals fl;
	struct sg_evtotals ev;
	int n, i;

	n = sg_tables_read(t, SG_TABLES_MAX);
	for (i = 0; i < n; i++) {
		if (t[i].entries < 0)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "entries", json_object_new_int64(t[i].entries));
		json_object_object_add(o, "max", json_object_new_int64(t[i].max));
		json_object_object_add(tabs, t[i].name, o);
	}
	json_object_object_add(root, "tables", tabs);
	if (!sg_evtotals_read(&ev)) {
		o = json_object_new_object();
		json_object_object_add(o, "sent", json_object_new_uint64(ev.sent));
		json_object_object_add(o, "suppressed",
				       json_object_new_uint64(ev.suppressed));
		json_object_object_add(root, "events", o);
	}
	if (!sg_flowtotals_read(&fl)) {
		o = json_object_new_object();
		json_object_object_add(o, "learned", json_object_new_uint64(fl.learned));
		json_object_object_add(o, "evicted", json_object_new_uint64(fl.evicted));
		json_object_object_add(o, "not_recorded", json_object_new_uint64(fl.full));
		json_object_object_add(root, "learner", o);
	}
}

bool sg_iface_attached(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[SG_PATH_MAX];
	unsigned int ifindex;
	bool live = false;
	int fd;

	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return false;
	sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_LINK);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	/* The link's program must be the one on the interface of this name
	 * here: an equal ifindex in another namespace does not count. */
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    info.xdp.ifindex == ifindex && !bpf_xdp_query(ifindex, 0, &q) &&
	    q.prog_id == info.prog_id)
		live = true;
	close(fd);
	return live;
}

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
	fd = open_pin(SG_MAP_CONFIG);
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

int sg_prom_write(FILE *f, char (*expect)[IF_NAMESIZE], int n_expect)
{
	struct sg_table_fill t[SG_TABLES_MAX];
	struct sg_flowtotals fl;
	struct sg_evtotals ev;
	struct prom_iface *v;
	int n = 0, nt, i;

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

	nt = sg_tables_read(t, SG_TABLES_MAX);
	family(f, "sipguard_table_entries", "gauge",
	       "Entries in a sipguard table (flows hold two entries per learned flow).");
	for (i = 0; i < nt; i++)
		if (t[i].entries >= 0)
			fprintf(f, "sipguard_table_entries{table=\"%s\"} %ld\n",
				t[i].name, t[i].entries);
	family(f, "sipguard_table_capacity", "gauge",
	       "Maximum entries of a sipguard table.");
	for (i = 0; i < nt; i++)
		if (t[i].entries >= 0)
			fprintf(f, "sipguard_table_capacity{table=\"%s\"} %ld\n",
				t[i].name, t[i].max);

	if (!sg_evtotals_read(&ev)) {
		family(f, "sipguard_events_sent_total", "counter",
		       "Drop events the XDP program sent to the ring buffer.");
		fprintf(f, "sipguard_events_sent_total %llu\n", ev.sent);
		family(f, "sipguard_events_suppressed_total", "counter",
		       "Drop events the per-CPU token bucket suppressed (the drops were still counted).");
		fprintf(f, "sipguard_events_suppressed_total %llu\n",
			ev.suppressed);
	}
	if (!sg_flowtotals_read(&fl)) {
		family(f, "sipguard_flows_learned_total", "counter",
		       "Flows the TC learner recorded from the LAN's outbound requests.");
		fprintf(f, "sipguard_flows_learned_total %llu\n", fl.learned);
		family(f, "sipguard_flows_evicted_total", "counter",
		       "Learned flows evicted, oldest first, to make room in a full table.");
		fprintf(f, "sipguard_flows_evicted_total %llu\n", fl.evicted);
		family(f, "sipguard_flows_not_recorded_total", "counter",
		       "New flows the learner could not record: the table held nothing to evict.");
		fprintf(f, "sipguard_flows_not_recorded_total %llu\n", fl.full);
	}
	return ferror(f) ? -EIO : 0;
}
