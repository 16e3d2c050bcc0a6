// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard status`: the attached interfaces, the settings and the table
 * fill.  Gathered into a struct status first, then rendered as text or
 * JSON by the two renderers side by side.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "counters.h"
#include "dispatch.h"
#include "env.h"
#include "flowtab.h"
#include "iface.h"
#include "main.h"
#include "pins.h"

struct iface_status {
	const char *ifname;
	enum sg_link_state state;
	struct bpf_link_info info;
	struct sg_iface_meta meta;
	const struct sg_link_type *lt;	/* NULL: unknown */
	unsigned int ltype;		/* 0: not known */
	const char *mode;		/* native, generic... */
	const char *where;		/* the state for JSON */
	__u32 prog_id;			/* in libxdp's dispatcher: ours */
	bool dispatched;		/* ours runs in the dispatcher */
	struct sg_slot slot;		/* where */
	bool monitor;
	bool l7;
	char since[64];
};

struct status {
	struct iface_status *ifs;
	int n;
	struct sg_config cfg;
	long allow, flows, statics, deny, users, bans;
	__u32 allow_max;		/* the allowlist's capacity ([allow] max-entries) */
	long long bans_refused;	/* the ban quota's refusals; -1: unknown */
	long fb_set;			/* the flows' filter: bits set; -1: off */
	int af_on;			/* the allowlist's filter is read */
	long fb_age_s;			/* since its last rebuild; -1: unknown */
};

/* ---- gather ---- */

static void iface_gather(struct iface_status *s, const char *ifname,
			 const struct sg_config *cfg)
{
	int ifindex, fd, t;

	memset(s, 0, sizeof(*s));
	s->ifname = ifname;
	ifindex = sg_ifindex(ifname, false);
	s->l7 = sg_iface_l7_installed(ifname);
	sg_iface_meta_read(ifname, &s->meta);
	s->state = sg_link_pinned(ifname, ifindex, &fd, &s->info);
	if (fd >= 0)
		close(fd);
	s->prog_id = s->info.prog_id;
	if (s->state == SG_LINK_NONE) {
		fd = sg_xdp_prog_pinned(ifname, &s->prog_id);
		if (fd >= 0) {
			close(fd);
			s->dispatched = sg_dispatch_find(ifindex, s->prog_id, &s->slot);
		}
	}
	/* an attachment by an older sipguard did not record it */
	s->ltype = s->meta.link_type;
	if (!s->ltype && s->state == SG_LINK_HERE) {
		t = sg_link_type_read(ifname);
		s->ltype = t > 0 ? t : 0;
	}
	s->lt = s->ltype ? sg_link_type_find(s->ltype) : NULL;
	s->mode = "none";
	switch (s->state) {
	case SG_LINK_HERE:
		s->where = "attached";
		s->mode = sg_xdp_mode_name(sg_xdp_query_mode(ifindex, NULL));
		break;
	case SG_LINK_NONE:
		if (s->dispatched) {
			s->where = "attached";
			s->mode = sg_xdp_mode_name(sg_xdp_query_mode(ifindex, NULL));
		} else {
			s->where = s->prog_id ? "not-in-dispatcher" : "no-link";
		}
		break;
	case SG_LINK_DEFUNCT:
		s->where = "interface-gone";
		break;
	case SG_LINK_ELSEWHERE:
		s->where = "other-namespace";
		s->mode = sg_xdp_flags_mode_name(s->meta.xdp_flags);
		break;
	default:
		s->where = "no-link";
		break;
	}
	s->monitor = (s->meta.flags & SG_META_MONITOR) || (cfg->flags & SG_CFG_MONITOR);
	snprintf(s->since, sizeof(s->since), "-");
	if (s->meta.attached_at) {
		time_t at = s->meta.attached_at;
		struct tm tm;

		strftime(s->since, sizeof(s->since), "%Y-%m-%d %H:%M:%S %z",
			 localtime_r(&at, &tm));
	}
}

static int status_gather(struct status *st, char **names, int n)
{
	struct sg_maps m;
	int i;

	if (sg_maps_open(&m))
		return -1;
	if (sg_config_get(m.config, &st->cfg))
		sg_config_defaults(&st->cfg);
	st->cfg.flow_timeout_s = sg_flow_timeout_s(&st->cfg);
	st->ifs = calloc(n ? n : 1, sizeof(*st->ifs));
	if (!st->ifs) {
		sg_maps_close(&m);
		return -1;
	}
	st->n = n;
	for (i = 0; i < n; i++)
		iface_gather(&st->ifs[i], names[i], &st->cfg);
	st->deny = sg_map_count(m.deny, sizeof(struct sg_lpm_key));
	st->users = sg_map_count(m.users, sizeof(struct sg_user_key));
	st->bans = sg_map_count(m.bans, sizeof(struct sg_addr));
	st->allow = sg_map_count(m.allow, sizeof(struct sg_lpm_key));
	st->allow_max = sg_map_max(m.allow);
	st->flows = sg_flows_live(m.flows);
	st->statics = sg_map_count(m.flows_static, sizeof(struct sg_flow_key));
	st->bans_refused = -1;
	st->fb_set = st->fb_age_s = -1;
	{
		struct sg_allow_bits *ab = malloc(sizeof(*ab));
		__u32 zero = 0;

		st->af_on = ab && !bpf_map_lookup_elem(m.allowbits, &zero, ab) &&
			    ab->valid == SG_AF_FORMAT;
		free(ab);
	}
	{
		struct sg_flow_bits *fb = sg_flowbits_map(m.flowbits);

		if (fb) {
			st->fb_set = sg_flowbits_count(fb);
			if (st->fb_set >= 0)
				st->fb_age_s = (__s32)(sg_flowtab_now() - fb->rebuilt_s);
			sg_flowbits_unmap(fb);
		}
	}
	{
		struct sg_ban_stat bs;
		__u32 zero = 0;

		if (!bpf_map_lookup_elem(m.banstat, &zero, &bs))
			st->bans_refused = bs.refused;
	}
	sg_maps_close(&m);
	return 0;
}

/* ---- text ---- */

/* How the learner is attached: a tcx link, or a clsact filter. */
static const char *learner_hook(__u32 flags)
{
	if (!(flags & SG_META_LEARN))
		return NULL;
	return flags & SG_META_TCX ? "tcx" : "clsact";
}

static const char *learner_text(__u32 flags)
{
	if (!(flags & SG_META_LEARN))
		return "off";
	return flags & SG_META_TCX ? "on (tcx)" : "on (clsact)";
}

static void iface_text(const struct iface_status *s)
{
	const char *link = s->lt ? s->lt->text : "unknown";

	printf("%s: ", s->ifname);
	switch (s->state) {
	case SG_LINK_HERE:
		printf("ifindex %u, link %s, %s XDP, prog id %u, link id %u",
		       s->info.xdp.ifindex, link, s->mode, s->info.prog_id,
		       s->info.id);
		break;
	case SG_LINK_DEFUNCT:
		printf("interface gone (XDP link %u defunct)", s->info.id);
		break;
	case SG_LINK_ELSEWHERE:
		printf("XDP link %u on ifindex %u in another network namespace",
		       s->info.id, s->info.xdp.ifindex);
		break;
	default:
		if (s->dispatched)
			printf("ifindex %u, link %s, %s XDP in libxdp's dispatcher (priority %u, program %d of %d, dispatcher id %u), prog id %u",
			       s->meta.ifindex, link, s->mode, s->slot.prio,
			       s->slot.pos, s->slot.count, s->slot.dispatcher_id,
			       s->prog_id);
		else if (s->prog_id)
			printf("not in libxdp's dispatcher any more (prog id %u)",
			       s->prog_id);
		else
			printf("no XDP link pinned");
		break;
	}
	if (s->state != SG_LINK_HERE && !s->dispatched && s->lt)
		printf(", link %s", s->lt->text);
	printf(", learner %s, conntrack %s, layer-7 %s, monitor %s%s, attached since %s",
	       learner_text(s->meta.flags),
	       s->meta.flags & SG_META_CONNTRACK ? "on" : "off",
	       s->l7 ? "on" : "off", s->monitor ? "on" : "off",
	       s->meta.flags & SG_META_MONITOR ? " (--monitor)" : "", s->since);
	if (s->state == SG_LINK_DEFUNCT)
		printf(": run 'sipguard detach %s'", s->ifname);
	else if (s->state == SG_LINK_NONE && !s->dispatched)
		printf(": run 'sipguard attach %s' again", s->ifname);
	putchar('\n');
}

static void status_text(const struct status *st)
{
	const struct sg_config *cfg = &st->cfg;
	int i;

	for (i = 0; i < st->n; i++)
		iface_text(&st->ifs[i]);
	if (!st->n)
		printf("no interface attached (shared maps pinned under %s)\n",
		       sg_env.pin);
	printf("settings: monitor %s, flow-timeout %us, match-remote-port %s, unknown-invite %s, ban-time %us\n",
	       cfg->flags & SG_CFG_MONITOR ? "on" : "off", cfg->flow_timeout_s,
	       cfg->flags & SG_CFG_MATCH_PORT ? "on" : "off",
	       cfg->flags & SG_CFG_INSPECT ? "inspect" : "drop", cfg->ban_time_s);
	if (sg_clock_hz(cfg))
		printf("clock: jiffies at %u Hz\n", sg_clock_hz(cfg));
	else
		printf("clock: the coarse clock helper (jiffies not measured)\n");
	sg_fill_text(stdout, st->allow, st->allow_max, st->flows, st->statics);
	printf("\nallowlist filter: %s", st->af_on ? "on" :
	       "off (every INVITE's source is looked up in the allowlist)");
	if (st->fb_set >= 0)
		printf("\nflows' filter: on, %ld of %u bits set, rebuilt %lds ago",
		       st->fb_set, 1u << SG_FB_LOG, st->fb_age_s);
	else
		printf("\nflows' filter: off (every INVITE looks in the flow table)");
	printf("\nlayer 7: deny list %ld/%d, user-agents %u/%d, users %ld/%d, bans %ld\n",
	       st->deny, SG_DENY_MAX, cfg->ua_count, SG_UA_MAX,
	       st->users, SG_USERS_MAX, st->bans);
	if (st->bans_refused > 0)
		printf("bans refused (the quota of new bans was spent): %lld\n",
		       st->bans_refused);
}

/* ---- JSON ---- */

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *iface_json(const struct iface_status *s)
{
	json_object *o = json_object_new_object();
	__u32 flags = s->meta.flags;

	add(o, "name", json_object_new_string(s->ifname));
	add(o, "state", json_object_new_string(s->where));
	add(o, "ifindex", json_object_new_int64(s->info.xdp.ifindex ?
						s->info.xdp.ifindex : s->meta.ifindex));
	add(o, "link_type", s->lt ? json_object_new_string(s->lt->name) : NULL);
	add(o, "link_type_id", s->ltype ? json_object_new_int64(s->ltype) : NULL);
	add(o, "mode", json_object_new_string(s->mode));
	add(o, "prog_id", json_object_new_int64(s->prog_id));
	add(o, "link_id", json_object_new_int64(s->info.id));
	add(o, "xdp_hook", s->state == SG_LINK_HERE ? json_object_new_string("link") :
			   s->dispatched ? json_object_new_string("dispatcher") : NULL);
	if (s->dispatched) {
		add(o, "priority", json_object_new_int64(s->slot.prio));
		add(o, "dispatcher_id", json_object_new_int64(s->slot.dispatcher_id));
		add(o, "dispatcher_position", json_object_new_int64(s->slot.pos));
		add(o, "dispatcher_programs", json_object_new_int64(s->slot.count));
	}
	add(o, "learner", json_object_new_boolean(flags & SG_META_LEARN));
	add(o, "learner_hook", learner_hook(flags) ?
	    json_object_new_string(learner_hook(flags)) : NULL);
	add(o, "conntrack", json_object_new_boolean(flags & SG_META_CONNTRACK));
	add(o, "layer7", json_object_new_boolean(s->l7));
	add(o, "monitor", json_object_new_boolean(s->monitor));
	add(o, "monitor_flag", json_object_new_boolean(flags & SG_META_MONITOR));
	add(o, "attached_at", json_object_new_int64(s->meta.attached_at));
	return o;
}

static json_object *fill_json(long n, long max)
{
	json_object *o = json_object_new_object();

	add(o, "entries", json_object_new_int64(n < 0 ? 0 : n));
	add(o, "max", json_object_new_int64(max));
	return o;
}

static json_object *settings_json(const struct sg_config *cfg)
{
	json_object *set = json_object_new_object();

	add(set, "monitor", json_object_new_boolean(cfg->flags & SG_CFG_MONITOR));
	add(set, "flow_timeout_s", json_object_new_int64(cfg->flow_timeout_s));
	add(set, "match_remote_port",
	    json_object_new_boolean(cfg->flags & SG_CFG_MATCH_PORT));
	add(set, "unknown_invite", json_object_new_string(cfg->flags & SG_CFG_INSPECT ?
							  "inspect" : "drop"));
	add(set, "ban_time_s", json_object_new_int64(cfg->ban_time_s));
	add(set, "clock_hz", json_object_new_int64(sg_clock_hz(cfg)));
	return set;
}

static json_object *flow_filter_json(const struct status *st)
{
	json_object *o = json_object_new_object();

	add(o, "on", json_object_new_boolean(st->fb_set >= 0));
	add(o, "bits", json_object_new_int64(1u << SG_FB_LOG));
	add(o, "bits_set", st->fb_set >= 0 ? json_object_new_int64(st->fb_set) : NULL);
	add(o, "rebuilt_s_ago", st->fb_age_s >= 0 ? json_object_new_int64(st->fb_age_s) : NULL);
	return o;
}

static void status_json(const struct status *st)
{
	json_object *root = json_object_new_object();
	json_object *ifs = json_object_new_array();
	int i;

	add(root, "pin_path", json_object_new_string(sg_env.pin));
	for (i = 0; i < st->n; i++)
		json_object_array_add(ifs, iface_json(&st->ifs[i]));
	add(root, "attached", json_object_new_boolean(st->n > 0));
	add(root, "interfaces", ifs);
	add(root, "settings", settings_json(&st->cfg));
	add(root, "deny", fill_json(st->deny, SG_DENY_MAX));
	add(root, "user_agents", fill_json(st->cfg.ua_count, SG_UA_MAX));
	add(root, "users", fill_json(st->users, SG_USERS_MAX));
	add(root, "bans", fill_json(st->bans, SG_BANS_MAX));
	if (st->bans_refused >= 0)
		add(root, "bans_refused", json_object_new_int64(st->bans_refused));
	add(root, "allowlist", fill_json(st->allow, st->allow_max));
	add(root, "flows", fill_json(st->flows, SG_FLOWS_MAX));
	add(root, "static_flows", fill_json(st->statics, SG_STATIC_MAX));
	add(root, "allow_filter", json_object_new_boolean(st->af_on));
	add(root, "flow_filter", flow_filter_json(st));
	sg_json_print(root);
}

/* Nothing pinned at all. */
static void not_attached(void)
{
	json_object *root;

	if (!sg_env.json) {
		printf("not attached (nothing pinned under %s)\n", sg_env.pin);
		return;
	}
	root = json_object_new_object();
	add(root, "pin_path", json_object_new_string(sg_env.pin));
	add(root, "attached", json_object_new_boolean(false));
	add(root, "interfaces", json_object_new_array());
	sg_json_print(root);
}

int do_status(int argc, char **argv)
{
	struct status st = {};
	char path[SG_PATH_MAX], **names = NULL;
	int first, n, ret = SG_EXIT_FAIL;

	first = sg_getopt(argc, argv, "status", NULL, NULL, NULL, NULL);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first > 0)
		return sg_usage("status", "unexpected argument '%s'", argv[first]);
	if (sg_need_privileges(false))
		return SG_EXIT_FAIL;

	sg_pin_file(path, sizeof(path), SG_MAP_CONFIG);
	n = sg_list_ifaces(&names);
	if (n < 0) {
		sg_err_errno(n, "cannot read the pin directory", "check --pin-path");
		return SG_EXIT_FAIL;
	}
	if (!n && !sg_path_exists(path)) {
		not_attached();
		return SG_EXIT_OK;
	}
	if (!status_gather(&st, names, n)) {
		if (sg_env.json)
			status_json(&st);
		else
			status_text(&st);
		ret = SG_EXIT_OK;
	}
	free(st.ifs);
	sg_free_names(names, n);
	return ret;
}
