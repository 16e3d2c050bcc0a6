/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The learned-flow table (sg_flows, include/sipguard.h) from userspace:
 * walk it, put a flow in (the daemon's restore, the tests), end flows.
 * Host code shared by the sipguard program, the tests and the bench.
 *
 * A change reads a set and writes it back under the set's spin lock
 * (BPF_F_LOCK), two system calls apart: a learner that changes the same
 * set in between loses its change, which its next packet makes again.
 * Userspace changes are rare (restore at start, `flows del|flush`), and
 * the programs' own changes never race with each other.
 */
#ifndef SG_LIB_FLOWTAB_H
#define SG_LIB_FLOWTAB_H

#include <stdbool.h>
#include "sipguard.h"

/* sg_now_s() of the programs: CLOCK_MONOTONIC seconds. */
__u32 sg_flowtab_now(void);

/*
 * Call CB for every occupied slot, in set and way order; a nonzero
 * return of CB stops the walk and is returned.  -errno on a map error.
 */
typedef int (*sg_flowtab_cb)(const struct sg_flow_slot *slot, __u32 set,
			     __u32 way, void *arg);
int sg_flowtab_walk(int fd, sg_flowtab_cb cb, void *arg);

/*
 * Put SLOT into the table as the learner would: the flow's slot if it is
 * there (overwritten), else a free, expired or evictable slot of one of
 * its two sets.  0, -ENOSPC when both sets hold only live protected
 * flows, or -errno.
 */
int sg_flowtab_put(int fd, const struct sg_flow_slot *slot);

/*
 * End the flows of K (every remote port of the pair when ANY_RPORT).
 * Returns how many were ended, or -errno.
 */
int sg_flowtab_del(int fd, const struct sg_flow_key *k, bool any_rport);

/* End every flow; returns how many were ended, or -errno. */
int sg_flowtab_flush(int fd);

/*
 * Count the occupied slots: *LIVE those fresh at NOW, *ALL every one
 * (either may be NULL).  0 or -errno.
 */
int sg_flowtab_count(int fd, __u32 now, long *live, long *all);

#endif /* SG_LIB_FLOWTAB_H */
