// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipguard: drops orphan SIP INVITEs with XDP.  This file holds the
 * command table {name, function, synopsis, one-line help}, the global
 * options and the dispatch; each verb lives in a file of its own, and
 * main.h declares their entry points.  To add a verb: write do_VERB in
 * VERB.c, declare it in main.h, add a line to cmds[] (and to
 * docs/sipguard.8).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "env.h"
#include "main.h"

static int do_help(int argc, char **argv);
static int do_version(int argc, char **argv);

static const struct sg_cmd cmds[] = {
	{ "attach", do_attach,
	  "IFACE [--mode native|generic] [--config FILE] [--monitor] [--no-learn]\n"
	  "IFACE ... [--conntrack] [--dispatcher]",
	  "attach (or replace in place) the filter and learner, beside other XDP/TC programs" },
	{ "detach", do_detach, "IFACE",
	  "remove everything sipguard put on IFACE (and the pins, after the last)" },
	{ "status", do_status, "[--json]",
	  "show the attached interfaces, the settings, the table fill and the filters" },
	{ "allow", do_allow,
	  "add PREFIX|NAME... [--resolver ADDR[:PORT]]...\ndel PREFIX|NAME...\n"
	  "list|names [--json]",
	  "change or show the allowlist of source prefixes and host names" },
	{ "flows", do_flows,
	  "add|del REMOTE_ADDR[:PORT] LOCAL_PORT\nlist [--json]\nflush\nsave|restore FILE",
	  "change or show the established flows; flush ends the learned ones" },
	{ "set", do_set,
	  "monitor on|off | flow-timeout SECONDS | match-remote-port on|off\n"
	  "unknown-invite drop|inspect | ban-time SECONDS",
	  "change a runtime setting; takes effect at once" },
	{ "deny", do_deny, "add|del PREFIX...\nimport FILE\nlist [--json]",
	  "change or show the deny list: SIP requests from it are dropped" },
	{ "ua", do_ua, "add|del PATTERN...\nlist [--json]",
	  "change or show the User-Agent blocklist (drop and ban)" },
	{ "users", do_users, "add|del USER...\nlist [--json]",
	  "Request-URI users an unknown INVITE may call (inspect policy)" },
	{ "bans", do_bans, "list [--json]\nflush",
	  "show or lift the bans of sources with a blocked User-Agent" },
	{ "stats", do_stats,
	  "[IFACE] [--all] [--json] [--watch SECONDS]\n--prometheus",
	  "show the counters per interface, reason and verdict, and the table fill" },
	{ "events", do_events, "[--json]",
	  "follow the drop events live (one reader at a time: not beside the daemon)" },
	{ "exporter", do_exporter, "--listen ADDR:PORT [--interface IFACE]...",
	  "serve the counters to Prometheus over HTTP at /metrics" },
	{ "daemon", do_daemon, "--config FILE [--stderr]",
	  "attach from the config, serve /metrics, log drop events to syslog; SIGHUP reloads" },
	{ "help", do_help, "", "show this help" },
	{ "version", do_version, NULL, NULL },
	{ 0 }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sipguard [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Drop SIP INVITEs that no LAN device asked for (ghost calls), with XDP.\n"
		"\n"
		"Options:\n"
		"  --pin-path DIR   where maps and links are pinned (default %s,\n"
		"                   or $SIPGUARD_PIN_PATH)\n"
		"  -j, --json       JSON output for read commands\n"
		"  -p, --pretty     pretty-printed JSON (implies --json)\n"
		"  -v, --verbose    show libbpf's messages, and all of the verifier log\n"
		"                   when the kernel refuses a program (twice: debug)\n"
		"  -h, --help       show this help\n"
		"  -V, --version    show the version\n"
		"\n"
		"Commands (a unique prefix is enough: 'sipguard det' is detach):\n",
		SG_PIN_DEFAULT);
	sg_print_cmds(f, cmds, "");
	fprintf(f,
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error.  See sipguard(8).\n");
}

static int do_help(int argc, char **argv)
{
	usage(stdout);
	return SG_EXIT_OK;
}

static int do_version(int argc, char **argv)
{
#ifdef SG_NO_L7
	printf("sipguard %s (libbpf %s, built without layer 7)\n", SG_VERSION,
	       libbpf_version_string());
#else
	printf("sipguard %s (libbpf %s)\n", SG_VERSION, libbpf_version_string());
#endif
	return SG_EXIT_OK;
}

/* The pin path without trailing slashes (kept for the process's life). */
static const char *clean_pin_path(const char *p)
{
	static char buf[SG_PATH_MAX];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", p);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-path", required_argument, NULL, 'P' },
		{ "json",     no_argument,       NULL, 'j' },
		{ "pretty",   no_argument,       NULL, 'p' },
		{ "verbose",  no_argument,       NULL, 'v' },
		{ "help",     no_argument,       NULL, 'h' },
		{ "version",  no_argument,       NULL, 'V' },
		{ 0 }
	};
	const char *pin = getenv("SIPGUARD_PIN_PATH");
	int c;

	sg_cli_set_cmds(cmds);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			pin = optarg;
			break;
		case 'j':
			sg_env.json = true;
			break;
		case 'p':
			sg_env.json = sg_env.pretty = true;
			break;
		case 'v':
			sg_env.verbose++;
			break;
		case 'h':
			return do_help(0, NULL);
		case 'V':
			return do_version(0, NULL);
		case ':':
			sg_err("option '%s' needs a value: see 'sipguard help'",
			       argv[optind - 1]);
			return SG_EXIT_USAGE;
		default:
			if (optopt)
				sg_err("unknown option '-%c': see 'sipguard help'", optopt);
			else
				sg_err("unknown option '%s': see 'sipguard help'",
				       argv[optind - 1]);
			return SG_EXIT_USAGE;
		}
	}
	if (pin && *pin) {
		if (pin[0] != '/') {
			sg_err("pin path '%s' is not absolute: give a directory under %s",
			       pin, SG_BPFFS_ROOT);
			return SG_EXIT_USAGE;
		}
		sg_env.pin = clean_pin_path(pin);
	}
	libbpf_set_print(sg_libbpf_print);

	if (optind >= argc) {
		usage(stderr);
		return SG_EXIT_USAGE;
	}
	return sg_dispatch(cmds, "sipguard", argc - optind, argv + optind);
}
