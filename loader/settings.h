/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The runtime settings (settings.c), as `set` and [settings] take them. */
#ifndef SG_SETTINGS_H
#define SG_SETTINGS_H

#include <stddef.h>

#include "sipguard.h"

/*
 * Apply one setting (NAME VALUE) to CFG.  Returns 0, -ENOENT for an
 * unknown name, -EINVAL for a bad value; ERR says what is wrong.
 */
int sg_setting_apply(struct sg_config *cfg, const char *name, const char *value,
		     char *err, size_t elen);

#endif /* SG_SETTINGS_H */
