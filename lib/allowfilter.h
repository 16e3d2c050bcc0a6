/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The allowlist's filter (struct sg_allow_bits, include/sipguard.h) built
 * from its prefixes: host code shared by the sipguard program, the tests
 * and the bench, so that all of them write the filter one way.
 */
#ifndef SG_LIB_ALLOWFILTER_H
#define SG_LIB_ALLOWFILTER_H

#include <stddef.h>
#include "sipguard.h"

/* Set the bits of prefix K in B (valid is the caller's). */
void sg_allow_filter_add(struct sg_allow_bits *b, const struct sg_lpm_key *k);

/*
 * Rebuild the filter of the trie TRIE_FD (every prefix in it, and the N
 * of EXTRA about to go in) and write it to FILTER_FD with VALID
 * (SG_AF_FORMAT, or 0 for a filter that no program uses).  0 or -errno.
 */
int sg_allow_filter_write(int trie_fd, int filter_fd,
			  const struct sg_lpm_key *extra, size_t n, __u32 valid);

#endif /* SG_LIB_ALLOWFILTER_H */
