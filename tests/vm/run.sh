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
# A kernel of another CPU (6.1-arm64, 6.1-s390x...: tests/vm/kernel.sh)
# boots in qemu-system-aarch64 (a Cortex-A72) or qemu-system-s390x, with
# the cross build's root of that CPU's packages (tools/cross.sh) as its root
# and this checkout bound into it: COMMAND then runs under busybox's sh.
#
#   SG_VM_MEM     memory in MiB (default 3072; 1536 for arm64 and s390x)
#   SG_VM_CPUS    virtual CPUs (default: this machine's cores, at most 4)
#   SG_VM_TIMEOUT seconds before the VM is stopped and the run fails (3600:
#                 every kernel-dependent suite takes about half of that)
set -euo pipefail

kernel=${1:?usage: tests/vm/run.sh KERNEL COMMAND [ARG...]}
shift
[ $# -gt 0 ] || { echo "usage: tests/vm/run.sh KERNEL COMMAND [ARG...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

kdir=$("$here/kernel.sh" "$kernel")
case "$kdir" in /*) ;; *) echo "tests/vm/run.sh: no kernel directory for $kernel" >&2; exit 1 ;; esac
arch=$(cat "$kdir/arch" 2>/dev/null || echo amd64)
# the machine, its console, and what else its kernel command line needs
case "$arch" in
amd64)
	qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu max -serial stdio)
	console=ttyS0 extra= ;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -accel tcg,thread=multi -cpu cortex-a72 -serial stdio)
	console=ttyAMA0 ;;
s390x)
	qemu=(qemu-system-s390x -M s390-ccw-virtio -accel tcg,thread=multi -cpu max
		-chardev stdio,id=con -device sclpconsole,chardev=con)
	# nokaslr: its early "KASLR disabled: CPU has no PRNG" otherwise
	console="ttysclp0 nokaslr" ;;
*)	echo "tests/vm/run.sh: no machine for $arch" >&2; exit 1 ;;
esac
command -v "${qemu[0]}" >/dev/null ||
	{ echo "tests/vm/run.sh: ${qemu[0]} is missing (make deps installs it)" >&2; exit 1; }
if [ "$arch" != amd64 ]; then
	sroot=$("$here/../../tools/cross.sh" sysroot "$arch") || exit 1
	extra="sg.root=$sroot"
fi

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
# the cross builds' VMs run only test_xdp and the veth test
[ "$arch" = amd64 ] || mem=${SG_VM_MEM:-1536}
cpus=${SG_VM_CPUS:-$(nproc)}
[ "$cpus" -gt 4 ] && cpus=4
timeout=${SG_VM_TIMEOUT:-3600}

# boot: run the VM once; its exit status is left in $st.
boot() {
	timeout --kill-after=10 "$timeout" "${qemu[@]}" -nodefaults -no-reboot -display none \
		-smp "$cpus" -m "$mem" \
		-kernel "$kdir/vmlinuz" -initrd "$kdir/initramfs.cpio.gz" \
		-append "console=$console quiet loglevel=3 panic=-1 sg.job=$job sg.kdir=$kdir sg.repo=$repo $extra" \
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
