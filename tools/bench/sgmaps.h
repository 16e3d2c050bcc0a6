/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Loading a private, unpinned sipguard instance for the benchmark and
 * filling its allowlist and flow table to a given size (header only; used
 * by cost.c and sgrx.c).
 *
 * Address plan (all from the documentation ranges):
 *   198.18.0.0/15 even addresses  allowlist /32 entries (random subset)
 *   198.18.0.0/15 odd addresses   orphan sources and established sources
 *                                 (disjoint random subsets): never in the
 *                                 allowlist, so their lookups walk the trie
 *                                 as deep as it goes
 *   203.0.113.0/24                one allowlist prefix (the only entry at
 *                                 size 1)
 *   2001:db8:XXXX:XXXX::/64       IPv6 allowlist entries (XXXX:XXXX a
 *                                 bijection of the entry number), and IPv6
 *                                 orphan sources under other /64s
 *   flow table                    {source, 0, 5060} for established sources,
 *                                 fillers {198.18.0.0/15 address, 0, port
 *                                 >= 10000}
 */
#ifndef BENCH_SGMAPS_H
#define BENCH_SGMAPS_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sipguard.h"
#include "tailcall.h"
#include "../../lib/flowtab.h"
#include "../../lib/allowfilter.h"
#include "../../lib/clock.h"
#include "util.h"

#define PLAN_V4_BASE	0xC6120000u	/* 198.18.0.0 */
#define PLAN_V4_N	131072u		/* /15 */
#define PLAN_ALLOW_NET	0xCB007100u	/* 203.0.113.0/24 */
#define PLAN_SIP_PORT	5060

struct plan {
	uint64_t allow_size;		/* entries in the allowlist */
	uint64_t flow_size;		/* entries in the flow table */
	uint32_t rot;			/* wanted rotation length */
	/* test sources, host order (IPv4) */
	uint32_t *allow4;		/* allowlisted */
	uint32_t n_allow4;
	uint32_t *est4;			/* with an established flow */
	uint32_t n_est4;
	uint32_t *orphan4;		/* in neither table */
	uint32_t n_orphan4;
	struct sg_addr *orphan6;
	uint32_t n_orphan6;
	/* what went into the tables */
	uint64_t allow_v4_entries, allow_v6_entries, allow_entries;
	uint64_t flow_entries;
	double fill_s;
};

static inline void addr_v4(struct sg_addr *a, uint32_t v4)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	a->b[12] = v4 >> 24;
	a->b[13] = v4 >> 16;
	a->b[14] = v4 >> 8;
	a->b[15] = v4;
}

/* 2001:db8:hi:lo:<iid> */
static inline void addr_v6(struct sg_addr *a, uint32_t net, uint64_t iid)
{
	int i;

	a->b[0] = 0x20;
	a->b[1] = 0x01;
	a->b[2] = 0x0d;
	a->b[3] = 0xb8;
	a->b[4] = net >> 24;
	a->b[5] = net >> 16;
	a->b[6] = net >> 8;
	a->b[7] = net;
	for (i = 0; i < 8; i++)
		a->b[8 + i] = iid >> (56 - 8 * i);
}

static inline struct bpf_map *obj_map(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	if (!m)
		die("map %s not found in the sipguard object", name);
	return m;
}

/*
 * Before load: make room for size entries.  Tables are never made smaller
 * than the compiled sizes, so that small sizes measure the shipped maps.
 */
static inline void plan_resize(struct bpf_object *obj, const struct plan *p)
{
	struct bpf_map *allow = obj_map(obj, SG_MAP_ALLOW);

	/* the flow table's size is compiled in (its sets are hashed to) */
	if (p->allow_size > bpf_map__max_entries(allow))
		bpf_map__set_max_entries(allow, p->allow_size);
}

/*
 * After load: what `sipguard attach` sets, as far as the bench cares,
 * the programs' clock measured by the same code (lib/clock.c).
 */
static inline void plan_config(struct bpf_object *obj)
{
	struct bpf_map *m = obj_map(obj, SG_MAP_CONFIG);
	struct bpf_program *clk;
	struct sg_config cfg;
	__u32 zero = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flow_timeout_s = SG_DEFAULT_FLOW_TIMEOUT;
#ifdef SG_DEFAULT_EVENT_RATE
	cfg.event_rate = SG_DEFAULT_EVENT_RATE;
	cfg.event_burst = SG_DEFAULT_EVENT_BURST;
#endif
	clk = bpf_object__find_program_by_name(obj, "sipguard_clock");
	if (!clk || !sg_clock_calibrate(bpf_program__fd(clk), &cfg))
		die("cannot measure the programs' clock as attach does");
	if (bpf_map_update_elem(bpf_map__fd(m), &zero, &cfg, BPF_ANY))
		die("config map: %s", strerror(errno));
}

/* Mirror the loader: every tail-call slot filled (lib/tailcall.c). */
static inline void plan_tail_calls(struct bpf_object *obj)
{
	sg_tailcalls_fill(obj, NULL);
}

static inline void lpm_add(int fd, const struct sg_addr *a, uint32_t plen)
{
	struct sg_lpm_key k = { .prefixlen = plen, .addr = *a };
	struct sg_allow_val v = { .origin = SG_ORIGIN_CLI };

	if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
		die("allowlist insert: %s", strerror(errno));
}

static inline int lpm_hit(int fd, const struct sg_addr *a)
{
	struct sg_lpm_key k = { .prefixlen = 128, .addr = *a };
	struct sg_allow_val v;

	return bpf_map_lookup_elem(fd, &k, &v) == 0;
}

static inline int flow_hit(int fd, const struct sg_addr *a, uint16_t lport)
{
	struct sg_flow_key k;

	memset(&k, 0, sizeof(k));
	k.addr = *a;
	k.local_port = lport;
	return sg_flowtab_find(fd, &k, true, NULL) == 1;
}

/* Number of keys in a map (get_next_key walk). */
static inline uint64_t map_count(int fd, size_t ksz)
{
	unsigned char k[64], n[64];
	uint64_t c = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, n) == 0) {
		memcpy(k, n, ksz);
		prev = k;
		c++;
	}
	return c;
}

/*
 * Fill the tables of a loaded instance to plan->size entries and pick the
 * test sources.  Every test source is checked with a lookup from
 * userspace: allowlisted ones hit, the others miss; established ones hit
 * the flow table, orphans miss it.
 */
static inline void plan_fill(struct bpf_object *obj, struct plan *p,
			     uint64_t seed)
{
	int afd = bpf_map__fd(obj_map(obj, SG_MAP_ALLOW));
	int ffd = bpf_map__fd(obj_map(obj, SG_MAP_FLOWS));
	uint64_t s = seed, n4, n6, i, t0 = now_ns(CLOCK_MONOTONIC);
	uint32_t *even, *odd, rot = p->rot;
	struct sg_flow_slot *fs;
	struct sg_flow_bits *fb;
	struct sg_addr a;
	uint32_t nf = 0;
	uint64_t mono;

	even = calloc(PLAN_V4_N / 2, sizeof(*even));
	odd = calloc(PLAN_V4_N / 2, sizeof(*odd));
	fs = calloc(p->flow_size ? p->flow_size : 1, sizeof(*fs));
	if (!even || !odd || !fs)
		die("out of memory");
	for (i = 0; i < PLAN_V4_N / 2; i++) {
		even[i] = PLAN_V4_BASE + 2 * i;
		odd[i] = PLAN_V4_BASE + 2 * i + 1;
	}
	shuffle_u32(even, PLAN_V4_N / 2, &s);
	shuffle_u32(odd, PLAN_V4_N / 2, &s);

	/* allowlist: 203.0.113.0/24, then half IPv4 /32s, half IPv6 /64s */
	addr_v4(&a, PLAN_ALLOW_NET);
	lpm_add(afd, &a, 96 + 24);
	if (!p->allow_size)
		die("the allowlist needs at least one entry");
	n4 = (p->allow_size - 1) / 2;
	if (n4 > PLAN_V4_N / 2)
		n4 = PLAN_V4_N / 2;
	n6 = p->allow_size - 1 - n4;
	for (i = 0; i < n4; i++) {
		addr_v4(&a, even[i]);
		lpm_add(afd, &a, 128);
	}
	for (i = 0; i < n6; i++) {
		addr_v6(&a, mix32(i), 0);
		lpm_add(afd, &a, 64);
	}
	/* the allowlist's filter, written as `sipguard allow` writes it */
	if (sg_allow_filter_write(afd, bpf_map__fd(obj_map(obj, SG_MAP_ALLOWBITS)),
				  NULL, 0, SG_AF_FORMAT))
		die("allowlist filter: %s", strerror(errno));
	p->allow_v4_entries = n4 + 1;
	p->allow_v6_entries = n6;
	p->allow_entries = 1 + n4 + n6;

	/* allowlisted sources: /32 entries where there are, else the /24 */
	if (n4) {
		p->n_allow4 = n4 < rot ? n4 : rot;
		p->allow4 = calloc(p->n_allow4, sizeof(uint32_t));
		memcpy(p->allow4, even, p->n_allow4 * sizeof(uint32_t));
	} else {
		p->n_allow4 = 256 < rot ? 256 : rot;
		p->allow4 = calloc(p->n_allow4, sizeof(uint32_t));
		for (i = 0; i < p->n_allow4; i++)
			p->allow4[i] = PLAN_ALLOW_NET + (i + 10) % 256;
	}
	/* orphans and established sources: disjoint odd addresses */
	p->n_orphan4 = rot;
	p->orphan4 = calloc(rot, sizeof(uint32_t));
	memcpy(p->orphan4, odd, rot * sizeof(uint32_t));
	if (!p->flow_size)
		die("the flow table needs at least one entry");
	p->n_est4 = p->flow_size < rot ? p->flow_size : rot;
	p->est4 = calloc(p->n_est4, sizeof(uint32_t));
	memcpy(p->est4, odd + rot, p->n_est4 * sizeof(uint32_t));
	p->n_orphan6 = rot;
	p->orphan6 = calloc(rot, sizeof(struct sg_addr));
	for (i = 0; i < rot; i++)
		addr_v6(&p->orphan6[i], mix32(n6 + i), rng_next(&s) | 1);

	/*
	 * flows: the established sources first (placed first, they find a
	 * slot), then fillers, loaded at once as the learner would place
	 * them (lib/flowtab.c)
	 */
	mono = now_ns(CLOCK_MONOTONIC) / 1000000000ULL;
	if (p->flow_size > SG_FLOWS_MAX)
		die("the flow table holds at most %u flows", SG_FLOWS_MAX);
	for (i = 0; i < p->flow_size; i++) {
		struct sg_flow_slot *w = &fs[nf++];

		memset(w, 0, sizeof(*w));
		if (i < p->n_est4) {
			addr_v4(&w->addr, p->est4[i]);
			w->local_port = PLAN_SIP_PORT;
		} else {
			addr_v4(&w->addr, PLAN_V4_BASE + i % PLAN_V4_N);
			w->local_port = 10000 + i / PLAN_V4_N;
		}
		w->remote_port = 5060;
		w->lifetime_s = 3600;
		w->expires_s = mono + 3600;
		w->origin = SG_ORIGIN_LEARNED;
	}
	/* the flows' filter as `attach` and the learner keep it */
	fb = sg_flowbits_map(bpf_map__fd(obj_map(obj, SG_MAP_FLOWBITS)));
	if (!fb)
		die("flows' filter: %s", strerror(errno));
	sg_flowbits_clear(fb);
	if (sg_flowtab_load(ffd, fb, fs, nf) < 0)
		die("flow table load: %s", strerror(errno));
	sg_flowbits_unmap(fb);
	{
		long live;

		sg_flowtab_count(ffd, mono, &live, NULL);
		p->flow_entries = live;
	}

	/* check the plan against the maps */
	for (i = 0; i < p->n_allow4; i++) {
		addr_v4(&a, p->allow4[i]);
		if (!lpm_hit(afd, &a))
			die("allowlisted source not in the allowlist");
	}
	for (i = 0; i < p->n_est4; i++) {
		addr_v4(&a, p->est4[i]);
		if (lpm_hit(afd, &a) || !flow_hit(ffd, &a, PLAN_SIP_PORT))
			die("established source %u: not as planned (flow evicted?)",
			    (unsigned)i);
	}
	for (i = 0; i < p->n_orphan4; i++) {
		addr_v4(&a, p->orphan4[i]);
		if (lpm_hit(afd, &a) || flow_hit(ffd, &a, PLAN_SIP_PORT))
			die("orphan source is known");
	}
	for (i = 0; i < p->n_orphan6; i++)
		if (lpm_hit(afd, &p->orphan6[i]) ||
		    flow_hit(ffd, &p->orphan6[i], PLAN_SIP_PORT))
			die("IPv6 orphan source is known");
	p->fill_s = (now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
	free(even);
	free(odd);
	free(fs);
}

static inline void plan_free(struct plan *p)
{
	free(p->allow4);
	free(p->est4);
	free(p->orphan4);
	free(p->orphan6);
}

/* "name": {memlock, max_entries, type}, for every map of the object. */
static inline long long json_maps_memory(FILE *f, struct bpf_object *obj)
{
	struct bpf_map *m;
	long long total = 0, ml;
	int first = 1;

	fprintf(f, "{");
	bpf_object__for_each_map(m, obj) {
		if (bpf_map__fd(m) < 0)
			continue;
		ml = fd_memlock(bpf_map__fd(m));
		if (ml > 0)
			total += ml;
		fprintf(f, "%s\"%s\": {\"memlock\": %lld, \"max_entries\": %u, "
			"\"key_size\": %u, \"value_size\": %u, \"type\": \"%s\"}",
			first ? "" : ", ", bpf_map__name(m), ml,
			bpf_map__max_entries(m), bpf_map__key_size(m),
			bpf_map__value_size(m),
			libbpf_bpf_map_type_str(bpf_map__type(m)));
		first = 0;
	}
	fprintf(f, "}");
	return total;
}

/*
 * Fill every map that allocates per entry (LPM tries, hashes with
 * BPF_F_NO_PREALLOC) to its max_entries with made-up keys: the memory the
 * shipped sizes can reach.  Preallocated maps cost the same full or empty.
 */
static inline void fill_dynamic_maps(struct bpf_object *obj, uint64_t seed)
{
	unsigned char key[256], *val;
	struct bpf_map *m;
	uint32_t i, j, ks, vs, max;
	uint64_t s = seed;

	bpf_object__for_each_map(m, obj) {
		int lpm = bpf_map__type(m) == BPF_MAP_TYPE_LPM_TRIE;
		int dyn = lpm || ((bpf_map__type(m) == BPF_MAP_TYPE_HASH ||
				   bpf_map__type(m) == BPF_MAP_TYPE_LRU_HASH) &&
				  (bpf_map__map_flags(m) & BPF_F_NO_PREALLOC));

		ks = bpf_map__key_size(m);
		vs = bpf_map__value_size(m);
		max = bpf_map__max_entries(m);
		if (!dyn || ks > sizeof(key) || bpf_map__fd(m) < 0)
			continue;
		val = calloc(1, vs);
		for (i = 0; i < max; i++) {
			for (j = 0; j < ks; j += 8) {
				uint64_t r = rng_next(&s);
				memcpy(key + j, &r, ks - j < 8 ? ks - j : 8);
			}
			if (lpm)	/* full-length prefixes: one entry each */
				*(uint32_t *)key = (ks - 4) * 8;
			bpf_map_update_elem(bpf_map__fd(m), key, val, BPF_ANY);
		}
		free(val);
	}
}

#endif
