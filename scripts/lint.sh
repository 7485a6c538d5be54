#!/bin/bash
# The kernel's review tools over series/: checkpatch --strict, the plain
# exports against mainline's (config/exports), then each
# patch applied on the base in turn and checked for build errors and new
# W=1, sparse and kernel-doc warnings, the touched documentation
# built with Sphinx, and the cover letter and patch metadata.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LINT=$WORK/lint			# a worktree of $SRC, stepped through the series
LB=$WORK/lint-build
MAKE=(make -C "$LINT" O="$LB" -j"$(nproc)" CC="ccache gcc" -s)
mapfile -t PATCHES < <(find "$TOP/series" -name '0*.patch' ! -name '0000-*' | sort)
mapfile -t COMMITS < <(git -C "$SRC" rev-list --reverse "$BASE_TAG"..HEAD)
failed=0

fail() { printf 'FAIL: %s\n' "$*"; failed=$((failed + 1)); }
gate() {
	local name=$1 t0=$SECONDS before=$failed
	shift
	log "lint: $name"
	"$@"
	log "lint: $name $( ((failed > before)) && echo FAILED || echo ok) ($((SECONDS - t0))s)"
}
# "path:line:col: warning: msg" -> "path: warning: msg", so that moved lines still match
normalize() { sed -E 's/^([^: ]+):[0-9]+:([0-9]+:)? /\1: /' | sort -u; }

checkpatch() {
	local p line type rest waived out
	for p in "${PATCHES[@]}"; do
		out=$("$SRC/scripts/checkpatch.pl" --strict --terse --show-types - < "$p" || true)
		while IFS= read -r line; do
			type=${line#*: }; type=${type%%: *}	# ERROR:LONG_LINE
			rest=${line#*: *: }
			waived=$(awk -v t="${type#*:}" -v p="$(basename "$p")" \
				'$1 == t { if (p ~ glob2re($2)) { $1 = $2 = ""; sub(/^ +/, ""); print; exit } }
				 function glob2re(g) { gsub(/\./, "\\.", g); gsub(/\*/, ".*", g); return "^" g "$" }' \
				"$TOP/config/checkpatch-waivers")
			if [ -n "$waived" ]; then
				printf '  waived %s: %s (%s)\n' "$(basename "$p")" "$type" "$waived"
			else
				fail "$(basename "$p"):${line%%:*}: $type: $rest"
			fi
		done < <(printf '%s\n' "$out" | grep -E '^-:[0-9]+: (ERROR|WARNING):' | sed 's/^-://')
		printf '  %s: %s CHECKs\n' "$(basename "$p")" \
			"$(printf '%s\n' "$out" | grep -c ': CHECK:' || true)"
	done
}

metadata() {
	local cover=$TOP/series/0000-cover-letter.patch p subject
	grep -q "$BASE_PKG" "$cover" && grep -qF "$BASE_VERSION" "$cover" ||
		fail "cover letter does not name the base ($BASE_PKG $BASE_VERSION)"
	grep -qiE '^testing|tested' "$cover" || fail "cover letter does not say how the series was tested"
	grep -q '\*\*\* \(SUBJECT\|BLURB\) HERE' "$cover" && fail "cover letter still has format-patch's placeholders"
	for p in "${PATCHES[@]}"; do
		grep -q '^Signed-off-by: .* <.*@.*>$' "$p" || fail "$(basename "$p"): no Signed-off-by"
		subject=$(sed -n 's/^Subject: \[PATCH [0-9]*\/[0-9]*\] //p' "$p")
		[[ $subject =~ ^[a-z][a-z0-9_./-]*(:\ [a-z][a-z0-9_./-]*)*:\ [a-zA-Z] ]] ||
			fail "$(basename "$p"): subject '$subject' lacks a 'subsystem: ' prefix"
	done
	echo "  cover letter and ${#PATCHES[@]} patches checked"
}

# Symbols the series' diff exports that it does not also unexport: an
# export that only moves within its file is not a new one.
exports_added() {
	local diff
	diff=$(git -C "$SRC" diff "$BASE_TAG" HEAD)
	comm -23 <(sed -nE 's/^\+EXPORT_SYMBOL(_GPL)?\(([A-Za-z0-9_]+)\);.*/\2/p' <<< "$diff" | sort -u) \
		<(sed -nE 's/^-EXPORT_SYMBOL(_GPL)?\(([A-Za-z0-9_]+)\);.*/\2/p' <<< "$diff" | sort -u)
}

# Every plain export the series adds is one mainline has (config/exports
# names the release); what only tests need is EXPORT_SYMBOL_IF_KUNIT.
exports() {
	local sym n=0
	while read -r sym; do
		n=$((n + 1))
		grep -qE "^$sym[[:space:]]" "$TOP/config/exports" ||
			fail "the series exports $sym, which config/exports does not list: no export without a mainline one (tests: EXPORT_SYMBOL_IF_KUNIT)"
	done < <(exports_added)
	echo "  $n plain exports added"
}

# Source files (not docs, tools or scripts) a commit touches.
touched() { git -C "$SRC" diff --name-only "$1^" "$1" | grep -E '\.[ch]$' | grep -vE '^(tools|scripts|Documentation)/' || true; }

# Build $dirs with W=1 and sparse; print normalized warnings.
build_dirs() {
	"${MAKE[@]}" W=1 C=2 "${@/%//}" 2>&1 | grep -E ': (warning|error):' | normalize
}

# W=1 already runs kernel-doc on every .c file it compiles: check headers.
kdoc() {
	local f
	for f in "$@"; do
		[[ $f == *.h ]] || continue
		[ -f "$LINT/$f" ] && (cd "$LINT" && scripts/kernel-doc -none -Wall "$f" 2>&1) || true
	done | normalize
}

per_patch() {
	local i c p files dirs all_dirs base_warn now before after
	[ ${#COMMITS[@]} -eq ${#PATCHES[@]} ] ||
		{ fail "prepared tree has ${#COMMITS[@]} commits, series/ has ${#PATCHES[@]} patches"; return; }
	mapfile -t all_dirs < <(for c in "${COMMITS[@]}"; do touched "$c"; done | grep -v '^include/' | xargs -rn1 dirname | sort -u)
	echo "  directories the series builds: ${all_dirs[*]}"
	# The base: every file of those directories compiled and checked, so
	# that later builds, which compile and check (C=1) only what a patch
	# changes, report only warnings the base does not have.
	local d
	for d in "${all_dirs[@]}"; do [ ! -d "$LB/$d" ] || find "$LB/$d" -name '*.o' -delete; done
	base_warn=$(build_dirs "${all_dirs[@]}") || true
	echo "  base: $(printf '%s' "$base_warn" | grep -c . || true) W=1/sparse warnings in them"
	for i in "${!COMMITS[@]}"; do
		c=${COMMITS[$i]} p=$(basename "${PATCHES[$i]}")
		mapfile -t files < <(touched "$c")
		before=$(kdoc "${files[@]}")
		git -C "$LINT" checkout -q "$c"
		dirs=($(printf '%s\n' "${files[@]}" | { grep -v '^include/' || true; } | xargs -rn1 dirname | sort -u))
		printf '%s\n' "${files[@]}" | grep -q '^include/' && dirs=("${all_dirs[@]}")
		if [ ${#dirs[@]} -gt 0 ]; then
			if ! now=$("${MAKE[@]}" W=1 C=1 "${dirs[@]/%//}" 2>&1); then
				fail "$p breaks the build:"
				printf '%s\n' "$now" | grep -E 'error' | sort -u | head -10 || true
				continue
			fi
			comm -13 <(printf '%s\n' "$base_warn") \
				<(printf '%s\n' "$now" | grep -E ': (warning|error):' | normalize) |
				while IFS= read -r w; do [ -n "$w" ] && echo "FAIL: $p adds: $w"; done | tee "$WORK/lint.new"
			[ -s "$WORK/lint.new" ] && failed=$((failed + $(wc -l < "$WORK/lint.new")))
			# Report each warning once, at the patch that adds it.
			base_warn=$(printf '%s\n%s\n' "$base_warn" "$(printf '%s\n' "$now" |
				grep -E ': (warning|error):' | normalize)" | grep . | sort -u || true)
		fi
		after=$(kdoc "${files[@]}")
		comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep . |
			sed "s/^/FAIL: $p adds kernel-doc: /" | tee "$WORK/lint.new" || true
		[ -s "$WORK/lint.new" ] && failed=$((failed + $(wc -l < "$WORK/lint.new")))
		printf '  %s: built %s\n' "$p" "${dirs[*]:-nothing}"
	done
}

# Every kunit.py command README.md gives users configures: its
# kunitconfigs and qemu_config exist and every option they ask for sticks
# (kunit.py config). The x86_64 ones are also what builds and boots the
# test kernel (build.sh, run.sh); the arm64 ones are only configured here.
readme() {
	local q n=0
	mkdir -p "$WORK/lint-readme"
	for q in $(readme_cmds | grep -o 'qemu_configs/[^ ]*\.py' | sed 's|qemu_configs/||; s|\.py$||'); do
		n=$((n + 1))
		targets_where qemu_config "$q" | grep -q . ||
			fail "README.md has a command for $q, which no target in config/targets boots"
		readme_cmd "$q"
		(cd "$SRC" && python3 tools/testing/kunit/kunit.py config "${README_ARGS[@]}" \
			--build_dir "$WORK/lint-readme/$q") > "$WORK/lint-readme/$q.log" 2>&1 ||
			{ tail -5 "$WORK/lint-readme/$q.log"; fail "README.md's command for $q does not configure"; }
	done
	((n > 0)) || fail "README.md has no kunit.py commands"
	echo "  $n README commands checked"
}

htmldocs() {
	local rst base now
	mapfile -t rst < <(git -C "$SRC" diff --name-only "$BASE_TAG" HEAD -- 'Documentation/*.rst')
	[ ${#rst[@]} -gt 0 ] || { echo "  no documentation touched"; return; }
	echo "  touched: ${rst[*]}"
	# Sphinx warnings about the touched .rst files, normalized; fails the
	# gate if Sphinx itself fails or the pages are not there.
	docs() {
		local out=$WORK/lint-docs/sphinx.log name
		git -C "$LINT" checkout -q "$1"
		mkdir -p "$WORK/lint-docs"
		if ! make -C "$LINT" O="$WORK/lint-docs" SPHINXDIRS=core-api htmldocs > "$out" 2>&1; then
			tail -5 "$out" >&2
			echo "FAIL: htmldocs: Sphinx failed at $1" >&2
			return 1
		fi
		for name in "${rst[@]}"; do
			name=$(basename "$name" .rst)
			[ "$1" = "$BASE_TAG" ] ||
				[ -f "$WORK/lint-docs/Documentation/output/core-api/$name.html" ] ||
				{ echo "FAIL: htmldocs: no $name.html" >&2; return 1; }
			grep -E "$name\.rst:[0-9]+: (WARNING|ERROR)" "$out" || true
		done | normalize
	}
	base=$(docs "$BASE_TAG") || { failed=$((failed + 1)); return; }
	now=$(docs "${COMMITS[-1]}") || { failed=$((failed + 1)); return; }
	printf '  Sphinx warnings in them: %s at base, %s with the series\n' \
		"$(printf '%s' "$base" | grep -c . || true)" "$(printf '%s' "$now" | grep -c . || true)"
	comm -13 <(printf '%s\n' "$base") <(printf '%s\n' "$now") | grep . | sed 's/^/FAIL: htmldocs: /' | tee "$WORK/lint.new" || true
	[ -s "$WORK/lint.new" ] && failed=$((failed + $(wc -l < "$WORK/lint.new")))
	echo "  core-api htmldocs built at base and with the series"
}

[ -f "$BUILD/.config" ] || die "no kernel config yet: run scripts/build.sh first"
[ "$(git -C "$SRC" rev-parse HEAD)" = "$(git -C "$SRC" rev-parse series)" ] || die "$SRC is not on the series branch"
if [ ! -d "$LINT" ]; then
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$LINT" "$BASE_TAG"
fi
git -C "$LINT" checkout -q "$BASE_TAG"
mkdir -p "$LB"
cp "$BUILD/.config" "$LB/.config"
# The test kernel has no tracing; the series changes trace events, so the
# per-patch builds compile them.
"$LINT/scripts/config" --file "$LB/.config" -e FTRACE -e ENABLE_DEFAULT_TRACERS
make -C "$LINT" O="$LB" -s olddefconfig
grep -q '^CONFIG_EVENT_TRACING=y' "$LB/.config" || die "lint config: event tracing did not stick"

gate "checkpatch --strict" checkpatch
gate "cover letter and patch metadata" metadata
gate "exports" exports
gate "per-patch build (W=1), sparse and kernel-doc" per_patch
gate "htmldocs" htmldocs
gate "README's kunit.py commands" readme
((failed == 0)) || die "lint failed (see FAIL lines above)"
log "lint: all gates passed"
