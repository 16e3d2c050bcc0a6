/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The flow tables from the command line: the hand-made flows
 * (sg_flows_static, flows.c), the listing (flowlist.c), the state file
 * (flowstate.c).
 */
#ifndef SG_FLOWS_H
#define SG_FLOWS_H

#include <stddef.h>

#include "sipguard.h"
#include "pins.h"

struct sg_static_entry {
	struct sg_flow_key key;
	struct sg_flow_static val;
};

/* Every entry of sg_flows_static (shadows too), unsorted: 0 or -errno. */
int sg_flows_static_dump(int fd, struct sg_static_entry **out, size_t *n);

/* Set SG_CFG_STATIC exactly when sg_flows_static has entries. */
int sg_flows_static_flag(const struct sg_maps *m);

/* Make the hand-made flows of origin CONFIG equal KEYS (remote_port 0 =
 * any port); CLI and learned flows stay. */
int sg_flows_sync_config(const struct sg_maps *m, const struct sg_flow_key *keys,
			 size_t n);

/* `flows list`, `flows save FILE`, `flows restore FILE`. */
int sg_flows_list(int argc, char **argv);
int sg_flows_save_cmd(int argc, char **argv);
int sg_flows_restore_cmd(int argc, char **argv);

#endif /* SG_FLOWS_H */
