// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cost: what one sipguard_xdp verdict costs, per traffic class, against a
 * bare XDP program that returns the same verdict on the same frame.
 *
 * Method.  BPF_PROG_TEST_RUN with a large repeat runs the program on the
 * same frame again and again; the kernel reports the mean time per run
 * (its own clock, integer ns, timer paused while the task is rescheduled).
 * For every class the sipguard run and the bare run alternate (order
 * swapped every round), rounds after rounds; the JSON carries every round,
 * the report takes medians and spreads.  The kernel's figure is truncated
 * to whole ns.  The wall time of the call is no use here: each call has a
 * fixed cost of several ms outside the timed loop (set-up and tear-down of
 * the test context), and time the task spends preempted counts there too.
 *
 * Hot keys: the same frame every run, so every map lookup walks the same,
 * cached, path.  Cold keys: BPF_PROG_TEST_RUN cannot feed different frames
 * within one call, so the bench runs "rot", a small XDP program that
 * writes the next source address of a rotation (thousands of distinct
 * sources, each with its own path through the trie and its own hash
 * bucket) into the frame and tail-calls the program under test.  The
 * baseline goes through the same rotation and tail call into the bare
 * program, so the ratio compares like with like; a rotation of length 1
 * through the same driver ("rot1") separates the driver's own cost from
 * the cache misses.
 *
 * Table sizes: for each size the bench loads its own unpinned instance of
 * the sipguard object (the allowlist's capacity raised as `[allow]
 * max-entries` raises it), fills allowlist and flow table (see sgmaps.h
 * for the address plan) and writes the allowlist's filter and the
 * programs' clock with the code `sipguard attach` runs (lib/), and reads
 * every map's memory from the kernel (fdinfo "memlock", the figure
 * `bpftool map show` prints).
 *
 * Output: JSON on stdout (or --out), progress on stderr.
 */
#include <getopt.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipguard.h"
#include "sipguard.skel.h"
#include "bench_abi.h"
#include "bench.skel.h"
#include "sgmaps.h"
#include "uaset.h"
#include "pkt.h"
#include "util.h"

enum pool { P_NONE, P_ALLOW, P_EST, P_ORPHAN, P_ORPHAN6 };

struct cls;
typedef int (*build_fn)(const struct cls *c, const uint8_t *src,
			uint8_t *buf, int *saddr_off);

struct cls {
	const char *name;
	const char *desc;
	int verdict;		/* XDP_PASS / XDP_DROP */
	enum pool pool;		/* where its source comes from */
	build_fn build;
	int issue5;		/* a class that issue 5 names */
};

#define DST4	"192.0.2.10"
#define DST6	"2001:db8::10"

static char invite[2048];
static int invite_len;

static int desc_for(struct pkt_desc *d, const struct cls *c, const uint8_t *src,
		    uint16_t sport, uint16_t dport)
{
	int v6 = c->pool == P_ORPHAN6;

	if (pkt_desc_init(d, v6 ? "2001:db8::1" : "192.0.2.1", v6 ? DST6 : DST4,
			  sport, dport))
		return -1;
	memcpy(d->src, src, v6 ? 16 : 4);
	return 0;
}

static int finish(const struct pkt_desc *d, int len, uint8_t *buf, int *off)
{
	if (len < 0)
		return -1;
	*off = pkt_l3_off(d) + (d->ipver == 6 ? 8 : 12);
	return pkt_eth_pad(buf, len, PKT_FRAME_MAX);
}

static int b_non_ip(const struct cls *c, const uint8_t *src, uint8_t *buf,
		    int *off)
{
	/* ARP request who-has 192.0.2.10 tell <src> */
	uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1 };
	struct pkt_desc d;

	desc_for(&d, c, src, 0, 0);
	memcpy(arp + 14, src, 4);
	memcpy(arp + 24, d.dst, 4);
	d.ipver = 0;
	d.ethertype = 0x0806;
	return finish(&d, pkt_build(&d, arp, sizeof(arp), buf, PKT_FRAME_MAX),
		      buf, off);
}

static int b_tcp(const struct cls *c, const uint8_t *src, uint8_t *buf,
		 int *off)
{
	/* a TCP SYN to 5060 */
	uint8_t th[20] = { 0x9c, 0x40, 0x13, 0xc4, 0, 0, 0, 1, 0, 0, 0, 0,
			   0x50, 0x02, 0xfa, 0xf0 };
	struct pkt_desc d;

	desc_for(&d, c, src, 40000, 5060);
	d.proto = PKT_PROTO_TCP;
	return finish(&d, pkt_build(&d, th, sizeof(th), buf, PKT_FRAME_MAX),
		      buf, off);
}

static int b_dns(const struct cls *c, const uint8_t *src, uint8_t *buf,
		 int *off)
{
	uint8_t q[64];
	struct pkt_desc d;
	int n = pkt_dns_query(q, sizeof(q));

	desc_for(&d, c, src, 40000, 53);
	return finish(&d, pkt_build(&d, q, n, buf, PKT_FRAME_MAX), buf, off);
}

static int b_rtp(const struct cls *c, const uint8_t *src, uint8_t *buf,
		 int *off)
{
	uint8_t r[256];
	struct pkt_desc d;
	int n = pkt_rtp(r, sizeof(r), 160);

	desc_for(&d, c, src, 40000, 20000);
	return finish(&d, pkt_build(&d, r, n, buf, PKT_FRAME_MAX), buf, off);
}

static int b_resp(const struct cls *c, const uint8_t *src, uint8_t *buf,
		  int *off)
{
	char s[1024];
	struct pkt_desc d;
	int n = pkt_sip_response(s, sizeof(s), "200 OK", "INVITE");

	desc_for(&d, c, src, 5060, 5060);
	return finish(&d, pkt_build(&d, s, n, buf, PKT_FRAME_MAX), buf, off);
}

static int b_keepalive(const struct cls *c, const uint8_t *src, uint8_t *buf,
		       int *off)
{
	struct pkt_desc d;

	desc_for(&d, c, src, 5060, 5060);
	return finish(&d, pkt_build(&d, "\r\n\r\n", 4, buf, PKT_FRAME_MAX),
		      buf, off);
}

static int b_invite(const struct cls *c, const uint8_t *src, uint8_t *buf,
		    int *off)
{
	struct pkt_desc d;

	desc_for(&d, c, src, 5060, 5060);
	return finish(&d, pkt_build(&d, invite, invite_len, buf, PKT_FRAME_MAX),
		      buf, off);
}

static int b_vlan(const struct cls *c, const uint8_t *src, uint8_t *buf,
		  int *off)
{
	struct pkt_desc d;

	desc_for(&d, c, src, 5060, 5060);
	d.nvlan = 1;
	d.vlan_id[0] = 7;
	return finish(&d, pkt_build(&d, invite, invite_len, buf, PKT_FRAME_MAX),
		      buf, off);
}

static int b_pppoe(const struct cls *c, const uint8_t *src, uint8_t *buf,
		   int *off)
{
	struct pkt_desc d;

	desc_for(&d, c, src, 5060, 5060);
	d.pppoe = 1;
	d.pppoe_sid = 0x1234;
	return finish(&d, pkt_build(&d, invite, invite_len, buf, PKT_FRAME_MAX),
		      buf, off);
}

/* Fragment i of an INVITE split after 256 bytes of datagram. */
static int b_frag(const struct cls *c, const uint8_t *src, uint8_t *buf,
		  int *off, int which, uint32_t id)
{
	static struct pkt_frame fr[2];
	const int sizes[2] = { 256, 0 };
	struct pkt_desc d;

	desc_for(&d, c, src, 5060, 5060);
	d.id = id;
	if (pkt_fragment(&d, invite, invite_len, sizes, 2, fr) != 2)
		return -1;
	memcpy(buf, fr[which].data, fr[which].len);
	return finish(&d, fr[which].len, buf, off);
}

static int b_frag_later(const struct cls *c, const uint8_t *src, uint8_t *buf,
			int *off)
{
	return b_frag(c, src, buf, off, 1, 0x1111);
}

static int b_frag_first(const struct cls *c, const uint8_t *src, uint8_t *buf,
			int *off)
{
	return b_frag(c, src, buf, off, 0, 0x2222);
}

static const struct cls classes[] = {
	{ "non_ip", "ARP request", XDP_PASS, P_ORPHAN, b_non_ip, 1 },
	{ "tcp", "TCP SYN to 5060", XDP_PASS, P_ORPHAN, b_tcp, 1 },
	{ "udp_dns", "non-SIP UDP (DNS query)", XDP_PASS, P_ORPHAN, b_dns, 1 },
	{ "rtp", "RTP, 172 B payload", XDP_PASS, P_ORPHAN, b_rtp, 1 },
	{ "sip_response", "SIP/2.0 200 OK", XDP_PASS, P_ORPHAN, b_resp, 1 },
	{ "keepalive", "CRLFCRLF keep-alive", XDP_PASS, P_ORPHAN, b_keepalive, 1 },
	{ "invite_allow", "INVITE, allowlisted source", XDP_PASS, P_ALLOW, b_invite, 1 },
	{ "invite_est", "INVITE on an established flow", XDP_PASS, P_EST, b_invite, 1 },
	{ "invite_orphan", "orphan INVITE", XDP_DROP, P_ORPHAN, b_invite, 1 },
	{ "invite_vlan", "orphan INVITE, 802.1Q tag", XDP_DROP, P_ORPHAN, b_vlan, 1 },
	{ "invite_pppoe", "orphan INVITE, PPPoE session", XDP_DROP, P_ORPHAN, b_pppoe, 1 },
	{ "invite_v6", "orphan INVITE over IPv6", XDP_DROP, P_ORPHAN6, b_invite, 1 },
	{ "fragment", "later IPv4 fragment (offset 256)", XDP_PASS, P_ORPHAN, b_frag_later, 1 },
	{ "invite_frag1", "first fragment of an orphan INVITE", XDP_DROP, P_ORPHAN, b_frag_first, 0 },
};
#define NCLS (sizeof(classes) / sizeof(classes[0]))

/* Classes whose cost depends on the source (map lookups keyed by it). */
static int keyed(const struct cls *c)
{
	return c->build == b_invite || c->build == b_vlan ||
	       c->build == b_pppoe || c->build == b_frag_later ||
	       c->build == b_frag_first;
}

struct env {
	int cpu;
	int rounds;
	uint32_t repeat;
	uint32_t rot;
	uint64_t asize[8], fsize[8];	/* allowlist, flow table */
	int nsizes;
	uint64_t seed;
	FILE *out;
	const char *only;
	const char *spin;	/* profile mode: this class, hot, for spin_s */
	double spin_s;
	uint32_t ref_id;	/* a reference XDP program (xdp-filter), by id */
	const char *ref_name;
};

static struct env E = {
	.cpu = -1, .rounds = 7, .repeat = 1u << 20, .rot = 4096,
	.asize = { 1, 10000, 100000, 1000000 },
	.fsize = { 1, 10000, 100000, 100000 }, .nsizes = 4, .seed = 0x5eed,
};

struct run {
	uint32_t kernel_ns;
	uint32_t retval;
};

static struct run test_run(int prog_fd, const uint8_t *frame, int len,
			   uint32_t repeat)
{
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = frame,
		.data_size_in = len,
		.repeat = repeat,
	);
	struct run r;

	if (bpf_prog_test_run_opts(prog_fd, &o))
		die("BPF_PROG_TEST_RUN: %s", strerror(errno));
	r.kernel_ns = o.duration;
	r.retval = o.retval;
	return r;
}

static const char *vname(int v)
{
	return v == XDP_PASS ? "XDP_PASS" : v == XDP_DROP ? "XDP_DROP" : "other";
}

/*
 * One measurement: rounds x (program under test, baseline), alternating.
 * ptest/pbase are prog fds; with rotation, both are the rot driver and
 * the tail-call slot is switched between the two targets.
 */
struct meas {
	uint32_t k_sg[64], k_bare[64];
};

static void set_target(struct bench_bpf *b, int fd)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(bpf_map__fd(b->maps.rot_target), &zero, &fd,
				BPF_ANY))
		die("rot_target: %s", strerror(errno));
}

static void measure_prog(const struct cls *c, struct bench_bpf *b, int sg_fd,
			 const char *name, int bare_fd, int rotate,
			 const uint8_t *frame, int len, struct meas *m)
{
	int r, k, fd;
	struct run x;

	for (r = 0; r < E.rounds; r++) {
		for (k = 0; k < 2; k++) {
			int sg = (k == 0) ^ (r & 1);

			fd = sg ? sg_fd : bare_fd;
			if (rotate) {
				set_target(b, fd);
				b->bss->rot_ctr = 0;
				fd = bpf_program__fd(b->progs.rot);
			}
			x = test_run(fd, frame, len, E.repeat);
			if ((int)x.retval != c->verdict)
				die("%s: %s returned %u, expected %s", c->name,
				    sg ? name : "bare", x.retval,
				    vname(c->verdict));
			if (sg)
				m->k_sg[r] = x.kernel_ns;
			else
				m->k_bare[r] = x.kernel_ns;
		}
	}
}

static void measure(const struct cls *c, struct bench_bpf *b, int sg_fd,
		    int bare_fd, int rotate, const uint8_t *frame, int len,
		    struct meas *m)
{
	measure_prog(c, b, sg_fd, "sipguard_xdp", bare_fd, rotate, frame, len, m);
}

static void emit(const struct cls *c, const char *keys, uint32_t rotation,
		 const struct meas *m, int *first)
{
	uint64_t a[64], bb[64];
	int i;

	for (i = 0; i < E.rounds; i++) {
		a[i] = m->k_sg[i];
		bb[i] = m->k_bare[i];
	}
	fprintf(E.out, "%s\n      {\"class\": \"%s\", \"desc\": \"%s\", "
		"\"issue5\": %s, \"verdict\": \"%s\", \"keys\": \"%s\", "
		"\"rotation\": %u, ", *first ? "" : ",", c->name, c->desc,
		c->issue5 ? "true" : "false", vname(c->verdict), keys, rotation);
	json_u64s(E.out, "sg_ns", a, E.rounds, 1);
	json_u64s(E.out, "bare_ns", bb, E.rounds, 0);
	fprintf(E.out, "}");
	*first = 0;
}

static int median_u32(const uint32_t *v, int n)
{
	uint32_t s[64], t;
	int i, j;

	memcpy(s, v, n * sizeof(*v));
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && s[j - 1] > s[j]; j--) {
			t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	return s[n / 2];
}

/* The source bytes of entry i of a class's pool. */
static void pool_src(const struct plan *p, enum pool pool, uint32_t i,
		     struct bench_addr *out)
{
	struct sg_addr a;

	switch (pool) {
	case P_ALLOW:
		addr_v4(&a, p->allow4[i % p->n_allow4]);
		break;
	case P_EST:
		addr_v4(&a, p->est4[i % p->n_est4]);
		break;
	case P_ORPHAN6:
		a = p->orphan6[i % p->n_orphan6];
		break;
	default:
		addr_v4(&a, p->orphan4[i % p->n_orphan4]);
		break;
	}
	memcpy(out->b, a.b, 16);
}

static uint32_t pool_len(const struct plan *p, enum pool pool)
{
	switch (pool) {
	case P_ALLOW: return p->n_allow4;
	case P_EST: return p->n_est4;
	case P_ORPHAN6: return p->n_orphan6;
	default: return p->n_orphan4;
	}
}

static uint32_t pow2_floor(uint32_t n)
{
	uint32_t p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	if (l == LIBBPF_WARN)
		return vfprintf(stderr, f, ap);
	return 0;
}

/*
 * Profile mode: run one class (per packet or layer 7), hot keys,
 * sipguard only, for spin_s seconds, so that `perf record -C CPU` sees
 * nothing else.  "spinning" on stderr says when the tables are filled and
 * the loop starts.
 */
static void spin_frame(struct sipguard_bpf *sg, const struct cls *c,
		       const uint8_t *frame, int len, const char *label)
{
	uint64_t t0, runs = 0, ns = 0;
	struct run x;

	fprintf(stderr, "spinning\n");
	t0 = now_ns(CLOCK_MONOTONIC);
	while (now_ns(CLOCK_MONOTONIC) - t0 < E.spin_s * 1e9) {
		x = test_run(bpf_program__fd(sg->progs.sipguard_xdp), frame, len,
			     E.repeat);
		if ((int)x.retval != c->verdict)
			die("%s: unexpected verdict %u", c->name, x.retval);
		ns += (uint64_t)x.kernel_ns;
		runs++;
	}
	fprintf(E.out, "{\"class\": \"%s\", \"tables\": \"%s\", \"ns\": %.1f}\n",
		c->name, label, runs ? (double)ns / runs : 0.0);
}

/* The per-packet class E.spin; 0 when it is none (a layer-7 class, maybe). */
static int spin(struct sipguard_bpf *sg, const struct plan *p, const char *label)
{
	uint8_t frame[PKT_FRAME_MAX];
	const struct cls *c = NULL;
	struct bench_addr src;
	size_t ci;
	int len, off;

	for (ci = 0; ci < NCLS; ci++)
		if (!strcmp(classes[ci].name, E.spin))
			c = &classes[ci];
	if (!c)
		return 0;
	pool_src(p, c->pool, 0, &src);
	len = c->build(c, c->pool == P_ORPHAN6 ? src.b : src.b + 12, frame, &off);
	spin_frame(sg, c, frame, len, label);
	return 1;
}

/*
 * Layer 7 (issue 6): the price of the header scan.  With the inspect
 * policy and the shipped User-Agent blocklist, an unknown INVITE (the
 * same 581-byte one) is scanned and passes, and so is an OPTIONS probe
 * with a 1400-byte header block whose innocent User-Agent comes last.
 * Each against a bare XDP_PASS and against the orphan INVITE under the
 * default policy, measured in the same run: the report gives the extra ns
 * per payload byte over the orphan.
 */
static char probe[2048];
static int probe_len;

/*
 * The header scan's worst cases (issue 10, item 6), each within the
 * SG_SCAN_MAX bytes the scan copies:
 * - lines_t: 2-byte lines that start like a To ("t" LF): the most lines
 *   that each cost the scan two steps, until the step limit ends it;
 * - lines_to: "to" CRLF lines: past the second-byte look of any filter;
 * - folds: a From value folded every few bytes: one step per fold;
 * - ua_near: a User-Agent of near-matches of the shipped list, every
 *   position a candidate ("sip" and "fr" prefixes failing late);
 * - ua_list32: 32 patterns that share 29 bytes, a User-Agent of 'a's: each
 *   position tries every pattern to its last byte, until the budget ends it;
 * - long_hdrs: an INVITE whose From and To are 450 bytes each, read whole;
 * - lines_x: "x" LF lines, a line start every two bytes, none of them a
 *   header wanted: the most line starts the scan tests;
 * - looks: "x" LF lines, then 15 empty To lines ("t:" LF), each a name
 *   looked at and a value closed, until the scan's units (SG_SCAN_UNITS)
 *   run out;
 * - ua_pairs: a User-Agent of "iw" repeated against the shipped list: a
 *   try at every other position ("iwar"), each failing at its third byte,
 *   until the budget ends it;
 * - looks_late, folds_late: "x" LF lines, then the units spent at the end
 *   of the copy on looks in vain ("t" LF) or on folds of a From: every
 *   word read and every unit spent, the most a scan could cost before one
 *   budget bounded the words and the units together (sip_hdr.h);
 * - ua_late: "x" LF lines, then a User-Agent of "iw" pairs at the end of
 *   the copy: the most line starts, then the User-Agent match's tries (the
 *   match's positions come out of the same budget).
 * INVITEs are measured under inspect, OPTIONS with the UA list; all pass.
 */
enum { W_LINES_T = 1, W_LINES_TO, W_FOLDS, W_UA_NEAR, W_UA_LIST32, W_LONG,
       W_LINES_X, W_LOOKS, W_UA_PAIRS, W_LOOKS_LATE, W_FOLDS_LATE, W_UA_LATE };

static int build_worst(int which, const char *method)
{
	int n, lim = 1390;

	n = snprintf(probe, sizeof(probe), "%s sip:100@" DST4 " SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK-1\r\n", method);
	switch (which) {
	case W_LINES_T:
	case W_LINES_TO:
	case W_LINES_X:
	case W_LOOKS:
	case W_LOOKS_LATE: {
		int k, late = which == W_LOOKS ? 15 * 3 : which == W_LOOKS_LATE ? 23 * 2 : 0;

		while (n < lim - 40 - late)
			n += snprintf(probe + n, sizeof(probe) - n, "%s",
				      which == W_LINES_T ? "t\n" :
				      which == W_LINES_TO ? "to\r\n" : "x\n");
		for (k = 0; which == W_LOOKS && k < 15; k++)
			n += snprintf(probe + n, sizeof(probe) - n, "t:\n");
		for (k = 0; which == W_LOOKS_LATE && k < 23; k++)
			n += snprintf(probe + n, sizeof(probe) - n, "t\n");
		n += snprintf(probe + n, sizeof(probe) - n,
			      "From: <sip:1@198.18.0.1>\r\n");
		break;
	}
	case W_FOLDS:
	case W_FOLDS_LATE:
		while (which == W_FOLDS_LATE && n < lim - 40 - 24 - 22 * 4)
			n += snprintf(probe + n, sizeof(probe) - n, "x\n");
		n += snprintf(probe + n, sizeof(probe) - n, "From: <sip:1@198.18.0.1>");
		while (n < lim - 40)
			n += snprintf(probe + n, sizeof(probe) - n, "\r\n ;");
		n += snprintf(probe + n, sizeof(probe) - n, "\r\n");
		break;
	case W_UA_NEAR:
	case W_UA_LIST32:
	case W_UA_PAIRS:
	case W_UA_LATE:
		n += snprintf(probe + n, sizeof(probe) - n,
			      "From: <sip:1@198.18.0.1>;tag=1\r\nTo: <sip:100@" DST4 ">\r\n");
		/* room for 136 bytes of User-Agent at the end */
		while (which == W_UA_LATE && n < lim - 40 - 12 - 136)
			n += snprintf(probe + n, sizeof(probe) - n, "x\n");
		n += snprintf(probe + n, sizeof(probe) - n, "User-Agent: ");
		while (n < lim - 40)
			n += snprintf(probe + n, sizeof(probe) - n, "%s",
				      which == W_UA_NEAR ? "sipviciou sipsa friendly-scanne " :
				      which == W_UA_PAIRS || which == W_UA_LATE ?
				      "iwiwiwiw" : "aaaaaaaa");
		n += snprintf(probe + n, sizeof(probe) - n, "\r\n");
		break;
	case W_LONG: {
		int k;

		for (k = 0; k < 2; k++) {
			n += snprintf(probe + n, sizeof(probe) - n, "%s: \"", k ? "To" : "From");
			while ((k ? n < 1010 : n < 540))
				{ probe[n] = 'a' + n % 26; n++; }
			n += snprintf(probe + n, sizeof(probe) - n, k ?
				      "\" <sip:100@" DST4 ">\r\n" :
				      "\" <sip:1@198.18.0.1>;tag=1\r\n");
		}
		break;
	}
	}
	n += snprintf(probe + n, sizeof(probe) - n, "Content-Length: 0\r\n\r\n");
	return n;
}

static int b_probe(const struct cls *c, const uint8_t *src, uint8_t *buf,
		   int *off)
{
	struct pkt_desc d;

	desc_for(&d, c, src, 5060, 5060);
	return finish(&d, pkt_build(&d, probe, probe_len, buf, PKT_FRAME_MAX),
		      buf, off);
}

static void build_probe(void)
{
	int n;

	n = snprintf(probe, sizeof(probe),
		     "OPTIONS sip:100@" DST4 " SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK-1\r\n"
		     "From: <sip:100@198.18.0.1>;tag=1\r\nTo: <sip:100@" DST4 ">\r\n"
		     "Call-ID: 1@198.18.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n");
	while (n < 1340)
		n += snprintf(probe + n, sizeof(probe) - n,
			      "X-Filler: %.*s\r\n", 1340 - n > 60 ? 60 : 1340 - n,
			      "0123456789012345678901234567890123456789012345678901234567890");
	n += snprintf(probe + n, sizeof(probe) - n,
		      "User-Agent: Yealink SIP-T46S\r\nContent-Length: 0\r\n\r\n");
	probe_len = n;
}

/* Write the User-Agent list PATS and the config that uses it. */
static void ua_list(struct sipguard_bpf *sg, struct sg_config *cfg,
		    const char *const *pats)
{
	struct sg_ua_set *set = calloc(1, sizeof(*set));
	__u32 zero = 0;
	size_t i;

	if (!set)
		die("out of memory");
	for (i = 0; pats[i]; i++)
		sg_ua_set_add(set, pats[i]);
	if (bpf_map_update_elem(bpf_map__fd(obj_map(sg->obj, SG_MAP_UA)), &zero,
				set, BPF_ANY))
		die("ua set: %s", strerror(errno));
	cfg->ua_slot = 0;
	cfg->ua_count = set->count;
	if (bpf_map_update_elem(bpf_map__fd(obj_map(sg->obj, SG_MAP_CONFIG)), &zero,
				cfg, BPF_ANY))
		die("config map: %s", strerror(errno));
	free(set);
}

static void layer7(struct sipguard_bpf *sg, struct bench_bpf *b,
		   const struct plan *p, int *first)
{
	static const char *const pats[] = {
		"friendly-scanner", "sipvicious", "sipcli", "sip-scan", "sipscan",
		"vaxsipuseragent", "pplsip", "iwar", "sipsak", "sundayddr", "ozeki",
		"nmap nse", NULL,
	};
	static const struct cls l7[] = {
		{ "invite_inspect", "unknown INVITE scanned under inspect", XDP_PASS,
		  P_ORPHAN, b_invite, 0 },
		{ "options_1400", "OPTIONS probe, 1400-byte header block, UA scanned",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		/* the scan's worst cases: build_worst(), index - 1 */
		{ "worst_lines_t", "INVITE, 't' LF lines to the step limit, inspect",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_lines_to", "OPTIONS, 'to' CRLF lines to the step limit, UA list",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_folds", "INVITE, From folded every 3 bytes, inspect",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_ua_near", "OPTIONS, User-Agent of near-matches, shipped list",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_ua_list32", "OPTIONS, 'a' User-Agent, 32 patterns sharing 29 bytes",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_long_hdrs", "INVITE, From and To of 450 bytes, inspect",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_lines_x", "INVITE, 'x' LF lines to the end, inspect",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_looks", "INVITE, 'x' LF lines, then 15 empty To lines, inspect",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_ua_pairs", "OPTIONS, User-Agent 'iw' repeated, shipped list",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_looks_late", "INVITE, 'x' LF lines, then 23 't' LF lines, inspect",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_folds_late", "INVITE, 'x' LF lines, then a From folded 22 times, inspect",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
		{ "worst_ua_late", "OPTIONS, 'x' LF lines, then a User-Agent of 'iw', shipped list",
		  XDP_PASS, P_ORPHAN, b_probe, 0 },
	};
	static const struct { int which; const char *method; } worst[] = {
		{ 0, NULL }, { 0, NULL }, { W_LINES_T, "INVITE" }, { W_LINES_TO, "OPTIONS" },
		{ W_FOLDS, "INVITE" }, { W_UA_NEAR, "OPTIONS" }, { W_UA_LIST32, "OPTIONS" },
		{ W_LONG, "INVITE" }, { W_LINES_X, "INVITE" }, { W_LOOKS, "INVITE" },
		{ W_UA_PAIRS, "OPTIONS" }, { W_LOOKS_LATE, "INVITE" },
		{ W_FOLDS_LATE, "INVITE" }, { W_UA_LATE, "OPTIONS" },
	};
	int bytes[sizeof(l7) / sizeof(l7[0])];
	static char list32_buf[SG_UA_MAX][32];
	static const char *list32[SG_UA_MAX + 1];
	uint8_t frame[PKT_FRAME_MAX];
	struct bpf_map *m = obj_map(sg->obj, SG_MAP_CONFIG);
	struct sg_config cfg;
	struct bench_addr src;
	__u32 zero = 0;
	size_t i;
	int len, off;
	struct meas me;

	for (i = 0; i < SG_UA_MAX; i++) {
		snprintf(list32_buf[i], sizeof(list32_buf[i]),
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa%c", (int)('!' + i));
		list32[i] = list32_buf[i];
	}
	if (bpf_map_lookup_elem(bpf_map__fd(m), &zero, &cfg))
		die("config map: %s", strerror(errno));
	cfg.flags |= SG_CFG_INSPECT;
	for (i = 0; i < sizeof(l7) / sizeof(l7[0]); i++) {
		const struct cls *c = &l7[i];

		if (worst[i].which)
			probe_len = build_worst(worst[i].which, worst[i].method);
		else
			build_probe();
		bytes[i] = c->build == b_probe ? probe_len : invite_len;
		if (E.spin ? strcmp(E.spin, c->name) :
		    E.only && !strstr(E.only, c->name))
			continue;
		ua_list(sg, &cfg, worst[i].which == W_UA_LIST32 ? list32 : pats);
		pool_src(p, c->pool, 0, &src);
		len = c->build(c, src.b + 12, frame, &off);
		if (len < 0)
			die("%s: cannot build the frame", c->name);
		if (E.spin) {
			spin_frame(sg, c, frame, len, "layer 7");
			return;
		}
		measure(c, b, bpf_program__fd(sg->progs.sipguard_xdp),
			bpf_program__fd(b->progs.bare_pass), 0, frame, len, &me);
		emit(c, "hot", 1, &me, first);
		fprintf(stderr, "cost: layer 7        %-15s hot   sg %4d ns  bare %3d ns  (%d bytes of SIP)\n",
			c->name, median_u32(me.k_sg, E.rounds),
			median_u32(me.k_bare, E.rounds), bytes[i]);
	}
	if (E.spin)
		die("no class %s", E.spin);
	fprintf(E.out, ",\n      {\"layer7_bytes\": {");
	for (i = 0; i < sizeof(l7) / sizeof(l7[0]); i++)
		fprintf(E.out, "%s\"%s\": %d", i ? ", " : "", l7[i].name, bytes[i]);
	fprintf(E.out, "}}");
	cfg.flags &= ~SG_CFG_INSPECT;
	cfg.ua_count = 0;
	bpf_map_update_elem(bpf_map__fd(m), &zero, &cfg, BPF_ANY);
}

static void run_size(uint64_t asize, uint64_t fsize, struct bench_bpf *b,
		     int first_size)
{
	struct sipguard_bpf *sg;
	struct plan p = { .allow_size = asize, .flow_size = fsize, .rot = E.rot };
	char label[64];
	int sg_fd, pass_fd, drop_fd, first = 1, err;
	uint8_t frame[PKT_FRAME_MAX];
	long long total;
	size_t ci;

	sg = sipguard_bpf__open();
	if (!sg)
		die("open sipguard object: %s", strerror(errno));
	snprintf(label, sizeof(label), "%llu/%llu", (unsigned long long)asize,
		 (unsigned long long)fsize);
	plan_resize(sg->obj, &p);
	err = sipguard_bpf__load(sg);
	if (err)
		die("load sipguard object (tables %s): %s", label, strerror(-err));
	plan_config(sg->obj);
	plan_tail_calls(sg->obj);
	fprintf(stderr, "cost: tables %s: filling...\n", label);
	plan_fill(sg->obj, &p, E.seed);

	if (E.spin) {
		if (!spin(sg, &p, label)) {
			int first = 1;

			layer7(sg, b, &p, &first);
		}
		plan_free(&p);
		sipguard_bpf__destroy(sg);
		return;
	}
	fprintf(E.out, "%s\n  {\"allow_size\": %llu, \"flow_size\": %llu, "
		"\"allow_entries\": %llu, \"allow_v4_entries\": %llu, "
		"\"allow_v6_entries\": %llu, \"flow_entries\": %llu, "
		"\"fill_s\": %.2f, ",
		first_size ? "" : ",", (unsigned long long)asize,
		(unsigned long long)fsize, (unsigned long long)p.allow_entries,
		(unsigned long long)p.allow_v4_entries,
		(unsigned long long)p.allow_v6_entries,
		(unsigned long long)p.flow_entries, p.fill_s);
	fprintf(E.out, "\"maps\": ");
	total = json_maps_memory(E.out, sg->obj);
	fprintf(E.out, ", \"maps_total\": %lld, \"results\": [", total);

	sg_fd = bpf_program__fd(sg->progs.sipguard_xdp);
	pass_fd = bpf_program__fd(b->progs.bare_pass);
	drop_fd = bpf_program__fd(b->progs.bare_drop);

	for (ci = 0; ci < NCLS; ci++) {
		const struct cls *c = &classes[ci];
		int bare = c->verdict == XDP_PASS ? pass_fd : drop_fd;
		struct bench_addr src;
		uint32_t rl, i;
		struct meas m;
		int len, off;

		if (E.only && !strstr(E.only, c->name))
			continue;
		pool_src(&p, c->pool, 0, &src);
		len = c->build(c, c->pool == P_ORPHAN6 ? src.b : src.b + 12,
			       frame, &off);
		if (len < 0)
			die("%s: cannot build the frame", c->name);

		measure(c, b, sg_fd, bare, 0, frame, len, &m);
		emit(c, "hot", 1, &m, &first);
		fprintf(stderr, "cost: %-15s %-14s hot   sg %3d ns  bare %3d ns\n",
			label, c->name,
			median_u32(m.k_sg, E.rounds), median_u32(m.k_bare, E.rounds));
		if (!keyed(c))
			continue;

		/* cold: rotate over the pool */
		rl = pow2_floor(pool_len(&p, c->pool));
		for (i = 0; i < rl; i++) {
			pool_src(&p, c->pool, i, &src);
			if (bpf_map_update_elem(bpf_map__fd(b->maps.rot_addrs),
						&i, &src, BPF_ANY))
				die("rot_addrs: %s", strerror(errno));
		}
		b->bss->rot_off = off;
		b->bss->rot_len = c->pool == P_ORPHAN6 ? 16 : 4;
		b->bss->rot_mask = rl - 1;
		measure(c, b, sg_fd, bare, 1, frame, len, &m);
		emit(c, "cold", rl, &m, &first);
		fprintf(stderr, "cost: %-15s %-14s cold  sg %3d ns  bare %3d ns  (rotation %u)\n",
			label, c->name,
			median_u32(m.k_sg, E.rounds), median_u32(m.k_bare, E.rounds), rl);
		b->bss->rot_mask = 0;
		measure(c, b, sg_fd, bare, 1, frame, len, &m);
		emit(c, "rot1", 1, &m, &first);
	}
	if (first_size)
		layer7(sg, b, &p, &first);
	fprintf(E.out, "\n  ]}");
	plan_free(&p);
	sipguard_bpf__destroy(sg);
}

/*
 * A reference program (--ref ID, run.sh loads xdp-filter for it) on the
 * frames of the classes where it returns the class's verdict, against the
 * same bare programs: what a port filter's parse and lookup cost on this
 * host, beside sipguard's figures.  A class where it answers otherwise
 * (xdp-filter drops a SIP response to port 5060) is listed as skipped.
 */
static void reference(struct bench_bpf *b)
{
	uint8_t frame[PKT_FRAME_MAX];
	int fd, first = 1, len, off, bare;
	const char *other[NCLS];
	size_t nother = 0;
	struct sg_addr a4, a6;
	struct meas m;
	struct run x;
	size_t ci;

	fd = bpf_prog_get_fd_by_id(E.ref_id);
	if (fd < 0)
		die("--ref %u: no such program: %s", E.ref_id, strerror(errno));
	/* the source does not matter to a port filter: one from TEST-NET-2 */
	addr_v6(&a6, 0, 7);
	addr_v4(&a4, 0xc6336407);	/* 198.51.100.7 */
	fprintf(E.out, ",\n \"reference\": {\"name\": \"%s\", \"id\": %u, "
		"\"results\": [", E.ref_name, E.ref_id);
	for (ci = 0; ci < NCLS; ci++) {
		const struct cls *c = &classes[ci];

		if (E.only && !strstr(E.only, c->name))
			continue;
		len = c->build(c, c->pool == P_ORPHAN6 ? a6.b : a4.b + 12,
			       frame, &off);
		if (len < 0)
			die("%s: cannot build the frame", c->name);
		x = test_run(fd, frame, len, 1);
		if ((int)x.retval != c->verdict) {
			other[nother++] = c->name;
			continue;
		}
		bare = bpf_program__fd(c->verdict == XDP_PASS ? b->progs.bare_pass :
								b->progs.bare_drop);
		measure_prog(c, b, fd, E.ref_name, bare, 0, frame, len, &m);
		emit(c, "hot", 1, &m, &first);
		fprintf(stderr, "cost: reference      %-14s hot   %s %3d ns  bare %3d ns\n",
			c->name, E.ref_name, median_u32(m.k_sg, E.rounds),
			median_u32(m.k_bare, E.rounds));
	}
	fprintf(E.out, "\n  ], \"other_verdict\": [");
	for (ci = 0; ci < nother; ci++)
		fprintf(E.out, "%s\"%s\"", ci ? ", " : "", other[ci]);
	fprintf(E.out, "]}");
	close(fd);
}

/* The shipped sizes, every table full: does it fit 16 MB? */
static void default_memory(void)
{
	struct sipguard_bpf *sg;
	long long total, empty;
	int err;

	sg = sipguard_bpf__open();
	if (!sg || (err = sipguard_bpf__load(sg)))
		die("load sipguard object (defaults)");
	plan_config(sg->obj);
	fprintf(E.out, ",\n \"default_sizes\": {\"allow_max\": %u, \"flows_max\": %u, "
		"\"ncpus_possible\": %d, \"empty\": {\"maps\": ",
		SG_ALLOW_MAX, SG_FLOWS_MAX, libbpf_num_possible_cpus());
	empty = json_maps_memory(E.out, sg->obj);
	fprintf(E.out, ", \"total\": %lld}", empty);
	/* every table full (preallocated ones cost the same either way) */
	fill_dynamic_maps(sg->obj, E.seed);
	fprintf(E.out, ", \"full\": {\"maps\": ");
	total = json_maps_memory(E.out, sg->obj);
	fprintf(E.out, ", \"total\": %lld}}", total);
	fprintf(stderr, "cost: default sizes: %.2f MiB empty, %.2f MiB with every table full\n",
		empty / 1048576.0, total / 1048576.0);
	sipguard_bpf__destroy(sg);
}

/*
 * A new flow learned into an empty table and into a full one (issue 11:
 * at most twice the cost).  N outbound INVITEs to N new destinations, each
 * run once by the learner; the kernel's own duration of each run is
 * summed.  "Full": every slot of every set holds a live, unanswered flow,
 * so each new flow evicts; "empty": only the new flows are there.
 */
#define LEARN_N		4096

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double learn_new_ns(struct sipguard_bpf *sg, struct sg_flow_bits *bits,
			   int full)
{
	int fd = bpf_map__fd(sg->maps.sg_flows);
	int prog = bpf_program__fd(sg->progs.sipguard_learn);
	static uint8_t frames[LEARN_N][PKT_FRAME_MAX];
	static int lens[LEARN_N];
	struct sg_flow_slot *all = NULL;
	__u32 now = sg_flowtab_now();
	uint64_t sum = 0;
	struct pkt_desc d;
	struct run r;
	int i;

	if (sg_flowtab_flush(fd) < 0)
		die("flow table flush");
	sg_flowbits_clear(bits);
	if (full) {
		all = calloc(SG_FLOWS_MAX * 2, sizeof(*all));
		if (!all)
			die("out of memory");
		/* twice the slots: whatever does not fit in its sets is left */
		for (i = 0; i < SG_FLOWS_MAX * 2; i++) {
			addr_v6(&all[i].addr, mix32(i), i);
			all[i].remote_port = 5060;
			all[i].local_port = 5060;
			all[i].lifetime_s = 3600;
			all[i].expires_s = now + 3600;
			all[i].origin = SG_ORIGIN_LEARNED;
		}
		if (sg_flowtab_load(fd, bits, all, SG_FLOWS_MAX * 2) < 0)
			die("flow table fill");
		free(all);
	}
	for (i = 0; i < LEARN_N; i++) {
		char dst[32];

		snprintf(dst, sizeof(dst), "198.18.%d.%d", 1 + i / 250, 1 + i % 250);
		if (pkt_desc_init(&d, "192.0.2.1", dst, 5060, 5060))
			die("learner frame");
		lens[i] = pkt_build(&d, invite, invite_len, frames[i], PKT_FRAME_MAX);
		if (lens[i] < 0)
			die("learner frame");
	}
	for (i = 0; i < LEARN_N; i++) {
		r = test_run(prog, frames[i], lens[i], 1);
		sum += r.kernel_ns;
	}
	return (double)sum / LEARN_N;
}

static void learn_cost(void)
{
	struct sg_flow_bits *bits;
	struct sipguard_bpf *sg;
	double empty[16], full[16], e, f;
	long live;
	int i, n = E.rounds < 16 ? E.rounds : 16;

	sg = sipguard_bpf__open();
	if (!sg || sipguard_bpf__load(sg))
		die("load sipguard object (learner)");
	plan_config(sg->obj);
	bits = sg_flowbits_map(bpf_map__fd(sg->maps.sg_flowbits));
	if (!bits)
		die("flows' filter: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		empty[i] = learn_new_ns(sg, bits, 0);
		full[i] = learn_new_ns(sg, bits, 1);
	}
	sg_flowbits_unmap(bits);
	sg_flowtab_count(bpf_map__fd(sg->maps.sg_flows), sg_flowtab_now(),
			 &live, NULL);
	qsort(empty, n, sizeof(double), cmp_double);
	qsort(full, n, sizeof(double), cmp_double);
	e = empty[n / 2];
	f = full[n / 2];
	fprintf(E.out, ",\n \"learn_new_flow\": {\"empty_ns\": %.1f, \"full_ns\": %.1f, "
		"\"ratio\": %.2f, \"runs\": %d, \"flows_when_full\": %ld, "
		"\"empty_ns_all\": [", e, f, f / e, LEARN_N, live);
	for (i = 0; i < n; i++)
		fprintf(E.out, "%s%.1f", i ? ", " : "", empty[i]);
	fprintf(E.out, "], \"full_ns_all\": [");
	for (i = 0; i < n; i++)
		fprintf(E.out, "%s%.1f", i ? ", " : "", full[i]);
	fprintf(E.out, "]}");
	fprintf(stderr, "cost: a new flow: %.0f ns into an empty table, %.0f ns into a full one (%.2fx)\n",
		e, f, f / e);
	sipguard_bpf__destroy(sg);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: cost [--rounds N] [--repeat N] [--rot N] [--sizes N|ALLOW:FLOWS,...]\n"
		"            [--cpu N] [--only class,class] [--out FILE] [--ref ID[:NAME]]\n"
		"       cost --spin CLASS [--seconds S] [--sizes ALLOW:FLOWS] (profile mode)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", 1, 0, 'r' }, { "repeat", 1, 0, 'n' },
		{ "rot", 1, 0, 'R' }, { "sizes", 1, 0, 's' },
		{ "cpu", 1, 0, 'c' }, { "out", 1, 0, 'o' },
		{ "only", 1, 0, 'O' }, { "spin", 1, 0, 'P' },
		{ "seconds", 1, 0, 'S' }, { "ref", 1, 0, 'F' }, { 0 },
	};
	struct bench_bpf *b;
	char *tok, *save;
	int o, i;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'r': E.rounds = atoi(optarg); break;
		case 'n': E.repeat = strtoul(optarg, NULL, 0); break;
		case 'R': E.rot = strtoul(optarg, NULL, 0); break;
		case 'c': E.cpu = atoi(optarg); break;
		case 'O': E.only = optarg; break;
		case 'P': E.spin = optarg; break;
		case 'S': E.spin_s = atof(optarg); break;
		case 'F':	/* ID or ID:NAME */
			E.ref_id = strtoul(optarg, &tok, 10);
			if (!E.ref_id || (*tok && *tok != ':'))
				usage();
			E.ref_name = *tok ? tok + 1 : "reference";
			break;
		case 'o':
			E.out = fopen(optarg, "w");
			if (!E.out)
				die("%s: %s", optarg, strerror(errno));
			break;
		case 's':	/* N or ALLOW:FLOWS, comma separated */
			E.nsizes = 0;
			for (tok = strtok_r(optarg, ",", &save); tok && E.nsizes < 8;
			     tok = strtok_r(NULL, ",", &save)) {
				char *colon = strchr(tok, ':');

				E.asize[E.nsizes] = strtoull(tok, NULL, 0);
				E.fsize[E.nsizes] = colon ? strtoull(colon + 1, NULL, 0) :
							    E.asize[E.nsizes];
				E.nsizes++;
			}
			break;
		default: usage();
		}
	}
	if (E.rounds < 1 || E.rounds > 64 || !E.repeat || E.rot < 1 ||
	    E.rot > BENCH_ROT_MAX || E.rot * 2 > PLAN_V4_N / 2)
		usage();
	if (!E.out)
		E.out = stdout;
	if (E.cpu < 0)
		E.cpu = libbpf_num_possible_cpus() - 1;
	pin_cpu(E.cpu);
	libbpf_set_print(libbpf_quiet);
	invite_len = pkt_sip_request(invite, sizeof(invite), "INVITE", DST4, 240);
	if (invite_len < 0)
		die("cannot build the INVITE");

	b = bench_bpf__open_and_load();
	if (!b)
		die("load bench object: %s", strerror(errno));

	if (E.spin) {
		if (E.spin_s <= 0)
			E.spin_s = 5;
		run_size(E.asize[0], E.fsize[0], b, 1);
		bench_bpf__destroy(b);
		return 0;
	}
	fprintf(E.out, "{\"cpu\": %d, \"rounds\": %d, \"repeat\": %u, \"rot\": %u, "
		"\"invite_bytes\": %d, \"sizes\": [", E.cpu, E.rounds, E.repeat,
		E.rot, invite_len);
	for (i = 0; i < E.nsizes; i++)
		run_size(E.asize[i], E.fsize[i], b, i == 0);
	fprintf(E.out, "\n ]");
	if (E.ref_id)
		reference(b);
	default_memory();
	learn_cost();
	fprintf(E.out, "\n}\n");
	bench_bpf__destroy(b);
	return 0;
}
