/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What every command family of the sipguard program shares: exit codes,
 * error messages, the global options, the pin layout, privilege, kernel
 * and bpffs checks, address parsing and printing, the pinned maps, and
 * the command-table dispatcher.
 */
#ifndef SG_COMMON_H
#define SG_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <net/if.h>
#include <json-c/json.h>
#include <bpf/libbpf.h>

#include "sipguard.h"

/* Exit status: success, failure, usage error. */
#define SG_EXIT_OK	0
#define SG_EXIT_FAIL	1
#define SG_EXIT_USAGE	2

/* The TC egress learner's filter, so that we find (and replace) our own. */
#define SG_TC_HANDLE	0x5347
#define SG_TC_PRIO	0x5347

#define SG_BPFFS_ROOT	"/sys/fs/bpf"
#define SG_KERNEL_MIN_MAJOR	5
#define SG_KERNEL_MIN_MINOR	15

#define SG_PATH_MAX	512

/* Global options, set by main() before a command runs. */
struct sg_env {
	const char *pin;	/* pin directory, no trailing slash */
	bool json;
	bool pretty;
	int verbose;		/* -v: libbpf info and warnings, -vv: debug */
};
extern struct sg_env sg_env;

/* ---- errors ---- */
/* libbpf's messages: silent unless --verbose. */
int sg_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap);
void sg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error for CMD and return SG_EXIT_USAGE. */
int sg_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* libbpf's last warnings (up to 8, also when --verbose is off), oldest
 * first: sg_libbpf_said(0), (1)... until NULL.  Reset before a load. */
void sg_libbpf_said_reset(void);
const char *sg_libbpf_said(unsigned int i);
bool sg_is_perm(int err);
void sg_err_perm(void);
/*
 * "Error: WHAT: strerror(err): TODO", or the not-permitted message when
 * err is EPERM/EACCES.  err is a positive or negative errno.
 */
void sg_err_errno(int err, const char *what, const char *todo);

/* ---- the command table ---- */
struct sg_cmd {
	const char *name;
	int (*func)(int argc, char **argv);	/* argv[0] is the verb */
	const char *args;	/* synopsis of the arguments */
	const char *help;	/* one line */
};

/*
 * Find argv[0] in the table by unambiguous prefix (an exact match wins)
 * and run it.  WHAT names the level ("sipguard", "sipguard allow") for
 * messages.  "help" in a table without a help entry lists the table.
 */
int sg_dispatch(const struct sg_cmd *cmds, const char *what, int argc,
		char **argv);
void sg_print_cmds(FILE *f, const struct sg_cmd *cmds, const char *prefix);
/* The synopsis of a top-level verb (main.c), forms separated by '\n'. */
const char *sg_cmd_synopsis(const char *name);

/*
 * Common option parsing for read commands: accepts -j/--json, -p/--pretty
 * and the options in EXTRA (getopt_long style; handled by CB).  Returns
 * the index of the first positional argument after permutation, or -1
 * after printing a usage error.
 */
struct option;
typedef int (*sg_opt_cb)(int opt, const char *arg, void *ctx);
int sg_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
	      const struct option *extra, sg_opt_cb cb, void *ctx);

/* ---- environment checks ---- */
/* Is capability CAP (CAP_BPF, ...) in the effective set? */
bool sg_have_cap(int cap);
int sg_need_privileges(bool net_admin);
/*
 * Refuse a kernel older than SG_KERNEL_MIN (SIPGUARD_KERNEL_RELEASE stands
 * for the running release), naming the newest feature it lacks.  The
 * minimum is what sipguard is built for; the README says which kernels
 * are verified.
 */
int sg_check_kernel(void);
/* The running kernel's release and machine, from uname(2). */
const char *sg_kernel_release(void);
const char *sg_machine(void);
int sg_ensure_bpffs(void);
int sg_mkdir_p(const char *path);
/* ifindex of IFNAME in the caller's network namespace, or 0 + error. */
int sg_ifindex(const char *ifname, bool report);
int sg_check_ifname(const char *ifname);

/* ---- pin layout ---- */
void sg_pin_file(char *buf, size_t len, const char *name);
void sg_iface_dir(char *buf, size_t len, const char *ifname);
void sg_iface_file(char *buf, size_t len, const char *ifname, const char *name);
bool sg_path_exists(const char *path);
/* Names of attached interfaces (directories if_*), sorted; free with
 * sg_free_names().  Returns the count or -errno. */
int sg_list_ifaces(char ***names);
void sg_free_names(char **names, int n);

/* ---- the shared pinned maps ---- */
struct sg_maps {
	int allow;
	int flows;
	int frags;
	int config;
	int deny;
	int bans;
	int users;
	int ua;
	int allowbits;
};

/* Open the pinned shared maps; prints "not attached" if there are none. */
int sg_maps_open(struct sg_maps *m);
void sg_maps_close(struct sg_maps *m);
int sg_config_get(int fd, struct sg_config *cfg);
int sg_config_set(int fd, const struct sg_config *cfg);
void sg_config_defaults(struct sg_config *cfg);
/* Set FLAG in the config when the map FD has entries, clear it when not. */
int sg_config_flag_if_any(const struct sg_maps *m, int fd, size_t key_size,
			  __u32 flag);
/* Number of entries in a map (iteration), or -errno. */
long sg_map_count(int fd, size_t key_size);

/* ---- addresses, prefixes, ports ---- */
#define SG_ERRBUF	256

void sg_addr_from_v4(struct sg_addr *a, const void *in4);
bool sg_addr_is_v4(const struct sg_addr *a);
int sg_parse_addr(const char *s, struct sg_addr *a, bool *is_v4);
int sg_parse_prefix(const char *s, struct sg_lpm_key *k, char *err, size_t elen);
int sg_parse_port(const char *s, __u16 *port, const char *what, char *err,
		  size_t elen);
/* REMOTE_ADDR[:PORT], IPv6 with a port in brackets.  *port 0 = no port. */
int sg_parse_remote(const char *s, struct sg_addr *a, __u16 *port,
		    char *err, size_t elen);
void sg_format_addr(const struct sg_addr *a, char *buf, size_t len);
void sg_format_prefix(const struct sg_lpm_key *k, char *buf, size_t len);
const char *sg_origin_name(__u32 origin);

/* ---- output ---- */
void sg_json_print(json_object *o);
__u64 sg_now_mono_ns(void);

/* ---- map operations shared by the commands and the config ---- */

/*
 * Make the allowlist's entries of origin CONFIG equal KEYS: add the new
 * ones first, then delete those no longer listed.  CLI entries stay.
 */
int sg_allow_sync_config(const struct sg_maps *m, const struct sg_lpm_key *keys,
			 size_t n);
/*
 * Rewrite the allowlist's bitmap filter from the trie, plus EXTRA keys
 * about to go in (so it stays a superset while they are added).
 */
int sg_allow_bits_rebuild(const struct sg_maps *m, const struct sg_lpm_key *extra,
			  size_t n);
/* The same for hand-made flows (remote_port 0 = any port). */
int sg_flows_sync_config(int fd, const struct sg_flow_key *keys, size_t n);
/* ---- layer-7 lists (prefixes.c, rules.c) ---- */
/* Make the deny list's entries of ORIGIN equal KEYS (new ones first). */
int sg_deny_sync(const struct sg_maps *m, const struct sg_lpm_key *keys,
		 size_t n, __u32 origin);
/* A file of prefixes, one a line, '#' comments; errors name FILE:LINE. */
int sg_read_prefix_file(const char *path, struct sg_lpm_key **out, size_t *n);
int sg_ua_sync_config(const struct sg_maps *m, char (*pats)[SG_UA_PAT_MAX + 1],
		      size_t n);
int sg_users_sync_config(const struct sg_maps *m, const struct sg_user_key *keys,
			 size_t n);
int sg_parse_user(const char *s, struct sg_user_key *k, char *err, size_t elen);
/* Can this kernel run sipguard_l7 (bpf_loop, bpf_xdp_load_bytes)?
 * SIPGUARD_NO_L7=1 says no, for tests. */
bool sg_l7_supported(void);
/* Print why WHAT cannot work here and return -1 when the kernel lacks it. */
int sg_need_l7(const char *what);

/*
 * Apply one setting (NAME VALUE, as `set` and [settings] take them) to CFG.
 * Returns 0, -ENOENT for an unknown name, -EINVAL for a bad value; ERR
 * says what is wrong.
 */
int sg_setting_apply(struct sg_config *cfg, const char *name, const char *value,
		     char *err, size_t elen);

/* Parse "on"/"off" (and yes/no, true/false, 1/0). */
int sg_parse_bool(const char *s, bool *v);
#define SG_FLOW_TIMEOUT_MAX	31536000	/* one year, in seconds */
int sg_parse_timeout(const char *s, __u32 *v, char *err, size_t elen);

#endif /* SG_COMMON_H */
