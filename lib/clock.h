/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The programs' clock of seconds (struct sg_config, clock_mult and
 * clock_base): measured from jiffies against CLOCK_MONOTONIC at attach.
 */
#ifndef SG_LIB_CLOCK_H
#define SG_LIB_CLOCK_H

#include "sipguard.h"

/*
 * Measure the kernel's tick with the sipguard_clock program (PROG_FD)
 * and fill CFG's clock fields; on a tick that cannot be told, clear them
 * (the programs then read the coarse clock helper).  Returns the tick
 * rate found (HZ), or 0.  Takes some 0.2 s, at most a few seconds on a
 * busy machine.
 */
unsigned int sg_clock_calibrate(int prog_fd, struct sg_config *cfg);

/*
 * Now, in the programs' seconds as CFG's clock fields set them: from
 * jiffies read by sipguard_clock (PROG_FD) where they are set, else
 * CLOCK_MONOTONIC's (what the programs' helper reads).  -1 on a failed run.
 */
long long sg_clock_now_s(int prog_fd, const struct sg_config *cfg);

/* The tick rate CFG's clock fields stand for; 0: the programs read the helper. */
unsigned int sg_clock_hz(const struct sg_config *cfg);

#endif /* SG_LIB_CLOCK_H */
