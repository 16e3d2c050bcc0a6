/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Probes of the environment a command runs in: privileges, the kernel's
 * release and features, the bpffs under the pin path, interface names.
 */
#ifndef SG_ENV_H
#define SG_ENV_H

#include <stdbool.h>
#include <net/if.h>

#define SG_BPFFS_ROOT		"/sys/fs/bpf"
#define SG_KERNEL_MIN_MAJOR	5
#define SG_KERNEL_MIN_MINOR	15

/* Is capability CAP (CAP_BPF, ...) in the effective set? */
bool sg_have_cap(int cap);
int sg_need_privileges(bool net_admin);
/*
 * Refuse a kernel older than SG_KERNEL_MIN (SIPGUARD_KERNEL_RELEASE stands
 * for the running release), naming the newest feature it lacks.  The
 * minimum is what sipguard is built for; the README says which kernels
 * are verified.
 */
int sg_check_kernel(void);
/* The running kernel's release and machine, from uname(2). */
const char *sg_kernel_release(void);
const char *sg_machine(void);
/* Can this kernel run sipguard_l7 (bpf_loop, bpf_xdp_load_bytes)?
 * SIPGUARD_NO_L7=1 says no, for tests. */
bool sg_l7_supported(void);
/* Why not, when sg_l7_supported() is false; BRIEF for a status line. */
const char *sg_l7_missing(bool brief);
/* Print why WHAT cannot work here and return -1 when the kernel lacks it. */
int sg_need_l7(const char *what);

int sg_ensure_bpffs(void);
int sg_mkdir_p(const char *path);
/* ifindex of IFNAME in the caller's network namespace, or 0 + error. */
int sg_ifindex(const char *ifname, bool report);
int sg_check_ifname(const char *ifname);

#endif /* SG_ENV_H */
