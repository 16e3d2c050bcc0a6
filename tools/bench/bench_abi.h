/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Shared between tools/bench/bench.bpf.c and the benchmark's userspace. */
#ifndef BENCH_ABI_H
#define BENCH_ABI_H

#include <linux/types.h>

#define BENCH_ROT_MAX	65536	/* cold-key rotation length, at most */
#define BENCH_SEQ_MAX	64	/* a live stream's repeating pattern */
#define BENCH_VAR_MAX	8	/* frame variants in one stream */
#define BENCH_GEN_HDR	42	/* Ethernet + IPv4 (no options) + UDP */

struct bench_addr {
	__u8 b[16];
};

/*
 * One kind of frame in a live stream.  All frames of a stream share the
 * template's length and headers; a variant sets the IPv4 source (from a
 * pool of saddr_mask + 1 addresses, saddr_stride apart), the UDP ports and
 * the first 8 payload bytes.  ip_sum is the one's-complement sum of the
 * template's IPv4 header without the checksum and source address words.
 */
struct bench_variant {
	__u32 saddr_base;	/* host order */
	__u32 saddr_mask;	/* pool size - 1, a power of two minus one */
	__u32 saddr_stride;
	__u32 ip_sum;
	__u16 sport;
	__u16 dport;
	__u32 pad;
	__u64 payload8;		/* as the bytes lie in the frame */
};

struct bench_sirq {
	__u64 start;
	__u64 ns;
	__u64 count;
};

#endif
