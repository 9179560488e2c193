#!/bin/sh
# Guest: the GUP benchmark (bench/gup_bench.c); bench.quick on the kernel
# command line makes it a short smoke run.
mkdir -p /mnt/thp
mount -t tmpfs -o huge=always tmpfs /mnt/thp || exit 1
if grep -q 'bench\.quick' /proc/cmdline; then
	gup_bench -q
else
	gup_bench
fi
