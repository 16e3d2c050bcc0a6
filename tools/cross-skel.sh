#!/usr/bin/env bash
# tools/cross-skel.sh BPFTOOL TWIN OBJ NAME > SKEL: the skeleton header of
# OBJ, a BPF object of the other byte order than this machine's (bpfeb on
# x86-64, for s390x), which `bpftool gen skeleton` cannot open here:
# Debian's bpftool (bookworm's 7.1, and backports' 7.5 with libbpf 1.5)
# stops at "elf: endianness mismatch".
#
# TWIN is the same source compiled with the same flags for this machine's
# byte order.  A skeleton is made of the object's types (BTF), its maps,
# programs and global data, and the object's bytes; all but the bytes are
# the same in both objects, which is checked here (their BTF, and their
# section and symbol names, must be equal: BTF reads in either byte order).
# The skeleton is generated from TWIN, and the bytes it embeds are
# replaced with OBJ's.  libbpf on the target opens OBJ in its own byte
# order.
set -euo pipefail

[ $# = 4 ] || { echo "usage: tools/cross-skel.sh BPFTOOL TWIN OBJ NAME" >&2; exit 2; }
bpftool=$1 twin=$2 obj=$3 name=$4
die() { echo "tools/cross-skel.sh: $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

names() {
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p' | sort
	readelf -sW "$1" | awk '$4 == "FUNC" || $4 == "OBJECT" { print $4, $5, $8 }' | sort
}
"$bpftool" btf dump file "$twin" > "$tmp/twin.btf" || die "cannot read the BTF of $twin"
"$bpftool" btf dump file "$obj" > "$tmp/obj.btf" || die "cannot read the BTF of $obj"
cmp -s "$tmp/twin.btf" "$tmp/obj.btf" ||
	die "$obj and its twin $twin differ in their types (BTF); first difference:
$(diff "$tmp/twin.btf" "$tmp/obj.btf" | head -5)"
names "$twin" > "$tmp/twin.names"
names "$obj" > "$tmp/obj.names"
cmp -s "$tmp/twin.names" "$tmp/obj.names" ||
	die "$obj and its twin $twin differ in their sections or symbols:
$(diff "$tmp/twin.names" "$tmp/obj.names" | head -5)"

# (libbpf's note that it leaves libxdp's run config, .xdp_run_config,
# alone is no news)
"$bpftool" gen skeleton "$twin" name "$name" > "$tmp/skel.h" 2> "$tmp/skel.err" ||
	{ cat "$tmp/skel.err" >&2; die "bpftool gen skeleton failed on $twin"; }
grep -v 'skipping unrecognized data section(.*) .xdp_run_config' "$tmp/skel.err" >&2 || true
# OBJ's bytes as the lines of a C string: \x7f\x45..., each line spliced
# to the next with a backslash, as bpftool writes them.
od -An -v -tx1 "$obj" | sed -e 's/ /\\x/g' -e 's/$/\\/' > "$tmp/bytes"
size=$(stat -c %s "$obj")
awk -v fn="${name}__elf_bytes(size_t *sz)" -v size="$size" -v bytes="$tmp/bytes" '
	state == 0 && index($0, fn) && $0 !~ /;$/ { state = 1; print; next }
	state == 1 && $0 == "{" { print; state = 2; next }
	state == 2 {
		if ($0 != "}")
			next
		printf "\t*sz = %d;\n\treturn (const void *)\"\\\n", size
		while ((getline l < bytes) > 0)
			print l
		print "\";"
		print
		state = 3
		next
	}
	{ print }
	END { if (state != 3) exit 1 }' "$tmp/skel.h" > "$tmp/out.h" ||
	die "the skeleton of $twin has no ${name}__elf_bytes() to put $obj into"
cat "$tmp/out.h"
