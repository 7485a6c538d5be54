# make        the first result, fast: deps, pinned tree + series, the
#             x86_64 kernel (no debug options), KUnit on the x86_64 targets
# make check  what CI runs: deps, tree, the x86_64 test kernel with the debug
#             options, review gates and build matrix, KUnit on every target,
#             then the arm64 kernel and the x86_64 KASAN module kernel; exit
#             status non-zero on any failure
# make lint   only the review gates (checkpatch, per-patch build, sparse,
#             kernel-doc, htmldocs, cover letter) and the build matrix
#             (config/matrix/entries: 32-bit, options off, kunit.py's config)
# make check-debug  only the KASAN module kernel; make check-fast: all but it
# make bench  count the instructions of the mapping APIs on the series
#             and on the base tree (QEMU icount), single-step one call
#             of each per function, profile them with perf in the guest:
#             CSV, ratio and per-function tables and plot in
#             work/results/bench
# make run TARGET=<row of config/targets, or debug/ROW> [SUITE=glob]:
#             boot a built kernel on one target
# Single steps: make deps | prepare | build [KARCH=arm64] | clean

SHELL := /bin/bash

.PHONY: all check check-debug check-fast bench lint deps prepare build run clean

all:
	@QUICK=1 scripts/pipeline.sh

check:
	@scripts/pipeline.sh

check-debug:
	@DEBUG_ONLY=1 scripts/pipeline.sh

check-fast:
	@NO_DEBUG=1 scripts/pipeline.sh

bench:
	@scripts/deps.sh && scripts/prepare.sh && scripts/bench.sh

deps prepare:
	@scripts/$@.sh

# rebuild a kernel as make or make check last configured it: x86_64, or
# KARCH=arm64, or BUILD=work/build-debug (the KASAN module kernel)
build:
	@REBUILD=1 scripts/build.sh

lint:
	@scripts/deps.sh && scripts/prepare.sh && CONFIG_ONLY=1 scripts/build.sh && scripts/lint.sh && \
		scripts/matrix.sh

run:
	@scripts/run.sh $(or $(TARGET),$(error set TARGET, see config/targets))

# Everything the harness builds or writes under work/; keeps the prepared
# tree (work/linux), the downloads (work/pkgs) and anything else.
clean:
	rm -rf work/build work/build-arm64 work/build-debug work/build-bench-* \
		work/build-prof-* work/bench-base work/bench-series work/lint \
		work/lint-build work/lint-docs work/lint-readme work/lint.new work/matrix work/results \
		work/am.err work/linux.tmp work/perf-initramfs.list
	[ ! -d work/linux/.git ] || git -C work/linux worktree prune
