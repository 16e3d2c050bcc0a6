// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpgen: a traffic generator that injects frames into a veth with
 * BPF_PROG_RUN in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES).
 *
 * The kernel builds each frame from a template in a page pool and runs the
 * "gen" program of bench.bpf.c on it; gen turns the frame into the next one
 * of the stream (source address, ports, first 8 payload bytes, IPv4 header
 * checksum) and XDP_REDIRECTs it into DEV, whose peer receives it through
 * its XDP program and, for XDP_PASS, the kernel's stack.  No socket buffer
 * is built on the sending side, so what the receiver does dominates.
 *
 * The redirect is flushed at the end of each batch (64 frames), and the
 * peer's NAPI poll runs when the batch re-enables bottom halves: on the
 * same CPU, right away.  So a run on one pinned CPU does the sending and
 * the receiving, every frame is accounted for, and the time per frame is
 * generator + receiver.  The receiver's part is measured on its own: a
 * raw tracepoint pair times every NET_RX softirq on the CPU.
 *
 *   xdpgen --netns NS --dev IF [--cpu N] [--seconds S] [--frames N]
 *          [--template invite|small] [--dmac MAC] [--smac MAC]
 *          [--daddr A.B.C.D] --var SPEC [--var SPEC...] [--seq 0,0,1,...]
 *
 *   SPEC: base=A.B.C.D,count=N,stride=N,sport=N,dport=N,pay=KIND
 *         count a power of two; KIND invite|response|rtp|junk|register
 *
 * Prints one JSON object: frames sent per variant, time, NET_RX softirq
 * time, the CPU's /proc/stat ticks.
 */
#include <getopt.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_abi.h"
#include "bench.skel.h"
#include "pkt.h"
#include "util.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES	(1U << 1)
#endif

struct opts {
	const char *netns, *dev, *tmpl, *daddr;
	uint8_t dmac[6], smac[6];
	int cpu;
	double seconds;
	uint64_t frames;
	uint32_t batch;
	struct bench_variant var[BENCH_VAR_MAX];
	const char *pay[BENCH_VAR_MAX];
	int nvar;
	uint8_t seq[BENCH_SEQ_MAX];
	int nseq;
};

static void set_netns(const char *name)
{
	char path[256];
	int fd;

	if (!name)
		return;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("netns %s: %s", name, strerror(errno));
	close(fd);
}

static void parse_mac(const char *s, uint8_t *m)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		   &m[3], &m[4], &m[5]) != 6)
		die("bad MAC %s", s);
}

static uint64_t payload8(const char *kind)
{
	uint8_t b[8];
	uint64_t v;

	if (!strcmp(kind, "invite"))
		memcpy(b, "INVITE s", 8);
	else if (!strcmp(kind, "register"))
		memcpy(b, "REGISTER", 8);
	else if (!strcmp(kind, "response"))
		memcpy(b, "SIP/2.0 ", 8);
	else if (!strcmp(kind, "rtp"))
		memcpy(b, "\x80\x00\x12\x67\x00\x0b\x89\x20", 8);
	else if (!strcmp(kind, "junk"))
		memcpy(b, "\x00\x01\x02\x03\x04\x05\x06\x07", 8);
	else
		die("unknown payload kind %s", kind);
	memcpy(&v, b, 8);
	return v;
}

static void parse_var(struct opts *o, char *spec)
{
	struct bench_variant *v = &o->var[o->nvar];
	char *tok, *save, *eq;
	struct in_addr a;
	uint32_t count = 1;

	if (o->nvar >= BENCH_VAR_MAX)
		die("too many variants");
	memset(v, 0, sizeof(*v));
	v->saddr_stride = 1;
	o->pay[o->nvar] = "invite";
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			die("bad variant field %s", tok);
		*eq++ = 0;
		if (!strcmp(tok, "base")) {
			if (inet_pton(AF_INET, eq, &a) != 1)
				die("bad address %s", eq);
			v->saddr_base = ntohl(a.s_addr);
		} else if (!strcmp(tok, "count")) {
			count = strtoul(eq, NULL, 0);
		} else if (!strcmp(tok, "stride")) {
			v->saddr_stride = strtoul(eq, NULL, 0);
		} else if (!strcmp(tok, "sport")) {
			v->sport = atoi(eq);
		} else if (!strcmp(tok, "dport")) {
			v->dport = atoi(eq);
		} else if (!strcmp(tok, "pay")) {
			o->pay[o->nvar] = eq;
		} else {
			die("unknown variant field %s", tok);
		}
	}
	if (!count || (count & (count - 1)))
		die("count must be a power of two");
	v->saddr_mask = count - 1;
	v->payload8 = payload8(o->pay[o->nvar]);
	o->nvar++;
}

/* The stream's template: one frame whose headers all variants share. */
static int build_template(const struct opts *o, uint8_t *buf)
{
	char sip[2048];
	struct pkt_desc d;
	int n, len;

	if (pkt_desc_init(&d, "198.18.0.1", o->daddr, 5060, 5060))
		die("bad address %s", o->daddr);
	d.id = 0x4711;
	d.ip4_df = 1;
	if (!strcmp(o->tmpl, "invite")) {
		n = pkt_sip_request(sip, sizeof(sip), "INVITE", o->daddr, 0);
	} else if (!strcmp(o->tmpl, "small")) {
		memset(sip, 0x5a, 18);	/* 60-byte frame */
		n = 18;
	} else {
		die("unknown template %s", o->tmpl);
	}
	len = pkt_build(&d, sip, n, buf, PKT_FRAME_MAX);
	len = pkt_eth_pad(buf, len, PKT_FRAME_MAX);
	if (len < BENCH_GEN_HDR + 8)
		die("cannot build the template");
	memcpy(buf, o->dmac, 6);
	memcpy(buf + 6, o->smac, 6);
	return len;
}

/* One's complement sum of the IPv4 header without checksum and source. */
static uint32_t ip_sum_wo_saddr(const uint8_t *ip)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < 20; i += 2) {
		if (i == 10 || i == 12 || i == 14)
			continue;
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	}
	return s;
}

struct cpustat {
	unsigned long long v[10];
};

static void read_cpustat(int cpu, struct cpustat *c)
{
	char line[512], name[16];
	FILE *f = fopen("/proc/stat", "r");

	memset(c, 0, sizeof(*c));
	snprintf(name, sizeof(name), "cpu%d ", cpu);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name))) {
			sscanf(line + strlen(name), "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			       &c->v[0], &c->v[1], &c->v[2], &c->v[3], &c->v[4],
			       &c->v[5], &c->v[6], &c->v[7], &c->v[8], &c->v[9]);
			break;
		}
	if (f)
		fclose(f);
}

static void sirq_read(struct bench_bpf *b, int cpu, struct bench_sirq *out)
{
	int n = libbpf_num_possible_cpus();
	struct bench_sirq *v = calloc(n, sizeof(*v));
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (!bpf_map_lookup_elem(bpf_map__fd(b->maps.sirq), &zero, v))
		*out = v[cpu];
	free(v);
}

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, ap) : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", 1, 0, 'N' }, { "dev", 1, 0, 'd' }, { "cpu", 1, 0, 'c' },
		{ "seconds", 1, 0, 's' }, { "frames", 1, 0, 'f' },
		{ "template", 1, 0, 't' }, { "dmac", 1, 0, 'D' },
		{ "smac", 1, 0, 'S' }, { "daddr", 1, 0, 'a' }, { "var", 1, 0, 'v' },
		{ "seq", 1, 0, 'q' }, { "batch", 1, 0, 'b' }, { 0 },
	};
	struct opts o = {
		.tmpl = "invite", .daddr = "192.0.2.1", .cpu = -1,
		.seconds = 1.0, .batch = 64,
		.dmac = { 2, 0, 0, 0, 0, 2 }, .smac = { 2, 0, 0, 0, 0, 1 },
	};
	uint8_t frame[PKT_FRAME_MAX];
	struct bench_sirq s0, s1;
	struct cpustat c0, c1;
	struct bench_bpf *b;
	uint64_t sent = 0, kern_ns = 0, t0, t1, chunk = 65536, i;
	int len, opt, ifindex, err, calls = 0;
	struct bpf_link *l1, *l2;
	char *tok, *save;
	struct xdp_md ctx_in;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'N': o.netns = optarg; break;
		case 'd': o.dev = optarg; break;
		case 'c': o.cpu = atoi(optarg); break;
		case 's': o.seconds = atof(optarg); break;
		case 'f': o.frames = strtoull(optarg, NULL, 0); break;
		case 't': o.tmpl = optarg; break;
		case 'D': parse_mac(optarg, o.dmac); break;
		case 'S': parse_mac(optarg, o.smac); break;
		case 'a': o.daddr = optarg; break;
		case 'v': parse_var(&o, optarg); break;
		case 'b': o.batch = atoi(optarg); break;
		case 'q':
			o.nseq = 0;
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (o.nseq >= BENCH_SEQ_MAX)
					die("sequence too long");
				o.seq[o.nseq++] = atoi(tok);
			}
			break;
		default:
			fprintf(stderr, "see the comment at the top of xdpgen.c\n");
			return 2;
		}
	}
	if (!o.dev || !o.nvar)
		die("need --dev and at least one --var");
	if (!o.nseq)
		o.nseq = 1;
	for (i = 0; i < (uint64_t)o.nseq; i++)
		if (o.seq[i] >= o.nvar)
			die("sequence names variant %d, there are %d", o.seq[i], o.nvar);
	if (o.cpu < 0)
		o.cpu = libbpf_num_possible_cpus() - 1;
	pin_cpu(o.cpu);
	set_netns(o.netns);
	ifindex = if_nametoindex(o.dev);
	if (!ifindex)
		die("interface %s not found", o.dev);
	libbpf_set_print(libbpf_quiet);

	len = build_template(&o, frame);
	for (i = 0; i < (uint64_t)o.nvar; i++)
		o.var[i].ip_sum = ip_sum_wo_saddr(frame + 14);

	b = bench_bpf__open();
	if (!b)
		die("open bench object");
	b->rodata->gen_ifindex = ifindex;
	b->rodata->gen_seq_len = o.nseq;
	memcpy((void *)b->rodata->gen_seq, o.seq, o.nseq);
	memcpy((void *)b->rodata->gen_var, o.var, sizeof(o.var));
	err = bench_bpf__load(b);
	if (err)
		die("load bench object: %s", strerror(-err));
	l1 = bpf_program__attach(b->progs.sirq_enter);
	l2 = bpf_program__attach(b->progs.sirq_exit);
	if (!l1 || !l2)
		die("attach softirq tracepoints: %s", strerror(errno));

	memset(&ctx_in, 0, sizeof(ctx_in));
	ctx_in.data_end = len;
	ctx_in.ingress_ifindex = ifindex;

	sirq_read(b, o.cpu, &s0);
	read_cpustat(o.cpu, &c0);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (;;) {
		DECLARE_LIBBPF_OPTS(bpf_test_run_opts, r,
			.data_in = frame,
			.data_size_in = len,
			.ctx_in = &ctx_in,
			.ctx_size_in = sizeof(ctx_in),
			.repeat = chunk,
			.batch_size = o.batch,
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		);
		uint64_t el;

		if (o.frames && sent + chunk > o.frames)
			r.repeat = o.frames - sent;
		if (bpf_prog_test_run_opts(bpf_program__fd(b->progs.gen), &r))
			die("BPF_PROG_RUN (live frames): %s", strerror(errno));
		sent += r.repeat;
		kern_ns += (uint64_t)r.duration * r.repeat;
		calls++;
		el = now_ns(CLOCK_MONOTONIC) - t0;
		if (o.frames ? sent >= o.frames : el >= o.seconds * 1e9)
			break;
		/* calls of ~50 ms: the fixed cost of a call stays small */
		if (r.duration && chunk < (1u << 24))
			chunk = 50000000ull / r.duration;
		if (chunk < 4096)
			chunk = 4096;
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	read_cpustat(o.cpu, &c1);
	sirq_read(b, o.cpu, &s1);

	printf("{\"frames\": %llu, \"frame_bytes\": %d, \"calls\": %d, "
	       "\"kernel_ns\": %llu, \"wall_ns\": %llu, "
	       "\"sirq_ns\": %llu, \"sirq_count\": %llu, \"cpu\": %d, "
	       "\"hz\": %ld, \"stat_ticks\": {",
	       (unsigned long long)sent, len, calls,
	       (unsigned long long)kern_ns, (unsigned long long)(t1 - t0),
	       (unsigned long long)(s1.ns - s0.ns),
	       (unsigned long long)(s1.count - s0.count), o.cpu,
	       sysconf(_SC_CLK_TCK));
	{
		static const char *names[] = { "user", "nice", "system", "idle",
			"iowait", "irq", "softirq", "steal", "guest", "guest_nice" };
		for (i = 0; i < 10; i++)
			printf("%s\"%s\": %llu", i ? ", " : "", names[i],
			       c1.v[i] - c0.v[i]);
	}
	printf("}, \"sent\": [");
	for (i = 0; i < (uint64_t)o.nvar; i++)
		printf("%s%llu", i ? ", " : "",
		       (unsigned long long)b->bss->gen_sent[i]);
	printf("]}\n");
	bpf_link__destroy(l1);
	bpf_link__destroy(l2);
	bench_bpf__destroy(b);
	return 0;
}
