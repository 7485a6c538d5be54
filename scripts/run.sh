#!/bin/bash
# run.sh TARGET [LABEL]: boot a built kernel on one target through kunit.py
# and keep its console log, kunit.py's output and JSON results in
# work/results/LABEL (default: TARGET). TARGET is a row of config/targets,
# which says which kernel it boots (its arch), or debug/ROW for the KASAN
# module kernel of make check. BUILD overrides the build directory;
# SUITE=GLOB runs only the suites kunit.py's filter matches.
# Exits non-zero if kunit.py saw any failure, crash, timeout or no KTAP at
# all; if the console holds a kernel report (WARNING, BUG, KASAN, ...) that
# config/expected-reports does not list; if the target's check fails; or
# if a report the kernel's /init declares (build.sh keeps them in
# BUILD/init-reports) is missing or not clean. A debug kernel
# (DEBUG_KERNEL) gets 900 s instead of 300 (KUNIT_TIMEOUT overrides both).
set -euo pipefail
user_build=${BUILD:-}
. "$(dirname "$0")/lib.sh"

label=${1:?usage: run.sh TARGET [LABEL]: a row of config/targets, or debug/ROW}
name=${label#debug/}
target "$name"
if [ "$name" != "$label" ]; then
	[ "$T_DEBUG" = yes ] || die "$name has no debug/ variant (config/targets: debug no)"
	build=$DEBUG_BUILD
else
	build=$(arch_build "$T_ARCH")
fi
build=${user_build:-$build}
out=$RESULTS/${2:-$label}
image=$(arch_image "$T_ARCH")
if [ ! -f "$build/$image" ]; then
	case $label:$T_ARCH in
	debug/*) hint="make check-debug builds it" ;;
	*:x86_64) hint="make builds it" ;;
	*) hint="make check builds it; make build KARCH=$T_ARCH rebuilds it" ;;
	esac
	die "no kernel $build/$image for $label: $hint"
fi
TIMEOUT=${KUNIT_TIMEOUT:-$([ "$(config_value "$build" DEBUG_KERNEL)" = y ] && echo 900 || echo 300)}
reports=$(cat "$build/init-reports" 2>/dev/null || true)
extra=()
# A kernel with an /init runs it after the suites: keep it going.
[ -z "$reports" ] || extra+=(--kernel_args kunit_shutdown=none)
[ -z "${SUITE:-}" ] || extra+=("$SUITE")
rm -rf "$out"
mkdir -p "$out"

rc=0
kunit_exec "$name" "$build" "$TIMEOUT" --json="$out/results.json" "${extra[@]}" \
	> "$out/kunit.out" 2>&1 || rc=$?
cp "$build/test.log" "$out/console.log" 2>/dev/null || true
grep -E '\[(FAILED|CRASHED|ERROR)\]|(EXPECTATION|ASSERTION) FAILED|Testing complete' "$out/kunit.out" || true
fail() { rc=1; echo "$label: $*"; }
if ((rc == 0)) && ! python3 "$TOP/scripts/scan-console.py" "$out/console.log" \
		"$TOP/config/expected-reports"; then
	fail "the console has kernel reports no test provoked (above)"
fi
# README.md's commands share one kernel: one that reconfigures it would
# rebuild it for every target the README lists.
! grep -q '^Regenerating .config' "$out/kunit.out" ||
	fail "kunit.py reconfigured $build: README.md's command for $T_QEMU asks for another config than the one built"
case $T_CHECK in
'') ;;
lazy)	((rc)) || grep -aq 'TLB invalidation policy: lazy mode' "$out/console.log" ||
		fail "asked for lazy IOMMU invalidation but the IOMMU is not in lazy mode" ;;
*) die "config/targets: unknown check '$T_CHECK' for $name" ;;
esac
for report in $reports; do
	((rc == 0)) || break
	line=$(grep -ao "$report: .*" "$out/console.log" | tr -d '\r' | tail -n 1 || true)
	echo "  ${line:-$report: missing}"
	case $report in
	modules-check)
		# One KTAP document per module load: read them all.
		loads=$(sed -n 's/^modules-check: ok, \([0-9]*\) suite modules loaded twice$/\1/p' <<< "$line")
		[ -n "$loads" ] && python3 "$TOP/scripts/ktap.py" "$SRC/tools/testing/kunit" \
			"$out/console.log" "$out/results.json" $((2 * loads)) >> "$out/kunit.out" ||
			{ tail -n 3 "$out/kunit.out"; fail "a suite module failed, or did not load and unload twice"; } ;;
	kmemleak-check)
		[ "$line" = "kmemleak-check: 0 leaks" ] ||
			fail "kmemleak found leaks after the suites, or did not run" ;;
	*) die "$build/init-reports: unknown report '$report'" ;;
	esac
done
if ((rc)); then
	echo "---- $label: last console lines ($out/console.log) ----"
	tail -n 40 "$out/console.log" 2>/dev/null || tail -n 40 "$out/kunit.out"
	die "$label failed (kunit.py output: $out/kunit.out)"
fi
