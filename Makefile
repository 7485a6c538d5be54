# make        the main job: deps, pinned tree + series, kernel, KUnit on every target
# make check  what CI runs: the same, exit status non-zero on any failure
# Single steps: make deps | prepare | build | run TARGET=x86_64-xen | clean

SHELL := /bin/bash

.PHONY: all check deps prepare build run clean

all check:
	@scripts/pipeline.sh

deps prepare build:
	@scripts/$@.sh

run:
	@scripts/run.sh $(or $(TARGET),$(error set TARGET, see config/targets))

clean:
	rm -rf work/build work/results
