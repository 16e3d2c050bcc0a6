// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sipguard's side: the classifier the XDP program runs, compiled here. */
#include <stdlib.h>
#include <string.h>

#include "sip.h"	/* bpf/sip.h */
#include "sipdiff.h"

static const char *const kinds[] = {
	[SG_SIP_NONE] = "not_sip",	[SG_SIP_KEEPALIVE] = "keepalive",
	[SG_SIP_STUN] = "stun",		[SG_SIP_RESPONSE] = "response",
	[SG_SIP_REQUEST] = "request",	[SG_SIP_CRLF_PADDING] = "crlf_padding",
};

#define SD_METHOD_NAME(id, name) [id] = "request " name,
static const char *const methods[SG_M_MAX] = { SG_METHODS(SD_METHOD_NAME) };
#undef SD_METHOD_NAME

int oracle_sipguard(const uint8_t *p, size_t n, const char **what)
{
	/* a buffer that ends where the payload ends, as in the kernel */
	uint8_t *b = malloc(n ? n : 1);
	struct sg_sip r;

	if (!b)
		abort();
	memcpy(b, p, n);
	r = classify_sip(b, b + n);
	free(b);
	if (what) {
		if (r.kind == SG_SIP_REQUEST && r.method < SG_M_MAX)
			*what = methods[r.method];
		else if (r.kind < sizeof(kinds) / sizeof(kinds[0]))
			*what = kinds[r.kind];
		else
			*what = "?";
	}
	if (r.kind == SG_SIP_CRLF_PADDING)
		return SG_SAYS_PADDING;
	return r.kind == SG_SIP_REQUEST && r.method == SG_M_INVITE ?
	       SG_SAYS_INVITE : 0;
}
