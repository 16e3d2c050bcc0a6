// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The learned flows in a file, so that they outlive a reboot: the daemon
 * saves them at stop and every save-interval, and restores them at start
 * into an empty table; `flows save|restore FILE` do the same by hand.
 *
 * The file is text (docs/design.md, "Flow state file"):
 *
 *   sipguard-flows 1
 *   saved REALTIME_SECONDS
 *   flow REMOTE REMOTE_PORT LOCAL_PORT LEFT_S LIFETIME_S FLAGS
 *   ...
 *   end COUNT
 *
 * LEFT_S is the flow's life left at the save, LIFETIME_S the life its
 * last refresh gave it (so it was last seen LIFETIME_S - LEFT_S before
 * the save), FLAGS its SG_FLOW_* marks in hex.  Lines starting with '#'
 * and blank lines are ignored.  The monotonic clock of the flow table
 * restarts with the machine, so a flow's times are kept relative to the
 * save and the save's wall-clock time; a restore takes off the wall-clock
 * time since the save.  The file is written whole to FILE.tmp and renamed
 * over FILE, and read whole before anything goes into the table: a
 * damaged file restores nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "cli.h"
#include "env.h"
#include "flowbits.h"
#include "flowstate.h"
#include "../lib/flowtab.h"
#include "flows.h"
#include "pins.h"

#define STATE_MAGIC	"sipguard-flows"
#define STATE_VERSION	1
#define STATE_LIFE_MAX	0x7fffffffu
/* The marks a learned flow may carry; anything else is not ours. */
#define STATE_FLAGS	(SG_FLOW_ANSWERED | SG_FLOW_REG_SENT | \
			 SG_FLOW_REGISTERED | SG_FLOW_DIALOG | SG_FLOW_REG_LIFE)

struct saved {
	struct sg_flow_slot *v;
	size_t n, cap;
	__u32 now;
};

static int keep_slot(const struct sg_flow_slot *w, __u32 set, __u32 way,
		     void *arg)
{
	struct saved *s = arg;
	struct sg_flow_slot *nv;

	if ((__s32)(w->expires_s - s->now) <= 0)
		return 0;	/* ran out: nothing to keep */
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		nv = realloc(s->v, s->cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->v = nv;
	}
	s->v[s->n++] = *w;
	return 0;
}

static int write_flows(FILE *f, const struct saved *s, time_t real)
{
	char a[64];
	size_t i;

	fprintf(f, "%s %d\n# written by sipguard; see 'man sipguard', FILES\n",
		STATE_MAGIC, STATE_VERSION);
	fprintf(f, "saved %lld\n", (long long)real);
	fprintf(f, "# remote remote-port local-port left-s lifetime-s flags\n");
	for (i = 0; i < s->n; i++) {
		const struct sg_flow_slot *w = &s->v[i];

		sg_format_addr(&w->addr, a, sizeof(a));
		fprintf(f, "flow %s %u %u %u %u 0x%02x\n", a, w->remote_port,
			w->local_port, w->expires_s - s->now, w->lifetime_s,
			w->flags & STATE_FLAGS);
	}
	fprintf(f, "end %zu\n", s->n);
	return ferror(f) ? -EIO : 0;
}

long sg_flowstate_save(int fd, const char *path, char *msg, size_t mlen)
{
	struct saved s = { .now = sg_flowtab_now() };
	char tmp[SG_PATH_MAX + 8];
	time_t real = time(NULL);
	FILE *f = NULL;
	int err, ofd;

	err = sg_flowtab_walk(fd, keep_slot, &s);
	if (err) {
		snprintf(msg, mlen, "cannot read the flow table: %s",
			 strerror(-err));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ofd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (ofd < 0 || !(f = fdopen(ofd, "w"))) {
		err = -errno;
		if (ofd >= 0)
			close(ofd);
		snprintf(msg, mlen, "cannot write %s: %s", tmp, strerror(-err));
		goto out;
	}
	err = write_flows(f, &s, real);
	if (!err && (fflush(f) || fsync(fileno(f))))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		snprintf(msg, mlen, "cannot write %s: %s", path, strerror(-err));
		unlink(tmp);
	}
out:
	free(s.v);
	return err ? err : (long)s.n;
}

/* ---- reading ---- */

struct reader {
	const char *path;
	char *msg;
	size_t mlen;
	unsigned int line;
};

static int bad(struct reader *r, const char *what)
{
	snprintf(r->msg, r->mlen, "%s:%u: %s: the file is damaged or not a sipguard flow file; nothing restored from it",
		 r->path, r->line, what);
	return -EINVAL;
}

static int num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *v > max ? -1 : 0;
}

/* "flow REMOTE RPORT LPORT LEFT LIFETIME FLAGS" (the word "flow" gone). */
static int parse_flow(struct reader *r, char *rest, struct sg_flow_slot *w,
		      __u32 *left)
{
	char *tok[6], *save = NULL;
	unsigned long long v[5];
	bool v4;
	int i;

	for (i = 0; i < 6; i++)
		tok[i] = strtok_r(i ? NULL : rest, " \t", &save);
	if (!tok[5] || strtok_r(NULL, " \t", &save))
		return bad(r, "a flow line needs six fields");
	memset(w, 0, sizeof(*w));
	if (sg_parse_addr(tok[0], &w->addr, &v4))
		return bad(r, "invalid address");
	if (num(tok[1], 65535, &v[0]) || num(tok[2], 65535, &v[1]))
		return bad(r, "invalid port");
	if (num(tok[3], STATE_LIFE_MAX, &v[2]) || num(tok[4], STATE_LIFE_MAX, &v[3]) ||
	    !v[2] || v[2] > v[3])
		return bad(r, "invalid times (the life left must be 1 to the lifetime)");
	if (num(tok[5], 0xff, &v[4]) || (v[4] & ~(unsigned long long)STATE_FLAGS))
		return bad(r, "invalid flags");
	w->remote_port = v[0];
	w->local_port = v[1];
	*left = v[2];
	w->lifetime_s = v[3];
	w->flags = v[4];
	w->origin = SG_ORIGIN_RESTORED;
	return 0;
}

struct state {
	long long saved;
	struct sg_flow_slot *v;
	__u32 *left;
	size_t n, cap;
};

static int state_add(struct reader *r, struct state *st, char *rest)
{
	void *nv, *nl;

	if (st->n >= SG_FLOWS_MAX)
		return bad(r, "more flows than the table holds");
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 1024;
		nv = realloc(st->v, st->cap * sizeof(*st->v));
		if (nv)
			st->v = nv;
		nl = realloc(st->left, st->cap * sizeof(*st->left));
		if (nl)
			st->left = nl;
		if (!nv || !nl)
			return -ENOMEM;
	}
	if (parse_flow(r, rest, &st->v[st->n], &st->left[st->n]))
		return -EINVAL;
	st->n++;
	return 0;
}

/* One line of the file; *DONE once the "end" line is read. */
static int state_line(struct reader *r, struct state *st, char *s, int *stage)
{
	unsigned long long v;
	char *arg;

	arg = strchr(s, ' ');
	if (arg)
		*arg++ = '\0';
	if (*stage == 0) {
		if (strcmp(s, STATE_MAGIC) || num(arg, 1000000, &v))
			return bad(r, "no 'sipguard-flows VERSION' line at the start");
		if (v != STATE_VERSION) {
			snprintf(r->msg, r->mlen, "%s: format %llu, this sipguard reads format %d only%s: nothing restored from it",
				 r->path, v, STATE_VERSION,
				 v > STATE_VERSION ? " (written by a newer sipguard?)" : "");
			return -EINVAL;
		}
		*stage = 1;
		return 0;
	}
	if (*stage == 1) {
		if (strcmp(s, "saved") || num(arg, 1ULL << 62, &v))
			return bad(r, "no 'saved SECONDS' line after the first");
		st->saved = v;
		*stage = 2;
		return 0;
	}
	if (*stage == 3)
		return bad(r, "a line after 'end'");
	if (!strcmp(s, "flow") && arg)
		return state_add(r, st, arg);
	if (!strcmp(s, "end")) {
		if (num(arg, SG_FLOWS_MAX, &v) || v != st->n)
			return bad(r, "the 'end' line counts another number of flows (cut short?)");
		*stage = 3;
		return 0;
	}
	return bad(r, "unknown line");
}

static int state_read(FILE *f, struct reader *r, struct state *st)
{
	char *buf = NULL, *s;
	size_t cap = 0;
	ssize_t len;
	int stage = 0, err = 0;

	while (!err && (len = getline(&buf, &cap, f)) >= 0) {
		r->line++;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (strlen(s) != (size_t)len - (s - buf))
			err = bad(r, "a NUL byte");
		else
			err = state_line(r, st, s, &stage);
	}
	free(buf);
	if (err)
		return err;
	if (ferror(f)) {
		snprintf(r->msg, r->mlen, "cannot read %s: %s", r->path,
			 strerror(errno));
		return -EIO;
	}
	if (stage != 3) {
		r->line++;
		return bad(r, stage ? "no 'end' line (cut short?)" : "empty file");
	}
	return 0;
}

int sg_flowstate_restore(int fd, struct sg_flow_bits *bits, const char *path,
			 struct sg_restore_result *res, char *msg, size_t mlen)
{
	struct reader r = { .path = path, .msg = msg, .mlen = mlen };
	struct state st = {};
	long long elapsed;
	__u32 now;
	size_t i;
	FILE *f;
	int err;

	memset(res, 0, sizeof(*res));
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		snprintf(msg, mlen, "cannot read %s: %s", path, strerror(-err));
		return err;
	}
	err = state_read(f, &r, &st);
	fclose(f);
	if (err == -ENOMEM)
		snprintf(msg, mlen, "cannot read %s: out of memory", path);
	if (err)
		goto out;
	/* a save "in the future" (the clock was set back) counts as now */
	elapsed = (long long)time(NULL) - st.saved;
	if (elapsed < 0)
		elapsed = 0;
	res->elapsed_s = elapsed;
	now = sg_flowtab_now();
	for (i = 0; i < st.n; i++) {
		struct sg_flow_slot *w = &st.v[i];

		if ((long long)st.left[i] <= elapsed) {
			res->expired++;
			continue;
		}
		w->expires_s = now + (__u32)(st.left[i] - elapsed);
		err = sg_flowtab_put(fd, bits, w);
		if (err == -ENOSPC) {
			res->no_room++;
			err = 0;
			continue;
		}
		if (err) {
			snprintf(msg, mlen, "cannot write the flow table after %ld of the flows of %s: %s",
				 res->restored, path, strerror(-err));
			goto out;
		}
		res->restored++;
	}
out:
	free(st.v);
	free(st.left);
	return err;
}

/* ---- the daemon's state file ---- */

static bool state_file(const char *dir, char *buf, size_t len)
{
	if (!dir[0])
		return false;
	snprintf(buf, len, "%s/%s", dir, SG_STATE_FILE);
	return true;
}

int sg_state_dir_make(const char *dir)
{
	char p[SG_PATH_MAX];
	size_t i;

	snprintf(p, sizeof(p), "%s", dir);
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		p[i] = '/';
	}
	if (mkdir(p, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

void sg_flowstate_daemon_save(const char *dir, bool at_stop)
{
	char path[SG_PATH_MAX + 16], msg[SG_PATH_MAX + 128];
	long n;
	int fd, err;

	if (!state_file(dir, path, sizeof(path)))
		return;
	fd = sg_pin_open(SG_MAP_FLOWS);
	if (fd < 0)
		return;		/* nothing attached: nothing learned */
	err = sg_state_dir_make(dir);
	if (err) {
		syslog(LOG_ERR, "cannot save the learned flows: cannot make %s: %s",
		       dir, strerror(-err));
		close(fd);
		return;
	}
	n = sg_flowstate_save(fd, path, msg, sizeof(msg));
	close(fd);
	if (n < 0)
		syslog(LOG_ERR, "cannot save the learned flows: %s", msg);
	else
		syslog(at_stop ? LOG_INFO : LOG_DEBUG, "saved %ld learned flow%s to %s",
		       n, n == 1 ? "" : "s", path);
}

bool sg_flowstate_daemon_restore(const char *dir)
{
	char path[SG_PATH_MAX + 16], msg[SG_PATH_MAX + 256];
	struct sg_flow_bits *bits = NULL;
	struct sg_restore_result r;
	int fd, fbfd = -1, err;
	long all = 0;

	fd = sg_pin_open(SG_MAP_FLOWS);
	if (fd < 0)
		return false;	/* not attached yet */
	if (!state_file(dir, path, sizeof(path)))
		goto out;
	err = sg_flowtab_count(fd, sg_flowtab_now(), NULL, &all);
	if (err) {
		syslog(LOG_ERR, "cannot read the flow table: %s: %s not restored",
		       strerror(-err), path);
		goto out;
	}
	if (all) {
		syslog(LOG_INFO, "the flow table holds %ld flow%s already: %s not restored",
		       all, all == 1 ? "" : "s", path);
		goto out;
	}
	fbfd = sg_pin_open(SG_MAP_FLOWBITS);
	bits = fbfd >= 0 ? sg_flowbits_map(fbfd) : NULL;
	if (!bits) {
		syslog(LOG_ERR, "cannot map the flows' filter (%s): %s: %s not restored",
		       SG_MAP_FLOWBITS, strerror(fbfd < 0 ? -fbfd : errno), path);
		goto out;
	}
	err = sg_flowstate_restore(fd, bits, path, &r, msg, sizeof(msg));
	if (err == -ENOENT) {
		syslog(LOG_INFO, "no saved flows to restore (%s does not exist)",
		       path);
	} else if (err) {
		syslog(LOG_ERR, "%s", msg);
	} else {
		sg_restore_text(msg, sizeof(msg), path, &r);
		syslog(LOG_INFO, "%s", msg);
	}
out:
	sg_flowbits_unmap(bits);
	if (fbfd >= 0)
		close(fbfd);
	close(fd);
	return true;
}

/* ---- the verbs ---- */

static int one_file(const char *verb, int argc, char **argv)
{
	if (argc < 1)
		return sg_usage("flows", "flows %s needs FILE", verb);
	if (argc > 1)
		return sg_usage("flows", "unexpected argument '%s'", argv[1]);
	return SG_EXIT_OK;
}

int sg_flows_save_cmd(int argc, char **argv)
{
	char msg[SG_PATH_MAX + 128];
	struct sg_maps m;
	long n;
	int ret;

	ret = one_file("save", argc, argv);
	if (ret)
		return ret;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	n = sg_flowstate_save(m.flows, argv[0], msg, sizeof(msg));
	sg_maps_close(&m);
	if (n < 0) {
		sg_err("%s", msg);
		return SG_EXIT_FAIL;
	}
	printf("saved %ld learned flow%s to %s\n", n, n == 1 ? "" : "s", argv[0]);
	return SG_EXIT_OK;
}

void sg_restore_text(char *buf, size_t len, const char *path,
		     const struct sg_restore_result *r)
{
	snprintf(buf, len, "restored %ld learned flow%s from %s (saved %llds ago); skipped %ld whose life ran out, %ld for want of room",
		 r->restored, r->restored == 1 ? "" : "s", path, r->elapsed_s,
		 r->expired, r->no_room);
}

int sg_flows_restore_cmd(int argc, char **argv)
{
	char msg[SG_PATH_MAX + 256];
	struct sg_flow_bits *bits;
	struct sg_restore_result r;
	struct sg_maps m;
	int ret;

	ret = one_file("restore", argc, argv);
	if (ret)
		return ret;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	bits = sg_flowbits_open(m.flowbits);
	if (!bits) {
		sg_maps_close(&m);
		return SG_EXIT_FAIL;
	}
	ret = sg_flowstate_restore(m.flows, bits, argv[0], &r, msg, sizeof(msg));
	sg_flowbits_unmap(bits);
	sg_maps_close(&m);
	if (ret) {
		sg_err("%s", msg);
		return SG_EXIT_FAIL;
	}
	sg_restore_text(msg, sizeof(msg), argv[0], &r);
	printf("%s\n", msg);
	return SG_EXIT_OK;
}
