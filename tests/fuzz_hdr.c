// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target over the header scanner and the layer-7 checks built on
 * it (bpf/sip_hdr.h, bpf/sip_val.h), with a fixed User-Agent blocklist.  Beyond memory
 * safety (ASan, UBSan) it checks what the kernel relies on: every span the
 * scan reports lies inside the data, and the scan ends by itself (its units
 * or the data), never by running out of steps.
 *
 *   make build/tests/fuzz_hdr && build/tests/fuzz_hdr -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_val.h"
#include "uaset.h"

static struct sg_ua_set *set;

static void check_span(const struct sg_scan *s, struct sg_span sp)
{
	if (sp.len && (__u32)sp.off + sp.len > s->len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pats[] = { "friendly-scanner", "sipvicious", "sipcli",
					    "pplsip", "iwar", "sip-scan", "ozeki", NULL };
	static struct sg_scan s;
	__u32 off, n;
	int i, h;

	if (!set) {
		set = calloc(1, sizeof(*set));
		for (i = 0; pats[i]; i++)
			sg_ua_set_add(set, pats[i]);
	}
	if (size > SG_SCAN_MAX)
		size = SG_SCAN_MAX;
	memset(&s, 0, offsetof(struct sg_scan, buf));
	memcpy(s.buf, data, size);
	sg_scan_begin(&s, size, 0);

	sg_request_uri(&s);
	for (i = 0; i < SG_SCAN_STEPS; i++)
		if (sg_scan_step(&s))
			break;
	/* the units or the data end a scan, never the steps (sip_hdr.h) */
	if (i == SG_SCAN_STEPS || s.units > SG_SCAN_UNITS)
		abort();
	/*
	 * one budget: the bytes read and the units past the free ones, within
	 * SG_SCAN_MAX but for the word and the look that cross it
	 */
	if (s.pos + (s.units > SG_UNITS_FREE ? (s.units - SG_UNITS_FREE) * SG_UNIT_BYTES : 0) >
	    SG_SCAN_MAX + 8 + SG_UNITS_LOOK * SG_UNIT_BYTES || s.lim > s.len)
		abort();
	check_span(&s, s.ruri);
	for (h = 1; h < SG_H_MAX; h++)
		check_span(&s, s.hdr[h]);

	n = sg_uri_user(&s, s.hdr[SG_H_FROM], &off);
	if (n && off + n > s.len)
		abort();
	n = sg_uri_user(&s, s.ruri, &off);
	if (n && off + n > s.len)
		abort();
	sg_has_tag(&s, s.hdr[SG_H_TO]);
	sg_ua_match(&s, set);
	return 0;
}
