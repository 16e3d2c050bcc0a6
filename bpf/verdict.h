/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The last step of every packet: count it under its reason and turn the
 * reason into an XDP action.  A reason of SG_R_FIRST_DROP or above drops,
 * unless the interface or the config says monitor: then it is counted as
 * a pass under the same reason.
 *
 * A new reason goes into SG_REASONS in include/sipguard.h (pass reasons
 * before SG_R_FIRST_DROP, drop reasons after, the third column saying
 * which; the check below holds the two together); the counters, the
 * names the CLI prints and the tests follow from that list.
 */
#ifndef SG_VERDICT_H
#define SG_VERDICT_H

#include "maps.h"

#define SG_REASON_CHECK(id, name, drops)				\
	_Static_assert(((id) >= SG_R_FIRST_DROP) == (drops),		\
		       "reason " name ": its place in SG_REASONS and "	\
		       "its drop column disagree");
SG_REASONS(SG_REASON_CHECK)
#undef SG_REASON_CHECK

static __always_inline int monitoring(const struct sg_config *cfg)
{
	if (sg_if_flags & SG_IF_MONITOR)
		return 1;
	return cfg && (cfg->flags & SG_CFG_MONITOR);
}

/*
 * Count the packet under its reason and return the XDP action.  CFG is
 * only read for a drop reason (monitor mode); NULL means look it up.
 */
static __always_inline int verdict_cfg(struct xdp_md *ctx, __u32 reason,
				       const struct sg_config *cfg)
{
	__u32 v = SG_V_PASS, idx;
	struct sg_counter *c;

	if (reason >= SG_R_FIRST_DROP && !monitoring(cfg ?: get_config()))
		v = SG_V_DROP;
	idx = SG_CTR_IDX(reason, v);
	c = bpf_map_lookup_elem(&sg_counters, &idx);
	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return v == SG_V_DROP ? XDP_DROP : XDP_PASS;
}

static __always_inline int verdict(struct xdp_md *ctx, __u32 reason)
{
	return verdict_cfg(ctx, reason, NULL);
}

#endif /* SG_VERDICT_H */
