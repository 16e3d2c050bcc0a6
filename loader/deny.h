/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The deny list (deny.c): what the config file writes. */
#ifndef SG_DENY_H
#define SG_DENY_H

#include <stddef.h>

#include "pins.h"

/* Make the deny list's entries of ORIGIN equal KEYS (new ones first). */
int sg_deny_sync(const struct sg_maps *m, const struct sg_lpm_key *keys,
		 size_t n, __u32 origin);

#endif /* SG_DENY_H */
