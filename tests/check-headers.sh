#!/bin/sh
# Each public header compiles alone as strict C11 (and C99-compatible C++ where a C++ compiler
# exists), with every warning an error: the headers are plain C, no GLib, no FILE *.
# usage: check-headers.sh INCLUDE_DIR
set -eu
inc=$1
cc=${CC:-cc}
status=0
for h in "$inc"/paper/*.h; do
	name=paper/$(basename "$h")
	if ! printf '#include <%s>\nint main(void) { return 0; }\n' "$name" |
		$cc -std=c11 -pedantic-errors -Wall -Wextra -Werror -Wstrict-prototypes \
			-I"$inc" -x c -o /dev/null -c -; then
		echo "FAIL: $name does not compile alone as C11"
		status=1
	fi
	if command -v c++ >/dev/null 2>&1 &&
		! printf '#include <%s>\nint main() { return 0; }\n' "$name" |
			c++ -std=c++11 -pedantic-errors -Wall -Wextra -Werror -I"$inc" -x c++ -o /dev/null -c -; then
		echo "FAIL: $name does not compile as C++11"
		status=1
	fi
	if grep -nE '#include *<(glib|gio|sqlite3|check|stdio)' "$h"; then
		echo "FAIL: $name includes a private dependency"
		status=1
	fi
	if grep -nE '\bFILE *\*|\bg(char|int|size|pointer|boolean)\b' "$h"; then
		echo "FAIL: $name uses FILE * or GLib types"
		status=1
	fi
done
[ $status -eq 0 ] && echo "ok: every public header is self-contained C11 and C++11"
exit $status
