// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * GNU oSIP 5.3 (the parser of eXosip-based phones): osip_message_parse()
 * on the datagram, then MSG_IS_INVITE (a request whose method is "INVITE",
 * compared with strcmp).  The parser copies the bytes and terminates them
 * itself.  Debian's build traces errors to stderr from the start: the
 * trace goes to a function that drops it, and every level is switched off.
 */
#include <stdarg.h>
#include <string.h>

#include <osipparser2/osip_port.h>
#include <osipparser2/osip_parser.h>

#include "sipdiff.h"

static void quiet(const char *fi, int li, osip_trace_level_t level,
		  const char *fmt, va_list ap)
{
	(void)fi;
	(void)li;
	(void)level;
	(void)fmt;
	(void)ap;
}

int oracle_osip_init(void)
{
	int l, err = parser_init();

	osip_trace_initialize_func(TRACE_LEVEL0, quiet);
	for (l = TRACE_LEVEL0; l < END_TRACE_LEVEL; l++)
		osip_trace_disable_level(l);
	return err;
}

int oracle_osip(const uint8_t *p, size_t n)
{
	osip_message_t *m;
	int invite = 0;

	if (osip_message_init(&m) != 0)
		return 0;
	if (osip_message_parse(m, (const char *)p, n) == 0)
		invite = m->sip_method != NULL && MSG_IS_INVITE(m);
	osip_message_free(m);
	return invite;
}
