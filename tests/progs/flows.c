// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Established flows: an INVITE on a flow (hand-made, from the config, or
 * learned from our own outbound requests) passes; a learned flow expires
 * after the flow timeout; with match-port the remote port must match too,
 * except on a hand-made flow without a port.  Each case sets up the flow
 * table, then runs one INVITE.
 */
#include "progs.h"

#define FROM_PBX4(sp, dp)	.src = PBX4, .sport = (sp), .dport = (dp), INVITE

static void static_anyport_pbx4(void)
{
	flow_static_anyport(PBX4, 5060);
}

static void static_anyport_pbx6(void)
{
	flow_static_anyport(PBX6, 5060);
}

/* A static flow, with a flow timeout of one second. */
static void static_config_flow_short_timeout(void)
{
	set_config(0, 1);
	flow_static_anyport(PBX4, 5060);
}

static void static_ported_pbx4(void)
{
	flow_static(PBX4, 5070, 5062);
}

static void learned_10s_ago(void)
{
	flow_learned(PBX4, 5060, 5062, 10);
}

static void learned_beyond_default_timeout(void)
{
	flow_learned(PBX4, 5060, 5062, SG_DEFAULT_FLOW_TIMEOUT + 5);
}

/* Timeout 60 s: the IPv4 flow is 30 s old, the IPv6 one 90 s. */
static void timeout_60_flows_30_and_90(void)
{
	set_config(0, 60);
	flow_learned(PBX4, 5060, 5062, 30);
	flow_learned(PBX6, 5060, 5062, 90);
}

static void learned_1s_ago(void)
{
	flow_learned(PBX4, 5060, 5062, 1);
}

static void match_port_learned_1s_ago(void)
{
	set_config(SG_CFG_MATCH_PORT, 0);
	flow_learned(PBX4, 5060, 5062, 1);
}

static void match_port_static_anyport(void)
{
	set_config(SG_CFG_MATCH_PORT, 0);
	flow_static_anyport(PBX4, 5060);
}

/* A ported static flow: its wildcard copy does not count with match-port */
static void match_port_static_ported(void)
{
	set_config(SG_CFG_MATCH_PORT, 0);
	flow_static(PBX4, 5070, 5062);
}

/* Flows carry their lifetime: a registration's outlives the timeout */
static void timeout_60_registration_300_age_90(void)
{
	set_config(0, 60);
	flow_put_slot(PBX4, 5060, 5062, SG_FLOW_REG_SENT | SG_FLOW_REG_LIFE,
		      300, 90);
}

static void match_port_timeout_100_flow_200(void)
{
	set_config(SG_CFG_MATCH_PORT, 100);
	flow_learned(PBX4, 5060, 5062, 200);
}

static const struct pkt_case flow_cases[] = {
	{ "static_anyport_flow_passed", .setup = static_anyport_pbx4,
	  .frame = { FROM_PBX4(31337, 5060) }, PASS(SG_R_ESTABLISHED) },
	{ "static_anyport_flow_other_local_port_dropped",
	  .setup = static_anyport_pbx4,
	  .frame = { FROM_PBX4(31337, 5062) }, DROP(SG_R_ORPHAN) },
	{ "static_anyport_flow_other_remote_dropped",
	  .setup = static_anyport_pbx4,
	  .frame = { .src = SCAN4, .sport = 31337, INVITE }, DROP(SG_R_ORPHAN) },
	{ "static_flow_v6_passed", .setup = static_anyport_pbx6,
	  .frame = { .src = PBX6, .sport = 5080, INVITE }, PASS(SG_R_ESTABLISHED) },
	{ "static_flow_never_expires", .setup = static_config_flow_short_timeout,
	  .frame = { FROM_PBX4(5060, 5060) }, PASS(SG_R_ESTABLISHED) },
	{ "learned_fresh_flow_passed", .setup = learned_10s_ago,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "learned_expired_flow_dropped", .setup = learned_beyond_default_timeout,
	  .frame = { FROM_PBX4(5060, 5062) }, DROP(SG_R_ORPHAN) },
	{ "config_flow_timeout_younger_passed", .setup = timeout_60_flows_30_and_90,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "config_flow_timeout_older_dropped", .setup = timeout_60_flows_30_and_90,
	  .frame = { .src = PBX6, .dport = 5062, INVITE }, DROP(SG_R_ORPHAN) },
	/* default: the remote port need not match (one wildcard lookup) */
	{ "match_port_off_other_port_passed", .setup = learned_1s_ago,
	  .frame = { FROM_PBX4(5099, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "match_port_on_other_port_dropped", .setup = match_port_learned_1s_ago,
	  .frame = { FROM_PBX4(5099, 5062) }, DROP(SG_R_ORPHAN) },
	{ "match_port_on_same_port_passed", .setup = match_port_learned_1s_ago,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	/* with match-port, a hand-made port-less flow still admits any port... */
	{ "match_port_on_anyport_flow_passed", .setup = match_port_static_anyport,
	  .frame = { FROM_PBX4(40000, 5060) }, PASS(SG_R_ESTABLISHED) },
	/* ...but the wildcard copy of a ported one does not */
	{ "match_port_on_static_shadow_dropped", .setup = match_port_static_ported,
	  .frame = { FROM_PBX4(5060, 5062) }, DROP(SG_R_ORPHAN) },
	{ "match_port_on_static_ported_passed", .setup = match_port_static_ported,
	  .frame = { FROM_PBX4(5070, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "match_port_off_static_ported_other_port_passed",
	  .setup = static_ported_pbx4,
	  .frame = { FROM_PBX4(5099, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "registration_lifetime_beyond_timeout_passed",
	  .setup = timeout_60_registration_300_age_90,
	  .frame = { FROM_PBX4(5060, 5062) }, PASS(SG_R_ESTABLISHED) },
	{ "match_port_on_expired_dropped", .setup = match_port_timeout_100_flow_200,
	  .frame = { FROM_PBX4(5060, 5062) }, DROP(SG_R_ORPHAN) },
	/* the allowlist comes before flows: an allowlisted source counts as such */
	{ "allowlist_checked_before_flows", .allow = { "198.51.100.0/24" },
	  .setup = static_anyport_pbx4,
	  .frame = { FROM_PBX4(5060, 5060) }, PASS(SG_R_ALLOWLIST) },
};

void test_established(void)
{
	RUN_CASES(flow_cases);
}
