/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reading and printing the per-interface counters.  Kept apart from the
 * `stats` verb so that other outputs (Prometheus, a watch loop, an
 * exporter) can reuse the reading and the JSON.
 */
#ifndef SG_STATS_H
#define SG_STATS_H

#include "common.h"

/* Names and drop-ness of the reasons, from the SG_REASONS X-macro. */
extern const char *const sg_reason_names[SG_REASON_MAX];
extern const bool sg_reason_drops[SG_REASON_MAX];
const char *sg_verdict_name(unsigned int verdict);

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
json_object *sg_stats_json(const struct sg_iface_stats *st, int n);
void sg_stats_print(FILE *f, const struct sg_iface_stats *st, int n, bool all);

#endif /* SG_STATS_H */
