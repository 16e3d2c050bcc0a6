// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Names of reasons, verdicts, methods and origins, generated from the
 * X-macros of the ABI header where there is one: the kernel counts by the
 * same list.  See names.h.
 */
#include <stddef.h>

#include "names.h"

#define SG_REASON_NAME(id, name, drops) [id] = name,
const char *const sg_reason_names[SG_REASON_MAX] = {
	SG_REASONS(SG_REASON_NAME)
};
#undef SG_REASON_NAME

#define SG_REASON_DROPS(id, name, drops) [id] = drops,
const bool sg_reason_drops[SG_REASON_MAX] = {
	SG_REASONS(SG_REASON_DROPS)
};
#undef SG_REASON_DROPS

#define SG_METHOD_NAME(id, name) [id] = name,
static const char *const method_names[SG_M_MAX] = {
	SG_METHODS(SG_METHOD_NAME)
};
#undef SG_METHOD_NAME

const char *sg_reason_name(unsigned int r)
{
	return r < SG_REASON_MAX ? sg_reason_names[r] : NULL;
}

const char *sg_method_name(unsigned int m)
{
	return m < SG_M_MAX ? method_names[m] : NULL;
}

const char *sg_verdict_name(unsigned int verdict)
{
	return verdict == SG_V_DROP ? "drop" : "pass";
}

const char *sg_origin_name(__u32 origin)
{
	switch (origin) {
	case SG_ORIGIN_CLI:
		return "cli";
	case SG_ORIGIN_CONFIG:
		return "config";
	case SG_ORIGIN_LEARNED:
		return "learned";
	case SG_ORIGIN_IMPORT:
		return "import";
	case SG_ORIGIN_RESTORED:
		return "restored";
	case SG_ORIGIN_DNS:
		return "dns";
	default:
		return "unknown";
	}
}
