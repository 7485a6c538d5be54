#!/bin/bash
# Build bot matrix: configure and build every entry of config/matrix/entries,
# in work/matrix/<entry>. An entry's last column says what it builds: "all"
# is vmlinux and modules (so the linker, modpost and objtool run), "dirs"
# only the directories the series touches ("dirs+arch/arm/mm": and those
# named), which is all a config that changes no link needs to compile.
# An entry fails on any compiler error, on compiler warnings in the files
# the series touches (git diff --name-only $BASE_TAG HEAD: the base's own
# warnings do not count), on every modpost, objtool, linker and kconfig
# error or warning, and when a requested option did not stick.
# MATRIX=entry1,entry2 selects entries; SRC is the prepared tree (the end
# state of the series); CONFIG_ONLY=1 configures without building.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MDIR=$TOP/config/matrix
OUT=${MATRIX_OUT:-$WORK/matrix}
SUITES=(DMA_PLATFORM_KUNIT_TEST DMA_MMIO_KUNIT_TEST DMA_IOVA_KUNIT_TEST
	SWIOTLB_XEN_KUNIT_TEST)
[ -f "$SRC/Makefile" ] || die "no tree at $SRC"
mkdir -p "$OUT"
git -C "$SRC" diff --name-only "$BASE_TAG" HEAD > "$OUT/touched"
# The directories of the C files the series touches (headers are compiled
# by the files in them that include them).
mapfile -t DIRS < <(grep -E '\.c$' "$OUT/touched" | grep -vE '^(tools|scripts)/' | xargs -rn1 dirname | sort -u)

# report B: the suites' state, and why the ones not set could not be on
report() {
	local s v line=
	for s in "${SUITES[@]}"; do
		v=$(config_value "$1" "$s")
		if [ "$v" = n ]; then
			v="n($(awk -v c="config $s" '$0 == c {f = 1; next} f && /^(config|menu)/ {exit}
				f && /depends on/ {sub(/^[ \t]*depends on /, ""); d = d (d ? " && " : "") $0}
				END {print d}' "$SRC"/kernel/dma/Kconfig "$SRC"/drivers/xen/Kconfig))"
		fi
		line+=" $s=$v"
	done
	log "  suites:$line"
}

# problems LOG: the lines that fail an entry
problems() {
	# W=1's misc-check names every tracked file that .gitignore matches:
	# all of the tree's dotfiles (389 at base), the .kunitconfigs too.
	awk 'NR == FNR {t[$0] = 1; next}
	/: warning: ignored by one of the .gitignore files$/ {next}
	/objtool:|^(ERROR|WARNING):|undefined reference|(^|[-\/])ld(\.bfd)?: |^config: / {print; next}
	/: (fatal )?error:/ {print; next}
	/: warning:/ {
		f = $0; sub(/:.*/, "", f)
		for (p in t) if (f == p || substr(f, length(f) - length(p)) == "/" p) {print; next}
	}' "$OUT/touched" "$1" | sort -u
}

build_entry() { # name arch cross fragments makevars scope
	local name=$1 cross=$3 frags=$4 scope=$6 b=$OUT/$1 rc=0
	local -a mk fl=() targets=(vmlinux)
	export ARCH=$2
	[ "$cross" = - ] && cross=
	export CROSS_COMPILE=$cross
	mk=(CC="ccache ${cross}gcc" HOSTCC="ccache gcc" "${KBUILD_STAMP[@]}")
	# shellcheck disable=SC2206 # make vars: one word each
	[ "$5" = - ] || mk+=($5)
	if [[ $scope == dirs* ]]; then
		local more=${scope#dirs}
		mapfile -t targets < <(printf '%s\n' "${DIRS[@]}" ${more:+${more#+}} | tr , '\n' |
			grep . | sed 's,/*$,/,' | sort -u)
	fi
	rm -rf "$b"
	mkdir -p "$b"
	if [[ $frags == kunit.py:* ]]; then
		fl=("${mk[@]/#/--make_options=}")
		# kunit.py configures as the README's users do; make builds.
		(cd "$SRC" && python3 tools/testing/kunit/kunit.py config --arch "$ARCH" \
			--kunitconfig "${frags#kunit.py:}" --build_dir "$b" "${fl[@]}") \
			> "$b/config.log" 2>&1 || rc=$?
		[ -f "$b/.config" ] && report "$b"
		if ((rc == 0)) && [ -z "${CONFIG_ONLY:-}" ]; then
			[ "$(config_value "$b" MODULES)" = y ] && [ "${targets[0]}" = vmlinux ] && targets+=(modules)
			make -C "$SRC" O="$b" "${mk[@]}" -k -j"$(nproc)" "${targets[@]}" \
				> "$b/build.log" 2>&1 || rc=$?
		fi
	else
		IFS=, read -ra fl <<< "$frags"
		fl=("${fl[@]/#/$MDIR/}")
		fl=("${fl[@]/%/.config}")
		{ merge_tiny "$b" "${fl[@]}" &&
			make -C "$SRC" O="$b" "${mk[@]}" olddefconfig; } > "$b/config.log" 2>&1 || rc=$?
		check_config "$b" "${fl[@]}" >> "$b/config.log" || rc=1
		report "$b"
		if ((rc == 0)) && [ -z "${CONFIG_ONLY:-}" ]; then
			[ "$(config_value "$b" MODULES)" = y ] && [ "${targets[0]}" = vmlinux ] && targets+=(modules)
			make -C "$SRC" O="$b" "${mk[@]}" -k -j"$(nproc)" "${targets[@]}" \
				> "$b/build.log" 2>&1 || rc=$?
		fi
	fi
	cat "$b"/config.log "$b"/build.log 2>/dev/null | problems - > "$b/problems" || true
	[ -s "$b/problems" ] && rc=1
	return $rc
}

sel=,${MATRIX:-},
failed=()
while read -r name arch cross frags makevars scope <&3; do
	[[ -z $name || $name == \#* ]] && continue
	[[ $sel == ,, || $sel == *,$name,* ]] || continue
	t0=$(date +%s)
	[[ $scope == all || $scope == dirs* ]] || die "matrix $name: build '$scope' is neither all nor dirs[+DIR,...]"
	log "matrix $name: $arch${cross:+ ($cross)}, $frags, building $scope in $OUT/$name"
	rc=0
	build_entry "$name" "$arch" "$cross" "$frags" "$makevars" "$scope" || rc=$?
	dt=$(( $(date +%s) - t0 ))
	sed "s/^/$name: /" "$OUT/$name/problems"
	((rc)) && [ ! -s "$OUT/$name/problems" ] &&
		echo "$name: build failed, see $OUT/$name/build.log: $(tail -3 "$OUT/$name/build.log" 2>/dev/null)"
	((rc)) && failed+=("$name")
	log "matrix $name: $( ((rc)) && echo FAILED || echo ok) in $((dt / 60))m$((dt % 60))s"
done 3< "$MDIR/entries"
((${#failed[@]} == 0)) || die "matrix: ${failed[*]} failed"
log "matrix: all entries ok"
