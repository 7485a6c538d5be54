#!/bin/bash
# bench-profile.sh (the end of make bench): where the time goes. Builds the
# series and base benchmark kernels again, with what perf needs
# (config/bench-profile.config) and an initramfs holding Debian's perf and
# config/perf-init, which reruns the dma_bench suite one method at a time
# under "perf record -a -g" and prints the samples taken under the timed
# loop, per kernel function. Boots them on the x86_64 benchmark targets and
# writes work/results/bench/profile.csv:
#   kernel,target,method,pages,symbol,samples
# and profile-runs.csv, what each rerun timed (kernel,target,method,pages,ns).
# Run after bench.sh, which prepares both trees (work/bench-series, work/bench-base).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$RESULTS/bench
# The clock bench.sh used (BENCH_QEMU_ARGS): perf's cpu-clock samples
# then count instructions too.
QEMU_ARGS=${BENCH_QEMU_ARGS--icount shift=0,sleep=off -smp 1}
# Debian's perf here is an x86_64 binary: the x86_64 benchmark targets.
TARGETS=$(for t in ${BENCH_TARGETS:-$(targets_where bench yes)}; do
	target "$t"; [ "$T_ARCH" != x86_64 ] || echo "$t"; done)
[ -n "$TARGETS" ] || { log "no x86_64 benchmark target: nothing to profile"; exit 0; }
# METHOD:PAGES, the figures the ratio table compares
PROFILE=iova_link:512,iommu_floor:512,map_sg:512,map_resource:1,map_phys_mmio:1,map_resource_direct:1
PERF=/usr/bin/perf
for kernel in series base; do
	[ -d "$WORK/bench-$kernel" ] || die "no $WORK/bench-$kernel: run scripts/bench.sh first"
done
[ -x "$PERF" ] || die "no $PERF: run scripts/deps.sh (linux-perf)"
mkdir -p "$OUT"

# perf and the shared libraries it loads, for gen_init_cpio.
files=$WORK/perf-initramfs.list
{
	printf 'dir %s 0755 0 0\n' /lib /lib/x86_64-linux-gnu /lib64
	echo "file /bin/perf $PERF 0755 0 0"
	ldd "$PERF" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		while read -r lib; do
			case $lib in
			/lib/x86_64-linux-gnu/* | /lib64/*) ;;
			*) die "perf needs $lib, outside /lib/x86_64-linux-gnu and /lib64" ;;
			esac
			echo "file $lib $(readlink -f "$lib") 0755 0 0"
		done
} > "$files"

for kernel in series base; do
	log "building the $kernel profiling kernel"
	SRC=$WORK/bench-$kernel BUILD=$WORK/build-prof-$kernel KUNITCONFIGS= \
		EXTRA_CONFIG="config/bench.config config/bench-profile.config" \
		INIT_SCRIPT=config/perf-init INIT_FILES=$files \
		bash "$TOP/scripts/build.sh"
done

echo "kernel,target,method,pages,symbol,samples" > "$OUT/profile.csv"
# and what each rerun timed, ns per page, while perf sampled it
echo "kernel,target,method,pages,ns" > "$OUT/profile-runs.csv"
for kernel in series base; do
	for t in $TARGETS; do
		log "profiling on $t ($kernel)"
		log=$OUT/profile-$kernel-$t.log
		# kunit.py reads the suite's reruns as a malformed second run:
		# its verdict does not matter here, the perf blocks do. The boot
		# run must not skip (KUnit would skip the reruns too), so it
		# runs, timing no method.
		kunit_exec "$t" "$WORK/build-prof-$kernel" 1200 ${QEMU_ARGS:+--qemu_args "$QEMU_ARGS"} \
			--kernel_args "kunit_shutdown=none dma_bench.run=1 dma_bench.only=none bench_profile=$PROFILE" \
			'dma_bench.*' > "$log.kunit" 2>&1 || true
		cp "$WORK/build-prof-$kernel/test.log" "$log"
		grep -aq "perf-end ${PROFILE##*,}" "$log" ||
			die "the profile did not finish on $t ($kernel): $log"
		# "  12.34%   567  [k] symbol  bench_loops" between perf-begin/end
		tr -d '\r' < "$log" | awk -v k=$kernel -v t="$t" '
			/perf-begin/ { split($NF, s, ":"); m = s[1]; n = s[2]; on = 1; next }
			/perf-end/ { on = 0 }
			on && $3 == "[k]" { print k "," t "," m "," n "," $4 "," $2 }
		' >> "$OUT/profile.csv"
		grep -ao 'csv,[a-z_0-9]*,[0-9]*,[0-9][0-9]*' "$log" | cut -d, -f2-4 |
			sed "s/^/$kernel,$t,/" >> "$OUT/profile-runs.csv"
	done
done
log "profile: $OUT/profile.csv"
