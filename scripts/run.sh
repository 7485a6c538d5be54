#!/bin/bash
# run.sh TARGET [LABEL]: boot the built kernel on one target through
# kunit.py and keep its console log, kunit.py's output and JSON results in
# work/results/LABEL (default: TARGET). Exits non-zero if kunit.py saw any
# failure, crash, timeout or no KTAP at all, or if the console holds a
# kernel report (WARNING, BUG, KASAN, ...) that config/expected-reports does
# not list. What else the run checks follows from the kernel's own config:
# a kernel with kmemleak and an initramfs (config/kmemleak-init, or
# config/modules-init, which ends in it) runs its /init after the suites,
# and the run fails unless the kmemleak scan found nothing; on a module
# kernel every suite module must pass on each of its loads. A debug kernel
# (DEBUG_KERNEL) gets 900 s instead of 300 (KUNIT_TIMEOUT overrides both).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: run.sh TARGET [LABEL]}
read -r _ qemu_config args < <(grep -E "^$name[[:space:]]" "$TOP/config/targets") ||
	die "unknown target $name (see config/targets)"
out=$RESULTS/${2:-$name}
case $qemu_config in
arm64-*) image=arch/arm64/boot/Image xen=$PKGS/xen-arm64 ;;
*) image=arch/x86/boot/bzImage xen=$PKGS/xen.elf ;;
esac
[ -f "$BUILD/$image" ] || die "no kernel $BUILD/$image: run scripts/build.sh"
TIMEOUT=${KUNIT_TIMEOUT:-$([ "$(config_value "$BUILD" DEBUG_KERNEL)" = y ] && echo 900 || echo 300)}
leakcheck=
[ "$(config_value "$BUILD" DEBUG_KMEMLEAK)" = y ] &&
	grep -q '^CONFIG_INITRAMFS_SOURCE="..*"' "$BUILD/.config" && leakcheck=1
extra=()
# Keep the kernel going after the suites, into the kmemleak /init.
[ -z "$leakcheck" ] || extra=(--kernel_args kunit_shutdown=none)
rm -rf "$out"
mkdir -p "$out"

rc=0
# kunit.py enforces --timeout itself; the outer timeout only guards kunit.py.
(cd "$SRC" && KUNIT_XEN_IMAGE=$xen timeout -k 10 $((TIMEOUT + 60)) \
	python3 tools/testing/kunit/kunit.py exec --build_dir "$BUILD" \
	--qemu_config "tools/testing/kunit/qemu_configs/$qemu_config.py" \
	--timeout "$TIMEOUT" --json="$out/results.json" \
	${args:+--kernel_args "$args"} "${extra[@]}") > "$out/kunit.out" 2>&1 || rc=$?
cp "$BUILD/test.log" "$out/console.log" 2>/dev/null || true
grep -E '\[(FAILED|CRASHED|ERROR)\]|(EXPECTATION|ASSERTION) FAILED|Testing complete' "$out/kunit.out" || true
if ((rc == 0)) && ! python3 "$TOP/scripts/scan-console.py" "$out/console.log" \
		"$TOP/config/expected-reports"; then
	rc=1
	echo "$name: the console has kernel reports no test provoked (above)"
fi
# A target that asks for lazy IOMMU invalidation must have got it.
if ((rc == 0)) && [[ " $args " == *" iommu.strict=0 "* ]] &&
		! grep -aq 'TLB invalidation policy: lazy mode' "$out/console.log"; then
	rc=1
	echo "$name: asked for iommu.strict=0 but the IOMMU is not in lazy mode"
fi
# A module kernel prints one KTAP document per module load: read them all.
if ((rc == 0)) && [ "$(config_value "$BUILD" MODULES)" = y ]; then
	check=$(grep -ao 'modules-check: .*' "$out/console.log" | tr -d '\r' || true)
	echo "  ${check:-modules-check: missing}"
	loads=$(sed -n 's/^modules-check: ok, \([0-9]*\) suite modules loaded twice$/\1/p' <<< "$check")
	if [ -z "$loads" ] || ! python3 "$TOP/scripts/ktap.py" "$SRC/tools/testing/kunit" \
			"$out/console.log" "$out/results.json" $((2 * loads)) >> "$out/kunit.out"; then
		rc=1
		tail -n 3 "$out/kunit.out"
		echo "$name: a suite module failed, or did not load and unload twice"
	fi
fi
if ((rc == 0)) && [ -n "$leakcheck" ]; then
	check=$(grep -ao 'kmemleak-check: .*' "$out/console.log" | tr -d '\r' || true)
	echo "  ${check:-kmemleak-check: missing}"
	if [ "$check" != "kmemleak-check: 0 leaks" ]; then
		rc=1
		echo "$name: kmemleak found leaks after the suites, or did not run"
	fi
fi
if ((rc)); then
	echo "---- $name: last console lines ($out/console.log) ----"
	tail -n 40 "$out/console.log" 2>/dev/null || tail -n 40 "$out/kunit.out"
	die "$name: kunit.py exited $rc"
fi
