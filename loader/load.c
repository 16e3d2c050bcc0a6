// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Loading the BPF object, and saying why the kernel refused it.  Each
 * program gets a verifier log buffer of its own, so that a refusal shows
 * the end of the log of the program that was refused (all of it with
 * --verbose).  See load.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "env.h"
#include "load.h"
#include "pins.h"
#include "sipguard.skel.h"
#include "sipguard_ct.skel.h"
#include "sipguard_ct_ext.skel.h"
#include "sipguard_ext.skel.h"

/*
 * The conntrack variant calls the bpf_xdp_ct_lookup kfunc: libbpf finds it
 * in the kernel's BTF, and the kernel must have netfilter conntrack's BPF
 * functions (Linux 5.18, CONFIG_NF_CONNTRACK, built in or loaded).
 * SIPGUARD_VMLINUX_BTF names another BTF file, for tests.
 */
int sg_conntrack_usable(void)
{
	const char *path = getenv("SIPGUARD_VMLINUX_BTF");
	struct btf *btf;
	int id;

	if (!path || !*path)
		path = "/sys/kernel/btf/vmlinux";
	if (access(path, R_OK)) {
		sg_err("--conntrack needs kernel BTF (%s), which this kernel lacks: build it with CONFIG_DEBUG_INFO_BTF, or attach without --conntrack (flows are then learned by the TC program only)",
		       path);
		return -1;
	}
	btf = btf__parse(path, NULL);
	if (!btf) {
		sg_err("--conntrack: cannot read kernel BTF %s: %s: attach without --conntrack",
		       path, strerror(errno));
		return -1;
	}
	id = btf__find_by_name_kind(btf, "bpf_xdp_ct_lookup", BTF_KIND_FUNC);
	if (id < 0) {
		/* conntrack built as a module: its kfuncs are in its own BTF */
		struct btf *mod = btf__parse_split("/sys/kernel/btf/nf_conntrack", btf);

		if (mod) {
			id = btf__find_by_name_kind(mod, "bpf_xdp_ct_lookup", BTF_KIND_FUNC);
			btf__free(mod);
		}
	}
	btf__free(btf);
	if (id < 0) {
		sg_err("--conntrack: this kernel has no bpf_xdp_ct_lookup (it needs Linux 5.18 with netfilter conntrack, CONFIG_NF_CONNTRACK, built in or its module loaded): load nf_conntrack or attach without --conntrack");
		return -1;
	}
	return 0;
}

/*
 * Open the default object, or a variant: with CONNTRACK the one built with
 * SG_CONNTRACK, with EXTENSION the one built with SG_EXTENSION (for
 * libxdp's dispatcher), or both.  The same source, so their maps,
 * programs and globals match the skeleton's name for name and the
 * skeleton can hold any of them.
 */
static struct sipguard_bpf *skel_open(bool conntrack, bool extension)
{
	struct sipguard_bpf *obj = calloc(1, sizeof(*obj));
	const void *elf = NULL;
	size_t sz;
	int err;

	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	err = sipguard_bpf__create_skeleton(obj);
	if (conntrack && extension)
		elf = sipguard_ct_ext_bpf__elf_bytes(&sz);
	else if (conntrack)
		elf = sipguard_ct_bpf__elf_bytes(&sz);
	else if (extension)
		elf = sipguard_ext_bpf__elf_bytes(&sz);
	if (!err && elf) {
		obj->skeleton->data = (void *)elf;
		obj->skeleton->data_sz = sz;
	}
	if (!err)
		err = bpf_object__open_skeleton(obj->skeleton, NULL);
	if (err) {
		sipguard_bpf__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif

#define LOG_TAIL_LINES	15		/* of the verifier log, without --verbose */
#define LOG_SIZE_FIRST	(1u << 20)	/* per program; grown when the log is cut */
#define LOG_SIZE_MAX	(64u << 20)
#define MAX_PROGS	8

/*
 * Each program gets a verifier log buffer of its own.  libbpf loads a
 * program without a log first and, when the kernel refuses it, again with
 * log level 1 into this buffer, so a non-empty buffer marks the program
 * the kernel refused (libbpf stops at the first).
 */
struct prog_log {
	struct bpf_program *prog;
	char *buf;
};

/* libbpf writes into the buffers only while it loads the object. */
static void free_logs(struct prog_log *logs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(logs[i].buf);
}

/* Print LOG on standard error: all of it with --verbose, else its end. */
static void print_verifier_log(const char *log, const char *ifname)
{
	const char *p, *start = log;
	size_t len = strlen(log);
	int lines = 0, skip;

	while (len && log[len - 1] == '\n')
		len--;
	for (p = log; p < log + len; p++)
		lines += *p == '\n';
	lines++;
	if (sg_env.verbose) {
		fprintf(stderr, "The verifier log (%d lines):\n", lines);
	} else {
		skip = lines > LOG_TAIL_LINES ? lines - LOG_TAIL_LINES : 0;
		for (p = log; skip && p < log + len; p++)
			if (*p == '\n' && !--skip)
				start = p + 1;
		if (lines > LOG_TAIL_LINES)
			fprintf(stderr, "The last %d of the verifier log's %d lines ('sipguard --verbose attach %s' shows all):\n",
				LOG_TAIL_LINES, lines, ifname);
		else
			fprintf(stderr, "The verifier log:\n");
	}
	while (start < log + len) {
		p = memchr(start, '\n', log + len - start);
		if (!p)
			p = log + len;
		fprintf(stderr, "  %.*s\n", (int)(p - start), start);
		start = p + 1;
	}
}

/* What to do about a verifier rejection, from its log and our rights. */
static void verifier_hint(const char *log, char *hint, size_t len)
{
	if ((strstr(log, "non-JITed") || strstr(log, "JIT is required")) &&
	    access("/proc/sys/net/core/bpf_jit_enable", F_OK))
		snprintf(hint, len, "this kernel runs BPF programs without its JIT compiler, which sipguard's programs need, and has none: it was built without CONFIG_BPF_JIT for %s (Debian's s390x kernels are: the s390x JIT needs a z196 or later, and they are built for z10); use a kernel with the JIT",
			 sg_machine());
	else if (strstr(log, "non-JITed"))
		snprintf(hint, len, "this kernel runs BPF programs without its JIT compiler, which sipguard's programs need: set the sysctl net.core.bpf_jit_enable=1 (the kernel needs CONFIG_BPF_JIT for %s)",
			 sg_machine());
	else if (strstr(log, "btf_vmlinux is malformed"))
		snprintf(hint, len, "this kernel has no BTF of its own (CONFIG_DEBUG_INFO_BTF, /sys/kernel/btf/vmlinux), without which its verifier cannot check sipguard's global functions that take the packet's context: use a kernel built with BTF");
	else if (strstr(log, "tail_calls are not allowed in programs with bpf-to-bpf calls") ||
		 strstr(log, "mixing of tail_calls and bpf-to-bpf calls is not supported"))
		snprintf(hint, len, "this kernel's BPF JIT for %s cannot combine tail calls with BPF-to-BPF calls, and sipguard's XDP program has both (x86-64 kernels can from Linux 5.10, arm64 from 6.0): use a newer kernel",
			 sg_machine());
	else if (strstr(log, "invalid func unknown#") || strstr(log, "unknown func "))
		snprintf(hint, len, "this kernel lacks a BPF helper function that the program calls (named in the log): use a newer kernel");
	else if (!sg_have_cap(CAP_PERFMON) && !sg_have_cap(CAP_SYS_ADMIN))
		snprintf(hint, len, "this process lacks CAP_PERFMON (and CAP_SYS_ADMIN), without which the verifier refuses the pointer arithmetic sipguard's programs do: run as root, or add CAP_PERFMON");
	else
		snprintf(hint, len, "this sipguard's programs do not pass this kernel's verifier (sipguard is verified on Linux 6.1 and later): report it with the whole log ('sipguard --verbose attach IFACE')");
}

/*
 * A pinned map that libbpf cannot reuse because its type, key or value
 * size, size or flags differ from ours: pins of another sipguard version.
 * The same comparison as libbpf's.  Writes what differs into MSG.
 */
static bool pinned_map_mismatch(struct bpf_object *obj, char *msg, size_t len)
{
	struct bpf_map_info info;
	struct bpf_map *map;
	const char *path, *said;
	__u32 ilen;
	size_t i;
	int fd;

	bpf_object__for_each_map(map, obj) {
		path = bpf_map__pin_path(map);
		if (!path)
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		ilen = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
			close(fd);
			continue;
		}
		close(fd);
		/* in libbpf's order; the first that differs is named */
		const struct {
			const char *what;
			__u32 pinned, ours;
		} f[] = {
			{ "type", info.type, bpf_map__type(map) },
			{ "key size", info.key_size, bpf_map__key_size(map) },
			{ "value size", info.value_size, bpf_map__value_size(map) },
			{ "size", info.max_entries, bpf_map__max_entries(map) },
			{ "flags", info.map_flags, bpf_map__map_flags(map) },
		};
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (f[i].pinned == f[i].ours)
				continue;
			snprintf(msg, len, "the pinned map %s does not match this sipguard's (its %s is %u, this sipguard's %u)",
				 path, f[i].what, f[i].pinned, f[i].ours);
			return true;
		}
	}
	/* libbpf's word for it, should its comparison differ from ours */
	for (i = 0; (said = sg_libbpf_said(i)); i++) {
		if (strstr(said, "couldn't reuse pinned map")) {
			snprintf(msg, len, "a pinned map does not match this sipguard's (libbpf: %s)",
				 said);
			return true;
		}
	}
	return false;
}

/* A map or program type of the object that this kernel does not have. */
static bool missing_type(struct bpf_object *obj, char *msg, size_t len)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	const char *t;

	bpf_object__for_each_map(map, obj) {
		if (libbpf_probe_bpf_map_type(bpf_map__type(map), NULL) == 0) {
			t = libbpf_bpf_map_type_str(bpf_map__type(map));
			snprintf(msg, len, "the BPF map type %s, which map %s needs",
				 t ? t : "?", bpf_map__name(map));
			return true;
		}
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (libbpf_probe_bpf_prog_type(bpf_program__type(prog), NULL) == 0) {
			t = libbpf_bpf_prog_type_str(bpf_program__type(prog));
			snprintf(msg, len, "the BPF program type %s, which program %s needs",
				 t ? t : "?", bpf_program__name(prog));
			return true;
		}
	}
	return false;
}

/* The program libbpf's warnings name ("prog 'NAME': ..."), or NULL. */
static const char *libbpf_named_prog(char *buf, size_t len)
{
	const char *s, *end;
	unsigned int i;

	for (i = 0; (s = sg_libbpf_said(i)); i++) {
		if (strncmp(s, "prog '", 6))
			continue;
		end = strchr(s + 6, '\'');
		if (!end || end == s + 6 || (size_t)(end - s - 6) >= len)
			continue;
		snprintf(buf, len, "%.*s", (int)(end - s - 6), s + 6);
		return buf;
	}
	return NULL;
}

/* libbpf's last warning that says more than "failed to load". */
static const char *libbpf_reason(void)
{
	const char *s, *found = "nothing";
	unsigned int i;

	for (i = 0; (s = sg_libbpf_said(i)); i++)
		if (strncmp(s, "failed to load", 14) && !strstr(s, "': failed to load: -"))
			found = s;
	return found;
}

static void report_load_failure(struct sipguard_bpf *skel, int err,
				const struct prog_log *failed, size_t log_size,
				const char *ifname)
{
	const char *rel = sg_kernel_release();
	char msg[640], name[64];

	err = abs(err);
	if (failed) {
		const char *prog = bpf_program__name(failed->prog);

		if (err == EPERM) {
			sg_err("not permitted: the kernel refused to load program %s: %s: run as root (or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN); see the log for what else forbids it",
			       prog, strerror(err));
		} else {
			verifier_hint(failed->buf, msg, sizeof(msg));
			if (err == ENOSPC)	/* the log was cut: no errno */
				sg_err("the kernel's verifier (Linux %s) rejected program %s, with a log longer than %zu KiB (only part of it is shown): %s",
				       rel, prog, log_size >> 10, msg);
			else
				sg_err("the kernel's verifier (Linux %s) rejected program %s: %s: %s",
				       rel, prog, strerror(err), msg);
		}
		print_verifier_log(failed->buf, ifname);
		return;
	}
	if (err == EINVAL && pinned_map_mismatch(skel->obj, msg, sizeof(msg))) {
		sg_err("%s: it was pinned by another sipguard version: detach every interface ('sipguard status' lists them) and attach again",
		       msg);
		return;
	}
	if (err == EPERM) {
		sg_err("not permitted: the kernel refused sipguard's BPF object (libbpf: %s): run as root (or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN); a seccomp filter or kernel lockdown can forbid BPF too",
		       libbpf_reason());
		return;
	}
	if (missing_type(skel->obj, msg, sizeof(msg))) {
		sg_err("this kernel (Linux %s) lacks %s: use a kernel with it (sipguard is built for Linux %d.%d and later)",
		       rel, msg, SG_KERNEL_MIN_MAJOR, SG_KERNEL_MIN_MINOR);
		return;
	}
	if (libbpf_named_prog(name, sizeof(name))) {
		sg_err("the kernel (Linux %s) refused program %s: %s, without a verifier log (libbpf: %s): run with --verbose for libbpf's messages",
		       rel, name, strerror(err), libbpf_reason());
		return;
	}
	sg_err("cannot load the BPF programs: %s (libbpf: %s): %s",
	       strerror(err), libbpf_reason(), err == ENOMEM ?
	       "the maps need more memory than the kernel gives (they count against this process's memory cgroup): free memory or raise the limit" :
	       "run with --verbose for libbpf's messages");
}

/*
 * Open the object, set it up as R says, and load it.  NULL after an error
 * that names the cause: the verifier's rejection of a program with the
 * end of its log, pins of another version, a missing kernel feature.
 */
/*
 * The allowlist's capacity: what its pinned map was created with, or on
 * a first attach MAX (0: SG_ALLOW_MAX).  A trie without preallocation:
 * the capacity costs nothing until prefixes fill it.
 */
static int allow_capacity(struct sipguard_bpf *skel, __u32 max)
{
	struct bpf_map *map = skel->maps.sg_allow;
	const char *path = bpf_map__pin_path(map);
	int fd = path ? bpf_obj_get(path) : -1;
	__u32 pinned;

	if (fd < 0)
		return bpf_map__set_max_entries(map, max ?: SG_ALLOW_MAX);
	pinned = sg_map_max(fd);
	close(fd);
	if (!pinned)
		return 0;
	if (max && max != pinned) {
		sg_err("the allowlist pinned at %s holds at most %u prefixes: max-entries = %u takes effect when it is created, at the first attach (detach every interface, then attach)",
		       path, pinned, max);
		return -1;
	}
	return bpf_map__set_max_entries(map, pinned);
}

struct sipguard_bpf *sg_load(const struct sg_load_req *r)
{
	struct prog_log logs[MAX_PROGS], *failed;
	struct sipguard_bpf *skel;
	struct bpf_program *prog;
	size_t log_size = LOG_SIZE_FIRST;
	int n, i, err;

	for (;;) {
		skel = skel_open(r->conntrack, r->xdp_target_fd > 0);
		if (!skel) {
			sg_err_errno(errno, "cannot open the BPF object",
				     "run with --verbose for libbpf's log");
			return NULL;
		}
		skel->rodata->sg_if_flags = r->if_flags;
		err = sg_pins_set(skel->obj, r->ifname);
		if (err) {
			sg_err_errno(err, "cannot set the pin paths", "use a shorter --pin-path");
			sipguard_bpf__destroy(skel);
			return NULL;
		}
		if (allow_capacity(skel, r->allow_max)) {
			sipguard_bpf__destroy(skel);
			return NULL;
		}
		if (!r->l7)
			bpf_program__set_autoload(skel->progs.sipguard_l7, false);
		if (!r->learn)
			bpf_program__set_autoload(skel->progs.sipguard_learn, false);
		if (r->xdp_target_fd > 0) {
			prog = skel->progs.sipguard_xdp;
			bpf_program__set_type(prog, BPF_PROG_TYPE_EXT);
			bpf_program__set_expected_attach_type(prog, 0);
			err = bpf_program__set_attach_target(prog, r->xdp_target_fd,
							     r->xdp_target_func);
			if (err) {
				sg_err_errno(err, "cannot load the XDP program for libxdp's dispatcher",
					     "run with --verbose for libbpf's messages");
				sipguard_bpf__destroy(skel);
				return NULL;
			}
		}

		n = 0;
		bpf_object__for_each_program(prog, skel->obj) {
			if (!bpf_program__autoload(prog) || n == MAX_PROGS)
				continue;
			logs[n].buf = malloc(log_size);
			if (!logs[n].buf)
				continue;	/* then libbpf keeps the log */
			logs[n].buf[0] = '\0';
			logs[n].prog = prog;
			bpf_program__set_log_buf(prog, logs[n].buf, log_size);
			n++;
		}
		sg_libbpf_said_reset();
		err = sipguard_bpf__load(skel);
		if (!err) {
			free_logs(logs, n);
			return skel;
		}
		for (failed = NULL, i = 0; i < n && !failed; i++)
			if (logs[i].buf[0])
				failed = &logs[i];
		/* a log that did not fit: the kernel says ENOSPC, not why */
		if (failed && err == -ENOSPC && log_size < LOG_SIZE_MAX) {
			free_logs(logs, n);
			sipguard_bpf__destroy(skel);
			log_size *= 8;
			continue;
		}
		report_load_failure(skel, err, failed, log_size, r->ifname);
		free_logs(logs, n);
		sipguard_bpf__destroy(skel);
		return NULL;
	}
}
