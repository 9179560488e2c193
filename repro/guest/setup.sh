#!/bin/sh
# Guest, first boot of a repro run (repro/repro.sh): create the test file on
# the file system named by repro.fs= on the kernel command line. /init then
# syncs and unmounts cleanly, so the file is on disk before the boot that
# cuts the power.
fs=$(sed -n 's/.*repro\.fs=\([^ ]*\).*/\1/p' /proc/cmdline)
file=/mnt/$fs/repro.dat
if ! grep -q " /mnt/$fs " /proc/mounts; then
	echo "error: /mnt/$fs is not mounted (repro.fs=$fs)"
	exit 1
fi
# 4 pages of 'S', the pattern repro never writes.
head -c 16384 /dev/zero | tr '\000' S >"$file" || exit 1
sync
echo "setup: $file, $(wc -c <"$file") bytes"
