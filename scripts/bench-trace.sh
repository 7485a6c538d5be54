#!/bin/bash
# bench-trace.sh KERNEL TARGET METHOD [PAGES]: count, exactly, the guest
# instructions one call of a dma_bench method executes, per kernel
# function. Boots the benchmark kernel KERNEL (series or base, built by
# make bench) on TARGET (an x86_64 row of config/targets) in QEMU's
# instruction-clock mode, stopped for gdb; scripts/bench-trace.py stops
# at the 7th call of METHOD's function (caches warm), single-steps it to
# its return and writes work/results/bench/trace-KERNEL-TARGET-METHOD-PAGES.txt.
#   scripts/bench-trace.sh base x86_64-vtd map_resource
#   scripts/bench-trace.sh series x86_64-vtd iova_link 64
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || die "usage: $0 series|base TARGET METHOD [PAGES]"
kernel=$1 t=$2 method=$3 pages=${4:-1}
case $kernel in series | base) ;; *) die "KERNEL is series or base, not $kernel" ;; esac
target "$t"
[ "$T_ARCH" = x86_64 ] || die "$t is $T_ARCH: bench-trace.py reads x86_64 registers"
build=$WORK/build-bench-$kernel-$T_ARCH
[ -f "$build/vmlinux" ] || die "no $build/vmlinux: run make bench first"
command -v gdb > /dev/null || die "no gdb: apt-get install gdb"
# The function that times METHOD: map_resource_direct runs map_resource
# on another device, map_page_1 map_page_loop on one page.
case $method in
map_resource_direct) func=map_resource ;;
map_page) func=map_page_loop ;;
map_sg) func=map_sgtable ;;
map_page_1) func=map_page_loop ;;
*) func=$method ;;
esac
grep -q " t $func\$" "$build/System.map" || die "no function $func for $method in $build/System.map"
out=$RESULTS/bench/trace-$kernel-$t-$method-$pages.txt
mkdir -p "$RESULTS/bench"
rm -f "$out"
log "tracing one $method call ($pages pages) on $t ($kernel kernel)"
# kunit.py boots the target as always, with QEMU waiting for gdb; the
# run ends when gdb kills QEMU, so kunit.py's verdict does not count.
kunit_exec "$t" "$build" 900 --qemu_args "-icount shift=0,sleep=off -smp 1 -s -S" \
	--kernel_args "dma_bench.run=1 dma_bench.only=$method dma_bench.pages=$pages" \
	'dma_bench.*' > "$out.kunit" 2>&1 &
sleep 2
FUNC=$func NTH=${BENCH_TRACE_NTH:-6} SYSMAP=$build/System.map OUT=$out \
	timeout 900 gdb -batch -x "$TOP/scripts/bench-trace.py" "$build/vmlinux" > "$out.gdb" 2>&1 || true
wait || true
[ -s "$out" ] || { tail -5 "$out.gdb"; die "no trace: $out.gdb"; }
log "$(tail -1 "$out"): $out"
