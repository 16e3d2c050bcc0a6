/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The drop-event ring buffer (sg_events) and its one reader: `sipguard
 * events` or the daemon (events.c).
 */
#ifndef SG_EVENTS_H
#define SG_EVENTS_H

#include "sipguard.h"

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

#endif /* SG_EVENTS_H */
