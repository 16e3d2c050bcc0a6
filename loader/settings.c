// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard set NAME VALUE...`: the runtime settings in the pinned config
 * map (the config file's [settings] go through sg_setting_apply() too).
 * One read-modify-write of its single entry; the programs read it
 * per packet, so a change takes effect at once, without a reload.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "env.h"
#include "main.h"
#include "pins.h"
#include "settings.h"

enum setting_kind {
	SET_BOOL,	/* on|off: a SG_CFG_* flag */
	SET_SECONDS,	/* a __u32 field of seconds */
	SET_POLICY,	/* drop|inspect: SG_CFG_INSPECT */
};

struct setting {
	const char *name;
	const char *values;	/* for messages */
	enum setting_kind kind;
	__u32 flag;		/* SET_BOOL, SET_POLICY */
	size_t field;		/* SET_SECONDS: offset in struct sg_config */
	__u32 min_seconds;
};

static const struct setting settings[] = {
	{ "monitor",           "on|off",       SET_BOOL,    SG_CFG_MONITOR, 0, 0 },
	{ "flow-timeout",      "SECONDS",      SET_SECONDS, 0,
	  offsetof(struct sg_config, flow_timeout_s), 1 },
	{ "match-remote-port", "on|off",       SET_BOOL,    SG_CFG_MATCH_PORT, 0, 0 },
	{ "unknown-invite",    "drop|inspect", SET_POLICY,  SG_CFG_INSPECT, 0, 0 },
	{ "ban-time",          "SECONDS",      SET_SECONDS, 0,
	  offsetof(struct sg_config, ban_time_s), 0 },
	{ 0 }
};

static const struct setting *find_setting(const char *name)
{
	const struct setting *s;

	for (s = settings; s->name; s++)
		if (!strcasecmp(s->name, name))
			return s;
	return NULL;
}

int sg_setting_apply(struct sg_config *cfg, const char *name, const char *value,
		     char *err, size_t elen)
{
	const struct setting *s = find_setting(name);
	__u32 *field;
	bool on;

	if (!s) {
		snprintf(err, elen, "unknown setting '%s'", name);
		return -ENOENT;
	}
	switch (s->kind) {
	case SET_SECONDS:
		field = (__u32 *)((char *)cfg + s->field);
		if (s->min_seconds == 0 && !strcmp(value, "0")) {
			*field = 0;
			return 0;
		}
		if (sg_parse_timeout(value, field, err, elen)) {
			snprintf(err, elen, "invalid value '%s' for %s: use seconds from %u to %d",
				 value, name, s->min_seconds, SG_FLOW_TIMEOUT_MAX);
			return -EINVAL;
		}
		return 0;
	case SET_POLICY:
		if (!strcasecmp(value, "inspect"))
			on = true;
		else if (!strcasecmp(value, "drop"))
			on = false;
		else {
			snprintf(err, elen, "invalid value '%s' for %s: use drop or inspect",
				 value, name);
			return -EINVAL;
		}
		break;
	default:
		if (sg_parse_bool(value, &on)) {
			snprintf(err, elen, "invalid value '%s' for %s: use on or off",
				 value, name);
			return -EINVAL;
		}
	}
	if (on)
		cfg->flags |= s->flag;
	else
		cfg->flags &= ~s->flag;
	return 0;
}

/* Apply NAME VALUE to CFG; prints the error. */
static int apply_setting(struct sg_config *cfg, const char *name,
			 const char *value)
{
	char err[SG_ERRBUF];
	int r = sg_setting_apply(cfg, name, value, err, sizeof(err));

	if (r == -ENOENT)
		return sg_usage("set", "%s", err);
	if (r) {
		sg_err("%s", err);
		return SG_EXIT_FAIL;
	}
	return SG_EXIT_OK;
}

int do_set(int argc, char **argv)
{
	struct sg_config cfg, scratch;
	struct sg_maps m;
	int first, i, ret, err;

	first = sg_getopt(argc, argv, "set", NULL, NULL, NULL, NULL);
	if (first < 0)
		return SG_EXIT_USAGE;
	argc -= first;
	argv += first;
	if (argc == 0)
		return sg_usage("set", "set needs a setting and a value");
	if (argc % 2)
		return find_setting(argv[argc - 1]) ?
			sg_usage("set", "setting '%s' needs a value", argv[argc - 1]) :
			sg_usage("set", "unknown setting '%s'", argv[argc - 1]);

	/* Validate everything before touching the map. */
	sg_config_defaults(&scratch);
	for (i = 0; i < argc; i += 2) {
		ret = apply_setting(&scratch, argv[i], argv[i + 1]);
		if (ret)
			return ret;
	}
	if ((scratch.flags & SG_CFG_INSPECT) && sg_need_l7("unknown-invite inspect"))
		return SG_EXIT_FAIL;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	ret = SG_EXIT_FAIL;
	err = sg_config_get(m.config, &cfg);
	if (err) {
		sg_err_errno(err, "cannot read the settings", "detach and attach again");
		goto out;
	}
	cfg.flow_timeout_s = sg_flow_timeout_s(&cfg);
	for (i = 0; i < argc; i += 2)
		apply_setting(&cfg, argv[i], argv[i + 1]);
	err = sg_config_set(m.config, &cfg);
	if (err) {
		sg_err_errno(err, "cannot write the settings", "detach and attach again");
		goto out;
	}
	ret = SG_EXIT_OK;
out:
	sg_maps_close(&m);
	return ret;
}
