// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcxload OBJ IFINDEX DIR: load the TC program of OBJ (tests/share/
 * count_egress.bpf.c) and attach it as a tcx link at the end of IFINDEX's
 * egress list, the way another tool would beside sipguard; pin the link as
 * DIR/link and the program's counter as DIR/count.  Removing DIR/link
 * detaches it.  Exit 2 where the kernel has no tcx (before Linux 6.6).
 * The bpftool of Debian 12 cannot attach tcx programs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define TCX_EGRESS	47	/* BPF_TCX_EGRESS, Linux 6.6 */

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	struct bpf_object *obj;
	struct bpf_program *prog;
	char path[4096];
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: tcxload OBJ IFINDEX DIR\n");
		return 1;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "tcxload: cannot load %s\n", argv[1]);
		return 1;
	}
	prog = bpf_object__next_program(obj, NULL);
	fd = bpf_link_create(bpf_program__fd(prog), atoi(argv[2]),
			     (enum bpf_attach_type)TCX_EGRESS, &lo);
	if (fd < 0) {
		fprintf(stderr, "tcxload: cannot attach to tcx egress: %s\n",
			strerror(-fd));
		return fd == -EINVAL ? 2 : 1;
	}
	snprintf(path, sizeof(path), "%s/link", argv[3]);
	if (bpf_obj_pin(fd, path)) {
		fprintf(stderr, "tcxload: cannot pin %s: %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/count", argv[3]);
	if (bpf_map__pin(bpf_object__next_map(obj, NULL), path)) {
		fprintf(stderr, "tcxload: cannot pin %s\n", path);
		return 1;
	}
	return 0;
}
