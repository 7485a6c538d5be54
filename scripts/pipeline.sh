#!/bin/bash
# make check: install what is missing, prepare the pinned tree with the
# series, build the x86_64 test kernel, run the review gates (lint.sh) and
# the build matrix (matrix.sh; NO_LINT=1 skips both) and KUnit on every
# x86_64 target; build the arm64 kernel and run the arm64 targets; then
# build the x86_64 debug kernel with KASAN and the suites as modules and
# run the targets marked debug in config/targets again on it, as debug/TARGET. The x86_64 test
# kernel carries the debug options that need no KASAN (config/debug.config:
# lockdep, DMA-API debug, UBSAN, fault injection, kmemleak with a scan
# after the suites), so the Xen dom0 targets, where 6.12 cannot run KASAN,
# run under them too. NO_DEBUG=1 skips the KASAN kernel, DEBUG_ONLY=1 runs
# only it. Prints the table; exits non-zero if anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$RESULTS"
rm -f "$RESULTS/stages.tsv"
x86=$(targets_where arch x86_64)
arm=$(targets_where arch arm64)
debug=$(targets_where debug yes | sed 's|^|debug/|')
# QUICK=1 (make): the first result, fast: the x86_64 kernel without the
# debug options, on the x86_64 targets; no lint, arm64 or KASAN kernel.
[ -z "${QUICK:-}" ] || { NO_LINT=1 NO_DEBUG=1 arm=; }
labels=()
[ -n "${DEBUG_ONLY:-}" ] || labels+=($x86 $arm)
[ -n "${NO_DEBUG:-}" ] || labels+=($debug)

summary() {
	python3 "$TOP/scripts/summary.py" "$RESULTS" "${labels[@]}" || true
}
trap summary EXIT

stage deps bash "$TOP/scripts/deps.sh"
stage prepare bash "$TOP/scripts/prepare.sh"
failed=0
# test_with NAME ARCH BUILD-DIR EXTRA-CONFIG TARGETS...: build a kernel,
# run the targets (run.sh's TARGET: a row, or debug/ROW) on it
test_with() {
	local name=$1 t
	export KARCH=$2 BUILD=$3 EXTRA_CONFIG=$4
	shift 4
	stage "build$name" bash "$TOP/scripts/build.sh" || { failed=1; return; }
	if [ -z "$name" ] && [ -z "${NO_LINT:-}" ]; then
		stage lint bash "$TOP/scripts/lint.sh" || failed=1
		stage matrix bash "$TOP/scripts/matrix.sh" || failed=1
	fi
	for t in "$@"; do
		stage "test $t" bash "$TOP/scripts/run.sh" "$t" ||
			failed=1
	done
}

if [ -n "${QUICK:-}" ]; then
	test_with "" x86_64 "$(arch_build x86_64)" "" $x86
elif [ -z "${DEBUG_ONLY:-}" ]; then
	export INIT_SCRIPT=config/kmemleak-init
	test_with "" x86_64 "$(arch_build x86_64)" "config/debug.config" $x86
	unset INIT_SCRIPT
	test_with " arm64" arm64 "$(arch_build arm64)" "" $arm
fi
if [ -z "${NO_DEBUG:-}" ]; then
	# The module kernel: KUnit and the suites are modules its /init loads,
	# unloads and loads again (config/modules-init), with KASAN. 6.12 has
	# no KASAN shadow setup for x86 PV (arch/x86/xen): a KASAN dom0 faults
	# at its first shadow access: config/targets marks the targets it runs.
	export INIT_SCRIPT=config/modules-init
	test_with " debug+KASAN+modules" x86_64 \
		"$DEBUG_BUILD" "config/debug.config config/kasan.config config/modules.config" \
		$debug
fi

((failed == 0)) || die "a stage or target failed (see the table; logs in $RESULTS)"
log "all targets passed"
