// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The layer under every sipguard command: one-line error messages, the
 * command-table dispatcher, privilege / kernel / bpffs checks, the pin
 * layout, the pinned shared maps, and the parsing and printing of
 * addresses, prefixes and ports.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "common.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct sg_env sg_env = {
	.pin = SG_PIN_DEFAULT,
};

/* ---- errors ---- */

void sg_err(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int sg_usage(const char *cmd, const char *fmt, ...)
{
	const char *syn = sg_cmd_synopsis(cmd);
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (syn) {
		fprintf(stderr, ": usage: sipguard %s ", cmd);
		for (; *syn; syn++) {
			if (*syn == '\n')
				fprintf(stderr, " | %s ", cmd);
			else
				fputc(*syn, stderr);
		}
	} else {
		fputs(": see 'sipguard help'", stderr);
	}
	fputc('\n', stderr);
	return SG_EXIT_USAGE;
}

/*
 * libbpf's last warnings, kept also when they are not shown, so that an
 * error message can quote the one that names the cause.
 */
#define SG_LIBBPF_KEEP	8
static char libbpf_said[SG_LIBBPF_KEEP][320];
static unsigned int libbpf_said_n;

int sg_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		char *s = libbpf_said[libbpf_said_n++ % SG_LIBBPF_KEEP];
		size_t n;
		va_list cp;

		va_copy(cp, ap);
		vsnprintf(s, sizeof(libbpf_said[0]), fmt, cp);
		va_end(cp);
		if (!strncmp(s, "libbpf: ", 8))
			memmove(s, s + 8, strlen(s + 8) + 1);
		n = strlen(s);
		while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
			s[--n] = '\0';
	}
	if (!sg_env.verbose || (level == LIBBPF_DEBUG && sg_env.verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void sg_libbpf_said_reset(void)
{
	libbpf_said_n = 0;
}

const char *sg_libbpf_said(unsigned int i)
{
	unsigned int first = libbpf_said_n > SG_LIBBPF_KEEP ?
			     libbpf_said_n - SG_LIBBPF_KEEP : 0;

	if (first + i >= libbpf_said_n)
		return NULL;
	return libbpf_said[(first + i) % SG_LIBBPF_KEEP];
}

bool sg_is_perm(int err)
{
	err = abs(err);
	return err == EPERM || err == EACCES;
}

void sg_err_perm(void)
{
	sg_err("not permitted: run as root (or with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)");
}

void sg_err_errno(int err, const char *what, const char *todo)
{
	if (sg_is_perm(err)) {
		sg_err_perm();
		return;
	}
	sg_err("%s: %s: %s", what, strerror(abs(err)), todo);
}

/* ---- the command table ---- */

int sg_dispatch(const struct sg_cmd *cmds, const char *what, int argc,
		char **argv)
{
	const struct sg_cmd *c, *found = NULL;
	size_t len = strlen(argv[0]);
	int matches = 0;

	for (c = cmds; c->name; c++) {
		if (!strcmp(c->name, argv[0])) {
			found = c;
			matches = 1;
			break;
		}
		/* Aliases of one function are one match. */
		if (len && !strncmp(c->name, argv[0], len) &&
		    (!found || found->func != c->func)) {
			found = c;
			matches++;
		}
	}
	if (!matches && len && !strncmp("help", argv[0], len)) {
		/* a table without a help entry of its own: list it */
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "%s ", what);
		printf("Usage:\n");
		sg_print_cmds(stdout, cmds, prefix);
		return SG_EXIT_OK;
	}
	if (!matches) {
		sg_err("unknown command '%s' for %s: see '%s help'", argv[0],
		       what, what);
		return SG_EXIT_USAGE;
	}
	if (matches > 1) {
		fprintf(stderr, "Error: ambiguous command '%s' for %s (", argv[0],
			what);
		for (c = cmds, matches = 0; c->name; c++)
			if (c->help && !strncmp(c->name, argv[0], len))
				fprintf(stderr, "%s%s", matches++ ? ", " : "",
					c->name);
		fputs("): type more letters\n", stderr);
		return SG_EXIT_USAGE;
	}
	return found->func(argc, argv);
}

void sg_print_cmds(FILE *f, const struct sg_cmd *cmds, const char *prefix)
{
	const struct sg_cmd *c;
	const char *s;

	for (c = cmds; c->name; c++) {
		if (!c->help)
			continue;
		fprintf(f, "  %s%s", prefix, c->name);
		for (s = c->args; s && *s; s++) {
			if (s == c->args)
				fputc(' ', f);
			if (*s == '\n')
				fprintf(f, "\n  %s%s ", prefix, c->name);
			else
				fputc(*s, f);
		}
		fprintf(f, "\n        %s\n", c->help);
	}
}

#define SG_MAX_OPTS 16

int sg_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
	      const struct option *extra, sg_opt_cb cb, void *ctx)
{
	static const struct option std[] = {
		{ "json",   no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help",   no_argument, NULL, 'h' },
	};
	struct option opts[SG_MAX_OPTS + 4] = {};
	char sopts[64];
	int n = 0, i, c;

	for (; extra && extra[n].name && n < SG_MAX_OPTS; n++)
		opts[n] = extra[n];
	for (i = 0; i < 3; i++)
		opts[n++] = std[i];
	snprintf(sopts, sizeof(sopts), ":%sjph", shortopts ? shortopts : "");

	opterr = 0;
	optind = 0;	/* glibc: full re-initialisation */
	while ((c = getopt_long(argc, argv, sopts, opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			sg_env.json = true;
			break;
		case 'p':
			sg_env.json = sg_env.pretty = true;
			break;
		case 'h': {
			const char *s = sg_cmd_synopsis(cmd);

			printf("Usage: sipguard %s ", cmd);
			for (; s && *s; s++) {
				if (*s == '\n')
					printf("\n       sipguard %s ", cmd);
				else
					putchar(*s);
			}
			putchar('\n');
			exit(SG_EXIT_OK);
		}
		case ':':
			sg_usage(cmd, "option '%s' needs a value",
				 argv[optind - 1]);
			return -1;
		case '?':
			if (optopt)
				sg_usage(cmd, "unknown option '-%c'", optopt);
			else
				sg_usage(cmd, "unknown option '%s'",
					 argv[optind - 1]);
			return -1;
		default:
			if (!cb || cb(c, optarg, ctx))
				return -1;
		}
	}
	return optind;
}

/* ---- environment checks ---- */

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
	{ 5, 13, "bpf_for_each_map_elem (the learner's eviction of the oldest flow)" },
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

/* ---- pin layout ---- */

void sg_pin_file(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", sg_env.pin, name);
}

/*
 * An interface's name as a bpffs directory name and back.  bpffs refuses
 * names with a dot, which VLAN sub-interfaces have (eth0.100): a dot is
 * kept as ':', which no interface name can hold.
 */
static void iface_pin_name(char *out, size_t len, const char *ifname, char from,
			   char to)
{
	size_t i;

	for (i = 0; i + 1 < len && ifname[i]; i++)
		out[i] = ifname[i] == from ? to : ifname[i];
	if (len)
		out[i] = 0;
}

void sg_iface_dir(char *buf, size_t len, const char *ifname)
{
	char n[64];

	iface_pin_name(n, sizeof(n), ifname, '.', ':');
	snprintf(buf, len, "%s/" SG_IFACE_DIR_PREFIX "%s", sg_env.pin, n);
}

void sg_iface_file(char *buf, size_t len, const char *ifname, const char *name)
{
	char n[64];

	iface_pin_name(n, sizeof(n), ifname, '.', ':');
	snprintf(buf, len, "%s/" SG_IFACE_DIR_PREFIX "%s/%s", sg_env.pin,
		 n, name);
}

bool sg_path_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sg_list_ifaces(char ***names)
{
	size_t plen = strlen(SG_IFACE_DIR_PREFIX);
	char **v = NULL, **nv;
	struct dirent *de;
	int n = 0;
	DIR *d;

	*names = NULL;
	d = opendir(sg_env.pin);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, SG_IFACE_DIR_PREFIX, plen) ||
		    !de->d_name[plen])
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n] = strdup(de->d_name + plen);
		if (!v[n])
			break;
		iface_pin_name(v[n], strlen(v[n]) + 1, de->d_name + plen, ':', '.');
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	return n;
}

void sg_free_names(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- the shared pinned maps ---- */

static int open_pinned(const char *name)
{
	char path[SG_PATH_MAX];

	sg_pin_file(path, sizeof(path), name);
	return bpf_obj_get(path);
}

/* The shared maps of struct sg_maps, in its field order. */
static const char *const shared_maps[] = {
	SG_MAP_ALLOW, SG_MAP_FLOWS, SG_MAP_FRAGS, SG_MAP_CONFIG,
	SG_MAP_DENY, SG_MAP_BANS, SG_MAP_USERS, SG_MAP_UA, SG_MAP_ALLOWBITS,
};

static int *map_fd(struct sg_maps *m, size_t i)
{
	int *fds[] = { &m->allow, &m->flows, &m->frags, &m->config,
		       &m->deny, &m->bans, &m->users, &m->ua, &m->allowbits };

	return fds[i];
}

#define N_SHARED_MAPS	(sizeof(shared_maps) / sizeof(shared_maps[0]))

int sg_maps_open(struct sg_maps *m)
{
	char path[SG_PATH_MAX];
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < N_SHARED_MAPS; i++)
		*map_fd(m, i) = -1;
	sg_pin_file(path, sizeof(path), SG_MAP_CONFIG);
	if (stat(path, &st)) {
		if (sg_is_perm(errno)) {
			sg_err_perm();
			return -1;
		}
		sg_err("sipguard is not attached (nothing pinned under %s): run 'sipguard attach IFACE' first",
		       sg_env.pin);
		return -1;
	}
	for (i = 0; i < N_SHARED_MAPS; i++) {
		fd = open_pinned(shared_maps[i]);
		if (fd < 0) {
			sg_pin_file(path, sizeof(path), shared_maps[i]);
			sg_err_errno(fd, path,
				     "detach and attach again to repair the pins");
			sg_maps_close(m);
			return -1;
		}
		*map_fd(m, i) = fd;
	}
	return 0;
}

void sg_maps_close(struct sg_maps *m)
{
	size_t i;

	for (i = 0; i < N_SHARED_MAPS; i++) {
		if (*map_fd(m, i) >= 0)
			close(*map_fd(m, i));
		*map_fd(m, i) = -1;
	}
}

int sg_config_flag_if_any(const struct sg_maps *m, int fd, size_t key_size,
			  __u32 flag)
{
	struct sg_config cfg;
	__u8 key[64];
	bool any;
	int err;

	if (key_size > sizeof(key))
		return -1;
	any = !bpf_map_get_next_key(fd, NULL, key);
	err = sg_config_get(m->config, &cfg);
	if (!err) {
		if (any)
			cfg.flags |= flag;
		else
			cfg.flags &= ~flag;
		err = sg_config_set(m->config, &cfg);
	}
	if (err)
		sg_err_errno(err, "cannot update the settings", "detach and attach again");
	return err ? -1 : 0;
}

void sg_config_defaults(struct sg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->flow_timeout_s = SG_DEFAULT_FLOW_TIMEOUT;
	cfg->ban_time_s = SG_DEFAULT_BAN_TIME;
	cfg->event_rate = SG_DEFAULT_EVENT_RATE;
	cfg->event_burst = SG_DEFAULT_EVENT_BURST;
}

int sg_config_get(int fd, struct sg_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, cfg))
		return -errno;
	return 0;
}

int sg_config_set(int fd, const struct sg_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, cfg, BPF_ANY))
		return -errno;
	return 0;
}

long sg_map_count(int fd, size_t key_size)
{
	unsigned char key[64], next[64];
	long n = 0;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return errno == ENOENT ? n : -errno;
}

/* ---- addresses, prefixes, ports ---- */

void sg_addr_from_v4(struct sg_addr *a, const void *in4)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(&a->b[12], in4, 4);
}

bool sg_addr_is_v4(const struct sg_addr *a)
{
	static const __u8 pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->b, pfx, sizeof(pfx));
}

int sg_parse_addr(const char *s, struct sg_addr *a, bool *is_v4)
{
	struct in_addr in4;

	if (inet_pton(AF_INET, s, &in4) == 1) {
		sg_addr_from_v4(a, &in4);
		*is_v4 = true;
		return 0;
	}
	*is_v4 = false;
	if (inet_pton(AF_INET6, s, a->b) == 1)
		return 0;
	return -1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || !isdigit((unsigned char)*s) || strlen(s) > 10)
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out > max)
		return -1;
	return 0;
}

int sg_parse_prefix(const char *s, struct sg_lpm_key *k, char *err, size_t elen)
{
	char addr[INET6_ADDRSTRLEN + 8], net[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	unsigned long len;
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct sg_lpm_key masked;
	unsigned int max, i, bits;
	bool v4;

	memset(k, 0, sizeof(*k));
	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (sg_parse_addr(addr, &k->addr, &v4))
		goto bad_addr;
	max = v4 ? 32 : 128;
	len = max;
	if (slash && parse_uint(slash + 1, max, &len)) {
		snprintf(err, elen, "invalid prefix '%s': the prefix length must be 0 to %u",
			 s, max);
		return -1;
	}
	k->prefixlen = (v4 ? 96 : 0) + len;

	masked = *k;
	for (i = 0; i < 16; i++) {
		bits = k->prefixlen > i * 8 ? k->prefixlen - i * 8 : 0;
		if (bits < 8)
			masked.addr.b[i] &= (__u8)(0xff00 >> bits);
	}
	if (memcmp(&masked, k, sizeof(masked))) {
		sg_format_prefix(&masked, net, sizeof(net));
		snprintf(err, elen, "invalid prefix '%s': host bits are set: use %s",
			 s, net);
		return -1;
	}
	return 0;
bad_addr:
	snprintf(err, elen, "invalid prefix '%s': not an IPv4 or IPv6 address: write e.g. 203.0.113.7, 198.51.100.0/24 or 2001:db8::/32",
		 s);
	return -1;
}

int sg_parse_port(const char *s, __u16 *port, const char *what, char *err,
		  size_t elen)
{
	unsigned long v;

	if (parse_uint(s, 65535, &v) || v == 0) {
		snprintf(err, elen, "invalid %s '%s': use a number from 1 to 65535",
			 what, s);
		return -1;
	}
	*port = v;
	return 0;
}

int sg_parse_remote(const char *s, struct sg_addr *a, __u16 *port,
		    char *err, size_t elen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *colon, *pstr = NULL, *text = s;
	size_t alen;
	bool v4;

	*port = 0;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			goto bad;
		alen = close - s - 1;
		if (close[1] == ':')
			pstr = close + 2;
		else if (close[1])
			goto bad;
		s++;
	} else {
		colon = strchr(s, ':');
		alen = strlen(s);
		if (colon && !strchr(colon + 1, ':')) {	/* a.b.c.d:port */
			alen = colon - s;
			pstr = colon + 1;
		}
	}
	if (alen >= sizeof(buf))
		goto bad;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (sg_parse_addr(buf, a, &v4))
		goto bad;
	if (pstr) {
		char perr[SG_ERRBUF];

		if (sg_parse_port(pstr, port, "remote port", perr, sizeof(perr))) {
			snprintf(err, elen, "%s", perr);
			return -1;
		}
	}
	return 0;
bad:
	snprintf(err, elen, "invalid remote address '%s': write ADDR, ADDR:PORT or [IPV6]:PORT, e.g. 198.51.100.20:5060",
		 text);
	return -1;
}

void sg_format_addr(const struct sg_addr *a, char *buf, size_t len)
{
	if (sg_addr_is_v4(a))
		inet_ntop(AF_INET, &a->b[12], buf, len);
	else
		inet_ntop(AF_INET6, a->b, buf, len);
}

void sg_format_prefix(const struct sg_lpm_key *k, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (k->prefixlen >= 96 && sg_addr_is_v4(&k->addr)) {
		inet_ntop(AF_INET, &k->addr.b[12], a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, k->prefixlen - 96);
	} else {
		inet_ntop(AF_INET6, k->addr.b, a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, k->prefixlen);
	}
}

const char *sg_origin_name(__u32 origin)
{
	switch (origin) {
	case SG_ORIGIN_CLI:
		return "cli";
	case SG_ORIGIN_CONFIG:
		return "config";
	case SG_ORIGIN_LEARNED:
		return "learned";
	case SG_ORIGIN_IMPORT:
		return "import";
	default:
		return "unknown";
	}
}

/* ---- output ---- */

void sg_json_print(json_object *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= sg_env.pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(o, flags));
	json_object_put(o);
}

__u64 sg_now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int sg_parse_bool(const char *s, bool *v)
{
	static const char *const on[] = { "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, on[i])) {
			*v = true;
			return 0;
		}
		if (!strcasecmp(s, off[i])) {
			*v = false;
			return 0;
		}
	}
	return -1;
}

int sg_parse_timeout(const char *s, __u32 *v, char *err, size_t elen)
{
	unsigned long t;

	if (parse_uint(s, SG_FLOW_TIMEOUT_MAX, &t) || t == 0) {
		snprintf(err, elen, "invalid flow timeout '%s': use seconds from 1 to %d",
			 s, SG_FLOW_TIMEOUT_MAX);
		return -1;
	}
	*v = t;
	return 0;
}
