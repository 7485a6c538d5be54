#!/bin/bash
# bench.sh (make bench): time the DMA mapping APIs with the dma_bench suite
# (kernel/dma/bench_kunit.c), one boot per target, on the series and on
# the base tree with only that file added; profile each method with perf
# (bench-profile.sh); then tabulate and plot.
# Writes work/results/bench/: bench.csv, profile.csv, ratios.md, bench.png.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$RESULTS/bench
TARGETS=${BENCH_TARGETS:-x86_64-vtd x86_64-vtd-lazy x86_64-xen}
BASE_SRC=$WORK/bench-base
mkdir -p "$OUT"

# The base tree, plus the benchmark and its Kconfig entry and Makefile line.
rm -rf "$BASE_SRC"
git -C "$SRC" worktree prune
git -C "$SRC" worktree add -q --detach "$BASE_SRC" "$BASE_TAG"
cp "$SRC/kernel/dma/bench_kunit.c" "$BASE_SRC/kernel/dma/"
{ echo; awk '/^config /{p = /^config DMA_BENCH_KUNIT$/} p' "$SRC/kernel/dma/Kconfig"; } \
	>> "$BASE_SRC/kernel/dma/Kconfig"
grep 'bench_kunit\.o' "$SRC/kernel/dma/Makefile" >> "$BASE_SRC/kernel/dma/Makefile"

# Both kernels the same way: slim, the targets' kconfig, config/bench.config.
for kernel in series base; do
	if [ $kernel = series ]; then src=$SRC; else src=$BASE_SRC; fi
	log "building the $kernel benchmark kernel"
	SRC=$src BUILD=$WORK/build-bench-$kernel KUNITCONFIGS= \
		EXTRA_CONFIG=config/bench.config bash "$TOP/scripts/build.sh"
done

# BENCH_ROUNDS boots of each kernel on each target, interleaved so that a
# slow spell of the machine hits both kernels; the report takes the median.
echo "round,kernel,target,method,pages,ns_median,ns_min,ns_max" > "$OUT/bench.csv"
for round in $(seq "${BENCH_ROUNDS:-3}"); do
for kernel in series base; do
	for t in $TARGETS; do
		read -r _ qemu_config args < <(grep -E "^$t[[:space:]]" "$TOP/config/targets")
		log "round $round: timing on $t ($kernel)"
		log=$OUT/$kernel-$t.$round.log
		(cd "$SRC" && KUNIT_XEN_IMAGE=$PKGS/xen.elf python3 tools/testing/kunit/kunit.py \
			exec --build_dir "$WORK/build-bench-$kernel" --timeout 900 \
			--qemu_config "tools/testing/kunit/qemu_configs/$qemu_config.py" \
			--kernel_args "dma_bench.run=1 $args" 'dma_bench.*') > "$log.kunit" 2>&1 ||
			{ tail -20 "$log.kunit"; die "dma_bench failed on $t ($kernel): $log.kunit"; }
		cp "$WORK/build-bench-$kernel/test.log" "$log"
		records=$(grep -ao 'csv,.*' "$log" | tr -d '\r' | cut -d, -f2-)
		[ -n "$records" ] || die "no benchmark records on $t ($kernel): $log"
		printf '%s\n' "$records" | sed "s/^/$round,$kernel,$t,/" >> "$OUT/bench.csv"
	done
done
done

# Where the time goes, per kernel function (BENCH_PROFILE=0 skips it).
rm -f "$OUT/profile.csv" "$OUT/profile-runs.csv"
[ "${BENCH_PROFILE:-1}" = 0 ] || bash "$TOP/scripts/bench-profile.sh"
python3 "$TOP/scripts/bench-report.py" "$OUT"
log "results: $OUT/bench.csv, $OUT/ratios.md, $OUT/bench.png"
