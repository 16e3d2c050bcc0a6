/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pkt.h: build test frames into a caller's buffer.
 *
 * For the unit tests (BPF_PROG_TEST_RUN), the host tests, the fuzzer's seeds
 * and the benchmark.  Self-contained: static inline functions over libc, no
 * globals, no allocation, no BPF or libbpf header.
 *
 * A frame is described by a struct pkt_desc, layer by layer:
 *
 *   Ethernet -> 0..PKT_VLAN_MAX VLAN tags (outer 0x88a8 when there are two or
 *   more, 0x8100 otherwise, unless given) -> optional PPPoE session header
 *   (0x8864, PPP 0x0021 / 0x0057) -> IPv4 (options, id, DF/MF, fragment
 *   offset, header checksum) or IPv6 (a list of extension headers:
 *   hop-by-hop, routing, destination options, fragment, AH) -> UDP (ports,
 *   length, checksum: always over IPv6, on request over IPv4) -> payload.
 *
 * Next-protocol fields and length fields (PPPoE length, IPv4 total length,
 * IPv6 payload length, UDP length) are filled in from what follows them.
 *
 *	struct pkt_desc d;
 *	uint8_t frame[PKT_FRAME_MAX];
 *	char sip[1024];
 *	int n, len;
 *
 *	pkt_desc_init(&d, "203.0.113.9", "192.0.2.10", 5060, 5060);
 *	d.nvlan = 1; d.vlan_id[0] = 7;
 *	n = pkt_sip_request(sip, sizeof(sip), "INVITE", "192.0.2.10", 0);
 *	len = pkt_build(&d, sip, n, frame, sizeof(frame));
 *
 * pkt_fragment() splits one UDP datagram into IPv4 or IPv6 fragments of
 * given sizes, each a whole frame with the same layer 2.
 *
 * Every function returns a length, or -1 when the description is invalid or
 * the buffer is too small; nothing is written past the given capacity.
 * Addresses in examples and tests come only from the documentation ranges
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 */
#ifndef SG_TESTS_PKT_H
#define SG_TESTS_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#define PKT_FRAME_MAX	4096	/* fits BPF_PROG_TEST_RUN's one page */
#define PKT_VLAN_MAX	3	/* one more than the parser walks */
#define PKT_EXT6_MAX	12	/* more than the parser walks */
#define PKT_FRAG_MAX	16	/* fragments pkt_fragment() makes */

#define PKT_ETH_HLEN	14
#define PKT_ETH_ZLEN	60	/* minimum frame without FCS: shorter is padded */
#define PKT_VLAN_HLEN	4
#define PKT_PPPOE_HLEN	8	/* PPPoE header and the PPP protocol field */
#define PKT_IP4_HLEN	20
#define PKT_IP6_HLEN	40
#define PKT_UDP_HLEN	8

#define PKT_ETH_P_IP		0x0800
#define PKT_ETH_P_IPV6		0x86dd
#define PKT_ETH_P_8021Q		0x8100
#define PKT_ETH_P_8021AD	0x88a8
#define PKT_ETH_P_PPPOE_DISC	0x8863
#define PKT_ETH_P_PPPOE_SES	0x8864
#define PKT_PPP_IP		0x0021
#define PKT_PPP_IPV6		0x0057

/* IPv6 extension header types: their next-header numbers. */
#define PKT_EXT_HBH	0
#define PKT_EXT_ROUTING	43
#define PKT_EXT_FRAG	44
#define PKT_EXT_AH	51
#define PKT_EXT_DSTOPTS	60

#define PKT_PROTO_TCP	6
#define PKT_PROTO_UDP	17
#define PKT_PROTO_ICMP6	58

struct pkt_ext6 {
	uint8_t type;		/* PKT_EXT_* */
	uint16_t len;		/* bytes; 0: minimum (8; AH: 24). Multiple of 8 */
	/* fragment header only */
	uint16_t frag_off;	/* in 8-byte units */
	uint8_t more;		/* M flag */
	uint32_t id;
};

struct pkt_desc {
	/* layer 2 */
	uint8_t nvlan;				/* 0..PKT_VLAN_MAX tags */
	uint16_t vlan_tpid[PKT_VLAN_MAX];	/* 0: default, outermost first */
	uint16_t vlan_id[PKT_VLAN_MAX];		/* VID (low 12 bits of TCI) */
	uint8_t pppoe;				/* add a PPPoE session header */
	uint16_t pppoe_sid;
	uint16_t ppp_proto;			/* 0: from ipver */
	uint16_t ethertype;	/* 0: from what follows; else sent as is */

	/* layer 3 */
	uint8_t ipver;		/* 4, 6, or 0: the payload follows layer 2 */
	uint8_t src[16];	/* IPv4: first 4 bytes */
	uint8_t dst[16];
	uint8_t ttl;		/* 0: 64 (IPv6 hop limit too) */
	uint8_t proto;		/* 0: UDP */
	uint32_t id;		/* IPv4 id (16 bit); id of IPv6 fragment
				 * headers that pkt_fragment() adds */
	/* IPv4 */
	uint8_t ip4_optlen;	/* option bytes: multiple of 4, <= 40 */
	uint8_t ip4_df;
	uint8_t ip4_mf;
	uint16_t ip4_frag_off;	/* in 8-byte units */
	/* IPv6 */
	uint8_t n_ext;
	struct pkt_ext6 ext[PKT_EXT6_MAX];

	/* layer 4 */
	uint16_t sport, dport;
	uint8_t udp_csum;	/* IPv4: compute the UDP checksum (IPv6: always) */
	uint8_t raw_l4;		/* the payload is the whole L3 payload: no UDP
				 * header is built (a later fragment, another
				 * transport) */
};

struct pkt_frame {
	int len;
	uint8_t data[PKT_FRAME_MAX];
};

/*
 * Start a description of an Ethernet/IP/UDP frame from src to dst, both
 * IPv4 or both IPv6 in text form.  Returns 0, or -1 on a bad address.
 */
static inline int pkt_desc_init(struct pkt_desc *d, const char *src,
				const char *dst, uint16_t sport, uint16_t dport)
{
	int af = strchr(src, ':') ? AF_INET6 : AF_INET;

	memset(d, 0, sizeof(*d));
	d->ipver = af == AF_INET6 ? 6 : 4;
	if (inet_pton(af, src, d->src) != 1 || inet_pton(af, dst, d->dst) != 1)
		return -1;
	d->sport = sport;
	d->dport = dport;
	return 0;
}

/* Add an IPv6 extension header to the end of the list; returns its index. */
static inline int pkt_add_ext(struct pkt_desc *d, uint8_t type, uint16_t len)
{
	if (d->n_ext >= PKT_EXT6_MAX)
		return -1;
	memset(&d->ext[d->n_ext], 0, sizeof(d->ext[0]));
	d->ext[d->n_ext].type = type;
	d->ext[d->n_ext].len = len;
	return d->n_ext++;
}

static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	pkt_put16(p, v >> 16);
	pkt_put16(p + 2, v & 0xffff);
}

/* RFC 1071 one's complement sum, network byte order, odd lengths padded. */
static inline uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline int pkt_ext_len(const struct pkt_ext6 *e)
{
	if (e->type == PKT_EXT_FRAG)
		return 8;
	if (e->len == 0)
		return e->type == PKT_EXT_AH ? 24 : 8;
	if (e->len % 8 || e->len > 2048)
		return -1;
	if (e->type == PKT_EXT_AH && e->len < 16)
		return -1;
	return e->len;
}

static inline int pkt_l2_len(const struct pkt_desc *d)
{
	if (d->nvlan > PKT_VLAN_MAX)
		return -1;
	return PKT_ETH_HLEN + d->nvlan * PKT_VLAN_HLEN +
	       (d->pppoe ? PKT_PPPOE_HLEN : 0);
}

static inline int pkt_l3_len(const struct pkt_desc *d)
{
	int i, n, len;

	if (d->ipver == 4) {
		if (d->ip4_optlen % 4 || d->ip4_optlen > 40)
			return -1;
		return PKT_IP4_HLEN + d->ip4_optlen;
	}
	if (d->ipver != 6)
		return d->ipver == 0 ? 0 : -1;
	if (d->n_ext > PKT_EXT6_MAX)
		return -1;
	len = PKT_IP6_HLEN;
	for (i = 0; i < d->n_ext; i++) {
		n = pkt_ext_len(&d->ext[i]);
		if (n < 0)
			return -1;
		len += n;
	}
	return len;
}

static inline int pkt_is_udp(const struct pkt_desc *d)
{
	return d->ipver && !d->raw_l4 &&
	       (d->proto == 0 || d->proto == PKT_PROTO_UDP);
}

/*
 * Offset of the payload given to pkt_build() in the frame: the length of
 * every header before it.  -1 for an invalid description.
 */
static inline int pkt_hdr_len(const struct pkt_desc *d)
{
	int l2 = pkt_l2_len(d), l3 = pkt_l3_len(d);

	if (l2 < 0 || l3 < 0)
		return -1;
	return l2 + l3 + (pkt_is_udp(d) ? PKT_UDP_HLEN : 0);
}

/* Offset of the IP header in the frame. */
static inline int pkt_l3_off(const struct pkt_desc *d)
{
	return pkt_l2_len(d);
}

/*
 * A UDP header and payload into out, checksum over the pseudo-header of d's
 * addresses: always for IPv6, for IPv4 when d->udp_csum is set (else 0).
 * The checksum ignores a routing header's final destination.
 */
static inline int pkt_udp_datagram(const struct pkt_desc *d,
				   const void *payload, size_t len,
				   uint8_t *out, size_t cap)
{
	size_t total = PKT_UDP_HLEN + len;
	uint8_t pseudo[40];
	uint32_t sum;
	uint16_t c;
	int alen = d->ipver == 6 ? 16 : 4;

	if (total > cap || total > 0xffff)
		return -1;
	pkt_put16(out, d->sport);
	pkt_put16(out + 2, d->dport);
	pkt_put16(out + 4, (uint16_t)total);
	pkt_put16(out + 6, 0);
	if (len)
		memmove(out + PKT_UDP_HLEN, payload, len);
	if (d->ipver != 6 && !d->udp_csum)
		return (int)total;

	memset(pseudo, 0, sizeof(pseudo));
	memcpy(pseudo, d->src, alen);
	memcpy(pseudo + alen, d->dst, alen);
	if (alen == 16) {
		pkt_put32(pseudo + 32, (uint32_t)total);
		pseudo[39] = PKT_PROTO_UDP;
		sum = pkt_csum_add(0, pseudo, 40);
	} else {
		pseudo[9] = PKT_PROTO_UDP;
		pkt_put16(pseudo + 10, (uint16_t)total);
		sum = pkt_csum_add(0, pseudo, 12);
	}
	sum = pkt_csum_add(sum, out, total);
	c = pkt_csum_fold(sum);
	pkt_put16(out + 6, c ? c : 0xffff);
	return (int)total;
}

static inline uint16_t pkt_l3_ethertype(const struct pkt_desc *d)
{
	if (d->ethertype)
		return d->ethertype;
	if (d->pppoe)
		return PKT_ETH_P_PPPOE_SES;
	return d->ipver == 6 ? PKT_ETH_P_IPV6 : PKT_ETH_P_IP;
}

/* Ethernet, VLAN tags and PPPoE for an L3 packet of l3len bytes. */
static inline int pkt_put_l2(const struct pkt_desc *d, size_t l3len,
			     uint8_t *p)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint16_t tpid, ppp;
	int i, off = 12;

	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	for (i = 0; i < d->nvlan; i++) {
		tpid = d->vlan_tpid[i];
		if (!tpid)
			tpid = i == 0 && d->nvlan > 1 ? PKT_ETH_P_8021AD :
							PKT_ETH_P_8021Q;
		pkt_put16(p + off, tpid);
		pkt_put16(p + off + 2, d->vlan_id[i] & 0x0fff);
		off += PKT_VLAN_HLEN;
	}
	pkt_put16(p + off, pkt_l3_ethertype(d));
	off += 2;
	if (d->pppoe) {
		ppp = d->ppp_proto ? d->ppp_proto :
		      d->ipver == 6 ? PKT_PPP_IPV6 : PKT_PPP_IP;
		p[off] = 0x11;			/* version 1, type 1 */
		p[off + 1] = 0;			/* code: session data */
		pkt_put16(p + off + 2, d->pppoe_sid);
		pkt_put16(p + off + 4, (uint16_t)(l3len + 2));
		pkt_put16(p + off + 6, ppp);
		off += PKT_PPPOE_HLEN;
	}
	return off;
}

static inline void pkt_put_ip4(const struct pkt_desc *d, size_t l4len,
			       uint8_t *p)
{
	int hlen = PKT_IP4_HLEN + d->ip4_optlen;
	uint16_t frag = d->ip4_frag_off & 0x1fff;

	if (d->ip4_df)
		frag |= 0x4000;
	if (d->ip4_mf)
		frag |= 0x2000;
	p[0] = 0x40 | (hlen / 4);
	p[1] = 0;
	pkt_put16(p + 2, (uint16_t)(hlen + l4len));
	pkt_put16(p + 4, (uint16_t)d->id);
	pkt_put16(p + 6, frag);
	p[8] = d->ttl ? d->ttl : 64;
	p[9] = d->proto ? d->proto : PKT_PROTO_UDP;
	pkt_put16(p + 10, 0);
	memcpy(p + 12, d->src, 4);
	memcpy(p + 16, d->dst, 4);
	/* options: NOPs, the last byte End of Option List */
	memset(p + PKT_IP4_HLEN, 1, d->ip4_optlen);
	if (d->ip4_optlen)
		p[hlen - 1] = 0;
	pkt_put16(p + 10, pkt_csum_fold(pkt_csum_add(0, p, hlen)));
}

static inline void pkt_put_ext(const struct pkt_ext6 *e, uint8_t next,
			       uint8_t *p)
{
	int len = pkt_ext_len(e);

	memset(p, 0, len);
	p[0] = next;
	switch (e->type) {
	case PKT_EXT_FRAG:
		pkt_put16(p + 2, (uint16_t)(e->frag_off << 3 | (e->more & 1)));
		pkt_put32(p + 4, e->id);
		break;
	case PKT_EXT_AH:
		p[1] = len / 4 - 2;
		pkt_put32(p + 4, 0x1000);	/* SPI */
		pkt_put32(p + 8, 1);		/* sequence number */
		break;
	case PKT_EXT_ROUTING:
		p[1] = len / 8 - 1;
		p[2] = 253;	/* routing type for experiments (RFC 4727) */
		p[3] = 0;	/* segments left: 0, nothing to route */
		break;
	default:		/* hop-by-hop, destination options */
		p[1] = len / 8 - 1;
		p[2] = 1;	/* PadN over the rest */
		p[3] = len - 4;
		break;
	}
}

static inline void pkt_put_ip6(const struct pkt_desc *d, size_t l4len,
			       uint8_t *p)
{
	uint8_t last = d->proto ? d->proto : PKT_PROTO_UDP;
	int i, off = PKT_IP6_HLEN, l3 = pkt_l3_len(d);

	memset(p, 0, PKT_IP6_HLEN);
	p[0] = 0x60;
	pkt_put16(p + 4, (uint16_t)(l3 - PKT_IP6_HLEN + l4len));
	p[6] = d->n_ext ? d->ext[0].type : last;
	p[7] = d->ttl ? d->ttl : 64;
	memcpy(p + 8, d->src, 16);
	memcpy(p + 24, d->dst, 16);
	for (i = 0; i < d->n_ext; i++) {
		pkt_put_ext(&d->ext[i],
			    i + 1 < d->n_ext ? d->ext[i + 1].type : last,
			    p + off);
		off += pkt_ext_len(&d->ext[i]);
	}
}

/*
 * Layer 2 and layer 3 headers in front of l4 (l4len bytes, copied as they
 * are): the whole frame.  l4 may point into buf past the headers.
 */
static inline int pkt_build_l3(const struct pkt_desc *d, const void *l4,
			       size_t l4len, uint8_t *buf, size_t cap)
{
	int l2 = pkt_l2_len(d), l3 = pkt_l3_len(d);
	size_t total;

	if (l2 < 0 || l3 < 0)
		return -1;
	total = (size_t)l2 + l3 + l4len;
	if (total > cap || l3 + l4len > 0xffff)
		return -1;
	memmove(buf + l2 + l3, l4, l4len);
	pkt_put_l2(d, l3 + l4len, buf);
	if (d->ipver == 4)
		pkt_put_ip4(d, l4len, buf + l2);
	else if (d->ipver == 6)
		pkt_put_ip6(d, l4len, buf + l2);
	return (int)total;
}

/*
 * The whole frame for payload: a UDP datagram unless d->proto names another
 * transport or d->raw_l4 is set, in which case payload is the L3 payload.
 */
static inline int pkt_build(const struct pkt_desc *d, const void *payload,
			    size_t len, uint8_t *buf, size_t cap)
{
	int hl = pkt_hdr_len(d), n;

	if (hl < 0 || (size_t)hl + len > cap)
		return -1;
	if (!pkt_is_udp(d))
		return pkt_build_l3(d, payload, len, buf, cap);
	n = pkt_udp_datagram(d, payload, len, buf + hl - PKT_UDP_HLEN,
			     cap - hl + PKT_UDP_HLEN);
	if (n < 0)
		return -1;
	return pkt_build_l3(d, buf + hl - PKT_UDP_HLEN, n, buf, cap);
}

/*
 * Take the link-layer header off a frame that pkt_build() made for d: the
 * packet as a device without one (ppp, tun, WireGuard, raw-IP) hands it
 * over.  Returns the new length, or -1.
 */
static inline int pkt_strip_l2(const struct pkt_desc *d, uint8_t *buf, int len)
{
	int l2 = pkt_l2_len(d);

	if (len < 0 || l2 < 0 || l2 > len)
		return -1;
	memmove(buf, buf + l2, len - l2);
	return len - l2;
}

/*
 * Split the UDP datagram of payload into n fragments: fragment i carries
 * sizes[i] bytes of the datagram (UDP header included); all but the last
 * must be multiples of 8, and a last size of 0 means "the rest".  IPv4
 * fragments carry d->id; IPv6 fragments get a fragment header with id d->id
 * after d's extension headers (which must not hold one themselves).
 * Frames go to out[0..n-1] in datagram order; returns n or -1.
 */
static inline int pkt_fragment(const struct pkt_desc *d, const void *payload,
			       size_t len, const int *sizes, int n,
			       struct pkt_frame *out)
{
	uint8_t dgram[PKT_FRAME_MAX * 4];
	struct pkt_desc f;
	int i, dlen, off = 0, sz, fi;

	if (n < 1 || n > PKT_FRAG_MAX || (d->ipver != 4 && d->ipver != 6))
		return -1;
	for (i = 0; i < d->n_ext; i++)
		if (d->ext[i].type == PKT_EXT_FRAG)
			return -1;
	dlen = pkt_udp_datagram(d, payload, len, dgram, sizeof(dgram));
	if (dlen < 0)
		return -1;
	for (i = 0; i < n; i++) {
		sz = sizes[i];
		if (i == n - 1 && sz == 0)
			sz = dlen - off;
		if (sz <= 0 || off + sz > dlen || (i < n - 1 && sz % 8))
			return -1;
		if (i == n - 1 && off + sz != dlen)
			return -1;
		f = *d;
		f.raw_l4 = 1;
		f.proto = PKT_PROTO_UDP;
		if (d->ipver == 4) {
			f.ip4_frag_off = off / 8;
			f.ip4_mf = i < n - 1;
			f.ip4_df = 0;
		} else {
			fi = pkt_add_ext(&f, PKT_EXT_FRAG, 8);
			if (fi < 0)
				return -1;
			f.ext[fi].frag_off = off / 8;
			f.ext[fi].more = i < n - 1;
			f.ext[fi].id = d->id;
		}
		out[i].len = pkt_build_l3(&f, dgram + off, sz, out[i].data,
					  sizeof(out[i].data));
		if (out[i].len < 0)
			return -1;
		off += sz;
	}
	return n;
}

/* Pad a frame shorter than 60 bytes with zeros, as a NIC does on the wire. */
static inline int pkt_eth_pad(uint8_t *buf, int len, size_t cap)
{
	if (len < 0 || (size_t)PKT_ETH_ZLEN > cap)
		return -1;
	if (len < PKT_ETH_ZLEN) {
		memset(buf + len, 0, PKT_ETH_ZLEN - len);
		len = PKT_ETH_ZLEN;
	}
	return len;
}

/* snprintf that reports truncation as -1 and advances an offset. */
static inline int pkt_appendf_end(int r, size_t cap, size_t *off)
{
	if (r < 0 || (size_t)r >= cap - *off)
		return -1;
	*off += r;
	return 0;
}

#define PKT_APPENDF(buf, cap, off, ...)					\
	pkt_appendf_end(snprintf((buf) + *(off), (cap) - *(off), __VA_ARGS__), \
			(cap), (off))

/*
 * A SIP request as a UA sends it: request line, Via, Max-Forwards, From,
 * To, Call-ID, CSeq, Contact, User-Agent, Content-Length; then body_len
 * bytes of SDP-like body (0: none).  host goes into the Request-URI and To.
 * Returns the length (no terminating NUL counted), or -1.
 */
static inline int pkt_sip_request(char *buf, size_t cap, const char *method,
				  const char *host, size_t body_len)
{
	static const char sdp[] =
		"v=0\r\no=- 1 1 IN IP4 198.51.100.20\r\ns=-\r\n"
		"c=IN IP4 198.51.100.20\r\nt=0 0\r\n"
		"m=audio 40000 RTP/AVP 0 8 101\r\n";
	size_t off = 0, i;

	if (PKT_APPENDF(buf, cap, &off,
			"%s sip:100@%s SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-1-2\r\n"
			"Max-Forwards: 70\r\n"
			"From: <sip:200@198.51.100.20>;tag=4711\r\n"
			"To: <sip:100@%s>\r\n"
			"Call-ID: 1-2-3@198.51.100.20\r\n"
			"CSeq: 1 %s\r\n"
			"Contact: <sip:200@198.51.100.20:5060>\r\n"
			"User-Agent: sipguard-test\r\n"
			"%s"
			"Content-Length: %zu\r\n\r\n",
			method, host, host, method,
			body_len ? "Content-Type: application/sdp\r\n" : "",
			body_len) < 0)
		return -1;
	if (body_len > cap - off)
		return -1;
	for (i = 0; i < body_len; i++)
		buf[off + i] = i < sizeof(sdp) - 1 ? sdp[i] :
			       i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	return (int)(off + body_len);
}

/* A SIP response: "SIP/2.0 <status>" and the usual headers. */
static inline int pkt_sip_response(char *buf, size_t cap, const char *status,
				   const char *method)
{
	size_t off = 0;

	if (PKT_APPENDF(buf, cap, &off,
			"SIP/2.0 %s\r\n"
			"Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-1-2\r\n"
			"From: <sip:200@198.51.100.20>;tag=4711\r\n"
			"To: <sip:100@192.0.2.10>;tag=99\r\n"
			"Call-ID: 1-2-3@198.51.100.20\r\n"
			"CSeq: 1 %s\r\n"
			"Content-Length: 0\r\n\r\n",
			status, method) < 0)
		return -1;
	return (int)off;
}

/* A STUN Binding Request (RFC 5389): 20 bytes, no attributes. */
static inline int pkt_stun_binding(uint8_t *buf, size_t cap)
{
	int i;

	if (cap < 20)
		return -1;
	pkt_put16(buf, 0x0001);
	pkt_put16(buf + 2, 0);
	pkt_put32(buf + 4, 0x2112A442);
	for (i = 8; i < 20; i++)
		buf[i] = (uint8_t)(0x30 + i);	/* transaction id */
	return 20;
}

/* An RTP packet (version 2, PCMU) with len bytes of audio. */
static inline int pkt_rtp(uint8_t *buf, size_t cap, size_t len)
{
	size_t i;

	if (cap < 12 + len)
		return -1;
	buf[0] = 0x80;
	buf[1] = 0;
	pkt_put16(buf + 2, 4711);
	pkt_put32(buf + 4, 160 * 4711);
	pkt_put32(buf + 8, 0x5eed5eed);
	for (i = 0; i < len; i++)
		buf[12 + i] = 0xff ^ (uint8_t)i;
	return (int)(12 + len);
}

/* A DNS query for "example.org" A. */
static inline int pkt_dns_query(uint8_t *buf, size_t cap)
{
	static const uint8_t q[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
		0, 1, 0, 1,
	};

	if (cap < sizeof(q))
		return -1;
	memcpy(buf, q, sizeof(q));
	return sizeof(q);
}

/* Hex dump, 16 bytes a line, for test failure messages. */
static inline void pkt_hexdump(FILE *f, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%s%02x%s", i % 16 ? "" : "    ", p[i],
			i % 16 == 15 || i + 1 == len ? "\n" : " ");
}

#endif /* SG_TESTS_PKT_H */
