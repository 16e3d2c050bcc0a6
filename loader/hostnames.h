/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Host names in the allowlist (hostnames.c): a SIP trunk given by name.
 * Each name, who listed it, the addresses it resolved to and when, live
 * in a hash map that sipguard pins beside the allowlist
 * (<pin>/hostnames/sg_hostnames); the programs never read it.  The
 * allowlist's entries of origin dns are the addresses of all names
 * together, written through the allowlist's own prefix-list functions.
 * `allow add NAME` resolves a name once; the daemon resolves every name
 * again when its records' TTL runs out, and keeps an address that a name
 * no longer has for a grace period.
 */
#ifndef SG_HOSTNAMES_H
#define SG_HOSTNAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "dns.h"
#include "pins.h"

#define SG_HOSTNAMES_MAX	128	/* names in the allowlist */
#define SG_HOSTADDRS_MAX	64	/* addresses a name holds, old ones too */
#define SG_HN_DIR		"hostnames"	/* under the pin dir; its flock */
#define SG_MAP_HOSTNAMES	"sg_hostnames"
#define SG_HN_WHY_MAX		160

/* The daemon's timing ([allow] refresh-min, refresh-max, grace). */
#define SG_REFRESH_MIN_DEFAULT	30	/* seconds: at least this between two */
#define SG_REFRESH_MAX_DEFAULT	3600	/* and at most this */
#define SG_GRACE_DEFAULT	3600	/* an address gone from DNS stays */
#define SG_RETRY_MAX_S		300	/* a failing name is tried at least so often */
#define SG_HN_TIME_MAX		604800	/* one week: the largest of the three */

/* Who listed a name. */
#define SG_HN_CLI		(1u << 0)	/* sipguard allow add */
#define SG_HN_CONFIG		(1u << 1)	/* [allow] prefix = NAME */

#define SG_HA_OLD		(1u << 0)	/* gone from DNS: in its grace */

struct sg_hostaddr {
	struct sg_addr addr;
	__u32 flags;		/* SG_HA_* */
	__u32 until_s;		/* an old one: when its grace ends (sg_hn_now) */
};

struct sg_hostname_key {
	char name[SG_HOSTNAME_MAX + 3];		/* lower case, NUL-padded */
};

/* Times are sg_hn_now() seconds; 0 is "never". */
struct sg_hostname_val {
	__u32 origin;		/* SG_HN_* */
	__u32 n_addrs;
	__u32 resolved_s;	/* the last good answer */
	__u32 tried_s;		/* the last try, good or not */
	__u32 ttl_s;		/* of the last good answer */
	__u32 fails;		/* tries failed since the last good one */
	__u32 status;		/* enum sg_dns_status of the last try */
	__u32 n_servers;	/* 0: the system's (resolv.conf) */
	struct sg_dns_server servers[SG_DNS_SERVERS_MAX];
	char why[SG_HN_WHY_MAX];	/* the last failure */
	struct sg_hostaddr addrs[SG_HOSTADDRS_MAX];
};

struct sg_hostname {
	struct sg_hostname_key key;
	struct sg_hostname_val val;
};

struct sg_hn_policy {
	__u32 refresh_min_s;
	__u32 refresh_max_s;
	__u32 grace_s;
};

/* What an answer or the end of a grace changed in a name's addresses. */
struct sg_hn_change {
	struct sg_addr added[SG_HOSTADDRS_MAX];	/* new, or back from old */
	struct sg_addr aged[SG_HOSTADDRS_MAX];	/* gone from DNS: now old */
	struct sg_addr dropped[SG_HOSTADDRS_MAX];	/* out of the allowlist */
	unsigned int n_added, n_aged, n_dropped;
};

/* Seconds on the boot-time clock, plus one (so that 0 means never). */
__u32 sg_hn_now(void);
void sg_hn_policy_defaults(struct sg_hn_policy *p);

/*
 * The lock over the names and the allowlist's dns entries: an flock on
 * <pin>/hostnames/, made if CREATE.  An fd; -ENOENT when there is no
 * directory and !CREATE (no names: nothing to lock); -1 after a message.
 * Taken by the verbs, the config's apply and the daemon, never inside
 * the functions below.
 */
int sg_hn_lock(bool create);
void sg_hn_unlock(int fd);
/* The names map: an fd; -ENOENT when there is none and !CREATE; -1
 * after a message. */
int sg_hn_open(bool create);
/* Every name, sorted by name; free *OUT.  0 or -errno. */
int sg_hn_dump(int fd, struct sg_hostname **out, size_t *n);
int sg_hn_get(int fd, const char *name, struct sg_hostname_val *v);
int sg_hn_put(int fd, const char *name, const struct sg_hostname_val *v);
int sg_hn_del(int fd, const char *name);
/* The addresses of every name (old ones too), as /32 and /128 keys,
 * sorted; no names map: none.  0 or -errno. */
int sg_hn_keys(struct sg_lpm_key **keys, size_t *n);
/* Make the allowlist's dns entries the addresses of the names.  0 or -1. */
int sg_hn_settle(const struct sg_maps *m);

/*
 * A good answer A at NOW: the addresses of A are the name's current ones;
 * those no longer in it turn old until NOW + GRACE_S, or go at once when
 * !KEEP_OLD (old ones past the room left go first).  C, when not NULL,
 * gets what changed.
 */
void sg_hn_take(struct sg_hostname_val *v, const struct sg_dns_answer *a,
		__u32 now, __u32 grace_s, bool keep_old, struct sg_hn_change *c);
/* A failed answer: the addresses stay. */
void sg_hn_failed(struct sg_hostname_val *v, const struct sg_dns_answer *a,
		  __u32 now);
/* Old addresses whose grace is over go (into C).  Their number. */
unsigned int sg_hn_expire(struct sg_hostname_val *v, __u32 now,
			  struct sg_hn_change *c);
/* When the name is to be resolved again: a good one after its TTL (within
 * the policy's bounds), a failing one after a back-off. */
__u32 sg_hn_due(const struct sg_hostname_val *v, const struct sg_hn_policy *p);
/* The earliest end of a grace, or 0. */
__u32 sg_hn_next_expiry(const struct sg_hostname_val *v);
unsigned int sg_hn_current(const struct sg_hostname_val *v);

/*
 * The config file's names: names of origin config become NAMES (N of
 * them, each to be asked of SERVERS, NS of them; 0: the system's), new
 * ones without addresses until they are resolved; the allowlist follows.
 * The caller holds the lock.  0, or -1 after a message.
 */
int sg_hn_sync_config(const struct sg_maps *m, const char (*names)[SG_HOSTNAME_MAX + 1],
		      size_t n, const struct sg_dns_server *servers, size_t ns);
/*
 * Resolve the config's names now and put their addresses in (what
 * `attach --config` does without a daemon).  0, or -1 after a message for
 * every name that did not resolve.
 */
int sg_hn_resolve_config(const struct sg_maps *m, const char *path,
			 const char (*names)[SG_HOSTNAME_MAX + 1], size_t n,
			 const struct sg_dns_server *servers, size_t ns);

/*
 * The names' addresses in a file, so that they outlive a reboot (the
 * daemon's state directory).  Save: every name and its current
 * addresses, to PATH via PATH.tmp; the number of names, or -errno with
 * the reason in MSG.  Restore: the saved addresses of each name in the
 * map that has none and was never resolved (the map is new: a reboot),
 * and the allowlist follows; the names stay due at once.  The number of
 * names restored; -ENOENT: no file; -EINVAL: a damaged file (nothing
 * restored); other -errno.  The caller holds the lock.
 */
long sg_hn_save_file(const char *path, char *msg, size_t mlen);
long sg_hn_restore_file(const struct sg_maps *m, const char *path, char *msg,
			size_t mlen);
#define SG_HN_STATE_FILE	"hostnames"

/* "no such name: check the name", or what to check for a failure. */
const char *sg_hn_hint(int status, bool resolver_given);

#endif /* SG_HOSTNAMES_H */
