#!/bin/bash
# The whole job: install what is missing, prepare the pinned tree with the
# series, build the kernel, run the review gates (lint.sh; NO_LINT=1 skips
# them), run KUnit on every target, print the table.
# Exits non-zero if any stage or any target failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
if [ -n "${DEBUG_KERNEL:-}" ]; then
	# make check-debug: the same suites on debug kernels (kmemleak,
	# lockdep, UBSAN, ...; KASAN where the platform supports it), built
	# and kept apart from the test kernel.
	export RESULTS=$WORK/results-debug NO_LINT=1 KUNIT_TIMEOUT=900
fi

mkdir -p "$RESULTS"
rm -f "$RESULTS/stages.tsv"
targets=$(grep -Ev '^(#|$)' "$TOP/config/targets" | awk '{print $1}')

summary() {
	python3 "$TOP/scripts/summary.py" "$RESULTS" $targets || true
}
trap summary EXIT

stage deps bash "$TOP/scripts/deps.sh"
stage prepare bash "$TOP/scripts/prepare.sh"
failed=0
# test_with NAME BUILD-DIR EXTRA-CONFIG TARGETS...: build a kernel, run targets
test_with() {
	local name=$1 t
	export BUILD=$2 EXTRA_CONFIG=$3
	shift 3
	stage "build$name" bash "$TOP/scripts/build.sh" || { failed=1; return; }
	if [ -z "$name" ] && [ -z "${NO_LINT:-}" ]; then
		stage lint bash "$TOP/scripts/lint.sh" || failed=1
	fi
	for t in "$@"; do
		stage "test $t" bash "$TOP/scripts/run.sh" "$t" || failed=1
	done
}

if [ -z "${DEBUG_KERNEL:-}" ]; then
	test_with "" "$BUILD" "" $targets
else
	# 6.12 has no KASAN shadow setup for x86 PV (arch/x86/xen): a KASAN
	# dom0 faults at its first shadow access. The Xen targets get a debug
	# kernel without KASAN.
	test_with " (KASAN)" "$WORK/build-debug" "config/debug.config config/kasan.config" \
		$(printf '%s\n' $targets | grep -v xen)
	test_with " (no KASAN)" "$WORK/build-debug-xen" "config/debug.config" \
		$(printf '%s\n' $targets | grep xen)
fi

((failed == 0)) || die "a stage or target failed (see the table; logs in $RESULTS)"
log "all targets passed"
