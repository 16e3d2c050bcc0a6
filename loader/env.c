// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Probes of the environment: privileges, the kernel (release, features,
 * the layer-7 helpers), the bpffs under the pin path, interface names.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "env.h"
#include "pins.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool sg_have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	return data[cap / 32].effective & (1u << (cap % 32));
}

int sg_need_privileges(bool net_admin)
{
	bool bpf = sg_have_cap(CAP_BPF) || sg_have_cap(CAP_SYS_ADMIN);

	if (!bpf || (net_admin && !sg_have_cap(CAP_NET_ADMIN))) {
		sg_err_perm();
		return -1;
	}
	return 0;
}

/*
 * Features of the kernel sipguard relies on, oldest first.  The message for
 * a kernel below the minimum names the newest one it lacks.
 */
static const struct {
	int major, minor;
	const char *feature;
} sg_kernel_features[] = {
	{ 4, 20, "BPF LRU and LPM-trie maps without preallocation" },
	{ 5, 6,  "global BPF functions (the SIP classifier)" },
	{ 5, 9,  "XDP bpf_link" },
	{ 5, 11, "bpf_ktime_get_coarse_ns (the clock of flows and bans)" },
	{ 5, 12, "global BPF functions with pointer arguments (the flow table's)" },
	{ SG_KERNEL_MIN_MAJOR, SG_KERNEL_MIN_MINOR,
	  "the oldest kernel sipguard is built for" },
};

const char *sg_kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		snprintf(u.release, sizeof(u.release), "(unknown release)");
	return u.release;
}

const char *sg_machine(void)
{
	static struct utsname u;

	if (!u.machine[0] && uname(&u))
		snprintf(u.machine, sizeof(u.machine), "this architecture");
	return u.machine;
}

int sg_check_kernel(void)
{
	const size_t n = sizeof(sg_kernel_features) / sizeof(sg_kernel_features[0]);
	const char *rel = getenv("SIPGUARD_KERNEL_RELEASE");
	int major, minor, m, v;
	struct utsname u;
	size_t i;

	if (!rel || !*rel) {
		if (uname(&u))
			return 0;
		rel = u.release;
	}
	if (sscanf(rel, "%d.%d", &major, &minor) != 2)
		return 0;	/* unknown format: let the kernel decide */
	if (major > SG_KERNEL_MIN_MAJOR ||
	    (major == SG_KERNEL_MIN_MAJOR && minor >= SG_KERNEL_MIN_MINOR))
		return 0;

	/* Name the newest real feature the kernel lacks, if any. */
	for (i = n - 1; i-- > 0;) {
		m = sg_kernel_features[i].major;
		v = sg_kernel_features[i].minor;
		if (major < m || (major == m && minor < v)) {
			sg_err("kernel %s is too old: %s needs Linux %d.%d, sipguard needs %d.%d or later: upgrade the kernel",
			       rel, sg_kernel_features[i].feature, m, v,
			       SG_KERNEL_MIN_MAJOR, SG_KERNEL_MIN_MINOR);
			return -1;
		}
	}
	sg_err("kernel %s is too old: sipguard needs Linux %d.%d or later (%s): upgrade the kernel",
	       rel, SG_KERNEL_MIN_MAJOR, SG_KERNEL_MIN_MINOR,
	       sg_kernel_features[n - 1].feature);
	return -1;
}

int sg_mkdir_p(const char *path)
{
	char buf[SG_PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool under_bpffs_root(const char *path)
{
	size_t n = strlen(SG_BPFFS_ROOT);

	return !strncmp(path, SG_BPFFS_ROOT, n) &&
	       (path[n] == '\0' || path[n] == '/');
}

/*
 * The pin directory must live on a bpffs.  Look at the nearest existing
 * ancestor of it; if that is no bpffs and the directory belongs under
 * /sys/fs/bpf, mount one there (a fresh system, a container).
 */
int sg_ensure_bpffs(void)
{
	char buf[SG_PATH_MAX];
	struct statfs st;
	char *slash;

	snprintf(buf, sizeof(buf), "%s", sg_env.pin);
	while (statfs(buf, &st)) {
		if (errno != ENOENT && errno != ENOTDIR) {
			sg_err_errno(errno, "cannot examine the pin path",
				     "check --pin-path");
			return -1;
		}
		slash = strrchr(buf, '/');
		if (!slash)
			break;
		if (slash == buf) {
			buf[1] = '\0';
			if (statfs(buf, &st))
				return -1;
			break;
		}
		*slash = '\0';
	}
	if ((unsigned long)st.f_type == BPF_FS_MAGIC)
		return 0;
	if (!under_bpffs_root(sg_env.pin)) {
		sg_err("pin path %s is not on a bpffs: choose a directory under %s (or mount -t bpf bpf on its parent)",
		       sg_env.pin, SG_BPFFS_ROOT);
		return -1;
	}
	if (mkdir(SG_BPFFS_ROOT, 0700) && errno != EEXIST) {
		sg_err("bpffs not mountable at %s: %s: mount -t bpf bpf %s",
		       SG_BPFFS_ROOT, strerror(errno), SG_BPFFS_ROOT);
		return -1;
	}
	if (mount("bpf", SG_BPFFS_ROOT, "bpf", 0, "mode=0700")) {
		sg_err("bpffs not mountable at %s: %s: mount -t bpf bpf %s",
		       SG_BPFFS_ROOT, strerror(errno), SG_BPFFS_ROOT);
		return -1;
	}
	return 0;
}

int sg_check_ifname(const char *ifname)
{
	const char *p;

	if (!*ifname || strlen(ifname) >= IF_NAMESIZE) {
		sg_err("invalid interface name '%s': it must have 1 to %d characters",
		       ifname, IF_NAMESIZE - 1);
		return -1;
	}
	for (p = ifname; *p; p++) {
		if (*p == '/' || isspace((unsigned char)*p) || *p == ':') {
			sg_err("invalid interface name '%s': check the name with 'ip link'",
			       ifname);
			return -1;
		}
	}
	return 0;
}

int sg_ifindex(const char *ifname, bool report)
{
	unsigned int idx;

	if (sg_check_ifname(ifname))
		return 0;
	idx = if_nametoindex(ifname);
	if (!idx && report)
		sg_err("interface %s not found: check the name with 'ip link' (in the interface's network namespace)",
		       ifname);
	return idx;
}

bool sg_l7_supported(void)
{
#ifdef SG_NO_L7
	return false;	/* built without them (make NO_L7=1) */
#else
	const char *off = getenv("SIPGUARD_NO_L7");

	if (off && *off && strcmp(off, "0"))
		return false;
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_loop, NULL) > 0 &&
	       libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_load_bytes,
				       NULL) > 0;
#endif
}

const char *sg_l7_missing(bool brief)
{
#ifdef SG_NO_L7
	return brief ? "this sipguard is built without them" :
		       "this sipguard is built without them (make NO_L7=1, for kernels that cannot mix BPF tail calls with BPF-to-BPF calls)";
#else
	return brief ? "they need Linux 5.18" :
		       "they need Linux 5.18 or later (bpf_loop, bpf_xdp_load_bytes), which this kernel lacks";
#endif
}

/* The rules go in, but interfaces in libxdp's dispatcher do not run them. */
static void warn_no_l7_here(const char *what)
{
	struct sg_iface_meta meta;
	char **names;
	int i, n;

	n = sg_list_ifaces(&names);
	for (i = 0; i < n; i++)
		if (!sg_iface_meta_read(names[i], &meta) &&
		    (meta.flags & SG_META_DISPATCHER))
			fprintf(stderr, "Warning: %s runs sipguard in libxdp's dispatcher, where the layer-7 rules do not run (the kernel refuses their tail call there): %s applies on the other interfaces only\n",
				names[i], what);
	if (n > 0)
		sg_free_names(names, n);
}

int sg_need_l7(const char *what)
{
	if (sg_l7_supported()) {
		warn_no_l7_here(what);
		return 0;
	}
	sg_err("%s needs the layer-7 checks: %s, so the rule would never match; nothing changed",
	       what, sg_l7_missing(false));
	return -1;
}
