// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Prometheus exporter: GET /metrics over HTTP, served by libmicrohttpd
 * from one internal thread, so scrapes run one at a time.  We bind the
 * listening socket ourselves (to say precisely why an address cannot be
 * used) and hand it to libmicrohttpd; everything HTTP is the library's.
 *
 *   sipguard exporter --listen ADDR:PORT [--interface IFACE]...
 *
 * The daemon runs the same exporter (sg_exporter_start) next to its
 * event loop.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <microhttpd.h>

#include "addr.h"
#include "cli.h"
#include "env.h"
#include "exporter.h"
#include "main.h"
#include "prom.h"

#define SG_METRICS_PATH		"/metrics"
#define SG_PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"
#define SG_HTTP_CONN_MAX	32
#define SG_HTTP_TIMEOUT_S	10

struct sg_exporter {
	struct MHD_Daemon *mhd;
	int sock;
	pthread_mutex_t lock;		/* guards expect / n_expect */
	char (*expect)[IF_NAMESIZE];
	int n_expect;
};

/* A bound, listening socket for LISTEN, or -1 after printing why not. */
static int listen_socket(const char *listen_on)
{
	struct sockaddr_storage ss;
	char err[SG_ERRBUF];
	socklen_t len;
	int fd, one = 1, zero = 0, e;

	if (sg_parse_listen(listen_on, &ss, &len, err, sizeof(err))) {
		sg_err("%s", err);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		sg_err_errno(errno, "cannot create the exporter's socket", "check the address family");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&ss)->sin6_addr))
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64)) {
		e = errno;
		close(fd);
		if (e == EADDRINUSE)
			sg_err("cannot listen on %s: address in use: stop the other exporter or choose another port",
			       listen_on);
		else if (e == EADDRNOTAVAIL)
			sg_err("cannot listen on %s: no such local address: use an address of this host (ip addr)",
			       listen_on);
		else if (e == EACCES)
			sg_err("cannot listen on %s: not permitted: use a port above 1023 or CAP_NET_BIND_SERVICE",
			       listen_on);
		else
			sg_err("cannot listen on %s: %s: check the address",
			       listen_on, strerror(e));
		return -1;
	}
	return fd;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_metrics(struct sg_exporter *e,
				     struct MHD_Connection *c)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	f = open_memstream(&body, &len);
	if (!f)
		return MHD_NO;
	pthread_mutex_lock(&e->lock);
	err = sg_prom_write(f, e->expect, e->n_expect);
	pthread_mutex_unlock(&e->lock);
	if (fclose(f) || err) {
		free(body);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
			     (char *)"cannot read sipguard's maps\n", 28,
			     MHD_RESPMEM_PERSISTENT);
	}
	return reply(c, MHD_HTTP_OK, SG_PROM_CONTENT_TYPE, body, len,
		     MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req_cls)
{
	static int marker;
	static char not_found[] = "404 not found: metrics are at " SG_METRICS_PATH "\n";
	static char not_allowed[] = "405 method not allowed: use GET\n";

	/* First call: headers only.  Answer on the next one. */
	if (!*req_cls) {
		*req_cls = &marker;
		return MHD_YES;
	}
	if (*upload_data_size) {	/* a body we do not want */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     not_allowed, sizeof(not_allowed) - 1,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, SG_METRICS_PATH))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT);
	return serve_metrics(cls, c);
}

struct sg_exporter *sg_exporter_start(const char *listen_on)
{
	struct sg_exporter *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	pthread_mutex_init(&e->lock, NULL);
	e->sock = listen_socket(listen_on);
	if (e->sock < 0)
		goto fail;
	e->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
				  MHD_USE_ITC | MHD_USE_ERROR_LOG,
				  0, NULL, NULL, handle, e,
				  MHD_OPTION_LISTEN_SOCKET, e->sock,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SG_HTTP_CONN_MAX,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SG_HTTP_TIMEOUT_S,
				  MHD_OPTION_END);
	if (!e->mhd) {
		/* The socket may be closed by now: leave it alone. */
		sg_err("cannot start the HTTP server on %s: libmicrohttpd refused: try another address",
		       listen_on);
		goto fail;
	}
	return e;
fail:
	pthread_mutex_destroy(&e->lock);
	free(e);
	return NULL;
}

void sg_exporter_stop(struct sg_exporter *e)
{
	if (!e)
		return;
	MHD_stop_daemon(e->mhd);	/* closes the listening socket too */
	pthread_mutex_destroy(&e->lock);
	free(e->expect);
	free(e);
}

void sg_exporter_expect(struct sg_exporter *e, char (*ifs)[IF_NAMESIZE], int n)
{
	char (*v)[IF_NAMESIZE] = NULL;

	if (!e)
		return;
	if (n > 0) {
		v = calloc(n, sizeof(*v));
		if (!v)
			return;
		memcpy(v, ifs, n * sizeof(*v));
	}
	pthread_mutex_lock(&e->lock);
	free(e->expect);
	e->expect = v;
	e->n_expect = v ? n : 0;
	pthread_mutex_unlock(&e->lock);
}

/* ---- sipguard exporter ---- */

struct exporter_opts {
	const char *listen;
	char (*ifs)[IF_NAMESIZE];
	int n_ifs;
};

static int exporter_opt(int opt, const char *arg, void *ctx)
{
	struct exporter_opts *o = ctx;

	switch (opt) {
	case 'l':
		o->listen = arg;
		return 0;
	case 'i':
		if (sg_check_ifname(arg))
			return -1;
		if (o->n_ifs >= SG_IFACES_MAX) {
			sg_err("more than %d interfaces", SG_IFACES_MAX);
			return -1;
		}
		snprintf(o->ifs[o->n_ifs++], IF_NAMESIZE, "%s", arg);
		return 0;
	}
	return -1;
}

int do_exporter(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "listen",    required_argument, NULL, 'l' },
		{ "interface", required_argument, NULL, 'i' },
		{ 0 }
	};
	char ifs[SG_IFACES_MAX][IF_NAMESIZE];
	struct exporter_opts o = { .ifs = ifs };
	struct sg_exporter *e;
	sigset_t set;
	int first, sig;

	first = sg_getopt(argc, argv, "exporter", "l:i:", extra, exporter_opt, &o);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first > 0)
		return sg_usage("exporter", "unexpected argument '%s'", argv[first]);
	if (!o.listen)
		return sg_usage("exporter", "exporter needs --listen ADDR:PORT");
	if (sg_need_privileges(false))
		return SG_EXIT_FAIL;

	/*
	 * The server's thread inherits the mask: signals come to sigwait.
	 * An ignored signal is discarded even when blocked, and a shell
	 * starts background jobs with SIGINT ignored: take it back.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	e = sg_exporter_start(o.listen);
	if (!e)
		return SG_EXIT_FAIL;
	sg_exporter_expect(e, ifs, o.n_ifs);
	printf("sipguard exporter: serving http://%s%s (Ctrl-C ends)\n", o.listen,
	       SG_METRICS_PATH);
	fflush(stdout);
	do {
		if (sigwait(&set, &sig))
			break;
	} while (sig == SIGHUP);	/* nothing to reload */
	sg_exporter_stop(e);
	return SG_EXIT_OK;
}
