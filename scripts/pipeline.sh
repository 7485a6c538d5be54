#!/bin/bash
# The whole job: install what is missing, prepare the pinned tree with the
# series, build the x86_64 test kernel, run the review gates (lint.sh) and
# the build matrix (matrix.sh; NO_LINT=1 skips both) and KUnit on every
# x86_64 target; build the arm64 kernel and run the arm64 targets; then
# build the two x86_64 debug kernels (the bare targets' one with the
# suites as modules) and run every x86_64 target again on them, as
# debug/TARGET, ending each boot with a kmemleak scan. NO_DEBUG=1 skips
# the debug kernels, DEBUG_ONLY=1 runs only them. Prints the table; exits
# non-zero if anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$RESULTS"
rm -f "$RESULTS/stages.tsv"
x86=$(targets_of x86_64)
arm=$(targets_of arm64)
labels=()
[ -n "${DEBUG_ONLY:-}" ] || labels+=($x86 $arm)
[ -n "${NO_DEBUG:-}" ] || labels+=($(printf 'debug/%s\n' $x86))

summary() {
	python3 "$TOP/scripts/summary.py" "$RESULTS" "${labels[@]}" || true
}
trap summary EXIT

stage deps bash "$TOP/scripts/deps.sh"
stage prepare bash "$TOP/scripts/prepare.sh"
failed=0
# test_with NAME ARCH BUILD-DIR EXTRA-CONFIG LABEL-PREFIX TARGETS...: build
# a kernel, run the targets on it
test_with() {
	local name=$1 prefix=$5 t
	export KARCH=$2 BUILD=$3 EXTRA_CONFIG=$4
	shift 5
	stage "build$name" bash "$TOP/scripts/build.sh" || { failed=1; return; }
	if [ -z "$name" ] && [ -z "${NO_LINT:-}" ]; then
		stage lint bash "$TOP/scripts/lint.sh" || failed=1
		stage matrix bash "$TOP/scripts/matrix.sh" || failed=1
	fi
	for t in "$@"; do
		stage "test $prefix$t" bash "$TOP/scripts/run.sh" "$t" "$prefix$t" ||
			failed=1
	done
}

if [ -z "${DEBUG_ONLY:-}" ]; then
	test_with "" x86_64 "$BUILD" "" "" $x86
	test_with " arm64" arm64 "$WORK/build-arm64" "" "" $arm
fi
if [ -z "${NO_DEBUG:-}" ]; then
	# Debug kernels: kmemleak, lockdep, UBSAN, DMA-API debug, ... and an
	# /init that scans for leaks after the suites. Slower: more time each.
	export KUNIT_TIMEOUT=900
	# The bare targets' debug kernel is also the module kernel: KUnit and
	# the suites are modules its /init loads, unloads and loads again
	# (config/modules-init), with KASAN. 6.12 has no KASAN shadow setup
	# for x86 PV (arch/x86/xen): a KASAN dom0 faults at its first shadow
	# access, so the Xen targets get a debug kernel without KASAN, with
	# the suites built in.
	export INIT_SCRIPT=config/modules-init
	test_with " debug+KASAN+modules" x86_64 \
		"$WORK/build-debug" "config/debug.config config/kasan.config config/modules.config" \
		debug/ $(printf '%s\n' $x86 | grep -v xen)
	export INIT_SCRIPT=config/kmemleak-init
	test_with " debug" x86_64 "$WORK/build-debug-xen" \
		"config/debug.config" debug/ $(printf '%s\n' $x86 | grep xen)
fi

((failed == 0)) || die "a stage or target failed (see the table; logs in $RESULTS)"
log "all targets passed"
