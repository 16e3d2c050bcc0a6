#!/bin/sh
# Files over 700 lines and functions over 100 lines in sipguard's sources
# (loader/, lib/ and bpf/, or the directories given).  A function runs
# from its definition at the start of a line to the "}" that closes it at
# the start of a line.  Exit 1 when one is too long.
#
#   tools/size-check.sh [DIR...]
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
FILE_MAX=700
FUNC_MAX=100
[ $# -gt 0 ] || set -- loader lib bpf
bad=0
for f in $(find "$@" -name '*.[ch]' | sort); do
	n=$(wc -l < "$f")
	if [ "$n" -gt "$FILE_MAX" ]; then
		echo "$f: $n lines (more than $FILE_MAX)"
		bad=1
	fi
	awk -v f="$f" -v max="$FUNC_MAX" '
		/^[A-Za-z_].*\(/ && !/;[ \t]*$/ && !/^(static )?(const )?struct [a-z_]+ [a-z_]+\[\]/ { name = $0; start = NR }
		/^\{/ && name != "" { open = start }
		/^\}/ && open {
			len = NR - open + 1
			if (len > max) { printf "%s:%d: %d lines (more than %d): %s\n", f, open, len, max, name; bad = 1 }
			open = 0; name = ""
		}
		END { exit bad }' "$f" || bad=1
done
[ $bad -eq 0 ] && echo "no file over $FILE_MAX lines, no function over $FUNC_MAX lines"
exit $bad
