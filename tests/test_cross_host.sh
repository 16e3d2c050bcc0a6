#!/usr/bin/env bash
# The host tests (parser, classifier, header scanner, word helpers,
# escaping) and the fuzz targets' checks (with a plain driver,
# tests/fuzz_drive.c) built for other CPUs and run here under qemu-user: s390x,
# big-endian, so that a word load or a constant that only works in
# little-endian order fails here, without a VM; and armhf, 32-bit.  `make
# check` builds them (make ARCH=s390x host-tests, into build/s390x/).
#   SG_CROSS_HOST_ARCHS  the CPUs (default "s390x armhf"; arm64 works too)
# The last line sums the binaries' own: "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
for arch in ${SG_CROSS_HOST_ARCHS:-s390x armhf}; do
	case "$arch" in
	arm64) qemu=qemu-aarch64-static ;;
	s390x) qemu=qemu-s390x-static ;;
	armhf) qemu=qemu-arm-static ;;
	*) echo "== $arch: unknown CPU"; fail=$((fail + 1)); continue ;;
	esac
	if ! command -v "$qemu" >/dev/null; then
		echo "== $arch: $qemu is missing (make deps installs qemu-user-static)"
		fail=$((fail + 1))
		continue
	fi
	root=$(tools/cross.sh sysroot "$arch") || { fail=$((fail + 1)); continue; }
	for t in test_host test_hdr test_escape drive_fuzz_parse drive_fuzz_hdr; do
		bin=build/$arch/tests/$t
		# the fuzz targets' own checks, over inputs mutated from the
		# SIP corpus (tests/fuzz_drive.c)
		args=()
		[[ $t == drive_* ]] && args=(-n 200000 tests/sipdiff/corpus/*)
		echo "== $bin (qemu-user, $arch)"
		if [ ! -x "$bin" ]; then
			echo "   missing: make ARCH=$arch host-tests builds it"
			fail=$((fail + 1))
			continue
		fi
		out=$("$qemu" -L "$root" "$bin" "${args[@]}" 2>&1)
		st=$?
		echo "$out" | grep -v '^ok ' | sed 's/^/   /'
		line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
		if [ -z "$line" ]; then
			echo "   no summary (exit $st)"
			fail=$((fail + 1))
			continue
		fi
		p=${line%% passed*}
		f=${line#*, }; f=${f%% failed*}
		[ "$st" = 0 ] || [ "$f" != 0 ] || f=1
		pass=$((pass + p))
		fail=$((fail + f))
	done
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
