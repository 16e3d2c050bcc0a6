// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Text and JSON renderings of the counters, the table fill and the
 * totals: what `sipguard stats` prints.  The reason names come from the
 * same X-macro the kernel side counts with (names.c).  See statsfmt.h.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "names.h"
#include "statsfmt.h"

static json_object *counter_json(const struct sg_counter *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "packets", json_object_new_uint64(c->packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(c->bytes));
	return o;
}

json_object *sg_stats_json(const struct sg_iface_stats *st, int n)
{
	json_object *root = json_object_new_object();
	json_object *ifs = json_object_new_array();
	json_object *ifo, *arr, *o, *tot;
	unsigned int r, v;
	int i;

	for (i = 0; i < n; i++) {
		ifo = json_object_new_object();
		json_object_object_add(ifo, "name", json_object_new_string(st[i].ifname));
		json_object_object_add(ifo, "ifindex",
				       json_object_new_int64(st[i].have_meta ? st[i].meta.ifindex : 0));
		arr = json_object_new_array();
		for (r = 0; r < SG_REASON_MAX; r++) {
			for (v = 0; v < SG_VERDICT_MAX; v++) {
				const struct sg_counter *c = &st[i].ctr[SG_CTR_IDX(r, v)];

				o = counter_json(c);
				json_object_object_add(o, "reason",
						       json_object_new_string(sg_reason_names[r]));
				json_object_object_add(o, "drop_reason",
						       json_object_new_boolean(sg_reason_drops[r]));
				json_object_object_add(o, "verdict",
						       json_object_new_string(sg_verdict_name(v)));
				json_object_array_add(arr, o);
			}
		}
		json_object_object_add(ifo, "counters", arr);
		tot = json_object_new_object();
		for (v = 0; v < SG_VERDICT_MAX; v++)
			json_object_object_add(tot, sg_verdict_name(v),
					       counter_json(&st[i].total[v]));
		json_object_object_add(ifo, "total", tot);
		json_object_array_add(ifs, ifo);
	}
	json_object_object_add(root, "interfaces", ifs);
	return root;
}

void sg_stats_print(FILE *f, const struct sg_iface_stats *st, int n, bool all)
{
	unsigned int r, v;
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc('\n', f);
		if (st[i].have_meta)
			fprintf(f, "%s (ifindex %u)\n", st[i].ifname, st[i].meta.ifindex);
		else
			fprintf(f, "%s\n", st[i].ifname);
		fprintf(f, "  %-22s %-7s %14s %16s\n", "REASON", "VERDICT",
			"PACKETS", "BYTES");
		for (r = 0; r < SG_REASON_MAX; r++) {
			for (v = 0; v < SG_VERDICT_MAX; v++) {
				const struct sg_counter *c = &st[i].ctr[SG_CTR_IDX(r, v)];

				if (!all && !c->packets)
					continue;
				fprintf(f, "  %-22s %-7s %14" PRIu64 " %16" PRIu64 "\n",
					sg_reason_names[r], sg_verdict_name(v),
					(uint64_t)c->packets, (uint64_t)c->bytes);
			}
		}
		for (v = 0; v < SG_VERDICT_MAX; v++)
			fprintf(f, "  %-22s %-7s %14" PRIu64 " %16" PRIu64 "\n",
				"total", sg_verdict_name(v),
				(uint64_t)st[i].total[v].packets,
				(uint64_t)st[i].total[v].bytes);
	}
}

void sg_extras_text(FILE *f, const struct sg_extras *x)
{
	const struct sg_table_fill *t = x->tables;
	int i;

	fprintf(f, "tables:");
	for (i = 0; i < x->n_tables; i++)
		if (t[i].entries >= 0)
			fprintf(f, "%s %s %ld/%ld", i ? "," : "", t[i].name,
				t[i].entries, t[i].max);
	fputc('\n', f);
	if (x->have_events)
		fprintf(f, "drop events: %llu sent, %llu suppressed\n",
			x->events.sent, x->events.suppressed);
	if (x->have_learner) {
		fprintf(f, "flow table:");
#define SG_FLOWSTAT_TEXT(field, name, text, help) \
		fprintf(f, "%s %llu %s", strcmp(name, "learned") ? "," : "", \
			x->learner.field, text);
		SG_FLOWSTATS(SG_FLOWSTAT_TEXT)
#undef SG_FLOWSTAT_TEXT
		fputc('\n', f);
	}
}

void sg_extras_json(json_object *root, const struct sg_extras *x)
{
	const struct sg_table_fill *t = x->tables;
	json_object *tabs = json_object_new_object(), *o;
	int i;

	for (i = 0; i < x->n_tables; i++) {
		if (t[i].entries < 0)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "entries", json_object_new_int64(t[i].entries));
		json_object_object_add(o, "max", json_object_new_int64(t[i].max));
		json_object_object_add(tabs, t[i].name, o);
	}
	json_object_object_add(root, "tables", tabs);
	if (x->have_events) {
		o = json_object_new_object();
		json_object_object_add(o, "sent", json_object_new_uint64(x->events.sent));
		json_object_object_add(o, "suppressed",
				       json_object_new_uint64(x->events.suppressed));
		json_object_object_add(root, "events", o);
	}
	if (x->have_learner) {
		o = json_object_new_object();
#define SG_FLOWSTAT_JSON(field, name, text, help) \
		json_object_object_add(o, name, json_object_new_uint64(x->learner.field));
		SG_FLOWSTATS(SG_FLOWSTAT_JSON)
#undef SG_FLOWSTAT_JSON
		json_object_object_add(root, "learner", o);
	}
}
