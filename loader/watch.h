/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `sipguard stats --watch` (watch.c). */
#ifndef SG_WATCH_H
#define SG_WATCH_H

#include <stdbool.h>

/* Seconds from 1 to a day: 0, or -1. */
int sg_parse_interval(const char *s, unsigned int *secs);
/* Rounds of the counters every SECS seconds until Ctrl-C. */
int sg_stats_watch(const char *only, bool all, unsigned int secs);

#endif /* SG_WATCH_H */
