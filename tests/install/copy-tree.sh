#!/bin/sh
# SPDX-License-Identifier: MIT
# Copy the source tree as it is (uncommitted changes included) into DEST, without build
# directories or anything .gitignore names: the files `git ls-files` knows, tracked or new;
# outside a git checkout, everything but directories holding a build.ninja and .git.
# usage: copy-tree.sh SRCDIR DEST
set -eu
src=$1 dest=$2
mkdir -p "$dest"
if git -C "$src" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	# A tracked file deleted in the work tree is listed but missing: skipped (the tree as it is).
	(cd "$src" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$src" && tar --null --ignore-failed-read -T - -cf - 2> /dev/null) |
		tar -C "$dest" -xf -
else
	tar -C "$src" --exclude-vcs --exclude-tag-all=build.ninja -cf - . | tar -C "$dest" -xf -
fi
[ -f "$dest/meson.build" ] || { echo "copy-tree.sh: no meson.build copied from $src" >&2; exit 1; }
