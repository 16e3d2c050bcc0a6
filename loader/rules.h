/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The layer-7 lists besides the deny list, as the config file writes
 * them: the User-Agent blocklist (ua.c) and the Request-URI users
 * (users.c).
 */
#ifndef SG_RULES_H
#define SG_RULES_H

#include <stddef.h>

#include "pins.h"

/* Make the config file's User-Agent patterns equal PATS; CLI ones stay. */
int sg_ua_sync_config(const struct sg_maps *m, char (*pats)[SG_UA_PAT_MAX + 1],
		      size_t n);
/* The same for the users. */
int sg_users_sync_config(const struct sg_maps *m, const struct sg_user_key *keys,
			 size_t n);
/* A Request-URI user (the part before the @): 0, or -1 with ERR. */
int sg_parse_user(const char *s, struct sg_user_key *k, char *err, size_t elen);

#endif /* SG_RULES_H */
