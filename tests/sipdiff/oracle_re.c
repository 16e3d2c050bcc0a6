// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libre 1.1 (baresip's stack).  Its UDP transport (src/sip/transp.c,
 * udp_recv_handler) ignores datagrams of 4 bytes or less, hands what
 * stun_msg_decode() accepts to STUN, and decodes the rest with
 * sip_msg_decode(); a decoded request goes to the listeners, and sipsess
 * takes it as a call when pl_strcmp(&msg->met, "INVITE") == 0 (case
 * sensitive).  The same mbuf goes from the STUN attempt to the SIP decoder,
 * as there.
 */
/* re.h expects the C and socket types declared first */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <re.h>

#include "sipdiff.h"

int oracle_re_init(void)
{
	return libre_init();
}

int oracle_re(const uint8_t *p, size_t n)
{
	struct stun_unknown_attr ua;
	struct stun_msg *stun = NULL;
	struct sip_msg *msg = NULL;
	struct mbuf *mb;
	int invite = 0;

	if (n <= 4)
		return 0;
	mb = mbuf_alloc(n);
	if (!mb || mbuf_write_mem(mb, p, n))
		abort();
	mb->pos = 0;
	if (!stun_msg_decode(&stun, mb, &ua)) {
		mem_deref(stun);
		mem_deref(mb);
		return 0;
	}
	if (!sip_msg_decode(&msg, mb)) {
		invite = msg->req && !pl_strcmp(&msg->met, "INVITE");
		mem_deref(msg);
	}
	mem_deref(mb);
	return invite;
}
