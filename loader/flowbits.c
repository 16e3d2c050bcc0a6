// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The flows' filter from the loader (flowbits.h).  A rebuild clears the
 * half that the programs do not use: two at once would clear each
 * other's work, so each takes an flock on <pin>/flowbits_lock first.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "flowbits.h"
#include "flowtab.h"
#include "pins.h"

struct sg_flow_bits *sg_flowbits_open(int fd)
{
	struct sg_flow_bits *b;

	if (fd < 0) {
		sg_err("the flows' filter (" SG_MAP_FLOWBITS ") is not pinned: these pins come from an older sipguard; attach again");
		return NULL;
	}
	b = sg_flowbits_map(fd);
	if (!b)
		sg_err_errno(errno, "cannot map the flows' filter (" SG_MAP_FLOWBITS ")",
			     "detach and attach again to repair the pins");
	return b;
}

int sg_flowbits_refresh(char *other, size_t len)
{
	struct sg_flow_bits *b = NULL;
	int flows, fbfd, lock = -1, err;

	flows = sg_pin_open(SG_MAP_FLOWS);
	fbfd = sg_pin_open(SG_MAP_FLOWBITS);
	if (flows < 0 || fbfd < 0) {
		err = flows < 0 ? flows : fbfd;
		goto out;
	}
	b = sg_flowbits_map(fbfd);
	if (!b) {
		err = -errno;
		goto out;
	}
	lock = sg_pin_lock(SG_FB_LOCK_DIR, true);
	if (lock < 0) {
		err = lock;
		goto out;
	}
	if (sg_iface_lacking(SG_META_FLOWBITS, other, len)) {
		__atomic_store_n(&b->use, 0, __ATOMIC_RELEASE);
		err = SG_FB_OFF;
	} else {
		err = sg_flowbits_rebuild(flows, b);
	}
out:
	if (lock >= 0)
		close(lock);
	sg_flowbits_unmap(b);
	if (fbfd >= 0)
		close(fbfd);
	if (flows >= 0)
		close(flows);
	return err;
}
