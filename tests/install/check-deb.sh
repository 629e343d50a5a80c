#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian packages: build them from a copy of the tree (dpkg-buildpackage -us -uc -b,
# nocheck), lintian (no error; no warning but initial-upload-closes-no-bugs: these packages
# close no ITP bug), what each package holds and depends on, then the packages' files,
# unpacked, used as an installed /usr tree (check_install.py tree).
# usage: check-deb.sh SRCDIR LD_DIRS VERSION       (exit 77: a tool is missing)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$1" && pwd) ld_dirs=$2 version=$3

for tool in dpkg-buildpackage dh dh_python3 lintian; do
	if ! command -v "$tool" > /dev/null; then
		echo "skipped: $tool is not installed (tests/setup-deps.sh installs it)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/paper-deb-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
	echo "FAIL $*"
	failures=$((failures + 1))
}

"$here/copy-tree.sh" "$src" "$tmp/src"
changelog_version=$(dpkg-parsechangelog -l "$tmp/src/debian/changelog" -S Version)
[ "${changelog_version%-*}" = "$version" ] ||
	fail "debian/changelog is at $changelog_version, the project at $version: add an entry (dch -v $version-1)"

start=$(date +%s)
if ! (cd "$tmp/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
	dpkg-buildpackage -us -uc -b -Pnocheck) > "$tmp/build.log" 2>&1; then
	tail -n 60 "$tmp/build.log"
	echo "FAIL dpkg-buildpackage (the end of its log is above)"
	exit 1
fi
echo "ok   dpkg-buildpackage -us -uc -b in $(($(date +%s) - start)) s"

start=$(date +%s)
if lintian --fail-on error,warning --suppress-tags initial-upload-closes-no-bugs \
	"$tmp"/libpaper_*.changes > "$tmp/lintian.log" 2>&1; then
	echo "ok   lintian in $(($(date +%s) - start)) s"
else
	cat "$tmp/lintian.log"
	fail "lintian"
fi
grep -v 'running with root privileges' "$tmp/lintian.log" || true

deb() { # package -> its .deb
	echo "$tmp/${1}_${changelog_version}_$(dpkg --print-architecture).deb"
}
holds() { # package path-pattern...
	pkg=$1
	shift
	dpkg-deb -c "$(deb "$pkg")" | awk '{print $6}' > "$tmp/contents"
	for pattern in "$@"; do
		if grep -qx "\\.$pattern" "$tmp/contents"; then
			echo "ok   $pkg holds $pattern"
		else
			fail "$pkg does not hold $pattern"
		fi
	done
}
depends() { # package dependency-pattern...
	pkg=$1
	shift
	got=$(dpkg-deb -f "$(deb "$pkg")" Depends)
	for pattern in "$@"; do
		if echo "$got" | tr ',' '\n' | grep -q "^ *$pattern"; then
			echo "ok   $pkg depends on $pattern"
		else
			fail "$pkg: Depends: $got lacks $pattern"
		fi
	done
}
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for pkg in libpaper1 libpaper-dev python3-paperlib paper-tools; do
	[ -f "$(deb "$pkg")" ] || fail "no $pkg package"
done
[ $failures -eq 0 ] || exit 1
holds libpaper1 "/usr/lib/$multiarch/libpaper.so.$version" "/usr/lib/$multiarch/libpaper.so.1"
holds libpaper-dev /usr/include/paper/paper.h "/usr/lib/$multiarch/libpaper.so" \
	"/usr/lib/$multiarch/pkgconfig/libpaper.pc"
holds python3-paperlib /usr/lib/python3/dist-packages/paperlib/__init__.py \
	"/usr/lib/python3/dist-packages/paperlib/_paperlib\\.cpython-.*\\.so" \
	"/usr/lib/python3/dist-packages/paperlib-$version.dist-info/METADATA"
holds paper-tools /usr/bin/paper /usr/share/man/man1/paper.1.gz /usr/share/man/man1/paper-run.1.gz
depends libpaper-dev "libpaper1 (= $changelog_version)"
depends python3-paperlib "libpaper1 (>= " "python3-cffi-backend-api-min (<= " \
	"python3-cffi-backend-api-max (>= " "python3 (>= "
depends paper-tools "libpaper1 (>= "
dpkg-deb -e "$(deb libpaper1)" "$tmp/control"
if grep -q "^ paper_version@PAPER_1.0 1.0.0" "$tmp/control/symbols"; then
	echo "ok   libpaper1 has a symbols file"
else
	fail "libpaper1's symbols file lacks paper_version@PAPER_1.0"
fi

# The packages' files as an installed system, from there alone.
for pkg in libpaper1 libpaper-dev python3-paperlib paper-tools; do
	dpkg-deb -x "$(deb "$pkg")" "$tmp/root"
done
/usr/bin/python3 "$here/check_install.py" tree "$tmp/root" "$src" "$ld_dirs" \
	--prefix /usr --libdir "lib/$multiarch" --version "$version" || failures=$((failures + 1))

echo "check-deb: $failures failure(s)"
[ $failures -eq 0 ]
