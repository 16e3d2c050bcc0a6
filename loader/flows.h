/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The established-flow table (flows.c), as the config file writes it. */
#ifndef SG_FLOWS_H
#define SG_FLOWS_H

#include <stddef.h>

#include "sipguard.h"

/* Make the hand-made flows of origin CONFIG equal KEYS (remote_port 0 =
 * any port); CLI and learned flows stay. */
int sg_flows_sync_config(int fd, const struct sg_flow_key *keys, size_t n);

#endif /* SG_FLOWS_H */
