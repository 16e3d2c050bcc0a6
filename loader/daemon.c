// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard daemon --config FILE`: attach to the interfaces the file's
 * [daemon] section names, serve the Prometheus exporter, write the drop
 * events to syslog, and re-apply the file on SIGHUP.
 *
 * Reload is checked first and applied second: a file with an error is
 * logged and changes nothing.  A good one is applied to the maps in place
 * (sg_cfg_apply adds the new entries before it deletes the stale ones, so
 * no entry that stays is ever missing); interfaces new to the file are
 * attached, those no longer in it detached.  The programs stay attached
 * all along: filtering has no gap.
 *
 * On SIGTERM the daemon exits and leaves the filter attached (its links
 * are pinned): a restart, an upgrade or a crash of the daemon opens no
 * hole for ghost calls.  `sipguard detach IFACE` takes the filter off.
 *
 * The learned flows go to a state file (state-dir) at stop and every
 * save-interval, and come back from it at start when the flow table is
 * empty (a reboot): a phone registered before needs no new REGISTER to
 * be reachable again.
 *
 * Host names in the allowlist (hostnames.c) are resolved again when
 * their records' TTL runs out ([allow] refresh-min and refresh-max bound
 * the wait), in a thread of their own so that a slow DNS server never
 * holds up the event loop; the answers come back through an eventfd and
 * are applied here.  An address a name no longer has stays for [allow]
 * grace seconds; a name that does not resolve keeps its addresses, is
 * logged and tried again after a back-off.  The names' addresses are
 * saved in the state directory and put back at start where a name has
 * none (a reboot), until DNS answers.
 *
 * The file as parsed is kept in a memfd, and every attach the daemon does
 * later (an interface that appears, a PPP link that comes back) reads that
 * copy: the running configuration changes on SIGHUP only.
 *
 * Signals arrive through a signalfd in the one event loop, beside the
 * ring buffer's epoll fd; the exporter's thread has them blocked.
 * systemd's readiness protocol (Type=notify) is spoken without libsystemd.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "addr.h"
#include "config.h"
#include "dns.h"
#include "env.h"
#include "escape.h"
#include "events.h"
#include "exporter.h"
#include "flowbits.h"
#include "flowstate.h"
#include "hostnames.h"
#include "iface.h"
#include "instance.h"
#include "main.h"
#include "pins.h"

#define SG_DAEMON_TICK_MS	1000
#define SG_DAEMON_CHECK_S	1	/* interfaces and the event map */
#define SG_CFG_SNAPSHOT_MAX	(64 << 20)
#define SG_EVENT_AGE_S		2	/* older events get age=Ns in the log */

/* ---- logging and systemd ---- */

static void dlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void dlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/* sd_notify(3), the protocol without the library: one datagram. */
static void notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';		/* abstract socket */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       offsetof(struct sockaddr_un, sun_path) + n);
	close(fd);
}

static void notify_reloading(void)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)(sg_now_mono_ns() / 1000));
	notify(msg);
}

/* ---- state ---- */

struct dstate {
	const char *path;		/* as given */
	struct sg_cfg cfg;		/* the running configuration */
	int snap;			/* memfd: the bytes of cfg's file */
	unsigned int tried[SG_IFACES_MAX];	/* ifindex last attach was tried on */
	struct sg_exporter *exp;
	struct ring_buffer *rb;
	int ev_fd;
	__u32 ev_id;
	int lock;
	int epfd;
	int sigfd;
	unsigned long long events;
	bool restored;			/* the saved flows were looked at */
	__u64 saved_ns;			/* last save of the flows */
	__u64 fb_ns;			/* last rebuild of the flows' filter */
	bool fb_off_said;		/* the filter being off was logged */
	struct rjob *job;		/* host names being resolved */
	int names_efd;			/* the job says it is done */
	bool names_settled;		/* the allowlist checked against them */
	bool names_restored;		/* the saved addresses were looked at */
};

/* The file's bytes in a memfd, for the attaches that come later. */
static int snapshot(const char *path)
{
	char buf[65536];
	ssize_t n;
	size_t total = 0;
	int in, out;

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = memfd_create("sipguard.conf", MFD_CLOEXEC);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		total += n;
		if (total > SG_CFG_SNAPSHOT_MAX || write(out, buf, n) != n) {
			n = -1;
			break;
		}
	}
	close(in);
	if (n < 0) {
		close(out);
		return -1;
	}
	return out;
}

static int attach_iface(struct dstate *ds, const char *ifname)
{
	struct sg_attach_opts o = {
		.ifname = ifname,
		.no_learn = ds->cfg.daemon.no_learn,
	};
	const char *mode = ds->cfg.daemon.mode;
	char conf[64];

	/* the running configuration: the copy the daemon keeps */
	snprintf(conf, sizeof(conf), "/proc/self/fd/%d", ds->snap);
	o.config = conf;

	if (mode[0]) {
		if (sg_xdp_mode_parse(mode, &o.xdp_flags))
			return sg_usage("attach", "invalid mode '%s' (use native or generic)",
					mode);
		o.mode_given = true;
	}
	return sg_attach(&o);
}

static bool listed(const struct sg_cfg_daemon *d, const char *ifname)
{
	int i;

	for (i = 0; i < d->n_ifaces; i++)
		if (!strcmp(d->ifaces[i], ifname))
			return true;
	return false;
}

/*
 * Attach each listed interface that is not attached here, once per
 * ifindex it has: a failure is retried when the interface comes back
 * (a PPP link, a hot-plugged modem) or on SIGHUP, not every few seconds.
 */
static void attach_missing(struct dstate *ds, bool force)
{
	const struct sg_cfg_daemon *d = &ds->cfg.daemon;
	unsigned int idx;
	int i;

	for (i = 0; i < d->n_ifaces; i++) {
		if (!force && sg_iface_attached(d->ifaces[i]))
			continue;
		idx = if_nametoindex(d->ifaces[i]);
		if (!force && idx == ds->tried[i])
			continue;
		ds->tried[i] = idx;
		if (!idx) {
			dlog(LOG_WARNING, "interface %s not found: attaching when it appears",
			     d->ifaces[i]);
			continue;
		}
		if (attach_iface(ds, d->ifaces[i]))
			dlog(LOG_ERR, "cannot attach to %s (see the error above): retrying when the interface changes or on SIGHUP",
			     d->ifaces[i]);
	}
}

/* ---- drop events ---- */

static int on_event(void *ctx, void *data, size_t size)
{
	struct dstate *ds = ctx;
	const struct sg_event *e = data;
	char line[SG_EVENT_LINE_MAX], ifname[IF_NAMESIZE];
	__u64 now = sg_now_mono_ns(), age;

	if (size < sizeof(*e))
		return 0;
	ds->events++;
	sg_event_syslog(line, sizeof(line), e, sg_ifname(e->ifindex, ifname));
	/* Syslog stamps the line now: say so when the event waited (it was
	 * in the ring buffer before the daemon started, say). */
	age = e->ts_ns < now ? (now - e->ts_ns) / 1000000000ULL : 0;
	if (age >= SG_EVENT_AGE_S)
		syslog(LOG_NOTICE, "%s age=%llus", line, (unsigned long long)age);
	else
		syslog(LOG_NOTICE, "%s", line);
	return 0;
}

static void events_close(struct dstate *ds)
{
	if (ds->rb) {
		epoll_ctl(ds->epfd, EPOLL_CTL_DEL, ring_buffer__epoll_fd(ds->rb), NULL);
		ring_buffer__free(ds->rb);
		ds->rb = NULL;
	}
	if (ds->ev_fd >= 0)
		close(ds->ev_fd);
	if (ds->lock >= 0)
		close(ds->lock);
	ds->ev_fd = ds->lock = -1;
	ds->ev_id = 0;
}

/*
 * Follow the pinned sg_events map; again when it is another map than the
 * one we read (everything was detached and attached anew).
 */
static void events_check(struct dstate *ds)
{
	struct epoll_event ev = { .events = EPOLLIN };
	__u32 id = 0;
	int fd;

	fd = sg_events_open(&id);
	if (fd < 0) {
		if (ds->rb)
			events_close(ds);
		return;
	}
	if (ds->rb && id == ds->ev_id) {
		close(fd);
		return;
	}
	events_close(ds);
	ds->ev_fd = fd;
	ds->ev_id = id;
	ds->lock = sg_events_lock();
	if (ds->lock == -EWOULDBLOCK)
		dlog(LOG_WARNING, "another process reads the drop events too ('sipguard events'?): each event reaches only one of us");
	ds->rb = ring_buffer__new(fd, on_event, ds, NULL);
	if (!ds->rb) {
		dlog(LOG_ERR, "cannot read the drop-event ring buffer: %s",
		     strerror(errno));
		events_close(ds);
		return;
	}
	epoll_ctl(ds->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(ds->rb), &ev);
}

/* ---- learned flows across restarts (flowstate.c) ---- */

/* Once the flow table exists, put the saved flows back (flowstate.c). */
static void flows_restore(struct dstate *ds)
{
	if (!ds->restored)
		ds->restored = sg_flowstate_daemon_restore(ds->cfg.daemon.state_dir);
}

static void flows_save(struct dstate *ds, bool at_stop)
{
	ds->saved_ns = sg_now_mono_ns();
	sg_flowstate_daemon_save(ds->cfg.daemon.state_dir, at_stop);
}

/*
 * The flows' filter, rebuilt every SG_FB_REBUILD_S (and on SIGHUP,
 * NOW_TOO): the bits of flows that have gone since the last rebuild are
 * dropped (flowbits.h).
 */
static void flows_filter(struct dstate *ds, __u64 now, bool now_too)
{
	char other[IF_NAMESIZE] = "";
	int r;

	if (!now_too && now - ds->fb_ns < SG_FB_REBUILD_S * 1000000000ULL)
		return;
	ds->fb_ns = now;
	r = sg_flowbits_refresh(other, sizeof(other));
	if (r == -ENOENT)
		return;		/* nothing attached */
	if (r < 0)
		dlog(LOG_ERR, "cannot rebuild the flows' filter: %s", strerror(-r));
	else if (r == SG_FB_OFF && !ds->fb_off_said)
		dlog(LOG_WARNING, "%s runs the programs of an older sipguard: the flows' filter stays off (the verdicts are the same, an orphan INVITE costs more) until it is attached again",
		     other);
	ds->fb_off_said = r == SG_FB_OFF;
}

static void flows_periodic(struct dstate *ds, __u64 now)
{
	__u64 every = (__u64)ds->cfg.daemon.save_interval_s * 1000000000ULL;

	flows_restore(ds);
	if (every && now - ds->saved_ns >= every)
		flows_save(ds, false);
	flows_filter(ds, now, false);
}

/* ---- host names in the allowlist, resolved again ---- */

struct rjob_item {
	char name[SG_HOSTNAME_MAX + 3];
	struct sg_dns_server servers[SG_DNS_SERVERS_MAX];
	size_t ns;
	struct sg_dns_answer ans;
};

/* One round of resolving, done by a thread; nothing in it is shared. */
struct rjob {
	pthread_t thread;
	int efd;
	volatile int cancel;
	size_t n;
	struct rjob_item items[];
};

static void *rjob_run(void *arg)
{
	struct rjob *j = arg;
	__u64 one = 1;
	size_t i;

	for (i = 0; i < j->n && !j->cancel; i++)
		sg_dns_resolve(j->items[i].name, j->items[i].servers,
			       j->items[i].ns, &j->items[i].ans, &j->cancel);
	if (write(j->efd, &one, sizeof(one)) != sizeof(one))
		j->cancel = 1;	/* cannot be: the loop would wait for ever */
	return NULL;
}

/* "a, b, c" of N addresses into BUF. */
static void addrs_text(const struct sg_addr *v, unsigned int n, char *buf,
		       size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t o = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		sg_format_addr(&v[i], a, sizeof(a));
		o += snprintf(buf + o, len - o, "%s%s", i ? ", " : "", a);
	}
}

static int names_settle(struct dstate *ds)
{
	struct sg_maps m;
	int err;

	if (sg_maps_open(&m))
		return -1;
	err = sg_hn_settle(&m);
	sg_maps_close(&m);
	if (err)
		dlog(LOG_ERR, "cannot bring the allowlist in line with its host names (see above): trying again in %d s",
		     SG_DAEMON_CHECK_S);
	ds->names_settled = !err;
	return err;
}

/* The names' current addresses to the state directory (a reboot's). */
static void names_save(struct dstate *ds)
{
	const char *dir = ds->cfg.daemon.state_dir;
	char path[SG_PATH_MAX + 16], msg[SG_PATH_MAX + 128];
	long n;
	int err;

	if (!dir[0])
		return;
	err = sg_state_dir_make(dir);
	if (err) {
		dlog(LOG_ERR, "cannot save the host names' addresses: cannot make %s: %s",
		     dir, strerror(-err));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, SG_HN_STATE_FILE);
	n = sg_hn_save_file(path, msg, sizeof(msg));
	if (n < 0)
		dlog(LOG_ERR, "cannot save the host names' addresses: %s", msg);
}

/*
 * Once, at start: names that have no address yet (the map is new: the
 * machine booted, or everything was detached) get the ones saved before,
 * so that a DNS server that is not up yet keeps no trunk out.
 */
static void names_restore(struct dstate *ds)
{
	const char *dir = ds->cfg.daemon.state_dir;
	char path[SG_PATH_MAX + 16], msg[SG_PATH_MAX + 256];
	struct sg_maps m;
	long n;

	ds->names_restored = true;
	if (!dir[0] || sg_maps_open(&m))
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, SG_HN_STATE_FILE);
	n = sg_hn_restore_file(&m, path, msg, sizeof(msg));
	sg_maps_close(&m);
	if (n == -ENOENT)
		return;
	if (n < 0)
		dlog(LOG_ERR, "%s", msg);
	else if (n)
		dlog(LOG_NOTICE, "restored the addresses of %ld host name%s from %s, until DNS answers",
		     n, n == 1 ? "" : "s", path);
}

/* Log what an answer or a grace changed for NAME. */
static void log_change(const char *name, const struct sg_hn_change *c,
		       const struct sg_hn_policy *p)
{
	char buf[1024];

	if (c->n_added) {
		addrs_text(c->added, c->n_added, buf, sizeof(buf));
		dlog(LOG_NOTICE, "host name %s: allowlisted %s", name, buf);
	}
	if (c->n_aged) {
		addrs_text(c->aged, c->n_aged, buf, sizeof(buf));
		dlog(LOG_NOTICE, "host name %s: %s no longer in DNS: allowlisted for %u s more (grace)",
		     name, buf, p->grace_s);
	}
	if (c->n_dropped) {
		addrs_text(c->dropped, c->n_dropped, buf, sizeof(buf));
		dlog(LOG_NOTICE, "host name %s: %s removed from the allowlist (gone from DNS, grace over)",
		     name, buf);
	}
}

/* The answers of the finished job go into the names and the allowlist. */
static void names_apply(struct dstate *ds)
{
	const struct sg_hn_policy *p = &ds->cfg.names_policy;
	struct rjob *j = ds->job;
	struct sg_hostname_val v;
	struct sg_hn_change c;
	struct rjob_item *it;
	bool changed = false;
	__u32 now, fails;
	__u64 cnt;
	size_t i;
	int lock, fd;

	if (!j || read(ds->names_efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return;
	pthread_join(j->thread, NULL);
	ds->job = NULL;
	lock = sg_hn_lock(false);
	if (lock < 0)
		goto out;	/* everything was detached meanwhile */
	fd = sg_hn_open(false);
	if (fd < 0)
		goto unlock;
	now = sg_hn_now();
	for (i = 0; i < j->n; i++) {
		it = &j->items[i];
		if (sg_hn_get(fd, it->name, &v))
			continue;	/* removed meanwhile */
		if (it->ans.status != SG_DNS_OK) {
			sg_hn_failed(&v, &it->ans, now);
			sg_hn_put(fd, it->name, &v);
			if (v.n_addrs)
				dlog(LOG_WARNING, "cannot resolve host name %s: %s: keeping its %u address%s; trying again in %u s",
				     it->name, it->ans.why, v.n_addrs,
				     v.n_addrs == 1 ? "" : "es", sg_hn_due(&v, p) - now);
			else
				dlog(LOG_WARNING, "cannot resolve host name %s: %s: it has no address in the allowlist yet; trying again in %u s",
				     it->name, it->ans.why, sg_hn_due(&v, p) - now);
			continue;
		}
		fails = v.fails;
		sg_hn_take(&v, &it->ans, now, p->grace_s, true, &c);
		sg_hn_put(fd, it->name, &v);
		if (fails)
			dlog(LOG_NOTICE, "host name %s resolves again, after %u failed tr%s",
			     it->name, fails, fails == 1 ? "y" : "ies");
		if (it->ans.left_out)
			dlog(LOG_WARNING, "host name %s: %u more addresses left out: a name holds at most %d",
			     it->name, it->ans.left_out, SG_DNS_ADDRS_MAX);
		log_change(it->name, &c, p);
		changed |= c.n_added || c.n_dropped;
	}
	close(fd);
	if (changed || !ds->names_settled)
		names_settle(ds);
	if (changed)
		names_save(ds);
unlock:
	sg_hn_unlock(lock);
out:
	free(j);
}

/*
 * Every second: old addresses whose grace is over go, and the names whose
 * time has come are handed to a resolver thread (one job at a time).
 */
static void names_periodic(struct dstate *ds)
{
	const struct sg_hn_policy *p = &ds->cfg.names_policy;
	struct sg_hostname *hn = NULL;
	struct sg_hn_change c;
	size_t n = 0, i, due = 0;
	bool changed = false;
	struct rjob *j;
	int lock, fd, err;
	__u32 now;

	lock = sg_hn_lock(false);
	if (lock < 0)
		return;		/* no host names */
	if (!ds->names_restored)
		names_restore(ds);
	fd = sg_hn_open(false);
	if (fd < 0)
		goto unlock;
	err = sg_hn_dump(fd, &hn, &n);
	if (err) {
		close(fd);
		goto unlock;
	}
	now = sg_hn_now();
	for (i = 0; i < n; i++) {
		if (!sg_hn_expire(&hn[i].val, now, &c))
			continue;
		sg_hn_put(fd, hn[i].key.name, &hn[i].val);
		log_change(hn[i].key.name, &c, p);
		changed = true;
	}
	close(fd);
	if (changed || !ds->names_settled)
		names_settle(ds);
	if (changed)
		names_save(ds);
	for (i = 0; i < n && !ds->job; i++)
		due += (__s32)(sg_hn_due(&hn[i].val, p) - now) <= 0;
	if (!due)
		goto unlock;
	j = calloc(1, sizeof(*j) + due * sizeof(j->items[0]));
	if (!j)
		goto unlock;
	j->efd = ds->names_efd;
	for (i = 0; i < n; i++) {
		struct rjob_item *it = &j->items[j->n];

		if ((__s32)(sg_hn_due(&hn[i].val, p) - now) > 0)
			continue;
		snprintf(it->name, sizeof(it->name), "%s", hn[i].key.name);
		it->ns = hn[i].val.n_servers < SG_DNS_SERVERS_MAX ?
			 hn[i].val.n_servers : SG_DNS_SERVERS_MAX;
		memcpy(it->servers, hn[i].val.servers, sizeof(it->servers));
		it->ans.status = SG_DNS_ERROR;
		j->n++;
	}
	err = pthread_create(&j->thread, NULL, rjob_run, j);
	if (err) {
		dlog(LOG_ERR, "cannot start the resolver thread: %s: trying again in %d s",
		     strerror(err), SG_DAEMON_CHECK_S);
		free(j);
	} else {
		ds->job = j;
	}
unlock:
	free(hn);
	sg_hn_unlock(lock);
}

/* At stop: a resolver still at work is told to stop, and waited for;
 * the names' addresses are saved. */
static void names_stop(struct dstate *ds, bool save)
{
	int lock;

	if (ds->job) {
		ds->job->cancel = 1;
		pthread_join(ds->job->thread, NULL);
		free(ds->job);
		ds->job = NULL;
	}
	if (!save)
		return;
	lock = sg_hn_lock(false);
	if (lock < 0)
		return;
	names_save(ds);
	sg_hn_unlock(lock);
}

/* ---- load and reload ---- */

/* Parse and check FILE; on error the message is out and *CFG empty. */
static int load(const char *path, struct sg_cfg *cfg)
{
	if (sg_cfg_parse(path, cfg))
		return -1;
	if (!cfg->daemon.n_ifaces) {
		sg_err("%s: no interface to attach: add 'interface = IFACE' under [daemon]",
		       path);
		sg_cfg_free(cfg);
		return -1;
	}
	return 0;
}

static void expect_ifaces(struct dstate *ds)
{
	sg_exporter_expect(ds->exp, ds->cfg.daemon.ifaces, ds->cfg.daemon.n_ifaces);
}

static void reload(struct dstate *ds)
{
	struct sg_cfg nc, old;
	struct sg_exporter *exp = ds->exp;
	struct sg_maps m;
	bool opts_changed;
	int snap, i;

	notify_reloading();
	dlog(LOG_INFO, "SIGHUP: reloading %s", ds->path);
	if (load(ds->path, &nc)) {
		dlog(LOG_ERR, "reload failed: %s has an error (see above): the running configuration stays",
		     ds->path);
		goto out;
	}
	snap = snapshot(ds->path);
	if (snap < 0) {
		dlog(LOG_ERR, "reload failed: cannot read %s again: %s: the running configuration stays",
		     ds->path, strerror(errno));
		sg_cfg_free(&nc);
		goto out;
	}
	if (strcmp(nc.daemon.listen, ds->cfg.daemon.listen)) {
		exp = nc.daemon.listen[0] ? sg_exporter_start(nc.daemon.listen) : NULL;
		if (nc.daemon.listen[0] && !exp && ds->exp) {
			/* The same port on another address: free it first. */
			sg_exporter_stop(ds->exp);
			ds->exp = NULL;
			exp = sg_exporter_start(nc.daemon.listen);
			if (!exp) {
				ds->exp = sg_exporter_start(ds->cfg.daemon.listen);
				expect_ifaces(ds);
			}
		}
		if (nc.daemon.listen[0] && !exp) {
			dlog(LOG_ERR, "reload failed: cannot serve the exporter on %s (see above): the running configuration stays",
			     nc.daemon.listen);
			close(snap);
			sg_cfg_free(&nc);
			goto out;
		}
		sg_exporter_stop(ds->exp);
		ds->exp = exp;
	}

	/* The maps first: in place, new entries before stale ones go. */
	if (!sg_maps_open(&m)) {
		if (sg_cfg_apply(&nc, &m))
			dlog(LOG_ERR, "reload: cannot write all of %s into the maps (see above)",
			     ds->path);
		sg_maps_close(&m);
	}
	opts_changed = strcmp(nc.daemon.mode, ds->cfg.daemon.mode) ||
		       nc.daemon.no_learn != ds->cfg.daemon.no_learn;
	old = ds->cfg;
	ds->cfg = nc;
	close(ds->snap);
	ds->snap = snap;
	memset(ds->tried, 0, sizeof(ds->tried));
	/* Gone from the file: detach, if it is attached here. */
	for (i = 0; i < old.daemon.n_ifaces; i++) {
		if (listed(&nc.daemon, old.daemon.ifaces[i]) ||
		    !sg_iface_attached(old.daemon.ifaces[i]))
			continue;
		if (sg_detach(old.daemon.ifaces[i]))
			dlog(LOG_ERR, "cannot detach from %s (see above)",
			     old.daemon.ifaces[i]);
	}
	sg_cfg_free(&old);
	/* New (or changed attach options): attach; replaces in place. */
	attach_missing(ds, opts_changed);
	expect_ifaces(ds);
	events_check(ds);
	flows_filter(ds, sg_now_mono_ns(), true);
	dlog(LOG_INFO, "reloaded %s: %d interface%s, %zu allowlist prefix%s, %zu host name%s, %zu flow%s",
	     ds->path, nc.daemon.n_ifaces, nc.daemon.n_ifaces == 1 ? "" : "s",
	     nc.n_allow, nc.n_allow == 1 ? "" : "es", nc.n_names,
	     nc.n_names == 1 ? "" : "s", nc.n_flows,
	     nc.n_flows == 1 ? "" : "s");
out:
	notify("READY=1");
}

/* ---- the verb ---- */

struct daemon_opts {
	const char *config;
	bool to_stderr;
};

static int daemon_opt(int opt, const char *arg, void *ctx)
{
	struct daemon_opts *o = ctx;

	switch (opt) {
	case 'c':
		o->config = arg;
		return 0;
	case 'E':
		o->to_stderr = true;
		return 0;
	}
	return -1;
}

static void ifaces_text(const struct sg_cfg_daemon *d, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < d->n_ifaces && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? ", " : "", d->ifaces[i]);
}

/*
 * Before any thread starts, so that only the signalfd sees them.  An
 * ignored signal never reaches a signalfd, and a shell starts background
 * jobs with SIGINT ignored: take them back first.
 */
static int signals_setup(struct dstate *ds)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	ds->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	ds->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ds->sigfd < 0 || ds->epfd < 0) {
		sg_err_errno(errno, "cannot set up the event loop", "try again");
		return -1;
	}
	ev.data.fd = ds->sigfd;
	epoll_ctl(ds->epfd, EPOLL_CTL_ADD, ds->sigfd, &ev);
	ds->names_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ds->names_efd < 0) {
		sg_err_errno(errno, "cannot set up the event loop", "try again");
		return -1;
	}
	ev.data.fd = ds->names_efd;
	epoll_ctl(ds->epfd, EPOLL_CTL_ADD, ds->names_efd, &ev);
	return 0;
}

/* Signals, drop events and the periodic checks, until SIGTERM/SIGINT. */
static int event_loop(struct dstate *ds)
{
	struct epoll_event got[4];
	struct signalfd_siginfo si;
	__u64 last_check = 0, now;
	bool stop = false;
	int n, i;

	while (!stop) {
		n = epoll_wait(ds->epfd, got, 4, SG_DAEMON_TICK_MS);
		if (n < 0 && errno != EINTR) {
			sg_err_errno(errno, "event loop failed", "restart the daemon");
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (got[i].data.fd == ds->names_efd) {
				names_apply(ds);
				continue;
			}
			if (got[i].data.fd != ds->sigfd) {
				if (ds->rb)
					ring_buffer__consume(ds->rb);
				continue;
			}
			if (read(ds->sigfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP)
				reload(ds);
			else
				stop = true;
		}
		now = sg_now_mono_ns();
		if (now - last_check >= SG_DAEMON_CHECK_S * 1000000000ULL) {
			last_check = now;
			attach_missing(ds, false);
			events_check(ds);
			flows_periodic(ds, now);
			names_periodic(ds);
		}
	}
	return 0;
}

int do_daemon(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "stderr", no_argument,       NULL, 'E' },
		{ 0 }
	};
	struct dstate ds = { .snap = -1, .ev_fd = -1, .lock = -1, .epfd = -1,
			     .sigfd = -1, .names_efd = -1 };
	struct daemon_opts o = {};
	char names[SG_IFACES_MAX * (IF_NAMESIZE + 2)];
	int first, ret = SG_EXIT_FAIL;

	first = sg_getopt(argc, argv, "daemon", "c:", extra, daemon_opt, &o);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first > 0)
		return sg_usage("daemon", "unexpected argument '%s'", argv[first]);
	if (!o.config)
		return sg_usage("daemon", "daemon needs --config FILE");
	ds.path = o.config;
	if (load(o.config, &ds.cfg))
		return SG_EXIT_FAIL;
	if (sg_need_privileges(true) || sg_check_kernel())
		goto out;
	ds.snap = snapshot(o.config);
	if (ds.snap < 0) {
		sg_err("cannot keep a copy of %s: %s: check the file", o.config,
		       strerror(errno));
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	openlog("sipguard", LOG_PID | (o.to_stderr ? LOG_PERROR : 0), LOG_DAEMON);

	if (signals_setup(&ds))
		goto out;

	if (ds.cfg.daemon.listen[0]) {
		ds.exp = sg_exporter_start(ds.cfg.daemon.listen);
		if (!ds.exp)
			goto out;
		expect_ifaces(&ds);
	}
	attach_missing(&ds, true);
	flows_restore(&ds);
	ds.saved_ns = ds.fb_ns = sg_now_mono_ns();
	events_check(&ds);
	ifaces_text(&ds.cfg.daemon, names, sizeof(names));
	dlog(LOG_INFO, "started with %s: interfaces %s; exporter %s%s%s; drop events to syslog",
	     o.config, names, ds.cfg.daemon.listen[0] ? "on http://" : "off",
	     ds.cfg.daemon.listen, ds.cfg.daemon.listen[0] ? "/metrics" : "");
	notify("READY=1");

	if (event_loop(&ds))
		goto out;
	if (ds.rb)
		ring_buffer__consume(ds.rb);
	notify("STOPPING=1");
	flows_save(&ds, true);
	names_stop(&ds, true);
	ifaces_text(&ds.cfg.daemon, names, sizeof(names));
	dlog(LOG_INFO, "stopping after %llu drop events; the filter stays attached to %s ('sipguard detach IFACE' removes it)",
	     ds.events, names);
	ret = SG_EXIT_OK;
out:
	names_stop(&ds, false);
	if (ds.names_efd >= 0)
		close(ds.names_efd);
	sg_exporter_stop(ds.exp);
	events_close(&ds);
	if (ds.epfd >= 0)
		close(ds.epfd);
	if (ds.sigfd >= 0)
		close(ds.sigfd);
	if (ds.snap >= 0)
		close(ds.snap);
	sg_cfg_free(&ds.cfg);
	return ret;
}
