/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The text and JSON renderings of what counters.c gathers, for `stats`
 * and `stats --watch`.  (The Prometheus rendering is prom.c's.)
 */
#ifndef SG_STATSFMT_H
#define SG_STATSFMT_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "counters.h"

json_object *sg_stats_json(const struct sg_iface_stats *st, int n);
void sg_stats_print(FILE *f, const struct sg_iface_stats *st, int n, bool all);
/* The table fill and totals after the counters. */
void sg_extras_text(FILE *f, const struct sg_extras *x);
void sg_extras_json(json_object *root, const struct sg_extras *x);

#endif /* SG_STATSFMT_H */
