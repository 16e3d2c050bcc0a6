/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the observability commands share (stats, events, exporter,
 * daemon): the table fill and event totals, the Prometheus exposition,
 * the HTTP exporter, the lock of the one drop-event reader.
 */
#ifndef SG_OBSERVE_H
#define SG_OBSERVE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "common.h"

/* ---- tables and event totals (prom.c) ---- */

/* One pinned map's fill, for stats and the exporter. */
struct sg_table_fill {
	const char *name;	/* "allowlist", "flows", ... */
	long entries;		/* -1: map not pinned */
	long max;
};

#define SG_TABLES_MAX	8
/* Fill of the pinned tables; returns how many were written into T. */
int sg_tables_read(struct sg_table_fill *t, int max);

/* The drop-event token buckets, summed over the CPUs (sg_evstate). */
struct sg_evtotals {
	unsigned long long sent;
	unsigned long long suppressed;
};
int sg_evtotals_read(struct sg_evtotals *t);

/* The learner's totals, summed over the CPUs (sg_flowstat). */
struct sg_flowtotals {
	unsigned long long learned;
	unsigned long long evicted;
	unsigned long long full;
};
int sg_flowtotals_read(struct sg_flowtotals *t);

/* The table fill and event totals after the counters of `sipguard stats`. */
void sg_stats_extras_print(FILE *f);
void sg_stats_extras_json(json_object *root);

/* ---- sipguard stats --watch (watch.c) ---- */
int sg_parse_interval(const char *s, unsigned int *secs);
int sg_stats_watch(const char *only, bool all, unsigned int secs);

/* Is the interface's pinned XDP link live on IFNAME in this netns? */
bool sg_iface_attached(const char *ifname);

/*
 * The Prometheus text exposition of everything sipguard counts: the
 * interfaces pinned, plus EXPECT (interfaces that should be attached,
 * shown as sipguard_attached 0 when they are not).
 */
int sg_prom_write(FILE *f, char (*expect)[IF_NAMESIZE], int n_expect);

/* ---- the HTTP exporter (exporter.c) ---- */

/*
 * ADDR:PORT, [IPV6]:PORT or :PORT (every address) into SS.  Returns 0, or
 * -1 with a message in ERR.
 */
int sg_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
		    char *err, size_t elen);

struct sg_exporter;
/* Serve /metrics on LISTEN; NULL after printing why not. */
struct sg_exporter *sg_exporter_start(const char *listen);
void sg_exporter_stop(struct sg_exporter *e);
/* The interfaces every scrape reports, attached or not (copied). */
void sg_exporter_expect(struct sg_exporter *e, char (*ifs)[IF_NAMESIZE], int n);

/* ---- drop events (events.c) ---- */

/*
 * A BPF ring buffer has one consumer: each event goes to whichever
 * reader takes it first.  The reader holds an flock on the pin directory
 * so that a second one can be told.  Returns the locked fd, -EWOULDBLOCK
 * when another reader holds it, or another -errno.
 */
int sg_events_lock(void);
/* The pinned sg_events map: fd (and its id in *ID), or -errno. */
int sg_events_open(__u32 *id);
/* The name of IFINDEX in this netns into BUF (IF_NAMESIZE), or NULL. */
const char *sg_ifname(__u32 ifindex, char *buf);

#endif /* SG_OBSERVE_H */
