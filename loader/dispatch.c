// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libxdp's multi-program dispatcher: an XDP program with ten slots, each
 * a function that a freplace (BPF_PROG_TYPE_EXT) program replaces, run in
 * the order of their priorities; a program's verdict ends the run unless
 * its chain-call actions say to go on (XDP_PASS by default).  libxdp keeps
 * the slots' links pinned under <bpffs>/xdp/dispatch-IFINDEX-ID, and a
 * program joins or leaves by a new dispatcher that replaces the old one
 * on the hook atomically.  See dispatch.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "cli.h"
#include "dispatch.h"
#include "env.h"
#include "sipguard.h"

/* ---- libxdp's messages ---- */

/* libxdp's last warning, for an error message; all of it with --verbose. */
static char libxdp_said[320];

static int libxdp_print(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBXDP_WARN) {
		size_t n;
		va_list cp;

		va_copy(cp, ap);
		vsnprintf(libxdp_said, sizeof(libxdp_said), fmt, cp);
		va_end(cp);
		n = strlen(libxdp_said);
		while (n && (libxdp_said[n - 1] == '\n' || libxdp_said[n - 1] == ' '))
			libxdp_said[--n] = '\0';
	}
	if (!sg_env.verbose || (level == LIBXDP_DEBUG && sg_env.verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void libxdp_quiet(void)
{
	static bool set;

	if (!set)
		libxdp_set_print(libxdp_print);
	set = true;
	libxdp_said[0] = '\0';
}

static const char *libxdp_reason(void)
{
	return libxdp_said[0] ? libxdp_said : "nothing";
}

static __u32 mode_flags(__u8 attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_DRV:
		return XDP_FLAGS_DRV_MODE;
	case XDP_ATTACHED_SKB:
		return XDP_FLAGS_SKB_MODE;
	case XDP_ATTACHED_HW:
		return XDP_FLAGS_HW_MODE;
	default:
		return 0;
	}
}

static enum xdp_attach_mode libxdp_mode(__u32 xdp_flags)
{
	if (xdp_flags & XDP_FLAGS_DRV_MODE)
		return XDP_MODE_NATIVE;
	if (xdp_flags & XDP_FLAGS_SKB_MODE)
		return XDP_MODE_SKB;
	return XDP_MODE_UNSPEC;
}

int sg_dispatch_usable(void)
{
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_EXT, NULL) > 0)
		return 0;
	sg_err("this kernel (Linux %s) has no extension (freplace) programs, which libxdp's dispatcher runs its programs as (they need BPF trampolines and kernel BTF): attach without --dispatcher and --priority",
	       sg_kernel_release());
	return -1;
}

/* ---- what holds the hook ---- */

int sg_hook_query(const char *ifname, int ifindex, struct sg_hook *h)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct xdp_multiprog *mp;
	int fd, err;

	memset(h, 0, sizeof(*h));
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err) {
		sg_err("cannot read the XDP program of %s: %s: check the interface with 'ip link show %s'",
		       ifname, strerror(-err), ifname);
		return err;
	}
	if (q.attach_mode == XDP_ATTACHED_NONE || !q.prog_id)
		return 0;
	h->kind = SG_HOOK_OTHER;
	h->prog_id = q.prog_id;
	h->xdp_flags = mode_flags(q.attach_mode == XDP_ATTACHED_MULTI ?
				  (q.drv_prog_id ? XDP_ATTACHED_DRV : XDP_ATTACHED_SKB) :
				  q.attach_mode);
	snprintf(h->name, sizeof(h->name), "?");
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			snprintf(h->name, sizeof(h->name), "%s", info.name);
		close(fd);
	}
	libxdp_quiet();
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!libxdp_get_error(mp) && mp && !xdp_multiprog__is_legacy(mp)) {
		h->kind = SG_HOOK_DISPATCHER;
		h->n_progs = xdp_multiprog__program_count(mp);
	}
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	return 0;
}

bool sg_dispatch_find(int ifindex, __u32 prog_id, struct sg_slot *s)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	bool found = false;
	int i;

	memset(s, 0, sizeof(*s));
	if (!ifindex || !prog_id)
		return false;
	libxdp_quiet();
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (libxdp_get_error(mp) || !mp)
		return false;
	if (xdp_multiprog__is_legacy(mp))
		goto out;
	for (i = 1, p = xdp_multiprog__next_prog(NULL, mp); p;
	     i++, p = xdp_multiprog__next_prog(p, mp)) {
		if (xdp_program__id(p) != prog_id)
			continue;
		s->prio = xdp_program__run_prio(p);
		s->pos = i;
		found = true;
	}
	s->count = xdp_multiprog__program_count(mp);
	s->dispatcher_id = xdp_program__id(xdp_multiprog__main_prog(mp));
	switch (xdp_multiprog__attach_mode(mp)) {
	case XDP_MODE_NATIVE:
		s->xdp_flags = XDP_FLAGS_DRV_MODE;
		break;
	case XDP_MODE_SKB:
		s->xdp_flags = XDP_FLAGS_SKB_MODE;
		break;
	default:
		break;
	}
out:
	xdp_multiprog__close(mp);
	return found;
}

bool sg_prog_linked(__u32 prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	bool found = false;
	int fd;

	while (!found && !bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.prog_id == prog_id)
			found = true;
		close(fd);
	}
	return found;
}

/* ---- the stand-in target ---- */

/*
 * Its BTF: int sipguard_slot(struct xdp_md *ctx), the type of a
 * dispatcher slot (the kernel compares the argument's struct by name).
 */
static struct btf *slot_btf(__u32 *func_id)
{
	static const char *const fields[] = {
		"data", "data_end", "data_meta", "ingress_ifindex",
		"rx_queue_index", "egress_ifindex",
	};
	struct btf *btf = btf__new_empty();
	int i_int, i_u32, i_md, i_ptr, i_proto, i_func, err = 0;
	size_t i;

	if (!btf)
		return NULL;
	i_int = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	i_u32 = btf__add_int(btf, "unsigned int", 4, 0);
	i_md = btf__add_struct(btf, "xdp_md", sizeof(fields) / sizeof(fields[0]) * 4);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]) && !err; i++)
		err = btf__add_field(btf, fields[i], i_u32, i * 32, 0);
	i_ptr = btf__add_ptr(btf, i_md);
	i_proto = btf__add_func_proto(btf, i_int);
	if (!err)
		err = btf__add_func_param(btf, "ctx", i_ptr);
	i_func = btf__add_func(btf, SG_DISPATCH_TARGET_FUNC, BTF_FUNC_GLOBAL, i_proto);
	if (err || i_int < 0 || i_u32 < 0 || i_md < 0 || i_ptr < 0 ||
	    i_proto < 0 || i_func < 0 || btf__load_into_kernel(btf)) {
		btf__free(btf);
		return NULL;
	}
	*func_id = i_func;
	return btf;
}

int sg_dispatch_target(void)
{
	/* r0 = XDP_PASS; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_func_info fi = { .insn_off = 0 };
	struct btf *btf;
	int fd, err;

	btf = slot_btf(&fi.type_id);
	if (!btf) {
		err = errno ? -errno : -EINVAL;
		sg_err_errno(err, "cannot load the BTF that libxdp's dispatcher needs",
			     "run with --verbose for libbpf's messages");
		return err;
	}
	{
		/*
		 * BPF_XDP as libbpf loads SEC("xdp") programs, the dispatcher
		 * among them: the kernel moves an extension only between
		 * targets of the type and attach type it was loaded for.
		 */
		LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_btf_fd = btf__fd(btf),
			    .func_info = &fi, .func_info_cnt = 1,
			    .func_info_rec_size = sizeof(fi),
			    .expected_attach_type = BPF_XDP);

		fd = bpf_prog_load(BPF_PROG_TYPE_XDP, SG_DISPATCH_TARGET_FUNC,
				   "Dual BSD/GPL", insns,
				   sizeof(insns) / sizeof(insns[0]), &o);
	}
	err = fd < 0 ? -errno : 0;
	btf__free(btf);		/* the program holds the BTF */
	if (err) {
		sg_err_errno(err, "cannot load the stand-in for libxdp's dispatcher slot",
			     "run with --verbose for libbpf's messages");
		return err;
	}
	return fd;
}

/* ---- joining and leaving ---- */

static void join_error(const char *ifname, int err, __u32 xdp_flags)
{
	err = abs(err);
	if (err == E2BIG)
		sg_err("libxdp's dispatcher on %s is full (it runs at most 10 programs): unload one with xdp-loader first",
		       ifname);
	else if (err == EOPNOTSUPP && (xdp_flags & XDP_FLAGS_DRV_MODE))
		sg_err("cannot attach XDP to %s in native mode through libxdp's dispatcher: the driver may lack native XDP, use --mode generic (libxdp: %s)",
		       ifname, libxdp_reason());
	else if (err == EOPNOTSUPP)
		sg_err("libxdp cannot use its dispatcher on this kernel (Linux %s): it needs freplace programs that can be attached to another program (Linux 5.10) and kernel BTF (libxdp: %s): attach without --dispatcher, on an interface without other XDP programs",
		       sg_kernel_release(), libxdp_reason());
	else if (err == EBUSY || err == EEXIST)
		sg_err("another XDP program took %s without libxdp's dispatcher while sipguard joined it (libxdp: %s): see 'ip link show %s'",
		       ifname, libxdp_reason(), ifname);
	else if (sg_is_perm(err))
		sg_err_perm();
	else
		sg_err("cannot join libxdp's dispatcher on %s: %s (libxdp: %s): run with --verbose for libxdp's messages",
		       ifname, strerror(err), libxdp_reason());
}

int sg_dispatch_join(const char *ifname, int ifindex, int prog_fd,
		     __u32 xdp_flags)
{
	const char *skip = getenv("LIBXDP_SKIP_DISPATCHER");
	struct xdp_program *p;
	int err;

	if (skip && !strcmp(skip, "1")) {
		sg_err("LIBXDP_SKIP_DISPATCHER=1 is set, which tells libxdp to attach without its dispatcher: unset it to attach sipguard beside other programs");
		return -1;
	}
	libxdp_quiet();
	/* priority and chain-call actions from its BTF (sipguard_ext.bpf.c) */
	p = xdp_program__from_fd(prog_fd);
	err = libxdp_get_error(p);
	if (err) {
		sg_err("libxdp cannot take sipguard's XDP program: %s (libxdp: %s)",
		       strerror(abs(err)), libxdp_reason());
		return -1;
	}
	if (xdp_program__run_prio(p) != SG_XDP_PRIO ||
	    !xdp_program__chain_call_enabled(p, XDP_PASS)) {
		sg_err("libxdp did not find the run config of sipguard's XDP program (priority %u, not %d): this sipguard was built wrong",
		       xdp_program__run_prio(p), SG_XDP_PRIO);
		xdp_program__close(p);
		return -1;
	}
	err = xdp_program__attach(p, ifindex, libxdp_mode(xdp_flags), 0);
	xdp_program__close(p);
	if (err) {
		join_error(ifname, err, xdp_flags);
		return -1;
	}
	return 0;
}

int sg_dispatch_leave(const char *ifname, int ifindex, int prog_fd)
{
	struct xdp_program *p;
	int err;

	libxdp_quiet();
	p = xdp_program__from_fd(prog_fd);
	err = libxdp_get_error(p);
	if (!err) {
		err = xdp_program__detach(p, ifindex, XDP_MODE_UNSPEC, 0);
		xdp_program__close(p);
	}
	if (err) {
		sg_err("cannot take sipguard out of libxdp's dispatcher on %s: %s (libxdp: %s): see 'xdp-loader status %s'",
		       ifname, strerror(abs(err)), libxdp_reason(), ifname);
		return -1;
	}
	return 0;
}
