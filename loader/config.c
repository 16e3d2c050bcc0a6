// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The config file.  libinih does the INI syntax; we feed it through our
 * own line reader so that every message carries the line it is about,
 * and so that sections without keys and over-long lines are caught too.
 * The first error wins; a file with any error is not applied at all.
 *
 *   [settings]     monitor = on|off, flow-timeout = SECONDS,
 *                  match-remote-port = on|off, unknown-invite = drop|inspect,
 *                  ban-time = SECONDS
 *   [allow]        prefix = PREFIX|NAME       (repeatable),
 *                  resolver = ADDR[:PORT] (up to 3), refresh-min = SECONDS,
 *                  refresh-max = SECONDS, grace = SECONDS
 *   [flows]        flow = REMOTE[:PORT] LOCAL_PORT   (repeatable)
 *   [deny]         prefix = PREFIX, file = PATH (one prefix a line)
 *   [user-agents]  block = PATTERN            (repeatable)
 *   [users]        user = USER                (repeatable)
 *   [daemon]       interface = IFACE (repeatable), listen = ADDR:PORT,
 *                  mode = auto|native|generic, learn = on|off,
 *                  state-dir = DIR|off, save-interval = SECONDS
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <ini.h>

#include "addr.h"
#include "allow.h"
#include "cli.h"
#include "flowstate.h"
#include "config.h"
#include "deny.h"
#include "env.h"
#include "flows.h"
#include "prefixes.h"
#include "rules.h"
#include "settings.h"

#define SG_CFG_LINE_MAX	200	/* inih's INI_MAX_LINE */

struct cfg_parser {
	struct sg_cfg *cfg;
	FILE *f;
	int line;
	int err_line;		/* first error; 0 if none */
	char err[SG_ERRBUF];
	size_t cap_allow, cap_flows, cap_deny, cap_ua, cap_users, cap_names;
	int refresh_line;	/* the last refresh-min or refresh-max */
};

static const char *const sections[] = {
	"settings", "allow", "flows", "deny", "user-agents", "users", "daemon",
};

static void cfg_error(struct cfg_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cfg_error(struct cfg_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err_line)
		return;
	p->err_line = p->line;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
}

static bool known_section(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!strcasecmp(name, sections[i]))
			return true;
	return false;
}

/*
 * fgets for inih, counting lines.  Section headers are checked here, since
 * inih reports only keys to the handler and an empty unknown section would
 * otherwise pass unnoticed.
 */
static char *cfg_reader(char *str, int num, void *stream)
{
	struct cfg_parser *p = stream;
	char name[64], *s, *end;
	size_t len;
	int c;

	if (!fgets(str, num, p->f))
		return NULL;
	p->line++;
	len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(p->f)) {
		cfg_error(p, "line too long: keep lines under %d characters",
			  num - 3);
		while ((c = fgetc(p->f)) != EOF && c != '\n')
			;
		str[0] = '\0';
		return str;
	}
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s != '[')
		return str;
	end = strchr(s, ']');
	if (!end)
		return str;	/* inih reports the syntax error */
	len = end - s - 1;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, s + 1, len);
	name[len] = '\0';
	if (!known_section(name))
		cfg_error(p, "unknown section [%s]: use [settings], [allow], [flows], [deny], [user-agents], [users] or [daemon]",
			  name);
	return str;
}

/* Make room for one more element in *V (N used, *CAP allocated). */
static int grow(struct cfg_parser *p, void **v, size_t n, size_t *cap,
		size_t size)
{
	void *nv;

	if (n < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 16;
	nv = realloc(*v, *cap * size);
	if (!nv) {
		cfg_error(p, "out of memory");
		return -1;
	}
	*v = nv;
	return 0;
}

/* prefix = NAME: a host name, resolved by whoever applies the file. */
static int add_allow_name(struct cfg_parser *p, const char *name)
{
	struct sg_cfg *cfg = p->cfg;
	size_t i;

	for (i = 0; i < cfg->n_names; i++)
		if (!strcmp(cfg->names[i], name))
			return 1;
	if (cfg->n_names >= SG_HOSTNAMES_MAX) {
		cfg_error(p, "more than %d host names in the allowlist", SG_HOSTNAMES_MAX);
		return 0;
	}
	if (grow(p, (void **)&cfg->names, cfg->n_names, &p->cap_names,
		 sizeof(*cfg->names)))
		return 0;
	snprintf(cfg->names[cfg->n_names++], sizeof(*cfg->names), "%s", name);
	return 1;
}

static int add_allow(struct cfg_parser *p, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	char err[SG_ERRBUF], name[SG_HOSTNAME_MAX + 1];
	struct sg_lpm_key k;
	int r;

	r = sg_allow_parse(value, &k, name, sizeof(name), err, sizeof(err));
	if (r < 0) {
		cfg_error(p, "%s", err);
		return 0;
	}
	if (r)
		return add_allow_name(p, name);
	if (cfg->n_allow >= (cfg->allow_max ?: SG_ALLOW_MAX)) {
		cfg_error(p, "more than %u allowlist prefixes: merge them into wider prefixes, or raise max-entries before them in [allow]",
			  cfg->allow_max ?: SG_ALLOW_MAX);
		return 0;
	}
	if (grow(p, (void **)&cfg->allow, cfg->n_allow, &p->cap_allow, sizeof(k)))
		return 0;
	cfg->allow[cfg->n_allow++] = k;
	return 1;
}

/*
 * The allowlist's capacity, fixed when its map is first created (the
 * first attach); before the prefixes it must hold.
 */
static int allow_max(struct cfg_parser *p, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	unsigned long v;

	if (sg_parse_uint(value, SG_ALLOW_MAX_LIMIT, &v) || v < 1) {
		cfg_error(p, "max-entries = '%s': want a number of prefixes from 1 to %d",
			  value, SG_ALLOW_MAX_LIMIT);
		return 0;
	}
	if (v < cfg->n_allow) {
		cfg_error(p, "max-entries = %lu: %zu prefixes come before it", v,
			  cfg->n_allow);
		return 0;
	}
	cfg->allow_max = v;
	return 1;
}

static int add_flow(struct cfg_parser *p, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	char buf[SG_CFG_LINE_MAX], err[SG_ERRBUF];
	char *remote, *local, *extra, *save;
	struct sg_flow_key k = {};

	snprintf(buf, sizeof(buf), "%s", value);
	remote = strtok_r(buf, " \t", &save);
	local = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (!remote || !local || extra) {
		cfg_error(p, "invalid flow '%s': write REMOTE[:PORT] LOCAL_PORT, e.g. flow = 198.51.100.20:5060 5060",
			  value);
		return 0;
	}
	if (sg_parse_remote(remote, &k.addr, &k.remote_port, err, sizeof(err)) ||
	    sg_parse_port(local, &k.local_port, "local port", err, sizeof(err))) {
		cfg_error(p, "%s", err);
		return 0;
	}
	if (cfg->n_flows >= SG_STATIC_MAX / 2) {
		cfg_error(p, "more than %d static flows", SG_STATIC_MAX / 2);
		return 0;
	}
	if (grow(p, (void **)&cfg->flows, cfg->n_flows, &p->cap_flows, sizeof(k)))
		return 0;
	cfg->flows[cfg->n_flows++] = k;
	return 1;
}

static int add_deny(struct cfg_parser *p, const struct sg_lpm_key *k)
{
	struct sg_cfg *cfg = p->cfg;

	if (cfg->n_deny >= SG_DENY_MAX) {
		cfg_error(p, "more than %d deny prefixes", SG_DENY_MAX);
		return 0;
	}
	if (grow(p, (void **)&cfg->deny, cfg->n_deny, &p->cap_deny, sizeof(*k)))
		return 0;
	cfg->deny[cfg->n_deny++] = *k;
	return 1;
}

static int add_deny_prefix(struct cfg_parser *p, const char *value)
{
	char err[SG_ERRBUF];
	struct sg_lpm_key k;

	if (sg_parse_prefix(value, &k, err, sizeof(err))) {
		cfg_error(p, "%s", err);
		return 0;
	}
	return add_deny(p, &k);
}

/* file = PATH: the prefixes of a deny-list file, checked line by line. */
static int add_deny_file(struct cfg_parser *p, const char *value)
{
	struct sg_lpm_key *keys = NULL;
	size_t n = 0, i;
	int ok = 1;

	if (sg_read_prefix_file(value, &keys, &n)) {
		cfg_error(p, "deny file %s is not usable (see above)", value);
		return 0;
	}
	for (i = 0; i < n && ok; i++)
		ok = add_deny(p, &keys[i]);
	free(keys);
	return ok;
}

static int add_ua(struct cfg_parser *p, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	size_t n = strlen(value), i;

	if (n < SG_UA_PAT_MIN || n > SG_UA_PAT_MAX) {
		cfg_error(p, "User-Agent pattern '%s': a pattern is %d to %d bytes",
			  value, SG_UA_PAT_MIN, SG_UA_PAT_MAX);
		return 0;
	}
	for (i = 0; i < cfg->n_ua; i++)
		if (!strcasecmp(cfg->ua[i], value))
			return 1;
	if (cfg->n_ua >= SG_UA_MAX) {
		cfg_error(p, "more than %d User-Agent patterns", SG_UA_MAX);
		return 0;
	}
	if (grow(p, (void **)&cfg->ua, cfg->n_ua, &p->cap_ua, sizeof(*cfg->ua)))
		return 0;
	snprintf(cfg->ua[cfg->n_ua++], sizeof(*cfg->ua), "%s", value);
	return 1;
}

static int add_user(struct cfg_parser *p, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	char err[SG_ERRBUF];
	struct sg_user_key k;

	if (sg_parse_user(value, &k, err, sizeof(err))) {
		cfg_error(p, "%s", err);
		return 0;
	}
	if (cfg->n_users >= SG_USERS_MAX) {
		cfg_error(p, "more than %d users", SG_USERS_MAX);
		return 0;
	}
	if (grow(p, (void **)&cfg->users, cfg->n_users, &p->cap_users, sizeof(k)))
		return 0;
	cfg->users[cfg->n_users++] = k;
	return 1;
}

/* ---- [daemon]: what `sipguard daemon` attaches and serves ---- */

static int daemon_ifname(struct sg_cfg_daemon *d, const char *v, char *err,
			 size_t elen)
{
	const char *p;
	int i;

	if (!*v || strlen(v) >= IF_NAMESIZE)
		goto bad;
	for (p = v; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || *p == '\t' ||
		    (unsigned char)*p < 0x20)
			goto bad;
	for (i = 0; i < d->n_ifaces; i++) {
		if (!strcmp(d->ifaces[i], v)) {
			snprintf(err, elen, "interface %s is listed twice", v);
			return -1;
		}
	}
	if (d->n_ifaces >= SG_IFACES_MAX) {
		snprintf(err, elen, "more than %d interfaces", SG_IFACES_MAX);
		return -1;
	}
	snprintf(d->ifaces[d->n_ifaces++], IF_NAMESIZE, "%s", v);
	return 0;
bad:
	snprintf(err, elen, "invalid interface name '%s': 1 to %d characters, no '/', ':' or spaces",
		 v, IF_NAMESIZE - 1);
	return -1;
}

/* state-dir = DIR (absolute) or off: where the learned flows are saved. */
static int daemon_state_dir(struct sg_cfg_daemon *d, const char *v, char *err,
			    size_t elen)
{
	if (!strcasecmp(v, "off")) {
		d->state_dir[0] = '\0';
		return 0;
	}
	if (v[0] != '/' || strlen(v) >= sizeof(d->state_dir) - 16) {
		snprintf(err, elen, "invalid state-dir '%s': use an absolute path (shorter than %zu bytes) or off",
			 v, sizeof(d->state_dir) - 16);
		return -1;
	}
	snprintf(d->state_dir, sizeof(d->state_dir), "%s", v);
	return 0;
}

static int daemon_key(struct sg_cfg_daemon *d, const char *name,
		      const char *value, char *err, size_t elen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool on;

	if (!strcasecmp(name, "interface"))
		return daemon_ifname(d, value, err, elen);
	if (!strcasecmp(name, "listen")) {
		if (strlen(value) >= sizeof(d->listen) ||
		    sg_parse_listen(value, &ss, &len, err, elen)) {
			if (strlen(value) >= sizeof(d->listen))
				snprintf(err, elen, "listen address too long");
			return -1;
		}
		snprintf(d->listen, sizeof(d->listen), "%s", value);
		return 0;
	}
	if (!strcasecmp(name, "mode")) {
		if (!strcasecmp(value, "auto"))
			d->mode[0] = '\0';
		else if (!strcasecmp(value, "native") || !strcasecmp(value, "generic"))
			snprintf(d->mode, sizeof(d->mode), "%s", value);
		else {
			snprintf(err, elen, "invalid mode '%s': use auto, native or generic",
				 value);
			return -1;
		}
		return 0;
	}
	if (!strcasecmp(name, "learn")) {
		if (sg_parse_bool(value, &on)) {
			snprintf(err, elen, "invalid value '%s' for learn: use on or off",
				 value);
			return -1;
		}
		d->no_learn = !on;
		return 0;
	}
	if (!strcasecmp(name, "state-dir"))
		return daemon_state_dir(d, value, err, elen);
	if (!strcasecmp(name, "save-interval")) {
		unsigned long v;

		if (sg_parse_uint(value, SG_FLOW_TIMEOUT_MAX, &v)) {
			snprintf(err, elen, "invalid save-interval '%s': use seconds from 0 (only at stop) to %d",
				 value, SG_FLOW_TIMEOUT_MAX);
			return -1;
		}
		d->save_interval_s = v;
		return 0;
	}
	snprintf(err, elen, "unknown key '%s' in [daemon]: use interface, listen, mode, learn, state-dir or save-interval",
		 name);
	return -1;
}

/* [allow] besides prefix: how its host names are resolved. */
static int allow_key(struct cfg_parser *p, const char *name, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	struct sg_hn_policy *pol = &cfg->names_policy;
	char err[SG_ERRBUF];
	unsigned long v;

	if (!strcasecmp(name, "resolver")) {
		if (cfg->n_resolvers >= SG_DNS_SERVERS_MAX) {
			cfg_error(p, "more than %d resolvers", SG_DNS_SERVERS_MAX);
			return 0;
		}
		if (sg_parse_dns_server(value, &cfg->resolvers[cfg->n_resolvers],
					err, sizeof(err))) {
			cfg_error(p, "%s", err);
			return 0;
		}
		cfg->n_resolvers++;
		return 1;
	}
	if (strcasecmp(name, "refresh-min") && strcasecmp(name, "refresh-max") &&
	    strcasecmp(name, "grace")) {
		cfg_error(p, "unknown key '%s' in [allow]: use prefix = PREFIX|NAME, max-entries, resolver, refresh-min, refresh-max or grace",
			  name);
		return 0;
	}
	if (sg_parse_uint(value, SG_HN_TIME_MAX, &v) ||
	    (v == 0 && strcasecmp(name, "grace"))) {
		cfg_error(p, "invalid %s '%s': use seconds from %d to %d", name,
			  value, strcasecmp(name, "grace") ? 1 : 0, SG_HN_TIME_MAX);
		return 0;
	}
	if (!strcasecmp(name, "grace")) {
		pol->grace_s = v;
		return 1;
	}
	if (!strcasecmp(name, "refresh-min"))
		pol->refresh_min_s = v;
	else
		pol->refresh_max_s = v;
	p->refresh_line = p->line;
	return 1;
}

static int cfg_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct cfg_parser *p = user;
	char err[SG_ERRBUF];

	if (!strcasecmp(section, "settings")) {
		int r = sg_setting_apply(&p->cfg->settings, name, value, err,
					 sizeof(err));

		if (r == -ENOENT)
			cfg_error(p, "unknown key '%s' in [settings]: use monitor, flow-timeout, match-remote-port, unknown-invite or ban-time",
				  name);
		else if (r)
			cfg_error(p, "%s", err);
		return !r;
	}
	if (!strcasecmp(section, "deny")) {
		if (!strcasecmp(name, "prefix"))
			return add_deny_prefix(p, value);
		if (!strcasecmp(name, "file"))
			return add_deny_file(p, value);
		cfg_error(p, "unknown key '%s' in [deny]: use prefix = PREFIX or file = PATH",
			  name);
		return 0;
	}
	if (!strcasecmp(section, "user-agents")) {
		if (!strcasecmp(name, "block"))
			return add_ua(p, value);
		cfg_error(p, "unknown key '%s' in [user-agents]: use block = PATTERN",
			  name);
		return 0;
	}
	if (!strcasecmp(section, "users")) {
		if (!strcasecmp(name, "user"))
			return add_user(p, value);
		cfg_error(p, "unknown key '%s' in [users]: use user = USER", name);
		return 0;
	}
	if (!strcasecmp(section, "daemon")) {
		if (daemon_key(&p->cfg->daemon, name, value, err, sizeof(err))) {
			cfg_error(p, "%s", err);
			return 0;
		}
		return 1;
	}
	if (!strcasecmp(section, "allow")) {
		if (!strcasecmp(name, "prefix"))
			return add_allow(p, value);
		if (!strcasecmp(name, "max-entries"))
			return allow_max(p, value);
		return allow_key(p, name, value);
	}
	if (!strcasecmp(section, "flows")) {
		if (!strcasecmp(name, "flow"))
			return add_flow(p, value);
		cfg_error(p, "unknown key '%s' in [flows]: use flow = REMOTE[:PORT] LOCAL_PORT",
			  name);
		return 0;
	}
	if (!*section)
		cfg_error(p, "'%s' outside of a section: put it under [settings], [allow], [flows], [deny], [user-agents], [users] or [daemon]",
			  name);
	else
		cfg_error(p, "unknown section [%s]: use [settings], [allow], [flows], [deny], [user-agents], [users] or [daemon]",
			  section);
	return 0;
}

int sg_cfg_parse(const char *path, struct sg_cfg *cfg)
{
	struct cfg_parser p = { .cfg = cfg };
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	sg_config_defaults(&cfg->settings);
	snprintf(cfg->daemon.state_dir, sizeof(cfg->daemon.state_dir), "%s",
		 SG_STATE_DIR_DEFAULT);
	cfg->daemon.save_interval_s = SG_SAVE_INTERVAL_DEFAULT;
	sg_hn_policy_defaults(&cfg->names_policy);

	p.f = fopen(path, "r");
	if (!p.f) {
		sg_err("cannot read config %s: %s: check the path and permissions",
		       path, strerror(errno));
		return -1;
	}
	ret = ini_parse_stream(cfg_reader, &p, cfg_handler, &p);
	fclose(p.f);
	if (ret < 0) {
		sg_err("cannot parse config %s: out of memory: try again", path);
		goto fail;
	}
	if (p.err_line && (ret == 0 || p.err_line <= ret)) {
		sg_err("%s:%d: %s", path, p.err_line, p.err);
		goto fail;
	}
	if (ret > 0) {
		sg_err("%s:%d: syntax error: write [section], key = value or a ; comment",
		       path, ret);
		goto fail;
	}
	if (cfg->names_policy.refresh_min_s > cfg->names_policy.refresh_max_s) {
		sg_err("%s:%d: refresh-min (%u s) is above refresh-max (%u s)", path,
		       p.refresh_line, cfg->names_policy.refresh_min_s,
		       cfg->names_policy.refresh_max_s);
		goto fail;
	}
	return 0;
fail:
	sg_cfg_free(cfg);
	return -1;
}

/* The settings the file speaks of; the rest (ua_slot...) are the maps'. */
#define SG_CFG_FILE_FLAGS (SG_CFG_MONITOR | SG_CFG_MATCH_PORT | SG_CFG_INSPECT)

int sg_cfg_apply(const struct sg_cfg *cfg, const struct sg_maps *m)
{
	bool l7 = sg_l7_supported();
	struct sg_config cur;
	int err, lock;

	if (!l7 && (cfg->n_ua || cfg->n_users ||
		    (cfg->settings.flags & SG_CFG_INSPECT)))
		fprintf(stderr,
			"Warning: %s: the layer-7 rules (user-agents, users, unknown-invite inspect) cannot work: %s; so they are left out\n",
			cfg->path, sg_l7_missing(false));

	/* Read-modify-write: keep the fields the file does not speak of. */
	if (sg_config_get(m->config, &cur))
		sg_config_defaults(&cur);
	cur.flags &= ~SG_CFG_FILE_FLAGS;
	cur.flags |= cfg->settings.flags & SG_CFG_FILE_FLAGS;
	if (!l7)
		cur.flags &= ~SG_CFG_INSPECT;
	cur.flow_timeout_s = cfg->settings.flow_timeout_s;
	cur.ban_time_s = cfg->settings.ban_time_s;
	err = sg_config_set(m->config, &cur);
	if (err) {
		sg_err_errno(err, "cannot write the settings map",
			     "detach and attach again");
		return -1;
	}
	/* the allowlist: prefixes and names, under the names' lock */
	lock = sg_hn_lock(cfg->n_names > 0);
	if (lock == -1)
		return -1;
	err = sg_allow_sync_config(m, cfg->allow, cfg->n_allow);
	if (!err && lock >= 0)
		err = sg_hn_sync_config(m, (const char (*)[SG_HOSTNAME_MAX + 1])cfg->names,
					cfg->n_names, cfg->resolvers, cfg->n_resolvers);
	sg_hn_unlock(lock);
	if (err)
		return -1;
	if (sg_flows_sync_config(m, cfg->flows, cfg->n_flows))
		return -1;
	if (sg_deny_sync(m, cfg->deny, cfg->n_deny, SG_ORIGIN_CONFIG))
		return -1;
	if (l7 && sg_ua_sync_config(m, cfg->ua, cfg->n_ua))
		return -1;
	if (l7 && sg_users_sync_config(m, cfg->users, cfg->n_users))
		return -1;
	return 0;
}

void sg_cfg_free(struct sg_cfg *cfg)
{
	free(cfg->allow);
	free(cfg->flows);
	free(cfg->deny);
	free(cfg->ua);
	free(cfg->users);
	free(cfg->names);
	cfg->names = NULL;
	cfg->n_names = 0;
	cfg->allow = NULL;
	cfg->flows = NULL;
	cfg->deny = NULL;
	cfg->ua = NULL;
	cfg->users = NULL;
	cfg->n_allow = cfg->n_flows = cfg->n_deny = cfg->n_ua = cfg->n_users = 0;
}
