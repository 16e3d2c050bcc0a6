/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Addresses, prefixes, ports and listen addresses: parsing what a user
 * writes, and printing what the maps hold.  Addresses are 16 bytes, IPv4
 * as ::ffff:a.b.c.d.  The parsers write their message into ERR.
 */
#ifndef SG_ADDR_H
#define SG_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "sipguard.h"

void sg_addr_from_v4(struct sg_addr *a, const void *in4);
bool sg_addr_is_v4(const struct sg_addr *a);
int sg_parse_addr(const char *s, struct sg_addr *a, bool *is_v4);
int sg_parse_prefix(const char *s, struct sg_lpm_key *k, char *err, size_t elen);
int sg_parse_port(const char *s, __u16 *port, const char *what, char *err,
		  size_t elen);
/* REMOTE_ADDR[:PORT], IPv6 with a port in brackets.  *port 0 = no port. */
int sg_parse_remote(const char *s, struct sg_addr *a, __u16 *port,
		    char *err, size_t elen);
/*
 * ADDR:PORT, [IPV6]:PORT or :PORT (every address) into SS.  Returns 0, or
 * -1 with a message in ERR.
 */
int sg_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
		    char *err, size_t elen);
void sg_format_addr(const struct sg_addr *a, char *buf, size_t len);
void sg_format_prefix(const struct sg_lpm_key *k, char *buf, size_t len);

#endif /* SG_ADDR_H */
