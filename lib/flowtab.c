// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The learned-flow table from userspace (flowtab.h).  The rules of a set
 * (which slot a new flow takes) are bpf/flowset.h's, the programs' own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
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

/*
 * Read the next BATCH sets (at most) in one batch, BPF_F_LOCK: each set
 * whole.  *CUR is the kernel's cursor, the key of the last set read (the
 * kernel goes on after it); *STARTED false starts from the first set.
 * Returns how many were read (fewer than BATCH at the end), or -errno.
 */
#define BATCH	512

static int sets_read(int fd, __u32 *cur, bool *started, struct sg_flow_set *s,
		     __u32 *keys)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_F_LOCK);
	__u32 out = 0, n = BATCH;
	int err;

	err = bpf_map_lookup_batch(fd, *started ? cur : NULL, &out, keys, s,
				   &n, &o);
	if (err && errno != ENOENT)
		return -errno;
	*started = true;
	*cur = out;
	return (int)n;
}

int sg_flowtab_walk(int fd, sg_flowtab_cb cb, void *arg)
{
	struct sg_flow_set *s;
	__u32 keys[BATCH], cur = 0, j;
	bool started = false;
	int err = 0, n;

	s = calloc(BATCH, sizeof(*s));
	if (!s)
		return -ENOMEM;
	do {
		n = sets_read(fd, &cur, &started, s, keys);
		if (n < 0) {
			err = n;
			break;
		}
		for (j = 0; j < (__u32)n * SG_FLOW_WAYS && !err; j++)
			if (s[j / SG_FLOW_WAYS].tag[j % SG_FLOW_WAYS])
				err = cb(&s[j / SG_FLOW_WAYS].way[j % SG_FLOW_WAYS],
					 keys[j / SG_FLOW_WAYS], j % SG_FLOW_WAYS,
					 arg);
	} while (!err && n == BATCH);
	free(s);
	return err;
}

/*
 * The slot of S holding K (any remote port of the pair when ANY_RPORT),
 * or SG_FLOW_WAYS.
 */
static __u32 find_in(const struct sg_flow_set *s, __u8 tag,
		     const struct sg_flow_key *k, bool any_rport)
{
	__u32 j;

	for (j = 0; j < SG_FLOW_WAYS; j++)
		if (s->tag[j] == tag && slot_of(&s->way[j], k, any_rport))
			return j;
	return SG_FLOW_WAYS;
}

/* Occupied slots of S. */
static __u32 set_used(const struct sg_flow_set *s)
{
	__u32 j, n = 0;

	for (j = 0; j < SG_FLOW_WAYS; j++)
		n += s->tag[j] != 0;
	return n;
}

/* The map's memory is whole pages. */
static size_t bits_len(void)
{
	size_t pg = 4096, len = sizeof(struct sg_flow_bits);

	return (len + pg - 1) / pg * pg;
}

struct sg_flow_bits *sg_flowbits_map(int fd)
{
	void *p = mmap(NULL, bits_len(), PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

void sg_flowbits_unmap(struct sg_flow_bits *bits)
{
	if (bits)
		munmap(bits, bits_len());
}

void sg_flowbits_clear(struct sg_flow_bits *bits)
{
	memset(bits->w, 0, sizeof(bits->w));
	bits->rebuilt_s = sg_flowtab_now();
	__atomic_store_n(&bits->use, 1, __ATOMIC_RELEASE);
}

/* HALF's bit B (sg_fb_hash()), atomically. */
static void half_set(__u32 *half, __u32 b)
{
	__atomic_fetch_or(&half[sg_fb_word(b)], sg_fb_mask(b), __ATOMIC_SEQ_CST);
}

void sg_flowbits_set(struct sg_flow_bits *bits, const struct sg_addr *a,
		     __u16 local_port)
{
	__u32 b = sg_fb_hash(a, local_port);

	half_set(bits->w[0], b);
	half_set(bits->w[1], b);
}

long sg_flowbits_count(const struct sg_flow_bits *bits)
{
	__u32 use = __atomic_load_n(&bits->use, __ATOMIC_ACQUIRE), i;
	long n = 0;

	if (!use)
		return -1;
	for (i = 0; i < SG_FB_WORDS; i++)
		n += __builtin_popcount(bits->w[(use - 1) & 1][i]);
	return n;
}

/* ARG: the half being rebuilt. */
static int rebuild_one(const struct sg_flow_slot *w, __u32 set, __u32 way,
		       void *arg)
{
	half_set(arg, sg_fb_hash(&w->addr, w->local_port));
	return 0;
}

/*
 * Why the order holds (include/sipguard.h, struct sg_flow_bits): the
 * half is cleared before any set is read, and each set is read under its
 * lock.  A writer that put its flow into a set before the rebuild read
 * that set has it read; one that put it after ORs its bit after the
 * clear, since its unlock came after the rebuild's read of the set.
 */
int sg_flowbits_rebuild(int fd, struct sg_flow_bits *bits)
{
	__u32 use = __atomic_load_n(&bits->use, __ATOMIC_ACQUIRE);
	__u32 now = sg_flowtab_now(), next = use == 1 ? 1 : 0;
	__u32 *half = bits->w[next], i;
	int err;

	if (use && now - __atomic_load_n(&bits->rebuilt_s, __ATOMIC_RELAXED) <
		   SG_FB_SETTLE_S)
		return 0;
	for (i = 0; i < SG_FB_WORDS; i++)
		__atomic_store_n(&half[i], 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	err = sg_flowtab_walk(fd, rebuild_one, half);
	if (err)
		return err;
	__atomic_store_n(&bits->rebuilt_s, sg_flowtab_now(), __ATOMIC_RELAXED);
	__atomic_store_n(&bits->use, next + 1, __ATOMIC_RELEASE);
	return 1;
}

/*
 * sg_flowtab_put() without the filter: the flow's own slot in either set,
 * else a free or expired slot of the emptier set (as the learner chooses:
 * with the first set always tried first, a table two-thirds full lost
 * flows to evictions), else of the other.  A live flow is never displaced:
 * what the table holds is what the learner saw since the file was saved,
 * newer than anything restored; -ENOSPC, and the caller counts the flow
 * as skipped for want of room.
 */
static int put_in(int fd, const struct sg_flow_slot *slot,
		  const struct sg_flow_key *k, __u32 h)
{
	__u32 sets[2] = { sg_flow_set1(h), sg_flow_set2(h) };
	__u8 tag = sg_flow_tag(h);
	__u32 now = sg_flowtab_now(), j, did, first;
	struct sg_flow_set s[2];
	int err, i, t;

	for (i = 0; i < 2; i++) {
		err = set_read(fd, sets[i], &s[i]);
		if (err)
			return err;
		j = find_in(&s[i], tag, k, false);
		if (j < SG_FLOW_WAYS) {
			s[i].way[j] = *slot;
			return set_write(fd, sets[i], &s[i]);
		}
	}
	first = set_second_first(&s[0], &s[1]);
	for (t = 0; t < 2; t++) {
		i = t ^ first;
		j = set_victim(&s[i], now, &did);
		if (j >= SG_FLOW_WAYS ||
		    (did != FLOW_NEW && did != FLOW_RECLAIMED))
			continue;
		s[i].way[j] = *slot;
		s[i].tag[j] = tag;
		return set_write(fd, sets[i], &s[i]);
	}
	return -ENOSPC;
}

int sg_flowtab_put(int fd, struct sg_flow_bits *bits,
		   const struct sg_flow_slot *slot)
{
	struct sg_flow_key k = { .addr = slot->addr,
				 .remote_port = slot->remote_port,
				 .local_port = slot->local_port };
	__u32 h = sg_flow_hash(&slot->addr, slot->local_port);
	int err;

	if (!bits)
		return -EINVAL;
	/* before the flow, so that no reader misses it */
	sg_flowbits_set(bits, &slot->addr, slot->local_port);
	err = put_in(fd, slot, &k, h);
	/* and after it: a rebuild may have cleared a half meanwhile */
	if (!err)
		sg_flowbits_set(bits, &slot->addr, slot->local_port);
	return err;
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

/*
 * Every set with a flow in it is written back empty, read and written a
 * batch at a time.
 */
int sg_flowtab_flush(int fd)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_F_LOCK);
	struct sg_flow_set *s;
	__u32 keys[BATCH], wkeys[BATCH], cur = 0, j, w;
	int n, ended = 0, err = 0;
	bool started = false;

	s = calloc(BATCH, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (;;) {
		n = sets_read(fd, &cur, &started, s, keys);
		if (n < 0) {
			err = n;
			break;
		}
		for (j = 0, w = 0; j < (__u32)n; j++) {
			__u32 used = set_used(&s[j]);

			if (!used)
				continue;
			ended += used;
			memset(&s[w], 0, sizeof(s[w]));
			wkeys[w++] = keys[j];
		}
		if (w && bpf_map_update_batch(fd, wkeys, s, &w, &o)) {
			err = -errno;
			break;
		}
		if ((__u32)n < BATCH)
			break;
	}
	free(s);
	return err ? err : ended;
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

int sg_flowtab_find(int fd, const struct sg_flow_key *k, bool any_rport,
		    struct sg_flow_slot *out)
{
	__u32 h = sg_flow_hash(&k->addr, k->local_port);
	__u32 sets[2] = { sg_flow_set1(h), sg_flow_set2(h) }, j;
	__u8 tag = sg_flow_tag(h);
	struct sg_flow_set s;
	int i, err;

	for (i = 0; i < 2; i++) {
		err = set_read(fd, sets[i], &s);
		if (err)
			return err;
		j = find_in(&s, tag, k, any_rport);
		if (j < SG_FLOW_WAYS) {
			if (out)
				*out = s.way[j];
			return 1;
		}
	}
	return 0;
}

/*
 * Into an empty table, many flows at once: placed in userspace as the
 * learner would place them into free slots, the emptier of its two sets
 * first, then written in batches.  Returns how many found a slot, or
 * -errno.
 */
int sg_flowtab_load(int fd, struct sg_flow_bits *bits,
		    const struct sg_flow_slot *slots, size_t n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_F_LOCK);
	struct sg_flow_set *all;
	__u32 *keys, i, j, h, cnt, sets[2];
	size_t f;
	int placed = 0, err = 0, t;

	if (!bits)
		return -EINVAL;
	all = calloc(SG_FLOW_SETS, sizeof(*all));
	keys = calloc(SG_FLOW_SETS, sizeof(*keys));
	if (!all || !keys) {
		free(all);
		free(keys);
		return -ENOMEM;
	}
	for (f = 0; f < n; f++) {
		h = sg_flow_hash(&slots[f].addr, slots[f].local_port);
		/* the bit before the flow goes in, as sg_flowtab_put() */
		sg_flowbits_set(bits, &slots[f].addr, slots[f].local_port);
		sets[0] = sg_flow_set1(h);
		sets[1] = sg_flow_set2(h);
		/* the emptier set first, as the learner chooses */
		if (set_second_first(&all[sets[0]], &all[sets[1]])) {
			sets[1] = sets[0];
			sets[0] = sg_flow_set2(h);
		}
		for (t = 0; t < 2; t++) {
			for (j = 0; j < SG_FLOW_WAYS; j++)
				if (!all[sets[t]].tag[j])
					break;
			if (j < SG_FLOW_WAYS) {
				all[sets[t]].way[j] = slots[f];
				all[sets[t]].tag[j] = sg_flow_tag(h);
				placed++;
				break;
			}
		}
	}
	for (i = 0; i < SG_FLOW_SETS; i++)
		keys[i] = i;
	for (i = 0; i < SG_FLOW_SETS && !err; i += BATCH) {
		cnt = BATCH;
		if (bpf_map_update_batch(fd, keys + i, all + i, &cnt, &o))
			err = -errno;
	}
	/* and after it */
	for (f = 0; f < n && !err; f++)
		sg_flowbits_set(bits, &slots[f].addr, slots[f].local_port);
	free(all);
	free(keys);
	return err ? err : placed;
}
