// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sgudp: the SIP peers of the emulated arm64 and s390x machines'
 * end-to-end test (tests/vm/cross.sh), where there is no python3 and
 * busybox's nc has no UDP.  Built for the target with the rest.
 *
 *   sgudp send SRC DST PORT METHOD     one request METHOD from SRC:5060 to
 *                                      DST:PORT (IPv4 addresses)
 *   sgudp recv ADDR PORT SECONDS       print "METHOD SRC" for each request
 *                                      that arrives at ADDR:PORT, until an
 *                                      OPTIONS for sip:end@ comes, or
 *                                      SECONDS pass without one (exit 1)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: sgudp send SRC DST PORT METHOD\n"
			"       sgudp recv ADDR PORT SECONDS\n");
	return 2;
}

static int bound(const char *addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd;

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		fprintf(stderr, "sgudp: bad address %s\n", addr);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("sgudp: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "sgudp: cannot bind %s:%d: %m\n", addr, port);
		close(fd);
		return -1;
	}
	return fd;
}

static int do_send(char **argv)
{
	struct sockaddr_in d = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
	const char *src = argv[0], *method = argv[3];
	char msg[512];
	int fd, n;

	if (inet_pton(AF_INET, argv[1], &d.sin_addr) != 1) {
		fprintf(stderr, "sgudp: bad address %s\n", argv[1]);
		return 1;
	}
	fd = bound(src, 5060);
	if (fd < 0)
		return 1;
	n = snprintf(msg, sizeof(msg),
		     "%s sip:%s@%s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-sgudp\r\n"
		     "From: <sip:scanner@%s>;tag=1\r\n"
		     "To: <sip:%s@%s>\r\n"
		     "Call-ID: sgudp-%s@%s\r\n"
		     "CSeq: 1 %s\r\n"
		     "Max-Forwards: 70\r\n"
		     "Content-Length: 0\r\n\r\n",
		     method, strcmp(method, "OPTIONS") ? "100" : "end", argv[1], src,
		     src, "100", argv[1], method, src, method);
	if (sendto(fd, msg, n, 0, (struct sockaddr *)&d, sizeof(d)) != n) {
		fprintf(stderr, "sgudp: cannot send to %s: %m\n", argv[1]);
		return 1;
	}
	close(fd);
	return 0;
}

static int do_recv(char **argv)
{
	int fd = bound(argv[0], atoi(argv[1])), secs = atoi(argv[2]);
	struct sockaddr_in from;
	socklen_t fl;
	char buf[2048], ip[INET_ADDRSTRLEN];
	ssize_t n;

	if (fd < 0)
		return 1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, secs * 1000) <= 0) {
			fprintf(stderr, "sgudp: nothing for %d s, and no end\n", secs);
			return 1;
		}
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			continue;
		buf[n] = 0;
		buf[strcspn(buf, " \r\n")] = 0;
		inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip));
		printf("%s %s\n", buf, ip);
		fflush(stdout);
		if (!strcmp(buf, "OPTIONS") && strstr(buf + strlen(buf) + 1, "sip:end@"))
			return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "send"))
		return do_send(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return do_recv(argv + 2);
	return usage();
}
