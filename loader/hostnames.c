// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host names in the allowlist: the pinned names map, its lock, and the
 * rules by which answers change a name's addresses (see hostnames.h).
 *
 * The names map outlives every process, as the allowlist does: the CLI
 * adds and removes names, the config file's apply brings its names in
 * line, and the daemon resolves them again.  Each of them changes the
 * names under the lock and then settles the allowlist: its entries of
 * origin dns become the addresses of all names together, through the
 * allowlist's sync (allow.c), which writes new entries before it takes
 * stale ones out and leaves entries of other origins alone.  So an
 * address that a name shares with a prefix added by hand never takes the
 * hand's entry with it.
 *
 * Times are seconds on the boot-time clock: a TTL counts while the
 * machine sleeps too, and the map does not outlive a boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "allow.h"
#include "cli.h"
#include "hostnames.h"

__u32 sg_hn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u32)ts.tv_sec + 1;
}

void sg_hn_policy_defaults(struct sg_hn_policy *p)
{
	p->refresh_min_s = SG_REFRESH_MIN_DEFAULT;
	p->refresh_max_s = SG_REFRESH_MAX_DEFAULT;
	p->grace_s = SG_GRACE_DEFAULT;
}

/* ---- the lock and the map ---- */

static void hn_path(char *buf, size_t len, const char *file)
{
	if (file)
		snprintf(buf, len, "%s/" SG_HN_DIR "/%s", sg_env.pin, file);
	else
		snprintf(buf, len, "%s/" SG_HN_DIR, sg_env.pin);
}

int sg_hn_lock(bool create)
{
	char path[SG_PATH_MAX];
	int fd = sg_pin_lock(SG_HN_DIR, create);

	if (fd == -ENOENT && !create)
		return -ENOENT;
	if (fd < 0) {
		hn_path(path, sizeof(path), NULL);
		sg_err_errno(-fd, path, "cannot lock the host names: check --pin-path");
		return -1;
	}
	return fd;
}

void sg_hn_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* the flock goes with it */
}

int sg_hn_open(bool create)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	char path[SG_PATH_MAX];
	int fd, err;

	hn_path(path, sizeof(path), SG_MAP_HOSTNAMES);
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT) {
		sg_err_errno(errno, path, "detach and attach again to repair the pins");
		return -1;
	}
	if (!create)
		return -ENOENT;
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, SG_MAP_HOSTNAMES,
			    sizeof(struct sg_hostname_key),
			    sizeof(struct sg_hostname_val), SG_HOSTNAMES_MAX, &opts);
	if (fd < 0) {
		sg_err_errno(fd, "cannot create the host-name map", "try again");
		return -1;
	}
	if (bpf_obj_pin(fd, path)) {
		err = errno;
		close(fd);
		if (err == EEXIST)	/* made by another process meanwhile */
			return sg_hn_open(false);
		sg_err_errno(err, "cannot pin the host-name map", "check --pin-path");
		return -1;
	}
	return fd;
}

static void name_key(struct sg_hostname_key *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct sg_hostname *)a)->key.name,
		      ((const struct sg_hostname *)b)->key.name);
}

int sg_hn_dump(int fd, struct sg_hostname **out, size_t *n)
{
	struct sg_hostname_key key, next, *prev = NULL;
	struct sg_hostname *v = NULL, *nv;
	size_t cap = 0, cnt = 0;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		if (bpf_map_lookup_elem(fd, &key, &v[cnt].val))
			continue;	/* deleted meanwhile */
		v[cnt++].key = key;
	}
	err = errno;
	if (err != ENOENT) {
		free(v);
		return -err;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_name);
	*out = v;
	*n = cnt;
	return 0;
}

int sg_hn_get(int fd, const char *name, struct sg_hostname_val *v)
{
	struct sg_hostname_key k;

	name_key(&k, name);
	return bpf_map_lookup_elem(fd, &k, v) ? -errno : 0;
}

int sg_hn_put(int fd, const char *name, const struct sg_hostname_val *v)
{
	struct sg_hostname_key k;

	name_key(&k, name);
	return bpf_map_update_elem(fd, &k, v, BPF_ANY) ? -errno : 0;
}

int sg_hn_del(int fd, const char *name)
{
	struct sg_hostname_key k;

	name_key(&k, name);
	if (bpf_map_delete_elem(fd, &k) && errno != ENOENT)
		return -errno;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct sg_lpm_key));
}

int sg_hn_keys(struct sg_lpm_key **keys, size_t *n)
{
	struct sg_hostname *v = NULL;
	struct sg_lpm_key *k = NULL;
	size_t nv = 0, i, cnt = 0, out = 0;
	__u32 j;
	int fd, err;

	*keys = NULL;
	*n = 0;
	fd = sg_hn_open(false);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return -EIO;
	err = sg_hn_dump(fd, &v, &nv);
	close(fd);
	if (err)
		return err;
	for (i = 0; i < nv; i++)
		cnt += v[i].val.n_addrs < SG_HOSTADDRS_MAX ? v[i].val.n_addrs :
							      SG_HOSTADDRS_MAX;
	if (cnt) {
		k = calloc(cnt, sizeof(*k));
		if (!k) {
			free(v);
			return -ENOMEM;
		}
	}
	for (i = 0; i < nv; i++) {
		for (j = 0; j < v[i].val.n_addrs && j < SG_HOSTADDRS_MAX; j++) {
			k[out].addr = v[i].val.addrs[j].addr;
			k[out].prefixlen = 128;
			out++;
		}
	}
	free(v);
	if (out) {
		qsort(k, out, sizeof(*k), cmp_key);
		for (i = 1, cnt = 1; i < out; i++)
			if (cmp_key(&k[i], &k[cnt - 1]))
				k[cnt++] = k[i];
		out = cnt;
	}
	*keys = k;
	*n = out;
	return 0;
}

int sg_hn_settle(const struct sg_maps *m)
{
	struct sg_lpm_key *keys = NULL;
	size_t n = 0;
	int err;

	err = sg_hn_keys(&keys, &n);
	if (err) {
		sg_err_errno(err, "cannot read the host names", "try again");
		return -1;
	}
	err = sg_allow_sync_dns(m, keys, n);
	free(keys);
	return err;
}

/* ---- how answers change a name's addresses ---- */

static int find_addr(const struct sg_hostname_val *v, const struct sg_addr *a)
{
	__u32 i;

	for (i = 0; i < v->n_addrs && i < SG_HOSTADDRS_MAX; i++)
		if (!memcmp(&v->addrs[i].addr, a, sizeof(*a)))
			return i;
	return -1;
}

static bool in_answer(const struct sg_dns_answer *a, const struct sg_addr *x)
{
	unsigned int i;

	for (i = 0; i < a->n; i++)
		if (!memcmp(&a->addrs[i], x, sizeof(*x)))
			return true;
	return false;
}

static void note(struct sg_addr *list, unsigned int *n, const struct sg_addr *a)
{
	if (*n < SG_HOSTADDRS_MAX)
		list[(*n)++] = *a;
}

/* Remove address I, keeping the order of the rest. */
static void drop_at(struct sg_hostname_val *v, __u32 i, struct sg_hn_change *c)
{
	if (c)
		note(c->dropped, &c->n_dropped, &v->addrs[i].addr);
	memmove(&v->addrs[i], &v->addrs[i + 1],
		(v->n_addrs - i - 1) * sizeof(v->addrs[0]));
	v->n_addrs--;
}

/* The old address whose grace ends first, or -1. */
static int oldest_old(const struct sg_hostname_val *v)
{
	int best = -1;
	__u32 i;

	for (i = 0; i < v->n_addrs; i++)
		if ((v->addrs[i].flags & SG_HA_OLD) &&
		    (best < 0 || v->addrs[i].until_s < v->addrs[best].until_s))
			best = i;
	return best;
}

void sg_hn_take(struct sg_hostname_val *v, const struct sg_dns_answer *a,
		__u32 now, __u32 grace_s, bool keep_old, struct sg_hn_change *c)
{
	struct sg_hostaddr *h;
	unsigned int i;
	int at;

	if (c)
		memset(c, 0, sizeof(*c));
	if (v->n_addrs > SG_HOSTADDRS_MAX)
		v->n_addrs = SG_HOSTADDRS_MAX;
	/* what the answer no longer has */
	for (i = v->n_addrs; i-- > 0;) {
		h = &v->addrs[i];
		if (in_answer(a, &h->addr))
			continue;
		if (!keep_old) {
			drop_at(v, i, c);
		} else if (!(h->flags & SG_HA_OLD)) {
			h->flags |= SG_HA_OLD;
			h->until_s = now + grace_s;
			if (c)
				note(c->aged, &c->n_aged, &h->addr);
		}
	}
	/* what it has: current, new or back from old */
	for (i = 0; i < a->n; i++) {
		at = find_addr(v, &a->addrs[i]);
		if (at >= 0) {
			if (v->addrs[at].flags & SG_HA_OLD) {
				v->addrs[at].flags &= ~SG_HA_OLD;
				v->addrs[at].until_s = 0;
				if (c)
					note(c->added, &c->n_added, &a->addrs[i]);
			}
			continue;
		}
		if (v->n_addrs >= SG_HOSTADDRS_MAX) {
			/* room for the new: an old one's grace ends early */
			at = oldest_old(v);
			if (at < 0)
				break;	/* cannot be: at most SG_DNS_ADDRS_MAX current */
			drop_at(v, at, c);
		}
		h = &v->addrs[v->n_addrs++];
		memset(h, 0, sizeof(*h));
		h->addr = a->addrs[i];
		if (c)
			note(c->added, &c->n_added, &a->addrs[i]);
	}
	v->resolved_s = v->tried_s = now;
	v->ttl_s = a->ttl;
	v->fails = 0;
	v->status = SG_DNS_OK;
	v->why[0] = '\0';
}

void sg_hn_failed(struct sg_hostname_val *v, const struct sg_dns_answer *a,
		  __u32 now)
{
	v->tried_s = now;
	v->fails++;
	v->status = a->status;
	memset(v->why, 0, sizeof(v->why));
	memcpy(v->why, a->why, strnlen(a->why, sizeof(v->why) - 1));
}

unsigned int sg_hn_expire(struct sg_hostname_val *v, __u32 now,
			  struct sg_hn_change *c)
{
	unsigned int gone = 0;
	__u32 i;

	for (i = v->n_addrs; i-- > 0;) {
		if (!(v->addrs[i].flags & SG_HA_OLD) ||
		    (__s32)(v->addrs[i].until_s - now) > 0)
			continue;
		drop_at(v, i, c);
		gone++;
	}
	return gone;
}

__u32 sg_hn_due(const struct sg_hostname_val *v, const struct sg_hn_policy *p)
{
	__u32 wait, cap, i;

	if (!v->tried_s)
		return 0;	/* never tried: now */
	if (v->fails) {
		cap = p->refresh_max_s < SG_RETRY_MAX_S ? p->refresh_max_s :
							  SG_RETRY_MAX_S;
		if (cap < p->refresh_min_s)
			cap = p->refresh_min_s;
		wait = p->refresh_min_s;
		for (i = 1; i < v->fails && wait < cap; i++)
			wait *= 2;
		if (wait > cap)
			wait = cap;
		return v->tried_s + wait;
	}
	wait = v->ttl_s;
	if (wait < p->refresh_min_s)
		wait = p->refresh_min_s;
	if (wait > p->refresh_max_s)
		wait = p->refresh_max_s;
	return v->resolved_s + wait;
}

__u32 sg_hn_next_expiry(const struct sg_hostname_val *v)
{
	int i = oldest_old(v);

	return i < 0 ? 0 : v->addrs[i].until_s;
}

unsigned int sg_hn_current(const struct sg_hostname_val *v)
{
	unsigned int n = 0;
	__u32 i;

	for (i = 0; i < v->n_addrs && i < SG_HOSTADDRS_MAX; i++)
		n += !(v->addrs[i].flags & SG_HA_OLD);
	return n;
}

const char *sg_hn_hint(int status, bool resolver_given)
{
	switch (status) {
	case SG_DNS_NXDOMAIN:
	case SG_DNS_NODATA:
		return "check the name";
	default:
		return resolver_given ? "check the resolver" :
			"check the resolver (/etc/resolv.conf) or name one with --resolver";
	}
}

/* ---- the config file's names ---- */

static bool listed(const char (*names)[SG_HOSTNAME_MAX + 1], size_t n,
		   const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int sg_hn_sync_config(const struct sg_maps *m, const char (*names)[SG_HOSTNAME_MAX + 1],
		      size_t n, const struct sg_dns_server *servers, size_t ns)
{
	struct sg_hostname *cur = NULL;
	struct sg_hostname_val v;
	size_t ncur = 0, i;
	int fd, err = 0;

	fd = sg_hn_open(n > 0);
	if (fd == -ENOENT)
		return 0;	/* no names, none to drop */
	if (fd < 0)
		return -1;
	err = sg_hn_dump(fd, &cur, &ncur);
	if (err)
		goto fail;
	/* the file's names: new ones, and the resolver of each */
	for (i = 0; i < n; i++) {
		if (sg_hn_get(fd, names[i], &v))
			memset(&v, 0, sizeof(v));
		v.origin |= SG_HN_CONFIG;
		v.n_servers = ns;
		memset(v.servers, 0, sizeof(v.servers));
		memcpy(v.servers, servers, ns * sizeof(*servers));
		err = sg_hn_put(fd, names[i], &v);
		if (err) {
			if (err == -E2BIG || err == -ENOSPC || err == -ENOMEM)
				sg_err("too many host names: the allowlist holds %d; remove some with 'sipguard allow del NAME'",
				       SG_HOSTNAMES_MAX);
			else
				sg_err_errno(err, "cannot write the host names", "try again");
			free(cur);
			close(fd);
			return -1;
		}
	}
	/* names the file no longer has */
	for (i = 0; i < ncur; i++) {
		v = cur[i].val;
		if (!(v.origin & SG_HN_CONFIG) || listed(names, n, cur[i].key.name))
			continue;
		v.origin &= ~SG_HN_CONFIG;
		err = v.origin ? sg_hn_put(fd, cur[i].key.name, &v) :
				 sg_hn_del(fd, cur[i].key.name);
		if (err)
			goto fail;
	}
	free(cur);
	close(fd);
	return sg_hn_settle(m);
fail:
	free(cur);
	close(fd);
	sg_err_errno(err, "cannot update the host names", "try again");
	return -1;
}

int sg_hn_resolve_config(const struct sg_maps *m, const char *path,
			 const char (*names)[SG_HOSTNAME_MAX + 1], size_t n,
			 const struct sg_dns_server *servers, size_t ns)
{
	struct sg_dns_answer *a;
	struct sg_hostname_val v;
	unsigned int *kept;
	__u32 now;
	size_t i;
	int fd, lock, ret = 0, bad = 0;

	if (!n)
		return 0;
	a = calloc(n, sizeof(*a));
	kept = calloc(n, sizeof(*kept));
	if (!a || !kept) {
		free(a);
		free(kept);
		return -1;
	}
	for (i = 0; i < n; i++)
		sg_dns_resolve(names[i], servers, ns, &a[i], NULL);
	lock = sg_hn_lock(true);
	if (lock < 0) {
		free(a);
		free(kept);
		return -1;
	}
	fd = sg_hn_open(true);
	if (fd < 0) {
		ret = -1;
		goto out;
	}
	now = sg_hn_now();
	for (i = 0; i < n; i++) {
		kept[i] = 0;
		if (sg_hn_get(fd, names[i], &v))
			continue;	/* gone meanwhile */
		if (a[i].status == SG_DNS_OK) {
			sg_hn_take(&v, &a[i], now, 0, false, NULL);
		} else {
			sg_hn_failed(&v, &a[i], now);
			kept[i] = v.n_addrs;
		}
		if (sg_hn_put(fd, names[i], &v))
			ret = -1;
	}
	close(fd);
	if (sg_hn_settle(m))
		ret = -1;
	for (i = 0; i < n; i++) {
		if (a[i].status == SG_DNS_OK)
			continue;
		if (kept[i])
			sg_err("%s: cannot resolve %s: %s: %s; the filter is on, with the %u addresses the name had",
			       path, names[i], a[i].why, sg_hn_hint(a[i].status, ns > 0),
			       kept[i]);
		else
			sg_err("%s: cannot resolve %s: %s: %s; the filter is on without its addresses",
			       path, names[i], a[i].why, sg_hn_hint(a[i].status, ns > 0));
		bad++;
	}
	if (bad)
		ret = -1;
out:
	sg_hn_unlock(lock);
	free(a);
	free(kept);
	return ret;
}

/* ---- the names' addresses in the state directory ---- */

#define HN_STATE_MAGIC		"sipguard-hostnames"
#define HN_STATE_VERSION	1

long sg_hn_save_file(const char *path, char *msg, size_t mlen)
{
	char tmp[SG_PATH_MAX + 8], a[64];
	struct sg_hostname *hn = NULL;
	size_t n = 0, i;
	FILE *f;
	__u32 j;
	int fd, err;

	fd = sg_hn_open(false);
	if (fd == -1) {
		sg_msgf(msg, mlen, "cannot open the host names");
		return -EIO;
	}
	if (fd >= 0) {
		err = sg_hn_dump(fd, &hn, &n);
		close(fd);
		if (err) {
			sg_msgf(msg, mlen, "cannot read the host names: %s", strerror(-err));
			return err;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		err = -errno;
		sg_msgf(msg, mlen, "cannot write %s: %s", tmp, strerror(errno));
		free(hn);
		return err;
	}
	fprintf(f, "%s %d\n# written by sipguard daemon; see 'man sipguard', FILES\n",
		HN_STATE_MAGIC, HN_STATE_VERSION);
	for (i = 0; i < n; i++) {
		fprintf(f, "name %s\n", hn[i].key.name);
		for (j = 0; j < hn[i].val.n_addrs && j < SG_HOSTADDRS_MAX; j++) {
			if (hn[i].val.addrs[j].flags & SG_HA_OLD)
				continue;
			sg_format_addr(&hn[i].val.addrs[j].addr, a, sizeof(a));
			fprintf(f, "addr %s\n", a);
		}
	}
	fprintf(f, "end %zu\n", n);
	free(hn);
	if (fflush(f) || fsync(fileno(f)) || ferror(f)) {
		err = -errno;
		fclose(f);
		unlink(tmp);
		sg_msgf(msg, mlen, "cannot write %s: %s", tmp, strerror(-err));
		return err;
	}
	fclose(f);
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		sg_msgf(msg, mlen, "cannot rename %s to %s: %s", tmp, path, strerror(-err));
		return err;
	}
	return n;
}

struct saved_name {
	char name[SG_HOSTNAME_MAX + 3];
	struct sg_addr addrs[SG_HOSTADDRS_MAX];
	unsigned int n;
};

/* Read PATH whole into *OUT (*N names).  0, or -errno with MSG set. */
static int read_state(const char *path, struct saved_name **out, size_t *n,
		      char *msg, size_t mlen)
{
	struct saved_name *v = NULL, *nv;
	char line[512], word[SG_HOSTNAME_MAX + 3], err[SG_ERRBUF];
	size_t cnt = 0, cap = 0, lineno = 0, end = (size_t)-1;
	unsigned long count;
	int version, c;
	bool v4;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		c = -errno;
		sg_msgf(msg, mlen, "cannot read %s: %s", path, strerror(errno));
		return c;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (lineno == 1) {
			if (sscanf(line, HN_STATE_MAGIC " %d", &version) != 1 ||
			    version != HN_STATE_VERSION)
				goto bad;
			continue;
		}
		if (end != (size_t)-1)
			goto bad;	/* nothing after the end */
		if (sscanf(line, "end %lu", &count) == 1) {
			end = count;
			continue;
		}
		if (sscanf(line, "name %255s", word) == 1) {
			if (sg_parse_hostname(word, word, sizeof(word), err, sizeof(err)))
				goto bad;
			if (cnt == cap) {
				cap = cap ? 2 * cap : 16;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					goto bad;
				v = nv;
			}
			memset(&v[cnt], 0, sizeof(v[cnt]));
			snprintf(v[cnt].name, sizeof(v[cnt].name), "%s", word);
			cnt++;
			continue;
		}
		if (sscanf(line, "addr %63s", word) == 1 && cnt &&
		    v[cnt - 1].n < SG_HOSTADDRS_MAX &&
		    !sg_parse_addr(word, &v[cnt - 1].addrs[v[cnt - 1].n], &v4)) {
			v[cnt - 1].n++;
			continue;
		}
		goto bad;
	}
	fclose(f);
	if (lineno == 0 || end != cnt) {
		lineno++;
		goto bad_closed;
	}
	*out = v;
	*n = cnt;
	return 0;
bad:
	fclose(f);
bad_closed:
	free(v);
	sg_msgf(msg, mlen, "%s:%zu: %s: the file is damaged or not a sipguard host-name file; nothing restored from it",
	     path, lineno, end == (size_t)-1 ? "no 'end' line, or a bad line" :
	     "a bad line or count");
	return -EINVAL;
}

long sg_hn_restore_file(const struct sg_maps *m, const char *path, char *msg,
			size_t mlen)
{
	struct saved_name *saved = NULL;
	struct sg_hostname_val v;
	size_t n = 0, i;
	long done = 0;
	unsigned int k;
	int fd, err;

	err = read_state(path, &saved, &n, msg, mlen);
	if (err)
		return err;
	fd = sg_hn_open(false);
	if (fd < 0) {
		free(saved);
		return 0;	/* no names to restore */
	}
	for (i = 0; i < n; i++) {
		if (sg_hn_get(fd, saved[i].name, &v) || v.n_addrs || v.resolved_s ||
		    !saved[i].n)
			continue;
		for (k = 0; k < saved[i].n; k++) {
			memset(&v.addrs[k], 0, sizeof(v.addrs[k]));
			v.addrs[k].addr = saved[i].addrs[k];
		}
		v.n_addrs = saved[i].n;
		if (!sg_hn_put(fd, saved[i].name, &v))
			done++;
	}
	close(fd);
	free(saved);
	if (done && sg_hn_settle(m)) {
		sg_msgf(msg, mlen, "cannot put the restored addresses in the allowlist (see above)");
		return -EIO;
	}
	return done;
}
