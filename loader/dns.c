// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The DNS client of the allowlist's host names (see dns.h).
 *
 * The C library's getaddrinfo() hides the TTLs, which say when to ask
 * again, and the SRV records, and it cannot be pointed at another server
 * than resolv.conf's.  So the queries are made here: a plain recursive
 * query over UDP to each server in turn (TCP when the answer comes back
 * truncated), and the answers are read with libresolv's message parser
 * (ns_initparse, ns_parserr, ns_name_uncompress), which ships with the C
 * library (libc6 on Debian) and needs no other package.  Doing the
 * transport here also lets a failure say what it was: the server's
 * NXDOMAIN is another thing than its SERVFAIL, than silence, or than a
 * refused connection, and the message names the server.
 *
 * An answer is taken only from the server the query went to (a connected
 * socket), with the query's id and question.  A name with CNAMEs is
 * followed along the chain in the answer, as the recursive server gave it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "addr.h"
#include "cli.h"
#include "dns.h"

#define DNS_MSG_MAX	65535	/* over TCP */
#define DNS_UDP_MAX	512	/* without EDNS */
#define DNS_CHAIN_MAX	8	/* CNAMEs followed */
#define RESOLV_CONF	"/etc/resolv.conf"

static const char *const status_names[SG_DNS_STATUS_MAX] = {
	[SG_DNS_OK]		= "ok",
	[SG_DNS_NXDOMAIN]	= "NXDOMAIN",
	[SG_DNS_NODATA]		= "no records",
	[SG_DNS_TIMEOUT]	= "timeout",
	[SG_DNS_SERVFAIL]	= "SERVFAIL",
	[SG_DNS_REFUSED]	= "REFUSED",
	[SG_DNS_UNREACHABLE]	= "unreachable",
	[SG_DNS_BADREPLY]	= "bad reply",
	[SG_DNS_ERROR]		= "error",
};

const char *sg_dns_status_name(int status)
{
	if (status < 0 || status >= SG_DNS_STATUS_MAX)
		return "unknown";
	return status_names[status];
}

bool sg_dns_transient(int status)
{
	return status != SG_DNS_OK && status != SG_DNS_NXDOMAIN &&
	       status != SG_DNS_NODATA;
}

/* ---- names and servers as users write them ---- */

int sg_parse_hostname(const char *s, char *out, size_t olen, char *err,
		      size_t elen)
{
	size_t len = strlen(s), i, label = 0, labels = 0;
	bool digits_only = true;
	char c;

	if (len && s[len - 1] == '.')
		len--;
	if (!len || len > SG_HOSTNAME_MAX || len >= olen)
		goto bad;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '.') {
			if (!label || s[i - 1] == '-')
				goto bad;
			label = 0;
			out[i] = c;
			continue;
		}
		if (!label) {
			labels++;
			digits_only = true;
			if (c == '-')
				goto bad;
		}
		if (++label > 63)
			goto bad;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
		    c != '-' && c != '_')
			goto bad;
		if (c < '0' || c > '9')
			digits_only = false;
		out[i] = c;
	}
	if (s[len - 1] == '-' || labels < 2 || digits_only)
		goto bad;
	out[len] = '\0';
	return 0;
bad:
	snprintf(err, elen, "invalid host name '%s': labels of letters, digits, '-' and '_' (1 to 63 each, at least two, the last not all digits), at most %d bytes",
		 s, SG_HOSTNAME_MAX);
	return -1;
}

int sg_parse_dns_server(const char *s, struct sg_dns_server *srv, char *err,
			size_t elen)
{
	char perr[SG_ERRBUF];

	memset(srv, 0, sizeof(*srv));
	if (sg_parse_remote(s, &srv->addr, &srv->port, perr, sizeof(perr))) {
		snprintf(err, elen, "invalid resolver '%s': write ADDR, ADDR:PORT or [IPV6]:PORT, e.g. 192.0.2.53 or [2001:db8::53]:5353",
			 s);
		return -1;
	}
	if (!srv->port)
		srv->port = SG_DNS_PORT;
	return 0;
}

void sg_format_dns_server(const struct sg_dns_server *srv, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	bool v4 = sg_addr_is_v4(&srv->addr);

	sg_format_addr(&srv->addr, a, sizeof(a));
	if (srv->port == SG_DNS_PORT)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, v4 ? "%s:%u" : "[%s]:%u", a, srv->port);
}

size_t sg_dns_system_servers(struct sg_dns_server *srv, size_t max)
{
	char line[256], addr[INET6_ADDRSTRLEN + 1], err[SG_ERRBUF], *pct;
	FILE *f = fopen(RESOLV_CONF, "re");
	size_t n = 0;

	while (f && n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %46s", addr) != 1)
			continue;
		pct = strchr(addr, '%');	/* fe80::1%eth0: a scope we cannot use */
		if (pct)
			continue;
		if (!sg_parse_dns_server(addr, &srv[n], err, sizeof(err)))
			n++;
	}
	if (f)
		fclose(f);
	if (!n && max) {
		sg_parse_dns_server("127.0.0.1", &srv[0], err, sizeof(err));
		n = 1;
	}
	return n;
}

/* ---- the transport: one query to one server ---- */

static socklen_t server_sockaddr(const struct sg_dns_server *s,
				 struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (sg_addr_is_v4(&s->addr)) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(s->port);
		memcpy(&a4->sin_addr, &s->addr.b[12], 4);
		return sizeof(*a4);
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(s->port);
	memcpy(&a6->sin6_addr, s->addr.b, 16);
	return sizeof(*a6);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until FD is ready for EVENTS or DEADLINE passes: 0, or -ETIMEDOUT. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* Is ANS (LEN bytes) the answer to Q (QLEN bytes): its id and question? */
static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool answers(const unsigned char *q, int qlen, const unsigned char *ans,
		    int len)
{
	int i;

	if (len < qlen || len < NS_HFIXEDSZ)
		return false;
	if (ans[0] != q[0] || ans[1] != q[1] || !(ans[2] & 0x80))
		return false;
	if (ans[4] != 0 || ans[5] != 1)		/* one question */
		return false;
	/* the question as sent: name (letters in any case), type, class */
	for (i = NS_HFIXEDSZ; i < qlen; i++)
		if (lower(ans[i]) != lower(q[i]))
			return false;
	return true;
}

static int read_full(int fd, unsigned char *buf, size_t len, long long deadline)
{
	size_t got = 0;
	ssize_t r;
	int err;

	while (got < len) {
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			return err;
		r = recv(fd, buf + got, len - got, 0);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		got += r;
	}
	return 0;
}

/* The query over TCP (RFC 1035 4.2.2: a two-byte length first). */
static int ask_tcp(const struct sg_dns_server *s, const unsigned char *q, int qlen,
		   unsigned char *ans, int alen, long long deadline)
{
	struct sockaddr_storage ss;
	socklen_t sl = server_sockaddr(s, &ss), el = sizeof(int);
	unsigned char len2[2], out[2 + NS_MAXMSG];
	int fd, err = 0, len;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) && errno != EINPROGRESS) {
		err = -errno;
		goto out;
	}
	err = wait_fd(fd, POLLOUT, deadline);
	if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &len, &el) == 0 && len)
		err = -len;
	if (err)
		goto out;
	out[0] = qlen >> 8;
	out[1] = qlen & 0xff;
	memcpy(out + 2, q, qlen);
	if (send(fd, out, qlen + 2, MSG_NOSIGNAL) != qlen + 2) {
		err = errno ? -errno : -EIO;
		goto out;
	}
	err = read_full(fd, len2, 2, deadline);
	if (err)
		goto out;
	len = len2[0] << 8 | len2[1];
	if (len > alen) {
		err = -EMSGSIZE;
		goto out;
	}
	err = read_full(fd, ans, len, deadline);
	if (!err)
		err = answers(q, qlen, ans, len) ? len : -EBADMSG;
out:
	close(fd);
	return err;
}

/*
 * Ask server S (TIMEOUT_MS to answer): the answer's length, or -errno
 * (-ETIMEDOUT: silence; -ECONNREFUSED: nothing listens there...).
 */
static int ask(const struct sg_dns_server *s, const unsigned char *q, int qlen,
	       unsigned char *ans, int alen, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct sockaddr_storage ss;
	socklen_t sl = server_sockaddr(s, &ss);
	int fd, err;
	ssize_t r;

	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) ||
	    send(fd, q, qlen, MSG_NOSIGNAL) != qlen) {
		err = -errno;
		close(fd);
		return err;
	}
	for (;;) {
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			break;
		r = recv(fd, ans, alen, 0);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = -errno;
			break;
		}
		if (!answers(q, qlen, ans, r))
			continue;		/* a late answer to an earlier try */
		if (ans[2] & 0x02) {		/* TC: the whole answer over TCP */
			close(fd);
			return ask_tcp(s, q, qlen, ans, alen, deadline);
		}
		err = r;
		break;
	}
	close(fd);
	return err;
}

/* A recursive query for NAME TYPE IN into Q: its length, or -1. */
static int build_query(const char *name, __u16 type, unsigned char *q, size_t qlen)
{
	size_t pos = NS_HFIXEDSZ, len;
	const char *p = name, *dot;
	__u16 id;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (__u16)now_ms() ^ (__u16)getpid();
	memset(q, 0, NS_HFIXEDSZ);
	q[0] = id >> 8;
	q[1] = id & 0xff;
	q[2] = 0x01;			/* RD */
	q[5] = 1;			/* QDCOUNT */
	while (*p) {
		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (!len || len > 63 || pos + len + 6 > qlen)
			return -1;
		q[pos++] = len;
		memcpy(q + pos, p, len);
		pos += len;
		p += len + (dot ? 1 : 0);
	}
	q[pos++] = 0;
	q[pos++] = type >> 8;
	q[pos++] = type & 0xff;
	q[pos++] = 0;
	q[pos++] = ns_c_in;
	return pos;
}

/* ---- one query, over every server ---- */

struct query {
	const char *name;
	__u16 type;
	unsigned char ans[DNS_MSG_MAX];
	int len;
};

static void server_list(const struct sg_dns_server *srv, size_t n, char *buf,
			size_t len)
{
	char one[INET6_ADDRSTRLEN + 8];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		sg_format_dns_server(&srv[i], one, sizeof(one));
		o += snprintf(buf + o, len - o, "%s%s", i ? ", " : "", one);
	}
}

/*
 * Ask the servers in turn, SG_DNS_TRIES rounds, until one answers with
 * NOERROR or NXDOMAIN (Q->ans then holds it).  The status; on failure WHY
 * says what the servers did.
 */
static int query(struct query *Q, const struct sg_dns_server *srv, size_t n,
		 char *why, size_t wlen, const volatile int *cancel)
{
	unsigned char qbuf[NS_PACKETSZ];
	char who[INET6_ADDRSTRLEN + 8], all[4 * (INET6_ADDRSTRLEN + 10)];
	char unreach[SG_ERRBUF] = "";
	bool skip[SG_DNS_SERVERS_MAX] = {};
	int qlen, r, rcode, answered = 0, timeouts = 0;
	size_t t, i;

	qlen = build_query(Q->name, Q->type, qbuf, sizeof(qbuf));
	if (qlen < 0) {
		sg_msgf(why, wlen, "the name %s is too long for a query", Q->name);
		return SG_DNS_ERROR;
	}
	why[0] = '\0';
	for (t = 0; t < SG_DNS_TRIES; t++) {
		for (i = 0; i < n && i < SG_DNS_SERVERS_MAX; i++) {
			if (skip[i])
				continue;
			if (cancel && *cancel) {
				sg_msgf(why, wlen, "stopped");
				return SG_DNS_ERROR;
			}
			sg_format_dns_server(&srv[i], who, sizeof(who));
			r = ask(&srv[i], qbuf, qlen, Q->ans, sizeof(Q->ans),
				SG_DNS_TRY_S * 1000);
			if (r > 0) {
				rcode = Q->ans[3] & 0x0f;
				Q->len = r;
				if (rcode == ns_r_noerror)
					return SG_DNS_OK;
				if (rcode == ns_r_nxdomain) {
					sg_msgf(why, wlen, "NXDOMAIN (no such name) from %s", who);
					return SG_DNS_NXDOMAIN;
				}
				/* this server will say the same again */
				skip[i] = true;
				if (rcode == ns_r_servfail) {
					answered = SG_DNS_SERVFAIL;
					sg_msgf(why, wlen, "SERVFAIL (server failure) from %s", who);
				} else if (rcode == ns_r_refused) {
					answered = SG_DNS_REFUSED;
					sg_msgf(why, wlen, "REFUSED from %s (it does not resolve names for us)", who);
				} else {
					answered = SG_DNS_BADREPLY;
					sg_msgf(why, wlen, "error code %d from %s", rcode, who);
				}
				continue;
			}
			if (r == -ETIMEDOUT) {
				timeouts++;
			} else if (r == -EBADMSG || r == -EMSGSIZE) {
				answered = SG_DNS_BADREPLY;
				sg_msgf(why, wlen, "a reply from %s that cannot be read", who);
				skip[i] = true;
			} else {
				/* refused connection, no route: a later try may do better */
				sg_msgf(unreach, sizeof(unreach), "cannot reach %s: %s", who,
				    strerror(-r));
			}
		}
	}
	/* what the servers did, the most telling first: an answer, silence */
	if (answered)
		return answered;
	if (timeouts) {
		server_list(srv, n, all, sizeof(all));
		sg_msgf(why, wlen, "timeout: no answer from %s (%d tries, %d s each)",
		    all, SG_DNS_TRIES, SG_DNS_TRY_S);
		return SG_DNS_TIMEOUT;
	}
	sg_msgf(why, wlen, "%s", unreach);
	return SG_DNS_UNREACHABLE;
}

/* ---- reading the answers ---- */

/* The name at RDATA in MSG, uncompressed, into OUT: 0 or -1. */
static int rdata_name(const ns_msg *h, const unsigned char *rdata, char *out,
		      size_t olen)
{
	return ns_name_uncompress(ns_msg_base(*h), ns_msg_end(*h), rdata, out,
				  olen) < 0 ? -1 : 0;
}

static void ttl_min(__u32 *ttl, __u32 t)
{
	if (t < *ttl)
		*ttl = t;
}

/*
 * Keep the addresses in order (IPv4 first), the lowest SG_DNS_ADDRS_MAX
 * of them: servers shuffle their records, and a name with more addresses
 * than that must keep the same ones from one answer to the next.
 */
static void add_addr(struct sg_dns_answer *a, const struct sg_addr *x)
{
	unsigned int i;
	int c = 1;

	for (i = 0; i < a->n; i++) {
		c = memcmp(&a->addrs[i], x, sizeof(*x));
		if (c >= 0)
			break;
	}
	if (i < a->n && !c)
		return;		/* there already */
	if (i == SG_DNS_ADDRS_MAX) {
		a->left_out++;
		return;
	}
	if (a->n == SG_DNS_ADDRS_MAX) {
		a->left_out++;	/* the highest goes */
		a->n--;
	}
	memmove(&a->addrs[i + 1], &a->addrs[i], (a->n - i) * sizeof(*x));
	a->addrs[i] = *x;
	a->n++;
}

/*
 * The records of Q's type for Q's name in its answer, along the CNAME
 * chain: addresses go into A, SRV targets into TARGETS (*NT of them).
 * *TTL takes the smallest TTL of the records used.  0, or -1 for an
 * answer that cannot be read.
 */
static int take(const struct query *Q, struct sg_dns_answer *a,
		char (*targets)[NS_MAXDNAME], unsigned int *nt, __u32 *ttl)
{
	char owner[NS_MAXDNAME], want[NS_MAXDNAME], t[NS_MAXDNAME];
	unsigned int hops, i, j;
	struct sg_addr x;
	bool moved;
	ns_msg h;
	ns_rr rr;
	int count;

	if (ns_initparse(Q->ans, Q->len, &h))
		return -1;
	count = ns_msg_count(h, ns_s_an);
	snprintf(want, sizeof(want), "%s", Q->name);
	/* follow the chain: CNAMEs may come in any order */
	for (hops = 0, moved = true; moved && hops < DNS_CHAIN_MAX; hops++) {
		moved = false;
		for (i = 0; i < (unsigned int)count; i++) {
			if (ns_parserr(&h, ns_s_an, i, &rr))
				return -1;
			if (ns_rr_type(rr) != ns_t_cname || ns_rr_class(rr) != ns_c_in ||
			    strcasecmp(ns_rr_name(rr), want))
				continue;
			if (rdata_name(&h, ns_rr_rdata(rr), t, sizeof(t)))
				return -1;
			ttl_min(ttl, ns_rr_ttl(rr));
			snprintf(want, sizeof(want), "%s", t);
			moved = true;
			break;
		}
	}
	for (i = 0; i < (unsigned int)count; i++) {
		if (ns_parserr(&h, ns_s_an, i, &rr))
			return -1;
		snprintf(owner, sizeof(owner), "%s", ns_rr_name(rr));
		if (ns_rr_type(rr) != Q->type || ns_rr_class(rr) != ns_c_in ||
		    strcasecmp(owner, want))
			continue;
		switch (Q->type) {
		case ns_t_a:
			if (ns_rr_rdlen(rr) != 4)
				return -1;
			sg_addr_from_v4(&x, ns_rr_rdata(rr));
			add_addr(a, &x);
			break;
		case ns_t_aaaa:
			if (ns_rr_rdlen(rr) != 16)
				return -1;
			memcpy(x.b, ns_rr_rdata(rr), 16);
			/* ::ffff:a.b.c.d in an AAAA is an IPv4 address: the
			 * allowlist keeps IPv4 that way too, so it is one */
			add_addr(a, &x);
			break;
		case ns_t_srv:
			if (ns_rr_rdlen(rr) < 7 ||
			    rdata_name(&h, ns_rr_rdata(rr) + 6, t, sizeof(t)))
				return -1;
			if (!t[0] || !strcmp(t, "."))
				break;	/* "no such service here" (RFC 2782) */
			for (j = 0; j < *nt; j++)
				if (!strcasecmp(targets[j], t))
					break;
			if (j == *nt && *nt < SG_DNS_SRV_MAX)
				snprintf(targets[(*nt)++], NS_MAXDNAME, "%s", t);
			break;
		}
		ttl_min(ttl, ns_rr_ttl(rr));
	}
	return 0;
}

/*
 * One query and what it gave.  The status of the query: OK (with or
 * without records), NXDOMAIN, or a failure with WHY set.
 */
static int lookup(struct query *Q, const char *name, __u16 type,
		  const struct sg_dns_server *srv, size_t n, struct sg_dns_answer *a,
		  char (*targets)[NS_MAXDNAME], unsigned int *nt, __u32 *ttl,
		  const volatile int *cancel)
{
	int st;

	Q->name = name;
	Q->type = type;
	st = query(Q, srv, n, a->why, sizeof(a->why), cancel);
	if (st != SG_DNS_OK)
		return st;
	if (take(Q, a, targets, nt, ttl)) {
		sg_msgf(a->why, sizeof(a->why), "an answer for %s that cannot be read",
			 name);
		return SG_DNS_BADREPLY;
	}
	return SG_DNS_OK;
}

void sg_dns_resolve(const char *name, const struct sg_dns_server *given, size_t n,
		    struct sg_dns_answer *a, const volatile int *cancel)
{
	struct sg_dns_server sys[SG_DNS_SERVERS_MAX];
	const struct sg_dns_server *srv = given;
	char srvname[NS_MAXDNAME + 16], list[4 * (INET6_ADDRSTRLEN + 10)];
	char (*targets)[NS_MAXDNAME] = NULL;
	unsigned int nt = 0, i, k;
	static const __u16 types[] = { ns_t_a, ns_t_aaaa };
	bool nx_name = true;
	struct query *Q;
	__u32 ttl = 0xffffffffu;
	int st;

	memset(a, 0, sizeof(*a));
	if (!n) {
		n = sg_dns_system_servers(sys, SG_DNS_SERVERS_MAX);
		srv = sys;
	}
	Q = malloc(sizeof(*Q));
	targets = calloc(SG_DNS_SRV_MAX, sizeof(*targets));
	if (!Q || !targets) {
		a->status = SG_DNS_ERROR;
		sg_msgf(a->why, sizeof(a->why), "out of memory");
		goto out;
	}
	/* the name's own addresses */
	for (k = 0; k < 2; k++) {
		st = lookup(Q, name, types[k], srv, n, a, targets, &nt, &ttl,
			    cancel);
		if (st == SG_DNS_NXDOMAIN)
			continue;
		nx_name = false;
		if (st != SG_DNS_OK)
			goto fail;
	}
	/* its SIP servers, and their addresses */
	snprintf(srvname, sizeof(srvname), "_sip._udp.%s", name);
	if (strlen(srvname) <= SG_HOSTNAME_MAX) {
		st = lookup(Q, srvname, ns_t_srv, srv, n, a, targets, &nt, &ttl,
			    cancel);
		if (st != SG_DNS_OK && st != SG_DNS_NXDOMAIN)
			goto fail;
		if (st == SG_DNS_OK)
			nx_name = false;
	}
	a->srv_targets = nt;
	for (i = 0; i < nt; i++) {
		for (k = 0; k < 2; k++) {
			st = lookup(Q, targets[i], types[k], srv, n, a, targets,
				    &nt, &ttl, cancel);
			if (st != SG_DNS_OK && st != SG_DNS_NXDOMAIN)
				goto fail;
		}
	}
	if (a->n) {
		a->status = SG_DNS_OK;
		a->ttl = ttl;
		a->why[0] = '\0';
		goto out;
	}
	server_list(srv, n, list, sizeof(list));
	if (nx_name) {
		/* the last query's NXDOMAIN names the server that said it */
		a->status = SG_DNS_NXDOMAIN;
	} else {
		a->status = SG_DNS_NODATA;
		if (nt)
			sg_msgf(a->why, sizeof(a->why), "no records: the %u SRV target%s of _sip._udp.%s %s no A or AAAA record at %s",
				 nt, nt == 1 ? "" : "s", name, nt == 1 ? "has" : "have", list);
		else
			sg_msgf(a->why, sizeof(a->why), "no records: %s has no A, AAAA or _sip._udp SRV record for it",
				 list);
	}
	goto out;
fail:
	a->status = st;
	a->n = 0;
out:
	free(Q);
	free(targets);
}
