// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard events [--json]`: follow the drop events of the pinned
 * sg_events ring buffer until Ctrl-C.  The XDP program sends a sample of
 * its drops (a per-CPU token bucket); each event says how many were
 * suppressed on its CPU since the one before, and sg_evstate keeps the
 * totals, shown when the command starts and ends.
 *
 * A BPF ring buffer has one consumer position: two readers do not each
 * get every event, they split them.  So the reader (this command or the
 * daemon) takes an flock on the pin directory, and this command refuses
 * to run beside another reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "counters.h"
#include "env.h"
#include "escape.h"
#include "events.h"
#include "main.h"
#include "pins.h"

#define SG_EVENTS_POLL_MS	250

int sg_events_lock(void)
{
	int fd = open(sg_env.pin, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int sg_events_open(__u32 *id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[SG_PATH_MAX];
	int fd;

	sg_pin_file(path, sizeof(path), SG_MAP_EVENTS);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fd;
	if (id) {
		*id = 0;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			*id = info.id;
	}
	return fd;
}

const char *sg_ifname(__u32 ifindex, char *buf)
{
	return ifindex && if_indextoname(ifindex, buf) ? buf : NULL;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

struct follow {
	unsigned long long events;
	unsigned long long suppressed;	/* sum of the events' counts */
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct follow *fl = ctx;
	const struct sg_event *e = data;
	char line[SG_EVENT_LINE_MAX], ifname[IF_NAMESIZE];
	const char *name;
	unsigned long long wall;

	if (size < sizeof(*e))
		return 0;	/* not ours: skip it */
	fl->events++;
	fl->suppressed += e->suppressed;
	name = sg_ifname(e->ifindex, ifname);
	wall = sg_event_wall_ns(e->ts_ns);
	if (sg_env.json) {
		json_object *o = sg_event_json(e, name, wall);

		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		puts(sg_event_text(line, sizeof(line), e, name, wall));
	}
	fflush(stdout);		/* a pipe gets each event at once */
	return 0;
}

int do_events(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct ring_buffer *rb = NULL;
	struct sg_evtotals t0 = {}, t1 = {};
	struct follow fl = {};
	FILE *info;
	int first, fd, lock, err, ret = SG_EXIT_FAIL;

	first = sg_getopt(argc, argv, "events", NULL, NULL, NULL, NULL);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first > 0)
		return sg_usage("events", "unexpected argument '%s'", argv[first]);
	if (sg_need_privileges(false))
		return SG_EXIT_FAIL;
	/* With --json, standard output carries events only. */
	info = sg_env.json ? stderr : stdout;

	fd = sg_events_open(NULL);
	if (fd < 0) {
		if (fd == -ENOENT)
			sg_err("sipguard is not attached (no %s under %s): run 'sipguard attach IFACE' first",
			       SG_MAP_EVENTS, sg_env.pin);
		else
			sg_err_errno(fd, "cannot open the drop-event ring buffer",
				     "detach and attach again");
		return SG_EXIT_FAIL;
	}
	lock = sg_events_lock();
	if (lock == -EWOULDBLOCK) {
		sg_err("another process reads the drop events (the sipguard daemon, or another 'sipguard events'): a ring buffer has one reader; see the daemon's events with 'journalctl -t sipguard'");
		close(fd);
		return SG_EXIT_FAIL;
	}
	rb = ring_buffer__new(fd, on_event, &fl, NULL);
	if (!rb) {
		sg_err_errno(errno, "cannot read the drop-event ring buffer",
			     "run with --verbose for details");
		goto out;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);

	sg_evtotals_read(&t0);
	fprintf(info, "# following drop events under %s (Ctrl-C ends); since attach: %llu sent, %llu suppressed\n",
		sg_env.pin, t0.sent, t0.suppressed);
	fflush(info);
	while (!stop) {
		err = ring_buffer__poll(rb, SG_EVENTS_POLL_MS);
		if (err < 0 && err != -EINTR) {
			sg_err_errno(err, "cannot poll the ring buffer", "try again");
			goto out;
		}
	}
	ring_buffer__consume(rb);	/* what came in with the signal */
	sg_evtotals_read(&t1);
	fprintf(info, "# %llu events received, %llu suppressed by the kernel meanwhile; since attach: %llu sent, %llu suppressed\n",
		fl.events, t1.suppressed - t0.suppressed, t1.sent, t1.suppressed);
	ret = SG_EXIT_OK;
out:
	ring_buffer__free(rb);
	if (lock >= 0)
		close(lock);
	close(fd);
	return ret;
}
