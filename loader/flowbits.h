/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The flows' filter (sg_flowbits, include/sipguard.h) from the loader:
 * mapped for the writers of flows, rebuilt by `attach` and the daemon
 * (the functions are lib/flowtab.c's; the lock is here).
 */
#ifndef SG_FLOWBITS_H
#define SG_FLOWBITS_H

#include <stddef.h>
#include "sipguard.h"

/*
 * The filter of the map FD mapped, or NULL after a message (FD -1: not
 * pinned, the pins of an older sipguard; sg_maps_open() lets that pass).
 */
struct sg_flow_bits *sg_flowbits_open(int fd);

/*
 * Rebuild the filter of the pinned maps, under <pin>/flowbits_lock.
 * Only where every attached interface runs programs that keep it
 * (SG_META_FLOWBITS): an older sipguard's learner puts flows in without
 * their bits, so while one runs, the filter is turned off (use 0), and
 * the first such interface's name goes to OTHER.  No message: the
 * callers say it their own way.
 */
enum {
	SG_FB_RECENT	= 0,	/* rebuilt less than SG_FB_SETTLE_S ago */
	SG_FB_REBUILT	= 1,
	SG_FB_OFF	= 2,	/* an interface runs an older sipguard */
};
int sg_flowbits_refresh(char *other, size_t len);

/* How often the daemon rebuilds the filter, seconds. */
#define SG_FB_REBUILD_S		60

#endif /* SG_FLOWBITS_H */
