/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The HTTP exporter of /metrics (exporter.c), run by `sipguard exporter`
 * and by the daemon.
 */
#ifndef SG_EXPORTER_H
#define SG_EXPORTER_H

#include <net/if.h>

struct sg_exporter;
/* Serve /metrics on LISTEN; NULL after printing why not. */
struct sg_exporter *sg_exporter_start(const char *listen);
void sg_exporter_stop(struct sg_exporter *e);
/* The interfaces every scrape reports, attached or not (copied). */
void sg_exporter_expect(struct sg_exporter *e, char (*ifs)[IF_NAMESIZE], int n);

#endif /* SG_EXPORTER_H */
