// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The environment of the BPF_PROG_TEST_RUN tests: the programs loaded three
 * times (normal, with SG_IF_MONITOR, with SG_IF_L3) with every tail-call
 * slot filled as attach fills it, their maps emptied before each test and
 * subtest, helpers that fill and read the maps, and the runs of the XDP
 * program and the TC learner with the checks on action and counters.
 *
 * Needs root (or CAP_BPF + CAP_NET_ADMIN).
 */
#include <time.h>
#include <unistd.h>

#include "progs.h"
#include "names.h"
#include "tailcall.h"
#include "flowtab.h"

const char *rname(int r)
{
	const char *n = r >= 0 ? sg_reason_name(r) : NULL;

	return n ? n : "?";
}

const char *xdp_name(int a)
{
	return a == XDP_PASS ? "XDP_PASS" : a == XDP_DROP ? "XDP_DROP" :
	       a == XDP_ABORTED ? "XDP_ABORTED" : "XDP_?";
}

/* ---- the programs and their maps ---- */

struct sipguard_bpf *skel, *skel_mon, *skel_l3, *S;
int ncpus;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

/*
 * A moment S seconds ago, or the clock's start if the machine booted less
 * than S seconds ago (a fresh VM has): for stamps that only need to lie in
 * the past.  The programs compare such absolute stamps unsigned, so one from
 * before the clock's start would wrap into the far future.
 */
uint64_t ago_ns(uint64_t s)
{
	uint64_t now = now_ns();

	return now > s * NSEC ? now - s * NSEC : 0;
}

static void clear_map(int fd)
{
	uint8_t key[64];
	int guard = 100000;

	while (bpf_map_get_next_key(fd, NULL, key) == 0 && guard--)
		if (bpf_map_delete_elem(fd, key))
			break;
}

void zero_counters(void)
{
	struct sg_counter *z = calloc(ncpus, sizeof(*z));
	__u32 i;

	for (i = 0; i < SG_CTR_MAX; i++)
		bpf_map_update_elem(MAPFD(sg_counters), &i, z, BPF_ANY);
	free(z);
}

static int static_count(void);

/* The learned-flow table may hold flows (a learner ran, a flow was put). */
static int flows_dirty = 1;

/* The programs' clock as `attach` measures it (lib/clock.c), at setup. */
struct sg_config clock_cal;
unsigned int clock_hz;

/*
 * Now, in the seconds of the programs' clock as the config of S sets it:
 * from jiffies where they are measured, else CLOCK_MONOTONIC's.  The two
 * agree to a tick on a machine that delivers its ticks, but an emulated
 * one starved of CPU delivers them late, and its jiffies lag.
 */
__u32 flows_now(void)
{
	struct sg_config c;
	__u32 zero = 0;
	long long now;

	if (bpf_map_lookup_elem(MAPFD(sg_config), &zero, &c))
		return sg_flowtab_now();
	now = sg_clock_now_s(bpf_program__fd(S->progs.sipguard_clock), &c);
	if (now < 0) {
		FAIL("sipguard_clock: %s", strerror(errno));
		return sg_flowtab_now();
	}
	return now;
}

void set_config(__u32 flags, __u32 timeout_s)
{
	struct sg_config c = { .flags = flags, .flow_timeout_s = timeout_s };
	__u32 zero = 0;

	c.clock_mult = clock_cal.clock_mult;
	c.clock_base = clock_cal.clock_base;

	/* SG_CFG_STATIC follows the static table, as the loader keeps it */
	if (static_count())
		c.flags |= SG_CFG_STATIC;
	if (bpf_map_update_elem(MAPFD(sg_config), &zero, &c, BPF_ANY))
		FAIL("config update: %s", strerror(errno));
}

/* The flows' filter of S, mapped (unmap it with sg_flowbits_unmap()). */
struct sg_flow_bits *flowbits_map(void)
{
	struct sg_flow_bits *fb = sg_flowbits_map(MAPFD(sg_flowbits));

	if (!fb)
		FAIL("cannot map the flows' filter: %s", strerror(errno));
	return fb;
}

void reset_state(void)
{
	clear_map(MAPFD(sg_allow));
	/* reading the whole table costs: only when something may be in it */
	if (flows_dirty) {
		sg_flowtab_flush(MAPFD(sg_flows));
		flows_dirty = 0;
	}
	clear_map(MAPFD(sg_flows_static));
	clear_map(MAPFD(sg_pending));
	clear_map(MAPFD(sg_frags));
	clear_map(MAPFD(sg_deny));
	clear_map(MAPFD(sg_bans));
	clear_map(MAPFD(sg_users));
	{
		struct sg_ban_stat st = {};
		__u32 zero = 0;

		bpf_map_update_elem(MAPFD(sg_banstat), &zero, &st, BPF_ANY);
	}
	{
		struct sg_allow_bits *b = calloc(1, sizeof(*b));
		__u32 zero = 0;

		bpf_map_update_elem(MAPFD(sg_allowbits), &zero, b, BPF_ANY);
		free(b);
	}
	/* the flows' filter in use and empty, as attach leaves it */
	{
		struct sg_flow_bits *fb = flowbits_map();

		if (fb)
			sg_flowbits_clear(fb);
		sg_flowbits_unmap(fb);
	}
	set_config(0, 0);
	zero_counters();
}

struct sg_counter ctr(int reason, int verdict)
{
	struct sg_counter *v = calloc(ncpus, sizeof(*v)), sum = { 0, 0 };
	__u32 idx = SG_CTR_IDX(reason, verdict);
	int i;

	if (bpf_map_lookup_elem(MAPFD(sg_counters), &idx, v) == 0) {
		for (i = 0; i < ncpus; i++) {
			sum.packets += v[i].packets;
			sum.bytes += v[i].bytes;
		}
	}
	free(v);
	return sum;
}

/* Text address to the 16-byte form of the maps (IPv4 as ::ffff:a.b.c.d). */
int to_addr(const char *s, struct sg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strchr(s, ':'))
		return inet_pton(AF_INET6, s, a->b) == 1 ? 6 : -1;
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	return inet_pton(AF_INET, s, a->b + 12) == 1 ? 4 : -1;
}

/* A prefix "addr/len" into an LPM trie of the maps (allowlist, deny list). */
static void lpm_add(int fd, const char *list, const char *cidr)
{
	struct sg_allow_val v = { .origin = SG_ORIGIN_CLI };
	struct sg_lpm_key k;
	char a[64];
	int fam, len;

	snprintf(a, sizeof(a), "%s", cidr);
	*strchr(a, '/') = 0;
	len = atoi(strchr(cidr, '/') + 1);
	fam = to_addr(a, &k.addr);
	k.prefixlen = fam == 4 ? 96 + len : len;
	if (fam < 0 || bpf_map_update_elem(fd, &k, &v, BPF_ANY))
		FAIL("%s add %s failed", list, cidr);
}

/* As `sipguard allow add` does it: the trie, then the filter rebuilt. */
void allow_add(const char *cidr)
{
	lpm_add(MAPFD(sg_allow), "allow", cidr);
	if (sg_allow_filter_write(MAPFD(sg_allow), MAPFD(sg_allowbits), NULL, 0, SG_AF_FORMAT))
		FAIL("allowlist filter after %s", cidr);
}

void deny_add(const char *cidr)
{
	lpm_add(MAPFD(sg_deny), "deny", cidr);
}

static struct sg_flow_key flow_key(const char *addr, __u16 rport, __u16 lport)
{
	struct sg_flow_key k;

	memset(&k, 0, sizeof(k));
	to_addr(addr, &k.addr);
	k.remote_port = rport;
	k.local_port = lport;
	return k;
}

static int static_count(void)
{
	return map_count(MAPFD(sg_flows_static));
}

/* SG_CFG_STATIC follows the static table, as the loader keeps it. */
static void static_flag_sync(void)
{
	struct sg_config c;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(MAPFD(sg_config), &zero, &c))
		return;
	if (static_count())
		c.flags |= SG_CFG_STATIC;
	else
		c.flags &= ~SG_CFG_STATIC;
	bpf_map_update_elem(MAPFD(sg_config), &zero, &c, BPF_ANY);
}

/* A hand-made flow, as `sipguard flows add` makes it. */
void flow_static(const char *addr, __u16 rport, __u16 lport)
{
	struct sg_flow_key k = flow_key(addr, rport, lport);
	struct sg_flow_static v = { .flags = SG_FLOW_STATIC,
				    .origin = SG_ORIGIN_CLI };

	if (!rport)
		v.flags |= SG_FLOW_ANY_PORT;
	if (bpf_map_update_elem(MAPFD(sg_flows_static), &k, &v, BPF_ANY))
		FAIL("static flow add failed: %s", strerror(errno));
	if (rport) {
		k.remote_port = 0;
		v.flags = SG_FLOW_STATIC | SG_FLOW_SHADOW;
		if (bpf_map_update_elem(MAPFD(sg_flows_static), &k, &v,
					BPF_NOEXIST) && errno != EEXIST)
			FAIL("static shadow add failed: %s", strerror(errno));
	}
	static_flag_sync();
}

/* A hand-made flow without a remote port: the wildcard key only. */
void flow_static_anyport(const char *addr, __u16 lport)
{
	flow_static(addr, 0, lport);
}

static __u32 config_timeout(void)
{
	struct sg_config c;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(MAPFD(sg_config), &zero, &c) ||
	    !c.flow_timeout_s)
		return SG_DEFAULT_FLOW_TIMEOUT;
	return c.flow_timeout_s;
}

/* A learned flow as the learner makes it, with FLAGS and the lifetime. */
void flow_put_slot(const char *addr, __u16 rport, __u16 lport, __u32 flags,
		   __u32 lifetime_s, __u64 age_s)
{
	struct sg_flow_slot w = { .remote_port = rport, .local_port = lport,
				  .flags = flags, .lifetime_s = lifetime_s,
				  .origin = SG_ORIGIN_LEARNED };
	struct sg_flow_bits *fb;
	int err;

	to_addr(addr, &w.addr);
	/* wraps below the clock's start on a young machine; compared signed */
	w.expires_s = flows_now() - (__u32)age_s + lifetime_s;
	flows_dirty = 1;
	fb = flowbits_map();
	err = sg_flowtab_put(MAPFD(sg_flows), fb, &w);
	sg_flowbits_unmap(fb);
	if (err)
		FAIL("flow put failed: %s", strerror(-err));
}

/*
 * A learned flow last seen age_s seconds ago, with the configured
 * timeout as its lifetime (set_config() first).
 */
void flow_learned(const char *addr, __u16 rport, __u16 lport, __u64 age_s)
{
	flow_put_slot(addr, rport, lport, 0, config_timeout(), age_s);
}

struct find_arg {
	struct sg_flow_key k;
	struct sg_flow_slot *out;
	int n;
};

static int find_cb(const struct sg_flow_slot *w, __u32 set, __u32 way,
		   void *arg)
{
	struct find_arg *f = arg;

	(void)set;
	(void)way;
	if (w->local_port != f->k.local_port ||
	    w->remote_port != f->k.remote_port ||
	    memcmp(&w->addr, &f->k.addr, sizeof(w->addr)))
		return 0;
	if (!f->n++ && f->out)
		*f->out = *w;
	return 0;
}

/* The learned flow's slot (0), or -1; a second copy fails the test. */
int flow_get(const char *addr, __u16 rport, __u16 lport,
	     struct sg_flow_slot *v)
{
	struct find_arg f = { .k = flow_key(addr, rport, lport), .out = v };

	if (sg_flowtab_walk(MAPFD(sg_flows), find_cb, &f))
		FAIL("flow table walk failed");
	if (f.n > 1)
		FAIL("flow %s:%u -> %u is in the table %d times", addr, rport,
		     lport, f.n);
	return f.n ? 0 : -1;
}

static int count_cb(const struct sg_flow_slot *w, __u32 set, __u32 way,
		    void *arg)
{
	(void)w;
	(void)set;
	(void)way;
	++*(int *)arg;
	return 0;
}

/* End every learned flow of the pair {addr, lport}; how many there were. */
int flows_del_pair(const char *addr, __u16 lport)
{
	struct sg_flow_key k = flow_key(addr, 0, lport);

	return sg_flowtab_del(MAPFD(sg_flows), &k, true);
}

/* Occupied slots of the learned-flow table. */
int flows_count(void)
{
	int n = 0;

	if (sg_flowtab_walk(MAPFD(sg_flows), count_cb, &n))
		FAIL("flow table walk failed");
	return n;
}

int map_count(int fd)
{
	uint8_t key[64], next[64];
	int n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0 && n < 100000) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

/* ---- running programs ---- */

int run_xdp_n(const void *data, int len, int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data,
		    .data_size_in = len, .repeat = repeat);
	int err;

	if (harness_probing())	/* nothing of it would be reported */
		return -1;
	err = bpf_prog_test_run_opts(bpf_program__fd(S->progs.sipguard_xdp), &o);
	if (err) {
		FAIL("test_run xdp (len %d): %s", len, strerror(errno));
		return -1;
	}
	return o.retval;
}

int run_xdp(const void *data, int len)
{
	return run_xdp_n(data, len, 1);
}

/*
 * Run the TC learner; it must return TC_ACT_UNSPEC (let the TC programs
 * after it run) and leave the packet as it was.  Returns the retval, -2
 * for a frame the kernel refuses as too short, TC_RUN_FAILED after an
 * error.
 */
int run_tc_cut(const void *data, int len, int min_len)
{
	static uint8_t out[PKT_FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out),
		    .repeat = 1);
	int err;

	if (harness_probing())
		return TC_RUN_FAILED;
	flows_dirty = 1;
	err = bpf_prog_test_run_opts(bpf_program__fd(S->progs.sipguard_learn),
				     &o);
	/* the kernel wants a whole IP header behind an IP ethertype */
	if (err && errno == EINVAL && len < min_len)
		return -2;
	if (err) {
		FAIL("test_run tc (len %d): %s", len, strerror(errno));
		return TC_RUN_FAILED;
	}
	ASSERT_EQ((int)o.retval, TC_ACT_UNSPEC, "tc retval");
	ASSERT_EQ(o.data_size_out, len, "tc data_out length");
	ASSERT_TRUE(o.data_size_out == (__u32)len && !memcmp(out, data, len), "tc packet unchanged");
	return (int)o.retval;
}

int run_tc(const void *data, int len)
{
	return run_tc_cut(data, len, 0);
}

void expect_at(const char *file, int line, const char *what, const void *data,
	       int len, int act, int reason, int verdict)
{
	struct sg_counter c;
	int r, v, got, want;

	zero_counters();
	got = run_xdp(data, len);
	harness_check(got == act, file, line, "%s: expected %s, got %s", what,
		      xdp_name(act), xdp_name(got));
	for (r = 0; r < SG_REASON_MAX; r++) {
		for (v = 0; v < SG_VERDICT_MAX; v++) {
			want = r == reason && v == verdict;
			c = ctr(r, v);
			harness_check(c.packets == (__u64)want &&
				      c.bytes == (__u64)(want ? len : 0),
				      file, line, "%s: counter %s/%s: expected "
				      "%d packets %d bytes, got %llu packets "
				      "%llu bytes", what, rname(r),
				      v ? "drop" : "pass", want, want ? len : 0,
				      (unsigned long long)c.packets,
				      (unsigned long long)c.bytes);
		}
	}
}

/* ---- loading, and the hooks of the harness ---- */

/* What attach does: every slot of the tail-call array gets its program. */
static int fill_tailcalls(struct sipguard_bpf *o)
{
	const char *failed = NULL;
	int err = sg_tailcalls_fill(o->obj, &failed);

	if (err)
		fprintf(stderr, "cannot install %s in its tail-call slot: %s\n",
			failed ? failed : "?", strerror(-err));
	return err;
}

/* The programs loaded with per-interface flags in .rodata, or NULL. */
static struct sipguard_bpf *open_flagged(__u32 flags)
{
	struct sipguard_bpf *o = sipguard_bpf__open();

	if (!o)
		return NULL;
	o->rodata->sg_if_flags = flags;
#ifdef SG_NO_L7
	/* built without layer 7 (make NO_L7=1): as attach does, not loaded */
	bpf_program__set_autoload(o->progs.sipguard_l7, false);
#endif
	if (sipguard_bpf__load(o)) {
		sipguard_bpf__destroy(o);
		return NULL;
	}
	return o;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	if (level != LIBBPF_WARN || getenv("SG_TEST_QUIET"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int harness_setup(void)
{
	libbpf_set_print(quiet_print);
	ncpus = libbpf_num_possible_cpus();
	skel = open_flagged(0);
	skel_mon = open_flagged(SG_IF_MONITOR);
	skel_l3 = open_flagged(SG_IF_L3);
	if (ncpus <= 0 || !skel || !skel_mon || !skel_l3) {
		fprintf(stderr, "cannot load the BPF object (%s): run as root\n",
			strerror(errno));
		return -1;
	}
	if (fill_tailcalls(skel) || fill_tailcalls(skel_mon) ||
	    fill_tailcalls(skel_l3))
		return -1;
	clock_hz = sg_clock_calibrate(bpf_program__fd(skel->progs.sipguard_clock),
				      &clock_cal);
	printf("# programs' clock: %s%u\n", clock_hz ? "jiffies at HZ " : "coarse ns, ",
	       clock_hz);
	return 0;
}

void harness_reset(void)
{
	S = skel;
	reset_state();
}

void harness_teardown(void)
{
	sipguard_bpf__destroy(skel_l3);
	sipguard_bpf__destroy(skel_mon);
	sipguard_bpf__destroy(skel);
}
