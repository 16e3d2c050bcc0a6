/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The differential test of sipguard's classifier against real SIP stacks:
 * one question asked of each, "is this UDP payload an INVITE request?".
 *
 * Each oracle lives in its own translation unit (tests/sipdiff/oracle_*.c)
 * because the libraries' headers clash with one another and with bpf/sip.h
 * (struct sip_msg, sip_method_t, sip.h ...).  An oracle takes the payload
 * the way that stack's UDP transport takes a datagram and answers 1 when
 * the stack would hand it on as an INVITE request, 0 otherwise.
 */
#ifndef SIPDIFF_H
#define SIPDIFF_H

#include <stddef.h>
#include <stdint.h>

/*
 * sipguard: 1 when classify_sip() says SG_SIP_REQUEST with SG_M_INVITE;
 * 2 when it says SG_SIP_CRLF_PADDING (more leading blanks than it skips),
 * which bpf/sipguard.bpf.c drops from every untrusted source under its own
 * reason, so that no INVITE can hide behind the padding; else 0.  what, if
 * not NULL, gets what it said ("not_sip", "request OPTIONS", ...).
 */
#define SG_SAYS_INVITE	1
#define SG_SAYS_PADDING	2
int oracle_sipguard(const uint8_t *p, size_t n, const char **what);

/* libre (baresip): the datagram path of its SIP transport. */
int oracle_re_init(void);
int oracle_re(const uint8_t *p, size_t n);

/* GNU oSIP: osip_message_parse() and MSG_IS_INVITE. */
int oracle_osip_init(void);
int oracle_osip(const uint8_t *p, size_t n);

/* sofia-sip (FreeSWITCH): tport's datagram path and nta's request checks. */
int oracle_sofia_init(void);
int oracle_sofia(const uint8_t *p, size_t n);

#endif /* SIPDIFF_H */
