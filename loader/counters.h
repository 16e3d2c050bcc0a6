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

/*
 * What the flow table did (struct sg_flowstat), one line per counter:
 * X(field, name, text, help).  NAME is the key in `stats --json` and,
 * as sipguard_flows_NAME_total, the Prometheus counter; TEXT follows the
 * number in `stats`.
 */
#define SG_FLOWSTATS(X)							\
	X(learned, "learned", "learned",				\
	  "New flows the TC learner recorded from the LAN's opening requests.") \
	X(reclaimed, "reclaimed", "took an expired flow's slot",	\
	  "New flows that took the slot of an expired flow.")		\
	X(evicted, "evicted", "evicted a live flow",			\
	  "Live flows (unanswered first, then the longest unseen) evicted from a full set for a new one.") \
	X(full, "not_recorded", "not recorded (set full of registered or dialog flows)", \
	  "New flows not recorded: both of their sets held only live registered or dialog flows.") \
	X(refreshed, "refreshed", "refreshed by SIP",			\
	  "Flow refreshes by an outbound SIP request or response.")	\
	X(keepalives, "keepalive_refreshed", "refreshed by keep-alives", \
	  "Flow refreshes by an outbound CRLF or STUN keep-alive.")	\
	X(unregistered, "unregistered", "ended by a REGISTER with expires 0", \
	  "Flows ended by a REGISTER with expires 0.")			\
	X(dialogs, "dialogs", "dialogs of inspected calls",		\
	  "Dialog flows made when the LAN answered a call that unknown-invite inspect let in.") \
	X(answered, "answered", "answered",				\
	  "Flows the remote answered (counted at the first answer).")	\
	X(registered, "registered", "registered",			\
	  "Flows a registrar accepted (counted at the first 2xx to a REGISTER).")

/* The flow table's totals, summed over the CPUs (sg_flowstat). */
#define SG_FLOWTOTAL_FIELD(field, name, text, help) unsigned long long field;
struct sg_flowtotals {
	SG_FLOWSTATS(SG_FLOWTOTAL_FIELD)
};
#undef SG_FLOWTOTAL_FIELD

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

/*
 * "allowlist N/MAX, flows N/MAX, static flows N/MAX", as attach and
 * status print it: FLOWS counts the live learned flows, STATICS the
 * entries of sg_flows_static.
 */
void sg_fill_text(FILE *f, long allow, __u32 allow_max, long flows, long statics);
/* The live learned flows of the table FD (a walk of it), or -errno. */
long sg_flows_live(int fd);

#endif /* SG_COUNTERS_H */
