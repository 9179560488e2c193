# The bench around patches/. See README.md, or `make help`.
SHELL := /bin/bash

all:
	@common/demo.sh

check:
	@common/check.sh

check-all: check
	@common/check-all.sh

tree:
	@common/tree.sh $(if $(FORCE),--force)

export:
	@common/export.sh

bench:
	@cost/bench.sh

stress:
	@stress/stress.sh $(if $(SECONDS),--seconds $(SECONDS))

durable:
	@durable/durable.sh

help:
	@sed -n '/^## Commands/,/^## /p' README.md | sed '$$d'

clean:
	rm -rf build/*/.out-* build/out build/runs build/check-logs build/initramfs* build/guest-bin* build/vm_util-*.o build/busybox-* build/repro-module build/bench

.PHONY: all check check-all tree export bench stress durable help clean
