// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard attach IFACE [OPTIONS]` and `sipguard detach IFACE`: the
 * verbs' options and arguments.  The work is the attach API's
 * (instance.c), which the daemon calls too.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "iface.h"
#include "instance.h"
#include "main.h"

static int attach_opt(int opt, const char *arg, void *ctx)
{
	struct sg_attach_opts *o = ctx;

	switch (opt) {
	case 'm':
		if (sg_xdp_mode_parse(arg, &o->xdp_flags))
			return sg_usage("attach", "invalid mode '%s' (use native or generic)",
					arg);
		o->mode_given = true;
		return 0;
	case 'c':
		o->config = arg;
		return 0;
	case 'M':
		o->monitor = true;
		return 0;
	case 'N':
		o->no_learn = true;
		return 0;
	case 'C':
		o->conntrack = true;
		return 0;
	case 'D':
		o->dispatcher = true;
		return 0;
	}
	return -1;
}

int do_attach(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "mode",     required_argument, NULL, 'm' },
		{ "config",   required_argument, NULL, 'c' },
		{ "monitor",  no_argument,       NULL, 'M' },
		{ "no-learn", no_argument,       NULL, 'N' },
		{ "conntrack", no_argument,      NULL, 'C' },
		{ "dispatcher", no_argument,     NULL, 'D' },
		{ 0 }
	};
	struct sg_attach_opts o = { .resolve = true };
	int first;

	first = sg_getopt(argc, argv, "attach", "m:c:", extra, attach_opt, &o);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first < 1)
		return sg_usage("attach", "attach needs an interface");
	if (argc - first > 1)
		return sg_usage("attach", "unexpected argument '%s'", argv[first + 1]);
	o.ifname = argv[first];
	return sg_attach(&o) ? SG_EXIT_FAIL : SG_EXIT_OK;
}

int do_detach(int argc, char **argv)
{
	int first;

	first = sg_getopt(argc, argv, "detach", NULL, NULL, NULL, NULL);
	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc - first < 1)
		return sg_usage("detach", "detach needs an interface");
	if (argc - first > 1)
		return sg_usage("detach", "unexpected argument '%s'", argv[first + 1]);
	return sg_detach(argv[first]) ? SG_EXIT_FAIL : SG_EXIT_OK;
}
