// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard set NAME VALUE...`: the runtime settings in the pinned config
 * map.  One read-modify-write of its single entry; the programs read it
 * per packet, so a change takes effect at once, without a reload.
 */
#include <string.h>

#include "common.h"

struct setting {
	const char *name;
	const char *values;	/* for messages */
	__u32 flag;		/* SG_CFG_* for on/off settings, else 0 */
};

static const struct setting settings[] = {
	{ "monitor",           "on|off",  SG_CFG_MONITOR },
	{ "flow-timeout",      "SECONDS", 0 },
	{ "match-remote-port", "on|off",  SG_CFG_MATCH_PORT },
	{ 0 }
};

static const struct setting *find_setting(const char *name)
{
	const struct setting *s;

	for (s = settings; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/* Apply NAME VALUE to CFG; prints the error. */
static int apply_setting(struct sg_config *cfg, const char *name,
			 const char *value)
{
	const struct setting *s = find_setting(name);
	char err[SG_ERRBUF];
	bool on;

	if (!s)
		return sg_usage("set", "unknown setting '%s'", name);
	if (!s->flag) {
		if (sg_parse_timeout(value, &cfg->flow_timeout_s, err, sizeof(err))) {
			sg_err("%s", err);
			return SG_EXIT_FAIL;
		}
		return SG_EXIT_OK;
	}
	if (sg_parse_bool(value, &on)) {
		sg_err("invalid value '%s' for %s: use on or off", value, name);
		return SG_EXIT_FAIL;
	}
	if (on)
		cfg->flags |= s->flag;
	else
		cfg->flags &= ~s->flag;
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
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	ret = SG_EXIT_FAIL;
	err = sg_config_get(m.config, &cfg);
	if (err) {
		sg_err_errno(err, "cannot read the settings", "detach and attach again");
		goto out;
	}
	if (!cfg.flow_timeout_s)
		cfg.flow_timeout_s = SG_DEFAULT_FLOW_TIMEOUT;
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
