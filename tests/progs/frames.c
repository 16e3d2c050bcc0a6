// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The frames of the BPF_PROG_TEST_RUN tests, built with tests/pkt.h: who
 * sends them (in4/in6 to this host, out4/out6 from it), what they carry
 * (SIP requests and responses, fragments of a big INVITE, layer-7 messages
 * with chosen headers), and the table of packet cases: a frame in a few
 * words, run as a subtest that expects one action and one counter.
 */
#include "progs.h"

const int sizes3[3] = { 600, 600, 0 };

void in4(struct pkt_desc *d, const char *src, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, src, LOCAL4, sport, dport);
}

void in6(struct pkt_desc *d, const char *src, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, src, LOCAL6, sport, dport);
}

void build(struct pkt_frame *f, const struct pkt_desc *d,
		  const void *payload, size_t n)
{
	f->len = pkt_build(d, payload, n, f->data, sizeof(f->data));
	if (f->len < 0) {
		FAIL("frame not built");
		f->len = 0;
	}
}

void text(struct pkt_frame *f, const struct pkt_desc *d, const char *s)
{
	build(f, d, s, strlen(s));
}

void request(struct pkt_frame *f, const struct pkt_desc *d,
		    const char *method)
{
	char sip[2048];
	int n = pkt_sip_request(sip, sizeof(sip), method, "192.0.2.10", 0);

	build(f, d, sip, n);
}

void response(struct pkt_frame *f, const struct pkt_desc *d,
		     const char *status)
{
	char sip[1024];
	int n = pkt_sip_response(sip, sizeof(sip), status, "INVITE");

	build(f, d, sip, n);
}

/* A scanner's INVITE to port 5060 over IPv4 / IPv6. */
void scan_invite4(struct pkt_frame *f)
{
	struct pkt_desc d;

	in4(&d, SCAN4, 5060, 5060);
	request(f, &d, "INVITE");
}

void scan_invite6(struct pkt_frame *f)
{
	struct pkt_desc d;

	in6(&d, SCAN6, 5060, 5060);
	request(f, &d, "INVITE");
}

/* A SIP request of about 1800 bytes, as a UA with video SDP sends it. */
int big_invite(char *buf, size_t cap)
{
	return pkt_sip_request(buf, cap, "INVITE", "192.0.2.10", 1400);
}

int fragment(const struct pkt_desc *d, const int *sizes, int n,
		    struct pkt_frame *out)
{
	char sip[4096];
	int len = big_invite(sip, sizeof(sip));

	if (pkt_fragment(d, sip, len, sizes, n, out) != n) {
		FAIL("fragments not built");
		return -1;
	}
	return n;
}

void ext_invite(struct pkt_frame *f, const uint8_t *types, int n)
{
	struct pkt_desc d;
	int i;

	in6(&d, SCAN6, 5060, 5060);
	for (i = 0; i < n; i++)
		pkt_add_ext(&d, types[i], 0);
	request(f, &d, "INVITE");
}

void frag_desc4(struct pkt_desc *d, const char *src, __u32 id)
{
	in4(d, src, 5060, 5060);
	d->id = id;
}

void frag_desc6(struct pkt_desc *d, const char *src, __u32 id)
{
	in6(d, src, 5060, 5060);
	d->id = id;
}

/* F as such a device hands it over: from the IP header on. */
void strip_l2(struct pkt_frame *f, const struct pkt_desc *d)
{
	f->len = pkt_strip_l2(d, f->data, f->len);
	if (f->len < 0) {
		FAIL("frame not stripped");
		f->len = 0;
	}
}

/* An outbound SIP message from this host (after NAT) to a remote. */
void out4(struct pkt_desc *d, const char *dst, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, LOCAL4, dst, sport, dport);
}

void out6(struct pkt_desc *d, const char *dst, __u16 sport, __u16 dport)
{
	pkt_desc_init(d, LOCAL6, dst, sport, dport);
}

/*
 * A request from SRC:5060 with the given Request-URI user and header
 * lines (each "Name: value\r\n", NULL to leave it out).
 */
void sip_msg(struct pkt_frame *f, const char *src, const char *method,
		    const char *ruri_user, const char *from, const char *to,
		    const char *extra)
{
	char sip[4000];
	struct pkt_desc d;
	int n;

	pkt_desc_init(&d, src, strchr(src, ':') ? LOCAL6 : LOCAL4, 5060, 5060);
	n = snprintf(sip, sizeof(sip),
		     "%s sip:%s@192.0.2.10 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 203.0.113.66:5060;branch=z9hG4bK-77\r\n"
		     "Max-Forwards: 70\r\n"
		     "%s%s"
		     "Call-ID: 77@203.0.113.66\r\n"
		     "CSeq: 1 %s\r\n"
		     "%s"
		     "Content-Length: 0\r\n\r\n",
		     method, ruri_user, from ? from : "", to ? to : "", method,
		     extra ? extra : "");
	build(f, &d, sip, n);
}

/* ---- packet cases ---- */

/* The bytes after the headers of a case's frame; returns their length. */
static int case_payload(const struct frame_case *c, uint8_t *b, size_t cap)
{
	static const uint8_t tcp[20] = { 0x13, 0xc4, 0x13, 0xc4, 0, 0, 0, 1,
					 0, 0, 0, 0, 0x50, 0x18 };
	int k = c->n, i;

	switch (c->payload) {
	case CP_REQUEST:
		return pkt_sip_request((char *)b, cap, c->method, LOCAL4, 0);
	case CP_RESPONSE:
		return pkt_sip_response((char *)b, cap, c->status, "INVITE");
	case CP_TEXT:
		return snprintf((char *)b, cap, "%s", c->text);
	case CP_BYTES:
		memcpy(b, c->bytes, c->n);
		return c->n;
	case CP_STUN:
		return pkt_stun_binding(b, 64);
	case CP_RTP:
		return pkt_rtp(b, 200, 160);
	case CP_DNS:
		return pkt_dns_query(b, 64);
	case CP_TCP_SIP:
		memcpy(b, tcp, sizeof(tcp));
		return 20 + pkt_sip_request((char *)b + 20, cap - 20, "INVITE",
					    LOCAL4, 0);
	case CP_SHAPED: {
		char req[2048];
		int n = pkt_sip_request(req, sizeof(req), c->method, LOCAL4, 0);
		int m = strlen(c->method);

		if (n < 0)
			return -1;
		return snprintf((char *)b, cap, "%s%.*s%s%s", c->text, m, req,
				c->status, req + m + 1);
	}
	case CP_CRLF_INVITE:
		memset(b, c->fill ? c->fill : '\r', k);
		for (i = 1; !c->fill && i < k; i += 2)
			b[i] = '\n';
		return k + pkt_sip_request((char *)b + k, cap - k, "INVITE",
					   LOCAL4, 0);
	}
	return -1;
}

bool frame_case_build(struct pkt_frame *f, const struct frame_case *c)
{
	const char *src = c->src ? c->src : SCAN4;
	uint8_t pl[2200];
	struct pkt_desc d;
	int i, n;

	if (pkt_desc_init(&d, src, strchr(src, ':') ? LOCAL6 : LOCAL4,
			  c->sport ? c->sport : 5060,
			  c->dport ? c->dport : 5060))
		return FAIL("bad source address %s", src);
	d.nvlan = c->nvlan;
	if (c->tpid0)
		d.vlan_tpid[0] = c->tpid0;
	for (i = 0; i < 2; i++)
		d.vlan_id[i] = c->vlan_id[i];
	d.pppoe = c->pppoe;
	d.pppoe_sid = c->pppoe_sid;
	d.ppp_proto = c->ppp_proto;
	if (c->no_ip) {
		d.ipver = 0;
		d.ethertype = c->ethertype;
	}
	d.proto = c->proto;
	d.ip4_optlen = c->ip4_optlen;
	for (i = 0; i < c->n_ext && i < CASE_EXT_MAX; i++)
		pkt_add_ext(&d, c->ext[i], 0);
	n = case_payload(c, pl, sizeof(pl));
	if (n < 0)
		return FAIL("no payload of kind %d", c->payload);
	build(f, &d, pl, n);
	if (c->eth_pad)
		f->len = pkt_eth_pad(f->data, f->len, sizeof(f->data));
	return f->len > 0;
}

void run_cases_at(const char *file, int line, const struct pkt_case *cases,
		  int n)
{
	const struct pkt_case *c;
	struct pkt_frame f;
	int i, k;

	for (i = 0; i < n; i++) {
		c = &cases[i];
		if (!subtest(c->name))
			continue;
		for (k = 0; k < 2 && c->allow[k]; k++)
			allow_add(c->allow[k]);
		if (c->setup)
			c->setup();
		if (!frame_case_build(&f, &c->frame))
			continue;
		expect_at(file, line, "frame", f.data, f.len, c->act, c->reason,
			  c->act == XDP_DROP ? SG_V_DROP : SG_V_PASS);
	}
}
