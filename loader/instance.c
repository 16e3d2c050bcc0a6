// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sg_attach() and sg_detach(): one sipguard instance on one interface.
 *
 * The XDP program is attached through a bpf_link pinned at
 * <pin>/if_<ifname>/xdp_link, so the attachment outlives this process and
 * a second attach replaces the program atomically (bpf_link_update) while
 * the pinned maps and their contents stay.  Where libxdp's dispatcher
 * holds the hook (xdp-filter, xdp-loader), or when asked, the program
 * joins the dispatcher instead, pinned at <pin>/if_<ifname>/xdp_prog
 * (dispatch.c).  The TC egress learner is a tcx link or a clsact filter,
 * replaced in place (iface.c).  What we did to an interface is written
 * down in its sg_ifmeta map, so that detach undoes exactly that, also
 * from another process.
 *
 * An attach runs as steps over one struct attach: check, load, fill,
 * link, record.  A step that fails returns STEP_UNDO when the new
 * attachment must be taken back, STEP_KEEP when what is there stays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "allow.h"
#include "cli.h"
#include "clock.h"
#include "config.h"
#include "counters.h"
#include "dispatch.h"
#include "env.h"
#include "flowbits.h"
#include "flows.h"
#include "hostnames.h"
#include "iface.h"
#include "instance.h"
#include "load.h"
#include "pins.h"
#include "tailcall.h"
#include "sipguard.skel.h"

enum { STEP_OK = 0, STEP_UNDO = -1, STEP_KEEP = -2 };

struct attach {
	const struct sg_attach_opts *o;
	__u32 xdp_flags;
	struct sg_cfg cfg;
	bool have_cfg;
	int ifindex;
	const struct sg_link_type *lt;
	unsigned int ltype;
	enum sg_link_state state;
	struct bpf_link_info info;
	int link_fd;
	bool replace;
	bool dispatcher;	/* XDP in libxdp's dispatcher */
	int old_prog_fd;	/* there: the program being replaced */
	bool joined;		/* the new program is in the dispatcher */
	bool shared_existed;
	bool pinned_here;
	bool have_l7;
	struct sipguard_bpf *skel;
	struct sg_maps maps;
	struct sg_iface_meta prev;
	struct sg_iface_meta meta;
};

/* ---- checks before anything changes ---- */

/*
 * Frames of a device without a link-layer header start at the IP
 * header: the programs must know (SG_IF_L3, recomputed on every attach).
 * Such drivers (ppp, WireGuard, raw-IP modems) have no native XDP, and
 * tun runs it only in tap mode: without --mode the kernel would pick
 * native on tun, where the program sees nothing.
 */
static int check_link_type(struct attach *a)
{
	const char *ifname = a->o->ifname;

	a->lt = sg_link_type_check(ifname, &a->ltype);
	if (!a->lt)
		return -1;
	if (!a->lt->l3)
		return 0;
	if (a->o->mode_given && (a->xdp_flags & XDP_FLAGS_DRV_MODE)) {
		sg_err("%s has no link-layer header (link type %s): native XDP is not available there (ppp, tun, WireGuard and raw-IP devices run XDP in generic mode only): leave --mode out, or use --mode generic",
		       ifname, a->lt->name);
		return -1;
	}
	a->xdp_flags = XDP_FLAGS_SKB_MODE;
	return 0;
}

/* The mode the dispatcher runs in is the mode sipguard joins it in. */
static int check_dispatcher_mode(struct attach *a, __u32 flags)
{
	const char *ifname = a->o->ifname;

	if (a->lt->l3 && (flags & XDP_FLAGS_DRV_MODE)) {
		sg_err("%s runs libxdp's dispatcher in native mode, where XDP sees none of its packets (link type %s): unload its programs (xdp-loader unload %s --all) and load them in generic mode",
		       ifname, a->lt->name, ifname);
		return -1;
	}
	if (a->o->mode_given && a->xdp_flags != flags) {
		sg_err("%s runs libxdp's dispatcher in %s mode, and sipguard joins it in that mode: leave --mode out, or use --mode %s",
		       ifname, sg_xdp_flags_mode_name(flags), sg_xdp_flags_mode_name(flags));
		return -1;
	}
	a->xdp_flags = flags;
	return 0;
}

/* Ours in libxdp's dispatcher already: 1 (to replace), 0 if not, -1. */
static int check_in_dispatcher(struct attach *a)
{
	const struct sg_attach_opts *o = a->o;
	struct sg_slot slot;
	__u32 id;
	int fd;

	fd = sg_xdp_prog_pinned(o->ifname, &id);
	if (fd < 0)
		return 0;
	if (!sg_dispatch_find(a->ifindex, id, &slot)) {
		/*
		 * Not in this interface's dispatcher: a new attach.  libxdp's
		 * pins may still hold it when its interface went (a ppp link
		 * that comes back has a new ifindex): they are libxdp's.
		 */
		close(fd);
		return 0;
	}
	a->old_prog_fd = fd;
	a->dispatcher = a->replace = true;
	return check_dispatcher_mode(a, slot.xdp_flags) ? -1 : 1;
}

/* A new attachment: a free hook, libxdp's dispatcher, or someone else's. */
static int check_hook(struct attach *a)
{
	const struct sg_attach_opts *o = a->o;
	const char *ifname = o->ifname;
	struct sg_iface_meta meta;
	struct sg_hook h;

	if (sg_hook_query(ifname, a->ifindex, &h))
		return -1;
	switch (h.kind) {
	case SG_HOOK_OTHER:
		if (!strcmp(h.name, "xdp_dispatcher"))
			sg_err("%s runs libxdp's dispatcher (program id %u), but libxdp finds no pins of it under the bpffs here: run sipguard in the mount namespace that loaded it ('ip netns exec' hides /sys/fs/bpf: use nsenter --net)",
			       ifname, h.prog_id);
		else
			sg_err("%s already has XDP program '%s' (id %u), attached without libxdp's dispatcher: detach it first, or load it with xdp-loader so that sipguard can run beside it",
			       ifname, h.name, h.prog_id);
		return -1;
	case SG_HOOK_DISPATCHER:
		a->dispatcher = true;
		return check_dispatcher_mode(a, h.xdp_flags);
	case SG_HOOK_FREE:
		/* asked for, or how the last attach here did it */
		sg_iface_meta_read(ifname, &meta);
		a->dispatcher = o->dispatcher ||
				((int)meta.ifindex == a->ifindex &&
				 (meta.flags & SG_META_DISPATCHER));
		if (a->dispatcher && sg_dispatch_usable())
			return -1;
		break;
	}
	return 0;
}

/* What is on the interface now: ours to replace, free, or someone else's. */
static int check_link(struct attach *a)
{
	const char *ifname = a->o->ifname;
	__u8 mode;
	int err;

	a->state = sg_link_pinned(ifname, a->ifindex, &a->link_fd, &a->info);
	switch (a->state) {
	case SG_LINK_ERROR:
		return -1;
	case SG_LINK_ELSEWHERE:
		sg_err("the pins under %s for %s belong to another interface or network namespace (XDP link %u on ifindex %u): use another --pin-path here",
		       sg_env.pin, ifname, a->info.id, a->info.xdp.ifindex);
		return -1;
	case SG_LINK_HERE:
		if (a->o->dispatcher) {
			sg_err("%s has sipguard on an XDP link of its own: moving it into libxdp's dispatcher (--dispatcher) needs 'sipguard detach %s' first",
			       ifname, ifname);
			return -1;
		}
		mode = sg_xdp_query_mode(a->ifindex, NULL);
		if (a->lt->l3 && mode == XDP_ATTACHED_DRV) {
			sg_err("%s is attached in native mode, where XDP sees none of its packets (link type %s): run 'sipguard detach %s' and attach again",
			       ifname, a->lt->name, ifname);
			return -1;
		}
		if (a->o->mode_given &&
		    strcmp(sg_xdp_mode_name(mode), sg_xdp_flags_mode_name(a->xdp_flags))) {
			sg_err("%s is attached in %s mode: changing to %s mode needs 'sipguard detach %s' first",
			       ifname, sg_xdp_mode_name(mode),
			       sg_xdp_flags_mode_name(a->xdp_flags), ifname);
			return -1;
		}
		a->replace = true;
		return 0;
	case SG_LINK_NONE:
	case SG_LINK_DEFUNCT:
		break;
	}
	err = check_in_dispatcher(a);
	if (err)
		return err < 0 ? -1 : 0;
	return check_hook(a);
}

/* Everything that can be known before a change; a bad config file first. */
static int attach_check(struct attach *a)
{
	const struct sg_attach_opts *o = a->o;

	if (o->config) {
		if (sg_cfg_parse(o->config, &a->cfg))
			return -1;
		a->have_cfg = true;
	}
	a->ifindex = sg_ifindex(o->ifname, true);
	if (!a->ifindex)
		return -1;
	if (sg_need_privileges(true) || sg_check_kernel() || sg_ensure_bpffs())
		return -1;
	/*
	 * Conntrack cannot tell the phone's request from its answer to a
	 * stranger; the learner's flows can, and conntrack trust needs one.
	 */
	if (o->conntrack && o->no_learn) {
		sg_err("--conntrack needs the learner: conntrack trusts a connection only where the learner saw the LAN send a request on it (a phone's answer to a stranger also opens a conntrack entry); attach without --no-learn");
		return -1;
	}
	if (o->conntrack && sg_conntrack_usable())
		return -1;
	if (check_link_type(a))
		return -1;
	return check_link(a);
}

/* ---- load and fill, before the program goes live ---- */

static int attach_load(struct attach *a)
{
	const struct sg_attach_opts *o = a->o;
	struct sg_load_req req = {};
	char path[SG_PATH_MAX];
	int err;

	sg_pin_file(path, sizeof(path), SG_MAP_CONFIG);
	a->shared_existed = sg_path_exists(path);
	sg_iface_dir(path, sizeof(path), o->ifname);
	err = sg_mkdir_p(path);
	if (err) {
		sg_err_errno(err, "cannot create the pin directory", "check --pin-path");
		return STEP_KEEP;
	}
	a->pinned_here = true;

	req.ifname = o->ifname;
	req.if_flags = (o->monitor ? SG_IF_MONITOR : 0) | (a->lt->l3 ? SG_IF_L3 : 0);
	req.conntrack = o->conntrack;
	/* no tail call in the dispatcher, so no layer 7 (sipguard_ext.bpf.c) */
	req.l7 = a->have_l7 = !a->dispatcher && sg_l7_supported();
	req.learn = !o->no_learn;
	req.allow_max = a->have_cfg ? a->cfg.allow_max : 0;
	if (a->dispatcher) {
		/* an extension of a stand-in, until libxdp moves it */
		req.xdp_target_fd = sg_dispatch_target();
		if (req.xdp_target_fd < 0)
			return STEP_UNDO;
		req.xdp_target_func = SG_DISPATCH_TARGET_FUNC;
	}
	a->skel = sg_load(&req);
	if (req.xdp_target_fd > 0)
		close(req.xdp_target_fd);
	return a->skel ? STEP_OK : STEP_UNDO;
}

/* Tail calls, settings and entries go in before the program goes live. */
/* The programs' clock (loader/clock.c), measured again on every attach. */
static int attach_clock(struct attach *a)
{
	struct sg_config cfg;
	int err;

	err = sg_config_get(a->maps.config, &cfg);
	if (!err) {
		sg_clock_calibrate(bpf_program__fd(a->skel->progs.sipguard_clock), &cfg);
		err = sg_config_set(a->maps.config, &cfg);
	}
	if (err)
		sg_err_errno(err, "cannot write the settings", "try again");
	return err ? -1 : 0;
}

static int attach_fill(struct attach *a)
{
	struct bpf_object *obj = a->skel->obj;
	__u32 zero = 0;
	int err;

	if (a->have_l7) {
		err = sg_tailcalls_fill(obj, NULL);
		if (err) {
			sg_err_errno(err, "cannot install the layer-7 program",
				     "run with --verbose for details");
			return STEP_UNDO;
		}
	}
#define SG_MAPS_FROM_OBJ(field, pin, label) \
	a->maps.field = bpf_map__fd(bpf_object__find_map_by_name(obj, pin));
	SG_SHARED_MAPS(SG_MAPS_FROM_OBJ)
#undef SG_MAPS_FROM_OBJ
	if (!a->shared_existed) {
		struct sg_config def;

		sg_config_defaults(&def);
		err = sg_config_set(a->maps.config, &def);
		if (err) {
			sg_err_errno(err, "cannot write the settings", "try again");
			return STEP_UNDO;
		}
	}
	if (a->have_cfg && sg_cfg_apply(&a->cfg, &a->maps))
		return STEP_UNDO;
	if (attach_clock(a))
		return STEP_UNDO;
	/*
	 * the allowlist's filter, also when the pins came from an older run;
	 * off while this interface still runs an older sipguard's programs
	 * (written again once its record says otherwise, attach_filters())
	 */
	if (sg_allow_bits_quiet(&a->maps))
		return STEP_UNDO;
	/* SG_CFG_STATIC as the static flows are, also after an older run */
	if (sg_flows_static_flag(&a->maps))
		return STEP_UNDO;
	if (bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.sg_ifmeta), &zero, &a->prev))
		memset(&a->prev, 0, sizeof(a->prev));
	return STEP_OK;
}

/* ---- going live ---- */

static int xdp_link_create(const char *ifname, int ifindex, int prog_fd,
			   __u32 xdp_flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = xdp_flags);
	char path[SG_PATH_MAX];
	int fd, err;

	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
	if (fd < 0) {
		if ((fd == -EOPNOTSUPP || fd == -EINVAL) &&
		    (xdp_flags & XDP_FLAGS_DRV_MODE))
			sg_err("cannot attach XDP to %s in native mode: %s: the driver may lack native XDP, use --mode generic",
			       ifname, strerror(-fd));
		else if (fd == -EBUSY || fd == -EEXIST)
			sg_err("%s already has an XDP program: detach it first",
			       ifname);
		else
			sg_err_errno(fd, "cannot attach XDP", "run with --verbose for details");
		return -1;
	}
	sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_LINK);
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);	/* the link goes with its last reference */
		sg_err_errno(err, "cannot pin the XDP link", "check --pin-path");
		return -1;
	}
	return fd;
}

/*
 * Into libxdp's dispatcher, pinned as SG_PIN_XDP_PROG.  A replacement
 * joins before the program it replaces leaves, so the hook never goes
 * without sipguard: for that moment both run, one after the other.
 */
static int attach_dispatcher(struct attach *a)
{
	int prog_fd = bpf_program__fd(a->skel->progs.sipguard_xdp);
	const char *ifname = a->o->ifname;
	char path[SG_PATH_MAX];
	int err;

	if (sg_dispatch_join(ifname, a->ifindex, prog_fd, a->xdp_flags))
		return a->replace ? STEP_KEEP : STEP_UNDO;
	a->joined = true;
	sg_iface_file(path, sizeof(path), ifname, SG_PIN_XDP_PROG);
	sg_unpin(path);		/* the replaced one's: old_prog_fd holds it */
	if (bpf_obj_pin(prog_fd, path)) {
		err = -errno;
		sg_err_errno(err, "cannot pin the XDP program", "check --pin-path");
		if (!a->replace)
			return STEP_UNDO;
		/* the old one stays */
		if (!sg_dispatch_leave(ifname, a->ifindex, prog_fd))
			a->joined = false;
		bpf_obj_pin(a->old_prog_fd, path);
		return STEP_KEEP;
	}
	if (a->replace && sg_dispatch_leave(ifname, a->ifindex, a->old_prog_fd)) {
		sg_err("the replaced sipguard program still runs in libxdp's dispatcher on %s beside the new one: run 'sipguard attach %s' again",
		       ifname, ifname);
		return STEP_KEEP;
	}
	return STEP_OK;
}

/* Replace the program of our link in place, or make and pin a new link. */
static int attach_link(struct attach *a)
{
	int prog_fd = bpf_program__fd(a->skel->progs.sipguard_xdp);
	char path[SG_PATH_MAX];
	int err;

	if (a->dispatcher) {
		if (a->link_fd >= 0) {	/* defunct: its interface is gone */
			close(a->link_fd);
			a->link_fd = -1;
			sg_iface_file(path, sizeof(path), a->o->ifname, SG_PIN_XDP_LINK);
			sg_unpin(path);
		}
		return attach_dispatcher(a);
	}
	if (a->replace) {
		err = bpf_link_update(a->link_fd, prog_fd, NULL);
		if (err) {
			sg_err_errno(err, "cannot replace the XDP program",
				     "run with --verbose, or detach and attach again");
			return STEP_KEEP;
		}
		return STEP_OK;
	}
	if (a->link_fd >= 0) {	/* defunct: its interface is gone */
		close(a->link_fd);
		a->link_fd = -1;
		sg_iface_file(path, sizeof(path), a->o->ifname, SG_PIN_XDP_LINK);
		sg_unpin(path);
	}
	/* a program of an earlier attach that no dispatcher runs now */
	sg_iface_file(path, sizeof(path), a->o->ifname, SG_PIN_XDP_PROG);
	sg_unpin(path);
	a->link_fd = xdp_link_create(a->o->ifname, a->ifindex, prog_fd, a->xdp_flags);
	return a->link_fd < 0 ? STEP_UNDO : STEP_OK;
}

/* The learner, then the record of what we did (sg_ifmeta). */
static int attach_record(struct attach *a)
{
	const struct sg_attach_opts *o = a->o;
	struct sg_iface_meta *meta = &a->meta;
	__u32 zero = 0;
	int err;

	meta->ifindex = a->ifindex;
	meta->link_type = a->ltype;
	if (o->monitor)
		meta->flags |= SG_META_MONITOR;
	if (o->conntrack)
		meta->flags |= SG_META_CONNTRACK;
	if (a->dispatcher)
		meta->flags |= SG_META_DISPATCHER;
	meta->flags |= SG_META_FLOWBITS | SG_META_ALLOWBITS;
	if (!o->no_learn) {
		err = sg_learner_attach(o->ifname, a->ifindex,
					bpf_program__fd(a->skel->progs.sipguard_learn),
					&a->prev, &meta->flags);
		if (err) {
			sg_err_errno(err, "cannot attach the TC egress learner",
				     "run with --verbose, or attach with --no-learn");
			return a->replace ? STEP_KEEP : STEP_UNDO;
		}
	} else if ((int)a->prev.ifindex == a->ifindex) {
		sg_learner_detach(o->ifname, a->ifindex, a->prev.flags);
	}
	meta->xdp_flags = o->mode_given || !a->replace ? a->xdp_flags :
			  a->prev.xdp_flags;
	meta->attached_at = a->replace && a->prev.attached_at ? a->prev.attached_at :
			    (__u64)time(NULL);
	snprintf(meta->ifname, sizeof(meta->ifname), "%s", o->ifname);
	if (bpf_map_update_elem(bpf_map__fd(a->skel->maps.sg_ifmeta), &zero, meta,
				BPF_ANY))
		sg_err_errno(errno, "cannot record the attachment",
			     "detach may leave the learner behind");
	return STEP_OK;
}

/*
 * The filters, written again now that this interface's record says that
 * its programs keep them: the flows' filter, rebuilt (this interface's
 * learner sets its bits), and the allowlist's, in this sipguard's format
 * unless another interface runs older programs.  Without them the
 * verdicts are the same, only an orphan INVITE costs the trie's and the
 * flow table's lookups: say so, and keep the attachment.
 */
static int attach_filters(struct attach *a)
{
	char other[IF_NAMESIZE] = "";
	int r;

	if (sg_allow_bits_rebuild(&a->maps, NULL, 0))
		return STEP_KEEP;
	r = sg_flowbits_refresh(other, sizeof(other));

	if (r == SG_FB_OFF)
		fprintf(stderr, "Warning: %s runs the programs of an older sipguard, which do not keep the flows' filter: it stays off (the verdicts are the same, an orphan INVITE costs more) until %s is attached again\n",
			other, other);
	if (r < 0) {
		sg_err_errno(r, "cannot rebuild the flows' filter",
			     "the filter stays as it was; attach again");
		return STEP_KEEP;
	}
	return STEP_OK;
}

static void attach_summary(const struct attach *a)
{
	const struct sg_attach_opts *o = a->o;
	__u8 mode = sg_xdp_query_mode(a->ifindex, NULL);
	char where[64] = "";

	if (a->dispatcher)
		snprintf(where, sizeof(where), " in libxdp's dispatcher at priority %d",
			 SG_XDP_PRIO);
	printf("sipguard %s %s (%s XDP%s, learner %s%s%s%s%s): ",
	       a->replace ? "replaced on" : "attached to", o->ifname,
	       sg_xdp_mode_name(mode), where,
	       a->meta.flags & SG_META_LEARN ? "on" : "off",
	       o->conntrack ? ", conntrack" : "",
	       o->monitor ? ", monitor" : "",
	       a->have_l7 ? "" : ", layer-7 rules off: ",
	       a->have_l7 ? "" : a->dispatcher ?
	       "they cannot run in libxdp's dispatcher" : sg_l7_missing(true));
	sg_fill_text(stdout, sg_map_count(a->maps.allow, sizeof(struct sg_lpm_key)),
		     sg_map_max(a->maps.allow), sg_flows_live(a->maps.flows),
		     sg_map_count(a->maps.flows_static, sizeof(struct sg_flow_key)));
	putchar('\n');
}

/* A new attachment that failed leaves nothing behind. */
static void attach_undo(struct attach *a)
{
	if (a->replace || !a->pinned_here)
		return;
	if (a->link_fd >= 0) {
		close(a->link_fd);
		a->link_fd = -1;
	}
	if (a->joined)
		sg_dispatch_leave(a->o->ifname, a->ifindex,
				  bpf_program__fd(a->skel->progs.sipguard_xdp));
	sipguard_bpf__destroy(a->skel);
	a->skel = NULL;
	sg_iface_unpin(a->o->ifname);
	sg_shared_unpin_if_unused();
}

int sg_attach(const struct sg_attach_opts *o)
{
	struct attach a = { .o = o, .xdp_flags = o->xdp_flags, .link_fd = -1,
			    .old_prog_fd = -1 };
	int step;

	sg_iface_attaching(o->ifname);
	if (attach_check(&a)) {
		step = STEP_KEEP;
		goto out;
	}
	step = attach_load(&a);
	if (!step)
		step = attach_fill(&a);
	if (!step)
		step = attach_link(&a);
	if (!step)
		step = attach_record(&a);
	if (!step)
		step = attach_filters(&a);
	if (!step)
		attach_summary(&a);
	else if (step == STEP_UNDO)
		attach_undo(&a);
	/* the filter is on: now the config's host names, which take time */
	if (!step && o->resolve && a.have_cfg &&
	    sg_hn_resolve_config(&a.maps, o->config,
				 (const char (*)[SG_HOSTNAME_MAX + 1])a.cfg.names,
				 a.cfg.n_names, a.cfg.resolvers, a.cfg.n_resolvers))
		step = STEP_KEEP;
out:
	sg_iface_attaching(NULL);
	if (a.link_fd >= 0)
		close(a.link_fd);
	if (a.old_prog_fd >= 0)
		close(a.old_prog_fd);
	sipguard_bpf__destroy(a.skel);
	if (a.have_cfg)
		sg_cfg_free(&a.cfg);
	return step ? -1 : 0;
}

/* ---- detach ---- */

/* Take the XDP link off, if it is live here.  0, or -1 after an error. */
static int detach_link(const char *ifname, int ifindex)
{
	struct bpf_link_info info;
	int fd, err, ret = 0;

	switch (sg_link_pinned(ifname, ifindex, &fd, &info)) {
	case SG_LINK_ERROR:
		return -1;
	case SG_LINK_ELSEWHERE:
		if (!ifindex)
			sg_err("%s is not in this network namespace, but its XDP link is live (ifindex %u): run detach in the interface's namespace (nsenter --net=...)",
			       ifname, info.xdp.ifindex);
		else
			sg_err("the pins for %s belong to another interface or network namespace (ifindex %u): run detach there, or use its --pin-path",
			       ifname, info.xdp.ifindex);
		ret = -1;
		break;
	case SG_LINK_HERE:
		err = bpf_link_detach(fd);
		if (err && err != -EOPNOTSUPP && err != -EINVAL) {
			sg_err_errno(err, "cannot detach the XDP link", "try again");
			ret = -1;
		}
		break;
	case SG_LINK_NONE:
	case SG_LINK_DEFUNCT:
		break;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Take our program out of libxdp's dispatcher, if it runs there. */
static int detach_dispatcher(const char *ifname, int ifindex)
{
	struct sg_slot slot;
	int fd, ret = 0;
	__u32 id;

	fd = sg_xdp_prog_pinned(ifname, &id);
	if (fd < 0)
		return 0;
	if (sg_dispatch_find(ifindex, id, &slot)) {
		if (sg_dispatch_leave(ifname, ifindex, fd))
			ret = -1;
	} else if (sg_prog_linked(id)) {
		/*
		 * A dispatcher's link holds it, and not one here: its
		 * interface went (libxdp's pins keep the link), or it is in
		 * another network namespace, which nothing here can tell.
		 */
		fprintf(stderr, "Warning: sipguard's XDP program (id %u) is still linked to a libxdp dispatcher that is not on %s here: if %s is in another network namespace, it runs there until that dispatcher is unloaded (run detach in that namespace next time); if %s is gone, libxdp's pins under /sys/fs/bpf/xdp hold it until libxdp removes them\n",
			id, ifname, ifname, ifname);
	}
	close(fd);
	return ret;
}

int sg_detach(const char *ifname)
{
	struct sg_iface_meta meta;
	char path[SG_PATH_MAX];
	int ifindex, err;

	if (sg_check_ifname(ifname) || sg_need_privileges(true))
		return -1;
	sg_iface_dir(path, sizeof(path), ifname);
	if (!sg_path_exists(path)) {
		sg_err("%s is not attached (nothing pinned under %s): see 'sipguard status'",
		       ifname, path);
		return -1;
	}
	ifindex = sg_ifindex(ifname, false);
	sg_iface_meta_read(ifname, &meta);
	if (detach_link(ifname, ifindex) || detach_dispatcher(ifname, ifindex))
		return -1;
	if (ifindex && (int)meta.ifindex == ifindex)
		sg_learner_detach(ifname, ifindex, meta.flags);

	err = sg_iface_unpin(ifname);
	if (err) {
		sg_err_errno(err, "cannot remove the interface's pins",
			     "remove the directory by hand");
		return -1;
	}
	if (sg_shared_unpin_if_unused())
		printf("sipguard detached from %s; nothing left pinned under %s\n",
		       ifname, sg_env.pin);
	else
		printf("sipguard detached from %s\n", ifname);
	return 0;
}
