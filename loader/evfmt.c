// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The renderings of a drop event (struct sg_event from the sg_events ring
 * buffer): a text line for `sipguard events`, a JSON object for
 * `sipguard events --json`, a syslog line for the daemon.  Every byte the
 * packet's sender chose goes through sg_escape(); the names come from the
 * X-macros of the ABI header.  No BPF here: tests/test_escape.c links
 * this file with escape.c and lib/names.c alone.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "escape.h"
#include "names.h"

/* A reason or method the header does not know (a newer BPF object). */
static const char *name_or_number(const char *name, unsigned int v, char *buf,
				  size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "%u", v);
	return buf;
}

unsigned long long sg_event_wall_ns(unsigned long long ts_ns)
{
	struct timespec mono, real;
	unsigned long long m, r;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	m = (unsigned long long)mono.tv_sec * 1000000000ULL + mono.tv_nsec;
	r = (unsigned long long)real.tv_sec * 1000000000ULL + real.tv_nsec;
	if (ts_ns > m)		/* a stamp from "the future": clock skew */
		ts_ns = m;
	return r - (m - ts_ns);
}

static void fmt_addr(const struct sg_addr *a, char *buf, size_t len)
{
	static const __u8 v4pfx[12] = { [10] = 0xff, [11] = 0xff };

	if (!memcmp(a->b, v4pfx, sizeof(v4pfx)))
		inet_ntop(AF_INET, &a->b[12], buf, len);
	else
		inet_ntop(AF_INET6, a->b, buf, len);
}

/* ADDR:PORT, [ADDR]:PORT for IPv6, ADDR alone when there is no port. */
static void fmt_endpoint(const struct sg_addr *a, __u16 port, char *buf,
			 size_t len)
{
	char s[INET6_ADDRSTRLEN];

	fmt_addr(a, s, sizeof(s));
	if (!port)
		snprintf(buf, len, "%s", s);
	else if (strchr(s, ':'))
		snprintf(buf, len, "[%s]:%u", s, port);
	else
		snprintf(buf, len, "%s:%u", s, port);
}

/* The interface: its (escaped) name, or the ifindex. */
static void fmt_iface(const struct sg_event *e, const char *ifname, char *buf,
		      size_t len)
{
	if (ifname && *ifname)
		sg_escape(buf, len, ifname, strlen(ifname), 0);
	else
		snprintf(buf, len, "%u", e->ifindex);
}

struct ev_fields {
	char iface[SG_ESC_SIZE(16)];
	char src[INET6_ADDRSTRLEN + 8];
	char dst[INET6_ADDRSTRLEN + 8];
	char from[SG_ESC_SIZE(SG_EV_USER_MAX) + 2];	/* quoted, or - */
	char ua[SG_ESC_SIZE(SG_EV_UA_MAX) + 2];
	char rbuf[16], mbuf[16];
	const char *reason, *method, *action;
};

/* "escaped", quoted; "-" when the event carries no header fields. */
static void fmt_quoted(const struct sg_event *e, const char *s, size_t n,
		       size_t max, char *buf, size_t len)
{
	size_t o;

	if (!(e->flags & SG_EV_HEADERS)) {
		snprintf(buf, len, "-");
		return;
	}
	if (n > max)
		n = max;
	buf[0] = '"';
	o = 1 + sg_escape(buf + 1, len - 2, s, n, SG_ESC_QUOTE);
	buf[o] = '"';
	buf[o + 1] = '\0';
}

static void ev_fields(struct ev_fields *f, const struct sg_event *e,
		      const char *ifname)
{
	fmt_iface(e, ifname, f->iface, sizeof(f->iface));
	fmt_endpoint(&e->saddr, e->sport, f->src, sizeof(f->src));
	fmt_endpoint(&e->daddr, e->dport, f->dst, sizeof(f->dst));
	fmt_quoted(e, e->from_user, e->from_user_len, SG_EV_USER_MAX, f->from,
		   sizeof(f->from));
	fmt_quoted(e, e->ua, e->ua_len, SG_EV_UA_MAX, f->ua, sizeof(f->ua));
	f->reason = name_or_number(sg_reason_name(e->reason), e->reason, f->rbuf,
				   sizeof(f->rbuf));
	f->method = name_or_number(sg_method_name(e->method), e->method, f->mbuf,
				   sizeof(f->mbuf));
	f->action = e->flags & SG_EV_MONITOR ? "monitor" : "drop";
}

char *sg_event_text(char *buf, size_t len, const struct sg_event *e,
		    const char *ifname, unsigned long long wall_ns)
{
	struct ev_fields f;
	char when[32];
	time_t t = wall_ns / 1000000000ULL;
	struct tm tm;

	ev_fields(&f, e, ifname);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	snprintf(buf, len, "%s.%03llu %s %s %s %s %s > %s from=%s ua=%s suppressed=%u",
		 when, (wall_ns / 1000000ULL) % 1000, f.iface, f.action,
		 f.reason, f.method, f.src, f.dst, f.from, f.ua, e->suppressed);
	return buf;
}

char *sg_event_syslog(char *buf, size_t len, const struct sg_event *e,
		      const char *ifname)
{
	struct ev_fields f;

	ev_fields(&f, e, ifname);
	snprintf(buf, len, "iface=%s action=%s reason=%s method=%s src=%s dst=%s from=%s ua=%s suppressed=%u",
		 f.iface, f.action, f.reason, f.method, f.src, f.dst, f.from,
		 f.ua, e->suppressed);
	return buf;
}

static json_object *json_escaped(const char *s, size_t n, size_t max)
{
	char buf[SG_ESC_SIZE(SG_EV_UA_MAX > SG_EV_USER_MAX ? SG_EV_UA_MAX :
			     SG_EV_USER_MAX)];

	if (n > max)
		n = max;
	sg_escape(buf, sizeof(buf), s, n, 0);
	return json_object_new_string(buf);
}

json_object *sg_event_json(const struct sg_event *e, const char *ifname,
			   unsigned long long wall_ns)
{
	json_object *o = json_object_new_object();
	char when[48], stamp[32], addr[INET6_ADDRSTRLEN];
	time_t t = wall_ns / 1000000000ULL;
	struct ev_fields f;
	struct tm tm;

	ev_fields(&f, e, ifname);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
	snprintf(when, sizeof(when), "%s.%03lluZ", stamp,
		 (wall_ns / 1000000ULL) % 1000);
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "ts_ns", json_object_new_uint64(e->ts_ns));
	json_object_object_add(o, "interface", json_object_new_string(f.iface));
	json_object_object_add(o, "ifindex", json_object_new_int64(e->ifindex));
	json_object_object_add(o, "reason", json_object_new_string(f.reason));
	json_object_object_add(o, "method", json_object_new_string(f.method));
	json_object_object_add(o, "monitor",
			       json_object_new_boolean(e->flags & SG_EV_MONITOR));
	fmt_addr(&e->saddr, addr, sizeof(addr));
	json_object_object_add(o, "src", json_object_new_string(addr));
	json_object_object_add(o, "sport", json_object_new_int(e->sport));
	fmt_addr(&e->daddr, addr, sizeof(addr));
	json_object_object_add(o, "dst", json_object_new_string(addr));
	json_object_object_add(o, "dport", json_object_new_int(e->dport));
	if (e->flags & SG_EV_HEADERS) {
		json_object_object_add(o, "from_user",
				       json_escaped(e->from_user, e->from_user_len,
						    SG_EV_USER_MAX));
		json_object_object_add(o, "user_agent",
				       json_escaped(e->ua, e->ua_len, SG_EV_UA_MAX));
	} else {
		json_object_object_add(o, "from_user", NULL);
		json_object_object_add(o, "user_agent", NULL);
	}
	json_object_object_add(o, "suppressed", json_object_new_int64(e->suppressed));
	return o;
}
