/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsers shared by the XDP filter and the TC egress learner.
 *
 * Each parser takes a cursor and the end of the packet, checks its own
 * bounds, advances the cursor and returns what comes next.  They never see
 * an xdp_md or an __sk_buff, and call no BPF helper, so the same code also
 * compiles for the host (tests/host_*.c drive it there).
 *
 * parse_packet() reads the common frame (Ethernet, IPv4 without options,
 * not a fragment) at fixed offsets; else it walks L2 (Ethernet, up to
 * SG_VLAN_MAX_DEPTH VLAN tags, PPPoE session; or none, on a device without
 * a link-layer header), L3 (IPv4 with options, IPv6 with up to
 * SG_IPV6_EXT_MAX extension headers) and UDP, and fills a struct sg_pkt.  Addresses are not
 * copied there: only the slow paths (INVITE verdicts, fragments) need them,
 * and pkt_saddr()/pkt_daddr() build them on demand.
 */
#ifndef SG_PARSING_H
#define SG_PARSING_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "sipguard.h"
#include "compiler.h"


#ifndef ETH_P_8021AD
#define ETH_P_8021AD	0x88A8
#endif
#define SG_ETH_P_PPPOE_SES	0x8864
#define SG_PPP_IPV4		0x0021
#define SG_PPP_IPV6		0x0057

#define SG_IP_MF		0x2000
#define SG_IP_OFFSET		0x1fff

struct hdr_cursor {
	void *pos;
};

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct pppoe_hdr_sg {
	__u8 ver_type;
	__u8 code;
	__be16 session;
	__be16 length;
	__be16 ppp_proto;	/* the PPP protocol field that follows */
};

struct frag6_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset << 3 | M */
	__be32 id;
};

/* What parse_packet() found. */
enum sg_l4 {
	SG_L4_UDP,		/* UDP header present: sport/dport/payload valid */
	SG_L4_FRAG_LATER,	/* a non-first fragment: no L4 header here */
	SG_L4_NON_IP,		/* not IPv4/IPv6, or L2 we do not walk */
	SG_L4_NON_UDP,		/* IP, but another transport */
	SG_L4_MALFORMED,	/* truncated or inconsistent: pass */
	SG_L4_EXT_CHAIN,	/* IPv6 extension chain longer than we walk */
	SG_L4_FRAG_SHORT,	/* a first fragment that ends before the end
				   of its UDP header (RFC 7112: the whole
				   header chain belongs in it) */
};

struct sg_pkt {
	void *l3;		/* IPv4 or IPv6 header */
	/*
	 * The same header under its own type, the other one NULL: the
	 * verifier follows a NULL test of a pointer, but not of a flag that
	 * says which kind of header l3 is.
	 */
	struct iphdr *ip4;
	struct ipv6hdr *ip6;
	void *payload;		/* UDP payload (SG_L4_UDP only) */
	__u16 sport;		/* host order */
	__u16 dport;
	__u32 frag_id;		/* IPv4 id or IPv6 fragment id */
	__u32 l3_len;		/* the IP datagram's length, by its header */
	__u16 frag_off;		/* in 8-byte units */
	__u8 ipv6;
	__u8 is_frag;		/* part of a fragmented datagram */
	__u8 more_frags;
	__u8 l4proto;
	/*
	 * The protocol that names a fragmented datagram: IPv4's protocol,
	 * or the next header of IPv6's fragment header, which every fragment
	 * of the datagram carries alike (l4proto differs when extension
	 * headers follow the fragment header).
	 */
	__u8 frag_proto;
};

static __always_inline int parse_ethhdr(struct hdr_cursor *c, void *end,
					__u16 *proto)
{
	struct ethhdr *eth = c->pos;
	struct vlan_hdr *vh;
	__u16 p;
	int i;

	if ((void *)(eth + 1) > end)
		return -1;
	c->pos = eth + 1;
	p = eth->h_proto;

SG_UNROLL
	for (i = 0; i < SG_VLAN_MAX_DEPTH; i++) {
		if (p != bpf_htons(ETH_P_8021Q) && p != bpf_htons(ETH_P_8021AD))
			break;
		vh = c->pos;
		if ((void *)(vh + 1) > end)
			return -1;
		c->pos = vh + 1;
		p = vh->encap_proto;
	}
	*proto = bpf_ntohs(p);
	return 0;
}

/* A PPPoE session frame: map the PPP protocol to an ethertype. */
static __always_inline int parse_pppoe(struct hdr_cursor *c, void *end,
				       __u16 *proto)
{
	struct pppoe_hdr_sg *ph = c->pos;

	if ((void *)(ph + 1) > end)
		return -1;
	if (ph->ver_type != 0x11 || ph->code != 0)
		return -1;
	c->pos = ph + 1;
	if (ph->ppp_proto == bpf_htons(SG_PPP_IPV4))
		*proto = ETH_P_IP;
	else if (ph->ppp_proto == bpf_htons(SG_PPP_IPV6))
		*proto = ETH_P_IPV6;
	else
		*proto = 0;
	return 0;
}

static __always_inline enum sg_l4 parse_ipv4(struct hdr_cursor *c, void *end,
					     struct sg_pkt *pkt)
{
	struct iphdr *iph = c->pos;
	__u32 hlen;
	__u16 off;

	if ((void *)(iph + 1) > end)
		return SG_L4_MALFORMED;
	if (iph->version != 4 || iph->ihl < 5)
		return SG_L4_MALFORMED;
	hlen = iph->ihl * 4;
	if (c->pos + hlen > end)
		return SG_L4_MALFORMED;
	c->pos += hlen;
	pkt->l3 = iph;
	pkt->ip4 = iph;
	pkt->l4proto = iph->protocol;
	off = bpf_ntohs(iph->frag_off);
	pkt->frag_off = off & SG_IP_OFFSET;
	pkt->more_frags = !!(off & SG_IP_MF);
	pkt->is_frag = pkt->frag_off || pkt->more_frags;
	pkt->frag_id = bpf_ntohs(iph->id);
	pkt->frag_proto = iph->protocol;
	pkt->l3_len = bpf_ntohs(iph->tot_len);
	if (pkt->frag_off)
		return SG_L4_FRAG_LATER;
	return iph->protocol == IPPROTO_UDP ? SG_L4_UDP : SG_L4_NON_UDP;
}

/*
 * Where the frame ends before a header does: a first fragment (offset 0,
 * more to come) was cut there by its sender, since a datagram's header
 * chain up to and with the UDP header must be in its first fragment (RFC
 * 8200 4.5, RFC 7112); anything else is a malformed frame.
 */
static __always_inline enum sg_l4 short_l4(const struct sg_pkt *pkt)
{
	return pkt->more_frags && !pkt->frag_off ? SG_L4_FRAG_SHORT :
						    SG_L4_MALFORMED;
}

static __always_inline int ipv6_is_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT ||
	       nh == IPPROTO_AH;
}

static __always_inline enum sg_l4 parse_ipv6(struct hdr_cursor *c, void *end,
					     struct sg_pkt *pkt)
{
	struct ipv6hdr *ip6h = c->pos;
	struct frag6_hdr *fh;
	__u8 *ext;
	__u8 nh;
	__u16 off;
	int i;

	if ((void *)(ip6h + 1) > end)
		return SG_L4_MALFORMED;
	if (ip6h->version != 6)
		return SG_L4_MALFORMED;
	c->pos = ip6h + 1;
	pkt->l3 = ip6h;
	pkt->ip6 = ip6h;
	pkt->l3_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	pkt->ipv6 = 1;
	nh = ip6h->nexthdr;

SG_UNROLL
	for (i = 0; i < SG_IPV6_EXT_MAX; i++) {
		if (!ipv6_is_ext(nh))
			break;
		ext = c->pos;
		if (ext + 8 > (__u8 *)end)
			return short_l4(pkt);
		if (nh == IPPROTO_FRAGMENT) {
			fh = c->pos;
			off = bpf_ntohs(fh->frag_off);
			pkt->is_frag = 1;
			pkt->frag_off = off >> 3;
			pkt->more_frags = off & 1;
			pkt->frag_id = bpf_ntohl(fh->id);
			pkt->frag_proto = fh->nexthdr;
			nh = fh->nexthdr;
			c->pos = fh + 1;
			if (pkt->frag_off) {
				pkt->l4proto = nh;
				return SG_L4_FRAG_LATER;
			}
		} else if (nh == IPPROTO_AH) {
			/* AH: payload length in 4-byte units, minus 2 */
			nh = ext[0];
			c->pos = ext + ((__u32)ext[1] + 2) * 4;
		} else {
			/* length in 8-byte units, not counting the first 8 */
			nh = ext[0];
			c->pos = ext + ((__u32)ext[1] + 1) * 8;
		}
	}
	if (ipv6_is_ext(nh))
		return SG_L4_EXT_CHAIN;
	pkt->l4proto = nh;
	return nh == IPPROTO_UDP ? SG_L4_UDP : SG_L4_NON_UDP;
}

static __always_inline enum sg_l4 parse_udp(struct hdr_cursor *c, void *end,
					    struct sg_pkt *pkt)
{
	struct udphdr *uh = c->pos;

	if ((void *)(uh + 1) > end)
		return short_l4(pkt);
	pkt->sport = bpf_ntohs(uh->source);
	pkt->dport = bpf_ntohs(uh->dest);
	pkt->payload = uh + 1;
	c->pos = uh + 1;
	return SG_L4_UDP;
}

/*
 * How many bytes of UDP payload the IP header says there are.  A frame
 * can be longer (Ethernet pads frames to 60 bytes): those bytes are no
 * part of the datagram.  0 when the header claims less than its own
 * headers.
 */
static __always_inline __u32 pkt_payload_len(const struct sg_pkt *pkt)
{
	__u32 hdrs = (__u32)((__u8 *)pkt->payload - (__u8 *)pkt->l3);

	return pkt->l3_len > hdrs ? pkt->l3_len - hdrs : 0;
}

/*
 * The common frame at fixed offsets: Ethernet without a tag, IPv4 without
 * options, not a fragment, and its UDP header whole in the frame (a
 * frame that long, for another transport).  Fills PKT as parse_walk()
 * would and returns what it would; -1 for any other frame, which the walk
 * then takes.  One bound check and four compares where the walk takes a
 * dozen steps (tags, PPPoE, the header length, the fragment fields):
 * about 3 ns a frame on the bench host (tools/bench/README.md).
 */
static __always_inline int parse_plain4(void *data, void *end,
					struct sg_pkt *pkt)
{
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct udphdr *uh = (void *)(iph + 1);

	if ((void *)(uh + 1) > end)
		return -1;
	/* version 4 and 5 words of header in one byte; MF and the offset */
	if (*(__be16 *)(data + 12) != bpf_htons(ETH_P_IP) ||
	    *(__u8 *)iph != 0x45 ||
	    (iph->frag_off & bpf_htons(SG_IP_MF | SG_IP_OFFSET)))
		return -1;
	pkt->l3 = iph;
	pkt->ip4 = iph;
	pkt->l4proto = iph->protocol;
	pkt->frag_proto = iph->protocol;
	pkt->frag_off = 0;
	pkt->more_frags = 0;
	pkt->is_frag = 0;
	pkt->frag_id = bpf_ntohs(iph->id);
	pkt->l3_len = bpf_ntohs(iph->tot_len);
	if (iph->protocol != IPPROTO_UDP)
		return SG_L4_NON_UDP;
	pkt->sport = bpf_ntohs(uh->source);
	pkt->dport = bpf_ntohs(uh->dest);
	pkt->payload = uh + 1;
	return SG_L4_UDP;
}

/*
 * Walk a frame to the UDP payload: from its Ethernet header, or with L3
 * set (a device without a link-layer header) from the IP header, whose
 * first nibble tells the version.
 */
static __always_inline enum sg_l4 parse_walk(void *data, void *end,
					     struct sg_pkt *pkt, int l3)
{
	struct hdr_cursor c = { .pos = data };
	enum sg_l4 l4;
	__u16 proto;

	if (l3) {
		if (data + 1 > end)
			return SG_L4_MALFORMED;
		switch (*(__u8 *)data >> 4) {
		case 4:
			proto = ETH_P_IP;
			break;
		case 6:
			proto = ETH_P_IPV6;
			break;
		default:
			return SG_L4_NON_IP;
		}
	} else {
		if (parse_ethhdr(&c, end, &proto) < 0)
			return SG_L4_MALFORMED;
		if (proto == SG_ETH_P_PPPOE_SES) {
			if (parse_pppoe(&c, end, &proto) < 0)
				return SG_L4_MALFORMED;
		}
	}
	if (proto == ETH_P_IP)
		l4 = parse_ipv4(&c, end, pkt);
	else if (proto == ETH_P_IPV6)
		l4 = parse_ipv6(&c, end, pkt);
	else
		return SG_L4_NON_IP;
	if (l4 != SG_L4_UDP)
		return l4;
	return parse_udp(&c, end, pkt);
}

/*
 * Parse a frame (PKT zeroed by the caller): the common one at fixed
 * offsets, anything else by the walk.  The two agree on every frame the
 * first takes (tests/host/parse.c, fuzz_parse).
 */
static __always_inline enum sg_l4 parse_packet(void *data, void *end,
					       struct sg_pkt *pkt, int l3)
{
	int l4 = l3 ? -1 : parse_plain4(data, end, pkt);

	if (l4 >= 0)
		return l4;
	return parse_walk(data, end, pkt, l3);
}

/* ::ffff:a.b.c.d for IPv4, the address itself for IPv6. */
static __always_inline void addr_from_v4(struct sg_addr *a, __be32 v4)
{
	__u32 *w = (__u32 *)a->b;

	w[0] = 0;
	w[1] = 0;
	w[2] = bpf_htonl(0x0000ffff);
	w[3] = v4;
}

static __always_inline void addr_from_v6(struct sg_addr *a,
					 const struct in6_addr *v6)
{
	__builtin_memcpy(a->b, v6, 16);
}

static __always_inline void pkt_saddr(const struct sg_pkt *pkt,
				      struct sg_addr *a)
{
	if (pkt->ip6)
		addr_from_v6(a, &pkt->ip6->saddr);
	else if (pkt->ip4)
		addr_from_v4(a, pkt->ip4->saddr);
}

static __always_inline void pkt_daddr(const struct sg_pkt *pkt,
				      struct sg_addr *a)
{
	if (pkt->ip6)
		addr_from_v6(a, &pkt->ip6->daddr);
	else if (pkt->ip4)
		addr_from_v4(a, pkt->ip4->daddr);
}

#endif /* SG_PARSING_H */
