// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Addresses, prefixes, ports and listen addresses: see addr.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "addr.h"
#include "cli.h"

void sg_addr_from_v4(struct sg_addr *a, const void *in4)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(&a->b[12], in4, 4);
}

bool sg_addr_is_v4(const struct sg_addr *a)
{
	static const __u8 pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->b, pfx, sizeof(pfx));
}

int sg_parse_addr(const char *s, struct sg_addr *a, bool *is_v4)
{
	struct in_addr in4;

	if (inet_pton(AF_INET, s, &in4) == 1) {
		sg_addr_from_v4(a, &in4);
		*is_v4 = true;
		return 0;
	}
	*is_v4 = false;
	if (inet_pton(AF_INET6, s, a->b) == 1)
		return 0;
	return -1;
}

int sg_parse_prefix(const char *s, struct sg_lpm_key *k, char *err, size_t elen)
{
	char addr[INET6_ADDRSTRLEN + 8], net[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	unsigned long len;
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct sg_lpm_key masked;
	unsigned int max, i, bits;
	bool v4;

	memset(k, 0, sizeof(*k));
	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (sg_parse_addr(addr, &k->addr, &v4))
		goto bad_addr;
	max = v4 ? 32 : 128;
	len = max;
	if (slash && sg_parse_uint(slash + 1, max, &len)) {
		snprintf(err, elen, "invalid prefix '%s': the prefix length must be 0 to %u",
			 s, max);
		return -1;
	}
	k->prefixlen = (v4 ? 96 : 0) + len;

	masked = *k;
	for (i = 0; i < 16; i++) {
		bits = k->prefixlen > i * 8 ? k->prefixlen - i * 8 : 0;
		if (bits < 8)
			masked.addr.b[i] &= (__u8)(0xff00 >> bits);
	}
	if (memcmp(&masked, k, sizeof(masked))) {
		sg_format_prefix(&masked, net, sizeof(net));
		snprintf(err, elen, "invalid prefix '%s': host bits are set: use %s",
			 s, net);
		return -1;
	}
	return 0;
bad_addr:
	snprintf(err, elen, "invalid prefix '%s': not an IPv4 or IPv6 address: write e.g. 203.0.113.7, 198.51.100.0/24 or 2001:db8::/32",
		 s);
	return -1;
}

int sg_parse_port(const char *s, __u16 *port, const char *what, char *err,
		  size_t elen)
{
	unsigned long v;

	if (sg_parse_uint(s, 65535, &v) || v == 0) {
		snprintf(err, elen, "invalid %s '%s': use a number from 1 to 65535",
			 what, s);
		return -1;
	}
	*port = v;
	return 0;
}

int sg_parse_remote(const char *s, struct sg_addr *a, __u16 *port,
		    char *err, size_t elen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *colon, *pstr = NULL, *text = s;
	size_t alen;
	bool v4;

	*port = 0;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			goto bad;
		alen = close - s - 1;
		if (close[1] == ':')
			pstr = close + 2;
		else if (close[1])
			goto bad;
		s++;
	} else {
		colon = strchr(s, ':');
		alen = strlen(s);
		if (colon && !strchr(colon + 1, ':')) {	/* a.b.c.d:port */
			alen = colon - s;
			pstr = colon + 1;
		}
	}
	if (alen >= sizeof(buf))
		goto bad;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (sg_parse_addr(buf, a, &v4))
		goto bad;
	if (pstr) {
		char perr[SG_ERRBUF];

		if (sg_parse_port(pstr, port, "remote port", perr, sizeof(perr))) {
			snprintf(err, elen, "%s", perr);
			return -1;
		}
	}
	return 0;
bad:
	snprintf(err, elen, "invalid remote address '%s': write ADDR, ADDR:PORT or [IPV6]:PORT, e.g. 198.51.100.20:5060",
		 text);
	return -1;
}

void sg_format_addr(const struct sg_addr *a, char *buf, size_t len)
{
	if (sg_addr_is_v4(a))
		inet_ntop(AF_INET, &a->b[12], buf, len);
	else
		inet_ntop(AF_INET6, a->b, buf, len);
}

void sg_format_prefix(const struct sg_lpm_key *k, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (k->prefixlen >= 96 && sg_addr_is_v4(&k->addr)) {
		inet_ntop(AF_INET, &k->addr.b[12], a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, k->prefixlen - 96);
	} else {
		inet_ntop(AF_INET6, k->addr.b, a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, k->prefixlen);
	}
}

int sg_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
		    char *err, size_t elen)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2], perr[SG_ERRBUF];
	const char *colon, *port, *h = s;
	bool bracketed = s[0] == '[';
	size_t hlen;
	__u16 p;

	memset(ss, 0, sizeof(*ss));
	if (bracketed) {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			goto bad;
		h = s + 1;
		hlen = close - h;
		port = close + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', colon - s))
			goto bad;	/* no port, or IPv6 without brackets */
		hlen = colon - s;
		port = colon + 1;
	}
	if (hlen >= sizeof(host))
		goto bad;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (sg_parse_port(port, &p, "port", perr, sizeof(perr))) {
		snprintf(err, elen, "invalid listen address: %s", perr);
		return -1;
	}
	if (!hlen) {		/* :PORT: every address, both families */
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_any;
		a6->sin6_port = htons(p);
		*len = sizeof(*a6);
		return 0;
	}
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(p);
		*len = sizeof(*a4);
		return 0;
	}
	if (bracketed && inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(p);
		*len = sizeof(*a6);
		return 0;
	}
bad:
	snprintf(err, elen, "invalid listen address '%s': write ADDR:PORT, [IPV6]:PORT or :PORT, e.g. 127.0.0.1:9877 or [::1]:9877",
		 s);
	return -1;
}
