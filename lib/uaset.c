// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The User-Agent set builder: see uaset.h. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "uaset.h"

int sg_ua_set_add(struct sg_ua_set *set, const char *pat)
{
	size_t n = strlen(pat), i;
	struct sg_ua_pat *p;
	__u32 first2;

	if (n < SG_UA_PAT_MIN || n > SG_UA_PAT_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((unsigned char)pat[i] < 0x20 || pat[i] == 0x7f)
			return -EINVAL;
	for (i = 0; i < set->count; i++) {
		p = &set->pat[i];
		if (p->len == n && !strncasecmp((const char *)p->s, pat, n))
			return -EEXIST;
	}
	if (set->count >= SG_UA_MAX)
		return -ENOSPC;
	p = &set->pat[set->count];
	memset(p, 0, sizeof(*p));
	p->len = n;
	for (i = 0; i < n; i++)
		p->s[i] = tolower((unsigned char)pat[i]);
	first2 = p->s[0] | p->s[1] << 8;
	set->first2[first2] |= 1u << set->count;
	set->count++;
	return 0;
}

const char *sg_ua_set_pattern(const struct sg_ua_set *set, __u32 i, char *buf,
			      size_t size)
{
	size_t n = set->pat[i].len < size - 1 ? set->pat[i].len : size - 1;

	memcpy(buf, set->pat[i].s, n);
	buf[n] = 0;
	return buf;
}
