// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The programs' clock of seconds from jiffies (bpf/maps.h, sg_now_s()).
 *
 * bpf_jiffies64() is an inlined load on 64-bit JITs where the coarse
 * clock is a helper call, but jiffies count ticks of a rate the kernel
 * was built with (CONFIG_HZ) from an offset of its own.  Both are
 * measured here: sipguard_clock reads jiffies and the monotonic clock
 * together; two tick edges some 200 ms apart, each seen between two
 * samples at most 1 ms apart (the rate then within 1 %, also on an
 * emulated machine whose system calls are slow), give the rate, snapped
 * to the rates Linux offers, and the second edge gives the offset.  A
 * measurement that cannot be snapped is tried again, twice.  The
 * kernel advances jiffies from the monotonic clock, one per TICK_NSEC,
 * so the two then stay together: the seconds the programs compute are
 * CLOCK_MONOTONIC's to within a tick, drifting by at most the rounding
 * of clock_mult (below 0.2 ppm: some 5 s a year of uptime; every attach
 * measures again).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "clock.h"

#define NS		1000000000ULL
#define WINDOW_NS	(200 * 1000 * 1000ULL)
#define GIVE_UP_NS	(3000 * 1000 * 1000ULL)
#define TIGHT_NS	(1000 * 1000ULL)
#define TRIES		3

struct sample {
	__u64 jiffies;
	__u64 ns;
};

static int sample(int fd, struct sample *s)
{
	__u64 frame[8] = { 0 }, out[8];
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame,
		    .data_size_in = sizeof(frame), .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &t) || t.retval != XDP_PASS)
		return -1;
	s->jiffies = out[0];
	s->ns = out[1];
	return 0;
}

long long sg_clock_now_s(int prog_fd, const struct sg_config *cfg)
{
	struct timespec ts;
	struct sample s;

	if (!cfg->clock_mult || !cfg->clock_base) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		return ts.tv_sec;
	}
	if (sample(prog_fd, &s))
		return -1;
	return sg_clock_seconds(cfg, s.jiffies);
}

/*
 * A tick edge: jiffies one higher than in the sample just before, which
 * was at most TIGHT_NS earlier (a task preempted between the two knows
 * the edge only loosely: such edges are skipped).  *AT is the sample
 * after the edge, with the time halfway between the two.  Looks from
 * the sample FROM on, for at most GIVE_UP_NS.
 */
static int next_edge(int fd, const struct sample *from, struct sample *at)
{
	struct sample prev = *from, cur;

	for (;;) {
		if (sample(fd, &cur) || cur.ns - from->ns > GIVE_UP_NS)
			return -1;
		if (cur.jiffies == prev.jiffies + 1 && cur.ns - prev.ns <= TIGHT_NS) {
			at->jiffies = cur.jiffies;
			at->ns = prev.ns + (cur.ns - prev.ns) / 2;
			return 0;
		}
		prev = cur;
	}
}

/* CONFIG_HZ values that Linux architectures offer. */
static const unsigned int known_hz[] = {
	24, 32, 48, 64, 100, 128, 200, 250, 256, 300, 500, 512, 1000, 1024, 1200,
};

static unsigned int snap_hz(double hz)
{
	size_t i;

	for (i = 0; i < sizeof(known_hz) / sizeof(known_hz[0]); i++)
		if (hz > known_hz[i] * 0.985 && hz < known_hz[i] * 1.015)
			return known_hz[i];
	return 0;
}

unsigned int sg_clock_hz(const struct sg_config *cfg)
{
	double tick_ns;

	if (!cfg->clock_mult || !cfg->clock_base)
		return 0;
	tick_ns = (double)cfg->clock_mult * NS / 4294967296.0;
	return snap_hz(NS / tick_ns);
}

static unsigned int calibrate_once(int prog_fd, struct sg_config *cfg)
{
	struct sample s0, e1, e2, last;
	unsigned int hz;
	__u64 tick_ns;

	cfg->clock_mult = 0;
	cfg->clock_base = 0;
	if (prog_fd < 0 || sample(prog_fd, &s0) || next_edge(prog_fd, &s0, &e1))
		return 0;
	do {
		if (sample(prog_fd, &last) || last.ns - e1.ns > GIVE_UP_NS)
			return 0;
	} while (last.ns - e1.ns < WINDOW_NS);
	if (next_edge(prog_fd, &last, &e2) || e2.ns <= e1.ns)
		return 0;
	hz = snap_hz((double)(e2.jiffies - e1.jiffies) * NS / (e2.ns - e1.ns));
	if (!hz)
		return 0;
	/* the kernel's TICK_NSEC: one jiffy in nanoseconds, rounded */
	tick_ns = (NS + hz / 2) / hz;
	cfg->clock_mult = (__u32)((tick_ns << 32) / NS +
				  ((tick_ns << 32) % NS >= NS / 2));
	/*
	 * e2.jiffies started at e2.ns or a little before: jiffies - base =
	 * ns / tick, rounded down, so that the programs' seconds lag
	 * CLOCK_MONOTONIC's by less than a tick rather than run ahead.
	 */
	cfg->clock_base = e2.jiffies - e2.ns / tick_ns;
	return hz;
}

unsigned int sg_clock_calibrate(int prog_fd, struct sg_config *cfg)
{
	unsigned int hz = 0;
	int i;

	for (i = 0; i < TRIES && !hz; i++)
		hz = calibrate_once(prog_fd, cfg);
	return hz;
}
