/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Readers of what sipguard counts, each gathering a struct that the
 * renderers (statsfmt.c for text and JSON, prom.c for Prometheus) print:
 * the per-interface counters, the fill of the tables, the drop-event and
 * learner totals.
 */
#ifndef SG_COUNTERS_H
#define SG_COUNTERS_H

#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>

#include "sipguard.h"

/* ---- per-interface counters ---- */
struct sg_iface_stats {
	char ifname[IF_NAMESIZE];
	bool have_meta;
	struct sg_iface_meta meta;
	struct sg_counter ctr[SG_CTR_MAX];	/* summed over all CPUs */
	struct sg_counter total[SG_VERDICT_MAX];
};

/* Counters of one attached interface; prints the error. */
int sg_stats_read(const char *ifname, struct sg_iface_stats *st);
/* All attached interfaces (or only ONLY, if not NULL); *n may be 0. */
int sg_stats_read_all(const char *only, struct sg_iface_stats **out, int *n);

/* ---- tables and totals ---- */
/* One pinned map's fill (the tables of SG_SHARED_MAPS with a label). */
struct sg_table_fill {
	const char *name;	/* "allowlist", "flows", ... */
	long entries;		/* -1: map not pinned */
	long max;
};

#define SG_TABLES_MAX	8

/* The drop-event token buckets, summed over the CPUs (sg_evstate). */
struct sg_evtotals {
	unsigned long long sent;
	unsigned long long suppressed;
};

/* The learner's totals, summed over the CPUs (sg_flowstat). */
struct sg_flowtotals {
	unsigned long long learned;
	unsigned long long evicted;
	unsigned long long full;
};

/* What `stats` shows after the counters, and the exporter too. */
struct sg_extras {
	struct sg_table_fill tables[SG_TABLES_MAX];
	int n_tables;
	bool have_events;
	struct sg_evtotals events;
	bool have_learner;
	struct sg_flowtotals learner;
};

/* Fill of the pinned tables; returns how many were written into T. */
int sg_tables_read(struct sg_table_fill *t, int max);
int sg_evtotals_read(struct sg_evtotals *t);
int sg_flowtotals_read(struct sg_flowtotals *t);
void sg_extras_read(struct sg_extras *x);

/* "allowlist N/MAX, flows N/MAX", as attach and status print it. */
void sg_fill_text(FILE *f, long allow, long flows);

#endif /* SG_COUNTERS_H */
