/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The command-line layer every sipguard command stands on: exit codes,
 * the global options, one-line error messages, libbpf's messages, the
 * command-table dispatcher and option parsing, JSON output, and the
 * parsing of plain values (numbers, on/off, timeouts).
 */
#ifndef SG_CLI_H
#define SG_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>
#include <bpf/libbpf.h>

#include "sipguard.h"

/* Exit status: success, failure, usage error. */
#define SG_EXIT_OK	0
#define SG_EXIT_FAIL	1
#define SG_EXIT_USAGE	2

#define SG_PATH_MAX	512
#define SG_ERRBUF	256

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
/*
 * Write a message into BUF (LEN bytes), cut at its end if it must be: for
 * the errors that functions hand back to their callers.
 */
void sg_msgf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
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

/* ---- command tables ---- */
struct sg_cmd {
	const char *name;
	int (*func)(int argc, char **argv);	/* argv[0] is the verb */
	const char *args;	/* synopsis of the arguments */
	const char *help;	/* one line */
};

/*
 * The top-level table (main.c hands it over before dispatching), whose
 * synopses the usage messages of every verb quote.
 */
void sg_cli_set_cmds(const struct sg_cmd *cmds);
/* The synopsis of a top-level verb, forms separated by '\n'. */
const char *sg_cmd_synopsis(const char *name);
/*
 * Find argv[0] in the table by unambiguous prefix (an exact match wins)
 * and run it.  WHAT names the level ("sipguard", "sipguard allow") for
 * messages.  "help" in a table without a help entry lists the table.
 */
int sg_dispatch(const struct sg_cmd *cmds, const char *what, int argc,
		char **argv);
void sg_print_cmds(FILE *f, const struct sg_cmd *cmds, const char *prefix);

/*
 * Common option parsing for a verb: accepts -j/--json, -p/--pretty, -h
 * and the options in EXTRA (getopt_long style; handled by CB).  Returns
 * the index of the first positional argument after permutation, or -1
 * after printing a usage error.
 */
struct option;
typedef int (*sg_opt_cb)(int opt, const char *arg, void *ctx);
int sg_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
	      const struct option *extra, sg_opt_cb cb, void *ctx);

/* Parse the options of sub-verb argv[0] of VERB, then run FN on the
 * arguments after them. */
int sg_run_sub(const char *verb, int argc, char **argv,
	       int (*fn)(int argc, char **argv));

/* ---- output ---- */
void sg_json_print(json_object *o);
__u64 sg_now_mono_ns(void);

/* ---- plain values ---- */
/* A decimal number without sign, at most MAX: 0, or -1. */
int sg_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* Parse "on"/"off" (and yes/no, true/false, 1/0). */
int sg_parse_bool(const char *s, bool *v);
#define SG_FLOW_TIMEOUT_MAX	31536000	/* one year, in seconds */
int sg_parse_timeout(const char *s, __u32 *v, char *err, size_t elen);

#endif /* SG_CLI_H */
