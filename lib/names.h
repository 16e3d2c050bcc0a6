/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The names the CLI prints for the kernel's numbers: reasons, verdicts,
 * SIP methods (all from the X-macros of include/sipguard.h) and entry
 * origins.  Host code shared by the sipguard program, the tests and the
 * bench, so that all of them print the kernel's numbers by the same
 * names.  Needs nothing but the ABI header.
 */
#ifndef SG_LIB_NAMES_H
#define SG_LIB_NAMES_H

#include <stdbool.h>

#include "sipguard.h"

/* Names and drop-ness of the reasons, from SG_REASONS. */
extern const char *const sg_reason_names[SG_REASON_MAX];
extern const bool sg_reason_drops[SG_REASON_MAX];
/* The name of reason R, or NULL for one this header does not know. */
const char *sg_reason_name(unsigned int r);
/* The name of method M (SG_METHODS), or NULL. */
const char *sg_method_name(unsigned int m);
const char *sg_verdict_name(unsigned int verdict);
/* cli, config, learned, import, restored, dns; "unknown" otherwise. */
const char *sg_origin_name(__u32 origin);

#endif /* SG_LIB_NAMES_H */
