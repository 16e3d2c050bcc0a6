/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Building a User-Agent blocklist (struct sg_ua_set of include/sipguard.h)
 * from patterns.  Host code shared by the sipguard program, the tests of
 * the matcher and the benchmark, so that all of them build the set the
 * same way.  Needs nothing but the ABI header and libc.
 */
#ifndef SG_LIB_UASET_H
#define SG_LIB_UASET_H

#include <errno.h>	/* the -E... results */
#include <stddef.h>
#include "sipguard.h"

/*
 * Add one pattern (matched as a case-insensitive substring).  Returns 0,
 * -EEXIST when it is there already, -ENOSPC when the set is full, -EINVAL
 * when it is shorter than SG_UA_PAT_MIN or longer than SG_UA_PAT_MAX bytes
 * or holds a control byte.
 */
int sg_ua_set_add(struct sg_ua_set *set, const char *pat);

/* Pattern I as text (lower case), NUL-terminated into BUF. */
const char *sg_ua_set_pattern(const struct sg_ua_set *set, __u32 i, char *buf,
			      size_t size);

#endif /* SG_LIB_UASET_H */
