/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Filling the tail-call slots of a loaded sipguard object, from the one
 * list of them (SG_TAILCALLS in include/sipguard.h).  Host code shared by
 * the sipguard program (attach), the tests and the benchmark: whoever
 * loads the programs fills the slots the same way.
 */
#ifndef SG_LIB_TAILCALL_H
#define SG_LIB_TAILCALL_H

#include <bpf/libbpf.h>

/*
 * Put each program of SG_TAILCALLS that OBJ has loaded into its slot of
 * the object's SG_MAP_L7_PROG program array; a program not loaded (its
 * autoload off) leaves its slot empty.  Returns 0, or -errno of the first
 * slot that could not be written (its program's name in *FAILED, if
 * FAILED is not NULL).
 */
int sg_tailcalls_fill(struct bpf_object *obj, const char **failed);

#endif /* SG_LIB_TAILCALL_H */
