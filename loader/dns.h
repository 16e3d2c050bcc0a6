/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A small DNS client for the allowlist's host names (dns.c): the A and
 * AAAA records of a name, its SIP SRV records (_sip._udp.NAME) and the A
 * and AAAA records of their targets, with the smallest TTL of what was
 * used, asked of given servers or of /etc/resolv.conf's.  A failure says
 * what kind it was (no such name, no records, timeout, server failure...)
 * and which server said so.
 */
#ifndef SG_DNS_H
#define SG_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "sipguard.h"

#define SG_DNS_SERVERS_MAX	3	/* as resolv.conf's MAXNS */
#define SG_DNS_PORT		53
#define SG_DNS_TRY_S		2	/* seconds a server has to answer a try */
#define SG_DNS_TRIES		2	/* rounds over the servers */
#define SG_DNS_ADDRS_MAX	32	/* addresses one name resolves to */
#define SG_DNS_SRV_MAX		16	/* SRV targets followed */
#define SG_HOSTNAME_MAX		253	/* a DNS name without its final dot */

struct sg_dns_server {
	struct sg_addr addr;	/* IPv4 as ::ffff:a.b.c.d */
	__u16 port;		/* host order */
	__u16 reserved;
};

enum sg_dns_status {
	SG_DNS_OK = 0,
	SG_DNS_NXDOMAIN,	/* the name does not exist */
	SG_DNS_NODATA,		/* it exists, with no address to use */
	SG_DNS_TIMEOUT,		/* no server answered */
	SG_DNS_SERVFAIL,	/* the server could not resolve it */
	SG_DNS_REFUSED,		/* the server refused the query */
	SG_DNS_UNREACHABLE,	/* no server could be reached */
	SG_DNS_BADREPLY,	/* an answer that cannot be read */
	SG_DNS_ERROR,		/* this side failed (memory, sockets) */
	SG_DNS_STATUS_MAX
};

/* What a name resolved to. */
struct sg_dns_answer {
	int status;			/* enum sg_dns_status */
	char why[256];			/* on failure: what happened, and where */
	struct sg_addr addrs[SG_DNS_ADDRS_MAX];
	unsigned int n;
	unsigned int left_out;		/* addresses past SG_DNS_ADDRS_MAX */
	unsigned int srv_targets;	/* SRV targets followed */
	__u32 ttl;			/* the smallest TTL of the records used */
};

/* "ok", "NXDOMAIN", "no records", "timeout", "SERVFAIL", ... */
const char *sg_dns_status_name(int status);
/* A failure that a later try may not see (a timeout, a server failure). */
bool sg_dns_transient(int status);

/*
 * A host name as a user writes it: letters, digits, '-' and '_' in labels
 * of 1 to 63 bytes, at least two labels, the last not all digits (so that
 * no mistyped address is taken for a name), an optional final dot.  OUT
 * gets it in lower case without the dot.  0, or -1 with a message in ERR.
 */
int sg_parse_hostname(const char *s, char *out, size_t olen, char *err,
		      size_t elen);
/* ADDR, ADDR:PORT or [IPV6]:PORT.  0, or -1 with a message in ERR. */
int sg_parse_dns_server(const char *s, struct sg_dns_server *srv, char *err,
			size_t elen);
void sg_format_dns_server(const struct sg_dns_server *srv, char *buf, size_t len);
/*
 * The nameservers of /etc/resolv.conf (up to SG_DNS_SERVERS_MAX; none
 * there: 127.0.0.1, as the C library does).  Their number.
 */
size_t sg_dns_system_servers(struct sg_dns_server *srv, size_t max);

/*
 * Resolve NAME (as sg_parse_hostname gives it) by asking SRV (N of them;
 * none: the system's).  CANCEL, when not NULL, is looked at between
 * queries: once set, the answer is SG_DNS_ERROR.
 */
void sg_dns_resolve(const char *name, const struct sg_dns_server *srv, size_t n,
		    struct sg_dns_answer *a, const volatile int *cancel);

#endif /* SG_DNS_H */
