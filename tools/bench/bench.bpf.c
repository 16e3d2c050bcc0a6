// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * BPF side of the sipguard benchmark (not part of the product).
 *
 *  bare_pass / bare_drop  the baselines: an XDP program that does nothing
 *                         but return the verdict.
 *  rot                    cold-key driver for BPF_PROG_TEST_RUN: writes the
 *                         next source address of a rotation into the frame,
 *                         then tail-calls the program under test (sipguard
 *                         or a bare program: both pay the same rotation).
 *  gen                    the live-frames traffic generator: turns each
 *                         frame into the next one of a stream (source
 *                         address, ports, first payload bytes, IPv4 header
 *                         checksum) and XDP_REDIRECTs it into a veth.
 *  sirq_enter / sirq_exit NET_RX softirq time per CPU, to tell the
 *                         receiver's CPU time from the generator's.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int bare_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int bare_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

/* ---- rotation (cold keys) ---------------------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} rot_target SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BENCH_ROT_MAX);
	__type(key, __u32);
	__type(value, struct bench_addr);
} rot_addrs SEC(".maps");

/* Set from userspace before each run (.bss, so no reload needed). */
__u32 rot_mask;		/* rotation length - 1 (a power of two) */
__u32 rot_off;		/* offset of the address in the frame */
__u32 rot_len;		/* 4 (IPv4) or 16 (IPv6) */
__u32 rot_ctr;

SEC("xdp")
int rot(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 i = rot_ctr++ & rot_mask;
	struct bench_addr *a;
	__u8 *p;

	a = bpf_map_lookup_elem(&rot_addrs, &i);
	if (!a)
		return XDP_ABORTED;
	p = data + (rot_off & 0x7ff);
	if ((void *)(p + 16) > end)
		return XDP_ABORTED;
	if (rot_len == 16) {
		__builtin_memcpy(p, a->b, 16);
	} else {
		__builtin_memcpy(p, a->b + 12, 4);
	}
	bpf_tail_call(ctx, &rot_target, 0);
	return XDP_ABORTED;
}

/* ---- live-frames generator --------------------------------------------- */

const volatile __u32 gen_ifindex = 0;
const volatile __u32 gen_seq_len = 1;
const volatile __u8 gen_seq[BENCH_SEQ_MAX] = {};
const volatile struct bench_variant gen_var[BENCH_VAR_MAX] = {};

/* What was sent, per variant: the receiver's counters are checked against it. */
__u64 gen_sent[BENCH_VAR_MAX];
__u32 gen_pos;

static __always_inline __u16 csum_fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

SEC("xdp")
int gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 pos = gen_pos, v, j, saddr;
	__u8 *p = data;

	gen_pos = pos + 1 >= gen_seq_len ? 0 : pos + 1;
	v = gen_seq[pos & (BENCH_SEQ_MAX - 1)] & (BENCH_VAR_MAX - 1);
	j = gen_sent[v]++;
	/* Ethernet 14 + IPv4 20 + UDP 8 + 8 bytes of payload */
	if ((void *)(p + BENCH_GEN_HDR + 8) > end)
		return XDP_ABORTED;
	saddr = gen_var[v].saddr_base + (j & gen_var[v].saddr_mask) *
					gen_var[v].saddr_stride;
	*(__be32 *)(p + 26) = bpf_htonl(saddr);
	*(__be16 *)(p + 24) = bpf_htons(csum_fold(gen_var[v].ip_sum +
						  (saddr >> 16) + (saddr & 0xffff)));
	*(__be16 *)(p + 34) = bpf_htons(gen_var[v].sport);
	*(__be16 *)(p + 36) = bpf_htons(gen_var[v].dport);
	*(__be16 *)(p + 40) = 0;	/* no UDP checksum (IPv4 allows it) */
	*(__u64 *)(p + 42) = gen_var[v].payload8;
	return bpf_redirect(gen_ifindex, 0);
}

/* ---- receiver CPU time: NET_RX softirq per CPU ------------------------- */

#define NET_RX_SOFTIRQ	3

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_sirq);
} sirq SEC(".maps");

SEC("raw_tp/softirq_entry")
int sirq_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct bench_sirq *s;

	if (ctx->args[0] != NET_RX_SOFTIRQ)
		return 0;
	s = bpf_map_lookup_elem(&sirq, &zero);
	if (s)
		s->start = bpf_ktime_get_ns();
	return 0;
}

SEC("raw_tp/softirq_exit")
int sirq_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 zero = 0;
	struct bench_sirq *s;

	if (ctx->args[0] != NET_RX_SOFTIRQ)
		return 0;
	s = bpf_map_lookup_elem(&sirq, &zero);
	if (s && s->start) {
		s->ns += bpf_ktime_get_ns() - s->start;
		s->count++;
		s->start = 0;
	}
	return 0;
}
