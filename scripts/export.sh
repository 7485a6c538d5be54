#!/bin/bash
# Developer step: write series/ from the prepared tree's "series" branch
# with git format-patch. The cover letter text comes from
# config/cover-letter.txt (first line: subject; rest: body).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

git -C "$SRC" diff --quiet HEAD || die "uncommitted changes in $SRC: commit them first"
[ "$(git -C "$SRC" rev-parse HEAD)" = "$(git -C "$SRC" rev-parse series)" ] ||
	die "$SRC is not on the series branch: format-patch exports the series branch"
git -C "$SRC" config branch.series.description "$(cat "$TOP/config/cover-letter.txt")"
rm -f "$TOP"/series/*.patch
git -C "$SRC" format-patch -q --zero-commit --cover-letter \
	--cover-from-description=subject -o "$TOP/series" "$BASE_TAG..series"
find "$TOP/series" -name '0*.patch' | sort | xargs cat | sha256sum | cut -d' ' -f1 \
	> "$SRC/.git/series.sha256"
git -C "$SRC" rev-parse series > "$SRC/.git/series.head"
ls "$TOP/series"
