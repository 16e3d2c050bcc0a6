// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sgrx: the receiving side of the live benchmark.  Attaches one XDP
 * program in native mode to DEV in network namespace NS, through a
 * bpf_link that lives as long as this process:
 *
 *   drop      bare XDP_DROP (the limit of the path)
 *   pass      bare XDP_PASS (lets redirected frames into the veth, for the
 *             netfilter contenders)
 *
 * (sipguard itself is attached by the product, `sipguard attach`: live.py.)
 * Then it reads commands on stdin: "quit" or end of input detaches and
 * exits.
 */
#include <getopt.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sipguard.h"
#include "bench_abi.h"
#include "bench.skel.h"
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

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, ap) : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", 1, 0, 'N' }, { "dev", 1, 0, 'd' }, { "prog", 1, 0, 'p' },
		{ 0 },
	};
	const char *netns = NULL, *dev = NULL, *prog = "drop";
	struct bench_bpf *b = NULL;
	int opt, ifindex, prog_fd, link_fd;
	char line[64];

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'd': dev = optarg; break;
		case 'p': prog = optarg; break;
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

	b = bench_bpf__open_and_load();
	if (!b)
		die("load the bench object: %s", strerror(errno));
	if (!strcmp(prog, "drop"))
		prog_fd = bpf_program__fd(b->progs.bare_drop);
	else if (!strcmp(prog, "pass"))
		prog_fd = bpf_program__fd(b->progs.bare_pass);
	else
		die("unknown program %s", prog);
	{
		DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lo2,
				    .flags = XDP_FLAGS_DRV_MODE);
		link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo2);
		if (link_fd < 0)
			die("attach XDP (native) to %s: %s", dev, strerror(errno));
	}
	printf("{\"ready\": true, \"prog\": \"%s\", \"ifindex\": %d}\n",
	       prog, ifindex);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "quit", 4))
			break;
	}
	close(link_fd);
	bench_bpf__destroy(b);
	return 0;
}
