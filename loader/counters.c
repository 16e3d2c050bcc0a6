// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Readers of the counters, the table fill and the totals: each gathers a
 * struct and prints nothing but its errors.  See counters.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "counters.h"
#include "../lib/flowtab.h"
#include "pins.h"

/* ---- per-interface counters ---- */

int sg_stats_read(const char *ifname, struct sg_iface_stats *st)
{
	char path[SG_PATH_MAX];
	struct sg_counter *percpu;
	int ncpu, fd, c;
	__u32 i;

	memset(st, 0, sizeof(*st));
	snprintf(st->ifname, sizeof(st->ifname), "%s", ifname);
	st->have_meta = !sg_iface_meta_read(ifname, &st->meta);

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

/* ---- tables and totals ---- */

/* The tables whose fill is shown: the shared maps with a table label. */
#define SG_TABLE_ENTRY(field, pin, label) { label, pin },
static const struct {
	const char *name;
	const char *map;
} tables[] = {
	SG_SHARED_MAPS(SG_TABLE_ENTRY)
};
#undef SG_TABLE_ENTRY

#define N_TABLES	(int)(sizeof(tables) / sizeof(tables[0]))

int sg_tables_read(struct sg_table_fill *t, int max)
{
	struct bpf_map_info info;
	__u32 len;
	int i, n = 0, fd;

	for (i = 0; i < N_TABLES && n < max; i++) {
		if (!tables[i].name)
			continue;	/* not a table with a fill */
		fd = sg_pin_open(tables[i].map);
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
		if (!strcmp(tables[i].map, SG_MAP_FLOWS)) {
			/* an array of sets: its fill is the live flows in it */
			t[n].max = (long)info.max_entries * SG_FLOW_WAYS;
			t[n].entries = sg_flows_live(fd);
		} else {
			t[n].entries = sg_map_count(fd, info.key_size);
		}
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
	fd = sg_pin_open(name);
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
#define SG_FLOWTOTAL_ADD(field, name, text, help) t->field += st[c].field;
	for (c = 0; c < ncpu; c++) {
		SG_FLOWSTATS(SG_FLOWTOTAL_ADD)
	}
#undef SG_FLOWTOTAL_ADD
	free(st);
	return 0;
}

void sg_extras_read(struct sg_extras *x)
{
	memset(x, 0, sizeof(*x));
	x->n_tables = sg_tables_read(x->tables, SG_TABLES_MAX);
	x->have_events = !sg_evtotals_read(&x->events);
	x->have_learner = !sg_flowtotals_read(&x->learner);
}

void sg_fill_text(FILE *f, long allow, __u32 allow_max, long flows, long statics)
{
	fprintf(f, "allowlist %ld/%u, flows %ld/%d, static flows %ld/%d",
		allow < 0 ? 0 : allow, allow_max, flows < 0 ? 0 : flows,
		SG_FLOWS_MAX, statics < 0 ? 0 : statics, SG_STATIC_MAX);
}

long sg_flows_live(int fd)
{
	long live = 0;
	int err;

	err = sg_flowtab_count(fd, sg_flowtab_now(), &live, NULL);
	return err ? err : live;
}
