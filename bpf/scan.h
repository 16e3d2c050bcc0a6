/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The header scanner (sip_hdr.h, and sip_val.h for what its values say) as
 * the kernel build uses it: its byte searches and the User-Agent tries
 * that sg_ua_match() does not do inline go behind global functions,
 * declared before sip_val.h is read so that SG_FIND_BYTE and its kin name
 * them.  Every file of bpf/ that needs the scanner (maps.h for the scratch
 * buffer, l7.h for the checks) includes this header, never sip_hdr.h or
 * sip_val.h itself; the host tests include sip_val.h and get the plain,
 * inline searches.
 */
#ifndef SG_SCAN_H
#define SG_SCAN_H

#include <linux/types.h>

/* See SG_FIND_BYTE in sip_val.h. */
struct sg_scan;
__attribute__((noinline))
int sg_find_byte_g(const struct sg_scan *s, __u32 off, __u32 n, __u32 c);
#define SG_FIND_BYTE(s, off, n, c) ((__u32)sg_find_byte_g((s), (off), (n), (c)))
__attribute__((noinline))
int sg_find_long_g(const struct sg_scan *s, __u32 off, __u32 n, __u32 c);
#define SG_FIND_LONG(s, off, n, c) ((__u32)sg_find_long_g((s), (off), (n), (c)))
__attribute__((noinline))
int sg_param_is_tag_g(const struct sg_scan *s, __u32 off, __u32 end);
#define SG_PARAM_IS_TAG(s, off, end) sg_param_is_tag_g((s), (off), (end))
/* See SG_UA_POS in sip_val.h. */
struct sg_ua_set;
__attribute__((noinline))
int sg_ua_pos_g(struct sg_scan *s, const struct sg_ua_set *set, __u32 pos,
		__u32 mask);
#define SG_UA_POS(s, set, pos, mask) sg_ua_pos_g((s), (set), (pos), (mask))

#include "sip_val.h"

__attribute__((noinline))
int sg_find_byte_g(const struct sg_scan *s, __u32 off, __u32 n, __u32 c)
{
	if (!s)
		return n;
	if (n > SG_FIND_MAX)
		n = SG_FIND_MAX;
	return sg_find_byte(s, off, n, c);
}

__attribute__((noinline))
int sg_find_long_g(const struct sg_scan *s, __u32 off, __u32 n, __u32 c)
{
	if (!s)
		return n;
	if (n > SG_SCAN_MAX)
		n = SG_SCAN_MAX;
	return sg_find_long(s, off, n, c);
}

__attribute__((noinline))
int sg_param_is_tag_g(const struct sg_scan *s, __u32 off, __u32 end)
{
	if (!s)
		return 0;
	return sg_param_is_tag(s, off, end);
}

__attribute__((noinline))
int sg_ua_pos_g(struct sg_scan *s, const struct sg_ua_set *set, __u32 pos,
		__u32 mask)
{
	if (!s || !set)
		return 0;
	return sg_ua_pos(s, set, pos & (SG_UA_SCAN - 1), mask);
}

#endif /* SG_SCAN_H */
