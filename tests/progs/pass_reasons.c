// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What passes, and under which reason: traffic that is no IP or no UDP,
 * UDP that is no SIP, keepalives, STUN, SIP responses and every request but
 * INVITE.  Each frame is a packet case: a scanner could send any of them.
 */
#include "progs.h"

#define V6	.src = SCAN6

static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
static const uint8_t echo6[16] = { 128, 0, 0, 0, 0, 1, 0, 1 };
static const uint8_t zeros[4];
/* WireGuard transport data (type 4), DTLS application data, NTP client */
static const uint8_t wireguard[32] = { 4, 0, 0, 0, 0x11, 0x22, 0x33, 0x44 };
static const uint8_t dtls[24] = { 0x17, 0xfe, 0xfd, 0, 1 };
static const uint8_t ntp[48] = { 0x1b, 0, 6, 0xec };
/* a STUN success response (0x0101): its first byte is a blank */
static const uint8_t stun_ok[20] = { 1, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 7 };
/* "INVITE", NUL, a Request-URI; NUL, "INVITE " */
static const uint8_t invite_nul[] = "INVITE\0sip:100@192.0.2.10 SIP/2.0\r\n\r\n";
static const uint8_t nul_invite[] = "\0INVITE sip:100@192.0.2.10 SIP/2.0\r\n\r\n";

static const struct pkt_case pass_cases[] = {
	{ "arp_passed_non_ip",
	  .frame = { .no_ip = 1, .ethertype = 0x0806, .payload = CP_BYTES,
		     .bytes = arp, .n = sizeof(arp) }, PASS(SG_R_NON_IP) },
	{ "tcp_v4_invite_passed_non_udp",
	  .frame = { .proto = PKT_PROTO_TCP, .payload = CP_TCP_SIP },
	  PASS(SG_R_NON_UDP) },
	{ "tcp_v6_after_hbh_invite_passed_non_udp",
	  .frame = { V6, .proto = PKT_PROTO_TCP, .n_ext = 1,
		     .ext = { PKT_EXT_HBH }, .payload = CP_TCP_SIP },
	  PASS(SG_R_NON_UDP) },
	{ "icmpv6_passed_non_udp",
	  .frame = { V6, .proto = PKT_PROTO_ICMP6, .payload = CP_BYTES,
		     .bytes = echo6, .n = sizeof(echo6) }, PASS(SG_R_NON_UDP) },
	{ "rtp_passed_not_sip",
	  .frame = { .sport = 40000, .dport = 40002, .payload = CP_RTP },
	  PASS(SG_R_NOT_SIP) },
	{ "dns_passed_not_sip",
	  .frame = { V6, .sport = 53, .payload = CP_DNS }, PASS(SG_R_NOT_SIP) },
	{ "zero_ping_passed_not_sip",
	  .frame = { .payload = CP_BYTES, .bytes = zeros, .n = 4 },
	  PASS(SG_R_NOT_SIP) },
	{ "empty_udp_passed_not_sip",
	  .frame = { .payload = CP_BYTES, .bytes = "", .n = 0 },
	  PASS(SG_R_NOT_SIP) },
	/* only the start line counts */
	{ "invite_later_in_payload_passed",
	  .frame = { .payload = CP_TEXT,
		     .text = "hello INVITE sip:100@192.0.2.10 SIP/2.0\r\n\r\n" },
	  PASS(SG_R_NOT_SIP) },
	{ "invite_without_blank_passed",
	  .frame = { .payload = CP_TEXT,
		     .text = "INVITEsip:100@192.0.2.10 SIP/2.0\r\n\r\n" },
	  PASS(SG_R_NOT_SIP) },
	{ "bare_invite_word_passed",
	  .frame = { .payload = CP_TEXT, .text = "INVITE" }, PASS(SG_R_NOT_SIP) },
	{ "invite_in_a_message_body_passed",
	  .frame = { .payload = CP_TEXT,
		     .text = "MESSAGE sip:100@192.0.2.10 SIP/2.0\r\n"
			     "Content-Length: 30\r\n\r\n"
			     "INVITE sip:100@192.0.2.10 x" },
	  PASS(SG_R_REQUEST) },
	{ "keepalive_crlfcrlf_passed",
	  .frame = { .payload = CP_TEXT, .text = "\r\n\r\n" }, PASS(SG_R_KEEPALIVE) },
	{ "keepalive_crlfcrlf_v6_passed",
	  .frame = { V6, .payload = CP_TEXT, .text = "\r\n\r\n" },
	  PASS(SG_R_KEEPALIVE) },
	{ "keepalive_crlf_pong_passed",
	  .frame = { .payload = CP_TEXT, .text = "\r\n" }, PASS(SG_R_KEEPALIVE) },
	/*
	 * The same pong as it arrives from the wire: 44 bytes of frame, padded
	 * to the Ethernet minimum of 60 with zeros.  The padding is no UDP
	 * payload.
	 */
	{ "keepalive_eth_padded_counted_keepalive",
	  .frame = { .payload = CP_TEXT, .text = "\r\n", .eth_pad = 1 },
	  PASS(SG_R_KEEPALIVE) },
	/* only blanks: nothing follows, whichever blanks they are */
	{ "keepalive_blanks_passed",
	  .frame = { .payload = CP_TEXT, .text = " \t\r\n \x0b" },
	  PASS(SG_R_KEEPALIVE) },
	{ "keepalive_blanks_v6_passed",
	  .frame = { V6, .payload = CP_TEXT, .text = "\r\n \r\n\t" },
	  PASS(SG_R_KEEPALIVE) },
	/* low first bytes that are no SIP: decided by the first two */
	{ "wireguard_passed_not_sip",
	  .frame = { .sport = 51820, .payload = CP_BYTES, .bytes = wireguard,
		     .n = sizeof(wireguard) }, PASS(SG_R_NOT_SIP) },
	{ "wireguard_v6_passed_not_sip",
	  .frame = { V6, .sport = 51820, .payload = CP_BYTES,
		     .bytes = wireguard, .n = sizeof(wireguard) },
	  PASS(SG_R_NOT_SIP) },
	{ "dtls_passed_not_sip",
	  .frame = { .payload = CP_BYTES, .bytes = dtls, .n = sizeof(dtls) },
	  PASS(SG_R_NOT_SIP) },
	{ "ntp_passed_not_sip",
	  .frame = { .sport = 123, .payload = CP_BYTES, .bytes = ntp,
		     .n = sizeof(ntp) }, PASS(SG_R_NOT_SIP) },
	{ "nul_before_invite_passed_not_sip",
	  .frame = { .payload = CP_BYTES, .bytes = nul_invite,
		     .n = sizeof(nul_invite) - 1 }, PASS(SG_R_NOT_SIP) },
	{ "bang_before_invite_passed_not_sip",
	  .frame = { .payload = CP_TEXT,
		     .text = "!INVITE sip:100@192.0.2.10 SIP/2.0\r\n\r\n" },
	  PASS(SG_R_NOT_SIP) },
	{ "invite_nul_after_method_passed_not_sip",
	  .frame = { V6, .payload = CP_BYTES, .bytes = invite_nul,
		     .n = sizeof(invite_nul) - 1 }, PASS(SG_R_NOT_SIP) },
	{ "stun_success_0x0101_passed",
	  .frame = { .sport = 3478, .payload = CP_BYTES, .bytes = stun_ok,
		     .n = sizeof(stun_ok) }, PASS(SG_R_STUN) },
	{ "stun_success_0x0101_v6_passed",
	  .frame = { V6, .sport = 3478, .payload = CP_BYTES, .bytes = stun_ok,
		     .n = sizeof(stun_ok) }, PASS(SG_R_STUN) },
	/* responses and other requests after blanks */
	{ "sip_response_after_blanks_passed",
	  .frame = { .payload = CP_TEXT,
		     .text = " \r\nSIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n" },
	  PASS(SG_R_RESPONSE) },
	{ "sip_request_OPTIONS_folded_v6_passed",
	  .frame = { V6, .payload = CP_TEXT,
		     .text = "\tOPTIONS\r\n sip:100@192.0.2.10 SIP/2.0\r\n\r\n" },
	  PASS(SG_R_REQUEST) },
	{ "stun_passed",
	  .frame = { .sport = 3478, .payload = CP_STUN }, PASS(SG_R_STUN) },
	{ "stun_v6_passed",
	  .frame = { V6, .sport = 3478, .payload = CP_STUN }, PASS(SG_R_STUN) },
	{ "sip_response_200_passed",
	  .frame = { .payload = CP_RESPONSE, .status = "200 OK" },
	  PASS(SG_R_RESPONSE) },
	{ "sip_response_180_passed",
	  .frame = { .payload = CP_RESPONSE, .status = "180 Ringing" },
	  PASS(SG_R_RESPONSE) },
	{ "sip_response_401_v6_passed",
	  .frame = { V6, .payload = CP_RESPONSE, .status = "401 Unauthorized" },
	  PASS(SG_R_RESPONSE) },
#define REQUEST_CASE(m)							\
	{ "sip_request_" m "_passed", .frame = { REQ(m) }, PASS(SG_R_REQUEST) }
	REQUEST_CASE("OPTIONS"), REQUEST_CASE("REGISTER"), REQUEST_CASE("ACK"),
	REQUEST_CASE("BYE"), REQUEST_CASE("CANCEL"), REQUEST_CASE("SUBSCRIBE"),
	REQUEST_CASE("NOTIFY"), REQUEST_CASE("PUBLISH"), REQUEST_CASE("MESSAGE"),
	REQUEST_CASE("INFO"), REQUEST_CASE("PRACK"), REQUEST_CASE("UPDATE"),
	REQUEST_CASE("REFER"), REQUEST_CASE("options"),
#undef REQUEST_CASE
	{ "sip_request_OPTIONS_v6_passed",
	  .frame = { V6, REQ("OPTIONS") }, PASS(SG_R_REQUEST) },
};

void test_pass_reasons(void)
{
	RUN_CASES(pass_cases);
}
