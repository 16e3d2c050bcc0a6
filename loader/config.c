// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The config file.  libinih does the INI syntax; we feed it through our
 * own line reader so that every message carries the line it is about,
 * and so that sections without keys and over-long lines are caught too.
 * The first error wins; a file with any error is not applied at all.
 *
 *   [settings]  monitor = on|off, flow-timeout = SECONDS,
 *               match-remote-port = on|off
 *   [allow]     prefix = PREFIX            (repeatable)
 *   [flows]     flow = REMOTE[:PORT] LOCAL_PORT   (repeatable)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "config.h"

#define SG_CFG_LINE_MAX	200	/* inih's INI_MAX_LINE */

struct cfg_parser {
	struct sg_cfg *cfg;
	FILE *f;
	int line;
	int err_line;		/* first error; 0 if none */
	char err[SG_ERRBUF];
	size_t cap_allow, cap_flows;
};

static const char *const sections[] = { "settings", "allow", "flows" };

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
		cfg_error(p, "unknown section [%s]: use [settings], [allow] or [flows]",
			  name);
	return str;
}

static int add_allow(struct cfg_parser *p, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	char err[SG_ERRBUF];
	struct sg_lpm_key k, *nv;

	if (sg_parse_prefix(value, &k, err, sizeof(err))) {
		cfg_error(p, "%s", err);
		return 0;
	}
	if (cfg->n_allow >= SG_ALLOW_MAX) {
		cfg_error(p, "more than %d allowlist prefixes: merge them into wider prefixes",
			  SG_ALLOW_MAX);
		return 0;
	}
	if (cfg->n_allow == p->cap_allow) {
		p->cap_allow = p->cap_allow ? 2 * p->cap_allow : 16;
		nv = realloc(cfg->allow, p->cap_allow * sizeof(*nv));
		if (!nv) {
			cfg_error(p, "out of memory");
			return 0;
		}
		cfg->allow = nv;
	}
	cfg->allow[cfg->n_allow++] = k;
	return 1;
}

static int add_flow(struct cfg_parser *p, const char *value)
{
	struct sg_cfg *cfg = p->cfg;
	char buf[SG_CFG_LINE_MAX], err[SG_ERRBUF];
	char *remote, *local, *extra, *save;
	struct sg_flow_key k = {}, *nv;

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
	if (cfg->n_flows >= SG_FLOWS_MAX / 2) {
		cfg_error(p, "more than %d static flows", SG_FLOWS_MAX / 2);
		return 0;
	}
	if (cfg->n_flows == p->cap_flows) {
		p->cap_flows = p->cap_flows ? 2 * p->cap_flows : 16;
		nv = realloc(cfg->flows, p->cap_flows * sizeof(*nv));
		if (!nv) {
			cfg_error(p, "out of memory");
			return 0;
		}
		cfg->flows = nv;
	}
	cfg->flows[cfg->n_flows++] = k;
	return 1;
}

static int set_flag(struct cfg_parser *p, const char *name, const char *value,
		    __u32 flag)
{
	bool on;

	if (sg_parse_bool(value, &on)) {
		cfg_error(p, "invalid value '%s' for %s: use on or off", value,
			  name);
		return 0;
	}
	if (on)
		p->cfg->settings.flags |= flag;
	else
		p->cfg->settings.flags &= ~flag;
	return 1;
}

static int cfg_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct cfg_parser *p = user;
	char err[SG_ERRBUF];

	if (!strcasecmp(section, "settings")) {
		if (!strcasecmp(name, "monitor"))
			return set_flag(p, name, value, SG_CFG_MONITOR);
		if (!strcasecmp(name, "match-remote-port"))
			return set_flag(p, name, value, SG_CFG_MATCH_PORT);
		if (!strcasecmp(name, "flow-timeout")) {
			if (sg_parse_timeout(value, &p->cfg->settings.flow_timeout_s,
					     err, sizeof(err))) {
				cfg_error(p, "%s", err);
				return 0;
			}
			return 1;
		}
		cfg_error(p, "unknown key '%s' in [settings]: use monitor, flow-timeout or match-remote-port",
			  name);
		return 0;
	}
	if (!strcasecmp(section, "allow")) {
		if (!strcasecmp(name, "prefix"))
			return add_allow(p, value);
		cfg_error(p, "unknown key '%s' in [allow]: use prefix = PREFIX",
			  name);
		return 0;
	}
	if (!strcasecmp(section, "flows")) {
		if (!strcasecmp(name, "flow"))
			return add_flow(p, value);
		cfg_error(p, "unknown key '%s' in [flows]: use flow = REMOTE[:PORT] LOCAL_PORT",
			  name);
		return 0;
	}
	if (!*section)
		cfg_error(p, "'%s' outside of a section: put it under [settings], [allow] or [flows]",
			  name);
	else
		cfg_error(p, "unknown section [%s]: use [settings], [allow] or [flows]",
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
	return 0;
fail:
	sg_cfg_free(cfg);
	return -1;
}

int sg_cfg_apply(const struct sg_cfg *cfg, const struct sg_maps *m)
{
	struct sg_config cur;
	int err;

	/* Read-modify-write: keep the fields the file does not speak of. */
	if (sg_config_get(m->config, &cur))
		sg_config_defaults(&cur);
	cur.flags &= ~(SG_CFG_MONITOR | SG_CFG_MATCH_PORT);
	cur.flags |= cfg->settings.flags & (SG_CFG_MONITOR | SG_CFG_MATCH_PORT);
	cur.flow_timeout_s = cfg->settings.flow_timeout_s;
	err = sg_config_set(m->config, &cur);
	if (err) {
		sg_err_errno(err, "cannot write the settings map",
			     "detach and attach again");
		return -1;
	}
	if (sg_allow_sync_config(m->allow, cfg->allow, cfg->n_allow))
		return -1;
	if (sg_flows_sync_config(m->flows, cfg->flows, cfg->n_flows))
		return -1;
	return 0;
}

void sg_cfg_free(struct sg_cfg *cfg)
{
	free(cfg->allow);
	free(cfg->flows);
	cfg->allow = NULL;
	cfg->flows = NULL;
	cfg->n_allow = cfg->n_flows = 0;
}
