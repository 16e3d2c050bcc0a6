// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The "other" TC egress program of tests/test_share.sh: it counts the
 * packets it sees and lets the programs after it run (TC_ACT_UNSPEC: tcx's
 * "next", cls_bpf's "go on"), as a program that shares the hook does.
 * Loaded as a clsact filter by tc, or as a tcx link by tcxload.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} other_count SEC(".maps");

SEC("tc")
int other_egress(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&other_count, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
