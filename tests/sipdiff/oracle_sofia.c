// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sofia-sip 1.12 (FreeSWITCH's stack), the path a datagram takes there:
 *
 *  tport (tport_type_udp.c, tport_recv_dgram): a datagram of 0 or 1 byte
 *   is a runt and dropped; a first byte with its top five bits set is
 *   SigComp, 0 or 1 is STUN; the rest is received into a message created
 *   with the agent's flags (nta: MSG_DO_CANONIC, maximum size 2 MB) via
 *   msg_recv_iovec() and msg_recv_commit(..., eos = 1);
 *  tport_parse(): msg_extract(); on a datagram an incomplete parse (0) is
 *   marked MSG_FLG_ERROR; the message is delivered either way;
 *  nta (agent_recv_message/agent_recv_request): a request (sip_request)
 *   that is too large, has errors in the headers a UA cares about (the
 *   default sa_bad_req_mask), has MSG_FLG_ERROR or fails
 *   sip_sanity_check() is answered 400 (or 413) and goes no further; a
 *   version other than SIP/2.0 (compared without case) is answered 505.
 *
 * What passes all of that with rq_method == sip_method_invite is an INVITE
 * the application sees.  "invite" in lower case is sip_method_unknown there.
 * Its log output (su_log_default, which the msg parser uses) is sent
 * nowhere.
 */
#include <string.h>
#include <stdlib.h>

#include <sofia-sip/su_log.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>

#include "sipdiff.h"

static void quiet(void *stream, char const *fmt, va_list ap)
{
	(void)stream;
	(void)fmt;
	(void)ap;
}

int oracle_sofia_init(void)
{
	su_log_redirect(su_log_default, quiet, NULL);
	su_log_set_level(su_log_default, 0);
	return 0;
}

/* nta's default: what a UA does not care about may be broken */
static const unsigned bad_req_mask =
	~(unsigned)(sip_mask_response | sip_mask_proxy | sip_mask_registrar |
		    sip_mask_pref | sip_mask_privacy);

int oracle_sofia(const uint8_t *p, size_t n)
{
	msg_iovec_t vec[msg_n_fragments];
	size_t off = 0;
	issize_t veclen, i;
	msg_t *msg;
	sip_t *sip;
	int invite = 0;

	if (n <= 1)
		return 0;		/* runt */
	if ((p[0] & 0xf8) == 0xf8 || p[0] == 0 || p[0] == 1)
		return 0;		/* SigComp, STUN */

	msg = msg_create(sip_default_mclass(), MSG_DO_CANONIC);
	if (!msg)
		abort();
	msg_maxsize(msg, 2 * 1024 * 1024);
	memset(vec, 0, sizeof(vec));
	veclen = msg_recv_iovec(msg, vec, msg_n_fragments, n, 1);
	if (veclen < 0) {
		msg_destroy(msg);
		return 0;
	}
	for (i = 0; i < veclen && off < n; i++) {
		size_t k = vec[i].mv_len < n - off ? vec[i].mv_len : n - off;

		memcpy(vec[i].mv_base, p + off, k);
		off += k;
	}
	msg_recv_commit(msg, n, 1);

	if (msg_extract(msg) == 0)
		msg_mark_as_complete(msg, MSG_FLG_ERROR);

	sip = sip_object(msg);
	if (sip && sip->sip_request &&
	    sip->sip_request->rq_method == sip_method_invite &&
	    !(sip->sip_flags & (MSG_FLG_TOOLARGE | MSG_FLG_ERROR)) &&
	    !(msg_extract_errors(msg) & bad_req_mask) &&
	    sip_sanity_check(sip) >= 0 &&
	    su_casematch(sip->sip_request->rq_version, sip_version_2_0))
		invite = 1;
	msg_destroy(msg);
	return invite;
}
