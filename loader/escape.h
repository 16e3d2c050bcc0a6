/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Escaping of bytes chosen by a packet's sender (a User-Agent, a From
 * user) before they reach a terminal, a log or a JSON document, and the
 * three renderings of a drop event built on it: the text line of
 * `sipguard events`, its JSON object, and the daemon's syslog line.
 * Nothing here touches BPF, so a host test can drive it.
 */
#ifndef SG_ESCAPE_H
#define SG_ESCAPE_H

#include <stddef.h>
#include <json-c/json.h>

#include "sipguard.h"

/* Also escape '"' as \" (for a value printed between double quotes). */
#define SG_ESC_QUOTE	(1u << 0)

/* Room for N escaped bytes: each byte becomes at most "\xNN". */
#define SG_ESC_SIZE(n)	(4 * (n) + 1)

/*
 * Write the N bytes at SRC into DST (DLEN bytes, always NUL-terminated)
 * as valid UTF-8 with no control character in it: a backslash becomes
 * "\\", each byte of a C0 or C1 control, DEL, a bidi or line-separator
 * code point and each byte that is not part of valid UTF-8 becomes
 * "\xNN" (lower-case hex).  The result reads back unambiguously.  Output
 * that does not fit is cut at a whole escape.  Returns the length of DST.
 */
size_t sg_escape(char *dst, size_t dlen, const void *src, size_t n,
		 unsigned int flags);

/* Wall-clock time (ns since the epoch) of a bpf_ktime_get_ns() stamp. */
unsigned long long sg_event_wall_ns(unsigned long long ts_ns);

/*
 * One drop event as a line (no newline) into BUF.  IFNAME is the name of
 * e->ifindex in the reader's namespace, or NULL to print the number.
 *   text:   "TIME IFACE ACTION REASON METHOD SRC > DST from=\"..\" ua=\"..\" suppressed=N"
 *   syslog: "iface=.. action=.. reason=.. method=.. src=.. dst=.. from=\"..\" ua=\"..\" suppressed=N"
 * ACTION is "drop", or "monitor" for a would-be drop.  Returns BUF.
 */
#define SG_EVENT_LINE_MAX	1024
char *sg_event_text(char *buf, size_t len, const struct sg_event *e,
		    const char *ifname, unsigned long long wall_ns);
char *sg_event_syslog(char *buf, size_t len, const struct sg_event *e,
		      const char *ifname);
/* The event as a JSON object; string values are escaped as by sg_escape(). */
json_object *sg_event_json(const struct sg_event *e, const char *ifname,
			   unsigned long long wall_ns);

#endif /* SG_ESCAPE_H */
