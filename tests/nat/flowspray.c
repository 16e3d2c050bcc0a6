// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * flowspray: a LAN host that sends REGISTERs to many destinations, for
 * tests/test_flows_e2e.sh.  Two steps:
 *
 *   flowspray plan AIM_ADDR AIM_LPORT AIMED COUNT > PLAN
 *   flowspray send SRC DPORT < PLAN
 *
 * `plan` picks COUNT destinations and prints one line each: its phase,
 * address, local (source) port and remote port.  It aims at the flow
 * {AIM_ADDR, AIM_LPORT} (a phone's flow to its PBX, at the NAT-mapped port)
 * with the table's own hash (sg_flow_hash() of include/sipguard.h):
 *
 *   bulk  destinations anywhere in the table (198.19.0.0/16), port 5060;
 *   aim   one address of 198.18.0.0/16 and local port whose pair's first
 *         set is the aimed flow's, on AIMED remote ports from 5060 up.
 *         The remote port is not hashed: every one of these flows goes
 *         to the same two sets, the aimed flow's and one other, so once
 *         their 16 slots are full (the aimed flow holds one) each further
 *         one makes the learner make room in one of them.
 *
 * `send` sends each line's REGISTER from SRC:LPORT to ADDR:DPORT through
 * a raw socket (any source port, nothing bound), the phases in order with
 * a pause between them.  After each `aim` REGISTER it waits (up to
 * FLOWSPRAY_WAIT_MS, default 2000) for a datagram from that destination,
 * so that the flow is marked answered before the next one comes.  It
 * prints on stderr what it sent and how many answers came.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sipguard.h"

#define AIM_LPORT0	10000		/* local ports of fill and aim: 10000..10255 */
#define AIM_LPORTS	256
#define BULK_NET	0xc6130000u	/* 198.19.0.0/16 */
#define AIM_NET		0xc6120000u	/* 198.18.0.0/16 */
#define SCANNER		0xc6124206u	/* 198.18.66.6: a host of the test's internet */
#define BATCH		64

static __u32 set1_of(__u32 v4, __u16 lport, __u32 *h_out)
{
	struct sg_addr a = { .b = { [10] = 0xff, [11] = 0xff } };
	__u32 h;

	a.b[12] = v4 >> 24;
	a.b[13] = v4 >> 16;
	a.b[14] = v4 >> 8;
	a.b[15] = v4;
	h = sg_flow_hash(&a, lport);
	if (h_out)
		*h_out = h;
	return sg_flow_set1(h);
}

/* Addresses of 198.18.0.0/16 given out so far (one bit each). */
static uint8_t used[65536 / 8];

static int take(__u32 v4)
{
	__u32 i = v4 & 0xffff;

	if (v4 == SCANNER || (i & 0xff) == 0 || (i & 0xff) == 255 ||
	    used[i / 8] & (1u << (i % 8)))
		return 0;
	used[i / 8] |= 1u << (i % 8);
	return 1;
}

/*
 * A fresh address of 198.18.0.0/16 and a local port whose first set is
 * SET.  The search goes port by port over the whole /16, so about 16384
 * tries find one.
 */
static int find(__u32 set, __u32 *v4, __u16 *lport)
{
	__u32 p, i;

	for (p = 0; p < AIM_LPORTS; p++)
		for (i = 1; i < 65535; i++) {
			__u32 a = AIM_NET | i;

			if (set1_of(a, AIM_LPORT0 + p, NULL) != set)
				continue;
			if (!take(a))
				continue;
			*v4 = a;
			*lport = AIM_LPORT0 + p;
			return 0;
		}
	return -1;
}

static void put(const char *phase, __u32 v4, __u16 lport, __u16 rport)
{
	struct in_addr in = { .s_addr = htonl(v4) };

	printf("%s %s %u %u\n", phase, inet_ntoa(in), lport, rport);
}

static int plan(const char *aim, const char *aim_lport, int aimed, int count)
{
	struct in_addr in;
	__u32 p1, i, a, bulk;
	__u16 lport;

	if (inet_pton(AF_INET, aim, &in) != 1 || aimed < 1 || aimed > 1024 ||
	    count < aimed || count - aimed > 65534) {
		fprintf(stderr, "flowspray: bad aim or count\n");
		return 2;
	}
	p1 = set1_of(ntohl(in.s_addr), atoi(aim_lport), NULL);
	if (find(p1, &a, &lport))
		return 1;
	bulk = count - aimed;
	srandom(1);
	for (i = 0; i < bulk; i++)
		put("bulk", BULK_NET | (i + 1), 10000 + random() % 50000, 5060);
	for (i = 0; i < (__u32)aimed; i++)
		put("aim", a, lport, 5060 + i);
	fprintf(stderr, "flowspray: aimed at set %u: %d remote ports of one pair, %u bulk\n",
		p1, aimed, bulk);
	return 0;
}

static void pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

struct dgram {
	struct sockaddr_in to;
	char buf[512];
	struct iovec iov;
};

static void build(struct dgram *d, const char *src, const char *dst,
		  __u16 lport, __u16 dport, unsigned int n)
{
	int len;

	len = snprintf(d->buf + 8, sizeof(d->buf) - 8,
		       "REGISTER sip:%s SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-spray%u;rport\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: <sip:spray@%s>;tag=spray%u\r\n"
		       "To: <sip:spray@%s>\r\n"
		       "Call-ID: spray%u@%s\r\n"
		       "CSeq: 1 REGISTER\r\n"
		       "Contact: <sip:spray@%s:%u>\r\n"
		       "User-Agent: sipguard-test-sprayer\r\n"
		       "Content-Length: 0\r\n\r\n",
		       dst, src, lport, n, dst, n, dst, n, src, src, lport);
	*(__u16 *)(d->buf + 0) = htons(lport);
	*(__u16 *)(d->buf + 2) = htons(dport);
	*(__u16 *)(d->buf + 4) = htons(8 + len);
	*(__u16 *)(d->buf + 6) = 0;		/* no checksum (IPv4) */
	d->iov.iov_base = d->buf;
	d->iov.iov_len = 8 + len;
	d->to.sin_family = AF_INET;
	inet_pton(AF_INET, dst, &d->to.sin_addr);
}

static int flush(int fd, struct dgram *d, struct mmsghdr *m, int n)
{
	int i, done = 0, r;

	for (i = 0; i < n; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].msg_hdr.msg_name = &d[i].to;
		m[i].msg_hdr.msg_namelen = sizeof(d[i].to);
		m[i].msg_hdr.msg_iov = &d[i].iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		r = sendmmsg(fd, m + done, n - done, 0);
		if (r < 0 && errno == ENOBUFS) {
			pause_ms(1);
			continue;
		}
		if (r < 0) {
			perror("flowspray: sendmmsg");
			return -1;
		}
		done += r;
	}
	/* room for the router's backlog (netdev_max_backlog) to drain */
	usleep(300);
	return 0;
}

/* Wait up to MS for a UDP datagram from DST (the raw socket sees them all). */
static int answered(int fd, const struct in_addr *dst, int ms)
{
	struct sockaddr_in from;
	socklen_t fl;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[2048];

	while (poll(&p, 1, ms) > 0) {
		fl = sizeof(from);
		if (recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) < 0)
			return 0;
		if (from.sin_addr.s_addr == dst->s_addr)
			return 1;
	}
	return 0;
}

static int send_plan(const char *src, int dport)
{
	static struct dgram d[BATCH];
	struct mmsghdr m[BATCH];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char phase[8], last[8] = "", dst[32];
	unsigned int lport, rport, n = 0, sent = 0, aims = 0, answers = 0;
	const char *w = getenv("FLOWSPRAY_WAIT_MS");
	int fd, k = 0, wait_ms = w ? atoi(w) : 2000;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	if (fd < 0 || inet_pton(AF_INET, src, &sa.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("flowspray: raw socket");
		return 1;
	}
	(void)dport;
	while (scanf("%7s %31s %u %u", phase, dst, &lport, &rport) == 4) {
		if (strcmp(phase, last)) {
			if (k && flush(fd, d, m, k))
				return 1;
			k = 0;
			if (*last)
				pause_ms(200);
			strcpy(last, phase);
		}
		build(&d[k++], src, dst, lport, rport, n++);
		if (!strcmp(phase, "aim")) {
			if (flush(fd, d, m, k))
				return 1;
			k = 0;
			aims++;
			answers += answered(fd, &d[0].to.sin_addr, wait_ms);
		} else if (k == BATCH) {
			if (flush(fd, d, m, k))
				return 1;
			k = 0;
		}
		sent++;
	}
	if (k && flush(fd, d, m, k))
		return 1;
	fprintf(stderr, "flowspray: sent %u REGISTERs, %u aimed, %u of them answered\n",
		sent, aims, answers);
	printf("%u %u %u\n", sent, aims, answers);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "plan"))
		return plan(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "send"))
		return send_plan(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: flowspray plan AIM_ADDR AIM_LPORT AIMED COUNT > PLAN\n"
			"       flowspray send SRC DPORT < PLAN  (DPORT: unused, the plan names ports)\n");
	return 2;
}
