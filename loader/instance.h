/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The attach API: put sipguard on an interface, or take it off, the way
 * the `attach` and `detach` verbs and the daemon all do it.  A call
 * prints its errors, and on success the one-line summary the verbs print.
 */
#ifndef SG_INSTANCE_H
#define SG_INSTANCE_H

#include <stdbool.h>

#include "sipguard.h"

struct sg_attach_opts {
	const char *ifname;
	const char *config;	/* config file to apply first; NULL: none */
	__u32 xdp_flags;	/* XDP_FLAGS_DRV_MODE or _SKB_MODE; 0: the kernel's choice */
	bool mode_given;	/* xdp_flags was asked for */
	bool monitor;		/* count, never drop, on this interface */
	bool no_learn;		/* no TC egress learner */
	bool conntrack;		/* the conntrack variant */
	bool resolve;		/* resolve the config's host names now (the
				 * attach verb; the daemon resolves its own) */
	bool dispatcher;	/* in libxdp's dispatcher, also on a free hook */
};

/*
 * Load the programs for O->ifname, pin them, fill the tail calls, write
 * the settings and the config file's entries, and attach (or replace in
 * place what is attached).  A bad config file changes nothing; a new
 * attachment that fails leaves nothing behind.  0, or -1 after an error
 * (also when the filter is on but a host name of the config with
 * O->resolve did not resolve).
 */
int sg_attach(const struct sg_attach_opts *o);

/* Take everything sipguard put on IFNAME off (and the pins, after the
 * last interface).  0, or -1 after an error. */
int sg_detach(const char *ifname);

#endif /* SG_INSTANCE_H */
