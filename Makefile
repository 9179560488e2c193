# The bench around patches/. See README.md.
#   make          build the base and the patched kernel, run the tests on both,
#                 print the side-by-side table
#   make check    the tests (CI runs this)
#   make check-all  make check, then the touched objects on arm64, i386,
#                 powerpc and UML (no GUP-fast)
#   make tree     build/tree = base + patches/, one commit per patch, to work on
#   make export   write build/tree back to patches/
#   make bench    what the series costs on the GUP paths, base vs patched
SHELL := /bin/bash

all:
	@scripts/demo.sh

check:
	@scripts/check.sh

check-all: check
	@scripts/check-all.sh

tree:
	@scripts/tree.sh

export:
	@scripts/export.sh

bench:
	@scripts/bench.sh

clean:
	rm -rf build/out build/runs build/check-logs build/initramfs* build/guest-bin* build/vm_util-*.o build/busybox-* build/repro-module build/bench

.PHONY: all check check-all tree export bench clean
