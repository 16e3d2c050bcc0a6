// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The tail-call slots from SG_TAILCALLS: see tailcall.h. */
#include <errno.h>
#include <bpf/bpf.h>

#include "sipguard.h"
#include "tailcall.h"

#define SG_TAIL_SLOT(slot, prog) { slot, prog },
static const struct {
	__u32 slot;
	const char *prog;
} tailcalls[] = {
	SG_TAILCALLS(SG_TAIL_SLOT)
};
#undef SG_TAIL_SLOT

int sg_tailcalls_fill(struct bpf_object *obj, const char **failed)
{
	struct bpf_program *prog;
	struct bpf_map *array;
	size_t i;
	int fd;

	array = bpf_object__find_map_by_name(obj, SG_MAP_L7_PROG);
	if (!array)
		return -ENOENT;
	for (i = 0; i < sizeof(tailcalls) / sizeof(tailcalls[0]); i++) {
		prog = bpf_object__find_program_by_name(obj, tailcalls[i].prog);
		fd = prog ? bpf_program__fd(prog) : -1;
		if (fd < 0)
			continue;	/* not loaded here: the slot stays empty */
		if (bpf_map_update_elem(bpf_map__fd(array), &tailcalls[i].slot,
					&fd, BPF_ANY)) {
			if (failed)
				*failed = tailcalls[i].prog;
			return -errno;
		}
	}
	return 0;
}
