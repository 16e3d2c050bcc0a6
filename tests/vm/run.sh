#!/usr/bin/env bash
# tests/vm/run.sh KERNEL COMMAND [ARG...]: run COMMAND in this directory
# inside a VM booted with a stock Debian kernel (tests/vm/kernel.sh KERNEL),
# and exit with its status.
#
# qemu-system-x86_64 emulates the machine (no KVM needed); the VM sees this
# machine's root file system read-only under a writable overlay, so the same
# build and the same test scripts run inside, as root, with the stock
# kernel's modules.  What the command prints is printed here.
#
#   SG_VM_MEM     memory in MiB (default 3072)
#   SG_VM_CPUS    virtual CPUs (default: this machine's cores, at most 4)
#   SG_VM_TIMEOUT seconds before the VM is stopped and the run fails (3600:
#                 every kernel-dependent suite takes about half of that)
set -euo pipefail

kernel=${1:?usage: tests/vm/run.sh KERNEL COMMAND [ARG...]}
shift
[ $# -gt 0 ] || { echo "usage: tests/vm/run.sh KERNEL COMMAND [ARG...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

command -v qemu-system-x86_64 >/dev/null ||
	{ echo "tests/vm/run.sh: qemu-system-x86_64 is missing (make deps installs it)" >&2; exit 1; }
kdir=$("$here/kernel.sh" "$kernel")
case "$kdir" in /*) ;; *) echo "tests/vm/run.sh: no kernel directory for $kernel" >&2; exit 1 ;; esac

job=$(mktemp -d /tmp/sgvm.XXXXXX)
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	rm -rf "$job"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
{
	echo 'set -u'
	printf ': > %q/started\n' "$job"
	printf 'cd %q || exit 1\n' "$repo"
	printf 'exec'
	printf ' %q' "$@"
	echo
} > "$job/job.sh"

mem=${SG_VM_MEM:-3072}
cpus=${SG_VM_CPUS:-$(nproc)}
[ "$cpus" -gt 4 ] && cpus=4
timeout=${SG_VM_TIMEOUT:-3600}

# boot: run the VM once; its exit status is left in $st.
boot() {
	timeout --kill-after=10 "$timeout" qemu-system-x86_64 -nodefaults -no-reboot -display none \
		-accel tcg,thread=multi -cpu max -smp "$cpus" -m "$mem" \
		-kernel "$kdir/vmlinuz" -initrd "$kdir/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 sg.job=$job sg.kdir=$kdir sg.repo=$repo" \
		-serial stdio \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$job,mount_tag=sgjob,security_model=none" \
		-nic none < /dev/null &
	qpid=$!
	wait "$qpid" && st=0 || st=$?
	qpid=
}

# Under software emulation a boot now and then dies before the job starts
# (a guest panic in early boot).  Such a VM ran nothing, so it is booted
# once more; a job that started is never run twice.
boot
if [ ! -e "$job/started" ] && [ "$st" != 124 ]; then
	echo "tests/vm/run.sh: the VM ($(cat "$kdir/version")) stopped before the command started (exit $st); booting it once more" >&2
	boot
fi
[ "$st" = 124 ] && echo "tests/vm/run.sh: the VM was stopped after ${timeout}s" >&2
if [ ! -s "$job/rc" ]; then
	echo "tests/vm/run.sh: the VM ($(cat "$kdir/version")) stopped without the command's status" >&2
	exit 1
fi
exit "$(cat "$job/rc")"
