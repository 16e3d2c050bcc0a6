// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The conntrack build (SG_CONNTRACK, `attach --conntrack`): an unknown
 * INVITE passes as conntrack_reply only on the reply direction of a
 * netfilter conntrack entry AND where the learner saw the LAN send a
 * request on that connection (a flow under the exact key, however old).
 *
 * The test runs in a network namespace of its own, where an nftables rule
 * makes netfilter track connections, and opens the entries with real
 * datagrams over loopback: 127.0.0.1 is the phone, 127.0.0.2 a remote.
 * BPF_PROG_TEST_RUN runs the program on the loopback device of the
 * caller's namespace, whose conntrack table bpf_xdp_ct_lookup reads.
 */
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "progs.h"
#include "sipguard_ct.skel.h"

#define PHONE	"127.0.0.1"
#define REMOTE	"127.0.0.2"

/* The conntrack build, opened through the default skeleton (as attach). */
static struct sipguard_bpf *open_ct(void)
{
	struct sipguard_bpf *o = calloc(1, sizeof(*o));
	size_t sz;

	if (!o || sipguard_bpf__create_skeleton(o)) {
		free(o);
		return NULL;
	}
	o->skeleton->data = (void *)sipguard_ct_bpf__elf_bytes(&sz);
	o->skeleton->data_sz = sz;
	if (bpf_object__open_skeleton(o->skeleton, NULL) ||
	    sipguard_bpf__load(o)) {
		sipguard_bpf__destroy(o);
		return NULL;
	}
	return o;
}

/* One datagram from PHONE:sport to REMOTE:dport: a conntrack entry. */
static int phone_sends(__u16 sport, __u16 dport)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(sport) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, err;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, PHONE, &a.sin_addr);
	err = bind(fd, (struct sockaddr *)&a, sizeof(a));
	a.sin_port = htons(dport);
	inet_pton(AF_INET, REMOTE, &a.sin_addr);
	if (!err)
		err = sendto(fd, "SIP/2.0 200 OK\r\n\r\n", 18, 0,
			     (struct sockaddr *)&a, sizeof(a)) != 18;
	close(fd);
	return err;
}

/* An INVITE from SRC:sport to DST:dport. */
static void invite(struct pkt_frame *f, const char *src, __u16 sport,
		   const char *dst, __u16 dport)
{
	struct pkt_desc d;

	pkt_desc_init(&d, src, dst, sport, dport);
	request(f, &d, "INVITE");
}

void test_conntrack_reply_needs_the_lans_request(void)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct sipguard_bpf *ct = NULL;
	struct pkt_frame f;

	if (access("/proc/sys/net/core/bpf_jit_enable", F_OK)) {
		/* Debian's s390x kernels: "JIT is required for calling kernel function" */
		harness_skip("this kernel has no BPF JIT, which the conntrack kfunc needs");
		close(home);
		return;
	}
	if (home < 0 || unshare(CLONE_NEWNET)) {
		FAIL("a network namespace of its own: %s", strerror(errno));
		goto out;
	}
	/* any rule with a ct expression makes netfilter track this netns */
	if (system("ip link set lo up && (modprobe nf_conntrack 2>/dev/null; "
		   "nft 'add table ip sgt; add chain ip sgt out "
		   "{ type filter hook output priority 0; }; "
		   "add rule ip sgt out ct state new counter')")) {
		FAIL("loopback and the nftables rule");
		goto out;
	}
	ct = open_ct();
	if (!ct) {
		FAIL("the conntrack build does not load (nf_conntrack, BTF?)");
		goto out;
	}
	S = ct;
	reset_state();
	set_config(0, 3600);

	/*
	 * The steered reply: the phone answered a stranger's OPTIONS at the
	 * Via port it named (5099).  Conntrack's reply direction matches the
	 * stranger's INVITE from that port; the learner saw no request.
	 */
	ASSERT_EQ(phone_sends(5060, 5099), 0, "the phone's answer to 5099");
	invite(&f, REMOTE, 5099, PHONE, 5060);
	EXPECT_DROP("INVITE on the reply direction of the phone's answer", &f,
		    SG_R_ORPHAN);
	/* a request to the other port of the same address is no help */
	flow_learned(REMOTE, 5070, 5060, 7200);
	EXPECT_DROP("with the LAN's request to another remote port", &f,
		    SG_R_ORPHAN);

	/*
	 * The phone's REGISTER to REMOTE:5080, learned and expired long
	 * since; conntrack keeps the connection: the INVITE on it passes.
	 */
	ASSERT_EQ(phone_sends(5060, 5080), 0, "the phone's REGISTER to 5080");
	flow_learned(REMOTE, 5080, 5060, 7200);
	invite(&f, REMOTE, 5080, PHONE, 5060);
	EXPECT_PASS("INVITE on the reply direction of the phone's request", &f,
		    SG_R_CONNTRACK);
	/* the same flow in the original direction: the LAN's own packet */
	flow_learned(PHONE, 5060, 5080, 7200);
	invite(&f, PHONE, 5060, REMOTE, 5080);
	EXPECT_DROP("the original direction proves nothing", &f, SG_R_ORPHAN);
	/* a flow without a conntrack entry: expired, and nothing else */
	flow_learned(REMOTE, 5090, 5060, 7200);
	invite(&f, REMOTE, 5090, PHONE, 5060);
	EXPECT_DROP("an expired flow without a connection", &f, SG_R_ORPHAN);
out:
	S = skel;
	if (ct)
		sipguard_bpf__destroy(ct);
	if (home >= 0) {
		if (setns(home, CLONE_NEWNET))
			FAIL("back to the test's namespace: %s", strerror(errno));
		close(home);
	}
}
