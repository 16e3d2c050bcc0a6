/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Classify: after parse_packet() (parsing.h), what the UDP payload is.
 * The XDP program decides most traffic from its first two bytes and matches
 * the INVITE of a flood in straight-line code; the rest, and everything
 * the TC learner sees, goes to classify_sip() (sip.h) behind a global
 * function.  struct sg_info is what the later stages know of the packet.
 */
#ifndef SG_CLASSIFY_H
#define SG_CLASSIFY_H

#include <linux/bpf.h>

#include "sipguard.h"
#include "parsing.h"
#include "sip.h"

/*
 * What sipguard_xdp knows about a packet on its slow paths.  They read the
 * addresses from here, never from the packet: take_addrs() copies them
 * once, and from then on no packet pointer is live.  That keeps the
 * verifier's work linear (states that differ only in where the parser
 * left its pointers merge), which Linux 6.1's instruction budget needs,
 * and nothing is read through a pointer after a tail call, which 6.12
 * refuses.
 */
struct sg_info {
	struct sg_pkt pkt;
	struct sg_addr src;
	struct sg_addr dst;
	__u32 poff;		/* start line offset in the frame */
	__u8 method;
	__u8 have_ports;
};

static __always_inline void take_addrs(struct sg_info *in)
{
	pkt_saddr(&in->pkt, &in->src);
	pkt_daddr(&in->pkt, &in->dst);
}

/*
 * classify_sip() behind a global function, so the verifier checks it once
 * instead of once for every way the parser can reach a UDP payload (VLAN
 * depths times IPv6 extension chains times leading blank counts would not
 * fit in its budget).  The payload offset goes in as a bounded scalar.
 */
#define SG_PAYLOAD_OFF_MAX	0x7ff

static __always_inline __u32 sip_pack(struct sg_sip s)
{
	return s.kind | s.method << 8 | s.truncated << 16 |
	       (__u32)(s.start & 0xff) << 24;
}

static __always_inline struct sg_sip sip_unpack(__u32 v)
{
	struct sg_sip s = {
		.kind = v & 0xff,
		.method = (v >> 8) & 0xff,
		.truncated = (v >> 16) & 0xff,
		.start = v >> 24,
	};
	return s;
}

__attribute__((noinline))
int sg_classify_xdp(struct xdp_md *ctx, __u32 off)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	off &= SG_PAYLOAD_OFF_MAX;
	return sip_pack(classify_sip(data + off, end));
}

__attribute__((noinline))
int sg_classify_skb(struct __sk_buff *skb, __u32 off)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;

	off &= SG_PAYLOAD_OFF_MAX;
	return sip_pack(classify_sip(data + off, end));
}

static __always_inline __u32 payload_off(const struct sg_pkt *pkt, void *data)
{
	return (__u32)(pkt->payload - data);
}

/* A STUN header (RFC 5389): two zero bits, then the magic cookie. */
static __always_inline int stun_header(const __u8 *p, const void *end)
{
	return p[0] < 0x40 && p + SG_STUN_HDR_LEN <= (__u8 *)end &&
	       p[4] == SG_STUN_MAGIC_0 && p[5] == SG_STUN_MAGIC_1 &&
	       p[6] == SG_STUN_MAGIC_2 && p[7] == SG_STUN_MAGIC_3;
}

/*
 * "INVITE" and a blank (sip.h: 0x01..0x20) at the payload's first byte, in
 * any case; C is that byte | 0x20.  The INVITE of a flood, with nothing
 * before it, is matched this way: straight-line code, no call (a return
 * costs dearly on CPUs with return-stack mitigations).
 */
static __always_inline int flood_invite(const __u8 *p, const void *end,
					__u8 c)
{
	return c == 'i' && p + 7 <= (__u8 *)end && (p[1] | 0x20) == 'n' &&
	       (p[2] | 0x20) == 'v' && (p[3] | 0x20) == 'i' &&
	       (p[4] | 0x20) == 't' && (p[5] | 0x20) == 'e' && sg_blank(p[6]);
}

/*
 * Can a payload that starts with byte B (and C, the next one, when the
 * datagram has it) be SIP at all?  A SIP message starts with a letter, or
 * with blanks and then a letter.  Most UDP traffic does not: RTP (0x80),
 * QUIC long headers (0xc0), DNS mostly, and WireGuard (1..4, then 0) and
 * DTLS (0x14..0x17, then 0xfe) after one byte.  Two compares at most,
 * no call.
 */
static __always_inline int sg_letter(__u8 b)
{
	return (__u8)((b | 0x20) - 'a') < 26;
}

static __always_inline int may_start_sip(const __u8 *p, const void *end,
					 __u32 plen)
{
	if (sg_letter(p[0]))
		return 1;
	if (!sg_blank(p[0]))
		return 0;
	if (plen < 2 || p + 2 > (__u8 *)end)
		return 1;
	return sg_letter(p[1]) || sg_blank(p[1]);
}

#endif /* SG_CLASSIFY_H */
