# make        the main job: deps, pinned tree + series, kernel, review gates,
#             KUnit on every target
# make check  what CI runs: the same, then the bare x86_64 targets again on
#             the KASAN module kernel; exit status non-zero on any failure
# make lint   only the review gates (checkpatch, per-patch build, sparse,
#             kernel-doc, htmldocs, cover letter) and the build matrix
#             (config/matrix/entries: 32-bit, options off, kunit.py's config)
# make check-debug  only the KASAN module kernel; make check-fast: all but it
# make bench  time the mapping APIs on the series and on the base tree,
#             then profile them with perf in the guest: CSV, ratio and
#             per-function tables and plot in work/results/bench
# Single steps: make deps | prepare | build | run TARGET=x86_64-xen | clean

SHELL := /bin/bash

.PHONY: all check check-debug check-fast bench lint deps prepare build run clean

all check:
	@scripts/pipeline.sh

check-debug:
	@DEBUG_ONLY=1 scripts/pipeline.sh

check-fast:
	@NO_DEBUG=1 scripts/pipeline.sh

bench:
	@scripts/deps.sh && scripts/prepare.sh && scripts/bench.sh

deps prepare:
	@scripts/$@.sh

# the x86_64 test kernel, as make check builds it
build:
	@EXTRA_CONFIG=config/debug.config INIT_SCRIPT=config/kmemleak-init scripts/build.sh

lint:
	@scripts/deps.sh && scripts/prepare.sh && CONFIG_ONLY=1 scripts/build.sh && scripts/lint.sh && \
		scripts/matrix.sh

run:
	@scripts/run.sh $(or $(TARGET),$(error set TARGET, see config/targets))

clean:
	rm -rf work/build work/results work/lint-build work/lint-docs \
		work/build-debug work/build-debug-xen work/results-debug work/matrix
