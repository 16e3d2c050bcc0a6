// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The learned-flow table from userspace (flowtab.h).  The rules of a set
 * (which slot a new flow takes) are bpf/flowset.h's, the programs' own.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "flowtab.h"
#include "../bpf/flowset.h"

__u32 sg_flowtab_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u32)ts.tv_sec;
}

static int set_read(int fd, __u32 i, struct sg_flow_set *s)
{
	return bpf_map_lookup_elem_flags(fd, &i, s, BPF_F_LOCK) ? -errno : 0;
}

static int set_write(int fd, __u32 i, const struct sg_flow_set *s)
{
	return bpf_map_update_elem(fd, &i, s, BPF_F_LOCK) ? -errno : 0;
}

static bool slot_of(const struct sg_flow_slot *w, const struct sg_flow_key *k,
		    bool any_rport)
{
	return w->local_port == k->local_port &&
	       (any_rport || w->remote_port == k->remote_port) &&
	       !memcmp(&w->addr, &k->addr, sizeof(w->addr));
}

int sg_flowtab_walk(int fd, sg_flowtab_cb cb, void *arg)
{
	struct sg_flow_set s;
	__u32 i, j;
	int err;

	for (i = 0; i < SG_FLOW_SETS; i++) {
		err = set_read(fd, i, &s);
		if (err)
			return err;
		for (j = 0; j < SG_FLOW_WAYS; j++) {
			if (!s.tag[j])
				continue;
			err = cb(&s.way[j], i, j, arg);
			if (err)
				return err;
		}
	}
	return 0;
}

/* The flow's slot in set I, or SG_FLOW_WAYS. */
static __u32 find_in(const struct sg_flow_set *s, __u8 tag,
		     const struct sg_flow_key *k)
{
	__u32 j;

	for (j = 0; j < SG_FLOW_WAYS; j++)
		if (s->tag[j] == tag && slot_of(&s->way[j], k, false))
			return j;
	return SG_FLOW_WAYS;
}

int sg_flowtab_put(int fd, const struct sg_flow_slot *slot)
{
	struct sg_flow_key k = { .addr = slot->addr,
				 .remote_port = slot->remote_port,
				 .local_port = slot->local_port };
	__u32 h = sg_flow_hash(&slot->addr, slot->local_port);
	__u32 sets[2] = { sg_flow_set1(h), sg_flow_set2(h) };
	__u8 tag = sg_flow_tag(h);
	__u32 now = sg_flowtab_now(), j, did, pass;
	struct sg_flow_set s;
	int err, i;

	/* the flow's own slot first, in either set */
	for (i = 0; i < 2; i++) {
		err = set_read(fd, sets[i], &s);
		if (err)
			return err;
		j = find_in(&s, tag, &k);
		if (j < SG_FLOW_WAYS) {
			s.way[j] = *slot;
			return set_write(fd, sets[i], &s);
		}
	}
	/* a free or expired slot in either set, then a victim */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 2; i++) {
			err = set_read(fd, sets[i], &s);
			if (err)
				return err;
			j = set_victim(&s, now, &did);
			if (j >= SG_FLOW_WAYS ||
			    (!pass && did != FLOW_NEW && did != FLOW_RECLAIMED))
				continue;
			s.way[j] = *slot;
			s.tag[j] = tag;
			return set_write(fd, sets[i], &s);
		}
	}
	return -ENOSPC;
}

static int del_in(int fd, __u32 i, const struct sg_flow_key *k, __u8 tag,
		  bool any_rport)
{
	struct sg_flow_set s;
	int err, n = 0;
	__u32 j;

	err = set_read(fd, i, &s);
	if (err)
		return err;
	for (j = 0; j < SG_FLOW_WAYS; j++) {
		if (!s.tag[j] || (tag && s.tag[j] != tag) ||
		    (k && !slot_of(&s.way[j], k, any_rport)))
			continue;
		s.tag[j] = 0;
		memset(&s.way[j], 0, sizeof(s.way[j]));
		n++;
	}
	if (!n)
		return 0;
	err = set_write(fd, i, &s);
	return err ? err : n;
}

int sg_flowtab_del(int fd, const struct sg_flow_key *k, bool any_rport)
{
	__u32 h = sg_flow_hash(&k->addr, k->local_port);
	int a, b;

	a = del_in(fd, sg_flow_set1(h), k, sg_flow_tag(h), any_rport);
	if (a < 0)
		return a;
	b = del_in(fd, sg_flow_set2(h), k, sg_flow_tag(h), any_rport);
	return b < 0 ? b : a + b;
}

int sg_flowtab_flush(int fd)
{
	int n = 0, r;
	__u32 i;

	for (i = 0; i < SG_FLOW_SETS; i++) {
		r = del_in(fd, i, NULL, 0, true);
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

struct count {
	__u32 now;
	long live, all;
};

static int count_one(const struct sg_flow_slot *w, __u32 set, __u32 way,
		     void *arg)
{
	struct count *c = arg;

	c->all++;
	if (slot_fresh(w, c->now))
		c->live++;
	return 0;
}

int sg_flowtab_count(int fd, __u32 now, long *live, long *all)
{
	struct count c = { .now = now };
	int err;

	err = sg_flowtab_walk(fd, count_one, &c);
	if (err)
		return err;
	if (live)
		*live = c.live;
	if (all)
		*all = c.all;
	return 0;
}
