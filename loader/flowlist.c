// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard flows list`: the learned flows (sg_flows, walked through
 * lib/flowtab) and the hand-made ones (sg_flows_static, shadows hidden),
 * gathered into rows first and then printed as text or JSON.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "cli.h"
#include "env.h"
#include "../lib/flowtab.h"
#include "flows.h"
#include "main.h"
#include "names.h"
#include "pins.h"

/* Every entry of sg_flows_static, shadows included, unsorted. */
int sg_flows_static_dump(int fd, struct sg_static_entry **out, size_t *n)
{
	return sg_map_dump(fd, sizeof(**out), sizeof((*out)->key),
			   offsetof(struct sg_static_entry, val),
			   sizeof((*out)->val), (void **)out, n);
}

struct flow_row {
	struct sg_flow_key key;
	bool is_static;
	__u32 origin;
	__u32 flags;
	long age_s;		/* since last seen; learned flows only */
	long lifetime_s;
	long expires_in_s;	/* 0 once expired */
	bool fresh;
};

struct rows {
	struct flow_row *v;
	size_t n, cap;
	__u32 now;
};

static struct flow_row *row_new(struct rows *r)
{
	struct flow_row *nv;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		nv = realloc(r->v, r->cap * sizeof(*nv));
		if (!nv)
			return NULL;
		r->v = nv;
	}
	memset(&r->v[r->n], 0, sizeof(r->v[0]));
	return &r->v[r->n++];
}

static int add_learned(const struct sg_flow_slot *w, __u32 set, __u32 way,
		       void *arg)
{
	struct rows *r = arg;
	struct flow_row *x = row_new(r);
	__s32 left = (__s32)(w->expires_s - r->now);
	__s32 age = (__s32)(r->now - (w->expires_s - w->lifetime_s));

	if (!x)
		return -ENOMEM;
	x->key.addr = w->addr;
	x->key.remote_port = w->remote_port;
	x->key.local_port = w->local_port;
	x->origin = w->origin;
	x->flags = w->flags;
	x->lifetime_s = w->lifetime_s;
	x->fresh = left > 0;
	x->expires_in_s = left > 0 ? left : 0;
	x->age_s = age > 0 ? age : 0;
	return 0;
}

static int add_static(struct rows *r, int fd)
{
	struct sg_static_entry *v = NULL;
	struct flow_row *x;
	size_t n = 0, i;
	int err;

	err = sg_flows_static_dump(fd, &v, &n);
	for (i = 0; !err && i < n; i++) {
		if (v[i].val.flags & SG_FLOW_SHADOW)
			continue;
		x = row_new(r);
		if (!x) {
			err = -ENOMEM;
			break;
		}
		x->key = v[i].key;
		x->is_static = true;
		x->origin = v[i].val.origin;
		x->flags = v[i].val.flags;
		x->fresh = true;
	}
	free(v);
	return err;
}

/* IPv4 first, then address, local port, remote port; static first. */
static int cmp_row(const void *a, const void *b)
{
	const struct flow_row *x = a, *y = b;
	bool x4 = sg_addr_is_v4(&x->key.addr), y4 = sg_addr_is_v4(&y->key.addr);
	int c;

	if (x4 != y4)
		return x4 ? -1 : 1;
	c = memcmp(&x->key.addr, &y->key.addr, sizeof(x->key.addr));
	if (c)
		return c;
	if (x->key.local_port != y->key.local_port)
		return x->key.local_port < y->key.local_port ? -1 : 1;
	if (x->key.remote_port != y->key.remote_port)
		return x->key.remote_port < y->key.remote_port ? -1 : 1;
	return (int)y->is_static - (int)x->is_static;
}

static const char *row_origin(const struct flow_row *x)
{
	if (x->is_static)
		return x->origin == SG_ORIGIN_CONFIG ? "config" : "static";
	return x->origin == SG_ORIGIN_RESTORED ? "restored" : "learned";
}

/* The marks `flows list` shows, by their names there. */
static const struct {
	__u32 flag;
	const char *name;
} marks[] = {
	{ SG_FLOW_ANSWERED,	"answered" },
	{ SG_FLOW_REGISTERED,	"registered" },
	{ SG_FLOW_DIALOG,	"dialog" },
	{ SG_FLOW_REG_LIFE,	"registration" },
};

#define N_MARKS	(sizeof(marks) / sizeof(marks[0]))

static void marks_text(__u32 flags, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < N_MARKS && o < len; i++)
		if (flags & marks[i].flag)
			o += snprintf(buf + o, len - o, "%s%s", o ? "," : "",
				      marks[i].name);
	if (!o)
		snprintf(buf, len, "-");
}

static json_object *row_json(const struct flow_row *x)
{
	json_object *o = json_object_new_object(), *fl;
	char addr[64];
	size_t i;

#define ADD(k, v) json_object_object_add(o, k, v)
	sg_format_addr(&x->key.addr, addr, sizeof(addr));
	ADD("remote", json_object_new_string(addr));
	ADD("remote_port", x->key.remote_port ?
	    json_object_new_int(x->key.remote_port) : NULL);
	ADD("local_port", json_object_new_int(x->key.local_port));
	ADD("origin", json_object_new_string(row_origin(x)));
	ADD("static", json_object_new_boolean(x->is_static));
	ADD("age_s", x->is_static ? NULL : json_object_new_int64(x->age_s));
	ADD("lifetime_s", x->is_static ? NULL :
	    json_object_new_int64(x->lifetime_s));
	ADD("expires_in_s", x->is_static ? NULL :
	    json_object_new_int64(x->expires_in_s));
	ADD("state", json_object_new_string(x->fresh ? "active" : "expired"));
	fl = json_object_new_array();
	for (i = 0; i < N_MARKS; i++)
		if (!x->is_static && (x->flags & marks[i].flag))
			json_object_array_add(fl, json_object_new_string(marks[i].name));
	ADD("flags", fl);
#undef ADD
	return o;
}

static void row_text(const struct flow_row *x)
{
	char addr[64], port[8], age[16], life[16], left[16], fl[64];

	sg_format_addr(&x->key.addr, addr, sizeof(addr));
	if (x->key.remote_port)
		snprintf(port, sizeof(port), "%u", x->key.remote_port);
	else
		snprintf(port, sizeof(port), "any");
	if (x->is_static) {
		snprintf(age, sizeof(age), "-");
		snprintf(life, sizeof(life), "-");
		snprintf(left, sizeof(left), "-");
		snprintf(fl, sizeof(fl), "-");
	} else {
		snprintf(age, sizeof(age), "%ld", x->age_s);
		snprintf(life, sizeof(life), "%ld", x->lifetime_s);
		snprintf(left, sizeof(left), "%ld", x->expires_in_s);
		marks_text(x->flags, fl, sizeof(fl));
	}
	printf("%-39s %-5s %-5u %-8s %-7s %-8s %-7s %-7s %s\n", addr, port,
	       x->key.local_port, row_origin(x), age, life, left,
	       x->fresh ? "active" : "expired", fl);
}

int sg_flows_list(int argc, char **argv)
{
	struct rows r = {};
	struct sg_maps m;
	json_object *arr;
	size_t i;
	int err;

	if (argc > 0)
		return sg_usage("flows", "unexpected argument '%s'", argv[0]);
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	r.now = sg_flowtab_now();
	err = add_static(&r, m.flows_static);
	if (!err)
		err = sg_flowtab_walk(m.flows, add_learned, &r);
	sg_maps_close(&m);
	if (err) {
		sg_err_errno(err, "cannot read the flow tables",
			     "check 'sipguard status'");
		free(r.v);
		return SG_EXIT_FAIL;
	}
	if (r.n)
		qsort(r.v, r.n, sizeof(r.v[0]), cmp_row);
	if (sg_env.json) {
		arr = json_object_new_array();
		for (i = 0; i < r.n; i++)
			json_object_array_add(arr, row_json(&r.v[i]));
		sg_json_print(arr);
	} else {
		printf("%-39s %-5s %-5s %-8s %-7s %-8s %-7s %-7s %s\n", "REMOTE",
		       "PORT", "LOCAL", "ORIGIN", "SEEN", "LIFETIME", "EXPIRES",
		       "STATE", "FLAGS");
		for (i = 0; i < r.n; i++)
			row_text(&r.v[i]);
	}
	free(r.v);
	return SG_EXIT_OK;
}
