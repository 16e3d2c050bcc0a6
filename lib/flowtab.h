/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The learned-flow table (sg_flows, include/sipguard.h) from userspace:
 * walk it, put a flow in (the daemon's restore, the tests), end flows;
 * and its filter (sg_flowbits), which every writer of a flow keeps.
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
 * The flows' filter (sg_flowbits, struct sg_flow_bits): mapped from its
 * map FD (NULL and errno on failure), unmapped.
 */
struct sg_flow_bits *sg_flowbits_map(int fd);
void sg_flowbits_unmap(struct sg_flow_bits *bits);

/*
 * Empty both halves and use the first: an empty filter for an empty
 * table, only where no program runs meanwhile (the tests, the bench).
 */
void sg_flowbits_clear(struct sg_flow_bits *bits);

/* Set the bit of the pair {A, LOCAL_PORT} in both halves, atomically. */
void sg_flowbits_set(struct sg_flow_bits *bits, const struct sg_addr *a,
		     __u16 local_port);

/* Bits set in the half in use; -1 when the filter is off (use 0). */
long sg_flowbits_count(const struct sg_flow_bits *bits);

/*
 * Rebuild the filter from the table FD: clear the half readers do not
 * use, set the bit of every flow in it, make it the half in use.  Only
 * one rebuild at a time (the caller's lock), and none within
 * SG_FB_SETTLE_S of the last: then it does nothing.  1 when rebuilt, 0
 * when it was too soon, or -errno.
 */
int sg_flowbits_rebuild(int fd, struct sg_flow_bits *bits);

/*
 * Put SLOT into the table (restores): the flow's slot if it is there
 * (overwritten), else a free or expired slot of one of its two sets, the
 * emptier first as the learner chooses; a live flow is never displaced.
 * Its bit set in BITS before and after.  0, -ENOSPC when both sets are
 * full of live flows, or -errno.
 */
int sg_flowtab_put(int fd, struct sg_flow_bits *bits,
		   const struct sg_flow_slot *slot);

/*
 * End the flows of K (every remote port of the pair when ANY_RPORT).
 * Returns how many were ended, or -errno.
 */
int sg_flowtab_del(int fd, const struct sg_flow_key *k, bool any_rport);

/*
 * The flow K (any remote port of the pair when ANY_RPORT): 1 and its
 * slot in *OUT (if not NULL), 0 when it is not there, or -errno.
 */
int sg_flowtab_find(int fd, const struct sg_flow_key *k, bool any_rport,
		    struct sg_flow_slot *out);

/*
 * Replace the whole table with SLOTS (N of them), placed as the learner
 * places flows into free slots, their bits set in BITS; a flow whose two
 * sets are full is left out.  For a table known to be empty (the bench,
 * a fresh restore).  Returns how many were placed, or -errno.
 */
int sg_flowtab_load(int fd, struct sg_flow_bits *bits,
		    const struct sg_flow_slot *slots, size_t n);

/* End every flow; returns how many were ended, or -errno. */
int sg_flowtab_flush(int fd);

/*
 * Count the occupied slots: *LIVE those fresh at NOW, *ALL every one
 * (either may be NULL).  0 or -errno.
 */
int sg_flowtab_count(int fd, __u32 now, long *live, long *all);

#endif /* SG_LIB_FLOWTAB_H */
