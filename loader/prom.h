/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The Prometheus rendering of what sipguard counts (prom.c). */
#ifndef SG_PROM_H
#define SG_PROM_H

#include <stdio.h>
#include <net/if.h>

/*
 * The Prometheus text exposition of everything sipguard counts: the
 * interfaces pinned, plus EXPECT (interfaces that should be attached,
 * shown as sipguard_attached 0 when they are not).
 */
int sg_prom_write(FILE *f, char (*expect)[IF_NAMESIZE], int n_expect);

#endif /* SG_PROM_H */
