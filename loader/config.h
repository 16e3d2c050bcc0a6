/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The sipguard config file (INI, parsed with libinih): parse it into a
 * struct first, apply it to the open maps second.  `attach --config` does
 * both; a daemon can re-apply on SIGHUP the same way.
 */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>

#include "cli.h"
#include "dns.h"
#include "hostnames.h"
#include "pins.h"

/* [daemon]: what `sipguard daemon` attaches and serves; attach ignores it. */
struct sg_cfg_daemon {
	char ifaces[SG_IFACES_MAX][IF_NAMESIZE];	/* interface = IFACE */
	int n_ifaces;
	char listen[64];	/* the exporter's ADDR:PORT; "" for none */
	char mode[8];		/* "native", "generic"; "": the kernel's choice */
	bool no_learn;		/* learn = off */
	char state_dir[SG_PATH_MAX];	/* state-dir = DIR; "": off */
	unsigned int save_interval_s;	/* save-interval = SECONDS; 0: at stop */
};

struct sg_cfg {
	char path[SG_PATH_MAX];
	struct sg_config settings;	/* defaults, overridden by [settings] */
	struct sg_lpm_key *allow;	/* [allow] prefix = ... */
	size_t n_allow;
	__u32 allow_max;		/* [allow] max-entries = ...; 0: SG_ALLOW_MAX */
	char (*names)[SG_HOSTNAME_MAX + 1];	/* [allow] prefix = NAME */
	size_t n_names;
	struct sg_dns_server resolvers[SG_DNS_SERVERS_MAX];	/* resolver = */
	size_t n_resolvers;		/* 0: the system's */
	struct sg_hn_policy names_policy;	/* refresh-min, refresh-max, grace */
	struct sg_flow_key *flows;	/* [flows] flow = ...; remote_port 0: any */
	size_t n_flows;
	struct sg_lpm_key *deny;	/* [deny] prefix = ..., file = ... */
	size_t n_deny;
	char (*ua)[SG_UA_PAT_MAX + 1];	/* [user-agents] block = ... */
	size_t n_ua;
	struct sg_user_key *users;	/* [users] user = ... */
	size_t n_users;
	struct sg_cfg_daemon daemon;	/* [daemon] */
};

/* Parse PATH into CFG.  On error prints "Error: PATH:LINE: ..." and
 * returns -1; CFG is then empty. */
int sg_cfg_parse(const char *path, struct sg_cfg *cfg);
/* Write the settings and the config entries into the maps. */
int sg_cfg_apply(const struct sg_cfg *cfg, const struct sg_maps *m);
void sg_cfg_free(struct sg_cfg *cfg);
#endif /* SG_CONFIG_H */
