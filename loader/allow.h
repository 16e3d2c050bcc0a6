/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The allowlist (allow.c): what attach and the config file write. */
#ifndef SG_ALLOW_H
#define SG_ALLOW_H

#include <stddef.h>

#include "pins.h"

/*
 * An allowlist argument: a prefix into K (0), or a host name into NAME
 * (1, lower case, no final dot); -1 with a message in ERR.
 */
int sg_allow_parse(const char *s, struct sg_lpm_key *k, char *name, size_t nlen,
		   char *err, size_t elen);

/*
 * Make the allowlist's entries of origin CONFIG equal KEYS: add the new
 * ones first, then delete those no longer listed.  CLI entries stay.
 */
int sg_allow_sync_config(const struct sg_maps *m, const struct sg_lpm_key *keys,
			 size_t n);
/*
 * Make the allowlist's entries of origin DNS equal KEYS (the addresses of
 * its host names, hostnames.c); entries of other origins stay.
 */
int sg_allow_sync_dns(const struct sg_maps *m, const struct sg_lpm_key *keys,
		      size_t n);
/*
 * Rewrite the allowlist's bitmap filter from the trie, plus EXTRA keys
 * about to go in (so it stays a superset while they are added); off,
 * with a warning, while an attached interface runs an older sipguard's
 * programs (SG_META_ALLOWBITS).
 */
int sg_allow_bits_rebuild(const struct sg_maps *m, const struct sg_lpm_key *extra,
			  size_t n);
/* The same, without the warning: attach's, before its own record. */
int sg_allow_bits_quiet(const struct sg_maps *m);

#endif /* SG_ALLOW_H */
