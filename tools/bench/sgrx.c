// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sgrx: the receiving side of the live benchmark.  Attaches one XDP
 * program in native mode to DEV in network namespace NS, through a
 * bpf_link that lives as long as this process:
 *
 *   drop      bare XDP_DROP (the limit of the path)
 *   pass      bare XDP_PASS (lets redirected frames into the veth, for the
 *             netfilter contenders)
 *   sipguard  a private, unpinned instance of sipguard_xdp, its allowlist
 *             and flow table filled from --allow FILE (ADDR/LEN a line) and
 *             --flows FILE (ADDR LPORT a line), config as `attach` sets it
 *
 * Then it reads commands on stdin: "stats" prints sipguard's counters
 * (packets per reason and verdict, all CPUs) as one JSON line; "quit" or
 * end of input detaches and exits.
 */
#include <getopt.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipguard.h"
#include "sipguard.skel.h"
#include "bench_abi.h"
#include "bench.skel.h"
#include "names.h"
#include "sgmaps.h"
#include "util.h"


static void set_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("netns %s: %s", name, strerror(errno));
	close(fd);
}

static int parse_addr(const char *s, struct sg_addr *a, int *v4)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		addr_v4(a, ntohl(a4.s_addr));
		*v4 = 1;
		return 0;
	}
	*v4 = 0;
	return inet_pton(AF_INET6, s, a->b) == 1 ? 0 : -1;
}

static long load_allow(int fd, const char *file)
{
	char line[256], *slash;
	struct sg_addr a;
	long n = 0;
	int v4, len;
	FILE *f = fopen(file, "r");

	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		slash = strchr(line, '/');
		len = slash ? atoi(slash + 1) : -1;
		if (slash)
			*slash = 0;
		if (parse_addr(line, &a, &v4))
			die("%s: bad address %s", file, line);
		if (len < 0)
			len = v4 ? 32 : 128;
		lpm_add(fd, &a, v4 ? 96 + len : len);
		n++;
	}
	fclose(f);
	return n;
}

static long load_flows(int fd, const char *file)
{
	char line[256], addr[128];
	struct sg_flow_slot *w = NULL;
	__u32 now = sg_flowtab_now();
	size_t n = 0, cap = 0;
	unsigned port;
	long placed;
	int v4;
	FILE *f = fopen(file, "r");

	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %u", addr, &port) != 2)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			w = realloc(w, cap * sizeof(*w));
			if (!w)
				die("out of memory");
		}
		memset(&w[n], 0, sizeof(w[n]));
		if (parse_addr(addr, &w[n].addr, &v4))
			die("%s: bad address %s", file, addr);
		w[n].local_port = port;
		w[n].remote_port = 5060;
		w[n].lifetime_s = 3600;
		w[n].expires_s = now + 3600;
		w[n].origin = SG_ORIGIN_LEARNED;
		n++;
	}
	fclose(f);
	placed = sg_flowtab_load(fd, w, n);
	free(w);
	if (placed < 0)
		die("flow table load: %s", strerror((int)-placed));
	return placed;
}

static void print_stats(struct bpf_object *obj)
{
	int ncpu = libbpf_num_possible_cpus(), fd, first = 1;
	struct sg_counter *c = calloc(ncpu, sizeof(*c));
	__u32 r, v, idx;
	__u64 sum;

	fd = bpf_map__fd(obj_map(obj, SG_MAP_COUNTERS));
	printf("{\"counters\": {");
	for (r = 0; r < SG_REASON_MAX; r++) {
		for (v = 0; v < SG_VERDICT_MAX; v++) {
			int i;

			idx = SG_CTR_IDX(r, v);
			sum = 0;
			if (!bpf_map_lookup_elem(fd, &idx, c))
				for (i = 0; i < ncpu; i++)
					sum += c[i].packets;
			if (!sum)
				continue;
			printf("%s\"%s/%s\": %llu", first ? "" : ", ",
			       sg_reason_names[r], sg_verdict_name(v),
			       (unsigned long long)sum);
			first = 0;
		}
	}
	printf("}}\n");
	fflush(stdout);
	free(c);
}

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, ap) : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", 1, 0, 'N' }, { "dev", 1, 0, 'd' }, { "prog", 1, 0, 'p' },
		{ "allow", 1, 0, 'a' }, { "flows", 1, 0, 'f' }, { 0 },
	};
	const char *netns = NULL, *dev = NULL, *prog = "drop";
	const char *allow = NULL, *flows = NULL;
	struct sipguard_bpf *sg = NULL;
	struct bench_bpf *b = NULL;
	long nallow = 0, nflows = 0;
	int opt, ifindex, prog_fd, link_fd;
	char line[64];

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'd': dev = optarg; break;
		case 'p': prog = optarg; break;
		case 'a': allow = optarg; break;
		case 'f': flows = optarg; break;
		default:
			fprintf(stderr, "see the comment at the top of sgrx.c\n");
			return 2;
		}
	}
	if (!dev)
		die("need --dev");
	if (netns)
		set_netns(netns);
	ifindex = if_nametoindex(dev);
	if (!ifindex)
		die("interface %s not found", dev);
	libbpf_set_print(libbpf_quiet);

	if (!strcmp(prog, "sipguard")) {
		sg = sipguard_bpf__open();
		if (!sg || sipguard_bpf__load(sg))
			die("load the sipguard object: %s", strerror(errno));
		plan_config(sg->obj);
		plan_tail_calls(sg->obj);
		if (allow)
			nallow = load_allow(bpf_map__fd(obj_map(sg->obj, SG_MAP_ALLOW)), allow);
		if (flows)
			nflows = load_flows(bpf_map__fd(obj_map(sg->obj, SG_MAP_FLOWS)), flows);
		prog_fd = bpf_program__fd(sg->progs.sipguard_xdp);
	} else {
		b = bench_bpf__open_and_load();
		if (!b)
			die("load the bench object: %s", strerror(errno));
		if (!strcmp(prog, "drop"))
			prog_fd = bpf_program__fd(b->progs.bare_drop);
		else if (!strcmp(prog, "pass"))
			prog_fd = bpf_program__fd(b->progs.bare_pass);
		else
			die("unknown program %s", prog);
	}
	{
		DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lo2,
				    .flags = XDP_FLAGS_DRV_MODE);
		link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo2);
		if (link_fd < 0)
			die("attach XDP (native) to %s: %s", dev, strerror(errno));
	}
	printf("{\"ready\": true, \"prog\": \"%s\", \"ifindex\": %d, "
	       "\"allow\": %ld, \"flows\": %ld}\n", prog, ifindex, nallow, nflows);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "stats", 5)) {
			if (sg)
				print_stats(sg->obj);
			else
				printf("{\"counters\": {}}\n");
			fflush(stdout);
		} else if (!strncmp(line, "quit", 4)) {
			break;
		}
	}
	close(link_fd);
	if (sg)
		sipguard_bpf__destroy(sg);
	if (b)
		bench_bpf__destroy(b);
	return 0;
}
