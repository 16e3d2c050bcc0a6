// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The command-line layer: one-line error messages (and libbpf's, quiet
 * unless --verbose), the command-table dispatcher, option parsing, JSON
 * output and plain values.  See cli.h.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

struct sg_env sg_env = {
	.pin = SG_PIN_DEFAULT,
};

/* The top-level command table, for the synopses in usage messages. */
static const struct sg_cmd *top_cmds;

void sg_cli_set_cmds(const struct sg_cmd *cmds)
{
	top_cmds = cmds;
}

const char *sg_cmd_synopsis(const char *name)
{
	const struct sg_cmd *c;

	for (c = top_cmds; c && c->name; c++)
		if (!strcmp(c->name, name))
			return c->args;
	return NULL;
}

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

void sg_msgf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
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

int sg_run_sub(const char *verb, int argc, char **argv,
	       int (*fn)(int argc, char **argv))
{
	int first = sg_getopt(argc, argv, verb, NULL, NULL, NULL, NULL);

	if (first < 0)
		return SG_EXIT_USAGE;
	return fn(argc - first, argv + first);
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

int sg_parse_uint(const char *s, unsigned long max, unsigned long *out)
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

	if (sg_parse_uint(s, SG_FLOW_TIMEOUT_MAX, &t) || t == 0) {
		snprintf(err, elen, "invalid flow timeout '%s': use seconds from 1 to %d",
			 s, SG_FLOW_TIMEOUT_MAX);
		return -1;
	}
	*v = t;
	return 0;
}
