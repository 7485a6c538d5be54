#!/bin/bash
# bench.sh (make bench): time the DMA mapping APIs with the dma_bench suite
# (bench/, applied to a worktree of each tree), one boot per target, on
# the series and on the base tree; count where one call of each compared
# method spends its instructions (bench-trace.sh) and profile each method
# with perf (bench-profile.sh); then tabulate and plot.
# Writes work/results/bench/: bench.csv, trace-*.txt, profile.csv,
# ratios.md, bench.png.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$RESULTS/bench
# Instruction-clock mode (QEMU's icount, docs/bench.md): the guest clock
# advances one ns per guest instruction executed, so a figure counts
# instructions and is the same on every boot, whatever else the machine
# runs. icount runs TCG on one thread: one vCPU. BENCH_QEMU_ARGS= times
# in host time instead.
QEMU_ARGS=${BENCH_QEMU_ARGS--icount shift=0,sleep=off -smp 1}
# The targets config/targets marks bench yes, on a benchmark kernel of
# their architecture each.
TARGETS=${BENCH_TARGETS:-$(targets_where bench yes)}
arches=$(for t in $TARGETS; do target "$t"; echo "$T_ARCH"; done | sort -u)
bench_build() { echo "$WORK/build-bench-$1-$2"; }	# KERNEL ARCH
mkdir -p "$OUT"
# Each target's DMA platform, from its qemu_config (dma_kunit.platform=),
# and architecture: bench-report.py sets swiotlb-xen on the xen ones
# against dma-direct on the same architecture.
for t in $TARGETS; do
	target "$t"
	platform=$(qemu_config_attr "$T_QEMU" kernel_command_line |
		sed -n 's/.*dma_kunit\.platform=\([^ ]*\).*/\1/p')
	[ -n "$platform" ] || die "qemu_config $T_QEMU of $t sets no dma_kunit.platform="
	echo "$t,$platform,$T_ARCH"
done > "$OUT/platforms.csv"

# The benchmark is not in the series: bench/ holds it as a patch that
# applies to both trees. Each gets a worktree of its own, the series at
# the prepared tree's HEAD, the base at its tag, with the patch on top.
# An existing worktree is moved there in place, so that git rewrites only
# the files that differ and the builds stay incremental; one holding
# changes of yours is left alone.
# A worktree is current when its HEAD is bench/'s patch (same patch-id)
# on rev, with nothing uncommitted.
bench_patch=$(git patch-id --stable < "$TOP"/bench/*.patch | cut -d' ' -f1)
current() {	# WORKTREE REV
	[ "$(git -C "$1" rev-parse -q --verify HEAD^ 2> /dev/null)" = "$2" ] &&
		[ "$(git -C "$1" show HEAD | git patch-id --stable | cut -d' ' -f1)" = "$bench_patch" ] &&
		git -C "$1" diff --quiet HEAD
}
for kernel in series base; do
	wt=$WORK/bench-$kernel
	if [ $kernel = series ]; then rev=$(git -C "$SRC" rev-parse HEAD); else rev=$(git -C "$SRC" rev-parse "$BASE_TAG^{commit}"); fi
	if current "$wt" "$rev"; then
		log "$kernel tree: $wt is current (${rev:0:12} + bench/)"
		continue
	fi
	log "$kernel tree: $wt at ${rev:0:12} + bench/"
	if [ -d "$wt" ]; then
		git -C "$wt" diff --quiet HEAD ||
			die "$wt has uncommitted changes: commit or stash them (git -C $wt stash), then rerun"
		git -C "$wt" am --abort 2> /dev/null || true
		git -C "$wt" checkout -q --detach "$rev"
	else
		git -C "$SRC" worktree prune
		git -C "$SRC" worktree add -q --detach "$wt" "$rev"
	fi
	git -C "$wt" -c user.name=bench -c user.email=bench@localhost am -q "$TOP"/bench/*.patch ||
		die "bench/ does not apply to the $kernel tree ($rev)"
done

# Both kernels the same way: slim, the targets' kconfig, config/bench.config.
for kernel in series base; do
	for arch in $arches; do
		log "building the $kernel benchmark kernel ($arch)"
		SRC=$WORK/bench-$kernel KARCH=$arch BUILD=$(bench_build $kernel $arch) \
			KUNITCONFIGS= EXTRA_CONFIG=config/bench.config bash "$TOP/scripts/build.sh"
	done
done

# boot ROUND KERNEL TARGET: run dma_bench once, append its records.
boot() {
	local log=$OUT/$2-$3.$1.log records
	target "$3"
	log "round $1: timing on $3 ($2)"
	kunit_exec "$3" "$(bench_build "$2" "$T_ARCH")" 900 \
		${QEMU_ARGS:+--qemu_args "$QEMU_ARGS"} \
		--kernel_args dma_bench.run=1 'dma_bench.*' > "$log.kunit" 2>&1 ||
		{ tail -20 "$log.kunit"; die "dma_bench failed on $3 ($2): $log.kunit"; }
	cp "$(bench_build "$2" "$T_ARCH")/test.log" "$log"
	records=$(grep -ao 'csv,.*' "$log" | tr -d '\r' | cut -d, -f2-)
	[ -n "$records" ] || die "no benchmark records on $3 ($2): $log"
	printf '%s\n' "$records" | sed "s/^/$1,$2,$3,/" >> "$OUT/bench.csv"
}

# In icount mode one boot per kernel and target measures it exactly; a
# second boot of the first target checks that. In host time, BENCH_ROUNDS
# boots of each (default 3), interleaved, for medians.
echo "round,kernel,target,method,pages,ns_median,ns_min,ns_max" > "$OUT/bench.csv"
echo "${QEMU_ARGS:-host time}" > "$OUT/clock"
rounds=${BENCH_ROUNDS:-$([ -n "$QEMU_ARGS" ] && echo 1 || echo 3)}
for round in $(seq "$rounds"); do
	for kernel in series base; do
		for t in $TARGETS; do
			boot "$round" $kernel "$t"
		done
	done
done
if [ -n "$QEMU_ARGS" ]; then
	for kernel in series base; do
		boot $((rounds + 1)) $kernel "${TARGETS%%[[:space:]]*}"
	done
fi

# In icount mode every boot of a kernel must print the same figures.
if [ -n "$QEMU_ARGS" ]; then
	differ=$(awk -F, 'NR > 1 { k = $2 "," $3 "," $4 "," $5; v = $6 "," $7 "," $8
		if (k in seen && seen[k] != v) print k ": " seen[k] " then " v; seen[k] = v }' "$OUT/bench.csv")
	[ -z "$differ" ] || { printf '%s\n' "$differ" | head -20; die "boots in instruction-clock mode disagree (above): the figures are not deterministic"; }
	log "every record identical on every boot of the same kernel and target"
fi

# Where the instructions go, exactly (BENCH_TRACE=0 skips it): one call
# of each method the ratios compare, single-stepped on the x86_64
# targets (bench-trace.sh), where it was timed.
rm -f "$OUT"/trace-*
if [ "${BENCH_TRACE:-1}" != 0 ]; then
	for t in $TARGETS; do
		target "$t"
		[ "$T_ARCH" = x86_64 ] || continue
		for spec in series:iova_link:64 series:iommu_floor:64 \
			{series,base}:map_resource:1 {series,base}:map_page_1:1 \
			{series,base}:map_resource_direct:1; do
			IFS=: read -r k m n <<< "$spec"
			grep -q "^1,$k,$t,$m,$n,[0-9]" "$OUT/bench.csv" || continue
			bash "$TOP/scripts/bench-trace.sh" "$k" "$t" "$m" "$n"
		done
	done
fi

# Where the time goes, per kernel function (BENCH_PROFILE=0 skips it).
rm -f "$OUT/profile.csv" "$OUT/profile-runs.csv"
[ "${BENCH_PROFILE:-1}" = 0 ] || bash "$TOP/scripts/bench-profile.sh"
python3 "$TOP/scripts/bench-report.py" "$OUT"
log "results: $OUT/bench.csv, $OUT/ratios.md, $OUT/bench.png"
